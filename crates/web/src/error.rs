//! The one place where application errors become HTTP responses: JSON for
//! the API, HTML (or a redirect to the login page) for pages. Messages are
//! localised from the error's stable code in the request's language.

use axum::extract::rejection::{
    FormRejection, JsonRejection, PathRejection, QueryRejection, StringRejection,
};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use zian_app::AppError;

use crate::i18n::{I18n, Lang};

tokio::task_local! {
    /// The language of the request being served (set by middleware).
    pub static LANG: std::cell::Cell<Lang>;
}

pub fn current_lang() -> Lang {
    LANG.try_with(std::cell::Cell::get).unwrap_or(Lang::ZhTw)
}

/// Sets the language of the current request once the caller is known (their
/// stored preference wins over cookie and Accept-Language).
pub fn set_lang(lang: Lang) {
    let _ = LANG.try_with(|c| c.set(lang));
}

pub fn i18n() -> &'static I18n {
    static I: std::sync::OnceLock<I18n> = std::sync::OnceLock::new();
    I.get_or_init(I18n::load)
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

/// The localised, user-facing message of an error. Never includes internal
/// details (those go to the log).
pub fn message(e: &AppError, lang: Lang) -> String {
    let i = i18n();
    match e {
        AppError::Validation { field, reason } => {
            let fkey = format!("field.{field}");
            let fname = i.t(lang, &fkey);
            let fname = if fname == fkey { field.as_str() } else { fname };
            i.tf(
                lang,
                "error.validation",
                &[("field", fname), ("reason", reason)],
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
                        zian_domain::password::PolicyViolation::ContainsUsername => String::new(),
                    };
                    i.tf(lang, &format!("error.{}", x.code()), &[("n", &n)])
                })
                .collect();
            format!(
                "{}{}",
                i.t(lang, "error.password.policy"),
                parts.join(if lang == Lang::ZhTw { "；" } else { "; " })
            )
        }
        AppError::Locked { until } => {
            let t = crate::layout::fmt_time(*until);
            i.tf(lang, "error.auth.locked", &[("until", &t)])
        }
        AppError::Conflict(what) => i.tf(lang, "error.conflict", &[("what", what)]),
        AppError::Problems { code, problems } => {
            let head = i.tf(
                lang,
                &format!("error.{code}"),
                &[("n", &problems.len().to_string())],
            );
            let parts: Vec<&str> = problems.iter().map(|p| p.message(lang.code())).collect();
            let sep = if lang == Lang::ZhTw { "；" } else { "; " };
            format!("{head}{}", parts.join(sep))
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
            let sep = if lang == Lang::ZhTw { "、" } else { ", " };
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
        let lang = current_lang();
        let e = &self.0;
        if let AppError::Internal(detail) = e {
            tracing::error!(%detail, "internal error");
        }
        let mut body =
            serde_json::json!({"error": {"code": e.code(), "message": message(e, lang)}});
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
                    .map(|p| serde_json::json!({"path": p.path, "message": p.message(lang.code())}))
                    .collect::<Vec<_>>()
            )
            }
            _ => {}
        }
        let mut r = (status_of(e), axum::Json(body)).into_response();
        if matches!(e, AppError::Unauthenticated | AppError::SessionExpired) {
            r.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                header::HeaderValue::from_static("Bearer realm=\"zian\""),
            );
        }
        r
    }
}

fn bad_input(field: &str, reason: String) -> AppError {
    AppError::Validation {
        field: field.to_string(),
        reason,
    }
}

impl From<JsonRejection> for ApiError {
    fn from(r: JsonRejection) -> Self {
        let reason = match &r {
            JsonRejection::MissingJsonContentType(_) => {
                "expected Content-Type: application/json".to_string()
            }
            JsonRejection::JsonSyntaxError(_) => "the body is not valid JSON".to_string(),
            JsonRejection::JsonDataError(e) => format!(
                "the JSON does not have the expected shape: {}",
                e.body_text().chars().take(300).collect::<String>()
            ),
            JsonRejection::BytesRejection(_) => {
                "the body could not be read (too large or invalid)".to_string()
            }
            other => other.body_text(),
        };
        ApiError(bad_input("body", reason))
    }
}

impl From<QueryRejection> for ApiError {
    fn from(r: QueryRejection) -> Self {
        ApiError(bad_input(
            "query",
            r.body_text().chars().take(300).collect(),
        ))
    }
}

impl From<PathRejection> for ApiError {
    fn from(r: PathRejection) -> Self {
        ApiError(bad_input("path", r.body_text().chars().take(300).collect()))
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
    fn from(r: FormRejection) -> Self {
        PageError::App(bad_input("form", r.body_text().chars().take(300).collect()))
    }
}

impl From<StringRejection> for PageError {
    fn from(r: StringRejection) -> Self {
        PageError::App(bad_input("form", r.body_text().chars().take(300).collect()))
    }
}

impl From<QueryRejection> for PageError {
    fn from(r: QueryRejection) -> Self {
        PageError::App(bad_input(
            "query",
            r.body_text().chars().take(300).collect(),
        ))
    }
}

impl From<PathRejection> for PageError {
    fn from(r: PathRejection) -> Self {
        PageError::App(bad_input("path", r.body_text().chars().take(300).collect()))
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
            PageError::App(e) => {
                if let AppError::Internal(detail) = &e {
                    tracing::error!(%detail, "internal error");
                }
                let lang = current_lang();
                let i = i18n();
                let t = |k: &str| i.t(lang, k).to_string();
                let page = ErrorPage {
                    lang_code: lang.code(),
                    app_name: t("app.name"),
                    title: t("error.title"),
                    code: e.code(),
                    message: message(&e, lang),
                    back: t("action.back"),
                    home: t("nav.home"),
                    orgs: t("nav.orgs"),
                    compliance: t("compliance.nav"),
                    account: t("nav.account"),
                    nav_label: t("nav.label"),
                };
                let html = askama::Template::render(&page).unwrap_or_else(|_| page.message.clone());
                (status_of(&e), Html(html)).into_response()
            }
        }
    }
}
