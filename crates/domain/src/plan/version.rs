//! A stored version of an organisation's plan, the status change of a
//! version, and KPI measurements that the plan's objectives are measured by.

use serde::Serialize;
use serde_json::Value;
use time::Date;

use super::PlanStatus;
use crate::{OrgId, PlanId, UserId};

/// One version of an organisation's plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanVersion {
    pub id: PlanId,
    pub org_id: OrgId,
    /// Numbered from 1 per organisation (assigned by storage).
    pub version: i64,
    pub status: PlanStatus,
    /// The content, normalised against the schema when written.
    pub content: Value,
    /// Live summaries frozen at submission.
    pub live_snapshot: Option<Value>,
    pub change_note: String,
    pub based_on: Option<PlanId>,
    pub created_by: Option<UserId>,
    pub created_at: i64,
    pub updated_by: Option<UserId>,
    pub updated_at: i64,
    pub submitted_by: Option<UserId>,
    pub submitted_at: Option<i64>,
    pub decided_by: Option<UserId>,
    pub decided_at: Option<i64>,
    #[serde(with = "crate::day::serde_opt_ymd")]
    pub approved_on: Option<Date>,
    pub approver_name: Option<String>,
    pub return_reason: Option<String>,
    #[serde(with = "crate::day::serde_opt_ymd")]
    pub review_due: Option<Date>,
}

/// A status change of a version, conditional on the status the caller saw.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanTransition {
    pub from: PlanStatus,
    pub to: PlanStatus,
    pub by: Option<UserId>,
    pub at: i64,
    /// Set on submission.
    pub live_snapshot: Option<Value>,
    /// Set on approval.
    pub approved_on: Option<Date>,
    pub approver_name: Option<String>,
    pub review_due: Option<Date>,
    /// Set when returned to draft.
    pub return_reason: Option<String>,
}

impl PlanTransition {
    pub fn new(from: PlanStatus, to: PlanStatus, by: &UserId, at: i64) -> Self {
        PlanTransition {
            from,
            to,
            by: Some(by.clone()),
            at,
            live_snapshot: None,
            approved_on: None,
            approver_name: None,
            review_due: None,
            return_reason: None,
        }
    }
}

/// One measurement of a KPI.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KpiMeasurement {
    pub id: String,
    pub org_id: OrgId,
    pub kpi: String,
    /// The last day of the period measured.
    #[serde(with = "crate::day::serde_ymd")]
    pub period_end: Date,
    /// The value × 1000.
    pub value_milli: i64,
    /// `manual` or the module that measured it.
    pub source: String,
    pub note: String,
    pub recorded_by: Option<UserId>,
    pub recorded_at: i64,
}

impl KpiMeasurement {
    pub fn value(&self) -> f64 {
        self.value_milli as f64 / 1000.0
    }
}
