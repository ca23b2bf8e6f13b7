//! Differences between two plan versions, chapter by chapter and field by
//! field. List items are compared as sets (a reordered list is no change);
//! table rows are matched by their key column, so inserting a row does not
//! turn every later row into a change.

use serde::Serialize;
use serde_json::Value;
use zian_i18n::Lang;

use super::content::PlanContent;
use super::schema::{CHAPTERS, Field, Kind};

/// What happened to a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    Added,
    Removed,
    Changed,
}

/// One difference.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    /// The chapter's key.
    pub chapter: &'static str,
    pub kind: ChangeKind,
    /// Where, e.g. `核心業務及重要性 › 戶政 › 最大可容忍中斷時間（小時）`.
    pub location_zh: String,
    pub location_en: String,
    /// The old value (`null` when added).
    pub before: Value,
    /// The new value (`null` when removed).
    pub after: Value,
}

impl Change {
    pub fn location(&self, lang: Lang) -> &str {
        if lang == Lang::En {
            &self.location_en
        } else {
            &self.location_zh
        }
    }
}

/// Every difference from `old` to `new`, in schema order.
pub fn diff(old: &PlanContent, new: &PlanContent) -> Vec<Change> {
    let mut out = Vec::new();
    for ch in CHAPTERS {
        for f in ch.fields {
            let a = old.value(ch.key, f.key);
            let b = new.value(ch.key, f.key);
            if a == b {
                continue;
            }
            let loc = (f.label_zh.to_string(), f.label_en.to_string());
            match f.kind {
                Kind::Lines { .. } => lines(ch.key, &loc, a, b, &mut out),
                Kind::Table { columns, .. } => table(ch.key, &loc, columns, a, b, &mut out),
                _ => out.push(Change {
                    chapter: ch.key,
                    kind: ChangeKind::Changed,
                    location_zh: loc.0,
                    location_en: loc.1,
                    before: a.clone(),
                    after: b.clone(),
                }),
            }
        }
    }
    out
}

fn items(v: &Value) -> Vec<&str> {
    v.as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

fn lines(
    chapter: &'static str,
    loc: &(String, String),
    a: &Value,
    b: &Value,
    out: &mut Vec<Change>,
) {
    let (a, b) = (items(a), items(b));
    for x in a.iter().filter(|x| !b.contains(x)) {
        out.push(Change {
            chapter,
            kind: ChangeKind::Removed,
            location_zh: loc.0.clone(),
            location_en: loc.1.clone(),
            before: Value::String((*x).to_string()),
            after: Value::Null,
        });
    }
    for x in b.iter().filter(|x| !a.contains(x)) {
        out.push(Change {
            chapter,
            kind: ChangeKind::Added,
            location_zh: loc.0.clone(),
            location_en: loc.1.clone(),
            before: Value::Null,
            after: Value::String((*x).to_string()),
        });
    }
}

fn key(row: &Value) -> &str {
    row.get("name").and_then(Value::as_str).unwrap_or("")
}

fn table(
    chapter: &'static str,
    loc: &(String, String),
    columns: &[Field],
    a: &Value,
    b: &Value,
    out: &mut Vec<Change>,
) {
    let empty = Vec::new();
    let (ra, rb) = (
        a.as_array().unwrap_or(&empty),
        b.as_array().unwrap_or(&empty),
    );
    let row_loc = |name: &str| (format!("{} › {name}", loc.0), format!("{} › {name}", loc.1));
    for old in ra {
        let k = key(old);
        match rb.iter().find(|r| key(r) == k) {
            None => {
                let (zh, en) = row_loc(k);
                out.push(Change {
                    chapter,
                    kind: ChangeKind::Removed,
                    location_zh: zh,
                    location_en: en,
                    before: old.clone(),
                    after: Value::Null,
                });
            }
            Some(new) if new != old => {
                for c in columns.iter().skip(1) {
                    let (x, y) = (
                        old.get(c.key).unwrap_or(&Value::Null),
                        new.get(c.key).unwrap_or(&Value::Null),
                    );
                    if x != y {
                        let (zh, en) = row_loc(k);
                        out.push(Change {
                            chapter,
                            kind: ChangeKind::Changed,
                            location_zh: format!("{zh} › {}", c.label_zh),
                            location_en: format!("{en} › {}", c.label_en),
                            before: x.clone(),
                            after: y.clone(),
                        });
                    }
                }
            }
            Some(_) => {}
        }
    }
    for new in rb {
        let k = key(new);
        if !ra.iter().any(|r| key(r) == k) {
            let (zh, en) = row_loc(k);
            out.push(Change {
                chapter,
                kind: ChangeKind::Added,
                location_zh: zh,
                location_en: en,
                before: Value::Null,
                after: new.clone(),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::content::normalise;
    use serde_json::json;

    fn plan(v: Value) -> PlanContent {
        normalise(&v).unwrap()
    }

    #[test]
    fn identical_plans_have_no_changes() {
        let a = plan(json!({"policy": {"statements": ["一", "二"]}}));
        assert!(diff(&a, &a).is_empty());
        // reordering a list is no change
        let b = plan(json!({"policy": {"statements": ["二", "一"]}}));
        assert!(diff(&a, &b).is_empty());
    }

    #[test]
    fn rows_are_matched_by_key_and_cells_compared() {
        let a = plan(json!({"business": {"core": [
            {"name": "戶政", "mtd_hours": 4},
            {"name": "地政", "mtd_hours": 8}
        ]}}));
        let b = plan(json!({"business": {"core": [
            {"name": "社福", "mtd_hours": 24},
            {"name": "戶政", "mtd_hours": 2, "impact_legal": "個資法"}
        ]}}));
        let d = diff(&a, &b);
        assert_eq!(d.len(), 4, "{d:#?}");
        let mtd = d
            .iter()
            .find(|c| c.location_zh.ends_with("戶政 › 最大可容忍中斷時間（小時）"))
            .unwrap();
        assert_eq!(
            (mtd.before.clone(), mtd.after.clone()),
            (json!(4), json!(2))
        );
        assert_eq!(mtd.kind, ChangeKind::Changed);
        assert!(d.iter().any(|c| c.kind == ChangeKind::Changed
            && c.location_en == "Core business › 戶政 › Breach of legal obligations"));
        assert!(
            d.iter()
                .any(|c| c.kind == ChangeKind::Removed && c.location_zh.ends_with("地政"))
        );
        assert!(
            d.iter()
                .any(|c| c.kind == ChangeKind::Added && c.after["mtd_hours"] == 24)
        );
    }

    #[test]
    fn list_items_and_scalars() {
        let a = plan(json!({"policy": {"statements": ["一", "二"]}, "report": {"month": 10}}));
        let b = plan(json!({"policy": {"statements": ["一", "三"]}, "report": {"month": 11}}));
        let d = diff(&a, &b);
        assert_eq!(d.len(), 3);
        assert_eq!(d[0].kind, ChangeKind::Removed);
        assert_eq!(d[0].before, json!("二"));
        assert_eq!(d[1].kind, ChangeKind::Added);
        assert_eq!(d[1].after, json!("三"));
        assert_eq!(d[2].chapter, "report");
        assert_eq!(
            (d[2].before.clone(), d[2].after.clone()),
            (json!(10), json!(11))
        );
    }
}
