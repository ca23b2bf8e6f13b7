//! Property tests: any valid vector (random values, random subset of optional metrics, random
//! order, explicit "Not Defined" allowed) parses, scores within 0.0–10.0 with one decimal, and
//! re-serialises to the canonical form, which re-parses to the same vector.

use proptest::prelude::*;
use zian_cvss::Vector;

/// (metric, allowed values, mandatory) in specification order; "Not Defined" listed first for
/// optional metrics. Written from the specifications independently of the crate's tables.
type Table = &'static [(&'static str, &'static [&'static str], bool)];

const V2: Table = &[
    ("AV", &["L", "A", "N"], true),
    ("AC", &["H", "M", "L"], true),
    ("Au", &["M", "S", "N"], true),
    ("C", &["N", "P", "C"], true),
    ("I", &["N", "P", "C"], true),
    ("A", &["N", "P", "C"], true),
    ("E", &["ND", "U", "POC", "F", "H"], false),
    ("RL", &["ND", "OF", "TF", "W", "U"], false),
    ("RC", &["ND", "UC", "UR", "C"], false),
    ("CDP", &["ND", "N", "L", "LM", "MH", "H"], false),
    ("TD", &["ND", "N", "L", "M", "H"], false),
    ("CR", &["ND", "L", "M", "H"], false),
    ("IR", &["ND", "L", "M", "H"], false),
    ("AR", &["ND", "L", "M", "H"], false),
];

const V3: Table = &[
    ("AV", &["N", "A", "L", "P"], true),
    ("AC", &["L", "H"], true),
    ("PR", &["N", "L", "H"], true),
    ("UI", &["N", "R"], true),
    ("S", &["U", "C"], true),
    ("C", &["H", "L", "N"], true),
    ("I", &["H", "L", "N"], true),
    ("A", &["H", "L", "N"], true),
    ("E", &["X", "H", "F", "P", "U"], false),
    ("RL", &["X", "U", "W", "T", "O"], false),
    ("RC", &["X", "C", "R", "U"], false),
    ("CR", &["X", "H", "M", "L"], false),
    ("IR", &["X", "H", "M", "L"], false),
    ("AR", &["X", "H", "M", "L"], false),
    ("MAV", &["X", "N", "A", "L", "P"], false),
    ("MAC", &["X", "L", "H"], false),
    ("MPR", &["X", "N", "L", "H"], false),
    ("MUI", &["X", "N", "R"], false),
    ("MS", &["X", "U", "C"], false),
    ("MC", &["X", "H", "L", "N"], false),
    ("MI", &["X", "H", "L", "N"], false),
    ("MA", &["X", "H", "L", "N"], false),
];

const V4: Table = &[
    ("AV", &["N", "A", "L", "P"], true),
    ("AC", &["L", "H"], true),
    ("AT", &["N", "P"], true),
    ("PR", &["N", "L", "H"], true),
    ("UI", &["N", "P", "A"], true),
    ("VC", &["H", "L", "N"], true),
    ("VI", &["H", "L", "N"], true),
    ("VA", &["H", "L", "N"], true),
    ("SC", &["H", "L", "N"], true),
    ("SI", &["H", "L", "N"], true),
    ("SA", &["H", "L", "N"], true),
    ("E", &["X", "A", "P", "U"], false),
    ("CR", &["X", "H", "M", "L"], false),
    ("IR", &["X", "H", "M", "L"], false),
    ("AR", &["X", "H", "M", "L"], false),
    ("MAV", &["X", "N", "A", "L", "P"], false),
    ("MAC", &["X", "L", "H"], false),
    ("MAT", &["X", "N", "P"], false),
    ("MPR", &["X", "N", "L", "H"], false),
    ("MUI", &["X", "N", "P", "A"], false),
    ("MVC", &["X", "H", "L", "N"], false),
    ("MVI", &["X", "H", "L", "N"], false),
    ("MVA", &["X", "H", "L", "N"], false),
    ("MSC", &["X", "H", "L", "N"], false),
    ("MSI", &["X", "S", "H", "L", "N"], false),
    ("MSA", &["X", "S", "H", "L", "N"], false),
    ("S", &["X", "N", "P"], false),
    ("AU", &["X", "N", "Y"], false),
    ("R", &["X", "A", "U", "I"], false),
    ("V", &["X", "D", "C"], false),
    ("RE", &["X", "L", "M", "H"], false),
    ("U", &["X", "Clear", "Green", "Amber", "Red"], false),
];

/// A generated vector: the input string (random order, or specification order when `ordered`)
/// and the expected canonical form.
fn vector(
    prefix: &'static str,
    table: Table,
    ordered: bool,
) -> impl Strategy<Value = (String, String)> {
    let per_metric: Vec<_> = table
        .iter()
        .map(|&(name, values, mandatory)| {
            let pick = (0..values.len(), any::<bool>());
            pick.prop_map(move |(i, present)| {
                (mandatory || present).then(|| (name, values[i], mandatory || i != 0))
            })
        })
        .collect();
    per_metric
        .prop_flat_map(move |chosen| {
            let present: Vec<_> = chosen.into_iter().flatten().collect();
            let input = if ordered {
                Just(present.clone()).boxed()
            } else {
                Just(present.clone()).prop_shuffle().boxed()
            };
            input.prop_map(move |shuffled| (present.clone(), shuffled))
        })
        .prop_map(move |(canonical, shuffled)| {
            let join = |items: &[(&str, &str, bool)], only_defined: bool| {
                items
                    .iter()
                    .filter(|(_, _, defined)| !only_defined || *defined)
                    .map(|(n, v, _)| format!("{n}:{v}"))
                    .collect::<Vec<_>>()
                    .join("/")
            };
            (
                format!("{prefix}{}", join(&shuffled, false)),
                format!("{prefix}{}", join(&canonical, true)),
            )
        })
}

fn check(input: &str, canonical: &str) -> Result<(), TestCaseError> {
    let v = Vector::parse(input).map_err(|e| TestCaseError::fail(format!("{input}: {e}")))?;
    let s = v.scores();
    for x in [Some(s.base), s.temporal, s.environmental, Some(s.score)]
        .into_iter()
        .flatten()
    {
        prop_assert!((0.0..=10.0).contains(&x), "{input}: {x}");
        prop_assert!(((x * 10.0).round() - x * 10.0).abs() < 1e-9, "{input}: {x}");
    }
    let shown = v.to_string();
    prop_assert_eq!(&shown, canonical);
    prop_assert_eq!(Vector::parse(&shown), Ok(v));
    prop_assert_eq!(Vector::parse(&shown).map(|v| v.scores()), Ok(s));
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn v2_roundtrip((input, canonical) in vector("", V2, false)) {
        check(&input, &canonical)?;
    }

    #[test]
    fn v30_roundtrip((input, canonical) in vector("CVSS:3.0/", V3, false)) {
        check(&input, &canonical)?;
    }

    #[test]
    fn v31_roundtrip((input, canonical) in vector("CVSS:3.1/", V3, false)) {
        check(&input, &canonical)?;
    }

    #[test]
    fn v4_roundtrip((input, canonical) in vector("CVSS:4.0/", V4, true)) {
        check(&input, &canonical)?;
    }

    /// A v4.0 vector with any two of its metrics swapped is refused with an order error
    /// naming the metric now out of place.
    #[test]
    fn v4_swapped_metrics_are_refused(
        ((input, _), i, j) in (vector("CVSS:4.0/", V4, true), 0usize..64, 0usize..64)
    ) {
        let body = input.trim_start_matches("CVSS:4.0/");
        let mut parts: Vec<&str> = body.split('/').collect();
        let (i, j) = (i % parts.len(), j % parts.len());
        prop_assume!(i != j);
        parts.swap(i, j);
        let lo = i.min(j);
        let swapped = format!("CVSS:4.0/{}", parts.join("/"));
        let name = |p: &str| p.split(':').next().unwrap_or("").to_string();
        // Position `lo` now holds a metric that belongs further on, so the first step back is
        // at `lo + 1`: that metric is named as out of order before the one at `lo`.
        let want = format!(
            "metric {} out of order: CVSS v4.0 requires it before {}",
            name(parts[lo + 1]),
            name(parts[lo])
        );
        let got = Vector::parse(&swapped).map(|v| v.to_string()).map_err(|e| e.to_string());
        prop_assert_eq!(got, Err(want), "{}", swapped);
    }

    /// Arbitrary strings never panic the parser, and anything accepted re-parses identically.
    #[test]
    fn arbitrary_input_never_panics(s in "(CVSS:[2-4]\\.[01]/)?([A-Za-z]{1,3}:[A-Za-z]{1,5}/?){0,14}") {
        if let Ok(v) = Vector::parse(&s) {
            let s2 = v.to_string();
            prop_assert_eq!(Vector::parse(&s2), Ok(v));
            let _ = v.scores();
        }
    }
}
