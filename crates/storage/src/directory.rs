//! Directory-backed accounts (LDAP / Active Directory, OpenID Connect): a
//! user's external identity, the roles granted from directory groups (`role_assignments.
//! source` names the provider; a role granted by hand has none and is never
//! touched here), and turning an account off when the directory no longer
//! has it; and the OpenID Connect sign-ins in progress (`oidc_logins`).
//! Like [`crate::AuthStore`] this is what scopes are built from, so
//! every method is `system_*` and only the application's sign-in code
//! (`zian_app::directory`) holds it.

use async_trait::async_trait;
use sqlx::any::AnyRow;
use zian_domain::audit::AuditEvent;
use zian_domain::user::NewUser;
use zian_domain::{OrgId, Role, UserId};

use crate::db::{Cols, Sql, b, i, os, s};
use crate::tx::AuditedTx;
use crate::{Result, SqlStore};

/// Why the platform turned an account off when the directory lost it.
pub const DISABLED_DIRECTORY_REMOVED: &str = "directory_removed";

/// A local account tied to a directory entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirectoryAccount {
    pub user_id: UserId,
    pub username: String,
    pub home_org_id: OrgId,
    pub provider: String,
    /// The provider's name for the person (for LDAP the entry's DN,
    /// lower-cased).
    pub subject: String,
    pub active: bool,
    pub disabled_reason: Option<String>,
}

/// A role the directory's groups grant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirectoryGrant {
    /// Id for a new assignment (used only when the role is not yet held).
    pub id: String,
    pub org_id: OrgId,
    pub role: Role,
}

/// What a re-mapping changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GrantChanges {
    /// `role@org_id` granted.
    pub granted: Vec<String>,
    /// `role@org_id` revoked.
    pub revoked: Vec<String>,
}

/// An OpenID Connect sign-in in progress: what the callback needs to finish
/// it, kept on the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OidcPending {
    /// SHA-256 (hex) of the `state` sent to the provider.
    pub state_hash: String,
    /// SHA-256 (hex) of the cookie that binds the sign-in to the browser.
    pub browser_hash: String,
    pub nonce: String,
    pub pkce_verifier: String,
    pub created_at: i64,
    pub expires_at: i64,
}

#[async_trait]
pub trait DirectoryStore: Send + Sync {
    /// The user tied to a provider's subject, whatever the user name.
    async fn system_user_by_identity(
        &self,
        provider: &str,
        subject: &str,
    ) -> Result<Option<UserId>>;
    /// Keeps a sign-in in progress (and forgets the expired ones).
    async fn system_oidc_begin(&self, p: &OidcPending, now: i64) -> Result<()>;
    /// Takes a sign-in in progress by its state: returned once, deleted by
    /// the same call (a second call with the same state gets `None`).
    async fn system_oidc_take(&self, state_hash: &str) -> Result<Option<OidcPending>>;
    /// The directory identity of a user, if the account is directory-backed.
    async fn system_directory_account(&self, user_id: &UserId) -> Result<Option<DirectoryAccount>>;
    /// Every account of a provider (for the periodic sync).
    async fn system_directory_accounts(&self, provider: &str) -> Result<Vec<DirectoryAccount>>;
    /// The id of the active organisation with this code.
    async fn system_org_by_code(&self, code: &str) -> Result<Option<OrgId>>;
    /// Creates a directory-backed user (its password hash is not a hash, so
    /// no local password works) and its identity, audited.
    async fn system_create_directory_user(
        &self,
        u: &NewUser,
        provider: &str,
        subject: &str,
        audit: AuditEvent,
    ) -> Result<()>;
    /// Makes the roles this provider granted exactly `want`: grants the
    /// missing ones and revokes the others, leaving roles granted by hand
    /// alone. Audited (one entry listing the changes) when anything
    /// changes; nothing is written otherwise.
    async fn system_sync_directory_roles(
        &self,
        user_id: &UserId,
        provider: &str,
        want: &[DirectoryGrant],
        audit: AuditEvent,
        now: i64,
    ) -> Result<GrantChanges>;
    /// Records a successful directory sign-in: the directory owns the
    /// password, so the local expiry clock restarts, and the profile follows
    /// the directory's.
    async fn system_directory_login(
        &self,
        user_id: &UserId,
        display_name: &str,
        email: &str,
        now: i64,
    ) -> Result<()>;
    /// Turns a directory account off (ending its sessions and tokens) or
    /// back on, with the reason kept on the user; audited.
    async fn system_set_directory_active(
        &self,
        user_id: &UserId,
        active: bool,
        audit: AuditEvent,
        now: i64,
    ) -> Result<()>;
}

const ACCOUNT_COLS: &str =
    "u.id, u.username, u.home_org_id, u.active, u.disabled_reason, ui.provider, ui.subject";

fn account_from_row(r: &AnyRow) -> Result<DirectoryAccount> {
    Ok(DirectoryAccount {
        user_id: s(r, "id")?.into(),
        username: s(r, "username")?,
        home_org_id: s(r, "home_org_id")?.into(),
        provider: s(r, "provider")?,
        subject: s(r, "subject")?,
        active: b(r, "active")?,
        disabled_reason: os(r, "disabled_reason")?,
    })
}

#[async_trait]
impl DirectoryStore for SqlStore {
    async fn system_user_by_identity(
        &self,
        provider: &str,
        subject: &str,
    ) -> Result<Option<UserId>> {
        let mut q = Sql::new("SELECT user_id FROM user_identities WHERE provider = ");
        q.bind(provider).and(" AND subject = ", subject);
        q.fetch_optional(&self.pool, |r| Ok(UserId::from(s(r, "user_id")?)))
            .await
    }

    async fn system_oidc_begin(&self, p: &OidcPending, now: i64) -> Result<()> {
        let mut q = Sql::new("DELETE FROM oidc_logins WHERE expires_at <= ");
        q.bind(now);
        q.execute(&self.pool).await?;
        Cols::new()
            .set("state_hash", p.state_hash.as_str())
            .set("browser_hash", p.browser_hash.as_str())
            .set("nonce", p.nonce.as_str())
            .set("pkce_verifier", p.pkce_verifier.as_str())
            .set("created_at", p.created_at)
            .set("expires_at", p.expires_at)
            .insert("oidc_logins")
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn system_oidc_take(&self, state_hash: &str) -> Result<Option<OidcPending>> {
        let mut q = Sql::new(
            "SELECT state_hash, browser_hash, nonce, pkce_verifier, created_at, expires_at FROM oidc_logins WHERE state_hash = ",
        );
        q.bind(state_hash);
        let found = q
            .fetch_optional(&self.pool, |r| {
                Ok(OidcPending {
                    state_hash: s(r, "state_hash")?,
                    browser_hash: s(r, "browser_hash")?,
                    nonce: s(r, "nonce")?,
                    pkce_verifier: s(r, "pkce_verifier")?,
                    created_at: i(r, "created_at")?,
                    expires_at: i(r, "expires_at")?,
                })
            })
            .await?;
        let Some(found) = found else {
            return Ok(None);
        };
        // whoever deletes the row owns it: a replay racing the first use
        // finds nothing to delete
        let mut q = Sql::new("DELETE FROM oidc_logins WHERE state_hash = ");
        q.bind(state_hash);
        Ok((q.execute(&self.pool).await? == 1).then_some(found))
    }

    async fn system_directory_account(&self, user_id: &UserId) -> Result<Option<DirectoryAccount>> {
        let mut q = Sql::new(format!(
            "SELECT {ACCOUNT_COLS} FROM users u JOIN user_identities ui ON ui.user_id = u.id WHERE u.id = "
        ));
        q.bind(user_id);
        q.fetch_optional(&self.pool, account_from_row).await
    }

    async fn system_directory_accounts(&self, provider: &str) -> Result<Vec<DirectoryAccount>> {
        let mut q = Sql::new(format!(
            "SELECT {ACCOUNT_COLS} FROM users u JOIN user_identities ui ON ui.user_id = u.id WHERE ui.provider = "
        ));
        q.bind(provider).push(" ORDER BY u.username");
        q.fetch_all(&self.pool, account_from_row).await
    }

    async fn system_org_by_code(&self, code: &str) -> Result<Option<OrgId>> {
        let mut q = Sql::new("SELECT id FROM orgs WHERE active = 1 AND code = ");
        q.bind(code);
        q.fetch_optional(&self.pool, |r| Ok(OrgId::from(s(r, "id")?)))
            .await
    }

    async fn system_create_directory_user(
        &self,
        u: &NewUser,
        provider: &str,
        subject: &str,
        audit: AuditEvent,
    ) -> Result<()> {
        let mut tx = AuditedTx::begin(self, audit, u.now).await?;
        let cols = Cols::new()
            .set("id", &u.id)
            .set("username", u.username.as_str())
            .set("display_name", u.display_name.as_str())
            .set("email", u.email.as_str())
            .set("home_org_id", &u.home_org_id)
            .set("password_hash", u.password_hash.as_str())
            .set("password_changed_at", u.now)
            .set("must_change_password", false)
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
        let identity = Cols::new()
            .set("user_id", &u.id)
            .set("provider", provider)
            .set("subject", subject)
            .set("created_at", u.now)
            .set("last_login_at", u.now);
        tx.insert(&identity.insert("user_identities"), "user_identity")
            .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn system_sync_directory_roles(
        &self,
        user_id: &UserId,
        provider: &str,
        want: &[DirectoryGrant],
        audit: AuditEvent,
        now: i64,
    ) -> Result<GrantChanges> {
        let mut tx = AuditedTx::begin(self, audit, now).await?;
        let mut q = Sql::new(
            "SELECT id, org_id, role FROM role_assignments WHERE revoked_at IS NULL AND user_id = ",
        );
        q.bind(user_id).and(" AND source = ", provider);
        let held: Vec<(String, String, String)> = q
            .fetch_all(tx.conn(), |r| {
                Ok((s(r, "id")?, s(r, "org_id")?, s(r, "role")?))
            })
            .await?;
        let mut changes = GrantChanges::default();
        for (id, org, role) in &held {
            if !want
                .iter()
                .any(|w| w.org_id.as_str() == org && w.role.as_str() == role)
            {
                let mut q = Sql::new("UPDATE role_assignments SET revoked_at = ");
                q.bind(now).and(" WHERE id = ", id.as_str());
                tx.exec_one(&q).await?;
                changes.revoked.push(format!("{role}@{org}"));
            }
        }
        for w in want {
            let already = held
                .iter()
                .any(|(_, org, role)| w.org_id.as_str() == org && w.role.as_str() == role);
            if already
                || changes
                    .granted
                    .contains(&format!("{}@{}", w.role.as_str(), w.org_id))
            {
                continue;
            }
            let cols = Cols::new()
                .set("id", w.id.as_str())
                .set("user_id", user_id)
                .set("org_id", &w.org_id)
                .set("role", w.role.as_str())
                .set("granted_by", None::<String>)
                .set("granted_at", now)
                .set("revoked_by", None::<String>)
                .set("revoked_at", None::<i64>)
                .set("source", provider);
            tx.exec(&cols.insert("role_assignments")).await?;
            changes
                .granted
                .push(format!("{}@{}", w.role.as_str(), w.org_id));
        }
        if changes.granted.is_empty() && changes.revoked.is_empty() {
            // dropping the transaction rolls it back: nothing is recorded
            return Ok(changes);
        }
        tx.event().details = serde_json::json!({
            "provider": provider,
            "granted": changes.granted,
            "revoked": changes.revoked,
        });
        tx.commit().await?;
        Ok(changes)
    }

    async fn system_directory_login(
        &self,
        user_id: &UserId,
        display_name: &str,
        email: &str,
        now: i64,
    ) -> Result<()> {
        let mut q = Cols::new()
            .set("display_name", display_name)
            .set("email", email)
            .set("password_changed_at", now)
            .set("must_change_password", false)
            .set("updated_at", now)
            .update("users");
        q.push("id = ").bind(user_id);
        q.execute(&self.pool).await?;
        let mut q = Cols::new()
            .set("last_login_at", now)
            .update("user_identities");
        q.push("user_id = ").bind(user_id);
        q.execute(&self.pool).await?;
        Ok(())
    }

    async fn system_set_directory_active(
        &self,
        user_id: &UserId,
        active: bool,
        audit: AuditEvent,
        now: i64,
    ) -> Result<()> {
        let mut tx = AuditedTx::begin(self, audit, now).await?;
        let mut q = Cols::new()
            .set("active", active)
            .set(
                "disabled_reason",
                (!active).then_some(DISABLED_DIRECTORY_REMOVED.to_string()),
            )
            .set("updated_at", now)
            .update("users");
        q.push("id = ").bind(user_id);
        tx.exec_one(&q).await?;
        if !active {
            crate::auth::end_access(&mut tx, user_id, now).await?;
        }
        tx.commit().await?;
        Ok(())
    }
}
