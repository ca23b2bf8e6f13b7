//! L1–L5 maturity on every backend: a programme started from the shipped
//! framework, its bound key results reading the records (a recovery drill
//! completed shows in the month's DR figures with where it came from), the
//! monthly job drafting one report per organisation and month from the
//! 20th, a draft completed, refused where it is wrong, signed by who
//! compiled it and published by another person (the scores becoming the
//! current maturity, management told), a report returned with its reason,
//! the framework edited, tasks ticked, and a supervisor's comparison of
//! only what it supervises.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use zian_testkit::http::form;
use zian_testkit::{PASSWORD, backend_tests};

fn field(r: &zian_testkit::Resp) -> Option<String> {
    r.json()["error"]["field"].as_str().map(str::to_string)
}

fn kr<'a>(summary: &'a Value, code: &str) -> &'a Value {
    summary["key_results"]
        .as_array()
        .expect("key results")
        .iter()
        .find(|k| k["code"] == code)
        .expect("key result")
}

backend_tests! {
    async fn a_month_is_drafted_with_live_figures_completed_signed_and_published(env: TestEnv) {
        let officer = env.token_for("officer.police").await;
        let ciso = env.token_for("ciso.police").await;
        let pol = env.org("PIF-POL").await;
        let base = format!("/api/v1/orgs/{pol}/maturity");
        let r = env.api(Method::GET, &base, &officer, None).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        assert!(r.json()["programme"].is_null());
        // a month that is not YYYY-MM is refused by its field
        let r = env.api(Method::POST, &base, &officer, Some(json!({"title": "L1-L5營運框架", "starts": "2026/06"}))).await;
        assert_eq!((r.status, field(&r).as_deref()), (StatusCode::UNPROCESSABLE_ENTITY, Some("starts")), "{}", r.text());
        let r = env.api(Method::POST, &base, &officer, Some(json!({"title": "L1-L5營運框架", "starts": "2026-06"}))).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let pid = r.json()["id"].as_str().expect("id").to_string();
        assert_eq!((r.json()["ends"].as_str(), r.json()["months"].as_u64()), (Some("2027-11"), Some(18)));
        let r = env.api(Method::POST, &base, &officer, Some(json!({"title": "again", "starts": "2026-06"}))).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text());

        // the overview as of this month (2026-11: month 6 of 18, phase 2)
        let o = env.api(Method::GET, &base, &officer, None).await.json();
        let s = &o["summary"];
        assert_eq!((s["index"].as_i64(), s["phase"].as_u64(), s["elapsed"].as_f64()), (Some(6), Some(2), Some(33.3)), "{s}");
        assert_eq!(s["layers"].as_array().map(Vec::len), Some(5));
        assert_eq!((s["layers"][1]["start"].as_f64(), s["layers"][1]["target"].as_f64(), s["layers"][1]["progress"].as_f64()), (Some(1.5), Some(3.0), Some(0.0)));
        assert_eq!(o["next_month"], json!("2026-11"));
        let mttr = kr(s, "KR2.1");
        assert_eq!((mttr["direction"].as_str(), mttr["metric"].as_str(), mttr["quarters"].as_array().map(Vec::len)), (Some("lower"), Some("incident_mttr_hours"), Some(6)));

        // the monthly job drafts this month's report once (today is the 21st)
        assert_eq!(env.app.maturity_monthly().await.expect("monthly"), 1);
        assert_eq!(env.app.maturity_monthly().await.expect("monthly again"), 0, "one draft per organisation and month");
        let o = env.api(Method::GET, &base, &officer, None).await.json();
        assert!(o["next_month"].is_null(), "{o}");
        let reports = o["reports"].as_array().expect("reports");
        assert_eq!((reports.len(), reports[0]["month"].as_str(), reports[0]["status"].as_str()), (1, Some("2026-11"), Some("draft")));
        let rid = reports[0]["id"].as_str().expect("report").to_string();
        let one = format!("/api/v1/maturity-reports/{rid}");
        // drafting the same month again by hand is a conflict
        let r = env.api(Method::POST, &format!("/api/v1/maturity-programmes/{pid}/reports"), &officer, Some(json!({"month": "2026-11"}))).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text());
        let r = env.api(Method::POST, &format!("/api/v1/maturity-programmes/{pid}/reports"), &officer, Some(json!({"month": "2028-01"}))).await;
        assert_eq!((r.status, field(&r).as_deref()), (StatusCode::UNPROCESSABLE_ENTITY, Some("month")), "{}", r.text());

        // the bound figures read the records, saying where they came from
        let d = env.api(Method::GET, &one, &officer, None).await.json();
        let before = kr(&d["summary"], "KR1.3")["value"].as_f64().expect("drills counted");
        let mttr = kr(&d["summary"], "KR2.1");
        assert_eq!((mttr["source_key"].as_str(), mttr["source_link"].as_str()), (Some("maturity.source.mttr"), Some(format!("/orgs/{pol}/incidents").as_str())), "{mttr}");
        // a recovery drill completed this month, then the figures gathered again
        let ps = env.api(Method::GET, &format!("/api/v1/orgs/{pol}/continuity/processes"), &officer, None).await.json();
        let process = ps["items"][0]["id"].as_str().expect("process").to_string();
        let r = env.api(Method::POST, &format!("/api/v1/orgs/{pol}/drills"), &officer, Some(json!({"title": "機房復原演練", "drill_kind": "recovery", "planned_on": "2026-11-20", "process_ids": [process], "approved_by": "推動小組"}))).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let did = r.json()["id"].as_str().expect("drill").to_string();
        let r = env.api(Method::POST, &format!("/api/v1/drills/{did}/complete"), &officer, Some(json!({"started_at": "2026-11-20T08:00", "ended_at": "2026-11-20T09:00", "recovery_minutes": 50, "result": "系統於時限內復原"}))).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let r = env.api(Method::POST, &format!("{one}/gather"), &officer, None).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let d = r.json();
        let dr = kr(&d["summary"], "KR1.3");
        assert_eq!((dr["value"].as_f64(), dr["source_key"].as_str()), (Some(before + 1.0), Some("maturity.source.drills")), "{dr}");
        assert_eq!(dr["source_args"]["n"], json!(format!("{}", before as i64 + 1)));
        assert_eq!((dr["source_args"]["from"].as_str(), dr["source_args"]["to"].as_str()), (Some("2025-12-01"), Some("2026-11-30")), "twelve months to the month's end: {dr}");
        assert_eq!(dr["source_link"], json!(format!("/orgs/{pol}/continuity")));
        let restore = kr(&d["summary"], "KR1.4");
        assert_eq!((restore["value"].as_f64().map(|v| v >= 1.0), restore["status"].as_str()), (Some(true), Some("done")), "a restore test this month meets 1 a month: {restore}");

        // refusals name the row
        let r = env.api(Method::PUT, &one, &officer, Some(json!({"values": [{"kr": "KR1.3", "value": 5}]}))).await;
        assert_eq!((r.status, field(&r).as_deref()), (StatusCode::UNPROCESSABLE_ENTITY, Some("value.KR1.3")), "a bound value is not typed: {}", r.text());
        let r = env.api(Method::PUT, &one, &officer, Some(json!({"layers": [{"layer": "l2", "maturity": 5.5}]}))).await;
        assert_eq!((r.status, field(&r).as_deref()), (StatusCode::UNPROCESSABLE_ENTITY, Some("maturity.l2")), "{}", r.text());
        let r = env.api(Method::POST, &format!("{one}/submit"), &officer, None).await;
        assert_eq!((r.status, field(&r).as_deref()), (StatusCode::UNPROCESSABLE_ENTITY, Some("achievements")), "{}", r.text());
        let r = env.api(Method::PUT, &one, &officer, Some(json!({
            "layers": [{"layer": "l1", "maturity": 2.44, "tasks_done": "完成HA部署"}, {"layer": "l2", "maturity": 1.8}],
            "values": [{"kr": "KR2.3", "value": 12, "note": "SIEM告警規則清單"}, {"kr": "KR3.3", "value": 6}],
            "achievements": "完成HA部署\nSIEM上線", "next_focus": "擴充告警規則"
        }))).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let d = r.json();
        // 2.4 of the way 2.0 → 3.0: 40 %; rules 12 of ≥20: 60 %; 6 min where ≤2 is the target: 33.3 %
        assert_eq!(d["summary"]["layers"][0]["current"].as_f64(), Some(2.4));
        assert_eq!(d["summary"]["layers"][0]["progress"].as_f64(), Some(40.0));
        let rules = kr(&d["summary"], "KR2.3");
        assert_eq!((rules["value"].as_f64(), rules["achievement"].as_f64(), rules["basis"].as_str()), (Some(12.0), Some(60.0), Some("SIEM告警規則清單")), "{rules}");
        assert_eq!(kr(&d["summary"], "KR3.3")["achievement"].as_f64(), Some(33.3));
        assert_eq!(kr(&d["summary"], "KR2.3")["quarters"][1].as_f64(), Some(12.0), "2026-11 is the second quarter");

        // signed by who compiled it, reviewed by another
        let r = env.api(Method::POST, &format!("{one}/submit"), &officer, None).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        assert_eq!(r.json()["report"]["status"], json!("submitted"));
        let r = env.api(Method::PUT, &one, &officer, Some(json!({"achievements": "改"}))).await;
        assert_eq!((r.status, field(&r).as_deref()), (StatusCode::UNPROCESSABLE_ENTITY, Some("status")), "{}", r.text());
        let r = env.api(Method::POST, &format!("{one}/review"), &officer, Some(json!({"approve": true}))).await;
        assert_eq!((r.status, field(&r).as_deref()), (StatusCode::UNPROCESSABLE_ENTITY, Some("reviewer")), "{}", r.text());
        let r = env.api(Method::POST, &format!("{one}/review"), &ciso, Some(json!({"approve": false}))).await;
        assert_eq!((r.status, field(&r).as_deref()), (StatusCode::UNPROCESSABLE_ENTITY, Some("note")), "{}", r.text());
        let r = env.api(Method::POST, &format!("{one}/review"), &ciso, Some(json!({"approve": false, "note": "MTTR 請補充說明"}))).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        assert_eq!((r.json()["report"]["status"].as_str(), r.json()["report"]["returned"].as_str()), (Some("draft"), Some("MTTR 請補充說明")));
        let r = env.api(Method::POST, &format!("{one}/submit"), &officer, None).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let r = env.api(Method::POST, &format!("{one}/review"), &ciso, Some(json!({"approve": true}))).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let rep = &r.json()["report"];
        assert_eq!((rep["status"].as_str(), rep["returned"].as_str(), rep["compiled_by"].as_str(), rep["reviewed_by"].as_str()), (Some("published"), Some(""), Some("資安專責人員 林怡君"), Some("警察局資通安全長 陳建宏")), "{rep}");
        // published: final, and its scores are the programme's current maturity
        let r = env.api(Method::POST, &format!("{one}/gather"), &officer, None).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
        let p = env.api(Method::GET, &format!("/api/v1/maturity-programmes/{pid}"), &officer, None).await.json();
        assert_eq!((p["layers"][0]["current"].as_f64(), p["layers"][1]["current"].as_f64()), (Some(2.4), Some(1.8)), "{p}");
        // the reviewer told the officer when returning; management is told on publishing
        let inbox = env.api(Method::GET, "/api/v1/inbox", &officer, None).await.json();
        assert!(inbox.to_string().contains("maturity.returned"), "{inbox}");
        assert!(inbox.to_string().contains("maturity.draft"), "the job's draft was announced: {inbox}");
        let inbox = env.api(Method::GET, "/api/v1/inbox", &ciso, None).await.json();
        assert!(inbox.to_string().contains("maturity.published") && inbox.to_string().contains("maturity.submitted"), "{inbox}");

        // the next month: nothing before the 20th, then one draft carrying the scores
        env.clock.set(1_796_432_400); // 2026-12-05 01:00 UTC
        assert_eq!(env.app.maturity_monthly().await.expect("monthly"), 0);
        env.clock.set(1_797_728_400); // 2026-12-20 01:00 UTC
        assert_eq!(env.app.maturity_monthly().await.expect("monthly"), 1);
        let o = env.api(Method::GET, &base, &officer, None).await.json();
        let dec = o["reports"].as_array().expect("reports").iter().find(|r| r["month"] == "2026-12").expect("december").clone();
        assert_eq!(dec["layer_notes"][0]["maturity"].as_f64(), Some(2.4), "carried from November");
        assert_eq!(dec["layer_notes"][0]["tasks_done"], json!(""), "the notes start empty");
    }

    async fn risks_issues_and_resources_are_tracked_with_their_levels_and_variance(env: TestEnv) {
        let officer = env.token_for("officer.police").await;
        let health = env.token_for("officer.health").await;
        let pol = env.org("PIF-POL").await;
        let hlt = env.org("PIF-HLT").await;
        let r = env.api(Method::POST, &format!("/api/v1/orgs/{pol}/maturity"), &officer, Some(json!({"title": "L1-L5營運框架", "starts": "2026-06"}))).await;
        let pid = r.json()["id"].as_str().expect("id").to_string();
        let prog = format!("/api/v1/maturity-programmes/{pid}");
        // the seed's hours and budget tables start empty
        let p = env.api(Method::GET, &prog, &officer, None).await.json();
        let roles: Vec<&str> = p["summary"]["hours"].as_array().expect("hours").iter().filter_map(|h| h["name"].as_str()).collect();
        assert_eq!(roles, ["系統管理員", "資安專員", "IT支援專員", "DevOps工程師", "資安合規專員", "外部顧問"]);
        // a risk of the police register, one of the health bureau's
        let own = env.api(Method::POST, &format!("/api/v1/orgs/{pol}/risks"), &officer, Some(json!({"asset": "機房", "threat": "人力不足", "weakness": "單一維運人員", "asset_value": 2, "likelihood": 2, "vulnerability": 2, "treatment": "accept", "owner": "資訊室"}))).await;
        assert_eq!(own.status, StatusCode::CREATED, "{}", own.text());
        let own = own.json()["id"].as_str().expect("risk").to_string();
        let other = env.api(Method::POST, &format!("/api/v1/orgs/{hlt}/risks"), &health, Some(json!({"asset": "主機", "threat": "x", "weakness": "y", "asset_value": 1, "likelihood": 1, "vulnerability": 1, "treatment": "accept", "owner": "資訊室"}))).await;
        assert_eq!(other.status, StatusCode::CREATED, "{}", other.text());
        let other = other.json()["id"].as_str().expect("risk").to_string();
        let tracking = format!("{prog}/tracking");
        let risk = |code: &str, impact: &str, likelihood: &str, rid: Option<&str>| json!({"code": code, "description": format!("風險{code}"), "impact": impact, "likelihood": likelihood, "status": "open", "risk_id": rid});
        let r = env.api(Method::PUT, &tracking, &officer, Some(json!({"risks": [risk("", "high", "medium", None), risk("", "high", "high", Some(&other))]}))).await;
        assert_eq!((r.status, field(&r).as_deref()), (StatusCode::UNPROCESSABLE_ENTITY, Some("risk_id.r1")), "another organisation's risk: {}", r.text());
        let r = env.api(Method::PUT, &tracking, &officer, Some(json!({"risks": [risk("R001", "high", "medium", None), risk("R001", "low", "low", None)]}))).await;
        assert_eq!((r.status, field(&r).as_deref()), (StatusCode::UNPROCESSABLE_ENTITY, Some("code.r1")), "{}", r.text());
        let r = env.api(Method::PUT, &tracking, &officer, Some(json!({"risks": [risk("", "severe", "low", None)]}))).await;
        assert_eq!((r.status, field(&r).as_deref()), (StatusCode::UNPROCESSABLE_ENTITY, Some("impact.r0")), "{}", r.text());
        let r = env.api(Method::PUT, &tracking, &officer, Some(json!({"hours": [{"name": "資安專員", "planned": 100, "actual": -1}]}))).await;
        assert_eq!((r.status, field(&r).as_deref()), (StatusCode::UNPROCESSABLE_ENTITY, Some("actual.h0")), "{}", r.text());
        let r = env.api(Method::PUT, &tracking, &officer, Some(json!({
            "risks": [risk("", "high", "medium", None), risk("", "high", "high", Some(&own)), risk("R007", "medium", "low", None), risk("", "low", "low", None)],
            "issues": [{"description": "SIEM日誌來源未涵蓋端點", "found_on": "2026-08-01", "impact": "medium", "status": "open", "due_on": "2026-10-31"},
                       {"description": "預算核定延遲", "found_on": "2026-07-01", "impact": "high", "status": "closed", "resolution": "已核定", "due_on": "2026-08-31"}],
            "hours": [{"name": "資安專員", "planned": 120, "actual": 90}, {"name": "外部顧問", "planned": 0, "actual": 8}],
            "budget": [{"name": "L1可靠性", "planned": 1000000, "actual": 1100000}]
        }))).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let s = &r.json()["summary"];
        // numbered after the highest given; levels as the seed reads them
        let codes: Vec<(&str, &str)> = s["risks"].as_array().expect("risks").iter().map(|r| (r["code"].as_str().unwrap_or(""), r["level"].as_str().unwrap_or(""))).collect();
        assert_eq!(codes, [("R008", "medium"), ("R009", "high"), ("R007", "low"), ("R010", "low")]);
        assert_eq!(s["risks"][1]["risk_id"], json!(own));
        assert_eq!((s["issues"][0]["code"].as_str(), s["issues"][0]["overdue"].as_bool()), (Some("I001"), Some(true)), "open past its due day");
        assert_eq!(s["issues"][1]["overdue"], json!(false), "resolved");
        assert_eq!((s["hours"][0]["variance"].as_f64(), s["hours"][0]["utilisation"].as_f64()), (Some(-30.0), Some(75.0)));
        assert!(s["hours"][1]["utilisation"].is_null(), "nothing planned");
        assert_eq!((s["hours_total"]["planned"].as_f64(), s["hours_total"]["actual"].as_f64(), s["hours_total"]["utilisation"].as_f64()), (Some(120.0), Some(98.0), Some(81.7)));
        assert_eq!((s["budget_total"]["variance"].as_f64(), s["budget_total"]["utilisation"].as_f64()), (Some(100000.0), Some(110.0)));
        // a month published keeps its tables as signed
        let ciso = env.token_for("ciso.police").await;
        let r = env.api(Method::POST, &format!("{prog}/reports"), &officer, Some(json!({"month": "2026-11"}))).await;
        let one = format!("/api/v1/maturity-reports/{}", r.json()["report"]["id"].as_str().expect("report"));
        env.api(Method::PUT, &one, &officer, Some(json!({"achievements": "完成", "next_focus": "持續"}))).await;
        env.api(Method::POST, &format!("{one}/submit"), &officer, None).await;
        let r = env.api(Method::POST, &format!("{one}/review"), &ciso, Some(json!({"approve": true}))).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let r = env.api(Method::PUT, &tracking, &officer, Some(json!({"risks": [], "issues": []}))).await;
        assert_eq!(r.json()["summary"]["risks"], json!([]));
        let d = env.api(Method::GET, &one, &officer, None).await.json();
        assert_eq!((d["summary"]["risks"].as_array().map(Vec::len), d["summary"]["hours_total"]["actual"].as_f64()), (Some(4), Some(98.0)), "{}", d["summary"]);
        // another county reaches none of it
        let penghu = env.token_for("officer.penghu").await;
        let r = env.api(Method::PUT, &tracking, &penghu, Some(json!({}))).await;
        assert!(matches!(r.status, StatusCode::NOT_FOUND | StatusCode::FORBIDDEN), "{}", r.text());
    }

    async fn the_framework_is_edited_tasks_ticked_and_supervisors_compare_their_subtree(env: TestEnv) {
        let officer = env.token_for("officer.police").await;
        let ciso = env.token_for("ciso.police").await;
        let supervisor = env.token_for("supervisor.khh").await;
        let penghu = env.token_for("officer.penghu").await;
        let pol = env.org("PIF-POL").await;
        let khh = env.org("KHH").await;
        let pen = env.org("PEN-FIRE").await;
        let r = env.api(Method::POST, &format!("/api/v1/orgs/{pol}/maturity"), &officer, Some(json!({"title": "L1-L5營運框架", "starts": "2026-09"}))).await;
        let pid = r.json()["id"].as_str().expect("id").to_string();
        let prog = format!("/api/v1/maturity-programmes/{pid}");
        let p = env.api(Method::GET, &prog, &officer, None).await.json();
        // the framework as shipped, sent back with changes
        let mut layers = p["layers"].clone();
        layers[2]["target"] = json!(3.0);
        let mut krs: Vec<Value> = p["key_results"].as_array().expect("krs").iter().map(|k| json!({
            "kr": k["kr"], "layer": k["layer"], "title": k["title"], "unit": k["unit"], "baseline": k["baseline"], "target": k["target"], "direction": k["direction"], "metric": k["metric"]
        })).collect();
        let n = krs.len();
        krs.retain(|k| k["kr"] != "KR4.3");
        let body = |layers: &Value, krs: &Vec<Value>| json!({"title": "L1-L5營運框架（修訂）", "layers": layers.as_array().expect("layers").iter().map(|l| json!({"layer": l["layer"], "name": l["name"], "start": l["start"], "target": l["target"], "rubric": l["rubric"]})).collect::<Vec<_>>(), "key_results": krs});
        let mut bad = layers.clone();
        bad[0]["target"] = json!(1.5);
        let r = env.api(Method::PUT, &prog, &officer, Some(body(&bad, &krs))).await;
        assert_eq!((r.status, field(&r).as_deref()), (StatusCode::UNPROCESSABLE_ENTITY, Some("target.l1")), "{}", r.text());
        let mut twice = krs.clone();
        twice.push(twice[0].clone());
        let r = env.api(Method::PUT, &prog, &officer, Some(body(&layers, &twice))).await;
        assert_eq!((r.status, field(&r).as_deref()), (StatusCode::UNPROCESSABLE_ENTITY, Some(format!("kr.{}", n - 1).as_str())), "{}", r.text());
        let mut metric = krs.clone();
        metric[0]["metric"] = json!("uptime");
        let r = env.api(Method::PUT, &prog, &officer, Some(body(&layers, &metric))).await;
        assert_eq!((r.status, field(&r).as_deref()), (StatusCode::UNPROCESSABLE_ENTITY, Some("metric.0")), "{}", r.text());
        let r = env.api(Method::PUT, &prog, &officer, Some(body(&layers, &krs))).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let p = r.json();
        assert_eq!((p["programme"]["title"].as_str(), p["layers"][2]["target"].as_f64(), p["key_results"].as_array().map(Vec::len)), (Some("L1-L5營運框架（修訂）"), Some(3.0), Some(n - 1)));
        // tasks: refused outside their phase, ticked, counted
        let tasks = format!("{prog}/tasks");
        let r = env.api(Method::POST, &tasks, &officer, Some(json!({"phase": 9, "layer": "l1", "title": "x"}))).await;
        assert_eq!((r.status, field(&r).as_deref()), (StatusCode::UNPROCESSABLE_ENTITY, Some("phase")), "{}", r.text());
        let r = env.api(Method::POST, &tasks, &officer, Some(json!({"phase": 1, "programme_month": 5, "title": "x", "milestone": true}))).await;
        assert_eq!((r.status, field(&r).as_deref()), (StatusCode::UNPROCESSABLE_ENTITY, Some("programme_month")), "{}", r.text());
        env.api(Method::POST, &tasks, &officer, Some(json!({"phase": 1, "layer": "l1", "title": "關鍵系統盤點"}))).await;
        let r = env.api(Method::POST, &tasks, &officer, Some(json!({"phase": 1, "programme_month": 3, "title": "HA配置完成", "milestone": true}))).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let r = env.api(Method::POST, &format!("{prog}/task-status"), &officer, Some(json!({"number": 1, "done": true}))).await;
        let s = &r.json()["summary"];
        assert_eq!((s["tasks_done"].as_u64(), s["tasks_planned"].as_u64()), (Some(1), Some(2)), "{s}");
        assert_eq!((s["phases"][0]["progress"].as_f64(), s["phases"][0]["tasks"][1]["month"].as_str()), (Some(50.0), Some("2026-11")), "{s}");
        // phase 1 (Sep–Nov) is elapsed with a task open: missed
        assert_eq!(s["phases"][0]["status"], json!("missed"));

        // a month published, then compared by the supervisor
        let r = env.api(Method::POST, &format!("{prog}/reports"), &officer, Some(json!({"month": "2026-11"}))).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let rid = r.json()["report"]["id"].as_str().expect("report").to_string();
        let one = format!("/api/v1/maturity-reports/{rid}");
        env.api(Method::PUT, &one, &officer, Some(json!({"layers": [{"layer": "l1", "maturity": 2.5}], "values": [{"kr": "KR1.1", "value": 99.6}, {"kr": "KR2.2", "value": 70}], "achievements": "完成", "next_focus": "持續"}))).await;
        env.api(Method::POST, &format!("{one}/submit"), &officer, None).await;
        let r = env.api(Method::POST, &format!("{one}/review"), &ciso, Some(json!({"approve": true}))).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let c = env.api(Method::GET, &format!("/api/v1/orgs/{khh}/maturity/compare?month=2026-11"), &supervisor, None).await;
        assert_eq!(c.status, StatusCode::OK, "{}", c.text());
        let rows = c.json()["rows"].as_array().expect("rows").clone();
        assert_eq!(rows.len(), 1, "{rows:?}");
        assert_eq!((rows[0]["org_id"].as_str(), rows[0]["status"].as_str()), (Some(pol.as_str()), Some("published")));
        assert_eq!((rows[0]["layers"][0]["maturity"].as_f64(), rows[0]["layers"][0]["progress"].as_f64()), (Some(2.5), Some(50.0)));
        // the key results met of those with a value, as the report counts them
        // (KR1.1 met, KR2.2 not, and the figures the platform computed)
        let d = env.api(Method::GET, &one, &officer, None).await.json();
        let krs = d["summary"]["key_results"].as_array().expect("krs");
        let valued = krs.iter().filter(|k| !k["value"].is_null()).count() as u64;
        let met = krs.iter().filter(|k| k["status"] == "done").count() as u64;
        assert_eq!((kr(&d["summary"], "KR1.1")["status"].as_str(), kr(&d["summary"], "KR2.2")["status"].as_str()), (Some("done"), Some("good")), "70% of 60→95 is on pace in month 3 of 18");
        assert!(valued >= 2 && met >= 1);
        assert_eq!((rows[0]["kr_met"].as_u64(), rows[0]["kr_valued"].as_u64()), (Some(met), Some(valued)), "{rows:?}");
        let r = env.api(Method::GET, &format!("/api/v1/orgs/{khh}/maturity/compare?month=11/2026"), &supervisor, None).await;
        assert_eq!((r.status, field(&r).as_deref()), (StatusCode::UNPROCESSABLE_ENTITY, Some("month")), "{}", r.text());
        // the supervisor writes nothing; another county sees nothing of it
        let r = env.api(Method::POST, &format!("{one}/gather"), &supervisor, None).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text());
        let r = env.api(Method::GET, &format!("/api/v1/orgs/{pen}/maturity/compare?month=2026-11"), &penghu, None).await;
        assert_eq!(r.json()["rows"], json!([]), "{}", r.text());
        for path in [format!("/api/v1/orgs/{pol}/maturity"), one.clone(), prog.clone()] {
            let r = env.api(Method::GET, &path, &penghu, None).await;
            assert!(r.status == StatusCode::NOT_FOUND || r.status == StatusCode::FORBIDDEN, "{path}: {}", r.status);
        }
        // printed in the seed's layout
        let r = env.api(Method::GET, &format!("{one}/documents/maturity-report?format=pdf"), &officer, None).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    }

    async fn the_review_meeting_is_minuted_and_its_action_items_followed_to_closure(env: TestEnv) {
        let officer = env.token_for("officer.police").await;
        let ciso = env.token_for("ciso.police").await;
        let health = env.token_for("officer.health").await;
        let pol = env.org("PIF-POL").await;
        let r = env.api(Method::POST, &format!("/api/v1/orgs/{pol}/maturity"), &officer, Some(json!({"title": "L1-L5營運框架", "starts": "2026-06"}))).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let pid = r.json()["id"].as_str().expect("id").to_string();
        let draft = async |month: &str| {
            let r = env.api(Method::POST, &format!("/api/v1/maturity-programmes/{pid}/reports"), &officer, Some(json!({"month": month}))).await;
            assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
            r.json()["report"]["id"].as_str().expect("report").to_string()
        };
        let oct = draft("2026-10").await;
        let one = format!("/api/v1/maturity-reports/{oct}");
        let minutes = |skip: &str| -> Value {
            ["layers", "okr", "risks", "next_month", "resources"].iter().filter(|i| **i != skip).map(|i| json!({"item": i, "note": format!("{i}：依計畫")})).collect()
        };
        let meeting = |on: &str, skip: &str, resolutions: Value| json!({"meeting_on": on, "chair": "資訊室主任", "attendees": "資安長、資安專責人員、系統管理員", "minutes": minutes(skip), "resolutions": resolutions});
        let ok_res = json!([{"decision": "告警規則下月底前擴充至 20 條", "owner": "資訊室 SOC 組", "due_on": "2026-11-30"}]);
        let url = format!("{one}/meeting");
        // a draft is not reviewed yet
        let r = env.api(Method::PUT, &url, &officer, Some(meeting("2026-10-28", "", ok_res.clone()))).await;
        assert_eq!((r.status, field(&r).as_deref()), (StatusCode::UNPROCESSABLE_ENTITY, Some("status")), "{}", r.text());
        let r = env.api(Method::PUT, &one, &officer, Some(json!({"achievements": "完成HA部署", "next_focus": "擴充告警規則"}))).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        assert_eq!(env.api(Method::POST, &format!("{one}/submit"), &officer, None).await.status, StatusCode::OK);
        assert_eq!(env.api(Method::POST, &format!("{one}/review"), &ciso, Some(json!({"approve": true}))).await.status, StatusCode::OK);

        // refusals name the field or the row
        for (body, want) in [
            (meeting("2026-09-30", "", ok_res.clone()), "meeting_on"),
            (meeting("2026-11-22", "", ok_res.clone()), "meeting_on"),
            (meeting("2026-10-28", "risks", ok_res.clone()), "minutes.risks"),
            (meeting("2026-10-28", "", json!([{"decision": "x", "owner": "y", "due_on": "2026-10-27"}])), "due_on.r0"),
            (meeting("2026-10-28", "", json!([{"decision": "a", "owner": "b", "due_on": "2026-11-01"}, {"decision": "c", "owner": " ", "due_on": "2026-11-01"}])), "owner.r1"),
            (json!({"meeting_on": "2026-10-28", "chair": " ", "attendees": "x", "minutes": minutes("")}), "chair"),
        ] {
            let r = env.api(Method::PUT, &url, &officer, Some(body)).await;
            assert_eq!((r.status, field(&r).as_deref()), (StatusCode::UNPROCESSABLE_ENTITY, Some(want)), "{}", r.text());
        }
        // another organisation's officer cannot minute it
        let r = env.api(Method::PUT, &url, &health, Some(meeting("2026-10-28", "", ok_res.clone()))).await;
        assert!(matches!(r.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND), "{}", r.text());
        let r = env.api(Method::GET, &one, &officer, None).await.json();
        assert!(r["report"]["meeting"].is_null(), "nothing kept of a refusal: {r}");

        // minuted (a published report too: the meeting follows the month)
        let r = env.api(Method::PUT, &url, &officer, Some(meeting("2026-10-28", "", ok_res.clone()))).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let m = &r.json()["report"]["meeting"];
        assert_eq!((m["meeting_on"].as_str(), m["chair"].as_str(), m["minutes"].as_array().map(Vec::len)), (Some("2026-10-28"), Some("資訊室主任"), Some(5)), "{m}");
        assert_eq!((m["minutes"][1]["item"].as_str(), m["minutes"][1]["note"].as_str()), (Some("okr"), Some("okr：依計畫")), "in the agenda's order");
        assert_eq!((m["resolutions"][0]["decision"].as_str(), m["resolutions"][0]["due_on"].as_str()), (Some("告警規則下月底前擴充至 20 條"), Some("2026-11-30")));
        assert_eq!(m["recorded_by"], json!("資安專責人員 林怡君"));

        // action items: corrective actions raised from the report
        let raise = async |title: &str, due: &str| {
            let r = env.api(Method::POST, "/api/v1/corrective-actions", &officer, Some(json!({"source": "maturity_report", "source_id": oct, "title": title, "owner": "資訊室", "due_on": due}))).await;
            assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
            r.json()["id"].as_str().expect("action").to_string()
        };
        let rules = raise("新增 5 條橫向移動告警規則", "2026-11-15").await;
        let poc = raise("修補派送自動化 PoC", "2026-11-30").await;
        let early = raise("SIEM 帳號權限盤點", "2026-10-31").await;
        let r = env.api(Method::POST, &format!("/api/v1/corrective-actions/{early}/done"), &officer, Some(json!({"result": "已完成盤點", "done_on": "2026-10-30"}))).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let d = env.api(Method::GET, &one, &officer, None).await.json();
        assert_eq!(d["actions"].as_array().map(Vec::len), Some(3), "{d}");
        assert_eq!(d["carried_actions"].as_array().map(Vec::len), Some(0));

        // November's report follows them up: the open ones (one past its
        // deadline) and one closed in November; the one closed in October is not
        let r = env.api(Method::POST, &format!("/api/v1/corrective-actions/{poc}/done"), &officer, Some(json!({"result": "PoC 完成", "done_on": "2026-11-20"}))).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let nov = draft("2026-11").await;
        let d = env.api(Method::GET, &format!("/api/v1/maturity-reports/{nov}"), &officer, None).await.json();
        let carried = d["carried_actions"].as_array().expect("carried");
        let ids: Vec<&str> = carried.iter().filter_map(|a| a["id"].as_str()).collect();
        assert_eq!(ids, vec![rules.as_str(), poc.as_str()], "{d}");
        assert_eq!((carried[0]["status"].as_str(), carried[0]["overdue"].as_bool()), (Some("open"), Some(true)), "{}", carried[0]);
        assert_eq!(carried[1]["status"].as_str(), Some("done"));
        assert!(d["actions"].as_array().is_some_and(Vec::is_empty));

        // the page shows the minutes and the follow-up, and corrects them
        let sess = env.login("officer.police", PASSWORD).await;
        let get = async |path: &str| {
            let r = env.request(Method::GET, path, &sess.headers(), None).await;
            assert_eq!(r.status, StatusCode::OK, "{path}");
            r.text()
        };
        let page = get(&format!("/maturity-reports/{oct}")).await;
        assert!(page.contains("id=\"agenda\"") && page.contains("告警規則下月底前擴充至 20 條") && page.contains("風險與問題討論") && page.contains("id=\"meeting-form\""), "{page}");
        let page = get(&format!("/maturity-reports/{nov}")).await;
        assert!(page.contains("id=\"carried\"") && page.contains("新增 5 條橫向移動告警規則"), "{page}");
        assert!(page.contains("id=\"meeting-none\"") && !page.contains("id=\"meeting-form\""), "November's is a draft: {page}");
        let mut h = sess.headers();
        h.push(("content-type", "application/x-www-form-urlencoded"));
        let mut fields = vec![("_csrf", sess.csrf.as_str()), ("meeting_on", "2026-10-29"), ("chair", "資安長"), ("attendees", "資安長、資訊室主任")];
        let notes: Vec<(String, String)> = ["layers", "okr", "risks", "next_month", "resources"].iter().map(|i| (format!("minutes.{i}"), format!("{i} 洽悉"))).collect();
        fields.extend(notes.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        // the first row kept, a blank row skipped, a third added
        fields.extend([("decision.r0", "告警規則下月底前擴充至 20 條"), ("owner.r0", "資訊室 SOC 組"), ("due_on.r0", "2026-11-30"), ("decision.r1", ""), ("owner.r1", ""), ("due_on.r1", ""), ("decision.r2", "文件同步至文件系統"), ("owner.r2", "資安專責人員"), ("due_on.r2", "2026-12-15")]);
        let r = env.request(Method::POST, &format!("/maturity-reports/{oct}/meeting"), &h, Some(form(&fields))).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        let m = env.api(Method::GET, &one, &officer, None).await.json()["report"]["meeting"].clone();
        assert_eq!((m["chair"].as_str(), m["resolutions"].as_array().map(Vec::len), m["resolutions"][1]["owner"].as_str()), (Some("資安長"), Some(2), Some("資安專責人員")), "{m}");

        // printed: the meeting, its resolutions and action items
        let r = env.api(Method::GET, &format!("{one}/documents/maturity-report?format=pdf"), &officer, None).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let dir = std::env::temp_dir().join(format!("zian-maturity-meeting-{}-{}", std::process::id(), oct));
        std::fs::create_dir_all(&dir).expect("dir");
        let path = dir.join("report.pdf");
        std::fs::write(&path, &r.body).expect("write");
        let text = zian_testkit::office::pdf_text(&path);
        for want in ["月度檢討會議記錄", "會議議程", "決議事項", "行動項目", "資訊室主任", "文件同步", "逾期未完成"] {
            assert!(text.contains(want), "{want} in {text}");
        }
    }
}
