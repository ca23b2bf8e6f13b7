//! Official documents (文件與報表): an organisation's reports rendered by the
//! documents engine as PDF/A, ODT, ODS, DOCX, XLSX or CSV, from its page and
//! the API.

pub mod api;
pub mod pages;

use axum::http::Method as M;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use zian_app::documents::Rendered;

use crate::routes::{Kind::*, Route, r};

pub(crate) fn routes() -> Vec<Route> {
    vec![
        r(
            M::GET,
            "/api/v1/orgs/{id}/documents",
            Api,
            "documents",
            "The official documents an organisation can produce, with their formats",
            get(api::list),
        )
        .resp::<api::DocumentsOut>(),
        r(
            M::GET,
            "/api/v1/orgs/{id}/documents/{name}",
            Api,
            "documents",
            "One official document as a file (format=pdf|odt|ods|docx|xlsx|csv; default pdf); PDF is archival PDF/A-2b",
            get(api::download),
        ),
        r(
            M::GET,
            "/orgs/{id}/documents",
            Page,
            "page",
            "Official documents and their downloads",
            get(pages::list),
        ),
        r(
            M::GET,
            "/orgs/{id}/documents/{name}",
            Page,
            "page",
            "Download one official document (format=…)",
            get(pages::download),
        ),
    ]
}

/// The file as an attachment, named in ASCII with the UTF-8 title alongside.
pub(crate) fn attachment(r: Rendered) -> Response {
    use axum::http::{HeaderValue, header};
    let disposition = HeaderValue::from_str(&format!(
        "attachment; filename=\"{}\"",
        crate::csv::ascii_name(&r.file_name)
    ))
    .unwrap_or_else(|_| HeaderValue::from_static("attachment"));
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static(r.content_type),
            ),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        r.bytes,
    )
        .into_response()
}

/// Builds and renders on a blocking thread (layout is CPU work).
pub(crate) async fn produce(
    app: &zian_app::App,
    p: &zian_domain::Principal,
    org: &zian_domain::OrgId,
    name: &str,
    format: &str,
) -> zian_app::Result<Rendered> {
    let format = zian_app::documents::parse_format(format)?;
    let doc = app.report(p, org, name).await?;
    let app = app.clone();
    tokio::task::spawn_blocking(move || app.render(&doc, format))
        .await
        .map_err(|e| zian_app::AppError::Internal(e.to_string()))?
}
