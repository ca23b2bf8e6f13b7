//! Vendors on every backend: the register refuses inconsistent records and
//! lists what is missing (seed 003's selection and supervision duties, seed
//! 001's yearly agreements and device checks) until the officer closes each
//! gap; staff due to re-sign appear among the reminders; records shared
//! with a vendor account reach that account alone, only while shared, and
//! only vendor accounts at or above the organisation can receive them.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use zian_domain::Role;
use zian_testkit::http::form;
use zian_testkit::{PASSWORD, TestEnv, backend_tests};

fn field(r: &zian_testkit::Resp) -> Option<String> {
    r.json()["error"]["field"].as_str().map(str::to_string)
}

fn day(env: &TestEnv, days: i64) -> String {
    zian_domain::day::ymd(env.app.today().saturating_add(time::Duration::days(days)))
}

fn gaps(v: &Value) -> Vec<String> {
    v["gaps"]
        .as_array()
        .expect("gaps")
        .iter()
        .map(|g| g["code"].as_str().expect("code").to_string())
        .collect()
}

backend_tests! {
    async fn a_vendor_is_recorded_and_its_gaps_close_one_by_one(backend: Backend) {
        let env = TestEnv::demo(backend).await;
        let officer = env.token_for("officer.police").await;
        let pol = env.org("PIF-POL").await;
        let url = format!("/api/v1/orgs/{pol}/vendors");
        // a business id with a wrong check digit is refused by its field
        let r = env.api(Method::POST, &url, &officer, Some(json!({"name": "測試資訊", "tax_id": "04595258"}))).await;
        assert_eq!((r.status, field(&r).as_deref()), (StatusCode::UNPROCESSABLE_ENTITY, Some("tax_id")), "{}", r.text());
        assert!(r.json()["error"]["message"].as_str().is_some_and(|m| m.contains("統一編號")), "{}", r.text());
        let r = env.api(Method::POST, &url, &officer, Some(json!({"name": "測試資訊", "tax_id": "22099131"}))).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let id = r.json()["id"].as_str().expect("id").to_string();
        let r = env.api(Method::POST, &url, &officer, Some(json!({"name": "測試資訊"}))).await;
        assert_eq!((r.status, r.json()["error"]["code"].as_str()), (StatusCode::CONFLICT, Some("conflict")), "{}", r.text());
        let v = format!("/api/v1/vendors/{id}");
        let got = env.api(Method::GET, &v, &officer, None).await.json();
        assert_eq!(gaps(&got), ["certification", "qualified_staff"], "{got}");
        // a custom development contract on classified work, without requirements
        let contract = json!({"no": "115-01", "title": "客製開發", "starts_on": day(&env, -30), "ends_on": day(&env, 300), "custom_development": true, "classified": true, "incident_notice": true, "data_return": true});
        let mut backwards = contract.clone();
        backwards["ends_on"] = json!(day(&env, -60));
        let r = env.api(Method::POST, &format!("{v}/contracts"), &officer, Some(backwards)).await;
        assert_eq!((r.status, field(&r).as_deref()), (StatusCode::UNPROCESSABLE_ENTITY, Some("contracts")), "{}", r.text());
        let r = env.api(Method::POST, &format!("{v}/contracts"), &officer, Some(contract.clone())).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        assert_eq!(r.json()["active"], json!(true));
        let got = env.api(Method::GET, &v, &officer, None).await.json();
        assert_eq!(gaps(&got), ["certification", "qualified_staff", "background_checks", "requirements", "test_certificate", "components", "audit"], "{got}");
        // on-site staff: unsigned, device unchecked
        let r = env.api(Method::POST, &format!("{v}/staff"), &officer, Some(json!({"name": "張工程師", "on_site": true}))).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let got = env.api(Method::GET, &v, &officer, None).await.json();
        assert!(gaps(&got).ends_with(&["agreements".to_string(), "device_check".to_string()]), "{got}");
        let r = env.api(Method::POST, &format!("{v}/device-checks"), &officer, Some(json!({"staff": "路人", "device": "筆電", "passed": true, "checker": "資訊室"}))).await;
        assert_eq!((r.status, field(&r).as_deref()), (StatusCode::UNPROCESSABLE_ENTITY, Some("device_checks")), "{}", r.text());
        let r = env.api(Method::POST, &format!("{v}/device-checks"), &officer, Some(json!({"staff": "張工程師", "device": "筆電", "passed": false, "checker": "資訊室"}))).await;
        assert_eq!((r.status, field(&r).as_deref()), (StatusCode::UNPROCESSABLE_ENTITY, Some("note")), "{}", r.text());
        let r = env.api(Method::POST, &format!("{v}/device-checks"), &officer, Some(json!({"staff": "張工程師", "device": "筆電", "passed": false, "checker": "資訊室", "note": "病毒碼過舊"}))).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        assert!(gaps(&env.api(Method::GET, &v, &officer, None).await.json()).contains(&"device_check".to_string()), "a failed check is no pass");
        let r = env.api(Method::POST, &format!("{v}/device-checks"), &officer, Some(json!({"staff": "張工程師", "device": "筆電", "passed": true, "checker": "資訊室"}))).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        // signatures in the future are refused; a year-old one is due again
        let r = env.api(Method::POST, &format!("{v}/staff"), &officer, Some(json!({"name": "張工程師", "on_site": true, "nda_signed_on": day(&env, 3), "agreement_signed_on": day(&env, 0)}))).await;
        assert_eq!((r.status, field(&r).as_deref()), (StatusCode::UNPROCESSABLE_ENTITY, Some("staff")), "{}", r.text());
        let r = env.api(Method::POST, &format!("{v}/staff"), &officer, Some(json!({"name": "張工程師", "on_site": true, "nda_signed_on": day(&env, -370), "agreement_signed_on": day(&env, -10)}))).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let reminders = env.api(Method::GET, "/api/v1/reminders?within_days=30", &officer, None).await.json();
        let due: Vec<&Value> = reminders.as_array().expect("reminders").iter().filter(|r| r["kind"] == "vendor_agreement").collect();
        assert_eq!(due.len(), 1, "{reminders}");
        assert!(due[0]["title"].as_str().is_some_and(|t| t.contains("張工程師")) && due[0]["overdue"] == json!(true), "{reminders}");
        // the entry closes the selection gaps; the signatures and a clause the rest
        let entry = json!({"name": "測試資訊", "tax_id": "22099131", "certification": "ISO/IEC 27001", "qualified_staff": true, "background_checks": true,
            "components": [{"name": "OpenSSL", "version": "3.0", "licence": "Apache-2.0"}], "certificate_issuer": "某檢測實驗室", "certificate_number": "ST-2026-001", "certificate_issued_on": day(&env, -5)});
        let r = env.api(Method::PUT, &v, &officer, Some(entry)).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        assert_eq!(r.json()["body"]["contracts"].as_array().map(Vec::len), Some(1), "contracts kept: {}", r.text());
        env.api(Method::POST, &format!("{v}/staff"), &officer, Some(json!({"name": "張工程師", "on_site": true, "nda_signed_on": day(&env, -1), "agreement_signed_on": day(&env, -1)}))).await;
        let mut with_requirements = contract.clone();
        with_requirements["index"] = json!(0);
        with_requirements["security_requirements"] = json!("依附表十中級；弱點 30 日內修補");
        let r = env.api(Method::POST, &format!("{v}/contracts"), &officer, Some(with_requirements)).await;
        assert_eq!(r.json()["body"]["contracts"].as_array().map(Vec::len), Some(1), "replaced: {}", r.text());
        let got = env.api(Method::GET, &v, &officer, None).await.json();
        assert_eq!(gaps(&got), ["audit"], "{got}");
        assert!(got["gaps"][0]["message"].as_str().is_some_and(|m| m.contains("查核")), "{got}");
        // the undertaking and one agreement per staff member, printed for signing
        let vid = v.rsplit('/').next().expect("vendor id").to_string();
        let (_, doc) = env.app.record_report(&env.principal("officer.police").await, zian_app::documents::Subject::Vendor, &vid, "vendor-nda").await.expect("vendor nda");
        let text = doc.texts().join("\n");
        assert!(text.contains("委外廠商執行人員保密切結書") && text.contains("張工程師") && text.contains("測試資訊") && text.contains("第六條"), "{text}");
        assert_eq!(env.api(Method::GET, &format!("{v}/documents/vendor-nda?format=odt"), &officer, None).await.status, StatusCode::OK);
        // nobody outside the bureau's line reaches it
        let other = env.token_for("officer.penghu").await;
        assert_eq!(env.api(Method::GET, &format!("{v}/documents/vendor-nda?format=odt"), &other, None).await.status, StatusCode::NOT_FOUND);
        assert_eq!(env.api(Method::GET, &v, &other, None).await.status, StatusCode::NOT_FOUND);
        let r = env.api(Method::POST, &format!("{v}/staff"), &other, Some(json!({"name": "外人"}))).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text());
        let ciso = env.token_for("ciso.police").await;
        let list = env.api(Method::GET, &format!("{url}?q=測試"), &ciso, None).await.json();
        assert_eq!(list["items"].as_array().map(Vec::len), Some(1), "{list}");
    }

    async fn shared_records_reach_their_vendor_account_alone_and_only_while_shared(backend: Backend) {
        let env = TestEnv::demo(backend).await;
        env.app.seed_demo_audits().await.expect("demo audits");
        env.app.seed_demo_vendors().await.expect("demo vendors");
        env.app.seed_demo_vendors().await.expect("seeded once only");
        let pol = env.org("PIF-POL").await;
        let hlt = env.org("PIF-HLT").await;
        env.make_user("vendor.other", "他家廠商", &hlt, Role::Vendor).await;
        let officer = env.token_for("officer.police").await;
        let acme = env.token_for("vendor.acme").await;
        let other = env.token_for("vendor.other").await;
        // the demo shares the vendor's record and its audit
        let mine = env.api(Method::GET, "/api/v1/shared", &acme, None).await.json();
        let kinds: Vec<&str> = mine.as_array().expect("shares").iter().map(|s| s["record_type"].as_str().unwrap_or("")).collect();
        assert_eq!(kinds.len(), 2, "{mine}");
        assert!(kinds.contains(&"vendor") && kinds.contains(&"audit"), "{mine}");
        let vendor_share = mine.as_array().expect("shares").iter().find(|s| s["record_type"] == "vendor").expect("vendor share").clone();
        let sid = vendor_share["id"].as_str().expect("id");
        let got = env.api(Method::GET, &format!("/api/v1/shared/{sid}"), &acme, None).await;
        assert_eq!(got.status, StatusCode::OK, "{}", got.text());
        let rec = &got.json()["record"];
        assert_eq!(rec["name"], json!("艾克米資訊股份有限公司"));
        assert!(gaps(rec).contains(&"agreements".to_string()), "林佩珊 signed over a year ago: {rec}");
        // the vendor reaches nothing else: not the record itself, not the list, not another's share
        let vendor_id = rec["id"].as_str().expect("id");
        assert_eq!(env.api(Method::GET, &format!("/api/v1/vendors/{vendor_id}"), &acme, None).await.status, StatusCode::NOT_FOUND);
        assert_eq!(env.api(Method::GET, &format!("/api/v1/orgs/{pol}/vendors"), &acme, None).await.status, StatusCode::NOT_FOUND);
        assert_eq!(env.api(Method::GET, &format!("/api/v1/shared/{sid}"), &other, None).await.status, StatusCode::NOT_FOUND);
        assert_eq!(env.api(Method::GET, &format!("/api/v1/shared/{sid}"), &officer, None).await.status, StatusCode::NOT_FOUND);
        // a vendor account of another bureau cannot be given the police's records
        let share = |kind: &str, id: &str, to: &str| json!({"record_type": kind, "record_id": id, "vendor_user": to});
        let surl = format!("/api/v1/orgs/{pol}/shares");
        let r = env.api(Method::POST, &surl, &officer, Some(share("vendor", vendor_id, "vendor.other"))).await;
        assert_eq!((r.status, field(&r).as_deref()), (StatusCode::UNPROCESSABLE_ENTITY, Some("vendor_user")), "{}", r.text());
        // an internal audit is not shared; a corrective action is
        let audit = env.api(Method::GET, &format!("/api/v1/orgs/{pol}/audits?kind=internal"), &officer, None).await.json()["items"][0].clone();
        let audit_id = audit["id"].as_str().expect("audit");
        let r = env.api(Method::POST, &surl, &officer, Some(share("audit", audit_id, "vendor.acme"))).await;
        assert_eq!((r.status, field(&r).as_deref()), (StatusCode::UNPROCESSABLE_ENTITY, Some("record_id")), "{}", r.text());
        let action = env.api(Method::GET, &format!("/api/v1/audits/{audit_id}"), &officer, None).await.json()["actions"][0].clone();
        let r = env.api(Method::POST, &surl, &officer, Some(share("corrective_action", action["id"].as_str().expect("action"), "vendor.acme"))).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let new_share = r.json()["id"].as_str().expect("share").to_string();
        let again = env.api(Method::POST, &surl, &officer, Some(share("corrective_action", action["id"].as_str().expect("action"), "vendor.acme"))).await;
        assert_eq!(again.json()["id"].as_str(), Some(new_share.as_str()), "the same share again: {}", again.text());
        let got = env.api(Method::GET, &format!("/api/v1/shared/{new_share}"), &acme, None).await.json();
        assert_eq!(got["record"]["title"], action["title"], "{got}");
        assert_eq!(env.api(Method::GET, &surl, &officer, None).await.json().as_array().map(Vec::len), Some(3));
        // revoked: gone for the vendor at once, and told apart by no one else
        let r = env.api(Method::DELETE, &format!("/api/v1/shares/{new_share}"), &other, None).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text());
        let r = env.api(Method::DELETE, &format!("/api/v1/shares/{new_share}"), &officer, None).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text());
        assert_eq!(env.api(Method::GET, &format!("/api/v1/shared/{new_share}"), &acme, None).await.status, StatusCode::NOT_FOUND);
        assert_eq!(env.api(Method::DELETE, &format!("/api/v1/shares/{new_share}"), &officer, None).await.status, StatusCode::NOT_FOUND);
        let trail = env.api(Method::GET, "/api/v1/audit?limit=50", &env.token_for("admin").await, None).await.text();
        assert!(trail.contains("shares.created") && trail.contains("shares.revoked"), "{trail}");
        // the vendor's pages: its home lists the shares, each opens
        let s = env.login("vendor.acme", PASSWORD).await;
        let home = env.request(Method::GET, "/", &s.headers(), None).await.text();
        assert!(home.contains(&format!("href=\"/shared/{sid}\"")), "{home}");
        let page = env.request(Method::GET, &format!("/shared/{sid}"), &s.headers(), None).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.text().contains("林佩珊") && page.text().contains("id=\"shared-gaps\""), "{}", page.text());
        let s2 = env.login("vendor.other", PASSWORD).await;
        assert_eq!(env.request(Method::GET, &format!("/shared/{sid}"), &s2.headers(), None).await.status, StatusCode::NOT_FOUND);
    }

    async fn the_pages_record_a_vendor_its_staff_a_check_and_a_share(backend: Backend) {
        let env = TestEnv::demo(backend).await;
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
        let list = env.request(Method::GET, &format!("/orgs/{pol}/vendors"), &s.headers(), None).await.text();
        assert!(list.contains("id=\"vendor-form\"") && list.contains("id=\"nav-vendors\""), "{list}");
        let (to, page) = post(&format!("/orgs/{pol}/vendors"), &[("name", "頁面廠商"), ("tax_id", "10458575"), ("contact_name", "李經理")]).await;
        assert!(page.contains("已登錄委外廠商") && page.contains("id=\"vendor-gaps\""), "{page}");
        let id = to.trim_start_matches("/vendors/").split('?').next().expect("id").to_string();
        let (_, page) = post(&format!("/vendors/{id}/contracts"), &[("no", "115-09"), ("title", "維運"), ("starts_on", &day(&env, -1)), ("ends_on", &day(&env, 100)), ("incident_notice", "true"), ("data_return", "true"), ("security_requirements", "依附表十")]).await;
        assert!(page.contains("data-active=\"true\""), "{page}");
        let (_, page) = post(&format!("/vendors/{id}/staff"), &[("name", "周駐點"), ("on_site", "true"), ("nda_signed_on", &day(&env, -2)), ("agreement_signed_on", &day(&env, -2))]).await;
        assert!(page.contains("data-name=\"周駐點\" data-late=\"false\"") && page.contains("data-code=\"device_check\""), "{page}");
        let (_, page) = post(&format!("/vendors/{id}/device-checks"), &[("staff", "周駐點"), ("device", "筆電"), ("passed", "true"), ("checker", "資訊室")]).await;
        assert!(page.contains("data-passed=\"true\"") && !page.contains("data-code=\"device_check\""), "{page}");
        let (_, page) = post(&format!("/vendors/{id}"), &[("name", "頁面廠商"), ("tax_id", "10458575"), ("certification", "ISO/IEC 27001"), ("qualified_staff", "true"), ("components", "nginx | 1.24 | BSD-2-Clause")]).await;
        assert!(page.contains("nginx 1.24（BSD-2-Clause）"), "{page}");
        let (_, page) = post(&format!("/vendors/{id}/shares"), &[("record_id", ""), ("vendor_user", "vendor.acme")]).await;
        assert!(page.contains("已分享給廠商帳號") && page.contains("id=\"vendor-shares\""), "{page}");
        let share = env.api(Method::GET, &format!("/api/v1/orgs/{pol}/shares"), &env.token_for("officer.police").await, None).await.json()[0]["id"].as_str().expect("share").to_string();
        let (_, page) = post(&format!("/shares/{share}/revoke"), &[]).await;
        assert!(page.contains("已撤回分享") && !page.contains("id=\"vendor-shares\""), "{page}");
        // a bad business id goes back with the message
        let r = env.request(Method::POST, &format!("/orgs/{pol}/vendors"), &h, Some(form(&[("_csrf", s.csrf.as_str()), ("name", "錯號"), ("tax_id", "12345678")]))).await;
        let text = match r.location().map(str::to_owned) {
            Some(l) => env.request(Method::GET, &l, &s.headers(), None).await.text(),
            None => r.text(),
        };
        assert!(text.contains("檢查碼"), "{text}");
    }
}
