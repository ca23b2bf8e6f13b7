//! NVD API client against a local fake HTTP/1.1 server (127.0.0.1:0) that
//! serves pages built from the nvd-sample fixtures and answers 429/503 on
//! some calls. The clock is fake: no real sleeping.

mod common;

use std::cell::{Cell, RefCell};
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use zian_vuln::feeds::VulnStore;
use zian_vuln::nvd_api::{Clock, NvdClient, TcpHttp, parse_datetime, windows};

#[derive(Default)]
struct FakeClock {
    now: Cell<Duration>,
    sleeps: RefCell<Vec<Duration>>,
}

impl Clock for &FakeClock {
    fn now(&self) -> Duration {
        self.now.get()
    }
    fn sleep(&self, d: Duration) {
        self.now.set(self.now.get() + d);
        self.sleeps.borrow_mut().push(d);
    }
}

/// Records of the fixtures, as `{"cve":…}` JSON texts.
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

struct Seen {
    paths: Vec<String>,
    api_keys: Vec<Option<String>>,
}

fn serve(listener: TcpListener, recs: Vec<String>, seen: Arc<Mutex<Seen>>, requests: usize) {
    for (n, stream) in listener.incoming().take(requests).enumerate() {
        let Ok(mut s) = stream else { continue };
        let mut r = BufReader::new(s.try_clone().expect("clone"));
        let mut line = String::new();
        r.read_line(&mut line).expect("request line");
        let path = line.split_whitespace().nth(1).unwrap_or("").to_owned();
        let mut key = None;
        loop {
            let mut h = String::new();
            r.read_line(&mut h).expect("header");
            if h == "\r\n" || h.is_empty() {
                break;
            }
            if let Some((k, v)) = h.split_once(':')
                && k.eq_ignore_ascii_case("apikey")
            {
                key = Some(v.trim().to_owned());
            }
        }
        {
            let mut g = seen.lock().expect("lock");
            g.paths.push(path.clone());
            g.api_keys.push(key);
        }
        // Call 0 → 429 with Retry-After, call 3 → 503: the client must retry.
        let (status, body) = if n == 0 {
            ("429 Too Many Requests", String::from("{}"))
        } else if n == 3 {
            ("503 Service Unavailable", String::from("busy"))
        } else {
            let q = |name: &str| -> u64 {
                path.split(['?', '&'])
                    .find_map(|kv| kv.strip_prefix(&format!("{name}=")))
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(0)
            };
            let (start, per) = (q("startIndex") as usize, q("resultsPerPage") as usize);
            let page: Vec<&String> = recs.iter().skip(start).take(per).collect();
            let body = format!(
                "{{\"resultsPerPage\":{},\"startIndex\":{},\"totalResults\":{},\"format\":\"NVD_CVE\",\"version\":\"2.0\",\"vulnerabilities\":[{}]}}",
                page.len(),
                start,
                recs.len(),
                page.iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(",")
            );
            ("200 OK", body)
        };
        let extra = if n == 0 { "Retry-After: 7\r\n" } else { "" };
        let _ = write!(
            s,
            "HTTP/1.1 {status}\r\nContent-Type: application/json\r\n{extra}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
    }
}

#[test]
fn windows_are_at_most_120_days() {
    let s = parse_datetime("2024-01-01T00:00:00Z").expect("date");
    let e = parse_datetime("2024-09-01T00:00:00Z").expect("date");
    let w = windows(s, e);
    assert_eq!(w.len(), 3);
    assert_eq!(w[0].0, s);
    assert_eq!(w[2].1, e);
    for (a, b) in &w {
        assert!(*b - *a <= time::Duration::days(120));
    }
    assert_eq!(w[0].1, w[1].0);
    assert!(parse_datetime("yesterday").is_err());
}

#[test]
fn paginates_retries_and_rate_limits_against_a_local_server() {
    let recs = records();
    assert_eq!(recs.len(), 106);
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let seen = Arc::new(Mutex::new(Seen {
        paths: Vec::new(),
        api_keys: Vec::new(),
    }));
    // 106 records in pages of 40 → 3 pages, plus 2 failed calls.
    let server = {
        let seen = Arc::clone(&seen);
        std::thread::spawn(move || serve(listener, recs, seen, 5))
    };
    let clock = FakeClock::default();
    let http = TcpHttp {
        timeout: Duration::from_secs(10),
    };
    let mut client = NvdClient::new(
        http,
        &clock,
        &format!("http://127.0.0.1:{port}/rest/json/cves/2.0"),
        None,
    )
    .with_page_size(40);
    let mut store = VulnStore::new();
    let report = client
        .update_store(&mut store, "2024-01-01T00:00:00Z", "2024-02-01T00:00:00Z")
        .expect("update");
    server.join().expect("server thread");
    assert_eq!(report.read, 106, "{report}");
    assert_eq!(report.skipped, 0, "{report}");
    assert_eq!(store.len(), 106);
    assert_eq!(client.stats.pages, 3);
    assert_eq!(client.stats.retries, 2);
    assert_eq!(client.stats.windows, 1);
    let g = seen.lock().expect("lock");
    assert!(
        g.paths[1].contains("lastModStartDate=2024-01-01T00:00:00.000%2B00:00"),
        "{}",
        g.paths[1]
    );
    assert!(g.paths[1].contains("lastModEndDate=2024-02-01T00:00:00.000%2B00:00"));
    assert!(g.paths[1].contains("startIndex=0"));
    assert!(g.paths[2].contains("startIndex=40"));
    assert!(g.paths[4].contains("startIndex=80"));
    assert!(g.api_keys.iter().all(Option::is_none));
    let sleeps = clock.sleeps.borrow();
    // Retry-After: 7 honoured; 503 → exponential backoff (6 s << 0 for the first retry).
    assert!(sleeps.contains(&Duration::from_secs(7)), "{sleeps:?}");
    assert!(sleeps.contains(&Duration::from_secs(6)), "{sleeps:?}");
    // Without a key: at most 5 requests per 30 s. 5 requests fit; no rate-limit sleep beyond backoff.
    assert_eq!(client.rate_limit(), 5);
}

/// A transport that records headers and returns canned pages (no network).
struct Canned {
    pages: RefCell<Vec<String>>,
    keys: RefCell<Vec<String>>,
}

impl zian_vuln::nvd_api::HttpGet for Canned {
    fn get(
        &self,
        _url: &str,
        headers: &[(&str, &str)],
    ) -> Result<zian_vuln::nvd_api::HttpResponse, zian_vuln::VulnError> {
        for (k, v) in headers {
            if *k == "apiKey" {
                self.keys.borrow_mut().push((*v).to_owned());
            }
        }
        let body = self.pages.borrow_mut().pop().unwrap_or_default();
        Ok(zian_vuln::nvd_api::HttpResponse {
            status: 200,
            headers: Vec::new(),
            body: body.into_bytes(),
        })
    }
}

#[test]
fn api_key_header_and_rate_limit_of_5_per_30s_without_key() {
    let empty = r#"{"resultsPerPage":0,"startIndex":0,"totalResults":0,"vulnerabilities":[]}"#;
    // 400 days → 4 windows, one (empty) page each.
    let clock = FakeClock::default();
    let canned = Canned {
        pages: RefCell::new(vec![empty.to_owned(); 4]),
        keys: RefCell::new(Vec::new()),
    };
    let mut c = NvdClient::new(canned, &clock, "http://x/", Some("K123".into()));
    c.fetch_modified("2023-01-01T00:00:00Z", "2024-02-05T00:00:00Z", |_| Ok(()))
        .expect("fetch");
    assert_eq!(c.stats.windows, 4);
    assert_eq!(c.rate_limit(), 50);
    assert!(clock.sleeps.borrow().is_empty());
    // Without a key, the 6th..8th requests within 30 s must wait.
    let clock2 = FakeClock::default();
    let canned2 = Canned {
        pages: RefCell::new(vec![empty.to_owned(); 8]),
        keys: RefCell::new(Vec::new()),
    };
    let mut c2 = NvdClient::new(canned2, &clock2, "http://x/", None);
    c2.fetch_modified("2020-01-01T00:00:00Z", "2022-08-01T00:00:00Z", |_| Ok(()))
        .expect("fetch");
    assert_eq!(c2.stats.windows, 8);
    let s = clock2.sleeps.borrow();
    assert_eq!(s.len(), 1, "one wait for the 6th request: {s:?}");
    assert_eq!(s[0], Duration::from_secs(30));
}
