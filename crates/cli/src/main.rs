//! `zian` — the single binary: the web platform, administration commands,
//! and the offline vulnerability and regulation tools. This is the
//! composition root: it wires configuration, storage, the application and
//! the web layer together, and holds no business rules.

mod bench_inventory;
mod bench_soak;
mod bench_vans;
mod bench_web;
mod config;
mod feeds_sync;
mod https;
mod inventory;
mod jobs;
mod platform;

use std::io::{BufReader, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "zian",
    version,
    about = "Zian 資安 — cyber-security management for Taiwanese agencies"
)]
struct Cli {
    /// Configuration file (TOML); also ZIAN_CONFIG, or ./zian.toml when present.
    #[arg(long, global = true)]
    config: Option<PathBuf>,
    /// Data directory (SQLite database); overrides the configuration.
    #[arg(long, global = true)]
    data_dir: Option<PathBuf>,
    /// Database URL (sqlite://… or postgres://…); overrides the configuration.
    #[arg(long, global = true)]
    database_url: Option<String>,
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Run the web platform.
    Serve {
        #[arg(long)]
        bind: Option<String>,
    },
    /// Apply database migrations.
    Migrate,
    /// Create (idempotently) the demo organisation tree and users, print the
    /// logins, and serve.
    Demo {
        #[arg(long)]
        bind: Option<String>,
        #[arg(long, default_value = "Zian-Demo-2026!")]
        admin_password: String,
        /// Seed and exit without serving.
        #[arg(long)]
        no_serve: bool,
        /// Add a deployment's worth of agencies under the Kaohsiung hub, each
        /// with hosts, installed software, findings and decisions:
        /// `municipal` (500 agencies, 60,000 hosts, 1.5 million programs;
        /// for PostgreSQL) or `AGENCIESxHOSTSxPROGRAMS` (e.g. `20x50x25`).
        #[arg(long)]
        scale: Option<String>,
    },
    /// Organisations.
    #[command(subcommand)]
    Org(platform::OrgCmd),
    /// Official documents: `zian report list`; `zian report NAME --org CODE
    /// --format pdf|odt|ods|docx|xlsx|csv --output FILE`.
    Report(platform::ReportCmd),
    /// Users and roles.
    #[command(subcommand)]
    User(platform::UserCmd),
    /// Software inventories: import an agency's installed-software file into
    /// the asset register (preview, then `--commit`).
    #[command(subcommand)]
    Inventory(inventory::InventoryCmd),
    /// Write a consistent backup archive of the database (online), then
    /// read it back and verify it; `zian backup verify FILE` checks an
    /// existing archive.
    #[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
    Backup {
        #[arg(long, short, required = true)]
        output: Option<PathBuf>,
        #[command(subcommand)]
        cmd: Option<platform::BackupCmd>,
    },
    /// Restore a backup archive into an empty data directory or database.
    Restore {
        #[arg(long, short)]
        input: PathBuf,
    },
    /// The security audit trail.
    #[command(subcommand)]
    Audit(platform::AuditCmd),
    /// What is overdue or due within `--days` across the whole tree, with
    /// whom to remind (security officers and CISOs): one line per item, or
    /// JSON lines for a mail job.
    Reminders {
        #[arg(long, default_value_t = 30)]
        days: i64,
        /// `text` (tab-separated) or `json`.
        #[arg(long, default_value = "text")]
        format: String,
    },
    /// Run the background job worker alone (for deployments that run it
    /// apart from `zian serve`; `[jobs] enabled = false` there).
    Worker,
    /// The background job queue.
    #[command(subcommand)]
    Jobs(jobs::JobsCmd),
    /// Outgoing mail.
    #[command(subcommand)]
    Mail(jobs::MailCmd),
    /// Score CVSS vectors: one per stdin line, one JSON object per output line.
    Cvss,
    /// CPE 2.3 tools.
    #[command(subcommand)]
    Cpe(CpeCmd),
    /// Vulnerability tools.
    #[command(subcommand)]
    Vuln(VulnCmd),
    /// Vulnerability feeds: the compiled store and the NVD sync.
    #[command(subcommand)]
    Feeds(FeedsCmd),
    /// Regulation rules (資通安全責任等級分級辦法, 資通安全事件通報及應變辦法).
    #[command(subcommand)]
    Rules(RulesCmd),
    /// Benchmarks (figures compared with a baseline measured in the same run).
    #[command(subcommand)]
    Bench(BenchCmd),
}

#[derive(Subcommand)]
enum CpeCmd {
    /// stdin lines `SOURCE<TAB>TARGET`; NISTIR 7696 relations as JSON lines.
    Compare,
    /// stdin lines of CPE names (formatted string or URI); WFN, FS and URI as JSON lines.
    Convert,
    /// stdin lines `NAME<TAB>VERSION[<TAB>PUBLISHER]` (Windows installed programs); up to five
    /// CPE 2.3 candidates per line as JSON lines.
    Suggest,
}

#[derive(Subcommand)]
enum FeedsCmd {
    /// Import feed files (NVD 2.0 files and API pages, CVE 5 files and
    /// directories, KEV JSON, EPSS CSV) into a store directory, merging with
    /// what it holds (newer lastModified wins); written atomically.
    Import {
        /// Store directory (created if missing).
        #[arg(long)]
        store: PathBuf,
        /// Feed files or directories.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
    /// Sources, record counts, newest lastModified and size of a store.
    Status {
        /// Store directory.
        #[arg(long)]
        store: PathBuf,
    },
    /// Fetch NVD CVE API 2.0 changes since the last run (HTTPS) into a
    /// directory of page files (resumable); with `--store`, import them.
    Sync(feeds_sync::SyncArgs),
}

#[derive(Subcommand)]
enum VulnCmd {
    /// Offline scan of an inventory against feed files or a compiled store.
    Scan {
        /// Feed files or directories (parsed in parallel).
        #[arg(long, num_args = 1.., required_unless_present = "store", conflicts_with = "store")]
        feeds: Vec<PathBuf>,
        /// A store directory written by `zian feeds import`.
        #[arg(long)]
        store: Option<PathBuf>,
        #[arg(long)]
        inventory: PathBuf,
        #[arg(long, default_value = "jsonl")]
        format: String,
    },
}

#[derive(Subcommand)]
enum RulesCmd {
    /// Obligations in force for an organisation of this kind and level.
    Obligations {
        #[arg(long)]
        kind: String,
        #[arg(long)]
        level: String,
        #[arg(long)]
        assigned: String,
        #[arg(long)]
        on: Option<String>,
        #[arg(long, default_value = "json")]
        format: String,
    },
    /// System protection level (附表九) and the baseline controls (附表十).
    Grade {
        #[arg(long)]
        c: String,
        #[arg(long)]
        i: String,
        #[arg(long)]
        a: String,
        #[arg(long)]
        l: String,
        #[arg(long)]
        on: Option<String>,
    },
    /// Incident level (art. 2) and the legal clocks: one JSON object a line
    /// on stdin ({"kind","on","aware","asset","confidentiality","integrity",
    /// "availability","notified","recovered"}), one a line on stdout
    /// ({"level","notify_by","review_by","recover_by","report_by"} in
    /// Asia/Taipei time, or {"error"}).
    Incident,
}

#[derive(Subcommand)]
enum BenchCmd {
    /// Vulnerability engine: ingest, scan, incremental match.
    Vuln {
        /// NVD 2.0 files (yearly feeds or API pages; .json, .gz, .xz).
        #[arg(long, num_args = 1.., required = true)]
        nvd: Vec<PathBuf>,
        /// Inventory (CSV) for the raw-feed / store comparison with
        /// cve-bin-tool (e.g. crates/vuln/tests/fixtures/bench/inventory-321.csv).
        #[arg(long)]
        inventory: Option<PathBuf>,
        /// cve-bin-tool's scan time measured in the same run
        /// (scripts/bench-cve-bin-tool.sh), for the ratios.
        #[arg(long)]
        cve_bin_tool_seconds: Option<f64>,
        /// cve-bin-tool's finding count, printed next to ours.
        #[arg(long)]
        cve_bin_tool_findings: Option<u64>,
        /// Store directory for the comparison (default: a fresh temporary
        /// directory, removed afterwards).
        #[arg(long)]
        store_dir: Option<PathBuf>,
        /// Only the raw-feed / store comparison (skip ingest, scan and
        /// incremental benchmarks).
        #[arg(long, requires = "inventory")]
        store_only: bool,
    },
    /// Web reads over real HTTP: one record and one page of 50 at N clients,
    /// on SQLite and PostgreSQL, at each size of one agency's register.
    Web(bench_web::Options),
    /// Inventory import: a large installed-software file previewed and
    /// committed, against the same programs entered one at a time.
    Inventory(bench_inventory::Options),
    /// Soak: mixed reads and writes against a `zian serve` that is killed
    /// with SIGKILL every few minutes; proves nothing acknowledged is lost,
    /// the audit chain verifies and backup → restore → backup is identical.
    Soak(bench_soak::Options),
    /// VANS at municipal scale: `zian demo --scale`'s agencies on
    /// PostgreSQL; dashboard, findings page and supervisor review at N
    /// clients, the whole tree's KPIs, the re-match after a feed delta,
    /// and the query plans.
    Vans(bench_vans::Options),
}

/// Today in Asia/Taipei, from the real clock (the composition root's).
fn today_taipei() -> time::Date {
    use zian_domain::ports::Clock;
    zian_domain::day::taipei(zian_app::system::SystemClock.now())
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let stdin = std::io::stdin();
    let stdout = std::io::stdout();
    let result: anyhow::Result<ExitCode> = match cli.cmd {
        Cmd::Cvss => zian_cvss::cli::run(stdin.lock(), stdout.lock())
            .map(|_| ExitCode::SUCCESS)
            .map_err(Into::into),
        Cmd::Cpe(CpeCmd::Compare) => zian_cpe::cli::run_compare(stdin.lock(), stdout.lock())
            .map(|_| ExitCode::SUCCESS)
            .map_err(Into::into),
        Cmd::Cpe(CpeCmd::Convert) => zian_cpe::cli::run_convert(stdin.lock(), stdout.lock())
            .map(|_| ExitCode::SUCCESS)
            .map_err(Into::into),
        Cmd::Cpe(CpeCmd::Suggest) => zian_cpe::cli::run_suggest(
            stdin.lock(),
            stdout.lock(),
            &zian_cpe::suggest::Suggester::builtin(),
        )
        .map(|_| ExitCode::SUCCESS)
        .map_err(Into::into),
        Cmd::Vuln(VulnCmd::Scan {
            feeds,
            store,
            inventory,
            format,
        }) => vuln_scan(&feeds, store.as_deref(), &inventory, &format),
        Cmd::Feeds(FeedsCmd::Import { store, paths }) => {
            zian_vuln::store::Store::import(&store, &paths)
                .map(|r| {
                    let _ = writeln!(std::io::stderr().lock(), "{r}");
                    ExitCode::SUCCESS
                })
                .map_err(Into::into)
        }
        Cmd::Feeds(FeedsCmd::Status { store }) => zian_vuln::store::Store::status(&store)
            .map(|s| {
                let _ = writeln!(stdout.lock(), "{s}");
                ExitCode::SUCCESS
            })
            .map_err(Into::into),
        Cmd::Rules(RulesCmd::Obligations {
            kind,
            level,
            assigned,
            on,
            format,
        }) => {
            if format != "json" {
                eprintln!("zian rules obligations: --format must be json");
                return ExitCode::from(2);
            }
            rules_result(zian_rules::cli::run_obligations(
                &kind,
                &level,
                &assigned,
                on.as_deref(),
                today_taipei(),
                stdout.lock(),
            ))
        }
        Cmd::Rules(RulesCmd::Incident) => rules_result(zian_rules::cli::run_incident(
            std::io::stdin().lock(),
            stdout.lock(),
        )),
        Cmd::Rules(RulesCmd::Grade { c, i, a, l, on }) => {
            let on = match on.as_deref().map(|s| {
                time::Date::parse(s, time::macros::format_description!("[year]-[month]-[day]"))
            }) {
                None => today_taipei(),
                Some(Ok(d)) => d,
                Some(Err(_)) => {
                    eprintln!("zian rules grade: --on must be a date YYYY-MM-DD");
                    return ExitCode::from(2);
                }
            };
            rules_result(zian_rules::cli::run_grade(
                &c,
                &i,
                &a,
                &l,
                on,
                stdout.lock(),
            ))
        }
        Cmd::Feeds(FeedsCmd::Sync(a)) => feeds_sync::run(a, cli.config.as_ref()),
        Cmd::Bench(BenchCmd::Vuln {
            nvd,
            inventory,
            cve_bin_tool_seconds,
            cve_bin_tool_findings,
            store_dir,
            store_only,
        }) => bench_vuln(
            &nvd,
            inventory,
            cve_bin_tool_seconds,
            cve_bin_tool_findings,
            store_dir,
            store_only,
        ),
        Cmd::Bench(BenchCmd::Web(o)) => bench_web::main(o).map(|()| ExitCode::SUCCESS),
        Cmd::Bench(BenchCmd::Vans(o)) => bench_vans::main(o).map(|()| ExitCode::SUCCESS),
        Cmd::Bench(BenchCmd::Soak(o)) => bench_soak::main(o).map(|()| ExitCode::SUCCESS),
        Cmd::Bench(BenchCmd::Inventory(o)) => bench_inventory::main(o).map(|()| ExitCode::SUCCESS),
        platform_cmd => platform::run(platform_cmd, cli.config, cli.data_dir, cli.database_url),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("zian: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn rules_result(r: Result<(), zian_rules::cli::RulesCliError>) -> anyhow::Result<ExitCode> {
    match r {
        Ok(()) => Ok(ExitCode::SUCCESS),
        Err(e) if e.is_usage_error() => {
            eprintln!("zian rules: {e}");
            Ok(ExitCode::from(2))
        }
        Err(e) => Err(e.into()),
    }
}

fn bench_vuln(
    nvd: &[PathBuf],
    inventory: Option<PathBuf>,
    cbt_seconds: Option<f64>,
    cbt_findings: Option<u64>,
    store_dir: Option<PathBuf>,
    store_only: bool,
) -> anyhow::Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    if let Some(inventory) = inventory {
        let opts = zian_vuln::bench::StoreBenchOptions {
            nvd_files: nvd.to_vec(),
            inventory,
            zian_bin: std::env::current_exe()?,
            store_dir,
            cve_bin_tool_seconds: cbt_seconds,
            cve_bin_tool_findings: cbt_findings,
        };
        zian_vuln::bench::run_store_bench(&opts, &mut out)?;
    }
    if !store_only {
        zian_vuln::bench::run_bench(nvd, &mut out)?;
    }
    Ok(ExitCode::SUCCESS)
}

fn vuln_scan(
    feeds: &[PathBuf],
    store: Option<&std::path::Path>,
    inventory: &std::path::Path,
    format: &str,
) -> anyhow::Result<ExitCode> {
    let fmt = match format {
        "jsonl" => zian_vuln::cli::ScanFormat::Jsonl,
        "csv" => zian_vuln::cli::ScanFormat::Csv,
        other => {
            eprintln!("zian vuln scan: --format must be jsonl or csv, not {other:?}");
            return Ok(ExitCode::from(2));
        }
    };
    let out = std::io::BufWriter::new(std::io::stdout().lock());
    let progress = std::io::stderr().is_terminal();
    let summary = match store {
        Some(dir) => zian_vuln::cli::run_scan_store(dir, inventory, fmt, out, progress)?,
        None => zian_vuln::cli::run_scan(feeds, inventory, fmt, out, progress)?,
    };
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "{summary}");
    Ok(ExitCode::SUCCESS)
}

/// Reads a whole file through a buffered reader (used by restore).
pub fn open_read(p: &std::path::Path) -> anyhow::Result<BufReader<std::fs::File>> {
    Ok(BufReader::new(
        std::fs::File::open(p).map_err(|e| anyhow::anyhow!("{}: {e}", p.display()))?,
    ))
}
