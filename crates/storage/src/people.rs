//! People: users, role assignments, deputies (職務代理人) and who holds which
//! role where. A user is visible in a scope when their home organisation, or
//! an organisation where they hold an active role, is inside it.

use async_trait::async_trait;
use sqlx::any::AnyRow;
use zian_domain::audit::AuditEvent;
use zian_domain::user::{NewUser, RoleHolder, UserPatch};
use zian_domain::{Deputy, ListQuery, OrgId, OrgScope, Page, Role, RoleAssignment, User, UserId};

use crate::db::{Cols, Sql, b, fetch_page, i, oi, order_by, os, s};
use crate::tx::AuditedTx;
use crate::{Result, SqlStore, StoreError};

/// A role to grant.
#[derive(Debug, Clone)]
pub struct NewAssignment {
    pub id: String,
    pub user_id: UserId,
    pub org_id: OrgId,
    pub role: Role,
    pub by: UserId,
}

/// People in scope.
#[async_trait]
pub trait PeopleStore: Send + Sync {
    /// Creates a user whose home organisation is in `scope`.
    async fn insert_user(&self, scope: &OrgScope, u: &NewUser, audit: AuditEvent) -> Result<()>;
    async fn get_user(&self, scope: &OrgScope, id: &UserId) -> Result<Option<User>>;
    /// Filters: `q` (username, name or e-mail contains), `org` (home
    /// organisation), `active`; sort: `username` (default), `name`, `created`.
    async fn list_users(&self, scope: &OrgScope, q: &ListQuery) -> Result<Page<User>>;
    /// Edits a user in scope; deactivating ends their sessions and revokes
    /// their API tokens.
    async fn update_user(
        &self,
        scope: &OrgScope,
        id: &UserId,
        patch: &UserPatch,
        audit: AuditEvent,
        now: i64,
    ) -> Result<()>;
    /// A user's active assignments at organisations in scope.
    async fn assignments(&self, scope: &OrgScope, user_id: &UserId) -> Result<Vec<RoleAssignment>>;
    /// Grants a role at an organisation in scope (`Conflict` when held).
    async fn grant_role(
        &self,
        scope: &OrgScope,
        a: &NewAssignment,
        audit: AuditEvent,
        now: i64,
    ) -> Result<()>;
    /// Revokes a role assignment at an organisation in scope; the holder's
    /// sessions end and API tokens are revoked with it.
    async fn revoke_role(
        &self,
        scope: &OrgScope,
        id: &str,
        by: &UserId,
        audit: AuditEvent,
        now: i64,
    ) -> Result<()>;
    /// Records a deputyship at an organisation in scope.
    async fn insert_deputy(
        &self,
        scope: &OrgScope,
        d: &Deputy,
        audit: AuditEvent,
        now: i64,
    ) -> Result<()>;
    /// Deputyships at organisations in scope, newest first.
    async fn deputies(&self, scope: &OrgScope, q: &ListQuery) -> Result<Page<Deputy>>;
    async fn revoke_deputy(
        &self,
        scope: &OrgScope,
        id: &str,
        audit: AuditEvent,
        now: i64,
    ) -> Result<()>;
    /// Active users holding one of `roles` at organisations in scope.
    async fn role_holders(&self, scope: &OrgScope, roles: &[Role]) -> Result<Vec<RoleHolder>>;
}

pub(crate) const USER_COLS: &str = "u.id, u.username, u.display_name, u.email, u.home_org_id, u.locale, u.active, u.totp_enabled, u.must_change_password, u.password_changed_at, u.locked_until, u.created_at";

pub(crate) fn user_from_row(r: &AnyRow) -> Result<User> {
    Ok(User {
        id: s(r, "id")?.into(),
        username: s(r, "username")?,
        display_name: s(r, "display_name")?,
        email: s(r, "email")?,
        home_org_id: s(r, "home_org_id")?.into(),
        locale: s(r, "locale")?,
        active: b(r, "active")?,
        totp_enabled: b(r, "totp_enabled")?,
        must_change_password: b(r, "must_change_password")?,
        password_changed_at: i(r, "password_changed_at")?,
        locked_until: oi(r, "locked_until")?,
        created_at: i(r, "created_at")?,
    })
}

pub(crate) const ASSIGNMENT_COLS: &str =
    "ra.id, ra.user_id, ra.org_id, o.path, o.name_zh, ra.role, ra.granted_by, ra.granted_at";

pub(crate) fn assignment_from_row(r: &AnyRow) -> Result<RoleAssignment> {
    Ok(RoleAssignment {
        id: s(r, "id")?,
        user_id: s(r, "user_id")?.into(),
        org_id: s(r, "org_id")?.into(),
        org_path: s(r, "path")?,
        org_name_zh: s(r, "name_zh")?,
        role: Role::parse(&s(r, "role")?)?,
        granted_by: os(r, "granted_by")?.map(UserId::from),
        granted_at: i(r, "granted_at")?,
        deputy_for: None,
    })
}

const DEPUTY_COLS: &str = "d.id, d.principal_user_id, p.display_name AS principal_name, d.deputy_user_id, q.display_name AS deputy_name, d.org_id, o.name_zh, d.role, d.starts_at, d.ends_at, d.reason, d.created_by, d.revoked_at";

fn deputy_from_row(r: &AnyRow) -> Result<Deputy> {
    Ok(Deputy {
        id: s(r, "id")?,
        principal_user_id: s(r, "principal_user_id")?.into(),
        principal_name: s(r, "principal_name")?,
        deputy_user_id: s(r, "deputy_user_id")?.into(),
        deputy_name: s(r, "deputy_name")?,
        org_id: s(r, "org_id")?.into(),
        org_name_zh: s(r, "name_zh")?,
        role: Role::parse(&s(r, "role")?)?,
        starts_at: i(r, "starts_at")?,
        ends_at: i(r, "ends_at")?,
        reason: s(r, "reason")?,
        created_by: os(r, "created_by")?.map(UserId::from),
        revoked_at: oi(r, "revoked_at")?,
    })
}

/// `u` is visible in the scope.
fn user_visible(q: &mut Sql, scope: &OrgScope) {
    q.push("(EXISTS (SELECT 1 FROM orgs o WHERE o.id = u.home_org_id AND ")
        .scope(scope, "o.path")
        .push(") OR EXISTS (SELECT 1 FROM role_assignments ra JOIN orgs o ON o.id = ra.org_id WHERE ra.user_id = u.id AND ra.revoked_at IS NULL AND ")
        .scope(scope, "o.path")
        .push("))");
}

#[async_trait]
impl PeopleStore for SqlStore {
    async fn insert_user(&self, scope: &OrgScope, u: &NewUser, audit: AuditEvent) -> Result<()> {
        let (mut tx, _) = AuditedTx::begin_in(self, scope, &u.home_org_id, audit, u.now).await?;
        let cols = Cols::new()
            .set("id", &u.id)
            .set("username", u.username.as_str())
            .set("display_name", u.display_name.as_str())
            .set("email", u.email.as_str())
            .set("home_org_id", &u.home_org_id)
            .set("password_hash", u.password_hash.as_str())
            .set("password_changed_at", u.now)
            .set("must_change_password", u.must_change_password)
            .set("totp_secret", None::<String>)
            .set("totp_enabled", false)
            .set("totp_last_step", None::<i64>)
            .set("locale", u.locale.as_str())
            .set("failed_logins", 0_i64)
            .set("locked_until", None::<i64>)
            .set("active", true)
            .set("created_at", u.now)
            .set("updated_at", u.now);
        tx.insert(&cols.insert("users"), "username").await?;
        tx.exec(
            &Cols::new()
                .set("id", format!("{}-ph-{}", u.id, u.now))
                .set("user_id", &u.id)
                .set("password_hash", u.password_hash.as_str())
                .set("changed_at", u.now)
                .insert("password_history"),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn get_user(&self, scope: &OrgScope, id: &UserId) -> Result<Option<User>> {
        let mut q = Sql::new(format!("SELECT {USER_COLS} FROM users u WHERE u.id = "));
        q.bind(id).push(" AND ");
        user_visible(&mut q, scope);
        q.fetch_optional(&self.pool, user_from_row).await
    }

    async fn list_users(&self, scope: &OrgScope, q: &ListQuery) -> Result<Page<User>> {
        let mut w = Sql::new("FROM users u WHERE ");
        user_visible(&mut w, scope);
        if let Some(t) = q.text() {
            w.search(
                &["u.username", "lower(u.display_name)", "lower(u.email)"],
                &t.to_lowercase(),
            );
        }
        if let Some(org) = q.filter_value("org") {
            w.and(" AND u.home_org_id = ", org);
        }
        match q.filter_value("active") {
            Some("1") | Some("true") => w.push(" AND u.active = 1"),
            Some("0") | Some("false") => w.push(" AND u.active = 0"),
            _ => &mut w,
        };
        let order = order_by(
            q,
            &[
                ("username", "u.username"),
                ("name", "u.display_name"),
                ("created", "u.created_at"),
            ],
            "u.id",
        );
        fetch_page(&self.pool, USER_COLS, &w, &order, q, user_from_row).await
    }

    async fn update_user(
        &self,
        scope: &OrgScope,
        id: &UserId,
        p: &UserPatch,
        audit: AuditEvent,
        now: i64,
    ) -> Result<()> {
        let u = self
            .get_user(scope, id)
            .await?
            .ok_or(StoreError::NotFound)?;
        let mut tx = AuditedTx::begin(self, audit, now).await?;
        let mut q = Cols::new()
            .set(
                "display_name",
                p.display_name.clone().unwrap_or(u.display_name),
            )
            .set("email", p.email.clone().unwrap_or(u.email))
            .set("active", p.active.unwrap_or(u.active))
            .set("locale", p.locale.clone().unwrap_or(u.locale))
            .set("updated_at", now)
            .update("users");
        q.push("id = ").bind(id);
        if p.active.is_some() {
            // an administrator's decision replaces the directory's
            let mut reason = Sql::new("UPDATE users SET disabled_reason = NULL WHERE id = ");
            reason.bind(id);
            tx.exec(&reason).await?;
        }
        if p.unlock {
            let mut unlock =
                Sql::new("UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = ");
            unlock.bind(id);
            tx.exec(&unlock).await?;
        }
        tx.exec_one(&q).await?;
        if p.active == Some(false) {
            crate::auth::end_access(&mut tx, id, now).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn assignments(&self, scope: &OrgScope, user_id: &UserId) -> Result<Vec<RoleAssignment>> {
        let mut q = Sql::new(format!(
            "SELECT {ASSIGNMENT_COLS} FROM role_assignments ra JOIN orgs o ON o.id = ra.org_id WHERE ra.revoked_at IS NULL AND ra.user_id = "
        ));
        q.bind(user_id)
            .push(" AND ")
            .scope(scope, "o.path")
            .push(" ORDER BY o.path, ra.role");
        q.fetch_all(&self.pool, assignment_from_row).await
    }

    async fn grant_role(
        &self,
        scope: &OrgScope,
        a: &NewAssignment,
        audit: AuditEvent,
        now: i64,
    ) -> Result<()> {
        let (mut tx, _) = AuditedTx::begin_in(self, scope, &a.org_id, audit, now).await?;
        let mut held = Sql::new(
            "SELECT COUNT(*) AS n FROM role_assignments WHERE revoked_at IS NULL AND user_id = ",
        );
        held.bind(&a.user_id)
            .and(" AND org_id = ", &a.org_id)
            .and(" AND role = ", a.role.as_str());
        if i(&held.fetch_one(tx.conn()).await?, "n")? > 0 {
            return Err(StoreError::Conflict("role_assignment"));
        }
        let cols = Cols::new()
            .set("id", a.id.as_str())
            .set("user_id", &a.user_id)
            .set("org_id", &a.org_id)
            .set("role", a.role.as_str())
            .set("granted_by", &a.by)
            .set("granted_at", now)
            .set("revoked_by", None::<String>)
            .set("revoked_at", None::<i64>);
        tx.exec(&cols.insert("role_assignments")).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn revoke_role(
        &self,
        scope: &OrgScope,
        id: &str,
        by: &UserId,
        audit: AuditEvent,
        now: i64,
    ) -> Result<()> {
        let mut tx = AuditedTx::begin(self, audit, now).await?;
        let mut found = Sql::new(
            "SELECT ra.id, ra.user_id FROM role_assignments ra JOIN orgs o ON o.id = ra.org_id WHERE ra.revoked_at IS NULL AND ra.id = ",
        );
        found.bind(id).push(" AND ").scope(scope, "o.path");
        let holder = s(&tx.require(&found).await?, "user_id")?;
        let mut q = Sql::new("UPDATE role_assignments SET revoked_at = ");
        q.bind(now)
            .and(", revoked_by = ", by)
            .and(" WHERE id = ", id);
        tx.exec_one(&q).await?;
        crate::auth::end_access(&mut tx, &holder, now).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn insert_deputy(
        &self,
        scope: &OrgScope,
        d: &Deputy,
        audit: AuditEvent,
        now: i64,
    ) -> Result<()> {
        let (mut tx, _) = AuditedTx::begin_in(self, scope, &d.org_id, audit, now).await?;
        let cols = Cols::new()
            .set("id", d.id.as_str())
            .set("principal_user_id", &d.principal_user_id)
            .set("deputy_user_id", &d.deputy_user_id)
            .set("org_id", &d.org_id)
            .set("role", d.role.as_str())
            .set("starts_at", d.starts_at)
            .set("ends_at", d.ends_at)
            .set("reason", d.reason.as_str())
            .set("created_by", d.created_by.as_ref())
            .set("created_at", now)
            .set("revoked_at", None::<i64>);
        tx.exec(&cols.insert("deputies")).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn deputies(&self, scope: &OrgScope, q: &ListQuery) -> Result<Page<Deputy>> {
        let mut w = Sql::new(
            "FROM deputies d JOIN orgs o ON o.id = d.org_id JOIN users p ON p.id = d.principal_user_id JOIN users q ON q.id = d.deputy_user_id WHERE ",
        );
        w.scope(scope, "o.path");
        if let Some(t) = q.text() {
            w.search(&["p.display_name", "q.display_name", "o.name_zh"], t);
        }
        let mut order = order_by(q, &[("starts", "d.starts_at")], "d.id");
        if q.sort.is_none() {
            order = "d.starts_at DESC, d.id".to_string();
        }
        fetch_page(&self.pool, DEPUTY_COLS, &w, &order, q, deputy_from_row).await
    }

    async fn revoke_deputy(
        &self,
        scope: &OrgScope,
        id: &str,
        audit: AuditEvent,
        now: i64,
    ) -> Result<()> {
        let mut tx = AuditedTx::begin(self, audit, now).await?;
        let mut found = Sql::new(
            "SELECT d.id FROM deputies d JOIN orgs o ON o.id = d.org_id WHERE d.revoked_at IS NULL AND d.id = ",
        );
        found.bind(id).push(" AND ").scope(scope, "o.path");
        tx.require(&found).await?;
        let mut q = Sql::new("UPDATE deputies SET revoked_at = ");
        q.bind(now).and(" WHERE id = ", id);
        tx.exec_one(&q).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn role_holders(&self, scope: &OrgScope, roles: &[Role]) -> Result<Vec<RoleHolder>> {
        if roles.is_empty() {
            return Ok(Vec::new());
        }
        let mut q = Sql::new(
            "SELECT u.id AS user_id, u.username, u.display_name, u.email, ra.role, o.id AS org_id, o.path AS org_path
             FROM role_assignments ra JOIN users u ON u.id = ra.user_id JOIN orgs o ON o.id = ra.org_id
             WHERE ra.revoked_at IS NULL AND u.active = 1 AND ",
        );
        q.scope(scope, "o.path").push(" AND ra.role IN (");
        for (n, r) in roles.iter().enumerate() {
            if n > 0 {
                q.push(", ");
            }
            q.bind(r.as_str());
        }
        q.push(") ORDER BY o.path, ra.role, u.username LIMIT 20000");
        q.fetch_all(&self.pool, |r| {
            Ok(RoleHolder {
                user_id: s(r, "user_id")?.into(),
                username: s(r, "username")?,
                display_name: s(r, "display_name")?,
                email: s(r, "email")?,
                role: Role::parse(&s(r, "role")?)?,
                org_id: s(r, "org_id")?.into(),
                org_path: s(r, "org_path")?,
            })
        })
        .await
    }
}
