//! Threat intelligence on every backend: a piece pasted from an advisory
//! with its indicators read (defanged ones too) and correlated with the
//! bureau's register and VANS findings; personal data masked in what may
//! leave the agency and forcing the 機敏性 category; each category handled
//! as the plan prescribes (an intrusion's immediate danger naming the
//! bureau's own incident); a STIX 2.1 bundle exported and imported again,
//! a broken one reported object by object, a MISP event out and in; the blocklists; refusals by
//! field; and nothing of it seen or touched from another county.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use zian_testkit::backend_tests;

fn field(r: &zian_testkit::Resp) -> Option<String> {
    r.json()["error"]["field"].as_str().map(str::to_string)
}

backend_tests! {
    async fn intelligence_is_recorded_masked_correlated_classified_handled_and_exchanged(backend: Backend) {
        let env = zian_testkit::TestEnv::demo_with_feeds(backend).await;
        let officer = env.token_for("officer.police").await;
        let penghu = env.token_for("officer.penghu").await;
        let pol = env.org("PIF-POL").await;
        let base = format!("/api/v1/orgs/{pol}/intel");
        let r = env.api(Method::GET, &base, &officer, None).await;
        assert_eq!((r.status, r.json()["items"].as_array().map(Vec::len)), (StatusCode::OK, Some(0)), "{}", r.text());

        // refusals by field
        for (body, want) in [
            (json!({"title": "x", "source": "fax", "text": "a"}), "source"),
            (json!({"title": "x", "source": "stix", "text": "a"}), "source"),
            (json!({"title": " ", "source": "manual", "text": "a"}), "title"),
            (json!({"title": "x", "source": "manual"}), "text"),
            (json!({"title": "x", "source": "manual", "text": "a", "received_on": "2026-11-22"}), "received_on"),
            (json!({"title": "x", "source": "manual", "text": "a", "received_on": "2026-11-20", "valid_until": "2026-11-19"}), "valid_until"),
            (json!({"title": "x", "source": "manual", "indicators": "203.0.113.9\n\nnot an indicator"}), "indicators.3"),
        ] {
            let r = env.api(Method::POST, &base, &officer, Some(body)).await;
            assert_eq!((r.status, field(&r).as_deref()), (StatusCode::UNPROCESSABLE_ENTITY, Some(want)), "{}", r.text());
        }

        // an advisory pasted in: defanged indicators read, personal data masked
        let text = "民眾王小明（A123456789，0912-345-678）反映貴局主機 10.20.1.15 連線 203.0.113.77 與 hxxps://update-check[.]example[.]net/a.php，疑利用 CVE-2014-6271。";
        let r = env.api(Method::POST, &base, &officer, Some(json!({"title": "聯防中心通報", "source": "isac", "sender": "高雄市資安聯防中心", "received_on": "2026-11-20", "text": text, "indicators": "evil[.]example.org", "names": "王小明"}))).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let d = r.json();
        let id = d["intel"]["id"].as_str().expect("id").to_string();
        let one = format!("/api/v1/intel/{id}");
        let values: Vec<&str> = d["intel"]["indicators"].as_array().expect("indicators").iter().filter_map(|i| i["value"].as_str()).collect();
        assert_eq!(values, vec!["10.20.1.15", "203.0.113.77", "https://update-check.example.net/a.php", "CVE-2014-6271", "evil.example.org"], "{d}");
        let masked = d["masked"].as_str().expect("masked");
        assert!(!masked.contains("A123456789") && !masked.contains("王小明") && !masked.contains("0912-345-678"), "{masked}");
        assert!(masked.contains("王○明") && masked.contains("10.20.1.15") && masked.contains("CVE-2014-6271"), "indicators are not personal data: {masked}");
        let kinds: Vec<&str> = d["masked_items"].as_array().expect("masked items").iter().filter_map(|h| h["kind"].as_str()).collect();
        assert_eq!(kinds, vec!["name", "national_id", "mobile"]);
        assert_eq!(d["intel"]["status"], json!("received"));
        // correlated with the bureau's own records
        let corr = |v: &Value, value: &str| v["correlations"].as_array().expect("correlations").iter().find(|c| c["value"] == value).cloned().expect("correlation");
        let host = corr(&d, "10.20.1.15");
        assert_eq!(host["assets"][0][1], json!("刑案資訊系統應用伺服器"), "{host}");
        assert!(corr(&d, "CVE-2014-6271")["open_findings"].as_u64().is_some_and(|n| n >= 1), "{d}");
        assert_eq!(corr(&d, "203.0.113.77")["assets"], json!([]));

        // classified: personal data makes it 機敏性 whatever else it is
        let url = format!("{one}/classify");
        let r = env.api(Method::POST, &url, &officer, Some(json!({"categories": ["intrusion", "core"], "reliability": "probable", "timeliness": "current"}))).await;
        assert_eq!((r.status, field(&r).as_deref()), (StatusCode::UNPROCESSABLE_ENTITY, Some("categories")), "{}", r.text());
        let r = env.api(Method::POST, &url, &officer, Some(json!({"categories": ["intrusion", "nonsense"], "reliability": "probable", "timeliness": "current"}))).await;
        assert_eq!((r.status, field(&r).as_deref()), (StatusCode::UNPROCESSABLE_ENTITY, Some("categories")), "{}", r.text());
        let r = env.api(Method::POST, &url, &officer, Some(json!({"categories": ["intrusion", "sensitive", "core"], "reliability": "sure", "timeliness": "current"}))).await;
        assert_eq!((r.status, field(&r).as_deref()), (StatusCode::UNPROCESSABLE_ENTITY, Some("reliability")), "{}", r.text());
        let r = env.api(Method::POST, &url, &officer, Some(json!({"categories": ["intrusion", "sensitive", "core"], "reliability": "probable", "timeliness": "current", "note": "核心主機連線中繼站"}))).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let d = r.json();
        assert_eq!((d["intel"]["status"].as_str(), d["unhandled"].clone()), (Some("classified"), json!(["intrusion", "sensitive", "core"])), "{d}");
        assert_eq!(d["classification"]["signed"]["name"], json!("資安專責人員 林怡君"));

        // each category handled; an immediate danger names the bureau's incident
        let h = format!("{one}/handling");
        let hlt_incident = {
            let hlt = env.org("PIF-HLT").await;
            let r = env.api(Method::GET, &format!("/api/v1/orgs/{hlt}/incidents"), &env.token_for("officer.health").await, None).await;
            r.json()["items"][0]["id"].as_str().map(str::to_string)
        };
        let pol_incidents = env.api(Method::GET, &format!("/api/v1/orgs/{pol}/incidents"), &officer, None).await.json();
        let incident = pol_incidents["items"][0]["id"].as_str().expect("an incident").to_string();
        for (body, want) in [
            (json!({"category": "message", "action": "x"}), "category"),
            (json!({"category": "intrusion", "action": "已隔離主機"}), "imminent"),
            (json!({"category": "intrusion", "action": "已隔離主機", "imminent": true}), "incident_id"),
            (json!({"category": "intrusion", "action": " ", "imminent": false}), "action"),
        ] {
            let r = env.api(Method::POST, &h, &officer, Some(body)).await;
            assert_eq!((r.status, field(&r).as_deref()), (StatusCode::UNPROCESSABLE_ENTITY, Some(want)), "{}", r.text());
        }
        if let Some(other) = hlt_incident {
            let r = env.api(Method::POST, &h, &officer, Some(json!({"category": "intrusion", "action": "已隔離主機", "imminent": true, "incident_id": other}))).await;
            assert_eq!((r.status, field(&r).as_deref()), (StatusCode::UNPROCESSABLE_ENTITY, Some("incident_id")), "another bureau's incident: {}", r.text());
        }
        let r = env.api(Method::POST, &h, &officer, Some(json!({"category": "intrusion", "action": "已隔離主機並通報", "imminent": true, "incident_id": incident}))).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        for c in ["sensitive", "core"] {
            let r = env.api(Method::POST, &h, &officer, Some(json!({"category": c, "action": "已處理"}))).await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        }
        let d = env.api(Method::GET, &one, &officer, None).await.json();
        assert_eq!((d["intel"]["status"].as_str(), d["handling"].as_array().map(Vec::len)), (Some("handled"), Some(3)), "{d}");
        assert_eq!((d["handling"][0]["imminent"].as_bool(), d["handling"][0]["incident_id"].as_str()), (Some(true), Some(incident.as_str())));

        // STIX out: the masked text, never the original
        let r = env.api(Method::GET, &format!("{one}/stix"), &officer, None).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let bundle = r.text();
        assert!(!bundle.contains("A123456789") && !bundle.contains("王小明"), "{bundle}");
        assert!(bundle.contains("[ipv4-addr:value = '203.0.113.77']") && bundle.contains("\"spec_version\": \"2.1\""), "{bundle}");
        // … and in again: a preview, then the import
        let r = env.api(Method::POST, &format!("{base}/import"), &officer, Some(json!({"format": "stix", "content": bundle, "sender": "N-ISAC"}))).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        assert_eq!((r.json()["committed"].as_bool(), r.json()["items"][0]["id"].is_null()), (Some(false), true));
        assert_eq!(env.api(Method::GET, &base, &officer, None).await.json()["items"].as_array().map(Vec::len), Some(1), "a preview keeps nothing");
        let r = env.api(Method::POST, &format!("{base}/import"), &officer, Some(json!({"format": "stix", "content": bundle, "commit": true}))).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let imported = r.json()["items"][0]["id"].as_str().expect("imported").to_string();
        let d = env.api(Method::GET, &format!("/api/v1/intel/{imported}"), &officer, None).await.json();
        assert_eq!((d["intel"]["source"].as_str(), d["intel"]["indicators"].as_array().map(Vec::len)), (Some("stix"), Some(5)), "{d}");
        assert!(d["text"].as_str().is_some_and(|t| t.contains("王○明")), "the masked text came in");
        assert_eq!(corr(&d, "203.0.113.77")["intel"][0][0], json!(id), "the same indicator in another piece");
        // a broken bundle: each object with its reason; nothing readable refused
        let broken = json!({"type": "bundle", "id": "bundle--5d0092c5-5f74-4287-9642-33f4c354e56d", "objects": [{"type": "indicator", "id": "indicator--x", "spec_version": "2.1"}]});
        let r = env.api(Method::POST, &format!("{base}/import"), &officer, Some(json!({"format": "stix", "content": broken.to_string(), "commit": true}))).await;
        assert_eq!((r.status, field(&r).as_deref()), (StatusCode::UNPROCESSABLE_ENTITY, Some("content")), "{}", r.text());
        let r = env.api(Method::POST, &format!("{base}/import"), &officer, Some(json!({"format": "stix", "content": "not json"}))).await;
        assert_eq!((r.status, field(&r).as_deref()), (StatusCode::UNPROCESSABLE_ENTITY, Some("content")), "{}", r.text());
        let r = env.api(Method::POST, &format!("{base}/import"), &officer, Some(json!({"format": "openioc", "content": "{}"}))).await;
        assert_eq!((r.status, field(&r).as_deref()), (StatusCode::UNPROCESSABLE_ENTITY, Some("format")), "{}", r.text());
        // MISP out and in: the same indicators, the masked text as a text attribute
        let r = env.api(Method::GET, &format!("{one}/misp"), &officer, None).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let event = r.text();
        assert!(!event.contains("A123456789") && event.contains("\"type\": \"ip-dst\"") && event.contains("\"analysis\": \"2\""), "{event}");
        let r = env.api(Method::POST, &format!("{base}/import"), &officer, Some(json!({"format": "misp", "content": event, "commit": true}))).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let from_misp = r.json()["items"][0]["id"].as_str().expect("imported").to_string();
        let d = env.api(Method::GET, &format!("/api/v1/intel/{from_misp}"), &officer, None).await.json();
        assert_eq!((d["intel"]["source"].as_str(), d["intel"]["indicators"].as_array().map(Vec::len)), (Some("misp"), Some(5)), "{d}");
        assert!(d["text"].as_str().is_some_and(|t| t.contains("王○明")), "{d}");

        // blocklists: addresses, domains, URLs, hashes of active pieces; no CVE
        let r = env.api(Method::GET, &format!("{base}/blocklist?format=txt"), &officer, None).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let txt = r.text();
        assert!(txt.contains("\n203.0.113.77\n") && txt.contains("https://update-check.example.net/a.php") && !txt.contains("CVE-2014-6271"), "{txt}");
        assert_eq!(txt.matches("203.0.113.77").count(), 1, "each once: {txt}");
        let r = env.api(Method::GET, &format!("{base}/blocklist?format=csv"), &officer, None).await;
        assert!(r.text().contains("ipv4,203.0.113.77,聯防中心通報"), "{}", r.text());
        let r = env.api(Method::GET, &format!("{base}/blocklist?format=stix"), &officer, None).await;
        assert!(r.text().contains("\"type\": \"bundle\""), "{}", r.text());
        let r = env.api(Method::GET, &format!("{base}/blocklist?format=pdf"), &officer, None).await;
        assert_eq!((r.status, field(&r).as_deref()), (StatusCode::UNPROCESSABLE_ENTITY, Some("format")));

        // another county sees and touches nothing
        for (m, path, body) in [
            (Method::GET, base.clone(), None),
            (Method::GET, one.clone(), None),
            (Method::GET, format!("{one}/stix"), None),
            (Method::GET, format!("{base}/blocklist"), None),
            (Method::POST, format!("{one}/classify"), Some(json!({"categories": ["message"], "reliability": "unknown", "timeliness": "dated"}))),
            (Method::POST, base.clone(), Some(json!({"title": "x", "source": "manual", "text": "a"}))),
        ] {
            let r = env.api(m, &path, &penghu, body).await;
            assert!(matches!(r.status, StatusCode::NOT_FOUND | StatusCode::FORBIDDEN), "{path}: {}", r.status);
        }
        assert_eq!(env.api(Method::GET, &one, &officer, None).await.json()["intel"]["status"], json!("handled"), "unchanged");
    }

    async fn the_demo_and_the_pages_show_intelligence(env: TestEnv) {
        env.app.seed_demo_intel().await.expect("demo intel");
        env.app.seed_demo_intel().await.expect("demo intel twice");
        let officer = env.token_for("officer.police").await;
        let pol = env.org("PIF-POL").await;
        let l = env.api(Method::GET, &format!("/api/v1/orgs/{pol}/intel"), &officer, None).await.json();
        let items = l["items"].as_array().expect("items");
        assert_eq!(items.len(), 3, "seeded once: {l}");
        let statuses: Vec<&str> = items.iter().filter_map(|i| i["status"].as_str()).collect();
        assert_eq!(statuses, vec!["received", "classified", "handled"], "latest first");
        let sess = env.login("officer.police", zian_testkit::PASSWORD).await;
        let page = env.request(Method::GET, &format!("/orgs/{pol}/intel"), &sess.headers(), None).await.text();
        assert!(page.contains("id=\"intel-table\"") && page.contains("id=\"nav-intel\"") && page.contains("id=\"stix-form\""), "{page}");
        let phishing = items[0]["id"].as_str().expect("id");
        let page = env.request(Method::GET, &format!("/intel/{phishing}"), &sess.headers(), None).await.text();
        assert!(page.contains("王○明") && page.contains("data-kind=\"national_id\"") && page.contains("id=\"classify-form\""), "{page}");
    }
}
