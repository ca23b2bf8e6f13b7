//! Organisations: the tree with materialised paths, scoped reads, audited
//! writes, and the history of every change to an organisation.

use async_trait::async_trait;
use sqlx::any::AnyRow;
use time::Date;
use zian_domain::audit::AuditEvent;
use zian_domain::org::{OrgDraft, OrgHistoryEntry, OrgStats, check_move};
use zian_domain::{ListQuery, OrgId, OrgScope, OrgTier, Organisation, Page, UserId};

use crate::db::{Cols, Sql, b, fetch_page, i, odate, oi, order_by, os, s};
use crate::tx::{Appended, AuditedTx};
use crate::{Result, SqlStore, StoreError};

/// Organisations in scope.
#[async_trait]
pub trait OrgStore: Send + Sync {
    /// Inserts an organisation under its parent, which must be in `scope`;
    /// the root of an empty tree only with [`OrgScope::system_wide`]
    /// (`Conflict` once a root exists).
    async fn insert(
        &self,
        scope: &OrgScope,
        org: &Organisation,
        audit: AuditEvent,
        now: i64,
    ) -> Result<()>;
    async fn get(&self, scope: &OrgScope, id: &OrgId) -> Result<Option<Organisation>>;
    /// Filters: `q` (name or code contains), `tier`, `kind`, `level`,
    /// `parent`, `active` (`1`/`0`); sort: `path` (tree order, default),
    /// `name`, `level`, `code`.
    async fn list(&self, scope: &OrgScope, q: &ListQuery) -> Result<Page<Organisation>>;
    /// Replaces an organisation's fields (`NotFound` outside the scope).
    async fn update(
        &self,
        scope: &OrgScope,
        id: &OrgId,
        draft: &OrgDraft,
        audit: AuditEvent,
        now: i64,
    ) -> Result<()>;
    /// Moves a subtree under a new parent; both must be in `scope`.
    async fn move_subtree(
        &self,
        scope: &OrgScope,
        id: &OrgId,
        new_parent: &OrgId,
        audit: AuditEvent,
        now: i64,
    ) -> Result<()>;
    /// Archives an organisation with its subtree, or restores it alone.
    async fn set_active(
        &self,
        scope: &OrgScope,
        id: &OrgId,
        active: bool,
        audit: AuditEvent,
        now: i64,
    ) -> Result<()>;
    async fn history(&self, scope: &OrgScope, id: &OrgId) -> Result<Vec<OrgHistoryEntry>>;
    async fn stats(&self, scope: &OrgScope, today: Date) -> Result<OrgStats>;
}

pub(crate) const ORG_COLS: &str = "o.id, o.parent_id, o.path, o.depth, o.code, o.name_zh, o.name_en, o.tier, o.kind, o.level, o.level_assigned_on, o.level_review_due, o.fiscal_tier, o.active";

pub(crate) fn org_from_row(r: &AnyRow) -> Result<Organisation> {
    Ok(Organisation {
        id: s(r, "id")?.into(),
        parent_id: os(r, "parent_id")?.map(OrgId::from),
        path: s(r, "path")?,
        depth: i(r, "depth")?,
        code: os(r, "code")?,
        name_zh: s(r, "name_zh")?,
        name_en: s(r, "name_en")?,
        tier: OrgTier::parse(&s(r, "tier")?)?,
        kind: zian_domain::org::parse_kind(&s(r, "kind")?)?,
        level: os(r, "level")?
            .map(|l| zian_domain::org::parse_level(&l))
            .transpose()?,
        level_assigned_on: odate(r, "level_assigned_on")?,
        level_review_due: odate(r, "level_review_due")?,
        fiscal_tier: oi(r, "fiscal_tier")?,
        active: b(r, "active")?,
    })
}

/// The editable fields of an organisation.
fn draft_cols(d: &OrgDraft) -> Cols {
    Cols::new()
        .set("code", d.code.clone())
        .set("name_zh", d.name_zh.as_str())
        .set("name_en", d.name_en.as_str())
        .set("tier", d.tier.as_str())
        .set("kind", d.kind.as_str())
        .set("level", d.level.map(|l| l.as_str()))
        .set("level_assigned_on", d.level_assigned_on)
        .set("level_review_due", d.level_review_due)
        .set("fiscal_tier", d.fiscal_tier)
}

fn draft_of(o: &Organisation) -> OrgDraft {
    OrgDraft {
        code: o.code.clone(),
        name_zh: o.name_zh.clone(),
        name_en: o.name_en.clone(),
        tier: o.tier,
        kind: o.kind,
        level: o.level,
        level_assigned_on: o.level_assigned_on,
        level_review_due: o.level_review_due,
        fiscal_tier: o.fiscal_tier,
    }
}

/// One line of history, keyed by the audit entry of the same change (unique
/// and ordered) plus a counter for changes recorded by one entry.
async fn history(
    tx: &mut Appended,
    n: usize,
    org_id: &OrgId,
    at: i64,
    actor: Option<&str>,
    change: &str,
    old: Option<String>,
    new: Option<String>,
) -> Result<()> {
    let id = format!("h{:012}-{n}", tx.seq);
    tx.exec(
        &Cols::new()
            .set("id", id)
            .set("org_id", org_id)
            .set("at", at)
            .set("actor_user_id", actor)
            .set("change", change)
            .set("old_value", old)
            .set("new_value", new)
            .insert("org_history"),
    )
    .await?;
    Ok(())
}

fn level_at(l: Option<zian_domain::Level>, on: Option<Date>) -> Option<String> {
    l.map(|l| {
        format!(
            "{}@{}",
            l.as_str(),
            on.map(zian_domain::day::ymd).unwrap_or_default()
        )
    })
}

#[async_trait]
impl OrgStore for SqlStore {
    async fn insert(
        &self,
        scope: &OrgScope,
        o: &Organisation,
        audit: AuditEvent,
        now: i64,
    ) -> Result<()> {
        let actor = audit.actor_user_id.clone();
        let mut tx = AuditedTx::begin(self, audit, now).await?;
        match &o.parent_id {
            Some(parent) => {
                tx.org_path(scope, parent).await?;
            }
            None => {
                if !scope.is_system_wide() {
                    return Err(StoreError::NotFound);
                }
                let n = i(
                    &Sql::new("SELECT COUNT(*) AS n FROM orgs")
                        .fetch_one(tx.conn())
                        .await?,
                    "n",
                )?;
                if n > 0 {
                    return Err(StoreError::Conflict("root_organisation"));
                }
            }
        }
        let cols = draft_cols(&draft_of(o))
            .set("id", &o.id)
            .set("parent_id", o.parent_id.as_ref())
            .set("path", o.path.as_str())
            .set("depth", o.depth)
            .set("active", o.active)
            .set("created_at", now)
            .set("updated_at", now);
        tx.insert(&cols.insert("orgs"), "org_code").await?;
        let mut tx = tx.append().await?;
        let snapshot = serde_json::to_string(o).unwrap_or_default();
        history(
            &mut tx,
            0,
            &o.id,
            now,
            actor.as_deref(),
            "created",
            None,
            Some(snapshot),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn get(&self, scope: &OrgScope, id: &OrgId) -> Result<Option<Organisation>> {
        let mut q = Sql::new(format!("SELECT {ORG_COLS} FROM orgs o WHERE o.id = "));
        q.bind(id).push(" AND ").scope(scope, "o.path");
        q.fetch_optional(&self.pool, org_from_row).await
    }

    async fn list(&self, scope: &OrgScope, q: &ListQuery) -> Result<Page<Organisation>> {
        let mut w = Sql::new("FROM orgs o WHERE ");
        w.scope(scope, "o.path");
        if let Some(text) = q.text() {
            w.search(&["o.name_zh", "o.name_en", "o.code"], text);
        }
        for (key, col) in [
            ("tier", "o.tier"),
            ("kind", "o.kind"),
            ("level", "o.level"),
            ("parent", "o.parent_id"),
        ] {
            if let Some(v) = q.filter_value(key) {
                w.push(" AND ").push(col).push(" = ").bind(v);
            }
        }
        match q.filter_value("active") {
            Some("1") | Some("true") => w.push(" AND o.active = 1"),
            Some("0") | Some("false") => w.push(" AND o.active = 0"),
            _ => &mut w,
        };
        let order = order_by(
            q,
            &[
                ("path", "o.path"),
                ("name", "o.name_zh"),
                ("level", "o.level"),
                ("code", "o.code"),
            ],
            "o.path",
        );
        fetch_page(&self.pool, ORG_COLS, &w, &order, q, org_from_row).await
    }

    async fn update(
        &self,
        scope: &OrgScope,
        id: &OrgId,
        d: &OrgDraft,
        audit: AuditEvent,
        now: i64,
    ) -> Result<()> {
        let old = OrgStore::get(self, scope, id)
            .await?
            .ok_or(StoreError::NotFound)?;
        let actor = audit.actor_user_id.clone();
        let mut tx = AuditedTx::begin(self, audit, now).await?;
        let mut q = draft_cols(d).set("updated_at", now).update("orgs");
        q.push("id = ").bind(id);
        tx.insert(&q, "org_code").await?;
        let mut changes: Vec<(&str, Option<String>, Option<String>)> = Vec::new();
        if old.level != d.level || old.level_assigned_on != d.level_assigned_on {
            changes.push((
                "level",
                level_at(old.level, old.level_assigned_on),
                level_at(d.level, d.level_assigned_on),
            ));
        }
        if old.name_zh != d.name_zh || old.name_en != d.name_en {
            changes.push((
                "name",
                Some(format!("{} / {}", old.name_zh, old.name_en)),
                Some(format!("{} / {}", d.name_zh, d.name_en)),
            ));
        }
        if old.kind != d.kind || old.tier != d.tier {
            changes.push((
                "classification",
                Some(format!("{}/{}", old.tier.as_str(), old.kind.as_str())),
                Some(format!("{}/{}", d.tier.as_str(), d.kind.as_str())),
            ));
        }
        if changes.is_empty() {
            changes.push(("edited", None, None));
        }
        let mut tx = tx.append().await?;
        for (n, (c, o, nw)) in changes.into_iter().enumerate() {
            history(&mut tx, n, id, now, actor.as_deref(), c, o, nw).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn move_subtree(
        &self,
        scope: &OrgScope,
        id: &OrgId,
        new_parent: &OrgId,
        audit: AuditEvent,
        now: i64,
    ) -> Result<()> {
        let org = OrgStore::get(self, scope, id)
            .await?
            .ok_or(StoreError::NotFound)?;
        let parent = OrgStore::get(self, scope, new_parent)
            .await?
            .ok_or(StoreError::NotFound)?;
        check_move(&org.path, &parent.path)?;
        let new_path = format!("{}{}/", parent.path, org.id);
        let depth_delta = parent.depth + 1 - org.depth;
        let actor = audit.actor_user_id.clone();
        let mut tx = AuditedTx::begin(self, audit, now).await?;
        // paths of the subtree: new prefix + the part after the old prefix
        let old_len = i64::try_from(org.path.chars().count()).unwrap_or(0);
        let mut q = Sql::new("UPDATE orgs SET path = ");
        q.bind(new_path)
            .push(" || substr(path, CAST(")
            .bind(old_len + 1)
            .push(" AS INTEGER)), depth = depth + ")
            .bind(depth_delta)
            .push(", updated_at = ")
            .bind(now)
            .push(" WHERE path LIKE ")
            .bind(format!("{}%", org.path));
        tx.exec(&q).await?;
        let mut q = Sql::new("UPDATE orgs SET parent_id = ");
        q.bind(&parent.id).push(" WHERE id = ").bind(&org.id);
        tx.exec_one(&q).await?;
        let mut tx = tx.append().await?;
        history(
            &mut tx,
            0,
            id,
            now,
            actor.as_deref(),
            "moved",
            org.parent_id.map(String::from),
            Some(parent.id.to_string()),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn set_active(
        &self,
        scope: &OrgScope,
        id: &OrgId,
        active: bool,
        audit: AuditEvent,
        now: i64,
    ) -> Result<()> {
        let org = OrgStore::get(self, scope, id)
            .await?
            .ok_or(StoreError::NotFound)?;
        let actor = audit.actor_user_id.clone();
        let mut tx = AuditedTx::begin(self, audit, now).await?;
        // archiving archives the whole subtree; restoring restores only the node
        let mut q = Sql::new("UPDATE orgs SET active = ");
        q.bind(active).push(", updated_at = ").bind(now);
        if active {
            q.push(" WHERE path = ").bind(org.path.as_str());
        } else {
            q.push(" WHERE path LIKE ").bind(format!("{}%", org.path));
        }
        tx.exec(&q).await?;
        let mut tx = tx.append().await?;
        history(
            &mut tx,
            0,
            id,
            now,
            actor.as_deref(),
            if active { "restored" } else { "archived" },
            Some(org.active.to_string()),
            Some(active.to_string()),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn history(&self, scope: &OrgScope, id: &OrgId) -> Result<Vec<OrgHistoryEntry>> {
        let mut q = Sql::new(
            "SELECT h.at, h.actor_user_id, h.change, h.old_value, h.new_value FROM org_history h JOIN orgs o ON o.id = h.org_id WHERE h.org_id = ",
        );
        q.bind(id)
            .push(" AND ")
            .scope(scope, "o.path")
            .push(" ORDER BY h.at ASC, h.id ASC");
        q.fetch_all(&self.pool, |r| {
            Ok(OrgHistoryEntry {
                at: i(r, "at")?,
                actor_user_id: os(r, "actor_user_id")?.map(UserId::from),
                change: s(r, "change")?,
                old_value: os(r, "old_value")?,
                new_value: os(r, "new_value")?,
            })
        })
        .await
    }

    async fn stats(&self, scope: &OrgScope, today: Date) -> Result<OrgStats> {
        let mut q = Sql::new(
            "SELECT o.tier AS tier, o.level AS level, COUNT(*) AS n FROM orgs o WHERE o.active = 1 AND ",
        );
        q.scope(scope, "o.path").push(" GROUP BY o.tier, o.level");
        let mut st = OrgStats::default();
        let mut levels = std::collections::BTreeMap::new();
        for r in q.query().fetch_all(&self.pool).await? {
            let n = i(&r, "n")?;
            st.orgs += n;
            // every organisation but a unit inside an agency is an agency
            // (機關) that holds, or awaits, a responsibility level
            if s(&r, "tier")? == "unit" {
                continue;
            }
            st.agencies += n;
            match os(&r, "level")? {
                Some(l) => *levels.entry(l).or_insert(0) += n,
                None => st.level_unassigned += n,
            }
        }
        st.by_level = levels.into_iter().collect();
        let mut q = Sql::new(
            "SELECT COUNT(*) AS n FROM users u JOIN orgs o ON o.id = u.home_org_id WHERE u.active = 1 AND ",
        );
        q.scope(scope, "o.path");
        st.users = i(&q.fetch_one(&self.pool).await?, "n")?;
        let mut q = Sql::new(
            "SELECT COUNT(*) AS n FROM orgs o WHERE o.active = 1 AND o.level_review_due IS NOT NULL AND o.level_review_due < ",
        );
        q.bind(today).push(" AND ").scope(scope, "o.path");
        st.reviews_overdue = i(&q.fetch_one(&self.pool).await?, "n")?;
        Ok(st)
    }
}
