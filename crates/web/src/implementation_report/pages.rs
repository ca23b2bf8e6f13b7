//! The implementation report pages: an organisation's report of a year
//! with its rows to edit, the approval, submission and return, the print
//! link, and the subordinates' reports.

use askama::Template;
use axum::extract::State;
use zian_app::implementation_report::{
    DraftInput, EditInput, LineInput, ReportView, ReturnInput, Rollup,
};
use zian_domain::implementation_report::Status;
use zian_domain::{ImplementationReportId, OrgId, Permission};
use zian_i18n::catalogue;

use crate::error::PageResult;
use crate::extract::{PageCaller, PageForm, PagePath, PageQuery};
use crate::layout::{FlashQuery, PageCtx, ctx, render, see_other};
use crate::state::AppState;
use crate::values::Fields;

#[derive(Template)]
#[template(path = "implementation_report.html")]
pub struct ReportPage {
    pub ctx: PageCtx,
    pub v: ReportView,
    pub rollup: Rollup,
}

impl ReportPage {
    fn tf(&self, key: &str, args: &[(&str, &str)]) -> String {
        catalogue().tf(self.ctx.lang, key, args)
    }
    pub fn status(&self, s: &str) -> String {
        self.ctx.t(&format!("implementation_report.status.{s}"))
    }
    pub fn editable(&self) -> bool {
        self.v.can_write
            && self
                .v
                .report
                .as_ref()
                .is_some_and(|r| r.status == Status::Draft)
    }
    pub fn can_approve(&self) -> bool {
        self.v.can_approve
            && self
                .v
                .report
                .as_ref()
                .is_some_and(|r| r.status == Status::Draft)
    }
    pub fn can_submit(&self) -> bool {
        self.v.can_write
            && self
                .v
                .report
                .as_ref()
                .is_some_and(|r| r.status == Status::Approved)
    }
    pub fn can_return(&self) -> bool {
        match self.v.report.as_ref().map(|r| r.status) {
            Some(Status::Submitted) => self.v.can_return,
            Some(Status::Approved) => self.v.can_approve,
            _ => false,
        }
    }
    pub fn approved_line(&self) -> String {
        let Some(r) = &self.v.report else {
            return String::new();
        };
        let d = r
            .body
            .approved_on
            .map(|d| self.ctx.day(&d))
            .unwrap_or_default();
        self.tf(
            "implementation_report.approved_line",
            &[("by", &r.body.approved_by), ("date", &d)],
        )
    }
    pub fn submitted_line(&self) -> String {
        let Some(r) = &self.v.report else {
            return String::new();
        };
        let d = r.submitted_on.map(|d| self.ctx.day(&d)).unwrap_or_default();
        let to = self
            .v
            .supervisor
            .as_ref()
            .map(|o| o.name_zh.clone())
            .unwrap_or_else(|| self.ctx.t("implementation_report.no_supervisor"));
        self.tf(
            "implementation_report.submitted_line",
            &[("by", &r.body.submitted_by), ("date", &d), ("to", &to)],
        )
    }
    pub fn returns(&self) -> Vec<String> {
        self.v
            .report
            .as_ref()
            .map(|r| {
                r.body
                    .returns
                    .iter()
                    .map(|x| {
                        self.tf(
                            "implementation_report.returned_line",
                            &[
                                ("date", &self.ctx.day(&x.on)),
                                ("by", &x.by),
                                ("reason", &x.reason),
                            ],
                        )
                    })
                    .collect()
            })
            .unwrap_or_default()
    }
    pub fn unexplained(&self) -> String {
        let codes = self
            .v
            .report
            .as_ref()
            .map(|r| r.unexplained().join("、"))
            .unwrap_or_default();
        if codes.is_empty() {
            return codes;
        }
        self.tf("implementation_report.unexplained", &[("codes", &codes)])
    }
    pub fn rollup_line(&self) -> String {
        self.tf(
            "implementation_report.rollup_line",
            &[
                ("year", &(self.rollup.year - 1911).to_string()),
                ("submitted", &self.rollup.submitted.to_string()),
                ("total", &self.rollup.rows.len().to_string()),
            ],
        )
    }
    pub fn roc_year(&self) -> i32 {
        self.v.year - 1911
    }
}

async fn page(st: &AppState, pc: &PageCaller, v: ReportView, flash: Option<&str>) -> PageResult {
    let rollup = st
        .app
        .implementation_reports_rollup(&pc.p, &v.org.id, Some(v.year))
        .await?;
    let cx = ctx(
        &st.app,
        pc,
        "implementation_report.title",
        "implementation_report",
        flash,
    )
    .await?;
    render(&ReportPage { ctx: cx, v, rollup })
}

pub async fn year(
    State(st): State<AppState>,
    pc: PageCaller,
    PagePath(id): PagePath<OrgId>,
    PageQuery(q): PageQuery<Vec<(String, String)>>,
) -> PageResult {
    let f = Fields(&q);
    let year = crate::values::number("year", f.opt("year").as_deref())?
        .and_then(|y| i32::try_from(y).ok());
    let v = st.app.implementation_report(&pc.p, &id, year).await?;
    let fq = FlashQuery::from_pairs(&q);
    page(&st, &pc, v, fq.flash().as_deref()).await
}

pub async fn show(
    State(st): State<AppState>,
    pc: PageCaller,
    PagePath(id): PagePath<ImplementationReportId>,
    PageQuery(q): PageQuery<Vec<(String, String)>>,
) -> PageResult {
    let v = st.app.implementation_report_by_id(&pc.p, &id).await?;
    let fq = FlashQuery::from_pairs(&q);
    page(&st, &pc, v, fq.flash().as_deref()).await
}

fn back(
    r: &zian_domain::implementation_report::ImplementationReport,
    ok: &str,
) -> axum::response::Response {
    see_other(&format!(
        "/implementation-reports/{}?ok=implementation_report.{ok}",
        r.id
    ))
}

pub async fn draft(
    State(st): State<AppState>,
    PagePath(id): PagePath<OrgId>,
    form: PageForm<Vec<(String, String)>>,
) -> PageResult {
    let (pc, f) = (form.pc, form.form);
    // access first: nothing about the form's validity is told to outsiders
    st.app.org_with(&pc.p, &id, Permission::RecordRead).await?;
    let f = Fields(&f);
    let year = crate::values::number("year", f.opt("year").as_deref())?
        .map(|y| i32::try_from(y).unwrap_or(i32::MAX));
    let r = st
        .app
        .draft_implementation_report(&pc.p, &id, DraftInput { year })
        .await?;
    Ok(back(&r, "drafted"))
}

pub async fn edit(
    State(st): State<AppState>,
    PagePath(id): PagePath<ImplementationReportId>,
    form: PageForm<Vec<(String, String)>>,
) -> PageResult {
    let (pc, pairs) = (form.pc, form.form);
    let f = Fields(&pairs);
    let lines = pairs
        .iter()
        .filter_map(|(k, _)| k.strip_prefix("explanation."))
        .map(|code| LineInput {
            code: code.to_string(),
            explanation: f.one(&format!("explanation.{code}")),
            evidence: f.one(&format!("evidence.{code}")),
        })
        .collect();
    let other = pairs
        .iter()
        .any(|(k, _)| k == "other")
        .then(|| f.one("other"));
    let r = st
        .app
        .edit_implementation_report(&pc.p, &id, EditInput { lines, other })
        .await?;
    Ok(back(&r, "saved"))
}

pub async fn approve(
    State(st): State<AppState>,
    PagePath(id): PagePath<ImplementationReportId>,
    form: PageForm<Vec<(String, String)>>,
) -> PageResult {
    let r = st
        .app
        .approve_implementation_report(&form.pc.p, &id)
        .await?;
    Ok(back(&r, "approved"))
}

pub async fn submit(
    State(st): State<AppState>,
    PagePath(id): PagePath<ImplementationReportId>,
    form: PageForm<Vec<(String, String)>>,
) -> PageResult {
    let r = st.app.submit_implementation_report(&form.pc.p, &id).await?;
    Ok(back(&r, "submitted"))
}

pub async fn send_back(
    State(st): State<AppState>,
    PagePath(id): PagePath<ImplementationReportId>,
    form: PageForm<Vec<(String, String)>>,
) -> PageResult {
    let (pc, f) = (form.pc, form.form);
    let f = Fields(&f);
    let r = st
        .app
        .return_implementation_report(
            &pc.p,
            &id,
            ReturnInput {
                reason: f.one("reason"),
            },
        )
        .await?;
    Ok(back(&r, "returned"))
}
