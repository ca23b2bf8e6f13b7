//! One test per hard case of nvd-sample/MANIFEST.json: expected findings for
//! a small inventory, positive and negative.

mod common;

use common::{hits, inventory, nvd_store, scan, set};
use zian_vuln::Certainty;
use zian_vuln::Origin;

const TOMCAT_NA: &str = "cpe:2.3:a:apache:tomcat:-:*:*:*:*:*:*:*";
const RHEL7: &str = "cpe:2.3:o:redhat:enterprise_linux_server:7.0:*:*:*:*:*:*:*";

#[test]
fn and_config_running_on_rhel_cve_2016_5425() {
    let store = nvd_store(&["CVE-2016-5425"]);
    let inv = inventory(&[
        ("rhel-tomcat", &[TOMCAT_NA, RHEL7]),
        ("tomcat-only", &[TOMCAT_NA]),
        (
            "tomcat-upstream",
            &["cpe:2.3:a:apache:tomcat:8.0.1:*:*:*:*:*:*:*", RHEL7],
        ),
        ("rhel-only", &[RHEL7]),
    ]);
    let f = scan(&store, &inv);
    // Only the RHEL-packaged tomcat (version NA) on RHEL 7: grype#1349 reported every tomcat.
    assert_eq!(
        hits(&f, "CVE-2016-5425"),
        set(&[("rhel-tomcat", TOMCAT_NA)])
    );
    let ev = &f[0].evidence;
    assert_eq!(ev.criteria, TOMCAT_NA);
    assert_eq!(ev.platforms.len(), 1);
    assert_eq!(ev.platforms[0].asset, RHEL7);
    assert_eq!(ev.platforms[0].criteria, RHEL7);
    assert_eq!(f[0].source, Origin::Nvd);
    assert_eq!(f[0].score, Some(7.8));
    assert_eq!(f[0].severity.as_deref(), Some("HIGH"));
    assert_eq!(ev.score_source.as_deref(), Some("nvd@nist.gov Primary"));
}

#[test]
fn adobe_reader_running_on_windows_cve_2010_2883() {
    let store = nvd_store(&["CVE-2010-2883"]);
    let reader_934 = "cpe:2.3:a:adobe:acrobat_reader:9.3.4:*:*:*:*:*:*:*";
    let reader_94 = "cpe:2.3:a:adobe:acrobat_reader:9.4:*:*:*:*:*:*:*";
    let win = "cpe:2.3:o:microsoft:windows:-:*:*:*:*:*:*:*";
    let inv = inventory(&[
        ("pc1", &[reader_934, win]),
        ("pc2", &[reader_94, win]),
        ("nos", &[reader_934]),
    ]);
    let f = scan(&store, &inv);
    assert_eq!(hits(&f, "CVE-2010-2883"), set(&[("pc1", reader_934)]));
    let ev = &f[0].evidence;
    assert_eq!(ev.range.as_deref(), Some("<=9.3.4"));
    assert_eq!(ev.platforms[0].asset, win);
    assert!(f[0].kev, "CVE-2010-2883 carries cisaExploitAdd");
}

#[test]
fn eternalblue_platforms_target_hw_and_hardware_cve_2017_0144() {
    let store = nvd_store(&["CVE-2017-0144"]);
    let smb = "cpe:2.3:a:microsoft:server_message_block:1.0:*:*:*:*:*:*:*";
    let w7sp1 = "cpe:2.3:o:microsoft:windows_7:-:sp1:*:*:*:*:*:*";
    let w10_x86 = "cpe:2.3:o:microsoft:windows_10_1507:-:*:*:*:*:*:x86:*";
    let w10_arm = "cpe:2.3:o:microsoft:windows_10_1507:-:*:*:*:*:*:arm64:*";
    let fw_40d = "cpe:2.3:o:siemens:acuson_sc2000_firmware:4.0d:*:*:*:*:*:*:*";
    let fw_40e = "cpe:2.3:o:siemens:acuson_sc2000_firmware:4.0e:*:*:*:*:*:*:*";
    let hw = "cpe:2.3:h:siemens:acuson_sc2000:-:*:*:*:*:*:*:*";
    let inv = inventory(&[
        ("w7", &[smb, w7sp1]),
        ("w10", &[smb, w10_x86]),
        ("w10arm", &[smb, w10_arm]),
        ("smb-alone", &[smb]),
        ("us1", &[fw_40d, hw]),
        ("us2", &[fw_40e, hw]),
        ("us3", &[fw_40d]),
    ]);
    let f = scan(&store, &inv);
    assert_eq!(
        hits(&f, "CVE-2017-0144"),
        set(&[("w7", smb), ("w10", smb), ("us1", fw_40d)])
    );
    let us1 = f.iter().find(|x| x.host == "us1").expect("us1 finding");
    assert_eq!(us1.evidence.range.as_deref(), Some(">=4.0 <4.0e"));
    assert_eq!(us1.evidence.platforms[0].asset, hw);
}

#[test]
fn application_platform_and_target_sw_cve_2024_10443() {
    let store = nvd_store(&["CVE-2024-10443"]);
    let photos_old = "cpe:2.3:a:synology:photos:1.6.1-0712:*:*:*:*:diskstation_manager:*:*";
    let photos_162 = "cpe:2.3:a:synology:photos:1.6.2-0720:*:*:*:*:diskstation_manager:*:*";
    let dsm72 = "cpe:2.3:a:synology:diskstation_manager:7.2:*:*:*:*:*:*:*";
    let dsm722 = "cpe:2.3:a:synology:diskstation_manager:7.2.2:*:*:*:*:*:*:*";
    let photos_other_sw = "cpe:2.3:a:synology:photos:1.6.1-0712:*:*:*:*:beestation_os:*:*";
    let inv = inventory(&[
        ("nas1", &[photos_old, dsm72]),
        ("nas2", &[photos_162, dsm72]),
        ("nas3", &[photos_162, dsm722]),
        ("nas4", &[photos_old]),
        ("nas5", &[photos_other_sw, dsm72]),
    ]);
    let f = scan(&store, &inv);
    assert_eq!(
        hits(&f, "CVE-2024-10443"),
        set(&[("nas1", photos_old), ("nas3", photos_162)])
    );
}

#[test]
fn windows_build_ranges_and_target_hw_cve_2025_29824() {
    let store = nvd_store(&["CVE-2025-29824"]);
    let in_range = "cpe:2.3:o:microsoft:windows_10_22h2:10.0.19045.5736:*:*:*:*:*:x64:*";
    let fixed = "cpe:2.3:o:microsoft:windows_10_22h2:10.0.19045.5737:*:*:*:*:*:x64:*";
    let arm_1507 = "cpe:2.3:o:microsoft:windows_10_1507:10.0.10240.1:*:*:*:*:*:arm64:*";
    let x86_1507 = "cpe:2.3:o:microsoft:windows_10_1507:10.0.10240.1:*:*:*:*:*:x86:*";
    let no_version = "cpe:2.3:o:microsoft:windows_10_22h2:*:*:*:*:*:*:x64:*";
    let inv = inventory(&[
        ("a", &[in_range]),
        ("b", &[fixed]),
        ("c", &[arm_1507]),
        ("d", &[x86_1507]),
        ("e", &[no_version]),
    ]);
    let f = scan(&store, &inv);
    // arm64 is not listed for 1507 (wrong target_hw). Version ANY falls in a
    // range only as a possible finding (issue 10; it used to be dropped).
    assert_eq!(
        hits(&f, "CVE-2025-29824"),
        set(&[("a", in_range), ("d", x86_1507), ("e", no_version)])
    );
    for x in &f {
        let expect = if x.host == "e" {
            Certainty::Possible
        } else {
            Certainty::Confirmed
        };
        assert_eq!(x.certainty, expect, "{x:?}");
    }
    let e = f.iter().find(|x| x.host == "e").expect("possible finding");
    assert_eq!(e.undecided.len(), 1, "{:?}", e.undecided);
    assert_eq!(e.undecided[0].attribute, "version");
    assert!(
        e.undecided[0].criterion_value.starts_with('<'),
        "{:?}",
        e.undecided
    );
    let a = f.iter().find(|x| x.host == "a").expect("finding");
    assert_eq!(a.evidence.range.as_deref(), Some("<10.0.19045.5737"));
    assert_eq!(a.evidence.status.as_deref(), Some("Undergoing Analysis"));
}

#[test]
fn hotfix_update_components_cve_2024_3400() {
    let store = nvd_store(&["CVE-2024-3400"]);
    let h1 = "cpe:2.3:o:paloaltonetworks:pan-os:10.2.0:h1:*:*:*:*:*:*";
    let base = "cpe:2.3:o:paloaltonetworks:pan-os:10.2.9:-:*:*:*:*:*:*";
    let fixed = "cpe:2.3:o:paloaltonetworks:pan-os:10.2.9:h1:*:*:*:*:*:*";
    let h3 = "cpe:2.3:o:paloaltonetworks:pan-os:11.1.2:h3:*:*:*:*:*:*";
    let inv = inventory(&[
        ("fw1", &[h1]),
        ("fw2", &[base]),
        ("fw3", &[fixed]),
        ("fw4", &[h3]),
    ]);
    let f = scan(&store, &inv);
    assert_eq!(
        hits(&f, "CVE-2024-3400"),
        set(&[("fw1", h1), ("fw2", base)])
    );
}

#[test]
fn ranges_plus_exact_hotfixes_cve_2024_0012() {
    let store = nvd_store(&["CVE-2024-0012"]);
    let in_range = "cpe:2.3:o:paloaltonetworks:pan-os:10.2.11:h3:*:*:*:*:*:*";
    let exact = "cpe:2.3:o:paloaltonetworks:pan-os:10.2.12:h1:*:*:*:*:*:*";
    let fixed = "cpe:2.3:o:paloaltonetworks:pan-os:10.2.12:h2:*:*:*:*:*:*";
    let older = "cpe:2.3:o:paloaltonetworks:pan-os:10.1.14:*:*:*:*:*:*:*";
    let inv = inventory(&[
        ("a", &[in_range]),
        ("b", &[exact]),
        ("c", &[fixed]),
        ("d", &[older]),
    ]);
    let f = scan(&store, &inv);
    assert_eq!(
        hits(&f, "CVE-2024-0012"),
        set(&[("a", in_range), ("b", exact)])
    );
    // NVD Primary v3.1 (9.8) beats the CNA's v4.0 (9.3).
    let a = f.iter().find(|x| x.host == "a").expect("finding");
    assert_eq!(a.score, Some(9.8));
    assert_eq!(a.evidence.cvss_version, Some("3.1"));
    assert_eq!(a.evidence.range.as_deref(), Some(">=10.2.0 <10.2.12"));
    assert!(a.kev);
}

#[test]
fn letter_versions_and_start_excluding_cve_2009_1378() {
    let store = nvd_store(&["CVE-2009-1378"]);
    let l = "cpe:2.3:a:openssl:openssl:0.9.8l:*:*:*:*:*:*:*";
    let m = "cpe:2.3:a:openssl:openssl:0.9.8m:*:*:*:*:*:*:*";
    let start = "cpe:2.3:a:openssl:openssl:0.9.8:*:*:*:*:*:*:*";
    let ubuntu = "cpe:2.3:o:canonical:ubuntu_linux:8.10:*:*:*:*:*:*:*";
    let inv = inventory(&[("a", &[l]), ("b", &[m]), ("c", &[start]), ("d", &[ubuntu])]);
    let f = scan(&store, &inv);
    assert_eq!(hits(&f, "CVE-2009-1378"), set(&[("a", l), ("d", ubuntu)]));
    // CVSS v2 only.
    assert_eq!(f[0].evidence.cvss_version, Some("2.0"));
}

#[test]
fn r_releases_in_update_cve_2025_0282() {
    let store = nvd_store(&["CVE-2025-0282"]);
    let r23 = "cpe:2.3:a:ivanti:connect_secure:22.7:r2.3:*:*:*:*:*:*";
    let r25 = "cpe:2.3:a:ivanti:connect_secure:22.7:r2.5:*:*:*:*:*:*";
    let inv = inventory(&[("vpn1", &[r23]), ("vpn2", &[r25])]);
    let f = scan(&store, &inv);
    assert_eq!(hits(&f, "CVE-2025-0282"), set(&[("vpn1", r23)]));
}

#[test]
fn wordpress_target_sw_cve_2024_27956() {
    let store = nvd_store(&["CVE-2024-27956"]);
    let ok = "cpe:2.3:a:valvepress:automatic:3.92.0:*:*:*:*:wordpress:*:*";
    let unstated = "cpe:2.3:a:valvepress:automatic:3.90:*:*:*:*:*:*:*";
    let fixed = "cpe:2.3:a:valvepress:automatic:3.92.1:*:*:*:*:wordpress:*:*";
    let joomla = "cpe:2.3:a:valvepress:automatic:3.92.0:*:*:*:*:joomla:*:*";
    let inv = inventory(&[
        ("w1", &[ok]),
        ("w2", &[unstated]),
        ("w3", &[fixed]),
        ("w4", &[joomla]),
    ]);
    let f = scan(&store, &inv);
    assert_eq!(
        hits(&f, "CVE-2024-27956"),
        set(&[("w1", ok), ("w2", unstated)])
    );
}

#[test]
fn rejected_records_never_match() {
    let mut store = nvd_store(&["CVE-2013-4186", "CVE-2024-27956"]);
    let e = store.get("CVE-2013-4186").expect("stored");
    assert!(e.is_rejected(), "rejected record is recorded as rejected");
    let ok = "cpe:2.3:a:valvepress:automatic:3.92.0:*:*:*:*:wordpress:*:*";
    let inv = inventory(&[("w1", &[ok])]);
    assert_eq!(hits(&scan(&store, &inv), "CVE-2024-27956").len(), 1);
    // A newer version of the same record, now rejected, replaces it and stops matching.
    let text = std::fs::read_to_string(common::fixture("nvd-sample/CVE-2024-27956.json"))
        .expect("fixture");
    let mut v: serde_json::Value = serde_json::from_str(&text).expect("json");
    v["vulnStatus"] = "Rejected".into();
    v["lastModified"] = "2099-01-01T00:00:00.000".into();
    let mut report = zian_vuln::FeedReport::new("t", zian_vuln::FeedKind::Nvd);
    zian_vuln::feeds::import_nvd_slice(v.to_string().as_bytes(), &mut store, &mut report);
    assert_eq!((report.replaced, report.rejected), (1, 1), "{report}");
    assert!(hits(&scan(&store, &inv), "CVE-2024-27956").is_empty());
}

#[test]
fn nested_and_node_with_hardware_cve_2016_4822() {
    let store = nvd_store(&["CVE-2016-4822"]);
    let fw = "cpe:2.3:o:corega:cg-wlbargnl_firmware:-:*:*:*:*:*:*:*";
    let hw = "cpe:2.3:h:corega:cg-wlbargnl:-:*:*:*:*:*:*:*";
    let inv = inventory(&[("r1", &[fw, hw]), ("r2", &[fw]), ("r3", &[hw])]);
    let f = scan(&store, &inv);
    assert_eq!(hits(&f, "CVE-2016-4822"), set(&[("r1", fw)]));
}

#[test]
fn and_node_single_entry_cve_2015_8875() {
    let store = nvd_store(&["CVE-2015-8875"]);
    let deb = "cpe:2.3:o:debian:debian_linux:8.0:*:*:*:*:*:*:*";
    let pix = "cpe:2.3:a:gnome:gdk-pixbuf:2.33:*:*:*:*:*:*:*";
    let pix_new = "cpe:2.3:a:gnome:gdk-pixbuf:2.34:*:*:*:*:*:*:*";
    let inv = inventory(&[("a", &[deb]), ("b", &[pix]), ("c", &[pix_new])]);
    let f = scan(&store, &inv);
    assert_eq!(hits(&f, "CVE-2015-8875"), set(&[("a", deb), ("b", pix)]));
}

#[test]
fn sw_edition_fips_cve_2025_5777() {
    let store = nvd_store(&["CVE-2025-5777"]);
    let fips =
        "cpe:2.3:a:citrix:netscaler_application_delivery_controller:13.1-37.234:*:*:*:fips:*:*:*";
    let fips_fixed =
        "cpe:2.3:a:citrix:netscaler_application_delivery_controller:13.1-37.235:*:*:*:fips:*:*:*";
    let std_old =
        "cpe:2.3:a:citrix:netscaler_application_delivery_controller:13.1-58.31:*:*:*:-:*:*:*";
    let std_fixed =
        "cpe:2.3:a:citrix:netscaler_application_delivery_controller:13.1-58.32:*:*:*:-:*:*:*";
    let inv = inventory(&[
        ("a", &[fips]),
        ("b", &[fips_fixed]),
        ("c", &[std_old]),
        ("d", &[std_fixed]),
    ]);
    let f = scan(&store, &inv);
    assert_eq!(
        hits(&f, "CVE-2025-5777"),
        set(&[("a", fips), ("c", std_old)])
    );
    // NVD Primary v3.1 7.5 is preferred over the CNA's v4.0 9.3.
    assert_eq!(f[0].score, Some(7.5));
    assert!(f[0].kev);
}

#[test]
fn service_pack_update_and_target_hw_cve_2015_1635() {
    let store = nvd_store(&["CVE-2015-1635"]);
    let w7sp1 = "cpe:2.3:o:microsoft:windows_7:-:sp1:*:*:*:*:*:*";
    let w7rtm = "cpe:2.3:o:microsoft:windows_7:-:-:*:*:*:*:*:*";
    let srv_x64 = "cpe:2.3:o:microsoft:windows_server_2008:r2:sp1:*:*:*:*:x64:*";
    let srv_x86 = "cpe:2.3:o:microsoft:windows_server_2008:r2:sp1:*:*:*:*:x86:*";
    let inv = inventory(&[
        ("a", &[w7sp1]),
        ("b", &[w7rtm]),
        ("c", &[srv_x64]),
        ("d", &[srv_x86]),
    ]);
    let f = scan(&store, &inv);
    assert_eq!(
        hits(&f, "CVE-2015-1635"),
        set(&[("a", w7sp1), ("c", srv_x64)])
    );
}

#[test]
fn fortios_and_fortiproxy_ranges_cve_2024_21762() {
    let store = nvd_store(&["CVE-2024-21762"]);
    let os_in = "cpe:2.3:o:fortinet:fortios:7.2.6:*:*:*:*:*:*:*";
    let os_out = "cpe:2.3:o:fortinet:fortios:7.2.7:*:*:*:*:*:*:*";
    let proxy = "cpe:2.3:a:fortinet:fortiproxy:7.4.2:*:*:*:*:*:*:*";
    let wrong_part = "cpe:2.3:a:fortinet:fortios:7.2.6:*:*:*:*:*:*:*";
    let any = "cpe:2.3:o:fortinet:fortios:*:*:*:*:*:*:*:*";
    let na = "cpe:2.3:o:fortinet:fortios:-:*:*:*:*:*:*:*";
    let inv = inventory(&[
        ("a", &[os_in]),
        ("b", &[os_out]),
        ("c", &[proxy]),
        ("d", &[wrong_part]),
        ("e", &[any]),
        ("f", &[na]),
    ]);
    let f = scan(&store, &inv);
    // Version ANY (`e`) is possible (issue 10); NA (`f`) never falls in a range.
    assert_eq!(
        hits(&f, "CVE-2024-21762"),
        set(&[("a", os_in), ("c", proxy), ("e", any)])
    );
    for x in &f {
        let expect = if x.host == "e" {
            Certainty::Possible
        } else {
            Certainty::Confirmed
        };
        assert_eq!(x.certainty, expect, "{x:?}");
    }
}

#[test]
fn qnap_build_update_cve_2025_52429() {
    let store = nvd_store(&["CVE-2025-52429"]);
    let listed = "cpe:2.3:o:qnap:qts:5.2.4.3079:build_20250321:*:*:*:*:*:*";
    let other_build = "cpe:2.3:o:qnap:qts:5.2.4.3079:build_20250322:*:*:*:*:*:*";
    let hero = "cpe:2.3:o:qnap:quts_hero:h5.2.0.2782:build_20240601:*:*:*:*:*:*";
    let inv = inventory(&[("a", &[listed]), ("b", &[other_build]), ("c", &[hero])]);
    let f = scan(&store, &inv);
    assert_eq!(
        hits(&f, "CVE-2025-52429"),
        set(&[("a", listed), ("c", hero)])
    );
}

#[test]
fn wildcard_vendor_or_product_inventory_names_are_rejected() {
    use zian_vuln::Asset;
    assert!(Asset::from_cpe("cpe:2.3:a:*:tomcat:9.0.0:*:*:*:*:*:*:*").is_err());
    assert!(Asset::from_cpe("cpe:2.3:a:apache:*:9.0.0:*:*:*:*:*:*:*").is_err());
    assert!(Asset::from_cpe("cpe:2.3:a:apa*:tomcat:9.0.0:*:*:*:*:*:*:*").is_err());
    assert!(Asset::from_cpe("cpe:2.3:*:apache:tomcat:9.0.0:*:*:*:*:*:*:*").is_err());
    assert!(Asset::from_cpe("cpe:2.3:a:apache:tomcat:9.0.0:*:*:*:*:*:*:*").is_ok());
}

#[test]
fn every_sample_record_imports_and_all_indexes_agree() {
    let mut store = zian_vuln::VulnStore::new();
    let r = zian_vuln::import_path(&common::fixture("nvd-sample"), &mut store).expect("dir");
    assert_eq!(r.read, 106, "{r}");
    assert_eq!(r.skipped, 0, "{r}");
    assert_eq!(store.len(), 106);
    // An inventory made of every vulnerable criterion with a concrete version.
    let mut inv = zian_vuln::Inventory::new();
    let mut n = 0;
    for (_, c) in store.criteria.iter() {
        if let Some(w) = &c.wfn
            && !c.has_range()
            && matches!(w.version, zian_cpe::Value::Str(_))
            && zian_vuln::Asset::from_cpe(&c.fs).is_ok()
        {
            inv.add_cpe(&format!("h{}", n % 40), &c.fs).expect("asset");
            n += 1;
        }
    }
    assert!(n > 500);
    let f = scan(&store, &inv);
    assert!(!f.is_empty());
}
