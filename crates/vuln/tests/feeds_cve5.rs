//! Feed import (NVD pages, xz, CVE 5, KEV, EPSS, bad records) and CNA/ADP
//! matching when NVD has no configuration.

mod common;

use common::{add_cve5, fixture, hits, inventory, scan, set};
use zian_vuln::Origin;
use zian_vuln::feeds::{FeedKind, FeedReport, VulnStore, import_nvd_slice, import_path};

#[test]
fn nvd_page_xz_is_streamed_with_records_without_configurations() {
    let mut store = VulnStore::new();
    let r = import_path(
        &fixture("nvdcve-api2-published-modified.json.xz"),
        &mut store,
    )
    .expect("import");
    assert_eq!(r.kind, FeedKind::Nvd);
    // data/README.md: 1,755 CVEs, 72 with configurations.
    assert_eq!(r.read, 1755, "{r}");
    assert_eq!(r.skipped, 0, "{r}");
    let with_cfg = store
        .entries()
        .iter()
        .filter(|e| e.nvd.as_ref().is_some_and(|n| !n.configurations.is_empty()))
        .count();
    assert_eq!(with_cfg, 72);
}

#[test]
fn one_bad_record_is_skipped_with_its_reason() {
    let good = std::fs::read_to_string(fixture("nvd-sample/CVE-2024-27956.json")).expect("f");
    let page = format!(
        r#"{{"resultsPerPage":3,"startIndex":0,"totalResults":3,"format":"NVD_CVE","version":"2.0","newKey":{{"x":1}},
        "vulnerabilities":[{{"cve":{good}}},{{"cve":{{"id":"CVE-2024-0001","configurations":"oops"}}}},{{"cve":{{"id":"NOT-AN-ID"}}}}]}}"#
    );
    let mut store = VulnStore::new();
    let mut r = FeedReport::new("page", FeedKind::Nvd);
    import_nvd_slice(page.as_bytes(), &mut store, &mut r);
    assert_eq!((r.read, r.inserted, r.skipped), (3, 1, 2), "{r}");
    assert_eq!(r.skipped_records[0].index, 1);
    assert_eq!(r.skipped_records[0].id.as_deref(), Some("CVE-2024-0001"));
    assert!(
        r.skipped_records[0].reason.contains("invalid NVD record"),
        "{r}"
    );
    assert_eq!(r.skipped_records[1].id.as_deref(), Some("NOT-AN-ID"));
    assert!(r.fatal.is_none());
    // Truncated JSON: the records before the error are kept, the error reported.
    let cut = &page[..page.len() - 40];
    let mut store2 = VulnStore::new();
    let mut r2 = FeedReport::new("cut", FeedKind::Nvd);
    import_nvd_slice(cut.as_bytes(), &mut store2, &mut r2);
    assert_eq!(r2.inserted, 1);
    assert!(
        r2.fatal
            .as_deref()
            .is_some_and(|f| f.contains("malformed JSON")),
        "{r2}"
    );
}

#[test]
fn older_last_modified_does_not_replace_newer() {
    let text = std::fs::read_to_string(fixture("nvd-sample/CVE-2024-27956.json")).expect("f");
    let mut v: serde_json::Value = serde_json::from_str(&text).expect("json");
    let mut store = VulnStore::new();
    let mut r = FeedReport::new("t", FeedKind::Nvd);
    import_nvd_slice(text.as_bytes(), &mut store, &mut r);
    v["lastModified"] = "2001-01-01T00:00:00.000".into();
    v["configurations"] = serde_json::json!([]);
    import_nvd_slice(v.to_string().as_bytes(), &mut store, &mut r);
    assert_eq!((r.inserted, r.stale, r.replaced), (1, 1, 0));
    let e = store.get("CVE-2024-27956").expect("stored");
    assert_eq!(e.nvd.as_ref().map(|n| n.configurations.len()), Some(1));
}

#[test]
fn cna_ranges_with_alias_and_changes_cve_2024_3400() {
    let mut store = VulnStore::new();
    let reports = add_cve5(&mut store, &["CVE-2024-3400"]);
    let r = &reports[0];
    assert_eq!(r.kind, FeedKind::Cve5);
    // ADP lessThan values have trailing spaces ("10.2.9-h1 "): three cleaned.
    assert_eq!(r.cleaned.whitespace_trimmed, 3, "{r}");
    assert!(
        r.cleaned.alias_applied >= 1,
        "Palo Alto Networks → paloaltonetworks: {r}"
    );
    let e = store.get("CVE-2024-3400").expect("stored");
    assert!(e.kev_in_record(), "CISA-ADP KEV flag");
    assert_eq!(
        e.cve5
            .as_ref()
            .and_then(|c| c.ssvc.as_ref())
            .and_then(|s| s.exploitation.as_deref()),
        Some("active")
    );
    let v8 = "cpe:2.3:o:paloaltonetworks:pan-os:10.2.8:*:*:*:*:*:*:*";
    let fixed = "cpe:2.3:o:paloaltonetworks:pan-os:10.2.9:h1:*:*:*:*:*:*";
    let h2 = "cpe:2.3:o:paloaltonetworks:pan-os:11.1.2:h2:*:*:*:*:*:*";
    let h3 = "cpe:2.3:o:paloaltonetworks:pan-os:11.1.2:h3:*:*:*:*:*:*";
    let old = "cpe:2.3:o:paloaltonetworks:pan-os:9.1.0:*:*:*:*:*:*:*";
    let inv = inventory(&[
        ("a", &[v8]),
        ("b", &[fixed]),
        ("c", &[h2]),
        ("d", &[h3]),
        ("e", &[old]),
    ]);
    let f = scan(&store, &inv);
    assert_eq!(hits(&f, "CVE-2024-3400"), set(&[("a", v8), ("c", h2)]));
    let a = f.iter().find(|x| x.host == "a").expect("finding");
    assert_eq!(a.source, Origin::Cna);
    assert_eq!(a.score, Some(10.0));
    assert!(a.kev);
    assert!(
        a.evidence
            .range
            .as_deref()
            .is_some_and(|r| r.contains("<10.2.9-h1")),
        "{:?}",
        a.evidence
    );
}

#[test]
fn nvd_configuration_wins_over_cna_when_present() {
    let mut store = common::nvd_store(&["CVE-2024-3400"]);
    add_cve5(&mut store, &["CVE-2024-3400"]);
    // 10.2.8 is in the CNA range but not in NVD's enumerated list: NVD decides.
    let v8 = "cpe:2.3:o:paloaltonetworks:pan-os:10.2.8:*:*:*:*:*:*:*";
    let v7 = "cpe:2.3:o:paloaltonetworks:pan-os:10.2.7:h1:*:*:*:*:*:*";
    let inv = inventory(&[("a", &[v8]), ("b", &[v7])]);
    let f = scan(&store, &inv);
    assert_eq!(hits(&f, "CVE-2024-3400"), set(&[("b", v7)]));
    assert_eq!(f[0].source, Origin::Nvd);
}

#[test]
fn adp_cpes_when_cna_has_no_versions_cve_2022_20655() {
    let mut store = VulnStore::new();
    add_cve5(&mut store, &["CVE-2022-20655"]);
    let xr = "cpe:2.3:o:cisco:ios_xr_software:6.5.1:*:*:*:*:*:*:*";
    let xr_fixed = "cpe:2.3:o:cisco:ios_xr_software:7.0.2:*:*:*:*:*:*:*";
    let cpt = "cpe:2.3:a:cisco:carrier_packet_transport:10.0:*:*:*:*:*:*:*";
    let inv = inventory(&[("a", &[xr]), ("b", &[xr_fixed]), ("c", &[cpt])]);
    let f = scan(&store, &inv);
    // carrier_packet_transport: version "0" lessThan "*" → every version.
    assert_eq!(hits(&f, "CVE-2022-20655"), set(&[("a", xr), ("c", cpt)]));
    assert!(f.iter().all(|x| x.source == Origin::Adp));
}

#[test]
fn cna_version_equal_to_less_than_is_cleaned_cve_2024_4671() {
    let mut store = VulnStore::new();
    let r = add_cve5(&mut store, &["CVE-2024-4671"]);
    assert_eq!(r[0].cleaned.version_equals_bound, 1, "{}", r[0]);
    let old = "cpe:2.3:a:google:chrome:124.0.6367.200:*:*:*:*:*:*:*";
    let fixed = "cpe:2.3:a:google:chrome:124.0.6367.201:*:*:*:*:*:*:*";
    let inv = inventory(&[("a", &[old]), ("b", &[fixed])]);
    let f = scan(&store, &inv);
    assert_eq!(hits(&f, "CVE-2024-4671"), set(&[("a", old)]));
}

#[test]
fn qnap_branch_and_build_in_version_cve_2025_52429() {
    let mut store = VulnStore::new();
    let r = add_cve5(&mut store, &["CVE-2025-52429"]);
    assert_eq!(r[0].cleaned.branch_wildcard, 2, "{}", r[0]);
    let fixed = "cpe:2.3:o:qnap:qts:5.2.6.3195:build_20250715:*:*:*:*:*:*";
    let old = "cpe:2.3:o:qnap:qts:5.2.5.3145:build_20250526:*:*:*:*:*:*";
    let other_branch = "cpe:2.3:o:qnap:qts:5.1.9.2954:build_20241120:*:*:*:*:*:*";
    let inv = inventory(&[("a", &[fixed]), ("b", &[old]), ("c", &[other_branch])]);
    let f = scan(&store, &inv);
    assert_eq!(hits(&f, "CVE-2025-52429"), set(&[("b", old)]));
    // No NVD data: the CNA's CVSS v4.0 is the preferred score.
    assert_eq!(f[0].evidence.cvss_version, Some("4.0"));
}

#[test]
fn cna_cpe_applicability_cve_2022_41128() {
    let mut store = VulnStore::new();
    add_cve5(&mut store, &["CVE-2022-41128"]);
    let w = "cpe:2.3:o:microsoft:windows_10_21h1:10.0.19043.2250:*:*:*:*:*:x64:*";
    let wf = "cpe:2.3:o:microsoft:windows_10_21h1:10.0.19043.2251:*:*:*:*:*:x64:*";
    let inv = inventory(&[("a", &[w]), ("b", &[wf])]);
    let f = scan(&store, &inv);
    assert_eq!(hits(&f, "CVE-2022-41128"), set(&[("a", w)]));
    assert_eq!(f[0].source, Origin::Cna);
    assert!(f[0].kev);
}

#[test]
fn rejected_cve5_and_directory_and_jsonl() {
    let mut store = VulnStore::new();
    let r = import_path(&fixture("cve5-sample"), &mut store).expect("dir");
    assert_eq!((r.read, r.skipped), (19, 0), "{r}");
    assert!(store.get("CVE-2021-36593").expect("stored").is_rejected());
    let mut s2 = VulnStore::new();
    let r2 = import_path(&fixture("vulnrichment-first300.jsonl.xz"), &mut s2).expect("jsonl");
    assert_eq!(r2.kind, FeedKind::Cve5);
    assert_eq!((r2.read, r2.skipped), (300, 0), "{r2}");
    assert_eq!(s2.len(), 300);
}

#[test]
fn kev_catalogue_and_epss() {
    let mut store = common::nvd_store(&["CVE-2016-5425", "CVE-2024-27956"]);
    let r = import_path(&fixture("kev-subset.json"), &mut store).expect("kev");
    assert_eq!(r.kind, FeedKind::Kev);
    assert_eq!(r.inserted, 54, "{r}");
    assert!(
        store.is_kev("CVE-2024-3400"),
        "catalogue entry without a stored record"
    );
    assert!(!store.is_kev("CVE-2016-5425"));
    assert!(!store.is_kev("CVE-2024-27956"));
    // FIRST EPSS CSV layout (comment line, header, rows); values for the test.
    let dir = std::env::temp_dir().join(format!("zian-epss-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tmp");
    let p = dir.join("epss.csv");
    std::fs::write(
        &p,
        "#model_version:v2025.03.14,score_date:2025-03-31T12:55:00Z\ncve,epss,percentile\nCVE-2024-27956,0.94,0.99\nCVE-bad,0.1,0.2\nCVE-2016-5425,2.0,0.5\n",
    )
    .expect("write");
    let r = import_path(&p, &mut store).expect("epss");
    assert_eq!(r.kind, FeedKind::Epss);
    assert_eq!((r.inserted, r.skipped), (1, 2), "{r}");
    let inv = inventory(&[(
        "w",
        &["cpe:2.3:a:valvepress:automatic:3.92.0:*:*:*:*:wordpress:*:*"],
    )]);
    let f = scan(&store, &inv);
    assert_eq!(f[0].evidence.epss, Some(0.94));
    assert_eq!(f[0].evidence.epss_percentile, Some(0.99));
    assert!(!f[0].kev);
    let _ = std::fs::remove_dir_all(&dir);
}
