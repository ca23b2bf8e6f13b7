//! The feed store API.

use axum::extract::State;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use zian_app::feeds::{FeedImported, FeedStatus};

use crate::error::ApiResult;
use crate::extract::{ApiCaller, ApiJson};
use crate::state::AppState;

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FeedIn {
    pub file_name: String,
    /// The file, standard base64 (at most 64 MiB decoded).
    pub content_base64: String,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct SourceOut {
    pub path: String,
    /// `nvd`, `cve5`, `kev`, `epss` or `directory`.
    pub kind: String,
    pub read: u64,
    pub inserted: u64,
    pub replaced: u64,
    pub skipped: u64,
    pub imported_at: i64,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct FeedStatusOut {
    /// The store's directory (none: not configured).
    pub dir: Option<String>,
    /// A snapshot exists.
    pub ready: bool,
    pub sha256: Option<String>,
    /// When the snapshot was written (unix seconds).
    pub created: Option<i64>,
    pub age_days: Option<i64>,
    pub stale: bool,
    pub stale_days: i64,
    pub records: u64,
    pub nvd_records: u64,
    pub cve5_records: u64,
    pub kev: u64,
    pub epss: u64,
    pub newest_last_modified: Option<String>,
    pub newest_date_updated: Option<String>,
    /// Every import into the store, oldest first.
    pub sources: Vec<SourceOut>,
}

impl From<FeedStatus> for FeedStatusOut {
    fn from(s: FeedStatus) -> Self {
        let m = s.manifest;
        FeedStatusOut {
            dir: s.dir.map(|d| d.display().to_string()),
            ready: m.is_some(),
            sha256: m.as_ref().map(|m| m.sha256.clone()),
            created: m.as_ref().map(|m| m.created),
            age_days: s.age_days,
            stale: s.stale,
            stale_days: s.stale_days,
            records: m.as_ref().map_or(0, |m| m.records),
            nvd_records: m.as_ref().map_or(0, |m| m.nvd_records),
            cve5_records: m.as_ref().map_or(0, |m| m.cve5_records),
            kev: m.as_ref().map_or(0, |m| m.kev),
            epss: m.as_ref().map_or(0, |m| m.epss),
            newest_last_modified: m.as_ref().and_then(|m| m.newest_last_modified.clone()),
            newest_date_updated: m.as_ref().and_then(|m| m.newest_date_updated.clone()),
            sources: m
                .map(|m| {
                    m.sources
                        .into_iter()
                        .map(|x| SourceOut {
                            path: x.path.rsplit('/').next().unwrap_or_default().to_string(),
                            kind: x.kind,
                            read: x.read,
                            inserted: x.inserted,
                            replaced: x.replaced,
                            skipped: x.skipped,
                            imported_at: x.imported_at,
                        })
                        .collect()
                })
                .unwrap_or_default(),
        }
    }
}

pub async fn status(State(st): State<AppState>, c: ApiCaller) -> ApiResult<ApiJson<FeedStatusOut>> {
    Ok(ApiJson(st.app.feed_status(&c.p).await?.into()))
}

pub async fn import(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiJson(b): ApiJson<FeedIn>,
) -> ApiResult<ApiJson<Vec<FeedImported>>> {
    Ok(ApiJson(
        st.app
            .import_feed_base64(&c.p, &b.file_name, &b.content_base64)
            .await?,
    ))
}
