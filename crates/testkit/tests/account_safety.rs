//! Account safety (issue 8, items 2, 3, 6, 7, 8, 10 and 12): user
//! administration that cannot escalate, two-step verification for deputies,
//! login throttling behind a proxy, password changes, token and session
//! revocation, what a token may do to its owner's account, deputies, API-only
//! password changes and common passwords. Every test runs on SQLite and
//! PostgreSQL.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use zian_domain::audit::AuditEvent;
use zian_domain::{Deputy, OrgScope, Permission, Role};
use zian_storage::{AuditStore, AuthStore, PeopleStore};
use zian_testkit::http::send;
use zian_testkit::{Backend, PASSWORD, Resp, TestEnv, backend_tests, test_config};

/// A JSON request with headers (cookie, CSRF, forwarding) from `ip`.
async fn call(
    env: &TestEnv,
    method: Method,
    uri: &str,
    headers: &[(&str, &str)],
    body: Option<Value>,
    ip: [u8; 4],
) -> Resp {
    let mut h: Vec<(&str, &str)> = headers.to_vec();
    if body.is_some() {
        h.push(("content-type", "application/json"));
    }
    send(
        env,
        &method,
        uri,
        &h,
        body.map(|b| b.to_string().into_bytes()),
        ip,
    )
    .await
}

async fn login_from(env: &TestEnv, username: &str, password: &str, ip: [u8; 4]) -> Resp {
    call(
        env,
        Method::POST,
        "/api/v1/session",
        &[],
        Some(json!({"username": username, "password": password})),
        ip,
    )
    .await
}

/// The audit entries written after `seq`.
async fn audit_after(env: &TestEnv, seq: i64) -> Vec<zian_domain::audit::AuditEntry> {
    env.store
        .chain(&OrgScope::system_wide(), seq, 100_000)
        .await
        .expect("audit")
}

async fn audit_seq(env: &TestEnv) -> i64 {
    env.store
        .head(&OrgScope::system_wide())
        .await
        .expect("head")
        .seq
}

/// A demo environment with these settings.
async fn demo_with(backend: Backend, cfg: zian_app::AuthConfig) -> TestEnv {
    let env = TestEnv::empty(backend, cfg).await;
    env.app.seed_demo(PASSWORD).await.expect("seed demo");
    env
}

backend_tests! {
    /// Item 2: a system administrator at the root who also sits on an
    /// agency's committee is out of the agency CISO's reach: no password
    /// reset, no e-mail change, no deactivation, no role removal. The same
    /// CISO still administers the agency's own people.
    async fn an_agency_ciso_cannot_take_over_a_system_administrator(env: TestEnv) {
        let admin = env.principal("admin").await;
        let pol = env.org("PIF-POL").await;
        let root = env.org("ACS").await;
        let uid = env.make_user("double.police", "委員兼系統管理者", &pol, Role::CommitteeMember).await;
        let member = env.store.system_assignments(&uid, env.clock.unix()).await.unwrap().remove(0);
        env.app.grant_role(&admin, &uid, &root, Role::SystemAdmin).await.expect("admin role");
        let ciso = env.token_for("ciso.police").await;
        let before = env.store.system_credentials(&uid).await.unwrap().unwrap();

        let r = env.api(Method::POST, &format!("/api/v1/users/{uid}/password"), &ciso, Some(json!({"temporary_password": "Taken-Over-2026!"}))).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "password reset: {}", r.text());
        let r = env.api(Method::PATCH, &format!("/api/v1/users/{uid}"), &ciso, Some(json!({"email": "attacker@example.com"}))).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "e-mail change: {}", r.text());
        let r = env.api(Method::PATCH, &format!("/api/v1/users/{uid}"), &ciso, Some(json!({"active": false}))).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "deactivation: {}", r.text());
        let r = env.api(Method::DELETE, &format!("/api/v1/roles/{}", member.id), &ciso, None).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "role removal: {}", r.text());
        let after = env.store.system_credentials(&uid).await.unwrap().unwrap();
        assert_eq!(before.password_hash, after.password_hash);
        assert_eq!(before.user, after.user);
        assert_eq!(env.store.system_assignments(&uid, env.clock.unix()).await.unwrap().len(), 2);
        // the user page offers the CISO no edit controls
        assert!(!env.app.can_write_user(&env.principal("ciso.police").await, &uid).await.unwrap());

        // the agency's own people remain the CISO's to administer
        let officer = env.user_id("officer.police").await;
        let r = env.api(Method::POST, &format!("/api/v1/users/{officer}/password"), &ciso, Some(json!({"temporary_password": "Temp-Officer-2026!"}))).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text());
        // and the root administrator administers the double role holder
        let root_admin = env.token_for("admin").await;
        let r = env.api(Method::PATCH, &format!("/api/v1/users/{uid}"), &root_admin, Some(json!({"email": "double@example.tw"}))).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    }

    /// Item 3: a deputised administrator role carries its TOTP requirement;
    /// a vendor account is never made an administrator or CISO, own or
    /// deputised, and a deputyship recorded before that rule gives none.
    async fn deputies_carry_totp_and_vendors_never_govern(backend: Backend) {
        let env = demo_with(backend, test_config()).await;
        assert!(env.app.cfg.mfa_required_roles.contains(&Role::SystemAdmin));
        let admin = env.principal("admin").await;
        let root = env.org("ACS").await;
        let now = env.clock.unix();
        let it = env.user_id("it.police").await;
        env.app
            .create_deputy(&admin, zian_app::users::DeputyInput {
                principal_user_id: admin.user.id.clone(),
                deputy_user_id: it.clone(),
                org_id: root.clone(),
                role: Role::SystemAdmin,
                starts_at: now,
                ends_at: now + 7 * 86_400,
                reason: "休假".into(),
            })
            .await
            .expect("deputy");
        // the deputy signs in with a password: the session is good for
        // nothing until TOTP is set up
        let r = login_from(&env, "it.police", PASSWORD, [10, 3, 0, 1]).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let cookie = r.session_cookie();
        let r = call(&env, Method::GET, "/api/v1/orgs", &[("cookie", cookie.as_str())], None, [10, 3, 0, 1]).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "a deputy administrator without TOTP: {}", r.text());
        let r = call(&env, Method::GET, "/account", &[("cookie", cookie.as_str())], None, [10, 3, 0, 1]).await;
        assert_eq!(r.location(), Some("/account/mfa"));

        // a vendor is refused as the deputy of an administrator or a CISO …
        let vendor = env.user_id("vendor.acme").await;
        let admin_token = env.token_for("admin").await;
        let r = env.api(Method::POST, "/api/v1/deputies", &admin_token, Some(json!({"principal_user_id": admin.user.id, "deputy_user_id": vendor, "org_id": root, "role": "system_admin", "starts_at": "2026-11-21", "ends_at": "2026-11-28", "reason": "休假"}))).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
        assert_eq!(r.json()["error"]["field"], "deputy_user_id");
        assert!(r.json()["error"]["message"].as_str().unwrap().contains("委外廠商"), "{}", r.text());
        // … and as the holder of such a role; nor is a CISO made a vendor
        let pol = env.org("PIF-POL").await;
        let r = env.api(Method::POST, &format!("/api/v1/users/{vendor}/roles"), &admin_token, Some(json!({"org_id": pol, "role": "ciso"}))).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
        let ciso = env.user_id("ciso.police").await;
        let r = env.api(Method::POST, &format!("/api/v1/users/{ciso}/roles"), &admin_token, Some(json!({"org_id": pol, "role": "vendor"}))).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());

        // a deputyship for a vendor recorded before the rule grants nothing
        let d = Deputy {
            id: "legacy-deputy".into(),
            principal_user_id: admin.user.id.clone(),
            principal_name: String::new(),
            deputy_user_id: vendor.clone(),
            deputy_name: String::new(),
            org_id: root.clone(),
            org_name_zh: String::new(),
            role: Role::SystemAdmin,
            starts_at: now,
            ends_at: now + 86_400,
            reason: "舊資料".into(),
            created_by: None,
            revoked_at: None,
        };
        env.store.insert_deputy(&OrgScope::system_wide(), &d, AuditEvent::new("deputy.created"), now).await.expect("legacy deputy");
        let r = login_from(&env, "vendor.acme", PASSWORD, [10, 3, 0, 2]).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let cookie = r.session_cookie();
        let me = call(&env, Method::GET, "/api/v1/me", &[("cookie", cookie.as_str())], None, [10, 3, 0, 2]).await;
        assert_eq!(me.status, StatusCode::OK, "{}", me.text());
        let roles: Vec<String> = me.json()["roles"].as_array().unwrap().iter().map(|r| r["role"].as_str().unwrap().to_string()).collect();
        assert_eq!(roles, vec!["vendor"]);
        let r = call(&env, Method::GET, "/api/v1/orgs", &[("cookie", cookie.as_str())], None, [10, 3, 0, 2]).await;
        assert!(r.json()["items"].as_array().is_none_or(|v| v.is_empty()), "{}", r.text());
    }

    /// Item 6: behind a trusted reverse proxy every client is throttled on
    /// its own (the right-most untrusted X-Forwarded-For hop), so one client
    /// hammering the login does not lock everyone out; an untrusted peer's
    /// header is ignored.
    async fn behind_a_trusted_proxy_clients_are_throttled_apart(backend: Backend) {
        let mut cfg = test_config();
        cfg.mfa_required_roles.clear();
        cfg.trusted_proxies = vec!["127.0.0.1/32".into()];
        let env = demo_with(backend, cfg).await;
        let proxy = [127, 0, 0, 1];
        for n in 0..40 {
            let r = call(&env, Method::POST, "/api/v1/session", &[("x-forwarded-for", "203.0.113.66")], Some(json!({"username": format!("nobody{n}"), "password": "wrong"})), proxy).await;
            assert!(matches!(r.status, StatusCode::UNAUTHORIZED | StatusCode::TOO_MANY_REQUESTS), "{}", r.status);
        }
        let r = call(&env, Method::POST, "/api/v1/session", &[("x-forwarded-for", "203.0.113.66")], Some(json!({"username": "officer.police", "password": PASSWORD})), proxy).await;
        assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "the hammering client is throttled");
        // another client behind the same proxy signs in
        let r = call(&env, Method::POST, "/api/v1/session", &[("x-forwarded-for", "198.51.100.7, 203.0.113.9")], Some(json!({"username": "officer.police", "password": PASSWORD})), proxy).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        // the audit trail names the client, not the proxy
        let seq = audit_seq(&env).await - 1;
        let last = audit_after(&env, seq).await;
        assert_eq!(last.last().unwrap().ip.as_deref(), Some("203.0.113.9"));
        // the hammering client cannot escape by forging hops through an
        // untrusted peer: its header is ignored there
        for _ in 0..31 {
            let _ = call(&env, Method::POST, "/api/v1/session", &[("x-forwarded-for", "198.51.100.1")], Some(json!({"username": "nobody", "password": "wrong"})), [192, 0, 2, 1]).await;
        }
        let r = call(&env, Method::POST, "/api/v1/session", &[("x-forwarded-for", "198.51.100.2")], Some(json!({"username": "it.police", "password": PASSWORD})), [192, 0, 2, 1]).await;
        assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    }

    /// Item 6: a burst of failed logins writes a handful of audit entries —
    /// the failures up to the throttle, one entry when throttling starts and
    /// one summary with the count when the window is over — not one per
    /// attempt.
    async fn throttled_logins_are_audited_in_summary(env: TestEnv) {
        let seq = audit_seq(&env).await;
        for _ in 0..200 {
            let r = login_from(&env, "it.police", "wrong-password", [10, 6, 0, 1]).await;
            assert!(matches!(r.status, StatusCode::UNAUTHORIZED | StatusCode::TOO_MANY_REQUESTS), "{}", r.status);
        }
        let written = audit_after(&env, seq).await;
        assert!(written.len() <= 15, "{} audit entries for 200 failed logins: {:?}", written.len(), written.iter().map(|e| e.action.as_str()).collect::<Vec<_>>());
        // one entry as throttling starts for each key: the account name, then the address
        let started: Vec<String> = written.iter().filter(|e| e.action == "login.throttled").map(|e| serde_json::from_str::<Value>(&e.details).unwrap()["by"].as_str().unwrap().to_string()).collect();
        assert_eq!(started, vec!["account", "address"]);
        // the window over, the next attempt records how many were refused
        env.clock.advance(env.app.cfg.throttle_window_secs + 1);
        let seq = audit_seq(&env).await;
        let _ = login_from(&env, "it.police", "wrong-password", [10, 6, 0, 1]).await;
        let ended: Vec<Value> = audit_after(&env, seq).await.into_iter().filter(|e| e.action == "login.throttle_ended").map(|e| serde_json::from_str(&e.details).unwrap()).collect();
        assert_eq!(ended.len(), 2, "{ended:?}");
        // every refused attempt is counted once, under the key that refused it
        let refused: u64 = ended.iter().map(|d| d["throttled_attempts"].as_u64().unwrap()).sum();
        assert_eq!(refused, u64::from(200 - env.app.cfg.account_throttle_attempts), "{ended:?}");
    }

    /// Item 6: a locked account and an unknown one are answered alike, so
    /// the answer does not tell which usernames exist.
    async fn locked_and_unknown_accounts_are_answered_alike(env: TestEnv) {
        for _ in 0..5 {
            let r = login_from(&env, "it.police", "wrong-password", [10, 7, 0, 1]).await;
            assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        }
        let locked = login_from(&env, "it.police", PASSWORD, [10, 7, 0, 2]).await;
        let unknown = login_from(&env, "nobody.police", PASSWORD, [10, 7, 0, 3]).await;
        let wrong = login_from(&env, "officer.police", "wrong-password", [10, 7, 0, 4]).await;
        assert_eq!(locked.status, StatusCode::UNAUTHORIZED, "{}", locked.text());
        assert_eq!(locked.status, unknown.status);
        assert_eq!(locked.json(), unknown.json());
        assert_eq!(locked.json(), wrong.json());
        // the lock is real: it holds for the lock period
        env.clock.advance(env.app.cfg.lockout_secs + 1);
        assert_eq!(login_from(&env, "it.police", PASSWORD, [10, 7, 0, 2]).await.status, StatusCode::OK);
    }

    /// Item 7: the current password cannot be guessed without limit on
    /// `/me/password`, and a change ends the user's other sessions.
    async fn a_password_change_is_throttled_and_ends_other_sessions(env: TestEnv) {
        let s1 = env.login("officer.police", PASSWORD).await;
        let s2 = env.login("officer.police", PASSWORD).await;
        let change = |current: &str| json!({"current_password": current, "new_password": "Brand-New-Pass-2026"});
        for n in 0..env.app.cfg.password_change_attempts {
            let r = env.request(Method::POST, "/api/v1/me/password", &[s1.headers(), vec![("content-type", "application/json")]].concat(), Some(change(&format!("guess-{n}")).to_string().into_bytes())).await;
            assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.text());
        }
        // even the right one is refused now, for the rest of the window
        let r = env.request(Method::POST, "/api/v1/me/password", &[s1.headers(), vec![("content-type", "application/json")]].concat(), Some(change(PASSWORD).to_string().into_bytes())).await;
        assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.text());
        env.clock.advance(env.app.cfg.throttle_window_secs + 1);
        let r = env.request(Method::POST, "/api/v1/me/password", &[s1.headers(), vec![("content-type", "application/json")]].concat(), Some(change(PASSWORD).to_string().into_bytes())).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text());
        // the session it was made in goes on; the other one is over
        assert_eq!(env.request(Method::GET, "/api/v1/me", &s1.headers(), None).await.status, StatusCode::OK);
        assert_eq!(env.request(Method::GET, "/api/v1/me", &s2.headers(), None).await.status, StatusCode::UNAUTHORIZED);
    }

    /// Item 8: an administrator's password reset, a deactivation and a role
    /// removal end the user's sessions and revoke the user's tokens.
    async fn reset_deactivation_and_role_removal_revoke_tokens_and_sessions(env: TestEnv) {
        let admin = env.token_for("admin").await;
        // reset
        let officer = env.user_id("officer.police").await;
        let token = env.token_for("officer.police").await;
        let s = env.login("officer.police", PASSWORD).await;
        let r = env.api(Method::POST, &format!("/api/v1/users/{officer}/password"), &admin, Some(json!({"temporary_password": "Temp-Reset-2026!"}))).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text());
        assert_eq!(env.api(Method::GET, "/api/v1/me", &token, None).await.status, StatusCode::UNAUTHORIZED, "the token outlived the reset");
        assert_eq!(env.request(Method::GET, "/api/v1/me", &s.headers(), None).await.status, StatusCode::UNAUTHORIZED);
        // deactivation, and the token stays revoked after reactivation
        let it = env.user_id("it.police").await;
        let token = env.token_for("it.police").await;
        let s = env.login("it.police", PASSWORD).await;
        let r = env.api(Method::PATCH, &format!("/api/v1/users/{it}"), &admin, Some(json!({"active": false}))).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        assert_eq!(env.request(Method::GET, "/api/v1/me", &s.headers(), None).await.status, StatusCode::UNAUTHORIZED);
        let r = env.api(Method::PATCH, &format!("/api/v1/users/{it}"), &admin, Some(json!({"active": true}))).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        assert_eq!(env.api(Method::GET, "/api/v1/me", &token, None).await.status, StatusCode::UNAUTHORIZED, "the token survived a deactivation");
        // role removal
        let member = env.user_id("committee.police").await;
        let token = env.token_for("committee.police").await;
        let s = env.login("committee.police", PASSWORD).await;
        let roles = env.api(Method::GET, &format!("/api/v1/users/{member}/roles"), &admin, None).await.json();
        let rid = roles[0]["id"].as_str().unwrap().to_string();
        assert_eq!(env.api(Method::DELETE, &format!("/api/v1/roles/{rid}"), &admin, None).await.status, StatusCode::NO_CONTENT);
        assert_eq!(env.api(Method::GET, "/api/v1/me", &token, None).await.status, StatusCode::UNAUTHORIZED, "the token survived a role removal");
        assert_eq!(env.request(Method::GET, "/api/v1/me", &s.headers(), None).await.status, StatusCode::UNAUTHORIZED);
        let listed = env.store.system_tokens(&member).await.unwrap();
        assert!(listed.iter().all(|t| t.revoked_at.is_some()));
    }

    /// Item 8: tokens expire by default; only an administrator makes one
    /// that never does.
    async fn tokens_expire_by_default(env: TestEnv) {
        let s = env.login("officer.police", PASSWORD).await;
        let pol = env.org("PIF-POL").await;
        let h = [s.headers(), vec![("content-type", "application/json")]].concat();
        let r = env.request(Method::POST, "/api/v1/tokens", &h, Some(json!({"name": "整合", "org_id": pol, "permissions": ["org_read"]}).to_string().into_bytes())).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        assert_eq!(r.json()["token"]["never_expires"], false);
        let secret = r.json()["secret"].as_str().unwrap().to_string();
        let t = &env.store.system_tokens(&env.user_id("officer.police").await).await.unwrap()[0];
        assert_eq!(t.expires_at, Some(env.clock.unix() + env.app.cfg.token_default_days * 86_400));
        let r = env.request(Method::POST, "/api/v1/tokens", &h, Some(json!({"name": "永久", "org_id": pol, "permissions": ["org_read"], "never_expires": true}).to_string().into_bytes())).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
        assert_eq!(r.json()["error"]["field"], "never_expires");
        // an administrator may
        let a = env.login("admin", PASSWORD).await;
        let root = env.org("ACS").await;
        let r = env.request(Method::POST, "/api/v1/tokens", &[a.headers(), vec![("content-type", "application/json")]].concat(), Some(json!({"name": "永久", "org_id": root, "permissions": ["org_read"], "never_expires": true}).to_string().into_bytes())).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        assert_eq!(r.json()["token"]["never_expires"], true);
        let forever = r.json()["secret"].as_str().unwrap().to_string();
        // past the default lifetime
        env.clock.advance(env.app.cfg.token_default_days * 86_400 + 1);
        assert_eq!(env.api(Method::GET, "/api/v1/me", &secret, None).await.status, StatusCode::UNAUTHORIZED);
        assert_eq!(env.api(Method::GET, "/api/v1/me", &forever, None).await.status, StatusCode::OK);
    }

    /// Item 10: a read-only token reads `/me` but does not manage the
    /// account: no ending sessions, no language change, no token list or
    /// creation, no password change.
    async fn a_read_only_token_cannot_manage_its_owners_account(env: TestEnv) {
        let p = env.principal("officer.police").await;
        let pol = env.org("PIF-POL").await;
        let t = env.app.create_token(&p, "唯讀", &pol, &[Permission::OrgRead], Some(30), false).await.unwrap().secret;
        let s = env.login("officer.police", PASSWORD).await;
        assert_eq!(env.api(Method::GET, "/api/v1/me", &t, None).await.status, StatusCode::OK);
        let refused = [
            (Method::DELETE, "/api/v1/sessions", None),
            (Method::PUT, "/api/v1/me/locale", Some(json!({"locale": "en"}))),
            (Method::GET, "/api/v1/tokens", None),
            (Method::POST, "/api/v1/tokens", Some(json!({"name": "x", "org_id": pol, "permissions": ["org_read"]}))),
            (Method::POST, "/api/v1/me/password", Some(json!({"current_password": PASSWORD, "new_password": "Brand-New-Pass-2026"}))),
        ];
        for (m, uri, body) in refused {
            let r = env.api(m.clone(), uri, &t, body).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{m} {uri} with a read-only token: {}", r.text());
        }
        // nothing happened
        assert_eq!(env.request(Method::GET, "/api/v1/me", &s.headers(), None).await.status, StatusCode::OK);
        let me = env.store.system_credentials(&p.user.id).await.unwrap().unwrap();
        assert_eq!(me.user.locale, "zh-TW");
        assert_eq!(env.store.system_tokens(&p.user.id).await.unwrap().len(), 1);
    }

    /// Item 12: who may designate is checked before what is designated, so
    /// a caller without the right learns nothing about others' roles.
    async fn deputies_check_the_permission_before_the_role(env: TestEnv) {
        let officer = env.token_for("officer.police").await;
        let ciso = env.user_id("ciso.police").await;
        let it = env.user_id("it.police").await;
        let pol = env.org("PIF-POL").await;
        for role in ["ciso", "it_staff"] {
            let r = env.api(Method::POST, "/api/v1/deputies", &officer, Some(json!({"principal_user_id": ciso, "deputy_user_id": it, "org_id": pol, "role": role, "starts_at": "2026-11-22", "ends_at": "2026-11-29", "reason": "休假"}))).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{role}: {}", r.text());
        }
    }

    /// Item 12: someone who uses the API alone replaces a temporary password
    /// through the API.
    async fn an_api_only_user_replaces_a_temporary_password(env: TestEnv) {
        let admin = env.token_for("admin").await;
        let it = env.user_id("it.police").await;
        let r = env.api(Method::POST, &format!("/api/v1/users/{it}/password"), &admin, Some(json!({"temporary_password": "Temp-Reset-2026!"}))).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text());
        let s = env.login("it.police", "Temp-Reset-2026!").await;
        assert_eq!(env.request(Method::GET, "/api/v1/me", &s.headers(), None).await.status, StatusCode::FORBIDDEN, "nothing else before the change");
        let h = [s.headers(), vec![("content-type", "application/json")]].concat();
        let r = env.request(Method::POST, "/api/v1/me/password", &h, Some(json!({"current_password": "Temp-Reset-2026!", "new_password": "Own-Choice-Pass-2026"}).to_string().into_bytes())).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text());
        assert_eq!(env.request(Method::GET, "/api/v1/me", &s.headers(), None).await.status, StatusCode::OK);
        // the CSRF token is still required
        let s = env.login("it.police", "Own-Choice-Pass-2026").await;
        let r = env.request(Method::POST, "/api/v1/me/password", &[("cookie", s.cookie.as_str()), ("content-type", "application/json")], Some(json!({"current_password": "Own-Choice-Pass-2026", "new_password": "Other-Choice-Pass-2026"}).to_string().into_bytes())).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
    }

    /// Item 12: the commonest passwords are refused, whatever their case,
    /// with a localised reason.
    async fn the_commonest_passwords_are_refused(env: TestEnv) {
        let admin = env.token_for("admin").await;
        let hlt = env.org("PIF-HLT").await;
        for (n, pw) in ["Password1", "P@ssw0rd", "pASSWORD1", "Welcome1!"].into_iter().enumerate() {
            let r = env.api(Method::POST, "/api/v1/users", &admin, Some(json!({"username": format!("common{n}"), "display_name": "常見密碼", "home_org_id": hlt, "password": pw}))).await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{pw}: {}", r.text());
            assert!(r.json()["error"]["violations"].as_array().unwrap().contains(&json!("password.common")), "{pw}: {}", r.text());
            assert!(r.json()["error"]["message"].as_str().unwrap().contains("常見密碼"), "{}", r.text());
        }
        let s = env.login("officer.police", PASSWORD).await;
        let h = [s.headers(), vec![("content-type", "application/json")]].concat();
        let r = env.request(Method::POST, "/api/v1/me/password", &h, Some(json!({"current_password": PASSWORD, "new_password": "P@ssw0rd"}).to_string().into_bytes())).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
        let officer = env.user_id("officer.police").await;
        let r = env.api(Method::POST, &format!("/api/v1/users/{officer}/password"), &admin, Some(json!({"temporary_password": "Password1"}))).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    }
}
