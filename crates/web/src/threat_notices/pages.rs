//! The threat notice pages: an organisation's notices (issued, with their
//! progress; received, with its response) and the form to issue one; a
//! notice with the issuer's board of who is where, the laggards, the
//! organisations with the notice's CVEs, and for an organisation addressed
//! the form to report its next step.

use askama::Template;
use axum::extract::{Query, State};
use zian_app::threat_notices::{
    BoardRow, CloseInput, NoticeDetail, NoticeInput, NoticeList, ReportInput,
};
use zian_domain::threat_notices::{Severity, Step, ThreatResponse};
use zian_domain::{OrgId, Permission, ThreatNoticeId, ThreatResponseId};

use crate::error::PageResult;
use crate::extract::{PageCaller, PageForm, PagePath};
use crate::layout::{FlashQuery, PageCtx, ctx, render, see_other};
use crate::state::AppState;
use crate::values::Fields;

#[derive(Template)]
#[template(path = "threat_notices.html")]
pub struct ListPage {
    pub ctx: PageCtx,
    pub v: NoticeList,
    pub due_default: String,
}

impl ListPage {
    pub fn severities(&self) -> Vec<&'static str> {
        Severity::ALL.iter().map(|s| s.as_str()).collect()
    }
    pub fn step_name(&self, r: &ThreatResponse) -> String {
        step_label(&self.ctx, r.step.map(|s| s.as_str()))
    }
}

/// `3 規劃` or `未回報`.
fn step_label(cx: &PageCtx, step: Option<&str>) -> String {
    match step.and_then(|s| Step::parse(s).ok()) {
        Some(s) => format!(
            "{} {}",
            s.number(),
            cx.t(&format!("threat_notices.step.{}", s.as_str()))
        ),
        None => cx.t("threat_notices.outcome.pending"),
    }
}

#[derive(Template)]
#[template(path = "threat_notice.html")]
pub struct ShowPage {
    pub ctx: PageCtx,
    pub v: NoticeDetail,
}

impl ShowPage {
    pub fn steps(&self) -> [Step; 6] {
        Step::ALL
    }
    pub fn step_of(&self, row: &BoardRow) -> String {
        step_label(&self.ctx, row.step.as_deref())
    }
    pub fn step_name(&self, s: &Step) -> String {
        format!(
            "{} {}",
            s.number(),
            self.ctx.t(&format!("threat_notices.step.{}", s.as_str()))
        )
    }
    /// The step count of the board at `s`.
    pub fn at_step(&self, s: &Step) -> u32 {
        self.v.board.at_step[usize::from(s.number() - 1)]
    }
    /// The response behind a row.
    pub fn response(&self, row: &BoardRow) -> Option<&ThreatResponse> {
        self.v
            .responses
            .iter()
            .find(|r| r.id.as_str() == row.response_id)
    }
    pub fn reportable(&self, row: &BoardRow) -> Vec<Step> {
        self.response(row)
            .map(|r| r.reportable())
            .unwrap_or_default()
    }
    pub fn evidence_of(&self, row: &BoardRow) -> Vec<(String, String)> {
        self.v
            .evidence
            .iter()
            .filter(|(o, _, _)| *o == row.org_id)
            .map(|(_, id, name)| (id.clone(), name.clone()))
            .collect()
    }
    pub fn incidents_of(&self, row: &BoardRow) -> Vec<(String, String)> {
        self.v
            .incidents
            .iter()
            .filter(|(o, _, _)| *o == row.org_id)
            .map(|(_, id, name)| (id.clone(), name.clone()))
            .collect()
    }
    pub fn open(&self) -> bool {
        self.v.notice.status == zian_domain::threat_notices::NoticeStatus::Open
    }
}

pub async fn list(
    State(st): State<AppState>,
    pc: PageCaller,
    PagePath(id): PagePath<OrgId>,
    Query(fq): Query<FlashQuery>,
) -> PageResult {
    let v = st.app.threat_notice_list(&pc.p, &id).await?;
    let cx = ctx(
        &st.app,
        &pc,
        "threat_notices.title",
        "threat_notices",
        fq.flash().as_deref(),
    )
    .await?;
    render(&ListPage {
        ctx: cx,
        v,
        due_default: zian_domain::day::ymd(st.app.today() + time::Duration::days(7)),
    })
}

pub async fn issue(
    State(st): State<AppState>,
    PagePath(id): PagePath<OrgId>,
    form: PageForm<Vec<(String, String)>>,
) -> PageResult {
    let (pc, f) = (form.pc, form.form);
    st.app.org_with(&pc.p, &id, Permission::RecordRead).await?;
    let f = Fields(&f);
    let n = st
        .app
        .issue_threat_notice(
            &pc.p,
            &id,
            NoticeInput {
                title: f.one("title"),
                severity: f.one("severity"),
                text: f.one("text"),
                cves: f.one("cves"),
                due_on: f.one("due_on"),
                targets: f.many("targets"),
                intel_id: f.opt("intel_id"),
            },
        )
        .await?;
    Ok(see_other(&format!(
        "/threat-notices/{}?ok=threat_notices.issued",
        n.id
    )))
}

pub async fn show(
    State(st): State<AppState>,
    pc: PageCaller,
    PagePath(id): PagePath<ThreatNoticeId>,
    Query(fq): Query<FlashQuery>,
) -> PageResult {
    let v = st.app.threat_notice(&pc.p, &id).await?;
    let cx = ctx(
        &st.app,
        &pc,
        "threat_notices.title",
        "threat_notices",
        fq.flash().as_deref(),
    )
    .await?;
    render(&ShowPage { ctx: cx, v })
}

pub async fn remind(
    State(st): State<AppState>,
    PagePath(id): PagePath<ThreatNoticeId>,
    form: PageForm<Vec<(String, String)>>,
) -> PageResult {
    let pc = form.pc;
    st.app.remind_threat_laggards(&pc.p, &id).await?;
    Ok(see_other(&format!(
        "/threat-notices/{id}?ok=threat_notices.reminded#board"
    )))
}

pub async fn close(
    State(st): State<AppState>,
    PagePath(id): PagePath<ThreatNoticeId>,
    form: PageForm<Vec<(String, String)>>,
) -> PageResult {
    let (pc, f) = (form.pc, form.form);
    let f = Fields(&f);
    st.app
        .close_threat_notice(
            &pc.p,
            &id,
            CloseInput {
                note: f.one("note"),
            },
        )
        .await?;
    Ok(see_other(&format!(
        "/threat-notices/{id}?ok=threat_notices.closed"
    )))
}

pub async fn report(
    State(st): State<AppState>,
    PagePath(id): PagePath<ThreatResponseId>,
    form: PageForm<Vec<(String, String)>>,
) -> PageResult {
    let (pc, f) = (form.pc, form.form);
    let f = Fields(&f);
    let affected = match f.one("affected").as_str() {
        "yes" => Some(true),
        "no" => Some(false),
        _ => None,
    };
    let r = st
        .app
        .report_threat_step(
            &pc.p,
            &id,
            ReportInput {
                step: f.one("step"),
                note: f.one("note"),
                affected,
                incident_id: f.opt("incident_id"),
                evidence_id: f.opt("evidence_id"),
            },
        )
        .await?;
    Ok(see_other(&format!(
        "/threat-notices/{}?ok=threat_notices.reported#r-{}",
        r.notice_id, r.id
    )))
}
