//! The offline scan (`zian vuln scan`): feeds detected by content, CSV and
//! CycloneDX inventories, JSONL and CSV output shapes, summary.

mod common;

use common::fixture;
use zian_vuln::cli::{ScanFormat, run_scan};

fn tmp(name: &str, text: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("zian-scan-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tmp");
    let p = dir.join(name);
    std::fs::write(&p, text).expect("write");
    p
}

#[test]
fn csv_inventory_jsonl_output() {
    let inv = tmp(
        "inv.csv",
        "host,vendor,product,version,cpe23\n\
         web01,apache,tomcat,,cpe:2.3:a:apache:tomcat:-:*:*:*:*:*:*:*\n\
         web01,redhat,enterprise_linux_server,7.0,cpe:2.3:o:redhat:enterprise_linux_server:7.0:*:*:*:*:*:*:*\n\
         fw01,fortinet,fortiproxy,7.4.2,\n\
         bad01,*,tomcat,9.0,cpe:2.3:a:*:tomcat:9.0:*:*:*:*:*:*:*\n\
         nas01,synology,photos,1.6.1-0712,\n",
    );
    let feeds = vec![
        fixture("nvd-sample"),
        fixture("kev-subset.json"),
        fixture("cve5-sample/CVE-2024-3400.json"),
    ];
    let mut out = Vec::new();
    let summary = run_scan(&feeds, &inv, ScanFormat::Jsonl, &mut out, false).expect("scan");
    let text = String::from_utf8(out).expect("utf8");
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect();
    assert_eq!(summary.findings, lines.len());
    assert_eq!(summary.hosts, 3);
    assert_eq!(summary.bad_assets.len(), 1, "wildcard vendor rejected");
    assert_eq!(summary.bad_assets[0].line, 5);
    // Key order of the contract.
    let first = text.lines().next().expect("a finding");
    let keys = [
        "\"host\"",
        "\"cpe23\"",
        "\"cve\"",
        "\"source\"",
        "\"score\"",
        "\"severity\"",
        "\"kev\"",
        "\"evidence\"",
    ];
    let pos: Vec<usize> = keys.iter().map(|k| first.find(k).expect("key")).collect();
    assert!(pos.windows(2).all(|w| w[0] < w[1]), "{first}");
    let has = |host: &str, cve: &str| lines.iter().any(|l| l["host"] == host && l["cve"] == cve);
    assert!(has("web01", "CVE-2016-5425"));
    assert!(
        has("fw01", "CVE-2024-21762"),
        "built CPE from vendor/product/version"
    );
    // Synology Photos without DSM on the host: the platform is missing.
    assert!(!has("nas01", "CVE-2024-10443"));
    let f = lines
        .iter()
        .find(|l| l["cve"] == "CVE-2024-21762")
        .expect("fortiproxy");
    assert_eq!(
        f["cpe23"],
        "cpe:2.3:a:fortinet:fortiproxy:7.4.2:*:*:*:*:*:*:*"
    );
    assert_eq!(f["source"], "nvd");
    assert_eq!(f["kev"], true);
    assert_eq!(f["evidence"]["range"], ">=7.4.0 <7.4.3");
    let s = summary.to_string();
    assert!(s.contains("nvd-sample") && s.contains("read 106"), "{s}");
    assert!(s.contains("findings:"), "{s}");
}

#[test]
fn cyclonedx_inventory_csv_output() {
    let sbom = tmp(
        "bom.json",
        r#"{"bomFormat":"CycloneDX","specVersion":"1.5","metadata":{"component":{"name":"app-server"}},
           "components":[
             {"type":"application","name":"automatic","version":"3.92.0","cpe":"cpe:2.3:a:valvepress:automatic:3.92.0:*:*:*:*:wordpress:*:*"},
             {"type":"library","name":"openssl","publisher":"OpenSSL","version":"0.9.8l",
              "components":[{"type":"library","name":"nopublisher","version":"1"}]}
           ]}"#,
    );
    let feeds = vec![fixture("nvd-sample")];
    let mut out = Vec::new();
    let summary = run_scan(&feeds, &sbom, ScanFormat::Csv, &mut out, false).expect("scan");
    let text = String::from_utf8(out).expect("utf8");
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    assert_eq!(
        rdr.headers().expect("header").iter().collect::<Vec<_>>(),
        [
            "host", "cpe23", "cve", "source", "score", "severity", "kev", "evidence"
        ]
    );
    let rows: Vec<csv::StringRecord> = rdr.records().map(|r| r.expect("row")).collect();
    assert_eq!(rows.len(), summary.findings);
    assert_eq!(
        summary.bad_assets.len(),
        1,
        "component without cpe or publisher"
    );
    let cves: Vec<&str> = rows.iter().map(|r| &r[2]).collect();
    assert!(cves.contains(&"CVE-2024-27956"));
    assert!(
        cves.contains(&"CVE-2009-1378"),
        "openssl 0.9.8l from publisher/name/version"
    );
    for r in &rows {
        assert_eq!(&r[0], "app-server");
        let ev: serde_json::Value = serde_json::from_str(&r[7]).expect("evidence JSON");
        assert!(
            ev["criteria"]
                .as_str()
                .is_some_and(|c| c.starts_with("cpe:2.3:"))
        );
    }
}
