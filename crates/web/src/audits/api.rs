//! The audits API.

use axum::extract::State;
use axum::http::StatusCode;
use schemars::JsonSchema;
use serde::Serialize;
use zian_app::audits::{
    AnswersInput, AuditInput, AuditOut, AuditView, ItemsInput, ReportInput, audit_filter,
};
use zian_app::corrective::ActionOut;
use zian_domain::{AuditId, OrgId};

use crate::error::ApiResult;
use crate::extract::{ApiCaller, ApiJson, ApiPath, ApiQuery};
use crate::list::OrgPageOut;
use crate::state::AppState;

/// A page of audits.
pub type AuditListOut = OrgPageOut<AuditOut>;

/// An audit with its corrective actions.
#[derive(Serialize, JsonSchema)]
pub struct AuditDetailOut {
    #[serde(flatten)]
    pub audit: AuditOut,
    pub org_name: String,
    pub run_by_name: String,
    pub actions: Vec<ActionOut>,
    /// Whether the caller may change it.
    pub can_write: bool,
}

fn detail(v: &AuditView, today: time::Date) -> AuditDetailOut {
    AuditDetailOut {
        audit: AuditOut::from(&v.audit),
        org_name: v.org.name_zh.clone(),
        run_by_name: v.run_by.name_zh.clone(),
        actions: v.actions.iter().map(|a| ActionOut::of(a, today)).collect(),
        can_write: v.can_write,
    }
}

pub async fn list(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<OrgId>,
    ApiQuery(q): ApiQuery<Vec<(String, String)>>,
) -> ApiResult<ApiJson<AuditListOut>> {
    let list = crate::list::query(&q, super::FILTERS)?;
    let f = audit_filter(&q)?;
    let page = st.app.list_audits(&c.p, &id, &f, &list).await?;
    Ok(ApiJson(OrgPageOut::of(&id, page, |a| AuditOut::from(&a))))
}

pub async fn create(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<OrgId>,
    ApiJson(b): ApiJson<AuditInput>,
) -> ApiResult<(StatusCode, ApiJson<AuditOut>)> {
    let v = st.app.plan_audit(&c.p, &id, b).await?;
    Ok((StatusCode::CREATED, ApiJson(AuditOut::from(&v.audit))))
}

pub async fn get(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<AuditId>,
) -> ApiResult<ApiJson<AuditDetailOut>> {
    let v = st.app.audit_view(&c.p, &id).await?;
    Ok(ApiJson(detail(&v, st.app.today())))
}

pub async fn edit(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<AuditId>,
    ApiJson(b): ApiJson<AuditInput>,
) -> ApiResult<ApiJson<AuditOut>> {
    let v = st.app.edit_audit(&c.p, &id, b).await?;
    Ok(ApiJson(AuditOut::from(&v.audit)))
}

pub async fn items(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<AuditId>,
    ApiJson(b): ApiJson<ItemsInput>,
) -> ApiResult<ApiJson<AuditOut>> {
    let v = st.app.set_audit_items(&c.p, &id, b).await?;
    Ok(ApiJson(AuditOut::from(&v.audit)))
}

pub async fn notify(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<AuditId>,
) -> ApiResult<ApiJson<AuditOut>> {
    let v = st.app.notify_audit(&c.p, &id).await?;
    Ok(ApiJson(AuditOut::from(&v.audit)))
}

pub async fn answers(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<AuditId>,
    ApiJson(b): ApiJson<AnswersInput>,
) -> ApiResult<ApiJson<AuditOut>> {
    let v = st.app.answer_audit(&c.p, &id, b).await?;
    Ok(ApiJson(AuditOut::from(&v.audit)))
}

pub async fn report(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<AuditId>,
    ApiJson(b): ApiJson<ReportInput>,
) -> ApiResult<ApiJson<AuditOut>> {
    let v = st.app.report_audit(&c.p, &id, b).await?;
    Ok(ApiJson(AuditOut::from(&v.audit)))
}

pub async fn close(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<AuditId>,
) -> ApiResult<ApiJson<AuditOut>> {
    let v = st.app.close_audit(&c.p, &id).await?;
    Ok(ApiJson(AuditOut::from(&v.audit)))
}

/// A kept checklist.
#[derive(Serialize, JsonSchema)]
pub struct ChecklistOut {
    pub id: String,
    pub org_id: String,
    pub name: String,
    /// One item a line.
    pub lines: String,
    pub items: usize,
}

impl ChecklistOut {
    fn of(c: &zian_domain::audits::SavedChecklist) -> ChecklistOut {
        ChecklistOut {
            id: c.id.to_string(),
            org_id: c.org_id.to_string(),
            name: c.name.clone(),
            lines: c.lines.clone(),
            items: c.len(),
        }
    }
}

/// An organisation's checklists and those kept above it.
#[derive(Serialize, JsonSchema)]
pub struct ChecklistsOut {
    pub org_id: String,
    pub own: Vec<ChecklistOut>,
    pub inherited: Vec<ChecklistOut>,
}

pub async fn checklists(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<OrgId>,
) -> ApiResult<(StatusCode, ApiJson<ChecklistsOut>)> {
    let v = st.app.audit_checklists(&c.p, &id).await?;
    Ok((
        StatusCode::OK,
        ApiJson(ChecklistsOut {
            org_id: v.org.id.to_string(),
            own: v.own.iter().map(ChecklistOut::of).collect(),
            inherited: v
                .inherited
                .iter()
                .map(|(x, _)| ChecklistOut::of(x))
                .collect(),
        }),
    ))
}

pub async fn create_checklist(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<OrgId>,
    ApiJson(input): ApiJson<zian_app::audits::ChecklistInput>,
) -> ApiResult<(StatusCode, ApiJson<ChecklistOut>)> {
    let x = st.app.create_audit_checklist(&c.p, &id, input).await?;
    Ok((StatusCode::CREATED, ApiJson(ChecklistOut::of(&x))))
}

pub async fn delete_checklist(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<zian_domain::ChecklistId>,
) -> ApiResult<(StatusCode, ApiJson<ChecklistOut>)> {
    let x = st.app.delete_audit_checklist(&c.p, &id).await?;
    Ok((StatusCode::OK, ApiJson(ChecklistOut::of(&x))))
}
