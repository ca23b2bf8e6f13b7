//! Authentication and authorisation state: credentials, failed logins,
//! passwords, TOTP, recovery codes, sessions, API tokens, vendor shares, and
//! a user's effective role assignments. Nothing here takes an
//! [`zian_domain::OrgScope`] — it is what scopes are built from — so every
//! method is named `system_*`, and only the application's authentication
//! code (`zian_app::auth`) holds this store.

use async_trait::async_trait;
use sqlx::any::AnyRow;
use zian_domain::audit::AuditEvent;
use zian_domain::user::{Credentials, Session, Share};
use zian_domain::{ApiToken, OrgId, Organisation, Permission, RoleAssignment, UserId};

use crate::db::{Cols, Sql, b, i, oi, os, s};
use crate::orgs::{ORG_COLS, org_from_row};
use crate::people::{ASSIGNMENT_COLS, USER_COLS, assignment_from_row, user_from_row};
use crate::tx::AuditedTx;
use crate::{Result, SqlStore, StoreError};

/// What else ends when a password is set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending<'a> {
    /// The user's sessions but this one (a session id's hash), when the user
    /// changes the password: whoever else held a session is out; the user's
    /// API tokens stay (they are listed on the account page and revoked
    /// there, and an administrator's reset revokes them).
    SessionsBut(Option<&'a str>),
    /// Every session and API token of the user (an administrator's reset).
    Everything,
}

/// Ends every session of a user and revokes every API token of theirs, in
/// the transaction of the change that requires it (a reset password, a
/// deactivation, a removed role).
pub(crate) async fn end_access(tx: &mut AuditedTx, user_id: &str, now: i64) -> Result<()> {
    let mut q = Sql::new("DELETE FROM sessions WHERE user_id = ");
    q.bind(user_id);
    tx.exec(&q).await?;
    let mut q = Sql::new("UPDATE api_tokens SET revoked_at = ");
    q.bind(now)
        .and(" WHERE revoked_at IS NULL AND user_id = ", user_id);
    tx.exec(&q).await?;
    Ok(())
}

#[async_trait]
pub trait AuthStore: Send + Sync {
    async fn system_credentials_by_username(&self, username: &str) -> Result<Option<Credentials>>;
    async fn system_credentials(&self, id: &UserId) -> Result<Option<Credentials>>;
    /// Every active assignment of a user, including roles held as an active
    /// deputy at `now` (the principal must still hold the role).
    async fn system_assignments(&self, user_id: &UserId, now: i64) -> Result<Vec<RoleAssignment>>;
    /// An active role assignment of anyone (not a deputyship), by id.
    async fn system_assignment(&self, id: &str) -> Result<Option<RoleAssignment>>;
    /// The organisation an API token is bound to.
    async fn system_org(&self, id: &OrgId) -> Result<Option<Organisation>>;
    /// Counts a failed login (locking the account until `lock_until` when
    /// given); returns the failures so far.
    async fn system_record_login_failure(
        &self,
        user_id: &UserId,
        lock_until: Option<i64>,
        audit: AuditEvent,
        now: i64,
    ) -> Result<i64>;
    async fn system_record_login_success(&self, user_id: &UserId) -> Result<()>;
    async fn system_set_password(
        &self,
        user_id: &UserId,
        hash: &str,
        must_change: bool,
        history_id: &str,
        ending: Ending<'_>,
        audit: AuditEvent,
        now: i64,
    ) -> Result<()>;
    /// The `n` latest password hashes, newest first.
    async fn system_password_history(&self, user_id: &UserId, n: usize) -> Result<Vec<String>>;
    /// Sets or clears the TOTP secret; audited when `audit` is given
    /// (enrolment starts unaudited and is audited when confirmed).
    async fn system_set_totp(
        &self,
        user_id: &UserId,
        secret: Option<&str>,
        enabled: bool,
        audit: Option<AuditEvent>,
        now: i64,
    ) -> Result<()>;
    async fn system_set_totp_step(&self, user_id: &UserId, step: i64) -> Result<()>;
    /// Replaces the recovery codes with (id, hash) pairs.
    async fn system_replace_recovery_codes(
        &self,
        user_id: &UserId,
        codes: &[(String, String)],
        audit: AuditEvent,
        now: i64,
    ) -> Result<()>;
    /// Uses an unused recovery code; whether there was one.
    async fn system_use_recovery_code(
        &self,
        user_id: &UserId,
        hash: &str,
        now: i64,
    ) -> Result<bool>;
    async fn system_count_recovery_codes(&self, user_id: &UserId) -> Result<i64>;
    async fn system_set_locale(&self, user_id: &UserId, locale: &str) -> Result<()>;

    async fn system_insert_session(&self, s: &Session) -> Result<()>;
    async fn system_session(&self, id_hash: &str) -> Result<Option<Session>>;
    async fn system_touch_session(&self, id_hash: &str, now: i64) -> Result<()>;
    async fn system_update_session(
        &self,
        id_hash: &str,
        mfa_passed: bool,
        org: Option<&OrgId>,
    ) -> Result<()>;
    async fn system_delete_session(&self, id_hash: &str) -> Result<()>;
    /// Ends every session of a user; returns how many.
    async fn system_delete_user_sessions(
        &self,
        user_id: &UserId,
        audit: Option<AuditEvent>,
        now: i64,
    ) -> Result<u64>;

    async fn system_insert_token(&self, t: &ApiToken, hash: &str, audit: AuditEvent) -> Result<()>;
    async fn system_token_by_hash(&self, hash: &str) -> Result<Option<ApiToken>>;
    async fn system_touch_token(&self, id: &str, now: i64) -> Result<()>;
    /// A user's own tokens, newest first.
    async fn system_tokens(&self, user_id: &UserId) -> Result<Vec<ApiToken>>;
    /// Revokes one of a user's own tokens; whether it was active.
    async fn system_revoke_token(
        &self,
        user_id: &UserId,
        id: &str,
        audit: AuditEvent,
        now: i64,
    ) -> Result<bool>;
    /// Records shared with a vendor (all a vendor reaches).
    async fn system_shares_for_vendor(&self, vendor: &UserId) -> Result<Vec<Share>>;
    /// One active share of a vendor's, with the path of the organisation
    /// that gave it (the scope the vendor reads that one record in).
    async fn system_share_for_vendor(
        &self,
        vendor: &UserId,
        id: &str,
    ) -> Result<Option<(Share, String)>>;
}

const SESSION_COLS: &str = "id_hash, user_id, created_at, last_seen_at, expires_at, mfa_passed, mfa_external, csrf_token, current_org_id, ip, user_agent";

fn share_from_row(r: &AnyRow) -> Result<Share> {
    Ok(Share {
        id: s(r, "id")?,
        org_id: s(r, "org_id")?.into(),
        record_type: s(r, "record_type")?,
        record_id: s(r, "record_id")?,
        title: s(r, "title")?,
        created_at: i(r, "created_at")?,
    })
}

fn session_from_row(r: &AnyRow) -> Result<Session> {
    Ok(Session {
        id_hash: s(r, "id_hash")?,
        user_id: s(r, "user_id")?.into(),
        created_at: i(r, "created_at")?,
        last_seen_at: i(r, "last_seen_at")?,
        expires_at: i(r, "expires_at")?,
        mfa_passed: b(r, "mfa_passed")?,
        mfa_external: b(r, "mfa_external")?,
        csrf_token: s(r, "csrf_token")?,
        current_org_id: os(r, "current_org_id")?.map(OrgId::from),
        ip: os(r, "ip")?,
        user_agent: os(r, "user_agent")?,
    })
}

const TOKEN_COLS: &str =
    "id, user_id, name, org_id, permissions, created_at, expires_at, last_used_at, revoked_at";

fn token_from_row(r: &AnyRow) -> Result<ApiToken> {
    let perms: Vec<String> = serde_json::from_str(&s(r, "permissions")?)
        .map_err(|e| StoreError::Corrupt(format!("token permissions: {e}")))?;
    Ok(ApiToken {
        id: s(r, "id")?,
        user_id: s(r, "user_id")?.into(),
        name: s(r, "name")?,
        org_id: s(r, "org_id")?.into(),
        permissions: perms
            .iter()
            .map(|p| Permission::parse(p))
            .collect::<std::result::Result<_, _>>()?,
        created_at: i(r, "created_at")?,
        expires_at: oi(r, "expires_at")?,
        last_used_at: oi(r, "last_used_at")?,
        revoked_at: oi(r, "revoked_at")?,
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

fn creds_by(col: &str, v: &str) -> Sql {
    let mut q = Sql::new(format!(
        "SELECT {USER_COLS}, u.password_hash, u.totp_secret, u.totp_last_step, u.failed_logins FROM users u WHERE u.{col} = "
    ));
    q.bind(v);
    q
}

/// `UPDATE table SET <set> WHERE <key> = value` outside any transaction,
/// for bookkeeping that is not audited (last use, TOTP step, locale).
async fn set_where(store: &SqlStore, set: Cols, table: &str, key: &str, v: &str) -> Result<u64> {
    let mut q = set.update(table);
    q.push(key).push(" = ").bind(v);
    q.execute(&store.pool).await
}

#[async_trait]
impl AuthStore for SqlStore {
    async fn system_credentials_by_username(&self, username: &str) -> Result<Option<Credentials>> {
        creds_by("username", username)
            .fetch_optional(&self.pool, creds_from_row)
            .await
    }

    async fn system_credentials(&self, id: &UserId) -> Result<Option<Credentials>> {
        creds_by("id", id)
            .fetch_optional(&self.pool, creds_from_row)
            .await
    }

    async fn system_assignments(&self, user_id: &UserId, now: i64) -> Result<Vec<RoleAssignment>> {
        let mut q = Sql::new(format!(
            "SELECT {ASSIGNMENT_COLS} FROM role_assignments ra JOIN orgs o ON o.id = ra.org_id WHERE ra.revoked_at IS NULL AND o.active = 1 AND ra.user_id = "
        ));
        q.bind(user_id);
        let mut out = q.fetch_all(&self.pool, assignment_from_row).await?;
        let mut q = Sql::new(
            "SELECT d.id, d.deputy_user_id AS user_id, d.org_id, o.path, o.name_zh, d.role, d.created_by AS granted_by, d.starts_at AS granted_at, d.principal_user_id
             FROM deputies d JOIN orgs o ON o.id = d.org_id
             WHERE d.revoked_at IS NULL AND o.active = 1
               AND EXISTS (SELECT 1 FROM role_assignments ra WHERE ra.user_id = d.principal_user_id AND ra.org_id = d.org_id AND ra.role = d.role AND ra.revoked_at IS NULL)
               AND d.deputy_user_id = ",
        );
        q.bind(user_id)
            .and(" AND d.starts_at <= ", now)
            .and(" AND d.ends_at > ", now);
        let deputyships = q
            .fetch_all(&self.pool, |r| {
                let mut a = assignment_from_row(r)?;
                a.deputy_for = Some(s(r, "principal_user_id")?.into());
                Ok(a)
            })
            .await?;
        out.extend(deputyships);
        Ok(out)
    }

    async fn system_assignment(&self, id: &str) -> Result<Option<RoleAssignment>> {
        let mut q = Sql::new(format!(
            "SELECT {ASSIGNMENT_COLS} FROM role_assignments ra JOIN orgs o ON o.id = ra.org_id WHERE ra.revoked_at IS NULL AND ra.id = "
        ));
        q.bind(id);
        q.fetch_optional(&self.pool, assignment_from_row).await
    }

    async fn system_org(&self, id: &OrgId) -> Result<Option<Organisation>> {
        let mut q = Sql::new(format!("SELECT {ORG_COLS} FROM orgs o WHERE o.id = "));
        q.bind(id);
        q.fetch_optional(&self.pool, org_from_row).await
    }

    async fn system_record_login_failure(
        &self,
        user_id: &UserId,
        lock_until: Option<i64>,
        audit: AuditEvent,
        now: i64,
    ) -> Result<i64> {
        let mut tx = AuditedTx::begin(self, audit, now).await?;
        let mut q = Sql::new(
            "UPDATE users SET failed_logins = failed_logins + 1, locked_until = COALESCE(",
        );
        q.bind(lock_until)
            .push(", locked_until) WHERE id = ")
            .bind(user_id);
        tx.exec(&q).await?;
        let mut q = Sql::new("SELECT failed_logins FROM users WHERE id = ");
        q.bind(user_id);
        let n = i(&q.fetch_one(tx.conn()).await?, "failed_logins")?;
        tx.commit().await?;
        Ok(n)
    }

    async fn system_record_login_success(&self, user_id: &UserId) -> Result<()> {
        let mut q = Sql::new("UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = ");
        q.bind(user_id);
        q.execute(&self.pool).await?;
        Ok(())
    }

    async fn system_set_password(
        &self,
        user_id: &UserId,
        hash: &str,
        must_change: bool,
        history_id: &str,
        ending: Ending<'_>,
        audit: AuditEvent,
        now: i64,
    ) -> Result<()> {
        let mut tx = AuditedTx::begin(self, audit, now).await?;
        let mut q = Cols::new()
            .set("password_hash", hash)
            .set("password_changed_at", now)
            .set("must_change_password", must_change)
            .set("failed_logins", 0_i64)
            .set("locked_until", None::<i64>)
            .set("updated_at", now)
            .update("users");
        q.push("id = ").bind(user_id);
        tx.exec_one(&q).await?;
        tx.exec(
            &Cols::new()
                .set("id", history_id)
                .set("user_id", user_id)
                .set("password_hash", hash)
                .set("changed_at", now)
                .insert("password_history"),
        )
        .await?;
        match ending {
            Ending::SessionsBut(keep) => {
                let mut q = Sql::new("DELETE FROM sessions WHERE user_id = ");
                q.bind(user_id);
                if let Some(k) = keep {
                    q.and(" AND id_hash <> ", k);
                }
                tx.exec(&q).await?;
            }
            Ending::Everything => end_access(&mut tx, user_id, now).await?,
        }
        tx.commit().await?;
        Ok(())
    }

    async fn system_password_history(&self, user_id: &UserId, n: usize) -> Result<Vec<String>> {
        let mut q = Sql::new("SELECT password_hash FROM password_history WHERE user_id = ");
        q.bind(user_id).push(&format!(
            " ORDER BY changed_at DESC LIMIT {}",
            n.clamp(1, 50)
        ));
        q.fetch_all(&self.pool, |r| s(r, "password_hash")).await
    }

    async fn system_set_totp(
        &self,
        user_id: &UserId,
        secret: Option<&str>,
        enabled: bool,
        audit: Option<AuditEvent>,
        now: i64,
    ) -> Result<()> {
        let cols = Cols::new()
            .set("totp_secret", secret)
            .set("totp_enabled", enabled)
            .set("totp_last_step", None::<i64>);
        match audit {
            Some(a) => {
                let mut tx = AuditedTx::begin(self, a, now).await?;
                let mut q = cols.update("users");
                q.push("id = ").bind(user_id);
                tx.exec(&q).await?;
                tx.commit().await?;
            }
            None => {
                set_where(self, cols, "users", "id", user_id).await?;
            }
        }
        Ok(())
    }

    async fn system_set_totp_step(&self, user_id: &UserId, step: i64) -> Result<()> {
        set_where(
            self,
            Cols::new().set("totp_last_step", step),
            "users",
            "id",
            user_id,
        )
        .await?;
        Ok(())
    }

    async fn system_replace_recovery_codes(
        &self,
        user_id: &UserId,
        codes: &[(String, String)],
        audit: AuditEvent,
        now: i64,
    ) -> Result<()> {
        let mut tx = AuditedTx::begin(self, audit, now).await?;
        let mut q = Sql::new("DELETE FROM recovery_codes WHERE user_id = ");
        q.bind(user_id);
        tx.exec(&q).await?;
        for (id, hash) in codes {
            tx.exec(
                &Cols::new()
                    .set("id", id)
                    .set("user_id", user_id)
                    .set("code_hash", hash)
                    .set("used_at", None::<i64>)
                    .insert("recovery_codes"),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn system_use_recovery_code(
        &self,
        user_id: &UserId,
        hash: &str,
        now: i64,
    ) -> Result<bool> {
        let mut q = Sql::new("UPDATE recovery_codes SET used_at = ");
        q.bind(now)
            .and(" WHERE used_at IS NULL AND user_id = ", user_id)
            .and(" AND code_hash = ", hash);
        Ok(q.execute(&self.pool).await? == 1)
    }

    async fn system_count_recovery_codes(&self, user_id: &UserId) -> Result<i64> {
        let mut q = Sql::new(
            "SELECT COUNT(*) AS n FROM recovery_codes WHERE used_at IS NULL AND user_id = ",
        );
        q.bind(user_id);
        i(&q.fetch_one(&self.pool).await?, "n")
    }

    async fn system_set_locale(&self, user_id: &UserId, locale: &str) -> Result<()> {
        set_where(
            self,
            Cols::new().set("locale", locale),
            "users",
            "id",
            user_id,
        )
        .await?;
        Ok(())
    }

    async fn system_insert_session(&self, x: &Session) -> Result<()> {
        Cols::new()
            .set("id_hash", x.id_hash.as_str())
            .set("user_id", &x.user_id)
            .set("created_at", x.created_at)
            .set("last_seen_at", x.last_seen_at)
            .set("expires_at", x.expires_at)
            .set("mfa_passed", x.mfa_passed)
            .set("mfa_external", x.mfa_external)
            .set("csrf_token", x.csrf_token.as_str())
            .set("current_org_id", x.current_org_id.as_ref())
            .set("ip", x.ip.clone())
            .set("user_agent", x.user_agent.clone())
            .insert("sessions")
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn system_session(&self, id_hash: &str) -> Result<Option<Session>> {
        let mut q = Sql::new(format!(
            "SELECT {SESSION_COLS} FROM sessions WHERE id_hash = "
        ));
        q.bind(id_hash);
        q.fetch_optional(&self.pool, session_from_row).await
    }

    async fn system_touch_session(&self, id_hash: &str, now: i64) -> Result<()> {
        set_where(
            self,
            Cols::new().set("last_seen_at", now),
            "sessions",
            "id_hash",
            id_hash,
        )
        .await?;
        Ok(())
    }

    async fn system_update_session(
        &self,
        id_hash: &str,
        mfa_passed: bool,
        org: Option<&OrgId>,
    ) -> Result<()> {
        let cols = Cols::new()
            .set("mfa_passed", mfa_passed)
            .set("current_org_id", org);
        set_where(self, cols, "sessions", "id_hash", id_hash).await?;
        Ok(())
    }

    async fn system_delete_session(&self, id_hash: &str) -> Result<()> {
        let mut q = Sql::new("DELETE FROM sessions WHERE id_hash = ");
        q.bind(id_hash);
        q.execute(&self.pool).await?;
        Ok(())
    }

    async fn system_delete_user_sessions(
        &self,
        user_id: &UserId,
        audit: Option<AuditEvent>,
        now: i64,
    ) -> Result<u64> {
        let mut q = Sql::new("DELETE FROM sessions WHERE user_id = ");
        q.bind(user_id);
        match audit {
            Some(a) => {
                let mut tx = AuditedTx::begin(self, a, now).await?;
                let n = tx.exec(&q).await?;
                tx.commit().await?;
                Ok(n)
            }
            None => q.execute(&self.pool).await,
        }
    }

    async fn system_insert_token(&self, t: &ApiToken, hash: &str, audit: AuditEvent) -> Result<()> {
        let perms: Vec<&str> = t.permissions.iter().map(|p| p.as_str()).collect();
        let mut tx = AuditedTx::begin(self, audit, t.created_at).await?;
        let cols = Cols::new()
            .set("id", t.id.as_str())
            .set("user_id", &t.user_id)
            .set("name", t.name.as_str())
            .set("token_hash", hash)
            .set("org_id", &t.org_id)
            .set(
                "permissions",
                serde_json::to_string(&perms).unwrap_or_else(|_| "[]".into()),
            )
            .set("created_at", t.created_at)
            .set("expires_at", t.expires_at)
            .set("last_used_at", None::<i64>)
            .set("revoked_at", None::<i64>);
        tx.exec(&cols.insert("api_tokens")).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn system_token_by_hash(&self, hash: &str) -> Result<Option<ApiToken>> {
        let mut q = Sql::new(format!(
            "SELECT {TOKEN_COLS} FROM api_tokens WHERE token_hash = "
        ));
        q.bind(hash);
        q.fetch_optional(&self.pool, token_from_row).await
    }

    async fn system_touch_token(&self, id: &str, now: i64) -> Result<()> {
        set_where(
            self,
            Cols::new().set("last_used_at", now),
            "api_tokens",
            "id",
            id,
        )
        .await?;
        Ok(())
    }

    async fn system_tokens(&self, user_id: &UserId) -> Result<Vec<ApiToken>> {
        let mut q = Sql::new(format!(
            "SELECT {TOKEN_COLS} FROM api_tokens WHERE user_id = "
        ));
        q.bind(user_id).push(" ORDER BY created_at DESC, id");
        q.fetch_all(&self.pool, token_from_row).await
    }

    async fn system_revoke_token(
        &self,
        user_id: &UserId,
        id: &str,
        audit: AuditEvent,
        now: i64,
    ) -> Result<bool> {
        let mut tx = AuditedTx::begin(self, audit, now).await?;
        let mut q = Sql::new("UPDATE api_tokens SET revoked_at = ");
        q.bind(now)
            .and(" WHERE revoked_at IS NULL AND id = ", id)
            .and(" AND user_id = ", user_id);
        if tx.exec(&q).await? == 0 {
            return Ok(false);
        }
        tx.commit().await?;
        Ok(true)
    }

    async fn system_shares_for_vendor(&self, vendor: &UserId) -> Result<Vec<Share>> {
        let mut q = Sql::new(
            "SELECT id, org_id, record_type, record_id, title, created_at FROM shares WHERE revoked_at IS NULL AND vendor_user_id = ",
        );
        q.bind(vendor).push(" ORDER BY created_at DESC, id");
        q.fetch_all(&self.pool, share_from_row).await
    }

    async fn system_share_for_vendor(
        &self,
        vendor: &UserId,
        id: &str,
    ) -> Result<Option<(Share, String)>> {
        let mut q = Sql::new(
            "SELECT sh.id, sh.org_id, sh.record_type, sh.record_id, sh.title, sh.created_at, o.path FROM shares sh JOIN orgs o ON o.id = sh.org_id WHERE sh.revoked_at IS NULL AND sh.vendor_user_id = ",
        );
        q.bind(vendor).and(" AND sh.id = ", id);
        q.fetch_optional(&self.pool, |r| Ok((share_from_row(r)?, s(r, "path")?)))
            .await
    }
}
