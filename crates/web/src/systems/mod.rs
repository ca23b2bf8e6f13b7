//! Information systems: the register, protection grading (附表九), the
//! control baseline (附表十) with implementation status, and the statement
//! of applicability.

pub mod api;
pub mod pages;

use axum::http::Method as M;
use axum::routing::{get, post, put};
use zian_app::systems::{ControlInput, GradingInput, SystemInput};

use crate::routes::{Kind::*, Route, r};

pub(crate) fn routes() -> Vec<Route> {
    vec![
        r(M::GET, "/api/v1/grading/questionnaire", Api, "systems", "The guided grading questionnaire (附表九)", get(api::questionnaire)).resp::<Vec<api::QuestionOut>>(),
        r(M::GET, "/api/v1/orgs/{id}/systems", Api, "systems", "An organisation's information systems, paged (filters: q, level, archived=true, review_overdue=true; sort: name, level, review_due, updated)", get(api::list)).resp::<crate::list::PageOut<api::SystemOut>>().listed(FILTERS),
        r(M::POST, "/api/v1/orgs/{id}/systems", Api, "systems", "Register an information system", post(api::create)).req::<SystemInput>().resp::<api::SystemOut>(),
        r(M::GET, "/api/v1/systems/{id}", Api, "systems", "A system with gradings, baseline (附表十) and statement of applicability", get(api::get)).resp::<api::SystemDetailOut>(),
        r(M::POST, "/api/v1/systems/{id}/grading", Api, "systems", "Grade a system from questionnaire answers", post(api::grade)).req::<GradingInput>().resp::<api::GradingOutcomeOut>(),
        r(M::PUT, "/api/v1/systems/{id}/controls/{control_id}", Api, "systems", "Set a baseline control's implementation status", put(api::control_set)).req::<ControlInput>().resp::<api::ControlStatusOut>(),
        r(M::PUT, "/api/v1/systems/{id}", Api, "systems", "Edit a system's name, owner and description", put(api::update)).req::<SystemInput>().resp::<api::SystemOut>(),
        r(M::POST, "/api/v1/systems/{id}/archive", Api, "systems", "Archive a system (kept with its gradings and risks; hidden from lists unless archived=true)", post(api::archive)).resp::<api::SystemOut>(),
        r(M::POST, "/api/v1/systems/{id}/restore", Api, "systems", "Bring an archived system back", post(api::restore)).resp::<api::SystemOut>(),
        r(M::GET, "/api/v1/systems/{id}/soa.csv", Api, "systems", "Statement of applicability as CSV (UTF-8 with BOM)", get(api::soa_csv)),
        r(M::GET, "/orgs/{id}/systems", Page, "page", "Information systems", get(pages::list)),
        r(M::POST, "/orgs/{id}/systems", Page, "page", "Register a system", post(pages::create)),
        r(M::GET, "/systems/{id}", Page, "page", "System grading, baseline and statement of applicability", get(pages::show)),
        r(M::POST, "/systems/{id}/grading", Page, "page", "Grade a system", post(pages::grade)),
        r(M::POST, "/systems/{id}/controls", Page, "page", "Set a control's status", post(pages::control)),
        r(M::POST, "/systems/{id}/controls/bulk", Page, "page", "Set many controls' status at once", post(pages::control_bulk)),
        r(M::POST, "/systems/{id}", Page, "page", "Save a system", post(pages::update)),
        r(M::POST, "/systems/{id}/archive", Page, "page", "Archive a system", post(pages::archive)),
        r(M::POST, "/systems/{id}/restore", Page, "page", "Restore a system", post(pages::restore)),
    ]
}

/// The filters of the system list.
pub const FILTERS: &[&str] = &["level", "archived", "review_overdue"];
