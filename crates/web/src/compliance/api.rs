//! The compliance API: an organisation's obligations with their status,
//! completions with evidence, override requests and their decisions, and the
//! supervisors' roll-up.

use axum::extract::State;
use axum::http::StatusCode;
use schemars::JsonSchema;
use serde::Serialize;
use zian_app::compliance::rules::{AppliedOverride, OverrideKind};
use zian_app::compliance::{
    CompletionInput, ObligationView, OrgCompliance, OverrideDecisionInput, OverrideInput,
    RollupRow, StatusCounts,
};
use zian_domain::OrgId;
use zian_domain::compliance::{Completion, Override, OverrideAction};
use zian_domain::day::ymd;

use zian_i18n::Lang;

use crate::error::ApiResult;
use crate::extract::{ApiCaller, ApiJson, ApiPath, ApiQuery};
use crate::list::PageOut;
use crate::orgs::api::OrgOut;
use crate::state::AppState;
use crate::values::ymd as d;

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

impl CompletionOut {
    fn of(c: Completion, lang: Lang) -> Self {
        CompletionOut {
            note: match &c.auto_note {
                Some(m) => m.render(lang),
                None => c.note.into(),
            },
            id: c.id,
            rule_id: c.rule_id,
            due_date: ymd(c.due_date),
            completed_on: ymd(c.completed_on),
            evidence_link: c.evidence_link,
            evidence_sha256: c.evidence_sha256,
            recorded_by: c.recorded_by.map(String::from),
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

impl ObligationOut {
    fn of(v: ObligationView, lang: Lang) -> Self {
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
            completions: v
                .completions
                .into_iter()
                .map(|c| CompletionOut::of(c, lang))
                .collect(),
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

/// An override with its request and decision. Only an `approved` one
/// changes the calendar.
#[derive(Debug, Serialize, JsonSchema)]
pub struct OverrideOut {
    pub id: String,
    /// The organisation it was requested for (once approved it applies to its subtree).
    pub org_id: String,
    pub rule_id: String,
    /// `exempt` or `replace`.
    pub kind: String,
    pub frequency: Option<String>,
    pub deadline_months: Option<i64>,
    pub count: Option<i64>,
    pub unit: Option<String>,
    pub reason: String,
    pub effective_from: String,
    pub effective_to: Option<String>,
    /// `pending`, `approved`, `rejected`, `withdrawn` or `revoked`.
    pub status: String,
    pub requested_by: Option<String>,
    pub requested_by_name: Option<String>,
    pub requested_at: i64,
    /// The user who approved, rejected or withdrew it.
    pub decided_by: Option<String>,
    pub decided_by_name: Option<String>,
    pub decided_at: Option<i64>,
    pub decision_reason: Option<String>,
    pub revoked_by: Option<String>,
    pub revoked_by_name: Option<String>,
    pub revoked_at: Option<i64>,
    pub revoke_reason: Option<String>,
    /// The approver typed as text before approvals were made by users (an
    /// override older than the approval workflow, pending since).
    pub claimed_approver: Option<String>,
    pub claimed_approved_on: Option<String>,
}

impl From<Override> for OverrideOut {
    fn from(o: Override) -> Self {
        let kind = o.kind_str().to_string();
        let (frequency, deadline_months, count, unit) = match o.kind {
            OverrideKind::Exempt => (None, None, None, None),
            OverrideKind::Replace {
                frequency,
                deadline_months,
                count,
                unit,
            } => (frequency, deadline_months, count, unit),
        };
        OverrideOut {
            id: o.id,
            org_id: o.org_id.into(),
            rule_id: o.rule_id,
            kind,
            frequency: frequency.map(|f| f.as_str().to_string()),
            deadline_months: deadline_months.map(i64::from),
            count: count.map(i64::from),
            unit,
            reason: o.reason,
            effective_from: ymd(o.effective_from),
            effective_to: d(o.effective_to),
            status: o.status.as_str().to_string(),
            requested_by: o.requested_by.map(String::from),
            requested_by_name: o.requested_by_name,
            requested_at: o.requested_at,
            decided_by: o.decided_by.map(String::from),
            decided_by_name: o.decided_by_name,
            decided_at: o.decided_at,
            decision_reason: o.decision_reason,
            revoked_by: o.revoked_by.map(String::from),
            revoked_by_name: o.revoked_by_name,
            revoked_at: o.revoked_at,
            revoke_reason: o.revoke_reason,
            claimed_approver: o.claimed_approver,
            claimed_approved_on: d(o.claimed_approved_on),
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

impl ComplianceOut {
    fn of(c: OrgCompliance, lang: Lang) -> Self {
        ComplianceOut {
            org: OrgOut::from(c.org),
            on: ymd(c.on),
            unavailable: c.unavailable,
            counts: c.counts.into(),
            obligations: c
                .obligations
                .into_iter()
                .map(|o| ObligationOut::of(o, lang))
                .collect(),
            overrides: c.overrides.into_iter().map(OverrideOut::from).collect(),
        }
    }
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
    /// Obligations overdue or due within 30 days (a pending exemption
    /// request does not take an obligation off this list).
    pub behind: Vec<BehindOut>,
    /// Override requests concerning the organisation awaiting a decision.
    pub pending_overrides: Vec<OverrideOut>,
    /// Approved overrides concerning the organisation, in force today or later.
    pub approved_overrides: Vec<OverrideOut>,
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
            pending_overrides: r.pending.into_iter().map(OverrideOut::from).collect(),
            approved_overrides: r.approved.into_iter().map(OverrideOut::from).collect(),
        }
    }
}

pub async fn obligations(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<OrgId>,
) -> ApiResult<ApiJson<ComplianceOut>> {
    Ok(ApiJson(ComplianceOut::of(
        st.app.org_compliance(&c.p, &id).await?,
        c.lang,
    )))
}

pub async fn completion_create(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<OrgId>,
    ApiJson(b): ApiJson<CompletionInput>,
) -> ApiResult<(StatusCode, ApiJson<CompletionOut>)> {
    let row = st.app.record_completion(&c.p, &id, b).await?;
    Ok((StatusCode::CREATED, ApiJson(CompletionOut::of(row, c.lang))))
}

pub async fn override_create(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<OrgId>,
    ApiJson(b): ApiJson<OverrideInput>,
) -> ApiResult<(StatusCode, ApiJson<OverrideOut>)> {
    let row = st.app.request_override(&c.p, &id, b).await?;
    Ok((StatusCode::CREATED, ApiJson(row.into())))
}

pub async fn override_list(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiQuery(q): ApiQuery<Vec<(String, String)>>,
) -> ApiResult<ApiJson<PageOut<OverrideOut>>> {
    let list = crate::list::query(&q, super::OVERRIDE_FILTERS)?;
    let page = st.app.list_overrides(&c.p, &list).await?;
    Ok(ApiJson(PageOut::of(page, OverrideOut::from)))
}

/// Approves, rejects, withdraws or revokes an override: `A` indexes
/// [`OverrideAction::ALL`] (one handler, one route per action).
pub async fn override_decide<const A: usize>(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<String>,
    ApiJson(b): ApiJson<OverrideDecisionInput>,
) -> ApiResult<ApiJson<OverrideOut>> {
    let row = st
        .app
        .decide_override(&c.p, &id, OverrideAction::ALL[A], b)
        .await?;
    Ok(ApiJson(row.into()))
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
