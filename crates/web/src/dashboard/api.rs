//! The dashboard API.

use std::collections::BTreeMap;

use axum::extract::State;
use schemars::JsonSchema;
use serde::Serialize;

use crate::error::ApiResult;
use crate::extract::{ApiCaller, ApiJson};
use crate::state::AppState;

#[derive(Debug, Serialize, JsonSchema)]
pub struct DashboardOut {
    pub organisations: i64,
    pub agencies: i64,
    pub users: i64,
    /// Agencies (every organisation but units) by responsibility level;
    /// with `level_unassigned` they add up to `agencies`.
    pub by_level: BTreeMap<String, i64>,
    pub level_unassigned: i64,
    pub level_reviews_overdue: i64,
    /// The caller's to-do list (see the dashboard page).
    pub todo: Vec<TodoOut>,
}

/// One task of the to-do list: an organisation, a kind and the number of
/// records the page at `href` lists.
#[derive(Debug, Serialize, JsonSchema)]
pub struct TodoOut {
    /// `threat_notices_to_answer`, `obligations_overdue`,
    /// `obligations_due_soon`, `plan_awaiting_approval`, `risks_untreated`
    /// or `systems_regrade`.
    pub kind: String,
    pub org_id: String,
    pub org_name: String,
    pub count: u64,
    pub href: String,
}

impl From<zian_app::dashboard::TodoItem> for TodoOut {
    fn from(t: zian_app::dashboard::TodoItem) -> Self {
        TodoOut {
            kind: t.kind.as_str().to_string(),
            org_id: t.org.id.to_string(),
            org_name: t.org.name_zh,
            count: t.count,
            href: t.href,
        }
    }
}

pub async fn dashboard(
    State(st): State<AppState>,
    c: ApiCaller,
) -> ApiResult<ApiJson<DashboardOut>> {
    let s = st.app.org_stats(&c.p).await?;
    let todo = st.app.todo(&c.p).await?;
    Ok(ApiJson(DashboardOut {
        organisations: s.orgs,
        agencies: s.agencies,
        users: s.users,
        by_level: s.by_level.into_iter().collect(),
        level_unassigned: s.level_unassigned,
        level_reviews_overdue: s.reviews_overdue,
        todo: todo.into_iter().map(TodoOut::from).collect(),
    }))
}
