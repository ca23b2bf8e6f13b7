//! Background jobs: the states of a durable job and the rules that move it
//! between them (claim, success, failure with backoff, dead letter). The
//! queue itself lives in storage (`zian_storage::JobStore`), the handlers in
//! the application (`zian_app::jobs`). Pure.

use serde::{Deserialize, Serialize};

use crate::OrgId;

/// Where a job is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JobState {
    /// Waiting for its `run_at`.
    Queued,
    /// Claimed by a worker that holds a lease until `locked_until`.
    Running,
    /// Done.
    Succeeded,
    /// The last attempt failed; it runs again at `run_at` (backoff).
    Failed,
    /// Every attempt failed (dead letter); only a re-run revives it.
    Dead,
}

impl JobState {
    pub const ALL: [JobState; 5] = [
        JobState::Queued,
        JobState::Running,
        JobState::Succeeded,
        JobState::Failed,
        JobState::Dead,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            JobState::Queued => "queued",
            JobState::Running => "running",
            JobState::Succeeded => "succeeded",
            JobState::Failed => "failed",
            JobState::Dead => "dead",
        }
    }

    pub fn parse(s: &str) -> Option<JobState> {
        JobState::ALL.into_iter().find(|v| v.as_str() == s)
    }

    /// Whether an administrator may run the job again: only a finished one
    /// (a queued, failed-and-waiting or running job is already on its way).
    pub fn may_rerun(self) -> bool {
        matches!(self, JobState::Succeeded | JobState::Dead)
    }
}

/// A job as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Job {
    pub id: String,
    /// The handler's name (`mail.send`, `reminders.daily`, …).
    pub kind: String,
    /// The handler's input, JSON text.
    pub payload: String,
    pub state: JobState,
    /// Enqueuing twice with the same key yields one job.
    pub idempotency_key: Option<String>,
    /// The organisation the job works for; none for system work.
    pub org_id: Option<OrgId>,
    /// Unix seconds before which the job does not run.
    pub run_at: i64,
    /// Attempts started so far (a claim counts one).
    pub attempts: u32,
    pub max_attempts: u32,
    pub last_error: Option<String>,
    /// 0–100.
    pub progress: u8,
    pub progress_message: Option<String>,
    pub locked_by: Option<String>,
    pub locked_until: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
    pub finished_at: Option<i64>,
}

/// A job to enqueue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewJob {
    pub kind: String,
    pub payload: String,
    pub org_id: Option<OrgId>,
    pub run_at: i64,
    pub max_attempts: u32,
    pub idempotency_key: Option<String>,
}

/// One attempt at a job, as the worker recorded it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct JobRun {
    pub job_id: String,
    pub attempt: u32,
    pub worker: String,
    pub started_at: i64,
    pub finished_at: Option<i64>,
    /// `succeeded`, `failed`, or none while running (or when its worker died).
    pub outcome: Option<String>,
    pub error: Option<String>,
}

/// Where an outgoing message is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MailStatus {
    /// Waiting for its `mail.send` job (also between retries).
    Queued,
    Sent,
    /// Every attempt failed.
    Failed,
}

impl MailStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            MailStatus::Queued => "queued",
            MailStatus::Sent => "sent",
            MailStatus::Failed => "failed",
        }
    }
    pub fn parse(s: &str) -> Option<MailStatus> {
        [MailStatus::Queued, MailStatus::Sent, MailStatus::Failed]
            .into_iter()
            .find(|v| v.as_str() == s)
    }
}

/// An outgoing message as recorded: whom, what, in which language, and how
/// its delivery went. Bodies are kept so a retry sends the same message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MailMessage {
    pub id: String,
    pub org_id: Option<OrgId>,
    pub recipient: String,
    pub subject: String,
    /// `zh-TW` or `en`.
    pub lang: String,
    /// The template's name (`reminders.daily`, `mail.test`, …).
    pub template: String,
    pub body_text: String,
    pub body_html: String,
    pub status: MailStatus,
    pub attempts: u32,
    pub last_error: Option<String>,
    pub job_id: Option<String>,
    pub created_at: i64,
    pub sent_at: Option<i64>,
}

/// Longest wait between two attempts, seconds.
pub const MAX_BACKOFF_SECS: i64 = 3600;

/// Seconds to wait after failed attempt number `attempt` (1-based):
/// 30 s, 60 s, 120 s, … doubling, at most an hour.
pub fn backoff_secs(attempt: u32) -> i64 {
    let exp = attempt.saturating_sub(1).min(16);
    (30_i64 << exp).min(MAX_BACKOFF_SECS)
}

/// What follows a failed attempt: another try at `now + backoff`, or the
/// dead letter once `max_attempts` attempts have been made.
pub fn after_failure(attempts: u32, max_attempts: u32, now: i64) -> (JobState, i64) {
    if attempts >= max_attempts {
        (JobState::Dead, now)
    } else {
        (JobState::Failed, now + backoff_secs(attempts))
    }
}

/// Error text kept with a job: at most 2,000 characters, no NUL.
pub fn error_text(e: &str) -> String {
    e.chars().filter(|c| *c != '\0').take(2000).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_then_caps() {
        assert_eq!(backoff_secs(1), 30);
        assert_eq!(backoff_secs(2), 60);
        assert_eq!(backoff_secs(3), 120);
        assert_eq!(backoff_secs(8), 3600);
        assert_eq!(backoff_secs(u32::MAX), 3600);
        assert_eq!(backoff_secs(0), 30);
    }

    #[test]
    fn failures_retry_then_die() {
        assert_eq!(after_failure(1, 3, 100), (JobState::Failed, 130));
        assert_eq!(after_failure(2, 3, 100), (JobState::Failed, 160));
        assert_eq!(after_failure(3, 3, 100), (JobState::Dead, 100));
    }

    #[test]
    fn states_round_trip_and_rerun_rules() {
        for s in JobState::ALL {
            assert_eq!(JobState::parse(s.as_str()), Some(s));
        }
        assert_eq!(JobState::parse("nope"), None);
        assert!(JobState::Dead.may_rerun());
        assert!(JobState::Succeeded.may_rerun());
        assert!(!JobState::Running.may_rerun());
        assert!(!JobState::Queued.may_rerun());
    }

    #[test]
    fn error_text_is_bounded() {
        let long = "é".repeat(5000);
        assert_eq!(error_text(&long).chars().count(), 2000);
        assert_eq!(error_text("a\0b"), "ab");
    }
}
