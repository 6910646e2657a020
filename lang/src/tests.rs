//! The catalogue test: both languages hold the same messages with the same arguments, and
//! every message id written in the workspace's code is in them.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use fluent_syntax::ast;

use super::*;

/// Each message id with the variables its text uses.
fn messages(source: &str) -> BTreeMap<String, BTreeSet<String>> {
    let resource = match fluent_syntax::parser::parse(source) {
        Ok(r) => r,
        Err((_, errors)) => panic!("the catalogue does not parse: {errors:?}"),
    };
    let mut out = BTreeMap::new();
    for entry in resource.body {
        if let ast::Entry::Message(m) = entry {
            let mut vars = BTreeSet::new();
            if let Some(p) = &m.value {
                pattern_vars(p, &mut vars);
            }
            assert!(
                out.insert(m.id.name.to_owned(), vars).is_none(),
                "message {} is there twice",
                m.id.name
            );
        }
    }
    out
}

fn pattern_vars(p: &ast::Pattern<&str>, vars: &mut BTreeSet<String>) {
    for element in &p.elements {
        if let ast::PatternElement::Placeable { expression } = element {
            expression_vars(expression, vars);
        }
    }
}

fn expression_vars(e: &ast::Expression<&str>, vars: &mut BTreeSet<String>) {
    match e {
        ast::Expression::Select { selector, variants } => {
            inline_vars(selector, vars);
            for v in variants {
                pattern_vars(&v.value, vars);
            }
        }
        ast::Expression::Inline(i) => inline_vars(i, vars),
    }
}

fn inline_vars(i: &ast::InlineExpression<&str>, vars: &mut BTreeSet<String>) {
    match i {
        ast::InlineExpression::VariableReference { id } => {
            vars.insert(id.name.to_owned());
        }
        ast::InlineExpression::Placeable { expression } => expression_vars(expression, vars),
        _ => {}
    }
}

#[test]
fn both_languages_have_every_message_with_the_same_arguments() {
    let nl = messages(DUTCH);
    let en = messages(ENGLISH);
    let only_nl: Vec<&String> = nl.keys().filter(|k| !en.contains_key(*k)).collect();
    let only_en: Vec<&String> = en.keys().filter(|k| !nl.contains_key(*k)).collect();
    assert!(only_nl.is_empty(), "only in nl.ftl: {only_nl:?}");
    assert!(only_en.is_empty(), "only in en.ftl: {only_en:?}");
    for (id, vars) in &nl {
        assert_eq!(
            Some(vars),
            en.get(id),
            "message {id} uses other arguments in en.ftl"
        );
    }
    assert!(nl.len() > 100, "the catalogue is nearly empty");
}

#[test]
fn every_message_id_in_the_code_is_in_the_catalogue() {
    let nl = messages(DUTCH);
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let pattern = regex::Regex::new(r#"(?:\bt!|\bmsg!|Message::new)\(\s*"([a-z0-9-]+)""#)
        .expect("a valid pattern");
    let mut missing = Vec::new();
    let mut seen = 0;
    for crate_dir in ["protocol", "store", "node", "cli", "lang"] {
        for file in rust_files(&root.join(crate_dir).join("src")) {
            let text = std::fs::read_to_string(&file).expect("a readable source file");
            for found in pattern.captures_iter(&text) {
                seen += 1;
                if !nl.contains_key(&found[1]) {
                    missing.push(format!("{} in {}", &found[1], file.display()));
                }
            }
        }
    }
    assert!(seen > 100, "found only {seen} message ids in the code");
    assert!(missing.is_empty(), "not in the catalogue: {missing:#?}");
}

fn rust_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir)
        .expect("a source directory")
        .flatten()
    {
        let path = entry.path();
        if path.is_dir() {
            out.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") && !path.ends_with("tests.rs") {
            out.push(path);
        }
    }
    out
}

#[test]
fn plurals_and_nested_messages_render_in_each_language() {
    let one = msg!("count-entries", count = 1u64);
    let many = msg!("count-entries", count = 3u64);
    assert_eq!(Lang::Nl.text(&one), "1 bericht");
    assert_eq!(Lang::Nl.text(&many), "3 berichten");
    assert_eq!(Lang::En.text(&one), "1 entry");
    assert_eq!(Lang::En.text(&many), "3 entries");
    assert_eq!(
        Lang::En.text(&Message::new("no-such-message")),
        "no-such-message"
    );
}

#[test]
fn the_language_comes_from_a_tag_or_a_header() {
    assert_eq!(Lang::from_tag("en_GB.UTF-8"), Some(Lang::En));
    assert_eq!(Lang::from_tag("nl_NL.UTF-8"), Some(Lang::Nl));
    assert_eq!(Lang::from_tag("C.UTF-8"), None);
    assert_eq!(Lang::from_tag("de_DE"), None);
    assert_eq!(
        Lang::from_accept_language("de-DE, en;q=0.8, nl;q=0.5"),
        Some(Lang::En)
    );
    assert_eq!(Lang::from_accept_language("fr"), None);
}

#[test]
fn a_reader_s_language_holds_on_its_thread_only_while_it_is_served() {
    let process = current();
    let other = if process == Lang::Nl {
        Lang::En
    } else {
        Lang::Nl
    };
    let inside = for_reader(other, || {
        let elsewhere = std::thread::spawn(current).join().unwrap();
        (current(), elsewhere)
    });
    assert_eq!(inside, (other, process));
    assert_eq!(current(), process);
    let _ = std::panic::catch_unwind(|| for_reader(other, || panic!("in the middle")));
    assert_eq!(current(), process, "restored after a panic");
}
