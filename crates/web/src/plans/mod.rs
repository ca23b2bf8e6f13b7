//! The maintenance plan (資通安全維護計畫): versions drafted, submitted and
//! approved by the CISO, their differences, the supervisors' roll-up, and the
//! KPI measurements its quantitative objectives link to.

pub mod api;
pub mod pages;

use axum::http::Method as M;
use axum::routing::{get, post, put};
use zian_app::plans::KpiInput;

use crate::routes::{Kind::*, Route, r};

pub(crate) fn routes() -> Vec<Route> {
    vec![
        r(M::GET, "/api/v1/plan-schema", Api, "plans", "The maintenance plan's chapter schema and the KPI codes objectives link to", get(api::schema)).resp::<api::SchemaOut>(),
        r(M::GET, "/api/v1/plans", Api, "plans", "Roll-up: maintenance-plan status of every organisation in the caller's record scope", get(api::rollup)).resp::<Vec<api::PlanRollupOut>>(),
        r(M::GET, "/api/v1/orgs/{id}/plans", Api, "plans", "An organisation's maintenance-plan versions and yearly review", get(api::overview)).resp::<api::PlanOverviewOut>(),
        r(M::POST, "/api/v1/orgs/{id}/plans", Api, "plans", "Start a new plan version (a draft) from the latest version, the official template or supplied content", post(api::create)).req::<api::PlanCreateIn>().resp::<api::PlanOut>(),
        r(M::GET, "/api/v1/plans/{id}", Api, "plans", "A plan version with content, live summaries, findings and the level's requirements", get(api::get)).resp::<api::PlanOut>(),
        r(M::PUT, "/api/v1/plans/{id}", Api, "plans", "Replace a draft's content", put(api::update)).req::<api::PlanUpdateIn>().resp::<api::PlanOut>(),
        r(M::POST, "/api/v1/plans/{id}/business/from-bia", Api, "plans", "Fill a draft's business chapter (核心業務及重要性) from the business impact analysis: critical processes as core business with their systems, impacts and MTD, the others as non-core; rows already listed are kept", post(api::business_from_bia)).resp::<api::CoreSystemsOut>(),
        r(M::POST, "/api/v1/plans/{id}/core-systems/from-register", Api, "plans", "Fill a draft's core-system table (risk chapter) from the asset register: the systems core assets serve (every active system when none is flagged), with their assets; systems already listed are kept", post(api::core_systems_from_register)).resp::<api::CoreSystemsOut>(),
        r(M::PUT, "/api/v1/plans/{id}/chapters/{chapter}", Api, "plans", "Replace one chapter of a draft", put(api::update_chapter)).req::<serde_json::Map<String, serde_json::Value>>().resp::<api::PlanOut>(),
        r(M::POST, "/api/v1/plans/{id}/submit", Api, "plans", "Submit a draft for the CISO's approval (refused with every blocking finding)", post(api::submit)).resp::<api::PlanOut>(),
        r(M::POST, "/api/v1/plans/{id}/approve", Api, "plans", "Approve a submitted version (CISO)", post(api::approve)).req::<api::PlanApproveIn>().resp::<api::PlanOut>(),
        r(M::POST, "/api/v1/plans/{id}/return", Api, "plans", "Return a submitted version to draft with a reason (CISO)", post(api::return_to_draft)).req::<api::PlanReturnIn>().resp::<api::PlanOut>(),
        r(M::GET, "/api/v1/plans/{id}/diff", Api, "plans", "Changes from another version (default: the previous one)", get(api::diff)).resp::<api::PlanDiffOut>(),
        r(M::GET, "/api/v1/orgs/{id}/kpis", Api, "plans", "KPI measurements of an organisation", get(api::kpis_list)).resp::<Vec<api::KpiOut>>(),
        r(M::POST, "/api/v1/orgs/{id}/kpis", Api, "plans", "Record a KPI measurement", post(api::kpis_create)).req::<KpiInput>().resp::<api::KpiOut>(),
        r(M::GET, "/plans", Page, "page", "Maintenance plans of the organisations in scope", get(pages::rollup)),
        r(M::GET, "/orgs/{id}/plan", Page, "page", "An organisation's maintenance-plan versions and KPIs", get(pages::overview)),
        r(M::POST, "/orgs/{id}/plan", Page, "page", "Start a new plan version", post(pages::create)),
        r(M::POST, "/orgs/{id}/kpis", Page, "page", "Record a KPI measurement", post(pages::kpi_create)),
        r(M::GET, "/plans/{id}", Page, "page", "A maintenance-plan version", get(pages::show)),
        r(M::POST, "/plans/{id}/business/from-bia", Page, "page", "Fill the business chapter from the impact analysis", post(pages::business_from_bia)),
        r(M::POST, "/plans/{id}/core-systems/from-register", Page, "page", "Fill the core-system table from the asset register", post(pages::core_systems_from_register)),
        r(M::GET, "/plans/{id}/chapters/{chapter}", Page, "page", "Edit form of a plan chapter", get(pages::edit_form)),
        r(M::POST, "/plans/{id}/chapters/{chapter}", Page, "page", "Save a plan chapter", post(pages::edit_submit)),
        r(M::POST, "/plans/{id}/submit", Page, "page", "Submit a plan for approval", post(pages::submit)),
        r(M::POST, "/plans/{id}/approve", Page, "page", "Approve a plan (CISO)", post(pages::approve)),
        r(M::POST, "/plans/{id}/return", Page, "page", "Return a plan for revision (CISO)", post(pages::return_to_draft)),
        r(M::GET, "/plans/{id}/diff", Page, "page", "Differences between plan versions", get(pages::diff)),
    ]
}
