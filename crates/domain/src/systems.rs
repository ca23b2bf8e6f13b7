//! Information systems (資通系統), their protection grading (附表九) and the
//! implementation status of the controls of their baseline (附表十).

use std::collections::BTreeMap;
use zian_i18n::msg;

use serde::Serialize;
use time::Date;
use zian_rules::Impact;

use crate::text::{Memo, Text};
use crate::{DomainError, OrgId, SystemId, UserId};

/// An information system of an organisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InfoSystem {
    pub id: SystemId,
    pub org_id: OrgId,
    pub name: Text<200>,
    pub owner: Text<200>,
    pub description: Memo<4000>,
    /// The level of the latest grading.
    pub level: Option<Impact>,
    #[serde(with = "crate::day::serde_opt_ymd")]
    pub graded_on: Option<Date>,
    #[serde(with = "crate::day::serde_opt_ymd")]
    pub review_due: Option<Date>,
    pub created_at: i64,
    pub updated_at: i64,
    /// When the system was archived (hidden from lists by default; systems
    /// are never deleted).
    pub archived_at: Option<i64>,
}

/// One grading of a system.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Grading {
    pub id: String,
    pub system_id: SystemId,
    pub org_id: OrgId,
    pub c: Impact,
    pub i: Impact,
    pub a: Impact,
    pub l: Impact,
    pub level: Impact,
    pub previous_level: Option<Impact>,
    /// Question id → option id.
    pub answers: BTreeMap<String, String>,
    pub rationale: String,
    pub assessor: Text<200>,
    pub approver: Text<200>,
    #[serde(with = "crate::day::serde_ymd")]
    pub assessed_on: Date,
    #[serde(with = "crate::day::serde_ymd")]
    pub review_due: Date,
    pub created_by: Option<UserId>,
    pub created_at: i64,
}

/// Implementation status of a baseline control.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ControlStatus {
    Implemented,
    Partial,
    Planned,
    NotApplicable,
}

impl ControlStatus {
    pub const ALL: [ControlStatus; 4] = [
        ControlStatus::Implemented,
        ControlStatus::Partial,
        ControlStatus::Planned,
        ControlStatus::NotApplicable,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            ControlStatus::Implemented => "implemented",
            ControlStatus::Partial => "partial",
            ControlStatus::Planned => "planned",
            ControlStatus::NotApplicable => "not_applicable",
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
                    values = "implemented, partial, planned, not_applicable"
                ),
            })
    }
}

/// The implementation of one control of one system.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ControlState {
    pub system_id: SystemId,
    pub org_id: OrgId,
    pub control_id: String,
    pub status: ControlStatus,
    #[serde(with = "crate::day::serde_opt_ymd")]
    pub planned_on: Option<Date>,
    pub na_reason: Option<Text<2000>>,
    pub owner: Text<200>,
    pub evidence: Memo<4000>,
    pub updated_by: Option<UserId>,
    pub updated_at: i64,
}

/// Parses a grade: `low`/`medium`/`high` or 普/中/高.
pub fn parse_impact(field: &'static str, s: &str) -> Result<Impact, DomainError> {
    Impact::from_code(s).ok_or_else(|| DomainError::Invalid {
        field,
        reason: msg!("reason.one_of", values = "low, medium, high (普、中、高)"),
    })
}

impl std::fmt::Display for ControlStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
