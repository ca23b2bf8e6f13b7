//! The organisations API.

use axum::extract::State;
use axum::http::StatusCode;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use zian_domain::org::OrgHistoryEntry;
use zian_domain::{OrgId, Organisation};

use super::{OrgInput, org_draft};
use crate::error::ApiResult;
use crate::extract::{ApiCaller, ApiJson, ApiPath, ApiQuery};
use crate::list::PageOut;
use crate::state::AppState;
use crate::values::{rfc3339, ymd};

/// A new organisation: the parent and the fields of [`OrgInput`].
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OrgCreateInput {
    pub parent_id: String,
    pub code: Option<String>,
    pub name_zh: String,
    pub name_en: Option<String>,
    pub tier: String,
    pub kind: String,
    pub level: Option<String>,
    pub level_assigned_on: Option<String>,
    pub level_review_due: Option<String>,
    pub fiscal_tier: Option<i64>,
}

impl OrgCreateInput {
    pub fn org(&self) -> OrgInput {
        OrgInput {
            code: self.code.clone(),
            name_zh: self.name_zh.clone(),
            name_en: self.name_en.clone(),
            tier: self.tier.clone(),
            kind: self.kind.clone(),
            level: self.level.clone(),
            level_assigned_on: self.level_assigned_on.clone(),
            level_review_due: self.level_review_due.clone(),
            fiscal_tier: self.fiscal_tier,
        }
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MoveInput {
    pub parent_id: String,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct OrgOut {
    pub id: String,
    pub parent_id: Option<String>,
    pub path: String,
    pub depth: i64,
    pub code: Option<String>,
    pub name_zh: String,
    pub name_en: String,
    pub tier: String,
    pub kind: String,
    pub level: Option<String>,
    pub level_assigned_on: Option<String>,
    pub level_review_due: Option<String>,
    pub fiscal_tier: Option<i64>,
    pub active: bool,
}

impl From<Organisation> for OrgOut {
    fn from(o: Organisation) -> Self {
        OrgOut {
            id: o.id.into(),
            parent_id: o.parent_id.map(String::from),
            path: o.path,
            depth: o.depth,
            code: o.code,
            name_zh: o.name_zh,
            name_en: o.name_en,
            tier: o.tier.as_str().into(),
            kind: o.kind.as_str().into(),
            level: o.level.map(|l| l.as_str().into()),
            level_assigned_on: ymd(o.level_assigned_on),
            level_review_due: ymd(o.level_review_due),
            fiscal_tier: o.fiscal_tier,
            active: o.active,
        }
    }
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct HistoryOut {
    pub at: String,
    pub actor_user_id: Option<String>,
    pub change: String,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
}

impl From<OrgHistoryEntry> for HistoryOut {
    fn from(h: OrgHistoryEntry) -> Self {
        HistoryOut {
            at: rfc3339(h.at),
            actor_user_id: h.actor_user_id.map(String::from),
            change: h.change,
            old_value: h.old_value,
            new_value: h.new_value,
        }
    }
}

pub async fn list(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiQuery(q): ApiQuery<Vec<(String, String)>>,
) -> ApiResult<ApiJson<PageOut<OrgOut>>> {
    let q = crate::list::query(&q, super::FILTERS)?;
    let page = st.app.list_orgs(&c.p, &q).await?;
    Ok(ApiJson(PageOut::of(page, OrgOut::from)))
}

pub async fn create(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiJson(b): ApiJson<OrgCreateInput>,
) -> ApiResult<(StatusCode, ApiJson<OrgOut>)> {
    let o = st
        .app
        .create_org(&c.p, &b.parent_id.as_str().into(), org_draft(&b.org())?)
        .await?;
    Ok((StatusCode::CREATED, ApiJson(OrgOut::from(o))))
}

pub async fn get(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<OrgId>,
) -> ApiResult<ApiJson<OrgOut>> {
    Ok(ApiJson(OrgOut::from(st.app.get_org(&c.p, &id).await?)))
}

pub async fn update(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<OrgId>,
    ApiJson(b): ApiJson<OrgInput>,
) -> ApiResult<ApiJson<OrgOut>> {
    Ok(ApiJson(OrgOut::from(
        st.app.update_org(&c.p, &id, org_draft(&b)?).await?,
    )))
}

pub async fn move_subtree(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<OrgId>,
    ApiJson(b): ApiJson<MoveInput>,
) -> ApiResult<ApiJson<OrgOut>> {
    Ok(ApiJson(OrgOut::from(
        st.app
            .move_org(&c.p, &id, &b.parent_id.as_str().into())
            .await?,
    )))
}

pub async fn archive(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<OrgId>,
) -> ApiResult<ApiJson<OrgOut>> {
    Ok(ApiJson(OrgOut::from(
        st.app.set_org_active(&c.p, &id, false).await?,
    )))
}

pub async fn restore(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<OrgId>,
) -> ApiResult<ApiJson<OrgOut>> {
    Ok(ApiJson(OrgOut::from(
        st.app.set_org_active(&c.p, &id, true).await?,
    )))
}

pub async fn history(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<OrgId>,
) -> ApiResult<ApiJson<Vec<HistoryOut>>> {
    let h = st.app.org_history(&c.p, &id).await?;
    Ok(ApiJson(h.into_iter().map(HistoryOut::from).collect()))
}
