//! A person's notices and notification preferences. Every method takes the
//! person (`UserId`): a notice is read, counted and marked only by its owner;
//! writing and the digest are system work of the application.

use async_trait::async_trait;
use sqlx::any::AnyRow;
use zian_domain::inbox::{Channel, Notice};
use zian_domain::{ListQuery, OrgId, Page, UserId};

use crate::db::{Cols, Sql, fetch_page, i, oi, order_by, os, s};
use crate::{Result, SqlStore, StoreError};

#[async_trait]
pub trait InboxStore: Send + Sync {
    /// Records a notice; false (nothing written) when the person has an
    /// unread notice with the same `dedupe_key`.
    async fn insert(&self, n: &Notice) -> Result<bool>;
    /// The person's notices, newest first; filter `unread` (`1`).
    async fn list(&self, user: &UserId, q: &ListQuery) -> Result<Page<Notice>>;
    async fn get(&self, user: &UserId, id: &str) -> Result<Option<Notice>>;
    async fn unread_count(&self, user: &UserId) -> Result<i64>;
    /// Marks one notice read (no change when it already was); false when
    /// the person has no such notice.
    async fn mark_read(&self, user: &UserId, id: &str, now: i64) -> Result<bool>;
    /// Marks every unread notice read; returns how many.
    async fn mark_all_read(&self, user: &UserId, now: i64) -> Result<u64>;
    /// The person's choices that differ from the defaults.
    async fn prefs(&self, user: &UserId) -> Result<Vec<(String, Channel)>>;
    /// Sets one choice (`None`: back to the default).
    async fn set_pref(
        &self,
        user: &UserId,
        event: &str,
        channel: Option<Channel>,
        now: i64,
    ) -> Result<()>;
    /// Digest notices not yet sent, by person then time (system work).
    async fn digest_pending(&self, limit: i64) -> Result<Vec<Notice>>;
    /// Records that these notices went out in a digest.
    async fn mark_digested(&self, ids: &[String], now: i64) -> Result<()>;
}

const COLS: &str = "n.id, n.user_id, n.org_id, n.event, n.title_zh, n.title_en, n.link, \
     n.channel, n.dedupe_key, n.created_at, n.read_at, n.digested_at";

fn notice(r: &AnyRow) -> Result<Notice> {
    let channel = s(r, "channel")?;
    Ok(Notice {
        id: s(r, "id")?,
        user_id: UserId::new(s(r, "user_id")?),
        org_id: os(r, "org_id")?.map(OrgId::new),
        event: s(r, "event")?,
        title_zh: s(r, "title_zh")?,
        title_en: s(r, "title_en")?,
        link: os(r, "link")?,
        channel: Channel::parse(&channel)
            .ok_or_else(|| StoreError::Corrupt(format!("notifications.channel: {channel:?}")))?,
        dedupe_key: os(r, "dedupe_key")?,
        created_at: i(r, "created_at")?,
        read_at: oi(r, "read_at")?,
        digested_at: oi(r, "digested_at")?,
    })
}

#[async_trait]
impl InboxStore for SqlStore {
    async fn insert(&self, n: &Notice) -> Result<bool> {
        let mut tx = self.pool.begin().await?;
        if let Some(k) = &n.dedupe_key {
            let mut q = Sql::new("SELECT n.id FROM notifications n WHERE n.user_id = ");
            q.bind(&n.user_id)
                .and(" AND n.dedupe_key = ", k.as_str())
                .push(" AND n.read_at IS NULL");
            if q.fetch_optional(&mut *tx, |r| s(r, "id")).await?.is_some() {
                return Ok(false);
            }
        }
        Cols::new()
            .set("id", n.id.as_str())
            .set("user_id", &n.user_id)
            .set("org_id", n.org_id.as_ref())
            .set("event", n.event.as_str())
            .set("title_zh", n.title_zh.as_str())
            .set("title_en", n.title_en.as_str())
            .set("link", n.link.clone())
            .set("channel", n.channel.as_str())
            .set("dedupe_key", n.dedupe_key.clone())
            .set("created_at", n.created_at)
            .set("read_at", n.read_at)
            .set("digested_at", n.digested_at)
            .insert("notifications")
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn list(&self, user: &UserId, q: &ListQuery) -> Result<Page<Notice>> {
        let mut w = Sql::new("FROM notifications n WHERE n.user_id = ");
        w.bind(user);
        if q.filter_value("unread") == Some("1") {
            w.push(" AND n.read_at IS NULL");
        }
        if let Some(t) = q.text() {
            w.search(&["n.title_zh", "n.title_en", "n.event"], t);
        }
        let mut q = q.clone();
        if q.sort.is_none() {
            q.desc = true;
        }
        let order = order_by(&q, &[("created", "n.created_at")], "n.id");
        fetch_page(&self.pool, COLS, &w, &order, &q, notice).await
    }

    async fn get(&self, user: &UserId, id: &str) -> Result<Option<Notice>> {
        let mut q = Sql::new(format!(
            "SELECT {COLS} FROM notifications n WHERE n.user_id = "
        ));
        q.bind(user).and(" AND n.id = ", id);
        q.fetch_optional(&self.pool, notice).await
    }

    async fn unread_count(&self, user: &UserId) -> Result<i64> {
        let mut q = Sql::new("SELECT COUNT(*) AS n FROM notifications n WHERE n.user_id = ");
        q.bind(user).push(" AND n.read_at IS NULL");
        let row = q.fetch_one(&self.pool).await?;
        i(&row, "n")
    }

    async fn mark_read(&self, user: &UserId, id: &str, now: i64) -> Result<bool> {
        if self.get(user, id).await?.is_none() {
            return Ok(false);
        }
        let mut q = Cols::new().set("read_at", now).update("notifications");
        q.push("id = ")
            .bind(id)
            .and(" AND user_id = ", user)
            .push(" AND read_at IS NULL");
        q.execute(&self.pool).await?;
        Ok(true)
    }

    async fn mark_all_read(&self, user: &UserId, now: i64) -> Result<u64> {
        let mut q = Cols::new().set("read_at", now).update("notifications");
        q.push("user_id = ").bind(user).push(" AND read_at IS NULL");
        q.execute(&self.pool).await
    }

    async fn prefs(&self, user: &UserId) -> Result<Vec<(String, Channel)>> {
        let mut q =
            Sql::new("SELECT p.event, p.channel FROM notification_prefs p WHERE p.user_id = ");
        q.bind(user).push(" ORDER BY p.event");
        let rows = q
            .fetch_all(&self.pool, |r| Ok((s(r, "event")?, s(r, "channel")?)))
            .await?;
        rows.into_iter()
            .map(|(e, c)| {
                Channel::parse(&c).map(|c| (e, c)).ok_or_else(|| {
                    StoreError::Corrupt(format!("notification_prefs.channel: {c:?}"))
                })
            })
            .collect()
    }

    async fn set_pref(
        &self,
        user: &UserId,
        event: &str,
        channel: Option<Channel>,
        now: i64,
    ) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        let mut q = Sql::new("DELETE FROM notification_prefs WHERE user_id = ");
        q.bind(user).and(" AND event = ", event);
        q.execute(&mut *tx).await?;
        if let Some(c) = channel {
            Cols::new()
                .set("user_id", user)
                .set("event", event)
                .set("channel", c.as_str())
                .set("updated_at", now)
                .insert("notification_prefs")
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn digest_pending(&self, limit: i64) -> Result<Vec<Notice>> {
        let mut q = Sql::new(format!(
            "SELECT {COLS} FROM notifications n WHERE n.channel = "
        ));
        q.bind(Channel::Digest.as_str())
            .push(" AND n.digested_at IS NULL ORDER BY n.user_id, n.created_at, n.id LIMIT ")
            .bind(limit);
        q.fetch_all(&self.pool, notice).await
    }

    async fn mark_digested(&self, ids: &[String], now: i64) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        for id in ids {
            let mut q = Cols::new().set("digested_at", now).update("notifications");
            q.push("id = ").bind(id.as_str());
            q.execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(())
    }
}
