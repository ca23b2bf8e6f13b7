//! Sign-in through the agency's LDAP directory (issue 11), against a real
//! OpenLDAP server (`zian_testkit::slapd`) over StartTLS and LDAPS with a
//! CA generated for the test: first sign-in creates the account, groups map
//! to roles at organisations, hand-granted roles survive a re-mapping, an
//! entry removed from the directory turns the account off (at sign-in and
//! by the sync), TOTP stays required for administrators, local passwords
//! keep working, and a server whose certificate is not trusted is refused.
//! Every test runs on SQLite and PostgreSQL.

use axum::http::{Method, StatusCode};
use zian_app::directory::{DirectoryConfig, GroupRole, LdapConfig};
use zian_app::{AppError, RequestMeta};
use zian_domain::Role;
use zian_storage::{AuthStore, DirectoryStore};
use zian_testkit::http::audit_actions;
use zian_testkit::slapd::{SERVICE_DN, Slapd};
use zian_testkit::{PASSWORD, TestEnv, backend_tests, test_config};

const OFFICERS: &str = "cn=vans-officers,ou=groups,dc=example,dc=tw";
const ADMINS: &str = "cn=zian-admins,ou=groups,dc=example,dc=tw";
const AUDITORS: &str = "cn=auditors,ou=groups,dc=example,dc=tw";
const CHEN_PW: &str = "Ldap-Chen-2026!";

fn ldap_config(s: &Slapd, url: &str) -> DirectoryConfig {
    DirectoryConfig {
        ldap: Some(LdapConfig {
            url: url.to_string(),
            ca_file: Some(s.ca_file.clone()),
            allow_insecure: false,
            bind_dn: Some(SERVICE_DN.into()),
            bind_password_env: None,
            bind_password_file: Some(s.service_password_file()),
            user_base_dn: "ou=people,dc=example,dc=tw".into(),
            user_filter: "(uid={username})".into(),
            user_dn_template: None,
            name_attr: "cn".into(),
            mail_attr: "mail".into(),
            timeout_secs: 10,
            group_roles: vec![
                GroupRole {
                    group: OFFICERS.to_uppercase(),
                    role: Role::SecurityOfficer,
                    org: "PIF-POL".into(),
                },
                GroupRole {
                    group: AUDITORS.into(),
                    role: Role::Auditor,
                    org: "PIF".into(),
                },
                GroupRole {
                    group: ADMINS.into(),
                    role: Role::SystemAdmin,
                    org: "ACS".into(),
                },
            ],
        }),
        oidc: None,
    }
}

/// A directory with chen (officers), lin (administrators) and wang (no
/// mapped group).
fn directory() -> Option<Slapd> {
    let s = Slapd::start()?;
    let chen = s.add_person("chen", "陳志明", CHEN_PW);
    let lin = s.add_person("lin", "林管理", "Ldap-Lin-2026!");
    let wang = s.add_person("wang", "王小明", "Ldap-Wang-2026!");
    // groupOfNames needs a member: the service account stays in each
    s.add_group("vans-officers", &[SERVICE_DN, &chen]);
    s.add_group("zian-admins", &[SERVICE_DN, &lin]);
    s.add_group("auditors", &[SERVICE_DN]);
    s.add_group("others", &[SERVICE_DN, &wang]);
    Some(s)
}

/// The environment with the directory switched on (the service account's
/// password read from a file, as a deployment may).
fn with_ldap(env: TestEnv, s: &Slapd, url: &str) -> TestEnv {
    let app = env
        .app
        .clone()
        .with_directory(ldap_config(s, url))
        .expect("directory config");
    env.with_app(app)
}

fn meta() -> RequestMeta {
    RequestMeta {
        ip: Some("192.0.2.10".into()),
        user_agent: None,
    }
}

async fn roles_of(env: &TestEnv, username: &str) -> Vec<(String, Role)> {
    let id = env.user_id(username).await;
    let mut v: Vec<_> = env
        .store
        .system_assignments(&id, env.clock.unix())
        .await
        .expect("assignments")
        .into_iter()
        .map(|a| (a.org_path.clone(), a.role))
        .collect();
    v.sort();
    v
}

backend_tests! {
    /// chen signs in for the first time over StartTLS: the account is
    /// created with the officer role at the police department from the
    /// group, tied to the entry's DN, with no usable local password; the
    /// login is audited like a local one; wrong and empty passwords and
    /// people without a mapped group are refused; the demo administrator's
    /// local password keeps working.
    async fn first_sign_in_creates_the_user_with_mapped_roles(env: TestEnv) {
        let Some(s) = directory() else { return };
        let env = with_ldap(env, &s, &s.ldap_url.clone());
        let police = env.org("PIF-POL").await;

        let out = env.app.login("chen", CHEN_PW, &meta()).await.expect("ldap login");
        assert!(!out.needs_mfa);
        let c = env.store.system_credentials_by_username("chen").await.unwrap().expect("created");
        assert_eq!(c.user.display_name, "陳志明");
        assert_eq!(c.user.email, "chen@example.tw");
        assert_eq!(c.user.home_org_id, police);
        let account = env.store.system_directory_account(&c.user.id).await.unwrap().expect("identity");
        assert_eq!(account.subject, "uid=chen,ou=people,dc=example,dc=tw");
        assert_eq!(account.provider, "ldap");
        let roles = roles_of(&env, "chen").await;
        assert_eq!(roles.len(), 1, "{roles:?}");
        assert_eq!(roles[0].1, Role::SecurityOfficer);
        let assignments = env.store.system_assignments(&c.user.id, env.clock.unix()).await.unwrap();
        assert_eq!(assignments[0].org_id, police);
        let actions = audit_actions(&env, "").await;
        for a in ["directory.user_created", "directory.roles_synced", "login.success"] {
            assert!(actions.iter().any(|x| x == a), "{a} missing from {actions:?}");
        }

        // the session works through the web layer, as the officer
        let r = env.request(
            Method::POST,
            "/api/v1/session",
            &[("content-type", "application/json")],
            Some(serde_json::json!({"username": "chen", "password": CHEN_PW}).to_string().into_bytes()),
        ).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());

        // wrong, empty, unknown, unmapped: the same refusal
        for (u, p) in [("chen", "wrong-password"), ("chen", ""), ("nobody", "x"), ("wang", "Ldap-Wang-2026!")] {
            let e = env.app.login(u, p, &meta()).await.unwrap_err();
            assert!(matches!(e, AppError::InvalidCredentials), "{u}: {e:?}");
        }
        assert!(env.store.system_credentials_by_username("wang").await.unwrap().is_none(), "no account without a mapped group");
        // failures count toward the lockout as for local accounts
        let fresh = env.store.system_credentials_by_username("chen").await.unwrap().unwrap();
        assert_eq!(fresh.failed_logins, 2, "the wrong and the empty password were counted");
        // the directory account has no local password: with LDAP off it cannot sign in
        let local_only = env.app.clone().with_directory(DirectoryConfig::default()).unwrap();
        assert!(matches!(local_only.login("chen", CHEN_PW, &meta()).await, Err(AppError::InvalidCredentials)));
        // break-glass: the local administrator still signs in with the local password
        env.app.login("admin", PASSWORD, &meta()).await.expect("local login");
    }

    /// Each sign-in re-maps the groups: a new group adds its role, a group
    /// left takes its role away, and a role an administrator granted by
    /// hand is left alone.
    async fn roles_follow_the_groups_and_manual_grants_stay(env: TestEnv) {
        let Some(s) = directory() else { return };
        let env = with_ldap(env, &s, &s.ldaps_url.clone());
        env.app.login("chen", CHEN_PW, &meta()).await.expect("ldaps login");
        let chen = env.user_id("chen").await;
        // an administrator grants the committee role by hand
        let admin = env.principal("admin").await;
        let police = env.org("PIF-POL").await;
        env.app.grant_role(&admin, &chen, &police, Role::CommitteeMember).await.expect("manual grant");

        s.set_member(OFFICERS, "uid=chen,ou=people,dc=example,dc=tw", true);
        s.set_member(AUDITORS, "uid=chen,ou=people,dc=example,dc=tw", false);
        env.app.login("chen", CHEN_PW, &meta()).await.expect("second login");
        let roles: Vec<Role> = roles_of(&env, "chen").await.into_iter().map(|r| r.1).collect();
        assert!(roles.contains(&Role::Auditor), "{roles:?}");
        assert!(roles.contains(&Role::CommitteeMember), "manual grant kept: {roles:?}");
        assert!(!roles.contains(&Role::SecurityOfficer), "left group's role revoked: {roles:?}");

        // unchanged groups: no new audit entry for the mapping
        let before = audit_actions(&env, "directory.roles_synced").await.len();
        env.app.login("chen", CHEN_PW, &meta()).await.expect("third login");
        assert_eq!(audit_actions(&env, "directory.roles_synced").await.len(), before);
    }

    /// An entry removed from the directory: the next sign-in is refused and
    /// the account turned off (its sessions end); the sync finds the others
    /// without anyone signing in; a returning entry is let back in.
    async fn removed_entries_disable_the_account(env: TestEnv) {
        let Some(s) = directory() else { return };
        let env = with_ldap(env, &s, &s.ldap_url.clone());
        let chen_session = env.app.login("chen", CHEN_PW, &meta()).await.expect("chen");
        let lin_session = env.app.login("lin", "Ldap-Lin-2026!", &meta()).await.expect("lin");
        let report = env.app.directory_sync_users().await.expect("sync");
        assert_eq!((report.checked, report.disabled.len()), (2, 0));

        s.delete("uid=chen,ou=people,dc=example,dc=tw");
        assert!(matches!(env.app.login("chen", CHEN_PW, &meta()).await, Err(AppError::InvalidCredentials)));
        let c = env.store.system_credentials_by_username("chen").await.unwrap().unwrap();
        assert!(!c.user.active, "disabled at sign-in");
        assert!(env.app.authenticate_session(&chen_session.session_token, &meta()).await.is_err(), "session ended");

        s.delete("uid=lin,ou=people,dc=example,dc=tw");
        env.app.authenticate_session(&lin_session.session_token, &meta()).await.expect("lin still in before the sync");
        // the nightly job does it
        let now = env.clock.unix();
        let (job, _) = env.app.enqueue_job(zian_domain::jobs::NewJob { kind: "directory.sync".into(), payload: "{}".into(), org_id: None, run_at: now, max_attempts: 1, idempotency_key: None }).await.unwrap();
        let mut w = zian_app::jobs::Worker::new(env.app.clone(), zian_app::jobs::Handlers::standard(), zian_app::jobs::JobsConfig { schedules: vec![], ..Default::default() }).unwrap();
        assert!(w.tick().await.unwrap());
        let v = env.app.job_view(&env.principal("admin").await, &job).await.unwrap();
        assert_eq!(v.job.state, zian_domain::jobs::JobState::Succeeded, "{:?}", v.job.last_error);
        assert_eq!(v.job.progress_message.as_deref(), Some("checked 1, disabled 1"));
        assert!(!env.store.system_credentials_by_username("lin").await.unwrap().unwrap().user.active);
        assert!(env.app.authenticate_session(&lin_session.session_token, &meta()).await.is_err(), "session ended by the sync");
        assert!(audit_actions(&env, "directory.user_disabled").await.len() >= 2);

        // chen comes back to the directory: the account is turned on again
        let dn = s.add_person("chen", "陳志明", CHEN_PW);
        s.set_member(OFFICERS, &dn, false);
        env.app.login("chen", CHEN_PW, &meta()).await.expect("back");
        assert!(env.store.system_credentials_by_username("chen").await.unwrap().unwrap().user.active);

        // an account an administrator turned off stays off
        let admin = env.principal("admin").await;
        let chen = env.user_id("chen").await;
        env.app.update_user(&admin, &chen, zian_domain::user::UserPatch { active: Some(false), ..Default::default() }).await.expect("deactivate");
        assert!(matches!(env.app.login("chen", CHEN_PW, &meta()).await, Err(AppError::InvalidCredentials)));
    }

    /// A directory administrator must enrol TOTP like any administrator.
    async fn administrators_from_the_directory_still_need_totp(backend: Backend) {
        let Some(s) = directory() else { return };
        let env = TestEnv::empty(backend, test_config()).await;
        env.app.seed_demo(PASSWORD).await.expect("seed");
        let env = with_ldap(env, &s, &s.ldap_url.clone());
        let out = env.app.login("lin", "Ldap-Lin-2026!", &meta()).await.expect("lin");
        let (p, info) = env.app.authenticate_session(&out.session_token, &meta()).await.expect("session");
        assert!(p.assignments.iter().any(|a| a.role == Role::SystemAdmin));
        assert!(info.must_enrol_mfa, "an administrator without TOTP must enrol");
        let out = env.app.login("chen", CHEN_PW, &meta()).await.expect("chen");
        let (_, info) = env.app.authenticate_session(&out.session_token, &meta()).await.expect("session");
        assert!(!info.must_enrol_mfa, "an officer need not");
    }

    /// A server whose certificate the configured CA did not sign is not
    /// trusted: no sign-in, no account.
    async fn an_untrusted_server_is_refused(env: TestEnv) {
        let Some(s) = directory() else { return };
        let other = zian_testkit::TempDir::new("zian-other-ca");
        let (ca, _, _) = zian_testkit::slapd::test_pki();
        let path = other.0.join("ca.pem");
        std::fs::write(&path, ca).unwrap();
        let mut cfg = ldap_config(&s, &s.ldap_url);
        if let Some(l) = cfg.ldap.as_mut() {
            l.ca_file = Some(path);
        }
            let app = env.app.clone().with_directory(cfg).expect("config");
        let e = app.login("chen", CHEN_PW, &meta()).await.unwrap_err();
        assert!(matches!(e, AppError::Internal(_)), "{e:?}");
        assert!(env.store.system_credentials_by_username("chen").await.unwrap().is_none());
        // configuration errors are named
        let mut bad = ldap_config(&s, "http://127.0.0.1");
        assert!(bad.validate().unwrap_err().contains("directory.ldap.url"));
        bad = ldap_config(&s, &s.ldap_url);
        if let Some(l) = bad.ldap.as_mut() {
            l.bind_password_file = None;
        }
        assert!(bad.validate().unwrap_err().contains("bind_password_env"));
    }
}
