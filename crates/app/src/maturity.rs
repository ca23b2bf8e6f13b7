//! L1–L5 operations maturity (seed 000): an organisation's programme made
//! from the shipped framework (`zian_rules::maturity`) and edited to fit;
//! its tasks and milestones ticked off; a report per month — a draft made
//! on the 20th by the monthly job (or at once on request) with the layers'
//! scores carried from the month before and every bound key result read
//! from the records ([`App::live_metric`]), completed by the officer,
//! signed by who compiled it, reviewed by another person (the IT head) who
//! publishes it to management (inbox and mail) or returns it with the
//! reason. A supervisor compares the organisations below it month by month.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use zian_domain::day::{of_unix, ymd};
use zian_domain::management_review::Fact;
use zian_domain::maturity::{
    self as m, KeyResult, Layer, LayerPlan, MaturityReport, Metric, Month, Programme, ReportBody,
    ReportStatus, Signature, Task,
};
use zian_domain::org::Organisation;
use zian_domain::{
    ListQuery, MaturityProgrammeId, MaturityReportId, OrgId, OrgScope, Permission, Principal,
};
use zian_i18n::msg;
use zian_rules::maturity::Framework;

use crate::inbox::Raise;
use crate::jobs::{JobContext, JobHandler};
use crate::typed::{memo, opt_text, text};
use crate::{App, AppError, Result};

/// The monthly job's kind.
pub const KIND_MONTHLY: &str = "maturity.monthly";
/// The day of the month a draft is made for the month.
pub const DRAFT_DAY: u8 = 20;
/// Days into the next month a report may stay unpublished before the
/// reminders call it late.
pub const LATE_DAYS: i64 = 5;

/// A programme to start.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "MaturityProgrammeIn")]
pub struct ProgrammeInput {
    /// e.g. L1-L5營運框架 2026-2027, at most 200 characters.
    pub title: String,
    /// The first month, `YYYY-MM`.
    pub starts: String,
}

/// A layer as edited.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "MaturityLayerIn")]
pub struct LayerInput {
    /// `l1` … `l5`.
    pub layer: String,
    pub name: String,
    /// 1.0–5.0.
    pub start: f64,
    /// 1.0–5.0, above the start.
    pub target: f64,
    /// The rubric's descriptions of levels 1–5.
    pub rubric: Vec<String>,
}

/// A key result as edited.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "MaturityKeyResultIn")]
pub struct KeyResultInput {
    /// The key result's code, `KR2.1`: letters, digits and dots, at most
    /// 20 characters.
    pub kr: String,
    /// `l1` … `l5`.
    pub layer: String,
    pub title: String,
    #[serde(default)]
    pub unit: String,
    pub baseline: Option<f64>,
    pub target: f64,
    /// `higher` (at least the target) or `lower` (at most).
    pub direction: String,
    /// The figure it is bound to (`incident_mttr_hours`, `dr_drills_year`,
    /// `restore_tests_month`, `audit_defect_rate`, `obligations_met`,
    /// `vans_handled_week`, `training_hours`, `phishing_click_rate`,
    /// `edr_coverage`, `soc_response_minutes`); none or empty: typed in
    /// each month.
    #[serde(default)]
    pub metric: Option<String>,
}

/// The programme's framework as edited: its title, layers and key results
/// (a key result left out is removed; its past values stay in the reports).
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "MaturityFrameworkIn")]
pub struct FrameworkInput {
    pub title: String,
    pub layers: Vec<LayerInput>,
    pub key_results: Vec<KeyResultInput>,
}

/// A programme risk as edited.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "MaturityRiskIn")]
pub struct RiskInput {
    /// `R001`; empty: the next number.
    #[serde(default)]
    pub code: String,
    pub description: String,
    /// `high`, `medium` or `low`.
    pub impact: String,
    pub likelihood: String,
    #[serde(default)]
    pub response: String,
    #[serde(default)]
    pub owner: String,
    /// `open` (監控中), `planned` (已規劃) or `closed` (已解除).
    pub status: String,
    /// A risk of the organisation's register it is.
    #[serde(default)]
    pub risk_id: Option<String>,
}

/// A programme issue as edited.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "MaturityIssueIn")]
pub struct IssueInput {
    /// `I001`; empty: the next number.
    #[serde(default)]
    pub code: String,
    pub description: String,
    /// `YYYY-MM-DD`
    pub found_on: String,
    pub impact: String,
    /// `open` (處理中) or `closed` (已解決).
    pub status: String,
    #[serde(default)]
    pub resolution: String,
    #[serde(default)]
    pub owner: String,
    /// `YYYY-MM-DD`, 預計解決.
    #[serde(default)]
    pub due_on: Option<String>,
}

/// Planned and actual hours of a role, or budget of a category, to date.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "MaturityAmountIn")]
pub struct AmountInput {
    pub name: String,
    pub planned: f64,
    pub actual: f64,
}

/// The programme's risks, issues and resources as edited (each list
/// replaces the one kept).
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "MaturityTrackingIn")]
pub struct TrackingInput {
    #[serde(default)]
    pub risks: Vec<RiskInput>,
    #[serde(default)]
    pub issues: Vec<IssueInput>,
    /// Hours by role, cumulative.
    #[serde(default)]
    pub hours: Vec<AmountInput>,
    /// Budget by category, cumulative (NT$).
    #[serde(default)]
    pub budget: Vec<AmountInput>,
}

/// A task or milestone to add.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "MaturityTaskIn")]
pub struct TaskInput {
    /// `l1` … `l5`; none or empty for a milestone of the whole programme.
    #[serde(default)]
    pub layer: Option<String>,
    pub phase: u8,
    /// The programme month a milestone is due in (1-based), within the
    /// phase.
    #[serde(default)]
    pub programme_month: Option<u8>,
    pub title: String,
    #[serde(default)]
    pub milestone: bool,
}

/// A task done (today) or not.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "MaturityTaskStatusIn")]
pub struct TaskStatusInput {
    pub number: u32,
    pub done: bool,
}

/// A month's report to draft now.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "MaturityReportIn")]
pub struct ReportInput {
    /// `YYYY-MM`, within the programme.
    pub month: String,
}

/// A layer's part of the month as typed.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "MaturityLayerScoreIn")]
pub struct LayerScoreInput {
    pub layer: String,
    /// The month's score, 1.0–5.0.
    pub maturity: f64,
    #[serde(default)]
    pub tasks_done: String,
    #[serde(default)]
    pub next_tasks: String,
    #[serde(default)]
    pub issues: String,
}

/// A typed key result's value of the month.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "MaturityValueIn")]
pub struct ValueInput {
    /// The key result's code.
    pub kr: String,
    pub value: Option<f64>,
    /// Where the number came from.
    #[serde(default)]
    pub note: String,
}

/// The month's report as typed so far (bound values are computed, not
/// typed: a value sent for one is refused).
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "MaturityReportEditIn")]
pub struct ReportEditInput {
    #[serde(default)]
    pub layers: Vec<LayerScoreInput>,
    #[serde(default)]
    pub values: Vec<ValueInput>,
    /// 主要成就, one per line.
    #[serde(default)]
    pub achievements: String,
    /// 關鍵挑戰, one per line.
    #[serde(default)]
    pub challenges: String,
    /// 下月重點, one per line.
    #[serde(default)]
    pub next_focus: String,
    /// 本月亮點
    #[serde(default)]
    pub highlights: String,
    /// 經驗教訓
    #[serde(default)]
    pub lessons: String,
}

/// The review of a submitted report.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "MaturityReviewIn")]
pub struct ReviewInput {
    /// Publish it (true) or return it to the officer (false, with a note).
    pub approve: bool,
    #[serde(default)]
    pub note: String,
}

/// What was said on an agenda item of the review meeting.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "MaturityAgendaNoteIn")]
pub struct AgendaNoteInput {
    /// `layers`, `okr`, `risks`, `next_month` or `resources`.
    pub item: String,
    pub note: String,
}

/// A resolution of the review meeting.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "MaturityResolutionIn")]
pub struct ResolutionInput {
    /// 決議
    pub decision: String,
    /// 負責人
    pub owner: String,
    /// 期限, `YYYY-MM-DD`, on or after the meeting.
    pub due_on: String,
}

/// The month's review meeting as minuted (replaces what was recorded).
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "MaturityMeetingIn")]
pub struct MeetingInput {
    /// `YYYY-MM-DD`, in or after the report's month, not after today.
    pub meeting_on: String,
    pub chair: String,
    pub attendees: String,
    /// One note per agenda item, all five.
    #[serde(default)]
    pub minutes: Vec<AgendaNoteInput>,
    #[serde(default)]
    pub resolutions: Vec<ResolutionInput>,
}

/// A layer's row of the dashboard.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[schemars(rename = "MaturityLayerRow")]
pub struct LayerRow {
    /// `l1` … `l5`
    pub layer: String,
    /// `L1` … `L5`
    pub code: String,
    pub name: String,
    pub start: f64,
    pub current: f64,
    pub target: f64,
    /// `(current − start) / (target − start)`, %.
    pub progress: f64,
    pub status: String,
    pub icon: String,
    pub rubric: Vec<String>,
    /// The rubric level the current score is in (1–5).
    pub level: u8,
}

/// A key result's row: the month's value with where it came from, the
/// achievement, the status and the quarters' values.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[schemars(rename = "MaturityKrRow")]
pub struct KrRow {
    pub code: String,
    pub layer: String,
    pub title: String,
    pub unit: String,
    pub baseline: Option<f64>,
    pub target: f64,
    /// `higher` or `lower`.
    pub direction: String,
    pub metric: Option<String>,
    pub value: Option<f64>,
    /// The typed value's note.
    pub basis: String,
    /// A bound value's source: a message key with its arguments.
    pub source_key: Option<String>,
    pub source_args: BTreeMap<String, String>,
    pub source_link: Option<String>,
    /// 達成率, %.
    pub achievement: Option<f64>,
    pub status: String,
    pub icon: String,
    /// Q1 … Qn of the programme.
    pub quarters: Vec<Option<f64>>,
}

/// A phase's row.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[schemars(rename = "MaturityPhaseRow")]
pub struct PhaseRow {
    pub number: u8,
    pub title: String,
    /// `YYYY-MM`
    pub first: String,
    pub last: String,
    pub months: u8,
    /// Months of it elapsed by the month shown.
    pub elapsed: u8,
    pub tasks_done: usize,
    pub tasks_planned: usize,
    /// By tasks when it has some, else by months, %.
    pub progress: f64,
    pub status: String,
    pub icon: String,
    /// The tasks and milestones of the phase.
    pub tasks: Vec<TaskOut>,
}

/// A task or milestone.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[schemars(rename = "MaturityTaskOut")]
pub struct TaskOut {
    pub number: u32,
    pub layer: Option<String>,
    pub phase: u8,
    /// `YYYY-MM` for a milestone's month.
    pub month: Option<String>,
    pub title: String,
    pub milestone: bool,
    pub done_on: Option<String>,
}

/// A programme risk's row.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[schemars(rename = "MaturityRiskRow")]
pub struct RiskRow {
    pub code: String,
    pub description: String,
    pub impact: String,
    pub likelihood: String,
    /// From impact × likelihood: `high`, `medium`, `low`.
    pub level: String,
    pub icon: String,
    pub response: String,
    pub owner: String,
    pub status: String,
    /// The register's risk: its id and number.
    pub risk_id: Option<String>,
}

/// A programme issue's row.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[schemars(rename = "MaturityIssueRow")]
pub struct IssueRow {
    pub code: String,
    pub description: String,
    pub found_on: String,
    pub impact: String,
    pub status: String,
    pub resolution: String,
    pub owner: String,
    pub due_on: Option<String>,
    /// Open past its due day.
    pub overdue: bool,
}

/// A row of the hours or budget table.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[schemars(rename = "MaturityAmountRow")]
pub struct AmountRow {
    pub name: String,
    pub planned: f64,
    pub actual: f64,
    /// actual − planned
    pub variance: f64,
    /// actual / planned, %.
    pub utilisation: Option<f64>,
}

impl AmountRow {
    fn of(a: &m::Amount) -> AmountRow {
        AmountRow {
            name: a.name.clone(),
            planned: a.planned,
            actual: a.actual,
            variance: a.variance(),
            utilisation: a.utilisation(),
        }
    }
    /// The rows and their 總計.
    fn table(v: &[m::Amount]) -> (Vec<AmountRow>, AmountRow) {
        (
            v.iter().map(AmountRow::of).collect(),
            AmountRow::of(&m::total(v, "總計")),
        )
    }
}

/// The programme as of a month: the seed's dashboard, OKR and phase tables.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[schemars(rename = "MaturitySummary")]
pub struct Summary {
    /// `YYYY-MM`
    pub month: String,
    /// The programme month (1-based; 0 or less before it starts).
    pub index: i32,
    pub months: u8,
    /// The share of months elapsed, %.
    pub elapsed: f64,
    pub tasks_done: usize,
    pub tasks_planned: usize,
    /// Tasks done of planned, %.
    pub tasks_progress: f64,
    pub phase: Option<u8>,
    pub layers: Vec<LayerRow>,
    pub key_results: Vec<KrRow>,
    pub phases: Vec<PhaseRow>,
    pub risks: Vec<RiskRow>,
    pub issues: Vec<IssueRow>,
    pub hours: Vec<AmountRow>,
    pub hours_total: AmountRow,
    pub budget: Vec<AmountRow>,
    pub budget_total: AmountRow,
}

/// A programme as the API shows it.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[schemars(rename = "MaturityProgrammeOut")]
pub struct ProgrammeOut {
    pub id: String,
    pub org_id: String,
    pub title: String,
    /// `YYYY-MM`
    pub starts: String,
    pub ends: String,
    pub months: u8,
    pub framework: String,
}

impl ProgrammeOut {
    pub fn of(p: &Programme) -> ProgrammeOut {
        ProgrammeOut {
            id: p.id.to_string(),
            org_id: p.org_id.to_string(),
            title: p.title.clone(),
            starts: p.starts.to_string(),
            ends: p.ends().to_string(),
            months: p.months,
            framework: p.body.framework.clone(),
        }
    }
}

/// A report as the API shows it (the computed tables in [`ReportDetail`]).
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[schemars(rename = "MaturityReportOut")]
pub struct ReportOut {
    pub id: String,
    pub org_id: String,
    pub programme_id: String,
    /// `YYYY-MM`
    pub month: String,
    /// `draft`, `submitted` or `published`.
    pub status: String,
    pub achievements: String,
    pub challenges: String,
    pub next_focus: String,
    pub highlights: String,
    pub lessons: String,
    /// Per layer: the month's tasks done, next month's tasks, risks and
    /// issues.
    pub layer_notes: Vec<LayerNoteOut>,
    pub compiled_by: Option<String>,
    pub compiled_at: Option<i64>,
    pub reviewed_by: Option<String>,
    pub reviewed_at: Option<i64>,
    /// Why it was returned.
    pub returned: String,
    pub gathered_at: Option<i64>,
    /// What keeps it from being signed (field names).
    pub missing: Vec<String>,
    /// The month's review meeting, once minuted.
    pub meeting: Option<MeetingOut>,
}

/// The review meeting's minutes.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[schemars(rename = "MaturityMeetingOut")]
pub struct MeetingOut {
    pub meeting_on: String,
    pub chair: String,
    pub attendees: String,
    /// The agenda's five items in order, each with its note.
    pub minutes: Vec<AgendaNoteOut>,
    pub resolutions: Vec<ResolutionOut>,
    pub recorded_by: String,
    pub recorded_at: i64,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
#[schemars(rename = "MaturityAgendaNoteOut")]
pub struct AgendaNoteOut {
    pub item: String,
    pub note: String,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
#[schemars(rename = "MaturityResolutionOut")]
pub struct ResolutionOut {
    pub decision: String,
    pub owner: String,
    pub due_on: String,
}

impl MeetingOut {
    pub fn of(x: &m::Meeting) -> MeetingOut {
        MeetingOut {
            meeting_on: ymd(x.held_on),
            chair: x.chair.clone(),
            attendees: x.attendees.clone(),
            minutes: m::Agenda::ALL
                .iter()
                .map(|a| AgendaNoteOut {
                    item: a.as_str().into(),
                    note: x.note(*a).to_string(),
                })
                .collect(),
            resolutions: x
                .resolutions
                .iter()
                .map(|r| ResolutionOut {
                    decision: r.text.clone(),
                    owner: r.owner.clone(),
                    due_on: ymd(r.due_on),
                })
                .collect(),
            recorded_by: x.recorded.name.clone(),
            recorded_at: x.recorded.at,
        }
    }
}

/// A layer's notes of the month.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[schemars(rename = "MaturityLayerNoteOut")]
pub struct LayerNoteOut {
    pub layer: String,
    pub maturity: f64,
    pub tasks_done: String,
    pub next_tasks: String,
    pub issues: String,
}

impl ReportOut {
    pub fn of(r: &MaturityReport) -> ReportOut {
        let b = &r.body;
        ReportOut {
            id: r.id.to_string(),
            org_id: r.org_id.to_string(),
            programme_id: r.programme_id.to_string(),
            month: r.month.to_string(),
            status: r.status.as_str().into(),
            achievements: b.achievements.clone(),
            challenges: b.challenges.clone(),
            next_focus: b.next_focus.clone(),
            highlights: b.highlights.clone(),
            lessons: b.lessons.clone(),
            layer_notes: b
                .layers
                .iter()
                .map(|l| LayerNoteOut {
                    layer: l.layer.as_str().into(),
                    maturity: l.maturity,
                    tasks_done: l.tasks_done.clone(),
                    next_tasks: l.next_tasks.clone(),
                    issues: l.issues.clone(),
                })
                .collect(),
            compiled_by: b.compiled.as_ref().map(|s| s.name.clone()),
            compiled_at: b.compiled.as_ref().map(|s| s.at),
            reviewed_by: b.reviewed.as_ref().map(|s| s.name.clone()),
            reviewed_at: b.reviewed.as_ref().map(|s| s.at),
            returned: b.returned.clone(),
            gathered_at: b.gathered_at,
            missing: b.missing().into_iter().map(str::to_string).collect(),
            meeting: b.meeting.as_ref().map(MeetingOut::of),
        }
    }
}

/// An organisation's maturity page.
#[derive(Debug, Clone)]
pub struct MaturityView {
    pub org: Organisation,
    /// The programme running (the latest started), if any.
    pub programme: Option<Programme>,
    pub reports: Vec<MaturityReport>,
    /// As of the latest report's month (the current month before any).
    pub summary: Option<Summary>,
    /// The month a draft could be made for now (none when it exists or
    /// the programme is over).
    pub next_month: Option<Month>,
    pub can_write: bool,
}

/// A report with the programme's tables as of its month.
#[derive(Debug, Clone)]
pub struct ReportDetail {
    pub org: Organisation,
    pub programme: Programme,
    pub report: MaturityReport,
    pub reports: Vec<MaturityReport>,
    pub summary: Summary,
    pub can_write: bool,
    /// The person may review it (holds the write permission and did not
    /// compile it).
    pub can_review: bool,
    /// The action items raised at the month's review meeting.
    pub actions: Vec<zian_domain::corrective::CorrectiveAction>,
    /// Earlier months' action items followed up at this meeting: those
    /// still open, and those closed since the month began.
    pub carried: Vec<zian_domain::corrective::CorrectiveAction>,
}

/// One organisation in a supervisor's comparison.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[schemars(rename = "MaturityCompareRow")]
pub struct CompareRow {
    pub org_id: String,
    pub org_name: String,
    /// The report's state for the month, none when it has no report.
    pub status: Option<String>,
    pub report_id: Option<String>,
    /// L1 … L5: maturity and progress (none without a programme layer).
    pub layers: Vec<CompareCell>,
    /// Key results met of those with a value.
    pub kr_met: usize,
    pub kr_valued: usize,
    /// `kr_met / kr_valued`, %.
    pub kr_attainment: Option<f64>,
}

/// A layer's cell of the comparison.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[schemars(rename = "MaturityCompareCell")]
pub struct CompareCell {
    pub layer: String,
    pub maturity: Option<f64>,
    pub progress: Option<f64>,
}

/// A supervisor's comparison of the organisations below it.
#[derive(Debug, Clone)]
pub struct Comparison {
    pub org: Organisation,
    pub month: Month,
    pub rows: Vec<CompareRow>,
}

/// Names the row of a refused field (`maturity.l2`, `value.KR2.2`), as
/// the page's inputs are named.
fn at(row: &str) -> impl Fn(AppError) -> AppError + '_ {
    move |e| match e {
        AppError::Validation { field, reason } => AppError::Validation {
            field: format!("{field}.{row}"),
            reason,
        },
        e => e,
    }
}

/// An amount of hours or money: not negative, finite.
fn amount(field: &'static str, v: f64) -> Result<f64> {
    if !v.is_finite() || !(0.0..=1e12).contains(&v) {
        return Err(AppError::invalid(field, msg!("reason.maturity.amount")));
    }
    Ok(v)
}

/// Numbers the rows left without a code after the highest one (`R001`,
/// `I002`); a code given twice is refused.
fn number_rows<T>(
    rows: &mut [T],
    prefix: &str,
    code: impl Fn(&mut T) -> &mut String,
) -> Result<()> {
    let mut next = rows
        .iter_mut()
        .filter_map(|r| code(r).strip_prefix(prefix)?.parse::<u32>().ok())
        .max()
        .unwrap_or(0);
    let mut seen = std::collections::BTreeSet::new();
    for (i, r) in rows.iter_mut().enumerate() {
        let c = code(r);
        if c.is_empty() {
            next += 1;
            *c = format!("{prefix}{next:03}");
        }
        if !seen.insert(c.clone()) {
            return Err(AppError::invalid(
                &format!("code.{}{i}", prefix.to_lowercase()),
                msg!("reason.maturity.twice"),
            ));
        }
    }
    Ok(())
}

fn layer_of(s: &str) -> Result<Layer> {
    Ok(Layer::parse("layer", s)?)
}

fn level_of(x: f64) -> u8 {
    // 1.0-1.9 → 1, …, 5.0 → 5
    (x.floor().clamp(1.0, 5.0)) as u8
}

/// The programme's tables as of `month`, from its reports (the month's own
/// report when there is one, else the latest before it).
pub fn summary(p: &Programme, reports: &[MaturityReport], month: Month) -> Summary {
    let upto: Vec<&MaturityReport> = reports.iter().filter(|r| r.month <= month).collect();
    let own = upto.iter().find(|r| r.month == month).copied();
    let latest = upto.iter().max_by_key(|r| r.month).copied();
    let index = p.index(month);
    let elapsed = p.elapsed(month);
    let ended = index >= i32::from(p.months);
    let layers = p
        .body
        .layers
        .iter()
        .map(|l: &LayerPlan| {
            let current = own
                .or(latest)
                .and_then(|r| r.body.layer(l.layer))
                .map_or(l.current, |x| x.maturity);
            let progress = m::layer_progress(l.start, current, l.target);
            let s = m::layer_status(progress, elapsed, ended);
            LayerRow {
                layer: l.layer.as_str().into(),
                code: l.layer.code().into(),
                name: l.name.clone(),
                start: l.start,
                current,
                target: l.target,
                progress,
                status: s.as_str().into(),
                icon: s.icon().into(),
                rubric: l.rubric.clone(),
                level: level_of(current),
            }
        })
        .collect();
    let owned: Vec<MaturityReport> = upto.iter().map(|r| (*r).clone()).collect();
    let key_results = p
        .body
        .key_results
        .iter()
        .map(|k: &KeyResult| {
            let entry = own
                .and_then(|r| r.body.key_results.iter().find(|e| e.code == k.code))
                .or_else(|| {
                    upto.iter()
                        .rev()
                        .filter_map(|r| r.body.key_results.iter().find(|e| e.code == k.code))
                        .find(|e| e.value.is_some())
                });
            let value = entry.and_then(|e| e.value);
            let s = m::kr_status(k, value, elapsed, ended);
            let source = entry.and_then(|e| e.source.clone());
            KrRow {
                code: k.code.clone(),
                layer: k.layer.as_str().into(),
                title: k.title.clone(),
                unit: k.unit.clone(),
                baseline: k.baseline,
                target: k.target,
                direction: if k.lower_is_better { "lower" } else { "higher" }.into(),
                metric: k.metric.map(|x| x.as_str().to_string()),
                value,
                basis: entry.map(|e| e.basis.clone()).unwrap_or_default(),
                source_key: source.as_ref().map(|f| f.key.clone()),
                source_args: source.as_ref().map(|f| f.args.clone()).unwrap_or_default(),
                source_link: source.and_then(|f| f.link),
                achievement: value.map(|v| m::achievement(k, v)),
                status: s.as_str().into(),
                icon: s.icon().into(),
                quarters: m::quarter_values(p, &owned, &k.code),
            }
        })
        .collect();
    let (tasks_done, tasks_planned) = p.tasks_done(None, None);
    let (hours, hours_total) = AmountRow::table(&p.body.hours);
    let (budget, budget_total) = AmountRow::table(&p.body.budget);
    let phases = p
        .body
        .phases
        .iter()
        .map(|ph| {
            let (done, planned) = p.tasks_done(Some(ph.number), None);
            let months = ph.last - ph.first + 1;
            let el = u8::try_from((index - i32::from(ph.first) + 1).clamp(0, i32::from(months)))
                .unwrap_or(0);
            let by_months = f64::from(el) / f64::from(months.max(1));
            let share = if planned > 0 {
                done as f64 / planned as f64
            } else {
                by_months
            };
            let s = if planned > 0 && done == planned {
                m::Status::Done
            } else if el == 0 {
                m::Status::Watch
            } else if el >= months && planned > 0 {
                m::Status::Missed
            } else {
                m::Status::Pending
            };
            PhaseRow {
                number: ph.number,
                title: ph.title.clone(),
                first: p.month_at(i32::from(ph.first)).to_string(),
                last: p.month_at(i32::from(ph.last)).to_string(),
                months,
                elapsed: el,
                tasks_done: done,
                tasks_planned: planned,
                progress: (share * 1000.0).round() / 10.0,
                status: s.as_str().into(),
                icon: s.icon().into(),
                tasks: p
                    .body
                    .tasks
                    .iter()
                    .filter(|t| t.phase == ph.number)
                    .map(|t| task_out(p, t))
                    .collect(),
            }
        })
        .collect();
    Summary {
        month: month.to_string(),
        index,
        months: p.months,
        elapsed: (elapsed * 1000.0).round() / 10.0,
        tasks_done,
        tasks_planned,
        tasks_progress: if tasks_planned > 0 {
            (tasks_done as f64 * 1000.0 / tasks_planned as f64).round() / 10.0
        } else {
            0.0
        },
        phase: p.phase_of(month).map(|x| x.number),
        layers,
        key_results,
        phases,
        risks: p
            .body
            .risks
            .iter()
            .map(|r| RiskRow {
                code: r.code.clone(),
                description: r.description.clone(),
                impact: r.impact.as_str().into(),
                likelihood: r.likelihood.as_str().into(),
                level: r.level().as_str().into(),
                icon: r.level().icon().into(),
                response: r.response.clone(),
                owner: r.owner.clone(),
                status: r.status.as_str().into(),
                risk_id: r.risk_id.as_ref().map(ToString::to_string),
            })
            .collect(),
        issues: p
            .body
            .issues
            .iter()
            .map(|x| IssueRow {
                code: x.code.clone(),
                description: x.description.clone(),
                found_on: ymd(x.found_on),
                impact: x.impact.as_str().into(),
                status: x.status.as_str().into(),
                resolution: x.resolution.clone(),
                owner: x.owner.clone(),
                due_on: x.due_on.map(ymd),
                // as of the month's end (today for the current month)
                overdue: x.overdue(of_unix(month.end() - 1)),
            })
            .collect(),
        hours,
        hours_total,
        budget,
        budget_total,
    }
}

pub fn task_out(p: &Programme, t: &Task) -> TaskOut {
    TaskOut {
        number: t.number,
        layer: t.layer.map(|l| l.as_str().to_string()),
        phase: t.phase,
        month: t.month.map(|i| p.month_at(i32::from(i)).to_string()),
        title: t.title.clone(),
        milestone: t.milestone,
        done_on: t.done_on.map(ymd),
    }
}

fn one_decimal(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

impl App {
    async fn maturity_programme_row(
        &self,
        p: &Principal,
        id: &MaturityProgrammeId,
        perm: Permission,
    ) -> Result<(Programme, Organisation)> {
        let x = self
            .stores
            .maturity
            .get_programme(&p.scope(Permission::RecordRead), id)
            .await?
            .ok_or(AppError::NotFound)?;
        let org = self.org_with(p, &x.org_id, perm).await?;
        Ok((x, org))
    }

    async fn maturity_report_row(
        &self,
        p: &Principal,
        id: &MaturityReportId,
        perm: Permission,
    ) -> Result<(MaturityReport, Organisation)> {
        let x = self
            .stores
            .maturity
            .get_report(&p.scope(Permission::RecordRead), id)
            .await?
            .ok_or(AppError::NotFound)?;
        let org = self.org_with(p, &x.org_id, perm).await?;
        Ok((x, org))
    }

    /// The month today is in (Asia/Taipei).
    pub fn this_month(&self) -> Month {
        Month::of(self.now())
    }

    /// Starts a programme from the shipped framework.
    pub async fn create_maturity_programme(
        &self,
        p: &Principal,
        org_id: &OrgId,
        input: ProgrammeInput,
    ) -> Result<Programme> {
        let org = self.org_with(p, org_id, Permission::RecordWrite).await?;
        let title = text::<200>("title", &input.title)?;
        let starts = Month::parse("starts", &input.starts)?;
        let now = self.now();
        let x = Programme::from_framework(
            MaturityProgrammeId::from(self.ids.new_id()),
            org.id.clone(),
            title,
            starts,
            &Framework::shipped(),
            Some(p.user.id.clone()),
            now,
        );
        let mut e = p.event("maturity.programme_created", Some(&org.id), Some(&x.id));
        e.details = serde_json::json!({"title": x.title, "starts": x.starts.to_string()});
        self.stores
            .maturity
            .save_programme(&p.scope(Permission::RecordWrite), &x, None, e)
            .await?;
        Ok(x)
    }

    /// An organisation's maturity page: its latest programme with the
    /// reports and the tables as of the latest report's month.
    pub async fn maturity(&self, p: &Principal, org_id: &OrgId) -> Result<MaturityView> {
        let org = self.org_with(p, org_id, Permission::RecordRead).await?;
        let scope = p.scope(Permission::RecordRead);
        let programme = self
            .stores
            .maturity
            .programmes(&scope, Some(&org.id))
            .await?
            .into_iter()
            .next();
        let reports = match &programme {
            Some(x) => self.stores.maturity.reports(&scope, &x.id).await?,
            None => Vec::new(),
        };
        let this = self.this_month();
        let summary = programme.as_ref().map(|x| {
            let at = reports
                .last()
                .map_or(this, |r| r.month.max(this).min(x.ends()));
            summary(x, &reports, at)
        });
        let next_month = programme.as_ref().and_then(|x| {
            let month = this.min(x.ends()).max(x.starts);
            (!reports.iter().any(|r| r.month == month)).then_some(month)
        });
        Ok(MaturityView {
            can_write: self.can(p, Permission::RecordWrite, &org),
            org,
            programme,
            reports,
            summary,
            next_month,
        })
    }

    /// A programme with its tables as of today.
    pub async fn maturity_programme(
        &self,
        p: &Principal,
        id: &MaturityProgrammeId,
    ) -> Result<(Programme, Summary)> {
        let (x, _) = self
            .maturity_programme_row(p, id, Permission::RecordRead)
            .await?;
        let reports = self
            .stores
            .maturity
            .reports(&p.scope(Permission::RecordRead), &x.id)
            .await?;
        let s = summary(&x, &reports, self.this_month());
        Ok((x, s))
    }

    /// Replaces the framework: title, layers (their current maturity
    /// kept), key results.
    pub async fn edit_maturity_framework(
        &self,
        p: &Principal,
        id: &MaturityProgrammeId,
        input: FrameworkInput,
    ) -> Result<Programme> {
        let (mut x, org) = self
            .maturity_programme_row(p, id, Permission::RecordWrite)
            .await?;
        x.title = text::<200>("title", &input.title)?;
        let mut layers: Vec<LayerPlan> = Vec::new();
        for l in &input.layers {
            let layer = layer_of(&l.layer)?;
            if layers.iter().any(|y| y.layer == layer) {
                return Err(AppError::invalid("layer", msg!("reason.maturity.twice")));
            }
            let plan = (|| -> Result<LayerPlan> {
                let start = m::parse_score("start", l.start)?;
                let target = m::parse_score("target", l.target)?;
                if target <= start {
                    return Err(AppError::invalid(
                        "target",
                        msg!("reason.maturity.target_above"),
                    ));
                }
                if l.rubric.len() != 5 {
                    return Err(AppError::invalid("rubric", msg!("reason.maturity.rubric")));
                }
                let rubric = l
                    .rubric
                    .iter()
                    .map(|r| text::<300>("rubric", r))
                    .collect::<Result<Vec<_>>>()?;
                Ok(LayerPlan {
                    layer,
                    name: text::<100>("name", &l.name)?,
                    start,
                    current: x.layer(layer).map_or(start, |c| c.current),
                    target,
                    rubric,
                })
            })()
            .map_err(at(layer.as_str()))?;
            layers.push(plan);
        }
        if layers.len() != Layer::ALL.len() {
            return Err(AppError::invalid(
                "layers",
                msg!("reason.maturity.five_layers"),
            ));
        }
        layers.sort_by_key(|l| l.layer);
        let mut krs: Vec<KeyResult> = Vec::new();
        for (i, k) in input.key_results.iter().enumerate() {
            let row = i.to_string();
            let kr = (|| -> Result<KeyResult> {
                let code = text::<20>("kr", &k.kr)?;
                if !code.chars().all(|c| c.is_ascii_alphanumeric() || c == '.') {
                    return Err(AppError::invalid("kr", msg!("reason.maturity.code")));
                }
                if krs.iter().any(|y| y.code == code) {
                    return Err(AppError::invalid("kr", msg!("reason.maturity.twice")));
                }
                let lower_is_better = match k.direction.trim() {
                    "higher" => false,
                    "lower" => true,
                    d => {
                        return Err(AppError::invalid(
                            "direction",
                            msg!("reason.unknown_value", value = d),
                        ));
                    }
                };
                Ok(KeyResult {
                    code,
                    layer: layer_of(&k.layer)?,
                    title: text::<200>("title", &k.title)?,
                    unit: opt_text::<20>("unit", &k.unit)?,
                    baseline: k
                        .baseline
                        .map(|b| m::parse_value("baseline", b))
                        .transpose()?,
                    target: m::parse_value("target", k.target)?,
                    lower_is_better,
                    metric: k
                        .metric
                        .as_deref()
                        .filter(|s| !s.trim().is_empty())
                        .map(|s| Metric::parse("metric", s))
                        .transpose()?,
                })
            })()
            .map_err(at(&row))?;
            krs.push(kr);
        }
        x.body.layers = layers;
        x.body.key_results = krs;
        let previous = x.updated_at;
        x.updated_at = self.now().max(previous + 1);
        let mut e = p.event("maturity.programme_edited", Some(&org.id), Some(&x.id));
        e.details = serde_json::json!({"key_results": x.body.key_results.len()});
        self.stores
            .maturity
            .save_programme(&p.scope(Permission::RecordWrite), &x, Some(previous), e)
            .await?;
        Ok(x)
    }

    /// Replaces the programme's risks, issues, hours and budget.
    pub async fn edit_maturity_tracking(
        &self,
        p: &Principal,
        id: &MaturityProgrammeId,
        input: TrackingInput,
    ) -> Result<Programme> {
        let (mut x, org) = self
            .maturity_programme_row(p, id, Permission::RecordWrite)
            .await?;
        let scope = p.scope(Permission::RecordRead);
        let mut risks: Vec<m::ProgrammeRisk> = Vec::new();
        for (i, r) in input.risks.iter().enumerate() {
            let row = format!("r{i}");
            let risk_id = match r
                .risk_id
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
            {
                None => None,
                Some(rid) => {
                    let rid = zian_domain::RiskId::from(rid);
                    // a risk of this organisation's register
                    let found = self.stores.risk.get(&scope, &rid).await?;
                    if found.is_none_or(|k| k.org_id != org.id) {
                        return Err(AppError::invalid(
                            &format!("risk_id.{row}"),
                            msg!("reason.maturity.no_risk"),
                        ));
                    }
                    Some(rid)
                }
            };
            let v = (|| -> Result<m::ProgrammeRisk> {
                Ok(m::ProgrammeRisk {
                    code: opt_text::<10>("code", &r.code)?,
                    description: text::<300>("description", &r.description)?,
                    impact: m::Rating::parse("impact", &r.impact)?,
                    likelihood: m::Rating::parse("likelihood", &r.likelihood)?,
                    response: opt_text::<300>("response", &r.response)?,
                    owner: opt_text::<100>("owner", &r.owner)?,
                    status: m::Tracking::parse("status", &r.status)?,
                    risk_id,
                })
            })()
            .map_err(at(&row))?;
            risks.push(v);
        }
        number_rows(&mut risks, "R", |r| &mut r.code)?;
        let mut issues: Vec<m::ProgrammeIssue> = Vec::new();
        for (i, x) in input.issues.iter().enumerate() {
            let row = format!("i{i}");
            let v = (|| -> Result<m::ProgrammeIssue> {
                let status = m::Tracking::parse("status", &x.status)?;
                Ok(m::ProgrammeIssue {
                    code: opt_text::<10>("code", &x.code)?,
                    description: text::<300>("description", &x.description)?,
                    found_on: zian_domain::day::parse("found_on", &x.found_on)?,
                    impact: m::Rating::parse("impact", &x.impact)?,
                    status,
                    resolution: opt_text::<300>("resolution", &x.resolution)?,
                    owner: opt_text::<100>("owner", &x.owner)?,
                    due_on: crate::typed::day_opt("due_on", &x.due_on)?,
                })
            })()
            .map_err(at(&row))?;
            issues.push(v);
        }
        number_rows(&mut issues, "I", |r| &mut r.code)?;
        let amounts = |v: &[AmountInput], prefix: &str| -> Result<Vec<m::Amount>> {
            v.iter()
                .enumerate()
                .map(|(i, a)| {
                    (|| -> Result<m::Amount> {
                        Ok(m::Amount {
                            name: text::<50>("name", &a.name)?,
                            planned: amount("planned", a.planned)?,
                            actual: amount("actual", a.actual)?,
                        })
                    })()
                    .map_err(at(&format!("{prefix}{i}")))
                })
                .collect()
        };
        x.body.hours = amounts(&input.hours, "h")?;
        x.body.budget = amounts(&input.budget, "b")?;
        x.body.risks = risks;
        x.body.issues = issues;
        let previous = x.updated_at;
        x.updated_at = self.now().max(previous + 1);
        let mut e = p.event("maturity.tracking_edited", Some(&org.id), Some(&x.id));
        e.details = serde_json::json!({"risks": x.body.risks.len(), "issues": x.body.issues.len()});
        self.stores
            .maturity
            .save_programme(&p.scope(Permission::RecordWrite), &x, Some(previous), e)
            .await?;
        Ok(x)
    }

    /// Adds a task or milestone to a phase.
    pub async fn add_maturity_task(
        &self,
        p: &Principal,
        id: &MaturityProgrammeId,
        input: TaskInput,
    ) -> Result<Programme> {
        let (mut x, org) = self
            .maturity_programme_row(p, id, Permission::RecordWrite)
            .await?;
        let phase = x
            .body
            .phases
            .iter()
            .find(|ph| ph.number == input.phase)
            .cloned()
            .ok_or_else(|| AppError::invalid("phase", msg!("reason.maturity.phase")))?;
        if let Some(mo) = input.programme_month
            && !(phase.first..=phase.last).contains(&mo)
        {
            return Err(AppError::invalid(
                "programme_month",
                msg!("reason.maturity.month_in_phase"),
            ));
        }
        let layer = input
            .layer
            .as_deref()
            .filter(|s| !s.trim().is_empty())
            .map(layer_of)
            .transpose()?;
        if layer.is_none() && !input.milestone {
            return Err(AppError::invalid("layer", msg!("reason.required")));
        }
        let number = x.body.tasks.iter().map(|t| t.number).max().unwrap_or(0) + 1;
        x.body.tasks.push(Task {
            number,
            layer,
            phase: phase.number,
            month: input.programme_month,
            title: text::<200>("title", &input.title)?,
            milestone: input.milestone,
            done_on: None,
        });
        let previous = x.updated_at;
        x.updated_at = self.now().max(previous + 1);
        let mut e = p.event("maturity.task_added", Some(&org.id), Some(&x.id));
        e.details = serde_json::json!({"number": number, "phase": phase.number});
        self.stores
            .maturity
            .save_programme(&p.scope(Permission::RecordWrite), &x, Some(previous), e)
            .await?;
        Ok(x)
    }

    /// Marks a task done today, or not done.
    pub async fn set_maturity_task(
        &self,
        p: &Principal,
        id: &MaturityProgrammeId,
        input: TaskStatusInput,
    ) -> Result<Programme> {
        let (mut x, org) = self
            .maturity_programme_row(p, id, Permission::RecordWrite)
            .await?;
        let today = self.today();
        let t = x
            .body
            .tasks
            .iter_mut()
            .find(|t| t.number == input.number)
            .ok_or_else(|| AppError::invalid("number", msg!("reason.maturity.no_task")))?;
        t.done_on = input.done.then_some(t.done_on.unwrap_or(today));
        let previous = x.updated_at;
        x.updated_at = self.now().max(previous + 1);
        let mut e = p.event("maturity.task_updated", Some(&org.id), Some(&x.id));
        e.details = serde_json::json!({"number": input.number, "done": input.done});
        self.stores
            .maturity
            .save_programme(&p.scope(Permission::RecordWrite), &x, Some(previous), e)
            .await?;
        Ok(x)
    }

    /// Drafts a month's report now (the job does it on the 20th).
    pub async fn create_maturity_report(
        &self,
        p: &Principal,
        id: &MaturityProgrammeId,
        input: ReportInput,
    ) -> Result<MaturityReport> {
        let (x, org) = self
            .maturity_programme_row(p, id, Permission::RecordWrite)
            .await?;
        let month = Month::parse("month", &input.month)?;
        if !(1..=i32::from(x.months)).contains(&x.index(month)) {
            return Err(AppError::invalid("month", msg!("reason.maturity.outside")));
        }
        let scope = p.scope(Permission::RecordWrite);
        let r = self.draft(&scope, &org, &x, month).await?;
        let mut e = p.event("maturity.report_created", Some(&org.id), Some(&r.id));
        e.details = serde_json::json!({"month": month.to_string()});
        self.stores
            .maturity
            .save_report(&scope, &r, None, e)
            .await?;
        Ok(r)
    }

    /// A new draft: scores carried from the latest report before the
    /// month, bound values gathered.
    async fn draft(
        &self,
        scope: &OrgScope,
        org: &Organisation,
        x: &Programme,
        month: Month,
    ) -> Result<MaturityReport> {
        let reports = self.stores.maturity.reports(scope, &x.id).await?;
        if reports.iter().any(|r| r.month == month) {
            return Err(AppError::Conflict("maturity_report"));
        }
        let previous = reports
            .iter()
            .filter(|r| r.month < month)
            .max_by_key(|r| r.month);
        let now = self.now();
        let mut r = MaturityReport {
            id: MaturityReportId::from(self.ids.new_id()),
            org_id: org.id.clone(),
            programme_id: x.id.clone(),
            month,
            status: ReportStatus::Draft,
            body: ReportBody::start(x, previous.map(|r| &r.body)),
            created_by: None,
            created_at: now,
            updated_at: now,
        };
        self.gather(scope, org, x, &mut r.body, month).await?;
        Ok(r)
    }

    /// Computes every bound key result of the month.
    async fn gather(
        &self,
        scope: &OrgScope,
        org: &Organisation,
        x: &Programme,
        body: &mut ReportBody,
        month: Month,
    ) -> Result<()> {
        for k in &x.body.key_results {
            let Some(metric) = k.metric else { continue };
            let (value, source) = self.live_metric(scope, org, metric, month).await?;
            match body.key_results.iter_mut().find(|e| e.code == k.code) {
                Some(e) => {
                    e.value = value;
                    e.bound = true;
                    e.source = Some(source);
                }
                None => body.key_results.push(m::KrEntry {
                    code: k.code.clone(),
                    value,
                    bound: true,
                    basis: String::new(),
                    source: Some(source),
                }),
            }
        }
        body.gathered_at = Some(self.now());
        Ok(())
    }

    /// A figure of the organisation's records for a month: the value (none
    /// when nothing was counted) and where it came from.
    pub async fn live_metric(
        &self,
        scope: &OrgScope,
        org: &Organisation,
        metric: Metric,
        month: Month,
    ) -> Result<(Option<f64>, Fact)> {
        let end = month.end();
        let last_day = of_unix(end - 1);
        let year_ago = month.last(12)[0];
        let from_m = |mo: Month| ymd(of_unix(mo.start()));
        let until = ymd(last_day);
        Ok(match metric {
            Metric::IncidentMttrHours => {
                let from = month.last(3)[0];
                let figures = self
                    .stores
                    .incidents
                    .figures(scope, &org.path, from.start(), end)
                    .await?;
                let mt = zian_domain::incidents::metrics(&figures);
                let recovered = figures.iter().filter(|f| f.3.is_some()).count();
                (
                    mt.mean_recover_secs.map(|s| one_decimal(s as f64 / 3600.0)),
                    Fact::new("maturity.source.mttr")
                        .arg("n", recovered)
                        .arg("from", from_m(from))
                        .arg("to", &until)
                        .link(format!("/orgs/{}/incidents", org.id)),
                )
            }
            Metric::DrDrillsYear | Metric::RestoreTestsMonth => {
                let first = if metric == Metric::DrDrillsYear {
                    year_ago
                } else {
                    month
                };
                let (a, b) = (of_unix(first.start()), last_day);
                let n = self
                    .stores
                    .continuity
                    .completed_drills(scope, Some(&org.id))
                    .await?
                    .iter()
                    .filter(|d| d.kind == zian_domain::continuity::DrillKind::Recovery)
                    .filter(|d| d.completed_on.is_some_and(|c| c >= a && c <= b))
                    .count();
                (
                    Some(n as f64),
                    Fact::new("maturity.source.drills")
                        .arg("n", n)
                        .arg("from", ymd(a))
                        .arg("to", &until)
                        .link(format!("/orgs/{}/continuity", org.id)),
                )
            }
            Metric::AuditDefectRate => {
                let (a, b) = (of_unix(year_ago.start()), last_day);
                let audits: Vec<_> = self
                    .stores
                    .audits
                    .reported_audits(scope, Some(&org.id))
                    .await?
                    .into_iter()
                    .filter(|x| x.reported_on.is_some_and(|d| d >= a && d <= b))
                    .collect();
                let answered: usize = audits
                    .iter()
                    .map(|x| {
                        x.body
                            .items
                            .iter()
                            .filter(|i| {
                                i.answer.is_some_and(|v| {
                                    v != zian_domain::audits::Answer::NotApplicable
                                })
                            })
                            .count()
                    })
                    .sum();
                let findings: usize = audits.iter().map(|x| x.findings().count()).sum();
                (
                    (answered > 0).then(|| one_decimal(findings as f64 * 100.0 / answered as f64)),
                    Fact::new("maturity.source.audits")
                        .arg("n", audits.len())
                        .arg("m", answered)
                        .arg("findings", findings)
                        .arg("from", ymd(a))
                        .arg("to", &until)
                        .link(format!("/orgs/{}/audits", org.id)),
                )
            }
            Metric::ObligationsMet => {
                let c = self.compliance_of(scope, org).await?;
                let n = c.counts.met + c.counts.due_soon + c.counts.overdue + c.counts.open;
                (
                    (n > 0).then(|| one_decimal(c.counts.met as f64 * 100.0 / n as f64)),
                    Fact::new("maturity.source.obligations")
                        .arg("done", c.counts.met)
                        .arg("n", n)
                        .arg("date", ymd(c.on))
                        .link(format!("/orgs/{}/compliance", org.id)),
                )
            }
            Metric::VansHandledWeek => {
                let rows = self
                    .stores
                    .vulns
                    .kpi_counts(scope, &org.path, &[month], self.now())
                    .await?;
                let r = zian_domain::vulns::kpi::handled_within_week(&rows, month);
                (
                    r.percent(),
                    Fact::new("maturity.source.vans")
                        .arg("done", r.numerator)
                        .arg("n", r.denominator)
                        .arg("month", month.to_string())
                        .link(format!("/orgs/{}/vulns", org.id)),
                )
            }
            Metric::TrainingHours => {
                let year = month.year;
                let from = time::Date::from_calendar_date(year - 1, time::Month::December, 31)
                    .unwrap_or(last_day);
                let plan = self
                    .stores
                    .training
                    .training_plan(scope, &org.id, year)
                    .await?;
                let sessions = self
                    .stores
                    .training
                    .sessions(scope, Some(&org.id), from, last_day)
                    .await?;
                let roster = plan.map(|x| x.body.roster).unwrap_or_default();
                let all = [
                    zian_domain::training::Category::Professional,
                    zian_domain::training::Category::Functional,
                    zian_domain::training::Category::General,
                ];
                let minutes: u32 = roster
                    .iter()
                    .map(|person| person.minutes(&sessions, &all, from, last_day))
                    .sum();
                (
                    (!roster.is_empty())
                        .then(|| one_decimal(f64::from(minutes) / 60.0 / roster.len() as f64)),
                    Fact::new("maturity.source.training")
                        .arg("n", roster.len())
                        .arg("hours", one_decimal(f64::from(minutes) / 60.0))
                        .arg("from", ymd(from.next_day().unwrap_or(from)))
                        .arg("to", &until)
                        .link(format!("/orgs/{}/training?year={year}", org.id)),
                )
            }
            Metric::PhishingClickRate => {
                let (a, b) = (of_unix(year_ago.start()), last_day);
                let rounds: Vec<_> = self
                    .stores
                    .continuity
                    .campaigns(scope, Some(&org.id))
                    .await?
                    .into_iter()
                    .filter(|c| c.held_on >= a && c.held_on <= b)
                    .collect();
                let sent: u64 = rounds.iter().map(|c| u64::from(c.participants)).sum();
                let clicked: u64 = rounds.iter().map(|c| u64::from(c.clicked)).sum();
                (
                    (sent > 0).then(|| one_decimal(clicked as f64 * 100.0 / sent as f64)),
                    Fact::new("maturity.source.phishing")
                        .arg("n", rounds.len())
                        .arg("m", sent)
                        .arg("done", clicked)
                        .arg("from", ymd(a))
                        .arg("to", &until)
                        .link(format!("/orgs/{}/continuity", org.id)),
                )
            }
            Metric::EdrCoverage => {
                // the coverage stored with the latest devices export of the month or before
                let latest = self
                    .stores
                    .coverage
                    .reports(
                        scope,
                        &org.id,
                        zian_domain::coverage::ReportKind::Devices,
                        0,
                    )
                    .await?
                    .into_iter()
                    .find(|r| r.received_at < end && r.summary.is_some());
                let c = latest.as_ref().and_then(|r| r.summary);
                (
                    c.and_then(|c| c.edr_ratio().percent()).map(one_decimal),
                    Fact::new("maturity.source.edr")
                        .arg("n", c.map_or(0, |c| c.edr))
                        .arg("m", c.map_or(0, |c| c.devices))
                        .arg(
                            "date",
                            latest.map_or_else(|| "—".into(), |r| ymd(of_unix(r.received_at))),
                        )
                        .link(format!("/orgs/{}/coverage", org.id)),
                )
            }
            Metric::SocResponseMinutes => {
                let reports = self
                    .stores
                    .coverage
                    .reports(
                        scope,
                        &org.id,
                        zian_domain::coverage::ReportKind::Alerts,
                        month.start() - 366 * 86_400,
                    )
                    .await?;
                let alerts = crate::coverage::distinct_alerts(&reports);
                let m = zian_domain::coverage::alert_metrics(&alerts, month.start(), end);
                (
                    m.mean_time_to_respond_secs
                        .map(|s| one_decimal(s as f64 / 60.0)),
                    Fact::new("maturity.source.soc")
                        .arg("month", month.to_string())
                        .arg("n", m.total)
                        .arg("done", m.closed)
                        .link(format!("/orgs/{}/coverage", org.id)),
                )
            }
        })
    }

    /// A report with the programme's tables as of its month.
    pub async fn maturity_report(
        &self,
        p: &Principal,
        id: &MaturityReportId,
    ) -> Result<ReportDetail> {
        let (report, org) = self
            .maturity_report_row(p, id, Permission::RecordRead)
            .await?;
        let scope = p.scope(Permission::RecordRead);
        let programme = self
            .stores
            .maturity
            .get_programme(&scope, &report.programme_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let reports = self.stores.maturity.reports(&scope, &programme.id).await?;
        // a published month shows its tables as signed
        let s = report
            .body
            .frozen
            .clone()
            .and_then(|v| serde_json::from_value::<Summary>(v).ok())
            .unwrap_or_else(|| summary(&programme, &reports, report.month));
        let can_write = self.can(p, Permission::RecordWrite, &org);
        let can_review = can_write
            && report
                .body
                .compiled
                .as_ref()
                .is_none_or(|c| c.by.as_ref() != Some(&p.user.id));
        let (actions, carried) = self.meeting_actions(p, &report, &reports).await?;
        Ok(ReportDetail {
            org,
            programme,
            report,
            reports,
            summary: s,
            can_write,
            can_review,
            actions,
            carried,
        })
    }

    /// The action items of a month's meeting, and those of the programme's
    /// earlier months still open or closed since the month began.
    async fn meeting_actions(
        &self,
        p: &Principal,
        report: &MaturityReport,
        reports: &[MaturityReport],
    ) -> Result<(
        Vec<zian_domain::corrective::CorrectiveAction>,
        Vec<zian_domain::corrective::CorrectiveAction>,
    )> {
        use zian_domain::corrective::Source;
        let actions = self
            .actions_of(p, Source::Maturity, report.id.as_str())
            .await?;
        let since = of_unix(report.month.start());
        let mut carried = Vec::new();
        for r in reports.iter().filter(|r| r.month < report.month) {
            carried.extend(
                self.actions_of(p, Source::Maturity, r.id.as_str())
                    .await?
                    .into_iter()
                    .filter(|a| a.done_on.is_none_or(|d| d >= since)),
            );
        }
        carried.sort_by_key(|a| (a.due_on, a.created_at));
        Ok((actions, carried))
    }

    /// Minutes the month's review meeting (the agenda of seed 000: layer
    /// progress, OKRs, risks and issues, next month's plan, resources) with
    /// its resolutions; a submitted or published report only. The action
    /// items are corrective actions raised from the report.
    pub async fn record_maturity_meeting(
        &self,
        p: &Principal,
        id: &MaturityReportId,
        input: MeetingInput,
    ) -> Result<MaturityReport> {
        let (mut r, org) = self
            .maturity_report_row(p, id, Permission::RecordWrite)
            .await?;
        let held_on = zian_domain::day::parse("meeting_on", &input.meeting_on)?;
        let chair = text::<100>("chair", &input.chair)?;
        let attendees = text::<1000>("attendees", &input.attendees)?;
        let mut minutes: Vec<m::AgendaNote> = Vec::new();
        for n in &input.minutes {
            let item = m::Agenda::parse("item", &n.item)?;
            if minutes.iter().any(|x| x.item == item) {
                return Err(AppError::invalid("item", msg!("reason.maturity.twice")));
            }
            minutes.push(m::AgendaNote {
                item,
                note: memo::<4000>("minutes", &n.note).map_err(at(item.as_str()))?,
            });
        }
        minutes.sort_by_key(|x| x.item);
        let mut resolutions = Vec::new();
        for (i, x) in input.resolutions.iter().enumerate() {
            let row = format!("r{i}");
            (|| -> Result<()> {
                let res = m::Resolution {
                    text: text::<500>("decision", &x.decision)?,
                    owner: text::<100>("owner", &x.owner)?,
                    due_on: zian_domain::day::parse("due_on", &x.due_on)?,
                };
                res.check(held_on)?;
                resolutions.push(res);
                Ok(())
            })()
            .map_err(at(&row))?;
        }
        let previous = r.updated_at;
        let now = self.now().max(previous + 1);
        r.record_meeting(
            m::Meeting {
                held_on,
                chair,
                attendees,
                minutes,
                resolutions,
                recorded: Signature {
                    by: Some(p.user.id.clone()),
                    name: p.user.display_name.clone(),
                    at: now,
                },
            },
            self.today(),
        )?;
        r.updated_at = now;
        let mut e = p.event("maturity.meeting_recorded", Some(&org.id), Some(&r.id));
        e.details = serde_json::json!({"month": r.month.to_string(), "meeting_on": ymd(held_on)});
        self.stores
            .maturity
            .save_report(&p.scope(Permission::RecordWrite), &r, Some(previous), e)
            .await?;
        Ok(r)
    }

    /// Records what was typed into a draft.
    pub async fn edit_maturity_report(
        &self,
        p: &Principal,
        id: &MaturityReportId,
        input: ReportEditInput,
    ) -> Result<MaturityReport> {
        let (mut r, org) = self
            .maturity_report_row(p, id, Permission::RecordWrite)
            .await?;
        if r.status != ReportStatus::Draft {
            return Err(AppError::invalid(
                "status",
                msg!("reason.maturity.not_draft"),
            ));
        }
        let b = &mut r.body;
        for l in &input.layers {
            let layer = layer_of(&l.layer)?;
            let x = b
                .layers
                .iter_mut()
                .find(|x| x.layer == layer)
                .ok_or_else(|| AppError::invalid("layer", msg!("reason.maturity.no_layer")))?;
            (|| -> Result<()> {
                x.maturity = m::parse_score("maturity", l.maturity)?;
                x.tasks_done = memo::<2000>("tasks_done", &l.tasks_done)?;
                x.next_tasks = memo::<2000>("next_tasks", &l.next_tasks)?;
                x.issues = memo::<2000>("issues", &l.issues)?;
                Ok(())
            })()
            .map_err(at(layer.as_str()))?;
        }
        for v in &input.values {
            let e = b
                .key_results
                .iter_mut()
                .find(|e| e.code == v.kr.trim())
                .ok_or_else(|| AppError::invalid("kr", msg!("reason.maturity.no_kr")))?;
            (|| -> Result<()> {
                if e.bound {
                    return Err(AppError::invalid("value", msg!("reason.maturity.bound")));
                }
                e.value = v.value.map(|x| m::parse_value("value", x)).transpose()?;
                e.basis = opt_text::<300>("note", &v.note)?;
                Ok(())
            })()
            .map_err(at(&e.code.clone()))?;
        }
        b.achievements = memo::<4000>("achievements", &input.achievements)?;
        b.challenges = memo::<4000>("challenges", &input.challenges)?;
        b.next_focus = memo::<4000>("next_focus", &input.next_focus)?;
        b.highlights = memo::<4000>("highlights", &input.highlights)?;
        b.lessons = memo::<4000>("lessons", &input.lessons)?;
        let previous = r.updated_at;
        r.updated_at = self.now().max(previous + 1);
        let mut e = p.event("maturity.report_edited", Some(&org.id), Some(&r.id));
        e.details = serde_json::json!({"month": r.month.to_string()});
        self.stores
            .maturity
            .save_report(&p.scope(Permission::RecordWrite), &r, Some(previous), e)
            .await?;
        Ok(r)
    }

    /// Computes the bound values again (a draft only).
    pub async fn gather_maturity_report(
        &self,
        p: &Principal,
        id: &MaturityReportId,
    ) -> Result<MaturityReport> {
        let (mut r, org) = self
            .maturity_report_row(p, id, Permission::RecordWrite)
            .await?;
        if r.status != ReportStatus::Draft {
            return Err(AppError::invalid(
                "status",
                msg!("reason.maturity.not_draft"),
            ));
        }
        let scope = p.scope(Permission::RecordWrite);
        let x = self
            .stores
            .maturity
            .get_programme(&scope, &r.programme_id)
            .await?
            .ok_or(AppError::NotFound)?;
        self.gather(&scope, &org, &x, &mut r.body, r.month).await?;
        let previous = r.updated_at;
        r.updated_at = self.now().max(previous + 1);
        let mut e = p.event("maturity.report_gathered", Some(&org.id), Some(&r.id));
        e.details = serde_json::json!({"month": r.month.to_string()});
        self.stores
            .maturity
            .save_report(&scope, &r, Some(previous), e)
            .await?;
        Ok(r)
    }

    /// Signs as who compiled it (資安合規專員); the others who may review
    /// it are told.
    pub async fn submit_maturity_report(
        &self,
        p: &Principal,
        id: &MaturityReportId,
    ) -> Result<MaturityReport> {
        let (mut r, org) = self
            .maturity_report_row(p, id, Permission::RecordWrite)
            .await?;
        let previous = r.updated_at;
        let now = self.now().max(previous + 1);
        r.submit(Signature {
            by: Some(p.user.id.clone()),
            name: p.user.display_name.clone(),
            at: now,
        })?;
        r.updated_at = now;
        let mut e = p.event("maturity.report_submitted", Some(&org.id), Some(&r.id));
        e.details = serde_json::json!({"month": r.month.to_string()});
        self.stores
            .maturity
            .save_report(&p.scope(Permission::RecordWrite), &r, Some(previous), e)
            .await?;
        self.raise_to_others(
            &org.id,
            Permission::RecordWrite,
            &p.user.id,
            &Raise {
                event: "maturity.submitted",
                org: Some(org.id.clone()),
                title: msg!(
                    "inbox.notice.maturity_submitted",
                    month = r.month.to_string()
                ),
                title_en: None,
                link: Some(format!("/maturity-reports/{}", r.id)),
                dedupe_key: Some(format!("maturity.submitted:{}:{now}", r.id)),
            },
        )
        .await;
        Ok(r)
    }

    /// The review: published to management (the CISO's office is told by
    /// inbox and mail) or returned to the officer with the reason.
    pub async fn review_maturity_report(
        &self,
        p: &Principal,
        id: &MaturityReportId,
        input: ReviewInput,
    ) -> Result<MaturityReport> {
        let (mut r, org) = self
            .maturity_report_row(p, id, Permission::RecordWrite)
            .await?;
        let previous = r.updated_at;
        let now = self.now().max(previous + 1);
        let note = opt_text::<1000>("note", &input.note)?;
        let compiler = r.body.compiled.as_ref().and_then(|c| c.by.clone());
        r.review(
            Signature {
                by: Some(p.user.id.clone()),
                name: p.user.display_name.clone(),
                at: now,
            },
            input.approve,
            &note,
        )?;
        r.updated_at = now;
        if input.approve {
            // the month's tables frozen as published
            let scope = p.scope(Permission::RecordRead);
            if let Some(x) = self
                .stores
                .maturity
                .get_programme(&scope, &r.programme_id)
                .await?
            {
                let mut reports = self.stores.maturity.reports(&scope, &x.id).await?;
                for y in &mut reports {
                    if y.id == r.id {
                        *y = r.clone();
                    }
                }
                r.body.frozen = serde_json::to_value(summary(&x, &reports, r.month)).ok();
            }
        }
        let action = if input.approve {
            "maturity.report_published"
        } else {
            "maturity.report_returned"
        };
        let mut e = p.event(action, Some(&org.id), Some(&r.id));
        e.details = serde_json::json!({"month": r.month.to_string(), "note": note});
        let scope = p.scope(Permission::RecordWrite);
        self.stores
            .maturity
            .save_report(&scope, &r, Some(previous), e)
            .await?;
        // the published scores become the programme's current maturity
        if input.approve
            && let Some(mut x) = self
                .stores
                .maturity
                .get_programme(&scope, &r.programme_id)
                .await?
        {
            let latest = self
                .stores
                .maturity
                .reports(&scope, &x.id)
                .await?
                .into_iter()
                .filter(|y| y.status == ReportStatus::Published)
                .max_by_key(|y| y.month);
            if let Some(latest) = latest {
                for l in &mut x.body.layers {
                    if let Some(s) = latest.body.layer(l.layer) {
                        l.current = s.maturity;
                    }
                }
                let before = x.updated_at;
                x.updated_at = self.now().max(before + 1);
                let mut e = p.event("maturity.programme_scored", Some(&org.id), Some(&x.id));
                e.details = serde_json::json!({"month": latest.month.to_string()});
                self.stores
                    .maturity
                    .save_programme(&scope, &x, Some(before), e)
                    .await?;
            }
        }
        let link = Some(format!("/maturity-reports/{}", r.id));
        let month = r.month.to_string();
        if input.approve {
            self.raise_to_holders(
                &org.id,
                Permission::PlanApprove,
                &Raise {
                    event: "maturity.published",
                    org: Some(org.id.clone()),
                    title: msg!("inbox.notice.maturity_published", month = &month),
                    title_en: None,
                    link,
                    dedupe_key: Some(format!("maturity.published:{}", r.id)),
                },
            )
            .await;
        } else if let Some(u) = compiler {
            self.raise(
                &[u],
                &Raise {
                    event: "maturity.returned",
                    org: Some(org.id.clone()),
                    title: msg!("inbox.notice.maturity_returned", month = &month),
                    title_en: None,
                    link,
                    dedupe_key: Some(format!("maturity.returned:{}:{now}", r.id)),
                },
            )
            .await;
        }
        Ok(r)
    }

    /// A supervisor's comparison: the organisations below `org_id` with a
    /// programme, their month's maturity per layer and key results met.
    pub async fn maturity_comparison(
        &self,
        p: &Principal,
        org_id: &OrgId,
        month: Option<Month>,
    ) -> Result<Comparison> {
        let org = self.org_with(p, org_id, Permission::RecordRead).await?;
        let scope = p.scope(Permission::RecordRead);
        let month = month.unwrap_or_else(|| self.this_month());
        let programmes: Vec<Programme> = self
            .stores
            .maturity
            .programmes(&scope, None)
            .await?
            .into_iter()
            .collect();
        let reports = self
            .stores
            .maturity
            .reports_of_month(&scope, &org.path, month)
            .await?;
        let orgs = self
            .stores
            .orgs
            .list(&scope, &ListQuery::all(zian_domain::list::HARD_LIMIT))
            .await?
            .items;
        let mut rows = Vec::new();
        for o in orgs
            .iter()
            .filter(|o| o.path.starts_with(&org.path) && o.active)
        {
            // the organisation's programme running in the month (the
            // latest started)
            let Some(x) = programmes
                .iter()
                .filter(|x| x.org_id == o.id && x.starts <= month)
                .max_by_key(|x| x.starts)
            else {
                continue;
            };
            let r = reports
                .iter()
                .find(|r| r.programme_id == x.id && r.month == month);
            let mut met = 0;
            let mut valued = 0;
            if let Some(r) = r {
                for k in &x.body.key_results {
                    if let Some(v) = r.body.value(&k.code) {
                        valued += 1;
                        if m::met(k, v) {
                            met += 1;
                        }
                    }
                }
            }
            rows.push(CompareRow {
                org_id: o.id.to_string(),
                org_name: o.name_zh.clone(),
                status: r.map(|r| r.status.as_str().to_string()),
                report_id: r.map(|r| r.id.to_string()),
                layers: Layer::ALL
                    .iter()
                    .map(|l| {
                        let plan = x.layer(*l);
                        let maturity = r.and_then(|r| r.body.layer(*l)).map(|s| s.maturity);
                        CompareCell {
                            layer: l.as_str().into(),
                            maturity,
                            progress: plan
                                .zip(maturity)
                                .map(|(pl, v)| m::layer_progress(pl.start, v, pl.target)),
                        }
                    })
                    .collect(),
                kr_met: met,
                kr_valued: valued,
                kr_attainment: (valued > 0)
                    .then(|| (met as f64 * 1000.0 / valued as f64).round() / 10.0),
            });
        }
        Ok(Comparison { org, month, rows })
    }

    /// The monthly job: from the 20th, a draft for every running programme
    /// without one for the month (the officers told); returns how many.
    pub async fn maturity_monthly(&self) -> Result<usize> {
        let scope = OrgScope::system_wide();
        let now = self.now();
        let today = of_unix(now);
        if today.day() < DRAFT_DAY {
            return Ok(0);
        }
        let month = Month::of(now);
        let mut made = 0;
        for x in self.stores.maturity.programmes(&scope, None).await? {
            if !(1..=i32::from(x.months)).contains(&x.index(month)) {
                continue;
            }
            let Some(org) = self.stores.orgs.get(&scope, &x.org_id).await? else {
                continue;
            };
            if !org.active {
                continue;
            }
            let r = match self.draft(&scope, &org, &x, month).await {
                Ok(r) => r,
                Err(AppError::Conflict(_)) => continue,
                Err(e) => return Err(e),
            };
            let mut e = zian_domain::audit::AuditEvent::new("maturity.report_created");
            e.org_id = Some(org.id.to_string());
            e.target = Some(r.id.to_string());
            e.details = serde_json::json!({"month": month.to_string(), "via": KIND_MONTHLY});
            match self.stores.maturity.save_report(&scope, &r, None, e).await {
                Ok(()) => {}
                // another worker made it first
                Err(zian_storage::StoreError::Conflict(_)) => continue,
                Err(e) => return Err(e.into()),
            }
            made += 1;
            self.raise_to_holders(
                &org.id,
                Permission::RecordWrite,
                &Raise {
                    event: "maturity.draft",
                    org: Some(org.id.clone()),
                    title: msg!("inbox.notice.maturity_draft", month = month.to_string()),
                    title_en: None,
                    link: Some(format!("/maturity-reports/{}", r.id)),
                    dedupe_key: Some(format!("maturity.draft:{}", r.id)),
                },
            )
            .await;
        }
        Ok(made)
    }
}

pub(crate) struct MonthlyJob;

#[async_trait::async_trait]
impl JobHandler for MonthlyJob {
    async fn run(&self, cx: &JobContext) -> std::result::Result<(), String> {
        let made = cx.app.maturity_monthly().await.map_err(|e| e.to_string())?;
        cx.progress(100, &format!("{made} monthly reports drafted"))
            .await;
        Ok(())
    }
}
