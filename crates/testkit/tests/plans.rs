//! The maintenance plan (資通安全維護計畫) on every backend: a first draft from
//! the official template, the pre-submission review, editing chapter by
//! chapter, submission freezing the live register summaries, approval by the
//! CISO only, the yearly review date, revision with a diff, KPI-linked
//! objectives, the supervisors' roll-up, and the pages.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use zian_domain::OrgScope;
use zian_storage::AuditStore;
use zian_testkit::{Resp, TestEnv, backend_tests};

async fn call(env: &TestEnv, method: Method, path: &str, token: &str, body: Option<Value>) -> Resp {
    env.api(method, path, token, body).await
}

fn ok(r: &Resp, what: &str) -> Value {
    assert!(r.status.is_success(), "{what}: {} {}", r.status, r.text());
    r.json()
}

fn problems(r: &Resp) -> Vec<(String, String)> {
    r.json()["error"]["problems"]
        .as_array()
        .expect("problems")
        .iter()
        .map(|p| {
            (
                p["path"].as_str().expect("path").to_string(),
                p["message"].as_str().expect("message").to_string(),
            )
        })
        .collect()
}

/// The caller's notices as (event, title, link).
async fn inbox(env: &TestEnv, token: &str) -> Vec<(String, String, String)> {
    let r = call(env, Method::GET, "/api/v1/inbox", token, None).await;
    ok(&r, "inbox")["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|n| {
            let f = |k: &str| n[k].as_str().expect("text").to_string();
            (f("event"), f("title"), f("link"))
        })
        .collect()
}

/// Fills what the template leaves to the agency.
async fn complete_the_draft(env: &TestEnv, token: &str, id: &str) {
    let r = call(
        env,
        Method::PUT,
        &format!("/api/v1/plans/{id}/chapters/organisation"),
        token,
        Some(json!({
            "ciso_name": "陳建宏",
            "ciso_title": "副局長",
            "groups": [{"name": "策略規劃組", "duties": ["資通安全政策及目標之研議。"]},
                       {"name": "資安防護組", "duties": ["資通安全事件之通報及應變機制之執行。"]}],
            "members": [{"name": "林意順", "unit_title": "資訊室主任", "group": "資安防護組", "extension": "417", "deputy": "邱榮輝"}],
            "roster_date": "2026-11-01"
        })),
    )
    .await;
    ok(&r, "organisation chapter");
    let r = call(
        env,
        Method::PUT,
        &format!("/api/v1/plans/{id}/chapters/business"),
        token,
        Some(json!({
            "core": [{"name": "刑案資訊處理", "systems": ["刑案資訊系統"], "level_ab_business": true,
                      "impact_legal": "依個人資料保護法應善盡個人資料保護責任", "mtd_hours": 4}],
            "non_core": [{"name": "差勤服務", "mtd_hours": 24}, {"name": "郵件服務", "mtd_hours": 8}]
        })),
    )
    .await;
    ok(&r, "business chapter");
    for (ch, body) in [
        ("report", json!({"month": 10, "recipient": "屏東縣政府"})),
        (
            "risk",
            json!({"method": "詳細風險評鑑", "core_systems": [{"name": "刑案資訊系統", "assets": ["應用伺服器 2 台", "資料庫伺服器 1 台"], "mtd_hours": 4, "function": "刑案資料查詢"}]}),
        ),
        (
            "staffing",
            json!({"staff": [{"name": "王資安", "duty": "資通安全管理面業務", "full_time": true, "professional_certificates": 1, "functional_certificates": 1}]}),
        ),
    ] {
        let r = call(
            env,
            Method::PUT,
            &format!("/api/v1/plans/{id}/chapters/{ch}"),
            token,
            Some(body),
        )
        .await;
        ok(&r, ch);
    }
}

backend_tests! {
    async fn draft_review_submit_approve_revise_and_diff(env: TestEnv) {
        let officer = env.token_for("officer.police").await;
        let ciso = env.token_for("ciso.police").await;
        let pol = env.org("PIF-POL").await;

        // no version yet
        let o = ok(&call(&env, Method::GET, &format!("/api/v1/orgs/{pol}/plans"), &officer, None).await, "overview");
        assert_eq!(o["versions"], json!([]));
        assert_eq!(o["review_status"], "none");

        // the first version starts from the official template
        let r = call(&env, Method::POST, &format!("/api/v1/orgs/{pol}/plans"), &officer, Some(json!({"change_note": "初版"}))).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let v1 = r.json();
        let id1 = v1["id"].as_str().unwrap().to_string();
        assert_eq!(v1["version"], 1);
        assert_eq!(v1["status"], "draft");
        assert!(v1["can_edit"].as_bool().unwrap());
        assert_eq!(v1["content"]["scope"]["text"], "本計畫適用範圍涵蓋屏東縣政府警察局全機關。");
        assert_eq!(v1["content"]["policy"]["statements"].as_array().unwrap().len(), 7);
        // a B-level public agency: two dedicated staff, yearly internal audit
        let req = v1["requirements"].as_array().unwrap();
        let staff = req.iter().find(|r| r["item"] == "security-staff").expect("staff requirement");
        assert_eq!(staff["required"], 2.0);
        assert_eq!(staff["met"], false);
        assert!(req.iter().any(|r| r["item"] == "internal-audit" && r["required"] == 1.0 && r["met"] == true));

        // a second open version is refused
        let r = call(&env, Method::POST, &format!("/api/v1/orgs/{pol}/plans"), &officer, Some(json!({}))).await;
        assert_eq!(r.status, StatusCode::CONFLICT);

        // submitting the bare template is refused with every blocking finding
        let r = call(&env, Method::POST, &format!("/api/v1/plans/{id1}/submit"), &officer, None).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
        assert_eq!(r.json()["error"]["code"], "plan.incomplete");
        let p = problems(&r);
        assert!(p.iter().any(|(path, m)| path == "organisation" && m.contains("資通安全長")), "{p:?}");
        assert!(p.iter().any(|(path, _)| path == "report"), "{p:?}");
        assert_eq!(p.iter().filter(|(path, m)| path == "business" && m.contains("最大可容忍中斷時間")).count(), 3, "{p:?}");

        // bad content: every problem, with its place; nothing saved
        let r = call(
            &env,
            Method::PUT,
            &format!("/api/v1/plans/{id1}/chapters/business"),
            &officer,
            Some(json!({"core": [{"name": "戶政", "mtd_hours": -1}, {"name": "戶政"}], "oops": 1})),
        )
        .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let paths: Vec<String> = problems(&r).into_iter().map(|p| p.0).collect();
        assert_eq!(paths, vec!["business.oops", "business.core[0].mtd_hours", "business.core[1].name"]);
        let still = ok(&call(&env, Method::GET, &format!("/api/v1/plans/{id1}"), &officer, None).await, "get");
        assert_eq!(still["content"]["business"]["core"], json!([]));
        let r = call(&env, Method::PUT, &format!("/api/v1/plans/{id1}/chapters/nonsense"), &officer, Some(json!({}))).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);

        complete_the_draft(&env, &officer, &id1).await;
        // a KPI measurement for a linked objective, and a system in the register
        let r = call(&env, Method::POST, &format!("/api/v1/orgs/{pol}/kpis"), &officer,
            Some(json!({"kpi": "phishing_open_rate", "period_end": "2026-09-30", "value": 3.2, "note": "第 3 季演練"}))).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let r = call(&env, Method::POST, &format!("/api/v1/orgs/{pol}/kpis"), &officer,
            Some(json!({"kpi": "uptime", "period_end": "2026-09-30", "value": 1}))).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let r = call(&env, Method::POST, &format!("/api/v1/orgs/{pol}/systems"), &officer,
            Some(json!({"name": "刑案資訊系統", "owner": "資訊室", "description": "核心系統"}))).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());

        let view = ok(&call(&env, Method::GET, &format!("/api/v1/plans/{id1}"), &officer, None).await, "view");
        assert!(view["findings"].as_array().unwrap().iter().all(|f| f["severity"] != "blocking"), "{}", view["findings"]);
        assert_eq!(view["live_is_frozen"], false);
        let obj = view["live"]["objectives"].as_array().unwrap();
        // the phishing objective reads the latest social-engineering round
        // (the demo's: 17 of 425 opened), not the hand-typed measurement
        let open_rate = obj.iter().find(|o| o["kpi"] == "phishing_open_rate").unwrap();
        assert_eq!(open_rate["measured"], 4.0, "{open_rate}");
        assert_eq!(open_rate["met"], true);
        assert!(open_rate["source"].as_str().unwrap_or("").starts_with("社交工程演練"), "{open_rate}");
        assert!(obj.iter().find(|o| o["kpi"] == "core_system_availability").unwrap()["met"].is_null());
        assert_eq!(view["live"]["inventory"][0]["name"], "刑案資訊系統");

        // the officer submits; the summaries freeze; the draft is locked
        let s = ok(&call(&env, Method::POST, &format!("/api/v1/plans/{id1}/submit"), &officer, None).await, "submit");
        assert_eq!(s["status"], "submitted");
        assert_eq!(s["live_is_frozen"], true);
        assert_eq!(s["can_edit"], false);
        let r = call(&env, Method::PUT, &format!("/api/v1/plans/{id1}/chapters/report"), &officer, Some(json!({"month": 11}))).await;
        assert_eq!(r.status, StatusCode::CONFLICT);
        let r = call(&env, Method::POST, &format!("/api/v1/orgs/{pol}/systems"), &officer,
            Some(json!({"name": "新增系統", "owner": "資訊室", "description": ""}))).await;
        assert_eq!(r.status, StatusCode::CREATED);
        let s = ok(&call(&env, Method::GET, &format!("/api/v1/plans/{id1}"), &officer, None).await, "view");
        assert_eq!(s["live"]["inventory"].as_array().unwrap().len(), 1, "frozen at submission");

        // only the CISO approves; an approval date in the future is refused
        let r = call(&env, Method::POST, &format!("/api/v1/plans/{id1}/approve"), &officer, Some(json!({}))).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text());
        let r = call(&env, Method::POST, &format!("/api/v1/plans/{id1}/approve"), &ciso, Some(json!({"approved_on": "2026-12-01"}))).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        // returned with a reason, resubmitted, approved
        let r = ok(&call(&env, Method::POST, &format!("/api/v1/plans/{id1}/return"), &ciso, Some(json!({"reason": "請補列資安防護組成員"}))).await, "return");
        assert_eq!(r["status"], "draft");
        assert_eq!(r["return_reason"], "請補列資安防護組成員");
        ok(&call(&env, Method::POST, &format!("/api/v1/plans/{id1}/submit"), &officer, None).await, "resubmit");
        // not before it was submitted (today)
        let r = call(&env, Method::POST, &format!("/api/v1/plans/{id1}/approve"), &ciso, Some(json!({"approved_on": "2026-11-20"}))).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let a = ok(&call(&env, Method::POST, &format!("/api/v1/plans/{id1}/approve"), &ciso, Some(json!({"approved_on": "2026-11-21"}))).await, "approve");
        assert_eq!(a["status"], "approved");
        assert_eq!(a["approved_on"], "2026-11-21");
        assert_eq!(a["approver_name"], "警察局資通安全長 陳建宏");
        assert_eq!(a["review_due"], "2027-11-21");
        // each step told the people concerned in their inbox, linked to the plan
        let to_ciso = inbox(&env, &ciso).await;
        assert_eq!(to_ciso.iter().filter(|n| n.0 == "plan.submitted").count(), 2, "{to_ciso:?}");
        // (the officer's activation of a continuity plan in the demo told
        // the CISO too)
        assert!(to_ciso.iter().filter(|n| n.0.starts_with("plan.")).all(|n| n.2 == format!("/plans/{id1}")), "{to_ciso:?}");
        let submitted = to_ciso.iter().find(|n| n.0 == "plan.submitted").unwrap();
        assert!(submitted.1.contains("屏東縣政府警察局") && submitted.1.contains("請審核"), "{to_ciso:?}");
        let to_officer = inbox(&env, &officer).await;
        let mut events: Vec<&str> = to_officer.iter().map(|n| n.0.as_str()).collect();
        events.sort_unstable();
        assert_eq!(events, vec!["plan.approved", "plan.returned"], "{to_officer:?}");
        let o = ok(&call(&env, Method::GET, &format!("/api/v1/orgs/{pol}/plans"), &officer, None).await, "overview");
        assert_eq!(o["approved_id"], json!(id1));
        assert_eq!(o["review_status"], "ok");

        // version 2 starts as a copy; a change shows in the diff
        let v2 = call(&env, Method::POST, &format!("/api/v1/orgs/{pol}/plans"), &officer, Some(json!({"change_note": "年度檢討"}))).await;
        assert_eq!(v2.status, StatusCode::CREATED);
        let v2 = v2.json();
        let id2 = v2["id"].as_str().unwrap().to_string();
        assert_eq!(v2["version"], 2);
        assert_eq!(v2["based_on"], json!(id1));
        assert_eq!(v2["content"]["organisation"]["ciso_name"], "陳建宏");
        let mut business = v2["content"]["business"].clone();
        business["core"][0]["mtd_hours"] = json!(2);
        business["non_core"].as_array_mut().unwrap().push(json!({"name": "公文交換", "mtd_hours": 12}));
        ok(&call(&env, Method::PUT, &format!("/api/v1/plans/{id2}/chapters/business"), &officer, Some(business)).await, "edit v2");
        let d = ok(&call(&env, Method::GET, &format!("/api/v1/plans/{id2}/diff"), &officer, None).await, "diff");
        assert_eq!(d["against_id"], json!(id1));
        let changes = d["changes"].as_array().unwrap();
        assert_eq!(changes.len(), 2, "{changes:#?}");
        assert!(changes.iter().any(|c| c["kind"] == "changed" && c["location"] == "核心業務及重要性 › 刑案資訊處理 › 最大可容忍中斷時間（小時）" && c["before"] == 4 && c["after"] == 2));
        assert!(changes.iter().any(|c| c["kind"] == "added" && c["after"]["name"] == "公文交換"));

        // approving version 2 supersedes version 1
        ok(&call(&env, Method::POST, &format!("/api/v1/plans/{id2}/submit"), &officer, None).await, "submit v2");
        ok(&call(&env, Method::POST, &format!("/api/v1/plans/{id2}/approve"), &ciso, Some(json!({}))).await, "approve v2");
        let o = ok(&call(&env, Method::GET, &format!("/api/v1/orgs/{pol}/plans"), &officer, None).await, "overview");
        let statuses: Vec<&str> = o["versions"].as_array().unwrap().iter().map(|v| v["status"].as_str().unwrap()).collect();
        assert_eq!(statuses, vec!["approved", "superseded"]);
        assert_eq!(o["review_due"], "2027-11-21");

        // the supervisor's roll-up: the police bureau approved, others never
        let sup = env.token_for("supervisor.khh").await;
        let roll = ok(&call(&env, Method::GET, "/api/v1/plans", &sup, None).await, "rollup");
        let rows = roll.as_array().unwrap();
        let police = rows.iter().find(|r| r["org_id"] == json!(pol)).expect("police in roll-up");
        assert_eq!(police["approved_version"], 2);
        assert_eq!(police["review_status"], "ok");
        assert!(rows.iter().filter(|r| r["org_id"] != json!(pol)).all(|r| r["review_status"] == "none"));
        // the audit trail has the whole story
        let audit = env.store.chain(&OrgScope::system_wide(), 0, 10_000).await.unwrap();
        let actions: Vec<&str> = audit.iter().map(|e| e.action.as_str()).filter(|a| a.starts_with("plan.")).collect();
        assert_eq!(
            actions,
            vec!["plan.created", "plan.updated", "plan.updated", "plan.updated", "plan.updated", "plan.updated",
                 "plan.submitted", "plan.returned", "plan.submitted", "plan.approved",
                 "plan.created", "plan.updated", "plan.submitted", "plan.approved"]
        );
    }

    async fn content_can_be_imported_and_outsiders_see_nothing(env: TestEnv) {
        let officer = env.token_for("officer.health").await;
        let hlt = env.org("PIF-HLT").await;
        let schema = ok(
            &call(&env, Method::GET, "/api/v1/plan-schema", &officer, None).await,
            "schema",
        );
        assert_eq!(schema["chapters"].as_array().unwrap().len(), 17);
        assert_eq!(schema["chapters"][2]["fields"][0]["kind"], "table");
        // import: a whole document in one call; wrong types are refused
        let r = call(
            &env,
            Method::POST,
            &format!("/api/v1/orgs/{hlt}/plans"),
            &officer,
            Some(json!({"content": {"scope": {"text": 3}}})),
        )
        .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(problems(&r)[0].0, "scope.text");
        let r = call(
            &env,
            Method::POST,
            &format!("/api/v1/orgs/{hlt}/plans"),
            &officer,
            Some(json!({"content": {"scope": {"text": "本局全機關"}, "report": {"month": 3}}})),
        )
        .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let id = r.json()["id"].as_str().unwrap().to_string();
        // the health bureau has no CISO of its own; the police CISO is outside
        let other_ciso = env.token_for("ciso.police").await;
        for (m, path, body) in [
            (Method::GET, format!("/api/v1/plans/{id}"), None),
            (Method::GET, format!("/api/v1/plans/{id}/diff"), None),
            (
                Method::PUT,
                format!("/api/v1/plans/{id}/chapters/scope"),
                Some(json!({"text": "x"})),
            ),
            (
                Method::POST,
                format!("/api/v1/plans/{id}/approve"),
                Some(json!({})),
            ),
            (Method::GET, format!("/api/v1/orgs/{hlt}/kpis"), None),
        ] {
            let r = call(&env, m.clone(), &path, &other_ciso, body).await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{m} {path}: {}", r.text());
        }
        let roll = ok(
            &call(&env, Method::GET, "/api/v1/plans", &other_ciso, None).await,
            "rollup",
        );
        assert!(
            roll.as_array()
                .unwrap()
                .iter()
                .all(|r| r["org_id"] != json!(hlt))
        );
    }

    async fn chapter_form_keeps_what_was_typed_and_names_each_problem(env: TestEnv) {
        let officer = env.token_for("officer.police").await;
        let pol = env.org("PIF-POL").await;
        let r = call(&env, Method::POST, &format!("/api/v1/orgs/{pol}/plans"), &officer, Some(json!({}))).await;
        let id = r.json()["id"].as_str().unwrap().to_string();
        let s = env.login("officer.police", zian_testkit::PASSWORD).await;
        let page = env.request(Method::GET, &format!("/plans/{id}/chapters/business"), &[("cookie", s.cookie.as_str())], None).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.text().contains("t.non_core.0.name"));
        // a bad number: 422, the typed text comes back, the problem is named
        let form = format!(
            "_csrf={}&t.core.0.name=%E6%88%B6%E6%94%BF&t.core.0.mtd_hours=%E5%9B%9B&t.non_core.0.name=%E9%83%B5%E4%BB%B6&t.non_core.0.mtd_hours=8",
            s.csrf
        );
        let r = env
            .request(Method::POST, &format!("/plans/{id}/chapters/business"),
                &[("cookie", s.cookie.as_str()), ("content-type", "application/x-www-form-urlencoded")],
                Some(form.into_bytes()))
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
        let html = r.text();
        assert!(html.contains("核心業務及重要性 › 核心業務及重要性 › 第 1 列 › 最大可容忍中斷時間（小時）"), "{html}");
        assert!(html.contains("value=\"四\""));
        // corrected: saved, and the plan page shows it
        let form = format!(
            "_csrf={}&t.core.0.name=%E6%88%B6%E6%94%BF&t.core.0.mtd_hours=4&t.non_core.0.name=%E9%83%B5%E4%BB%B6&t.non_core.0.mtd_hours=8",
            s.csrf
        );
        let r = env
            .request(Method::POST, &format!("/plans/{id}/chapters/business"),
                &[("cookie", s.cookie.as_str()), ("content-type", "application/x-www-form-urlencoded")],
                Some(form.into_bytes()))
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        let v = ok(&call(&env, Method::GET, &format!("/api/v1/plans/{id}"), &officer, None).await, "view");
        assert_eq!(v["content"]["business"]["core"][0]["name"], "戶政");
        assert_eq!(v["content"]["business"]["core"][0]["mtd_hours"], 4);
        let show = env.request(Method::GET, &format!("/plans/{id}"), &[("cookie", s.cookie.as_str())], None).await;
        assert_eq!(show.status, StatusCode::OK);
        let html = show.text();
        assert!(html.contains("拾柒、相關法規、程序及表單"));
        assert!(html.contains("戶政"));
        assert!(html.contains("資通安全長"), "blocking finding about the CISO is listed");
    }

    async fn obligations_complete_themselves_from_gradings_and_the_approved_plan(env: TestEnv) {
        let officer = env.token_for("officer.police").await;
        let ciso = env.token_for("ciso.police").await;
        let pol = env.org("PIF-POL").await;
        let obligation = |obs: &Value, item: &str| -> Value {
            obs["obligations"]
                .as_array()
                .unwrap()
                .iter()
                .find(|o| o["id"].as_str().unwrap().ends_with(item))
                .unwrap_or_else(|| panic!("no {item}"))
                .clone()
        };
        let obs = ok(&call(&env, Method::GET, &format!("/api/v1/orgs/{pol}/obligations"), &officer, None).await, "obligations");
        let grading = obligation(&obs, ".system-grading");
        assert_eq!(grading["status"], "overdue", "{grading}");
        let due = grading["due"].as_str().unwrap().to_string();
        assert_eq!(obligation(&obs, ".security-staff")["status"], "overdue");

        // two systems; grading only one proves nothing
        let mut ids = Vec::new();
        for name in ["刑案資訊系統", "報案平台"] {
            let r = call(&env, Method::POST, &format!("/api/v1/orgs/{pol}/systems"), &officer,
                Some(json!({"name": name, "owner": "資訊室", "description": ""}))).await;
            ids.push(r.json()["id"].as_str().unwrap().to_string());
        }
        let q = ok(&call(&env, Method::GET, "/api/v1/grading/questionnaire", &officer, None).await, "questionnaire");
        let answers: serde_json::Map<String, Value> = q
            .as_array()
            .unwrap()
            .iter()
            .map(|x| (x["id"].as_str().unwrap().to_string(), x["options"][0]["id"].clone()))
            .collect();
        let grade = |id: String| {
            let answers = answers.clone();
            let due = due.clone();
            let env = &env;
            let officer = officer.clone();
            async move {
                let r = call(env, Method::POST, &format!("/api/v1/systems/{id}/grading"), &officer,
                    Some(json!({"answers": answers, "assessor": "資訊室", "approver": "局長", "assessed_on": due}))).await;
                assert!(r.status.is_success(), "{}", r.text());
            }
        };
        grade(ids[0].clone()).await;
        let obs = ok(&call(&env, Method::GET, &format!("/api/v1/orgs/{pol}/obligations"), &officer, None).await, "obligations");
        assert_eq!(obligation(&obs, ".system-grading")["status"], "overdue");
        grade(ids[1].clone()).await;
        let obs = ok(&call(&env, Method::GET, &format!("/api/v1/orgs/{pol}/obligations"), &officer, None).await, "obligations");
        let g = obligation(&obs, ".system-grading");
        assert_ne!(g["status"], "overdue", "{g}");
        let auto = g["completions"].as_array().unwrap().iter().find(|c| c["due_date"] == json!(due)).expect("derived completion");
        assert_eq!(auto["evidence_link"], json!(format!("/orgs/{pol}/systems")));
        assert!(auto["note"].as_str().unwrap().contains("2 個系統"));

        // an approved plan listing two full-time staff proves the B level's staffing
        let r = call(&env, Method::POST, &format!("/api/v1/orgs/{pol}/plans"), &officer, Some(json!({}))).await;
        let id = r.json()["id"].as_str().unwrap().to_string();
        complete_the_draft(&env, &officer, &id).await;
        let r = call(&env, Method::PUT, &format!("/api/v1/plans/{id}/chapters/staffing"), &officer, Some(json!({"staff": [
            {"name": "王資安", "full_time": true}, {"name": "李資安", "full_time": true}, {"name": "兼辦人員", "full_time": false}
        ]}))).await;
        ok(&r, "staffing");
        ok(&call(&env, Method::POST, &format!("/api/v1/plans/{id}/submit"), &officer, None).await, "submit");
        let obs = ok(&call(&env, Method::GET, &format!("/api/v1/orgs/{pol}/obligations"), &officer, None).await, "obligations");
        assert_eq!(obligation(&obs, ".security-staff")["status"], "overdue", "a submitted plan proves nothing yet");
        ok(&call(&env, Method::POST, &format!("/api/v1/plans/{id}/approve"), &ciso, Some(json!({}))).await, "approve");
        let obs = ok(&call(&env, Method::GET, &format!("/api/v1/orgs/{pol}/obligations"), &officer, None).await, "obligations");
        let st = obligation(&obs, ".security-staff");
        assert_eq!(st["status"], "met", "{st}");
        assert_eq!(st["completions"][0]["evidence_link"], json!(format!("/plans/{id}")));
        assert_eq!(st["completions"][0]["completed_on"], "2026-11-21");
    }

    async fn reminders_list_what_is_due_with_whom_to_remind(env: TestEnv) {
        let officer = env.token_for("officer.police").await;
        let pol = env.org("PIF-POL").await;
        // a system graded a year ago less a week: its re-grading falls due
        let r = call(&env, Method::POST, &format!("/api/v1/orgs/{pol}/systems"), &officer,
            Some(json!({"name": "刑案資訊系統", "owner": "資訊室", "description": ""}))).await;
        let sys = r.json()["id"].as_str().unwrap().to_string();
        let q = ok(&call(&env, Method::GET, "/api/v1/grading/questionnaire", &officer, None).await, "q");
        let answers: serde_json::Map<String, Value> = q.as_array().unwrap().iter()
            .map(|x| (x["id"].as_str().unwrap().to_string(), x["options"][0]["id"].clone())).collect();
        let r = call(&env, Method::POST, &format!("/api/v1/systems/{sys}/grading"), &officer,
            Some(json!({"answers": answers, "assessor": "資訊室", "approver": "局長", "assessed_on": "2025-11-28"}))).await;
        assert!(r.status.is_success(), "{}", r.text());
        // a risk whose treatment is due in 20 days
        let r = call(&env, Method::POST, &format!("/api/v1/orgs/{pol}/risks"), &officer, Some(json!({
            "asset": "報案資料庫", "threat": "勒索軟體", "weakness": "備份未離線", "asset_value": 3, "likelihood": 3, "vulnerability": 3,
            "treatment": "mitigate", "owner": "資訊室", "due_on": "2026-12-11"}))).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());

        let list = ok(&call(&env, Method::GET, "/api/v1/reminders?within_days=30", &officer, None).await, "reminders");
        let items = list.as_array().unwrap();
        let kinds: std::collections::BTreeSet<&str> = items.iter().map(|r| r["kind"].as_str().unwrap()).collect();
        assert!(kinds.contains("obligation") && kinds.contains("system_review") && kinds.contains("risk_treatment"), "{kinds:?}");
        let s = items.iter().find(|r| r["kind"] == "system_review").unwrap();
        assert_eq!(s["due"], "2026-11-28");
        assert_eq!(s["overdue"], false);
        assert_eq!(s["link"], json!(format!("/systems/{sys}")));
        let to: Vec<&str> = s["recipients"].as_array().unwrap().iter().map(|x| x["username"].as_str().unwrap()).collect();
        assert_eq!(to, vec!["ciso.police", "officer.police"]);
        // only the caller's scope: nothing of other bureaus
        assert!(items.iter().all(|r| r["org_id"] == json!(pol)), "{items:?}");
        // a shorter window drops the risk, never what is overdue
        let short = ok(&call(&env, Method::GET, "/api/v1/reminders?within_days=10", &officer, None).await, "short");
        let short = short.as_array().unwrap();
        assert!(short.iter().all(|r| r["kind"] != "risk_treatment"));
        assert_eq!(
            short.iter().filter(|r| r["overdue"] == true).count(),
            items.iter().filter(|r| r["overdue"] == true).count()
        );
        let r = call(&env, Method::GET, "/api/v1/reminders?within_days=0", &officer, None).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        // the page lists them too
        let s = env.login("officer.police", zian_testkit::PASSWORD).await;
        let page = env.request(Method::GET, "/reminders", &[("cookie", s.cookie.as_str())], None).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.text().contains("刑案資訊系統"));
    }
}
