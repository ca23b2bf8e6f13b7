//! One channel for a threat (the Taipei 資安管考 model, seed 004): an
//! organisation that supervises others — a county, a municipal hub, the
//! national authority — issues a threat notice to some or all of its
//! subtree; each organisation addressed reports its progress through
//! investigate → confirm → plan → isolate → handle → recover with a note,
//! evidence and the incident it opened; the issuer watches a board of who
//! is where, reminds the laggards (inbox and mail, and the reminders list
//! until they finish), sees which organisations of its subtree have open
//! VANS findings of the notice's CVEs, and closes the notice. An
//! organisation addressed sees the notice and its own response only.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use zian_domain::incidents::EntryEvidence;
use zian_domain::org::OrgTier;
use zian_domain::threat_notices::{
    Board, NoticeBody, NoticeStatus, Reminded, Severity, Step, StepReport, ThreatNotice,
    ThreatResponse, parse_cves,
};
use zian_domain::{
    EvidenceId, IncidentId, IntelId, OrgId, Organisation, Permission, Principal, ThreatNoticeId,
    ThreatResponseId,
};
use zian_i18n::msg;

use crate::inbox::Raise;
use crate::typed::{memo, text};
use crate::{App, AppError, Result};

/// A notice to issue.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "ThreatNoticeIn")]
pub struct NoticeInput {
    pub title: String,
    /// `critical`, `high`, `medium` or `low`.
    pub severity: String,
    /// What is happening and what the organisations are to do.
    pub text: String,
    /// The CVEs it concerns, separated by commas, spaces or lines.
    #[serde(default)]
    pub cves: String,
    /// `YYYY-MM-DD`: when every organisation is to have finished.
    pub due_on: String,
    /// The organisations addressed (ids of the issuer's subtree).
    pub targets: Vec<String>,
    /// The issuer's piece of threat intelligence it rests on.
    #[serde(default)]
    pub intel_id: Option<String>,
}

/// An organisation's report of one step.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "ThreatReportIn")]
pub struct ReportInput {
    /// `investigate`, `confirm`, `plan`, `isolate`, `handle` or `recover`:
    /// the current step again or the next.
    pub step: String,
    /// What was found or done.
    pub note: String,
    /// 確認: whether the organisation is affected (only then).
    #[serde(default)]
    pub affected: Option<bool>,
    /// The organisation's incident opened for it.
    #[serde(default)]
    pub incident_id: Option<String>,
    /// An evidence file of the organisation.
    #[serde(default)]
    pub evidence_id: Option<String>,
}

/// Closing a notice.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "ThreatCloseIn")]
pub struct CloseInput {
    /// Why (all done, superseded…).
    pub note: String,
}

/// An organisation's notices: issued and received.
#[derive(Debug, Clone)]
pub struct NoticeList {
    pub org: Organisation,
    /// May issue notices (holds the permission and has organisations
    /// below).
    pub can_issue: bool,
    pub issued: Vec<(ThreatNotice, Board)>,
    /// Notices addressed to it, its response and whether it lags.
    pub received: Vec<(ThreatNotice, ThreatResponse, bool)>,
    /// The organisations a notice may address (the subtree below, units
    /// aside).
    pub targets: Vec<Organisation>,
}

/// One organisation's line on the board.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[schemars(rename = "ThreatBoardRow")]
pub struct BoardRow {
    pub response_id: String,
    pub org_id: String,
    pub org_name: String,
    /// The last step reported (none: nothing yet).
    pub step: Option<String>,
    /// `pending`, `in_progress`, `unaffected`, `recovered`.
    pub outcome: String,
    /// When it last reported (Unix seconds).
    pub last_at: Option<i64>,
    pub lagging: bool,
    /// Open VANS findings of the notice's CVEs at the organisation and
    /// below.
    pub open_findings: u64,
    /// Its incidents named in the reports.
    pub incidents: Vec<String>,
    /// The caller may report for it.
    pub can_report: bool,
}

/// An organisation with findings of a CVE: id, name, findings, open.
pub type CveOrg = (String, String, u64, u64);

/// A notice with the responses the caller may see.
#[derive(Debug, Clone)]
pub struct NoticeDetail {
    pub notice: ThreatNotice,
    /// The caller reaches the issuer (sees the whole board).
    pub is_issuer: bool,
    /// The caller may remind and close.
    pub can_manage: bool,
    pub board: Board,
    pub rows: Vec<BoardRow>,
    pub responses: Vec<ThreatResponse>,
    /// Organisations of the issuer's subtree with findings of each CVE:
    /// `(cve, [(org id, name, findings, open)])` (the issuer's view only).
    pub cve_orgs: Vec<(String, Vec<CveOrg>)>,
    /// Evidence files and incidents of the organisations the caller may
    /// report for (`org id → [(id, name)]`).
    pub evidence: Vec<(String, String, String)>,
    pub incidents: Vec<(String, String, String)>,
}

impl App {
    async fn notice_row(&self, p: &Principal, id: &ThreatNoticeId) -> Result<ThreatNotice> {
        self.stores
            .threat_notices
            .notice(&p.scope(Permission::RecordRead), id)
            .await?
            .ok_or(AppError::NotFound)
    }

    /// Issues a notice to organisations of the issuer's subtree; each gets
    /// a response waiting for its first report, and its officers a notice.
    pub async fn issue_threat_notice(
        &self,
        p: &Principal,
        org_id: &OrgId,
        input: NoticeInput,
    ) -> Result<ThreatNotice> {
        let org = self
            .org_with(p, org_id, Permission::ThreatNoticeIssue)
            .await?;
        let today = self.today();
        let mut targets: Vec<OrgId> = Vec::new();
        let mut names = Vec::new();
        for t in input
            .targets
            .iter()
            .map(|t| t.trim())
            .filter(|t| !t.is_empty())
        {
            // each one below the issuer
            let o = self
                .stores
                .orgs
                .get(&p.scope(Permission::ThreatNoticeIssue), &OrgId::from(t))
                .await?
                .filter(|o| o.path.starts_with(&org.path) && o.id != org.id && o.active)
                .ok_or_else(|| {
                    AppError::invalid("targets", msg!("reason.threat_notices.not_below", id = t))
                })?;
            names.push(o.name_zh.clone());
            targets.push(o.id);
        }
        let intel_id = match input.intel_id.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(s) => {
                let x = self
                    .stores
                    .intel
                    .get(&p.scope(Permission::RecordRead), &IntelId::from(s))
                    .await?
                    .filter(|x| x.org_id == org.id)
                    .ok_or_else(|| {
                        AppError::invalid("intel_id", msg!("reason.threat_notices.intel"))
                    })?;
                Some(x.id.to_string())
            }
        };
        let now = self.now();
        let n = ThreatNotice {
            id: ThreatNoticeId::from(self.ids.new_id()),
            org_id: org.id.clone(),
            title: text::<200>("title", &input.title)?,
            severity: Severity::parse(&input.severity)?,
            due_on: zian_domain::day::parse("due_on", input.due_on.trim())?,
            status: NoticeStatus::Open,
            body: NoticeBody {
                text: text::<4000>("text", &input.text)?,
                cves: parse_cves(&input.cves)?,
                intel_id,
                issuer: org.name_zh.clone(),
                ..NoticeBody::default()
            },
            issued: self.signed(p, now),
            created_by: Some(p.user.id.clone()),
            created_at: now,
            updated_at: now,
        };
        n.check(today, &targets)?;
        let rs: Vec<ThreatResponse> = targets
            .iter()
            .map(|t| {
                ThreatResponse::new(
                    ThreatResponseId::from(self.ids.new_id()),
                    &n,
                    t.clone(),
                    now,
                )
            })
            .collect();
        let mut e = p.event("threat_notice.issued", Some(&org.id), Some(&n.id));
        e.details = serde_json::json!({"title": n.title, "severity": n.severity.as_str(), "due_on": zian_domain::day::ymd(n.due_on), "targets": names, "cves": n.body.cves});
        self.stores
            .threat_notices
            .issue(&p.scope(Permission::ThreatNoticeIssue), &n, &rs, e)
            .await?;
        for t in &targets {
            self.raise_to_holders(
                t,
                Permission::RecordWrite,
                &Raise {
                    event: "threat_notice.issued",
                    org: Some(t.clone()),
                    title: msg!(
                        "inbox.notice.threat_notice_issued",
                        issuer = &org.name_zh,
                        title = &n.title
                    ),
                    title_en: Some(msg!(
                        "inbox.notice.threat_notice_issued",
                        issuer = &org.name_en,
                        title = &n.title
                    )),
                    link: Some(format!("/threat-notices/{}", n.id)),
                    dedupe_key: Some(format!("threat_notice.issued:{}:{t}", n.id)),
                },
            )
            .await;
        }
        Ok(n)
    }

    /// The notices an organisation issued (with their boards) and those
    /// addressed to it (with its response).
    pub async fn threat_notice_list(&self, p: &Principal, org_id: &OrgId) -> Result<NoticeList> {
        let org = self.org_with(p, org_id, Permission::RecordRead).await?;
        let scope = p.scope(Permission::RecordRead);
        let now = self.now();
        let store = &self.stores.threat_notices;
        let mut issued = Vec::new();
        for n in store.issued(&scope, &org.id).await? {
            let rs = store.responses(&scope, &n.id).await?;
            let b = Board::of(&n, &rs, now);
            issued.push((n, b));
        }
        let received = store
            .received(&scope, &org.id)
            .await?
            .into_iter()
            .map(|(n, r)| {
                let lagging = r.lagging(&n, now);
                (n, r, lagging)
            })
            .collect();
        let can_issue = self.can(p, Permission::ThreatNoticeIssue, &org);
        let targets: Vec<Organisation> = if can_issue {
            self.org_tree(p)
                .await?
                .into_iter()
                .filter(|o| {
                    o.path.starts_with(&org.path)
                        && o.id != org.id
                        && o.active
                        && o.tier != OrgTier::Unit
                })
                .collect()
        } else {
            Vec::new()
        };
        Ok(NoticeList {
            can_issue: can_issue && !targets.is_empty(),
            org,
            issued,
            received,
            targets,
        })
    }

    /// A notice with the board the caller may see: the issuer's side sees
    /// every organisation addressed and which of its subtree have open
    /// findings of the CVEs; an organisation addressed sees its own line.
    pub async fn threat_notice(&self, p: &Principal, id: &ThreatNoticeId) -> Result<NoticeDetail> {
        let n = self.notice_row(p, id).await?;
        let scope = p.scope(Permission::RecordRead);
        let responses = self.stores.threat_notices.responses(&scope, &n.id).await?;
        let issuer = self.stores.orgs.get(&scope, &n.org_id).await?;
        let is_issuer = issuer.is_some();
        let can_manage = issuer
            .as_ref()
            .is_some_and(|o| self.can(p, Permission::ThreatNoticeIssue, o));
        let now = self.now();
        // open findings of the CVEs per organisation of the issuer's subtree
        let mut cve_orgs = Vec::new();
        let mut open_at: std::collections::BTreeMap<String, u64> = Default::default();
        let mut paths: Vec<(String, String)> = Vec::new();
        for r in &responses {
            if let Some(o) = self.stores.orgs.get(&scope, &r.org_id).await? {
                paths.push((o.id.to_string(), o.path.clone()));
            }
        }
        for cve in &n.body.cves {
            let root = issuer.as_ref().map_or_else(
                || {
                    // an addressed organisation: its own subtree
                    paths.first().map(|x| x.1.clone()).unwrap_or_default()
                },
                |o| o.path.clone(),
            );
            if root.is_empty() {
                continue;
            }
            let hits = self.stores.vulns.with_cve(&scope, &root, cve).await?;
            let mut list = Vec::new();
            for (o, findings, open) in hits {
                let Some(org) = self.stores.orgs.get(&scope, &o).await? else {
                    continue;
                };
                for (rid, path) in &paths {
                    if org.path.starts_with(path.as_str()) {
                        *open_at.entry(rid.clone()).or_default() += open;
                    }
                }
                list.push((
                    org.id.to_string(),
                    org.name_zh.clone(),
                    findings,
                    open,
                    org.path,
                ));
            }
            list.sort_by(|a, b| a.4.cmp(&b.4));
            if is_issuer {
                cve_orgs.push((
                    cve.clone(),
                    list.into_iter()
                        .map(|(a, b, c, d, _)| (a, b, c, d))
                        .collect(),
                ));
            }
        }
        let mut rows = Vec::new();
        let mut evidence = Vec::new();
        let mut incidents = Vec::new();
        for r in &responses {
            let Some(o) = self.stores.orgs.get(&scope, &r.org_id).await? else {
                continue;
            };
            let can_report = n.status == NoticeStatus::Open
                && !r.outcome.done()
                && self.can(p, Permission::RecordWrite, &o);
            if can_report {
                for f in self
                    .stores
                    .evidence
                    .list(&scope, &o.id, &zian_domain::ListQuery::all(50))
                    .await?
                    .items
                {
                    if f.is_current() {
                        evidence.push((o.id.to_string(), f.id.to_string(), f.filename));
                    }
                }
                for i in self
                    .stores
                    .incidents
                    .list(
                        &scope,
                        &o.path,
                        &zian_domain::incidents::IncidentFilter::default(),
                        &zian_domain::ListQuery::all(50),
                    )
                    .await?
                    .items
                    .into_iter()
                    .filter(|i| i.org_id == o.id)
                {
                    incidents.push((o.id.to_string(), i.id.to_string(), i.title.to_string()));
                }
            }
            rows.push(BoardRow {
                response_id: r.id.to_string(),
                org_id: o.id.to_string(),
                org_name: o.name_zh.clone(),
                step: r.step.map(|s| s.as_str().to_string()),
                outcome: r.outcome.as_str().into(),
                last_at: r.last_at,
                lagging: r.lagging(&n, now),
                open_findings: open_at.get(o.id.as_str()).copied().unwrap_or(0),
                incidents: r.incidents(),
                can_report,
            });
        }
        Ok(NoticeDetail {
            board: Board::of(&n, &responses, now),
            notice: n,
            is_issuer,
            can_manage,
            rows,
            responses,
            cve_orgs,
            evidence,
            incidents,
        })
    }

    /// An organisation's response (its own, or one of the issuer's
    /// subtree).
    pub async fn threat_response(
        &self,
        p: &Principal,
        id: &ThreatResponseId,
    ) -> Result<ThreatResponse> {
        self.stores
            .threat_notices
            .response(&p.scope(Permission::RecordRead), id)
            .await?
            .ok_or(AppError::NotFound)
    }

    /// An organisation's report of a step, with its evidence and incident
    /// (both its own). The issuer's officers hear when it is affected or
    /// done.
    pub async fn report_threat_step(
        &self,
        p: &Principal,
        id: &ThreatResponseId,
        input: ReportInput,
    ) -> Result<ThreatResponse> {
        let scope = p.scope(Permission::RecordRead);
        let mut r = self.threat_response(p, id).await?;
        let org = self.org_with(p, &r.org_id, Permission::RecordWrite).await?;
        let n = self.notice_row(p, &r.notice_id).await?;
        let step = Step::parse(&input.step)?;
        let note = text::<4000>("note", &input.note)?;
        let incident_id = match input.incident_id.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(s) => Some(
                self.stores
                    .incidents
                    .get(&scope, &IncidentId::from(s))
                    .await?
                    .filter(|i| i.org_id == org.id)
                    .ok_or_else(|| {
                        AppError::invalid("incident_id", msg!("reason.threat_notices.incident"))
                    })?
                    .id
                    .to_string(),
            ),
        };
        let evidence = match input.evidence_id.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(s) => {
                let f = self
                    .stores
                    .evidence
                    .get(&scope, &EvidenceId::from(s))
                    .await?
                    .map(|(f, _)| f)
                    .filter(|f| f.org_id == org.id && f.is_current())
                    .ok_or_else(|| {
                        AppError::invalid("evidence_id", msg!("reason.threat_notices.evidence"))
                    })?;
                Some(EntryEvidence {
                    id: f.id.to_string(),
                    sha256: f.sha256,
                    name: f.filename,
                })
            }
        };
        let previous = r.updated_at;
        let now = self.now().max(previous + 1);
        r.report(
            &n,
            StepReport {
                step,
                note,
                affected: input.affected,
                incident_id,
                evidence,
                signed: self.signed(p, now),
            },
        )?;
        r.updated_at = now;
        let mut e = p.event("threat_notice.reported", Some(&org.id), Some(&r.id));
        e.details = serde_json::json!({"notice": n.id, "step": step.as_str(), "affected": input.affected, "outcome": r.outcome.as_str()});
        self.stores
            .threat_notices
            .save_response(&p.scope(Permission::RecordWrite), &r, previous, e)
            .await?;
        if input.affected == Some(true) || r.outcome.done() {
            self.raise_to_holders(
                &n.org_id,
                Permission::ThreatNoticeIssue,
                &Raise {
                    event: "threat_notice.reported",
                    org: Some(n.org_id.clone()),
                    title: msg!(
                        "inbox.notice.threat_notice_reported",
                        org = &org.name_zh,
                        title = &n.title
                    )
                    .arg_msg(
                        "outcome",
                        zian_i18n::Msg::new(format!(
                            "threat_notices.outcome.{}",
                            if input.affected == Some(true) {
                                "affected"
                            } else {
                                r.outcome.as_str()
                            }
                        )),
                    ),
                    title_en: None,
                    link: Some(format!("/threat-notices/{}", n.id)),
                    dedupe_key: Some(format!("threat_notice.reported:{}:{now}", r.id)),
                },
            )
            .await;
        }
        Ok(r)
    }

    /// Reminds the organisations that lag (inbox, and mail by default);
    /// returns them. Recorded on the notice.
    pub async fn remind_threat_laggards(
        &self,
        p: &Principal,
        id: &ThreatNoticeId,
    ) -> Result<Vec<Organisation>> {
        let mut n = self.notice_row(p, id).await?;
        let org = self
            .org_with(p, &n.org_id, Permission::ThreatNoticeIssue)
            .await?;
        if n.status == NoticeStatus::Closed {
            return Err(AppError::invalid(
                "status",
                msg!("reason.threat_notices.closed"),
            ));
        }
        let scope = p.scope(Permission::RecordRead);
        let now = self.now();
        let mut lagging = Vec::new();
        for r in self.stores.threat_notices.responses(&scope, &n.id).await? {
            if r.lagging(&n, now)
                && let Some(o) = self.stores.orgs.get(&scope, &r.org_id).await?
            {
                lagging.push(o);
            }
        }
        if lagging.is_empty() {
            return Err(AppError::invalid(
                "status",
                msg!("reason.threat_notices.none_lagging"),
            ));
        }
        let previous = n.updated_at;
        let at = now.max(previous + 1);
        n.body.reminders.push(Reminded {
            orgs: lagging.iter().map(|o| o.id.clone()).collect(),
            signed: self.signed(p, at),
        });
        n.updated_at = at;
        let mut e = p.event("threat_notice.reminded", Some(&org.id), Some(&n.id));
        e.details = serde_json::json!({"orgs": lagging.iter().map(|o| o.name_zh.clone()).collect::<Vec<_>>()});
        self.stores
            .threat_notices
            .save_notice(&p.scope(Permission::ThreatNoticeIssue), &n, previous, e)
            .await?;
        for o in &lagging {
            self.raise_to_holders(
                &o.id,
                Permission::RecordWrite,
                &Raise {
                    event: "threat_notice.reminder",
                    org: Some(o.id.clone()),
                    title: msg!(
                        "inbox.notice.threat_notice_reminder",
                        issuer = &org.name_zh,
                        title = &n.title,
                        due = zian_domain::day::ymd(n.due_on)
                    ),
                    title_en: Some(msg!(
                        "inbox.notice.threat_notice_reminder",
                        issuer = &org.name_en,
                        title = &n.title,
                        due = zian_domain::day::ymd(n.due_on)
                    )),
                    link: Some(format!("/threat-notices/{}", n.id)),
                    dedupe_key: Some(format!("threat_notice.reminder:{}:{}:{at}", n.id, o.id)),
                },
            )
            .await;
        }
        Ok(lagging)
    }

    /// Closes a notice: no more reports.
    pub async fn close_threat_notice(
        &self,
        p: &Principal,
        id: &ThreatNoticeId,
        input: CloseInput,
    ) -> Result<ThreatNotice> {
        let mut n = self.notice_row(p, id).await?;
        let org = self
            .org_with(p, &n.org_id, Permission::ThreatNoticeIssue)
            .await?;
        let note = memo::<2000>("note", &input.note)?;
        let previous = n.updated_at;
        n.close(note)?;
        n.updated_at = self.now().max(previous + 1);
        let mut e = p.event("threat_notice.closed", Some(&org.id), Some(&n.id));
        e.details = serde_json::json!({"note": n.body.closing});
        self.stores
            .threat_notices
            .save_notice(&p.scope(Permission::ThreatNoticeIssue), &n, previous, e)
            .await?;
        Ok(n)
    }
}
