//! The `zian` binary's contracts (other tools depend on these shapes) and
//! its platform commands: demo seeding, backup/restore, audit verification,
//! configuration errors.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The binary, for where a test has shadowed `zian` with a configured one.
fn zian_cmd() -> Command {
    zian()
}

fn zian() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_zian"));
    c.env_remove("ZIAN_CONFIG").env("ZIAN_LOG", "warn");
    c
}

fn run_stdin(args: &[&str], input: &str) -> Output {
    let mut child = zian()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn zian");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("write");
    child.wait_with_output().expect("wait")
}

fn lines(o: &Output) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect()
}

fn tmpdir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("zian-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("mkdir");
    d
}

#[test]
fn cvss_contract() {
    let o = run_stdin(
        &["cvss"],
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H\nAV:N/AC:L/Au:N/C:P/I:P/A:P\nCVSS:3.1/AV:X\n",
    );
    assert!(o.status.success());
    let v = lines(&o);
    assert_eq!(v.len(), 3);
    let keys: Vec<&str> = v[0]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(v[0]["base"], 9.8);
    assert_eq!(v[0]["severity"], "CRITICAL");
    assert_eq!(v[0]["version"], "3.1");
    assert!(
        keys.contains(&"temporal") && keys.contains(&"environmental") && keys.contains(&"score")
    );
    assert_eq!(v[1]["base"], 7.5);
    assert!(v[2]["error"].as_str().is_some());
    // key order is part of the contract
    let first = String::from_utf8_lossy(&o.stdout)
        .lines()
        .next()
        .unwrap()
        .to_string();
    assert!(first.starts_with("{\"vector\":"), "{first}");
    let pos = |k: &str| first.find(&format!("\"{k}\"")).unwrap();
    assert!(
        pos("vector") < pos("version")
            && pos("version") < pos("base")
            && pos("base") < pos("temporal")
            && pos("environmental") < pos("score")
            && pos("score") < pos("severity")
    );
}

#[test]
fn cpe_compare_and_convert_contracts() {
    let o = run_stdin(
        &["cpe", "compare"],
        "cpe:2.3:a:openssl:openssl:*:*:*:*:*:*:*:*\tcpe:2.3:a:openssl:openssl:1.0.1f:*:*:*:*:*:*:*\nnot-a-cpe\tcpe:2.3:a:x:y:*:*:*:*:*:*:*:*\n",
    );
    assert!(o.status.success());
    let v = lines(&o);
    assert_eq!(v[0]["superset"], true);
    assert_eq!(v[0]["subset"], false);
    assert_eq!(v[0]["disjoint"], false);
    assert!(v[1]["error"].as_str().is_some());
    let o = run_stdin(
        &["cpe", "convert"],
        "cpe:/a:microsoft:internet_explorer:8.0.6001:beta\n",
    );
    let v = lines(&o);
    assert_eq!(
        v[0]["fs"],
        "cpe:2.3:a:microsoft:internet_explorer:8.0.6001:beta:*:*:*:*:*:*"
    );
    assert_eq!(
        v[0]["uri"],
        "cpe:/a:microsoft:internet_explorer:8.0.6001:beta"
    );
}

#[test]
fn rules_obligations_contract_and_usage_errors() {
    let o = zian()
        .args([
            "rules",
            "obligations",
            "--kind",
            "public",
            "--level",
            "B",
            "--assigned",
            "2024-03-15",
            "--on",
            "2026-11-21",
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v = lines(&o);
    assert!(v.len() > 5);
    for l in &v {
        for k in [
            "id",
            "title_zh",
            "title_en",
            "category",
            "frequency",
            "count",
            "unit",
            "first_due",
            "source",
            "confidence",
            "rules_version",
        ] {
            assert!(l.get(k).is_some(), "missing {k} in {l}");
        }
    }
    let o = zian()
        .args([
            "rules",
            "obligations",
            "--kind",
            "foo",
            "--level",
            "B",
            "--assigned",
            "2024-03-15",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--kind"));
    let o = zian()
        .args([
            "rules",
            "obligations",
            "--kind",
            "public",
            "--level",
            "F",
            "--assigned",
            "2024-03-15",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let o = zian()
        .args([
            "rules",
            "grade",
            "--c",
            "普",
            "--i",
            "高",
            "--a",
            "中",
            "--l",
            "普",
            "--on",
            "2026-11-21",
        ])
        .output()
        .unwrap();
    assert!(o.status.success());
    let g: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(g["level"], "高");
    assert!(g["controls"].as_array().unwrap().len() > 40);
}

fn fixture(p: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../vuln/tests/fixtures")
        .join(p)
}

#[test]
fn vuln_scan_offline() {
    let d = tmpdir("scan");
    let inv = d.join("inventory.csv");
    std::fs::write(
        &inv,
        "host,vendor,product,version,cpe23\nfw-01,paloaltonetworks,pan-os,10.2.9,\nfw-02,paloaltonetworks,pan-os,11.2.0,\nweb-01,,,,cpe:2.3:a:openssl:openssl:1.0.1f:*:*:*:*:*:*:*\n",
    )
    .unwrap();
    let o = zian()
        .args(["vuln", "scan", "--feeds"])
        .arg(fixture("nvd-sample"))
        .arg("--inventory")
        .arg(&inv)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v = lines(&o);
    let cves: Vec<(String, String)> = v
        .iter()
        .map(|f| {
            (
                f["host"].as_str().unwrap().to_string(),
                f["cve"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert!(
        cves.contains(&("web-01".into(), "CVE-2014-3470".into())),
        "{cves:?}"
    );
    for f in &v {
        for k in [
            "host", "cpe23", "cve", "source", "score", "severity", "kev", "evidence",
        ] {
            assert!(f.get(k).is_some(), "missing {k}");
        }
    }
    assert!(
        String::from_utf8_lossy(&o.stderr)
            .to_lowercase()
            .contains("finding")
    );
    let o = zian()
        .args(["vuln", "scan", "--feeds"])
        .arg(fixture("nvd-sample"))
        .arg("--inventory")
        .arg(&inv)
        .args(["--format", "xml"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn demo_backup_restore_and_audit_verify() {
    let d = tmpdir("backup");
    let data = d.join("data");
    let o = zian()
        .arg("--data-dir")
        .arg(&data)
        .args(["demo", "--no-serve"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains("admin") && out.contains("vendor.acme") && out.contains("屏東縣政府警察局"),
        "{out}"
    );
    // idempotent
    let o = zian()
        .arg("--data-dir")
        .arg(&data)
        .args(["demo", "--no-serve"])
        .output()
        .unwrap();
    assert!(o.status.success());
    let o = zian()
        .arg("--data-dir")
        .arg(&data)
        .args(["org", "list"])
        .output()
        .unwrap();
    let orgs = String::from_utf8_lossy(&o.stdout).lines().count();
    assert_eq!(orgs, 13);
    let o = zian()
        .arg("--data-dir")
        .arg(&data)
        .args([
            "user",
            "add",
            "--username",
            "lee.cli",
            "--name",
            "李命令",
            "--org",
            "PIF-HLT",
            "--password",
            "Cli-Temp-2026",
            "--role",
            "it_staff",
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let o = zian()
        .arg("--data-dir")
        .arg(&data)
        .args(["audit", "verify"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stdout));
    // the audit key was created beside the database, readable by its owner only
    let key_file = data.join("audit.key");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&key_file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "{mode:o}");
    }
    // a signed checkpoint, exported and checked
    let checkpoints = d.join("checkpoints.jsonl");
    for _ in 0..2 {
        let o = zian()
            .arg("--data-dir")
            .arg(&data)
            .args(["audit", "checkpoint", "--output"])
            .arg(&checkpoints)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    assert_eq!(
        std::fs::read_to_string(&checkpoints)
            .unwrap()
            .lines()
            .count(),
        2
    );
    let o = zian()
        .arg("--data-dir")
        .arg(&data)
        .args(["audit", "verify", "--checkpoints"])
        .arg(&checkpoints)
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{out}");
    assert!(
        out.contains("MACs verified") && out.contains("2 signed checkpoint"),
        "{out}"
    );

    let archive = d.join("backup.jsonl");
    let o = zian()
        .arg("--data-dir")
        .arg(&data)
        .args(["backup", "--output"])
        .arg(&archive)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    // restore into an empty data directory reproduces everything
    let data2 = d.join("restored");
    // a restored deployment keeps the key of the one that made the backup
    let zian = || {
        let mut c = zian();
        c.env("ZIAN_AUDIT_KEY_FILE", &key_file);
        c
    };
    let o = zian()
        .arg("--data-dir")
        .arg(&data2)
        .args(["restore", "--input"])
        .arg(&archive)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let a = zian()
        .arg("--data-dir")
        .arg(&data)
        .args(["user", "list"])
        .output()
        .unwrap();
    let b = zian()
        .arg("--data-dir")
        .arg(&data2)
        .args(["user", "list"])
        .output()
        .unwrap();
    assert_eq!(a.stdout, b.stdout);
    let o = zian()
        .arg("--data-dir")
        .arg(&data2)
        .args(["audit", "verify"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stdout));
    // with another key, every signature is wrong and verification says so
    let o = zian_cmd()
        .arg("--data-dir")
        .arg(&data2)
        .env("ZIAN_AUDIT_KEY_FILE", d.join("other.key"))
        .args(["audit", "verify"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("MAC"),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    // restoring twice is refused: the target is not empty
    let o = zian()
        .arg("--data-dir")
        .arg(&data2)
        .args(["restore", "--input"])
        .arg(&archive)
        .output()
        .unwrap();
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("not empty"));

    // an archive whose audit entry was edited is refused before anything is
    // written (its checksums no longer match); `backup verify` says so too.
    // (An entry edited inside the database is named by `audit verify`: see
    // the testkit's audit_anchor tests.)
    let text = std::fs::read_to_string(&archive).unwrap();
    let tampered: String = text
        .lines()
        .map(|l| {
            // audit entry 5 (rows are arrays: seq, at, …, action, …)
            if l.starts_with("[5,") && l.contains("\"org.created\"") {
                l.replacen("\"org.created\"", "\"org.createx\"", 1)
            } else {
                l.to_string()
            }
        })
        .map(|l| l + "\n")
        .collect();
    assert_ne!(tampered, text, "the archive holds audit entry 5");
    let bad = d.join("tampered.jsonl");
    std::fs::write(&bad, tampered).unwrap();
    let data3 = d.join("tampered");
    let o = zian()
        .arg("--data-dir")
        .arg(&data3)
        .args(["restore", "--input"])
        .arg(&bad)
        .output()
        .unwrap();
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr).to_string();
    assert!(err.contains("audit_log"), "{err}");
    let o = zian()
        .args(["backup", "verify"])
        .arg(&bad)
        .output()
        .unwrap();
    assert!(!o.status.success());
    let o = zian()
        .args(["backup", "verify"])
        .arg(&archive)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stdout));
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn configuration_errors_name_the_setting() {
    let d = tmpdir("config");
    let cfg = d.join("zian.toml");
    std::fs::write(
        &cfg,
        "bind = \"127.0.0.1:8080\"\n[auth]\nidle_timout_secs = 60\n",
    )
    .unwrap();
    let o = zian()
        .arg("--config")
        .arg(&cfg)
        .arg("migrate")
        .output()
        .unwrap();
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("idle_timout_secs"));
    let o = zian()
        .env("ZIAN_BIND", "not-an-address")
        .arg("--data-dir")
        .arg(d.join("x"))
        .arg("migrate")
        .output()
        .unwrap();
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("bind"));
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn reminders_for_a_mail_job() {
    let d = tmpdir("reminders");
    let data = d.join("data");
    let o = zian()
        .arg("--data-dir")
        .arg(&data)
        .args(["demo", "--no-serve"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let o = zian()
        .arg("--data-dir")
        .arg(&data)
        .args(["reminders", "--days", "30", "--format", "json"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v = lines(&o);
    // the demo levels were assigned in March 2024: obligations are overdue
    let police: Vec<&serde_json::Value> = v
        .iter()
        .filter(|r| r["org_name"] == "屏東縣政府警察局" && r["kind"] == "obligation")
        .collect();
    assert!(!police.is_empty(), "{v:?}");
    assert!(
        police
            .iter()
            .all(|r| r["overdue"] == true || r["due"].is_string())
    );
    let to: Vec<&str> = police[0]["recipients"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["username"].as_str().unwrap())
        .collect();
    assert!(
        to.contains(&"officer.police") && to.contains(&"ciso.police"),
        "{to:?}"
    );
    assert!(
        !to.contains(&"it.police"),
        "only officers and CISOs are reminded"
    );
    // due dates are in order
    let dues: Vec<&str> = v.iter().map(|r| r["due"].as_str().unwrap()).collect();
    let mut sorted = dues.clone();
    sorted.sort();
    assert_eq!(dues, sorted);
    // plain text: one tab-separated line per item
    let o = zian()
        .arg("--data-dir")
        .arg(&data)
        .args(["reminders"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&o.stdout);
    assert_eq!(text.lines().count(), v.len());
    assert!(text.lines().all(|l| l.split('\t').count() == 6));
    for bad in [
        &["reminders", "--days", "0"][..],
        &["reminders", "--format", "xml"][..],
    ] {
        let o = zian()
            .arg("--data-dir")
            .arg(&data)
            .args(bad)
            .output()
            .unwrap();
        assert!(!o.status.success(), "{bad:?}");
        assert!(!o.stderr.is_empty());
    }
}

/// `zian bench web` measures every request kind at every size on each
/// backend (PostgreSQL when the test server is configured) and fails on any
/// answer but 200, so a broken route or token fails this test.
#[test]
fn bench_web_measures_reads_on_each_backend() {
    let pg = std::env::var("ZIAN_TEST_PG_URL").ok();
    let mut c = zian();
    c.args([
        "bench",
        "web",
        "--records",
        "240,120",
        "--clients",
        "2",
        "--seconds",
        "0.3",
    ]);
    let backends: &[&str] = match &pg {
        Some(url) => {
            c.args(["--backend", "both", "--pg-url", url]);
            &["sqlite", "postgres"]
        }
        None => {
            c.args(["--backend", "sqlite"]);
            &["sqlite"]
        }
    };
    let out = c.output().expect("run zian bench web");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "bench web failed: {stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for backend in backends {
        for size in ["120", "240"] {
            for kind in [
                "GET /healthz (baseline)",
                "GET one system",
                "GET page of 50",
            ] {
                let row = stdout
                    .lines()
                    .find(|l| {
                        let mut w = l.split_whitespace();
                        w.next() == Some(backend) && w.next() == Some(size) && l.contains(kind)
                    })
                    .unwrap_or_else(|| panic!("no row for {backend} {size} {kind}:\n{stdout}"));
                let rps: f64 = row
                    .split(kind)
                    .nth(1)
                    .and_then(|rest| rest.split_whitespace().next())
                    .and_then(|v| v.parse().ok())
                    .unwrap_or_else(|| panic!("no req/s in {row:?}"));
                assert!(rps > 0.0, "{row}");
            }
        }
        assert!(
            stdout.contains(&format!("{backend:<9} page of 50 at 240 records vs 120")),
            "{stdout}"
        );
    }
}

/// A short `zian bench soak`: the server is killed with SIGKILL twice under
/// load and restarted; the run fails unless every acknowledged write is
/// there afterwards, the audit chain verifies and backup → restore → backup
/// is identical.
#[test]
fn bench_soak_loses_nothing_acknowledged() {
    let mut runs = vec![vec!["--backend", "sqlite"]];
    let pg = std::env::var("ZIAN_TEST_PG_URL").ok();
    if let Some(url) = &pg {
        runs.push(vec!["--backend", "postgres", "--pg-url", url]);
    }
    for extra in runs {
        let out = zian()
            .args([
                "bench",
                "soak",
                "--minutes",
                "0.1",
                "--clients",
                "3",
                "--kill-every",
                "2",
            ])
            .args(&extra)
            .output()
            .expect("run zian bench soak");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{extra:?}: {stdout}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(stdout.contains("lost: 0"), "{stdout}");
        assert!(stdout.contains("audit chain intact"), "{stdout}");
        assert!(
            stdout.contains("backup → restore → backup: identical"),
            "{stdout}"
        );
        let kills: u32 = stdout
            .split(" kills")
            .next()
            .and_then(|s| s.rsplit(' ').next())
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("no kill count: {stdout}"));
        assert!(kills >= 2, "{stdout}");
    }
}

/// `zian feeds import` then `zian feeds status` and `zian vuln scan --store`:
/// the same bytes as `--feeds`; a corrupt snapshot is refused with a clear
/// message; `zian bench vuln --store-only` prints the raw and store lines.
#[test]
fn feeds_store_import_status_and_scan() {
    let d = tmpdir("feeds-store");
    let store = d.join("store");
    let inv = d.join("inventory.csv");
    std::fs::write(
        &inv,
        "host,vendor,product,version,cpe23\nfw-01,paloaltonetworks,pan-os,10.2.9,\nweb-01,,,,cpe:2.3:a:openssl:openssl:1.0.1f:*:*:*:*:*:*:*\n",
    )
    .unwrap();
    let o = zian()
        .args(["feeds", "import", "--store"])
        .arg(&store)
        .arg(fixture("nvd-sample"))
        .arg(fixture("kev-subset.json"))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let o = zian()
        .args(["feeds", "status", "--store"])
        .arg(&store)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let status = String::from_utf8_lossy(&o.stdout);
    assert!(
        status.contains("records: 106") && status.contains("KEV 54"),
        "{status}"
    );
    assert!(status.contains("newest lastModified: 20"), "{status}");
    let scan = |args: &[&std::ffi::OsStr]| {
        let o = zian()
            .args(["vuln", "scan"])
            .args(args)
            .arg("--inventory")
            .arg(&inv)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        o.stdout
    };
    let n = fixture("nvd-sample");
    let k = fixture("kev-subset.json");
    let from_feeds = scan(&["--feeds".as_ref(), n.as_os_str(), k.as_os_str()]);
    let from_store = scan(&["--store".as_ref(), store.as_os_str()]);
    assert!(String::from_utf8_lossy(&from_feeds).contains("CVE-2014-3470"));
    assert_eq!(from_feeds, from_store);
    // Both sources at once is a usage error.
    let o = zian()
        .args(["vuln", "scan", "--store"])
        .arg(&store)
        .arg("--feeds")
        .arg(&n)
        .arg("--inventory")
        .arg(&inv)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    // The benchmark's store comparison on the fixtures.
    let o = zian()
        .args(["bench", "vuln", "--store-only", "--nvd"])
        .arg(fixture("nvdcve-api2-published-modified.json.xz"))
        .arg("--inventory")
        .arg(&inv)
        .args(["--cve-bin-tool-seconds", "20"])
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        o.status.success(),
        "{out}{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(out.starts_with("raw: ") && out.contains("ratio"), "{out}");
    assert!(
        out.contains("\nstore: ") && out.contains("output identical to raw: yes"),
        "{out}"
    );
    // A truncated snapshot is refused, never a panic.
    let snap = std::fs::read_dir(&store)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|x| x == "bin"))
        .unwrap();
    let bytes = std::fs::read(&snap).unwrap();
    std::fs::write(&snap, &bytes[..bytes.len() / 2]).unwrap();
    let o = zian()
        .args(["vuln", "scan", "--store"])
        .arg(&store)
        .arg("--inventory")
        .arg(&inv)
        .output()
        .unwrap();
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("feed store") && err.contains("truncated"),
        "{err}"
    );
    assert!(!err.contains("panicked"), "{err}");
}

/// `zian report`: the list, a document per format from the demo, and the
/// usage errors (exit status 2) for an unknown report, format, organisation
/// or record or a missing option.
#[test]
fn report_contract() {
    let o = zian().args(["report", "list"]).output().expect("run");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(
        String::from_utf8_lossy(&o.stdout)
            .lines()
            .collect::<Vec<_>>(),
        [
            "maintenance-plan",
            "security-roster",
            "asset-register",
            "host-cpe-list",
            "risk-assessment",
            "compliance-report",
            "control-baseline",
            "vulnerability-report",
            "vulnerability-review",
            "business-impact",
            "training-plan",
            "area-log",
            "continuity-plan",
            "drill-report",
            "audit-report",
            "audit-checklist",
            "improvement-tracking",
            "vendor-nda",
            "management-review-minutes",
            "maturity-report",
            "implementation-report",
            "resource-request",
            "confidentiality-agreement",
            "incident-notification",
            "incident-report"
        ]
    );
    let d = tmpdir("report");
    let data = d.join("data");
    let o = zian()
        .arg("--data-dir")
        .arg(&data)
        .args(["demo", "--no-serve"])
        .output()
        .expect("demo");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let report = |args: &[&str]| {
        zian()
            .arg("--data-dir")
            .arg(&data)
            .arg("report")
            .args(args)
            .output()
            .expect("run")
    };
    for (format, magic) in [
        ("pdf", &b"%PDF-"[..]),
        ("odt", b"PK"),
        ("ods", b"PK"),
        ("docx", b"PK"),
        ("xlsx", b"PK"),
        ("csv", b"\xEF\xBB\xBF"),
    ] {
        let out = d.join(format!("risk.{format}"));
        let o = report(&[
            "risk-assessment",
            "--org",
            "PIF-POL",
            "--format",
            format,
            "--output",
            out.to_str().expect("utf-8"),
        ]);
        assert!(
            o.status.success(),
            "{format}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        assert!(
            std::fs::read(&out).expect("written").starts_with(magic),
            "{format}"
        );
    }
    let csv = String::from_utf8(std::fs::read(d.join("risk.csv")).expect("csv")[3..].to_vec())
        .expect("utf-8");
    assert!(
        csv.starts_with("編號,資產,威脅,弱點,") && csv.lines().count() == 6,
        "{csv}"
    );
    let out = d.join("x.pdf");
    let out = out.to_str().expect("utf-8");
    for (args, says) in [
        (
            vec!["nothing", "--org", "PIF-POL", "--output", out],
            "unknown report",
        ),
        (
            vec![
                "risk-assessment",
                "--org",
                "PIF-POL",
                "--format",
                "doc",
                "--output",
                out,
            ],
            "unknown format",
        ),
        (
            vec!["risk-assessment", "--org", "NOPE", "--output", out],
            "NOPE",
        ),
        (vec!["risk-assessment", "--output", out], "--org"),
        (vec!["risk-assessment", "--org", "PIF-POL"], "--output"),
        (
            vec![
                "maintenance-plan",
                "--org",
                "PIF-POL",
                "--format",
                "csv",
                "--output",
                out,
            ],
            "CSV",
        ),
        // a record's document needs the record, an organisation's none
        (
            vec!["drill-report", "--org", "PIF-POL", "--output", out],
            "--record",
        ),
        (
            vec![
                "drill-report",
                "--org",
                "PIF-POL",
                "--record",
                "no-such-drill",
                "--output",
                out,
            ],
            "no drill with id no-such-drill",
        ),
        (
            vec![
                "risk-assessment",
                "--org",
                "PIF-POL",
                "--record",
                "x",
                "--output",
                out,
            ],
            "leave out --record",
        ),
    ] {
        let o = report(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains(says), "{args:?}: {err}");
    }
    assert!(!Path::new(out).exists(), "nothing written on a refusal");
}
