//! The risk register (NICS method): scoped reads, audited writes.

use serde::Serialize;
use sqlx::any::AnyRow;
use zian_domain::OrgScope;
use zian_domain::audit::AuditEvent;

use crate::audit::{append, begin};
use crate::compliance::org_in_scope;
use crate::db::{i, oi, os, s, scope_sql};
use crate::{Result, SqlStore, StoreError};

/// One risk of the register. Values are computed by the application
/// (`zian_rules::risk`) and stored so that the register can be filtered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RiskRow {
    pub id: String,
    pub org_id: String,
    pub system_id: Option<String>,
    pub asset: String,
    pub threat: String,
    pub weakness: String,
    pub asset_value: i64,
    pub likelihood: i64,
    pub vulnerability: i64,
    pub risk_value: i64,
    pub threshold: i64,
    /// `accept`, `mitigate`, `transfer` or `avoid`.
    pub treatment: String,
    pub owner: String,
    pub due_on: Option<String>,
    pub residual_likelihood: Option<i64>,
    pub residual_vulnerability: Option<i64>,
    pub residual_value: Option<i64>,
    /// `open`, `treating` or `closed`.
    pub status: String,
    pub created_by: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// Filters of the register.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RiskFilter {
    pub org_id: Option<String>,
    pub system_id: Option<String>,
    pub treatment: Option<String>,
    pub status: Option<String>,
    /// Only risks above their acceptance threshold.
    pub above_threshold: bool,
    pub min_value: Option<i64>,
}

const COLS: &str = "r.id, r.org_id, r.system_id, r.asset, r.threat, r.weakness, r.asset_value, r.likelihood, r.vulnerability, r.risk_value, r.threshold, r.treatment, r.owner, r.due_on, r.residual_likelihood, r.residual_vulnerability, r.residual_value, r.status, r.created_by, r.created_at, r.updated_at";

fn risk(r: &AnyRow) -> Result<RiskRow> {
    Ok(RiskRow {
        id: s(r, "id")?,
        org_id: s(r, "org_id")?,
        system_id: os(r, "system_id")?,
        asset: s(r, "asset")?,
        threat: s(r, "threat")?,
        weakness: s(r, "weakness")?,
        asset_value: i(r, "asset_value")?,
        likelihood: i(r, "likelihood")?,
        vulnerability: i(r, "vulnerability")?,
        risk_value: i(r, "risk_value")?,
        threshold: i(r, "threshold")?,
        treatment: s(r, "treatment")?,
        owner: s(r, "owner")?,
        due_on: os(r, "due_on")?,
        residual_likelihood: oi(r, "residual_likelihood")?,
        residual_vulnerability: oi(r, "residual_vulnerability")?,
        residual_value: oi(r, "residual_value")?,
        status: s(r, "status")?,
        created_by: os(r, "created_by")?,
        created_at: i(r, "created_at")?,
        updated_at: i(r, "updated_at")?,
    })
}

impl SqlStore {
    pub(crate) async fn insert_risk_impl(
        &self,
        scope: &OrgScope,
        x: &RiskRow,
        audit: AuditEvent,
    ) -> Result<()> {
        let mut tx = begin(self).await?;
        org_in_scope(&mut tx, scope, &x.org_id).await?;
        if let Some(sys) = &x.system_id {
            let owned = sqlx::query("SELECT id FROM info_systems WHERE id = $1 AND org_id = $2")
                .bind(sys.clone())
                .bind(x.org_id.clone())
                .fetch_optional(&mut *tx)
                .await?;
            if owned.is_none() {
                return Err(StoreError::NotFound);
            }
        }
        sqlx::query(
            "INSERT INTO risks (id, org_id, system_id, asset, threat, weakness, asset_value, likelihood, vulnerability, risk_value, threshold, treatment, owner, due_on, residual_likelihood, residual_vulnerability, residual_value, status, created_by, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)",
        )
        .bind(x.id.clone())
        .bind(x.org_id.clone())
        .bind(x.system_id.clone())
        .bind(x.asset.clone())
        .bind(x.threat.clone())
        .bind(x.weakness.clone())
        .bind(x.asset_value)
        .bind(x.likelihood)
        .bind(x.vulnerability)
        .bind(x.risk_value)
        .bind(x.threshold)
        .bind(x.treatment.clone())
        .bind(x.owner.clone())
        .bind(x.due_on.clone())
        .bind(x.residual_likelihood)
        .bind(x.residual_vulnerability)
        .bind(x.residual_value)
        .bind(x.status.clone())
        .bind(x.created_by.clone())
        .bind(x.created_at)
        .bind(x.updated_at)
        .execute(&mut *tx)
        .await?;
        append(&mut tx, audit, x.created_at).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Risks in scope matching the filter, highest risk first.
    pub(crate) async fn list_risks_impl(
        &self,
        scope: &OrgScope,
        f: &RiskFilter,
    ) -> Result<Vec<RiskRow>> {
        let (cond, mut binds) = scope_sql(scope, "o.path", 1);
        let mut w = format!("WHERE {cond}");
        for (v, col) in [
            (&f.org_id, "r.org_id"),
            (&f.system_id, "r.system_id"),
            (&f.treatment, "r.treatment"),
            (&f.status, "r.status"),
        ] {
            if let Some(v) = v {
                binds.push(v.clone());
                w.push_str(&format!(" AND {col} = ${}", binds.len()));
            }
        }
        if f.above_threshold {
            w.push_str(" AND r.risk_value > r.threshold");
        }
        if let Some(m) = f.min_value {
            // an integer, formatted by us: no injection possible
            w.push_str(&format!(" AND r.risk_value >= {m}"));
        }
        let sql = format!(
            "SELECT {COLS} FROM risks r JOIN orgs o ON o.id = r.org_id {w} ORDER BY r.risk_value DESC, r.created_at, r.id LIMIT 5000"
        );
        let mut q = sqlx::query(&sql);
        for b in binds {
            q = q.bind(b);
        }
        q.fetch_all(&self.pool).await?.iter().map(risk).collect()
    }
}

/// An organisation's own risk settings (see `migrations/0004`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RiskSettingsRow {
    pub org_id: String,
    /// Path of `org_id` (filled on read; ignored on write).
    pub org_path: String,
    pub asset_value_max: i64,
    pub likelihood_max: i64,
    pub vulnerability_max: i64,
    pub threshold: i64,
    /// JSON object: factor key → `{"zh": [...], "en": [...]}`.
    pub labels: String,
    pub updated_by: Option<String>,
    pub updated_at: i64,
}

fn settings(r: &AnyRow) -> Result<RiskSettingsRow> {
    Ok(RiskSettingsRow {
        org_id: s(r, "org_id")?,
        org_path: s(r, "org_path")?,
        asset_value_max: i(r, "asset_value_max")?,
        likelihood_max: i(r, "likelihood_max")?,
        vulnerability_max: i(r, "vulnerability_max")?,
        threshold: i(r, "threshold")?,
        labels: s(r, "labels")?,
        updated_by: os(r, "updated_by")?,
        updated_at: i(r, "updated_at")?,
    })
}

impl SqlStore {
    /// The settings rows that apply to an organisation in scope: its own and
    /// its ancestors', nearest first (an organisation inherits its nearest
    /// ancestor's settings, so a caller reads them for organisations in
    /// scope even when the ancestor is not).
    pub(crate) async fn risk_settings_chain_impl(
        &self,
        scope: &OrgScope,
        org_id: &str,
    ) -> Result<Vec<RiskSettingsRow>> {
        let (cond, sbinds) = scope_sql(scope, "o.path", 2);
        let sql = format!(
            "SELECT t.org_id, a.path AS org_path, t.asset_value_max, t.likelihood_max, t.vulnerability_max, t.threshold, t.labels, t.updated_by, t.updated_at
             FROM risk_settings t JOIN orgs a ON a.id = t.org_id
             WHERE EXISTS (SELECT 1 FROM orgs o WHERE o.id = $1 AND o.path LIKE a.path || '%' AND {cond})
             ORDER BY LENGTH(a.path) DESC"
        );
        let mut q = sqlx::query(&sql).bind(org_id.to_string());
        for b in sbinds {
            q = q.bind(b);
        }
        q.fetch_all(&self.pool)
            .await?
            .iter()
            .map(settings)
            .collect()
    }

    /// Writes an organisation's own settings unless a risk that would follow
    /// them is rated above the new scale: the organisation's risks and those
    /// of descendants that have no settings of their own nearer to them.
    /// Returns those risks; when there are any, nothing is written and no
    /// audit entry is appended.
    pub(crate) async fn put_risk_settings_impl(
        &self,
        scope: &OrgScope,
        x: &RiskSettingsRow,
        audit: AuditEvent,
    ) -> Result<Vec<RiskRow>> {
        let mut tx = begin(self).await?;
        org_in_scope(&mut tx, scope, &x.org_id).await?;
        let path: String = {
            let r = sqlx::query("SELECT path FROM orgs WHERE id = $1")
                .bind(x.org_id.clone())
                .fetch_one(&mut *tx)
                .await?;
            s(&r, "path")?
        };
        let (cond, sbinds) = scope_sql(scope, "o.path", 6);
        let sql = format!(
            "SELECT {COLS} FROM risks r JOIN orgs o ON o.id = r.org_id
             WHERE o.path LIKE $1 AND {cond}
               AND NOT EXISTS (SELECT 1 FROM risk_settings t JOIN orgs so ON so.id = t.org_id
                   WHERE so.id <> $2 AND so.path LIKE $1 AND o.path LIKE so.path || '%')
               AND (r.asset_value > $3 OR r.likelihood > $4 OR r.vulnerability > $5
                    OR COALESCE(r.residual_likelihood, 0) > $4 OR COALESCE(r.residual_vulnerability, 0) > $5)
             ORDER BY o.path, r.created_at, r.id"
        );
        let mut q = sqlx::query(&sql)
            .bind(format!("{path}%"))
            .bind(x.org_id.clone())
            .bind(x.asset_value_max)
            .bind(x.likelihood_max)
            .bind(x.vulnerability_max);
        for b in sbinds {
            q = q.bind(b);
        }
        let over: Vec<RiskRow> = q
            .fetch_all(&mut *tx)
            .await?
            .iter()
            .map(risk)
            .collect::<Result<_>>()?;
        if !over.is_empty() {
            tx.rollback().await?;
            return Ok(over);
        }
        sqlx::query(
            "INSERT INTO risk_settings (org_id, asset_value_max, likelihood_max, vulnerability_max, threshold, labels, updated_by, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
             ON CONFLICT (org_id) DO UPDATE SET asset_value_max = excluded.asset_value_max,
               likelihood_max = excluded.likelihood_max, vulnerability_max = excluded.vulnerability_max,
               threshold = excluded.threshold, labels = excluded.labels,
               updated_by = excluded.updated_by, updated_at = excluded.updated_at",
        )
        .bind(x.org_id.clone())
        .bind(x.asset_value_max)
        .bind(x.likelihood_max)
        .bind(x.vulnerability_max)
        .bind(x.threshold)
        .bind(x.labels.clone())
        .bind(x.updated_by.clone())
        .bind(x.updated_at)
        .execute(&mut *tx)
        .await?;
        append(&mut tx, audit, x.updated_at).await?;
        tx.commit().await?;
        Ok(Vec::new())
    }

    /// A risk in scope.
    pub(crate) async fn get_risk_impl(
        &self,
        scope: &OrgScope,
        id: &str,
    ) -> Result<Option<RiskRow>> {
        let (cond, sbinds) = scope_sql(scope, "o.path", 2);
        let sql = format!(
            "SELECT {COLS} FROM risks r JOIN orgs o ON o.id = r.org_id WHERE r.id = $1 AND {cond}"
        );
        let mut q = sqlx::query(&sql).bind(id.to_string());
        for b in sbinds {
            q = q.bind(b);
        }
        q.fetch_optional(&self.pool)
            .await?
            .as_ref()
            .map(risk)
            .transpose()
    }

    /// Replaces the editable fields of a risk of an organisation in scope
    /// (the organisation, creator and creation time stay).
    pub(crate) async fn update_risk_impl(
        &self,
        scope: &OrgScope,
        x: &RiskRow,
        audit: AuditEvent,
    ) -> Result<()> {
        let mut tx = begin(self).await?;
        org_in_scope(&mut tx, scope, &x.org_id).await?;
        if let Some(sys) = &x.system_id {
            let owned = sqlx::query("SELECT id FROM info_systems WHERE id = $1 AND org_id = $2")
                .bind(sys.clone())
                .bind(x.org_id.clone())
                .fetch_optional(&mut *tx)
                .await?;
            if owned.is_none() {
                return Err(StoreError::NotFound);
            }
        }
        let n = sqlx::query(
            "UPDATE risks SET system_id = $1, asset = $2, threat = $3, weakness = $4, asset_value = $5, likelihood = $6,
               vulnerability = $7, risk_value = $8, threshold = $9, treatment = $10, owner = $11, due_on = $12,
               residual_likelihood = $13, residual_vulnerability = $14, residual_value = $15, status = $16, updated_at = $17
             WHERE id = $18 AND org_id = $19",
        )
        .bind(x.system_id.clone())
        .bind(x.asset.clone())
        .bind(x.threat.clone())
        .bind(x.weakness.clone())
        .bind(x.asset_value)
        .bind(x.likelihood)
        .bind(x.vulnerability)
        .bind(x.risk_value)
        .bind(x.threshold)
        .bind(x.treatment.clone())
        .bind(x.owner.clone())
        .bind(x.due_on.clone())
        .bind(x.residual_likelihood)
        .bind(x.residual_vulnerability)
        .bind(x.residual_value)
        .bind(x.status.clone())
        .bind(x.updated_at)
        .bind(x.id.clone())
        .bind(x.org_id.clone())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n != 1 {
            return Err(StoreError::NotFound);
        }
        append(&mut tx, audit, x.updated_at).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Deletes a risk of an organisation in scope.
    pub(crate) async fn delete_risk_impl(
        &self,
        scope: &OrgScope,
        org_id: &str,
        id: &str,
        now: i64,
        audit: AuditEvent,
    ) -> Result<()> {
        let mut tx = begin(self).await?;
        org_in_scope(&mut tx, scope, org_id).await?;
        let n = sqlx::query("DELETE FROM risks WHERE id = $1 AND org_id = $2")
            .bind(id.to_string())
            .bind(org_id.to_string())
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if n != 1 {
            return Err(StoreError::NotFound);
        }
        append(&mut tx, audit, now).await?;
        tx.commit().await?;
        Ok(())
    }
}
