//! `zian bench vans`: VANS at municipal scale (issue 13, "Scale").
//!
//! Fills a PostgreSQL database with the demo and `zian demo --scale`'s
//! agencies (through the platform's services: inventories uploaded,
//! matched against the demo feed, findings triaged), then measures over
//! real TCP with `clients` keep-alive connections, against `/healthz`
//! measured in the same run:
//!
//! - an agency's VANS dashboard figures (`GET …/vulns/summary`);
//! - a page of its findings, filtered (`GET …/vulns?…`, one of the first ten
//!   pages), and the same page of the demo's small police bureau: a page's
//!   cost must not grow with the findings in scope;
//! - the Kaohsiung supervisor's monthly review of every agency
//!   (`GET /api/v1/orgs/{KHH}/vulns/review`);
//!
//! then, in process: the KPIs of the whole tree (the national authority's
//! review), and the re-match after a feed delta of `--delta` changed CVEs
//! (imported as a feed file, then the job the import queues). The query
//! plans of the findings list and the review's aggregate are printed.
//!
//! With `--database-url` the database is filled only where it lacks
//! agencies (a second run measures at once) and kept; `--work-dir` then
//! keeps the feed store and the audit key beside it.

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context, Result, anyhow, bail};
use sqlx::Row;
use zian_app::App;
use zian_app::config::AuthConfig;
use zian_app::demo_scale::{ScaleSpec, agency_code};
use zian_app::system::{SystemClock, UuidV7};
use zian_domain::audit::AuditKey;
use zian_domain::ports::IdGen;
use zian_storage::SqlStore;

use crate::bench_web::{Database, Stats, api_token, measure, ms, on_runtime};

#[derive(clap::Args)]
pub struct Options {
    /// `municipal` (500 agencies × 120 hosts × 25 programs) or
    /// `AGENCIESxHOSTSxPROGRAMS`.
    #[arg(long, default_value = "municipal")]
    pub scale: String,
    #[arg(long, default_value_t = 16)]
    pub clients: usize,
    /// Seconds measured per request kind (after a short warm-up).
    #[arg(long, default_value_t = 10.0)]
    pub seconds: f64,
    /// CVEs changed by the feed delta.
    #[arg(long, default_value_t = 500)]
    pub delta: usize,
    /// A PostgreSQL server where a throwaway database may be created.
    #[arg(long, env = "ZIAN_BENCH_PG_URL")]
    pub pg_url: Option<String>,
    /// Fill (where it lacks agencies) and keep this database instead.
    #[arg(long)]
    pub database_url: Option<String>,
    /// The feed store and audit key (default: a temporary directory).
    #[arg(long)]
    pub work_dir: Option<PathBuf>,
    /// Also time a full re-match of every organisation (what a feed import
    /// did before only changed records were matched): the baseline.
    #[arg(long)]
    pub full_rematch: bool,
}

const PASSWORD: &str = "Bench-Zian-2026!";

pub fn main(opts: Options) -> Result<()> {
    let mut out = std::io::stdout();
    on_runtime(run(opts, &mut out))
}

async fn run(opts: Options, out: &mut (impl Write + Send)) -> Result<()> {
    let spec = ScaleSpec::parse(&opts.scale).map_err(|e| anyhow!("bench vans: {e}"))?;
    if opts.clients == 0 || opts.seconds <= 0.0 || opts.delta == 0 {
        bail!("bench vans: --clients, --seconds and --delta must be positive");
    }
    let temp = std::env::temp_dir().join(format!("zian-bench-vans-{}", UuidV7.new_id()));
    let work = opts.work_dir.clone().unwrap_or_else(|| temp.clone());
    std::fs::create_dir_all(&work)?;
    let (url, throwaway) = match &opts.database_url {
        Some(u) => (u.clone(), None),
        None => {
            let db = Database::create("postgres", opts.pg_url.as_deref()).await?;
            (db.url.clone(), Some(db))
        }
    };
    let result = bench(&url, &work, &spec, &opts, out).await;
    if let Some(db) = throwaway {
        db.drop().await;
    }
    if opts.work_dir.is_none() {
        let _ = std::fs::remove_dir_all(&temp);
    }
    result
}

fn audit_key(work: &std::path::Path) -> Result<AuditKey> {
    let path = work.join("audit.key");
    if let Ok(text) = std::fs::read_to_string(&path) {
        return AuditKey::parse_hex(text.trim())
            .ok_or_else(|| anyhow!("{}: not an audit key", path.display()));
    }
    let bytes: [u8; 32] = zian_app::system::random_bytes(32)
        .try_into()
        .map_err(|_| anyhow!("cannot draw random bytes"))?;
    let key = AuditKey::from_bytes(bytes);
    std::fs::write(&path, key.to_hex())?;
    Ok(key)
}

async fn bench(
    url: &str,
    work: &std::path::Path,
    spec: &ScaleSpec,
    opts: &Options,
    out: &mut (impl Write + Send),
) -> Result<()> {
    sqlx::any::install_default_drivers();
    let store = SqlStore::open(url)
        .await
        .context("bench vans: cannot open the database")?
        .with_audit_key(audit_key(work)?);
    let mut auth = AuthConfig::default();
    auth.mfa_required_roles.clear();
    let app = App::new(&store, Arc::new(SystemClock), Arc::new(UuidV7), auth)
        .with_feed_store(work.join("feeds"));
    writeln!(
        out,
        "zian bench vans: {} agencies × {} hosts × {} programs; {} clients, {} s per request kind",
        spec.agencies, spec.hosts_per_agency, spec.programs_per_host, opts.clients, opts.seconds
    )?;
    let t = Instant::now();
    app.seed_demo(PASSWORD)
        .await
        .map_err(|e| anyhow!("bench vans: demo: {e}"))?;
    let report = app
        .seed_scale(spec, |done, r| {
            if done % 25 == 0 {
                eprintln!(
                    "  {done}/{} agencies: {} filled, {} findings, {:.0} s",
                    spec.agencies,
                    r.agencies_filled,
                    r.findings,
                    t.elapsed().as_secs_f64()
                );
            }
        })
        .await
        .map_err(|e| anyhow!("bench vans: scale: {e}"))?;
    // statistics and the visibility map, as autovacuum leaves them
    store.vacuum_analyze().await?;
    let pool = store.pool().clone();
    let count = |sql: &'static str| {
        let pool = pool.clone();
        async move {
            sqlx::query(sql)
                .fetch_one(&pool)
                .await
                .and_then(|r| r.try_get::<i64, _>(0))
        }
    };
    let (orgs, hosts, programs, findings) = (
        count("SELECT COUNT(*) FROM orgs").await?,
        count("SELECT COUNT(*) FROM assets").await?,
        count("SELECT COUNT(*) FROM asset_software").await?,
        count("SELECT COUNT(*) FROM vuln_findings").await?,
    );
    writeln!(
        out,
        "data: {orgs} organisations, {hosts} hosts, {programs} installed programs, {findings} findings \
         ({} agencies filled now in {:.0} s, {} findings decided)",
        report.agencies_filled,
        t.elapsed().as_secs_f64(),
        report.decided
    )?;

    let code_id = |code: String| {
        let pool = store.pool().clone();
        async move {
            sqlx::query("SELECT id FROM orgs WHERE code = $1")
                .bind(code.clone())
                .fetch_one(&pool)
                .await
                .and_then(|r| r.try_get::<String, _>(0))
                .with_context(|| format!("bench vans: organisation {code} is missing"))
        }
    };
    let khh = code_id("KHH".into()).await?;
    let pol = code_id("PIF-POL".into()).await?;
    let mut agencies = Vec::new();
    for i in 0..spec.agencies {
        agencies.push(code_id(agency_code(i)).await?);
    }
    let agencies = Arc::new(agencies);

    let state = zian_web::AppState::new(app.clone(), zian_web::WebConfig::default());
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
        "supervisor.khh",
        PASSWORD,
        &khh,
        &["org_read", "record_read"],
    )
    .await?;
    let go = |path: Box<dyn Fn(&mut crate::bench_web::Rng) -> String + Send + Sync>| {
        measure(addr, &token, opts.clients, opts.seconds, path)
    };
    let base = go(Box::new(|_| "/healthz".to_string())).await?;
    let a = agencies.clone();
    let summary = go(Box::new(move |r| {
        format!("/api/v1/orgs/{}/vulns/summary", a[r.below(a.len())])
    }))
    .await?;
    const FILTERS: [&str; 5] = [
        "",
        "&severity=critical",
        "&kev=true",
        "&overdue=true",
        "&sort=score&desc=true",
    ];
    let a = agencies.clone();
    let list = go(Box::new(move |r| {
        format!(
            "/api/v1/orgs/{}/vulns?limit=50&offset={}{}",
            a[r.below(a.len())],
            r.below(10) * 50,
            FILTERS[r.below(FILTERS.len())]
        )
    }))
    .await?;
    let p = pol.clone();
    let small = go(Box::new(move |r| {
        format!(
            "/api/v1/orgs/{p}/vulns?limit=50&offset=0&status=all&certainty=all{}",
            FILTERS[r.below(FILTERS.len())]
        )
    }))
    .await?;
    let k = khh.clone();
    let review = go(Box::new(move |_| format!("/api/v1/orgs/{k}/vulns/review"))).await?;
    server.abort();

    writeln!(
        out,
        "{:<46} {:>8} {:>9} {:>9} {:>9} {:>10}",
        "request (16 clients)", "req/s", "p50 ms", "p95 ms", "p99 ms", "/baseline"
    )?;
    for (label, s) in [
        ("GET /healthz (baseline)", &base),
        ("agency dashboard figures (vulns/summary)", &summary),
        ("agency findings page of 50, filtered", &list),
        ("police bureau page of 50 (small scope)", &small),
        ("supervisor review of KHH (every agency)", &review),
    ] {
        row(out, label, s, &base)?;
    }
    let per_org: f64 = findings as f64 / spec.agencies.max(1) as f64;
    writeln!(
        out,
        "page cost, agency (~{per_org:.0} findings) vs police bureau: {:.2}× the p50",
        ms(list.p50) / ms(small.p50).max(0.001)
    )?;

    // the whole tree's KPIs, as the national authority's review computes them
    let admin = app
        .operator()
        .await?
        .ok_or_else(|| anyhow!("bench vans: no organisation tree"))?;
    let root = admin.user.home_org_id.clone();
    let mut times = Vec::new();
    for _ in 0..3 {
        // computed afresh each time, not served from the five-minute cache
        app.refresh_reviews();
        let t = Instant::now();
        let r = app
            .vuln_review(&admin, &root, None)
            .await
            .map_err(|e| anyhow!("bench vans: review: {e}"))?;
        times.push(t.elapsed());
        if r.agencies.len() < spec.agencies {
            bail!(
                "bench vans: the whole tree's review lists {} agencies",
                r.agencies.len()
            );
        }
    }
    times.sort_unstable();
    writeln!(
        out,
        "KPIs of the whole tree (national review, in process): median {:.3} s of 3 (target < 2 s)",
        times[1].as_secs_f64()
    )?;

    // a daily delta of changed CVEs, imported as a feed file, then what
    // the job the import queues does: only those records matched again
    // runs alternate: one removes the configurations of a quarter of the
    // records (their findings close), the next restores them (they reopen)
    let parity_file = work.join("delta-parity");
    let remove = std::fs::read_to_string(&parity_file).map_or(true, |p| p.trim() != "1");
    std::fs::write(&parity_file, if remove { "1" } else { "0" })?;
    let (delta, ids) = delta_feed(&app, opts.delta, remove)?;
    let t = Instant::now();
    app.import_feed(&admin, "delta.json", &delta)
        .await
        .map_err(|e| anyhow!("bench vans: delta import: {e}"))?;
    let import = t.elapsed();
    let t = Instant::now();
    let changed = app
        .rematch_cves(&ids)
        .await
        .map_err(|e| anyhow!("bench vans: re-match: {e}"))?;
    let rematch = t.elapsed();
    writeln!(
        out,
        "feed delta of {} CVEs ({} a quarter of their configurations): import {:.2} s; re-match of the changed \
         records over every organisation {:.2} s ({changed} organisations written; target < 60 s)",
        ids.len(),
        if remove { "removing" } else { "restoring" },
        import.as_secs_f64(),
        rematch.as_secs_f64()
    )?;
    if opts.full_rematch {
        let t = Instant::now();
        let matched = app
            .rematch_all()
            .await
            .map_err(|e| anyhow!("bench vans: full re-match: {e}"))?;
        let full = t.elapsed();
        writeln!(
            out,
            "baseline: full re-match of {matched} organisations {:.2} s ({:.1}× the changed-records re-match)",
            full.as_secs_f64(),
            full.as_secs_f64() / rematch.as_secs_f64().max(1e-6)
        )?;
    }

    plans(&store, &agencies[0], &khh, app.now(), out).await?;
    store.close().await;
    Ok(())
}

fn row(out: &mut impl Write, label: &str, s: &Stats, base: &Stats) -> Result<()> {
    writeln!(
        out,
        "{:<46} {:>8.0} {:>9.2} {:>9.2} {:>9.2} {:>10.3}",
        label,
        s.rps(),
        ms(s.p50),
        ms(s.p95),
        ms(s.p99),
        s.rps() / base.rps()
    )?;
    Ok(())
}

/// The first `n` records of the demo feed, each marked modified now (one
/// in four without its configurations when `remove`, else as published): a
/// daily delta as NVD's API returns it; and their ids.
fn delta_feed(app: &App, n: usize, remove: bool) -> Result<(Vec<u8>, Vec<String>)> {
    use std::io::Read;
    let mut text = String::new();
    xz2_read(zian_app::demo_vulns::DEMO_NVD)?.read_to_string(&mut text)?;
    let mut page: serde_json::Value = serde_json::from_str(&text)?;
    let now = app
        .clock
        .now()
        .format(&time::format_description::well_known::Rfc3339)?;
    let stamp = now.trim_end_matches('Z').to_string();
    let vulns = page["vulnerabilities"]
        .as_array_mut()
        .ok_or_else(|| anyhow!("bench vans: the demo feed has no vulnerabilities"))?;
    vulns.truncate(n);
    for (k, v) in vulns.iter_mut().enumerate() {
        v["cve"]["lastModified"] = serde_json::Value::String(stamp.clone());
        // one record in four re-analysed to name no product any more: its
        // findings close, so the re-match writes as well as reads
        if remove && k % 4 == 0 {
            v["cve"]["configurations"] = serde_json::json!([]);
        }
    }
    let ids: Vec<String> = vulns
        .iter()
        .filter_map(|v| v["cve"]["id"].as_str().map(str::to_string))
        .collect();
    let len = vulns.len();
    page["resultsPerPage"] = len.into();
    page["totalResults"] = len.into();
    Ok((serde_json::to_vec(&page)?, ids))
}

fn xz2_read(bytes: &'static [u8]) -> Result<impl std::io::Read> {
    Ok(xz2::read::XzDecoder::new(bytes))
}

/// The query plans of one agency's default findings page and of the
/// review's per-agency aggregate (PostgreSQL's EXPLAIN ANALYZE).
async fn plans(
    store: &SqlStore,
    org: &str,
    khh: &str,
    now: i64,
    out: &mut impl Write,
) -> Result<()> {
    let path: String = sqlx::query("SELECT path FROM orgs WHERE id = $1")
        .bind(khh)
        .fetch_one(store.pool())
        .await?
        .try_get(0)?;
    for (label, sql) in [
        (
            "findings page (open, confirmed, by due date)",
            format!(
                "SELECT f.id, f.cve_id, f.due_on, a.name FROM vuln_findings f JOIN assets a ON a.id = f.asset_id \
                 JOIN orgs o ON o.id = f.org_id WHERE f.org_id = '{org}' AND f.status IN ('new', 'needs_fix', 'planned') \
                 AND f.certainty = 'confirmed' ORDER BY f.due_on ASC, f.id ASC LIMIT 50 OFFSET 450"
            ),
        ),
        (
            "review: open findings by agency and severity (as VulnStore::overview)",
            format!(
                "SELECT f.org_id, f.severity, COUNT(*) AS n, SUM(CASE WHEN f.due_on < '{today}' THEN 1 ELSE 0 END) AS late, \
                 SUM(CASE WHEN f.kev = 1 THEN 1 ELSE 0 END) AS kev FROM vuln_findings f JOIN orgs o ON o.id = f.org_id \
                 WHERE o.path LIKE '{path}%' AND f.certainty = 'confirmed' AND f.status IN ('new', 'needs_fix', 'planned') \
                 GROUP BY f.org_id, f.severity",
                today = zian_domain::day::ymd(zian_domain::day::of_unix(now)),
            ),
        ),
        (
            "review: CVSS >= 7 findings of twelve months for the KPIs (as VulnStore::kpi_counts, months folded)",
            format!(
                "SELECT f.org_id, CASE WHEN f.handled_at IS NOT NULL AND f.handled_at - f.notified_at <= 604800 THEN 1 ELSE 0 END AS week, \
                 CASE WHEN f.status IN ('needs_fix', 'planned', 'fixed') THEN 1 ELSE 0 END AS fix, COUNT(*) AS n \
                 FROM vuln_findings f JOIN orgs o ON o.id = f.org_id WHERE o.path LIKE '{path}%' AND f.certainty = 'confirmed' \
                 AND f.score >= 70 AND f.notified_at >= {from} AND f.notified_at < {to} GROUP BY f.org_id, 2, 3",
                from = now - 365 * 86_400,
                to = now + 86_400,
            ),
        ),
    ] {
        writeln!(out, "plan: {label}")?;
        let rows = sqlx::query(&format!("EXPLAIN (ANALYZE, BUFFERS) {sql}"))
            .fetch_all(store.pool())
            .await?;
        for r in rows {
            let line: String = r.try_get(0)?;
            writeln!(out, "  {line}")?;
        }
    }
    Ok(())
}
