//! Issue 10: confirmed versus possible findings. Criterion-level table
//! tests per attribute class, configuration trees (AND with platforms, OR
//! with a confirmed and a possible branch), and scans over the real fixtures.

mod common;

use common::{fixture, hits, inventory, nvd_store, scan, set};
use zian_vuln::cli::{ScanFormat, run_scan};
use zian_vuln::matching::CriteriaTable;
use zian_vuln::{Asset, Certainty, Finding, VulnStore, import_path};

/// Test one criterion (optionally with `versionEndIncluding`) against an
/// asset: `None` when it does not match, else the undecided attribute names.
fn assess(criterion: &str, end_incl: Option<&str>, asset: &str) -> Outcome {
    let mut t = CriteriaTable::default();
    let (id, ok) = t.intern(criterion, None, None, None, end_incl, None);
    assert!(ok, "criterion parses: {criterion}");
    let c = t.get(id).expect("interned");
    let a = Asset::from_cpe(asset).expect("asset parses");
    let h = c.matches(&a)?;
    assert_eq!(
        h.is_confirmed(),
        h.undecided == 0,
        "is_confirmed agrees with the mask"
    );
    assert_eq!(
        c.attrs_cover(&a),
        c.attrs_mask(&a).is_some(),
        "attrs_cover agrees with attrs_mask"
    );
    Some(
        zian_vuln::matching::ATTRIBUTES
            .iter()
            .enumerate()
            .filter(|(i, _)| h.undecided & (1 << i) != 0)
            .map(|(i, n)| (n.to_string(), c.criterion_value(i)))
            .collect(),
    )
}

/// `None`: no match; `Some(undecided (attribute, criterion value) pairs)`.
type Outcome = Option<Vec<(String, String)>>;

/// One table row: (criterion, versionEndIncluding, asset, expected).
type Case = (&'static str, Option<&'static str>, &'static str, Outcome);

fn und(pairs: &[(&str, &str)]) -> Outcome {
    Some(
        pairs
            .iter()
            .map(|(a, v)| (a.to_string(), v.to_string()))
            .collect(),
    )
}

const FLASH_ANY: &str = "cpe:2.3:a:adobe:flash_player:12.0.0.44:*:*:*:*:*:*:*";

#[test]
fn table_each_attribute_class() {
    let cases: Vec<Case> = vec![
        // Exact name: confirmed.
        (
            "cpe:2.3:a:adobe:flash_player:12.0.0.44:*:*:*:*:*:*:*",
            None,
            FLASH_ANY,
            und(&[]),
        ),
        // sw_edition.
        (
            "cpe:2.3:a:adobe:flash_player:12.0.0.44:*:*:*:extended_support:*:*:*",
            None,
            FLASH_ANY,
            und(&[("sw_edition", "extended_support")]),
        ),
        (
            "cpe:2.3:a:adobe:flash_player:12.0.0.44:*:*:*:extended_support:*:*:*",
            None,
            "cpe:2.3:a:adobe:flash_player:12.0.0.44:*:*:*:extended_support:*:*:*",
            und(&[]),
        ),
        (
            "cpe:2.3:a:adobe:flash_player:12.0.0.44:*:*:*:extended_support:*:*:*",
            None,
            "cpe:2.3:a:adobe:flash_player:12.0.0.44:*:*:*:esr:*:*:*",
            None,
        ),
        // target_sw.
        (
            "cpe:2.3:a:adobe:flash_player:12.0.0.44:*:*:*:*:chrome:*:*",
            None,
            FLASH_ANY,
            und(&[("target_sw", "chrome")]),
        ),
        (
            "cpe:2.3:a:adobe:flash_player:12.0.0.44:*:*:*:*:chrome:*:*",
            None,
            "cpe:2.3:a:adobe:flash_player:12.0.0.44:*:*:*:*:firefox:*:*",
            None,
        ),
        // edition.
        (
            "cpe:2.3:a:adobe:flash_player:12.0.0.44:*:x64:*:*:*:*:*",
            None,
            FLASH_ANY,
            und(&[("edition", "x64")]),
        ),
        // update.
        (
            "cpe:2.3:a:adobe:flash_player:12.0.0.44:rc1:*:*:*:*:*:*",
            None,
            FLASH_ANY,
            und(&[("update", "rc1")]),
        ),
        (
            "cpe:2.3:a:adobe:flash_player:12.0.0.44:rc1:*:*:*:*:*:*",
            None,
            "cpe:2.3:a:adobe:flash_player:12.0.0.44:rc2:*:*:*:*:*:*",
            None,
        ),
        // target_hw (as on a platform entry).
        (
            "cpe:2.3:o:microsoft:windows_10:-:*:*:*:*:*:x64:*",
            None,
            "cpe:2.3:o:microsoft:windows_10:-:*:*:*:*:*:*:*",
            und(&[("target_hw", "x64")]),
        ),
        (
            "cpe:2.3:o:microsoft:windows_10:-:*:*:*:*:*:x64:*",
            None,
            "cpe:2.3:o:microsoft:windows_10:-:*:*:*:*:*:arm64:*",
            None,
        ),
        // Several at once, in CPE attribute order.
        (
            "cpe:2.3:a:adobe:flash_player:12.0.0.44:*:*:*:extended_support:chrome:x64:*",
            None,
            FLASH_ANY,
            und(&[
                ("sw_edition", "extended_support"),
                ("target_sw", "chrome"),
                ("target_hw", "x64"),
            ]),
        ),
        // Version range: a specific version inside is confirmed, outside no
        // match, ANY is undecided "version", NA never matches.
        (
            "cpe:2.3:a:adobe:flash_player:*:*:*:*:*:*:*:*",
            Some("13.0.0.182"),
            FLASH_ANY,
            und(&[]),
        ),
        (
            "cpe:2.3:a:adobe:flash_player:*:*:*:*:*:*:*:*",
            Some("11.0"),
            FLASH_ANY,
            None,
        ),
        (
            "cpe:2.3:a:adobe:flash_player:*:*:*:*:*:*:*:*",
            Some("13.0.0.182"),
            "cpe:2.3:a:adobe:flash_player:*:*:*:*:*:*:*:*",
            und(&[("version", "<=13.0.0.182")]),
        ),
        (
            "cpe:2.3:a:adobe:flash_player:*:*:*:*:*:*:*:*",
            Some("13.0.0.182"),
            "cpe:2.3:a:adobe:flash_player:-:*:*:*:*:*:*:*",
            None,
        ),
        // Version ANY plus target_sw: both undecided.
        (
            "cpe:2.3:a:adobe:flash_player:*:*:*:*:*:chrome:*:*",
            Some("13.0.0.182"),
            "cpe:2.3:a:adobe:flash_player:*:*:*:*:*:*:*:*",
            und(&[("version", "<=13.0.0.182"), ("target_sw", "chrome")]),
        ),
        // A specific criterion version against an asset version ANY: the
        // version decides it (7696 SUBSET), as for a range.
        (
            "cpe:2.3:a:adobe:flash_player:12.0.0.44:*:*:*:*:*:*:*",
            None,
            "cpe:2.3:a:adobe:flash_player:*:*:*:*:*:*:*:*",
            und(&[("version", "12.0.0.44")]),
        ),
        // The same for a criterion version NA.
        (
            "cpe:2.3:a:adobe:flash_player:-:*:*:*:*:*:*:*",
            None,
            "cpe:2.3:a:adobe:flash_player:*:*:*:*:*:*:*:*",
            und(&[("version", "NA")]),
        ),
        // An asset version NA against a named version: disjoint.
        (
            "cpe:2.3:a:adobe:flash_player:12.0.0.44:*:*:*:*:*:*:*",
            None,
            "cpe:2.3:a:adobe:flash_player:-:*:*:*:*:*:*:*",
            None,
        ),
        // A stated asset value where the criterion is ANY: decided.
        (
            "cpe:2.3:a:adobe:flash_player:12.0.0.44:*:*:*:*:*:*:*",
            None,
            "cpe:2.3:a:adobe:flash_player:12.0.0.44:*:*:*:*:chrome:x64:*",
            und(&[]),
        ),
    ];
    for (crit, end, asset, want) in cases {
        assert_eq!(
            assess(crit, end, asset),
            want,
            "criterion {crit} (end {end:?}) vs asset {asset}"
        );
    }
}

/// A store made of synthetic NVD API 2.0 `cve` objects, each with the given
/// configurations (JSON). Written to a temporary directory and imported.
fn synthetic_store(records: &[(&str, &str)]) -> VulnStore {
    let dir = std::env::temp_dir().join(format!("zian-certainty-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tmp");
    let mut store = VulnStore::new();
    for (id, configs) in records {
        let text = format!(
            r#"{{"id":"{id}","sourceIdentifier":"test","published":"2026-01-01T00:00:00.000",
               "lastModified":"2026-01-01T00:00:00.000","vulnStatus":"Analyzed",
               "descriptions":[{{"lang":"en","value":"synthetic"}}],"metrics":{{}},
               "configurations":{configs}}}"#
        );
        let p = dir.join(format!("{id}.json"));
        std::fs::write(&p, text).expect("write");
        let r = import_path(&p, &mut store).expect("import");
        assert_eq!((r.read, r.skipped), (1, 0), "{r}");
    }
    store
}

fn finding<'a>(f: &'a [Finding], host: &str, cve: &str) -> &'a Finding {
    f.iter()
        .find(|x| x.host == host && x.cve == cve)
        .unwrap_or_else(|| panic!("finding {host} {cve} in {f:#?}"))
}

fn undecided(f: &Finding) -> Vec<(&str, &str)> {
    f.undecided
        .iter()
        .map(|u| (u.attribute, u.criterion_value.as_str()))
        .collect()
}

const APP_AND_X64_OS: &str = r#"[{"operator":"AND","nodes":[
  {"operator":"OR","negate":false,"cpeMatch":[{"vulnerable":true,
    "criteria":"cpe:2.3:a:acme:app:*:*:*:*:*:*:*:*","versionEndExcluding":"2.0","matchCriteriaId":"A"}]},
  {"operator":"OR","negate":false,"cpeMatch":[{"vulnerable":false,
    "criteria":"cpe:2.3:o:acme:os:*:*:*:*:*:*:x64:*","matchCriteriaId":"B"}]}]}]"#;

#[test]
fn and_with_platform_configuration() {
    let store = synthetic_store(&[("CVE-2099-0001", APP_AND_X64_OS)]);
    let app = "cpe:2.3:a:acme:app:1.5:*:*:*:*:*:*:*";
    let app_any = "cpe:2.3:a:acme:app:*:*:*:*:*:*:*:*";
    let os_x64 = "cpe:2.3:o:acme:os:10:*:*:*:*:*:x64:*";
    let os_any = "cpe:2.3:o:acme:os:10:*:*:*:*:*:*:*";
    let os_arm = "cpe:2.3:o:acme:os:10:*:*:*:*:*:arm64:*";
    let inv = inventory(&[
        ("confirmed", &[app, os_x64]),
        ("hw_unknown", &[app, os_any]),
        ("both_unknown", &[app_any, os_any]),
        ("arm", &[app, os_arm]),
        ("best_platform", &[app, os_any, os_x64]),
        ("no_platform", &[app]),
    ]);
    let f = scan(&store, &inv);
    let cve = "CVE-2099-0001";
    assert_eq!(
        hits(&f, cve),
        set(&[
            ("confirmed", app),
            ("hw_unknown", app),
            ("both_unknown", app_any),
            ("best_platform", app),
        ])
    );
    let c = finding(&f, "confirmed", cve);
    assert_eq!(c.certainty, Certainty::Confirmed);
    assert!(c.undecided.is_empty());
    let h = finding(&f, "hw_unknown", cve);
    assert_eq!(h.certainty, Certainty::Possible);
    assert_eq!(undecided(h), [("target_hw", "x64")]);
    let b = finding(&f, "both_unknown", cve);
    assert_eq!(b.certainty, Certainty::Possible);
    assert_eq!(undecided(b), [("version", "<2.0"), ("target_hw", "x64")]);
    // The x64 asset decides the platform: confirmed, and it is the evidence.
    let p = finding(&f, "best_platform", cve);
    assert_eq!(p.certainty, Certainty::Confirmed, "{p:?}");
    assert_eq!(p.evidence.platforms.len(), 1);
    assert_eq!(p.evidence.platforms[0].asset, os_x64);
}

const OR_TWO_BRANCHES: &str = r#"[{"nodes":[{"operator":"OR","negate":false,"cpeMatch":[
  {"vulnerable":true,"criteria":"cpe:2.3:a:acme:viewer:*:*:*:*:extended_support:*:*:*","versionEndIncluding":"5.0"},
  {"vulnerable":true,"criteria":"cpe:2.3:a:acme:viewer:4.2:*:*:*:*:*:*:*"}]}]}]"#;

const OR_ONLY_POSSIBLE: &str = r#"[{"nodes":[{"operator":"OR","negate":false,"cpeMatch":[
  {"vulnerable":true,"criteria":"cpe:2.3:a:acme:viewer:*:*:*:*:extended_support:*:*:*","versionEndIncluding":"5.0"},
  {"vulnerable":true,"criteria":"cpe:2.3:a:acme:viewer:*:*:*:*:*:chrome:*:*","versionEndIncluding":"5.0"}]}]}]"#;

const TWO_CONFIGS: &str = r#"[
  {"nodes":[{"operator":"OR","negate":false,"cpeMatch":[
    {"vulnerable":true,"criteria":"cpe:2.3:a:acme:viewer:*:*:*:*:*:chrome:*:*","versionEndIncluding":"5.0"}]}]},
  {"nodes":[{"operator":"OR","negate":false,"cpeMatch":[
    {"vulnerable":true,"criteria":"cpe:2.3:a:acme:viewer:*:*:*:*:*:*:*:*","versionEndIncluding":"4.5"}]}]}]"#;

#[test]
fn or_with_a_confirmed_branch_is_confirmed() {
    let store = synthetic_store(&[
        ("CVE-2099-0002", OR_TWO_BRANCHES),
        ("CVE-2099-0003", OR_ONLY_POSSIBLE),
        ("CVE-2099-0004", TWO_CONFIGS),
    ]);
    let v42 = "cpe:2.3:a:acme:viewer:4.2:*:*:*:*:*:*:*";
    let v43 = "cpe:2.3:a:acme:viewer:4.3:*:*:*:*:*:*:*";
    let v48 = "cpe:2.3:a:acme:viewer:4.8:*:*:*:*:*:*:*";
    let inv = inventory(&[("a", &[v42]), ("b", &[v43]), ("c", &[v48])]);
    let f = scan(&store, &inv);
    // Within one OR node: the possible entry comes first, the confirmed
    // one (exact version) wins and is the reported criterion.
    let a = finding(&f, "a", "CVE-2099-0002");
    assert_eq!(a.certainty, Certainty::Confirmed, "{a:?}");
    assert!(a.undecided.is_empty());
    assert_eq!(
        a.evidence.criteria,
        "cpe:2.3:a:acme:viewer:4.2:*:*:*:*:*:*:*"
    );
    // Only the possible branch holds for 4.3.
    let b = finding(&f, "b", "CVE-2099-0002");
    assert_eq!(b.certainty, Certainty::Possible);
    assert_eq!(undecided(b), [("sw_edition", "extended_support")]);
    // Two possible branches: the first (equal cost) is reported, not a union.
    let b3 = finding(&f, "b", "CVE-2099-0003");
    assert_eq!(b3.certainty, Certainty::Possible);
    assert_eq!(undecided(b3), [("sw_edition", "extended_support")]);
    // Across configurations: the second (confirmed) beats the first (possible).
    let b4 = finding(&f, "b", "CVE-2099-0004");
    assert_eq!(b4.certainty, Certainty::Confirmed, "{b4:?}");
    assert_eq!(b4.evidence.alternative, 1);
    let c4 = finding(&f, "c", "CVE-2099-0004");
    assert_eq!(c4.certainty, Certainty::Possible);
    assert_eq!(undecided(c4), [("target_sw", "chrome")]);
    assert_eq!(c4.evidence.alternative, 0);
}

#[test]
fn real_flash_player_target_sw_and_sw_edition_cve_2016_4171() {
    let store = nvd_store(&["CVE-2016-4171"]);
    let flash = "cpe:2.3:a:adobe:flash_player:21.0.0.200:*:*:*:*:*:*:*";
    let flash_chrome = "cpe:2.3:a:adobe:flash_player:21.0.0.200:*:*:*:*:chrome:*:*";
    let flash18 = "cpe:2.3:a:adobe:flash_player:18.0.0.300:*:*:*:*:*:*:*";
    let linux = "cpe:2.3:o:linux:linux_kernel:4.4:*:*:*:*:*:*:*";
    let mac = "cpe:2.3:o:apple:mac_os_x:10.11:*:*:*:*:*:*:*";
    let inv = inventory(&[
        ("linux", &[flash, linux]),
        ("linux_chrome", &[flash_chrome, linux]),
        ("mac", &[flash18, mac]),
    ]);
    let f = scan(&store, &inv);
    let cve = "CVE-2016-4171";
    // On Linux only the Chrome plug-in configuration applies: whether the
    // inventory's Flash is the Chrome one decides it.
    let l = finding(&f, "linux", cve);
    assert_eq!(l.certainty, Certainty::Possible);
    assert_eq!(undecided(l), [("target_sw", "chrome")]);
    let lc = finding(&f, "linux_chrome", cve);
    assert_eq!(lc.certainty, Certainty::Confirmed);
    // On a Mac the plain configuration confirms it, although the ESR and
    // Chrome configurations also hold possibly.
    let m = finding(&f, "mac", cve);
    assert_eq!(m.certainty, Certainty::Confirmed, "{m:?}");
    assert_eq!(
        m.evidence.criteria,
        "cpe:2.3:a:adobe:flash_player:*:*:*:*:*:*:*:*"
    );
}

/// Inventory for the fixture scans: every concrete vulnerable criterion of
/// nvd-sample as an asset, then the same with edition/target attributes
/// widened to ANY (which is what inventories usually state).
const SCAN_INVENTORY: &str = "host,vendor,product,version,cpe23\n\
    web01,apache,tomcat,,cpe:2.3:a:apache:tomcat:-:*:*:*:*:*:*:*\n\
    web01,redhat,enterprise_linux_server,7.0,cpe:2.3:o:redhat:enterprise_linux_server:7.0:*:*:*:*:*:*:*\n\
    fw01,fortinet,fortiproxy,7.4.2,\n\
    nas01,synology,photos,1.6.1-0712,\n\
    pc01,adobe,flash_player,21.0.0.200,\n\
    pc01,linux,linux_kernel,4.4,cpe:2.3:o:linux:linux_kernel:4.4:*:*:*:*:*:*:*\n\
    pc02,adobe,flash_player,18.0.0.300,\n\
    pc02,apple,mac_os_x,10.11,cpe:2.3:o:apple:mac_os_x:10.11:*:*:*:*:*:*:*\n\
    pc03,adobe,acrobat_reader_dc,15.010.20060,\n\
    pc03,microsoft,windows,10,cpe:2.3:o:microsoft:windows:10:*:*:*:*:*:*:*\n\
    app01,valvepress,automatic,3.92.0,\n";

fn run(format: ScanFormat) -> (zian_vuln::cli::ScanSummary, String) {
    let dir = std::env::temp_dir().join(format!("zian-certainty-scan-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tmp");
    let inv = dir.join("inv.csv");
    std::fs::write(&inv, SCAN_INVENTORY).expect("write");
    let feeds = vec![
        fixture("nvd-sample"),
        fixture("kev-subset.json"),
        fixture("cve5-sample"),
    ];
    let mut out = Vec::new();
    let summary = run_scan(&feeds, &inv, format, &mut out, false).expect("scan");
    (summary, String::from_utf8(out).expect("utf8"))
}

/// Total findings of [`SCAN_INVENTORY`] over the fixtures before issue 10
/// (measured on main at 7136210): every version in the inventory is
/// specific, so certainty must split exactly these.
const OLD_TOTAL: usize = 14;

#[test]
fn fixture_scan_counts_confirmed_and_possible() {
    let (summary, text) = run(ScanFormat::Jsonl);
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect();
    assert_eq!(summary.findings, lines.len());
    assert_eq!(summary.confirmed + summary.possible, summary.findings);
    assert_eq!(summary.findings, OLD_TOTAL, "{summary}");
    let confirmed = lines
        .iter()
        .filter(|l| l["certainty"] == "confirmed")
        .count();
    let possible = lines
        .iter()
        .filter(|l| l["certainty"] == "possible")
        .count();
    assert_eq!((confirmed, possible), (summary.confirmed, summary.possible));
    assert!(summary.confirmed > 0 && summary.possible > 0, "{summary}");
    eprintln!(
        "fixture scan: {} findings, {} confirmed, {} possible",
        summary.findings, summary.confirmed, summary.possible
    );
    for (raw, l) in text.lines().zip(&lines) {
        // Existing keys in their order, then the new ones.
        let keys = [
            "\"host\"",
            "\"cpe23\"",
            "\"cve\"",
            "\"source\"",
            "\"score\"",
            "\"severity\"",
            "\"kev\"",
            "\"evidence\"",
            "\"certainty\"",
        ];
        let pos: Vec<usize> = keys
            .iter()
            .map(|k| raw.find(k).unwrap_or_else(|| panic!("{k} in {raw}")))
            .collect();
        assert!(pos.windows(2).all(|w| w[0] < w[1]), "{raw}");
        if l["certainty"] == "possible" {
            assert!(
                raw.ends_with(&format!(",\"undecided\":{}}}", l["undecided"])),
                "{raw}"
            );
            let u = l["undecided"].as_array().expect("array");
            assert!(!u.is_empty());
            for x in u {
                assert!(x["attribute"].is_string() && x["criterion_value"].is_string());
            }
        } else {
            assert_eq!(l["certainty"], "confirmed");
            assert!(raw.ends_with(",\"certainty\":\"confirmed\"}"), "{raw}");
        }
    }
    // The known ANY-target_sw case: Flash on Linux only via the Chrome entry.
    let pc01 = lines
        .iter()
        .find(|l| l["host"] == "pc01" && l["cve"] == "CVE-2016-4171")
        .expect("pc01 flash finding");
    assert_eq!(pc01["certainty"], "possible");
    assert_eq!(
        pc01["undecided"],
        serde_json::json!([{"attribute":"target_sw","criterion_value":"chrome"}])
    );
    let s = summary.to_string();
    assert!(
        s.contains(&format!(
            "{} confirmed, {} possible",
            summary.confirmed, summary.possible
        )),
        "{s}"
    );
}

#[test]
fn csv_output_is_unchanged_by_certainty() {
    let (summary, text) = run(ScanFormat::Csv);
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    assert_eq!(
        rdr.headers().expect("header").iter().collect::<Vec<_>>(),
        [
            "host", "cpe23", "cve", "source", "score", "severity", "kev", "evidence"
        ]
    );
    assert_eq!(rdr.records().count(), summary.findings);
}

/// Every concrete-version, range-free criterion of nvd-sample as an asset
/// with update … other widened to ANY (what inventories usually state), 40
/// hosts, as a CSV inventory.
fn widened_inventory() -> String {
    let mut store = VulnStore::new();
    import_path(&fixture("nvd-sample"), &mut store).expect("dir");
    let mut csv = String::from("host,vendor,product,version,cpe23\n");
    let mut n = 0;
    for (_, c) in store.criteria.iter() {
        let Some(w) = &c.wfn else { continue };
        if c.has_range() || !matches!(w.version, zian_cpe::Value::Str(_)) {
            continue;
        }
        let parts: Vec<&str> = c.fs.split(':').collect();
        if parts.len() != 13 || parts[5].contains('*') || parts[5].contains('?') {
            continue;
        }
        let cpe = format!("{}:*:*:*:*:*:*:*", parts[..6].join(":"));
        if Asset::from_cpe(&cpe).is_err() {
            continue;
        }
        csv.push_str(&format!("h{},,,,{cpe}\n", n % 40));
        n += 1;
    }
    assert!(n > 500, "{n}");
    csv
}

/// Findings of [`widened_inventory`] over nvd-sample + KEV + cve5-sample
/// before issue 10 (measured on main at 7136210; no asset has version ANY,
/// so certainty must split exactly these).
const WIDENED_OLD_TOTAL: usize = 3281;

#[test]
fn widened_fixture_scan_splits_the_old_total() {
    let dir = std::env::temp_dir().join(format!("zian-certainty-wide-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tmp");
    let inv = dir.join("wide.csv");
    std::fs::write(&inv, widened_inventory()).expect("write");
    let feeds = vec![
        fixture("nvd-sample"),
        fixture("kev-subset.json"),
        fixture("cve5-sample"),
    ];
    let mut out = Vec::new();
    let summary = run_scan(&feeds, &inv, ScanFormat::Jsonl, &mut out, false).expect("scan");
    eprintln!(
        "widened fixture scan: {} findings, {} confirmed, {} possible",
        summary.findings, summary.confirmed, summary.possible
    );
    assert_eq!(summary.findings, WIDENED_OLD_TOTAL, "{summary}");
    assert_eq!(summary.confirmed + summary.possible, summary.findings);
    assert!(summary.confirmed > 0 && summary.possible > 0, "{summary}");
    let text = String::from_utf8(out).expect("utf8");
    let mut seen_attrs = std::collections::BTreeSet::new();
    for l in text.lines() {
        let v: serde_json::Value = serde_json::from_str(l).expect("json");
        if v["certainty"] == "possible" {
            for u in v["undecided"].as_array().expect("undecided") {
                seen_attrs.insert(u["attribute"].as_str().expect("name").to_owned());
            }
        }
    }
    // Widened update and target_sw values (Struts rc1, WordPress plug-ins …)
    // come out as possible.
    assert!(seen_attrs.contains("update"), "{seen_attrs:?}");
    assert!(!seen_attrs.contains("version"), "{seen_attrs:?}");
}
