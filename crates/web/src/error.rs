//! The one place where application errors become HTTP responses: JSON for
//! the API, HTML (or a redirect to the login page) for pages. Messages are
//! localised from the error's stable code in the request's language.

use axum::extract::rejection::{
    FormRejection, JsonRejection, PathRejection, QueryRejection, StringRejection,
};
use axum::http::{StatusCode, header};
use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};

use axum::response::{IntoResponse, Redirect, Response};
use zian_app::AppError;
use zian_i18n::{Lang, Msg, catalogue, msg};

/// The language of one request, in its extensions: the `common`
/// middleware sets it from the language cookie or Accept-Language, the
/// caller extractors settle it to the caller's stored preference, and the
/// middleware renders error responses in it once the handler is done.
#[derive(Debug, Clone)]
pub struct RequestLang(Arc<AtomicU8>);

impl RequestLang {
    pub fn new(lang: Lang) -> RequestLang {
        RequestLang(Arc::new(AtomicU8::new(Self::encode(lang))))
    }
    fn encode(lang: Lang) -> u8 {
        match lang {
            Lang::ZhTw => 0,
            Lang::En => 1,
        }
    }
    pub fn get(&self) -> Lang {
        match self.0.load(Ordering::Relaxed) {
            1 => Lang::En,
            _ => Lang::ZhTw,
        }
    }
    pub fn set(&self, lang: Lang) {
        self.0.store(Self::encode(lang), Ordering::Relaxed);
    }
}

/// An error response whose body is written by [`render_errors`] in the
/// request's language (errors arise before the caller, and so the
/// language, may be known).
#[derive(Debug, Clone)]
struct Unrendered {
    error: Arc<AppError>,
    page: bool,
}

fn unrendered(e: AppError, page: bool) -> Response {
    if let AppError::Internal(detail) = &e {
        tracing::error!(%detail, "internal error");
    }
    let mut r = status_of(&e).into_response();
    if !page && matches!(e, AppError::Unauthenticated | AppError::SessionExpired) {
        r.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            header::HeaderValue::from_static("Bearer realm=\"zian\""),
        );
    }
    r.extensions_mut().insert(Unrendered {
        error: Arc::new(e),
        page,
    });
    r
}

/// The error of a page response not yet rendered, if it is one.
pub(crate) fn page_error(resp: &Response) -> Option<Arc<AppError>> {
    resp.extensions()
        .get::<Unrendered>()
        .filter(|u| u.page)
        .map(|u| u.error.clone())
}

/// Writes the body of an error response in `lang` (the middleware's last
/// step); other responses pass unchanged.
pub fn render_errors(mut resp: Response, lang: Lang) -> Response {
    let Some(u) = resp.extensions_mut().remove::<Unrendered>() else {
        return resp;
    };
    let (mut parts, _) = resp.into_parts();
    let body = if u.page {
        parts.headers.insert(
            header::CONTENT_TYPE,
            header::HeaderValue::from_static("text/html; charset=utf-8"),
        );
        axum::body::Body::from(error_page(&u.error, lang))
    } else {
        parts.headers.insert(
            header::CONTENT_TYPE,
            header::HeaderValue::from_static("application/json"),
        );
        axum::body::Body::from(api_error_body(&u.error, lang).to_string())
    };
    Response::from_parts(parts, body)
}

pub fn status_of(e: &AppError) -> StatusCode {
    match e {
        AppError::Unauthenticated
        | AppError::SessionExpired
        | AppError::InvalidCredentials
        | AppError::InvalidCode => StatusCode::UNAUTHORIZED,
        AppError::Locked { .. } => StatusCode::LOCKED,
        AppError::Throttled => StatusCode::TOO_MANY_REQUESTS,
        AppError::Forbidden => StatusCode::FORBIDDEN,
        AppError::NotFound => StatusCode::NOT_FOUND,
        AppError::Validation { .. }
        | AppError::PasswordPolicy(_)
        | AppError::Problems { .. }
        | AppError::OutOfScale { .. } => StatusCode::UNPROCESSABLE_ENTITY,
        AppError::Conflict(_) | AppError::ScaleConflict { .. } => StatusCode::CONFLICT,
        AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// A refused field's name as the person reads it: its label, or for a
/// field of a row (`value.KR2.2`, `due_on.r1`) the label with the row.
fn field_name(field: &str, lang: Lang) -> String {
    let i = catalogue();
    let label = |f: &str| {
        let key = format!("field.{f}");
        let t = i.t(lang, &key);
        (t != key).then(|| t.to_string())
    };
    if let Some(t) = label(field) {
        return t;
    }
    match field.split_once('.') {
        Some((f, row)) => match label(f) {
            Some(t) => format!("{t}（{row}）"),
            None => field.to_string(),
        },
        None => field.to_string(),
    }
}

/// The localised, user-facing message of an error. Never includes internal
/// details (those go to the log).
pub fn message(e: &AppError, lang: Lang) -> String {
    let i = catalogue();
    match e {
        AppError::Validation { field, reason } => {
            let fname = field_name(field, lang);
            i.tf(
                lang,
                "error.validation",
                &[("field", &fname), ("reason", &i.render(lang, reason))],
            )
        }
        AppError::PasswordPolicy(v) => {
            let parts: Vec<String> = v
                .iter()
                .map(|x| {
                    let n = match x {
                        zian_domain::password::PolicyViolation::TooShort { min } => min.to_string(),
                        zian_domain::password::PolicyViolation::TooFewClasses { min } => {
                            min.to_string()
                        }
                        zian_domain::password::PolicyViolation::TooLong { max } => max.to_string(),
                        zian_domain::password::PolicyViolation::Reused { history } => {
                            history.to_string()
                        }
                        zian_domain::password::PolicyViolation::ContainsUsername
                        | zian_domain::password::PolicyViolation::Common => String::new(),
                    };
                    i.tf(lang, &format!("error.{}", x.code()), &[("n", &n)])
                })
                .collect();
            format!(
                "{}{}",
                i.t(lang, "error.password.policy"),
                parts.join(lang.sentence_sep())
            )
        }
        AppError::Locked { until } => {
            let t = crate::layout::fmt_time(*until);
            i.tf(lang, "error.auth.locked", &[("until", &t)])
        }
        AppError::Conflict(what) => i.t(lang, &format!("conflict.{what}")).to_string(),
        AppError::Problems { code, problems } => {
            let head = i.tf(
                lang,
                &format!("error.{code}"),
                &[("n", &problems.len().to_string())],
            );
            let parts: Vec<String> = problems.iter().map(|p| p.message.render(lang)).collect();
            format!("{head}{}", parts.join(lang.sentence_sep()))
        }
        AppError::OutOfScale {
            field,
            value,
            min,
            max,
        } => {
            // the factor's name on the risk pages, else the generic field name
            let name = ["risk.", "risk.settings.", "field."]
                .iter()
                .map(|p| format!("{p}{field}"))
                .find_map(|k| {
                    let t = i.t(lang, &k);
                    (t != k).then(|| t.to_string())
                })
                .unwrap_or_else(|| field.clone());
            i.tf(
                lang,
                "error.risk.out_of_scale",
                &[
                    ("field", &name),
                    ("value", &value.to_string()),
                    ("min", &min.to_string()),
                    ("max", &max.to_string()),
                ],
            )
        }
        AppError::ScaleConflict { risks } => {
            let list: Vec<&str> = risks.iter().take(10).map(|(_, a)| a.as_str()).collect();
            let sep = lang.list_sep();
            i.tf(
                lang,
                "error.risk.scale_conflict",
                &[("n", &risks.len().to_string()), ("risks", &list.join(sep))],
            )
        }
        other => i.t(lang, &format!("error.{}", other.code())).to_string(),
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
pub type PageResult = Result<axum::response::Response, PageError>;

/// An API error: `{"error": {"code", "message", "field"?, "violations"?}}`.
#[derive(Debug)]
pub struct ApiError(pub AppError);

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        ApiError(e)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        unrendered(self.0, false)
    }
}

/// `{"error": {"code", "message", "field"?, "violations"?, "problems"?, "risks"?}}`.
fn api_error_body(e: &AppError, lang: Lang) -> serde_json::Value {
    let mut body = serde_json::json!({"error": {"code": e.code(), "message": message(e, lang)}});
    match e {
        AppError::Validation { field, .. } | AppError::OutOfScale { field, .. } => {
            body["error"]["field"] = serde_json::json!(field)
        }
        AppError::ScaleConflict { risks } => {
            body["error"]["risks"] = serde_json::json!(
                risks
                    .iter()
                    .map(|(id, asset)| serde_json::json!({"id": id, "asset": asset}))
                    .collect::<Vec<_>>()
            )
        }
        AppError::PasswordPolicy(v) => {
            body["error"]["violations"] =
                serde_json::json!(v.iter().map(|x| x.code()).collect::<Vec<_>>())
        }
        AppError::Problems { problems, .. } => {
            body["error"]["problems"] = serde_json::json!(
                problems
                    .iter()
                    .map(|p| serde_json::json!({"path": p.path, "message": p.message.render(lang)}))
                    .collect::<Vec<_>>()
            )
        }
        _ => {}
    }
    body
}

fn bad_input(field: &str, reason: Msg) -> AppError {
    AppError::Validation {
        field: field.to_string(),
        reason,
    }
}

/// What the framework said, cut short (the technical detail is English).
fn detail(text: String) -> String {
    text.chars().take(300).collect()
}

impl From<JsonRejection> for ApiError {
    fn from(r: JsonRejection) -> Self {
        let reason = match &r {
            JsonRejection::MissingJsonContentType(_) => msg!("reason.json_content_type"),
            JsonRejection::JsonSyntaxError(_) => msg!("reason.json_syntax"),
            JsonRejection::JsonDataError(e) => {
                msg!("reason.json_shape", detail = detail(e.body_text()))
            }
            JsonRejection::BytesRejection(_) => msg!("reason.body_unreadable"),
            other => msg!("reason.request_detail", detail = detail(other.body_text())),
        };
        ApiError(bad_input("body", reason))
    }
}

fn rejected(field: &str, text: String) -> AppError {
    bad_input(field, msg!("reason.request_detail", detail = detail(text)))
}

impl From<QueryRejection> for ApiError {
    fn from(r: QueryRejection) -> Self {
        ApiError(rejected("query", r.body_text()))
    }
}

impl From<PathRejection> for ApiError {
    fn from(r: PathRejection) -> Self {
        ApiError(rejected("path", r.body_text()))
    }
}

/// The error page: a normal page with the navigation, the message next to
/// a stable code, and a Back link that works under the CSP (app.js).
#[derive(askama::Template)]
#[template(path = "error.html")]
struct ErrorPage {
    lang_code: &'static str,
    app_name: String,
    title: String,
    code: &'static str,
    message: String,
    back: String,
    home: String,
    orgs: String,
    compliance: String,
    account: String,
    nav_label: String,
}

/// A page error: an HTML page with the localised message, or a redirect to
/// the login page when the caller is not (or no longer) logged in.
#[derive(Debug)]
pub enum PageError {
    App(AppError),
    Redirect(String),
}

impl From<zian_domain::Denied> for PageError {
    fn from(d: zian_domain::Denied) -> Self {
        PageError::App(d.into())
    }
}

impl From<zian_domain::Denied> for ApiError {
    fn from(d: zian_domain::Denied) -> Self {
        ApiError(d.into())
    }
}

impl From<AppError> for PageError {
    fn from(e: AppError) -> Self {
        PageError::App(e)
    }
}

impl From<FormRejection> for PageError {
    fn from(_: FormRejection) -> Self {
        PageError::App(bad_input("form", msg!("reason.form_unreadable")))
    }
}

impl From<StringRejection> for PageError {
    fn from(_: StringRejection) -> Self {
        PageError::App(bad_input("form", msg!("reason.form_unreadable")))
    }
}

impl From<QueryRejection> for PageError {
    fn from(r: QueryRejection) -> Self {
        PageError::App(rejected("query", r.body_text()))
    }
}

impl From<PathRejection> for PageError {
    fn from(r: PathRejection) -> Self {
        PageError::App(rejected("path", r.body_text()))
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        match self {
            PageError::Redirect(to) => Redirect::to(&to).into_response(),
            PageError::App(AppError::Unauthenticated) => Redirect::to("/login").into_response(),
            PageError::App(AppError::SessionExpired) => {
                Redirect::to("/login?expired=1").into_response()
            }
            PageError::App(e) => unrendered(e, true),
        }
    }
}

fn error_page(e: &AppError, lang: Lang) -> String {
    let i = catalogue();
    let t = |k: &str| i.t(lang, k).to_string();
    let page = ErrorPage {
        lang_code: lang.code(),
        app_name: t("app.name"),
        title: t("error.title"),
        code: e.code(),
        message: message(e, lang),
        back: t("action.back"),
        home: t("nav.home"),
        orgs: t("nav.orgs"),
        compliance: t("compliance.nav"),
        account: t("nav.account"),
        nav_label: t("nav.label"),
    };
    askama::Template::render(&page).unwrap_or_else(|_| page.message.clone())
}
