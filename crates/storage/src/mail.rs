//! Outgoing mail as recorded: each message with its recipient, subject,
//! language, bodies and delivery outcome. Like the job queue, recording and
//! delivering are system work done by the worker; reading the record is
//! scoped (a message of an organisation is in scope like its records, one of
//! no organisation only system-wide).

use async_trait::async_trait;
use sqlx::any::AnyRow;
use zian_domain::jobs::{MailMessage, MailStatus, error_text};
use zian_domain::{ListQuery, OrgId, OrgScope, Page};

use crate::db::{Cols, Sql, fetch_page, i, oi, order_by, os, s, u};
use crate::{Result, SqlStore, StoreError};

#[async_trait]
pub trait MailStore: Send + Sync {
    /// Records a message about to be queued.
    async fn insert(&self, m: &MailMessage) -> Result<()>;
    /// Names the job that delivers it.
    async fn set_job(&self, id: &str, job_id: &str) -> Result<()>;
    /// A message by id, for its delivery job (system work).
    async fn for_delivery(&self, id: &str) -> Result<Option<MailMessage>>;
    /// Records a delivery attempt: sent, or failed with the error (status
    /// `failed` when it was the last attempt, else still `queued`).
    async fn record_attempt(
        &self,
        id: &str,
        outcome: std::result::Result<(), &str>,
        last: bool,
        now: i64,
    ) -> Result<()>;
    /// Messages in scope, newest first; filters `status`, `template`.
    async fn list(&self, scope: &OrgScope, q: &ListQuery) -> Result<Page<MailMessage>>;
}

const COLS: &str = "m.id, m.org_id, m.recipient, m.subject, m.lang, m.template, m.body_text, \
     m.body_html, m.status, m.attempts, m.last_error, m.job_id, m.created_at, m.sent_at";

fn row(r: &AnyRow) -> Result<MailMessage> {
    let status = s(r, "status")?;
    Ok(MailMessage {
        id: s(r, "id")?,
        org_id: os(r, "org_id")?.map(OrgId::new),
        recipient: s(r, "recipient")?,
        subject: s(r, "subject")?,
        lang: s(r, "lang")?,
        template: s(r, "template")?,
        body_text: s(r, "body_text")?,
        body_html: s(r, "body_html")?,
        status: MailStatus::parse(&status)
            .ok_or_else(|| StoreError::Corrupt(format!("mail_messages.status: {status:?}")))?,
        attempts: u(r, "attempts")?,
        last_error: os(r, "last_error")?,
        job_id: os(r, "job_id")?,
        created_at: i(r, "created_at")?,
        sent_at: oi(r, "sent_at")?,
    })
}

#[async_trait]
impl MailStore for SqlStore {
    async fn insert(&self, m: &MailMessage) -> Result<()> {
        Cols::new()
            .set("id", m.id.as_str())
            .set("org_id", m.org_id.as_ref())
            .set("recipient", m.recipient.as_str())
            .set("subject", m.subject.as_str())
            .set("lang", m.lang.as_str())
            .set("template", m.template.as_str())
            .set("body_text", m.body_text.as_str())
            .set("body_html", m.body_html.as_str())
            .set("status", m.status.as_str())
            .set("attempts", m.attempts)
            .set("last_error", m.last_error.clone())
            .set("job_id", m.job_id.clone())
            .set("created_at", m.created_at)
            .set("sent_at", m.sent_at)
            .insert("mail_messages")
            .query()
            .execute(&self.pool)
            .await
            .map_err(|e| StoreError::from_db(e, "mail_message"))?;
        Ok(())
    }

    async fn set_job(&self, id: &str, job_id: &str) -> Result<()> {
        let mut q = Cols::new().set("job_id", job_id).update("mail_messages");
        q.and("id = ", id);
        match q.execute(&self.pool).await? {
            1 => Ok(()),
            _ => Err(StoreError::NotFound),
        }
    }

    async fn for_delivery(&self, id: &str) -> Result<Option<MailMessage>> {
        let mut q = Sql::new(format!("SELECT {COLS} FROM mail_messages m WHERE m.id = "));
        q.bind(id);
        q.fetch_optional(&self.pool, row).await
    }

    async fn record_attempt(
        &self,
        id: &str,
        outcome: std::result::Result<(), &str>,
        last: bool,
        now: i64,
    ) -> Result<()> {
        let mut q = match outcome {
            Ok(()) => Cols::new()
                .set("status", MailStatus::Sent.as_str())
                .set("sent_at", now)
                .set("last_error", Option::<String>::None),
            Err(e) => Cols::new()
                .set(
                    "status",
                    if last {
                        MailStatus::Failed.as_str()
                    } else {
                        MailStatus::Queued.as_str()
                    },
                )
                .set("last_error", error_text(e)),
        }
        .update("mail_messages");
        q.push("id = ").bind(id);
        let mut q2 = Sql::new("UPDATE mail_messages SET attempts = attempts + 1 WHERE id = ");
        q2.bind(id);
        let mut tx = self.pool.begin().await?;
        q2.execute(&mut *tx).await?;
        q.execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn list(&self, scope: &OrgScope, q: &ListQuery) -> Result<Page<MailMessage>> {
        let mut w = Sql::new("FROM mail_messages m LEFT JOIN orgs o ON o.id = m.org_id WHERE ");
        if scope.is_system_wide() {
            w.push("1 = 1");
        } else {
            w.push("m.org_id IS NOT NULL AND ").scope(scope, "o.path");
        }
        if let Some(v) = q.filter_value("status") {
            w.and(" AND m.status = ", v);
        }
        if let Some(v) = q.filter_value("template") {
            w.and(" AND m.template = ", v);
        }
        if let Some(t) = q.text() {
            w.search(&["m.recipient", "m.subject"], t);
        }
        let mut q = q.clone();
        if q.sort.is_none() {
            q.desc = true;
        }
        let order = order_by(&q, &[("created", "m.created_at")], "m.id");
        fetch_page(&self.pool, COLS, &w, &order, &q, row).await
    }
}
