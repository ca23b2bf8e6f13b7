//! Users, role assignments, deputies and vendor shares.

use sqlx::any::AnyRow;
use zian_domain::audit::AuditEvent;
use zian_domain::{Deputy, OrgScope, Role, RoleAssignment, User};

use crate::audit::{append, begin};
use crate::db::{b, fetch_page, i, like_pattern, oi, os, s, scope_sql};
use crate::{
    Credentials, ListQuery, NewUser, Page, Result, ShareRow, SqlStore, StoreError, UserPatch,
};

const USER_COLS: &str = "u.id, u.username, u.display_name, u.email, u.home_org_id, u.locale, u.active, u.totp_enabled, u.must_change_password, u.password_changed_at, u.locked_until, u.created_at";

fn user_from_row(r: &AnyRow) -> Result<User> {
    Ok(User {
        id: s(r, "id")?,
        username: s(r, "username")?,
        display_name: s(r, "display_name")?,
        email: s(r, "email")?,
        home_org_id: s(r, "home_org_id")?,
        locale: s(r, "locale")?,
        active: b(r, "active")?,
        totp_enabled: b(r, "totp_enabled")?,
        must_change_password: b(r, "must_change_password")?,
        password_changed_at: i(r, "password_changed_at")?,
        locked_until: oi(r, "locked_until")?,
        created_at: i(r, "created_at")?,
    })
}

fn creds_from_row(r: &AnyRow) -> Result<Credentials> {
    Ok(Credentials {
        user: user_from_row(r)?,
        password_hash: s(r, "password_hash")?,
        totp_secret: os(r, "totp_secret")?,
        totp_last_step: oi(r, "totp_last_step")?,
        failed_logins: i(r, "failed_logins")?,
    })
}

fn assignment_from_row(r: &AnyRow) -> Result<RoleAssignment> {
    Ok(RoleAssignment {
        id: s(r, "id")?,
        user_id: s(r, "user_id")?,
        org_id: s(r, "org_id")?,
        org_path: s(r, "path")?,
        org_name_zh: s(r, "name_zh")?,
        role: Role::parse(&s(r, "role")?)?,
        granted_by: os(r, "granted_by")?,
        granted_at: i(r, "granted_at")?,
        deputy_for: None,
    })
}

fn deputy_from_row(r: &AnyRow) -> Result<Deputy> {
    Ok(Deputy {
        id: s(r, "id")?,
        principal_user_id: s(r, "principal_user_id")?,
        principal_name: s(r, "principal_name")?,
        deputy_user_id: s(r, "deputy_user_id")?,
        deputy_name: s(r, "deputy_name")?,
        org_id: s(r, "org_id")?,
        org_name_zh: s(r, "name_zh")?,
        role: Role::parse(&s(r, "role")?)?,
        starts_at: i(r, "starts_at")?,
        ends_at: i(r, "ends_at")?,
        reason: s(r, "reason")?,
        created_by: os(r, "created_by")?,
        revoked_at: oi(r, "revoked_at")?,
    })
}

/// A user is visible in a scope when their home organisation, or an
/// organisation where they hold an active role, is inside the scope.
fn user_visible(cond: &str) -> String {
    format!(
        "(EXISTS (SELECT 1 FROM orgs o WHERE o.id = u.home_org_id AND {cond}) OR EXISTS (SELECT 1 FROM role_assignments ra JOIN orgs o ON o.id = ra.org_id WHERE ra.user_id = u.id AND ra.revoked_at IS NULL AND {cond}))"
    )
}

impl SqlStore {
    pub(crate) async fn insert_user_impl(&self, u: &NewUser, audit: AuditEvent) -> Result<()> {
        let mut tx = begin(self).await?;
        sqlx::query(
            "INSERT INTO users (id, username, display_name, email, home_org_id, password_hash, password_changed_at, must_change_password, totp_secret, totp_enabled, totp_last_step, locale, failed_logins, locked_until, active, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULL, 0, NULL, $9, 0, NULL, 1, $10, $11)",
        )
        .bind(u.id.clone())
        .bind(u.username.clone())
        .bind(u.display_name.clone())
        .bind(u.email.clone())
        .bind(u.home_org_id.clone())
        .bind(u.password_hash.clone())
        .bind(u.now)
        .bind(i64::from(u.must_change_password))
        .bind(u.locale.clone())
        .bind(u.now)
        .bind(u.now)
        .execute(&mut *tx)
        .await
        .map_err(|e| StoreError::from_db(e, "username"))?;
        sqlx::query("INSERT INTO password_history (id, user_id, password_hash, changed_at) VALUES ($1, $2, $3, $4)")
            .bind(format!("{}-ph-{}", u.id, u.now))
            .bind(u.id.clone())
            .bind(u.password_hash.clone())
            .bind(u.now)
            .execute(&mut *tx)
            .await?;
        append(&mut tx, audit, u.now).await?;
        tx.commit().await?;
        Ok(())
    }

    pub(crate) async fn get_user_impl(&self, scope: &OrgScope, id: &str) -> Result<Option<User>> {
        let (cond, binds) = scope_sql(scope, "o.path", 2);
        let sql = format!(
            "SELECT {USER_COLS} FROM users u WHERE u.id = $1 AND {}",
            user_visible(&cond)
        );
        let mut q = sqlx::query(&sql).bind(id.to_string());
        for b in binds {
            q = q.bind(b);
        }
        q.fetch_optional(&self.pool)
            .await?
            .as_ref()
            .map(user_from_row)
            .transpose()
    }

    /// Filters: `q` (username, name or e-mail contains), `org` (home org id),
    /// `active`; sort: `username`, `name`, `created`.
    pub(crate) async fn list_users_impl(
        &self,
        scope: &OrgScope,
        q: &ListQuery,
    ) -> Result<Page<User>> {
        let (cond, mut binds) = scope_sql(scope, "o.path", 1);
        let mut w = format!("WHERE {}", user_visible(&cond));
        if let Some(t) = q.q.as_deref().filter(|t| !t.trim().is_empty()) {
            binds.push(like_pattern(&t.trim().to_lowercase()));
            let n = binds.len();
            w.push_str(&format!(
                " AND (u.username LIKE ${n} ESCAPE '\\' OR lower(u.display_name) LIKE ${n} ESCAPE '\\' OR lower(u.email) LIKE ${n} ESCAPE '\\')"
            ));
        }
        if let Some(org) = q.filter_value("org") {
            binds.push(org.to_string());
            w.push_str(&format!(" AND u.home_org_id = ${}", binds.len()));
        }
        match q.filter_value("active") {
            Some("1") | Some("true") => w.push_str(" AND u.active = 1"),
            Some("0") | Some("false") => w.push_str(" AND u.active = 0"),
            _ => {}
        }
        let order = match q.sort.as_deref() {
            Some("name") => "u.display_name",
            Some("created") => "u.created_at",
            _ => "u.username",
        };
        let dir = if q.desc { "DESC" } else { "ASC" };
        fetch_page(
            &self.pool,
            USER_COLS,
            &format!("FROM users u {w}"),
            &format!("{order} {dir}, u.id ASC"),
            &binds,
            q,
            user_from_row,
        )
        .await
    }

    pub(crate) async fn update_user_impl(
        &self,
        scope: &OrgScope,
        id: &str,
        p: &UserPatch,
        now: i64,
        audit: AuditEvent,
    ) -> Result<bool> {
        let Some(u) = self.get_user_impl(scope, id).await? else {
            return Ok(false);
        };
        let mut tx = begin(self).await?;
        sqlx::query(
            "UPDATE users SET display_name = $1, email = $2, active = $3, locale = $4, failed_logins = CASE WHEN $5 = 1 THEN 0 ELSE failed_logins END, locked_until = CASE WHEN $6 = 1 THEN NULL ELSE locked_until END, updated_at = $7 WHERE id = $8",
        )
        .bind(p.display_name.clone().unwrap_or(u.display_name))
        .bind(p.email.clone().unwrap_or(u.email))
        .bind(i64::from(p.active.unwrap_or(u.active)))
        .bind(p.locale.clone().unwrap_or(u.locale))
        .bind(i64::from(p.unlock))
        .bind(i64::from(p.unlock))
        .bind(now)
        .bind(id.to_string())
        .execute(&mut *tx)
        .await?;
        if p.active == Some(false) {
            sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                .bind(id.to_string())
                .execute(&mut *tx)
                .await?;
        }
        append(&mut tx, audit, now).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Active assignments of a user at organisations in scope.
    pub(crate) async fn list_assignments_impl(
        &self,
        scope: &OrgScope,
        user_id: &str,
    ) -> Result<Vec<RoleAssignment>> {
        let (cond, binds) = scope_sql(scope, "o.path", 2);
        let sql = format!(
            "SELECT ra.id, ra.user_id, ra.org_id, o.path, o.name_zh, ra.role, ra.granted_by, ra.granted_at FROM role_assignments ra JOIN orgs o ON o.id = ra.org_id WHERE ra.user_id = $1 AND ra.revoked_at IS NULL AND {cond} ORDER BY o.path, ra.role"
        );
        let mut q = sqlx::query(&sql).bind(user_id.to_string());
        for v in binds {
            q = q.bind(v);
        }
        q.fetch_all(&self.pool)
            .await?
            .iter()
            .map(assignment_from_row)
            .collect()
    }

    /// Every active assignment of a user, including roles held as an active
    /// deputy at `now`. Used by the authoriser only.
    pub(crate) async fn system_assignments_impl(
        &self,
        user_id: &str,
        now: i64,
    ) -> Result<Vec<RoleAssignment>> {
        let mut out: Vec<RoleAssignment> = sqlx::query(
            "SELECT ra.id, ra.user_id, ra.org_id, o.path, o.name_zh, ra.role, ra.granted_by, ra.granted_at FROM role_assignments ra JOIN orgs o ON o.id = ra.org_id WHERE ra.user_id = $1 AND ra.revoked_at IS NULL AND o.active = 1",
        )
        .bind(user_id.to_string())
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(assignment_from_row)
        .collect::<Result<_>>()?;
        // deputyships: the principal must still hold the role at that org
        let rows = sqlx::query(
            "SELECT d.id, d.deputy_user_id AS user_id, d.org_id, o.path, o.name_zh, d.role, d.created_by AS granted_by, d.starts_at AS granted_at, d.principal_user_id
             FROM deputies d JOIN orgs o ON o.id = d.org_id
             WHERE d.deputy_user_id = $1 AND d.revoked_at IS NULL AND d.starts_at <= $2 AND d.ends_at > $3 AND o.active = 1
               AND EXISTS (SELECT 1 FROM role_assignments ra WHERE ra.user_id = d.principal_user_id AND ra.org_id = d.org_id AND ra.role = d.role AND ra.revoked_at IS NULL)",
        )
        .bind(user_id.to_string())
        .bind(now)
        .bind(now)
        .fetch_all(&self.pool)
        .await?;
        for r in &rows {
            let mut a = assignment_from_row(r)?;
            a.deputy_for = Some(s(r, "principal_user_id")?);
            out.push(a);
        }
        Ok(out)
    }

    pub(crate) async fn grant_role_impl(
        &self,
        id: &str,
        user_id: &str,
        org_id: &str,
        role: Role,
        by: &str,
        now: i64,
        audit: AuditEvent,
    ) -> Result<()> {
        let mut tx = begin(self).await?;
        let exists = sqlx::query(
            "SELECT COUNT(*) AS n FROM role_assignments WHERE user_id = $1 AND org_id = $2 AND role = $3 AND revoked_at IS NULL",
        )
        .bind(user_id.to_string())
        .bind(org_id.to_string())
        .bind(role.as_str().to_string())
        .fetch_one(&mut *tx)
        .await?;
        if i(&exists, "n")? > 0 {
            return Err(StoreError::Conflict("role assignment"));
        }
        sqlx::query(
            "INSERT INTO role_assignments (id, user_id, org_id, role, granted_by, granted_at, revoked_by, revoked_at) VALUES ($1, $2, $3, $4, $5, $6, NULL, NULL)",
        )
        .bind(id.to_string())
        .bind(user_id.to_string())
        .bind(org_id.to_string())
        .bind(role.as_str().to_string())
        .bind(by.to_string())
        .bind(now)
        .execute(&mut *tx)
        .await?;
        append(&mut tx, audit, now).await?;
        tx.commit().await?;
        Ok(())
    }

    pub(crate) async fn revoke_role_impl(
        &self,
        scope: &OrgScope,
        id: &str,
        by: &str,
        now: i64,
        audit: AuditEvent,
    ) -> Result<bool> {
        let (cond, binds) = scope_sql(scope, "o.path", 2);
        let sql = format!(
            "SELECT ra.id FROM role_assignments ra JOIN orgs o ON o.id = ra.org_id WHERE ra.id = $1 AND ra.revoked_at IS NULL AND {cond}"
        );
        let mut q = sqlx::query(&sql).bind(id.to_string());
        for v in binds {
            q = q.bind(v);
        }
        if q.fetch_optional(&self.pool).await?.is_none() {
            return Ok(false);
        }
        let mut tx = begin(self).await?;
        sqlx::query("UPDATE role_assignments SET revoked_at = $1, revoked_by = $2 WHERE id = $3")
            .bind(now)
            .bind(by.to_string())
            .bind(id.to_string())
            .execute(&mut *tx)
            .await?;
        append(&mut tx, audit, now).await?;
        tx.commit().await?;
        Ok(true)
    }

    pub(crate) async fn insert_deputy_impl(
        &self,
        d: &Deputy,
        now: i64,
        audit: AuditEvent,
    ) -> Result<()> {
        let mut tx = begin(self).await?;
        sqlx::query(
            "INSERT INTO deputies (id, principal_user_id, deputy_user_id, org_id, role, starts_at, ends_at, reason, created_by, created_at, revoked_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, NULL)",
        )
        .bind(d.id.clone())
        .bind(d.principal_user_id.clone())
        .bind(d.deputy_user_id.clone())
        .bind(d.org_id.clone())
        .bind(d.role.as_str().to_string())
        .bind(d.starts_at)
        .bind(d.ends_at)
        .bind(d.reason.clone())
        .bind(d.created_by.clone())
        .bind(now)
        .execute(&mut *tx)
        .await?;
        append(&mut tx, audit, now).await?;
        tx.commit().await?;
        Ok(())
    }

    pub(crate) async fn list_deputies_impl(&self, scope: &OrgScope) -> Result<Vec<Deputy>> {
        let (cond, binds) = scope_sql(scope, "o.path", 1);
        let sql = format!(
            "SELECT d.id, d.principal_user_id, p.display_name AS principal_name, d.deputy_user_id, q.display_name AS deputy_name, d.org_id, o.name_zh, d.role, d.starts_at, d.ends_at, d.reason, d.created_by, d.revoked_at
             FROM deputies d JOIN orgs o ON o.id = d.org_id JOIN users p ON p.id = d.principal_user_id JOIN users q ON q.id = d.deputy_user_id
             WHERE {cond} ORDER BY d.starts_at DESC, d.id"
        );
        let mut q = sqlx::query(&sql);
        for v in binds {
            q = q.bind(v);
        }
        q.fetch_all(&self.pool)
            .await?
            .iter()
            .map(deputy_from_row)
            .collect()
    }

    pub(crate) async fn revoke_deputy_impl(
        &self,
        scope: &OrgScope,
        id: &str,
        now: i64,
        audit: AuditEvent,
    ) -> Result<bool> {
        let (cond, binds) = scope_sql(scope, "o.path", 2);
        let sql = format!(
            "SELECT d.id FROM deputies d JOIN orgs o ON o.id = d.org_id WHERE d.id = $1 AND d.revoked_at IS NULL AND {cond}"
        );
        let mut q = sqlx::query(&sql).bind(id.to_string());
        for v in binds {
            q = q.bind(v);
        }
        if q.fetch_optional(&self.pool).await?.is_none() {
            return Ok(false);
        }
        let mut tx = begin(self).await?;
        sqlx::query("UPDATE deputies SET revoked_at = $1 WHERE id = $2")
            .bind(now)
            .bind(id.to_string())
            .execute(&mut *tx)
            .await?;
        append(&mut tx, audit, now).await?;
        tx.commit().await?;
        Ok(true)
    }

    pub(crate) async fn list_shares_for_vendor_impl(&self, vendor: &str) -> Result<Vec<ShareRow>> {
        let rows = sqlx::query(
            "SELECT id, org_id, record_type, record_id, title, created_at FROM shares WHERE vendor_user_id = $1 AND revoked_at IS NULL ORDER BY created_at DESC",
        )
        .bind(vendor.to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(ShareRow {
                    id: s(r, "id")?,
                    org_id: s(r, "org_id")?,
                    record_type: s(r, "record_type")?,
                    record_id: s(r, "record_id")?,
                    title: s(r, "title")?,
                    created_at: i(r, "created_at")?,
                })
            })
            .collect()
    }

    pub(crate) async fn system_user_by_username_impl(
        &self,
        username: &str,
    ) -> Result<Option<Credentials>> {
        let sql = format!(
            "SELECT {USER_COLS}, u.password_hash, u.totp_secret, u.totp_last_step, u.failed_logins FROM users u WHERE u.username = $1"
        );
        sqlx::query(&sql)
            .bind(username.to_string())
            .fetch_optional(&self.pool)
            .await?
            .as_ref()
            .map(creds_from_row)
            .transpose()
    }

    pub(crate) async fn system_user_by_id_impl(&self, id: &str) -> Result<Option<Credentials>> {
        let sql = format!(
            "SELECT {USER_COLS}, u.password_hash, u.totp_secret, u.totp_last_step, u.failed_logins FROM users u WHERE u.id = $1"
        );
        sqlx::query(&sql)
            .bind(id.to_string())
            .fetch_optional(&self.pool)
            .await?
            .as_ref()
            .map(creds_from_row)
            .transpose()
    }
}
