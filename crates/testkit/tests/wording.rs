//! Issue 9, wording and layout, on every backend: plan chapters numbered as
//! official documents do (拾壹, 貳拾壹); 「第 1 版」; one term 資通安全長 on
//! every page every demo role sees; no 「。、」; quantities in Chinese
//! units; rule-data confidence as a marker, not text; empty lists that say
//! what to do next; completion dates that cannot be in the future (form and
//! application alike). In Chromium at 1366×768: a date in a table stays on
//! one line, and the plan editor's 財務損失 label belongs to, and sits on,
//! its own textarea.

use std::time::Duration;

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use zian_domain::plan::schema::{CHAPTERS, formal_numeral};
use zian_testkit::browser::Browser;
use zian_testkit::{Backend, PASSWORD, TestEnv, backend_tests};

/// The test clock's date in Asia/Taipei.
const TODAY: &str = "2026-11-21";

async fn page(env: &TestEnv, cookie: &str, path: &str) -> (StatusCode, String) {
    let r = env
        .request(Method::GET, path, &[("cookie", cookie)], None)
        .await;
    (r.status, r.text())
}

async fn ok_page(env: &TestEnv, cookie: &str, path: &str) -> String {
    let (status, html) = page(env, cookie, path).await;
    assert_eq!(status, StatusCode::OK, "{path}: {html}");
    html
}

/// The page's text without its tags' attributes (so a `title` explanation
/// does not count as text shown in the page).
fn without_attributes(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => {
                in_tag = true;
                out.push(' ');
            }
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// Starts a draft plan for the organisation (or finds the open one); its id.
async fn open_plan(env: &TestEnv, token: &str, org: &str) -> String {
    let r = env
        .api(
            Method::POST,
            &format!("/api/v1/orgs/{org}/plans"),
            token,
            Some(json!({"change_note": "初版"})),
        )
        .await;
    if r.status == StatusCode::CREATED {
        return r.json()["id"].as_str().expect("id").to_string();
    }
    let o = env
        .api(
            Method::GET,
            &format!("/api/v1/orgs/{org}/plans"),
            token,
            None,
        )
        .await
        .json();
    o["open"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("no open plan: {o}"))
        .to_string()
}

#[test]
fn chapters_are_numbered_as_official_documents_are() {
    let expected = [
        (1, "壹"),
        (2, "貳"),
        (3, "參"),
        (4, "肆"),
        (5, "伍"),
        (6, "陸"),
        (7, "柒"),
        (8, "捌"),
        (9, "玖"),
        (10, "拾"),
        (11, "拾壹"),
        (12, "拾貳"),
        (17, "拾柒"),
        (19, "拾玖"),
        (20, "貳拾"),
        (21, "貳拾壹"),
        (30, "參拾"),
        (99, "玖拾玖"),
    ];
    for (n, s) in expected {
        assert_eq!(formal_numeral(n), s, "{n}");
    }
    let numbers: Vec<&str> = CHAPTERS.iter().map(|c| c.number).collect();
    assert_eq!(numbers.len(), 17);
    assert_eq!(
        &numbers[9..],
        ["拾", "拾壹", "拾貳", "拾參", "拾肆", "拾伍", "拾陸", "拾柒"]
    );
    assert!(
        numbers.iter().all(|n| !n.starts_with("壹拾")),
        "{numbers:?}"
    );
}

backend_tests! {
    async fn every_role_reads_one_term_for_the_ciso(env: TestEnv) {
        let pol = env.org("PIF-POL").await;
        let officer = env.token_for("officer.police").await;
        let plan = open_plan(&env, &officer, pol.as_str()).await;
        let mut walked = 0;
        let mut saw_ciso = false;
        for (username, _, _, code) in zian_app::demo::USERS {
            let org = env.org(code).await;
            let s = env.login(username, PASSWORD).await;
            let paths = [
                "/".to_string(),
                "/orgs".to_string(),
                "/compliance".to_string(),
                "/plans".to_string(),
                "/overrides".to_string(),
                "/reminders".to_string(),
                "/users".to_string(),
                "/account".to_string(),
                format!("/orgs/{org}"),
                format!("/orgs/{org}/compliance"),
                format!("/orgs/{org}/systems"),
                format!("/orgs/{org}/risks"),
                format!("/orgs/{org}/plan"),
                format!("/orgs/{pol}/plan"),
                format!("/plans/{plan}"),
                format!("/plans/{plan}/chapters/organisation"),
            ];
            for path in &paths {
                let (status, html) = page(&env, &s.cookie, path).await;
                if status != StatusCode::OK {
                    continue;
                }
                walked += 1;
                assert!(html.contains("lang=\"zh-TW\""), "{username} {path}: not Chinese");
                assert!(!html.contains("資安長"), "{username} {path}: 資安長 in\n{html}");
                assert!(!html.contains("。、"), "{username} {path}: 。、 in\n{html}");
                assert!(!html.contains("hours-per-person") && !html.contains("certificates-per-person"), "{username} {path}: unit code");
                saw_ciso |= html.contains("資通安全長");
            }
        }
        assert!(walked > 60, "only {walked} pages walked");
        assert!(saw_ciso, "資通安全長 shown nowhere");
    }

    async fn plan_versions_and_chapters_read_as_official_documents(env: TestEnv) {
        let pol = env.org("PIF-POL").await;
        let officer = env.token_for("officer.police").await;
        let plan = open_plan(&env, &officer, pol.as_str()).await;
        let s = env.login("officer.police", PASSWORD).await;
        let show = ok_page(&env, &s.cookie, &format!("/plans/{plan}")).await;
        assert!(show.contains("第 1 版"), "{show}");
        assert!(show.contains("拾壹、資通安全情資之評估及因應"), "{show}");
        assert!(!show.contains("壹拾"), "{show}");
        // chapter 伍's duties of each group are sentences: no 「。、」
        assert!(show.contains("資通安全政策及目標之研議。訂定機關資通安全相關規章"), "{show}");
        assert!(!show.contains("。、"));
        let overview = ok_page(&env, &s.cookie, &format!("/orgs/{pol}/plan")).await;
        assert!(overview.contains("第 1 版"), "{overview}");
        let edit = ok_page(&env, &s.cookie, &format!("/plans/{plan}/chapters/business")).await;
        assert!(edit.contains("第 1 版") && edit.contains("參、核心業務及重要性"), "{edit}");
        assert!(edit.contains("影響其他機關業務運作（相依性）"), "full-width brackets");
        // the 財務損失 label names the financial-loss textarea
        let id = "t-core-0-impact_financial";
        assert!(edit.contains(&format!("<label for=\"{id}\">財務損失</label>")), "{edit}");
        assert!(edit.contains(&format!("<textarea id=\"{id}\" name=\"t.core.0.impact_financial\"")), "{edit}");
    }

    async fn quantities_and_confidence_read_plainly(env: TestEnv) {
        let pol = env.org("PIF-POL").await;
        let s = env.login("officer.police", PASSWORD).await;
        let html = ok_page(&env, &s.cookie, &format!("/orgs/{pol}/compliance")).await;
        assert!(html.contains("每人 12 小時") || html.contains("每人 3 小時"), "hours per person in words");
        assert!(html.contains(" 人</td>"), "persons in words");
        // the confidence is a marker with its explanation, not text in the row
        assert!(html.contains("<sup class=\"conf conf-secondary\"><abbr title=\"次級資料："), "{html}");
        let text = without_attributes(&html);
        assert!(!text.contains("次級資料") && !text.contains("推定，請核對"), "confidence as text");
        assert!(html.contains("id=\"conf-legend\""));
        // the rule code follows the obligation's name, it is not the first column
        let head = html.split("id=\"obligations\"").nth(1).expect("table");
        let first_th = head.split("<th>").nth(1).expect("th");
        assert!(first_th.starts_with("應辦事項<"), "{first_th}");
        // plain-language help
        assert!(!text.contains("MiB"));
        assert!(text.contains("檔案指紋（SHA-256，用於證明檔案未被竄改）"));
        assert!(!text.contains("空白時為逾期之期限"));
        assert!(html.contains("<dd id=\"on\">民國115年11月21日（2026-11-21）</dd>"), "ROC date in the details");
        // dates in the table are ROC
        assert!(html.contains("<td class=\"date\"><time datetime=\"2027-03-15\">116/03/15</time></td>"), "ROC date in table");
        // English keeps ISO dates and English units
        let form = zian_testkit::http::form(&[("lang", "en"), ("back", "/")]);
        let h = [("cookie", s.cookie.as_str()), ("content-type", "application/x-www-form-urlencoded")];
        let r = env.request(Method::POST, "/lang", &h, Some(form)).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let en = ok_page(&env, &s.cookie, &format!("/orgs/{pol}/compliance")).await;
        assert!(en.contains("lang=\"en\""), "English page");
        assert!(en.contains("12 hours per person"), "{en}");
        assert!(en.contains("<time datetime=\"2027-03-15\">2027-03-15</time>"), "ISO date in English");
    }

    async fn risk_factors_have_distinct_names(env: TestEnv) {
        let pol = env.org("PIF-POL").await;
        let officer = env.token_for("officer.police").await;
        let r = env
            .api(Method::POST, &format!("/api/v1/orgs/{pol}/risks"), &officer, Some(json!({"asset": "報案系統", "threat": "勒索軟體", "weakness": "未修補漏洞", "asset_value": 2, "likelihood": 2, "vulnerability": 2, "treatment": "accept", "owner": "資訊室"})))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let s = env.login("officer.police", PASSWORD).await;
        let html = ok_page(&env, &s.cookie, &format!("/orgs/{pol}/risks")).await;
        let head = html.split("id=\"risks\"").nth(1).expect("risk table");
        let head = head.split("</thead>").next().unwrap_or_default();
        assert_eq!(head.matches(">脆弱性利用難易度<").count(), 1, "{head}");
        assert_eq!(head.matches(">脆弱點<").count(), 1, "{head}");
        assert!(!head.contains(">脆弱性<"), "{head}");
    }

    async fn empty_lists_say_what_to_do_next(env: TestEnv) {
        let admin = env.token_for("admin").await;
        let pol = env.org("PIF-POL").await;
        let r = env
            .api(Method::POST, "/api/v1/orgs", &admin, Some(json!({"parent_id": pol, "name_zh": "檢驗科", "tier": "unit", "kind": "public"})))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let unit = r.json()["id"].as_str().expect("id").to_string();
        let s = env.login("officer.police", PASSWORD).await;
        let risks = ok_page(&env, &s.cookie, &format!("/orgs/{unit}/risks")).await;
        assert!(risks.contains("id=\"risks-none\">尚無風險紀錄，或沒有符合篩選條件者。按下方「新增風險」開始。</p>"), "{risks}");
        let systems = ok_page(&env, &s.cookie, &format!("/orgs/{unit}/systems")).await;
        assert!(systems.contains("id=\"systems-none\">尚無資通系統"), "{systems}");
        let org = ok_page(&env, &s.cookie, &format!("/orgs/{unit}")).await;
        assert!(org.contains("本機關沒有所屬機關或單位。"), "{org}");
        assert!(!org.contains("目前沒有資料。"));
    }

    async fn completion_dates_cannot_be_in_the_future(env: TestEnv) {
        let pol = env.org("PIF-POL").await;
        let s = env.login("officer.police", PASSWORD).await;
        let html = ok_page(&env, &s.cookie, &format!("/orgs/{pol}/compliance")).await;
        assert!(html.contains(&format!("<input id=\"c-on\" name=\"completed_on\" type=\"date\" value=\"{TODAY}\" max=\"{TODAY}\"")), "{html}");
        // the form, bypassing the browser's check: refused, nothing recorded
        let body = format!(
            "_csrf={}&rule_id=T3.internal-audit&due_date=&completed_on=2026-11-22&note=%E6%9C%AA%E4%BE%86&evidence_link=&evidence_id=&evidence_text=",
            s.csrf
        );
        let mut h = s.headers();
        h.push(("content-type", "application/x-www-form-urlencoded"));
        let r = env
            .request(Method::POST, &format!("/orgs/{pol}/compliance/complete"), &h, Some(body.into_bytes()))
            .await;
        assert!(r.status.is_client_error(), "{} {}", r.status, r.text());
        // the API too, naming the field
        let officer = env.token_for("officer.police").await;
        let r = env
            .api(Method::POST, &format!("/api/v1/orgs/{pol}/obligations/completions"), &officer, Some(json!({"rule_id": "T3.internal-audit", "note": "未來", "completed_on": "2026-11-22"})))
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
        assert_eq!(r.json()["error"]["field"], "completed_on");
        let c = env.api(Method::GET, &format!("/api/v1/orgs/{pol}/obligations"), &officer, None).await.json();
        let audit = c["obligations"].as_array().expect("obligations").iter().find(|o| o["id"] == "T3.internal-audit").cloned().unwrap_or(Value::Null);
        assert!(!audit.to_string().contains("未來"), "{audit}");
        // today is accepted
        let r = env
            .api(Method::POST, &format!("/api/v1/orgs/{pol}/obligations/completions"), &officer, Some(json!({"rule_id": "T3.internal-audit", "note": "今日完成", "completed_on": TODAY})))
            .await;
        assert!(r.status.is_success(), "{}", r.text());
        // the grading date of a system has the same limit on its form
        let r = env
            .api(Method::POST, &format!("/api/v1/orgs/{pol}/systems"), &officer, Some(json!({"name": "勤務指揮系統", "owner": "資訊室"})))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let sys = r.json()["id"].as_str().expect("a system").to_string();
        let show = ok_page(&env, &s.cookie, &format!("/systems/{sys}")).await;
        assert!(show.contains(&format!("name=\"assessed_on\" type=\"date\" value=\"{TODAY}\" max=\"{TODAY}\"")), "{show}");
    }
}

const T: Duration = Duration::from_secs(10);

/// A screenshot to `$ZIAN_TEST_ARTIFACTS` (default `test-artifacts/`), for people.
fn shot(b: &Browser, name: &str) {
    let dir = std::env::var_os("ZIAN_TEST_ARTIFACTS")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| {
            std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../test-artifacts")
        });
    if std::fs::create_dir_all(&dir).is_ok() {
        let _ = b.screenshot(dir.join(format!("wording-{name}.png")));
    }
}

/// At 1366×768 a date cell keeps its date on one line, and the plan editor's
/// labels sit on their own inputs.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tables_and_plan_editor_at_1366() {
    let env = TestEnv::demo(Backend::Sqlite).await;
    let pol = env.org("PIF-POL").await;
    let officer = env.token_for("officer.police").await;
    let plan = open_plan(&env, &officer, pol.as_str()).await;
    let base = env.serve().await;
    let result = tokio::task::spawn_blocking(move || -> Result<(), zian_testkit::browser::BrowserError> {
        let Some(b) = Browser::launch_or_skip("tables_and_plan_editor_at_1366")? else {
            return Ok(());
        };
        b.set_window_size(1366, 768)?;
        b.goto(&format!("{base}/login"))?;
        b.find("#username")?.send_keys("officer.police")?;
        b.find("#password")?.send_keys(PASSWORD)?;
        b.find("#login-submit")?.click()?;
        b.wait_for("nav.side", T)?;

        // every date in the obligations table is one line high
        b.goto(&format!("{base}/orgs/{pol}/compliance"))?;
        b.wait_for("#obligations", T)?;
        let m = b.execute(
            "document.querySelector('#obligations tbody').scrollIntoView();\
             const cells = [...document.querySelectorAll('#obligations td.date time')];\
             const lh = parseFloat(getComputedStyle(document.querySelector('#obligations td.date')).lineHeight);\
             return {n: cells.length, lh: lh, max: Math.max(...cells.map(c => c.getBoundingClientRect().height)), \
                     width: document.documentElement.scrollWidth};",
            &[],
        )?;
        shot(&b, "compliance-1366");
        let n = m["n"].as_f64().unwrap_or(0.0);
        let lh = m["lh"].as_f64().unwrap_or(0.0);
        let max = m["max"].as_f64().unwrap_or(f64::MAX);
        assert!(n > 10.0, "{m}");
        assert!(lh > 0.0 && max <= 1.6 * lh, "a date broke over lines: {m}");

        // the plan editor: 財務損失 labels the financial-loss textarea, right above it
        b.goto(&format!("{base}/plans/{plan}/chapters/business"))?;
        b.wait_for("#chapter-form", T)?;
        let r = b.execute(
            "const l = [...document.querySelectorAll('#row-core-0 label')].find(x => x.textContent.trim() === '財務損失');\
             if (!l) return null;\
             const t = document.getElementById(l.htmlFor);\
             const a = l.getBoundingClientRect(), c = t.getBoundingClientRect();\
             return {tag: t.tagName, name: t.name, gap: c.top - a.bottom, dx: Math.abs(c.left - a.left), lw: a.width};",
            &[],
        )?;
        shot(&b, "plan-editor-1366");
        assert!(r.is_object(), "no 財務損失 label");
        assert_eq!(r["tag"], "TEXTAREA", "{r}");
        assert_eq!(r["name"], "t.core.0.impact_financial", "{r}");
        let gap = r["gap"].as_f64().unwrap_or(f64::MAX);
        let dx = r["dx"].as_f64().unwrap_or(f64::MAX);
        assert!((-1.0..=12.0).contains(&gap) && dx < 2.0, "label not on its textarea: {r}");
        Ok(())
    })
    .await
    .expect("browser task");
    result.expect("browser journey");
}
