//! The dashboard's to-do list: what the caller should act on, from live data,
//! each entry one organisation and one kind of task with the number of
//! records the linked list shows.

use std::collections::BTreeMap;

use serde::Serialize;
use zian_domain::plan::PlanStatus;
use zian_domain::{OrgId, Organisation, Permission, Principal};

use crate::compliance::Status;
use crate::{App, Result};

/// A kind of task.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TodoKind {
    /// Threat notices the organisation has not answered to the end.
    ThreatNoticesToAnswer,
    /// Obligations past their due date (the organisation's calendar).
    ObligationsOverdue,
    /// Obligations due within the warning period.
    ObligationsDueSoon,
    /// A submitted maintenance plan the caller may approve.
    PlanAwaitingApproval,
    /// Risks above their acceptance threshold whose treatment has not started.
    RisksUntreated,
    /// Systems past their grading review date (附表九, yearly).
    SystemsRegrade,
}

impl TodoKind {
    pub fn as_str(self) -> &'static str {
        match self {
            TodoKind::ThreatNoticesToAnswer => "threat_notices_to_answer",
            TodoKind::ObligationsOverdue => "obligations_overdue",
            TodoKind::ObligationsDueSoon => "obligations_due_soon",
            TodoKind::PlanAwaitingApproval => "plan_awaiting_approval",
            TodoKind::RisksUntreated => "risks_untreated",
            TodoKind::SystemsRegrade => "systems_regrade",
        }
    }
}

/// One task: an organisation, what to do and how many records.
#[derive(Debug, Clone, Serialize)]
pub struct TodoItem {
    pub kind: TodoKind,
    pub org: Organisation,
    pub count: u64,
    /// The page that lists exactly these records.
    pub href: String,
}

impl App {
    /// The caller's to-do list, most pressing kind first, then by
    /// organisation. Every figure comes from the same data as the page it
    /// links to, within the caller's scope for that kind of record.
    pub async fn todo(&self, p: &Principal) -> Result<Vec<TodoItem>> {
        let mut out = Vec::new();
        let read = p.scope(Permission::RecordRead);
        if read.is_empty() {
            return Ok(out);
        }
        let today = self.today();
        // obligations: the organisations' calendars
        for row in self.compliance_rollup(p).await? {
            let count = |s: Status| row.behind.iter().filter(|v| v.status == s).count() as u64;
            for (kind, n) in [
                (TodoKind::ObligationsOverdue, count(Status::Overdue)),
                (TodoKind::ObligationsDueSoon, count(Status::DueSoon)),
            ] {
                if n > 0 {
                    out.push(TodoItem {
                        kind,
                        href: format!("/orgs/{}/compliance", row.org.id),
                        org: row.org.clone(),
                        count: n,
                    });
                }
            }
        }
        let tree: BTreeMap<OrgId, Organisation> = self
            .org_tree(p)
            .await?
            .into_iter()
            .map(|o| (o.id.clone(), o))
            .collect();
        // plans awaiting the approval of a CISO the caller is
        let approve = p.scope(Permission::PlanApprove);
        if !approve.is_empty() {
            for r in self.plan_rollup(p).await? {
                if r.open_status != Some(PlanStatus::Submitted) {
                    continue;
                }
                if let Some(org) = tree.get(&r.org_id).filter(|o| approve.contains(&o.path)) {
                    out.push(TodoItem {
                        kind: TodoKind::PlanAwaitingApproval,
                        href: format!("/orgs/{}/plan", org.id),
                        org: org.clone(),
                        count: 1,
                    });
                }
            }
        }
        // risks above threshold, treatment not started
        for (org_id, n) in self.stores.risk.untreated_above_threshold(&read).await? {
            if let Some(org) = tree.get(&org_id) {
                out.push(TodoItem {
                    kind: TodoKind::RisksUntreated,
                    href: format!("/orgs/{}/risks?above_threshold=1&status=open", org.id),
                    org: org.clone(),
                    count: n,
                });
            }
        }
        // threat notices to answer, for those who answer them
        let write = p.scope(Permission::RecordWrite);
        if !write.is_empty() {
            let mut open: BTreeMap<OrgId, u64> = BTreeMap::new();
            for (_, r) in self.stores.threat_notices.unfinished(&write).await? {
                *open.entry(r.org_id).or_default() += 1;
            }
            for (org_id, n) in open {
                if let Some(org) = tree.get(&org_id) {
                    out.push(TodoItem {
                        kind: TodoKind::ThreatNoticesToAnswer,
                        href: format!("/orgs/{}/threat-notices", org.id),
                        org: org.clone(),
                        count: n,
                    });
                }
            }
        }
        // systems due for re-grading
        let mut regrade: BTreeMap<OrgId, u64> = BTreeMap::new();
        for s in self.stores.systems.all(&read, None, false).await? {
            if s.review_due.is_some_and(|d| d < today) {
                *regrade.entry(s.org_id.clone()).or_default() += 1;
            }
        }
        for (org_id, n) in regrade {
            if let Some(org) = tree.get(&org_id) {
                out.push(TodoItem {
                    kind: TodoKind::SystemsRegrade,
                    href: format!("/orgs/{}/systems?sort=review_due", org.id),
                    org: org.clone(),
                    count: n,
                });
            }
        }
        out.sort_by(|a, b| {
            a.kind
                .cmp(&b.kind)
                .then_with(|| a.org.path.cmp(&b.org.path))
        });
        Ok(out)
    }
}
