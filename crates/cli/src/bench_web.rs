//! `zian bench web`: read throughput of the HTTP API over real TCP.
//!
//! For each backend it builds a fresh database with the demo tree, adds
//! information systems to one agency (`PIF-POL`) until each size asked for is
//! reached, serves the real router on a loopback port, and drives it with
//! `clients` keep-alive HTTP/1.1 connections for `seconds` per request kind:
//! `/healthz` (the baseline: the cost of the server and the client alone),
//! one system (`GET /api/v1/systems/{id}`) and one page of 50
//! (`GET /api/v1/orgs/{id}/systems?limit=50&offset=…`, one of the first ten
//! pages). It prints requests per second, p50 and p99, the ratio to the
//! baseline and to CISO Assistant 3.20 on the same machine, and how a page's
//! cost changes between the smallest and the largest size. Any answer but
//! 200 fails the run.

use std::io::Write;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::{Method, Request, StatusCode};
use hyper_util::rt::TokioIo;
use sqlx::Executor;
use zian_app::App;
use zian_app::config::AuthConfig;
use zian_app::system::{SystemClock, UuidV7};
use zian_domain::audit::AuditKey;
use zian_domain::ports::{Clock, IdGen};
use zian_storage::SqlStore;

/// CISO Assistant 3.20 on this machine, 16 clients, 10,000 records (the
/// figures the list work was measured against): one record, one page.
const PEER_ONE: f64 = 6.8;
const PEER_PAGE: f64 = 5.5;

/// Rows per INSERT when filling the agency.
const BATCH: usize = 500;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum BackendChoice {
    Sqlite,
    Postgres,
    Both,
}

#[derive(clap::Args)]
pub struct Options {
    /// Systems in the agency, one measurement per size.
    #[arg(long, value_delimiter = ',', default_value = "10000,100000")]
    pub records: Vec<usize>,
    #[arg(long, default_value_t = 16)]
    pub clients: usize,
    /// Seconds measured per request kind (after a short warm-up).
    #[arg(long, default_value_t = 10.0)]
    pub seconds: f64,
    #[arg(long, value_enum, default_value = "both")]
    pub backend: BackendChoice,
    /// A PostgreSQL server where a throwaway database may be created.
    #[arg(long, env = "ZIAN_BENCH_PG_URL")]
    pub pg_url: Option<String>,
}

/// One measured request kind.
pub(crate) struct Stats {
    pub requests: usize,
    pub elapsed: Duration,
    pub p50: Duration,
    pub p95: Duration,
    pub p99: Duration,
}

impl Stats {
    pub fn rps(&self) -> f64 {
        self.requests as f64 / self.elapsed.as_secs_f64()
    }
}

pub async fn run(opts: Options, out: &mut (impl Write + Send)) -> Result<()> {
    if opts.records.is_empty() || opts.clients == 0 || opts.seconds <= 0.0 {
        bail!("bench web: --records, --clients and --seconds must be positive");
    }
    let mut sizes = opts.records.clone();
    sizes.sort_unstable();
    sizes.dedup();
    let backends: Vec<&str> = match opts.backend {
        BackendChoice::Sqlite => vec!["sqlite"],
        BackendChoice::Postgres => vec!["postgres"],
        BackendChoice::Both => vec!["sqlite", "postgres"],
    };
    writeln!(
        out,
        "zian bench web: {} clients, {} s per request kind, sizes {:?}",
        opts.clients, opts.seconds, sizes
    )?;
    writeln!(
        out,
        "{:<9} {:>8}  {:<24} {:>9} {:>8} {:>8} {:>10} {:>13}",
        "backend", "records", "request", "req/s", "p50 ms", "p99 ms", "/baseline", "×CISO Asst."
    )?;
    for backend in backends {
        let db = Database::create(backend, opts.pg_url.as_deref()).await?;
        let result = bench_backend(&db.url, backend, &sizes, &opts, out).await;
        db.drop().await;
        result?;
    }
    Ok(())
}

async fn bench_backend(
    url: &str,
    backend: &str,
    sizes: &[usize],
    opts: &Options,
    out: &mut (impl Write + Send),
) -> Result<()> {
    sqlx::any::install_default_drivers();
    let store = SqlStore::open(url)
        .await
        .context("bench web: cannot open the database")?;
    let key: [u8; 32] = zian_app::system::random_bytes(32)
        .try_into()
        .map_err(|_| anyhow!("cannot draw random bytes"))?;
    let store = store.with_audit_key(AuditKey::from_bytes(key));
    let mut auth = AuthConfig::default();
    auth.mfa_required_roles.clear();
    let app = App::new(&store, Arc::new(SystemClock), Arc::new(UuidV7), auth);
    let password = "Bench-Zian-2026!";
    app.seed_demo(password)
        .await
        .map_err(|e| anyhow!("bench web: demo: {e}"))?;
    let org: String = sqlx::query_scalar("SELECT id FROM orgs WHERE code = 'PIF-POL'")
        .fetch_one(store.pool())
        .await
        .context("bench web: the demo agency PIF-POL is missing")?;

    let state = zian_web::AppState::new(app, zian_web::WebConfig::default());
    let router = zian_web::router(state);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let server = tokio::spawn(async move {
        axum::serve(
            listener,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
    });
    let token = api_token(
        addr,
        "officer.police",
        password,
        &org,
        &["org_read", "record_read"],
    )
    .await?;

    let mut ids: Vec<String> = Vec::new();
    let mut first_page: Option<(usize, Stats)> = None;
    for &size in sizes {
        fill(&store, &org, size, &mut ids).await?;
        let base = measure(addr, &token, opts.clients, opts.seconds, |_| {
            "/healthz".to_string()
        })
        .await?;
        let ids_now = Arc::new(ids.clone());
        let one = measure(addr, &token, opts.clients, opts.seconds, move |r| {
            format!("/api/v1/systems/{}", ids_now[r.below(ids_now.len())])
        })
        .await?;
        let pages = (size / 50).clamp(1, 10);
        let org_page = org.clone();
        let page = measure(addr, &token, opts.clients, opts.seconds, move |r| {
            format!(
                "/api/v1/orgs/{org_page}/systems?limit=50&offset={}",
                r.below(pages) * 50
            )
        })
        .await?;
        for (label, s, peer) in [
            ("GET /healthz (baseline)", &base, None),
            ("GET one system", &one, Some(PEER_ONE)),
            ("GET page of 50", &page, Some(PEER_PAGE)),
        ] {
            writeln!(
                out,
                "{:<9} {:>8}  {:<24} {:>9.0} {:>8.2} {:>8.2} {:>10.3} {:>13}",
                backend,
                size,
                label,
                s.rps(),
                ms(s.p50),
                ms(s.p99),
                s.rps() / base.rps(),
                peer.map_or_else(|| "-".to_string(), |p| format!("{:.0}×", s.rps() / p)),
            )?;
        }
        match &first_page {
            None => first_page = Some((size, page)),
            Some((small, p0)) => writeln!(
                out,
                "{:<9} page of 50 at {} records vs {}: {:.2}× the throughput, {:.2}× the p50",
                backend,
                size,
                small,
                page.rps() / p0.rps(),
                ms(page.p50) / ms(p0.p50).max(0.001),
            )?,
        }
    }
    server.abort();
    store.close().await;
    Ok(())
}

pub(crate) fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Adds systems to the agency until it holds `size` (ids appended to `ids`).
/// Written in batches straight to the table: the benchmark measures reads,
/// and 100,000 audited writes would take longer than the measurement.
async fn fill(store: &SqlStore, org: &str, size: usize, ids: &mut Vec<String>) -> Result<()> {
    let now = SystemClock.now().unix_timestamp();
    let ids_gen = UuidV7;
    while ids.len() < size {
        let n = (size - ids.len()).min(BATCH);
        let mut sql = String::from(
            "INSERT INTO info_systems (id, org_id, name, owner, description, level, graded_on, review_due, created_at, updated_at) VALUES ",
        );
        for k in 0..n {
            let seq = ids.len() + k;
            let id = ids_gen.new_id();
            let level = ["'low'", "'medium'", "'high'", "NULL"][seq % 4];
            if k > 0 {
                sql.push(',');
            }
            sql.push_str(&format!(
                "('{id}', '{org}', '系統 {seq:06}', '資訊室 {owner:03}', '效能量測用資訊系統 {seq}', {level}, NULL, NULL, {now}, {now})",
                owner = seq % 997
            ));
            ids.push(id);
        }
        store
            .pool()
            .execute(sql.as_str())
            .await
            .context("bench web: cannot add systems")?;
    }
    // planner statistics after the bulk fill, as PostgreSQL's autovacuum
    // would gather them within a minute of such a change (SQLite keeps none
    // unless asked)
    store
        .pool()
        .execute("ANALYZE")
        .await
        .context("bench web: cannot analyse the tables")?;
    Ok(())
}

/// Signs in through the API: the connection, the session cookie and the
/// CSRF token.
pub(crate) async fn login(
    addr: SocketAddr,
    user: &str,
    password: &str,
) -> Result<(Client, String, String)> {
    let mut c = Client::connect(addr).await?;
    let body = serde_json::json!({"username": user, "password": password}).to_string();
    let r = c
        .send(
            Method::POST,
            "/api/v1/session",
            &[("content-type", "application/json")],
            body,
        )
        .await?;
    if r.status != StatusCode::OK {
        bail!("login as {user} answered {}", r.status);
    }
    let cookie = r.cookie.ok_or_else(|| anyhow!("login set no cookie"))?;
    let csrf = serde_json::from_slice::<serde_json::Value>(&r.body)?["csrf_token"]
        .as_str()
        .ok_or_else(|| anyhow!("login returned no CSRF token"))?
        .to_string();
    Ok((c, cookie, csrf))
}

/// Signs in and creates a token for the agency with `permissions`, valid
/// for a day.
pub(crate) async fn api_token(
    addr: SocketAddr,
    user: &str,
    password: &str,
    org: &str,
    permissions: &[&str],
) -> Result<String> {
    let (mut c, cookie, csrf) = login(addr, user, password).await?;
    let body = serde_json::json!({
        "name": "bench", "org_id": org, "permissions": permissions, "expires_days": 1
    })
    .to_string();
    let r = c
        .send(
            Method::POST,
            "/api/v1/tokens",
            &[
                ("content-type", "application/json"),
                ("cookie", &cookie),
                ("x-csrf-token", &csrf),
            ],
            body,
        )
        .await?;
    if !r.status.is_success() {
        bail!(
            "bench web: creating a token answered {}: {}",
            r.status,
            String::from_utf8_lossy(&r.body)
        );
    }
    serde_json::from_slice::<serde_json::Value>(&r.body)?["secret"]
        .as_str()
        .map(str::to_string)
        .ok_or_else(|| anyhow!("bench web: the token answer holds no secret"))
}

/// Runs `clients` connections for the configured time, each sending the
/// paths `path` draws; a short warm-up is not counted.
pub(crate) async fn measure(
    addr: SocketAddr,
    token: &str,
    clients: usize,
    seconds: f64,
    path: impl Fn(&mut Rng) -> String + Send + Sync + 'static,
) -> Result<Stats> {
    let path = Arc::new(path);
    let auth = format!("Bearer {token}");
    let warm_up = Duration::from_secs_f64((seconds / 5.0).min(1.0));
    let run = Duration::from_secs_f64(seconds);
    let mut tasks = Vec::new();
    for c in 0..clients {
        let (path, auth) = (path.clone(), auth.clone());
        tasks.push(tokio::spawn(async move {
            let mut client = Client::connect(addr).await?;
            let mut rng = Rng::new(c as u64 + 1);
            let mut lat = Vec::new();
            let start = Instant::now();
            let (measure_from, end) = (start + warm_up, start + warm_up + run);
            loop {
                let t0 = Instant::now();
                // every client measures at least one request, however slow
                if t0 >= end && !lat.is_empty() {
                    break;
                }
                let p = path(&mut rng);
                let r = client
                    .send(Method::GET, &p, &[("authorization", &auth)], String::new())
                    .await?;
                if r.status != StatusCode::OK {
                    bail!("bench web: GET {p} answered {}", r.status);
                }
                if t0 >= measure_from {
                    lat.push(t0.elapsed());
                }
            }
            Ok::<_, anyhow::Error>((lat, measure_from, Instant::now()))
        }));
    }
    let mut all = Vec::new();
    let mut window = run;
    for t in tasks {
        let (lat, from, to) = t.await.context("bench web: a client stopped")??;
        window = window.max(to.saturating_duration_since(from));
        all.extend(lat);
    }
    if all.is_empty() {
        bail!("bench web: no request completed in {seconds} s");
    }
    all.sort_unstable();
    let at = |q: f64| all[((all.len() as f64 * q) as usize).min(all.len() - 1)];
    Ok(Stats {
        requests: all.len(),
        elapsed: window,
        p50: at(0.50),
        p95: at(0.95),
        p99: at(0.99),
    })
}

pub(crate) struct Answer {
    pub status: StatusCode,
    pub cookie: Option<String>,
    pub body: Bytes,
}

/// One keep-alive HTTP/1.1 connection.
pub(crate) struct Client {
    sender: hyper::client::conn::http1::SendRequest<Full<Bytes>>,
}

impl Client {
    pub async fn connect(addr: SocketAddr) -> Result<Client> {
        let stream = tokio::net::TcpStream::connect(addr).await?;
        stream.set_nodelay(true)?;
        let (sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
        tokio::spawn(conn);
        Ok(Client { sender })
    }

    pub async fn send(
        &mut self,
        method: Method,
        path: &str,
        headers: &[(&str, &str)],
        body: String,
    ) -> Result<Answer> {
        let mut req = Request::builder()
            .method(method)
            .uri(path)
            .header("host", "127.0.0.1");
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let req = req.body(Full::new(Bytes::from(body)))?;
        self.sender.ready().await?;
        let resp = self.sender.send_request(req).await?;
        let status = resp.status();
        let cookie = resp
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with("zian_session="))
            .and_then(|v| v.split(';').next())
            .map(str::to_string);
        let body = resp.into_body().collect().await?.to_bytes();
        Ok(Answer {
            status,
            cookie,
            body,
        })
    }
}

/// A small xorshift generator: which record or page each request asks for.
pub(crate) struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    pub fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n.max(1) as u64) as usize
    }
}

/// A throwaway database: a file under the temporary directory, or a
/// database created on the PostgreSQL server and dropped afterwards.
pub(crate) struct Database {
    pub url: String,
    cleanup: Cleanup,
}

enum Cleanup {
    Dir(std::path::PathBuf),
    Postgres { admin: String, name: String },
}

impl Database {
    pub async fn create(backend: &str, pg_url: Option<&str>) -> Result<Database> {
        let tag = UuidV7.new_id().replace('-', "");
        if backend == "sqlite" {
            let dir = std::env::temp_dir().join(format!("zian-bench-{tag}"));
            std::fs::create_dir_all(&dir)?;
            return Ok(Database {
                url: format!("sqlite://{}?mode=rwc", dir.join("zian.db").display()),
                cleanup: Cleanup::Dir(dir),
            });
        }
        let admin = pg_url
            .ok_or_else(|| anyhow!("bench web: PostgreSQL needs --pg-url (or ZIAN_BENCH_PG_URL)"))?
            .to_string();
        let name = format!("zian_bench_{tag}");
        sqlx::any::install_default_drivers();
        let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(&admin)
            .await
            .with_context(|| "bench web: cannot connect to the PostgreSQL server")?;
        conn.execute(format!("CREATE DATABASE {name}").as_str())
            .await?;
        let base = admin.rsplit_once('/').map_or(admin.as_str(), |(b, _)| b);
        Ok(Database {
            url: format!("{base}/{name}"),
            cleanup: Cleanup::Postgres { admin, name },
        })
    }

    pub async fn drop(self) {
        match self.cleanup {
            Cleanup::Dir(d) => {
                let _ = std::fs::remove_dir_all(d);
            }
            Cleanup::Postgres { admin, name } => {
                if let Ok(mut c) = <sqlx::AnyConnection as sqlx::Connection>::connect(&admin).await
                {
                    let _ = c
                        .execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str())
                        .await;
                }
            }
        }
    }
}

/// Runs the benchmark on its own runtime, printing to standard output.
pub fn main(opts: Options) -> Result<()> {
    let mut out = std::io::stdout();
    on_runtime(run(opts, &mut out))
}

/// Runs a benchmark's future on a runtime of its own.
pub(crate) fn on_runtime(f: impl std::future::Future<Output = Result<()>>) -> Result<()> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?
        .block_on(f)
}
