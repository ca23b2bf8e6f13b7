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
use zian_i18n::msg;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use zian_domain::day::{add_years, parse_opt};
use zian_domain::systems::{ControlState, ControlStatus, Grading, InfoSystem};
use zian_domain::{
    Impact, ListQuery, Memo, OrgId, Organisation, Page, Permission, Principal, SystemId, Text,
};
use zian_rules::{AppliedOverride, Control, Dimension, GradingResult, RuleOverride};

use crate::compliance::rule_set;
use crate::{App, AppError, Result};

// A system to register, or a system's new name, owner and description.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "SystemIn")]
pub struct SystemInput {
    pub name: String,
    pub owner: String,
    pub description: Option<String>,
}

// A grading to record.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "GradingIn")]
pub struct GradingInput {
    /// An object: question id → option id (see `GET /api/v1/grading/questionnaire`).
    pub answers: serde_json::Value,
    pub assessor: String,
    pub approver: String,
    /// Default: today.
    pub assessed_on: Option<String>,
}

// A control's implementation status to record. Dates and the status are
// checked after the access check, so outsiders learn nothing from errors.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "ControlIn")]
pub struct ControlInput {
    /// `implemented`, `partial`, `planned` (with `planned_on`) or `not_applicable` (with `na_reason`).
    pub status: String,
    pub planned_on: Option<String>,
    pub na_reason: Option<String>,
    pub owner: String,
    pub evidence: Option<String>,
}

/// The same status for many baseline controls of one system at once.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "BulkControlIn")]
pub struct BulkControlInput {
    /// The baseline controls to set (at least one).
    pub control_ids: Vec<String>,
    /// `implemented`, `partial`, `planned` (with `planned_on`) or `not_applicable` (with `na_reason`).
    pub status: String,
    pub planned_on: Option<String>,
    pub na_reason: Option<String>,
    /// Empty: each control keeps its owner (required for a control without one).
    pub owner: Option<String>,
    /// The note (evidence description); empty: each control keeps its own.
    pub evidence: Option<String>,
}

/// What a bulk update did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
pub struct BulkOutcome {
    /// Controls whose status was written (one audit entry each).
    pub updated: usize,
    /// Controls that already had exactly these values (nothing written).
    pub unchanged: usize,
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
    pub status: Option<ControlState>,
    /// Why it does not apply, if it does not: `level` (not required at the
    /// level), the exemption reason, or the not-applicable reason.
    pub reason: Option<String>,
}

/// A system with its grading history, baseline and statement of applicability.
#[derive(Debug, Clone)]
pub struct SystemView {
    pub system: InfoSystem,
    pub org: Organisation,
    pub gradings: Vec<Grading>,
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
    pub grading: Grading,
    pub result: GradingResult,
    pub newly_required: Vec<String>,
    pub no_longer_required: Vec<String>,
}

/// The controls that a level change adds and removes.
fn level_change(prev: Impact, now: Impact, on: time::Date) -> Result<(Vec<String>, Vec<String>)> {
    let d = rule_set()?
        .baseline_diff(prev, now, on)
        .map_err(|e| AppError::Internal(format!("baseline: {e}")))?;
    Ok((
        d.newly_required.iter().map(|c| c.id.clone()).collect(),
        d.no_longer_required.iter().map(|c| c.id.clone()).collect(),
    ))
}

impl App {
    /// The grading questionnaire (附表九).
    pub fn questionnaire(&self) -> Result<&'static zian_rules::Questionnaire> {
        Ok(rule_set()?.questionnaire())
    }

    /// An organisation's systems, paged (see `SystemStore::list` for the
    /// filters and sorts).
    pub async fn list_systems(
        &self,
        p: &Principal,
        org_id: &OrgId,
        q: &ListQuery,
    ) -> Result<(Organisation, Page<InfoSystem>)> {
        let org = self.org_with(p, org_id, Permission::RecordRead).await?;
        // `review_overdue=true` becomes today's date for the store: the
        // systems whose level review (one year after grading) is past due
        let mut q = q.clone();
        let overdue = matches!(q.filter_value("review_overdue"), Some("1" | "true" | "on"));
        q.filter.retain(|(k, _)| k != "review_overdue");
        if overdue {
            q.filter.push((
                "review_overdue".to_string(),
                zian_domain::day::ymd(self.today()),
            ));
        }
        let page = self
            .stores
            .systems
            .list(&p.scope(Permission::RecordRead), &org.id, &q)
            .await?;
        Ok((org, page))
    }

    /// Changes a system's name, owner and description.
    pub async fn update_system(
        &self,
        p: &Principal,
        id: &SystemId,
        input: SystemInput,
    ) -> Result<InfoSystem> {
        let old = self.get_system(p, id).await?;
        let org = self
            .org_with(p, &old.org_id, Permission::RecordWrite)
            .await?;
        let row = InfoSystem {
            name: Text::parse("name", &input.name)?,
            owner: Text::parse("owner", &input.owner)?,
            description: Memo::parse("description", input.description.as_deref().unwrap_or(""))?,
            updated_at: self.now(),
            ..old.clone()
        };
        let mut e = p.event("system.updated", Some(&org.id), Some(&row.id));
        e.details =
            serde_json::json!({"name": [old.name, row.name], "owner": [old.owner, row.owner]});
        self.stores
            .systems
            .update(&p.scope(Permission::RecordWrite), &row, e)
            .await?;
        Ok(row)
    }

    /// Archives a system (or, with `archived = false`, brings it back).
    /// Systems are never deleted: their gradings, control status and risks
    /// stay, and an archived system is hidden from lists unless asked for.
    pub async fn set_system_archived(
        &self,
        p: &Principal,
        id: &SystemId,
        archived: bool,
    ) -> Result<InfoSystem> {
        let old = self.get_system(p, id).await?;
        let org = self
            .org_with(p, &old.org_id, Permission::RecordWrite)
            .await?;
        let now = self.now();
        let row = InfoSystem {
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
        self.stores
            .systems
            .update(&p.scope(Permission::RecordWrite), &row, e)
            .await?;
        Ok(row)
    }

    pub async fn create_system(
        &self,
        p: &Principal,
        org_id: &OrgId,
        input: SystemInput,
    ) -> Result<InfoSystem> {
        let org = self.org_with(p, org_id, Permission::RecordWrite).await?;
        let now = self.now();
        let row = InfoSystem {
            id: SystemId::new(self.ids.new_id()),
            org_id: org.id.clone(),
            name: Text::parse("name", &input.name)?,
            owner: Text::parse("owner", &input.owner)?,
            description: Memo::parse("description", input.description.as_deref().unwrap_or(""))?,
            level: None,
            graded_on: None,
            review_due: None,
            created_at: now,
            updated_at: now,
            archived_at: None,
        };
        let mut e = p.event("system.created", Some(&org.id), Some(&row.id));
        e.details = serde_json::json!({"name": row.name});
        self.stores
            .systems
            .insert(&p.scope(Permission::RecordWrite), &row, e)
            .await?;
        Ok(row)
    }

    /// A system the caller may read (`NotFound` otherwise).
    pub async fn get_system(&self, p: &Principal, id: &SystemId) -> Result<InfoSystem> {
        self.stores
            .systems
            .get(&p.scope(Permission::RecordRead), id)
            .await?
            .ok_or(AppError::NotFound)
    }

    pub async fn system_view(&self, p: &Principal, id: &SystemId) -> Result<SystemView> {
        let system = self.get_system(p, id).await?;
        let scope = p.scope(Permission::RecordRead);
        let org = self
            .org_with(p, &system.org_id, Permission::RecordRead)
            .await?;
        let gradings = self.stores.systems.gradings(&scope, &system.id).await?;
        let statuses = self.stores.systems.controls(&scope, &system.id).await?;
        let overrides: Vec<RuleOverride> = self
            .stores
            .compliance
            .overrides(&scope, Some(&org.id))
            .await?
            .iter()
            .filter_map(zian_domain::compliance::Override::in_effect)
            .collect();
        let rules = rule_set()?;
        let today = self.today();
        let in_force = rules.in_force(today);
        let baseline_version = in_force.baseline_version().map(str::to_string);
        let applied = match system.level {
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
            let na = status
                .as_ref()
                .filter(|s| s.status == ControlStatus::NotApplicable);
            let reason = if !required {
                Some("level".to_string())
            } else if let Some(x) = &exemption {
                Some(x.reason.clone())
            } else {
                na.and_then(|s| s.na_reason.as_ref().map(|r| r.to_string()))
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
        let (newly_required, no_longer_required) = match (
            gradings.first().and_then(|g| g.previous_level),
            system.level,
        ) {
            (Some(prev), Some(l)) => level_change(prev, l, today)?,
            _ => (Vec::new(), Vec::new()),
        };
        let review_overdue = system.review_due.is_some_and(|d| d < today);
        Ok(SystemView {
            system,
            org,
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
        id: &SystemId,
        input: GradingInput,
    ) -> Result<GradingOutcome> {
        let system = self.get_system(p, id).await?;
        let org = self
            .org_with(p, &system.org_id, Permission::RecordWrite)
            .await?;
        let answers: BTreeMap<String, String> = serde_json::from_value(input.answers)
            .map_err(|_| AppError::invalid("answers", msg!("reason.systems.answers_shape")))?;
        let result = rule_set()?
            .questionnaire()
            .evaluate(&answers)
            .map_err(|e| AppError::rules("answers", &e))?;
        let today = self.today();
        let assessed_on = parse_opt("assessed_on", input.assessed_on.as_deref())?.unwrap_or(today);
        if assessed_on > today {
            return Err(AppError::invalid("assessed_on", msg!("reason.not_future")));
        }
        let grade_of = |d: Dimension| {
            result
                .dimensions
                .iter()
                .find(|x| x.dimension == d)
                .map_or(Impact::Low, |x| x.grade)
        };
        let g = Grading {
            id: self.ids.new_id(),
            system_id: system.id.clone(),
            org_id: org.id.clone(),
            c: grade_of(Dimension::C),
            i: grade_of(Dimension::I),
            a: grade_of(Dimension::A),
            l: grade_of(Dimension::L),
            level: result.level,
            previous_level: system.level,
            answers,
            rationale: result.rationale_zh.clone(),
            assessor: Text::parse("assessor", &input.assessor)?,
            approver: Text::parse("approver", &input.approver)?,
            assessed_on,
            review_due: add_years(assessed_on, 1),
            created_by: Some(p.user.id.clone()),
            created_at: self.now(),
        };
        let (newly_required, no_longer_required) = match system.level {
            Some(prev) => level_change(prev, result.level, today)?,
            None => (Vec::new(), Vec::new()),
        };
        let mut e = p.event("system.graded", Some(&org.id), Some(&system.id));
        e.details = serde_json::json!({
            "level": g.level.code(),
            "previous_level": g.previous_level.map(Impact::code),
            "assessor": g.assessor,
            "approver": g.approver,
            "assessed_on": zian_domain::day::ymd(g.assessed_on),
        });
        self.stores
            .systems
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
        system_id: &SystemId,
        control_id: &str,
        input: ControlInput,
    ) -> Result<ControlState> {
        let system = self.get_system(p, system_id).await?;
        let org = self
            .org_with(p, &system.org_id, Permission::RecordWrite)
            .await?;
        let level = system
            .level
            .ok_or_else(|| AppError::invalid("system", msg!("reason.systems.grade_first")))?;
        let baseline = rule_set()?
            .baseline(level, self.today())
            .map_err(|e| AppError::Internal(format!("baseline: {e}")))?;
        if !baseline.iter().any(|c| c.id == control_id) {
            return Err(AppError::invalid(
                "control_id",
                msg!("reason.systems.not_in_baseline"),
            ));
        }
        let status = ControlStatus::parse(&input.status)?;
        let planned = parse_opt("planned_on", input.planned_on.as_deref())?;
        let planned_on = match (status, planned) {
            (ControlStatus::Planned, None) => {
                return Err(AppError::invalid(
                    "planned_on",
                    msg!("reason.systems.planned_on_required"),
                ));
            }
            (ControlStatus::Planned, Some(d)) => Some(d),
            _ => None,
        };
        let na_reason = match status {
            ControlStatus::NotApplicable => Some(Text::parse(
                "na_reason",
                input.na_reason.as_deref().unwrap_or(""),
            )?),
            _ => None,
        };
        let row = ControlState {
            system_id: system.id.clone(),
            org_id: org.id.clone(),
            control_id: control_id.to_string(),
            status,
            planned_on,
            na_reason,
            owner: Text::parse("owner", &input.owner)?,
            evidence: Memo::parse("evidence", input.evidence.as_deref().unwrap_or(""))?,
            updated_by: Some(p.user.id.clone()),
            updated_at: self.now(),
        };
        let mut e = p.event("system.control_status", Some(&org.id), Some(&system.id));
        e.details =
            serde_json::json!({"control_id": row.control_id, "status": row.status.as_str()});
        self.stores
            .systems
            .put_control(
                &p.scope(Permission::RecordWrite),
                &self.ids.new_id(),
                &row,
                e,
            )
            .await?;
        Ok(row)
    }
}

impl App {
    /// Sets many baseline controls of a system to one status (with the date,
    /// reason, owner and note it needs) at once. Everything is checked before
    /// anything is written; then each control that changes is written and
    /// audited as its own `system.control_status` entry, exactly as if set
    /// one by one, so a control's history reads the same either way.
    /// Controls that already have these values are counted as unchanged.
    pub async fn bulk_set_controls(
        &self,
        p: &Principal,
        system_id: &SystemId,
        input: BulkControlInput,
    ) -> Result<BulkOutcome> {
        let system = self.get_system(p, system_id).await?;
        self.org_with(p, &system.org_id, Permission::RecordWrite)
            .await?;
        let level = system
            .level
            .ok_or_else(|| AppError::invalid("system", msg!("reason.systems.grade_first")))?;
        let mut ids: Vec<String> = Vec::new();
        for id in &input.control_ids {
            let id = id.trim();
            if !id.is_empty() && !ids.iter().any(|x| x == id) {
                ids.push(id.to_string());
            }
        }
        if ids.is_empty() {
            return Err(AppError::invalid(
                "control_ids",
                msg!("reason.systems_bulk.none_selected"),
            ));
        }
        let baseline = rule_set()?
            .baseline(level, self.today())
            .map_err(|e| AppError::Internal(format!("baseline: {e}")))?;
        if let Some(bad) = ids.iter().find(|id| !baseline.iter().any(|c| &c.id == *id)) {
            return Err(AppError::invalid(
                "control_id",
                msg!(
                    "reason.systems_bulk.not_in_baseline",
                    control = bad.as_str()
                ),
            ));
        }
        let status = ControlStatus::parse(&input.status)?;
        let planned = parse_opt("planned_on", input.planned_on.as_deref())?;
        if status == ControlStatus::Planned && planned.is_none() {
            return Err(AppError::invalid(
                "planned_on",
                msg!("reason.systems.planned_on_required"),
            ));
        }
        let planned_on = planned.filter(|_| status == ControlStatus::Planned);
        let na_reason = match status {
            ControlStatus::NotApplicable => Some(Text::<2000>::parse(
                "na_reason",
                input.na_reason.as_deref().unwrap_or(""),
            )?),
            _ => None,
        };
        let given = |v: &Option<String>| {
            v.as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        };
        let owner = match given(&input.owner) {
            Some(o) => Some(Text::<200>::parse("owner", &o)?),
            None => None,
        };
        let evidence = match given(&input.evidence) {
            Some(e) => Some(Memo::<4000>::parse("evidence", &e)?),
            None => None,
        };
        let current = self
            .stores
            .systems
            .controls(&p.scope(Permission::RecordRead), &system.id)
            .await?;
        let mut todo = Vec::new();
        let mut unchanged = 0;
        for id in ids {
            let old = current.iter().find(|c| c.control_id == id);
            let Some(owner) = owner.clone().or_else(|| old.map(|c| c.owner.clone())) else {
                return Err(AppError::invalid(
                    "owner",
                    msg!("reason.systems_bulk.owner_needed", control = id.as_str()),
                ));
            };
            let evidence = evidence
                .clone()
                .or_else(|| old.map(|c| c.evidence.clone()))
                .unwrap_or_default();
            if old.is_some_and(|c| {
                c.status == status
                    && c.planned_on == planned_on
                    && c.na_reason == na_reason
                    && c.owner == owner
                    && c.evidence == evidence
            }) {
                unchanged += 1;
                continue;
            }
            todo.push((
                id,
                ControlInput {
                    status: status.as_str().to_string(),
                    planned_on: planned_on.map(zian_domain::day::ymd),
                    na_reason: na_reason.as_ref().map(|t| t.to_string()),
                    owner: owner.into_string(),
                    evidence: Some(evidence.into_string()),
                },
            ));
        }
        let updated = todo.len();
        for (id, ci) in todo {
            self.set_control_status(p, &system.id, &id, ci).await?;
        }
        Ok(BulkOutcome { updated, unchanged })
    }
}
