//! Organisations: scoped reads and audited writes.

use sqlx::Row;
use sqlx::any::AnyRow;
use time::Date;
use time::macros::format_description;
use zian_domain::audit::AuditEvent;
use zian_domain::org::{OrgDraft, check_move};
use zian_domain::{OrgKind, OrgScope, OrgTier, Organisation, ResponsibilityLevel};

use crate::audit::{append, begin};
use crate::db::{b, fetch_page, i, like_pattern, oi, os, s, scope_sql};
use crate::{ListQuery, OrgHistoryRow, OrgStats, Page, Result, SqlStore, StoreError};

pub(crate) const ORG_COLS: &str = "o.id, o.parent_id, o.path, o.depth, o.code, o.name_zh, o.name_en, o.tier, o.kind, o.level, o.level_assigned_on, o.level_review_due, o.fiscal_tier, o.active";

pub(crate) fn fmt_date(d: Option<Date>) -> Option<String> {
    d.and_then(|d| d.format(format_description!("[year]-[month]-[day]")).ok())
}

fn parse_date(s: Option<String>) -> Result<Option<Date>> {
    match s {
        None => Ok(None),
        Some(v) => Date::parse(&v, format_description!("[year]-[month]-[day]"))
            .map(Some)
            .map_err(|e| StoreError::Corrupt(format!("bad date {v:?}: {e}"))),
    }
}

pub(crate) fn org_from_row(r: &AnyRow) -> Result<Organisation> {
    Ok(Organisation {
        id: s(r, "id")?,
        parent_id: os(r, "parent_id")?,
        path: s(r, "path")?,
        depth: i(r, "depth")?,
        code: os(r, "code")?,
        name_zh: s(r, "name_zh")?,
        name_en: s(r, "name_en")?,
        tier: OrgTier::parse(&s(r, "tier")?)?,
        kind: OrgKind::parse(&s(r, "kind")?)?,
        level: os(r, "level")?
            .map(|l| ResponsibilityLevel::parse(&l))
            .transpose()?,
        level_assigned_on: parse_date(os(r, "level_assigned_on")?)?,
        level_review_due: parse_date(os(r, "level_review_due")?)?,
        fiscal_tier: oi(r, "fiscal_tier")?,
        active: b(r, "active")?,
    })
}

async fn history(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    id: String,
    org_id: &str,
    at: i64,
    actor: Option<String>,
    change: &str,
    old: Option<String>,
    new: Option<String>,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO org_history (id, org_id, at, actor_user_id, change, old_value, new_value) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(id)
    .bind(org_id.to_string())
    .bind(at)
    .bind(actor)
    .bind(change.to_string())
    .bind(old)
    .bind(new)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// History rows are keyed by the audit entry of the same change (unique and
/// ordered) plus a counter for changes recorded by one entry.
fn history_id(audit_seq: i64, n: usize) -> String {
    format!("h{audit_seq:012}-{n}")
}

impl SqlStore {
    pub(crate) async fn insert_org_impl(
        &self,
        o: &Organisation,
        now: i64,
        audit: AuditEvent,
    ) -> Result<()> {
        let actor = audit.actor_user_id.clone();
        let mut tx = begin(self).await?;
        sqlx::query(
            "INSERT INTO orgs (id, parent_id, path, depth, code, name_zh, name_en, tier, kind, level, level_assigned_on, level_review_due, fiscal_tier, active, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)",
        )
        .bind(o.id.clone())
        .bind(o.parent_id.clone())
        .bind(o.path.clone())
        .bind(o.depth)
        .bind(o.code.clone())
        .bind(o.name_zh.clone())
        .bind(o.name_en.clone())
        .bind(o.tier.as_str().to_string())
        .bind(o.kind.as_str().to_string())
        .bind(o.level.map(|l| l.as_str().to_string()))
        .bind(fmt_date(o.level_assigned_on))
        .bind(fmt_date(o.level_review_due))
        .bind(o.fiscal_tier)
        .bind(i64::from(o.active))
        .bind(now)
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(|e| StoreError::from_db(e, "organisation code"))?;
        let seq = append(&mut tx, audit, now).await?;
        history(
            &mut tx,
            history_id(seq, 0),
            &o.id,
            now,
            actor,
            "created",
            None,
            Some(serde_json::to_string(o).unwrap_or_default()),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    pub(crate) async fn get_org_impl(
        &self,
        scope: &OrgScope,
        id: &str,
    ) -> Result<Option<Organisation>> {
        let (cond, binds) = scope_sql(scope, "o.path", 2);
        let sql = format!("SELECT {ORG_COLS} FROM orgs o WHERE o.id = $1 AND {cond}");
        let mut q = sqlx::query(&sql).bind(id.to_string());
        for b in binds {
            q = q.bind(b);
        }
        q.fetch_optional(&self.pool)
            .await?
            .as_ref()
            .map(org_from_row)
            .transpose()
    }

    pub(crate) async fn system_org_impl(&self, id: &str) -> Result<Option<Organisation>> {
        let sql = format!("SELECT {ORG_COLS} FROM orgs o WHERE o.id = $1");
        sqlx::query(&sql)
            .bind(id.to_string())
            .fetch_optional(&self.pool)
            .await?
            .as_ref()
            .map(org_from_row)
            .transpose()
    }

    /// Lists organisations in scope. Filters: `q` (name or code contains),
    /// `tier`, `kind`, `level`, `parent`, `active` (`1`/`0`); sort: `name`,
    /// `level`, `path` (default: tree order).
    pub(crate) async fn list_orgs_impl(
        &self,
        scope: &OrgScope,
        q: &ListQuery,
    ) -> Result<Page<Organisation>> {
        let (cond, mut binds) = scope_sql(scope, "o.path", 1);
        let mut w = format!("WHERE {cond}");
        if let Some(text) = q.q.as_deref().filter(|t| !t.trim().is_empty()) {
            binds.push(like_pattern(text.trim()));
            let n = binds.len();
            w.push_str(&format!(
                " AND (o.name_zh LIKE ${n} ESCAPE '\\' OR o.name_en LIKE ${n} ESCAPE '\\' OR o.code LIKE ${n} ESCAPE '\\')"
            ));
        }
        for (key, col) in [
            ("tier", "o.tier"),
            ("kind", "o.kind"),
            ("level", "o.level"),
            ("parent", "o.parent_id"),
        ] {
            if let Some(v) = q.filter_value(key) {
                binds.push(v.to_string());
                w.push_str(&format!(" AND {col} = ${}", binds.len()));
            }
        }
        match q.filter_value("active") {
            Some("1") | Some("true") => w.push_str(" AND o.active = 1"),
            Some("0") | Some("false") => w.push_str(" AND o.active = 0"),
            _ => {}
        }
        let order_col = match q.sort.as_deref() {
            Some("name") => "o.name_zh",
            Some("level") => "o.level",
            Some("code") => "o.code",
            _ => "o.path",
        };
        let dir = if q.desc { "DESC" } else { "ASC" };
        fetch_page(
            &self.pool,
            ORG_COLS,
            &format!("FROM orgs o {w}"),
            &format!("{order_col} {dir}, o.path ASC"),
            &binds,
            q,
            org_from_row,
        )
        .await
    }

    pub(crate) async fn update_org_impl(
        &self,
        scope: &OrgScope,
        id: &str,
        d: &OrgDraft,
        now: i64,
        audit: AuditEvent,
    ) -> Result<bool> {
        let Some(old) = self.get_org_impl(scope, id).await? else {
            return Ok(false);
        };
        let actor = audit.actor_user_id.clone();
        let mut tx = begin(self).await?;
        sqlx::query(
            "UPDATE orgs SET code = $1, name_zh = $2, name_en = $3, tier = $4, kind = $5, level = $6, level_assigned_on = $7, level_review_due = $8, fiscal_tier = $9, updated_at = $10 WHERE id = $11",
        )
        .bind(d.code.clone())
        .bind(d.name_zh.clone())
        .bind(d.name_en.clone())
        .bind(d.tier.as_str().to_string())
        .bind(d.kind.as_str().to_string())
        .bind(d.level.map(|l| l.as_str().to_string()))
        .bind(fmt_date(d.level_assigned_on))
        .bind(fmt_date(d.level_review_due))
        .bind(d.fiscal_tier)
        .bind(now)
        .bind(id.to_string())
        .execute(&mut *tx)
        .await
        .map_err(|e| StoreError::from_db(e, "organisation code"))?;
        let mut changes: Vec<(&str, Option<String>, Option<String>)> = Vec::new();
        if old.level != d.level || old.level_assigned_on != d.level_assigned_on {
            changes.push((
                "level",
                old.level.map(|l| {
                    format!(
                        "{}@{}",
                        l.as_str(),
                        fmt_date(old.level_assigned_on).unwrap_or_default()
                    )
                }),
                d.level.map(|l| {
                    format!(
                        "{}@{}",
                        l.as_str(),
                        fmt_date(d.level_assigned_on).unwrap_or_default()
                    )
                }),
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
        let seq = append(&mut tx, audit, now).await?;
        for (n, (c, o, nw)) in changes.into_iter().enumerate() {
            history(
                &mut tx,
                history_id(seq, n),
                id,
                now,
                actor.clone(),
                c,
                o,
                nw,
            )
            .await?;
        }
        tx.commit().await?;
        Ok(true)
    }

    /// Moves a subtree under a new parent; both must be inside `scope`.
    /// Rewrites the materialised paths of the whole subtree and records the
    /// move in the history of the moved organisation.
    pub(crate) async fn move_org_impl(
        &self,
        scope: &OrgScope,
        id: &str,
        new_parent_id: &str,
        now: i64,
        audit: AuditEvent,
    ) -> Result<()> {
        let org = self
            .get_org_impl(scope, id)
            .await?
            .ok_or(StoreError::NotFound)?;
        let parent = self
            .get_org_impl(scope, new_parent_id)
            .await?
            .ok_or(StoreError::NotFound)?;
        check_move(&org.path, &parent.path)?;
        let new_path = format!("{}{}/", parent.path, org.id);
        let depth_delta = parent.depth + 1 - org.depth;
        let actor = audit.actor_user_id.clone();
        let mut tx = begin(self).await?;
        // paths of the subtree: new prefix + the part after the old prefix
        let old_len = i64::try_from(org.path.chars().count()).unwrap_or(0);
        sqlx::query(
            "UPDATE orgs SET path = $1 || substr(path, CAST($2 AS INTEGER)), depth = depth + $3, updated_at = $4 WHERE path LIKE $5",
        )
        .bind(new_path.clone())
        .bind(old_len + 1)
        .bind(depth_delta)
        .bind(now)
        .bind(format!("{}%", org.path))
        .execute(&mut *tx)
        .await?;
        sqlx::query("UPDATE orgs SET parent_id = $1 WHERE id = $2")
            .bind(parent.id.clone())
            .bind(org.id.clone())
            .execute(&mut *tx)
            .await?;
        let seq = append(&mut tx, audit, now).await?;
        history(
            &mut tx,
            history_id(seq, 0),
            id,
            now,
            actor,
            "moved",
            org.parent_id.clone(),
            Some(parent.id.clone()),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    pub(crate) async fn set_org_active_impl(
        &self,
        scope: &OrgScope,
        id: &str,
        active: bool,
        now: i64,
        audit: AuditEvent,
    ) -> Result<bool> {
        let Some(org) = self.get_org_impl(scope, id).await? else {
            return Ok(false);
        };
        let actor = audit.actor_user_id.clone();
        let mut tx = begin(self).await?;
        // archiving archives the whole subtree; restoring restores only the node
        let sql = if active {
            "UPDATE orgs SET active = 1, updated_at = $1 WHERE path = $2"
        } else {
            "UPDATE orgs SET active = 0, updated_at = $1 WHERE path LIKE $2 || '%'"
        };
        sqlx::query(sql)
            .bind(now)
            .bind(org.path.clone())
            .execute(&mut *tx)
            .await?;
        let seq = append(&mut tx, audit, now).await?;
        history(
            &mut tx,
            history_id(seq, 0),
            id,
            now,
            actor,
            if active { "restored" } else { "archived" },
            Some(org.active.to_string()),
            Some(active.to_string()),
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    pub(crate) async fn org_history_impl(
        &self,
        scope: &OrgScope,
        id: &str,
    ) -> Result<Vec<OrgHistoryRow>> {
        let (cond, binds) = scope_sql(scope, "o.path", 2);
        let sql = format!(
            "SELECT h.at, h.actor_user_id, h.change, h.old_value, h.new_value FROM org_history h JOIN orgs o ON o.id = h.org_id WHERE h.org_id = $1 AND {cond} ORDER BY h.at ASC, h.id ASC"
        );
        let mut q = sqlx::query(&sql).bind(id.to_string());
        for b in binds {
            q = q.bind(b);
        }
        let rows = q.fetch_all(&self.pool).await?;
        rows.iter()
            .map(|r| {
                Ok(OrgHistoryRow {
                    at: i(r, "at")?,
                    actor_user_id: os(r, "actor_user_id")?,
                    change: s(r, "change")?,
                    old_value: os(r, "old_value")?,
                    new_value: os(r, "new_value")?,
                })
            })
            .collect()
    }

    pub(crate) async fn org_stats_impl(&self, scope: &OrgScope, today: &str) -> Result<OrgStats> {
        let (cond, binds) = scope_sql(scope, "o.path", 1);
        let run = |sql: String| {
            let binds = binds.clone();
            async move {
                let mut q = sqlx::query(&sql);
                for b in binds {
                    q = q.bind(b);
                }
                q.fetch_all(&self.pool).await
            }
        };
        let rows = run(format!(
            "SELECT o.tier AS tier, o.level AS level, COUNT(*) AS n FROM orgs o WHERE {cond} AND o.active = 1 GROUP BY o.tier, o.level"
        ))
        .await?;
        let mut st = OrgStats::default();
        let mut levels = std::collections::BTreeMap::new();
        for r in &rows {
            let n = i(r, "n")?;
            st.orgs += n;
            if s(r, "tier")? == "agency" {
                st.agencies += n;
            }
            if let Some(l) = os(r, "level")? {
                *levels.entry(l).or_insert(0) += n;
            }
        }
        st.by_level = levels.into_iter().collect();
        let u = run(format!(
            "SELECT COUNT(*) AS n FROM users u JOIN orgs o ON o.id = u.home_org_id WHERE {cond} AND u.active = 1"
        ))
        .await?;
        st.users = u.first().map(|r| i(r, "n")).transpose()?.unwrap_or(0);
        let (cond2, binds2) = scope_sql(scope, "o.path", 2);
        let sql = format!(
            "SELECT COUNT(*) AS n FROM orgs o WHERE o.active = 1 AND o.level_review_due IS NOT NULL AND o.level_review_due < $1 AND {cond2}"
        );
        let mut q = sqlx::query(&sql).bind(today.to_string());
        for b in binds2 {
            q = q.bind(b);
        }
        st.reviews_overdue = i(&q.fetch_one(&self.pool).await?, "n")?;
        Ok(st)
    }

    pub(crate) async fn system_org_count_impl(&self) -> Result<i64> {
        let r = sqlx::query("SELECT COUNT(*) AS n FROM orgs")
            .fetch_one(&self.pool)
            .await?;
        Ok(r.try_get::<i64, _>("n")?)
    }
}
