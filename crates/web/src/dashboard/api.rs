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
    pub by_level: BTreeMap<String, i64>,
    pub level_reviews_overdue: i64,
}

pub async fn dashboard(
    State(st): State<AppState>,
    c: ApiCaller,
) -> ApiResult<ApiJson<DashboardOut>> {
    let s = st.app.org_stats(&c.p).await?;
    Ok(ApiJson(DashboardOut {
        organisations: s.orgs,
        agencies: s.agencies,
        users: s.users,
        by_level: s.by_level.into_iter().collect(),
        level_reviews_overdue: s.reviews_overdue,
    }))
}
