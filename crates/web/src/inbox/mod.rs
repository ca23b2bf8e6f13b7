//! The caller's inbox (notices from every module, the unread count in the
//! header, marking read) and notification preferences per kind of event —
//! as JSON under `/api/v1/inbox` and `/api/v1/notification-preferences`,
//! and as the `/inbox` and `/account/notifications` pages. Always the
//! caller's own: `zian_app::inbox` reads by the caller's user id.

pub mod api;
pub mod pages;

use axum::http::Method as M;
use axum::routing::{get, post};

use crate::routes::{Kind::*, Route, r};

/// The filters of the inbox.
pub const FILTERS: &[&str] = &["unread"];

pub(crate) fn routes() -> Vec<Route> {
    vec![
        r(M::GET, "/api/v1/inbox", Api, "inbox", "The caller's notices, newest first (filter unread=1)", get(api::list))
            .resp::<crate::list::PageOut<api::NoticeOut>>()
            .listed(FILTERS),
        r(M::GET, "/api/v1/inbox/unread", Api, "inbox", "How many of the caller's notices are unread", get(api::unread))
            .resp::<api::UnreadOut>(),
        r(M::POST, "/api/v1/inbox/{id}/read", Api, "inbox", "Mark one of the caller's notices read", post(api::read))
            .resp::<api::NoticeOut>(),
        r(M::POST, "/api/v1/inbox/read-all", Api, "inbox", "Mark all the caller's notices read", post(api::read_all))
            .resp::<api::UnreadOut>(),
        r(M::GET, "/api/v1/notification-preferences", Api, "inbox", "How the caller hears of each kind of event (inbox, email, digest, off)", get(api::prefs))
            .resp::<Vec<zian_app::inbox::PrefView>>(),
        r(M::PUT, "/api/v1/notification-preferences", Api, "inbox", "Change how the caller hears of some kinds of event (channel default restores the default)", axum::routing::put(api::set_prefs))
            .req::<zian_app::inbox::PrefsInput>()
            .resp::<Vec<zian_app::inbox::PrefView>>(),
        r(M::GET, "/inbox", Page, "page", "Inbox", get(pages::list)),
        r(M::POST, "/inbox/{id}/read", Page, "page", "Open a notice (marks it read, goes to its record)", post(pages::read)),
        r(M::POST, "/inbox/read-all", Page, "page", "Mark all notices read", post(pages::read_all)),
        r(M::GET, "/account/notifications", Page, "page", "Notification settings", get(pages::prefs)),
        r(M::POST, "/account/notifications", Page, "page", "Save notification settings", post(pages::save_prefs)),
    ]
}
