//! Business continuity (seed 002): the business impact analysis per
//! process with its continuity plan, the plan's activations as tracked
//! runs, drills with their report, and the social-engineering drills'
//! rounds with their rates.

pub mod api;
pub mod pages;

use axum::http::Method as M;
use axum::routing::{get, post, put};
use zian_app::continuity::{
    ActivationInput, ActivationOut, CampaignInput, CampaignOut, DrillInput, DrillOut,
    DrillResultInput, ProcessInput, ProcessOut, RunStepInput, TerminationInput,
};

use crate::routes::{Kind::*, Route, r};

pub(crate) fn routes() -> Vec<Route> {
    vec![
        r(M::GET, "/api/v1/orgs/{id}/continuity/processes", Api, "continuity", "The business processes of the organisation's impact analysis (營運衝擊分析表) with their grade, MTD/RTO/RPO and continuity plan, paged (filters: q (name); sort: grade, name, mtd, updated)", get(api::processes)).resp::<api::ProcessListOut>().listed(&[]),
        r(M::POST, "/api/v1/orgs/{id}/continuity/processes", Api, "continuity", "Add a business process: impact over time, MTD/RTO/RPO (RTO ≤ MTD), dependencies on the organisation's systems and assets, grade (high: a critical process), and its continuity plan", post(api::create_process)).req::<ProcessInput>().resp::<ProcessOut>(),
        r(M::GET, "/api/v1/continuity/processes/{id}", Api, "continuity", "A business process with its impact analysis and continuity plan", get(api::process)).resp::<ProcessOut>(),
        r(M::PUT, "/api/v1/continuity/processes/{id}", Api, "continuity", "Replace a business process's analysis and plan", put(api::update_process)).req::<ProcessInput>().resp::<ProcessOut>(),
        r(M::POST, "/api/v1/continuity/processes/{id}/review", Api, "continuity", "Record the yearly review of a process's analysis and plan, today", post(api::review_process)).resp::<ProcessOut>(),
        r(M::POST, "/api/v1/continuity/processes/{id}/activations", Api, "continuity", "Activate a process's continuity plan (who decided, when, the prompting incident): its resources and recovery steps become a tracked run", post(api::activate)).req::<ActivationInput>().resp::<ActivationOut>(),
        r(M::GET, "/api/v1/continuity/activations/{id}", Api, "continuity", "An activation: the resources confirmed and the recovery steps done, the termination", get(api::activation)).resp::<ActivationOut>(),
        r(M::POST, "/api/v1/continuity/activations/{id}/steps", Api, "continuity", "Mark a resource (`part`: resources) or a recovery step (steps) of an active run done or not", post(api::activation_step)).req::<RunStepInput>().resp::<ActivationOut>(),
        r(M::POST, "/api/v1/continuity/activations/{id}/terminate", Api, "continuity", "End an activation (who decided, the review's conclusion)", post(api::terminate)).req::<TerminationInput>().resp::<ActivationOut>(),
        r(M::GET, "/api/v1/orgs/{id}/drills", Api, "continuity", "The organisation's drills, paged (filters: q (title), kind, status; sort: planned, title)", get(api::drills)).resp::<api::DrillListOut>().listed(DRILL_FILTERS),
        r(M::POST, "/api/v1/orgs/{id}/drills", Api, "continuity", "Plan a drill: tabletop, notification or recovery, the processes drilled, approval, scenario, participants, steps (default: the plans' steps)", post(api::create_drill)).req::<DrillInput>().resp::<DrillOut>(),
        r(M::GET, "/api/v1/drills/{id}", Api, "continuity", "A drill with its report", get(api::drill)).resp::<DrillOut>(),
        r(M::PUT, "/api/v1/drills/{id}", Api, "continuity", "Change a planned drill", put(api::update_drill)).req::<DrillInput>().resp::<DrillOut>(),
        r(M::POST, "/api/v1/drills/{id}/steps", Api, "continuity", "Time a step of a drill as it is run", post(api::drill_step)).req::<RunStepInput>().resp::<DrillOut>(),
        r(M::POST, "/api/v1/drills/{id}/complete", Api, "continuity", "Complete a drill with its report (業務持續計畫演練暨處理報告單): times, recovery time achieved (against the processes' RTO), problems, improvements, conclusion. Completed drills prove the drill obligations of their period", post(api::complete_drill)).req::<DrillResultInput>().resp::<DrillOut>(),
        r(M::GET, "/api/v1/orgs/{id}/campaigns", Api, "continuity", "The organisation's social-engineering drill rounds with open and click rates against the targets (seed 003: below 5 % and 2 %), latest first", get(api::campaigns)).resp::<api::CampaignListOut>(),
        r(M::POST, "/api/v1/orgs/{id}/campaigns", Api, "continuity", "Record a social-engineering drill round's results (participants, opened, clicked)", post(api::create_campaign)).req::<CampaignInput>().resp::<CampaignOut>(),
        r(M::GET, "/orgs/{id}/continuity", Page, "page", "Business continuity", get(pages::overview)),
        r(M::GET, "/orgs/{id}/continuity/processes/new", Page, "page", "Add a business process (form)", get(pages::new_process)),
        r(M::POST, "/orgs/{id}/continuity/processes", Page, "page", "Add a business process", post(pages::create_process)),
        r(M::GET, "/continuity/processes/{id}", Page, "page", "A business process", get(pages::process)),
        r(M::GET, "/continuity/processes/{id}/edit", Page, "page", "Edit a business process (form)", get(pages::edit_process)),
        r(M::POST, "/continuity/processes/{id}", Page, "page", "Save a business process", post(pages::update_process)),
        r(M::POST, "/continuity/processes/{id}/review", Page, "page", "Record the yearly review", post(pages::review_process)),
        r(M::POST, "/continuity/processes/{id}/activate", Page, "page", "Activate the continuity plan", post(pages::activate)),
        r(M::GET, "/continuity/activations/{id}", Page, "page", "An activation of a continuity plan", get(pages::activation)),
        r(M::POST, "/continuity/activations/{id}/steps", Page, "page", "Mark a step of an activation", post(pages::activation_step)),
        r(M::POST, "/continuity/activations/{id}/terminate", Page, "page", "End an activation", post(pages::terminate)),
        r(M::GET, "/orgs/{id}/drills/new", Page, "page", "Plan a drill (form)", get(pages::new_drill)),
        r(M::POST, "/orgs/{id}/drills", Page, "page", "Plan a drill", post(pages::create_drill)),
        r(M::GET, "/drills/{id}", Page, "page", "A drill", get(pages::drill)),
        r(M::GET, "/drills/{id}/edit", Page, "page", "Edit a drill (form)", get(pages::edit_drill)),
        r(M::POST, "/drills/{id}", Page, "page", "Save a drill", post(pages::update_drill)),
        r(M::POST, "/drills/{id}/steps", Page, "page", "Time a step of a drill", post(pages::drill_step)),
        r(M::POST, "/drills/{id}/complete", Page, "page", "Complete a drill", post(pages::complete_drill)),
        r(M::GET, "/drills/{id}/report", Page, "page", "The drill report, printable", get(pages::drill_report)),
        r(M::GET, "/orgs/{id}/campaigns", Page, "page", "Social-engineering drills", get(pages::campaigns)),
        r(M::POST, "/orgs/{id}/campaigns", Page, "page", "Record a social-engineering drill round", post(pages::create_campaign)),
    ]
}

/// The drill list's own filters.
pub const DRILL_FILTERS: &[&str] = &["kind", "status"];
