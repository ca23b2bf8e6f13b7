//! Issue 9, the officer's view, on every backend: the dashboard's counts
//! agree with each other and with the lists they summarise; the level-review
//! date is one value on the organisation, its obligations and the dashboard;
//! units owe no maintenance plan; the navigation reaches systems and risks
//! and marks the page shown; an ungraded system's statement of applicability
//! says it is not graded; the language switch returns to the same page; the
//! site has its own icon.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use time::macros::date;
use zian_app::compliance::rules::{Level, OrgKind, RuleSet};
use zian_testkit::{PASSWORD, TestEnv, backend_tests};

/// The test clock's date in Asia/Taipei.
const TODAY: time::Date = date!(2026 - 11 - 21);

async fn get_json(env: &TestEnv, token: &str, path: &str) -> Value {
    let r = env.api(Method::GET, path, token, None).await;
    assert_eq!(r.status, StatusCode::OK, "{path}: {}", r.text());
    r.json()
}

async fn page(env: &TestEnv, cookie: &str, path: &str) -> String {
    let r = env
        .request(Method::GET, path, &[("cookie", cookie)], None)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{path}: {}", r.text());
    r.text()
}

/// The level-review obligation of an organisation (API).
async fn level_review(env: &TestEnv, token: &str, org: &str) -> Value {
    let c = get_json(env, token, &format!("/api/v1/orgs/{org}/obligations")).await;
    c["obligations"]
        .as_array()
        .expect("obligations")
        .iter()
        .find(|o| o["item"] == "level-review")
        .cloned()
        .unwrap_or_else(|| panic!("no level-review obligation: {c}"))
}

backend_tests! {
    async fn dashboard_counts_agree_with_each_other_and_the_lists(env: TestEnv) {
        let admin = env.token_for("admin").await;
        let d = get_json(&env, &admin, "/api/v1/dashboard").await;
        let by_level: i64 = d["by_level"]
            .as_object()
            .expect("by_level")
            .values()
            .map(|v| v.as_i64().expect("count"))
            .sum();
        let agencies = d["agencies"].as_i64().expect("agencies");
        // 各責任等級機關數 adds up to 機關數
        assert_eq!(by_level + d["level_unassigned"].as_i64().expect("unassigned"), agencies, "{d}");

        // the organisation list: every active organisation but units is an agency
        let orgs = get_json(&env, &admin, "/api/v1/orgs?limit=500").await;
        let items = orgs["items"].as_array().expect("items");
        assert_eq!(d["organisations"].as_i64(), Some(items.len() as i64));
        let listed_agencies: Vec<&Value> = items.iter().filter(|o| o["tier"] != "unit").collect();
        assert_eq!(agencies, listed_agencies.len() as i64);
        assert!(items.iter().any(|o| o["tier"] == "unit"), "the demo has a unit");

        // reviews overdue: the organisations whose level-review obligation is overdue
        let mut overdue = 0;
        for o in listed_agencies.iter().filter(|o| o["level"].is_string()) {
            if level_review(&env, &admin, o["id"].as_str().expect("id")).await["status"] == "overdue" {
                overdue += 1;
            }
        }
        assert_eq!(d["level_reviews_overdue"].as_i64(), Some(overdue));

        // the plans roll-up lists agencies only: a unit works under its agency's plan
        let sec = env.org("KHH-IT-SEC").await;
        let plans = get_json(&env, &admin, "/api/v1/plans").await;
        let rows = plans.as_array().expect("plan rows");
        assert!(rows.iter().all(|r| r["org_id"] != sec.as_str()), "unit listed: {plans}");
        assert_eq!(rows.len() as i64, agencies);
    }

    async fn level_review_date_is_one_value_on_every_page(env: TestEnv) {
        let officer = env.token_for("officer.police").await;
        let pol = env.org("PIF-POL").await;
        // the rules' date: assigned 2024-03-15, re-approved every three years
        // since 2026-01-05 (the later of the old and new deadlines)
        let rules = RuleSet::shipped().expect("rules");
        let expected = rules
            .level_review_due(OrgKind::Public, Level::B, date!(2024 - 03 - 15), TODAY)
            .expect("a level-review date");
        assert_eq!(expected, date!(2027 - 03 - 15));
        let iso = expected.to_string();

        let org = get_json(&env, &officer, &format!("/api/v1/orgs/{pol}")).await;
        assert_eq!(org["level_review_due"], json!(iso));
        let ob = level_review(&env, &officer, &pol).await;
        assert_eq!(ob["due"], json!(iso), "{ob}");
        assert_ne!(ob["status"], "overdue");

        // the pages: the organisation, its obligations and the dashboard
        let s = env.login("officer.police", PASSWORD).await;
        let show = page(&env, &s.cookie, &format!("/orgs/{pol}")).await;
        assert!(show.contains(&format!("id=\"org-review-due\" data-date=\"{iso}\"")), "{show}");
        let comp = page(&env, &s.cookie, &format!("/orgs/{pol}/compliance")).await;
        let row = comp.split("id=\"ob-ART3.level-review.public\"").nth(1).expect("level-review row");
        let row = row.split("</tr>").next().unwrap_or_default();
        assert!(row.contains(&iso), "{row}");
        assert!(!show.contains("2026-03-15"));

        // a new assignment moves the review date with it, on both
        let ciso = env.token_for("ciso.police").await;
        let admin = env.token_for("admin").await;
        let r = env
            .api(
                Method::PUT,
                &format!("/api/v1/orgs/{pol}"),
                &admin,
                Some(json!({
                    "code": "PIF-POL", "name_zh": org["name_zh"], "name_en": org["name_en"],
                    "tier": org["tier"], "kind": "public", "level": "B",
                    "level_assigned_on": "2026-06-01", "level_review_due": iso,
                })),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        assert_eq!(r.json()["level_review_due"], "2029-06-01");
        let ob = level_review(&env, &ciso, &pol).await;
        assert_eq!(ob["due"], "2029-06-01");
    }

    async fn navigation_reaches_systems_and_risks_and_marks_the_page(env: TestEnv) {
        let pol = env.org("PIF-POL").await;
        let s = env.login("officer.police", PASSWORD).await;
        let systems = page(&env, &s.cookie, &format!("/orgs/{pol}/systems")).await;
        assert!(systems.contains(&format!("href=\"/orgs/{pol}/systems\" id=\"nav-systems\" aria-current=\"page\"")), "{systems}");
        assert!(!systems.contains("資產與系統（建置中）"));
        assert!(!systems.contains("href=\"/compliance\" aria-current"), "compliance is not the systems page");
        let risks = page(&env, &s.cookie, &format!("/orgs/{pol}/risks")).await;
        assert!(risks.contains(&format!("href=\"/orgs/{pol}/risks\" id=\"nav-risk\" aria-current=\"page\"")));
        assert!(risks.contains("風險評鑑"));
        // the dashboard links both for the current organisation
        let home = page(&env, &s.cookie, "/").await;
        assert!(home.contains("id=\"nav-systems\"") && home.contains("id=\"nav-risk\""));
        assert!(home.contains("rel=\"icon\" href=\"/static/favicon.svg\""));
    }

    async fn ungraded_system_says_it_is_not_graded(env: TestEnv) {
        let pol = env.org("PIF-POL").await;
        let officer = env.token_for("officer.police").await;
        let r = env
            .api(
                Method::POST,
                &format!("/api/v1/orgs/{pol}/systems"),
                &officer,
                Some(json!({"name": "門禁管理系統", "owner": "後勤科"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let id = r.json()["id"].as_str().expect("id").to_string();
        let s = env.login("officer.police", PASSWORD).await;
        let show = page(&env, &s.cookie, &format!("/systems/{id}")).await;
        assert!(show.contains("id=\"soa-ungraded\""), "{show}");
        assert!(show.contains("尚未完成防護需求分級"));
        assert!(!show.contains("id=\"soa\""), "no table of 否 before grading");
    }

    async fn language_switch_returns_to_the_same_page(env: TestEnv) {
        let pol = env.org("PIF-POL").await;
        let s = env.login("officer.police", PASSWORD).await;
        let here = format!("/orgs/{pol}/systems?q=x");
        let html = page(&env, &s.cookie, &here).await;
        let back = html
            .split("name=\"back\" value=\"")
            .nth(1)
            .and_then(|r| r.split('"').next())
            .expect("back field")
            .replace("&#x2f;", "/")
            .replace("&#47;", "/")
            .replace("&#x3d;", "=")
            .replace("&#61;", "=");
        assert_eq!(back, here);
        let form = |back: &str| zian_testkit::http::form(&[("lang", "en"), ("back", back)]);
        let h = [("cookie", s.cookie.as_str()), ("content-type", "application/x-www-form-urlencoded")];
        let r = env.request(Method::POST, "/lang", &h, Some(form(&here))).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert_eq!(r.location(), Some(here.as_str()));
        let en = page(&env, &s.cookie, &here).await;
        assert!(en.contains("Information systems"));
        // only same-origin relative paths
        for evil in ["//evil.example/x", "https://evil.example/", "/\\evil.example"] {
            let r = env.request(Method::POST, "/lang", &h, Some(form(evil))).await;
            assert_eq!(r.location(), Some("/"), "{evil}");
        }
    }

    async fn the_site_has_its_own_icon(env: TestEnv) {
        for path in ["/favicon.ico", "/static/favicon.svg"] {
            let r = env.request(Method::GET, path, &[], None).await;
            assert_eq!(r.status, StatusCode::OK, "{path}");
            assert_eq!(r.headers.get("content-type").and_then(|v| v.to_str().ok()), Some("image/svg+xml"));
            assert!(r.text().starts_with("<svg"));
        }
    }
}

backend_tests! {
    async fn todo_counts_agree_with_the_lists_they_link_to(env: TestEnv) {
        let pol = env.org("PIF-POL").await;
        let officer = env.token_for("officer.police").await;
        // a risk above the threshold whose treatment has not started, and one being treated
        for status in ["open", "treating"] {
            let r = env
                .api(
                    Method::POST,
                    &format!("/api/v1/orgs/{pol}/risks"),
                    &officer,
                    Some(json!({"asset": "報案系統資料庫", "threat": "勒索軟體", "weakness": "備份未離線",
                        "asset_value": 3, "likelihood": 3, "vulnerability": 3, "treatment": "mitigate",
                        "owner": "黃俊傑", "due_on": "2027-02-28", "status": status})),
                )
                .await;
            assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        }
        for user in ["supervisor.khh", "ciso.police", "officer.police"] {
            let t = env.token_for(user).await;
            let d = get_json(&env, &t, "/api/v1/dashboard").await;
            let todo = d["todo"].as_array().expect("todo");
            assert!(!todo.is_empty(), "{user}: {d}");
            let rollup = get_json(&env, &t, "/api/v1/compliance").await;
            let mut overdue_total = 0;
            for item in todo {
                let org = item["org_id"].as_str().expect("org");
                let n = item["count"].as_i64().expect("count");
                assert!(n > 0);
                let listed = match item["kind"].as_str().expect("kind") {
                    k @ ("obligations_overdue" | "obligations_due_soon") => {
                        assert_eq!(item["href"], format!("/orgs/{org}/compliance"));
                        let status = if k == "obligations_overdue" { "overdue" } else { "due_soon" };
                        let c = get_json(&env, &t, &format!("/api/v1/orgs/{org}/obligations")).await;
                        if status == "overdue" { overdue_total += n; }
                        c["obligations"].as_array().expect("obs").iter().filter(|o| o["status"] == status).count() as i64
                    }
                    "risks_untreated" => {
                        let href = item["href"].as_str().expect("href");
                        let query = href.split_once('?').expect("filtered link").1;
                        assert_eq!(query, "above_threshold=1&status=open");
                        get_json(&env, &t, &format!("/api/v1/orgs/{org}/risks?{query}")).await["total"].as_i64().expect("total")
                    }
                    "systems_regrade" => {
                        let s = get_json(&env, &t, &format!("/api/v1/orgs/{org}/systems?limit=500")).await;
                        s["items"].as_array().expect("items").iter()
                            .filter(|x| x["review_due"].as_str().is_some_and(|d| d < TODAY.to_string().as_str()))
                            .count() as i64
                    }
                    "plan_awaiting_approval" => {
                        let plans = get_json(&env, &t, "/api/v1/plans").await;
                        plans.as_array().expect("rows").iter()
                            .filter(|r| r["org_id"] == org && r["open_status"] == "submitted").count() as i64
                    }
                    "threat_notices_to_answer" => {
                        assert_eq!(item["href"], format!("/orgs/{org}/threat-notices"));
                        let l = get_json(&env, &t, &format!("/api/v1/orgs/{org}/threat-notices")).await;
                        l["received"].as_array().expect("received").iter()
                            .filter(|x| x["notice"]["status"] == "open" && ["pending", "in_progress"].contains(&x["response"]["outcome"].as_str().unwrap_or(""))).count() as i64
                    }
                    other => panic!("unknown kind {other}"),
                };
                assert_eq!(n, listed, "{user}: {item}");
            }
            // and nothing overdue is left out: the roll-up's overdue obligations
            let rolled: i64 = rollup.as_array().expect("rows").iter()
                .flat_map(|r| r["behind"].as_array().cloned().unwrap_or_default())
                .filter(|o| o["status"] == "overdue")
                .count() as i64;
            assert_eq!(overdue_total, rolled, "{user}");
            // the police's untreated risk is on the list of those who see it
            assert!(todo.iter().any(|i| i["kind"] == "risks_untreated" && i["org_id"] == pol.as_str() && i["count"] == 1), "{user}: {d}");
        }
        // the page shows the same list
        let s = env.login("officer.police", PASSWORD).await;
        let home = page(&env, &s.cookie, "/").await;
        assert!(home.contains("id=\"todo\""));
        let home = home.replace("&#38;", "&").replace("&amp;", "&");
        assert!(home.contains(&format!("href=\"/orgs/{pol}/risks?above_threshold=1&status=open\"")), "{home}");
    }
}

backend_tests! {
    async fn audit_trail_reads_in_words_filters_and_exports(env: TestEnv) {
        let admin = env.token_for("admin").await;
        let pol = env.org("PIF-POL").await;
        // an edit by a named person in the police bureau
        let officer = env.token_for("officer.police").await;
        let r = env
            .api(Method::POST, &format!("/api/v1/orgs/{pol}/systems"), &officer,
                Some(json!({"name": "報案系統", "owner": "資訊室"})))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let today = TODAY.to_string();
        let list = get_json(&env, &admin, &format!("/api/v1/audit?org={pol}&from={today}&to={today}&limit=50")).await;
        let items = list["items"].as_array().expect("items");
        assert!(!items.is_empty(), "{list}");
        assert!(items.iter().all(|e| e["org_id"] == pol.as_str()));
        let e = items.iter().find(|e| e["action"] == "system.created").expect("system.created");
        assert_eq!(e["actor_name"], "資安專責人員 林怡君");
        assert_eq!(e["org_name"], "屏東縣政府警察局");
        // a day with nothing
        let none = get_json(&env, &admin, &format!("/api/v1/audit?org={pol}&from=2020-01-01&to=2020-01-02")).await;
        assert_eq!(none["total"], 0);
        // a bad date is a clear error
        let r = env.api(Method::GET, "/api/v1/audit?from=yesterday", &admin, None).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
        // the CSV of the same filters, in words
        let r = env.api(Method::GET, &format!("/api/v1/audit.csv?org={pol}&from={today}&to={today}"), &admin, None).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let body = r.text();
        assert!(body.starts_with('\u{feff}'));
        assert!(body.contains("資安專責人員 林怡君"));
        let (_, rows) = zian_testkit::http::parse_csv(&r);
        assert_eq!(rows.len() as u64, list["total"].as_u64().expect("total"));
    }
}
