//! The training API.

use axum::extract::State;
use axum::http::StatusCode;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use zian_app::training::{
    CommitInput, PlanInput, SessionInput, SessionOut, SessionView, SignInInput, TrainingView,
};
use zian_domain::training::{PlanBody, hours_text};
use zian_domain::{OrgId, TrainingId};

use crate::error::ApiResult;
use crate::extract::{ApiCaller, ApiJson, ApiPath, ApiQuery};
use crate::state::AppState;

/// Which year.
#[derive(Deserialize, JsonSchema, Default)]
#[serde(default)]
pub struct YearQuery {
    pub year: Option<i32>,
}

/// Counts by gender.
#[derive(Serialize, JsonSchema)]
pub struct GenderOut {
    pub female: usize,
    pub male: usize,
    pub other: usize,
    pub unknown: usize,
}

impl From<[usize; 4]> for GenderOut {
    fn from(c: [usize; 4]) -> Self {
        GenderOut {
            female: c[0],
            male: c[1],
            other: c[2],
            unknown: c[3],
        }
    }
}

/// A person's hours this year.
#[derive(Serialize, JsonSchema)]
pub struct PersonOut {
    pub name: String,
    pub unit: String,
    pub audience: String,
    /// Professional and functional courses, in hours.
    pub professional_hours: String,
    /// General (awareness) courses, in hours.
    pub general_hours: String,
}

/// What one person still lacks.
#[derive(Serialize, JsonSchema)]
pub struct GapOut {
    pub name: String,
    pub unit: String,
    /// The obligation item (`training-security-staff`, `training-users`,
    /// `certificate-professional`, …).
    pub item: String,
    pub message: String,
}

/// An organisation's training year.
#[derive(Serialize, JsonSchema)]
pub struct TrainingOut {
    pub org_id: String,
    pub year: i32,
    /// Basis, courses and the roster (none until recorded).
    #[schemars(with = "Option<serde_json::Value>")]
    pub plan: Option<PlanBody>,
    /// Head counts by job category.
    pub head_counts: std::collections::BTreeMap<String, usize>,
    pub sessions: Vec<SessionOut>,
    pub people: Vec<PersonOut>,
    pub gaps: Vec<GapOut>,
    pub participants_by_gender: GenderOut,
    pub instructors_by_gender: GenderOut,
}

fn out(c: &ApiCaller, v: &TrainingView) -> TrainingOut {
    TrainingOut {
        org_id: v.org.id.to_string(),
        year: v.year,
        plan: v.plan.as_ref().map(|x| x.body.clone()),
        head_counts: v
            .plan
            .as_ref()
            .map(|x| {
                x.head_counts()
                    .into_iter()
                    .map(|(a, n)| (a.as_str().to_string(), n))
                    .collect()
            })
            .unwrap_or_default(),
        sessions: v.sessions.iter().map(SessionOut::from).collect(),
        people: v
            .people
            .iter()
            .map(|p| PersonOut {
                name: p.person.name.clone(),
                unit: p.person.unit.clone(),
                audience: p.person.audience.as_str().into(),
                professional_hours: hours_text(p.professional),
                general_hours: hours_text(p.general),
            })
            .collect(),
        gaps: v
            .gaps
            .iter()
            .map(|g| GapOut {
                name: g.name.clone(),
                unit: g.unit.clone(),
                item: g.item.into(),
                message: g.msg.render(c.lang),
            })
            .collect(),
        participants_by_gender: v.participants.into(),
        instructors_by_gender: v.instructors.into(),
    }
}

pub async fn year(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<OrgId>,
    ApiQuery(q): ApiQuery<YearQuery>,
) -> ApiResult<ApiJson<TrainingOut>> {
    let year = q.year.unwrap_or_else(|| st.app.today().year());
    let v = st.app.training_year(&c.p, &id, year).await?;
    Ok(ApiJson(out(&c, &v)))
}

pub async fn plan(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<OrgId>,
    ApiJson(b): ApiJson<PlanInput>,
) -> ApiResult<ApiJson<TrainingOut>> {
    let v = st.app.save_training_plan(&c.p, &id, b).await?;
    Ok(ApiJson(out(&c, &v)))
}

pub async fn session(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<OrgId>,
    ApiJson(b): ApiJson<SessionInput>,
) -> ApiResult<(StatusCode, ApiJson<SessionOut>)> {
    let v = st.app.record_training_session(&c.p, &id, b).await?;
    Ok((StatusCode::CREATED, ApiJson(SessionOut::from(&v.session))))
}

/// A previewed row.
#[derive(Serialize, JsonSchema)]
pub struct PreviewRowOut {
    pub line: usize,
    pub unit: String,
    pub title: String,
    pub name: String,
    pub gender: Option<String>,
    /// Whether the person is on the year's roster.
    pub on_roster: bool,
}

/// A skipped row.
#[derive(Serialize, JsonSchema)]
pub struct SkippedOut {
    pub line: usize,
    pub reason: String,
}

/// A previewed sign-in sheet.
#[derive(Serialize, JsonSchema)]
pub struct PreviewOut {
    pub file_name: String,
    pub sha256: String,
    pub rows: Vec<PreviewRowOut>,
    pub skipped: Vec<SkippedOut>,
}

/// A session with its preview.
#[derive(Serialize, JsonSchema)]
pub struct SessionDetailOut {
    #[serde(flatten)]
    pub session: SessionOut,
    pub preview: Option<PreviewOut>,
}

fn detail(c: &ApiCaller, v: &SessionView) -> SessionDetailOut {
    SessionDetailOut {
        session: SessionOut::from(&v.session),
        preview: v.preview.as_ref().map(|p| PreviewOut {
            file_name: p.file_name.clone(),
            sha256: p.sha256.clone(),
            rows: p
                .rows
                .iter()
                .map(|(line, a, known)| PreviewRowOut {
                    line: *line,
                    unit: a.unit.clone(),
                    title: a.title.clone(),
                    name: a.name.clone(),
                    gender: a.gender.map(|g| g.as_str().to_string()),
                    on_roster: *known,
                })
                .collect(),
            skipped: p
                .skipped
                .iter()
                .map(|s| SkippedOut {
                    line: s.line,
                    reason: s.reason.render(c.lang),
                })
                .collect(),
        }),
    }
}

pub async fn get(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<TrainingId>,
) -> ApiResult<ApiJson<SessionDetailOut>> {
    let v = st.app.training_session(&c.p, &id).await?;
    Ok(ApiJson(detail(&c, &v)))
}

pub async fn preview(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<TrainingId>,
    ApiJson(b): ApiJson<SignInInput>,
) -> ApiResult<ApiJson<SessionDetailOut>> {
    let v = st.app.preview_sign_in_base64(&c.p, &id, &b).await?;
    Ok(ApiJson(detail(&c, &v)))
}

/// What a commit did.
#[derive(Serialize, JsonSchema)]
pub struct CommitOut {
    pub added: usize,
    pub skipped: Vec<SkippedOut>,
    pub attendees: usize,
}

pub async fn commit(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<TrainingId>,
    ApiJson(b): ApiJson<CommitInput>,
) -> ApiResult<ApiJson<CommitOut>> {
    let (v, added, skipped) = st.app.commit_sign_in(&c.p, &id, b).await?;
    Ok(ApiJson(CommitOut {
        added,
        skipped: skipped
            .iter()
            .map(|s| SkippedOut {
                line: s.line,
                reason: s.reason.render(c.lang),
            })
            .collect(),
        attendees: v.session.body.attendees.len(),
    }))
}
