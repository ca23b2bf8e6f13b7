//! The incidents API: the assessment (nothing recorded), the incidents of a
//! subtree with the open ones by deadline and the figures, an incident with
//! its clocks and timeline, and the steps that set the clocks' anchors.

use axum::extract::State;
use axum::http::StatusCode;
use schemars::JsonSchema;
use serde::Serialize;
use zian_app::incidents::{
    ActionInput, AssessInput, Assessment, CheckInput, ClockView, FindingsInput, IncidentInput,
    IncidentList, IncidentView, NoteInput, StepView, incident_filter,
};
use zian_domain::incidents::{IncidentMetrics, TimelineEntry};
use zian_domain::{IncidentId, OrgId};

use crate::error::ApiResult;
use crate::extract::{ApiCaller, ApiJson, ApiPath, ApiQuery};
use crate::list::PageOut;
use crate::state::AppState;

pub async fn assess(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiJson(b): ApiJson<AssessInput>,
) -> ApiResult<ApiJson<Assessment>> {
    Ok(ApiJson(st.app.assess_incident(&c.p, &b)?))
}

/// One line of an incident's timeline.
#[derive(Debug, Serialize, JsonSchema)]
pub struct TimelineEntryOut {
    /// When it happened (Unix seconds).
    pub at: i64,
    /// `recorded`, `edited`, `notified`, `reviewed`, `recovered`,
    /// `reported`, `closed`, `reopened`, `note`, `escalated`.
    pub kind: String,
    pub text: String,
    /// Who (masked for readers outside the organisation); empty: the
    /// platform's clocks.
    pub actor_name: String,
    /// When it was written down.
    pub recorded_at: i64,
    /// An evidence file with its SHA-256 and name when it was linked.
    pub evidence_id: Option<String>,
    pub evidence_sha256: Option<String>,
    pub evidence_name: Option<String>,
}

impl From<TimelineEntry> for TimelineEntryOut {
    fn from(e: TimelineEntry) -> Self {
        TimelineEntryOut {
            at: e.at,
            kind: e.kind.as_str().into(),
            text: e.text.into(),
            actor_name: e.actor_name,
            recorded_at: e.recorded_at,
            evidence_id: e.evidence.as_ref().map(|x| x.id.clone()),
            evidence_sha256: e.evidence.as_ref().map(|x| x.sha256.clone()),
            evidence_name: e.evidence.map(|x| x.name),
        }
    }
}

/// An incident with its level, legal clocks and timeline. Times are Unix
/// seconds.
#[derive(Debug, Serialize, JsonSchema)]
pub struct IncidentOut {
    pub id: String,
    /// `INC-2026-001` (per organisation and year of awareness).
    pub number: String,
    pub org_id: String,
    pub org_name: String,
    pub title: String,
    pub description: String,
    pub occurred_at: Option<i64>,
    pub aware_at: i64,
    /// Masked for readers outside the organisation (`masked`).
    pub reporter: String,
    pub reporter_contact: String,
    pub asset_ids: Vec<String>,
    /// The vulnerability findings the incident came through.
    pub finding_ids: Vec<String>,
    pub asset_class: String,
    pub confidentiality: String,
    pub integrity: String,
    pub availability: String,
    pub data_kinds: Vec<String>,
    /// The rule version (the regulation in force on the day of awareness).
    pub rules_version: String,
    pub regulation: String,
    pub source: String,
    /// The table's level; the override and its justification; the level in
    /// force.
    pub computed_level: Option<u8>,
    pub level_override: Option<u8>,
    pub override_reason: String,
    pub level: Option<u8>,
    /// Level 3 or 4 (重大資通安全事件).
    pub major: bool,
    /// The level changed after the notification: a new report is due.
    pub renotify: bool,
    /// `open`, `recovered`, `closed`.
    pub status: String,
    pub notified_at: Option<i64>,
    pub reviewed_at: Option<i64>,
    pub recovered_at: Option<i64>,
    pub reported_at: Option<i64>,
    pub closed_at: Option<i64>,
    /// Notify, review, recover, report: deadline, when done, state.
    pub clocks: Vec<ClockView>,
    pub next_deadline: Option<i64>,
    pub overdue: bool,
    /// Whether the office calendar of the report's year is known.
    pub calendar_known: bool,
    pub measures: String,
    pub support_needed: String,
    pub other_notes: String,
    pub root_cause: String,
    pub lessons: String,
    pub follow_up: String,
    /// The emergency handling principle followed, and its steps.
    pub playbook: Option<String>,
    pub playbook_name: Option<String>,
    pub steps: Vec<StepView>,
    pub masked: bool,
    pub created_at: i64,
    pub updated_at: i64,
    /// Empty in lists.
    pub timeline: Vec<TimelineEntryOut>,
}

impl From<IncidentView> for IncidentOut {
    fn from(v: IncidentView) -> Self {
        let x = v.incident;
        let [asset_class, confidentiality, integrity, availability] =
            zian_domain::incidents::facts_codes(&x.facts).map(String::from);
        IncidentOut {
            id: x.id.into(),
            number: x.number,
            org_id: x.org_id.into(),
            org_name: v.org_name,
            title: x.title.into(),
            description: x.description.into(),
            occurred_at: x.occurred_at,
            aware_at: x.aware_at,
            reporter: x.reporter.into(),
            reporter_contact: x.reporter_contact.into(),
            asset_ids: x.asset_ids.into_iter().map(String::from).collect(),
            finding_ids: x.finding_ids.into_iter().map(String::from).collect(),
            asset_class,
            confidentiality,
            integrity,
            availability,
            data_kinds: x.data_kinds,
            rules_version: x.rules_version,
            regulation: v.regulation,
            source: v.source,
            computed_level: x.computed_level,
            level_override: x.level_override,
            override_reason: x.override_reason.into(),
            level: v.level,
            major: v.major,
            renotify: v.renotify,
            status: x.status.as_str().into(),
            notified_at: x.notified_at,
            reviewed_at: x.reviewed_at,
            recovered_at: x.recovered_at,
            reported_at: x.reported_at,
            closed_at: x.closed_at,
            clocks: v.clocks,
            next_deadline: v.next_deadline,
            overdue: v.overdue,
            calendar_known: v.calendar_known,
            measures: x.measures.into(),
            support_needed: x.support_needed.into(),
            other_notes: x.other_notes.into(),
            root_cause: x.root_cause.into(),
            lessons: x.lessons.into(),
            follow_up: x.follow_up.into(),
            playbook: x.playbook,
            playbook_name: v.playbook_name.map(|(zh, _)| zh),
            steps: v.steps,
            masked: v.masked,
            created_at: x.created_at,
            updated_at: x.updated_at,
            timeline: v.timeline.into_iter().map(Into::into).collect(),
        }
    }
}

/// The last twelve months' figures of a subtree.
#[derive(Debug, Serialize, JsonSchema)]
pub struct IncidentMetricsOut {
    pub total: u64,
    pub open: u64,
    /// Incidents of level 1, 2, 3, 4.
    pub by_level: [u64; 4],
    /// Mean seconds from awareness to notification, and to recovery.
    pub mean_respond_secs: Option<i64>,
    pub mean_recover_secs: Option<i64>,
    pub notified: u64,
    pub notified_within_hour: u64,
}

impl From<IncidentMetrics> for IncidentMetricsOut {
    fn from(m: IncidentMetrics) -> Self {
        IncidentMetricsOut {
            total: m.total,
            open: m.open,
            by_level: m.by_level,
            mean_respond_secs: m.mean_respond_secs,
            mean_recover_secs: m.mean_recover_secs,
            notified: m.notified,
            notified_within_hour: m.notified_within_hour,
        }
    }
}

/// The incidents of an organisation and those under it, paged.
#[derive(Debug, Serialize, JsonSchema)]
pub struct IncidentListOut {
    pub org_id: String,
    pub items: Vec<IncidentOut>,
    /// Incidents matching the filters, counted up to 10,000.
    pub total: i64,
    /// `false` when more than `total` incidents match.
    pub total_exact: bool,
    pub limit: i64,
    pub offset: i64,
    /// Not closed, nearest deadline first.
    pub open: Vec<IncidentOut>,
    pub metrics: IncidentMetricsOut,
}

impl From<IncidentList> for IncidentListOut {
    fn from(l: IncidentList) -> Self {
        let page = PageOut::of(l.page, IncidentOut::from);
        IncidentListOut {
            org_id: l.org.id.into(),
            items: page.items,
            total: page.total,
            total_exact: page.total_exact,
            limit: page.limit,
            offset: page.offset,
            open: l.open.into_iter().map(Into::into).collect(),
            metrics: l.metrics.into(),
        }
    }
}

pub async fn list(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<OrgId>,
    ApiQuery(q): ApiQuery<Vec<(String, String)>>,
) -> ApiResult<ApiJson<IncidentListOut>> {
    let org = st
        .app
        .org_with(&c.p, &id, zian_domain::Permission::RecordRead)
        .await?;
    let list = crate::list::query(&q, super::FILTERS)?;
    let f = incident_filter(&q)?;
    Ok(ApiJson(
        st.app.incident_list(&c.p, &org.id, &f, &list).await?.into(),
    ))
}

pub async fn create(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<OrgId>,
    ApiJson(b): ApiJson<IncidentInput>,
) -> ApiResult<(StatusCode, ApiJson<IncidentOut>)> {
    let v = st.app.record_incident(&c.p, &id, b).await?;
    Ok((StatusCode::CREATED, ApiJson(v.into())))
}

pub async fn get(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<IncidentId>,
) -> ApiResult<ApiJson<IncidentOut>> {
    Ok(ApiJson(st.app.get_incident(&c.p, &id).await?.into()))
}

pub async fn update(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<IncidentId>,
    ApiJson(b): ApiJson<IncidentInput>,
) -> ApiResult<ApiJson<IncidentOut>> {
    Ok(ApiJson(st.app.update_incident(&c.p, &id, b).await?.into()))
}

pub async fn action(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<IncidentId>,
    ApiJson(b): ApiJson<ActionInput>,
) -> ApiResult<ApiJson<IncidentOut>> {
    Ok(ApiJson(st.app.incident_action(&c.p, &id, b).await?.into()))
}

pub async fn check(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<IncidentId>,
    ApiJson(b): ApiJson<CheckInput>,
) -> ApiResult<ApiJson<IncidentOut>> {
    Ok(ApiJson(
        st.app.check_incident_step(&c.p, &id, b).await?.into(),
    ))
}

pub async fn note(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<IncidentId>,
    ApiJson(b): ApiJson<NoteInput>,
) -> ApiResult<ApiJson<IncidentOut>> {
    Ok(ApiJson(
        st.app.add_incident_note(&c.p, &id, b).await?.into(),
    ))
}

pub async fn findings(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<IncidentId>,
    ApiJson(b): ApiJson<FindingsInput>,
) -> ApiResult<ApiJson<IncidentOut>> {
    Ok(ApiJson(
        st.app.link_incident_findings(&c.p, &id, b).await?.into(),
    ))
}

/// A time as the national reporting site takes it: RFC 3339 at +08:00.
fn taipei(t: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(t)
        .ok()
        .map(|d| d.to_offset(time::UtcOffset::from_hms(8, 0, 0).unwrap_or(time::UtcOffset::UTC)))
        .and_then(|d| {
            d.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default()
}

/// The level assessment of a notification.
#[derive(Debug, Serialize, JsonSchema)]
pub struct LevelAssessmentOut {
    pub level: Option<u8>,
    pub major: bool,
    /// The table's level, when overridden, and the reason.
    pub computed_level: Option<u8>,
    pub override_reason: Option<String>,
    pub asset_class: String,
    pub confidentiality: String,
    pub integrity: String,
    pub availability: String,
    pub regulation: String,
    pub rules_version: String,
}

/// The notification's content (art. 3: 一、發生機關 … 七、其他相關事項).
#[derive(Debug, Serialize, JsonSchema)]
pub struct NotificationOut {
    pub number: String,
    /// 一、發生機關.
    pub organisation: String,
    /// 二、發生或知悉時間 (RFC 3339 at +08:00).
    pub occurred_at: Option<String>,
    pub aware_at: String,
    /// 三、狀況之描述, with the affected assets and the data involved.
    pub description: String,
    pub affected_assets: Vec<String>,
    pub data_kinds: Vec<String>,
    /// 四、等級之評估.
    pub level_assessment: LevelAssessmentOut,
    /// 五、因應事件所採取之措施.
    pub measures: String,
    /// 六、外部支援需求評估.
    pub support_needed: String,
    /// 七、其他相關事項.
    pub other: String,
    /// Who reports (masked for readers outside the organisation).
    pub reporter: String,
    pub reporter_contact: String,
    pub notified_at: Option<String>,
}

pub async fn notification(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<IncidentId>,
) -> ApiResult<ApiJson<NotificationOut>> {
    let v = st.app.get_incident(&c.p, &id).await?;
    let mut assets = Vec::new();
    for a in &v.incident.asset_ids {
        if let Ok(x) = st.app.get_asset(&c.p, a).await {
            assets.push(x.name.to_string());
        }
    }
    let x = v.incident;
    let [asset_class, confidentiality, integrity, availability] =
        zian_domain::incidents::facts_codes(&x.facts).map(String::from);
    Ok(ApiJson(NotificationOut {
        number: x.number,
        organisation: v.org_name,
        occurred_at: x.occurred_at.map(taipei),
        aware_at: taipei(x.aware_at),
        description: x.description.into(),
        affected_assets: assets,
        data_kinds: x.data_kinds,
        level_assessment: LevelAssessmentOut {
            level: v.level,
            major: v.major,
            computed_level: x.level_override.and(x.computed_level),
            override_reason: x.level_override.map(|_| x.override_reason.to_string()),
            asset_class,
            confidentiality,
            integrity,
            availability,
            regulation: v.regulation,
            rules_version: x.rules_version,
        },
        measures: x.measures.into(),
        support_needed: x.support_needed.into(),
        other: x.other_notes.into(),
        reporter: x.reporter.into(),
        reporter_contact: x.reporter_contact.into(),
        notified_at: x.notified_at.map(taipei),
    }))
}
