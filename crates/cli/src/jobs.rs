//! `zian worker`, `zian jobs …` and `zian mail test`: the background queue
//! from the command line, and the mail configuration check.

use std::process::ExitCode;

use anyhow::{Result, bail};
use clap::Subcommand;
use zian_app::App;
use zian_app::jobs::{Handlers, Worker};
use zian_domain::jobs::NewJob;
use zian_i18n::Lang;

use crate::config::Config;

#[derive(Subcommand)]
pub enum JobsCmd {
    /// Queue a job (system work) and print its id.
    Enqueue {
        /// `demo.sleep`, `reminders.daily`, `mail.send`.
        #[arg(long)]
        kind: String,
        /// The job's input (JSON).
        #[arg(long, default_value = "{}")]
        payload: String,
        /// Enqueuing again with the same key yields the same job.
        #[arg(long)]
        key: Option<String>,
        #[arg(long)]
        max_attempts: Option<u32>,
    },
    /// The jobs known to the queue, newest first, one JSON object per line.
    List {
        #[arg(long)]
        state: Option<String>,
        #[arg(long, default_value_t = 50)]
        limit: i64,
    },
}

#[derive(Subcommand)]
pub enum MailCmd {
    /// Send a test message now with the configured server (`[mail]`),
    /// record it, and say whether the server took it.
    Test {
        #[arg(long)]
        to: String,
        /// `zh-TW` or `en`.
        #[arg(long, default_value = "zh-TW")]
        lang: String,
    },
}

/// The worker's handlers and configuration, or why not.
pub fn worker(app: &App, cfg: &Config) -> Result<Worker> {
    Worker::new(app.clone(), Handlers::standard(), cfg.jobs.clone()).map_err(|e| anyhow::anyhow!(e))
}

/// Runs a worker until Ctrl-C / SIGTERM, finishing the job under way.
pub async fn run_worker(app: &App, cfg: &Config) -> Result<()> {
    let w = worker(app, cfg)?;
    let (stop, rx) = tokio::sync::watch::channel(false);
    let task = tokio::spawn(w.run(rx));
    shutdown_signal().await;
    let _ = stop.send(true);
    let _ = task.await;
    Ok(())
}

/// Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(s) => s,
                Err(_) => {
                    let _ = tokio::signal::ctrl_c().await;
                    return;
                }
            };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

pub async fn jobs_cmd(app: &App, cfg: &Config, c: JobsCmd) -> Result<ExitCode> {
    match c {
        JobsCmd::Enqueue {
            kind,
            payload,
            key,
            max_attempts,
        } => {
            if !Handlers::standard().knows(&kind) {
                bail!(
                    "unknown job kind {kind:?} (known: {})",
                    Handlers::standard().kinds().join(", ")
                );
            }
            let (id, created) = app
                .enqueue_job(NewJob {
                    kind,
                    payload,
                    org_id: None,
                    run_at: app.now(),
                    max_attempts: max_attempts.unwrap_or(cfg.jobs.max_attempts).clamp(1, 100),
                    idempotency_key: key,
                })
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("{id}");
            if !created {
                eprintln!("zian: a job with this key exists already");
            }
        }
        JobsCmd::List { state, limit } => {
            let p = app
                .operator()
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?
                .ok_or_else(|| anyhow::anyhow!("the organisation tree is empty"))?;
            let mut q = zian_domain::ListQuery::all(limit.clamp(1, 500));
            if let Some(s) = state {
                q = q.with("state", s);
            }
            let page = app
                .list_jobs(&p, &q)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            for j in page.items {
                println!("{}", serde_json::to_string(&j)?);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn mail_cmd(app: &App, c: MailCmd) -> Result<ExitCode> {
    match c {
        MailCmd::Test { to, lang } => {
            let Some(lang) = Lang::parse(&lang) else {
                bail!("--lang must be zh-TW or en");
            };
            if app.mailer().is_none() {
                bail!("mail is not configured: set [mail] enabled = true, host, port, from");
            }
            match app
                .send_test_mail(&to, lang)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?
            {
                Ok(()) => {
                    println!("test message sent to {to}");
                    Ok(ExitCode::SUCCESS)
                }
                Err(e) => {
                    eprintln!("zian: the mail server refused the test message: {e}");
                    Ok(ExitCode::FAILURE)
                }
            }
        }
    }
}
