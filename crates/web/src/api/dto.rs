//! Request and response shapes of the API (also the OpenAPI schemas).

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use zian_domain::audit::AuditEntry;
use zian_domain::{ApiToken, Deputy, Organisation, RoleAssignment, User};
use zian_storage::{OrgHistoryRow, Page, ShareRow};

use zian_app::Principal;

fn ts(t: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(t)
        .ok()
        .and_then(|d| {
            d.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default()
}

/// List parameters: paging (`limit` ≤ 500, `offset`), sorting (`sort`,
/// `desc`), free text (`q`) and per-list filters.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListParams {
    pub q: Option<String>,
    pub sort: Option<String>,
    pub desc: Option<bool>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
    pub tier: Option<String>,
    pub kind: Option<String>,
    pub level: Option<String>,
    pub parent: Option<String>,
    pub active: Option<String>,
    pub org: Option<String>,
    pub action: Option<String>,
    pub actor: Option<String>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct PageOut<T> {
    pub items: Vec<T>,
    pub total: i64,
    pub limit: i64,
    pub offset: i64,
}

impl<T> PageOut<T> {
    pub fn map<U>(p: Page<U>, f: impl Fn(U) -> T) -> PageOut<T> {
        PageOut {
            items: p.items.into_iter().map(f).collect(),
            total: p.total,
            limit: p.limit,
            offset: p.offset,
        }
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginInput {
    pub username: String,
    pub password: String,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct LoginOutput {
    pub mfa_required: bool,
    /// Send back in `X-CSRF-Token` on unsafe requests made with the cookie.
    pub csrf_token: String,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MfaInput {
    /// A 6-digit TOTP code or a recovery code.
    pub code: String,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LocaleInput {
    /// `zh-TW` or `en`.
    pub locale: String,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordChangeInput {
    pub current_password: String,
    pub new_password: String,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordResetInput {
    pub temporary_password: String,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct MeOut {
    pub user: UserOut,
    pub roles: Vec<AssignmentOut>,
    pub via_token: bool,
}

impl MeOut {
    pub fn from_principal(p: &Principal) -> MeOut {
        MeOut {
            user: UserOut::from(p.user.clone()),
            roles: p
                .assignments
                .iter()
                .cloned()
                .map(AssignmentOut::from)
                .collect(),
            via_token: p.token.is_some(),
        }
    }
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct DashboardOut {
    pub organisations: i64,
    pub agencies: i64,
    pub users: i64,
    pub by_level: BTreeMap<String, i64>,
    pub level_reviews_overdue: i64,
}

/// Fields of an organisation. `tier`: national, municipal_hub,
/// local_government, agency, unit. `kind`: public, non_public,
/// critical_infrastructure. `level`: A–E. Dates YYYY-MM-DD.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OrgInput {
    pub code: Option<String>,
    pub name_zh: String,
    pub name_en: Option<String>,
    pub tier: String,
    pub kind: String,
    pub level: Option<String>,
    pub level_assigned_on: Option<String>,
    pub level_review_due: Option<String>,
    pub fiscal_tier: Option<i64>,
}

/// A new organisation: the parent and the fields of [`OrgInput`].
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OrgCreateInput {
    pub parent_id: String,
    pub code: Option<String>,
    pub name_zh: String,
    pub name_en: Option<String>,
    pub tier: String,
    pub kind: String,
    pub level: Option<String>,
    pub level_assigned_on: Option<String>,
    pub level_review_due: Option<String>,
    pub fiscal_tier: Option<i64>,
}

impl OrgCreateInput {
    pub fn org(&self) -> OrgInput {
        OrgInput {
            code: self.code.clone(),
            name_zh: self.name_zh.clone(),
            name_en: self.name_en.clone(),
            tier: self.tier.clone(),
            kind: self.kind.clone(),
            level: self.level.clone(),
            level_assigned_on: self.level_assigned_on.clone(),
            level_review_due: self.level_review_due.clone(),
            fiscal_tier: self.fiscal_tier,
        }
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MoveInput {
    pub parent_id: String,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct OrgOut {
    pub id: String,
    pub parent_id: Option<String>,
    pub path: String,
    pub depth: i64,
    pub code: Option<String>,
    pub name_zh: String,
    pub name_en: String,
    pub tier: String,
    pub kind: String,
    pub level: Option<String>,
    pub level_assigned_on: Option<String>,
    pub level_review_due: Option<String>,
    pub fiscal_tier: Option<i64>,
    pub active: bool,
}

impl From<Organisation> for OrgOut {
    fn from(o: Organisation) -> Self {
        OrgOut {
            id: o.id,
            parent_id: o.parent_id,
            path: o.path,
            depth: o.depth,
            code: o.code,
            name_zh: o.name_zh,
            name_en: o.name_en,
            tier: o.tier.as_str().into(),
            kind: o.kind.as_str().into(),
            level: o.level.map(|l| l.as_str().into()),
            level_assigned_on: o.level_assigned_on.map(|d| d.to_string()),
            level_review_due: o.level_review_due.map(|d| d.to_string()),
            fiscal_tier: o.fiscal_tier,
            active: o.active,
        }
    }
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct HistoryOut {
    pub at: String,
    pub actor_user_id: Option<String>,
    pub change: String,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
}

impl From<OrgHistoryRow> for HistoryOut {
    fn from(h: OrgHistoryRow) -> Self {
        HistoryOut {
            at: ts(h.at),
            actor_user_id: h.actor_user_id,
            change: h.change,
            old_value: h.old_value,
            new_value: h.new_value,
        }
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UserCreateInput {
    pub username: String,
    pub display_name: String,
    pub email: Option<String>,
    pub home_org_id: String,
    /// Temporary password; the user must change it at first login.
    pub password: String,
    pub locale: Option<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UserPatchInput {
    pub display_name: Option<String>,
    pub email: Option<String>,
    pub active: Option<bool>,
    pub locale: Option<String>,
    /// Clears a lockout after failed logins.
    pub unlock: Option<bool>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct UserOut {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub email: String,
    pub home_org_id: String,
    pub locale: String,
    pub active: bool,
    pub mfa_enabled: bool,
    pub must_change_password: bool,
    pub locked_until: Option<String>,
    pub created_at: String,
}

impl From<User> for UserOut {
    fn from(u: User) -> Self {
        UserOut {
            id: u.id,
            username: u.username,
            display_name: u.display_name,
            email: u.email,
            home_org_id: u.home_org_id,
            locale: u.locale,
            active: u.active,
            mfa_enabled: u.totp_enabled,
            must_change_password: u.must_change_password,
            locked_until: u.locked_until.map(ts),
            created_at: ts(u.created_at),
        }
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GrantInput {
    pub org_id: String,
    /// system_admin, ciso, committee_member, security_officer, it_staff,
    /// auditor, vendor, supervisor.
    pub role: String,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct AssignmentOut {
    pub id: String,
    pub user_id: String,
    pub org_id: String,
    pub org_name_zh: String,
    pub role: String,
    pub granted_at: String,
    pub deputy_for: Option<String>,
}

impl From<RoleAssignment> for AssignmentOut {
    fn from(a: RoleAssignment) -> Self {
        AssignmentOut {
            id: a.id,
            user_id: a.user_id,
            org_id: a.org_id,
            org_name_zh: a.org_name_zh,
            role: a.role.as_str().into(),
            granted_at: ts(a.granted_at),
            deputy_for: a.deputy_for,
        }
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeputyInput {
    pub principal_user_id: String,
    pub deputy_user_id: String,
    pub org_id: String,
    pub role: String,
    /// RFC 3339 or YYYY-MM-DD (Asia/Taipei midnight).
    pub starts_at: String,
    pub ends_at: String,
    pub reason: String,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct DeputyOut {
    pub id: String,
    pub principal_user_id: String,
    pub principal_name: String,
    pub deputy_user_id: String,
    pub deputy_name: String,
    pub org_id: String,
    pub org_name_zh: String,
    pub role: String,
    pub starts_at: String,
    pub ends_at: String,
    pub reason: String,
    pub active: bool,
    pub revoked: bool,
}

impl DeputyOut {
    pub fn new(d: Deputy, now: i64) -> DeputyOut {
        DeputyOut {
            active: d.is_active(now),
            revoked: d.revoked_at.is_some(),
            id: d.id,
            principal_user_id: d.principal_user_id,
            principal_name: d.principal_name,
            deputy_user_id: d.deputy_user_id,
            deputy_name: d.deputy_name,
            org_id: d.org_id,
            org_name_zh: d.org_name_zh,
            role: d.role.as_str().into(),
            starts_at: ts(d.starts_at),
            ends_at: ts(d.ends_at),
            reason: d.reason,
        }
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenInput {
    pub name: String,
    /// The token reaches this organisation's subtree only.
    pub org_id: String,
    /// A subset of the caller's permissions there, e.g. `org_read`.
    pub permissions: Vec<String>,
    pub expires_days: Option<i64>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct TokenOut {
    pub id: String,
    pub name: String,
    pub org_id: String,
    pub permissions: Vec<String>,
    pub created_at: String,
    pub expires_at: Option<String>,
    pub last_used_at: Option<String>,
    pub revoked: bool,
}

impl From<ApiToken> for TokenOut {
    fn from(t: ApiToken) -> Self {
        TokenOut {
            id: t.id,
            name: t.name,
            org_id: t.org_id,
            permissions: t
                .permissions
                .iter()
                .map(|p| p.as_str().to_string())
                .collect(),
            created_at: ts(t.created_at),
            expires_at: t.expires_at.map(ts),
            last_used_at: t.last_used_at.map(ts),
            revoked: t.revoked_at.is_some(),
        }
    }
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct NewTokenOut {
    pub token: TokenOut,
    /// Shown once; only a hash is stored.
    pub secret: String,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct AuditOut {
    pub seq: i64,
    pub at: String,
    pub actor_user_id: Option<String>,
    pub actor_token_id: Option<String>,
    pub org_id: Option<String>,
    pub action: String,
    pub target: Option<String>,
    pub details: serde_json::Value,
    pub ip: Option<String>,
    pub hash: String,
}

impl From<AuditEntry> for AuditOut {
    fn from(e: AuditEntry) -> Self {
        AuditOut {
            seq: e.seq,
            at: ts(e.at),
            actor_user_id: e.actor_user_id,
            actor_token_id: e.actor_token_id,
            org_id: e.org_id,
            action: e.action,
            target: e.target,
            details: serde_json::from_str(&e.details).unwrap_or(serde_json::Value::Null),
            ip: e.ip,
            hash: e.hash,
        }
    }
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct ShareOut {
    pub id: String,
    pub record_type: String,
    pub record_id: String,
    pub title: String,
    pub created_at: String,
}

impl From<ShareRow> for ShareOut {
    fn from(s: ShareRow) -> Self {
        ShareOut {
            id: s.id,
            record_type: s.record_type,
            record_id: s.record_id,
            title: s.title,
            created_at: ts(s.created_at),
        }
    }
}
