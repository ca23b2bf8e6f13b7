//! The durable job queue. Workers claim the oldest due job under a lease
//! (PostgreSQL: `FOR UPDATE SKIP LOCKED`, so two servers never claim the
//! same row; SQLite: one writer at a time does the same), renew the lease
//! while they work, and finish the job only while they still hold it. A
//! lease that expires (a worker killed) puts the job back in the queue.
//!
//! The queue operations are system work (the worker serves every
//! organisation); they take no scope and only the application's worker
//! calls them. Reading jobs and re-running one take an [`OrgScope`]: a job
//! of an organisation is in scope like any record of it, a job of no
//! organisation only in the system-wide scope.

use async_trait::async_trait;
use sqlx::any::AnyRow;
use zian_domain::audit::AuditEvent;
use zian_domain::jobs::{Job, JobRun, JobState, NewJob, after_failure, error_text};
use zian_domain::{ListQuery, OrgId, OrgScope, Page};

use crate::db::{Cols, Sql, fetch_page, i, oi, order_by, os, s, u};
use crate::tx::AuditedTx;
use crate::{Backend, Result, SqlStore, StoreError};

#[async_trait]
pub trait JobStore: Send + Sync {
    /// Enqueues a job under `id`; when its idempotency key is taken, the
    /// existing job's id instead. Returns the id and whether it is new.
    async fn enqueue(&self, id: &str, job: &NewJob, now: i64) -> Result<(String, bool)>;
    /// Claims the oldest due job for `worker` with a lease of `lease_secs`,
    /// counts the attempt and records its start.
    async fn claim(&self, worker: &str, now: i64, lease_secs: i64) -> Result<Option<Job>>;
    /// Extends the lease; false when the worker no longer holds the job.
    async fn renew(&self, id: &str, worker: &str, until: i64, now: i64) -> Result<bool>;
    /// Records progress (0–100 and a message) while the worker holds the job.
    async fn set_progress(
        &self,
        id: &str,
        worker: &str,
        percent: u8,
        message: Option<&str>,
        now: i64,
    ) -> Result<bool>;
    /// Marks the job done; false (and no change) when the worker no longer
    /// holds it.
    async fn succeed(&self, id: &str, worker: &str, now: i64) -> Result<bool>;
    /// Records a failed attempt: back in the queue after the backoff, or
    /// dead after the last attempt. Returns the new state, or `None` when
    /// the worker no longer holds the job.
    async fn fail(&self, id: &str, worker: &str, error: &str, now: i64)
    -> Result<Option<JobState>>;
    /// Puts back the running jobs whose lease expired before `now` (their
    /// worker died): queued again, or dead when they had no attempt left.
    /// Returns how many.
    async fn reclaim_expired(&self, now: i64) -> Result<u64>;
    async fn get(&self, scope: &OrgScope, id: &str) -> Result<Option<Job>>;
    /// A job's attempts in order.
    async fn runs(&self, scope: &OrgScope, id: &str) -> Result<Vec<JobRun>>;
    /// Jobs in scope; filters `state`, `kind`, `org`; search over the kind,
    /// id, last error and the organisation's code and names; sort `created` (default,
    /// newest first), `run_at`, `updated`.
    async fn list(&self, scope: &OrgScope, q: &ListQuery) -> Result<Page<Job>>;
    /// Queues a finished (succeeded or dead) job again with `more_attempts`
    /// further attempts, audited. `NotFound` outside scope or when the job
    /// is not finished any more.
    async fn rerun(
        &self,
        scope: &OrgScope,
        id: &str,
        more_attempts: u32,
        audit: AuditEvent,
        now: i64,
    ) -> Result<()>;
}

const COLS: &str = "j.id, j.kind, j.payload, j.state, j.idempotency_key, j.org_id, j.run_at, \
     j.attempts, j.max_attempts, j.last_error, j.progress, j.progress_message, j.locked_by, \
     j.locked_until, j.created_at, j.updated_at, j.finished_at";

const RETURNING: &str = "id, kind, payload, state, idempotency_key, org_id, run_at, attempts, \
     max_attempts, last_error, progress, progress_message, locked_by, locked_until, created_at, \
     updated_at, finished_at";

fn job_row(r: &AnyRow) -> Result<Job> {
    let state = s(r, "state")?;
    Ok(Job {
        id: s(r, "id")?,
        kind: s(r, "kind")?,
        payload: s(r, "payload")?,
        state: JobState::parse(&state)
            .ok_or_else(|| StoreError::Corrupt(format!("jobs.state: {state:?}")))?,
        idempotency_key: os(r, "idempotency_key")?,
        org_id: os(r, "org_id")?.map(OrgId::new),
        run_at: i(r, "run_at")?,
        attempts: u(r, "attempts")?,
        max_attempts: u(r, "max_attempts")?,
        last_error: os(r, "last_error")?,
        progress: u8::try_from(i(r, "progress")?.clamp(0, 100)).unwrap_or(0),
        progress_message: os(r, "progress_message")?,
        locked_by: os(r, "locked_by")?,
        locked_until: oi(r, "locked_until")?,
        created_at: i(r, "created_at")?,
        updated_at: i(r, "updated_at")?,
        finished_at: oi(r, "finished_at")?,
    })
}

fn run_row(r: &AnyRow) -> Result<JobRun> {
    Ok(JobRun {
        job_id: s(r, "job_id")?,
        attempt: u(r, "attempt")?,
        worker: s(r, "worker")?,
        started_at: i(r, "started_at")?,
        finished_at: oi(r, "finished_at")?,
        outcome: os(r, "outcome")?,
        error: os(r, "error")?,
    })
}

fn run_id(job: &str, attempt: u32) -> String {
    format!("{job}/{attempt:05}")
}

/// `FROM jobs j LEFT JOIN orgs o … WHERE <in scope>`.
fn in_scope(scope: &OrgScope) -> Sql {
    let mut w = Sql::new("FROM jobs j LEFT JOIN orgs o ON o.id = j.org_id WHERE ");
    if scope.is_system_wide() {
        w.push("1 = 1");
    } else {
        w.push("j.org_id IS NOT NULL AND ").scope(scope, "o.path");
    }
    w
}

#[async_trait]
impl JobStore for SqlStore {
    async fn enqueue(&self, id: &str, job: &NewJob, now: i64) -> Result<(String, bool)> {
        let ins = Cols::new()
            .set("id", id)
            .set("kind", job.kind.as_str())
            .set("payload", job.payload.as_str())
            .set("state", JobState::Queued.as_str())
            .set("idempotency_key", job.idempotency_key.clone())
            .set("org_id", job.org_id.as_ref())
            .set("run_at", job.run_at)
            .set("attempts", 0_i64)
            .set("max_attempts", job.max_attempts)
            .set("progress", 0_i64)
            .set("created_at", now)
            .set("updated_at", now)
            .insert("jobs");
        match ins.query().execute(&self.pool).await {
            Ok(_) => Ok((id.to_string(), true)),
            Err(e) => match (StoreError::from_db(e, "job"), &job.idempotency_key) {
                (StoreError::Conflict(_), Some(key)) => {
                    let mut q = Sql::new("SELECT id FROM jobs WHERE idempotency_key = ");
                    q.bind(key.as_str());
                    let r = q.fetch_one(&self.pool).await?;
                    Ok((s(&r, "id")?, false))
                }
                (e, _) => Err(e),
            },
        }
    }

    async fn claim(&self, worker: &str, now: i64, lease_secs: i64) -> Result<Option<Job>> {
        let mut tx = self.pool.begin().await?;
        let mut q = Sql::new("UPDATE jobs SET state = 'running', locked_by = ");
        q.bind(worker)
            .push(", locked_until = ")
            .bind(now + lease_secs)
            .push(", attempts = attempts + 1, updated_at = ")
            .bind(now)
            .push(
                " WHERE id = (SELECT id FROM jobs WHERE state IN ('queued', 'failed') AND run_at <= ",
            )
            .bind(now)
            .push(" ORDER BY run_at, id LIMIT 1");
        if self.backend == Backend::Postgres {
            q.push(" FOR UPDATE SKIP LOCKED");
        }
        // the state is checked again: on PostgreSQL a row another worker
        // updated meanwhile is re-read, and no longer queued
        q.push(") AND state IN ('queued', 'failed') RETURNING ")
            .push(RETURNING);
        let Some(job) = q.fetch_optional(&mut *tx, job_row).await? else {
            return Ok(None);
        };
        Cols::new()
            .set("id", run_id(&job.id, job.attempts))
            .set("job_id", job.id.as_str())
            .set("attempt", job.attempts)
            .set("worker", worker)
            .set("started_at", now)
            .insert("job_runs")
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(Some(job))
    }

    async fn renew(&self, id: &str, worker: &str, until: i64, now: i64) -> Result<bool> {
        let mut q = Cols::new()
            .set("locked_until", until)
            .set("updated_at", now)
            .update("jobs");
        q.and("id = ", id)
            .and(" AND locked_by = ", worker)
            .push(" AND state = 'running'");
        Ok(q.execute(&self.pool).await? == 1)
    }

    async fn set_progress(
        &self,
        id: &str,
        worker: &str,
        percent: u8,
        message: Option<&str>,
        now: i64,
    ) -> Result<bool> {
        let mut q = Cols::new()
            .set("progress", i64::from(percent.min(100)))
            .set("progress_message", message.map(error_text))
            .set("updated_at", now)
            .update("jobs");
        q.and("id = ", id)
            .and(" AND locked_by = ", worker)
            .push(" AND state = 'running'");
        Ok(q.execute(&self.pool).await? == 1)
    }

    async fn succeed(&self, id: &str, worker: &str, now: i64) -> Result<bool> {
        let mut tx = self.pool.begin().await?;
        let mut q = Sql::new(
            "UPDATE jobs SET state = 'succeeded', progress = 100, locked_by = NULL, \
             locked_until = NULL, last_error = NULL, finished_at = ",
        );
        q.bind(now)
            .and(", updated_at = ", now)
            .and(" WHERE id = ", id)
            .and(" AND locked_by = ", worker)
            .push(" AND state = 'running' RETURNING attempts");
        let Some(r) = q.query().fetch_optional(&mut *tx).await? else {
            return Ok(false);
        };
        let attempt = u(&r, "attempts")?;
        let mut run = Sql::new("UPDATE job_runs SET outcome = 'succeeded', finished_at = ");
        run.bind(now).and(" WHERE id = ", run_id(id, attempt));
        run.execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn fail(
        &self,
        id: &str,
        worker: &str,
        error: &str,
        now: i64,
    ) -> Result<Option<JobState>> {
        let error = error_text(error);
        let mut tx = self.pool.begin().await?;
        // a write first: it takes the row lock (PostgreSQL) or the write
        // lock (SQLite) before the attempts are read
        let mut q = Sql::new("UPDATE jobs SET updated_at = ");
        q.bind(now)
            .and(" WHERE id = ", id)
            .and(" AND locked_by = ", worker)
            .push(" AND state = 'running' RETURNING attempts, max_attempts");
        let Some(r) = q.query().fetch_optional(&mut *tx).await? else {
            return Ok(None);
        };
        let (attempts, max) = (u(&r, "attempts")?, u(&r, "max_attempts")?);
        let (state, run_at) = after_failure(attempts, max, now);
        let mut up = Cols::new()
            .set("state", state.as_str())
            .set("run_at", run_at)
            .set("last_error", error.as_str())
            .set("locked_by", Option::<String>::None)
            .set("locked_until", Option::<i64>::None)
            .set("updated_at", now)
            .set("finished_at", (state == JobState::Dead).then_some(now))
            .update("jobs");
        up.and("id = ", id).and(" AND locked_by = ", worker);
        up.execute(&mut *tx).await?;
        let mut run = Sql::new("UPDATE job_runs SET outcome = 'failed', finished_at = ");
        run.bind(now)
            .and(", error = ", error.as_str())
            .and(" WHERE id = ", run_id(id, attempts));
        run.execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(Some(state))
    }

    async fn reclaim_expired(&self, now: i64) -> Result<u64> {
        let mut q = Sql::new(
            "SELECT id, attempts, max_attempts, locked_by FROM jobs WHERE state = 'running' AND locked_until < ",
        );
        q.bind(now).push(" ORDER BY id LIMIT 100");
        let rows = q.query().fetch_all(&self.pool).await?;
        let mut n = 0;
        for r in rows {
            let (id, attempts, max) = (s(&r, "id")?, u(&r, "attempts")?, u(&r, "max_attempts")?);
            let holder = os(&r, "locked_by")?.unwrap_or_default();
            let error = format!("worker {holder} stopped before finishing (lease expired)");
            let state = if attempts >= max {
                JobState::Dead
            } else {
                JobState::Queued
            };
            let mut tx = self.pool.begin().await?;
            let mut up = Cols::new()
                .set("state", state.as_str())
                .set("run_at", now)
                .set("last_error", error.as_str())
                .set("locked_by", Option::<String>::None)
                .set("locked_until", Option::<i64>::None)
                .set("updated_at", now)
                .set("finished_at", (state == JobState::Dead).then_some(now))
                .update("jobs");
            // conditional on the lease seen: a job renewed or finished
            // meanwhile stays as it is
            up.and("id = ", id.as_str())
                .and(" AND locked_by = ", holder.as_str())
                .and(" AND state = 'running' AND locked_until < ", now);
            if up.execute(&mut *tx).await? == 1 {
                let mut run = Sql::new("UPDATE job_runs SET outcome = 'lost', finished_at = ");
                run.bind(now)
                    .and(", error = ", error.as_str())
                    .and(" WHERE id = ", run_id(&id, attempts))
                    .push(" AND outcome IS NULL");
                run.execute(&mut *tx).await?;
                n += 1;
            }
            tx.commit().await?;
        }
        Ok(n)
    }

    async fn get(&self, scope: &OrgScope, id: &str) -> Result<Option<Job>> {
        let mut q = in_scope(scope);
        q.and(" AND j.id = ", id)
            .prepend(&format!("SELECT {COLS} "));
        q.fetch_optional(&self.pool, job_row).await
    }

    async fn runs(&self, scope: &OrgScope, id: &str) -> Result<Vec<JobRun>> {
        if self.get(scope, id).await?.is_none() {
            return Err(StoreError::NotFound);
        }
        let mut q = Sql::new(
            "SELECT job_id, attempt, worker, started_at, finished_at, outcome, error FROM job_runs WHERE job_id = ",
        );
        q.bind(id).push(" ORDER BY attempt");
        q.fetch_all(&self.pool, run_row).await
    }

    async fn list(&self, scope: &OrgScope, q: &ListQuery) -> Result<Page<Job>> {
        let mut w = in_scope(scope);
        if let Some(v) = q.filter_value("state") {
            w.and(" AND j.state = ", v);
        }
        if let Some(v) = q.filter_value("kind") {
            w.and(" AND j.kind = ", v);
        }
        if let Some(v) = q.filter_value("org") {
            w.and(" AND j.org_id = ", v);
        }
        if let Some(t) = q.text() {
            w.search(
                &[
                    "j.kind",
                    "j.id",
                    "j.last_error",
                    "o.code",
                    "o.name_zh",
                    "o.name_en",
                ],
                t,
            );
        }
        let mut q = q.clone();
        if q.sort.is_none() {
            q.desc = true;
        }
        let order = order_by(
            &q,
            &[
                ("created", "j.created_at"),
                ("run_at", "j.run_at"),
                ("updated", "j.updated_at"),
            ],
            "j.id",
        );
        fetch_page(&self.pool, COLS, &w, &order, &q, job_row).await
    }

    async fn rerun(
        &self,
        scope: &OrgScope,
        id: &str,
        more_attempts: u32,
        audit: AuditEvent,
        now: i64,
    ) -> Result<()> {
        let mut tx = AuditedTx::begin(self, audit, now).await?;
        let mut find = in_scope(scope);
        find.and(" AND j.id = ", id)
            .prepend("SELECT j.org_id, j.attempts ");
        let r = tx.require(&find).await?;
        if let Some(org) = os(&r, "org_id")? {
            tx.org_path(scope, &org).await?;
        }
        let attempts = u(&r, "attempts")?;
        let mut up = Cols::new()
            .set("state", JobState::Queued.as_str())
            .set("run_at", now)
            .set(
                "max_attempts",
                attempts.saturating_add(more_attempts.max(1)),
            )
            .set("progress", 0_i64)
            .set("progress_message", Option::<String>::None)
            .set("finished_at", Option::<i64>::None)
            .set("updated_at", now)
            .update("jobs");
        up.and("id = ", id)
            .push(" AND state IN ('succeeded', 'dead')");
        tx.exec_one(&up).await?;
        tx.commit().await?;
        Ok(())
    }
}
