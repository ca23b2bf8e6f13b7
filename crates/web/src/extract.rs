//! Extractors: who is calling (API token or session), in which language,
//! from where; request bodies, queries and paths with errors in our shapes;
//! and the page forms, whose session and CSRF token are checked here once,
//! before any handler runs.

use std::net::SocketAddr;

use axum::body::Bytes;
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{Method, header};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use zian_app::auth::SessionInfo;
use zian_app::{AppError, Principal, RequestMeta};
use zian_i18n::{Lang, Msg, msg};

use crate::cookies::{LANG_COOKIE, SESSION_COOKIE, cookie};
use crate::error::{ApiError, PageError, RequestLang};
use crate::state::AppState;

pub const CSRF_HEADER: &str = "x-csrf-token";
/// The name of the CSRF field of every page form.
pub const CSRF_FIELD: &str = "_csrf";

// ---- bodies, queries and paths

/// JSON body with errors mapped to our API error shape.
#[derive(FromRequest)]
#[from_request(via(axum::Json), rejection(ApiError))]
pub struct ApiJson<T>(pub T);

impl<T: serde::Serialize> IntoResponse for ApiJson<T> {
    fn into_response(self) -> Response {
        axum::Json(self.0).into_response()
    }
}

/// Query string with errors in the API's shape.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(ApiError))]
pub struct ApiQuery<T>(pub T);

/// Path parameters with errors in the API's shape.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(ApiError))]
pub struct ApiPath<T>(pub T);

/// Path parameters with errors rendered as an HTML page.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(PageError))]
pub struct PagePath<T>(pub T);

/// Query string with errors rendered as an HTML page.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(PageError))]
pub struct PageQuery<T>(pub T);

// ---- who and where from

/// The client's address as the `common` middleware settled it (the peer,
/// or the right-most untrusted `X-Forwarded-For` hop behind a trusted proxy;
/// see `auth.trusted_proxies`).
#[derive(Debug, Clone)]
pub struct ClientAddr(pub std::net::IpAddr);

impl ClientAddr {
    /// From the peer address and the forwarding header, under the
    /// deployment's trusted proxies.
    pub fn of(parts: &Parts, cfg: &zian_app::AuthConfig) -> Option<ClientAddr> {
        let peer = parts.extensions.get::<ConnectInfo<SocketAddr>>()?.0.ip();
        let forwarded: Vec<&str> = parts
            .headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect();
        Some(ClientAddr(cfg.client_ip(peer, &forwarded)))
    }
}

pub fn meta_of(parts: &Parts) -> RequestMeta {
    RequestMeta {
        ip: parts
            .extensions
            .get::<ClientAddr>()
            .map(|c| c.0.to_string())
            .or_else(|| {
                parts
                    .extensions
                    .get::<ConnectInfo<SocketAddr>>()
                    .map(|c| c.0.ip().to_string())
            }),
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
            lang: request_lang(parts),
            meta: meta_of(parts),
        })
    }
}

/// The language of a request (see [`RequestLang`]); without the
/// middleware (in unit tests) the cookie or Accept-Language.
pub fn request_lang(parts: &Parts) -> Lang {
    parts
        .extensions
        .get::<RequestLang>()
        .map_or_else(|| anon_lang(parts), RequestLang::get)
}

/// Settles the request's language to the caller's stored preference.
fn user_lang(parts: &Parts, p: &Principal) -> Lang {
    let l = Lang::parse(&p.user.locale).unwrap_or(Lang::ZhTw);
    if let Some(slot) = parts.extensions.get::<RequestLang>() {
        slot.set(l);
    }
    l
}

/// The one API route a session with a pending password change (or MFA
/// enrolment) reaches, so that people who use the API alone can change a
/// temporary password.
pub const PASSWORD_CHANGE_API: &str = "/api/v1/me/password";

/// An authenticated API caller: a bearer token, or a complete browser session
/// (MFA passed, no pending password change — except on
/// [`PASSWORD_CHANGE_API`]) whose unsafe requests carry the session's CSRF
/// token in `X-CSRF-Token`.
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
            let lang = user_lang(parts, &p);
            return Ok(ApiCaller {
                p,
                session: None,
                lang,
            });
        }
        let raw = cookie(parts, SESSION_COOKIE).ok_or(ApiError(AppError::Unauthenticated))?;
        let (p, s) = st.app.authenticate_session(raw, &meta).await?;
        let pending = s.must_change_password || s.must_enrol_mfa;
        if !s.mfa_passed || (pending && parts.uri.path() != PASSWORD_CHANGE_API) {
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
        let lang = user_lang(parts, &p);
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
    /// The path and query of this request: where the language switch
    /// returns to.
    pub here: String,
}

impl FromRequestParts<AppState> for PageCaller {
    type Rejection = PageError;
    async fn from_request_parts(parts: &mut Parts, st: &AppState) -> Result<Self, Self::Rejection> {
        let meta = meta_of(parts);
        let path = parts.uri.path().to_string();
        let here = parts
            .uri
            .path_and_query()
            .map_or_else(|| path.clone(), |pq| pq.as_str().to_string());
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
        let lang = user_lang(parts, &p);
        Ok(PageCaller {
            p,
            session: s,
            lang,
            path,
            here,
        })
    }
}

// ---- page forms

/// A submitted page form: the logged-in caller, whose form carried the
/// session's CSRF token in [`CSRF_FIELD`] (checked before anything else is
/// read from it), and the form's fields as `T`. Every page POST that changes
/// something takes this extractor, so no handler checks CSRF by hand.
pub struct PageForm<T> {
    pub pc: PageCaller,
    pub form: T,
}

/// A form with no fields but its CSRF token (archive, revoke, log out…).
#[derive(Debug, serde::Deserialize)]
pub struct NoFields {}

/// The CSRF field of a body that may be malformed otherwise.
fn csrf_of(body: &[u8]) -> String {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(body)
        .ok()
        .and_then(|pairs| pairs.into_iter().find(|(k, _)| k == CSRF_FIELD))
        .map(|(_, v)| v)
        .unwrap_or_default()
}

fn bad_form(reason: Msg) -> PageError {
    PageError::App(AppError::invalid("form", reason))
}

fn is_form(parts: &Parts) -> bool {
    parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"))
}

impl<T: DeserializeOwned> FromRequest<AppState> for PageForm<T> {
    type Rejection = PageError;
    async fn from_request(req: Request, st: &AppState) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = req.into_parts();
        let pc = PageCaller::from_request_parts(&mut parts, st).await?;
        let form_type = is_form(&parts);
        let echo = parts.extensions.get::<crate::refill::FormEcho>().cloned();
        let bytes = Bytes::from_request(Request::from_parts(parts, body), st)
            .await
            .map_err(|_| bad_form(msg!("reason.form_unreadable")))?;
        pc.check_csrf(&csrf_of(&bytes))?;
        if !form_type {
            return Err(bad_form(msg!("reason.form_unreadable")));
        }
        // kept for the page, should the form be refused (crate::refill)
        if let (Some(echo), Ok(pairs)) = (
            echo,
            serde_urlencoded::from_bytes::<Vec<(String, String)>>(&bytes),
        ) {
            echo.set(pairs);
        }
        // (the framework's English detail helps no one filling in a form)
        let form = serde_urlencoded::from_bytes::<T>(&bytes).map_err(|e| {
            tracing::debug!(error = %e, "page form does not deserialise");
            bad_form(msg!("reason.form_unreadable"))
        })?;
        Ok(PageForm { pc, form })
    }
}

/// A place among the evidence uploads read at once
/// ([`crate::WebConfig::max_concurrent_uploads`]), held until the upload is
/// stored. Taken after the caller is authenticated and before the body is
/// read, so waiting uploads hold no memory and anonymous clients hold no
/// places.
pub struct UploadPermit(#[allow(dead_code)] tokio::sync::OwnedSemaphorePermit);

impl UploadPermit {
    async fn acquire(st: &AppState) -> Result<UploadPermit, AppError> {
        st.uploads
            .clone()
            .acquire_owned()
            .await
            .map(UploadPermit)
            .map_err(|_| AppError::Internal("the upload limiter is closed".into()))
    }
}

impl FromRequestParts<AppState> for UploadPermit {
    type Rejection = ApiError;
    async fn from_request_parts(_: &mut Parts, st: &AppState) -> Result<Self, Self::Rejection> {
        Ok(UploadPermit::acquire(st).await?)
    }
}

/// A file uploaded with a page form.
pub struct UploadedFile {
    pub name: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
    /// The upload's place, kept as long as the bytes are.
    pub permit: UploadPermit,
}

/// A submitted multipart page form (a file upload). The caller is known
/// before the body is read, so the handler checks its access first and
/// outsiders learn nothing from a malformed upload; [`PageUpload::read`]
/// then reads the body and checks its CSRF field, and is the only way to
/// the file (so no upload is handled without the check).
pub struct PageUpload {
    pc: PageCaller,
    echo: Option<crate::refill::FormEcho>,
    body: Result<axum::extract::Multipart, axum::extract::multipart::MultipartRejection>,
    state: AppState,
}

impl PageUpload {
    /// The caller, for the access check before the body is read.
    pub fn principal(&self) -> &Principal {
        &self.pc.p
    }

    /// Reads the form: the caller (its CSRF token checked) and the `file`
    /// (an evidence file: read up to its limit).
    pub async fn read(self) -> Result<(PageCaller, Option<UploadedFile>), PageError> {
        let (pc, file, _) = self
            .read_with(zian_domain::evidence::MAX_BYTES, &[])
            .await?;
        Ok((pc, file))
    }

    /// Reads the form: the caller (its CSRF token checked), the `file` (read
    /// up to just past `max` bytes: the application refuses it then) and the
    /// text fields named in `fields` (at most 4 KiB each).
    pub async fn read_with(
        self,
        max: usize,
        fields: &[&str],
    ) -> Result<(PageCaller, Option<UploadedFile>, Vec<(String, String)>), PageError> {
        let cut = || bad_form(msg!("reason.evidence.upload_unreadable"));
        let mut mp = self
            .body
            .map_err(|_| bad_form(msg!("reason.evidence.upload_unreadable")))?;
        let permit = UploadPermit::acquire(&self.state).await?;
        let mut permit = Some(permit);
        let (mut csrf, mut file, mut texts) = (String::new(), None, Vec::new());
        while let Some(mut field) = mp.next_field().await.map_err(|_| cut())? {
            match field.name() {
                Some(CSRF_FIELD) => csrf = field.text().await.map_err(|_| cut())?,
                Some("file") => {
                    let name = field.file_name().unwrap_or("").to_string();
                    let content_type = field.content_type().unwrap_or("").to_string();
                    // read chunk by chunk, stopping just past the largest
                    // file accepted
                    let mut bytes = Vec::new();
                    while let Some(chunk) = field.chunk().await.map_err(|_| cut())? {
                        bytes.extend_from_slice(&chunk);
                        if bytes.len() > max {
                            break;
                        }
                    }
                    let Some(permit) = permit.take() else {
                        continue; // a second file is ignored
                    };
                    file = Some(UploadedFile {
                        name,
                        content_type,
                        bytes,
                        permit,
                    });
                }
                Some(n) if fields.contains(&n) => {
                    let n = n.to_string();
                    let v = field.text().await.map_err(|_| cut())?;
                    if v.len() > 4096 {
                        return Err(cut());
                    }
                    texts.push((n, v));
                }
                _ => {}
            }
        }
        self.pc.check_csrf(&csrf)?;
        // a refused file goes back to its page (crate::refill) with the
        // text fields; a file input is never written back
        if let Some(echo) = &self.echo {
            echo.set(texts.clone());
        }
        Ok((self.pc, file, texts))
    }
}

impl FromRequest<AppState> for PageUpload {
    type Rejection = PageError;
    async fn from_request(req: Request, st: &AppState) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = req.into_parts();
        let pc = PageCaller::from_request_parts(&mut parts, st).await?;
        let echo = parts.extensions.get::<crate::refill::FormEcho>().cloned();
        let body =
            axum::extract::Multipart::from_request(Request::from_parts(parts, body), st).await;
        Ok(PageUpload {
            pc,
            echo,
            body,
            state: st.clone(),
        })
    }
}

impl PageCaller {
    /// Checks a form's CSRF token against the session's (the page-form
    /// extractors call it; handlers do not).
    pub(crate) fn check_csrf(&self, sent: &str) -> Result<(), PageError> {
        if constant_eq(sent, &self.session.csrf_token) {
            Ok(())
        } else {
            Err(PageError::App(AppError::Forbidden))
        }
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

    #[test]
    fn the_csrf_field_is_found_in_any_form() {
        assert_eq!(csrf_of(b"a=1&_csrf=xyz&b"), "xyz");
        assert_eq!(csrf_of(b"{\"_csrf\": 1}"), "");
        assert_eq!(csrf_of(b"\xff\xfe"), "");
    }
}
