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
