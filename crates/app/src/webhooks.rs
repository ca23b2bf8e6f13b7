//! Webhooks: an organisation's subscriptions (URL, events, secret), the
//! deliveries an event produces (one `webhooks.deliver` job each, retried
//! with the queue's backoff, every attempt logged with its status code,
//! duration and error, never the secret), the signature
//! (`zian_domain::webhooks::sign`, verified by the recipe in
//! `docs/webhooks.md`) and the SSRF guard.
//!
//! The guard: only `https://` (plain `http://` only to loopback, and only
//! when loopback is allowed); the host is resolved and *every* address must
//! be public unless `[webhooks] allow_private` lists its block; the request
//! then goes to the address that was checked (no second resolution, so no
//! DNS rebinding), redirects are not followed (a 3xx is a failed attempt),
//! and connecting, TLS and the whole exchange are bounded by a timeout.

use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use http_body_util::Full;
use hyper::body::Bytes;
use hyper_util::rt::TokioIo;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use tokio::io::{AsyncRead, AsyncWrite};
use zian_domain::jobs::NewJob;
use zian_domain::webhooks::{
    Cidr, DeliveryStatus, EVENTS, PING, SIGNATURE_HEADER, Webhook, WebhookAttempt, WebhookDelivery,
    WebhookSecret, is_internal, sign,
};
use zian_domain::{ListQuery, OrgId, Page, Permission, Principal};

use crate::jobs::{JobContext, JobHandler};
use crate::{App, AppError, Result};

/// The kind of the job that sends one delivery (`{"delivery_id": …}`).
pub const KIND_DELIVER: &str = "webhooks.deliver";

/// `[webhooks]` in the configuration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WebhooksConfig {
    /// Address blocks (`127.0.0.0/8`, `10.20.0.0/16`, `fd00::/8`) that
    /// webhooks may reach although they are not public. Empty: public
    /// addresses only.
    pub allow_private: Vec<String>,
    /// Seconds allowed for one delivery (connect, TLS, request, answer).
    pub timeout_secs: u64,
}

impl Default for WebhooksConfig {
    fn default() -> Self {
        WebhooksConfig {
            allow_private: Vec::new(),
            timeout_secs: 10,
        }
    }
}

impl WebhooksConfig {
    /// Checks the values; names the bad setting.
    pub fn validate(&self) -> std::result::Result<(), String> {
        self.blocks()?;
        if !(1..=120).contains(&self.timeout_secs) {
            return Err("webhooks.timeout_secs must be 1 to 120".into());
        }
        Ok(())
    }

    fn blocks(&self) -> std::result::Result<Vec<Cidr>, String> {
        self.allow_private
            .iter()
            .map(|s| {
                Cidr::parse(s).ok_or_else(|| {
                    format!(
                        "webhooks.allow_private: {s:?} is not an address block (a.b.c.d/n or x::/n)"
                    )
                })
            })
            .collect()
    }
}

/// One request, to an address already checked.
#[derive(Debug, Clone)]
pub struct WebhookRequest {
    pub addr: SocketAddr,
    /// The host name (TLS server name and `Host` header).
    pub host: String,
    pub tls: bool,
    /// Path and query.
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub timeout: Duration,
}

/// The port through which deliveries leave: POSTs one request and returns
/// the status code. `Err` is the reason, safe to log.
#[async_trait]
pub trait WebhookTransport: Send + Sync {
    async fn post(&self, req: &WebhookRequest) -> std::result::Result<u16, String>;
}

/// HTTP/1.1 over TCP, with TLS (rustls, ring, the operating system's roots)
/// for `https`. Connects to `req.addr` only; follows no redirect.
#[derive(Default)]
pub struct HttpTransport {
    tls: OnceLock<std::result::Result<tokio_rustls::TlsConnector, String>>,
}

impl HttpTransport {
    fn connector(&self) -> std::result::Result<tokio_rustls::TlsConnector, String> {
        self.tls
            .get_or_init(|| {
                let mut roots = rustls::RootCertStore::empty();
                let found = rustls_native_certs::load_native_certs();
                let (added, _) = roots.add_parsable_certificates(found.certs);
                if added == 0 {
                    return Err("no trusted root certificates found on this system".into());
                }
                let cfg = rustls::ClientConfig::builder_with_provider(Arc::new(
                    rustls::crypto::ring::default_provider(),
                ))
                .with_safe_default_protocol_versions()
                .map_err(|e| format!("TLS: {e}"))?
                .with_root_certificates(roots)
                .with_no_client_auth();
                Ok(tokio_rustls::TlsConnector::from(Arc::new(cfg)))
            })
            .clone()
    }
}

async fn exchange<S>(io: S, req: &WebhookRequest) -> std::result::Result<u16, String>
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(io))
        .await
        .map_err(|e| format!("HTTP: {e}"))?;
    let driver = tokio::spawn(async move {
        let _ = conn.await;
    });
    let default_port = if req.tls { 443 } else { 80 };
    let host = if req.addr.port() == default_port {
        req.host.clone()
    } else {
        format!("{}:{}", req.host, req.addr.port())
    };
    let mut b = hyper::Request::post(req.path.as_str()).header("host", host);
    for (k, v) in &req.headers {
        b = b.header(k.as_str(), v.as_str());
    }
    let request = b
        .body(Full::new(Bytes::from(req.body.clone())))
        .map_err(|e| format!("request: {e}"))?;
    let resp = sender
        .send_request(request)
        .await
        .map_err(|e| format!("HTTP: {e}"));
    driver.abort();
    Ok(resp?.status().as_u16())
}

#[async_trait]
impl WebhookTransport for HttpTransport {
    async fn post(&self, req: &WebhookRequest) -> std::result::Result<u16, String> {
        let work = async {
            let tcp = tokio::net::TcpStream::connect(req.addr)
                .await
                .map_err(|e| format!("connect {}: {e}", req.addr))?;
            if req.tls {
                let name = rustls::pki_types::ServerName::try_from(req.host.clone())
                    .map_err(|e| format!("TLS name {:?}: {e}", req.host))?;
                let tls = self
                    .connector()?
                    .connect(name, tcp)
                    .await
                    .map_err(|e| format!("TLS: {e}"))?;
                exchange(tls, req).await
            } else {
                exchange(tcp, req).await
            }
        };
        tokio::time::timeout(req.timeout, work)
            .await
            .map_err(|_| format!("no answer within {} s", req.timeout.as_secs()))?
    }
}

/// The guard, the timeout and the transport, as the application holds them.
#[derive(Clone)]
pub struct WebhookRuntime {
    allow: Vec<Cidr>,
    timeout: Duration,
    transport: Arc<dyn WebhookTransport>,
}

impl Default for WebhookRuntime {
    fn default() -> Self {
        WebhookRuntime {
            allow: Vec::new(),
            timeout: Duration::from_secs(10),
            transport: Arc::new(HttpTransport::default()),
        }
    }
}

/// A webhook URL taken apart.
#[derive(Debug, Clone)]
struct Endpoint {
    tls: bool,
    host: String,
    port: u16,
    path: String,
}

/// Why a URL or its addresses are refused (a reason key of the catalogue).
fn parse_url(s: &str) -> std::result::Result<Endpoint, &'static str> {
    if s.len() > 2000 {
        return Err("reason.webhooks.url");
    }
    let u = url::Url::parse(s.trim()).map_err(|_| "reason.webhooks.url")?;
    let tls = match u.scheme() {
        "https" => true,
        "http" => false,
        _ => return Err("reason.webhooks.scheme"),
    };
    if !u.username().is_empty() || u.password().is_some() || u.fragment().is_some() {
        return Err("reason.webhooks.url");
    }
    let host = match u.host() {
        Some(url::Host::Domain(d)) => d.to_string(),
        Some(url::Host::Ipv4(a)) => a.to_string(),
        Some(url::Host::Ipv6(a)) => a.to_string(),
        None => return Err("reason.webhooks.url"),
    };
    let port = u.port_or_known_default().ok_or("reason.webhooks.url")?;
    let mut path = u.path().to_string();
    if let Some(q) = u.query() {
        path.push('?');
        path.push_str(q);
    }
    Ok(Endpoint {
        tls,
        host,
        port,
        path,
    })
}

impl WebhookRuntime {
    pub fn new(
        cfg: &WebhooksConfig,
        transport: Arc<dyn WebhookTransport>,
    ) -> std::result::Result<WebhookRuntime, String> {
        cfg.validate()?;
        Ok(WebhookRuntime {
            allow: cfg.blocks()?,
            timeout: Duration::from_secs(cfg.timeout_secs),
            transport,
        })
    }

    fn allowed(&self, ip: IpAddr) -> bool {
        !is_internal(ip) || self.allow.iter().any(|c| c.contains(ip))
    }

    /// Resolves the endpoint's host and checks every address; returns the
    /// one to connect to. `Err` is a reason key.
    async fn check(&self, e: &Endpoint) -> std::result::Result<SocketAddr, &'static str> {
        let host = e.host.trim_start_matches('[').trim_end_matches(']');
        let addrs: Vec<SocketAddr> = match host.parse::<IpAddr>() {
            Ok(ip) => vec![SocketAddr::new(ip, e.port)],
            Err(_) => tokio::net::lookup_host((host, e.port))
                .await
                .map_err(|_| "reason.webhooks.resolve")?
                .collect(),
        };
        let first = *addrs.first().ok_or("reason.webhooks.resolve")?;
        for a in &addrs {
            if !self.allowed(a.ip()) {
                return Err("reason.webhooks.address");
            }
            // plain http only to loopback (tests, a local relay)
            if !e.tls && !zian_domain::webhooks::canonical(a.ip()).is_loopback() {
                return Err("reason.webhooks.scheme");
            }
        }
        Ok(first)
    }
}

/// What a subscription is created from (the API body).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[schemars(rename = "WebhookIn")]
#[serde(deny_unknown_fields)]
pub struct WebhookInput {
    /// `https://…` (plain `http://` only to an allowed loopback address).
    pub url: String,
    /// Event kinds: `plan.submitted`, `plan.approved`, `plan.returned`,
    /// `vulns.found`.
    pub events: Vec<String>,
}

/// A new subscription and its secret, shown this once.
#[derive(Debug, Clone)]
pub struct CreatedWebhook {
    pub webhook: Webhook,
    pub secret: WebhookSecret,
}

fn bad(field: &str, key: &'static str) -> AppError {
    AppError::invalid(field, zian_i18n::Msg::new(key))
}

impl App {
    /// The application with `[webhooks]` settings and a transport.
    #[must_use]
    pub fn with_webhooks(mut self, rt: WebhookRuntime) -> App {
        self.webhooks = Arc::new(rt);
        self
    }

    /// Subscribes a URL of an organisation to events (organisation
    /// administrators: `OrgWrite` there). The URL must pass the SSRF guard
    /// now too. Audited as `webhook.created` (URL and events, no secret).
    pub async fn create_webhook(
        &self,
        p: &Principal,
        org: &OrgId,
        input: WebhookInput,
    ) -> Result<CreatedWebhook> {
        let org = self.org_with(p, org, Permission::OrgWrite).await?;
        let url = input.url.trim().to_string();
        let ep = parse_url(&url).map_err(|k| bad("url", k))?;
        self.webhooks.check(&ep).await.map_err(|k| bad("url", k))?;
        let mut events: Vec<String> = Vec::new();
        for e in &input.events {
            let e = e.trim();
            if !EVENTS.contains(&e) {
                return Err(bad("events", "reason.webhooks.events"));
            }
            if !events.iter().any(|x| x == e) {
                events.push(e.to_string());
            }
        }
        if events.is_empty() {
            return Err(bad("events", "reason.webhooks.events"));
        }
        let secret = WebhookSecret::new(format!("whsec_{}", crate::system::random_token(32)));
        let w = Webhook {
            id: self.ids.new_id(),
            org_id: org.id.clone(),
            url,
            events,
            secret: secret.clone(),
            active: true,
            created_by: Some(p.user.id.to_string()),
            created_at: self.now(),
        };
        let mut ev = p.event("webhook.created", Some(&org.id), Some(&w.id));
        ev.details = serde_json::json!({ "url": w.url, "events": w.events });
        self.stores
            .webhooks
            .insert(&p.scope(Permission::OrgWrite), &w, ev)
            .await?;
        Ok(CreatedWebhook { webhook: w, secret })
    }

    pub async fn list_webhooks(
        &self,
        p: &Principal,
        org: &OrgId,
        q: &ListQuery,
    ) -> Result<Page<Webhook>> {
        let org = self.org_with(p, org, Permission::OrgWrite).await?;
        Ok(self
            .stores
            .webhooks
            .list(&p.scope(Permission::OrgWrite), &org.id, q)
            .await?)
    }

    pub async fn webhook(&self, p: &Principal, id: &str) -> Result<Webhook> {
        self.stores
            .webhooks
            .get(&p.scope(Permission::OrgWrite), id)
            .await?
            .ok_or(AppError::NotFound)
    }

    /// Stops a subscription (audited as `webhook.disabled`); queued
    /// deliveries are then dropped by their jobs.
    pub async fn disable_webhook(&self, p: &Principal, id: &str) -> Result<Webhook> {
        let w = self.webhook(p, id).await?;
        let ev = p.event("webhook.disabled", Some(&w.org_id), Some(id));
        self.stores
            .webhooks
            .set_active(
                &p.scope(Permission::OrgWrite),
                &w.org_id,
                id,
                false,
                ev,
                self.now(),
            )
            .await?;
        self.webhook(p, id).await
    }

    /// Queues a `webhook.ping` delivery to an active subscription.
    pub async fn ping_webhook(&self, p: &Principal, id: &str) -> Result<String> {
        let w = self.webhook(p, id).await?;
        if !w.active {
            return Err(AppError::Conflict("webhook_disabled"));
        }
        self.queue_delivery(
            &w,
            PING,
            serde_json::json!({ "requested_by": p.user.id.to_string() }),
        )
        .await
    }

    /// A subscription's deliveries, newest first (filter `status`).
    pub async fn webhook_deliveries(
        &self,
        p: &Principal,
        id: &str,
        q: &ListQuery,
    ) -> Result<Page<WebhookDelivery>> {
        let w = self.webhook(p, id).await?;
        if let Some(s) = q.filter_value("status")
            && DeliveryStatus::parse(s).is_none()
        {
            return Err(bad("status", "reason.webhooks.status"));
        }
        Ok(self
            .stores
            .webhooks
            .deliveries(&p.scope(Permission::OrgWrite), &w.id, q)
            .await?)
    }

    /// The attempts of a delivery in scope (else `NotFound`), in order.
    pub async fn webhook_attempts(
        &self,
        p: &Principal,
        delivery: &str,
    ) -> Result<Vec<WebhookAttempt>> {
        let scope = p.scope(Permission::OrgWrite);
        self.stores
            .webhooks
            .delivery(&scope, delivery)
            .await?
            .ok_or(AppError::NotFound)?;
        Ok(self.stores.webhooks.attempts(&scope, delivery).await?)
    }

    async fn queue_delivery(
        &self,
        w: &Webhook,
        event: &str,
        data: serde_json::Value,
    ) -> Result<String> {
        let id = self.ids.new_id();
        let now = self.now();
        let body = serde_json::json!({
            "id": id,
            "event": event,
            "org_id": w.org_id.to_string(),
            "occurred_at": now,
            "data": data,
        })
        .to_string();
        self.stores
            .webhooks
            .insert_delivery(&WebhookDelivery {
                id: id.clone(),
                webhook_id: w.id.clone(),
                org_id: w.org_id.clone(),
                event: event.to_string(),
                body,
                status: DeliveryStatus::Queued,
                attempts: 0,
                last_status_code: None,
                last_error: None,
                job_id: None,
                created_at: now,
                delivered_at: None,
            })
            .await?;
        let (job, _) = self
            .enqueue_job(NewJob {
                kind: KIND_DELIVER.into(),
                payload: serde_json::json!({ "delivery_id": id }).to_string(),
                org_id: Some(w.org_id.clone()),
                run_at: now,
                max_attempts: 5,
                idempotency_key: Some(format!("webhook:{id}")),
            })
            .await?;
        self.stores.webhooks.set_delivery_job(&id, &job).await?;
        Ok(id)
    }

    /// Queues one delivery of `event` to each active subscription of the
    /// organisation that wants it. Called after the event's own write has
    /// committed: a failure here is logged, never undoes the event.
    pub async fn emit_webhooks(&self, org: &OrgId, event: &str, data: serde_json::Value) {
        let hooks = match self.stores.webhooks.active_for(org).await {
            Ok(h) => h,
            Err(e) => {
                tracing::warn!(event, error = %e, "webhooks: subscriptions not read");
                return;
            }
        };
        for w in hooks.iter().filter(|w| w.wants(event)) {
            if let Err(e) = self.queue_delivery(w, event, data.clone()).await {
                tracing::warn!(event, webhook = %w.id, error = %e, "webhooks: delivery not queued");
            }
        }
    }

    /// Signs and sends a body to a subscription's URL through the guard;
    /// the status code, or why nothing was answered.
    async fn send_webhook(
        &self,
        w: &Webhook,
        d: &WebhookDelivery,
    ) -> std::result::Result<u16, String> {
        let rt = self.webhooks.clone();
        let ep = parse_url(&w.url).map_err(|k| format!("URL refused ({k})"))?;
        let addr = rt
            .check(&ep)
            .await
            .map_err(|k| format!("address refused ({k})"))?;
        let t = self.now();
        let req = WebhookRequest {
            addr,
            host: ep.host.clone(),
            tls: ep.tls,
            path: ep.path.clone(),
            headers: vec![
                ("content-type".into(), "application/json".into()),
                ("user-agent".into(), "Zian-Webhooks/1".into()),
                ("zian-event".into(), d.event.clone()),
                ("zian-delivery".into(), d.id.clone()),
                (
                    SIGNATURE_HEADER.to_ascii_lowercase(),
                    sign(w.secret.expose(), t, d.body.as_bytes()),
                ),
            ],
            body: d.body.as_bytes().to_vec(),
            timeout: rt.timeout,
        };
        rt.transport.post(&req).await
    }
}

/// `webhooks.deliver`: sends one delivery; a non-2xx answer or no answer
/// fails the attempt (the queue retries it with its backoff); each attempt
/// is logged. A delivered delivery is never sent again.
pub(crate) struct DeliverWebhook;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DeliverInput {
    delivery_id: String,
}

#[async_trait]
impl JobHandler for DeliverWebhook {
    async fn run(&self, cx: &JobContext) -> std::result::Result<(), String> {
        let input: DeliverInput = cx.payload()?;
        let app = &cx.app;
        let Some((d, w)) = app
            .stores
            .webhooks
            .for_delivery(&input.delivery_id)
            .await
            .map_err(|e| e.to_string())?
        else {
            return Err(format!("no delivery {:?}", input.delivery_id));
        };
        if d.status != DeliveryStatus::Queued {
            return Ok(());
        }
        let attempt = d.attempts + 1;
        let started = Instant::now();
        let outcome = if w.active {
            app.send_webhook(&w, &d).await
        } else {
            Err("the webhook is disabled".into())
        };
        let duration_ms = i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX);
        let (code, error) = match &outcome {
            Ok(c) if (200..300).contains(c) => (Some(*c), None),
            Ok(c) => (Some(*c), Some(format!("HTTP {c}"))),
            Err(e) => (None, Some(e.clone())),
        };
        let status = if error.is_none() {
            DeliveryStatus::Delivered
        } else if cx.last_attempt() || !w.active {
            DeliveryStatus::Failed
        } else {
            DeliveryStatus::Queued
        };
        app.stores
            .webhooks
            .record_attempt(
                &WebhookAttempt {
                    delivery_id: d.id.clone(),
                    attempt,
                    at: app.now(),
                    status_code: code,
                    duration_ms,
                    error: error.clone(),
                },
                status,
            )
            .await
            .map_err(|e| e.to_string())?;
        match error {
            None => Ok(()),
            Some(_) if !w.active => Ok(()),
            Some(e) => Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rt(allow: &[&str]) -> WebhookRuntime {
        WebhookRuntime::new(
            &WebhooksConfig {
                allow_private: allow.iter().map(|s| s.to_string()).collect(),
                timeout_secs: 5,
            },
            Arc::new(HttpTransport::default()),
        )
        .unwrap()
    }

    #[tokio::test]
    async fn the_guard_refuses_internal_addresses_and_plain_http() {
        let none = rt(&[]);
        for (u, why) in [
            ("https://127.0.0.1/hook", "reason.webhooks.address"),
            ("https://10.0.0.8/hook", "reason.webhooks.address"),
            ("https://169.254.169.254/latest", "reason.webhooks.address"),
            ("https://[::1]:8443/x", "reason.webhooks.address"),
            ("https://[::ffff:192.168.0.1]/x", "reason.webhooks.address"),
            ("https://[fd00::1]/x", "reason.webhooks.address"),
            ("https://localhost/x", "reason.webhooks.address"),
            ("http://8.8.8.8/x", "reason.webhooks.scheme"),
        ] {
            let ep = parse_url(u).unwrap();
            assert_eq!(none.check(&ep).await.unwrap_err(), why, "{u}");
        }
        assert_eq!(
            parse_url("ftp://example.com/").unwrap_err(),
            "reason.webhooks.scheme"
        );
        assert_eq!(
            parse_url("https://user:pw@example.com/").unwrap_err(),
            "reason.webhooks.url"
        );
        assert_eq!(parse_url("not a url").unwrap_err(), "reason.webhooks.url");
        // a public literal passes; loopback when allowed, also over http
        let ep = parse_url("https://8.8.8.8/x?a=1").unwrap();
        assert_eq!(ep.path, "/x?a=1");
        assert!(none.check(&ep).await.is_ok());
        let lo = rt(&["127.0.0.0/8"]);
        let ep = parse_url("http://127.0.0.1:9/x").unwrap();
        assert_eq!(lo.check(&ep).await.unwrap().port(), 9);
        // allowing loopback does not allow the rest of the private ranges
        let ep = parse_url("https://192.168.1.1/x").unwrap();
        assert!(lo.check(&ep).await.is_err());
        // a private block allowed still needs https
        let ten = rt(&["10.0.0.0/8"]);
        assert_eq!(
            ten.check(&parse_url("http://10.1.1.1/").unwrap())
                .await
                .unwrap_err(),
            "reason.webhooks.scheme"
        );
        assert!(
            ten.check(&parse_url("https://10.1.1.1/").unwrap())
                .await
                .is_ok()
        );
    }

    #[test]
    fn settings_are_checked() {
        assert!(WebhooksConfig::default().validate().is_ok());
        let c = WebhooksConfig {
            allow_private: vec!["10.0.0.0/40".into()],
            ..WebhooksConfig::default()
        };
        assert!(c.validate().unwrap_err().contains("allow_private"));
    }

    #[test]
    fn secrets_do_not_show_in_debug() {
        let s = WebhookSecret::new("whsec_topsecret".into());
        assert!(!format!("{s:?}").contains("topsecret"));
    }
}
