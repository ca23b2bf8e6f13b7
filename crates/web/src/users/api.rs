//! The people API: users, roles, deputies.

use axum::extract::State;
use axum::http::StatusCode;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use zian_app::AppError;
use zian_app::users::DeputyInput as NewDeputy;
use zian_domain::user::UserPatch;
use zian_domain::{Deputy, OrgId, Role, RoleAssignment, User, UserId};

use crate::error::ApiResult;
use crate::extract::{ApiCaller, ApiJson, ApiPath, ApiQuery};
use crate::list::PageOut;
use crate::state::AppState;
use crate::values::rfc3339;

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UserCreateInput {
    pub username: String,
    pub display_name: String,
    pub email: Option<String>,
    pub home_org_id: String,
    /// Temporary password; the user must change it at first login.
    pub password: String,
    pub locale: Option<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UserPatchInput {
    pub display_name: Option<String>,
    pub email: Option<String>,
    pub active: Option<bool>,
    pub locale: Option<String>,
    /// Clears a lockout after failed logins.
    pub unlock: Option<bool>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordResetInput {
    pub temporary_password: String,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct UserOut {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub email: String,
    pub home_org_id: String,
    pub locale: String,
    pub active: bool,
    pub mfa_enabled: bool,
    pub must_change_password: bool,
    pub locked_until: Option<String>,
    pub created_at: String,
}

impl From<User> for UserOut {
    fn from(u: User) -> Self {
        UserOut {
            id: u.id.into(),
            username: u.username,
            display_name: u.display_name,
            email: u.email,
            home_org_id: u.home_org_id.into(),
            locale: u.locale,
            active: u.active,
            mfa_enabled: u.totp_enabled,
            must_change_password: u.must_change_password,
            locked_until: u.locked_until.map(rfc3339),
            created_at: rfc3339(u.created_at),
        }
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GrantInput {
    pub org_id: String,
    /// system_admin, ciso, committee_member, security_officer, it_staff,
    /// auditor, vendor, supervisor.
    pub role: String,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct AssignmentOut {
    pub id: String,
    pub user_id: String,
    pub org_id: String,
    pub org_name_zh: String,
    pub role: String,
    pub granted_at: String,
    pub deputy_for: Option<String>,
}

impl From<RoleAssignment> for AssignmentOut {
    fn from(a: RoleAssignment) -> Self {
        AssignmentOut {
            id: a.id,
            user_id: a.user_id.into(),
            org_id: a.org_id.into(),
            org_name_zh: a.org_name_zh,
            role: a.role.as_str().into(),
            granted_at: rfc3339(a.granted_at),
            deputy_for: a.deputy_for.map(String::from),
        }
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeputyInput {
    pub principal_user_id: String,
    pub deputy_user_id: String,
    pub org_id: String,
    pub role: String,
    /// RFC 3339 or YYYY-MM-DD (Asia/Taipei midnight).
    pub starts_at: String,
    pub ends_at: String,
    pub reason: String,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct DeputyOut {
    pub id: String,
    pub principal_user_id: String,
    pub principal_name: String,
    pub deputy_user_id: String,
    pub deputy_name: String,
    pub org_id: String,
    pub org_name_zh: String,
    pub role: String,
    pub starts_at: String,
    pub ends_at: String,
    pub reason: String,
    pub active: bool,
    pub revoked: bool,
}

impl DeputyOut {
    pub fn new(d: Deputy, now: i64) -> DeputyOut {
        DeputyOut {
            active: d.is_active(now),
            revoked: d.revoked_at.is_some(),
            id: d.id,
            principal_user_id: d.principal_user_id.into(),
            principal_name: d.principal_name,
            deputy_user_id: d.deputy_user_id.into(),
            deputy_name: d.deputy_name,
            org_id: d.org_id.into(),
            org_name_zh: d.org_name_zh,
            role: d.role.as_str().into(),
            starts_at: rfc3339(d.starts_at),
            ends_at: rfc3339(d.ends_at),
            reason: d.reason,
        }
    }
}

pub async fn list(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiQuery(q): ApiQuery<Vec<(String, String)>>,
) -> ApiResult<ApiJson<PageOut<UserOut>>> {
    let q = crate::list::query(&q, super::FILTERS)?;
    let page = st.app.list_users(&c.p, &q).await?;
    Ok(ApiJson(PageOut::of(page, UserOut::from)))
}

pub async fn create(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiJson(b): ApiJson<UserCreateInput>,
) -> ApiResult<(StatusCode, ApiJson<UserOut>)> {
    let u = st
        .app
        .create_user(
            &c.p,
            zian_app::users::NewUserInput {
                username: b.username,
                display_name: b.display_name,
                email: b.email.unwrap_or_default(),
                home_org_id: OrgId::from(b.home_org_id),
                password: b.password,
                locale: b.locale,
            },
        )
        .await?;
    Ok((StatusCode::CREATED, ApiJson(UserOut::from(u))))
}

pub async fn get(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<UserId>,
) -> ApiResult<ApiJson<UserOut>> {
    Ok(ApiJson(UserOut::from(st.app.get_user(&c.p, &id).await?)))
}

pub async fn update(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<UserId>,
    ApiJson(b): ApiJson<UserPatchInput>,
) -> ApiResult<ApiJson<UserOut>> {
    let patch = UserPatch {
        display_name: b.display_name,
        email: b.email,
        active: b.active,
        locale: b.locale,
        unlock: b.unlock.unwrap_or(false),
    };
    Ok(ApiJson(UserOut::from(
        st.app.update_user(&c.p, &id, patch).await?,
    )))
}

pub async fn reset_password(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<UserId>,
    ApiJson(b): ApiJson<PasswordResetInput>,
) -> ApiResult<StatusCode> {
    st.app
        .reset_password(&c.p, &id, &b.temporary_password)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn roles(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<UserId>,
) -> ApiResult<ApiJson<Vec<AssignmentOut>>> {
    let v = st.app.list_assignments(&c.p, &id).await?;
    Ok(ApiJson(v.into_iter().map(AssignmentOut::from).collect()))
}

pub async fn grant(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<UserId>,
    ApiJson(b): ApiJson<GrantInput>,
) -> ApiResult<(StatusCode, ApiJson<AssignmentOut>)> {
    let role = Role::parse(&b.role).map_err(AppError::from)?;
    let a = st
        .app
        .grant_role(&c.p, &id, &OrgId::from(b.org_id), role)
        .await?;
    Ok((StatusCode::CREATED, ApiJson(AssignmentOut::from(a))))
}

pub async fn revoke(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<StatusCode> {
    st.app.revoke_role(&c.p, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn deputies(
    State(st): State<AppState>,
    c: ApiCaller,
) -> ApiResult<ApiJson<Vec<DeputyOut>>> {
    let now = st.app.now();
    let v = st.app.list_deputies(&c.p).await?;
    Ok(ApiJson(
        v.into_iter().map(|d| DeputyOut::new(d, now)).collect(),
    ))
}

pub async fn deputy_create(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiJson(b): ApiJson<DeputyInput>,
) -> ApiResult<(StatusCode, ApiJson<DeputyOut>)> {
    let role = Role::parse(&b.role).map_err(AppError::from)?;
    let input = NewDeputy {
        principal_user_id: UserId::from(b.principal_user_id),
        deputy_user_id: UserId::from(b.deputy_user_id),
        org_id: OrgId::from(b.org_id),
        role,
        starts_at: crate::values::time("starts_at", &b.starts_at)?,
        ends_at: crate::values::time("ends_at", &b.ends_at)?,
        reason: b.reason,
    };
    let d = st.app.create_deputy(&c.p, input).await?;
    Ok((
        StatusCode::CREATED,
        ApiJson(DeputyOut::new(d, st.app.now())),
    ))
}

pub async fn deputy_revoke(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<StatusCode> {
    st.app.revoke_deputy(&c.p, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}
