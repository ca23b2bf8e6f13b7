//! Every piece of user-facing text goes through here.
//!
//! The catalogues are TOML files, one per feature and language
//! (`locales/zh-TW/<feature>.toml` is the source of truth,
//! `locales/en/<feature>.toml` its English twin), compiled into the binary.
//! Keys are dotted paths; `{name}` placeholders are filled from a message's
//! arguments.
//!
//! Lower layers never build sentences: they return a [`Msg`] (a key and its
//! arguments) and the layer that knows the reader's language renders it with
//! [`Catalogue::render`]. A missing English text falls back to Chinese; a
//! missing key shows the key itself (tests check that neither happens).

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;

/// The languages of the interface: Traditional Chinese first, English second.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize)]
pub enum Lang {
    #[default]
    #[serde(rename = "zh-TW")]
    ZhTw,
    #[serde(rename = "en")]
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::ZhTw => "zh-TW",
            Lang::En => "en",
        }
    }

    /// From a stored preference or a cookie.
    pub fn parse(s: &str) -> Option<Lang> {
        match s.trim() {
            "zh-TW" | "zh-tw" | "zh_TW" | "zh-Hant" | "zh" => Some(Lang::ZhTw),
            "en" | "en-US" | "en-GB" => Some(Lang::En),
            _ => None,
        }
    }

    /// From an `Accept-Language` header: the first language we know.
    pub fn from_accept(h: &str) -> Option<Lang> {
        h.split(',')
            .filter_map(|part| part.split(';').next())
            .find_map(|tag| {
                let t = tag.trim().to_ascii_lowercase();
                if t.starts_with("zh") {
                    Some(Lang::ZhTw)
                } else if t.starts_with("en") {
                    Some(Lang::En)
                } else {
                    None
                }
            })
    }

    /// The separator of a list of phrases (`、` in Chinese).
    pub fn list_sep(self) -> &'static str {
        match self {
            Lang::ZhTw => "、",
            Lang::En => ", ",
        }
    }

    /// The separator of a list of sentences (`；` in Chinese).
    pub fn sentence_sep(self) -> &'static str {
        match self {
            Lang::ZhTw => "；",
            Lang::En => "; ",
        }
    }
}

/// A message to show a person: a catalogue key and the values of its
/// placeholders. Built by any layer, rendered by the one that knows the
/// reader's language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Msg {
    key: Cow<'static, str>,
    args: Vec<(&'static str, Arg)>,
}

/// The value of one placeholder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Arg {
    /// Shown as is (a name, a number, a date).
    Text(String),
    /// Another message, rendered in the same language.
    Msg(Msg),
    /// Text that reference data carries in both languages (a rule's title,
    /// a form field's label).
    Both { zh: String, en: String },
}

impl Msg {
    pub fn new(key: impl Into<Cow<'static, str>>) -> Msg {
        Msg {
            key: key.into(),
            args: Vec::new(),
        }
    }

    /// Fills the placeholder `{name}` with a value shown as is.
    #[must_use]
    pub fn arg(mut self, name: &'static str, value: impl fmt::Display) -> Msg {
        self.args.push((name, Arg::Text(value.to_string())));
        self
    }

    /// Fills the placeholder `{name}` with another message.
    #[must_use]
    pub fn arg_msg(mut self, name: &'static str, value: Msg) -> Msg {
        self.args.push((name, Arg::Msg(value)));
        self
    }

    /// Fills the placeholder `{name}` with text given in both languages.
    #[must_use]
    pub fn arg_both(
        mut self,
        name: &'static str,
        zh: impl Into<String>,
        en: impl Into<String>,
    ) -> Msg {
        self.args.push((
            name,
            Arg::Both {
                zh: zh.into(),
                en: en.into(),
            },
        ));
        self
    }

    pub fn key(&self) -> &str {
        &self.key
    }

    pub fn args(&self) -> &[(&'static str, Arg)] {
        &self.args
    }

    /// The message in a language, from the compiled-in catalogues.
    pub fn render(&self, lang: Lang) -> String {
        catalogue().render(lang, self)
    }
}

/// Shows the Chinese text (for logs and the command line, where no reader's
/// language is known).
impl fmt::Display for Msg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(Lang::ZhTw))
    }
}

/// `msg!("reason.range", min = 1, max = 5)`: a [`Msg`] with its arguments.
#[macro_export]
macro_rules! msg {
    ($key:expr $(, $name:ident = $value:expr)* $(,)?) => {
        $crate::Msg::new($key)$(.arg(stringify!($name), $value))*
    };
}

/// The feature files, in load order. A feature added to the product adds one
/// line here and one file per language (a missing file fails the build).
macro_rules! features {
    ($($name:literal),* $(,)?) => {
        &[$(($name,
            include_str!(concat!("../locales/zh-TW/", $name, ".toml")),
            include_str!(concat!("../locales/en/", $name, ".toml")))),*]
    };
}

/// `(feature, zh-TW source, en source)`.
pub const FEATURES: &[(&str, &str, &str)] = features![
    "common",
    "sessions",
    "account",
    "dashboard",
    "orgs",
    "users",
    "tokens",
    "audit",
    "compliance",
    "systems",
    "assets",
    "inventory",
    "vulns",
    "feeds",
    "risk",
    "plans",
    "evidence",
    "reminders",
    "jobs",
    "mail",
    "documents",
    "directory",
    "webhooks",
    "inbox",
    "incidents",
    "continuity",
    "corrective",
    "audits",
    "vendors",
    "training",
    "management_review",
    "implementation_report",
    "people_forms",
    "maturity",
    "intel",
    "coverage",
    "threat_notices",
];

/// The compiled-in catalogues, flattened to dotted keys.
#[derive(Debug, Default)]
pub struct Catalogue {
    zh: HashMap<String, String>,
    en: HashMap<String, String>,
}

fn flatten(
    prefix: &str,
    v: &toml::Value,
    out: &mut HashMap<String, String>,
    dup: &mut Vec<String>,
) {
    match v {
        toml::Value::Table(t) => {
            for (k, v) in t {
                let key = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                flatten(&key, v, out, dup);
            }
        }
        toml::Value::String(s) => {
            if out.insert(prefix.to_string(), s.clone()).is_some() {
                dup.push(prefix.to_string());
            }
        }
        other => {
            if out.insert(prefix.to_string(), other.to_string()).is_some() {
                dup.push(prefix.to_string());
            }
        }
    }
}

/// Parses one catalogue file into flat keys.
pub fn parse_file(src: &str) -> Result<HashMap<String, String>, String> {
    let v: toml::Value = toml::from_str(src).map_err(|e| e.to_string())?;
    let mut out = HashMap::new();
    flatten("", &v, &mut out, &mut Vec::new());
    Ok(out)
}

impl Catalogue {
    /// Loads every feature file of both languages; a file that does not parse
    /// or a key defined in two files is an error.
    pub fn load() -> Result<Catalogue, String> {
        let mut c = Catalogue::default();
        let mut dup = Vec::new();
        for (name, zh, en) in FEATURES {
            for (lang, src, into) in [("zh-TW", zh, &mut c.zh), ("en", en, &mut c.en)] {
                let v: toml::Value =
                    toml::from_str(src).map_err(|e| format!("locales/{lang}/{name}.toml: {e}"))?;
                flatten("", &v, into, &mut dup);
            }
        }
        if !dup.is_empty() {
            dup.sort();
            dup.dedup();
            return Err(format!("keys defined twice: {}", dup.join(", ")));
        }
        Ok(c)
    }

    /// Every key of one language.
    pub fn keys(&self, lang: Lang) -> impl Iterator<Item = &str> {
        match lang {
            Lang::ZhTw => &self.zh,
            Lang::En => &self.en,
        }
        .keys()
        .map(String::as_str)
    }

    pub fn has(&self, key: &str) -> bool {
        self.zh.contains_key(key)
    }

    /// The text of a key (English falls back to Chinese, then the key).
    pub fn t<'a>(&'a self, lang: Lang, key: &'a str) -> &'a str {
        let primary = match lang {
            Lang::ZhTw => &self.zh,
            Lang::En => &self.en,
        };
        primary
            .get(key)
            .or_else(|| self.zh.get(key))
            .map_or(key, String::as_str)
    }

    /// The text of a key if it exists.
    pub fn get<'a>(&'a self, lang: Lang, key: &'a str) -> Option<&'a str> {
        self.has(key).then(|| self.t(lang, key))
    }

    /// The text of a key with `{name}` placeholders filled.
    pub fn tf(&self, lang: Lang, key: &str, args: &[(&str, &str)]) -> String {
        fill(
            self.t(lang, key),
            args.iter().map(|(k, v)| (*k, Cow::Borrowed(*v))),
        )
    }

    /// A message in a language.
    pub fn render(&self, lang: Lang, m: &Msg) -> String {
        fill(
            self.t(lang, m.key()),
            m.args.iter().map(|(k, v)| {
                (
                    *k,
                    match v {
                        Arg::Text(s) => Cow::Borrowed(s.as_str()),
                        Arg::Msg(inner) => Cow::Owned(self.render(lang, inner)),
                        Arg::Both { zh, en } => Cow::Borrowed(match lang {
                            Lang::En if !en.is_empty() => en.as_str(),
                            _ => zh.as_str(),
                        }),
                    },
                )
            }),
        )
    }
}

fn fill<'a>(template: &str, args: impl Iterator<Item = (&'a str, Cow<'a, str>)>) -> String {
    let mut s = template.to_string();
    for (k, v) in args {
        s = s.replace(&format!("{{{k}}}"), &v);
    }
    s
}

/// The catalogues compiled into this binary.
pub fn catalogue() -> &'static Catalogue {
    static C: std::sync::OnceLock<Catalogue> = std::sync::OnceLock::new();
    C.get_or_init(|| {
        Catalogue::load().unwrap_or_else(|e| {
            // only reachable if a catalogue file is broken, which the tests refuse
            eprintln!("zian: message catalogue: {e}");
            Catalogue::default()
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_file_parses_and_no_key_is_defined_twice() {
        let c = Catalogue::load().unwrap();
        assert!(c.zh.len() > 500, "{}", c.zh.len());
    }

    #[test]
    fn both_languages_have_the_same_keys_and_placeholders() {
        let c = Catalogue::load().unwrap();
        let mut problems = Vec::new();
        for (k, zh) in &c.zh {
            match c.en.get(k) {
                None => problems.push(format!("missing in en: {k}")),
                Some(en) => {
                    let ph = |s: &str| {
                        let mut v: Vec<String> = s
                            .split('{')
                            .skip(1)
                            .filter_map(|p| p.split_once('}').map(|(n, _)| n.to_string()))
                            .collect();
                        v.sort();
                        v.dedup();
                        v
                    };
                    if ph(zh) != ph(en) {
                        problems.push(format!("placeholders differ: {k}: {zh:?} / {en:?}"));
                    }
                }
            }
        }
        for k in c.en.keys() {
            if !c.zh.contains_key(k) {
                problems.push(format!("missing in zh-TW: {k}"));
            }
        }
        problems.sort();
        assert!(problems.is_empty(), "{problems:#?}");
    }

    #[test]
    fn lookup_fallback_and_accept_language() {
        let c = Catalogue::load().unwrap();
        assert_eq!(c.t(Lang::ZhTw, "nav.orgs"), "組織");
        assert_eq!(c.t(Lang::En, "nav.orgs"), "Organisations");
        assert_eq!(c.t(Lang::En, "no.such.key"), "no.such.key");
        assert_eq!(c.get(Lang::En, "no.such.key"), None);
        assert_eq!(Lang::from_accept("fr;q=1, en-US;q=0.8"), Some(Lang::En));
        assert_eq!(Lang::from_accept("zh-TW,zh;q=0.9"), Some(Lang::ZhTw));
        assert_eq!(Lang::from_accept("fr"), None);
    }

    #[test]
    fn messages_render_with_arguments_and_nested_messages() {
        let m = msg!("reason.at_most_chars", max = 40);
        assert_eq!(m.render(Lang::En), "at most 40 characters");
        assert_eq!(m.render(Lang::ZhTw), "不得超過 40 個字");
        let outer = Msg::new("error.validation")
            .arg("field", "名稱")
            .arg_msg("reason", m);
        assert_eq!(outer.render(Lang::ZhTw), "「名稱」不正確：不得超過 40 個字");
        assert_eq!(outer.to_string(), outer.render(Lang::ZhTw));
    }
}
