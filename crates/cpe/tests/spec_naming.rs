//! Binding and unbinding examples of NISTIR 7695 (CPE Naming 2.3) §6, written out, plus
//! the error behaviour of the parsers.

use zian_cpe::{Attribute, CpeError, Value, ValueErrorKind, Wfn};

fn wfn(s: &str) -> Wfn {
    Wfn::parse_wfn(s).unwrap_or_else(|e| panic!("bad WFN in test {s}: {e}"))
}

fn s(v: &str) -> Value {
    Value::Str(v.to_owned())
}

// ---------------------------------------------------------------------------------------
// §6.1.2.3 — binding a WFN to a URI
// ---------------------------------------------------------------------------------------

#[test]
fn bind_uri_example_1_plain_version_and_update() {
    let w = wfn(
        r#"wfn:[part="a",vendor="microsoft",product="internet_explorer",version="8\.0\.6001",update="beta",edition=ANY]"#,
    );
    assert_eq!(
        w.to_uri(),
        "cpe:/a:microsoft:internet_explorer:8.0.6001:beta"
    );
}

#[test]
fn bind_uri_example_2_wildcards_become_01_and_02() {
    let w = wfn(
        r#"wfn:[part="a",vendor="microsoft",product="internet_explorer",version="8\.*",update="sp?"]"#,
    );
    assert_eq!(w.to_uri(), "cpe:/a:microsoft:internet_explorer:8.%02:sp%01");
}

#[test]
fn bind_uri_example_3_na_update_and_packed_edition() {
    let w = wfn(
        r#"wfn:[part="a",vendor="hp",product="insight_diagnostics",version="7\.4\.0\.1570",update=NA,sw_edition="online",target_sw="win2003",target_hw="x64"]"#,
    );
    assert_eq!(
        w.to_uri(),
        "cpe:/a:hp:insight_diagnostics:7.4.0.1570:-:~~online~win2003~x64~"
    );
}

#[test]
fn bind_uri_example_4_only_target_sw_is_packed() {
    let w = wfn(
        r#"wfn:[part="a",vendor="hp",product="openview_network_manager",version="7\.51",target_sw="linux"]"#,
    );
    assert_eq!(
        w.to_uri(),
        "cpe:/a:hp:openview_network_manager:7.51::~~~linux~~"
    );
}

#[test]
fn bind_uri_example_5_percent_encoding_of_quoted_characters() {
    let w = wfn(
        r#"wfn:[part="a",vendor="foo\\bar",product="big\$money_manager_2010",sw_edition="special",target_sw="ipod_touch",target_hw="80gb"]"#,
    );
    assert_eq!(
        w.to_uri(),
        "cpe:/a:foo%5cbar:big%24money_manager_2010:::~~special~ipod_touch~80gb~"
    );
}

// ---------------------------------------------------------------------------------------
// §6.1.3.3 — unbinding a URI
// ---------------------------------------------------------------------------------------

#[test]
fn unbind_uri_example_1() {
    let w = Wfn::parse_uri("cpe:/a:microsoft:internet_explorer:8.0.6001:beta").expect("valid");
    assert_eq!(
        w,
        wfn(
            r#"wfn:[part="a",vendor="microsoft",product="internet_explorer",version="8\.0\.6001",update="beta",edition=ANY,language=ANY]"#
        )
    );
}

#[test]
fn unbind_uri_example_2_encoded_asterisk_and_question_mark_are_literal() {
    let w = Wfn::parse_uri("cpe:/a:microsoft:internet_explorer:8.%2a:sp%3f").expect("valid");
    assert_eq!(w.version, s(r"8\.\*"));
    assert_eq!(w.update, s(r"sp\?"));
    assert!(!w.version.has_wildcard() && !w.update.has_wildcard());
}

#[test]
fn unbind_uri_example_3_01_and_02_are_wildcards() {
    let w = Wfn::parse_uri("cpe:/a:microsoft:internet_explorer:8.%02:sp%01").expect("valid");
    assert_eq!(w.version, s(r"8\.*"));
    assert_eq!(w.update, s("sp?"));
    assert!(w.version.has_wildcard() && w.update.has_wildcard());
}

#[test]
fn unbind_uri_example_4_packed_edition() {
    let w = Wfn::parse_uri("cpe:/a:hp:insight_diagnostics:7.4.0.1570::~~online~win2003~x64~")
        .expect("valid");
    assert_eq!(
        w,
        wfn(
            r#"wfn:[part="a",vendor="hp",product="insight_diagnostics",version="7\.4\.0\.1570",update=ANY,edition=ANY,sw_edition="online",target_sw="win2003",target_hw="x64",other=ANY,language=ANY]"#
        )
    );
}

#[test]
fn unbind_uri_example_5_na_update_with_packed_target_sw() {
    let w = Wfn::parse_uri("cpe:/a:hp:openview_network_manager:7.51:-:~~~linux~~").expect("valid");
    assert_eq!(
        w,
        wfn(
            r#"wfn:[part="a",vendor="hp",product="openview_network_manager",version="7\.51",update=NA,edition=ANY,sw_edition=ANY,target_sw="linux",target_hw=ANY,other=ANY,language=ANY]"#
        )
    );
}

#[test]
fn unbind_uri_example_6_illegal_percent_07_is_an_error() {
    let e = Wfn::parse_uri("cpe:/a:foo%5cbar:big%24money_2010%07:::~~special~ipod_touch~80gb~")
        .expect_err("%07 is not a legal encoding");
    assert_eq!(
        e,
        CpeError::Component {
            index: 3,
            attribute: Attribute::Product,
            kind: ValueErrorKind::BadPercent(
                "%07".to_owned(),
                "only punctuation, %01 ('?') and %02 ('*') may be percent-encoded"
            ),
        }
    );
}

#[test]
fn unbind_uri_example_7_tilde_outside_the_edition_is_literal() {
    let w = Wfn::parse_uri("cpe:/a:foo~bar:big%7emoney_2010").expect("valid");
    assert_eq!(w.vendor, s(r"foo\~bar"));
    assert_eq!(w.product, s(r"big\~money_2010"));
    assert!(w.version.is_any());
}

#[test]
fn unbind_uri_example_8_embedded_02_is_an_error() {
    let e = Wfn::parse_uri("cpe:/a:foo:bar:12.%02.1234").expect_err("embedded * wildcard");
    assert_eq!(
        e.to_string(),
        "component 4 (version): unquoted '*' in the middle of a value"
    );
}

// ---------------------------------------------------------------------------------------
// §6.2.2.3 — binding a WFN to a formatted string
// ---------------------------------------------------------------------------------------

#[test]
fn bind_fs_examples() {
    let cases = [
        (
            r#"wfn:[part="a",vendor="microsoft",product="internet_explorer",version="8\.0\.6001",update="beta",edition=ANY]"#,
            "cpe:2.3:a:microsoft:internet_explorer:8.0.6001:beta:*:*:*:*:*:*",
        ),
        (
            r#"wfn:[part="a",vendor="microsoft",product="internet_explorer",version="8\.*",update="sp?",edition=ANY]"#,
            "cpe:2.3:a:microsoft:internet_explorer:8.*:sp?:*:*:*:*:*:*",
        ),
        (
            r#"wfn:[part="a",vendor="hp",product="insight",version="7\.4\.0\.1570",update=NA,sw_edition="online",target_sw="win2003",target_hw="x64"]"#,
            "cpe:2.3:a:hp:insight:7.4.0.1570:-:*:*:online:win2003:x64:*",
        ),
        (
            r#"wfn:[part="a",vendor="hp",product="openview_network_manager",version="7\.51",target_sw="linux"]"#,
            "cpe:2.3:a:hp:openview_network_manager:7.51:*:*:*:*:linux:*:*",
        ),
        (
            r#"wfn:[part="a",vendor="foo\\bar",product="big\$money_2010",sw_edition="special",target_sw="ipod_touch",target_hw="80gb"]"#,
            r"cpe:2.3:a:foo\\bar:big\$money_2010:*:*:*:*:special:ipod_touch:80gb:*",
        ),
    ];
    for (w, fs) in cases {
        let w = wfn(w);
        assert_eq!(w.to_fs(), fs);
        // And back (§6.2.3).
        assert_eq!(Wfn::parse_fs(fs).expect("valid"), w, "{fs}");
        assert_eq!(fs.parse::<Wfn>().expect("valid"), w);
        assert_eq!(w.to_string(), fs);
    }
}

// ---------------------------------------------------------------------------------------
// §6.2.3.3 — unbinding a formatted string
// ---------------------------------------------------------------------------------------

#[test]
fn unbind_fs_example_quotes_dots_and_keeps_wildcards() {
    let w =
        Wfn::parse_fs("cpe:2.3:a:microsoft:internet_explorer:8.*:sp?:*:*:*:*:*:*").expect("valid");
    assert_eq!(w.part, s("a"));
    assert_eq!(w.version, s(r"8\.*"));
    assert_eq!(w.update, s("sp?"));
    assert!(w.edition.is_any() && w.other.is_any());
    assert_eq!(w.version.unquoted().as_deref(), Some("8.*"));
}

#[test]
fn unbind_fs_example_na_and_extended_attributes() {
    let w = Wfn::parse_fs("cpe:2.3:a:hp:insight_diagnostics:7.4.0.1570:-:*:*:online:win2003:x64:*")
        .expect("valid");
    assert_eq!(
        w,
        wfn(
            r#"wfn:[part="a",vendor="hp",product="insight_diagnostics",version="7\.4\.0\.1570",update=NA,edition=ANY,language=ANY,sw_edition="online",target_sw="win2003",target_hw="x64",other=ANY]"#
        )
    );
}

#[test]
fn unbind_fs_example_quoted_colon_backslash_and_dollar() {
    let w = Wfn::parse_fs(r"cpe:2.3:a:foo\\bar:big\$money:2010\:a:*:*:*:special:ipod_touch:80gb:*")
        .expect("valid");
    assert_eq!(w.vendor, s(r"foo\\bar"));
    assert_eq!(w.vendor.unquoted().as_deref(), Some(r"foo\bar"));
    assert_eq!(w.product, s(r"big\$money"));
    assert_eq!(w.version, s(r"2010\:a"));
    assert_eq!(w.version.unquoted().as_deref(), Some("2010:a"));
    assert_eq!(w.sw_edition, s("special"));
    assert_eq!(w.target_hw, s("80gb"));
}

#[test]
fn unbind_fs_openssl_letter_suffix() {
    let w = Wfn::parse("cpe:2.3:a:openssl:openssl:1.0.1f:*:*:*:*:*:*:*").expect("valid");
    assert_eq!(w.version, s(r"1\.0\.1f"));
    assert_eq!(w.version.unquoted().as_deref(), Some("1.0.1f"));
    assert_eq!(w.to_uri(), "cpe:/a:openssl:openssl:1.0.1f");
}

// §6.3 converting between the bindings goes through the WFN.
#[test]
fn convert_uri_to_fs_and_back() {
    let uri = "cpe:/a:hp:insight_diagnostics:7.4.0.1570::~~online~win2003~x64~";
    let fs = "cpe:2.3:a:hp:insight_diagnostics:7.4.0.1570:*:*:*:online:win2003:x64:*";
    assert_eq!(Wfn::parse(uri).expect("valid").to_fs(), fs);
    assert_eq!(Wfn::parse(fs).expect("valid").to_uri(), uri);
    // A quoted wildcard in the FS becomes a percent-encoded literal in the URI.
    let w = Wfn::parse(r"cpe:2.3:a:bayashi:dopvcomet\*:0001:*:*:*:*:*:*:*").expect("valid");
    assert_eq!(w.to_uri(), "cpe:/a:bayashi:dopvcomet%2a:0001");
    assert!(!w.product.has_wildcard());
}

#[test]
fn wfn_notation_round_trip() {
    let w = Wfn::parse_fs(r"cpe:2.3:a:2glux:com_sexypolling:0.9.1:-:-:*:-:joomla\!:*:*")
        .expect("valid");
    let text = w.to_wfn_string();
    assert_eq!(
        text,
        r#"wfn:[part="a",vendor="2glux",product="com_sexypolling",version="0\.9\.1",update=NA,edition=NA,language=ANY,sw_edition=NA,target_sw="joomla\!",target_hw=ANY,other=ANY]"#
    );
    assert_eq!(Wfn::parse_wfn(&text).expect("valid"), w);
}

#[test]
fn case_is_preserved() {
    let w =
        Wfn::parse_fs("cpe:2.3:a:Microsoft:IE:8.0:*:*:*:*:*:*:*").expect("upper case is allowed");
    assert_eq!(w.vendor, s("Microsoft"));
    assert_eq!(w.to_fs(), "cpe:2.3:a:Microsoft:IE:8.0:*:*:*:*:*:*:*");
    let u = Wfn::parse_uri("cpe:/a:Microsoft:IE:8.0").expect("valid");
    assert_eq!(u, w);
}

#[test]
fn trailing_uri_components_default_to_any() {
    let w = Wfn::parse_uri("cpe:/o:linux").expect("valid");
    assert_eq!(w.part, s("o"));
    assert_eq!(w.vendor, s("linux"));
    for a in &Attribute::ALL[2..] {
        assert!(w.get(*a).is_any(), "{a}");
    }
    assert_eq!(Wfn::parse_uri("cpe:/").expect("valid"), Wfn::default());
    assert_eq!(Wfn::default().to_uri(), "cpe:/");
    assert_eq!(Wfn::default().to_fs(), "cpe:2.3:*:*:*:*:*:*:*:*:*:*:*");
}

#[test]
fn lone_quoted_hyphen_binds_as_the_specification_says() {
    // §6.1.2.3 and §6.2.2.2 drop the quote of '-' when binding, so the WFN string "\-"
    // comes out as "-", which reads back as NA: the one value no binding carries.
    let w = wfn(r#"wfn:[part="a",vendor="vendor",product="product",version="\-"]"#);
    assert_eq!(w.version, s(r"\-"));
    assert_eq!(w.to_fs(), "cpe:2.3:a:vendor:product:-:*:*:*:*:*:*:*");
    assert_eq!(w.to_uri(), "cpe:/a:vendor:product:-");
    assert!(Wfn::parse_fs(&w.to_fs()).expect("valid").version.is_na());
    assert!(Wfn::parse_uri(&w.to_uri()).expect("valid").version.is_na());
    // Inside a longer value the hyphen is just unquoted and re-quoted.
    let w = wfn(r#"wfn:[part="a",vendor="x\-ray",product="p"]"#);
    assert_eq!(w.to_fs(), "cpe:2.3:a:x-ray:p:*:*:*:*:*:*:*:*");
    assert_eq!(w.to_uri(), "cpe:/a:x-ray:p");
    assert_eq!(Wfn::parse_fs(&w.to_fs()).expect("valid"), w);
    assert_eq!(Wfn::parse_uri(&w.to_uri()).expect("valid"), w);
}

#[test]
fn needless_quote_of_underscore_is_dropped_in_wfn_notation_only() {
    assert_eq!(Value::from_wfn(r"my\_vendor"), Ok(s("my_vendor")));
    assert_eq!(
        err(r"cpe:2.3:a:my\_vendor:p:*:*:*:*:*:*:*:*"),
        "component 3 (vendor): '\\_' is not allowed in a formatted string: write '_' without the backslash"
    );
}

#[test]
fn wildcard_runs() {
    let ok = [
        "??abc", "abc??", "*abc", "abc*", "*abc?", "?abc*", "??", "*", "??*", "*?",
    ];
    for v in ok {
        let fs = format!("cpe:2.3:a:v:p:{v}:*:*:*:*:*:*:*");
        let w = Wfn::parse_fs(&fs).unwrap_or_else(|e| panic!("{v}: {e}"));
        if v == "*" {
            assert!(w.version.is_any());
        } else {
            assert!(w.version.has_wildcard(), "{v}");
        }
        assert_eq!(w.to_fs(), fs);
    }
    let bad = [
        (
            "a?b",
            "component 5 (version): unquoted '?' in the middle of a value",
        ),
        (
            "a??b",
            "component 5 (version): unquoted '?' in the middle of a value",
        ),
        (
            "1.*.2",
            "component 5 (version): unquoted '*' in the middle of a value",
        ),
        (
            "**",
            "component 5 (version): bad wildcard run \"**\": each end may carry either a single '*' or one or more '?'",
        ),
        (
            "?*abc",
            "component 5 (version): bad wildcard run \"?*\": each end may carry either a single '*' or one or more '?'",
        ),
        (
            "abc**",
            "component 5 (version): bad wildcard run \"**\": each end may carry either a single '*' or one or more '?'",
        ),
    ];
    for (v, msg) in bad {
        let fs = format!("cpe:2.3:a:v:p:{v}:*:*:*:*:*:*:*");
        assert_eq!(Wfn::parse_fs(&fs).expect_err(v).to_string(), msg, "{v}");
    }
}

// ---------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------

fn err(s: &str) -> String {
    Wfn::parse(s).expect_err(s).to_string()
}

#[test]
fn error_messages_name_component_and_reason() {
    assert_eq!(err(""), "empty CPE name");
    assert_eq!(
        err("cpe:2.2:a:vendor:product"),
        "unrecognised prefix in \"cpe:2.2:a:vendor:product\": a CPE 2.3 formatted string starts with \"cpe:2.3:\" and a CPE URI with \"cpe:/\""
    );
    assert_eq!(
        err("cpe:2.3:a:openssl:openssl:1.0.1f"),
        "formatted string has 6 colon-separated components, expected 13 (\"cpe\", \"2.3\" and 11 attributes)"
    );
    assert_eq!(
        err("cpe:2.3:a:openssl:openssl:1.0.1f:*:*:*:*:*:*:*:*"),
        "formatted string has 14 colon-separated components, expected 13 (\"cpe\", \"2.3\" and 11 attributes)"
    );
    // A quoted colon does not separate components.
    assert_eq!(
        err(r"cpe:2.3:a:openssl:openssl:1.0.1f\:*:*:*:*:*:*:*"),
        "formatted string has 12 colon-separated components, expected 13 (\"cpe\", \"2.3\" and 11 attributes)"
    );
    assert_eq!(
        err("cpe:2.3:x:openssl:openssl:1.0.1f:*:*:*:*:*:*:*"),
        "component 2 (part): \"x\" is not a valid part; expected \"a\", \"o\", \"h\", ANY or NA"
    );
    assert_eq!(
        err(r"cpe:2.3:a:openssl:open\ssl:1.0.1f:*:*:*:*:*:*:*"),
        "component 4 (product): '\\s' quotes an alphanumeric character; only punctuation may be quoted"
    );
    assert_eq!(
        err(r"cpe:2.3:a:openssl:openssl:1.0.1f:*:*:*:*:*:*:oops\"),
        "component 12 (other): value ends with an unfinished escape '\\'"
    );
    assert_eq!(
        err("cpe:2.3:a:open ssl:openssl:1.0.1f:*:*:*:*:*:*:*"),
        "component 3 (vendor): illegal character ' ' (only printable non-blank ASCII is allowed)"
    );
    assert_eq!(
        err("cpe:2.3:a:openssl:openssl:1.0.1é:*:*:*:*:*:*:*"),
        "component 5 (version): illegal character 'é' (only printable non-blank ASCII is allowed)"
    );
    assert_eq!(
        err("cpe:2.3:a:openssl::1.0.1f:*:*:*:*:*:*:*"),
        "component 4 (product): empty value (write '*' for ANY or '-' for NA)"
    );
    assert_eq!(
        err("cpe:2.3:a:vendor:product:1.?0:*:*:*:*:*:*:*"),
        "component 5 (version): unquoted '?' in the middle of a value"
    );
    // URI errors.
    assert_eq!(
        err("cpe:/a:v:p:1:2:3:4:5"),
        "URI has 8 colon-separated components after \"cpe:/\", at most 7 are allowed"
    );
    assert_eq!(
        err("cpe:/a:v:p:1%2"),
        "component 4 (version): bad percent-encoding \"%2\": '%' must be followed by two hex digits"
    );
    assert_eq!(
        err("cpe:/a:v:p:1%zz"),
        "component 4 (version): bad percent-encoding \"%zz\": '%' must be followed by two hex digits"
    );
    assert_eq!(
        err("cpe:/a:v:p:%41"),
        "component 4 (version): bad percent-encoding \"%41\": only punctuation, %01 ('?') and %02 ('*') may be percent-encoded"
    );
    assert_eq!(
        err("cpe:/a:v:p:1!"),
        "component 4 (version): illegal character '!' (only printable non-blank ASCII is allowed)"
    );
    assert_eq!(
        err("cpe:/a:v:p:1:u:~e~sw~tsw"),
        "component 6 (edition): packed edition must hold 5 '~'-separated fields, found 3"
    );
    assert_eq!(
        err("cpe:/a:v:p:1:u:~e~sw~ts%01w~~"),
        "component 6 (target_sw): unquoted '?' in the middle of a value"
    );
}

#[test]
fn packed_edition_extra_tildes_belong_to_other() {
    let w = Wfn::parse_uri("cpe:/a:v:p:1:u:~e~sw~tsw~thw~o~x").expect("valid");
    assert_eq!(w.edition, s("e"));
    assert_eq!(w.other, s(r"o\~x"));
    assert_eq!(w.to_uri(), "cpe:/a:v:p:1:u:~e~sw~tsw~thw~o%7ex");
}

#[test]
fn uppercase_prefix_and_hex_are_accepted() {
    let a = Wfn::parse("CPE:2.3:a:v:p:1:*:*:*:*:*:*:*").expect("valid");
    let b = Wfn::parse("CPE:/a:v:p:1").expect("valid");
    assert_eq!(a, b);
    let c = Wfn::parse_uri("cpe:/a:foo%5Cbar").expect("valid");
    assert_eq!(c.vendor, s(r"foo\\bar"));
}

#[test]
fn value_helpers() {
    let v = Value::literal("1.0.1f").expect("valid");
    assert_eq!(v, s(r"1\.0\.1f"));
    assert_eq!(Value::literal("a*b").expect("valid"), s(r"a\*b"));
    assert!(!Value::literal("a*b").expect("valid").has_wildcard());
    assert!(Value::literal("").is_err());
    assert!(Value::literal("a b").is_err());
    assert_eq!(Value::from_wfn(r"8\.*").expect("valid"), s(r"8\.*"));
    assert_eq!(Value::from_wfn(r"a\_b").expect("valid"), s("a_b"));
    assert_eq!(
        Value::from_wfn("8.0")
            .expect_err("unquoted dot")
            .to_string(),
        "invalid attribute value: punctuation '.' must be quoted with '\\' in a WFN value"
    );
    assert_eq!(Value::Any.unquoted(), None);
    assert_eq!(Value::Na.unquoted(), None);
    assert!(!Value::Any.has_wildcard());
    assert_eq!(Value::Any.to_string(), "ANY");
    assert_eq!(Value::Na.to_string(), "NA");
    assert!(Value::Any.is_any() && !Value::Na.is_any());
    assert!(s(r"\*a").unquoted().as_deref() == Some("*a") && !s(r"\*a").has_wildcard());
}

#[test]
fn attribute_names() {
    let names: Vec<&str> = Attribute::ALL.iter().map(|a| a.name()).collect();
    assert_eq!(
        names,
        [
            "part",
            "vendor",
            "product",
            "version",
            "update",
            "edition",
            "language",
            "sw_edition",
            "target_sw",
            "target_hw",
            "other"
        ]
    );
    for a in Attribute::ALL {
        assert_eq!(Attribute::from_name(a.name()), Some(a));
    }
}

#[test]
fn to_json_uses_wfn_display() {
    let w = Wfn::parse_fs("cpe:2.3:a:openssl:openssl:1.0.1f:-:*:*:*:*:*:*").expect("valid");
    let j = w.to_json();
    assert_eq!(j["part"], "a");
    assert_eq!(j["version"], r"1\.0\.1f");
    assert_eq!(j["update"], "NA");
    assert_eq!(j["other"], "ANY");
    assert_eq!(j.as_object().map(|m| m.len()), Some(11));
}

#[test]
fn inventory_names_must_be_specific() {
    let ok = Wfn::parse_fs("cpe:2.3:a:openssl:openssl:1.0.1f:*:*:*:*:*:*:*").expect("valid");
    assert_eq!(ok.is_specific_inventory_name(), Ok(()));
    // Version ANY is fine for an inventory name: it is part, vendor and product that
    // must be concrete.
    let any_version = Wfn::parse_fs("cpe:2.3:a:openssl:openssl:*:*:*:*:*:*:*:*").expect("valid");
    assert!(any_version.is_specific_inventory_name().is_ok());
    let cases = [
        (
            "cpe:2.3:a:*:zstandard:1.0:*:*:*:*:*:*:*",
            "not a specific inventory name: vendor is ANY; an inventory CPE must give a concrete part, vendor and product",
        ),
        (
            "cpe:2.3:*:facebook:zstandard:1.0:*:*:*:*:*:*:*",
            "not a specific inventory name: part is ANY; an inventory CPE must give a concrete part, vendor and product",
        ),
        (
            "cpe:2.3:a:facebook:-:1.0:*:*:*:*:*:*:*",
            "not a specific inventory name: product is NA; an inventory CPE must give a concrete part, vendor and product",
        ),
        (
            "cpe:2.3:a:face*:zstandard:1.0:*:*:*:*:*:*:*",
            "not a specific inventory name: vendor is the wildcard pattern \"face*\"; an inventory CPE must give a concrete part, vendor and product",
        ),
        (
            "cpe:2.3:a:facebook:zstandar?:1.0:*:*:*:*:*:*:*",
            "not a specific inventory name: product is the wildcard pattern \"zstandar?\"; an inventory CPE must give a concrete part, vendor and product",
        ),
    ];
    for (fs, msg) in cases {
        let w = Wfn::parse_fs(fs).expect("valid");
        assert_eq!(
            w.is_specific_inventory_name().expect_err(fs).to_string(),
            msg
        );
    }
}

#[test]
fn validate_rejects_hand_built_invalid_values() {
    let mut w = Wfn::parse_fs("cpe:2.3:a:openssl:openssl:1.0.1f:*:*:*:*:*:*:*").expect("valid");
    assert_eq!(w.validate(), Ok(()));
    w.version = s("1.0.1f");
    assert_eq!(
        w.validate().expect_err("unquoted dots").to_string(),
        "component 5 (version): punctuation '.' must be quoted with '\\' in a WFN value"
    );
    w.version = s(r"1\_0");
    assert!(w.validate().is_err());
    w.version = Value::Any;
    w.part = Value::Na;
    assert_eq!(w.validate(), Ok(()));
    w.part = s("x");
    assert!(w.validate().is_err());
    w.part = s("a");
    w.language = s("english");
    assert_eq!(
        w.validate().expect_err("bad language").to_string(),
        "component 8 (language): \"english\" is not a valid language tag: expected 2 or 3 letters, optionally '-' and a region of 2 letters or 3 digits (e.g. \"en\", \"en-us\", \"es-419\")"
    );
    w.language = s(r"en\-us");
    assert_eq!(w.validate(), Ok(()));
}

#[test]
fn wfn_notation_errors() {
    let cases = [
        ("wfn:[part]", "malformed WFN: expected '=' after \"part\""),
        (
            "part=\"a\"",
            "malformed WFN: expected wfn:[attribute=value,...]",
        ),
        (
            "wfn:[colour=\"red\"]",
            "malformed WFN: unknown attribute \"colour\"",
        ),
        (
            "wfn:[vendor=\"a\",vendor=\"b\"]",
            "malformed WFN: attribute vendor given twice",
        ),
        (
            "wfn:[vendor=\"abc]",
            "malformed WFN: unterminated value for vendor",
        ),
        (
            "wfn:[part=none]",
            "malformed WFN: value of part must be ANY, NA or a quoted string, found \"none\"",
        ),
        (
            "wfn:[version=\"8.0\"]",
            "malformed WFN: version: invalid attribute value: punctuation '.' must be quoted with '\\' in a WFN value",
        ),
    ];
    for (text, msg) in cases {
        assert_eq!(
            Wfn::parse_wfn(text).expect_err(text).to_string(),
            msg,
            "{text}"
        );
    }
    assert_eq!(Wfn::parse_wfn("wfn:[]").expect("empty WFN"), Wfn::default());
    assert_eq!(
        Wfn::parse_wfn(r#"wfn:[ part = "o" , vendor = "linux" ]"#).expect("blanks allowed"),
        Wfn::parse_uri("cpe:/o:linux").expect("valid")
    );
}

// ---------------------------------------------------------------------------------------
// Exact NISTIR 7695 grammar: NA part, quoting in each binding, language tags
// ---------------------------------------------------------------------------------------

/// The punctuation that the formatted-string grammar lets (and requires) a backslash to
/// quote, besides `\`, `*` and `?`: every printable non-alphanumeric ASCII character
/// except `-`, `.` and `_`, which are written as themselves.
const FS_QUOTABLE: &str = r##"!"#$%&'()+,/:;<=>@[]^`{|}~"##;

#[test]
fn na_part_is_valid_in_every_notation() {
    let w = Wfn::parse_fs("cpe:2.3:-:vendor:product:1.0:*:*:*:*:*:*:*").expect("valid");
    assert!(w.part.is_na());
    assert_eq!(w.to_fs(), "cpe:2.3:-:vendor:product:1.0:*:*:*:*:*:*:*");
    assert_eq!(w.to_uri(), "cpe:/-:vendor:product:1.0");
    assert_eq!(Wfn::parse_uri(&w.to_uri()).expect("valid"), w);
    assert_eq!(w.to_wfn_string().split(',').next(), Some("wfn:[part=NA"));
    assert_eq!(Wfn::parse_wfn(&w.to_wfn_string()).expect("valid"), w);
    assert_eq!(w.validate(), Ok(()));
    // NA is still no specific inventory name.
    assert_eq!(
        w.is_specific_inventory_name()
            .expect_err("NA part")
            .to_string(),
        "not a specific inventory name: part is NA; an inventory CPE must give a concrete part, vendor and product"
    );
    // Only a, o, h and the two logical values are parts.
    for bad in ["x", "A?", "ao", r"\-", "--"] {
        let fs = format!("cpe:2.3:{bad}:v:p:*:*:*:*:*:*:*:*");
        assert!(
            matches!(Wfn::parse_fs(&fs), Err(CpeError::BadPart { index: 2, .. })),
            "{fs}"
        );
    }
}

#[test]
fn fs_backslash_may_only_precede_listed_characters() {
    // Accepted: the escape itself, the two wildcard characters and the listed punctuation;
    // each re-binds byte for byte and reads back from the URI binding.
    let mut accepted: Vec<char> = vec!['\\', '*', '?'];
    accepted.extend(FS_QUOTABLE.chars());
    for c in accepted {
        let fs = format!(r"cpe:2.3:a:vendor:pro\{c}duct:*:*:*:*:*:*:*:*");
        let w = Wfn::parse_fs(&fs).unwrap_or_else(|e| panic!("{fs}: {e}"));
        assert_eq!(w.product.unquoted(), Some(format!("pro{c}duct")), "{fs}");
        assert!(!w.product.has_wildcard(), "{fs}");
        assert_eq!(w.to_fs(), fs);
        assert_eq!(Wfn::parse_uri(&w.to_uri()).expect("own URI"), w, "{fs}");
    }
    // Refused: the three characters the grammar writes unquoted, and alphanumerics.
    for (c, reason) in [
        (
            '_',
            r"'\_' is not allowed in a formatted string: write '_' without the backslash",
        ),
        (
            '-',
            r"'\-' is not allowed in a formatted string: write '-' without the backslash",
        ),
        (
            '.',
            r"'\.' is not allowed in a formatted string: write '.' without the backslash",
        ),
        (
            'a',
            r"'\a' quotes an alphanumeric character; only punctuation may be quoted",
        ),
        (
            '7',
            r"'\7' quotes an alphanumeric character; only punctuation may be quoted",
        ),
    ] {
        let fs = format!(r"cpe:2.3:a:vendor:pro\{c}duct:*:*:*:*:*:*:*:*");
        assert_eq!(err(&fs), format!("component 4 (product): {reason}"), "{fs}");
    }
    // Also as a whole value: "\-" is not a way to write a literal hyphen.
    assert_eq!(
        err(r"cpe:2.3:a:v:p:\-:*:*:*:*:*:*:*"),
        r"component 5 (version): '\-' is not allowed in a formatted string: write '-' without the backslash"
    );
}

#[test]
fn fs_unquoted_characters_are_only_the_unreserved_ones() {
    // Letters, digits, '-', '.' and '_' may stand unquoted; '-' and '.' are quoted in the
    // WFN.
    let w = Wfn::parse_fs("cpe:2.3:a:x-ray_corp:a.b-c_d:1.0-rc.2:*:*:*:*:*:*:*").expect("valid");
    assert_eq!(w.vendor, s(r"x\-ray_corp"));
    assert_eq!(w.product, s(r"a\.b\-c_d"));
    assert_eq!(w.version, s(r"1\.0\-rc\.2"));
    // Every other punctuation character must be quoted.
    for c in FS_QUOTABLE.chars().filter(|c| *c != ':') {
        let fs = format!("cpe:2.3:a:vendor:pro{c}duct:*:*:*:*:*:*:*:*");
        assert_eq!(
            err(&fs),
            format!(
                "component 4 (product): punctuation {c:?} must be quoted with '\\' in a formatted string"
            ),
            "{fs}"
        );
    }
}

#[test]
fn uri_quoting_differs_from_the_formatted_string() {
    // In the URI, '-', '.', '_' and '~' are written as themselves; other punctuation is
    // percent-encoded, '~' too when it is data.
    let w = Wfn::parse_uri("cpe:/a:x-ray:a.b_c:1~2").expect("valid");
    assert_eq!(w.vendor, s(r"x\-ray"));
    assert_eq!(w.product, s(r"a\.b_c"));
    assert_eq!(w.version, s(r"1\~2"));
    assert_eq!(w.to_uri(), "cpe:/a:x-ray:a.b_c:1%7e2");
    assert_eq!(w.to_fs(), r"cpe:2.3:a:x-ray:a.b_c:1\~2:*:*:*:*:*:*:*");
    // Percent-encoding '-' or '.' is not in the URI grammar ('_' neither: it is no
    // punctuation).
    assert_eq!(
        err("cpe:/a:x%2dray:p"),
        "component 2 (vendor): bad percent-encoding \"%2d\": '-' is written unencoded in a URI"
    );
    assert_eq!(
        err("cpe:/a:v:p:1%2E0"),
        "component 4 (version): bad percent-encoding \"%2E\": '.' is written unencoded in a URI"
    );
    assert_eq!(
        err("cpe:/a:v:p%5fq"),
        "component 3 (product): bad percent-encoding \"%5f\": only punctuation, %01 ('?') and %02 ('*') may be percent-encoded"
    );
    // Each quotable character: FS `\c` <-> URI `%hh`, both ways.
    for c in FS_QUOTABLE.chars() {
        let hex = format!("%{:02x}", c as u32);
        let fs = format!(r"cpe:2.3:a:v:a\{c}b:*:*:*:*:*:*:*:*");
        let uri = format!("cpe:/a:v:a{hex}b");
        let from_fs = Wfn::parse_fs(&fs).unwrap_or_else(|e| panic!("{fs}: {e}"));
        let from_uri = Wfn::parse_uri(&uri).unwrap_or_else(|e| panic!("{uri}: {e}"));
        assert_eq!(from_fs, from_uri, "{c}");
        assert_eq!(from_fs.to_uri(), uri);
        assert_eq!(from_uri.to_fs(), fs);
    }
    // Encoded wildcards stay literal in both directions.
    let w = Wfn::parse_uri("cpe:/a:v:a%2ab%3f").expect("valid");
    assert_eq!(w.to_fs(), r"cpe:2.3:a:v:a\*b\?:*:*:*:*:*:*:*:*");
    assert!(!w.product.has_wildcard());
}

#[test]
fn language_must_be_a_restricted_rfc_5646_tag() {
    // (formatted-string language, WFN value) for valid tags; case is kept.
    let valid = [
        ("en", "en"),
        ("EN", "EN"),
        ("eng", "eng"),
        ("en-us", r"en\-us"),
        ("en-US", r"en\-US"),
        ("ja-jp", r"ja\-jp"),
        ("es-419", r"es\-419"),
        ("zho-tw", r"zho\-tw"),
    ];
    for (tag, wfn_value) in valid {
        let fs = format!("cpe:2.3:a:v:p:1:*:*:{tag}:*:*:*:*");
        let w = Wfn::parse_fs(&fs).unwrap_or_else(|e| panic!("{fs}: {e}"));
        assert_eq!(w.language, s(wfn_value), "{fs}");
        assert_eq!(w.to_fs(), fs);
        let uri = format!("cpe:/a:v:p:1:::{tag}");
        assert_eq!(w.to_uri(), uri);
        assert_eq!(Wfn::parse_uri(&uri).expect("valid URI"), w);
        assert_eq!(w.validate(), Ok(()));
    }
    // ANY and NA stay allowed.
    assert!(
        Wfn::parse_fs("cpe:2.3:a:v:p:1:*:*:-:*:*:*:*")
            .expect("NA")
            .language
            .is_na()
    );
    assert!(
        Wfn::parse_uri("cpe:/a:v:p:1:::-")
            .expect("NA")
            .language
            .is_na()
    );
    // Malformed: too long or too short a language, wrong separator, wrong region, no
    // language, empty region, wildcards, digits as language.
    let invalid = [
        ("english", "english"),
        ("en_us", "en_us"),
        ("en-usa", "en-usa"),
        ("-us", "-us"),
        ("en-", "en-"),
        ("e", "e"),
        ("en-1", "en-1"),
        ("en-12", "en-12"),
        ("en-1234", "en-1234"),
        ("en-us-x", "en-us-x"),
        ("123", "123"),
        ("en*", "en*"),
        ("?n", "?n"),
        (r"en\!", "en!"),
    ];
    let reason = |shown: &str| {
        format!(
            "{shown:?} is not a valid language tag: expected 2 or 3 letters, optionally '-' and a region of 2 letters or 3 digits (e.g. \"en\", \"en-us\", \"es-419\")"
        )
    };
    for (tag, shown) in invalid {
        let fs = format!("cpe:2.3:a:v:p:1:*:*:{tag}:*:*:*:*");
        assert_eq!(
            err(&fs),
            format!("component 8 (language): {}", reason(shown)),
            "{fs}"
        );
    }
    for (uri_tag, shown) in [
        ("english", "english"),
        ("en-usa", "en-usa"),
        ("-us", "-us"),
        ("en-", "en-"),
        ("en%02", "en*"),
    ] {
        let uri = format!("cpe:/a:v:p:1:::{uri_tag}");
        assert_eq!(
            err(&uri),
            format!("component 7 (language): {}", reason(shown)),
            "{uri}"
        );
    }
    assert_eq!(
        Wfn::parse_wfn(r#"wfn:[language="english"]"#)
            .expect_err("bad tag")
            .to_string(),
        format!(
            "malformed WFN: language: component 0 (language): {}",
            reason("english")
        )
    );
    assert_eq!(
        Wfn::parse_wfn(r#"wfn:[language="en\-us"]"#)
            .expect("valid")
            .language,
        s(r"en\-us")
    );
}
