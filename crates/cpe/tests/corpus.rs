//! Real CPE names from the NVD CPE dictionary and NVD CVE records (see
//! `fixtures/SOURCE.md`).

use std::io::Read;

use zian_cpe::{Wfn, compare};

fn read_xz(name: &str) -> String {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    let file = std::fs::File::open(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut text = String::new();
    xz2::read::XzDecoder::new(file)
        .read_to_string(&mut text)
        .unwrap_or_else(|e| panic!("{path}: {e}"));
    text
}

/// Every dictionary item: the 2.3 formatted string parses and re-binds byte for byte;
/// the dictionary's own 2.2 URI unbinds to the same WFN; our URI binding reproduces
/// NVD's URI exactly and reads back to the same WFN.
#[test]
fn dictionary_sample_round_trips() {
    let text = read_xz("dict-sample.tsv.xz");
    let mut n = 0;
    let mut escaped = 0;
    let mut packed = 0;
    for line in text.lines() {
        let (uri, fs) = line.split_once('\t').expect("URI<TAB>FS");
        let w = Wfn::parse_fs(fs).unwrap_or_else(|e| panic!("{fs}: {e}"));
        assert_eq!(w.to_fs(), fs);
        let from_uri = Wfn::parse_uri(uri).unwrap_or_else(|e| panic!("{uri}: {e}"));
        assert_eq!(from_uri, w, "{uri} vs {fs}");
        assert_eq!(w.to_uri(), uri, "{fs}");
        assert_eq!(Wfn::parse(&w.to_uri()).expect("own URI parses"), w);
        assert!(compare(&w, &from_uri).equal);
        n += 1;
        escaped += usize::from(fs.contains('\\'));
        packed += usize::from(uri.contains('~'));
    }
    assert_eq!(n, 2000);
    assert!(escaped > 500, "{escaped}");
    assert!(packed > 250, "{packed}");
}

fn check_criteria(text: &str) -> usize {
    let mut n = 0;
    for fs in text.lines().filter(|l| !l.is_empty()) {
        let w = Wfn::parse_fs(fs).unwrap_or_else(|e| panic!("{fs}: {e}"));
        assert_eq!(w.to_fs(), fs);
        let uri = w.to_uri();
        assert_eq!(
            Wfn::parse_uri(&uri).unwrap_or_else(|e| panic!("{uri}: {e}")),
            w
        );
        assert!(w.attributes().any(|(_, v)| {
            v.as_wfn_str()
                .is_some_and(|s| s.contains('\\') && !v.has_wildcard())
        }));
        n += 1;
    }
    n
}

#[test]
fn nvd_sample_escaped_criteria() {
    let path = format!(
        "{}/tests/fixtures/nvd-sample-escaped.txt",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    assert_eq!(check_criteria(&text), 94);
    // A sample check of the unquoted form.
    let w = Wfn::parse_fs(r"cpe:2.3:a:adobe:air_sdk_\&_compiler:*:*:*:*:*:*:*:*").expect("valid");
    assert_eq!(w.product.unquoted().as_deref(), Some("air_sdk_&_compiler"));
    assert_eq!(w.to_uri(), "cpe:/a:adobe:air_sdk_%26_compiler");
}

#[test]
fn nvd_bulk_escaped_criteria() {
    let text = read_xz("nvd-bulk-escaped.txt.xz");
    assert_eq!(check_criteria(&text), 4078);
}
