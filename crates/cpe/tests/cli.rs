//! The `compare` and `convert` line commands, with real NVD names.

use zian_cpe::cli::{MISSING_TAB, run_compare, run_convert};

fn run(f: fn(&[u8], &mut Vec<u8>) -> std::io::Result<()>, input: &str) -> Vec<String> {
    let mut out = Vec::new();
    f(input.as_bytes(), &mut out).expect("in-memory I/O");
    String::from_utf8(out)
        .expect("UTF-8 output")
        .lines()
        .map(str::to_owned)
        .collect()
}

fn compare_cmd(i: &[u8], o: &mut Vec<u8>) -> std::io::Result<()> {
    run_compare(i, o)
}

fn convert_cmd(i: &[u8], o: &mut Vec<u8>) -> std::io::Result<()> {
    run_convert(i, o)
}

#[test]
fn compare_lines() {
    let input = concat!(
        "cpe:2.3:a:openssl:openssl:*:*:*:*:*:*:*:*\tcpe:2.3:a:openssl:openssl:1.0.1f:*:*:*:*:*:*:*\n",
        "\n",
        "cpe:2.3:o:microsoft:windows_7:-:sp1:*:*:*:*:*:*\tcpe:2.3:o:microsoft:windows_7:-:sp1:*:*:*:*:x64:*\r\n",
        "cpe:2.3:a:cisco:firewall_services_module_software:3.2\\(10\\):*:*:*:*:*:*:*\tcpe:2.3:a:cisco:firewall_services_module_software:3.2\\(10\\):*:*:*:*:*:*:*\n",
        "cpe:2.3:a:openssl:openssl:1.0.1f:*:*:*:*:*:*:*\tcpe:2.3:a:openssl:openssl:*:*:*:*:*:*:*:*\n",
        "cpe:2.3:h:cisco:asa_5505:-:*:*:*:*:*:*:*\tcpe:2.3:o:cisco:adaptive_security_appliance_software:7.0\\(1\\):*:*:*:*:*:*:*\n",
        "   \n",
        "cpe:2.3:a:joomla:joomla\\!:*:*:*:*:*:*:*:*\n",
        "cpe:2.3:a:vendor:product:1.?0:*:*:*:*:*:*:*\tcpe:2.3:a:vendor:product:1.0:*:*:*:*:*:*:*\n",
        "cpe:2.3:a:vendor:product:1.0:*:*:*:*:*:*:*\tcpe:2.3:a:vendor:product\n",
    );
    let got = run(compare_cmd, input);
    let expected = [
        r#"{"source":"cpe:2.3:a:openssl:openssl:*:*:*:*:*:*:*:*","target":"cpe:2.3:a:openssl:openssl:1.0.1f:*:*:*:*:*:*:*","disjoint":false,"equal":false,"subset":false,"superset":true}"#.to_owned(),
        r#"{"source":"cpe:2.3:o:microsoft:windows_7:-:sp1:*:*:*:*:*:*","target":"cpe:2.3:o:microsoft:windows_7:-:sp1:*:*:*:*:x64:*","disjoint":false,"equal":false,"subset":false,"superset":true}"#.to_owned(),
        r#"{"source":"cpe:2.3:a:cisco:firewall_services_module_software:3.2\\(10\\):*:*:*:*:*:*:*","target":"cpe:2.3:a:cisco:firewall_services_module_software:3.2\\(10\\):*:*:*:*:*:*:*","disjoint":false,"equal":true,"subset":true,"superset":true}"#.to_owned(),
        r#"{"source":"cpe:2.3:a:openssl:openssl:1.0.1f:*:*:*:*:*:*:*","target":"cpe:2.3:a:openssl:openssl:*:*:*:*:*:*:*:*","disjoint":false,"equal":false,"subset":true,"superset":false}"#.to_owned(),
        r#"{"source":"cpe:2.3:h:cisco:asa_5505:-:*:*:*:*:*:*:*","target":"cpe:2.3:o:cisco:adaptive_security_appliance_software:7.0\\(1\\):*:*:*:*:*:*:*","disjoint":true,"equal":false,"subset":false,"superset":false}"#.to_owned(),
        format!(r#"{{"source":"cpe:2.3:a:joomla:joomla\\!:*:*:*:*:*:*:*:*","target":null,"error":"{MISSING_TAB}"}}"#),
        r#"{"source":"cpe:2.3:a:vendor:product:1.?0:*:*:*:*:*:*:*","target":"cpe:2.3:a:vendor:product:1.0:*:*:*:*:*:*:*","error":"component 5 (version): unquoted '?' in the middle of a value"}"#.to_owned(),
        r#"{"source":"cpe:2.3:a:vendor:product:1.0:*:*:*:*:*:*:*","target":"cpe:2.3:a:vendor:product","error":"formatted string has 5 colon-separated components, expected 13 (\"cpe\", \"2.3\" and 11 attributes)"}"#.to_owned(),
    ];
    assert_eq!(got, expected);
}

#[test]
fn convert_lines() {
    let input = concat!(
        "cpe:2.3:a:2glux:com_sexypolling:0.9.1:-:-:*:-:joomla\\!:*:*\n",
        "cpe:/a:hp:insight_diagnostics:7.4.0.1570::~~online~win2003~x64~\n",
        "\n",
        "cpe:2.3:a:openssl:openssl:1.0.1f:*:*:*:*:*:*\n",
        "cpe:/a:foo:bar:12.%02.1234\n",
    );
    let got = run(convert_cmd, input);
    let expected = [
        r#"{"input":"cpe:2.3:a:2glux:com_sexypolling:0.9.1:-:-:*:-:joomla\\!:*:*","wfn":{"part":"a","vendor":"2glux","product":"com_sexypolling","version":"0\\.9\\.1","update":"NA","edition":"NA","language":"ANY","sw_edition":"NA","target_sw":"joomla\\!","target_hw":"ANY","other":"ANY"},"fs":"cpe:2.3:a:2glux:com_sexypolling:0.9.1:-:-:*:-:joomla\\!:*:*","uri":"cpe:/a:2glux:com_sexypolling:0.9.1:-:~-~-~joomla%21~~"}"#,
        r#"{"input":"cpe:/a:hp:insight_diagnostics:7.4.0.1570::~~online~win2003~x64~","wfn":{"part":"a","vendor":"hp","product":"insight_diagnostics","version":"7\\.4\\.0\\.1570","update":"ANY","edition":"ANY","language":"ANY","sw_edition":"online","target_sw":"win2003","target_hw":"x64","other":"ANY"},"fs":"cpe:2.3:a:hp:insight_diagnostics:7.4.0.1570:*:*:*:online:win2003:x64:*","uri":"cpe:/a:hp:insight_diagnostics:7.4.0.1570::~~online~win2003~x64~"}"#,
        r#"{"input":"cpe:2.3:a:openssl:openssl:1.0.1f:*:*:*:*:*:*","error":"formatted string has 12 colon-separated components, expected 13 (\"cpe\", \"2.3\" and 11 attributes)"}"#,
        r#"{"input":"cpe:/a:foo:bar:12.%02.1234","error":"component 4 (version): unquoted '*' in the middle of a value"}"#,
    ];
    assert_eq!(got, expected);
}

/// A target with wildcards leaves the NISTIR 7696 relation undefined: the four relations
/// are false and the line says so with `"undefined":true` (absent otherwise).
#[test]
fn compare_marks_undefined_relations() {
    let input = concat!(
        "cpe:2.3:a:openssl:openssl:1.0.1f:*:*:*:*:*:*:*\tcpe:2.3:a:openssl:openssl:1.0.*:*:*:*:*:*:*:*\n",
        "cpe:2.3:a:openssl:openssl:*:-:*:*:*:*:*:*\tcpe:2.3:a:openssl:openssl:1.0.1f:*:*:*:*:*:*:*\n",
        "cpe:2.3:-:openssl:openssl:*:*:*:*:*:*:*:*\tcpe:2.3:a:openssl:openssl:1.0.1f:*:*:*:*:*:*:*\n",
    );
    let got = run(compare_cmd, input);
    let expected = [
        r#"{"source":"cpe:2.3:a:openssl:openssl:1.0.1f:*:*:*:*:*:*:*","target":"cpe:2.3:a:openssl:openssl:1.0.*:*:*:*:*:*:*:*","disjoint":false,"equal":false,"subset":false,"superset":false,"undefined":true}"#,
        r#"{"source":"cpe:2.3:a:openssl:openssl:*:-:*:*:*:*:*:*","target":"cpe:2.3:a:openssl:openssl:1.0.1f:*:*:*:*:*:*:*","disjoint":false,"equal":false,"subset":false,"superset":false}"#,
        r#"{"source":"cpe:2.3:-:openssl:openssl:*:*:*:*:*:*:*:*","target":"cpe:2.3:a:openssl:openssl:1.0.1f:*:*:*:*:*:*:*","disjoint":true,"equal":false,"subset":false,"superset":false}"#,
    ];
    assert_eq!(got, expected);
}
