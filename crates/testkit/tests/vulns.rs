//! Vulnerability findings in the platform, on every backend: the demo's
//! register matched against real NVD 2012–2015 records and KEV entries;
//! the clock by Asia/Taipei calendar days (due dates by policy, KEV's
//! earlier date, overdue from the first minute of the next day); the
//! decisions and the transitions they may take; a fix confirmed by an
//! inventory without the vulnerable version, and a reappearance that
//! reopens (a false positive stays suppressed); one decision over a
//! filtered set; the policy inherited down the tree; patch lists and CSV;
//! a match queued by an inventory commit and run by the worker; the pages;
//! and the triage → plan → fix → automatic verification journey in
//! Chromium.

use std::time::Duration;

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use zian_app::jobs::{Handlers, JobsConfig, Worker};
use zian_testkit::browser::Browser;
use zian_testkit::http::{audit_actions, col, form, parse_csv};
use zian_testkit::{Backend, PASSWORD, TestEnv, backend_tests};

/// 2026-11-21 09:00 Asia/Taipei: the demo's clock, when it was matched.
const DEMO_NOW: i64 = 1_795_222_800;

async fn findings(env: &TestEnv, token: &str, org: &str, query: &str) -> Vec<Value> {
    let r = env
        .api(
            Method::GET,
            &format!("/api/v1/orgs/{org}/vulns?{query}"),
            token,
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{query}: {}", r.text());
    r.json()["items"].as_array().cloned().unwrap_or_default()
}

async fn one(env: &TestEnv, token: &str, org: &str, query: &str) -> Value {
    let v = findings(env, token, org, query).await;
    assert_eq!(v.len(), 1, "{query}: {v:?}");
    v[0].clone()
}

async fn decide(env: &TestEnv, token: &str, id: &str, body: Value) -> (StatusCode, Value) {
    let r = env
        .api(
            Method::POST,
            &format!("/api/v1/vulns/{id}/decision"),
            token,
            Some(body),
        )
        .await;
    (r.status, r.json())
}

/// Audit entries whose action starts with `vulns.`.
async fn vuln_audits(env: &TestEnv) -> i64 {
    use sqlx::Row;
    sqlx::query("SELECT COUNT(*) FROM audit_log WHERE action LIKE 'vulns.%'")
        .fetch_one(env.store.pool())
        .await
        .expect("count")
        .try_get::<i64, _>(0)
        .expect("n")
}

async fn rematch(env: &TestEnv, token: &str, org: &str) -> Value {
    let r = env
        .api(
            Method::POST,
            &format!("/api/v1/orgs/{org}/vulns/match"),
            token,
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    r.json()
}

backend_tests! {
    async fn the_demo_finds_real_vulnerabilities_and_the_clock_counts_taipei_days(backend: Backend) {
        let env = TestEnv::demo_with_feeds(backend).await;
        let tok = env.token_for("officer.police").await;
        let pol = env.org("PIF-POL").await.to_string();

        let s = env
            .api(Method::GET, &format!("/api/v1/orgs/{pol}/vulns/summary"), &tok, None)
            .await
            .json();
        assert!(s["open"].as_u64().unwrap() > 100, "{s}");
        // the officer's demo decisions: Heartbleed fixed, a false positive,
        // an accepted risk (Shellshock is planned: still open)
        assert_eq!(s["handled"], 3, "{s}");
        assert!(s["possible"].as_u64().unwrap() > 0, "{s}");
        assert!(s["matched_at"].as_i64().is_some() && s["feed"].as_str().unwrap().contains("CVE"));

        // Shellshock on the application server: KEV, planned; the KEV due
        // date (2022-07-28) is earlier than seven days from notification
        let f = one(&env, &tok, &pol, "cve=CVE-2014-6271").await;
        assert_eq!(f["status"], "planned");
        assert_eq!(f["kev"], true);
        assert_eq!(f["kev_due"], "2022-07-28");
        assert_eq!(f["due_on"], "2022-07-28");
        assert_eq!(f["overdue"], true);
        assert_eq!(f["cvss"], 9.8);
        assert_eq!(f["software"], json!(["GNU Bash 4.1"]));
        // a high PHP finding: 7 days from the day of notification
        let f = one(&env, &tok, &pol, "cve=CVE-2013-6420").await;
        assert_eq!((f["status"].as_str(), f["severity"].as_str()), (Some("new"), Some("high")));
        assert_eq!(f["notified_at"], DEMO_NOW);
        assert_eq!(f["due_on"], "2026-11-28");
        assert_eq!((f["days_left"].as_i64(), f["overdue"].as_bool()), (Some(7), Some(false)));
        let id = f["id"].as_str().unwrap().to_string();
        // 2026-11-28 23:59:59 in Taipei: due today, not overdue
        env.clock.advance(7 * 86_400 + 15 * 3600 - 1);
        let f = one(&env, &tok, &pol, "cve=CVE-2013-6420").await;
        assert_eq!((f["days_left"].as_i64(), f["overdue"].as_bool()), (Some(0), Some(false)));
        assert!(!findings(&env, &tok, &pol, "overdue=true").await.iter().any(|x| x["id"] == id.as_str()));
        // one second later it is the 29th in Taipei (16:00 UTC): overdue
        env.clock.advance(1);
        let f = one(&env, &tok, &pol, "cve=CVE-2013-6420").await;
        assert_eq!((f["days_left"].as_i64(), f["overdue"].as_bool()), (Some(-1), Some(true)));
        assert!(findings(&env, &tok, &pol, "overdue=true&limit=500").await.iter().any(|x| x["id"] == id.as_str()));

        // decisions are checked
        let (st, e) = decide(&env, &tok, &id, json!({"action": "plan", "plan_action": "更新 PHP", "plan_due": "2026-12-05"})).await;
        assert_eq!((st, e["error"]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("plan_owner")), "{e}");
        let (st, e) = decide(&env, &tok, &id, json!({"action": "accept", "reason": "x", "approver": "資安長", "accepted_until": "2026-11-20"})).await;
        assert_eq!((st, e["error"]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("accepted_until")), "{e}");
        let (st, e) = decide(&env, &tok, &id, json!({"action": "verify"})).await;
        assert_eq!((st, e["error"]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("action")), "{e}");
        assert!(e["error"]["message"].as_str().unwrap().contains("不得執行"), "{e}");
        let possible = findings(&env, &tok, &pol, "certainty=possible").await;
        let p0 = possible[0]["id"].as_str().unwrap();
        let (st, e) = decide(&env, &tok, p0, json!({"action": "needs_fix"})).await;
        assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
        assert!(e["error"]["message"].as_str().unwrap().contains("可能受影響"), "{e}");

        // plan → fix → verify by a person
        let (st, f) = decide(&env, &tok, &id, json!({"action": "plan", "plan_action": "更新 PHP 至 5.4.45", "plan_owner": "資訊室 林工程師", "plan_due": "2026-12-05"})).await;
        assert_eq!(st, StatusCode::OK, "{f}");
        assert_eq!((f["status"].as_str(), f["plan_due"].as_str()), (Some("planned"), Some("2026-12-05")));
        assert!(f["handled_at"].is_null(), "a plan does not handle it");
        let (_, f) = decide(&env, &tok, &id, json!({"action": "fix", "evidence": "yum update php，版本已為 5.4.45"})).await;
        assert_eq!(f["status"], "fixed");
        assert!(f["handled_at"].as_i64().is_some());
        let (_, f) = decide(&env, &tok, &id, json!({"action": "verify", "evidence": "php -v 確認"})).await;
        assert_eq!(f["status"], "verified");
        assert!(f["verified_by"].as_str().is_some());
        let d = env.api(Method::GET, &format!("/api/v1/vulns/{id}"), &tok, None).await.json();
        let actions: Vec<&str> = d["history"].as_array().unwrap().iter().map(|h| h["action"].as_str().unwrap()).collect();
        assert_eq!(actions, ["vulns.decided"; 3]);
        assert_eq!(d["history"][0]["details"]["changes"]["status"], json!(["fixed", "verified"]));
        assert_eq!(d["policy_days"], 7);
        assert!(d["match_evidence"][0]["cpe23"].as_str().unwrap().starts_with("cpe:2.3:a:php:php:5.4.16"));

        // another agency sees none of it
        let outsider = env.token_for("officer.health").await;
        let r = env.api(Method::GET, &format!("/api/v1/vulns/{id}"), &outsider, None).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        let (st, _) = decide(&env, &outsider, &id, json!({"action": "needs_fix"})).await;
        assert_eq!(st, StatusCode::NOT_FOUND);
        let r = env.api(Method::GET, &format!("/api/v1/orgs/{pol}/vulns"), &outsider, None).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
    }

    async fn an_inventory_without_the_vulnerable_version_confirms_the_fix_and_a_return_reopens(backend: Backend) {
        let env = TestEnv::demo_with_feeds(backend).await;
        let tok = env.token_for("officer.police").await;
        let pol = env.org("PIF-POL").await.to_string();
        let f = one(&env, &tok, &pol, "cve=CVE-2013-6420").await;
        let asset = f["asset_id"].as_str().unwrap().to_string();
        let open_php: Vec<Value> = findings(&env, &tok, &pol, &format!("asset={asset}&q=PHP&limit=500")).await;
        let n = open_php.len() as u64;
        assert!(n > 10, "{n}");
        let fp = one(&env, &tok, &pol, "cve=CVE-2015-0235&status=all").await;
        assert_eq!(fp["status"], "false_positive");

        // PHP is removed from the server
        let a = env.api(Method::GET, &format!("/api/v1/assets/{asset}"), &tok, None).await.json();
        let php = a["software"].as_array().unwrap().iter().find(|s| s["name"] == "PHP").expect("PHP").clone();
        let r = env.api(Method::DELETE, &format!("/api/v1/assets/{asset}/software/{}", php["id"].as_str().unwrap()), &tok, None).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text());
        env.clock.advance(3600);
        let c = rematch(&env, &tok, &pol).await;
        assert_eq!(c["confirmed_fixed"], n, "{c}");
        assert_eq!(c["new"], 0);
        let f = one(&env, &tok, &pol, "cve=CVE-2013-6420&status=all").await;
        assert_eq!(f["status"], "verified");
        assert_eq!(f["present"], false);
        assert!(f["verified_by"].is_null(), "confirmed by the inventory");
        assert_eq!(f["verified_at"], DEMO_NOW + 3600);
        assert_eq!(f["handled_at"], DEMO_NOW + 3600);
        let fp = one(&env, &tok, &pol, "cve=CVE-2015-0235&status=all").await;
        assert_eq!((fp["status"].as_str(), fp["present"].as_bool()), (Some("false_positive"), Some(false)));
        assert!(findings(&env, &tok, &pol, &format!("asset={asset}&q=PHP")).await.is_empty());
        // matching again changes nothing
        let c = rematch(&env, &tok, &pol).await;
        assert_eq!((c["new"].as_u64(), c["confirmed_fixed"].as_u64(), c["reopened"].as_u64(), c["updated"].as_u64()), (Some(0), Some(0), Some(0), Some(0)), "{c}");

        // it comes back ten days later: every one reopens with a new clock,
        // the false positive stays suppressed
        env.clock.advance(10 * 86_400);
        let r = env.api(Method::POST, &format!("/api/v1/assets/{asset}/software"), &tok, Some(json!({
            "name": "PHP", "version": "5.4.16", "cpe23": "cpe:2.3:a:php:php:5.4.16:*:*:*:*:*:*:*"
        }))).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let c = rematch(&env, &tok, &pol).await;
        assert_eq!(c["reopened"], n, "{c}");
        let f = one(&env, &tok, &pol, "cve=CVE-2013-6420").await;
        assert_eq!((f["status"].as_str(), f["reopened"].as_i64()), (Some("new"), Some(1)));
        let now = DEMO_NOW + 3600 + 10 * 86_400;
        assert_eq!(f["notified_at"], now);
        assert_eq!(f["first_seen_at"], DEMO_NOW);
        assert_eq!(f["due_on"], "2026-12-08");
        assert!(f["verified_at"].is_null());
        let fp = one(&env, &tok, &pol, "cve=CVE-2015-0235&status=all").await;
        assert_eq!((fp["status"].as_str(), fp["present"].as_bool()), (Some("false_positive"), Some(true)));
        let actions = audit_actions(&env, "vulns.").await;
        assert!(actions.iter().filter(|a| *a == "vulns.matched").count() >= 3, "{actions:?}");
    }

    async fn one_decision_covers_a_filtered_set_and_policies_are_inherited(backend: Backend) {
        let env = TestEnv::demo_with_feeds(backend).await;
        let tok = env.token_for("officer.police").await;
        let pol = env.org("PIF-POL").await.to_string();
        let r = env.api(Method::GET, &format!("/api/v1/orgs/{pol}/vulns?severity=medium&limit=1"), &tok, None).await.json();
        let n = r["total"].as_i64().unwrap();
        assert!(n > 50 && r["total_exact"] == true, "{r}");
        let bulk = |expect: i64, action: &str| json!({"action": action, "severity": "medium", "expect": expect});
        let r = env.api(Method::POST, &format!("/api/v1/orgs/{pol}/vulns/bulk"), &tok, Some(bulk(n + 1, "needs_fix"))).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text());
        assert_eq!(r.json()["error"]["code"], "conflict");
        assert!(r.json()["error"]["message"].as_str().unwrap().contains("篩選結果"), "{}", r.text());
        let r = env.api(Method::POST, &format!("/api/v1/orgs/{pol}/vulns/bulk"), &tok, Some(bulk(n, "fix"))).await;
        assert_eq!((r.status, r.json()["error"]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("evidence")));
        let r = env.api(Method::POST, &format!("/api/v1/orgs/{pol}/vulns/bulk"), &tok, Some(json!({"action": "needs_fix", "severity": "severe"}))).await;
        assert_eq!((r.status, r.json()["error"]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("severity")));
        let before = vuln_audits(&env).await;
        let r = env.api(Method::POST, &format!("/api/v1/orgs/{pol}/vulns/bulk"), &tok, Some(bulk(n, "needs_fix"))).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        assert_eq!(r.json(), json!({"matched": n, "saved": n, "skipped": 0}));
        assert_eq!(vuln_audits(&env).await - before, n + 1);
        assert!(findings(&env, &tok, &pol, "severity=medium&status=needs_fix&limit=500").await.len() as i64 == n);
        // verify applies to none of them: all skipped, nothing written
        let r = env.api(Method::POST, &format!("/api/v1/orgs/{pol}/vulns/bulk"), &tok, Some(json!({"action": "verify", "severity": "medium"}))).await;
        assert_eq!(r.json(), json!({"matched": n, "saved": 0, "skipped": n}));

        // the policy: the default, then the county's, inherited by the bureau
        let pif = env.org("PIF").await.to_string();
        let p = env.api(Method::GET, &format!("/api/v1/orgs/{pol}/vulns/policy"), &tok, None).await.json();
        assert_eq!((p["critical_days"].as_i64(), p["high_days"].as_i64(), p["medium_days"].as_i64(), p["low_days"].as_i64()), (Some(7), Some(7), Some(30), Some(90)));
        assert!(p["from_org_id"].is_null());
        let admin = env.token_for("admin").await;
        let pif_policy = format!("/api/v1/orgs/{pif}/vulns/policy");
        let put = |b: Value| env.api(Method::PUT, &pif_policy, &admin, Some(b));
        let r = put(json!({"critical_days": 7, "high_days": 5, "medium_days": 20, "low_days": 60})).await;
        assert_eq!((r.status, r.json()["error"]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("critical_days")));
        let r = put(json!({"critical_days": 3, "high_days": 0, "medium_days": 20, "low_days": 60})).await;
        assert_eq!((r.status, r.json()["error"]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("high_days")));
        let r = put(json!({"critical_days": 3, "high_days": 5, "medium_days": 20, "low_days": 60})).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let p = env.api(Method::GET, &format!("/api/v1/orgs/{pol}/vulns/policy"), &tok, None).await.json();
        assert_eq!((p["high_days"].as_i64(), p["from_org_id"].as_str()), (Some(5), Some(pif.as_str())));
        // the officer cannot set the county's policy
        let r = env.api(Method::PUT, &format!("/api/v1/orgs/{pif}/vulns/policy"), &tok, Some(json!({"critical_days": 1, "high_days": 1, "medium_days": 1, "low_days": 1}))).await;
        assert!(matches!(r.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND), "{}", r.status);
        // the next match gives open findings their new due dates
        rematch(&env, &tok, &pol).await;
        let f = one(&env, &tok, &pol, "cve=CVE-2013-6420").await;
        assert_eq!(f["due_on"], "2026-11-26");
    }

    async fn patch_lists_and_exports_group_what_to_update(backend: Backend) {
        let env = TestEnv::demo_with_feeds(backend).await;
        let tok = env.token_for("officer.police").await;
        let pol = env.org("PIF-POL").await.to_string();
        let f = one(&env, &tok, &pol, "cve=CVE-2013-6420").await;
        let asset = f["asset_id"].as_str().unwrap();
        let items = env.api(Method::GET, &format!("/api/v1/assets/{asset}/patches"), &tok, None).await.json();
        let items = items.as_array().unwrap();
        let php = items.iter().find(|i| i["product"] == "php:php").expect("php");
        assert_eq!(php["software"], json!(["PHP 5.4.16"]));
        assert!(php["cves"].as_array().unwrap().iter().any(|c| c == "CVE-2013-6420"));
        assert!(!php["cves"].as_array().unwrap().iter().any(|c| c == "CVE-2015-0235"), "the false positive is not to patch");
        // KEV first: bash
        assert_eq!(items[0]["product"], "gnu:bash");
        assert_eq!(items[0]["kev"], true);

        let r = env.api(Method::GET, &format!("/api/v1/orgs/{pol}/vulns/patches.csv"), &tok, None).await;
        let (h, rows) = parse_csv(&r);
        let (host, product) = (col(&h, "主機名稱"), col(&h, "產品"));
        assert!(rows.iter().any(|r| r[product] == "php:php" && !r[host].is_empty()));
        let r = env.api(Method::GET, &format!("/api/v1/orgs/{pol}/vulns.csv?cve=CVE-2014-6271"), &tok, None).await;
        let (h, rows) = parse_csv(&r);
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0][col(&h, "CVE 編號")], "CVE-2014-6271");
        assert_eq!(rows[0][col(&h, "處理狀態")], "已排定修補");
        assert_eq!(rows[0][col(&h, "處理期限")], "2022-07-28");
    }

    async fn an_inventory_commit_queues_a_match_the_worker_runs(backend: Backend) {
        let env = TestEnv::demo_with_feeds(backend).await;
        let p = env.principal("officer.police").await;
        let pol = env.org("PIF-POL").await;
        let tok = env.token_for("officer.police").await;
        let file = "host,name,version,cpe23\nPOL-PC-NEW-01,Mozilla Firefox,30.0,cpe:2.3:a:mozilla:firefox:30.0:*:*:*:*:*:*:*\n";
        let v = env.app.preview_inventory(&p, &pol, "new-pc.csv", file.as_bytes(), None).await.unwrap();
        env.app.commit_inventory(&p, &v.import.id, zian_app::inventory::CommitInput::default()).await.unwrap();
        assert!(findings(&env, &tok, pol.as_str(), "q=POL-PC-NEW-01").await.is_empty(), "not matched yet");
        let mut w = Worker::new(env.app.clone(), Handlers::standard(), JobsConfig { schedules: vec![], ..Default::default() }).unwrap();
        assert!(w.tick().await.unwrap(), "the match job ran");
        let found = findings(&env, &tok, pol.as_str(), "q=POL-PC-NEW-01&limit=500").await;
        assert!(found.len() > 20, "{}", found.len());
        assert!(found.iter().all(|f| f["notified_at"] == DEMO_NOW && f["status"] == "new"));
        assert!(found.iter().any(|f| f["cve_id"] == "CVE-2015-4495" && f["kev"] == true));
    }

    async fn the_pages_show_the_clock_and_take_decisions(backend: Backend) {
        let env = TestEnv::demo_with_feeds(backend).await;
        let pol = env.org("PIF-POL").await.to_string();
        let s = env.login("officer.police", PASSWORD).await;
        let cookie = s.cookie.clone();
        let get = |path: String| {
            let cookie = cookie.clone();
            let env = &env;
            async move { env.request(Method::GET, &path, &[("cookie", cookie.as_str())], None).await }
        };
        let r = get(format!("/orgs/{pol}/vulns?cve=CVE-2014-6271")).await;
        assert_eq!(r.status, StatusCode::OK);
        let html = r.text();
        assert!(html.contains("CVE-2014-6271") && html.contains("逾期") && html.contains("KEV"), "{html}");
        assert!(html.contains("已排定修補"));
        let r = get(format!("/orgs/{pol}/vulns?severity=severe")).await;
        assert!(r.status.is_client_error(), "{}", r.status);

        let tok = env.token_for("officer.police").await;
        let f = one(&env, &tok, &pol, "cve=CVE-2013-6420").await;
        let id = f["id"].as_str().unwrap().to_string();
        let page = get(format!("/vulns/{id}")).await.text();
        assert!(page.contains("剩 7 天") && page.contains("PHP 5.4.16") && page.contains("decision-form"), "{page}");
        let post = |path: String, fields: Vec<(&'static str, String)>| {
            let (cookie, csrf) = (s.cookie.clone(), s.csrf.clone());
            let env = &env;
            async move {
                let mut fields = fields;
                fields.push(("_csrf", csrf));
                env.request(
                    Method::POST,
                    &path,
                    &[("cookie", cookie.as_str()), ("content-type", "application/x-www-form-urlencoded")],
                    Some(form(&fields)),
                )
                .await
            }
        };
        let r = post(format!("/vulns/{id}/decision"), vec![("action", "plan".into()), ("plan_action", "更新".into()), ("plan_owner", "林工程師".into()), ("plan_due", "2026-12-01".into())]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        assert_eq!(r.location(), Some(format!("/vulns/{id}?ok=vulns.decided").as_str()));
        let page = get(format!("/vulns/{id}")).await.text();
        assert!(page.contains("已排定修補") && page.contains("林工程師"));
        // one decision for the filtered set, from the list's form
        let r = post(format!("/orgs/{pol}/vulns/bulk"), vec![("action", "needs_fix".into()), ("cve", "CVE-2014-7169".into())]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        assert!(r.location().unwrap().contains("ok=vulns.bulk_done"), "{:?}", r.location());
        assert_eq!(one(&env, &tok, &pol, "cve=CVE-2014-7169").await["status"], "needs_fix");
        // the policy page and a host's patch list
        let r = post(format!("/orgs/{pol}/vulns/policy"), vec![("critical_days", "5".into()), ("high_days", "7".into()), ("medium_days", "30".into()), ("low_days", "90".into())]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        let html = get(format!("/orgs/{pol}/vulns/policy")).await.text();
        assert!(html.contains("value=\"5\"") && html.contains("本機關之設定"), "{html}");
        let asset = f["asset_id"].as_str().unwrap();
        let html = get(format!("/assets/{asset}/patches")).await.text();
        assert!(html.contains("php:php") && html.contains("gnu:bash"));
    }
}

const T: Duration = Duration::from_secs(20);

/// Triage → plan → fix in the browser, then the inventory no longer lists
/// the program and the next match verifies the fix by itself.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn triage_plan_fix_and_automatic_verification_in_chromium() {
    let env = TestEnv::demo_with_feeds(Backend::Sqlite).await;
    let pol = env.org("PIF-POL").await.to_string();
    let tok = env.token_for("officer.police").await;
    let f = one(&env, &tok, &pol, "cve=CVE-2012-0883&status=all").await;
    let (id, asset) = (
        f["id"].as_str().unwrap().to_string(),
        f["asset_id"].as_str().unwrap().to_string(),
    );
    let base = env.serve().await;
    let (b2, pol2, id2) = (base.clone(), pol.clone(), id.clone());
    let result = tokio::task::spawn_blocking(move || -> Result<(), zian_testkit::browser::BrowserError> {
        let Some(b) = Browser::launch_or_skip("triage_plan_fix_and_automatic_verification_in_chromium")? else {
            return Ok(());
        };
        let (base, pol, id) = (b2, pol2, id2);
        b.goto(&format!("{base}/login"))?;
        b.find("#username")?.send_keys("officer.police")?;
        b.find("#password")?.send_keys(PASSWORD)?;
        b.find("#login-submit")?.click()?;
        b.wait_for("#logout", T)?;
        // the navigation leads to the findings; search one CVE
        b.goto(&format!("{base}/orgs/{pol}"))?;
        b.find("#nav-vulns")?.click()?;
        b.wait_for("#vulns-summary", T)?;
        b.find("#f-cve")?.send_keys("CVE-2012-0883")?;
        b.find("#vulns-search button")?.click()?;
        b.wait_for(&format!("tr[data-id='{id}']"), T)?;
        b.find(&format!("tr[data-id='{id}'] a"))?.click()?;
        b.wait_for("#decision-form", T)?;
        // triage: needs fixing
        b.execute("document.getElementById('d-action').value = 'needs_fix';", &[])?;
        b.find("#decision-form button")?.click()?;
        b.wait_for_text("#finding-status", "須修復", T)?;
        // plan, with the owner forgotten: the form comes back with the reason
        b.execute("document.getElementById('d-action').value = 'plan'; document.getElementById('d-plan_due').value = '2026-11-25';", &[])?;
        b.find("#d-plan_action")?.send_keys("更新 Apache HTTP Server 至 2.4.62")?;
        b.find("#decision-form button")?.click()?;
        b.wait_for("[aria-invalid='true']", T)?;
        assert!(b.page_source()?.contains("更新 Apache HTTP Server 至 2.4.62"), "what was typed is kept");
        b.execute("document.getElementById('d-action').value = 'plan'; document.getElementById('d-plan_due').value = '2026-11-25';", &[])?;
        b.find("#d-plan_owner")?.send_keys("資訊室 林工程師")?;
        b.find("#decision-form button")?.click()?;
        b.wait_for_text("#finding-status", "已排定修補", T)?;
        assert!(b.find("#finding-plan")?.text()?.contains("林工程師"));
        // fixed, with evidence
        b.execute("document.getElementById('d-action').value = 'fix';", &[])?;
        b.find("#d-evidence")?.send_keys("已更新 Apache HTTP Server 至 2.4.62（變更單 IT-2026-120）")?;
        b.find("#decision-form button")?.click()?;
        b.wait_for_text("#finding-status", "已修補", T)?;
        assert!(b.exists("#verify-form")?);
        Ok(())
    })
    .await
    .expect("join");
    result.expect("browser journey");
    if !Browser::available() {
        return;
    }
    // the inventory no longer lists the old Apache: the next match verifies it
    let a = env
        .api(Method::GET, &format!("/api/v1/assets/{asset}"), &tok, None)
        .await
        .json();
    let sw = a["software"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| {
            s["cpe23"]
                .as_str()
                .is_some_and(|c| c.contains(":http_server:"))
        })
        .expect("apache")
        .clone();
    let r = env.api(Method::PUT, &format!("/api/v1/assets/{asset}/software/{}", sw["id"].as_str().unwrap()), &tok, Some(json!({
        "name": "Apache HTTP Server", "version": "2.4.62", "cpe23": "cpe:2.3:a:apache:http_server:2.4.62:*:*:*:*:*:*:*"
    }))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    rematch(&env, &tok, &pol).await;
    let base2 = base.clone();
    let result =
        tokio::task::spawn_blocking(move || -> Result<(), zian_testkit::browser::BrowserError> {
            let Some(b) =
                Browser::launch_or_skip("triage_plan_fix_and_automatic_verification_in_chromium")?
            else {
                return Ok(());
            };
            b.goto(&format!("{base2}/login"))?;
            b.find("#username")?.send_keys("officer.police")?;
            b.find("#password")?.send_keys(PASSWORD)?;
            b.find("#login-submit")?.click()?;
            b.wait_for("#logout", T)?;
            b.goto(&format!("{base2}/vulns/{id}"))?;
            b.wait_for_text("#finding-status", "已驗證", T)?;
            assert!(
                b.find("#finding-verified")?
                    .text()?
                    .contains("系統自動確認")
            );
            Ok(())
        })
        .await
        .expect("join");
    result.expect("browser verification");
}

backend_tests! {
    async fn the_monthly_review_computes_the_seed_kpis_for_a_subtree(backend: Backend) {
        let env = TestEnv::demo_with_feeds(backend).await;
        let tok = env.token_for("officer.police").await;
        let sup = env.token_for("supervisor.khh").await;
        let (pif, pol, hlt) = (env.org("PIF").await.to_string(), env.org("PIF-POL").await.to_string(), env.org("PIF-HLT").await.to_string());
        let high_total = |org: String| {
            let env = &env;
            let tok = sup.clone();
            async move {
                env.api(Method::GET, &format!("/api/v1/orgs/{org}/vulns?status=all&kpi=high&notified=2026-11&limit=1"), &tok, None).await.json()["total"].as_u64().unwrap()
            }
        };
        let (d_pol, d_hlt) = (high_total(pol.clone()).await, high_total(hlt.clone()).await);
        assert!(d_pol > 100 && d_hlt > 0, "{d_pol} {d_hlt}");
        // the demo's officer handled three CVSS >= 7 findings at once (a fix,
        // a false positive, an accepted risk); Shellshock is only planned
        let r = env.api(Method::GET, &format!("/api/v1/orgs/{pif}/vulns/review?month=2026-11"), &sup, None).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let r = r.json();
        assert_eq!(r["handled_within_week"]["numerator"], 3, "{}", r["handled_within_week"]);
        assert_eq!(r["handled_within_week"]["denominator"], d_pol + d_hlt);
        // one agency assessed a CVSS >= 7 finding as needing a fix (the plan);
        // its 30 days have not run out
        assert_eq!((r["agencies_not_fixed_within_month"]["numerator"].as_u64(), r["agencies_not_fixed_within_month"]["denominator"].as_u64()), (Some(0), Some(1)));
        // PIF (A), PIF-POL (B) and PIF-HLT (C) must run VANS; only the police
        // bureau imported an inventory
        assert_eq!((r["coverage"]["numerator"].as_u64(), r["coverage"]["denominator"].as_u64(), r["coverage"]["percent"].as_f64()), (Some(1), Some(3), Some(33.3)));
        let agencies = r["agencies"].as_array().unwrap();
        assert_eq!(agencies.len(), 3, "units roll into their agency: {agencies:?}");
        let polrow = agencies.iter().find(|a| a["org_id"] == pol.as_str()).unwrap();
        assert_eq!(polrow["fresh"], true);
        assert!(polrow["hosts"].as_u64().unwrap() >= 3);
        assert_eq!(polrow["handled_within_week"]["denominator"], d_pol);
        assert_eq!(polrow["rank"], 1, "the only agency that handled anything");
        let open_pol: u64 = polrow["open"].as_object().unwrap().values().map(|v| v.as_u64().unwrap()).sum();
        let s = env.api(Method::GET, &format!("/api/v1/orgs/{pol}/vulns/summary"), &tok, None).await.json();
        assert_eq!(open_pol, s["open"].as_u64().unwrap(), "the review counts what the agency's summary counts");
        assert_eq!(r["trend"].as_array().unwrap().len(), 12);
        assert_eq!(r["trend"][11]["month"], "2026-11");
        assert!(r["trend"][10]["handled_within_week"]["percent"].is_null(), "nothing notified in October");

        // three days later one more is fixed (in time), eight days later
        // another (too late); the fixes give the time to remediate
        let a = one(&env, &tok, &pol, "cve=CVE-2013-6420").await;
        let b = one(&env, &tok, &pol, "cve=CVE-2014-3515").await;
        env.clock.advance(3 * 86_400);
        decide(&env, &tok, a["id"].as_str().unwrap(), json!({"action": "fix", "evidence": "更新 PHP"})).await;
        env.clock.advance(5 * 86_400);
        decide(&env, &tok, b["id"].as_str().unwrap(), json!({"action": "fix", "evidence": "更新 PHP"})).await;
        let r = env.api(Method::GET, &format!("/api/v1/orgs/{pif}/vulns/review?month=2026-11"), &sup, None).await.json();
        assert_eq!(r["handled_within_week"]["numerator"], 4);
        let all = r["time_to_remediate"].as_array().unwrap().iter().find(|x| x["severity"] == "all").unwrap().clone();
        // fixed: Heartbleed at once (0 days), then 3 and 8 days
        assert_eq!((all["fixed"].as_u64(), all["mean_days"].as_f64(), all["p90_days"].as_f64()), (Some(3), Some(3.7), Some(8.0)));
        // a month on, the planned Shellshock finding is late
        env.clock.advance(23 * 86_400);
        let r = env.api(Method::GET, &format!("/api/v1/orgs/{pif}/vulns/review?month=2026-11"), &sup, None).await.json();
        assert_eq!((r["agencies_not_fixed_within_month"]["numerator"].as_u64(), r["agencies_not_fixed_within_month"]["denominator"].as_u64()), (Some(1), Some(1)));
        assert_eq!(r["coverage"]["numerator"], 0, "the inventory is now over 30 days old");
        assert_eq!((r["notification_rate"]["numerator"].as_u64(), r["notification_rate"]["denominator"].as_u64()), (Some(1), Some(3)), "joined VANS once is joined");
        let r = env.api(Method::GET, &format!("/api/v1/orgs/{pif}/vulns/review?month=2026-13"), &sup, None).await;
        assert_eq!((r.status, r.json()["error"]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("month")));

        // which agencies have Tomcat's CVE-2014-0230, and Shellshock
        let w = env.api(Method::GET, &format!("/api/v1/orgs/{pif}/vulns/which?cve=cve-2014-0230"), &sup, None).await.json();
        assert_eq!(w["cve"], "CVE-2014-0230");
        let orgs: Vec<&str> = w["orgs"].as_array().unwrap().iter().map(|o| o["org_id"].as_str().unwrap()).collect();
        assert_eq!(orgs, [hlt.as_str()]);
        let w = env.api(Method::GET, &format!("/api/v1/orgs/{pif}/vulns/which?cve=CVE-2014-6271"), &sup, None).await.json();
        assert_eq!(w["orgs"][0]["org_id"], pol.as_str());
        assert_eq!((w["orgs"][0]["findings"].as_u64(), w["orgs"][0]["open"].as_u64()), (Some(1), Some(1)));
        // the police officer sees only the police subtree
        let w = env.api(Method::GET, &format!("/api/v1/orgs/{pol}/vulns/which?cve=CVE-2014-0230"), &tok, None).await.json();
        assert!(w["orgs"].as_array().unwrap().is_empty());
        let r = env.api(Method::GET, &format!("/api/v1/orgs/{pif}/vulns/review"), &tok, None).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        // and the Penghu supervisor's review knows nothing of Pingtung
        let pen = env.org("PEN").await.to_string();
        let other = env.token_for("supervisor.khh").await;
        let r = env.api(Method::GET, &format!("/api/v1/orgs/{pen}/vulns/review?month=2026-11"), &other, None).await.json();
        assert_eq!(r["handled_within_week"]["denominator"], 0);

        // the page: KPI table, trend chart, agencies, CSV
        let s = env.login("supervisor.khh", PASSWORD).await;
        let html = env.request(Method::GET, &format!("/orgs/{pif}/vulns/review?month=2026-11&cve=CVE-2014-6271"), &[("cookie", s.cookie.as_str())], None).await.text();
        assert!(html.contains("id=\"review-computed\"") && html.contains("統計時間"), "{html}");
        assert!(html.contains("id=\"vulns-trend\"") && html.contains("data-month=\"2026-11\"") && html.contains("class=\"target\""), "{html}");
        // a month on: no inventory is fresh any more (0 of 3)
        assert!(html.contains("1 週內完成處置比率") && html.contains("<td>0</td><td>3</td><td class=\"value\">0.0%</td>"), "{html}");
        assert!(html.contains(&format!("data-org=\"{pol}\"")) && html.contains("id=\"which\""));
        let r = env.api(Method::GET, &format!("/api/v1/orgs/{pif}/vulns/review.csv?month=2026-11"), &sup, None).await;
        let (h, rows) = parse_csv(&r);
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0][col(&h, "排名")], "1");
        assert_eq!(rows[0][col(&h, "機關")], "屏東縣政府警察局");
    }
}

fn sink_mailer(sink: &zian_testkit::smtp::SmtpSink) -> std::sync::Arc<zian_app::mail::SmtpMailer> {
    let cfg = zian_app::mail::MailConfig {
        enabled: true,
        host: "127.0.0.1".into(),
        port: sink.port,
        security: zian_app::mail::Security::None,
        from: "資安通知 <noreply@demo.zian.example>".into(),
        timeout_secs: 10,
        ..zian_app::mail::MailConfig::default()
    };
    std::sync::Arc::new(zian_app::mail::SmtpMailer::new(&cfg, None).expect("mailer"))
}

async fn notices(env: &TestEnv, user: &str) -> Vec<Value> {
    let tok = env.token_for(user).await;
    env.api(Method::GET, "/api/v1/inbox?limit=100", &tok, None)
        .await
        .json()["items"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

backend_tests! {
    async fn officers_hear_of_findings_and_overdue_ones_are_escalated(backend: Backend) {
        let env = TestEnv::demo_with_feeds(backend).await;
        // the demo's first match told the police officers: KEV at once, the
        // rest in the digest
        let got = notices(&env, "officer.police").await;
        let events: Vec<&str> = got.iter().map(|n| n["event"].as_str().unwrap()).collect();
        assert!(events.contains(&"vulns.urgent") && events.contains(&"vulns.found"), "{events:?}");
        let urgent = got.iter().find(|n| n["event"] == "vulns.urgent").unwrap();
        assert!(urgent["title"].as_str().unwrap().contains("CVE-2014-6271"), "{urgent}");
        assert!(notices(&env, "officer.health").await.iter().all(|n| n["event"] != "vulns.urgent" || n["title"].as_str().unwrap().contains("衛生局")));

        // a new PC with Firefox 31 (KEV CVE-2015-4495): the match job raises
        // an urgent notice, mailed at once through the SMTP sink
        let sink = zian_testkit::smtp::SmtpSink::start().await;
        let app = env.app.clone().with_mailer(sink_mailer(&sink));
        let env = env.with_app(app);
        let p = env.principal("officer.police").await;
        let pol = env.org("PIF-POL").await;
        env.clock.advance(3600);
        let file = "host,name,version,cpe23\nPOL-PC-NEW-02,Mozilla Firefox,31.0,cpe:2.3:a:mozilla:firefox:31.0:*:*:*:*:*:*:*\n";
        let v = env.app.preview_inventory(&p, &pol, "pc.csv", file.as_bytes(), None).await.unwrap();
        env.app.commit_inventory(&p, &v.import.id, zian_app::inventory::CommitInput::default()).await.unwrap();
        let mut w = Worker::new(env.app.clone(), Handlers::standard(), JobsConfig { schedules: vec![], max_attempts: 1, ..Default::default() }).unwrap();
        while w.tick().await.unwrap() {}
        let mail = sink.wait_for(1, Duration::from_secs(10)).await;
        let m = mail.iter().find(|m| m.subject().contains("須立即處理")).unwrap_or_else(|| panic!("{:?}", mail.iter().map(|m| m.subject()).collect::<Vec<_>>()));
        assert!(m.text().contains("CVE-2015-4495"), "{}", m.text());
        assert!(m.to.iter().any(|t| t.contains("police")), "{:?}", m.to);

        // 2026-11-29 07:10 in Taipei: what was due on the 28th is overdue;
        // the CISO and the Kaohsiung supervisor are told once
        env.clock.advance(7 * 86_400 + 22 * 3600 + 10 * 60 - 3600);
        let (matched, raised) = env.app.vulns_daily().await.unwrap();
        assert!(matched >= 2, "{matched}");
        assert!(raised >= 2, "{raised}");
        let ciso = notices(&env, "ciso.police").await;
        let over = ciso.iter().find(|n| n["event"] == "vulns.overdue").expect("the CISO is told");
        assert!(over["title"].as_str().unwrap().contains("逾處理期限"));
        assert!(notices(&env, "supervisor.khh").await.iter().any(|n| n["event"] == "vulns.overdue"));
        assert!(!notices(&env, "officer.health").await.iter().any(|n| n["event"] == "vulns.overdue"), "not another agency's");
        // the same day again: no second notice
        env.app.vulns_daily().await.unwrap();
        let again = notices(&env, "ciso.police").await.into_iter().filter(|n| n["event"] == "vulns.overdue").count();
        assert_eq!(again, 1);
    }
}

fn engine_fixture(name: &str) -> Vec<u8> {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../vuln/tests/fixtures")
        .join(name);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

backend_tests! {
    async fn administrators_import_feeds_through_the_platform_and_everyone_is_matched_again(backend: Backend) {
        let env = TestEnv::demo(backend).await;
        let dir = zian_testkit::TempDir::new("zian-feeds");
        let app = env.app.clone().with_feed_store(dir.0.clone()).with_feeds_stale_after(3);
        let env = env.with_app(app);
        let admin = env.token_for("admin").await;
        let officer = env.token_for("officer.police").await;
        let pol = env.org("PIF-POL").await.to_string();
        let s = env.api(Method::GET, "/api/v1/feeds", &admin, None).await;
        assert_eq!(s.status, StatusCode::OK, "{}", s.text());
        assert_eq!((s.json()["ready"].as_bool(), s.json()["records"].as_u64()), (Some(false), Some(0)));
        // only the administrators of the whole tree
        let r = env.api(Method::GET, "/api/v1/feeds", &officer, None).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        let body = |name: &str, bytes: &[u8]| json!({"file_name": name, "content_base64": data_encoding::BASE64.encode(bytes)});
        let r = env.api(Method::POST, "/api/v1/feeds/import", &officer, Some(body("CVE-2014-6271.json", &engine_fixture("nvd-sample/CVE-2014-6271.json")))).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        // a file that is not a feed: refused with its reason, recorded
        let r = env.api(Method::POST, "/api/v1/feeds/import", &admin, Some(body("notes.txt", "這不是弱點資料".as_bytes()))).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
        assert!(r.json()["error"]["message"].as_str().unwrap().contains("無法匯入"), "{}", r.text());
        // Shellshock's NVD record (as changed by NVD yesterday), then the
        // KEV catalogue subset
        let record = String::from_utf8(engine_fixture("nvd-sample/CVE-2014-6271.json")).unwrap().replace("2021-11-17T22:15:35.810", "2026-11-20T22:15:35.810");
        let r = env.api(Method::POST, "/api/v1/feeds/import", &admin, Some(body("CVE-2014-6271.json", record.as_bytes()))).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        assert_eq!((r.json()[0]["kind"].as_str(), r.json()[0]["inserted"].as_u64(), r.json()[0]["records_after"].as_u64()), (Some("nvd"), Some(1), Some(1)));
        let r = env.api(Method::POST, "/api/v1/feeds/import", &admin, Some(body("kev.json", &engine_fixture("kev-subset.json")))).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let s = env.api(Method::GET, "/api/v1/feeds", &admin, None).await.json();
        assert_eq!((s["ready"].as_bool(), s["records"].as_u64(), s["kev"].as_u64(), s["stale"].as_bool()), (Some(true), Some(1), Some(54), Some(false)));
        assert_eq!(s["age_days"], 1, "the newest record changed yesterday");
        assert_eq!(s["sources"].as_array().unwrap().len(), 2);
        // every organisation is matched again by the queued job
        assert!(findings(&env, &officer, &pol, "cve=CVE-2014-6271").await.is_empty());
        let mut w = Worker::new(env.app.clone(), Handlers::standard(), JobsConfig { schedules: vec![], ..Default::default() }).unwrap();
        while w.tick().await.unwrap() {}
        let f = one(&env, &officer, &pol, "cve=CVE-2014-6271").await;
        assert_eq!((f["kev"].as_bool(), f["kev_due"].as_str()), (Some(true), Some("2022-07-28")));
        // the page shows the store and the imports, the failed one too
        let sess = env.login("admin", PASSWORD).await;
        let html = env.request(Method::GET, "/admin/feeds", &[("cookie", sess.cookie.as_str())], None).await.text();
        assert!(html.contains("CVE-2014-6271.json") && html.contains("匯入弱點資料失敗") && html.contains("notes.txt"), "{html}");
        assert!(!html.contains("id=\"feeds-stale\""));
        // three days on the data is four days old, over the limit of three:
        // the page warns, the administrators hear of it
        env.clock.advance(3 * 86_400);
        let sess = env.login("admin", PASSWORD).await;
        let html = env.request(Method::GET, "/admin/feeds", &[("cookie", sess.cookie.as_str())], None).await.text();
        assert!(html.contains("id=\"feeds-stale\""), "{html}");
        env.app.vulns_daily().await.unwrap();
        assert!(notices(&env, "admin").await.iter().any(|n| n["event"] == "feeds.stale"));
    }
}

backend_tests! {
    async fn the_plan_objective_on_vans_reads_the_findings(backend: Backend) {
        let env = TestEnv::demo_with_feeds(backend).await;
        let tok = env.token_for("officer.police").await;
        let pol = env.org("PIF-POL").await.to_string();
        let d = env.api(Method::GET, &format!("/api/v1/orgs/{pol}/vulns?status=all&kpi=high&notified=2026-11&limit=1"), &tok, None).await.json()["total"].as_u64().unwrap();
        let r = env.api(Method::POST, &format!("/api/v1/orgs/{pol}/plans"), &tok, Some(json!({}))).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let plan = r.json()["id"].as_str().unwrap().to_string();
        let r = env.api(Method::PUT, &format!("/api/v1/plans/{plan}/chapters/policy"), &tok, Some(json!({
            "quantitative": [{"name": "CVSS 7 分以上弱點 1 週內完成處置", "kpi": "vans_handling_rate", "comparator": ">=", "target": 75, "unit": "%"}]
        }))).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let view = env.api(Method::GET, &format!("/api/v1/plans/{plan}"), &tok, None).await.json();
        let o = view["live"]["objectives"].as_array().unwrap().iter().find(|o| o["kpi"] == "vans_handling_rate").unwrap().clone();
        // three of the month's CVSS >= 7 findings were handled at once
        let expected = (3.0 * 1000.0 / d as f64).round() / 10.0;
        assert_eq!(o["measured"].as_f64(), Some(expected), "{o}");
        assert_eq!((o["period_end"].as_str(), o["source"].as_str()), (Some("2026-11-30"), Some("VANS 2026-11")));
        assert_eq!(o["met"], false);
    }
}

backend_tests! {
    async fn a_matched_inventory_proves_the_vans_obligation(backend: Backend) {
        let vans = |obs: &Value| -> Value {
            obs["obligations"].as_array().unwrap().iter().find(|o| o["id"].as_str().unwrap().ends_with(".vans")).cloned().unwrap_or_else(|| panic!("no VANS obligation: {obs}"))
        };
        // without a feed store nothing is matched: the obligation stands open
        let plain = TestEnv::demo(backend).await;
        let tok = plain.token_for("officer.police").await;
        let pol = plain.org("PIF-POL").await;
        let obs = plain.api(Method::GET, &format!("/api/v1/orgs/{pol}/obligations"), &tok, None).await.json();
        let o = vans(&obs);
        assert!(o["completions"].as_array().unwrap().is_empty(), "{o}");
        assert_ne!(o["status"], "met");
        drop(plain);
        // the demo with its feed: the bureau's hosts were matched on 2026-11-21
        let env = TestEnv::demo_with_feeds(backend).await;
        let tok = env.token_for("officer.police").await;
        let pol = env.org("PIF-POL").await;
        let obs = env.api(Method::GET, &format!("/api/v1/orgs/{pol}/obligations"), &tok, None).await.json();
        let o = vans(&obs);
        assert_eq!(o["status"], "met", "{o}");
        let c = &o["completions"][0];
        assert_eq!(c["completed_on"], "2026-11-21");
        assert_eq!(c["evidence_link"], json!(format!("/orgs/{pol}/vulns")));
        assert!(c["note"].as_str().unwrap().contains("部主機"), "{c}");
    }
}

/// The Kaohsiung supervisor's monthly review in the browser: the KPIs, the
/// agencies, a CVE asked about, and the drill-down to an agency's findings.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_supervisor_reviews_the_month_in_chromium() {
    let env = TestEnv::demo_with_feeds(Backend::Sqlite).await;
    let pif = env.org("PIF").await.to_string();
    let pol = env.org("PIF-POL").await.to_string();
    let base = env.serve().await;
    let result =
        tokio::task::spawn_blocking(move || -> Result<(), zian_testkit::browser::BrowserError> {
            let Some(b) = Browser::launch_or_skip("the_supervisor_reviews_the_month_in_chromium")?
            else {
                return Ok(());
            };
            b.goto(&format!("{base}/login"))?;
            b.find("#username")?.send_keys("supervisor.khh")?;
            b.find("#password")?.send_keys(PASSWORD)?;
            b.find("#login-submit")?.click()?;
            b.wait_for("#logout", T)?;
            b.goto(&format!("{base}/orgs/{pif}/vulns/review?month=2026-11"))?;
            b.wait_for("#review-kpis", T)?;
            assert!(
                b.exists("#vulns-trend rect.bar")?,
                "the month's bar is drawn"
            );
            assert_eq!(b.find_all("#agencies tbody tr")?.len(), 3);
            let first = b.find("#agencies tbody tr")?;
            assert_eq!(first.attr("data-org")?.as_deref(), Some(pol.as_str()));
            assert!(first.text()?.contains("屏東縣政府警察局"));
            // which agencies have Shellshock?
            b.find("#w-cve")?.send_keys("cve-2014-6271")?;
            b.find("#which-form button")?.click()?;
            b.wait_for("#which tbody tr", T)?;
            let rows = b.find_all("#which tbody tr")?;
            assert_eq!(rows.len(), 1);
            assert_eq!(rows[0].attr("data-org")?.as_deref(), Some(pol.as_str()));
            b.find("#which tbody a")?.click()?;
            b.wait_for("#vulns", T)?;
            assert!(b.find("#vulns tbody tr")?.text()?.contains("CVE-2014-6271"));
            assert!(
                !b.exists("#bulk-form")?,
                "the supervisor reads; it does not decide"
            );
            Ok(())
        })
        .await
        .expect("join");
    result.expect("browser review");
}

backend_tests! {
    async fn new_findings_are_sent_to_the_organisations_webhooks(backend: Backend) {
        let env = TestEnv::demo_with_feeds(backend).await;
        let admin = env.token_for("admin").await;
        let tok = env.token_for("officer.police").await;
        let pol = env.org("PIF-POL").await.to_string();
        let r = env.api(Method::POST, &format!("/api/v1/orgs/{pol}/webhooks"), &admin, Some(json!({"url": "https://93.184.215.14/vans", "events": ["vulns.found"]}))).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let hook = r.json()["id"].as_str().unwrap().to_string();
        // a PC with Firefox 31 is registered and matched
        let a = env.api(Method::POST, &format!("/api/v1/orgs/{pol}/assets"), &tok, Some(json!({
            "name": "刑事警察大隊公務電腦 2", "category": "hardware", "owner": "刑事警察大隊", "hostname": "POL-PC-CIB-02"
        }))).await;
        assert_eq!(a.status, StatusCode::CREATED, "{}", a.text());
        let asset = a.json()["id"].as_str().unwrap().to_string();
        let r = env.api(Method::POST, &format!("/api/v1/assets/{asset}/software"), &tok, Some(json!({
            "name": "Mozilla Firefox", "version": "31.0", "cpe23": "cpe:2.3:a:mozilla:firefox:31.0:*:*:*:*:*:*:*"
        }))).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let c = rematch(&env, &tok, &pol).await;
        let n = c["new"].as_u64().unwrap();
        assert!(n > 20, "{c}");
        let d = env.api(Method::GET, &format!("/api/v1/webhooks/{hook}/deliveries"), &admin, None).await.json();
        let items = d["items"].as_array().unwrap();
        assert_eq!(items.len(), 1, "{d}");
        assert_eq!(items[0]["event"], "vulns.found");
        // the signed body as it will be sent
        let body: String = {
            use sqlx::Row;
            sqlx::query("SELECT body FROM webhook_deliveries WHERE webhook_id = $1")
                .bind(&hook)
                .fetch_one(env.store.pool())
                .await
                .unwrap()
                .try_get(0)
                .unwrap()
        };
        let body: Value = serde_json::from_str(&body).unwrap();
        assert_eq!((body["event"].as_str(), body["org_id"].as_str()), (Some("vulns.found"), Some(pol.as_str())));
        let data = body["data"].clone();
        assert_eq!(data["findings"].as_u64(), Some(n), "{items:?}");
        assert!(data["urgent"].as_array().unwrap().iter().any(|c| c == "CVE-2015-4495"), "{data}");
        // matching again finds nothing new: nothing is sent
        rematch(&env, &tok, &pol).await;
        let d = env.api(Method::GET, &format!("/api/v1/webhooks/{hook}/deliveries"), &admin, None).await.json();
        assert_eq!(d["items"].as_array().unwrap().len(), 1);
    }
}

backend_tests! {
    async fn the_scale_generator_fills_agencies_and_the_kpi_aggregates_equal_the_rows(backend: Backend) {
        use zian_app::demo_scale::{ScaleSpec, agency_code};
        use zian_domain::vulns::kpi::{self, KpiRow, Month};
        use zian_domain::{ListQuery, OrgScope};
        use zian_storage::{OrgStore, VulnStore};

        let env = TestEnv::demo_with_feeds(backend).await;
        let spec = ScaleSpec::parse("3x12x25").unwrap();
        let r = env.app.seed_scale(&spec, |_, _| {}).await.expect("scale");
        assert_eq!((r.agencies_created, r.agencies_filled, r.hosts, r.programs), (3, 3, 36, 900), "{r:?}");
        assert!(r.findings > 100 && r.decided > 0, "{r:?}");
        // an interrupted run resumes: nothing is added twice
        let again = env.app.seed_scale(&spec, |_, _| {}).await.expect("again");
        assert_eq!((again.agencies_created, again.agencies_filled), (0, 0));

        let all = OrgScope::system_wide();
        let orgs = OrgStore::list(&env.store, &all, &ListQuery::all(500)).await.unwrap().items;
        let khh = orgs.iter().find(|o| o.code.as_deref() == Some("KHH")).unwrap().clone();
        let a0 = orgs.iter().find(|o| o.code.as_deref() == Some(agency_code(0).as_str())).unwrap().clone();
        assert!(a0.path.starts_with(&khh.path), "the agencies are under the Kaohsiung hub");
        let mut rows = Vec::new();
        for o in orgs.iter().filter(|o| o.path.starts_with(&khh.path)) {
            let found = VulnStore::all_findings(&env.store, &all, &o.id).await.unwrap();
            rows.extend(found.iter().filter_map(KpiRow::of));
        }
        let now = env.clock.unix();
        let months = Month::of(now).last(12);
        // the store's KPI aggregate is the domain's count of the rows
        let mut got = VulnStore::kpi_counts(&env.store, &all, &khh.path, &months, now).await.unwrap();
        got.sort();
        let want = kpi::tally(&rows, &months, now);
        assert_eq!(got, want);
        assert!(want.iter().any(|c| c.handled_in_week) && want.iter().any(|c| !c.handled_in_week), "{want:?}");
        assert!(want.iter().filter(|c| c.month != months[11]).count() > 0, "spread over months: {want:?}");
        let mut fixes_seen = 0;
        for m in &months {
            let mut got = VulnStore::fix_counts(&env.store, &all, &khh.path, *m).await.unwrap();
            got.sort();
            let want = kpi::tally_fixes(&rows, *m);
            assert_eq!(got, want, "{m}");
            fixes_seen += want.iter().map(|f| f.n).sum::<u64>();
        }
        assert!(fixes_seen > 0);
        // and the agency's figures are the count of its findings
        let found = VulnStore::all_findings(&env.store, &all, &a0.id).await.unwrap();
        let today = zian_domain::day::taipei(env.app.clock.now());
        let counts = VulnStore::status_counts(&env.store, &all, &a0.id, today).await.unwrap();
        assert_eq!(counts.iter().map(|c| c.n).sum::<u64>(), found.len() as u64);
        let overdue = found.iter().filter(|f| f.overdue(today)).count() as u64;
        let counted: u64 = counts.iter().filter(|c| c.status.is_open() && c.certainty == zian_domain::vulns::Certainty::Confirmed).map(|c| c.past_due).sum();
        assert_eq!(counted, overdue);
        let tok = env.token_for("supervisor.khh").await;
        let s = env.api(Method::GET, &format!("/api/v1/orgs/{}/vulns/summary", a0.id), &tok, None).await.json();
        assert_eq!(s["overdue"].as_u64(), Some(overdue));
        let open = found.iter().filter(|f| f.status.is_open() && f.certainty == zian_domain::vulns::Certainty::Confirmed).count() as u64;
        assert_eq!(s["open"].as_u64(), Some(open));
    }
}

/// The demo feed's record `id`, with its configurations replaced by
/// `configurations` and modified at `when`, as a one-record API page.
fn demo_record(id: &str, configurations: Value, when: &str) -> Vec<u8> {
    let page = demo_page();
    let mut v = page["vulnerabilities"]
        .as_array()
        .and_then(|l| l.iter().find(|v| v["cve"]["id"] == id))
        .cloned()
        .unwrap_or_else(|| panic!("{id} is not in the demo feed"));
    v["cve"]["configurations"] = configurations;
    v["cve"]["lastModified"] = json!(when);
    let page = json!({"resultsPerPage": 1, "startIndex": 0, "totalResults": 1, "format": "NVD_CVE", "version": "2.0", "timestamp": when, "vulnerabilities": [v]});
    serde_json::to_vec(&page).expect("json")
}

/// The demo feed as one NVD API page.
fn demo_page() -> Value {
    use std::io::Read;
    let mut text = String::new();
    xz2::read::XzDecoder::new(zian_app::demo_vulns::DEMO_NVD)
        .read_to_string(&mut text)
        .expect("the demo feed");
    serde_json::from_str(&text).expect("the demo feed's JSON")
}

backend_tests! {
    async fn a_feed_change_matches_only_the_changed_records_again(backend: Backend) {
        let env = TestEnv::demo(backend).await;
        let dir = zian_testkit::TempDir::new("zian-delta");
        zian_app::demo_vulns::install_demo_feeds(&dir.0).unwrap();
        let app = env.app.clone().with_feed_store(dir.0.clone());
        let env = env.with_app(app);
        env.app.seed_demo(PASSWORD).await.unwrap();
        let (admin, officer) = (env.token_for("admin").await, env.token_for("officer.police").await);
        let pol = env.org("PIF-POL").await.to_string();
        let before = findings(&env, &officer, &pol, "status=all&certainty=all&limit=500").await;
        assert!(before.len() > 100);
        let php = one(&env, &officer, &pol, "cve=CVE-2013-6420").await;
        assert_eq!(php["status"], "new");
        // NVD re-analyses CVE-2013-6420: no configuration names PHP any more
        env.clock.advance(86_400);
        let body = json!({"file_name": "delta.json", "content_base64": data_encoding::BASE64.encode(&demo_record("CVE-2013-6420", json!([]), "2026-11-22T01:00:00.000"))});
        let r = env.api(Method::POST, "/api/v1/feeds/import", &admin, Some(body)).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        assert_eq!(r.json()[0]["replaced"], 1);
        let mut w = Worker::new(env.app.clone(), Handlers::standard(), JobsConfig { schedules: vec![], ..Default::default() }).unwrap();
        while w.tick().await.unwrap() {}
        let php = one(&env, &officer, &pol, "cve=CVE-2013-6420&status=all").await;
        assert_eq!((php["status"].as_str(), php["present"].as_bool()), (Some("verified"), Some(false)), "{php}");
        // nothing else was touched
        let after = findings(&env, &officer, &pol, "status=all&certainty=all&limit=500").await;
        assert_eq!(after.len(), before.len());
        let changed: Vec<&str> = after.iter().filter(|a| before.iter().find(|b| b["id"] == a["id"]).unwrap()["updated_at"] != a["updated_at"]).map(|a| a["cve_id"].as_str().unwrap()).collect();
        assert_eq!(changed, ["CVE-2013-6420"]);
        // the match is recorded with the records it read
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'vulns.matched' AND details LIKE '%\"changed_records\":1%'")
            .fetch_one(env.store.pool()).await.unwrap();
        assert_eq!(n, 1, "one organisation had findings of the record");
        // the record comes back (configurations restored): the finding reopens
        env.clock.advance(86_400);
        let page = demo_page();
        let conf = page["vulnerabilities"].as_array().unwrap().iter().find(|v| v["cve"]["id"] == "CVE-2013-6420").unwrap()["cve"]["configurations"].clone();
        let body = json!({"file_name": "delta2.json", "content_base64": data_encoding::BASE64.encode(&demo_record("CVE-2013-6420", conf, "2026-11-23T01:00:00.000"))});
        assert_eq!(env.api(Method::POST, "/api/v1/feeds/import", &admin, Some(body)).await.status, StatusCode::OK);
        while w.tick().await.unwrap() {}
        let php = one(&env, &officer, &pol, "cve=CVE-2013-6420&status=all").await;
        assert_eq!((php["status"].as_str(), php["present"].as_bool(), php["reopened"].as_u64()), (Some("new"), Some(true), Some(1)), "{php}");
    }
}

/// A stand-in for NVD, CISA and FIRST on a local port: the NVD API answers
/// `nvd` (one page), `/kev.json` and `/epss.csv` their bodies, anything else
/// 404. Every request line with its headers is kept.
fn feeds_server(
    nvd: Vec<u8>,
    kev: Vec<u8>,
    epss: Vec<u8>,
) -> (
    std::net::SocketAddr,
    std::sync::Arc<std::sync::Mutex<Vec<String>>>,
) {
    use std::io::{BufRead, BufReader, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let log = seen.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().expect("clone"));
            let mut request = String::new();
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                request.push_str(&line);
            }
            let path = request.split_whitespace().nth(1).unwrap_or("").to_string();
            log.lock().expect("log").push(request);
            let (status, body) = if path.starts_with("/cves") {
                ("200 OK", nvd.clone())
            } else if path == "/kev.json" {
                ("200 OK", kev.clone())
            } else if path == "/epss.csv" {
                ("200 OK", epss.clone())
            } else {
                ("404 Not Found", b"not here".to_vec())
            };
            let head = format!(
                "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(&body);
        }
    });
    (addr, seen)
}

backend_tests! {
    async fn an_online_deployment_keeps_its_feeds_current_and_matches_what_changed(backend: Backend) {
        use zian_app::feeds_sync::FeedSync;
        let env = TestEnv::demo(backend).await;
        let dir = zian_testkit::TempDir::new("zian-sync");
        zian_app::demo_vulns::install_demo_feeds(&dir.0).unwrap();
        // offline (no sync configured): nothing is fetched
        let offline = env.app.clone().with_feed_store(dir.0.clone());
        assert!(offline.sync_feeds().await.unwrap().is_none());
        // NVD re-analysed CVE-2013-6420 (no product any more); KEV; EPSS
        let nvd = demo_record("CVE-2013-6420", json!([]), "2026-11-21T00:30:00.000");
        let epss = b"#model_version:v2025.03.14,score_date:2026-11-21T00:00:00+0000\ncve,epss,percentile\nCVE-2014-6271,0.94358,0.99961\n".to_vec();
        let (addr, seen) = feeds_server(nvd, engine_fixture("kev-subset.json"), epss);
        let sync = FeedSync {
            nvd_url: format!("http://{addr}/cves/2.0"),
            api_key: Some("nvd-key-0f1e2d".into()),
            kev_url: Some(format!("http://{addr}/kev.json")),
            epss_url: Some(format!("http://{addr}/epss.csv")),
            first_days: 7,
            http: std::sync::Arc::new(zian_vuln::nvd_api::TcpHttp { timeout: Duration::from_secs(10) }),
        };
        assert!(!format!("{sync:?}").contains("nvd-key"), "the key is never shown");
        let app = env.app.clone().with_feed_store(dir.0.clone()).with_feed_sync(sync.clone());
        let env = env.with_app(app);
        env.app.seed_demo(PASSWORD).await.unwrap();
        let officer = env.token_for("officer.police").await;
        let pol = env.org("PIF-POL").await.to_string();
        assert_eq!(one(&env, &officer, &pol, "cve=CVE-2013-6420").await["status"], "new");

        let r = env.app.sync_feeds().await.unwrap().expect("online");
        assert_eq!((r.pages, r.records, r.kev, r.epss), (1, 1, true, true), "{r:?}");
        assert!(r.changed >= 2 && r.organisations >= 1, "{r:?}");
        // the NVD request: the API key in its header, the week asked for
        let requests = seen.lock().unwrap().clone();
        let api = requests.iter().find(|q| q.contains("/cves/2.0")).expect("an NVD request");
        assert!(api.contains("lastModStartDate=") && api.contains("lastModEndDate="), "{api}");
        assert!(api.to_ascii_lowercase().contains("apikey: nvd-key-0f1e2d"), "{api}");
        // what changed reached the findings
        let php = one(&env, &officer, &pol, "cve=CVE-2013-6420&status=all").await;
        assert_eq!((php["status"].as_str(), php["present"].as_bool()), (Some("verified"), Some(false)), "{php}");
        let bash = one(&env, &officer, &pol, "cve=CVE-2014-6271&status=all").await;
        assert_eq!(bash["epss_percentile"].as_f64(), Some(99.96), "{bash}");
        // audited, without the key
        let details: Vec<String> = sqlx::query_scalar("SELECT details FROM audit_log WHERE action = 'feeds.synced'")
            .fetch_all(env.store.pool()).await.unwrap();
        assert_eq!(details.len(), 1);
        assert!(details[0].contains("\"pages\":1") && !details[0].contains("nvd-key"), "{}", details[0]);
        // imported pages leave the spool; its state stays
        let spool: Vec<String> = std::fs::read_dir(dir.0.join("nvd-api")).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        assert_eq!(spool, ["nvd-sync-state.json"]);
        // the next morning continues where this run stopped
        env.clock.advance(86_400);
        let r = env.app.sync_feeds().await.unwrap().expect("online");
        assert_eq!(r.changed, 0, "the same records again change nothing: {r:?}");
        let requests = seen.lock().unwrap().clone();
        let second = requests.iter().filter(|q| q.contains("/cves/2.0")).nth(1).expect("a second NVD request");
        assert_ne!(second.lines().next(), api.lines().next(), "a new window");

        // a source that fails: the run fails, audited, and nothing is lost
        let broken = FeedSync { kev_url: Some(format!("http://{addr}/missing.json")), ..sync };
        let app = env.app.clone().with_feed_sync(broken);
        let env = env.with_app(app);
        let e = env.app.sync_feeds().await.unwrap_err();
        assert!(format!("{e:?}").contains("404"), "{e:?}");
        let failed: Vec<String> = sqlx::query_scalar("SELECT details FROM audit_log WHERE action = 'feeds.sync_failed'")
            .fetch_all(env.store.pool()).await.unwrap();
        assert!(failed.len() == 1 && failed[0].contains("missing.json") && !failed[0].contains("nvd-key"), "{failed:?}");
        assert_eq!(one(&env, &officer, &pol, "cve=CVE-2013-6420&status=all").await["status"], "verified");
    }
}

backend_tests! {
    async fn exposure_is_shown_with_the_priority_and_declared_endpoints_give_the_coverage(backend: Backend) {
        let env = TestEnv::demo_with_feeds(backend).await;
        let pol_tok = env.token_for("officer.police").await;
        let hlt_tok = env.token_for("officer.health").await;
        let sup = env.token_for("supervisor.khh").await;
        let (pif, pol, hlt) = (env.org("PIF").await.to_string(), env.org("PIF-POL").await.to_string(), env.org("PIF-HLT").await.to_string());

        // the health bureau's web site is Internet-facing: its Tomcat
        // findings carry it, the filter finds them, the police PCs are not
        let exposed = findings(&env, &hlt_tok, &hlt, "exposed=true&limit=200").await;
        assert!(!exposed.is_empty());
        assert!(exposed.iter().all(|f| f["exposed"] == true && f["asset_name"] == "衛生局官網伺服器"), "{exposed:?}");
        let all = findings(&env, &hlt_tok, &hlt, "limit=200").await;
        assert_eq!(all.iter().filter(|f| f["exposed"] == true).count(), exposed.len());
        assert!(findings(&env, &pol_tok, &pol, "exposed=true").await.is_empty());
        let r = env.api(Method::GET, &format!("/api/v1/orgs/{hlt}/vulns?exposed=maybe"), &hlt_tok, None).await;
        assert_eq!((r.status, r.json()["error"]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("exposed")));
        let s = env.login("officer.health", PASSWORD).await;
        let html = env.request(Method::GET, &format!("/orgs/{hlt}/vulns?exposed=true"), &[("cookie", s.cookie.as_str())], None).await.text();
        assert!(html.contains("id=\"f-exposed\" name=\"exposed\" value=\"true\" checked") && html.contains(">對外</span>"), "{html}");
        let csv = env.api(Method::GET, &format!("/api/v1/orgs/{hlt}/vulns.csv?exposed=true"), &hlt_tok, None).await;
        let (h, rows) = parse_csv(&csv);
        assert_eq!(rows.len(), exposed.len());
        assert!(rows.iter().all(|r| r[col(&h, "對外服務")] == "是"), "{rows:?}");

        // marking a police PC Internet-facing reaches its findings at the next match
        let pc = one(&env, &pol_tok, &pol, "cve=CVE-2014-6271").await;
        let asset = env.api(Method::GET, &format!("/api/v1/assets/{}", pc["asset_id"].as_str().unwrap()), &pol_tok, None).await.json()["asset"].clone();
        assert_eq!(asset["exposed"], false, "{asset}");
        let mut body = json!({"exposed": true});
        for k in ["name", "category", "owner", "hostname", "os", "core", "status"] {
            body[k] = asset[k].clone();
        }
        let r = env.api(Method::PUT, &format!("/api/v1/assets/{}", pc["asset_id"].as_str().unwrap()), &pol_tok, Some(body)).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        assert_eq!(r.json()["exposed"], true);
        rematch(&env, &pol_tok, &pol).await;
        assert_eq!(one(&env, &pol_tok, &pol, "cve=CVE-2014-6271").await["exposed"], true);

        // declared endpoints: the police bureau 2 (fewer than it inventoried,
        // so it counts 2), the health bureau 100; the county government
        // itself declares nothing
        let put = |org: String, tok: String, body: Value| {
            let env = &env;
            async move { env.api(Method::PUT, &format!("/api/v1/orgs/{org}/vulns/endpoints"), &tok, Some(body)).await }
        };
        let r = put(pol.clone(), pol_tok.clone(), json!({"endpoints": 2})).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let pol_hosts = r.json()["inventoried"].as_u64().unwrap();
        assert_eq!(r.json()["declared"], 2);
        assert!(pol_hosts >= 3, "{pol_hosts}");
        let r = put(hlt.clone(), hlt_tok.clone(), json!({"endpoints": 100})).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let hlt_hosts = r.json()["inventoried"].as_u64().unwrap();
        assert!((1..100).contains(&hlt_hosts), "{hlt_hosts}");
        for bad in [json!({"endpoints": -1}), json!({"endpoints": 1_000_001})] {
            let r = put(hlt.clone(), hlt_tok.clone(), bad).await;
            assert_eq!((r.status, r.json()["error"]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("endpoints")), "{}", r.text());
        }
        // not another agency's
        let r = put(pol.clone(), hlt_tok.clone(), json!({"endpoints": 9})).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        let r = env.api(Method::GET, &format!("/api/v1/orgs/{pif}/vulns/review?month=2026-11"), &sup, None).await.json();
        let e = &r["endpoints_inventoried"];
        assert_eq!((e["numerator"].as_u64(), e["denominator"].as_u64()), (Some(2 + hlt_hosts), Some(102)), "{e}");
        assert_eq!(r["undeclared"], 1, "PIF (level A) declared nothing");
        let row = |org: &str| r["agencies"].as_array().unwrap().iter().find(|a| a["org_id"] == org).unwrap().clone();
        assert_eq!((row(&pol)["declared_endpoints"].as_u64(), row(&pol)["hosts"].as_u64()), (Some(2), Some(pol_hosts)));
        assert!(row(&pif)["declared_endpoints"].is_null());
        // withdrawn: the police bureau leaves the denominator
        let r = put(pol.clone(), pol_tok.clone(), json!({"endpoints": null})).await;
        assert_eq!((r.status, r.json()["declared"].is_null()), (StatusCode::OK, true));
        let r = env.api(Method::GET, &format!("/api/v1/orgs/{pif}/vulns/review?month=2026-11"), &sup, None).await.json();
        assert_eq!((r["endpoints_inventoried"]["numerator"].as_u64(), r["endpoints_inventoried"]["denominator"].as_u64(), r["undeclared"].as_u64()), (Some(hlt_hosts), Some(100), Some(2)));
        let actions = audit_actions(&env, "vulns.endpoints_declared").await;
        assert_eq!(actions.len(), 3, "{actions:?}");

        // the page: declared through the policy page's form, shown in the review
        let s = env.login("officer.police", PASSWORD).await;
        let html = env.request(Method::GET, &format!("/orgs/{pol}/vulns/policy"), &[("cookie", s.cookie.as_str())], None).await.text();
        assert!(html.contains("id=\"endpoints-form\"") && html.contains(&format!("最近一次比對涵蓋主機數：{pol_hosts}")), "{html}");
        let r = env.request(Method::POST, &format!("/orgs/{pol}/vulns/endpoints"), &[("cookie", s.cookie.as_str()), ("content-type", "application/x-www-form-urlencoded")], Some(form(&[("_csrf", s.csrf.as_str()), ("endpoints", "40")]))).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        let s = env.login("supervisor.khh", PASSWORD).await;
        let html = env.request(Method::GET, &format!("/orgs/{pif}/vulns/review?month=2026-11"), &[("cookie", s.cookie.as_str())], None).await.text();
        assert!(html.contains("id=\"kpi-endpoints\"") && html.contains(&format!("<td>{}</td><td>140</td>", pol_hosts.min(40) + hlt_hosts)), "{html}");
        assert!(html.contains(&format!("{pol_hosts} / 40")), "{html}");
    }
}
