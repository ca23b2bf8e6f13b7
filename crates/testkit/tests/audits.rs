//! Security audits on every backend: an internal audit of the police bureau
//! planned with its refusals (untrained auditor, auditor of the audited
//! unit), its items from seed 001's vendor checklist and from 附表十, the
//! auditees notified in time, the items answered, the report raising one
//! corrective action per finding, each action analysed, done and reviewed,
//! the audit closed, the internal-audit obligation completing itself; a
//! supervisory audit with the audit regulation's team rules run from above.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use zian_testkit::http::form;
use zian_testkit::{Backend, PASSWORD, TestEnv, backend_tests};

fn field(r: &zian_testkit::Resp) -> Option<String> {
    r.json()["error"]["field"].as_str().map(str::to_string)
}

/// A day `days` after the environment's today.
fn day(env: &TestEnv, days: i64) -> String {
    zian_domain::day::ymd(env.app.today().saturating_add(time::Duration::days(days)))
}

fn plan(env: &TestEnv) -> Value {
    json!({
        "title": "115 年度內部資通安全稽核",
        "starts_on": day(env, 20),
        "ends_on": day(env, 21),
        "basis": "依資通安全維護計畫辦理年度內部稽核，確認各項控制措施之落實情形。",
        "focus": "存取控制、委外管理、備份",
        "method": "文件審閱、人員訪談及現場檢查",
        "criteria": "資通安全責任等級分級辦法附表十",
        "secrecy": "稽核人員對稽核所知悉之資料負保密義務",
        "auditee_support": "提供帳號清單、備份紀錄及委外合約",
        "auditee_units": ["資訊室"],
        "team": [
            {"name": "林稽核", "unit": "政風室", "trained_on": "2026-03-01", "lead": true},
            {"name": "王稽核", "unit": "會計室", "trained_on": "2025-10-15"}
        ]
    })
}

backend_tests! {
    async fn the_demo_has_an_audit_reported_and_a_vendor_audit_planned(backend: Backend) {
        let env = TestEnv::demo(backend).await;
        env.app.seed_demo_audits().await.expect("demo audits");
        env.app.seed_demo_audits().await.expect("seeded once only");
        let officer = env.token_for("officer.police").await;
        let pol = env.org("PIF-POL").await;
        let l = env.api(Method::GET, &format!("/api/v1/orgs/{pol}/audits"), &officer, None).await.json();
        let items = l["items"].as_array().expect("audits").clone();
        assert_eq!(items.len(), 2, "{l}");
        let internal = items.iter().find(|a| a["kind"] == "internal").expect("internal");
        assert_eq!((internal["status"].as_str(), internal["findings"].as_u64()), (Some("reported"), Some(2)));
        let vendor = items.iter().find(|a| a["kind"] == "vendor").expect("vendor");
        assert_eq!((vendor["status"].as_str(), vendor["unanswered"].as_u64()), (Some("planned"), Some(64)));
        let got = env.api(Method::GET, &format!("/api/v1/audits/{}", internal["id"].as_str().expect("id")), &officer, None).await.json();
        let settled: Vec<bool> = got["actions"].as_array().expect("actions").iter().map(|a| a["settled"].as_bool().unwrap_or(false)).collect();
        assert_eq!(settled.iter().filter(|s| **s).count(), 1, "{got}");
        assert!(got["actions"].as_array().expect("actions").iter().all(|a| !a["root_cause"].as_str().unwrap_or_default().is_empty()));
        // its forms: the results and improvement report, the item record, the tracking report
        let id = internal["id"].as_str().expect("id");
        for (name, words) in [
            ("audit-report", &["稽核結果及改善報告", "稽核缺失或待改善稽核項目", "符合 1 項、不符合 2 項", "辦理中", "確認有效"][..]),
            ("audit-checklist", &["稽核項目紀錄表", "A.2", "不符合", "黃志明"][..]),
            ("improvement-tracking", &["改善績效追蹤報告", "發生原因分析", "合格／完成", "待追蹤"][..]),
        ] {
            for format in ["pdf", "odt", "docx"] {
                let r = env.api(Method::GET, &format!("/api/v1/audits/{id}/documents/{name}?format={format}"), &officer, None).await;
                assert_eq!(r.status, StatusCode::OK, "{name}.{format}: {}", r.text());
                if format == "pdf" && matches!(backend, Backend::Sqlite) {
                    let dir = std::env::temp_dir().join(format!("zian-audit-docs-{}", std::process::id()));
                    std::fs::create_dir_all(&dir).expect("dir");
                    let path = dir.join(format!("{name}.pdf"));
                    std::fs::write(&path, &r.body).expect("write");
                    let text = zian_testkit::office::pdf_text(&path);
                    for w in words {
                        assert!(text.contains(w), "{name}.pdf lacks {w}: {text}");
                    }
                }
            }
        }
        let vendor_id = vendor["id"].as_str().expect("id");
        let r = env.api(Method::GET, &format!("/api/v1/audits/{vendor_id}/documents/audit-checklist?format=csv"), &officer, None).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let csv = String::from_utf8_lossy(&r.body).to_string();
        assert!(csv.contains("5.26") && csv.contains("每六個月"), "{csv}");
        let other = env.token_for("officer.penghu").await;
        let r = env.api(Method::GET, &format!("/api/v1/audits/{id}/documents/audit-report"), &other, None).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text());
    }

    async fn kept_checklists_flow_down_the_tree_and_fill_an_audit(backend: Backend) {
        let env = TestEnv::demo(backend).await;
        let admin = env.token_for("admin").await;
        let officer = env.token_for("officer.police").await;
        let pol = env.org("PIF-POL").await;
        let acs = env.org("ACS").await;
        // the administrators' checklist, kept at the root, reaches every agency
        let r = env.api(Method::POST, &format!("/api/v1/orgs/{acs}/audit-checklists"), &admin, Some(json!({"name": "全國共通查核項目表", "lines": "1 | 資安治理 | 是否訂定資通安全維護計畫？\n2 | 資安治理 | 是否設置資通安全長？"}))).await;
        assert_eq!((r.status, r.json()["items"].as_u64()), (StatusCode::CREATED, Some(2)), "{}", r.text());
        let national = r.json()["id"].as_str().expect("id").to_string();
        let list = format!("/api/v1/orgs/{pol}/audit-checklists");
        // the bureau's own: refused without items or with a bad line, then kept
        for (lines, f) in [("", "lines"), ("一 | 二 | 三 | 四", "lines")] {
            let r = env.api(Method::POST, &list, &officer, Some(json!({"name": "個資查核", "lines": lines}))).await;
            assert_eq!((r.status, field(&r).as_deref()), (StatusCode::UNPROCESSABLE_ENTITY, Some(f)), "{}", r.text());
        }
        let r = env.api(Method::POST, &list, &officer, Some(json!({"name": "個資查核", "lines": "個資 | 是否建立個人資料檔案清冊？\n\n個資 | 是否定期清查？\n個資 | 外洩時是否通報？"}))).await;
        assert_eq!((r.status, r.json()["items"].as_u64()), (StatusCode::CREATED, Some(3)), "{}", r.text());
        let own = r.json()["id"].as_str().expect("id").to_string();
        let got = env.api(Method::GET, &list, &officer, None).await.json();
        assert_eq!((got["own"][0]["id"].as_str(), got["inherited"][0]["id"].as_str()), (Some(own.as_str()), Some(national.as_str())), "{got}");
        // another county sees the national one, never the bureau's
        let pen = env.org("PEN-FIRE").await;
        let other = env.token_for("officer.penghu").await;
        let theirs = env.api(Method::GET, &format!("/api/v1/orgs/{pen}/audit-checklists"), &other, None).await.text();
        assert!(theirs.contains(&national) && !theirs.contains(&own), "{theirs}");
        assert_eq!(env.api(Method::DELETE, &format!("/api/v1/audit-checklists/{own}"), &other, None).await.status, StatusCode::NOT_FOUND);
        // a planned audit's items copied from a kept checklist; an unknown one refused
        let r = env.api(Method::POST, &format!("/api/v1/orgs/{pol}/audits"), &officer, Some(plan(&env))).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let a = format!("/api/v1/audits/{}", r.json()["id"].as_str().expect("id"));
        let r = env.api(Method::PUT, &format!("{a}/items"), &officer, Some(json!({"checklist": format!("saved:{national}")}))).await;
        assert_eq!((r.status, r.json()["body"]["items"].as_array().map(Vec::len)), (StatusCode::OK, Some(2)), "{}", r.text());
        let r = env.api(Method::PUT, &format!("{a}/items"), &officer, Some(json!({"checklist": "saved:nothing"}))).await;
        assert_eq!((r.status, field(&r).as_deref()), (StatusCode::UNPROCESSABLE_ENTITY, Some("checklist")), "{}", r.text());
        let r = env.api(Method::PUT, &format!("{a}/items"), &officer, Some(json!({"checklist": format!("saved:{own}")}))).await;
        assert_eq!(r.json()["body"]["items"][2]["question"], json!("外洩時是否通報？"), "{}", r.text());
        // removed: the audit keeps its items; the officer cannot remove the national one
        assert_eq!(env.api(Method::DELETE, &format!("/api/v1/audit-checklists/{national}"), &officer, None).await.status, StatusCode::NOT_FOUND);
        let r = env.api(Method::DELETE, &format!("/api/v1/audit-checklists/{own}"), &officer, None).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        assert_eq!(env.api(Method::GET, &a, &officer, None).await.json()["body"]["items"].as_array().map(Vec::len), Some(3));
        assert_eq!(env.api(Method::GET, &list, &officer, None).await.json()["own"], json!([]));
    }

    async fn an_internal_audit_runs_from_plan_to_closed_corrective_actions(backend: Backend) {
        let env = TestEnv::demo(backend).await;
        let officer = env.token_for("officer.police").await;
        let ciso = env.token_for("ciso.police").await;
        let pol = env.org("PIF-POL").await;
        let url = format!("/api/v1/orgs/{pol}/audits");
        // the team's rules are refused by field
        let mut untrained = plan(&env);
        untrained["team"][1]["trained_on"] = Value::Null;
        let mut own_unit = plan(&env);
        own_unit["team"][0]["unit"] = json!("資訊室");
        let mut backwards = plan(&env);
        backwards["ends_on"] = json!(day(&env, 10));
        for (body, f) in [(untrained, "team"), (own_unit, "team"), (backwards, "ends_on")] {
            let r = env.api(Method::POST, &url, &officer, Some(body)).await;
            assert_eq!((r.status, field(&r).as_deref()), (StatusCode::UNPROCESSABLE_ENTITY, Some(f)), "{}", r.text());
            assert!(r.json()["error"]["message"].as_str().is_some_and(|m| !m.is_empty()));
        }
        let r = env.api(Method::POST, &url, &officer, Some(plan(&env))).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let id = r.json()["id"].as_str().expect("id").to_string();
        assert_eq!((r.json()["status"].as_str(), r.json()["kind"].as_str()), (Some("planned"), Some("internal")));
        let a = format!("/api/v1/audits/{id}");
        // notifying without items is refused; the vendor checklist of seed 001 gives 64
        let r = env.api(Method::POST, &format!("{a}/notify"), &officer, None).await;
        assert_eq!((r.status, field(&r).as_deref()), (StatusCode::UNPROCESSABLE_ENTITY, Some("items")), "{}", r.text());
        let r = env.api(Method::PUT, &format!("{a}/items"), &officer, Some(json!({"checklist": "vendor-001"}))).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let items = r.json()["body"]["items"].as_array().expect("items").clone();
        assert_eq!(items.len(), 64);
        assert_eq!((items[0]["auditor"].as_str(), items[1]["auditor"].as_str()), (Some("林稽核"), Some("王稽核")));
        assert!(items[41]["question"].as_str().unwrap_or_default().contains("每六個月"));
        // typed items; a line that does not parse is named
        let r = env.api(Method::PUT, &format!("{a}/items"), &officer, Some(json!({"checklist": "custom", "lines": "存取控制 | 離職人員帳號是否即時停用？\n一 | 二 | 三 | 四"}))).await;
        assert_eq!((r.status, field(&r).as_deref()), (StatusCode::UNPROCESSABLE_ENTITY, Some("items")), "{}", r.text());
        let lines = "A.1 | 存取控制 | 離職人員帳號是否即時停用？\nA.2 | 存取控制 | 特權帳號是否每季審查？\nB.1 | 備份 | 備份是否每月回復測試？";
        let r = env.api(Method::PUT, &format!("{a}/items"), &officer, Some(json!({"checklist": "custom", "lines": lines}))).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        assert_eq!(r.json()["body"]["items"].as_array().map(Vec::len), Some(3));
        // notified 20 days ahead (14 needed); the CISO gets the schedule
        let r = env.api(Method::POST, &format!("{a}/notify"), &officer, None).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        assert_eq!(r.json()["status"], "notified");
        let inbox = env.api(Method::GET, "/api/v1/inbox", &ciso, None).await.text();
        assert!(inbox.contains("115 年度內部資通安全稽核"), "{inbox}");
        let r = env.api(Method::PUT, &a, &officer, Some(plan(&env))).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "the plan is fixed once notified: {}", r.text());
        // the fieldwork: a nonconformity needs its explanation; all or none are kept
        let r = env.api(Method::POST, &format!("{a}/answers"), &officer, Some(json!({"answers": [
            {"item": 0, "answer": "conforms", "note": ""},
            {"item": 1, "answer": "nonconforms", "note": ""}
        ]}))).await;
        assert_eq!((r.status, field(&r).as_deref()), (StatusCode::UNPROCESSABLE_ENTITY, Some("note")), "{}", r.text());
        let got = env.api(Method::GET, &a, &officer, None).await.json();
        assert_eq!(got["unanswered"], 3, "nothing kept: {got}");
        let r = env.api(Method::POST, &format!("{a}/answers"), &officer, Some(json!({"answers": [
            {"item": 0, "answer": "conforms", "note": "抽查 10 個帳號均已停用"},
            {"item": 1, "answer": "nonconforms", "note": "特權帳號未每季審查"},
            {"item": 2, "answer": "nonconforms", "note": "備份未作回復測試"}
        ]}))).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        assert_eq!((r.json()["conforms"].as_u64(), r.json()["findings"].as_u64()), (Some(1), Some(2)));
        // not before the audit starts
        let r = env.api(Method::POST, &format!("{a}/report"), &officer, Some(json!({"conclusion": "二項缺失"}))).await;
        assert_eq!((r.status, field(&r).as_deref()), (StatusCode::UNPROCESSABLE_ENTITY, Some("status")), "{}", r.text());
        env.clock.advance(21 * 86_400);
        let r = env.api(Method::POST, &format!("{a}/report"), &officer, Some(json!({
            "conclusion": "整體符合，特權帳號審查及備份回復測試待改善。",
            "actions": [{"item": 1, "title": "建立特權帳號季審查程序", "owner": "資訊室", "due_on": day(&env, 20)}]
        }))).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        assert_eq!(r.json()["status"], "reported");
        let got = env.api(Method::GET, &a, &officer, None).await.json();
        let actions = got["actions"].as_array().expect("actions").clone();
        assert_eq!(actions.len(), 2, "{got}");
        let given = actions.iter().find(|x| x["title"] == "建立特權帳號季審查程序").expect("given action");
        let default = actions.iter().find(|x| x["title"] == "改善：備份未作回復測試").expect("default action");
        assert_eq!(default["owner"], "資訊室");
        assert_eq!(default["due_on"].as_str(), Some(day(&env, 30).as_str()), "a month after the report");
        assert!(given["finding"].as_str().unwrap_or_default().contains("特權帳號未每季審查"));
        // the internal-audit obligation completed itself
        let c = env.api(Method::GET, &format!("/api/v1/orgs/{pol}/obligations"), &officer, None).await.text();
        assert!(c.contains("依稽核紀錄自動判定"), "{c}");
        // not closed while actions are open
        let r = env.api(Method::POST, &format!("{a}/close"), &officer, None).await;
        assert_eq!((r.status, field(&r).as_deref()), (StatusCode::UNPROCESSABLE_ENTITY, Some("status")), "{}", r.text());
        for x in [given, default] {
            let ca = format!("/api/v1/corrective-actions/{}", x["id"].as_str().expect("id"));
            let r = env.api(Method::POST, &format!("{ca}/analysis"), &officer, Some(json!({"root_cause": "", "similar": "", "plan": "x"}))).await;
            assert_eq!((r.status, field(&r).as_deref()), (StatusCode::UNPROCESSABLE_ENTITY, Some("root_cause")), "{}", r.text());
            let r = env.api(Method::POST, &format!("{ca}/analysis"), &officer, Some(json!({"root_cause": "未訂定審查週期", "similar": "檢查其他系統之特權帳號，無類似缺失", "plan": "訂定每季審查程序並留存紀錄"}))).await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.text());
            // reviewed only when done
            let r = env.api(Method::POST, &format!("{ca}/review"), &ciso, Some(json!({"effective": true, "note": "抽查紀錄"}))).await;
            assert_eq!((r.status, field(&r).as_deref()), (StatusCode::UNPROCESSABLE_ENTITY, Some("status")), "{}", r.text());
            let r = env.api(Method::POST, &format!("{ca}/done"), &officer, Some(json!({"result": "已完成並留存紀錄"}))).await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.text());
            assert_eq!(r.json()["settled"], false, "awaits its review");
        }
        // one review finds it not effective: open again with a new due date
        let first = format!("/api/v1/corrective-actions/{}", given["id"].as_str().expect("id"));
        let r = env.api(Method::POST, &format!("{first}/review"), &ciso, Some(json!({"effective": false, "note": "第二季紀錄缺漏", "due_on": day(&env, 40)}))).await;
        assert_eq!((r.status, r.json()["status"].as_str()), (StatusCode::OK, Some("open")), "{}", r.text());
        let r = env.api(Method::POST, &format!("{first}/done"), &officer, Some(json!({"result": "補齊第二季紀錄"}))).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        for x in [&first, &format!("/api/v1/corrective-actions/{}", default["id"].as_str().expect("id"))] {
            let r = env.api(Method::POST, &format!("{x}/review"), &ciso, Some(json!({"effective": true, "note": "抽查紀錄完整"}))).await;
            assert_eq!((r.status, r.json()["settled"].as_bool()), (StatusCode::OK, Some(true)), "{}", r.text());
        }
        let r = env.api(Method::POST, &format!("{a}/close"), &officer, None).await;
        assert_eq!((r.status, r.json()["status"].as_str()), (StatusCode::OK, Some("closed")), "{}", r.text());
        // the list with its filters; another county sees none of it
        let l = env.api(Method::GET, &format!("{url}?kind=internal&status=closed"), &officer, None).await.json();
        assert_eq!(l["items"].as_array().map(Vec::len), Some(1), "{l}");
        let l = env.api(Method::GET, &format!("{url}?status=planned"), &officer, None).await.json();
        assert_eq!(l["items"].as_array().map(Vec::len), Some(0), "{l}");
        let other = env.token_for("officer.penghu").await;
        let r = env.api(Method::GET, &a, &other, None).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text());
        let actions = zian_testkit::http::audit_actions(&env, "audits.").await;
        for x in ["audits.planned", "audits.items_set", "audits.notified", "audits.answered", "audits.reported", "audits.closed"] {
            assert!(actions.iter().any(|a| a == x), "{x} in {actions:?}");
        }
        // the next plan carries this audit's results
        let r = env.api(Method::POST, &url, &officer, Some(plan(&env))).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        assert!(r.json()["body"]["previous_results"].as_str().unwrap_or_default().contains("不符合 2 項"), "{}", r.text());
    }

    async fn the_pages_take_an_audit_from_plan_to_closed_actions(backend: Backend) {
        let env = TestEnv::demo(backend).await;
        let pol = env.org("PIF-POL").await;
        let s = env.login("officer.police", PASSWORD).await;
        let mut h = s.headers();
        h.push(("content-type", "application/x-www-form-urlencoded"));
        let post = async |path: &str, pairs: &[(&str, &str)]| {
            let mut all = vec![("_csrf", s.csrf.as_str())];
            all.extend_from_slice(pairs);
            let r = env.request(Method::POST, path, &h, Some(form(&all))).await;
            assert_eq!(r.status, StatusCode::SEE_OTHER, "{path}: {}", r.text());
            let to = r.location().expect("back").to_owned();
            let page = env.request(Method::GET, &to, &s.headers(), None).await;
            assert_eq!(page.status, StatusCode::OK, "{to}");
            (to, page.text())
        };
        let list = env.request(Method::GET, &format!("/orgs/{pol}/audits"), &s.headers(), None).await.text();
        assert!(list.contains("id=\"audit-form\"") && list.contains("id=\"nav-audits\""), "{list}");
        let today = day(&env, 0);
        let (to, page) = post(&format!("/orgs/{pol}/audits"), &[
            ("kind", "internal"), ("title", "頁面稽核"), ("starts_on", &today), ("ends_on", &today), ("notice_days", "0"),
            ("auditee_units", "資訊室"), ("team", "林稽核 | 政風室 | 2026-01-01 | 召集人\n王稽核 | 會計室 | 2026-02-01"),
        ]).await;
        assert!(page.contains("已建立稽核計畫") && page.contains("召集人"), "{page}");
        let id = to.trim_start_matches("/audits/").split('?').next().expect("id").to_string();
        let (_, page) = post(&format!("/audits/{id}/items"), &[("checklist", "custom"), ("lines", "存取 | 帳號是否定期審查？\n備份 | 是否回復測試？")]).await;
        assert!(page.contains("帳號是否定期審查？") && page.contains("id=\"audit-notify\""), "{page}");
        let (_, page) = post(&format!("/audits/{id}/notify"), &[]).await;
        assert!(page.contains("id=\"answers-form\""), "{page}");
        let (_, page) = post(&format!("/audits/{id}/answers"), &[("answer.0", "conforms"), ("note.0", ""), ("answer.1", "nonconforms"), ("note.1", "未做回復測試")]).await;
        assert!(page.contains("data-answer=\"nonconforms\""), "{page}");
        let (_, page) = post(&format!("/audits/{id}/report"), &[("conclusion", "一項缺失")]).await;
        assert!(page.contains("改善：未做回復測試"), "{page}");
        let action = env.api(Method::GET, &format!("/api/v1/audits/{id}"), &env.token_for("officer.police").await, None).await.json()["actions"][0]["id"].as_str().expect("action").to_string();
        post(&format!("/corrective-actions/{action}/analysis"), &[("root_cause", "合約未要求"), ("similar", "無"), ("plan", "修約")]).await;
        post(&format!("/corrective-actions/{action}/done"), &[("result", "已修約並完成測試")]).await;
        let (_, page) = post(&format!("/corrective-actions/{action}/review"), &[("effective", "true"), ("review_note", "紀錄完整")]).await;
        assert!(page.contains("data-settled=\"true\""), "{page}");
        let (_, page) = post(&format!("/audits/{id}/close"), &[]).await;
        assert!(page.contains("data-status=\"closed\""), "{page}");
        // a bad plan goes back to its form with the message by the field
        let r = env.request(Method::POST, &format!("/orgs/{pol}/audits"), &h, Some(form(&[("_csrf", s.csrf.as_str()), ("title", "未訓練"), ("starts_on", today.as_str()), ("ends_on", today.as_str()), ("team", "陳稽核 | 人事室")]))).await;
        let back = r.location().map(str::to_owned);
        let text = match back {
            Some(l) => env.request(Method::GET, &l, &s.headers(), None).await.text(),
            None => r.text(),
        };
        assert!(text.contains("未具稽核訓練"), "{text}");
    }

    async fn a_supervisory_audit_follows_the_audit_regulations_team_rules(backend: Backend) {
        let env = TestEnv::demo(backend).await;
        let sup = env.token_for("supervisor.khh").await;
        let officer = env.token_for("officer.police").await;
        // an agency under the Kaohsiung hub
        let list = env.api(Method::GET, "/api/v1/orgs?limit=200", &sup, None).await.json();
        let khh = list["items"].as_array().expect("orgs").iter().find(|o| o["code"] == "KHH").expect("KHH").clone();
        let child = list["items"].as_array().expect("orgs").iter()
            .find(|o| o["parent_id"] == khh["id"] && o["level"].is_string())
            .unwrap_or_else(|| panic!("an agency under KHH: {list}")).clone();
        let url = format!("/api/v1/orgs/{}/audits", child["id"].as_str().expect("id"));
        let member = |name: &str, public: bool| json!({"name": name, "unit": "高雄市政府資訊局", "trained_on": "2026-01-10", "public_rep": public, "declared": true});
        let mut body = plan(&env);
        body["kind"] = json!("supervisory");
        body["starts_on"] = json!(day(&env, 40));
        body["ends_on"] = json!(day(&env, 40));
        body["team"] = json!([member("甲委員", true), member("乙委員", false)]);
        let r = env.api(Method::POST, &url, &sup, Some(body.clone())).await;
        assert_eq!((r.status, field(&r).as_deref()), (StatusCode::UNPROCESSABLE_ENTITY, Some("team")), "three members: {}", r.text());
        body["team"] = json!([member("甲委員", false), member("乙委員", false), member("丙委員", false)]);
        let r = env.api(Method::POST, &url, &sup, Some(body.clone())).await;
        assert_eq!((r.status, field(&r).as_deref()), (StatusCode::UNPROCESSABLE_ENTITY, Some("team")), "a quarter public: {}", r.text());
        body["team"] = json!([member("甲委員", true), member("乙委員", false), member("丙委員", false)]);
        body["recusals"] = json!([{"name": "丁委員", "reason": "employment", "note": ""}]);
        let r = env.api(Method::POST, &url, &sup, Some(body.clone())).await;
        assert_eq!((r.status, field(&r).as_deref()), (StatusCode::UNPROCESSABLE_ENTITY, Some("recusals")), "{}", r.text());
        body["recusals"] = json!([{"name": "丁委員", "reason": "employment", "note": "近二年曾受僱於受稽核機關"}]);
        body["notice_days"] = json!(10);
        let r = env.api(Method::POST, &url, &sup, Some(body.clone())).await;
        assert_eq!((r.status, field(&r).as_deref()), (StatusCode::UNPROCESSABLE_ENTITY, Some("notice_days")), "a month's notice: {}", r.text());
        body.as_object_mut().expect("object").remove("notice_days");
        let r = env.api(Method::POST, &url, &sup, Some(body.clone())).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        assert_eq!((r.json()["run_by"].as_str(), r.json()["notice_days"].as_u64()), (khh["id"].as_str(), Some(30)));
        // an officer of another county cannot run one there
        let r = env.api(Method::POST, &url, &officer, Some(body)).await;
        assert!(matches!(r.status, StatusCode::NOT_FOUND | StatusCode::FORBIDDEN), "{}", r.text());
    }
}
