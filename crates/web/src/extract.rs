//! Extractors: who is calling (API token or session), in which language,
//! from where; and the CSRF checks.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{Method, header};
use zian_app::auth::SessionInfo;
use zian_app::{AppError, Principal, RequestMeta};

use crate::error::{ApiError, PageError};
use crate::i18n::Lang;
use crate::state::AppState;

pub const SESSION_COOKIE: &str = "zian_session";
pub const LANG_COOKIE: &str = "zian_lang";
pub const PRE_CSRF_COOKIE: &str = "zian_precsrf";
pub const CSRF_HEADER: &str = "x-csrf-token";

/// Reads one cookie from the request.
pub fn cookie<'a>(parts: &'a Parts, name: &str) -> Option<&'a str> {
    parts
        .headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|kv| {
            let (k, v) = kv.trim().split_once('=')?;
            (k == name).then_some(v)
        })
}

pub fn meta_of(parts: &Parts) -> RequestMeta {
    RequestMeta {
        ip: parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip().to_string()),
        user_agent: parts
            .headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(|s| s.chars().take(200).collect()),
    }
}

/// The language for anonymous requests: cookie, then Accept-Language, then
/// Traditional Chinese.
pub fn anon_lang(parts: &Parts) -> Lang {
    cookie(parts, LANG_COOKIE)
        .and_then(Lang::parse)
        .or_else(|| {
            parts
                .headers
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(Lang::from_accept)
        })
        .unwrap_or(Lang::ZhTw)
}

/// Anonymous request context.
#[derive(Debug, Clone)]
pub struct Ctx {
    pub lang: Lang,
    pub meta: RequestMeta,
}

impl FromRequestParts<AppState> for Ctx {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Self, Self::Rejection> {
        Ok(Ctx {
            lang: anon_lang(parts),
            meta: meta_of(parts),
        })
    }
}

fn user_lang(p: &Principal) -> Lang {
    let l = Lang::parse(&p.user.locale).unwrap_or(Lang::ZhTw);
    crate::error::set_lang(l);
    l
}

/// An authenticated API caller: a bearer token, or a complete browser session
/// (MFA passed, no pending password change) whose unsafe requests carry the
/// session's CSRF token in `X-CSRF-Token`.
pub struct ApiCaller {
    pub p: Principal,
    pub session: Option<SessionInfo>,
    pub lang: Lang,
}

impl FromRequestParts<AppState> for ApiCaller {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, st: &AppState) -> Result<Self, Self::Rejection> {
        let meta = meta_of(parts);
        if let Some(auth) = parts.headers.get(header::AUTHORIZATION) {
            let v = auth
                .to_str()
                .map_err(|_| ApiError(AppError::Unauthenticated))?;
            let token = v
                .strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
                .ok_or(ApiError(AppError::Unauthenticated))?;
            let p = st.app.authenticate_token(token, &meta).await?;
            let lang = user_lang(&p);
            return Ok(ApiCaller {
                p,
                session: None,
                lang,
            });
        }
        let raw = cookie(parts, SESSION_COOKIE).ok_or(ApiError(AppError::Unauthenticated))?;
        let (p, s) = st.app.authenticate_session(raw, &meta).await?;
        if !s.mfa_passed || s.must_change_password || s.must_enrol_mfa {
            return Err(ApiError(AppError::Forbidden));
        }
        if !matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS) {
            let sent = parts
                .headers
                .get(CSRF_HEADER)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            if !constant_eq(sent, &s.csrf_token) {
                return Err(ApiError(AppError::Forbidden));
            }
        }
        let lang = user_lang(&p);
        Ok(ApiCaller {
            p,
            session: Some(s),
            lang,
        })
    }
}

/// A logged-in page visitor. Sends people where they must go first: the TOTP
/// step, a required password change, a required MFA enrolment.
pub struct PageCaller {
    pub p: Principal,
    pub session: SessionInfo,
    pub lang: Lang,
    pub path: String,
}

impl PageCaller {
    /// Checks a form's CSRF token against the session's.
    pub fn check_csrf(&self, sent: &str) -> Result<(), PageError> {
        if constant_eq(sent, &self.session.csrf_token) {
            Ok(())
        } else {
            Err(PageError::App(AppError::Forbidden))
        }
    }
}

impl FromRequestParts<AppState> for PageCaller {
    type Rejection = PageError;
    async fn from_request_parts(parts: &mut Parts, st: &AppState) -> Result<Self, Self::Rejection> {
        let meta = meta_of(parts);
        let path = parts.uri.path().to_string();
        let Some(raw) = cookie(parts, SESSION_COOKIE) else {
            return Err(PageError::Redirect(login_redirect(parts)));
        };
        let (p, s) = match st.app.authenticate_session(raw, &meta).await {
            Ok(v) => v,
            Err(AppError::SessionExpired) => {
                return Err(PageError::Redirect("/login?expired=1".into()));
            }
            Err(AppError::Unauthenticated) => {
                return Err(PageError::Redirect(login_redirect(parts)));
            }
            Err(e) => return Err(PageError::App(e)),
        };
        let exempt =
            |prefix: &str| path.starts_with(prefix) || path == "/logout" || path == "/lang";
        if !s.mfa_passed {
            return Err(PageError::Redirect("/login/mfa".into()));
        }
        if s.must_change_password && !exempt("/account/password") {
            return Err(PageError::Redirect("/account/password".into()));
        }
        if !s.must_change_password && s.must_enrol_mfa && !exempt("/account/mfa") {
            return Err(PageError::Redirect("/account/mfa".into()));
        }
        let lang = user_lang(&p);
        Ok(PageCaller {
            p,
            session: s,
            lang,
            path,
        })
    }
}

fn login_redirect(parts: &Parts) -> String {
    let path = parts.uri.path_and_query().map_or("/", |p| p.as_str());
    if parts.method == Method::GET
        && path != "/"
        && path.starts_with('/')
        && !path.starts_with("//")
    {
        format!("/login?next={}", url_encode(path))
    } else {
        "/login".into()
    }
}

pub fn url_encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// Compares secrets in time independent of where they differ.
pub fn constant_eq(a: &str, b: &str) -> bool {
    if a.len() != b.len() || a.is_empty() {
        return false;
    }
    a.bytes()
        .zip(b.bytes())
        .fold(0u8, |acc, (x, y)| acc | (x ^ y))
        == 0
}

/// Only local paths are accepted as `next` targets (no open redirects).
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && !n.contains('\\')
                && !n.starts_with("/login") =>
        {
            n.to_string()
        }
        _ => "/".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_targets_are_local_only() {
        assert_eq!(safe_next(Some("/orgs?x=1")), "/orgs?x=1");
        assert_eq!(safe_next(Some("//evil.example")), "/");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(Some("/\\evil")), "/");
        assert_eq!(safe_next(None), "/");
    }

    #[test]
    fn constant_eq_works() {
        assert!(constant_eq("abc", "abc"));
        assert!(!constant_eq("abc", "abd"));
        assert!(!constant_eq("", ""));
        assert!(!constant_eq("ab", "abc"));
    }
}
