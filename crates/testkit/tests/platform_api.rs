//! End-to-end API behaviour on every backend: login, organisations, users,
//! roles, deputies, tokens, audit trail.

use axum::http::{Method, StatusCode};
use serde_json::json;
use zian_testkit::{PASSWORD, backend_tests};

backend_tests! {
    async fn organisations_users_and_roles_round_trip(env: TestEnv) {
        let admin = env.token_for("admin").await;
        let pol = env.org("PIF-POL").await;

        // list with filter and sort
        let r = env.api(Method::GET, "/api/v1/orgs?level=C&sort=name", &admin, None).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let names: Vec<String> = r.json()["items"].as_array().unwrap().iter().map(|o| o["name_zh"].as_str().unwrap().to_string()).collect();
        assert_eq!(names.len(), 2, "{names:?}");
        assert!(names.contains(&"屏東縣政府衛生局".to_string()));

        // create a unit under the police bureau
        let r = env
            .api(Method::POST, "/api/v1/orgs", &admin, Some(json!({"parent_id": pol, "name_zh": "勤務指揮中心", "tier": "unit", "kind": "public"})))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let unit = r.json()["id"].as_str().unwrap().to_string();
        assert_eq!(r.json()["depth"], 4);

        // move it under the health bureau, history keeps the old parent
        let hlt = env.org("PIF-HLT").await;
        let r = env.api(Method::POST, &format!("/api/v1/orgs/{unit}/move"), &admin, Some(json!({"parent_id": hlt}))).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        assert!(r.json()["path"].as_str().unwrap().contains(hlt.as_str()));
        let h = env.api(Method::GET, &format!("/api/v1/orgs/{unit}/history"), &admin, None).await.json();
        let moved = h.as_array().unwrap().iter().find(|e| e["change"] == "moved").expect("moved entry");
        assert_eq!(moved["old_value"], json!(pol));
        assert_eq!(moved["new_value"], json!(hlt));

        // a user, a weak password refused with the policy codes
        let r = env
            .api(Method::POST, "/api/v1/users", &admin, Some(json!({"username": "chen.test", "display_name": "陳測試", "home_org_id": hlt, "password": "short"})))
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.json()["error"]["code"], "password.policy");
        assert!(r.json()["error"]["violations"].as_array().unwrap().contains(&json!("password.too_short")));
        let r = env
            .api(Method::POST, "/api/v1/users", &admin, Some(json!({"username": "chen.test", "display_name": "陳測試", "home_org_id": hlt, "password": "Temp-Pass-2026"})))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let uid = r.json()["id"].as_str().unwrap().to_string();
        assert_eq!(r.json()["must_change_password"], true);
        // duplicate username
        let r = env
            .api(Method::POST, "/api/v1/users", &admin, Some(json!({"username": "chen.test", "display_name": "x", "home_org_id": hlt, "password": "Temp-Pass-2026"})))
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT);

        // grant a role, see it, revoke it
        let r = env.api(Method::POST, &format!("/api/v1/users/{uid}/roles"), &admin, Some(json!({"org_id": hlt, "role": "it_staff"}))).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let rid = r.json()["id"].as_str().unwrap().to_string();
        let roles = env.api(Method::GET, &format!("/api/v1/users/{uid}/roles"), &admin, None).await.json();
        assert_eq!(roles.as_array().unwrap().len(), 1);
        assert_eq!(env.api(Method::DELETE, &format!("/api/v1/roles/{rid}"), &admin, None).await.status, StatusCode::NO_CONTENT);
        let roles = env.api(Method::GET, &format!("/api/v1/users/{uid}/roles"), &admin, None).await.json();
        assert!(roles.as_array().unwrap().is_empty());

        // the audit trail recorded it all, in the admin's scope
        let a = env.api(Method::GET, "/api/v1/audit?action=role.&limit=10", &admin, None).await.json();
        let actions: Vec<&str> = a["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
        assert!(actions.contains(&"role.granted") && actions.contains(&"role.revoked"), "{actions:?}");
        let rep = env.app.verify_audit_chain(Vec::new(), |_| {}).await.unwrap();
        assert!(rep.broken.is_none(), "{rep:?}");
        assert!(rep.checked > 20);
    }

    async fn ciso_cannot_escalate_or_reach_outside_subtree(env: TestEnv) {
        let ciso = env.token_for("ciso.police").await;
        let pol = env.org("PIF-POL").await;
        let officer = env.user_id("officer.police").await;
        // a CISO may grant an IT role inside the bureau …
        let r = env
            .api(
                Method::POST,
                &format!("/api/v1/users/{officer}/roles"),
                &ciso,
                Some(json!({"org_id": pol, "role": "it_staff"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        // … but not system administration (no escalation)
        let r = env
            .api(
                Method::POST,
                &format!("/api/v1/users/{officer}/roles"),
                &ciso,
                Some(json!({"org_id": pol, "role": "system_admin"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text());
        // and not in the sibling health bureau, which it cannot even see
        let hlt = env.org("PIF-HLT").await;
        let r = env
            .api(Method::GET, &format!("/api/v1/orgs/{hlt}"), &ciso, None)
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        let r = env
            .api(
                Method::POST,
                &format!("/api/v1/users/{officer}/roles"),
                &ciso,
                Some(json!({"org_id": hlt, "role": "it_staff"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
    }

    async fn sessions_idle_timeout_lockout_and_csrf(env: TestEnv) {
        let s = env.login("officer.police", PASSWORD).await;
        let me = env
            .request(Method::GET, "/api/v1/me", &s.headers(), None)
            .await;
        assert_eq!(me.status, StatusCode::OK);
        assert_eq!(me.json()["user"]["username"], "officer.police");
        // unsafe request without the CSRF header is refused
        let r = env
            .request(
                Method::PUT,
                "/api/v1/me/locale",
                &[
                    ("cookie", s.cookie.as_str()),
                    ("content-type", "application/json"),
                ],
                Some(br#"{"locale":"en"}"#.to_vec()),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        let mut h = s.headers();
        h.push(("content-type", "application/json"));
        let r = env
            .request(
                Method::PUT,
                "/api/v1/me/locale",
                &h,
                Some(br#"{"locale":"en"}"#.to_vec()),
            )
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT);
        // English errors now
        let r = env
            .request(Method::GET, "/api/v1/orgs/nope", &s.headers(), None)
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        assert_eq!(
            r.json()["error"]["message"],
            "Not found, or you may not see it."
        );
        // 15 minutes idle: the session is gone
        env.clock.advance(15 * 60 + 1);
        let r = env
            .request(Method::GET, "/api/v1/me", &s.headers(), None)
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        assert_eq!(r.json()["error"]["code"], "auth.session_expired");

        // five wrong passwords lock the account, even the right one then fails
        for _ in 0..5 {
            let r = env
                .request(
                    Method::POST,
                    "/api/v1/session",
                    &[("content-type", "application/json")],
                    Some(br#"{"username":"it.police","password":"wrong"}"#.to_vec()),
                )
                .await;
            assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        }
        let body = json!({"username": "it.police", "password": PASSWORD})
            .to_string()
            .into_bytes();
        let r = env
            .request(
                Method::POST,
                "/api/v1/session",
                &[("content-type", "application/json")],
                Some(body.clone()),
            )
            .await;
        // answered like a wrong password (a lock tells which names exist)
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.text());
        // after the lock period it works again
        env.clock.advance(15 * 60 + 1);
        let r = env
            .request(
                Method::POST,
                "/api/v1/session",
                &[("content-type", "application/json")],
                Some(body),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    }

    async fn totp_login_and_recovery_codes(env: TestEnv) {
        let p = env.principal("ciso.police").await;
        let setup = env.app.begin_totp(&p).await.unwrap();
        let secret = zian_domain::totp::secret_from_base32(&setup.secret_base32).unwrap();
        let code = zian_domain::totp::code_at(&secret, env.clock.unix());
        let codes = env.app.confirm_totp(&p, &code).await.unwrap();
        assert_eq!(codes.len(), 10);
        // a new login needs the second factor before the API answers
        let s = env.login("ciso.police", PASSWORD).await;
        let r = env
            .request(Method::GET, "/api/v1/me", &s.headers(), None)
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        let mut h = s.headers();
        h.push(("content-type", "application/json"));
        // the code already used at enrolment is refused (replay)
        let r = env
            .request(
                Method::POST,
                "/api/v1/session/mfa",
                &h,
                Some(json!({"code": code}).to_string().into_bytes()),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        env.clock.advance(30);
        let code = zian_domain::totp::code_at(&secret, env.clock.unix());
        let r = env
            .request(
                Method::POST,
                "/api/v1/session/mfa",
                &h,
                Some(json!({"code": code}).to_string().into_bytes()),
            )
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text());
        assert_eq!(
            env.request(Method::GET, "/api/v1/me", &s.headers(), None)
                .await
                .status,
            StatusCode::OK
        );
        // a recovery code works once
        let s2 = env.login("ciso.police", PASSWORD).await;
        let mut h2 = s2.headers();
        h2.push(("content-type", "application/json"));
        let body = json!({"code": codes[0]}).to_string().into_bytes();
        assert_eq!(
            env.request(Method::POST, "/api/v1/session/mfa", &h2, Some(body.clone()))
                .await
                .status,
            StatusCode::NO_CONTENT
        );
        let s3 = env.login("ciso.police", PASSWORD).await;
        let mut h3 = s3.headers();
        h3.push(("content-type", "application/json"));
        assert_eq!(
            env.request(Method::POST, "/api/v1/session/mfa", &h3, Some(body))
                .await
                .status,
            StatusCode::UNAUTHORIZED
        );
    }
}
