//! NVD CVE API 2.0 client for incremental updates.
//!
//! * `lastModStartDate`/`lastModEndDate` windows of at most 120 days (the
//!   API's limit), split automatically;
//! * pagination with `startIndex`/`resultsPerPage` until `totalResults`;
//! * the `apiKey` header when a key is given;
//! * rate limiting: at most 5 requests per rolling 30 s without a key, 50
//!   with one (NVD's published limits);
//! * retries with exponential backoff (or `Retry-After`) on 403, 429 and 5xx.
//!
//! The transport ([`HttpGet`]) and the clock ([`Clock`]) are injected so that
//! tests run instantly against a local server; [`TcpHttp`] is a minimal
//! blocking HTTP/1.1 client for plain `http://` (the platform injects a TLS
//! client for `https://`).

pub mod sync;

use std::collections::VecDeque;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use serde::Deserialize;
use time::format_description::well_known::Rfc3339;
use time::{OffsetDateTime, UtcOffset};

use crate::VulnError;
use crate::feeds::{FeedKind, FeedReport, VulnStore, import_nvd_slice};

/// NVD's production endpoint.
pub const NVD_CVE_API: &str = "https://services.nvd.nist.gov/rest/json/cves/2.0";
/// Largest date range the API accepts, in days.
pub const MAX_WINDOW_DAYS: i64 = 120;
/// Largest `resultsPerPage` of the CVE API.
pub const MAX_PAGE: u32 = 2000;

/// An HTTP response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpResponse {
    /// Status code.
    pub status: u16,
    /// Headers (names lower-cased).
    pub headers: Vec<(String, String)>,
    /// Body.
    pub body: Vec<u8>,
}

impl HttpResponse {
    /// A header value by (lower-case) name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// The injected HTTP transport.
pub trait HttpGet {
    /// Perform `GET url` with extra headers.
    fn get(&self, url: &str, headers: &[(&str, &str)]) -> Result<HttpResponse, VulnError>;
}

/// The injected clock: monotonic time and sleeping.
pub trait Clock {
    /// Monotonic time since an arbitrary origin.
    fn now(&self) -> Duration;
    /// Wait.
    fn sleep(&self, d: Duration);
}

/// The real clock.
#[derive(Debug, Clone, Copy)]
pub struct SystemClock {
    origin: std::time::Instant,
}

impl Default for SystemClock {
    fn default() -> Self {
        SystemClock {
            origin: std::time::Instant::now(),
        }
    }
}

impl Clock for SystemClock {
    fn now(&self) -> Duration {
        self.origin.elapsed()
    }
    fn sleep(&self, d: Duration) {
        std::thread::sleep(d);
    }
}

/// Minimal blocking HTTP/1.1 client over `TcpStream`, plain `http://` only.
#[derive(Debug, Clone, Copy)]
pub struct TcpHttp {
    /// Connect/read/write timeout.
    pub timeout: Duration,
}

impl Default for TcpHttp {
    fn default() -> Self {
        TcpHttp {
            timeout: Duration::from_secs(60),
        }
    }
}

fn http_err(url: &str, m: impl Into<String>) -> VulnError {
    VulnError::Http {
        url: url.to_owned(),
        message: m.into(),
    }
}

impl HttpGet for TcpHttp {
    fn get(&self, url: &str, headers: &[(&str, &str)]) -> Result<HttpResponse, VulnError> {
        let rest = url
            .strip_prefix("http://")
            .ok_or_else(|| http_err(url, "only http:// is supported by TcpHttp"))?;
        let (hostport, path) = match rest.find('/') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, "/"),
        };
        let addr = if hostport.contains(':') {
            hostport.to_owned()
        } else {
            format!("{hostport}:80")
        };
        let sock = std::net::ToSocketAddrs::to_socket_addrs(&addr)
            .map_err(|e| http_err(url, e.to_string()))?
            .next()
            .ok_or_else(|| http_err(url, "host did not resolve"))?;
        let mut s = TcpStream::connect_timeout(&sock, self.timeout)
            .map_err(|e| http_err(url, e.to_string()))?;
        s.set_read_timeout(Some(self.timeout))
            .map_err(|e| http_err(url, e.to_string()))?;
        s.set_write_timeout(Some(self.timeout))
            .map_err(|e| http_err(url, e.to_string()))?;
        let mut req = format!(
            "GET {path} HTTP/1.1\r\nHost: {hostport}\r\nConnection: close\r\nAccept: application/json\r\n"
        );
        for (k, v) in headers {
            req.push_str(&format!("{k}: {v}\r\n"));
        }
        req.push_str("\r\n");
        s.write_all(req.as_bytes())
            .map_err(|e| http_err(url, e.to_string()))?;
        let mut raw = Vec::new();
        s.read_to_end(&mut raw)
            .map_err(|e| http_err(url, e.to_string()))?;
        parse_response(&raw).map_err(|m| http_err(url, m))
    }
}

/// Parse a complete HTTP/1.1 response (Content-Length, chunked, or to EOF).
pub fn parse_response(raw: &[u8]) -> Result<HttpResponse, String> {
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or("no end of headers")?;
    let head = std::str::from_utf8(&raw[..end]).map_err(|_| "headers are not UTF-8")?;
    let mut lines = head.split("\r\n");
    let status_line = lines.next().ok_or("empty response")?;
    let status: u16 = status_line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| format!("bad status line {status_line:?}"))?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| {
            let (k, v) = l.split_once(':')?;
            Some((k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        })
        .collect();
    let body_raw = &raw[end + 4..];
    let chunked = headers
        .iter()
        .any(|(k, v)| k == "transfer-encoding" && v.to_ascii_lowercase().contains("chunked"));
    let body = if chunked {
        let mut out = Vec::new();
        let mut rest = body_raw;
        loop {
            let le = rest
                .windows(2)
                .position(|w| w == b"\r\n")
                .ok_or("truncated chunk size")?;
            let size_txt = std::str::from_utf8(&rest[..le]).map_err(|_| "bad chunk size")?;
            let size = usize::from_str_radix(size_txt.split(';').next().unwrap_or("").trim(), 16)
                .map_err(|_| "bad chunk size")?;
            rest = &rest[le + 2..];
            if size == 0 {
                break;
            }
            if rest.len() < size {
                return Err("truncated chunk".into());
            }
            out.extend_from_slice(&rest[..size]);
            rest = rest.get(size + 2..).unwrap_or(&[]);
        }
        out
    } else if let Some(len) = headers
        .iter()
        .find(|(k, _)| k == "content-length")
        .and_then(|(_, v)| v.parse::<usize>().ok())
    {
        body_raw.get(..len).ok_or("truncated body")?.to_vec()
    } else {
        body_raw.to_vec()
    };
    Ok(HttpResponse {
        status,
        headers,
        body,
    })
}

/// Parse an RFC 3339 date-time (`2024-01-01T00:00:00Z`, offsets allowed).
pub fn parse_datetime(s: &str) -> Result<OffsetDateTime, VulnError> {
    OffsetDateTime::parse(s.trim(), &Rfc3339).map_err(|e| VulnError::DateTime {
        value: s.to_owned(),
        reason: e.to_string(),
    })
}

/// Format for the NVD API (`2024-01-01T00:00:00.000+00:00`, URL-encoded `+`).
pub fn format_nvd(t: OffsetDateTime) -> String {
    let t = t.to_offset(UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}%2B00:00",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        t.millisecond()
    )
}

/// Split `[start, end]` into consecutive windows of at most 120 days.
pub fn windows(
    start: OffsetDateTime,
    end: OffsetDateTime,
) -> Vec<(OffsetDateTime, OffsetDateTime)> {
    let mut out = Vec::new();
    let step = time::Duration::days(MAX_WINDOW_DAYS);
    let mut s = start;
    while s < end {
        let e = if end - s > step { s + step } else { end };
        out.push((s, e));
        s = e;
    }
    out
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PageMeta {
    #[serde(default)]
    results_per_page: u64,
    #[serde(default)]
    start_index: u64,
    #[serde(default)]
    total_results: u64,
}

/// Counters of one update run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FetchStats {
    /// Date windows requested.
    pub windows: u32,
    /// Successful page requests.
    pub pages: u32,
    /// Retried requests (403/429/5xx or transport errors).
    pub retries: u32,
    /// Time slept for rate limiting and backoff.
    pub slept: Duration,
}

/// The NVD API client.
pub struct NvdClient<H: HttpGet, C: Clock> {
    http: H,
    clock: C,
    base_url: String,
    api_key: Option<String>,
    page_size: u32,
    max_attempts: u32,
    recent: VecDeque<Duration>,
    /// Counters.
    pub stats: FetchStats,
}

impl<H: HttpGet, C: Clock> NvdClient<H, C> {
    /// A client for `base_url` (e.g. [`NVD_CVE_API`]).
    pub fn new(http: H, clock: C, base_url: &str, api_key: Option<String>) -> Self {
        NvdClient {
            http,
            clock,
            base_url: base_url.trim_end_matches('?').to_owned(),
            api_key: api_key.filter(|k| !k.is_empty()),
            page_size: MAX_PAGE,
            max_attempts: 6,
            recent: VecDeque::new(),
            stats: FetchStats::default(),
        }
    }

    /// Set `resultsPerPage` (clamped to 1..=2000).
    pub fn with_page_size(mut self, n: u32) -> Self {
        self.page_size = n.clamp(1, MAX_PAGE);
        self
    }

    /// Set the number of attempts per request (≥ 1).
    pub fn with_max_attempts(mut self, n: u32) -> Self {
        self.max_attempts = n.max(1);
        self
    }

    /// Requests allowed per rolling 30 s.
    pub fn rate_limit(&self) -> usize {
        if self.api_key.is_some() { 50 } else { 5 }
    }

    fn throttle(&mut self) {
        let window = Duration::from_secs(30);
        let limit = self.rate_limit();
        let now = self.clock.now();
        while self
            .recent
            .front()
            .is_some_and(|&t| now.saturating_sub(t) >= window)
        {
            self.recent.pop_front();
        }
        if self.recent.len() >= limit
            && let Some(&oldest) = self.recent.front()
        {
            let wait = (oldest + window).saturating_sub(now);
            self.clock.sleep(wait);
            self.stats.slept += wait;
            self.recent.pop_front();
        }
        self.recent.push_back(self.clock.now());
    }

    fn get_with_retries(&mut self, url: &str) -> Result<Vec<u8>, VulnError> {
        let key = self.api_key.clone();
        let mut last_status = 0;
        for attempt in 0..self.max_attempts {
            self.throttle();
            let headers: Vec<(&str, &str)> =
                key.as_deref().map(|k| ("apiKey", k)).into_iter().collect();
            let retry_after = match self.http.get(url, &headers) {
                Ok(r) if r.status == 200 => return Ok(r.body),
                Ok(r) if r.status == 403 || r.status == 429 || r.status >= 500 => {
                    last_status = r.status;
                    r.header("retry-after").and_then(|v| v.parse::<u64>().ok())
                }
                Ok(r) => {
                    return Err(VulnError::ApiStatus {
                        url: url.to_owned(),
                        status: r.status,
                        attempts: attempt + 1,
                    });
                }
                Err(e) if attempt + 1 == self.max_attempts => return Err(e),
                Err(_) => None,
            };
            if attempt + 1 < self.max_attempts {
                self.stats.retries += 1;
                let backoff = retry_after
                    .map(Duration::from_secs)
                    .unwrap_or_else(|| Duration::from_secs(6u64 << attempt.min(4)))
                    .min(Duration::from_secs(120));
                self.clock.sleep(backoff);
                self.stats.slept += backoff;
            }
        }
        Err(VulnError::ApiStatus {
            url: url.to_owned(),
            status: last_status,
            attempts: self.max_attempts,
        })
    }

    /// Fetch every record modified in `[start, end]` (RFC 3339), window by
    /// window and page by page, handing each page's raw JSON to `on_page`.
    pub fn fetch_modified(
        &mut self,
        start: &str,
        end: &str,
        mut on_page: impl FnMut(&[u8]) -> Result<(), VulnError>,
    ) -> Result<(), VulnError> {
        let (s, e) = (parse_datetime(start)?, parse_datetime(end)?);
        if e <= s {
            return Err(VulnError::DateTime {
                value: end.to_owned(),
                reason: "end must be after start".into(),
            });
        }
        for (ws, we) in windows(s, e) {
            self.stats.windows += 1;
            let mut index = 0u64;
            loop {
                let url = format!(
                    "{}?lastModStartDate={}&lastModEndDate={}&resultsPerPage={}&startIndex={}",
                    self.base_url,
                    format_nvd(ws),
                    format_nvd(we),
                    self.page_size,
                    index
                );
                let body = self.get_with_retries(&url)?;
                let meta: PageMeta =
                    serde_json::from_slice(&body).map_err(|e| VulnError::FeedSyntax {
                        feed: url.clone(),
                        message: e.to_string(),
                    })?;
                self.stats.pages += 1;
                on_page(&body)?;
                let got = meta.results_per_page.max(1);
                index = meta.start_index + got;
                if meta.results_per_page == 0 || index >= meta.total_results {
                    break;
                }
            }
        }
        Ok(())
    }

    /// Fetch `[start, end]` and import every page into the store.
    pub fn update_store(
        &mut self,
        store: &mut VulnStore,
        start: &str,
        end: &str,
    ) -> Result<FeedReport, VulnError> {
        let mut report = FeedReport::new(format!("NVD API {start}..{end}"), FeedKind::Nvd);
        self.fetch_modified(start, end, |page| {
            let mut r = FeedReport::new("page", FeedKind::Nvd);
            import_nvd_slice(page, store, &mut r);
            if let Some(f) = r.fatal.take() {
                r.skip(0, None, None, f);
            }
            report.absorb(r);
            Ok(())
        })?;
        Ok(report)
    }
}
