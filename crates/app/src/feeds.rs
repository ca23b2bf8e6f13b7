//! The vulnerability feed store as the platform administers it (the
//! administrators of the whole tree): its status — the snapshot, records,
//! KEV and EPSS entries, every import with its counts, its age, stale when
//! older than `stale_days` — and a feed file imported through the platform
//! (air-gapped deployments: an NVD API 2.0 page or yearly file, CVE 5
//! records, the KEV catalogue, an EPSS CSV; plain, gzip or xz). Every
//! import, and every failed one, is in the audit trail; an import queues a
//! match of every organisation, so the new data reaches them the same hour.

use std::path::PathBuf;

use serde::Serialize;
use zian_domain::audit::AuditRow;
use zian_domain::{ListQuery, Principal};
use zian_i18n::msg;
use zian_vuln::store::{Manifest, Store};

use crate::evidence::clean_filename;
use crate::{App, AppError, Result};

/// The job that matches every organisation with mapped software again.
pub const KIND_REMATCH: &str = "vulns.rematch";

/// The largest feed file taken through the platform (larger ones: `zian
/// feeds import` on the server).
pub const MAX_FILE_BYTES: usize = 64 * 1024 * 1024;

/// A feed older than this many days is stale (default).
pub const STALE_DAYS: i64 = 8;

/// The feed store as its page shows it.
#[derive(Debug, Clone)]
pub struct FeedStatus {
    pub dir: Option<PathBuf>,
    pub manifest: Option<Manifest>,
    /// Days since the newest record of the store changed.
    pub age_days: Option<i64>,
    pub stale: bool,
    pub stale_days: i64,
    /// The platform's imports (and failed ones), newest first.
    pub history: Vec<AuditRow>,
}

/// What an import through the platform did, per file read.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct FeedImported {
    pub file: String,
    /// `nvd`, `cve5`, `kev`, `epss`.
    pub kind: String,
    pub read: u64,
    pub inserted: u64,
    pub replaced: u64,
    /// Not newer than what the store holds.
    pub stale: u64,
    pub skipped: u64,
    pub records_before: u64,
    pub records_after: u64,
}

impl App {
    /// Only the administrators of the whole tree administer the feeds.
    async fn feeds_admin(&self, p: &Principal) -> Result<()> {
        if self.job_scope(p).await?.is_system_wide() {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// The store's status, as of now.
    pub(crate) fn feed_manifest(&self) -> Option<Manifest> {
        let dir = self.feeds.dir.as_deref()?;
        Store::status(dir).ok().map(|s| s.manifest)
    }

    /// How old the store's data is, in days: from its newest record's
    /// change (NVD `lastModified`, CVE 5 `dateUpdated`) to today — what
    /// matters is whether the data is current, not when a file was copied.
    pub(crate) fn feeds_age(&self, m: &Manifest) -> Option<i64> {
        let newest = [&m.newest_last_modified, &m.newest_date_updated]
            .into_iter()
            .flatten()
            .filter_map(|t| zian_domain::day::parse_stored(t.get(..10).unwrap_or("")))
            .max()?;
        Some((self.today() - newest).whole_days())
    }

    /// The store's age when it is older than its limit.
    pub(crate) fn feeds_stale(&self) -> Option<i64> {
        let m = self.feed_manifest()?;
        self.feeds_age(&m).filter(|a| *a > self.feeds.stale_days)
    }

    pub async fn feed_status(&self, p: &Principal) -> Result<FeedStatus> {
        self.feeds_admin(p).await?;
        let manifest = self.feed_manifest();
        let age_days = manifest.as_ref().and_then(|m| self.feeds_age(m));
        let history = self
            .stores
            .audit
            .list(
                &zian_domain::OrgScope::system_wide(),
                &ListQuery::all(50).with("action", "feeds."),
            )
            .await?
            .items;
        Ok(FeedStatus {
            dir: self.feeds.dir.clone(),
            stale: age_days.is_some_and(|a| a > self.feeds.stale_days),
            stale_days: self.feeds.stale_days,
            manifest,
            age_days,
            history,
        })
    }

    /// [`App::import_feed`] for a file sent as base64 (the JSON API).
    pub async fn import_feed_base64(
        &self,
        p: &Principal,
        file_name: &str,
        content_base64: &str,
    ) -> Result<Vec<FeedImported>> {
        // the access check comes first, so outsiders learn nothing from errors
        self.feeds_admin(p).await?;
        let bytes = crate::evidence::decode_base64(content_base64, MAX_FILE_BYTES, "64 MB")?;
        self.import_feed(p, file_name, &bytes).await
    }

    /// Imports one feed file into the store (newer records win), records it,
    /// and queues a match of every organisation.
    pub async fn import_feed(
        &self,
        p: &Principal,
        file_name: &str,
        bytes: &[u8],
    ) -> Result<Vec<FeedImported>> {
        self.feeds_admin(p).await?;
        let Some(dir) = self.feeds.dir.clone() else {
            return Err(AppError::invalid("file", msg!("reason.vulns.no_feeds")));
        };
        if bytes.is_empty() {
            return Err(AppError::invalid(
                "file",
                msg!("reason.evidence.choose_file"),
            ));
        }
        let name = clean_filename(file_name);
        zian_domain::text::no_nul("file", &name)?;
        let incoming = dir.join("incoming");
        let path = incoming.join(format!("{}-{name}", self.ids.new_id()));
        let data = bytes.to_vec();
        let (p2, inc) = (path.clone(), incoming.clone());
        let result = tokio::task::spawn_blocking(move || {
            std::fs::create_dir_all(&inc).map_err(|e| e.to_string())?;
            std::fs::write(&p2, &data).map_err(|e| e.to_string())?;
            let r = Store::import(&dir, std::slice::from_ref(&p2)).map_err(|e| e.to_string());
            let _ = std::fs::remove_file(&p2);
            r
        })
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?;
        let now = self.now();
        match result {
            Err(error) => {
                let mut e = p.event("feeds.import_failed", None, None);
                e.details = serde_json::json!({ "file": name, "error": error });
                self.stores.audit.append(e, now).await?;
                Err(AppError::invalid(
                    "file",
                    msg!("reason.feeds.import", error = error),
                ))
            }
            Ok(report) => {
                let out: Vec<FeedImported> = report
                    .feeds
                    .iter()
                    .map(|f| FeedImported {
                        file: name.clone(),
                        kind: kind_code(&f.kind).to_string(),
                        read: f.read,
                        inserted: f.inserted,
                        replaced: f.replaced,
                        stale: f.stale,
                        skipped: f.skipped,
                        records_before: report.records_before,
                        records_after: report.manifest.records,
                    })
                    .collect();
                let mut e = p.event("feeds.imported", None, None);
                e.details = serde_json::json!({
                    "file": name, "sha256": report.manifest.sha256, "imports": out,
                    "records": report.manifest.records, "kev": report.manifest.kev,
                });
                self.stores.audit.append(e, now).await?;
                // only the changed records are matched again, unless the
                // import changed most of the store (then everything is)
                let mut changed: Vec<String> = report
                    .feeds
                    .iter()
                    .flat_map(|f| f.changed.iter().cloned())
                    .collect();
                changed.sort_unstable();
                changed.dedup();
                let payload = if changed.len() <= crate::vulns::DELTA_CAP {
                    serde_json::json!({ "cves": changed }).to_string()
                } else {
                    "{}".to_string()
                };
                let job = zian_domain::jobs::NewJob {
                    kind: KIND_REMATCH.into(),
                    payload,
                    org_id: None,
                    run_at: now,
                    max_attempts: 3,
                    idempotency_key: None,
                };
                if let Err(err) = self.enqueue_job(job).await {
                    tracing::warn!(error = %err, "could not queue the match after a feed import");
                }
                Ok(out)
            }
        }
    }
}

/// The code of a feed's kind, as the store's manifest names it.
fn kind_code(k: &zian_vuln::feeds::FeedKind) -> &'static str {
    use zian_vuln::feeds::FeedKind as K;
    match k {
        K::Nvd => "nvd",
        K::Cve5 => "cve5",
        K::Kev => "kev",
        K::Epss => "epss",
        K::Directory => "directory",
    }
}
