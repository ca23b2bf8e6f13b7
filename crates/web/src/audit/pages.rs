//! The audit trail page, in words: who (by name), what (a phrase), where
//! (the organisation) and what changed ("label: before → after"); filtered
//! by date, person, action and organisation, paged; the same filters export
//! CSV.

use askama::Template;
use axum::extract::State;
use zian_app::AppError;
use zian_domain::audit::AuditRow;
use zian_domain::{Page, Permission};
use zian_i18n::{Lang, catalogue};

use crate::error::PageResult;
use crate::extract::{PageCaller, PageQuery};
use crate::layout::{OrgChoice, PageCtx, ctx, render};
use crate::list::Pager;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "audit.html")]
pub struct AuditPage {
    pub ctx: PageCtx,
    pub page: Page<AuditRow>,
    pub pager: Pager,
    pub action: String,
    pub actor: String,
    pub org: String,
    pub from: String,
    pub to: String,
    /// The organisations the filter offers.
    pub orgs: Vec<OrgChoice>,
    /// The current filters as a query string (for the CSV link).
    pub query: String,
}

/// An action as a phrase in `lang` (the code when the catalogue has none).
pub fn action_phrase(lang: Lang, a: &str) -> String {
    let k = format!("audit_action.{a}");
    let t = catalogue().t(lang, &k);
    if t == k { a.to_string() } else { t.to_string() }
}

fn label(lang: Lang, key: &str) -> String {
    for k in [format!("audit_field.{key}"), format!("field.{key}")] {
        let t = catalogue().t(lang, &k);
        if t != k {
            return t.to_string();
        }
    }
    key.to_string()
}

fn value(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Null => "—".into(),
        serde_json::Value::String(s) if s.is_empty() => "—".into(),
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Array(a) => a.iter().map(value).collect::<Vec<_>>().join("、"),
        other => other.to_string(),
    }
}

/// A before and after value carried by an object (`from`/`to`,
/// `old`/`new`, `before`/`after`).
fn change(v: &serde_json::Value) -> Option<(String, String)> {
    let o = v.as_object()?;
    [("from", "to"), ("old", "new"), ("before", "after")]
        .into_iter()
        .find(|(a, b)| o.contains_key(*a) && o.contains_key(*b))
        .map(|(a, b)| (value(&o[a]), value(&o[b])))
}

/// The details of an entry in words: one line per field, "label: value" or
/// "label: before → after".
pub fn detail_lines(lang: Lang, details: &str) -> Vec<String> {
    let Ok(v) = serde_json::from_str::<serde_json::Value>(details) else {
        return vec![details.to_string()];
    };
    let Some(o) = v.as_object() else {
        return match v {
            serde_json::Value::Null => Vec::new(),
            other => vec![value(&other)],
        };
    };
    let mut out = Vec::new();
    if let Some((a, b)) = change(&v) {
        out.push(format!("{}: {a} → {b}", label(lang, "change")));
    }
    for (k, x) in o {
        if matches!(
            k.as_str(),
            "from" | "to" | "old" | "new" | "before" | "after"
        ) && change(&v).is_some()
        {
            continue;
        }
        // `changes`: each changed field with `[before, after]`
        if let (true, Some(m)) = (k == "changes", x.as_object()) {
            for (f, v) in m {
                match v.as_array().map(Vec::as_slice) {
                    Some([a, b]) => {
                        out.push(format!("{}: {} → {}", label(lang, f), value(a), value(b)))
                    }
                    _ => out.push(format!("{}: {}", label(lang, f), value(v))),
                }
            }
            continue;
        }
        match change(x) {
            Some((a, b)) => out.push(format!("{}: {a} → {b}", label(lang, k))),
            None => out.push(format!("{}: {}", label(lang, k), value(x))),
        }
    }
    out
}

impl AuditPage {
    pub fn action_name(&self, a: &str) -> String {
        action_phrase(self.ctx.lang, a)
    }
    pub fn lines(&self, r: &AuditRow) -> Vec<String> {
        detail_lines(self.ctx.lang, &r.entry.details)
    }
    pub fn org_label(&self, r: &AuditRow) -> String {
        org_label(self.ctx.lang, r)
    }
    pub fn when(&self, r: &AuditRow) -> String {
        crate::layout::fmt_moment(r.entry.at, self.ctx.lang)
    }
}

/// The organisation of an entry in `lang`.
pub fn org_label(lang: Lang, r: &AuditRow) -> String {
    match (lang, &r.org_name_en, &r.org_name_zh) {
        (Lang::En, Some(en), _) if !en.is_empty() => en.clone(),
        (_, _, Some(zh)) => zh.clone(),
        _ => "—".into(),
    }
}

pub async fn audit(
    State(st): State<AppState>,
    pc: PageCaller,
    PageQuery(pairs): PageQuery<Vec<(String, String)>>,
) -> PageResult {
    if pc.p.scope(Permission::AuditRead).is_empty() {
        return Err(AppError::Forbidden.into());
    }
    let q = crate::list::query(&pairs, super::FILTERS)?;
    let c = ctx(&st.app, &pc, "audit.title", "audit", None).await?;
    let page = st.app.list_audit(&pc.p, &q).await?;
    let get = |k: &str| q.filter_value(k).unwrap_or_default().to_string();
    let org = get("org");
    let audit_scope = pc.p.scope(Permission::AuditRead);
    let orgs = st
        .app
        .org_tree(&pc.p)
        .await?
        .into_iter()
        .filter(|o| audit_scope.contains(&o.path))
        .take(500)
        .map(|o| OrgChoice {
            selected: o.id.as_str() == org,
            label: crate::layout::tree_label(&o, pc.lang),
            id: o.id.to_string(),
        })
        .collect();
    let query = pairs
        .iter()
        .filter(|(k, v)| super::FILTERS.contains(&k.as_str()) && !v.is_empty())
        .map(|(k, v)| format!("{}={}", k, crate::list::enc(v)))
        .collect::<Vec<_>>()
        .join("&");
    render(&AuditPage {
        ctx: c,
        pager: Pager::new(&page, "/audit", &pairs),
        action: get("action"),
        actor: get("actor"),
        from: get("from"),
        to: get("to"),
        org,
        orgs,
        query,
        page,
    })
}
