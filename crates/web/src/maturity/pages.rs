//! The L1–L5 maturity pages: an organisation's dashboard (layers, OKRs,
//! phases with their tasks, charts, monthly reports) or the form to start a
//! programme; the framework's editor; a month's report completed, signed,
//! reviewed and published; a supervisor's heat map of its subtree.

use askama::Template;
use axum::extract::{Query, State};
use zian_app::AppError;
use zian_app::maturity::{
    AgendaNoteInput, AmountInput, Comparison, FrameworkInput, IssueInput, KeyResultInput, KrRow,
    LayerInput, LayerScoreInput, MaturityView, MeetingInput, ProgrammeInput, ReportDetail,
    ReportEditInput, ReportInput, ResolutionInput, ReviewInput, RiskInput, Summary, TaskInput,
    TaskStatusInput, TrackingInput,
};
use zian_domain::maturity::{
    Agenda, Layer, MaturityReport, Metric, Month, Programme, ReportStatus, maturity_series,
};
use zian_domain::{MaturityProgrammeId, MaturityReportId, OrgId, Permission};
use zian_i18n::catalogue;

use super::charts::{self, Series, num};
use crate::continuity::pages::ActionsPart;
use crate::error::PageResult;
use crate::extract::{PageCaller, PageForm, PagePath, PageQuery};
use crate::layout::{FlashQuery, PageCtx, ctx, render, see_other};
use crate::state::AppState;
use crate::values::Fields;

/// A decimal typed into a form (blank: none).
fn decimal(field: &str, s: Option<String>) -> Result<Option<f64>, AppError> {
    let Some(s) = s.map(|s| s.trim().to_string()).filter(|s| !s.is_empty()) else {
        return Ok(None);
    };
    s.parse::<f64>()
        .ok()
        .filter(|x| x.is_finite())
        .map(Some)
        .ok_or_else(|| AppError::invalid(field, zian_i18n::msg!("reason.number")))
}

/// What the tables' helpers share.
pub struct Fmt<'a>(pub &'a PageCtx);

impl Fmt<'_> {
    pub fn status(&self, s: &str) -> String {
        self.0.t(&format!("maturity.status.{s}"))
    }
    pub fn num(&self, v: &Option<f64>) -> String {
        v.map(num).unwrap_or_else(|| "—".into())
    }
    pub fn n(&self, v: &f64) -> String {
        num(*v)
    }
    /// A maturity score, always with its decimal (2.0).
    pub fn score(&self, v: &f64) -> String {
        format!("{v:.1}")
    }
    pub fn oscore(&self, v: &Option<f64>) -> String {
        v.map(|x| format!("{x:.1}")).unwrap_or_else(|| "—".into())
    }
    pub fn p(&self, v: &f64) -> String {
        format!("{}%", num(*v))
    }
    pub fn pct(&self, v: &Option<f64>) -> String {
        v.map(|x| format!("{}%", num(x)))
            .unwrap_or_else(|| "—".into())
    }
    pub fn target(&self, k: &KrRow) -> String {
        let sym = if k.direction == "lower" { "≤" } else { "≥" };
        format!("{sym}{}{}", num(k.target), k.unit)
    }
    pub fn value(&self, k: &KrRow) -> String {
        k.value
            .map(|v| format!("{}{}", num(v), k.unit))
            .unwrap_or_else(|| "—".into())
    }
    pub fn source(&self, k: &KrRow) -> String {
        match &k.source_key {
            Some(key) => {
                let args: Vec<(&str, &str)> = k
                    .source_args
                    .iter()
                    .map(|(a, b)| (a.as_str(), b.as_str()))
                    .collect();
                catalogue().tf(self.0.lang, key, &args)
            }
            None => k.basis.clone(),
        }
    }
    pub fn metric(&self, m: &Option<String>) -> String {
        match m {
            Some(m) => self.0.t(&format!("maturity.metric.{m}")),
            None => self.0.t("maturity.typed"),
        }
    }
    pub fn rating(&self, s: &str) -> String {
        self.0.t(&format!("maturity.rating.{s}"))
    }
    pub fn tracking(&self, s: &str) -> String {
        self.0.t(&format!("maturity.tracking_status.{s}"))
    }
    pub fn report_status(&self, s: &str) -> String {
        self.0.t(&format!("maturity.report_status.{s}"))
    }
    pub fn phase_progress(&self, ph: &zian_app::maturity::PhaseRow) -> String {
        catalogue().tf(
            self.0.lang,
            "maturity.phase_progress",
            &[
                ("pct", &num(ph.progress)),
                ("done", &ph.tasks_done.to_string()),
                ("planned", &ph.tasks_planned.to_string()),
                ("el", &ph.elapsed.to_string()),
                ("months", &ph.months.to_string()),
            ],
        )
    }
    pub fn phase(&self, n: &u8, title: &str, from: &str, to: &str) -> String {
        catalogue().tf(
            self.0.lang,
            "maturity.phase",
            &[
                ("n", &n.to_string()),
                ("title", title),
                ("from", from),
                ("to", to),
            ],
        )
    }
}

/// The charts of a programme: maturity per layer by month, each key result
/// with a value against its target.
fn charts_of(
    cx: &PageCtx,
    p: &Programme,
    reports: &[MaturityReport],
    s: &Summary,
) -> (String, Vec<String>) {
    let months: Vec<String> = (1..=i32::from(p.months))
        .map(|i| p.month_at(i).to_string())
        .collect();
    let series: Vec<Series> = Layer::ALL
        .iter()
        .map(|l| Series {
            label: l.code().into(),
            values: maturity_series(p, reports, *l),
        })
        .collect();
    let maturity = charts::lines(
        "maturity-chart",
        &cx.t("maturity.chart_maturity"),
        &months,
        &series,
        1.0,
        5.0,
    );
    let krs = s
        .key_results
        .iter()
        .filter_map(|k| {
            let values: Vec<Option<f64>> = (1..=i32::from(p.months))
                .map(|i| {
                    let m = p.month_at(i);
                    reports
                        .iter()
                        .find(|r| r.month == m)
                        .and_then(|r| r.body.value(&k.code))
                })
                .collect();
            values.iter().any(Option::is_some).then(|| {
                charts::kr(
                    &format!("kr-{}", k.code),
                    &format!("{} {}", k.code, k.title),
                    &months,
                    &values,
                    k.target,
                    k.baseline,
                )
            })
        })
        .collect();
    (maturity, krs)
}

#[derive(Template)]
#[template(path = "maturity.html")]
pub struct OverviewPage {
    pub ctx: PageCtx,
    pub v: MaturityView,
    pub maturity_svg: String,
    pub kr_svgs: Vec<String>,
    /// Hours and budget, planned against actual.
    pub hours_svg: String,
    pub budget_svg: String,
    pub this_month: String,
}

impl OverviewPage {
    pub fn f(&self) -> Fmt<'_> {
        Fmt(&self.ctx)
    }
    pub fn period(&self, p: &Programme) -> String {
        catalogue().tf(
            self.ctx.lang,
            "maturity.period",
            &[
                ("from", &p.starts.to_string()),
                ("to", &p.ends().to_string()),
                ("n", &p.months.to_string()),
            ],
        )
    }
    pub fn overall(&self, s: &Summary) -> String {
        let n = s.index.clamp(0, i32::from(s.months));
        catalogue().tf(
            self.ctx.lang,
            "maturity.overall",
            &[
                ("pct", &num(s.elapsed)),
                ("n", &n.to_string()),
                ("m", &s.months.to_string()),
            ],
        )
    }
    pub fn tasks_overall(&self, s: &Summary) -> String {
        catalogue().tf(
            self.ctx.lang,
            "maturity.tasks_overall",
            &[
                ("done", &s.tasks_done.to_string()),
                ("planned", &s.tasks_planned.to_string()),
                ("pct", &num(s.tasks_progress)),
            ],
        )
    }
    pub fn draft_now(&self, m: &Month) -> String {
        catalogue().tf(
            self.ctx.lang,
            "maturity.draft_now",
            &[("month", &m.to_string())],
        )
    }
    pub fn draft_note(&self) -> String {
        catalogue().tf(
            self.ctx.lang,
            "maturity.draft_note",
            &[("day", &zian_app::maturity::DRAFT_DAY.to_string())],
        )
    }
    pub fn current_phase(&self, n: &u8) -> String {
        catalogue().tf(
            self.ctx.lang,
            "maturity.current_phase",
            &[("n", &n.to_string())],
        )
    }
    pub fn as_of(&self, s: &Summary) -> String {
        catalogue().tf(self.ctx.lang, "maturity.as_of", &[("month", &s.month)])
    }
    pub fn done_on(&self, d: &str) -> String {
        catalogue().tf(self.ctx.lang, "maturity.done_on", &[("date", d)])
    }
    pub fn layer_name(&self, l: &str) -> String {
        self.v
            .programme
            .as_ref()
            .and_then(|p| p.body.layers.iter().find(|x| x.layer.as_str() == l))
            .map(|x| format!("{} {}", x.layer.code(), x.name))
            .unwrap_or_default()
    }
    /// The rubric's description of the level a layer is at.
    pub fn level_text(&self, l: &zian_app::maturity::LayerRow) -> String {
        l.rubric
            .get(usize::from(l.level.max(1)) - 1)
            .cloned()
            .unwrap_or_default()
    }
    /// Q1 … Qn of the programme.
    pub fn quarters(&self, s: &Summary) -> Vec<String> {
        (1..=s.months.div_ceil(3))
            .map(|q| format!("Q{q}"))
            .collect()
    }
    pub fn is_phase(&self, s: &Summary, n: &u8) -> bool {
        s.phase == Some(*n)
    }
    pub fn layers(&self) -> Vec<(String, String)> {
        Layer::ALL
            .iter()
            .map(|l| (l.as_str().to_string(), self.layer_name(l.as_str())))
            .collect()
    }
}

pub async fn overview(
    State(st): State<AppState>,
    pc: PageCaller,
    PagePath(id): PagePath<OrgId>,
    Query(fq): Query<FlashQuery>,
) -> PageResult {
    let v = st.app.maturity(&pc.p, &id).await?;
    let cx = ctx(
        &st.app,
        &pc,
        "maturity.title",
        "maturity",
        fq.flash().as_deref(),
    )
    .await?;
    let (maturity_svg, kr_svgs) = match (&v.programme, &v.summary) {
        (Some(p), Some(s)) => charts_of(&cx, p, &v.reports, s),
        _ => (String::new(), Vec::new()),
    };
    let legend = (cx.t("maturity.planned_bar"), cx.t("maturity.actual_bar"));
    let pairs = |id: &str, title: &str, rows: &[zian_app::maturity::AmountRow]| {
        charts::pairs(
            id,
            title,
            &rows
                .iter()
                .map(|r| (r.name.clone(), r.planned, r.actual))
                .collect::<Vec<_>>(),
            (&legend.0, &legend.1),
        )
    };
    let (hours_svg, budget_svg) = match &v.summary {
        Some(s) => (
            pairs("hours-chart", &cx.t("maturity.chart_hours"), &s.hours),
            pairs("budget-chart", &cx.t("maturity.chart_budget"), &s.budget),
        ),
        None => (String::new(), String::new()),
    };
    let this_month = st.app.this_month().to_string();
    render(&OverviewPage {
        ctx: cx,
        v,
        maturity_svg,
        kr_svgs,
        hours_svg,
        budget_svg,
        this_month,
    })
}

pub async fn create(
    State(st): State<AppState>,
    PagePath(id): PagePath<OrgId>,
    form: PageForm<Vec<(String, String)>>,
) -> PageResult {
    let (pc, f) = (form.pc, form.form);
    st.app.org_with(&pc.p, &id, Permission::RecordRead).await?;
    let f = Fields(&f);
    st.app
        .create_maturity_programme(
            &pc.p,
            &id,
            ProgrammeInput {
                title: f.one("title"),
                starts: f.one("starts"),
            },
        )
        .await?;
    Ok(see_other(&format!(
        "/orgs/{id}/maturity?ok=maturity.created"
    )))
}

#[derive(Template)]
#[template(path = "maturity_framework.html")]
pub struct FrameworkPage {
    pub ctx: PageCtx,
    pub p: Programme,
    /// The key results' rows and three blank ones.
    pub rows: Vec<KrEdit>,
}

/// A key result's row of the editor.
pub struct KrEdit {
    pub i: usize,
    pub kr: String,
    pub layer: String,
    pub title: String,
    pub unit: String,
    pub baseline: String,
    pub target: String,
    pub lower: bool,
    pub metric: String,
}

impl FrameworkPage {
    pub fn metrics(&self) -> Vec<(String, String)> {
        Metric::ALL
            .iter()
            .map(|m| {
                (
                    m.as_str().to_string(),
                    self.ctx.t(&format!("maturity.metric.{}", m.as_str())),
                )
            })
            .collect()
    }
    pub fn level_n(&self, n: &usize) -> String {
        catalogue().tf(
            self.ctx.lang,
            "maturity.level_n",
            &[("n", &(n + 1).to_string())],
        )
    }
    pub fn layer_codes(&self) -> Vec<(String, String)> {
        Layer::ALL
            .iter()
            .map(|l| (l.as_str().to_string(), l.code().to_string()))
            .collect()
    }
    pub fn n(&self, v: &f64) -> String {
        num(*v)
    }
    /// A maturity score, always with its decimal (2.0).
    pub fn score(&self, v: &f64) -> String {
        format!("{v:.1}")
    }
    pub fn oscore(&self, v: &Option<f64>) -> String {
        v.map(|x| format!("{x:.1}")).unwrap_or_else(|| "—".into())
    }
}

pub async fn framework(
    State(st): State<AppState>,
    pc: PageCaller,
    PagePath(id): PagePath<MaturityProgrammeId>,
) -> PageResult {
    let (p, _) = st.app.maturity_programme(&pc.p, &id).await?;
    let org = st
        .app
        .org_with(&pc.p, &p.org_id, Permission::RecordWrite)
        .await?;
    let _ = org;
    let cx = ctx(&st.app, &pc, "maturity.edit_title", "maturity", None).await?;
    let mut rows: Vec<KrEdit> = p
        .body
        .key_results
        .iter()
        .enumerate()
        .map(|(i, k)| KrEdit {
            i,
            kr: k.code.clone(),
            layer: k.layer.as_str().into(),
            title: k.title.clone(),
            unit: k.unit.clone(),
            baseline: k.baseline.map(num).unwrap_or_default(),
            target: num(k.target),
            lower: k.lower_is_better,
            metric: k.metric.map(|m| m.as_str().to_string()).unwrap_or_default(),
        })
        .collect();
    let n = rows.len();
    rows.extend((n..n + 3).map(|i| KrEdit {
        i,
        kr: String::new(),
        layer: "l1".into(),
        title: String::new(),
        unit: String::new(),
        baseline: String::new(),
        target: String::new(),
        lower: false,
        metric: String::new(),
    }));
    render(&FrameworkPage { ctx: cx, p, rows })
}

pub async fn save_framework(
    State(st): State<AppState>,
    PagePath(id): PagePath<MaturityProgrammeId>,
    form: PageForm<Vec<(String, String)>>,
) -> PageResult {
    let (pc, f) = (form.pc, form.form);
    let f = Fields(&f);
    let mut layers = Vec::new();
    for l in Layer::ALL {
        let c = l.as_str();
        layers.push(LayerInput {
            layer: c.into(),
            name: f.one(&format!("name.{c}")),
            start: decimal(&format!("start.{c}"), f.opt(&format!("start.{c}")))?.unwrap_or(0.0),
            target: decimal(&format!("target.{c}"), f.opt(&format!("target.{c}")))?.unwrap_or(0.0),
            rubric: (1..=5).map(|n| f.one(&format!("rubric.{c}.{n}"))).collect(),
        });
    }
    let mut key_results = Vec::new();
    let mut i = 0;
    while f.0.iter().any(|(k, _)| *k == format!("kr.{i}")) {
        let kr = f.one(&format!("kr.{i}"));
        if !kr.trim().is_empty() {
            key_results.push(KeyResultInput {
                kr,
                layer: f.one(&format!("layer.{i}")),
                title: f.one(&format!("title.{i}")),
                unit: f.one(&format!("unit.{i}")),
                baseline: decimal(&format!("baseline.{i}"), f.opt(&format!("baseline.{i}")))?,
                target: decimal(&format!("target.{i}"), f.opt(&format!("target.{i}")))?
                    .ok_or_else(|| {
                        AppError::invalid(
                            &format!("target.{i}"),
                            zian_i18n::msg!("reason.required"),
                        )
                    })?,
                direction: f.one(&format!("direction.{i}")),
                metric: f.opt(&format!("metric.{i}")),
            });
        }
        i += 1;
    }
    let x = st
        .app
        .edit_maturity_framework(
            &pc.p,
            &id,
            FrameworkInput {
                title: f.one("title"),
                layers,
                key_results,
            },
        )
        .await?;
    Ok(see_other(&format!(
        "/orgs/{}/maturity?ok=maturity.edited",
        x.org_id
    )))
}

#[derive(Template)]
#[template(path = "maturity_tracking.html")]
pub struct TrackingPage {
    pub ctx: PageCtx,
    pub p: Programme,
}

impl TrackingPage {
    pub fn ratings(&self) -> Vec<(&'static str, String)> {
        ["high", "medium", "low"]
            .into_iter()
            .map(|r| (r, self.ctx.t(&format!("maturity.rating.{r}"))))
            .collect()
    }
    pub fn states(&self) -> Vec<(&'static str, String)> {
        ["open", "planned", "closed"]
            .into_iter()
            .map(|r| (r, self.ctx.t(&format!("maturity.tracking_status.{r}"))))
            .collect()
    }
    pub fn n(&self, v: &f64) -> String {
        num(*v)
    }
    /// Two blank rows after the `kept` ones.
    pub fn blank(&self, kept: usize) -> Vec<usize> {
        vec![kept, kept + 1]
    }
    pub fn day(&self, d: &time::Date) -> String {
        zian_domain::day::ymd(*d)
    }
    pub fn oday(&self, d: &Option<time::Date>) -> String {
        d.map(zian_domain::day::ymd).unwrap_or_default()
    }
    pub fn rid(&self, r: &Option<zian_domain::RiskId>) -> String {
        r.as_ref().map(ToString::to_string).unwrap_or_default()
    }
}

pub async fn tracking(
    State(st): State<AppState>,
    pc: PageCaller,
    PagePath(id): PagePath<MaturityProgrammeId>,
) -> PageResult {
    let (p, _) = st.app.maturity_programme(&pc.p, &id).await?;
    st.app
        .org_with(&pc.p, &p.org_id, Permission::RecordWrite)
        .await?;
    let cx = ctx(&st.app, &pc, "maturity.tracking_edit", "maturity", None).await?;
    render(&TrackingPage { ctx: cx, p })
}

/// The rows `<key>.<prefix><i>` the form sends, in order, until one is
/// missing; a row whose `key` field is blank is left out (removed).
fn rows(f: &Fields, prefix: &str, key: &str) -> Vec<usize> {
    let mut out = Vec::new();
    let mut i = 0;
    while f.0.iter().any(|(k, _)| *k == format!("{key}.{prefix}{i}")) {
        if !f.one(&format!("{key}.{prefix}{i}")).trim().is_empty() {
            out.push(i);
        }
        i += 1;
    }
    out
}

pub async fn save_tracking(
    State(st): State<AppState>,
    PagePath(id): PagePath<MaturityProgrammeId>,
    form: PageForm<Vec<(String, String)>>,
) -> PageResult {
    let (pc, f) = (form.pc, form.form);
    let f = Fields(&f);
    let g = |k: &str, row: &str| f.one(&format!("{k}.{row}"));
    let risks = rows(&f, "r", "description")
        .into_iter()
        .map(|i| {
            let row = format!("r{i}");
            RiskInput {
                code: g("code", &row),
                description: g("description", &row),
                impact: g("impact", &row),
                likelihood: g("likelihood", &row),
                response: g("response", &row),
                owner: g("owner", &row),
                status: g("status", &row),
                risk_id: Some(g("risk_id", &row)),
            }
        })
        .collect();
    let issues = rows(&f, "i", "description")
        .into_iter()
        .map(|i| {
            let row = format!("i{i}");
            IssueInput {
                code: g("code", &row),
                description: g("description", &row),
                found_on: g("found_on", &row),
                impact: g("impact", &row),
                status: g("status", &row),
                resolution: g("resolution", &row),
                owner: g("owner", &row),
                due_on: Some(g("due_on", &row)),
            }
        })
        .collect();
    let amounts = |prefix: &str| -> Result<Vec<AmountInput>, AppError> {
        rows(&f, prefix, "name")
            .into_iter()
            .map(|i| {
                let row = format!("{prefix}{i}");
                let planned = format!("planned.{row}");
                let actual = format!("actual.{row}");
                Ok(AmountInput {
                    name: g("name", &row),
                    planned: decimal(&planned, f.opt(&planned))?.unwrap_or(0.0),
                    actual: decimal(&actual, f.opt(&actual))?.unwrap_or(0.0),
                })
            })
            .collect()
    };
    let x = st
        .app
        .edit_maturity_tracking(
            &pc.p,
            &id,
            TrackingInput {
                risks,
                issues,
                hours: amounts("h")?,
                budget: amounts("b")?,
            },
        )
        .await?;
    Ok(see_other(&format!(
        "/orgs/{}/maturity?ok=maturity.tracking_saved#tracking",
        x.org_id
    )))
}

pub async fn add_task(
    State(st): State<AppState>,
    PagePath(id): PagePath<MaturityProgrammeId>,
    form: PageForm<Vec<(String, String)>>,
) -> PageResult {
    let (pc, f) = (form.pc, form.form);
    let f = Fields(&f);
    let phase = f.count("phase")?;
    let month = f.num("programme_month")?;
    let x = st
        .app
        .add_maturity_task(
            &pc.p,
            &id,
            TaskInput {
                layer: f.opt("layer"),
                phase: u8::try_from(phase).unwrap_or(u8::MAX),
                programme_month: month.map(|m| u8::try_from(m).unwrap_or(u8::MAX)),
                title: f.one("title"),
                milestone: f.yes("milestone"),
            },
        )
        .await?;
    Ok(see_other(&format!(
        "/orgs/{}/maturity?ok=maturity.task_added#phases",
        x.org_id
    )))
}

pub async fn task_status(
    State(st): State<AppState>,
    PagePath(id): PagePath<MaturityProgrammeId>,
    form: PageForm<Vec<(String, String)>>,
) -> PageResult {
    let (pc, f) = (form.pc, form.form);
    let f = Fields(&f);
    let x = st
        .app
        .set_maturity_task(
            &pc.p,
            &id,
            TaskStatusInput {
                number: f.count("number")?,
                done: f.yes("done"),
            },
        )
        .await?;
    Ok(see_other(&format!(
        "/orgs/{}/maturity?ok=maturity.task_updated#phases",
        x.org_id
    )))
}

pub async fn create_report(
    State(st): State<AppState>,
    PagePath(id): PagePath<MaturityProgrammeId>,
    form: PageForm<Vec<(String, String)>>,
) -> PageResult {
    let (pc, f) = (form.pc, form.form);
    let f = Fields(&f);
    let r = st
        .app
        .create_maturity_report(
            &pc.p,
            &id,
            ReportInput {
                month: f.one("month"),
            },
        )
        .await?;
    Ok(see_other(&format!(
        "/maturity-reports/{}?ok=maturity.report_created",
        r.id
    )))
}

#[derive(Template)]
#[template(path = "maturity_report.html")]
pub struct ReportPage {
    pub ctx: PageCtx,
    pub v: ReportDetail,
    /// The meeting's action items.
    pub part: ActionsPart,
}

impl ReportPage {
    pub fn f(&self) -> Fmt<'_> {
        Fmt(&self.ctx)
    }
    pub fn title(&self) -> String {
        let m = self.v.report.month;
        catalogue().tf(
            self.ctx.lang,
            "maturity.report.title",
            &[("year", &m.year.to_string()), ("m", &m.month.to_string())],
        )
    }
    pub fn editable(&self) -> bool {
        self.v.can_write && self.v.report.status == ReportStatus::Draft
    }
    pub fn reviewable(&self) -> bool {
        self.v.can_review && self.v.report.status == ReportStatus::Submitted
    }
    pub fn submitted(&self) -> bool {
        self.v.report.status == ReportStatus::Submitted
    }
    pub fn published(&self) -> bool {
        self.v.report.status == ReportStatus::Published
    }
    pub fn own(&self) -> bool {
        self.submitted() && self.v.can_write && !self.v.can_review
    }
    pub fn status(&self) -> String {
        self.ctx.t(&format!(
            "maturity.report_status.{}",
            self.v.report.status.as_str()
        ))
    }
    pub fn lines(&self, s: &str) -> Vec<String> {
        s.lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect()
    }
    pub fn krs(&self, layer: &str) -> Vec<KrRow> {
        self.v
            .summary
            .key_results
            .iter()
            .filter(|k| k.layer == layer)
            .cloned()
            .collect()
    }
    pub fn note(&self, layer: &str, which: &str) -> String {
        self.v
            .report
            .body
            .layers
            .iter()
            .find(|l| l.layer.as_str() == layer)
            .map(|l| match which {
                "tasks_done" => l.tasks_done.clone(),
                "next_tasks" => l.next_tasks.clone(),
                _ => l.issues.clone(),
            })
            .unwrap_or_default()
    }
    pub fn score(&self, layer: &str) -> String {
        self.v
            .report
            .body
            .layers
            .iter()
            .find(|l| l.layer.as_str() == layer)
            .map(|l| format!("{:.1}", l.maturity))
            .unwrap_or_default()
    }
    pub fn typed_value(&self, k: &KrRow) -> String {
        self.v
            .report
            .body
            .key_results
            .iter()
            .find(|e| e.code == k.code)
            .and_then(|e| e.value)
            .map(num)
            .unwrap_or_default()
    }
    pub fn missing(&self) -> String {
        let fields: Vec<String> = self
            .v
            .report
            .body
            .missing()
            .iter()
            .map(|f| self.ctx.t(&format!("field.{f}")))
            .collect();
        catalogue().tf(
            self.ctx.lang,
            "maturity.report.missing",
            &[("fields", &fields.join("、"))],
        )
    }
    pub fn returned(&self) -> String {
        catalogue().tf(
            self.ctx.lang,
            "maturity.report.returned",
            &[("note", &self.v.report.body.returned)],
        )
    }
    pub fn gathered(&self) -> String {
        let t = self
            .v
            .report
            .body
            .gathered_at
            .map(|t| self.ctx.time(&t))
            .unwrap_or_default();
        catalogue().tf(self.ctx.lang, "maturity.report.gathered", &[("time", &t)])
    }
    pub fn sign_name(&self, reviewer: bool) -> String {
        let b = &self.v.report.body;
        let s = if reviewer { &b.reviewed } else { &b.compiled };
        s.as_ref().map(|s| s.name.clone()).unwrap_or_default()
    }
    pub fn sign_date(&self, reviewer: bool) -> String {
        let b = &self.v.report.body;
        let s = if reviewer { &b.reviewed } else { &b.compiled };
        s.as_ref()
            .map(|s| self.ctx.day(&zian_domain::day::of_unix(s.at)))
            .unwrap_or_default()
    }
    pub fn maturity_target(&self, l: &zian_app::maturity::LayerRow) -> String {
        format!("{:.1}→{:.1}", l.start, l.target)
    }
    pub fn meeting_heading(&self) -> String {
        let m = self.v.report.month;
        catalogue().tf(
            self.ctx.lang,
            "maturity.report.meeting_heading",
            &[("year", &m.year.to_string()), ("m", &m.month.to_string())],
        )
    }
    /// The review meeting may be minuted (a signed report, by who may
    /// write).
    pub fn minutable(&self) -> bool {
        self.v.can_write && self.v.report.status != ReportStatus::Draft
    }
    /// The agenda's items: code, name, note.
    pub fn agenda(&self) -> Vec<(&'static str, String, String)> {
        let mt = self.v.report.body.meeting.as_ref();
        Agenda::ALL
            .iter()
            .map(|a| {
                (
                    a.as_str(),
                    self.ctx.t(&format!("maturity.agenda.{}", a.as_str())),
                    mt.map(|x| x.note(*a).to_string()).unwrap_or_default(),
                )
            })
            .collect()
    }
    pub fn meeting_on(&self) -> String {
        let d = self
            .v
            .report
            .body
            .meeting
            .as_ref()
            .map_or(self.part.today, |x| x.held_on);
        zian_domain::day::ymd(d)
    }
    pub fn meeting_text(&self, which: &str) -> String {
        self.v
            .report
            .body
            .meeting
            .as_ref()
            .map(|x| match which {
                "chair" => x.chair.clone(),
                _ => x.attendees.clone(),
            })
            .unwrap_or_default()
    }
    /// The resolutions as rows of the form, with two blank ones to add.
    pub fn resolution_rows(&self) -> Vec<(String, String, String)> {
        let mut rows: Vec<(String, String, String)> = self
            .v
            .report
            .body
            .meeting
            .as_ref()
            .map(|x| {
                x.resolutions
                    .iter()
                    .map(|r| {
                        (
                            r.text.clone(),
                            r.owner.clone(),
                            zian_domain::day::ymd(r.due_on),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        rows.extend(std::iter::repeat_n(Default::default(), 2));
        rows
    }
    pub fn recorded_by(&self) -> String {
        let Some(x) = self.v.report.body.meeting.as_ref() else {
            return String::new();
        };
        catalogue().tf(
            self.ctx.lang,
            "maturity.report.recorded_by",
            &[
                ("name", &x.recorded.name),
                ("time", &self.ctx.time(&x.recorded.at)),
            ],
        )
    }
    pub fn q_headers(&self) -> Vec<String> {
        (1..=self.v.programme.quarters())
            .map(|q| format!("Q{q}"))
            .collect()
    }
}

pub async fn report(
    State(st): State<AppState>,
    pc: PageCaller,
    PagePath(id): PagePath<MaturityReportId>,
    Query(fq): Query<FlashQuery>,
) -> PageResult {
    let v = st.app.maturity_report(&pc.p, &id).await?;
    let cx = ctx(
        &st.app,
        &pc,
        "maturity.title",
        "maturity",
        fq.flash().as_deref(),
    )
    .await?;
    let part = ActionsPart {
        actions: v.actions.clone(),
        source: "maturity_report",
        source_id: v.report.id.to_string(),
        can_write: v.can_write,
        today: st.app.today(),
    };
    render(&ReportPage { ctx: cx, v, part })
}

/// The draft as the report page's form sends it.
fn edit_input(f: &Fields, v: &ReportDetail) -> Result<ReportEditInput, AppError> {
    let mut layers = Vec::new();
    for l in Layer::ALL {
        let c = l.as_str();
        let name = format!("maturity.{c}");
        let Some(raw) = f.opt(&name) else { continue };
        layers.push(LayerScoreInput {
            layer: c.into(),
            maturity: decimal(&name, Some(raw))?
                .ok_or_else(|| AppError::invalid(&name, zian_i18n::msg!("reason.required")))?,
            tasks_done: f.one(&format!("tasks_done.{c}")),
            next_tasks: f.one(&format!("next_tasks.{c}")),
            issues: f.one(&format!("issues.{c}")),
        });
    }
    let mut values = Vec::new();
    for e in v.report.body.key_results.iter().filter(|e| !e.bound) {
        let name = format!("value.{}", e.code);
        if f.opt(&name).is_none() && f.opt(&format!("note.{}", e.code)).is_none() {
            continue;
        }
        values.push(zian_app::maturity::ValueInput {
            kr: e.code.clone(),
            value: decimal(&name, f.opt(&name))?,
            note: f.one(&format!("note.{}", e.code)),
        });
    }
    Ok(ReportEditInput {
        layers,
        values,
        achievements: f.one("achievements"),
        challenges: f.one("challenges"),
        next_focus: f.one("next_focus"),
        highlights: f.one("highlights"),
        lessons: f.one("lessons"),
    })
}

async fn save(
    st: &AppState,
    pc: &PageCaller,
    id: &MaturityReportId,
    f: &Fields<'_>,
) -> Result<(), AppError> {
    let v = st.app.maturity_report(&pc.p, id).await?;
    let input = edit_input(f, &v)?;
    st.app.edit_maturity_report(&pc.p, id, input).await?;
    Ok(())
}

pub async fn save_report(
    State(st): State<AppState>,
    PagePath(id): PagePath<MaturityReportId>,
    form: PageForm<Vec<(String, String)>>,
) -> PageResult {
    let (pc, f) = (form.pc, form.form);
    let f = Fields(&f);
    save(&st, &pc, &id, &f).await?;
    Ok(see_other(&format!(
        "/maturity-reports/{id}?ok=maturity.saved"
    )))
}

pub async fn gather(
    State(st): State<AppState>,
    PagePath(id): PagePath<MaturityReportId>,
    form: PageForm<Vec<(String, String)>>,
) -> PageResult {
    st.app.gather_maturity_report(&form.pc.p, &id).await?;
    Ok(see_other(&format!(
        "/maturity-reports/{id}?ok=maturity.gathered"
    )))
}

pub async fn submit(
    State(st): State<AppState>,
    PagePath(id): PagePath<MaturityReportId>,
    form: PageForm<Vec<(String, String)>>,
) -> PageResult {
    let (pc, f) = (form.pc, form.form);
    let f = Fields(&f);
    save(&st, &pc, &id, &f).await?;
    st.app.submit_maturity_report(&pc.p, &id).await?;
    Ok(see_other(&format!(
        "/maturity-reports/{id}?ok=maturity.submitted"
    )))
}

pub async fn review(
    State(st): State<AppState>,
    PagePath(id): PagePath<MaturityReportId>,
    form: PageForm<Vec<(String, String)>>,
) -> PageResult {
    let (pc, f) = (form.pc, form.form);
    let f = Fields(&f);
    let approve = f.one("decision") == "publish";
    st.app
        .review_maturity_report(
            &pc.p,
            &id,
            ReviewInput {
                approve,
                note: f.one("note"),
            },
        )
        .await?;
    let ok = if approve { "published" } else { "returned" };
    Ok(see_other(&format!(
        "/maturity-reports/{id}?ok=maturity.{ok}"
    )))
}

#[derive(Template)]
#[template(path = "maturity_compare.html")]
pub struct ComparePage {
    pub ctx: PageCtx,
    pub v: Comparison,
}

impl ComparePage {
    pub fn f(&self) -> Fmt<'_> {
        Fmt(&self.ctx)
    }
    /// A heat class by progress: 0–4.
    pub fn heat(&self, p: &Option<f64>) -> String {
        match p {
            None => "heat-none".into(),
            Some(x) => format!("heat-{}", ((x / 25.0).floor() as i64).clamp(0, 4)),
        }
    }
    pub fn codes(&self) -> Vec<String> {
        Layer::ALL.iter().map(|l| l.code().to_string()).collect()
    }
    pub fn month(&self) -> String {
        self.v.month.to_string()
    }
}

pub async fn compare(
    State(st): State<AppState>,
    pc: PageCaller,
    PagePath(id): PagePath<OrgId>,
    PageQuery(q): PageQuery<Vec<(String, String)>>,
) -> PageResult {
    let f = Fields(&q);
    let month = f
        .opt("month")
        .filter(|m| !m.trim().is_empty())
        .map(|m| Month::parse("month", &m))
        .transpose()
        .map_err(AppError::from)?;
    let v = st.app.maturity_comparison(&pc.p, &id, month).await?;
    let fq = FlashQuery::from_pairs(&q);
    let cx = ctx(
        &st.app,
        &pc,
        "maturity.compare_title",
        "maturity",
        fq.flash().as_deref(),
    )
    .await?;
    render(&ComparePage { ctx: cx, v })
}

/// The meeting's minutes as the report page's form sends them: the
/// resolution rows left blank are skipped.
fn meeting_input(f: &Fields) -> MeetingInput {
    // the rows sent: `decision.r0` … (a blank row in the middle too)
    let rows =
        f.0.iter()
            .filter_map(|(k, _)| {
                let (_, row) = k.split_once(".r")?;
                row.parse::<usize>().ok()
            })
            .max()
            .map_or(0, |n| n + 1);
    let mut resolutions = Vec::new();
    for i in 0..rows.min(100) {
        let [text, owner, due] =
            ["decision", "owner", "due_on"].map(|n| f.one(&format!("{n}.r{i}")).trim().to_string());
        if text.is_empty() && owner.is_empty() && due.is_empty() {
            continue;
        }
        resolutions.push(ResolutionInput {
            decision: text,
            owner,
            due_on: due,
        });
    }
    MeetingInput {
        meeting_on: f.one("meeting_on"),
        chair: f.one("chair"),
        attendees: f.one("attendees"),
        minutes: Agenda::ALL
            .iter()
            .map(|a| AgendaNoteInput {
                item: a.as_str().into(),
                note: f.one(&format!("minutes.{}", a.as_str())),
            })
            .collect(),
        resolutions,
    }
}

pub async fn meeting(
    State(st): State<AppState>,
    PagePath(id): PagePath<MaturityReportId>,
    form: PageForm<Vec<(String, String)>>,
) -> PageResult {
    let (pc, f) = (form.pc, form.form);
    let f = Fields(&f);
    st.app
        .record_maturity_meeting(&pc.p, &id, meeting_input(&f))
        .await?;
    Ok(see_other(&format!(
        "/maturity-reports/{id}?ok=maturity.meeting_recorded#meeting"
    )))
}
