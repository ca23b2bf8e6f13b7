//! JSON API of issue 4: obligations and compliance, overrides, the
//! supervisors' roll-up, information systems with grading, baseline and
//! statement of applicability.

use std::collections::BTreeMap;

use axum::extract::State;
use axum::http::StatusCode;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use zian_app::compliance::rules::{AppliedOverride, Impact};
use zian_app::compliance::{
    CompletionInput, ObligationView, OrgCompliance, OverrideInput, RollupRow, StatusCounts, ymd,
};
use zian_app::systems::{
    ControlInput, GradingInput, GradingOutcome, SoaRow, SystemInput, SystemView,
};
use zian_storage::{CompletionRow, ControlStatusRow, GradingRow, OverrideRow, SystemRow};

use super::dto::OrgOut;
use super::{ApiJson, ApiPath, ApiQuery, ApiResult};
use crate::extract::ApiCaller;
use crate::state::AppState;
use zian_app::AppError;
use zian_domain::Permission;

fn d(x: Option<time::Date>) -> Option<String> {
    x.map(ymd)
}

/// An override as applied to an obligation or control.
#[derive(Debug, Serialize, JsonSchema)]
pub struct AppliedOverrideOut {
    /// `exempt` or `replace`.
    pub kind: String,
    pub reason: String,
    pub approver: String,
    pub approved_on: String,
    /// Human-readable changes, e.g. `frequency: yearly → twice-yearly`.
    pub changes: Vec<String>,
}

impl From<&AppliedOverride> for AppliedOverrideOut {
    fn from(o: &AppliedOverride) -> Self {
        AppliedOverrideOut {
            kind: o.kind.to_string(),
            reason: o.reason.clone(),
            approver: o.approver.clone(),
            approved_on: ymd(o.approved_on),
            changes: o.changes.clone(),
        }
    }
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct CompletionOut {
    pub id: String,
    pub rule_id: String,
    pub due_date: String,
    pub completed_on: String,
    pub note: String,
    pub evidence_link: Option<String>,
    pub evidence_sha256: Option<String>,
    pub recorded_by: Option<String>,
    pub recorded_at: i64,
}

impl From<CompletionRow> for CompletionOut {
    fn from(c: CompletionRow) -> Self {
        CompletionOut {
            id: c.id,
            rule_id: c.rule_id,
            due_date: c.due_date,
            completed_on: c.completed_on,
            note: c.note,
            evidence_link: c.evidence_link,
            evidence_sha256: c.evidence_sha256,
            recorded_by: c.recorded_by,
            recorded_at: c.recorded_at,
        }
    }
}

/// One obligation with its status (`met`, `due_soon`, `overdue`,
/// `not_applicable`, `open`).
#[derive(Debug, Serialize, JsonSchema)]
pub struct ObligationOut {
    pub id: String,
    pub item: String,
    pub title_zh: String,
    pub title_en: String,
    pub category: String,
    pub frequency: String,
    pub deadline_months: Option<u32>,
    pub count: Option<u32>,
    pub unit: Option<String>,
    pub first_due: Option<String>,
    pub regulation: String,
    pub article: String,
    pub cell: String,
    pub source: String,
    pub confidence: String,
    pub rules_version: String,
    pub deadline_version: String,
    pub status: String,
    pub due: Option<String>,
    pub next_due: Option<String>,
    pub reason: Option<String>,
    #[serde(rename = "override")]
    pub override_: Option<AppliedOverrideOut>,
    pub completions: Vec<CompletionOut>,
}

impl From<ObligationView> for ObligationOut {
    fn from(v: ObligationView) -> Self {
        let o = v.obligation;
        ObligationOut {
            override_: o.overridden.as_ref().map(AppliedOverrideOut::from),
            id: o.id,
            item: o.item,
            title_zh: o.title_zh,
            title_en: o.title_en,
            category: o.category.as_str().to_string(),
            frequency: o.frequency.as_str().to_string(),
            deadline_months: o.deadline_months,
            count: o.count,
            unit: o.unit,
            first_due: d(o.first_due),
            regulation: o.regulation,
            article: o.article,
            cell: o.cell,
            source: o.source,
            confidence: o.confidence.as_str().to_string(),
            rules_version: o.rules_version,
            deadline_version: o.deadline_version,
            status: v.status.as_str().to_string(),
            due: d(v.due),
            next_due: d(v.next_due),
            reason: v.reason,
            completions: v.completions.into_iter().map(CompletionOut::from).collect(),
        }
    }
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct StatusCountsOut {
    pub met: usize,
    pub due_soon: usize,
    pub overdue: usize,
    pub not_applicable: usize,
    pub open: usize,
}

impl From<StatusCounts> for StatusCountsOut {
    fn from(c: StatusCounts) -> Self {
        StatusCountsOut {
            met: c.met,
            due_soon: c.due_soon,
            overdue: c.overdue,
            not_applicable: c.not_applicable,
            open: c.open,
        }
    }
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct OverrideOut {
    pub id: String,
    /// The organisation it was recorded at (it applies to its subtree).
    pub org_id: String,
    pub rule_id: String,
    pub kind: String,
    pub frequency: Option<String>,
    pub deadline_months: Option<i64>,
    pub count: Option<i64>,
    pub unit: Option<String>,
    pub reason: String,
    pub approver: String,
    pub approved_on: String,
    pub effective_from: String,
    pub effective_to: Option<String>,
}

impl From<OverrideRow> for OverrideOut {
    fn from(o: OverrideRow) -> Self {
        OverrideOut {
            id: o.id,
            org_id: o.org_id,
            rule_id: o.rule_id,
            kind: o.kind,
            frequency: o.frequency,
            deadline_months: o.deadline_months,
            count: o.count,
            unit: o.unit,
            reason: o.reason,
            approver: o.approver,
            approved_on: o.approved_on,
            effective_from: o.effective_from,
            effective_to: o.effective_to,
        }
    }
}

/// An organisation's obligations today.
#[derive(Debug, Serialize, JsonSchema)]
pub struct ComplianceOut {
    pub org: OrgOut,
    pub on: String,
    /// Why nothing could be computed: `level_not_assigned`, `level_assigned_in_future`, `no_rules_in_force`.
    pub unavailable: Option<String>,
    pub counts: StatusCountsOut,
    pub obligations: Vec<ObligationOut>,
    pub overrides: Vec<OverrideOut>,
}

impl From<OrgCompliance> for ComplianceOut {
    fn from(c: OrgCompliance) -> Self {
        ComplianceOut {
            org: OrgOut::from(c.org),
            on: ymd(c.on),
            unavailable: c.unavailable,
            counts: c.counts.into(),
            obligations: c.obligations.into_iter().map(ObligationOut::from).collect(),
            overrides: c.overrides.into_iter().map(OverrideOut::from).collect(),
        }
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CompletionIn {
    pub rule_id: String,
    /// The due date satisfied (YYYY-MM-DD); default: the overdue one, else the next.
    pub due_date: Option<String>,
    /// Default: today.
    pub completed_on: Option<String>,
    pub note: String,
    /// A local path (`/…`) or an http(s) URL of a record proving it.
    pub evidence_link: Option<String>,
    /// Evidence text; only its SHA-256 is stored.
    pub evidence_text: Option<String>,
    /// SHA-256 (hex) of an evidence file.
    pub evidence_sha256: Option<String>,
    /// An evidence file uploaded to the organisation (`POST /api/v1/orgs/{id}/evidence`).
    pub evidence_id: Option<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OverrideIn {
    /// Rule id (e.g. `T3.penetration-test`) or control id (e.g. `AC-07`).
    pub rule_id: String,
    /// `exempt` or `replace`.
    pub kind: String,
    pub frequency: Option<String>,
    pub deadline_months: Option<u32>,
    pub count: Option<u32>,
    pub unit: Option<String>,
    pub reason: String,
    pub approver: String,
    pub approved_on: String,
    pub effective_from: Option<String>,
    pub effective_to: Option<String>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct BehindOut {
    pub id: String,
    pub title_zh: String,
    pub title_en: String,
    pub status: String,
    pub due: Option<String>,
}

/// One organisation of the roll-up.
#[derive(Debug, Serialize, JsonSchema)]
pub struct RollupOut {
    pub org: OrgOut,
    pub unavailable: Option<String>,
    pub counts: StatusCountsOut,
    /// Obligations overdue or due within 30 days.
    pub behind: Vec<BehindOut>,
}

impl From<RollupRow> for RollupOut {
    fn from(r: RollupRow) -> Self {
        RollupOut {
            org: OrgOut::from(r.org),
            unavailable: r.unavailable,
            counts: r.counts.into(),
            behind: r
                .behind
                .into_iter()
                .map(|v| BehindOut {
                    id: v.obligation.id,
                    title_zh: v.obligation.title_zh,
                    title_en: v.obligation.title_en,
                    status: v.status.as_str().to_string(),
                    due: d(v.due),
                })
                .collect(),
        }
    }
}

pub async fn obligations(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<ApiJson<ComplianceOut>> {
    Ok(ApiJson(st.app.org_compliance(&c.p, &id).await?.into()))
}

pub async fn completion_create(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<String>,
    ApiJson(b): ApiJson<CompletionIn>,
) -> ApiResult<(StatusCode, ApiJson<CompletionOut>)> {
    let input = CompletionInput {
        rule_id: b.rule_id,
        due_date: b.due_date,
        completed_on: b.completed_on,
        note: b.note,
        evidence_link: b.evidence_link,
        evidence_text: b.evidence_text,
        evidence_sha256: b.evidence_sha256,
        evidence_id: b.evidence_id,
    };
    let row = st.app.record_completion(&c.p, &id, input).await?;
    Ok((StatusCode::CREATED, ApiJson(row.into())))
}

pub fn override_input(b: OverrideIn) -> OverrideInput {
    OverrideInput {
        rule_id: b.rule_id,
        kind: b.kind,
        frequency: b.frequency,
        deadline_months: b.deadline_months,
        count: b.count,
        unit: b.unit,
        reason: b.reason,
        approver: b.approver,
        approved_on: b.approved_on,
        effective_from: b.effective_from,
        effective_to: b.effective_to,
    }
}

pub async fn override_create(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<String>,
    ApiJson(b): ApiJson<OverrideIn>,
) -> ApiResult<(StatusCode, ApiJson<OverrideOut>)> {
    let row = st.app.record_override(&c.p, &id, override_input(b)).await?;
    Ok((StatusCode::CREATED, ApiJson(row.into())))
}

pub async fn rollup(
    State(st): State<AppState>,
    c: ApiCaller,
) -> ApiResult<ApiJson<Vec<RollupOut>>> {
    Ok(ApiJson(
        st.app
            .compliance_rollup(&c.p)
            .await?
            .into_iter()
            .map(RollupOut::from)
            .collect(),
    ))
}

// ---- systems

/// 普/中/高 for a stored `low`/`medium`/`high`.
pub fn impact_zh(code: &str) -> &'static str {
    match code {
        "low" => "普",
        "medium" => "中",
        "high" => "高",
        _ => "—",
    }
}

fn impact_code(g: Impact) -> &'static str {
    zian_app::systems::impact_code(g)
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

impl From<SystemRow> for SystemOut {
    fn from(s: SystemRow) -> Self {
        SystemOut {
            level_zh: s.level.as_deref().map(|l| impact_zh(l).to_string()),
            id: s.id,
            org_id: s.org_id,
            name: s.name,
            owner: s.owner,
            description: s.description,
            level: s.level,
            graded_on: s.graded_on,
            review_due: s.review_due,
            archived_at: s.archived_at,
        }
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SystemIn {
    pub name: String,
    pub owner: String,
    pub description: Option<String>,
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

impl From<GradingRow> for GradingOut {
    fn from(g: GradingRow) -> Self {
        GradingOut {
            answers: serde_json::from_str(&g.answers).unwrap_or_default(),
            id: g.id,
            c: g.c,
            i: g.i,
            a: g.a,
            l: g.l,
            level: g.level,
            previous_level: g.previous_level,
            rationale: g.rationale,
            assessor: g.assessor,
            approver: g.approver,
            assessed_on: g.assessed_on,
            review_due: g.review_due,
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

impl From<ControlStatusRow> for ControlStatusOut {
    fn from(c: ControlStatusRow) -> Self {
        ControlStatusOut {
            control_id: c.control_id,
            status: c.status,
            planned_on: c.planned_on,
            na_reason: c.na_reason,
            owner: c.owner,
            evidence: c.evidence,
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
            min_level: impact_code(r.control.level).to_string(),
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

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GradingIn {
    /// An object: question id → option id (see `GET /api/v1/grading/questionnaire`).
    pub answers: serde_json::Value,
    pub assessor: String,
    pub approver: String,
    /// Default: today.
    pub assessed_on: Option<String>,
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

fn dim_code(d: zian_app::compliance::rules::Dimension) -> &'static str {
    use zian_app::compliance::rules::Dimension;
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
                    grade: impact_code(x.grade).to_string(),
                    grade_zh: x.grade.as_str().to_string(),
                    criterion_zh: x.criterion_zh.clone(),
                })
                .collect(),
            level: impact_code(o.result.level).to_string(),
            level_zh: o.result.level.as_str().to_string(),
            rationale_zh: o.result.rationale_zh.clone(),
            grading: o.grading.into(),
            newly_required: o.newly_required,
            no_longer_required: o.no_longer_required,
        }
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ControlIn {
    /// `implemented`, `partial`, `planned` (with `planned_on`) or `not_applicable` (with `na_reason`).
    pub status: String,
    pub planned_on: Option<String>,
    pub na_reason: Option<String>,
    pub owner: String,
    pub evidence: Option<String>,
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
    c: ApiCaller,
) -> ApiResult<ApiJson<Vec<QuestionOut>>> {
    let _ = &c;
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
                        grade: impact_code(o.grade).to_string(),
                    })
                    .collect(),
            })
            .collect(),
    ))
}

/// `archived=true` (or `1`) lists archived systems too; parsed after the
/// access check.
pub fn include_archived(pairs: &[(String, String)]) -> Result<bool, AppError> {
    match pairs
        .iter()
        .find(|(k, _)| k == "archived")
        .map(|(_, v)| v.trim())
    {
        None | Some("") | Some("false") | Some("0") => Ok(false),
        Some("true") | Some("1") => Ok(true),
        Some(_) => Err(AppError::invalid("archived", "true or false")),
    }
}

pub async fn systems_list(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<String>,
    ApiQuery(q): ApiQuery<Vec<(String, String)>>,
) -> ApiResult<ApiJson<Vec<SystemOut>>> {
    let org = st.app.org_with(&c.p, &id, Permission::RecordRead).await?;
    let all = include_archived(&q)?;
    let (_, v) = st.app.list_systems(&c.p, &org.id, all).await?;
    Ok(ApiJson(v.into_iter().map(SystemOut::from).collect()))
}

/// Changes a system's name, owner and description.
pub async fn system_update(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<String>,
    ApiJson(b): ApiJson<SystemIn>,
) -> ApiResult<ApiJson<SystemOut>> {
    let s = st
        .app
        .update_system(
            &c.p,
            &id,
            SystemInput {
                name: b.name,
                owner: b.owner,
                description: b.description.unwrap_or_default(),
            },
        )
        .await?;
    Ok(ApiJson(s.into()))
}

pub async fn system_archive(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<ApiJson<SystemOut>> {
    Ok(ApiJson(
        st.app.set_system_archived(&c.p, &id, true).await?.into(),
    ))
}

pub async fn system_restore(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<ApiJson<SystemOut>> {
    Ok(ApiJson(
        st.app.set_system_archived(&c.p, &id, false).await?.into(),
    ))
}

/// The statement of applicability as CSV: one line per control in force.
pub fn soa_csv(v: &SystemView, lang: crate::i18n::Lang) -> crate::csv::Csv {
    let i = crate::error::i18n();
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
            v.system.name.clone(),
            r.control.id.clone(),
            r.control.family.clone(),
            r.control.family_en.clone(),
            r.control.title_zh.clone(),
            impact_zh(impact_code(r.control.level)).to_string(),
            yes_no(r.required),
            yes_no(r.applicable),
            st.map_or_else(String::new, |s| t(&format!("systems.status.{}", s.status))),
            st.map_or_else(String::new, |s| s.owner.clone()),
            st.map_or_else(String::new, |s| s.evidence.clone()),
            st.and_then(|s| s.planned_on.clone()).unwrap_or_default(),
            reason,
        ]);
    }
    c
}

/// The statement of applicability as CSV (UTF-8 with BOM).
pub async fn system_soa_csv(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<axum::response::Response> {
    let v = st.app.system_view(&c.p, &id).await?;
    let name = crate::api::risk::ascii_name(&format!("soa-{}.csv", v.system.id));
    Ok(soa_csv(&v, crate::error::current_lang()).into_download(&name))
}

pub async fn systems_create(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<String>,
    ApiJson(b): ApiJson<SystemIn>,
) -> ApiResult<(StatusCode, ApiJson<SystemOut>)> {
    let s = st
        .app
        .create_system(
            &c.p,
            &id,
            SystemInput {
                name: b.name,
                owner: b.owner,
                description: b.description.unwrap_or_default(),
            },
        )
        .await?;
    Ok((StatusCode::CREATED, ApiJson(s.into())))
}

pub async fn system_get(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<ApiJson<SystemDetailOut>> {
    Ok(ApiJson(st.app.system_view(&c.p, &id).await?.into()))
}

pub async fn system_grade(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<String>,
    ApiJson(b): ApiJson<GradingIn>,
) -> ApiResult<(StatusCode, ApiJson<GradingOutcomeOut>)> {
    let input = GradingInput {
        answers: b.answers,
        assessor: b.assessor,
        approver: b.approver,
        assessed_on: b.assessed_on,
    };
    let o = st.app.grade_system(&c.p, &id, input).await?;
    Ok((StatusCode::CREATED, ApiJson(o.into())))
}

pub async fn control_set(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath((id, control)): ApiPath<(String, String)>,
    ApiJson(b): ApiJson<ControlIn>,
) -> ApiResult<ApiJson<ControlStatusOut>> {
    let input = ControlInput {
        status: b.status,
        planned_on: b.planned_on,
        na_reason: b.na_reason,
        owner: b.owner,
        evidence: b.evidence.unwrap_or_default(),
    };
    Ok(ApiJson(
        st.app
            .set_control_status(&c.p, &id, &control, input)
            .await?
            .into(),
    ))
}
