//! The inbox page and the notification settings page.

use askama::Template;
use axum::extract::State;
use zian_app::inbox::{PrefInput, PrefView};
use zian_domain::Page;
use zian_domain::inbox::{Channel, Notice};
use zian_i18n::Lang;

use crate::error::PageResult;
use crate::extract::{NoFields, PageCaller, PageForm, PagePath, PageQuery};
use crate::layout::{FlashQuery, PageCtx, ctx, render, see_other};
use crate::list::Pager;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "inbox.html")]
pub struct InboxPage {
    pub ctx: PageCtx,
    pub page: Page<Notice>,
    pub pager: Pager,
    pub only_unread: bool,
}

impl InboxPage {
    pub fn title(&self, n: &Notice) -> String {
        if self.ctx.lang == Lang::En {
            n.title_en.clone()
        } else {
            n.title_zh.clone()
        }
    }
    pub fn event(&self, n: &Notice) -> String {
        self.ctx.t(&format!("inbox.events.{}", n.event))
    }
}

#[derive(Template)]
#[template(path = "notification_prefs.html")]
pub struct PrefsPage {
    pub ctx: PageCtx,
    pub prefs: Vec<PrefView>,
    pub channels: Vec<&'static str>,
}

impl PrefsPage {
    pub fn event(&self, e: &str) -> String {
        self.ctx.t(&format!("inbox.events.{e}"))
    }
    pub fn channel(&self, c: &str) -> String {
        self.ctx.t(&format!("inbox.channels.{c}"))
    }
}

pub async fn list(
    State(st): State<AppState>,
    pc: PageCaller,
    PageQuery(pairs): PageQuery<Vec<(String, String)>>,
) -> PageResult {
    let flash = FlashQuery::from_pairs(&pairs).flash();
    let pairs: Vec<(String, String)> = pairs
        .into_iter()
        .filter(|(k, _)| k != "ok" && k != "err")
        .collect();
    let q = crate::list::query(&pairs, super::FILTERS)?;
    let page = st.app.inbox(&pc.p, &q).await?;
    let c = ctx(&st.app, &pc, "inbox.title", "inbox", flash.as_deref()).await?;
    render(&InboxPage {
        ctx: c,
        pager: Pager::new(&page, "/inbox", &pairs),
        only_unread: q.filter_value("unread") == Some("1"),
        page,
    })
}

/// Opens a notice: marks it read and goes to what it is about.
pub async fn read(
    State(st): State<AppState>,
    PagePath(id): PagePath<String>,
    f: PageForm<NoFields>,
) -> PageResult {
    let n = st.app.read_notice(&f.pc.p, &id).await?;
    Ok(see_other(n.link.as_deref().unwrap_or("/inbox")))
}

pub async fn read_all(State(st): State<AppState>, f: PageForm<NoFields>) -> PageResult {
    st.app.read_all_notices(&f.pc.p).await?;
    Ok(see_other("/inbox?ok=inbox_read_all"))
}

pub async fn prefs(
    State(st): State<AppState>,
    pc: PageCaller,
    PageQuery(f): PageQuery<FlashQuery>,
) -> PageResult {
    let prefs = st.app.notification_prefs(&pc.p).await?;
    let c = ctx(
        &st.app,
        &pc,
        "inbox.prefs_title",
        "account",
        f.flash().as_deref(),
    )
    .await?;
    render(&PrefsPage {
        ctx: c,
        prefs,
        channels: Channel::ALL.iter().map(|c| c.as_str()).collect(),
    })
}

/// The form sends `ch.<event>=<channel>` for each kind.
pub async fn save_prefs(
    State(st): State<AppState>,
    f: PageForm<Vec<(String, String)>>,
) -> PageResult {
    let input: Vec<PrefInput> = f
        .form
        .iter()
        .filter_map(|(k, v)| {
            k.strip_prefix("ch.").map(|e| PrefInput {
                event: e.to_string(),
                channel: v.clone(),
            })
        })
        .collect();
    st.app.set_notification_prefs(&f.pc.p, &input).await?;
    Ok(see_other("/account/notifications?ok=inbox_prefs_saved"))
}
