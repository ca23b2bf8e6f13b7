//! Arbitrary input never panics; large files are read in linear time.

use proptest::prelude::*;
use zian_inventory::parse;

fn fixtures() -> Vec<(String, Vec<u8>)> {
    let dir = format!("{}/tests/fixtures", env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    for e in std::fs::read_dir(&dir).expect("fixtures").flatten() {
        let p = e.path();
        if p.extension().is_some_and(|x| x != "py" && x != "md") {
            let name = p.file_name().expect("name").to_string_lossy().into_owned();
            out.push((name, std::fs::read(&p).expect("read")));
        }
    }
    out.sort();
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_bytes_never_panic(
        bytes in proptest::collection::vec(any::<u8>(), 0..2048),
        host in proptest::option::of("[A-Za-z0-9-]{0,12}"),
    ) {
        let _ = parse("upload.csv", &bytes, host.as_deref());
        let _ = parse("upload.xlsx", &bytes, host.as_deref());
    }

    #[test]
    fn csv_like_text_never_panics(
        header in "(host|DisplayName|HotFixID|cpe23|vendor|product|版本|主機名稱|[a-z]{1,6})([,;\t](host|DisplayName|DisplayVersion|Publisher|HotFixID|cpe23|vendor|product|[a-z]{1,6})){0,5}",
        body in "([A-Za-z0-9 .:*\\\\\"\u{4e00}-\u{4e20},;\t-]{0,40}\r?\n){0,20}",
    ) {
        let text = format!("{header}\n{body}");
        let _ = parse("x.csv", text.as_bytes(), Some("PC-1"));
        let _ = parse("x.csv", text.as_bytes(), None);
    }

    #[test]
    fn damaged_fixtures_never_panic(
        which in 0usize..8,
        cuts in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
        truncate in any::<prop::sample::Index>(),
    ) {
        let all = fixtures();
        let (name, mut bytes) = all[which % all.len()].clone();
        for (at, b) in cuts {
            let i = at.index(bytes.len());
            bytes[i] = b;
        }
        let _ = parse(&name, &bytes, None);
        let keep = truncate.index(bytes.len() + 1);
        let _ = parse(&name, &bytes[..keep], Some("PC-1"));
    }
}

/// Every fixture parses as it is (the damaged ones above start from these).
#[test]
fn every_fixture_parses() {
    for (name, bytes) in fixtures() {
        assert!(
            parse(&name, &bytes, Some("PC-1")).is_ok(),
            "{name}: {:?}",
            parse(&name, &bytes, Some("PC-1")).err()
        );
    }
}

/// 100,000 rows of a registry export: 500 hosts, 200 programs each.
/// Run: cargo test -p zian-inventory --release --test robustness -- --ignored --nocapture
#[test]
#[ignore = "timing, run by hand in release"]
fn a_hundred_thousand_rows() {
    let mut csv = String::from(
        "#TYPE Selected.System.Management.Automation.PSCustomObject\r\n\
         \"PSComputerName\",\"DisplayName\",\"DisplayVersion\",\"Publisher\",\"InstallDate\"\r\n",
    );
    for i in 0..100_000u32 {
        let host = i % 500;
        let sw = if i % 10 == 9 { i - 1 } else { i } / 500;
        csv.push_str(&format!(
            "\"PC-{host:04}\",\"應用程式 {sw} (x64)\",\"{}.{}.{}\",\"Publisher {}\",\"20240115\"\r\n",
            sw % 30,
            sw % 7,
            i % 3,
            sw % 40
        ));
    }
    let t = std::time::Instant::now();
    let p = parse("big.csv", csv.as_bytes(), None).expect("parses");
    let elapsed = t.elapsed();
    println!(
        "{} bytes, {} rows, {} hosts, {} software items, {} errors: {:?}",
        csv.len(),
        p.rows,
        p.hosts.len(),
        p.software_count(),
        p.errors.len(),
        elapsed
    );
    assert_eq!(p.rows, 100_000);
    assert_eq!(p.hosts.len(), 500);
}
