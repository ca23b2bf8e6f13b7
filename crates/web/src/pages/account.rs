//! My account: password, MFA, API tokens; and the audit trail view.

use askama::Template;
use axum::Form;
use axum::extract::rejection::FormRejection;
use axum::extract::{Query, State};
use serde::Deserialize;
use zian_app::AppError;
use zian_domain::audit::AuditEntry;
use zian_domain::{ApiToken, Organisation, Permission};
use zian_storage::{ListQuery, Page};

use super::auth::CsrfForm;
use super::dashboard::FlashQuery;
use super::{PageCtx, PagePath, PageResult, ctx, render, see_other};
use crate::error::message;
use crate::extract::PageCaller;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "account.html")]
pub struct AccountPage {
    pub ctx: PageCtx,
    pub mfa_on: bool,
    pub codes_left: i64,
    pub expires_on: String,
}

pub async fn account(
    State(st): State<AppState>,
    pc: PageCaller,
    Query(fq): Query<FlashQuery>,
) -> PageResult {
    let c = ctx(
        &st.app,
        &pc,
        "account.title",
        "account",
        fq.flash().as_deref(),
    )
    .await?;
    let max = st.app.cfg.password.max_age_days;
    let expires_on = if max > 0 {
        super::fmt_time(pc.p.user.password_changed_at + max * 86_400)
    } else {
        "—".into()
    };
    render(&AccountPage {
        ctx: c,
        mfa_on: pc.p.user.totp_enabled,
        codes_left: st.app.recovery_codes_left(&pc.p).await?,
        expires_on,
    })
}

#[derive(Template)]
#[template(path = "password.html")]
pub struct PasswordPage {
    pub ctx: PageCtx,
    pub error: Option<String>,
    pub forced: bool,
    pub policy_min: usize,
    pub policy_classes: usize,
    pub policy_days: i64,
}

async fn password_page(
    st: &AppState,
    pc: &PageCaller,
    error: Option<String>,
) -> Result<PasswordPage, crate::error::PageError> {
    Ok(PasswordPage {
        ctx: ctx(&st.app, pc, "password.title", "account", None).await?,
        error,
        forced: pc.session.must_change_password,
        policy_min: st.app.cfg.password.min_length,
        policy_classes: st.app.cfg.password.min_classes,
        policy_days: st.app.cfg.password.max_age_days,
    })
}

pub async fn password_form(State(st): State<AppState>, pc: PageCaller) -> PageResult {
    render(&password_page(&st, &pc, None).await?)
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(rename = "_csrf")]
    csrf: String,
    current_password: String,
    new_password: String,
    confirm_password: String,
}

pub async fn password_submit(
    State(st): State<AppState>,
    pc: PageCaller,
    form: Result<Form<PasswordForm>, FormRejection>,
) -> PageResult {
    let Form(f) = form?;
    pc.check_csrf(&f.csrf)?;
    let result = if f.new_password == f.confirm_password {
        st.app
            .change_password(&pc.p, &f.current_password, &f.new_password)
            .await
    } else {
        Err(AppError::invalid(
            "confirm_password",
            "the two new passwords differ",
        ))
    };
    match result {
        Ok(()) => Ok(see_other("/account?ok=password_changed")),
        Err(
            e @ (AppError::Validation { .. }
            | AppError::PasswordPolicy(_)
            | AppError::InvalidCredentials),
        ) => {
            let mut r = render(&password_page(&st, &pc, Some(message(&e, pc.lang))).await?)?;
            *r.status_mut() = crate::error::status_of(&e);
            Ok(r)
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "mfa_settings.html")]
pub struct MfaPage {
    pub ctx: PageCtx,
    pub enabled: bool,
    pub required: bool,
    pub setup: Option<zian_app::auth::TotpSetup>,
    pub codes: Vec<String>,
    pub error: Option<String>,
}

pub async fn mfa(
    State(st): State<AppState>,
    pc: PageCaller,
    Query(fq): Query<FlashQuery>,
) -> PageResult {
    let c = ctx(
        &st.app,
        &pc,
        "mfa.settings",
        "account",
        fq.flash().as_deref(),
    )
    .await?;
    render(&MfaPage {
        ctx: c,
        enabled: pc.p.user.totp_enabled,
        required: pc.session.must_enrol_mfa || st.app.mfa_required_for(&pc.p.roles()),
        setup: None,
        codes: Vec::new(),
        error: None,
    })
}

pub async fn mfa_begin(
    State(st): State<AppState>,
    pc: PageCaller,
    form: Result<Form<CsrfForm>, FormRejection>,
) -> PageResult {
    let Form(f) = form?;
    pc.check_csrf(&f.csrf)?;
    if pc.p.user.totp_enabled {
        return Ok(see_other("/account/mfa"));
    }
    let setup = st.app.begin_totp(&pc.p).await?;
    let c = ctx(&st.app, &pc, "mfa.settings", "account", None).await?;
    render(&MfaPage {
        ctx: c,
        enabled: false,
        required: pc.session.must_enrol_mfa,
        setup: Some(setup),
        codes: Vec::new(),
        error: None,
    })
}

#[derive(Deserialize)]
pub struct CodeForm {
    #[serde(rename = "_csrf")]
    csrf: String,
    code: String,
}

pub async fn mfa_confirm(
    State(st): State<AppState>,
    pc: PageCaller,
    form: Result<Form<CodeForm>, FormRejection>,
) -> PageResult {
    let Form(f) = form?;
    pc.check_csrf(&f.csrf)?;
    match st.app.confirm_totp(&pc.p, &f.code).await {
        Ok(codes) => {
            let c = ctx(
                &st.app,
                &pc,
                "mfa.settings",
                "account",
                Some("ok:mfa_enabled"),
            )
            .await?;
            render(&MfaPage {
                ctx: c,
                enabled: true,
                required: false,
                setup: None,
                codes,
                error: None,
            })
        }
        Err(e @ AppError::InvalidCode) => {
            let c = ctx(&st.app, &pc, "mfa.settings", "account", None).await?;
            let mut r = render(&MfaPage {
                ctx: c,
                enabled: false,
                required: pc.session.must_enrol_mfa,
                setup: None,
                codes: Vec::new(),
                error: Some(message(&e, pc.lang)),
            })?;
            *r.status_mut() = crate::error::status_of(&e);
            Ok(r)
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct DisableForm {
    #[serde(rename = "_csrf")]
    csrf: String,
    password: String,
}

pub async fn mfa_disable(
    State(st): State<AppState>,
    pc: PageCaller,
    form: Result<Form<DisableForm>, FormRejection>,
) -> PageResult {
    let Form(f) = form?;
    pc.check_csrf(&f.csrf)?;
    match st.app.disable_totp(&pc.p, &f.password).await {
        Ok(()) => Ok(see_other("/account/mfa?ok=mfa_disabled")),
        Err(AppError::InvalidCredentials) => Ok(see_other("/account/mfa?err=wrong_password")),
        Err(AppError::Forbidden) => Ok(see_other("/account/mfa?err=mfa_required")),
        Err(e) => Err(e.into()),
    }
}

pub async fn mfa_recovery(
    State(st): State<AppState>,
    pc: PageCaller,
    form: Result<Form<CsrfForm>, FormRejection>,
) -> PageResult {
    let Form(f) = form?;
    pc.check_csrf(&f.csrf)?;
    if !pc.p.user.totp_enabled {
        return Ok(see_other("/account/mfa"));
    }
    let codes = st.app.new_recovery_codes(&pc.p).await?;
    let c = ctx(&st.app, &pc, "mfa.settings", "account", None).await?;
    render(&MfaPage {
        ctx: c,
        enabled: true,
        required: false,
        setup: None,
        codes,
        error: None,
    })
}

#[derive(Template)]
#[template(path = "tokens.html")]
pub struct TokensPage {
    pub ctx: PageCtx,
    pub tokens: Vec<ApiToken>,
    pub orgs: Vec<Organisation>,
    pub perms: Vec<&'static str>,
    pub secret: Option<String>,
    pub error: Option<String>,
}

async fn tokens_page(
    st: &AppState,
    pc: &PageCaller,
    flash: Option<&str>,
    secret: Option<String>,
    error: Option<String>,
) -> Result<TokensPage, crate::error::PageError> {
    let perms = Permission::ALL
        .iter()
        .filter(|p| !pc.p.scope(**p).is_empty())
        .map(|p| p.as_str())
        .collect();
    Ok(TokensPage {
        ctx: ctx(&st.app, pc, "tokens.title", "tokens", flash).await?,
        tokens: st.app.list_tokens(&pc.p).await?,
        orgs: st
            .app
            .org_tree(&pc.p)
            .await?
            .into_iter()
            .filter(|o| o.active)
            .collect(),
        perms,
        secret,
        error,
    })
}

pub async fn tokens(
    State(st): State<AppState>,
    pc: PageCaller,
    Query(fq): Query<FlashQuery>,
) -> PageResult {
    render(&tokens_page(&st, &pc, fq.flash().as_deref(), None, None).await?)
}

pub async fn token_create(
    State(st): State<AppState>,
    pc: PageCaller,
    body: Result<String, axum::extract::rejection::StringRejection>,
) -> PageResult {
    let body = body?;
    // permissions arrive as repeated fields, which serde_urlencoded maps poorly
    let mut csrf = String::new();
    let mut name = String::new();
    let mut org_id = String::new();
    let mut perms = Vec::new();
    let mut days = None;
    for (k, v) in url_pairs(&body) {
        match k.as_str() {
            "_csrf" => csrf = v,
            "name" => name = v,
            "org_id" => org_id = v,
            "permission" => perms.push(v),
            "expires_days" if !v.is_empty() => {
                days = Some(
                    v.parse::<i64>()
                        .map_err(|_| AppError::invalid("expires_days", "a number of days"))?,
                )
            }
            _ => {}
        }
    }
    pc.check_csrf(&csrf)?;
    let perms: Vec<Permission> = perms
        .iter()
        .map(|p| Permission::parse(p))
        .collect::<Result<_, _>>()
        .map_err(AppError::from)?;
    match st
        .app
        .create_token(&pc.p, &name, &org_id, &perms, days)
        .await
    {
        Ok(t) => {
            render(&tokens_page(&st, &pc, Some("ok:token_created"), Some(t.secret), None).await?)
        }
        Err(e @ AppError::Validation { .. }) => {
            let mut r =
                render(&tokens_page(&st, &pc, None, None, Some(message(&e, pc.lang))).await?)?;
            *r.status_mut() = crate::error::status_of(&e);
            Ok(r)
        }
        Err(e) => Err(e.into()),
    }
}

/// Decodes an `application/x-www-form-urlencoded` body into pairs.
fn url_pairs(body: &str) -> Vec<(String, String)> {
    fn dec(s: &str) -> String {
        let bytes = s.as_bytes();
        let mut out = Vec::with_capacity(bytes.len());
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'+' => out.push(b' '),
                b'%' if i + 2 < bytes.len() => {
                    let h = std::str::from_utf8(&bytes[i + 1..i + 3])
                        .ok()
                        .and_then(|h| u8::from_str_radix(h, 16).ok());
                    match h {
                        Some(b) => {
                            out.push(b);
                            i += 2;
                        }
                        None => out.push(b'%'),
                    }
                }
                b => out.push(b),
            }
            i += 1;
        }
        String::from_utf8_lossy(&out).into_owned()
    }
    body.split('&')
        .filter(|kv| !kv.is_empty())
        .map(|kv| {
            let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
            (dec(k), dec(v))
        })
        .collect()
}

pub async fn token_revoke(
    State(st): State<AppState>,
    pc: PageCaller,
    PagePath(id): PagePath<String>,
    form: Result<Form<CsrfForm>, FormRejection>,
) -> PageResult {
    let Form(f) = form?;
    pc.check_csrf(&f.csrf)?;
    st.app.revoke_token(&pc.p, &id).await?;
    Ok(see_other("/tokens?ok=token_revoked"))
}

#[derive(Template)]
#[template(path = "audit.html")]
pub struct AuditPage {
    pub ctx: PageCtx,
    pub page: Page<AuditEntry>,
    pub action: String,
}

impl AuditPage {
    pub fn prev(&self) -> Option<i64> {
        (self.page.offset > 0).then(|| (self.page.offset - self.page.limit).max(0))
    }
    pub fn next(&self) -> Option<i64> {
        (self.page.offset + self.page.limit < self.page.total)
            .then_some(self.page.offset + self.page.limit)
    }
    pub fn action_name(&self, a: &str) -> String {
        let k = format!("audit_action.{a}");
        let t = self.ctx.t(&k);
        if t == k { a.to_string() } else { t }
    }
}

#[derive(Deserialize)]
pub struct AuditQ {
    action: Option<String>,
    offset: Option<i64>,
}

pub async fn audit(
    State(st): State<AppState>,
    pc: PageCaller,
    q: Result<Query<AuditQ>, axum::extract::rejection::QueryRejection>,
) -> PageResult {
    let Query(q) = q?;
    if pc.p.scope(Permission::AuditRead).is_empty() {
        return Err(AppError::Forbidden.into());
    }
    let c = ctx(&st.app, &pc, "audit.title", "audit", None).await?;
    let mut lq = ListQuery::new();
    lq.offset = q.offset.unwrap_or(0).max(0);
    if let Some(a) = q.action.as_ref().filter(|a| !a.is_empty()) {
        lq.filter.push(("action".into(), a.clone()));
    }
    let page = st.app.list_audit(&pc.p, &lq).await?;
    render(&AuditPage {
        ctx: c,
        page,
        action: q.action.unwrap_or_default(),
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn form_pairs_decode() {
        let v = super::url_pairs(
            "a=1&permission=org_read&permission=user_read&name=%E8%B3%87+x&bad=%zz&t=%",
        );
        assert_eq!(v[1], ("permission".into(), "org_read".into()));
        assert_eq!(v[2], ("permission".into(), "user_read".into()));
        assert_eq!(v[3], ("name".into(), "資 x".into()));
        assert_eq!(v[4], ("bad".into(), "%zz".into()));
        assert_eq!(v[5], ("t".into(), "%".into()));
    }
}
