//! Users, role assignments, deputies and API tokens as the domain sees them.

use serde::{Deserialize, Serialize};
use zian_i18n::msg;

use crate::{DomainError, OrgId, Permission, Role, UserId};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub id: UserId,
    pub username: String,
    pub display_name: String,
    pub email: String,
    pub home_org_id: OrgId,
    pub locale: String,
    pub active: bool,
    pub totp_enabled: bool,
    pub must_change_password: bool,
    pub password_changed_at: i64,
    pub locked_until: Option<i64>,
    pub created_at: i64,
}

/// A role held at an organisation (and so over its subtree).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleAssignment {
    pub id: String,
    pub user_id: UserId,
    pub org_id: OrgId,
    pub org_path: String,
    pub org_name_zh: String,
    pub role: Role,
    pub granted_by: Option<UserId>,
    pub granted_at: i64,
    /// Set when the role is held as a deputy (職務代理人) for someone else.
    pub deputy_for: Option<UserId>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deputy {
    pub id: String,
    pub principal_user_id: UserId,
    pub principal_name: String,
    pub deputy_user_id: UserId,
    pub deputy_name: String,
    pub org_id: OrgId,
    pub org_name_zh: String,
    pub role: Role,
    pub starts_at: i64,
    pub ends_at: i64,
    pub reason: String,
    pub created_by: Option<UserId>,
    pub revoked_at: Option<i64>,
}

impl Deputy {
    pub fn is_active(&self, now: i64) -> bool {
        self.revoked_at.is_none() && self.starts_at <= now && now < self.ends_at
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiToken {
    pub id: String,
    pub user_id: UserId,
    pub name: String,
    pub org_id: OrgId,
    pub permissions: Vec<Permission>,
    pub created_at: i64,
    pub expires_at: Option<i64>,
    pub last_used_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

/// A new user with an already hashed password.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub id: UserId,
    pub username: String,
    pub display_name: String,
    pub email: String,
    pub home_org_id: OrgId,
    pub password_hash: String,
    pub must_change_password: bool,
    pub locale: String,
    pub now: i64,
}

/// Changes to a user's profile; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct UserPatch {
    pub display_name: Option<String>,
    pub email: Option<String>,
    pub active: Option<bool>,
    pub locale: Option<String>,
    pub unlock: bool,
}

/// A user with the secrets authentication needs. Never serialised; its
/// `Debug` shows the username only.
#[derive(Clone)]
pub struct Credentials {
    pub user: User,
    pub password_hash: String,
    pub totp_secret: Option<String>,
    pub totp_last_step: Option<i64>,
    pub failed_logins: i64,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("user", &self.user.username)
            .finish_non_exhaustive()
    }
}

/// A browser session as stored: the id only as its SHA-256 hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub id_hash: String,
    pub user_id: UserId,
    pub created_at: i64,
    pub last_seen_at: i64,
    pub expires_at: i64,
    pub mfa_passed: bool,
    /// The identity provider asserted a second factor at sign-in (OpenID
    /// Connect `amr`/`acr`): no TOTP step or enrolment is asked.
    pub mfa_external: bool,
    pub csrf_token: String,
    pub current_org_id: Option<OrgId>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

/// A record shared with a vendor (the only records a vendor reaches).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Share {
    pub id: String,
    pub org_id: OrgId,
    pub record_type: String,
    pub record_id: String,
    pub title: String,
    pub created_at: i64,
}

/// A share as the organisation that gave it sees it: with the vendor
/// account it went to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrgShare {
    #[serde(flatten)]
    pub share: Share,
    pub vendor_user_id: UserId,
    pub vendor_username: String,
    pub vendor_name: String,
    pub created_by: Option<UserId>,
}

/// An active user holding a role at an organisation (who receives
/// reminders; a role covers the organisation's subtree).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RoleHolder {
    pub user_id: UserId,
    pub username: String,
    pub display_name: String,
    pub email: String,
    pub role: Role,
    pub org_id: OrgId,
    pub org_path: String,
}

/// The assignments a user acts with: every own role, and the deputised ones
/// that go with them — a vendor account acts with no governing role
/// ([`Role::compatible_with`]) even when a deputyship recorded before that
/// rule says otherwise.
pub fn effective_assignments(all: Vec<RoleAssignment>) -> Vec<RoleAssignment> {
    let own: Vec<Role> = all
        .iter()
        .filter(|a| a.deputy_for.is_none())
        .map(|a| a.role)
        .collect();
    all.into_iter()
        .filter(|a| a.deputy_for.is_none() || a.role.compatible_with(&own))
        .collect()
}

/// Checks a username: 3–64 characters of letters, digits, `.`, `_`, `-`, `@`.
pub fn validate_username(s: &str) -> Result<String, DomainError> {
    let s = s.trim().to_lowercase();
    let ok = (3..=64).contains(&s.chars().count())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'));
    if ok {
        Ok(s)
    } else {
        Err(DomainError::Invalid {
            field: "username",
            reason: msg!("reason.users.username"),
        })
    }
}

/// Checks a display name: present and at most 100 characters.
pub fn validate_display_name(s: &str) -> Result<String, DomainError> {
    let s = s.trim();
    if s.is_empty() || s.chars().count() > 100 || s.chars().any(char::is_control) {
        return Err(DomainError::Invalid {
            field: "display_name",
            reason: msg!("reason.required_at_most_chars", max = 100),
        });
    }
    Ok(s.to_string())
}

/// Checks an e-mail address loosely (one `@`, a dot in the domain), or empty.
pub fn validate_email(s: &str) -> Result<String, DomainError> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(String::new());
    }
    let ok = s.len() <= 254
        && s.split_once('@').is_some_and(|(l, d)| {
            !l.is_empty() && d.contains('.') && !d.starts_with('.') && !d.contains('@')
        })
        && !s.chars().any(|c| c.is_whitespace() || c.is_control());
    if ok {
        Ok(s.to_string())
    } else {
        Err(DomainError::Invalid {
            field: "email",
            reason: msg!("reason.email"),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_and_emails() {
        assert_eq!(validate_username(" Wang.Ming ").unwrap(), "wang.ming");
        assert!(validate_username("ab").is_err());
        assert!(validate_username("a b c").is_err());
        assert!(validate_username("x'; DROP TABLE users;--").is_err());
        assert_eq!(validate_email("").unwrap(), "");
        assert!(validate_email("a@b.tw").is_ok());
        assert!(validate_email("a@b").is_err());
        assert!(validate_display_name("王小明").is_ok());
        assert!(validate_display_name(" ").is_err());
    }

    #[test]
    fn deputy_window() {
        let d = Deputy {
            id: "d".into(),
            principal_user_id: "p".into(),
            principal_name: String::new(),
            deputy_user_id: "q".into(),
            deputy_name: String::new(),
            org_id: "o".into(),
            org_name_zh: String::new(),
            role: Role::Ciso,
            starts_at: 10,
            ends_at: 20,
            reason: "休假".into(),
            created_by: None,
            revoked_at: None,
        };
        assert!(!d.is_active(9));
        assert!(d.is_active(10));
        assert!(!d.is_active(20));
    }
}
