//! The corrective actions pages: an organisation's list, and the forms that
//! raise an action from a drill, an activation or an incident and mark one
//! done (both go back to the page they came from).

use askama::Template;
use axum::extract::State;
use zian_app::corrective::{ActionInput, DoneInput, action_filter};
use zian_domain::corrective::{CorrectiveAction, Source};
use zian_domain::{ActionId, OrgId, Organisation, Permission};

use crate::error::PageResult;
use crate::extract::{PageCaller, PageForm, PagePath, PageQuery};
use crate::layout::{FlashQuery, PageCtx, ctx, render, see_other};
use crate::list::Pager;
use crate::state::AppState;
use crate::values::Fields;

#[derive(Template)]
#[template(path = "corrective.html")]
pub struct ListPage {
    pub ctx: PageCtx,
    pub org: Organisation,
    pub items: Vec<CorrectiveAction>,
    pub pager: Pager,
    pub today: time::Date,
    pub f_source: String,
    pub f_open: bool,
    pub f_overdue: bool,
    pub can_write: bool,
}

impl ListPage {
    pub fn overdue(&self, a: &CorrectiveAction) -> bool {
        a.overdue(self.today)
    }
    pub fn sources(&self) -> [&'static str; 6] {
        Source::ALL.map(Source::as_str)
    }
    pub fn src_sel(&self, s: &str) -> &'static str {
        if self.f_source == s { " selected" } else { "" }
    }
}

pub async fn list(
    State(st): State<AppState>,
    pc: PageCaller,
    PagePath(id): PagePath<OrgId>,
    PageQuery(q): PageQuery<Vec<(String, String)>>,
) -> PageResult {
    let org = st.app.org_with(&pc.p, &id, Permission::RecordRead).await?;
    let list = crate::list::query(&q, super::FILTERS)?;
    let today = st.app.today();
    let f = action_filter(&q, today)?;
    let fq = FlashQuery::from_pairs(&q);
    let page = st.app.list_actions(&pc.p, &org.id, &f, &list).await?;
    let pager = Pager::new(&page, &format!("/orgs/{}/corrective-actions", org.id), &q);
    let can_write = st.app.can(&pc.p, Permission::RecordWrite, &org);
    let cx = ctx(
        &st.app,
        &pc,
        "corrective.title",
        "continuity",
        fq.flash().as_deref(),
    )
    .await?;
    render(&ListPage {
        ctx: cx,
        org,
        items: page.items,
        pager,
        today,
        f_source: f.source.map(|s| s.as_str().to_string()).unwrap_or_default(),
        f_open: f.open,
        f_overdue: f.due_before.is_some(),
        can_write,
    })
}

pub async fn create(
    State(st): State<AppState>,
    form: PageForm<Vec<(String, String)>>,
) -> PageResult {
    let (pc, f) = (form.pc, form.form);
    let f = Fields(&f);
    let a = st
        .app
        .raise_action(
            &pc.p,
            ActionInput {
                source: f.one("source"),
                source_id: f.one("source_id"),
                title: f.one("title"),
                owner: f.one("owner"),
                due_on: f.one("due_on"),
            },
        )
        .await?;
    Ok(see_other(&format!(
        "{}?ok=corrective.raised#corrective",
        a.source.link(&a.source_id)
    )))
}

pub async fn done(
    State(st): State<AppState>,
    PagePath(id): PagePath<ActionId>,
    form: PageForm<Vec<(String, String)>>,
) -> PageResult {
    let (pc, f) = (form.pc, form.form);
    let f = Fields(&f);
    let a = st
        .app
        .finish_action(
            &pc.p,
            &id,
            DoneInput {
                result: f.one("result"),
                done_on: f.opt("done_on"),
            },
        )
        .await?;
    let back = if f.one("back") == "list" {
        format!("/orgs/{}/corrective-actions", a.org_id)
    } else {
        a.source.link(&a.source_id)
    };
    Ok(see_other(&format!("{back}?ok=corrective.done#corrective")))
}
