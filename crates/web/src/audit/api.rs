//! The audit trail API.

use axum::extract::State;
use schemars::JsonSchema;
use serde::Serialize;
use zian_domain::audit::AuditEntry;

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
    pub actor_token_id: Option<String>,
    pub org_id: Option<String>,
    pub action: String,
    pub target: Option<String>,
    pub details: serde_json::Value,
    pub ip: Option<String>,
    pub hash: String,
}

impl From<AuditEntry> for AuditOut {
    fn from(e: AuditEntry) -> Self {
        AuditOut {
            seq: e.seq,
            at: rfc3339(e.at),
            actor_user_id: e.actor_user_id,
            actor_token_id: e.actor_token_id,
            org_id: e.org_id,
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
