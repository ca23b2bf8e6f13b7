//! The software inventory import API.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use zian_app::inventory::{CommitInput, ImportView};
use zian_domain::inventory::InventoryImport;
use zian_domain::{ImportId, OrgId};
use zian_i18n::Lang;
use zian_inventory::plan::{CpeFrom, Incoming, PlanCounts};

use crate::error::ApiResult;
use crate::extract::{ApiCaller, ApiJson, ApiPath, UploadPermit};
use crate::state::AppState;

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct InventoryIn {
    /// The file's name (its extension confirms a workbook).
    pub file_name: String,
    /// The file, standard base64 (at most 64 MiB decoded).
    pub content_base64: String,
    /// The host of rows (or a whole file) that name none.
    pub default_host: Option<String>,
}

/// An import as recorded.
#[derive(Debug, Serialize, JsonSchema)]
pub struct ImportOut {
    pub id: String,
    pub org_id: String,
    pub file_name: String,
    pub sha256: String,
    pub size: i64,
    /// `csv`, `xlsx`, `cyclonedx`, `spdx`.
    pub format: String,
    pub encoding: String,
    /// `previewed` or `committed`.
    pub status: String,
    pub created_by: Option<String>,
    pub created_at: i64,
    pub committed_at: Option<i64>,
    pub committed_by: Option<String>,
    /// The preview's counts when uploaded (rows, skipped, errors, counts).
    pub summary: serde_json::Value,
    /// The commit's counts.
    pub result: Option<serde_json::Value>,
}

impl From<InventoryImport> for ImportOut {
    fn from(x: InventoryImport) -> Self {
        ImportOut {
            id: x.id.into_string(),
            org_id: x.org_id.into_string(),
            file_name: x.file_name,
            sha256: x.sha256,
            size: x.size,
            format: x.format,
            encoding: x.encoding,
            status: x.status.as_str().to_string(),
            created_by: x.created_by.map(|u| u.into_string()),
            created_at: x.created_at,
            committed_at: x.committed_at,
            committed_by: x.committed_by.map(|u| u.into_string()),
            summary: x.summary,
            result: x.result,
        }
    }
}

/// What an import does (or did) to the register.
#[derive(Debug, Serialize, JsonSchema)]
pub struct CountsOut {
    pub hosts: usize,
    pub new_hosts: usize,
    pub changed_hosts: usize,
    pub added: usize,
    pub changed: usize,
    pub removed: usize,
    pub unchanged: usize,
    /// Software entered by hand that the file does not list (kept).
    pub kept_manual: usize,
    pub kbs_added: usize,
    pub kbs_removed: usize,
    /// Programs added or changed that will have no CPE name.
    pub unmapped: usize,
}

impl From<PlanCounts> for CountsOut {
    fn from(c: PlanCounts) -> Self {
        CountsOut {
            hosts: c.hosts,
            new_hosts: c.new_hosts,
            changed_hosts: c.changed_hosts,
            added: c.added,
            changed: c.changed,
            removed: c.removed,
            unchanged: c.unchanged,
            kept_manual: c.kept_manual,
            kbs_added: c.kbs_added,
            kbs_removed: c.kbs_removed,
            unmapped: c.unmapped,
        }
    }
}

/// A row of the file left out.
#[derive(Debug, Serialize, JsonSchema)]
pub struct RowErrorOut {
    pub line: usize,
    /// The column's header as written, or the JSON field.
    pub column: Option<String>,
    /// In the caller's language.
    pub reason: String,
}

/// A program as the file gives it.
#[derive(Debug, Serialize, JsonSchema)]
pub struct IncomingOut {
    pub line: usize,
    pub name: String,
    pub version: String,
    pub publisher: String,
    pub cpe23: Option<String>,
    /// `file`, `mapping` (a confirmed mapping of the organisation), `kept`
    /// (the register's), `none`.
    pub cpe_from: String,
}

impl From<&Incoming> for IncomingOut {
    fn from(s: &Incoming) -> Self {
        IncomingOut {
            line: s.line,
            name: s.name.clone(),
            version: s.version.clone(),
            publisher: s.publisher.clone(),
            cpe23: s.cpe23.clone(),
            cpe_from: match s.cpe_from {
                CpeFrom::File => "file",
                CpeFrom::Mapping => "mapping",
                CpeFrom::Kept => "kept",
                CpeFrom::None => "none",
            }
            .into(),
        }
    }
}

/// A program of the register the import changes.
#[derive(Debug, Serialize, JsonSchema)]
pub struct ChangeOut {
    pub software_id: String,
    pub old_version: String,
    pub old_cpe23: Option<String>,
    pub new: IncomingOut,
}

/// A program of the register the import removes.
#[derive(Debug, Serialize, JsonSchema)]
pub struct RemovedOut {
    pub software_id: String,
    pub name: String,
    pub version: String,
    pub publisher: String,
}

/// What the import does to one host.
#[derive(Debug, Serialize, JsonSchema)]
pub struct HostOut {
    pub host: String,
    /// The register's asset; absent: a new hardware asset.
    pub asset_id: Option<String>,
    pub asset_name: String,
    pub added: Vec<IncomingOut>,
    pub changed: Vec<ChangeOut>,
    pub removed: Vec<RemovedOut>,
    pub unchanged: usize,
    pub kept_manual: usize,
    pub kbs_added: Vec<String>,
    pub kbs_removed: Vec<String>,
}

/// An import's preview: what its file does to the register now.
#[derive(Debug, Serialize, JsonSchema)]
pub struct PreviewOut {
    pub import: ImportOut,
    /// Data rows read.
    pub rows: usize,
    /// Rows naming neither software nor an update.
    pub skipped: usize,
    pub counts: CountsOut,
    /// Rows left out (the first 1,000).
    pub errors: Vec<RowErrorOut>,
    pub errors_omitted: usize,
    /// Whether software missing from the file is removed (not when the file
    /// has rows in error).
    pub removals: bool,
    /// Pass as `expect` when committing.
    pub fingerprint: String,
    /// Hosts in file order.
    pub hosts: Vec<HostOut>,
}

pub fn preview_out(v: ImportView, lang: Lang) -> PreviewOut {
    PreviewOut {
        rows: v.file.rows,
        skipped: v.file.skipped,
        counts: v.counts.into(),
        errors: v
            .file
            .errors
            .iter()
            .map(|e| RowErrorOut {
                line: e.line,
                column: e.column.clone(),
                reason: e.reason.render(lang),
            })
            .collect(),
        errors_omitted: v.file.errors_omitted,
        removals: v.plan.removals,
        fingerprint: v.fingerprint,
        hosts: v
            .plan
            .hosts
            .iter()
            .map(|h| HostOut {
                host: h.host.clone(),
                asset_id: h.asset_id.as_ref().map(|a| a.to_string()),
                asset_name: h.asset_name.clone(),
                added: h.added.iter().map(IncomingOut::from).collect(),
                changed: h
                    .changed
                    .iter()
                    .map(|c| ChangeOut {
                        software_id: c.old.id.clone(),
                        old_version: c.old.version.to_string(),
                        old_cpe23: c.old.cpe23.clone(),
                        new: (&c.new).into(),
                    })
                    .collect(),
                removed: h
                    .removed
                    .iter()
                    .map(|s| RemovedOut {
                        software_id: s.id.clone(),
                        name: s.name.to_string(),
                        version: s.version.to_string(),
                        publisher: s.publisher.to_string(),
                    })
                    .collect(),
                unchanged: h.unchanged,
                kept_manual: h.kept_manual,
                kbs_added: h.kbs_added.clone(),
                kbs_removed: h.kbs_removed.clone(),
            })
            .collect(),
        import: v.import.into(),
    }
}

pub async fn list(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<OrgId>,
) -> ApiResult<ApiJson<Vec<ImportOut>>> {
    let (_, list) = st.app.inventory_imports(&c.p, &id).await?;
    Ok(ApiJson(list.into_iter().map(ImportOut::from).collect()))
}

/// Extractors run in order: the caller is authenticated, then the upload
/// waits for its place, and only then is the body read.
pub async fn upload(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<OrgId>,
    _place: UploadPermit,
    ApiJson(b): ApiJson<InventoryIn>,
) -> ApiResult<(StatusCode, ApiJson<PreviewOut>)> {
    let v = st
        .app
        .preview_inventory_base64(
            &c.p,
            &id,
            &b.file_name,
            &b.content_base64,
            b.default_host.as_deref(),
        )
        .await?;
    Ok((StatusCode::CREATED, ApiJson(preview_out(v, c.lang))))
}

pub async fn get(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<ImportId>,
) -> ApiResult<ApiJson<PreviewOut>> {
    let v = st.app.inventory_import(&c.p, &id).await?;
    Ok(ApiJson(preview_out(v, c.lang)))
}

pub async fn commit(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<ImportId>,
    ApiJson(b): ApiJson<CommitInput>,
) -> ApiResult<ApiJson<CountsOut>> {
    let counts = st.app.commit_inventory(&c.p, &id, b).await?;
    Ok(ApiJson(counts.into()))
}

pub async fn file(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<ImportId>,
) -> ApiResult<Response> {
    let (x, bytes) = st.app.inventory_import_file(&c.p, &id).await?;
    Ok(download(&x, bytes))
}

/// The uploaded file as an attachment.
pub fn download(x: &InventoryImport, bytes: Vec<u8>) -> Response {
    crate::evidence::api::file_download(
        &x.file_name,
        "application/octet-stream",
        "inventory",
        "x-inventory-sha256",
        &x.sha256,
        bytes,
    )
}
