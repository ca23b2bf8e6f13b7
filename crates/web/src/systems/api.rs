//! The information systems API: the register, grading, baseline controls
//! and the statement of applicability (also as CSV).

use std::collections::BTreeMap;

use axum::extract::State;
use axum::http::StatusCode;
use schemars::JsonSchema;
use serde::Serialize;
use zian_app::compliance::rules::{Dimension, Impact};
use zian_app::systems::{
    ControlInput, GradingInput, GradingOutcome, SoaRow, SystemInput, SystemView,
};
use zian_domain::day::ymd;
use zian_domain::systems::{ControlState, Grading, InfoSystem};
use zian_domain::{OrgId, Permission, SystemId};

use crate::compliance::api::AppliedOverrideOut;
use crate::error::ApiResult;
use crate::extract::{ApiCaller, ApiJson, ApiPath, ApiQuery};
use crate::list::PageOut;
use crate::state::AppState;
use crate::values::ymd as d;

/// 普/中/高 of a level.
pub fn impact_zh(level: Option<Impact>) -> &'static str {
    level.map_or("—", Impact::as_str)
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct SystemOut {
    pub id: String,
    pub org_id: String,
    pub name: String,
    pub owner: String,
    pub description: String,
    /// `low`, `medium`, `high` (普/中/高) after the latest grading.
    pub level: Option<String>,
    pub level_zh: Option<String>,
    pub graded_on: Option<String>,
    pub review_due: Option<String>,
    /// When the system was archived (unix seconds); null while in use.
    pub archived_at: Option<i64>,
}

impl From<InfoSystem> for SystemOut {
    fn from(s: InfoSystem) -> Self {
        SystemOut {
            level_zh: s.level.map(|l| l.as_str().to_string()),
            id: s.id.into(),
            org_id: s.org_id.into(),
            name: s.name.into(),
            owner: s.owner.into(),
            description: s.description.into(),
            level: s.level.map(|l| l.code().to_string()),
            graded_on: d(s.graded_on),
            review_due: d(s.review_due),
            archived_at: s.archived_at,
        }
    }
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct GradingOut {
    pub id: String,
    pub c: String,
    pub i: String,
    pub a: String,
    pub l: String,
    pub level: String,
    pub previous_level: Option<String>,
    pub answers: BTreeMap<String, String>,
    pub rationale: String,
    pub assessor: String,
    pub approver: String,
    pub assessed_on: String,
    pub review_due: String,
}

impl From<Grading> for GradingOut {
    fn from(g: Grading) -> Self {
        GradingOut {
            answers: g.answers,
            id: g.id,
            c: g.c.code().into(),
            i: g.i.code().into(),
            a: g.a.code().into(),
            l: g.l.code().into(),
            level: g.level.code().into(),
            previous_level: g.previous_level.map(|l| l.code().into()),
            rationale: g.rationale,
            assessor: g.assessor.into(),
            approver: g.approver.into(),
            assessed_on: ymd(g.assessed_on),
            review_due: ymd(g.review_due),
        }
    }
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct ControlStatusOut {
    pub control_id: String,
    pub status: String,
    pub planned_on: Option<String>,
    pub na_reason: Option<String>,
    pub owner: String,
    pub evidence: String,
    pub updated_at: i64,
}

impl From<ControlState> for ControlStatusOut {
    fn from(c: ControlState) -> Self {
        ControlStatusOut {
            control_id: c.control_id,
            status: c.status.as_str().into(),
            planned_on: d(c.planned_on),
            na_reason: c.na_reason.map(String::from),
            owner: c.owner.into(),
            evidence: c.evidence.into(),
            updated_at: c.updated_at,
        }
    }
}

/// One row of the statement of applicability.
#[derive(Debug, Serialize, JsonSchema)]
pub struct SoaOut {
    pub control_id: String,
    pub family: String,
    pub title_zh: String,
    /// Lowest system level requiring it (`low`/`medium`/`high`).
    pub min_level: String,
    pub version: String,
    pub source: String,
    pub required: bool,
    pub applicable: bool,
    pub exemption: Option<AppliedOverrideOut>,
    pub status: Option<ControlStatusOut>,
    /// Why it does not apply: `level`, or the exemption / not-applicable reason.
    pub reason: Option<String>,
}

impl From<SoaRow> for SoaOut {
    fn from(r: SoaRow) -> Self {
        SoaOut {
            control_id: r.control.id.clone(),
            family: r.control.family.clone(),
            title_zh: r.control.title_zh.clone(),
            min_level: r.control.level.code().to_string(),
            version: r.control.version.clone(),
            source: r.control.source.clone(),
            required: r.required,
            applicable: r.applicable,
            exemption: r.exemption.as_ref().map(AppliedOverrideOut::from),
            status: r.status.map(ControlStatusOut::from),
            reason: r.reason,
        }
    }
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct SystemDetailOut {
    pub system: SystemOut,
    pub baseline_version: Option<String>,
    pub review_overdue: bool,
    /// Newest first.
    pub gradings: Vec<GradingOut>,
    /// Required controls (the baseline), ids.
    pub baseline: Vec<String>,
    /// Statement of applicability: every control in force today.
    pub soa: Vec<SoaOut>,
    pub newly_required: Vec<String>,
    pub no_longer_required: Vec<String>,
}

impl From<SystemView> for SystemDetailOut {
    fn from(v: SystemView) -> Self {
        SystemDetailOut {
            system: v.system.into(),
            baseline_version: v.baseline_version,
            review_overdue: v.review_overdue,
            gradings: v.gradings.into_iter().map(GradingOut::from).collect(),
            baseline: v
                .soa
                .iter()
                .filter(|r| r.required)
                .map(|r| r.control.id.clone())
                .collect(),
            soa: v.soa.into_iter().map(SoaOut::from).collect(),
            newly_required: v.newly_required,
            no_longer_required: v.no_longer_required,
        }
    }
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct DimensionOut {
    /// `c`, `i`, `a` or `l`.
    pub dimension: String,
    pub grade: String,
    pub grade_zh: String,
    pub criterion_zh: String,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct GradingOutcomeOut {
    pub grading: GradingOut,
    pub dimensions: Vec<DimensionOut>,
    pub level: String,
    pub level_zh: String,
    pub rationale_zh: String,
    pub newly_required: Vec<String>,
    pub no_longer_required: Vec<String>,
}

fn dim_code(d: Dimension) -> &'static str {
    match d {
        Dimension::C => "c",
        Dimension::I => "i",
        Dimension::A => "a",
        Dimension::L => "l",
    }
}

impl From<GradingOutcome> for GradingOutcomeOut {
    fn from(o: GradingOutcome) -> Self {
        GradingOutcomeOut {
            dimensions: o
                .result
                .dimensions
                .iter()
                .map(|x| DimensionOut {
                    dimension: dim_code(x.dimension).to_string(),
                    grade: x.grade.code().to_string(),
                    grade_zh: x.grade.as_str().to_string(),
                    criterion_zh: x.criterion_zh.clone(),
                })
                .collect(),
            level: o.result.level.code().to_string(),
            level_zh: o.result.level.as_str().to_string(),
            rationale_zh: o.result.rationale_zh.clone(),
            grading: o.grading.into(),
            newly_required: o.newly_required,
            no_longer_required: o.no_longer_required,
        }
    }
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct OptionOut {
    pub id: String,
    pub label_zh: String,
    pub label_en: String,
    pub grade: String,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct QuestionOut {
    pub id: String,
    pub dimension: String,
    pub text_zh: String,
    pub text_en: String,
    pub options: Vec<OptionOut>,
}

pub async fn questionnaire(
    State(st): State<AppState>,
    _c: ApiCaller,
) -> ApiResult<ApiJson<Vec<QuestionOut>>> {
    let q = st.app.questionnaire()?;
    Ok(ApiJson(
        q.questions
            .iter()
            .map(|q| QuestionOut {
                id: q.id.clone(),
                dimension: dim_code(q.dimension).to_string(),
                text_zh: q.text_zh.clone(),
                text_en: q.text_en.clone(),
                options: q
                    .options
                    .iter()
                    .map(|o| OptionOut {
                        id: o.id.clone(),
                        label_zh: o.label_zh.clone(),
                        label_en: o.label_en.clone(),
                        grade: o.grade.code().to_string(),
                    })
                    .collect(),
            })
            .collect(),
    ))
}

/// An organisation's systems, paged. The list parameters are parsed after
/// the access check, so malformed ones tell outsiders nothing.
pub async fn list(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<OrgId>,
    ApiQuery(q): ApiQuery<Vec<(String, String)>>,
) -> ApiResult<ApiJson<PageOut<SystemOut>>> {
    let org = st.app.org_with(&c.p, &id, Permission::RecordRead).await?;
    crate::values::flag(&q, "archived")?;
    crate::values::flag(&q, "review_overdue")?;
    let q = crate::list::query(&q, super::FILTERS)?;
    let (_, page) = st.app.list_systems(&c.p, &org.id, &q).await?;
    Ok(ApiJson(PageOut::of(page, SystemOut::from)))
}

/// Changes a system's name, owner and description.
pub async fn update(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<SystemId>,
    ApiJson(b): ApiJson<SystemInput>,
) -> ApiResult<ApiJson<SystemOut>> {
    Ok(ApiJson(st.app.update_system(&c.p, &id, b).await?.into()))
}

pub async fn archive(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<SystemId>,
) -> ApiResult<ApiJson<SystemOut>> {
    Ok(ApiJson(
        st.app.set_system_archived(&c.p, &id, true).await?.into(),
    ))
}

pub async fn restore(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<SystemId>,
) -> ApiResult<ApiJson<SystemOut>> {
    Ok(ApiJson(
        st.app.set_system_archived(&c.p, &id, false).await?.into(),
    ))
}

/// The statement of applicability as CSV: one line per control in force.
fn soa_rows(v: &SystemView, lang: zian_i18n::Lang) -> crate::csv::Csv {
    let i = zian_i18n::catalogue();
    let t = |k: &str| i.t(lang, k).to_string();
    let mut c = crate::csv::Csv::new();
    c.row(
        [
            "systems.name",
            "systems.control",
            "systems_edit.family",
            "systems_edit.family_en",
            "systems.control_title",
            "systems.min_level",
            "systems_edit.required",
            "systems.applicable",
            "systems.impl_status",
            "systems.owner",
            "compliance.evidence",
            "systems.planned_on",
            "systems.reason",
        ]
        .map(t),
    );
    let yes_no = |b: bool| t(if b { "systems.yes" } else { "systems.no" });
    for r in &v.soa {
        let st = r.status.as_ref();
        let reason = match (&r.reason, &r.exemption) {
            (Some(x), _) if x == "level" => t("systems.reason_level"),
            (Some(x), Some(e)) => format!(
                "{}：{x}（{}，{}）",
                t("compliance.kind.exempt"),
                e.approver,
                ymd(e.approved_on)
            ),
            (Some(x), None) => x.clone(),
            (None, _) => String::new(),
        };
        c.row([
            v.system.name.to_string(),
            r.control.id.clone(),
            r.control.family.clone(),
            r.control.family_en.clone(),
            r.control.title_zh.clone(),
            r.control.level.as_str().to_string(),
            yes_no(r.required),
            yes_no(r.applicable),
            st.map_or_else(String::new, |s| {
                t(&format!("systems.status.{}", s.status.as_str()))
            }),
            st.map_or_else(String::new, |s| s.owner.to_string()),
            st.map_or_else(String::new, |s| s.evidence.to_string()),
            st.and_then(|s| d(s.planned_on)).unwrap_or_default(),
            reason,
        ]);
    }
    c
}

/// The statement of applicability as CSV (UTF-8 with BOM).
pub async fn soa_csv(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<SystemId>,
) -> ApiResult<axum::response::Response> {
    let v = st.app.system_view(&c.p, &id).await?;
    let name = crate::csv::ascii_name(&format!("soa-{}.csv", v.system.id));
    Ok(soa_rows(&v, c.lang).into_download(&name))
}

pub async fn create(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<OrgId>,
    ApiJson(b): ApiJson<SystemInput>,
) -> ApiResult<(StatusCode, ApiJson<SystemOut>)> {
    let s = st.app.create_system(&c.p, &id, b).await?;
    Ok((StatusCode::CREATED, ApiJson(s.into())))
}

pub async fn get(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<SystemId>,
) -> ApiResult<ApiJson<SystemDetailOut>> {
    Ok(ApiJson(st.app.system_view(&c.p, &id).await?.into()))
}

pub async fn grade(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<SystemId>,
    ApiJson(b): ApiJson<GradingInput>,
) -> ApiResult<(StatusCode, ApiJson<GradingOutcomeOut>)> {
    let o = st.app.grade_system(&c.p, &id, b).await?;
    Ok((StatusCode::CREATED, ApiJson(o.into())))
}

pub async fn control_set(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath((id, control)): ApiPath<(SystemId, String)>,
    ApiJson(b): ApiJson<ControlInput>,
) -> ApiResult<ApiJson<ControlStatusOut>> {
    Ok(ApiJson(
        st.app
            .set_control_status(&c.p, &id, &control, b)
            .await?
            .into(),
    ))
}
