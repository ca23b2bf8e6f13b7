//! Test kit: a fresh database per test on SQLite (a temporary file) or
//! PostgreSQL, the application with a fake clock, the demo tree, in-process
//! HTTP requests against the real router, and a real server for browser
//! tests.
//!
//! Backends: SQLite always; PostgreSQL when `ZIAN_TEST_PG_URL` names a server
//! (an admin URL such as `postgres://postgres@127.0.0.1:5432/postgres`); with
//! `ZIAN_REQUIRE_PG=1` a missing PostgreSQL fails the tests instead of
//! skipping it. [`backend_tests!`] turns one test body into one test per
//! backend; [`http`] holds the request, form and CSV helpers the end-to-end
//! tests share.

pub mod browser;
pub mod http;
pub mod office;
pub mod oidc_provider;
pub mod slapd;
pub mod smtp;

use std::sync::Arc;

use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use tower::ServiceExt;
use zian_app::system::UuidV7;
use zian_app::{App, AuthConfig};
use zian_domain::ports::IdGen;
use zian_domain::{ListQuery, OrgScope};
use zian_storage::{AuthStore, OrgStore, SqlStore};
use zian_web::{AppState, WebConfig};

/// The demo password every seeded user has.
pub const PASSWORD: &str = "Zian-Demo-2026!";

/// A clock the test moves by hand.
pub use zian_app::system::ManualClock as FakeClock;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Whether tests run on this backend: SQLite always; PostgreSQL when
/// `ZIAN_TEST_PG_URL` is set (otherwise a note is printed and the caller
/// skips), and with `ZIAN_REQUIRE_PG=1` a missing PostgreSQL panics, so the
/// test fails instead of skipping.
pub fn backend_enabled(backend: Backend) -> bool {
    match backend {
        Backend::Sqlite => true,
        Backend::Postgres => match std::env::var("ZIAN_TEST_PG_URL") {
            Ok(u) if !u.is_empty() => true,
            _ => {
                assert!(
                    std::env::var("ZIAN_REQUIRE_PG").as_deref() != Ok("1"),
                    "ZIAN_REQUIRE_PG=1 but ZIAN_TEST_PG_URL is not set"
                );
                eprintln!("note: ZIAN_TEST_PG_URL not set; PostgreSQL tests skipped");
                false
            }
        },
    }
}

/// The backends to test on (see [`backend_enabled`]).
pub fn backends() -> Vec<Backend> {
    [Backend::Sqlite, Backend::Postgres]
        .into_iter()
        .filter(|b| backend_enabled(*b))
        .collect()
}

/// One test per backend from one test body.
///
/// ```ignore
/// zian_testkit::backend_tests! {
///     /// Doc comments and other attributes go on each generated test.
///     async fn some_behaviour(env: TestEnv) {
///         // `env` is `TestEnv::demo(backend)`
///     }
///
///     async fn needs_its_own_environment(backend: Backend) {
///         let env = TestEnv::empty(backend, test_config()).await;
///     }
/// }
/// ```
///
/// Each function `name` becomes a module `name` holding the body and two
/// `#[tokio::test]`s, `name::sqlite` and `name::postgres` (so
/// `cargo nextest run name::sqlite`, or `-E 'test(/::postgres$/)'` for every
/// PostgreSQL test). The body runs with a fresh demo environment
/// (`env: TestEnv`) or with the backend to build one itself
/// (`backend: Backend`). The PostgreSQL test returns early, passing with a
/// note, when `ZIAN_TEST_PG_URL` is unset, and fails when `ZIAN_REQUIRE_PG=1`
/// (see [`backend_enabled`]).
///
/// The module sees the test file's items through `use super::*`; the body is
/// compiled once and called by both tests. The calling crate needs `tokio`.
/// rustfmt does not format inside a macro invocation: keep the bodies tidy by
/// hand.
#[macro_export]
macro_rules! backend_tests {
    () => {};
    (
        $(#[$attr:meta])*
        async fn $name:ident($env:ident : TestEnv) $body:block
        $($rest:tt)*
    ) => {
        $crate::backend_tests! {
            @tests $name [$(#[$attr])*] ($env: $crate::TestEnv) $body
            (b) => ($crate::TestEnv::demo(b).await)
        }
        $crate::backend_tests! { $($rest)* }
    };
    (
        $(#[$attr:meta])*
        async fn $name:ident($backend:ident : Backend) $body:block
        $($rest:tt)*
    ) => {
        $crate::backend_tests! {
            @tests $name [$(#[$attr])*] ($backend: $crate::Backend) $body
            (b) => (b)
        }
        $crate::backend_tests! { $($rest)* }
    };
    (
        @tests $name:ident [$($attr:tt)*] ($arg:ident : $ty:ty) $body:block
        ($b:ident) => ($make:expr)
    ) => {
        // `cfg(test)` is always true in a test target; it marks the body as
        // test code for the lints (`allow-unwrap-in-tests`).
        #[cfg(test)]
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            async fn test_body($arg: $ty) $body

            async fn test_on($b: $crate::Backend) {
                if $crate::backend_enabled($b) {
                    test_body($make).await;
                }
            }

            $($attr)*
            #[::tokio::test]
            async fn sqlite() {
                test_on($crate::Backend::Sqlite).await;
            }

            $($attr)*
            #[::tokio::test]
            async fn postgres() {
                test_on($crate::Backend::Postgres).await;
            }
        }
    };
}

/// One test environment: its own database, clock and application.
pub struct TestEnv {
    pub backend: Backend,
    pub store: SqlStore,
    pub app: App,
    pub clock: Arc<FakeClock>,
    pub state: AppState,
    pub router: axum::Router,
    _dir: Option<TempDir>,
}

/// A temporary directory removed on drop.
pub struct TempDir(pub std::path::PathBuf);

impl TempDir {
    pub fn new(prefix: &str) -> TempDir {
        let p = std::env::temp_dir().join(format!("{prefix}-{}", UuidV7.new_id()));
        std::fs::create_dir_all(&p).expect("temp dir");
        TempDir(p)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A feed store holding the demo's vulnerability feed (real NVD 2012–2015
/// records of the demo's products and their KEV entries), shared by every
/// test process of this build: imported once into a private directory,
/// then moved into place (a directory rename is atomic; a process that
/// loses the race uses the winner's).
pub fn feed_store() -> &'static std::path::Path {
    static DIR: std::sync::OnceLock<std::path::PathBuf> = std::sync::OnceLock::new();
    DIR.get_or_init(|| {
        let tag = format!(
            "zian-test-feeds-{}-{}",
            zian_app::demo_vulns::DEMO_NVD.len(),
            zian_app::demo_vulns::DEMO_KEV.len()
        );
        let dir = std::env::temp_dir().join(tag);
        if zian_vuln::store::Store::status(&dir).is_ok() {
            return dir;
        }
        let tmp = TempDir::new("zian-test-feeds-build");
        zian_app::demo_vulns::install_demo_feeds(&tmp.0).expect("import the demo feed");
        if dir.exists() {
            // a stale or broken copy (another store format)
            let _ = std::fs::remove_dir_all(&dir);
        }
        if std::fs::rename(&tmp.0, &dir).is_err() {
            // another process put its copy there first
            assert!(
                zian_vuln::store::Store::status(&dir).is_ok(),
                "feed store {} is unusable",
                dir.display()
            );
        }
        dir
    })
}

/// A fresh, migrated, empty database URL for the backend.
pub async fn fresh_database(backend: Backend) -> (String, Option<TempDir>) {
    match backend {
        Backend::Sqlite => {
            let dir = TempDir::new("zian-test");
            let url = format!("sqlite://{}?mode=rwc", dir.0.join("zian.db").display());
            (url, Some(dir))
        }
        Backend::Postgres => {
            let admin = std::env::var("ZIAN_TEST_PG_URL").expect("ZIAN_TEST_PG_URL");
            let name = format!("zt_{}", UuidV7.new_id().replace('-', ""));
            sqlx::any::install_default_drivers();
            let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(&admin)
                .await
                .expect("connect to the PostgreSQL test server");
            sqlx::Executor::execute(&mut conn, format!("CREATE DATABASE {name}").as_str())
                .await
                .expect("create test database");
            let base = admin
                .rsplit_once('/')
                .map_or(admin.as_str(), |(b, _)| b)
                .to_string();
            (format!("{base}/{name}"), None)
        }
    }
}

/// The standard test configuration: seed-003 defaults, MFA required for
/// system administrators (as in production).
pub fn test_config() -> AuthConfig {
    AuthConfig::default()
}

impl TestEnv {
    /// A fresh database with the demo tree and users.
    pub async fn demo(backend: Backend) -> TestEnv {
        let mut cfg = test_config();
        // the demo administrator has no TOTP; tests that need forced
        // enrolment set it up themselves
        cfg.mfa_required_roles.clear();
        let env = TestEnv::empty(backend, cfg).await;
        env.app.seed_demo(PASSWORD).await.expect("seed demo");
        env
    }

    /// A fresh, empty database whose audit chain is signed with
    /// [`test_audit_key`].
    pub async fn empty(backend: Backend, cfg: AuthConfig) -> TestEnv {
        let (url, dir) = fresh_database(backend).await;
        let store = SqlStore::open(&url)
            .await
            .expect("open store")
            .with_audit_key(test_audit_key());
        // 2026-11-21 09:00 Asia/Taipei
        let clock = Arc::new(FakeClock::new(1_795_222_800));
        let app = App::new(&store, clock.clone(), Arc::new(UuidV7), cfg);
        let state = AppState::new(app.clone(), WebConfig::default());
        let router = zian_web::router(state.clone());
        TestEnv {
            backend,
            store,
            app,
            clock,
            state,
            router,
            _dir: dir,
        }
    }

    /// A fresh database with the demo tree, users and the demo's
    /// vulnerability findings (matched against [`feed_store`]).
    pub async fn demo_with_feeds(backend: Backend) -> TestEnv {
        let mut cfg = test_config();
        cfg.mfa_required_roles.clear();
        let env = TestEnv::empty(backend, cfg).await.with_feeds();
        env.app.seed_demo(PASSWORD).await.expect("seed demo");
        env
    }

    /// The same environment matching vulnerabilities against
    /// [`feed_store`].
    pub fn with_feeds(self) -> TestEnv {
        let app = self.app.clone().with_feed_store(feed_store().to_path_buf());
        self.with_app(app)
    }

    /// The same environment with another application (one built from
    /// `self.app`, e.g. with directory sign-in on) behind the router.
    pub fn with_app(mut self, app: App) -> TestEnv {
        self.state = AppState::new(app.clone(), WebConfig::default());
        self.router = zian_web::router(self.state.clone());
        self.app = app;
        self
    }

    /// Sends a request through the real router (no network).
    pub async fn request(
        &self,
        method: Method,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<Vec<u8>>,
    ) -> Resp {
        let mut b = Request::builder().method(method).uri(path);
        for (k, v) in headers {
            b = b.header(*k, *v);
        }
        let req = b
            .body(body.map_or_else(Body::empty, Body::from))
            .expect("request");
        let resp = self.router.clone().oneshot(req).await.expect("infallible");
        let status = resp.status();
        let headers = resp.headers().clone();
        let bytes = axum::body::to_bytes(resp.into_body(), 16 * 1024 * 1024)
            .await
            .expect("body");
        Resp {
            status,
            headers,
            body: bytes.to_vec(),
        }
    }

    /// JSON API call with a bearer token.
    pub async fn api(
        &self,
        method: Method,
        path: &str,
        token: &str,
        body: Option<serde_json::Value>,
    ) -> Resp {
        let auth = format!("Bearer {token}");
        let mut h: Vec<(&str, &str)> = vec![("authorization", auth.as_str())];
        if body.is_some() {
            h.push(("content-type", "application/json"));
        }
        self.request(method, path, &h, body.map(|b| b.to_string().into_bytes()))
            .await
    }

    /// Logs in through the API; returns a session with its cookie and CSRF token.
    pub async fn login(&self, username: &str, password: &str) -> Session {
        let r = self
            .request(
                Method::POST,
                "/api/v1/session",
                &[("content-type", "application/json")],
                Some(
                    serde_json::json!({"username": username, "password": password})
                        .to_string()
                        .into_bytes(),
                ),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "login {username}: {}", r.text());
        let cookie = r.session_cookie();
        let csrf = r.json()["csrf_token"].as_str().expect("csrf").to_string();
        Session { cookie, csrf }
    }

    /// Creates an API token for a demo user with every permission they hold
    /// at their home organisation's subtree (via the application, as the
    /// user would on the tokens page).
    pub async fn token_for(&self, username: &str) -> String {
        let p = self.principal(username).await;
        let perms: Vec<_> = zian_domain::Permission::ALL
            .into_iter()
            .filter(|perm| p.assignments.iter().any(|a| a.role.grants(*perm)))
            .collect();
        let org = p
            .assignments
            .first()
            .map(|a| a.org_id.clone())
            .unwrap_or_else(|| p.user.home_org_id.clone());
        if perms.is_empty() {
            // vendors hold no organisation permission; give them a token
            // that can only call the endpoints about themselves
            return self.raw_token(&p, &org).await;
        }
        let t = self
            .app
            .create_token(&p, "test", &org, &perms, None, false)
            .await
            .expect("token");
        t.secret
    }

    async fn raw_token(&self, p: &zian_app::Principal, org_id: &str) -> String {
        let secret = format!("zian_{}", zian_app::system::random_token(32));
        let t = zian_domain::ApiToken {
            id: UuidV7.new_id(),
            user_id: p.user.id.clone(),
            name: "test".into(),
            org_id: org_id.into(),
            permissions: vec![zian_domain::Permission::RecordRead],
            created_at: self.clock.unix(),
            expires_at: None,
            last_used_at: None,
            revoked_at: None,
        };
        self.store
            .system_insert_token(
                &t,
                &zian_app::system::sha256_hex(&secret),
                zian_domain::audit::AuditEvent::new("token.created"),
            )
            .await
            .expect("insert token");
        secret
    }

    /// The principal of a demo user, as the authoriser builds it.
    pub async fn principal(&self, username: &str) -> zian_app::Principal {
        let c = self
            .store
            .system_credentials_by_username(username)
            .await
            .expect("db")
            .expect("user exists");
        let assignments = self
            .store
            .system_assignments(&c.user.id, self.clock.unix())
            .await
            .expect("assignments");
        zian_app::Principal {
            user: c.user,
            assignments,
            token: None,
            meta: zian_app::RequestMeta::default(),
        }
    }

    /// Creates a user at `org` through the application as the demo
    /// administrator, grants `role` there, and replaces the first-login
    /// password with [`PASSWORD`], so the user can log in at once.
    pub async fn make_user(
        &self,
        username: &str,
        display: &str,
        org: &zian_domain::OrgId,
        role: zian_domain::Role,
    ) -> zian_domain::UserId {
        const TEMP: &str = "Temp-Test-User-2026!";
        let admin = self.principal("admin").await;
        let u = self
            .app
            .create_user(
                &admin,
                zian_app::users::NewUserInput {
                    username: username.into(),
                    display_name: display.into(),
                    email: format!("{username}@test.example"),
                    home_org_id: org.clone(),
                    password: TEMP.into(),
                    locale: None,
                },
            )
            .await
            .expect("create user");
        self.app
            .grant_role(&admin, &u.id, org, role)
            .await
            .expect("grant");
        let p = self.principal(username).await;
        self.app
            .change_password(&p, None, TEMP, PASSWORD)
            .await
            .expect("change password");
        u.id
    }

    /// The id of the demo organisation with this code.
    pub async fn org(&self, code: &str) -> zian_domain::OrgId {
        OrgStore::list(&self.store, &OrgScope::system_wide(), &ListQuery::all(500))
            .await
            .expect("orgs")
            .items
            .into_iter()
            .find(|o| o.code.as_deref() == Some(code))
            .map(|o| o.id)
            .unwrap_or_else(|| panic!("no org {code}"))
    }

    pub async fn user_id(&self, username: &str) -> zian_domain::UserId {
        self.store
            .system_credentials_by_username(username)
            .await
            .expect("db")
            .expect("user")
            .user
            .id
    }

    /// Serves the router on 127.0.0.1 (for browser tests); returns the base URL.
    pub async fn serve(&self) -> String {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        self.serve_on(listener)
    }

    /// Serves the router on a listener already bound (when the address
    /// must be known before the application is configured, e.g. for an
    /// OpenID Connect redirect URL); returns the base URL.
    pub fn serve_on(&self, listener: tokio::net::TcpListener) -> String {
        let addr = listener.local_addr().expect("addr");
        let router = self.router.clone();
        tokio::spawn(async move {
            let _ = axum::serve(
                listener,
                router.into_make_service_with_connect_info::<std::net::SocketAddr>(),
            )
            .await;
        });
        format!("http://{addr}")
    }
}

/// A browser-like session: cookie and CSRF token.
#[derive(Debug, Clone)]
pub struct Session {
    pub cookie: String,
    pub csrf: String,
}

impl Session {
    pub fn headers(&self) -> Vec<(&str, &str)> {
        vec![
            ("cookie", self.cookie.as_str()),
            ("x-csrf-token", self.csrf.as_str()),
        ]
    }
}

/// A response, buffered.
#[derive(Debug)]
pub struct Resp {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Resp {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|_| panic!("not JSON ({}): {}", self.status, self.text()))
    }
    /// The `zian_session=…` pair a login answer sets (panics without one).
    pub fn session_cookie(&self) -> String {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(|c| {
                c.split(';')
                    .next()
                    .filter(|kv| kv.starts_with("zian_session="))
                    .map(str::to_string)
            })
            .expect("session cookie")
    }
    pub fn location(&self) -> Option<&str> {
        self.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
    }
}

/// The audit key of every test environment (fixed, so a test can sign or
/// check what the server wrote).
pub fn test_audit_key() -> zian_domain::audit::AuditKey {
    zian_domain::audit::AuditKey::from_bytes(*b"zian-test-audit-key-32-bytes-ok!")
}
