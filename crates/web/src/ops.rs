//! Operations: liveness, readiness, Prometheus metrics, the static assets,
//! and the answer for paths no route serves.

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::error::{ApiError, PageError};
use crate::extract::PagePath;
use crate::routes::{Kind, Route, r};
use crate::state::AppState;

pub(crate) fn routes() -> Vec<Route> {
    use Kind::*;
    use axum::http::Method as M;
    vec![
        r(M::GET, "/healthz", Public, "ops", "Liveness", get(healthz)),
        r(
            M::GET,
            "/readyz",
            Public,
            "ops",
            "Readiness (database reachable)",
            get(readyz),
        ),
        r(
            M::GET,
            "/metrics",
            Public,
            "ops",
            "Prometheus metrics",
            get(metrics),
        ),
        r(
            M::GET,
            "/api/v1/openapi.json",
            Public,
            "ops",
            "This OpenAPI document",
            get(crate::openapi::openapi_json),
        ),
        r(
            M::GET,
            "/api/v1/docs",
            Public,
            "ops",
            "API documentation (HTML, offline)",
            get(crate::openapi::docs_page),
        ),
        r(
            M::GET,
            "/favicon.ico",
            Public,
            "page",
            "The site icon (browsers ask for it at the root)",
            get(favicon),
        ),
        r(
            M::GET,
            "/static/{file}",
            Public,
            "page",
            "Static assets",
            get(static_file),
        ),
    ]
}

pub async fn healthz() -> impl IntoResponse {
    axum::Json(serde_json::json!({"status": "ok"}))
}

pub async fn readyz(State(st): State<AppState>) -> Response {
    match st.app.ready().await {
        Ok(backend) => {
            axum::Json(serde_json::json!({"status": "ready", "database": backend})).into_response()
        }
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
    let up = st.app.ready().await.is_ok();
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        st.metrics.render(up),
    )
        .into_response()
}

const APP_CSS: &str = include_str!("../static/app.css");
const APP_JS: &str = include_str!("../static/app.js");
/// The platform's own icon (a shield with a Z), drawn for Zian.
const FAVICON_SVG: &str = include_str!("../static/favicon.svg");

pub async fn static_file(PagePath(file): PagePath<String>) -> Response {
    let (body, ty) = match file.as_str() {
        "app.css" => (APP_CSS, "text/css; charset=utf-8"),
        "app.js" => (APP_JS, "text/javascript; charset=utf-8"),
        "favicon.svg" => (FAVICON_SVG, "image/svg+xml"),
        _ => return (StatusCode::NOT_FOUND, "not found").into_response(),
    };
    (
        [
            (header::CONTENT_TYPE, ty),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        body,
    )
        .into_response()
}

/// Browsers that ignore the `<link rel="icon">` ask for `/favicon.ico`:
/// they get the same SVG (every current browser accepts SVG there).
pub async fn favicon() -> Response {
    (
        [
            (header::CONTENT_TYPE, "image/svg+xml"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        FAVICON_SVG,
    )
        .into_response()
}

pub async fn not_found(uri: axum::http::Uri) -> Response {
    if uri.path().starts_with("/api/") {
        ApiError(zian_app::AppError::NotFound).into_response()
    } else {
        PageError::App(zian_app::AppError::NotFound).into_response()
    }
}
