//! Message catalogues: `locales/zh-TW.toml` (the source of truth) and
//! `locales/en.toml`, compiled in. Keys are dotted; `{name}` placeholders are
//! filled by [`I18n::tf`]. A missing English message falls back to Chinese,
//! a missing key shows the key (and a test checks both files have the same
//! keys).

use std::collections::HashMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub enum Lang {
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
}

pub const ZH_TW: &str = include_str!("../locales/zh-TW.toml");
pub const EN: &str = include_str!("../locales/en.toml");

#[derive(Debug)]
pub struct I18n {
    zh: HashMap<String, String>,
    en: HashMap<String, String>,
}

fn flatten(prefix: &str, v: &toml::Value, out: &mut HashMap<String, String>) {
    match v {
        toml::Value::Table(t) => {
            for (k, v) in t {
                let key = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                flatten(&key, v, out);
            }
        }
        toml::Value::String(s) => {
            out.insert(prefix.to_string(), s.clone());
        }
        other => {
            out.insert(prefix.to_string(), other.to_string());
        }
    }
}

/// Parses a catalogue into flat keys.
pub fn parse_catalogue(src: &str) -> Result<HashMap<String, String>, toml::de::Error> {
    let v: toml::Value = toml::from_str(src)?;
    let mut out = HashMap::new();
    flatten("", &v, &mut out);
    Ok(out)
}

impl I18n {
    pub fn load() -> I18n {
        I18n {
            zh: parse_catalogue(ZH_TW).unwrap_or_default(),
            en: parse_catalogue(EN).unwrap_or_default(),
        }
    }

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

    pub fn tf(&self, lang: Lang, key: &str, args: &[(&str, &str)]) -> String {
        let mut s = self.t(lang, key).to_string();
        for (k, v) in args {
            s = s.replace(&format!("{{{k}}}"), v);
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogues_parse_and_have_the_same_keys() {
        let zh = parse_catalogue(ZH_TW).unwrap();
        let en = parse_catalogue(EN).unwrap();
        let mut missing_en: Vec<_> = zh.keys().filter(|k| !en.contains_key(*k)).collect();
        let mut missing_zh: Vec<_> = en.keys().filter(|k| !zh.contains_key(*k)).collect();
        missing_en.sort();
        missing_zh.sort();
        assert!(missing_en.is_empty(), "missing in en: {missing_en:?}");
        assert!(missing_zh.is_empty(), "missing in zh-TW: {missing_zh:?}");
        assert!(zh.len() > 50);
    }

    #[test]
    fn lookup_fallback_and_accept_language() {
        let i = I18n::load();
        assert_eq!(i.t(Lang::ZhTw, "nav.orgs"), "組織");
        assert_eq!(i.t(Lang::En, "nav.orgs"), "Organisations");
        assert_eq!(i.t(Lang::En, "no.such.key"), "no.such.key");
        assert_eq!(Lang::from_accept("fr;q=1, en-US;q=0.8"), Some(Lang::En));
        assert_eq!(Lang::from_accept("zh-TW,zh;q=0.9"), Some(Lang::ZhTw));
        assert_eq!(Lang::from_accept("fr"), None);
    }
}
