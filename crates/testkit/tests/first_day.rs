//! Issue 9, the rough edges of the first day, on every backend: two-step
//! enrolment with a QR code and a second chance for the first code; the
//! demo's login page; evidence replaced and deleted without loss, allowed
//! types only; risk numbers and treatment measures; the bulk update of
//! baseline controls; editing an approved plan version offers a new draft;
//! the systems overdue for their level review. In Chromium: the QR code and
//! the character counter.

use std::time::Duration;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use data_encoding::BASE64;
use serde_json::{Value, json};
use tower::ServiceExt;
use zian_testkit::browser::Browser;
use zian_testkit::http::{audit_actions, col, form, parse_csv};
use zian_testkit::{Backend, PASSWORD, Resp, Session, TestEnv, backend_tests};

const T: Duration = Duration::from_secs(10);

/// A page form posted with the session's cookie and CSRF token.
async fn post_form(env: &TestEnv, s: &Session, path: &str, pairs: &[(&str, &str)]) -> Resp {
    let mut all: Vec<(&str, &str)> = vec![("_csrf", s.csrf.as_str())];
    all.extend_from_slice(pairs);
    env.request(
        Method::POST,
        path,
        &[
            ("cookie", s.cookie.as_str()),
            ("content-type", "application/x-www-form-urlencoded"),
        ],
        Some(form(&all)),
    )
    .await
}

/// A multipart page upload of one file.
async fn post_file(env: &TestEnv, s: &Session, path: &str, name: &str, bytes: &[u8]) -> Resp {
    let boundary = "firstDayBoundary9";
    let mut b = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n",
        s.csrf
    )
    .into_bytes();
    b.extend_from_slice(bytes);
    b.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let ct = format!("multipart/form-data; boundary={boundary}");
    env.request(
        Method::POST,
        path,
        &[("cookie", s.cookie.as_str()), ("content-type", ct.as_str())],
        Some(b),
    )
    .await
}

async fn get_page(env: &TestEnv, s: &Session, path: &str) -> Resp {
    env.request(Method::GET, path, &[("cookie", s.cookie.as_str())], None)
        .await
}

/// The text between `start` and the next `end` after it.
fn between<'a>(html: &'a str, start: &str, end: &str) -> &'a str {
    let i = html
        .find(start)
        .unwrap_or_else(|| panic!("{start} not in page"))
        + start.len();
    let j = html[i..].find(end).expect("end") + i;
    &html[i..j]
}

async fn upload(env: &TestEnv, token: &str, org: &str, name: &str, bytes: &[u8]) -> Resp {
    env.api(
        Method::POST,
        &format!("/api/v1/orgs/{org}/evidence"),
        token,
        Some(json!({"filename": name, "content_base64": BASE64.encode(bytes)})),
    )
    .await
}

/// The audit entries whose action starts with `prefix`, newest first.
async fn audit(env: &TestEnv, prefix: &str) -> Vec<Value> {
    let admin = env.token_for("admin").await;
    env.api(
        Method::GET,
        &format!("/api/v1/audit?action={prefix}&limit=100"),
        &admin,
        None,
    )
    .await
    .json()["items"]
        .as_array()
        .expect("items")
        .clone()
}

fn risk_body(asset: &str) -> Value {
    json!({"asset": asset, "threat": "勒索軟體", "weakness": "未更新", "asset_value": 2,
           "likelihood": 2, "vulnerability": 2, "treatment": "mitigate", "owner": "資訊室",
           "due_on": "2027-03-31", "measures": "導入多因子驗證\n每週離線備份"})
}

async fn create_system(env: &TestEnv, token: &str, org: &str, name: &str) -> String {
    let r = env
        .api(
            Method::POST,
            &format!("/api/v1/orgs/{org}/systems"),
            token,
            Some(json!({"name": name, "owner": "資訊室"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    r.json()["id"].as_str().expect("id").to_string()
}

async fn grade(env: &TestEnv, token: &str, sys: &str, assessed_on: &str) {
    let q = env.app.questionnaire().expect("questionnaire");
    let answers: serde_json::Map<String, Value> = q
        .questions
        .iter()
        .map(|x| (x.id.clone(), json!(x.options.last().expect("option").id)))
        .collect();
    let r = env
        .api(
            Method::POST,
            &format!("/api/v1/systems/{sys}/grading"),
            token,
            Some(json!({"answers": answers, "assessor": "林怡君", "approver": "陳建宏", "assessed_on": assessed_on})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
}

async fn risk_number(env: &TestEnv, token: &str, id: &str) -> String {
    env.api(Method::GET, &format!("/api/v1/risks/{id}"), token, None)
        .await
        .json()["number"]
        .as_str()
        .expect("number")
        .to_string()
}

async fn put_chapter(env: &TestEnv, token: &str, id: &str, ch: &str, body: Value) {
    let r = env
        .api(
            Method::PUT,
            &format!("/api/v1/plans/{id}/chapters/{ch}"),
            token,
            Some(body),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{ch}: {}", r.text());
}

backend_tests! {
    async fn totp_enrolment_shows_a_qr_code_and_a_wrong_first_code_keeps_the_secret(env: TestEnv) {
        let s = env.login("officer.police", PASSWORD).await;
        let r = post_form(&env, &s, "/account/mfa/begin", &[]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        assert_eq!(r.location(), Some("/account/mfa"));
        let page = || async {
            env.request(Method::GET, "/account/mfa", &[("cookie", s.cookie.as_str()), ("host", "zian.test")], None)
                .await
                .text()
        };
        let html = page().await;
        // the QR code: an inline SVG drawn on the server, dark modules as a path
        let svg = between(&html, "<svg class=\"qr\" id=\"totp-qr\"", "</svg>");
        let d = between(svg, " d=\"", "\"");
        assert!(d.starts_with('M') && d.len() > 200, "path data: {d}");
        assert!(!html.contains("<?xml"));
        // the secret still shown for manual entry, and the URI it encodes
        let secret = between(&html, "id=\"totp-secret\" class=\"secret\">", "<").to_string();
        assert_eq!(secret.len(), 32);
        let uri = between(&html, "id=\"totp-uri\">", "<");
        assert!(uri.starts_with("otpauth://totp/") && uri.contains(&format!("secret={secret}")), "{uri}");
        // a wrong first code: refused, the same secret offered again with its QR code
        let key = zian_domain::totp::secret_from_base32(&secret).expect("base32");
        let right = zian_domain::totp::code_at(&key, env.clock.unix());
        let wrong = if right == "000000" { "111111" } else { "000000" };
        // (as a browser on the settings page posts it)
        let body = serde_urlencoded::to_string([("_csrf", s.csrf.as_str()), ("code", wrong)]).unwrap();
        let r = env
            .request(
                Method::POST,
                "/account/mfa/confirm",
                &[
                    ("cookie", s.cookie.as_str()),
                    ("content-type", "application/x-www-form-urlencoded"),
                    ("host", "zian.test"),
                    ("referer", "http://zian.test/account/mfa"),
                ],
                Some(body.into_bytes()),
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        let html = page().await;
        assert!(html.contains("id=\"refused\""), "{html}");
        assert!(html.contains("驗證碼不正確"));
        assert_eq!(between(&html, "id=\"totp-secret\" class=\"secret\">", "<"), secret);
        assert!(html.contains("id=\"totp-qr\""));
        // the right code from the same authenticator entry enrols
        let r = post_form(&env, &s, "/account/mfa/confirm", &[("code", right.as_str())]).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        assert!(r.text().contains("id=\"recovery-codes\""));
        let p = env.principal("officer.police").await;
        assert!(p.user.totp_enabled);
        assert_eq!(audit_actions(&env, "mfa.enabled").await.len(), 1);
    }

    async fn the_demo_login_page_says_two_step_verification_is_off(env: TestEnv) {
        let plain = env.request(Method::GET, "/login", &[], None).await.text();
        assert!(!plain.contains("id=\"login-demo\""));
        let demo = zian_web::router(zian_web::AppState::new(
            env.app.clone(),
            zian_web::WebConfig { demo: true, ..zian_web::WebConfig::default() },
        ));
        let resp = demo
            .oneshot(Request::builder().uri("/login").body(Body::empty()).expect("request"))
            .await
            .expect("infallible");
        assert_eq!(resp.status(), StatusCode::OK);
        let bytes = axum::body::to_bytes(resp.into_body(), 1 << 20).await.expect("body");
        let html = String::from_utf8_lossy(&bytes);
        assert!(html.contains("id=\"login-demo\""), "{html}");
        assert!(html.contains("本示範環境未啟用兩步驟驗證"));
    }

    async fn evidence_is_replaced_with_history_and_deleted_with_a_reason(env: TestEnv) {
        let officer = env.token_for("officer.police").await;
        let pol = env.org("PIF-POL").await;
        let s = env.login("officer.police", PASSWORD).await;
        let v1 = b"%PDF-1.7 first".to_vec();
        let r = upload(&env, &officer, &pol, "稽核報告.pdf", &v1).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let old = r.json()["id"].as_str().unwrap().to_string();

        // replace: a new version; the old one stays, downloadable, in the history
        let v2 = b"%PDF-1.7 second".to_vec();
        let r = post_file(&env, &s, &format!("/evidence/{old}/replace"), "稽核報告（修正版）.pdf", &v2).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        let loc = r.location().unwrap().to_string();
        let new = between(&loc, "/evidence/", "/versions").to_string();
        assert_ne!(new, old);
        let list = env.api(Method::GET, &format!("/api/v1/orgs/{pol}/evidence"), &officer, None).await.json();
        let ids: Vec<&str> = list["items"].as_array().unwrap().iter().map(|f| f["id"].as_str().unwrap()).collect();
        assert_eq!(ids, vec![new.as_str()]);
        let r = env.api(Method::GET, &format!("/api/v1/evidence/{old}"), &officer, None).await;
        assert_eq!(r.body, v1);
        let html = get_page(&env, &s, &format!("/evidence/{new}/versions")).await.text();
        let versions = between(&html, "id=\"ev-versions\"", "</table>");
        assert!(versions.contains(&format!("data-id=\"{old}\"")) && versions.contains(&format!("data-id=\"{new}\"")));
        assert!(versions.find(&old) < versions.find(&new), "oldest first");
        // a replaced version cannot be replaced again
        let r = post_file(&env, &s, &format!("/evidence/{old}/replace"), "again.pdf", b"%PDF-1.7 x").await;
        assert_eq!(r.status, StatusCode::CONFLICT);
        // both in the audit trail, the replacement naming the old file and both hashes
        let up = audit(&env, "evidence.").await;
        let actions: Vec<&str> = up.iter().map(|e| e["action"].as_str().unwrap()).collect();
        assert_eq!(actions, vec!["evidence.replaced", "evidence.uploaded"]);
        let details = up[0]["details"].to_string();
        assert!(details.contains(&old), "{details}");

        // delete: a reason is required; then it leaves the list, kept and audited
        let r = post_form(&env, &s, &format!("/evidence/{new}/delete"), &[("reason", " ")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
        assert!(r.text().contains("data-code=\"validation\""), "{}", r.text());
        let r = post_form(&env, &s, &format!("/evidence/{new}/delete"), &[("reason", "上傳錯誤之檔案")]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        let list = env.api(Method::GET, &format!("/api/v1/orgs/{pol}/evidence"), &officer, None).await.json();
        assert_eq!(list["items"], json!([]));
        let html = get_page(&env, &s, &format!("/evidence/{new}/versions")).await.text();
        assert!(html.contains("id=\"ev-deleted\"") && html.contains("上傳錯誤之檔案"));
        let del = audit(&env, "evidence.deleted").await;
        assert_eq!(del.len(), 1);
        assert!(del[0]["details"].to_string().contains("上傳錯誤之檔案"));

        // a file that proves a completed obligation cannot be deleted
        let r = upload(&env, &officer, &pol, "內部稽核.pdf", b"%PDF-1.7 proof").await;
        let proof = r.json()["id"].as_str().unwrap().to_string();
        let obs = env.api(Method::GET, &format!("/api/v1/orgs/{pol}/obligations"), &officer, None).await.json();
        let rule = obs["obligations"].as_array().unwrap().iter()
            .find(|o| o["status"] == "overdue" && o["frequency"] != "once").unwrap()["id"].as_str().unwrap().to_string();
        let r = env.api(Method::POST, &format!("/api/v1/orgs/{pol}/obligations/completions"), &officer,
            Some(json!({"rule_id": rule, "note": "內部稽核已完成", "evidence_id": proof}))).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        // a deleted or replaced file proves nothing new
        for gone in [&new, &old] {
            let r = env.api(Method::POST, &format!("/api/v1/orgs/{pol}/obligations/completions"), &officer,
                Some(json!({"rule_id": rule, "note": "x", "evidence_id": gone}))).await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
        }
        let r = post_form(&env, &s, &format!("/evidence/{proof}/delete"), &[("reason", "不需要了")]).await;
        assert_eq!(r.status, StatusCode::CONFLICT);
        assert!(r.text().contains("已完成義務之證明"), "{}", r.text());
        assert_eq!(audit(&env, "evidence.deleted").await.len(), 1);
        let html = get_page(&env, &s, &format!("/evidence/{proof}/versions")).await.text();
        assert!(between(&html, "id=\"ev-proves\">", "</dd>").contains(&rule));
    }

    async fn only_allowed_file_types_whose_content_matches(env: TestEnv) {
        let officer = env.token_for("officer.police").await;
        let pol = env.org("PIF-POL").await;
        let r = upload(&env, &officer, &pol, "setup.exe", b"MZ\x90\x00\x03").await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let m = r.json()["error"]["message"].as_str().unwrap().to_string();
        assert!(m.contains("不接受此類檔案（.exe）") && m.contains("pdf"), "{m}");
        // a program renamed to .pdf or .txt
        let r = upload(&env, &officer, &pol, "報告.pdf", b"MZ\x90\x00\x03").await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.json()["error"]["message"].as_str().unwrap().contains("與副檔名（.pdf）不符"));
        assert_eq!(upload(&env, &officer, &pol, "a.txt", b"MZ\x90\x00").await.status, StatusCode::UNPROCESSABLE_ENTITY);
        // the page upload too, in the user's language
        let s = env.login("officer.police", PASSWORD).await;
        let r = post_file(&env, &s, &format!("/orgs/{pol}/evidence"), "tool.exe", b"MZ\x90\x00").await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().contains("不接受此類檔案"));
        // accepted: the stored type follows the extension, not the client's claim
        let r = upload(&env, &officer, &pol, "清冊.csv", "名稱,數量\n伺服器,2\n".as_bytes()).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        assert_eq!(r.json()["content_type"], "text/csv");
        let r = upload(&env, &officer, &pol, "截圖.PNG", b"\x89PNG\r\n\x1a\nrest").await;
        assert_eq!(r.json()["content_type"], "image/png");
        let list = env.api(Method::GET, &format!("/api/v1/orgs/{pol}/evidence"), &officer, None).await.json();
        assert_eq!(list["items"].as_array().unwrap().len(), 2);
    }

    async fn risks_are_numbered_per_organisation_and_year_and_carry_measures(env: TestEnv) {
        let officer = env.token_for("officer.police").await;
        let health = env.token_for("officer.health").await;
        let pol = env.org("PIF-POL").await;
        let hlt = env.org("PIF-HLT").await;
        let mut numbers = Vec::new();
        for asset in ["報案系統", "郵件伺服器"] {
            let r = env.api(Method::POST, &format!("/api/v1/orgs/{pol}/risks"), &officer, Some(risk_body(asset))).await;
            assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
            numbers.push(r.json()["number"].as_str().unwrap().to_string());
        }
        assert_eq!(numbers, vec!["R-2026-001", "R-2026-002"]);
        let r = env.api(Method::POST, &format!("/api/v1/orgs/{hlt}/risks"), &health, Some(risk_body("掛號系統"))).await;
        assert_eq!(r.json()["number"], "R-2026-001", "per organisation");
        let h_id = r.json()["id"].as_str().unwrap().to_string();
        // measures kept; an edit keeps the number
        let r1 = env.api(Method::GET, &format!("/api/v1/orgs/{pol}/risks?sort=number"), &officer, None).await.json();
        let first = &r1["items"][0];
        assert_eq!(first["number"], "R-2026-001");
        assert_eq!(first["measures"], "導入多因子驗證\n每週離線備份");
        let id1 = first["id"].as_str().unwrap().to_string();
        let mut b = risk_body("報案系統");
        b["measures"] = json!("x".repeat(2001));
        let r = env.api(Method::PUT, &format!("/api/v1/risks/{id1}"), &officer, Some(b.clone())).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        b["measures"] = json!("改採端點偵測");
        let r = env.api(Method::PUT, &format!("/api/v1/risks/{id1}"), &officer, Some(b)).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        assert_eq!((r.json()["number"].as_str(), r.json()["measures"].as_str()), (Some("R-2026-001"), Some("改採端點偵測")));
        // searchable by number; shown in the list, the detail and the CSV
        let r = env.api(Method::GET, &format!("/api/v1/orgs/{pol}/risks?q=R-2026-002"), &officer, None).await.json();
        assert_eq!(r["items"].as_array().unwrap().len(), 1);
        assert_eq!(r["items"][0]["number"], "R-2026-002");
        let s = env.login("officer.police", PASSWORD).await;
        let list = get_page(&env, &s, &format!("/orgs/{pol}/risks?q=R-2026-002")).await.text();
        let table = between(&list, "<table class=\"data compact\" id=\"risks\">", "</table>");
        assert!(table.contains("R-2026-002") && !table.contains("R-2026-001"), "{table}");
        let detail = get_page(&env, &s, &format!("/risks/{id1}")).await.text();
        assert!(between(&detail, "id=\"risk-number\">", "<") == "R-2026-001");
        assert!(detail.contains("改採端點偵測"));
        let (header, rows) = parse_csv(&env.api(Method::GET, &format!("/api/v1/orgs/{pol}/risks.csv"), &officer, None).await);
        let (n, m) = (col(&header, "風險編號"), col(&header, "處理措施"));
        let mut got: Vec<&str> = rows.iter().map(|r| r[n].as_str()).collect();
        got.sort_unstable();
        assert_eq!(got, vec!["R-2026-001", "R-2026-002"]);
        assert!(rows.iter().any(|r| r[m] == "改採端點偵測"));

        // rows recorded before numbering existed get numbers from the
        // migration, in creation order per organisation and year
        let pool = env.store.pool();
        sqlx::query("UPDATE risks SET number = NULL, number_year = NULL, number_seq = NULL").execute(pool).await.unwrap();
        let ids: Vec<String> = r1["items"].as_array().unwrap().iter().map(|x| x["id"].as_str().unwrap().to_string()).collect();
        // the second police risk is the older one; the health risk is from 2025
        for (id, at) in [(&ids[0], 1_790_000_000i64), (&ids[1], 1_780_000_000), (&h_id, 1_750_000_000)] {
            sqlx::query("UPDATE risks SET created_at = $1 WHERE id = $2").bind(at).bind(id.as_str()).execute(pool).await.unwrap();
        }
        env.store.migrate().await.unwrap();
        assert_eq!(risk_number(&env, &officer, &ids[1]).await, "R-2026-001");
        assert_eq!(risk_number(&env, &officer, &ids[0]).await, "R-2026-002");
        let hn = env.api(Method::GET, &format!("/api/v1/risks/{h_id}"), &health, None).await.json()["number"].clone();
        assert_eq!(hn, "R-2025-001");
        // the next one continues the year's sequence
        let r = env.api(Method::POST, &format!("/api/v1/orgs/{pol}/risks"), &officer, Some(risk_body("門禁系統"))).await;
        assert_eq!(r.json()["number"], "R-2026-003");
    }

    async fn baseline_controls_are_updated_in_bulk_with_a_summary(env: TestEnv) {
        let officer = env.token_for("officer.police").await;
        let pol = env.org("PIF-POL").await;
        let sys = create_system(&env, &officer, &pol, "勤務指揮系統").await;
        grade(&env, &officer, &sys, "2026-11-01").await;
        let d = env.api(Method::GET, &format!("/api/v1/systems/{sys}"), &officer, None).await.json();
        let ids: Vec<String> = d["soa"].as_array().unwrap().iter()
            .filter(|r| r["required"] == true)
            .map(|r| r["control_id"].as_str().unwrap_or_else(|| r["control"]["id"].as_str().unwrap()).to_string())
            .take(3)
            .collect();
        assert_eq!(ids.len(), 3, "{d}");
        // one already implemented by the same owner: it stays unchanged
        let r = env.api(Method::PUT, &format!("/api/v1/systems/{sys}/controls/{}", ids[0]), &officer,
            Some(json!({"status": "implemented", "owner": "黃俊傑"}))).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let s = env.login("officer.police", PASSWORD).await;
        let html = get_page(&env, &s, &format!("/systems/{sys}")).await.text();
        assert!(html.contains("id=\"bulk-form\"") && html.contains("form=\"bulk-form\""));
        // nothing ticked: refused
        let r = post_form(&env, &s, &format!("/systems/{sys}/controls/bulk"), &[("status", "implemented"), ("owner", "黃俊傑")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        // a control without an owner needs one
        let r = post_form(&env, &s, &format!("/systems/{sys}/controls/bulk"),
            &[("control_id", ids[1].as_str()), ("status", "implemented")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let before = audit_actions(&env, "system.control_status").await.len();
        let r = post_form(&env, &s, &format!("/systems/{sys}/controls/bulk"), &[
            ("control_id", ids[0].as_str()), ("control_id", ids[1].as_str()), ("control_id", ids[2].as_str()),
            ("status", "implemented"), ("owner", "黃俊傑"),
        ]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        let loc = r.location().unwrap().to_string();
        assert!(loc.contains("bulk_updated=2&bulk_unchanged=1"), "{loc}");
        let html = get_page(&env, &s, &loc).await.text();
        assert!(html.contains("已更新 2 項控制措施，1 項未變更"), "summary");
        // one audit entry per changed control
        assert_eq!(audit_actions(&env, "system.control_status").await.len(), before + 2);
        let d = env.api(Method::GET, &format!("/api/v1/systems/{sys}"), &officer, None).await.json();
        let implemented = d["soa"].as_array().unwrap().iter()
            .filter(|r| r["status"]["status"] == "implemented" || r["status"] == "implemented")
            .count();
        assert_eq!(implemented, 3, "{}", d["soa"]);
        // planned needs its date for every control at once
        let r = post_form(&env, &s, &format!("/systems/{sys}/controls/bulk"),
            &[("control_id", ids[1].as_str()), ("control_id", ids[2].as_str()), ("status", "planned")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let r = post_form(&env, &s, &format!("/systems/{sys}/controls/bulk"),
            &[("control_id", ids[1].as_str()), ("control_id", ids[2].as_str()), ("status", "planned"), ("planned_on", "2027-06-30")]).await;
        assert!(r.location().unwrap().contains("bulk_updated=2&bulk_unchanged=0"));
    }

    async fn editing_an_approved_plan_offers_a_new_draft(env: TestEnv) {
        let officer = env.token_for("officer.police").await;
        let ciso = env.token_for("ciso.police").await;
        let pol = env.org("PIF-POL").await;
        let r = env.api(Method::POST, &format!("/api/v1/orgs/{pol}/plans"), &officer, Some(json!({"change_note": "初版"}))).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let id = r.json()["id"].as_str().unwrap().to_string();
        put_chapter(&env, &officer, &id, "organisation", json!({
            "ciso_name": "陳建宏", "ciso_title": "副局長",
            "groups": [{"name": "策略規劃組", "duties": ["資通安全政策及目標之研議。"]},
                       {"name": "資安防護組", "duties": ["資通安全事件之通報及應變機制之執行。"]}],
            "members": [{"name": "林意順", "unit_title": "資訊室主任", "group": "資安防護組", "extension": "417", "deputy": "邱榮輝"}],
            "roster_date": "2026-11-01"})).await;
        put_chapter(&env, &officer, &id, "business", json!({
            "core": [{"name": "刑案資訊處理", "systems": ["刑案資訊系統"], "level_ab_business": true,
                      "impact_legal": "依個人資料保護法應善盡個人資料保護責任", "mtd_hours": 4}],
            "non_core": [{"name": "差勤服務", "mtd_hours": 24}, {"name": "郵件服務", "mtd_hours": 8}]})).await;
        put_chapter(&env, &officer, &id, "report", json!({"month": 10, "recipient": "屏東縣政府"})).await;
        put_chapter(&env, &officer, &id, "risk", json!({"method": "詳細風險評鑑", "core_systems": [{"name": "刑案資訊系統", "assets": ["應用伺服器 2 台"], "mtd_hours": 4, "function": "刑案資料查詢"}]})).await;
        put_chapter(&env, &officer, &id, "staffing", json!({"staff": [{"name": "王資安", "duty": "資通安全管理面業務", "full_time": true, "professional_certificates": 1, "functional_certificates": 1}]})).await;
        create_system(&env, &officer, &pol, "刑案資訊系統").await;
        let r = env.api(Method::POST, &format!("/api/v1/plans/{id}/submit"), &officer, None).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let s = env.login("officer.police", PASSWORD).await;
        // submitted: says so, offers no new draft (the CISO may return it)
        let r = get_page(&env, &s, &format!("/plans/{id}/chapters/report")).await;
        assert_eq!(r.status, StatusCode::CONFLICT);
        assert!(r.text().contains("送資通安全長核定") && !r.text().contains("id=\"new-draft-form\""));
        let r = env.api(Method::POST, &format!("/api/v1/plans/{id}/approve"), &ciso, Some(json!({}))).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());

        // approved: the edit page says so and offers a new draft, not 「資料重複」
        let r = get_page(&env, &s, &format!("/plans/{id}/chapters/report")).await;
        assert_eq!(r.status, StatusCode::CONFLICT);
        let html = r.text();
        assert!(html.contains("此版本已經核定"), "{html}");
        assert!(!html.contains("資料重複"));
        assert!(html.contains(&format!("action=\"/orgs/{pol}/plan\"")) && html.contains("id=\"new-draft-form\""));
        // saving the chapter anyway: the same page
        let r = post_form(&env, &s, &format!("/plans/{id}/chapters/report"), &[("month", "9")]).await;
        assert_eq!(r.status, StatusCode::CONFLICT);
        assert!(r.text().contains("id=\"new-draft-form\""));
        // the offered button starts version 2
        let r = post_form(&env, &s, &format!("/orgs/{pol}/plan"), &[("start", "latest"), ("change_note", "")]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        let o = env.api(Method::GET, &format!("/api/v1/orgs/{pol}/plans"), &officer, None).await.json();
        let v2 = o["versions"].as_array().unwrap().iter().find(|v| v["version"] == 2).expect("version 2")["id"].as_str().unwrap().to_string();
        // then the old version's page leads to the open draft instead
        let html = get_page(&env, &s, &format!("/plans/{id}/chapters/report")).await.text();
        assert!(html.contains(&format!("href=\"/plans/{v2}\"")) && !html.contains("id=\"new-draft-form\""));
        let r = get_page(&env, &s, &format!("/plans/{v2}/chapters/report")).await;
        assert_eq!(r.status, StatusCode::OK);
    }

    async fn review_overdue_lists_exactly_the_overdue_systems(env: TestEnv) {
        let officer = env.token_for("officer.police").await;
        let pol = env.org("PIF-POL").await;
        let late = create_system(&env, &officer, &pol, "舊門禁系統").await;
        let fresh = create_system(&env, &officer, &pol, "新公文系統").await;
        let ungraded = create_system(&env, &officer, &pol, "未分級系統").await;
        // graded on 2025-06-01: review due 2026-06-01, before today (2026-11-21)
        grade(&env, &officer, &late, "2025-06-01").await;
        grade(&env, &officer, &fresh, "2026-06-01").await;
        let l = env.api(Method::GET, &format!("/api/v1/orgs/{pol}/systems?review_overdue=true"), &officer, None).await.json();
        let ids: Vec<&str> = l["items"].as_array().unwrap().iter().map(|x| x["id"].as_str().unwrap()).collect();
        assert_eq!(ids, vec![late.as_str()], "{l}");
        assert_eq!(l["total"], 1);
        let all = env.api(Method::GET, &format!("/api/v1/orgs/{pol}/systems?review_overdue=false"), &officer, None).await.json();
        // the three, next to the demo's criminal-case system (never graded)
        let listed: Vec<&str> = all["items"].as_array().unwrap().iter().map(|x| x["id"].as_str().unwrap()).collect();
        for id in [&late, &fresh, &ungraded] {
            assert!(listed.contains(&id.as_str()), "{all}");
        }
        let r = env.api(Method::GET, &format!("/api/v1/orgs/{pol}/systems?review_overdue=maybe"), &officer, None).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        // the page: the filter box, kept checked, the same one system
        let s = env.login("officer.police", PASSWORD).await;
        let html = get_page(&env, &s, &format!("/orgs/{pol}/systems?review_overdue=true")).await.text();
        assert!(html.contains("id=\"s-overdue\" name=\"review_overdue\" value=\"true\" checked"));
        assert_eq!(html.matches("<tr data-id=").count(), 1);
        assert!(html.contains(&format!("data-id=\"{late}\"")));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn qr_code_and_character_counter_in_chromium() {
    let env = TestEnv::demo(Backend::Sqlite).await;
    let pol = env.org("PIF-POL").await;
    let base = env.serve().await;
    let clock = env.clock.clone();
    let result = tokio::task::spawn_blocking(move || -> Result<(), zian_testkit::browser::BrowserError> {
        let Some(b) = Browser::launch_or_skip("qr_code_and_character_counter_in_chromium")? else {
            return Ok(());
        };
        b.goto(&format!("{base}/login"))?;
        b.find("#username")?.send_keys("officer.police")?;
        b.find("#password")?.send_keys(PASSWORD)?;
        b.find("#login-submit")?.click()?;
        b.wait_for_text("h1", "首頁", T)?;

        // enrolment: the QR code is drawn, the secret is shown beside it
        b.goto(&format!("{base}/account/mfa"))?;
        b.find("#mfa-begin")?.click()?;
        b.wait_for("#totp-qr", T)?;
        let size = b.execute("var r = document.querySelector('#totp-qr').getBoundingClientRect(); return [r.width, r.height];", &[])?;
        assert!(size[0].as_f64().unwrap_or(0.0) >= 150.0 && size[1].as_f64().unwrap_or(0.0) >= 150.0, "{size}");
        let secret = b.find("#totp-secret")?.text()?.trim().to_string();
        // a wrong first code, then the right one from the same entry
        b.find("#code")?.send_keys("000000")?;
        b.find("#mfa-confirm")?.click()?;
        b.wait_for("#refused", T)?;
        assert_eq!(b.find("#totp-secret")?.text()?.trim(), secret);
        let key = zian_domain::totp::secret_from_base32(&secret).expect("base32");
        let mut code = zian_domain::totp::code_at(&key, clock.unix());
        if code == "000000" {
            code = zian_domain::totp::code_at(&key, clock.unix() + 30);
        }
        b.find("#code")?.send_keys(&code)?;
        b.find("#mfa-confirm")?.click()?;
        b.wait_for("#recovery-codes", T)?;

        // the counter beside a bounded field, updated while typing
        b.goto(&format!("{base}/orgs/{pol}/risks"))?;
        let asset = b.wait_for("#r-asset", T)?;
        asset.send_keys("資料庫伺服器")?;
        let counter = b.execute("return document.querySelector('#r-asset').nextElementSibling.textContent;", &[])?;
        assert_eq!(counter.as_str(), Some("已輸入 6／200 字"), "{counter}");
        let m = b.execute("var c = document.querySelector('#r-measures').nextElementSibling; return c.className + '|' + c.textContent;", &[])?;
        assert_eq!(m.as_str(), Some("counter|已輸入 0／2000 字"), "{m}");
        Ok(())
    })
    .await
    .expect("browser thread");
    if let Err(e) = result {
        panic!("browser test failed: {e}");
    }
}
