//! The feeds page: the store's status and a feed file to import.

use askama::Template;
use axum::extract::State;
use zian_app::AppError;
use zian_app::feeds::FeedStatus;
use zian_i18n::msg;

use crate::error::PageResult;
use crate::extract::{PageCaller, PageQuery, PageUpload};
use crate::layout::{FlashQuery, PageCtx, ctx, render, see_other};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "feeds.html")]
pub struct FeedsPage {
    pub ctx: PageCtx,
    pub s: FeedStatus,
}

impl FeedsPage {
    pub fn mb(&self) -> String {
        self.s.manifest.as_ref().map_or_else(String::new, |m| {
            format!("{:.1}", m.size as f64 / 1_048_576.0)
        })
    }
    pub fn base(&self, path: &str) -> String {
        path.rsplit('/').next().unwrap_or(path).to_string()
    }
    pub fn action_name(&self, a: &str) -> String {
        self.ctx.t(&format!("audit_action.{a}"))
    }
    /// An import's details as recorded: the file and the error or the count.
    pub fn detail(&self, details: &str) -> String {
        let v: serde_json::Value = serde_json::from_str(details).unwrap_or_default();
        let file = v["file"].as_str().unwrap_or("");
        match v["error"].as_str() {
            Some(e) => format!("{file}：{e}"),
            None => format!("{file}（{}）", v["records"].as_u64().unwrap_or(0)),
        }
    }
}

pub async fn show(
    State(st): State<AppState>,
    pc: PageCaller,
    PageQuery(fq): PageQuery<FlashQuery>,
) -> PageResult {
    let s = st.app.feed_status(&pc.p).await?;
    let cx = ctx(&st.app, &pc, "feeds.title", "feeds", fq.flash().as_deref()).await?;
    render(&FeedsPage { ctx: cx, s })
}

pub async fn import(State(st): State<AppState>, up: PageUpload) -> PageResult {
    // no record of anyone's is at stake: the upload is read (session, CSRF,
    // multipart) before the administrator check
    let (pc, file, _) = up.read_with(zian_app::feeds::MAX_FILE_BYTES, &[]).await?;
    let file =
        file.ok_or_else(|| AppError::invalid("file", msg!("reason.evidence.choose_file")))?;
    st.app.import_feed(&pc.p, &file.name, &file.bytes).await?;
    Ok(see_other("/admin/feeds?ok=feeds.imported"))
}
