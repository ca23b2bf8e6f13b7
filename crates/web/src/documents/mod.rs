//! Official documents (文件與報表): an organisation's reports rendered by the
//! documents engine as PDF/A, ODT, ODS, DOCX, XLSX or CSV, from its page and
//! the API.

pub mod api;
pub mod pages;

use axum::http::Method as M;
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post, put};
use zian_app::documents::Rendered;
use zian_domain::documents::DocumentLogo;

use axum::extract::State;
use zian_app::documents::Subject;

use crate::extract::{ApiCaller, ApiPath, ApiQuery, PageCaller, PagePath, PageQuery};
use crate::routes::{Kind::*, Route, r};
use crate::state::AppState;

pub(crate) fn routes() -> Vec<Route> {
    let mut routes = vec![
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
    ];
    routes.extend([
        r(
            M::GET,
            "/api/v1/orgs/{id}/document-settings",
            Api,
            "documents",
            "The organisation's document settings (classification marking, approval chain, title, preface, added fields) and what each document prints with them",
            get(api::settings_get),
        )
        .resp::<api::SettingsOut>(),
        r(
            M::PUT,
            "/api/v1/orgs/{id}/document-settings/{report}",
            Api,
            "documents",
            "Set one document's settings (report `all`: every document's marking and chain); a proof is laid out first and settings that cannot print are refused (422 with the field); administrator or CISO",
            put(api::settings_put),
        )
        .req::<api::SettingsBody>()
        .resp::<api::SettingOut>(),
        r(
            M::DELETE,
            "/api/v1/orgs/{id}/document-settings/{report}",
            Api,
            "documents",
            "Forget one document's settings (the form's defaults again)",
            delete(api::settings_delete),
        ),
        r(
            M::GET,
            "/orgs/{id}/document-settings",
            Page,
            "page",
            "Document settings (?report= picks the one edited)",
            get(pages::settings),
        ),
        r(
            M::POST,
            "/orgs/{id}/document-settings",
            Page,
            "page",
            "Save document settings",
            post(pages::settings_save),
        ),
        r(
            M::POST,
            "/orgs/{id}/document-settings/remove",
            Page,
            "page",
            "Restore a document's defaults",
            post(pages::settings_remove),
        ),
           r(
            M::GET,
            "/api/v1/orgs/{id}/document-logo",
            Api,
            "documents",
            "The organisation's logo as its documents print it (PNG, at most 120 pixels high); 404 when none is set",
            get(api::logo_get),
        ),
        r(
            M::PUT,
            "/api/v1/orgs/{id}/document-logo",
            Api,
            "documents",
            "Set the organisation's logo, printed before its name in every document's header (PNG or JPEG as base64, at most 256 KB); kept as a PNG once a proof prints with it; administrator or CISO",
            put(api::logo_put),
        )
        .req::<api::LogoBody>()
        .resp::<api::LogoOut>(),
        r(
            M::DELETE,
            "/api/v1/orgs/{id}/document-logo",
            Api,
            "documents",
            "Remove the organisation's logo",
            delete(api::logo_delete),
        ),
        r(
            M::GET,
            "/orgs/{id}/document-logo",
            Page,
            "page",
            "The organisation's logo (PNG)",
            get(pages::logo),
        ),
        r(
            M::POST,
            "/orgs/{id}/document-logo",
            Page,
            "page",
            "Upload the organisation's logo",
            post(pages::logo_upload),
        ),
        r(
            M::POST,
            "/orgs/{id}/document-logo/remove",
            Page,
            "page",
            "Remove the organisation's logo",
            post(pages::logo_remove),
        ),
    ]);
    // large documents in the background, with their progress
    routes.extend([
        r(
            M::POST,
            "/api/v1/orgs/{id}/documents/{name}/jobs",
            Api,
            "documents",
            "Produce one document in the background (format=…; default pdf): 202 with the job to follow; the file is kept seven days",
            post(api::job_start),
        )
        .resp::<api::DocumentJobOut>(),
        r(
            M::GET,
            "/api/v1/document-jobs/{id}",
            Api,
            "documents",
            "A document produced in the background: state, progress, and once done its file's address and SHA-256",
            get(api::job_get),
        )
        .resp::<api::DocumentJobOut>(),
        r(
            M::GET,
            "/api/v1/document-jobs/{id}/file",
            Api,
            "documents",
            "The file of a document produced in the background",
            get(api::job_file),
        ),
        r(
            M::POST,
            "/orgs/{id}/documents/{name}/jobs",
            Page,
            "page",
            "Produce a document in the background",
            post(pages::job_start),
        ),
        r(
            M::GET,
            "/document-jobs/{id}",
            Page,
            "page",
            "A document being produced in the background, then its download",
            get(pages::job),
        ),
        r(
            M::GET,
            "/document-jobs/{id}/file",
            Page,
            "page",
            "Download a document produced in the background",
            get(pages::job_file),
        ),
    ]);
    // a record's documents sit under the record's own path
    routes.extend(record_routes(
        Subject::Incident,
        "/incidents/{id}/documents/{name}",
        "/api/v1/incidents/{id}/documents/{name}",
        "An incident's document as a file (incident-notification, incident-report; format=pdf|odt|docx|…)",
    ));
    routes.extend(record_routes(
        Subject::Process,
        "/continuity/processes/{id}/documents/{name}",
        "/api/v1/continuity/processes/{id}/documents/{name}",
        "A business process's document as a file (continuity-plan; format=pdf|odt|docx|…)",
    ));
    routes.extend(record_routes(
        Subject::Audit,
        "/audits/{id}/documents/{name}",
        "/api/v1/audits/{id}/documents/{name}",
        "An audit's document as a file (audit-report: 稽核結果及改善報告; audit-checklist: the items with their results; improvement-tracking: 改善績效追蹤報告; format=pdf|odt|docx|…)",
    ));
    routes.extend(record_routes(
        Subject::ImplementationReport,
        "/implementation-reports/{id}/documents/{name}",
        "/api/v1/implementation-reports/{id}/documents/{name}",
        "An implementation report as a file (implementation-report: 資通安全維護計畫實施情形; format=pdf|odt|docx|ods|xlsx|csv)",
    ));
    routes.extend(record_routes(
        Subject::Vendor,
        "/vendors/{id}/documents/{name}",
        "/api/v1/vendors/{id}/documents/{name}",
        "A vendor's forms as a file (vendor-nda: 委外廠商執行人員保密切結書及保密同意書 for its current staff; format=pdf|odt|docx)",
    ));
    routes.extend(record_routes(
        Subject::ManagementReview,
        "/management-reviews/{id}/documents/{name}",
        "/api/v1/management-reviews/{id}/documents/{name}",
        "A management review's minutes as a file (management-review-minutes: 資通安全管理審查會議紀錄; format=pdf|odt|docx|…)",
    ));
    routes.extend(record_routes(
        Subject::MaturityReport,
        "/maturity-reports/{id}/documents/{name}",
        "/api/v1/maturity-reports/{id}/documents/{name}",
        "A monthly progress report as a file (maturity-report: L1-L5營運框架月度進度報告 in the seed's layout; format=pdf|odt|docx)",
    ));
    routes.extend(record_routes(
        Subject::PeopleForm,
        "/people-forms/{id}/documents/{name}",
        "/api/v1/people-forms/{id}/documents/{name}",
        "A people form as a file (resource-request: 資通安全需求申請單; confidentiality-agreement: 資通安全保密同意書; format=pdf|odt|docx|…)",
    ));
    routes.extend(record_routes(
        Subject::Drill,
        "/drills/{id}/documents/{name}",
        "/api/v1/drills/{id}/documents/{name}",
        "A drill's document as a file (drill-report; format=pdf|odt|docx|…)",
    ));
    routes
}

/// The API and page routes of one kind of record's documents.
fn record_routes(
    subject: Subject,
    page: &'static str,
    api: &'static str,
    what: &'static str,
) -> [Route; 2] {
    [
        r(
            M::GET,
            api,
            Api,
            "documents",
            what,
            get(
                move |State(st): State<AppState>,
                      c: ApiCaller,
                      ApiPath(p): ApiPath<(String, String)>,
                      ApiQuery(q): ApiQuery<Vec<(String, String)>>| {
                    api::record_download(st, c, subject, p, q)
                },
            ),
        ),
        r(
            M::GET,
            page,
            Page,
            "page",
            what,
            get(
                move |State(st): State<AppState>,
                      pc: PageCaller,
                      PagePath(p): PagePath<(String, String)>,
                      PageQuery(q): PageQuery<Vec<(String, String)>>| {
                    pages::record_download(st, pc, subject, p, q)
                },
            ),
        ),
    ]
}

/// `?format=` (PDF when absent).
pub(crate) fn format_of(q: &[(String, String)]) -> &str {
    q.iter()
        .find(|(k, _)| k == "format")
        .map_or("pdf", |(_, v)| v.as_str())
}

/// The download links of a record's document `name` (`base`: the
/// record's page path, e.g. `/incidents/{id}`): `(format, href)`.
pub fn download_links(base: &str, name: &str) -> Vec<(String, String)> {
    zian_app::documents::find(name)
        .map(|r| r.formats())
        .unwrap_or_default()
        .into_iter()
        .map(|f| {
            (
                f.as_str().to_uppercase(),
                format!("{base}/documents/{name}?format={}", f.as_str()),
            )
        })
        .collect()
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
/// The logo as an image response (never sniffed, never cached past a change).
pub(crate) fn logo_response(logo: &DocumentLogo, png: Vec<u8>) -> Response {
    use axum::http::header;
    (
        [
            (header::CONTENT_TYPE, "image/png".to_string()),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_string()),
            (header::CACHE_CONTROL, "private, no-cache".to_string()),
            (header::ETAG, format!("\"{}\"", logo.sha256)),
        ],
        png,
    )
        .into_response()
}

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

/// Builds and renders a record's document on a blocking thread.
pub(crate) async fn produce_record(
    app: &zian_app::App,
    p: &zian_domain::Principal,
    subject: Subject,
    id: &str,
    name: &str,
    format: &str,
) -> zian_app::Result<Rendered> {
    let format = zian_app::documents::parse_format(format)?;
    let (_, doc) = app.record_report(p, subject, id, name).await?;
    let app = app.clone();
    tokio::task::spawn_blocking(move || app.render(&doc, format))
        .await
        .map_err(|e| zian_app::AppError::Internal(e.to_string()))?
}
