//! The seed's VANS KPIs and the supervisors' monthly review: for an
//! organisation's subtree, the KPIs of a month (formulas in
//! `zian_domain::vulns::kpi`) with their trend, and each agency of the
//! subtree (its units rolled into it) with inventory freshness, open
//! findings by severity, overdue findings, its KPI and rank; and which
//! agencies have a given CVE.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use serde::Serialize;
use zian_domain::list::HARD_LIMIT;
use zian_domain::vulns::OrgOverview;
use zian_domain::vulns::kpi::{self, KpiCount, Month, Ratio, Remediation, THIRTY_DAYS};
use zian_domain::{Level, ListQuery, OrgId, OrgTier, Organisation, Permission, Principal};

use crate::{App, Result};

/// Months of trend shown.
pub const TREND_MONTHS: usize = 12;

/// One agency of the subtree in the review.
#[derive(Debug, Clone, Serialize)]
pub struct AgencyReview {
    pub org: Organisation,
    /// Its own numbers and its units'.
    pub overview: OrgOverview,
    /// An inventory committed in the thirty days before now.
    pub fresh: bool,
    /// Level C or above (VANS is required).
    pub required: bool,
    pub handled_week: Ratio,
    /// Endpoints it (and its units) declared; none: not declared.
    pub declared_endpoints: Option<u64>,
    /// KPI 2-3 of the last six months, oldest first (none: nothing to count).
    pub trend: Vec<Option<f64>>,
    /// 1 = best.
    pub rank: usize,
}

/// The review of a subtree for a month.
#[derive(Debug, Clone, Serialize)]
pub struct Review {
    pub org: Organisation,
    pub month: Month,
    /// When it was computed.
    pub now: i64,
    pub handled_week: Ratio,
    pub not_fixed_month: Ratio,
    pub coverage: Ratio,
    /// Agencies at level C or above that joined VANS (通報率).
    pub notification_rate: Ratio,
    /// Endpoints inventoried over endpoints declared.
    pub endpoints: Ratio,
    /// Agencies at level C or above that declared no endpoints.
    pub undeclared: usize,
    pub remediation: BTreeMap<String, Remediation>,
    /// KPI 2-3 of the subtree by month, oldest first.
    pub trend: Vec<(Month, Ratio)>,
    pub agencies: Vec<AgencyReview>,
}

/// How long a computed review is served again (unless a finding, an
/// inventory or a policy changed since): five minutes.
pub const REVIEW_TTL: i64 = 300;
/// Reviews kept at most (the oldest half is dropped beyond).
const REVIEW_CACHE_MAX: usize = 256;

/// Reviews computed in the last [`REVIEW_TTL`] seconds, by subtree, month
/// and the caller's scope. A review reads every finding of a subtree (about
/// a second for 500 agencies and three million findings) and supervisors
/// open it again and again; every write to findings, inventories or
/// policies moves the generation, so a review is never older than the
/// last change made through this server, and never older than the TTL.
#[derive(Default)]
pub(crate) struct ReviewCache {
    generation: AtomicU64,
    entries: Mutex<HashMap<String, Cached>>,
    /// One computation per key at a time: the others wait for it.
    computing: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
}

/// When a review was computed, at which generation, and the review.
type Cached = (i64, u64, Arc<Review>);

impl ReviewCache {
    /// Something a review counts has changed.
    pub(crate) fn touch(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
    }

    fn get(&self, key: &str, now: i64) -> Option<Arc<Review>> {
        let generation = self.generation.load(Ordering::SeqCst);
        let entries = self.entries.lock().ok()?;
        let (at, g, r) = entries.get(key)?;
        (*g == generation && now - at < REVIEW_TTL && now >= *at).then(|| r.clone())
    }

    /// The lock of `key`'s computation.
    fn computing(&self, key: &str) -> Arc<tokio::sync::Mutex<()>> {
        let Ok(mut m) = self.computing.lock() else {
            return Arc::default();
        };
        if m.len() >= REVIEW_CACHE_MAX {
            m.retain(|_, l| Arc::strong_count(l) > 1);
        }
        m.entry(key.to_owned()).or_default().clone()
    }

    fn put(&self, key: String, generation: u64, now: i64, r: Arc<Review>) {
        if let Ok(mut entries) = self.entries.lock() {
            if entries.len() >= REVIEW_CACHE_MAX {
                let mut ats: Vec<i64> = entries.values().map(|e| e.0).collect();
                ats.sort_unstable();
                let cut = ats[ats.len() / 2];
                entries.retain(|_, e| e.0 > cut);
            }
            entries.insert(key, (now, generation, r));
        }
    }
}

/// The agency an organisation belongs to: itself unless it is a unit, else
/// its nearest ancestor that is not (within `orgs`).
fn agency_of<'a>(
    o: &'a Organisation,
    by_path: &BTreeMap<&str, &'a Organisation>,
) -> &'a Organisation {
    if o.tier != OrgTier::Unit {
        return o;
    }
    let mut best: Option<&Organisation> = None;
    for (path, a) in by_path {
        if a.tier != OrgTier::Unit
            && o.path.starts_with(path)
            && best.is_none_or(|b| b.path.len() < path.len())
        {
            best = Some(a);
        }
    }
    best.unwrap_or(o)
}

fn merge(into: &mut OrgOverview, x: &OrgOverview) {
    for (k, v) in &x.open {
        *into.open.entry(k.clone()).or_default() += v;
    }
    into.overdue += x.overdue;
    into.kev_open += x.kev_open;
    into.hosts += x.hosts;
    into.last_inventory_at = into.last_inventory_at.max(x.last_inventory_at);
}

impl App {
    /// Forgets the reviews computed so far: the next ones are computed
    /// afresh (a benchmark's cold measurement; an administrator's refresh).
    pub fn refresh_reviews(&self) {
        self.review_cache.touch();
    }

    /// The KPIs of `month` (default: the current month in Asia/Taipei) for
    /// the subtree of `org`, with the review of each agency in it.
    pub async fn vuln_review(
        &self,
        p: &Principal,
        org: &OrgId,
        month: Option<Month>,
    ) -> Result<Review> {
        let root = self.org_with(p, org, Permission::RecordRead).await?;
        let scope = p.scope(Permission::RecordRead);
        let now = self.now();
        let month = month.unwrap_or_else(|| Month::of(now));
        let key = format!("{}|{month}|{scope:?}", root.id);
        if let Some(r) = self.review_cache.get(&key, now) {
            return Ok((*r).clone());
        }
        // supervisors opening the same review at once wait for one
        // computation instead of each running it
        let lock = self.review_cache.computing(&key);
        let _computing = lock.lock().await;
        if let Some(r) = self.review_cache.get(&key, self.now()) {
            return Ok((*r).clone());
        }
        let generation = self.review_cache.generation.load(Ordering::SeqCst);
        let r = self.compute_review(root, &scope, month, now).await?;
        self.review_cache
            .put(key, generation, now, Arc::new(r.clone()));
        Ok(r)
    }

    async fn compute_review(
        &self,
        root: Organisation,
        scope: &zian_domain::OrgScope,
        month: Month,
        now: i64,
    ) -> Result<Review> {
        let scope = scope.clone();
        let months = month.last(TREND_MONTHS);
        // The four reads are independent; on PostgreSQL each takes its own
        // connection, so the review costs the slowest of them, not the sum.
        let today = self.today();
        let vulns = &self.stores.vulns;
        let all = ListQuery::all(HARD_LIMIT);
        let (rows, fixes, orgs, overview, declared_rows) = tokio::try_join!(
            vulns.kpi_counts(&scope, &root.path, &months, now),
            vulns.fix_counts(&scope, &root.path, month),
            self.stores.orgs.list(&scope, &all),
            vulns.overview(&scope, &root.path, today),
            vulns.declared_endpoints(&scope, &root.path),
        )?;
        let rows: Vec<KpiCount> = rows;
        let orgs: Vec<Organisation> = orgs
            .items
            .into_iter()
            .filter(|o| o.path.starts_with(&root.path) && o.active)
            .collect();
        let by_path: BTreeMap<&str, &Organisation> =
            orgs.iter().map(|o| (o.path.as_str(), o)).collect();
        let agency: BTreeMap<OrgId, OrgId> = orgs
            .iter()
            .map(|o| (o.id.clone(), agency_of(o, &by_path).id.clone()))
            .collect();
        let mut rolled: BTreeMap<OrgId, OrgOverview> = BTreeMap::new();
        for x in &overview {
            if let Some(a) = agency.get(&x.org_id) {
                let e = rolled.entry(a.clone()).or_insert_with(|| OrgOverview {
                    org_id: a.clone(),
                    ..OrgOverview::default()
                });
                merge(e, x);
            }
        }
        let mut declared: BTreeMap<OrgId, u64> = BTreeMap::new();
        for (o, n) in declared_rows {
            if let Some(a) = agency.get(&o) {
                *declared.entry(a.clone()).or_default() += n;
            }
        }
        let mut rows_by_agency: BTreeMap<OrgId, Vec<KpiCount>> = BTreeMap::new();
        for r in &rows {
            if let Some(a) = agency.get(&r.org_id) {
                rows_by_agency.entry(a.clone()).or_default().push(r.clone());
            }
        }
        let six = month.last(6);
        let mut agencies: Vec<AgencyReview> = orgs
            .iter()
            .filter(|o| o.tier != OrgTier::Unit)
            .map(|o| {
                let ov = rolled.get(&o.id).cloned().unwrap_or_else(|| OrgOverview {
                    org_id: o.id.clone(),
                    ..OrgOverview::default()
                });
                let mine: &[KpiCount] = rows_by_agency.get(&o.id).map_or(&[], Vec::as_slice);
                AgencyReview {
                    fresh: ov.last_inventory_at.is_some_and(|t| now - t <= THIRTY_DAYS),
                    required: o.level.is_some_and(|l| l <= Level::C),
                    handled_week: kpi::handled_within_week(mine, month),
                    declared_endpoints: declared.get(&o.id).copied(),
                    trend: six
                        .iter()
                        .map(|m| kpi::handled_within_week(mine, *m).percent())
                        .collect(),
                    org: o.clone(),
                    overview: ov,
                    rank: 0,
                }
            })
            .collect();
        agencies.sort_by(|a, b| {
            let pa = a.handled_week.percent().unwrap_or(-1.0);
            let pb = b.handled_week.percent().unwrap_or(-1.0);
            pb.total_cmp(&pa)
                .then(a.overview.overdue.cmp(&b.overview.overdue))
                .then(a.org.path.cmp(&b.org.path))
        });
        for (i, a) in agencies.iter_mut().enumerate() {
            a.rank = i + 1;
        }
        let uploads: Vec<(bool, Option<i64>)> = agencies
            .iter()
            .map(|a| (a.required, a.overview.last_inventory_at))
            .collect();
        let coverage = kpi::coverage(&uploads, now);
        let notification_rate = kpi::notification_rate(&uploads);
        let endpoints = kpi::endpoint_coverage(
            &agencies
                .iter()
                .map(|a| (a.overview.hosts, a.declared_endpoints))
                .collect::<Vec<_>>(),
        );
        let undeclared = agencies
            .iter()
            .filter(|a| a.required && a.declared_endpoints.is_none())
            .count();
        Ok(Review {
            handled_week: kpi::handled_within_week(&rows, month),
            not_fixed_month: kpi::agencies_not_fixed_within_month(&rows, month, |o| {
                agency.get(o).cloned()
            }),
            coverage,
            notification_rate,
            endpoints,
            undeclared,
            remediation: kpi::time_to_remediate(&fixes),
            trend: months
                .iter()
                .map(|m| (*m, kpi::handled_within_week(&rows, *m)))
                .collect(),
            org: root,
            month,
            now,
            agencies,
        })
    }

    /// KPI 2-3 of the subtree of `org` for its latest month with findings
    /// to count: the last complete month, else the current one (none when
    /// neither has any) — what the maintenance plan's `vans_handling_rate`
    /// shows instead of a typed measurement.
    pub async fn vans_handling_rate(
        &self,
        p: &Principal,
        org: &Organisation,
    ) -> Result<Option<(Month, Ratio)>> {
        let scope = p.scope(Permission::RecordRead);
        let this = Month::of(self.now());
        let rows = self
            .stores
            .vulns
            .kpi_counts(&scope, &org.path, &[this.prev(), this], self.now())
            .await?;
        Ok([this.prev(), this]
            .into_iter()
            .map(|m| (m, kpi::handled_within_week(&rows, m)))
            .find(|(_, r)| r.denominator > 0))
    }

    /// Which organisations of the subtree of `org` have findings of `cve`:
    /// `(organisation, findings, open)`, in tree order.
    pub async fn orgs_with_cve(
        &self,
        p: &Principal,
        org: &OrgId,
        cve: &str,
    ) -> Result<(Organisation, Vec<(Organisation, u64, u64)>)> {
        let root = self.org_with(p, org, Permission::RecordRead).await?;
        let scope = p.scope(Permission::RecordRead);
        let hits = self.stores.vulns.with_cve(&scope, &root.path, cve).await?;
        let mut out = Vec::with_capacity(hits.len());
        for (o, n, open) in hits {
            if let Some(org) = self.stores.orgs.get(&scope, &o).await? {
                out.push((org, n, open));
            }
        }
        out.sort_by(|a, b| a.0.path.cmp(&b.0.path));
        Ok((root, out))
    }
}
