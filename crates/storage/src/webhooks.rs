//! Webhook subscriptions, their deliveries and each delivery attempt.
//! Subscriptions are written in audited transactions on an organisation in
//! scope; deliveries are recorded and sent by the worker (system work, like
//! mail); reading them is scoped through the organisation.

use async_trait::async_trait;
use sqlx::any::AnyRow;
use zian_domain::audit::AuditEvent;
use zian_domain::jobs::error_text;
use zian_domain::webhooks::{
    DeliveryStatus, Webhook, WebhookAttempt, WebhookDelivery, WebhookSecret,
};
use zian_domain::{ListQuery, OrgId, OrgScope, Page};

use crate::db::{Cols, Sql, b, fetch_page, i, oi, order_by, os, s, u};
use crate::tx::AuditedTx;
use crate::{Result, SqlStore, StoreError};

#[async_trait]
pub trait WebhookStore: Send + Sync {
    /// Records a subscription of an organisation in scope.
    async fn insert(&self, scope: &OrgScope, w: &Webhook, audit: AuditEvent) -> Result<()>;
    /// A subscription in scope.
    async fn get(&self, scope: &OrgScope, id: &str) -> Result<Option<Webhook>>;
    /// An organisation's subscriptions, newest first.
    async fn list(&self, scope: &OrgScope, org: &OrgId, q: &ListQuery) -> Result<Page<Webhook>>;
    /// Turns a subscription of `org` on or off (audited).
    async fn set_active(
        &self,
        scope: &OrgScope,
        org: &OrgId,
        id: &str,
        active: bool,
        audit: AuditEvent,
        now: i64,
    ) -> Result<()>;
    /// The active subscriptions of an organisation (system work: emitting
    /// an event).
    async fn active_for(&self, org: &OrgId) -> Result<Vec<Webhook>>;
    /// Records a delivery about to be queued.
    async fn insert_delivery(&self, d: &WebhookDelivery) -> Result<()>;
    /// Names the job that sends it.
    async fn set_delivery_job(&self, id: &str, job_id: &str) -> Result<()>;
    /// A delivery and its subscription, for its job (system work).
    async fn for_delivery(&self, id: &str) -> Result<Option<(WebhookDelivery, Webhook)>>;
    /// Logs an attempt and moves the delivery to `status`.
    async fn record_attempt(&self, a: &WebhookAttempt, status: DeliveryStatus) -> Result<()>;
    /// A subscription's deliveries in scope, newest first; filter `status`.
    async fn deliveries(
        &self,
        scope: &OrgScope,
        webhook: &str,
        q: &ListQuery,
    ) -> Result<Page<WebhookDelivery>>;
    /// A delivery in scope.
    async fn delivery(&self, scope: &OrgScope, id: &str) -> Result<Option<WebhookDelivery>>;
    /// A delivery's attempts in scope, in order.
    async fn attempts(&self, scope: &OrgScope, delivery: &str) -> Result<Vec<WebhookAttempt>>;
}

const COLS: &str =
    "w.id, w.org_id, w.url, w.events, w.secret, w.active, w.created_by, w.created_at";
const DCOLS: &str = "d.id, d.webhook_id, d.org_id, d.event, d.body, d.status, d.attempts, \
     d.last_status_code, d.last_error, d.job_id, d.created_at, d.delivered_at";

fn hook(r: &AnyRow) -> Result<Webhook> {
    Ok(Webhook {
        id: s(r, "id")?,
        org_id: OrgId::new(s(r, "org_id")?),
        url: s(r, "url")?,
        events: s(r, "events")?
            .split_whitespace()
            .map(str::to_string)
            .collect(),
        secret: WebhookSecret::new(s(r, "secret")?),
        active: b(r, "active")?,
        created_by: os(r, "created_by")?,
        created_at: i(r, "created_at")?,
    })
}

fn code(v: Option<i64>) -> Option<u16> {
    v.and_then(|c| u16::try_from(c).ok())
}

fn delivery(r: &AnyRow) -> Result<WebhookDelivery> {
    let status = s(r, "status")?;
    Ok(WebhookDelivery {
        id: s(r, "id")?,
        webhook_id: s(r, "webhook_id")?,
        org_id: OrgId::new(s(r, "org_id")?),
        event: s(r, "event")?,
        body: s(r, "body")?,
        status: DeliveryStatus::parse(&status)
            .ok_or_else(|| StoreError::Corrupt(format!("webhook_deliveries.status: {status:?}")))?,
        attempts: u(r, "attempts")?,
        last_status_code: code(oi(r, "last_status_code")?),
        last_error: os(r, "last_error")?,
        job_id: os(r, "job_id")?,
        created_at: i(r, "created_at")?,
        delivered_at: oi(r, "delivered_at")?,
    })
}

fn attempt(r: &AnyRow) -> Result<WebhookAttempt> {
    Ok(WebhookAttempt {
        delivery_id: s(r, "delivery_id")?,
        attempt: u(r, "attempt")?,
        at: i(r, "at")?,
        status_code: code(oi(r, "status_code")?),
        duration_ms: i(r, "duration_ms")?,
        error: os(r, "error")?,
    })
}

#[async_trait]
impl WebhookStore for SqlStore {
    async fn insert(&self, scope: &OrgScope, w: &Webhook, audit: AuditEvent) -> Result<()> {
        let (mut tx, _) = AuditedTx::begin_in(self, scope, &w.org_id, audit, w.created_at).await?;
        let cols = Cols::new()
            .set("id", w.id.as_str())
            .set("org_id", &w.org_id)
            .set("url", w.url.as_str())
            .set("events", w.events.join(" "))
            .set("secret", w.secret.expose())
            .set("active", w.active)
            .set("created_by", w.created_by.clone())
            .set("created_at", w.created_at);
        tx.insert(&cols.insert("webhooks"), "webhook").await?;
        tx.commit().await?;
        Ok(())
    }

    async fn get(&self, scope: &OrgScope, id: &str) -> Result<Option<Webhook>> {
        let mut q = Sql::new(format!(
            "SELECT {COLS} FROM webhooks w JOIN orgs o ON o.id = w.org_id WHERE w.id = "
        ));
        q.bind(id).push(" AND ").scope(scope, "o.path");
        q.fetch_optional(&self.pool, hook).await
    }

    async fn list(&self, scope: &OrgScope, org: &OrgId, q: &ListQuery) -> Result<Page<Webhook>> {
        let mut w = Sql::new("FROM webhooks w JOIN orgs o ON o.id = w.org_id WHERE w.org_id = ");
        w.bind(org).push(" AND ").scope(scope, "o.path");
        if let Some(t) = q.text() {
            w.search(&["w.url"], t);
        }
        let mut q = q.clone();
        if q.sort.is_none() {
            q.desc = true;
        }
        let order = order_by(&q, &[("created", "w.created_at")], "w.id");
        fetch_page(&self.pool, COLS, &w, &order, &q, hook).await
    }

    async fn set_active(
        &self,
        scope: &OrgScope,
        org: &OrgId,
        id: &str,
        active: bool,
        audit: AuditEvent,
        now: i64,
    ) -> Result<()> {
        let (mut tx, _) = AuditedTx::begin_in(self, scope, org, audit, now).await?;
        let mut q = Cols::new().set("active", active).update("webhooks");
        q.push("id = ").bind(id).and(" AND org_id = ", org);
        tx.exec_one(&q).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn active_for(&self, org: &OrgId) -> Result<Vec<Webhook>> {
        let mut q = Sql::new(format!("SELECT {COLS} FROM webhooks w WHERE w.org_id = "));
        q.bind(org)
            .push(" AND w.active = ")
            .bind(true)
            .push(" ORDER BY w.id");
        q.fetch_all(&self.pool, hook).await
    }

    async fn insert_delivery(&self, d: &WebhookDelivery) -> Result<()> {
        Cols::new()
            .set("id", d.id.as_str())
            .set("webhook_id", d.webhook_id.as_str())
            .set("org_id", &d.org_id)
            .set("event", d.event.as_str())
            .set("body", d.body.as_str())
            .set("status", d.status.as_str())
            .set("attempts", d.attempts)
            .set("last_status_code", d.last_status_code.map(i64::from))
            .set("last_error", d.last_error.clone())
            .set("job_id", d.job_id.clone())
            .set("created_at", d.created_at)
            .set("delivered_at", d.delivered_at)
            .insert("webhook_deliveries")
            .query()
            .execute(&self.pool)
            .await
            .map_err(|e| StoreError::from_db(e, "webhook_delivery"))?;
        Ok(())
    }

    async fn set_delivery_job(&self, id: &str, job_id: &str) -> Result<()> {
        let mut q = Cols::new()
            .set("job_id", job_id)
            .update("webhook_deliveries");
        q.and("id = ", id);
        match q.execute(&self.pool).await? {
            1 => Ok(()),
            _ => Err(StoreError::NotFound),
        }
    }

    async fn for_delivery(&self, id: &str) -> Result<Option<(WebhookDelivery, Webhook)>> {
        let mut q = Sql::new(format!(
            "SELECT {DCOLS} FROM webhook_deliveries d WHERE d.id = "
        ));
        q.bind(id);
        let Some(d) = q.fetch_optional(&self.pool, delivery).await? else {
            return Ok(None);
        };
        let mut q = Sql::new(format!("SELECT {COLS} FROM webhooks w WHERE w.id = "));
        q.bind(d.webhook_id.as_str());
        Ok(q.fetch_optional(&self.pool, hook).await?.map(|w| (d, w)))
    }

    async fn record_attempt(&self, a: &WebhookAttempt, status: DeliveryStatus) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        let ins = Cols::new()
            .set("id", format!("{}/{:05}", a.delivery_id, a.attempt))
            .set("delivery_id", a.delivery_id.as_str())
            .set("attempt", a.attempt)
            .set("at", a.at)
            .set("status_code", a.status_code.map(i64::from))
            .set("duration_ms", a.duration_ms)
            .set("error", a.error.as_deref().map(error_text))
            .insert("webhook_attempts");
        ins.execute(&mut *tx).await?;
        let mut upd = Cols::new()
            .set("status", status.as_str())
            .set("attempts", a.attempt)
            .set("last_status_code", a.status_code.map(i64::from))
            .set("last_error", a.error.as_deref().map(error_text))
            .set(
                "delivered_at",
                (status == DeliveryStatus::Delivered).then_some(a.at),
            )
            .update("webhook_deliveries");
        upd.push("id = ").bind(a.delivery_id.as_str());
        upd.execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn deliveries(
        &self,
        scope: &OrgScope,
        webhook: &str,
        q: &ListQuery,
    ) -> Result<Page<WebhookDelivery>> {
        let mut w = Sql::new(
            "FROM webhook_deliveries d JOIN orgs o ON o.id = d.org_id WHERE d.webhook_id = ",
        );
        w.bind(webhook).push(" AND ").scope(scope, "o.path");
        if let Some(v) = q.filter_value("status") {
            w.and(" AND d.status = ", v);
        }
        let mut q = q.clone();
        if q.sort.is_none() {
            q.desc = true;
        }
        let order = order_by(&q, &[("created", "d.created_at")], "d.id");
        fetch_page(&self.pool, DCOLS, &w, &order, &q, delivery).await
    }

    async fn delivery(&self, scope: &OrgScope, id: &str) -> Result<Option<WebhookDelivery>> {
        let mut q = Sql::new(format!(
            "SELECT {DCOLS} FROM webhook_deliveries d JOIN orgs o ON o.id = d.org_id WHERE d.id = "
        ));
        q.bind(id).push(" AND ").scope(scope, "o.path");
        q.fetch_optional(&self.pool, delivery).await
    }

    async fn attempts(&self, scope: &OrgScope, delivery_id: &str) -> Result<Vec<WebhookAttempt>> {
        let mut q = Sql::new(
            "SELECT a.delivery_id, a.attempt, a.at, a.status_code, a.duration_ms, a.error \
             FROM webhook_attempts a JOIN webhook_deliveries d ON d.id = a.delivery_id \
             JOIN orgs o ON o.id = d.org_id WHERE a.delivery_id = ",
        );
        q.bind(delivery_id)
            .push(" AND ")
            .scope(scope, "o.path")
            .push(" ORDER BY a.attempt");
        q.fetch_all(&self.pool, attempt).await
    }
}
