//! The audit trail: entries appended by [`crate::tx::AuditedTx`] in the same
//! transaction as the change they record, chained by hash (see
//! `zian_domain::audit`), read in scope, and read whole only with the
//! system-wide scope for verification.

use async_trait::async_trait;
use sqlx::any::AnyRow;
use zian_domain::audit::{AuditEntry, AuditEvent, AuditHead, AuditRow, ChainVerifier};
use zian_domain::{ListQuery, OrgScope, Page};

use crate::db::{Sql, fetch_page, i, oi, os, s};
use crate::tx::AuditedTx;
use crate::{Result, SqlStore, StoreError};

#[async_trait]
pub trait AuditStore: Send + Sync {
    /// Appends an event that changes nothing else (a login, an export).
    async fn append(&self, event: AuditEvent, now: i64) -> Result<i64>;
    /// Entries about organisations in scope, newest first, with the actor's
    /// name and the organisation's names. Filters: `action` (prefix),
    /// `actor` (user id), `target` (the record's id: its change history),
    /// `org` (organisation id), `from_at` and `to_at` (unix seconds, from inclusive, to
    /// exclusive).
    async fn list(&self, scope: &OrgScope, q: &ListQuery) -> Result<Page<AuditRow>>;
    /// Up to `limit` entries after `after_seq`, in order — the whole chain,
    /// so only with [`OrgScope::system_wide`] (`NotFound` otherwise).
    async fn chain(&self, scope: &OrgScope, after_seq: i64, limit: i64) -> Result<Vec<AuditEntry>>;
    /// The chain's head (sequence number, hash, MAC), system-wide only.
    async fn head(&self, scope: &OrgScope) -> Result<AuditHead>;
    /// Signs the entries written before the store had its audit key (and
    /// the head), after checking that their hash chain is intact, and records
    /// that it did. System-wide only; `Ok(None)` when there was nothing to
    /// sign, `Err(Conflict("audit_chain_broken"))` when the chain is broken.
    async fn anchor(
        &self,
        scope: &OrgScope,
        event: AuditEvent,
        now: i64,
    ) -> Result<Option<(i64, i64)>>;
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
        mac: os(row, "mac")?,
    })
}

fn row(r: &AnyRow) -> Result<AuditRow> {
    Ok(AuditRow {
        entry: entry(r)?,
        actor_name: os(r, "actor_name")?,
        org_name_zh: os(r, "org_name_zh")?,
        org_name_en: os(r, "org_name_en")?,
    })
}

/// The columns of a listed row: the entry, then the names.
const ROW_COLS: &str = "a.seq, a.at, a.actor_user_id, a.actor_token_id, a.org_id, a.action, a.target, a.details, a.ip, a.prev_hash, a.hash, a.mac, u.display_name AS actor_name, o.name_zh AS org_name_zh, o.name_en AS org_name_en";

const COLS: &str = "a.seq, a.at, a.actor_user_id, a.actor_token_id, a.org_id, a.action, a.target, a.details, a.ip, a.prev_hash, a.hash, a.mac";

fn whole_chain(scope: &OrgScope) -> Result<()> {
    if scope.is_system_wide() {
        Ok(())
    } else {
        Err(StoreError::NotFound)
    }
}

#[async_trait]
impl AuditStore for SqlStore {
    async fn append(&self, event: AuditEvent, now: i64) -> Result<i64> {
        AuditedTx::begin(self, event, now).await?.commit().await
    }

    async fn list(&self, scope: &OrgScope, q: &ListQuery) -> Result<Page<AuditRow>> {
        let mut w = Sql::new(
            "FROM audit_log a JOIN orgs o ON o.id = a.org_id LEFT JOIN users u ON u.id = a.actor_user_id WHERE ",
        );
        w.scope(scope, "o.path");
        if let Some(a) = q.filter_value("action") {
            w.and(" AND a.action LIKE ", format!("{a}%"));
        }
        if let Some(a) = q.filter_value("actor") {
            w.and(" AND a.actor_user_id = ", a);
        }
        if let Some(t) = q.filter_value("target") {
            w.and(" AND a.target = ", t);
        }
        if let Some(o) = q.filter_value("org") {
            w.and(" AND a.org_id = ", o);
        }
        let at = |k: &str| -> Result<Option<i64>> {
            q.filter_value(k)
                .map(|v| {
                    v.parse::<i64>()
                        .map_err(|_| StoreError::Corrupt(format!("{k}: not a time")))
                })
                .transpose()
        };
        if let Some(t) = at("from_at")? {
            w.and(" AND a.at >= ", t);
        }
        if let Some(t) = at("to_at")? {
            w.and(" AND a.at < ", t);
        }
        let order = if q.desc || q.sort.is_none() {
            "a.seq DESC"
        } else {
            "a.seq ASC"
        };
        fetch_page(&self.pool, ROW_COLS, &w, order, q, row).await
    }

    async fn chain(&self, scope: &OrgScope, after: i64, limit: i64) -> Result<Vec<AuditEntry>> {
        whole_chain(scope)?;
        let mut q = Sql::new(format!("SELECT {COLS} FROM audit_log a WHERE a.seq > "));
        q.bind(after).push(&format!(
            " ORDER BY a.seq ASC LIMIT {}",
            limit.clamp(1, 10_000)
        ));
        q.fetch_all(&self.pool, entry).await
    }

    async fn head(&self, scope: &OrgScope) -> Result<AuditHead> {
        whole_chain(scope)?;
        let r = Sql::new("SELECT seq, hash, mac FROM audit_head WHERE id = 1")
            .fetch_one(&self.pool)
            .await?;
        Ok(AuditHead {
            seq: i(&r, "seq")?,
            hash: s(&r, "hash")?,
            mac: os(&r, "mac")?,
        })
    }

    async fn anchor(
        &self,
        scope: &OrgScope,
        event: AuditEvent,
        now: i64,
    ) -> Result<Option<(i64, i64)>> {
        whole_chain(scope)?;
        let Some(key) = self.audit_key.clone() else {
            return Ok(None);
        };
        let mut tx = AuditedTx::begin(self, event, now).await?;
        let unsigned =
            Sql::new("SELECT MIN(seq) AS lo, MAX(seq) AS hi FROM audit_log WHERE mac IS NULL")
                .fetch_one(tx.conn())
                .await?;
        let (Some(lo), Some(hi)) = (oi(&unsigned, "lo")?, oi(&unsigned, "hi")?) else {
            return Ok(None);
        };
        // the hash chain must be intact up to the last unsigned entry: a key
        // must not bless a chain someone has already rewritten
        let mut v = ChainVerifier::default();
        let mut after = 0;
        while after < hi {
            let mut q = Sql::new(format!("SELECT {COLS} FROM audit_log a WHERE a.seq > "));
            q.bind(after).push(" ORDER BY a.seq ASC LIMIT 2000");
            let chunk = q.fetch_all(tx.conn(), entry).await?;
            if chunk.is_empty() {
                break;
            }
            for e in &chunk {
                if v.push(e).is_err() {
                    return Err(StoreError::Conflict("audit_chain_broken"));
                }
                if e.mac.is_none() {
                    let mut u = Sql::new("UPDATE audit_log SET mac = ");
                    u.bind(key.entry_mac(&e.hash))
                        .push(" WHERE seq = ")
                        .bind(e.seq);
                    tx.exec(&u).await?;
                }
                after = e.seq;
            }
        }
        tx.event().details = serde_json::json!({"from_seq": lo, "to_seq": hi});
        tx.commit().await?;
        Ok(Some((lo, hi)))
    }
}
