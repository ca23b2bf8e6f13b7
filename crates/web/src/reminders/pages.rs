//! The reminders page: what is overdue or due soon in the caller's scope.

use askama::Template;
use axum::extract::{Query, State};
use serde::Deserialize;

use crate::error::{PageError, PageResult};
use crate::extract::PageCaller;
use crate::layout::{PageCtx, ctx, fmt_day, render};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "reminders.html")]
pub struct RemindersPage {
    pub ctx: PageCtx,
    pub items: Vec<zian_app::reminders::Reminder>,
    pub within: i64,
}

impl RemindersPage {
    pub fn title(&self, r: &zian_app::reminders::Reminder) -> String {
        r.title.render(self.ctx.lang)
    }
    pub fn due(&self, r: &zian_app::reminders::Reminder) -> String {
        fmt_day(Some(r.due), self.ctx.lang)
    }
    pub fn kind(&self, r: &zian_app::reminders::Reminder) -> String {
        self.ctx.t(&format!("reminders.kind.{}", r.kind))
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct RemindersQuery {
    within: String,
}

pub async fn page(
    State(st): State<AppState>,
    pc: PageCaller,
    q: Result<Query<RemindersQuery>, axum::extract::rejection::QueryRejection>,
) -> PageResult {
    let Query(q) = q.map_err(PageError::from)?;
    let within = q.within.trim().parse::<i64>().unwrap_or(30);
    let items = st.app.reminders(&pc.p, within).await?;
    let cx = ctx(&st.app, &pc, "reminders.title", "reminders", None).await?;
    render(&RemindersPage {
        ctx: cx,
        items,
        within,
    })
}
