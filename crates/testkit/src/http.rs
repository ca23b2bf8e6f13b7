//! Helpers the end-to-end tests share: percent and form encoding, requests
//! with a client address, CSV exports, the audit trail's actions, and OpenAPI
//! schema references.

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Method, Request, StatusCode};
use serde_json::Value;
use tower::ServiceExt;

use crate::{Resp, TestEnv};

/// Percent-encodes every byte but the RFC 3986 unreserved characters (for a
/// query value, a path segment or a form field).
pub fn pct(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// An `application/x-www-form-urlencoded` body from name/value pairs.
pub fn form<K: AsRef<str>, V: AsRef<str>>(pairs: &[(K, V)]) -> Vec<u8> {
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", pct(k.as_ref()), pct(v.as_ref())))
        .collect::<Vec<_>>()
        .join("&")
        .into_bytes()
}

/// Sends one request through the real router with a client address (so the
/// per-address login throttle sees distinct clients); bodies up to 64 MiB.
pub async fn send<K: AsRef<str>, V: AsRef<str>>(
    env: &TestEnv,
    method: &Method,
    uri: &str,
    headers: &[(K, V)],
    body: Option<Vec<u8>>,
    ip: [u8; 4],
) -> Resp {
    let mut b = Request::builder().method(method.clone()).uri(uri);
    for (k, v) in headers {
        b = b.header(k.as_ref(), v.as_ref());
    }
    let mut req = b
        .body(body.map_or_else(Body::empty, Body::from))
        .expect("request");
    req.extensions_mut()
        .insert(ConnectInfo(SocketAddr::from((ip, 40_000))));
    let resp = env.router.clone().oneshot(req).await.expect("infallible");
    let status = resp.status();
    let headers = resp.headers().clone();
    let bytes = axum::body::to_bytes(resp.into_body(), 64 * 1024 * 1024)
        .await
        .expect("body");
    Resp {
        status,
        headers,
        body: bytes.to_vec(),
    }
}

/// The UTF-8 byte-order mark.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Checks a CSV export (200, `text/csv; charset=utf-8`, an attachment, one
/// BOM) and parses the rest: (header, records), every record as wide as the
/// header.
pub fn parse_csv(r: &Resp) -> (Vec<String>, Vec<Vec<String>>) {
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let ct = r
        .headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .expect("content type");
    assert_eq!(ct, "text/csv; charset=utf-8");
    let cd = r
        .headers
        .get("content-disposition")
        .and_then(|v| v.to_str().ok())
        .expect("content disposition");
    assert!(cd.starts_with("attachment; filename=\""), "{cd}");
    assert!(
        r.body.starts_with(BOM),
        "no BOM: {:?}",
        &r.body[..8.min(r.body.len())]
    );
    assert!(!r.body[3..].starts_with(BOM), "two BOMs");
    let mut rd = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(&r.body[3..]);
    let header: Vec<String> = rd
        .headers()
        .expect("header")
        .iter()
        .map(str::to_string)
        .collect();
    let rows: Vec<Vec<String>> = rd
        .records()
        .map(|x| x.expect("record").iter().map(str::to_string).collect())
        .collect();
    assert!(rows.iter().all(|x| x.len() == header.len()));
    (header, rows)
}

/// The index of a CSV column by its header.
pub fn col(header: &[String], name: &str) -> usize {
    header
        .iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("no column {name} in {header:?}"))
}

/// The actions of the audit entries matching `prefix` (at most 100), as the
/// administrator reads them through the API with a fresh token.
pub async fn audit_actions(env: &TestEnv, prefix: &str) -> Vec<String> {
    let admin = env.token_for("admin").await;
    let a = env
        .api(
            Method::GET,
            &format!("/api/v1/audit?action={prefix}&limit=100"),
            &admin,
            None,
        )
        .await
        .json();
    a["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|e| e["action"].as_str().expect("action").to_string())
        .collect()
}

/// Follows a `$ref` of the OpenAPI document to its component schema.
pub fn resolve<'a>(doc: &'a Value, s: &'a Value) -> &'a Value {
    match s["$ref"].as_str() {
        Some(r) => {
            let name = r.rsplit('/').next().unwrap_or("");
            resolve(doc, &doc["components"]["schemas"][name])
        }
        None => s,
    }
}

/// Checks an Excel export (200, the `.xlsx` content type, an attachment) and
/// reads its first sheet back: every row's cells as text (calamine).
pub fn parse_xlsx(r: &Resp) -> Vec<Vec<String>> {
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let ct = r
        .headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    assert_eq!(
        ct,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    let cd = r
        .headers
        .get("content-disposition")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    assert!(cd.starts_with("attachment"), "{cd}");
    xlsx_rows(&r.body).expect("a workbook")
}

/// The first sheet of a workbook as rows of text; `None` when the bytes are
/// not a workbook.
pub fn xlsx_rows(bytes: &[u8]) -> Option<Vec<Vec<String>>> {
    use calamine::Reader;
    let mut book: calamine::Xlsx<_> =
        calamine::Xlsx::new(std::io::Cursor::new(bytes.to_vec())).ok()?;
    let first = book.sheet_names().into_iter().next()?;
    let range = book.worksheet_range(&first).ok()?;
    Some(
        range
            .rows()
            .map(|r| r.iter().map(|c| c.to_string()).collect())
            .collect(),
    )
}
