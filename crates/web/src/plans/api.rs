//! JSON API of the maintenance plan (資通安全維護計畫) and the KPI
//! measurements its quantitative objectives link to.

use axum::extract::State;
use axum::http::StatusCode;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use zian_app::plans::{KpiInput, PlanOverview, PlanRollupRow, PlanStart, PlanView};
use zian_domain::plan::{self, Kind, KpiMeasurement, PlanVersion};
use zian_domain::{OrgId, PlanId};
use zian_i18n::{Lang, msg};

use crate::error::ApiResult;
use crate::extract::{ApiCaller, ApiJson, ApiPath, ApiQuery};
use crate::state::AppState;
use crate::values::ymd;

/// A plan version without its content.
#[derive(Debug, Serialize, JsonSchema)]
pub struct PlanVersionOut {
    pub id: String,
    pub org_id: String,
    pub version: i64,
    /// `draft`, `submitted`, `approved` or `superseded`.
    pub status: String,
    pub change_note: String,
    /// The version this one was copied from.
    pub based_on: Option<String>,
    pub created_by: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    pub submitted_by: Option<String>,
    pub submitted_at: Option<i64>,
    /// Who approved or returned it.
    pub decided_by: Option<String>,
    pub decided_at: Option<i64>,
    /// The CISO's approval date (YYYY-MM-DD).
    pub approved_on: Option<String>,
    pub approver_name: Option<String>,
    pub return_reason: Option<String>,
    /// One year after approval.
    pub review_due: Option<String>,
}

impl From<PlanVersion> for PlanVersionOut {
    fn from(r: PlanVersion) -> Self {
        PlanVersionOut {
            id: r.id.into(),
            org_id: r.org_id.into(),
            version: r.version,
            status: r.status.as_str().into(),
            change_note: r.change_note,
            based_on: r.based_on.map(String::from),
            created_by: r.created_by.map(String::from),
            created_at: r.created_at,
            updated_at: r.updated_at,
            submitted_by: r.submitted_by.map(String::from),
            submitted_at: r.submitted_at,
            decided_by: r.decided_by.map(String::from),
            decided_at: r.decided_at,
            approved_on: ymd(r.approved_on),
            approver_name: r.approver_name,
            return_reason: r.return_reason,
            review_due: ymd(r.review_due),
        }
    }
}

/// An organisation's plan versions and the state of its yearly review.
#[derive(Debug, Serialize, JsonSchema)]
pub struct PlanOverviewOut {
    pub org_id: String,
    /// Newest first.
    pub versions: Vec<PlanVersionOut>,
    pub approved_id: Option<String>,
    pub open_id: Option<String>,
    pub review_due: Option<String>,
    /// `none`, `ok`, `due_soon` or `overdue`.
    pub review_status: String,
}

impl From<PlanOverview> for PlanOverviewOut {
    fn from(o: PlanOverview) -> Self {
        PlanOverviewOut {
            org_id: o.org.id.into(),
            approved_id: o.approved.map(|a| a.id.into()),
            open_id: o.open.map(|a| a.id.into()),
            versions: o.versions.into_iter().map(Into::into).collect(),
            review_due: ymd(o.review_due),
            review_status: o.review_status.into(),
        }
    }
}

/// A finding of the pre-submission review.
#[derive(Debug, Serialize, JsonSchema)]
pub struct FindingOut {
    pub chapter: String,
    /// `blocking` (prevents submission) or `warning`.
    pub severity: String,
    pub message: String,
}

/// The plan against the responsibility level's requirements.
#[derive(Debug, Serialize, JsonSchema)]
pub struct RequirementOut {
    pub item: String,
    pub label: String,
    pub required: f64,
    pub planned: Option<f64>,
    pub met: bool,
}

/// One version with its content, live summaries and review.
#[derive(Debug, Serialize, JsonSchema)]
pub struct PlanOut {
    #[serde(flatten)]
    pub version: PlanVersionOut,
    /// One object per chapter (see `GET /api/v1/plan-schema`).
    pub content: Value,
    /// Systems, risks, baseline controls, measured KPIs and the level's
    /// requirements: live for drafts, frozen at submission otherwise.
    pub live: Value,
    pub live_is_frozen: bool,
    pub findings: Vec<FindingOut>,
    pub requirements: Vec<RequirementOut>,
    pub can_edit: bool,
    pub can_approve: bool,
    pub previous_id: Option<String>,
}

impl PlanOut {
    fn of(v: PlanView, lang: Lang) -> Self {
        PlanOut {
            content: v.content.into_json(),
            live: serde_json::to_value(&v.live).unwrap_or(Value::Null),
            live_is_frozen: v.live_is_frozen,
            findings: v
                .findings
                .iter()
                .map(|f| FindingOut {
                    chapter: f.chapter.into(),
                    severity: match f.severity {
                        plan::Severity::Blocking => "blocking".into(),
                        plan::Severity::Warning => "warning".into(),
                    },
                    message: f.message.render(lang),
                })
                .collect(),
            requirements: v
                .requirements
                .iter()
                .map(|r| RequirementOut {
                    item: r.item.into(),
                    label: r.label().render(lang),
                    required: r.required,
                    planned: r.planned,
                    met: r.met,
                })
                .collect(),
            can_edit: v.can_edit,
            can_approve: v.can_approve,
            previous_id: v.previous_id.map(String::from),
            version: v.row.into(),
        }
    }
}

/// Starts a new version.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanCreateIn {
    /// `latest` (copy the newest version; the official template when there is
    /// none) or `template`. Ignored when `content` is given.
    pub start: Option<String>,
    /// Content to start from (an import), checked against the schema.
    pub content: Option<Value>,
    pub change_note: Option<String>,
}

/// Replaces a draft's content.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanUpdateIn {
    pub content: Value,
    pub change_note: Option<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanApproveIn {
    /// The approval date (default today; not in the future).
    pub approved_on: Option<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanReturnIn {
    pub reason: String,
}

/// One difference between two versions.
#[derive(Debug, Serialize, JsonSchema)]
pub struct ChangeOut {
    pub chapter: String,
    /// `added`, `removed` or `changed`.
    pub kind: String,
    pub location: String,
    pub before: Value,
    pub after: Value,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct PlanDiffOut {
    pub id: String,
    pub version: i64,
    /// The version compared against (none: compared with an empty plan).
    pub against_id: Option<String>,
    pub against_version: Option<i64>,
    pub changes: Vec<ChangeOut>,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct DiffQuery {
    /// Another version of the same plan (default: the previous one).
    pub against: Option<String>,
}

/// The chapter schema, for clients that build or check plan content.
#[derive(Debug, Serialize, JsonSchema)]
pub struct SchemaOut {
    pub chapters: Vec<ChapterSchemaOut>,
    /// KPI codes a quantitative objective may link to, with labels.
    pub kpis: Vec<KpiSchemaOut>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct ChapterSchemaOut {
    pub key: String,
    pub number: String,
    pub title_zh: String,
    pub title_en: String,
    pub fields: Vec<FieldSchemaOut>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct FieldSchemaOut {
    pub key: String,
    pub label_zh: String,
    pub label_en: String,
    /// `text`, `textarea`, `lines`, `int`, `decimal`, `bool`, `date`, `select` or `table`.
    pub kind: String,
    pub max: Option<f64>,
    pub min: Option<f64>,
    pub options: Vec<String>,
    /// Columns of a table (the first is the row key).
    pub columns: Vec<FieldSchemaOut>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct KpiSchemaOut {
    pub code: String,
    pub label_zh: String,
    pub label_en: String,
}

fn field_schema(f: &plan::Field) -> FieldSchemaOut {
    let (kind, min, max, options, columns): (
        &str,
        Option<f64>,
        Option<f64>,
        Vec<String>,
        Vec<FieldSchemaOut>,
    ) = match f.kind {
        Kind::Text { max } => ("text", None, Some(max as f64), vec![], vec![]),
        Kind::TextArea { max } => ("textarea", None, Some(max as f64), vec![], vec![]),
        Kind::Lines { max_items } => ("lines", None, Some(max_items as f64), vec![], vec![]),
        Kind::Int { min, max } => ("int", Some(min as f64), Some(max as f64), vec![], vec![]),
        Kind::Decimal { min, max } => ("decimal", Some(min), Some(max), vec![], vec![]),
        Kind::Bool => ("bool", None, None, vec![], vec![]),
        Kind::Date => ("date", None, None, vec![], vec![]),
        Kind::Select { options } => (
            "select",
            None,
            None,
            options.iter().map(|s| s.to_string()).collect(),
            vec![],
        ),
        Kind::Table { columns, max_rows } => (
            "table",
            None,
            Some(max_rows as f64),
            vec![],
            columns.iter().map(field_schema).collect(),
        ),
    };
    FieldSchemaOut {
        key: f.key.into(),
        label_zh: f.label_zh.into(),
        label_en: f.label_en.into(),
        kind: kind.into(),
        min,
        max,
        options,
        columns,
    }
}

pub async fn schema(_c: ApiCaller) -> ApiResult<ApiJson<SchemaOut>> {
    Ok(ApiJson(SchemaOut {
        chapters: plan::CHAPTERS
            .iter()
            .map(|c| ChapterSchemaOut {
                key: c.key.into(),
                number: c.number.into(),
                title_zh: c.title_zh.into(),
                title_en: c.title_en.into(),
                fields: c.fields.iter().map(field_schema).collect(),
            })
            .collect(),
        kpis: plan::schema::KPIS
            .iter()
            .map(|(c, zh, en)| KpiSchemaOut {
                code: (*c).into(),
                label_zh: (*zh).into(),
                label_en: (*en).into(),
            })
            .collect(),
    }))
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct PlanRollupOut {
    pub org_id: String,
    pub org_code: String,
    pub org_name: String,
    pub level: Option<String>,
    pub approved_version: Option<i64>,
    pub approved_on: Option<String>,
    pub review_due: Option<String>,
    /// `none` (never approved), `ok`, `due_soon` or `overdue`.
    pub review_status: String,
    /// `draft` or `submitted` when a version is open.
    pub open_status: Option<String>,
}

impl From<PlanRollupRow> for PlanRollupOut {
    fn from(r: PlanRollupRow) -> Self {
        PlanRollupOut {
            org_id: r.org_id.into(),
            org_code: r.org_code,
            org_name: r.org_name,
            level: r.level,
            approved_version: r.approved_version,
            approved_on: ymd(r.approved_on),
            review_due: ymd(r.review_due),
            review_status: r.review_status.into(),
            open_status: r.open_status.map(|s| s.as_str().to_string()),
        }
    }
}

pub async fn rollup(
    State(st): State<AppState>,
    c: ApiCaller,
) -> ApiResult<ApiJson<Vec<PlanRollupOut>>> {
    Ok(ApiJson(
        st.app
            .plan_rollup(&c.p)
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
    ))
}

pub async fn overview(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<OrgId>,
) -> ApiResult<ApiJson<PlanOverviewOut>> {
    Ok(ApiJson(st.app.plan_overview(&c.p, &id).await?.into()))
}

pub async fn create(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<OrgId>,
    ApiJson(b): ApiJson<PlanCreateIn>,
) -> ApiResult<(StatusCode, ApiJson<PlanOut>)> {
    let start = match (b.content, b.start.as_deref()) {
        (Some(v), _) => PlanStart::Content(v),
        (None, Some("template")) => PlanStart::Template,
        (None, None | Some("latest") | Some("")) => PlanStart::Latest,
        (None, Some(_)) => {
            // judged after the access check, like every other input
            st.app
                .org_with(&c.p, &id, zian_domain::Permission::RecordWrite)
                .await?;
            return Err(zian_app::AppError::invalid(
                "start",
                msg!("reason.one_of", values = "latest, template"),
            )
            .into());
        }
    };
    let row = st
        .app
        .create_plan_version(&c.p, &id, start, b.change_note.as_deref().unwrap_or(""))
        .await?;
    let v = st.app.plan_view(&c.p, &row.id).await?;
    Ok((StatusCode::CREATED, ApiJson(PlanOut::of(v, c.lang))))
}

pub async fn get(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<PlanId>,
) -> ApiResult<ApiJson<PlanOut>> {
    Ok(ApiJson(PlanOut::of(
        st.app.plan_view(&c.p, &id).await?,
        c.lang,
    )))
}

pub async fn update(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<PlanId>,
    ApiJson(b): ApiJson<PlanUpdateIn>,
) -> ApiResult<ApiJson<PlanOut>> {
    Ok(ApiJson(PlanOut::of(
        st.app
            .update_plan(&c.p, &id, &b.content, b.change_note.as_deref())
            .await?,
        c.lang,
    )))
}

pub async fn update_chapter(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath((id, chapter)): ApiPath<(PlanId, String)>,
    ApiJson(b): ApiJson<Value>,
) -> ApiResult<ApiJson<PlanOut>> {
    Ok(ApiJson(PlanOut::of(
        st.app.update_plan_chapter(&c.p, &id, &chapter, &b).await?,
        c.lang,
    )))
}

/// Rows added to the core-system table.
#[derive(Debug, Serialize, JsonSchema)]
pub struct CoreSystemsOut {
    pub added: usize,
}

pub async fn core_systems_from_register(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<PlanId>,
) -> ApiResult<ApiJson<CoreSystemsOut>> {
    let added = st.app.plan_core_systems_from_register(&c.p, &id).await?;
    Ok(ApiJson(CoreSystemsOut { added }))
}

pub async fn business_from_bia(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<PlanId>,
) -> ApiResult<ApiJson<CoreSystemsOut>> {
    let added = st.app.plan_business_from_bia(&c.p, &id).await?;
    Ok(ApiJson(CoreSystemsOut { added }))
}

pub async fn submit(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<PlanId>,
) -> ApiResult<ApiJson<PlanOut>> {
    Ok(ApiJson(PlanOut::of(
        st.app.submit_plan(&c.p, &id).await?,
        c.lang,
    )))
}

pub async fn approve(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<PlanId>,
    ApiJson(b): ApiJson<PlanApproveIn>,
) -> ApiResult<ApiJson<PlanOut>> {
    Ok(ApiJson(PlanOut::of(
        st.app
            .approve_plan(&c.p, &id, b.approved_on.as_deref())
            .await?,
        c.lang,
    )))
}

pub async fn return_to_draft(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<PlanId>,
    ApiJson(b): ApiJson<PlanReturnIn>,
) -> ApiResult<ApiJson<PlanOut>> {
    Ok(ApiJson(PlanOut::of(
        st.app.return_plan(&c.p, &id, &b.reason).await?,
        c.lang,
    )))
}

pub async fn diff(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<PlanId>,
    ApiQuery(q): ApiQuery<DiffQuery>,
) -> ApiResult<ApiJson<PlanDiffOut>> {
    let lang = c.lang;
    let against = q.against.filter(|s| !s.is_empty());
    let against = against.map(PlanId::from);
    let (row, other, changes) = st.app.plan_diff(&c.p, &id, against.as_ref()).await?;
    Ok(ApiJson(PlanDiffOut {
        id: row.id.into(),
        version: row.version,
        against_id: other.as_ref().map(|o| o.id.to_string()),
        against_version: other.as_ref().map(|o| o.version),
        changes: changes
            .into_iter()
            .map(|ch| ChangeOut {
                chapter: ch.chapter.into(),
                kind: match ch.kind {
                    plan::ChangeKind::Added => "added".into(),
                    plan::ChangeKind::Removed => "removed".into(),
                    plan::ChangeKind::Changed => "changed".into(),
                },
                location: ch.location(lang).into(),
                before: ch.before,
                after: ch.after,
            })
            .collect(),
    }))
}

/// A KPI measurement.
#[derive(Debug, Serialize, JsonSchema)]
pub struct KpiOut {
    pub id: String,
    pub org_id: String,
    pub kpi: String,
    pub period_end: String,
    pub value: f64,
    pub source: String,
    pub note: String,
    pub recorded_at: i64,
}

impl From<KpiMeasurement> for KpiOut {
    fn from(k: KpiMeasurement) -> Self {
        KpiOut {
            value: k.value(),
            id: k.id,
            org_id: k.org_id.into(),
            kpi: k.kpi,
            period_end: zian_domain::day::ymd(k.period_end),
            source: k.source,
            note: k.note,
            recorded_at: k.recorded_at,
        }
    }
}

pub async fn kpis_list(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<OrgId>,
) -> ApiResult<ApiJson<Vec<KpiOut>>> {
    Ok(ApiJson(
        st.app
            .list_kpis(&c.p, &id)
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
    ))
}

pub async fn kpis_create(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<OrgId>,
    ApiJson(b): ApiJson<KpiInput>,
) -> ApiResult<(StatusCode, ApiJson<KpiOut>)> {
    let k = st.app.record_kpi(&c.p, &id, b).await?;
    Ok((StatusCode::CREATED, ApiJson(k.into())))
}
