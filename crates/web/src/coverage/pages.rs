//! The endpoint coverage page: the register's coverage and each device's
//! gaps, the devices the consoles see that the register misses, the SOC's
//! figures and latest alerts, the subtree's agencies with the B-level
//! indicators and their formulas, and the form to import an export.

use askama::Template;
use axum::extract::{Query, State};
use zian_app::coverage::{CoverageView, ImportInput, ImportRead};
use zian_domain::coverage::Ratio;
use zian_domain::{OrgId, Permission};

use crate::error::PageResult;
use crate::extract::{PageCaller, PageForm, PagePath};
use crate::layout::{FlashQuery, PageCtx, ctx, render};
use crate::state::AppState;
use crate::values::Fields;

#[derive(Template)]
#[template(path = "coverage.html")]
pub struct ShowPage {
    pub ctx: PageCtx,
    pub v: CoverageView,
    /// An import's result, shown once.
    pub read: Option<ImportRead>,
}

/// `12 / 20（60.0%）` or `—`.
fn ratio(r: &Ratio) -> String {
    match r.percent() {
        Some(p) => format!("{} / {}（{p:.1}%）", r.numerator, r.denominator),
        None => "—".into(),
    }
}

impl ShowPage {
    pub fn edr(&self) -> String {
        ratio(&self.v.coverage.edr_ratio())
    }
    pub fn av(&self) -> String {
        ratio(&self.v.coverage.av_ratio())
    }
    pub fn gcb(&self) -> String {
        ratio(&self.v.coverage.gcb_ratio())
    }
    pub fn vans(&self) -> String {
        ratio(&self.v.coverage.vans_ratio())
    }
    pub fn b_submission(&self) -> String {
        ratio(&self.v.kpis.b_submission)
    }
    pub fn b_adoption(&self) -> String {
        ratio(&self.v.kpis.b_adoption)
    }
    pub fn agency_edr(&self, c: &zian_domain::coverage::Coverage) -> String {
        ratio(&c.edr_ratio())
    }
    pub fn mttr(&self) -> String {
        self.v
            .alerts
            .mean_time_to_respond_secs
            .map_or_else(|| "—".into(), |s| format!("{}", s / 60))
    }
    pub fn ips(&self, d: &zian_domain::coverage::DeviceReport) -> String {
        d.ip.iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("、")
    }
    pub fn severities(&self) -> [(&'static str, u32); 5] {
        let s = self.v.alerts.by_severity;
        [
            ("critical", s[0]),
            ("high", s[1]),
            ("medium", s[2]),
            ("low", s[3]),
            ("info", s[4]),
        ]
    }
}

pub async fn show(
    State(st): State<AppState>,
    pc: PageCaller,
    PagePath(id): PagePath<OrgId>,
    Query(fq): Query<FlashQuery>,
) -> PageResult {
    let v = st.app.coverage(&pc.p, &id).await?;
    let cx = ctx(
        &st.app,
        &pc,
        "coverage.title",
        "coverage",
        fq.flash().as_deref(),
    )
    .await?;
    render(&ShowPage {
        ctx: cx,
        v,
        read: None,
    })
}

/// An export pasted in, kept; the page shows what was read and skipped.
pub async fn import(
    State(st): State<AppState>,
    PagePath(id): PagePath<OrgId>,
    form: PageForm<Vec<(String, String)>>,
) -> PageResult {
    let (pc, f) = (form.pc, form.form);
    st.app.org_with(&pc.p, &id, Permission::RecordRead).await?;
    let f = Fields(&f);
    let read = st
        .app
        .import_coverage(
            &pc.p,
            &id,
            ImportInput {
                dataset: f.one("dataset"),
                format: f.one("format"),
                source: f.one("source"),
                content: f.one("content"),
                commit: true,
            },
            pc.lang,
        )
        .await?;
    let v = st.app.coverage(&pc.p, &id).await?;
    let cx = ctx(
        &st.app,
        &pc,
        "coverage.title",
        "coverage",
        Some("ok:coverage.imported"),
    )
    .await?;
    render(&ShowPage {
        ctx: cx,
        v,
        read: Some(read),
    })
}
