//! Sign-in through the agency's OpenID Connect provider (issue 11), over
//! real HTTP: a real Zian server on 127.0.0.1 and the testkit's provider
//! (`zian_testkit::oidc_provider`), the browser's redirects followed by
//! hand. First sign-in creates the account with the roles its groups map
//! to, a group change moves the roles at the next sign-in (hand-granted
//! ones stay), a tampered state or nonce, another browser, a stolen code
//! (wrong PKCE verifier), an expired sign-in and a refusal at the provider
//! all end on the login page with a message and an audit entry, an
//! administrator without a provider-asserted second factor still meets
//! TOTP, a disabled account is refused, and local passwords keep working.
//! Every test runs on SQLite and PostgreSQL.

use axum::http::Method;
use zian_app::RequestMeta;
use zian_app::directory::oidc::OidcConfig;
use zian_app::directory::{DirectoryConfig, GroupRole};
use zian_domain::Role;
use zian_storage::{AuthStore, DirectoryStore};
use zian_testkit::http::audit_actions;
use zian_testkit::oidc_provider::{CLIENT_ID, CLIENT_SECRET, Person, Provider, Reply, get};
use zian_testkit::{PASSWORD, TempDir, TestEnv, backend_tests, test_config};

const OFFICERS: &str = "vans-officers";
const AUDITORS: &str = "auditors";
const ADMINS: &str = "zian-admins";

/// The platform served over HTTP with sign-in through the provider.
struct Sso {
    env: TestEnv,
    base: String,
    provider: Provider,
    _dir: TempDir,
}

fn oidc_config(provider: &Provider, base: &str, secret: std::path::PathBuf) -> OidcConfig {
    OidcConfig {
        issuer_url: provider.issuer.clone(),
        client_id: CLIENT_ID.into(),
        client_secret_env: None,
        client_secret_file: Some(secret),
        redirect_url: format!("{base}/auth/oidc/callback"),
        scopes: vec!["profile".into(), "email".into()],
        groups_claim: "groups".into(),
        username_claim: "preferred_username".into(),
        mfa_amr: vec!["mfa".into()],
        mfa_acr: Vec::new(),
        ca_file: None,
        // the test provider speaks plain HTTP on the loopback
        allow_insecure: true,
        timeout_secs: 10,
        label_zh_tw: None,
        label_en: None,
        group_roles: vec![
            GroupRole {
                group: OFFICERS.into(),
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
    }
}

async fn sso(env: TestEnv) -> Sso {
    let provider = Provider::start().await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let dir = TempDir::new("zian-oidc");
    let secret = dir.0.join("client-secret");
    std::fs::write(&secret, format!("{CLIENT_SECRET}\n")).expect("secret file");
    let cfg = DirectoryConfig {
        ldap: None,
        oidc: Some(oidc_config(&provider, &base, secret)),
    };
    let app = env.app.clone().with_directory(cfg).expect("oidc config");
    let env = env.with_app(app);
    env.serve_on(listener);
    Sso {
        env,
        base,
        provider,
        _dir: dir,
    }
}

fn chen() -> Person {
    Person::new("sub-chen-0001", "chen", "陳志明", &[OFFICERS])
}

/// The browser's way to the callback: the platform's start (sets the
/// binding cookie, sends to the provider), the provider's authorize
/// (sends back with code and state). Returns the callback URL and the
/// cookie's value.
async fn to_callback(s: &Sso) -> (String, String) {
    let r = get(&format!("{}/auth/oidc/start", s.base), &[]).await;
    assert_eq!(r.status, 303, "{}", r.body);
    let cookie = r.set_cookie("zian_oidc").expect("binding cookie");
    let at = r.location().expect("to the provider").to_string();
    assert!(at.starts_with(&s.provider.issuer), "{at}");
    for p in [
        "code_challenge_method=S256",
        "code_challenge=",
        "nonce=",
        "state=",
    ] {
        assert!(at.contains(p), "{p} missing from {at}");
    }
    let r = get(&at, &[]).await;
    assert_eq!(r.status, 302, "{}", r.body);
    let back = r.location().expect("back to the platform").to_string();
    assert!(
        back.starts_with(&format!("{}/auth/oidc/callback?", s.base)),
        "{back}"
    );
    (back, cookie)
}

/// The callback's answer: `Ok((session cookie, where the page moves on))`
/// or `Err(failure code)` from the redirect to the login page.
fn outcome(r: &Reply) -> Result<(String, String), String> {
    if r.status == 303 {
        let to = r.location().unwrap_or_default();
        return Err(to
            .strip_prefix("/login?sso=")
            .unwrap_or_else(|| panic!("failure goes to the login page: {to}"))
            .to_string());
    }
    assert_eq!(r.status, 200, "{}", r.body);
    let session = r.set_cookie("zian_session").expect("session cookie");
    assert_eq!(
        r.set_cookie("zian_oidc").as_deref(),
        Some(""),
        "binding cookie cleared"
    );
    let next = r
        .body
        .split("url=")
        .nth(1)
        .and_then(|x| x.split('"').next())
        .expect("moves on")
        .to_string();
    Ok((session, next))
}

async fn sign_in(s: &Sso) -> Result<(String, String), String> {
    let (back, cookie) = to_callback(s).await;
    outcome(&get(&back, &[("zian_oidc", &cookie)]).await)
}

fn meta() -> RequestMeta {
    RequestMeta {
        ip: Some("192.0.2.10".into()),
        user_agent: None,
    }
}

async fn roles_of(env: &TestEnv, username: &str) -> Vec<Role> {
    let id = env.user_id(username).await;
    let mut v: Vec<Role> = env
        .store
        .system_assignments(&id, env.clock.unix())
        .await
        .expect("assignments")
        .into_iter()
        .map(|a| a.role)
        .collect();
    v.sort();
    v
}

/// The reasons of the `login.failure` entries of OpenID Connect sign-ins
/// (most have no user, so no organisation's administrator lists them: read
/// from the trail itself).
async fn oidc_failures(env: &TestEnv) -> Vec<String> {
    let rows: Vec<String> = sqlx::query_scalar(
        "SELECT details FROM audit_log WHERE action = 'login.failure' ORDER BY seq",
    )
    .fetch_all(env.store.pool())
    .await
    .expect("audit rows");
    rows.iter()
        .filter_map(|d| serde_json::from_str::<serde_json::Value>(d).ok())
        .filter(|d| d["via"] == "oidc")
        .map(|d| d["reason"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// Replaces one query parameter of a URL.
fn with_param(url: &str, name: &str, value: &str) -> String {
    let (base, q) = url.split_once('?').expect("query");
    let q: Vec<String> = q
        .split('&')
        .map(|kv| {
            if kv.starts_with(&format!("{name}=")) {
                format!("{name}={value}")
            } else {
                kv.to_string()
            }
        })
        .collect();
    format!("{base}?{}", q.join("&"))
}

fn param(url: &str, name: &str) -> String {
    url.split_once('?')
        .expect("query")
        .1
        .split('&')
        .find_map(|kv| kv.strip_prefix(&format!("{name}=")))
        .expect("parameter")
        .to_string()
}

backend_tests! {
    /// chen signs in through the provider for the first time: the account
    /// is created with the officer role at the police department from the
    /// group, tied to the provider's subject, audited like a password
    /// login; the session works on the real server. Someone whose groups
    /// map to nothing gets no account. The login page shows the button only
    /// when OpenID Connect is on, and the local password still works.
    async fn first_sign_in_creates_the_user_with_mapped_roles(env: TestEnv) {
        let plain = env.request(Method::GET, "/login", &[], None).await;
        assert!(!plain.text().contains("login-oidc"), "no button without OIDC");

        let s = sso(env).await;
        let page = get(&format!("{}/login", s.base), &[]).await;
        assert!(page.body.contains("id=\"login-oidc\""), "{}", page.body);
        assert!(page.body.contains("使用機關單一登入 (OIDC)"));

        s.provider.set_person(chen());
        let (session, next) = sign_in(&s).await.expect("signed in");
        assert_eq!(next, "/");
        let home = get(&format!("{}/", s.base), &[("zian_session", &session)]).await;
        assert_eq!(home.status, 200, "{}", home.body);

        let env = &s.env;
        let c = env.store.system_credentials_by_username("chen").await.unwrap().expect("created");
        assert_eq!(c.user.display_name, "陳志明");
        assert_eq!(c.user.email, "chen@example.gov.tw");
        assert_eq!(c.user.home_org_id, env.org("PIF-POL").await);
        let account = env.store.system_directory_account(&c.user.id).await.unwrap().expect("identity");
        assert_eq!((account.provider.as_str(), account.subject.as_str()), ("oidc", "sub-chen-0001"));
        assert_eq!(roles_of(env, "chen").await, vec![Role::SecurityOfficer]);
        let actions = audit_actions(env, "").await;
        for a in ["directory.user_created", "directory.roles_synced", "login.success"] {
            assert!(actions.iter().any(|x| x == a), "{a} missing from {actions:?}");
        }
        // the account has no local password
        assert!(env.app.login("chen", "anything", &meta()).await.is_err());

        // no mapped group: no account, a message on the login page
        s.provider.set_person(Person::new("sub-wang-0002", "wang", "王小明", &["others"]));
        assert_eq!(sign_in(&s).await.unwrap_err(), "no_role");
        assert!(env.store.system_credentials_by_username("wang").await.unwrap().is_none());
        let page = get(&format!("{}/login?sso=no_role", s.base), &[]).await;
        assert!(page.body.contains("尚未獲授權使用本系統"), "{}", page.body);

        // break-glass: the local administrator still signs in with the password
        env.app.login("admin", PASSWORD, &meta()).await.expect("local login");
    }

    /// Each sign-in re-maps the groups: a new group adds its role, a group
    /// left takes its role away, a role granted by hand stays; the account
    /// follows the subject even when the provider's user name changes.
    async fn roles_follow_the_groups_and_manual_grants_stay(env: TestEnv) {
        let s = sso(env).await;
        s.provider.set_person(chen());
        sign_in(&s).await.expect("first");
        let env = &s.env;
        let chen_id = env.user_id("chen").await;
        let admin = env.principal("admin").await;
        let police = env.org("PIF-POL").await;
        env.app.grant_role(&admin, &chen_id, &police, Role::CommitteeMember).await.expect("manual grant");

        let mut moved = chen();
        moved.groups = vec![AUDITORS.into()];
        moved.preferred_username = "chen.renamed".into();
        s.provider.set_person(moved);
        sign_in(&s).await.expect("second");
        let roles = roles_of(env, "chen").await;
        assert!(roles.contains(&Role::Auditor), "{roles:?}");
        assert!(roles.contains(&Role::CommitteeMember), "manual grant kept: {roles:?}");
        assert!(!roles.contains(&Role::SecurityOfficer), "left group's role revoked: {roles:?}");
        assert!(env.store.system_credentials_by_username("chen.renamed").await.unwrap().is_none());

        // unchanged groups: no new mapping entry
        let before = audit_actions(env, "directory.roles_synced").await.len();
        sign_in(&s).await.expect("third");
        assert_eq!(audit_actions(env, "directory.roles_synced").await.len(), before);
    }

    /// What an attacker could try at the callback is refused, each with a
    /// message and an audit entry and no session: a changed state, another
    /// browser (no binding cookie), a state used twice, a code from another
    /// sign-in (its PKCE verifier does not match), an ID token with another
    /// nonce, a sign-in older than ten minutes, a refusal at the provider
    /// and a provider that is down.
    async fn tampered_state_nonce_and_pkce_are_refused(env: TestEnv) {
        let s = sso(env).await;
        s.provider.set_person(chen());

        let (back, cookie) = to_callback(&s).await;
        let forged = with_param(&back, "state", "forged-state-value");
        assert_eq!(outcome(&get(&forged, &[("zian_oidc", &cookie)]).await).unwrap_err(), "bad_state");
        // another browser: refused, and the state is used up
        assert_eq!(outcome(&get(&back, &[]).await).unwrap_err(), "bad_state");
        assert_eq!(outcome(&get(&back, &[("zian_oidc", &cookie)]).await).unwrap_err(), "bad_state");

        // a code stolen from another sign-in, replayed with this one's state
        let (theirs, _) = to_callback(&s).await;
        let (mine, my_cookie) = to_callback(&s).await;
        let swapped = with_param(&mine, "code", &param(&theirs, "code"));
        let exchanged = s.provider.exchanged();
        assert_eq!(outcome(&get(&swapped, &[("zian_oidc", &my_cookie)]).await).unwrap_err(), "token_invalid");
        assert_eq!(s.provider.exchanged(), exchanged, "the provider refused the verifier");

        s.provider.tamper_nonce(true);
        assert_eq!(sign_in(&s).await.unwrap_err(), "token_invalid");
        s.provider.tamper_nonce(false);

        let (back, cookie) = to_callback(&s).await;
        s.env.clock.advance(601);
        assert_eq!(outcome(&get(&back, &[("zian_oidc", &cookie)]).await).unwrap_err(), "expired");

        s.provider.deny(true);
        assert_eq!(sign_in(&s).await.unwrap_err(), "denied");
        s.provider.deny(false);

        assert!(s.env.store.system_credentials_by_username("chen").await.unwrap().is_none(), "nobody signed in");
        let page = get(&format!("{}/login?sso=bad_state", s.base), &[]).await;
        assert!(page.body.contains("登入請求無效或已使用過"), "{}", page.body);
        let en = get(&format!("{}/login?sso=expired", s.base), &[("zian_lang", "en")]).await;
        assert!(en.body.contains("longer than 10 minutes"), "{}", en.body);
        let reasons = oidc_failures(&s.env).await;
        for r in ["unknown_state", "other_browser", "code_refused", "id_token_invalid", "state_expired", "provider_refused"] {
            assert!(reasons.iter().any(|x| x == r), "{r} not audited: {reasons:?}");
        }

        // the provider down: the start says so on the login page, no 500
        let Sso { env, base, provider, _dir } = s;
        drop(provider);
        let r = get(&format!("{base}/auth/oidc/start"), &[]).await;
        assert_eq!((r.status, r.location()), (303, Some("/login?sso=unavailable")));
        let page = get(&format!("{base}/login?sso=unavailable"), &[]).await;
        assert!(page.body.contains("目前無法連線至機關單一登入服務"));
        assert!(!page.body.contains("127.0.0.1"), "no detail shown");
        assert!(oidc_failures(&env).await.iter().any(|r| r == "provider_unavailable"));
    }

    /// An administrator from the provider meets TOTP like any
    /// administrator unless the ID token asserts a second factor: without
    /// `amr: ["mfa"]` the session must enrol (and, once enrolled, passes the
    /// TOTP step); with it, neither is asked.
    async fn administrators_need_totp_unless_the_provider_asserts_mfa(backend: Backend) {
        let env = TestEnv::empty(backend, test_config()).await;
        env.app.seed_demo(PASSWORD).await.expect("seed");
        let s = sso(env).await;
        let mut lin = Person::new("sub-lin-0003", "lin", "林管理", &[ADMINS]);
        s.provider.set_person(lin.clone());
        let (session, next) = sign_in(&s).await.expect("lin");
        assert_eq!(next, "/");
        let (p, info) = s.env.app.authenticate_session(&session, &meta()).await.expect("session");
        assert!(p.assignments.iter().any(|a| a.role == Role::SystemAdmin));
        assert!(info.must_enrol_mfa, "an administrator without a second factor must enrol");

        // enrolled: the TOTP step comes after the provider
        let setup = s.env.app.begin_totp(&p).await.expect("begin");
        let key = zian_domain::totp::secret_from_base32(&setup.secret_base32).expect("base32");
        let code = zian_domain::totp::code_at(&key, s.env.clock.unix());
        s.env.app.confirm_totp(&p, &code).await.expect("enrol");
        s.env.clock.advance(60);
        let (session, next) = sign_in(&s).await.expect("lin again");
        assert_eq!(next, "/login/mfa");
        let (_, info) = s.env.app.authenticate_session(&session, &meta()).await.expect("session");
        assert!(!info.mfa_passed, "TOTP pending");

        // the provider asserts a second factor: no TOTP step
        lin.amr = vec!["pwd".into(), "mfa".into()];
        s.provider.set_person(lin);
        let (session, next) = sign_in(&s).await.expect("lin with mfa");
        assert_eq!(next, "/");
        let (_, info) = s.env.app.authenticate_session(&session, &meta()).await.expect("session");
        assert!(info.mfa_passed && !info.must_enrol_mfa);
        let home = get(&format!("{}/", s.base), &[("zian_session", &session)]).await;
        assert_eq!(home.status, 200, "{}", home.body);
    }

    /// An account an administrator turned off cannot sign in through the
    /// provider (its session ended), and the provider cannot take over a
    /// local account by asserting its user name.
    async fn a_disabled_user_is_refused(env: TestEnv) {
        let s = sso(env).await;
        s.provider.set_person(chen());
        let (session, _) = sign_in(&s).await.expect("chen");
        let env = &s.env;
        let admin = env.principal("admin").await;
        let chen_id = env.user_id("chen").await;
        env.app.update_user(&admin, &chen_id, zian_domain::user::UserPatch { active: Some(false), ..Default::default() }).await.expect("deactivate");
        assert!(env.app.authenticate_session(&session, &meta()).await.is_err(), "session ended");
        assert_eq!(sign_in(&s).await.unwrap_err(), "disabled");
        let page = get(&format!("{}/login?sso=disabled", s.base), &[]).await;
        assert!(page.body.contains("您的帳號已停用"));

        s.provider.set_person(Person::new("sub-intruder", "admin", "冒名者", &[ADMINS]));
        assert_eq!(sign_in(&s).await.unwrap_err(), "username_taken");
        assert!(oidc_failures(env).await.iter().any(|r| r == "username_taken"));
        assert!(env.store.system_directory_account(&env.user_id("admin").await).await.unwrap().is_none());
        env.app.login("admin", PASSWORD, &meta()).await.expect("the local administrator is untouched");
    }
}
