//! The people forms (seed 001): security resource requests and staff
//! confidentiality agreements with their approval chain, the staff without
//! an agreement; the restricted-area entry log with its quick entry.

pub mod api;
pub mod pages;

use axum::http::Method as M;
use axum::routing::{get, post};
use zian_app::people_forms::{
    AgreementInput, EntryInput, EntryOut, FormOut, LeaveInput, RequestInput, SignInput,
};

use crate::routes::{Kind::*, Route, r};

pub(crate) fn routes() -> Vec<Route> {
    vec![
        r(M::GET, "/api/v1/orgs/{id}/people-forms", Api, "people_forms", "The organisation's resource requests and confidentiality agreements, latest first, and the staff holding a role here without an agreement", get(api::list)).resp::<api::FormsOut>(),
        r(M::POST, "/api/v1/orgs/{id}/resource-requests", Api, "people_forms", "File a security resource request (資通安全需求申請單); the unit head signs next", post(api::create_request)).req::<RequestInput>().resp::<FormOut>(),
        r(M::POST, "/api/v1/orgs/{id}/confidentiality-agreements", Api, "people_forms", "Record a staff confidentiality agreement (資通安全保密同意書) to be signed and countersigned", post(api::create_agreement)).req::<AgreementInput>().resp::<FormOut>(),
        r(M::GET, "/api/v1/people-forms/{id}", Api, "people_forms", "A people form with its chain and the step to sign next", get(api::get)).resp::<FormOut>(),
        r(M::POST, "/api/v1/people-forms/{id}/sign", Api, "people_forms", "Sign the next step of a form's chain: the unit head, the team's decision (可採購 / 不可採購, a note to decline), the CISO; the signer, the head", post(api::sign)).req::<SignInput>().resp::<FormOut>(),
        r(M::GET, "/api/v1/orgs/{id}/area-log", Api, "people_forms", "The restricted-area entry log of a month (`month` YYYY-MM, default this one) with everyone still inside", get(api::log)).resp::<api::LogOut>(),
        r(M::POST, "/api/v1/orgs/{id}/area-log", Api, "people_forms", "Record an entry to a restricted area (now, unless `entered_at`)", post(api::enter)).req::<EntryInput>().resp::<EntryOut>(),
        r(M::POST, "/api/v1/area-entries/{id}/leave", Api, "people_forms", "Record the leaving of an entry (now, unless `left_at`)", post(api::leave)).req::<LeaveInput>().resp::<EntryOut>(),
        r(M::GET, "/orgs/{id}/people-forms", Page, "page", "Resource requests and confidentiality agreements of an organisation", get(pages::list)),
        r(M::POST, "/orgs/{id}/resource-requests", Page, "page", "File a resource request", post(pages::create_request)),
        r(M::POST, "/orgs/{id}/confidentiality-agreements", Page, "page", "Add a confidentiality agreement", post(pages::create_agreement)),
        r(M::GET, "/people-forms/{id}", Page, "page", "A people form with its chain", get(pages::show)),
        r(M::POST, "/people-forms/{id}/sign", Page, "page", "Sign a people form's next step", post(pages::sign)),
        r(M::GET, "/orgs/{id}/area-log", Page, "page", "The restricted-area entry log with the quick entry", get(pages::log)),
        r(M::POST, "/orgs/{id}/area-log", Page, "page", "Record an entry to a restricted area", post(pages::enter)),
        r(M::POST, "/area-entries/{id}/leave", Page, "page", "Record the leaving of an entry", post(pages::leave)),
    ]
}
