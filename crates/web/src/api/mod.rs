//! JSON API handlers under `/api/v1`. Each handler extracts, calls one
//! service, and maps the result; no business rule lives here.

pub mod compliance;
pub mod dto;
pub mod evidence;
pub mod plans;
pub mod risk;

use axum::extract::{FromRequest, FromRequestParts, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use time::{Date, OffsetDateTime};
use zian_app::AppError;
use zian_domain::org::OrgDraft;
use zian_domain::{OrgKind, OrgTier, Permission, ResponsibilityLevel, Role};
use zian_storage::{ListQuery, UserPatch};

use crate::error::ApiError;
use crate::extract::{ApiCaller, Ctx, SESSION_COOKIE};
use crate::state::AppState;
use dto::*;

pub type ApiResult<T> = Result<T, ApiError>;

/// JSON body with errors mapped to our API error shape.
#[derive(FromRequest)]
#[from_request(via(axum::Json), rejection(ApiError))]
pub struct ApiJson<T>(pub T);

impl<T: serde::Serialize> IntoResponse for ApiJson<T> {
    fn into_response(self) -> Response {
        axum::Json(self.0).into_response()
    }
}

#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(ApiError))]
pub struct ApiQuery<T>(pub T);

#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(ApiError))]
pub struct ApiPath<T>(pub T);

pub fn list_query(p: &ListParams) -> ListQuery {
    let mut q = ListQuery::new();
    q.q = p.q.clone();
    q.sort = p.sort.clone();
    q.desc = p.desc.unwrap_or(false);
    q.limit = p.limit.unwrap_or(50);
    q.offset = p.offset.unwrap_or(0);
    for (k, v) in [
        ("tier", &p.tier),
        ("kind", &p.kind),
        ("level", &p.level),
        ("parent", &p.parent),
        ("active", &p.active),
        ("org", &p.org),
        ("action", &p.action),
        ("actor", &p.actor),
    ] {
        if let Some(v) = v.as_ref().filter(|v| !v.is_empty()) {
            q.filter.push((k.to_string(), v.clone()));
        }
    }
    q
}

pub fn parse_date(field: &str, s: Option<&str>) -> Result<Option<Date>, AppError> {
    match s.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(v) => Date::parse(v, time::macros::format_description!("[year]-[month]-[day]"))
            .map(Some)
            .map_err(|_| AppError::invalid(field, "expected a date YYYY-MM-DD")),
    }
}

pub fn org_draft(i: &OrgInput) -> Result<OrgDraft, AppError> {
    Ok(OrgDraft {
        code: i.code.clone(),
        name_zh: i.name_zh.clone(),
        name_en: i.name_en.clone().unwrap_or_default(),
        tier: OrgTier::parse(&i.tier)?,
        kind: OrgKind::parse(&i.kind)?,
        level: i
            .level
            .as_deref()
            .filter(|l| !l.is_empty())
            .map(ResponsibilityLevel::parse)
            .transpose()?,
        level_assigned_on: parse_date("level_assigned_on", i.level_assigned_on.as_deref())?,
        level_review_due: parse_date("level_review_due", i.level_review_due.as_deref())?,
        fiscal_tier: i.fiscal_tier,
    })
}

// ---- health, metrics

pub async fn healthz() -> impl IntoResponse {
    axum::Json(serde_json::json!({"status": "ok"}))
}

pub async fn readyz(State(st): State<AppState>) -> Response {
    match st.app.store.ping().await {
        Ok(()) => axum::Json(
            serde_json::json!({"status": "ready", "database": st.app.store.backend().as_str()}),
        )
        .into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "readiness check failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                axum::Json(serde_json::json!({"status": "unavailable"})),
            )
                .into_response()
        }
    }
}

pub async fn metrics(State(st): State<AppState>) -> Response {
    let up = st.app.store.ping().await.is_ok();
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        st.metrics.render(up),
    )
        .into_response()
}

// ---- session

pub async fn session_login(
    State(st): State<AppState>,
    ctx: Ctx,
    ApiJson(b): ApiJson<LoginInput>,
) -> ApiResult<Response> {
    let out = st.app.login(&b.username, &b.password, &ctx.meta).await;
    let out = match out {
        Ok(o) => {
            st.metrics
                .logins_ok
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            o
        }
        Err(e) => {
            st.metrics
                .logins_failed
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            return Err(e.into());
        }
    };
    let cookie = session_cookie(&st, &out.session_token);
    Ok((
        [(header::SET_COOKIE, cookie)],
        axum::Json(LoginOutput {
            mfa_required: out.needs_mfa,
            csrf_token: out.csrf_token,
        }),
    )
        .into_response())
}

pub fn session_cookie(st: &AppState, token: &str) -> String {
    format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict{}",
        if st.web.cookie_secure { "; Secure" } else { "" }
    )
}

pub fn clear_session_cookie(st: &AppState) -> String {
    format!(
        "{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0{}",
        if st.web.cookie_secure { "; Secure" } else { "" }
    )
}

pub async fn session_mfa(
    State(st): State<AppState>,
    ctx: Ctx,
    parts: axum::http::HeaderMap,
    ApiJson(b): ApiJson<MfaInput>,
) -> ApiResult<StatusCode> {
    let raw = parts
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|kv| {
            kv.trim()
                .strip_prefix(&format!("{SESSION_COOKIE}="))
                .map(str::to_string)
        })
        .ok_or(ApiError(AppError::Unauthenticated))?;
    let (p, s) = st.app.authenticate_session(&raw, &ctx.meta).await?;
    let csrf = parts
        .get(crate::extract::CSRF_HEADER)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if !crate::extract::constant_eq(csrf, &s.csrf_token) {
        return Err(ApiError(AppError::Forbidden));
    }
    st.app
        .verify_mfa(&s, &p.user.id, &b.code, &ctx.meta)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn session_logout(State(st): State<AppState>, c: ApiCaller) -> ApiResult<Response> {
    if let Some(s) = &c.session {
        st.app.logout(s, &c.p).await?;
    }
    Ok((
        [(header::SET_COOKIE, clear_session_cookie(&st))],
        StatusCode::NO_CONTENT,
    )
        .into_response())
}

pub async fn sessions_logout_all(State(st): State<AppState>, c: ApiCaller) -> ApiResult<Response> {
    let n = st.app.logout_everywhere(&c.p).await?;
    Ok((
        [(header::SET_COOKIE, clear_session_cookie(&st))],
        axum::Json(serde_json::json!({"sessions_ended": n})),
    )
        .into_response())
}

// ---- me

pub async fn me(State(st): State<AppState>, c: ApiCaller) -> ApiResult<ApiJson<MeOut>> {
    let _ = &st;
    Ok(ApiJson(MeOut::from_principal(&c.p)))
}

pub async fn me_locale(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiJson(b): ApiJson<LocaleInput>,
) -> ApiResult<StatusCode> {
    st.app.set_locale(&c.p, &b.locale).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn me_password(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiJson(b): ApiJson<PasswordChangeInput>,
) -> ApiResult<StatusCode> {
    if c.p.token.is_some() {
        return Err(ApiError(AppError::Forbidden));
    }
    st.app
        .change_password(&c.p, &b.current_password, &b.new_password)
        .await?;
    Ok(StatusCode::NO_CONTENT)
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

// ---- organisations

pub async fn orgs_list(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiQuery(q): ApiQuery<ListParams>,
) -> ApiResult<ApiJson<PageOut<OrgOut>>> {
    let page = st.app.list_orgs(&c.p, &list_query(&q)).await?;
    Ok(ApiJson(PageOut::map(page, OrgOut::from)))
}

pub async fn orgs_create(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiJson(b): ApiJson<OrgCreateInput>,
) -> ApiResult<(StatusCode, ApiJson<OrgOut>)> {
    let o = st
        .app
        .create_org(&c.p, &b.parent_id, org_draft(&b.org())?)
        .await?;
    Ok((StatusCode::CREATED, ApiJson(OrgOut::from(o))))
}

pub async fn orgs_get(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<ApiJson<OrgOut>> {
    Ok(ApiJson(OrgOut::from(st.app.get_org(&c.p, &id).await?)))
}

pub async fn orgs_update(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<String>,
    ApiJson(b): ApiJson<OrgInput>,
) -> ApiResult<ApiJson<OrgOut>> {
    Ok(ApiJson(OrgOut::from(
        st.app.update_org(&c.p, &id, org_draft(&b)?).await?,
    )))
}

pub async fn orgs_move(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<String>,
    ApiJson(b): ApiJson<MoveInput>,
) -> ApiResult<ApiJson<OrgOut>> {
    Ok(ApiJson(OrgOut::from(
        st.app.move_org(&c.p, &id, &b.parent_id).await?,
    )))
}

pub async fn orgs_archive(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<ApiJson<OrgOut>> {
    Ok(ApiJson(OrgOut::from(
        st.app.set_org_active(&c.p, &id, false).await?,
    )))
}

pub async fn orgs_restore(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<ApiJson<OrgOut>> {
    Ok(ApiJson(OrgOut::from(
        st.app.set_org_active(&c.p, &id, true).await?,
    )))
}

pub async fn orgs_history(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<ApiJson<Vec<HistoryOut>>> {
    let h = st.app.org_history(&c.p, &id).await?;
    Ok(ApiJson(h.into_iter().map(HistoryOut::from).collect()))
}

// ---- users and roles

pub async fn users_list(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiQuery(q): ApiQuery<ListParams>,
) -> ApiResult<ApiJson<PageOut<UserOut>>> {
    let page = st.app.list_users(&c.p, &list_query(&q)).await?;
    Ok(ApiJson(PageOut::map(page, UserOut::from)))
}

pub async fn users_create(
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
                home_org_id: b.home_org_id,
                password: b.password,
                locale: b.locale,
            },
        )
        .await?;
    Ok((StatusCode::CREATED, ApiJson(UserOut::from(u))))
}

pub async fn users_get(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<ApiJson<UserOut>> {
    Ok(ApiJson(UserOut::from(st.app.get_user(&c.p, &id).await?)))
}

pub async fn users_update(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<String>,
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

pub async fn users_reset_password(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<String>,
    ApiJson(b): ApiJson<PasswordResetInput>,
) -> ApiResult<StatusCode> {
    st.app
        .reset_password(&c.p, &id, &b.temporary_password)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn users_roles(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<ApiJson<Vec<AssignmentOut>>> {
    let v = st.app.list_assignments(&c.p, &id).await?;
    Ok(ApiJson(v.into_iter().map(AssignmentOut::from).collect()))
}

pub async fn users_grant(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<String>,
    ApiJson(b): ApiJson<GrantInput>,
) -> ApiResult<(StatusCode, ApiJson<AssignmentOut>)> {
    let role = Role::parse(&b.role).map_err(AppError::from)?;
    let a = st.app.grant_role(&c.p, &id, &b.org_id, role).await?;
    Ok((StatusCode::CREATED, ApiJson(AssignmentOut::from(a))))
}

pub async fn roles_revoke(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<StatusCode> {
    st.app.revoke_role(&c.p, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---- deputies

pub async fn deputies_list(
    State(st): State<AppState>,
    c: ApiCaller,
) -> ApiResult<ApiJson<Vec<DeputyOut>>> {
    let now = st.app.now();
    let v = st.app.list_deputies(&c.p).await?;
    Ok(ApiJson(
        v.into_iter().map(|d| DeputyOut::new(d, now)).collect(),
    ))
}

pub async fn deputies_create(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiJson(b): ApiJson<DeputyInput>,
) -> ApiResult<(StatusCode, ApiJson<DeputyOut>)> {
    let role = Role::parse(&b.role).map_err(AppError::from)?;
    let starts = parse_time("starts_at", &b.starts_at)?;
    let ends = parse_time("ends_at", &b.ends_at)?;
    let d = st
        .app
        .create_deputy(
            &c.p,
            &b.principal_user_id,
            &b.deputy_user_id,
            &b.org_id,
            role,
            starts,
            ends,
            &b.reason,
        )
        .await?;
    Ok((
        StatusCode::CREATED,
        ApiJson(DeputyOut::new(d, st.app.now())),
    ))
}

pub async fn deputies_revoke(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<StatusCode> {
    st.app.revoke_deputy(&c.p, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// RFC 3339 timestamp, or a date (midnight Asia/Taipei).
pub fn parse_time(field: &str, s: &str) -> Result<i64, AppError> {
    let s = s.trim();
    if let Ok(t) = OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339) {
        return Ok(t.unix_timestamp());
    }
    match parse_date(field, Some(s))? {
        Some(d) => Ok(d
            .midnight()
            .assume_offset(time::UtcOffset::from_hms(8, 0, 0).unwrap_or(time::UtcOffset::UTC))
            .unix_timestamp()),
        None => Err(AppError::invalid(field, "required")),
    }
}

// ---- tokens

pub async fn tokens_list(
    State(st): State<AppState>,
    c: ApiCaller,
) -> ApiResult<ApiJson<Vec<TokenOut>>> {
    let v = st.app.list_tokens(&c.p).await?;
    Ok(ApiJson(v.into_iter().map(TokenOut::from).collect()))
}

pub async fn tokens_create(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiJson(b): ApiJson<TokenInput>,
) -> ApiResult<(StatusCode, ApiJson<NewTokenOut>)> {
    let perms = b
        .permissions
        .iter()
        .map(|p| Permission::parse(p))
        .collect::<Result<Vec<_>, _>>()
        .map_err(AppError::from)?;
    let t = st
        .app
        .create_token(&c.p, &b.name, &b.org_id, &perms, b.expires_days)
        .await?;
    Ok((
        StatusCode::CREATED,
        ApiJson(NewTokenOut {
            token: TokenOut::from(t.token),
            secret: t.secret,
        }),
    ))
}

pub async fn tokens_revoke(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<StatusCode> {
    st.app.revoke_token(&c.p, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---- audit, shares

pub async fn audit_list(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiQuery(q): ApiQuery<ListParams>,
) -> ApiResult<ApiJson<PageOut<AuditOut>>> {
    let page = st.app.list_audit(&c.p, &list_query(&q)).await?;
    Ok(ApiJson(PageOut::map(page, AuditOut::from)))
}

pub async fn shared_list(
    State(st): State<AppState>,
    c: ApiCaller,
) -> ApiResult<ApiJson<Vec<ShareOut>>> {
    let v = st.app.shared_with_me(&c.p).await?;
    Ok(ApiJson(v.into_iter().map(ShareOut::from).collect()))
}
