//! The audit trail API.

use axum::extract::State;
use axum::response::Response;
use schemars::JsonSchema;
use serde::Serialize;
use zian_domain::audit::AuditRow;
use zian_domain::list::HARD_LIMIT;

use crate::error::ApiResult;
use crate::extract::{ApiCaller, ApiJson, ApiQuery};
use crate::list::PageOut;
use crate::state::AppState;
use crate::values::rfc3339;

#[derive(Debug, Serialize, JsonSchema)]
pub struct AuditOut {
    pub seq: i64,
    pub at: String,
    pub actor_user_id: Option<String>,
    /// The actor's display name.
    pub actor_name: Option<String>,
    pub actor_token_id: Option<String>,
    pub org_id: Option<String>,
    /// The organisation's Chinese name.
    pub org_name: Option<String>,
    pub action: String,
    pub target: Option<String>,
    pub details: serde_json::Value,
    pub ip: Option<String>,
    pub hash: String,
}

impl From<AuditRow> for AuditOut {
    fn from(r: AuditRow) -> Self {
        let e = r.entry;
        AuditOut {
            seq: e.seq,
            at: rfc3339(e.at),
            actor_user_id: e.actor_user_id,
            actor_name: r.actor_name,
            actor_token_id: e.actor_token_id,
            org_id: e.org_id,
            org_name: r.org_name_zh,
            action: e.action,
            target: e.target,
            details: serde_json::from_str(&e.details).unwrap_or(serde_json::Value::Null),
            ip: e.ip,
            hash: e.hash,
        }
    }
}

pub async fn list(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiQuery(q): ApiQuery<Vec<(String, String)>>,
) -> ApiResult<ApiJson<PageOut<AuditOut>>> {
    let q = crate::list::query(&q, super::FILTERS)?;
    let page = st.app.list_audit(&c.p, &q).await?;
    Ok(ApiJson(PageOut::of(page, AuditOut::from)))
}

/// The filtered trail as CSV (UTF-8 with BOM, cells a spreadsheet would run
/// neutralised), in words: every entry the filters select, up to 20,000.
pub async fn csv(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiQuery(q): ApiQuery<Vec<(String, String)>>,
) -> ApiResult<Response> {
    let mut list = crate::list::query(&q, super::FILTERS)?;
    list.offset = 0;
    list.limit = HARD_LIMIT;
    let page = st.app.list_audit(&c.p, &list).await?;
    let t = |k: &str| zian_i18n::catalogue().t(c.lang, k).to_string();
    let mut out = crate::csv::Csv::new();
    out.row([
        "#".to_string(),
        t("field.time"),
        t("audit.actor"),
        t("audit.action"),
        t("field.org"),
        t("audit.details"),
        "IP".to_string(),
    ]);
    for r in &page.items {
        out.row([
            r.entry.seq.to_string(),
            crate::layout::fmt_time(r.entry.at),
            r.actor_name
                .clone()
                .or_else(|| r.entry.actor_user_id.clone())
                .unwrap_or_default(),
            super::pages::action_phrase(c.lang, &r.entry.action),
            super::pages::org_label(c.lang, r),
            super::pages::detail_lines(c.lang, &r.entry.details).join("\n"),
            r.entry.ip.clone().unwrap_or_default(),
        ]);
    }
    st.app
        .record_export(&c.p, "audit.csv", page.items.len())
        .await?;
    Ok(out.into_download("audit.csv"))
}
