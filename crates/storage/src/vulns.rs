//! Vulnerability findings (VANS): what a match of an organisation's
//! installed software needs, the findings with their life, the remediation
//! policy (inherited down the tree) and the latest match run.

use async_trait::async_trait;
use sqlx::any::AnyRow;
use zian_domain::audit::AuditEvent;
use zian_domain::vulns::kpi::{self, FixCount, KpiCount, Month};
use zian_domain::vulns::{
    Certainty, Finding, FindingStatus, MatchInput, MatchRun, OrgOverview, Policy, Reconciled,
    Severity, StatusCount,
};
use zian_domain::{FindingId, ListQuery, OrgId, OrgScope, Page, day};

use crate::db::{Arg, Cols, Sql, b, fetch_page, i, json, odate, oi, order_by, os, s};
use crate::tx::AuditedTx;
use crate::{Result, SqlStore};

/// Rows per multi-row INSERT (37 columns each: 150 rows stay under both
/// databases' limits on bound values).
const BATCH: usize = 150;

#[async_trait]
pub trait VulnStore: Send + Sync {
    /// The organisation's installed software with a CPE name on assets in
    /// service.
    async fn match_inputs(&self, scope: &OrgScope, org: &OrgId) -> Result<Vec<MatchInput>>;
    /// Every recorded finding of the organisation.
    async fn all_findings(&self, scope: &OrgScope, org: &OrgId) -> Result<Vec<Finding>>;
    /// The organisation's findings of the CVEs `cves`.
    async fn findings_of_cves(
        &self,
        scope: &OrgScope,
        org: &OrgId,
        cves: &[String],
    ) -> Result<Vec<Finding>>;
    /// Writes a reconciliation and the run in one audited transaction.
    async fn apply_match(
        &self,
        scope: &OrgScope,
        org: &OrgId,
        r: &Reconciled,
        run: &MatchRun,
        audit: AuditEvent,
    ) -> Result<()>;
    /// One organisation's findings, paged. Filters: `status` (default the
    /// open ones: new, needs_fix, planned; `handled`; `all`; or one
    /// status), `severity`, `kev`, `certainty` (default confirmed;
    /// `possible`, `all`), `overdue` (open and past due on `today`), `cve`,
    /// `asset`, `core`; `q` searches CVE id, asset and host name, software.
    async fn list(
        &self,
        scope: &OrgScope,
        org: &OrgId,
        q: &ListQuery,
        today: time::Date,
    ) -> Result<Page<Finding>>;
    /// The same filters, every finding up to `cap` (exports, bulk actions).
    async fn select(
        &self,
        scope: &OrgScope,
        org: &OrgId,
        q: &ListQuery,
        today: time::Date,
        cap: i64,
    ) -> Result<Vec<Finding>>;
    async fn get(&self, scope: &OrgScope, id: &FindingId) -> Result<Option<Finding>>;
    /// Saves the decision fields of findings whose status is still the one
    /// in `seen` (same order); returns how many were saved. One audited
    /// transaction, `per_finding` entries appended with it.
    async fn decide(
        &self,
        scope: &OrgScope,
        org: &OrgId,
        findings: &[Finding],
        seen: &[FindingStatus],
        per_finding: Vec<AuditEvent>,
        audit: AuditEvent,
    ) -> Result<u64>;
    /// The policy in force: the organisation's own, else its nearest
    /// ancestor's (with the organisation it comes from).
    async fn policy(&self, scope: &OrgScope, org: &OrgId) -> Result<Option<(OrgId, Policy)>>;
    async fn set_policy(
        &self,
        scope: &OrgScope,
        org: &OrgId,
        policy: Policy,
        by: Option<&str>,
        now: i64,
        audit: AuditEvent,
    ) -> Result<()>;
    async fn last_run(&self, scope: &OrgScope, org: &OrgId) -> Result<Option<MatchRun>>;
    /// The latest match run of every organisation in scope (or of one).
    async fn runs(&self, scope: &OrgScope, org: Option<&OrgId>) -> Result<Vec<MatchRun>>;
    /// The CVSS ≥ 7 confirmed findings of the subtree of `root` notified
    /// in `months` (consecutive), counted as the KPIs read them as of
    /// `now` (one aggregate; [`kpi::tally`] is its reference).
    async fn kpi_counts(
        &self,
        scope: &OrgScope,
        root_path: &str,
        months: &[Month],
        now: i64,
    ) -> Result<Vec<KpiCount>>;
    /// The confirmed findings of the subtree fixed in `month`, counted by
    /// score and days to fix ([`kpi::tally_fixes`] is its reference).
    async fn fix_counts(
        &self,
        scope: &OrgScope,
        root_path: &str,
        month: Month,
    ) -> Result<Vec<FixCount>>;
    /// The organisation's findings counted by certainty, status, severity
    /// and presence; `past_due`: due before `today`.
    async fn status_counts(
        &self,
        scope: &OrgScope,
        org: &OrgId,
        today: time::Date,
    ) -> Result<Vec<StatusCount>>;
    /// Each organisation of the subtree of `root_path` that has findings, an
    /// inventory or mapped software: open findings by severity, overdue on
    /// `today`, latest inventory, hosts.
    async fn overview(
        &self,
        scope: &OrgScope,
        root_path: &str,
        today: time::Date,
    ) -> Result<Vec<OrgOverview>>;
    /// Every organisation in scope with in-service software that has a CPE
    /// name (what the daily match covers).
    async fn orgs_with_software(&self, scope: &OrgScope) -> Result<Vec<OrgId>>;
    /// Per organisation in scope, its open confirmed findings due on `due`
    /// (overdue from the next day).
    async fn due_on(&self, scope: &OrgScope, due: time::Date) -> Result<Vec<(OrgId, u64)>>;
    /// The organisations of the subtree with findings of `cve`: `(org, all,
    /// open)`.
    async fn with_cve(
        &self,
        scope: &OrgScope,
        root_path: &str,
        cve: &str,
    ) -> Result<Vec<(OrgId, u64, u64)>>;
    /// The endpoints each organisation of the subtree of `root_path`
    /// declared (none declared: absent).
    async fn declared_endpoints(
        &self,
        scope: &OrgScope,
        root_path: &str,
    ) -> Result<Vec<(OrgId, u64)>>;
    /// Records the endpoints an organisation declares (none: withdraws the
    /// declaration), in one audited transaction.
    async fn declare_endpoints(
        &self,
        scope: &OrgScope,
        org: &OrgId,
        endpoints: Option<u64>,
        by: Option<&str>,
        now: i64,
        audit: AuditEvent,
    ) -> Result<()>;
}

pub(crate) const FINDING_COLS: &str = "f.id, f.org_id, f.asset_id, a.name AS asset_name, a.hostname, f.cve_id, f.software, f.cpes, f.certainty, f.undecided, f.source, f.score, f.severity, f.kev, f.kev_due, f.epss, f.core, f.exposed, f.present, f.first_seen_at, f.notified_at, f.last_seen_at, f.due_on, f.status, f.reason, f.accepted_until, f.approver, f.action, f.owner, f.plan_due, f.evidence, f.decided_by, f.decided_at, f.fixed_at, f.verified_by, f.verified_at, f.handled_at, f.reopened, f.match_evidence, f.updated_at";

fn lines(v: String) -> Vec<String> {
    if v.is_empty() {
        Vec::new()
    } else {
        v.split('\n').map(str::to_owned).collect()
    }
}

pub(crate) fn finding_row(r: &AnyRow) -> Result<Finding> {
    Ok(Finding {
        id: s(r, "id")?.into(),
        org_id: s(r, "org_id")?.into(),
        asset_id: s(r, "asset_id")?.into(),
        asset_name: s(r, "asset_name")?,
        hostname: s(r, "hostname")?,
        cve_id: s(r, "cve_id")?,
        software: lines(s(r, "software")?),
        cpes: lines(s(r, "cpes")?),
        certainty: Certainty::parse(&s(r, "certainty")?)?,
        undecided: json(r, "undecided")?,
        source: s(r, "source")?,
        score: oi(r, "score")?,
        severity: Severity::parse(&s(r, "severity")?)?,
        kev: b(r, "kev")?,
        kev_due: odate(r, "kev_due")?,
        epss: oi(r, "epss")?,
        core: b(r, "core")?,
        exposed: b(r, "exposed")?,
        present: b(r, "present")?,
        first_seen_at: i(r, "first_seen_at")?,
        notified_at: i(r, "notified_at")?,
        last_seen_at: i(r, "last_seen_at")?,
        due_on: crate::db::date(r, "due_on")?,
        status: FindingStatus::parse(&s(r, "status")?)?,
        reason: s(r, "reason")?,
        accepted_until: odate(r, "accepted_until")?,
        approver: s(r, "approver")?,
        action: s(r, "action")?,
        owner: s(r, "owner")?,
        plan_due: odate(r, "plan_due")?,
        evidence: s(r, "evidence")?,
        decided_by: os(r, "decided_by")?.map(Into::into),
        decided_at: oi(r, "decided_at")?,
        fixed_at: oi(r, "fixed_at")?,
        verified_by: os(r, "verified_by")?.map(Into::into),
        verified_at: oi(r, "verified_at")?,
        handled_at: oi(r, "handled_at")?,
        reopened: i(r, "reopened")?,
        match_evidence: json(r, "match_evidence")?,
        updated_at: i(r, "updated_at")?,
    })
}

fn odate_arg(d: Option<time::Date>) -> Arg {
    Arg::from(d.map(day::ymd))
}

/// The columns a match writes (the observation and the clock) and a
/// decision writes (status and its fields): every column but the keys.
fn finding_cols(f: &Finding) -> Cols {
    Cols::new()
        .set("software", f.software.join("\n"))
        .set("cpes", f.cpes.join("\n"))
        .set("certainty", f.certainty.as_str())
        .set(
            "undecided",
            serde_json::to_string(&f.undecided).unwrap_or_else(|_| "[]".into()),
        )
        .set("source", f.source.as_str())
        .set("score", f.score)
        .set("severity", f.severity.as_str())
        .set("kev", i64::from(f.kev))
        .set("kev_due", odate_arg(f.kev_due))
        .set("epss", f.epss)
        .set("core", i64::from(f.core))
        .set("exposed", i64::from(f.exposed))
        .set("present", i64::from(f.present))
        .set("first_seen_at", f.first_seen_at)
        .set("notified_at", f.notified_at)
        .set("last_seen_at", f.last_seen_at)
        .set("due_on", day::ymd(f.due_on))
        .set("status", f.status.as_str())
        .set("reason", f.reason.as_str())
        .set("accepted_until", odate_arg(f.accepted_until))
        .set("approver", f.approver.as_str())
        .set("action", f.action.as_str())
        .set("owner", f.owner.as_str())
        .set("plan_due", odate_arg(f.plan_due))
        .set("evidence", f.evidence.as_str())
        .set("decided_by", f.decided_by.as_ref().map(ToString::to_string))
        .set("decided_at", f.decided_at)
        .set("fixed_at", f.fixed_at)
        .set(
            "verified_by",
            f.verified_by.as_ref().map(ToString::to_string),
        )
        .set("verified_at", f.verified_at)
        .set("handled_at", f.handled_at)
        .set("reopened", f.reopened)
        .set(
            "match_evidence",
            serde_json::to_string(&f.match_evidence).unwrap_or_else(|_| "null".into()),
        )
        .set("updated_at", f.updated_at)
}

fn insert_cols(f: &Finding) -> Cols {
    let mut c = Cols::new()
        .set("id", &*f.id)
        .set("org_id", &*f.org_id)
        .set("asset_id", &*f.asset_id)
        .set("cve_id", f.cve_id.as_str());
    for (k, v) in finding_cols(f).into_pairs() {
        c = c.set(k, v);
    }
    c
}

/// `FROM … WHERE` of an organisation's findings with the list's filters.
fn filtered(scope: &OrgScope, org: &OrgId, q: &ListQuery, today: time::Date) -> Sql {
    let mut w = Sql::new(
        "FROM vuln_findings f JOIN assets a ON a.id = f.asset_id JOIN orgs o ON o.id = f.org_id WHERE f.org_id = ",
    );
    w.bind(org).push(" AND ").scope(scope, "o.path");
    if let Some(t) = q.text() {
        w.search(&["f.cve_id", "a.name", "a.hostname", "f.software"], t);
    }
    match q.filter_value("status") {
        Some("all") => {}
        Some("handled") => {
            w.push(" AND f.status NOT IN ('new', 'needs_fix', 'planned')");
        }
        Some(st) => {
            w.and(" AND f.status = ", st);
        }
        None => {
            w.push(" AND f.status IN ('new', 'needs_fix', 'planned')");
        }
    }
    match q.filter_value("certainty") {
        Some("all") => {}
        Some(c) => {
            w.and(" AND f.certainty = ", c);
        }
        None => {
            w.push(" AND f.certainty = 'confirmed'");
        }
    }
    if let Some(sev) = q.filter_value("severity") {
        w.and(" AND f.severity = ", sev);
    }
    if matches!(q.filter_value("kev"), Some("1" | "true")) {
        w.push(" AND f.kev = 1");
    }
    if matches!(q.filter_value("core"), Some("1" | "true")) {
        w.push(" AND f.core = 1");
    }
    if matches!(q.filter_value("exposed"), Some("1" | "true")) {
        w.push(" AND f.exposed = 1");
    }
    if matches!(q.filter_value("overdue"), Some("1" | "true")) {
        w.push(" AND f.status IN ('new', 'needs_fix', 'planned') AND f.certainty = 'confirmed'")
            .and(" AND f.due_on < ", day::ymd(today));
    }
    if let Some(c) = q.filter_value("cve") {
        w.and(" AND f.cve_id = ", c.trim().to_ascii_uppercase());
    }
    if let Some(a) = q.filter_value("asset") {
        w.and(" AND f.asset_id = ", a);
    }
    if let Some(m) = q
        .filter_value("notified")
        .and_then(|m| Month::parse("notified", m).ok())
    {
        w.and(" AND f.notified_at >= ", m.start())
            .and(" AND f.notified_at < ", m.end());
    }
    match q.filter_value("kpi") {
        Some("high") => {
            w.push(" AND f.score >= 70");
        }
        Some("week_handled") => {
            w.push(" AND f.score >= 70 AND f.handled_at IS NOT NULL AND f.handled_at - f.notified_at <= 604800");
        }
        Some("week_missed") => {
            w.push(" AND f.score >= 70 AND (f.handled_at IS NULL OR f.handled_at - f.notified_at > 604800)");
        }
        _ => {}
    }
    w
}

/// `o.path LIKE root%` for a subtree, within the scope.
fn subtree(w: &mut Sql, scope: &OrgScope, root_path: &str) {
    w.and(" o.path LIKE ", format!("{root_path}%"))
        .push(" AND ")
        .scope(scope, "o.path");
}

fn list_order(q: &ListQuery) -> String {
    order_by(
        q,
        &[
            ("due", "f.due_on"),
            ("score", "f.score"),
            ("epss", "f.epss"),
            ("cve", "f.cve_id"),
            ("asset", "a.name"),
            ("first_seen", "f.first_seen_at"),
            ("updated", "f.updated_at"),
        ],
        "f.id",
    )
}

#[async_trait]
impl VulnStore for SqlStore {
    async fn match_inputs(&self, scope: &OrgScope, org: &OrgId) -> Result<Vec<MatchInput>> {
        let mut q = Sql::new(
            "SELECT w.asset_id, a.core, a.exposed, w.name, w.version, w.cpe23 FROM asset_software w \
             JOIN assets a ON a.id = w.asset_id JOIN orgs o ON o.id = w.org_id \
             WHERE w.org_id = ",
        );
        // the asset's organisation named too: the planner then reads the
        // organisation's assets, not every asset of the deployment
        q.bind(org)
            .and(" AND a.org_id = ", org)
            .push(" AND w.cpe23 IS NOT NULL AND a.status = 'in_service' AND ")
            .scope(scope, "o.path")
            .push(" ORDER BY w.asset_id, w.cpe23, w.id");
        q.fetch_all(&self.pool, |r| {
            Ok(MatchInput {
                asset_id: s(r, "asset_id")?.into(),
                core: b(r, "core")?,
                exposed: b(r, "exposed")?,
                name: s(r, "name")?,
                version: s(r, "version")?,
                cpe23: s(r, "cpe23")?,
            })
        })
        .await
    }

    async fn all_findings(&self, scope: &OrgScope, org: &OrgId) -> Result<Vec<Finding>> {
        let mut q = Sql::new(format!(
            "SELECT {FINDING_COLS} FROM vuln_findings f JOIN assets a ON a.id = f.asset_id \
             JOIN orgs o ON o.id = f.org_id WHERE f.org_id = "
        ));
        q.bind(org)
            .push(" AND ")
            .scope(scope, "o.path")
            .push(" ORDER BY f.id");
        q.fetch_all(&self.pool, finding_row).await
    }

    async fn findings_of_cves(
        &self,
        scope: &OrgScope,
        org: &OrgId,
        cves: &[String],
    ) -> Result<Vec<Finding>> {
        let mut out = Vec::new();
        for chunk in cves.chunks(500) {
            let mut q = Sql::new(format!(
                "SELECT {FINDING_COLS} FROM vuln_findings f JOIN assets a ON a.id = f.asset_id \
                 JOIN orgs o ON o.id = f.org_id WHERE f.org_id = "
            ));
            q.bind(org)
                .push(" AND ")
                .scope(scope, "o.path")
                .push(" AND f.cve_id IN (");
            for (k, c) in chunk.iter().enumerate() {
                if k > 0 {
                    q.push(", ");
                }
                q.bind(c.as_str());
            }
            q.push(") ORDER BY f.id");
            out.extend(q.fetch_all(&self.pool, finding_row).await?);
        }
        Ok(out)
    }

    async fn apply_match(
        &self,
        scope: &OrgScope,
        org: &OrgId,
        r: &Reconciled,
        run: &MatchRun,
        audit: AuditEvent,
    ) -> Result<()> {
        let (mut tx, _) = AuditedTx::begin_in(self, scope, org, audit, run.matched_at).await?;
        for id in &r.deletes {
            let mut q = Sql::new("DELETE FROM vuln_findings WHERE id = ");
            q.bind(&**id).and(" AND org_id = ", org);
            tx.exec(&q).await?;
        }
        // many rows to one statement: a feed change can touch a finding on
        // every host of a subtree
        for chunk in r.updates.chunks(BATCH) {
            let rows: Vec<Cols> = chunk
                .iter()
                .map(|f| {
                    let mut c = Cols::new().set("id", &*f.id).set("org_id", org);
                    for (col, v) in finding_cols(f).into_pairs() {
                        c = c.set(col, v);
                    }
                    c
                })
                .collect();
            if let Some(q) = Cols::update_many(rows, "vuln_findings", &["id", "org_id"])
                && tx.exec(&q).await? != chunk.len() as u64
            {
                // a finding went away meanwhile
                return Err(crate::StoreError::NotFound);
            }
        }
        for chunk in r.inserts.chunks(BATCH) {
            if let Some(q) =
                Cols::insert_many(chunk.iter().map(insert_cols).collect(), "vuln_findings")
            {
                tx.insert(&q, "finding").await?;
            }
        }
        let mut del = Sql::new("DELETE FROM vuln_match_runs WHERE org_id = ");
        del.bind(org);
        tx.exec(&del).await?;
        let ins = Cols::new()
            .set("org_id", org)
            .set("matched_at", run.matched_at)
            .set("feed", run.feed.as_str())
            .set("counts", run.counts.to_string())
            .insert("vuln_match_runs");
        tx.insert(&ins, "match_run").await?;
        tx.commit().await?;
        Ok(())
    }

    async fn list(
        &self,
        scope: &OrgScope,
        org: &OrgId,
        q: &ListQuery,
        today: time::Date,
    ) -> Result<Page<Finding>> {
        let w = filtered(scope, org, q, today);
        fetch_page(&self.pool, FINDING_COLS, &w, &list_order(q), q, finding_row).await
    }

    async fn select(
        &self,
        scope: &OrgScope,
        org: &OrgId,
        q: &ListQuery,
        today: time::Date,
        cap: i64,
    ) -> Result<Vec<Finding>> {
        let mut w = filtered(scope, org, q, today);
        w.prepend(&format!("SELECT {FINDING_COLS} "));
        w.push(&format!(" ORDER BY {} LIMIT {}", list_order(q), cap.max(0)));
        w.fetch_all(&self.pool, finding_row).await
    }

    async fn get(&self, scope: &OrgScope, id: &FindingId) -> Result<Option<Finding>> {
        let mut q = Sql::new(format!(
            "SELECT {FINDING_COLS} FROM vuln_findings f JOIN assets a ON a.id = f.asset_id \
             JOIN orgs o ON o.id = f.org_id WHERE f.id = "
        ));
        q.bind(&**id).push(" AND ").scope(scope, "o.path");
        q.fetch_optional(&self.pool, finding_row).await
    }

    async fn decide(
        &self,
        scope: &OrgScope,
        org: &OrgId,
        findings: &[Finding],
        seen: &[FindingStatus],
        per_finding: Vec<AuditEvent>,
        audit: AuditEvent,
    ) -> Result<u64> {
        let now = findings.first().map_or(0, |f| f.updated_at);
        let (mut tx, _) = AuditedTx::begin_in(self, scope, org, audit, now).await?;
        let mut saved = 0;
        let mut events = per_finding.into_iter();
        for (f, was) in findings.iter().zip(seen) {
            let ev = events.next();
            let mut q = finding_cols(f).update("vuln_findings");
            q.push("id = ")
                .bind(&*f.id)
                .and(" AND org_id = ", org)
                .and(" AND status = ", was.as_str());
            if tx.exec(&q).await? == 1 {
                saved += 1;
                if let Some(ev) = ev {
                    tx.also(ev).await?;
                }
            }
        }
        if let Some(d) = tx.event().details.as_object_mut() {
            d.insert("saved".into(), serde_json::json!(saved));
        }
        tx.commit().await?;
        Ok(saved)
    }

    async fn policy(&self, scope: &OrgScope, org: &OrgId) -> Result<Option<(OrgId, Policy)>> {
        // The organisation's path and every ancestor's (paths are prefixes).
        let mut q = Sql::new(
            "SELECT p.org_id, p.critical_days, p.high_days, p.medium_days, p.low_days \
             FROM orgs me JOIN orgs o ON me.path LIKE o.path || '%' \
             JOIN vuln_policies p ON p.org_id = o.id WHERE me.id = ",
        );
        q.bind(org)
            .push(" AND ")
            .scope(scope, "me.path")
            .push(" ORDER BY LENGTH(o.path) DESC LIMIT 1");
        q.fetch_optional(&self.pool, |r| {
            Ok((
                OrgId::from(s(r, "org_id")?),
                Policy {
                    critical_days: i(r, "critical_days")?,
                    high_days: i(r, "high_days")?,
                    medium_days: i(r, "medium_days")?,
                    low_days: i(r, "low_days")?,
                },
            ))
        })
        .await
    }

    async fn set_policy(
        &self,
        scope: &OrgScope,
        org: &OrgId,
        policy: Policy,
        by: Option<&str>,
        now: i64,
        audit: AuditEvent,
    ) -> Result<()> {
        let (mut tx, _) = AuditedTx::begin_in(self, scope, org, audit, now).await?;
        let mut del = Sql::new("DELETE FROM vuln_policies WHERE org_id = ");
        del.bind(org);
        tx.exec(&del).await?;
        let ins = Cols::new()
            .set("org_id", org)
            .set("critical_days", policy.critical_days)
            .set("high_days", policy.high_days)
            .set("medium_days", policy.medium_days)
            .set("low_days", policy.low_days)
            .set("updated_by", by)
            .set("updated_at", now)
            .insert("vuln_policies");
        tx.insert(&ins, "policy").await?;
        tx.commit().await?;
        Ok(())
    }

    async fn kpi_counts(
        &self,
        scope: &OrgScope,
        root_path: &str,
        months: &[Month],
        now: i64,
    ) -> Result<Vec<KpiCount>> {
        let (Some(first), Some(last)) = (months.first(), months.last()) else {
            return Ok(Vec::new());
        };
        // which month: the first whose end is after the notification
        let mut q = Sql::new("SELECT f.org_id, CASE");
        for (k, m) in months.iter().enumerate() {
            q.and(" WHEN f.notified_at < ", m.end())
                .push(&format!(" THEN {k}"));
        }
        q.push(&format!(" ELSE {} END AS m, ", months.len()));
        q.and(
            "CASE WHEN f.handled_at IS NOT NULL AND f.handled_at - f.notified_at <= ",
            kpi::WEEK,
        )
        .push(
            " THEN 1 ELSE 0 END AS week, \
             CASE WHEN f.status IN ('needs_fix', 'planned', 'fixed') OR (f.status = 'verified' \
             AND (f.decided_at IS NOT NULL OR f.verified_by IS NOT NULL)) THEN 1 ELSE 0 END AS fix, ",
        )
        .and(
            "CASE WHEN f.fixed_at IS NOT NULL AND f.fixed_at - f.notified_at > ",
            kpi::THIRTY_DAYS,
        )
        .and(" THEN 1 WHEN f.fixed_at IS NULL AND f.notified_at < ", now - kpi::THIRTY_DAYS)
        .push(
            " THEN 1 ELSE 0 END AS late, COUNT(*) AS n \
             FROM vuln_findings f JOIN orgs o ON o.id = f.org_id WHERE",
        );
        subtree(&mut q, scope, root_path);
        // the threshold written out, as the partial index's predicate is
        q.push(&format!(
            " AND f.certainty = 'confirmed' AND f.score >= {}",
            kpi::HIGH
        ))
        .and(" AND f.notified_at >= ", first.start())
        .and(" AND f.notified_at < ", last.end())
        .push(" GROUP BY f.org_id, 2, 3, 4, 5");
        // The aggregate reads a year of high findings of the whole tree and
        // returns a few rows per organisation: on PostgreSQL its parallel
        // plan is the fast one (1.1 s against 1.7 s on 3.5 million
        // findings), which the default cost of passing a row between
        // workers talks the planner out of. Set for this read only.
        let mut tx = self.pool.begin().await?;
        if self.backend == crate::Backend::Postgres {
            sqlx::query("SET LOCAL parallel_tuple_cost = 0.01")
                .execute(&mut *tx)
                .await?;
        }
        let rows = q.query().fetch_all(&mut *tx).await?;
        tx.commit().await?;
        let mut out = Vec::new();
        for r in rows {
            let m = usize::try_from(i(&r, "m")?).unwrap_or(usize::MAX);
            out.push(KpiCount {
                org_id: s(&r, "org_id")?.into(),
                month: *months.get(m).ok_or_else(|| {
                    crate::StoreError::Corrupt(format!("kpi month {m} out of range"))
                })?,
                handled_in_week: b(&r, "week")?,
                assessed_fix: b(&r, "fix")?,
                fix_late: b(&r, "late")?,
                n: i(&r, "n")?.max(0) as u64,
            });
        }
        Ok(out)
    }

    async fn fix_counts(
        &self,
        scope: &OrgScope,
        root_path: &str,
        month: Month,
    ) -> Result<Vec<FixCount>> {
        const SECS: &str =
            "CASE WHEN f.fixed_at > f.notified_at THEN f.fixed_at - f.notified_at ELSE 0 END";
        let mut q = Sql::new(format!(
            "SELECT f.score, ({SECS} * 2 + 8640) / 17280 AS tenths, \
             CAST(SUM({SECS}) AS BIGINT) AS secs, COUNT(*) AS n \
             FROM vuln_findings f JOIN orgs o ON o.id = f.org_id WHERE"
        ));
        subtree(&mut q, scope, root_path);
        q.push(" AND f.certainty = 'confirmed' AND f.fixed_at IS NOT NULL")
            .and(" AND f.fixed_at >= ", month.start())
            .and(" AND f.fixed_at < ", month.end())
            .push(" GROUP BY f.score, 2");
        q.fetch_all(&self.pool, |r| {
            Ok(FixCount {
                score: oi(r, "score")?,
                tenths: i(r, "tenths")?,
                seconds: i(r, "secs")?,
                n: i(r, "n")?.max(0) as u64,
            })
        })
        .await
    }

    async fn status_counts(
        &self,
        scope: &OrgScope,
        org: &OrgId,
        today: time::Date,
    ) -> Result<Vec<StatusCount>> {
        let mut q = Sql::new(
            "SELECT f.certainty, f.status, f.severity, f.present, COUNT(*) AS n, \
             SUM(CASE WHEN f.due_on < ",
        );
        q.bind(day::ymd(today)).push(
            " THEN 1 ELSE 0 END) AS late, SUM(CASE WHEN f.kev = 1 THEN 1 ELSE 0 END) AS kev \
             FROM vuln_findings f JOIN orgs o ON o.id = f.org_id WHERE f.org_id = ",
        );
        q.bind(org)
            .push(" AND ")
            .scope(scope, "o.path")
            .push(" GROUP BY f.certainty, f.status, f.severity, f.present");
        q.fetch_all(&self.pool, |r| {
            Ok(StatusCount {
                certainty: Certainty::parse(&s(r, "certainty")?)?,
                status: FindingStatus::parse(&s(r, "status")?)?,
                severity: Severity::parse(&s(r, "severity")?)?,
                present: b(r, "present")?,
                n: i(r, "n")?.max(0) as u64,
                past_due: oi(r, "late")?.unwrap_or(0).max(0) as u64,
                kev: oi(r, "kev")?.unwrap_or(0).max(0) as u64,
            })
        })
        .await
    }

    async fn overview(
        &self,
        scope: &OrgScope,
        root_path: &str,
        today: time::Date,
    ) -> Result<Vec<OrgOverview>> {
        let mut by: std::collections::BTreeMap<String, OrgOverview> = Default::default();
        let mut q =
            Sql::new("SELECT f.org_id, f.severity, COUNT(*) AS n, SUM(CASE WHEN f.due_on < ");
        q.bind(day::ymd(today)).push(
            " THEN 1 ELSE 0 END) AS late, SUM(CASE WHEN f.kev = 1 THEN 1 ELSE 0 END) AS kev \
             FROM vuln_findings f JOIN orgs o ON o.id = f.org_id WHERE",
        );
        subtree(&mut q, scope, root_path);
        q.push(
            " AND f.certainty = 'confirmed' AND f.status IN ('new', 'needs_fix', 'planned') \
             GROUP BY f.org_id, f.severity",
        );
        for row in q.query().fetch_all(&self.pool).await? {
            let org = s(&row, "org_id")?;
            let e = by.entry(org.clone()).or_insert_with(|| OrgOverview {
                org_id: org.into(),
                ..OrgOverview::default()
            });
            let n = i(&row, "n")?.max(0) as u64;
            e.open.insert(s(&row, "severity")?, n);
            e.overdue += oi(&row, "late")?.unwrap_or(0).max(0) as u64;
            e.kev_open += oi(&row, "kev")?.unwrap_or(0).max(0) as u64;
        }
        let mut q = Sql::new(
            "SELECT m.org_id, MAX(m.committed_at) AS at FROM inventory_imports m \
             JOIN orgs o ON o.id = m.org_id WHERE",
        );
        subtree(&mut q, scope, root_path);
        q.push(" AND m.committed_at IS NOT NULL GROUP BY m.org_id");
        for row in q.query().fetch_all(&self.pool).await? {
            let org = s(&row, "org_id")?;
            by.entry(org.clone())
                .or_insert_with(|| OrgOverview {
                    org_id: org.into(),
                    ..OrgOverview::default()
                })
                .last_inventory_at = oi(&row, "at")?;
        }
        // hosts: as many as the organisation's latest match read (its
        // in-service assets with mapped software), not a count over the
        // installed software of the whole subtree
        let mut q = Sql::new(
            "SELECT r.org_id, r.counts FROM vuln_match_runs r JOIN orgs o ON o.id = r.org_id WHERE",
        );
        subtree(&mut q, scope, root_path);
        for row in q.query().fetch_all(&self.pool).await? {
            let org = s(&row, "org_id")?;
            let counts: serde_json::Value =
                serde_json::from_str(&s(&row, "counts")?).unwrap_or_default();
            by.entry(org.clone())
                .or_insert_with(|| OrgOverview {
                    org_id: org.into(),
                    ..OrgOverview::default()
                })
                .hosts = counts["hosts"].as_u64().unwrap_or(0);
        }
        Ok(by.into_values().collect())
    }

    async fn orgs_with_software(&self, scope: &OrgScope) -> Result<Vec<OrgId>> {
        let mut q = Sql::new(
            "SELECT DISTINCT w.org_id FROM asset_software w JOIN assets a ON a.id = w.asset_id \
             JOIN orgs o ON o.id = w.org_id WHERE w.cpe23 IS NOT NULL AND a.status = 'in_service' AND ",
        );
        q.scope(scope, "o.path").push(" ORDER BY w.org_id");
        q.fetch_all(&self.pool, |r| Ok(OrgId::from(s(r, "org_id")?)))
            .await
    }

    async fn due_on(&self, scope: &OrgScope, due: time::Date) -> Result<Vec<(OrgId, u64)>> {
        let mut q = Sql::new(
            "SELECT f.org_id, COUNT(*) AS n FROM vuln_findings f JOIN orgs o ON o.id = f.org_id \
             WHERE f.due_on = ",
        );
        q.bind(day::ymd(due))
            .push(
                " AND f.status IN ('new', 'needs_fix', 'planned') AND f.certainty = 'confirmed' AND ",
            )
            .scope(scope, "o.path")
            .push(" GROUP BY f.org_id ORDER BY f.org_id");
        q.fetch_all(&self.pool, |r| {
            Ok((OrgId::from(s(r, "org_id")?), i(r, "n")?.max(0) as u64))
        })
        .await
    }

    async fn with_cve(
        &self,
        scope: &OrgScope,
        root_path: &str,
        cve: &str,
    ) -> Result<Vec<(OrgId, u64, u64)>> {
        let mut q = Sql::new(
            "SELECT f.org_id, COUNT(*) AS n, \
             SUM(CASE WHEN f.status IN ('new', 'needs_fix', 'planned') THEN 1 ELSE 0 END) AS open \
             FROM vuln_findings f JOIN orgs o ON o.id = f.org_id WHERE f.cve_id = ",
        );
        q.bind(cve.trim().to_ascii_uppercase()).push(" AND");
        subtree(&mut q, scope, root_path);
        q.push(" AND f.certainty = 'confirmed' GROUP BY f.org_id ORDER BY f.org_id");
        q.fetch_all(&self.pool, |r| {
            Ok((
                OrgId::from(s(r, "org_id")?),
                i(r, "n")?.max(0) as u64,
                oi(r, "open")?.unwrap_or(0).max(0) as u64,
            ))
        })
        .await
    }

    async fn declared_endpoints(
        &self,
        scope: &OrgScope,
        root_path: &str,
    ) -> Result<Vec<(OrgId, u64)>> {
        let mut q = Sql::new(
            "SELECT d.org_id, d.endpoints FROM vuln_declared_endpoints d \
             JOIN orgs o ON o.id = d.org_id WHERE",
        );
        subtree(&mut q, scope, root_path);
        q.push(" ORDER BY d.org_id");
        q.fetch_all(&self.pool, |r| {
            Ok((
                OrgId::from(s(r, "org_id")?),
                i(r, "endpoints")?.max(0) as u64,
            ))
        })
        .await
    }

    async fn declare_endpoints(
        &self,
        scope: &OrgScope,
        org: &OrgId,
        endpoints: Option<u64>,
        by: Option<&str>,
        now: i64,
        audit: AuditEvent,
    ) -> Result<()> {
        let (mut tx, _) = AuditedTx::begin_in(self, scope, org, audit, now).await?;
        let mut del = Sql::new("DELETE FROM vuln_declared_endpoints WHERE org_id = ");
        del.bind(org);
        tx.exec(&del).await?;
        if let Some(n) = endpoints {
            let ins = Cols::new()
                .set("org_id", org)
                .set("endpoints", i64::try_from(n).unwrap_or(i64::MAX))
                .set("updated_by", by)
                .set("updated_at", now)
                .insert("vuln_declared_endpoints");
            tx.insert(&ins, "declared_endpoints").await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn runs(&self, scope: &OrgScope, org: Option<&OrgId>) -> Result<Vec<MatchRun>> {
        let mut q = Sql::new(
            "SELECT r.org_id, r.matched_at, r.feed, r.counts FROM vuln_match_runs r \
             JOIN orgs o ON o.id = r.org_id WHERE ",
        );
        q.scope(scope, "o.path");
        if let Some(o) = org {
            q.and(" AND r.org_id = ", o);
        }
        q.push(" ORDER BY r.org_id");
        q.fetch_all(&self.pool, |r| {
            Ok(MatchRun {
                org_id: s(r, "org_id")?.into(),
                matched_at: i(r, "matched_at")?,
                feed: s(r, "feed")?,
                counts: json(r, "counts")?,
            })
        })
        .await
    }

    async fn last_run(&self, scope: &OrgScope, org: &OrgId) -> Result<Option<MatchRun>> {
        let mut q = Sql::new(
            "SELECT r.org_id, r.matched_at, r.feed, r.counts FROM vuln_match_runs r \
             JOIN orgs o ON o.id = r.org_id WHERE r.org_id = ",
        );
        q.bind(org).push(" AND ").scope(scope, "o.path");
        q.fetch_optional(&self.pool, |r| {
            Ok(MatchRun {
                org_id: s(r, "org_id")?.into(),
                matched_at: i(r, "matched_at")?,
                feed: s(r, "feed")?,
                counts: json(r, "counts")?,
            })
        })
        .await
    }
}
