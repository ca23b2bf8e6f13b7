//! Fuzz the consoles' export readers: arbitrary UTF-8 read as devices and
//! alerts, CSV and JSON. Must never panic; every row kept is within the
//! readers' limits (a host name of at most 253 characters, a closed
//! alert's closing time not before its raising) and every row set aside
//! names a field; matching the rows to a small register and counting the
//! coverage never panics either, and never counts more than the register.
#![no_main]

use libfuzzer_sys::fuzz_target;
use zian_domain::coverage::{self, AlertStatus, RegisterDevice};

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    let register = [RegisterDevice {
        asset_id: "a".into(),
        name: "pc01".into(),
        hostname: "pc01".into(),
        ips: vec!["10.0.0.1".parse().expect("ip")],
    }];
    for r in [coverage::read_devices_csv(s), coverage::read_devices_json(s)] {
        for d in &r.rows {
            assert!(d.hostname.chars().count() <= coverage::HOSTNAME_MAX, "{d:?}");
            assert!(!d.hostname.is_empty() || !d.ip.is_empty(), "{d:?}");
        }
        assert!(r.skipped.iter().all(|x| !x.field.is_empty()));
        let m = coverage::match_devices(&register, &r.rows);
        let today = zian_domain::day::parse("today", "2026-11-21").expect("date");
        let c = coverage::coverage(&m, today, coverage::EDR_STALE_DAYS);
        assert!(c.devices == 1 && c.edr + c.edr_stale <= 1 && c.av <= 1, "{c:?}");
    }
    for r in [coverage::read_alerts_csv(s), coverage::read_alerts_json(s)] {
        for a in &r.rows {
            if let (AlertStatus::Closed, Some(c)) = (a.status, a.closed_at) {
                assert!(c >= a.at, "{a:?}");
            }
        }
        let _ = coverage::alert_metrics(&r.rows, i64::MIN, i64::MAX);
    }
});
