//! The yearly implementation report on every backend: drafted from the
//! records (every row of the 13-section form; an explanation the officer
//! edited survives a new draft), refused approval while a row is blank,
//! approved by the CISO, submitted to the supervising organisation (the
//! obligation completing itself), seen in the supervisor's roll-up,
//! returned with a reason, printed through the documents engine, and
//! invisible outside the line of supervision.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use zian_testkit::http::form;
use zian_testkit::{PASSWORD, backend_tests};

fn field(r: &zian_testkit::Resp) -> Option<String> {
    r.json()["error"]["field"].as_str().map(str::to_string)
}

fn line<'a>(report: &'a Value, code: &str) -> &'a Value {
    report["lines"]
        .as_array()
        .expect("lines")
        .iter()
        .find(|l| l["code"] == code)
        .expect("line")
}

backend_tests! {
    async fn a_report_is_drafted_edited_approved_submitted_and_returned(env: TestEnv) {
        let officer = env.token_for("officer.police").await;
        let ciso = env.token_for("ciso.police").await;
        let supervisor = env.token_for("supervisor.khh").await;
        let pol = env.org("PIF-POL").await;
        let khh = env.org("KHH").await;
        let year = env.app.today().year();
        let base = format!("/api/v1/orgs/{pol}/implementation-report");
        let r = env.api(Method::GET, &format!("{base}?year={year}"), &officer, None).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        assert_eq!((r.json()["report"].clone(), r.json()["supervisor_name"].as_str()), (Value::Null, Some("屏東縣政府")), "{}", r.text());
        let r = env.api(Method::POST, &base, &officer, Some(json!({"year": 1999}))).await;
        assert_eq!((r.status, field(&r).as_deref()), (StatusCode::UNPROCESSABLE_ENTITY, Some("year")), "{}", r.text());
        let r = env.api(Method::POST, &base, &officer, Some(json!({"year": year}))).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let rep = r.json();
        let id = rep["id"].as_str().expect("id").to_string();
        assert_eq!(rep["status"], "draft");
        assert_eq!(rep["lines"].as_array().map(Vec::len), Some(31));
        assert!(rep["intro"].as_str().is_some_and(|s| s.contains("屏東縣政府警察局") && s.contains(&format!("（{}）年度", year - 1911))), "{}", rep["intro"]);
        // the level from the organisation; the budget row keeps the seed's example
        let level = line(&rep, "5.2");
        assert!(level["explanation"].as_str().is_some_and(|s| s.contains("級機關")), "{level}");
        assert!(line(&rep, "4.2")["explanation"].as_str().is_some_and(|s| s.contains("○○%")));
        // no review held yet: 2.4 keeps its example
        let before = line(&rep, "2.4")["explanation"].as_str().unwrap_or("").to_string();
        assert!(!before.contains("本年度已召開"), "{before}");
        let one = format!("/api/v1/implementation-reports/{id}");
        let r = env.api(Method::PUT, &one, &officer, Some(json!({"lines": [{"code": "4.2", "explanation": "本年度資安經費佔資訊經費之 7.5%。", "evidence": "115年度預算書\n\n"}], "other": "無"}))).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let l = line(&r.json(), "4.2").clone();
        assert_eq!((l["drafted"].as_bool(), l["evidence"].clone()), (Some(false), json!(["115年度預算書"])), "{l}");
        let r = env.api(Method::PUT, &one, &officer, Some(json!({"lines": [{"code": "99.9", "explanation": "x"}]}))).await;
        assert_eq!((r.status, field(&r).as_deref()), (StatusCode::UNPROCESSABLE_ENTITY, Some("code")), "{}", r.text());
        // a management review held: drafted again, 2.4 says so, 4.2 stays as edited
        env.app.seed_demo_management_review().await.expect("demo reviews");
        let r = env.api(Method::POST, &base, &officer, Some(json!({"year": year}))).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let rep = r.json();
        assert_eq!(rep["id"].as_str(), Some(id.as_str()), "the same report");
        let review = line(&rep, "2.4");
        if env.app.today().ordinal() > 180 {
            assert!(review["explanation"].as_str().is_some_and(|s| s.contains("管理審查會議 1 次")), "{review}");
            assert!(review["evidence"].as_array().is_some_and(|e| e.contains(&json!(format!("/orgs/{pol}/management-reviews")))), "{review}");
        }
        assert_eq!(line(&rep, "4.2")["explanation"], "本年度資安經費佔資訊經費之 7.5%。");
        // a blank row keeps it from approval; the officer may not approve
        let r = env.api(Method::PUT, &one, &officer, Some(json!({"lines": [{"code": "12.1", "explanation": "  "}]}))).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        assert_eq!(r.json()["unexplained"], json!(["12.1"]));
        let r = env.api(Method::POST, &format!("{one}/approve"), &ciso, None).await;
        assert_eq!((r.status, field(&r).as_deref()), (StatusCode::UNPROCESSABLE_ENTITY, Some("explanation")), "{}", r.text());
        let r = env.api(Method::PUT, &one, &officer, Some(json!({"lines": [{"code": "12.1", "explanation": "已依公務人員考績法辦理平時及年終考核。"}]}))).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let r = env.api(Method::POST, &format!("{one}/submit"), &officer, None).await;
        assert_eq!((r.status, field(&r).as_deref()), (StatusCode::UNPROCESSABLE_ENTITY, Some("status")), "{}", r.text());
        assert_eq!(env.api(Method::POST, &format!("{one}/approve"), &officer, None).await.status, StatusCode::FORBIDDEN);
        let r = env.api(Method::POST, &format!("{one}/approve"), &ciso, None).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        assert_eq!((r.json()["status"].as_str(), r.json()["approved_by"].as_str()), (Some("approved"), Some("警察局資通安全長 陳建宏")), "{}", r.text());
        let r = env.api(Method::PUT, &one, &officer, Some(json!({"other": "改"}))).await;
        assert_eq!((r.status, field(&r).as_deref()), (StatusCode::UNPROCESSABLE_ENTITY, Some("status")), "{}", r.text());
        let r = env.api(Method::POST, &format!("{one}/submit"), &officer, None).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let pif = env.org("PIF").await;
        assert_eq!((r.json()["status"].as_str(), r.json()["submitted_to"].as_str()), (Some("submitted"), Some(pif.as_str())), "{}", r.text());
        // the obligation completed itself
        let c = env.api(Method::GET, &format!("/api/v1/orgs/{pol}/obligations"), &officer, None).await.text();
        assert!(c.contains("依實施情形提報紀錄自動判定"), "{c}");
        // the supervisor sees who submitted, and only below it
        let r = env.api(Method::GET, &format!("/api/v1/orgs/{khh}/implementation-reports?year={year}"), &supervisor, None).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let rows = r.json()["orgs"].as_array().expect("orgs").clone();
        let mine = rows.iter().find(|o| o["org_id"] == json!(pol.as_str())).expect("the bureau");
        assert_eq!((mine["status"].as_str(), mine["report_id"].as_str()), (Some("submitted"), Some(id.as_str())));
        assert!(rows.iter().all(|o| o["org_id"] != json!(khh.as_str())), "not itself");
        assert!(rows.iter().any(|o| o["status"] == "none"), "the others have not");
        assert_eq!(r.json()["submitted"], json!(1));
        // printed through the documents engine
        let r = env.api(Method::GET, &format!("{one}/documents/implementation-report?format=csv"), &officer, None).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        assert!(r.text().contains("實施情形說明") && r.text().contains("7.5%"), "{}", r.text());
        // returned with a reason, by the supervisor only
        let r = env.api(Method::POST, &format!("{one}/return"), &officer, Some(json!({"reason": "自行撤回"}))).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text());
        let r = env.api(Method::POST, &format!("{one}/return"), &supervisor, Some(json!({"reason": ""}))).await;
        assert_eq!((r.status, field(&r).as_deref()), (StatusCode::UNPROCESSABLE_ENTITY, Some("reason")), "{}", r.text());
        let r = env.api(Method::POST, &format!("{one}/return"), &supervisor, Some(json!({"reason": "請補充 8.2 社交工程演練日期"}))).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        assert_eq!((r.json()["status"].as_str(), r.json()["returns"][0]["reason"].as_str()), (Some("draft"), Some("請補充 8.2 社交工程演練日期")), "{}", r.text());
        assert_eq!(env.api(Method::POST, &format!("{one}/return"), &supervisor, Some(json!({"reason": "x"}))).await.status, StatusCode::CONFLICT);
        // nobody outside the line sees it
        let other = env.token_for("officer.penghu").await;
        assert_eq!(env.api(Method::GET, &one, &other, None).await.status, StatusCode::NOT_FOUND);
        assert_eq!(env.api(Method::GET, &format!("{one}/documents/implementation-report?format=csv"), &other, None).await.status, StatusCode::NOT_FOUND);
    }

    async fn the_page_drafts_edits_and_shows_the_subordinates(env: TestEnv) {
        let pol = env.org("PIF-POL").await;
        let s = env.login("officer.police", PASSWORD).await;
        let mut h = s.headers();
        h.push(("content-type", "application/x-www-form-urlencoded"));
        let year = env.app.today().year().to_string();
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
        let page = env.request(Method::GET, &format!("/orgs/{pol}/implementation-report?year={year}"), &s.headers(), None).await.text();
        assert!(page.contains("id=\"ir-draft\"") && page.contains("id=\"nav-implementation-report\"") && !page.contains("id=\"ir-rollup\""), "{page}");
        let (to, page) = post(&format!("/orgs/{pol}/implementation-report"), &[("year", &year)]).await;
        assert!(page.contains("已依系統紀錄產生草稿") && page.contains("id=\"ir-form\"") && page.contains("資通安全維護計畫實施情形"), "{page}");
        let path = to.split('?').next().expect("path").to_string();
        let (_, page) = post(&format!("{path}/edit"), &[("explanation.4.2", "資安經費佔資訊經費之 6%。"), ("evidence.4.2", "預算書"), ("other", "無其他說明")]).await;
        assert!(page.contains("已儲存") && page.contains("資安經費佔資訊經費之 6%。") && page.contains("data-code=\"4.2\" data-drafted=\"false\""), "{page}");
        // the supervisor's page lists the bureau's draft
        let khh = env.org("KHH").await;
        let sup = env.login("supervisor.khh", PASSWORD).await;
        let page = env.request(Method::GET, &format!("/orgs/{khh}/implementation-report?year={year}"), &sup.headers(), None).await.text();
        assert!(page.contains("id=\"ir-rollup\"") && page.contains(&format!("data-org=\"{pol}\" data-status=\"draft\"")), "{page}");
    }
}
