//! The content of one plan version: a JSON object with one object per
//! chapter, checked and normalised against [`super::schema::CHAPTERS`].
//!
//! Normalisation fills missing chapters and fields with empty values, trims
//! text, turns `\r\n` into `\n`, drops empty list items and refuses unknown
//! keys, wrong types, out-of-range numbers, control characters and duplicate
//! or empty row keys — every problem is reported, with its path, in both
//! languages, not just the first.

use std::collections::BTreeSet;
use zian_i18n::{Msg, msg};

use serde::Serialize;
use serde_json::{Map, Value};

use super::schema::{CHAPTERS, Chapter, Field, Kind};

/// Longest item of a [`Kind::Lines`] list, in characters.
pub const MAX_LINE: usize = 1000;

/// A normalised plan: every chapter and field of the schema is present.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(transparent)]
pub struct PlanContent(Map<String, Value>);

/// One problem with submitted content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// e.g. `business.core[2].mtd_hours`.
    pub path: String,
    pub reason: Msg,
}

impl FieldError {
    fn new(path: String, reason: Msg) -> FieldError {
        FieldError { path, reason }
    }
}

impl PlanContent {
    /// An empty plan (every field empty).
    pub fn empty() -> PlanContent {
        match normalise(&Value::Object(Map::new())) {
            Ok(c) => c,
            // an empty object always normalises: nothing in it can be wrong
            Err(_) => PlanContent(Map::new()),
        }
    }

    pub fn as_json(&self) -> &Map<String, Value> {
        &self.0
    }

    pub fn into_json(self) -> Value {
        Value::Object(self.0)
    }

    /// The chapter object (empty when absent, which normalisation prevents).
    pub fn chapter(&self, key: &str) -> &Map<String, Value> {
        static EMPTY: std::sync::OnceLock<Map<String, Value>> = std::sync::OnceLock::new();
        self.0
            .get(key)
            .and_then(Value::as_object)
            .unwrap_or_else(|| EMPTY.get_or_init(Map::new))
    }

    pub fn value(&self, chapter: &str, field: &str) -> &Value {
        self.chapter(chapter).get(field).unwrap_or(&Value::Null)
    }

    pub fn text(&self, chapter: &str, field: &str) -> &str {
        self.value(chapter, field).as_str().unwrap_or("")
    }

    pub fn int(&self, chapter: &str, field: &str) -> Option<i64> {
        self.value(chapter, field).as_i64()
    }

    pub fn flag(&self, chapter: &str, field: &str) -> bool {
        self.value(chapter, field).as_bool().unwrap_or(false)
    }

    pub fn lines(&self, chapter: &str, field: &str) -> Vec<&str> {
        self.value(chapter, field)
            .as_array()
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default()
    }

    /// The rows of a table field.
    pub fn rows(&self, chapter: &str, field: &str) -> &[Value] {
        self.value(chapter, field)
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// Replaces one chapter (normalising it) and returns the new content.
    pub fn with_chapter(&self, key: &str, chapter: &Value) -> Result<PlanContent, Vec<FieldError>> {
        let mut all = self.0.clone();
        all.insert(key.to_string(), chapter.clone());
        if !CHAPTERS.iter().any(|c| c.key == key) {
            return Err(vec![FieldError::new(
                key.to_string(),
                msg!("reason.plans.no_chapter"),
            )]);
        }
        normalise(&Value::Object(all))
    }
}

/// Checks and normalises submitted content (see the module documentation).
pub fn normalise(v: &Value) -> Result<PlanContent, Vec<FieldError>> {
    let mut errors = Vec::new();
    let Some(obj) = v.as_object() else {
        return Err(vec![FieldError::new(
            String::new(),
            msg!("reason.plans.content_object"),
        )]);
    };
    for k in obj.keys() {
        if !CHAPTERS.iter().any(|c| c.key == k) {
            errors.push(FieldError::new(k.clone(), msg!("reason.plans.no_chapter")));
        }
    }
    let mut out = Map::new();
    for ch in CHAPTERS {
        out.insert(
            ch.key.to_string(),
            Value::Object(chapter(ch, obj.get(ch.key), &mut errors)),
        );
    }
    if errors.is_empty() {
        Ok(PlanContent(out))
    } else {
        Err(errors)
    }
}

fn chapter(ch: &Chapter, v: Option<&Value>, errors: &mut Vec<FieldError>) -> Map<String, Value> {
    let empty = Map::new();
    let obj = match v {
        None | Some(Value::Null) => &empty,
        Some(Value::Object(o)) => o,
        Some(_) => {
            errors.push(FieldError::new(
                ch.key.to_string(),
                msg!("reason.plans.chapter_object"),
            ));
            &empty
        }
    };
    fields(ch.key, ch.fields, obj, errors)
}

fn fields(
    path: &str,
    spec: &[Field],
    obj: &Map<String, Value>,
    errors: &mut Vec<FieldError>,
) -> Map<String, Value> {
    for k in obj.keys() {
        if !spec.iter().any(|f| f.key == k) {
            errors.push(FieldError::new(
                format!("{path}.{k}"),
                msg!("reason.plans.no_field"),
            ));
        }
    }
    let mut out = Map::new();
    for f in spec {
        let p = format!("{path}.{}", f.key);
        let v = field(&p, f, obj.get(f.key).unwrap_or(&Value::Null), errors);
        out.insert(f.key.to_string(), v);
    }
    out
}

/// `kind` names what was expected: `reason.plans.type.<kind>`.
fn bad_type(path: &str, kind: &'static str) -> FieldError {
    FieldError::new(
        path.to_string(),
        msg!("reason.plans.must_be").arg_msg("kind", Msg::new(format!("reason.plans.type.{kind}"))),
    )
}

fn has_control(s: &str, allow_newline: bool) -> bool {
    s.chars()
        .any(|c| c.is_control() && c != '\t' && !(allow_newline && c == '\n'))
}

fn clean_text(
    path: &str,
    s: &str,
    max: usize,
    multiline: bool,
    errors: &mut Vec<FieldError>,
) -> String {
    let s = s.replace("\r\n", "\n").replace('\r', "\n");
    let t = s.trim();
    if has_control(t, multiline) {
        errors.push(FieldError::new(
            path.to_string(),
            if multiline {
                msg!("reason.control_chars")
            } else {
                msg!("reason.plans.line_break")
            },
        ));
    }
    let n = t.chars().count();
    if n > max {
        errors.push(FieldError::new(
            path.to_string(),
            msg!("reason.plans.too_long", max = max, n = n),
        ));
    }
    t.to_string()
}

fn field(path: &str, f: &Field, v: &Value, errors: &mut Vec<FieldError>) -> Value {
    match f.kind {
        Kind::Text { max } | Kind::TextArea { max } => {
            let multiline = matches!(f.kind, Kind::TextArea { .. });
            match v {
                Value::Null => Value::String(String::new()),
                Value::String(s) => Value::String(clean_text(path, s, max, multiline, errors)),
                _ => {
                    errors.push(bad_type(path, "text"));
                    Value::String(String::new())
                }
            }
        }
        Kind::Lines { max_items } => {
            let items: Vec<String> = match v {
                Value::Null => Vec::new(),
                // a convenience for API clients: one item per line
                Value::String(s) => s.lines().map(str::to_string).collect(),
                Value::Array(a) => {
                    let mut items = Vec::new();
                    for (i, x) in a.iter().enumerate() {
                        match x {
                            Value::String(s) => items.push(s.clone()),
                            _ => errors.push(bad_type(&format!("{path}[{i}]"), "text")),
                        }
                    }
                    items
                }
                _ => {
                    errors.push(bad_type(path, "text_list"));
                    Vec::new()
                }
            };
            let mut out = Vec::new();
            for (i, s) in items.iter().enumerate() {
                let t = clean_text(&format!("{path}[{i}]"), s, MAX_LINE, false, errors);
                if !t.is_empty() {
                    out.push(Value::String(t));
                }
            }
            if out.len() > max_items {
                errors.push(FieldError::new(
                    path.to_string(),
                    msg!("reason.plans.too_many_items", max = max_items),
                ));
            }
            Value::Array(out)
        }
        Kind::Int { min, max } => match v {
            Value::Null => Value::Null,
            Value::Number(n) => match n.as_i64() {
                Some(x) if (min..=max).contains(&x) => Value::from(x),
                _ => {
                    errors.push(FieldError::new(
                        path.to_string(),
                        msg!("reason.plans.whole_number_range", min = min, max = max),
                    ));
                    Value::Null
                }
            },
            _ => {
                errors.push(bad_type(path, "whole_number"));
                Value::Null
            }
        },
        Kind::Decimal { min, max } => match v {
            Value::Null => Value::Null,
            Value::Number(n) => match n.as_f64() {
                Some(x) if x.is_finite() && x >= min && x <= max => v.clone(),
                _ => {
                    errors.push(FieldError::new(
                        path.to_string(),
                        msg!("reason.plans.number_range"),
                    ));
                    Value::Null
                }
            },
            _ => {
                errors.push(bad_type(path, "number"));
                Value::Null
            }
        },
        Kind::Bool => match v {
            Value::Null => Value::Bool(false),
            Value::Bool(b) => Value::Bool(*b),
            _ => {
                errors.push(bad_type(path, "bool"));
                Value::Bool(false)
            }
        },
        Kind::Date => match v {
            Value::Null => Value::String(String::new()),
            Value::String(s) if s.trim().is_empty() => Value::String(String::new()),
            Value::String(s) => match crate::day::parse("date", s) {
                Ok(_) => Value::String(s.trim().to_string()),
                Err(crate::DomainError::Invalid { reason, .. }) => {
                    errors.push(FieldError::new(path.to_string(), reason));
                    Value::String(String::new())
                }
                Err(_) => {
                    errors.push(FieldError::new(path.to_string(), msg!("reason.date")));
                    Value::String(String::new())
                }
            },
            _ => {
                errors.push(bad_type(path, "date"));
                Value::String(String::new())
            }
        },
        Kind::Select { options } => match v {
            Value::Null => Value::String(String::new()),
            Value::String(s) if options.contains(&s.trim()) || s.trim().is_empty() => {
                Value::String(s.trim().to_string())
            }
            _ => {
                let list: Vec<&str> = options.iter().copied().filter(|o| !o.is_empty()).collect();
                errors.push(FieldError::new(
                    path.to_string(),
                    msg!("reason.one_of", values = list.join(", ")),
                ));
                Value::String(String::new())
            }
        },
        Kind::Table { columns, max_rows } => {
            let rows = match v {
                Value::Null => return Value::Array(Vec::new()),
                Value::Array(a) => a,
                _ => {
                    errors.push(bad_type(path, "table"));
                    return Value::Array(Vec::new());
                }
            };
            if rows.len() > max_rows {
                errors.push(FieldError::new(
                    path.to_string(),
                    msg!("reason.plans.too_many_rows", max = max_rows),
                ));
                return Value::Array(Vec::new());
            }
            let mut seen = BTreeSet::new();
            let mut out = Vec::new();
            for (i, row) in rows.iter().enumerate() {
                let rp = format!("{path}[{i}]");
                let Some(obj) = row.as_object() else {
                    errors.push(bad_type(&rp, "object"));
                    continue;
                };
                let r = fields(&rp, columns, obj, errors);
                let key = r
                    .get("name")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string();
                if key.is_empty() {
                    errors.push(FieldError::new(
                        format!("{rp}.name"),
                        msg!("reason.plans.row_name_required").arg_both(
                            "column",
                            columns[0].label_zh,
                            columns[0].label_en,
                        ),
                    ));
                } else if !seen.insert(key.clone()) {
                    errors.push(FieldError::new(
                        format!("{rp}.name"),
                        msg!("reason.plans.duplicate_row", name = key),
                    ));
                }
                out.push(Value::Object(r));
            }
            Value::Array(out)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use zian_i18n::Lang;

    #[test]
    fn empty_object_fills_every_field() {
        let c = normalise(&json!({})).unwrap();
        assert_eq!(c.as_json().len(), 17);
        assert_eq!(c.value("business", "core"), &json!([]));
        assert_eq!(c.value("organisation", "ciso_name"), &json!(""));
        assert_eq!(c.value("improvement", "audits_per_year"), &Value::Null);
        assert_eq!(c.value("controls", "isms_certified"), &json!(false));
        assert_eq!(c, PlanContent::empty());
    }

    #[test]
    fn every_problem_is_reported_with_its_path() {
        let v = json!({
            "nonsense": {},
            "basis": {"laws": ["資通安全管理法第 10 條", 7], "extra": 1},
            "business": {"core": [
                {"name": "人事管理", "mtd_hours": 10000},
                {"name": "人事管理"},
                {"name": "  ", "systems": "A\nB"}
            ]},
            "organisation": {"roster_date": "2026-02-30", "ciso_name": "a\nb"},
            "policy": {"quantitative": [{"name": "可用性", "kpi": "uptime", "target": "99"}]},
            "controls": {"isms_certified": "yes"}
        });
        let errs = normalise(&v).unwrap_err();
        let paths: Vec<&str> = errs.iter().map(|e| e.path.as_str()).collect();
        for p in [
            "nonsense",
            "basis.laws[1]",
            "basis.extra",
            "business.core[0].mtd_hours",
            "business.core[1].name",
            "business.core[2].name",
            "organisation.roster_date",
            "organisation.ciso_name",
            "policy.quantitative[0].kpi",
            "policy.quantitative[0].target",
            "controls.isms_certified",
        ] {
            assert!(paths.contains(&p), "{p} missing from {paths:?}");
        }
        assert!(errs.iter().all(|e| {
            let (zh, en) = (e.reason.render(Lang::ZhTw), e.reason.render(Lang::En));
            !zh.starts_with("reason.") && !en.starts_with("reason.") && zh != en
        }));
    }

    #[test]
    fn text_is_trimmed_lines_split_and_blank_items_dropped() {
        let c = normalise(&json!({
            "scope": {"text": "  本計畫適用範圍涵蓋本府全機關。\r\n第二行 ", "additional_orgs": "甲機關\n\n 乙機關 "},
            "business": {"core": [{"name": " 戶政 ", "systems": ["戶役政系統", ""], "mtd_hours": 4}]}
        }))
        .unwrap();
        assert_eq!(
            c.text("scope", "text"),
            "本計畫適用範圍涵蓋本府全機關。\n第二行"
        );
        assert_eq!(
            c.lines("scope", "additional_orgs"),
            vec!["甲機關", "乙機關"]
        );
        let row = &c.rows("business", "core")[0];
        assert_eq!(row["name"], "戶政");
        assert_eq!(row["systems"], json!(["戶役政系統"]));
        assert_eq!(row["mtd_hours"], 4);
        assert_eq!(row["critical_infrastructure"], false);
    }

    #[test]
    fn limits_hold() {
        let long = "字".repeat(301);
        let errs = normalise(&json!({"organisation": {"ciso_name": long}})).unwrap_err();
        assert_eq!(errs[0].path, "organisation.ciso_name");
        let rows: Vec<Value> = (0..101).map(|i| json!({"name": format!("r{i}")})).collect();
        let errs = normalise(&json!({"business": {"non_core": rows}})).unwrap_err();
        assert_eq!(errs[0].path, "business.non_core");
        assert!(normalise(&json!([1, 2])).is_err());
        assert!(normalise(&json!({"basis": "text"})).is_err());
    }

    #[test]
    fn with_chapter_replaces_one_chapter() {
        let c = PlanContent::empty();
        let d = c
            .with_chapter(
                "report",
                &json!({"month": 10, "recipient": "數位發展部資通安全署"}),
            )
            .unwrap();
        assert_eq!(d.int("report", "month"), Some(10));
        assert!(c.with_chapter("nope", &json!({})).is_err());
        assert!(c.with_chapter("report", &json!({"month": 13})).is_err());
    }
}
