//! Reminders before due dates: obligations, the plan's yearly review,
//! system re-grading and risk treatments, with whom to remind.

pub mod api;
pub mod pages;

use axum::http::Method as M;
use axum::routing::get;

use crate::routes::{Kind::*, Route, r};

pub(crate) fn routes() -> Vec<Route> {
    vec![
        r(M::GET, "/api/v1/reminders", Api, "reminders", "What is overdue or due within `within_days` (default 30) in the caller's scope, with whom to remind", get(api::list)).resp::<Vec<api::ReminderOut>>(),
        r(M::GET, "/reminders", Page, "page", "Reminders of what is due", get(pages::page)),
    ]
}
