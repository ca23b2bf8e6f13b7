//! Authorisation against stored organisations. The scopes come from
//! `zian_domain::authz` (the only place that builds them); here the checks
//! that need an organisation read first: [`App::org_with`] gives the
//! organisation when the caller holds a permission on it, and answers
//! `NotFound` when the caller cannot see it at all (so nothing leaks about
//! its existence) or `Forbidden` when it can see it but not act.

use zian_domain::{
    ListQuery, OrgId, OrgScope, Organisation, Permission, Principal, RequestMeta, Role,
    RoleAssignment, User,
};

use crate::{App, AppError, Result};

impl App {
    /// The organisation if the caller holds `perm` on it.
    pub async fn org_with(
        &self,
        p: &Principal,
        id: &OrgId,
        perm: Permission,
    ) -> Result<Organisation> {
        let org = self
            .stores
            .orgs
            .get(&p.scope(Permission::OrgRead), id)
            .await?
            .ok_or(AppError::NotFound)?;
        p.require(perm, &org.path)?;
        Ok(org)
    }

    /// Whether the caller holds `perm` on the organisation (for what the
    /// interface offers; the services check again when acting).
    pub fn can(&self, p: &Principal, perm: Permission, org: &Organisation) -> bool {
        p.can(perm, &org.path)
    }
}

impl App {
    /// The operator at the server's shell (the `zian` command): a system
    /// administrator of the whole tree, whose actions are audited with the
    /// actor `cli`. `None` while the tree is empty.
    pub async fn operator(&self) -> Result<Option<Principal>> {
        let root = self
            .stores
            .orgs
            .list(&OrgScope::system_wide(), &ListQuery::all(1))
            .await?
            .items
            .into_iter()
            .next();
        Ok(root.map(|root| Principal {
            user: User {
                id: "cli".into(),
                username: "cli".into(),
                display_name: "命令列操作者".into(),
                email: String::new(),
                home_org_id: root.id.clone(),
                locale: "zh-TW".into(),
                active: true,
                totp_enabled: false,
                must_change_password: false,
                password_changed_at: 0,
                locked_until: None,
                created_at: 0,
            },
            assignments: vec![RoleAssignment {
                id: "cli".into(),
                user_id: "cli".into(),
                org_id: root.id.clone(),
                org_path: root.path.clone(),
                org_name_zh: root.name_zh.clone(),
                role: Role::SystemAdmin,
                granted_by: None,
                granted_at: 0,
                deputy_for: None,
            }],
            token: None,
            meta: RequestMeta {
                ip: Some("cli".into()),
                user_agent: None,
            },
        }))
    }
}
