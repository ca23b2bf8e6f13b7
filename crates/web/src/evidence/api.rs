//! Evidence files over the JSON API: upload (base64), list, download.

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use zian_domain::evidence::EvidenceFile;
use zian_domain::{EvidenceId, OrgId};

use crate::error::ApiResult;
use crate::extract::{ApiCaller, ApiJson, ApiPath, ApiQuery, UploadPermit};
use crate::list::PageOut;
use crate::state::AppState;

/// An evidence file's metadata.
#[derive(Debug, Serialize, JsonSchema)]
pub struct EvidenceOut {
    pub id: String,
    pub org_id: String,
    /// SHA-256 of the file, lowercase hex.
    pub sha256: String,
    pub filename: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub uploaded_at: i64,
    /// Where to download it.
    pub href: String,
}

impl From<EvidenceFile> for EvidenceOut {
    fn from(e: EvidenceFile) -> Self {
        EvidenceOut {
            href: format!("/api/v1/evidence/{}", e.id),
            id: e.id.into(),
            org_id: e.org_id.into(),
            sha256: e.sha256,
            filename: e.filename,
            content_type: e.content_type,
            size_bytes: e.size_bytes,
            uploaded_at: e.uploaded_at,
        }
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EvidenceIn {
    pub filename: String,
    /// e.g. `application/pdf`; unknown types are stored as `application/octet-stream`.
    pub content_type: Option<String>,
    /// The file, standard base64 (at most 10 MiB decoded).
    pub content_base64: String,
}

/// Extractors run in order: the caller is authenticated, then the upload
/// waits for its place, and only then is the body read.
pub async fn upload(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<OrgId>,
    _place: UploadPermit,
    ApiJson(b): ApiJson<EvidenceIn>,
) -> ApiResult<(StatusCode, ApiJson<EvidenceOut>)> {
    let row = st
        .app
        .upload_evidence_base64(
            &c.p,
            &id,
            &b.filename,
            b.content_type.as_deref().unwrap_or(""),
            &b.content_base64,
        )
        .await?;
    Ok((StatusCode::CREATED, ApiJson(row.into())))
}

/// An organisation's files, newest first, paged (list parameters parsed
/// after the access check).
pub async fn list(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<OrgId>,
    ApiQuery(q): ApiQuery<Vec<(String, String)>>,
) -> ApiResult<ApiJson<PageOut<EvidenceOut>>> {
    let org = st
        .app
        .org_with(&c.p, &id, zian_domain::Permission::RecordRead)
        .await?;
    let q = crate::list::query(&q, &[])?;
    let page = st.app.list_evidence(&c.p, &org.id, &q).await?;
    Ok(ApiJson(PageOut::of(page, EvidenceOut::from)))
}

/// The file as an attachment: never rendered by the browser as a page.
pub fn attachment(row: &EvidenceFile, bytes: Vec<u8>) -> Response {
    file_download(
        &row.filename,
        &row.content_type,
        "evidence",
        "x-evidence-sha256",
        &row.sha256,
        bytes,
    )
}

/// A stored file as an attachment named `filename` (RFC 5987; `fallback` for
/// old clients), with its SHA-256 in the header `sha_header`.
pub fn file_download(
    filename: &str,
    content_type: &str,
    fallback: &str,
    sha_header: &'static str,
    sha256: &str,
    bytes: Vec<u8>,
) -> Response {
    let encoded: String = filename
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{fallback}\"; filename*=UTF-8''{encoded}"),
            ),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_string()),
            (
                header::HeaderName::from_static(sha_header),
                sha256.to_string(),
            ),
        ],
        bytes,
    )
        .into_response()
}

pub async fn download(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<EvidenceId>,
) -> ApiResult<Response> {
    let (row, bytes) = st.app.evidence_file(&c.p, &id).await?;
    Ok(attachment(&row, bytes))
}
