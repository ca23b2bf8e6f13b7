//! Job handlers and DTOs.

use axum::extract::State;
use schemars::JsonSchema;
use serde::Serialize;
use zian_app::jobs::JobView;
use zian_domain::jobs::{Job, JobRun};

use crate::error::ApiResult;
use crate::extract::{ApiCaller, ApiJson, ApiPath, ApiQuery};
use crate::list::PageOut;
use crate::state::AppState;

/// A job as listed.
#[derive(Debug, Serialize, JsonSchema)]
pub struct JobOut {
    pub id: String,
    /// The handler (`mail.send`, `reminders.daily`, `webhooks.deliver`, …).
    pub kind: String,
    /// `queued`, `running`, `succeeded`, `failed` (waiting to retry) or `dead`.
    pub state: String,
    /// The organisation the job works for; none for the deployment's own work.
    pub org_id: Option<String>,
    pub idempotency_key: Option<String>,
    /// Unix seconds before which it does not run.
    pub run_at: i64,
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

impl From<Job> for JobOut {
    fn from(j: Job) -> Self {
        JobOut {
            id: j.id,
            kind: j.kind,
            state: j.state.as_str().into(),
            org_id: j.org_id.map(|o| o.to_string()),
            idempotency_key: j.idempotency_key,
            run_at: j.run_at,
            attempts: j.attempts,
            max_attempts: j.max_attempts,
            last_error: j.last_error,
            progress: j.progress,
            progress_message: j.progress_message,
            locked_by: j.locked_by,
            locked_until: j.locked_until,
            created_at: j.created_at,
            updated_at: j.updated_at,
            finished_at: j.finished_at,
        }
    }
}

/// One attempt of a job.
#[derive(Debug, Serialize, JsonSchema)]
pub struct RunOut {
    pub attempt: u32,
    pub worker: String,
    pub started_at: i64,
    pub finished_at: Option<i64>,
    /// `succeeded`, `failed`, or none while running (or when its worker died).
    pub outcome: Option<String>,
    pub error: Option<String>,
}

impl From<JobRun> for RunOut {
    fn from(r: JobRun) -> Self {
        RunOut {
            attempt: r.attempt,
            worker: r.worker,
            started_at: r.started_at,
            finished_at: r.finished_at,
            outcome: r.outcome,
            error: r.error,
        }
    }
}

/// A job with its input and attempts.
#[derive(Debug, Serialize, JsonSchema)]
pub struct JobDetailOut {
    #[serde(flatten)]
    pub job: JobOut,
    /// The handler's input (JSON text).
    pub payload: String,
    pub runs: Vec<RunOut>,
}

impl From<JobView> for JobDetailOut {
    fn from(v: JobView) -> Self {
        let payload = v.job.payload.clone();
        JobDetailOut {
            job: JobOut::from(v.job),
            payload,
            runs: v.runs.into_iter().map(RunOut::from).collect(),
        }
    }
}

pub async fn list(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiQuery(q): ApiQuery<Vec<(String, String)>>,
) -> ApiResult<ApiJson<PageOut<JobOut>>> {
    let q = crate::list::query(&q, super::FILTERS)?;
    let page = st.app.list_jobs(&c.p, &q).await?;
    Ok(ApiJson(PageOut::of(page, JobOut::from)))
}

pub async fn show(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<ApiJson<JobDetailOut>> {
    Ok(ApiJson(st.app.job_view(&c.p, &id).await?.into()))
}

pub async fn rerun(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<ApiJson<JobDetailOut>> {
    st.app.rerun_job(&c.p, &id, super::RERUN_ATTEMPTS).await?;
    Ok(ApiJson(st.app.job_view(&c.p, &id).await?.into()))
}
