//! The documents page: each report with a link per format.

use askama::Template;
use axum::extract::State;
use zian_domain::{OrgId, Organisation, Permission};

use crate::error::PageResult;
use crate::extract::{PageCaller, PagePath, PageQuery};
use crate::layout::{PageCtx, ctx, render};
use crate::state::AppState;

pub struct ReportRow {
    pub name: &'static str,
    pub formats: Vec<String>,
}

#[derive(Template)]
#[template(path = "documents.html")]
pub struct ListPage {
    pub ctx: PageCtx,
    pub org: Organisation,
    pub reports: Vec<ReportRow>,
}

pub async fn list(
    State(st): State<AppState>,
    pc: PageCaller,
    PagePath(id): PagePath<OrgId>,
) -> PageResult {
    let org = st.app.org_with(&pc.p, &id, Permission::RecordRead).await?;
    let cx = ctx(&st.app, &pc, "documents.title", "documents", None).await?;
    render(&ListPage {
        ctx: cx,
        org,
        reports: zian_app::documents::REPORTS
            .iter()
            .map(|(name, _)| ReportRow {
                name,
                formats: super::api::formats(name),
            })
            .collect(),
    })
}

pub async fn download(
    State(st): State<AppState>,
    pc: PageCaller,
    PagePath((id, name)): PagePath<(OrgId, String)>,
    PageQuery(q): PageQuery<Vec<(String, String)>>,
) -> PageResult {
    let org = st.app.org_with(&pc.p, &id, Permission::RecordRead).await?;
    let format = q
        .iter()
        .find(|(k, _)| k == "format")
        .map_or("pdf", |(_, v)| v.as_str());
    let r = super::produce(&st.app, &pc.p, &org.id, &name, format).await?;
    Ok(super::attachment(r))
}
