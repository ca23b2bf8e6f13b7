//! Audit checklists (查核項目表) an audit's items are copied from
//! (`data/checklists.toml`; seed 001's vendor checklist). The control
//! baseline's checklist is not stored here: the application builds it from
//! 附表十 for the systems an audit covers.

use serde::Deserialize;

use crate::RulesError;

const CHECKLISTS_TOML: &str = include_str!("../data/checklists.toml");

/// One checklist: its items as (number, section, question).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checklist {
    pub id: String,
    pub name_zh: String,
    pub name_en: String,
    pub items: Vec<(String, String, String)>,
}

/// The shipped checklists with their source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checklists {
    pub source: String,
    pub checklists: Vec<Checklist>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    source: String,
    checklist: Vec<RawChecklist>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawChecklist {
    id: String,
    name_zh: String,
    name_en: String,
    items: Vec<[String; 3]>,
}

impl Checklists {
    /// Parses and checks: unique ids, items, unique item numbers, no blank
    /// question.
    pub fn parse(src: &str) -> Result<Checklists, RulesError> {
        let bad = |message: String| RulesError::Parse {
            file: "checklists.toml".to_string(),
            message,
        };
        let raw: RawFile = toml::from_str(src).map_err(|e| bad(e.to_string()))?;
        let mut out: Vec<Checklist> = Vec::new();
        for c in raw.checklist {
            if out.iter().any(|x| x.id == c.id) {
                return Err(bad(format!("checklist {} defined twice", c.id)));
            }
            if c.items.is_empty() {
                return Err(bad(format!("checklist {} has no items", c.id)));
            }
            let mut seen = std::collections::BTreeSet::new();
            for [no, _, question] in &c.items {
                if !seen.insert(no.as_str()) {
                    return Err(bad(format!("checklist {}: item {no} twice", c.id)));
                }
                if question.trim().is_empty() {
                    return Err(bad(format!(
                        "checklist {}: item {no} has no question",
                        c.id
                    )));
                }
            }
            out.push(Checklist {
                id: c.id,
                name_zh: c.name_zh,
                name_en: c.name_en,
                items: c.items.into_iter().map(|[a, b, q]| (a, b, q)).collect(),
            });
        }
        Ok(Checklists {
            source: raw.source,
            checklists: out,
        })
    }

    /// The shipped checklists, parsed once per process.
    pub fn shipped() -> Result<&'static Checklists, RulesError> {
        static SHIPPED: std::sync::OnceLock<Result<Checklists, String>> =
            std::sync::OnceLock::new();
        SHIPPED
            .get_or_init(|| Self::parse(CHECKLISTS_TOML).map_err(|e| e.to_string()))
            .as_ref()
            .map_err(|e| RulesError::Parse {
                file: "checklists.toml".to_string(),
                message: e.clone(),
            })
    }

    pub fn get(&self, id: &str) -> Option<&Checklist> {
        self.checklists.iter().find(|c| c.id == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_vendor_checklist_of_seed_001_ships_whole() {
        let c = Checklists::shipped().expect("parses");
        let v = c.get("vendor-001").expect("vendor checklist");
        assert_eq!(v.items.len(), 64);
        let sections: std::collections::BTreeSet<&str> =
            v.items.iter().map(|(_, s, _)| s.as_str()).collect();
        assert_eq!(sections.len(), 9);
        assert_eq!(v.items[41].0, "5.26");
        assert!(v.items[41].2.contains("每六個月"));
        assert!(c.source.contains("001"));
    }

    #[test]
    fn bad_files_are_refused_with_the_reason() {
        let twice = "source = \"s\"\n[[checklist]]\nid = \"a\"\nname_zh = \"甲\"\nname_en = \"A\"\nitems = [[\"1\", \"s\", \"q\"], [\"1\", \"s\", \"r\"]]\n";
        assert!(
            Checklists::parse(twice)
                .unwrap_err()
                .to_string()
                .contains("twice")
        );
        let empty = "source = \"s\"\n[[checklist]]\nid = \"a\"\nname_zh = \"甲\"\nname_en = \"A\"\nitems = []\n";
        assert!(
            Checklists::parse(empty)
                .unwrap_err()
                .to_string()
                .contains("no items")
        );
        assert!(Checklists::parse("source = 1").is_err());
    }
}
