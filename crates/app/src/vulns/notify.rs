//! Who hears of findings: after a match, the organisation's webhooks
//! (`vulns.found`) and its officers
//! (holders of record-write on it) — at once when a new finding is on the
//! KEV list or critical on a core asset (`vulns.urgent`), else in the daily
//! digest (`vulns.found`); every morning, the CISO and the supervising
//! organisations of each organisation whose findings fell overdue
//! (`vulns.overdue`). Every notice is recorded with its time (the inbox).
//! The daily job also matches every organisation with mapped software
//! again, so a feed updated overnight and acceptances that ran out reach
//! everyone.

use zian_domain::audit::AuditEvent;
use zian_domain::vulns::{Certainty, Finding, FindingStatus, Reconciled, Severity};
use zian_domain::{OrgId, OrgScope, Permission, day};
use zian_i18n::msg;

use crate::inbox::Raise;
use crate::jobs::{JobContext, JobHandler};
use crate::{App, Result};

/// The daily job: match everyone again, then escalate what fell overdue.
pub const KIND_DAILY: &str = "vulns.daily";

/// At most this many CVE ids are named in a notice.
const NAMED: usize = 5;

/// Whether a new finding needs someone at once: a known exploited
/// vulnerability, or a critical one on a core system's asset or on an asset
/// reachable from the Internet.
pub fn urgent(f: &Finding) -> bool {
    f.kev || (f.severity == Severity::Critical && (f.core || f.exposed))
}

impl App {
    /// Tells the organisation's officers of the findings a match added or
    /// reopened (confirmed ones: possible findings wait for the inventory).
    pub(crate) async fn notify_findings(&self, org: &OrgId, r: &Reconciled, now: i64) {
        let fresh: Vec<&Finding> = r
            .inserts
            .iter()
            .chain(r.updates.iter())
            .filter(|f| {
                f.certainty == Certainty::Confirmed
                    && f.status == FindingStatus::New
                    && f.notified_at == now
            })
            .collect();
        if fresh.is_empty() {
            return;
        }
        let Ok(Some(o)) = self.stores.orgs.get(&OrgScope::system_wide(), org).await else {
            return;
        };
        let mut pressing: Vec<&str> = Vec::new();
        for f in fresh.iter().filter(|f| urgent(f)) {
            if pressing.len() < 50 && !pressing.contains(&f.cve_id.as_str()) {
                pressing.push(&f.cve_id);
            }
        }
        self.emit_webhooks(
            org,
            "vulns.found",
            serde_json::json!({
                "findings": fresh.len(),
                "cvss7": fresh.iter().filter(|f| f.score.is_some_and(|s| s >= 70)).count(),
                "kev": fresh.iter().filter(|f| f.kev).count(),
                "urgent": pressing,
                "link": format!("/orgs/{org}/vulns"),
            }),
        )
        .await;
        let en = if o.name_en.is_empty() {
            &o.name_zh
        } else {
            &o.name_en
        };
        let mut urgent: Vec<&&Finding> = fresh.iter().filter(|f| urgent(f)).collect();
        // the most pressing first: KEV, then the highest score
        urgent.sort_by(|a, b| (b.kev, b.score, &a.cve_id).cmp(&(a.kev, a.score, &b.cve_id)));
        let high = fresh
            .iter()
            .filter(|f| f.score.is_some_and(|s| s >= 70))
            .count();
        let link = format!("/orgs/{org}/vulns");
        if !urgent.is_empty() {
            let mut cves: Vec<&str> = Vec::new();
            for f in &urgent {
                if !cves.contains(&f.cve_id.as_str()) {
                    cves.push(f.cve_id.as_str());
                }
            }
            let more = cves.len().saturating_sub(NAMED);
            let mut named = cves[..cves.len().min(NAMED)].join(", ");
            if more > 0 {
                named.push_str(&format!(" …(+{more})"));
            }
            let title = |name: &str| {
                msg!(
                    "inbox.notice.vulns_urgent",
                    org = name,
                    n = urgent.len(),
                    cves = &named
                )
            };
            let r = Raise {
                event: "vulns.urgent",
                org: Some(org.clone()),
                title: title(&o.name_zh),
                title_en: Some(title(en)),
                link: Some(format!("{link}?kev=true")),
                dedupe_key: None,
            };
            self.raise_to_holders(org, Permission::RecordWrite, &r)
                .await;
        }
        let title = |name: &str| {
            msg!(
                "inbox.notice.vulns_found",
                org = name,
                n = fresh.len(),
                high = high
            )
        };
        let r = Raise {
            event: "vulns.found",
            org: Some(org.clone()),
            title: title(&o.name_zh),
            title_en: Some(title(en)),
            link: Some(link),
            dedupe_key: None,
        };
        self.raise_to_holders(org, Permission::RecordWrite, &r)
            .await;
    }

    /// Every organisation with mapped software matched again (after a feed
    /// import, and every morning); returns how many were matched.
    pub async fn rematch_all(&self) -> Result<usize> {
        let all = OrgScope::system_wide();
        let mut matched = 0;
        if self.feeds_ready() {
            for org in self.stores.vulns.orgs_with_software(&all).await? {
                let mut e = AuditEvent::new("vulns.matched");
                e.org_id = Some(org.to_string());
                e.target = Some(org.to_string());
                match self.match_org(&all, &org, e).await {
                    Ok(_) => matched += 1,
                    Err(err) => tracing::warn!(org = %org, error = %err, "match failed"),
                }
            }
        }
        Ok(matched)
    }

    /// Every organisation with mapped software matched again; then the CISO
    /// and the supervisors of each organisation with findings that fell
    /// overdue today (due yesterday, still open) are told, and the
    /// administrators when the feed store is stale. Returns the
    /// organisations matched and the escalations raised.
    pub async fn vulns_daily(&self) -> Result<(usize, usize)> {
        let all = OrgScope::system_wide();
        let matched = self.rematch_all().await?;
        if let Some(age) = self.feeds_stale() {
            let r = Raise {
                event: "feeds.stale",
                org: None,
                title: msg!("inbox.notice.feeds_stale", days = age),
                title_en: None,
                link: Some("/admin/feeds".into()),
                dedupe_key: Some(format!("feeds.stale:{}", day::ymd(self.today()))),
            };
            self.raise_to_admins(None, &r).await;
        }
        let yesterday = self.today() - time::Duration::days(1);
        let mut raised = 0;
        for (org, n) in self.stores.vulns.due_on(&all, yesterday).await? {
            let Some(o) = self.stores.orgs.get(&all, &org).await? else {
                continue;
            };
            let en = if o.name_en.is_empty() {
                o.name_zh.clone()
            } else {
                o.name_en.clone()
            };
            let title = |name: &str| msg!("inbox.notice.vulns_overdue", org = name, n = n);
            let r = Raise {
                event: "vulns.overdue",
                org: Some(org.clone()),
                title: title(&o.name_zh),
                title_en: Some(title(&en)),
                link: Some(format!("/orgs/{org}/vulns?overdue=true")),
                dedupe_key: Some(format!("vulns.overdue:{org}:{}", day::ymd(yesterday))),
            };
            raised += self
                .raise_to_holders(&org, Permission::PlanApprove, &r)
                .await;
            raised += self.raise_to_supervisors(&org, &r).await;
        }
        Ok((matched, raised))
    }
}

/// `vulns.rematch` (queued by a feed import).
pub(crate) struct RematchJob;

/// `vulns.rematch`: `{}` (everything) or `{"cves": [id, …]}` (the records a
/// feed import changed).
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RematchPayload {
    #[serde(default)]
    cves: Option<Vec<String>>,
}

#[async_trait::async_trait]
impl JobHandler for RematchJob {
    async fn run(&self, cx: &JobContext) -> std::result::Result<(), String> {
        let input: RematchPayload = cx.payload()?;
        let matched = match input.cves {
            Some(cves) => cx.app.rematch_cves(&cves).await,
            None => cx.app.rematch_all().await,
        }
        .map_err(|e| e.to_string())?;
        cx.progress(100, &format!("{matched} organisations matched"))
            .await;
        Ok(())
    }
}

/// `vulns.daily`.
pub(crate) struct DailyJob;

#[async_trait::async_trait]
impl JobHandler for DailyJob {
    async fn run(&self, cx: &JobContext) -> std::result::Result<(), String> {
        let (matched, raised) = cx.app.vulns_daily().await.map_err(|e| e.to_string())?;
        cx.progress(
            100,
            &format!("{matched} organisations matched, {raised} overdue notices"),
        )
        .await;
        Ok(())
    }
}
