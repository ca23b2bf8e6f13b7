//! `zian bench inventory`: a large installed-software file through the
//! platform's import (read, plan against the register, store the upload;
//! commit in one transaction; the same file again), against a baseline
//! measured in the same run: the same programs entered one at a time
//! through the installed-software service, as the asset page and the API
//! do.
//!
//! For each backend: a fresh database with the demo tree; the baseline adds
//! `--baseline` programs to one host of `PIF-POL-IT` one by one; then a file
//! of `--rows` rows (hosts of 100 programs each, a Windows export's columns)
//! is previewed, committed and previewed again. Prints seconds, microseconds
//! per row and how many times faster per row the import is.

use std::io::Write;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};
use zian_app::App;
use zian_app::assets::{AssetInput, SoftwareInput};
use zian_app::config::AuthConfig;
use zian_app::inventory::CommitInput;
use zian_app::system::{SystemClock, UuidV7};
use zian_domain::OrgId;
use zian_domain::audit::AuditKey;
use zian_storage::SqlStore;

use crate::bench_web::{BackendChoice, Database, on_runtime};

#[derive(clap::Args)]
pub struct Options {
    /// Rows of the file (100 programs per host).
    #[arg(long, default_value_t = 100_000)]
    pub rows: usize,
    /// Programs entered one at a time for the baseline.
    #[arg(long, default_value_t = 1_000)]
    pub baseline: usize,
    #[arg(long, value_enum, default_value = "both")]
    pub backend: BackendChoice,
    /// A PostgreSQL server where a throwaway database may be created.
    #[arg(long, env = "ZIAN_BENCH_PG_URL")]
    pub pg_url: Option<String>,
}

pub fn main(opts: Options) -> Result<()> {
    let mut out = std::io::stdout();
    on_runtime(run(opts, &mut out))
}

/// A Windows installed-program export (`PSComputerName, DisplayName,
/// DisplayVersion, Publisher`), UTF-8 with BOM and CRLF, `rows` rows.
pub fn export_file(rows: usize) -> Vec<u8> {
    let mut s = String::from(
        "\u{feff}\"PSComputerName\",\"DisplayName\",\"DisplayVersion\",\"Publisher\"\r\n",
    );
    for r in 0..rows {
        let (h, p) = (r / 100, r % 100);
        s.push_str(&format!(
            "\"WS-{h:05}\",\"Program {p} (x64)\",\"{}.{}.{}\",\"Vendor {}\"\r\n",
            p % 9,
            h % 4,
            p,
            p % 17
        ));
    }
    s.into_bytes()
}

async fn run(opts: Options, out: &mut (impl Write + Send)) -> Result<()> {
    if opts.rows == 0 || opts.baseline == 0 {
        bail!("bench inventory: --rows and --baseline must be positive");
    }
    let backends: Vec<&str> = match opts.backend {
        BackendChoice::Sqlite => vec!["sqlite"],
        BackendChoice::Postgres => vec!["postgres"],
        BackendChoice::Both => vec!["sqlite", "postgres"],
    };
    let file = export_file(opts.rows);
    writeln!(
        out,
        "zian bench inventory: {} rows ({} hosts × 100), {:.1} MB; baseline {} programs one at a time",
        opts.rows,
        opts.rows.div_ceil(100),
        file.len() as f64 / 1e6,
        opts.baseline
    )?;
    for backend in backends {
        let db = Database::create(backend, opts.pg_url.as_deref()).await?;
        let result = bench_backend(&db.url, backend, &file, &opts, out).await;
        db.drop().await;
        result?;
    }
    Ok(())
}

fn us_per_row(d: Duration, rows: usize) -> f64 {
    d.as_secs_f64() * 1e6 / rows as f64
}

async fn bench_backend(
    url: &str,
    backend: &str,
    file: &[u8],
    opts: &Options,
    out: &mut (impl Write + Send),
) -> Result<()> {
    sqlx::any::install_default_drivers();
    let store = SqlStore::open(url)
        .await
        .context("bench inventory: cannot open the database")?;
    let key: [u8; 32] = zian_app::system::random_bytes(32)
        .try_into()
        .map_err(|_| anyhow!("cannot draw random bytes"))?;
    let store = store.with_audit_key(AuditKey::from_bytes(key));
    let app = App::new(
        &store,
        Arc::new(SystemClock),
        Arc::new(UuidV7),
        AuthConfig::default(),
    );
    app.seed_demo("Bench-Zian-2026!")
        .await
        .map_err(|e| anyhow!("bench inventory: demo: {e}"))?;
    let p = app
        .operator()
        .await?
        .ok_or_else(|| anyhow!("bench inventory: no organisation tree"))?;
    let org: String = sqlx::query_scalar("SELECT id FROM orgs WHERE code = 'PIF-POL-IT'")
        .fetch_one(store.pool())
        .await
        .context("bench inventory: the demo unit PIF-POL-IT is missing")?;
    let org = OrgId::from(org);
    let fail = |what: &'static str| move |e: zian_app::AppError| anyhow!("{what}: {e}");

    // baseline: one program at a time through the service
    let host = app
        .create_asset(
            &p,
            &org,
            AssetInput {
                name: "基準主機".into(),
                category: "hardware".into(),
                owner: "資訊室".into(),
                hostname: Some("bench-baseline".into()),
                ..Default::default()
            },
        )
        .await
        .map_err(fail("baseline host"))?;
    let t = Instant::now();
    for i in 0..opts.baseline {
        app.add_software(
            &p,
            &host.id,
            SoftwareInput {
                name: format!("Program {i} (x64)"),
                version: Some(format!("1.0.{i}")),
                publisher: Some("Vendor".into()),
                cpe23: None,
            },
        )
        .await
        .map_err(fail("baseline"))?;
    }
    let baseline = t.elapsed();

    let t = Instant::now();
    let parsed = zian_inventory::parse("bench.csv", file, None)
        .map_err(|e| anyhow!("bench inventory: {e}"))?;
    let parse = t.elapsed();
    let rows = parsed.rows;
    drop(parsed);
    let t = Instant::now();
    let v = app
        .preview_inventory(&p, &org, "bench.csv", file, None)
        .await
        .map_err(fail("preview"))?;
    let preview = t.elapsed();
    if v.counts.added != rows {
        bail!(
            "bench inventory: the preview adds {} programs, not {rows}",
            v.counts.added
        );
    }
    let t = Instant::now();
    app.commit_inventory(&p, &v.import.id, CommitInput::default())
        .await
        .map_err(fail("commit"))?;
    let commit = t.elapsed();
    let t = Instant::now();
    let again = app
        .preview_inventory(&p, &org, "bench.csv", file, None)
        .await
        .map_err(fail("preview again"))?;
    let reimport = t.elapsed();
    if !again.plan.is_noop() {
        bail!("bench inventory: the same file again would change the register");
    }
    let import = preview + commit;
    let base_row = us_per_row(baseline, opts.baseline);
    let import_row = us_per_row(import, rows);
    writeln!(out, "{backend}:")?;
    writeln!(
        out,
        "  baseline: {} programs one at a time  {:>8.2} s  {:>9.1} µs/row",
        opts.baseline,
        baseline.as_secs_f64(),
        base_row
    )?;
    writeln!(
        out,
        "  read only (parse)                    {:>8.2} s  {:>9.1} µs/row",
        parse.as_secs_f64(),
        us_per_row(parse, rows)
    )?;
    writeln!(
        out,
        "  preview (read, plan, store upload)   {:>8.2} s  {:>9.1} µs/row",
        preview.as_secs_f64(),
        us_per_row(preview, rows)
    )?;
    writeln!(
        out,
        "  commit (one transaction)             {:>8.2} s  {:>9.1} µs/row",
        commit.as_secs_f64(),
        us_per_row(commit, rows)
    )?;
    writeln!(
        out,
        "  preview + commit                     {:>8.2} s  {:>9.1} µs/row  = {:.0}× faster per row than the baseline",
        import.as_secs_f64(),
        import_row,
        base_row / import_row
    )?;
    writeln!(
        out,
        "  the same file again (no change)      {:>8.2} s",
        reimport.as_secs_f64()
    )?;
    Ok(())
}
