//! Management review (管理審查): an organisation's meetings, a meeting's
//! agenda with the facts gathered from the records, its minutes and
//! decisions, made final once held; action items as corrective actions.

pub mod api;
pub mod pages;

use axum::http::Method as M;
use axum::routing::{get, post, put};
use zian_app::management_review::{HeldInput, MinutesInput, ReviewInput, ReviewOut};

use crate::routes::{Kind::*, Route, r};

pub(crate) fn routes() -> Vec<Route> {
    vec![
        r(M::GET, "/api/v1/orgs/{id}/management-reviews", Api, "management_review", "The organisation's management reviews, latest first, with the last one held and whether one is due (none held in the past year)", get(api::list)).resp::<api::ReviewListOut>(),
        r(M::POST, "/api/v1/orgs/{id}/management-reviews", Api, "management_review", "Schedule a management review: its agenda's facts are gathered from the records since the previous review held", post(api::create)).req::<ReviewInput>().resp::<ReviewOut>(),
        r(M::GET, "/api/v1/management-reviews/{id}", Api, "management_review", "A management review: the agenda with its facts, notes and discussion, the decisions, and the action items raised from it", get(api::get)).resp::<api::ReviewDetailOut>(),
        r(M::POST, "/api/v1/management-reviews/{id}/gather", Api, "management_review", "Gather the agenda's facts again (only while the minutes are not final); what was typed stays", post(api::gather)).resp::<ReviewOut>(),
        r(M::PUT, "/api/v1/management-reviews/{id}/minutes", Api, "management_review", "Record the minutes typed so far: chair, place, attendees, each topic's notes and discussion, decisions", put(api::minutes)).req::<MinutesInput>().resp::<ReviewOut>(),
        r(M::POST, "/api/v1/management-reviews/{id}/held", Api, "management_review", "Make the minutes final: refused until every topic is discussed and the chair and attendees are named", post(api::held)).req::<HeldInput>().resp::<ReviewOut>(),
        r(M::GET, "/orgs/{id}/management-reviews", Page, "page", "Management reviews of an organisation", get(pages::list)),
        r(M::POST, "/orgs/{id}/management-reviews", Page, "page", "Schedule a management review", post(pages::create)),
        r(M::GET, "/management-reviews/{id}", Page, "page", "A management review: agenda, facts, minutes, decisions, action items", get(pages::show)),
        r(M::POST, "/management-reviews/{id}/gather", Page, "page", "Gather a management review's facts again", post(pages::gather)),
        r(M::POST, "/management-reviews/{id}/minutes", Page, "page", "Save a management review's minutes", post(pages::minutes)),
        r(M::POST, "/management-reviews/{id}/held", Page, "page", "Save and make a management review's minutes final", post(pages::held)),
    ]
}
