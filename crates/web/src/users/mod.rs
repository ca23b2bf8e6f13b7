//! People: users, their roles at organisations, and deputies (職務代理人).

pub mod api;
pub mod pages;

use axum::http::Method as M;
use axum::routing::{delete, get, patch, post};

use crate::routes::{Kind::*, Route, r};

pub(crate) fn routes() -> Vec<Route> {
    vec![
        r(
            M::GET,
            "/api/v1/users",
            Api,
            "users",
            "List users (filters: q, org, active; sort: username, name, created)",
            get(api::list),
        )
        .resp::<crate::list::PageOut<api::UserOut>>()
        .listed(FILTERS),
        r(
            M::POST,
            "/api/v1/users",
            Api,
            "users",
            "Create a user",
            post(api::create),
        )
        .req::<api::UserCreateInput>()
        .resp::<api::UserOut>(),
        r(
            M::GET,
            "/api/v1/users/{id}",
            Api,
            "users",
            "Get a user",
            get(api::get),
        )
        .resp::<api::UserOut>(),
        r(
            M::PATCH,
            "/api/v1/users/{id}",
            Api,
            "users",
            "Edit, deactivate or unlock a user",
            patch(api::update),
        )
        .req::<api::UserPatchInput>()
        .resp::<api::UserOut>(),
        r(
            M::POST,
            "/api/v1/users/{id}/password",
            Api,
            "users",
            "Set a temporary password",
            post(api::reset_password),
        )
        .req::<api::PasswordResetInput>(),
        r(
            M::GET,
            "/api/v1/users/{id}/roles",
            Api,
            "roles",
            "A user's roles",
            get(api::roles),
        )
        .resp::<Vec<api::AssignmentOut>>(),
        r(
            M::POST,
            "/api/v1/users/{id}/roles",
            Api,
            "roles",
            "Grant a role at an organisation",
            post(api::grant),
        )
        .req::<api::GrantInput>()
        .resp::<api::AssignmentOut>(),
        r(
            M::DELETE,
            "/api/v1/roles/{id}",
            Api,
            "roles",
            "Revoke a role assignment",
            delete(api::revoke),
        ),
        r(
            M::GET,
            "/api/v1/deputies",
            Api,
            "deputies",
            "Deputies (職務代理人) in scope",
            get(api::deputies),
        )
        .resp::<Vec<api::DeputyOut>>(),
        r(
            M::POST,
            "/api/v1/deputies",
            Api,
            "deputies",
            "Designate a deputy for a period",
            post(api::deputy_create),
        )
        .req::<api::DeputyInput>()
        .resp::<api::DeputyOut>(),
        r(
            M::DELETE,
            "/api/v1/deputies/{id}",
            Api,
            "deputies",
            "End a deputyship",
            delete(api::deputy_revoke),
        ),
        r(M::GET, "/users", Page, "page", "Users", get(pages::list)),
        r(
            M::GET,
            "/users/new",
            Page,
            "page",
            "New user form",
            get(pages::new_form),
        ),
        r(
            M::POST,
            "/users",
            Page,
            "page",
            "Create user",
            post(pages::create),
        ),
        r(
            M::GET,
            "/users/{id}",
            Page,
            "page",
            "User",
            get(pages::show),
        ),
        r(
            M::POST,
            "/users/{id}",
            Page,
            "page",
            "Save user",
            post(pages::update),
        ),
        r(
            M::POST,
            "/users/{id}/roles",
            Page,
            "page",
            "Grant role",
            post(pages::grant),
        ),
        r(
            M::POST,
            "/users/{id}/roles/{rid}/revoke",
            Page,
            "page",
            "Revoke role",
            post(pages::revoke),
        ),
        r(
            M::POST,
            "/users/{id}/password",
            Page,
            "page",
            "Reset password",
            post(pages::reset_password),
        ),
        r(
            M::GET,
            "/deputies",
            Page,
            "page",
            "Deputies",
            get(pages::deputies),
        ),
        r(
            M::POST,
            "/deputies",
            Page,
            "page",
            "Create deputy",
            post(pages::deputy_create),
        ),
        r(
            M::POST,
            "/deputies/{id}/revoke",
            Page,
            "page",
            "End deputyship",
            post(pages::deputy_revoke),
        ),
    ]
}

/// The filters of the user list.
pub const FILTERS: &[&str] = &["org", "active"];
