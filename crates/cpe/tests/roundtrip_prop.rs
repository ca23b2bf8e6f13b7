//! Property tests: both bindings are lossless, and no input makes the parsers panic.

use proptest::prelude::*;
use zian_cpe::{AttrRelation, Attribute, Value, Wfn, compare, compare_attr, compare_defined};

/// One logical character in canonical WFN form.
fn wfn_char() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => proptest::char::range('a', 'z').prop_map(String::from),
        2 => proptest::char::range('0', '9').prop_map(String::from),
        1 => proptest::char::range('A', 'Z').prop_map(String::from),
        1 => Just("_".to_owned()),
        3 => proptest::sample::select(
            r##"!"#$%&'()*+,-./:;<=>?@[\]^`{|}~"##.chars().collect::<Vec<_>>()
        )
        .prop_map(|c| format!("\\{c}")),
    ]
}

fn run() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => Just(String::new()),
        1 => Just("*".to_owned()),
        1 => (1usize..4).prop_map(|n| "?".repeat(n)),
    ]
}

fn string_value() -> impl Strategy<Value = Value> {
    (run(), proptest::collection::vec(wfn_char(), 0..8), run()).prop_filter_map(
        "empty or '**'",
        |(lead, body, trail)| {
            let body: String = body.concat();
            if body.is_empty()
                && (lead.is_empty() && trail.is_empty()
                    || lead.starts_with('*') && trail.starts_with('*'))
            {
                return None;
            }
            // "*" alone is ANY in the bindings, not a string, and the lone quoted hyphen
            // binds to "-", i.e. NA (NISTIR 7695 §6.1.2.3 and §6.2.2.2).
            let s = format!("{lead}{body}{trail}");
            (s != "*" && s != "\\-").then_some(Value::Str(s))
        },
    )
}

fn value() -> impl Strategy<Value = Value> {
    prop_oneof![2 => Just(Value::Any), 1 => Just(Value::Na), 5 => string_value()]
}

/// A language value: ANY, NA or a tag of 2–3 letters with an optional region of two
/// letters or three digits (NISTIR 7695 §5.3.3), held in WFN quoting (`en\-us`).
fn language() -> impl Strategy<Value = Value> {
    prop_oneof![
        2 => Just(Value::Any),
        1 => Just(Value::Na),
        3 => ("[a-zA-Z]{2,3}", prop_oneof![Just(String::new()), "[a-zA-Z]{2}", "[0-9]{3}"])
            .prop_map(|(l, r)| if r.is_empty() {
                Value::Str(l)
            } else {
                Value::Str(format!("{l}\\-{r}"))
            }),
    ]
}

fn wfn() -> impl Strategy<Value = Wfn> {
    (
        prop_oneof![
            Just(Value::Any),
            Just(Value::Na),
            Just(Value::Str("a".to_owned())),
            Just(Value::Str("o".to_owned())),
            Just(Value::Str("h".to_owned())),
        ],
        proptest::collection::vec(value(), 10),
        language(),
    )
        .prop_map(|(part, rest, lang)| {
            let mut w = Wfn {
                part,
                ..Wfn::default()
            };
            for (a, v) in Attribute::ALL[1..].iter().zip(rest) {
                *w.get_mut(*a) = v;
            }
            w.language = lang;
            w
        })
}

/// The fuzz target's body: parse, and if that works, both bindings must read back.
fn parse_never_panics_and_round_trips(s: &str) {
    for w in [Wfn::parse(s), Wfn::parse_fs(s), Wfn::parse_uri(s)]
        .into_iter()
        .flatten()
    {
        assert_eq!(Wfn::parse_fs(&w.to_fs()).as_ref(), Ok(&w), "{s}");
        assert_eq!(Wfn::parse_uri(&w.to_uri()).as_ref(), Ok(&w), "{s}");
        assert_eq!(w.validate(), Ok(()));
        let _ = compare(&w, &w);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn generated_values_are_canonical(v in string_value()) {
        let Value::Str(s) = &v else { unreachable!() };
        prop_assert_eq!(Value::from_wfn(s), Ok(v.clone()));
    }

    #[test]
    fn fs_round_trip(w in wfn()) {
        let fs = w.to_fs();
        prop_assert_eq!(Wfn::parse_fs(&fs), Ok(w.clone()));
        prop_assert_eq!(Wfn::parse(&fs).map(|x| x.to_fs()), Ok(fs));
    }

    #[test]
    fn uri_round_trip(w in wfn()) {
        let uri = w.to_uri();
        prop_assert_eq!(Wfn::parse_uri(&uri), Ok(w.clone()));
    }

    #[test]
    fn wfn_notation_round_trip(w in wfn()) {
        prop_assert_eq!(Wfn::parse_wfn(&w.to_wfn_string()), Ok(w));
    }

    #[test]
    fn name_is_equal_to_itself_unless_it_has_wildcards(w in wfn()) {
        // With a wildcard the target side is undefined (NISTIR 7696 Table 6-2), and an
        // undefined name relation makes all four relations false.
        let r = compare(&w, &w);
        let wild = w.attributes().any(|(_, v)| v.has_wildcard());
        prop_assert_eq!(r.equal, !wild);
        prop_assert_eq!(r.subset, !wild);
        prop_assert_eq!(r.superset, !wild);
        prop_assert!(!r.disjoint);
        prop_assert_eq!(compare_defined(&w, &w).is_none(), wild);
    }

    #[test]
    fn subset_and_superset_mirror_each_other(a in value(), b in value()) {
        if !a.has_wildcard() && !b.has_wildcard() {
            let ab = compare_attr(&a, &b);
            let ba = compare_attr(&b, &a);
            let mirrored = match ab {
                AttrRelation::Superset => AttrRelation::Subset,
                AttrRelation::Subset => AttrRelation::Superset,
                other => other,
            };
            prop_assert_eq!(ba, mirrored);
        }
    }

    #[test]
    fn pattern_matches_its_own_literal_expansion(v in string_value(), fill in "[a-z]{0,3}") {
        // Replace wildcards by concrete text the pattern must accept: '*' by `fill`,
        // each '?' by one letter.
        let Value::Str(s) = &v else { unreachable!() };
        if v.has_wildcard() {
            let mut t = String::new();
            let mut chars = s.chars();
            while let Some(c) = chars.next() {
                match c {
                    '\\' => { t.push(c); if let Some(n) = chars.next() { t.push(n); } }
                    '*' => t.push_str(&fill),
                    '?' => t.push('x'),
                    c => t.push(c),
                }
            }
            if !t.is_empty() {
                prop_assert_eq!(compare_attr(&v, &Value::Str(t.clone())), AttrRelation::Superset, "{} vs {}", s, t);
            }
        }
    }

    #[test]
    fn arbitrary_text_never_panics(s in "\\PC{0,80}") {
        parse_never_panics_and_round_trips(&s);
        if let Ok(w) = Wfn::parse_wfn(&format!("wfn:[{s}]")) {
            prop_assert_eq!(Wfn::parse_wfn(&w.to_wfn_string()), Ok(w));
        }
    }

    #[test]
    fn wfn_like_text_never_panics(s in r#"[a-z_=,"\\.*?é ]{0,60}"#) {
        if let Ok(w) = Wfn::parse_wfn(&format!("wfn:[{s}]")) {
            prop_assert_eq!(Wfn::parse_wfn(&w.to_wfn_string()), Ok(w));
        }
    }

    #[test]
    fn cpe_like_text_never_panics(
        prefix in prop_oneof![Just("cpe:2.3:"), Just("cpe:/")],
        body in "[a-z0-9:*?\\\\%~.\\-_!é ]{0,60}",
    ) {
        parse_never_panics_and_round_trips(&format!("{prefix}{body}"));
    }

    #[test]
    fn mutated_valid_names_never_panic(w in wfn(), pos in any::<prop::sample::Index>(), c in any::<char>()) {
        for text in [w.to_fs(), w.to_uri()] {
            let mut chars: Vec<char> = text.chars().collect();
            let i = pos.index(chars.len() + 1);
            chars.insert(i, c);
            let mutated: String = chars.iter().collect();
            parse_never_panics_and_round_trips(&mutated);
            let mut chars: Vec<char> = text.chars().collect();
            if !chars.is_empty() {
                chars.remove(pos.index(chars.len()));
                parse_never_panics_and_round_trips(&chars.iter().collect::<String>());
            }
        }
    }
}
