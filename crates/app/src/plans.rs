//! The maintenance plan (資通安全維護計畫): versions of a structured document
//! (see `zian_domain::plan`) that the security staff draft and submit and the
//! CISO approves or returns; the live summaries each chapter shows from the
//! registers (systems, risks, baseline controls, measured KPIs, the level's
//! staffing and training requirements), frozen into a version when it is
//! submitted; the difference between versions; the yearly review date.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use time::Date;
use zian_domain::plan::{
    self, Change, Finding, LevelRequirements, PlanAction, PlanContent, PlanStatus,
    RequirementCheck, Severity,
};
use zian_domain::{Organisation, Permission};
use zian_rules::Frequency;
use zian_storage::{KpiRow, PlanRow, PlanTransition};

use crate::compliance::{parse_ymd, text, ymd};
use crate::error::Problem;
use crate::{App, AppError, Principal, Result};

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
#[derive(Debug, Clone, Serialize)]
pub struct PlanView {
    pub row: PlanRow,
    #[serde(skip)]
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
    pub previous_id: Option<String>,
}

/// An organisation's plan versions and where it stands.
#[derive(Debug, Clone, Serialize)]
pub struct PlanOverview {
    #[serde(skip)]
    pub org: Organisation,
    pub versions: Vec<PlanRow>,
    pub approved: Option<PlanRow>,
    pub open: Option<PlanRow>,
    pub review_due: Option<String>,
    /// `none` (never approved), `ok`, `due_soon` or `overdue`.
    pub review_status: &'static str,
    pub can_write: bool,
}

/// One organisation of the supervisors' roll-up.
#[derive(Debug, Clone, Serialize)]
pub struct PlanRollupRow {
    pub org_id: String,
    pub org_code: String,
    pub org_name: String,
    pub level: Option<String>,
    pub approved_version: Option<i64>,
    pub approved_on: Option<String>,
    pub review_due: Option<String>,
    pub review_status: &'static str,
    /// Status of the open (draft or submitted) version, if any.
    pub open_status: Option<String>,
}

/// A KPI measurement to record.
#[derive(Debug, Clone, Default)]
pub struct KpiInput {
    pub kpi: String,
    /// YYYY-MM-DD.
    pub period_end: String,
    pub value: f64,
    pub note: String,
}

fn problems(code: &'static str, v: Vec<plan::FieldError>) -> AppError {
    AppError::Problems {
        code,
        problems: v
            .into_iter()
            .map(|e| Problem {
                path: e.path,
                message_zh: e.reason_zh,
                message_en: e.reason_en,
            })
            .collect(),
    }
}

fn status_of(row: &PlanRow) -> Result<PlanStatus> {
    PlanStatus::parse(&row.status)
        .map_err(|_| AppError::Internal(format!("plan status {}", row.status)))
}

fn content_of(row: &PlanRow) -> Result<PlanContent> {
    let v: Value = serde_json::from_str(&row.content)
        .map_err(|e| AppError::Internal(format!("plan content: {e}")))?;
    // stored content was normalised when written; normalising again keeps
    // old versions readable after the schema gains fields
    plan::normalise(&v).map_err(|e| AppError::Internal(format!("stored plan content: {e:?}")))
}

fn review_status(review_due: Option<&str>, today: Date) -> &'static str {
    match review_due.and_then(|d| zian_rules::dates::parse_date(d).ok()) {
        None => "none",
        Some(d) if d < today => "overdue",
        Some(d) if (d - today).whole_days() <= REVIEW_DUE_SOON_DAYS => "due_soon",
        Some(_) => "ok",
    }
}

fn one_year_after(d: Date) -> Date {
    let y = d.year() + 1;
    Date::from_calendar_date(y, d.month(), d.day())
        // 29 February → 28 February
        .or_else(|_| Date::from_calendar_date(y, d.month(), 28))
        .unwrap_or(d)
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
    async fn plan_row(&self, p: &Principal, id: &str) -> Result<PlanRow> {
        self.store
            .get_plan(&p.scope(Permission::RecordRead), id)
            .await?
            .ok_or(AppError::NotFound)
    }

    /// The versions of an organisation's plan.
    pub async fn plan_overview(&self, p: &Principal, org_id: &str) -> Result<PlanOverview> {
        let org = self.org_with(p, org_id, Permission::RecordRead).await?;
        let versions = self
            .store
            .list_plans(&p.scope(Permission::RecordRead), Some(&org.id))
            .await?;
        let approved = versions.iter().find(|v| v.status == "approved").cloned();
        let open = versions
            .iter()
            .find(|v| v.status == "draft" || v.status == "submitted")
            .cloned();
        let review_due = approved.as_ref().and_then(|a| a.review_due.clone());
        Ok(PlanOverview {
            review_status: review_status(review_due.as_deref(), self.today()),
            review_due,
            can_write: p.require(Permission::RecordWrite, &org.path).is_ok(),
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
        org_id: &str,
        start: PlanStart,
        change_note: &str,
    ) -> Result<PlanRow> {
        let org = self.org_with(p, org_id, Permission::RecordWrite).await?;
        let note = text("change_note", change_note, 2000, false)?;
        let versions = self
            .store
            .list_plans(&p.scope(Permission::RecordRead), Some(&org.id))
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
        let row = PlanRow {
            id: self.ids.new_id(),
            org_id: org.id.clone(),
            version: 0,
            status: PlanStatus::Draft.as_str().to_string(),
            content: content.into_json().to_string(),
            live_snapshot: None,
            change_note: note,
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
            .store
            .insert_plan(&p.scope(Permission::RecordWrite), &row, e)
            .await?)
    }

    /// A version with its findings, requirement checks and live summaries.
    pub async fn plan_view(&self, p: &Principal, id: &str) -> Result<PlanView> {
        let row = self.plan_row(p, id).await?;
        let org = self
            .org_with(p, &row.org_id, Permission::RecordRead)
            .await?;
        let status = status_of(&row)?;
        let content = content_of(&row)?;
        let frozen = row
            .live_snapshot
            .as_deref()
            .and_then(|s| serde_json::from_str::<LiveData>(s).ok());
        let live_is_frozen = frozen.is_some();
        let live = match frozen {
            Some(l) => l,
            None => self.live_data(p, &org, &content).await?,
        };
        let mut findings = plan::check(&content);
        let requirements = plan::requirement_checks(&content, &live.requirements);
        for r in requirements.iter().filter(|r| !r.met) {
            findings.push(Finding {
                chapter: "staffing",
                severity: Severity::Warning,
                message_zh: format!(
                    "{}：計畫 {}，等級要求 {}",
                    r.label_zh,
                    r.planned.map(fmt_num).unwrap_or_else(|| "未填".into()),
                    fmt_num(r.required)
                ),
                message_en: format!(
                    "{}: the plan has {}, the level requires {}",
                    r.label_en,
                    r.planned.map(fmt_num).unwrap_or_else(|| "nothing".into()),
                    fmt_num(r.required)
                ),
            });
        }
        let versions = self
            .store
            .list_plans(&p.scope(Permission::RecordRead), Some(&org.id))
            .await?;
        let previous_id = versions
            .iter()
            .filter(|v| v.version < row.version)
            .max_by_key(|v| v.version)
            .map(|v| v.id.clone());
        Ok(PlanView {
            can_edit: status == PlanStatus::Draft
                && p.require(Permission::RecordWrite, &org.path).is_ok(),
            can_approve: status == PlanStatus::Submitted
                && p.require(Permission::PlanApprove, &org.path).is_ok(),
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

    async fn writable_draft(&self, p: &Principal, id: &str) -> Result<(PlanRow, Organisation)> {
        let row = self.plan_row(p, id).await?;
        let org = self
            .org_with(p, &row.org_id, Permission::RecordWrite)
            .await?;
        status_of(&row)?
            .after(PlanAction::Edit)
            .map_err(|_| AppError::Conflict("plan status".into()))?;
        Ok((row, org))
    }

    /// Replaces a draft's whole content.
    pub async fn update_plan(
        &self,
        p: &Principal,
        id: &str,
        content: &Value,
        change_note: Option<&str>,
    ) -> Result<PlanView> {
        let (row, org) = self.writable_draft(p, id).await?;
        let c = plan::normalise(content).map_err(|e| problems("plan.content", e))?;
        self.save_content(p, &row, &org, &c, change_note, None)
            .await?;
        self.plan_view(p, id).await
    }

    /// Replaces one chapter of a draft.
    pub async fn update_plan_chapter(
        &self,
        p: &Principal,
        id: &str,
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
        row: &PlanRow,
        org: &Organisation,
        c: &PlanContent,
        change_note: Option<&str>,
        chapter: Option<&str>,
    ) -> Result<()> {
        let note = match change_note {
            Some(n) => text("change_note", n, 2000, false)?,
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
        self.store
            .update_plan_content(
                &p.scope(Permission::RecordWrite),
                &row.id,
                &Value::Object(c.as_json().clone()).to_string(),
                &note,
                Some(&p.user.id),
                self.now(),
                e,
            )
            .await?;
        Ok(())
    }

    /// Submits a draft for approval: refused with every blocking finding;
    /// freezes the live summaries into the version.
    pub async fn submit_plan(&self, p: &Principal, id: &str) -> Result<PlanView> {
        let view = self.plan_view(p, id).await?;
        self.org_with(p, &view.org.id, Permission::RecordWrite)
            .await?;
        view.status
            .after(PlanAction::Submit)
            .map_err(|_| AppError::Conflict("plan status".into()))?;
        let blocking: Vec<Problem> = view
            .findings
            .iter()
            .filter(|f| f.severity == Severity::Blocking)
            .map(|f| Problem {
                path: f.chapter.to_string(),
                message_zh: f.message_zh.clone(),
                message_en: f.message_en.clone(),
            })
            .collect();
        if !blocking.is_empty() {
            return Err(AppError::Problems {
                code: "plan.incomplete",
                problems: blocking,
            });
        }
        let live = self.live_data(p, &view.org, &view.content).await?;
        let snapshot = serde_json::to_string(&live)
            .map_err(|e| AppError::Internal(format!("snapshot: {e}")))?;
        let now = self.now();
        let mut e = p.event("plan.submitted", Some(&view.org.id), Some(id));
        e.details = serde_json::json!({"version": view.row.version});
        self.store
            .transition_plan(
                &p.scope(Permission::RecordWrite),
                id,
                &PlanTransition {
                    from: "draft".into(),
                    to: "submitted".into(),
                    by: Some(p.user.id.clone()),
                    at: now,
                    live_snapshot: Some(snapshot),
                    ..PlanTransition::default()
                },
                e,
            )
            .await?;
        self.plan_view(p, id).await
    }

    /// The CISO approves a submitted version on `approved_on` (default
    /// today); the yearly review falls due one year later, and the previously
    /// approved version is superseded.
    pub async fn approve_plan(
        &self,
        p: &Principal,
        id: &str,
        approved_on: Option<&str>,
    ) -> Result<PlanView> {
        let row = self.plan_row(p, id).await?;
        let org = self
            .org_with(p, &row.org_id, Permission::PlanApprove)
            .await?;
        status_of(&row)?
            .after(PlanAction::Approve)
            .map_err(|_| AppError::Conflict("plan status".into()))?;
        let today = self.today();
        let on = match approved_on.filter(|s| !s.trim().is_empty()) {
            Some(s) => parse_ymd("approved_on", s)?,
            None => today,
        };
        if on > today {
            return Err(AppError::invalid(
                "approved_on",
                "must not be in the future",
            ));
        }
        if row
            .submitted_at
            .is_some_and(|t| on < crate::compliance::date_of(t))
        {
            return Err(AppError::invalid(
                "approved_on",
                "must not be before the submission",
            ));
        }
        let due = one_year_after(on);
        let mut e = p.event("plan.approved", Some(&org.id), Some(id));
        e.details = serde_json::json!({"version": row.version, "approved_on": ymd(on)});
        self.store
            .transition_plan(
                &p.scope(Permission::PlanApprove),
                id,
                &PlanTransition {
                    from: "submitted".into(),
                    to: "approved".into(),
                    by: Some(p.user.id.clone()),
                    at: self.now(),
                    approved_on: Some(ymd(on)),
                    approver_name: Some(p.user.display_name.clone()),
                    review_due: Some(ymd(due)),
                    ..PlanTransition::default()
                },
                e,
            )
            .await?;
        self.plan_view(p, id).await
    }

    /// The CISO returns a submitted version to draft with a reason.
    pub async fn return_plan(&self, p: &Principal, id: &str, reason: &str) -> Result<PlanView> {
        let row = self.plan_row(p, id).await?;
        let org = self
            .org_with(p, &row.org_id, Permission::PlanApprove)
            .await?;
        status_of(&row)?
            .after(PlanAction::Return)
            .map_err(|_| AppError::Conflict("plan status".into()))?;
        let reason = text("reason", reason, 2000, true)?;
        let mut e = p.event("plan.returned", Some(&org.id), Some(id));
        e.details = serde_json::json!({"version": row.version, "reason": reason});
        self.store
            .transition_plan(
                &p.scope(Permission::PlanApprove),
                id,
                &PlanTransition {
                    from: "submitted".into(),
                    to: "draft".into(),
                    by: Some(p.user.id.clone()),
                    at: self.now(),
                    return_reason: Some(reason),
                    ..PlanTransition::default()
                },
                e,
            )
            .await?;
        self.plan_view(p, id).await
    }

    /// The changes from `against` (default: the previous version) to `id`.
    pub async fn plan_diff(
        &self,
        p: &Principal,
        id: &str,
        against: Option<&str>,
    ) -> Result<(PlanRow, Option<PlanRow>, Vec<Change>)> {
        let row = self.plan_row(p, id).await?;
        let other = match against {
            Some(a) => Some(self.plan_row(p, a).await?),
            None => {
                let versions = self
                    .store
                    .list_plans(&p.scope(Permission::RecordRead), Some(&row.org_id))
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
                "a version of the same organisation's plan",
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
        let plans = self.store.list_plans(&scope, None).await?;
        let orgs = self
            .store
            .list_orgs(
                &scope,
                &zian_storage::ListQuery {
                    limit: 10_000,
                    ..zian_storage::ListQuery::default()
                },
            )
            .await?;
        let today = self.today();
        Ok(orgs
            .items
            .into_iter()
            .filter(|o| o.active)
            .map(|o| {
                let mine: Vec<&PlanRow> = plans.iter().filter(|v| v.org_id == o.id).collect();
                let approved = mine.iter().find(|v| v.status == "approved");
                let open = mine
                    .iter()
                    .find(|v| v.status == "draft" || v.status == "submitted");
                let review_due = approved.and_then(|a| a.review_due.clone());
                PlanRollupRow {
                    org_id: o.id.clone(),
                    org_code: o.code.clone().unwrap_or_default(),
                    org_name: o.name_zh.clone(),
                    level: o.level.map(|l| l.as_str().to_string()),
                    approved_version: approved.map(|a| a.version),
                    approved_on: approved.and_then(|a| a.approved_on.clone()),
                    review_status: review_status(review_due.as_deref(), today),
                    review_due,
                    open_status: open.map(|v| v.status.clone()),
                }
            })
            .collect())
    }

    /// Records a KPI measurement for an organisation.
    pub async fn record_kpi(&self, p: &Principal, org_id: &str, input: KpiInput) -> Result<KpiRow> {
        let org = self.org_with(p, org_id, Permission::RecordWrite).await?;
        if plan::schema::kpi_label(&input.kpi, "zh-TW").is_none() {
            let codes: Vec<&str> = plan::schema::KPIS.iter().map(|k| k.0).collect();
            return Err(AppError::invalid(
                "kpi",
                format!("one of {}", codes.join(", ")),
            ));
        }
        let period_end = parse_ymd("period_end", &input.period_end)?;
        if period_end > self.today() {
            return Err(AppError::invalid("period_end", "must not be in the future"));
        }
        if !input.value.is_finite() || input.value.abs() > 1.0e12 {
            return Err(AppError::invalid("value", "a finite number"));
        }
        let row = KpiRow {
            id: self.ids.new_id(),
            org_id: org.id.clone(),
            kpi: input.kpi.clone(),
            period_end: ymd(period_end),
            value_milli: (input.value * 1000.0).round() as i64,
            source: "manual".into(),
            note: text("note", &input.note, 2000, false)?,
            recorded_by: Some(p.user.id.clone()),
            recorded_at: self.now(),
        };
        let mut e = p.event("kpi.recorded", Some(&org.id), Some(&row.id));
        e.details = serde_json::json!({"kpi": row.kpi, "period_end": row.period_end, "value_milli": row.value_milli});
        self.store
            .insert_kpi(&p.scope(Permission::RecordWrite), &row, e)
            .await?;
        Ok(row)
    }

    pub async fn list_kpis(&self, p: &Principal, org_id: &str) -> Result<Vec<KpiRow>> {
        let org = self.org_with(p, org_id, Permission::RecordRead).await?;
        Ok(self
            .store
            .list_kpis(&p.scope(Permission::RecordRead), &org.id)
            .await?)
    }

    /// The live summaries for an organisation's plan.
    async fn live_data(
        &self,
        p: &Principal,
        org: &Organisation,
        content: &PlanContent,
    ) -> Result<LiveData> {
        let today = self.today();
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
            .store
            .list_systems(&scope, Some(&org.id), false)
            .await?;
        let mut controls = ControlSummary::default();
        let mut inventory = Vec::new();
        for s in &systems {
            inventory.push(InventoryLine {
                name: s.name.clone(),
                level: s.level.clone(),
                review_due: s.review_due.clone(),
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
                match r.status.as_ref().map(|s| s.status.as_str()) {
                    Some("implemented") => controls.implemented += 1,
                    Some("partial") => controls.partial += 1,
                    Some("planned") => controls.planned += 1,
                    _ => controls.missing += 1,
                }
            }
        }
        // risks
        let risks = self
            .store
            .list_risks(
                &scope,
                &zian_storage::RiskFilter {
                    org_id: Some(org.id.clone()),
                    ..zian_storage::RiskFilter::default()
                },
            )
            .await?;
        let mut rs = RiskSummary {
            total: risks.len(),
            ..RiskSummary::default()
        };
        let today_s = ymd(today);
        for r in &risks {
            if r.risk_value > r.threshold {
                rs.above_threshold += 1;
            }
            if r.status != "closed" {
                rs.open += 1;
                if r.due_on.as_deref().is_some_and(|d| d < today_s.as_str()) {
                    rs.overdue_treatments += 1;
                }
            }
            *rs.by_treatment.entry(r.treatment.clone()).or_default() += 1;
        }
        // objectives and their latest measurements
        let kpis = self.store.list_kpis(&scope, &org.id).await?;
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
                let measured = latest.map(|k| k.value_milli as f64 / 1000.0);
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
                    period_end: latest.map(|k| k.period_end.clone()),
                    source: latest.map(|k| k.source.clone()),
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
        assert_eq!(one_year_after(date!(2026 - 03 - 01)), date!(2027 - 03 - 01));
        assert_eq!(one_year_after(date!(2024 - 02 - 29)), date!(2025 - 02 - 28));
        let today = date!(2026 - 11 - 21);
        assert_eq!(review_status(None, today), "none");
        assert_eq!(review_status(Some("2026-11-20"), today), "overdue");
        assert_eq!(review_status(Some("2027-01-10"), today), "due_soon");
        assert_eq!(review_status(Some("2027-06-01"), today), "ok");
        assert_eq!(fmt_num(2.0), "2");
        assert_eq!(fmt_num(0.5), "0.5");
    }
}
