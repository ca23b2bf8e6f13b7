//! The administrators' job pages: the queue filtered by state and kind,
//! a job with its attempts, and re-running a finished or dead job.

use askama::Template;
use axum::extract::State;
use zian_app::jobs::JobView;
use zian_domain::Page;
use zian_domain::jobs::{Job, JobState};

use crate::error::PageResult;
use crate::extract::{NoFields, PageCaller, PageForm, PagePath, PageQuery};
use crate::layout::{FlashQuery, PageCtx, ctx, render, see_other};
use crate::list::Pager;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "jobs.html")]
pub struct JobsPage {
    pub ctx: PageCtx,
    pub page: Page<Job>,
    pub pager: Pager,
    pub state: String,
    pub kind: String,
    pub q: String,
    pub states: Vec<&'static str>,
}

#[derive(Template)]
#[template(path = "job_show.html")]
pub struct JobPage {
    pub ctx: PageCtx,
    pub view: JobView,
    pub may_rerun: bool,
}

/// Shared by both pages: words for states, outcomes and organisations.
fn state_name(c: &PageCtx, s: JobState) -> String {
    c.t(&format!("jobs.states.{}", s.as_str()))
}

fn org_name(c: &PageCtx, j: &Job) -> String {
    match &j.org_id {
        None => c.t("jobs.system"),
        Some(id) => c
            .orgs
            .iter()
            .find(|o| o.id == id.as_str())
            .map_or_else(|| id.to_string(), |o| o.label.trim().to_string()),
    }
}

impl JobsPage {
    pub fn state_name(&self, j: &Job) -> String {
        state_name(&self.ctx, j.state)
    }
    pub fn state_label(&self, s: &str) -> String {
        self.ctx.t(&format!("jobs.states.{s}"))
    }
    pub fn org_name(&self, j: &Job) -> String {
        org_name(&self.ctx, j)
    }
}

impl JobPage {
    pub fn state_name(&self) -> String {
        state_name(&self.ctx, self.view.job.state)
    }
    pub fn org_name(&self) -> String {
        org_name(&self.ctx, &self.view.job)
    }
    pub fn outcome(&self, o: &Option<String>) -> String {
        self.ctx
            .t(&format!("jobs.outcomes.{}", o.as_deref().unwrap_or("lost")))
    }
    /// The input, indented when it is JSON.
    pub fn payload(&self) -> String {
        serde_json::from_str::<serde_json::Value>(&self.view.job.payload)
            .ok()
            .and_then(|v| serde_json::to_string_pretty(&v).ok())
            .unwrap_or_else(|| self.view.job.payload.clone())
    }
}

pub async fn list(
    State(st): State<AppState>,
    pc: PageCaller,
    PageQuery(pairs): PageQuery<Vec<(String, String)>>,
) -> PageResult {
    let q = crate::list::query(&pairs, super::FILTERS)?;
    let page = st.app.list_jobs(&pc.p, &q).await?;
    let c = ctx(&st.app, &pc, "jobs.title", "jobs", None).await?;
    let get = |k: &str| q.filter_value(k).unwrap_or_default().to_string();
    render(&JobsPage {
        ctx: c,
        pager: Pager::new(&page, "/admin/jobs", &pairs),
        state: get("state"),
        kind: get("kind"),
        q: q.text().unwrap_or_default().to_string(),
        states: JobState::ALL.iter().map(|s| s.as_str()).collect(),
        page,
    })
}

pub async fn show(
    State(st): State<AppState>,
    pc: PageCaller,
    PagePath(id): PagePath<String>,
    PageQuery(f): PageQuery<FlashQuery>,
) -> PageResult {
    let view = st.app.job_view(&pc.p, &id).await?;
    let c = ctx(&st.app, &pc, "jobs.detail", "jobs", f.flash().as_deref()).await?;
    render(&JobPage {
        ctx: c,
        may_rerun: view.job.state.may_rerun(),
        view,
    })
}

pub async fn rerun(
    State(st): State<AppState>,
    PagePath(id): PagePath<String>,
    f: PageForm<NoFields>,
) -> PageResult {
    st.app
        .rerun_job(&f.pc.p, &id, super::RERUN_ATTEMPTS)
        .await?;
    Ok(see_other(&format!(
        "/admin/jobs/{}?ok=job_rerun",
        crate::list::enc(&id)
    )))
}
