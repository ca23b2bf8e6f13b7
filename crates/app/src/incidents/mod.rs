//! Incidents (資通安全事件通報應變): the assessment an officer makes in the
//! first hour — the level from what was affected and how (art. 2), and the
//! legal clocks from the times known so far — computed by the rule data of
//! `zian_rules::incident` for the version in force on the day of awareness
//! ([`App::assess_incident`], nothing stored); and the incident record
//! (`record.rs`): facts, level with an override, the art. 3 report fields,
//! the clocks' anchors, the timeline, closure, the supervisors' masked
//! view, the figures, and the `incidents.clocks` job that escalates before
//! and at each deadline.

mod record;

pub use record::{
    ActionInput, CheckInput, ClockView, FindingsInput, IncidentInput, IncidentList, IncidentRow,
    IncidentView, NoteInput, StepView, incident_filter, playbooks,
};
pub(crate) use record::{ClocksJob, KIND_CLOCKS};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use time::format_description::well_known::Rfc3339;
use time::{OffsetDateTime, PrimitiveDateTime};
use zian_domain::Principal;
use zian_i18n::msg;
use zian_rules::incident::{AssetClass, Availability, Facts, IncidentRules, Severity, TAIPEI};

use crate::{App, AppError, Result};

/// What is known of an incident: the affected asset class, the impacts and
/// the times (RFC 3339, or `YYYY-MM-DDTHH:MM` in Asia/Taipei as a form's
/// `datetime-local` gives).
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "IncidentAssessIn")]
pub struct AssessInput {
    /// When the agency became aware (知悉).
    pub aware_at: String,
    /// `non_core`, `core`, `core_ci`, `official_secret`, `sensitive`, `state_secret`.
    pub asset: String,
    /// `none`, `minor`, `serious`.
    pub confidentiality: String,
    /// `none`, `minor`, `serious`.
    pub integrity: String,
    /// `none`, `within_mtd` (restored within the tolerable interruption time), `beyond_mtd`.
    pub availability: String,
    /// When the incident was notified (empty: not yet).
    #[serde(default)]
    pub notified_at: Option<String>,
    /// When damage control or recovery was completed (empty: not yet).
    #[serde(default)]
    pub recovered_at: Option<String>,
}

/// The level and the deadlines, with the rule version that gave them.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[schemars(rename = "IncidentAssessmentOut")]
pub struct Assessment {
    /// 1–4; none when no cell of art. 2 is met.
    pub level: Option<u8>,
    /// Levels 3 and 4 are major incidents (重大資通安全事件).
    pub major: bool,
    /// Unix seconds: notify by, the authority's review by, recover by, report by.
    pub notify_by: i64,
    pub review_by: Option<i64>,
    pub recover_by: Option<i64>,
    pub report_by: Option<i64>,
    /// The regulation and its version.
    pub regulation: String,
    pub rules_version: String,
    pub source: String,
    pub confidence: String,
    /// Whether the office calendar of the report's year is known (else
    /// weekends alone were counted).
    pub calendar_known: bool,
}

/// Parses a time as RFC 3339, or as `YYYY-MM-DDTHH:MM[:SS]` in Taipei.
pub(crate) fn moment(field: &str, s: &str) -> Result<OffsetDateTime> {
    let s = s.trim();
    if let Ok(t) = OffsetDateTime::parse(s, &Rfc3339) {
        return Ok(t);
    }
    let fmt = time::macros::format_description!(
        version = 2,
        "[year]-[month]-[day]T[hour]:[minute][optional [:[second]]]"
    );
    PrimitiveDateTime::parse(s, &fmt)
        .map(|t| t.assume_offset(TAIPEI))
        .map_err(|_| AppError::invalid(field, msg!("reason.incidents.time")))
}

pub(crate) fn optional(field: &str, s: &Option<String>) -> Result<Option<OffsetDateTime>> {
    match s.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => moment(field, v).map(Some),
    }
}

impl App {
    /// The level and the clocks of an incident as assessed now (any
    /// signed-in person may compute them; nothing is recorded).
    pub fn assess_incident(&self, _p: &Principal, input: &AssessInput) -> Result<Assessment> {
        let one_of = |field: &str, values: &str| {
            AppError::invalid(field, msg!("reason.one_of", values = values))
        };
        let facts = Facts {
            asset: AssetClass::parse(input.asset.trim()).ok_or_else(|| {
                one_of(
                    "asset",
                    "non_core, core, core_ci, official_secret, sensitive, state_secret",
                )
            })?,
            confidentiality: Severity::parse(input.confidentiality.trim())
                .ok_or_else(|| one_of("confidentiality", "none, minor, serious"))?,
            integrity: Severity::parse(input.integrity.trim())
                .ok_or_else(|| one_of("integrity", "none, minor, serious"))?,
            availability: Availability::parse(input.availability.trim())
                .ok_or_else(|| one_of("availability", "none, within_mtd, beyond_mtd"))?,
        };
        let aware = moment("aware_at", &input.aware_at)?;
        let notified = optional("notified_at", &input.notified_at)?;
        let recovered = optional("recovered_at", &input.recovered_at)?;
        for (field, t) in [("notified_at", notified), ("recovered_at", recovered)] {
            if t.is_some_and(|t| t < aware) {
                return Err(AppError::invalid(
                    field,
                    msg!("reason.incidents.before_aware"),
                ));
            }
        }
        if aware.unix_timestamp() > self.now() + 3600 {
            return Err(AppError::invalid(
                "aware_at",
                msg!("reason.incidents.future"),
            ));
        }
        let rules = IncidentRules::shipped().map_err(|e| AppError::Internal(e.to_string()))?;
        let on = aware.to_offset(TAIPEI).date();
        let v = rules
            .version_on(on)
            .ok_or_else(|| AppError::invalid("aware_at", msg!("reason.incidents.no_rules")))?;
        let level = v.level(&facts);
        let c = v.clocks(level, aware, notified, recovered, &rules.calendar);
        Ok(Assessment {
            level,
            major: level.is_some_and(|l| l >= 3),
            notify_by: c.notify_by.unix_timestamp(),
            review_by: c.review_by.map(OffsetDateTime::unix_timestamp),
            recover_by: c.recover_by.map(OffsetDateTime::unix_timestamp),
            report_by: c.report_by.map(OffsetDateTime::unix_timestamp),
            regulation: v.regulation.clone(),
            rules_version: v.id.clone(),
            source: v.source.clone(),
            confidence: v.confidence.as_str().to_string(),
            calendar_known: c
                .report_by
                .is_none_or(|r| rules.calendar.knows(r.to_offset(TAIPEI).year())),
        })
    }
}
