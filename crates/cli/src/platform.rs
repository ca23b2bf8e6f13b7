//! Platform commands: serve (with the job worker), demo, migrate, org,
//! user, backup, restore, audit verify; `jobs.rs` holds worker, jobs and
//! mail.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use clap::Subcommand;
use indicatif::{ProgressBar, ProgressStyle};
use zian_app::system::{SystemClock, UuidV7};
use zian_app::{App, Principal};
use zian_domain::audit::AuditKey;
use zian_domain::org::{OrgDraft, parse_kind, parse_level};
use zian_domain::user::UserPatch;
use zian_domain::{ListQuery, OrgId, OrgTier, Role, UserId};
use zian_storage::SqlStore;

use crate::Cmd;
use crate::config::Config;

#[derive(Subcommand)]
pub enum OrgCmd {
    /// List organisations (tree order).
    List,
    /// Create the root organisation of an empty deployment.
    Root {
        #[arg(long)]
        name_zh: String,
        #[arg(long, default_value = "")]
        name_en: String,
        #[arg(long, default_value = "national")]
        tier: String,
        #[arg(long, default_value = "public")]
        kind: String,
        #[arg(long)]
        code: Option<String>,
    },
    /// Add an organisation under a parent (id or code).
    Add {
        #[arg(long)]
        parent: String,
        #[arg(long)]
        name_zh: String,
        #[arg(long, default_value = "")]
        name_en: String,
        #[arg(long, default_value = "agency")]
        tier: String,
        #[arg(long, default_value = "public")]
        kind: String,
        #[arg(long)]
        code: Option<String>,
        /// Responsibility level A–E.
        #[arg(long)]
        level: Option<String>,
        /// Date the level was assigned (YYYY-MM-DD).
        #[arg(long)]
        assigned: Option<String>,
        #[arg(long)]
        fiscal_tier: Option<i64>,
    },
    /// Move an organisation (id or code) under a new parent.
    Move {
        org: String,
        #[arg(long)]
        parent: String,
    },
    /// Archive an organisation (id or code) and its subtree.
    Archive { org: String },
}

#[derive(Subcommand)]
pub enum UserCmd {
    /// List users.
    List,
    /// Add a user (must change the password at first login).
    Add {
        #[arg(long)]
        username: String,
        #[arg(long)]
        name: String,
        /// Home organisation (id or code).
        #[arg(long)]
        org: String,
        #[arg(long, env = "ZIAN_NEW_PASSWORD")]
        password: String,
        #[arg(long)]
        email: Option<String>,
        /// Grant this role at the home organisation.
        #[arg(long)]
        role: Option<String>,
    },
    /// Set a temporary password (the user must change it; sessions end).
    ResetPassword {
        username: String,
        #[arg(long, env = "ZIAN_NEW_PASSWORD")]
        password: String,
    },
    /// Grant a role at an organisation (id or code).
    Grant {
        username: String,
        #[arg(long)]
        org: String,
        #[arg(long)]
        role: String,
    },
    /// Clear a lockout.
    Unlock { username: String },
}

#[derive(Subcommand)]
pub enum BackupCmd {
    /// Read an archive and check it: the format, every table, row counts
    /// and checksums. Prints each table's rows, then OK or the first problem.
    Verify { file: PathBuf },
}

#[derive(Subcommand)]
pub enum AuditCmd {
    /// Verify the hash chain, every entry's MAC (with the audit key) and the
    /// signed checkpoints given; names the first broken entry.
    Verify {
        /// A checkpoint file (JSON lines from `zian audit checkpoint`).
        #[arg(long)]
        checkpoints: Option<PathBuf>,
    },
    /// Sign the chain's head now and append the checkpoint (one JSON line)
    /// to a file (default: `audit.checkpoint_file`), or print it with `-`.
    Checkpoint {
        #[arg(long)]
        output: Option<PathBuf>,
    },
}

/// One line per table: name and rows.
fn print_summary(s: &zian_domain::archive::Summary) {
    println!("archive version {}", s.version);
    for t in &s.tables {
        println!("  {:<24} {:>8}", t.table, t.rows);
    }
}

fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}

pub fn run(
    cmd: Cmd,
    config: Option<PathBuf>,
    data_dir: Option<PathBuf>,
    database_url: Option<String>,
) -> Result<ExitCode> {
    let mut cfg = Config::load(config.as_ref())?;
    if let Some(d) = data_dir {
        cfg.data_dir = d;
    }
    if let Some(u) = database_url {
        cfg.database_url = Some(u);
    }
    match &cmd {
        Cmd::Serve { bind: Some(b) } | Cmd::Demo { bind: Some(b), .. } => cfg.bind.clone_from(b),
        _ => {}
    }
    if matches!(cmd, Cmd::Demo { .. }) {
        // the demo is for trying Zian out: no forced MFA enrolment
        cfg.auth.mfa_required_roles.clear();
    }
    cfg.validate()?;
    init_tracing(&cfg.log);
    runtime()?.block_on(async move { run_async(cmd, cfg).await })
}

fn init_tracing(filter: &str) {
    let f = tracing_subscriber::EnvFilter::try_new(filter)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(f)
        .with_writer(std::io::stderr)
        .try_init();
}

async fn open(cfg: &Config) -> Result<(App, SqlStore)> {
    let url = cfg.database_url()?;
    let store = SqlStore::open(&url)
        .await
        .with_context(|| "cannot open the database (database_url)")?
        .with_audit_key(audit_key(cfg)?);
    let mut app = App::new(
        &store,
        Arc::new(SystemClock),
        Arc::new(UuidV7),
        cfg.auth.clone(),
    )
    .with_directory(cfg.directory.clone())
    .map_err(|e| anyhow::anyhow!(e))?;
    if cfg.mail.enabled {
        let secret = zian_app::mail::SmtpSecret::from_env(&cfg.mail, |k| std::env::var(k).ok())
            .map_err(|e| anyhow::anyhow!(e))?;
        let mailer =
            zian_app::mail::SmtpMailer::new(&cfg.mail, secret).map_err(|e| anyhow::anyhow!(e))?;
        app = app.with_mailer(Arc::new(mailer));
    }
    let hooks = zian_app::webhooks::WebhookRuntime::new(
        &cfg.webhooks,
        Arc::new(zian_app::webhooks::HttpTransport::default()),
    )
    .map_err(|e| anyhow::anyhow!(e))?;
    let mut app = app
        .with_webhooks(hooks)
        .with_feed_store(cfg.feeds_store_dir())
        .with_font_dir(cfg.documents.font_dir.clone())
        .with_feeds_stale_after(cfg.feeds.stale_days.unwrap_or(zian_app::feeds::STALE_DAYS));
    if cfg.feeds.sync {
        let s = crate::feeds_sync::SyncSettings::resolve(&cfg.nvd, None, None, None, |n| {
            std::env::var(n).ok()
        });
        let http = crate::https::Https::new(&crate::https::HttpsOptions {
            ca_file: s.ca_file.as_deref(),
            proxy: s.proxy.as_deref(),
            timeout: std::time::Duration::from_secs(300),
            ..crate::https::HttpsOptions::default()
        })?;
        app = app.with_feed_sync(zian_app::feeds_sync::FeedSync {
            nvd_url: s.base_url,
            api_key: s.api_key.map(|k| k.expose().to_owned()),
            kev_url: crate::config::FeedsConfig::url(
                cfg.feeds.kev_url.as_ref(),
                crate::config::KEV_URL,
            ),
            epss_url: crate::config::FeedsConfig::url(
                cfg.feeds.epss_url.as_ref(),
                crate::config::EPSS_URL,
            ),
            first_days: cfg.feeds.first_days.unwrap_or(30),
            http: Arc::new(http),
        });
    }
    Ok((app, store))
}

/// The audit key from its file, created (readable by its owner only) when
/// the file does not exist yet.
fn audit_key(cfg: &Config) -> Result<AuditKey> {
    let path = cfg.audit_key_file();
    match std::fs::read_to_string(&path) {
        Ok(text) => AuditKey::parse_hex(&text).with_context(|| {
            format!(
                "audit.key_file: {} does not hold an audit key (64 hexadecimal digits)",
                path.display()
            )
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let bytes: [u8; 32] = zian_app::system::random_bytes(32)
                .try_into()
                .map_err(|_| anyhow::anyhow!("cannot draw random bytes"))?;
            let key = AuditKey::from_bytes(bytes);
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir)
                    .with_context(|| format!("audit.key_file: cannot create {}", dir.display()))?;
            }
            let mut opts = std::fs::OpenOptions::new();
            opts.write(true).create_new(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
            let mut f = opts
                .open(&path)
                .with_context(|| format!("audit.key_file: cannot create {}", path.display()))?;
            writeln!(f, "{}", key.to_hex())?;
            eprintln!(
                "zian: created a new audit key in {} — back it up apart from the database",
                path.display()
            );
            Ok(key)
        }
        Err(e) => Err(e).with_context(|| format!("audit.key_file: cannot read {}", path.display())),
    }
}

/// Signs the entries written before the key existed; refuses to start on a
/// broken chain rather than bless it.
async fn anchor(app: &App) -> Result<()> {
    match app.anchor_audit_chain().await {
        Ok(Some((lo, hi))) => {
            tracing::info!(
                from = lo,
                to = hi,
                "audit entries signed with the audit key"
            );
            Ok(())
        }
        Ok(None) => Ok(()),
        Err(e) => bail!("audit: {e} (run `zian audit verify`)"),
    }
}

/// Appends a signed checkpoint as one JSON line.
async fn write_checkpoint(
    app: &App,
    path: &std::path::Path,
) -> Result<zian_domain::audit::Checkpoint> {
    let cp = app
        .audit_checkpoint()
        .await
        .map_err(|e| anyhow::anyhow!("audit checkpoint: {e}"))?;
    let line = serde_json::to_string(&cp)?;
    if path.as_os_str() == "-" {
        println!("{line}");
    } else {
        let mut f = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .with_context(|| format!("cannot open the checkpoint file {}", path.display()))?;
        writeln!(f, "{line}")?;
        f.sync_all()?;
    }
    Ok(cp)
}

/// Reads a checkpoint file (JSON lines); names the bad line.
fn read_checkpoints(path: &std::path::Path) -> Result<Vec<zian_domain::audit::Checkpoint>> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the checkpoint file {}", path.display()))?;
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(n, l)| {
            serde_json::from_str(l)
                .with_context(|| format!("{} line {}: not a checkpoint", path.display(), n + 1))
        })
        .collect()
}

/// The operator at the server's shell acts as a system administrator of the
/// whole tree; their actions are audited as `via: cli`.
pub(crate) async fn cli_principal(app: &App) -> Result<Principal> {
    match app.operator().await? {
        Some(p) => Ok(p),
        None => bail!(
            "the organisation tree is empty: create the root first with `zian org root --name-zh …`"
        ),
    }
}

/// Resolves an organisation given by id or by code.
pub(crate) async fn org_id(app: &App, p: &Principal, key: &str) -> Result<OrgId> {
    if let Ok(o) = app.get_org(p, &OrgId::from(key)).await {
        return Ok(o.id);
    }
    let found = app
        .list_orgs(p, &ListQuery::all(zian_domain::list::HARD_LIMIT))
        .await?
        .items
        .into_iter()
        .find(|o| o.code.as_deref() == Some(key));
    found
        .map(|o| o.id)
        .with_context(|| format!("no organisation with id or code {key:?}"))
}

async fn user_id(app: &App, p: &Principal, username: &str) -> Result<UserId> {
    let name = username.trim().to_lowercase();
    let q = ListQuery {
        q: Some(name.clone()),
        ..ListQuery::all(zian_domain::list::MAX_LIMIT)
    };
    app.list_users(p, &q)
        .await?
        .items
        .into_iter()
        .find(|u| u.username == name)
        .map(|u| u.id)
        .with_context(|| format!("no user named {username:?}"))
}

fn parse_date(s: Option<&str>) -> Result<Option<time::Date>> {
    s.map(|v| {
        time::Date::parse(v, time::macros::format_description!("[year]-[month]-[day]"))
            .with_context(|| format!("--assigned: {v:?} is not a date YYYY-MM-DD"))
    })
    .transpose()
}

async fn run_async(cmd: Cmd, cfg: Config) -> Result<ExitCode> {
    match cmd {
        Cmd::Migrate => {
            let (app, store) = open(&cfg).await?;
            anchor(&app).await?;
            println!(
                "migrations applied ({}): {} known",
                store.backend().as_str(),
                SqlStore::known_migrations().len()
            );
        }
        Cmd::Serve { .. } => {
            let (app, _) = open(&cfg).await?;
            anchor(&app).await?;
            serve(app, &cfg, None).await?;
        }
        Cmd::Worker => {
            let (app, _) = open(&cfg).await?;
            crate::jobs::run_worker(&app, &cfg).await?;
        }
        Cmd::Jobs(c) => {
            let (app, _) = open(&cfg).await?;
            return crate::jobs::jobs_cmd(&app, &cfg, c).await;
        }
        Cmd::Inventory(c) => {
            let (app, _) = open(&cfg).await?;
            return crate::inventory::inventory_cmd(&app, c).await;
        }
        Cmd::Mail(c) => {
            let (app, _) = open(&cfg).await?;
            return crate::jobs::mail_cmd(&app, c).await;
        }
        Cmd::Demo {
            admin_password,
            no_serve,
            scale,
            ..
        } => {
            let scale = scale
                .as_deref()
                .map(zian_app::demo_scale::ScaleSpec::parse)
                .transpose()
                .map_err(|e| anyhow::anyhow!("demo: {e}"))?;
            let (app, _) = open(&cfg).await?;
            anchor(&app).await?;
            let logins = app
                .seed_demo(&admin_password)
                .await
                .map_err(|e| anyhow::anyhow!("demo: {e}"))?;
            app.seed_demo_plans()
                .await
                .map_err(|e| anyhow::anyhow!("demo: {e}"))?;
            app.seed_demo_audits()
                .await
                .map_err(|e| anyhow::anyhow!("demo: {e}"))?;
            app.seed_demo_vendors()
                .await
                .map_err(|e| anyhow::anyhow!("demo: {e}"))?;
            app.seed_demo_training()
                .await
                .map_err(|e| anyhow::anyhow!("demo: {e}"))?;
            app.seed_demo_management_review()
                .await
                .map_err(|e| anyhow::anyhow!("demo: {e}"))?;
            app.seed_demo_people_forms()
                .await
                .map_err(|e| anyhow::anyhow!("demo: {e}"))?;
            app.seed_demo_maturity()
                .await
                .map_err(|e| anyhow::anyhow!("demo: {e}"))?;
            app.seed_demo_intel()
                .await
                .map_err(|e| anyhow::anyhow!("demo: {e}"))?;
            app.seed_demo_threat_notices()
                .await
                .map_err(|e| anyhow::anyhow!("demo: {e}"))?;
            app.seed_demo_coverage()
                .await
                .map_err(|e| anyhow::anyhow!("demo: {e}"))?;
            app.seed_demo_implementation_report()
                .await
                .map_err(|e| anyhow::anyhow!("demo: {e}"))?;
            if let Some(spec) = scale {
                seed_scale(&app, &spec).await?;
            }
            let mut banner = String::new();
            banner.push_str("\n  Zian 資安管理平台 — 示範環境 / demo\n");
            banner.push_str(&format!("  網址 URL: http://{}/\n", cfg.bind));
            banner.push_str(&format!("  資料目錄 data: {}\n", cfg.data_dir.display()));
            banner.push_str(&format!(
                "  密碼 password (all demo accounts): {admin_password}\n\n"
            ));
            banner.push_str(
                "  帳號 username            角色 role                 機關 organisation\n",
            );
            for l in &logins {
                banner.push_str(&format!(
                    "  {:<24} {:<24} {}\n",
                    l.username,
                    l.role.as_str(),
                    l.org_name
                ));
            }
            if no_serve {
                print!("{banner}");
                return Ok(ExitCode::SUCCESS);
            }
            serve(app, &cfg, Some(banner)).await?;
        }
        Cmd::Org(c) => org_cmd(c, &cfg).await?,
        Cmd::Report(c) => return report_cmd(c, &cfg).await,
        Cmd::User(c) => user_cmd(c, &cfg).await?,
        Cmd::Backup {
            cmd: Some(BackupCmd::Verify { file }),
            ..
        } => {
            let summary = zian_storage::backup::verify(&mut crate::open_read(&file)?);
            return match summary {
                Ok(s) => {
                    print_summary(&s);
                    println!("OK: {} ({} rows)", file.display(), s.rows());
                    Ok(ExitCode::SUCCESS)
                }
                Err(e) => {
                    eprintln!("FAILED: {}: {e}", file.display());
                    Ok(ExitCode::FAILURE)
                }
            };
        }
        Cmd::Backup { output, .. } => {
            let output = output.context("--output is required")?;
            let (_, store) = open(&cfg).await?;
            let tmp = output.with_extension("partial");
            let file = std::fs::File::create(&tmp)
                .with_context(|| format!("cannot create {}", tmp.display()))?;
            let mut w = std::io::BufWriter::new(file);
            let bar = bar();
            let written = store
                .backup(&mut w, &mut |t, done, total| {
                    bar.set_length(total.max(1));
                    bar.set_position(done);
                    bar.set_message(t.to_string());
                })
                .await;
            bar.finish_and_clear();
            let written = match written {
                Ok(s) => s,
                Err(e) => {
                    drop(w);
                    let _ = std::fs::remove_file(&tmp);
                    bail!("backup failed, no archive written: {e}");
                }
            };
            w.into_inner()
                .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", tmp.display()))?
                .sync_all()?;
            // the archive proves itself: read it back from the disk before
            // calling it a backup
            let read = zian_storage::backup::verify(&mut crate::open_read(&tmp)?);
            match read {
                Ok(s) if s == written => {}
                Ok(_) => bail!(
                    "backup verification FAILED: {} reads back differently from what was written; kept for inspection",
                    tmp.display()
                ),
                Err(e) => bail!(
                    "backup verification FAILED: {}: {e}; kept for inspection",
                    tmp.display()
                ),
            }
            std::fs::rename(&tmp, &output)?;
            print_summary(&written);
            println!(
                "backup written and verified: {} ({} rows, sha256 {})",
                output.display(),
                written.rows(),
                written.sha256
            );
        }
        Cmd::Restore { input } => {
            let (_, store) = open(&cfg).await?;
            let mut r = crate::open_read(&input)?;
            let bar = bar();
            let s = store
                .restore(&mut r, &mut |t, done, total| {
                    bar.set_length(total.max(1));
                    bar.set_position(done);
                    bar.set_message(t.to_string());
                })
                .await?;
            bar.finish_and_clear();
            println!("restored {} rows from {}", s.rows(), input.display());
        }
        Cmd::Reminders { days, format } => {
            if format != "text" && format != "json" {
                bail!("--format must be text or json");
            }
            let (app, _) = open(&cfg).await?;
            let p = cli_principal(&app).await?;
            let list = app
                .reminders(&p, days)
                .await
                .map_err(|e| anyhow::anyhow!("reminders: {e}"))?;
            let mut out = std::io::stdout().lock();
            for r in &list {
                if format == "json" {
                    let v = serde_json::json!({
                        "org_id": r.org_id, "org_name": r.org_name, "kind": r.kind,
                        "title_zh": r.title.render(zian_i18n::Lang::ZhTw),
                        "title_en": r.title.render(zian_i18n::Lang::En),
                        "due": zian_domain::day::ymd(r.due), "overdue": r.overdue,
                        "link": r.link, "recipients": r.recipients,
                    });
                    writeln!(out, "{v}")?;
                } else {
                    writeln!(out, "{}", zian_app::reminders::line(r))?;
                }
            }
        }
        Cmd::Audit(AuditCmd::Verify { checkpoints }) => {
            let (app, _) = open(&cfg).await?;
            let cps = match &checkpoints {
                Some(p) => read_checkpoints(p)?,
                None => Vec::new(),
            };
            let rep = app
                .verify_audit_chain(cps, |_| {})
                .await
                .map_err(|e| anyhow::anyhow!("audit verify: {e}"))?;
            match rep.broken {
                None => println!(
                    "audit chain intact: {} entries, head #{}, MACs {}, {} signed checkpoint(s) matched",
                    rep.checked,
                    rep.head_seq,
                    if rep.keyed {
                        "verified"
                    } else {
                        "not checked (no key)"
                    },
                    rep.checkpoints
                ),
                Some(b) => {
                    println!(
                        "audit chain BROKEN at entry #{}: {} ({} entries verified before it)",
                        b.seq, b.reason, rep.checked
                    );
                    return Ok(ExitCode::from(1));
                }
            }
        }
        Cmd::Audit(AuditCmd::Checkpoint { output }) => {
            let (app, _) = open(&cfg).await?;
            let path = output
                .or_else(|| cfg.audit.checkpoint_file.clone())
                .context(
                    "give --output FILE (or - for standard output), or set audit.checkpoint_file",
                )?;
            let cp = write_checkpoint(&app, &path).await?;
            if path.as_os_str() != "-" {
                println!(
                    "checkpoint of entry #{} appended to {}",
                    cp.seq,
                    path.display()
                );
            }
        }
        _ => bail!("not a platform command"),
    }
    Ok(ExitCode::SUCCESS)
}

fn bar() -> ProgressBar {
    let b = ProgressBar::new(1);
    if let Ok(s) = ProgressStyle::with_template("{msg:>18} [{bar:40}] {pos}/{len}") {
        b.set_style(s.progress_chars("=> "));
    }
    b
}

async fn serve(app: App, cfg: &Config, banner: Option<String>) -> Result<()> {
    let checkpoint_app = app.clone();
    let worker_app = app.clone();
    let state = zian_web::AppState::new(
        app,
        zian_web::WebConfig {
            cookie_secure: cfg.cookie_secure,
            max_concurrent_uploads: cfg.max_concurrent_uploads,
            demo: banner.is_some(),
            ..zian_web::WebConfig::default()
        },
    );
    let router = zian_web::router(state);
    let listener = tokio::net::TcpListener::bind(&cfg.bind)
        .await
        .with_context(|| format!("bind: cannot listen on {}", cfg.bind))?;
    if let Some(b) = banner {
        println!("{b}");
    }
    if let Some(path) = cfg.audit.checkpoint_file.clone() {
        let every = std::time::Duration::from_secs(cfg.audit.checkpoint_minutes * 60);
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(every);
            loop {
                tick.tick().await;
                if let Err(e) = write_checkpoint(&checkpoint_app, &path).await {
                    tracing::error!(error = %e, "audit checkpoint");
                }
            }
        });
    }
    // the job worker runs beside the web server unless `[jobs] enabled =
    // false` (then `zian worker` runs it); on shutdown it finishes the job
    // under way
    let (stop_worker, stop_rx) = tokio::sync::watch::channel(false);
    let worker = if cfg.jobs.enabled {
        let w = crate::jobs::worker(&worker_app, cfg)?;
        Some(tokio::spawn(w.run(stop_rx)))
    } else {
        None
    };
    tracing::info!(bind = %cfg.bind, "serving");
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(crate::jobs::shutdown_signal())
    .await?;
    let _ = stop_worker.send(true);
    if let Some(w) = worker {
        let _ = w.await;
    }
    Ok(())
}

async fn org_cmd(c: OrgCmd, cfg: &Config) -> Result<()> {
    let (app, _) = open(cfg).await?;
    match c {
        OrgCmd::Root {
            name_zh,
            name_en,
            tier,
            kind,
            code,
        } => {
            let o = app
                .bootstrap_root(OrgDraft {
                    code,
                    name_zh,
                    name_en,
                    tier: OrgTier::parse(&tier)?,
                    kind: parse_kind(&kind)?,
                    level: None,
                    level_assigned_on: None,
                    level_review_due: None,
                    fiscal_tier: None,
                })
                .await?;
            println!("{}", o.id);
        }
        OrgCmd::List => {
            let p = cli_principal(&app).await?;
            for o in app
                .list_orgs(&p, &ListQuery::all(zian_domain::list::HARD_LIMIT))
                .await?
                .items
            {
                println!(
                    "{}{}  [{}] {} {}{}",
                    "  ".repeat(usize::try_from(o.depth).unwrap_or(0)),
                    o.name_zh,
                    o.code.as_deref().unwrap_or("-"),
                    o.level.map_or("-", |l| l.as_str()),
                    o.id,
                    if o.active { "" } else { " (archived)" }
                );
            }
        }
        OrgCmd::Add {
            parent,
            name_zh,
            name_en,
            tier,
            kind,
            code,
            level,
            assigned,
            fiscal_tier,
        } => {
            let p = cli_principal(&app).await?;
            let parent = org_id(&app, &p, &parent).await?;
            let draft = OrgDraft {
                code,
                name_zh,
                name_en,
                tier: OrgTier::parse(&tier)?,
                kind: parse_kind(&kind)?,
                level: level.as_deref().map(parse_level).transpose()?,
                level_assigned_on: parse_date(assigned.as_deref())?,
                level_review_due: None,
                fiscal_tier,
            };
            let o = app.create_org(&p, &parent, draft).await?;
            println!("{}", o.id);
        }
        OrgCmd::Move { org, parent } => {
            let p = cli_principal(&app).await?;
            let id = org_id(&app, &p, &org).await?;
            let parent = org_id(&app, &p, &parent).await?;
            app.move_org(&p, &id, &parent).await?;
            println!("moved");
        }
        OrgCmd::Archive { org } => {
            let p = cli_principal(&app).await?;
            let id = org_id(&app, &p, &org).await?;
            app.set_org_active(&p, &id, false).await?;
            println!("archived");
        }
    }
    Ok(())
}

async fn user_cmd(c: UserCmd, cfg: &Config) -> Result<()> {
    let (app, _) = open(cfg).await?;
    let p = cli_principal(&app).await?;
    match c {
        UserCmd::List => {
            for u in app
                .list_users(&p, &ListQuery::all(zian_domain::list::HARD_LIMIT))
                .await?
                .items
            {
                println!(
                    "{:<24} {:<24} {}{}",
                    u.username,
                    u.display_name,
                    u.id,
                    if u.active { "" } else { " (inactive)" }
                );
            }
        }
        UserCmd::Add {
            username,
            name,
            org,
            password,
            email,
            role,
        } => {
            let org = org_id(&app, &p, &org).await?;
            let u = app
                .create_user(
                    &p,
                    zian_app::users::NewUserInput {
                        username,
                        display_name: name,
                        email: email.unwrap_or_default(),
                        home_org_id: org.clone(),
                        password,
                        locale: None,
                    },
                )
                .await?;
            if let Some(r) = role {
                app.grant_role(&p, &u.id, &org, Role::parse(&r)?).await?;
            }
            println!("{}", u.id);
        }
        UserCmd::ResetPassword { username, password } => {
            let id = user_id(&app, &p, &username).await?;
            app.reset_password(&p, &id, &password).await?;
            println!("temporary password set; {username} must change it at next login");
        }
        UserCmd::Grant {
            username,
            org,
            role,
        } => {
            let id = user_id(&app, &p, &username).await?;
            let org = org_id(&app, &p, &org).await?;
            let a = app.grant_role(&p, &id, &org, Role::parse(&role)?).await?;
            println!("{}", a.id);
        }
        UserCmd::Unlock { username } => {
            let id = user_id(&app, &p, &username).await?;
            app.update_user(
                &p,
                &id,
                UserPatch {
                    unlock: true,
                    ..Default::default()
                },
            )
            .await?;
            println!("unlocked");
        }
    }
    Ok(())
}

/// `zian demo --scale`: the generated agencies, with progress on stderr.
async fn seed_scale(app: &App, spec: &zian_app::demo_scale::ScaleSpec) -> anyhow::Result<()> {
    let start = std::time::Instant::now();
    eprintln!(
        "demo --scale: {} agencies × {} hosts × {} programs",
        spec.agencies, spec.hosts_per_agency, spec.programs_per_host
    );
    let report = app
        .seed_scale(spec, |done, r| {
            if done % 25 == 0 || done == spec.agencies {
                eprintln!(
                    "  {done}/{} agencies ({} filled now): {} hosts, {} programs, {} findings, {} decided; {:.0} s",
                    spec.agencies,
                    r.agencies_filled,
                    r.hosts,
                    r.programs,
                    r.findings,
                    r.decided,
                    start.elapsed().as_secs_f64()
                );
            }
        })
        .await
        .map_err(|e| anyhow::anyhow!("demo --scale: {e}"))?;
    eprintln!(
        "demo --scale: {} agencies created, {} filled, {} findings, {} decided in {:.0} s",
        report.agencies_created,
        report.agencies_filled,
        report.findings,
        report.decided,
        start.elapsed().as_secs_f64()
    );
    Ok(())
}

/// `zian report`: the official documents (see `zian_app::documents`).
#[derive(clap::Args)]
pub struct ReportCmd {
    /// The report's name, or `list` for the names.
    pub name: String,
    /// The organisation (id or code).
    #[arg(long)]
    pub org: Option<String>,
    /// The record a record's document is about (an incident's, a business
    /// process's or a drill's id), which must belong to `--org`.
    #[arg(long)]
    pub record: Option<String>,
    /// pdf, odt, ods, docx, xlsx or csv.
    #[arg(long, default_value = "pdf")]
    pub format: String,
    /// The file to write.
    #[arg(long)]
    pub output: Option<PathBuf>,
}

/// Usage errors (unknown report, format or organisation; missing option)
/// exit with status 2 and a message; a failure to write or render is 1.
async fn report_cmd(c: ReportCmd, cfg: &Config) -> Result<ExitCode> {
    let usage = |m: String| {
        eprintln!("zian report: {m}");
        Ok(ExitCode::from(2))
    };
    use zian_app::documents::{REPORTS, Subject};
    if c.name == "list" {
        for r in REPORTS {
            println!("{}", r.name);
        }
        return Ok(ExitCode::SUCCESS);
    }
    let Some(spec) = zian_app::documents::find(&c.name) else {
        let names: Vec<&str> = REPORTS.iter().map(|r| r.name).collect();
        return usage(format!(
            "unknown report {:?}; one of: {}",
            c.name,
            names.join(", ")
        ));
    };
    match (spec.subject, &c.record) {
        (Subject::Org, Some(_)) => {
            return usage(format!(
                "{} is an organisation's report: leave out --record",
                spec.name
            ));
        }
        (Subject::Org, None) | (_, Some(_)) => {}
        (subject, None) => {
            return usage(format!(
                "{} is about one {}: give its id with --record ID",
                spec.name,
                subject.as_str()
            ));
        }
    }
    let format = match c.format.parse::<zian_documents::Format>() {
        Ok(f) => f,
        Err(e) => return usage(e.to_string()),
    };
    let Some(org) = c.org else {
        return usage("--org CODE is required".into());
    };
    let Some(output) = c.output else {
        return usage("--output FILE is required".into());
    };
    let (app, _store) = open(cfg).await?;
    let p = cli_principal(&app).await?;
    let org_id = match org_id(&app, &p, &org).await {
        Ok(id) => id,
        Err(e) => return usage(format!("{e:#}")),
    };
    let built = match &c.record {
        None => app.report(&p, &org_id, &c.name).await,
        Some(id) => match app.record_report(&p, spec.subject, id, &c.name).await {
            Ok((owner, _)) if owner.id != org_id => {
                return usage(format!("record {id} does not belong to organisation {org}"));
            }
            Ok((_, doc)) => Ok(doc),
            Err(zian_app::AppError::NotFound) => {
                return usage(format!("no {} with id {id}", spec.subject.as_str()));
            }
            Err(e) => Err(e),
        },
    };
    let rendered = match built.and_then(|doc| app.render(&doc, format)) {
        Ok(r) => r,
        Err(zian_app::AppError::Validation { reason, .. }) => {
            return usage(zian_i18n::catalogue().render(zian_i18n::Lang::ZhTw, &reason));
        }
        Err(e) => return Err(anyhow::anyhow!(e)),
    };
    std::fs::write(&output, &rendered.bytes)
        .with_context(|| format!("cannot write {}", output.display()))?;
    eprintln!(
        "zian report: {} ({} bytes) → {}",
        c.name,
        rendered.bytes.len(),
        output.display()
    );
    Ok(ExitCode::SUCCESS)
}
