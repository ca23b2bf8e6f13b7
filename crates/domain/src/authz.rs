//! Authorisation — the one place where a caller's roles become the
//! organisation scopes that every storage query takes.
//!
//! A [`Principal`] is an authenticated caller with its effective role
//! assignments (own roles plus roles held as an active deputy). For each
//! permission, [`Principal::scope`] gives the organisation subtrees where the
//! caller holds a role granting it; an API token narrows that to its own
//! subtree and permission list; a vendor's scope is empty (it reaches only
//! records shared with it). This module is pure: the application layer's
//! `authz` adds the checks that need stored organisations.

use serde::Serialize;

use crate::audit::AuditEvent;
use crate::{OrgScope, Permission, Role, RoleAssignment, User};

/// Where a request came from; recorded in the audit trail.
#[derive(Debug, Clone, Default)]
pub struct RequestMeta {
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

/// Restrictions carried by an API token.
#[derive(Debug, Clone, Serialize)]
pub struct TokenGrant {
    pub token_id: String,
    pub org_path: String,
    pub permissions: Vec<Permission>,
}

/// Why a caller may not act on an organisation: it cannot see it at all
/// (answered as "not found", so nothing leaks about its existence), or it can
/// see it but lacks the permission.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Denied {
    NotFound,
    Forbidden,
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

    /// Whether the caller holds `p` on the organisation at `org_path` (what
    /// the interface shows as possible).
    pub fn can(&self, p: Permission, org_path: &str) -> bool {
        self.scope(p).contains(org_path)
    }

    /// Whether the caller holds `p` through a role granted strictly above the
    /// organisation at `org_path` (at its supervising organisation or
    /// higher), as deciding an organisation's own requests takes: a role held
    /// at the organisation itself, or a token narrowed to it, does not count.
    pub fn can_above(&self, p: Permission, org_path: &str) -> bool {
        self.scope(p)
            .roots()
            .iter()
            .any(|r| r.len() < org_path.len() && org_path.starts_with(r.as_str()))
    }

    /// `Ok` when the caller holds `p` on the organisation at `org_path`;
    /// otherwise `Forbidden` when it can at least read it, `NotFound` when not.
    pub fn require(&self, p: Permission, org_path: &str) -> Result<(), Denied> {
        if self.can(p, org_path) {
            Ok(())
        } else if self.can(Permission::OrgRead, org_path) {
            Err(Denied::Forbidden)
        } else {
            Err(Denied::NotFound)
        }
    }

    /// The subtrees where the caller holds any role at all (to find the
    /// deputyships the caller is part of, which people always see).
    pub fn any_role_scope(&self) -> OrgScope {
        if self.token.is_some() {
            return OrgScope::empty();
        }
        OrgScope::from_roots(self.assignments.iter().map(|a| a.org_path.clone()))
    }

    /// The scope in which the caller may end a deputyship designated for
    /// itself: the deputyship's organisation, when the caller is its
    /// principal (signed in, not through a token).
    pub fn own_deputyship_scope(&self, principal_user_id: &str, org_path: &str) -> OrgScope {
        if self.token.is_none() && self.user.id == principal_user_id {
            OrgScope::from_roots([org_path.to_string()])
        } else {
            OrgScope::empty()
        }
    }

    /// Whether the caller may grant `role` at the organisation at `org_path`:
    /// it needs RoleGrant there and must itself hold every permission the role
    /// carries (no escalation) — except for two permissions that belong to
    /// an office rather than to administration: writing audit records may be
    /// delegated by those who read the audit trail there (a CISO designating
    /// internal auditors), and approving maintenance plans, deciding the
    /// override requests below or issuing threat notices by those who
    /// maintain the records there (an administrator appointing the CISO or
    /// a supervisor).
    pub fn may_grant(&self, role: Role, org_path: &str) -> bool {
        self.can(Permission::RoleGrant, org_path)
            && role.permissions().iter().all(|perm| {
                self.can(*perm, org_path)
                    || (*perm == Permission::AuditRecordWrite
                        && self.can(Permission::AuditRead, org_path))
                    || (matches!(
                        *perm,
                        Permission::PlanApprove
                            | Permission::OverrideApprove
                            | Permission::ThreatNoticeIssue
                    ) && self.can(Permission::RecordWrite, org_path))
            })
    }

    /// Whether the caller may administer a user (reset the password, edit,
    /// deactivate or unlock the account, remove a role, end the user's
    /// sessions and tokens): it needs UserWrite at the user's home
    /// organisation (`home_org_path`) and must be able to grant every role the
    /// user holds, own or deputised, where it is held (`held`). Rights over
    /// a user thus cover all of the user's power: nobody takes over an
    /// account stronger than their own through a weaker role it also holds.
    pub fn may_administer(&self, home_org_path: &str, held: &[RoleAssignment]) -> bool {
        self.can(Permission::UserWrite, home_org_path)
            && held.iter().all(|a| self.may_grant(a.role, &a.org_path))
    }

    /// Whether the caller acts for itself in person (a session), as managing
    /// one's own account requires: an API token carries organisation
    /// permissions only, none over the account it belongs to (sessions,
    /// language, password, tokens).
    pub fn require_in_person(&self) -> Result<(), Denied> {
        if self.token.is_some() {
            Err(Denied::Forbidden)
        } else {
            Ok(())
        }
    }

    pub fn has_role(&self, r: Role) -> bool {
        self.assignments.iter().any(|a| a.role == r)
    }

    /// Whether the caller holds `r` itself (not as someone's deputy).
    pub fn has_own_role(&self, r: Role) -> bool {
        self.assignments
            .iter()
            .any(|a| a.role == r && a.deputy_for.is_none())
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

    /// The scope a vendor reads one record shared with it in: the subtree
    /// of the organisation that shared it (`org_path`), for a caller who
    /// holds the vendor role; an API token must carry `record_read` and
    /// reach that organisation. The caller looks the share up by its own
    /// user id and reads the shared record alone in this scope.
    pub fn share_scope(&self, org_path: &str) -> OrgScope {
        if !self.assignments.iter().any(|a| a.role == Role::Vendor) {
            return OrgScope::empty();
        }
        match &self.token {
            Some(t)
                if !t.permissions.contains(&Permission::RecordRead)
                    || !org_path.starts_with(t.org_path.as_str()) =>
            {
                OrgScope::empty()
            }
            _ => OrgScope::from_roots([org_path.to_string()]),
        }
    }

    /// An audit event attributed to this caller.
    pub fn event(&self, action: &str, org_id: Option<&str>, target: Option<&str>) -> AuditEvent {
        let mut e = AuditEvent::new(action);
        e.actor_user_id = Some(self.user.id.to_string());
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
        assert_eq!(
            p.require(Permission::RecordWrite, "/n/h/c/b/"),
            Err(Denied::Forbidden)
        );
        assert_eq!(
            p.require(Permission::OrgRead, "/n/x/"),
            Err(Denied::NotFound)
        );
        assert!(p.can(Permission::RecordWrite, "/n/h/c/a/u/"));
        assert_eq!(
            p.own_deputyship_scope("u", "/n/h/c/a/").roots(),
            &["/n/h/c/a/".to_string()]
        );
        assert!(p.own_deputyship_scope("someone-else", "/n/h/").is_empty());

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
        assert!(p.any_role_scope().is_empty());
        assert!(p.own_deputyship_scope("u", "/n/h/").is_empty());
    }

    #[test]
    fn decisions_from_above_need_a_role_strictly_above() {
        let mut p = Principal {
            user: user(),
            assignments: vec![
                assign(Role::Supervisor, "/n/h/"),
                assign(Role::Ciso, "/n/x/a/"),
            ],
            token: None,
            meta: RequestMeta::default(),
        };
        let perm = Permission::OverrideApprove;
        assert!(p.can_above(perm, "/n/h/c/"));
        assert!(p.can_above(perm, "/n/h/c/a/"));
        // not the organisation where the role is held, not outside it
        assert!(!p.can_above(perm, "/n/h/"));
        assert!(!p.can_above(perm, "/n/"));
        assert!(!p.can_above(perm, "/n/hh/c/"));
        // a CISO decides below the agency, never for the agency itself
        assert!(!p.can_above(perm, "/n/x/a/"));
        assert!(p.can_above(perm, "/n/x/a/u/"));
        // a token narrowed to the agency is the agency
        p.token = Some(TokenGrant {
            token_id: "t".into(),
            org_path: "/n/h/c/".into(),
            permissions: vec![perm],
        });
        assert!(!p.can_above(perm, "/n/h/c/"));
        assert!(p.can_above(perm, "/n/h/c/a/"));
    }

    #[test]
    fn administering_a_user_needs_rights_over_every_role_and_the_home() {
        // a CISO of agency a
        let ciso = Principal {
            user: user(),
            assignments: vec![assign(Role::Ciso, "/n/a/")],
            token: None,
            meta: RequestMeta::default(),
        };
        // a member of the agency's committee
        let member = [assign(Role::CommitteeMember, "/n/a/")];
        assert!(ciso.may_administer("/n/a/", &member));
        // the same user, also a system administrator at the root
        let admin_too = [
            assign(Role::SystemAdmin, "/n/"),
            assign(Role::CommitteeMember, "/n/a/"),
        ];
        assert!(!ciso.may_administer("/n/a/", &admin_too));
        // a user at home elsewhere holding a role in the agency
        assert!(!ciso.may_administer("/n/b/", &member));
        // a deputised role counts like an own one
        let mut deputised = assign(Role::SystemAdmin, "/n/a/");
        deputised.deputy_for = Some("someone".into());
        assert!(!ciso.may_administer("/n/a/", &[deputised]));
        // system administrator elsewhere plus CISO in the agency: the agency's
        // people yes, a root administrator no
        let mixed = Principal {
            assignments: vec![
                assign(Role::SystemAdmin, "/n/b/"),
                assign(Role::Ciso, "/n/a/"),
            ],
            ..ciso.clone()
        };
        assert!(mixed.may_administer("/n/a/", &member));
        assert!(!mixed.may_administer("/n/a/", &admin_too));
        // the root administrator administers them all
        let root = Principal {
            assignments: vec![assign(Role::SystemAdmin, "/n/")],
            ..ciso.clone()
        };
        assert!(root.may_administer("/n/a/", &admin_too));
        assert!(root.require_in_person().is_ok());
        let token = Principal {
            token: Some(TokenGrant {
                token_id: "t".into(),
                org_path: "/n/".into(),
                permissions: Permission::ALL.to_vec(),
            }),
            ..root
        };
        assert_eq!(token.require_in_person(), Err(Denied::Forbidden));
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

    #[test]
    fn a_share_opens_its_organisation_to_a_vendor_alone() {
        let vendor = Principal {
            user: user(),
            assignments: vec![assign(Role::Vendor, "/n/a/")],
            token: None,
            meta: RequestMeta::default(),
        };
        assert_eq!(vendor.share_scope("/n/b/").roots(), ["/n/b/".to_string()]);
        // someone else's role never reads through a share
        let officer = Principal {
            assignments: vec![assign(Role::SecurityOfficer, "/n/")],
            ..vendor.clone()
        };
        assert!(officer.share_scope("/n/b/").is_empty());
        // a token must read records and reach the organisation
        let token = |perms: Vec<Permission>, path: &str| Principal {
            token: Some(TokenGrant {
                token_id: "t".into(),
                org_path: path.into(),
                permissions: perms,
            }),
            ..vendor.clone()
        };
        assert!(
            !token(vec![Permission::RecordRead], "/n/")
                .share_scope("/n/b/")
                .is_empty()
        );
        assert!(
            token(vec![Permission::OrgRead], "/n/")
                .share_scope("/n/b/")
                .is_empty()
        );
        assert!(
            token(vec![Permission::RecordRead], "/n/a/")
                .share_scope("/n/b/")
                .is_empty()
        );
    }
}
