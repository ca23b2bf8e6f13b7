//! Endpoint coverage on every backend: the police bureau's EDR console
//! export previewed (a bad address set aside with its row and field,
//! nothing kept) and committed; the register's coverage with a stale agent,
//! a device on two networks, each device's gaps and a PC the register
//! misses; a second console (anti-virus, JSON) merged; the EDR console's
//! newer export replacing its older one; the SOC's alerts imported twice
//! and counted once with the mean time to respond; the county's view of its
//! agencies with the B-level indicators, which lapse after 31 days without
//! an export; the L1–L5 key results bound to EDR coverage and the SOC's
//! response time; refusals by field, and nothing reached from another
//! bureau.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use zian_testkit::backend_tests;

fn field(r: &zian_testkit::Resp) -> Option<String> {
    r.json()["error"]["field"].as_str().map(str::to_string)
}

fn gaps(v: &Value, name: &str) -> Vec<String> {
    v["devices"]
        .as_array()
        .expect("devices")
        .iter()
        .find(|d| d["name"] == json!(name))
        .map(|d| {
            d["gaps"]
                .as_array()
                .expect("gaps")
                .iter()
                .filter_map(|g| g.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

backend_tests! {
    async fn consoles_exports_give_the_registers_coverage_and_the_socs_figures(backend: Backend) {
        let env = zian_testkit::TestEnv::demo(backend).await;
        let officer = env.token_for("officer.police").await;
        let pol = env.org("PIF-POL").await;
        let base = format!("/api/v1/orgs/{pol}/coverage");
        let import = format!("{base}/import");
        let v = env.api(Method::GET, &base, &officer, None).await.json();
        let devices = v["coverage"]["devices"].as_u64().expect("devices");
        assert!(devices >= 5, "the register's hosts: {v}");
        assert_eq!((v["coverage"]["edr"].as_u64(), v["sources"].as_array().map(Vec::len)), (Some(0), Some(0)));

        // refusals by field
        let csv = "主機名稱,IP位址,EDR,最後連線,防毒,GCB,VANS,雙網卡\n\
                   pol-app-01,10.20.1.15,是,2026-11-20,是,否,是,否\n\
                   POL-DB-01.police.gov.tw,,V,115/11/11,有,是,是,否\n\
                   pol-pc-cib-01,10.20.300.1,是,2026-11-21,是,是,是,否\n\
                   pol-pc-cib-01,,yes,2026-11-21,yes,yes,yes,yes\n\
                   pol-pc-tmp-03,10.20.5.33,是,2026-11-21,是,否,否,否\n";
        let body = |dataset: &str, format: &str, source: &str, content: &str, commit: bool| json!({"dataset": dataset, "format": format, "source": source, "content": content, "commit": commit});
        for (b, want) in [
            (body("printers", "csv", "EDR", csv, false), "dataset"),
            (body("devices", "xml", "EDR", csv, false), "format"),
            (body("devices", "csv", " ", csv, false), "source"),
            (body("devices", "csv", "EDR", "名稱,備註\nx,y\n", false), "content"),
        ] {
            let r = env.api(Method::POST, &import, &officer, Some(b)).await;
            assert_eq!((r.status, field(&r).as_deref()), (StatusCode::UNPROCESSABLE_ENTITY, Some(want)), "{}", r.text());
        }
        // another bureau and a committee member
        let health = env.token_for("officer.health").await;
        assert_eq!(env.api(Method::GET, &base, &health, None).await.status, StatusCode::NOT_FOUND);
        assert_eq!(env.api(Method::POST, &import, &health, Some(body("devices", "csv", "EDR", csv, true))).await.status, StatusCode::NOT_FOUND);
        assert_eq!(env.api(Method::POST, &import, &env.token_for("committee.police").await, Some(body("devices", "csv", "EDR", csv, true))).await.status, StatusCode::FORBIDDEN);

        // a preview keeps nothing
        let r = env.api(Method::POST, &import, &officer, Some(body("devices", "csv", "EDR 主控台", csv, false))).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let p = r.json();
        assert_eq!((p["rows"].as_u64(), p["unregistered"].as_u64(), p["matched"].as_u64(), p["committed"].as_bool()), (Some(4), Some(1), Some(3), Some(false)), "{p}");
        assert_eq!((p["skipped"][0]["row"].as_u64(), p["skipped"][0]["field"].as_str()), (Some(3), Some("ip")), "{p}");
        assert!(p["skipped"][0]["reason"].as_str().is_some_and(|s| s.contains("10.20.300.1")), "{p}");
        assert_eq!(env.api(Method::GET, &base, &officer, None).await.json()["sources"], json!([]));

        // committed: a live agent, a stale one (ten days), two networks, a PC the register misses
        let r = env.api(Method::POST, &import, &officer, Some(body("devices", "csv", "EDR 主控台", csv, true))).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let v = env.api(Method::GET, &base, &officer, None).await.json();
        let c = &v["coverage"];
        assert_eq!((c["edr"].as_u64(), c["edr_stale"].as_u64(), c["dual_nic"].as_u64(), c["unregistered"].as_u64(), c["vans"].as_u64()), (Some(2), Some(1), Some(1), Some(1), Some(3)), "{v}");
        assert_eq!(c["edr_percent"].as_f64(), Some(200.0 / devices as f64), "{c}");
        assert_eq!(gaps(&v, "刑案資訊系統應用伺服器"), vec!["gcb"], "{v}");
        assert!(gaps(&v, "刑案資料庫伺服器").contains(&"edr_stale".to_string()) || v["devices"].as_array().expect("devices").iter().any(|d| d["gaps"].as_array().is_some_and(|g| g.contains(&json!("edr_stale")))), "{v}");
        assert_eq!(v["unregistered"][0]["hostname"], json!("pol-pc-tmp-03"));
        assert_eq!(v["sources"][0]["source"], json!("EDR 主控台"));

        // a second console merged; the EDR console's newer export replaces its older one
        let av = json!([{"hostname": "pol-core-sw", "av": true, "gcb": "是"}]).to_string();
        let r = env.api(Method::POST, &import, &officer, Some(body("devices", "json", "防毒主控台", &av, true))).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let v = env.api(Method::GET, &base, &officer, None).await.json();
        assert_eq!((v["coverage"]["av"].as_u64(), v["coverage"]["gcb"].as_u64(), v["sources"].as_array().map(Vec::len)), (Some(4), Some(3), Some(2)), "{v}");
        let newer = "hostname,ip,edr,edr_last_seen,av\npol-app-01,10.20.1.15,yes,2026-11-21,yes\n";
        env.api(Method::POST, &import, &officer, Some(body("devices", "csv", "EDR 主控台", newer, true))).await;
        let v = env.api(Method::GET, &base, &officer, None).await.json();
        assert_eq!((v["coverage"]["edr"].as_u64(), v["coverage"]["edr_stale"].as_u64(), v["coverage"]["unregistered"].as_u64()), (Some(1), Some(0), Some(0)), "{v}");

        // the SOC's alerts, imported twice, counted once
        let alerts = "發生時間,設備,規則,嚴重程度,狀態,結案時間\n\
                      2026-11-18 09:15,pol-app-01,網頁後門上傳偵測,高,已結案,2026-11-18 11:45\n\
                      2026-11-19 14:00,pol-pc-cib-01,可疑 PowerShell,中,已結案,2026-11-19 14:40\n\
                      2026-11-20 22:10,10.20.1.15,連線已知中繼站,嚴重,處理中,\n";
        for _ in 0..2 {
            let r = env.api(Method::POST, &import, &officer, Some(body("alerts", "csv", "區域聯防 SOC", alerts, true))).await;
            assert_eq!((r.status, r.json()["rows"].as_u64()), (StatusCode::CREATED, Some(3)), "{}", r.text());
        }
        let v = env.api(Method::GET, &base, &officer, None).await.json();
        let a = &v["alerts"];
        assert_eq!((a["total"].as_u64(), a["open"].as_u64(), a["closed"].as_u64(), a["mean_time_to_respond_minutes"].as_i64()), (Some(3), Some(1), Some(2), Some(95)), "{a}");
        assert_eq!(a["by_severity"], json!([1, 1, 1, 0, 0]));

        // the L1-L5 key results that read them: EDR coverage at the month's end, the SOC's response time
        let p = env.principal("officer.police").await;
        let org = env.app.get_org(&p, &pol).await.expect("org");
        let scope = p.scope(zian_domain::Permission::RecordRead);
        let month = env.app.this_month();
        let (edr, fact) = env.app.live_metric(&scope, &org, zian_domain::maturity::Metric::EdrCoverage, month).await.expect("edr metric");
        assert_eq!(edr, Some((1000.0 / devices as f64).round() / 10.0), "{fact:?}");
        let (soc, _) = env.app.live_metric(&scope, &org, zian_domain::maturity::Metric::SocResponseMinutes, month).await.expect("soc metric");
        assert_eq!(soc, Some(95.0));
        let before = month.prev();
        assert_eq!(env.app.live_metric(&scope, &org, zian_domain::maturity::Metric::EdrCoverage, before).await.expect("edr metric").0, None, "nothing received before November");
        assert_eq!(env.app.live_metric(&scope, &org, zian_domain::maturity::Metric::SocResponseMinutes, before).await.expect("soc metric").0, None);

        // the county's view: the B-level police bureau submits, the C-level health bureau has nothing
        let auditor = env.token_for("auditor.pingtung").await;
        let pif = env.org("PIF").await;
        let county = format!("/api/v1/orgs/{pif}/coverage");
        let v = env.api(Method::GET, &county, &auditor, None).await.json();
        assert_eq!((v["b_edr_submission"]["numerator"].as_u64(), v["b_edr_submission"]["denominator"].as_u64(), v["b_edr_adoption"]["percent"].as_f64()), (Some(1), Some(1), Some(100.0)), "{v}");
        let hlt = env.org("PIF-HLT").await;
        let row = |v: &Value, id: &zian_domain::OrgId| v["agencies"].as_array().expect("agencies").iter().find(|a| a["org_id"] == json!(id.to_string())).cloned().expect("agency");
        assert_eq!((row(&v, &pol)["edr_submitted"].as_bool(), row(&v, &hlt)["edr_submitted"].as_bool(), row(&v, &hlt)["received_at"].clone()), (Some(true), Some(false), Value::Null));
        // 32 days on, no new export: adopted still, not submitted as designated
        env.clock.advance(32 * 86_400);
        let (auditor, officer) = (env.token_for("auditor.pingtung").await, env.token_for("officer.police").await);
        let v = env.api(Method::GET, &county, &auditor, None).await.json();
        assert_eq!((v["b_edr_submission"]["numerator"].as_u64(), v["b_edr_adoption"]["numerator"].as_u64()), (Some(0), Some(1)), "{v}");
        // the alerts have aged out of the thirty days
        let v = env.api(Method::GET, &base, &officer, None).await.json();
        assert_eq!(v["alerts"]["total"].as_u64(), Some(0));
    }

    async fn the_demo_coverage_shows_gaps_and_alerts(backend: Backend) {
        let env = zian_testkit::TestEnv::demo(backend).await;
        env.app.seed_demo_coverage().await.expect("demo coverage");
        env.app.seed_demo_coverage().await.expect("demo coverage twice");
        let officer = env.token_for("officer.police").await;
        let pol = env.org("PIF-POL").await;
        let v = env.api(Method::GET, &format!("/api/v1/orgs/{pol}/coverage"), &officer, None).await.json();
        assert_eq!(v["sources"].as_array().map(Vec::len), Some(1), "seeded once: {v}");
        let c = &v["coverage"];
        // the retired notebook still online counts as a device the register misses
        assert_eq!((c["edr"].as_u64(), c["edr_stale"].as_u64(), c["dual_nic"].as_u64(), c["unregistered"].as_u64()), (Some(2), Some(1), Some(1), Some(2)), "{v}");
        assert_eq!(v["unregistered"][0]["hostname"], json!("pol-nb-07"));
        assert_eq!((v["alerts"]["total"].as_u64(), v["alerts"]["open"].as_u64()), (Some(3), Some(1)), "{v}");
    }
}
