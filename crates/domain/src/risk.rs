//! The risk register (NICS 資通系統風險評鑑參考指引, seed 003 捌): a risk is
//! rated on asset value × threat likelihood × vulnerability on its
//! organisation's scale, compared with an acceptance threshold, treated
//! (accept / mitigate / transfer / avoid) by an owner before a due date, and
//! re-rated after treatment (the residual risk). The scale belongs to an
//! organisation and is inherited by its subtree.

use std::collections::BTreeMap;
use zian_i18n::msg;

use serde::{Deserialize, Serialize};
use time::Date;

use crate::text::{Memo, Text};
use crate::{DomainError, OrgId, RiskId, SystemId, UserId};

/// How a risk is treated (風險處理).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Treatment {
    Accept,
    Mitigate,
    Transfer,
    Avoid,
}

impl Treatment {
    pub const ALL: [Treatment; 4] = [
        Treatment::Accept,
        Treatment::Mitigate,
        Treatment::Transfer,
        Treatment::Avoid,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Treatment::Accept => "accept",
            Treatment::Mitigate => "mitigate",
            Treatment::Transfer => "transfer",
            Treatment::Avoid => "avoid",
        }
    }
    pub fn parse(s: &str) -> Result<Self, DomainError> {
        Self::ALL
            .into_iter()
            .find(|x| x.as_str() == s.trim())
            .ok_or_else(|| DomainError::Invalid {
                field: "treatment",
                reason: msg!(
                    "reason.one_of",
                    values = "accept, mitigate, transfer, avoid"
                ),
            })
    }
}

/// Where a risk stands in the register.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RiskStatus {
    Open,
    Treating,
    Closed,
}

impl RiskStatus {
    pub const ALL: [RiskStatus; 3] = [RiskStatus::Open, RiskStatus::Treating, RiskStatus::Closed];
    pub fn as_str(self) -> &'static str {
        match self {
            RiskStatus::Open => "open",
            RiskStatus::Treating => "treating",
            RiskStatus::Closed => "closed",
        }
    }
    pub fn parse(s: &str) -> Result<Self, DomainError> {
        Self::ALL
            .into_iter()
            .find(|x| x.as_str() == s.trim())
            .ok_or_else(|| DomainError::Invalid {
                field: "status",
                reason: msg!("reason.one_of", values = "open, treating, closed"),
            })
    }
}

/// One risk of the register. The values are computed from the ratings on
/// the organisation's scale when the risk is recorded or edited, and stored
/// so that the register can be filtered and sorted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Risk {
    pub id: RiskId,
    pub org_id: OrgId,
    /// The human-readable number, `R-2026-001`: per organisation and year of
    /// creation, assigned by the store when the risk is recorded (empty
    /// before).
    pub number: String,
    pub system_id: Option<SystemId>,
    pub asset: Text<200>,
    pub threat: Text<500>,
    pub weakness: Text<500>,
    pub asset_value: u32,
    pub likelihood: u32,
    pub vulnerability: u32,
    pub risk_value: u32,
    pub threshold: u32,
    pub treatment: Treatment,
    /// The treatment measures (處理措施), free text.
    pub measures: Memo<2000>,
    pub owner: Text<200>,
    #[serde(with = "crate::day::serde_opt_ymd")]
    pub due_on: Option<Date>,
    pub residual_likelihood: Option<u32>,
    pub residual_vulnerability: Option<u32>,
    pub residual_value: Option<u32>,
    pub status: RiskStatus,
    pub created_by: Option<UserId>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// A risk's number: `R-<year>-<sequence, at least three digits>`.
pub fn risk_number(year: i32, seq: i64) -> String {
    format!("R-{year}-{seq:03}")
}

impl Risk {
    pub fn above_threshold(&self) -> bool {
        self.risk_value > self.threshold
    }
}

/// Filters of the register (all optional).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RiskFilter {
    pub system_id: Option<SystemId>,
    pub treatment: Option<Treatment>,
    pub status: Option<RiskStatus>,
    /// Only risks above their acceptance threshold.
    pub above_threshold: bool,
    pub min_value: Option<u32>,
}

/// The factors, in rating order.
pub const FACTORS: [&str; 3] = ["asset_value", "likelihood", "vulnerability"];

/// Labels of one factor's ratings, lowest first (empty: none).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FactorLabels {
    #[serde(default)]
    pub zh: Vec<String>,
    #[serde(default)]
    pub en: Vec<String>,
}

/// An organisation's own risk scale as stored (its subtree inherits it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RiskScale {
    pub org_id: OrgId,
    /// Path of `org_id` (filled on read; ignored on write).
    pub org_path: String,
    pub asset_value_max: u32,
    pub likelihood_max: u32,
    pub vulnerability_max: u32,
    pub threshold: u32,
    /// Factor key → labels given for it.
    pub labels: BTreeMap<String, FactorLabels>,
    pub updated_by: Option<UserId>,
    pub updated_at: i64,
}

/// The number of risks in one cell of the heat map.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct CellCount {
    pub asset_value: u32,
    pub likelihood: u32,
    pub vulnerability: u32,
    pub count: u64,
}

/// The register of an organisation in figures.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RiskCounts {
    pub total: u64,
    pub above_threshold: u64,
    /// Not closed.
    pub open: u64,
    /// Not closed and past the treatment's due date.
    pub overdue_treatments: u64,
    /// Count per treatment (`accept`, `mitigate`, `transfer`, `avoid`).
    pub by_treatment: BTreeMap<String, u64>,
    /// Rated above the scale given (an organisation moved under a smaller
    /// scale, a restored backup): shown as recorded, never rescored.
    pub beyond_scale: u64,
}

impl std::fmt::Display for Treatment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::fmt::Display for RiskStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
