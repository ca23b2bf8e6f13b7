//! Compliance records: the completion of an obligation for one of its due
//! dates (with its evidence), and the overrides of the shipped rules (exempt
//! or replace) an organisation requests and the organisation above it
//! decides, which once approved apply to the requesting organisation's
//! subtree.

use serde::Serialize;
use time::Date;
pub use zian_rules::{OverrideKind, OverrideScope, RuleOverride};

use zian_i18n::Msg;

use crate::text::Text;
use crate::{DomainError, OrgId, Organisation, User, UserId};

/// Id prefix of completions derived from other modules' records (never
/// stored: computed each time from the proving records).
pub const AUTO_PREFIX: &str = "auto:";

/// One completion of an obligation for one due date, with its evidence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Completion {
    pub id: String,
    pub org_id: OrgId,
    pub rule_id: String,
    /// The due date this completion satisfies.
    #[serde(with = "crate::day::serde_ymd")]
    pub due_date: Date,
    #[serde(with = "crate::day::serde_ymd")]
    pub completed_on: Date,
    pub note: Text<2000>,
    /// A local path (`/…`) or an http(s) URL.
    pub evidence_link: Option<String>,
    /// SHA-256 of the evidence, lowercase hex.
    pub evidence_sha256: Option<String>,
    pub recorded_by: Option<UserId>,
    pub recorded_at: i64,
    /// What proves a derived completion (`None` for recorded ones, whose
    /// note is what a person wrote).
    #[serde(skip)]
    pub auto_note: Option<Msg>,
}

impl Completion {
    /// Whether it was derived from another module's records.
    pub fn is_automatic(&self) -> bool {
        self.id.starts_with(AUTO_PREFIX)
    }
}

/// Where an override stands. An organisation requests it (`pending`); a
/// user holding [`crate::Permission::OverrideApprove`] strictly above the
/// organisation approves or rejects it, or the organisation withdraws it
/// before then; an approved one may be revoked from above. Only an
/// `approved` override changes the calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OverrideStatus {
    Pending,
    Approved,
    Rejected,
    Withdrawn,
    Revoked,
}

/// What can be done to an override.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OverrideAction {
    Approve,
    Reject,
    Withdraw,
    Revoke,
}

impl OverrideAction {
    pub const ALL: [OverrideAction; 4] = [
        OverrideAction::Approve,
        OverrideAction::Reject,
        OverrideAction::Withdraw,
        OverrideAction::Revoke,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            OverrideAction::Approve => "approve",
            OverrideAction::Reject => "reject",
            OverrideAction::Withdraw => "withdraw",
            OverrideAction::Revoke => "revoke",
        }
    }
    /// Whether the organisation above decides it (else the requesting
    /// organisation does: a withdrawal).
    pub fn is_supervisory(self) -> bool {
        !matches!(self, OverrideAction::Withdraw)
    }
    /// Whether a reason must be given.
    pub fn needs_reason(self) -> bool {
        matches!(self, OverrideAction::Reject | OverrideAction::Revoke)
    }
}

impl OverrideStatus {
    pub const ALL: [OverrideStatus; 5] = [
        OverrideStatus::Pending,
        OverrideStatus::Approved,
        OverrideStatus::Rejected,
        OverrideStatus::Withdrawn,
        OverrideStatus::Revoked,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            OverrideStatus::Pending => "pending",
            OverrideStatus::Approved => "approved",
            OverrideStatus::Rejected => "rejected",
            OverrideStatus::Withdrawn => "withdrawn",
            OverrideStatus::Revoked => "revoked",
        }
    }
    pub fn parse(s: &str) -> Result<OverrideStatus, DomainError> {
        crate::error::parse_named(&Self::ALL, Self::as_str, "status", s)
    }
    /// Whether it blocks another request for the same rule and period.
    pub fn is_active(self) -> bool {
        matches!(self, OverrideStatus::Pending | OverrideStatus::Approved)
    }
    /// The status after `action`, or the conflict code when the action does
    /// not apply now (decided already, withdrawn, not approved…).
    pub fn after(self, action: OverrideAction) -> Result<OverrideStatus, &'static str> {
        use OverrideAction as A;
        use OverrideStatus as S;
        match (self, action) {
            (S::Pending, A::Approve) => Ok(S::Approved),
            (S::Pending, A::Reject) => Ok(S::Rejected),
            (S::Pending, A::Withdraw) => Ok(S::Withdrawn),
            (S::Approved, A::Revoke) => Ok(S::Revoked),
            (_, A::Revoke) => Err("override_not_approved"),
            _ => Err("override_not_pending"),
        }
    }
}

/// A stored override of a shipped rule or control, with its request and
/// decision. It applies to the subtree of the organisation it was requested
/// for, once approved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Override {
    pub id: String,
    pub org_id: OrgId,
    /// Path of `org_id` (filled on read; ignored on insert).
    pub org_path: String,
    /// Names of the organisation (filled on read; ignored on insert).
    pub org_name_zh: String,
    pub org_name_en: String,
    /// Rule id (e.g. `T3.penetration-test`) or control id (e.g. `AC-07`).
    pub rule_id: String,
    /// Exempt (免辦) or replace some values (e.g. the frequency).
    pub kind: OverrideKind,
    /// Why it is asked for (shown wherever the obligation is shown).
    pub reason: String,
    pub effective_from: Date,
    /// First day it no longer applies (exclusive); `None` = open-ended.
    pub effective_to: Option<Date>,
    pub status: OverrideStatus,
    pub requested_by: Option<UserId>,
    /// The requester's display name (filled on read).
    pub requested_by_name: Option<String>,
    pub requested_at: i64,
    /// Who approved, rejected or withdrew it.
    pub decided_by: Option<UserId>,
    /// Their display name (filled on read).
    pub decided_by_name: Option<String>,
    pub decided_at: Option<i64>,
    /// The day of the decision (Asia/Taipei): an approval's date.
    pub decided_on: Option<Date>,
    pub decision_reason: Option<String>,
    pub revoked_by: Option<UserId>,
    pub revoked_by_name: Option<String>,
    pub revoked_at: Option<i64>,
    pub revoke_reason: Option<String>,
    /// The approver typed as text before approvals were made by users
    /// (overrides older than migration 0008, which became pending).
    pub claimed_approver: Option<String>,
    pub claimed_approved_on: Option<Date>,
}

impl Override {
    /// A new request (`pending`) by `by` for `org`.
    #[allow(clippy::too_many_arguments)]
    pub fn request(
        id: String,
        org: &Organisation,
        rule_id: String,
        kind: OverrideKind,
        reason: String,
        effective: (Date, Option<Date>),
        by: &User,
        at: i64,
    ) -> Override {
        Override {
            id,
            org_id: org.id.clone(),
            org_path: org.path.clone(),
            org_name_zh: org.name_zh.clone(),
            org_name_en: org.name_en.clone(),
            rule_id,
            kind,
            reason,
            effective_from: effective.0,
            effective_to: effective.1,
            status: OverrideStatus::Pending,
            requested_by: Some(by.id.clone()),
            requested_by_name: Some(by.display_name.clone()),
            requested_at: at,
            decided_by: None,
            decided_by_name: None,
            decided_at: None,
            decided_on: None,
            decision_reason: None,
            revoked_by: None,
            revoked_by_name: None,
            revoked_at: None,
            revoke_reason: None,
            claimed_approver: None,
            claimed_approved_on: None,
        }
    }

    /// Whether it applies to the organisation at `path` (if approved).
    pub fn applies_to(&self, path: &str) -> bool {
        path.starts_with(self.org_path.as_str())
    }

    pub fn is_exemption(&self) -> bool {
        matches!(self.kind, OverrideKind::Exempt)
    }

    /// `exempt` or `replace`.
    pub fn kind_str(&self) -> &'static str {
        match self.kind {
            OverrideKind::Exempt => "exempt",
            OverrideKind::Replace { .. } => "replace",
        }
    }

    /// What the rule engine applies, whatever the status (to validate a
    /// request); the approver is the deciding user's name.
    pub fn as_rule(&self) -> RuleOverride {
        RuleOverride {
            rule_id: self.rule_id.clone(),
            kind: self.kind.clone(),
            reason: self.reason.clone(),
            approver: self
                .decided_by_name
                .clone()
                .or_else(|| self.decided_by.as_ref().map(|u| u.to_string()))
                .unwrap_or_else(|| "-".to_string()),
            approved_on: self.decided_on.unwrap_or(self.effective_from),
            effective_from: self.effective_from,
            effective_to: self.effective_to,
            scope: OverrideScope::default(),
        }
    }

    /// What the rule engine applies: only an approved override has effect.
    pub fn in_effect(&self) -> Option<RuleOverride> {
        (self.status == OverrideStatus::Approved).then(|| self.as_rule())
    }

    /// Whether its period overlaps `other`'s.
    pub fn overlaps(&self, other: &Override) -> bool {
        self.effective_to.is_none_or(|t| t > other.effective_from)
            && other.effective_to.is_none_or(|t| t > self.effective_from)
    }
}

/// The filters of the list of overrides.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OverrideFilter {
    pub status: Option<OverrideStatus>,
    /// Requested for this organisation.
    pub org: Option<OrgId>,
}

/// A change of an override's status, as storage records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OverrideTransition {
    pub action: OverrideAction,
    pub from: OverrideStatus,
    pub to: OverrideStatus,
    pub by: UserId,
    pub at: i64,
    pub on: Date,
    pub reason: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_pending_overrides_are_decided_and_only_approved_ones_revoked() {
        use OverrideAction as A;
        use OverrideStatus as S;
        assert_eq!(S::Pending.after(A::Approve), Ok(S::Approved));
        assert_eq!(S::Pending.after(A::Reject), Ok(S::Rejected));
        assert_eq!(S::Pending.after(A::Withdraw), Ok(S::Withdrawn));
        assert_eq!(S::Approved.after(A::Revoke), Ok(S::Revoked));
        for s in [S::Approved, S::Rejected, S::Withdrawn, S::Revoked] {
            for a in [A::Approve, A::Reject, A::Withdraw] {
                assert_eq!(s.after(a), Err("override_not_pending"), "{s:?} {a:?}");
            }
        }
        for s in [S::Pending, S::Rejected, S::Withdrawn, S::Revoked] {
            assert_eq!(s.after(A::Revoke), Err("override_not_approved"), "{s:?}");
        }
        for s in S::ALL {
            assert_eq!(S::parse(s.as_str()).unwrap(), s);
        }
        assert!(S::parse("done").is_err());
    }
}
