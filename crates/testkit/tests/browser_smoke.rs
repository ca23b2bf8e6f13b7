//! Drives headless Chromium against a tiny std-only HTTP server serving a
//! zh-TW form, through `zian_testkit::browser`.
//!
//! Skips (with a note) when chromium/chromedriver are missing, unless
//! `ZIAN_REQUIRE_BROWSER=1`, in which case a missing browser fails the test.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use serde_json::json;
use zian_testkit::browser::{Browser, BrowserError};

const NAME: &str = "資安長王小明";

const FORM_PAGE: &str = r#"<!doctype html>
<html lang="zh-TW"><head><meta charset="utf-8"><title>聯絡窗口登錄</title>
<style>body{font-family:sans-serif;margin:2em} input{font-size:1.2em}</style></head>
<body>
<h1>資安聯絡窗口登錄</h1>
<form method="post" action="/echo">
  <label for="name">姓名與職稱</label>
  <input id="name" name="name" value="預設值" data-kind="person">
  <button id="submit" type="submit">送出</button>
</form>
<ul id="notes"><li>第一項</li><li>第二項</li><li>第三項</li></ul>
</body></html>"#;

/// Where test artifacts go: `ZIAN_TEST_ARTIFACTS`, else `<workspace>/target/test-artifacts`.
fn artifacts_dir() -> PathBuf {
    match std::env::var_os("ZIAN_TEST_ARTIFACTS") {
        Some(p) => PathBuf::from(p),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/test-artifacts"),
    }
}

/// A one-thread HTTP server on 127.0.0.1:0 that stops when dropped.
struct TestServer {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    /// Decoded `name` values received by POST /echo.
    posted: Arc<Mutex<Vec<String>>>,
    handle: Option<JoinHandle<()>>,
}

impl TestServer {
    fn start() -> TestServer {
        let listener = TcpListener::bind(("127.0.0.1", 0)).expect("bind test server");
        let addr = listener.local_addr().expect("local addr");
        let stop = Arc::new(AtomicBool::new(false));
        let posted = Arc::new(Mutex::new(Vec::new()));
        let (stop2, posted2) = (stop.clone(), posted.clone());
        let handle = thread::spawn(move || {
            for conn in listener.incoming() {
                if stop2.load(Ordering::SeqCst) {
                    break;
                }
                if let Ok(stream) = conn {
                    // One thread per connection: Chromium opens speculative
                    // preconnections that send nothing and would block a
                    // serial server until their read timeout. Errors on one
                    // connection (the browser aborted it) are not fatal.
                    let posted = posted2.clone();
                    thread::spawn(move || {
                        let _ = handle_conn(stream, &posted);
                    });
                }
            }
        });
        TestServer {
            addr,
            stop,
            posted,
            handle: Some(handle),
        }
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the blocking accept.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}

fn handle_conn(stream: TcpStream, posted: &Mutex<Vec<String>>) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(5)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    let mut content_length = 0usize;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 || line == "\r\n" {
            break;
        }
        if let Some((k, v)) = line.split_once(':')
            && k.eq_ignore_ascii_case("content-length")
        {
            content_length = v.trim().parse().unwrap_or(0);
        }
    }
    let mut body = vec![0u8; content_length.min(1 << 20)];
    reader.read_exact(&mut body)?;

    let mut parts = request_line.split_whitespace();
    let (method, path) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let (status, extra_headers, html) = match (method, path) {
        ("GET", "/") => (
            "200 OK",
            "Set-Cookie: zian_smoke=form; Path=/; HttpOnly; SameSite=Lax\r\n",
            FORM_PAGE.to_owned(),
        ),
        ("POST", "/echo") => {
            let form = String::from_utf8_lossy(&body);
            let name = form
                .split('&')
                .filter_map(|kv| kv.split_once('='))
                .find(|(k, _)| *k == "name")
                .map(|(_, v)| form_decode(v))
                .unwrap_or_default();
            posted.lock().expect("posted lock").push(name.clone());
            (
                "200 OK",
                "",
                format!(
                    "<!doctype html><html lang=\"zh-TW\"><head><meta charset=\"utf-8\">\
                     <title>已收到</title></head><body><h1>登錄完成</h1>\
                     <p>您輸入的是：<strong id=\"echo\">{}</strong></p>\
                     <a id=\"back\" href=\"/\">返回</a></body></html>",
                    html_escape(&name)
                ),
            )
        }
        _ => ("404 Not Found", "", "<h1>找不到頁面</h1>".to_owned()),
    };
    let mut out = reader.into_inner();
    write!(
        out,
        "HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\n{extra_headers}\
         Content-Length: {}\r\nConnection: close\r\n\r\n{html}",
        html.len()
    )?;
    out.flush()
}

/// application/x-www-form-urlencoded value decoding (`+` is a space).
fn form_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
                match u8::from_str_radix(hex, 16) {
                    Ok(b) => {
                        out.push(b);
                        i += 2;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[test]
fn form_roundtrip_in_traditional_chinese() {
    let t0 = Instant::now();
    let Some(browser) = Browser::launch_or_skip("form_roundtrip_in_traditional_chinese")
        .expect("launch headless chromium")
    else {
        return;
    };
    let launched = t0.elapsed();
    let server = TestServer::start();

    browser.goto(&server.url("/")).expect("goto form");
    assert_eq!(browser.title().unwrap(), "聯絡窗口登錄");
    assert!(browser.current_url().unwrap().ends_with('/'));
    assert!(browser.page_source().unwrap().contains("資安聯絡窗口登錄"));

    let input = browser.find("#name").expect("name input");
    assert_eq!(input.value().unwrap(), "預設值");
    assert_eq!(input.attr("data-kind").unwrap().as_deref(), Some("person"));
    assert_eq!(input.attr("data-missing").unwrap(), None);
    assert_eq!(input.tag_name().unwrap(), "input");
    input.clear().expect("clear");
    assert_eq!(input.value().unwrap(), "");
    input.send_keys(NAME).expect("type name");
    assert_eq!(input.value().unwrap(), NAME);

    let items = browser.find_all("#notes li").expect("find_all");
    let texts: Vec<String> = items.iter().map(|e| e.text().unwrap()).collect();
    assert_eq!(texts, ["第一項", "第二項", "第三項"]);
    assert!(browser.find_all("#nothing-here").unwrap().is_empty());

    // The server's HttpOnly cookie is visible to WebDriver.
    let cookie = browser
        .cookie("zian_smoke")
        .unwrap()
        .expect("cookie set by server");
    assert_eq!(cookie.value, "form");
    assert!(cookie.http_only);
    assert_eq!(cookie.same_site.as_deref(), Some("Lax"));

    // Scripts get arguments, elements included, and return JSON.
    let r = browser
        .execute(
            "return [arguments[0] + 1, arguments[1].value, document.documentElement.lang];",
            &[json!(41), input.to_json()],
        )
        .unwrap();
    assert_eq!(r, json!([42, NAME, "zh-TW"]));

    browser.find("#submit").unwrap().click().expect("submit");
    browser
        .wait_until_url_contains("/echo", Duration::from_secs(5))
        .expect("navigated to /echo");
    let echo = browser
        .wait_for_text("#echo", NAME, Duration::from_secs(5))
        .expect("echoed name");
    assert_eq!(echo.text().unwrap(), NAME);
    assert_eq!(browser.title().unwrap(), "已收到");
    assert_eq!(server.posted.lock().unwrap().as_slice(), [NAME.to_owned()]);

    let shot = artifacts_dir().join("browser-smoke.png");
    let _ = std::fs::remove_file(&shot);
    let bytes = browser.screenshot(&shot).expect("screenshot");
    let png = std::fs::read(&shot).expect("read screenshot");
    assert_eq!(png.len(), bytes);
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
    // IHDR width/height: the 1280x900 window gives a viewport 1280 wide.
    let width = u32::from_be_bytes([png[16], png[17], png[18], png[19]]);
    let height = u32::from_be_bytes([png[20], png[21], png[22], png[23]]);
    assert_eq!(width, 1280, "viewport width");
    assert!((700..=900).contains(&height), "viewport height {height}");

    browser.add_cookie("zian_added", "測試").unwrap();
    assert_eq!(
        browser.cookie("zian_added").unwrap().map(|c| c.value),
        Some("測試".to_owned())
    );
    browser.delete_all_cookies().unwrap();
    assert!(browser.cookies().unwrap().is_empty());

    browser.back().unwrap();
    browser.find("#name").expect("form again after back");
    assert!(browser.exists("#submit").unwrap());
    assert!(!browser.exists("#echo").unwrap());

    browser.set_window_size(800, 600).unwrap();
    let inner = browser.execute("return window.innerWidth;", &[]).unwrap();
    assert_eq!(inner, json!(800));

    eprintln!(
        "browser_smoke: launch {:?}, launch+page+screenshot {:?} -> {}",
        launched,
        t0.elapsed(),
        shot.display()
    );
}

#[test]
fn errors_name_selector_and_page_and_drop_cleans_up() {
    let Some(mut browser) =
        Browser::launch_or_skip("errors_name_selector_and_page").expect("launch headless chromium")
    else {
        return;
    };
    let server = TestServer::start();
    browser.goto(&server.url("/")).unwrap();

    browser.set_default_timeout(Duration::from_millis(300));
    let started = Instant::now();
    let err = browser.find("#does-not-exist").unwrap_err();
    let waited = started.elapsed();
    assert!(waited >= Duration::from_millis(300), "waited {waited:?}");
    assert!(waited < Duration::from_secs(5), "waited {waited:?}");
    match &err {
        BrowserError::NotFound { selector, url, .. } => {
            assert_eq!(selector, "#does-not-exist");
            assert_eq!(url, &server.url("/"));
        }
        other => panic!("expected NotFound, got {other:?}"),
    }
    let msg = err.to_string();
    assert!(
        msg.contains("#does-not-exist") && msg.contains(&server.url("/")),
        "{msg}"
    );

    // An invalid selector is a WebDriver error, reported at once with its code.
    let err = browser.find("#[").unwrap_err();
    assert_eq!(err.webdriver_code(), Some("invalid selector"), "{err}");
    assert!(err.to_string().contains(&server.url("/")), "{err}");

    // A script error carries its WebDriver code and the page URL.
    let err = browser
        .execute("throw new Error('故意的錯誤');", &[])
        .unwrap_err();
    assert_eq!(err.webdriver_code(), Some("javascript error"), "{err}");

    // Text waits report what they last saw.
    let err = browser
        .wait_for_text("h1", "不存在的字", Duration::from_millis(200))
        .unwrap_err();
    match &err {
        BrowserError::Timeout { last_seen, .. } => assert_eq!(last_seen, "資安聯絡窗口登錄"),
        other => panic!("expected Timeout, got {other:?}"),
    }

    // Drop ends chromedriver and Chromium and removes the profile.
    let profile = browser.profile_dir().to_owned();
    let pid = browser.driver_pid();
    assert!(profile.is_dir());
    drop(browser);
    assert!(!profile.exists(), "profile {profile:?} left behind");
    assert!(
        !PathBuf::from(format!("/proc/{pid}")).exists(),
        "chromedriver {pid} still running"
    );
    let needle = format!("--user-data-dir={}", profile.display());
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        if let Ok(cmd) = std::fs::read(entry.path().join("cmdline")) {
            assert!(
                !String::from_utf8_lossy(&cmd).contains(&needle),
                "process {:?} still uses the profile",
                entry.file_name()
            );
        }
    }
}

/// Helper run in a child process by `missing_browser_skips_or_fails_by_env`
/// (ignored in normal runs): with the binaries overridden to a missing path it
/// must skip cleanly, or fail when `ZIAN_REQUIRE_BROWSER=1`.
#[test]
#[ignore = "run as a child process by missing_browser_skips_or_fails_by_env"]
fn launch_or_skip_child() {
    assert!(
        !Browser::available(),
        "override should make the browser unavailable"
    );
    let launched = Browser::launch_or_skip("launch_or_skip_child").expect("launch_or_skip");
    assert!(launched.is_none());
    eprintln!("CHILD-RETURNED-NONE");
}

#[test]
fn missing_browser_skips_or_fails_by_env() {
    let exe = std::env::current_exe().expect("test binary path");
    let run = |require: Option<&str>| {
        let mut cmd = std::process::Command::new(&exe);
        cmd.args([
            "--ignored",
            "--exact",
            "launch_or_skip_child",
            "--nocapture",
        ])
        .env("ZIAN_CHROMEDRIVER", "/nonexistent/zian/chromedriver")
        .env_remove("ZIAN_REQUIRE_BROWSER");
        if let Some(v) = require {
            cmd.env("ZIAN_REQUIRE_BROWSER", v);
        }
        let out = cmd.output().expect("run child test");
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        (out.status.success(), text)
    };

    let (ok, text) = run(None);
    assert!(ok, "unrequired missing browser must skip:\n{text}");
    assert!(text.contains("SKIPPED launch_or_skip_child"), "{text}");
    assert!(text.contains("CHILD-RETURNED-NONE"), "{text}");

    let (ok, text) = run(Some("0"));
    assert!(ok, "ZIAN_REQUIRE_BROWSER=0 must skip:\n{text}");

    let (ok, text) = run(Some("1"));
    assert!(!ok, "required missing browser must fail:\n{text}");
    assert!(text.contains("/nonexistent/zian/chromedriver"), "{text}");
    assert!(!text.contains("CHILD-RETURNED-NONE"), "{text}");
}
