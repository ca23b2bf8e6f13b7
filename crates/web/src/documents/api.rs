//! The documents API.

use axum::extract::State;
use schemars::JsonSchema;
use serde::Serialize;
use zian_domain::{OrgId, Permission};

use crate::error::ApiResult;
use crate::extract::{ApiCaller, ApiPath, ApiQuery};
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

/// Whether a report is a table (CSV offered).
pub(crate) fn formats(name: &str) -> Vec<String> {
    zian_documents::Format::ALL
        .into_iter()
        .filter(|f| *f != zian_documents::Format::Csv || name != "maintenance-plan")
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
        reports: zian_app::documents::REPORTS
            .iter()
            .map(|(name, title)| ReportOut {
                name: (*name).into(),
                title: (*title).into(),
                formats: formats(name),
                url: format!("/api/v1/orgs/{}/documents/{name}", org.id),
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
    let format = q
        .iter()
        .find(|(k, _)| k == "format")
        .map_or("pdf", |(_, v)| v.as_str());
    let r = super::produce(&st.app, &c.p, &org.id, &name, format).await?;
    Ok(super::attachment(r))
}
