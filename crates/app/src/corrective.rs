//! Corrective actions (矯正措施): raised from a drill's problems, an
//! activation's review or an incident's lessons, with an owner and a due
//! date, done with the result. Overdue ones are reminded daily
//! (`continuity.daily`).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use zian_domain::corrective::{CorrectiveAction, Source};
use zian_domain::day::ymd;
use zian_domain::{
    ActionId, ActivationId, DrillId, IncidentId, ListQuery, OrgId, Page, Permission, Principal,
    Text,
};
use zian_i18n::msg;
use zian_storage::ActionFilter;

use crate::{App, AppError, Result};

/// A corrective action to track.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "CorrectiveActionIn")]
pub struct ActionInput {
    /// What raised it: `drill`, `activation`, `incident`, `audit`,
    /// `management_review`, `maturity_report`, and its id.
    pub source: String,
    pub source_id: String,
    /// What is to be done, at most 500 characters.
    pub title: String,
    /// Who (a person or unit).
    pub owner: String,
    /// `YYYY-MM-DD`.
    pub due_on: String,
}

/// An action done.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "CorrectiveActionDoneIn")]
pub struct DoneInput {
    /// What was done and its effect.
    pub result: String,
    /// `YYYY-MM-DD`; default today.
    #[serde(default)]
    pub done_on: Option<String>,
}

/// The auditee's analysis of an audit finding's action.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
#[schemars(rename = "CorrectiveAnalysisIn")]
pub struct AnalysisInput {
    /// 發生原因分析
    pub root_cause: String,
    /// Where similar defects were sought, and what was found.
    pub similar: String,
    /// 改善措施 as planned.
    pub plan: String,
}

/// The review of a done action's effectiveness.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
#[schemars(rename = "CorrectiveReviewIn")]
pub struct ReviewInput {
    /// Whether the action worked; `false` opens it again.
    pub effective: bool,
    /// What was checked (改善成效考核).
    pub note: String,
    /// `YYYY-MM-DD`; default today.
    pub reviewed_on: Option<String>,
    /// Not effective: the new due date.
    pub due_on: Option<String>,
}

/// A corrective action as the API shows it.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ActionOut {
    pub id: String,
    pub org_id: String,
    pub source: String,
    pub source_id: String,
    /// The page of the record that raised it.
    pub source_link: String,
    pub title: String,
    pub owner: String,
    pub due_on: String,
    /// `open` or `done`.
    pub status: String,
    pub overdue: bool,
    pub done_on: Option<String>,
    pub result: String,
    /// Audit findings: the finding, the analysis and the effectiveness
    /// review; `settled` when done (and, for an audit finding, reviewed).
    pub finding: String,
    pub root_cause: String,
    pub similar: String,
    pub plan: String,
    pub reviewed_on: Option<String>,
    pub review_note: String,
    pub settled: bool,
}

impl ActionOut {
    pub fn of(a: &CorrectiveAction, today: time::Date) -> ActionOut {
        ActionOut {
            id: a.id.to_string(),
            org_id: a.org_id.to_string(),
            source: a.source.as_str().into(),
            source_id: a.source_id.clone(),
            source_link: a.source.link(&a.source_id),
            title: a.title.clone(),
            owner: a.owner.clone(),
            due_on: ymd(a.due_on),
            status: a.status().into(),
            overdue: a.overdue(today),
            done_on: a.done_on.map(ymd),
            result: a.result.clone(),
            finding: a.finding.clone(),
            root_cause: a.root_cause.clone(),
            similar: a.similar.clone(),
            plan: a.plan.clone(),
            reviewed_on: a.reviewed_on.map(ymd),
            review_note: a.review_note.clone(),
            settled: a.settled(),
        }
    }
}

/// The list's filters from the query pairs: `source`, `open`, `overdue`.
pub fn action_filter(pairs: &[(String, String)], today: time::Date) -> Result<ActionFilter> {
    let mut f = ActionFilter::default();
    for (k, v) in pairs {
        let v = v.trim();
        if v.is_empty() {
            continue;
        }
        match k.as_str() {
            "source" => f.source = Some(Source::parse(v)?),
            "open" => f.open = crate::parse_bool("open", v)?,
            "overdue" if crate::parse_bool("overdue", v)? => f.due_before = Some(today),
            _ => {}
        }
    }
    Ok(f)
}

impl App {
    /// The organisation of the record an action is raised from.
    async fn source_org(&self, p: &Principal, source: Source, id: &str) -> Result<OrgId> {
        let scope = p.scope(Permission::RecordRead);
        let st = &self.stores.continuity;
        let org = match source {
            Source::Drill => st
                .get_drill(&scope, &DrillId::from(id))
                .await?
                .map(|x| x.org_id),
            Source::Activation => st
                .get_activation(&scope, &ActivationId::from(id))
                .await?
                .map(|x| x.org_id),
            Source::Incident => self
                .stores
                .incidents
                .get(&scope, &IncidentId::from(id))
                .await?
                .map(|x| x.org_id),
            Source::Audit => self
                .stores
                .audits
                .get_audit(&scope, &zian_domain::AuditId::from(id))
                .await?
                .map(|x| x.org_id),
            Source::Review => self
                .stores
                .management_review
                .get_review(&scope, &zian_domain::ManagementReviewId::from(id))
                .await?
                .map(|x| x.org_id),
            Source::Maturity => self
                .stores
                .maturity
                .get_report(&scope, &zian_domain::MaturityReportId::from(id))
                .await?
                .map(|x| x.org_id),
        };
        org.ok_or_else(|| AppError::invalid("source_id", msg!("reason.corrective.no_source")))
    }

    /// Raises a corrective action from a record of the organisation.
    pub async fn raise_action(
        &self,
        p: &Principal,
        input: ActionInput,
    ) -> Result<CorrectiveAction> {
        let source = Source::parse(&input.source)?;
        let source_id = input.source_id.trim().to_string();
        let org_id = self.source_org(p, source, &source_id).await?;
        let org = self.org_with(p, &org_id, Permission::RecordWrite).await?;
        let due_on = zian_domain::day::parse("due_on", &input.due_on)?;
        let now = self.now();
        let a = CorrectiveAction {
            id: ActionId::from(self.ids.new_id()),
            org_id: org.id.clone(),
            source,
            source_id,
            title: Text::<500>::parse("title", &input.title)?.into_string(),
            owner: Text::<100>::parse("owner", &input.owner)?.into_string(),
            due_on,
            done_on: None,
            result: String::new(),
            finding: String::new(),
            root_cause: String::new(),
            similar: String::new(),
            plan: String::new(),
            reviewed_on: None,
            review_note: String::new(),
            created_by: Some(p.user.id.clone()),
            created_at: now,
            updated_at: now,
        };
        let mut e = p.event("corrective.raised", Some(&org.id), Some(&a.id));
        e.details = serde_json::json!({"source": source.as_str(), "source_id": a.source_id, "title": a.title, "owner": a.owner, "due_on": ymd(a.due_on)});
        self.stores
            .corrective
            .save_action(&p.scope(Permission::RecordWrite), &a, true, e)
            .await?;
        Ok(a)
    }

    pub async fn get_action(&self, p: &Principal, id: &ActionId) -> Result<CorrectiveAction> {
        let a = self
            .stores
            .corrective
            .get_action(&p.scope(Permission::RecordRead), id)
            .await?
            .ok_or(AppError::NotFound)?;
        self.org_with(p, &a.org_id, Permission::RecordRead).await?;
        Ok(a)
    }

    /// Marks an action done with its result.
    pub async fn finish_action(
        &self,
        p: &Principal,
        id: &ActionId,
        input: DoneInput,
    ) -> Result<CorrectiveAction> {
        let mut a = self.get_action(p, id).await?;
        let org = self.org_with(p, &a.org_id, Permission::RecordWrite).await?;
        if !a.is_open() {
            return Err(AppError::Conflict("corrective_done"));
        }
        let today = self.today();
        let on = zian_domain::day::parse_opt("done_on", input.done_on.as_deref())?.unwrap_or(today);
        let result = Text::<4000>::parse("result", &input.result)?;
        a.finish(on, &result, today)?;
        a.updated_at = self.now();
        let mut e = p.event("corrective.done", Some(&org.id), Some(&a.id));
        e.details = serde_json::json!({"title": a.title, "done_on": a.done_on.map(ymd), "late": on > a.due_on});
        self.stores
            .corrective
            .save_action(&p.scope(Permission::RecordWrite), &a, false, e)
            .await?;
        Ok(a)
    }

    /// Records the auditee's analysis of an open action: root cause,
    /// similar defects sought, the plan.
    pub async fn analyse_action(
        &self,
        p: &Principal,
        id: &ActionId,
        input: AnalysisInput,
    ) -> Result<CorrectiveAction> {
        let mut a = self.get_action(p, id).await?;
        let org = self.org_with(p, &a.org_id, Permission::RecordWrite).await?;
        let memo = |f: &'static str, v: &str| -> Result<String> {
            Ok(zian_domain::text::Memo::<4000>::parse(f, v)?.into_string())
        };
        a.analyse(
            &memo("root_cause", &input.root_cause)?,
            &memo("similar", &input.similar)?,
            &memo("plan", &input.plan)?,
        )?;
        a.updated_at = self.now();
        let mut e = p.event("corrective.analysed", Some(&org.id), Some(&a.id));
        e.details =
            serde_json::json!({"root_cause": a.root_cause, "similar": a.similar, "plan": a.plan});
        self.stores
            .corrective
            .save_action(&p.scope(Permission::RecordWrite), &a, false, e)
            .await?;
        Ok(a)
    }

    /// Reviews a done action's effectiveness: the organisation's CISO, or
    /// whoever runs the audit that raised it (its auditors).
    pub async fn review_action(
        &self,
        p: &Principal,
        id: &ActionId,
        input: ReviewInput,
    ) -> Result<CorrectiveAction> {
        let mut a = self.get_action(p, id).await?;
        let org = self.org_with(p, &a.org_id, Permission::RecordRead).await?;
        let scope = self.review_scope(p, &a, &org).await?;
        let today = self.today();
        let on = zian_domain::day::parse_opt("reviewed_on", input.reviewed_on.as_deref())?
            .unwrap_or(today);
        let due = zian_domain::day::parse_opt("due_on", input.due_on.as_deref())?;
        let note = zian_domain::text::Memo::<4000>::parse("review_note", &input.note)?;
        a.review(on, input.effective, &note, due, today)?;
        a.updated_at = self.now();
        let mut e = p.event("corrective.reviewed", Some(&org.id), Some(&a.id));
        e.details = serde_json::json!({"effective": input.effective, "note": a.review_note, "due_on": ymd(a.due_on)});
        self.stores
            .corrective
            .save_action(&scope, &a, false, e)
            .await?;
        Ok(a)
    }

    /// Who reviews an action: the writers of the audit that raised it, or
    /// the organisation's CISO (PlanApprove).
    async fn review_scope(
        &self,
        p: &Principal,
        a: &CorrectiveAction,
        org: &zian_domain::Organisation,
    ) -> Result<zian_domain::OrgScope> {
        if a.source == Source::Audit {
            let audit = self
                .get_audit(p, &zian_domain::AuditId::from(a.source_id.as_str()))
                .await?;
            let runner = self.org_with(p, &audit.run_by, Permission::OrgRead).await?;
            for perm in [Permission::AuditRecordWrite, Permission::RecordWrite] {
                if self.can(p, perm, &runner) {
                    return Ok(p.scope(perm));
                }
            }
        }
        if self.can(p, Permission::PlanApprove, org) {
            return Ok(p.scope(Permission::PlanApprove));
        }
        Err(AppError::Forbidden)
    }

    /// An organisation's actions, paged.
    pub async fn list_actions(
        &self,
        p: &Principal,
        org_id: &OrgId,
        f: &ActionFilter,
        q: &ListQuery,
    ) -> Result<Page<CorrectiveAction>> {
        let org = self.org_with(p, org_id, Permission::RecordRead).await?;
        Ok(self
            .stores
            .corrective
            .actions(&p.scope(Permission::RecordRead), Some(&org.id), f, q)
            .await?)
    }

    /// The actions a record raised, open first.
    pub async fn actions_of(
        &self,
        p: &Principal,
        source: Source,
        id: &str,
    ) -> Result<Vec<CorrectiveAction>> {
        let f = ActionFilter {
            source: Some(source),
            source_id: Some(id.to_string()),
            ..ActionFilter::default()
        };
        Ok(self
            .stores
            .corrective
            .actions(
                &p.scope(Permission::RecordRead),
                None,
                &f,
                &ListQuery::all(500),
            )
            .await?
            .items)
    }
}
