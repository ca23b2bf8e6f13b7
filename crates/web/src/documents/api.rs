//! The documents API.

use axum::extract::State;
use axum::response::Response;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use zian_app::documents::{DocumentJob, ReportSpec, SettingsView, Subject, reports_of};
use zian_domain::documents::{DocumentLogo, DocumentSettings, SettingsInput};
use zian_domain::{OrgId, Permission};

use crate::error::ApiResult;
use crate::extract::{ApiCaller, ApiJson, ApiPath, ApiQuery};
use crate::state::AppState;

/// An organisation's documents.
#[derive(Serialize, JsonSchema)]
pub struct DocumentsOut {
    pub org_id: String,
    pub org_name: String,
    pub reports: Vec<ReportOut>,
}

#[derive(Serialize, JsonSchema)]
pub struct ReportOut {
    /// The name in URLs and on the command line (`zian report NAME`).
    pub name: String,
    pub title: String,
    /// The formats it can be downloaded as.
    pub formats: Vec<String>,
    /// Where to download it (add `?format=`).
    pub url: String,
}

/// The formats of a report, as named in `?format=`.
pub(crate) fn formats(spec: &ReportSpec) -> Vec<String> {
    spec.formats()
        .into_iter()
        .map(|f| f.as_str().to_owned())
        .collect()
}

pub async fn list(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<OrgId>,
) -> ApiResult<axum::Json<DocumentsOut>> {
    let org = st.app.org_with(&c.p, &id, Permission::RecordRead).await?;
    Ok(axum::Json(DocumentsOut {
        reports: reports_of(Subject::Org)
            .map(|r| ReportOut {
                name: r.name.into(),
                title: r.title.into(),
                formats: formats(r),
                url: format!("/api/v1/orgs/{}/documents/{}", org.id, r.name),
            })
            .collect(),
        org_id: org.id.to_string(),
        org_name: org.name_zh,
    }))
}

pub async fn download(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath((id, name)): ApiPath<(OrgId, String)>,
    ApiQuery(q): ApiQuery<Vec<(String, String)>>,
) -> ApiResult<axum::response::Response> {
    let org = st.app.org_with(&c.p, &id, Permission::RecordRead).await?;
    let r = super::produce(&st.app, &c.p, &org.id, &name, super::format_of(&q)).await?;
    Ok(super::attachment(r))
}

/// A record's document (an incident's, a process's, a drill's).
pub async fn record_download(
    st: AppState,
    c: ApiCaller,
    subject: Subject,
    (id, name): (String, String),
    q: Vec<(String, String)>,
) -> ApiResult<axum::response::Response> {
    let r = super::produce_record(&st.app, &c.p, subject, &id, &name, super::format_of(&q)).await?;
    Ok(super::attachment(r))
}

/// An organisation's settings of one report, or (`report` empty) of all its
/// documents.
#[derive(Serialize, JsonSchema)]
pub struct SettingOut {
    /// The report's name; empty for every document.
    pub report: String,
    pub classification: String,
    /// The boxes left to right; null keeps the form's own chain.
    pub signatures: Option<Vec<String>>,
    pub title: String,
    pub preface: String,
    pub extra_fields: Vec<String>,
    pub updated_at: i64,
}

impl From<&DocumentSettings> for SettingOut {
    fn from(x: &DocumentSettings) -> Self {
        SettingOut {
            report: x.report.clone(),
            classification: x.classification.to_string(),
            signatures: x.signatures.clone(),
            title: x.title.to_string(),
            preface: x.preface.to_string(),
            extra_fields: x.extra_fields.clone(),
            updated_at: x.updated_at,
        }
    }
}

/// What one report prints with the settings in force.
#[derive(Serialize, JsonSchema)]
pub struct ReportSettingsOut {
    pub name: String,
    /// The official title.
    pub title: String,
    /// Its own settings, if any.
    pub own: Option<SettingOut>,
    /// What it prints: the marking (none when null), the boxes, the title,
    /// the added fields.
    pub classification: Option<String>,
    pub signatures: Vec<String>,
    pub printed_title: String,
    pub extra_fields: Vec<String>,
}

#[derive(Serialize, JsonSchema)]
pub struct SettingsOut {
    pub org_id: String,
    pub org_name: String,
    /// For every document of the organisation.
    pub general: Option<SettingOut>,
    pub reports: Vec<ReportSettingsOut>,
    /// Whether the caller may change them (administrator or CISO).
    pub can_write: bool,
}

impl From<SettingsView> for SettingsOut {
    fn from(v: SettingsView) -> Self {
        SettingsOut {
            org_id: v.org.id.to_string(),
            org_name: v.org.name_zh.clone(),
            general: v.general.as_ref().map(SettingOut::from),
            reports: v
                .reports
                .iter()
                .map(|(spec, own, e)| ReportSettingsOut {
                    name: spec.name.into(),
                    title: spec.title.into(),
                    own: own.as_ref().map(SettingOut::from),
                    classification: e.classification.clone(),
                    signatures: e.signatures.clone(),
                    printed_title: e.title.clone().unwrap_or_else(|| spec.title.into()),
                    extra_fields: e.extra_fields.clone(),
                })
                .collect(),
            can_write: v.can_write,
        }
    }
}

/// Settings to keep; what is left out is blank.
#[derive(Deserialize, JsonSchema, Default)]
#[serde(default, deny_unknown_fields)]
pub struct SettingsBody {
    /// The marking printed in the footer (限閱, 密, …); blank for none.
    pub classification: String,
    /// The approval chain's boxes, left to right (at most 6 of 20 characters);
    /// empty keeps the form's own chain.
    pub signatures: Vec<String>,
    /// A title instead of the official one (one report only).
    pub title: String,
    /// A paragraph under the title (one report only).
    pub preface: String,
    /// Labels of fields added to the form, filled in by hand (one report
    /// only; at most 10 of 20 characters).
    pub extra_fields: Vec<String>,
}

impl SettingsBody {
    pub(crate) fn input(self) -> SettingsInput {
        SettingsInput {
            classification: self.classification,
            signatures: self.signatures.join("\n"),
            title: self.title,
            preface: self.preface,
            extra_fields: self.extra_fields.join("\n"),
        }
    }
}

/// `all` in a path names the settings of every document.
pub(crate) fn report_of(segment: &str) -> &str {
    if segment == "all" { "" } else { segment }
}

pub async fn settings_get(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<OrgId>,
) -> ApiResult<axum::Json<SettingsOut>> {
    Ok(axum::Json(
        st.app.document_settings(&c.p, &id).await?.into(),
    ))
}

pub async fn settings_put(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath((id, report)): ApiPath<(OrgId, String)>,
    ApiJson(b): ApiJson<SettingsBody>,
) -> ApiResult<ApiJson<SettingOut>> {
    let x = st
        .app
        .save_document_settings(&c.p, &id, report_of(&report), &b.input())
        .await?;
    Ok(ApiJson(SettingOut::from(&x)))
}

pub async fn settings_delete(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath((id, report)): ApiPath<(OrgId, String)>,
) -> ApiResult<axum::http::StatusCode> {
    st.app
        .remove_document_settings(&c.p, &id, report_of(&report))
        .await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}

/// The logo to keep.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LogoBody {
    /// The PNG or JPEG file, standard base64 (at most 256 KB decoded).
    pub content_base64: String,
}

/// The logo as kept: a PNG made of the upload.
#[derive(Serialize, JsonSchema)]
pub struct LogoOut {
    pub width: i64,
    pub height: i64,
    /// SHA-256 of the kept PNG.
    pub sha256: String,
    pub size: i64,
    pub updated_at: i64,
}

impl From<&DocumentLogo> for LogoOut {
    fn from(l: &DocumentLogo) -> Self {
        LogoOut {
            width: l.width,
            height: l.height,
            sha256: l.sha256.clone(),
            size: l.size,
            updated_at: l.updated_at,
        }
    }
}

pub async fn logo_get(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<OrgId>,
) -> ApiResult<Response> {
    let (logo, png) = st.app.document_logo(&c.p, &id).await?;
    Ok(super::logo_response(&logo, png))
}

pub async fn logo_put(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<OrgId>,
    ApiJson(b): ApiJson<LogoBody>,
) -> ApiResult<ApiJson<LogoOut>> {
    let logo = st
        .app
        .save_document_logo_base64(&c.p, &id, &b.content_base64)
        .await?;
    Ok(ApiJson(LogoOut::from(&logo)))
}

pub async fn logo_delete(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<OrgId>,
) -> ApiResult<axum::http::StatusCode> {
    st.app.remove_document_logo(&c.p, &id).await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}

/// A document produced in the background.
#[derive(Serialize, JsonSchema)]
pub struct DocumentJobOut {
    /// The job's id, which names the document.
    pub id: String,
    pub org_id: String,
    pub org_name: String,
    pub report: String,
    pub format: String,
    /// queued, running, succeeded, failed (will retry) or dead.
    pub state: String,
    /// 0–100, with what is being done.
    pub progress: u8,
    pub progress_message: Option<String>,
    pub last_error: Option<String>,
    /// Where to download it, once done.
    pub file_url: Option<String>,
    /// SHA-256 of the file, once done.
    pub sha256: Option<String>,
    pub size: Option<i64>,
}

impl From<DocumentJob> for DocumentJobOut {
    fn from(v: DocumentJob) -> Self {
        DocumentJobOut {
            file_url: v
                .file
                .as_ref()
                .map(|_| format!("/api/v1/document-jobs/{}/file", v.job.id)),
            sha256: v.file.as_ref().map(|f| f.sha256.clone()),
            size: v.file.as_ref().map(|f| f.size),
            id: v.job.id,
            org_id: v.org.id.to_string(),
            org_name: v.org.name_zh,
            report: v.report,
            format: v.format,
            state: v.job.state.as_str().into(),
            progress: v.job.progress,
            progress_message: v.job.progress_message,
            last_error: v.job.last_error,
        }
    }
}

pub async fn job_start(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath((id, name)): ApiPath<(OrgId, String)>,
    ApiQuery(q): ApiQuery<Vec<(String, String)>>,
) -> ApiResult<(axum::http::StatusCode, axum::Json<DocumentJobOut>)> {
    let job = st
        .app
        .start_document_job(&c.p, &id, &name, super::format_of(&q))
        .await?;
    let v = st.app.document_job(&c.p, &job).await?;
    Ok((axum::http::StatusCode::ACCEPTED, axum::Json(v.into())))
}

pub async fn job_get(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<axum::Json<DocumentJobOut>> {
    Ok(axum::Json(st.app.document_job(&c.p, &id).await?.into()))
}

pub async fn job_file(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<axum::response::Response> {
    Ok(super::attachment(
        st.app.document_job_file(&c.p, &id).await?,
    ))
}
