//! The audited write. Every change that matters to security runs in an
//! [`AuditedTx`]: it is opened with the audit event that describes the change,
//! and the only way to commit it appends that event to the hash chain in the
//! same transaction. Dropping it (an error, a refused check) rolls the change
//! back and records nothing. So invariant 4 of ARCHITECTURE.md holds by
//! construction rather than by care.

use sqlx::{Any, AnyConnection, Transaction};
use std::sync::Arc;
use zian_domain::OrgScope;

use zian_domain::audit::{AuditEntry, AuditEvent, AuditKey, entry_hash};

use crate::db::{Cols, Sql, i, s};
use crate::{Result, SqlStore, StoreError};

pub(crate) struct AuditedTx {
    tx: Transaction<'static, Any>,
    event: AuditEvent,
    now: i64,
    key: Option<Arc<AuditKey>>,
}

impl AuditedTx {
    /// Opens a write transaction for the change `event` describes. The first
    /// statement takes the audit head's row lock (PostgreSQL) or the database
    /// write lock (SQLite), so concurrent writers queue instead of
    /// deadlocking, and the chain stays linear.
    pub(crate) async fn begin(store: &SqlStore, event: AuditEvent, now: i64) -> Result<AuditedTx> {
        let mut tx = store.pool.begin().await?;
        sqlx::query("UPDATE audit_head SET seq = seq + 0 WHERE id = 1")
            .execute(&mut *tx)
            .await?;
        Ok(AuditedTx {
            tx,
            event,
            now,
            key: store.audit_key.clone(),
        })
    }

    /// Opens a write transaction on an organisation's records: fails with
    /// `NotFound` unless the organisation is inside `scope`. Returns the
    /// organisation's path too.
    pub(crate) async fn begin_in(
        store: &SqlStore,
        scope: &OrgScope,
        org_id: &str,
        event: AuditEvent,
        now: i64,
    ) -> Result<(AuditedTx, String)> {
        let mut tx = AuditedTx::begin(store, event, now).await?;
        let path = tx.org_path(scope, org_id).await?;
        Ok((tx, path))
    }

    /// The path of an organisation inside `scope` (`NotFound` otherwise).
    pub(crate) async fn org_path(&mut self, scope: &OrgScope, org_id: &str) -> Result<String> {
        let mut q = Sql::new("SELECT o.path FROM orgs o WHERE o.id = ");
        q.bind(org_id).push(" AND ").scope(scope, "o.path");
        match q.query().fetch_optional(&mut *self.tx).await? {
            Some(r) => s(&r, "path"),
            None => Err(StoreError::NotFound),
        }
    }

    /// Fails with `NotFound` unless `sql` finds a row (an ownership check:
    /// the system belongs to the organisation, the version exists…).
    pub(crate) async fn require(&mut self, sql: &Sql) -> Result<sqlx::any::AnyRow> {
        sql.query()
            .fetch_optional(&mut *self.tx)
            .await?
            .ok_or(StoreError::NotFound)
    }

    /// The connection, for reads inside the transaction.
    pub(crate) fn conn(&mut self) -> &mut AnyConnection {
        &mut self.tx
    }

    /// Runs a statement; returns the rows affected.
    pub(crate) async fn exec(&mut self, sql: &Sql) -> Result<u64> {
        sql.execute(&mut *self.tx).await
    }

    /// Runs a statement that must change exactly one row (`NotFound`
    /// otherwise: the row is gone or belongs to another organisation).
    pub(crate) async fn exec_one(&mut self, sql: &Sql) -> Result<()> {
        match self.exec(sql).await? {
            1 => Ok(()),
            _ => Err(StoreError::NotFound),
        }
    }

    /// Runs an INSERT; a unique-key violation is `Conflict(what)`.
    pub(crate) async fn insert(&mut self, sql: &Sql, what: &'static str) -> Result<()> {
        sql.query()
            .execute(&mut *self.tx)
            .await
            .map_err(|e| StoreError::from_db(e, what))?;
        Ok(())
    }

    /// Saves a record kept as a row of `table`: inserted when new
    /// (`previous` none; `insert` adds the columns only an insert sets),
    /// else the organisation's row `id` updated only if it still has the
    /// `updated_at` it was read with (`Conflict(what)` otherwise, as for a
    /// second insert of a unique key).
    pub(crate) async fn save_read(
        &mut self,
        table: &str,
        what: &'static str,
        cols: Cols,
        (id, org_id): (&str, &str),
        previous: Option<i64>,
        insert: impl FnOnce(Cols) -> Cols,
    ) -> Result<()> {
        match previous {
            None => self.insert(&insert(cols).insert(table), what).await,
            Some(at) => {
                let mut q = cols.update(table);
                q.push("id = ")
                    .bind(id)
                    .and(" AND org_id = ", org_id)
                    .and(" AND updated_at = ", at);
                if self.exec(&q).await? != 1 {
                    return Err(StoreError::Conflict(what));
                }
                Ok(())
            }
        }
    }

    /// Runs an UPDATE that may hit a unique key (`Conflict(what)`); the
    /// number of rows changed.
    pub(crate) async fn exec_unique(&mut self, sql: &Sql, what: &'static str) -> Result<u64> {
        Ok(sql
            .query()
            .execute(&mut *self.tx)
            .await
            .map_err(|e| StoreError::from_db(e, what))?
            .rows_affected())
    }

    /// The event to be appended (details can be completed once known).
    pub(crate) fn event(&mut self) -> &mut AuditEvent {
        &mut self.event
    }

    /// Appends another event to the chain inside this transaction, ahead of
    /// the transaction's own (a change that touches many records leaves an
    /// entry on each record's history).
    pub(crate) async fn also(&mut self, event: AuditEvent) -> Result<i64> {
        append(&mut self.tx, event, self.now, self.key.as_deref()).await
    }

    /// Appends the event to the audit chain and commits; returns the
    /// event's sequence number.
    pub(crate) async fn commit(mut self) -> Result<i64> {
        let seq = append(&mut self.tx, self.event, self.now, self.key.as_deref()).await?;
        self.tx.commit().await?;
        Ok(seq)
    }

    /// Appends the event and hands back the open transaction for writes
    /// that must name the event's sequence number (organisation history),
    /// then [`Appended::commit`].
    pub(crate) async fn append(mut self) -> Result<Appended> {
        let seq = append(&mut self.tx, self.event, self.now, self.key.as_deref()).await?;
        Ok(Appended { tx: self.tx, seq })
    }
}

/// A transaction whose audit entry is already appended.
pub(crate) struct Appended {
    tx: Transaction<'static, Any>,
    pub(crate) seq: i64,
}

impl Appended {
    pub(crate) async fn exec(&mut self, sql: &Sql) -> Result<u64> {
        sql.execute(&mut *self.tx).await
    }
    pub(crate) async fn commit(self) -> Result<i64> {
        self.tx.commit().await?;
        Ok(self.seq)
    }
}

/// Appends an event inside an open transaction; returns its sequence number.
async fn append(
    tx: &mut Transaction<'static, Any>,
    ev: AuditEvent,
    now: i64,
    key: Option<&AuditKey>,
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
        mac: None,
    };
    e.hash = entry_hash(&e);
    e.mac = key.map(|k| k.entry_mac(&e.hash));
    let head_mac = key.map(|k| k.head_mac(e.seq, &e.hash));
    Cols::new()
        .set("seq", e.seq)
        .set("at", e.at)
        .set("actor_user_id", e.actor_user_id)
        .set("actor_token_id", e.actor_token_id)
        .set("org_id", e.org_id)
        .set("action", e.action)
        .set("target", e.target)
        .set("details", e.details)
        .set("ip", e.ip)
        .set("prev_hash", e.prev_hash)
        .set("hash", e.hash.clone())
        .set("mac", e.mac)
        .insert("audit_log")
        .execute(&mut **tx)
        .await?;
    let mut h = Sql::new("UPDATE audit_head SET seq = ");
    h.bind(e.seq)
        .push(", hash = ")
        .bind(e.hash)
        .push(", mac = ")
        .bind(head_mac)
        .push(" WHERE id = 1");
    h.execute(&mut **tx).await?;
    Ok(e.seq)
}
