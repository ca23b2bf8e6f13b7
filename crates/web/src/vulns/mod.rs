//! Vulnerability findings (VANS): an organisation's findings with their
//! clocks (list, filters, CSV, one decision over a filtered set), each
//! finding with its evidence, decisions and history, the remediation
//! policy, a match on request, and per-host patch lists.

pub mod api;
pub mod chart;
pub mod pages;

use axum::http::Method as M;
use axum::routing::{get, post, put};
use zian_app::vulns::{BulkInput, DecisionInput, PolicyInput};

use crate::routes::{Kind::*, Route, r};

pub(crate) fn routes() -> Vec<Route> {
    vec![
        r(M::GET, "/api/v1/orgs/{id}/vulns", Api, "vulns", "An organisation's vulnerability findings, paged (filters: q (CVE, asset, host, software), status (default open: new, needs_fix, planned; handled; all; or one status), severity (critical, high, medium, low, none, unknown), kev=true, certainty (default confirmed; possible; all), overdue=true, cve, asset, core=true, exposed=true (the asset is Internet-facing), notified (YYYY-MM: notified that month), kpi (high: CVSS >= 7; week_handled / week_missed: CVSS >= 7 handled within 7 days of notification, or not); sort: due, score, epss, cve, asset, first_seen, updated)", get(api::list)).resp::<crate::list::PageOut<api::FindingOut>>().listed(FILTERS),
        r(M::GET, "/api/v1/orgs/{id}/vulns.csv", Api, "vulns", "The findings as CSV (UTF-8 with BOM; the list's filters)", get(api::csv)),
        r(M::GET, "/api/v1/orgs/{id}/vulns/summary", Api, "vulns", "Open findings by severity, overdue, KEV, possible, handled; the latest match", get(api::summary)).resp::<zian_app::vulns::Summary>(),
        r(M::POST, "/api/v1/orgs/{id}/vulns/match", Api, "vulns", "Match the organisation's installed software against the feed store now", post(api::rematch)).resp::<api::CountsOut>(),
        r(M::POST, "/api/v1/orgs/{id}/vulns/bulk", Api, "vulns", "One decision for every finding of a filtered set (at most 5,000; findings it does not apply to are skipped)", post(api::bulk)).req::<BulkInput>().resp::<zian_app::vulns::BulkResult>(),
        r(M::GET, "/api/v1/orgs/{id}/vulns/policy", Api, "vulns", "The remediation policy in force (days by severity) and the organisation it comes from", get(api::policy)).resp::<api::PolicyOut>(),
        r(M::PUT, "/api/v1/orgs/{id}/vulns/policy", Api, "vulns", "Set the organisation's remediation policy (inherited by its subtree)", put(api::set_policy)).req::<PolicyInput>().resp::<api::PolicyOut>(),
        r(M::GET, "/api/v1/orgs/{id}/vulns/endpoints", Api, "vulns", "The endpoints the organisation declared and the hosts its latest match read (the endpoints-inventoried KPI)", get(api::endpoints)).resp::<zian_app::vulns::EndpointsView>(),
        r(M::PUT, "/api/v1/orgs/{id}/vulns/endpoints", Api, "vulns", "Declare how many endpoints (PCs and servers) the organisation has (null withdraws the declaration; not inherited)", put(api::declare_endpoints)).req::<zian_app::vulns::EndpointsInput>().resp::<zian_app::vulns::EndpointsView>(),
        r(M::GET, "/api/v1/orgs/{id}/vulns/patches.csv", Api, "vulns", "What to update on each host: open findings grouped by host and product, most urgent first (CSV for deployment tools)", get(api::patches_csv)),
        r(M::GET, "/api/v1/orgs/{id}/vulns/review", Api, "vulns", "The VANS KPIs of a month (month=YYYY-MM, default this month in Asia/Taipei) for the organisation's subtree, with their formulas' numerators and denominators, the trend, and every agency of the subtree (inventory freshness, open findings by severity, overdue, KPI, rank)", get(api::review)).resp::<api::ReviewOut>(),
        r(M::GET, "/api/v1/orgs/{id}/vulns/review.csv", Api, "vulns", "The agencies of the review as CSV (month=YYYY-MM)", get(api::review_csv)),
        r(M::GET, "/api/v1/orgs/{id}/vulns/review.xlsx", Api, "vulns", "The agencies of the review as an Excel workbook (month=YYYY-MM)", get(api::review_xlsx)),
        r(M::GET, "/api/v1/orgs/{id}/vulns/which", Api, "vulns", "Which organisations of the subtree have findings of a CVE (cve=CVE-YYYY-NNNN)", get(api::which)).resp::<api::WhichOut>(),
        r(M::GET, "/api/v1/vulns/{id}", Api, "vulns", "A finding with its evidence, clock and history", get(api::get)).resp::<api::FindingDetailOut>(),
        r(M::POST, "/api/v1/vulns/{id}/decision", Api, "vulns", "Decide about a finding: needs_fix, accept, false_positive, not_applicable, plan, fix, verify", post(api::decide)).req::<DecisionInput>().resp::<api::FindingOut>(),
        r(M::GET, "/api/v1/assets/{id}/patches", Api, "vulns", "What to update on one host, grouped by product", get(api::asset_patches)).resp::<Vec<zian_app::vulns::PatchItem>>(),
        r(M::GET, "/orgs/{id}/vulns", Page, "page", "Vulnerability findings", get(pages::list)),
        r(M::POST, "/orgs/{id}/vulns/match", Page, "page", "Match now", post(pages::rematch)),
        r(M::POST, "/orgs/{id}/vulns/bulk", Page, "page", "One decision for the filtered findings", post(pages::bulk)),
        r(M::GET, "/orgs/{id}/vulns/review", Page, "page", "The VANS KPIs and the monthly review of the subtree; which agencies have a CVE", get(pages::review)),
        r(M::GET, "/orgs/{id}/vulns/policy", Page, "page", "Remediation policy", get(pages::policy)),
        r(M::POST, "/orgs/{id}/vulns/policy", Page, "page", "Save the remediation policy", post(pages::set_policy)),
        r(M::POST, "/orgs/{id}/vulns/endpoints", Page, "page", "Declare the organisation's endpoints", post(pages::declare_endpoints)),
        r(M::GET, "/vulns/{id}", Page, "page", "A finding", get(pages::show)),
        r(M::POST, "/vulns/{id}/decision", Page, "page", "Decide about a finding", post(pages::decide)),
        r(M::GET, "/assets/{id}/patches", Page, "page", "What to update on this host", get(pages::asset_patches)),
    ]
}

/// The filters of the findings list.
pub const FILTERS: &[&str] = &[
    "status",
    "severity",
    "kev",
    "certainty",
    "overdue",
    "cve",
    "asset",
    "core",
    "exposed",
    "notified",
    "kpi",
];
