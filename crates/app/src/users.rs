//! Users, role grants and deputies.

use zian_domain::user::{validate_display_name, validate_email, validate_username};
use zian_domain::{Deputy, Permission, Role, RoleAssignment, User};
use zian_storage::{ListQuery, NewUser, Page, ShareRow, UserPatch};

use crate::auth::hash_password;
use crate::{App, AppError, Principal, Result};

/// Input for a new user.
#[derive(Debug, Clone)]
pub struct NewUserInput {
    pub username: String,
    pub display_name: String,
    pub email: String,
    pub home_org_id: String,
    pub password: String,
    pub locale: Option<String>,
}

impl App {
    pub async fn list_users(&self, p: &Principal, q: &ListQuery) -> Result<Page<User>> {
        Ok(self
            .store
            .list_users(&p.scope(Permission::UserRead), q)
            .await?)
    }

    pub async fn get_user(&self, p: &Principal, id: &str) -> Result<User> {
        if id == p.user.id {
            return Ok(p.user.clone());
        }
        self.store
            .get_user(&p.scope(Permission::UserRead), id)
            .await?
            .ok_or(AppError::NotFound)
    }

    /// Creates a user whose home organisation is in the caller's write scope.
    /// The password must meet the policy; the user must change it at first
    /// login.
    pub async fn create_user(&self, p: &Principal, input: NewUserInput) -> Result<User> {
        let org = self.get_org(p, &input.home_org_id).await?;
        p.require(Permission::UserWrite, &org.path)?;
        let username = validate_username(&input.username)?;
        let display_name = validate_display_name(&input.display_name)?;
        let email = validate_email(&input.email)?;
        let v = self.cfg.password.check(&input.password, &username);
        if !v.is_empty() {
            return Err(AppError::PasswordPolicy(v));
        }
        let locale = match input.locale.as_deref() {
            None | Some("") | Some("zh-TW") => "zh-TW",
            Some("en") => "en",
            Some(_) => return Err(AppError::invalid("locale", "zh-TW or en")),
        };
        let id = self.ids.new_id();
        let mut e = p.event("user.created", Some(&org.id), Some(&id));
        e.details = serde_json::json!({"username": username});
        self.store
            .insert_user(
                &NewUser {
                    id: id.clone(),
                    username,
                    display_name,
                    email,
                    home_org_id: org.id.clone(),
                    password_hash: hash_password(&input.password)?,
                    must_change_password: true,
                    locale: locale.to_string(),
                    now: self.now(),
                },
                e,
            )
            .await?;
        self.get_user(p, &id).await
    }

    /// Whether the caller may edit the user (for showing edit controls).
    pub async fn can_write_user(&self, p: &Principal, id: &str) -> Result<bool> {
        Ok(self
            .store
            .get_user(&p.scope(Permission::UserWrite), id)
            .await?
            .is_some())
    }

    pub async fn update_user(&self, p: &Principal, id: &str, mut patch: UserPatch) -> Result<User> {
        let u = self.get_user(p, id).await?;
        let wscope = p.scope(Permission::UserWrite);
        if self.store.get_user(&wscope, id).await?.is_none() {
            return Err(AppError::Forbidden);
        }
        if let Some(n) = &patch.display_name {
            patch.display_name = Some(validate_display_name(n)?);
        }
        if let Some(m) = &patch.email {
            patch.email = Some(validate_email(m)?);
        }
        if let Some(l) = &patch.locale
            && l != "zh-TW"
            && l != "en"
        {
            return Err(AppError::invalid("locale", "zh-TW or en"));
        }
        if patch.active == Some(false) && u.id == p.user.id {
            return Err(AppError::invalid(
                "active",
                "you cannot deactivate yourself",
            ));
        }
        let action = match (patch.active, patch.unlock) {
            (Some(false), _) => "user.deactivated",
            (Some(true), _) if !u.active => "user.activated",
            (_, true) => "user.unlocked",
            _ => "user.updated",
        };
        let e = p.event(action, Some(&u.home_org_id), Some(&u.id));
        self.store
            .update_user(&wscope, id, &patch, self.now(), e)
            .await?;
        self.get_user(p, id).await
    }

    pub async fn list_assignments(
        &self,
        p: &Principal,
        user_id: &str,
    ) -> Result<Vec<RoleAssignment>> {
        let u = self.get_user(p, user_id).await?;
        if u.id == p.user.id {
            return Ok(p
                .assignments
                .iter()
                .filter(|a| a.deputy_for.is_none())
                .cloned()
                .collect());
        }
        Ok(self
            .store
            .list_assignments(&p.scope(Permission::UserRead), &u.id)
            .await?)
    }

    /// Grants `role` at `org_id`. The caller needs RoleGrant there and may only
    /// grant roles whose permissions it holds there itself (no escalation).
    pub async fn grant_role(
        &self,
        p: &Principal,
        user_id: &str,
        org_id: &str,
        role: Role,
    ) -> Result<RoleAssignment> {
        let org = self.get_org(p, org_id).await?;
        p.require(Permission::RoleGrant, &org.path)?;
        if !p.may_grant(role, &org.path) {
            return Err(AppError::Forbidden);
        }
        let u = self.get_user(p, user_id).await?;
        let id = self.ids.new_id();
        let mut e = p.event("role.granted", Some(&org.id), Some(&u.id));
        e.details = serde_json::json!({"role": role.as_str(), "org_id": org.id});
        self.store
            .grant_role(&id, &u.id, &org.id, role, &p.user.id, self.now(), e)
            .await?;
        self.store
            .list_assignments(&p.scope(Permission::UserRead), &u.id)
            .await?
            .into_iter()
            .find(|a| a.id == id)
            .ok_or(AppError::NotFound)
    }

    pub async fn revoke_role(&self, p: &Principal, assignment_id: &str) -> Result<()> {
        let scope = p.scope(Permission::RoleGrant);
        let mut e = p.event("role.revoked", None, Some(assignment_id));
        e.details = serde_json::json!({"assignment_id": assignment_id});
        if self
            .store
            .revoke_role(&scope, assignment_id, &p.user.id, self.now(), e)
            .await?
        {
            Ok(())
        } else {
            Err(AppError::NotFound)
        }
    }

    pub async fn list_deputies(&self, p: &Principal) -> Result<Vec<Deputy>> {
        let mut v = self
            .store
            .list_deputies(&p.scope(Permission::UserRead))
            .await?;
        // people always see the deputyships they are part of
        let own = self
            .store
            .list_deputies(&zian_domain::OrgScope::from_roots(
                p.assignments.iter().map(|a| a.org_path.clone()),
            ))
            .await?;
        for d in own {
            if (d.principal_user_id == p.user.id || d.deputy_user_id == p.user.id)
                && !v.iter().any(|x| x.id == d.id)
            {
                v.push(d);
            }
        }
        Ok(v)
    }

    /// Designates a deputy (職務代理人) for a role holder at an organisation
    /// for a period. Allowed to the role holder themself or to anyone who may
    /// grant roles there.
    #[allow(clippy::too_many_arguments)]
    pub async fn create_deputy(
        &self,
        p: &Principal,
        principal_user_id: &str,
        deputy_user_id: &str,
        org_id: &str,
        role: Role,
        starts_at: i64,
        ends_at: i64,
        reason: &str,
    ) -> Result<Deputy> {
        let org = self.get_org(p, org_id).await?;
        let holder = self
            .store
            .system_assignments(principal_user_id, self.now())
            .await?
            .into_iter()
            .any(|a| a.deputy_for.is_none() && a.org_id == org.id && a.role == role);
        if !holder {
            return Err(AppError::invalid(
                "role",
                "the principal does not hold that role at that organisation",
            ));
        }
        let is_self = principal_user_id == p.user.id && p.token.is_none();
        if !is_self {
            p.require(Permission::RoleGrant, &org.path)?;
        }
        if principal_user_id == deputy_user_id {
            return Err(AppError::invalid(
                "deputy_user_id",
                "a person cannot deputise for themself",
            ));
        }
        // the deputy must be someone the caller can see, whoever designates
        if self
            .store
            .get_user(&p.scope(Permission::OrgRead), deputy_user_id)
            .await?
            .is_none()
        {
            return Err(AppError::NotFound);
        }
        let deputy = self
            .store
            .system_user_by_id(deputy_user_id)
            .await?
            .ok_or(AppError::NotFound)?;
        if ends_at <= starts_at {
            return Err(AppError::invalid("ends_at", "must be after the start"));
        }
        if ends_at - starts_at > 366 * 86_400 {
            return Err(AppError::invalid(
                "ends_at",
                "a deputyship lasts at most one year",
            ));
        }
        let reason = reason.trim();
        if reason.is_empty() || reason.chars().count() > 500 {
            return Err(AppError::invalid(
                "reason",
                "required, at most 500 characters",
            ));
        }
        let principal = self
            .store
            .system_user_by_id(principal_user_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let d = Deputy {
            id: self.ids.new_id(),
            principal_user_id: principal.user.id.clone(),
            principal_name: principal.user.display_name.clone(),
            deputy_user_id: deputy.user.id.clone(),
            deputy_name: deputy.user.display_name.clone(),
            org_id: org.id.clone(),
            org_name_zh: org.name_zh.clone(),
            role,
            starts_at,
            ends_at,
            reason: reason.to_string(),
            created_by: Some(p.user.id.clone()),
            revoked_at: None,
        };
        let mut e = p.event("deputy.created", Some(&org.id), Some(&d.id));
        e.details = serde_json::json!({"principal": d.principal_user_id, "deputy": d.deputy_user_id, "role": role.as_str(), "starts_at": starts_at, "ends_at": ends_at});
        self.store.insert_deputy(&d, self.now(), e).await?;
        Ok(d)
    }

    pub async fn revoke_deputy(&self, p: &Principal, id: &str) -> Result<()> {
        let own = self
            .list_deputies(p)
            .await?
            .into_iter()
            .find(|d| d.id == id && d.principal_user_id == p.user.id && p.token.is_none());
        let scope = match own {
            Some(d) => {
                let org = self
                    .store
                    .system_org(&d.org_id)
                    .await?
                    .ok_or(AppError::NotFound)?;
                zian_domain::OrgScope::from_roots([org.path])
            }
            None => p.scope(Permission::RoleGrant),
        };
        if self
            .store
            .revoke_deputy(
                &scope,
                id,
                self.now(),
                p.event("deputy.revoked", None, Some(id)),
            )
            .await?
        {
            Ok(())
        } else {
            Err(AppError::NotFound)
        }
    }

    /// Records explicitly shared with the caller (vendors).
    pub async fn shared_with_me(&self, p: &Principal) -> Result<Vec<ShareRow>> {
        Ok(self.store.list_shares_for_vendor(&p.user.id).await?)
    }
}
