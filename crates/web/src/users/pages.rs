//! Users, their roles, and deputies (職務代理人).

use askama::Template;
use axum::extract::{Query, State};
use serde::Deserialize;
use zian_app::AppError;
use zian_domain::user::UserPatch;
use zian_domain::{Deputy, OrgId, Organisation, Permission, Role, RoleAssignment, User, UserId};
use zian_domain::{ListQuery, Page};
use zian_i18n::msg;

use crate::error::PageResult;
use crate::extract::{NoFields, PageCaller, PageForm, PagePath, PageQuery};
use crate::layout::{FlashQuery, PageCtx, ctx, render, see_other};
use crate::list::Pager;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "users_list.html")]
pub struct ListPage {
    pub ctx: PageCtx,
    pub page: Page<User>,
    pub pager: Pager,
    pub q: String,
    pub org: String,
    pub orgs: Vec<Organisation>,
    pub can_write: bool,
}

pub async fn list(
    State(st): State<AppState>,
    pc: PageCaller,
    PageQuery(pairs): PageQuery<Vec<(String, String)>>,
) -> PageResult {
    let c = ctx(&st.app, &pc, "users.title", "users", None).await?;
    let lq = crate::list::query(&pairs, super::FILTERS)?;
    let page = st.app.list_users(&pc.p, &lq).await?;
    let pager = Pager::new(&page, "/users", &pairs);
    let orgs = st.app.org_tree(&pc.p).await?;
    render(&ListPage {
        ctx: c,
        pager,
        q: lq.q.clone().unwrap_or_default(),
        org: lq.filter_value("org").unwrap_or_default().to_string(),
        page,
        orgs,
        can_write: !pc.p.scope(Permission::UserWrite).is_empty(),
    })
}

#[derive(Template)]
#[template(path = "user_new.html")]
pub struct NewPage {
    pub ctx: PageCtx,
    pub orgs: Vec<Organisation>,
    pub policy_min: usize,
    pub policy_classes: usize,
}

async fn new_page(st: &AppState, pc: &PageCaller) -> Result<NewPage, crate::error::PageError> {
    let w = pc.p.scope(Permission::UserWrite);
    let orgs = st
        .app
        .org_tree(&pc.p)
        .await?
        .into_iter()
        .filter(|o| o.active && w.contains(&o.path))
        .collect();
    Ok(NewPage {
        ctx: ctx(&st.app, pc, "users.new", "users", None).await?,
        orgs,
        policy_min: st.app.cfg.password.min_length,
        policy_classes: st.app.cfg.password.min_classes,
    })
}

pub async fn new_form(State(st): State<AppState>, pc: PageCaller) -> PageResult {
    if pc.p.scope(Permission::UserWrite).is_empty() {
        return Err(AppError::Forbidden.into());
    }
    render(&new_page(&st, &pc).await?)
}

#[derive(Deserialize)]
pub struct NewUserForm {
    username: String,
    display_name: String,
    email: Option<String>,
    home_org_id: OrgId,
    password: String,
    role: Option<String>,
}

pub async fn create(State(st): State<AppState>, form: PageForm<NewUserForm>) -> PageResult {
    let (pc, f) = (form.pc, form.form);
    let result = async {
        let u = st
            .app
            .create_user(
                &pc.p,
                zian_app::users::NewUserInput {
                    username: f.username.clone(),
                    display_name: f.display_name.clone(),
                    email: f.email.clone().unwrap_or_default(),
                    home_org_id: f.home_org_id.clone(),
                    password: f.password.clone(),
                    locale: None,
                },
            )
            .await?;
        if let Some(r) = f.role.as_deref().filter(|r| !r.is_empty()) {
            let role = Role::parse(r)?;
            st.app
                .grant_role(&pc.p, &u.id, &f.home_org_id, role)
                .await?;
        }
        Ok::<_, AppError>(u)
    }
    .await;
    match result {
        Ok(u) => Ok(see_other(&format!("/users/{}?ok=user_created", u.id))),
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "user_show.html")]
pub struct ShowPage {
    pub ctx: PageCtx,
    pub user: User,
    pub home: Option<Organisation>,
    pub roles: Vec<RoleAssignment>,
    pub grant_orgs: Vec<Organisation>,
    pub grantable: Vec<&'static str>,
    pub can_write: bool,
    pub locked: bool,
}

pub async fn show(
    State(st): State<AppState>,
    pc: PageCaller,
    PagePath(id): PagePath<UserId>,
    Query(fq): Query<FlashQuery>,
) -> PageResult {
    let user = st.app.get_user(&pc.p, &id).await?;
    let c = ctx(&st.app, &pc, "users.detail", "users", fq.flash().as_deref()).await?;
    let home = st.app.get_org(&pc.p, &user.home_org_id).await.ok();
    let roles = st.app.list_assignments(&pc.p, &user.id).await?;
    let g = pc.p.scope(Permission::RoleGrant);
    let grant_orgs: Vec<Organisation> = st
        .app
        .org_tree(&pc.p)
        .await?
        .into_iter()
        .filter(|o| o.active && g.contains(&o.path))
        .collect();
    let grantable = Role::ALL
        .iter()
        .filter(|r| grant_orgs.iter().any(|o| pc.p.may_grant(**r, &o.path)))
        .map(|r| r.as_str())
        .collect();
    let can_write = st.app.can_write_user(&pc.p, &user.id).await?;
    let locked = user.locked_until.is_some_and(|u| u > st.app.now());
    render(&ShowPage {
        ctx: c,
        user,
        home,
        roles,
        grant_orgs,
        grantable,
        can_write,
        locked,
    })
}

#[derive(Deserialize)]
pub struct EditForm {
    display_name: Option<String>,
    email: Option<String>,
    active: Option<String>,
    unlock: Option<String>,
}

pub async fn update(
    State(st): State<AppState>,
    PagePath(id): PagePath<UserId>,
    form: PageForm<EditForm>,
) -> PageResult {
    let (pc, f) = (form.pc, form.form);
    let patch = UserPatch {
        display_name: f.display_name,
        email: f.email,
        active: f.active.as_deref().map(|a| a == "1"),
        locale: None,
        unlock: f.unlock.is_some(),
    };
    st.app.update_user(&pc.p, &id, patch).await?;
    Ok(see_other(&format!("/users/{id}?ok=user_saved")))
}

#[derive(Deserialize)]
pub struct GrantForm {
    org_id: OrgId,
    role: String,
}

pub async fn grant(
    State(st): State<AppState>,
    PagePath(id): PagePath<UserId>,
    form: PageForm<GrantForm>,
) -> PageResult {
    let (pc, f) = (form.pc, form.form);
    let role = Role::parse(&f.role).map_err(AppError::from)?;
    match st.app.grant_role(&pc.p, &id, &f.org_id, role).await {
        Ok(_) => Ok(see_other(&format!("/users/{id}?ok=role_granted"))),
        Err(AppError::Conflict(_)) => Ok(see_other(&format!("/users/{id}?err=role_exists"))),
        Err(e) => Err(e.into()),
    }
}

pub async fn revoke(
    State(st): State<AppState>,
    PagePath((id, rid)): PagePath<(UserId, String)>,
    form: PageForm<NoFields>,
) -> PageResult {
    let pc = form.pc;
    st.app.revoke_role(&pc.p, &rid).await?;
    Ok(see_other(&format!("/users/{id}?ok=role_revoked")))
}

#[derive(Deserialize)]
pub struct ResetForm {
    temporary_password: String,
}

pub async fn reset_password(
    State(st): State<AppState>,
    PagePath(id): PagePath<UserId>,
    form: PageForm<ResetForm>,
) -> PageResult {
    let (pc, f) = (form.pc, form.form);
    match st
        .app
        .reset_password(&pc.p, &id, &f.temporary_password)
        .await
    {
        Ok(()) => Ok(see_other(&format!("/users/{id}?ok=password_reset"))),
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "deputies.html")]
pub struct DeputiesPage {
    pub ctx: PageCtx,
    pub deputies: Vec<Deputy>,
    pub now: i64,
    pub my_roles: Vec<RoleAssignment>,
    pub candidates: Vec<User>,
    pub today: String,
}

async fn deputies_page(
    st: &AppState,
    pc: &PageCaller,
    flash: Option<&str>,
) -> Result<DeputiesPage, crate::error::PageError> {
    let mut lq = ListQuery::new();
    lq.limit = 500;
    let mut candidates = st.app.list_users(&pc.p, &lq).await?.items;
    candidates.retain(|u| u.id != pc.p.user.id && u.active);
    Ok(DeputiesPage {
        ctx: ctx(&st.app, pc, "deputies.title", "deputies", flash).await?,
        deputies: st.app.list_deputies(&pc.p).await?,
        now: st.app.now(),
        my_roles: pc
            .p
            .assignments
            .iter()
            .filter(|a| a.deputy_for.is_none())
            .cloned()
            .collect(),
        candidates,
        today: st.app.today().to_string(),
    })
}

pub async fn deputies(
    State(st): State<AppState>,
    pc: PageCaller,
    Query(fq): Query<FlashQuery>,
) -> PageResult {
    render(&deputies_page(&st, &pc, fq.flash().as_deref()).await?)
}

#[derive(Deserialize)]
pub struct DeputyForm {
    /// "assignment id" of the caller's own role to delegate
    assignment: String,
    deputy_user_id: UserId,
    starts_on: String,
    ends_on: String,
    reason: String,
}

pub async fn deputy_create(State(st): State<AppState>, form: PageForm<DeputyForm>) -> PageResult {
    let (pc, f) = (form.pc, form.form);
    let result = async {
        let a =
            pc.p.assignments
                .iter()
                .find(|a| a.id == f.assignment && a.deputy_for.is_none())
                .ok_or_else(|| AppError::invalid("assignment", msg!("reason.users.choose_role")))?;
        let input = zian_app::users::DeputyInput {
            principal_user_id: pc.p.user.id.clone(),
            deputy_user_id: f.deputy_user_id.clone(),
            org_id: a.org_id.clone(),
            role: a.role,
            starts_at: crate::values::time("starts_on", &f.starts_on)?,
            ends_at: crate::values::time("ends_on", &f.ends_on)? + 86_400,
            reason: f.reason.clone(),
        };
        st.app.create_deputy(&pc.p, input).await
    }
    .await
    // the form's fields are dates (the application's are times)
    .map_err(|e| match e {
        AppError::Validation { field, reason } if field == "ends_at" || field == "starts_at" => {
            AppError::Validation {
                field: field.replace("_at", "_on"),
                reason,
            }
        }
        e => e,
    });
    match result {
        Ok(_) => Ok(see_other("/deputies?ok=deputy_created")),
        Err(e) => Err(e.into()),
    }
}

pub async fn deputy_revoke(
    State(st): State<AppState>,
    PagePath(id): PagePath<String>,
    form: PageForm<NoFields>,
) -> PageResult {
    let pc = form.pc;
    st.app.revoke_deputy(&pc.p, &id).await?;
    Ok(see_other("/deputies?ok=deputy_revoked"))
}
