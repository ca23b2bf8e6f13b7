//! The audit trail page: newest first, filtered by action, paged.

use askama::Template;
use axum::extract::State;
use zian_app::AppError;
use zian_domain::audit::AuditEntry;
use zian_domain::{Page, Permission};

use crate::error::PageResult;
use crate::extract::{PageCaller, PageQuery};
use crate::layout::{PageCtx, ctx, render};
use crate::list::Pager;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "audit.html")]
pub struct AuditPage {
    pub ctx: PageCtx,
    pub page: Page<AuditEntry>,
    pub pager: Pager,
    pub action: String,
}

impl AuditPage {
    pub fn action_name(&self, a: &str) -> String {
        let k = format!("audit_action.{a}");
        let t = self.ctx.t(&k);
        if t == k { a.to_string() } else { t }
    }
}

pub async fn audit(
    State(st): State<AppState>,
    pc: PageCaller,
    PageQuery(pairs): PageQuery<Vec<(String, String)>>,
) -> PageResult {
    if pc.p.scope(Permission::AuditRead).is_empty() {
        return Err(AppError::Forbidden.into());
    }
    let q = crate::list::query(&pairs, super::FILTERS)?;
    let c = ctx(&st.app, &pc, "audit.title", "audit", None).await?;
    let page = st.app.list_audit(&pc.p, &q).await?;
    render(&AuditPage {
        ctx: c,
        pager: Pager::new(&page, "/audit", &pairs),
        action: q.filter_value("action").unwrap_or_default().to_string(),
        page,
    })
}
