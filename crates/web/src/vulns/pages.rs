//! Vulnerability findings pages: the list with its clocks, filters and one
//! decision over the filtered set; a finding with its evidence, decision
//! forms and history; the remediation policy; a host's patch list.

use askama::Template;
use axum::extract::State;
use serde::Deserialize;
use zian_app::AppError;
use zian_app::vulns::{
    BULK_CAP, BulkInput, DecisionInput, EndpointsInput, EndpointsView, FindingView, PatchItem,
    PolicyInput, PolicyView, Summary,
};
use zian_domain::assets::Asset;
use zian_domain::vulns::{Finding, FindingStatus, Severity};
use zian_domain::{AssetId, FindingId, ListQuery, OrgId, Organisation, Page, Permission};
use zian_i18n::msg;

use crate::error::PageResult;
use crate::extract::{PageCaller, PageForm, PagePath, PageQuery};
use crate::layout::{FlashQuery, PageCtx, ctx, render, see_other};
use crate::list::Pager;
use crate::state::AppState;

/// Checks one filter value: statuses, severities and certainty from their
/// fixed lists, flags as booleans, a CVE id's shape.
fn check_filter(k: &str, v: &str) -> Result<Option<String>, AppError> {
    let v = v.trim();
    if v.is_empty() {
        return Ok(None);
    }
    match k {
        "status" if v != "all" && v != "handled" => {
            FindingStatus::parse(v)?;
        }
        "severity" => {
            Severity::parse(v)?;
        }
        "certainty" if !matches!(v, "confirmed" | "possible" | "all") => {
            return Err(AppError::invalid(
                "certainty",
                msg!("reason.one_of", values = "confirmed, possible, all"),
            ));
        }
        "kev" | "overdue" | "core" | "exposed" => {
            let on = crate::values::flag(&[(k.to_string(), v.to_string())], k)?;
            return Ok(on.then(|| "1".to_string()));
        }
        "notified" => {
            zian_domain::vulns::kpi::Month::parse("notified", v)?;
        }
        "kpi" if !matches!(v, "high" | "week_handled" | "week_missed") => {
            return Err(AppError::invalid(
                "kpi",
                msg!("reason.one_of", values = "high, week_handled, week_missed"),
            ));
        }
        "cve" => {
            let ok = v.len() <= 30
                && v.to_ascii_uppercase()
                    .strip_prefix("CVE-")
                    .is_some_and(|r| {
                        let mut parts = r.splitn(2, '-');
                        let (y, n) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
                        y.len() == 4
                            && y.bytes().all(|b| b.is_ascii_digit())
                            && n.len() >= 4
                            && n.bytes().all(|b| b.is_ascii_digit())
                    });
            if !ok {
                return Err(AppError::invalid("cve", msg!("reason.vulns.cve")));
            }
            return Ok(Some(v.to_ascii_uppercase()));
        }
        _ => {}
    }
    Ok(Some(v.to_string()))
}

/// A CVE id as typed (`cve-2014-0160` → `CVE-2014-0160`), checked.
pub fn cve_id(v: &str) -> Result<String, AppError> {
    check_filter("cve", v)?.ok_or_else(|| AppError::invalid("cve", msg!("reason.vulns.cve")))
}

/// The list's query: paging, search, sort and the checked filters.
pub fn list_query(pairs: &[(String, String)]) -> Result<ListQuery, AppError> {
    let mut q = crate::list::query(pairs, super::FILTERS)?;
    let mut filter = Vec::new();
    for (k, v) in std::mem::take(&mut q.filter) {
        if let Some(v) = check_filter(&k, &v)? {
            filter.push((k, v));
        }
    }
    q.filter = filter;
    Ok(q)
}

/// Checks a bulk action's filters as the list does.
pub fn check_filters(b: &BulkInput) -> Result<(), AppError> {
    for (k, v) in [
        ("status", &b.status),
        ("severity", &b.severity),
        ("kev", &b.kev),
        ("certainty", &b.certainty),
        ("overdue", &b.overdue),
        ("cve", &b.cve),
        ("core", &b.core),
        ("exposed", &b.exposed),
        ("notified", &b.notified),
        ("kpi", &b.kpi),
    ] {
        if let Some(v) = v {
            check_filter(k, v)?;
        }
    }
    Ok(())
}

fn query_string(q: &ListQuery) -> String {
    let mut keep: Vec<(&str, &str)> = Vec::new();
    if let Some(t) = q.q.as_deref() {
        keep.push(("q", t));
    }
    for (k, v) in &q.filter {
        keep.push((k, v));
    }
    serde_urlencoded::to_string(keep).unwrap_or_default()
}

/// Labels shared by the pages.
pub trait VulnLabels {
    fn cx(&self) -> &PageCtx;
    fn today(&self) -> time::Date;

    fn sev(&self, s: &Severity) -> String {
        self.cx().t(&format!("vulns.sev.{}", s.as_str()))
    }
    fn st(&self, s: &FindingStatus) -> String {
        self.cx().t(&format!("vulns.st.{}", s.as_str()))
    }
    fn cvss(&self, f: &Finding) -> String {
        f.score
            .map_or_else(|| "—".into(), |s| format!("{:.1}", s as f64 / 10.0))
    }
    fn epss(&self, f: &Finding) -> String {
        f.epss
            .map_or_else(|| "—".into(), |e| format!("{:.1}%", e as f64 / 100.0))
    }
    /// The clock: days left, due today, or days overdue.
    fn clock(&self, f: &Finding) -> String {
        if !f.status.is_open() || f.certainty != zian_domain::vulns::Certainty::Confirmed {
            return "—".into();
        }
        let n = f.days_left(self.today());
        if n > 0 {
            self.cx().tn("vulns.days_left", &n)
        } else if n == 0 {
            self.cx().t("vulns.due_today")
        } else {
            self.cx().tn("vulns.days_overdue", &-n)
        }
    }
    fn overdue(&self, f: &Finding) -> bool {
        f.overdue(self.today())
    }
}

#[derive(Template)]
#[template(path = "vulns.html")]
pub struct VulnsPage {
    pub ctx: PageCtx,
    pub org: Organisation,
    pub page: Page<Finding>,
    pub pager: Pager,
    pub summary: Summary,
    pub q: String,
    pub status: String,
    pub severity: String,
    pub certainty: String,
    pub cve: String,
    pub asset: String,
    pub notified: String,
    pub kpi: String,
    pub kev: bool,
    pub overdue_only: bool,
    pub core: bool,
    pub exposed: bool,
    pub can_write: bool,
    pub filters: String,
    pub today: time::Date,
    pub has_feeds: bool,
    pub bulk_cap: i64,
}

impl VulnLabels for VulnsPage {
    fn cx(&self) -> &PageCtx {
        &self.ctx
    }
    fn today(&self) -> time::Date {
        self.today
    }
}

impl VulnsPage {
    pub fn statuses(&self) -> [FindingStatus; 8] {
        FindingStatus::ALL
    }
    pub fn severities(&self) -> [Severity; 6] {
        Severity::ALL
    }
    pub fn count(&self, sev: &Severity) -> u64 {
        self.summary
            .open_by_severity
            .get(sev.as_str())
            .copied()
            .unwrap_or(0)
    }
    /// The message key of the `kpi` filter.
    pub fn kpi_label(&self) -> String {
        format!("vulns.kpi_filter_{}", self.kpi)
    }
    /// The set a bulk action applies to, as the list counts it.
    pub fn set_size(&self) -> i64 {
        self.page.total
    }
    pub fn bulk_text(&self) -> String {
        let mut t = self.ctx.tn("vulns.bulk_intro", &self.page.total);
        if self.page.total > self.bulk_cap || !self.page.total_exact {
            t.push(' ');
            t.push_str(&self.ctx.tn("vulns.bulk_cap", &self.bulk_cap));
        }
        t
    }
}

pub async fn list(
    State(st): State<AppState>,
    pc: PageCaller,
    PagePath(id): PagePath<OrgId>,
    PageQuery(pairs): PageQuery<Vec<(String, String)>>,
) -> PageResult {
    let fq = FlashQuery::from_pairs(&pairs);
    let org = st.app.org_with(&pc.p, &id, Permission::RecordRead).await?;
    let q = list_query(&pairs)?;
    let (org, page) = st.app.list_findings(&pc.p, &org.id, &q).await?;
    let summary = st.app.vuln_summary(&pc.p, &org.id).await?;
    let pager = Pager::new(&page, &format!("/orgs/{}/vulns", org.id), &pairs);
    let cx = ctx(&st.app, &pc, "vulns.title", "vulns", fq.flash().as_deref()).await?;
    let can_write = pc.p.scope(Permission::RecordWrite).contains(&org.path);
    let get = |k: &str| q.filter_value(k).unwrap_or("").to_string();
    render(&VulnsPage {
        ctx: cx,
        pager,
        summary,
        status: get("status"),
        severity: get("severity"),
        certainty: get("certainty"),
        cve: get("cve"),
        asset: get("asset"),
        notified: get("notified"),
        kpi: get("kpi"),
        kev: q.filter_value("kev").is_some(),
        overdue_only: q.filter_value("overdue").is_some(),
        core: q.filter_value("core").is_some(),
        exposed: q.filter_value("exposed").is_some(),
        q: q.q.clone().unwrap_or_default(),
        filters: query_string(&q),
        org,
        page,
        can_write,
        today: st.app.today(),
        has_feeds: st.app.feeds_ready(),
        bulk_cap: BULK_CAP,
    })
}

pub async fn rematch(
    State(st): State<AppState>,
    PagePath(id): PagePath<OrgId>,
    form: PageForm<crate::extract::NoFields>,
) -> PageResult {
    st.app.rematch_vulns(&form.pc.p, &id).await?;
    Ok(see_other(&format!("/orgs/{id}/vulns?ok=vulns.matched")))
}

/// A decision as the forms send it (every field optional, blank is none).
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DecisionForm {
    action: String,
    reason: String,
    approver: String,
    accepted_until: String,
    plan_action: String,
    plan_owner: String,
    plan_due: String,
    evidence: String,
}

fn some(s: String) -> Option<String> {
    Some(s).filter(|s| !s.trim().is_empty())
}

impl From<DecisionForm> for DecisionInput {
    fn from(f: DecisionForm) -> Self {
        DecisionInput {
            action: f.action,
            reason: some(f.reason),
            approver: some(f.approver),
            accepted_until: some(f.accepted_until),
            plan_action: some(f.plan_action),
            plan_owner: some(f.plan_owner),
            plan_due: some(f.plan_due),
            evidence: some(f.evidence),
        }
    }
}

/// The bulk form: a decision and the list's filters (hidden fields).
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct BulkForm {
    #[serde(flatten)]
    decision: DecisionForm,
    q: String,
    status: String,
    severity: String,
    kev: String,
    certainty: String,
    overdue: String,
    cve: String,
    asset: String,
    core: String,
    exposed: String,
    notified: String,
    kpi: String,
    expect: String,
}

pub async fn bulk(
    State(st): State<AppState>,
    PagePath(id): PagePath<OrgId>,
    form: PageForm<BulkForm>,
) -> PageResult {
    let (pc, f) = (form.pc, form.form);
    // access first: the filters' validity is told only to those who may act
    st.app.org_with(&pc.p, &id, Permission::RecordWrite).await?;
    let expect = crate::values::number("expect", Some(&f.expect))?.map(i64::from);
    let d: DecisionInput = f.decision.into();
    let b = BulkInput {
        action: d.action,
        reason: d.reason,
        approver: d.approver,
        accepted_until: d.accepted_until,
        plan_action: d.plan_action,
        plan_owner: d.plan_owner,
        plan_due: d.plan_due,
        evidence: d.evidence,
        q: some(f.q),
        status: some(f.status),
        severity: some(f.severity),
        kev: some(f.kev),
        certainty: some(f.certainty),
        overdue: some(f.overdue),
        cve: some(f.cve),
        asset: some(f.asset),
        core: some(f.core),
        exposed: some(f.exposed),
        notified: some(f.notified),
        kpi: some(f.kpi),
        expect,
    };
    check_filters(&b)?;
    let back = query_string(&b.query());
    let r = st.app.bulk_decide(&pc.p, &id, b).await?;
    let key = if r.saved == 0 {
        "vulns.bulk_none"
    } else {
        "vulns.bulk_done"
    };
    let sep = if back.is_empty() { "" } else { "&" };
    Ok(see_other(&format!("/orgs/{id}/vulns?{back}{sep}ok={key}")))
}

#[derive(Template)]
#[template(path = "vuln_policy.html")]
pub struct PolicyPage {
    pub ctx: PageCtx,
    pub org: Organisation,
    pub view: PolicyView,
    pub from: Option<Organisation>,
    pub endpoints: EndpointsView,
    pub can_write: bool,
}

pub async fn policy(
    State(st): State<AppState>,
    pc: PageCaller,
    PagePath(id): PagePath<OrgId>,
    PageQuery(fq): PageQuery<FlashQuery>,
) -> PageResult {
    let org = st.app.org_with(&pc.p, &id, Permission::RecordRead).await?;
    let view = st.app.vuln_policy(&pc.p, &org.id).await?;
    let endpoints = st.app.vuln_endpoints(&pc.p, &org.id).await?;
    let from = match &view.from {
        Some(o) if *o != org.id => st.app.org_with(&pc.p, o, Permission::OrgRead).await.ok(),
        _ => None,
    };
    let cx = ctx(
        &st.app,
        &pc,
        "vulns.policy_title",
        "vulns",
        fq.flash().as_deref(),
    )
    .await?;
    let can_write = pc.p.scope(Permission::RecordWrite).contains(&org.path);
    render(&PolicyPage {
        ctx: cx,
        org,
        view,
        from,
        endpoints,
        can_write,
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct EndpointsForm {
    endpoints: String,
}

pub async fn declare_endpoints(
    State(st): State<AppState>,
    PagePath(id): PagePath<OrgId>,
    form: PageForm<EndpointsForm>,
) -> PageResult {
    let (pc, f) = (form.pc, form.form);
    st.app.org_with(&pc.p, &id, Permission::RecordWrite).await?;
    let input = EndpointsInput {
        endpoints: crate::values::number("endpoints", Some(&f.endpoints))?.map(i64::from),
    };
    st.app.declare_vuln_endpoints(&pc.p, &id, input).await?;
    Ok(see_other(&format!(
        "/orgs/{id}/vulns/policy?ok=vulns.endpoints_saved"
    )))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PolicyForm {
    critical_days: String,
    high_days: String,
    medium_days: String,
    low_days: String,
}

pub async fn set_policy(
    State(st): State<AppState>,
    PagePath(id): PagePath<OrgId>,
    form: PageForm<PolicyForm>,
) -> PageResult {
    let (pc, f) = (form.pc, form.form);
    st.app.org_with(&pc.p, &id, Permission::RecordWrite).await?;
    let n = |k: &str, v: &str| -> Result<i64, AppError> {
        crate::values::number(k, Some(v))?
            .map(i64::from)
            .ok_or_else(|| AppError::invalid(k, msg!("reason.required")))
    };
    let input = PolicyInput {
        critical_days: n("critical_days", &f.critical_days)?,
        high_days: n("high_days", &f.high_days)?,
        medium_days: n("medium_days", &f.medium_days)?,
        low_days: n("low_days", &f.low_days)?,
    };
    st.app.set_vuln_policy(&pc.p, &id, input).await?;
    Ok(see_other(&format!(
        "/orgs/{id}/vulns/policy?ok=vulns.policy_saved"
    )))
}

#[derive(Template)]
#[template(path = "vuln_show.html")]
pub struct FindingPage {
    pub ctx: PageCtx,
    pub v: FindingView,
    pub can_write: bool,
    pub today: time::Date,
    /// The matching evidence, pretty-printed.
    pub evidence_json: String,
}

impl VulnLabels for FindingPage {
    fn cx(&self) -> &PageCtx {
        &self.ctx
    }
    fn today(&self) -> time::Date {
        self.today
    }
}

impl FindingPage {
    pub fn f(&self) -> &Finding {
        &self.v.finding
    }
    pub fn policy_text(&self) -> String {
        self.ctx.tn(
            "vulns.policy_days",
            &self.v.policy.days(self.v.finding.severity),
        )
    }
    pub fn reopened_text(&self) -> String {
        self.ctx.tn("vulns.reopened_n", &self.v.finding.reopened)
    }
    pub fn possible(&self) -> bool {
        self.v.finding.certainty == zian_domain::vulns::Certainty::Possible
    }
    /// Which forms the finding's status offers.
    pub fn may(&self, action: &str) -> bool {
        use FindingStatus as S;
        if !self.can_write || self.possible() {
            return false;
        }
        let s = self.v.finding.status;
        match action {
            "assess" => !matches!(s, S::Fixed | S::Verified),
            "plan" | "fix" => matches!(s, S::New | S::NeedsFix | S::Planned),
            "verify" => s == S::Fixed,
            _ => false,
        }
    }
    pub fn action_name(&self, a: &str) -> String {
        self.ctx.t(&format!("audit_action.{a}"))
    }
    pub fn nvd_link(&self) -> String {
        format!("https://nvd.nist.gov/vuln/detail/{}", self.v.finding.cve_id)
    }
}

pub async fn show(
    State(st): State<AppState>,
    pc: PageCaller,
    PagePath(id): PagePath<FindingId>,
    PageQuery(fq): PageQuery<FlashQuery>,
) -> PageResult {
    let v = st.app.finding_view(&pc.p, &id).await?;
    let cx = ctx(
        &st.app,
        &pc,
        "vulns.finding_title",
        "vulns",
        fq.flash().as_deref(),
    )
    .await?;
    let can_write = pc.p.scope(Permission::RecordWrite).contains(&v.org.path);
    let evidence_json = serde_json::to_string_pretty(&v.finding.match_evidence).unwrap_or_default();
    render(&FindingPage {
        ctx: cx,
        v,
        can_write,
        today: st.app.today(),
        evidence_json,
    })
}

pub async fn decide(
    State(st): State<AppState>,
    PagePath(id): PagePath<FindingId>,
    form: PageForm<DecisionForm>,
) -> PageResult {
    let (pc, f) = (form.pc, form.form);
    st.app.decide_finding(&pc.p, &id, f.into()).await?;
    Ok(see_other(&format!("/vulns/{id}?ok=vulns.decided")))
}

#[derive(Template)]
#[template(path = "vuln_patches.html")]
pub struct PatchesPage {
    pub ctx: PageCtx,
    pub asset: Asset,
    pub items: Vec<PatchItem>,
}

impl PatchesPage {
    pub fn score(&self, p: &PatchItem) -> String {
        p.max_score
            .map_or_else(|| "—".into(), |s| format!("{:.1}", s as f64 / 10.0))
    }
}

pub async fn asset_patches(
    State(st): State<AppState>,
    pc: PageCaller,
    PagePath(id): PagePath<AssetId>,
) -> PageResult {
    let asset = st.app.get_asset(&pc.p, &id).await?;
    let items = st
        .app
        .patch_list(&pc.p, &asset.org_id, Some(&asset.id))
        .await?;
    let cx = ctx(&st.app, &pc, "vulns.patches_title", "vulns", None).await?;
    render(&PatchesPage {
        ctx: cx,
        asset,
        items,
    })
}

#[derive(Template)]
#[template(path = "vuln_review.html")]
pub struct ReviewPage {
    pub ctx: PageCtx,
    pub r: zian_app::vulns::review::Review,
    pub month: String,
    pub trend_svg: String,
    pub cve: String,
    /// The CVE search's answer (none: nothing searched).
    pub which: Option<Vec<(Organisation, u64, u64)>>,
}

impl ReviewPage {
    pub fn pct(&self, r: &zian_domain::vulns::kpi::Ratio) -> String {
        r.percent()
            .map_or_else(|| "—".into(), |p| format!("{p:.1}%"))
    }
    pub fn spark(&self, a: &zian_app::vulns::review::AgencyReview) -> String {
        super::chart::spark(&a.trend)
    }
    pub fn open(&self, a: &zian_app::vulns::review::AgencyReview, sev: &str) -> u64 {
        a.overview.open.get(sev).copied().unwrap_or(0)
    }
    pub fn days(&self, v: &Option<f64>) -> String {
        v.map_or_else(|| "—".into(), |d| format!("{d:.1}"))
    }
    pub fn remediation(&self) -> Vec<(String, zian_domain::vulns::kpi::Remediation)> {
        ["critical", "high", "medium", "low", "all"]
            .iter()
            .filter_map(|k| self.r.remediation.get(*k).map(|v| (k.to_string(), *v)))
            .collect()
    }
    pub fn level(&self, o: &Organisation) -> String {
        o.level
            .map_or_else(|| "—".into(), |l| l.as_str().to_string())
    }
}

/// The month and CVE of the review page.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ReviewQuery {
    month: String,
    cve: String,
}

/// `month=YYYY-MM` (blank: none).
pub fn month_of(s: &str) -> Result<Option<zian_domain::vulns::kpi::Month>, AppError> {
    if s.trim().is_empty() {
        return Ok(None);
    }
    Ok(Some(zian_domain::vulns::kpi::Month::parse("month", s)?))
}

pub async fn review(
    State(st): State<AppState>,
    pc: PageCaller,
    PagePath(id): PagePath<OrgId>,
    PageQuery(q): PageQuery<ReviewQuery>,
) -> PageResult {
    let org = st.app.org_with(&pc.p, &id, Permission::RecordRead).await?;
    let month = month_of(&q.month)?;
    let which = if q.cve.trim().is_empty() {
        None
    } else {
        let cve = cve_id(&q.cve)?;
        Some(st.app.orgs_with_cve(&pc.p, &org.id, &cve).await?.1)
    };
    let r = st.app.vuln_review(&pc.p, &org.id, month).await?;
    let cx = ctx(&st.app, &pc, "vulns.review_title", "vulns", None).await?;
    let points: Vec<(String, Option<f64>)> = r
        .trend
        .iter()
        .map(|(m, x)| (m.to_string(), x.percent()))
        .collect();
    let trend_svg = super::chart::bars("vulns-trend", &cx.t("vulns.kpi_week"), &points, Some(75.0));
    render(&ReviewPage {
        ctx: cx,
        month: r.month.to_string(),
        r,
        trend_svg,
        cve: q.cve.trim().to_ascii_uppercase(),
        which,
    })
}
