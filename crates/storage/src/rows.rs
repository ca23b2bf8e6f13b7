//! Plain data types exchanged with the storage layer.

use serde::{Deserialize, Serialize};

/// Paging, filtering and sorting for lists. `sort` names a whitelisted column
/// of the list in question; unknown names fall back to the default order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListQuery {
    pub q: Option<String>,
    pub filter: Vec<(String, String)>,
    pub sort: Option<String>,
    pub desc: bool,
    pub limit: i64,
    pub offset: i64,
}

impl ListQuery {
    pub fn new() -> Self {
        ListQuery {
            limit: 50,
            ..Default::default()
        }
    }
    pub fn filter_value(&self, key: &str) -> Option<&str> {
        self.filter
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
    pub fn clamped_limit(&self) -> i64 {
        self.limit.clamp(1, 500)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: i64,
    pub limit: i64,
    pub offset: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrgHistoryRow {
    pub at: i64,
    pub actor_user_id: Option<String>,
    pub change: String,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct OrgStats {
    pub orgs: i64,
    pub agencies: i64,
    pub users: i64,
    pub by_level: Vec<(String, i64)>,
    pub reviews_overdue: i64,
}

/// A new user with an already hashed password.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub email: String,
    pub home_org_id: String,
    pub password_hash: String,
    pub must_change_password: bool,
    pub locale: String,
    pub now: i64,
}

#[derive(Debug, Clone, Default)]
pub struct UserPatch {
    pub display_name: Option<String>,
    pub email: Option<String>,
    pub active: Option<bool>,
    pub locale: Option<String>,
    pub unlock: bool,
}

/// A user with the secrets authentication needs. Never serialised.
#[derive(Clone)]
pub struct Credentials {
    pub user: zian_domain::User,
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

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRow {
    pub id_hash: String,
    pub user_id: String,
    pub created_at: i64,
    pub last_seen_at: i64,
    pub expires_at: i64,
    pub mfa_passed: bool,
    pub csrf_token: String,
    pub current_org_id: Option<String>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ShareRow {
    pub id: String,
    pub org_id: String,
    pub record_type: String,
    pub record_id: String,
    pub title: String,
    pub created_at: i64,
}
