//! Login, second factor, language switch and logout pages.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::request::Parts;
use serde::Deserialize;
use zian_app::AppError;
use zian_app::system::random_token;
use zian_i18n::msg;

use crate::cookies::{self, SESSION_COOKIE, cookie};
use crate::error::{PageError, PageResult, message};
use crate::extract::{Ctx, NoFields, PageForm, constant_eq, safe_next};
use crate::layout::{render, see_other};
use crate::state::AppState;
use zian_i18n::{Lang, catalogue};

#[derive(Template)]
#[template(path = "login.html")]
pub struct LoginPage {
    pub lang: Lang,
    pub csrf: String,
    pub next: String,
    pub error: Option<String>,
    pub info: Option<String>,
    pub username: String,
    /// Running as `zian demo` (see [`crate::WebConfig::demo`]).
    pub demo: bool,
    /// The single sign-on button's label, when OpenID Connect is on.
    pub sso: Option<String>,
}

/// The label of the single sign-on button, when OpenID Connect is
/// configured (the configuration's wording, or the catalogue's).
fn sso_label(st: &AppState, lang: Lang) -> Option<String> {
    st.app
        .oidc_button(lang.code())
        .map(|l| l.unwrap_or_else(|| catalogue().t(lang, "oidc.button").to_string()))
}

impl LoginPage {
    pub fn t(&self, key: &str) -> String {
        catalogue().t(self.lang, key).to_string()
    }
    pub fn lang_code(&self) -> &'static str {
        self.lang.code()
    }
}

#[derive(Deserialize)]
pub struct LoginQuery {
    next: Option<String>,
    expired: Option<String>,
    out: Option<String>,
    /// An OpenID Connect sign-in failed (a failure code).
    sso: Option<String>,
}

pub async fn login_form(
    State(st): State<AppState>,
    ctx: Ctx,
    parts: Parts,
    Query(q): Query<LoginQuery>,
) -> PageResult {
    let csrf = cookies::pre_csrf_of(&parts).unwrap_or_else(|| random_token(20));
    let info = if q.expired.is_some() {
        Some(catalogue().t(ctx.lang, "login.expired").to_string())
    } else if q.out.is_some() {
        Some(catalogue().t(ctx.lang, "login.logged_out").to_string())
    } else {
        None
    };
    let error = q
        .sso
        .as_deref()
        .and_then(zian_app::directory::oidc::OidcFailure::from_code)
        .map(|f| {
            catalogue()
                .t(ctx.lang, &format!("oidc.error.{}", f.code()))
                .to_string()
        });
    let page = LoginPage {
        lang: ctx.lang,
        csrf: csrf.clone(),
        next: safe_next(q.next.as_deref()),
        error,
        info,
        username: String::new(),
        demo: st.web.demo,
        sso: sso_label(&st, ctx.lang),
    };
    Ok(cookies::set(render(&page)?, &cookies::pre_csrf(&st, &csrf)))
}

#[derive(Deserialize)]
pub struct LoginForm {
    username: String,
    password: String,
    #[serde(rename = "_csrf")]
    csrf: String,
    next: Option<String>,
}

pub async fn login_submit(
    State(st): State<AppState>,
    ctx: Ctx,
    parts: Parts,
    form: Result<Form<LoginForm>, axum::extract::rejection::FormRejection>,
) -> PageResult {
    let Form(f) = form?;
    let expected = cookies::pre_csrf_of(&parts).unwrap_or_default();
    if !constant_eq(&f.csrf, &expected) {
        return Err(PageError::App(AppError::Forbidden));
    }
    match st.app.login(&f.username, &f.password, &ctx.meta).await {
        Ok(out) => {
            st.metrics
                .logins_ok
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let to = if out.needs_mfa {
                "/login/mfa".to_string()
            } else {
                safe_next(f.next.as_deref())
            };
            let resp = cookies::set(see_other(&to), &cookies::session(&st, &out.session_token));
            Ok(cookies::set(resp, &cookies::lang(&out.locale)))
        }
        Err(e) => {
            st.metrics
                .logins_failed
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            if matches!(e, AppError::Internal(_)) {
                return Err(e.into());
            }
            let page = LoginPage {
                lang: ctx.lang,
                csrf: expected,
                next: safe_next(f.next.as_deref()),
                error: Some(message(&e, ctx.lang)),
                info: None,
                username: f.username.chars().take(64).collect(),
                demo: st.web.demo,
                sso: sso_label(&st, ctx.lang),
            };
            let mut resp = render(&page)?;
            *resp.status_mut() = crate::error::status_of(&e);
            Ok(resp)
        }
    }
}

#[derive(Template)]
#[template(path = "mfa.html")]
pub struct MfaPage {
    pub lang: Lang,
    pub csrf: String,
    pub error: Option<String>,
}

impl MfaPage {
    pub fn t(&self, key: &str) -> String {
        catalogue().t(self.lang, key).to_string()
    }
    pub fn lang_code(&self) -> &'static str {
        self.lang.code()
    }
}

async fn pending_session(
    st: &AppState,
    ctx: &Ctx,
    parts: &Parts,
) -> Result<(zian_app::Principal, zian_app::auth::SessionInfo), PageError> {
    let raw = cookie(parts, SESSION_COOKIE).ok_or(PageError::Redirect("/login".into()))?;
    match st.app.authenticate_session(raw, &ctx.meta).await {
        Ok(v) => Ok(v),
        Err(AppError::SessionExpired) => Err(PageError::Redirect("/login?expired=1".into())),
        Err(_) => Err(PageError::Redirect("/login".into())),
    }
}

pub async fn mfa_form(State(st): State<AppState>, ctx: Ctx, parts: Parts) -> PageResult {
    let (_, s) = pending_session(&st, &ctx, &parts).await?;
    if s.mfa_passed {
        return Ok(see_other("/"));
    }
    render(&MfaPage {
        lang: ctx.lang,
        csrf: s.csrf_token,
        error: None,
    })
}

#[derive(Deserialize)]
pub struct MfaForm {
    code: String,
    #[serde(rename = "_csrf")]
    csrf: String,
}

pub async fn mfa_submit(
    State(st): State<AppState>,
    ctx: Ctx,
    parts: Parts,
    form: Result<Form<MfaForm>, axum::extract::rejection::FormRejection>,
) -> PageResult {
    let Form(f) = form?;
    let (p, s) = pending_session(&st, &ctx, &parts).await?;
    if !constant_eq(&f.csrf, &s.csrf_token) {
        return Err(PageError::App(AppError::Forbidden));
    }
    match st.app.verify_mfa(&s, &p.user.id, &f.code, &ctx.meta).await {
        Ok(()) => Ok(see_other("/")),
        Err(e @ (AppError::InvalidCode | AppError::Locked { .. })) => {
            let mut resp = render(&MfaPage {
                lang: ctx.lang,
                csrf: s.csrf_token,
                error: Some(message(&e, ctx.lang)),
            })?;
            *resp.status_mut() = crate::error::status_of(&e);
            Ok(resp)
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct LangForm {
    lang: String,
    back: Option<String>,
}

/// Switches the language: a cookie for everyone, and the stored preference
/// for a logged-in user. Harmless without CSRF protection beyond SameSite and
/// the origin check: it only changes the display language.
pub async fn switch_lang(
    State(st): State<AppState>,
    ctx: Ctx,
    parts: Parts,
    form: Result<Form<LangForm>, axum::extract::rejection::FormRejection>,
) -> PageResult {
    let Form(f) = form?;
    let lang = Lang::parse(&f.lang).ok_or_else(|| {
        PageError::App(AppError::invalid(
            "lang",
            msg!("reason.one_of", values = "zh-TW, en"),
        ))
    })?;
    if let Some(raw) = cookie(&parts, SESSION_COOKIE)
        && let Ok((p, _)) = st.app.authenticate_session(raw, &ctx.meta).await
    {
        st.app.set_locale(&p, lang.code()).await?;
    }
    let mut resp = see_other(&safe_next(f.back.as_deref()).replace("/login/mfa", "/"));
    if f.back.as_deref().is_some_and(|b| b.starts_with("/login")) {
        resp = see_other("/login");
    }
    Ok(cookies::set(resp, &cookies::lang(lang.code())))
}

pub async fn logout(State(st): State<AppState>, f: PageForm<NoFields>) -> PageResult {
    st.app.logout(&f.pc.session, &f.pc.p).await?;
    Ok(cookies::set(
        see_other("/login?out=1"),
        &cookies::clear_session(&st),
    ))
}

pub async fn logout_all(State(st): State<AppState>, f: PageForm<NoFields>) -> PageResult {
    st.app.logout_everywhere(&f.pc.p).await?;
    Ok(cookies::set(
        see_other("/login?out=1"),
        &cookies::clear_session(&st),
    ))
}
