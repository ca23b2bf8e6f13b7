//! The tokens page: create (the secret is shown once) and revoke.

use askama::Template;
use axum::extract::{Query, State};
use zian_app::AppError;
use zian_domain::{ApiToken, OrgId, Organisation, Permission, Role};
use zian_i18n::msg;

use crate::error::{PageError, PageResult};
use crate::extract::{NoFields, PageCaller, PageForm, PagePath};
use crate::layout::{FlashQuery, PageCtx, ctx, render, see_other};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "tokens.html")]
pub struct TokensPage {
    pub ctx: PageCtx,
    pub tokens: Vec<ApiToken>,
    pub orgs: Vec<Organisation>,
    pub perms: Vec<&'static str>,
    pub secret: Option<String>,
    /// The caller may create a token that never expires (administrators).
    pub can_never: bool,
    pub default_days: i64,
}

async fn tokens_page(
    st: &AppState,
    pc: &PageCaller,
    flash: Option<&str>,
    secret: Option<String>,
) -> Result<TokensPage, PageError> {
    let perms = Permission::ALL
        .iter()
        .filter(|p| !pc.p.scope(**p).is_empty())
        .map(|p| p.as_str())
        .collect();
    Ok(TokensPage {
        ctx: ctx(&st.app, pc, "tokens.title", "tokens", flash).await?,
        tokens: st.app.list_tokens(&pc.p).await?,
        orgs: st
            .app
            .org_tree(&pc.p)
            .await?
            .into_iter()
            .filter(|o| o.active)
            .collect(),
        perms,
        secret,
        can_never: pc.p.has_own_role(Role::SystemAdmin),
        default_days: st.app.cfg.token_default_days,
    })
}

pub async fn tokens(
    State(st): State<AppState>,
    pc: PageCaller,
    Query(fq): Query<FlashQuery>,
) -> PageResult {
    render(&tokens_page(&st, &pc, fq.flash().as_deref(), None).await?)
}

/// Creates a token; permissions arrive as repeated `permission` fields.
pub async fn create(State(st): State<AppState>, f: PageForm<Vec<(String, String)>>) -> PageResult {
    let pc = f.pc;
    let (mut name, mut org_id, mut perms, mut days, mut never) =
        (String::new(), String::new(), Vec::new(), None, false);
    for (k, v) in f.form {
        match k.as_str() {
            "name" => name = v,
            "org_id" => org_id = v,
            "permission" => perms.push(v),
            "never_expires" => never = v == "1",
            "expires_days" if !v.is_empty() => {
                days =
                    Some(v.parse::<i64>().map_err(|_| {
                        AppError::invalid("expires_days", msg!("reason.whole_number"))
                    })?)
            }
            _ => {}
        }
    }
    let perms: Vec<Permission> = perms
        .iter()
        .map(|p| Permission::parse(p))
        .collect::<Result<_, _>>()
        .map_err(AppError::from)?;
    match st
        .app
        .create_token(&pc.p, &name, &OrgId::from(org_id), &perms, days, never)
        .await
    {
        Ok(t) => render(&tokens_page(&st, &pc, Some("ok:token_created"), Some(t.secret)).await?),
        Err(e) => Err(e.into()),
    }
}

pub async fn revoke(
    State(st): State<AppState>,
    PagePath(id): PagePath<String>,
    f: PageForm<NoFields>,
) -> PageResult {
    st.app.revoke_token(&f.pc.p, &id).await?;
    Ok(see_other("/tokens?ok=token_revoked"))
}
