//! The maintenance plan (資通安全維護計畫): versions of a structured document
//! (see `zian_domain::plan`) that the security staff draft and submit and the
//! CISO approves or returns; the live summaries each chapter shows from the
//! registers (systems, risks, baseline controls, measured KPIs, the level's
//! staffing and training requirements), frozen into a version when it is
//! submitted; the difference between versions; the yearly review date.

use std::collections::BTreeMap;
use zian_i18n::msg;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use time::Date;
use zian_domain::day::{add_years, ymd};
use zian_domain::plan::{
    self, Change, Finding, KpiMeasurement, LevelRequirements, PlanAction, PlanContent, PlanStatus,
    PlanTransition, PlanVersion, RequirementCheck, Severity,
};
use zian_domain::systems::ControlStatus;
use zian_domain::{
    Frequency, ListQuery, Memo, OrgId, Organisation, Permission, PlanId, Principal, Text,
};

use crate::error::Problem;
use crate::{App, AppError, Result};

/// Days before the yearly review date from which the review shows as due soon.
pub const REVIEW_DUE_SOON_DAYS: i64 = 60;

/// Where a new version starts from.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum PlanStart {
    /// The latest version's content, or the official template when none.
    #[default]
    Latest,
    /// The official template (seed 003) filled with the organisation's name.
    Template,
    /// Content supplied by the caller (an API import).
    Content(Value),
}

/// A systems-inventory line of the live summary.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InventoryLine {
    pub name: String,
    /// `low`/`medium`/`high`, or `None` when not graded.
    pub level: Option<String>,
    pub review_due: Option<String>,
}

/// Baseline implementation across the organisation's graded systems.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ControlSummary {
    pub systems_graded: usize,
    pub systems_ungraded: usize,
    /// Control × system pairs that apply.
    pub applicable: usize,
    pub implemented: usize,
    pub partial: usize,
    pub planned: usize,
    /// Applicable but with no status recorded.
    pub missing: usize,
    pub not_applicable: usize,
}

/// The risk register in brief.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RiskSummary {
    pub total: usize,
    pub above_threshold: usize,
    pub open: usize,
    /// Count per treatment (accept, mitigate, transfer, avoid).
    pub by_treatment: BTreeMap<String, usize>,
    /// Treatments past their due date while not closed.
    pub overdue_treatments: usize,
}

/// A quantitative objective with its latest measurement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ObjectiveStatus {
    pub name: String,
    pub kpi: String,
    pub comparator: String,
    pub target: Option<f64>,
    pub unit: String,
    pub measured: Option<f64>,
    pub period_end: Option<String>,
    pub source: Option<String>,
    /// Whether the latest measurement meets the target.
    pub met: Option<bool>,
}

/// The live summaries shown with the plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LiveData {
    /// When it was computed (unix seconds).
    pub at: i64,
    pub level: Option<String>,
    pub requirements: LevelRequirements,
    pub inventory: Vec<InventoryLine>,
    pub risks: RiskSummary,
    pub controls: ControlSummary,
    pub objectives: Vec<ObjectiveStatus>,
}

/// One version with everything its page and API show.
#[derive(Debug, Clone)]
pub struct PlanView {
    pub row: PlanVersion,
    pub org: Organisation,
    pub status: PlanStatus,
    pub content: PlanContent,
    /// Frozen for submitted and approved versions, live for drafts.
    pub live: LiveData,
    pub live_is_frozen: bool,
    pub findings: Vec<Finding>,
    pub requirements: Vec<RequirementCheck>,
    pub can_edit: bool,
    pub can_approve: bool,
    /// The version before this one, for the diff.
    pub previous_id: Option<PlanId>,
}

/// An organisation's plan versions and where it stands.
#[derive(Debug, Clone, Serialize)]
pub struct PlanOverview {
    #[serde(skip)]
    pub org: Organisation,
    pub versions: Vec<PlanVersion>,
    pub approved: Option<PlanVersion>,
    pub open: Option<PlanVersion>,
    pub review_due: Option<time::Date>,
    /// `none` (never approved), `ok`, `due_soon` or `overdue`.
    pub review_status: &'static str,
    pub can_write: bool,
}

/// One organisation of the supervisors' roll-up.
#[derive(Debug, Clone, Serialize)]
pub struct PlanRollupRow {
    pub org_id: OrgId,
    pub org_code: String,
    pub org_name: String,
    pub level: Option<String>,
    pub approved_version: Option<i64>,
    pub approved_on: Option<time::Date>,
    pub review_due: Option<time::Date>,
    pub review_status: &'static str,
    /// Status of the open (draft or submitted) version, if any.
    pub open_status: Option<PlanStatus>,
}

// A KPI measurement to record.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "KpiIn")]
pub struct KpiInput {
    /// A code of `GET /api/v1/plan-schema` (`kpis`).
    pub kpi: String,
    /// The last day of the period measured (YYYY-MM-DD).
    pub period_end: String,
    pub value: f64,
    pub note: Option<String>,
}

fn problems(code: &'static str, v: Vec<plan::FieldError>) -> AppError {
    AppError::Problems {
        code,
        problems: v
            .into_iter()
            .map(|e| Problem {
                path: e.path,
                message: e.reason,
            })
            .collect(),
    }
}

fn content_of(row: &PlanVersion) -> Result<PlanContent> {
    // stored content was normalised when written; normalising again keeps
    // old versions readable after the schema gains fields
    plan::normalise(&row.content)
        .map_err(|e| AppError::Internal(format!("stored plan content: {e:?}")))
}

fn review_status(review_due: Option<Date>, today: Date) -> &'static str {
    match review_due {
        None => "none",
        Some(d) if d < today => "overdue",
        Some(d) if (d - today).whole_days() <= REVIEW_DUE_SOON_DAYS => "due_soon",
        Some(_) => "ok",
    }
}

fn per_year(f: Frequency) -> f64 {
    match f {
        Frequency::Once => 0.0,
        Frequency::Yearly => 1.0,
        Frequency::TwiceYearly => 2.0,
        Frequency::Every2Years => 0.5,
        Frequency::Every3Years => 1.0 / 3.0,
    }
}

impl App {
    async fn plan_row(&self, p: &Principal, id: &PlanId) -> Result<PlanVersion> {
        self.stores
            .plans
            .get(&p.scope(Permission::RecordRead), id)
            .await?
            .ok_or(AppError::NotFound)
    }

    /// The versions of an organisation's plan.
    pub async fn plan_overview(&self, p: &Principal, org_id: &OrgId) -> Result<PlanOverview> {
        let org = self.org_with(p, org_id, Permission::RecordRead).await?;
        let versions = self
            .stores
            .plans
            .list(&p.scope(Permission::RecordRead), Some(&org.id))
            .await?;
        let approved = versions
            .iter()
            .find(|v| v.status == PlanStatus::Approved)
            .cloned();
        let open = versions.iter().find(|v| v.status.is_open()).cloned();
        let review_due = approved.as_ref().and_then(|a| a.review_due);
        Ok(PlanOverview {
            review_status: review_status(review_due, self.today()),
            review_due,
            can_write: p.can(Permission::RecordWrite, &org.path),
            org,
            versions,
            approved,
            open,
        })
    }

    /// Starts a new version (a draft). Refused while another draft or
    /// submitted version is open.
    pub async fn create_plan_version(
        &self,
        p: &Principal,
        org_id: &OrgId,
        start: PlanStart,
        change_note: &str,
    ) -> Result<PlanVersion> {
        let org = self.org_with(p, org_id, Permission::RecordWrite).await?;
        let note = Memo::<2000>::parse("change_note", change_note)?;
        let versions = self
            .stores
            .plans
            .list(&p.scope(Permission::RecordRead), Some(&org.id))
            .await?;
        let level = org
            .level
            .map(|l| l.as_str().to_string())
            .unwrap_or_default();
        let (content, based_on) = match start {
            PlanStart::Content(v) => (
                plan::normalise(&v).map_err(|e| problems("plan.content", e))?,
                None,
            ),
            PlanStart::Template => (plan::template(&org.name_zh, &level), None),
            PlanStart::Latest => match versions.first() {
                Some(v) => (content_of(v)?, Some(v.id.clone())),
                None => (plan::template(&org.name_zh, &level), None),
            },
        };
        let now = self.now();
        let row = PlanVersion {
            id: PlanId::new(self.ids.new_id()),
            org_id: org.id.clone(),
            version: 0,
            status: PlanStatus::Draft,
            content: content.into_json(),
            live_snapshot: None,
            change_note: note.into(),
            based_on,
            created_by: Some(p.user.id.clone()),
            created_at: now,
            updated_by: Some(p.user.id.clone()),
            updated_at: now,
            submitted_by: None,
            submitted_at: None,
            decided_by: None,
            decided_at: None,
            approved_on: None,
            approver_name: None,
            return_reason: None,
            review_due: None,
        };
        let e = p.event("plan.created", Some(&org.id), Some(&row.id));
        Ok(self
            .stores
            .plans
            .insert(&p.scope(Permission::RecordWrite), &row, e)
            .await?)
    }

    /// A version with its findings, requirement checks and live summaries.
    pub async fn plan_view(&self, p: &Principal, id: &PlanId) -> Result<PlanView> {
        let row = self.plan_row(p, id).await?;
        let org = self
            .org_with(p, &row.org_id, Permission::RecordRead)
            .await?;
        let status = row.status;
        let content = content_of(&row)?;
        let frozen = row
            .live_snapshot
            .clone()
            .and_then(|s| serde_json::from_value::<LiveData>(s).ok());
        let live_is_frozen = frozen.is_some();
        let live = match frozen {
            Some(l) => l,
            None => self.live_data(p, &org, &content).await?,
        };
        let mut findings = plan::check(&content);
        let requirements = plan::requirement_checks(&content, &live.requirements);
        for r in requirements.iter().filter(|r| !r.met) {
            let planned = match r.planned {
                Some(n) => msg!("plan.finding.amount", n = fmt_num(n)),
                None => msg!("plan.finding.nothing"),
            };
            findings.push(Finding {
                chapter: "staffing",
                severity: Severity::Warning,
                message: msg!("plan.finding.below_level", required = fmt_num(r.required))
                    .arg_msg("item", r.label())
                    .arg_msg("planned", planned),
            });
        }
        let versions = self
            .stores
            .plans
            .list(&p.scope(Permission::RecordRead), Some(&org.id))
            .await?;
        let previous_id = versions
            .iter()
            .filter(|v| v.version < row.version)
            .max_by_key(|v| v.version)
            .map(|v| v.id.clone());
        Ok(PlanView {
            can_edit: status == PlanStatus::Draft && p.can(Permission::RecordWrite, &org.path),
            can_approve: status == PlanStatus::Submitted
                && p.can(Permission::PlanApprove, &org.path),
            row,
            org,
            status,
            content,
            live,
            live_is_frozen,
            findings,
            requirements,
            previous_id,
        })
    }

    async fn writable_draft(
        &self,
        p: &Principal,
        id: &PlanId,
    ) -> Result<(PlanVersion, Organisation)> {
        let row = self.plan_row(p, id).await?;
        let org = self
            .org_with(p, &row.org_id, Permission::RecordWrite)
            .await?;
        row.status
            .after(PlanAction::Edit)
            .map_err(|_| AppError::Conflict("plan_status"))?;
        Ok((row, org))
    }

    /// Replaces a draft's whole content.
    pub async fn update_plan(
        &self,
        p: &Principal,
        id: &PlanId,
        content: &Value,
        change_note: Option<&str>,
    ) -> Result<PlanView> {
        let (row, org) = self.writable_draft(p, id).await?;
        let c = plan::normalise(content).map_err(|e| problems("plan.content", e))?;
        self.save_content(p, &row, &org, &c, change_note, None)
            .await?;
        self.plan_view(p, id).await
    }

    /// Fills the core-system table of the risk chapter (核心資通系統及最大可
    /// 容忍中斷時間) from the register: one row per active information
    /// system of the organisation that a core asset serves (every active
    /// system when no asset is flagged core), with the assets in service
    /// that serve it; systems already in the table (by name) are left as
    /// they are. The number of rows added.
    pub async fn plan_core_systems_from_register(
        &self,
        p: &Principal,
        id: &PlanId,
    ) -> Result<usize> {
        let (_, org) = self.writable_draft(p, id).await?;
        let view = self.plan_view(p, id).await?;
        let scope = p.scope(Permission::RecordRead);
        let systems = self
            .stores
            .systems
            .all(&scope, Some(&org.id), false)
            .await?;
        let assets = self
            .stores
            .assets
            .list(
                &scope,
                &org.id,
                &ListQuery::all(zian_domain::list::HARD_LIMIT).with("status", "in_service"),
            )
            .await?
            .items;
        let serving = |s: &zian_domain::systems::InfoSystem| {
            assets
                .iter()
                .filter(|a| a.system_id.as_ref() == Some(&s.id))
                .collect::<Vec<_>>()
        };
        let any_core = assets.iter().any(|a| a.core && a.system_id.is_some());
        let mut chapter = view.content.chapter("risk").clone();
        let mut rows: Vec<Value> = chapter
            .get("core_systems")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let listed: std::collections::BTreeSet<String> = rows
            .iter()
            .filter_map(|r| r.get("name").and_then(Value::as_str))
            .map(|n| n.trim().to_string())
            .collect();
        let mut added = 0;
        for s in systems.iter().filter(|s| s.archived_at.is_none()) {
            let serve = serving(s);
            if (any_core && !serve.iter().any(|a| a.core)) || listed.contains(s.name.trim()) {
                continue;
            }
            let names: Vec<Value> = serve
                .iter()
                .take(60)
                .map(|a| {
                    let pn = a.property_no.trim();
                    Value::String(if pn.is_empty() {
                        a.name.to_string()
                    } else {
                        format!("{}（{pn}）", a.name)
                    })
                })
                .collect();
            let function: String = s.description.chars().take(2000).collect();
            rows.push(serde_json::json!({
                "name": s.name, "assets": names, "mtd_hours": null, "function": function,
            }));
            added += 1;
        }
        if added == 0 {
            return Ok(0);
        }
        chapter.insert("core_systems".into(), Value::Array(rows));
        self.update_plan_chapter(p, id, "risk", &Value::Object(chapter))
            .await?;
        Ok(added)
    }

    /// Replaces one chapter of a draft.
    pub async fn update_plan_chapter(
        &self,
        p: &Principal,
        id: &PlanId,
        chapter: &str,
        value: &Value,
    ) -> Result<PlanView> {
        let (row, org) = self.writable_draft(p, id).await?;
        if plan::chapter(chapter).is_none() {
            return Err(AppError::NotFound);
        }
        let c = content_of(&row)?
            .with_chapter(chapter, value)
            .map_err(|e| problems("plan.content", e))?;
        self.save_content(p, &row, &org, &c, None, Some(chapter))
            .await?;
        self.plan_view(p, id).await
    }

    async fn save_content(
        &self,
        p: &Principal,
        row: &PlanVersion,
        org: &Organisation,
        c: &PlanContent,
        change_note: Option<&str>,
        chapter: Option<&str>,
    ) -> Result<()> {
        let note = match change_note {
            Some(n) => Memo::<2000>::parse("change_note", n)?.into(),
            None => row.change_note.clone(),
        };
        let before = content_of(row)?;
        let changes = plan::diff(&before, c);
        let mut e = p.event("plan.updated", Some(&org.id), Some(&row.id));
        e.details = serde_json::json!({
            "version": row.version,
            "chapter": chapter,
            "changes": changes.len(),
            "chapters": changes.iter().map(|c| c.chapter).collect::<std::collections::BTreeSet<_>>(),
        });
        self.stores
            .plans
            .update_content(
                &p.scope(Permission::RecordWrite),
                &row.id,
                &Value::Object(c.as_json().clone()),
                &note,
                &p.user.id,
                e,
                self.now(),
            )
            .await?;
        Ok(())
    }

    /// Submits a draft for approval: refused with every blocking finding;
    /// freezes the live summaries into the version.
    pub async fn submit_plan(&self, p: &Principal, id: &PlanId) -> Result<PlanView> {
        let view = self.plan_view(p, id).await?;
        self.org_with(p, &view.org.id, Permission::RecordWrite)
            .await?;
        view.status
            .after(PlanAction::Submit)
            .map_err(|_| AppError::Conflict("plan_status"))?;
        let blocking: Vec<Problem> = view
            .findings
            .iter()
            .filter(|f| f.severity == Severity::Blocking)
            .map(|f| Problem {
                path: f.chapter.to_string(),
                message: f.message.clone(),
            })
            .collect();
        if !blocking.is_empty() {
            return Err(AppError::Problems {
                code: "plan.incomplete",
                problems: blocking,
            });
        }
        let live = self.live_data(p, &view.org, &view.content).await?;
        let snapshot = serde_json::to_value(&live)
            .map_err(|e| AppError::Internal(format!("snapshot: {e}")))?;
        let mut e = p.event("plan.submitted", Some(&view.org.id), Some(id));
        e.details = serde_json::json!({"version": view.row.version});
        let mut t = PlanTransition::new(
            PlanStatus::Draft,
            PlanStatus::Submitted,
            &p.user.id,
            self.now(),
        );
        t.live_snapshot = Some(snapshot);
        self.stores
            .plans
            .transition(&p.scope(Permission::RecordWrite), id, &t, e)
            .await?;
        let data = serde_json::json!({"plan_id": id, "version": view.row.version});
        self.emit_webhooks(&view.org.id, "plan.submitted", data)
            .await;
        self.raise_plan_notice(&view.org, "plan.submitted", id, view.row.version)
            .await;
        self.plan_view(p, id).await
    }

    /// The CISO approves a submitted version on `approved_on` (default
    /// today); the yearly review falls due one year later, and the previously
    /// approved version is superseded.
    pub async fn approve_plan(
        &self,
        p: &Principal,
        id: &PlanId,
        approved_on: Option<&str>,
    ) -> Result<PlanView> {
        let row = self.plan_row(p, id).await?;
        let org = self
            .org_with(p, &row.org_id, Permission::PlanApprove)
            .await?;
        row.status
            .after(PlanAction::Approve)
            .map_err(|_| AppError::Conflict("plan_status"))?;
        let today = self.today();
        let on = zian_domain::day::parse_opt("approved_on", approved_on)?.unwrap_or(today);
        if on > today {
            return Err(AppError::invalid("approved_on", msg!("reason.not_future")));
        }
        if row
            .submitted_at
            .is_some_and(|t| on < zian_domain::day::of_unix(t))
        {
            return Err(AppError::invalid(
                "approved_on",
                msg!("reason.plans.approved_before_submission"),
            ));
        }
        let mut e = p.event("plan.approved", Some(&org.id), Some(id));
        e.details = serde_json::json!({"version": row.version, "approved_on": ymd(on)});
        let mut t = PlanTransition::new(
            PlanStatus::Submitted,
            PlanStatus::Approved,
            &p.user.id,
            self.now(),
        );
        t.approved_on = Some(on);
        t.approver_name = Some(p.user.display_name.clone());
        t.review_due = Some(add_years(on, 1));
        self.stores
            .plans
            .transition(&p.scope(Permission::PlanApprove), id, &t, e)
            .await?;
        let data =
            serde_json::json!({"plan_id": id, "version": row.version, "approved_on": ymd(on)});
        self.emit_webhooks(&org.id, "plan.approved", data).await;
        self.raise_plan_notice(&org, "plan.approved", id, row.version)
            .await;
        self.plan_view(p, id).await
    }

    /// The CISO returns a submitted version to draft with a reason.
    pub async fn return_plan(&self, p: &Principal, id: &PlanId, reason: &str) -> Result<PlanView> {
        let row = self.plan_row(p, id).await?;
        let org = self
            .org_with(p, &row.org_id, Permission::PlanApprove)
            .await?;
        row.status
            .after(PlanAction::Return)
            .map_err(|_| AppError::Conflict("plan_status"))?;
        let reason = Text::<2000>::parse("reason", reason)?;
        let mut e = p.event("plan.returned", Some(&org.id), Some(id));
        e.details = serde_json::json!({"version": row.version, "reason": reason});
        let mut t = PlanTransition::new(
            PlanStatus::Submitted,
            PlanStatus::Draft,
            &p.user.id,
            self.now(),
        );
        t.return_reason = Some(reason.into());
        self.stores
            .plans
            .transition(&p.scope(Permission::PlanApprove), id, &t, e)
            .await?;
        let data = serde_json::json!({"plan_id": id, "version": row.version});
        self.emit_webhooks(&org.id, "plan.returned", data).await;
        self.raise_plan_notice(&org, "plan.returned", id, row.version)
            .await;
        self.plan_view(p, id).await
    }

    /// The changes from `against` (default: the previous version) to `id`.
    pub async fn plan_diff(
        &self,
        p: &Principal,
        id: &PlanId,
        against: Option<&PlanId>,
    ) -> Result<(PlanVersion, Option<PlanVersion>, Vec<Change>)> {
        let row = self.plan_row(p, id).await?;
        let other = match against {
            Some(a) => Some(self.plan_row(p, a).await?),
            None => {
                let versions = self
                    .stores
                    .plans
                    .list(&p.scope(Permission::RecordRead), Some(&row.org_id))
                    .await?;
                versions
                    .into_iter()
                    .filter(|v| v.version < row.version)
                    .max_by_key(|v| v.version)
            }
        };
        if let Some(o) = &other
            && o.org_id != row.org_id
        {
            return Err(AppError::invalid(
                "against",
                msg!("reason.plans.other_org_version"),
            ));
        }
        let old = match &other {
            Some(o) => content_of(o)?,
            None => PlanContent::empty(),
        };
        let changes = plan::diff(&old, &content_of(&row)?);
        Ok((row, other, changes))
    }

    /// Plan status of every organisation in the caller's record scope.
    pub async fn plan_rollup(&self, p: &Principal) -> Result<Vec<PlanRollupRow>> {
        let scope = p.scope(Permission::RecordRead);
        let plans = self.stores.plans.list(&scope, None).await?;
        let orgs = self
            .stores
            .orgs
            .list(
                &scope,
                &zian_domain::ListQuery::all(zian_domain::list::HARD_LIMIT),
            )
            .await?;
        let today = self.today();
        Ok(orgs
            .items
            .into_iter()
            // a unit (單位) works under its agency's plan: it owes none itself
            .filter(|o| o.active && o.tier != zian_domain::OrgTier::Unit)
            .map(|o| {
                let mine: Vec<&PlanVersion> = plans.iter().filter(|v| v.org_id == o.id).collect();
                let approved = mine.iter().find(|v| v.status == PlanStatus::Approved);
                let open = mine.iter().find(|v| v.status.is_open());
                let review_due = approved.and_then(|a| a.review_due);
                PlanRollupRow {
                    org_id: o.id.clone(),
                    org_code: o.code.clone().unwrap_or_default(),
                    org_name: o.name_zh.clone(),
                    level: o.level.map(|l| l.as_str().to_string()),
                    approved_version: approved.map(|a| a.version),
                    approved_on: approved.and_then(|a| a.approved_on),
                    review_status: review_status(review_due, today),
                    review_due,
                    open_status: open.map(|v| v.status),
                }
            })
            .collect())
    }

    /// Records a KPI measurement for an organisation.
    pub async fn record_kpi(
        &self,
        p: &Principal,
        org_id: &OrgId,
        input: KpiInput,
    ) -> Result<KpiMeasurement> {
        let org = self.org_with(p, org_id, Permission::RecordWrite).await?;
        if plan::schema::kpi_label(&input.kpi, zian_i18n::Lang::ZhTw).is_none() {
            let codes: Vec<&str> = plan::schema::KPIS.iter().map(|k| k.0).collect();
            return Err(AppError::invalid(
                "kpi",
                msg!("reason.one_of", values = codes.join(", ")),
            ));
        }
        let period_end = zian_domain::day::parse("period_end", &input.period_end)?;
        if period_end > self.today() {
            return Err(AppError::invalid("period_end", msg!("reason.not_future")));
        }
        // every KPI of the plan template is a rate in percent
        if !input.value.is_finite() || !(0.0..=100.0).contains(&input.value) {
            return Err(AppError::invalid(
                "value",
                msg!("reason.plans.percent", min = 0, max = 100),
            ));
        }
        let row = KpiMeasurement {
            id: self.ids.new_id(),
            org_id: org.id.clone(),
            kpi: input.kpi.clone(),
            period_end,
            value_milli: (input.value * 1000.0).round() as i64,
            source: "manual".into(),
            note: Memo::<2000>::parse("note", input.note.as_deref().unwrap_or(""))?.into(),
            recorded_by: Some(p.user.id.clone()),
            recorded_at: self.now(),
        };
        let mut e = p.event("kpi.recorded", Some(&org.id), Some(&row.id));
        e.details = serde_json::json!({"kpi": row.kpi, "period_end": ymd(row.period_end), "value_milli": row.value_milli});
        self.stores
            .plans
            .insert_kpi(&p.scope(Permission::RecordWrite), &row, e)
            .await?;
        Ok(row)
    }

    pub async fn list_kpis(&self, p: &Principal, org_id: &OrgId) -> Result<Vec<KpiMeasurement>> {
        let org = self.org_with(p, org_id, Permission::RecordRead).await?;
        Ok(self
            .stores
            .plans
            .kpis(&p.scope(Permission::RecordRead), &org.id)
            .await?)
    }

    /// The live summaries for an organisation's plan.
    pub(crate) async fn live_data(
        &self,
        p: &Principal,
        org: &Organisation,
        content: &PlanContent,
    ) -> Result<LiveData> {
        let scope = p.scope(Permission::RecordRead);
        // the level's requirements, from the obligations in force (with overrides)
        let compliance = self.org_compliance(p, &org.id).await?;
        let mut req = LevelRequirements::default();
        for ob in compliance
            .obligations
            .iter()
            .filter(|o| o.status != crate::compliance::Status::NotApplicable)
        {
            let o = &ob.obligation;
            let n = o.count.map(i64::from);
            match o.item.as_str() {
                "security-staff" => req.security_staff = n,
                "certificate-professional" => req.professional_certificates_per_person = n,
                "certificate-functional" => req.functional_certificates_per_person = n,
                "training-security-staff" => req.security_training_hours = n,
                "training-users" => req.general_training_hours = n,
                "internal-audit" => req.internal_audits_per_year = Some(per_year(o.frequency)),
                _ => {}
            }
        }
        // systems and their baseline
        let systems = self
            .stores
            .systems
            .all(&scope, Some(&org.id), false)
            .await?;
        let mut controls = ControlSummary::default();
        let mut inventory = Vec::new();
        for s in &systems {
            inventory.push(InventoryLine {
                name: s.name.to_string(),
                level: s.level.map(|l| l.code().to_string()),
                review_due: s.review_due.map(ymd),
            });
            if s.level.is_none() {
                controls.systems_ungraded += 1;
                continue;
            }
            controls.systems_graded += 1;
            let v = self.system_view(p, &s.id).await?;
            for r in v.soa.iter().filter(|r| r.required) {
                if !r.applicable {
                    controls.not_applicable += 1;
                    continue;
                }
                controls.applicable += 1;
                match r.status.as_ref().map(|s| s.status) {
                    Some(ControlStatus::Implemented) => controls.implemented += 1,
                    Some(ControlStatus::Partial) => controls.partial += 1,
                    Some(ControlStatus::Planned) => controls.planned += 1,
                    _ => controls.missing += 1,
                }
            }
        }
        // risks
        let counts = self.risk_counts(p, org).await?;
        let n = |x: u64| usize::try_from(x).unwrap_or(usize::MAX);
        let rs = RiskSummary {
            total: n(counts.total),
            above_threshold: n(counts.above_threshold),
            open: n(counts.open),
            by_treatment: counts
                .by_treatment
                .into_iter()
                .map(|(k, v)| (k, n(v)))
                .collect(),
            overdue_treatments: n(counts.overdue_treatments),
        };
        // objectives and their latest measurements; the VANS handling rate
        // comes from the findings themselves
        let kpis = self.stores.plans.kpis(&scope, &org.id).await?;
        let vans = self.vans_handling_rate(p, org).await?;
        // the latest social-engineering drill round
        let campaign = self
            .stores
            .continuity
            .campaigns(&scope, Some(&org.id))
            .await?
            .into_iter()
            .next();
        let objectives = content
            .rows("policy", "quantitative")
            .iter()
            .map(|row| {
                let s = |k: &str| row.get(k).and_then(Value::as_str).unwrap_or("").to_string();
                let kpi = s("kpi");
                let target = row.get("target").and_then(Value::as_f64);
                let comparator = s("comparator");
                // list is newest period first
                let latest = kpis.iter().find(|k| !kpi.is_empty() && k.kpi == kpi);
                let live: Option<(String, String, f64)> = match kpi.as_str() {
                    "vans_handling_rate" => vans.and_then(|(m, r)| {
                        r.percent().map(|v| {
                            (
                                ymd(zian_domain::day::of_unix(m.end()) - time::Duration::days(1)),
                                format!("VANS {m}"),
                                v,
                            )
                        })
                    }),
                    "phishing_open_rate" | "phishing_click_rate" => campaign.as_ref().map(|c| {
                        let v = if kpi == "phishing_open_rate" {
                            c.open_rate()
                        } else {
                            c.click_rate()
                        };
                        (ymd(c.held_on), format!("社交工程演練 {}", c.round), v)
                    }),
                    _ => None,
                };
                let measured = live
                    .as_ref()
                    .map(|l| l.2)
                    .or(latest.map(KpiMeasurement::value));
                let met = match (measured, target, comparator.as_str()) {
                    (Some(m), Some(t), ">=") => Some(m >= t),
                    (Some(m), Some(t), "<=") => Some(m <= t),
                    _ => None,
                };
                ObjectiveStatus {
                    name: s("name"),
                    kpi,
                    comparator,
                    target,
                    unit: s("unit"),
                    measured,
                    period_end: match &live {
                        Some(l) => Some(l.0.clone()),
                        None => latest.map(|k| ymd(k.period_end)),
                    },
                    source: match live {
                        Some(l) => Some(l.1),
                        None => latest.map(|k| k.source.clone()),
                    },
                    met,
                }
            })
            .collect();
        Ok(LiveData {
            at: self.now(),
            level: org.level.map(|l| l.as_str().to_string()),
            requirements: req,
            inventory,
            risks: rs,
            controls,
            objectives,
        })
    }
}

/// How an area is hurt, in words for the plan's core-business table: the
/// worst level and after how long it is reached (`中斷 1 天後：高`), or
/// none.
fn impact_words(x: &zian_domain::continuity::Process, area: usize) -> String {
    let worst = (0..zian_domain::continuity::HORIZONS.len())
        .map(|k| x.body.impacts.at(k, area))
        .max()
        .unwrap_or(0);
    if worst == 0 {
        return String::new();
    }
    let level = ["無", "低", "中", "高"][usize::from(worst.min(3))];
    let after = (0..zian_domain::continuity::HORIZONS.len())
        .find(|k| x.body.impacts.at(*k, area) == worst)
        .map_or("", |k| ["4 小時", "1 天", "3 天", "1 週"][k]);
    format!("中斷 {after}後：{level}")
}

impl App {
    /// Fills a draft plan's business chapter (核心業務及重要性) from the
    /// impact analysis: the critical (高) processes as core business with
    /// their systems, impacts and MTD, the others as non-core; rows
    /// already listed (by name) are kept as they are; the BIA reference
    /// names the analysis. The number of rows added.
    pub async fn plan_business_from_bia(
        &self,
        p: &Principal,
        id: &zian_domain::PlanId,
    ) -> Result<usize> {
        let (_, org) = self.writable_draft(p, id).await?;
        let view = self.plan_view(p, id).await?;
        let org_id = org.id;
        let scope = p.scope(Permission::RecordRead);
        let processes = self
            .stores
            .continuity
            .all_processes(&scope, Some(&org_id))
            .await?;
        let systems = self
            .stores
            .systems
            .all(&scope, Some(&org_id), false)
            .await?;
        let mut chapter = view.content.chapter("business").clone();
        let rows = |key: &str| -> Vec<serde_json::Value> {
            chapter
                .get(key)
                .and_then(serde_json::Value::as_array)
                .cloned()
                .unwrap_or_default()
        };
        let (mut core, mut non_core) = (rows("core"), rows("non_core"));
        let listed: std::collections::BTreeSet<String> = core
            .iter()
            .chain(&non_core)
            .filter_map(|r| r.get("name").and_then(serde_json::Value::as_str))
            .map(|n| n.trim().to_string())
            .collect();
        let mut added = 0;
        for x in processes.iter().filter(|x| !listed.contains(x.name.trim())) {
            if x.critical() {
                let names: Vec<String> = systems
                    .iter()
                    .filter(|s| x.body.system_ids.contains(&s.id))
                    .map(|s| s.name.to_string())
                    .collect();
                core.push(serde_json::json!({
                    "name": x.name, "systems": names,
                    "impact_financial": impact_words(x, 0),
                    "impact_other": match impact_words(x, 1) {
                        w if w.is_empty() => w,
                        w => format!("民眾服務{w}"),
                    },
                    "impact_dependency": impact_words(x, 2),
                    "impact_legal": impact_words(x, 3),
                    "impact_reputation": impact_words(x, 4),
                    "mtd_hours": x.mtd_hours,
                }));
            } else {
                non_core.push(serde_json::json!({
                    "name": x.name,
                    "impact": x.body.description,
                    "mtd_hours": x.mtd_hours,
                }));
            }
            added += 1;
        }
        if added == 0 {
            return Ok(0);
        }
        chapter.insert("core".into(), serde_json::Value::Array(core));
        chapter.insert("non_core".into(), serde_json::Value::Array(non_core));
        let critical = processes.iter().filter(|x| x.critical()).count();
        chapter.insert(
            "bia_reference".into(),
            serde_json::Value::String(format!(
                "營運衝擊分析表（{} 項業務流程，關鍵營運流程 {critical} 項）",
                processes.len()
            )),
        );
        self.update_plan_chapter(p, id, "business", &serde_json::Value::Object(chapter))
            .await?;
        Ok(added)
    }
}

/// A number without a needless fraction (`2`, `0.5`).
pub fn fmt_num(x: f64) -> String {
    if x.fract() == 0.0 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn review_dates() {
        let today = date!(2026 - 11 - 21);
        assert_eq!(review_status(None, today), "none");
        assert_eq!(review_status(Some(date!(2026 - 11 - 20)), today), "overdue");
        assert_eq!(
            review_status(Some(date!(2027 - 01 - 10)), today),
            "due_soon"
        );
        assert_eq!(review_status(Some(date!(2027 - 06 - 01)), today), "ok");
        assert_eq!(fmt_num(2.0), "2");
        assert_eq!(fmt_num(0.5), "0.5");
    }
}
