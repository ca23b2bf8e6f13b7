//! The vulnerability findings API.

use axum::extract::State;
use schemars::JsonSchema;
use serde::Serialize;
use zian_app::vulns::{
    BulkInput, BulkResult, DecisionInput, FindingView, PatchItem, PolicyInput, PolicyView, Summary,
};
use zian_domain::vulns::{Finding, Policy};
use zian_domain::{AssetId, FindingId, OrgId, Permission};
use zian_i18n::Lang;

use crate::csv::{Csv, ascii_name};
use crate::error::ApiResult;
use crate::extract::{ApiCaller, ApiJson, ApiPath, ApiQuery};
use crate::list::PageOut;
use crate::state::AppState;
use crate::values::ymd as d;

/// A finding: an asset × a CVE.
#[derive(Debug, Serialize, JsonSchema)]
pub struct FindingOut {
    pub id: String,
    pub org_id: String,
    pub asset_id: String,
    pub asset_name: String,
    pub hostname: String,
    pub cve_id: String,
    /// The installed programs that matched, as found.
    pub software: Vec<String>,
    pub cpes: Vec<String>,
    /// `confirmed` or `possible` (an attribute such as the version is not stated).
    pub certainty: String,
    /// For possible findings: the attributes that would decide it.
    pub undecided: Vec<String>,
    /// Preferred CVSS base score (NVD primary first).
    pub cvss: Option<f64>,
    /// `critical`, `high`, `medium`, `low`, `none`, `unknown`.
    pub severity: String,
    pub kev: bool,
    pub kev_due: Option<String>,
    /// EPSS percentile, 0–100.
    pub epss_percentile: Option<f64>,
    pub core: bool,
    /// The latest match still finds it.
    pub present: bool,
    /// `new`, `needs_fix`, `planned`, `fixed`, `verified`, `accepted`, `false_positive`, `not_applicable`.
    pub status: String,
    /// Unix seconds: first found, notified (the clock's start), last seen.
    pub first_seen_at: i64,
    pub notified_at: i64,
    pub last_seen_at: i64,
    /// Asia/Taipei date by which it must be handled.
    pub due_on: String,
    pub overdue: bool,
    /// Days left until the due date (negative: overdue).
    pub days_left: i64,
    pub reason: String,
    pub approver: String,
    pub accepted_until: Option<String>,
    pub plan_action: String,
    pub plan_owner: String,
    pub plan_due: Option<String>,
    pub evidence: String,
    pub decided_by: Option<String>,
    pub decided_at: Option<i64>,
    pub fixed_at: Option<i64>,
    /// Null with `verified_at` set: an inventory confirmed the fix.
    pub verified_by: Option<String>,
    pub verified_at: Option<i64>,
    pub handled_at: Option<i64>,
    pub reopened: i64,
    pub updated_at: i64,
}

impl FindingOut {
    pub fn of(f: Finding, today: time::Date) -> FindingOut {
        FindingOut {
            overdue: f.overdue(today),
            days_left: f.days_left(today),
            id: f.id.into_string(),
            org_id: f.org_id.into_string(),
            asset_id: f.asset_id.into_string(),
            asset_name: f.asset_name,
            hostname: f.hostname,
            cve_id: f.cve_id,
            software: f.software,
            cpes: f.cpes,
            certainty: f.certainty.as_str().into(),
            undecided: f.undecided,
            cvss: f.score.map(|s| s as f64 / 10.0),
            severity: f.severity.as_str().into(),
            kev: f.kev,
            kev_due: d(f.kev_due),
            epss_percentile: f.epss.map(|e| e as f64 / 100.0),
            core: f.core,
            present: f.present,
            status: f.status.as_str().into(),
            first_seen_at: f.first_seen_at,
            notified_at: f.notified_at,
            last_seen_at: f.last_seen_at,
            due_on: zian_domain::day::ymd(f.due_on),
            reason: f.reason,
            approver: f.approver,
            accepted_until: d(f.accepted_until),
            plan_action: f.action,
            plan_owner: f.owner,
            plan_due: d(f.plan_due),
            evidence: f.evidence,
            decided_by: f.decided_by.map(String::from),
            decided_at: f.decided_at,
            fixed_at: f.fixed_at,
            verified_by: f.verified_by.map(String::from),
            verified_at: f.verified_at,
            handled_at: f.handled_at,
            reopened: f.reopened,
            updated_at: f.updated_at,
        }
    }
}

/// One entry of a finding's history.
#[derive(Debug, Serialize, JsonSchema)]
pub struct HistoryOut {
    pub at: i64,
    pub action: String,
    pub actor_name: Option<String>,
    pub details: serde_json::Value,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct FindingDetailOut {
    pub finding: FindingOut,
    /// The engine's matching evidence (criteria and why they matched).
    pub match_evidence: serde_json::Value,
    /// The policy's days for this finding's severity.
    pub policy_days: i64,
    /// Newest first.
    pub history: Vec<HistoryOut>,
}

/// What a match changed.
#[derive(Debug, Serialize, JsonSchema)]
pub struct CountsOut {
    pub new: u32,
    pub reopened: u32,
    /// Open findings the inventory no longer has: verified.
    pub confirmed_fixed: u32,
    pub gone: u32,
    pub updated: u32,
    pub unchanged: u32,
    pub acceptances_expired: u32,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct PolicyOut {
    pub org_id: String,
    pub critical_days: i64,
    pub high_days: i64,
    pub medium_days: i64,
    pub low_days: i64,
    /// The organisation whose policy is in force (null: the default of seed 004).
    pub from_org_id: Option<String>,
}

impl From<PolicyView> for PolicyOut {
    fn from(v: PolicyView) -> Self {
        let Policy {
            critical_days,
            high_days,
            medium_days,
            low_days,
        } = v.policy;
        PolicyOut {
            org_id: v.org_id.into_string(),
            critical_days,
            high_days,
            medium_days,
            low_days,
            from_org_id: v.from.map(String::from),
        }
    }
}

pub async fn list(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<OrgId>,
    ApiQuery(q): ApiQuery<Vec<(String, String)>>,
) -> ApiResult<ApiJson<PageOut<FindingOut>>> {
    let org = st.app.org_with(&c.p, &id, Permission::RecordRead).await?;
    let q = super::pages::list_query(&q)?;
    let (_, page) = st.app.list_findings(&c.p, &org.id, &q).await?;
    let today = st.app.today();
    Ok(ApiJson(PageOut::of(page, |f| FindingOut::of(f, today))))
}

/// The findings as rows of text, the header first.
pub fn rows(findings: &[Finding], today: time::Date, lang: Lang) -> Vec<Vec<String>> {
    let i = zian_i18n::catalogue();
    let t = |k: &str| i.t(lang, k).to_string();
    let mut out = vec![
        [
            "vulns.cve",
            "vulns.asset",
            "vulns.hostname",
            "vulns.software",
            "vulns.cvss",
            "vulns.severity",
            "vulns.kev",
            "vulns.epss",
            "vulns.core",
            "vulns.status",
            "vulns.notified",
            "vulns.due",
            "vulns.overdue",
            "vulns.owner",
            "vulns.plan_action",
            "vulns.reason",
            "vulns.evidence",
        ]
        .map(t)
        .to_vec(),
    ];
    for f in findings {
        out.push(vec![
            f.cve_id.clone(),
            f.asset_name.clone(),
            f.hostname.clone(),
            f.software.join("; "),
            f.score
                .map(|s| format!("{:.1}", s as f64 / 10.0))
                .unwrap_or_default(),
            t(&format!("vulns.sev.{}", f.severity.as_str())),
            t(if f.kev { "systems.yes" } else { "systems.no" }),
            f.epss
                .map(|e| format!("{:.2}", e as f64 / 100.0))
                .unwrap_or_default(),
            t(if f.core { "systems.yes" } else { "systems.no" }),
            t(&format!("vulns.st.{}", f.status.as_str())),
            zian_domain::day::ymd(zian_domain::day::of_unix(f.notified_at)),
            zian_domain::day::ymd(f.due_on),
            t(if f.overdue(today) {
                "systems.yes"
            } else {
                "systems.no"
            }),
            f.owner.clone(),
            f.action.clone(),
            f.reason.clone(),
            f.evidence.clone(),
        ]);
    }
    out
}

pub async fn csv(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<OrgId>,
    ApiQuery(q): ApiQuery<Vec<(String, String)>>,
) -> ApiResult<axum::response::Response> {
    let org = st.app.org_with(&c.p, &id, Permission::RecordRead).await?;
    let q = super::pages::list_query(&q)?;
    let all = st.app.select_findings(&c.p, &org.id, &q).await?;
    let mut out = Csv::new();
    for r in rows(&all, st.app.today(), c.lang) {
        out.row(r);
    }
    let name = format!("vulns-{}.csv", org.code.as_deref().unwrap_or("org"));
    Ok(out.into_download(&ascii_name(&name)))
}

pub async fn summary(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<OrgId>,
) -> ApiResult<ApiJson<Summary>> {
    Ok(ApiJson(st.app.vuln_summary(&c.p, &id).await?))
}

pub async fn rematch(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<OrgId>,
) -> ApiResult<ApiJson<CountsOut>> {
    let n = st.app.rematch_vulns(&c.p, &id).await?;
    Ok(ApiJson(CountsOut {
        new: n.new,
        reopened: n.reopened,
        confirmed_fixed: n.confirmed_fixed,
        gone: n.gone,
        updated: n.updated,
        unchanged: n.unchanged,
        acceptances_expired: n.acceptances_expired,
    }))
}

pub async fn bulk(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<OrgId>,
    ApiJson(b): ApiJson<BulkInput>,
) -> ApiResult<ApiJson<BulkResult>> {
    super::pages::check_filters(&b)?;
    Ok(ApiJson(st.app.bulk_decide(&c.p, &id, b).await?))
}

pub async fn policy(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<OrgId>,
) -> ApiResult<ApiJson<PolicyOut>> {
    Ok(ApiJson(st.app.vuln_policy(&c.p, &id).await?.into()))
}

pub async fn set_policy(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<OrgId>,
    ApiJson(b): ApiJson<PolicyInput>,
) -> ApiResult<ApiJson<PolicyOut>> {
    st.app.set_vuln_policy(&c.p, &id, b).await?;
    Ok(ApiJson(st.app.vuln_policy(&c.p, &id).await?.into()))
}

/// Patch list rows, the header first.
pub fn patch_rows(items: &[PatchItem], lang: Lang) -> Vec<Vec<String>> {
    let i = zian_i18n::catalogue();
    let t = |k: &str| i.t(lang, k).to_string();
    let mut out = vec![
        [
            "vulns.hostname",
            "vulns.asset",
            "vulns.product",
            "vulns.software",
            "vulns.cves",
            "vulns.cvss",
            "vulns.kev",
            "vulns.due",
            "vulns.overdue",
        ]
        .map(t)
        .to_vec(),
    ];
    for p in items {
        out.push(vec![
            p.hostname.clone(),
            p.asset_name.clone(),
            p.product.clone(),
            p.software.join("; "),
            p.cves.join(" "),
            p.max_score
                .map(|s| format!("{:.1}", s as f64 / 10.0))
                .unwrap_or_default(),
            t(if p.kev { "systems.yes" } else { "systems.no" }),
            p.due_on.clone(),
            t(if p.overdue {
                "systems.yes"
            } else {
                "systems.no"
            }),
        ]);
    }
    out
}

pub async fn patches_csv(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<OrgId>,
) -> ApiResult<axum::response::Response> {
    let org = st.app.org_with(&c.p, &id, Permission::RecordRead).await?;
    let items = st.app.patch_list(&c.p, &org.id, None).await?;
    let mut out = Csv::new();
    for r in patch_rows(&items, c.lang) {
        out.row(r);
    }
    let name = format!("patches-{}.csv", org.code.as_deref().unwrap_or("org"));
    Ok(out.into_download(&ascii_name(&name)))
}

pub fn detail(v: FindingView, today: time::Date) -> FindingDetailOut {
    FindingDetailOut {
        policy_days: v.policy.days(v.finding.severity),
        match_evidence: v.finding.match_evidence.clone(),
        finding: FindingOut::of(v.finding, today),
        history: v
            .history
            .into_iter()
            .map(|r| HistoryOut {
                at: r.entry.at,
                details: serde_json::from_str(&r.entry.details).unwrap_or(serde_json::Value::Null),
                action: r.entry.action,
                actor_name: r.actor_name,
            })
            .collect(),
    }
}

pub async fn get(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<FindingId>,
) -> ApiResult<ApiJson<FindingDetailOut>> {
    let v = st.app.finding_view(&c.p, &id).await?;
    Ok(ApiJson(detail(v, st.app.today())))
}

pub async fn decide(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<FindingId>,
    ApiJson(b): ApiJson<DecisionInput>,
) -> ApiResult<ApiJson<FindingOut>> {
    let f = st.app.decide_finding(&c.p, &id, b).await?;
    Ok(ApiJson(FindingOut::of(f, st.app.today())))
}

pub async fn asset_patches(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<AssetId>,
) -> ApiResult<ApiJson<Vec<PatchItem>>> {
    let a = st.app.get_asset(&c.p, &id).await?;
    Ok(ApiJson(
        st.app.patch_list(&c.p, &a.org_id, Some(&a.id)).await?,
    ))
}
