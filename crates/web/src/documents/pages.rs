//! The documents page: each report with a link per format.

use askama::Template;
use axum::extract::State;
use serde::Deserialize;
use zian_app::documents::{DocumentJob, SettingsView, Subject, reports_of};
use zian_domain::documents::SettingsInput;
use zian_domain::{OrgId, Organisation, Permission};

use zian_app::AppError;
use zian_i18n::msg;

use crate::error::PageResult;
use crate::extract::{PageCaller, PageForm, PagePath, PageQuery, PageUpload};
use crate::layout::{PageCtx, ctx, render, see_other};
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
        reports: reports_of(Subject::Org)
            .map(|r| ReportRow {
                name: r.name,
                formats: super::api::formats(r),
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
    let r = super::produce(&st.app, &pc.p, &org.id, &name, super::format_of(&q)).await?;
    Ok(super::attachment(r))
}

/// A record's document, from its page.
pub async fn record_download(
    st: AppState,
    pc: PageCaller,
    subject: Subject,
    (id, name): (String, String),
    q: Vec<(String, String)>,
) -> PageResult {
    let r =
        super::produce_record(&st.app, &pc.p, subject, &id, &name, super::format_of(&q)).await?;
    Ok(super::attachment(r))
}

/// The settings page: what each document prints, and the form for the
/// general settings or (`?report=`) one report's.
#[derive(Template)]
#[template(path = "document_settings.html")]
pub struct SettingsPage {
    pub ctx: PageCtx,
    pub v: SettingsView,
    /// The report being edited (empty: every document).
    pub report: String,
    /// The form's values: the settings being edited as typed.
    pub classification: String,
    pub signatures: String,
    pub title: String,
    pub preface: String,
    pub extra_fields: String,
    /// Whether the edited settings exist (can be removed).
    pub exists: bool,
}

impl SettingsPage {
    pub fn report_name(&self, name: &str) -> String {
        self.ctx.t(&format!("documents.name.{name}"))
    }
}

pub async fn settings(
    State(st): State<AppState>,
    pc: PageCaller,
    PagePath(id): PagePath<OrgId>,
    PageQuery(q): PageQuery<Vec<(String, String)>>,
) -> PageResult {
    let v = st.app.document_settings(&pc.p, &id).await?;
    let report = q
        .iter()
        .find(|(k, _)| k == "report")
        .map(|(_, r)| r.clone())
        .filter(|r| zian_app::documents::find(r).is_some())
        .unwrap_or_default();
    let edited = if report.is_empty() {
        v.general.clone()
    } else {
        v.reports
            .iter()
            .find(|(s, _, _)| s.name == report)
            .and_then(|(_, own, _)| own.clone())
    };
    let fq = crate::layout::FlashQuery::from_pairs(&q);
    let cx = ctx(
        &st.app,
        &pc,
        "documents.settings",
        "documents",
        fq.flash().as_deref(),
    )
    .await?;
    let lines = |v: &[String]| v.join("\n");
    render(&SettingsPage {
        ctx: cx,
        exists: edited.is_some(),
        classification: edited
            .as_ref()
            .map(|x| x.classification.to_string())
            .unwrap_or_default(),
        signatures: edited
            .as_ref()
            .and_then(|x| x.signatures.as_deref())
            .map(lines)
            .unwrap_or_default(),
        title: edited
            .as_ref()
            .map(|x| x.title.to_string())
            .unwrap_or_default(),
        preface: edited
            .as_ref()
            .map(|x| x.preface.to_string())
            .unwrap_or_default(),
        extra_fields: edited
            .as_ref()
            .map(|x| lines(&x.extra_fields))
            .unwrap_or_default(),
        report,
        v,
    })
}

/// The settings form as posted.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SettingsForm {
    report: String,
    classification: String,
    signatures: String,
    title: String,
    preface: String,
    extra_fields: String,
}

fn back(id: &OrgId, report: &str, flash: &str) -> String {
    format!("/orgs/{id}/document-settings?report={report}&ok=documents.{flash}#settings-form")
}

pub async fn settings_save(
    State(st): State<AppState>,
    PagePath(id): PagePath<OrgId>,
    form: PageForm<SettingsForm>,
) -> PageResult {
    let (pc, f) = (form.pc, form.form);
    // access first: nothing about the form's validity is told to outsiders
    st.app.org_with(&pc.p, &id, Permission::OrgRead).await?;
    let input = SettingsInput {
        classification: f.classification,
        signatures: f.signatures,
        title: f.title,
        preface: f.preface,
        extra_fields: f.extra_fields,
    };
    st.app
        .save_document_settings(&pc.p, &id, &f.report, &input)
        .await?;
    Ok(see_other(&back(&id, &f.report, "settings_saved")))
}

/// The report whose settings go.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct RemoveForm {
    report: String,
}

pub async fn settings_remove(
    State(st): State<AppState>,
    PagePath(id): PagePath<OrgId>,
    form: PageForm<RemoveForm>,
) -> PageResult {
    let (pc, f) = (form.pc, form.form);
    st.app
        .remove_document_settings(&pc.p, &id, &f.report)
        .await?;
    Ok(see_other(&back(&id, &f.report, "settings_removed")))
}

pub async fn logo(
    State(st): State<AppState>,
    pc: PageCaller,
    PagePath(id): PagePath<OrgId>,
) -> PageResult {
    let (logo, png) = st.app.document_logo(&pc.p, &id).await?;
    Ok(super::logo_response(&logo, png))
}

pub async fn logo_upload(
    State(st): State<AppState>,
    PagePath(id): PagePath<OrgId>,
    up: PageUpload,
) -> PageResult {
    // access first: nothing about the upload is told to outsiders
    st.app
        .org_with(up.principal(), &id, Permission::OrgRead)
        .await?;
    let (pc, file, _) = up.read_with(zian_documents::MAX_LOGO_BYTES, &[]).await?;
    let file =
        file.ok_or_else(|| AppError::invalid("logo", msg!("reason.evidence.choose_file")))?;
    st.app.save_document_logo(&pc.p, &id, &file.bytes).await?;
    Ok(see_other(&format!(
        "/orgs/{id}/document-settings?ok=documents.logo_saved#logo-h"
    )))
}

pub async fn logo_remove(
    State(st): State<AppState>,
    PagePath(id): PagePath<OrgId>,
    form: PageForm<RemoveForm>,
) -> PageResult {
    st.app.remove_document_logo(&form.pc.p, &id).await?;
    Ok(see_other(&format!(
        "/orgs/{id}/document-settings?ok=documents.logo_removed#logo-h"
    )))
}

/// The format a background document is asked in.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct JobForm {
    format: String,
}

pub async fn job_start(
    State(st): State<AppState>,
    PagePath((id, name)): PagePath<(OrgId, String)>,
    form: PageForm<JobForm>,
) -> PageResult {
    let (pc, f) = (form.pc, form.form);
    let job = st
        .app
        .start_document_job(&pc.p, &id, &name, &f.format)
        .await?;
    Ok(see_other(&format!("/document-jobs/{job}")))
}

/// A background document: its progress (the page refreshes itself while
/// the job runs), then its download.
#[derive(Template)]
#[template(path = "document_job.html")]
pub struct JobPage {
    pub ctx: PageCtx,
    pub v: DocumentJob,
}

impl JobPage {
    pub fn running(&self) -> bool {
        matches!(self.v.job.state.as_str(), "queued" | "running" | "failed")
    }
    pub fn report_name(&self) -> String {
        self.ctx.t(&format!("documents.name.{}", self.v.report))
    }
}

pub async fn job(
    State(st): State<AppState>,
    pc: PageCaller,
    PagePath(id): PagePath<String>,
) -> PageResult {
    let v = st.app.document_job(&pc.p, &id).await?;
    let cx = ctx(&st.app, &pc, "documents.job_title", "documents", None).await?;
    render(&JobPage { ctx: cx, v })
}

pub async fn job_file(
    State(st): State<AppState>,
    pc: PageCaller,
    PagePath(id): PagePath<String>,
) -> PageResult {
    Ok(super::attachment(
        st.app.document_job_file(&pc.p, &id).await?,
    ))
}
