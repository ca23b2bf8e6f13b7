//! `zian feeds sync` over real TLS: a local rustls server on 127.0.0.1:0
//! with a certificate from a CA made here (rcgen) serves NVD-shaped pages of
//! three real records (`fixtures/nvd-sync/`); the binary trusts that CA
//! through `--ca-file` / `[nvd] ca_file`. Checks the pages written, the
//! state, the `apiKey` header, that the key is never printed, and that a
//! server whose certificate the CA did not sign is refused with a clear
//! error. No internet.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};

use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

const KEY: &str = "test-api-key-5f0c1d";

struct Pki {
    ca_pem: String,
    cert: CertificateDer<'static>,
    key: Vec<u8>,
}

/// A CA and a server certificate for 127.0.0.1 signed by it.
fn pki(name: &str) -> Pki {
    let ca_key = KeyPair::generate().expect("ca key");
    let mut ca = CertificateParams::new(Vec::<String>::new()).expect("ca params");
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.distinguished_name
        .push(DnType::CommonName, format!("{name} test CA"));
    let ca_cert = ca.self_signed(&ca_key).expect("ca cert");
    let issuer = Issuer::new(ca, ca_key);
    let srv_key = KeyPair::generate().expect("server key");
    let mut srv = CertificateParams::new(vec!["127.0.0.1".to_owned()]).expect("params");
    srv.distinguished_name.push(DnType::CommonName, "127.0.0.1");
    let srv_cert = srv.signed_by(&srv_key, &issuer).expect("server cert");
    Pki {
        ca_pem: ca_cert.pem(),
        cert: srv_cert.der().clone(),
        key: srv_key.serialize_der(),
    }
}

fn records() -> Vec<String> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/nvd-sync");
    ["CVE-2013-4186", "CVE-2013-5760", "CVE-2014-6836"]
        .iter()
        .map(|id| {
            let text = std::fs::read_to_string(dir.join(format!("{id}.json"))).expect("fixture");
            format!("{{\"cve\":{text}}}")
        })
        .collect()
}

#[derive(Default)]
struct Seen {
    paths: Vec<String>,
    api_keys: Vec<Option<String>>,
    handshake_errors: usize,
}

/// Serve NVD pages over TLS until the process ends.
fn serve(p: &Pki, seen: Arc<Mutex<Seen>>) -> u16 {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let cfg = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("versions")
        .with_no_client_auth()
        .with_single_cert(
            vec![p.cert.clone()],
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(p.key.clone())),
        )
        .expect("server config");
    let cfg = Arc::new(cfg);
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let recs = records();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            let conn = rustls::ServerConnection::new(Arc::clone(&cfg)).expect("conn");
            let mut tls = rustls::StreamOwned::new(conn, stream);
            if answer(&mut tls, &recs, &seen).is_err() {
                seen.lock().expect("lock").handshake_errors += 1;
            }
        }
    });
    port
}

fn answer(
    tls: &mut rustls::StreamOwned<rustls::ServerConnection, std::net::TcpStream>,
    recs: &[String],
    seen: &Mutex<Seen>,
) -> std::io::Result<()> {
    let mut r = BufReader::new(&mut *tls);
    let mut line = String::new();
    r.read_line(&mut line)?;
    let path = line.split_whitespace().nth(1).unwrap_or("").to_owned();
    let mut key = None;
    loop {
        let mut h = String::new();
        r.read_line(&mut h)?;
        if h == "\r\n" || h.is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':')
            && k.eq_ignore_ascii_case("apikey")
        {
            key = Some(v.trim().to_owned());
        }
    }
    drop(r);
    {
        let mut g = seen.lock().expect("lock");
        g.paths.push(path.clone());
        g.api_keys.push(key);
    }
    let q = |name: &str| -> usize {
        path.split(['?', '&'])
            .find_map(|kv| kv.strip_prefix(&format!("{name}=")))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    };
    let (start, per) = (q("startIndex"), q("resultsPerPage"));
    let page: Vec<&str> = recs
        .iter()
        .skip(start)
        .take(per)
        .map(String::as_str)
        .collect();
    let body = format!(
        "{{\"resultsPerPage\":{},\"startIndex\":{start},\"totalResults\":{},\"format\":\"NVD_CVE\",\"version\":\"2.0\",\"timestamp\":\"2024-05-10T00:00:00.000\",\"vulnerabilities\":[{}]}}",
        page.len(),
        recs.len(),
        page.join(",")
    );
    write!(
        tls,
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )?;
    tls.conn.send_close_notify();
    tls.flush()
}

fn tmpdir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("zian-tls-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("mkdir");
    d
}

fn zian(cwd: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_zian"));
    c.current_dir(cwd).env_remove("ZIAN_CONFIG");
    for v in [
        "ZIAN_NVD_API_KEY",
        "HTTPS_PROXY",
        "https_proxy",
        "HTTP_PROXY",
        "http_proxy",
        "ALL_PROXY",
        "all_proxy",
    ] {
        c.env_remove(v);
    }
    c
}

fn text(o: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[test]
fn sync_over_tls_with_a_custom_ca_writes_pages_state_and_sends_the_key() {
    let p = pki("agency");
    let seen = Arc::new(Mutex::new(Seen::default()));
    let port = serve(&p, Arc::clone(&seen));
    let work = tmpdir("ok");
    let ca = work.join("ca.pem");
    std::fs::write(&ca, &p.ca_pem).expect("ca");
    // The key's variable and the CA come from the configuration file.
    let conf = work.join("agency.toml");
    std::fs::write(
        &conf,
        format!(
            "[nvd]\napi_key_env = \"AGENCY_NVD_KEY\"\nca_file = {:?}\n",
            ca.display().to_string()
        ),
    )
    .expect("config");
    let out = work.join("pages");
    let base = format!("https://127.0.0.1:{port}/rest/json/cves/2.0");

    // First run without --since: refused before any request.
    let o = zian(&work)
        .args(["--config", conf.to_str().expect("utf8"), "feeds", "sync"])
        .args(["--out", out.to_str().expect("utf8"), "--base-url", &base])
        .output()
        .expect("run");
    let (_, err) = text(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("--since YYYY-MM-DD"), "{err}");
    assert!(seen.lock().expect("lock").paths.is_empty());

    let o = zian(&work)
        .env("AGENCY_NVD_KEY", KEY)
        .args(["--config", conf.to_str().expect("utf8"), "feeds", "sync"])
        .args(["--out", out.to_str().expect("utf8"), "--base-url", &base])
        .args(["--since", "2024-01-01", "--until", "2024-02-01"])
        .args(["--page-size", "2"])
        .output()
        .expect("run");
    let (stdout, err) = text(&o);
    assert!(o.status.success(), "{stdout}\n{err}");
    assert!(
        !stdout.contains(KEY) && !err.contains(KEY),
        "{stdout}\n{err}"
    );
    assert!(err.contains("API key from AGENCY_NVD_KEY"), "{err}");
    let report: serde_json::Value = serde_json::from_str(stdout.trim()).expect("json");
    assert_eq!(report["windows"], 1);
    assert_eq!(report["pages"], 2);
    assert_eq!(report["records"], 3);
    assert_eq!(report["to"], "2024-02-01T00:00:00Z");
    {
        let g = seen.lock().expect("lock");
        assert_eq!(g.paths.len(), 2, "{:?}", g.paths);
        assert!(g.paths[0].starts_with("/rest/json/cves/2.0?lastModStartDate=2024-01-01T00:00:00.000%2B00:00&lastModEndDate=2024-02-01T00:00:00.000%2B00:00&resultsPerPage=2&startIndex=0"), "{}", g.paths[0]);
        assert!(g.paths[1].ends_with("startIndex=2"), "{}", g.paths[1]);
        assert!(
            g.api_keys.iter().all(|k| k.as_deref() == Some(KEY)),
            "{:?}",
            g.api_keys
        );
        assert_eq!(g.handshake_errors, 0);
    }
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .expect("out")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "nvd-20240101T000000Z-20240201T000000Z-0000000.json",
            "nvd-20240101T000000Z-20240201T000000Z-0000002.json",
            "nvd-sync-state.json",
        ]
    );
    let mut ids = Vec::new();
    for n in &names[..2] {
        let v: serde_json::Value =
            serde_json::from_slice(&std::fs::read(out.join(n)).expect("page")).expect("json");
        for r in v["vulnerabilities"].as_array().expect("array") {
            ids.push(r["cve"]["id"].as_str().expect("id").to_owned());
        }
    }
    assert_eq!(ids, ["CVE-2013-4186", "CVE-2013-5760", "CVE-2014-6836"]);
    let state: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("nvd-sync-state.json")).expect("state"))
            .expect("json");
    assert_eq!(state["last_mod_end"], "2024-02-01T00:00:00Z");
    assert_eq!(state["pages_fetched"], 2);
    assert_eq!(state["pending"], serde_json::Value::Null);
    assert!(
        !std::fs::read_to_string(out.join("nvd-sync-state.json"))
            .expect("state")
            .contains(KEY)
    );

    // The next run continues from the state, with the default variable and
    // the CA given as a flag (no configuration file).
    let o = zian(&work)
        .env("ZIAN_NVD_API_KEY", "second-key-77")
        .args(["feeds", "sync", "--out", out.to_str().expect("utf8")])
        .args(["--base-url", &base, "--ca-file", ca.to_str().expect("utf8")])
        .args(["--until", "2024-02-03"])
        .output()
        .expect("run");
    let (stdout, err) = text(&o);
    assert!(o.status.success(), "{stdout}\n{err}");
    let g = seen.lock().expect("lock");
    assert_eq!(g.paths.len(), 3);
    assert!(
        g.paths[2].contains("lastModStartDate=2024-02-01T00:00:00.000%2B00:00&lastModEndDate=2024-02-03T00:00:00.000%2B00:00"),
        "{}",
        g.paths[2]
    );
    assert_eq!(g.api_keys[2].as_deref(), Some("second-key-77"));
    let _ = std::fs::remove_dir_all(&work);
}

#[test]
fn a_certificate_not_signed_by_the_trusted_ca_is_refused() {
    let trusted = pki("agency");
    let rogue = pki("rogue");
    let seen = Arc::new(Mutex::new(Seen::default()));
    let port = serve(&rogue, Arc::clone(&seen));
    let work = tmpdir("rogue");
    let ca = work.join("ca.pem");
    std::fs::write(&ca, &trusted.ca_pem).expect("ca");
    let out = work.join("pages");
    let o = zian(&work)
        .env("ZIAN_NVD_API_KEY", KEY)
        .args(["feeds", "sync", "--out", out.to_str().expect("utf8")])
        .args([
            "--base-url",
            &format!("https://127.0.0.1:{port}/rest/json/cves/2.0"),
        ])
        .args(["--ca-file", ca.to_str().expect("utf8"), "--attempts", "1"])
        .args(["--since", "2024-01-01", "--until", "2024-01-02"])
        .output()
        .expect("run");
    let (stdout, err) = text(&o);
    assert!(!o.status.success(), "{stdout}\n{err}");
    assert!(err.contains("certificate is not trusted"), "{err}");
    assert!(err.contains("--ca-file"), "{err}");
    assert!(!err.contains(KEY), "{err}");
    // The request never reached the server; no page, the window is pending.
    assert!(seen.lock().expect("lock").paths.is_empty());
    let state: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("nvd-sync-state.json")).expect("state"))
            .expect("json");
    assert_eq!(state["last_mod_end"], serde_json::Value::Null);
    assert_eq!(state["pending"]["start"], "2024-01-01T00:00:00Z");

    // A CA file that is not PEM is named.
    std::fs::write(&ca, "not a certificate").expect("write");
    let o = zian(&work)
        .args(["feeds", "sync", "--out", out.to_str().expect("utf8")])
        .args(["--ca-file", ca.to_str().expect("utf8")])
        .output()
        .expect("run");
    let (_, err) = text(&o);
    assert!(!o.status.success());
    assert!(
        err.contains("--ca-file") && err.contains("CERTIFICATE"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&work);
}

#[test]
fn sync_into_a_store_imports_the_pages() {
    let p = pki("store");
    let seen = Arc::new(Mutex::new(Seen::default()));
    let port = serve(&p, Arc::clone(&seen));
    let work = tmpdir("store");
    let ca = work.join("ca.pem");
    std::fs::write(&ca, &p.ca_pem).expect("ca");
    let store = work.join("store");
    let base = format!("https://127.0.0.1:{port}/rest/json/cves/2.0");
    let o = zian(&work)
        .args(["feeds", "sync", "--store", store.to_str().expect("utf8")])
        .args(["--base-url", &base, "--ca-file", ca.to_str().expect("utf8")])
        .args(["--since", "2024-01-01", "--until", "2024-02-01"])
        .output()
        .expect("run");
    let (stdout, err) = text(&o);
    assert!(o.status.success(), "{stdout}\n{err}");
    let report: serde_json::Value = serde_json::from_str(stdout.trim()).expect("json");
    assert_eq!(report["records"], 3, "{report}");
    assert_eq!(report["imported"]["records"], 3, "{report}");
    // The pages stay in the spool, the store holds the records.
    assert!(store.join("nvd-api").join("nvd-sync-state.json").is_file());
    let o = zian(&work)
        .args(["feeds", "status", "--store", store.to_str().expect("utf8")])
        .output()
        .expect("run");
    let (stdout, err) = text(&o);
    assert!(o.status.success(), "{stdout}\n{err}");
    assert!(stdout.contains("records: 3 (3 NVD, 0 CVE 5)"), "{stdout}");
    // A second run with nothing new leaves the store as it was.
    let o = zian(&work)
        .args(["feeds", "sync", "--store", store.to_str().expect("utf8")])
        .args(["--base-url", &base, "--ca-file", ca.to_str().expect("utf8")])
        .args(["--until", "2024-02-01"])
        .output()
        .expect("run");
    let (stdout, err) = text(&o);
    assert!(o.status.success(), "{stdout}\n{err}");
    let _ = std::fs::remove_dir_all(&work);
}
