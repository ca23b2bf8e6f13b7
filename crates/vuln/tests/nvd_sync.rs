//! `zian feeds sync`'s engine (`nvd_api::sync::sync_dir`): state file,
//! 120-day windows, atomic page files, and resuming after failures without
//! losing or duplicating a window. The transport is canned (no network) and
//! serves the nvd-sample records; the clock is fake.

mod common;

use std::cell::{Cell, RefCell};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

use zian_vuln::VulnError;
use zian_vuln::nvd_api::sync::{STATE_FILE, SyncState, parse_since, sync_dir};
use zian_vuln::nvd_api::{Clock, HttpGet, HttpResponse, NvdClient};

#[derive(Default)]
struct FakeClock {
    now: Cell<Duration>,
}

impl Clock for &FakeClock {
    fn now(&self) -> Duration {
        self.now.get()
    }
    fn sleep(&self, d: Duration) {
        self.now.set(self.now.get() + d);
    }
}

fn records() -> Vec<String> {
    let mut v: Vec<_> = std::fs::read_dir(common::fixture("nvd-sample"))
        .expect("dir")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("CVE-"))
        })
        .collect();
    v.sort();
    v.iter()
        .map(|p| format!("{{\"cve\":{}}}", std::fs::read_to_string(p).expect("read")))
        .collect()
}

/// Serves the records of each window (by `lastModStartDate`) in pages; call
/// numbers in `fail` answer 400 (not retried: the run fails there).
struct Server {
    recs: Vec<String>,
    calls: Cell<usize>,
    fail: RefCell<BTreeSet<usize>>,
    urls: RefCell<Vec<String>>,
}

const WINDOW_STARTS: [&str; 4] = [
    "2024-01-01T00:00:00.000%2B00:00",
    "2024-04-30T00:00:00.000%2B00:00",
    "2024-08-28T00:00:00.000%2B00:00",
    "2024-09-01T00:00:00.000%2B00:00",
];

impl HttpGet for &Server {
    fn get(&self, url: &str, _h: &[(&str, &str)]) -> Result<HttpResponse, VulnError> {
        let n = self.calls.get();
        self.calls.set(n + 1);
        self.urls.borrow_mut().push(url.to_owned());
        if self.fail.borrow_mut().remove(&n) {
            return Ok(HttpResponse {
                status: 400,
                headers: Vec::new(),
                body: Vec::new(),
            });
        }
        let q = |name: &str| -> String {
            url.split(['?', '&'])
                .find_map(|kv| kv.strip_prefix(&format!("{name}=")))
                .unwrap_or("")
                .to_owned()
        };
        let w = WINDOW_STARTS
            .iter()
            .position(|s| *s == q("lastModStartDate"))
            .unwrap_or_else(|| panic!("unexpected window in {url}"));
        let slice: &[String] = match w {
            0 => &self.recs[..50],
            1 => &self.recs[50..80],
            2 => &self.recs[80..],
            _ => &[],
        };
        let start: usize = q("startIndex").parse().expect("startIndex");
        let per: usize = q("resultsPerPage").parse().expect("resultsPerPage");
        let page: Vec<&str> = slice
            .iter()
            .skip(start)
            .take(per)
            .map(String::as_str)
            .collect();
        let body = format!(
            "{{\"resultsPerPage\":{},\"startIndex\":{start},\"totalResults\":{},\"format\":\"NVD_CVE\",\"version\":\"2.0\",\"vulnerabilities\":[{}]}}",
            page.len(),
            slice.len(),
            page.join(",")
        );
        Ok(HttpResponse {
            status: 200,
            headers: Vec::new(),
            body: body.into_bytes(),
        })
    }
}

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("zian-nvd-sync-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

fn page_files(dir: &Path) -> BTreeSet<String> {
    std::fs::read_dir(dir)
        .expect("dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n != STATE_FILE)
        .collect()
}

/// CVE ids over all page files, with their multiplicity.
fn ids_on_disk(dir: &Path) -> Vec<String> {
    let mut ids = Vec::new();
    for f in page_files(dir) {
        let v: serde_json::Value =
            serde_json::from_slice(&std::fs::read(dir.join(&f)).expect("read")).expect("json");
        for r in v["vulnerabilities"].as_array().expect("array") {
            ids.push(r["cve"]["id"].as_str().expect("id").to_owned());
        }
    }
    ids.sort();
    ids
}

fn t(s: &str) -> time::OffsetDateTime {
    parse_since(s).expect("date")
}

#[test]
fn first_run_needs_since_then_resumes_after_failures_without_loss_or_duplicates() {
    let dir = tmp("resume");
    let server = Server {
        recs: records(),
        calls: Cell::new(0),
        // Call 1 = window 0, page 2; call 5 = window 2 (second run).
        fail: RefCell::new([1, 5].into()),
        urls: RefCell::new(Vec::new()),
    };
    let clock = FakeClock::default();
    let client = || {
        NvdClient::new(&server, &clock, "https://nvd.test/rest/json/cves/2.0", None)
            .with_page_size(40)
            .with_max_attempts(1)
    };
    let now = t("2024-09-01");

    // No state, no --since: a clear error, nothing fetched.
    let e = sync_dir(&mut client(), &dir, None, now).expect_err("needs --since");
    assert!(e.to_string().contains("--since YYYY-MM-DD"), "{e}");
    assert_eq!(server.calls.get(), 0);

    // Run 1 fails on window 0's second page: one page file, window pending.
    let e = sync_dir(&mut client(), &dir, Some(t("2024-01-01")), now).expect_err("fails");
    assert!(e.to_string().contains("status 400"), "{e}");
    let st = SyncState::load(&dir).expect("load").expect("state");
    assert_eq!(st.last_mod_end, None);
    let pending = st.pending.clone().expect("pending");
    assert_eq!(
        (pending.start.as_str(), pending.end.as_str()),
        ("2024-01-01T00:00:00Z", "2024-04-30T00:00:00Z")
    );
    assert_eq!(
        page_files(&dir),
        ["nvd-20240101T000000Z-20240430T000000Z-0000000.json".to_owned()].into()
    );
    // A stale page of the pending window (as if pagination had changed)
    // must not survive the re-fetch.
    std::fs::write(
        dir.join("nvd-20240101T000000Z-20240430T000000Z-0000999.json"),
        "{}",
    )
    .expect("plant");

    // Run 2 (no --since: the state decides) redoes window 0, completes
    // window 1 and fails in window 2.
    let e = sync_dir(&mut client(), &dir, None, now).expect_err("fails in window 2");
    assert!(e.to_string().contains("status 400"), "{e}");
    assert!(
        server.urls.borrow()[2].contains("lastModStartDate=2024-01-01T00:00:00.000%2B00:00"),
        "the pending window is fetched again first"
    );
    assert!(server.urls.borrow()[2].contains("lastModEndDate=2024-04-30T00:00:00.000%2B00:00"));
    let st = SyncState::load(&dir).expect("load").expect("state");
    assert_eq!(st.last_mod_end.as_deref(), Some("2024-08-28T00:00:00Z"));
    assert_eq!(st.windows_completed, 2);
    assert_eq!(st.pages_fetched, 3);
    assert_eq!(
        st.pending.as_ref().map(|w| w.end.as_str()),
        Some("2024-09-01T00:00:00Z")
    );

    // Run 3 finishes.
    let out = sync_dir(&mut client(), &dir, Some(t("2020-01-01")), now).expect("sync");
    assert!(out.resumed);
    assert_eq!(out.windows, 1);
    assert_eq!(out.records, 26);
    assert_eq!(out.to, "2024-09-01T00:00:00Z");
    let st = SyncState::load(&dir).expect("load").expect("state");
    assert_eq!(st, out.state);
    assert_eq!(st.last_mod_end.as_deref(), Some("2024-09-01T00:00:00Z"));
    assert_eq!(st.pending, None);
    assert_eq!((st.windows_completed, st.pages_fetched), (3, 4));
    assert_eq!(
        page_files(&dir),
        [
            "nvd-20240101T000000Z-20240430T000000Z-0000000.json",
            "nvd-20240101T000000Z-20240430T000000Z-0000040.json",
            "nvd-20240430T000000Z-20240828T000000Z-0000000.json",
            "nvd-20240828T000000Z-20240901T000000Z-0000000.json",
        ]
        .map(str::to_owned)
        .into()
    );
    // Every record exactly once.
    let ids = ids_on_disk(&dir);
    assert_eq!(ids.len(), 106);
    assert_eq!(ids.iter().collect::<BTreeSet<_>>().len(), 106);

    // Nothing new to do at the same instant.
    let calls = server.calls.get();
    let out = sync_dir(&mut client(), &dir, None, now).expect("sync");
    assert_eq!((out.windows, out.files.len()), (0, 0));
    assert_eq!(server.calls.get(), calls);

    // Nine days later: one more (empty) window from where the last ended.
    let out = sync_dir(&mut client(), &dir, None, t("2024-09-10")).expect("sync");
    assert_eq!((out.windows, out.files.len(), out.records), (1, 1, 0));
    assert!(!out.resumed);
    let last = server.urls.borrow().last().cloned().expect("url");
    assert!(
        last.contains("lastModStartDate=2024-09-01T00:00:00.000%2B00:00")
            && last.contains("lastModEndDate=2024-09-10T00:00:00.000%2B00:00"),
        "{last}"
    );
    // No temporary file is left behind.
    assert!(page_files(&dir).iter().all(|n| !n.ends_with(".tmp")));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn bad_state_and_dates_are_clear_errors() {
    let dir = tmp("bad");
    std::fs::create_dir_all(&dir).expect("mkdir");
    std::fs::write(dir.join(STATE_FILE), "{not json").expect("write");
    let server = Server {
        recs: Vec::new(),
        calls: Cell::new(0),
        fail: RefCell::new(BTreeSet::new()),
        urls: RefCell::new(Vec::new()),
    };
    let clock = FakeClock::default();
    let mut c = NvdClient::new(&server, &clock, "https://nvd.test/", None);
    let e = sync_dir(&mut c, &dir, Some(t("2024-01-01")), t("2024-02-01")).expect_err("bad");
    assert!(
        e.to_string().contains(STATE_FILE) && e.to_string().contains("not a valid state file"),
        "{e}"
    );
    assert_eq!(server.calls.get(), 0);
    let e = parse_since("01/02/2024").expect_err("bad date");
    assert!(e.to_string().contains("YYYY-MM-DD"), "{e}");
    assert_eq!(
        parse_since("2024-03-05T10:00:00+08:00").expect("rfc3339"),
        t("2024-03-05T02:00:00Z")
    );
    let _ = std::fs::remove_dir_all(&dir);
}
