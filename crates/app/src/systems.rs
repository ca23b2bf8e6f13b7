//! Information systems, their protection grading (附表九) and control
//! baseline (附表十) with per-control implementation status.
//!
//! A grading evaluates the guided questionnaire of [`zian_rules::Questionnaire`]:
//! each dimension (C/I/A/L) gets 普/中/高, the system's level is the highest,
//! with rationale, assessor, approver, date and a re-review due one year
//! later. The baseline is cumulative (高 ⊇ 中 ⊇ 普); exemptions recorded as
//! overrides of a control id stay in the list, marked. A level change keeps
//! the previous level on the grading so the newly required controls can be
//! shown. The statement of applicability lists every control in force with
//! whether (and why not) it applies.

use std::collections::BTreeMap;

use serde::Serialize;
use time::Date;
use zian_domain::{Organisation, Permission};
use zian_rules::{AppliedOverride, Control, GradingResult, Impact, RuleOverride};
use zian_storage::{ControlStatusRow, GradingRow, SystemRow};

use crate::compliance::{parse_ymd, rule_set, to_rule_override, ymd};
use crate::{App, AppError, Principal, Result};

/// `low`/`medium`/`high` (stored) for 普/中/高.
pub fn impact_code(g: Impact) -> &'static str {
    match g {
        Impact::Low => "low",
        Impact::Medium => "medium",
        Impact::High => "high",
    }
}

/// Parses a stored or submitted grade: `low`/`medium`/`high` or 普/中/高.
pub fn parse_impact(field: &str, s: &str) -> Result<Impact> {
    match s.trim() {
        "low" | "普" => Ok(Impact::Low),
        "medium" | "中" => Ok(Impact::Medium),
        "high" | "高" => Ok(Impact::High),
        _ => Err(AppError::invalid(
            field,
            "low, medium or high (普, 中 or 高)",
        )),
    }
}

/// Implementation statuses of a control.
pub const CONTROL_STATUSES: [&str; 4] = ["implemented", "partial", "planned", "not_applicable"];

/// A new system.
#[derive(Debug, Clone, Default)]
pub struct SystemInput {
    pub name: String,
    pub owner: String,
    pub description: String,
}

/// A grading to record.
#[derive(Debug, Clone, Default)]
pub struct GradingInput {
    /// A JSON object: question id → option id (checked after the access
    /// check, like the date).
    pub answers: serde_json::Value,
    pub assessor: String,
    pub approver: String,
    /// YYYY-MM-DD; default: today.
    pub assessed_on: Option<String>,
}

/// A control's implementation status to record.
#[derive(Debug, Clone, Default)]
pub struct ControlInput {
    pub status: String,
    /// YYYY-MM-DD (parsed after the access check).
    pub planned_on: Option<String>,
    pub na_reason: Option<String>,
    pub owner: String,
    pub evidence: String,
}

/// One row of the statement of applicability.
#[derive(Debug, Clone)]
pub struct SoaRow {
    pub control: Control,
    /// Required at the system's level (before exemptions).
    pub required: bool,
    /// Applies: required and neither exempted nor marked not applicable.
    pub applicable: bool,
    pub exemption: Option<AppliedOverride>,
    pub status: Option<ControlStatusRow>,
    /// Why it does not apply, if it does not: `level` (not required at the
    /// level), the exemption reason, or the not-applicable reason.
    pub reason: Option<String>,
}

/// A system with its grading history, baseline and statement of applicability.
#[derive(Debug, Clone)]
pub struct SystemView {
    pub system: SystemRow,
    pub org: Organisation,
    pub level: Option<Impact>,
    pub gradings: Vec<GradingRow>,
    /// Baseline version in force today.
    pub baseline_version: Option<String>,
    /// Every control in force today (statement of applicability).
    pub soa: Vec<SoaRow>,
    /// Controls that became required at the last level change.
    pub newly_required: Vec<String>,
    /// Controls no longer required after the last level change.
    pub no_longer_required: Vec<String>,
    pub review_overdue: bool,
}

/// The outcome of a grading.
#[derive(Debug, Clone, Serialize)]
pub struct GradingOutcome {
    pub grading: GradingRow,
    pub result: GradingResult,
    pub newly_required: Vec<String>,
    pub no_longer_required: Vec<String>,
}

fn req(field: &str, v: &str, max: usize) -> Result<String> {
    let t = v.trim();
    if t.is_empty() {
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

fn opt(field: &str, v: &str, max: usize) -> Result<String> {
    let t = v.trim();
    if t.chars().count() > max {
        return Err(AppError::invalid(
            field,
            format!("at most {max} characters"),
        ));
    }
    Ok(t.to_string())
}

impl App {
    /// The grading questionnaire (附表九).
    pub fn questionnaire(&self) -> Result<&'static zian_rules::Questionnaire> {
        Ok(rule_set()?.questionnaire())
    }

    /// An organisation's systems; archived ones only with `include_archived`.
    pub async fn list_systems(
        &self,
        p: &Principal,
        org_id: &str,
        include_archived: bool,
    ) -> Result<(Organisation, Vec<SystemRow>)> {
        let org = self.org_with(p, org_id, Permission::RecordRead).await?;
        let v = self
            .store
            .list_systems(
                &p.scope(Permission::RecordRead),
                Some(&org.id),
                include_archived,
            )
            .await?;
        Ok((org, v))
    }

    /// Changes a system's name, owner and description.
    pub async fn update_system(
        &self,
        p: &Principal,
        id: &str,
        input: SystemInput,
    ) -> Result<SystemRow> {
        let old = self.get_system(p, id).await?;
        let org = self
            .org_with(p, &old.org_id, Permission::RecordWrite)
            .await?;
        let row = SystemRow {
            name: req("name", &input.name, 200)?,
            owner: req("owner", &input.owner, 200)?,
            description: opt("description", &input.description, 4000)?,
            updated_at: self.now(),
            ..old.clone()
        };
        let mut e = p.event("system.updated", Some(&org.id), Some(&row.id));
        e.details =
            serde_json::json!({"name": [old.name, row.name], "owner": [old.owner, row.owner]});
        self.store
            .update_system(&p.scope(Permission::RecordWrite), &row, e)
            .await?;
        Ok(row)
    }

    /// Archives a system (or, with `archived = false`, brings it back).
    /// Systems are never deleted: their gradings, control status and risks
    /// stay, and an archived system is hidden from lists unless asked for.
    pub async fn set_system_archived(
        &self,
        p: &Principal,
        id: &str,
        archived: bool,
    ) -> Result<SystemRow> {
        let old = self.get_system(p, id).await?;
        let org = self
            .org_with(p, &old.org_id, Permission::RecordWrite)
            .await?;
        let now = self.now();
        let row = SystemRow {
            archived_at: if archived {
                old.archived_at.or(Some(now))
            } else {
                None
            },
            updated_at: now,
            ..old
        };
        let action = if archived {
            "system.archived"
        } else {
            "system.restored"
        };
        let mut e = p.event(action, Some(&org.id), Some(&row.id));
        e.details = serde_json::json!({"name": row.name});
        self.store
            .update_system(&p.scope(Permission::RecordWrite), &row, e)
            .await?;
        Ok(row)
    }

    pub async fn create_system(
        &self,
        p: &Principal,
        org_id: &str,
        input: SystemInput,
    ) -> Result<SystemRow> {
        let org = self.org_with(p, org_id, Permission::RecordWrite).await?;
        let now = self.now();
        let row = SystemRow {
            id: self.ids.new_id(),
            org_id: org.id.clone(),
            name: req("name", &input.name, 200)?,
            owner: req("owner", &input.owner, 200)?,
            description: opt("description", &input.description, 4000)?,
            level: None,
            graded_on: None,
            review_due: None,
            created_at: now,
            updated_at: now,
            archived_at: None,
        };
        let mut e = p.event("system.created", Some(&org.id), Some(&row.id));
        e.details = serde_json::json!({"name": row.name});
        self.store
            .insert_system(&p.scope(Permission::RecordWrite), &row, e)
            .await?;
        Ok(row)
    }

    /// A system the caller may read (`NotFound` otherwise).
    pub async fn get_system(&self, p: &Principal, id: &str) -> Result<SystemRow> {
        self.store
            .get_system(&p.scope(Permission::RecordRead), id)
            .await?
            .ok_or(AppError::NotFound)
    }

    pub async fn system_view(&self, p: &Principal, id: &str) -> Result<SystemView> {
        let system = self.get_system(p, id).await?;
        let scope = p.scope(Permission::RecordRead);
        let org = self
            .org_with(p, &system.org_id, Permission::RecordRead)
            .await?;
        let gradings = self.store.list_gradings(&scope, &system.id).await?;
        let statuses = self.store.list_control_status(&scope, &system.id).await?;
        let overrides: Vec<RuleOverride> = self
            .store
            .list_overrides(&scope, Some(&org.id))
            .await?
            .iter()
            .map(to_rule_override)
            .collect::<Result<_>>()?;
        let rules = rule_set()?;
        let today = self.today();
        let level = system
            .level
            .as_deref()
            .map(|l| parse_impact("level", l))
            .transpose()?;
        let in_force = rules.in_force(today);
        let baseline_version = in_force.baseline_version().map(str::to_string);
        let applied = match level {
            Some(l) => rules
                .baseline_with_overrides(l, today, &overrides)
                .map_err(|e| AppError::Internal(format!("baseline: {e}")))?,
            None => Vec::new(),
        };
        let mut controls: Vec<&Control> = in_force.controls.clone();
        controls.sort_by(|a, b| a.id.cmp(&b.id));
        let mut soa = Vec::new();
        for c in controls {
            let hit = applied.iter().find(|a| a.control.id == c.id);
            let status = statuses.iter().find(|s| s.control_id == c.id).cloned();
            let exemption = hit.and_then(|a| a.overridden.clone());
            let required = hit.is_some();
            let na = status.as_ref().filter(|s| s.status == "not_applicable");
            let reason = if !required {
                Some("level".to_string())
            } else if let Some(x) = &exemption {
                Some(x.reason.clone())
            } else {
                na.and_then(|s| s.na_reason.clone())
            };
            soa.push(SoaRow {
                control: c.clone(),
                required,
                applicable: required && exemption.is_none() && na.is_none(),
                exemption,
                status: if required { status } else { None },
                reason,
            });
        }
        let (mut newly_required, mut no_longer_required) = (Vec::new(), Vec::new());
        if let (Some(g), Some(l)) = (gradings.first(), level)
            && let Some(prev) = g.previous_level.as_deref()
        {
            let prev = parse_impact("previous_level", prev)?;
            let d = rules
                .baseline_diff(prev, l, today)
                .map_err(|e| AppError::Internal(format!("baseline: {e}")))?;
            newly_required = d.newly_required.iter().map(|c| c.id.clone()).collect();
            no_longer_required = d.no_longer_required.iter().map(|c| c.id.clone()).collect();
        }
        let review_overdue = system
            .review_due
            .as_deref()
            .and_then(|d| zian_rules::dates::parse_date(d).ok())
            .is_some_and(|d| d < today);
        Ok(SystemView {
            system,
            org,
            level,
            gradings,
            baseline_version,
            soa,
            newly_required,
            no_longer_required,
            review_overdue,
        })
    }

    /// Grades a system from questionnaire answers and makes the result its
    /// current level.
    pub async fn grade_system(
        &self,
        p: &Principal,
        id: &str,
        input: GradingInput,
    ) -> Result<GradingOutcome> {
        let system = self.get_system(p, id).await?;
        let org = self
            .org_with(p, &system.org_id, Permission::RecordWrite)
            .await?;
        let rules = rule_set()?;
        let answers: BTreeMap<String, String> = serde_json::from_value(input.answers)
            .map_err(|_| AppError::invalid("answers", "an object of question id to option id"))?;
        let result = rules
            .questionnaire()
            .evaluate(&answers)
            .map_err(|e| AppError::invalid("answers", e.to_string()))?;
        let today = self.today();
        let assessed_on = opt_date("assessed_on", input.assessed_on.as_deref())?.unwrap_or(today);
        if assessed_on > today {
            return Err(AppError::invalid(
                "assessed_on",
                "must not be in the future",
            ));
        }
        let review_due = zian_rules::dates::add_months_clamped(assessed_on, 12)
            .ok_or_else(|| AppError::invalid("assessed_on", "out of range"))?;
        let grade_of = |d: zian_rules::Dimension| {
            result
                .dimensions
                .iter()
                .find(|x| x.dimension == d)
                .map_or("low", |x| impact_code(x.grade))
                .to_string()
        };
        let previous = system
            .level
            .as_deref()
            .map(|l| parse_impact("level", l))
            .transpose()?;
        let g = GradingRow {
            id: self.ids.new_id(),
            system_id: system.id.clone(),
            org_id: org.id.clone(),
            c: grade_of(zian_rules::Dimension::C),
            i: grade_of(zian_rules::Dimension::I),
            a: grade_of(zian_rules::Dimension::A),
            l: grade_of(zian_rules::Dimension::L),
            level: impact_code(result.level).to_string(),
            previous_level: previous.map(|l| impact_code(l).to_string()),
            answers: serde_json::to_string(&answers)
                .map_err(|e| AppError::Internal(e.to_string()))?,
            rationale: result.rationale_zh.clone(),
            assessor: req("assessor", &input.assessor, 200)?,
            approver: req("approver", &input.approver, 200)?,
            assessed_on: ymd(assessed_on),
            review_due: ymd(review_due),
            created_by: Some(p.user.id.clone()),
            created_at: self.now(),
        };
        let (mut newly_required, mut no_longer_required) = (Vec::new(), Vec::new());
        if let Some(prev) = previous {
            let d = rules
                .baseline_diff(prev, result.level, today)
                .map_err(|e| AppError::Internal(format!("baseline: {e}")))?;
            newly_required = d.newly_required.iter().map(|c| c.id.clone()).collect();
            no_longer_required = d.no_longer_required.iter().map(|c| c.id.clone()).collect();
        }
        let mut e = p.event("system.graded", Some(&org.id), Some(&system.id));
        e.details = serde_json::json!({"level": g.level, "previous_level": g.previous_level, "assessor": g.assessor, "approver": g.approver, "assessed_on": g.assessed_on});
        self.store
            .insert_grading(&p.scope(Permission::RecordWrite), &g, e)
            .await?;
        Ok(GradingOutcome {
            grading: g,
            result,
            newly_required,
            no_longer_required,
        })
    }

    /// Records the implementation status of a control of the system's baseline.
    pub async fn set_control_status(
        &self,
        p: &Principal,
        system_id: &str,
        control_id: &str,
        input: ControlInput,
    ) -> Result<ControlStatusRow> {
        let system = self.get_system(p, system_id).await?;
        let org = self
            .org_with(p, &system.org_id, Permission::RecordWrite)
            .await?;
        let level = system
            .level
            .as_deref()
            .map(|l| parse_impact("level", l))
            .transpose()?
            .ok_or_else(|| AppError::invalid("system", "grade the system first"))?;
        let rules = rule_set()?;
        let baseline = rules
            .baseline(level, self.today())
            .map_err(|e| AppError::Internal(format!("baseline: {e}")))?;
        if !baseline.iter().any(|c| c.id == control_id) {
            return Err(AppError::invalid(
                "control_id",
                "not in the system's baseline",
            ));
        }
        if !CONTROL_STATUSES.contains(&input.status.as_str()) {
            return Err(AppError::invalid(
                "status",
                "implemented, partial, planned or not_applicable",
            ));
        }
        let planned = opt_date("planned_on", input.planned_on.as_deref())?;
        let planned_on = match (input.status.as_str(), planned) {
            ("planned", None) => {
                return Err(AppError::invalid(
                    "planned_on",
                    "required for a planned control",
                ));
            }
            ("planned", Some(d)) => Some(ymd(d)),
            _ => None,
        };
        let na_reason = if input.status == "not_applicable" {
            Some(req(
                "na_reason",
                input.na_reason.as_deref().unwrap_or(""),
                2000,
            )?)
        } else {
            None
        };
        let row = ControlStatusRow {
            system_id: system.id.clone(),
            org_id: org.id.clone(),
            control_id: control_id.to_string(),
            status: input.status.clone(),
            planned_on,
            na_reason,
            owner: req("owner", &input.owner, 200)?,
            evidence: opt("evidence", &input.evidence, 4000)?,
            updated_by: Some(p.user.id.clone()),
            updated_at: self.now(),
        };
        let mut e = p.event("system.control_status", Some(&org.id), Some(&system.id));
        e.details = serde_json::json!({"control_id": row.control_id, "status": row.status});
        self.store
            .upsert_control_status(
                &p.scope(Permission::RecordWrite),
                &self.ids.new_id(),
                &row,
                e,
            )
            .await?;
        Ok(row)
    }
}

/// Parses an optional date field.
pub fn opt_date(field: &str, s: Option<&str>) -> Result<Option<Date>> {
    match s.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(v) => parse_ymd(field, v).map(Some),
    }
}
