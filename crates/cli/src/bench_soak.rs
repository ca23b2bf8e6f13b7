//! `zian bench soak`: mixed reads and writes against a real `zian serve`
//! process that is killed with SIGKILL every few minutes and restarted.
//!
//! The run seeds the demo into a fresh database, starts the server as a
//! child process and drives it with `clients` keep-alive connections as the
//! security officer of `PIF-POL`: pages of systems and risks, single
//! records, new systems, edits of a client's own systems and new risks.
//! Every write the server acknowledged (2xx) is remembered. At the end the
//! server is killed once more and restarted, and the run proves:
//! - nothing acknowledged is lost: every system and risk is there, each
//!   system with its name and the last acknowledged description (or a later
//!   one whose answer the kill cut off);
//! - `zian audit verify` passes;
//! - `zian backup` → `zian restore` into a fresh database → `zian backup`
//!   gives the same archive, byte for byte.
//!
//! Any answer but 2xx from a running server fails the run; connections
//! refused or cut while the server is down are counted and retried.

use std::collections::HashMap;
use std::io::Write;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};
use hyper::{Method, StatusCode};
use zian_app::system::UuidV7;
use zian_domain::ports::IdGen;

use crate::bench_web::{Client, Database, Rng, api_token, login, on_runtime};

const PASSWORD: &str = "Soak-Zian-2026!";

#[derive(clap::Args)]
pub struct Options {
    #[arg(long, default_value_t = 30.0)]
    pub minutes: f64,
    #[arg(long, default_value_t = 16)]
    pub clients: usize,
    /// Seconds between two kills.
    #[arg(long, default_value_t = 180.0)]
    pub kill_every: f64,
    /// `sqlite` or `postgres`.
    #[arg(long, default_value = "sqlite")]
    pub backend: String,
    /// A PostgreSQL server where a throwaway database may be created.
    #[arg(long, env = "ZIAN_BENCH_PG_URL")]
    pub pg_url: Option<String>,
    /// Keep the working directory (server log, archives) afterwards.
    #[arg(long)]
    pub keep: bool,
}

/// What one system should hold: its name, the description of the last
/// acknowledged edit, and descriptions sent later whose answer was lost.
#[derive(Default)]
struct Expected {
    name: String,
    description: String,
    unacknowledged: Vec<String>,
}

#[derive(Default)]
struct Ledger {
    systems: HashMap<String, Expected>,
    risks: HashMap<String, String>,
}

#[derive(Default)]
struct Counts {
    reads: AtomicU64,
    writes: AtomicU64,
    /// Requests that met a server being killed or restarting.
    cut: AtomicU64,
}

pub fn main(opts: Options) -> Result<()> {
    let mut out = std::io::stdout();
    on_runtime(run(opts, &mut out))
}

pub async fn run(opts: Options, out: &mut (impl Write + Send)) -> Result<()> {
    if !matches!(opts.backend.as_str(), "sqlite" | "postgres") {
        bail!("bench soak: --backend must be sqlite or postgres");
    }
    if opts.clients == 0 || opts.minutes <= 0.0 || opts.kill_every <= 0.0 {
        bail!("bench soak: --clients, --minutes and --kill-every must be positive");
    }
    let exe = std::env::current_exe().context("bench soak: cannot find the zian binary")?;
    let work = std::env::temp_dir().join(format!("zian-soak-{}", UuidV7.new_id()));
    std::fs::create_dir_all(&work)?;
    let db = Database::create(&opts.backend, opts.pg_url.as_deref()).await?;
    let restored_db = Database::create(&opts.backend, opts.pg_url.as_deref()).await?;
    let result = soak(&opts, &exe, &work, &db.url, &restored_db.url, out).await;
    db.drop().await;
    restored_db.drop().await;
    match &result {
        Ok(()) if !opts.keep => {
            let _ = std::fs::remove_dir_all(&work);
        }
        _ => writeln!(out, "working directory kept: {}", work.display())?,
    }
    result
}

/// The same database URL for SQLite lives in the data directory given.
fn url_in(url: &str, data: &Path) -> String {
    if url.starts_with("sqlite:") {
        format!("sqlite://{}?mode=rwc", data.join("zian.db").display())
    } else {
        url.to_string()
    }
}

async fn soak(
    opts: &Options,
    exe: &Path,
    work: &Path,
    db_url: &str,
    restored_url: &str,
    out: &mut (impl Write + Send),
) -> Result<()> {
    let data = work.join("data");
    std::fs::create_dir_all(&data)?;
    let url = url_in(db_url, &data);
    zian(
        exe,
        &data,
        &url,
        &["demo", "--no-serve", "--admin-password", PASSWORD],
    )?;
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let addr: SocketAddr = format!("127.0.0.1:{port}").parse()?;
    let log = work.join("server.log");
    let mut server = Server::start(exe, &data, &url, addr, &log).await?;
    writeln!(
        out,
        "zian bench soak: {} on {}, {} clients, {} min, SIGKILL every {} s",
        opts.backend, addr, opts.clients, opts.minutes, opts.kill_every
    )?;
    let org = org_id(addr).await?;
    let token = api_token(
        addr,
        "officer.police",
        PASSWORD,
        &org,
        &["org_read", "record_read", "record_write"],
    )
    .await?;

    let ledger = Arc::new(Mutex::new(Ledger::default()));
    let counts = Arc::new(Counts::default());
    let stop = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    let deadline = started + Duration::from_secs_f64(opts.minutes * 60.0);
    let mut tasks = Vec::new();
    for c in 0..opts.clients {
        let ctx = Load {
            addr,
            auth: format!("Bearer {token}"),
            org: org.clone(),
            ledger: ledger.clone(),
            counts: counts.clone(),
            stop: stop.clone(),
            client: c,
        };
        tasks.push(tokio::spawn(async move { ctx.run().await }));
    }

    let mut kills = 0;
    let mut worst_recovery = Duration::ZERO;
    let every = Duration::from_secs_f64(opts.kill_every);
    while Instant::now() + every < deadline {
        tokio::time::sleep(every).await;
        let t = Instant::now();
        server.kill9()?;
        server = Server::start(exe, &data, &url, addr, &log).await?;
        kills += 1;
        worst_recovery = worst_recovery.max(t.elapsed());
    }
    tokio::time::sleep(deadline.saturating_duration_since(Instant::now())).await;
    stop.store(true, Ordering::SeqCst);
    let mut lat = Latencies::default();
    for t in tasks {
        let l = t.await.context("bench soak: a client stopped")??;
        lat.reads.extend(l.reads);
        lat.writes.extend(l.writes);
    }
    let ran = started.elapsed();
    // the last writes must survive a kill too
    server.kill9()?;
    server = Server::start(exe, &data, &url, addr, &log).await?;
    kills += 1;

    let (systems, risks, lost) = check_ledger(addr, &token, &ledger).await?;
    server.kill9()?;
    let reads = counts.reads.load(Ordering::SeqCst);
    let writes = counts.writes.load(Ordering::SeqCst);
    writeln!(
        out,
        "ran {:.1} min: {} reads ({:.0}/s, p50 {:.1} ms, p99 {:.1} ms), {} acknowledged writes ({:.0}/s, p50 {:.1} ms, p99 {:.1} ms), {} requests cut by {} kills, slowest restart {:.1} s",
        ran.as_secs_f64() / 60.0,
        reads,
        reads as f64 / ran.as_secs_f64(),
        lat.p(&lat.reads, 0.5),
        lat.p(&lat.reads, 0.99),
        writes,
        writes as f64 / ran.as_secs_f64(),
        lat.p(&lat.writes, 0.5),
        lat.p(&lat.writes, 0.99),
        counts.cut.load(Ordering::SeqCst),
        kills,
        worst_recovery.as_secs_f64(),
    )?;
    writeln!(
        out,
        "acknowledged and checked: {systems} systems, {risks} risks; lost: {lost}"
    )?;
    if lost > 0 {
        bail!("bench soak: {lost} acknowledged writes are missing or wrong");
    }

    let verify = zian(exe, &data, &url, &["audit", "verify"])?;
    writeln!(out, "audit verify: {}", verify.trim())?;

    let first = work.join("first.zian");
    zian(
        exe,
        &data,
        &url,
        &["backup", "--output", &first.display().to_string()],
    )?;
    let restored = work.join("restored");
    std::fs::create_dir_all(&restored)?;
    std::fs::copy(data.join("audit.key"), restored.join("audit.key"))
        .context("bench soak: cannot copy the audit key")?;
    let restored_url = url_in(restored_url, &restored);
    zian(
        exe,
        &restored,
        &restored_url,
        &["restore", "--input", &first.display().to_string()],
    )?;
    let second = work.join("second.zian");
    zian(
        exe,
        &restored,
        &restored_url,
        &["backup", "--output", &second.display().to_string()],
    )?;
    let (a, b) = (std::fs::read(&first)?, std::fs::read(&second)?);
    if a != b {
        bail!(
            "bench soak: the archive of the restored database differs ({} vs {} bytes)",
            a.len(),
            b.len()
        );
    }
    let verify = zian(exe, &restored, &restored_url, &["audit", "verify"])?;
    writeln!(
        out,
        "backup → restore → backup: identical ({} bytes); restored audit verify: {}",
        a.len(),
        verify.trim()
    )?;
    Ok(())
}

/// Runs a `zian` command against the data directory and database; its
/// standard output, or an error with both outputs.
fn zian(exe: &Path, data: &Path, url: &str, args: &[&str]) -> Result<String> {
    let o = Command::new(exe)
        .arg("--data-dir")
        .arg(data)
        .arg("--database-url")
        .arg(url)
        .args(args)
        .env("ZIAN_LOG", "warn")
        .env_remove("ZIAN_CONFIG")
        .output()
        .with_context(|| format!("bench soak: cannot run zian {}", args.join(" ")))?;
    if !o.status.success() {
        bail!(
            "bench soak: zian {} failed: {}{}",
            args.join(" "),
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
    }
    Ok(String::from_utf8_lossy(&o.stdout).into_owned())
}

/// The server as a child process.
struct Server(Child);

impl Server {
    async fn start(
        exe: &Path,
        data: &Path,
        url: &str,
        addr: SocketAddr,
        log: &PathBuf,
    ) -> Result<Server> {
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(log)?;
        let child = Command::new(exe)
            .arg("--data-dir")
            .arg(data)
            .arg("--database-url")
            .arg(url)
            .args(["serve", "--bind", &addr.to_string()])
            .env("ZIAN_LOG", "warn")
            .env_remove("ZIAN_CONFIG")
            .stdout(file.try_clone()?)
            .stderr(file)
            .stdin(Stdio::null())
            .spawn()
            .context("bench soak: cannot start zian serve")?;
        let mut server = Server(child);
        let until = Instant::now() + Duration::from_secs(60);
        loop {
            if let Ok(mut c) = Client::connect(addr).await
                && let Ok(r) = c.send(Method::GET, "/readyz", &[], String::new()).await
                && r.status == StatusCode::OK
            {
                return Ok(server);
            }
            if let Some(status) = server.0.try_wait()? {
                bail!(
                    "bench soak: zian serve exited with {status}; see {}",
                    log.display()
                );
            }
            if Instant::now() > until {
                server.kill9()?;
                bail!(
                    "bench soak: zian serve not ready within 60 s; see {}",
                    log.display()
                );
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// SIGKILL, then reap.
    fn kill9(&mut self) -> Result<()> {
        self.0.kill()?;
        self.0.wait()?;
        Ok(())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The id of `PIF-POL` (the officer's agency), through the API.
async fn org_id(addr: SocketAddr) -> Result<String> {
    let (mut c, cookie, _) = login(addr, "officer.police", PASSWORD).await?;
    let r = c
        .send(
            Method::GET,
            "/api/v1/me",
            &[("cookie", &cookie)],
            String::new(),
        )
        .await?;
    let me: serde_json::Value = serde_json::from_slice(&r.body)?;
    me["home_org_id"]
        .as_str()
        .or_else(|| me["user"]["home_org_id"].as_str())
        .map(str::to_string)
        .ok_or_else(|| anyhow!("bench soak: /api/v1/me names no home organisation: {me}"))
}

#[derive(Default)]
struct Latencies {
    reads: Vec<Duration>,
    writes: Vec<Duration>,
}

impl Latencies {
    fn p(&self, v: &[Duration], q: f64) -> f64 {
        if v.is_empty() {
            return 0.0;
        }
        let mut v = v.to_vec();
        v.sort_unstable();
        v[((v.len() as f64 * q) as usize).min(v.len() - 1)].as_secs_f64() * 1000.0
    }
}

/// One client's loop.
struct Load {
    addr: SocketAddr,
    auth: String,
    org: String,
    ledger: Arc<Mutex<Ledger>>,
    counts: Arc<Counts>,
    stop: Arc<AtomicBool>,
    client: usize,
}

/// What a request came to.
enum Outcome {
    Done(serde_json::Value),
    /// The server was down or went down: nothing is known of the write.
    Cut,
}

impl Load {
    async fn run(self) -> Result<Latencies> {
        let mut rng = Rng::new(self.client as u64 + 17);
        let mut conn: Option<Client> = None;
        let mut own: Vec<String> = Vec::new();
        let mut lat = Latencies::default();
        let mut n = 0u64;
        while !self.stop.load(Ordering::SeqCst) {
            let roll = rng.below(100);
            n += 1;
            let t = Instant::now();
            if roll < 60 {
                let path = match roll % 3 {
                    0 => format!(
                        "/api/v1/orgs/{}/systems?limit=50&offset={}",
                        self.org,
                        rng.below(5) * 50
                    ),
                    1 if !own.is_empty() => {
                        format!("/api/v1/systems/{}", own[rng.below(own.len())])
                    }
                    _ => format!("/api/v1/orgs/{}/risks?limit=50", self.org),
                };
                if let Outcome::Done(_) = self.call(&mut conn, Method::GET, &path, None).await? {
                    self.counts.reads.fetch_add(1, Ordering::SeqCst);
                    lat.reads.push(t.elapsed());
                }
            } else if roll < 80 || own.is_empty() {
                let name = format!("壓力測試系統 {}-{n}", self.client);
                let body =
                    serde_json::json!({"name": name, "owner": "資訊室", "description": "v0"});
                if let Outcome::Done(v) = self
                    .call(
                        &mut conn,
                        Method::POST,
                        &format!("/api/v1/orgs/{}/systems", self.org),
                        Some(body),
                    )
                    .await?
                {
                    let id = v["id"]
                        .as_str()
                        .ok_or_else(|| anyhow!("bench soak: a new system without id: {v}"))?
                        .to_string();
                    self.ledger
                        .lock()
                        .map_err(|_| anyhow!("ledger poisoned"))?
                        .systems
                        .insert(
                            id.clone(),
                            Expected {
                                name,
                                description: "v0".into(),
                                unacknowledged: Vec::new(),
                            },
                        );
                    own.push(id);
                    self.counts.writes.fetch_add(1, Ordering::SeqCst);
                    lat.writes.push(t.elapsed());
                }
            } else if roll < 90 {
                let id = own[rng.below(own.len())].clone();
                let name = self.name_of(&id)?;
                let description = format!("v{n}");
                let body = serde_json::json!({"name": name, "owner": "資訊室", "description": description});
                let r = self
                    .call(
                        &mut conn,
                        Method::PUT,
                        &format!("/api/v1/systems/{id}"),
                        Some(body),
                    )
                    .await?;
                let mut l = self.ledger.lock().map_err(|_| anyhow!("ledger poisoned"))?;
                let e = l
                    .systems
                    .get_mut(&id)
                    .ok_or_else(|| anyhow!("bench soak: unknown own system"))?;
                match r {
                    Outcome::Done(_) => {
                        e.description = description;
                        e.unacknowledged.clear();
                        self.counts.writes.fetch_add(1, Ordering::SeqCst);
                        lat.writes.push(t.elapsed());
                    }
                    Outcome::Cut => e.unacknowledged.push(description),
                }
            } else {
                let asset = format!("壓力測試資產 {}-{n}", self.client);
                let body = serde_json::json!({
                    "asset": asset, "threat": "勒索軟體", "weakness": "未更新修補程式",
                    "likelihood": 1 + rng.below(3), "vulnerability": 1 + rng.below(3),
                    "asset_value": 1 + rng.below(3), "treatment": "mitigate", "owner": "資訊室", "due_on": "2027-06-30"
                });
                if let Outcome::Done(v) = self
                    .call(
                        &mut conn,
                        Method::POST,
                        &format!("/api/v1/orgs/{}/risks", self.org),
                        Some(body),
                    )
                    .await?
                {
                    let id = v["id"]
                        .as_str()
                        .ok_or_else(|| anyhow!("bench soak: a new risk without id: {v}"))?
                        .to_string();
                    self.ledger
                        .lock()
                        .map_err(|_| anyhow!("ledger poisoned"))?
                        .risks
                        .insert(id, asset);
                    self.counts.writes.fetch_add(1, Ordering::SeqCst);
                    lat.writes.push(t.elapsed());
                }
            }
        }
        Ok(lat)
    }

    fn name_of(&self, id: &str) -> Result<String> {
        let l = self.ledger.lock().map_err(|_| anyhow!("ledger poisoned"))?;
        Ok(l.systems
            .get(id)
            .map(|e| e.name.clone())
            .unwrap_or_default())
    }

    /// Sends one request on the client's connection (reconnecting when the
    /// server was restarted). A 2xx answer is `Done`; a transport failure is
    /// `Cut`; any other answer fails the run.
    async fn call(
        &self,
        conn: &mut Option<Client>,
        method: Method,
        path: &str,
        body: Option<serde_json::Value>,
    ) -> Result<Outcome> {
        if conn.is_none() {
            match Client::connect(self.addr).await {
                Ok(c) => *conn = Some(c),
                Err(_) => {
                    self.counts.cut.fetch_add(1, Ordering::SeqCst);
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    return Ok(Outcome::Cut);
                }
            }
        }
        let Some(c) = conn.as_mut() else {
            return Ok(Outcome::Cut);
        };
        let mut headers = vec![("authorization", self.auth.as_str())];
        if body.is_some() {
            headers.push(("content-type", "application/json"));
        }
        let text = body.map(|b| b.to_string()).unwrap_or_default();
        match c.send(method.clone(), path, &headers, text).await {
            Ok(r) if r.status.is_success() => Ok(Outcome::Done(
                serde_json::from_slice(&r.body).unwrap_or(serde_json::Value::Null),
            )),
            Ok(r) => bail!(
                "bench soak: {method} {path} answered {}: {}",
                r.status,
                String::from_utf8_lossy(&r.body)
            ),
            Err(_) => {
                *conn = None;
                self.counts.cut.fetch_add(1, Ordering::SeqCst);
                Ok(Outcome::Cut)
            }
        }
    }
}

/// Reads back every acknowledged write; returns (systems, risks, lost).
async fn check_ledger(
    addr: SocketAddr,
    token: &str,
    ledger: &Mutex<Ledger>,
) -> Result<(usize, usize, usize)> {
    let (systems, risks) = {
        let l = ledger.lock().map_err(|_| anyhow!("ledger poisoned"))?;
        let systems: Vec<(String, String, Vec<String>)> = l
            .systems
            .iter()
            .map(|(id, e)| {
                let mut ok = vec![e.description.clone()];
                ok.extend(e.unacknowledged.iter().cloned());
                (id.clone(), e.name.clone(), ok)
            })
            .collect();
        let risks: Vec<(String, String)> = l
            .risks
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        (systems, risks)
    };
    let auth = format!("Bearer {token}");
    let mut c = Client::connect(addr).await?;
    let mut lost = 0;
    for (id, name, descriptions) in &systems {
        let r = c
            .send(
                Method::GET,
                &format!("/api/v1/systems/{id}"),
                &[("authorization", &auth)],
                String::new(),
            )
            .await?;
        let v: serde_json::Value = serde_json::from_slice(&r.body).unwrap_or_default();
        let s = if v.get("system").is_some() {
            &v["system"]
        } else {
            &v
        };
        let good = r.status == StatusCode::OK
            && s["name"].as_str() == Some(name)
            && descriptions
                .iter()
                .any(|d| s["description"].as_str() == Some(d.as_str()));
        if !good {
            lost += 1;
            eprintln!("lost or wrong: system {id} ({}): {v}", r.status);
        }
    }
    for (id, asset) in &risks {
        let r = c
            .send(
                Method::GET,
                &format!("/api/v1/risks/{id}"),
                &[("authorization", &auth)],
                String::new(),
            )
            .await?;
        let v: serde_json::Value = serde_json::from_slice(&r.body).unwrap_or_default();
        if r.status != StatusCode::OK || v["asset"].as_str() != Some(asset) {
            lost += 1;
            eprintln!("lost or wrong: risk {id} ({}): {v}", r.status);
        }
    }
    Ok((systems.len(), risks.len(), lost))
}
