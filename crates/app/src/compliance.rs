//! Obligations and compliance (issue 4): the obligations an organisation's
//! responsibility level puts on it (附表一–八, via [`zian_rules`]), their
//! status from the completions recorded with evidence, overrides (exempt /
//! replace) requested by an organisation and decided by a user above it, and
//! the supervisors' roll-up.
//!
//! Status of one obligation on `today` (Asia/Taipei):
//! - `not_applicable` — exempted by an override (the reason is shown);
//! - `overdue` — the latest due date before today has no completion;
//! - `met` — the next due date is already completed, or the last one was and
//!   the next is more than [`DUE_SOON_DAYS`] away (a once-off obligation is met
//!   by any completion);
//! - `due_soon` — the next due date is within [`DUE_SOON_DAYS`] and not done;
//! - `open` — nothing is due yet (first deadline more than 30 days away) or
//!   the obligation has no deadline.
//!
//! Overrides are requested for an organisation (never a unit: its agency
//! asks) by those who maintain its records, and are only requests
//! (`pending`) until a user holding `override_approve` strictly above the
//! organisation (its supervising organisation or higher) approves them; the
//! organisation itself, even its CISO, cannot. Only approved overrides change
//! the calendar: an overdue obligation covered by a pending request is still
//! overdue. A request may be withdrawn by its organisation before the
//! decision, rejected with a reason, and an approved one revoked with a
//! reason; each step is audited. Once approved an override applies to the
//! organisation's subtree; two active (pending or approved) overrides of one
//! rule for overlapping periods are refused.

use std::collections::BTreeMap;
use std::sync::OnceLock;
use zian_i18n::{Msg, msg};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use time::Date;
use zian_domain::compliance::{
    AUTO_PREFIX, Completion, Override, OverrideAction, OverrideFilter, OverrideKind,
    OverrideStatus, OverrideTransition, RuleOverride,
};
use zian_domain::day::ymd;
use zian_domain::plan::PlanStatus;
use zian_domain::{
    EvidenceId, Frequency, ListQuery, OrgId, OrgScope, OrgTier, Organisation, Page, Permission,
    Principal, Text,
};
use zian_rules::{Obligation, RuleSet};

pub use zian_rules as rules;

use crate::{App, AppError, Result};

/// Days before a due date from which an open obligation is "due soon".
pub const DUE_SOON_DAYS: i64 = 30;

/// The shipped rule data, loaded once.
pub fn rule_set() -> Result<&'static RuleSet> {
    static RULES: OnceLock<std::result::Result<RuleSet, String>> = OnceLock::new();
    RULES
        .get_or_init(|| RuleSet::shipped().map_err(|e| e.to_string()))
        .as_ref()
        .map_err(|e| AppError::Internal(format!("rule data: {e}")))
}

/// Status of an obligation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Met,
    DueSoon,
    Overdue,
    NotApplicable,
    Open,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Met => "met",
            Status::DueSoon => "due_soon",
            Status::Overdue => "overdue",
            Status::NotApplicable => "not_applicable",
            Status::Open => "open",
        }
    }
}

/// One obligation of an organisation with its status.
#[derive(Debug, Clone, Serialize)]
pub struct ObligationView {
    pub obligation: Obligation,
    pub status: Status,
    /// The due date the status is about (the overdue one, or the next).
    pub due: Option<Date>,
    /// The next due date on or after today.
    pub next_due: Option<Date>,
    /// Why it does not apply (exemption reason).
    pub reason: Option<String>,
    pub completions: Vec<Completion>,
}

/// Counts by status.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct StatusCounts {
    pub met: usize,
    pub due_soon: usize,
    pub overdue: usize,
    pub not_applicable: usize,
    pub open: usize,
}

impl StatusCounts {
    fn add(&mut self, s: Status) {
        match s {
            Status::Met => self.met += 1,
            Status::DueSoon => self.due_soon += 1,
            Status::Overdue => self.overdue += 1,
            Status::NotApplicable => self.not_applicable += 1,
            Status::Open => self.open += 1,
        }
    }
}

/// An organisation's obligations on a date.
#[derive(Debug, Clone, Serialize)]
pub struct OrgCompliance {
    pub org: Organisation,
    pub on: Date,
    /// Why no obligations could be computed (`level_not_assigned`, …).
    pub unavailable: Option<String>,
    pub obligations: Vec<ObligationView>,
    pub counts: StatusCounts,
    /// The overrides concerning the organisation, of every status (the
    /// approved ones in force are also shown per obligation).
    pub overrides: Vec<Override>,
}

fn days_between(a: Date, b: Date) -> i64 {
    (b - a).whole_days()
}

/// Status of one obligation given its completions.
fn status_of(
    ob: &Obligation,
    done: &[Completion],
    today: Date,
) -> (Status, Option<Date>, Option<Date>) {
    if ob.is_exempt() {
        return (Status::NotApplicable, None, None);
    }
    let Some(first) = ob.first_due else {
        let s = if done.is_empty() {
            Status::Open
        } else {
            Status::Met
        };
        return (s, None, None);
    };
    let next = ob.next_due(today);
    if ob.frequency == Frequency::Once {
        if !done.is_empty() {
            return (Status::Met, Some(first), next);
        }
        let s = if first < today {
            Status::Overdue
        } else if days_between(today, first) <= DUE_SOON_DAYS {
            Status::DueSoon
        } else {
            Status::Open
        };
        return (s, Some(first), next);
    }
    let completed = |d: Date| done.iter().any(|c| c.due_date == d);
    let last = today
        .previous_day()
        .and_then(|y| ob.due_dates(first, y).last().copied());
    if let Some(l) = last
        && !completed(l)
    {
        return (Status::Overdue, Some(l), next);
    }
    match next {
        Some(n) if completed(n) => (Status::Met, Some(n), next),
        Some(n) if days_between(today, n) <= DUE_SOON_DAYS => (Status::DueSoon, Some(n), next),
        Some(n) if last.is_some() => (Status::Met, Some(n), next),
        Some(n) => (Status::Open, Some(n), next),
        None if last.is_some() => (Status::Met, last, None),
        None => (Status::Open, None, None),
    }
}

/// Records of other modules that prove obligations, so that those
/// obligations complete themselves (their completions have ids starting
/// with [`AUTO_PREFIX`] and link to the proving records).
#[derive(Debug, Clone, Default)]
pub struct ModuleEvidence {
    /// The latest grading date of each of the organisation's systems
    /// (`None`: never graded). Proves the yearly 資通系統分級 when every system
    /// was graded within the period of a due date.
    pub system_gradings: Vec<Option<Date>>,
    /// The approved maintenance plan in force: id, approval date and the
    /// number of full-time (專職) security staff it lists. Proves the staffing
    /// obligation when it lists at least the required number.
    pub plan: Option<(zian_domain::PlanId, Date, usize)>,
    /// The latest vulnerability match of the organisation's inventory: its
    /// date and the hosts matched. Proves VANS in operation (an inventory
    /// kept as CPE names and matched against the vulnerability feeds) when
    /// at least one host was matched.
    pub vans: Option<(Date, u64)>,
    /// The critical (高) business processes of the impact analysis.
    pub critical: Vec<zian_domain::ProcessId>,
    /// Completed drills: the day, the kind, the processes drilled, the id.
    /// A plan drill (tabletop or recovery) covering every critical process
    /// within a period proves the yearly continuity drill; a notification
    /// drill the incident drill.
    pub drills: Vec<(
        Date,
        zian_domain::continuity::DrillKind,
        Vec<zian_domain::ProcessId>,
    )>,
    /// The days social-engineering drill rounds were held: one within a
    /// half-year proves that half-year's drill.
    pub campaigns: Vec<Date>,
    /// The days the organisation's internal audits were reported: one
    /// within a period proves that period's internal audit.
    pub internal_audits: Vec<Date>,
    /// The days the organisation's implementation reports were submitted
    /// to its supervisor: one within a period proves that period's report.
    pub implementation_reports: Vec<Date>,
    /// The training rosters by year and the sessions held: a period's
    /// training obligation is proved when everyone of its job categories on
    /// that year's roster has the hours (or certificates) it asks.
    pub training_rosters: std::collections::BTreeMap<i32, Vec<zian_domain::training::Person>>,
    pub training_sessions: Vec<zian_domain::training::Session>,
}

/// The amount (hours or certificates) each training obligation in force
/// asks of `org` and the period it is counted over — the one running on
/// `today` — `(item, amount, from, to]`.
pub fn training_amounts(
    org: &Organisation,
    today: Date,
) -> Result<Vec<(&'static str, u32, Date, Date)>> {
    let (Some(level), Some(assigned)) = (org.level, org.level_assigned_on) else {
        return Ok(Vec::new());
    };
    let obligations = match rule_set()?.obligations(org.kind, level, assigned, today, &[]) {
        Ok(v) => v,
        Err(zian_rules::RulesError::NoRulesInForce { .. }) => return Ok(Vec::new()),
        Err(e) => return Err(AppError::Internal(format!("obligations: {e}"))),
    };
    let horizon = today.saturating_add(time::Duration::days(800));
    let mut out = Vec::new();
    for ob in obligations {
        let (Some(req), Some(n)) = (zian_domain::training::requirement(&ob.item), ob.count) else {
            continue;
        };
        if req.certificate.is_some() {
            out.push((req.item, n, Date::MIN, today));
        } else if let Some((from, to)) = periods(&ob, horizon)
            .into_iter()
            .find(|(from, to)| *from < today && today <= *to)
        {
            out.push((req.item, n, from, to));
        }
    }
    Ok(out)
}

/// The due dates of `ob` up to `horizon` with the start of each one's
/// period (the previous due date, or a period before the first).
fn periods(ob: &Obligation, horizon: Date) -> Vec<(Date, Date)> {
    let (Some(first), Some(months)) = (ob.first_due, ob.frequency.period_months()) else {
        return Vec::new();
    };
    let dues = ob.due_dates(first, horizon);
    let mut out = Vec::new();
    let mut start = first.saturating_sub(time::Duration::days(i64::from(months) * 365 / 12));
    for d in dues {
        out.push((start, d));
        start = d;
    }
    out
}

fn derived_completions(
    org: &Organisation,
    ob: &Obligation,
    ev: &ModuleEvidence,
    today: Date,
) -> Vec<Completion> {
    let row = |due: Date, done: Date, note: Msg, link: String| Completion {
        id: format!("{AUTO_PREFIX}{}:{}", ob.item, ymd(due)),
        org_id: org.id.clone(),
        rule_id: ob.id.clone(),
        due_date: due,
        completed_on: done,
        note: Text::stored(note.to_string()),
        evidence_link: Some(link),
        evidence_sha256: None,
        recorded_by: None,
        recorded_at: 0,
        auto_note: Some(note),
    };
    let Some(first) = ob.first_due else {
        return Vec::new();
    };
    match ob.item.as_str() {
        "system-grading" => {
            let graded: Option<Vec<Date>> = ev.system_gradings.iter().copied().collect();
            let Some(graded) = graded.filter(|g| !g.is_empty()) else {
                return Vec::new();
            };
            let (Some(oldest), Some(newest)) = (graded.iter().min(), graded.iter().max()) else {
                return Vec::new();
            };
            // the period whose due date is the first on or after the oldest
            // grading: every system was graded after the previous due date
            let horizon = today.saturating_add(time::Duration::days(800));
            match ob
                .due_dates(first, horizon)
                .into_iter()
                .find(|d| d >= oldest)
            {
                Some(due) => vec![row(
                    due,
                    *newest,
                    msg!("compliance.auto_note.system_gradings", n = graded.len()),
                    format!("/orgs/{}/systems", org.id),
                )],
                None => Vec::new(),
            }
        }
        "vans" => match ev.vans {
            Some((on, hosts)) if hosts > 0 => {
                vec![row(
                    first,
                    on,
                    msg!("compliance.auto_note.vans", hosts = hosts),
                    format!("/orgs/{}/vulns", org.id),
                )]
            }
            _ => Vec::new(),
        },
        "bcp-drill"
        | "incident-drill"
        | "social-engineering-drill"
        | "internal-audit"
        | "implementation-report" => {
            let horizon = today.saturating_add(time::Duration::days(800));
            let link = match ob.item.as_str() {
                "social-engineering-drill" => format!("/orgs/{}/campaigns", org.id),
                "internal-audit" => format!("/orgs/{}/audits", org.id),
                "implementation-report" => format!("/orgs/{}/implementation-report", org.id),
                _ => format!("/orgs/{}/continuity", org.id),
            };
            let mut out = Vec::new();
            for (start, due) in periods(ob, horizon) {
                let within = |d: &Date| *d > start && *d <= due;
                let done = match ob.item.as_str() {
                    "internal-audit" => {
                        let held: Vec<Date> =
                            ev.internal_audits.iter().copied().filter(within).collect();
                        held.iter().max().map(|last| {
                            (
                                *last,
                                msg!("compliance.auto_note.internal_audits", n = held.len()),
                            )
                        })
                    }
                    "implementation-report" => ev
                        .implementation_reports
                        .iter()
                        .copied()
                        .filter(within)
                        .max()
                        .map(|last| (last, msg!("compliance.auto_note.implementation_report"))),
                    "social-engineering-drill" => {
                        let held: Vec<Date> = ev.campaigns.iter().copied().filter(within).collect();
                        held.iter().max().map(|last| {
                            (
                                *last,
                                msg!("compliance.auto_note.campaigns", n = held.len()),
                            )
                        })
                    }
                    "incident-drill" => ev
                        .drills
                        .iter()
                        .filter(|(d, k, _)| {
                            within(d) && *k == zian_domain::continuity::DrillKind::Notification
                        })
                        .map(|(d, _, _)| *d)
                        .max()
                        .map(|last| (last, msg!("compliance.auto_note.notification_drill"))),
                    _ => {
                        let plan: Vec<_> = ev
                            .drills
                            .iter()
                            .filter(|(d, k, _)| within(d) && k.exercises_plan())
                            .collect();
                        let covered = ev
                            .critical
                            .iter()
                            .all(|c| plan.iter().any(|(_, _, ps)| ps.contains(c)));
                        plan.iter()
                            .map(|(d, _, _)| *d)
                            .max()
                            .filter(|_| covered)
                            .map(|last| {
                                (
                                    last,
                                    msg!(
                                        "compliance.auto_note.bcp_drill",
                                        drills = plan.len(),
                                        critical = ev.critical.len()
                                    ),
                                )
                            })
                    }
                };
                if let Some((on, note)) = done {
                    out.push(row(due, on, note, link.clone()));
                }
            }
            out
        }
        item if zian_domain::training::requirement(item).is_some() => {
            training_rows(org, ob, ev, today, first, row)
        }
        "security-staff" => match (&ev.plan, ob.count) {
            (Some((id, approved_on, staff)), Some(n)) if *staff >= n as usize => vec![row(
                first,
                *approved_on,
                msg!("compliance.auto_note.plan_staff", staff = staff, n = n),
                format!("/plans/{id}"),
            )],
            _ => Vec::new(),
        },
        _ => Vec::new(),
    }
}

/// The periods of a training obligation everyone on the year's roster
/// met: hours of the counted courses within the period, or (certificates)
/// valid certificates today.
fn training_rows(
    org: &Organisation,
    ob: &Obligation,
    ev: &ModuleEvidence,
    today: Date,
    first: Date,
    row: impl Fn(Date, Date, Msg, String) -> Completion,
) -> Vec<Completion> {
    use zian_domain::training::{gaps, requirement};
    let (Some(req), Some(n)) = (requirement(&ob.item), ob.count) else {
        return Vec::new();
    };
    let link = format!("/orgs/{}/training", org.id);
    let on_roster = |year: i32| -> Vec<zian_domain::training::Person> {
        ev.training_rosters
            .get(&year)
            .map(|r| {
                r.iter()
                    .filter(|p| req.audiences.contains(&p.audience))
                    .cloned()
                    .collect()
            })
            .unwrap_or_default()
    };
    if req.certificate.is_some() {
        let people = on_roster(today.year());
        if people.is_empty() || !gaps(&people, &[], &[(req.item, n, Date::MIN, today)]).is_empty() {
            return Vec::new();
        }
        return vec![row(
            first,
            today,
            msg!("compliance.auto_note.certificates", people = people.len()),
            link,
        )];
    }
    let horizon = today.saturating_add(time::Duration::days(800));
    let mut out = Vec::new();
    for (start, due) in periods(ob, horizon) {
        let people = on_roster(due.year());
        if people.is_empty()
            || !gaps(&people, &ev.training_sessions, &[(req.item, n, start, due)]).is_empty()
        {
            continue;
        }
        let last = ev
            .training_sessions
            .iter()
            .filter(|s| {
                s.held_on > start && s.held_on <= due && req.categories.contains(&s.category)
            })
            .map(|s| s.held_on)
            .max();
        if let Some(on) = last {
            out.push(row(
                due,
                on,
                msg!(
                    "compliance.auto_note.training",
                    people = people.len(),
                    hours = n
                ),
                link.clone(),
            ));
        }
    }
    out
}

/// Computes an organisation's compliance from the stored records and the
/// evidence other modules hold.
pub fn evaluate(
    org: &Organisation,
    today: Date,
    completions: &[Completion],
    overrides: &[Override],
    evidence: &ModuleEvidence,
) -> Result<OrgCompliance> {
    let ov_rows: Vec<Override> = overrides
        .iter()
        .filter(|o| o.applies_to(&org.path))
        .cloned()
        .collect();
    let mut out = OrgCompliance {
        org: org.clone(),
        on: today,
        unavailable: None,
        obligations: Vec::new(),
        counts: StatusCounts::default(),
        overrides: ov_rows.clone(),
    };
    let (Some(level), Some(assigned)) = (org.level, org.level_assigned_on) else {
        out.unavailable = Some("level_not_assigned".into());
        return Ok(out);
    };
    if assigned > today {
        out.unavailable = Some("level_assigned_in_future".into());
        return Ok(out);
    }
    let rules = rule_set()?;
    // only approved overrides change the calendar
    let ro: Vec<RuleOverride> = ov_rows.iter().filter_map(Override::in_effect).collect();
    let obligations = match rules.obligations(org.kind, level, assigned, today, &ro) {
        Ok(v) => v,
        Err(zian_rules::RulesError::NoRulesInForce { .. }) => {
            out.unavailable = Some("no_rules_in_force".into());
            return Ok(out);
        }
        Err(e) => return Err(AppError::Internal(format!("obligations: {e}"))),
    };
    for mut ob in obligations {
        // the organisation's stored review date (the rules' date unless its
        // supervisor set another) is the deadline: one date on every page
        if ob.item == zian_rules::LEVEL_REVIEW_ITEM
            && !ob.is_exempt()
            && let Some(d) = org.level_review_due
        {
            ob.first_due = Some(d);
        }
        let mut done: Vec<Completion> = completions
            .iter()
            .filter(|c| c.org_id == org.id && c.rule_id == ob.id)
            .cloned()
            .collect();
        if !ob.is_exempt() {
            done.extend(derived_completions(org, &ob, evidence, today));
        }
        let (status, due, next_due) = status_of(&ob, &done, today);
        let reason = ob
            .overridden
            .as_ref()
            .filter(|o| o.kind == "exempt")
            .map(|o| o.reason.clone());
        out.counts.add(status);
        out.obligations.push(ObligationView {
            obligation: ob,
            status,
            due,
            next_due,
            reason,
            completions: done,
        });
    }
    Ok(out)
}

// A completion to record. Dates are parsed after the access check, so
// that nothing about the request's validity is told to a caller without
// access.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "CompletionIn")]
pub struct CompletionInput {
    pub rule_id: String,
    /// The due date satisfied (YYYY-MM-DD); default: the overdue one, else the next.
    pub due_date: Option<String>,
    /// Default: today.
    pub completed_on: Option<String>,
    pub note: String,
    /// A local path (`/…`) or an http(s) URL of a record proving it.
    pub evidence_link: Option<String>,
    /// Evidence text; only its SHA-256 is stored.
    pub evidence_text: Option<String>,
    /// SHA-256 (hex) of an evidence file.
    pub evidence_sha256: Option<String>,
    /// An evidence file uploaded to the organisation (`POST /api/v1/orgs/{id}/evidence`).
    pub evidence_id: Option<String>,
}

// An override to request (dates parsed after the access check). The
// approver is not part of it: a user above the organisation approves.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "OverrideIn")]
pub struct OverrideInput {
    /// Rule id (e.g. `T3.penetration-test`) or control id (e.g. `AC-07`).
    pub rule_id: String,
    /// `exempt` (免辦) or `replace` (e.g. a changed frequency).
    pub kind: String,
    pub frequency: Option<String>,
    pub deadline_months: Option<u32>,
    pub count: Option<u32>,
    pub unit: Option<String>,
    pub reason: String,
    /// First day it would apply (YYYY-MM-DD); default: today.
    pub effective_from: Option<String>,
    /// First day it no longer applies (exclusive); default: open-ended.
    pub effective_to: Option<String>,
}

/// A decision on an override (approve, reject, withdraw, revoke).
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "OverrideDecisionIn")]
pub struct OverrideDecisionInput {
    /// Why; required to reject or revoke.
    pub reason: Option<String>,
}

/// One organisation of the supervisors' roll-up.
#[derive(Debug, Clone, Serialize)]
pub struct RollupRow {
    pub org: Organisation,
    pub unavailable: Option<String>,
    pub counts: StatusCounts,
    /// Obligations overdue or due soon.
    pub behind: Vec<ObligationView>,
    /// Obligations not yet met that are due later (for reminders further ahead).
    #[serde(skip)]
    pub upcoming: Vec<ObligationView>,
    /// Override requests concerning the organisation awaiting a decision
    /// (they change nothing yet).
    pub pending: Vec<Override>,
    /// Approved overrides concerning the organisation, in force today or later.
    pub approved: Vec<Override>,
}

impl App {
    /// The obligations of an organisation today, with status.
    pub async fn org_compliance(&self, p: &Principal, org_id: &OrgId) -> Result<OrgCompliance> {
        let org = self.org_with(p, org_id, Permission::RecordRead).await?;
        self.compliance_of(&p.scope(Permission::RecordRead), &org)
            .await
    }

    /// The obligations of an organisation the caller may read (checked
    /// before), read within `scope`.
    pub(crate) async fn compliance_of(
        &self,
        scope: &OrgScope,
        org: &Organisation,
    ) -> Result<OrgCompliance> {
        let scope = scope.clone();
        let completions = self
            .stores
            .compliance
            .completions(&scope, Some(&org.id))
            .await?;
        let overrides = self
            .stores
            .compliance
            .overrides(&scope, Some(&org.id))
            .await?;
        let evidence = self.module_evidence(&scope, Some(&org.id)).await?;
        evaluate(
            org,
            self.today(),
            &completions,
            &overrides,
            evidence.get(&org.id).unwrap_or(&ModuleEvidence::default()),
        )
    }

    /// Records a completion with its evidence.
    pub async fn record_completion(
        &self,
        p: &Principal,
        org_id: &OrgId,
        input: CompletionInput,
    ) -> Result<Completion> {
        let org = self.org_with(p, org_id, Permission::RecordWrite).await?;
        let current = self.org_compliance(p, &org.id).await?;
        let today = self.today();
        let view = current
            .obligations
            .iter()
            .find(|v| v.obligation.id == input.rule_id)
            .ok_or_else(|| {
                AppError::invalid("rule_id", msg!("reason.compliance.not_an_obligation"))
            })?;
        if view.status == Status::NotApplicable {
            return Err(AppError::invalid(
                "rule_id",
                msg!("reason.compliance.exempted"),
            ));
        }
        let due = match zian_domain::day::parse_opt("due_date", input.due_date.as_deref())? {
            Some(d) => {
                if view.obligation.frequency != Frequency::Once
                    && view.obligation.due_dates(d, d).is_empty()
                {
                    return Err(AppError::invalid(
                        "due_date",
                        msg!("reason.compliance.not_a_due_date"),
                    ));
                }
                d
            }
            None => view.due.or(view.next_due).unwrap_or(today),
        };
        let completed_on =
            zian_domain::day::parse_opt("completed_on", input.completed_on.as_deref())?
                .unwrap_or(today);
        if completed_on > today {
            return Err(AppError::invalid("completed_on", msg!("reason.not_future")));
        }
        let note = Text::<2000>::parse("note", &input.note)?;
        let link = Text::<500>::parse_opt("evidence_link", input.evidence_link.as_deref())?
            .map(String::from);
        if let Some(l) = &link
            && !((l.starts_with('/') && !l.starts_with("//"))
                || l.starts_with("https://")
                || l.starts_with("http://"))
        {
            return Err(AppError::invalid(
                "evidence_link",
                msg!("reason.compliance.evidence_link"),
            ));
        }
        let sha = match (
            input.evidence_text.as_deref().filter(|t| !t.is_empty()),
            input
                .evidence_sha256
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty()),
        ) {
            (Some(t), None) => Some(crate::system::sha256_hex(t)),
            (Some(t), Some(h)) => {
                let computed = crate::system::sha256_hex(t);
                if computed != h.to_ascii_lowercase() {
                    return Err(AppError::invalid(
                        "evidence_sha256",
                        msg!("reason.compliance.hash_text_mismatch"),
                    ));
                }
                Some(computed)
            }
            (None, Some(h)) => {
                if h.len() != 64 || !h.bytes().all(|b| b.is_ascii_hexdigit()) {
                    return Err(AppError::invalid("evidence_sha256", msg!("reason.sha256")));
                }
                Some(h.to_ascii_lowercase())
            }
            (None, None) => None,
        };
        let (link, sha) = match input
            .evidence_id
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            None => (link, sha),
            Some(eid) => {
                let file = self
                    .stores
                    .evidence
                    .get(&p.scope(Permission::RecordRead), &EvidenceId::from(eid))
                    .await?
                    .filter(|(f, _)| f.org_id == org.id)
                    .ok_or_else(|| {
                        AppError::invalid("evidence_id", msg!("reason.compliance.evidence_of_org"))
                    })?
                    .0;
                // a replaced or deleted file is history, not proof of something new
                if !file.is_current() {
                    return Err(AppError::invalid(
                        "evidence_id",
                        msg!("reason.evidence_type.not_current"),
                    ));
                }
                if sha.as_ref().is_some_and(|h| *h != file.sha256) {
                    return Err(AppError::invalid(
                        "evidence_sha256",
                        msg!("reason.compliance.hash_file_mismatch"),
                    ));
                }
                (Some(format!("/evidence/{}", file.id)), Some(file.sha256))
            }
        };
        let row = Completion {
            id: self.ids.new_id(),
            org_id: org.id.clone(),
            rule_id: view.obligation.id.clone(),
            due_date: due,
            completed_on,
            note,
            evidence_link: link,
            evidence_sha256: sha,
            recorded_by: Some(p.user.id.clone()),
            recorded_at: self.now(),
            auto_note: None,
        };
        let mut e = p.event("compliance.completed", Some(&org.id), Some(&row.id));
        e.details = serde_json::json!({"rule_id": row.rule_id, "due_date": ymd(row.due_date), "evidence_sha256": row.evidence_sha256});
        self.stores
            .compliance
            .insert_completion(&p.scope(Permission::RecordWrite), &row, e)
            .await?;
        Ok(row)
    }

    /// Requests an override (exempt or replace) for an organisation: it is
    /// `pending` and changes nothing until a user above the organisation
    /// approves it.
    pub async fn request_override(
        &self,
        p: &Principal,
        org_id: &OrgId,
        input: OverrideInput,
    ) -> Result<Override> {
        let org = self.org_with(p, org_id, Permission::RecordWrite).await?;
        if org.tier == OrgTier::Unit {
            return Err(AppError::invalid(
                "org_id",
                msg!("reason.compliance.override_at_unit"),
            ));
        }
        let rules = rule_set()?;
        let today = self.today();
        let effective_from =
            zian_domain::day::parse_opt("effective_from", input.effective_from.as_deref())?
                .unwrap_or(today);
        let effective_to =
            zian_domain::day::parse_opt("effective_to", input.effective_to.as_deref())?;
        let kind = match input.kind.as_str() {
            "exempt" => OverrideKind::Exempt,
            "replace" => {
                let frequency = match input
                    .frequency
                    .as_deref()
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                {
                    None => None,
                    Some(f) => Some(
                        Frequency::ALL
                            .into_iter()
                            .find(|x| x.as_str() == f)
                            .ok_or_else(|| {
                                AppError::invalid("frequency", msg!("reason.one_of", values = "once, yearly, twice-yearly, every-2-years, every-3-years"))
                            })?,
                    ),
                };
                OverrideKind::Replace {
                    frequency,
                    deadline_months: input.deadline_months,
                    count: input.count,
                    unit: Text::<50>::parse_opt("unit", input.unit.as_deref())?.map(String::from),
                }
            }
            _ => {
                return Err(AppError::invalid(
                    "kind",
                    msg!("reason.one_of", values = "exempt, replace"),
                ));
            }
        };
        let row = Override::request(
            self.ids.new_id(),
            &org,
            Text::<100>::parse("rule_id", &input.rule_id)?.into(),
            kind,
            Text::<2000>::parse("reason", &input.reason)?.into(),
            (effective_from, effective_to),
            &p.user,
            self.now(),
        );
        let ro = row.as_rule();
        rules
            .validate_override(&ro)
            .map_err(|e| AppError::rules("override", &e))?;
        // a replacement must make a schedule the engine can compute for the
        // organisation, so that approving it cannot break the calendar
        if let (Some(level), Some(assigned)) = (org.level, org.level_assigned_on)
            && assigned <= today
            && let Err(e @ zian_rules::RulesError::InvalidOverride { .. }) =
                rules.obligations(org.kind, level, assigned, today, &[ro])
        {
            return Err(AppError::rules("override", &e));
        }
        // no two active overrides of one rule for overlapping periods
        let existing = self
            .stores
            .compliance
            .overrides(&p.scope(Permission::RecordRead), Some(&org.id))
            .await?;
        if existing
            .iter()
            .any(|x| x.status.is_active() && x.rule_id == row.rule_id && x.overlaps(&row))
        {
            return Err(AppError::Conflict("override_in_force"));
        }
        let mut e = p.event(
            "compliance.override_requested",
            Some(&org.id),
            Some(&row.id),
        );
        e.details = serde_json::json!({
            "rule_id": row.rule_id,
            "kind": row.kind_str(),
            "effective_from": ymd(row.effective_from),
            "effective_to": row.effective_to.map(ymd),
        });
        self.stores
            .compliance
            .insert_override(&p.scope(Permission::RecordWrite), &row, e)
            .await?;
        Ok(row)
    }

    /// Whether the caller may take `action` on the override: approve, reject
    /// and revoke from strictly above its organisation; withdraw as one who
    /// maintains the organisation's records.
    pub fn may_decide_override(&self, p: &Principal, o: &Override, action: OverrideAction) -> bool {
        if action.is_supervisory() {
            p.can_above(Permission::OverrideApprove, &o.org_path)
        } else {
            p.can(Permission::RecordWrite, &o.org_path)
        }
    }

    /// An override requested for an organisation the caller may read.
    pub async fn get_override(&self, p: &Principal, id: &str) -> Result<Override> {
        self.stores
            .compliance
            .get_override(&p.scope(Permission::RecordRead), id)
            .await?
            .ok_or(AppError::NotFound)
    }

    /// Approves, rejects, withdraws or revokes an override.
    pub async fn decide_override(
        &self,
        p: &Principal,
        id: &str,
        action: OverrideAction,
        input: OverrideDecisionInput,
    ) -> Result<Override> {
        let o = self.get_override(p, id).await?;
        if !self.may_decide_override(p, &o, action) {
            return Err(AppError::Forbidden);
        }
        let reason = Text::<2000>::parse_opt("reason", input.reason.as_deref())?.map(String::from);
        if action.needs_reason() && reason.is_none() {
            return Err(AppError::invalid("reason", msg!("reason.required")));
        }
        let to = o.status.after(action).map_err(AppError::Conflict)?;
        if action == OverrideAction::Approve {
            rule_set()?
                .validate_override(&o.as_rule())
                .map_err(|e| AppError::rules("override", &e))?;
            // nothing approved for the same rule and period on its branch
            let approved = self
                .stores
                .compliance
                .overrides(&p.scope(Permission::RecordRead), None)
                .await?;
            if approved.iter().any(|x| {
                x.id != o.id
                    && x.status == OverrideStatus::Approved
                    && x.rule_id == o.rule_id
                    && (x.applies_to(&o.org_path) || o.applies_to(&x.org_path))
                    && x.overlaps(&o)
            }) {
                return Err(AppError::Conflict("override_in_force"));
            }
        }
        let t = OverrideTransition {
            action,
            from: o.status,
            to,
            by: p.user.id.clone(),
            at: self.now(),
            on: self.today(),
            reason: reason.clone(),
        };
        let mut e = p.event(
            &format!("compliance.override_{}", to.as_str()),
            Some(&o.org_id),
            Some(&o.id),
        );
        e.details = serde_json::json!({
            "rule_id": o.rule_id,
            "kind": o.kind_str(),
            "from": o.status.as_str(),
            "to": to.as_str(),
            "reason": reason,
        });
        let scope = if action.is_supervisory() {
            p.scope(Permission::OverrideApprove)
        } else {
            p.scope(Permission::RecordWrite)
        };
        self.stores
            .compliance
            .transition_override(&scope, &o, &t, e)
            .await?;
        self.get_override(p, id).await
    }

    /// The overrides requested for organisations the caller may read, paged
    /// (filters: `status`, `org`).
    pub async fn list_overrides(&self, p: &Principal, q: &ListQuery) -> Result<Page<Override>> {
        let f = OverrideFilter {
            status: q
                .filter_value("status")
                .map(|v| OverrideStatus::parse(v.trim()))
                .transpose()?,
            org: q.filter_value("org").map(|v| OrgId::from(v.trim())),
        };
        Ok(self
            .stores
            .compliance
            .list_overrides(&p.scope(Permission::RecordRead), &f, q)
            .await?)
    }

    /// What other modules prove, per organisation (three queries whatever
    /// the number of organisations).
    pub(crate) async fn module_evidence(
        &self,
        scope: &OrgScope,
        org_id: Option<&OrgId>,
    ) -> Result<BTreeMap<OrgId, ModuleEvidence>> {
        let mut out: BTreeMap<OrgId, ModuleEvidence> = BTreeMap::new();
        for s in self.stores.systems.all(scope, org_id, false).await? {
            out.entry(s.org_id.clone())
                .or_default()
                .system_gradings
                .push(s.graded_on);
        }
        for p in self.stores.plans.list(scope, org_id).await? {
            let (PlanStatus::Approved, Some(on)) = (p.status, p.approved_on) else {
                continue;
            };
            let staff = zian_domain::plan::normalise(&p.content)
                .map(|c| {
                    c.rows("staffing", "staff")
                        .iter()
                        .filter(|r| {
                            r.get("full_time").and_then(serde_json::Value::as_bool) == Some(true)
                        })
                        .count()
                })
                .unwrap_or(0);
            out.entry(p.org_id.clone()).or_default().plan = Some((p.id.clone(), on, staff));
        }
        for r in self.stores.vulns.runs(scope, org_id).await? {
            let hosts = r.counts["hosts"].as_u64().unwrap_or(0);
            out.entry(r.org_id.clone()).or_default().vans =
                Some((zian_domain::day::of_unix(r.matched_at), hosts));
        }
        for x in self.stores.continuity.all_processes(scope, org_id).await? {
            if x.critical() {
                out.entry(x.org_id.clone()).or_default().critical.push(x.id);
            }
        }
        for d in self
            .stores
            .continuity
            .completed_drills(scope, org_id)
            .await?
        {
            if let Some(on) = d.completed_on {
                out.entry(d.org_id.clone()).or_default().drills.push((
                    on,
                    d.kind,
                    d.body.process_ids,
                ));
            }
        }
        for c in self.stores.continuity.campaigns(scope, org_id).await? {
            out.entry(c.org_id.clone())
                .or_default()
                .campaigns
                .push(c.held_on);
        }
        for a in self.stores.audits.reported_audits(scope, org_id).await? {
            if let (zian_domain::audits::AuditKind::Internal, Some(on)) = (a.kind, a.reported_on) {
                out.entry(a.org_id.clone())
                    .or_default()
                    .internal_audits
                    .push(on);
            }
        }
        for r in self
            .stores
            .implementation_report
            .reports(scope, org_id, None)
            .await?
        {
            if let Some(on) = r.submitted_on {
                out.entry(r.org_id.clone())
                    .or_default()
                    .implementation_reports
                    .push(on);
            }
        }
        // training: the rosters of the years around today, the sessions of
        // the last three years
        let today = self.today();
        let since = zian_domain::day::add_years(today, -3);
        for s in self
            .stores
            .training
            .sessions(scope, org_id, since, today)
            .await?
        {
            out.entry(s.org_id.clone())
                .or_default()
                .training_sessions
                .push(s);
        }
        for plan in self
            .stores
            .training
            .training_plans(scope, org_id, today.year() - 3, today.year() + 1)
            .await?
        {
            out.entry(plan.org_id.clone())
                .or_default()
                .training_rosters
                .insert(plan.year, plan.body.roster);
        }
        Ok(out)
    }

    /// Every organisation with a responsibility level in the caller's record
    /// scope, with what it is behind on; the most behind first.
    pub async fn compliance_rollup(&self, p: &Principal) -> Result<Vec<RollupRow>> {
        let scope: OrgScope = p.scope(Permission::RecordRead);
        if scope.is_empty() {
            return Ok(Vec::new());
        }
        let orgs = self
            .stores
            .orgs
            .list(
                &scope,
                &ListQuery::all(zian_domain::list::HARD_LIMIT).with("active", "1"),
            )
            .await?
            .items;
        let completions = self.stores.compliance.completions(&scope, None).await?;
        let overrides = self.stores.compliance.overrides(&scope, None).await?;
        let evidence = self.module_evidence(&scope, None).await?;
        let none = ModuleEvidence::default();
        let today = self.today();
        let mut out = Vec::new();
        for org in orgs.into_iter().filter(|o| o.level.is_some()) {
            let ev = evidence.get(&org.id).unwrap_or(&none);
            let c = evaluate(&org, today, &completions, &overrides, ev)?;
            let (behind, rest): (Vec<_>, Vec<_>) = c
                .obligations
                .into_iter()
                .partition(|v| matches!(v.status, Status::Overdue | Status::DueSoon));
            let upcoming = rest
                .into_iter()
                .filter(|v| v.status == Status::Open)
                .collect();
            let (pending, approved) =
                c.overrides
                    .into_iter()
                    .fold((Vec::new(), Vec::new()), |(mut p, mut a), o| {
                        match o.status {
                            OverrideStatus::Pending => p.push(o),
                            OverrideStatus::Approved
                                if o.effective_to.is_none_or(|t| t > today) =>
                            {
                                a.push(o)
                            }
                            _ => {}
                        }
                        (p, a)
                    });
            out.push(RollupRow {
                org,
                unavailable: c.unavailable,
                counts: c.counts,
                behind,
                upcoming,
                pending,
                approved,
            });
        }
        out.sort_by(|a, b| {
            (b.counts.overdue, b.counts.due_soon)
                .cmp(&(a.counts.overdue, a.counts.due_soon))
                .then_with(|| a.org.path.cmp(&b.org.path))
        });
        Ok(out)
    }
}
