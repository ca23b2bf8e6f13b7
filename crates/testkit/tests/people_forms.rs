//! The people forms on every backend: a resource request through its
//! chain (unit head, the team's decision, the CISO — told in the inbox),
//! each step refused out of order, by the wrong office or by someone who
//! signed before; a confidentiality agreement signed and countersigned,
//! the staff without one listed; the restricted-area log's entry and
//! leaving; the forms printed; nothing seen outside the subtree; the
//! pages' quick entry.

use axum::http::{Method, StatusCode};
use serde_json::json;
use zian_testkit::http::form;
use zian_testkit::{PASSWORD, backend_tests};

/// The text of a people form's document as the engine gets it.
async fn texts(env: &zian_testkit::TestEnv, user: &str, id: &str, name: &str) -> String {
    let p = env.principal(user).await;
    let (_, doc) = env
        .app
        .record_report(&p, zian_app::documents::Subject::PeopleForm, id, name)
        .await
        .expect("document");
    doc.texts().join("\n")
}

fn field(r: &zian_testkit::Resp) -> Option<String> {
    r.json()["error"]["field"].as_str().map(str::to_string)
}

backend_tests! {
    async fn a_request_goes_through_its_chain_and_prints(env: TestEnv) {
        let it = env.token_for("it.police").await;
        let head = env.token_for("head.police.it").await;
        let officer = env.token_for("officer.police").await;
        let ciso = env.token_for("ciso.police").await;
        let unit = env.org("PIF-POL-IT").await;
        let pol = env.org("PIF-POL").await;
        let today = zian_domain::day::ymd(env.app.today());
        let file = format!("/api/v1/orgs/{unit}/resource-requests");
        let body = json!({"unit": "資訊室", "request_type": "software", "item_name": "防毒軟體", "quantity": 30, "purchase": "new", "device": "user_pc", "install_unit": "資訊室", "install_location": "各科室", "purpose": "防毒軟體授權到期更新"});
        // bad values are refused by their field
        let mut bad = body.clone();
        bad["request_type"] = json!("furniture");
        let r = env.api(Method::POST, &file, &it, Some(bad)).await;
        assert_eq!((r.status, field(&r).as_deref()), (StatusCode::UNPROCESSABLE_ENTITY, Some("request_type")), "{}", r.text());
        let mut bad = body.clone();
        bad["quantity"] = json!(0);
        let r = env.api(Method::POST, &file, &it, Some(bad)).await;
        assert_eq!((r.status, field(&r).as_deref()), (StatusCode::UNPROCESSABLE_ENTITY, Some("quantity")), "{}", r.text());
        let mut bad = body.clone();
        bad["requested_on"] = json!(today);
        bad["needed_on"] = json!("2000-01-01");
        let r = env.api(Method::POST, &file, &it, Some(bad)).await;
        assert_eq!((r.status, field(&r).as_deref()), (StatusCode::UNPROCESSABLE_ENTITY, Some("needed_on")), "{}", r.text());
        // a committee member reads but does not file
        let committee = env.token_for("committee.police").await;
        assert_eq!(env.api(Method::POST, &format!("/api/v1/orgs/{pol}/resource-requests"), &committee, Some(body.clone())).await.status, StatusCode::FORBIDDEN);
        let r = env.api(Method::POST, &file, &it, Some(body.clone())).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let f = r.json();
        let id = f["id"].as_str().expect("id").to_string();
        let roc = env.app.today().year() - 1911;
        assert_eq!(f["number"], json!(format!("REQ-{roc}-001")));
        assert_eq!((f["status"].as_str(), f["next_step"].as_str()), (Some("pending"), Some("unit_head")));
        assert_eq!((f["body"]["applicant"].as_str(), f["body"]["requested_on"].as_str()), (Some("資訊人員 黃俊傑"), Some(today.as_str())));
        let r = env.api(Method::POST, &file, &it, Some(body.clone())).await;
        assert_eq!(r.json()["number"], json!(format!("REQ-{roc}-002")), "numbered in turn");
        let sign = format!("/api/v1/people-forms/{id}/sign");
        // out of order; by the applicant; by someone below the CISO's office
        let r = env.api(Method::POST, &sign, &officer, Some(json!({"step": "team"}))).await;
        assert_eq!((r.status, field(&r).as_deref()), (StatusCode::UNPROCESSABLE_ENTITY, Some("step")), "{}", r.text());
        let r = env.api(Method::POST, &sign, &it, Some(json!({"step": "unit_head"}))).await;
        assert_eq!((r.status, field(&r).as_deref()), (StatusCode::UNPROCESSABLE_ENTITY, Some("step")), "{}", r.text());
        let r = env.api(Method::POST, &sign, &head, Some(json!({"step": "unit_head", "signed_on": "2999-01-01"}))).await;
        assert_eq!((r.status, field(&r).as_deref()), (StatusCode::UNPROCESSABLE_ENTITY, Some("signed_on")), "{}", r.text());
        let r = env.api(Method::POST, &sign, &head, Some(json!({"step": "unit_head"}))).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        assert_eq!(r.json()["signoffs"][0]["name"], json!("資訊室主任 王大明"));
        // 不可採購 needs its reason; the unit head cannot sign twice
        let r = env.api(Method::POST, &sign, &officer, Some(json!({"step": "team", "approve": false}))).await;
        assert_eq!((r.status, field(&r).as_deref()), (StatusCode::UNPROCESSABLE_ENTITY, Some("note")), "{}", r.text());
        let r = env.api(Method::POST, &sign, &head, Some(json!({"step": "team"}))).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
        let r = env.api(Method::POST, &sign, &officer, Some(json!({"step": "team", "note": "已編列預算"}))).await;
        assert_eq!((r.status, r.json()["next_step"].as_str()), (StatusCode::OK, Some("ciso")), "{}", r.text());
        // the CISO is told; the officer cannot sign in the CISO's place
        let inbox = env.api(Method::GET, "/api/v1/inbox", &ciso, None).await.text();
        assert!(inbox.contains(&format!("REQ-{roc}-001")) && inbox.contains(&format!("/people-forms/{id}")), "{inbox}");
        assert_eq!(env.api(Method::POST, &sign, &officer, Some(json!({"step": "ciso"}))).await.status, StatusCode::FORBIDDEN);
        let r = env.api(Method::POST, &sign, &ciso, Some(json!({"step": "ciso", "approve": false, "note": "本年度預算已用罄，明年度再提"}))).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        assert_eq!((r.json()["status"].as_str(), r.json()["next_step"].as_str()), (Some("rejected"), None));
        let r = env.api(Method::POST, &sign, &ciso, Some(json!({"step": "ciso"}))).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
        // the bureau's list shows its unit's requests
        let r = env.api(Method::GET, &format!("/api/v1/orgs/{pol}/people-forms"), &officer, None).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        assert_eq!(r.json()["requests"].as_array().map(Vec::len), Some(2), "{}", r.text());
        // printed with the chain's decisions
        let doc = format!("/api/v1/people-forms/{id}/documents/resource-request?format=odt");
        let r = env.api(Method::GET, &doc, &officer, None).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let text = texts(&env, "officer.police", &id, "resource-request").await;
        assert!(text.contains("防毒軟體") && text.contains("■可採購") && text.contains("不同意：本年度預算已用罄") && text.contains("REQ-"), "{text}");
        assert_eq!(env.api(Method::GET, &format!("/api/v1/people-forms/{id}/documents/confidentiality-agreement?format=odt"), &officer, None).await.status, StatusCode::NOT_FOUND);
        // nobody outside the line sees it
        let other = env.token_for("officer.penghu").await;
        assert_eq!(env.api(Method::GET, &format!("/api/v1/people-forms/{id}"), &other, None).await.status, StatusCode::NOT_FOUND);
        assert_eq!(env.api(Method::POST, &sign, &other, Some(json!({"step": "ciso"}))).await.status, StatusCode::NOT_FOUND);
        assert_eq!(env.api(Method::GET, &doc, &other, None).await.status, StatusCode::NOT_FOUND);
    }

    async fn agreements_list_the_staff_without_one_and_the_log_records_entries(env: TestEnv) {
        let officer = env.token_for("officer.police").await;
        let ciso = env.token_for("ciso.police").await;
        let pol = env.org("PIF-POL").await;
        let list = format!("/api/v1/orgs/{pol}/people-forms");
        let unsigned = |v: &serde_json::Value| -> Vec<String> {
            v["unsigned"].as_array().expect("unsigned").iter().map(|u| u["username"].as_str().unwrap_or("").to_string()).collect()
        };
        let before = unsigned(&env.api(Method::GET, &list, &officer, None).await.json());
        assert!(before.contains(&"officer.police".to_string()) && before.contains(&"it.police".to_string()), "{before:?}");
        assert!(!before.contains(&"vendor.acme".to_string()), "vendors sign the vendor's agreement: {before:?}");
        let me = env.user_id("officer.police").await;
        let make = format!("/api/v1/orgs/{pol}/confidentiality-agreements");
        let r = env.api(Method::POST, &make, &officer, Some(json!({"signer": "資安專責人員 林怡君", "user_id": "nobody", "unit": "資訊室", "starts_on": "2025-01-02"}))).await;
        assert_eq!((r.status, field(&r).as_deref()), (StatusCode::UNPROCESSABLE_ENTITY, Some("user_id")), "{}", r.text());
        let r = env.api(Method::POST, &make, &officer, Some(json!({"signer": "資安專責人員 林怡君", "user_id": me.as_str(), "unit": "資訊室", "starts_on": "2025-01-02", "agency_head": "局長"}))).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let id = r.json()["id"].as_str().expect("id").to_string();
        assert_eq!(r.json()["next_step"], json!("signer"));
        let after = unsigned(&env.api(Method::GET, &list, &officer, None).await.json());
        assert!(!after.contains(&"officer.police".to_string()) && after.contains(&"it.police".to_string()), "{after:?}");
        // waiting for its signature: reminded a week after it was filed;
        // a certificate on the roster expiring soon too
        let soon = zian_domain::day::ymd(env.app.today().saturating_add(time::Duration::days(10)));
        let r = env.api(Method::PUT, &format!("/api/v1/orgs/{pol}/training/plan"), &officer, Some(json!({"roster": [{"name": "林怡君", "unit": "資訊室", "audience": "資安專責人員", "certificates": [format!("專業:ISO 27001 LA:{soon}")]}]}))).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let week = zian_domain::day::ymd(env.app.today().saturating_add(time::Duration::days(7)));
        let reminders = env.api(Method::GET, "/api/v1/reminders?within_days=30", &officer, None).await.json();
        let of = |kind: &str| -> Vec<serde_json::Value> { reminders.as_array().expect("reminders").iter().filter(|r| r["kind"] == kind).cloned().collect() };
        let waiting = of("people_form");
        assert!(waiting.iter().any(|r| r["title"].as_str().is_some_and(|t| t.contains("NDA-") && t.contains("立同意書人簽署")) && r["due"] == json!(week)), "{reminders}");
        let expiring = of("certificate");
        assert!(expiring.iter().any(|r| r["title"].as_str().is_some_and(|t| t.contains("ISO 27001 LA")) && r["due"] == json!(soon)), "{reminders}");
        let sign = format!("/api/v1/people-forms/{id}/sign");
        // the signer cannot decline; the officer records the paper's signature
        let r = env.api(Method::POST, &sign, &officer, Some(json!({"step": "signer", "approve": false, "note": "x"}))).await;
        assert_eq!((r.status, field(&r).as_deref()), (StatusCode::UNPROCESSABLE_ENTITY, Some("approve")), "{}", r.text());
        let r = env.api(Method::POST, &sign, &officer, Some(json!({"step": "signer"}))).await;
        assert_eq!((r.status, r.json()["signoffs"][0]["name"].as_str()), (StatusCode::OK, Some("資安專責人員 林怡君")), "{}", r.text());
        let r = env.api(Method::POST, &sign, &ciso, Some(json!({"step": "head", "signatory": "局長 陳國雄"}))).await;
        assert_eq!((r.status, r.json()["status"].as_str()), (StatusCode::OK, Some("approved")), "{}", r.text());
        let reminders = env.api(Method::GET, "/api/v1/reminders?within_days=30", &officer, None).await.text();
        assert!(!reminders.contains("NDA-"), "signed: no longer reminded {reminders}");
        let r = env.api(Method::GET, &format!("/api/v1/people-forms/{id}/documents/confidentiality-agreement?format=odt"), &officer, None).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let text = texts(&env, "officer.police", &id, "confidentiality-agreement").await;
        assert!(text.contains("善盡保管及保密之責") && text.contains("局長 陳國雄") && text.contains("身分證字號"), "{text}");

        // the entry log: in, refused twice out, out
        let log = format!("/api/v1/orgs/{pol}/area-log");
        let r = env.api(Method::POST, &log, &officer, Some(json!({"area": "機房", "person": "王○○", "unit": "○○室", "reason": "借用電腦設備", "access": "root"}))).await;
        assert_eq!((r.status, field(&r).as_deref()), (StatusCode::UNPROCESSABLE_ENTITY, Some("access")), "{}", r.text());
        let r = env.api(Method::POST, &log, &officer, Some(json!({"area": "機房", "person": "王○○", "unit": "○○室", "reason": "借用電腦設備", "entered_at": "2999-01-01T08:00"}))).await;
        assert_eq!((r.status, field(&r).as_deref()), (StatusCode::UNPROCESSABLE_ENTITY, Some("entered_at")), "{}", r.text());
        let r = env.api(Method::POST, &log, &officer, Some(json!({"area": "機房", "person": "王○○", "unit": "○○室", "escort": "陳○○", "reason": "借用電腦設備", "devices": "手提電腦", "carried": "手機"}))).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let entry = r.json()["id"].as_str().expect("entry").to_string();
        assert_eq!(r.json()["access"], json!("ordinary"));
        let r = env.api(Method::GET, &log, &officer, None).await;
        assert_eq!((r.json()["inside"].as_u64(), r.json()["entries"].as_array().map(Vec::len)), (Some(1), Some(1)), "{}", r.text());
        let leave = format!("/api/v1/area-entries/{entry}/leave");
        let r = env.api(Method::POST, &leave, &officer, Some(json!({"left_at": "2000-01-01T08:00"}))).await;
        assert_eq!((r.status, field(&r).as_deref()), (StatusCode::UNPROCESSABLE_ENTITY, Some("left_at")), "{}", r.text());
        let r = env.api(Method::POST, &leave, &officer, Some(json!({}))).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        assert!(r.json()["left_at"].as_i64().is_some());
        let r = env.api(Method::POST, &leave, &officer, Some(json!({}))).await;
        assert_eq!((r.status, field(&r).as_deref()), (StatusCode::UNPROCESSABLE_ENTITY, Some("left_at")), "{}", r.text());
        let r = env.api(Method::GET, &log, &officer, None).await;
        assert_eq!(r.json()["inside"].as_u64(), Some(0), "{}", r.text());
        // another month holds none of it; a bad month is refused
        assert_eq!(env.api(Method::GET, &format!("{log}?month=2020-01"), &officer, None).await.json()["entries"], json!([]));
        let r = env.api(Method::GET, &format!("{log}?month=January"), &officer, None).await;
        assert_eq!((r.status, field(&r).as_deref()), (StatusCode::UNPROCESSABLE_ENTITY, Some("month")), "{}", r.text());
        let r = env.api(Method::GET, &format!("/api/v1/orgs/{pol}/documents/area-log?format=csv"), &officer, None).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        assert!(r.text().contains("王○○") && r.text().contains("借用電腦設備") && r.text().contains("普"), "{}", r.text());
        let other = env.token_for("officer.penghu").await;
        assert_eq!(env.api(Method::POST, &leave, &other, Some(json!({}))).await.status, StatusCode::NOT_FOUND);
        assert_eq!(env.api(Method::GET, &log, &other, None).await.status, StatusCode::NOT_FOUND);
    }

    async fn the_pages_file_sign_and_take_quick_entries(env: TestEnv) {
        let pol = env.org("PIF-POL").await;
        let s = env.login("officer.police", PASSWORD).await;
        let mut h = s.headers();
        h.push(("content-type", "application/x-www-form-urlencoded"));
        let post = async |path: &str, fields: &[(&str, &str)]| {
            let mut all = vec![("_csrf", s.csrf.as_str())];
            all.extend_from_slice(fields);
            let r = env.request(Method::POST, path, &h, Some(form(&all))).await;
            assert_eq!(r.status, StatusCode::SEE_OTHER, "{path}: {}", r.text());
            let to = r.location().expect("back").to_owned();
            let page = env.request(Method::GET, &to, &s.headers(), None).await;
            assert_eq!(page.status, StatusCode::OK, "{to}");
            (to, page.text())
        };
        let page = env.request(Method::GET, &format!("/orgs/{pol}/people-forms"), &s.headers(), None).await.text();
        assert!(page.contains("id=\"request-form\"") && page.contains("id=\"nav-people-forms\"") && page.contains("id=\"unsigned\""), "{page}");
        let (to, page) = post(&format!("/orgs/{pol}/resource-requests"), &[("unit", "資訊室"), ("request_type", "hardware"), ("item_name", "機房溫濕度感測器"), ("quantity", "2"), ("purchase", "new"), ("device", "other"), ("purpose", "機房環境監控"), ("applicant", "王小明")]).await;
        assert!(page.contains("已建立表單") && page.contains("機房溫濕度感測器") && page.contains("id=\"sign-form\"") && page.contains("data-status=\"pending\""), "{page}");
        let path = to.split('?').next().expect("path").to_string();
        // the officer filed it: the unit head's box is someone else's
        let r = env.request(Method::POST, &format!("{path}/sign"), &h, Some(form(&[("_csrf", s.csrf.as_str()), ("step", "unit_head"), ("approve", "true")]))).await;
        assert_ne!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        let ciso = env.login("ciso.police", PASSWORD).await;
        let mut ch = ciso.headers();
        ch.push(("content-type", "application/x-www-form-urlencoded"));
        let r = env.request(Method::POST, &format!("{path}/sign"), &ch, Some(form(&[("_csrf", ciso.csrf.as_str()), ("step", "unit_head"), ("approve", "false"), ("note", "非本單位需求")]))).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        let page = env.request(Method::GET, &path, &ciso.headers(), None).await.text();
        assert!(page.contains("data-status=\"rejected\"") && page.contains("data-approve=\"false\"") && !page.contains("id=\"sign-form\""), "{page}");
        // the quick entry and the leaving
        let (_, page) = post(&format!("/orgs/{pol}/area-log"), &[("area", "機房"), ("person", "陳大文"), ("unit", "總務室"), ("escort", "林怡君"), ("reason", "消防設備檢查"), ("access", "ordinary")]).await;
        assert!(page.contains("已登記進入") && page.contains("id=\"inside\"") && page.contains("陳大文"), "{page}");
        let id = page.split("class=\"leave\" data-id=\"").nth(1).and_then(|x| x.split('"').next()).expect("leave button").to_string();
        let (_, page) = post(&format!("/area-entries/{id}/leave"), &[]).await;
        assert!(page.contains("已登記離開") && page.contains("id=\"inside-none\""), "{page}");
    }
}
