//! The one list shape on the wire and on the page: `q`, `sort`, `desc`,
//! `limit` (1–500, default 50), `offset` (0–10,000) and the list's own named
//! filters, parsed from the query string; a page of items with its total
//! (exact up to 10,000); and the pager the pages show under a list.

use schemars::JsonSchema;
use serde::Serialize;
use zian_app::AppError;
use zian_domain::list::{MAX_LIMIT, MAX_OFFSET};
use zian_domain::{ListQuery, Page};
use zian_i18n::msg;

/// Parses the list parameters of a query string. `filters` names the
/// filters this list accepts; any other parameter is refused, as is a
/// malformed number or flag.
pub fn query(pairs: &[(String, String)], filters: &[&str]) -> Result<ListQuery, AppError> {
    let mut q = ListQuery::new();
    for (k, v) in pairs {
        let v = v.trim();
        match k.as_str() {
            "q" => q.q = Some(v.to_string()).filter(|s| !s.is_empty()),
            "sort" => q.sort = Some(v.to_string()).filter(|s| !s.is_empty()),
            "desc" => {
                q.desc = match v {
                    "true" | "1" => true,
                    "false" | "0" | "" => false,
                    _ => return Err(AppError::invalid("desc", msg!("reason.bool"))),
                }
            }
            "limit" if !v.is_empty() => {
                let n: i64 = v
                    .parse()
                    .map_err(|_| AppError::invalid("limit", msg!("reason.whole_number")))?;
                q.limit = n.clamp(1, MAX_LIMIT);
            }
            "offset" if !v.is_empty() => {
                q.offset = v
                    .parse()
                    .map_err(|_| AppError::invalid("offset", msg!("reason.whole_number")))?;
            }
            "limit" | "offset" => {}
            k if filters.contains(&k) => {
                if !v.is_empty() {
                    q.filter.push((k.to_string(), v.to_string()));
                }
            }
            // the pages' own parameters (flash messages) ride along
            "ok" | "err" => {}
            other => {
                return Err(AppError::invalid(
                    "query",
                    msg!("reason.unknown_parameter", name = other),
                ));
            }
        }
    }
    if !(0..=MAX_OFFSET).contains(&q.offset) {
        return Err(AppError::invalid(
            "offset",
            msg!("reason.offset_too_far", max = MAX_OFFSET),
        ));
    }
    Ok(q)
}

/// A page of a list.
#[derive(Debug, Serialize, JsonSchema)]
#[schemars(rename = "PageOf{T}")]
pub struct PageOut<T> {
    pub items: Vec<T>,
    /// Items matching the filters, counted up to 10,000.
    pub total: i64,
    /// `false` when more than `total` items match (narrow the filters).
    pub total_exact: bool,
    pub limit: i64,
    pub offset: i64,
}

impl<T> PageOut<T> {
    pub fn of<U>(p: Page<U>, f: impl FnMut(U) -> T) -> PageOut<T> {
        let p = p.map(f);
        PageOut {
            items: p.items,
            total: p.total,
            total_exact: p.total_exact,
            limit: p.limit,
            offset: p.offset,
        }
    }
}

/// A page of an organisation's list.
#[derive(Debug, Serialize, JsonSchema)]
#[schemars(rename = "OrgPageOf{T}")]
pub struct OrgPageOut<T> {
    pub org_id: String,
    #[serde(flatten)]
    pub page: PageOut<T>,
}

impl<T> OrgPageOut<T> {
    pub fn of<U>(org_id: &impl ToString, p: Page<U>, f: impl FnMut(U) -> T) -> OrgPageOut<T> {
        OrgPageOut {
            org_id: org_id.to_string(),
            page: PageOut::of(p, f),
        }
    }
}

/// The pager under a list: where the page is, and links to the pages
/// before and after with the same filters.
#[derive(Debug, Clone)]
pub struct Pager {
    pub from: i64,
    pub to: i64,
    pub total: i64,
    pub total_exact: bool,
    pub prev: Option<String>,
    pub next: Option<String>,
}

impl Pager {
    /// `path` is the list's page; `pairs` its current query string.
    pub fn new<T>(page: &Page<T>, path: &str, pairs: &[(String, String)]) -> Pager {
        let shown = i64::try_from(page.items.len()).unwrap_or(0);
        let link = |offset: i64| {
            let mut kept: Vec<(String, String)> = pairs
                .iter()
                .filter(|(k, v)| !matches!(k.as_str(), "offset" | "ok" | "err") && !v.is_empty())
                .cloned()
                .collect();
            if offset > 0 {
                kept.push(("offset".into(), offset.to_string()));
            }
            let qs: Vec<String> = kept
                .iter()
                .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
                .collect();
            if qs.is_empty() {
                path.to_string()
            } else {
                format!("{path}?{}", qs.join("&"))
            }
        };
        let next_offset = page.offset + page.limit;
        Pager {
            from: if shown == 0 { 0 } else { page.offset + 1 },
            to: page.offset + shown,
            total: page.total,
            total_exact: page.total_exact,
            prev: (page.offset > 0).then(|| link((page.offset - page.limit).max(0))),
            next: (page.has_next() && next_offset <= MAX_OFFSET).then(|| link(next_offset)),
        }
    }

    /// Whether there is more than one page.
    pub fn shown(&self) -> bool {
        self.prev.is_some() || self.next.is_some()
    }
}

/// Percent-encodes a query-string component.
pub fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
        v.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn parameters_are_checked_and_clamped() {
        let q = query(
            &pairs(&[("q", " 警察 "), ("limit", "9999"), ("level", "A")]),
            &["level"],
        )
        .unwrap();
        assert_eq!(q.q.as_deref(), Some("警察"));
        assert_eq!(q.limit, MAX_LIMIT);
        assert_eq!(q.filter_value("level"), Some("A"));
        assert!(query(&pairs(&[("nope", "1")]), &["level"]).is_err());
        assert!(query(&pairs(&[("offset", "10001")]), &[]).is_err());
        assert!(query(&pairs(&[("desc", "maybe")]), &[]).is_err());
    }

    #[test]
    fn the_pager_keeps_filters() {
        let page = Page {
            items: vec![1; 50],
            total: 120,
            total_exact: true,
            limit: 50,
            offset: 50,
        };
        let p = Pager::new(
            &page,
            "/x",
            &pairs(&[("q", "a b"), ("offset", "50"), ("ok", "saved")]),
        );
        assert_eq!((p.from, p.to), (51, 100));
        assert_eq!(p.prev.as_deref(), Some("/x?q=a%20b"));
        assert_eq!(p.next.as_deref(), Some("/x?q=a%20b&offset=100"));
    }
}
