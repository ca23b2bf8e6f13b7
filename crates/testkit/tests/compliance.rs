//! Issue 4 on every backend: obligations calendar and status, completions
//! with evidence, overrides, the supervisors' roll-up, system grading with
//! its baseline and statement of applicability, the risk register and heat
//! map, and refusal of callers outside scope.

use std::collections::{BTreeMap, BTreeSet};

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use time::macros::date;
use zian_app::compliance::rules::{self, Impact, Level, OrgKind, RuleSet};
use zian_testkit::http::pct;
use zian_testkit::{PASSWORD, TestEnv, backend_tests};

/// The test clock's date in Asia/Taipei (2026-11-21 09:00).
const TODAY: time::Date = date!(2026 - 11 - 21);

fn shipped() -> RuleSet {
    RuleSet::shipped().expect("shipped rules")
}

fn ymd(d: Option<time::Date>) -> Value {
    d.map_or(Value::Null, |d| json!(rules::dates::format_date(d)))
}

fn find<'a>(obs: &'a Value, id: &str) -> &'a Value {
    obs["obligations"]
        .as_array()
        .expect("obligations array")
        .iter()
        .find(|o| o["id"] == id)
        .unwrap_or_else(|| panic!("no obligation {id}"))
}

async fn obligations(env: &TestEnv, token: &str, org: &str) -> Value {
    let r = env
        .api(
            Method::GET,
            &format!("/api/v1/orgs/{org}/obligations"),
            token,
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    r.json()
}

/// The obligations the demo's continuity records complete: the
/// social-engineering rounds of the last three half-years (the demo's
/// notification drill proves this year's, but last year's is still
/// overdue).
const PROVEN_BY_DEMO: [&str; 1] = ["IR.social-engineering-drill"];

backend_tests! {
    async fn calendar_matches_the_rules_and_completions_change_status(env: TestEnv) {
        let officer = env.token_for("officer.police").await;
        let pol = env.org("PIF-POL").await;
        let got = obligations(&env, &officer, &pol).await;
        assert_eq!(got["on"], "2026-11-21");
        assert_eq!(got["org"]["level"], "B");
        assert!(got["unavailable"].is_null());

        // the same obligations, in the same order and with the same first due
        // dates, as the rule engine gives for a public B-level agency assigned
        // on 2024-03-15
        let expected = shipped().obligations(OrgKind::Public, Level::B, date!(2024 - 03 - 15), TODAY, &[]).unwrap();
        let items = got["obligations"].as_array().unwrap();
        assert_eq!(items.len(), expected.len());
        assert!(expected.len() > 15, "{}", expected.len());
        for (g, e) in items.iter().zip(&expected) {
            assert_eq!(g["id"], json!(e.id));
            assert_eq!(g["first_due"], ymd(e.first_due), "{}", e.id);
            assert_eq!(g["frequency"], json!(e.frequency.as_str()));
            assert_eq!(g["rules_version"], json!(e.rules_version));
            assert_eq!(g["source"], json!(e.source));
            // nothing is recorded yet, but the demo's drills and
            // social-engineering rounds prove those obligations: every other
            // deadline already passed is overdue
            let passed = e.first_due.is_some_and(|d| d < TODAY);
            if PROVEN_BY_DEMO.contains(&e.id.as_str()) {
                assert_eq!(g["status"], "met", "{}", e.id);
            } else if passed {
                assert_eq!(g["status"], "overdue", "{}", e.id);
            } else {
                assert_ne!(g["status"], "met", "{}", e.id);
            }
        }
        let counts = &got["counts"];
        assert_eq!(counts["met"], PROVEN_BY_DEMO.len());
        assert!(counts["overdue"].as_u64().unwrap() > 5);

        // a once-off obligation: any completion meets it; pasted evidence is hashed
        let isms = find(&got, "T3.isms-adoption");
        assert_eq!(isms["status"], "overdue");
        assert_eq!(isms["due"], isms["first_due"]);
        let text = "ISMS 導入計畫書 v1.2，資安長核定";
        let r = env
            .api(Method::POST, &format!("/api/v1/orgs/{pol}/obligations/completions"), &officer, Some(json!({"rule_id": "T3.isms-adoption", "note": "已完成 ISMS 導入", "evidence_text": text, "evidence_link": "/orgs/x/records/1"})))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        assert_eq!(r.json()["evidence_sha256"], json!(zian_app::system::sha256_hex(text)));
        assert_eq!(r.json()["due_date"], isms["first_due"]);

        // a yearly obligation counted per calendar year: the 2025 audit is overdue
        let audit = find(&got, "T3.internal-audit");
        assert_eq!(audit["status"], "overdue");
        assert_eq!(audit["due"], "2025-12-31");
        assert_eq!(audit["next_due"], "2026-12-31");
        // a due date that is not one of the obligation's is refused
        let r = env
            .api(Method::POST, &format!("/api/v1/orgs/{pol}/obligations/completions"), &officer, Some(json!({"rule_id": "T3.internal-audit", "note": "x", "due_date": "2025-06-30"})))
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
        assert_eq!(r.json()["error"]["field"], "due_date");
        // so are unknown rules, future completions and malformed hashes
        for body in [
            json!({"rule_id": "T9.nothing", "note": "x"}),
            json!({"rule_id": "T3.internal-audit", "note": "x", "completed_on": "2026-12-01"}),
            json!({"rule_id": "T3.internal-audit", "note": "x", "evidence_sha256": "abc"}),
            json!({"rule_id": "T3.internal-audit", "note": "  "}),
            json!({"rule_id": "T3.internal-audit", "note": "x", "evidence_link": "javascript:alert(1)"}),
        ] {
            let r = env.api(Method::POST, &format!("/api/v1/orgs/{pol}/obligations/completions"), &officer, Some(body.clone())).await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {}", r.text());
        }
        let r = env
            .api(Method::POST, &format!("/api/v1/orgs/{pol}/obligations/completions"), &officer, Some(json!({"rule_id": "T3.internal-audit", "note": "114 年度內部稽核報告", "completed_on": "2025-12-20"})))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        assert_eq!(r.json()["due_date"], "2025-12-31");

        let got = obligations(&env, &officer, &pol).await;
        assert_eq!(find(&got, "T3.isms-adoption")["status"], "met");
        let audit = find(&got, "T3.internal-audit");
        // the 2025 audit is done and the 2026 one is 40 days away
        assert_eq!(audit["status"], "met", "{audit}");
        assert_eq!(audit["completions"].as_array().unwrap().len(), 1);
        assert_eq!(got["counts"]["met"], 2 + PROVEN_BY_DEMO.len());

        // 15 days later the 2026 audit is due within 30 days
        env.clock.advance(15 * 86_400);
        let got = obligations(&env, &officer, &pol).await;
        let audit = find(&got, "T3.internal-audit");
        assert_eq!(audit["status"], "due_soon", "{audit}");
        assert_eq!(audit["due"], "2026-12-31");

        // both completions are in the audit trail, and the chain holds
        let admin = env.token_for("admin").await;
        let a = env.api(Method::GET, "/api/v1/audit?action=compliance.completed&limit=10", &admin, None).await.json();
        assert_eq!(a["items"].as_array().unwrap().len(), 2, "{a}");
        let rep = env.app.verify_audit_chain(Vec::new(), |_| {}).await.unwrap();
        assert!(rep.broken.is_none(), "{rep:?}");
    }

    async fn approved_overrides_show_as_overrides_and_apply_to_the_subtree(env: TestEnv) {
        let ciso = env.token_for("ciso.police").await;
        let sup = env.token_for("supervisor.khh").await;
        let pol = env.org("PIF-POL").await;
        let url = format!("/api/v1/orgs/{pol}/overrides");
        let r = env
            .api(Method::POST, &url, &ciso, Some(json!({"rule_id": "T3.health-check", "kind": "exempt", "reason": "依分級辦法第十一條申請免辦"})))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let hc_id = r.json()["id"].as_str().unwrap().to_string();
        let r = env
            .api(Method::POST, &url, &ciso, Some(json!({"rule_id": "T3.penetration-test", "kind": "replace", "frequency": "yearly", "reason": "主管機關要求每年辦理"})))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let pt_id = r.json()["id"].as_str().unwrap().to_string();
        // a second request of the same rule for the same period is refused
        let r = env
            .api(Method::POST, &url, &ciso, Some(json!({"rule_id": "T3.health-check", "kind": "exempt", "reason": "again"})))
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text());
        assert_eq!(r.json()["error"]["message"], "此事項於同一期間已有申請中或已核定之調整");
        // unknown rules, empty replacements, a typed approver are refused
        for body in [
            json!({"rule_id": "T3.nope", "kind": "exempt", "reason": "r"}),
            json!({"rule_id": "T3.soc", "kind": "replace", "reason": "r"}),
            json!({"rule_id": "T3.soc", "kind": "delete", "reason": "r"}),
            json!({"rule_id": "T3.soc", "kind": "exempt", "reason": ""}),
            json!({"rule_id": "T3.internal-audit", "kind": "exempt", "reason": "r", "approver": "林怡君", "approved_on": "2026-01-01"}),
        ] {
            let r = env.api(Method::POST, &url, &ciso, Some(body.clone())).await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {}", r.text());
        }
        for id in [&hc_id, &pt_id] {
            let r = env.api(Method::POST, &format!("/api/v1/overrides/{id}/approve"), &sup, Some(json!({}))).await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        }

        let got = obligations(&env, &ciso, &pol).await;
        let hc = find(&got, "T3.health-check");
        assert_eq!(hc["status"], "not_applicable");
        assert_eq!(hc["reason"], "依分級辦法第十一條申請免辦");
        assert_eq!(hc["override"]["kind"], "exempt");
        // the approver is the supervisor who approved, by name
        assert_eq!(hc["override"]["approver"], "高雄區域聯防督導 鄭督導");
        assert_eq!(hc["override"]["approved_on"], "2026-11-21");
        assert!(hc["first_due"].is_null());
        let pt = find(&got, "T3.penetration-test");
        assert_eq!(pt["frequency"], "yearly");
        assert_eq!(pt["override"]["kind"], "replace");
        assert!(pt["override"]["changes"].as_array().unwrap().contains(&json!("frequency: every-2-years → yearly")), "{pt}");
        assert_eq!(got["counts"]["not_applicable"], 1);
        // the demo's pending SOC request is listed too, and changes nothing
        let statuses: BTreeMap<String, String> = got["overrides"].as_array().unwrap().iter().map(|o| (o["rule_id"].as_str().unwrap().to_string(), o["status"].as_str().unwrap().to_string())).collect();
        assert_eq!(statuses.get("T3.soc").map(String::as_str), Some("pending"), "{statuses:?}");
        assert_eq!(statuses.get("T3.health-check").map(String::as_str), Some("approved"));
        assert_ne!(find(&got, "T3.soc")["status"], "not_applicable");
        // an exempted obligation cannot be completed
        let r = env
            .api(Method::POST, &format!("/api/v1/orgs/{pol}/obligations/completions"), &ciso, Some(json!({"rule_id": "T3.health-check", "note": "x"})))
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);

        // the compliance page shows the override as such
        let s = env.login("ciso.police", PASSWORD).await;
        let page = env.request(Method::GET, &format!("/orgs/{pol}/compliance"), &s.headers(), None).await;
        assert_eq!(page.status, StatusCode::OK);
        let html = page.text();
        assert!(html.contains("id=\"ob-T3.health-check\" data-status=\"not_applicable\""), "{html}");
        assert!(html.contains("class=\"badge warn override\""));
        assert!(html.contains("id=\"overrides\""));
        assert!(html.contains(&format!("id=\"ov-{hc_id}\" data-status=\"approved\"")));

        // an override approved for the county applies to its agencies too
        let admin = env.token_for("admin").await;
        let pif = env.org("PIF").await;
        let hlt = env.org("PIF-HLT").await;
        let r = env
            .api(Method::POST, &format!("/api/v1/orgs/{pif}/overrides"), &admin, Some(json!({"rule_id": "T5.internal-audit", "kind": "exempt", "reason": "縣府統一辦理"})))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let id = r.json()["id"].as_str().unwrap().to_string();
        let officer_h = env.token_for("officer.health").await;
        assert_ne!(find(&obligations(&env, &officer_h, &hlt).await, "T5.internal-audit")["status"], "not_applicable");
        let r = env.api(Method::POST, &format!("/api/v1/overrides/{id}/approve"), &sup, Some(json!({"reason": "同意"}))).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let got = obligations(&env, &officer_h, &hlt).await;
        let audit = find(&got, "T5.internal-audit");
        assert_eq!(audit["status"], "not_applicable");
        assert_eq!(audit["reason"], "縣府統一辦理");
        assert!(got["overrides"].as_array().unwrap().iter().any(|o| o["org_id"] == json!(pif) && o["status"] == "approved"));
    }

    async fn an_agencys_own_exemption_changes_nothing_until_approved_from_above(env: TestEnv) {
        let officer = env.token_for("officer.police").await;
        let ciso = env.token_for("ciso.police").await;
        let sup = env.token_for("supervisor.khh").await;
        let pol = env.org("PIF-POL").await;
        let before = obligations(&env, &officer, &pol).await;
        assert_eq!(find(&before, "T3.health-check")["status"], "overdue");
        let rollup_row = |rows: &Value| rows.as_array().unwrap().iter().find(|x| x["org"]["id"] == json!(pol)).unwrap().clone();
        let roll_before = rollup_row(&env.api(Method::GET, "/api/v1/compliance", &sup, None).await.json());

        // the officer asks for an exemption; the approver is not hers to type
        let r = env
            .api(Method::POST, &format!("/api/v1/orgs/{pol}/overrides"), &officer, Some(json!({"rule_id": "T3.health-check", "kind": "exempt", "reason": "申請免辦", "approver": "林怡君", "approved_on": "2026-11-21"})))
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
        let r = env
            .api(Method::POST, &format!("/api/v1/orgs/{pol}/overrides"), &officer, Some(json!({"rule_id": "T3.health-check", "kind": "exempt", "reason": "申請免辦"})))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let o = r.json();
        let id = o["id"].as_str().unwrap().to_string();
        assert_eq!(o["status"], "pending");
        assert_eq!(o["requested_by"], json!(env.user_id("officer.police").await.to_string()));
        assert_eq!(o["requested_by_name"], "資安專責人員 林怡君");
        assert!(o["decided_by"].is_null());

        // pending: the calendar and the supervisor's roll-up are unchanged
        let after = obligations(&env, &officer, &pol).await;
        assert_eq!(find(&after, "T3.health-check")["status"], "overdue");
        assert_eq!(after["counts"], before["counts"]);
        let roll = rollup_row(&env.api(Method::GET, "/api/v1/compliance", &sup, None).await.json());
        assert_eq!(roll["counts"], roll_before["counts"]);
        assert!(roll["behind"].as_array().unwrap().iter().any(|b| b["id"] == "T3.health-check"));
        let pending: Vec<&str> = roll["pending_overrides"].as_array().unwrap().iter().map(|x| x["id"].as_str().unwrap()).collect();
        assert!(pending.contains(&id.as_str()), "{roll}");
        assert!(roll["approved_overrides"].as_array().unwrap().is_empty(), "{roll}");

        // nobody of the agency may approve its own request, not even its CISO
        let url = format!("/api/v1/overrides/{id}/approve");
        for (who, token) in [("officer", &officer), ("ciso", &ciso)] {
            let r = env.api(Method::POST, &url, token, Some(json!({}))).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{who}: {}", r.text());
        }
        // a supervisor outside the agency's branch does not see the request
        let ciso_khh = env.token_for("ciso.khh").await;
        let r = env.api(Method::POST, &url, &ciso_khh, Some(json!({}))).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text());
        let health = env.token_for("officer.health").await;
        let r = env.api(Method::POST, &format!("/api/v1/overrides/{id}/withdraw"), &health, Some(json!({}))).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text());
        assert_eq!(find(&obligations(&env, &officer, &pol).await, "T3.health-check")["status"], "overdue");

        // the supervisor above approves: now it applies
        let r = env.api(Method::POST, &url, &sup, Some(json!({"reason": "經查屬實"}))).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let o = r.json();
        assert_eq!(o["status"], "approved");
        assert_eq!(o["decided_by"], json!(env.user_id("supervisor.khh").await.to_string()));
        assert_eq!(o["decided_by_name"], "高雄區域聯防督導 鄭督導");
        assert_eq!(o["decision_reason"], "經查屬實");
        let got = obligations(&env, &officer, &pol).await;
        assert_eq!(find(&got, "T3.health-check")["status"], "not_applicable");
        let roll = rollup_row(&env.api(Method::GET, "/api/v1/compliance", &sup, None).await.json());
        assert_eq!(roll["counts"]["overdue"].as_u64().unwrap() + 1, roll_before["counts"]["overdue"].as_u64().unwrap());
        assert!(roll["approved_overrides"].as_array().unwrap().iter().any(|x| x["id"] == json!(id)));
        assert!(!roll["pending_overrides"].as_array().unwrap().iter().any(|x| x["id"] == json!(id)));

        // decided: no second decision, no withdrawal (localised conflict)
        let r = env.api(Method::POST, &url, &sup, Some(json!({}))).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text());
        assert_eq!(r.json()["error"]["message"], "此申請已核定、不同意或撤回，無法再處理；請重新整理後再試");
        let r = env.api(Method::POST, &format!("/api/v1/overrides/{id}/withdraw"), &officer, Some(json!({}))).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text());
        // revoking needs a reason and the supervising side
        let rev = format!("/api/v1/overrides/{id}/revoke");
        let r = env.api(Method::POST, &rev, &sup, Some(json!({}))).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
        assert_eq!(r.json()["error"]["field"], "reason");
        let r = env.api(Method::POST, &rev, &ciso, Some(json!({"reason": "x"}))).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text());
        let r = env.api(Method::POST, &rev, &sup, Some(json!({"reason": "監控中心已停止服務"}))).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        assert_eq!(r.json()["status"], "revoked");
        assert_eq!(r.json()["revoke_reason"], "監控中心已停止服務");
        assert_eq!(r.json()["revoked_by_name"], "高雄區域聯防督導 鄭督導");
        assert_eq!(find(&obligations(&env, &officer, &pol).await, "T3.health-check")["status"], "overdue");
        let r = env.api(Method::POST, &rev, &sup, Some(json!({"reason": "again"}))).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text());
        assert_eq!(r.json()["error"]["message"], "此調整非已核定狀態，無法撤銷；請重新整理後再試");

        // every step is in the audit trail, attributed, and the chain holds
        let admin = env.token_for("admin").await;
        let a = env.api(Method::GET, "/api/v1/audit?action=compliance.override_&limit=50", &admin, None).await.json();
        let mine: Vec<(String, String)> = a["items"].as_array().unwrap().iter().filter(|e| e["target"] == json!(id)).map(|e| (e["action"].as_str().unwrap().to_string(), e["actor_user_id"].as_str().unwrap_or("").to_string())).collect();
        let sup_id = env.user_id("supervisor.khh").await.to_string();
        let off_id = env.user_id("officer.police").await.to_string();
        assert_eq!(mine, vec![
            ("compliance.override_revoked".to_string(), sup_id.clone()),
            ("compliance.override_approved".to_string(), sup_id),
            ("compliance.override_requested".to_string(), off_id),
        ], "{a}");
        let rep = env.app.verify_audit_chain(Vec::new(), |_| {}).await.unwrap();
        assert!(rep.broken.is_none(), "{rep:?}");
    }

    async fn requests_are_withdrawn_or_rejected_through_the_api_and_the_pages(env: TestEnv) {
        let officer = env.token_for("officer.police").await;
        let sup = env.token_for("supervisor.khh").await;
        let pol = env.org("PIF-POL").await;
        let url = format!("/api/v1/orgs/{pol}/overrides");
        let body = json!({"rule_id": "T3.penetration-test", "kind": "replace", "frequency": "yearly", "reason": "申請調整為每年辦理"});
        let r = env.api(Method::POST, &url, &officer, Some(body.clone())).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let id = r.json()["id"].as_str().unwrap().to_string();
        // pending: the frequency is the rule's
        assert_eq!(find(&obligations(&env, &officer, &pol).await, "T3.penetration-test")["frequency"], "every-2-years");
        // the supervisor cannot withdraw the agency's request
        let r = env.api(Method::POST, &format!("/api/v1/overrides/{id}/withdraw"), &sup, Some(json!({}))).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text());
        let r = env.api(Method::POST, &format!("/api/v1/overrides/{id}/withdraw"), &officer, Some(json!({}))).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        assert_eq!(r.json()["status"], "withdrawn");
        let r = env.api(Method::POST, &format!("/api/v1/overrides/{id}/approve"), &sup, Some(json!({}))).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text());
        assert_eq!(r.json()["error"]["message"], "此申請已核定、不同意或撤回，無法再處理；請重新整理後再試");
        // withdrawn, it no longer blocks a new request; rejected needs a reason
        let r = env.api(Method::POST, &url, &officer, Some(body.clone())).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let id2 = r.json()["id"].as_str().unwrap().to_string();
        let rej = format!("/api/v1/overrides/{id2}/reject");
        let r = env.api(Method::POST, &rej, &sup, Some(json!({"reason": "  "}))).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
        let r = env.api(Method::POST, &rej, &sup, Some(json!({"reason": "未附主管機關函文"}))).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        assert_eq!(r.json()["status"], "rejected");
        assert_eq!(r.json()["decision_reason"], "未附主管機關函文");
        for action in ["withdraw", "approve", "reject"] {
            let r = env.api(Method::POST, &format!("/api/v1/overrides/{id2}/{action}"), if action == "withdraw" { &officer } else { &sup }, Some(json!({"reason": "x"}))).await;
            assert_eq!(r.status, StatusCode::CONFLICT, "{action}: {}", r.text());
        }
        assert_eq!(find(&obligations(&env, &officer, &pol).await, "T3.penetration-test")["frequency"], "every-2-years");
        // a unit does not request: its agency does
        let it = env.token_for("it.police").await;
        let unit = env.org("PIF-POL-IT").await;
        let r = env.api(Method::POST, &format!("/api/v1/orgs/{unit}/overrides"), &it, Some(json!({"rule_id": "T3.soc", "kind": "exempt", "reason": "r"}))).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
        assert_eq!(r.json()["error"]["field"], "org_id");

        // the list: the supervisor's queue holds the branch's pending requests
        let q = env.api(Method::GET, "/api/v1/overrides?status=pending", &sup, None).await;
        assert_eq!(q.status, StatusCode::OK, "{}", q.text());
        let q = q.json();
        let rules: BTreeSet<&str> = q["items"].as_array().unwrap().iter().map(|x| x["rule_id"].as_str().unwrap()).collect();
        assert!(rules.contains("T3.soc"), "{q}");
        assert!(q["items"].as_array().unwrap().iter().all(|x| x["status"] == "pending"));
        let all = env.api(Method::GET, &format!("/api/v1/overrides?org={pol}"), &officer, None).await.json();
        assert_eq!(all["total"], 3, "{all}");
        let health = env.token_for("officer.health").await;
        let theirs = env.api(Method::GET, &format!("/api/v1/overrides?org={pol}"), &health, None).await.json();
        assert_eq!(theirs["total"], 0, "{theirs}");
        let r = env.api(Method::GET, "/api/v1/overrides?status=done", &sup, None).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);

        // pages: the supervisor's queue offers the decision; the form approves
        let soc = q["items"].as_array().unwrap().iter().find(|x| x["rule_id"] == "T3.soc").unwrap()["id"].as_str().unwrap().to_string();
        let s = env.login("supervisor.khh", PASSWORD).await;
        let page = env.request(Method::GET, "/overrides", &s.headers(), None).await;
        assert_eq!(page.status, StatusCode::OK);
        let html = page.text();
        assert!(html.contains(&format!("action=\"/overrides/{soc}/approve\"")), "{html}");
        assert!(html.contains(&format!("action=\"/overrides/{soc}/reject\"")));
        assert!(!html.contains(&format!("action=\"/overrides/{soc}/withdraw\"")));
        let mut h = s.headers();
        h.push(("content-type", "application/x-www-form-urlencoded"));
        let r = env.request(Method::POST, &format!("/overrides/{soc}/reject"), &h, Some(format!("_csrf={}&reason=", s.csrf).into_bytes())).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
        let r = env.request(Method::POST, &format!("/overrides/{soc}/approve"), &h, Some(format!("_csrf={}&reason={}", s.csrf, pct("同意")).into_bytes())).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        assert_eq!(r.location(), Some("/overrides?status=all&ok=compliance.override_approved"));
        let page = env.request(Method::GET, r.location().unwrap(), &s.headers(), None).await;
        assert!(page.text().contains("已核定。"));
        assert!(page.text().contains(&format!("action=\"/overrides/{soc}/revoke\"")));
        assert_eq!(find(&obligations(&env, &officer, &pol).await, "T3.soc")["status"], "not_applicable");
        // the agency requests and withdraws through its compliance page
        let s = env.login("officer.police", PASSWORD).await;
        let mut h = s.headers();
        h.push(("content-type", "application/x-www-form-urlencoded"));
        let form = format!("_csrf={}&rule_id=T3.internal-audit&kind=exempt&reason={}&effective_from=2026-12-01", s.csrf, pct("申請免辦內部稽核"));
        let r = env.request(Method::POST, &format!("/orgs/{pol}/compliance/override"), &h, Some(form.into_bytes())).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        let page = env.request(Method::GET, r.location().unwrap(), &s.headers(), None).await.text();
        assert!(page.contains("已送出申請"), "{page}");
        let mine = env.api(Method::GET, &format!("/api/v1/overrides?org={pol}&status=pending"), &officer, None).await.json();
        let ia = mine["items"].as_array().unwrap().iter().find(|x| x["rule_id"] == "T3.internal-audit").unwrap().clone();
        assert_eq!(ia["effective_from"], "2026-12-01");
        let ia = ia["id"].as_str().unwrap().to_string();
        assert!(page.contains(&format!("action=\"/overrides/{ia}/withdraw\"")));
        let r = env.request(Method::POST, &format!("/overrides/{ia}/withdraw"), &h, Some(format!("_csrf={}", s.csrf).into_bytes())).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        let got = env.api(Method::GET, &format!("/api/v1/overrides?org={pol}&status=withdrawn"), &officer, None).await.json();
        assert_eq!(got["total"], 2, "{got}");
        // the roll-up page shows the pending and approved counts
        let s = env.login("supervisor.khh", PASSWORD).await;
        let page = env.request(Method::GET, "/compliance", &s.headers(), None).await.text();
        assert!(page.contains("class=\"ov-approved\" data-count=\"1\""), "{page}");
    }

    async fn overrides_with_a_typed_approver_migrate_to_pending_requests(env: TestEnv) {
        // the table as migration 0002 made it, holding an exemption whose
        // approver the officer typed in herself
        let pool = env.store.pool();
        let old = include_str!("../../../migrations/0002_compliance.sql");
        let start = old.find("CREATE TABLE rule_overrides").expect("0002 creates rule_overrides");
        let index = "CREATE INDEX rule_overrides_org ON rule_overrides(org_id, rule_id);";
        let end = start + old[start..].find(index).expect("its index") + index.len();
        sqlx::raw_sql("DROP TABLE rule_overrides").execute(pool).await.unwrap();
        sqlx::raw_sql(&old[start..end]).execute(pool).await.unwrap();
        let pol = env.org("PIF-POL").await;
        let officer_id = env.user_id("officer.police").await;
        sqlx::query("INSERT INTO rule_overrides (id, org_id, rule_id, kind, reason, approver, approved_on, effective_from, created_by, created_at) VALUES ($1, $2, 'T3.health-check', 'exempt', '自行登錄免辦', '林怡君', '2026-05-01', '2026-05-01', $3, 1777593600)")
            .bind("legacy-override-1")
            .bind(pol.to_string())
            .bind(officer_id.to_string())
            .execute(pool)
            .await
            .unwrap();
        sqlx::raw_sql(include_str!("../../../migrations/0008_override_approval.sql")).execute(pool).await.unwrap();

        // it is a pending request now: it exempts nothing until approved
        let officer = env.token_for("officer.police").await;
        let got = obligations(&env, &officer, &pol).await;
        assert_eq!(find(&got, "T3.health-check")["status"], "overdue");
        let o = got["overrides"].as_array().unwrap().iter().find(|o| o["id"] == "legacy-override-1").expect("migrated override").clone();
        assert_eq!(o["status"], "pending");
        assert_eq!(o["requested_by"], json!(officer_id.to_string()));
        assert_eq!(o["requested_at"], 1_777_593_600);
        assert_eq!(o["claimed_approver"], "林怡君");
        assert_eq!(o["claimed_approved_on"], "2026-05-01");
        assert!(o["decided_by"].is_null());
        let sup = env.token_for("supervisor.khh").await;
        let r = env.api(Method::POST, "/api/v1/overrides/legacy-override-1/approve", &sup, Some(json!({}))).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        assert_eq!(find(&obligations(&env, &officer, &pol).await, "T3.health-check")["status"], "not_applicable");
    }

    async fn rollup_lists_the_agencies_in_scope_and_what_they_are_behind_on(env: TestEnv) {
        let sup = env.token_for("supervisor.khh").await;
        let r = env.api(Method::GET, "/api/v1/compliance", &sup, None).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let rows = r.json();
        let codes: BTreeSet<String> = rows
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["org"]["code"].as_str().unwrap().to_string())
            .collect();
        let expected: BTreeSet<String> = [
            "KHH", "KHH-IT", "PIF", "PIF-POL", "PIF-HLT", "PEN", "PEN-FIRE", "PEN-CUL",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        // the national authority (above the supervisor) and the units (no level) are not listed
        assert_eq!(codes, expected);
        // what PIF-POL is behind on is exactly its overdue and due-soon obligations
        let pol = env.org("PIF-POL").await;
        let row = rows
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["org"]["id"] == json!(pol))
            .unwrap();
        let ciso = env.token_for("ciso.police").await;
        let own = obligations(&env, &ciso, &pol).await;
        let behind: BTreeSet<&str> = own["obligations"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|o| o["status"] == "overdue" || o["status"] == "due_soon")
            .map(|o| o["id"].as_str().unwrap())
            .collect();
        let listed: BTreeSet<&str> = row["behind"]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| b["id"].as_str().unwrap())
            .collect();
        assert_eq!(listed, behind);
        assert_eq!(row["counts"]["overdue"], own["counts"]["overdue"]);
        // sorted with the most overdue first
        let overdue: Vec<u64> = rows
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["counts"]["overdue"].as_u64().unwrap())
            .collect();
        assert!(overdue.windows(2).all(|w| w[0] >= w[1]), "{overdue:?}");

        // completing everything overdue at PIF-POL takes it off the list of those behind
        for id in &behind {
            let r = env
                .api(
                    Method::POST,
                    &format!("/api/v1/orgs/{pol}/obligations/completions"),
                    &ciso,
                    Some(json!({"rule_id": id, "note": "補辦完成"})),
                )
                .await;
            assert_eq!(r.status, StatusCode::CREATED, "{id}: {}", r.text());
        }
        let rows = env
            .api(Method::GET, "/api/v1/compliance", &sup, None)
            .await
            .json();
        let row = rows
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["org"]["id"] == json!(pol))
            .unwrap();
        assert_eq!(row["counts"]["overdue"], 0, "{row}");
        assert_eq!(
            rows.as_array().unwrap().last().unwrap()["org"]["id"],
            json!(pol)
        );

        // an agency officer's roll-up holds only the agency
        let officer_h = env.token_for("officer.health").await;
        let rows = env
            .api(Method::GET, "/api/v1/compliance", &officer_h, None)
            .await
            .json();
        let codes: Vec<&str> = rows
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["org"]["code"].as_str().unwrap())
            .collect();
        assert_eq!(codes, vec!["PIF-HLT"]);

        // the supervisor reads but does not write
        let r = env
            .api(
                Method::POST,
                &format!("/api/v1/orgs/{pol}/obligations/completions"),
                &sup,
                Some(json!({"rule_id": "T3.soc", "note": "x"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text());

        // the roll-up page
        let s = env.login("supervisor.khh", PASSWORD).await;
        let page = env
            .request(Method::GET, "/compliance", &s.headers(), None)
            .await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.text().contains("屏東縣政府衛生局"));
        assert!(!page.text().contains("數位發展部資通安全署</a></td>"));
    }
}

/// Answers giving every dimension the lowest grade, except the first
/// question of `raise` which gets `grade`.
fn answers(
    q: &rules::Questionnaire,
    raise: Option<(rules::Dimension, Impact)>,
) -> BTreeMap<String, String> {
    let mut raised = false;
    q.questions
        .iter()
        .map(|qu| {
            let want = match raise {
                Some((d, g)) if d == qu.dimension && !raised => {
                    raised = true;
                    g
                }
                _ => Impact::Low,
            };
            let o = qu
                .options
                .iter()
                .find(|o| o.grade == want)
                .or_else(|| qu.options.iter().min_by_key(|o| o.grade))
                .expect("a question has options");
            (qu.id.clone(), o.id.clone())
        })
        .collect()
}

backend_tests! {
    async fn grading_baseline_statement_of_applicability_and_level_change(env: TestEnv) {
        let rs = shipped();
        let q = rs.questionnaire();
        let officer = env.token_for("officer.police").await;
        let pol = env.org("PIF-POL").await;
        let r = env.api(Method::POST, &format!("/api/v1/orgs/{pol}/systems"), &officer, Some(json!({"name": "警政報案系統", "owner": "資訊室 黃俊傑", "description": "受理民眾報案"}))).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let sys = r.json()["id"].as_str().unwrap().to_string();
        let list = env.api(Method::GET, &format!("/api/v1/orgs/{pol}/systems"), &officer, None).await.json();
        // (next to the demo's criminal-case system)
        assert_eq!(list["items"].as_array().unwrap().iter().filter(|x| x["id"] == sys.as_str()).count(), 1);
        // no baseline before grading
        let d = env.api(Method::GET, &format!("/api/v1/systems/{sys}"), &officer, None).await.json();
        assert!(d["baseline"].as_array().unwrap().is_empty());
        assert!(d["system"]["level"].is_null());

        let qs = env.api(Method::GET, "/api/v1/grading/questionnaire", &officer, None).await.json();
        assert_eq!(qs.as_array().unwrap().len(), q.questions.len());

        // unanswered questions are refused
        let mut partial = answers(q, None);
        let first = partial.keys().next().unwrap().clone();
        partial.remove(&first);
        let url = format!("/api/v1/systems/{sys}/grading");
        let r = env.api(Method::POST, &url, &officer, Some(json!({"answers": partial, "assessor": "林怡君", "approver": "陳建宏"}))).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());

        // all 普 → 普
        let r = env.api(Method::POST, &url, &officer, Some(json!({"answers": answers(q, None), "assessor": "林怡君", "approver": "陳建宏", "assessed_on": "2026-11-01"}))).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let g = r.json();
        assert_eq!(g["level"], "low");
        assert_eq!(g["level_zh"], "普");
        assert_eq!(g["grading"]["review_due"], "2027-11-01");
        assert!(g["newly_required"].as_array().unwrap().is_empty());
        let low: Vec<String> = rs.baseline(Impact::Low, TODAY).unwrap().iter().map(|c| c.id.clone()).collect();
        let d = env.api(Method::GET, &format!("/api/v1/systems/{sys}"), &officer, None).await.json();
        let base: Vec<String> = d["baseline"].as_array().unwrap().iter().map(|x| x.as_str().unwrap().to_string()).collect();
        assert_eq!(base, low);
        // the statement of applicability covers every control in force
        let in_force = rs.in_force(TODAY).controls.len();
        let soa = d["soa"].as_array().unwrap();
        assert_eq!(soa.len(), in_force);
        assert!(soa.iter().filter(|r| r["required"] == false).all(|r| r["reason"] == "level" && r["applicable"] == false));

        // legal compliance 中 → the system is 中 (highest dimension)
        let r = env.api(Method::POST, &url, &officer, Some(json!({"answers": answers(q, Some((rules::Dimension::L, Impact::Medium))), "assessor": "林怡君", "approver": "陳建宏"}))).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let g = r.json();
        assert_eq!(g["level"], "medium");
        let dims: BTreeMap<String, String> = g["dimensions"].as_array().unwrap().iter().map(|x| (x["dimension"].as_str().unwrap().to_string(), x["grade"].as_str().unwrap().to_string())).collect();
        assert_eq!(dims["l"], "medium");
        assert_eq!(dims["c"], "low");
        // the controls that became required are the rule engine's diff
        let diff = rs.baseline_diff(Impact::Low, Impact::Medium, TODAY).unwrap();
        let newly: Vec<String> = diff.newly_required.iter().map(|c| c.id.clone()).collect();
        assert!(!newly.is_empty());
        assert_eq!(g["newly_required"], json!(newly));
        let d = env.api(Method::GET, &format!("/api/v1/systems/{sys}"), &officer, None).await.json();
        assert_eq!(d["newly_required"], json!(newly));
        assert_eq!(d["gradings"].as_array().unwrap().len(), 2);
        assert_eq!(d["gradings"][0]["previous_level"], "low");
        let medium: Vec<String> = rs.baseline(Impact::Medium, TODAY).unwrap().iter().map(|c| c.id.clone()).collect();
        assert_eq!(d["baseline"], json!(medium));
        assert!(medium.len() > low.len() && low.iter().all(|c| medium.contains(c)));

        // control implementation status
        let ctl = &medium[0];
        let curl = format!("/api/v1/systems/{sys}/controls/{ctl}");
        let r = env.api(Method::PUT, &curl, &officer, Some(json!({"status": "planned", "owner": "黃俊傑"}))).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
        let r = env.api(Method::PUT, &curl, &officer, Some(json!({"status": "planned", "planned_on": "2027-03-31", "owner": "黃俊傑", "evidence": "採購案已簽核"}))).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let r = env.api(Method::PUT, &curl, &officer, Some(json!({"status": "implemented", "owner": "黃俊傑", "evidence": "設定截圖"}))).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let na = &medium[1];
        let r = env.api(Method::PUT, &format!("/api/v1/systems/{sys}/controls/{na}"), &officer, Some(json!({"status": "not_applicable", "owner": "黃俊傑"}))).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let r = env.api(Method::PUT, &format!("/api/v1/systems/{sys}/controls/{na}"), &officer, Some(json!({"status": "not_applicable", "na_reason": "系統無此功能", "owner": "黃俊傑"}))).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let r = env.api(Method::PUT, &format!("/api/v1/systems/{sys}/controls/XX-99"), &officer, Some(json!({"status": "implemented", "owner": "x"}))).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let d = env.api(Method::GET, &format!("/api/v1/systems/{sys}"), &officer, None).await.json();
        let row = |id: &str| d["soa"].as_array().unwrap().iter().find(|r| r["control_id"] == id).unwrap().clone();
        assert_eq!(row(ctl)["status"]["status"], "implemented");
        assert_eq!(row(ctl)["applicable"], true);
        assert_eq!(row(na)["applicable"], false);
        assert_eq!(row(na)["reason"], "系統無此功能");

        // the system page shows the questionnaire, the change and the statement of applicability
        let s = env.login("officer.police", PASSWORD).await;
        let page = env.request(Method::GET, &format!("/systems/{sys}"), &s.headers(), None).await;
        assert_eq!(page.status, StatusCode::OK);
        let html = page.text();
        assert!(html.contains("id=\"grading-form\"") && html.contains("id=\"soa\"") && html.contains("id=\"level-change\""));
        // grading through the page form
        let mut form = vec![("_csrf".to_string(), s.csrf.clone()), ("assessor".into(), "林怡君".into()), ("approver".into(), "陳建宏".into())];
        for (k, v) in answers(q, Some((rules::Dimension::A, Impact::High))) {
            form.push((format!("q.{k}"), v));
        }
        let body = form.iter().map(|(k, v)| format!("{}={}", pct(k), pct(v))).collect::<Vec<_>>().join("&");
        let mut h = s.headers();
        h.push(("content-type", "application/x-www-form-urlencoded"));
        let r = env.request(Method::POST, &format!("/systems/{sys}/grading"), &h, Some(body.into_bytes())).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        let d = env.api(Method::GET, &format!("/api/v1/systems/{sys}"), &officer, None).await.json();
        assert_eq!(d["system"]["level"], "high");
        assert_eq!(d["system"]["level_zh"], "高");
    }
}

backend_tests! {
    async fn risk_register_scores_filters_and_heat_map(env: TestEnv) {
        let officer = env.token_for("officer.police").await;
        let pol = env.org("PIF-POL").await;
        let url = format!("/api/v1/orgs/{pol}/risks");
        // no asset value and no graded system
        let r = env.api(Method::POST, &url, &officer, Some(json!({"asset": "報案系統", "threat": "勒索軟體", "weakness": "未修補漏洞", "likelihood": 2, "vulnerability": 2, "treatment": "accept", "owner": "x"}))).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
        // ratings outside 1..3
        let r = env.api(Method::POST, &url, &officer, Some(json!({"asset": "a", "threat": "t", "weakness": "w", "asset_value": 4, "likelihood": 2, "vulnerability": 2, "treatment": "accept", "owner": "x"}))).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        // mitigation needs a due date
        let base = json!({"asset": "報案系統資料庫", "threat": "勒索軟體", "weakness": "備份未離線", "asset_value": 3, "likelihood": 2, "vulnerability": 2, "treatment": "mitigate", "owner": "黃俊傑"});
        let r = env.api(Method::POST, &url, &officer, Some(base.clone())).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let mut b = base.clone();
        b["due_on"] = json!("2027-03-31");
        b["residual_likelihood"] = json!(1);
        b["residual_vulnerability"] = json!(1);
        let r = env.api(Method::POST, &url, &officer, Some(b)).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let x = r.json();
        assert_eq!(x["risk_value"], 12);
        assert_eq!(x["band_en"], "medium");
        assert_eq!(x["acceptable"], false);
        assert_eq!(x["threshold"], 6);
        assert_eq!(x["residual_value"], 3);
        assert_eq!(x["residual_acceptable"], true);
        let r = env.api(Method::POST, &url, &officer, Some(json!({"asset": "官網", "threat": "置換首頁", "weakness": "弱密碼", "asset_value": 1, "likelihood": 2, "vulnerability": 3, "treatment": "accept", "owner": "林怡君"}))).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        assert_eq!(r.json()["risk_value"], 6);
        assert_eq!(r.json()["acceptable"], true);
        // asset value from a graded system (高 → 3)
        let sys = env.api(Method::POST, &format!("/api/v1/orgs/{pol}/systems"), &officer, Some(json!({"name": "勤務指揮系統", "owner": "資訊室"}))).await.json()["id"].as_str().unwrap().to_string();
        let q = shipped();
        let ans = answers(q.questionnaire(), Some((rules::Dimension::A, Impact::High)));
        let r = env.api(Method::POST, &format!("/api/v1/systems/{sys}/grading"), &officer, Some(json!({"answers": ans, "assessor": "a", "approver": "b"}))).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let r = env.api(Method::POST, &url, &officer, Some(json!({"system_id": sys, "asset": "勤務指揮系統", "threat": "DDoS", "weakness": "單一線路", "likelihood": 3, "vulnerability": 3, "treatment": "transfer", "owner": "資訊室", "due_on": "2027-06-30"}))).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        assert_eq!(r.json()["asset_value"], 3);
        assert_eq!(r.json()["risk_value"], 27);
        assert_eq!(r.json()["band_en"], "high");

        let reg = env.api(Method::GET, &url, &officer, None).await.json();
        let values: Vec<i64> = reg["items"].as_array().unwrap().iter().map(|x| x["risk_value"].as_i64().unwrap()).collect();
        assert_eq!(values, vec![27, 12, 6]);
        // heat maps: one per asset value, counts per (likelihood, vulnerability)
        let maps = reg["heat_maps"].as_array().unwrap();
        assert_eq!(maps.len(), 3);
        let count = |av: usize, l: usize, v: usize| maps[av - 1]["cells"][l - 1][v - 1]["count"].as_u64().unwrap();
        assert_eq!(count(3, 2, 2), 1);
        assert_eq!(count(3, 3, 3), 1);
        assert_eq!(count(1, 2, 3), 1);
        let total: u64 = maps.iter().flat_map(|m| m["cells"].as_array().unwrap().iter().flat_map(|r| r.as_array().unwrap().iter())).map(|c| c["count"].as_u64().unwrap()).sum();
        assert_eq!(total, 3);
        assert_eq!(maps[2]["cells"][2][2]["value"], 27);
        // filters
        let f = env.api(Method::GET, &format!("{url}?above_threshold=true"), &officer, None).await.json();
        assert_eq!(f["items"].as_array().unwrap().len(), 2);
        let f = env.api(Method::GET, &format!("{url}?treatment=accept"), &officer, None).await.json();
        assert_eq!(f["items"].as_array().unwrap().len(), 1);
        let f = env.api(Method::GET, &format!("{url}?system_id={sys}"), &officer, None).await.json();
        assert_eq!(f["items"].as_array().unwrap().len(), 1);
        let r = env.api(Method::GET, &format!("{url}?treatment=ignore"), &officer, None).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);

        // the page embeds the heat map as an inline SVG element
        let s = env.login("officer.police", PASSWORD).await;
        let page = env.request(Method::GET, &format!("/orgs/{pol}/risks"), &s.headers(), None).await;
        assert_eq!(page.status, StatusCode::OK);
        let html = page.text();
        assert!(html.contains("<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"heatmap\""));
        assert!(html.contains("data-av=\"3\" data-l=\"3\" data-v=\"3\" data-count=\"1\""));
        assert_eq!(html.matches("class=\"cell\"").count(), 27);
    }

    async fn callers_outside_scope_are_refused(env: TestEnv) {
        let police = env.token_for("officer.police").await;
        let health = env.token_for("officer.health").await;
        let hlt = env.org("PIF-HLT").await;
        let pol = env.org("PIF-POL").await;
        let sys = env.api(Method::POST, &format!("/api/v1/orgs/{hlt}/systems"), &health, Some(json!({"name": "醫療資訊系統", "owner": "企劃資訊科"}))).await;
        assert_eq!(sys.status, StatusCode::CREATED, "{}", sys.text());
        let sys = sys.json()["id"].as_str().unwrap().to_string();
        let rs = shipped();
        let ans = answers(rs.questionnaire(), None);
        for (m, path, body) in [
            (Method::GET, format!("/api/v1/orgs/{hlt}/obligations"), None),
            (Method::POST, format!("/api/v1/orgs/{hlt}/obligations/completions"), Some(json!({"rule_id": "T5.soc", "note": "x"}))),
            (Method::POST, format!("/api/v1/orgs/{hlt}/overrides"), Some(json!({"rule_id": "T5.soc", "kind": "exempt", "reason": "r"}))),
            (Method::GET, format!("/api/v1/orgs/{hlt}/systems"), None),
            (Method::POST, format!("/api/v1/orgs/{hlt}/systems"), Some(json!({"name": "x", "owner": "y"}))),
            (Method::GET, format!("/api/v1/systems/{sys}"), None),
            (Method::POST, format!("/api/v1/systems/{sys}/grading"), Some(json!({"answers": ans, "assessor": "a", "approver": "b"}))),
            (Method::PUT, format!("/api/v1/systems/{sys}/controls/AC-01"), Some(json!({"status": "implemented", "owner": "x"}))),
            (Method::GET, format!("/api/v1/orgs/{hlt}/risks"), None),
            (Method::POST, format!("/api/v1/orgs/{hlt}/risks"), Some(json!({"asset": "a", "threat": "t", "weakness": "w", "asset_value": 1, "likelihood": 1, "vulnerability": 1, "treatment": "accept", "owner": "o"}))),
        ] {
            let r = env.api(m.clone(), &path, &police, body).await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{m} {path}: {}", r.text());
        }
        // a risk may not link a system of another organisation
        let r = env.api(Method::POST, &format!("/api/v1/orgs/{pol}/risks"), &police, Some(json!({"system_id": sys, "asset": "a", "threat": "t", "weakness": "w", "asset_value": 1, "likelihood": 1, "vulnerability": 1, "treatment": "accept", "owner": "o"}))).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text());
        // nothing was written for the health bureau by the police officer
        let d = env.api(Method::GET, &format!("/api/v1/systems/{sys}"), &health, None).await.json();
        assert!(d["gradings"].as_array().unwrap().is_empty());
        // read-only roles may read but not write
        let committee = env.token_for("committee.police").await;
        assert_eq!(env.api(Method::GET, &format!("/api/v1/orgs/{pol}/obligations"), &committee, None).await.status, StatusCode::OK);
        let r = env.api(Method::POST, &format!("/api/v1/orgs/{pol}/systems"), &committee, Some(json!({"name": "x", "owner": "y"}))).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text());
        // the auditor reads the county's agencies
        let auditor = env.token_for("auditor.pingtung").await;
        assert_eq!(env.api(Method::GET, &format!("/api/v1/systems/{sys}"), &auditor, None).await.status, StatusCode::OK);
        assert_eq!(env.api(Method::GET, &format!("/api/v1/orgs/{pol}/risks"), &auditor, None).await.status, StatusCode::OK);
        // pages too
        let s = env.login("officer.police", PASSWORD).await;
        for path in [format!("/orgs/{hlt}/compliance"), format!("/orgs/{hlt}/systems"), format!("/systems/{sys}"), format!("/orgs/{hlt}/risks")] {
            let r = env.request(Method::GET, &path, &s.headers(), None).await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}");
        }
        let mut h = s.headers();
        h.push(("content-type", "application/x-www-form-urlencoded"));
        let body = format!("_csrf={}&rule_id=T5.soc&note=x", s.csrf);
        let r = env.request(Method::POST, &format!("/orgs/{hlt}/compliance/complete"), &h, Some(body.into_bytes())).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        // a page form without the CSRF token is refused
        let r = env.request(Method::POST, &format!("/orgs/{pol}/compliance/complete"), &h, Some(b"_csrf=wrong&rule_id=T3.soc&note=x".to_vec())).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        let body = format!("_csrf={}&rule_id=T3.soc&note=%E5%AE%8C%E6%88%90", s.csrf);
        let r = env.request(Method::POST, &format!("/orgs/{pol}/compliance/complete"), &h, Some(body.into_bytes())).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        assert_eq!(r.location(), Some(format!("/orgs/{pol}/compliance?ok=compliance.completed").as_str()));
        let page = env.request(Method::GET, r.location().unwrap(), &s.headers(), None).await;
        assert!(page.text().contains("已登錄辦理完成"));
    }
}
