//! L1–L5 operations maturity (seed 000): an organisation's programme of
//! months (default 18) in phases, five layers each with a starting, current
//! and target maturity (1.0–5.0) scored against a rubric, key results per
//! layer with a baseline and a target — typed in each month or bound to a
//! figure the platform computes ([`Metric`]) — and tasks and milestones per
//! layer and phase. Each month has a report ([`MaturityReport`]): the
//! layers' scores, the key results' values with where they came from, the
//! officer's narrative, compiled by one person and reviewed by another
//! before it is published to management.
//!
//! The arithmetic is here and nowhere else: a layer's progress
//! (`(current − start) / (target − start)`), a key result's achievement
//! (lower-is-better targets such as MTTR ≤ 4 h included), the status icons
//! of seed 000 appendix B, the phase, quarter and share of the programme
//! elapsed in a month.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use time::Date;
use zian_i18n::msg;
use zian_rules::maturity::Framework;

use crate::error::DomainError;
use crate::management_review::Fact;
pub use crate::vulns::kpi::Month;
use crate::{MaturityProgrammeId, MaturityReportId, OrgId, UserId};

/// The five layers (seed 000 L37-45).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Layer {
    /// 可靠性與容災
    L1,
    /// 防禦與監控
    L2,
    /// 使用者體驗
    L3,
    /// 工具與自動化
    L4,
    /// 文件與合規
    L5,
}

impl Layer {
    pub const ALL: [Layer; 5] = [Layer::L1, Layer::L2, Layer::L3, Layer::L4, Layer::L5];
    pub fn as_str(self) -> &'static str {
        match self {
            Layer::L1 => "l1",
            Layer::L2 => "l2",
            Layer::L3 => "l3",
            Layer::L4 => "l4",
            Layer::L5 => "l5",
        }
    }
    /// `L1` … `L5`, as printed.
    pub fn code(self) -> &'static str {
        match self {
            Layer::L1 => "L1",
            Layer::L2 => "L2",
            Layer::L3 => "L3",
            Layer::L4 => "L4",
            Layer::L5 => "L5",
        }
    }
    pub fn parse(field: &'static str, s: &str) -> Result<Self, DomainError> {
        crate::error::parse_named(&Self::ALL, Self::as_str, field, &s.trim().to_lowercase())
    }
}

/// A figure of the platform a key result can be bound to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    /// Mean time from awareness to recovery of the incidents recovered in
    /// the three months ending with the report's, in hours.
    IncidentMttrHours,
    /// Recovery drills completed in the twelve months ending with the
    /// report's.
    DrDrillsYear,
    /// Recovery (restore) drills completed in the report's month.
    RestoreTestsMonth,
    /// Findings per hundred items answered of the audits reported in the
    /// twelve months ending with the report's, in %.
    AuditDefectRate,
    /// The legal obligations met of those that apply, in %.
    ObligationsMet,
    /// The VANS share of CVSS ≥ 7 findings handled within a week, of those
    /// notified in the report's month, in %.
    VansHandledWeek,
    /// Security training hours per person of the roster, the report's year.
    TrainingHours,
    /// Of the social-engineering drills held in the twelve months ending
    /// with the report's, the share of recipients who clicked, in %.
    PhishingClickRate,
    /// The register's devices with an EDR agent seen within seven days, by
    /// the latest consoles' export received before the month ended, in %.
    EdrCoverage,
    /// The SOC's mean time to respond to the alerts raised in the report's
    /// month, in minutes.
    SocResponseMinutes,
}

impl Metric {
    pub const ALL: [Metric; 10] = [
        Metric::IncidentMttrHours,
        Metric::DrDrillsYear,
        Metric::RestoreTestsMonth,
        Metric::AuditDefectRate,
        Metric::ObligationsMet,
        Metric::VansHandledWeek,
        Metric::TrainingHours,
        Metric::PhishingClickRate,
        Metric::EdrCoverage,
        Metric::SocResponseMinutes,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Metric::IncidentMttrHours => "incident_mttr_hours",
            Metric::DrDrillsYear => "dr_drills_year",
            Metric::RestoreTestsMonth => "restore_tests_month",
            Metric::AuditDefectRate => "audit_defect_rate",
            Metric::ObligationsMet => "obligations_met",
            Metric::VansHandledWeek => "vans_handled_week",
            Metric::TrainingHours => "training_hours",
            Metric::PhishingClickRate => "phishing_click_rate",
            Metric::EdrCoverage => "edr_coverage",
            Metric::SocResponseMinutes => "soc_response_minutes",
        }
    }
    pub fn parse(field: &'static str, s: &str) -> Result<Self, DomainError> {
        crate::error::parse_named(&Self::ALL, Self::as_str, field, s.trim())
    }
}

/// A layer of the programme: its maturity at the start, now and as aimed
/// for, and its rubric (levels 1–5).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LayerPlan {
    pub layer: Layer,
    pub name: String,
    pub start: f64,
    /// The latest published score (the start before any).
    pub current: f64,
    pub target: f64,
    pub rubric: Vec<String>,
}

/// A phase: months `first..=last` of the programme (1-based).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Phase {
    pub number: u8,
    pub first: u8,
    pub last: u8,
    pub title: String,
}

/// A key result of a layer's objective.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KeyResult {
    /// `KR2.1`
    pub code: String,
    pub layer: Layer,
    pub title: String,
    pub unit: String,
    pub baseline: Option<f64>,
    pub target: f64,
    /// At most the target (MTTR, defect rate) rather than at least.
    pub lower_is_better: bool,
    /// The figure it reads each month; none: typed in.
    pub metric: Option<Metric>,
}

/// A task of a layer in a phase, or a milestone (a month's deliverable).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Task {
    pub number: u32,
    pub layer: Option<Layer>,
    pub phase: u8,
    /// The programme month it is due in (1-based), for milestones.
    pub month: Option<u8>,
    pub title: String,
    pub milestone: bool,
    #[serde(with = "crate::day::serde_opt_ymd", default)]
    pub done_on: Option<Date>,
}

/// 高 / 中 / 低: a programme risk's impact and likelihood, its level, an
/// issue's impact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rating {
    Low,
    Medium,
    High,
}

impl Rating {
    pub const ALL: [Rating; 3] = [Rating::High, Rating::Medium, Rating::Low];
    pub fn as_str(self) -> &'static str {
        match self {
            Rating::High => "high",
            Rating::Medium => "medium",
            Rating::Low => "low",
        }
    }
    pub fn parse(field: &'static str, s: &str) -> Result<Self, DomainError> {
        crate::error::parse_named(&Self::ALL, Self::as_str, field, s.trim())
    }
    fn weight(self) -> u8 {
        match self {
            Rating::High => 3,
            Rating::Medium => 2,
            Rating::Low => 1,
        }
    }
    /// A risk's level from its impact and likelihood, as seed 000's table
    /// reads them: 高×高 🔴, 高×中 or 中×中 🟡, 高×低 and below 🟢.
    pub fn level(impact: Rating, likelihood: Rating) -> Rating {
        match impact.weight() * likelihood.weight() {
            9.. => Rating::High,
            4.. => Rating::Medium,
            _ => Rating::Low,
        }
    }
    /// The seed's icon for a risk level.
    pub fn icon(self) -> &'static str {
        match self {
            Rating::High => "🔴",
            Rating::Medium => "🟡",
            Rating::Low => "🟢",
        }
    }
}

/// Where a programme risk or issue stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tracking {
    /// 監控中 (a risk) / 處理中 (an issue)
    Open,
    /// 已規劃 (a risk's response planned)
    Planned,
    /// 已解除 / 已解決
    Closed,
}

impl Tracking {
    pub const ALL: [Tracking; 3] = [Tracking::Open, Tracking::Planned, Tracking::Closed];
    pub fn as_str(self) -> &'static str {
        match self {
            Tracking::Open => "open",
            Tracking::Planned => "planned",
            Tracking::Closed => "closed",
        }
    }
    pub fn parse(field: &'static str, s: &str) -> Result<Self, DomainError> {
        crate::error::parse_named(&Self::ALL, Self::as_str, field, s.trim())
    }
}

/// A risk to the programme (seed 000's 風險清單), linked to the security
/// risk register when it is a security risk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgrammeRisk {
    /// `R001`
    pub code: String,
    pub description: String,
    pub impact: Rating,
    pub likelihood: Rating,
    /// 應對措施
    pub response: String,
    pub owner: String,
    pub status: Tracking,
    /// The security risk of the register it is.
    #[serde(default)]
    pub risk_id: Option<crate::RiskId>,
}

impl ProgrammeRisk {
    pub fn level(&self) -> Rating {
        Rating::level(self.impact, self.likelihood)
    }
}

/// An issue of the programme (seed 000's 問題清單).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgrammeIssue {
    /// `I001`
    pub code: String,
    pub description: String,
    #[serde(with = "crate::day::serde_ymd")]
    pub found_on: Date,
    pub impact: Rating,
    pub status: Tracking,
    /// 解決方案
    pub resolution: String,
    pub owner: String,
    /// 預計解決
    #[serde(with = "crate::day::serde_opt_ymd", default)]
    pub due_on: Option<Date>,
}

impl ProgrammeIssue {
    /// Still open after its due day.
    pub fn overdue(&self, today: Date) -> bool {
        self.status != Tracking::Closed && self.due_on.is_some_and(|d| d < today)
    }
}

/// Planned and actual amounts of one role's hours or one category's budget,
/// cumulative to date (seed 000's 資源使用情況).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Amount {
    pub name: String,
    pub planned: f64,
    pub actual: f64,
}

impl Amount {
    /// A table's rows, nothing planned or spent yet.
    pub fn rows(names: &[&str]) -> Vec<Amount> {
        names
            .iter()
            .map(|n| Amount {
                name: (*n).to_string(),
                planned: 0.0,
                actual: 0.0,
            })
            .collect()
    }
    /// 差異: actual − planned.
    pub fn variance(&self) -> f64 {
        self.actual - self.planned
    }
    /// 使用率: actual / planned in % (none before anything is planned).
    pub fn utilisation(&self) -> Option<f64> {
        (self.planned > 0.0).then(|| pct(self.actual / self.planned))
    }
}

/// The sum of amounts (the tables' 總計 row).
pub fn total(v: &[Amount], name: &str) -> Amount {
    Amount {
        name: name.to_string(),
        planned: v.iter().map(|a| a.planned).sum(),
        actual: v.iter().map(|a| a.actual).sum(),
    }
}

/// The roles of seed 000's hours table.
pub const ROLES: [&str; 6] = [
    "系統管理員",
    "資安專員",
    "IT支援專員",
    "DevOps工程師",
    "資安合規專員",
    "外部顧問",
];
/// The categories of seed 000's budget table.
pub const BUDGET: [&str; 6] = [
    "L1可靠性",
    "L2防禦監控",
    "L3使用者體驗",
    "L4自動化",
    "L5文件合規",
    "外部顧問",
];

/// What a programme keeps as its JSON body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct ProgrammeBody {
    pub layers: Vec<LayerPlan>,
    pub phases: Vec<Phase>,
    pub key_results: Vec<KeyResult>,
    pub tasks: Vec<Task>,
    #[serde(default)]
    pub risks: Vec<ProgrammeRisk>,
    #[serde(default)]
    pub issues: Vec<ProgrammeIssue>,
    /// Hours by role, cumulative.
    #[serde(default)]
    pub hours: Vec<Amount>,
    /// Budget by layer and for consultants, cumulative (NT$).
    #[serde(default)]
    pub budget: Vec<Amount>,
    /// The framework file's source and effective date it was made from.
    pub framework: String,
}

/// An organisation's maturity programme.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Programme {
    pub id: MaturityProgrammeId,
    pub org_id: OrgId,
    pub title: String,
    /// Its first month.
    pub starts: Month,
    pub months: u8,
    pub body: ProgrammeBody,
    pub created_by: Option<UserId>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// A maturity score: 1.0–5.0, one decimal.
pub fn parse_score(field: &'static str, x: f64) -> Result<f64, DomainError> {
    if !x.is_finite() || !(1.0..=5.0).contains(&x) {
        return Err(DomainError::Invalid {
            field,
            reason: msg!("reason.maturity.score"),
        });
    }
    Ok((x * 10.0).round() / 10.0)
}

/// A key result's value or target: a finite number.
pub fn parse_value(field: &'static str, x: f64) -> Result<f64, DomainError> {
    if !x.is_finite() || x.abs() > 1e9 {
        return Err(DomainError::Invalid {
            field,
            reason: msg!("reason.maturity.value"),
        });
    }
    Ok(x)
}

impl Programme {
    /// A programme starting in `starts` from the shipped framework.
    pub fn from_framework(
        id: MaturityProgrammeId,
        org_id: OrgId,
        title: String,
        starts: Month,
        f: &Framework,
        created_by: Option<UserId>,
        now: i64,
    ) -> Programme {
        let layer = |c: &str| {
            Layer::ALL
                .into_iter()
                .find(|l| l.as_str() == c)
                .unwrap_or(Layer::L1)
        };
        Programme {
            id,
            org_id,
            title,
            starts,
            months: f.months,
            body: ProgrammeBody {
                layers: f
                    .layers
                    .iter()
                    .map(|l| LayerPlan {
                        layer: layer(&l.code),
                        name: l.name.clone(),
                        start: l.start,
                        current: l.start,
                        target: l.target,
                        rubric: l.rubric.to_vec(),
                    })
                    .collect(),
                phases: f
                    .phases
                    .iter()
                    .map(|p| Phase {
                        number: p.number,
                        first: p.first,
                        last: p.last,
                        title: p.title.clone(),
                    })
                    .collect(),
                key_results: f
                    .key_results
                    .iter()
                    .map(|k| KeyResult {
                        code: k.code.clone(),
                        layer: layer(&k.layer),
                        title: k.title.clone(),
                        unit: k.unit.clone(),
                        baseline: k.baseline,
                        target: k.target,
                        lower_is_better: k.lower_is_better,
                        metric: k
                            .metric
                            .as_deref()
                            .and_then(|m| Metric::parse("metric", m).ok()),
                    })
                    .collect(),
                tasks: Vec::new(),
                risks: Vec::new(),
                issues: Vec::new(),
                hours: Amount::rows(&ROLES),
                budget: Amount::rows(&BUDGET),
                framework: format!("{} ({})", f.source, crate::day::ymd(f.effective_from)),
            },
            created_by,
            created_at: now,
            updated_at: now,
        }
    }

    /// The programme's month `m` falls in, 1-based (0 or less: before it
    /// starts; above [`Self::months`]: after it ends).
    pub fn index(&self, m: Month) -> i32 {
        (m.year - self.starts.year) * 12 + i32::from(m.month) - i32::from(self.starts.month) + 1
    }

    /// Its last month.
    pub fn ends(&self) -> Month {
        self.month_at(i32::from(self.months))
    }

    /// The calendar month of programme month `i` (1-based).
    pub fn month_at(&self, i: i32) -> Month {
        let z = self.starts.year * 12 + i32::from(self.starts.month) - 1 + i - 1;
        Month {
            year: z.div_euclid(12),
            month: u8::try_from(z.rem_euclid(12) + 1).unwrap_or(1),
        }
    }

    /// The share of the programme elapsed at the end of `m` (0–1).
    pub fn elapsed(&self, m: Month) -> f64 {
        f64::from(self.index(m).clamp(0, i32::from(self.months))) / f64::from(self.months.max(1))
    }

    /// The phase `m` falls in.
    pub fn phase_of(&self, m: Month) -> Option<&Phase> {
        let i = self.index(m);
        self.body
            .phases
            .iter()
            .find(|p| (i32::from(p.first)..=i32::from(p.last)).contains(&i))
    }

    /// The programme quarter (1-based, three months each) of `m`.
    pub fn quarter_of(&self, m: Month) -> Option<u8> {
        let i = self.index(m);
        (1..=i32::from(self.months))
            .contains(&i)
            .then(|| u8::try_from((i - 1) / 3 + 1).unwrap_or(0))
    }

    /// How many quarters the programme has.
    pub fn quarters(&self) -> u8 {
        self.months.div_ceil(3)
    }

    pub fn key_result(&self, code: &str) -> Option<&KeyResult> {
        self.body.key_results.iter().find(|k| k.code == code)
    }

    pub fn layer(&self, l: Layer) -> Option<&LayerPlan> {
        self.body.layers.iter().find(|x| x.layer == l)
    }

    /// Tasks done of those planned (milestones included) — of one phase
    /// and layer when given.
    pub fn tasks_done(&self, phase: Option<u8>, layer: Option<Layer>) -> (usize, usize) {
        let v: Vec<&Task> = self
            .body
            .tasks
            .iter()
            .filter(|t| phase.is_none_or(|p| t.phase == p))
            .filter(|t| layer.is_none() || t.layer == layer)
            .collect();
        (v.iter().filter(|t| t.done_on.is_some()).count(), v.len())
    }
}

/// A figure as the tables print it: a whole number plain, else one decimal.
pub fn number(v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

/// Per cent with one decimal.
fn pct(x: f64) -> f64 {
    (x * 1000.0).round() / 10.0
}

/// A layer's progress: `(current − start) / (target − start)` in %, 0–100.
pub fn layer_progress(start: f64, current: f64, target: f64) -> f64 {
    if target <= start {
        return if current >= target { 100.0 } else { 0.0 };
    }
    pct(((current - start) / (target - start)).clamp(0.0, 1.0))
}

/// Whether a value meets its key result's target.
pub fn met(k: &KeyResult, v: f64) -> bool {
    if k.lower_is_better {
        v <= k.target
    } else {
        v >= k.target
    }
}

/// The seed's 達成率: the value against the target in % (at most 100) —
/// `value / target` when more is better, `target / value` when less is
/// (a value of zero meets any non-negative lower target).
pub fn achievement(k: &KeyResult, v: f64) -> f64 {
    if met(k, v) {
        return 100.0;
    }
    let r = if k.lower_is_better {
        if v <= 0.0 { 0.0 } else { k.target / v }
    } else if k.target <= 0.0 {
        0.0
    } else {
        v / k.target
    };
    pct(r.clamp(0.0, 1.0))
}

/// How far a value has come from the baseline toward the target (0–1); the
/// achievement when the baseline is unknown or equal to the target.
pub fn toward(k: &KeyResult, v: f64) -> f64 {
    match k.baseline {
        Some(b) if (b - k.target).abs() > f64::EPSILON => {
            let r = if k.lower_is_better {
                (b - v) / (b - k.target)
            } else {
                (v - b) / (k.target - b)
            };
            r.clamp(0.0, 1.0)
        }
        _ => achievement(k, v) / 100.0,
    }
}

/// The status icons of seed 000 appendix B.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// ✅ 完成
    Done,
    /// ⏳ 進行中 (no value yet)
    Pending,
    /// 🟡 計劃中/監控中 (behind the programme's pace)
    Watch,
    /// 🔴 高風險 (less than half the pace)
    AtRisk,
    /// 🟢 良好 (on pace)
    Good,
    /// 📊 持續監控 (before the programme starts)
    Monitoring,
    /// ❌ 未達標 (the programme over, the target not met)
    Missed,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Done => "done",
            Status::Pending => "pending",
            Status::Watch => "watch",
            Status::AtRisk => "at_risk",
            Status::Good => "good",
            Status::Monitoring => "monitoring",
            Status::Missed => "missed",
        }
    }
    pub fn icon(self) -> &'static str {
        match self {
            Status::Done => "✅",
            Status::Pending => "⏳",
            Status::Watch => "🟡",
            Status::AtRisk => "🔴",
            Status::Good => "🟢",
            Status::Monitoring => "📊",
            Status::Missed => "❌",
        }
    }
}

/// A status from how far something has come (0–1) against the share of the
/// programme elapsed (0–1).
fn paced(done: f64, elapsed: f64, ended: bool) -> Status {
    if done >= 1.0 {
        Status::Done
    } else if elapsed <= 0.0 {
        Status::Monitoring
    } else if ended {
        Status::Missed
    } else if done + 1e-9 >= elapsed {
        Status::Good
    } else if done * 2.0 + 1e-9 >= elapsed {
        Status::Watch
    } else {
        Status::AtRisk
    }
}

/// A key result's status in a month (`elapsed` of the programme, `ended`
/// when the month is its last or later).
pub fn kr_status(k: &KeyResult, v: Option<f64>, elapsed: f64, ended: bool) -> Status {
    match v {
        None => Status::Pending,
        Some(v) if met(k, v) => Status::Done,
        Some(v) => paced(toward(k, v), elapsed, ended),
    }
}

/// A layer's status from its progress (%).
pub fn layer_status(progress: f64, elapsed: f64, ended: bool) -> Status {
    paced(progress / 100.0, elapsed, ended)
}

/// The state of a monthly report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportStatus {
    /// Being filled in (the figures gathered again on request).
    Draft,
    /// Signed by who compiled it, waiting for the review.
    Submitted,
    /// Reviewed and published to management; final.
    Published,
}

impl ReportStatus {
    pub const ALL: [ReportStatus; 3] = [
        ReportStatus::Draft,
        ReportStatus::Submitted,
        ReportStatus::Published,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            ReportStatus::Draft => "draft",
            ReportStatus::Submitted => "submitted",
            ReportStatus::Published => "published",
        }
    }
    pub fn parse(s: &str) -> Result<Self, DomainError> {
        crate::error::parse_named(&Self::ALL, Self::as_str, "status", s.trim())
    }
}

/// A layer's part of a month's report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LayerScore {
    pub layer: Layer,
    /// The month's maturity score (1.0–5.0).
    pub maturity: f64,
    /// 本月任務完成情況
    #[serde(default)]
    pub tasks_done: String,
    /// 下月任務
    #[serde(default)]
    pub next_tasks: String,
    /// 風險與問題
    #[serde(default)]
    pub issues: String,
}

/// A key result's value in a month and where it came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KrEntry {
    pub code: String,
    pub value: Option<f64>,
    /// Bound to a figure: the value was computed, not typed.
    pub bound: bool,
    /// The person's note on a typed value.
    #[serde(default)]
    pub basis: String,
    /// Where a bound value came from: the records counted, as a message of
    /// the catalogue with the page they are on.
    #[serde(default)]
    pub source: Option<Fact>,
}

/// A signature in a report's sign-off box.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signature {
    pub by: Option<UserId>,
    pub name: String,
    pub at: i64,
}

/// What a monthly report keeps as its JSON body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct ReportBody {
    pub layers: Vec<LayerScore>,
    pub key_results: Vec<KrEntry>,
    /// 主要成就, 關鍵挑戰, 下月重點: one item per line.
    #[serde(default)]
    pub achievements: String,
    #[serde(default)]
    pub challenges: String,
    #[serde(default)]
    pub next_focus: String,
    /// 本月亮點, 經驗教訓
    #[serde(default)]
    pub highlights: String,
    #[serde(default)]
    pub lessons: String,
    /// 資安合規專員 (who compiled it) and IT部門主管 (who reviewed it).
    pub compiled: Option<Signature>,
    pub reviewed: Option<Signature>,
    /// Why the reviewer sent it back (cleared when submitted again).
    #[serde(default)]
    pub returned: String,
    /// When the bound values were last computed.
    pub gathered_at: Option<i64>,
    /// The month's tables as published (the application's summary), so a
    /// later change of the framework, tasks, risks or resources leaves a
    /// published month as it was signed.
    #[serde(default)]
    pub frozen: Option<serde_json::Value>,
    /// The month's review meeting, once held.
    #[serde(default)]
    pub meeting: Option<Meeting>,
}

/// A month's progress report of a programme.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MaturityReport {
    pub id: MaturityReportId,
    pub org_id: OrgId,
    pub programme_id: MaturityProgrammeId,
    pub month: Month,
    pub status: ReportStatus,
    pub body: ReportBody,
    pub created_by: Option<UserId>,
    pub created_at: i64,
    pub updated_at: i64,
}

impl ReportBody {
    /// A new month's body: each layer's score carried from the previous
    /// report (the programme's current maturity before any), the typed
    /// values empty, the bound ones to be gathered.
    pub fn start(p: &Programme, previous: Option<&ReportBody>) -> ReportBody {
        ReportBody {
            layers: p
                .body
                .layers
                .iter()
                .map(|l| LayerScore {
                    layer: l.layer,
                    maturity: previous
                        .and_then(|b| b.layers.iter().find(|x| x.layer == l.layer))
                        .map_or(l.current, |x| x.maturity),
                    tasks_done: String::new(),
                    next_tasks: String::new(),
                    issues: String::new(),
                })
                .collect(),
            key_results: p
                .body
                .key_results
                .iter()
                .map(|k| KrEntry {
                    code: k.code.clone(),
                    value: None,
                    bound: k.metric.is_some(),
                    basis: String::new(),
                    source: None,
                })
                .collect(),
            ..ReportBody::default()
        }
    }

    pub fn layer(&self, l: Layer) -> Option<&LayerScore> {
        self.layers.iter().find(|x| x.layer == l)
    }

    pub fn value(&self, code: &str) -> Option<f64> {
        self.key_results
            .iter()
            .find(|k| k.code == code)
            .and_then(|k| k.value)
    }

    /// What keeps the report from being signed by who compiled it (field
    /// names): the month's achievements and next month's focus.
    pub fn missing(&self) -> Vec<&'static str> {
        let mut m = Vec::new();
        if self.achievements.trim().is_empty() {
            m.push("achievements");
        }
        if self.next_focus.trim().is_empty() {
            m.push("next_focus");
        }
        m
    }
}

impl MaturityReport {
    /// Signs as who compiled it: refused unless a draft with nothing
    /// missing.
    pub fn submit(&mut self, by: Signature) -> Result<(), DomainError> {
        if self.status != ReportStatus::Draft {
            return Err(DomainError::Invalid {
                field: "status",
                reason: msg!("reason.maturity.not_draft"),
            });
        }
        if let Some(f) = self.body.missing().first() {
            return Err(DomainError::Invalid {
                field: f,
                reason: msg!("reason.maturity.missing"),
            });
        }
        self.body.compiled = Some(by);
        self.body.returned.clear();
        self.status = ReportStatus::Submitted;
        Ok(())
    }

    /// The review: publishes it (signed) or sends it back to a draft with
    /// the reason. The reviewer is never who compiled it.
    pub fn review(&mut self, by: Signature, approve: bool, note: &str) -> Result<(), DomainError> {
        if self.status != ReportStatus::Submitted {
            return Err(DomainError::Invalid {
                field: "status",
                reason: msg!("reason.maturity.not_submitted"),
            });
        }
        if by.by.is_some() && self.body.compiled.as_ref().is_some_and(|c| c.by == by.by) {
            return Err(DomainError::Invalid {
                field: "reviewer",
                reason: msg!("reason.maturity.own_report"),
            });
        }
        if approve {
            self.body.reviewed = Some(by);
            self.status = ReportStatus::Published;
        } else {
            if note.trim().is_empty() {
                return Err(DomainError::Invalid {
                    field: "note",
                    reason: msg!("reason.maturity.note_required"),
                });
            }
            self.body.returned = note.trim().to_string();
            self.body.compiled = None;
            self.status = ReportStatus::Draft;
        }
        Ok(())
    }
}

/// An item of the monthly review meeting's agenda (seed 000 月度檢討會議).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Agenda {
    /// 各層級進度報告
    Layers,
    /// OKR指標檢討
    Okr,
    /// 風險與問題討論
    Risks,
    /// 下月計劃確認
    NextMonth,
    /// 資源需求確認
    Resources,
}

impl Agenda {
    pub const ALL: [Agenda; 5] = [
        Agenda::Layers,
        Agenda::Okr,
        Agenda::Risks,
        Agenda::NextMonth,
        Agenda::Resources,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Agenda::Layers => "layers",
            Agenda::Okr => "okr",
            Agenda::Risks => "risks",
            Agenda::NextMonth => "next_month",
            Agenda::Resources => "resources",
        }
    }
    pub fn parse(field: &'static str, s: &str) -> Result<Self, DomainError> {
        crate::error::parse_named(&Self::ALL, Self::as_str, field, s.trim())
    }
}

/// What was said on an agenda item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgendaNote {
    pub item: Agenda,
    pub note: String,
}

/// A resolution of the meeting (決議事項: 決議, 負責人, 期限).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Resolution {
    pub text: String,
    pub owner: String,
    #[serde(with = "crate::day::serde_ymd")]
    pub due_on: Date,
}

/// The month's review meeting: when, who chaired and attended, the notes
/// on each agenda item and the resolutions. Its action items (行動項目)
/// are corrective actions raised from the report, tracked to closure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Meeting {
    #[serde(with = "crate::day::serde_ymd")]
    pub held_on: Date,
    pub chair: String,
    pub attendees: String,
    /// In the agenda's order, one per item.
    pub minutes: Vec<AgendaNote>,
    pub resolutions: Vec<Resolution>,
    /// Who recorded the minutes, and when.
    pub recorded: Signature,
}

impl Resolution {
    /// A resolution is due on or after the meeting that made it.
    pub fn check(&self, held_on: Date) -> Result<(), DomainError> {
        if self.due_on < held_on {
            return Err(DomainError::Invalid {
                field: "due_on",
                reason: msg!("reason.maturity.resolution_due"),
            });
        }
        Ok(())
    }
}

impl Meeting {
    pub fn note(&self, item: Agenda) -> &str {
        self.minutes
            .iter()
            .find(|n| n.item == item)
            .map_or("", |n| n.note.as_str())
    }
}

impl MaturityReport {
    /// Records the month's review meeting: it reviews a signed report (not
    /// a draft), is held in or after the month and not after `today`, and
    /// every agenda item has its note (each resolution is checked by
    /// [`Resolution::check`] as it is read, so a refusal names its row).
    /// Recorded again, the minutes are replaced (a correction stays in the
    /// audit trail).
    pub fn record_meeting(&mut self, m: Meeting, today: Date) -> Result<(), DomainError> {
        if self.status == ReportStatus::Draft {
            return Err(DomainError::Invalid {
                field: "status",
                reason: msg!("reason.maturity.meeting_draft"),
            });
        }
        let first = crate::day::of_unix(self.month.start());
        if m.held_on < first || m.held_on > today {
            return Err(DomainError::Invalid {
                field: "meeting_on",
                reason: msg!("reason.maturity.meeting_day"),
            });
        }
        for item in Agenda::ALL {
            if m.note(item).trim().is_empty() {
                return Err(DomainError::Invalid {
                    field: match item {
                        Agenda::Layers => "minutes.layers",
                        Agenda::Okr => "minutes.okr",
                        Agenda::Risks => "minutes.risks",
                        Agenda::NextMonth => "minutes.next_month",
                        Agenda::Resources => "minutes.resources",
                    },
                    reason: msg!("reason.maturity.minutes"),
                });
            }
        }
        self.body.meeting = Some(m);
        Ok(())
    }
}

/// A key result's value in each quarter of the programme: the latest
/// report's in the quarter (`reports` in any order).
pub fn quarter_values(p: &Programme, reports: &[MaturityReport], code: &str) -> Vec<Option<f64>> {
    let mut by_q: BTreeMap<u8, (Month, f64)> = BTreeMap::new();
    for r in reports {
        let (Some(q), Some(v)) = (p.quarter_of(r.month), r.body.value(code)) else {
            continue;
        };
        let e = by_q.entry(q).or_insert((r.month, v));
        if r.month >= e.0 {
            *e = (r.month, v);
        }
    }
    (1..=p.quarters())
        .map(|q| by_q.get(&q).map(|x| x.1))
        .collect()
}

/// A layer's maturity month by month (programme months 1..=n), from the
/// reports.
pub fn maturity_series(p: &Programme, reports: &[MaturityReport], l: Layer) -> Vec<Option<f64>> {
    (1..=i32::from(p.months))
        .map(|i| {
            let m = p.month_at(i);
            reports
                .iter()
                .find(|r| r.month == m)
                .and_then(|r| r.body.layer(l))
                .map(|x| x.maturity)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn programme() -> Programme {
        Programme::from_framework(
            MaturityProgrammeId::from("p"),
            OrgId::from("o"),
            "L1-L5".into(),
            Month {
                year: 2026,
                month: 2,
            },
            &Framework::shipped(),
            None,
            0,
        )
    }

    fn kr(lower: bool, baseline: Option<f64>, target: f64) -> KeyResult {
        KeyResult {
            code: "KR".into(),
            layer: Layer::L2,
            title: String::new(),
            unit: String::new(),
            baseline,
            target,
            lower_is_better: lower,
            metric: None,
        }
    }

    #[test]
    fn months_phases_and_quarters_follow_the_programme() {
        let p = programme();
        let m = |year, month| Month { year, month };
        assert_eq!(p.index(m(2026, 2)), 1);
        assert_eq!(p.index(m(2027, 7)), 18);
        assert_eq!(p.index(m(2026, 1)), 0);
        assert_eq!(p.ends(), m(2027, 7));
        assert_eq!(p.month_at(12), m(2027, 1));
        assert_eq!(p.phase_of(m(2026, 4)).map(|x| x.number), Some(1));
        assert_eq!(p.phase_of(m(2026, 5)).map(|x| x.number), Some(2));
        assert_eq!(p.phase_of(m(2027, 1)).map(|x| x.number), Some(3));
        assert_eq!(p.phase_of(m(2027, 2)).map(|x| x.number), Some(4));
        assert_eq!(p.phase_of(m(2027, 8)), None);
        assert_eq!(p.quarter_of(m(2026, 4)), Some(1));
        assert_eq!(p.quarter_of(m(2026, 5)), Some(2));
        assert_eq!(p.quarter_of(m(2027, 7)), Some(6));
        assert_eq!(p.quarter_of(m(2026, 1)), None);
        assert_eq!(p.quarters(), 6);
        assert!((p.elapsed(m(2026, 10)) - 0.5).abs() < 1e-9);
        assert!((p.elapsed(m(2030, 1)) - 1.0).abs() < 1e-9);
        assert!(p.elapsed(m(2025, 1)).abs() < 1e-9);
    }

    #[test]
    fn layer_progress_is_the_share_of_the_way_from_start_to_target() {
        assert_eq!(layer_progress(2.0, 2.0, 3.0), 0.0);
        assert_eq!(layer_progress(1.5, 2.0, 3.0), 33.3);
        assert_eq!(layer_progress(2.0, 3.4, 3.0), 100.0);
        assert_eq!(layer_progress(2.0, 1.8, 3.0), 0.0);
        assert_eq!(layer_progress(3.0, 3.0, 3.0), 100.0);
    }

    #[test]
    fn achievement_reads_lower_is_better_targets_the_other_way() {
        let mttr = kr(true, Some(10.0), 4.0);
        assert_eq!(achievement(&mttr, 3.5), 100.0);
        assert_eq!(achievement(&mttr, 4.0), 100.0);
        assert_eq!(achievement(&mttr, 8.0), 50.0);
        assert_eq!(achievement(&mttr, 0.0), 100.0);
        // from 10 h to 7 h of the way to 4 h: half way
        assert!((toward(&mttr, 7.0) - 0.5).abs() < 1e-9);
        let defects = kr(true, None, 5.0);
        assert!(met(&defects, 4.9));
        assert!(!met(&defects, 5.1));
        assert_eq!(achievement(&defects, 10.0), 50.0);
        let availability = kr(false, Some(98.5), 99.5);
        assert_eq!(achievement(&availability, 99.6), 100.0);
        assert!((toward(&availability, 99.0) - 0.5).abs() < 1e-9);
        let rules = kr(false, Some(5.0), 20.0);
        assert_eq!(achievement(&rules, 10.0), 50.0);
        assert!((toward(&rules, 12.5) - 0.5).abs() < 1e-9);
        assert_eq!(achievement(&kr(false, None, 0.0), -1.0), 0.0);
    }

    #[test]
    fn risk_levels_follow_the_seed_and_resources_their_variance() {
        use Rating::*;
        // R001 高×中 🟡, R002 高×高 🔴, R003 中×低 🟢 (seed 000 L352-354)
        assert_eq!(Rating::level(High, Medium), Medium);
        assert_eq!(Rating::level(High, High), High);
        assert_eq!(Rating::level(Medium, Low), Low);
        assert_eq!(Rating::level(Medium, Medium), Medium);
        assert_eq!(Rating::level(High, Low), Low);
        let a = Amount {
            name: "資安專員".into(),
            planned: 120.0,
            actual: 90.0,
        };
        assert_eq!((a.variance(), a.utilisation()), (-30.0, Some(75.0)));
        let none = Amount {
            name: "外部顧問".into(),
            planned: 0.0,
            actual: 8.0,
        };
        assert_eq!(none.utilisation(), None);
        let t = total(&[a, none], "總計");
        assert_eq!(
            (t.planned, t.actual, t.utilisation()),
            (120.0, 98.0, Some(81.7))
        );
        let issue = ProgrammeIssue {
            code: "I001".into(),
            description: String::new(),
            found_on: crate::day::parse("d", "2026-02-01").unwrap(),
            impact: High,
            status: Tracking::Open,
            resolution: String::new(),
            owner: String::new(),
            due_on: crate::day::parse_opt("d", Some("2026-03-01")).unwrap(),
        };
        assert!(issue.overdue(crate::day::parse("d", "2026-03-02").unwrap()));
        assert!(!issue.overdue(crate::day::parse("d", "2026-03-01").unwrap()));
    }

    #[test]
    fn status_compares_progress_with_the_pace_of_the_programme() {
        let rules = kr(false, Some(5.0), 20.0);
        assert_eq!(kr_status(&rules, None, 0.5, false), Status::Pending);
        assert_eq!(kr_status(&rules, Some(20.0), 0.5, false), Status::Done);
        assert_eq!(kr_status(&rules, Some(12.5), 0.5, false), Status::Good);
        assert_eq!(kr_status(&rules, Some(10.0), 0.5, false), Status::Watch);
        assert_eq!(kr_status(&rules, Some(6.0), 0.5, false), Status::AtRisk);
        assert_eq!(kr_status(&rules, Some(19.0), 1.0, true), Status::Missed);
        assert_eq!(kr_status(&rules, Some(6.0), 0.0, false), Status::Monitoring);
        assert_eq!(layer_status(100.0, 0.2, false), Status::Done);
        assert_eq!(layer_status(20.0, 0.2, false), Status::Good);
        assert_eq!(Status::AtRisk.icon(), "🔴");
    }

    fn report(p: &Programme, month: Month, mttr: Option<f64>) -> MaturityReport {
        let mut body = ReportBody::start(p, None);
        for k in &mut body.key_results {
            if k.code == "KR2.1" {
                k.value = mttr;
            }
        }
        MaturityReport {
            id: MaturityReportId::from(format!("r{month}")),
            org_id: p.org_id.clone(),
            programme_id: p.id.clone(),
            month,
            status: ReportStatus::Draft,
            body,
            created_by: None,
            created_at: 0,
            updated_at: 0,
        }
    }

    #[test]
    fn a_quarter_shows_its_latest_month_and_series_follow_the_reports() {
        let p = programme();
        let m = |year, month| Month { year, month };
        let rs = vec![
            report(&p, m(2026, 3), Some(9.0)),
            report(&p, m(2026, 2), Some(10.0)),
            report(&p, m(2026, 5), Some(6.0)),
            report(&p, m(2026, 6), None),
        ];
        let q = quarter_values(&p, &rs, "KR2.1");
        assert_eq!(q, vec![Some(9.0), Some(6.0), None, None, None, None]);
        let s = maturity_series(&p, &rs, Layer::L2);
        assert_eq!(s.len(), 18);
        assert_eq!(s[0], Some(1.5));
        assert_eq!(s[2], None, "no report of 2026-04");
        assert_eq!(s[3], Some(1.5));
    }

    #[test]
    fn a_report_is_compiled_by_one_person_and_reviewed_by_another() {
        let p = programme();
        let mut r = report(
            &p,
            Month {
                year: 2026,
                month: 2,
            },
            None,
        );
        let sig = |u: &str| Signature {
            by: Some(UserId::from(u)),
            name: u.into(),
            at: 1,
        };
        assert!(r.submit(sig("officer")).is_err(), "achievements missing");
        r.body.achievements = "完成關鍵系統盤點".into();
        r.body.next_focus = "HA設備採購".into();
        r.submit(sig("officer")).unwrap();
        assert!(r.review(sig("officer"), true, "").is_err());
        assert!(
            r.review(sig("head"), false, " ").is_err(),
            "a reason to return"
        );
        r.review(sig("head"), false, "MTTR 來源請補充").unwrap();
        assert_eq!(r.status, ReportStatus::Draft);
        assert!(r.body.compiled.is_none());
        r.submit(sig("officer")).unwrap();
        assert!(r.body.returned.is_empty());
        r.review(sig("head"), true, "").unwrap();
        assert_eq!(r.status, ReportStatus::Published);
        assert!(r.submit(sig("officer")).is_err());
    }

    #[test]
    fn a_new_month_carries_the_scores_of_the_previous_one() {
        let p = programme();
        let mut prev = ReportBody::start(&p, None);
        prev.layers[0].maturity = 2.3;
        let next = ReportBody::start(&p, Some(&prev));
        assert_eq!(next.layers[0].maturity, 2.3);
        assert_eq!(next.layers[1].maturity, 1.5);
        assert!(
            next.key_results
                .iter()
                .any(|k| k.code == "KR2.1" && k.bound)
        );
        assert!(
            next.key_results
                .iter()
                .any(|k| k.code == "KR2.2" && !k.bound)
        );
        assert!(parse_score("maturity", 5.01).is_err());
        assert_eq!(parse_score("maturity", 2.26).unwrap(), 2.3);
        assert!(parse_value("value", f64::NAN).is_err());
    }

    #[test]
    fn a_meeting_reviews_a_signed_month_with_every_agenda_item_noted() {
        let p = programme();
        let mut r = report(
            &p,
            Month {
                year: 2026,
                month: 3,
            },
            Some(8.0),
        );
        let day = |d: u8| Date::from_calendar_date(2026, time::Month::March, d).unwrap();
        let meeting = |held_on: Date, skip: Option<Agenda>| Meeting {
            held_on,
            chair: "資訊室主任".into(),
            attendees: "資安長、資安專責人員".into(),
            minutes: Agenda::ALL
                .iter()
                .filter(|a| Some(**a) != skip)
                .map(|a| AgendaNote {
                    item: *a,
                    note: format!("{} 已討論", a.as_str()),
                })
                .collect(),
            resolutions: vec![],
            recorded: Signature {
                by: None,
                name: "officer".into(),
                at: 0,
            },
        };
        let today = day(31);
        let refused = |r: &mut MaturityReport, m: Meeting| match r.record_meeting(m, today) {
            Err(DomainError::Invalid { field, .. }) => field,
            Err(_) => "other",
            Ok(()) => "accepted",
        };
        assert_eq!(
            refused(&mut r, meeting(day(28), None)),
            "status",
            "a draft is not reviewed"
        );
        r.status = ReportStatus::Submitted;
        let feb = Date::from_calendar_date(2026, time::Month::February, 27).unwrap();
        assert_eq!(
            refused(&mut r, meeting(feb, None)),
            "meeting_on",
            "before the month"
        );
        let april = Date::from_calendar_date(2026, time::Month::April, 1).unwrap();
        assert_eq!(
            refused(&mut r, meeting(april, None)),
            "meeting_on",
            "after today"
        );
        assert_eq!(
            refused(&mut r, meeting(day(28), Some(Agenda::Risks))),
            "minutes.risks"
        );
        assert!(r.body.meeting.is_none(), "nothing kept of a refused one");
        r.record_meeting(meeting(day(28), None), today).unwrap();
        let m = r.body.meeting.as_ref().unwrap();
        assert_eq!(m.note(Agenda::Okr), "okr 已討論");
        assert_eq!(
            Agenda::parse("item", "next_month").unwrap(),
            Agenda::NextMonth
        );
        let res = |d| Resolution {
            text: "HA 採購案提前".into(),
            owner: "資訊室".into(),
            due_on: d,
        };
        assert!(
            res(day(27)).check(day(28)).is_err(),
            "due before it was made"
        );
        assert!(res(day(28)).check(day(28)).is_ok());
    }
}
