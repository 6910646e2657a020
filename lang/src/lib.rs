//! Every word a person reads, in Dutch (the default) and English.
//!
//! Owns the two message catalogues (`locales/nl.ftl`, `locales/en.ftl`, Project Fluent),
//! the reader's language, and [`Message`]: a message id with its arguments, which a library
//! error or a view hands over without choosing a language. The command line renders a
//! message in the reader's language; an error's `Display` (logs, the API's detail for a
//! client that asks for nothing else) is English.

use std::borrow::Cow;
use std::sync::{LazyLock, OnceLock};

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};

/// The Dutch catalogue.
pub const DUTCH: &str = include_str!("../locales/nl.ftl");
/// The English catalogue.
pub const ENGLISH: &str = include_str!("../locales/en.ftl");

/// A language a message can be read in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    Nl,
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::Nl, Lang::En];

    /// The language of the environment: `LC_ALL`, `LC_MESSAGES` or `LANG` (the first one
    /// set), English when it starts with `en`, Dutch otherwise (`C` included: wiel speaks
    /// Dutch unless asked not to).
    pub fn from_env() -> Lang {
        ["LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .filter_map(|name| std::env::var(name).ok())
            .find(|value| !value.is_empty())
            .and_then(|value| Lang::from_tag(&value))
            .unwrap_or(Lang::Nl)
    }

    /// `nl`, `nl_NL.UTF-8`, `en-GB`, … ; `None` for another language.
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let primary: String = tag
            .trim()
            .chars()
            .take_while(|c| c.is_ascii_alphabetic())
            .collect::<String>()
            .to_ascii_lowercase();
        match primary.as_str() {
            "nl" => Some(Lang::Nl),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The first language of an HTTP `Accept-Language` header that has a catalogue here
    /// (quality values are not weighed: browsers list the preferred language first).
    pub fn from_accept_language(header: &str) -> Option<Lang> {
        header
            .split(',')
            .filter_map(|part| part.split(';').next())
            .find_map(Lang::from_tag)
    }

    /// The language's tag: `nl` or `en`.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::Nl => "nl",
            Lang::En => "en",
        }
    }

    /// The message in this language. A message missing here is taken from the other
    /// catalogue; one missing in both shows as its id (the catalogue test prevents both).
    pub fn text(self, message: &Message) -> String {
        let args = self.args(message);
        for lang in [self, self.other()] {
            let bundle = bundle(lang);
            if let Some(pattern) = bundle.get_message(&message.id).and_then(|m| m.value()) {
                let mut errors = Vec::new();
                let text = bundle.format_pattern(pattern, args.as_ref(), &mut errors);
                if !errors.is_empty() {
                    tracing::debug!(id = %message.id, ?errors, "a message lacks an argument");
                }
                return text.into_owned();
            }
        }
        message.id.to_string()
    }

    /// A message without arguments.
    pub fn get(self, id: &str) -> String {
        self.text(&Message::new(id.to_owned()))
    }

    /// Whether this language's catalogue has the message.
    pub fn has(self, id: &str) -> bool {
        bundle(self).has_message(id)
    }

    fn other(self) -> Lang {
        match self {
            Lang::Nl => Lang::En,
            Lang::En => Lang::Nl,
        }
    }

    fn args(self, message: &Message) -> Option<FluentArgs<'static>> {
        if message.args.is_empty() {
            return None;
        }
        let mut args = FluentArgs::new();
        for (name, value) in &message.args {
            let value: FluentValue<'static> = match value {
                Value::Text(s) => FluentValue::from(s.clone()),
                Value::Number(n) => FluentValue::from(*n),
                Value::Message(m) => FluentValue::from(self.text(m)),
                Value::Messages(list) => FluentValue::from(
                    list.iter()
                        .map(|m| self.text(m))
                        .collect::<Vec<_>>()
                        .join("; "),
                ),
            };
            args.set(*name, value);
        }
        Some(args)
    }
}

/// A number with `places` decimals, in the reader's language: `6,9` in Dutch, `6.9` in
/// English.
pub fn decimal(value: f64, places: usize) -> String {
    let text = format!("{value:.places$}");
    match current() {
        Lang::Nl => text.replace('.', ","),
        Lang::En => text,
    }
}

/// `12.3 MB`.
pub fn bytes(n: u64) -> String {
    match n {
        n if n >= 1 << 30 => format!("{} GB", decimal(n as f64 / (1u64 << 30) as f64, 1)),
        n if n >= 1 << 20 => format!("{} MB", decimal(n as f64 / (1u64 << 20) as f64, 1)),
        n if n >= 1 << 10 => format!("{} kB", decimal(n as f64 / (1u64 << 10) as f64, 1)),
        n => format!("{n} bytes"),
    }
}

/// `2026-11-24 14:03` in the system's time zone, from milliseconds since 1970.
pub fn date_time(millis: i64) -> String {
    format_time(millis, "%Y-%m-%d %H:%M")
}

/// `2026-11-24` in the system's time zone.
pub fn date(millis: i64) -> String {
    format_time(millis, "%Y-%m-%d")
}

fn format_time(millis: i64, format: &str) -> String {
    match jiff::Timestamp::from_millisecond(millis) {
        Ok(ts) => ts
            .to_zoned(jiff::tz::TimeZone::system())
            .strftime(format)
            .to_string(),
        Err(_) => format!("{millis} ms"),
    }
}

static CURRENT: OnceLock<Lang> = OnceLock::new();

/// Sets the reader's language for this process (once; later calls change nothing).
pub fn set_current(lang: Lang) {
    let _ = CURRENT.set(lang);
}

thread_local! {
    /// The language of the one reader this thread is working for, while it is.
    static READER: std::cell::Cell<Option<Lang>> = const { std::cell::Cell::new(None) };
}

/// The reader's language: the one this thread works for (see [`for_reader`]), else the
/// one set for the process, else the environment's.
pub fn current() -> Lang {
    READER
        .with(|r| r.get())
        .unwrap_or_else(|| *CURRENT.get_or_init(Lang::from_env))
}

/// Runs `f` for a reader of `lang` (a node answering a request in the language the request
/// asked for): [`current`] is `lang` on this thread until `f` returns, also when it panics.
pub fn for_reader<T>(lang: Lang, f: impl FnOnce() -> T) -> T {
    struct Restore(Option<Lang>);
    impl Drop for Restore {
        fn drop(&mut self) {
            READER.with(|r| r.set(self.0));
        }
    }
    let _restore = Restore(READER.with(|r| r.replace(Some(lang))));
    f()
}

/// A message id with its arguments, in no language yet.
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    id: Cow<'static, str>,
    args: Vec<(&'static str, Value)>,
}

impl Message {
    pub fn new(id: impl Into<Cow<'static, str>>) -> Message {
        Message {
            id: id.into(),
            args: Vec::new(),
        }
    }

    /// Adds an argument, named as in the catalogue (`$name`).
    pub fn arg(mut self, name: &'static str, value: impl Into<Value>) -> Message {
        self.args.push((name, value.into()));
        self
    }

    pub fn id(&self) -> &str {
        &self.id
    }

    /// In the reader's language.
    pub fn text(&self) -> String {
        current().text(self)
    }

    /// In English (for logs and an error's `Display`).
    pub fn english(&self) -> String {
        Lang::En.text(self)
    }
}

/// An argument's value: text, a number (which chooses the plural), or another message
/// (rendered in the same language).
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Text(String),
    Number(f64),
    Message(Box<Message>),
    /// Several messages, joined by "; ".
    Messages(Vec<Message>),
}

impl From<String> for Value {
    fn from(s: String) -> Value {
        Value::Text(s)
    }
}
impl From<&String> for Value {
    fn from(s: &String) -> Value {
        Value::Text(s.clone())
    }
}
impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::Text(s.to_owned())
    }
}
impl From<Vec<Message>> for Value {
    fn from(list: Vec<Message>) -> Value {
        Value::Messages(list)
    }
}
impl From<Message> for Value {
    fn from(m: Message) -> Value {
        Value::Message(Box::new(m))
    }
}
macro_rules! number_value {
    ($($t:ty),*) => {$(
        impl From<$t> for Value {
            fn from(n: $t) -> Value {
                Value::Number(n as f64)
            }
        }
    )*};
}
number_value!(u8, u16, u32, u64, usize, i32, i64, f64);

/// Something a person may read, as a [`Message`]: an error, a verdict, a kind of entry.
pub trait Localise {
    fn message(&self) -> Message;
}

/// `Display` in English through the catalogue, for a type that is [`Localise`]: one text
/// per language, kept in the catalogue only.
#[macro_export]
macro_rules! english_display {
    ($($t:ty),+ $(,)?) => {$(
        impl ::std::fmt::Display for $t {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(&$crate::Message::english(&$crate::Localise::message(self)))
            }
        }
    )+};
}

/// A [`Message`]: `msg!("count-entries", count = 3)`.
#[macro_export]
macro_rules! msg {
    ($id:literal) => { $crate::Message::new($id) };
    ($id:literal, $($name:ident = $value:expr),+ $(,)?) => {
        $crate::Message::new($id)$(.arg(stringify!($name), $value))+
    };
}

/// A message in the reader's language: `t!("count-entries", count = 3)`.
#[macro_export]
macro_rules! t {
    ($($tokens:tt)+) => { $crate::Message::text(&$crate::msg!($($tokens)+)) };
}

type Bundle = FluentBundle<FluentResource>;

static NL: LazyLock<Bundle> = LazyLock::new(|| load(Lang::Nl, DUTCH));
static EN: LazyLock<Bundle> = LazyLock::new(|| load(Lang::En, ENGLISH));

fn bundle(lang: Lang) -> &'static Bundle {
    match lang {
        Lang::Nl => &NL,
        Lang::En => &EN,
    }
}

fn load(lang: Lang, source: &'static str) -> Bundle {
    let locale: unic_langid::LanguageIdentifier = match lang {
        Lang::Nl => unic_langid::langid!("nl"),
        Lang::En => unic_langid::langid!("en"),
    };
    let resource =
        FluentResource::try_new(source.to_owned()).unwrap_or_else(|(partial, errors)| {
            tracing::error!(
                lang = lang.tag(),
                ?errors,
                "the message catalogue has errors"
            );
            partial
        });
    let mut bundle = FluentBundle::new_concurrent(vec![locale]);
    // No Unicode isolation marks: a terminal shows them as odd characters.
    bundle.set_use_isolating(false);
    if let Err(errors) = bundle.add_resource(resource) {
        tracing::error!(
            lang = lang.tag(),
            ?errors,
            "the message catalogue repeats ids"
        );
    }
    bundle
}

#[cfg(test)]
mod tests;
