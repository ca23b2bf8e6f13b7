//! The yearly implementation report (資通安全維護計畫實施情形): drafted from
//! the records of the year — every row of the form (`zian_rules::
//! implementation_report`) whose `draft` the platform knows gets an
//! explanation written from the plan, the registers, the drills, audits,
//! reviews and training, with the pages it came from as evidence —,
//! edited by the officer (drafted again without touching what was edited),
//! approved by the CISO, submitted to the supervising organisation (which
//! is told, sees who in its subtree has submitted and may return it with a
//! reason). A submitted report proves the `implementation-report`
//! obligation of its period.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use time::Date;
use zian_domain::day::ymd;
use zian_domain::implementation_report::{
    self as ir, ImplementationReport, Line, LineEdit, Status,
};
use zian_domain::org::Organisation;
use zian_domain::text::Memo;
use zian_domain::{ImplementationReportId, ListQuery, OrgId, Permission, Principal};
use zian_i18n::{Lang, Msg, catalogue, msg};
use zian_rules::implementation_report::Templates;

use crate::inbox::Raise;
use crate::{App, AppError, Result};

/// Which report to draft.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "ImplementationReportDraftIn")]
pub struct DraftInput {
    /// The year reported on; default the last full year until April, else
    /// this year.
    #[serde(default)]
    pub year: Option<i32>,
}

/// A row's explanation and evidence as edited.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "ImplementationReportLineIn")]
pub struct LineInput {
    /// The row, e.g. `2.4`.
    pub code: String,
    /// 實施情形說明, at most 2000 characters.
    #[serde(default)]
    pub explanation: String,
    /// Evidence (a page, a document, a 公文 number), one per line.
    #[serde(default)]
    pub evidence: String,
}

/// The officer's edits of a draft.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "ImplementationReportEditIn")]
pub struct EditInput {
    /// The rows edited; the others keep theirs.
    #[serde(default)]
    pub lines: Vec<LineInput>,
    /// 其他說明 (none: as it was).
    #[serde(default)]
    pub other: Option<String>,
}

/// Why a report goes back.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "ImplementationReportReturnIn")]
pub struct ReturnInput {
    pub reason: String,
}

/// An organisation's report of a year with what the caller may do.
#[derive(Debug, Clone)]
pub struct ReportView {
    pub org: Organisation,
    pub year: i32,
    pub report: Option<ImplementationReport>,
    /// The organisation it is submitted to.
    pub supervisor: Option<Organisation>,
    pub can_write: bool,
    pub can_approve: bool,
    /// A supervisor above the organisation may return a submitted report.
    pub can_return: bool,
}

/// One organisation of a supervisor's subtree and its report of the year.
#[derive(Debug, Clone)]
pub struct RollupRow {
    pub org: Organisation,
    pub report: Option<ImplementationReport>,
}

/// The organisations below one, with their reports of a year.
#[derive(Debug, Clone)]
pub struct Rollup {
    pub org: Organisation,
    pub year: i32,
    pub rows: Vec<RollupRow>,
    pub submitted: usize,
}

/// A drafted row: its code, text and evidence.
type Draft = (String, String, Vec<String>);

fn zh(m: &Msg) -> String {
    catalogue().render(Lang::ZhTw, m)
}

fn join_days(days: &[Date]) -> String {
    days.iter()
        .map(|d| zian_domain::roc::format_roc(*d))
        .collect::<Vec<_>>()
        .join("、")
}

impl App {
    async fn report_row(
        &self,
        p: &Principal,
        id: &ImplementationReportId,
    ) -> Result<ImplementationReport> {
        let r = self
            .stores
            .implementation_report
            .get_report(&p.scope(Permission::RecordRead), id)
            .await?
            .ok_or(AppError::NotFound)?;
        self.org_with(p, &r.org_id, Permission::RecordRead).await?;
        Ok(r)
    }

    /// The organisation a report is submitted to: the parent, when the
    /// caller may see it (else only its id is recorded).
    async fn supervisor_of(&self, org: &Organisation) -> Result<Option<Organisation>> {
        let Some(parent) = &org.parent_id else {
            return Ok(None);
        };
        Ok(self
            .stores
            .orgs
            .get(&zian_domain::OrgScope::system_wide(), parent)
            .await?)
    }

    /// An organisation's report of a year.
    pub async fn implementation_report(
        &self,
        p: &Principal,
        org_id: &OrgId,
        year: Option<i32>,
    ) -> Result<ReportView> {
        let org = self.org_with(p, org_id, Permission::RecordRead).await?;
        let year = year.unwrap_or_else(|| ir::default_year(self.today()));
        let report = self
            .stores
            .implementation_report
            .report_of(&p.scope(Permission::RecordRead), &org.id, year)
            .await?;
        let supervisor = self.supervisor_of(&org).await?;
        Ok(ReportView {
            can_write: self.can(p, Permission::RecordWrite, &org),
            can_approve: self.can(p, Permission::PlanApprove, &org),
            can_return: p.can_above(Permission::OverrideApprove, &org.path),
            org,
            year,
            report,
            supervisor,
        })
    }

    /// The report by its id, with the same view.
    pub async fn implementation_report_by_id(
        &self,
        p: &Principal,
        id: &ImplementationReportId,
    ) -> Result<ReportView> {
        let r = self.report_row(p, id).await?;
        self.implementation_report(p, &r.org_id, Some(r.year)).await
    }

    /// Drafts the year's report from the records: a new report, or the
    /// draft written again (rows the officer edited keep their text).
    pub async fn draft_implementation_report(
        &self,
        p: &Principal,
        org_id: &OrgId,
        input: DraftInput,
    ) -> Result<ImplementationReport> {
        let org = self.org_with(p, org_id, Permission::RecordWrite).await?;
        let today = self.today();
        let year = input.year.unwrap_or_else(|| ir::default_year(today));
        if !(2000..=today.year()).contains(&year) {
            return Err(AppError::invalid(
                "year",
                msg!("reason.implementation_report.year", max = today.year()),
            ));
        }
        let scope = p.scope(Permission::RecordWrite);
        let existing = self
            .stores
            .implementation_report
            .report_of(&scope, &org.id, year)
            .await?;
        let templates = Templates::shipped().map_err(|e| AppError::Internal(e.to_string()))?;
        let (intro, drafts) = self.report_drafts(p, &org, year).await?;
        let now = self.now();
        match existing {
            Some(mut r) => {
                let previous = r.updated_at;
                r.redraft(&drafts, intro)?;
                r.updated_at = now.max(previous + 1);
                let mut e = p.event(
                    "implementation_report.redrafted",
                    Some(&org.id),
                    Some(&r.id),
                );
                e.details = serde_json::json!({"year": year});
                self.stores
                    .implementation_report
                    .save_report(&scope, &r, Some(previous), e)
                    .await?;
                Ok(r)
            }
            None => {
                let form = templates
                    .in_effect(Date::from_ordinal_date(year, 365).unwrap_or(today))
                    .ok_or_else(|| AppError::Internal("no implementation report form".into()))?;
                let mut r = ImplementationReport {
                    id: ImplementationReportId::from(self.ids.new_id()),
                    org_id: org.id.clone(),
                    year,
                    status: Status::Draft,
                    submitted_on: None,
                    body: ir::Body {
                        template: form.id.clone(),
                        lines: form
                            .rows
                            .iter()
                            .map(|row| Line {
                                code: row.code.clone(),
                                section: row.section.clone(),
                                content: row.content.clone(),
                                explanation: row.example.clone(),
                                drafted: row.example.clone(),
                                evidence: Vec::new(),
                            })
                            .collect(),
                        ..ir::Body::default()
                    },
                    created_by: Some(p.user.id.clone()),
                    created_at: now,
                    updated_at: now,
                };
                r.redraft(&drafts, intro)?;
                let mut e = p.event("implementation_report.drafted", Some(&org.id), Some(&r.id));
                e.details = serde_json::json!({"year": year, "template": r.body.template});
                self.stores
                    .implementation_report
                    .save_report(&scope, &r, None, e)
                    .await?;
                Ok(r)
            }
        }
    }

    /// Records the officer's edits of a draft.
    pub async fn edit_implementation_report(
        &self,
        p: &Principal,
        id: &ImplementationReportId,
        input: EditInput,
    ) -> Result<ImplementationReport> {
        let mut r = self.report_row(p, id).await?;
        let org = self.org_with(p, &r.org_id, Permission::RecordWrite).await?;
        let mut edits = Vec::new();
        for l in &input.lines {
            let evidence = Memo::<2000>::parse("evidence", &l.evidence)?;
            edits.push(LineEdit {
                code: l.code.trim().to_string(),
                explanation: Memo::<2000>::parse("explanation", &l.explanation)?.into_string(),
                evidence: zian_domain::management_review::lines(&evidence),
            });
        }
        let other = input
            .other
            .as_deref()
            .map(|o| Memo::<2000>::parse("other", o).map(Memo::into_string))
            .transpose()?;
        let previous = r.updated_at;
        r.edit(edits, other)?;
        r.updated_at = self.now().max(previous + 1);
        let mut e = p.event("implementation_report.edited", Some(&org.id), Some(&r.id));
        e.details = serde_json::json!({"year": r.year, "lines": input.lines.iter().map(|l| l.code.as_str()).collect::<Vec<_>>()});
        self.stores
            .implementation_report
            .save_report(&p.scope(Permission::RecordWrite), &r, Some(previous), e)
            .await?;
        Ok(r)
    }

    /// The CISO approves a complete draft.
    pub async fn approve_implementation_report(
        &self,
        p: &Principal,
        id: &ImplementationReportId,
    ) -> Result<ImplementationReport> {
        let mut r = self.report_row(p, id).await?;
        let org = self.org_with(p, &r.org_id, Permission::PlanApprove).await?;
        let previous = r.updated_at;
        r.approve(&p.user.display_name, self.today())?;
        r.updated_at = self.now().max(previous + 1);
        let mut e = p.event("implementation_report.approved", Some(&org.id), Some(&r.id));
        e.details = serde_json::json!({"year": r.year});
        self.stores
            .implementation_report
            .save_report(&p.scope(Permission::PlanApprove), &r, Some(previous), e)
            .await?;
        Ok(r)
    }

    /// Submits an approved report to the supervising organisation, whose
    /// approvers are told.
    pub async fn submit_implementation_report(
        &self,
        p: &Principal,
        id: &ImplementationReportId,
    ) -> Result<ImplementationReport> {
        let mut r = self.report_row(p, id).await?;
        let org = self.org_with(p, &r.org_id, Permission::RecordWrite).await?;
        let previous = r.updated_at;
        r.submit(&p.user.display_name, org.parent_id.clone(), self.today())?;
        r.updated_at = self.now().max(previous + 1);
        let mut e = p.event(
            "implementation_report.submitted",
            Some(&org.id),
            Some(&r.id),
        );
        e.details = serde_json::json!({"year": r.year, "to": r.body.submitted_to});
        self.stores
            .implementation_report
            .save_report(&p.scope(Permission::RecordWrite), &r, Some(previous), e)
            .await?;
        if let Some(parent) = &org.parent_id {
            self.raise_to_holders(
                parent,
                Permission::OverrideApprove,
                &Raise {
                    event: "implementation_report.submitted",
                    org: Some(parent.clone()),
                    title: msg!(
                        "inbox.notice.implementation_report_submitted",
                        org = org.name_zh.as_str(),
                        year = r.year - 1911
                    ),
                    title_en: None,
                    link: Some(format!("/implementation-reports/{}", r.id)),
                    dedupe_key: Some(format!("implementation_report.submitted:{}", r.id)),
                },
            )
            .await;
        }
        Ok(r)
    }

    /// Returns a report to draft with the reason: a supervisor above the
    /// organisation a submitted one, the organisation's CISO an approved
    /// one not yet submitted. The organisation's officers are told.
    pub async fn return_implementation_report(
        &self,
        p: &Principal,
        id: &ImplementationReportId,
        input: ReturnInput,
    ) -> Result<ImplementationReport> {
        let mut r = self.report_row(p, id).await?;
        let org = self.org_with(p, &r.org_id, Permission::RecordRead).await?;
        let scope = match r.status {
            Status::Submitted if p.can_above(Permission::OverrideApprove, &org.path) => {
                p.scope(Permission::OverrideApprove)
            }
            Status::Approved if self.can(p, Permission::PlanApprove, &org) => {
                p.scope(Permission::PlanApprove)
            }
            Status::Draft => {
                return Err(AppError::Conflict("implementation_report_draft"));
            }
            _ => return Err(AppError::Forbidden),
        };
        let reason = Memo::<1000>::parse("reason", &input.reason)?;
        let previous = r.updated_at;
        r.send_back(&p.user.display_name, &reason, self.today())?;
        r.updated_at = self.now().max(previous + 1);
        let mut e = p.event("implementation_report.returned", Some(&org.id), Some(&r.id));
        e.details = serde_json::json!({"year": r.year, "reason": reason.as_str()});
        self.stores
            .implementation_report
            .save_report(&scope, &r, Some(previous), e)
            .await?;
        self.raise_to_holders(
            &org.id,
            Permission::RecordWrite,
            &Raise {
                event: "implementation_report.returned",
                org: Some(org.id.clone()),
                title: msg!(
                    "inbox.notice.implementation_report_returned",
                    year = r.year - 1911,
                    reason = reason.as_str()
                ),
                title_en: None,
                link: Some(format!("/implementation-reports/{}", r.id)),
                dedupe_key: None,
            },
        )
        .await;
        Ok(r)
    }

    /// The organisations below `org_id` (all levels, active) with their
    /// reports of a year: who has submitted.
    pub async fn implementation_reports_rollup(
        &self,
        p: &Principal,
        org_id: &OrgId,
        year: Option<i32>,
    ) -> Result<Rollup> {
        let org = self.org_with(p, org_id, Permission::RecordRead).await?;
        let year = year.unwrap_or_else(|| ir::default_year(self.today()));
        let scope = p.scope(Permission::RecordRead);
        let orgs = self
            .stores
            .orgs
            .list(
                &scope,
                &ListQuery::all(zian_domain::list::HARD_LIMIT).with("active", "1"),
            )
            .await?
            .items;
        let reports = self
            .stores
            .implementation_report
            .reports(&scope, None, Some(year))
            .await?;
        let rows: Vec<RollupRow> = orgs
            .into_iter()
            .filter(|o| {
                o.id != org.id && o.path.starts_with(org.path.as_str()) && o.level.is_some()
            })
            .map(|o| RollupRow {
                report: reports.iter().find(|r| r.org_id == o.id).cloned(),
                org: o,
            })
            .collect();
        let submitted = rows
            .iter()
            .filter(|r| {
                r.report
                    .as_ref()
                    .is_some_and(|x| x.status == Status::Submitted)
            })
            .count();
        Ok(Rollup {
            org,
            year,
            rows,
            submitted,
        })
    }

    /// The opening paragraph and each known row's draft, from the records
    /// of `year` (to today when it is this year).
    async fn report_drafts(
        &self,
        p: &Principal,
        org: &Organisation,
        year: i32,
    ) -> Result<(String, Vec<Draft>)> {
        let today = self.today();
        let start = Date::from_ordinal_date(year, 1).unwrap_or(today);
        let end = Date::from_calendar_date(year, time::Month::December, 31)
            .unwrap_or(today)
            .min(today);
        let in_year = |d: &Date| *d >= start && *d <= end;
        let scope = p.scope(Permission::RecordRead);
        let roc = year - 1911;
        let level = org.level.map(|l| l.as_str()).unwrap_or("○");
        let intro = zh(&msg!(
            "implementation_report.draft.intro",
            org = org.name_zh.as_str(),
            level = level,
            year = roc
        ));
        let mut out: Vec<Draft> = Vec::new();
        let templates = Templates::shipped().map_err(|e| AppError::Internal(e.to_string()))?;
        let Some(form) = templates.in_effect(end) else {
            return Ok((intro, out));
        };
        let ev = self
            .module_evidence(&scope, Some(&org.id))
            .await?
            .remove(&org.id)
            .unwrap_or_default();
        let plans = self.plan_overview(p, &org.id).await?;
        let plan_view = match &plans.approved {
            Some(v) => Some(self.plan_view(p, &v.id).await?),
            None => None,
        };
        let plan_link = plans
            .approved
            .as_ref()
            .map(|v| format!("/plans/{}", v.id))
            .unwrap_or_else(|| format!("/orgs/{}/plans", org.id));
        let compliance = self.org_compliance(p, &org.id).await?;
        let reviews: Vec<Date> = self
            .reviews_held(p, org)
            .await?
            .into_iter()
            .filter(in_year)
            .collect();
        let training = self.training_year(p, &org.id, year).await?;
        for row in &form.rows {
            let code = row.code.clone();
            let (text, links): (Option<Msg>, Vec<String>) = match row.draft.as_str() {
                "core_business" => (
                    plans.approved.as_ref().map(|v| {
                        msg!(
                            "implementation_report.draft.core_business",
                            version = v.version,
                            critical = ev.critical.len()
                        )
                    }),
                    vec![plan_link.clone(), format!("/orgs/{}/continuity", org.id)],
                ),
                "policy" => (
                    plans.approved.as_ref().and_then(|v| {
                        v.approved_on.map(|d| {
                            msg!(
                                "implementation_report.draft.policy",
                                version = v.version,
                                date = zian_domain::roc::format_roc(d)
                            )
                        })
                    }),
                    vec![plan_link.clone()],
                ),
                "objectives" => (
                    plan_view.as_ref().map(|v| {
                        let o = &v.live.objectives;
                        msg!(
                            "implementation_report.draft.objectives",
                            n = o.len(),
                            met = o.iter().filter(|x| x.met == Some(true)).count()
                        )
                    }),
                    vec![plan_link.clone()],
                ),
                "awareness" => {
                    let general: Vec<Date> = training
                        .sessions
                        .iter()
                        .filter(|s| {
                            s.category == zian_domain::training::Category::General
                                && in_year(&s.held_on)
                        })
                        .map(|s| s.held_on)
                        .collect();
                    (
                        (!general.is_empty()).then(|| {
                            msg!(
                                "implementation_report.draft.awareness",
                                n = general.len(),
                                dates = join_days(&general)
                            )
                        }),
                        vec![format!("/orgs/{}/training?year={year}", org.id)],
                    )
                }
                "management_review" => (
                    (!reviews.is_empty()).then(|| {
                        msg!(
                            "implementation_report.draft.management_review",
                            n = reviews.len(),
                            dates = join_days(&reviews)
                        )
                    }),
                    vec![format!("/orgs/{}/management-reviews", org.id)],
                ),
                "staff" => {
                    let staff = training
                        .plan
                        .as_ref()
                        .map(|p| {
                            p.body
                                .roster
                                .iter()
                                .filter(|x| {
                                    x.audience == zian_domain::training::Audience::SecurityStaff
                                })
                                .collect::<Vec<_>>()
                        })
                        .unwrap_or_default();
                    let required = plan_view
                        .as_ref()
                        .and_then(|v| v.live.requirements.security_staff)
                        .unwrap_or(0);
                    (
                        (!staff.is_empty() || required > 0).then(|| {
                            msg!(
                                "implementation_report.draft.staff",
                                required = required,
                                n = staff.len(),
                                certified =
                                    staff.iter().filter(|x| !x.certificates.is_empty()).count()
                            )
                        }),
                        vec![format!("/orgs/{}/training?year={year}", org.id)],
                    )
                }
                "inventory" => {
                    let graded: Vec<Date> = ev.system_gradings.iter().flatten().copied().collect();
                    (
                        (!ev.system_gradings.is_empty()).then(|| {
                            msg!(
                                "implementation_report.draft.inventory",
                                n = ev.system_gradings.len(),
                                graded = graded.len(),
                                date = graded
                                    .iter()
                                    .max()
                                    .map(|d| zian_domain::roc::format_roc(*d))
                                    .unwrap_or_else(|| "—".into())
                            )
                        }),
                        vec![
                            format!("/orgs/{}/systems", org.id),
                            format!("/orgs/{}/assets", org.id),
                        ],
                    )
                }
                "level" => (
                    org.level.map(|l| {
                        msg!(
                            "implementation_report.draft.level",
                            level = l.as_str(),
                            date = org
                                .level_assigned_on
                                .map(zian_domain::roc::format_roc)
                                .unwrap_or_default()
                        )
                    }),
                    Vec::new(),
                ),
                "risk" | "risk_treatment" => {
                    let c = self.risk_counts(p, org).await?;
                    let text = (c.total > 0).then(|| {
                        if row.draft == "risk" {
                            msg!(
                                "implementation_report.draft.risk",
                                n = c.total,
                                high = c.above_threshold
                            )
                        } else {
                            msg!(
                                "implementation_report.draft.risk_treatment",
                                open = c.open,
                                overdue = c.overdue_treatments,
                                mitigate = c.by_treatment.get("mitigate").copied().unwrap_or(0)
                            )
                        }
                    });
                    (text, vec![format!("/orgs/{}/risks", org.id)])
                }
                "controls" => (
                    plan_view.as_ref().map(|v| {
                        let c = &v.live.controls;
                        msg!(
                            "implementation_report.draft.controls",
                            n = c.applicable,
                            done = c.implemented,
                            partial = c.partial + c.planned
                        )
                    }),
                    vec![format!("/orgs/{}/systems", org.id)],
                ),
                "vans" => (
                    ev.vans.map(|(d, hosts)| {
                        msg!(
                            "implementation_report.draft.vans",
                            date = zian_domain::roc::format_roc(d),
                            hosts = hosts
                        )
                    }),
                    vec![format!("/orgs/{}/vulns", org.id)],
                ),
                "health_check" | "obligations" | "internal_audit" | "incidents_drills" => {
                    let done_in_year = |item: &str| -> Vec<Date> {
                        compliance
                            .obligations
                            .iter()
                            .filter(|o| o.obligation.item == item)
                            .flat_map(|o| o.completions.iter().map(|c| c.completed_on))
                            .filter(in_year)
                            .collect()
                    };
                    match row.draft.as_str() {
                        "health_check" => {
                            let d = done_in_year("health-check");
                            (
                                (!d.is_empty()).then(|| {
                                    msg!(
                                        "implementation_report.draft.health_check",
                                        dates = join_days(&d)
                                    )
                                }),
                                vec![format!("/orgs/{}/compliance", org.id)],
                            )
                        }
                        "internal_audit" => {
                            let d: Vec<Date> =
                                ev.internal_audits.iter().copied().filter(in_year).collect();
                            (
                                (!d.is_empty()).then(|| {
                                    msg!(
                                        "implementation_report.draft.internal_audit",
                                        n = d.len(),
                                        dates = join_days(&d)
                                    )
                                }),
                                vec![format!("/orgs/{}/audits", org.id)],
                            )
                        }
                        "incidents_drills" => {
                            let social: Vec<Date> =
                                ev.campaigns.iter().copied().filter(in_year).collect();
                            let drills: Vec<Date> = ev
                                .drills
                                .iter()
                                .filter(|(d, k, _)| {
                                    in_year(d)
                                        && *k == zian_domain::continuity::DrillKind::Notification
                                })
                                .map(|(d, _, _)| *d)
                                .collect();
                            let incidents = self.incidents_in(p, org, start, end).await?;
                            (
                                Some(msg!(
                                    "implementation_report.draft.incidents_drills",
                                    incidents = incidents,
                                    social = if social.is_empty() {
                                        "—".to_string()
                                    } else {
                                        join_days(&social)
                                    },
                                    drills = if drills.is_empty() {
                                        "—".to_string()
                                    } else {
                                        join_days(&drills)
                                    }
                                )),
                                vec![
                                    format!("/orgs/{}/incidents", org.id),
                                    format!("/orgs/{}/campaigns", org.id),
                                    format!("/orgs/{}/continuity", org.id),
                                ],
                            )
                        }
                        _ => {
                            let c = &compliance.counts;
                            (
                                Some(msg!(
                                    "implementation_report.draft.obligations",
                                    met = c.met,
                                    overdue = c.overdue
                                )),
                                vec![format!("/orgs/{}/compliance", org.id)],
                            )
                        }
                    }
                }
                "vendor_selection" | "vendor_supervision" => {
                    let vendors = self
                        .stores
                        .vendors
                        .vendors(&scope, &org.id, &ListQuery::all(500))
                        .await?
                        .items;
                    let audited: Vec<Date> = self
                        .stores
                        .audits
                        .reported_audits(&scope, Some(&org.id))
                        .await?
                        .iter()
                        .filter(|a| a.kind == zian_domain::audits::AuditKind::Vendor)
                        .filter_map(|a| a.reported_on)
                        .filter(in_year)
                        .collect();
                    let text = (!vendors.is_empty()).then(|| {
                        if row.draft == "vendor_selection" {
                            msg!(
                                "implementation_report.draft.vendor_selection",
                                n = vendors.len(),
                                contracts = vendors
                                    .iter()
                                    .map(|v| v.body.contracts.len())
                                    .sum::<usize>()
                            )
                        } else {
                            msg!(
                                "implementation_report.draft.vendor_supervision",
                                staff = vendors.iter().map(|v| v.body.staff.len()).sum::<usize>(),
                                audits = audited.len()
                            )
                        }
                    });
                    (text, vec![format!("/orgs/{}/vendors", org.id)])
                }
                "training_plan" => (
                    training.plan.as_ref().map(|pl| {
                        msg!(
                            "implementation_report.draft.training_plan",
                            n = pl.body.roster.len()
                        )
                    }),
                    vec![format!("/orgs/{}/training?year={year}", org.id)],
                ),
                "training" => {
                    let held: Vec<Date> = training
                        .sessions
                        .iter()
                        .map(|s| s.held_on)
                        .filter(in_year)
                        .collect();
                    (
                        (!held.is_empty()).then(|| {
                            msg!(
                                "implementation_report.draft.training",
                                n = held.len(),
                                dates = join_days(&held),
                                gaps = training.gaps.len()
                            )
                        }),
                        vec![format!("/orgs/{}/training?year={year}", org.id)],
                    )
                }
                _ => (None, Vec::new()),
            };
            if let Some(t) = text {
                out.push((code, zh(&t), links));
            }
        }
        Ok((intro, out))
    }

    /// How many incidents the organisation became aware of in `[from, to]`.
    async fn incidents_in(
        &self,
        p: &Principal,
        org: &Organisation,
        from: Date,
        to: Date,
    ) -> Result<usize> {
        let start = from.midnight().assume_utc().unix_timestamp();
        let end = to
            .next_day()
            .unwrap_or(to)
            .midnight()
            .assume_utc()
            .unix_timestamp();
        Ok(self
            .stores
            .incidents
            .list(
                &p.scope(Permission::RecordRead),
                &org.path,
                &zian_domain::incidents::IncidentFilter {
                    aware_from: Some(start),
                    aware_to: Some(end),
                    ..Default::default()
                },
                &ListQuery::all(500),
            )
            .await?
            .items
            .iter()
            .filter(|i| i.org_id == org.id)
            .count())
    }
}

/// A report as the API shows it.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ReportOut {
    pub id: String,
    pub org_id: String,
    pub year: i32,
    /// `draft`, `approved` or `submitted`.
    pub status: String,
    pub intro: String,
    pub lines: Vec<LineOut>,
    pub other: String,
    pub approved_by: String,
    pub approved_on: Option<String>,
    pub submitted_on: Option<String>,
    pub submitted_by: String,
    pub submitted_to: Option<String>,
    pub returns: Vec<ReturnOut>,
    /// The rows still without an explanation.
    pub unexplained: Vec<String>,
}

/// A row of the form.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct LineOut {
    pub code: String,
    pub section: String,
    pub content: String,
    pub explanation: String,
    /// Whether the explanation is the platform's draft (not edited).
    pub drafted: bool,
    pub evidence: Vec<String>,
}

/// A return with its reason.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ReturnOut {
    pub on: String,
    pub by: String,
    pub reason: String,
}

impl ReportOut {
    pub fn of(r: &ImplementationReport) -> ReportOut {
        ReportOut {
            id: r.id.to_string(),
            org_id: r.org_id.to_string(),
            year: r.year,
            status: r.status.as_str().into(),
            intro: r.body.intro.clone(),
            lines: r
                .body
                .lines
                .iter()
                .map(|l| LineOut {
                    code: l.code.clone(),
                    section: l.section.clone(),
                    content: l.content.clone(),
                    explanation: l.explanation.clone(),
                    drafted: l.explanation == l.drafted,
                    evidence: l.evidence.clone(),
                })
                .collect(),
            other: r.body.other.clone(),
            approved_by: r.body.approved_by.clone(),
            approved_on: r.body.approved_on.map(ymd),
            submitted_on: r.submitted_on.map(ymd),
            submitted_by: r.body.submitted_by.clone(),
            submitted_to: r.body.submitted_to.as_ref().map(ToString::to_string),
            returns: r
                .body
                .returns
                .iter()
                .map(|x| ReturnOut {
                    on: ymd(x.on),
                    by: x.by.clone(),
                    reason: x.reason.clone(),
                })
                .collect(),
            unexplained: r.unexplained().into_iter().map(String::from).collect(),
        }
    }
}
