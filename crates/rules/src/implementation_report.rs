//! The yearly implementation report's form (資通安全維護計畫實施情形,
//! `data/implementation_report.toml`): versioned by the day it took effect,
//! each row a 實施項目, its 實施內容, what the platform drafts its
//! explanation from and the seed's example explanation.

use serde::Deserialize;
use time::Date;

use crate::RulesError;

const TOML: &str = include_str!("../data/implementation_report.toml");

/// One row of the form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// `2.4`
    pub code: String,
    /// 實施項目
    pub section: String,
    /// 實施內容
    pub content: String,
    /// What the explanation is drafted from (empty: the example).
    pub draft: String,
    /// The example explanation.
    pub example: String,
}

/// A version of the form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    pub id: String,
    pub effective_from: Date,
    /// The article the report is made under.
    pub basis: String,
    pub rows: Vec<Row>,
}

/// The shipped versions with their source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Templates {
    pub source: String,
    pub templates: Vec<Template>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    source: String,
    template: Vec<RawTemplate>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTemplate {
    id: String,
    effective_from: String,
    basis: String,
    items: Vec<[String; 5]>,
}

/// The drafts the application knows how to fill.
pub const DRAFTS: &[&str] = &[
    "core_business",
    "policy",
    "objectives",
    "awareness",
    "management_review",
    "staff",
    "inventory",
    "level",
    "risk",
    "risk_treatment",
    "controls",
    "vans",
    "health_check",
    "incidents_drills",
    "vendor_selection",
    "vendor_supervision",
    "training_plan",
    "training",
    "obligations",
    "internal_audit",
];

impl Templates {
    /// Parses and checks: dates, unique ids and codes, codes numbered
    /// `section.row` with sections 1–13 in order, known drafts, examples.
    pub fn parse(src: &str) -> Result<Templates, RulesError> {
        let bad = |message: String| RulesError::Parse {
            file: "implementation_report.toml".to_string(),
            message,
        };
        let raw: RawFile = toml::from_str(src).map_err(|e| bad(e.to_string()))?;
        let fmt = time::macros::format_description!("[year]-[month]-[day]");
        let mut out: Vec<Template> = Vec::new();
        for t in raw.template {
            let effective_from = Date::parse(&t.effective_from, &fmt)
                .map_err(|e| bad(format!("template {}: effective_from: {e}", t.id)))?;
            if out.iter().any(|x| x.id == t.id) {
                return Err(bad(format!("template {} defined twice", t.id)));
            }
            let mut rows = Vec::new();
            let mut last = (0u32, 0u32);
            for [code, section, content, draft, example] in t.items {
                let parsed = code
                    .split_once('.')
                    .and_then(|(a, b)| Some((a.parse::<u32>().ok()?, b.parse::<u32>().ok()?)));
                let Some(n) = parsed.filter(|n| n > &last && (1..=13).contains(&n.0)) else {
                    return Err(bad(format!("template {}: row {code} out of order", t.id)));
                };
                last = n;
                if !draft.is_empty() && !DRAFTS.contains(&draft.as_str()) {
                    return Err(bad(format!("template {}: row {code}: draft {draft}", t.id)));
                }
                if section.trim().is_empty()
                    || content.trim().is_empty()
                    || example.trim().is_empty()
                {
                    return Err(bad(format!("template {}: row {code} incomplete", t.id)));
                }
                rows.push(Row {
                    code,
                    section,
                    content,
                    draft,
                    example,
                });
            }
            if last.0 != 13 {
                return Err(bad(format!(
                    "template {}: sections end at {}",
                    t.id, last.0
                )));
            }
            out.push(Template {
                id: t.id,
                effective_from,
                basis: t.basis,
                rows,
            });
        }
        out.sort_by_key(|t| t.effective_from);
        Ok(Templates {
            source: raw.source,
            templates: out,
        })
    }

    /// The shipped versions, parsed once per process.
    pub fn shipped() -> Result<&'static Templates, RulesError> {
        static SHIPPED: std::sync::OnceLock<Result<Templates, String>> = std::sync::OnceLock::new();
        SHIPPED
            .get_or_init(|| Self::parse(TOML).map_err(|e| e.to_string()))
            .as_ref()
            .map_err(|e| RulesError::Parse {
                file: "implementation_report.toml".to_string(),
                message: e.clone(),
            })
    }

    /// The version in effect on `on` (the latest that took effect).
    pub fn in_effect(&self, on: Date) -> Option<&Template> {
        self.templates.iter().rev().find(|t| t.effective_from <= on)
    }

    pub fn get(&self, id: &str) -> Option<&Template> {
        self.templates.iter().find(|t| t.id == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn the_shipped_form_has_thirteen_sections_in_order() {
        let t = Templates::shipped().unwrap();
        let f = t.in_effect(date!(2026 - 12 - 05)).unwrap();
        assert_eq!(f.rows.len(), 31);
        let sections: std::collections::BTreeSet<&str> = f
            .rows
            .iter()
            .map(|r| r.code.split('.').next().unwrap())
            .collect();
        assert_eq!(sections.len(), 13);
        assert_eq!(f.rows[4].code, "2.4");
        assert_eq!(f.rows[4].draft, "management_review");
        assert!(t.in_effect(date!(2020 - 01 - 01)).is_none());
    }

    #[test]
    fn malformed_forms_are_refused() {
        let head = "source = \"s\"\n[[template]]\nid = \"a\"\neffective_from = \"2021-08-23\"\nbasis = \"b\"\n";
        let rows13 = (1..=13)
            .map(|n| format!("[\"{n}.1\", \"s\", \"c\", \"\", \"e\"]"))
            .collect::<Vec<_>>()
            .join(",");
        assert!(Templates::parse(&format!("{head}items = [{rows13}]")).is_ok());
        for bad in [
            "items = [[\"2.1\", \"s\", \"c\", \"\", \"e\"], [\"1.1\", \"s\", \"c\", \"\", \"e\"]]"
                .to_string(),
            format!(
                "items = [{}]",
                rows13.replacen("\"\", \"e\"", "\"nope\", \"e\"", 1)
            ),
            format!("items = [{}]", rows13.replacen("\"e\"", "\" \"", 1)),
            "items = [[\"1.1\", \"s\", \"c\", \"\", \"e\"]]".to_string(),
        ] {
            assert!(Templates::parse(&format!("{head}{bad}")).is_err(), "{bad}");
        }
        assert!(
            Templates::parse(
                &format!("{head}items = [{rows13}]").replace("2021-08-23", "2021/08/23")
            )
            .is_err()
        );
    }
}
