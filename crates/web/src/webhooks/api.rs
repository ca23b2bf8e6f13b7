//! Webhook handlers and DTOs. The secret leaves the server once, in the
//! creation's answer.

use axum::extract::State;
use axum::http::StatusCode;
use schemars::JsonSchema;
use serde::Serialize;
use zian_app::webhooks::WebhookInput;
use zian_domain::OrgId;
use zian_domain::webhooks::{Webhook, WebhookAttempt, WebhookDelivery};

use crate::error::ApiResult;
use crate::extract::{ApiCaller, ApiJson, ApiPath, ApiQuery};
use crate::list::PageOut;
use crate::state::AppState;

/// A webhook as listed (no secret).
#[derive(Debug, Serialize, JsonSchema)]
pub struct WebhookOut {
    pub id: String,
    pub org_id: String,
    pub url: String,
    pub events: Vec<String>,
    pub active: bool,
    pub created_at: i64,
}

impl From<Webhook> for WebhookOut {
    fn from(w: Webhook) -> Self {
        WebhookOut {
            id: w.id,
            org_id: w.org_id.to_string(),
            url: w.url,
            events: w.events,
            active: w.active,
            created_at: w.created_at,
        }
    }
}

/// A new webhook with its signing secret, shown this once.
#[derive(Debug, Serialize, JsonSchema)]
pub struct WebhookCreatedOut {
    #[serde(flatten)]
    pub webhook: WebhookOut,
    /// The HMAC-SHA256 key of `Zian-Signature` (see docs/webhooks.md);
    /// never shown again.
    pub secret: String,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct PingOut {
    pub delivery_id: String,
}

/// One delivery of an event to a webhook.
#[derive(Debug, Serialize, JsonSchema)]
pub struct DeliveryOut {
    pub id: String,
    pub event: String,
    /// `queued`, `delivered` or `failed`.
    pub status: String,
    pub attempts: u32,
    pub last_status_code: Option<u16>,
    pub last_error: Option<String>,
    pub created_at: i64,
    pub delivered_at: Option<i64>,
}

impl From<WebhookDelivery> for DeliveryOut {
    fn from(d: WebhookDelivery) -> Self {
        DeliveryOut {
            id: d.id,
            event: d.event,
            status: d.status.as_str().into(),
            attempts: d.attempts,
            last_status_code: d.last_status_code,
            last_error: d.last_error,
            created_at: d.created_at,
            delivered_at: d.delivered_at,
        }
    }
}

/// One attempt of a delivery.
#[derive(Debug, Serialize, JsonSchema)]
pub struct AttemptOut {
    pub delivery_id: String,
    pub attempt: u32,
    pub at: i64,
    pub status_code: Option<u16>,
    pub duration_ms: i64,
    pub error: Option<String>,
}

impl From<WebhookAttempt> for AttemptOut {
    fn from(a: WebhookAttempt) -> Self {
        AttemptOut {
            delivery_id: a.delivery_id,
            attempt: a.attempt,
            at: a.at,
            status_code: a.status_code,
            duration_ms: a.duration_ms,
            error: a.error,
        }
    }
}

pub async fn list(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<OrgId>,
    ApiQuery(q): ApiQuery<Vec<(String, String)>>,
) -> ApiResult<ApiJson<PageOut<WebhookOut>>> {
    let org = st
        .app
        .org_with(&c.p, &id, zian_domain::Permission::OrgWrite)
        .await?;
    let q = crate::list::query(&q, &[])?;
    let page = st.app.list_webhooks(&c.p, &org.id, &q).await?;
    Ok(ApiJson(PageOut::of(page, WebhookOut::from)))
}

pub async fn create(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<OrgId>,
    ApiJson(b): ApiJson<WebhookInput>,
) -> ApiResult<(StatusCode, ApiJson<WebhookCreatedOut>)> {
    let made = st.app.create_webhook(&c.p, &id, b).await?;
    Ok((
        StatusCode::CREATED,
        ApiJson(WebhookCreatedOut {
            secret: made.secret.expose().to_string(),
            webhook: made.webhook.into(),
        }),
    ))
}

pub async fn disable(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<ApiJson<WebhookOut>> {
    Ok(ApiJson(st.app.disable_webhook(&c.p, &id).await?.into()))
}

pub async fn ping(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<(StatusCode, ApiJson<PingOut>)> {
    let delivery_id = st.app.ping_webhook(&c.p, &id).await?;
    Ok((StatusCode::ACCEPTED, ApiJson(PingOut { delivery_id })))
}

pub async fn deliveries(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<String>,
    ApiQuery(q): ApiQuery<Vec<(String, String)>>,
) -> ApiResult<ApiJson<PageOut<DeliveryOut>>> {
    st.app.webhook(&c.p, &id).await?;
    let q = crate::list::query(&q, super::DELIVERY_FILTERS)?;
    let page = st.app.webhook_deliveries(&c.p, &id, &q).await?;
    Ok(ApiJson(PageOut::of(page, DeliveryOut::from)))
}

pub async fn attempts(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<ApiJson<Vec<AttemptOut>>> {
    let v = st.app.webhook_attempts(&c.p, &id).await?;
    Ok(ApiJson(v.into_iter().map(AttemptOut::from).collect()))
}
