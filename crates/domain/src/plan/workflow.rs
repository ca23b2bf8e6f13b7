//! The life of a plan version: a draft is edited by the security staff,
//! submitted (and thereby frozen), then approved by the CISO (資通安全長
//! 核定, seed 003 肆.三) or returned to draft with a reason. Approving a
//! version supersedes the previously approved one. A new version (修訂) starts
//! as a copy of the latest version and must wait until no other draft or
//! submitted version of the organisation is open.

use serde::Serialize;
use zian_i18n::Msg;

use crate::DomainError;

/// Status of one version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PlanStatus {
    Draft,
    Submitted,
    Approved,
    Superseded,
}

/// What can be done to a version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlanAction {
    Edit,
    Submit,
    Approve,
    Return,
}

impl PlanAction {
    pub fn as_str(self) -> &'static str {
        match self {
            PlanAction::Edit => "edit",
            PlanAction::Submit => "submit",
            PlanAction::Approve => "approve",
            PlanAction::Return => "return",
        }
    }
}

impl PlanStatus {
    pub const ALL: [PlanStatus; 4] = [
        PlanStatus::Draft,
        PlanStatus::Submitted,
        PlanStatus::Approved,
        PlanStatus::Superseded,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            PlanStatus::Draft => "draft",
            PlanStatus::Submitted => "submitted",
            PlanStatus::Approved => "approved",
            PlanStatus::Superseded => "superseded",
        }
    }
    pub fn parse(s: &str) -> Result<PlanStatus, DomainError> {
        crate::error::parse_named(&Self::ALL, Self::as_str, "status", s)
    }
    /// Whether the version still blocks starting a new one.
    pub fn is_open(self) -> bool {
        matches!(self, PlanStatus::Draft | PlanStatus::Submitted)
    }
    /// The status after `action`, or why the action is not allowed now.
    pub fn after(self, action: PlanAction) -> Result<PlanStatus, DomainError> {
        use PlanAction as A;
        use PlanStatus as S;
        match (self, action) {
            (S::Draft, A::Edit) => Ok(S::Draft),
            (S::Draft, A::Submit) => Ok(S::Submitted),
            (S::Submitted, A::Approve) => Ok(S::Approved),
            (S::Submitted, A::Return) => Ok(S::Draft),
            (s, a) => Err(DomainError::Invalid {
                field: "status",
                reason: Msg::new(format!("reason.plans.cannot_{}", a.as_str()))
                    .arg_msg("status", Msg::new(format!("plan.status.{}", s.as_str()))),
            }),
        }
    }
}

impl std::fmt::Display for PlanStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_documented_transitions_exist() {
        use PlanAction as A;
        use PlanStatus as S;
        let allowed = [
            (S::Draft, A::Edit, S::Draft),
            (S::Draft, A::Submit, S::Submitted),
            (S::Submitted, A::Approve, S::Approved),
            (S::Submitted, A::Return, S::Draft),
        ];
        for s in S::ALL {
            for a in [A::Edit, A::Submit, A::Approve, A::Return] {
                let expect = allowed
                    .iter()
                    .find(|(x, y, _)| *x == s && *y == a)
                    .map(|t| t.2);
                assert_eq!(s.after(a).ok(), expect, "{s:?} {a:?}");
            }
            assert_eq!(PlanStatus::parse(s.as_str()).unwrap(), s);
        }
        assert!(S::Draft.is_open() && S::Submitted.is_open());
        assert!(!S::Approved.is_open() && !S::Superseded.is_open());
    }
}
