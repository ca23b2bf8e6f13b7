//! The risk register and the organisations' risk scales.

use async_trait::async_trait;
use sqlx::any::AnyRow;
use time::Date;
use zian_domain::audit::AuditEvent;
use zian_domain::risk::{
    CellCount, Risk, RiskCounts, RiskFilter, RiskScale, RiskStatus, Treatment, risk_number,
};
use zian_domain::text::Memo;
use zian_domain::{ListQuery, OrgId, OrgScope, Page, RiskId, SystemId, Text, UserId};

use crate::db::{Cols, Sql, fetch_page, i, json, odate, order_by, os, ou, s, u};
use crate::systems::system_of_org;
use crate::tx::AuditedTx;
use crate::{Result, SqlStore, StoreError};

#[async_trait]
pub trait RiskStore: Send + Sync {
    /// Records a risk of an organisation in scope (a linked system must be
    /// the organisation's). Assigns and returns the risk's number, the next
    /// of its organisation in the year of `created_at` (Taipei time).
    async fn insert(&self, scope: &OrgScope, r: &Risk, audit: AuditEvent) -> Result<String>;
    async fn get(&self, scope: &OrgScope, id: &RiskId) -> Result<Option<Risk>>;
    /// One organisation's register, filtered and paged; sort: `value`
    /// (highest first, default), `due_on`, `asset`, `updated`.
    async fn list(
        &self,
        scope: &OrgScope,
        org: &OrgId,
        f: &RiskFilter,
        q: &ListQuery,
    ) -> Result<Page<Risk>>;
    /// The number of filtered risks per (asset value, likelihood,
    /// vulnerability), for the heat map.
    async fn cells(&self, scope: &OrgScope, org: &OrgId, f: &RiskFilter) -> Result<Vec<CellCount>>;
    /// The register in figures; `scale` is the maxima of (asset value,
    /// likelihood, vulnerability) risks beyond which are counted.
    async fn counts(
        &self,
        scope: &OrgScope,
        org: &OrgId,
        today: Date,
        scale: [u32; 3],
    ) -> Result<RiskCounts>;
    /// Risks in scope not yet closed whose treatment is due on or before
    /// `until` (for reminders), soonest first, at most [`crate::ROLLUP_LIMIT`].
    async fn treatments_due(&self, scope: &OrgScope, until: Date) -> Result<Vec<Risk>>;
    /// Per organisation in scope, the number of risks above their acceptance
    /// threshold whose treatment has not started (status `open`): the
    /// register filtered by `above_threshold=1&status=open`.
    async fn untreated_above_threshold(&self, scope: &OrgScope) -> Result<Vec<(OrgId, u64)>>;
    /// Replaces the editable fields of a risk (organisation, creator and
    /// creation time stay).
    async fn update(&self, scope: &OrgScope, r: &Risk, audit: AuditEvent) -> Result<()>;
    async fn delete(
        &self,
        scope: &OrgScope,
        org: &OrgId,
        id: &RiskId,
        audit: AuditEvent,
        now: i64,
    ) -> Result<()>;
    /// The scales that apply to an organisation in scope: its own and its
    /// ancestors', nearest first (an organisation inherits its nearest
    /// ancestor's, so it is readable even when the ancestor is not in scope).
    async fn scale_chain(&self, scope: &OrgScope, org: &OrgId) -> Result<Vec<RiskScale>>;
    /// Writes an organisation's own scale unless a risk that would follow it
    /// is rated above it (the organisation's risks and those of descendants
    /// without a scale of their own nearer to them). Returns those risks (at
    /// most 200); when there are any, nothing is written or audited.
    async fn put_scale(
        &self,
        scope: &OrgScope,
        x: &RiskScale,
        audit: AuditEvent,
    ) -> Result<Vec<Risk>>;
}

const COLS: &str = "r.id, r.org_id, r.number, r.measures, r.system_id, r.asset, r.threat, r.weakness, r.asset_value, r.likelihood, r.vulnerability, r.risk_value, r.threshold, r.treatment, r.owner, r.due_on, r.residual_likelihood, r.residual_vulnerability, r.residual_value, r.status, r.created_by, r.created_at, r.updated_at";

fn risk(r: &AnyRow) -> Result<Risk> {
    Ok(Risk {
        id: s(r, "id")?.into(),
        org_id: s(r, "org_id")?.into(),
        number: os(r, "number")?.unwrap_or_default(),
        measures: Memo::stored(s(r, "measures")?),
        system_id: os(r, "system_id")?.map(SystemId::from),
        asset: Text::stored(s(r, "asset")?),
        threat: Text::stored(s(r, "threat")?),
        weakness: Text::stored(s(r, "weakness")?),
        asset_value: u(r, "asset_value")?,
        likelihood: u(r, "likelihood")?,
        vulnerability: u(r, "vulnerability")?,
        risk_value: u(r, "risk_value")?,
        threshold: u(r, "threshold")?,
        treatment: Treatment::parse(&s(r, "treatment")?)?,
        owner: Text::stored(s(r, "owner")?),
        due_on: odate(r, "due_on")?,
        residual_likelihood: ou(r, "residual_likelihood")?,
        residual_vulnerability: ou(r, "residual_vulnerability")?,
        residual_value: ou(r, "residual_value")?,
        status: RiskStatus::parse(&s(r, "status")?)?,
        created_by: os(r, "created_by")?.map(UserId::from),
        created_at: i(r, "created_at")?,
        updated_at: i(r, "updated_at")?,
    })
}

/// The editable columns of a risk.
fn cols(x: &Risk) -> Cols {
    Cols::new()
        .set("system_id", x.system_id.as_ref())
        .set("asset", &x.asset)
        .set("threat", &x.threat)
        .set("weakness", &x.weakness)
        .set("asset_value", x.asset_value)
        .set("likelihood", x.likelihood)
        .set("vulnerability", x.vulnerability)
        .set("risk_value", x.risk_value)
        .set("threshold", x.threshold)
        .set("treatment", x.treatment.as_str())
        .set("measures", &x.measures)
        .set("owner", &x.owner)
        .set("due_on", x.due_on)
        .set("residual_likelihood", x.residual_likelihood)
        .set("residual_vulnerability", x.residual_vulnerability)
        .set("residual_value", x.residual_value)
        .set("status", x.status.as_str())
        .set("updated_at", x.updated_at)
}

/// `FROM … WHERE` of an organisation's register with the filters.
fn register(scope: &OrgScope, org: &OrgId, f: &RiskFilter) -> Sql {
    let mut w = Sql::new("FROM risks r JOIN orgs o ON o.id = r.org_id WHERE r.org_id = ");
    w.bind(org).push(" AND ").scope(scope, "o.path");
    if let Some(v) = &f.system_id {
        w.and(" AND r.system_id = ", v);
    }
    if let Some(v) = f.treatment {
        w.and(" AND r.treatment = ", v.as_str());
    }
    if let Some(v) = f.status {
        w.and(" AND r.status = ", v.as_str());
    }
    if f.above_threshold {
        w.push(" AND r.risk_value > r.threshold");
    }
    if let Some(m) = f.min_value {
        w.and(" AND r.risk_value >= ", m);
    }
    w
}

/// Risks rated above the maxima (a SQL condition).
fn beyond(q: &mut Sql, scale: [u32; 3]) {
    let [a, l, v] = scale;
    q.push("(r.asset_value > ")
        .bind(a)
        .push(" OR r.likelihood > ")
        .bind(l)
        .push(" OR r.vulnerability > ")
        .bind(v)
        .push(" OR COALESCE(r.residual_likelihood, 0) > ")
        .bind(l)
        .push(" OR COALESCE(r.residual_vulnerability, 0) > ")
        .bind(v)
        .push(")");
}

fn scale(r: &AnyRow) -> Result<RiskScale> {
    Ok(RiskScale {
        org_id: s(r, "org_id")?.into(),
        org_path: s(r, "org_path")?,
        asset_value_max: u(r, "asset_value_max")?,
        likelihood_max: u(r, "likelihood_max")?,
        vulnerability_max: u(r, "vulnerability_max")?,
        threshold: u(r, "threshold")?,
        labels: json(r, "labels")?,
        updated_by: os(r, "updated_by")?.map(UserId::from),
        updated_at: i(r, "updated_at")?,
    })
}

#[async_trait]
impl RiskStore for SqlStore {
    async fn insert(&self, scope: &OrgScope, x: &Risk, audit: AuditEvent) -> Result<String> {
        let (mut tx, _) = AuditedTx::begin_in(self, scope, &x.org_id, audit, x.created_at).await?;
        if let Some(sys) = &x.system_id {
            tx.require(&system_of_org(sys, &x.org_id)).await?;
        }
        // writers queue on the audit head, so the next number is free; the
        // unique index (org, year, sequence) guards it anyway
        let year = zian_domain::day::of_unix(x.created_at).year();
        let mut n = Sql::new(
            "SELECT CAST(COALESCE(MAX(number_seq), 0) AS BIGINT) AS n FROM risks WHERE org_id = ",
        );
        n.bind(&x.org_id)
            .and(" AND number_year = ", i64::from(year));
        let seq = i(&tx.require(&n).await?, "n")? + 1;
        let number = risk_number(year, seq);
        tx.event().details["number"] = serde_json::Value::String(number.clone());
        let q = cols(x)
            .set("id", &x.id)
            .set("org_id", &x.org_id)
            .set("number", number.as_str())
            .set("number_year", i64::from(year))
            .set("number_seq", seq)
            .set("created_by", x.created_by.as_ref())
            .set("created_at", x.created_at)
            .insert("risks");
        tx.insert(&q, "risk").await?;
        tx.commit().await?;
        Ok(number)
    }

    async fn get(&self, scope: &OrgScope, id: &RiskId) -> Result<Option<Risk>> {
        let mut q = Sql::new(format!(
            "SELECT {COLS} FROM risks r JOIN orgs o ON o.id = r.org_id WHERE r.id = "
        ));
        q.bind(id).push(" AND ").scope(scope, "o.path");
        q.fetch_optional(&self.pool, risk).await
    }

    async fn list(
        &self,
        scope: &OrgScope,
        org: &OrgId,
        f: &RiskFilter,
        q: &ListQuery,
    ) -> Result<Page<Risk>> {
        let mut w = register(scope, org, f);
        if let Some(t) = q.text() {
            w.search(
                &["r.number", "r.asset", "r.threat", "r.weakness", "r.owner"],
                t,
            );
        }
        let order = match q.sort.as_deref() {
            None | Some("value") => {
                if q.desc || q.sort.is_none() {
                    "r.risk_value DESC, r.created_at, r.id".to_string()
                } else {
                    "r.risk_value ASC, r.created_at, r.id".to_string()
                }
            }
            _ => order_by(
                q,
                &[
                    ("due_on", "r.due_on"),
                    ("number", "r.number"),
                    ("asset", "r.asset"),
                    ("updated", "r.updated_at"),
                ],
                "r.id",
            ),
        };
        fetch_page(&self.pool, COLS, &w, &order, q, risk).await
    }

    async fn cells(&self, scope: &OrgScope, org: &OrgId, f: &RiskFilter) -> Result<Vec<CellCount>> {
        let w = register(scope, org, f);
        let mut q = w.clone();
        q.prepend("SELECT r.asset_value, r.likelihood, r.vulnerability, COUNT(*) AS n ")
            .push(" GROUP BY r.asset_value, r.likelihood, r.vulnerability");
        q.fetch_all(&self.pool, |r| {
            Ok(CellCount {
                asset_value: u(r, "asset_value")?,
                likelihood: u(r, "likelihood")?,
                vulnerability: u(r, "vulnerability")?,
                count: u64::try_from(i(r, "n")?).unwrap_or(0),
            })
        })
        .await
    }

    async fn counts(
        &self,
        scope: &OrgScope,
        org: &OrgId,
        today: Date,
        maxima: [u32; 3],
    ) -> Result<RiskCounts> {
        let mut q = Sql::new(
            "SELECT r.treatment, COUNT(*) AS n,
               CAST(SUM(CASE WHEN r.risk_value > r.threshold THEN 1 ELSE 0 END) AS BIGINT) AS above,
               CAST(SUM(CASE WHEN r.status <> 'closed' THEN 1 ELSE 0 END) AS BIGINT) AS open,
               CAST(SUM(CASE WHEN r.status <> 'closed' AND r.due_on < ",
        );
        q.bind(today)
            .push(" THEN 1 ELSE 0 END) AS BIGINT) AS overdue, CAST(SUM(CASE WHEN ");
        beyond(&mut q, maxima);
        q.push(" THEN 1 ELSE 0 END) AS BIGINT) AS beyond ");
        let w = register(scope, org, &RiskFilter::default());
        q.append(&w).push(" GROUP BY r.treatment");
        let n = |r: &AnyRow, c: &str| -> Result<u64> { Ok(u64::try_from(i(r, c)?).unwrap_or(0)) };
        let rows = q.query().fetch_all(&self.pool).await?;
        let mut out = RiskCounts::default();
        for r in &rows {
            let total = n(r, "n")?;
            out.total += total;
            out.above_threshold += n(r, "above")?;
            out.open += n(r, "open")?;
            out.overdue_treatments += n(r, "overdue")?;
            out.beyond_scale += n(r, "beyond")?;
            out.by_treatment.insert(s(r, "treatment")?, total);
        }
        Ok(out)
    }

    async fn untreated_above_threshold(&self, scope: &OrgScope) -> Result<Vec<(OrgId, u64)>> {
        let mut q = Sql::new(
            "SELECT r.org_id AS org_id, COUNT(*) AS n FROM risks r JOIN orgs o ON o.id = r.org_id WHERE r.status = 'open' AND r.risk_value > r.threshold AND ",
        );
        q.scope(scope, "o.path")
            .push(" GROUP BY r.org_id ORDER BY r.org_id");
        q.fetch_all(&self.pool, |r| {
            Ok((
                OrgId::from(s(r, "org_id")?),
                u64::try_from(i(r, "n")?).unwrap_or(0),
            ))
        })
        .await
    }

    async fn treatments_due(&self, scope: &OrgScope, until: Date) -> Result<Vec<Risk>> {
        let mut q = Sql::new(format!(
            "SELECT {COLS} FROM risks r JOIN orgs o ON o.id = r.org_id WHERE r.status <> 'closed' AND r.due_on IS NOT NULL AND r.due_on <= "
        ));
        q.bind(until)
            .push(" AND ")
            .scope(scope, "o.path")
            .push(&format!(
                " ORDER BY r.due_on, r.id LIMIT {}",
                crate::ROLLUP_LIMIT
            ));
        q.fetch_all(&self.pool, risk).await
    }

    async fn update(&self, scope: &OrgScope, x: &Risk, audit: AuditEvent) -> Result<()> {
        let (mut tx, _) = AuditedTx::begin_in(self, scope, &x.org_id, audit, x.updated_at).await?;
        if let Some(sys) = &x.system_id {
            tx.require(&system_of_org(sys, &x.org_id)).await?;
        }
        let mut q = cols(x).update("risks");
        q.push("id = ").bind(&x.id).and(" AND org_id = ", &x.org_id);
        tx.exec_one(&q).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn delete(
        &self,
        scope: &OrgScope,
        org: &OrgId,
        id: &RiskId,
        audit: AuditEvent,
        now: i64,
    ) -> Result<()> {
        let (mut tx, _) = AuditedTx::begin_in(self, scope, org, audit, now).await?;
        let mut q = Sql::new("DELETE FROM risks WHERE id = ");
        q.bind(id).and(" AND org_id = ", org);
        tx.exec_one(&q).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn scale_chain(&self, scope: &OrgScope, org: &OrgId) -> Result<Vec<RiskScale>> {
        let mut q = Sql::new(
            "SELECT t.org_id, a.path AS org_path, t.asset_value_max, t.likelihood_max, t.vulnerability_max, t.threshold, t.labels, t.updated_by, t.updated_at
             FROM risk_settings t JOIN orgs a ON a.id = t.org_id
             WHERE EXISTS (SELECT 1 FROM orgs o WHERE o.path LIKE a.path || '%' AND o.id = ",
        );
        q.bind(org)
            .push(" AND ")
            .scope(scope, "o.path")
            .push(") ORDER BY LENGTH(a.path) DESC");
        q.fetch_all(&self.pool, scale).await
    }

    async fn put_scale(
        &self,
        scope: &OrgScope,
        x: &RiskScale,
        audit: AuditEvent,
    ) -> Result<Vec<Risk>> {
        let (mut tx, path) =
            AuditedTx::begin_in(self, scope, &x.org_id, audit, x.updated_at).await?;
        let mut q = Sql::new(format!(
            "SELECT {COLS} FROM risks r JOIN orgs o ON o.id = r.org_id WHERE o.path LIKE "
        ));
        let subtree = format!("{path}%");
        q.bind(subtree.clone())
            .push(" AND ")
            .scope(scope, "o.path")
            .push(" AND NOT EXISTS (SELECT 1 FROM risk_settings t JOIN orgs so ON so.id = t.org_id WHERE so.id <> ")
            .bind(&x.org_id)
            .push(" AND so.path LIKE ")
            .bind(subtree)
            .push(" AND o.path LIKE so.path || '%') AND ");
        beyond(
            &mut q,
            [x.asset_value_max, x.likelihood_max, x.vulnerability_max],
        );
        q.push(" ORDER BY o.path, r.created_at, r.id LIMIT 200");
        let over = q.fetch_all(tx.conn(), risk).await?;
        if !over.is_empty() {
            return Ok(over);
        }
        let labels = serde_json::to_string(&x.labels)
            .map_err(|e| StoreError::Corrupt(format!("labels: {e}")))?;
        let mut q = Cols::new()
            .set("org_id", &x.org_id)
            .set("asset_value_max", x.asset_value_max)
            .set("likelihood_max", x.likelihood_max)
            .set("vulnerability_max", x.vulnerability_max)
            .set("threshold", x.threshold)
            .set("labels", labels)
            .set("updated_by", x.updated_by.as_ref())
            .set("updated_at", x.updated_at)
            .insert("risk_settings");
        q.push(
            " ON CONFLICT (org_id) DO UPDATE SET asset_value_max = excluded.asset_value_max,
               likelihood_max = excluded.likelihood_max, vulnerability_max = excluded.vulnerability_max,
               threshold = excluded.threshold, labels = excluded.labels,
               updated_by = excluded.updated_by, updated_at = excluded.updated_at",
        );
        tx.exec(&q).await?;
        tx.commit().await?;
        Ok(Vec::new())
    }
}

impl SqlStore {
    /// Numbers the risks recorded before migration 0011, in creation order
    /// per organisation and year of creation (Taipei time), after any number
    /// already given. Runs after the migrations, so at every start (a restored
    /// archive made before 0011 is numbered at the next start; a restore
    /// itself writes back exactly what the archive holds).
    pub(crate) async fn number_risks(&self) -> Result<u64> {
        use sqlx::Row;
        let rows = sqlx::query(
            "SELECT id, org_id, created_at FROM risks WHERE number_seq IS NULL ORDER BY created_at, id",
        )
        .fetch_all(&self.pool)
        .await?;
        let mut next: std::collections::HashMap<(String, i32), i64> =
            std::collections::HashMap::new();
        for r in &rows {
            let id: String = r.try_get("id")?;
            let org: String = r.try_get("org_id")?;
            let year = zian_domain::day::of_unix(r.try_get::<i64, _>("created_at")?).year();
            let seq = match next.get(&(org.clone(), year)) {
                Some(n) => *n,
                None => {
                    let max: i64 = sqlx::query(
                        "SELECT CAST(COALESCE(MAX(number_seq), 0) AS BIGINT) AS n FROM risks WHERE org_id = $1 AND number_year = $2",
                    )
                    .bind(&org)
                    .bind(i64::from(year))
                    .fetch_one(&self.pool)
                    .await?
                    .try_get("n")?;
                    max + 1
                }
            };
            sqlx::query(
                "UPDATE risks SET number = $1, number_year = $2, number_seq = $3 WHERE id = $4 AND number_seq IS NULL",
            )
            .bind(risk_number(year, seq))
            .bind(i64::from(year))
            .bind(seq)
            .bind(&id)
            .execute(&self.pool)
            .await?;
            next.insert((org, year), seq + 1);
        }
        Ok(rows.len() as u64)
    }
}
