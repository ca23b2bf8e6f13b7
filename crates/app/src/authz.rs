//! Authorisation — decided here and nowhere else.
//!
//! A [`Principal`] is an authenticated caller with its effective role
//! assignments (own roles plus roles held as an active deputy). For each
//! permission, [`Principal::scope`] gives the organisation subtrees where the
//! caller holds a role granting it; an API token narrows that to its own
//! subtree and permission list. Services pass the scope to every storage query,
//! so data outside it is neither read nor written.

use serde::Serialize;
use zian_domain::audit::AuditEvent;
use zian_domain::{OrgScope, Permission, Role, RoleAssignment, User};

use crate::{AppError, RequestMeta, Result};

/// Restrictions carried by an API token.
#[derive(Debug, Clone, Serialize)]
pub struct TokenGrant {
    pub token_id: String,
    pub org_path: String,
    pub permissions: Vec<Permission>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Principal {
    pub user: User,
    pub assignments: Vec<RoleAssignment>,
    pub token: Option<TokenGrant>,
    #[serde(skip)]
    pub meta: RequestMeta,
}

impl Principal {
    /// The subtrees where the caller holds `p`.
    pub fn scope(&self, p: Permission) -> OrgScope {
        let own = OrgScope::from_roots(
            self.assignments
                .iter()
                .filter(|a| a.role.grants(p))
                .map(|a| a.org_path.clone()),
        );
        match &self.token {
            None => own,
            Some(t) if t.permissions.contains(&p) => {
                own.intersect(&OrgScope::from_roots([t.org_path.clone()]))
            }
            Some(_) => OrgScope::empty(),
        }
    }

    /// Fails with `NotFound` unless the organisation at `path` is within the
    /// caller's scope for `p` — or `Forbidden` when the caller can at least
    /// read it (so nothing leaks about organisations it cannot see).
    pub fn require(&self, p: Permission, org_path: &str) -> Result<()> {
        if self.scope(p).contains(org_path) {
            return Ok(());
        }
        if self.scope(Permission::OrgRead).contains(org_path) {
            Err(AppError::Forbidden)
        } else {
            Err(AppError::NotFound)
        }
    }

    /// Whether the caller may grant `role` at the organisation at `org_path`:
    /// it needs RoleGrant there and must itself hold every permission the role
    /// carries (no escalation) — except for two permissions that belong to
    /// an office rather than to administration: writing audit records may be
    /// delegated by those who read the audit trail there (a CISO designating
    /// internal auditors), and approving maintenance plans by those who
    /// maintain the records there (an administrator appointing the CISO).
    pub fn may_grant(&self, role: Role, org_path: &str) -> bool {
        self.scope(Permission::RoleGrant).contains(org_path)
            && role.permissions().iter().all(|perm| {
                self.scope(*perm).contains(org_path)
                    || (*perm == Permission::AuditRecordWrite
                        && self.scope(Permission::AuditRead).contains(org_path))
                    || (*perm == Permission::PlanApprove
                        && self.scope(Permission::RecordWrite).contains(org_path))
            })
    }

    pub fn has_role(&self, r: Role) -> bool {
        self.assignments.iter().any(|a| a.role == r)
    }

    /// Distinct roles held, for display and MFA rules.
    pub fn roles(&self) -> Vec<Role> {
        let mut v: Vec<Role> = self.assignments.iter().map(|a| a.role).collect();
        v.sort();
        v.dedup();
        v
    }

    /// Whether the caller is a vendor and nothing else.
    pub fn is_vendor_only(&self) -> bool {
        !self.assignments.is_empty() && self.assignments.iter().all(|a| a.role == Role::Vendor)
    }

    /// An audit event attributed to this caller.
    pub fn event(&self, action: &str, org_id: Option<&str>, target: Option<&str>) -> AuditEvent {
        let mut e = AuditEvent::new(action);
        e.actor_user_id = Some(self.user.id.clone());
        e.actor_token_id = self.token.as_ref().map(|t| t.token_id.clone());
        e.org_id = Some(org_id.unwrap_or(&self.user.home_org_id).to_string());
        e.target = target.map(str::to_string);
        e.ip.clone_from(&self.meta.ip);
        e
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user() -> User {
        User {
            id: "u".into(),
            username: "u".into(),
            display_name: "u".into(),
            email: String::new(),
            home_org_id: "a".into(),
            locale: "zh-TW".into(),
            active: true,
            totp_enabled: false,
            must_change_password: false,
            password_changed_at: 0,
            locked_until: None,
            created_at: 0,
        }
    }

    fn assign(role: Role, path: &str) -> RoleAssignment {
        RoleAssignment {
            id: path.into(),
            user_id: "u".into(),
            org_id: path.into(),
            org_path: path.into(),
            org_name_zh: String::new(),
            role,
            granted_by: None,
            granted_at: 0,
            deputy_for: None,
        }
    }

    #[test]
    fn scope_follows_roles_and_tokens_narrow_it() {
        let mut p = Principal {
            user: user(),
            assignments: vec![
                assign(Role::Supervisor, "/n/h/"),
                assign(Role::SecurityOfficer, "/n/h/c/a/"),
            ],
            token: None,
            meta: RequestMeta::default(),
        };
        assert_eq!(p.scope(Permission::OrgRead).roots(), &["/n/h/".to_string()]);
        assert_eq!(
            p.scope(Permission::RecordWrite).roots(),
            &["/n/h/c/a/".to_string()]
        );
        assert!(p.scope(Permission::OrgWrite).is_empty());
        assert!(matches!(
            p.require(Permission::RecordWrite, "/n/h/c/b/"),
            Err(AppError::Forbidden)
        ));
        assert!(matches!(
            p.require(Permission::OrgRead, "/n/x/"),
            Err(AppError::NotFound)
        ));

        p.token = Some(TokenGrant {
            token_id: "t".into(),
            org_path: "/n/h/c/".into(),
            permissions: vec![Permission::OrgRead],
        });
        assert_eq!(
            p.scope(Permission::OrgRead).roots(),
            &["/n/h/c/".to_string()]
        );
        assert!(p.scope(Permission::RecordWrite).is_empty());
    }

    #[test]
    fn vendors_reach_no_organisation() {
        let p = Principal {
            user: user(),
            assignments: vec![assign(Role::Vendor, "/n/")],
            token: None,
            meta: RequestMeta::default(),
        };
        for perm in Permission::ALL {
            assert!(p.scope(perm).is_empty(), "{perm:?}");
        }
        assert!(p.is_vendor_only());
    }
}
