//! Background jobs: the worker that runs the durable queue
//! (`zian_storage::JobStore`), the handlers it knows (kind → handler), the
//! schedules that enqueue work at cron-like times in Asia/Taipei, and what
//! administrators see and do (the list, one job's attempts, re-run).
//!
//! Delivery is at least once: a worker killed mid-job leaves a lease that
//! expires, and the job runs again elsewhere. A job *finishes* once: only the
//! worker holding the lease may mark it done, so handlers make their effect
//! idempotent (a `mail.send` job sends nothing for a message already sent).

use std::collections::HashMap;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use zian_domain::jobs::{Job, JobRun, JobState, NewJob};
use zian_domain::{ListQuery, OrgScope, Page, Permission, Principal};
use zian_i18n::msg;

use crate::{App, AppError, Result};

/// `[jobs]` in the configuration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct JobsConfig {
    /// Whether `zian serve` runs a worker (`zian worker` always does).
    pub enabled: bool,
    /// Seconds between two looks at an empty queue.
    pub poll_secs: u64,
    /// Seconds a claimed job stays with its worker without a renewal; a
    /// worker renews every third of it while the job runs.
    pub lease_secs: i64,
    /// Attempts before a job is dead (also what a re-run grants).
    pub max_attempts: u32,
    /// Jobs enqueued at cron-like times (Asia/Taipei).
    pub schedules: Vec<ScheduleConfig>,
}

/// One scheduled job: `cron` is a five-field pattern (minute hour
/// day-of-month month day-of-week) read in Asia/Taipei (UTC+8; Taiwan has
/// no daylight saving).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScheduleConfig {
    pub name: String,
    pub cron: String,
    pub kind: String,
    /// The job's input (JSON); default `{}`.
    #[serde(default)]
    pub payload: Option<serde_json::Value>,
}

impl Default for JobsConfig {
    fn default() -> Self {
        JobsConfig {
            enabled: true,
            poll_secs: 5,
            lease_secs: 300,
            max_attempts: 5,
            schedules: vec![
                ScheduleConfig {
                    name: "reminders.daily".into(),
                    cron: "0 7 * * *".into(),
                    kind: KIND_REMINDERS.into(),
                    payload: None,
                },
                ScheduleConfig {
                    name: "inbox.digest".into(),
                    cron: "30 7 * * *".into(),
                    kind: crate::inbox::KIND_DIGEST.into(),
                    payload: None,
                },
                ScheduleConfig {
                    name: "directory.sync".into(),
                    cron: "15 2 * * *".into(),
                    kind: crate::directory::KIND_SYNC.into(),
                    payload: None,
                },
                ScheduleConfig {
                    name: "feeds.sync".into(),
                    cron: "30 6 * * *".into(),
                    kind: crate::feeds_sync::KIND_SYNC.into(),
                    payload: None,
                },
                ScheduleConfig {
                    name: "vulns.daily".into(),
                    cron: "10 7 * * *".into(),
                    kind: crate::vulns::KIND_DAILY.into(),
                    payload: None,
                },
                ScheduleConfig {
                    name: "incidents.clocks".into(),
                    cron: "*/5 * * * *".into(),
                    kind: crate::incidents::KIND_CLOCKS.into(),
                    payload: None,
                },
                ScheduleConfig {
                    name: "maturity.monthly".into(),
                    cron: "40 7 * * *".into(),
                    kind: crate::maturity::KIND_MONTHLY.into(),
                    payload: None,
                },
                ScheduleConfig {
                    name: "continuity.daily".into(),
                    cron: "20 7 * * *".into(),
                    kind: crate::continuity::KIND_DAILY.into(),
                    payload: None,
                },
            ],
        }
    }
}

impl JobsConfig {
    /// Checks the values; names the bad setting.
    pub fn validate(&self) -> std::result::Result<(), String> {
        if !(1..=3600).contains(&self.poll_secs) {
            return Err("jobs.poll_secs must be 1 to 3600".into());
        }
        if !(3..=86_400).contains(&self.lease_secs) {
            return Err("jobs.lease_secs must be 3 to 86400".into());
        }
        if !(1..=100).contains(&self.max_attempts) {
            return Err("jobs.max_attempts must be 1 to 100".into());
        }
        let known = Handlers::standard();
        let mut names = std::collections::HashSet::new();
        for s in &self.schedules {
            Schedule::parse(s)?;
            if !known.knows(&s.kind) {
                return Err(format!(
                    "jobs.schedules {:?}: unknown kind {:?} (known: {})",
                    s.name,
                    s.kind,
                    known.kinds().join(", ")
                ));
            }
            if !names.insert(s.name.as_str()) {
                return Err(format!("jobs.schedules: {:?} appears twice", s.name));
            }
        }
        Ok(())
    }
}

/// Sends one recorded message (`{"message_id": …}`).
pub const KIND_MAIL: &str = "mail.send";
/// Composes the day's reminder mail for every person to remind.
pub const KIND_REMINDERS: &str = "reminders.daily";
/// Waits `ms` milliseconds reporting progress, failing when `fail` is set: a
/// probe of the queue for deployments and tests (`zian jobs enqueue`).
pub const KIND_SLEEP: &str = "demo.sleep";

/// Asia/Taipei's offset from UTC, seconds.
const TAIPEI: i32 = 8 * 3600;

/// A parsed schedule.
#[derive(Debug, Clone)]
pub struct Schedule {
    pub name: String,
    pub kind: String,
    pub payload: String,
    cron: croner::Cron,
}

impl Schedule {
    pub fn parse(c: &ScheduleConfig) -> std::result::Result<Schedule, String> {
        if c.name.trim().is_empty() || c.name.len() > 100 {
            return Err("jobs.schedules: a name of 1 to 100 characters is needed".into());
        }
        let cron = croner::Cron::from_str(&c.cron).map_err(|e| {
            format!(
                "jobs.schedules {:?}: {:?} is not a cron pattern (minute hour day month weekday): {e}",
                c.name, c.cron
            )
        })?;
        Ok(Schedule {
            name: c.name.clone(),
            kind: c.kind.clone(),
            payload: c
                .payload
                .as_ref()
                .map_or_else(|| "{}".to_string(), serde_json::Value::to_string),
            cron,
        })
    }

    /// The first slot strictly after `after` (unix seconds).
    pub fn next_after(&self, after: i64) -> Option<i64> {
        let tz = chrono::FixedOffset::east_opt(TAIPEI)?;
        let t = chrono::DateTime::from_timestamp(after, 0)?.with_timezone(&tz);
        self.cron
            .find_next_occurrence(&t, false)
            .ok()
            .map(|d| d.timestamp())
    }

    /// The idempotency key of a slot: `name@2026-12-04T07:00+08:00`, the
    /// same on every server, so a slot is enqueued once.
    pub fn key(&self, slot: i64) -> String {
        let t = time::OffsetDateTime::from_unix_timestamp(slot + i64::from(TAIPEI))
            .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
        format!(
            "{}@{:04}-{:02}-{:02}T{:02}:{:02}+08:00",
            self.name,
            t.year(),
            u8::from(t.month()),
            t.day(),
            t.hour(),
            t.minute()
        )
    }
}

/// What a handler sees: the application, the job, and a way to report
/// progress.
pub struct JobContext {
    pub app: App,
    pub job: Job,
    worker: String,
}

impl JobContext {
    /// Records progress (0–100, a short message) on the job.
    pub async fn progress(&self, percent: u8, message: &str) {
        let now = self.app.now();
        if let Err(e) = self
            .app
            .stores
            .jobs
            .set_progress(&self.job.id, &self.worker, percent, Some(message), now)
            .await
        {
            tracing::warn!(job = %self.job.id, error = %e, "job progress");
        }
    }

    /// Whether this is the job's last attempt.
    pub fn last_attempt(&self) -> bool {
        self.job.attempts >= self.job.max_attempts
    }

    /// The payload parsed.
    pub fn payload<T: serde::de::DeserializeOwned>(&self) -> std::result::Result<T, String> {
        serde_json::from_str(&self.job.payload).map_err(|e| format!("payload: {e}"))
    }
}

/// A kind of job. `Err` is the attempt's error as kept with the job.
#[async_trait]
pub trait JobHandler: Send + Sync {
    async fn run(&self, cx: &JobContext) -> std::result::Result<(), String>;
}

/// The handlers by kind.
#[derive(Clone, Default)]
pub struct Handlers(HashMap<String, Arc<dyn JobHandler>>);

impl Handlers {
    /// The platform's kinds: `mail.send`, `reminders.daily`, `inbox.digest`,
    /// `directory.sync`, `webhooks.deliver`, `vulns.match`, `vulns.daily`,
    /// `vulns.rematch`, `documents.render`, `demo.sleep`.
    pub fn standard() -> Handlers {
        Handlers::default()
            .with(KIND_MAIL, Arc::new(crate::mail::SendMail))
            .with(KIND_REMINDERS, Arc::new(crate::mail::DailyReminders))
            .with(KIND_SLEEP, Arc::new(Sleep))
            .with(crate::inbox::KIND_DIGEST, Arc::new(crate::inbox::Digest))
            .with(
                crate::directory::KIND_SYNC,
                Arc::new(crate::directory::SyncJob),
            )
            .with(
                crate::webhooks::KIND_DELIVER,
                Arc::new(crate::webhooks::DeliverWebhook),
            )
            .with(crate::vulns::KIND_MATCH, Arc::new(crate::vulns::MatchJob))
            .with(crate::vulns::KIND_DAILY, Arc::new(crate::vulns::DailyJob))
            .with(
                crate::incidents::KIND_CLOCKS,
                Arc::new(crate::incidents::ClocksJob),
            )
            .with(
                crate::continuity::KIND_DAILY,
                Arc::new(crate::continuity::DailyJob),
            )
            .with(
                crate::feeds_sync::KIND_SYNC,
                Arc::new(crate::feeds_sync::SyncJob),
            )
            .with(
                crate::feeds::KIND_REMATCH,
                Arc::new(crate::vulns::RematchJob),
            )
            .with(
                crate::maturity::KIND_MONTHLY,
                Arc::new(crate::maturity::MonthlyJob),
            )
            .with(
                crate::documents::KIND_RENDER,
                Arc::new(crate::documents::RenderJob),
            )
    }

    #[must_use]
    pub fn with(mut self, kind: &str, h: Arc<dyn JobHandler>) -> Handlers {
        self.0.insert(kind.to_string(), h);
        self
    }

    pub fn knows(&self, kind: &str) -> bool {
        self.0.contains_key(kind)
    }

    pub fn kinds(&self) -> Vec<String> {
        let mut v: Vec<String> = self.0.keys().cloned().collect();
        v.sort();
        v
    }
}

/// `demo.sleep`: `{"ms": 0–600000, "fail": false}`.
struct Sleep;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SleepInput {
    #[serde(default)]
    ms: u64,
    #[serde(default)]
    fail: bool,
}

#[async_trait]
impl JobHandler for Sleep {
    async fn run(&self, cx: &JobContext) -> std::result::Result<(), String> {
        let input: SleepInput = cx.payload()?;
        let total = input.ms.min(600_000);
        for step in 1..=10u8 {
            tokio::time::sleep(Duration::from_millis(total / 10)).await;
            cx.progress(step * 10, &format!("{step}/10")).await;
        }
        if input.fail {
            return Err("demo.sleep: asked to fail".into());
        }
        Ok(())
    }
}

/// The worker: claims due jobs one at a time and runs them, reclaims the
/// jobs of dead workers, and enqueues scheduled slots.
pub struct Worker {
    app: App,
    handlers: Arc<Handlers>,
    cfg: JobsConfig,
    schedules: Vec<(Schedule, Option<i64>)>,
    id: String,
}

impl Worker {
    /// A worker with its own id (`w-<pid>-<uuid>`); fails on a bad schedule.
    pub fn new(
        app: App,
        handlers: Handlers,
        cfg: JobsConfig,
    ) -> std::result::Result<Worker, String> {
        let now = app.now();
        let mut schedules = Vec::new();
        for s in &cfg.schedules {
            let s = Schedule::parse(s)?;
            let next = s.next_after(now);
            schedules.push((s, next));
        }
        let id = format!("w-{}-{}", std::process::id(), app.ids.new_id());
        Ok(Worker {
            app,
            handlers: Arc::new(handlers),
            cfg,
            schedules,
            id,
        })
    }

    pub fn id(&self) -> &str {
        &self.id
    }

    /// Enqueues the scheduled slots that are due (once per slot, whatever
    /// the number of servers).
    pub async fn enqueue_due_slots(&mut self) -> Result<u32> {
        let now = self.app.now();
        let mut n = 0;
        for (s, next) in &mut self.schedules {
            let Some(slot) = *next else { continue };
            if slot > now {
                continue;
            }
            let (_, created) = self
                .app
                .enqueue_job(NewJob {
                    kind: s.kind.clone(),
                    payload: s.payload.clone(),
                    org_id: None,
                    run_at: slot,
                    max_attempts: self.cfg.max_attempts,
                    idempotency_key: Some(s.key(slot)),
                })
                .await?;
            if created {
                n += 1;
                tracing::info!(schedule = %s.name, slot, "scheduled job enqueued");
            }
            *next = s.next_after(slot.max(now));
        }
        Ok(n)
    }

    /// One round: reclaim expired leases, enqueue due slots, run one job.
    /// Returns whether a job ran.
    pub async fn tick(&mut self) -> Result<bool> {
        let now = self.app.now();
        let lost = self.app.stores.jobs.reclaim_expired(now).await?;
        if lost > 0 {
            tracing::warn!(
                jobs = lost,
                "jobs of a stopped worker put back in the queue"
            );
        }
        self.enqueue_due_slots().await?;
        let Some(job) = self
            .app
            .stores
            .jobs
            .claim(&self.id, now, self.cfg.lease_secs)
            .await?
        else {
            return Ok(false);
        };
        self.run_job(job).await?;
        Ok(true)
    }

    async fn run_job(&self, job: Job) -> Result<()> {
        let (id, kind, org) = (job.id.clone(), job.kind.clone(), job.org_id.clone());
        tracing::info!(job = %id, kind = %kind, attempt = job.attempts, "job started");
        let cx = JobContext {
            app: self.app.clone(),
            job,
            worker: self.id.clone(),
        };
        let outcome = match self.handlers.0.get(&kind) {
            None => Err(format!("unknown job kind {kind:?}")),
            Some(h) => {
                let work = h.run(&cx);
                tokio::pin!(work);
                let every =
                    Duration::from_secs(u64::try_from(self.cfg.lease_secs / 3).unwrap_or(1).max(1));
                let mut renew =
                    tokio::time::interval_at(tokio::time::Instant::now() + every, every);
                loop {
                    tokio::select! {
                        r = &mut work => break r,
                        _ = renew.tick() => {
                            let now = self.app.now();
                            match self.app.stores.jobs.renew(&id, &self.id, now + self.cfg.lease_secs, now).await {
                                Ok(true) => {}
                                Ok(false) => tracing::warn!(job = %id, "lease lost; the job's outcome will not be recorded"),
                                Err(e) => tracing::warn!(job = %id, error = %e, "lease renewal"),
                            }
                        }
                    }
                }
            }
        };
        let now = self.app.now();
        match outcome {
            Ok(()) => {
                if self.app.stores.jobs.succeed(&id, &self.id, now).await? {
                    tracing::info!(job = %id, kind = %kind, "job succeeded");
                } else {
                    tracing::warn!(job = %id, "job finished after its lease was lost");
                }
            }
            Err(e) => match self.app.stores.jobs.fail(&id, &self.id, &e, now).await? {
                Some(state) => {
                    tracing::warn!(job = %id, kind = %kind, error = %e, state = state.as_str(), "job failed");
                    if state == JobState::Dead {
                        self.app.raise_job_dead(&id, &kind, org.as_ref()).await;
                    }
                }
                None => tracing::warn!(job = %id, "job failed after its lease was lost"),
            },
        }
        Ok(())
    }

    /// Runs until `stop` turns true; the job under way is finished first.
    pub async fn run(mut self, mut stop: tokio::sync::watch::Receiver<bool>) {
        tracing::info!(worker = %self.id, "job worker started");
        let poll = Duration::from_secs(self.cfg.poll_secs);
        loop {
            if *stop.borrow() {
                break;
            }
            let idle = match self.tick().await {
                Ok(ran) => !ran,
                Err(e) => {
                    tracing::error!(error = %e, "job worker");
                    true
                }
            };
            if idle {
                tokio::select! {
                    _ = tokio::time::sleep(poll) => {}
                    _ = stop.changed() => {}
                }
            }
        }
        tracing::info!(worker = %self.id, "job worker stopped");
    }
}

/// A job as administrators see it, with its attempts.
#[derive(Debug, Clone, Serialize)]
pub struct JobView {
    pub job: Job,
    pub runs: Vec<JobRun>,
}

impl App {
    /// Enqueues a job (system work: schedules, the platform's own use
    /// cases, `zian jobs enqueue`). Returns its id and whether it is new
    /// (false: a job with the same idempotency key exists).
    pub async fn enqueue_job(&self, job: NewJob) -> Result<(String, bool)> {
        if job.kind.trim().is_empty() || job.kind.len() > 100 {
            return Err(AppError::invalid("kind", msg!("reason.required")));
        }
        if serde_json::from_str::<serde_json::Value>(&job.payload).is_err() {
            return Err(AppError::invalid("payload", msg!("reason.jobs.payload")));
        }
        let id = self.ids.new_id();
        Ok(self.stores.jobs.enqueue(&id, &job, self.now()).await?)
    }

    /// The scope of the jobs (and recorded mail) a caller administers:
    /// system administrators only, within their organisation-write scope;
    /// work of no organisation (the deployment's) only for an administrator
    /// whose scope covers the root of the tree, who gets the system-wide
    /// scope. Anyone else sees no job at all.
    pub(crate) async fn job_scope(&self, p: &Principal) -> Result<OrgScope> {
        if !p.has_role(zian_domain::Role::SystemAdmin) {
            return Err(AppError::Forbidden);
        }
        let scope = p.scope(Permission::OrgWrite);
        let root = self
            .stores
            .orgs
            .list(&OrgScope::system_wide(), &ListQuery::all(1))
            .await?
            .items
            .into_iter()
            .next();
        Ok(match root {
            Some(r) if r.parent_id.is_none() && scope.contains(&r.path) => OrgScope::system_wide(),
            _ => scope,
        })
    }

    pub async fn list_jobs(&self, p: &Principal, q: &ListQuery) -> Result<Page<Job>> {
        let scope = self.job_scope(p).await?;
        if let Some(s) = q.filter_value("state")
            && JobState::parse(s).is_none()
        {
            return Err(AppError::invalid("state", msg!("reason.jobs.state")));
        }
        Ok(self.stores.jobs.list(&scope, q).await?)
    }

    pub async fn job_view(&self, p: &Principal, id: &str) -> Result<JobView> {
        let scope = self.job_scope(p).await?;
        let job = self
            .stores
            .jobs
            .get(&scope, id)
            .await?
            .ok_or(AppError::NotFound)?;
        let runs = self.stores.jobs.runs(&scope, id).await?;
        Ok(JobView { job, runs })
    }

    /// Queues a succeeded or dead job again with `max_attempts` more
    /// attempts (audited as `job.rerun`).
    pub async fn rerun_job(&self, p: &Principal, id: &str, more_attempts: u32) -> Result<()> {
        let scope = self.job_scope(p).await?;
        let job = self
            .stores
            .jobs
            .get(&scope, id)
            .await?
            .ok_or(AppError::NotFound)?;
        if !job.state.may_rerun() {
            return Err(AppError::Conflict("job_state"));
        }
        let mut ev = p.event("job.rerun", job.org_id.as_deref(), Some(id));
        ev.details = serde_json::json!({ "kind": job.kind, "state": job.state.as_str() });
        self.stores
            .jobs
            .rerun(&scope, id, more_attempts, ev, self.now())
            .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sched(cron: &str) -> Schedule {
        Schedule::parse(&ScheduleConfig {
            name: "r".into(),
            cron: cron.into(),
            kind: KIND_SLEEP.into(),
            payload: None,
        })
        .unwrap()
    }

    #[test]
    fn schedules_run_in_taipei_time() {
        let s = sched("0 7 * * *");
        // 2026-12-03 23:30 UTC = 2026-12-04 07:30 Taipei: next is 12-05 07:00 Taipei
        let t = 1_796_340_600;
        let next = s.next_after(t).unwrap();
        assert_eq!(next, 1_796_425_200);
        assert_eq!(s.key(next), "r@2026-12-05T07:00+08:00");
        // exactly on a slot: the next one, a day later
        assert_eq!(s.next_after(next), Some(next + 86_400));
    }

    #[test]
    fn bad_settings_are_named() {
        let mut c = JobsConfig::default();
        assert!(c.validate().is_ok());
        c.schedules[0].cron = "every day".into();
        assert!(c.validate().unwrap_err().contains("cron"));
        let mut c = JobsConfig::default();
        c.schedules[0].kind = "nope".into();
        assert!(c.validate().unwrap_err().contains("unknown kind"));
        let c = JobsConfig {
            lease_secs: 1,
            ..JobsConfig::default()
        };
        assert!(c.validate().unwrap_err().contains("lease_secs"));
    }
}
