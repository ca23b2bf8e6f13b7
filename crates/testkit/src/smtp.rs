//! A small SMTP server for tests: listens on 127.0.0.1 (a free port),
//! speaks EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP and QUIT (no TLS, no
//! authentication), and keeps every message it is given for assertions.
//! `refuse_next(n)` makes the next `n` transactions fail with a temporary
//! error (451), to exercise retries.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

/// One message as received.
#[derive(Debug, Clone, Default)]
pub struct Received {
    pub from: String,
    pub to: Vec<String>,
    /// The DATA section, dot-unstuffed, lines joined with CRLF.
    pub data: String,
}

impl Received {
    /// The value of a header (first occurrence, unfolded), decoded when it
    /// is an RFC 2047 UTF-8 encoded word sequence.
    pub fn header(&self, name: &str) -> Option<String> {
        let head = self.data.split("\r\n\r\n").next()?;
        let mut value: Option<String> = None;
        for line in head.split("\r\n") {
            if let Some(v) = &mut value {
                if line.starts_with(' ') || line.starts_with('\t') {
                    v.push_str(line);
                    continue;
                }
                break;
            }
            if let Some((k, v)) = line.split_once(':')
                && k.eq_ignore_ascii_case(name)
            {
                value = Some(v.trim().to_string());
            }
        }
        value.map(|v| decode_words(&v))
    }

    pub fn subject(&self) -> String {
        self.header("Subject").unwrap_or_default()
    }

    /// The decoded bodies of the MIME parts of a content type
    /// (`text/plain`, `text/html`); base64 and 7bit/8bit parts.
    pub fn parts(&self, content_type: &str) -> Vec<String> {
        let mut out = Vec::new();
        for chunk in self.data.split("\r\n--") {
            let Some((head, body)) = chunk.split_once("\r\n\r\n") else {
                continue;
            };
            let head_l = head.to_ascii_lowercase();
            if !head_l.contains(&format!("content-type: {content_type}")) {
                continue;
            }
            if head_l.contains("content-transfer-encoding: base64") {
                let b64: String = body
                    .lines()
                    .take_while(|l| !l.starts_with("--"))
                    .collect::<Vec<_>>()
                    .concat();
                if let Ok(bytes) = data_encoding::BASE64.decode(b64.trim().as_bytes()) {
                    out.push(String::from_utf8_lossy(&bytes).into_owned());
                }
            } else {
                out.push(body.to_string());
            }
        }
        out
    }

    /// The plain-text body.
    pub fn text(&self) -> String {
        self.parts("text/plain").concat()
    }

    /// The HTML body.
    pub fn html(&self) -> String {
        self.parts("text/html").concat()
    }
}

/// Decodes `=?utf-8?b?…?=` and `=?utf-8?q?…?=` words (whitespace between
/// two encoded words is dropped, as RFC 2047 says).
fn decode_words(v: &str) -> String {
    let mut out = String::new();
    let mut last_encoded = false;
    for token in v.split_whitespace() {
        let lower = token.to_ascii_lowercase();
        let decoded = if lower.starts_with("=?utf-8?") && token.ends_with("?=") {
            let inner = &token[8..token.len() - 2];
            let (enc, text) = inner.split_at(1);
            let text = text.trim_start_matches('?');
            match enc.to_ascii_lowercase().as_str() {
                "b" => data_encoding::BASE64
                    .decode(text.as_bytes())
                    .ok()
                    .map(|b| String::from_utf8_lossy(&b).into_owned()),
                "q" => Some(decode_q(text)),
                _ => None,
            }
        } else {
            None
        };
        match decoded {
            Some(d) => {
                if !out.is_empty() && !last_encoded {
                    out.push(' ');
                }
                out.push_str(&d);
                last_encoded = true;
            }
            None => {
                if !out.is_empty() {
                    out.push(' ');
                }
                out.push_str(token);
                last_encoded = false;
            }
        }
    }
    out
}

fn decode_q(s: &str) -> String {
    let b = s.as_bytes();
    let mut bytes = Vec::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'_' => bytes.push(b' '),
            b'=' if i + 2 < b.len() => {
                if let Ok(v) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                    bytes.push(v);
                }
                i += 2;
            }
            c => bytes.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

/// The running sink. Dropping it stops listening.
pub struct SmtpSink {
    pub port: u16,
    messages: Arc<Mutex<Vec<Received>>>,
    refuse: Arc<AtomicU32>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl SmtpSink {
    /// Starts listening on 127.0.0.1 with a free port.
    pub async fn start() -> SmtpSink {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind sink");
        let port = listener.local_addr().expect("sink address").port();
        let messages = Arc::new(Mutex::new(Vec::new()));
        let refuse = Arc::new(AtomicU32::new(0));
        let (m, r) = (messages.clone(), refuse.clone());
        let task = tokio::spawn(async move {
            while let Ok((sock, _)) = listener.accept().await {
                let (m, r) = (m.clone(), r.clone());
                tokio::spawn(async move {
                    let _ = session(sock, m, r).await;
                });
            }
        });
        SmtpSink {
            port,
            messages,
            refuse,
            task,
        }
    }

    /// Answers the next `n` transactions' DATA with 451 (try again later).
    pub fn refuse_next(&self, n: u32) {
        self.refuse.store(n, Ordering::SeqCst);
    }

    /// The messages received so far.
    pub fn messages(&self) -> Vec<Received> {
        self.messages.lock().expect("sink lock").clone()
    }

    /// Waits up to `timeout` until at least `n` messages arrived.
    pub async fn wait_for(&self, n: usize, timeout: Duration) -> Vec<Received> {
        let start = std::time::Instant::now();
        loop {
            let got = self.messages();
            if got.len() >= n || start.elapsed() > timeout {
                return got;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

async fn session(
    sock: TcpStream,
    messages: Arc<Mutex<Vec<Received>>>,
    refuse: Arc<AtomicU32>,
) -> std::io::Result<()> {
    let (rd, mut wr) = sock.into_split();
    let mut rd = BufReader::new(rd);
    wr.write_all(b"220 zian-test-sink ESMTP\r\n").await?;
    let mut cur = Received::default();
    let mut line = String::new();
    loop {
        line.clear();
        if rd.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        let cmd = line.trim_end().to_string();
        let upper = cmd.to_ascii_uppercase();
        if upper.starts_with("EHLO") {
            wr.write_all(b"250-zian-test-sink\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n")
                .await?;
        } else if upper.starts_with("HELO") {
            wr.write_all(b"250 zian-test-sink\r\n").await?;
        } else if upper.starts_with("MAIL FROM:") {
            cur = Received {
                from: addr(&cmd[10..]),
                ..Received::default()
            };
            wr.write_all(b"250 OK\r\n").await?;
        } else if upper.starts_with("RCPT TO:") {
            cur.to.push(addr(&cmd[8..]));
            wr.write_all(b"250 OK\r\n").await?;
        } else if upper == "DATA" {
            wr.write_all(b"354 end with <CRLF>.<CRLF>\r\n").await?;
            let mut data = Vec::new();
            loop {
                line.clear();
                if rd.read_line(&mut line).await? == 0 {
                    return Ok(());
                }
                let l = line.trim_end_matches(['\r', '\n']);
                if l == "." {
                    break;
                }
                data.push(l.strip_prefix('.').unwrap_or(l).to_string());
            }
            cur.data = data.join("\r\n");
            let refused = refuse
                .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
                .is_ok();
            if refused {
                wr.write_all(b"451 try again later\r\n").await?;
            } else {
                messages
                    .lock()
                    .expect("sink lock")
                    .push(std::mem::take(&mut cur));
                wr.write_all(b"250 OK queued\r\n").await?;
            }
        } else if upper == "RSET" {
            cur = Received::default();
            wr.write_all(b"250 OK\r\n").await?;
        } else if upper == "NOOP" {
            wr.write_all(b"250 OK\r\n").await?;
        } else if upper == "QUIT" {
            wr.write_all(b"221 bye\r\n").await?;
            return Ok(());
        } else {
            wr.write_all(b"502 not implemented\r\n").await?;
        }
    }
}

/// `<a@b> SIZE=…` → `a@b`.
fn addr(s: &str) -> String {
    let s = s.trim();
    match (s.find('<'), s.find('>')) {
        (Some(a), Some(b)) if a < b => s[a + 1..b].to_string(),
        _ => s.split_whitespace().next().unwrap_or("").to_string(),
    }
}
