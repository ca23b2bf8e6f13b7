//! The people forms API.

use axum::extract::State;
use axum::http::StatusCode;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use zian_app::people_forms::{
    AgreementInput, EntryInput, EntryOut, FormOut, LeaveInput, RequestInput, SignInput, month_text,
};
use zian_domain::{AreaEntryId, OrgId, PeopleFormId};

use crate::error::ApiResult;
use crate::extract::{ApiCaller, ApiJson, ApiPath, ApiQuery};
use crate::state::AppState;

/// A person without an agreement.
#[derive(Serialize, JsonSchema)]
pub struct UnsignedOut {
    pub user_id: String,
    pub username: String,
    pub display_name: String,
    pub role: String,
}

/// An organisation's people forms.
#[derive(Serialize, JsonSchema)]
pub struct FormsOut {
    pub org_id: String,
    pub requests: Vec<FormOut>,
    pub agreements: Vec<FormOut>,
    pub unsigned: Vec<UnsignedOut>,
}

/// Which month.
#[derive(Deserialize, JsonSchema, Default)]
#[serde(default)]
pub struct MonthQuery {
    /// `YYYY-MM`
    pub month: Option<String>,
}

/// A month's entry log.
#[derive(Serialize, JsonSchema)]
pub struct LogOut {
    pub org_id: String,
    /// `YYYY-MM`
    pub month: String,
    /// The month's entries and everyone still inside, latest first.
    pub entries: Vec<EntryOut>,
    /// How many are inside now.
    pub inside: usize,
}

pub async fn list(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<OrgId>,
) -> ApiResult<(StatusCode, ApiJson<FormsOut>)> {
    let v = st.app.people_forms(&c.p, &id).await?;
    Ok((
        StatusCode::OK,
        ApiJson(FormsOut {
            org_id: v.org.id.to_string(),
            requests: v.requests.iter().map(FormOut::of).collect(),
            agreements: v.agreements.iter().map(FormOut::of).collect(),
            unsigned: v
                .unsigned
                .iter()
                .map(|h| UnsignedOut {
                    user_id: h.user_id.to_string(),
                    username: h.username.clone(),
                    display_name: h.display_name.clone(),
                    role: h.role.as_str().into(),
                })
                .collect(),
        }),
    ))
}

pub async fn create_request(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<OrgId>,
    ApiJson(input): ApiJson<RequestInput>,
) -> ApiResult<(StatusCode, ApiJson<FormOut>)> {
    let f = st.app.create_resource_request(&c.p, &id, input).await?;
    Ok((StatusCode::CREATED, ApiJson(FormOut::of(&f))))
}

pub async fn create_agreement(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<OrgId>,
    ApiJson(input): ApiJson<AgreementInput>,
) -> ApiResult<(StatusCode, ApiJson<FormOut>)> {
    let f = st.app.create_confidentiality(&c.p, &id, input).await?;
    Ok((StatusCode::CREATED, ApiJson(FormOut::of(&f))))
}

pub async fn get(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<PeopleFormId>,
) -> ApiResult<(StatusCode, ApiJson<FormOut>)> {
    let v = st.app.people_form(&c.p, &id).await?;
    Ok((StatusCode::OK, ApiJson(FormOut::of(&v.form))))
}

pub async fn sign(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<PeopleFormId>,
    ApiJson(input): ApiJson<SignInput>,
) -> ApiResult<(StatusCode, ApiJson<FormOut>)> {
    let f = st.app.sign_people_form(&c.p, &id, input).await?;
    Ok((StatusCode::OK, ApiJson(FormOut::of(&f))))
}

pub async fn log(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<OrgId>,
    ApiQuery(q): ApiQuery<MonthQuery>,
) -> ApiResult<(StatusCode, ApiJson<LogOut>)> {
    let v = st.app.area_log(&c.p, &id, q.month.as_deref()).await?;
    Ok((
        StatusCode::OK,
        ApiJson(LogOut {
            org_id: v.org.id.to_string(),
            month: month_text(v.month),
            inside: v.inside().count(),
            entries: v.entries.iter().map(|e| EntryOut::of(e, v.now)).collect(),
        }),
    ))
}

pub async fn enter(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<OrgId>,
    ApiJson(input): ApiJson<EntryInput>,
) -> ApiResult<(StatusCode, ApiJson<EntryOut>)> {
    let e = st.app.record_area_entry(&c.p, &id, input).await?;
    Ok((StatusCode::CREATED, ApiJson(EntryOut::of(&e, st.app.now()))))
}

pub async fn leave(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<AreaEntryId>,
    ApiJson(input): ApiJson<LeaveInput>,
) -> ApiResult<(StatusCode, ApiJson<EntryOut>)> {
    let e = st.app.leave_area(&c.p, &id, input).await?;
    Ok((StatusCode::OK, ApiJson(EntryOut::of(&e, st.app.now()))))
}
