//! The threat notices API.

use axum::extract::State;
use axum::http::StatusCode;
use schemars::JsonSchema;
use serde::Serialize;
use zian_app::threat_notices::{BoardRow, CloseInput, NoticeDetail, NoticeInput, ReportInput};
use zian_domain::threat_notices::{Board, ThreatNotice, ThreatResponse};
use zian_domain::{OrgId, ThreatNoticeId, ThreatResponseId};

use crate::error::ApiResult;
use crate::extract::{ApiCaller, ApiJson, ApiPath};
use crate::state::AppState;

/// A notice as a list shows it.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "ThreatNoticeOut")]
pub struct NoticeOut {
    pub id: String,
    /// The issuer.
    pub org_id: String,
    pub issuer: String,
    pub title: String,
    pub severity: String,
    pub due_on: String,
    /// `open` or `closed`.
    pub status: String,
    pub text: String,
    pub cves: Vec<String>,
    pub intel_id: Option<String>,
    pub issued_by: String,
    pub issued_at: i64,
    pub closing: Option<String>,
    /// Reminders sent: when and how many organisations.
    pub reminders: Vec<(i64, usize)>,
}

impl NoticeOut {
    pub fn of(n: &ThreatNotice) -> NoticeOut {
        NoticeOut {
            id: n.id.to_string(),
            org_id: n.org_id.to_string(),
            issuer: n.body.issuer.clone(),
            title: n.title.clone(),
            severity: n.severity.as_str().into(),
            due_on: zian_domain::day::ymd(n.due_on),
            status: n.status.as_str().into(),
            text: n.body.text.clone(),
            cves: n.body.cves.clone(),
            intel_id: n.body.intel_id.clone(),
            issued_by: n.issued.name.clone(),
            issued_at: n.issued.at,
            closing: n.body.closing.clone(),
            reminders: n
                .body
                .reminders
                .iter()
                .map(|r| (r.signed.at, r.orgs.len()))
                .collect(),
        }
    }
}

/// How many organisations stand where.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "ThreatBoardOut")]
pub struct BoardOut {
    pub targets: u32,
    pub pending: u32,
    /// Organisations whose last report is each step, investigate to
    /// recover.
    pub at_step: [u32; 6],
    pub unaffected: u32,
    pub recovered: u32,
    pub lagging: u32,
    pub done_percent: u32,
}

impl BoardOut {
    pub fn of(b: &Board) -> BoardOut {
        BoardOut {
            targets: b.targets,
            pending: b.pending,
            at_step: b.at_step,
            unaffected: b.unaffected,
            recovered: b.recovered,
            lagging: b.lagging,
            done_percent: b.done_percent(),
        }
    }
}

/// A response with every report.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "ThreatResponseOut")]
pub struct ResponseOut {
    pub id: String,
    pub notice_id: String,
    pub org_id: String,
    pub step: Option<String>,
    pub outcome: String,
    pub last_at: Option<i64>,
    /// The steps that may be reported now.
    pub reportable: Vec<String>,
    /// Each report: step, note, affected, incident, evidence, who, when.
    pub reports: Vec<serde_json::Value>,
}

impl ResponseOut {
    pub fn of(r: &ThreatResponse) -> ResponseOut {
        ResponseOut {
            id: r.id.to_string(),
            notice_id: r.notice_id.to_string(),
            org_id: r.org_id.to_string(),
            step: r.step.map(|s| s.as_str().into()),
            outcome: r.outcome.as_str().into(),
            last_at: r.last_at,
            reportable: r.reportable().iter().map(|s| s.as_str().into()).collect(),
            reports: r
                .reports
                .iter()
                .filter_map(|x| serde_json::to_value(x).ok())
                .collect(),
        }
    }
}

/// An organisation's notices.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "ThreatNoticeListOut")]
pub struct ListOut {
    pub org_id: String,
    pub issued: Vec<IssuedOut>,
    pub received: Vec<ReceivedOut>,
}

#[derive(Serialize, JsonSchema)]
#[schemars(rename = "ThreatIssuedOut")]
pub struct IssuedOut {
    pub notice: NoticeOut,
    pub board: BoardOut,
}

#[derive(Serialize, JsonSchema)]
#[schemars(rename = "ThreatReceivedOut")]
pub struct ReceivedOut {
    pub notice: NoticeOut,
    pub response: ResponseOut,
    pub lagging: bool,
}

/// A notice with the board the caller may see.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "ThreatNoticeDetailOut")]
pub struct DetailOut {
    pub notice: NoticeOut,
    /// The caller sees the issuer's side (the whole board).
    pub is_issuer: bool,
    pub board: BoardOut,
    pub rows: Vec<BoardRow>,
    /// Per CVE, the organisations of the issuer's subtree with findings of
    /// it: id, name, findings, open.
    pub cve_orgs: Vec<CveOrgsOut>,
}

#[derive(Serialize, JsonSchema)]
#[schemars(rename = "ThreatCveOrgsOut")]
pub struct CveOrgsOut {
    pub cve: String,
    pub orgs: Vec<(String, String, u64, u64)>,
}

/// The organisations reminded.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "ThreatRemindOut")]
pub struct RemindOut {
    /// Id and name of each.
    pub reminded: Vec<(String, String)>,
}

pub(crate) fn detail_out(v: &NoticeDetail) -> DetailOut {
    DetailOut {
        notice: NoticeOut::of(&v.notice),
        is_issuer: v.is_issuer,
        board: BoardOut::of(&v.board),
        rows: v.rows.clone(),
        cve_orgs: v
            .cve_orgs
            .iter()
            .map(|(cve, orgs)| CveOrgsOut {
                cve: cve.clone(),
                orgs: orgs.clone(),
            })
            .collect(),
    }
}

async fn detail(
    st: &AppState,
    c: &ApiCaller,
    id: &ThreatNoticeId,
) -> ApiResult<ApiJson<DetailOut>> {
    Ok(ApiJson(detail_out(&st.app.threat_notice(&c.p, id).await?)))
}

pub async fn list(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<OrgId>,
) -> ApiResult<ApiJson<ListOut>> {
    let v = st.app.threat_notice_list(&c.p, &id).await?;
    Ok(ApiJson(ListOut {
        org_id: v.org.id.to_string(),
        issued: v
            .issued
            .iter()
            .map(|(n, b)| IssuedOut {
                notice: NoticeOut::of(n),
                board: BoardOut::of(b),
            })
            .collect(),
        received: v
            .received
            .iter()
            .map(|(n, r, lagging)| ReceivedOut {
                notice: NoticeOut::of(n),
                response: ResponseOut::of(r),
                lagging: *lagging,
            })
            .collect(),
    }))
}

pub async fn issue(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<OrgId>,
    ApiJson(input): ApiJson<NoticeInput>,
) -> ApiResult<(StatusCode, ApiJson<DetailOut>)> {
    let n = st.app.issue_threat_notice(&c.p, &id, input).await?;
    Ok((StatusCode::CREATED, detail(&st, &c, &n.id).await?))
}

pub async fn get(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<ThreatNoticeId>,
) -> ApiResult<ApiJson<DetailOut>> {
    detail(&st, &c, &id).await
}

pub async fn remind(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<ThreatNoticeId>,
) -> ApiResult<ApiJson<RemindOut>> {
    let orgs = st.app.remind_threat_laggards(&c.p, &id).await?;
    Ok(ApiJson(RemindOut {
        reminded: orgs
            .into_iter()
            .map(|o| (o.id.to_string(), o.name_zh))
            .collect(),
    }))
}

pub async fn close(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<ThreatNoticeId>,
    ApiJson(input): ApiJson<CloseInput>,
) -> ApiResult<ApiJson<DetailOut>> {
    st.app.close_threat_notice(&c.p, &id, input).await?;
    detail(&st, &c, &id).await
}

pub async fn response(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<ThreatResponseId>,
) -> ApiResult<ApiJson<ResponseOut>> {
    let r = st.app.threat_response(&c.p, &id).await?;
    Ok(ApiJson(ResponseOut::of(&r)))
}

pub async fn report(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<ThreatResponseId>,
    ApiJson(input): ApiJson<ReportInput>,
) -> ApiResult<ApiJson<ResponseOut>> {
    let r = st.app.report_threat_step(&c.p, &id, input).await?;
    Ok(ApiJson(ResponseOut::of(&r)))
}
