//! Obligations and compliance (issue 4): the obligations an organisation's
//! responsibility level puts on it (附表一–八, via [`zian_rules`]), their
//! status from the completions recorded with evidence, deployment overrides
//! (exempt / replace, with reason, approver and date) and the supervisors'
//! roll-up.
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
//! Overrides are recorded at an organisation and apply to its subtree; two
//! overrides of one rule in force for the same organisation are refused.

use std::sync::OnceLock;

use serde::Serialize;
use time::Date;
use zian_domain::{OrgScope, Organisation, Permission};
use zian_rules::{
    Frequency, Level, Obligation, OverrideKind, OverrideScope, RuleOverride, RuleSet,
};
use zian_storage::{CompletionRow, OverrideRow};

pub use zian_rules as rules;

use crate::{App, AppError, Principal, Result};

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

/// `YYYY-MM-DD`.
pub fn ymd(d: Date) -> String {
    zian_rules::dates::format_date(d)
}

/// Parses a stored or submitted `YYYY-MM-DD` date.
/// The Asia/Taipei calendar date of a unix time.
pub fn date_of(unix: i64) -> Date {
    time::OffsetDateTime::from_unix_timestamp(unix + 8 * 3600)
        .map(|t| t.date())
        .unwrap_or(Date::MIN)
}

pub fn parse_ymd(field: &str, s: &str) -> Result<Date> {
    zian_rules::dates::parse_date(s.trim())
        .map_err(|_| AppError::invalid(field, "expected a date YYYY-MM-DD"))
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
    pub completions: Vec<CompletionRow>,
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
    /// The overrides applying to the organisation (also shown per obligation).
    pub overrides: Vec<OverrideRow>,
}

/// Maps the platform's organisation kind to the rule engine's.
pub fn rules_kind(k: zian_domain::OrgKind) -> zian_rules::OrgKind {
    match k {
        zian_domain::OrgKind::Public => zian_rules::OrgKind::Public,
        zian_domain::OrgKind::NonPublic => zian_rules::OrgKind::NonPublic,
        zian_domain::OrgKind::CriticalInfrastructure => zian_rules::OrgKind::CriticalInfrastructure,
    }
}

/// Maps a responsibility level.
pub fn rules_level(l: zian_domain::ResponsibilityLevel) -> Level {
    match l {
        zian_domain::ResponsibilityLevel::A => Level::A,
        zian_domain::ResponsibilityLevel::B => Level::B,
        zian_domain::ResponsibilityLevel::C => Level::C,
        zian_domain::ResponsibilityLevel::D => Level::D,
        zian_domain::ResponsibilityLevel::E => Level::E,
    }
}

fn frequency_of(s: &str) -> Option<Frequency> {
    Frequency::ALL.into_iter().find(|f| f.as_str() == s)
}

/// A stored override as the rule engine's value.
pub fn to_rule_override(o: &OverrideRow) -> Result<RuleOverride> {
    let bad = |r: &str| AppError::Internal(format!("stored override {}: {r}", o.id));
    let kind = match o.kind.as_str() {
        "exempt" => OverrideKind::Exempt,
        "replace" => OverrideKind::Replace {
            frequency: match &o.frequency {
                None => None,
                Some(f) => Some(frequency_of(f).ok_or_else(|| bad("frequency"))?),
            },
            deadline_months: o
                .deadline_months
                .map(u32::try_from)
                .transpose()
                .map_err(|_| bad("deadline"))?,
            count: o
                .count
                .map(u32::try_from)
                .transpose()
                .map_err(|_| bad("count"))?,
            unit: o.unit.clone(),
        },
        _ => return Err(bad("kind")),
    };
    let d = |s: &str| zian_rules::dates::parse_date(s).map_err(|_| bad("date"));
    Ok(RuleOverride {
        rule_id: o.rule_id.clone(),
        kind,
        reason: o.reason.clone(),
        approver: o.approver.clone(),
        approved_on: d(&o.approved_on)?,
        effective_from: d(&o.effective_from)?,
        effective_to: o.effective_to.as_deref().map(d).transpose()?,
        scope: OverrideScope::default(),
    })
}

/// The overrides (stored rows) applying to the organisation at `path`.
fn applying<'a>(rows: &'a [OverrideRow], path: &str) -> Vec<&'a OverrideRow> {
    rows.iter()
        .filter(|o| path.starts_with(o.org_path.as_str()))
        .collect()
}

fn days_between(a: Date, b: Date) -> i64 {
    (b - a).whole_days()
}

/// Status of one obligation given its completions.
fn status_of(
    ob: &Obligation,
    done: &[CompletionRow],
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
    let completed = |d: Date| done.iter().any(|c| c.due_date == ymd(d));
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
    pub plan: Option<(String, Date, usize)>,
}

/// Id prefix of completions derived from other modules' records.
pub const AUTO_PREFIX: &str = "auto:";

fn derived_completions(
    org: &Organisation,
    ob: &Obligation,
    ev: &ModuleEvidence,
    today: Date,
) -> Vec<CompletionRow> {
    let row = |due: Date, done: Date, note: String, link: String| CompletionRow {
        id: format!("{AUTO_PREFIX}{}:{}", ob.item, ymd(due)),
        org_id: org.id.clone(),
        rule_id: ob.id.clone(),
        due_date: ymd(due),
        completed_on: ymd(done),
        note,
        evidence_link: Some(link),
        evidence_sha256: None,
        recorded_by: None,
        recorded_at: 0,
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
                    format!(
                        "依資通系統分級紀錄自動判定：{} 個系統均已完成分級",
                        graded.len()
                    ),
                    format!("/orgs/{}/systems", org.id),
                )],
                None => Vec::new(),
            }
        }
        "security-staff" => match (&ev.plan, ob.count) {
            (Some((id, approved_on, staff)), Some(n)) if *staff >= n as usize => vec![row(
                first,
                *approved_on,
                format!("依核定之資通安全維護計畫自動判定：專職人員 {staff} 人（要求 {n} 人）"),
                format!("/plans/{id}"),
            )],
            _ => Vec::new(),
        },
        _ => Vec::new(),
    }
}

/// Computes an organisation's compliance from the stored records and the
/// evidence other modules hold.
pub fn evaluate(
    org: &Organisation,
    today: Date,
    completions: &[CompletionRow],
    overrides: &[OverrideRow],
    evidence: &ModuleEvidence,
) -> Result<OrgCompliance> {
    let ov_rows: Vec<OverrideRow> = applying(overrides, &org.path)
        .into_iter()
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
    let ro: Vec<RuleOverride> = ov_rows
        .iter()
        .map(to_rule_override)
        .collect::<Result<_>>()?;
    let obligations = match rules.obligations(
        rules_kind(org.kind),
        rules_level(level),
        assigned,
        today,
        &ro,
    ) {
        Ok(v) => v,
        Err(zian_rules::RulesError::NoRulesInForce { .. }) => {
            out.unavailable = Some("no_rules_in_force".into());
            return Ok(out);
        }
        Err(e) => return Err(AppError::Internal(format!("obligations: {e}"))),
    };
    for ob in obligations {
        let mut done: Vec<CompletionRow> = completions
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

/// A completion to record.
#[derive(Debug, Clone, Default)]
pub struct CompletionInput {
    pub rule_id: String,
    /// The due date satisfied (YYYY-MM-DD); default: the overdue one, else
    /// the next. Dates are parsed after the access check, so that nothing
    /// about the request's validity is told to a caller without access.
    pub due_date: Option<String>,
    /// Default: today.
    pub completed_on: Option<String>,
    pub note: String,
    /// A link to a record elsewhere (a local path or an https URL).
    pub evidence_link: Option<String>,
    /// Evidence text pasted in; only its SHA-256 is kept.
    pub evidence_text: Option<String>,
    /// SHA-256 (hex) of an evidence file hashed elsewhere.
    pub evidence_sha256: Option<String>,
    /// An evidence file uploaded to the organisation: the completion links
    /// to it and carries its hash.
    pub evidence_id: Option<String>,
}

/// An override to record.
#[derive(Debug, Clone)]
pub struct OverrideInput {
    pub rule_id: String,
    /// `exempt` or `replace`.
    pub kind: String,
    pub frequency: Option<String>,
    pub deadline_months: Option<u32>,
    pub count: Option<u32>,
    pub unit: Option<String>,
    pub reason: String,
    pub approver: String,
    /// YYYY-MM-DD (parsed after the access check).
    pub approved_on: String,
    pub effective_from: Option<String>,
    pub effective_to: Option<String>,
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
}

/// Trimmed text of at most `max` characters (`required`: not empty).
pub(crate) fn text(field: &str, v: &str, max: usize, required: bool) -> Result<String> {
    let t = v.trim();
    if required && t.is_empty() {
        return Err(AppError::invalid(field, "required"));
    }
    if t.chars().count() > max {
        return Err(AppError::invalid(
            field,
            format!("at most {max} characters"),
        ));
    }
    Ok(t.to_string())
}

fn opt_text(field: &str, v: Option<&str>, max: usize) -> Result<Option<String>> {
    v.map(|s| text(field, s, max, false))
        .transpose()
        .map(|o| o.filter(|s| !s.is_empty()))
}

impl App {
    /// The organisation if the caller holds `perm` on it (`NotFound` when
    /// invisible, `Forbidden` when only readable).
    pub async fn org_with(
        &self,
        p: &Principal,
        id: &str,
        perm: Permission,
    ) -> Result<Organisation> {
        let org = self.get_org(p, id).await?;
        p.require(perm, &org.path)?;
        Ok(org)
    }

    /// The obligations of an organisation today, with status.
    pub async fn org_compliance(&self, p: &Principal, org_id: &str) -> Result<OrgCompliance> {
        let org = self.org_with(p, org_id, Permission::RecordRead).await?;
        let scope = p.scope(Permission::RecordRead);
        let completions = self.store.list_completions(&scope, Some(&org.id)).await?;
        let overrides = self.store.list_overrides(&scope, Some(&org.id)).await?;
        let evidence = self.module_evidence(&scope, Some(&org.id)).await?;
        evaluate(
            &org,
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
        org_id: &str,
        input: CompletionInput,
    ) -> Result<CompletionRow> {
        let org = self.org_with(p, org_id, Permission::RecordWrite).await?;
        let current = self.org_compliance(p, &org.id).await?;
        let today = self.today();
        let view = current
            .obligations
            .iter()
            .find(|v| v.obligation.id == input.rule_id)
            .ok_or_else(|| {
                AppError::invalid("rule_id", "not an obligation of this organisation")
            })?;
        if view.status == Status::NotApplicable {
            return Err(AppError::invalid("rule_id", "the obligation is exempted"));
        }
        let due = match crate::systems::opt_date("due_date", input.due_date.as_deref())? {
            Some(d) => {
                if view.obligation.frequency != Frequency::Once
                    && view.obligation.due_dates(d, d).is_empty()
                {
                    return Err(AppError::invalid(
                        "due_date",
                        "not a due date of this obligation",
                    ));
                }
                d
            }
            None => view.due.or(view.next_due).unwrap_or(today),
        };
        let completed_on = crate::systems::opt_date("completed_on", input.completed_on.as_deref())?
            .unwrap_or(today);
        if completed_on > today {
            return Err(AppError::invalid(
                "completed_on",
                "must not be in the future",
            ));
        }
        let note = text("note", &input.note, 2000, true)?;
        let link = opt_text("evidence_link", input.evidence_link.as_deref(), 500)?;
        if let Some(l) = &link
            && !((l.starts_with('/') && !l.starts_with("//"))
                || l.starts_with("https://")
                || l.starts_with("http://"))
        {
            return Err(AppError::invalid(
                "evidence_link",
                "a local path (/…) or an http(s) URL",
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
                        "does not match the evidence text",
                    ));
                }
                Some(computed)
            }
            (None, Some(h)) => {
                if h.len() != 64 || !h.bytes().all(|b| b.is_ascii_hexdigit()) {
                    return Err(AppError::invalid(
                        "evidence_sha256",
                        "64 hexadecimal digits",
                    ));
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
                    .store
                    .get_evidence(&p.scope(Permission::RecordRead), eid)
                    .await?
                    .filter(|(f, _)| f.org_id == org.id)
                    .ok_or_else(|| {
                        AppError::invalid("evidence_id", "an evidence file of this organisation")
                    })?
                    .0;
                if sha.as_ref().is_some_and(|h| *h != file.sha256) {
                    return Err(AppError::invalid(
                        "evidence_sha256",
                        "does not match the evidence file",
                    ));
                }
                (Some(format!("/evidence/{}", file.id)), Some(file.sha256))
            }
        };
        let row = CompletionRow {
            id: self.ids.new_id(),
            org_id: org.id.clone(),
            rule_id: view.obligation.id.clone(),
            due_date: ymd(due),
            completed_on: ymd(completed_on),
            note,
            evidence_link: link,
            evidence_sha256: sha,
            recorded_by: Some(p.user.id.clone()),
            recorded_at: self.now(),
        };
        let mut e = p.event("compliance.completed", Some(&org.id), Some(&row.id));
        e.details = serde_json::json!({"rule_id": row.rule_id, "due_date": row.due_date, "evidence_sha256": row.evidence_sha256});
        self.store
            .insert_completion(&p.scope(Permission::RecordWrite), &row, e)
            .await?;
        Ok(row)
    }

    /// Records a deployment override (exempt or replace) at an organisation;
    /// it applies to the organisation's subtree.
    pub async fn record_override(
        &self,
        p: &Principal,
        org_id: &str,
        input: OverrideInput,
    ) -> Result<OverrideRow> {
        let org = self.org_with(p, org_id, Permission::RecordWrite).await?;
        let rules = rule_set()?;
        let approved_on = parse_ymd("approved_on", &input.approved_on)?;
        let effective_from =
            crate::systems::opt_date("effective_from", input.effective_from.as_deref())?;
        let effective_to = crate::systems::opt_date("effective_to", input.effective_to.as_deref())?;
        let kind = match input.kind.as_str() {
            "exempt" | "replace" => input.kind.clone(),
            _ => return Err(AppError::invalid("kind", "exempt or replace")),
        };
        let frequency = match input
            .frequency
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            None => None,
            Some(f) => Some(
                frequency_of(f)
                    .ok_or_else(|| {
                        AppError::invalid(
                            "frequency",
                            "once, yearly, twice-yearly, every-2-years or every-3-years",
                        )
                    })?
                    .as_str()
                    .to_string(),
            ),
        };
        let row = OverrideRow {
            id: self.ids.new_id(),
            org_id: org.id.clone(),
            org_path: org.path.clone(),
            rule_id: text("rule_id", &input.rule_id, 100, true)?,
            kind,
            frequency: if input.kind == "replace" {
                frequency
            } else {
                None
            },
            deadline_months: if input.kind == "replace" {
                input.deadline_months.map(i64::from)
            } else {
                None
            },
            count: if input.kind == "replace" {
                input.count.map(i64::from)
            } else {
                None
            },
            unit: if input.kind == "replace" {
                opt_text("unit", input.unit.as_deref(), 50)?
            } else {
                None
            },
            reason: text("reason", &input.reason, 2000, true)?,
            approver: text("approver", &input.approver, 200, true)?,
            approved_on: ymd(approved_on),
            effective_from: ymd(effective_from.unwrap_or(approved_on)),
            effective_to: effective_to.map(ymd),
            created_by: Some(p.user.id.clone()),
            created_at: self.now(),
        };
        let ro = to_rule_override(&row)?;
        rules
            .validate_override(&ro)
            .map_err(|e| AppError::invalid("override", e.to_string()))?;
        // no two overrides of one rule in force at once for this organisation
        let existing = self
            .store
            .list_overrides(&p.scope(Permission::RecordRead), Some(&org.id))
            .await?;
        for o in existing.iter().filter(|o| o.rule_id == row.rule_id) {
            let x = to_rule_override(o)?;
            let overlaps = x.effective_to.is_none_or(|t| t > ro.effective_from)
                && ro.effective_to.is_none_or(|t| t > x.effective_from);
            if overlaps {
                return Err(AppError::Conflict("override of this rule in force".into()));
            }
        }
        let mut e = p.event("compliance.override_recorded", Some(&org.id), Some(&row.id));
        e.details = serde_json::json!({"rule_id": row.rule_id, "kind": row.kind, "approver": row.approver, "approved_on": row.approved_on});
        self.store
            .insert_override(&p.scope(Permission::RecordWrite), &row, e)
            .await?;
        Ok(row)
    }

    /// What other modules prove, per organisation (two queries whatever the
    /// number of organisations).
    async fn module_evidence(
        &self,
        scope: &OrgScope,
        org_id: Option<&str>,
    ) -> Result<std::collections::BTreeMap<String, ModuleEvidence>> {
        let mut out: std::collections::BTreeMap<String, ModuleEvidence> = Default::default();
        for s in self.store.list_systems(scope, org_id, false).await? {
            let graded = s
                .graded_on
                .as_deref()
                .and_then(|d| zian_rules::dates::parse_date(d).ok());
            out.entry(s.org_id.clone())
                .or_default()
                .system_gradings
                .push(graded);
        }
        for p in self.store.list_plans(scope, org_id).await? {
            if p.status != "approved" {
                continue;
            }
            let Some(on) = p
                .approved_on
                .as_deref()
                .and_then(|d| zian_rules::dates::parse_date(d).ok())
            else {
                continue;
            };
            let staff = serde_json::from_str::<serde_json::Value>(&p.content)
                .ok()
                .and_then(|v| zian_domain::plan::normalise(&v).ok())
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
        Ok(out)
    }

    /// Every organisation with a responsibility level in the caller's record
    /// scope, with what it is behind on; the most behind first.
    pub async fn compliance_rollup(&self, p: &Principal) -> Result<Vec<RollupRow>> {
        let scope: OrgScope = p.scope(Permission::RecordRead);
        if scope.is_empty() {
            return Ok(Vec::new());
        }
        let mut q = zian_storage::ListQuery::new();
        q.limit = 500;
        q.filter.push(("active".into(), "1".into()));
        let mut orgs = Vec::new();
        loop {
            let page = self.store.list_orgs(&scope, &q).await?;
            let n = page.items.len();
            orgs.extend(page.items);
            if n == 0
                || i64::try_from(orgs.len()).unwrap_or(i64::MAX) >= page.total
                || orgs.len() >= 20_000
            {
                break;
            }
            q.offset += 500;
        }
        let completions = self.store.list_completions(&scope, None).await?;
        let overrides = self.store.list_overrides(&scope, None).await?;
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
            out.push(RollupRow {
                org,
                unavailable: c.unavailable,
                counts: c.counts,
                behind,
                upcoming,
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
