//! The compiled feed store (`zian feeds import|status`, `zian vuln scan
//! --store`): same findings as from the feeds, merge by lastModified,
//! atomic switch, refusal of corrupt or truncated snapshots, parallel parse
//! equal to the sequential import.

mod common;

use std::path::{Path, PathBuf};

use common::fixture;
use zian_vuln::VulnError;
use zian_vuln::cli::{ScanFormat, run_scan, run_scan_store};
use zian_vuln::feeds::{VulnStore, import_path, import_paths};
use zian_vuln::store::{MANIFEST, Stage, Store};

fn tmpdir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("zian-store-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("tmp dir");
    d
}

/// Every fixture kind: NVD single records (directory), an NVD API page (xz),
/// CVE 5 records (directory) and JSON lines (xz), KEV, EPSS.
fn all_feeds(dir: &Path) -> Vec<PathBuf> {
    let epss = dir.join("epss.csv");
    std::fs::write(
        &epss,
        "#model_version:v2023.03.01,score_date:2025-01-24T00:00:00+0000\n\
         cve,epss,percentile\n\
         CVE-2024-21762,0.95,0.999\n\
         CVE-2016-5425,0.12,0.93\n",
    )
    .expect("epss");
    vec![
        fixture("nvd-sample"),
        fixture("nvdcve-api2-published-modified.json.xz"),
        fixture("cve5-sample"),
        fixture("vulnrichment-first300.jsonl.xz"),
        fixture("kev-subset.json"),
        epss,
    ]
}

/// An inventory of real names: every criterion of the feeds with a specific
/// version (ranges: their bounds), on hosts of 15, plus the platform names.
fn inventory_from(store: &VulnStore, dir: &Path) -> PathBuf {
    let mut text = String::from("host,vendor,product,version,cpe23\n");
    let mut n = 0usize;
    for (_, c) in store.criteria.iter() {
        let parts: Vec<&str> = c.fs.split(':').collect();
        if parts.len() != 13 || parts[3] == "*" || parts[4] == "*" || parts[2] == "*" {
            continue;
        }
        let mut versions = Vec::new();
        if parts[5] != "*" && parts[5] != "-" {
            versions.push(parts[5].to_owned());
        }
        for b in [&c.start, &c.end].into_iter().flatten() {
            if !b.raw.contains(':') && !b.raw.contains(',') {
                versions.push(b.raw.to_string());
            }
        }
        if versions.is_empty() {
            versions.push("*".into());
        }
        for v in versions {
            let mut p = parts.clone();
            p[5] = &v;
            let cpe = p.join(":");
            if cpe.contains(',') || cpe.contains('"') {
                continue;
            }
            text.push_str(&format!("h{:03},,,,{cpe}\n", n / 15));
            n += 1;
        }
    }
    let p = dir.join("inventory.csv");
    std::fs::write(&p, text).expect("inventory");
    p
}

fn scan_bytes(
    feeds: Option<&[PathBuf]>,
    store: Option<&Path>,
    inv: &Path,
    f: ScanFormat,
) -> Vec<u8> {
    let mut out = Vec::new();
    match (feeds, store) {
        (Some(feeds), _) => run_scan(feeds, inv, f, &mut out, false).expect("scan feeds"),
        (_, Some(dir)) => run_scan_store(dir, inv, f, &mut out, false).expect("scan store"),
        _ => unreachable!(),
    };
    out
}

#[test]
fn store_scan_output_is_identical_to_feed_scan() {
    let dir = tmpdir("identical");
    let feeds = all_feeds(&dir);
    let mut direct = VulnStore::new();
    import_paths(&feeds, &mut direct).expect("import");
    let inv = inventory_from(&direct, &dir);
    let store = dir.join("store");
    let rep = Store::import(&store, &feeds).expect("store import");
    assert_eq!(rep.manifest.records, direct.len() as u64);
    for format in [ScanFormat::Jsonl, ScanFormat::Csv] {
        let a = scan_bytes(Some(&feeds), None, &inv, format);
        let b = scan_bytes(None, Some(&store), &inv, format);
        let lines = a.iter().filter(|c| **c == b'\n').count();
        assert!(
            lines > 100,
            "the inventory must produce many findings ({lines})"
        );
        assert!(a == b, "store scan differs from feed scan ({format:?})");
    }
    // Possible findings and KEV/EPSS-carrying ones are among them.
    let text =
        String::from_utf8(scan_bytes(Some(&feeds), None, &inv, ScanFormat::Jsonl)).expect("utf8");
    assert!(text.contains("\"certainty\":\"possible\""));
    assert!(text.contains("\"kev\":true"));
}

#[test]
fn load_for_an_inventorys_keys_decodes_less_and_finds_the_same() {
    let dir = tmpdir("keys");
    let feeds = all_feeds(&dir);
    let mut direct = VulnStore::new();
    import_paths(&feeds, &mut direct).expect("import");
    let full_inv = inventory_from(&direct, &dir);
    // A narrow inventory: the first two hosts of the broad one.
    let text = std::fs::read_to_string(&full_inv).expect("inventory");
    let narrow: String = text
        .lines()
        .filter(|l| l.starts_with("host,") || l.starts_with("h000,") || l.starts_with("h001,"))
        .map(|l| format!("{l}\n"))
        .collect();
    let inv = dir.join("narrow.csv");
    std::fs::write(&inv, narrow).expect("narrow inventory");
    let store = dir.join("store");
    Store::import(&store, &feeds).expect("store import");
    let a = scan_bytes(Some(&feeds), None, &inv, ScanFormat::Jsonl);
    let b = scan_bytes(None, Some(&store), &inv, ScanFormat::Jsonl);
    assert!(a.iter().filter(|c| **c == b'\n').count() > 0, "findings");
    assert!(a == b, "store scan for the inventory's keys differs");
    let (loaded_inv, _) = zian_vuln::cli::load_inventory(&inv).expect("inventory");
    let keys: Vec<&str> = loaded_inv.assets().iter().map(|a| a.key.as_str()).collect();
    let part = Store::open_for_keys(&store, &keys).expect("open for keys");
    let v = part.vulns();
    assert!(!v.entries().is_empty());
    assert!(v.len() < direct.len(), "{} of {}", v.len(), direct.len());
    assert!(v.criteria.len() < direct.criteria.len());
    // Each loaded record is the stored one, its criteria renumbered: the
    // same texts in the same places.
    let texts = |s: &VulnStore, e: &zian_vuln::model::CveEntry| -> Vec<String> {
        e.nvd
            .iter()
            .flat_map(|n| n.configurations.iter())
            .flat_map(|c| c.nodes.iter())
            .flat_map(|n| n.matches.iter())
            .map(|m| {
                s.criteria
                    .get(m.criterion)
                    .expect("criterion")
                    .fs
                    .to_string()
            })
            .collect()
    };
    for e in v.entries() {
        let d = direct.get(&e.id).expect("record in the full store");
        assert_eq!(texts(v, e), texts(&direct, d), "{}", e.id);
    }
    // No keys: only the records with an unkeyed trigger.
    let none = Store::open_for_keys(&store, &[]).expect("open for no keys");
    assert!(none.vulns().len() < v.len());
}

#[test]
fn full_load_round_trips_every_record() {
    let dir = tmpdir("roundtrip");
    let feeds = all_feeds(&dir);
    let mut direct = VulnStore::new();
    import_paths(&feeds, &mut direct).expect("import");
    let store = dir.join("store");
    Store::import(&store, &feeds).expect("store import");
    let loaded = Store::open(&store).expect("open");
    let v = loaded.vulns();
    assert_eq!(v.entries(), direct.entries(), "records (with descriptions)");
    assert_eq!(v.kev_entries(), direct.kev_entries());
    assert_eq!(v.epss_entries(), direct.epss_entries());
    assert!(v.epss("CVE-2024-21762").is_some());
    let fs = |s: &VulnStore| {
        s.criteria
            .iter()
            .map(|(i, c)| (i, c.fs.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(fs(v), fs(&direct), "criteria ids stable");
    // The matching load drops only the descriptive fields.
    let m = Store::open_for_matching(&store).expect("open for matching");
    let with_desc = direct
        .entries()
        .iter()
        .filter(|e| e.nvd.as_ref().is_some_and(|n| !n.descriptions.is_empty()))
        .count();
    assert!(with_desc > 0);
    assert!(
        m.vulns()
            .entries()
            .iter()
            .all(|e| e.nvd.as_ref().is_none_or(|n| n.descriptions.is_empty()))
    );
    for (a, b) in m.vulns().entries().iter().zip(direct.entries()) {
        assert_eq!(a.id, b.id);
        assert_eq!(
            a.nvd.as_ref().map(|n| &n.configurations),
            b.nvd.as_ref().map(|n| &n.configurations)
        );
        assert_eq!(
            a.cve5.as_ref().map(|c| &c.affected),
            b.cve5.as_ref().map(|c| &c.affected)
        );
    }
}

#[test]
fn parallel_import_equals_sequential_import() {
    let dir = tmpdir("parallel");
    let feeds = all_feeds(&dir);
    let mut seq = VulnStore::new();
    let seq_reports: Vec<_> = feeds
        .iter()
        .map(|f| import_path(f, &mut seq).expect("sequential"))
        .collect();
    let mut par = VulnStore::new();
    let par_reports = import_paths(&feeds, &mut par).expect("parallel");
    assert_eq!(seq_reports, par_reports);
    assert_eq!(seq.entries(), par.entries());
    let fs = |s: &VulnStore| {
        s.criteria
            .iter()
            .map(|(_, c)| c.fs.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(fs(&seq), fs(&par));
    // A file argument that is not a feed is an error, as sequentially.
    let junk = dir.join("junk.txt");
    std::fs::write(&junk, "hello").expect("junk");
    let err = import_paths(&[fixture("kev-subset.json"), junk], &mut VulnStore::new())
        .expect_err("junk refused");
    assert!(matches!(err, VulnError::UnknownFeed { .. }), "{err}");
}

fn nvd_page(id: &str, last_modified: &str, desc: &str) -> String {
    format!(
        r#"{{"format":"NVD_CVE","version":"2.0","vulnerabilities":[{{"cve":{{"id":"{id}","published":"2015-01-01T00:00:00.000","lastModified":"{last_modified}","vulnStatus":"Analyzed","descriptions":[{{"lang":"en","value":"{desc}"}}],"metrics":{{}},"configurations":[{{"nodes":[{{"operator":"OR","negate":false,"cpeMatch":[{{"vulnerable":true,"criteria":"cpe:2.3:a:acme:widget:*:*:*:*:*:*:*:*","versionEndExcluding":"2.0","matchCriteriaId":"00000000-0000-0000-0000-000000000001"}}]}}]}}]}}}}]}}"#
    )
}

#[test]
fn import_merges_and_newer_last_modified_wins() {
    let dir = tmpdir("merge");
    let newer = dir.join("newer.json");
    let older = dir.join("older.json");
    let other = dir.join("other.json");
    std::fs::write(
        &newer,
        nvd_page("CVE-2015-0001", "2016-05-01T00:00:00.000", "new text"),
    )
    .expect("w");
    std::fs::write(
        &older,
        nvd_page("CVE-2015-0001", "2015-02-01T00:00:00.000", "old text"),
    )
    .expect("w");
    std::fs::write(
        &other,
        nvd_page("CVE-2015-0002", "2015-03-01T00:00:00.000", "other"),
    )
    .expect("w");
    let store = dir.join("store");
    Store::import(&store, std::slice::from_ref(&newer)).expect("first");
    let r = Store::import(&store, &[older.clone(), other.clone()]).expect("second");
    assert_eq!(r.records_before, 1);
    assert_eq!(r.manifest.records, 2);
    assert_eq!(r.feeds[0].stale, 1, "older version ignored");
    let s = Store::open(&store).expect("open");
    let e = s.vulns().get("CVE-2015-0001").expect("record");
    let nvd = e.nvd.as_ref().expect("nvd");
    assert_eq!(nvd.descriptions[0].1.as_ref(), "new text");
    assert_eq!(
        nvd.last_modified.as_deref(),
        Some("2016-05-01T00:00:00.000")
    );
    // Status: sources of both imports, counts, newest lastModified, size.
    let st = Store::status(&store).expect("status");
    assert_eq!(st.manifest.sources.len(), 3);
    assert_eq!(st.manifest.nvd_records, 2);
    assert_eq!(
        st.manifest.newest_last_modified.as_deref(),
        Some("2016-05-01T00:00:00.000")
    );
    let snap = store.join(&st.manifest.file);
    assert_eq!(
        std::fs::metadata(&snap).expect("snapshot").len(),
        st.manifest.size
    );
    let text = st.to_string();
    assert!(
        text.contains("records: 2") && text.contains("older.json"),
        "{text}"
    );
    // Exactly one snapshot is kept.
    let snaps = std::fs::read_dir(&store)
        .expect("dir")
        .filter(|e| {
            e.as_ref()
                .is_ok_and(|e| e.file_name().to_string_lossy().ends_with(".bin"))
        })
        .count();
    assert_eq!(snaps, 1);
}

fn dir_listing(d: &Path) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<_> = std::fs::read_dir(d)
        .expect("dir")
        .map(|e| {
            let e = e.expect("entry");
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).expect("read"),
            )
        })
        .collect();
    v.sort();
    v
}

#[test]
fn failed_import_leaves_previous_store_intact() {
    let dir = tmpdir("atomic");
    let store = dir.join("store");
    Store::import(&store, &[fixture("kev-subset.json"), fixture("nvd-sample")]).expect("first");
    let before = dir_listing(&store);
    let loaded_before = Store::open(&store).expect("open").into_vulns();
    for stage in [Stage::SnapshotWritten, Stage::BeforeSwitch] {
        let err = Store::import_with_hook(&store, &[fixture("cve5-sample")], &mut |s| {
            if s == stage {
                Err(std::io::Error::other("simulated crash"))
            } else {
                Ok(())
            }
        })
        .expect_err("injected failure");
        assert!(err.to_string().contains("simulated crash"), "{err}");
        // The manifest and the snapshot it names are unchanged and load.
        let m = Store::status(&store).expect("status");
        let old = before
            .iter()
            .find(|(n, _)| n == MANIFEST)
            .expect("manifest");
        assert_eq!(std::fs::read(store.join(MANIFEST)).expect("m"), old.1);
        let snap = before
            .iter()
            .find(|(n, _)| *n == m.manifest.file)
            .expect("snap");
        assert_eq!(
            std::fs::read(store.join(&m.manifest.file)).expect("s"),
            snap.1
        );
        let loaded = Store::open(&store).expect("previous store still loads");
        assert_eq!(loaded.vulns().entries(), loaded_before.entries());
        assert!(
            loaded
                .vulns()
                .get("CVE-2024-3400")
                .is_none_or(|e| e.cve5.is_none())
        );
    }
    // The next import succeeds and removes what the failed ones left.
    Store::import(&store, &[fixture("cve5-sample")]).expect("third");
    let names: Vec<String> = dir_listing(&store).into_iter().map(|(n, _)| n).collect();
    assert_eq!(names.len(), 2, "{names:?}");
    assert!(
        Store::open(&store)
            .expect("open")
            .vulns()
            .entries()
            .iter()
            .any(|e| e.cve5.is_some())
    );
}

fn assert_refused(store: &Path, what: &str) {
    for r in [Store::open(store), Store::open_for_matching(store)] {
        match r {
            Err(VulnError::Store { reason, .. }) => {
                assert!(!reason.is_empty(), "{what}");
            }
            Err(other) => panic!("{what}: unexpected error kind {other}"),
            Ok(_) => panic!("{what}: corrupt store accepted"),
        }
    }
}

#[test]
fn corrupt_or_truncated_store_is_refused() {
    let dir = tmpdir("corrupt");
    let store = dir.join("store");
    Store::import(&store, &[fixture("nvd-sample"), fixture("kev-subset.json")]).expect("import");
    let m = Store::status(&store).expect("status").manifest;
    let snap = store.join(&m.file);
    let good = std::fs::read(&snap).expect("snapshot");
    let manifest = std::fs::read(store.join(MANIFEST)).expect("manifest");
    // Flipped bytes in the header, the core and the details.
    for at in [3usize, 9, 20, 200, good.len() / 2, good.len() - 5] {
        let mut bad = good.clone();
        bad[at] ^= 0x5a;
        std::fs::write(&snap, &bad).expect("w");
        if at > 100 && at >= good.len() / 2 {
            // The details section is not read by the matching load.
            assert!(
                matches!(Store::open(&store), Err(VulnError::Store { .. })),
                "byte {at}"
            );
        } else {
            assert_refused(&store, &format!("byte {at} flipped"));
        }
    }
    // Truncated (manifest size no longer matches), at several lengths.
    for len in [0usize, 7, 50, 120, good.len() - 1] {
        std::fs::write(&snap, &good[..len]).expect("w");
        assert_refused(&store, &format!("truncated to {len}"));
    }
    // Truncated with a manifest updated to match: the header check refuses.
    std::fs::write(&snap, &good[..good.len() - 10]).expect("w");
    let mut mj: serde_json::Value = serde_json::from_slice(&manifest).expect("json");
    mj["size"] = serde_json::json!(good.len() - 10);
    std::fs::write(store.join(MANIFEST), serde_json::to_vec(&mj).expect("j")).expect("w");
    assert_refused(&store, "truncated, manifest adjusted");
    // Another format version (1: criteria stored as text), in the snapshot
    // header and in the manifest: refused, asking for a re-import.
    let mut v1 = good.clone();
    v1[8] = 1;
    mj["size"] = serde_json::json!(good.len());
    std::fs::write(store.join(MANIFEST), serde_json::to_vec(&mj).expect("j")).expect("w");
    std::fs::write(&snap, &v1).expect("w");
    for r in [Store::open(&store), Store::open_for_matching(&store)] {
        let Err(e) = r else {
            panic!("version 1 accepted")
        };
        assert!(e.to_string().contains("format version 1"), "{e}");
        assert!(e.to_string().contains("zian feeds import"), "{e}");
    }
    let mut old_manifest = mj.clone();
    old_manifest["format"] = serde_json::json!(1);
    std::fs::write(
        store.join(MANIFEST),
        serde_json::to_vec(&old_manifest).expect("j"),
    )
    .expect("w");
    let Err(e) = Store::open_for_matching(&store) else {
        panic!("format 1 manifest accepted")
    };
    assert!(e.to_string().contains("format version 1"), "{e}");
    assert!(e.to_string().contains("zian feeds import"), "{e}");
    std::fs::write(store.join(MANIFEST), serde_json::to_vec(&mj).expect("j")).expect("w");
    // A manifest naming a file outside the store, or garbage.
    std::fs::write(&snap, &good).expect("w");
    mj["file"] = serde_json::json!("../../etc/passwd");
    std::fs::write(store.join(MANIFEST), serde_json::to_vec(&mj).expect("j")).expect("w");
    assert_refused(&store, "path in manifest");
    std::fs::write(store.join(MANIFEST), b"{not json").expect("w");
    assert_refused(&store, "garbage manifest");
    assert!(matches!(
        Store::status(&store),
        Err(VulnError::Store { .. })
    ));
    // Restored: loads again.
    std::fs::write(store.join(MANIFEST), &manifest).expect("w");
    assert!(Store::open(&store).is_ok());
    // No store at all.
    let empty = tmpdir("empty");
    let Err(e) = Store::open(&empty) else {
        panic!("empty dir accepted")
    };
    assert!(e.to_string().contains("zian feeds import"), "{e}");
}

#[test]
fn decode_never_panics_on_mutations() {
    // A light in-test version of the fuzz target: every truncation and many
    // single-byte mutations of a small snapshot are refused or decoded, never a panic.
    let dir = tmpdir("mutate");
    let store = dir.join("store");
    Store::import(&store, &[fixture("cve5-sample/CVE-2024-3400.json")]).expect("import");
    let m = Store::status(&store).expect("status").manifest;
    let good = std::fs::read(store.join(&m.file)).expect("snapshot");
    let p = Path::new("snapshot");
    assert!(zian_vuln::store::decode(p, &good, true).is_ok());
    for len in 0..good.len() {
        assert!(zian_vuln::store::decode(p, &good[..len], true).is_err());
    }
    for at in (0..good.len()).step_by(7) {
        let mut b = good.clone();
        b[at] = b[at].wrapping_add(1);
        assert!(zian_vuln::store::decode(p, &b, true).is_err(), "byte {at}");
    }
}
