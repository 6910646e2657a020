//! The help text in the reader's language: every command's and option's description
//! comes from the catalogue (`cmd-…`, `arg-…` messages), and clap's own words (usage,
//! headings, the help and version flags) are replaced too.

use clap::{Arg, ArgAction, Command};
use wiel_lang::{Lang, msg, t};

/// The message id of a command's description: `cmd-wiel`, `cmd-publish`, `cmd-key-rotate`.
pub fn command_id(path: &[&str]) -> String {
    format!("cmd-{}", path.join("-"))
}

/// The message id of an option's description: `arg-publish-title`.
pub fn arg_id(path: &[&str], arg: &str) -> String {
    format!("arg-{}-{}", path.join("-"), arg.replace('_', "-"))
}

/// The command line with every description in `lang`, without the global options that
/// mean nothing for a command in that command's help ([`crate::args::NOT_FOR`]).
pub fn localised(command: Command, lang: Lang) -> Command {
    localised_for(command, lang, None)
}

/// [`localised`], worked out in full only for the commands named among `words` (the words
/// of a command line): the others get their one-line description, all a parent's help shows
/// of them. Parsing needs no more, and working out every command took a command's start
/// 1.5 ms. `None`: every command in full (for completions and manual pages).
pub fn localised_for(command: Command, lang: Lang, words: Option<&[String]>) -> Command {
    let mut command = walk(command, &["wiel"], lang, words);
    // Built first: only then are the global options copied into each command.
    command.build();
    for (name, arg) in crate::args::NOT_FOR {
        if let Some(sub) = command.find_subcommand_mut(name) {
            *sub = std::mem::take(sub).mut_arg(*arg, |a| a.hide(true));
        }
    }
    command
}

fn walk(mut command: Command, path: &[&str], lang: Lang, words: Option<&[String]>) -> Command {
    let id = command_id(path);
    command = command
        .about(lang.get(&id))
        .long_about(long(lang, &id))
        .help_template(template(lang))
        .disable_help_flag(true)
        .disable_help_subcommand(true);
    if path.len() == 1 {
        command = command.disable_version_flag(true).arg(
            Arg::new("version")
                .short('V')
                .long("version")
                .action(ArgAction::Version)
                .help(lang.get("version-flag"))
                .help_heading(lang.get("heading-options")),
        );
    }
    if command.has_subcommands() {
        command = command
            .subcommand_help_heading(lang.get("heading-commands"))
            .subcommand_value_name(lang.get("value-command"));
    }
    let args: Vec<String> = command
        .get_arguments()
        .filter(|a| !matches!(a.get_id().as_str(), "help" | "version"))
        .filter(|a| !a.is_global_set() || path.len() == 1)
        .map(|a| a.get_id().to_string())
        .collect();
    for (order, arg) in args.into_iter().enumerate() {
        let id = arg_id(path, &arg);
        command = command.mut_arg(arg.as_str(), |a| {
            // clap's own "[default: …]", "[possible values: …]" and "[env: …]" are
            // English: said in the help text instead.
            let takes_values = a.get_action().takes_values();
            let mut extra = String::new();
            let defaults: Vec<String> = a
                .get_default_values()
                .iter()
                .map(|v| v.to_string_lossy().into_owned())
                .collect();
            if !defaults.is_empty() && takes_values && !a.is_hide_default_value_set() {
                extra.push_str(&format!(
                    " {}",
                    lang.text(&msg!("help-default", value = defaults.join(", ")))
                ));
            }
            let possible: Vec<String> = a
                .get_possible_values()
                .iter()
                .map(|v| v.get_name().to_owned())
                .collect();
            if !possible.is_empty() && a.get_action().takes_values() {
                extra.push_str(&format!(
                    " {}",
                    lang.text(&msg!("help-possible", values = possible.join(", ")))
                ));
            }
            // Named after the option itself where it has no name of its own (`<ID>`).
            let value_names: Vec<String> = match a.get_value_names() {
                Some(names) => names.iter().map(|n| value_name(lang, n.as_str())).collect(),
                None if takes_values => {
                    vec![value_name(lang, &a.get_id().as_str().replace('_', "-"))]
                }
                None => Vec::new(),
            };
            let help = format!("{}{extra}", lang.get(&id));
            let long_help = format!("{}{extra}", long(lang, &id));
            let has_env = a.get_env().is_some();
            let mut a = a.help(help).long_help(long_help);
            if takes_values {
                a = a.hide_default_value(true).hide_possible_values(true);
            }
            if has_env {
                a = a.hide_env(true);
            }
            if !value_names.is_empty() {
                a = a.value_names(value_names);
            }
            if a.is_positional() {
                // In the order of the usage line.
                a.help_heading(lang.get("heading-arguments"))
                    .display_order(order)
            } else {
                a.help_heading(lang.get("heading-options"))
            }
        });
    }
    // clap's usage line says "[OPTIONS]": said in the reader's language.
    let rendered = command.clone().render_usage().to_string();
    let after_name = rendered
        .split_once(": ")
        .map(|(_, usage)| usage)
        .unwrap_or(&rendered)
        .split_once(' ')
        .map(|(_, rest)| rest.to_owned())
        .unwrap_or_default();
    let usage = format!(
        "{} {}",
        path.join(" "),
        after_name.replace("[OPTIONS]", &format!("[{}]", lang.get("value-options")))
    );
    command = command.override_usage(usage.trim_end().to_owned());
    // After the others, so that the arguments come first and the options together.
    command = command.arg(
        Arg::new("help")
            .short('h')
            .long("help")
            .action(ArgAction::Help)
            .help(lang.get("help-flag"))
            .help_heading(lang.get("heading-options")),
    );
    let names: Vec<String> = command
        .get_subcommands()
        .map(|c| c.get_name().to_owned())
        .collect();
    for name in names {
        let mut sub_path = path.to_vec();
        sub_path.push(&name);
        let sub_path: Vec<&str> = sub_path;
        command = command.mut_subcommand(name.as_str(), |c| {
            let named = words.is_none_or(|words| {
                words
                    .iter()
                    .any(|w| w == c.get_name() || c.get_all_aliases().any(|a| a == w))
            });
            if named {
                walk(c, &sub_path, lang, words)
            } else {
                c.about(lang.get(&command_id(&sub_path)))
            }
        });
    }
    command
}

/// A value's name in the help (`<MAP>` for `<DIR>`), from `value-…` messages.
fn value_name(lang: Lang, name: &str) -> String {
    let id = format!("value-{}", name.to_lowercase());
    if lang.has(&id) {
        lang.get(&id)
    } else {
        name.to_owned()
    }
}

/// The longer description where the catalogue has one (`…-long`), else the short one.
fn long(lang: Lang, id: &str) -> String {
    let long_id = format!("{id}-long");
    if lang.has(&long_id) {
        format!("{}\n\n{}", lang.get(id), lang.get(&long_id))
    } else {
        lang.get(id)
    }
}

fn template(lang: Lang) -> String {
    format!(
        "{{about-with-newline}}\n{}: {{usage}}\n\n{{all-args}}{{after-help}}",
        lang.get("heading-usage")
    )
}

/// The one-line error for wrong arguments, in the reader's language.
pub fn usage_error(err: &clap::Error) -> String {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    let context = |kind: ContextKind| match err.get(kind) {
        Some(ContextValue::String(s)) => s.clone(),
        Some(ContextValue::Strings(list)) => list.join(", "),
        Some(other) => other.to_string(),
        None => String::new(),
    };
    let suggestion = context(ContextKind::SuggestedArg);
    let suggestion = if suggestion.is_empty() {
        context(ContextKind::SuggestedSubcommand)
    } else {
        suggestion
    };
    let hint = if suggestion.is_empty() {
        String::new()
    } else {
        format!(" {}", t!("usage-did-you-mean", suggestion = suggestion))
    };
    let argument = context(ContextKind::InvalidArg);
    let value = context(ContextKind::InvalidValue);
    let text = match err.kind() {
        ErrorKind::UnknownArgument if !argument.starts_with('-') => {
            t!("usage-unexpected", argument = argument)
        }
        ErrorKind::UnknownArgument => t!("usage-unknown-argument", argument = argument),
        ErrorKind::InvalidSubcommand => {
            t!(
                "usage-unknown-command",
                command = context(ContextKind::InvalidSubcommand)
            )
        }
        ErrorKind::MissingRequiredArgument => {
            let count = match err.get(ContextKind::InvalidArg) {
                Some(ContextValue::Strings(list)) => list.len(),
                _ => 1,
            };
            t!("usage-missing", argument = argument, count = count)
        }
        ErrorKind::MissingSubcommand | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            t!("usage-missing-command")
        }
        ErrorKind::InvalidValue if value.is_empty() => {
            t!("usage-value-missing", argument = argument)
        }
        ErrorKind::InvalidValue => t!(
            "usage-invalid-value",
            value = value,
            argument = argument,
            valid = context(ContextKind::ValidValue)
        ),
        ErrorKind::ValueValidation => {
            let source = std::error::Error::source(err);
            let reason = if source.is_some_and(|e| e.is::<std::num::ParseIntError>()) {
                t!("usage-not-a-number")
            } else {
                source.map(|e| e.to_string()).unwrap_or_default()
            };
            t!(
                "usage-invalid-value-because",
                value = value,
                argument = argument,
                reason = reason
            )
        }
        ErrorKind::ArgumentConflict => t!(
            "usage-conflict",
            argument = argument,
            other = context(ContextKind::PriorArg)
        ),
        ErrorKind::TooManyValues | ErrorKind::WrongNumberOfValues | ErrorKind::TooFewValues => {
            t!("usage-wrong-number", argument = argument)
        }
        ErrorKind::NoEquals => t!("usage-no-equals", argument = argument),
        ErrorKind::InvalidUtf8 => t!("usage-not-utf8"),
        _ => first_line(err),
    };
    format!("{text}{hint}; {}", t!("usage-see-help"))
}

/// Clap's own text for a rare error, on one line without its "error: ".
fn first_line(err: &clap::Error) -> String {
    let text = err.to_string();
    let line = text.lines().next().unwrap_or_default();
    line.strip_prefix("error: ").unwrap_or(line).to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    /// Every command and option has its description in both languages.
    #[test]
    fn every_command_and_option_is_described_in_both_languages() {
        let mut missing = Vec::new();
        collect(&crate::args::Cli::command(), &["wiel"], &mut missing);
        assert!(missing.is_empty(), "not in the catalogue: {missing:#?}");
    }

    fn collect(command: &Command, path: &[&str], missing: &mut Vec<String>) {
        let mut ids = vec![command_id(path)];
        for a in command.get_arguments() {
            if matches!(a.get_id().as_str(), "help" | "version")
                || (a.is_global_set() && path.len() > 1)
            {
                continue;
            }
            ids.push(arg_id(path, a.get_id().as_str()));
        }
        for id in ids {
            for lang in Lang::ALL {
                if !lang.has(&id) {
                    missing.push(format!("{id} ({})", lang.tag()));
                }
            }
        }
        for c in command.get_subcommands() {
            let mut sub = path.to_vec();
            sub.push(c.get_name());
            collect(c, &sub, missing);
        }
    }

    /// No word of clap's own English in the Dutch help of any command.
    #[test]
    fn the_dutch_help_of_every_command_has_no_english_of_clap() {
        fn check(command: &mut Command, path: &str) {
            let help = command.render_long_help().to_string();
            for english in [
                "Usage:",
                "Options:",
                "Commands:",
                "Arguments:",
                "[OPTIONS]",
                "<COMMAND>",
                "[default:",
                "[possible values",
                "[env:",
                "Print help",
            ] {
                assert!(!help.contains(english), "{path}: {english} in\n{help}");
            }
            for sub in command.get_subcommands_mut() {
                let name = format!("{path} {}", sub.get_name());
                check(sub, &name);
            }
        }
        let mut command = localised(crate::args::Cli::command(), Lang::Nl);
        command.build();
        check(&mut command, "wiel");
    }

    #[test]
    fn every_theme_is_in_the_help() {
        for lang in Lang::ALL {
            let help = lang.get("arg-wiel-publish-themes");
            for (theme, _) in wiel_protocol::themes::THEMES {
                assert!(help.contains(theme), "{theme} missing in {help}");
            }
        }
    }

    #[test]
    fn a_command_line_gets_its_commands_in_full_and_the_others_described() {
        let words: Vec<String> = ["search", "verzuim"].map(String::from).to_vec();
        let mut partly = localised_for(crate::args::Cli::command(), Lang::Nl, Some(&words));
        let mut whole = localised(crate::args::Cli::command(), Lang::Nl);
        // The top's help and the named command's help are the same as in full.
        assert_eq!(
            partly.render_help().to_string(),
            whole.render_help().to_string()
        );
        let search = |c: &mut Command| {
            c.find_subcommand_mut("search")
                .map(|s| s.render_long_help().to_string())
        };
        assert_eq!(search(&mut partly), search(&mut whole));
        assert!(search(&mut partly).is_some_and(|h| h.contains("--limit")));
    }

    #[test]
    fn the_help_is_dutch_by_default_and_english_on_request() {
        let nl = localised(crate::args::Cli::command(), Lang::Nl).render_help();
        assert!(nl.to_string().contains("Opdrachten"), "{nl}");
        let en = localised(crate::args::Cli::command(), Lang::En).render_help();
        assert!(en.to_string().contains("Commands"), "{en}");
    }
}
