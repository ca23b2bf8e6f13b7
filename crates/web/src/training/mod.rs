//! Training (教育訓練): the year's plan and roster, sessions with their
//! sign-in sheets (imported from a spreadsheet, previewed, committed;
//! printable with a signature column), hours, gaps and gender statistics.

pub mod api;
pub mod pages;

use axum::http::Method as M;
use axum::routing::{get, post, put};
use zian_app::training::{CommitInput, PlanInput, SessionInput, SessionOut, SignInInput};

use crate::routes::{Kind::*, Route, r};

pub(crate) fn routes() -> Vec<Route> {
    vec![
        r(M::GET, "/api/v1/orgs/{id}/training", Api, "training", "The organisation's training year (`year`, default this year): the plan and roster with head counts, the sessions, each person's hours, the gaps against 附表一 for its level (尚缺 N 小時) and participants and instructors by gender", get(api::year)).resp::<api::TrainingOut>(),
        r(M::PUT, "/api/v1/orgs/{id}/training/plan", Api, "training", "Record or replace the year's training plan: basis, courses, the roster by job category with genders and certificates", put(api::plan)).req::<PlanInput>().resp::<api::TrainingOut>(),
        r(M::POST, "/api/v1/orgs/{id}/training/sessions", Api, "training", "Record a session held: course, category (資安專業／資安通識／職能), hours, day, provider, place, method, instructor", post(api::session)).req::<SessionInput>().resp::<SessionOut>(),
        r(M::GET, "/api/v1/training-sessions/{id}", Api, "training", "A session with its sign-in sheet and the preview of an uploaded one", get(api::get)).resp::<api::SessionDetailOut>(),
        r(M::POST, "/api/v1/training-sessions/{id}/sign-in/preview", Api, "training", "Upload a sign-in sheet (CSV or XLSX with 單位, 職稱, 姓名, 性別) for preview: the rows to take, each matched to the roster or not, and the rows skipped with why", post(api::preview)).req::<SignInInput>().resp::<api::SessionDetailOut>(),
        r(M::POST, "/api/v1/training-sessions/{id}/sign-in", Api, "training", "Commit the previewed sign-in sheet (`expect`: its SHA-256): its rows join the sheet, the skipped ones are reported by line", post(api::commit)).req::<CommitInput>().resp::<api::CommitOut>(),
        r(M::GET, "/orgs/{id}/training", Page, "page", "Training: the year's plan and roster, sessions, hours, gaps, gender statistics", get(pages::year)),
        r(M::POST, "/orgs/{id}/training/plan", Page, "page", "Save the year's training plan", post(pages::plan)),
        r(M::POST, "/orgs/{id}/training/sessions", Page, "page", "Record a session", post(pages::session)),
        r(M::GET, "/training-sessions/{id}", Page, "page", "A session, its sign-in sheet, the import and its preview", get(pages::show)),
        r(M::POST, "/training-sessions/{id}/sign-in/preview", Page, "page", "Upload a sign-in sheet for preview", post(pages::preview)),
        r(M::POST, "/training-sessions/{id}/sign-in", Page, "page", "Commit the previewed sign-in sheet", post(pages::commit)),
        r(M::GET, "/training-sessions/{id}/sheet", Page, "page", "The printable sign-in sheet with its signature column", get(pages::sheet)),
    ]
}
