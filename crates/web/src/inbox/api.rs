//! Inbox handlers and DTOs.

use axum::extract::State;
use schemars::JsonSchema;
use serde::Serialize;
use zian_app::inbox::{PrefView, PrefsInput};
use zian_domain::inbox::Notice;
use zian_i18n::Lang;

use crate::error::ApiResult;
use crate::extract::{ApiCaller, ApiJson, ApiPath, ApiQuery};
use crate::list::PageOut;
use crate::state::AppState;

/// A notice in the caller's language.
#[derive(Debug, Serialize, JsonSchema)]
pub struct NoticeOut {
    pub id: String,
    /// The kind of event (`plan.submitted`, `job.dead`, …).
    pub event: String,
    pub title: String,
    pub org_id: Option<String>,
    /// A path of this site: the record the notice is about.
    pub link: Option<String>,
    /// `inbox`, `email` or `digest`: how it reached the caller.
    pub channel: String,
    pub created_at: i64,
    pub read_at: Option<i64>,
}

impl NoticeOut {
    pub fn of(n: Notice, lang: Lang) -> NoticeOut {
        NoticeOut {
            title: if lang == Lang::En {
                n.title_en
            } else {
                n.title_zh
            },
            id: n.id,
            event: n.event,
            org_id: n.org_id.map(|o| o.to_string()),
            link: n.link,
            channel: n.channel.as_str().into(),
            created_at: n.created_at,
            read_at: n.read_at,
        }
    }
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct UnreadOut {
    pub unread: i64,
}

pub async fn list(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiQuery(q): ApiQuery<Vec<(String, String)>>,
) -> ApiResult<ApiJson<PageOut<NoticeOut>>> {
    let q = crate::list::query(&q, super::FILTERS)?;
    let page = st.app.inbox(&c.p, &q).await?;
    let lang = c.lang;
    Ok(ApiJson(PageOut::of(page, |n| NoticeOut::of(n, lang))))
}

pub async fn unread(State(st): State<AppState>, c: ApiCaller) -> ApiResult<ApiJson<UnreadOut>> {
    Ok(ApiJson(UnreadOut {
        unread: st.app.inbox_unread(&c.p).await?,
    }))
}

pub async fn read(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<ApiJson<NoticeOut>> {
    let n = st.app.read_notice(&c.p, &id).await?;
    Ok(ApiJson(NoticeOut::of(n, c.lang)))
}

pub async fn read_all(State(st): State<AppState>, c: ApiCaller) -> ApiResult<ApiJson<UnreadOut>> {
    st.app.read_all_notices(&c.p).await?;
    Ok(ApiJson(UnreadOut {
        unread: st.app.inbox_unread(&c.p).await?,
    }))
}

pub async fn prefs(State(st): State<AppState>, c: ApiCaller) -> ApiResult<ApiJson<Vec<PrefView>>> {
    Ok(ApiJson(st.app.notification_prefs(&c.p).await?))
}

pub async fn set_prefs(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiJson(input): ApiJson<PrefsInput>,
) -> ApiResult<ApiJson<Vec<PrefView>>> {
    Ok(ApiJson(
        st.app
            .set_notification_prefs(&c.p, &input.preferences)
            .await?,
    ))
}
