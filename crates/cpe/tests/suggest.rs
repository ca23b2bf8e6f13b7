//! `zian cpe suggest`: accuracy on a hand-labelled list of Windows installed-program strings
//! (`fixtures/displaynames.tsv`, see `fixtures/SOURCE.md`), and the line command's contract.

use proptest::prelude::*;
use zian_cpe::cli::{SUGGEST_EMPTY_NAME, SUGGEST_MISSING_TAB, run_suggest};
use zian_cpe::suggest::{Candidate, Dictionary, Suggester, VendorProduct};

const LIST: &str = include_str!("fixtures/displaynames.tsv");

struct Item<'a> {
    /// 1-based line number in the file: odd lines are the tuning half, even lines the
    /// held-out half.
    line: usize,
    name: &'a str,
    version: &'a str,
    publisher: &'a str,
    expected: Option<(&'a str, &'a str)>,
}

fn items() -> Vec<Item<'static>> {
    LIST.lines()
        .enumerate()
        .filter(|(_, l)| !l.starts_with('#') && !l.trim().is_empty())
        .map(|(i, l)| {
            let f: Vec<&str> = l.split('\t').collect();
            assert_eq!(f.len(), 5, "five fields: {l:?}");
            Item {
                line: i + 1,
                name: f[0],
                version: f[1],
                publisher: f[2],
                expected: (f[3] != "-").then_some((f[3], f[4])),
            }
        })
        .collect()
}

fn version_of(c: &Candidate) -> String {
    if c.update == "*" {
        c.version.clone()
    } else {
        format!("{}:{}", c.version, c.update)
    }
}

#[derive(Default, Debug)]
struct Figures {
    labelled: usize,
    top1: usize,
    top3: usize,
    top1_version: usize,
    top3_version: usize,
    unlabelled: usize,
    unlabelled_quiet: usize,
    misses: Vec<String>,
}

/// Which lines to measure.
#[derive(Clone, Copy, PartialEq)]
enum Half {
    All,
    /// Odd line numbers: the misses of this half are what the engine was tuned on.
    Tuning,
    /// Even line numbers: not looked at when tuning.
    HeldOut,
}

fn measure(s: &Suggester<'_>, half: Half) -> Figures {
    let mut f = Figures::default();
    for it in items() {
        let odd = it.line % 2 == 1;
        if half == Half::Tuning && !odd || half == Half::HeldOut && odd {
            continue;
        }
        let pubr = (!it.publisher.is_empty()).then_some(it.publisher);
        let c = s.suggest(it.name, it.version, pubr);
        match it.expected {
            Some((vp, ver)) => {
                f.labelled += 1;
                let hit = |c: &Candidate| format!("{}:{}", c.vendor, c.product) == vp;
                let hitv = |c: &Candidate| hit(c) && version_of(c) == ver;
                f.top1 += usize::from(c.first().is_some_and(hit));
                f.top3 += usize::from(c.iter().take(3).any(hit));
                f.top1_version += usize::from(c.first().is_some_and(hitv));
                f.top3_version += usize::from(c.iter().take(3).any(hitv));
                if !c.first().is_some_and(hitv) {
                    f.misses.push(format!(
                        "line {}: {} | {} → want {vp} {ver}, got {:?}",
                        it.line,
                        it.name,
                        it.version,
                        c.iter()
                            .take(3)
                            .map(|c| format!(
                                "{}:{}:{} ({})",
                                c.vendor,
                                c.product,
                                version_of(c),
                                c.confidence
                            ))
                            .collect::<Vec<_>>()
                    ));
                }
            }
            None => {
                f.unlabelled += 1;
                // "Quiet": nothing, or nothing above 0.6.
                f.unlabelled_quiet += usize::from(c.first().is_none_or(|c| c.confidence < 0.6));
            }
        }
    }
    f
}

fn pct(n: usize, d: usize) -> f64 {
    100.0 * n as f64 / d.max(1) as f64
}

fn report(label: &str, f: &Figures) {
    println!(
        "{label}: {} labelled: top-1 {:.1}% top-3 {:.1}% (vendor:product); with version: top-1 {:.1}% top-3 {:.1}%; \
         {} without CPE: {} with no candidate ≥ 0.6",
        f.labelled,
        pct(f.top1, f.labelled),
        pct(f.top3, f.labelled),
        pct(f.top1_version, f.labelled),
        pct(f.top3_version, f.labelled),
        f.unlabelled,
        f.unlabelled_quiet,
    );
}

#[test]
fn accuracy_on_labelled_display_names() {
    let f = measure(&Suggester::builtin(), Half::All);
    let tuning = measure(&Suggester::builtin(), Half::Tuning);
    let held = measure(&Suggester::builtin(), Half::HeldOut);
    let bare = measure(&Suggester::builtin().without_aliases(), Half::All);
    // Only the tuning half's misses are shown; the held-out half is reported as figures.
    for m in &tuning.misses {
        println!("miss: {m}");
    }
    report("tuning half (odd lines)", &tuning);
    report("held-out half (even lines)", &held);
    report("with aliases", &f);
    report("dictionary only", &bare);
    assert!(f.labelled >= 200, "at least 200 labelled items");
    // Measured: 85.3% top-1 and 96.6% top-3 overall (tuning half 82.7% / 96.2%, held-out
    // half 88.0% / 97.0%); the floors guard against regressions at that level.
    assert!(
        pct(f.top1, f.labelled) >= 85.0,
        "top-1 vendor:product ≥ 85%"
    );
    assert!(
        pct(f.top3, f.labelled) >= 96.0,
        "top-3 vendor:product ≥ 96%"
    );
}

#[test]
fn labels_are_in_the_dictionary() {
    let d = Dictionary::builtin();
    for it in items() {
        if let Some((vp, _)) = it.expected {
            let parsed = VendorProduct::parse(vp).expect("label is vendor:product");
            assert!(
                d.contains(&parsed),
                "label {vp} not in the shipped dictionary"
            );
        }
    }
}

fn run(input: &str) -> Vec<serde_json::Value> {
    let mut out = Vec::new();
    run_suggest(input.as_bytes(), &mut out, &Suggester::builtin()).expect("in-memory I/O");
    String::from_utf8(out)
        .expect("UTF-8")
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect()
}

#[test]
fn line_command_contract() {
    let v = run(
        "7-Zip 19.00 (x64)\t19.00\tIgor Pavlov\r\n\n   \nno tab here\n\t1.0\nJava 8 Update 281\t8.0.2810.9\n",
    );
    assert_eq!(v.len(), 4);
    assert_eq!(v[0]["input"], "7-Zip 19.00 (x64)\t19.00\tIgor Pavlov");
    let c = &v[0]["candidates"][0];
    assert_eq!(c["cpe23"], "cpe:2.3:a:7-zip:7-zip:19.00:*:*:*:*:*:*:*");
    assert_eq!(c["vendor"], "7-zip");
    assert_eq!(c["product"], "7-zip");
    assert_eq!(c["version"], "19.00");
    assert!(
        c["confidence"]
            .as_f64()
            .is_some_and(|x| (0.0..=1.0).contains(&x))
    );
    assert_eq!(v[1]["error"], SUGGEST_MISSING_TAB);
    assert_eq!(v[2]["error"], SUGGEST_EMPTY_NAME);
    assert_eq!(
        v[3]["candidates"][0]["cpe23"],
        "cpe:2.3:a:oracle:jre:1.8.0:update_281:*:*:*:*:*:*"
    );
    for line in &v {
        if let Some(cs) = line["candidates"].as_array() {
            assert!(cs.len() <= 5);
        }
    }
}

#[test]
fn every_cpe23_parses() {
    let s = Suggester::builtin();
    for it in items() {
        for c in s.suggest(it.name, it.version, Some(it.publisher)) {
            zian_cpe::Wfn::parse_fs(&c.cpe23).unwrap_or_else(|e| panic!("{}: {e}", c.cpe23));
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn run_suggest_never_panics(lines in proptest::collection::vec("(\\PC|\t|\r){0,40}", 0..6)) {
        let input = lines.join("\n");
        let mut out = Vec::new();
        run_suggest(input.as_bytes(), &mut out, &Suggester::builtin()).expect("in-memory I/O");
        for l in String::from_utf8(out).expect("UTF-8").lines() {
            let v: serde_json::Value = serde_json::from_str(l).expect("JSON line");
            prop_assert!(v.get("input").is_some());
            prop_assert!(v.get("candidates").is_some() != v.get("error").is_some());
            if let Some(cs) = v["candidates"].as_array() {
                for c in cs {
                    let cpe = c["cpe23"].as_str().expect("string");
                    prop_assert!(zian_cpe::Wfn::parse_fs(cpe).is_ok(), "{}", cpe);
                }
            }
        }
    }

    #[test]
    fn suggest_never_panics_on_odd_fields(name in "\\PC{0,60}", version in "\\PC{0,30}", publisher in "\\PC{0,30}") {
        let c = Suggester::builtin().suggest(&name, &version, Some(&publisher));
        prop_assert!(c.len() <= 5);
        for x in c {
            prop_assert!((0.0..=1.0).contains(&x.confidence));
            prop_assert!(zian_cpe::Wfn::parse_fs(&x.cpe23).is_ok(), "{}", x.cpe23);
        }
    }
}
