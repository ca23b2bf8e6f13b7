//! Management review on every backend: a meeting scheduled with its
//! agenda's facts gathered from the records, the minutes refused as final
//! until every topic of the template is discussed, frozen once held, its
//! action items tracked as corrective actions and listed by the next
//! review as prior actions, the facts starting after the review held.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use zian_testkit::http::form;
use zian_testkit::{PASSWORD, backend_tests};

const TOPICS: [&str; 12] = [
    "prior_actions",
    "changes",
    "plan_adequacy",
    "objectives",
    "resources",
    "controls",
    "audit_results",
    "nonconformities",
    "risk",
    "incidents",
    "stakeholders",
    "improvement",
];

fn field(r: &zian_testkit::Resp) -> Option<String> {
    r.json()["error"]["field"].as_str().map(str::to_string)
}

/// The facts' keys of a topic.
fn keys(review: &Value, topic: &str) -> Vec<String> {
    review["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|i| i["topic"] == topic)
        .expect("topic")["facts"]
        .as_array()
        .expect("facts")
        .iter()
        .map(|f| f["key"].as_str().unwrap_or("").to_string())
        .collect()
}

fn items(topics: &[&str]) -> Value {
    Value::Array(
        topics
            .iter()
            .map(|t| json!({"topic": t, "notes": "", "discussion": format!("{t}：經討論，同意照案辦理。")}))
            .collect(),
    )
}

backend_tests! {
    async fn a_review_gathers_its_facts_is_held_once_complete_and_feeds_the_next(env: TestEnv) {
        let officer = env.token_for("officer.police").await;
        let pol = env.org("PIF-POL").await;
        let today = zian_domain::day::ymd(env.app.today());
        let list = format!("/api/v1/orgs/{pol}/management-reviews");
        let r = env.api(Method::GET, &list, &officer, None).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        assert_eq!((r.json()["due"].as_bool(), r.json()["reviews"].as_array().map(Vec::len)), (Some(true), Some(0)));
        // a bad day is refused by its field
        let r = env.api(Method::POST, &list, &officer, Some(json!({"title": "115年度管理審查", "scheduled_on": "115/12/01"}))).await;
        assert_eq!((r.status, field(&r).as_deref()), (StatusCode::UNPROCESSABLE_ENTITY, Some("scheduled_on")), "{}", r.text());
        let r = env.api(Method::POST, &list, &officer, Some(json!({"title": "115年度第1次資通安全管理審查會議", "scheduled_on": today, "place": "第一會議室", "chair": "資安長"}))).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let first = r.json();
        let id = first["id"].as_str().expect("id").to_string();
        assert_eq!(first["status"], "planned");
        let topics: Vec<&str> = first["items"].as_array().expect("items").iter().map(|i| i["topic"].as_str().unwrap_or("")).collect();
        assert_eq!(topics, TOPICS);
        assert_eq!(keys(&first, "prior_actions"), vec!["management_review.fact.no_prior_actions"]);
        assert!(keys(&first, "controls").contains(&"management_review.fact.obligations".to_string()), "{first}");
        assert!(keys(&first, "nonconformities").contains(&"management_review.fact.corrective".to_string()), "{first}");
        assert!(keys(&first, "incidents").contains(&"management_review.fact.incidents".to_string()), "{first}");
        // the facts start a year before the meeting when none was held
        let year_ago = zian_domain::management_review::since(&[], env.app.today());
        assert_eq!(first["since"], json!(zian_domain::day::ymd(year_ago)));
        // not final until attendees and every topic's discussion are there
        let missing: Vec<&str> = first["missing"].as_array().expect("missing").iter().filter_map(Value::as_str).collect();
        assert!(missing.contains(&"attendees") && missing.contains(&"discussion.risk") && !missing.contains(&"chair"), "{missing:?}");
        let one = format!("/api/v1/management-reviews/{id}");
        // an action item decided at the meeting
        let r = env.api(Method::POST, "/api/v1/corrective-actions", &officer, Some(json!({"source": "management_review", "source_id": id, "title": "增購端點偵測及應變機制授權", "owner": "資訊室", "due_on": today}))).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let action = r.json()["id"].as_str().expect("action").to_string();
        assert_eq!(r.json()["source_link"], json!(format!("/management-reviews/{id}")));
        let r = env.api(Method::PUT, &format!("{one}/minutes"), &officer, Some(json!({"attendees": "王大明\n林小華\n\n", "decisions": "通過資通安全維護計畫修正\n增購端點偵測授權", "items": items(&TOPICS[..11])}))).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        assert_eq!(r.json()["attendees"], json!(["王大明", "林小華"]));
        let r = env.api(Method::POST, &format!("{one}/held"), &officer, Some(json!({}))).await;
        assert_eq!((r.status, field(&r).as_deref()), (StatusCode::UNPROCESSABLE_ENTITY, Some("discussion.improvement")), "{}", r.text());
        let r = env.api(Method::PUT, &format!("{one}/minutes"), &officer, Some(json!({"topic": "x"}))).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
        let r = env.api(Method::PUT, &format!("{one}/minutes"), &officer, Some(json!({"attendees": "王大明\n林小華", "decisions": "通過資通安全維護計畫修正", "items": [{"topic": "improvement", "discussion": "導入自動化弱點修補"}, {"topic": "nope"}]}))).await;
        assert_eq!((r.status, field(&r).as_deref()), (StatusCode::UNPROCESSABLE_ENTITY, Some("topic")), "{}", r.text());
        let r = env.api(Method::PUT, &format!("{one}/minutes"), &officer, Some(json!({"attendees": "王大明\n林小華", "decisions": "通過資通安全維護計畫修正", "items": [{"topic": "improvement", "notes": "同仁建議", "discussion": "導入自動化弱點修補"}]}))).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        // the earlier topics kept their discussion
        assert_eq!(r.json()["items"][0]["discussion"], json!("prior_actions：經討論，同意照案辦理。"));
        let r = env.api(Method::POST, &format!("{one}/held"), &officer, Some(json!({"held_on": "2999-01-01"}))).await;
        assert_eq!((r.status, field(&r).as_deref()), (StatusCode::UNPROCESSABLE_ENTITY, Some("held_on")), "{}", r.text());
        let r = env.api(Method::POST, &format!("{one}/held"), &officer, Some(json!({}))).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        assert_eq!((r.json()["status"].as_str(), r.json()["held_on"].as_str()), (Some("held"), Some(today.as_str())));
        // final: nothing changes any more
        let r = env.api(Method::PUT, &format!("{one}/minutes"), &officer, Some(json!({"attendees": "某人"}))).await;
        assert_eq!((r.status, field(&r).as_deref()), (StatusCode::UNPROCESSABLE_ENTITY, Some("held_on")), "{}", r.text());
        let r = env.api(Method::POST, &format!("{one}/gather"), &officer, None).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
        let r = env.api(Method::GET, &one, &officer, None).await;
        assert_eq!(r.json()["actions"][0]["id"], json!(action), "{}", r.text());
        assert_eq!(r.json()["review"]["attendees"], json!(["王大明", "林小華"]));
        let r = env.api(Method::GET, &list, &officer, None).await;
        assert_eq!((r.json()["due"].as_bool(), r.json()["last_held"].as_str()), (Some(false), Some(today.as_str())), "{}", r.text());
        // the next review lists the open action item and starts after the one held
        let next = zian_domain::day::ymd(env.app.today().next_day().expect("tomorrow"));
        let r = env.api(Method::POST, &list, &officer, Some(json!({"title": "115年度第2次資通安全管理審查會議", "scheduled_on": next}))).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let second = r.json();
        let id2 = second["id"].as_str().expect("id").to_string();
        assert_eq!(second["since"], json!(today));
        assert_eq!(keys(&second, "prior_actions"), vec!["management_review.fact.action_open"]);
        let fact = &second["items"][0]["facts"][0];
        assert_eq!((fact["args"]["title"].as_str(), fact["link"].as_str()), (Some("增購端點偵測及應變機制授權"), Some(format!("/management-reviews/{id}").as_str())), "{fact}");
        // done, it is reported done when gathered again
        let r = env.api(Method::POST, &format!("/api/v1/corrective-actions/{action}/done"), &officer, Some(json!({"result": "已完成採購"}))).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let r = env.api(Method::POST, &format!("/api/v1/management-reviews/{id2}/gather"), &officer, None).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        assert_eq!(keys(&r.json(), "prior_actions"), vec!["management_review.fact.action_done"]);
        // the minutes printed with each topic's discussion, the decisions and the action's state
        let (_, doc) = env.app.record_report(&env.principal("officer.police").await, zian_app::documents::Subject::ManagementReview, &id, "management-review-minutes").await.expect("minutes");
        let text = doc.texts().join("\n");
        assert!(text.contains("資通安全管理審查會議紀錄") && text.contains("導入自動化弱點修補") && text.contains("通過資通安全維護計畫修正") && text.contains("增購端點偵測及應變機制授權") && text.contains("已完成"), "{text}");
        let r = env.api(Method::GET, &format!("{one}/documents/management-review-minutes?format=odt"), &officer, None).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        // outsiders see nothing of it
        let other = env.token_for("officer.penghu").await;
        assert_eq!(env.api(Method::GET, &format!("{one}/documents/management-review-minutes?format=odt"), &other, None).await.status, StatusCode::NOT_FOUND);
        assert_eq!(env.api(Method::GET, &one, &other, None).await.status, StatusCode::NOT_FOUND);
        let r = env.api(Method::PUT, &format!("{one}/minutes"), &other, Some(json!({}))).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text());
    }

    async fn the_pages_schedule_write_and_hold_a_review(env: TestEnv) {
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
        let page = env.request(Method::GET, &format!("/orgs/{pol}/management-reviews"), &s.headers(), None).await.text();
        assert!(page.contains("id=\"review-form\"") && page.contains("id=\"nav-management-review\"") && page.contains("id=\"review-due\""), "{page}");
        let (to, page) = post(&format!("/orgs/{pol}/management-reviews"), &[("title", "115年度管理審查會議"), ("scheduled_on", &today), ("place", "第一會議室"), ("chair", "局長")]).await;
        assert!(page.contains("已排定管理審查會議") && page.contains("過往管理審查議案之處理狀態") && page.contains("上次管理審查無待辦事項") && page.contains("id=\"minutes-form\""), "{page}");
        let path = to.split('?').next().expect("path").to_string();
        let mut fields: Vec<(String, String)> = vec![("chair".into(), "局長".into()), ("place".into(), "第一會議室".into()), ("attendees".into(), "局長\n資安長\n資訊室主任".into()), ("decisions".into(), "續辦社交工程演練".into())];
        for t in TOPICS {
            fields.push((format!("notes.{t}"), String::new()));
            fields.push((format!("discussion.{t}"), format!("{t} 報告，洽悉。")));
        }
        let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let (_, page) = post(&format!("{path}/minutes"), &pairs).await;
        assert!(page.contains("已儲存會議紀錄") && page.contains("risk 報告，洽悉。"), "{page}");
        let mut held = pairs.clone();
        held.push(("held_on", &today));
        let (_, page) = post(&format!("{path}/held"), &held).await;
        assert!(page.contains("會議紀錄已定稿") && page.contains("data-status=\"held\"") && !page.contains("id=\"minutes-form\"") && page.contains("續辦社交工程演練"), "{page}");
        let list = env.request(Method::GET, &format!("/orgs/{pol}/management-reviews"), &s.headers(), None).await.text();
        assert!(!list.contains("id=\"review-due\"") && list.contains("data-status=\"held\""), "{list}");
    }

    async fn the_demo_holds_one_review_and_prepares_the_next(env: TestEnv) {
        env.app.seed_demo_management_review().await.expect("demo reviews");
        env.app.seed_demo_management_review().await.expect("seeded once only");
        let officer = env.token_for("officer.police").await;
        let pol = env.org("PIF-POL").await;
        let r = env.api(Method::GET, &format!("/api/v1/orgs/{pol}/management-reviews"), &officer, None).await;
        let reviews = r.json()["reviews"].as_array().expect("reviews").clone();
        let status: Vec<&str> = reviews.iter().filter_map(|r| r["status"].as_str()).collect();
        assert_eq!(status, vec!["planned", "held"], "{}", r.text());
        assert_eq!(r.json()["due"], json!(false));
        // the next meeting lists last meeting's items: one done, one overdue
        let mut prior = keys(&reviews[0], "prior_actions");
        prior.sort();
        assert_eq!(prior, vec!["management_review.fact.action_done", "management_review.fact.action_overdue"], "{}", reviews[0]);
        assert!(reviews[1]["missing"].as_array().is_some_and(Vec::is_empty));
    }
}
