//! `zian feeds sync`: the NVD API's changes since the last successful run,
//! written as page files into a directory.
//!
//! * The directory's state file ([`STATE_FILE`], JSON) holds the end of the
//!   last completed `lastModified` window; the next run starts there. A first
//!   run needs an explicit start (`--since`).
//! * `[start, now]` is cut into windows of at most 120 days; each window is
//!   paged through by the [`NvdClient`] (rate limits and retries included).
//! * Before a window is fetched it is recorded as `pending` in the state;
//!   each page is written atomically (temporary file, then rename) under a
//!   name made of the window and the page's `startIndex`; when the window is
//!   complete the state moves `last_mod_end` to its end. A run that fails in
//!   a window leaves it pending: the next run fetches exactly that window
//!   again (same bounds, so the same file names, after removing that
//!   window's earlier pages), then continues. Nothing is lost and no window
//!   is written twice.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::{Clock, HttpGet, MAX_WINDOW_DAYS, NvdClient, parse_datetime, windows};
use crate::VulnError;

/// Name of the state file inside the output directory.
pub const STATE_FILE: &str = "nvd-sync-state.json";

/// A window recorded before it is fetched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Window {
    /// `lastModStartDate` (RFC 3339, UTC).
    pub start: String,
    /// `lastModEndDate` (RFC 3339, UTC).
    pub end: String,
}

/// The state file's content.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncState {
    /// End of the last completed window (RFC 3339, UTC): where the next run
    /// starts.
    pub last_mod_end: Option<String>,
    /// A window started but not completed (a run failed in it).
    pub pending: Option<Window>,
    /// Pages fetched by all completed windows.
    pub pages_fetched: u64,
    /// Windows completed.
    pub windows_completed: u64,
    /// When the state was last written (RFC 3339, UTC).
    pub updated_at: Option<String>,
}

impl SyncState {
    /// The state of `dir`; `None` when it has none yet.
    pub fn load(dir: &Path) -> Result<Option<SyncState>, VulnError> {
        let path = dir.join(STATE_FILE);
        let text = match std::fs::read(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(VulnError::io(path, e)),
        };
        serde_json::from_slice(&text)
            .map(Some)
            .map_err(|e| VulnError::SyncState {
                path,
                message: format!("not a valid state file ({e}); move it away to start again"),
            })
    }

    fn save(&self, dir: &Path) -> Result<(), VulnError> {
        let text = serde_json::to_vec_pretty(self).map_err(|e| VulnError::SyncState {
            path: dir.join(STATE_FILE),
            message: e.to_string(),
        })?;
        write_atomic(dir, STATE_FILE, &text)
    }
}

/// What one run did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncOutcome {
    /// Where this run started (RFC 3339).
    pub from: String,
    /// Where it ended: the new `last_mod_end`.
    pub to: String,
    /// Windows completed by this run.
    pub windows: u32,
    /// Page files written by this run, in order.
    pub files: Vec<PathBuf>,
    /// Records in those pages (`resultsPerPage` summed).
    pub records: u64,
    /// Whether this run began by re-fetching a window a failed run left
    /// pending.
    pub resumed: bool,
    /// The state written last.
    pub state: SyncState,
}

fn rfc3339(t: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    t.format(&Rfc3339)
        .unwrap_or_else(|_| format!("{}", t.unix_timestamp()))
}

/// `20240101T000000Z`: a window bound in a file name.
fn compact(t: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

fn window_prefix(s: OffsetDateTime, e: OffsetDateTime) -> String {
    format!("nvd-{}-{}-", compact(s), compact(e))
}

/// Write `name` in `dir` through a temporary file and a rename, so that a
/// reader (or a crash) never sees half a file.
pub fn write_atomic(dir: &Path, name: &str, bytes: &[u8]) -> Result<(), VulnError> {
    let tmp = dir.join(format!(".{name}.tmp"));
    let fin = dir.join(name);
    let mut f = File::create(&tmp).map_err(|e| VulnError::io(&tmp, e))?;
    f.write_all(bytes).map_err(|e| VulnError::io(&tmp, e))?;
    f.sync_all().map_err(|e| VulnError::io(&tmp, e))?;
    drop(f);
    std::fs::rename(&tmp, &fin).map_err(|e| VulnError::io(&fin, e))?;
    // Make the rename itself durable where the platform allows it.
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// Remove files of `dir` whose name starts with `prefix` (a window's earlier
/// pages) and leftover temporary files.
fn clear_window(dir: &Path, prefix: &str) -> Result<(), VulnError> {
    let rd = std::fs::read_dir(dir).map_err(|e| VulnError::io(dir, e))?;
    for e in rd {
        let e = e.map_err(|e| VulnError::io(dir, e))?;
        let name = e.file_name().to_string_lossy().into_owned();
        if name.starts_with(prefix) || (name.starts_with(".nvd-") && name.ends_with(".tmp")) {
            std::fs::remove_file(e.path()).map_err(|err| VulnError::io(e.path(), err))?;
        }
    }
    Ok(())
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PageHead {
    #[serde(default)]
    start_index: u64,
    #[serde(default)]
    results_per_page: u64,
}

/// Parse a `--since` value: `YYYY-MM-DD` (midnight UTC) or RFC 3339.
pub fn parse_since(s: &str) -> Result<OffsetDateTime, VulnError> {
    let s = s.trim();
    if let Ok(d) = time::Date::parse(s, time::macros::format_description!("[year]-[month]-[day]")) {
        return Ok(d.midnight().assume_utc());
    }
    parse_datetime(s).map_err(|_| VulnError::DateTime {
        value: s.to_owned(),
        reason: "expected a date YYYY-MM-DD or an RFC 3339 date-time".into(),
    })
}

/// Sync `dir` up to `now`: see the module documentation. `since` is used
/// only when the directory has no state yet (a first run).
pub fn sync_dir<H: HttpGet, C: Clock>(
    client: &mut NvdClient<H, C>,
    dir: &Path,
    since: Option<OffsetDateTime>,
    now: OffsetDateTime,
) -> Result<SyncOutcome, VulnError> {
    std::fs::create_dir_all(dir).map_err(|e| VulnError::io(dir, e))?;
    let state_path = dir.join(STATE_FILE);
    let mut state = SyncState::load(dir)?.unwrap_or_default();
    let bad = |m: String| VulnError::SyncState {
        path: state_path.clone(),
        message: m,
    };
    let last = state
        .last_mod_end
        .as_deref()
        .map(parse_datetime)
        .transpose()?;
    let mut plan = Vec::new();
    let mut resumed = false;
    let start = if let Some(p) = state.pending.clone() {
        let (ps, pe) = (parse_datetime(&p.start)?, parse_datetime(&p.end)?);
        if last.is_some_and(|l| l != ps) {
            return Err(bad(format!(
                "the pending window starts at {} but the last completed one ends at {}",
                p.start,
                state.last_mod_end.clone().unwrap_or_default()
            )));
        }
        if pe <= ps || pe - ps > time::Duration::days(MAX_WINDOW_DAYS) {
            return Err(bad(format!(
                "the pending window {}..{} is not a valid NVD window",
                p.start, p.end
            )));
        }
        plan.push((ps, pe));
        resumed = true;
        ps
    } else {
        match (last, since) {
            (Some(l), _) => l,
            (None, Some(s)) => s,
            (None, None) => {
                return Err(bad(
                    "no previous sync in this directory: give --since YYYY-MM-DD for the first run"
                        .into(),
                ));
            }
        }
    };
    let rest_from = plan.last().map(|w| w.1).unwrap_or(start);
    if now > rest_from {
        plan.extend(windows(rest_from, now));
    }
    let mut out = SyncOutcome {
        from: rfc3339(start),
        to: rfc3339(start),
        windows: 0,
        files: Vec::new(),
        records: 0,
        resumed,
        state: state.clone(),
    };
    for (ws, we) in plan {
        state.pending = Some(Window {
            start: rfc3339(ws),
            end: rfc3339(we),
        });
        state.updated_at = Some(rfc3339(now));
        state.save(dir)?;
        let prefix = window_prefix(ws, we);
        clear_window(dir, &prefix)?;
        let mut pages = 0u64;
        let files = &mut out.files;
        let records = &mut out.records;
        client.fetch_modified(&rfc3339(ws), &rfc3339(we), |body| {
            let head: PageHead =
                serde_json::from_slice(body).map_err(|e| VulnError::FeedSyntax {
                    feed: format!("{prefix}page"),
                    message: e.to_string(),
                })?;
            let name = format!("{prefix}{:07}.json", head.start_index);
            write_atomic(dir, &name, body)?;
            files.push(dir.join(name));
            *records += head.results_per_page;
            pages += 1;
            Ok(())
        })?;
        state.pending = None;
        state.last_mod_end = Some(rfc3339(we));
        state.pages_fetched += pages;
        state.windows_completed += 1;
        state.save(dir)?;
        out.windows += 1;
        out.to = rfc3339(we);
    }
    out.state = state;
    Ok(out)
}
