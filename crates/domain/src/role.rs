//! Roles and the permissions they carry. A role is always granted at an
//! organisation and applies to that organisation's whole subtree.

use serde::{Deserialize, Serialize};
use zian_i18n::msg;

use crate::DomainError;

/// What a caller may do. Checked by the application layer's authoriser, the
/// only place that turns roles into an [`crate::OrgScope`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Permission {
    /// See organisations and their dashboards.
    OrgRead,
    /// Create, edit, move and archive organisations.
    OrgWrite,
    /// See users and their roles.
    UserRead,
    /// Create and edit users, reset passwords.
    UserWrite,
    /// Grant and revoke roles, designate deputies.
    RoleGrant,
    /// Read the security audit trail.
    AuditRead,
    /// Write audit (稽核) records — used by the audit module.
    AuditRecordWrite,
    /// Read the records of the security programme (registers, plans…).
    RecordRead,
    /// Write those records.
    RecordWrite,
    /// Approve or return a submitted maintenance plan (資通安全長核定).
    PlanApprove,
    /// Approve, reject or revoke the override requests (免辦, changed
    /// frequency) of the organisations *below* the one where it is held: an
    /// organisation never decides its own.
    OverrideApprove,
    /// Issue threat notices to the organisations below and drive them
    /// through the response (威脅通報, seed 004's one channel for a threat):
    /// remind the laggards, close the notice.
    ThreatNoticeIssue,
}

impl Permission {
    pub const ALL: [Permission; 12] = [
        Permission::OrgRead,
        Permission::OrgWrite,
        Permission::UserRead,
        Permission::UserWrite,
        Permission::RoleGrant,
        Permission::AuditRead,
        Permission::AuditRecordWrite,
        Permission::RecordRead,
        Permission::RecordWrite,
        Permission::PlanApprove,
        Permission::OverrideApprove,
        Permission::ThreatNoticeIssue,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Permission::OrgRead => "org_read",
            Permission::OrgWrite => "org_write",
            Permission::UserRead => "user_read",
            Permission::UserWrite => "user_write",
            Permission::RoleGrant => "role_grant",
            Permission::AuditRead => "audit_read",
            Permission::AuditRecordWrite => "audit_record_write",
            Permission::RecordRead => "record_read",
            Permission::RecordWrite => "record_write",
            Permission::PlanApprove => "plan_approve",
            Permission::OverrideApprove => "override_approve",
            Permission::ThreatNoticeIssue => "threat_notice_issue",
        }
    }
    pub fn parse(s: &str) -> Result<Self, DomainError> {
        Self::ALL
            .into_iter()
            .find(|p| p.as_str() == s)
            .ok_or_else(|| DomainError::Invalid {
                field: "permission",
                reason: msg!("reason.unknown_value", value = s),
            })
    }
    /// Whether the permission changes data (used to keep read-only roles and
    /// read-only tokens read-only).
    pub fn is_write(self) -> bool {
        matches!(
            self,
            Permission::OrgWrite
                | Permission::UserWrite
                | Permission::RoleGrant
                | Permission::AuditRecordWrite
                | Permission::RecordWrite
                | Permission::PlanApprove
                | Permission::OverrideApprove
                | Permission::ThreatNoticeIssue
        )
    }
}

/// The roles of seed 003's security organisation plus the platform's own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 系統管理者
    SystemAdmin,
    /// 資通安全長
    Ciso,
    /// 資安推動小組成員
    CommitteeMember,
    /// 資安專責人員
    SecurityOfficer,
    /// 資訊人員
    ItStaff,
    /// 稽核人員 — reads everything in scope, writes audit records.
    Auditor,
    /// 委外廠商 — sees only records explicitly shared with it.
    Vendor,
    /// 上級督導 — roll-up of a subtree; decides the override requests of the
    /// organisations below it, issues threat notices to them, and writes
    /// nothing else.
    Supervisor,
}

impl Role {
    pub const ALL: [Role; 8] = [
        Role::SystemAdmin,
        Role::Ciso,
        Role::CommitteeMember,
        Role::SecurityOfficer,
        Role::ItStaff,
        Role::Auditor,
        Role::Vendor,
        Role::Supervisor,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Role::SystemAdmin => "system_admin",
            Role::Ciso => "ciso",
            Role::CommitteeMember => "committee_member",
            Role::SecurityOfficer => "security_officer",
            Role::ItStaff => "it_staff",
            Role::Auditor => "auditor",
            Role::Vendor => "vendor",
            Role::Supervisor => "supervisor",
        }
    }
    pub fn parse(s: &str) -> Result<Self, DomainError> {
        Self::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| DomainError::Invalid {
                field: "role",
                reason: msg!("reason.unknown_value", value = s),
            })
    }

    /// The permissions the role grants over the subtree it is assigned at.
    /// A vendor's scope is empty: it reaches only records shared with it.
    pub fn permissions(self) -> &'static [Permission] {
        use Permission::*;
        match self {
            Role::SystemAdmin => &[
                OrgRead,
                OrgWrite,
                UserRead,
                UserWrite,
                RoleGrant,
                AuditRead,
                RecordRead,
                RecordWrite,
            ],
            Role::Ciso => &[
                OrgRead,
                UserRead,
                UserWrite,
                RoleGrant,
                AuditRead,
                RecordRead,
                RecordWrite,
                PlanApprove,
                OverrideApprove,
                ThreatNoticeIssue,
            ],
            Role::SecurityOfficer => &[
                OrgRead,
                UserRead,
                RecordRead,
                RecordWrite,
                ThreatNoticeIssue,
            ],
            Role::CommitteeMember => &[OrgRead, UserRead, RecordRead],
            Role::ItStaff => &[OrgRead, RecordRead, RecordWrite],
            Role::Auditor => &[OrgRead, UserRead, AuditRead, AuditRecordWrite, RecordRead],
            // supervisors audit the organisations below them (分層稽核)
            // and drive them through a threat (威脅通報)
            Role::Supervisor => &[
                OrgRead,
                RecordRead,
                AuditRecordWrite,
                OverrideApprove,
                ThreatNoticeIssue,
            ],
            Role::Vendor => &[],
        }
    }

    pub fn grants(self, p: Permission) -> bool {
        self.permissions().contains(&p)
    }

    /// The offices that govern others: administering the platform and
    /// approving as CISO. A vendor account never holds one, own or
    /// deputised.
    pub fn is_governing(self) -> bool {
        matches!(self, Role::SystemAdmin | Role::Ciso)
    }

    /// Whether someone holding `held` (own and deputised roles) may receive
    /// `self` too: refused when it would give a vendor account a governing
    /// role, or a governing role's holder a vendor's.
    pub fn compatible_with(self, held: &[Role]) -> bool {
        let vendor = self == Role::Vendor || held.contains(&Role::Vendor);
        let governing = self.is_governing() || held.iter().any(|r| r.is_governing());
        !(vendor && governing)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_and_permission_has_a_name_in_the_catalogues() {
        let c = zian_i18n::catalogue();
        for p in Permission::ALL {
            assert!(c.has(&format!("perm.{}", p.as_str())), "{p:?}");
        }
        for r in Role::ALL {
            assert!(c.has(&format!("role.{}", r.as_str())), "{r:?}");
        }
    }

    #[test]
    fn read_only_roles_have_no_write_permission() {
        for r in [Role::CommitteeMember, Role::Vendor] {
            assert!(r.permissions().iter().all(|p| !p.is_write()), "{r:?}");
        }
        // the supervisor writes only audits of the organisations below it,
        // decisions on their requests and threat notices to them
        let w: Vec<_> = Role::Supervisor
            .permissions()
            .iter()
            .filter(|p| p.is_write())
            .collect();
        assert_eq!(
            w,
            vec![
                &Permission::AuditRecordWrite,
                &Permission::OverrideApprove,
                &Permission::ThreatNoticeIssue
            ]
        );
        // the auditor writes only audit records
        let w: Vec<_> = Role::Auditor
            .permissions()
            .iter()
            .filter(|p| p.is_write())
            .collect();
        assert_eq!(w, vec![&Permission::AuditRecordWrite]);
    }

    #[test]
    fn names_round_trip() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()).unwrap(), r);
        }
        for p in Permission::ALL {
            assert_eq!(Permission::parse(p.as_str()).unwrap(), p);
        }
        assert!(Role::parse("root").is_err());
    }

    #[test]
    fn vendors_never_govern() {
        assert!(!Role::SystemAdmin.compatible_with(&[Role::Vendor]));
        assert!(!Role::Ciso.compatible_with(&[Role::ItStaff, Role::Vendor]));
        assert!(!Role::Vendor.compatible_with(&[Role::Ciso]));
        assert!(Role::Vendor.compatible_with(&[Role::Vendor, Role::ItStaff]));
        assert!(Role::Ciso.compatible_with(&[Role::SystemAdmin]));
        assert!(Role::ItStaff.compatible_with(&[Role::Vendor]));
    }

    #[test]
    fn only_admins_write_the_tree() {
        let writers: Vec<_> = Role::ALL
            .into_iter()
            .filter(|r| r.grants(Permission::OrgWrite))
            .collect();
        assert_eq!(writers, vec![Role::SystemAdmin]);
    }
}
