//! Threat notices on every backend: the Kaohsiung regional supervisor
//! issues a notice on Shellshock to three agencies of its region (refusals
//! by field first); each agency sees the notice and only its own line; the
//! police bureau reports its six steps in order (a skipped step, a missing
//! answer at 確認 and another bureau's incident refused) and recovers; the
//! health bureau confirms it is not affected; Penghu's fire bureau stays
//! silent, lags after two days, is reminded (inbox and the reminders list)
//! and cannot answer once the notice is closed. The board counts who is
//! where and shows the police bureau's open finding of the CVE.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use zian_testkit::backend_tests;

fn field(r: &zian_testkit::Resp) -> Option<String> {
    r.json()["error"]["field"].as_str().map(str::to_string)
}

fn inbox_links(v: &Value) -> Vec<String> {
    v["items"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|n| n["link"].as_str().map(str::to_string))
        .collect()
}

backend_tests! {
    async fn a_threat_notice_drives_the_agencies_through_the_six_steps(backend: Backend) {
        let env = zian_testkit::TestEnv::demo_with_feeds(backend).await;
        let sup = env.token_for("supervisor.khh").await;
        let police = env.token_for("officer.police").await;
        let health = env.token_for("officer.health").await;
        let penghu = env.token_for("officer.penghu").await;
        let committee = env.token_for("committee.police").await;
        let (khh, pol, hlt, pen, acs) = (env.org("KHH").await, env.org("PIF-POL").await, env.org("PIF-HLT").await, env.org("PEN-FIRE").await, env.org("ACS").await);
        let base = format!("/api/v1/orgs/{khh}/threat-notices");
        let good = json!({
            "title": "Shellshock 漏洞遭大規模利用", "severity": "critical",
            "text": "請清查 bash 並回報。", "cves": "cve-2014-6271",
            "due_on": "2026-11-26", "targets": [pol.to_string(), hlt.to_string(), pen.to_string()],
        });
        let with = |k: &str, v: Value| { let mut b = good.clone(); b[k] = v; b };
        for (body, want) in [
            (with("title", json!(" ")), "title"),
            (with("severity", json!("urgent")), "severity"),
            (with("text", json!("")), "text"),
            (with("cves", json!("CVE-2014-6271 log4j")), "cves"),
            (with("due_on", json!("2026-11-20")), "due_on"),
            (with("targets", json!([])), "targets"),
            (with("targets", json!([khh.to_string()])), "targets"),
            (with("targets", json!([acs.to_string()])), "targets"),
            (with("targets", json!([pol.to_string(), pol.to_string()])), "targets"),
        ] {
            let r = env.api(Method::POST, &base, &sup, Some(body)).await;
            assert_eq!((r.status, field(&r).as_deref()), (StatusCode::UNPROCESSABLE_ENTITY, Some(want)), "{}", r.text());
        }
        // the bureaus do not issue for the region; a committee member issues nothing
        assert_eq!(env.api(Method::POST, &base, &police, Some(good.clone())).await.status, StatusCode::NOT_FOUND);
        let own = format!("/api/v1/orgs/{pol}/threat-notices");
        assert_eq!(env.api(Method::POST, &own, &committee, Some(good.clone())).await.status, StatusCode::FORBIDDEN);

        let r = env.api(Method::POST, &base, &sup, Some(good.clone())).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let d = r.json();
        let id = d["notice"]["id"].as_str().expect("id").to_string();
        let one = format!("/api/v1/threat-notices/{id}");
        assert_eq!((d["is_issuer"].as_bool(), d["board"]["targets"].as_u64(), d["board"]["pending"].as_u64()), (Some(true), Some(3), Some(3)), "{d}");
        assert_eq!(d["notice"]["cves"], json!(["CVE-2014-6271"]));
        assert_eq!(d["notice"]["issuer"], json!("高雄市政府"));
        // which agencies have the CVE: the police bureau's open finding
        let cve = &d["cve_orgs"][0];
        assert_eq!(cve["cve"], json!("CVE-2014-6271"));
        assert!(cve["orgs"].as_array().expect("orgs").iter().any(|o| o[0] == json!(pol.to_string()) && o[3].as_u64().is_some_and(|n| n >= 1)), "{cve}");
        let row = |d: &Value, org: &zian_domain::OrgId| d["rows"].as_array().expect("rows").iter().find(|r| r["org_id"] == json!(org.to_string())).cloned().expect("row");
        assert!(row(&d, &pol)["open_findings"].as_u64().is_some_and(|n| n >= 1), "{d}");
        assert_eq!(row(&d, &hlt)["open_findings"], json!(0));

        // each agency addressed hears of it and sees only its own line
        let link = format!("/threat-notices/{id}");
        for t in [&police, &health, &penghu] {
            let inbox = env.api(Method::GET, "/api/v1/inbox", t, None).await.json();
            assert!(inbox_links(&inbox).contains(&link), "{inbox}");
        }
        // on the dashboard of those who answer, not of the supervisor
        let todo = |d: &Value| d["todo"].as_array().expect("todo").iter().find(|i| i["kind"] == json!("threat_notices_to_answer")).cloned();
        let d = env.api(Method::GET, "/api/v1/dashboard", &police, None).await.json();
        assert_eq!(todo(&d).map(|i| (i["org_id"].clone(), i["count"].clone())), Some((json!(pol.to_string()), json!(1))), "{d}");
        assert!(todo(&env.api(Method::GET, "/api/v1/dashboard", &sup, None).await.json()).is_none());
        let seen = env.api(Method::GET, &one, &police, None).await.json();
        assert_eq!((seen["is_issuer"].as_bool(), seen["rows"].as_array().map(Vec::len), seen["cve_orgs"].as_array().map(Vec::len)), (Some(false), Some(1), Some(0)), "{seen}");
        assert_eq!(seen["rows"][0]["org_id"], json!(pol.to_string()));
        let pol_response = seen["rows"][0]["response_id"].as_str().expect("response").to_string();
        let hlt_response = env.api(Method::GET, &one, &health, None).await.json()["rows"][0]["response_id"].as_str().expect("response").to_string();
        // one not addressed and outside the issuer's reach sees nothing
        assert_eq!(env.api(Method::GET, &one, &env.token_for("ciso.khh").await, None).await.status, StatusCode::NOT_FOUND);
        // nor another agency's response
        assert_eq!(env.api(Method::GET, &format!("/api/v1/threat-responses/{hlt_response}"), &police, None).await.status, StatusCode::NOT_FOUND);

        // the police bureau's six steps, in order
        let report = format!("/api/v1/threat-responses/{pol_response}/report");
        let incidents = env.api(Method::GET, &format!("/api/v1/orgs/{pol}/incidents"), &police, None).await.json();
        let incident = incidents["items"][0]["id"].as_str().expect("an incident").to_string();
        let other_incident = env.api(Method::GET, &format!("/api/v1/orgs/{hlt}/incidents"), &health, None).await.json()["items"][0]["id"].as_str().map(str::to_string);
        for (body, want) in [
            (json!({"step": "confirm", "note": "x", "affected": true}), "step"),
            (json!({"step": "scan", "note": "x"}), "step"),
            (json!({"step": "investigate", "note": " "}), "note"),
            (json!({"step": "investigate", "note": "x", "affected": true}), "affected"),
        ] {
            let r = env.api(Method::POST, &report, &police, Some(body)).await;
            assert_eq!((r.status, field(&r).as_deref()), (StatusCode::UNPROCESSABLE_ENTITY, Some(want)), "{}", r.text());
        }
        let r = env.api(Method::POST, &report, &police, Some(json!({"step": "investigate", "note": "清查中"}))).await;
        assert_eq!((r.status, r.json()["outcome"].as_str()), (StatusCode::OK, Some("in_progress")), "{}", r.text());
        assert_eq!(r.json()["reportable"], json!(["investigate", "confirm"]));
        let r = env.api(Method::POST, &report, &police, Some(json!({"step": "confirm", "note": "受影響"}))).await;
        assert_eq!(field(&r).as_deref(), Some("affected"), "{}", r.text());
        if let Some(other) = other_incident {
            let r = env.api(Method::POST, &report, &police, Some(json!({"step": "confirm", "note": "受影響", "affected": true, "incident_id": other}))).await;
            assert_eq!(field(&r).as_deref(), Some("incident_id"), "another bureau's incident: {}", r.text());
        }
        let r = env.api(Method::POST, &report, &police, Some(json!({"step": "confirm", "note": "pol-app-01 受影響", "affected": true, "incident_id": incident}))).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        // the health bureau cannot answer for the police bureau
        assert_eq!(env.api(Method::POST, &report, &health, Some(json!({"step": "plan", "note": "x"}))).await.status, StatusCode::NOT_FOUND);
        for s in ["plan", "isolate", "handle"] {
            let r = env.api(Method::POST, &report, &police, Some(json!({"step": s, "note": format!("{s} 完成")}))).await;
            assert_eq!((r.status, r.json()["step"].as_str()), (StatusCode::OK, Some(s)), "{}", r.text());
        }
        let r = env.api(Method::POST, &report, &police, Some(json!({"step": "recover", "note": "已復原上線"}))).await;
        assert_eq!((r.status, r.json()["outcome"].as_str(), r.json()["reports"].as_array().map(Vec::len)), (StatusCode::OK, Some("recovered"), Some(6)), "{}", r.text());
        let r = env.api(Method::POST, &report, &police, Some(json!({"step": "recover", "note": "again"}))).await;
        assert_eq!(field(&r).as_deref(), Some("step"), "done: {}", r.text());
        assert!(todo(&env.api(Method::GET, "/api/v1/dashboard", &police, None).await.json()).is_none(), "answered to the end");
        // the issuer's side heard it
        let sup_inbox = env.api(Method::GET, "/api/v1/inbox", &sup, None).await.json();
        assert!(inbox_links(&sup_inbox).contains(&link), "{sup_inbox}");

        // the health bureau is not affected
        let hreport = format!("/api/v1/threat-responses/{hlt_response}/report");
        env.api(Method::POST, &hreport, &health, Some(json!({"step": "investigate", "note": "清查完成"}))).await;
        let r = env.api(Method::POST, &hreport, &health, Some(json!({"step": "confirm", "note": "未使用 bash", "affected": false}))).await;
        assert_eq!((r.status, r.json()["outcome"].as_str(), r.json()["reportable"].clone()), (StatusCode::OK, Some("unaffected"), json!([])), "{}", r.text());

        // the board: two done, Penghu silent — not lagging yet
        let d = env.api(Method::GET, &one, &sup, None).await.json();
        assert_eq!(d["board"]["at_step"], json!([0, 1, 0, 0, 0, 1]), "{d}");
        assert_eq!((d["board"]["pending"].as_u64(), d["board"]["unaffected"].as_u64(), d["board"]["recovered"].as_u64(), d["board"]["lagging"].as_u64(), d["board"]["done_percent"].as_u64()), (Some(1), Some(1), Some(1), Some(0), Some(66)), "{d}");
        assert_eq!(row(&d, &pol)["incidents"], json!([incident]));
        let remind = format!("{one}/remind");
        let r = env.api(Method::POST, &remind, &sup, None).await;
        assert_eq!((r.status, field(&r).as_deref()), (StatusCode::UNPROCESSABLE_ENTITY, Some("status")), "none lags: {}", r.text());
        // two days of silence: Penghu lags and is reminded
        env.clock.advance(2 * 86_400);
        let d = env.api(Method::GET, &one, &sup, None).await.json();
        assert_eq!((d["board"]["lagging"].as_u64(), row(&d, &pen)["lagging"].as_bool()), (Some(1), Some(true)), "{d}");
        assert_eq!(env.api(Method::POST, &remind, &police, None).await.status, StatusCode::NOT_FOUND, "the bureaus do not remind the region");
        let r = env.api(Method::POST, &remind, &sup, None).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        assert_eq!(r.json()["reminded"].as_array().map(|a| a.iter().map(|x| x[1].clone()).collect::<Vec<_>>()), Some(vec![json!("澎湖縣政府消防局")]));
        let pinbox = env.api(Method::GET, "/api/v1/inbox", &penghu, None).await.json();
        assert!(pinbox["items"].as_array().expect("items").iter().any(|n| n["event"] == json!("threat_notice.reminder")), "{pinbox}");
        let reminders = env.api(Method::GET, "/api/v1/reminders", &penghu, None).await.json();
        assert!(reminders.as_array().expect("reminders").iter().any(|x| x["kind"] == json!("threat_notice") && x["link"] == json!(link)), "{reminders}");
        // the lists: issued with its board, received with the response
        let l = env.api(Method::GET, &base, &sup, None).await.json();
        assert_eq!((l["issued"].as_array().map(Vec::len), l["issued"][0]["board"]["targets"].as_u64()), (Some(1), Some(3)), "{l}");
        let l = env.api(Method::GET, &own, &police, None).await.json();
        assert_eq!((l["received"].as_array().map(Vec::len), l["received"][0]["response"]["outcome"].as_str()), (Some(1), Some("recovered")), "{l}");

        // closed: no more reports
        let r = env.api(Method::POST, &format!("{one}/close"), &sup, Some(json!({"note": "轄內已完成處理"}))).await;
        assert_eq!((r.status, r.json()["notice"]["status"].as_str()), (StatusCode::OK, Some("closed")), "{}", r.text());
        let pen_response = row(&r.json(), &pen)["response_id"].as_str().expect("response").to_string();
        let r = env.api(Method::POST, &format!("/api/v1/threat-responses/{pen_response}/report"), &penghu, Some(json!({"step": "investigate", "note": "x"}))).await;
        assert_eq!((r.status, field(&r).as_deref()), (StatusCode::UNPROCESSABLE_ENTITY, Some("status")), "{}", r.text());
        let r = env.api(Method::POST, &format!("{one}/close"), &sup, Some(json!({"note": "again"}))).await;
        assert_eq!(field(&r).as_deref(), Some("status"));
        let reminders = env.api(Method::GET, "/api/v1/reminders", &penghu, None).await.json();
        assert!(!reminders.as_array().expect("reminders").iter().any(|x| x["kind"] == json!("threat_notice")), "closed: no reminder {reminders}");
    }

    async fn the_demo_notice_shows_every_state(backend: Backend) {
        let env = zian_testkit::TestEnv::demo_with_feeds(backend).await;
        env.app.seed_demo_threat_notices().await.expect("demo notices");
        env.app.seed_demo_threat_notices().await.expect("demo notices twice");
        let sup = env.token_for("supervisor.khh").await;
        let khh = env.org("KHH").await;
        let l = env.api(Method::GET, &format!("/api/v1/orgs/{khh}/threat-notices"), &sup, None).await.json();
        assert_eq!(l["issued"].as_array().map(Vec::len), Some(1), "seeded once: {l}");
        let b = &l["issued"][0]["board"];
        assert_eq!((b["targets"].as_u64(), b["pending"].as_u64(), b["unaffected"].as_u64()), (Some(4), Some(2), Some(1)), "{b}");
        assert_eq!(b["at_step"], json!([0, 1, 0, 1, 0, 0]), "{b}");
    }
}
