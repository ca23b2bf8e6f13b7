//! Keeping the feed store current when the deployment is online: the
//! `feeds.sync` job (every morning at 06:30 Asia/Taipei, before the daily
//! match) fetches the NVD CVE API 2.0 records modified since the last run
//! (`zian_vuln::nvd_api::sync`: ≤ 120-day windows, a resumable state in
//! `<store>/nvd-api/`), the CISA KEV catalogue and the EPSS scores when
//! their URLs are configured, imports them into the store, and matches the
//! records that changed against every organisation (`rematch_cves`).
//!
//! The HTTP transport is injected (the composition root passes the CLI's
//! rustls client; tests a plain-HTTP one against a local server), so this
//! module does no I/O of its own beyond the store directory. Every run is
//! audited (`feeds.synced` with its counts, or `feeds.sync_failed` with the
//! reason — never the API key); a failure is retried by the job queue and
//! the feeds page's staleness warning covers a longer outage.

use std::path::Path;
use std::sync::Arc;

use serde::Serialize;
use zian_domain::audit::AuditEvent;
use zian_vuln::VulnError;
use zian_vuln::nvd_api::{HttpGet, HttpResponse, NvdClient};

use crate::jobs::{JobContext, JobHandler};
use crate::{App, AppError, Result};

/// The job kind.
pub const KIND_SYNC: &str = "feeds.sync";

/// Where the spool of fetched NVD pages lives in the store directory (the
/// same as `zian feeds sync --store`).
pub const SPOOL: &str = "nvd-api";

/// The transport: `GET url` with headers.
pub type Transport = Arc<dyn HttpGet + Send + Sync>;

/// The online sources and how to reach them.
#[derive(Clone)]
pub struct FeedSync {
    /// The NVD CVE API 2.0 endpoint.
    pub nvd_url: String,
    /// The API key (raises NVD's rate limit); never logged or audited.
    pub api_key: Option<String>,
    /// The CISA KEV catalogue JSON, if fetched.
    pub kev_url: Option<String>,
    /// FIRST's EPSS CSV (plain or gzip), if fetched.
    pub epss_url: Option<String>,
    /// A first run fetches the records modified in this many days.
    pub first_days: i64,
    pub http: Transport,
}

impl std::fmt::Debug for FeedSync {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FeedSync")
            .field("nvd_url", &self.nvd_url)
            .field("api_key", &self.api_key.as_ref().map(|_| "***"))
            .field("kev_url", &self.kev_url)
            .field("epss_url", &self.epss_url)
            .field("first_days", &self.first_days)
            .finish_non_exhaustive()
    }
}

/// What a sync did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SyncReport {
    /// NVD pages fetched and the records in them.
    pub pages: usize,
    pub records: u64,
    /// Where the NVD sync stands (RFC 3339).
    pub until: String,
    pub kev: bool,
    pub epss: bool,
    /// Records the import inserted or replaced (and KEV / EPSS entries).
    pub changed: usize,
    /// Organisations whose findings the changed records changed.
    pub organisations: usize,
}

/// The transport behind an `Arc`, as the NVD client takes it.
struct Shared(Transport);

impl HttpGet for Shared {
    fn get(
        &self,
        url: &str,
        headers: &[(&str, &str)],
    ) -> std::result::Result<HttpResponse, VulnError> {
        self.0.get(url, headers)
    }
}

impl App {
    /// The application keeping its feed store current from `sync`.
    #[must_use]
    pub fn with_feed_sync(mut self, sync: FeedSync) -> App {
        self.feed_sync = Some(Arc::new(sync));
        self
    }

    /// Fetches what changed since the last run, imports it and matches the
    /// changed records (see the module documentation). `None` when the
    /// deployment is offline (no sync configured) or has no feed store.
    pub async fn sync_feeds(&self) -> Result<Option<SyncReport>> {
        let (Some(sync), Some(dir)) = (self.feed_sync.clone(), self.feeds.dir.clone()) else {
            return Ok(None);
        };
        let now = self.clock.now();
        let run = {
            let dir = dir.clone();
            tokio::task::spawn_blocking(move || fetch_and_import(&sync, &dir, now))
                .await
                .map_err(|e| AppError::Internal(e.to_string()))?
        };
        let at = self.now();
        let (mut report, changed) = match run {
            Ok(r) => r,
            Err(reason) => {
                let mut e = AuditEvent::new("feeds.sync_failed");
                e.details = serde_json::json!({ "error": reason });
                self.stores.audit.append(e, at).await?;
                return Err(AppError::Internal(format!("feeds sync: {reason}")));
            }
        };
        report.organisations = self.rematch_cves(&changed).await?;
        let mut e = AuditEvent::new("feeds.synced");
        e.details = serde_json::to_value(&report).unwrap_or_default();
        self.stores.audit.append(e, at).await?;
        Ok(Some(report))
    }
}

/// The blocking part: NVD pages into the spool, KEV and EPSS downloads,
/// one import into the store. Returns the report and the changed ids.
fn fetch_and_import(
    sync: &FeedSync,
    dir: &Path,
    now: time::OffsetDateTime,
) -> std::result::Result<(SyncReport, Vec<String>), String> {
    use zian_vuln::nvd_api::sync::{SyncState, sync_dir};
    let spool = dir.join(SPOOL);
    let first = SyncState::load(&spool)
        .map_err(|e| e.to_string())?
        .is_none()
        .then(|| now - time::Duration::days(sync.first_days.clamp(1, 120)));
    let mut client = NvdClient::new(
        Shared(sync.http.clone()),
        zian_vuln::nvd_api::SystemClock::default(),
        &sync.nvd_url,
        sync.api_key.clone(),
    )
    .with_max_attempts(4);
    let out = sync_dir(&mut client, &spool, first, now).map_err(|e| e.to_string())?;
    let mut report = SyncReport {
        pages: out.files.len(),
        records: out.records,
        until: out.to.clone(),
        ..SyncReport::default()
    };
    // every page in the spool: this run's, and any an earlier run fetched
    // but could not import (imported pages are removed below)
    let mut pages = spool_pages(&spool)?;
    for f in out.files {
        if !pages.contains(&f) {
            pages.push(f);
        }
    }
    let mut files = pages.clone();
    let incoming = dir.join("incoming");
    let stamp = now.unix_timestamp();
    let mut downloads = Vec::new();
    for (url, name, flag) in [
        (&sync.kev_url, "kev.json", &mut report.kev),
        (&sync.epss_url, "epss.csv", &mut report.epss),
    ] {
        let Some(url) = url else {
            continue;
        };
        let body = download(&sync.http, url)?;
        std::fs::create_dir_all(&incoming).map_err(|e| e.to_string())?;
        let gz = body.starts_with(&[0x1f, 0x8b]);
        let path = incoming.join(format!("{stamp}-{name}{}", if gz { ".gz" } else { "" }));
        std::fs::write(&path, &body).map_err(|e| format!("{}: {e}", path.display()))?;
        downloads.push(path.clone());
        files.push(path);
        *flag = true;
    }
    let mut changed = Vec::new();
    if !files.is_empty() {
        let r = zian_vuln::store::Store::import(dir, &files).map_err(|e| e.to_string());
        for d in &downloads {
            let _ = std::fs::remove_file(d);
        }
        for f in r?.feeds {
            changed.extend(f.changed);
        }
        // in the store now: the spool keeps only its sync state
        for p in &pages {
            let _ = std::fs::remove_file(p);
        }
    }
    changed.sort_unstable();
    changed.dedup();
    report.changed = changed.len();
    Ok((report, changed))
}

/// The NVD page files waiting in the spool, in name (window) order.
fn spool_pages(spool: &Path) -> std::result::Result<Vec<std::path::PathBuf>, String> {
    let mut out = Vec::new();
    let rd = match std::fs::read_dir(spool) {
        Ok(rd) => rd,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(out),
        Err(e) => return Err(format!("{}: {e}", spool.display())),
    };
    for e in rd.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if name.starts_with("nvd-")
            && name.ends_with(".json")
            && name != zian_vuln::nvd_api::sync::STATE_FILE
        {
            out.push(e.path());
        }
    }
    out.sort();
    Ok(out)
}

fn download(http: &Transport, url: &str) -> std::result::Result<Vec<u8>, String> {
    let r = http.get(url, &[]).map_err(|e| format!("{url}: {e}"))?;
    if r.status != 200 {
        return Err(format!("{url}: HTTP {}", r.status));
    }
    Ok(r.body)
}

/// `feeds.sync`.
pub(crate) struct SyncJob;

#[async_trait::async_trait]
impl JobHandler for SyncJob {
    async fn run(&self, cx: &JobContext) -> std::result::Result<(), String> {
        let r = cx.app.sync_feeds().await.map_err(|e| match e {
            // the reason, as the job's record keeps it (never the key)
            AppError::Internal(m) => m,
            e => e.to_string(),
        })?;
        let line = match r {
            Some(r) => format!(
                "{} NVD records in {} pages, KEV {}, EPSS {}; {} changed, {} organisations matched",
                r.records, r.pages, r.kev, r.epss, r.changed, r.organisations
            ),
            None => "offline: no [feeds] sync configured".to_string(),
        };
        cx.progress(100, &line).await;
        Ok(())
    }
}
