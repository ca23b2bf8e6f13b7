//! Vulnerability findings of the platform (VANS, seed 004): an asset of the
//! register × a CVE, found by matching the asset's installed software (CPE
//! 2.3) against the feed store; the life of a finding from the notification
//! that starts its clock to the fix an inventory confirms; the
//! organisation's remediation policy (days by severity); and the
//! reconciliation of a new match with what is recorded.
//!
//! Statuses: `new` (未處理) → assessed: `needs_fix` (須修復) | `accepted`
//! (風險接受: justification, approver, expiry) | `false_positive` (誤判:
//! reason; the same asset × CVE stays suppressed when found again) |
//! `not_applicable` (不適用) → `planned` (已排定修補: action, owner, due
//! date) → `fixed` (已修補: evidence) → `verified` (已驗證: by a person, or
//! by an inventory that no longer has the vulnerable version). A finding
//! that reappears after a fix reopens as `new` with a new clock. Possible
//! findings (an attribute such as the version not stated) wait outside the
//! flow until the inventory states it.

pub mod kpi;

use serde::Serialize;
use time::Date;
use zian_i18n::msg;

use crate::{AssetId, DomainError, FindingId, Memo, OrgId, Text, UserId, day};

/// A finding's place in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingStatus {
    New,
    NeedsFix,
    Accepted,
    FalsePositive,
    NotApplicable,
    Planned,
    Fixed,
    Verified,
}

impl FindingStatus {
    pub const ALL: [FindingStatus; 8] = [
        FindingStatus::New,
        FindingStatus::NeedsFix,
        FindingStatus::Planned,
        FindingStatus::Fixed,
        FindingStatus::Verified,
        FindingStatus::Accepted,
        FindingStatus::FalsePositive,
        FindingStatus::NotApplicable,
    ];
    /// Still waiting for someone to act (the clock runs).
    pub const OPEN: [FindingStatus; 3] = [
        FindingStatus::New,
        FindingStatus::NeedsFix,
        FindingStatus::Planned,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            FindingStatus::New => "new",
            FindingStatus::NeedsFix => "needs_fix",
            FindingStatus::Accepted => "accepted",
            FindingStatus::FalsePositive => "false_positive",
            FindingStatus::NotApplicable => "not_applicable",
            FindingStatus::Planned => "planned",
            FindingStatus::Fixed => "fixed",
            FindingStatus::Verified => "verified",
        }
    }

    pub fn parse(s: &str) -> Result<Self, DomainError> {
        Self::ALL
            .into_iter()
            .find(|x| x.as_str() == s.trim())
            .ok_or_else(|| DomainError::Invalid {
                field: "status",
                reason: msg!(
                    "reason.one_of",
                    values = "new, needs_fix, planned, fixed, verified, accepted, false_positive, not_applicable"
                ),
            })
    }

    /// The clock runs: nobody has closed it yet.
    pub fn is_open(self) -> bool {
        Self::OPEN.contains(&self)
    }

    /// Handled (處置) in the seed's sense: closed by a fix, an accepted risk,
    /// a false positive or not applicable.
    pub fn is_handled(self) -> bool {
        !self.is_open()
    }
}

/// Whether the match is certain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Certainty {
    Confirmed,
    /// An attribute (usually the version) is not stated in the inventory.
    Possible,
}

impl Certainty {
    pub fn as_str(self) -> &'static str {
        match self {
            Certainty::Confirmed => "confirmed",
            Certainty::Possible => "possible",
        }
    }
    pub fn parse(s: &str) -> Result<Self, DomainError> {
        match s.trim() {
            "confirmed" => Ok(Certainty::Confirmed),
            "possible" => Ok(Certainty::Possible),
            _ => Err(DomainError::Invalid {
                field: "certainty",
                reason: msg!("reason.one_of", values = "confirmed, possible"),
            }),
        }
    }
}

/// Severity band of the preferred CVSS base score (the v3 bands, applied to
/// every version so that "CVSS ≥ 7.0" means the same everywhere).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// No score published.
    Unknown,
    None,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub const ALL: [Severity; 6] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::None,
        Severity::Unknown,
    ];

    /// The band of a score in tenths (`98` is 9.8).
    pub fn of_tenths(score: Option<i64>) -> Severity {
        match score {
            None => Severity::Unknown,
            Some(s) if s >= 90 => Severity::Critical,
            Some(s) if s >= 70 => Severity::High,
            Some(s) if s >= 40 => Severity::Medium,
            Some(s) if s > 0 => Severity::Low,
            Some(_) => Severity::None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Unknown => "unknown",
            Severity::None => "none",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    pub fn parse(s: &str) -> Result<Self, DomainError> {
        Self::ALL
            .into_iter()
            .find(|x| x.as_str() == s.trim())
            .ok_or_else(|| DomainError::Invalid {
                field: "severity",
                reason: msg!(
                    "reason.one_of",
                    values = "critical, high, medium, low, none, unknown"
                ),
            })
    }
}

/// A score in tenths from a CVSS base score (`9.8` → `98`).
pub fn tenths(score: Option<f64>) -> Option<i64> {
    score
        .filter(|s| s.is_finite() && (0.0..=10.0).contains(s))
        .map(|s| (s * 10.0).round() as i64)
}

/// Days allowed from notification to handling, by severity. Seed 004:
/// CVSS ≥ 7.0 within 7 days; the others are the organisation's choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Policy {
    pub critical_days: i64,
    pub high_days: i64,
    pub medium_days: i64,
    pub low_days: i64,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            critical_days: 7,
            high_days: 7,
            medium_days: 30,
            low_days: 90,
        }
    }
}

/// The longest period a policy may give (a year).
pub const MAX_POLICY_DAYS: i64 = 366;

impl Policy {
    /// Checks each period is 1–366 days and that a more severe band never
    /// gets longer than a less severe one.
    pub fn validate(self) -> Result<Policy, DomainError> {
        for (field, v) in [
            ("critical_days", self.critical_days),
            ("high_days", self.high_days),
            ("medium_days", self.medium_days),
            ("low_days", self.low_days),
        ] {
            if !(1..=MAX_POLICY_DAYS).contains(&v) {
                return Err(DomainError::Invalid {
                    field,
                    reason: msg!("reason.vulns.days", max = MAX_POLICY_DAYS),
                });
            }
        }
        for (field, more, less) in [
            ("critical_days", self.critical_days, self.high_days),
            ("high_days", self.high_days, self.medium_days),
            ("medium_days", self.medium_days, self.low_days),
        ] {
            if more > less {
                return Err(DomainError::Invalid {
                    field,
                    reason: msg!("reason.vulns.days_order"),
                });
            }
        }
        Ok(self)
    }

    /// Days for a severity; an unscored finding counts as medium.
    pub fn days(self, sev: Severity) -> i64 {
        match sev {
            Severity::Critical => self.critical_days,
            Severity::High => self.high_days,
            Severity::Medium | Severity::Unknown => self.medium_days,
            Severity::Low | Severity::None => self.low_days,
        }
    }

    /// The due date of a finding notified at `notified_at` (unix seconds):
    /// the Asia/Taipei date of notification plus the severity's days; for
    /// a KEV entry the earlier of that and the KEV due date.
    pub fn due_on(self, notified_at: i64, sev: Severity, kev_due: Option<Date>) -> Date {
        let by_policy = day::of_unix(notified_at)
            .checked_add(time::Duration::days(self.days(sev)))
            .unwrap_or(Date::MAX);
        match kev_due {
            Some(k) if k < by_policy => k,
            _ => by_policy,
        }
    }
}

/// A finding as recorded.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    pub id: FindingId,
    pub org_id: OrgId,
    pub asset_id: AssetId,
    /// The asset's name and host name, for lists (read with the finding).
    pub asset_name: String,
    pub hostname: String,
    pub cve_id: String,
    /// The installed programs that matched, as found (name and version).
    pub software: Vec<String>,
    /// Their CPE 2.3 names.
    pub cpes: Vec<String>,
    pub certainty: Certainty,
    /// For possible findings: the attributes that would decide it.
    pub undecided: Vec<String>,
    /// `nvd`, `cna` or `adp`.
    pub source: String,
    /// Preferred CVSS base score in tenths.
    pub score: Option<i64>,
    pub severity: Severity,
    pub kev: bool,
    pub kev_due: Option<Date>,
    /// EPSS percentile in hundredths of a per cent (`9731` is 97.31 %).
    pub epss: Option<i64>,
    /// The asset serves a core system or is marked core.
    pub core: bool,
    /// The asset is reachable from the Internet (對外服務).
    pub exposed: bool,
    /// The latest match still finds it.
    pub present: bool,
    pub first_seen_at: i64,
    /// When the organisation was notified (starts the clock; reset when a
    /// finding reopens).
    pub notified_at: i64,
    pub last_seen_at: i64,
    pub due_on: Date,
    pub status: FindingStatus,
    /// The decision's reason (accepted risk's justification, a false
    /// positive's reason, …).
    pub reason: String,
    pub accepted_until: Option<Date>,
    pub approver: String,
    pub action: String,
    pub owner: String,
    pub plan_due: Option<Date>,
    pub evidence: String,
    pub decided_by: Option<UserId>,
    pub decided_at: Option<i64>,
    pub fixed_at: Option<i64>,
    /// A person, or none when an inventory confirmed the fix.
    pub verified_by: Option<UserId>,
    pub verified_at: Option<i64>,
    /// First time it was handled (for the KPI).
    pub handled_at: Option<i64>,
    pub reopened: i64,
    /// The matching evidence (the engine's, as JSON).
    pub match_evidence: serde_json::Value,
    pub updated_at: i64,
}

impl Finding {
    /// Overdue on `today` (Asia/Taipei): still open after its due date.
    pub fn overdue(&self, today: Date) -> bool {
        self.status.is_open() && self.certainty == Certainty::Confirmed && today > self.due_on
    }

    /// Days left until the due date (negative: days overdue).
    pub fn days_left(&self, today: Date) -> i64 {
        (self.due_on - today).whole_days()
    }

    /// An accepted risk whose acceptance has run out on `today`.
    pub fn acceptance_expired(&self, today: Date) -> bool {
        self.status == FindingStatus::Accepted && self.accepted_until.is_some_and(|u| today > u)
    }
}

/// What a person decides about a finding.
#[derive(Debug, Clone, PartialEq)]
pub enum Decision {
    /// 評估：須修復.
    NeedsFix,
    /// 風險接受: justification, approver, until when.
    Accept {
        reason: Text<2000>,
        approver: Text<100>,
        until: Date,
    },
    FalsePositive {
        reason: Text<2000>,
    },
    NotApplicable {
        reason: Text<2000>,
    },
    /// 排定修補.
    Plan {
        action: Text<2000>,
        owner: Text<100>,
        due: Date,
    },
    /// 已修補, with evidence.
    Fix {
        evidence: Text<2000>,
    },
    /// 驗證 by a person.
    Verify {
        evidence: Memo<2000>,
    },
}

/// The longest a risk may be accepted (two years).
pub const MAX_ACCEPT_DAYS: i64 = 731;

impl Decision {
    pub fn as_str(&self) -> &'static str {
        match self {
            Decision::NeedsFix => "needs_fix",
            Decision::Accept { .. } => "accept",
            Decision::FalsePositive { .. } => "false_positive",
            Decision::NotApplicable { .. } => "not_applicable",
            Decision::Plan { .. } => "plan",
            Decision::Fix { .. } => "fix",
            Decision::Verify { .. } => "verify",
        }
    }

    /// Reads a decision from its fields as a person entered them. `today`
    /// bounds the acceptance's expiry (after today, at most two years).
    #[allow(clippy::too_many_arguments)]
    pub fn parse(
        action: &str,
        reason: Option<&str>,
        approver: Option<&str>,
        until: Option<&str>,
        plan_action: Option<&str>,
        owner: Option<&str>,
        due: Option<&str>,
        evidence: Option<&str>,
        today: Date,
    ) -> Result<Decision, DomainError> {
        let required_memo =
            |field: &'static str, v: Option<&str>| -> Result<Text<2000>, DomainError> {
                Text::parse(field, v.unwrap_or(""))
            };
        let required_date = |field: &'static str, v: Option<&str>| -> Result<Date, DomainError> {
            day::parse_opt(field, v)?.ok_or(DomainError::Invalid {
                field,
                reason: msg!("reason.required"),
            })
        };
        Ok(match action.trim() {
            "needs_fix" => Decision::NeedsFix,
            "accept" => {
                let reason = required_memo("reason", reason)?;
                let approver = Text::parse("approver", approver.unwrap_or(""))?;
                let until = required_date("accepted_until", until)?;
                let latest = today
                    .checked_add(time::Duration::days(MAX_ACCEPT_DAYS))
                    .unwrap_or(Date::MAX);
                if until <= today || until > latest {
                    return Err(DomainError::Invalid {
                        field: "accepted_until",
                        reason: msg!("reason.vulns.accept_until", days = MAX_ACCEPT_DAYS),
                    });
                }
                Decision::Accept {
                    reason,
                    approver,
                    until,
                }
            }
            "false_positive" => Decision::FalsePositive {
                reason: required_memo("reason", reason)?,
            },
            "not_applicable" => Decision::NotApplicable {
                reason: required_memo("reason", reason)?,
            },
            "plan" => Decision::Plan {
                action: required_memo("plan_action", plan_action)?,
                owner: Text::parse("plan_owner", owner.unwrap_or(""))?,
                due: required_date("plan_due", due)?,
            },
            "fix" => Decision::Fix {
                evidence: required_memo("evidence", evidence)?,
            },
            "verify" => Decision::Verify {
                evidence: Memo::parse("evidence", evidence.unwrap_or(""))?,
            },
            _ => {
                return Err(DomainError::Invalid {
                    field: "action",
                    reason: msg!(
                        "reason.one_of",
                        values =
                            "needs_fix, accept, false_positive, not_applicable, plan, fix, verify"
                    ),
                });
            }
        })
    }

    /// The status a finding in `from` reaches, or why it cannot.
    pub fn after(
        &self,
        from: FindingStatus,
        certainty: Certainty,
    ) -> Result<FindingStatus, DomainError> {
        use FindingStatus as S;
        if certainty == Certainty::Possible {
            return Err(DomainError::Invalid {
                field: "action",
                reason: msg!("reason.vulns.possible"),
            });
        }
        let allowed = match self {
            // Assessments: while open, or revising an earlier assessment.
            Decision::NeedsFix
            | Decision::Accept { .. }
            | Decision::FalsePositive { .. }
            | Decision::NotApplicable { .. } => !matches!(from, S::Fixed | S::Verified),
            Decision::Plan { .. } => matches!(from, S::New | S::NeedsFix | S::Planned),
            Decision::Fix { .. } => matches!(from, S::New | S::NeedsFix | S::Planned),
            Decision::Verify { .. } => from == S::Fixed,
        };
        if !allowed {
            return Err(DomainError::Invalid {
                field: "action",
                reason: msg!(
                    "reason.vulns.transition",
                    from = from.as_str(),
                    action = self.as_str()
                ),
            });
        }
        Ok(match self {
            Decision::NeedsFix => S::NeedsFix,
            Decision::Accept { .. } => S::Accepted,
            Decision::FalsePositive { .. } => S::FalsePositive,
            Decision::NotApplicable { .. } => S::NotApplicable,
            Decision::Plan { .. } => S::Planned,
            Decision::Fix { .. } => S::Fixed,
            Decision::Verify { .. } => S::Verified,
        })
    }
}

/// One asset × CVE as the latest match found it.
#[derive(Debug, Clone, PartialEq)]
pub struct Observed {
    pub asset_id: AssetId,
    pub cve_id: String,
    pub software: Vec<String>,
    pub cpes: Vec<String>,
    pub certainty: Certainty,
    pub undecided: Vec<String>,
    pub source: String,
    pub score: Option<i64>,
    pub kev: bool,
    pub kev_due: Option<Date>,
    pub epss: Option<i64>,
    pub core: bool,
    pub exposed: bool,
    pub match_evidence: serde_json::Value,
}

/// What a match does to the recorded findings of an organisation.
#[derive(Debug, Default)]
pub struct Reconciled {
    /// New findings, and recorded ones whose fields changed (by id).
    pub inserts: Vec<Finding>,
    pub updates: Vec<Finding>,
    /// Possible findings that are gone (never entered the flow): removed.
    pub deletes: Vec<FindingId>,
    pub counts: ReconcileCounts,
}

/// Counts of a reconciliation (the audit entry's details and the job's
/// result).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ReconcileCounts {
    pub new: u32,
    pub reopened: u32,
    pub confirmed_fixed: u32,
    pub gone: u32,
    pub updated: u32,
    pub unchanged: u32,
    pub acceptances_expired: u32,
}

/// Installed software of an asset in service with a CPE name: what a match
/// reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatchInput {
    pub asset_id: AssetId,
    pub core: bool,
    pub exposed: bool,
    pub name: String,
    pub version: String,
    pub cpe23: String,
}

/// The latest match of an organisation.
#[derive(Debug, Clone, PartialEq)]
pub struct MatchRun {
    pub org_id: OrgId,
    pub matched_at: i64,
    /// The feed snapshot matched against (its id, or a reason none was).
    pub feed: String,
    pub counts: serde_json::Value,
}

/// An organisation's findings counted by certainty, status, severity and
/// whether the match still sees them (the findings page's figures).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusCount {
    pub certainty: Certainty,
    pub status: FindingStatus,
    pub severity: Severity,
    pub present: bool,
    pub n: u64,
    /// Of them, due before the day counted on.
    pub past_due: u64,
    pub kev: u64,
}

/// One organisation's open findings, overdue count, latest inventory and
/// hosts with mapped software (a supervisor's review reads one per
/// organisation of the subtree).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct OrgOverview {
    pub org_id: OrgId,
    /// Open confirmed findings by severity.
    pub open: std::collections::BTreeMap<String, u64>,
    pub overdue: u64,
    pub kev_open: u64,
    /// When its latest inventory was committed.
    pub last_inventory_at: Option<i64>,
    /// Assets in service with software that has a CPE name.
    pub hosts: u64,
}

/// Reconciles a match of a whole organisation (`observed`, one per asset ×
/// CVE) with what is recorded (`existing`): new findings get their clock
/// (`now`); a finding the match no longer sees is confirmed fixed when it
/// was still being worked on (verified by the inventory), forgotten when it
/// was only possible, kept as it is otherwise (an accepted risk or a false
/// positive stays decided); a fixed or verified finding found again
/// reopens with a new clock; a false positive stays suppressed; an accepted
/// risk past its expiry reopens. `new_id` names new findings.
pub fn reconcile(
    existing: Vec<Finding>,
    observed: Vec<Observed>,
    org: &OrgId,
    policy: Policy,
    now: i64,
    mut new_id: impl FnMut() -> FindingId,
) -> Reconciled {
    use std::collections::HashMap;
    let today = day::of_unix(now);
    let mut out = Reconciled::default();
    let mut by_key: HashMap<(AssetId, String), Finding> = existing
        .into_iter()
        .map(|f| ((f.asset_id.clone(), f.cve_id.clone()), f))
        .collect();
    for o in observed {
        let sev = Severity::of_tenths(o.score);
        match by_key.remove(&(o.asset_id.clone(), o.cve_id.clone())) {
            None => {
                out.counts.new += 1;
                out.inserts.push(Finding {
                    id: new_id(),
                    org_id: org.clone(),
                    asset_id: o.asset_id,
                    asset_name: String::new(),
                    hostname: String::new(),
                    cve_id: o.cve_id,
                    software: o.software,
                    cpes: o.cpes,
                    certainty: o.certainty,
                    undecided: o.undecided,
                    source: o.source,
                    score: o.score,
                    severity: sev,
                    kev: o.kev,
                    kev_due: o.kev_due,
                    epss: o.epss,
                    core: o.core,
                    exposed: o.exposed,
                    present: true,
                    first_seen_at: now,
                    notified_at: now,
                    last_seen_at: now,
                    due_on: policy.due_on(now, sev, o.kev_due),
                    status: FindingStatus::New,
                    reason: String::new(),
                    accepted_until: None,
                    approver: String::new(),
                    action: String::new(),
                    owner: String::new(),
                    plan_due: None,
                    evidence: String::new(),
                    decided_by: None,
                    decided_at: None,
                    fixed_at: None,
                    verified_by: None,
                    verified_at: None,
                    handled_at: None,
                    reopened: 0,
                    match_evidence: o.match_evidence,
                    updated_at: now,
                });
            }
            Some(old) => {
                let mut f = old.clone();
                f.software = o.software;
                f.cpes = o.cpes;
                f.certainty = o.certainty;
                f.undecided = o.undecided;
                f.source = o.source;
                f.score = o.score;
                f.severity = sev;
                f.kev = o.kev;
                f.kev_due = o.kev_due;
                f.epss = o.epss;
                f.core = o.core;
                f.exposed = o.exposed;
                f.match_evidence = o.match_evidence;
                f.present = true;
                let reopen = matches!(f.status, FindingStatus::Fixed | FindingStatus::Verified)
                    || f.acceptance_expired(today);
                if reopen {
                    if f.status == FindingStatus::Accepted {
                        out.counts.acceptances_expired += 1;
                    } else {
                        out.counts.reopened += 1;
                    }
                    f.status = FindingStatus::New;
                    f.reopened += 1;
                    f.notified_at = now;
                    f.fixed_at = None;
                    f.verified_at = None;
                    f.verified_by = None;
                    f.accepted_until = None;
                    // a new episode: handled again only when someone acts
                    f.handled_at = None;
                }
                if old.certainty == Certainty::Possible && f.certainty == Certainty::Confirmed {
                    // Entering the flow now: the clock starts now.
                    f.notified_at = now;
                }
                f.due_on = policy.due_on(f.notified_at, sev, f.kev_due);
                if same_observation(&old, &f) {
                    out.counts.unchanged += 1;
                } else {
                    if !reopen {
                        out.counts.updated += 1;
                    }
                    f.last_seen_at = now;
                    f.updated_at = now;
                    out.updates.push(f);
                }
            }
        }
    }
    // What the match no longer sees.
    let mut gone: Vec<Finding> = by_key.into_values().collect();
    gone.sort_by(|a, b| a.id.cmp(&b.id));
    for old in gone {
        if !old.present {
            continue;
        }
        if old.certainty == Certainty::Possible && old.status == FindingStatus::New {
            out.counts.gone += 1;
            out.deletes.push(old.id);
            continue;
        }
        let mut f = old;
        f.present = false;
        f.updated_at = now;
        f.last_seen_at = now;
        if f.status.is_open() || f.status == FindingStatus::Fixed {
            out.counts.confirmed_fixed += 1;
            f.status = FindingStatus::Verified;
            f.fixed_at.get_or_insert(now);
            f.verified_at = Some(now);
            f.verified_by = None;
            f.handled_at.get_or_insert(now);
        } else {
            out.counts.gone += 1;
        }
        out.updates.push(f);
    }
    out
}

/// The observation's fields and the status are unchanged (nothing to write).
fn same_observation(a: &Finding, b: &Finding) -> bool {
    a.software == b.software
        && a.cpes == b.cpes
        && a.certainty == b.certainty
        && a.undecided == b.undecided
        && a.source == b.source
        && a.score == b.score
        && a.kev == b.kev
        && a.kev_due == b.kev_due
        && a.epss == b.epss
        && a.core == b.core
        && a.exposed == b.exposed
        && a.present == b.present
        && a.status == b.status
        && a.notified_at == b.notified_at
        && a.due_on == b.due_on
        && a.match_evidence == b.match_evidence
}

/// Applies a person's decision to a finding (already checked by
/// [`Decision::after`]): the new status and the decision's fields.
pub fn apply(f: &mut Finding, d: &Decision, to: FindingStatus, who: Option<&UserId>, now: i64) {
    f.status = to;
    f.updated_at = now;
    match d {
        Decision::NeedsFix => {
            f.decided_by = who.cloned();
            f.decided_at = Some(now);
        }
        Decision::Accept {
            reason,
            approver,
            until,
        } => {
            f.decided_by = who.cloned();
            f.decided_at = Some(now);
            f.reason = reason.as_str().to_owned();
            f.approver = approver.as_str().to_owned();
            f.accepted_until = Some(*until);
        }
        Decision::FalsePositive { reason } | Decision::NotApplicable { reason } => {
            f.decided_by = who.cloned();
            f.decided_at = Some(now);
            f.reason = reason.as_str().to_owned();
        }
        Decision::Plan { action, owner, due } => {
            if f.decided_at.is_none() {
                f.decided_by = who.cloned();
                f.decided_at = Some(now);
            }
            f.action = action.as_str().to_owned();
            f.owner = owner.as_str().to_owned();
            f.plan_due = Some(*due);
        }
        Decision::Fix { evidence } => {
            f.evidence = evidence.as_str().to_owned();
            f.fixed_at = Some(now);
        }
        Decision::Verify { evidence } => {
            if !evidence.as_str().is_empty() {
                if !f.evidence.is_empty() {
                    f.evidence.push('\n');
                }
                f.evidence.push_str(evidence.as_str());
            }
            f.verified_by = who.cloned();
            f.verified_at = Some(now);
        }
    }
    if to.is_handled() {
        f.handled_at.get_or_insert(now);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    /// 2026-12-03 23:30 Asia/Taipei (15:30 UTC).
    const LATE_EVENING: i64 = 1_796_311_800;

    fn obs(asset: &str, cve: &str, score: Option<i64>) -> Observed {
        Observed {
            asset_id: AssetId::from(asset),
            cve_id: cve.into(),
            software: vec!["Firefox 30.0".into()],
            cpes: vec!["cpe:2.3:a:mozilla:firefox:30.0:*:*:*:*:*:*:*".into()],
            certainty: Certainty::Confirmed,
            undecided: vec![],
            source: "nvd".into(),
            score,
            kev: false,
            kev_due: None,
            epss: None,
            core: false,
            exposed: false,
            match_evidence: serde_json::Value::Null,
        }
    }

    fn ids() -> impl FnMut() -> FindingId {
        let mut n = 0;
        move || {
            n += 1;
            FindingId::from(format!("f{n}"))
        }
    }

    #[test]
    fn the_clock_counts_taipei_days() {
        assert_eq!(day::of_unix(LATE_EVENING), date!(2026 - 12 - 03));
        let p = Policy::default();
        assert_eq!(
            p.due_on(LATE_EVENING, Severity::High, None),
            date!(2026 - 12 - 10)
        );
        // Half an hour later it is the 4th in Taipei.
        assert_eq!(
            p.due_on(LATE_EVENING + 1800, Severity::Critical, None),
            date!(2026 - 12 - 11)
        );
        assert_eq!(
            p.due_on(LATE_EVENING, Severity::Medium, None),
            date!(2027 - 01 - 02)
        );
        assert_eq!(
            p.due_on(LATE_EVENING, Severity::Unknown, None),
            date!(2027 - 01 - 02)
        );
        // KEV: the earlier date wins.
        assert_eq!(
            p.due_on(LATE_EVENING, Severity::Medium, Some(date!(2026 - 12 - 05))),
            date!(2026 - 12 - 05)
        );
        assert_eq!(
            p.due_on(LATE_EVENING, Severity::High, Some(date!(2027 - 05 - 05))),
            date!(2026 - 12 - 10)
        );
    }

    #[test]
    fn severity_bands() {
        assert_eq!(Severity::of_tenths(Some(70)), Severity::High);
        assert_eq!(Severity::of_tenths(Some(69)), Severity::Medium);
        assert_eq!(Severity::of_tenths(Some(90)), Severity::Critical);
        assert_eq!(Severity::of_tenths(Some(0)), Severity::None);
        assert_eq!(Severity::of_tenths(None), Severity::Unknown);
        assert_eq!(tenths(Some(9.8)), Some(98));
        assert_eq!(tenths(Some(6.95)), Some(70));
        assert_eq!(tenths(Some(f64::NAN)), None);
    }

    #[test]
    fn policy_is_checked() {
        assert!(Policy::default().validate().is_ok());
        let bad = Policy {
            high_days: 40,
            ..Policy::default()
        };
        assert!(matches!(
            bad.validate(),
            Err(DomainError::Invalid {
                field: "high_days",
                ..
            })
        ));
        let zero = Policy {
            low_days: 0,
            ..Policy::default()
        };
        assert!(matches!(
            zero.validate(),
            Err(DomainError::Invalid {
                field: "low_days",
                ..
            })
        ));
    }

    #[test]
    fn a_finding_lives_and_an_inventory_confirms_the_fix() {
        let org = OrgId::from("o");
        let p = Policy::default();
        let t0 = LATE_EVENING;
        let r = reconcile(
            vec![],
            vec![obs("a", "CVE-1", Some(98))],
            &org,
            p,
            t0,
            ids(),
        );
        assert_eq!(r.counts.new, 1);
        let mut f = r.inserts[0].clone();
        assert_eq!(f.status, FindingStatus::New);
        assert_eq!(f.due_on, date!(2026 - 12 - 10));
        assert!(!f.overdue(date!(2026 - 12 - 10)));
        assert!(f.overdue(date!(2026 - 12 - 11)));
        assert_eq!(f.days_left(date!(2026 - 12 - 08)), 2);

        // Matched again unchanged: nothing to write.
        let r = reconcile(
            vec![f.clone()],
            vec![obs("a", "CVE-1", Some(98))],
            &org,
            p,
            t0 + 60,
            ids(),
        );
        assert_eq!(r.counts.unchanged, 1);
        assert!(r.updates.is_empty() && r.inserts.is_empty());

        // Planned, then the inventory no longer has it: verified by the inventory.
        let d = Decision::parse(
            "plan",
            None,
            None,
            None,
            Some("更新至 31.0"),
            Some("資訊室"),
            Some("2026-12-08"),
            None,
            date!(2026 - 12 - 04),
        )
        .unwrap();
        let to = d.after(f.status, f.certainty).unwrap();
        apply(&mut f, &d, to, Some(&UserId::from("u")), t0 + 100);
        assert_eq!(f.status, FindingStatus::Planned);
        assert!(f.handled_at.is_none());
        let r = reconcile(vec![f.clone()], vec![], &org, p, t0 + 200, ids());
        assert_eq!(r.counts.confirmed_fixed, 1);
        let g = &r.updates[0];
        assert_eq!(g.status, FindingStatus::Verified);
        assert!(!g.present && g.verified_by.is_none());
        assert_eq!(g.handled_at, Some(t0 + 200));

        // It comes back: reopened with a new clock.
        let later = t0 + 20 * 86_400;
        let r = reconcile(
            vec![g.clone()],
            vec![obs("a", "CVE-1", Some(98))],
            &org,
            p,
            later,
            ids(),
        );
        assert_eq!(r.counts.reopened, 1);
        let h = &r.updates[0];
        assert_eq!(h.status, FindingStatus::New);
        assert_eq!(h.reopened, 1);
        assert_eq!(h.notified_at, later);
        assert_eq!(h.due_on, date!(2026 - 12 - 30));
        assert_eq!(h.first_seen_at, t0);
        assert!(h.handled_at.is_none(), "a new episode is not handled yet");
    }

    #[test]
    fn false_positives_stay_suppressed_and_acceptances_expire() {
        let org = OrgId::from("o");
        let p = Policy::default();
        let t0 = LATE_EVENING;
        let r = reconcile(
            vec![],
            vec![obs("a", "CVE-1", Some(75)), obs("b", "CVE-2", Some(50))],
            &org,
            p,
            t0,
            ids(),
        );
        let (mut fp, mut acc) = (r.inserts[0].clone(), r.inserts[1].clone());
        let d = Decision::parse(
            "false_positive",
            Some("此主機未啟用該模組"),
            None,
            None,
            None,
            None,
            None,
            None,
            date!(2026 - 12 - 04),
        )
        .unwrap();
        let to = d.after(fp.status, fp.certainty).unwrap();
        apply(&mut fp, &d, to, None, t0 + 1);
        assert_eq!(fp.handled_at, Some(t0 + 1));
        let d = Decision::parse(
            "accept",
            Some("系統將於明年汰換"),
            Some("資安長"),
            Some("2026-12-31"),
            None,
            None,
            None,
            None,
            date!(2026 - 12 - 04),
        )
        .unwrap();
        let to = d.after(acc.status, acc.certainty).unwrap();
        apply(&mut acc, &d, to, None, t0 + 1);
        // Both seen again on 2026-12-20: nothing changes.
        let t1 = t0 + 17 * 86_400;
        let r = reconcile(
            vec![fp.clone(), acc.clone()],
            vec![obs("a", "CVE-1", Some(75)), obs("b", "CVE-2", Some(50))],
            &org,
            p,
            t1,
            ids(),
        );
        assert_eq!(r.counts.unchanged, 2);
        // 2027-01-01: the acceptance has run out and the finding reopens; the false positive does not.
        let t2 = t0 + 29 * 86_400;
        let r = reconcile(
            vec![fp.clone(), acc.clone()],
            vec![obs("a", "CVE-1", Some(75)), obs("b", "CVE-2", Some(50))],
            &org,
            p,
            t2,
            ids(),
        );
        assert_eq!(r.counts.acceptances_expired, 1);
        assert_eq!(r.updates.len(), 1);
        assert_eq!(r.updates[0].status, FindingStatus::New);
        assert_eq!(r.updates[0].id, acc.id);
        // An accepted risk that disappears stays decided.
        let r = reconcile(vec![fp.clone()], vec![], &org, p, t1, ids());
        assert_eq!(r.counts.gone, 1);
        assert_eq!(r.updates[0].status, FindingStatus::FalsePositive);
        assert!(!r.updates[0].present);
    }

    #[test]
    fn possible_findings_wait_outside_the_flow() {
        let org = OrgId::from("o");
        let p = Policy::default();
        let mut o = obs("a", "CVE-1", Some(98));
        o.certainty = Certainty::Possible;
        o.undecided = vec!["version".into()];
        let r = reconcile(vec![], vec![o.clone()], &org, p, LATE_EVENING, ids());
        let f = r.inserts[0].clone();
        assert!(!f.overdue(date!(2027 - 01 - 01)));
        let d = Decision::NeedsFix;
        assert!(d.after(f.status, f.certainty).is_err());
        // The version is stated and it is confirmed two days later: the clock starts then.
        let t1 = LATE_EVENING + 2 * 86_400;
        let r = reconcile(
            vec![f.clone()],
            vec![obs("a", "CVE-1", Some(98))],
            &org,
            p,
            t1,
            ids(),
        );
        assert_eq!(r.updates[0].certainty, Certainty::Confirmed);
        assert_eq!(r.updates[0].notified_at, t1);
        assert_eq!(r.updates[0].due_on, date!(2026 - 12 - 12));
        // Or it is not vulnerable: the possible finding is forgotten.
        let r = reconcile(vec![f.clone()], vec![], &org, p, t1, ids());
        assert_eq!(r.deletes, vec![f.id.clone()]);
    }

    #[test]
    fn decisions_are_checked() {
        let today = date!(2026 - 12 - 04);
        let e = Decision::parse(
            "accept",
            Some("x"),
            Some("資安長"),
            Some("2026-12-04"),
            None,
            None,
            None,
            None,
            today,
        )
        .unwrap_err();
        assert!(matches!(
            e,
            DomainError::Invalid {
                field: "accepted_until",
                ..
            }
        ));
        let e = Decision::parse(
            "accept",
            Some(" "),
            Some("資安長"),
            Some("2027-01-04"),
            None,
            None,
            None,
            None,
            today,
        )
        .unwrap_err();
        assert!(matches!(
            e,
            DomainError::Invalid {
                field: "reason",
                ..
            }
        ));
        let e =
            Decision::parse("fix", None, None, None, None, None, None, None, today).unwrap_err();
        assert!(matches!(
            e,
            DomainError::Invalid {
                field: "evidence",
                ..
            }
        ));
        let e =
            Decision::parse("nope", None, None, None, None, None, None, None, today).unwrap_err();
        assert!(matches!(
            e,
            DomainError::Invalid {
                field: "action",
                ..
            }
        ));
        let v = Decision::parse(
            "verify",
            None,
            None,
            None,
            None,
            None,
            None,
            Some("已檢查版本"),
            today,
        )
        .unwrap();
        assert!(v.after(FindingStatus::New, Certainty::Confirmed).is_err());
        assert_eq!(
            v.after(FindingStatus::Fixed, Certainty::Confirmed).unwrap(),
            FindingStatus::Verified
        );
        let fix =
            Decision::parse("fix", None, None, None, None, None, None, Some("KB"), today).unwrap();
        assert!(
            fix.after(FindingStatus::Verified, Certainty::Confirmed)
                .is_err()
        );
        assert!(
            Decision::NeedsFix
                .after(FindingStatus::Fixed, Certainty::Confirmed)
                .is_err()
        );
        assert_eq!(
            Decision::NeedsFix
                .after(FindingStatus::Accepted, Certainty::Confirmed)
                .unwrap(),
            FindingStatus::NeedsFix
        );
    }
}
