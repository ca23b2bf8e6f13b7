//! Who receives reminders: the holders of given roles in scope, with the
//! path of the organisation each role was granted at (a role covers that
//! organisation's subtree).

use serde::Serialize;
use zian_domain::OrgScope;

use crate::db::{s, scope_sql};
use crate::{Result, SqlStore};

/// An active user holding a role at an organisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RoleHolder {
    pub user_id: String,
    pub username: String,
    pub display_name: String,
    pub email: String,
    pub role: String,
    pub org_id: String,
    pub org_path: String,
}

impl SqlStore {
    pub(crate) async fn list_role_holders_impl(
        &self,
        scope: &OrgScope,
        roles: &[&str],
    ) -> Result<Vec<RoleHolder>> {
        if roles.is_empty() {
            return Ok(Vec::new());
        }
        let (cond, mut binds) = scope_sql(scope, "o.path", 1);
        let mut placeholders = Vec::new();
        for r in roles {
            binds.push((*r).to_string());
            placeholders.push(format!("${}", binds.len()));
        }
        let sql = format!(
            "SELECT u.id AS user_id, u.username, u.display_name, u.email, ra.role, o.id AS org_id, o.path AS org_path
             FROM role_assignments ra JOIN users u ON u.id = ra.user_id JOIN orgs o ON o.id = ra.org_id
             WHERE {cond} AND ra.revoked_at IS NULL AND u.active = 1 AND ra.role IN ({})
             ORDER BY o.path, ra.role, u.username LIMIT 20000",
            placeholders.join(", ")
        );
        let mut q = sqlx::query(&sql);
        for b in binds {
            q = q.bind(b);
        }
        q.fetch_all(&self.pool)
            .await?
            .iter()
            .map(|r| {
                Ok(RoleHolder {
                    user_id: s(r, "user_id")?,
                    username: s(r, "username")?,
                    display_name: s(r, "display_name")?,
                    email: s(r, "email")?,
                    role: s(r, "role")?,
                    org_id: s(r, "org_id")?,
                    org_path: s(r, "org_path")?,
                })
            })
            .collect()
    }
}
