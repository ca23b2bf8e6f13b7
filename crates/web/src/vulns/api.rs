//! The vulnerability findings API.

use axum::extract::State;
use schemars::JsonSchema;
use serde::Serialize;
use zian_app::vulns::{
    BulkInput, BulkResult, DecisionInput, EndpointsInput, EndpointsView, FindingView, PatchItem,
    PolicyInput, PolicyView, Summary,
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
    /// The asset is reachable from the Internet (對外服務).
    pub exposed: bool,
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
            exposed: f.exposed,
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
            "vulns.exposed",
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
            t(if f.exposed {
                "systems.yes"
            } else {
                "systems.no"
            }),
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
    // access first: the filters' validity is told only to those who may act
    st.app.org_with(&c.p, &id, Permission::RecordWrite).await?;
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

pub async fn endpoints(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<OrgId>,
) -> ApiResult<ApiJson<EndpointsView>> {
    Ok(ApiJson(st.app.vuln_endpoints(&c.p, &id).await?))
}

pub async fn declare_endpoints(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<OrgId>,
    ApiJson(b): ApiJson<EndpointsInput>,
) -> ApiResult<ApiJson<EndpointsView>> {
    Ok(ApiJson(st.app.declare_vuln_endpoints(&c.p, &id, b).await?))
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

/// A share with its per cent.
#[derive(Debug, Serialize, JsonSchema)]
pub struct RatioOut {
    pub numerator: u64,
    pub denominator: u64,
    /// One decimal; null when nothing was counted.
    pub percent: Option<f64>,
}

impl From<zian_domain::vulns::kpi::Ratio> for RatioOut {
    fn from(r: zian_domain::vulns::kpi::Ratio) -> Self {
        RatioOut {
            numerator: r.numerator,
            denominator: r.denominator,
            percent: r.percent(),
        }
    }
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct RemediationOut {
    /// `critical`, `high`, `medium`, `low`, `none`, `unknown` or `all`.
    pub severity: String,
    pub fixed: u64,
    pub mean_days: Option<f64>,
    pub p90_days: Option<f64>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct TrendOut {
    /// `YYYY-MM`.
    pub month: String,
    pub handled_within_week: RatioOut,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct AgencyOut {
    pub org_id: String,
    pub code: Option<String>,
    pub name: String,
    /// Responsibility level (A–E).
    pub level: Option<String>,
    pub rank: usize,
    /// Unix seconds of the latest committed inventory.
    pub last_inventory_at: Option<i64>,
    /// An inventory in the last 30 days.
    pub fresh: bool,
    pub hosts: u64,
    /// Endpoints the agency (with its units) declared; null: not declared.
    pub declared_endpoints: Option<u64>,
    /// Open confirmed findings by severity.
    pub open: std::collections::BTreeMap<String, u64>,
    pub kev_open: u64,
    pub overdue: u64,
    pub handled_within_week: RatioOut,
}

/// The VANS KPIs of a month for a subtree, with every agency of it.
#[derive(Debug, Serialize, JsonSchema)]
pub struct ReviewOut {
    pub org_id: String,
    /// `YYYY-MM` (Asia/Taipei).
    pub month: String,
    /// KPI 2-3: confirmed CVSS >= 7 findings notified in the month handled within 7 × 24 h (target 75 %).
    pub handled_within_week: RatioOut,
    /// Agencies with a CVSS >= 7 finding assessed as needing a fix not fixed within 30 days (target < 30 %).
    pub agencies_not_fixed_within_month: RatioOut,
    /// Agencies at level C or above with an inventory in the last 30 days.
    pub coverage: RatioOut,
    /// Agencies at level C or above that joined VANS (ever committed an inventory; target 100 %).
    pub notification_rate: RatioOut,
    /// Hosts read by each agency's latest match (up to its declaration) over the endpoints declared.
    pub endpoints_inventoried: RatioOut,
    /// Agencies at level C or above that have not declared their endpoints.
    pub undeclared: usize,
    pub time_to_remediate: Vec<RemediationOut>,
    pub trend: Vec<TrendOut>,
    pub agencies: Vec<AgencyOut>,
}

pub fn review_out(r: zian_app::vulns::review::Review, lang: Lang) -> ReviewOut {
    ReviewOut {
        org_id: r.org.id.to_string(),
        month: r.month.to_string(),
        handled_within_week: r.handled_week.into(),
        agencies_not_fixed_within_month: r.not_fixed_month.into(),
        coverage: r.coverage.into(),
        notification_rate: r.notification_rate.into(),
        endpoints_inventoried: r.endpoints.into(),
        undeclared: r.undeclared,
        time_to_remediate: r
            .remediation
            .into_iter()
            .map(|(k, v)| RemediationOut {
                severity: k,
                fixed: v.fixed,
                mean_days: v.mean_days,
                p90_days: v.p90_days,
            })
            .collect(),
        trend: r
            .trend
            .into_iter()
            .map(|(m, x)| TrendOut {
                month: m.to_string(),
                handled_within_week: x.into(),
            })
            .collect(),
        agencies: r
            .agencies
            .into_iter()
            .map(|a| AgencyOut {
                name: if lang == Lang::En && !a.org.name_en.is_empty() {
                    a.org.name_en.clone()
                } else {
                    a.org.name_zh.clone()
                },
                org_id: a.org.id.to_string(),
                code: a.org.code.clone(),
                level: a.org.level.map(|l| l.as_str().to_string()),
                rank: a.rank,
                last_inventory_at: a.overview.last_inventory_at,
                fresh: a.fresh,
                hosts: a.overview.hosts,
                declared_endpoints: a.declared_endpoints,
                open: a.overview.open,
                kev_open: a.overview.kev_open,
                overdue: a.overview.overdue,
                handled_within_week: a.handled_week.into(),
            })
            .collect(),
    }
}

/// `month` of a query, checked.
fn month_param(
    q: &[(String, String)],
) -> Result<Option<zian_domain::vulns::kpi::Month>, zian_app::AppError> {
    for (k, _) in q {
        if k != "month" {
            return Err(zian_app::AppError::invalid(
                "query",
                zian_i18n::msg!("reason.unknown_parameter", name = k),
            ));
        }
    }
    let m = q
        .iter()
        .find(|(k, _)| k == "month")
        .map_or("", |(_, v)| v.as_str());
    super::pages::month_of(m)
}

pub async fn review(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<OrgId>,
    ApiQuery(q): ApiQuery<Vec<(String, String)>>,
) -> ApiResult<ApiJson<ReviewOut>> {
    let org = st.app.org_with(&c.p, &id, Permission::RecordRead).await?;
    let month = month_param(&q)?;
    let r = st.app.vuln_review(&c.p, &org.id, month).await?;
    Ok(ApiJson(review_out(r, c.lang)))
}

/// The review's agencies as rows, the header first.
pub fn review_rows(r: &zian_app::vulns::review::Review, lang: Lang) -> Vec<Vec<String>> {
    let i = zian_i18n::catalogue();
    let t = |k: &str| i.t(lang, k).to_string();
    let mut out = vec![
        [
            "vulns.rank",
            "vulns.agency",
            "vulns.level",
            "vulns.last_inventory",
            "vulns.hosts",
            "vulns.endpoints_declared",
            "vulns.sev.critical",
            "vulns.sev.high",
            "vulns.sev.medium",
            "vulns.sev.low",
            "vulns.kev",
            "vulns.overdue",
            "vulns.kpi_week_n",
            "vulns.kpi_week_d",
            "vulns.kpi_week_pct",
        ]
        .map(t)
        .to_vec(),
    ];
    for a in &r.agencies {
        let open = |k: &str| a.overview.open.get(k).copied().unwrap_or(0).to_string();
        out.push(vec![
            a.rank.to_string(),
            a.org.name_zh.clone(),
            a.org
                .level
                .map(|l| l.as_str().to_string())
                .unwrap_or_default(),
            a.overview
                .last_inventory_at
                .map(|t| zian_domain::day::ymd(zian_domain::day::of_unix(t)))
                .unwrap_or_default(),
            a.overview.hosts.to_string(),
            a.declared_endpoints
                .map(|d| d.to_string())
                .unwrap_or_default(),
            open("critical"),
            open("high"),
            open("medium"),
            open("low"),
            a.overview.kev_open.to_string(),
            a.overview.overdue.to_string(),
            a.handled_week.numerator.to_string(),
            a.handled_week.denominator.to_string(),
            a.handled_week
                .percent()
                .map(|p| format!("{p:.1}"))
                .unwrap_or_default(),
        ]);
    }
    out
}

pub async fn review_csv(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<OrgId>,
    ApiQuery(q): ApiQuery<Vec<(String, String)>>,
) -> ApiResult<axum::response::Response> {
    let org = st.app.org_with(&c.p, &id, Permission::RecordRead).await?;
    let month = month_param(&q)?;
    let r = st.app.vuln_review(&c.p, &org.id, month).await?;
    let mut out = Csv::new();
    for row in review_rows(&r, c.lang) {
        out.row(row);
    }
    let name = format!(
        "vans-review-{}-{}.csv",
        org.code.as_deref().unwrap_or("org"),
        r.month
    );
    Ok(out.into_download(&ascii_name(&name)))
}

pub async fn review_xlsx(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<OrgId>,
    ApiQuery(q): ApiQuery<Vec<(String, String)>>,
) -> ApiResult<axum::response::Response> {
    let org = st.app.org_with(&c.p, &id, Permission::RecordRead).await?;
    let month = month_param(&q)?;
    let r = st.app.vuln_review(&c.p, &org.id, month).await?;
    let sheet = zian_i18n::catalogue()
        .t(c.lang, "vulns.review_sheet")
        .to_string();
    let bytes = crate::xlsx::workbook(&sheet, &review_rows(&r, c.lang))?;
    let name = format!(
        "vans-review-{}-{}.xlsx",
        org.code.as_deref().unwrap_or("org"),
        r.month
    );
    Ok(crate::xlsx::download(bytes, &ascii_name(&name)))
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct WhichOrgOut {
    pub org_id: String,
    pub code: Option<String>,
    pub name: String,
    /// Confirmed findings of the CVE.
    pub findings: u64,
    /// Of which still open.
    pub open: u64,
}

/// The organisations of a subtree with findings of a CVE.
#[derive(Debug, Serialize, JsonSchema)]
pub struct WhichOut {
    pub org_id: String,
    /// The CVE asked for (null: none given).
    pub cve: Option<String>,
    pub orgs: Vec<WhichOrgOut>,
}

pub async fn which(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<OrgId>,
    ApiQuery(q): ApiQuery<Vec<(String, String)>>,
) -> ApiResult<ApiJson<WhichOut>> {
    let org = st.app.org_with(&c.p, &id, Permission::RecordRead).await?;
    let mut cve = None;
    for (k, v) in &q {
        if k != "cve" {
            return Err(zian_app::AppError::invalid(
                "query",
                zian_i18n::msg!("reason.unknown_parameter", name = k),
            )
            .into());
        }
        if !v.trim().is_empty() {
            cve = Some(super::pages::cve_id(v)?);
        }
    }
    let mut orgs = Vec::new();
    if let Some(cve) = &cve {
        for (o, n, open) in st.app.orgs_with_cve(&c.p, &org.id, cve).await?.1 {
            orgs.push(WhichOrgOut {
                org_id: o.id.to_string(),
                code: o.code.clone(),
                name: o.name_zh.clone(),
                findings: n,
                open,
            });
        }
    }
    Ok(ApiJson(WhichOut {
        org_id: org.id.to_string(),
        cve,
        orgs,
    }))
}
