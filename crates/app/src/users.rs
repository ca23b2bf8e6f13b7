//! Users, role grants and deputies (職務代理人).

use zian_domain::user::{
    NewUser, UserPatch, validate_display_name, validate_email, validate_username,
};
use zian_domain::{
    Deputy, ListQuery, OrgId, Page, Permission, Principal, Role, RoleAssignment, User, UserId,
};
use zian_i18n::msg;
use zian_storage::NewAssignment;

use crate::auth::hash_password;
use crate::{App, AppError, Result};

/// Input for a new user.
#[derive(Debug, Clone)]
pub struct NewUserInput {
    pub username: String,
    pub display_name: String,
    pub email: String,
    pub home_org_id: OrgId,
    pub password: String,
    pub locale: Option<String>,
}

/// A deputyship to designate.
#[derive(Debug, Clone)]
pub struct DeputyInput {
    pub principal_user_id: UserId,
    pub deputy_user_id: UserId,
    pub org_id: OrgId,
    pub role: Role,
    pub starts_at: i64,
    pub ends_at: i64,
    pub reason: String,
}

fn locale(l: Option<&str>) -> Result<&'static str> {
    match l.map(str::trim) {
        None | Some("") | Some("zh-TW") => Ok("zh-TW"),
        Some("en") => Ok("en"),
        Some(_) => Err(AppError::invalid(
            "locale",
            msg!("reason.one_of", values = "zh-TW, en"),
        )),
    }
}

impl App {
    pub async fn list_users(&self, p: &Principal, q: &ListQuery) -> Result<Page<User>> {
        Ok(self
            .stores
            .people
            .list_users(&p.scope(Permission::UserRead), q)
            .await?)
    }

    pub async fn get_user(&self, p: &Principal, id: &UserId) -> Result<User> {
        if *id == p.user.id {
            return Ok(p.user.clone());
        }
        self.stores
            .people
            .get_user(&p.scope(Permission::UserRead), id)
            .await?
            .ok_or(AppError::NotFound)
    }

    /// Creates a user whose home organisation is in the caller's write scope.
    /// The password must meet the policy; the user must change it at first
    /// login.
    pub async fn create_user(&self, p: &Principal, input: NewUserInput) -> Result<User> {
        let org = self
            .org_with(p, &input.home_org_id, Permission::UserWrite)
            .await?;
        let username = validate_username(&input.username)?;
        let display_name = validate_display_name(&input.display_name)?;
        let email = validate_email(&input.email)?;
        let v = self.cfg.password.check(&input.password, &username);
        if !v.is_empty() {
            return Err(AppError::PasswordPolicy(v));
        }
        let locale = locale(input.locale.as_deref())?;
        let id = UserId::new(self.ids.new_id());
        let mut e = p.event("user.created", Some(&org.id), Some(&id));
        e.details = serde_json::json!({"username": username});
        let user = NewUser {
            id: id.clone(),
            username,
            display_name,
            email,
            home_org_id: org.id.clone(),
            password_hash: hash_password(&input.password)?,
            must_change_password: true,
            locale: locale.to_string(),
            now: self.now(),
        };
        self.stores
            .people
            .insert_user(&p.scope(Permission::UserWrite), &user, e)
            .await?;
        self.get_user(p, &id).await
    }

    /// Whether the caller may administer the user (for showing edit
    /// controls): rights over the user's home and every role the user holds.
    pub async fn can_write_user(&self, p: &Principal, id: &UserId) -> Result<bool> {
        match self
            .stores
            .people
            .get_user(&p.scope(Permission::UserWrite), id)
            .await?
        {
            Some(u) => self.may_administer(p, &u).await,
            None => Ok(false),
        }
    }

    pub async fn update_user(
        &self,
        p: &Principal,
        id: &UserId,
        mut patch: UserPatch,
    ) -> Result<User> {
        let u = self.administered_user(p, id).await?;
        if let Some(n) = &patch.display_name {
            patch.display_name = Some(validate_display_name(n)?);
        }
        if let Some(m) = &patch.email {
            patch.email = Some(validate_email(m)?);
        }
        if let Some(l) = &patch.locale {
            patch.locale = Some(locale(Some(l))?.to_string());
        }
        if patch.active == Some(false) && u.id == p.user.id {
            return Err(AppError::invalid(
                "active",
                msg!("reason.users.deactivate_self"),
            ));
        }
        let action = match (patch.active, patch.unlock) {
            (Some(false), _) => "user.deactivated",
            (Some(true), _) if !u.active => "user.activated",
            (_, true) => "user.unlocked",
            _ => "user.updated",
        };
        let e = p.event(action, Some(&u.home_org_id), Some(&u.id));
        self.stores
            .people
            .update_user(&p.scope(Permission::UserWrite), id, &patch, e, self.now())
            .await?;
        self.get_user(p, id).await
    }

    pub async fn list_assignments(
        &self,
        p: &Principal,
        user_id: &UserId,
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
            .stores
            .people
            .assignments(&p.scope(Permission::UserRead), &u.id)
            .await?)
    }

    /// Grants `role` at `org_id`. The caller needs RoleGrant there and may only
    /// grant roles whose permissions it holds there itself (no escalation).
    pub async fn grant_role(
        &self,
        p: &Principal,
        user_id: &UserId,
        org_id: &OrgId,
        role: Role,
    ) -> Result<RoleAssignment> {
        let org = self.org_with(p, org_id, Permission::RoleGrant).await?;
        if !p.may_grant(role, &org.path) {
            return Err(AppError::Forbidden);
        }
        let u = self.get_user(p, user_id).await?;
        self.check_compatible(&u.id, role, "role").await?;
        let a = NewAssignment {
            id: self.ids.new_id(),
            user_id: u.id.clone(),
            org_id: org.id.clone(),
            role,
            by: p.user.id.clone(),
        };
        let mut e = p.event("role.granted", Some(&org.id), Some(&u.id));
        e.details = serde_json::json!({"role": role.as_str(), "org_id": org.id});
        self.stores
            .people
            .grant_role(&p.scope(Permission::RoleGrant), &a, e, self.now())
            .await?;
        self.stores
            .people
            .assignments(&p.scope(Permission::UserRead), &u.id)
            .await?
            .into_iter()
            .find(|x| x.id == a.id)
            .ok_or(AppError::NotFound)
    }

    /// Revokes a role assignment. The caller needs RoleGrant where it is
    /// held (otherwise it is not found), must be able to grant the role and
    /// to administer its holder; the holder's sessions and tokens end.
    pub async fn revoke_role(&self, p: &Principal, assignment_id: &str) -> Result<()> {
        if let Some(a) = self.assignment(assignment_id).await?
            && p.can(Permission::RoleGrant, &a.org_path)
        {
            let holder = self.get_user(p, &a.user_id).await?;
            if !p.may_grant(a.role, &a.org_path) || !self.may_administer(p, &holder).await? {
                return Err(AppError::Forbidden);
            }
        }
        let mut e = p.event("role.revoked", None, Some(assignment_id));
        e.details = serde_json::json!({"assignment_id": assignment_id});
        self.stores
            .people
            .revoke_role(
                &p.scope(Permission::RoleGrant),
                assignment_id,
                &p.user.id,
                e,
                self.now(),
            )
            .await?;
        Ok(())
    }

    /// Deputyships in the caller's user scope, and those the caller is part
    /// of (people always see their own).
    pub async fn list_deputies(&self, p: &Principal) -> Result<Vec<Deputy>> {
        let all = ListQuery::all(zian_domain::list::HARD_LIMIT);
        let mut v = self
            .stores
            .people
            .deputies(&p.scope(Permission::UserRead), &all)
            .await?
            .items;
        let own = self
            .stores
            .people
            .deputies(&p.any_role_scope(), &all)
            .await?
            .items;
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
    pub async fn create_deputy(&self, p: &Principal, input: DeputyInput) -> Result<Deputy> {
        let org = self.get_org(p, &input.org_id).await?;
        // who may designate comes first: nothing about the principal's roles
        // is told to a caller who may not designate
        let is_self = input.principal_user_id == p.user.id && p.token.is_none();
        if !is_self {
            p.require(Permission::RoleGrant, &org.path)?;
        }
        let read = p.scope(Permission::OrgRead);
        let holder = self
            .stores
            .people
            .assignments(&read, &input.principal_user_id)
            .await?
            .into_iter()
            .any(|a| a.org_id == org.id && a.role == input.role);
        if !holder {
            return Err(AppError::invalid(
                "role",
                msg!("reason.users.principal_lacks_role"),
            ));
        }
        if input.principal_user_id == input.deputy_user_id {
            return Err(AppError::invalid(
                "deputy_user_id",
                msg!("reason.users.self_deputy"),
            ));
        }
        // the deputy must be someone the caller can see, whoever designates
        let deputy = self
            .stores
            .people
            .get_user(&read, &input.deputy_user_id)
            .await?
            .ok_or(AppError::NotFound)?;
        self.check_compatible(&deputy.id, input.role, "deputy_user_id")
            .await?;
        if input.ends_at <= input.starts_at {
            return Err(AppError::invalid("ends_at", msg!("reason.after_start")));
        }
        if input.ends_at - input.starts_at > 366 * 86_400 {
            return Err(AppError::invalid(
                "ends_at",
                msg!("reason.users.deputy_max_year"),
            ));
        }
        let reason = zian_domain::Text::<500>::parse("reason", &input.reason)?;
        let reason = reason.as_str();
        // the principal holds a role at an organisation the caller can see
        let principal = self
            .stores
            .people
            .get_user(&read, &input.principal_user_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let d = Deputy {
            id: self.ids.new_id(),
            principal_user_id: principal.id.clone(),
            principal_name: principal.display_name.clone(),
            deputy_user_id: deputy.id.clone(),
            deputy_name: deputy.display_name.clone(),
            org_id: org.id.clone(),
            org_name_zh: org.name_zh.clone(),
            role: input.role,
            starts_at: input.starts_at,
            ends_at: input.ends_at,
            reason: reason.to_string(),
            created_by: Some(p.user.id.clone()),
            revoked_at: None,
        };
        let mut e = p.event("deputy.created", Some(&org.id), Some(&d.id));
        e.details = serde_json::json!({"principal": d.principal_user_id, "deputy": d.deputy_user_id, "role": d.role.as_str(), "starts_at": d.starts_at, "ends_at": d.ends_at});
        // the designation is written in the scope the caller acted in: the
        // role holder's own organisation, or where it may grant roles
        let scope = if is_self {
            p.own_deputyship_scope(&p.user.id, &org.path)
        } else {
            p.scope(Permission::RoleGrant)
        };
        self.stores
            .people
            .insert_deputy(&scope, &d, e, self.now())
            .await?;
        Ok(d)
    }

    /// Refuses giving `role` to a user whose roles (own and deputised) it
    /// does not go with: a vendor account never governs
    /// ([`Role::compatible_with`]).
    async fn check_compatible(&self, user: &UserId, role: Role, field: &str) -> Result<()> {
        let held: Vec<Role> = self
            .held_roles(user)
            .await?
            .into_iter()
            .map(|a| a.role)
            .collect();
        if role.compatible_with(&held) {
            Ok(())
        } else {
            Err(AppError::invalid(
                field,
                msg!("reason.users.vendor_governing"),
            ))
        }
    }

    pub async fn revoke_deputy(&self, p: &Principal, id: &str) -> Result<()> {
        let own = self
            .list_deputies(p)
            .await?
            .into_iter()
            .find(|d| d.id == id && d.principal_user_id == p.user.id);
        // the principal ends its own deputyship at the organisation where it
        // holds the role; others need RoleGrant there
        let own_scope = own.and_then(|d| {
            p.assignments
                .iter()
                .find(|a| a.org_id == d.org_id && a.deputy_for.is_none())
                .map(|a| p.own_deputyship_scope(&d.principal_user_id, &a.org_path))
        });
        let scope = match own_scope {
            Some(s) if !s.is_empty() => s,
            _ => p.scope(Permission::RoleGrant),
        };
        self.stores
            .people
            .revoke_deputy(
                &scope,
                id,
                p.event("deputy.revoked", None, Some(id)),
                self.now(),
            )
            .await?;
        Ok(())
    }
}
