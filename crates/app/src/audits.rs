//! Security audits (資通安全稽核): planned with the plan's contents and a
//! team checked against the rules, items copied from a checklist (seed
//! 001's vendor checklist, 附表十 for the organisation's graded systems, or
//! typed), the auditees notified through their inbox, the items answered,
//! the report raising one corrective action per finding, and the close
//! once every action is done and reviewed as effective. A reported internal
//! audit proves the internal-audit obligation (`compliance`).
//!
//! Who writes: the organisation that runs the audit — its officers, CISO or
//! auditors (`RecordWrite` or `AuditRecordWrite` there); for a supervisory
//! audit that is the supervising organisation, whose scope holds the
//! audited one.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use zian_domain::audits::{
    Answer, Audit, AuditBody, AuditKind, AuditStatus, Auditor, DEFAULT_NOTICE_DAYS, Recusal,
    RecusalReason, SUPERVISORY_NOTICE_DAYS, SavedChecklist, items_from_lines,
};
use zian_domain::corrective::{CorrectiveAction, Source};
use zian_domain::day::ymd;
use zian_domain::org::Organisation;
use zian_domain::{
    ActionId, AuditId, ChecklistId, ListQuery, OrgId, OrgScope, Page, Permission, Principal, Text,
};
use zian_i18n::msg;
use zian_storage::{ActionFilter, AuditFilter};

use crate::inbox::Raise;
use crate::{App, AppError, Result};

/// A member of the team as typed.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
#[schemars(rename = "AuditorIn")]
pub struct AuditorInput {
    pub name: String,
    /// The auditor's own unit (may not be one of the audited units).
    pub unit: String,
    /// `YYYY-MM-DD`: audit training completed or audit certificate obtained.
    pub trained_on: Option<String>,
    pub lead: bool,
    /// A representative of a public agency (supervisory audits).
    pub public_rep: bool,
    /// Signed the conflict-of-interest and confidentiality declaration.
    pub declared: bool,
}

/// A recusal as typed.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
#[schemars(rename = "RecusalIn")]
pub struct RecusalInput {
    pub name: String,
    /// `relative`, `employment`, `consultancy`, `other`.
    pub reason: String,
    pub note: String,
}

/// An audit's plan (稽核計畫).
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
#[schemars(rename = "AuditIn")]
pub struct AuditInput {
    /// `internal` (default), `supervisory`, `vendor`; fixed once created.
    pub kind: String,
    /// Supervisory audits: the supervising organisation's id (default: the
    /// audited organisation's parent). Fixed once created.
    pub run_by: Option<String>,
    pub title: String,
    /// `YYYY-MM-DD`.
    pub starts_on: String,
    pub ends_on: String,
    /// Days before the start the auditees are notified at the latest
    /// (default 14; supervisory at least 30).
    pub notice_days: Option<u32>,
    /// 依據與目的
    pub basis: String,
    /// 重點領域
    pub focus: String,
    /// 稽核方式
    pub method: String,
    /// 稽核基準
    pub criteria: String,
    /// 保密義務
    pub secrecy: String,
    /// 受稽核單位配合事項
    pub auditee_support: String,
    /// The units audited.
    pub auditee_units: Vec<String>,
    /// The vendor (vendor audits).
    pub vendor: String,
    pub team: Vec<AuditorInput>,
    pub recusals: Vec<RecusalInput>,
}

/// The items to audit: from a checklist or typed.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
#[schemars(rename = "AuditItemsIn")]
pub struct ItemsInput {
    /// `vendor-001` (seed 001's 委外廠商查核項目表), `baseline` (附表十
    /// for the organisation's graded systems) or `custom`.
    pub checklist: String,
    /// `custom`: one item a line, `section | question` or `no | section |
    /// question`. Items are assigned to the auditors in turn.
    pub lines: String,
}

/// A checklist to keep for the organisation's audits and those below it.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "AuditChecklistIn")]
pub struct ChecklistInput {
    /// e.g. 個人資料保護查核項目表, at most 100 characters.
    pub name: String,
    /// One item a line, `section | question` or `no | section | question`.
    pub lines: String,
}

/// The checklists an organisation's audits may use.
#[derive(Debug, Clone)]
pub struct ChecklistsView {
    pub org: Organisation,
    /// Its own (it may remove them).
    pub own: Vec<SavedChecklist>,
    /// Kept by the organisations above it, with the keeper's name.
    pub inherited: Vec<(SavedChecklist, String)>,
    pub can_write: bool,
}

/// One item's result.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
#[schemars(rename = "AuditAnswerIn")]
pub struct AnswerInput {
    /// The item's position in the audit (0-based).
    pub item: usize,
    /// `conforms`, `nonconforms`, `not_applicable`.
    pub answer: String,
    /// The explanation; required for `nonconforms`.
    pub note: String,
}

/// Results of several items.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
#[schemars(rename = "AuditAnswersIn")]
pub struct AnswersInput {
    pub answers: Vec<AnswerInput>,
}

/// A finding's corrective action as the report raises it.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
#[schemars(rename = "AuditFindingActionIn")]
pub struct FindingActionInput {
    /// The finding's item position.
    pub item: usize,
    /// What is to be done (default: 改善：the finding).
    pub title: String,
    /// Who (default: the first audited unit, else the organisation).
    pub owner: String,
    /// `YYYY-MM-DD` (default: a month after the report, 稽核辦法 art. 8).
    pub due_on: String,
}

/// The report (稽核結果).
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
#[schemars(rename = "AuditReportIn")]
pub struct ReportInput {
    /// The conclusion (稽核結論).
    pub conclusion: String,
    /// Per finding, its action where the defaults do not fit.
    pub actions: Vec<FindingActionInput>,
}

/// An audit with what its pages show.
#[derive(Debug, Clone)]
pub struct AuditView {
    pub audit: Audit,
    pub org: Organisation,
    /// The checklists its items may be copied from besides the shipped
    /// ones: the organisation's and those kept above it.
    pub checklists: Vec<SavedChecklist>,
    pub run_by: Organisation,
    /// The corrective actions its findings raised.
    pub actions: Vec<CorrectiveAction>,
    /// Whether the caller may change it.
    pub can_write: bool,
}

/// Days after the report a finding's action is due by default (稽核辦法
/// art. 8: the improvement report within a month).
pub const DEFAULT_ACTION_DAYS: i64 = 30;

/// The list's filters from the query pairs: `kind`, `status`, `year`.
pub fn audit_filter(pairs: &[(String, String)]) -> Result<AuditFilter> {
    let mut f = AuditFilter::default();
    for (k, v) in pairs {
        let v = v.trim();
        if v.is_empty() {
            continue;
        }
        match k.as_str() {
            "kind" => f.kind = Some(AuditKind::parse(v)?),
            "status" => f.status = Some(AuditStatus::parse(v)?),
            "year" => {
                f.year = Some(
                    v.parse()
                        .ok()
                        .filter(|y| (1900..=9999).contains(y))
                        .ok_or_else(|| {
                            AppError::invalid("year", msg!("reason.unknown_value", value = v))
                        })?,
                );
            }
            _ => {}
        }
    }
    Ok(f)
}

fn team_of(input: &[AuditorInput]) -> Result<Vec<Auditor>> {
    input
        .iter()
        .map(|a| {
            Ok(Auditor {
                name: Text::<50>::parse("team", &a.name)?.into_string(),
                unit: Text::<100>::parse("team", &a.unit)?.into_string(),
                trained_on: zian_domain::day::parse_opt("team", a.trained_on.as_deref())?,
                lead: a.lead,
                public_rep: a.public_rep,
                declared: a.declared,
            })
        })
        .collect()
}

fn recusals_of(input: &[RecusalInput]) -> Result<Vec<Recusal>> {
    input
        .iter()
        .map(|r| {
            Ok(Recusal {
                name: Text::<50>::parse("recusals", &r.name)?.into_string(),
                reason: RecusalReason::parse(&r.reason)?,
                note: zian_domain::text::Memo::<500>::parse("recusals", &r.note)?.into_string(),
            })
        })
        .collect()
}

fn memo<const N: usize>(field: &'static str, v: &str) -> Result<String> {
    Ok(zian_domain::text::Memo::<N>::parse(field, v)?.into_string())
}

impl App {
    /// The permission the caller writes an audit run by `run_by` with.
    fn audit_write(&self, p: &Principal, run_by: &Organisation) -> Option<OrgScope> {
        [Permission::AuditRecordWrite, Permission::RecordWrite]
            .into_iter()
            .find(|perm| self.can(p, *perm, run_by))
            .map(|perm| p.scope(perm))
    }

    /// The organisation that runs an audit of `org` of `kind`.
    async fn audit_runner(
        &self,
        p: &Principal,
        org: &Organisation,
        kind: AuditKind,
        run_by: Option<&str>,
    ) -> Result<Organisation> {
        if kind != AuditKind::Supervisory {
            return Ok(org.clone());
        }
        let id = match run_by.map(str::trim).filter(|s| !s.is_empty()) {
            Some(id) => OrgId::from(id),
            None => org
                .parent_id
                .clone()
                .ok_or_else(|| AppError::invalid("run_by", msg!("reason.audits.no_supervisor")))?,
        };
        let runner = self.org_with(p, &id, Permission::OrgRead).await?;
        // a supervisory audit is run from above the audited organisation
        if runner.id == org.id || !org.path.starts_with(&runner.path) {
            return Err(AppError::invalid("run_by", msg!("reason.audits.not_above")));
        }
        Ok(runner)
    }

    /// Plans an audit of organisation `org_id`.
    pub async fn plan_audit(
        &self,
        p: &Principal,
        org_id: &OrgId,
        input: AuditInput,
    ) -> Result<AuditView> {
        let org = self.org_with(p, org_id, Permission::RecordRead).await?;
        let kind = if input.kind.trim().is_empty() {
            AuditKind::Internal
        } else {
            AuditKind::parse(&input.kind)?
        };
        let runner = self
            .audit_runner(p, &org, kind, input.run_by.as_deref())
            .await?;
        let scope = self.audit_write(p, &runner).ok_or(AppError::Forbidden)?;
        let now = self.now();
        // the previous audit's results, filled in for the plan
        let previous = self
            .stores
            .audits
            .reported_audits(&p.scope(Permission::RecordRead), Some(&org.id))
            .await?
            .into_iter()
            .rev()
            .find(|a| a.kind == kind);
        let mut a = Audit {
            id: AuditId::from(self.ids.new_id()),
            org_id: org.id.clone(),
            run_by: runner.id.clone(),
            kind,
            title: String::new(),
            starts_on: self.today(),
            ends_on: self.today(),
            notice_days: DEFAULT_NOTICE_DAYS,
            status: AuditStatus::Planned,
            notified_on: None,
            reported_on: None,
            closed_on: None,
            body: AuditBody::default(),
            created_by: Some(p.user.id.clone()),
            created_at: now,
            updated_at: now,
        };
        apply_plan(&mut a, &input)?;
        if a.body.previous_results.is_empty()
            && let Some(prev) = previous
        {
            let (ok, findings, na, _) = prev.tally();
            a.body.previous_results = format!(
                "{}（{}）：符合 {ok} 項、不符合 {findings} 項、不適用 {na} 項。{}",
                prev.title,
                prev.reported_on.map(ymd).unwrap_or_default(),
                prev.body.conclusion
            );
        }
        a.check_plan()?;
        let mut e = p.event("audits.planned", Some(&org.id), Some(&a.id));
        e.details = serde_json::json!({"kind": kind.as_str(), "title": a.title, "run_by": runner.id, "starts_on": ymd(a.starts_on), "team": a.body.team.iter().map(|t| t.name.as_str()).collect::<Vec<_>>()});
        self.stores.audits.save_audit(&scope, &a, None, e).await?;
        self.audit_view(p, &a.id).await
    }

    /// Changes a planned audit's plan and team.
    pub async fn edit_audit(
        &self,
        p: &Principal,
        id: &AuditId,
        input: AuditInput,
    ) -> Result<AuditView> {
        let (mut a, scope) = self.audit_for_write(p, id).await?;
        if !a.editable() {
            return Err(AppError::Conflict("audit_not_planned"));
        }
        let before = a.updated_at;
        apply_plan(&mut a, &input)?;
        a.reassign_orphan_items();
        a.check_plan()?;
        a.updated_at = self.now().max(before + 1);
        let mut e = p.event("audits.edited", Some(&a.org_id), Some(&a.id));
        e.details = serde_json::json!({"title": a.title, "starts_on": ymd(a.starts_on), "team": a.body.team.iter().map(|t| t.name.as_str()).collect::<Vec<_>>()});
        self.stores
            .audits
            .save_audit(&scope, &a, Some(before), e)
            .await?;
        self.audit_view(p, id).await
    }

    /// The checklists kept by an organisation and by those above it: a
    /// checklist flows down the tree (the administrators' for everyone, a
    /// hub's for its agencies), so this one read goes past the caller's
    /// scope — to the ancestors of an organisation the caller already
    /// reaches, and to their checklists only.
    async fn kept_checklists(&self, org: &Organisation) -> Result<Vec<SavedChecklist>> {
        let ids: Vec<OrgId> = org
            .path
            .split('/')
            .filter(|s| !s.is_empty())
            .map(OrgId::from)
            .collect();
        Ok(self
            .stores
            .audits
            .checklists(&OrgScope::system_wide(), &ids)
            .await?)
    }

    /// An organisation's checklists and those kept above it.
    pub async fn audit_checklists(&self, p: &Principal, org_id: &OrgId) -> Result<ChecklistsView> {
        let org = self.org_with(p, org_id, Permission::RecordRead).await?;
        let mut own = Vec::new();
        let mut inherited = Vec::new();
        for c in self.kept_checklists(&org).await? {
            if c.org_id == org.id {
                own.push(c);
            } else {
                let keeper = self
                    .stores
                    .orgs
                    .get(&OrgScope::system_wide(), &c.org_id)
                    .await?
                    .map(|o| o.name_zh)
                    .unwrap_or_default();
                inherited.push((c, keeper));
            }
        }
        Ok(ChecklistsView {
            can_write: self.can(p, Permission::RecordWrite, &org),
            org,
            own,
            inherited,
        })
    }

    /// Keeps a checklist for the organisation's audits and those below it.
    pub async fn create_audit_checklist(
        &self,
        p: &Principal,
        org_id: &OrgId,
        input: ChecklistInput,
    ) -> Result<SavedChecklist> {
        let org = self.org_with(p, org_id, Permission::RecordWrite).await?;
        let name = zian_domain::Text::<100>::parse("name", &input.name)?;
        if input.lines.len() > 200_000 {
            return Err(AppError::invalid(
                "lines",
                msg!("reason.at_most_chars", max = 200_000),
            ));
        }
        let n = SavedChecklist::check(&input.lines)?;
        let now = self.now();
        let c = SavedChecklist {
            id: ChecklistId::from(self.ids.new_id()),
            org_id: org.id.clone(),
            name: name.into_string(),
            lines: input
                .lines
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .collect::<Vec<_>>()
                .join("\n"),
            created_by: Some(p.user.id.clone()),
            created_at: now,
            updated_at: now,
        };
        let mut e = p.event("audits.checklist_created", Some(&org.id), Some(&c.id));
        e.details = serde_json::json!({"name": c.name, "items": n});
        self.stores
            .audits
            .save_checklist(&p.scope(Permission::RecordWrite), &c, e)
            .await?;
        Ok(c)
    }

    /// Removes a kept checklist (audits that copied its items keep them).
    pub async fn delete_audit_checklist(
        &self,
        p: &Principal,
        id: &ChecklistId,
    ) -> Result<SavedChecklist> {
        let c = self
            .stores
            .audits
            .get_checklist(&p.scope(Permission::RecordRead), id)
            .await?
            .ok_or(AppError::NotFound)?;
        let org = self.org_with(p, &c.org_id, Permission::RecordWrite).await?;
        let mut e = p.event("audits.checklist_deleted", Some(&org.id), Some(&c.id));
        e.details = serde_json::json!({"name": c.name});
        self.stores
            .audits
            .delete_checklist(&p.scope(Permission::RecordWrite), &c, e)
            .await?;
        Ok(c)
    }

    /// Replaces a planned audit's items with a checklist's.
    pub async fn set_audit_items(
        &self,
        p: &Principal,
        id: &AuditId,
        input: ItemsInput,
    ) -> Result<AuditView> {
        let (mut a, scope) = self.audit_for_write(p, id).await?;
        if !a.editable() {
            return Err(AppError::Conflict("audit_not_planned"));
        }
        let auditors: Vec<String> = a.body.team.iter().map(|t| t.name.clone()).collect();
        let lines = match input.checklist.trim() {
            "custom" | "" => input.lines.clone(),
            "baseline" => self.baseline_checklist(p, &a.org_id).await?,
            other if other.starts_with("saved:") => {
                let org = self.org_with(p, &a.org_id, Permission::RecordRead).await?;
                let id = &other["saved:".len()..];
                self.kept_checklists(&org)
                    .await?
                    .into_iter()
                    .find(|c| c.id.as_str() == id)
                    .ok_or_else(|| {
                        AppError::invalid("checklist", msg!("reason.unknown_value", value = other))
                    })?
                    .lines
            }
            other => {
                let all = zian_rules::checklists::Checklists::shipped()
                    .map_err(|e| AppError::Internal(e.to_string()))?;
                let c = all.get(other).ok_or_else(|| {
                    AppError::invalid("checklist", msg!("reason.unknown_value", value = other))
                })?;
                c.items
                    .iter()
                    .map(|(no, s, q)| format!("{no} | {s} | {q}"))
                    .collect::<Vec<_>>()
                    .join("\n")
            }
        };
        if lines.len() > 200_000 {
            return Err(AppError::invalid(
                "lines",
                msg!("reason.at_most_chars", max = 200_000),
            ));
        }
        let items = items_from_lines(&lines, &auditors)?;
        if items.is_empty() {
            return Err(AppError::invalid("lines", msg!("reason.audits.no_items")));
        }
        let before = a.updated_at;
        a.body.checklist = match input.checklist.trim() {
            "" => "custom".to_string(),
            c => c.to_string(),
        };
        a.body.items = items;
        a.updated_at = self.now().max(before + 1);
        let mut e = p.event("audits.items_set", Some(&a.org_id), Some(&a.id));
        e.details = serde_json::json!({"checklist": a.body.checklist, "items": a.body.items.len()});
        self.stores
            .audits
            .save_audit(&scope, &a, Some(before), e)
            .await?;
        self.audit_view(p, id).await
    }

    /// The 附表十 controls for the organisation's graded systems as
    /// checklist lines: one item a control, naming the systems it applies to.
    async fn baseline_checklist(&self, p: &Principal, org_id: &OrgId) -> Result<String> {
        let systems = self
            .stores
            .systems
            .all(&p.scope(Permission::RecordRead), Some(org_id), false)
            .await?;
        let today = self.today();
        let mut controls: std::collections::BTreeMap<String, (String, String, Vec<String>)> =
            std::collections::BTreeMap::new();
        for s in &systems {
            let Some(level) = s.level else { continue };
            let baseline = crate::compliance::rule_set()?
                .baseline(level, today)
                .map_err(|e| AppError::Internal(e.to_string()))?;
            for c in baseline {
                controls
                    .entry(c.id.clone())
                    .or_insert_with(|| (c.family.clone(), c.title_zh.clone(), Vec::new()))
                    .2
                    .push(s.name.to_string());
            }
        }
        if controls.is_empty() {
            return Err(AppError::invalid(
                "checklist",
                msg!("reason.audits.no_graded_systems"),
            ));
        }
        Ok(controls
            .into_iter()
            .map(|(id, (family, title, systems))| {
                let title = title.replace('|', "／").replace('\n', " ");
                format!("{id} | {family} | {title}（{}）", systems.join("、"))
            })
            .collect::<Vec<_>>()
            .join("\n"))
    }

    /// Notifies the auditees: the plan and items checked, in time; the
    /// audited organisation's officers and CISO get the schedule.
    pub async fn notify_audit(&self, p: &Principal, id: &AuditId) -> Result<AuditView> {
        let (mut a, scope) = self.audit_for_write(p, id).await?;
        let before = a.updated_at;
        a.notify(self.today())?;
        a.updated_at = self.now().max(before + 1);
        let mut e = p.event("audits.notified", Some(&a.org_id), Some(&a.id));
        e.details = serde_json::json!({"starts_on": ymd(a.starts_on), "ends_on": ymd(a.ends_on), "items": a.body.items.len()});
        self.stores
            .audits
            .save_audit(&scope, &a, Some(before), e)
            .await?;
        self.raise_to_holders(
            &a.org_id,
            Permission::RecordWrite,
            &Raise {
                event: "audits.notified",
                org: Some(a.org_id.clone()),
                title: msg!(
                    "inbox.notice.audits_notified",
                    title = a.title.as_str(),
                    starts = ymd(a.starts_on),
                    ends = ymd(a.ends_on)
                ),
                title_en: None,
                link: Some(format!("/audits/{}", a.id)),
                dedupe_key: Some(format!("audits.notified:{}", a.id)),
            },
        )
        .await;
        self.audit_view(p, id).await
    }

    /// Records the results of items during the fieldwork; all or none.
    pub async fn answer_audit(
        &self,
        p: &Principal,
        id: &AuditId,
        input: AnswersInput,
    ) -> Result<AuditView> {
        let (mut a, scope) = self.audit_for_write(p, id).await?;
        if input.answers.is_empty() {
            return Err(AppError::invalid("answers", msg!("reason.required")));
        }
        let before = a.updated_at;
        for x in &input.answers {
            let answer = Answer::parse(&x.answer)?;
            let note = memo::<2000>("note", &x.note)?;
            a.answer(x.item, answer, &note)?;
        }
        a.updated_at = self.now().max(before + 1);
        let mut e = p.event("audits.answered", Some(&a.org_id), Some(&a.id));
        e.details = serde_json::json!({"items": input.answers.iter().map(|x| serde_json::json!({"item": a.body.items.get(x.item).map(|i| i.no.as_str()), "answer": x.answer})).collect::<Vec<_>>()});
        self.stores
            .audits
            .save_audit(&scope, &a, Some(before), e)
            .await?;
        self.audit_view(p, id).await
    }

    /// Reports the audit: every item answered; one corrective action per
    /// finding, raised for the audited organisation.
    pub async fn report_audit(
        &self,
        p: &Principal,
        id: &AuditId,
        input: ReportInput,
    ) -> Result<AuditView> {
        let (mut a, scope) = self.audit_for_write(p, id).await?;
        let today = self.today();
        let conclusion = memo::<4000>("conclusion", &input.conclusion)?;
        let before = a.updated_at;
        a.report(today, &conclusion)?;
        let findings: Vec<(usize, zian_domain::audits::AuditItem)> =
            a.findings().map(|(i, x)| (i, x.clone())).collect();
        if let Some(x) = input
            .actions
            .iter()
            .find(|x| !findings.iter().any(|(i, _)| *i == x.item))
        {
            return Err(AppError::invalid(
                "actions",
                msg!("reason.audits.not_a_finding", item = x.item),
            ));
        }
        let org = self.org_with(p, &a.org_id, Permission::RecordRead).await?;
        let default_owner = a
            .body
            .auditee_units
            .first()
            .cloned()
            .unwrap_or_else(|| org.name_zh.clone());
        let now = self.now();
        let mut actions = Vec::new();
        for (i, item) in &findings {
            let given = input.actions.iter().find(|x| x.item == *i);
            let title = given
                .map(|x| x.title.trim())
                .filter(|t| !t.is_empty())
                .map(str::to_string)
                .unwrap_or_else(|| format!("改善：{}", item.note));
            let owner = given
                .map(|x| x.owner.trim())
                .filter(|t| !t.is_empty())
                .map(str::to_string)
                .unwrap_or_else(|| default_owner.clone());
            let due_on = match given.map(|x| x.due_on.trim()).filter(|t| !t.is_empty()) {
                Some(d) => zian_domain::day::parse("due_on", d)?,
                None => today.saturating_add(time::Duration::days(DEFAULT_ACTION_DAYS)),
            };
            actions.push(CorrectiveAction {
                id: ActionId::from(self.ids.new_id()),
                org_id: a.org_id.clone(),
                source: Source::Audit,
                source_id: a.id.to_string(),
                title: Text::<500>::parse("actions", &title.chars().take(500).collect::<String>())?
                    .into_string(),
                owner: Text::<100>::parse("actions", &owner)?.into_string(),
                due_on,
                done_on: None,
                result: String::new(),
                finding: format!("{} {}：{}", item.no, item.question, item.note),
                root_cause: String::new(),
                similar: String::new(),
                plan: String::new(),
                reviewed_on: None,
                review_note: String::new(),
                created_by: Some(p.user.id.clone()),
                created_at: now,
                updated_at: now,
            });
        }
        a.updated_at = now.max(before + 1);
        let (ok, nc, na, _) = a.tally();
        let mut e = p.event("audits.reported", Some(&a.org_id), Some(&a.id));
        e.details = serde_json::json!({"conforms": ok, "findings": nc, "not_applicable": na, "actions": actions.len()});
        self.stores
            .audits
            .save_audit(&scope, &a, Some(before), e)
            .await?;
        // each action in its own audited write, the audited organisation's
        for x in &actions {
            let mut e = p.event("corrective.raised", Some(&x.org_id), Some(&x.id));
            e.details = serde_json::json!({"source": "audit", "source_id": x.source_id, "title": x.title, "owner": x.owner, "due_on": ymd(x.due_on)});
            self.stores
                .corrective
                .save_action(&scope, x, true, e)
                .await?;
        }
        self.audit_view(p, id).await
    }

    /// Closes a reported audit whose actions are all done and reviewed.
    pub async fn close_audit(&self, p: &Principal, id: &AuditId) -> Result<AuditView> {
        let (mut a, scope) = self.audit_for_write(p, id).await?;
        let actions = self.audit_actions(p, &a).await?;
        let open = actions.iter().filter(|x| !x.settled()).count();
        let before = a.updated_at;
        a.close(self.today(), open)?;
        a.updated_at = self.now().max(before + 1);
        let mut e = p.event("audits.closed", Some(&a.org_id), Some(&a.id));
        e.details = serde_json::json!({"actions": actions.len()});
        self.stores
            .audits
            .save_audit(&scope, &a, Some(before), e)
            .await?;
        self.audit_view(p, id).await
    }

    async fn audit_actions(&self, p: &Principal, a: &Audit) -> Result<Vec<CorrectiveAction>> {
        let f = ActionFilter {
            source: Some(Source::Audit),
            source_id: Some(a.id.to_string()),
            ..ActionFilter::default()
        };
        Ok(self
            .stores
            .corrective
            .actions(
                &p.scope(Permission::RecordRead),
                Some(&a.org_id),
                &f,
                &ListQuery {
                    limit: 500,
                    ..ListQuery::default()
                },
            )
            .await?
            .items)
    }

    /// An audit the caller may write, with the scope to write it in.
    async fn audit_for_write(&self, p: &Principal, id: &AuditId) -> Result<(Audit, OrgScope)> {
        let a = self.get_audit(p, id).await?;
        let runner = self.org_with(p, &a.run_by, Permission::OrgRead).await?;
        let scope = self.audit_write(p, &runner).ok_or(AppError::Forbidden)?;
        Ok((a, scope))
    }

    pub async fn get_audit(&self, p: &Principal, id: &AuditId) -> Result<Audit> {
        let a = self
            .stores
            .audits
            .get_audit(&p.scope(Permission::RecordRead), id)
            .await?
            .ok_or(AppError::NotFound)?;
        self.org_with(p, &a.org_id, Permission::RecordRead).await?;
        Ok(a)
    }

    /// An audit with its organisations and corrective actions.
    pub async fn audit_view(&self, p: &Principal, id: &AuditId) -> Result<AuditView> {
        let audit = self.get_audit(p, id).await?;
        let org = self
            .org_with(p, &audit.org_id, Permission::RecordRead)
            .await?;
        // the supervising organisation may be above the reader's scope
        let run_by = if audit.run_by == org.id {
            org.clone()
        } else {
            self.stores
                .orgs
                .get(&OrgScope::system_wide(), &audit.run_by)
                .await?
                .ok_or(AppError::NotFound)?
        };
        let actions = self.audit_actions(p, &audit).await?;
        let can_write = self.audit_write(p, &run_by).is_some();
        let checklists = self.kept_checklists(&org).await?;
        Ok(AuditView {
            checklists,
            audit,
            org,
            run_by,
            actions,
            can_write,
        })
    }

    /// An organisation's audits, paged.
    pub async fn list_audits(
        &self,
        p: &Principal,
        org_id: &OrgId,
        f: &AuditFilter,
        q: &ListQuery,
    ) -> Result<Page<Audit>> {
        let org = self.org_with(p, org_id, Permission::RecordRead).await?;
        Ok(self
            .stores
            .audits
            .audits(&p.scope(Permission::RecordRead), Some(&org.id), f, q)
            .await?)
    }
}

/// Applies the typed plan to an audit (kind and runner aside).
fn apply_plan(a: &mut Audit, input: &AuditInput) -> Result<()> {
    a.title = Text::<200>::parse("title", &input.title)?.into_string();
    a.starts_on = zian_domain::day::parse("starts_on", &input.starts_on)?;
    a.ends_on = zian_domain::day::parse("ends_on", &input.ends_on)?;
    a.notice_days = match input.notice_days {
        Some(d) if d <= 365 => d,
        Some(_) => {
            return Err(AppError::invalid(
                "notice_days",
                msg!("reason.audits.notice_days"),
            ));
        }
        None if a.kind == AuditKind::Supervisory => SUPERVISORY_NOTICE_DAYS,
        None => DEFAULT_NOTICE_DAYS,
    };
    let b = &mut a.body;
    b.basis = memo::<2000>("basis", &input.basis)?;
    b.focus = memo::<2000>("focus", &input.focus)?;
    b.method = memo::<2000>("method", &input.method)?;
    b.criteria = memo::<2000>("criteria", &input.criteria)?;
    b.secrecy = memo::<2000>("secrecy", &input.secrecy)?;
    b.auditee_support = memo::<2000>("auditee_support", &input.auditee_support)?;
    b.auditee_units = input
        .auditee_units
        .iter()
        .filter(|u| !u.trim().is_empty())
        .map(|u| Ok(Text::<100>::parse("auditee_units", u)?.into_string()))
        .collect::<Result<_>>()?;
    b.vendor = memo::<200>("vendor", &input.vendor)?;
    if a.kind == AuditKind::Vendor && b.vendor.is_empty() {
        return Err(AppError::invalid("vendor", msg!("reason.required")));
    }
    b.team = team_of(&input.team)?;
    b.recusals = recusals_of(&input.recusals)?;
    Ok(())
}

/// An audit as the API shows it.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct AuditOut {
    pub id: String,
    pub org_id: String,
    pub run_by: String,
    pub kind: String,
    pub title: String,
    pub starts_on: String,
    pub ends_on: String,
    pub notice_days: u32,
    /// The latest day the auditees may be notified.
    pub notify_by: String,
    /// `planned`, `notified`, `reported`, `closed`.
    pub status: String,
    pub notified_on: Option<String>,
    pub reported_on: Option<String>,
    pub closed_on: Option<String>,
    /// The plan, team, recusals, items with their answers and conclusion.
    #[schemars(with = "serde_json::Value")]
    pub body: AuditBody,
    /// Counts of the answers.
    pub conforms: usize,
    pub findings: usize,
    pub not_applicable: usize,
    pub unanswered: usize,
}

impl From<&Audit> for AuditOut {
    fn from(a: &Audit) -> Self {
        let (conforms, findings, not_applicable, unanswered) = a.tally();
        AuditOut {
            id: a.id.to_string(),
            org_id: a.org_id.to_string(),
            run_by: a.run_by.to_string(),
            kind: a.kind.as_str().into(),
            title: a.title.clone(),
            starts_on: ymd(a.starts_on),
            ends_on: ymd(a.ends_on),
            notice_days: a.notice_days,
            notify_by: ymd(a.notify_by()),
            status: a.status.as_str().into(),
            notified_on: a.notified_on.map(ymd),
            reported_on: a.reported_on.map(ymd),
            closed_on: a.closed_on.map(ymd),
            body: a.body.clone(),
            conforms,
            findings,
            not_applicable,
            unanswered,
        }
    }
}

/// A recusal reason as typed on a form: its code or the form's word.
fn recusal_reason(s: &str) -> String {
    match s.trim() {
        "親屬" | "親屬關係" => "relative",
        "僱傭" | "僱傭關係" | "委任" => "employment",
        "顧問" | "諮詢" => "consultancy",
        "其他" => "other",
        other => other,
    }
    .to_string()
}

impl AuditInput {
    /// The plan as a page form sends it: the lists one entry a line — the
    /// audited units; the team as `姓名 | 單位 | 受訓日期 | 註記` (註記 may
    /// say 召集人, 公部門代表, 已簽切結); recusals as `姓名 | 原因 | 說明`.
    pub fn from_form(get: impl Fn(&str) -> String) -> AuditInput {
        let lines = |k: &str| -> Vec<String> {
            get(k)
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_string)
                .collect()
        };
        let cells =
            |l: &str| -> Vec<String> { l.split('|').map(|c| c.trim().to_string()).collect() };
        let team = lines("team")
            .iter()
            .map(|l| {
                let c = cells(l);
                let cell = |i: usize| c.get(i).cloned().unwrap_or_default();
                let note = cell(3);
                AuditorInput {
                    name: cell(0),
                    unit: cell(1),
                    trained_on: Some(cell(2)).filter(|d| !d.is_empty()),
                    lead: note.contains("召集人") || note.contains("組長"),
                    public_rep: note.contains("公部門") || note.contains("公務機關"),
                    declared: note.contains("切結"),
                }
            })
            .collect();
        let recusals = lines("recusals")
            .iter()
            .map(|l| {
                let c = cells(l);
                let cell = |i: usize| c.get(i).cloned().unwrap_or_default();
                RecusalInput {
                    name: cell(0),
                    reason: recusal_reason(&cell(1)),
                    note: cell(2),
                }
            })
            .collect();
        AuditInput {
            kind: get("kind"),
            run_by: Some(get("run_by")).filter(|s| !s.trim().is_empty()),
            title: get("title"),
            starts_on: get("starts_on"),
            ends_on: get("ends_on"),
            // a number that does not parse is refused as out of range
            notice_days: match get("notice_days").trim() {
                "" => None,
                n => Some(n.parse().unwrap_or(u32::MAX)),
            },
            basis: get("basis"),
            focus: get("focus"),
            method: get("method"),
            criteria: get("criteria"),
            secrecy: get("secrecy"),
            auditee_support: get("auditee_support"),
            auditee_units: lines("auditee_units"),
            vendor: get("vendor"),
            team,
            recusals,
        }
    }
}
