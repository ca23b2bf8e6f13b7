//! Vulnerability findings (VANS, seed 004): an organisation's installed
//! software (CPE 2.3 names from the asset register) matched against the
//! compiled feed store (`zian feeds import`), reconciled with what is
//! recorded (new findings start their clock, fixes an inventory confirms
//! are verified, findings that come back reopen), and the people's work on
//! them: assessment, accepted risk, false positive, remediation plan, fix
//! with evidence, verification — one at a time or over a filtered set —
//! the remediation policy (days by severity, inherited down the tree) and
//! per-host patch lists.
//!
//! A match runs after every inventory commit (the `vulns.match` job) and on
//! request; it reads only the feed records the organisation's products can
//! trigger (`Store::open_for_keys`).

mod notify;
pub mod review;

pub(crate) use notify::{DailyJob, RematchJob};
pub use notify::{KIND_DAILY, urgent};

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use futures_util::{StreamExt, stream};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use zian_domain::audit::{AuditEvent, AuditRow};
use zian_domain::vulns::{
    self, Certainty, Decision, Finding, FindingStatus, MatchInput, MatchRun, Observed, Policy,
    ReconcileCounts,
};
use zian_domain::{
    AssetId, FindingId, ListQuery, OrgId, OrgScope, Organisation, Page, Permission, Principal, day,
};
use zian_i18n::msg;

use crate::jobs::{JobContext, JobHandler};
use crate::{App, AppError, Result};

/// The job that matches one organisation (`{"org": id}`).
pub const KIND_MATCH: &str = "vulns.match";

/// The most findings one bulk action changes.
pub const BULK_CAP: i64 = 5_000;

/// A decision about a finding, as the API and the page forms send it.
/// `action`: `needs_fix`, `accept` (with `reason`, `approver`,
/// `accepted_until`), `false_positive` / `not_applicable` (with `reason`),
/// `plan` (with `plan_action`, `plan_owner`, `plan_due`), `fix` (with
/// `evidence`), `verify` (optional `evidence`).
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "VulnDecisionIn")]
pub struct DecisionInput {
    pub action: String,
    pub reason: Option<String>,
    pub approver: Option<String>,
    pub accepted_until: Option<String>,
    pub plan_action: Option<String>,
    pub plan_owner: Option<String>,
    pub plan_due: Option<String>,
    pub evidence: Option<String>,
}

/// One decision for every finding of a filtered set (the list's filters).
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "VulnBulkIn")]
pub struct BulkInput {
    pub action: String,
    pub reason: Option<String>,
    pub approver: Option<String>,
    pub accepted_until: Option<String>,
    pub plan_action: Option<String>,
    pub plan_owner: Option<String>,
    pub plan_due: Option<String>,
    pub evidence: Option<String>,
    /// The list's filters: `q`, `status`, `severity`, `kev`, `certainty`,
    /// `overdue`, `cve`, `asset`, `core`, `notified`, `kpi`.
    pub q: Option<String>,
    pub status: Option<String>,
    pub severity: Option<String>,
    pub kev: Option<String>,
    pub certainty: Option<String>,
    pub overdue: Option<String>,
    pub cve: Option<String>,
    pub asset: Option<String>,
    pub core: Option<String>,
    pub exposed: Option<String>,
    pub notified: Option<String>,
    pub kpi: Option<String>,
    /// How many findings the person saw in the set: refused when the set
    /// has changed size since.
    pub expect: Option<i64>,
}

impl BulkInput {
    fn decision(&self) -> DecisionInput {
        DecisionInput {
            action: self.action.clone(),
            reason: self.reason.clone(),
            approver: self.approver.clone(),
            accepted_until: self.accepted_until.clone(),
            plan_action: self.plan_action.clone(),
            plan_owner: self.plan_owner.clone(),
            plan_due: self.plan_due.clone(),
            evidence: self.evidence.clone(),
        }
    }

    /// The filtered set as a list query.
    pub fn query(&self) -> ListQuery {
        let mut q = ListQuery::all(BULK_CAP);
        q.q = self.q.clone().filter(|s| !s.trim().is_empty());
        for (k, v) in [
            ("status", &self.status),
            ("severity", &self.severity),
            ("kev", &self.kev),
            ("certainty", &self.certainty),
            ("overdue", &self.overdue),
            ("cve", &self.cve),
            ("asset", &self.asset),
            ("core", &self.core),
            ("exposed", &self.exposed),
            ("notified", &self.notified),
            ("kpi", &self.kpi),
        ] {
            if let Some(v) = v.as_deref().filter(|v| !v.trim().is_empty()) {
                q = q.with(k, v.to_string());
            }
        }
        q
    }
}

/// Days by severity, as the policy form sends them.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "VulnPolicyIn")]
pub struct PolicyInput {
    pub critical_days: i64,
    pub high_days: i64,
    pub medium_days: i64,
    pub low_days: i64,
}

/// The endpoints an organisation declares it has (none: withdraws the
/// declaration).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "VulnEndpointsIn")]
pub struct EndpointsInput {
    /// 0 to 1,000,000.
    pub endpoints: Option<i64>,
}

/// Endpoints declared and inventoried (the coverage KPI's two numbers for
/// one organisation).
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[schemars(rename = "VulnEndpointsOut")]
pub struct EndpointsView {
    pub org_id: String,
    /// Declared by the organisation (none: not declared).
    pub declared: Option<u64>,
    /// Hosts with mapped software that its latest match read.
    pub inventoried: u64,
}

/// The most endpoints an organisation may declare.
pub const MAX_ENDPOINTS: i64 = 1_000_000;

/// The policy in force for an organisation and where it comes from.
#[derive(Debug, Clone, Serialize)]
pub struct PolicyView {
    pub org_id: OrgId,
    pub policy: Policy,
    /// The organisation whose policy it is (none: the default of seed 004).
    pub from: Option<OrgId>,
}

/// What a bulk action did.
#[derive(Debug, Clone, Copy, Serialize, JsonSchema)]
pub struct BulkResult {
    /// Findings in the set.
    pub matched: u64,
    /// Changed.
    pub saved: u64,
    /// Left as they were: the decision does not apply to their status, or
    /// they changed meanwhile.
    pub skipped: u64,
}

/// A finding with its organisation and history.
#[derive(Debug, Clone)]
pub struct FindingView {
    pub finding: Finding,
    pub org: Organisation,
    pub policy: Policy,
    /// The record's audit entries, newest first.
    pub history: Vec<AuditRow>,
}

/// Counts for the top of the findings page.
#[derive(Debug, Clone, Default, Serialize, JsonSchema)]
pub struct Summary {
    pub org_id: String,
    /// Open confirmed findings by severity (`critical`, `high`, …).
    pub open_by_severity: BTreeMap<String, u64>,
    pub open: u64,
    pub overdue: u64,
    pub kev_open: u64,
    /// Waiting for an attribute (possible findings).
    pub possible: u64,
    pub handled: u64,
    /// When the organisation was last matched, and against which feed.
    pub matched_at: Option<i64>,
    pub feed: Option<String>,
}

/// One product to update on a host: the installed programs of one CPE
/// product with their open findings.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct PatchItem {
    pub asset_id: String,
    pub asset_name: String,
    pub hostname: String,
    /// `vendor:product` of the CPE name.
    pub product: String,
    /// The programs as installed (name and version).
    pub software: Vec<String>,
    pub cves: Vec<String>,
    /// Highest CVSS score in tenths.
    pub max_score: Option<i64>,
    pub kev: bool,
    /// Earliest due date of its findings.
    pub due_on: String,
    pub overdue: bool,
}

/// The feed store a deployment matches against (`[feeds] store_dir`) and
/// the age at which it is stale (`[feeds] stale_days`).
#[derive(Debug, Clone)]
pub struct FeedStore {
    pub dir: Option<PathBuf>,
    pub stale_days: i64,
}

impl Default for FeedStore {
    fn default() -> Self {
        FeedStore {
            dir: None,
            stale_days: crate::feeds::STALE_DAYS,
        }
    }
}

impl App {
    /// The application matching against the feed store in `dir`.
    #[must_use]
    pub fn with_feed_store(mut self, dir: PathBuf) -> App {
        self.feeds = std::sync::Arc::new(FeedStore {
            dir: Some(dir),
            stale_days: self.feeds.stale_days,
        });
        self
    }

    /// The application calling its feed store stale after `days` days.
    #[must_use]
    pub fn with_feeds_stale_after(mut self, days: i64) -> App {
        self.feeds = std::sync::Arc::new(FeedStore {
            dir: self.feeds.dir.clone(),
            stale_days: days.max(1),
        });
        self
    }

    /// The feed store's directory, when configured.
    pub fn feed_dir(&self) -> Option<&Path> {
        self.feeds.dir.as_deref()
    }

    /// Whether the feed store holds a snapshot to match against.
    pub fn feeds_ready(&self) -> bool {
        self.feeds
            .dir
            .as_deref()
            .is_some_and(|d| zian_vuln::store::Store::status(d).is_ok())
    }

    /// Queues a match of an organisation (after its inventory changed).
    /// Failing to queue is logged: the inventory change stands.
    pub(crate) async fn queue_vuln_match(&self, org: &OrgId) {
        if !self.feeds_ready() {
            return;
        }
        let job = zian_domain::jobs::NewJob {
            kind: KIND_MATCH.into(),
            payload: serde_json::json!({ "org": org }).to_string(),
            org_id: Some(org.clone()),
            run_at: self.now(),
            max_attempts: 3,
            idempotency_key: None,
        };
        if let Err(e) = self.enqueue_job(job).await {
            tracing::warn!(org = %org, error = %e, "could not queue a vulnerability match");
        }
    }

    /// Matches an organisation now, on a person's request.
    pub async fn rematch_vulns(&self, p: &Principal, org: &OrgId) -> Result<ReconcileCounts> {
        let org = self.org_with(p, org, Permission::RecordWrite).await?;
        let e = p.event("vulns.matched", Some(&org.id), Some(&org.id));
        self.match_org(&p.scope(Permission::RecordWrite), &org.id, e)
            .await
    }

    /// Matches an organisation against the feed store and records the
    /// result in one audited transaction (`event`).
    pub async fn match_org(
        &self,
        scope: &OrgScope,
        org: &OrgId,
        mut event: AuditEvent,
    ) -> Result<ReconcileCounts> {
        let Some(dir) = self.feeds.dir.clone() else {
            return Err(AppError::invalid("feeds", msg!("reason.vulns.no_feeds")));
        };
        let inputs = self.stores.vulns.match_inputs(scope, org).await?;
        let hosts = inputs
            .iter()
            .map(|m| m.asset_id.as_str())
            .collect::<BTreeSet<_>>()
            .len();
        let (observed, feed) = tokio::task::spawn_blocking(move || observe(&dir, &inputs))
            .await
            .map_err(|e| AppError::Internal(e.to_string()))??;
        let policy = self.policy_of(scope, org).await?.policy;
        let existing = self.stores.vulns.all_findings(scope, org).await?;
        let now = self.now();
        let r = vulns::reconcile(existing, observed, org, policy, now, || {
            FindingId::from(self.ids.new_id())
        });
        let counts = r.counts;
        event.details = serde_json::json!({ "feed": feed, "counts": counts });
        let mut run_counts = serde_json::to_value(counts).unwrap_or_default();
        if let Some(m) = run_counts.as_object_mut() {
            m.insert("hosts".into(), serde_json::json!(hosts));
        }
        let run = MatchRun {
            org_id: org.clone(),
            matched_at: now,
            feed,
            counts: run_counts,
        };
        self.stores
            .vulns
            .apply_match(scope, org, &r, &run, event)
            .await?;
        self.review_cache.touch();
        self.notify_findings(org, &r, now).await;
        Ok(counts)
    }

    /// Matches every organisation with mapped software against only the
    /// records `cves` (a feed import's changes): the store is loaded once,
    /// each organisation's assets indexed and matched against each record,
    /// and only the findings of those CVEs reconciled. Organisations where
    /// nothing changes are not written. Returns how many were changed.
    pub async fn rematch_cves(&self, cves: &[String]) -> Result<usize> {
        let Some(dir) = self.feeds.dir.clone() else {
            return Ok(0);
        };
        if cves.is_empty() || !self.feeds_ready() {
            return Ok(0);
        }
        let mut cves: Vec<String> = cves.iter().map(|c| c.trim().to_ascii_uppercase()).collect();
        cves.sort_unstable();
        cves.dedup();
        let d = dir.clone();
        let (store, feed) = tokio::task::spawn_blocking(move || {
            let feed = feed_name(&d)?;
            let store =
                zian_vuln::store::Store::open(&d).map_err(|e| AppError::Internal(e.to_string()))?;
            Ok::<_, AppError>((store, feed))
        })
        .await
        .map_err(|e| AppError::Internal(e.to_string()))??;
        let (store, cves) = (Arc::new(store), Arc::new(cves));
        let all = OrgScope::system_wide();
        let orgs = self.stores.vulns.orgs_with_software(&all).await?;
        // a few organisations at a time: one is matched while another's
        // findings are written
        let results: Vec<(OrgId, Result<bool>)> = stream::iter(orgs)
            .map(|org| {
                let (all, store, cves, feed) = (&all, &store, &cves, &feed);
                async move {
                    let r = self.match_org_records(all, &org, store, cves, feed).await;
                    (org, r)
                }
            })
            .buffer_unordered(self.match_parallelism())
            .collect()
            .await;
        let mut changed = 0;
        for (org, r) in results {
            match r {
                Ok(true) => changed += 1,
                Ok(false) => {}
                Err(err) => {
                    tracing::warn!(org = %org, error = %err, "match of changed records failed")
                }
            }
        }
        Ok(changed)
    }

    /// One organisation matched against the records `cves` only; whether
    /// anything was written.
    async fn match_org_records(
        &self,
        scope: &OrgScope,
        org: &OrgId,
        store: &Arc<zian_vuln::store::Store>,
        cves: &Arc<Vec<String>>,
        feed: &str,
    ) -> Result<bool> {
        let inputs = self.stores.vulns.match_inputs(scope, org).await?;
        let hosts = inputs
            .iter()
            .map(|m| m.asset_id.as_str())
            .collect::<BTreeSet<_>>()
            .len();
        let existing = self.stores.vulns.findings_of_cves(scope, org, cves).await?;
        let (st, c) = (store.clone(), cves.clone());
        let observed = tokio::task::spawn_blocking(move || observe_records(&st, &c, &inputs))
            .await
            .map_err(|e| AppError::Internal(e.to_string()))?;
        if observed.is_empty() && existing.is_empty() {
            return Ok(false);
        }
        let policy = self.policy_of(scope, org).await?.policy;
        let now = self.now();
        let r = vulns::reconcile(existing, observed, org, policy, now, || {
            FindingId::from(self.ids.new_id())
        });
        if r.inserts.is_empty() && r.updates.is_empty() && r.deletes.is_empty() {
            return Ok(false);
        }
        let mut event = AuditEvent::new("vulns.matched");
        event.org_id = Some(org.to_string());
        event.target = Some(org.to_string());
        event.details = serde_json::json!({
            "feed": feed, "counts": r.counts, "changed_records": cves.len(),
        });
        let mut counts = serde_json::to_value(r.counts).unwrap_or_default();
        if let Some(m) = counts.as_object_mut() {
            m.insert("changed_records".into(), serde_json::json!(cves.len()));
            m.insert("hosts".into(), serde_json::json!(hosts));
        }
        let run = MatchRun {
            org_id: org.clone(),
            matched_at: now,
            feed: feed.to_string(),
            counts,
        };
        self.stores
            .vulns
            .apply_match(scope, org, &r, &run, event)
            .await?;
        self.review_cache.touch();
        self.notify_findings(org, &r, now).await;
        Ok(true)
    }

    /// Organisations matched at once after a feed change: a few on
    /// PostgreSQL, whose writers do not wait for one another; one on SQLite,
    /// which has a single writer.
    fn match_parallelism(&self) -> usize {
        match self.health.0.backend() {
            zian_storage::Backend::Postgres => 4,
            zian_storage::Backend::Sqlite => 1,
        }
    }

    async fn policy_of(&self, scope: &OrgScope, org: &OrgId) -> Result<PolicyView> {
        Ok(match self.stores.vulns.policy(scope, org).await? {
            Some((from, policy)) => PolicyView {
                org_id: org.clone(),
                policy,
                from: Some(from),
            },
            None => PolicyView {
                org_id: org.clone(),
                policy: Policy::default(),
                from: None,
            },
        })
    }

    /// One organisation's findings, paged (filters in `VulnStore::list`).
    pub async fn list_findings(
        &self,
        p: &Principal,
        org: &OrgId,
        q: &ListQuery,
    ) -> Result<(Organisation, Page<Finding>)> {
        let org = self.org_with(p, org, Permission::RecordRead).await?;
        let page = self
            .stores
            .vulns
            .list(&p.scope(Permission::RecordRead), &org.id, q, self.today())
            .await?;
        Ok((org, page))
    }

    /// Every finding of the filtered set, up to [`BULK_CAP`] (exports).
    pub async fn select_findings(
        &self,
        p: &Principal,
        org: &OrgId,
        q: &ListQuery,
    ) -> Result<Vec<Finding>> {
        let org = self.org_with(p, org, Permission::RecordRead).await?;
        Ok(self
            .stores
            .vulns
            .select(
                &p.scope(Permission::RecordRead),
                &org.id,
                q,
                self.today(),
                BULK_CAP,
            )
            .await?)
    }

    /// The counts at the top of the findings page.
    pub async fn vuln_summary(&self, p: &Principal, org: &OrgId) -> Result<Summary> {
        let org = self.org_with(p, org, Permission::RecordRead).await?;
        let scope = p.scope(Permission::RecordRead);
        let today = self.today();
        let counts = self
            .stores
            .vulns
            .status_counts(&scope, &org.id, today)
            .await?;
        let mut s = Summary {
            org_id: org.id.to_string(),
            ..Summary::default()
        };
        for c in &counts {
            if c.certainty == Certainty::Possible {
                if c.status == FindingStatus::New && c.present {
                    s.possible += c.n;
                }
                continue;
            }
            if c.status.is_open() {
                s.open += c.n;
                *s.open_by_severity
                    .entry(c.severity.as_str().to_owned())
                    .or_default() += c.n;
                s.overdue += c.past_due;
                s.kev_open += c.kev;
            } else {
                s.handled += c.n;
            }
        }
        if let Some(run) = self.stores.vulns.last_run(&scope, &org.id).await? {
            s.matched_at = Some(run.matched_at);
            s.feed = Some(run.feed);
        }
        Ok(s)
    }

    /// A finding with its history and the policy in force.
    pub async fn finding_view(&self, p: &Principal, id: &FindingId) -> Result<FindingView> {
        let scope = p.scope(Permission::RecordRead);
        let finding = self
            .stores
            .vulns
            .get(&scope, id)
            .await?
            .ok_or(AppError::NotFound)?;
        let org = self
            .org_with(p, &finding.org_id, Permission::RecordRead)
            .await?;
        let policy = self.policy_of(&scope, &org.id).await?.policy;
        let history = self
            .stores
            .audit
            .list(
                &scope,
                &ListQuery::all(200)
                    .with("target", finding.id.to_string())
                    .with("org", org.id.to_string()),
            )
            .await?
            .items;
        Ok(FindingView {
            finding,
            org,
            policy,
            history,
        })
    }

    fn parse_decision(&self, d: &DecisionInput) -> Result<Decision> {
        Ok(Decision::parse(
            &d.action,
            d.reason.as_deref(),
            d.approver.as_deref(),
            d.accepted_until.as_deref(),
            d.plan_action.as_deref(),
            d.plan_owner.as_deref(),
            d.plan_due.as_deref(),
            d.evidence.as_deref(),
            self.today(),
        )?)
    }

    /// A person's decision about one finding.
    pub async fn decide_finding(
        &self,
        p: &Principal,
        id: &FindingId,
        input: DecisionInput,
    ) -> Result<Finding> {
        let view = self.finding_view(p, id).await?;
        self.org_with(p, &view.org.id, Permission::RecordWrite)
            .await?;
        let d = self.parse_decision(&input)?;
        let mut f = view.finding;
        let seen = f.status;
        let to = d.after(seen, f.certainty)?;
        let now = self.now();
        vulns::apply(&mut f, &d, to, Some(&p.user.id), now);
        let mut e = p.event("vulns.decided", Some(&f.org_id), Some(&f.id));
        e.details = decision_details(&f, &d, seen, false);
        let saved = self
            .stores
            .vulns
            .decide(
                &p.scope(Permission::RecordWrite),
                &f.org_id.clone(),
                std::slice::from_ref(&f),
                &[seen],
                Vec::new(),
                e,
            )
            .await?;
        self.review_cache.touch();
        if saved == 0 {
            return Err(AppError::Conflict("finding_changed"));
        }
        Ok(f)
    }

    /// One decision for every finding of a filtered set (at most
    /// [`BULK_CAP`]): each finding the decision applies to is changed, the
    /// others are counted as skipped; one audit entry for the set and one
    /// per finding, in one transaction.
    pub async fn bulk_decide(
        &self,
        p: &Principal,
        org: &OrgId,
        input: BulkInput,
    ) -> Result<BulkResult> {
        let org = self.org_with(p, org, Permission::RecordWrite).await?;
        let d = self.parse_decision(&input.decision())?;
        let q = input.query();
        let set = self
            .stores
            .vulns
            .select(
                &p.scope(Permission::RecordWrite),
                &org.id,
                &q,
                self.today(),
                BULK_CAP,
            )
            .await?;
        if input.expect.is_some_and(|n| n != set.len() as i64) {
            return Err(AppError::Conflict("findings_changed"));
        }
        let now = self.now();
        let (mut changed, mut seen, mut events) = (Vec::new(), Vec::new(), Vec::new());
        for mut f in set.iter().cloned() {
            let was = f.status;
            let Ok(to) = d.after(was, f.certainty) else {
                continue;
            };
            vulns::apply(&mut f, &d, to, Some(&p.user.id), now);
            let mut e = p.event("vulns.decided", Some(&org.id), Some(&f.id));
            e.details = decision_details(&f, &d, was, true);
            events.push(e);
            changed.push(f);
            seen.push(was);
        }
        let matched = set.len() as u64;
        if changed.is_empty() {
            return Ok(BulkResult {
                matched,
                saved: 0,
                skipped: matched,
            });
        }
        let mut e = p.event("vulns.bulk_decided", Some(&org.id), Some(&org.id));
        e.details = serde_json::json!({
            "action": d.as_str(), "matched": matched, "filter": q.filter, "q": q.q,
        });
        let saved = self
            .stores
            .vulns
            .decide(
                &p.scope(Permission::RecordWrite),
                &org.id,
                &changed,
                &seen,
                events,
                e,
            )
            .await?;
        self.review_cache.touch();
        Ok(BulkResult {
            matched,
            saved,
            skipped: matched - saved,
        })
    }

    /// The remediation policy in force for an organisation.
    pub async fn vuln_policy(&self, p: &Principal, org: &OrgId) -> Result<PolicyView> {
        let org = self.org_with(p, org, Permission::RecordRead).await?;
        self.policy_of(&p.scope(Permission::RecordRead), &org.id)
            .await
    }

    /// Sets an organisation's own policy (its subtree inherits it unless
    /// an organisation below sets its own). Open findings keep their due
    /// dates until they are next matched.
    pub async fn set_vuln_policy(
        &self,
        p: &Principal,
        org: &OrgId,
        input: PolicyInput,
    ) -> Result<Policy> {
        let org = self.org_with(p, org, Permission::RecordWrite).await?;
        let policy = Policy {
            critical_days: input.critical_days,
            high_days: input.high_days,
            medium_days: input.medium_days,
            low_days: input.low_days,
        }
        .validate()?;
        let mut e = p.event("vulns.policy_set", Some(&org.id), Some(&org.id));
        e.details = serde_json::to_value(policy).unwrap_or_default();
        self.stores
            .vulns
            .set_policy(
                &p.scope(Permission::RecordWrite),
                &org.id,
                policy,
                Some(p.user.id.as_str()),
                self.now(),
                e,
            )
            .await?;
        self.review_cache.touch();
        Ok(policy)
    }

    /// The endpoints an organisation declared and those its latest match
    /// read.
    pub async fn vuln_endpoints(&self, p: &Principal, org: &OrgId) -> Result<EndpointsView> {
        let org = self.org_with(p, org, Permission::RecordRead).await?;
        let scope = p.scope(Permission::RecordRead);
        let declared = self
            .stores
            .vulns
            .declared_endpoints(&scope, &org.path)
            .await?
            .into_iter()
            .find(|(o, _)| *o == org.id)
            .map(|(_, n)| n);
        let inventoried = self
            .stores
            .vulns
            .last_run(&scope, &org.id)
            .await?
            .and_then(|r| r.counts.get("hosts").and_then(serde_json::Value::as_u64))
            .unwrap_or(0);
        Ok(EndpointsView {
            org_id: org.id.to_string(),
            declared,
            inventoried,
        })
    }

    /// Records how many endpoints (PCs and servers) an organisation has:
    /// the denominator of the coverage KPI "endpoints inventoried over
    /// endpoints declared". Not inherited by its subtree.
    pub async fn declare_vuln_endpoints(
        &self,
        p: &Principal,
        org: &OrgId,
        input: EndpointsInput,
    ) -> Result<EndpointsView> {
        let o = self.org_with(p, org, Permission::RecordWrite).await?;
        let n = match input.endpoints {
            None => None,
            Some(n) if (0..=MAX_ENDPOINTS).contains(&n) => Some(n.unsigned_abs()),
            Some(_) => {
                return Err(AppError::invalid(
                    "endpoints",
                    msg!("reason.vulns.endpoints", max = MAX_ENDPOINTS),
                ));
            }
        };
        let mut e = p.event("vulns.endpoints_declared", Some(&o.id), Some(&o.id));
        e.details = serde_json::json!({ "endpoints": n });
        self.stores
            .vulns
            .declare_endpoints(
                &p.scope(Permission::RecordWrite),
                &o.id,
                n,
                Some(p.user.id.as_str()),
                self.now(),
                e,
            )
            .await?;
        self.review_cache.touch();
        self.vuln_endpoints(p, org).await
    }

    /// What to update on hosts: open confirmed findings grouped by host and
    /// product, most urgent first. `asset` narrows it to one host.
    pub async fn patch_list(
        &self,
        p: &Principal,
        org: &OrgId,
        asset: Option<&AssetId>,
    ) -> Result<Vec<PatchItem>> {
        let mut q = ListQuery::all(BULK_CAP);
        if let Some(a) = asset {
            q = q.with("asset", a.to_string());
        }
        let findings = self.select_findings(p, org, &q).await?;
        Ok(patch_items(&findings, self.today()))
    }
}

/// Groups open findings by host and product.
pub fn patch_items(findings: &[Finding], today: time::Date) -> Vec<PatchItem> {
    let mut groups: BTreeMap<(String, String), PatchItem> = BTreeMap::new();
    for f in findings {
        let product = f
            .cpes
            .first()
            .and_then(|c| {
                let parts: Vec<&str> = c.split(':').collect();
                (parts.len() > 4).then(|| format!("{}:{}", parts[3], parts[4]))
            })
            .unwrap_or_default();
        let g = groups
            .entry((f.asset_id.to_string(), product.clone()))
            .or_insert_with(|| PatchItem {
                asset_id: f.asset_id.to_string(),
                asset_name: f.asset_name.clone(),
                hostname: f.hostname.clone(),
                product,
                software: Vec::new(),
                cves: Vec::new(),
                max_score: None,
                kev: false,
                due_on: day::ymd(f.due_on),
                overdue: false,
            });
        for s in &f.software {
            if !g.software.contains(s) {
                g.software.push(s.clone());
            }
        }
        g.cves.push(f.cve_id.clone());
        g.max_score = g.max_score.max(f.score);
        g.kev |= f.kev;
        let due = day::ymd(f.due_on);
        if due < g.due_on {
            g.due_on = due;
        }
        g.overdue |= f.overdue(today);
    }
    let mut items: Vec<PatchItem> = groups.into_values().collect();
    items.sort_by(|a, b| {
        (b.kev, b.max_score, &a.due_on, &a.hostname, &a.product).cmp(&(
            a.kev,
            a.max_score,
            &b.due_on,
            &b.hostname,
            &b.product,
        ))
    });
    items
}

fn decision_details(
    f: &Finding,
    d: &Decision,
    from: FindingStatus,
    bulk: bool,
) -> serde_json::Value {
    serde_json::json!({
        "cve": f.cve_id, "asset": f.asset_id, "action": d.as_str(), "bulk": bulk,
        "changes": { "status": [from.as_str(), f.status.as_str()] },
        "reason": f.reason, "approver": f.approver,
        "accepted_until": f.accepted_until.map(day::ymd),
        "plan_action": f.action, "plan_owner": f.owner, "plan_due": f.plan_due.map(day::ymd),
        "evidence": f.evidence,
    })
}

/// The name of the feed snapshot in `dir` (its hash, records, KEV).
fn feed_name(dir: &Path) -> Result<String> {
    let status = zian_vuln::store::Store::status(dir)
        .map_err(|_| AppError::invalid("feeds", msg!("reason.vulns.no_feeds")))?;
    Ok(format!(
        "{} ({} CVE, KEV {})",
        status.manifest.sha256.get(..12).unwrap_or_default(),
        status.manifest.records,
        status.manifest.kev
    ))
}

/// An organisation's inputs as the engine's inventory, with the programs
/// behind each (asset, CPE name) and which assets are core or exposed.
struct Inputs<'a> {
    inv: zian_vuln::matching::Inventory,
    names: HashMap<(&'a str, String), BTreeSet<String>>,
    flags: HashMap<&'a str, Flags>,
}

/// What an asset adds to the priority of its findings.
#[derive(Debug, Clone, Copy, Default)]
struct Flags {
    core: bool,
    exposed: bool,
}

fn inputs_inventory(inputs: &[MatchInput]) -> Inputs<'_> {
    use zian_vuln::matching::{Asset, Inventory};
    let mut inv = Inventory::new();
    // (asset, cpe) → programs as installed; asset → core, exposed.
    let mut names: HashMap<(&str, String), BTreeSet<String>> = HashMap::new();
    let mut flags: HashMap<&str, Flags> = HashMap::new();
    for m in inputs {
        let Ok(a) = Asset::from_cpe(&m.cpe23) else {
            continue;
        };
        let cpe = a.cpe23.clone();
        inv.add(m.asset_id.as_str(), a);
        let label = if m.version.is_empty() {
            m.name.clone()
        } else {
            format!("{} {}", m.name, m.version)
        };
        names
            .entry((m.asset_id.as_str(), cpe))
            .or_default()
            .insert(label);
        let f = flags.entry(m.asset_id.as_str()).or_default();
        f.core |= m.core;
        f.exposed |= m.exposed;
    }
    Inputs { inv, names, flags }
}

/// At most this many changed records are matched on their own after a feed
/// import; more, and every organisation is matched in full.
pub const DELTA_CAP: usize = 20_000;

/// Matches the inputs against the store in `dir`: one observation per
/// asset × CVE, and the feed snapshot's name.
fn observe(dir: &Path, inputs: &[MatchInput]) -> Result<(Vec<Observed>, String)> {
    use zian_vuln::index::CriteriaIndex;
    use zian_vuln::store::Store;

    let feed = feed_name(dir)?;
    if inputs.is_empty() {
        return Ok((Vec::new(), feed));
    }
    let i = inputs_inventory(inputs);
    let keys: Vec<&str> = i.inv.assets().iter().map(|a| a.key.as_str()).collect();
    let store = Store::open_for_keys(dir, &keys).map_err(|e| AppError::Internal(e.to_string()))?;
    let vs = store.vulns();
    let index = CriteriaIndex::build(vs);
    let found = index.match_inventory(vs, &i.inv);
    Ok((observations(found, &i.names, &i.flags, vs), feed))
}

/// Matches the inputs against only the records `cves` of a loaded store
/// (the engine's one-record index over the organisation's assets): the
/// observations of those CVEs.
fn observe_records(
    store: &zian_vuln::store::Store,
    cves: &[String],
    inputs: &[MatchInput],
) -> Vec<Observed> {
    use zian_vuln::index::AssetIndex;
    if inputs.is_empty() {
        return Vec::new();
    }
    let vs = store.vulns();
    let Inputs { inv, names, flags } = inputs_inventory(inputs);
    let index = AssetIndex::build(inv);
    let mut found = Vec::new();
    for id in cves {
        if let Some(e) = vs.get(id) {
            found.extend(index.match_entry(vs, e));
        }
    }
    observations(found, &names, &flags, vs)
}

/// The engine's findings as observations: one per asset × CVE.
fn observations(
    found: Vec<zian_vuln::matching::Finding>,
    names: &HashMap<(&str, String), BTreeSet<String>>,
    flags: &HashMap<&str, Flags>,
    vs: &zian_vuln::feeds::VulnStore,
) -> Vec<Observed> {
    let mut by: BTreeMap<(String, String), Observed> = BTreeMap::new();
    for f in found {
        let key = (f.host.clone(), f.cve.clone());
        let programs = names
            .get(&(f.host.as_str(), f.cpe23.clone()))
            .cloned()
            .unwrap_or_default();
        let o = by.entry(key).or_insert_with(|| {
            let kev = vs.kev(&f.cve);
            let flags = flags.get(f.host.as_str()).copied().unwrap_or_default();
            Observed {
                asset_id: AssetId::from(f.host.clone()),
                cve_id: f.cve.clone(),
                software: Vec::new(),
                cpes: Vec::new(),
                certainty: Certainty::Possible,
                undecided: Vec::new(),
                source: f.source.as_str().to_owned(),
                score: None,
                kev: f.kev,
                kev_due: kev
                    .and_then(|k| k.due_date.as_deref())
                    .and_then(day::parse_stored),
                epss: vs
                    .epss(&f.cve)
                    .map(|e| (f64::from(e.percentile) * 10_000.0).round() as i64),
                core: flags.core,
                exposed: flags.exposed,
                match_evidence: serde_json::Value::Array(Vec::new()),
            }
        });
        for s in programs {
            if !o.software.contains(&s) {
                o.software.push(s);
            }
        }
        if !o.cpes.contains(&f.cpe23) {
            o.cpes.push(f.cpe23.clone());
        }
        if f.certainty == zian_vuln::matching::Certainty::Confirmed {
            o.certainty = Certainty::Confirmed;
            o.undecided.clear();
        } else if o.certainty == Certainty::Possible {
            for u in &f.undecided {
                if !o.undecided.iter().any(|x| x == u.attribute) {
                    o.undecided.push(u.attribute.to_owned());
                }
            }
        }
        let score = vulns::tenths(f.score);
        if score > o.score {
            o.score = score;
        }
        if let serde_json::Value::Array(list) = &mut o.match_evidence
            && list.len() < 5
        {
            list.push(serde_json::json!({
                "cpe23": f.cpe23, "certainty": f.certainty, "evidence": f.evidence,
            }));
        }
    }
    let mut out: Vec<Observed> = by.into_values().collect();
    for o in &mut out {
        o.software.sort();
        o.cpes.sort();
    }
    out
}

/// `vulns.match`: `{"org": id}`.
pub(crate) struct MatchJob;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MatchPayload {
    org: OrgId,
}

#[async_trait::async_trait]
impl JobHandler for MatchJob {
    async fn run(&self, cx: &JobContext) -> std::result::Result<(), String> {
        let input: MatchPayload = cx.payload()?;
        let mut e = AuditEvent::new("vulns.matched");
        e.org_id = Some(input.org.to_string());
        e.target = Some(input.org.to_string());
        let counts = cx
            .app
            .match_org(&OrgScope::system_wide(), &input.org, e)
            .await
            .map_err(|e| e.to_string())?;
        cx.progress(100, &serde_json::to_string(&counts).unwrap_or_default())
            .await;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn finding(
        asset: &str,
        cve: &str,
        cpe: &str,
        score: Option<i64>,
        kev: bool,
        due: time::Date,
    ) -> Finding {
        let r = vulns::reconcile(
            vec![],
            vec![Observed {
                asset_id: AssetId::from(asset),
                cve_id: cve.into(),
                software: vec![format!("{cpe} program")],
                cpes: vec![cpe.into()],
                certainty: Certainty::Confirmed,
                undecided: vec![],
                source: "nvd".into(),
                score,
                kev,
                kev_due: None,
                epss: None,
                core: false,
                exposed: false,
                match_evidence: serde_json::Value::Null,
            }],
            &OrgId::from("o"),
            Policy::default(),
            0,
            || FindingId::from(format!("{asset}-{cve}")),
        );
        let mut f = r.inserts[0].clone();
        f.due_on = due;
        f.hostname = asset.to_uppercase();
        f
    }

    #[test]
    fn patch_lists_group_by_host_and_product() {
        let ff = "cpe:2.3:a:mozilla:firefox:30.0:*:*:*:*:*:*:*";
        let jre = "cpe:2.3:a:oracle:jre:1.7.0:update45:*:*:*:*:*:*";
        let v = vec![
            finding("pc1", "CVE-1", ff, Some(75), false, date!(2026 - 12 - 10)),
            finding("pc1", "CVE-2", ff, Some(98), false, date!(2026 - 12 - 08)),
            finding("pc1", "CVE-3", jre, Some(50), true, date!(2026 - 12 - 20)),
            finding("pc2", "CVE-1", ff, Some(75), false, date!(2026 - 12 - 01)),
        ];
        let items = patch_items(&v, date!(2026 - 12 - 05));
        assert_eq!(items.len(), 3);
        // KEV first, then the highest score.
        assert_eq!(items[0].product, "oracle:jre");
        assert!(items[0].kev);
        assert_eq!(items[1].hostname, "PC1");
        assert_eq!(items[1].cves, vec!["CVE-1", "CVE-2"]);
        assert_eq!(items[1].max_score, Some(98));
        assert_eq!(items[1].due_on, "2026-12-08");
        assert!(!items[1].overdue);
        assert_eq!(items[2].hostname, "PC2");
        assert!(items[2].overdue);
    }
}
