//! A small, blocking W3C WebDriver client for headless Chromium.
//!
//! The browser tests of the web UI drive Debian's `chromium` through
//! `chromedriver` (package `chromium-driver`). This module speaks the W3C
//! WebDriver protocol (<https://www.w3.org/TR/webdriver2/>) itself: JSON over
//! HTTP/1.1 to the chromedriver listening on `127.0.0.1`, one short-lived
//! `Connection: close` request per command, so there is no HTTP client crate,
//! no async runtime and no connection state to go stale.
//!
//! # Model
//!
//! * [`Browser::launch`] finds the binaries (`ZIAN_CHROMEDRIVER` /
//!   `ZIAN_CHROMIUM` override the search), starts chromedriver on a free port
//!   with its log in a fresh temporary directory, waits (at most 15 s) for
//!   `GET /status` to report `ready`, and creates one session with a fresh
//!   `--user-data-dir` inside that directory.
//! * Dropping the [`Browser`] ends the session (`DELETE /session/{id}`, which
//!   makes chromedriver close Chromium), kills chromedriver, kills any Chromium
//!   process still using the session's profile directory, and removes the
//!   temporary directory.
//! * Lookups ([`Browser::find`], [`Browser::wait_for`], ...) poll every 50 ms
//!   until their timeout; the implicit-wait timeout of the session is 0, so
//!   every wait is explicit and bounded here.
//! * Every error carries what is needed to diagnose a failing test: the
//!   WebDriver error code and message, the CSS selector that matched nothing,
//!   and the page URL at the time of the failure.
//!
//! # Deviations
//!
//! * Only what the tests need is implemented: navigation, CSS-selector
//!   lookups, clicks, typing, script execution, screenshots, cookies and the
//!   window size. No frames, windows, actions API or alerts.
//! * The HTTP client understands just what chromedriver sends (a status line,
//!   headers, and a `Content-Length`, chunked or close-delimited body).
//! * Clicks are retried until the default timeout while chromedriver answers
//!   `element click intercepted` or `element not interactable`, which happen
//!   transiently while a page is still laying out.

use std::fmt;
use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use zian_app::system::UuidV7;
use zian_domain::ports::IdGen;

/// The W3C web element identifier key (WebDriver §12.1).
const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";
/// How long [`Browser::launch`] waits for chromedriver's `/status` to be ready.
const DRIVER_READY_TIMEOUT: Duration = Duration::from_secs(15);
/// Default timeout of [`Browser::find`] and of click retries.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);
/// Interval between two polls of a waiting lookup.
const POLL_INTERVAL: Duration = Duration::from_millis(50);
/// Read/write timeout of one ordinary WebDriver command.
const COMMAND_TIMEOUT: Duration = Duration::from_secs(60);
/// Read timeout of `POST /session` (starting Chromium on a loaded machine).
const NEW_SESSION_TIMEOUT: Duration = Duration::from_secs(90);
/// Timeout of the best-effort requests made while dropping the browser.
const SHUTDOWN_TIMEOUT: Duration = Duration::from_secs(5);
/// Page-load timeout configured in the session, in milliseconds.
const PAGE_LOAD_TIMEOUT_MS: u64 = 30_000;
/// How many times launch is attempted when Chromium or chromedriver fails to start.
const LAUNCH_ATTEMPTS: u32 = 3;

/// Chromium command-line arguments every session gets (plus `--user-data-dir`).
pub const CHROMIUM_ARGS: &[&str] = &[
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1280,900",
    "--lang=zh-TW",
];

/// Everything that can go wrong while driving the browser.
#[derive(Debug, thiserror::Error)]
pub enum BrowserError {
    /// chromedriver or Chromium could not be found.
    #[error(
        "browser not installed: {0} (run scripts/install-test-deps.sh, or set ZIAN_CHROMEDRIVER / ZIAN_CHROMIUM)"
    )]
    NotInstalled(String),
    /// chromedriver could not be started.
    #[error("cannot start chromedriver {path}: {source}")]
    Spawn {
        /// The chromedriver binary.
        path: PathBuf,
        /// The OS error.
        source: io::Error,
    },
    /// chromedriver did not become ready, or exited, during launch.
    #[error("chromedriver on port {port} not ready after {waited:?}: {detail}")]
    DriverNotReady {
        /// The port chromedriver was told to listen on.
        port: u16,
        /// How long launch waited.
        waited: Duration,
        /// What was seen (exit status, last status answer, log tail).
        detail: String,
    },
    /// The HTTP exchange with chromedriver failed (connect, write, read).
    #[error("transport error on {method} {path} to chromedriver: {source}")]
    Transport {
        /// HTTP method.
        method: &'static str,
        /// Request path.
        path: String,
        /// The I/O error.
        source: io::Error,
    },
    /// chromedriver answered something that is not a WebDriver response.
    #[error("malformed chromedriver response to {method} {path}: {detail}")]
    Protocol {
        /// HTTP method.
        method: &'static str,
        /// Request path.
        path: String,
        /// What was wrong.
        detail: String,
    },
    /// chromedriver answered a WebDriver error (WebDriver §6.6).
    #[error("webdriver error `{code}` on {command} (page {url}): {message}")]
    WebDriver {
        /// The WebDriver error code, e.g. `no such element`, `stale element reference`.
        code: String,
        /// The error message sent by chromedriver (first line).
        message: String,
        /// The command, e.g. `POST /session/{id}/url`.
        command: String,
        /// The page URL when the error happened (`?` when it could not be read).
        url: String,
    },
    /// No element matched a CSS selector within the timeout.
    #[error("no element matches CSS selector `{selector}` after {timeout:?} (page {url})")]
    NotFound {
        /// The CSS selector.
        selector: String,
        /// How long was waited.
        timeout: Duration,
        /// The page URL at the end of the wait.
        url: String,
    },
    /// A wait for a condition other than presence timed out.
    #[error("timed out after {timeout:?} waiting for {what} (page {url}; last seen: {last_seen})")]
    Timeout {
        /// What was waited for.
        what: String,
        /// How long was waited.
        timeout: Duration,
        /// The page URL at the end of the wait.
        url: String,
        /// The last observed value (text, URL, ...).
        last_seen: String,
    },
    /// A screenshot could not be decoded or written.
    #[error("screenshot {path}: {detail}")]
    Screenshot {
        /// Destination path.
        path: PathBuf,
        /// What went wrong.
        detail: String,
    },
    /// The temporary directory could not be created.
    #[error("cannot create temporary directory {path}: {source}")]
    TempDir {
        /// The directory.
        path: PathBuf,
        /// The OS error.
        source: io::Error,
    },
}

impl BrowserError {
    /// The WebDriver error code, when this is a WebDriver error.
    pub fn webdriver_code(&self) -> Option<&str> {
        match self {
            BrowserError::WebDriver { code, .. } => Some(code),
            _ => None,
        }
    }

    /// Whether the error comes from the page changing under the command: a
    /// stale element reference, or Chromium's variants of it while a
    /// navigation replaces the document ("Node with given id does not belong
    /// to the document", a destroyed execution context). Waits retry these.
    pub fn is_page_churn(&self) -> bool {
        match self {
            BrowserError::WebDriver { code, message, .. } => {
                code == "stale element reference"
                    || (code == "unknown error"
                        && (message.contains("does not belong to the document")
                            || message.contains("execution context")
                            || message.contains("Cannot find context")))
            }
            _ => false,
        }
    }
}

/// Result alias of this module.
pub type Result<T, E = BrowserError> = std::result::Result<T, E>;

/// One cookie as reported by the browser (WebDriver §14, cookie serialization).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cookie {
    /// Cookie name.
    pub name: String,
    /// Cookie value.
    pub value: String,
    /// Path attribute.
    pub path: Option<String>,
    /// Domain attribute.
    pub domain: Option<String>,
    /// Secure flag.
    pub secure: bool,
    /// HttpOnly flag.
    pub http_only: bool,
    /// Expiry in seconds since the Unix epoch (absent for session cookies).
    pub expiry: Option<u64>,
    /// SameSite attribute (`Lax`, `Strict`, `None`).
    pub same_site: Option<String>,
}

impl Cookie {
    fn from_json(v: &Value) -> Option<Cookie> {
        let s = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_owned);
        Some(Cookie {
            name: s("name")?,
            value: s("value")?,
            path: s("path"),
            domain: s("domain"),
            secure: v.get("secure").and_then(Value::as_bool).unwrap_or(false),
            http_only: v.get("httpOnly").and_then(Value::as_bool).unwrap_or(false),
            expiry: v.get("expiry").and_then(|e| {
                e.as_u64()
                    .or_else(|| e.as_f64().filter(|f| *f >= 0.0).map(|f| f as u64))
            }),
            same_site: s("sameSite"),
        })
    }
}

/// Where the two binaries are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrowserPaths {
    /// The chromedriver executable.
    pub chromedriver: PathBuf,
    /// The Chromium executable handed to chromedriver as `binary`.
    pub chromium: PathBuf,
}

impl BrowserPaths {
    /// Locates chromedriver and Chromium.
    ///
    /// `ZIAN_CHROMEDRIVER` and `ZIAN_CHROMIUM` win when set (and must then name
    /// an existing file). Otherwise chromedriver is looked up in `PATH`, and
    /// Chromium is `/usr/lib/chromium/chromium` (the real binary behind
    /// Debian's `/usr/bin/chromium` wrapper script, which adds flags of its
    /// own) or the first of `chromium`, `chromium-browser`, `google-chrome` in
    /// `PATH`.
    pub fn locate() -> Result<BrowserPaths> {
        let chromedriver = match std::env::var_os("ZIAN_CHROMEDRIVER") {
            Some(p) => existing_file(PathBuf::from(p), "ZIAN_CHROMEDRIVER")?,
            None => find_in_path("chromedriver").ok_or_else(|| {
                BrowserError::NotInstalled("chromedriver not found in PATH".into())
            })?,
        };
        let chromium = match std::env::var_os("ZIAN_CHROMIUM") {
            Some(p) => existing_file(PathBuf::from(p), "ZIAN_CHROMIUM")?,
            None => {
                let debian = PathBuf::from("/usr/lib/chromium/chromium");
                if debian.is_file() {
                    debian
                } else {
                    ["chromium", "chromium-browser", "google-chrome"]
                        .iter()
                        .find_map(|n| find_in_path(n))
                        .ok_or_else(|| {
                            BrowserError::NotInstalled(
                                "chromium not found (/usr/lib/chromium/chromium, PATH)".into(),
                            )
                        })?
                }
            }
        };
        Ok(BrowserPaths {
            chromedriver,
            chromium,
        })
    }
}

fn existing_file(p: PathBuf, var: &str) -> Result<PathBuf> {
    if p.is_file() {
        Ok(p)
    } else {
        Err(BrowserError::NotInstalled(format!(
            "{var}={} is not a file",
            p.display()
        )))
    }
}

fn find_in_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
}

/// Where browser tests put their screenshots: `$ZIAN_TEST_ARTIFACTS`,
/// else `test-artifacts/` at the repository's root (created).
pub fn artifacts() -> PathBuf {
    let dir = std::env::var_os("ZIAN_TEST_ARTIFACTS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../test-artifacts"));
    let _ = std::fs::create_dir_all(&dir);
    dir
}

/// Whether `ZIAN_REQUIRE_BROWSER` asks browser tests to fail rather than skip
/// when the browser is missing (any value but empty or `0`).
pub fn browser_required() -> bool {
    std::env::var("ZIAN_REQUIRE_BROWSER").is_ok_and(|v| !v.is_empty() && v != "0")
}

/// A temporary directory removed on drop.
#[derive(Debug)]
struct TempDir {
    path: PathBuf,
}

impl TempDir {
    fn new(tag: &str) -> Result<TempDir> {
        let base = std::env::temp_dir();
        let mut last_err = None;
        for attempt in 0..16u32 {
            // a fresh UUIDv7 from the real id generator (no wall clock here)
            let id = UuidV7.new_id();
            let path = base.join(format!(
                "zian-browser-{}-{tag}-{id}-{attempt}",
                std::process::id()
            ));
            match std::fs::create_dir(&path) {
                Ok(()) => return Ok(TempDir { path }),
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => last_err = Some(e),
                Err(source) => return Err(BrowserError::TempDir { path, source }),
            }
        }
        Err(BrowserError::TempDir {
            path: base,
            source: last_err.unwrap_or_else(|| io::Error::other("no unique name found")),
        })
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        // Chromium may still be flushing its profile for a moment after exit.
        for _ in 0..20 {
            match std::fs::remove_dir_all(&self.path) {
                Ok(()) => return,
                Err(e) if e.kind() == io::ErrorKind::NotFound => return,
                Err(_) => thread::sleep(Duration::from_millis(100)),
            }
        }
    }
}

/// A headless Chromium session driven through chromedriver.
///
/// Not `Sync`-shared by design: one test owns one browser. Dropping it stops
/// chromedriver and Chromium and removes the temporary profile.
pub struct Browser {
    // Field order matters for drop: the process is stopped in `Drop::drop`,
    // then `_tmp` is removed when the fields drop.
    driver: Child,
    addr: SocketAddr,
    session: String,
    session_path: String,
    default_timeout: Duration,
    profile_dir: PathBuf,
    log_path: PathBuf,
    paths: BrowserPaths,
    /// Holds the profile and log; removed when dropped (after `Drop::drop`).
    _tmp: TempDir,
}

impl fmt::Debug for Browser {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Browser")
            .field("driver_pid", &self.driver.id())
            .field("addr", &self.addr)
            .field("session", &self.session)
            .field("profile_dir", &self.profile_dir)
            .finish_non_exhaustive()
    }
}

impl Browser {
    /// Whether both chromedriver and Chromium can be found.
    pub fn available() -> bool {
        BrowserPaths::locate().is_ok()
    }

    /// Launches chromedriver and a headless Chromium session.
    ///
    /// Retries up to three times (fresh port and profile each time) when
    /// chromedriver does not come up or Chromium fails to start, which can
    /// happen on a loaded machine or when the chosen free port is taken
    /// between probing and chromedriver binding it.
    pub fn launch() -> Result<Browser> {
        let paths = BrowserPaths::locate()?;
        let mut last = None;
        for _ in 0..LAUNCH_ATTEMPTS {
            match Browser::launch_once(&paths) {
                Ok(b) => return Ok(b),
                Err(e) if is_retryable_launch_error(&e) => last = Some(e),
                Err(e) => return Err(e),
            }
        }
        Err(last.unwrap_or_else(|| BrowserError::NotInstalled("no launch attempted".into())))
    }

    /// For tests: launches the browser, or returns `Ok(None)` after printing a
    /// skip note when it is not installed and [`browser_required`] is false.
    /// When it is required and missing this is an error, so the test fails.
    pub fn launch_or_skip(test_name: &str) -> Result<Option<Browser>> {
        match BrowserPaths::locate() {
            Ok(_) => Browser::launch().map(Some),
            Err(e) if browser_required() => Err(e),
            Err(e) => {
                eprintln!(
                    "SKIPPED {test_name}: {e} (set ZIAN_REQUIRE_BROWSER=1 to make this a failure)"
                );
                Ok(None)
            }
        }
    }

    fn launch_once(paths: &BrowserPaths) -> Result<Browser> {
        let tmp = TempDir::new("session")?;
        let profile_dir = tmp.path.join("profile");
        std::fs::create_dir(&profile_dir).map_err(|source| BrowserError::TempDir {
            path: profile_dir.clone(),
            source,
        })?;
        let log_path = tmp.path.join("chromedriver.log");
        let port = free_port().map_err(|source| BrowserError::Transport {
            method: "BIND",
            path: "127.0.0.1:0".into(),
            source,
        })?;
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        let mut driver = Command::new(&paths.chromedriver)
            .arg(format!("--port={port}"))
            .arg(format!("--log-path={}", log_path.display()))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|source| BrowserError::Spawn {
                path: paths.chromedriver.clone(),
                source,
            })?;

        // From here on, any failure must stop the driver: build the Browser
        // early so its Drop does it.
        let mut browser = Browser {
            driver: {
                if let Err(e) = wait_driver_ready(&mut driver, addr, &log_path) {
                    let _ = driver.kill();
                    let _ = driver.wait();
                    return Err(e);
                }
                driver
            },
            addr,
            session: String::new(),
            session_path: String::new(),
            default_timeout: DEFAULT_TIMEOUT,
            profile_dir,
            log_path,
            paths: paths.clone(),
            _tmp: tmp,
        };

        let mut args: Vec<String> = CHROMIUM_ARGS.iter().map(|s| (*s).to_owned()).collect();
        args.push(format!("--user-data-dir={}", browser.profile_dir.display()));
        let caps = json!({
            "capabilities": {
                "alwaysMatch": {
                    "browserName": "chrome",
                    "pageLoadStrategy": "normal",
                    "timeouts": { "implicit": 0, "pageLoad": PAGE_LOAD_TIMEOUT_MS, "script": 30_000 },
                    "goog:chromeOptions": {
                        "binary": browser.paths.chromium.to_string_lossy(),
                        "args": args,
                    }
                }
            }
        });
        let value = http_json(addr, "POST", "/session", Some(&caps), NEW_SESSION_TIMEOUT)
            .and_then(|(status, body)| check_response("POST", "/session", status, body))
            .map_err(|e| browser.annotate_launch_error(e))?;
        let session = value
            .get("sessionId")
            .and_then(Value::as_str)
            .ok_or_else(|| BrowserError::Protocol {
                method: "POST",
                path: "/session".into(),
                detail: format!("no sessionId in {value}"),
            })?
            .to_owned();
        browser.session_path = format!("/session/{session}");
        browser.session = session;
        Ok(browser)
    }

    /// Adds the chromedriver log tail to a failed session creation.
    fn annotate_launch_error(&self, e: BrowserError) -> BrowserError {
        match e {
            BrowserError::WebDriver {
                code,
                message,
                command,
                url,
            } => BrowserError::WebDriver {
                code,
                message: format!(
                    "{message}; chromedriver log tail:\n{}",
                    log_tail(&self.log_path)
                ),
                command,
                url,
            },
            other => other,
        }
    }

    /// Sets the default timeout of [`Browser::find`] and click retries.
    pub fn set_default_timeout(&mut self, timeout: Duration) {
        self.default_timeout = timeout;
    }

    /// The default timeout of [`Browser::find`] (5 s unless changed).
    pub fn default_timeout(&self) -> Duration {
        self.default_timeout
    }

    /// The Chromium profile directory of this session (removed on drop).
    pub fn profile_dir(&self) -> &Path {
        &self.profile_dir
    }

    /// The process id of chromedriver (stopped on drop).
    pub fn driver_pid(&self) -> u32 {
        self.driver.id()
    }

    /// The binaries this browser runs.
    pub fn paths(&self) -> &BrowserPaths {
        &self.paths
    }

    /// The WebDriver session id.
    pub fn session_id(&self) -> &str {
        &self.session
    }

    // ----- raw command plumbing -------------------------------------------

    /// Sends one command relative to the session and returns its `value`.
    /// WebDriver errors are annotated with the current page URL.
    fn cmd(&self, method: &'static str, rel: &str, body: Option<&Value>) -> Result<Value> {
        self.cmd_raw(method, rel, body)
            .map_err(|e| self.with_url(e))
    }

    /// Like [`Browser::cmd`] without the URL annotation (used to read the URL).
    fn cmd_raw(&self, method: &'static str, rel: &str, body: Option<&Value>) -> Result<Value> {
        let path = format!("{}{rel}", self.session_path);
        // POST commands must carry a JSON body, `{}` when there is nothing to send.
        let empty = json!({});
        let body = match (method, body) {
            ("POST", None) => Some(&empty),
            (_, b) => b,
        };
        let (status, value) = http_json(self.addr, method, &path, body, COMMAND_TIMEOUT)?;
        check_response(method, &path, status, value)
    }

    fn with_url(&self, e: BrowserError) -> BrowserError {
        match e {
            BrowserError::WebDriver {
                code,
                message,
                command,
                ..
            } => BrowserError::WebDriver {
                code,
                message,
                command,
                url: self.url_for_report(),
            },
            other => other,
        }
    }

    /// The current URL for an error report, `?` when it cannot be read.
    fn url_for_report(&self) -> String {
        self.cmd_raw("GET", "/url", None)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_else(|| "?".into())
    }

    // ----- navigation -----------------------------------------------------

    /// Navigates to `url` and waits for the page load (WebDriver §10.1).
    pub fn goto(&self, url: &str) -> Result<()> {
        self.cmd("POST", "/url", Some(&json!({ "url": url })))
            .map(drop)
    }

    /// The URL of the current page.
    pub fn current_url(&self) -> Result<String> {
        let v = self.cmd("GET", "/url", None)?;
        as_string(v, "GET /url")
    }

    /// The document title.
    pub fn title(&self) -> Result<String> {
        let v = self.cmd("GET", "/title", None)?;
        as_string(v, "GET /title")
    }

    /// The serialized DOM of the current page.
    pub fn page_source(&self) -> Result<String> {
        let v = self.cmd("GET", "/source", None)?;
        as_string(v, "GET /source")
    }

    /// Goes back one entry in the history.
    pub fn back(&self) -> Result<()> {
        self.cmd("POST", "/back", None).map(drop)
    }

    /// Reloads the current page.
    pub fn refresh(&self) -> Result<()> {
        self.cmd("POST", "/refresh", None).map(drop)
    }

    // ----- elements -------------------------------------------------------

    /// Finds the first element matching `css`, waiting up to the default
    /// timeout (5 s) for it to appear.
    pub fn find(&self, css: &str) -> Result<Element<'_>> {
        self.wait_for(css, self.default_timeout)
    }

    /// Finds the first element matching `css`, waiting up to `timeout`.
    pub fn wait_for(&self, css: &str, timeout: Duration) -> Result<Element<'_>> {
        let deadline = Instant::now() + timeout;
        let body = json!({ "using": "css selector", "value": css });
        loop {
            match self.cmd_raw("POST", "/element", Some(&body)) {
                Ok(v) => return self.element_from(&v, css),
                Err(e) if e.webdriver_code() == Some("no such element") || e.is_page_churn() => {}
                Err(e) => return Err(self.with_url(e)),
            }
            if Instant::now() >= deadline {
                return Err(BrowserError::NotFound {
                    selector: css.to_owned(),
                    timeout,
                    url: self.url_for_report(),
                });
            }
            thread::sleep(POLL_INTERVAL);
        }
    }

    /// All elements currently matching `css` (no waiting; may be empty).
    pub fn find_all(&self, css: &str) -> Result<Vec<Element<'_>>> {
        let v = self.cmd(
            "POST",
            "/elements",
            Some(&json!({ "using": "css selector", "value": css })),
        )?;
        let list = v.as_array().ok_or_else(|| BrowserError::Protocol {
            method: "POST",
            path: "/elements".into(),
            detail: format!("expected an array, got {v}"),
        })?;
        list.iter().map(|e| self.element_from(e, css)).collect()
    }

    /// Whether an element matching `css` is present right now.
    pub fn exists(&self, css: &str) -> Result<bool> {
        Ok(!self.find_all(css)?.is_empty())
    }

    fn element_from(&self, v: &Value, css: &str) -> Result<Element<'_>> {
        let id =
            v.get(ELEMENT_KEY)
                .and_then(Value::as_str)
                .ok_or_else(|| BrowserError::Protocol {
                    method: "POST",
                    path: "/element".into(),
                    detail: format!("no web element reference in {v}"),
                })?;
        Ok(Element {
            browser: self,
            id: id.to_owned(),
            selector: css.to_owned(),
        })
    }

    /// Waits until the current URL contains `needle`.
    pub fn wait_until_url_contains(&self, needle: &str, timeout: Duration) -> Result<String> {
        let deadline = Instant::now() + timeout;
        loop {
            let url = self.current_url()?;
            if url.contains(needle) {
                return Ok(url);
            }
            if Instant::now() >= deadline {
                return Err(BrowserError::Timeout {
                    what: format!("URL containing `{needle}`"),
                    timeout,
                    last_seen: url.clone(),
                    url,
                });
            }
            thread::sleep(POLL_INTERVAL);
        }
    }

    /// Waits until an element matching `css` has visible text containing
    /// `text`, and returns that element. Elements replaced while polling
    /// (stale references) are simply looked up again.
    pub fn wait_for_text(&self, css: &str, text: &str, timeout: Duration) -> Result<Element<'_>> {
        let deadline = Instant::now() + timeout;
        let mut last_seen = String::from("<no matching element>");
        loop {
            let found = match self.find_all(css) {
                Ok(found) => found,
                Err(e) if e.is_page_churn() => Vec::new(),
                Err(e) => return Err(e),
            };
            for el in found {
                match el.text() {
                    Ok(t) if t.contains(text) => return Ok(el),
                    Ok(t) => last_seen = t,
                    Err(e) if e.is_page_churn() => {}
                    Err(e) => return Err(e),
                }
            }
            if Instant::now() >= deadline {
                return Err(BrowserError::Timeout {
                    what: format!("text `{text}` in `{css}`"),
                    timeout,
                    url: self.url_for_report(),
                    last_seen,
                });
            }
            thread::sleep(POLL_INTERVAL);
        }
    }

    // ----- scripts, screenshots, cookies, window ---------------------------

    /// Runs `script` as the body of a function with `args` as `arguments`
    /// (WebDriver §13.2.1) and returns its JSON-serialized result. Pass
    /// elements with [`Element::to_json`].
    pub fn execute(&self, script: &str, args: &[Value]) -> Result<Value> {
        self.cmd(
            "POST",
            "/execute/sync",
            Some(&json!({ "script": script, "args": args })),
        )
    }

    /// A PNG screenshot of the viewport.
    pub fn screenshot_png(&self) -> Result<Vec<u8>> {
        let v = self.cmd("GET", "/screenshot", None)?;
        let b64 = v.as_str().ok_or_else(|| BrowserError::Protocol {
            method: "GET",
            path: "/screenshot".into(),
            detail: "screenshot value is not a string".into(),
        })?;
        let png = base64_decode(b64).map_err(|detail| BrowserError::Protocol {
            method: "GET",
            path: "/screenshot".into(),
            detail,
        })?;
        if !png.starts_with(b"\x89PNG\r\n\x1a\n") {
            return Err(BrowserError::Protocol {
                method: "GET",
                path: "/screenshot".into(),
                detail: "decoded screenshot is not a PNG".into(),
            });
        }
        Ok(png)
    }

    /// Writes a PNG screenshot of the viewport to `path`, creating parent
    /// directories. Returns the number of bytes written.
    pub fn screenshot(&self, path: impl AsRef<Path>) -> Result<usize> {
        let path = path.as_ref();
        let png = self.screenshot_png()?;
        let err = |e: io::Error| BrowserError::Screenshot {
            path: path.to_owned(),
            detail: e.to_string(),
        };
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(err)?;
        }
        std::fs::write(path, &png).map_err(err)?;
        Ok(png.len())
    }

    /// All cookies visible to the current page.
    pub fn cookies(&self) -> Result<Vec<Cookie>> {
        let v = self.cmd("GET", "/cookie", None)?;
        let list = v.as_array().ok_or_else(|| BrowserError::Protocol {
            method: "GET",
            path: "/cookie".into(),
            detail: format!("expected an array, got {v}"),
        })?;
        list.iter()
            .map(|c| {
                Cookie::from_json(c).ok_or_else(|| BrowserError::Protocol {
                    method: "GET",
                    path: "/cookie".into(),
                    detail: format!("cookie without name/value: {c}"),
                })
            })
            .collect()
    }

    /// The cookie named `name`, if the current page sees one.
    pub fn cookie(&self, name: &str) -> Result<Option<Cookie>> {
        Ok(self.cookies()?.into_iter().find(|c| c.name == name))
    }

    /// Adds a cookie for the current page's domain, path `/`.
    pub fn add_cookie(&self, name: &str, value: &str) -> Result<()> {
        self.cmd(
            "POST",
            "/cookie",
            Some(&json!({ "cookie": { "name": name, "value": value, "path": "/" } })),
        )
        .map(drop)
    }

    /// Deletes every cookie of the current page's domain.
    pub fn delete_all_cookies(&self) -> Result<()> {
        self.cmd("DELETE", "/cookie", None).map(drop)
    }

    /// Resizes the window (outer size, CSS pixels).
    pub fn set_window_size(&self, width: u32, height: u32) -> Result<()> {
        self.cmd(
            "POST",
            "/window/rect",
            Some(&json!({ "width": width, "height": height })),
        )
        .map(drop)
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // Ending the session makes chromedriver quit Chromium cleanly.
        if !self.session.is_empty() {
            let _ = http_json(
                self.addr,
                "DELETE",
                &self.session_path,
                None,
                SHUTDOWN_TIMEOUT,
            );
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
        kill_processes_using(&self.profile_dir);
        // `self._tmp` is removed when the fields are dropped.
    }
}

/// Kills leftover processes whose command line names our profile directory
/// (Chromium children that outlived chromedriver). Linux only; elsewhere a no-op.
fn kill_processes_using(profile_dir: &Path) {
    let needle = format!("--user-data-dir={}", profile_dir.display());
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return;
    };
    let mut pids = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name.to_str().and_then(|s| s.parse::<u32>().ok()) else {
            continue;
        };
        let Ok(cmdline) = std::fs::read(entry.path().join("cmdline")) else {
            continue;
        };
        if cmdline
            .split(|b| *b == 0)
            .any(|arg| arg == needle.as_bytes())
        {
            pids.push(pid.to_string());
        }
    }
    if !pids.is_empty() {
        let _ = Command::new("kill")
            .arg("-9")
            .args(&pids)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
}

/// One element found by a CSS selector.
#[derive(Debug, Clone)]
pub struct Element<'b> {
    browser: &'b Browser,
    id: String,
    selector: String,
}

impl Element<'_> {
    /// The WebDriver element id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The CSS selector this element was found with.
    pub fn selector(&self) -> &str {
        &self.selector
    }

    /// The element as a script argument for [`Browser::execute`].
    pub fn to_json(&self) -> Value {
        json!({ ELEMENT_KEY: self.id })
    }

    fn cmd(&self, method: &'static str, what: &str, body: Option<&Value>) -> Result<Value> {
        self.browser
            .cmd(method, &format!("/element/{}{what}", self.id), body)
            .map_err(|e| self.with_selector(e))
    }

    /// Adds the selector to WebDriver error messages.
    fn with_selector(&self, e: BrowserError) -> BrowserError {
        match e {
            BrowserError::WebDriver {
                code,
                message,
                command,
                url,
            } => BrowserError::WebDriver {
                code,
                message: format!("{message} [element `{}`]", self.selector),
                command,
                url,
            },
            other => other,
        }
    }

    /// Clicks the element (scrolling it into view). Retries while the click
    /// is intercepted or the element is not yet interactable, up to the
    /// browser's default timeout.
    pub fn click(&self) -> Result<()> {
        let deadline = Instant::now() + self.browser.default_timeout;
        loop {
            match self.cmd("POST", "/click", None) {
                Ok(_) => return Ok(()),
                Err(e)
                    if matches!(
                        e.webdriver_code(),
                        Some("element click intercepted" | "element not interactable")
                    ) && Instant::now() < deadline =>
                {
                    thread::sleep(POLL_INTERVAL);
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// Types `text` into the element (appending to its current value).
    pub fn send_keys(&self, text: &str) -> Result<()> {
        self.cmd("POST", "/value", Some(&json!({ "text": text })))
            .map(drop)
    }

    /// Clears an input or textarea.
    pub fn clear(&self) -> Result<()> {
        self.cmd("POST", "/clear", None).map(drop)
    }

    /// The rendered (visible) text.
    pub fn text(&self) -> Result<String> {
        let v = self.cmd("GET", "/text", None)?;
        as_string(v, "GET element text")
    }

    /// The value of the HTML attribute `name`, `None` when absent.
    pub fn attr(&self, name: &str) -> Result<Option<String>> {
        let v = self.cmd("GET", &format!("/attribute/{}", path_segment(name)), None)?;
        Ok(match v {
            Value::Null => None,
            Value::String(s) => Some(s),
            other => Some(other.to_string()),
        })
    }

    /// The DOM property `name` (e.g. `checked`, `value`), as JSON.
    pub fn property(&self, name: &str) -> Result<Value> {
        self.cmd("GET", &format!("/property/{}", path_segment(name)), None)
    }

    /// The current `value` property (what the user typed), `""` when none.
    pub fn value(&self) -> Result<String> {
        Ok(match self.property("value")? {
            Value::String(s) => s,
            Value::Null => String::new(),
            other => other.to_string(),
        })
    }

    /// The lower-case tag name.
    pub fn tag_name(&self) -> Result<String> {
        let v = self.cmd("GET", "/name", None)?;
        as_string(v, "GET element name")
    }

    /// Whether the element is displayed.
    pub fn is_displayed(&self) -> Result<bool> {
        let v = self.cmd("GET", "/displayed", None)?;
        Ok(v.as_bool().unwrap_or(false))
    }
}

// ----- launch helpers ------------------------------------------------------

fn free_port() -> io::Result<u16> {
    let l = TcpListener::bind(("127.0.0.1", 0))?;
    Ok(l.local_addr()?.port())
}

fn is_retryable_launch_error(e: &BrowserError) -> bool {
    match e {
        BrowserError::DriverNotReady { .. } | BrowserError::Transport { .. } => true,
        // Chromium crashed or timed out while starting ("session not created:
        // Chrome failed to start", "DevToolsActivePort file doesn't exist").
        BrowserError::WebDriver { code, .. } => code == "session not created",
        _ => false,
    }
}

fn wait_driver_ready(driver: &mut Child, addr: SocketAddr, log: &Path) -> Result<()> {
    let start = Instant::now();
    loop {
        if let Ok(Some(status)) = driver.try_wait() {
            return Err(BrowserError::DriverNotReady {
                port: addr.port(),
                waited: start.elapsed(),
                detail: format!(
                    "chromedriver exited with {status}; log tail:\n{}",
                    log_tail(log)
                ),
            });
        }
        let last = match http_json(addr, "GET", "/status", None, Duration::from_secs(2)) {
            Ok((200, v)) if v.pointer("/value/ready") == Some(&Value::Bool(true)) => {
                return Ok(());
            }
            Ok((status, v)) => format!("HTTP {status}: {v}"),
            Err(e) => e.to_string(),
        };
        if start.elapsed() >= DRIVER_READY_TIMEOUT {
            return Err(BrowserError::DriverNotReady {
                port: addr.port(),
                waited: start.elapsed(),
                detail: format!("{last}; log tail:\n{}", log_tail(log)),
            });
        }
        thread::sleep(Duration::from_millis(50));
    }
}

/// The last lines of chromedriver's log, for error messages.
fn log_tail(path: &Path) -> String {
    match std::fs::read(path) {
        Ok(bytes) => {
            let text = String::from_utf8_lossy(&bytes);
            let lines: Vec<&str> = text.lines().collect();
            let from = lines.len().saturating_sub(15);
            lines[from..].join("\n")
        }
        Err(e) => format!("<no log at {}: {e}>", path.display()),
    }
}

// ----- protocol helpers ----------------------------------------------------

fn as_string(v: Value, what: &str) -> Result<String> {
    match v {
        Value::String(s) => Ok(s),
        other => Err(BrowserError::Protocol {
            method: "GET",
            path: what.to_owned(),
            detail: format!("expected a string, got {other}"),
        }),
    }
}

/// Turns an HTTP status and JSON body into the WebDriver `value`, or a
/// [`BrowserError::WebDriver`] for error responses (WebDriver §6.6).
fn check_response(method: &'static str, path: &str, status: u16, body: Value) -> Result<Value> {
    let Value::Object(mut map) = body else {
        return Err(BrowserError::Protocol {
            method,
            path: path.to_owned(),
            detail: format!("HTTP {status}: body is not a JSON object"),
        });
    };
    let value = map.remove("value").unwrap_or(Value::Null);
    let error = value.get("error").and_then(Value::as_str);
    if status >= 400 || error.is_some() {
        let code = error.unwrap_or("unknown error").to_owned();
        let message = value
            .get("message")
            .and_then(Value::as_str)
            .unwrap_or("")
            .lines()
            .next()
            .unwrap_or("")
            .to_owned();
        return Err(BrowserError::WebDriver {
            code,
            message,
            command: format!("{method} {path}"),
            url: "?".into(),
        });
    }
    Ok(value)
}

/// Sends one HTTP/1.1 request with a JSON body to `addr` and returns the
/// status code and the parsed JSON body.
fn http_json(
    addr: SocketAddr,
    method: &'static str,
    path: &str,
    body: Option<&Value>,
    timeout: Duration,
) -> Result<(u16, Value)> {
    let transport = |source: io::Error| BrowserError::Transport {
        method,
        path: path.to_owned(),
        source,
    };
    let payload = body.map(Value::to_string).unwrap_or_default();
    let mut req = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nAccept: application/json\r\nConnection: close\r\n"
    );
    if body.is_some() {
        req.push_str("Content-Type: application/json; charset=utf-8\r\n");
    }
    req.push_str(&format!("Content-Length: {}\r\n\r\n", payload.len()));
    req.push_str(&payload);

    let mut stream =
        TcpStream::connect_timeout(&addr, Duration::from_secs(5)).map_err(transport)?;
    stream.set_read_timeout(Some(timeout)).map_err(transport)?;
    stream.set_write_timeout(Some(timeout)).map_err(transport)?;
    stream.set_nodelay(true).map_err(transport)?;
    stream.write_all(req.as_bytes()).map_err(transport)?;
    stream.flush().map_err(transport)?;

    let (status, raw) = read_http_response(&mut stream).map_err(|e| match e {
        HttpReadError::Io(source) => transport(source),
        HttpReadError::Malformed(detail) => BrowserError::Protocol {
            method,
            path: path.to_owned(),
            detail,
        },
    })?;
    if raw.is_empty() {
        return Ok((status, Value::Null));
    }
    let value = serde_json::from_slice(&raw).map_err(|e| BrowserError::Protocol {
        method,
        path: path.to_owned(),
        detail: format!(
            "HTTP {status}: invalid JSON ({e}): {}",
            String::from_utf8_lossy(&raw[..raw.len().min(200)])
        ),
    })?;
    Ok((status, value))
}

#[derive(Debug)]
enum HttpReadError {
    Io(io::Error),
    Malformed(String),
}

impl From<io::Error> for HttpReadError {
    fn from(e: io::Error) -> Self {
        HttpReadError::Io(e)
    }
}

/// Largest response accepted (screenshots of big windows are a few MB).
const MAX_RESPONSE: usize = 256 * 1024 * 1024;

/// Reads one HTTP/1.1 response: status code and decoded body.
fn read_http_response(r: &mut impl Read) -> Result<(u16, Vec<u8>), HttpReadError> {
    let mut buf = Vec::with_capacity(8192);
    let mut chunk = [0u8; 16384];
    let head_end = loop {
        if let Some(i) = find_subslice(&buf, b"\r\n\r\n") {
            break i;
        }
        if buf.len() > 64 * 1024 {
            return Err(HttpReadError::Malformed(
                "header section over 64 KiB".into(),
            ));
        }
        let n = r.read(&mut chunk)?;
        if n == 0 {
            return Err(HttpReadError::Malformed(format!(
                "connection closed after {} bytes, before the end of the headers",
                buf.len()
            )));
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = std::str::from_utf8(&buf[..head_end])
        .map_err(|_| HttpReadError::Malformed("headers are not UTF-8".into()))?;
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or("");
    let status = status_line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse::<u16>().ok())
        .filter(|_| status_line.starts_with("HTTP/1."))
        .ok_or_else(|| HttpReadError::Malformed(format!("bad status line `{status_line}`")))?;
    let mut content_length = None;
    let mut chunked = false;
    for line in lines {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        let value = value.trim();
        if name.eq_ignore_ascii_case("content-length") {
            content_length =
                Some(value.parse::<usize>().map_err(|_| {
                    HttpReadError::Malformed(format!("bad Content-Length `{value}`"))
                })?);
        } else if name.eq_ignore_ascii_case("transfer-encoding") {
            chunked = value.to_ascii_lowercase().contains("chunked");
        }
    }
    let mut body = buf.split_off(head_end + 4);
    if chunked {
        // Read to the end (we sent `Connection: close`), then de-chunk.
        read_to_end_limited(r, &mut body)?;
        return Ok((status, dechunk(&body)?));
    }
    match content_length {
        Some(len) => {
            if len > MAX_RESPONSE {
                return Err(HttpReadError::Malformed(format!("body of {len} bytes")));
            }
            while body.len() < len {
                let n = r.read(&mut chunk)?;
                if n == 0 {
                    return Err(HttpReadError::Malformed(format!(
                        "connection closed after {} of {len} body bytes",
                        body.len()
                    )));
                }
                body.extend_from_slice(&chunk[..n]);
            }
            body.truncate(len);
        }
        None => read_to_end_limited(r, &mut body)?,
    }
    Ok((status, body))
}

fn read_to_end_limited(r: &mut impl Read, body: &mut Vec<u8>) -> Result<(), HttpReadError> {
    let mut chunk = [0u8; 16384];
    loop {
        let n = r.read(&mut chunk)?;
        if n == 0 {
            return Ok(());
        }
        body.extend_from_slice(&chunk[..n]);
        if body.len() > MAX_RESPONSE {
            return Err(HttpReadError::Malformed("response too large".into()));
        }
    }
}

/// Decodes a `Transfer-Encoding: chunked` body (RFC 9112 §7.1).
fn dechunk(mut data: &[u8]) -> Result<Vec<u8>, HttpReadError> {
    let mut out = Vec::with_capacity(data.len());
    loop {
        let line_end = find_subslice(data, b"\r\n")
            .ok_or_else(|| HttpReadError::Malformed("chunk size line not terminated".into()))?;
        let size_line = std::str::from_utf8(&data[..line_end])
            .map_err(|_| HttpReadError::Malformed("chunk size not ASCII".into()))?;
        let size_hex = size_line.split(';').next().unwrap_or("").trim();
        let size = usize::from_str_radix(size_hex, 16)
            .map_err(|_| HttpReadError::Malformed(format!("bad chunk size `{size_hex}`")))?;
        data = &data[line_end + 2..];
        if size == 0 {
            return Ok(out);
        }
        if data.len() < size + 2 || &data[size..size + 2] != b"\r\n" {
            return Err(HttpReadError::Malformed(format!(
                "chunk of {size} bytes truncated or not followed by CRLF"
            )));
        }
        out.extend_from_slice(&data[..size]);
        data = &data[size + 2..];
    }
}

fn find_subslice(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Percent-encodes one URL path segment (RFC 3986 unreserved characters kept).
fn path_segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Decodes standard base64 (RFC 4648 §4) with optional padding; ASCII
/// whitespace is ignored.
fn base64_decode(input: &str) -> Result<Vec<u8>, String> {
    fn sextet(c: u8) -> Option<u32> {
        match c {
            b'A'..=b'Z' => Some(u32::from(c - b'A')),
            b'a'..=b'z' => Some(u32::from(c - b'a') + 26),
            b'0'..=b'9' => Some(u32::from(c - b'0') + 52),
            b'+' => Some(62),
            b'/' => Some(63),
            _ => None,
        }
    }
    let mut out = Vec::with_capacity(input.len() / 4 * 3);
    let mut acc: u32 = 0;
    let mut bits = 0u32;
    let mut padding = 0usize;
    for (pos, c) in input.bytes().enumerate() {
        if c.is_ascii_whitespace() {
            continue;
        }
        if c == b'=' {
            padding += 1;
            if padding > 2 {
                return Err(format!("base64: too much padding at byte {pos}"));
            }
            continue;
        }
        if padding > 0 {
            return Err(format!("base64: data after padding at byte {pos}"));
        }
        let v = sextet(c).ok_or_else(|| format!("base64: invalid byte {c:#04x} at {pos}"))?;
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(((acc >> bits) & 0xff) as u8);
        }
    }
    // 6 leftover bits can never form a valid encoding (one stray character).
    if bits == 6 {
        return Err("base64: truncated input".into());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_decodes_rfc4648_vectors() {
        // RFC 4648 §10 test vectors.
        let cases = [
            ("", ""),
            ("Zg==", "f"),
            ("Zm8=", "fo"),
            ("Zm9v", "foo"),
            ("Zm9vYg==", "foob"),
            ("Zm9vYmE=", "fooba"),
            ("Zm9vYmFy", "foobar"),
        ];
        for (enc, dec) in cases {
            assert_eq!(base64_decode(enc).unwrap(), dec.as_bytes(), "{enc}");
        }
        assert_eq!(base64_decode("Zm9v\nYmFy").unwrap(), b"foobar");
        assert_eq!(base64_decode("+/8=").unwrap(), [0xfb, 0xff]);
    }

    #[test]
    fn base64_rejects_garbage() {
        assert!(base64_decode("Zm9v!").is_err());
        assert!(base64_decode("Zg=a").is_err());
        assert!(base64_decode("Z").is_err());
        assert!(base64_decode("Zg===").is_err());
    }

    #[test]
    fn reads_content_length_response() {
        let raw = b"HTTP/1.1 200 OK\r\nContent-Length: 12\r\nContent-Type: application/json\r\n\r\n{\"value\":1}\nEXTRA";
        let (status, body) = read_http_response(&mut &raw[..]).unwrap();
        assert_eq!(status, 200);
        assert_eq!(body, b"{\"value\":1}\n");
    }

    #[test]
    fn reads_chunked_response() {
        let raw = b"HTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\n\r\n4\r\n{\"va\r\n9;ext=1\r\nlue\":null\r\n1\r\n}\r\n0\r\n\r\n";
        let (status, body) = read_http_response(&mut &raw[..]).unwrap();
        assert_eq!(status, 404);
        assert_eq!(body, b"{\"value\":null}");
    }

    #[test]
    fn rejects_truncated_responses() {
        let raw = b"HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\n{}";
        assert!(matches!(
            read_http_response(&mut &raw[..]),
            Err(HttpReadError::Malformed(m)) if m.contains("2 of 50")
        ));
        let raw = b"HTTP/1.1 200 OK\r\nContent-Len";
        assert!(read_http_response(&mut &raw[..]).is_err());
        let raw = b"SSH-2.0-OpenSSH\r\n\r\n";
        assert!(read_http_response(&mut &raw[..]).is_err());
    }

    #[test]
    fn webdriver_errors_carry_code_and_message() {
        let body = json!({"value": {"error": "no such element", "message": "no such element: Unable to locate\n  (Session info)", "stacktrace": "..."}});
        let e = check_response("POST", "/session/x/element", 404, body).unwrap_err();
        match e {
            BrowserError::WebDriver {
                code,
                message,
                command,
                ..
            } => {
                assert_eq!(code, "no such element");
                assert_eq!(message, "no such element: Unable to locate");
                assert_eq!(command, "POST /session/x/element");
            }
            other => panic!("unexpected {other:?}"),
        }
        assert_eq!(
            check_response("GET", "/x", 200, json!({"value": "ok"})).unwrap(),
            json!("ok")
        );
        assert!(check_response("GET", "/x", 200, json!([1])).is_err());
    }

    #[test]
    fn cookie_parsing() {
        let c = Cookie::from_json(&json!({"name":"sid","value":"abc","path":"/","domain":"127.0.0.1","secure":false,"httpOnly":true,"sameSite":"Lax","expiry":1893456000})).unwrap();
        assert_eq!(c.name, "sid");
        assert!(c.http_only);
        assert_eq!(c.expiry, Some(1_893_456_000));
        assert_eq!(c.same_site.as_deref(), Some("Lax"));
        assert!(Cookie::from_json(&json!({"value":"x"})).is_none());
    }

    #[test]
    fn path_segments_are_encoded() {
        assert_eq!(path_segment("data-id"), "data-id");
        assert_eq!(path_segment("a b/c"), "a%20b%2Fc");
    }
}
