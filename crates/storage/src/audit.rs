//! The audit trail: appended inside the same transaction as the change it
//! records, chained by hash (see `zian_domain::audit`).

use sqlx::any::AnyRow;
use sqlx::{Any, Transaction};
use zian_domain::OrgScope;
use zian_domain::audit::{AuditEntry, AuditEvent, entry_hash};

use crate::db::{fetch_page, i, os, s, scope_sql};
use crate::{ListQuery, Page, Result, SqlStore};

/// Opens a write transaction. The first statement takes the audit head's
/// row lock (PostgreSQL) or the database write lock (SQLite), so concurrent
/// writers queue instead of deadlocking, and the chain stays linear.
pub(crate) async fn begin(store: &SqlStore) -> Result<Transaction<'static, Any>> {
    let mut tx = store.pool.begin().await?;
    sqlx::query("UPDATE audit_head SET seq = seq + 0 WHERE id = 1")
        .execute(&mut *tx)
        .await?;
    Ok(tx)
}

/// Appends an event inside an open transaction; returns its sequence number.
pub(crate) async fn append(
    tx: &mut Transaction<'static, Any>,
    ev: AuditEvent,
    now: i64,
) -> Result<i64> {
    let head = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1")
        .fetch_one(&mut **tx)
        .await?;
    let mut e = AuditEntry {
        seq: i(&head, "seq")? + 1,
        at: now,
        actor_user_id: ev.actor_user_id,
        actor_token_id: ev.actor_token_id,
        org_id: ev.org_id,
        action: ev.action,
        target: ev.target,
        details: ev.details.to_string(),
        ip: ev.ip,
        prev_hash: s(&head, "hash")?,
        hash: String::new(),
    };
    e.hash = entry_hash(&e);
    sqlx::query(
        "INSERT INTO audit_log (seq, at, actor_user_id, actor_token_id, org_id, action, target, details, ip, prev_hash, hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(e.seq)
    .bind(e.at)
    .bind(e.actor_user_id.clone())
    .bind(e.actor_token_id.clone())
    .bind(e.org_id.clone())
    .bind(e.action.clone())
    .bind(e.target.clone())
    .bind(e.details.clone())
    .bind(e.ip.clone())
    .bind(e.prev_hash.clone())
    .bind(e.hash.clone())
    .execute(&mut **tx)
    .await?;
    sqlx::query("UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1")
        .bind(e.seq)
        .bind(e.hash)
        .execute(&mut **tx)
        .await?;
    Ok(e.seq)
}

fn entry(row: &AnyRow) -> Result<AuditEntry> {
    Ok(AuditEntry {
        seq: i(row, "seq")?,
        at: i(row, "at")?,
        actor_user_id: os(row, "actor_user_id")?,
        actor_token_id: os(row, "actor_token_id")?,
        org_id: os(row, "org_id")?,
        action: s(row, "action")?,
        target: os(row, "target")?,
        details: s(row, "details")?,
        ip: os(row, "ip")?,
        prev_hash: s(row, "prev_hash")?,
        hash: s(row, "hash")?,
    })
}

const COLS: &str = "a.seq, a.at, a.actor_user_id, a.actor_token_id, a.org_id, a.action, a.target, a.details, a.ip, a.prev_hash, a.hash";

impl SqlStore {
    pub(crate) async fn append_audit_impl(&self, ev: AuditEvent, now: i64) -> Result<i64> {
        let mut tx = begin(self).await?;
        let seq = append(&mut tx, ev, now).await?;
        tx.commit().await?;
        Ok(seq)
    }

    /// Entries about organisations in scope, newest first. Filters: `action`
    /// (prefix), `actor` (user id).
    pub(crate) async fn list_audit_impl(
        &self,
        scope: &OrgScope,
        q: &ListQuery,
    ) -> Result<Page<AuditEntry>> {
        let (cond, mut binds) = scope_sql(scope, "o.path", 1);
        let mut where_ = format!("WHERE {cond}");
        if let Some(a) = q.filter_value("action") {
            binds.push(format!("{a}%"));
            where_.push_str(&format!(" AND a.action LIKE ${}", binds.len()));
        }
        if let Some(a) = q.filter_value("actor") {
            binds.push(a.to_string());
            where_.push_str(&format!(" AND a.actor_user_id = ${}", binds.len()));
        }
        let from = "FROM audit_log a JOIN orgs o ON o.id = a.org_id";
        let order = if q.desc || q.sort.is_none() {
            "DESC"
        } else {
            "ASC"
        };
        fetch_page(
            &self.pool,
            COLS,
            &format!("{from} {where_}"),
            &format!("a.seq {order}"),
            &binds,
            q,
            entry,
        )
        .await
    }

    pub(crate) async fn audit_chunk_impl(&self, after: i64, limit: i64) -> Result<Vec<AuditEntry>> {
        let sql = format!(
            "SELECT {COLS} FROM audit_log a WHERE a.seq > $1 ORDER BY a.seq ASC LIMIT {}",
            limit.clamp(1, 10_000)
        );
        let rows = sqlx::query(&sql).bind(after).fetch_all(&self.pool).await?;
        rows.iter().map(entry).collect()
    }

    pub(crate) async fn audit_head_impl(&self) -> Result<(i64, String)> {
        let r = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1")
            .fetch_one(&self.pool)
            .await?;
        Ok((i(&r, "seq")?, s(&r, "hash")?))
    }
}
