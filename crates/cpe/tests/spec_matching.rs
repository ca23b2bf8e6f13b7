//! Attribute comparison (NISTIR 7696 §6.1, Table 6-2) and name comparison (§6.2).

use zian_cpe::{
    AttrRelation::{self, Disjoint, Equal, Subset, Superset},
    NameRelation, Value, Wfn, compare, compare_attr, compare_attr_defined, compare_defined,
    is_superset,
};

fn v(text: &str) -> Value {
    match text {
        "ANY" => Value::Any,
        "NA" => Value::Na,
        t => Value::from_wfn(t).unwrap_or_else(|e| panic!("{t}: {e}")),
    }
}

/// Table 6-2 of NISTIR 7696, row by row: `i` and `k` are distinct wildcard-free strings,
/// `m` a string with wildcards. Rows the table gives as "undefined" (target with
/// wildcards) are reported as DISJOINT by `compare_attr` and `None` by
/// `compare_attr_defined`.
#[test]
fn table_6_2_rows() {
    let rows: [(u32, &str, &str, Option<AttrRelation>); 17] = [
        (1, "ANY", "ANY", Some(Equal)),
        (2, "ANY", "NA", Some(Superset)),
        (3, "ANY", "i", Some(Superset)),
        (4, "ANY", "m*", None),
        (5, "NA", "ANY", Some(Subset)),
        (6, "NA", "NA", Some(Equal)),
        (7, "NA", "i", Some(Disjoint)),
        (8, "NA", "m*", None),
        (9, "i", "i", Some(Equal)),
        (10, "i", "k", Some(Disjoint)),
        (11, "i", "m*", None),
        (12, "i", "NA", Some(Disjoint)),
        (13, "i", "ANY", Some(Subset)),
        // 14: pattern source against a string it matches / does not match.
        (14, "m*", "mi", Some(Superset)),
        (15, "m*", "ANY", Some(Subset)),
        (16, "m*", "NA", Some(Disjoint)),
        (17, "m*", "m?", None),
    ];
    for (row, src, tgt, expected) in rows {
        let (s, t) = (v(src), v(tgt));
        assert_eq!(compare_attr_defined(&s, &t), expected, "row {row}");
        assert_eq!(
            compare_attr(&s, &t),
            expected.unwrap_or(Disjoint),
            "row {row}"
        );
    }
    // Row 14, the non-matching half.
    assert_eq!(compare_attr(&v("m*"), &v("k")), Disjoint);
}

#[test]
fn strings_compare_case_insensitively() {
    assert_eq!(compare_attr(&v("Microsoft"), &v("microsoft")), Equal);
    assert_eq!(
        compare_attr(&v(r"Internet_Explorer"), &v("internet_explorer")),
        Equal
    );
    assert_eq!(compare_attr(&v(r"8\.*"), &v(r"8\.0\.6001")), Superset);
    assert_eq!(compare_attr(&v(r"SP?"), &v(r"sp1")), Superset);
}

#[test]
fn wildcard_patterns() {
    let cases = [
        // Leading / trailing '*' match any number of characters, including none.
        (r"8\.*", r"8\.0\.6001", Superset),
        (r"8\.*", r"8\.", Superset),
        (r"8\.*", r"9\.0", Disjoint),
        (r"*\.1", r"2\.1", Superset),
        (r"*\.1", r"2\.10", Disjoint),
        (r"*ssl*", "openssl_fips", Superset),
        // A run of n '?' admits up to n characters (compare_strings pseudo-code).
        ("sp?", "sp1", Superset),
        ("sp?", "sp", Superset),
        ("sp?", "sp10", Disjoint),
        ("sp??", "sp10", Superset),
        ("??a", "xya", Superset),
        ("??a", "xxya", Disjoint),
        ("?a?", "bac", Superset),
        // A quoted character is one character.
        ("1?", r"1\.", Superset),
        (r"1\.?", r"1\.\(", Superset),
        // Only wildcards.
        ("??", "ab", Superset),
        ("??", "abc", Disjoint),
        ("??*", "abcdef", Superset),
        // Quoted '*' and '?' are not wildcards.
        (r"dopvcomet\*", "dopvcomet1", Disjoint),
        (r"dopvcomet\*", r"dopvcomet\*", Equal),
        (r"what\?", "whatx", Disjoint),
    ];
    for (src, tgt, rel) in cases {
        assert_eq!(compare_attr(&v(src), &v(tgt)), rel, "{src} vs {tgt}");
    }
}

fn fs(s: &str) -> Wfn {
    Wfn::parse_fs(s).unwrap_or_else(|e| panic!("{s}: {e}"))
}

fn rel(disjoint: bool, equal: bool, subset: bool, superset: bool) -> NameRelation {
    NameRelation {
        disjoint,
        equal,
        subset,
        superset,
    }
}

/// Name comparison (§6.2): CPE_DISJOINT if any attribute is DISJOINT, CPE_EQUAL if all are
/// EQUAL, CPE_SUBSET if all are SUBSET or EQUAL, CPE_SUPERSET if all are SUPERSET or
/// EQUAL. Sources are NVD criteria, targets inventory-style names.
#[test]
fn name_comparison() {
    let ie = "cpe:2.3:a:microsoft:internet_explorer:8.0.6001:beta:*:*:*:*:*:*";
    let cases = [
        // Identical names: all four but DISJOINT.
        (ie, ie, rel(false, true, true, true)),
        // Wildcard source against a matching target: SUPERSET.
        (
            "cpe:2.3:a:microsoft:internet_explorer:8.*:sp?:*:*:*:*:*:*",
            "cpe:2.3:a:microsoft:internet_explorer:8.0.6001:sp2:*:*:*:*:*:*",
            rel(false, false, false, true),
        ),
        // ... and a non-matching update: DISJOINT.
        (
            "cpe:2.3:a:microsoft:internet_explorer:8.*:sp?:*:*:*:*:*:*",
            ie,
            rel(true, false, false, false),
        ),
        // Target with wildcards: undefined, so all four relations are false.
        (
            ie,
            "cpe:2.3:a:microsoft:internet_explorer:8.*:sp?:*:*:*:*:*:*",
            rel(false, false, false, false),
        ),
        // Version ANY in the source: SUPERSET of a concrete version.
        (
            "cpe:2.3:a:openssl:openssl:*:*:*:*:*:*:*:*",
            "cpe:2.3:a:openssl:openssl:1.0.1f:*:*:*:*:*:*:*",
            rel(false, false, false, true),
        ),
        // The reverse: SUBSET.
        (
            "cpe:2.3:a:openssl:openssl:1.0.1f:*:*:*:*:*:*:*",
            "cpe:2.3:a:openssl:openssl:*:*:*:*:*:*:*:*",
            rel(false, false, true, false),
        ),
        // Mixed SUPERSET (version) and SUBSET (update): neither, and not disjoint.
        (
            "cpe:2.3:a:openssl:openssl:*:-:*:*:*:*:*:*",
            "cpe:2.3:a:openssl:openssl:1.0.1f:*:*:*:*:*:*:*",
            rel(false, false, false, false),
        ),
        // NA update in the criterion versus an inventory update "sp1": DISJOINT.
        (
            "cpe:2.3:o:microsoft:windows_7:-:-:*:*:*:*:*:*",
            "cpe:2.3:o:microsoft:windows_7:-:sp1:*:*:*:*:x64:*",
            rel(true, false, false, false),
        ),
        // target_sw and target_hw: ANY in the criterion covers the inventory's values.
        (
            "cpe:2.3:o:microsoft:windows_7:-:sp1:*:*:*:*:*:*",
            "cpe:2.3:o:microsoft:windows_7:-:sp1:*:*:*:*:x64:*",
            rel(false, false, false, true),
        ),
        // Different part.
        (
            "cpe:2.3:h:cisco:asa_5505:-:*:*:*:*:*:*:*",
            "cpe:2.3:o:cisco:asa_5505:-:*:*:*:*:*:*:*",
            rel(true, false, false, false),
        ),
        // Quoted characters and case.
        (
            r"cpe:2.3:a:cisco:firewall_services_module_software:3.2\(10\):*:*:*:*:*:*:*",
            r"cpe:2.3:a:Cisco:Firewall_Services_Module_Software:3.2\(10\):*:*:*:*:*:*:*",
            rel(false, true, true, true),
        ),
        (
            r"cpe:2.3:a:cisco:firewall_services_module_software:3.2\(1??:*:*:*:*:*:*:*",
            r"cpe:2.3:a:cisco:firewall_services_module_software:3.2\(10\):*:*:*:*:*:*:*",
            rel(false, false, false, true),
        ),
    ];
    for (src, tgt, expected) in cases {
        let (s, t) = (fs(src), fs(tgt));
        assert_eq!(compare(&s, &t), expected, "{src} vs {tgt}");
        assert_eq!(is_superset(&s, &t), expected.superset, "{src} vs {tgt}");
    }
}

#[test]
fn relation_serialises_with_four_booleans() {
    let r = compare(
        &fs("cpe:2.3:a:openssl:openssl:*:*:*:*:*:*:*:*"),
        &fs("cpe:2.3:a:openssl:openssl:1.0.1f:*:*:*:*:*:*:*"),
    );
    assert_eq!(
        serde_json::to_string(&r).expect("serialisable"),
        r#"{"disjoint":false,"equal":false,"subset":false,"superset":true}"#
    );
}

// ---------------------------------------------------------------------------------------
// UNDEFINED relations (Table 6-2) and how they reach the name level (§6.2)
// ---------------------------------------------------------------------------------------

/// Every kind of target value with an unquoted wildcard makes the attribute relation
/// UNDEFINED, whatever the source; quoted `\*` and `\?` are ordinary characters.
#[test]
fn target_wildcards_are_undefined_whatever_the_source() {
    let sources = ["ANY", "NA", "abc", "ab*", "?bc", r"a\*c"];
    let wild_targets = ["*bc", "ab*", "?bc", "ab??", "??", "??*", "*?"];
    for src in sources {
        for tgt in wild_targets {
            assert_eq!(
                compare_attr_defined(&v(src), &v(tgt)),
                None,
                "{src} vs {tgt}"
            );
        }
    }
    // Quoted wildcard characters in the target are data, so the relation is defined.
    assert_eq!(compare_attr_defined(&v(r"a\*c"), &v(r"a\*c")), Some(Equal));
    assert_eq!(compare_attr_defined(&v("a*"), &v(r"a\*c")), Some(Superset));
    assert_eq!(compare_attr_defined(&v("ANY"), &v(r"\?")), Some(Superset));
    assert_eq!(compare_attr_defined(&v("abc"), &v(r"a\?c")), Some(Disjoint));
}

/// If any attribute comparison is UNDEFINED the name comparison is undefined: CPE_DISJOINT,
/// CPE_EQUAL, CPE_SUBSET and CPE_SUPERSET are all false, even when another attribute is
/// DISJOINT (which alone would make CPE_DISJOINT true) or every other attribute is EQUAL.
#[test]
fn any_undefined_attribute_makes_all_four_name_relations_false() {
    let none = rel(false, false, false, false);
    let cases = [
        // Only the version is undefined, all else EQUAL.
        (
            "cpe:2.3:a:openssl:openssl:1.0.1f:*:*:*:*:*:*:*",
            "cpe:2.3:a:openssl:openssl:1.0.*:*:*:*:*:*:*:*",
        ),
        // Vendor and product DISJOINT, version undefined.
        (
            "cpe:2.3:a:microsoft:internet_explorer:8.0:*:*:*:*:*:*:*",
            "cpe:2.3:a:mozilla:firefox:8.*:*:*:*:*:*:*:*",
        ),
        // Part DISJOINT, other undefined.
        (
            "cpe:2.3:h:cisco:asa_5505:-:*:*:*:*:*:*:*",
            "cpe:2.3:o:cisco:asa_5505:-:*:*:*:*:*:*:x??",
        ),
        // Source ANY everywhere (a SUPERSET of any defined target), target pattern.
        (
            "cpe:2.3:*:*:*:*:*:*:*:*:*:*:*",
            "cpe:2.3:a:vendor:*product:*:*:*:*:*:*:*:*",
        ),
        // Source NA against a target pattern.
        (
            "cpe:2.3:a:vendor:product:-:*:*:*:*:*:*:*",
            "cpe:2.3:a:vendor:product:?:*:*:*:*:*:*:*",
        ),
        // Identical patterns on both sides (row 17).
        (
            "cpe:2.3:a:vendor:product:1.*:*:*:*:*:*:*:*",
            "cpe:2.3:a:vendor:product:1.*:*:*:*:*:*:*:*",
        ),
        // A URI target with %01 / %02.
        (
            "cpe:2.3:a:vendor:product:1.0:*:*:*:*:*:*:*",
            "cpe:/a:vendor:product:1.%02",
        ),
    ];
    for (src, tgt) in cases {
        let (s, t) = (
            Wfn::parse(src).unwrap_or_else(|e| panic!("{src}: {e}")),
            Wfn::parse(tgt).unwrap_or_else(|e| panic!("{tgt}: {e}")),
        );
        assert_eq!(compare(&s, &t), none, "{src} vs {tgt}");
        assert_eq!(compare_defined(&s, &t), None, "{src} vs {tgt}");
        assert!(!is_superset(&s, &t), "{src} vs {tgt}");
    }
}

/// `compare_defined` agrees with `compare` wherever the relation is defined, including the
/// mixed SUBSET/SUPERSET case in which all four are also false.
#[test]
fn compare_defined_tells_undefined_from_mixed() {
    let mixed = (
        fs("cpe:2.3:a:openssl:openssl:*:-:*:*:*:*:*:*"),
        fs("cpe:2.3:a:openssl:openssl:1.0.1f:*:*:*:*:*:*:*"),
    );
    assert_eq!(compare(&mixed.0, &mixed.1), rel(false, false, false, false));
    assert_eq!(
        compare_defined(&mixed.0, &mixed.1),
        Some(rel(false, false, false, false))
    );
    let sup = (
        fs("cpe:2.3:a:openssl:openssl:1.0.1*:*:*:*:*:*:*:*"),
        fs("cpe:2.3:a:openssl:openssl:1.0.1f:*:*:*:*:*:*:*"),
    );
    assert_eq!(
        compare_defined(&sup.0, &sup.1),
        Some(rel(false, false, false, true))
    );
    // The reverse direction puts the pattern on the target side: undefined.
    assert_eq!(compare_defined(&sup.1, &sup.0), None);
}

/// The NA part (`-` in the formatted string) compares like any other NA (Table 6-2).
#[test]
fn na_part_compares_per_table_6_2() {
    let na = fs("cpe:2.3:-:vendor:product:1.0:*:*:*:*:*:*:*");
    let app = fs("cpe:2.3:a:vendor:product:1.0:*:*:*:*:*:*:*");
    let any = fs("cpe:2.3:*:vendor:product:1.0:*:*:*:*:*:*:*");
    assert_eq!(compare_attr(&na.part, &app.part), Disjoint);
    assert_eq!(compare(&na, &na), rel(false, true, true, true));
    assert_eq!(compare(&na, &app), rel(true, false, false, false));
    assert_eq!(compare(&app, &na), rel(true, false, false, false));
    assert_eq!(compare(&any, &na), rel(false, false, false, true));
    assert_eq!(compare(&na, &any), rel(false, false, true, false));
    assert!(is_superset(&any, &na));
    assert!(!is_superset(&na, &any));
}

/// Language tags compare case-insensitively like every string.
#[test]
fn language_tags_compare_case_insensitively() {
    let a = fs("cpe:2.3:a:v:p:1:*:*:en-us:*:*:*:*");
    let b = fs("cpe:2.3:a:v:p:1:*:*:EN-US:*:*:*:*");
    let c = fs("cpe:2.3:a:v:p:1:*:*:en-gb:*:*:*:*");
    assert_eq!(compare(&a, &b), rel(false, true, true, true));
    assert_eq!(compare(&a, &c), rel(true, false, false, false));
}
