//! Incident assessment in the platform, on every backend: the level of
//! art. 2 and the legal clocks for what an officer enters (Taipei local
//! times as a form gives them, or RFC 3339), refusals with the field named,
//! and the page with each deadline and the time left.

use axum::http::{Method, StatusCode};
use serde_json::json;
use zian_testkit::{PASSWORD, TestEnv, backend_tests};

/// 2026-11-21 09:00 Asia/Taipei: the demo's clock.
const NOW: i64 = 1_795_222_800;

backend_tests! {
    async fn an_officer_gets_the_level_and_every_legal_clock(backend: Backend) {
        let env = TestEnv::demo(backend).await;
        assert_eq!(env.clock.unix(), NOW);
        let tok = env.token_for("officer.police").await;
        // aware at 08:30 of a serious leak of core business information:
        // level 3 (major); notified at 09:10, recovered at 09:00 the next day
        let r = env.api(Method::POST, "/api/v1/incidents/assess", &tok, Some(json!({
            "aware_at": "2026-11-21T08:30", "asset": "core", "confidentiality": "serious",
            "integrity": "none", "availability": "none", "notified_at": "2026-11-21T09:10",
            "recovered_at": "2026-11-22T09:00",
        }))).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let a = r.json();
        assert_eq!((a["level"].as_u64(), a["major"].as_bool()), (Some(3), Some(true)));
        // 1 h, 2 h after notifying (level 3), 36 h after awareness
        assert_eq!(a["notify_by"], NOW + 1800);
        assert_eq!(a["review_by"], NOW + 600 + 7200);
        assert_eq!(a["recover_by"], NOW - 1800 + 36 * 3600);
        // recovered 11/22 → counted from 11/23 → ends 12/22 (a Tuesday), end of day
        assert_eq!(a["report_by"], NOW + 31 * 86_400 + 14 * 3600 + 59 * 60 + 59);
        assert_eq!((a["rules_version"].as_str(), a["calendar_known"].as_bool()), (Some("2026-01-05"), Some(true)));

        // RFC 3339 in UTC, a level 1 not yet notified: no review clock yet
        let r = env.api(Method::POST, "/api/v1/incidents/assess", &tok, Some(json!({
            "aware_at": "2026-11-21T00:00:00Z", "asset": "non_core", "confidentiality": "none",
            "integrity": "minor", "availability": "within_mtd",
        }))).await.json();
        assert_eq!((r["level"].as_u64(), r["review_by"].is_null(), r["report_by"].is_null()), (Some(1), true, true));
        assert_eq!(r["recover_by"], NOW - 3600 + 72 * 3600);

        // refusals name the field
        for (body, field) in [
            (json!({"aware_at": "2026-11-21T08:30", "asset": "server", "confidentiality": "none", "integrity": "none", "availability": "none"}), "asset"),
            (json!({"aware_at": "yesterday", "asset": "core", "confidentiality": "none", "integrity": "none", "availability": "none"}), "aware_at"),
            (json!({"aware_at": "2026-11-21T08:30", "asset": "core", "confidentiality": "none", "integrity": "none", "availability": "none", "notified_at": "2026-11-21T08:00"}), "notified_at"),
            (json!({"aware_at": "2026-11-23T08:30", "asset": "core", "confidentiality": "none", "integrity": "none", "availability": "none"}), "aware_at"),
            (json!({"aware_at": "2018-06-01T08:30", "asset": "core", "confidentiality": "none", "integrity": "none", "availability": "none"}), "aware_at"),
        ] {
            let r = env.api(Method::POST, "/api/v1/incidents/assess", &tok, Some(body.clone())).await;
            assert_eq!((r.status, r.json()["error"]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some(field)), "{body}: {}", r.text());
        }
        let r = env.request(Method::POST, "/api/v1/incidents/assess", &[("content-type", "application/json")], Some(b"{}".to_vec())).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);

        // the page: the level, each deadline with the time left
        let s = env.login("officer.police", PASSWORD).await;
        let html = env.request(Method::GET, "/incidents/assess?aware_at=2026-11-21T08%3A30&asset=core_ci&confidentiality=none&integrity=none&availability=beyond_mtd&notified_at=&recovered_at=", &[("cookie", s.cookie.as_str())], None).await.text();
        assert!(html.contains("data-level=\"4\"") && html.contains("第四級資通安全事件") && html.contains("重大資通安全事件"), "{html}");
        assert!(html.contains("id=\"clock-notify\"") && html.contains("剩 0 小時 30 分"), "{html}");
        assert!(html.contains("通報後起算") && html.contains("id=\"nav-incidents\""), "{html}");
        let html = env.request(Method::GET, "/incidents/assess?aware_at=2026-11-21T08%3A30&asset=core&confidentiality=huge&integrity=none&availability=none", &[("cookie", s.cookie.as_str())], None).await.text();
        assert!(html.contains("id=\"assess-error\"") && html.contains("機密性"), "{html}");
    }

    async fn an_incident_is_recorded_notified_escalated_and_closed(backend: Backend) {
        let env = TestEnv::demo(backend).await;
        let tok = env.token_for("officer.police").await;
        let pol = env.org("PIF-POL").await;
        let assets = env.api(Method::GET, &format!("/api/v1/orgs/{pol}/assets?limit=1"), &tok, None).await.json();
        let asset = assets["items"][0]["id"].as_str().unwrap().to_string();
        let body = json!({
            "title": "警政網站遭植入惡意程式", "description": "WAF 告警，網頁遭竄改並外洩會員資料。",
            "occurred_at": "2026-11-21T07:50", "aware_at": "2026-11-21T08:30",
            "reporter": "王小明", "reporter_contact": "wang@police.gov.tw, 07-2345678",
            "asset_ids": [asset], "asset_class": "core", "confidentiality": "serious",
            "integrity": "minor", "availability": "none", "data_kinds": ["personal"],
            "playbook": "intrusion",
        });
        let r = env.api(Method::POST, &format!("/api/v1/orgs/{pol}/incidents"), &tok, Some(body.clone())).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let x = r.json();
        let id = x["id"].as_str().unwrap().to_string();
        assert_eq!((x["number"].as_str(), x["level"].as_u64(), x["major"].as_bool()), (Some("INC-2026-003"), Some(3), Some(true)));
        let clock = |x: &serde_json::Value, c: &str| x["clocks"].as_array().unwrap().iter().find(|k| k["clock"] == c).unwrap().clone();
        assert_eq!((clock(&x, "notify")["deadline"].as_i64(), clock(&x, "notify")["state"].as_str()), (Some(NOW + 1800), Some("pending")));
        assert_eq!(clock(&x, "review")["state"], "waiting");
        assert_eq!(clock(&x, "recover")["deadline"], NOW - 1800 + 36 * 3600);
        assert_eq!((x["next_deadline"].as_i64(), x["timeline"][0]["kind"].as_str()), (Some(NOW + 1800), Some("recorded")));
        // refusals name the field
        for (patch, field) in [
            (json!({"occurred_at": "2026-11-21T09:00"}), "occurred_at"),
            (json!({"level_override": 4}), "override_reason"),
            (json!({"level_override": 5, "override_reason": "x"}), "level_override"),
            (json!({"asset_ids": ["nope"]}), "asset_ids"),
            (json!({"data_kinds": ["secret"]}), "data_kinds"),
            (json!({"title": " "}), "title"),
            (json!({"playbook": "fire"}), "playbook"),
        ] {
            let mut b = body.clone();
            for (k, v) in patch.as_object().unwrap() { b[k] = v.clone(); }
            let r = env.api(Method::POST, &format!("/api/v1/orgs/{pol}/incidents"), &tok, Some(b)).await;
            assert_eq!((r.status, r.json()["error"]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some(field)), "{patch}: {}", r.text());
        }

        // the playbook of seed 002 §5.3.5 as a checklist
        assert_eq!((x["playbook"].as_str(), x["steps"].as_array().map(Vec::len), x["steps"][0]["done"].as_bool()), (Some("intrusion"), Some(5), Some(false)));
        let check = format!("/api/v1/incidents/{id}/checklist");
        let y = env.api(Method::POST, &check, &tok, Some(json!({"step": 0, "done": true}))).await.json();
        assert_eq!((y["steps"][0]["done"].as_bool(), y["steps"][1]["done"].as_bool()), (Some(true), Some(false)), "{y}");
        assert!(y["timeline"].as_array().unwrap().iter().any(|e| e["kind"] == "checked" && e["text"].as_str().unwrap_or("").contains("隔離受入侵系統")), "{y}");
        let r = env.api(Method::POST, &check, &tok, Some(json!({"step": 5, "done": true}))).await;
        assert_eq!((r.status, r.json()["error"]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("step")));

        // an action with its evidence: the entry keeps the file's SHA-256
        let officer = env.principal("officer.police").await;
        let file = env.app.upload_evidence(&officer, &pol, "防火牆阻擋紀錄.txt", "text/plain", "deny 203.0.113.7".as_bytes().to_vec()).await.unwrap();
        let notes = format!("/api/v1/incidents/{id}/notes");
        let y = env.api(Method::POST, &notes, &tok, Some(json!({"text": "防火牆封鎖攻擊來源", "evidence_id": file.id.to_string()}))).await.json();
        let e = y["timeline"].as_array().unwrap().iter().find(|e| e["text"] == "防火牆封鎖攻擊來源").cloned().unwrap_or_default();
        assert_eq!((e["evidence_sha256"].as_str(), e["evidence_name"].as_str()), (Some(file.sha256.as_str()), Some("防火牆阻擋紀錄.txt")), "{y}");
        let hlt = env.org("PIF-HLT").await;
        let other = env.app.upload_evidence(&env.principal("admin").await, &hlt, "衛生局.txt", "text/plain", b"x".to_vec()).await.unwrap();
        let r = env.api(Method::POST, &notes, &tok, Some(json!({"text": "x", "evidence_id": other.id.to_string()}))).await;
        assert_eq!((r.status, r.json()["error"]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("evidence_id")));

        // the clocks job at 09:00: the notification is due within 30 minutes
        let raised = env.app.incidents_clocks().await.unwrap();
        assert!(raised > 0, "{raised}");
        assert_eq!(env.app.incidents_clocks().await.unwrap(), 0, "raised once");
        let sup = env.token_for("supervisor.khh").await;
        let inbox = env.api(Method::GET, "/api/v1/inbox", &sup, None).await.json();
        assert!(inbox["items"].as_array().unwrap().iter().any(|n| n["event"] == "incidents.deadline" && n["title"].as_str().unwrap_or("").contains("INC-2026-003")), "{inbox}");
        let url = format!("/api/v1/incidents/{id}");
        let x = env.api(Method::GET, &url, &tok, None).await.json();
        assert!(x["timeline"].as_array().unwrap().iter().any(|e| e["kind"] == "escalated" && e["text"] == "notify.soon"), "{x}");

        // notified at 09:10: the supervisors' review is due 2 h later (level 3)
        let act = format!("{url}/actions");
        let r = env.api(Method::POST, &act, &tok, Some(json!({"action": "reviewed"}))).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text());
        env.clock.advance(15 * 60);
        let x = env.api(Method::POST, &act, &tok, Some(json!({"action": "notified", "at": "2026-11-21T09:10", "text": "已於通報應變網站完成通報"}))).await.json();
        assert_eq!((clock(&x, "notify")["state"].as_str(), clock(&x, "review")["deadline"].as_i64()), (Some("met"), Some(NOW + 600 + 7200)));
        let inbox = env.api(Method::GET, "/api/v1/inbox", &sup, None).await.json();
        assert!(inbox["items"].as_array().unwrap().iter().any(|n| n["event"] == "incidents.notified"), "{inbox}");
        let r = env.api(Method::POST, &act, &tok, Some(json!({"action": "notified"}))).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "notified twice at one level");
        let r = env.api(Method::POST, &act, &tok, Some(json!({"action": "recovered", "at": "2026-11-22T09:00"}))).await;
        assert_eq!((r.status, r.json()["error"]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("at")));

        // raised to level 4 by hand after the notification: a new report within the hour
        let mut b = body.clone();
        b["level_override"] = json!(4);
        b["override_reason"] = json!("影響範圍擴及關鍵基礎設施");
        let x = env.api(Method::PUT, &url, &tok, Some(b)).await.json();
        let now = env.clock.unix();
        assert_eq!((x["level"].as_u64(), x["renotify"].as_bool()), (Some(4), Some(true)), "{x}");
        assert_eq!((clock(&x, "notify")["deadline"].as_i64(), clock(&x, "notify")["state"].as_str()), (Some(now + 3600), Some("pending")));
        let x = env.api(Method::POST, &act, &tok, Some(json!({"action": "notified"}))).await.json();
        assert_eq!((x["renotify"].as_bool(), clock(&x, "notify")["state"].as_str()), (Some(false), Some("met")));

        // the supervisor reads it masked and may not change it
        let y = env.api(Method::GET, &url, &sup, None).await.json();
        assert_eq!((y["masked"].as_bool(), y["reporter"].as_str(), y["reporter_contact"].as_str()), (Some(true), Some("王○明"), Some("w***@police.gov.tw, ***678")));
        let r = env.api(Method::POST, &act, &sup, Some(json!({"action": "recovered"}))).await;
        assert!(matches!(r.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND), "{}", r.status);
        let khh = env.org("KHH").await;
        let l = env.api(Method::GET, &format!("/api/v1/orgs/{khh}/incidents"), &sup, None).await.json();
        let ours = l["open"].as_array().unwrap().iter().find(|x| x["id"] == id.as_str()).cloned().unwrap_or_default();
        assert_eq!(ours["reporter"], "王○明", "{l}");
        // with the demo's three (levels 2, 3, 1; notified after 40, 45 and 30 minutes)
        assert_eq!((l["metrics"]["total"].as_u64(), l["metrics"]["by_level"].clone()), (Some(4), json!([1, 1, 1, 1])));
        assert_eq!(l["metrics"]["mean_respond_secs"], (40 + 40 + 45 + 30) * 60 / 4);
        let l = env.api(Method::GET, &format!("/api/v1/orgs/{khh}/incidents?level=4"), &sup, None).await.json();
        assert_eq!((l["total"].as_u64(), l["items"][0]["id"].as_str()), (Some(1), Some(id.as_str())));
        let r = env.api(Method::GET, &format!("/api/v1/orgs/{khh}/incidents?level=9"), &sup, None).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);

        // recovered the next day; the report a month later; closed with its lessons
        env.clock.advance(86_400);
        let r = env.api(Method::POST, &act, &tok, Some(json!({"action": "closed"}))).await;
        assert_eq!(r.status, StatusCode::CONFLICT);
        let x = env.api(Method::POST, &act, &tok, Some(json!({"action": "recovered", "at": "2026-11-22T09:00"}))).await.json();
        // recovered 11/22 → counted from 11/23 → ends 12/22, end of day
        assert_eq!((x["status"].as_str(), clock(&x, "report")["deadline"].as_i64()), (Some("recovered"), Some(NOW + 31 * 86_400 + 14 * 3600 + 59 * 60 + 59)));
        assert_eq!(clock(&x, "recover")["state"], "met");
        let r = env.api(Method::POST, &act, &tok, Some(json!({"action": "closed", "root_cause": "x", "lessons": "y"}))).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "the report first");
        let x = env.api(Method::POST, &act, &tok, Some(json!({"action": "reported"}))).await.json();
        assert_eq!(clock(&x, "report")["state"], "met");
        let r = env.api(Method::POST, &act, &tok, Some(json!({"action": "closed", "root_cause": "外掛元件未更新"}))).await;
        assert_eq!((r.status, r.json()["error"]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("lessons")));
        let x = env.api(Method::POST, &act, &tok, Some(json!({"action": "closed", "root_cause": "外掛元件未更新", "lessons": "建立元件更新清單並納入弱點通報"}))).await.json();
        assert_eq!((x["status"].as_str(), x["overdue"].as_bool(), x["next_deadline"].is_null()), (Some("closed"), Some(false), true));
        let r = env.api(Method::PUT, &url, &tok, Some(body.clone())).await;
        assert_eq!(r.status, StatusCode::CONFLICT);
        let r = env.api(Method::POST, &format!("{url}/notes"), &tok, Some(json!({"text": "結案後補充：已完成教育訓練"}))).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let kinds: Vec<String> = r.json()["timeline"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap().to_string()).collect();
        for k in ["recorded", "escalated", "notified", "edited", "recovered", "reported", "closed", "note"] {
            assert!(kinds.iter().any(|x| x == k), "{k}: {kinds:?}");
        }
        // every step is on the audit trail
        let audit = env.api(Method::GET, "/api/v1/audit?action=incident.closed", &env.token_for("admin").await, None).await;
        assert!(audit.text().contains(&id), "{}", audit.text());

        // the notification's content as the reporting site asks for it
        let n = env.api(Method::GET, &format!("{url}/notification"), &tok, None).await.json();
        assert_eq!((n["aware_at"].as_str(), n["occurred_at"].as_str()), (Some("2026-11-21T08:30:00+08:00"), Some("2026-11-21T07:50:00+08:00")), "{n}");
        assert_eq!((n["level_assessment"]["level"].as_u64(), n["level_assessment"]["computed_level"].as_u64()), (Some(4), Some(3)));
        assert_eq!((n["organisation"].as_str(), n["data_kinds"][0].as_str(), n["affected_assets"].as_array().map(Vec::len)), (Some("屏東縣政府警察局"), Some("personal"), Some(1)), "{n}");
        let n = env.api(Method::GET, &format!("{url}/notification"), &sup, None).await.json();
        assert_eq!(n["reporter"], "王○明");

        // the pages: the list by deadline, the incident with its clocks and timeline
        let s = env.login("officer.police", PASSWORD).await;
        let html = env.request(Method::GET, &format!("/orgs/{pol}/incidents"), &[("cookie", s.cookie.as_str())], None).await.text();
        assert!(html.contains("INC-2026-003") && html.contains("id=\"incident-metrics\"") && html.contains("id=\"incident-new\""), "{html}");
        let html = env.request(Method::GET, &format!("/incidents/{id}"), &[("cookie", s.cookie.as_str())], None).await.text();
        assert!(html.contains("id=\"clocks\"") && html.contains("外掛元件未更新") && html.contains("已結案") && html.contains("王小明"), "{html}");
        let html = env.request(Method::GET, &format!("/incidents/{id}/report"), &[("cookie", s.cookie.as_str())], None).await.text();
        assert!(html.contains("五、事件根因分析") && html.contains("外掛元件未更新") && html.contains("id=\"doc-recovery\"") && html.contains("完成通報"), "{html}");
        let html = env.request(Method::GET, &format!("/incidents/{id}/notification"), &[("cookie", s.cookie.as_str())], None).await.text();
        assert!(html.contains("四、等級之評估") && html.contains("第四級資通安全事件") && html.contains("五、因應事件所採取之措施"), "{html}");
        let s = env.login("supervisor.khh", PASSWORD).await;
        let html = env.request(Method::GET, &format!("/incidents/{id}"), &[("cookie", s.cookie.as_str())], None).await.text();
        assert!(html.contains("王○明") && !html.contains("王小明") && html.contains("id=\"masked\""), "{html}");
    }

    async fn an_incident_is_reported_through_the_form(backend: Backend) {
        let env = TestEnv::demo(backend).await;
        let pol = env.org("PIF-POL").await;
        let s = env.login("officer.police", PASSWORD).await;
        let html = env.request(Method::GET, &format!("/orgs/{pol}/incidents/new"), &[("cookie", s.cookie.as_str())], None).await.text();
        assert!(html.contains("id=\"incident-form\"") && html.contains("name=\"data_kinds\""), "{html}");
        let form = format!(
            "_csrf={}&title=%E5%8B%92%E7%B4%A2&aware_at=2026-11-21T08%3A45&reporter=%E6%9D%8E%E5%9B%9B&asset_class=non_core&confidentiality=none&integrity=minor&availability=within_mtd&data_kinds=personal&data_kinds=sensitive&level_override=",
            s.csrf
        );
        let mut h = s.headers();
        h.push(("content-type", "application/x-www-form-urlencoded"));
        let r = env.request(Method::POST, &format!("/orgs/{pol}/incidents"), &h, Some(form.into_bytes())).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        let to = r.location().unwrap().to_string();
        assert!(to.starts_with("/incidents/"), "{to}");
        let html = env.request(Method::GET, &to, &[("cookie", s.cookie.as_str())], None).await.text();
        assert!(html.contains("data-level=\"1\"") && html.contains("敏感資訊、個人資料") && html.contains("id=\"action-form\""), "{html}");
    }
}

backend_tests! {
    async fn an_incident_names_the_findings_it_came_through(backend: Backend) {
        let env = TestEnv::demo_with_feeds(backend).await;
        let tok = env.token_for("officer.police").await;
        let pol = env.org("PIF-POL").await;
        let f = env.api(Method::GET, &format!("/api/v1/orgs/{pol}/vulns?limit=1"), &tok, None).await.json();
        let finding = f["items"][0]["id"].as_str().unwrap_or_else(|| panic!("{f}")).to_string();
        let asset = f["items"][0]["asset_id"].as_str().unwrap().to_string();
        let cve = f["items"][0]["cve_id"].as_str().unwrap().to_string();
        let x = env.api(Method::POST, &format!("/api/v1/orgs/{pol}/incidents"), &tok, Some(json!({
            "title": "弱點遭利用", "aware_at": "2026-11-21T08:30", "reporter": "王小明",
            "asset_ids": [asset], "asset_class": "core", "confidentiality": "minor",
            "integrity": "serious", "availability": "none",
        }))).await.json();
        let id = x["id"].as_str().unwrap().to_string();
        assert_eq!(x["finding_ids"], json!([]));
        // the page offers the open findings of the affected asset
        let s = env.login("officer.police", PASSWORD).await;
        let html = env.request(Method::GET, &format!("/incidents/{id}"), &[("cookie", s.cookie.as_str())], None).await.text();
        assert!(html.contains("id=\"findings-form\"") && html.contains(&format!("value=\"{finding}\"")), "{html}");
        // another organisation's finding is refused
        let other = env.token_for("officer.health").await;
        let hlt = env.org("PIF-HLT").await;
        let hf = env.api(Method::GET, &format!("/api/v1/orgs/{hlt}/vulns?limit=1&status=all&certainty=all"), &other, None).await.json();
        let path = format!("/api/v1/incidents/{id}/findings");
        if let Some(h) = hf["items"][0]["id"].as_str() {
            let r = env.api(Method::POST, &path, &tok, Some(json!({"finding_ids": [h]}))).await;
            assert_eq!((r.status, r.json()["error"]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("finding_ids")), "{}", r.text());
        }
        let r = env.api(Method::POST, &path, &tok, Some(json!({"finding_ids": ["nope"]}))).await;
        assert_eq!(r.json()["error"]["field"], "finding_ids");
        let r = env.api(Method::POST, &path, &tok, Some(json!({"finding_ids": [finding, finding]}))).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let y = r.json();
        assert_eq!(y["finding_ids"], json!([finding]));
        assert!(y["timeline"].as_array().unwrap().iter().any(|e| e["kind"] == "edited" && e["text"].as_str().unwrap_or("").contains(&cve)), "{y}");
        let html = env.request(Method::GET, &format!("/incidents/{id}"), &[("cookie", s.cookie.as_str())], None).await.text();
        assert!(html.contains("id=\"linked-findings\"") && html.contains(&cve), "{html}");
        // a supervisor reads the link, cannot change it
        let sup = env.token_for("supervisor.khh").await;
        let r = env.api(Method::POST, &path, &sup, Some(json!({"finding_ids": []}))).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text());
    }
}
