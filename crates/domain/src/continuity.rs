//! Business continuity (seed 002 §5.2–5.3): the business impact analysis of
//! each business process (營運衝擊分析表) — its impact over time, the
//! tolerable interruption (MTD), recovery objectives (RTO, RPO), what it
//! depends on and its grade 高/中/低 (高: a critical process, 關鍵營運流程,
//! which must have a continuity plan) —, the plan itself, the plan's
//! activations as tracked runs, drills with their report
//! (業務持續計畫演練暨處理報告單) and the social-engineering drills' results.

use serde::{Deserialize, Serialize};
use time::Date;
use zian_i18n::msg;

use crate::error::DomainError;
use crate::{
    ActivationId, AssetId, CampaignId, DrillId, IncidentId, OrgId, ProcessId, SystemId, UserId,
};

/// The grade of a business process.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Grade {
    High,
    Medium,
    Low,
}

impl Grade {
    pub const ALL: [Grade; 3] = [Grade::High, Grade::Medium, Grade::Low];
    pub fn as_str(self) -> &'static str {
        match self {
            Grade::High => "high",
            Grade::Medium => "medium",
            Grade::Low => "low",
        }
    }
    pub fn parse(field: &'static str, s: &str) -> Result<Self, DomainError> {
        crate::error::parse_named(&Self::ALL, Self::as_str, field, s.trim())
    }
}

/// The areas an interruption hurts (失效影響), the columns of the impact
/// table.
pub const IMPACT_AREAS: [&str; 5] = ["finance", "citizens", "agencies", "legal", "reputation"];

/// How long the interruption has lasted, the rows of the impact table:
/// name and hours.
pub const HORIZONS: [(&str, u32); 4] = [("4h", 4), ("1d", 24), ("3d", 72), ("1w", 168)];

/// The impact of an interruption: one row per horizon, one level per area,
/// 0 none, 1 low, 2 medium, 3 high. Impact never falls as time passes.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Impacts(pub Vec<Vec<u8>>);

impl Impacts {
    /// Checks the shape and the levels, and that an area's impact does not
    /// fall as the interruption lasts longer.
    pub fn check(rows: Vec<Vec<u8>>) -> Result<Impacts, DomainError> {
        let bad = |reason| DomainError::Invalid {
            field: "impacts",
            reason,
        };
        if rows.len() != HORIZONS.len() || rows.iter().any(|r| r.len() != IMPACT_AREAS.len()) {
            return Err(bad(msg!(
                "reason.continuity.impact_shape",
                rows = HORIZONS.len(),
                cols = IMPACT_AREAS.len()
            )));
        }
        if rows.iter().flatten().any(|v| *v > 3) {
            return Err(bad(msg!("reason.continuity.impact_level")));
        }
        for (k, (h, _)) in HORIZONS.iter().enumerate().skip(1) {
            for (a, area) in IMPACT_AREAS.iter().enumerate() {
                if rows[k][a] < rows[k - 1][a] {
                    return Err(bad(msg!(
                        "reason.continuity.impact_falls",
                        area = *area,
                        horizon = *h
                    )));
                }
            }
        }
        Ok(Impacts(rows))
    }
    /// The level of `area` after `horizon` (0 when absent).
    pub fn at(&self, horizon: usize, area: usize) -> u8 {
        self.0
            .get(horizon)
            .and_then(|r| r.get(area))
            .copied()
            .unwrap_or(0)
    }
    /// The hours after which some area's impact is high (3), if ever.
    pub fn high_after(&self) -> Option<u32> {
        HORIZONS
            .iter()
            .enumerate()
            .find(|(k, _)| (0..IMPACT_AREAS.len()).any(|a| self.at(*k, a) >= 3))
            .map(|(_, (_, h))| *h)
    }
}

/// The grade the analysis suggests: 高 when some impact is high within a
/// day or the process tolerates at most a day's interruption; 中 when an
/// impact is at least medium within three days or the MTD is at most three
/// days; 低 otherwise. The analyst decides; the page shows the suggestion.
pub fn suggest_grade(impacts: &Impacts, mtd_hours: Option<u32>) -> Grade {
    let worst_by = |hours: u32| {
        HORIZONS
            .iter()
            .enumerate()
            .filter(|(_, (_, h))| *h <= hours)
            .flat_map(|(k, _)| (0..IMPACT_AREAS.len()).map(move |a| (k, a)))
            .map(|(k, a)| impacts.at(k, a))
            .max()
            .unwrap_or(0)
    };
    if worst_by(24) >= 3 || mtd_hours.is_some_and(|m| m <= 24) {
        Grade::High
    } else if worst_by(72) >= 2 || mtd_hours.is_some_and(|m| m <= 72) {
        Grade::Medium
    } else {
        Grade::Low
    }
}

/// Checks the recovery objectives against the tolerable interruption: the
/// RTO must be shorter than or equal to the MTD (a recovery later than the
/// business can bear is no objective).
pub fn check_objectives(mtd: Option<u32>, rto: Option<u32>) -> Result<(), DomainError> {
    if let (Some(m), Some(r)) = (mtd, rto)
        && r > m
    {
        return Err(DomainError::Invalid {
            field: "rto_hours",
            reason: msg!("reason.continuity.rto_over_mtd", rto = r, mtd = m),
        });
    }
    Ok(())
}

/// A command role of a continuity plan with the person and the deputy who
/// acts when the person cannot (seed 002 §5.3.3).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PlanRole {
    pub role: String,
    pub person: String,
    pub deputy: String,
}

/// The continuity plan of a process (seed 002 §5.2.2.3): activation,
/// command roles with deputies, the alternate site, the backup resources to
/// confirm at activation, the recovery steps, who to notify, when it ends.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ContinuityPlan {
    pub activation: String,
    pub roles: Vec<PlanRole>,
    pub site: String,
    pub resources: Vec<String>,
    pub steps: Vec<String>,
    pub notify: Vec<String>,
    pub termination: String,
}

impl ContinuityPlan {
    /// A plan exists when it says how to recover: at least one step.
    pub fn is_set(&self) -> bool {
        !self.steps.is_empty()
    }
}

/// The parts of a process kept as its JSON body.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ProcessBody {
    /// The unit that owns the process (權責單位).
    pub owner_unit: String,
    pub description: String,
    pub impacts: Impacts,
    pub system_ids: Vec<SystemId>,
    pub asset_ids: Vec<AssetId>,
    /// Dependencies outside the register (vendors, utilities, other agencies).
    pub other_deps: String,
    pub plan: ContinuityPlan,
}

/// A business process with its impact analysis and continuity plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Process {
    pub id: ProcessId,
    pub org_id: OrgId,
    pub name: String,
    pub grade: Grade,
    pub mtd_hours: Option<u32>,
    pub rto_hours: Option<u32>,
    pub rpo_hours: Option<u32>,
    #[serde(with = "crate::day::serde_opt_ymd")]
    pub reviewed_on: Option<Date>,
    pub body: ProcessBody,
    pub created_by: Option<UserId>,
    pub created_at: i64,
    pub updated_at: i64,
}

impl Process {
    /// 高: a critical process (關鍵營運流程), which needs a plan.
    pub fn critical(&self) -> bool {
        self.grade == Grade::High
    }
    /// The yearly review (seed 002 §5.2.2.4) is due: never reviewed, or
    /// last reviewed more than a year before `today`.
    pub fn review_due(&self, today: Date) -> bool {
        match self.reviewed_on {
            None => true,
            Some(d) => crate::day::add_years(d, 1) <= today,
        }
    }
}

/// A step of a tracked run (an activation's recovery steps, resources
/// confirmed) or of a drill: its text, when it was done and by whom.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct RunStep {
    pub text: String,
    pub done_at: Option<i64>,
    pub by: String,
}

impl RunStep {
    pub fn of(text: &str) -> RunStep {
        RunStep {
            text: text.to_string(),
            done_at: None,
            by: String::new(),
        }
    }
}

/// The parts of an activation kept as its JSON body.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ActivationBody {
    /// Who decided (the committee's convenor, 召集人) and why.
    pub decided_by: String,
    pub reason: String,
    /// The resources confirmed available (seed 002 §5.3.4) and the
    /// recovery steps, copied from the plan when activated.
    pub resources: Vec<RunStep>,
    pub steps: Vec<RunStep>,
    pub terminated_by: String,
    pub termination_note: String,
}

/// A continuity plan activated: a tracked run from the decision to the
/// termination.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Activation {
    pub id: ActivationId,
    pub org_id: OrgId,
    pub process_id: ProcessId,
    pub incident_id: Option<IncidentId>,
    pub decided_at: i64,
    pub terminated_at: Option<i64>,
    pub body: ActivationBody,
    pub created_by: Option<UserId>,
    pub created_at: i64,
    pub updated_at: i64,
}

impl Activation {
    pub fn active(&self) -> bool {
        self.terminated_at.is_none()
    }
    /// Steps and resources done, of all.
    pub fn progress(&self) -> (usize, usize) {
        let all = self.body.steps.iter().chain(&self.body.resources);
        let n = self.body.steps.len() + self.body.resources.len();
        (all.filter(|s| s.done_at.is_some()).count(), n)
    }
}

/// What a drill exercises (seed 002 §5.2.3.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DrillKind {
    /// 書面流程演練
    Tabletop,
    /// 通報演練
    Notification,
    /// 關鍵業務流程之復原演練
    Recovery,
}

impl DrillKind {
    pub const ALL: [DrillKind; 3] = [
        DrillKind::Tabletop,
        DrillKind::Notification,
        DrillKind::Recovery,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            DrillKind::Tabletop => "tabletop",
            DrillKind::Notification => "notification",
            DrillKind::Recovery => "recovery",
        }
    }
    pub fn parse(field: &'static str, s: &str) -> Result<Self, DomainError> {
        crate::error::parse_named(&Self::ALL, Self::as_str, field, s.trim())
    }
    /// Whether the drill exercises the continuity plan (a tabletop or a
    /// recovery), which the yearly continuity drill obligation asks for.
    pub fn exercises_plan(self) -> bool {
        matches!(self, DrillKind::Tabletop | DrillKind::Recovery)
    }
}

/// The parts of a drill kept as its JSON body.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct DrillBody {
    /// The processes (and so the plans) drilled.
    pub process_ids: Vec<ProcessId>,
    /// Who approved the drill beforehand (seed 002 §5.2.3.2: the committee).
    pub approved_by: String,
    pub scenario: String,
    pub participants: String,
    pub steps: Vec<RunStep>,
    pub started_at: Option<i64>,
    pub ended_at: Option<i64>,
    /// The recovery time achieved, in minutes.
    pub recovery_minutes: Option<u32>,
    pub problems: String,
    pub improvements: String,
    pub result: String,
}

/// The state of a drill.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DrillStatus {
    Planned,
    Completed,
}

impl DrillStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            DrillStatus::Planned => "planned",
            DrillStatus::Completed => "completed",
        }
    }
    pub fn parse(s: &str) -> Result<Self, DomainError> {
        crate::error::parse_named(
            &[DrillStatus::Planned, DrillStatus::Completed],
            Self::as_str,
            "status",
            s.trim(),
        )
    }
}

/// A drill, planned then completed with its report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Drill {
    pub id: DrillId,
    pub org_id: OrgId,
    pub title: String,
    pub kind: DrillKind,
    #[serde(with = "crate::day::serde_ymd")]
    pub planned_on: Date,
    pub status: DrillStatus,
    #[serde(with = "crate::day::serde_opt_ymd")]
    pub completed_on: Option<Date>,
    pub body: DrillBody,
    pub created_by: Option<UserId>,
    pub created_at: i64,
    pub updated_at: i64,
}

impl Drill {
    pub fn completed(&self) -> bool {
        self.status == DrillStatus::Completed
    }
    /// Whether the achieved recovery time met the objective: `None` when
    /// either is unknown.
    pub fn rto_met(&self, rto_hours: Option<u32>) -> Option<bool> {
        Some(self.body.recovery_minutes? <= rto_hours? * 60)
    }
}

/// One round of a social-engineering (phishing) drill of an organisation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Campaign {
    pub id: CampaignId,
    pub org_id: OrgId,
    /// The round's name, e.g. `115 年上半年`.
    pub round: String,
    #[serde(with = "crate::day::serde_ymd")]
    pub held_on: Date,
    pub participants: u32,
    pub opened: u32,
    pub clicked: u32,
    /// The organisation's own targets in hundredths of a percent.
    pub open_target: Option<u32>,
    pub click_target: Option<u32>,
    pub note: String,
    pub created_by: Option<UserId>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// Seed 003's quantitative objective: mail opened by fewer than 5 % and
/// attachments or links clicked by fewer than 2 % (hundredths of a percent).
pub const OPEN_TARGET: u32 = 500;
pub const CLICK_TARGET: u32 = 200;

impl Campaign {
    /// Checks the counts: some participants, clicks no more than opens,
    /// opens no more than participants.
    pub fn check_counts(participants: u32, opened: u32, clicked: u32) -> Result<(), DomainError> {
        let bad = |field, reason| Err(DomainError::Invalid { field, reason });
        if participants == 0 {
            return bad("participants", msg!("reason.continuity.no_participants"));
        }
        if opened > participants {
            return bad("opened", msg!("reason.continuity.opened_over"));
        }
        if clicked > opened {
            return bad("clicked", msg!("reason.continuity.clicked_over"));
        }
        Ok(())
    }
    /// Opened / participants, in percent.
    pub fn open_rate(&self) -> f64 {
        rate(self.opened, self.participants)
    }
    /// Clicked / participants, in percent.
    pub fn click_rate(&self) -> f64 {
        rate(self.clicked, self.participants)
    }
    pub fn open_target_pct(&self) -> f64 {
        f64::from(self.open_target.unwrap_or(OPEN_TARGET)) / 100.0
    }
    pub fn click_target_pct(&self) -> f64 {
        f64::from(self.click_target.unwrap_or(CLICK_TARGET)) / 100.0
    }
    /// Both rates below their targets (the seed's "低於").
    pub fn met(&self) -> bool {
        self.open_rate() < self.open_target_pct() && self.click_rate() < self.click_target_pct()
    }
}

/// `part / whole` in percent, rounded to two decimals (0 of nobody is 0).
pub fn rate(part: u32, whole: u32) -> f64 {
    if whole == 0 {
        return 0.0;
    }
    (f64::from(part) * 10_000.0 / f64::from(whole)).round() / 100.0
}

/// A percentage typed as text (`5`, `2.5`) in hundredths of a percent,
/// between 0 and 100.
pub fn parse_target(field: &'static str, s: &str) -> Result<Option<u32>, DomainError> {
    let s = s.trim().trim_end_matches('%').trim();
    if s.is_empty() {
        return Ok(None);
    }
    match s.parse::<f64>() {
        Ok(v) if (0.0..=100.0).contains(&v) => Ok(Some((v * 100.0).round() as u32)),
        _ => Err(DomainError::Invalid {
            field,
            reason: msg!("reason.continuity.percent"),
        }),
    }
}

/// Parses the plan's command roles, one a line: `role | person | deputy`
/// (a full-width `｜` or a tab also separates). Every role needs a person
/// and a deputy.
pub fn parse_roles(text: &str) -> Result<Vec<PlanRole>, DomainError> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let parts: Vec<&str> = line.split(['|', '｜', '\t']).map(str::trim).collect();
        match parts.as_slice() {
            [role, person, deputy]
                if !role.is_empty() && !person.is_empty() && !deputy.is_empty() =>
            {
                out.push(PlanRole {
                    role: (*role).to_string(),
                    person: (*person).to_string(),
                    deputy: (*deputy).to_string(),
                });
            }
            _ => {
                return Err(DomainError::Invalid {
                    field: "roles",
                    reason: msg!("reason.continuity.role_line", line = n + 1),
                });
            }
        }
    }
    Ok(out)
}

/// The non-blank lines of a text, trimmed.
pub fn lines(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(v: [[u8; 5]; 4]) -> Vec<Vec<u8>> {
        v.iter().map(|r| r.to_vec()).collect()
    }

    #[test]
    fn impacts_are_checked() {
        assert!(Impacts::check(rows([[0; 5], [1; 5], [2; 5], [3; 5]])).is_ok());
        let short = Impacts::check(vec![vec![0; 5]; 3]).unwrap_err();
        assert!(matches!(
            short,
            DomainError::Invalid {
                field: "impacts",
                ..
            }
        ));
        assert!(Impacts::check(rows([[0; 5], [4, 0, 0, 0, 0], [4; 5], [4; 5]])).is_err());
        // legal impact falls from 2 after a day to 1 after three days
        let e = Impacts::check(rows([
            [0; 5],
            [0, 0, 0, 2, 0],
            [0, 0, 0, 1, 0],
            [0, 0, 0, 2, 0],
        ]))
        .unwrap_err();
        let DomainError::Invalid { reason, .. } = e else {
            panic!("{e:?}")
        };
        assert_eq!(reason.key(), "reason.continuity.impact_falls");
    }

    #[test]
    fn grade_suggestion_follows_impact_and_mtd() {
        let none = Impacts::check(rows([[0; 5]; 4])).unwrap();
        assert_eq!(suggest_grade(&none, None), Grade::Low);
        assert_eq!(suggest_grade(&none, Some(24)), Grade::High);
        assert_eq!(suggest_grade(&none, Some(25)), Grade::Medium);
        assert_eq!(suggest_grade(&none, Some(72)), Grade::Medium);
        assert_eq!(suggest_grade(&none, Some(73)), Grade::Low);
        // citizens hurt badly within a day
        let high =
            Impacts::check(rows([[0; 5], [0, 3, 0, 0, 0], [0, 3, 0, 0, 0], [3; 5]])).unwrap();
        assert_eq!(high.high_after(), Some(24));
        assert_eq!(suggest_grade(&high, None), Grade::High);
        // high only after a week: medium if medium within three days
        let med = Impacts::check(rows([[0; 5], [0; 5], [2, 0, 0, 0, 0], [3; 5]])).unwrap();
        assert_eq!(suggest_grade(&med, None), Grade::Medium);
        let low = Impacts::check(rows([[0; 5], [1; 5], [1; 5], [3; 5]])).unwrap();
        assert_eq!(suggest_grade(&low, None), Grade::Low);
        assert_eq!(low.high_after(), Some(168));
    }

    #[test]
    fn rto_must_fit_in_mtd() {
        assert!(check_objectives(Some(8), Some(8)).is_ok());
        assert!(check_objectives(None, Some(100)).is_ok());
        let e = check_objectives(Some(8), Some(9)).unwrap_err();
        assert!(matches!(
            e,
            DomainError::Invalid {
                field: "rto_hours",
                ..
            }
        ));
    }

    #[test]
    fn roles_need_a_deputy() {
        let r = parse_roles("指揮官 | 王資安長 | 李副座\n\n執行｜陳工程師｜林工程師\n").unwrap();
        assert_eq!(r.len(), 2);
        assert_eq!(r[1].deputy, "林工程師");
        let e = parse_roles("指揮官 | 王資安長\n").unwrap_err();
        let DomainError::Invalid { reason, .. } = e else {
            panic!()
        };
        assert_eq!(reason.key(), "reason.continuity.role_line");
        assert!(parse_roles("a | b | ").is_err());
        assert!(parse_roles("").unwrap().is_empty());
    }

    #[test]
    fn campaign_rates_against_targets() {
        let mut c = Campaign {
            id: "c".into(),
            org_id: "o".into(),
            round: "115 年上半年".into(),
            held_on: time::macros::date!(2026 - 05 - 20),
            participants: 200,
            opened: 9,
            clicked: 3,
            open_target: None,
            click_target: None,
            note: String::new(),
            created_by: None,
            created_at: 0,
            updated_at: 0,
        };
        assert_eq!(c.open_rate(), 4.5);
        assert_eq!(c.click_rate(), 1.5);
        assert!(c.met());
        c.opened = 10; // 5 % is not below 5 %
        assert!(!c.met());
        c.open_target = Some(800);
        assert!(c.met());
        assert_eq!(rate(1, 3), 33.33);
        assert_eq!(rate(0, 0), 0.0);
        assert!(Campaign::check_counts(0, 0, 0).is_err());
        assert!(Campaign::check_counts(10, 11, 0).is_err());
        assert!(Campaign::check_counts(10, 2, 3).is_err());
        assert!(Campaign::check_counts(10, 3, 3).is_ok());
        assert_eq!(parse_target("t", " 2.5 % ").unwrap(), Some(250));
        assert_eq!(parse_target("t", "").unwrap(), None);
        assert!(parse_target("t", "101").is_err());
        assert!(parse_target("t", "abc").is_err());
    }

    #[test]
    fn drills_and_reviews() {
        let d = Drill {
            id: "d".into(),
            org_id: "o".into(),
            title: "t".into(),
            kind: DrillKind::Recovery,
            planned_on: time::macros::date!(2026 - 10 - 01),
            status: DrillStatus::Completed,
            completed_on: None,
            body: DrillBody {
                recovery_minutes: Some(240),
                ..DrillBody::default()
            },
            created_by: None,
            created_at: 0,
            updated_at: 0,
        };
        assert_eq!(d.rto_met(Some(4)), Some(true));
        assert_eq!(d.rto_met(Some(3)), Some(false));
        assert_eq!(d.rto_met(None), None);
        assert!(DrillKind::Recovery.exercises_plan());
        assert!(!DrillKind::Notification.exercises_plan());
        assert!(DrillKind::parse("kind", "walkthrough").is_err());
        let mut p = Process {
            id: "p".into(),
            org_id: "o".into(),
            name: "戶籍登記".into(),
            grade: Grade::High,
            mtd_hours: Some(8),
            rto_hours: Some(4),
            rpo_hours: Some(1),
            reviewed_on: Some(time::macros::date!(2025 - 12 - 04)),
            body: ProcessBody::default(),
            created_by: None,
            created_at: 0,
            updated_at: 0,
        };
        assert!(p.critical());
        assert!(p.review_due(time::macros::date!(2026 - 12 - 04)));
        assert!(!p.review_due(time::macros::date!(2026 - 12 - 03)));
        p.reviewed_on = None;
        assert!(p.review_due(time::macros::date!(2026 - 12 - 03)));
    }
}
