//! The dashboard of the current organisation and the organisation switcher.

use askama::Template;
use axum::extract::{Query, State};
use serde::Deserialize;
use zian_app::dashboard::TodoItem;
use zian_domain::org::OrgStats;
use zian_domain::user::Share;
use zian_domain::{OrgId, Organisation, RoleAssignment};

use crate::error::PageResult;
use crate::extract::{PageCaller, PageForm};
use crate::layout::{FlashQuery, PageCtx, ctx, render, see_other};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "dashboard.html")]
pub struct DashboardPage {
    pub ctx: PageCtx,
    pub org: Option<Organisation>,
    pub stats: OrgStats,
    pub roles: Vec<RoleAssignment>,
    pub shares: Vec<Share>,
    pub review_overdue: bool,
    pub todo: Vec<TodoItem>,
}

pub async fn dashboard(
    State(st): State<AppState>,
    pc: PageCaller,
    Query(fq): Query<FlashQuery>,
) -> PageResult {
    let c = ctx(
        &st.app,
        &pc,
        "dashboard.title",
        "home",
        fq.flash().as_deref(),
    )
    .await?;
    let org = match &pc.session.current_org_id {
        Some(id) => st.app.get_org(&pc.p, id).await.ok(),
        None => None,
    };
    let stats = st.app.org_stats(&pc.p).await?;
    let (shares, todo) = if pc.p.is_vendor_only() {
        (st.app.shared_with_me(&pc.p).await?, Vec::new())
    } else {
        (Vec::new(), st.app.todo(&pc.p).await?)
    };
    let today = st.app.today();
    let review_overdue = org
        .as_ref()
        .and_then(|o| o.level_review_due)
        .is_some_and(|d| d < today);
    render(&DashboardPage {
        ctx: c,
        org,
        stats,
        roles: pc.p.assignments.clone(),
        shares,
        review_overdue,
        todo,
    })
}

#[derive(Deserialize)]
pub struct SwitchForm {
    org_id: OrgId,
}

pub async fn switch_org(State(st): State<AppState>, form: PageForm<SwitchForm>) -> PageResult {
    let (pc, f) = (form.pc, form.form);
    st.app.switch_org(&pc.session, &pc.p, &f.org_id).await?;
    Ok(see_other("/"))
}
