//! Training on every backend: the year's plan with its roster by job
//! category, sessions recorded, a sign-in sheet (CSV and XLSX) previewed
//! and committed with every skipped row named, each person's hours against
//! 附表一's amounts for the level (尚缺 N 小時), the gender statistics, and
//! the training obligations completing themselves once everyone meets them.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use zian_testkit::http::form;
use zian_testkit::{PASSWORD, backend_tests};

fn field(r: &zian_testkit::Resp) -> Option<String> {
    r.json()["error"]["field"].as_str().map(str::to_string)
}

fn b64(bytes: &[u8]) -> String {
    data_encoding::BASE64.encode(bytes)
}

fn sha(bytes: &[u8]) -> String {
    use sha2::Digest;
    data_encoding::HEXLOWER.encode(&sha2::Sha256::digest(bytes))
}

/// A sign-in sheet as an agency's spreadsheet gives it: a title row, the
/// header, five people and three bad rows.
const SHEET: &str = "115 年度資通安全教育訓練簽到表\n編號,單位,職稱,姓名,性別,簽名\n1,資訊室,科員,林怡君,女,\n2,資訊室,技士,黃俊傑,男,\n3,秘書室,科員,王小明,男,\n4,秘書室,主任,陳淑芬,女,\n5,人事室,科員,,男,\n6,資訊室,科員,林怡君,女,\n7,會計室,科員,李大同,不詳,\n8,督察科,警務員,張志豪,男,\n";

fn roster() -> Value {
    json!([
        {"name": "林怡君", "unit": "資訊室", "title": "科員", "audience": "資安專責人員", "gender": "女", "certificates": ["專業:ISO 27001 LA:2027-12-31"]},
        {"name": "黃俊傑", "unit": "資訊室", "title": "技士", "audience": "it_staff", "gender": "男"},
        {"name": "王小明", "unit": "秘書室", "title": "科員", "audience": "general", "gender": "男"},
        {"name": "陳淑芬", "unit": "秘書室", "title": "主任", "audience": "manager", "gender": "女"}
    ])
}

backend_tests! {
    async fn a_sign_in_sheet_is_previewed_committed_and_counted_against_the_level(env: TestEnv) {
        let officer = env.token_for("officer.police").await;
        let pol = env.org("PIF-POL").await;
        let today = zian_domain::day::ymd(env.app.today());
        let year = env.app.today().year();
        let t = format!("/api/v1/orgs/{pol}/training");
        // a roster line of an unknown category is refused by its field
        let r = env.api(Method::PUT, &format!("{t}/plan"), &officer, Some(json!({"roster": [{"name": "某人", "unit": "資訊室", "audience": "實習生"}]}))).await;
        assert_eq!((r.status, field(&r).as_deref()), (StatusCode::UNPROCESSABLE_ENTITY, Some("roster")), "{}", r.text());
        let r = env.api(Method::PUT, &format!("{t}/plan"), &officer, Some(json!({"basis": "依資通安全維護計畫", "courses": "資安通識 3 小時；專業課程 12 小時", "roster": roster()}))).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        assert_eq!(r.json()["head_counts"], json!({"security_staff": 1, "it_staff": 1, "general": 1, "manager": 1}));
        // before any session, everyone lacks hours; the certificate holder lacks none
        let items: Vec<(String, String)> = r.json()["gaps"].as_array().expect("gaps").iter().map(|g| (g["name"].as_str().unwrap_or("").to_string(), g["item"].as_str().unwrap_or("").to_string())).collect();
        for want in [("林怡君", "training-security-staff"), ("黃俊傑", "training-it-general"), ("王小明", "training-users"), ("陳淑芬", "training-users")] {
            assert!(items.contains(&(want.0.to_string(), want.1.to_string())), "{want:?} in {items:?}");
        }
        assert!(!items.iter().any(|(_, i)| i == "certificate-professional"), "{items:?}");
        let gap = r.json()["gaps"].as_array().expect("gaps").iter().find(|g| g["item"] == "training-security-staff").expect("gap").clone();
        assert_eq!(gap["message"], json!("尚缺 12 小時"));
        // a session: bad hours refused; a general course of 3 hours today
        let s = json!({"title": "資安通識教育訓練", "category": "general", "hours": "3", "held_on": today, "instructor": "吳講師", "instructor_gender": "女", "place": "本局 3 樓會議室"});
        let mut bad = s.clone();
        bad["hours"] = json!("2.25");
        let r = env.api(Method::POST, &format!("{t}/sessions"), &officer, Some(bad)).await;
        assert_eq!((r.status, field(&r).as_deref()), (StatusCode::UNPROCESSABLE_ENTITY, Some("hours")), "{}", r.text());
        let r = env.api(Method::POST, &format!("{t}/sessions"), &officer, Some(s)).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let id = r.json()["id"].as_str().expect("id").to_string();
        let sv = format!("/api/v1/training-sessions/{id}");
        // a file without a name column is refused; the sheet is previewed
        let r = env.api(Method::POST, &format!("{sv}/sign-in/preview"), &officer, Some(json!({"file_name": "x.csv", "content_base64": b64("單位,職稱\n資訊室,科員\n".as_bytes())}))).await;
        assert_eq!((r.status, field(&r).as_deref()), (StatusCode::UNPROCESSABLE_ENTITY, Some("file")), "{}", r.text());
        let r = env.api(Method::POST, &format!("{sv}/sign-in/preview"), &officer, Some(json!({"file_name": "簽到表.csv", "content_base64": b64(SHEET.as_bytes())}))).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let p = &r.json()["preview"];
        let rows: Vec<(u64, bool)> = p["rows"].as_array().expect("rows").iter().map(|x| (x["line"].as_u64().unwrap_or(0), x["on_roster"].as_bool().unwrap_or(false))).collect();
        assert_eq!(rows, vec![(3, true), (4, true), (5, true), (6, true), (10, false)], "{p}");
        let skipped: Vec<u64> = p["skipped"].as_array().expect("skipped").iter().map(|x| x["line"].as_u64().unwrap_or(0)).collect();
        assert_eq!(skipped, vec![7, 8, 9], "{p}");
        assert!(p["skipped"][2]["reason"].as_str().is_some_and(|m| m.contains("不詳")), "{p}");
        // nothing joins until committed, and only what was previewed
        assert_eq!(env.api(Method::GET, &sv, &officer, None).await.json()["body"]["attendees"].as_array().map(Vec::len), Some(0));
        let r = env.api(Method::POST, &format!("{sv}/sign-in"), &officer, Some(json!({"expect": sha(b"another file")}))).await;
        assert_eq!((r.status, field(&r).as_deref()), (StatusCode::UNPROCESSABLE_ENTITY, Some("file")), "{}", r.text());
        let r = env.api(Method::POST, &format!("{sv}/sign-in"), &officer, Some(json!({"expect": sha(SHEET.as_bytes())}))).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        assert_eq!((r.json()["added"].as_u64(), r.json()["attendees"].as_u64()), (Some(5), Some(5)), "{}", r.text());
        assert_eq!(r.json()["skipped"].as_array().map(Vec::len), Some(3));
        // committed once: a second commit has nothing to take
        let r = env.api(Method::POST, &format!("{sv}/sign-in"), &officer, Some(json!({"expect": sha(SHEET.as_bytes())}))).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
        // the same people again from an Excel sheet add no one twice
        let xlsx = {
            let mut wb = rust_xlsxwriter::Workbook::new();
            let ws = wb.add_worksheet();
            for (r, row) in [["單位", "職稱", "姓名", "性別"], ["資訊室", "科員", "林怡君", "女"], ["會計室", "科員", "蔡佩君", "女"]].iter().enumerate() {
                for (c, v) in row.iter().enumerate() {
                    ws.write_string(r as u32, c as u16, *v).expect("cell");
                }
            }
            wb.save_to_buffer().expect("xlsx")
        };
        env.api(Method::POST, &format!("{sv}/sign-in/preview"), &officer, Some(json!({"file_name": "簽到.xlsx", "content_base64": b64(&xlsx)}))).await;
        let r = env.api(Method::POST, &format!("{sv}/sign-in"), &officer, Some(json!({"expect": sha(&xlsx)}))).await;
        assert_eq!((r.json()["added"].as_u64(), r.json()["attendees"].as_u64()), (Some(1), Some(6)), "{}", r.text());
        // the year: general users and managers meet theirs; the IT staff's awareness too
        let y = env.api(Method::GET, &format!("{t}?year={year}"), &officer, None).await.json();
        let items: Vec<(String, String)> = y["gaps"].as_array().expect("gaps").iter().map(|g| (g["name"].as_str().unwrap_or("").to_string(), g["item"].as_str().unwrap_or("").to_string())).collect();
        assert!(!items.iter().any(|(_, i)| i == "training-users" || i == "training-it-general"), "{items:?}");
        assert!(items.contains(&("林怡君".to_string(), "training-security-staff".to_string())), "{items:?}");
        assert_eq!(y["participants_by_gender"], json!({"female": 3, "male": 3, "other": 0, "unknown": 0}), "{y}");
        assert_eq!(y["instructors_by_gender"], json!({"female": 1, "male": 0, "other": 0, "unknown": 0}));
        let wang = y["people"].as_array().expect("people").iter().find(|p| p["name"] == "王小明").expect("王小明").clone();
        assert_eq!(wang["general_hours"], json!("3"));
        // the users' awareness obligation completed itself from the records
        let c = env.api(Method::GET, &format!("/api/v1/orgs/{pol}/obligations"), &officer, None).await.json();
        let users = c["obligations"].as_array().expect("obligations").iter().find(|o| o["item"] == "training-users").expect("training-users").clone();
        assert!(users.to_string().contains("依教育訓練紀錄自動判定"), "{users}");
        let staff = c["obligations"].as_array().expect("obligations").iter().find(|o| o["item"] == "training-security-staff").expect("security staff").clone();
        assert!(!staff.to_string().contains("依教育訓練紀錄自動判定"), "not everyone met it: {staff}");
        // the year's plan printed: the roster's hours, certificates and what is missing
        let doc = env.app.report(&env.principal("officer.police").await, &pol, "training-plan").await.expect("training plan");
        let text = doc.texts().join("\n");
        assert!(text.contains("年度資通安全教育訓練計畫") && text.contains("ISO 27001 LA") && text.contains("林怡君") && text.contains("尚缺") && text.contains("女 3、男 3"), "{text}");
        let r = env.api(Method::GET, &format!("/api/v1/orgs/{pol}/documents/training-plan?format=csv"), &officer, None).await;
        assert!(r.status == StatusCode::OK && r.text().contains("王小明"), "{}", r.text());
        // nobody outside the bureau's line reaches it
        let other = env.token_for("officer.penghu").await;
        assert_eq!(env.api(Method::GET, &sv, &other, None).await.status, StatusCode::NOT_FOUND);
        let r = env.api(Method::POST, &format!("{sv}/sign-in/preview"), &other, Some(json!({"file_name": "x.csv", "content_base64": "!!"}))).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text());
    }

    async fn the_pages_plan_record_import_and_print(env: TestEnv) {
        let pol = env.org("PIF-POL").await;
        let s = env.login("officer.police", PASSWORD).await;
        let mut h = s.headers();
        h.push(("content-type", "application/x-www-form-urlencoded"));
        let today = zian_domain::day::ymd(env.app.today());
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
        let page = env.request(Method::GET, &format!("/orgs/{pol}/training"), &s.headers(), None).await.text();
        assert!(page.contains("id=\"plan-form\"") && page.contains("id=\"nav-training\"") && page.contains("id=\"no-plan\""), "{page}");
        let (_, page) = post(&format!("/orgs/{pol}/training/plan"), &[("basis", "年度訓練"), ("roster", "林怡君 | 資訊室 | 科員 | 資安專責人員 | 女 | 專業:CISSP:2027-06-30\n王小明 | 秘書室 | 科員 | 一般人員 | 男")]).await;
        assert!(page.contains("已儲存年度計畫") && page.contains("data-item=\"training-users\"") && page.contains("尚缺 3 小時"), "{page}");
        let (to, page) = post(&format!("/orgs/{pol}/training/sessions"), &[("title", "社交工程防範"), ("category", "general"), ("hours", "1.5"), ("held_on", &today), ("place", "禮堂")]).await;
        assert!(page.contains("id=\"import-form\"") && page.contains("1.5"), "{page}");
        let id = to.trim_start_matches("/training-sessions/").split('?').next().expect("id").to_string();
        let sheet = env.request(Method::GET, &format!("/training-sessions/{id}/sheet"), &s.headers(), None).await.text();
        assert!(sheet.contains("資通安全教育訓練簽到表") && sheet.contains("簽名") && sheet.contains("社交工程防範"), "{sheet}");
        // a malformed upload comes back to the page with its message
        let boundary = "zianboundary";
        let body = format!("--{boundary}\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"s.csv\"\r\nContent-Type: text/csv\r\n\r\n單位,姓名\r\n秘書室,王小明\r\n--{boundary}--\r\n", s.csrf);
        let mut mh = s.headers();
        let ct = format!("multipart/form-data; boundary={boundary}");
        mh.push(("content-type", ct.as_str()));
        let r = env.request(Method::POST, &format!("/training-sessions/{id}/sign-in/preview"), &mh, Some(body.into_bytes())).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        let page = env.request(Method::GET, &format!("/training-sessions/{id}"), &s.headers(), None).await.text();
        assert!(page.contains("id=\"preview-rows\"") && page.contains("data-known=\"true\""), "{page}");
        // the file is what lies between its headers and the boundary's CRLF
        let expect = sha("單位,姓名\r\n秘書室,王小明".as_bytes());
        let (_, page) = post(&format!("/training-sessions/{id}/sign-in"), &[("expect", &expect)]).await;
        assert!(page.contains("已匯入簽到表") && page.contains("已加入 1 人") && page.contains("<span id=\"attendee-count\">1</span>"), "{page}");
        let year = env.request(Method::GET, &format!("/orgs/{pol}/training"), &s.headers(), None).await.text();
        assert!(year.contains("尚缺 1.5 小時"), "{year}");
    }
}
