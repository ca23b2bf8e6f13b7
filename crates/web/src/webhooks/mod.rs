//! Webhooks over the JSON API: an organisation's subscriptions (created
//! with their secret shown once), disabling, a test ping, the delivery log
//! and each delivery's attempts. Organisation administrators only
//! (`OrgWrite` where the organisation is).

pub mod api;

use axum::http::Method as M;
use axum::routing::{get, post};

use crate::routes::{Kind::*, Route, r};

/// Filters of the delivery log.
pub const DELIVERY_FILTERS: &[&str] = &["status"];

pub(crate) fn routes() -> Vec<Route> {
    vec![
        r(
            M::GET,
            "/api/v1/orgs/{id}/webhooks",
            Api,
            "webhooks",
            "An organisation's webhooks, newest first (the secret is never listed)",
            get(api::list),
        )
        .resp::<crate::list::PageOut<api::WebhookOut>>()
        .listed(&[]),
        r(
            M::POST,
            "/api/v1/orgs/{id}/webhooks",
            Api,
            "webhooks",
            "Add a webhook (https URL, events); the signing secret is in this answer only",
            post(api::create),
        )
        .req::<zian_app::webhooks::WebhookInput>()
        .resp::<api::WebhookCreatedOut>(),
        r(
            M::POST,
            "/api/v1/webhooks/{id}/disable",
            Api,
            "webhooks",
            "Disable a webhook (queued deliveries are dropped)",
            post(api::disable),
        )
        .resp::<api::WebhookOut>(),
        r(
            M::POST,
            "/api/v1/webhooks/{id}/ping",
            Api,
            "webhooks",
            "Queue a signed test delivery (event webhook.ping)",
            post(api::ping),
        )
        .resp::<api::PingOut>(),
        r(
            M::GET,
            "/api/v1/webhooks/{id}/deliveries",
            Api,
            "webhooks",
            "A webhook's deliveries, newest first (status: queued, delivered, failed)",
            get(api::deliveries),
        )
        .resp::<crate::list::PageOut<api::DeliveryOut>>()
        .listed(DELIVERY_FILTERS),
        r(
            M::GET,
            "/api/v1/webhook-deliveries/{id}/attempts",
            Api,
            "webhooks",
            "A delivery's attempts: time, status code, duration, error",
            get(api::attempts),
        )
        .resp::<Vec<api::AttemptOut>>(),
    ]
}
