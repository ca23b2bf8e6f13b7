//! Business continuity (seed 002 §5.2–5.3): the business impact analysis
//! per process with its continuity plan, the plan's activation as a
//! tracked run (prompted by a level 3 or 4 incident), drills with their
//! report, the social-engineering drills' results, the yearly review
//! reminders (`continuity.daily`). Completed drills and rounds prove the
//! drill obligations (`compliance::ModuleEvidence`); the rounds feed the
//! plan's phishing KPIs.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use time::Date;
use zian_domain::continuity::{
    Activation, ActivationBody, Campaign, ContinuityPlan, Drill, DrillKind, DrillStatus, Grade,
    Impacts, Process, ProcessBody, RunStep, check_objectives, lines, parse_roles, parse_target,
    suggest_grade,
};
use zian_domain::corrective::{CorrectiveAction, Source};
use zian_domain::day::ymd;
use zian_domain::{
    ActivationId, AssetId, CampaignId, DrillId, IncidentId, ListQuery, Memo, OrgId, Organisation,
    Page, Permission, Principal, ProcessId, SystemId, Text,
};
use zian_i18n::msg;

use crate::inbox::Raise;
use crate::incidents::{moment, optional};
use crate::jobs::{JobContext, JobHandler};
use crate::{App, AppError, Result};

/// The job that reminds of yearly reviews and overdue corrective actions.
pub const KIND_DAILY: &str = "continuity.daily";

/// A business process's impact analysis and continuity plan, as typed.
/// The plan's lists are one item a line; `roles` is `role | person |
/// deputy` a line.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "ProcessIn")]
pub struct ProcessInput {
    /// The business process (業務流程), at most 200 characters, unique in
    /// the organisation.
    pub name: String,
    #[serde(default)]
    pub owner_unit: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    /// Impact over time: 4 rows (after 4 hours, 1 day, 3 days, 1 week) of 5
    /// levels 0–3 (finance, citizens, other agencies, legal, reputation).
    #[serde(default)]
    pub impacts: Option<Vec<Vec<u8>>>,
    /// Maximum tolerable downtime, recovery time and recovery point
    /// objectives, in hours.
    #[serde(default)]
    pub mtd_hours: Option<u32>,
    #[serde(default)]
    pub rto_hours: Option<u32>,
    #[serde(default)]
    pub rpo_hours: Option<u32>,
    /// The organisation's systems and assets the process depends on.
    #[serde(default)]
    pub system_ids: Option<Vec<String>>,
    #[serde(default)]
    pub asset_ids: Option<Vec<String>>,
    #[serde(default)]
    pub other_deps: Option<String>,
    /// `high` (a critical process, 關鍵營運流程), `medium`, `low`.
    pub grade: String,
    /// The continuity plan: activation criteria, command roles, alternate
    /// site, resources to confirm, recovery steps, notification list,
    /// termination criteria.
    #[serde(default)]
    pub activation: Option<String>,
    #[serde(default)]
    pub roles: Option<String>,
    #[serde(default)]
    pub site: Option<String>,
    #[serde(default)]
    pub resources: Option<String>,
    #[serde(default)]
    pub steps: Option<String>,
    #[serde(default)]
    pub notify: Option<String>,
    #[serde(default)]
    pub termination: Option<String>,
}

/// A continuity plan activated.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "ActivationIn")]
pub struct ActivationInput {
    /// Who decided (the committee's convenor) and why.
    pub decided_by: String,
    #[serde(default)]
    pub reason: Option<String>,
    /// When; default now (RFC 3339 or `YYYY-MM-DDTHH:MM` in Asia/Taipei).
    #[serde(default)]
    pub decided_at: Option<String>,
    /// The incident that prompted it, of the same organisation.
    #[serde(default)]
    pub incident_id: Option<String>,
}

/// A step of a run done (or undone).
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "RunStepIn")]
pub struct RunStepInput {
    /// `steps` or `resources` (an activation); a drill has `steps` only.
    #[serde(default)]
    pub part: Option<String>,
    /// The step's number, from 0.
    pub step: u32,
    pub done: bool,
    /// When; default now.
    #[serde(default)]
    pub at: Option<String>,
}

/// An activation's termination (seed 002 §5.3.6).
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "TerminationIn")]
pub struct TerminationInput {
    pub terminated_by: String,
    /// How the services came back and what the review meeting concluded.
    pub note: String,
    #[serde(default)]
    pub at: Option<String>,
}

/// A drill as planned.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "DrillIn")]
pub struct DrillInput {
    pub title: String,
    /// `tabletop` (書面流程演練), `notification` (通報演練), `recovery`
    /// (關鍵業務流程之復原演練).
    pub drill_kind: String,
    /// `YYYY-MM-DD`.
    pub planned_on: String,
    /// The organisation's processes drilled.
    #[serde(default)]
    pub process_ids: Option<Vec<String>>,
    /// Who approved the drill (the committee, seed 002 §5.2.3.2).
    #[serde(default)]
    pub approved_by: Option<String>,
    #[serde(default)]
    pub scenario: Option<String>,
    #[serde(default)]
    pub participants: Option<String>,
    /// The drill's steps, one a line (none: the drilled plans' steps).
    #[serde(default)]
    pub steps: Option<String>,
}

/// A drill's results: the report (業務持續計畫演練暨處理報告單).
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "DrillResultIn")]
pub struct DrillResultInput {
    pub started_at: String,
    pub ended_at: String,
    /// The recovery time achieved, in minutes (required for a recovery
    /// drill).
    #[serde(default)]
    pub recovery_minutes: Option<u32>,
    #[serde(default)]
    pub problems: Option<String>,
    #[serde(default)]
    pub improvements: Option<String>,
    /// The conclusion reported to the committee.
    pub result: String,
}

/// A social-engineering drill round's results.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "CampaignIn")]
pub struct CampaignInput {
    /// The round, e.g. `115 年上半年`; one per organisation.
    pub round: String,
    /// `YYYY-MM-DD`.
    pub held_on: String,
    pub participants: u32,
    pub opened: u32,
    pub clicked: u32,
    /// The organisation's own targets in percent (`5`, `2.5`); none: the
    /// plan template's 5 % and 2 %.
    #[serde(default)]
    pub open_target: Option<String>,
    #[serde(default)]
    pub click_target: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
}

/// A process as the API shows it.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ProcessOut {
    pub id: String,
    pub org_id: String,
    pub name: String,
    pub grade: String,
    /// 高: a critical process, which needs a plan.
    pub critical: bool,
    /// The grade the impact table and MTD suggest.
    pub suggested_grade: String,
    pub mtd_hours: Option<u32>,
    pub rto_hours: Option<u32>,
    pub rpo_hours: Option<u32>,
    pub owner_unit: String,
    pub description: String,
    pub impacts: Vec<Vec<u8>>,
    pub system_ids: Vec<String>,
    pub asset_ids: Vec<String>,
    pub other_deps: String,
    pub plan_set: bool,
    pub activation: String,
    pub roles: Vec<RoleOut>,
    pub site: String,
    pub resources: Vec<String>,
    pub steps: Vec<String>,
    pub notify: Vec<String>,
    pub termination: String,
    pub reviewed_on: Option<String>,
    pub review_due: bool,
    pub updated_at: i64,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct RoleOut {
    pub role: String,
    pub person: String,
    pub deputy: String,
}

impl ProcessOut {
    pub fn of(x: &Process, today: Date) -> ProcessOut {
        let b = &x.body;
        ProcessOut {
            id: x.id.to_string(),
            org_id: x.org_id.to_string(),
            name: x.name.clone(),
            grade: x.grade.as_str().into(),
            critical: x.critical(),
            suggested_grade: suggest_grade(&b.impacts, x.mtd_hours).as_str().into(),
            mtd_hours: x.mtd_hours,
            rto_hours: x.rto_hours,
            rpo_hours: x.rpo_hours,
            owner_unit: b.owner_unit.clone(),
            description: b.description.clone(),
            impacts: b.impacts.0.clone(),
            system_ids: b.system_ids.iter().map(ToString::to_string).collect(),
            asset_ids: b.asset_ids.iter().map(ToString::to_string).collect(),
            other_deps: b.other_deps.clone(),
            plan_set: b.plan.is_set(),
            activation: b.plan.activation.clone(),
            roles: b
                .plan
                .roles
                .iter()
                .map(|r| RoleOut {
                    role: r.role.clone(),
                    person: r.person.clone(),
                    deputy: r.deputy.clone(),
                })
                .collect(),
            site: b.plan.site.clone(),
            resources: b.plan.resources.clone(),
            steps: b.plan.steps.clone(),
            notify: b.plan.notify.clone(),
            termination: b.plan.termination.clone(),
            reviewed_on: x.reviewed_on.map(ymd),
            review_due: x.review_due(today),
            updated_at: x.updated_at,
        }
    }
}

/// A step of a run as the API shows it.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct RunStepOut {
    pub text: String,
    pub done_at: Option<i64>,
    pub by: String,
}

fn steps_out(v: &[RunStep]) -> Vec<RunStepOut> {
    v.iter()
        .map(|s| RunStepOut {
            text: s.text.clone(),
            done_at: s.done_at,
            by: s.by.clone(),
        })
        .collect()
}

/// An activation as the API shows it.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ActivationOut {
    pub id: String,
    pub org_id: String,
    pub process_id: String,
    pub process_name: String,
    pub incident_id: Option<String>,
    pub incident_number: Option<String>,
    pub decided_at: i64,
    pub decided_by: String,
    pub reason: String,
    pub resources: Vec<RunStepOut>,
    pub steps: Vec<RunStepOut>,
    /// `active` or `terminated`.
    pub status: String,
    pub terminated_at: Option<i64>,
    pub terminated_by: String,
    pub termination_note: String,
    /// Steps and resources done, and all of them.
    pub done: usize,
    pub total: usize,
}

/// A drill as the API shows it.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct DrillOut {
    pub id: String,
    pub org_id: String,
    pub title: String,
    pub kind: String,
    pub planned_on: String,
    /// `planned` or `completed`.
    pub status: String,
    pub completed_on: Option<String>,
    pub process_ids: Vec<String>,
    pub approved_by: String,
    pub scenario: String,
    pub participants: String,
    pub steps: Vec<RunStepOut>,
    pub started_at: Option<i64>,
    pub ended_at: Option<i64>,
    pub recovery_minutes: Option<u32>,
    /// The drilled processes' shortest RTO in hours, and whether the
    /// achieved recovery time met it.
    pub rto_hours: Option<u32>,
    pub rto_met: Option<bool>,
    pub problems: String,
    pub improvements: String,
    pub result: String,
}

impl DrillOut {
    pub fn of(x: &Drill, rto_hours: Option<u32>) -> DrillOut {
        let b = &x.body;
        DrillOut {
            id: x.id.to_string(),
            org_id: x.org_id.to_string(),
            title: x.title.clone(),
            kind: x.kind.as_str().into(),
            planned_on: ymd(x.planned_on),
            status: x.status.as_str().into(),
            completed_on: x.completed_on.map(ymd),
            process_ids: b.process_ids.iter().map(ToString::to_string).collect(),
            approved_by: b.approved_by.clone(),
            scenario: b.scenario.clone(),
            participants: b.participants.clone(),
            steps: steps_out(&b.steps),
            started_at: b.started_at,
            ended_at: b.ended_at,
            recovery_minutes: b.recovery_minutes,
            rto_hours,
            rto_met: x.rto_met(rto_hours),
            problems: b.problems.clone(),
            improvements: b.improvements.clone(),
            result: b.result.clone(),
        }
    }
}

/// A round's results with its rates.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct CampaignOut {
    pub id: String,
    pub org_id: String,
    pub round: String,
    pub held_on: String,
    pub participants: u32,
    pub opened: u32,
    pub clicked: u32,
    /// Opened / participants and clicked / participants, in percent.
    pub open_rate: f64,
    pub click_rate: f64,
    /// The targets in force for the round, in percent, and whether both
    /// rates are below them.
    pub open_target: f64,
    pub click_target: f64,
    pub own_targets: bool,
    pub met: bool,
    pub note: String,
}

impl CampaignOut {
    pub fn of(c: &Campaign) -> CampaignOut {
        CampaignOut {
            id: c.id.to_string(),
            org_id: c.org_id.to_string(),
            round: c.round.clone(),
            held_on: ymd(c.held_on),
            participants: c.participants,
            opened: c.opened,
            clicked: c.clicked,
            open_rate: c.open_rate(),
            click_rate: c.click_rate(),
            open_target: c.open_target_pct(),
            click_target: c.click_target_pct(),
            own_targets: c.open_target.is_some() || c.click_target.is_some(),
            met: c.met(),
            note: c.note.clone(),
        }
    }
}

/// A process with what the page shows beside it.
#[derive(Debug, Clone)]
pub struct ProcessView {
    pub process: Process,
    pub org: Organisation,
    pub suggested: Grade,
    pub systems: Vec<(String, String)>,
    pub assets: Vec<(String, String)>,
    /// The completed drills of the process, latest first.
    pub drills: Vec<Drill>,
    pub activations: Vec<Activation>,
    pub can_write: bool,
    pub review_due: bool,
}

/// An activation with its names.
#[derive(Debug, Clone)]
pub struct ActivationView {
    pub activation: Activation,
    pub org: Organisation,
    pub process: Process,
    pub incident_number: Option<String>,
    pub actions: Vec<CorrectiveAction>,
    pub can_write: bool,
}

impl ActivationView {
    pub fn out(&self) -> ActivationOut {
        let a = &self.activation;
        let (done, total) = a.progress();
        ActivationOut {
            id: a.id.to_string(),
            org_id: a.org_id.to_string(),
            process_id: a.process_id.to_string(),
            process_name: self.process.name.clone(),
            incident_id: a.incident_id.as_ref().map(ToString::to_string),
            incident_number: self.incident_number.clone(),
            decided_at: a.decided_at,
            decided_by: a.body.decided_by.clone(),
            reason: a.body.reason.clone(),
            resources: steps_out(&a.body.resources),
            steps: steps_out(&a.body.steps),
            status: if a.active() { "active" } else { "terminated" }.into(),
            terminated_at: a.terminated_at,
            terminated_by: a.body.terminated_by.clone(),
            termination_note: a.body.termination_note.clone(),
            done,
            total,
        }
    }
}

/// A drill with the processes drilled and its corrective actions.
#[derive(Debug, Clone)]
pub struct DrillView {
    pub drill: Drill,
    pub org: Organisation,
    /// Id, name, RTO of each process drilled.
    pub processes: Vec<(String, String, Option<u32>)>,
    pub actions: Vec<CorrectiveAction>,
    pub can_write: bool,
}

impl DrillView {
    /// The shortest RTO of the processes drilled.
    pub fn rto_hours(&self) -> Option<u32> {
        self.processes.iter().filter_map(|p| p.2).min()
    }
    pub fn out(&self) -> DrillOut {
        DrillOut::of(&self.drill, self.rto_hours())
    }
}

/// An organisation's continuity at a glance.
#[derive(Debug, Clone)]
pub struct Overview {
    pub org: Organisation,
    pub processes: Vec<Process>,
    pub activations: Vec<Activation>,
    pub drills: Page<Drill>,
    pub campaigns: Vec<Campaign>,
    pub actions: Vec<CorrectiveAction>,
    /// The last completed plan drill of each process.
    pub last_drill: BTreeMap<ProcessId, Date>,
    pub can_write: bool,
    pub today: Date,
    /// The drill obligations of the organisation's level (continuity drill,
    /// notification drill, social-engineering drill) as the obligations
    /// calendar judges them from the records.
    pub duties: Vec<Duty>,
}

/// A drill obligation and where it stands.
#[derive(Debug, Clone)]
pub struct Duty {
    pub title_zh: String,
    pub title_en: String,
    /// `met`, `due_soon`, `overdue`, `open`, `not_applicable`.
    pub status: String,
    pub due: Option<Date>,
    /// The latest completion: its day and why (for one the records proved).
    pub last: Option<(Date, String)>,
}

/// The items of the drill obligations.
pub const DRILL_DUTIES: [&str; 3] = ["bcp-drill", "incident-drill", "social-engineering-drill"];

impl Overview {
    /// Critical processes without a plan.
    pub fn critical_without_plan(&self) -> Vec<&Process> {
        self.processes
            .iter()
            .filter(|p| p.critical() && !p.body.plan.is_set())
            .collect()
    }
    /// Processes whose yearly review is due.
    pub fn reviews_due(&self) -> Vec<&Process> {
        self.processes
            .iter()
            .filter(|p| p.review_due(self.today))
            .collect()
    }
}

fn ids<T: From<String>>(v: &Option<Vec<String>>) -> Vec<T> {
    let mut out: Vec<String> = v
        .iter()
        .flatten()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect();
    out.sort();
    out.dedup();
    out.into_iter().map(T::from).collect()
}

fn memo<const N: usize>(field: &'static str, v: &Option<String>) -> Result<String> {
    Ok(Memo::<N>::parse(field, v.as_deref().unwrap_or(""))?.into_string())
}

/// Each line of a list field checked as text of at most 500 characters,
/// at most 100 lines.
fn list_field(field: &'static str, v: &Option<String>) -> Result<Vec<String>> {
    let text = memo::<20_000>(field, v)?;
    let out = lines(&text);
    if out.len() > 100 || out.iter().any(|l| l.chars().count() > 500) {
        return Err(AppError::invalid(
            field,
            msg!("reason.continuity.list_lines", lines = 100, max = 500),
        ));
    }
    Ok(out)
}

impl App {
    async fn process_of(&self, p: &Principal, id: &ProcessId) -> Result<(Process, Organisation)> {
        let x = self
            .stores
            .continuity
            .get_process(&p.scope(Permission::RecordRead), id)
            .await?
            .ok_or(AppError::NotFound)?;
        let org = self.org_with(p, &x.org_id, Permission::RecordRead).await?;
        Ok((x, org))
    }

    fn may_write(&self, p: &Principal, org: &Organisation) -> bool {
        p.can(Permission::RecordWrite, &org.path)
    }

    /// Records (`id` none) or replaces a process's analysis and plan.
    pub async fn save_process(
        &self,
        p: &Principal,
        org_id: &OrgId,
        id: Option<&ProcessId>,
        input: ProcessInput,
    ) -> Result<Process> {
        let old = match id {
            Some(id) => Some(self.process_of(p, id).await?.0),
            None => None,
        };
        let org_id = old.as_ref().map_or(org_id, |o| &o.org_id);
        let org = self.org_with(p, org_id, Permission::RecordWrite).await?;
        let name = Text::<200>::parse("name", &input.name)?.into_string();
        let grade = Grade::parse("grade", &input.grade)?;
        let impacts = match &input.impacts {
            Some(rows) => Impacts::check(rows.clone())?,
            None => Impacts::check(vec![
                vec![0; zian_domain::continuity::IMPACT_AREAS.len()];
                zian_domain::continuity::HORIZONS.len()
            ])?,
        };
        for (f, v) in [
            ("mtd_hours", input.mtd_hours),
            ("rto_hours", input.rto_hours),
            ("rpo_hours", input.rpo_hours),
        ] {
            if v.is_some_and(|h| h > 8760) {
                return Err(AppError::invalid(
                    f,
                    msg!("reason.range", min = 0, max = 8760),
                ));
            }
        }
        check_objectives(input.mtd_hours, input.rto_hours)?;
        let roles = parse_roles(&memo::<10_000>("roles", &input.roles)?)?;
        let plan = ContinuityPlan {
            activation: memo::<2000>("activation", &input.activation)?,
            roles,
            site: memo::<1000>("site", &input.site)?,
            resources: list_field("resources", &input.resources)?,
            steps: list_field("steps", &input.steps)?,
            notify: list_field("notify", &input.notify)?,
            termination: memo::<2000>("termination", &input.termination)?,
        };
        let system_ids = ids::<SystemId>(&input.system_ids);
        let asset_ids = ids::<AssetId>(&input.asset_ids);
        let scope = p.scope(Permission::RecordRead);
        for id in &system_ids {
            if self
                .stores
                .systems
                .get(&scope, id)
                .await?
                .is_none_or(|s| s.org_id != org.id)
            {
                return Err(AppError::invalid(
                    "system_ids",
                    msg!("reason.continuity.dependency_of_org"),
                ));
            }
        }
        for id in &asset_ids {
            if self
                .stores
                .assets
                .get(&scope, id)
                .await?
                .is_none_or(|a| a.org_id != org.id)
            {
                return Err(AppError::invalid(
                    "asset_ids",
                    msg!("reason.continuity.dependency_of_org"),
                ));
            }
        }
        let now = self.now();
        let x = Process {
            id: old
                .as_ref()
                .map_or_else(|| self.ids.new_id().into(), |o| o.id.clone()),
            org_id: org.id.clone(),
            name,
            grade,
            mtd_hours: input.mtd_hours,
            rto_hours: input.rto_hours,
            rpo_hours: input.rpo_hours,
            reviewed_on: old.as_ref().and_then(|o| o.reviewed_on),
            body: ProcessBody {
                owner_unit: memo::<200>("owner_unit", &input.owner_unit)?,
                description: memo::<4000>("description", &input.description)?,
                impacts,
                system_ids,
                asset_ids,
                other_deps: memo::<2000>("other_deps", &input.other_deps)?,
                plan,
            },
            created_by: old
                .as_ref()
                .map_or(Some(p.user.id.clone()), |o| o.created_by.clone()),
            created_at: old.as_ref().map_or(now, |o| o.created_at),
            updated_at: now,
        };
        let (action, new) = if old.is_some() {
            ("continuity.process_saved", false)
        } else {
            ("continuity.process_added", true)
        };
        let mut e = p.event(action, Some(&org.id), Some(&x.id));
        e.details = serde_json::json!({"name": x.name, "grade": x.grade.as_str(), "mtd_hours": x.mtd_hours, "rto_hours": x.rto_hours, "rpo_hours": x.rpo_hours, "plan": x.body.plan.is_set()});
        self.stores
            .continuity
            .save_process(&p.scope(Permission::RecordWrite), &x, new, e)
            .await?;
        Ok(x)
    }

    /// Records the yearly review of a process's analysis and plan (seed 002
    /// §5.2.2.4), today.
    pub async fn review_process(&self, p: &Principal, id: &ProcessId) -> Result<Process> {
        let (mut x, _) = self.process_of(p, id).await?;
        let org = self.org_with(p, &x.org_id, Permission::RecordWrite).await?;
        x.reviewed_on = Some(self.today());
        x.updated_at = self.now();
        let mut e = p.event("continuity.process_reviewed", Some(&org.id), Some(&x.id));
        e.details = serde_json::json!({"name": x.name, "reviewed_on": x.reviewed_on.map(ymd)});
        self.stores
            .continuity
            .save_process(&p.scope(Permission::RecordWrite), &x, false, e)
            .await?;
        Ok(x)
    }

    /// A process with its dependencies' names, drills and activations.
    pub async fn process_view(&self, p: &Principal, id: &ProcessId) -> Result<ProcessView> {
        let (x, org) = self.process_of(p, id).await?;
        let scope = p.scope(Permission::RecordRead);
        let mut systems = Vec::new();
        for s in self
            .stores
            .systems
            .all(&scope, Some(&org.id), false)
            .await?
        {
            if x.body.system_ids.contains(&s.id) {
                systems.push((s.id.to_string(), s.name.to_string()));
            }
        }
        let mut assets = Vec::new();
        for a in &x.body.asset_ids {
            if let Some(a) = self.stores.assets.get(&scope, a).await? {
                assets.push((a.id.to_string(), a.name.to_string()));
            }
        }
        let mut drills: Vec<Drill> = self
            .stores
            .continuity
            .completed_drills(&scope, Some(&org.id))
            .await?
            .into_iter()
            .filter(|d| d.body.process_ids.contains(&x.id))
            .collect();
        drills.reverse();
        let activations = self
            .stores
            .continuity
            .activations(&scope, Some(&org.id), None)
            .await?
            .into_iter()
            .filter(|a| a.process_id == x.id)
            .collect();
        Ok(ProcessView {
            suggested: suggest_grade(&x.body.impacts, x.mtd_hours),
            review_due: x.review_due(self.today()),
            can_write: self.may_write(p, &org),
            process: x,
            org,
            systems,
            assets,
            drills,
            activations,
        })
    }

    /// An organisation's processes, paged.
    pub async fn list_processes(
        &self,
        p: &Principal,
        org_id: &OrgId,
        q: &ListQuery,
    ) -> Result<Page<Process>> {
        let org = self.org_with(p, org_id, Permission::RecordRead).await?;
        Ok(self
            .stores
            .continuity
            .processes(&p.scope(Permission::RecordRead), &org.id, q)
            .await?)
    }

    /// The continuity page of an organisation.
    pub async fn continuity_overview(
        &self,
        p: &Principal,
        org_id: &OrgId,
        drills_q: &ListQuery,
    ) -> Result<Overview> {
        let org = self.org_with(p, org_id, Permission::RecordRead).await?;
        let scope = p.scope(Permission::RecordRead);
        let st = &self.stores.continuity;
        let processes = st.all_processes(&scope, Some(&org.id)).await?;
        let mut processes = processes;
        processes.sort_by(|a, b| (a.grade, &a.name).cmp(&(b.grade, &b.name)));
        let activations = st.activations(&scope, Some(&org.id), None).await?;
        let drills = st.drills(&scope, &org.id, None, None, drills_q).await?;
        let campaigns = st.campaigns(&scope, Some(&org.id)).await?;
        let mut last_drill: BTreeMap<ProcessId, Date> = BTreeMap::new();
        for d in st.completed_drills(&scope, Some(&org.id)).await? {
            let (true, Some(on)) = (d.kind.exercises_plan(), d.completed_on) else {
                continue;
            };
            for pid in &d.body.process_ids {
                let e = last_drill.entry(pid.clone()).or_insert(on);
                *e = (*e).max(on);
            }
        }
        let actions = self
            .stores
            .corrective
            .actions(
                &scope,
                Some(&org.id),
                &zian_storage::ActionFilter {
                    open: true,
                    ..Default::default()
                },
                &ListQuery::all(200),
            )
            .await?
            .items;
        let duties = match self.org_compliance(p, &org.id).await {
            Ok(c) => c
                .obligations
                .into_iter()
                .filter(|v| DRILL_DUTIES.contains(&v.obligation.item.as_str()))
                .map(|v| Duty {
                    title_zh: v.obligation.title_zh.clone(),
                    title_en: v.obligation.title_en.clone(),
                    status: v.status.as_str().to_string(),
                    due: v.due.or(v.next_due),
                    last: v
                        .completions
                        .iter()
                        .max_by_key(|c| c.completed_on)
                        .map(|c| (c.completed_on, c.note.to_string())),
                })
                .collect(),
            // an organisation without a level has no calendar
            Err(_) => Vec::new(),
        };
        Ok(Overview {
            duties,
            can_write: self.may_write(p, &org),
            today: self.today(),
            org,
            processes,
            activations,
            drills,
            campaigns,
            actions,
            last_drill,
        })
    }

    /// Activates a process's continuity plan: its resources and steps
    /// become a tracked run. One active run per process.
    pub async fn activate_plan(
        &self,
        p: &Principal,
        process_id: &ProcessId,
        input: ActivationInput,
    ) -> Result<ActivationView> {
        let (x, _) = self.process_of(p, process_id).await?;
        let org = self.org_with(p, &x.org_id, Permission::RecordWrite).await?;
        if !x.body.plan.is_set() {
            return Err(AppError::Conflict("continuity_no_plan"));
        }
        let scope = p.scope(Permission::RecordRead);
        if self
            .stores
            .continuity
            .activations(&scope, Some(&org.id), None)
            .await?
            .iter()
            .any(|a| a.process_id == x.id && a.active())
        {
            return Err(AppError::Conflict("continuity_active"));
        }
        let incident_id = match input.incident_id.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(i) => {
                let inc = self
                    .stores
                    .incidents
                    .get(&scope, &IncidentId::from(i))
                    .await?
                    .filter(|inc| inc.org_id == org.id)
                    .ok_or_else(|| {
                        AppError::invalid("incident_id", msg!("reason.continuity.incident_of_org"))
                    })?;
                Some(inc.id)
            }
        };
        let now = self.now();
        let decided_at = optional("decided_at", &input.decided_at)?
            .map_or(now, time::OffsetDateTime::unix_timestamp);
        if decided_at > now + 300 {
            return Err(AppError::invalid("decided_at", msg!("reason.not_future")));
        }
        let a = Activation {
            id: self.ids.new_id().into(),
            org_id: org.id.clone(),
            process_id: x.id.clone(),
            incident_id,
            decided_at,
            terminated_at: None,
            body: ActivationBody {
                decided_by: Text::<100>::parse("decided_by", &input.decided_by)?.into_string(),
                reason: memo::<2000>("reason", &input.reason)?,
                resources: x
                    .body
                    .plan
                    .resources
                    .iter()
                    .map(|r| RunStep::of(r))
                    .collect(),
                steps: x.body.plan.steps.iter().map(|r| RunStep::of(r)).collect(),
                terminated_by: String::new(),
                termination_note: String::new(),
            },
            created_by: Some(p.user.id.clone()),
            created_at: now,
            updated_at: now,
        };
        let mut e = p.event("continuity.activated", Some(&org.id), Some(&a.id));
        e.details = serde_json::json!({"process": x.name, "incident_id": a.incident_id, "decided_by": a.body.decided_by, "decided_at": decided_at});
        self.stores
            .continuity
            .save_activation(&p.scope(Permission::RecordWrite), &a, true, e)
            .await?;
        self.raise_to_others(
            &org.id,
            Permission::RecordWrite,
            &p.user.id,
            &Raise {
                event: "continuity.activated",
                org: Some(org.id.clone()),
                title: msg!(
                    "inbox.notice.continuity_activated",
                    process = x.name.as_str()
                ),
                title_en: None,
                link: Some(format!("/continuity/activations/{}", a.id)),
                dedupe_key: Some(format!("continuity.activated:{}", a.id)),
            },
        )
        .await;
        self.activation_view(p, &a.id).await
    }

    /// An activation with its process, incident and corrective actions.
    pub async fn activation_view(
        &self,
        p: &Principal,
        id: &ActivationId,
    ) -> Result<ActivationView> {
        let scope = p.scope(Permission::RecordRead);
        let a = self
            .stores
            .continuity
            .get_activation(&scope, id)
            .await?
            .ok_or(AppError::NotFound)?;
        let org = self.org_with(p, &a.org_id, Permission::RecordRead).await?;
        let process = self
            .stores
            .continuity
            .get_process(&scope, &a.process_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let incident_number = match &a.incident_id {
            Some(i) => self
                .stores
                .incidents
                .get(&scope, i)
                .await?
                .map(|x| x.number),
            None => None,
        };
        let actions = self
            .actions_of(p, Source::Activation, a.id.as_str())
            .await?;
        Ok(ActivationView {
            can_write: self.may_write(p, &org),
            activation: a,
            org,
            process,
            incident_number,
            actions,
        })
    }

    /// Ticks a resource or a step of an active run off (or back).
    pub async fn activation_step(
        &self,
        p: &Principal,
        id: &ActivationId,
        input: RunStepInput,
    ) -> Result<ActivationView> {
        let v = self.activation_view(p, id).await?;
        let org = self
            .org_with(p, &v.activation.org_id, Permission::RecordWrite)
            .await?;
        let mut a = v.activation;
        if !a.active() {
            return Err(AppError::Conflict("continuity_terminated"));
        }
        let part = input.part.as_deref().unwrap_or("steps");
        let at = self.step_time(&input.at)?;
        let by = p.user.display_name.clone();
        let list = match part {
            "steps" => &mut a.body.steps,
            "resources" => &mut a.body.resources,
            _ => {
                return Err(AppError::invalid(
                    "part",
                    msg!("reason.one_of", values = "steps, resources"),
                ));
            }
        };
        tick(list, input.step, input.done, at, &by)?;
        a.updated_at = self.now();
        let mut e = p.event("continuity.step", Some(&org.id), Some(&a.id));
        e.details = serde_json::json!({"part": part, "step": input.step, "done": input.done});
        self.stores
            .continuity
            .save_activation(&p.scope(Permission::RecordWrite), &a, false, e)
            .await?;
        self.activation_view(p, id).await
    }

    fn step_time(&self, at: &Option<String>) -> Result<i64> {
        let now = self.now();
        let t = optional("at", at)?.map_or(now, time::OffsetDateTime::unix_timestamp);
        if t > now + 300 {
            return Err(AppError::invalid("at", msg!("reason.not_future")));
        }
        Ok(t)
    }

    /// Ends an activation (seed 002 §5.3.6: the convenor decides; the
    /// committee and the units are notified).
    pub async fn terminate_activation(
        &self,
        p: &Principal,
        id: &ActivationId,
        input: TerminationInput,
    ) -> Result<ActivationView> {
        let v = self.activation_view(p, id).await?;
        let org = self
            .org_with(p, &v.activation.org_id, Permission::RecordWrite)
            .await?;
        let mut a = v.activation;
        if !a.active() {
            return Err(AppError::Conflict("continuity_terminated"));
        }
        let at = self.step_time(&input.at)?;
        if at < a.decided_at {
            return Err(AppError::invalid("at", msg!("reason.after_start")));
        }
        a.body.terminated_by =
            Text::<100>::parse("terminated_by", &input.terminated_by)?.into_string();
        a.body.termination_note = Text::<4000>::parse("note", &input.note)?.into_string();
        a.terminated_at = Some(at);
        a.updated_at = self.now();
        let mut e = p.event("continuity.terminated", Some(&org.id), Some(&a.id));
        e.details = serde_json::json!({"terminated_by": a.body.terminated_by, "at": at, "done": a.progress()});
        self.stores
            .continuity
            .save_activation(&p.scope(Permission::RecordWrite), &a, false, e)
            .await?;
        self.activation_view(p, id).await
    }

    /// The activations an incident prompted.
    pub async fn incident_activations(
        &self,
        p: &Principal,
        incident: &IncidentId,
    ) -> Result<Vec<Activation>> {
        Ok(self
            .stores
            .continuity
            .activations(&p.scope(Permission::RecordRead), None, Some(incident))
            .await?)
    }

    /// The critical processes with a plan of an organisation (what a level
    /// 3 or 4 incident offers to activate).
    pub async fn activatable_processes(
        &self,
        p: &Principal,
        org_id: &OrgId,
    ) -> Result<Vec<Process>> {
        Ok(self
            .stores
            .continuity
            .all_processes(&p.scope(Permission::RecordRead), Some(org_id))
            .await?
            .into_iter()
            .filter(|x| x.critical() && x.body.plan.is_set())
            .collect())
    }

    async fn drill_record(
        &self,
        org: &Organisation,
        input: &DrillInput,
        old: Option<&Drill>,
        p: &Principal,
    ) -> Result<Drill> {
        let kind = DrillKind::parse("drill_kind", &input.drill_kind)?;
        let planned_on = zian_domain::day::parse("planned_on", &input.planned_on)?;
        let process_ids: Vec<ProcessId> = ids(&input.process_ids);
        let scope = p.scope(Permission::RecordRead);
        let mut plan_steps = Vec::new();
        for pid in &process_ids {
            let x = self
                .stores
                .continuity
                .get_process(&scope, pid)
                .await?
                .filter(|x| x.org_id == org.id)
                .ok_or_else(|| {
                    AppError::invalid("process_ids", msg!("reason.continuity.process_of_org"))
                })?;
            plan_steps.extend(x.body.plan.steps.iter().map(|s| format!("{}：{s}", x.name)));
        }
        if kind == DrillKind::Recovery && process_ids.is_empty() {
            return Err(AppError::invalid(
                "process_ids",
                msg!("reason.continuity.recovery_needs_process"),
            ));
        }
        let typed = list_field("steps", &input.steps)?;
        let steps = if typed.is_empty() { plan_steps } else { typed };
        let now = self.now();
        let mut body = old.map(|o| o.body.clone()).unwrap_or_default();
        // steps already timed keep their time when their text stays
        let before: Vec<RunStep> = std::mem::take(&mut body.steps);
        body.steps = steps
            .iter()
            .map(|t| {
                before
                    .iter()
                    .find(|s| &s.text == t)
                    .cloned()
                    .unwrap_or_else(|| RunStep::of(t))
            })
            .collect();
        body.process_ids = process_ids;
        body.approved_by = memo::<200>("approved_by", &input.approved_by)?;
        body.scenario = memo::<4000>("scenario", &input.scenario)?;
        body.participants = memo::<2000>("participants", &input.participants)?;
        Ok(Drill {
            id: old.map_or_else(|| self.ids.new_id().into(), |o| o.id.clone()),
            org_id: org.id.clone(),
            title: Text::<200>::parse("title", &input.title)?.into_string(),
            kind,
            planned_on,
            status: old.map_or(DrillStatus::Planned, |o| o.status),
            completed_on: old.and_then(|o| o.completed_on),
            body,
            created_by: old.map_or(Some(p.user.id.clone()), |o| o.created_by.clone()),
            created_at: old.map_or(now, |o| o.created_at),
            updated_at: now,
        })
    }

    /// Plans a drill (`id` none) or changes a planned one.
    pub async fn save_drill(
        &self,
        p: &Principal,
        org_id: &OrgId,
        id: Option<&DrillId>,
        input: DrillInput,
    ) -> Result<DrillView> {
        let old = match id {
            Some(id) => Some(self.drill_view(p, id).await?.drill),
            None => None,
        };
        let org_id = old.as_ref().map_or(org_id, |o| &o.org_id);
        let org = self.org_with(p, org_id, Permission::RecordWrite).await?;
        if old.as_ref().is_some_and(Drill::completed) {
            return Err(AppError::Conflict("drill_completed"));
        }
        let x = self.drill_record(&org, &input, old.as_ref(), p).await?;
        let action = if old.is_some() {
            "drill.saved"
        } else {
            "drill.planned"
        };
        let mut e = p.event(action, Some(&org.id), Some(&x.id));
        e.details = serde_json::json!({"title": x.title, "kind": x.kind.as_str(), "planned_on": ymd(x.planned_on), "processes": x.body.process_ids});
        self.stores
            .continuity
            .save_drill(&p.scope(Permission::RecordWrite), &x, old.is_none(), e)
            .await?;
        self.drill_view(p, &x.id).await
    }

    /// A drill with its processes and corrective actions.
    pub async fn drill_view(&self, p: &Principal, id: &DrillId) -> Result<DrillView> {
        let scope = p.scope(Permission::RecordRead);
        let d = self
            .stores
            .continuity
            .get_drill(&scope, id)
            .await?
            .ok_or(AppError::NotFound)?;
        let org = self.org_with(p, &d.org_id, Permission::RecordRead).await?;
        let mut processes = Vec::new();
        for pid in &d.body.process_ids {
            if let Some(x) = self.stores.continuity.get_process(&scope, pid).await? {
                processes.push((x.id.to_string(), x.name, x.rto_hours));
            }
        }
        let actions = self.actions_of(p, Source::Drill, d.id.as_str()).await?;
        Ok(DrillView {
            can_write: self.may_write(p, &org),
            drill: d,
            org,
            processes,
            actions,
        })
    }

    /// An organisation's drills, paged.
    pub async fn list_drills(
        &self,
        p: &Principal,
        org_id: &OrgId,
        kind: Option<DrillKind>,
        status: Option<DrillStatus>,
        q: &ListQuery,
    ) -> Result<Page<Drill>> {
        let org = self.org_with(p, org_id, Permission::RecordRead).await?;
        Ok(self
            .stores
            .continuity
            .drills(&p.scope(Permission::RecordRead), &org.id, kind, status, q)
            .await?)
    }

    /// Times a step of a drill as it is run (or clears it).
    pub async fn drill_step(
        &self,
        p: &Principal,
        id: &DrillId,
        input: RunStepInput,
    ) -> Result<DrillView> {
        let v = self.drill_view(p, id).await?;
        let org = self
            .org_with(p, &v.drill.org_id, Permission::RecordWrite)
            .await?;
        let mut d = v.drill;
        if d.completed() {
            return Err(AppError::Conflict("drill_completed"));
        }
        let at = self.step_time(&input.at)?;
        tick(
            &mut d.body.steps,
            input.step,
            input.done,
            at,
            &p.user.display_name,
        )?;
        if input.done && d.body.started_at.is_none_or(|s| at < s) {
            d.body.started_at = Some(at);
        }
        d.updated_at = self.now();
        let mut e = p.event("drill.step", Some(&org.id), Some(&d.id));
        e.details = serde_json::json!({"step": input.step, "done": input.done, "at": at});
        self.stores
            .continuity
            .save_drill(&p.scope(Permission::RecordWrite), &d, false, e)
            .await?;
        self.drill_view(p, id).await
    }

    /// Completes a drill with its report: the times, the recovery time
    /// achieved, problems, improvements and the conclusion. A completed
    /// drill proves the drill obligations of its period.
    pub async fn complete_drill(
        &self,
        p: &Principal,
        id: &DrillId,
        input: DrillResultInput,
    ) -> Result<DrillView> {
        let v = self.drill_view(p, id).await?;
        let org = self
            .org_with(p, &v.drill.org_id, Permission::RecordWrite)
            .await?;
        let mut d = v.drill;
        if d.completed() {
            return Err(AppError::Conflict("drill_completed"));
        }
        let started = moment("started_at", &input.started_at)?.unix_timestamp();
        let ended = moment("ended_at", &input.ended_at)?.unix_timestamp();
        if ended < started {
            return Err(AppError::invalid("ended_at", msg!("reason.after_start")));
        }
        if ended > self.now() + 300 {
            return Err(AppError::invalid("ended_at", msg!("reason.not_future")));
        }
        if d.kind == DrillKind::Recovery && input.recovery_minutes.is_none() {
            return Err(AppError::invalid(
                "recovery_minutes",
                msg!("reason.continuity.recovery_minutes"),
            ));
        }
        if input.recovery_minutes.is_some_and(|m| m > 525_600) {
            return Err(AppError::invalid(
                "recovery_minutes",
                msg!("reason.range", min = 0, max = 525_600),
            ));
        }
        d.body.started_at = Some(started);
        d.body.ended_at = Some(ended);
        d.body.recovery_minutes = input.recovery_minutes;
        d.body.problems = memo::<4000>("problems", &input.problems)?;
        d.body.improvements = memo::<4000>("improvements", &input.improvements)?;
        d.body.result = Text::<4000>::parse("result", &input.result)?.into_string();
        d.status = DrillStatus::Completed;
        d.completed_on = Some(zian_domain::day::of_unix(ended));
        d.updated_at = self.now();
        let rto = v.processes.iter().filter_map(|p| p.2).min();
        let mut e = p.event("drill.completed", Some(&org.id), Some(&d.id));
        e.details = serde_json::json!({"title": d.title, "kind": d.kind.as_str(), "completed_on": d.completed_on.map(ymd), "recovery_minutes": d.body.recovery_minutes, "rto_met": d.rto_met(rto)});
        self.stores
            .continuity
            .save_drill(&p.scope(Permission::RecordWrite), &d, false, e)
            .await?;
        self.drill_view(p, id).await
    }

    /// Records a round of a social-engineering drill.
    pub async fn record_campaign(
        &self,
        p: &Principal,
        org_id: &OrgId,
        input: CampaignInput,
    ) -> Result<Campaign> {
        let org = self.org_with(p, org_id, Permission::RecordWrite).await?;
        Campaign::check_counts(input.participants, input.opened, input.clicked)?;
        let held_on = zian_domain::day::parse("held_on", &input.held_on)?;
        if held_on > self.today() {
            return Err(AppError::invalid("held_on", msg!("reason.not_future")));
        }
        let now = self.now();
        let c = Campaign {
            id: CampaignId::from(self.ids.new_id()),
            org_id: org.id.clone(),
            round: Text::<100>::parse("round", &input.round)?.into_string(),
            held_on,
            participants: input.participants,
            opened: input.opened,
            clicked: input.clicked,
            open_target: parse_target("open_target", input.open_target.as_deref().unwrap_or(""))?,
            click_target: parse_target(
                "click_target",
                input.click_target.as_deref().unwrap_or(""),
            )?,
            note: memo::<2000>("note", &input.note)?,
            created_by: Some(p.user.id.clone()),
            created_at: now,
            updated_at: now,
        };
        let mut e = p.event("campaign.recorded", Some(&org.id), Some(&c.id));
        e.details = serde_json::json!({"round": c.round, "participants": c.participants, "opened": c.opened, "clicked": c.clicked, "open_rate": c.open_rate(), "click_rate": c.click_rate()});
        self.stores
            .continuity
            .save_campaign(&p.scope(Permission::RecordWrite), &c, true, e)
            .await?;
        Ok(c)
    }

    /// An organisation's rounds, latest first.
    pub async fn list_campaigns(&self, p: &Principal, org_id: &OrgId) -> Result<Vec<Campaign>> {
        let org = self.org_with(p, org_id, Permission::RecordRead).await?;
        Ok(self
            .stores
            .continuity
            .campaigns(&p.scope(Permission::RecordRead), Some(&org.id))
            .await?)
    }

    /// The reminders: each process whose yearly review is due (once per
    /// process and year) and each overdue corrective action (once per
    /// action and week), to the organisation's officers.
    pub async fn continuity_daily(&self) -> Result<usize> {
        let scope = zian_domain::OrgScope::system_wide();
        let today = self.today();
        let mut raised = 0;
        for x in self.stores.continuity.all_processes(&scope, None).await? {
            if !x.review_due(today) {
                continue;
            }
            raised += self
                .raise_to_holders(
                    &x.org_id,
                    Permission::RecordWrite,
                    &Raise {
                        event: "continuity.review_due",
                        org: Some(x.org_id.clone()),
                        title: msg!("inbox.notice.continuity_review", process = x.name.as_str()),
                        title_en: None,
                        link: Some(format!("/continuity/processes/{}", x.id)),
                        dedupe_key: Some(format!("continuity.review:{}:{}", x.id, today.year())),
                    },
                )
                .await;
        }
        let overdue = self
            .stores
            .corrective
            .actions(
                &scope,
                None,
                &zian_storage::ActionFilter {
                    due_before: Some(today),
                    ..Default::default()
                },
                &ListQuery::all(zian_domain::list::HARD_LIMIT),
            )
            .await?
            .items;
        let week = today.to_julian_day() / 7;
        for a in overdue {
            raised += self
                .raise_to_holders(
                    &a.org_id,
                    Permission::RecordWrite,
                    &Raise {
                        event: "corrective.overdue",
                        org: Some(a.org_id.clone()),
                        title: msg!(
                            "inbox.notice.corrective_overdue",
                            title = a.title.as_str(),
                            due = ymd(a.due_on)
                        ),
                        title_en: None,
                        link: Some(a.source.link(&a.source_id)),
                        dedupe_key: Some(format!("corrective.overdue:{}:{week}", a.id)),
                    },
                )
                .await;
        }
        Ok(raised)
    }
}

/// Marks step `n` of a run done at `at` by `by` (or clears it).
fn tick(list: &mut [RunStep], n: u32, done: bool, at: i64, by: &str) -> Result<()> {
    let s = usize::try_from(n)
        .ok()
        .and_then(|i| list.get_mut(i))
        .ok_or_else(|| AppError::invalid("step", msg!("reason.continuity.no_step")))?;
    if done {
        s.done_at = Some(at);
        s.by = by.to_string();
    } else {
        s.done_at = None;
        s.by = String::new();
    }
    Ok(())
}

pub(crate) struct DailyJob;

#[async_trait::async_trait]
impl JobHandler for DailyJob {
    async fn run(&self, cx: &JobContext) -> std::result::Result<(), String> {
        let raised = cx.app.continuity_daily().await.map_err(|e| e.to_string())?;
        cx.progress(100, &format!("{raised} reminders raised"))
            .await;
        Ok(())
    }
}
