//! The job queue across processes: a `zian worker` killed with SIGKILL
//! mid-job loses nothing (another worker finishes every job, each exactly
//! once); two workers at once never run the same job; `zian mail test`
//! reaches an SMTP sink in the language asked for.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use sqlx::Row;
use zian_app::App;
use zian_app::system::{SystemClock, UuidV7};
use zian_domain::jobs::NewJob;
use zian_storage::SqlStore;
use zian_testkit::{Backend, TempDir, backends, fresh_database};

fn config(dir: &Path, extra: &str) -> PathBuf {
    let p = dir.join("zian.toml");
    std::fs::write(
        &p,
        format!("[jobs]\npoll_secs = 1\nlease_secs = 3\nschedules = []\n{extra}"),
    )
    .expect("write config");
    p
}

fn zian(cfg: &Path, dir: &Path, url: &str) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_zian"));
    c.env_remove("ZIAN_CONFIG")
        .env("ZIAN_LOG", "warn")
        .arg("--config")
        .arg(cfg)
        .arg("--data-dir")
        .arg(dir)
        .arg("--database-url")
        .arg(url);
    c
}

fn start_worker(cfg: &Path, dir: &Path, url: &str) -> Child {
    zian(cfg, dir, url)
        .arg("worker")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn zian worker")
}

struct Killed(Child);
impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

async fn open(url: &str) -> (SqlStore, App) {
    let store = SqlStore::open(url).await.expect("open store");
    let app = App::new(
        &store,
        Arc::new(SystemClock),
        Arc::new(UuidV7),
        zian_app::AuthConfig::default(),
    );
    (store, app)
}

async fn enqueue(app: &App, n: usize, ms: u64) -> Vec<String> {
    let mut ids = Vec::new();
    for _ in 0..n {
        let (id, created) = app
            .enqueue_job(NewJob {
                kind: "demo.sleep".into(),
                payload: format!("{{\"ms\": {ms}}}"),
                org_id: None,
                run_at: app.now(),
                max_attempts: 5,
                idempotency_key: None,
            })
            .await
            .expect("enqueue");
        assert!(created);
        ids.push(id);
    }
    ids
}

async fn count(store: &SqlStore, sql: &str) -> i64 {
    sqlx::query(sql)
        .fetch_one(store.pool())
        .await
        .expect("count")
        .try_get::<i64, _>("n")
        .expect("n")
}

/// Waits until `sql` (a `SELECT COUNT(*) AS n`) reaches `want`.
async fn wait_count(store: &SqlStore, sql: &str, want: i64, timeout: Duration) -> i64 {
    let start = Instant::now();
    loop {
        let n = count(store, sql).await;
        if n >= want || start.elapsed() > timeout {
            return n;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn db(backend: Backend) -> (String, TempDir, Option<TempDir>) {
    let (url, db_dir) = fresh_database(backend).await;
    (url, TempDir::new("zian-jobs-cli"), db_dir)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn jobs_survive_a_kill_9_and_finish_once() {
    for backend in backends() {
        let (url, dir, _db) = db(backend).await;
        let cfg = config(&dir.0, "");
        let (store, app) = open(&url).await;
        let ids = enqueue(&app, 5, 1500).await;

        let mut first = Killed(start_worker(&cfg, &dir.0, &url));
        // mid-job: a job is running and has made some progress
        let running = wait_count(
            &store,
            "SELECT COUNT(*) AS n FROM jobs WHERE state = 'running' AND progress >= 20",
            1,
            Duration::from_secs(60),
        )
        .await;
        assert_eq!(running, 1, "{backend:?}: no job got under way");
        first.0.kill().expect("SIGKILL"); // SIGKILL on Unix
        let _ = first.0.wait();
        let cut = count(
            &store,
            "SELECT COUNT(*) AS n FROM jobs WHERE state = 'running'",
        )
        .await;
        assert_eq!(
            cut, 1,
            "{backend:?}: the killed worker's job is left running"
        );

        let _second = Killed(start_worker(&cfg, &dir.0, &url));
        let done = wait_count(
            &store,
            "SELECT COUNT(*) AS n FROM jobs WHERE state = 'succeeded'",
            5,
            Duration::from_secs(90),
        )
        .await;
        assert_eq!(done, 5, "{backend:?}: every job finishes");
        // each job completed exactly once; the cut attempt is recorded lost
        for id in &ids {
            let mut q = sqlx::query(
                "SELECT COUNT(*) AS n FROM job_runs WHERE job_id = $1 AND outcome = 'succeeded'",
            );
            q = q.bind(id.clone());
            let n: i64 = q
                .fetch_one(store.pool())
                .await
                .expect("runs")
                .try_get("n")
                .expect("n");
            assert_eq!(n, 1, "{backend:?}: job {id} completed {n} times");
        }
        assert_eq!(
            count(
                &store,
                "SELECT COUNT(*) AS n FROM job_runs WHERE outcome = 'lost'"
            )
            .await,
            1,
            "{backend:?}"
        );
        assert_eq!(
            count(&store, "SELECT COUNT(*) AS n FROM job_runs").await,
            6,
            "{backend:?}: five jobs, one of them twice"
        );
        assert_eq!(
            count(&store, "SELECT COUNT(*) AS n FROM jobs WHERE attempts = 2").await,
            1,
            "{backend:?}"
        );
        store.close().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_workers_never_run_the_same_job() {
    for backend in backends() {
        let (url, dir, _db) = db(backend).await;
        let cfg = config(&dir.0, "");
        let (store, app) = open(&url).await;
        enqueue(&app, 16, 200).await;
        let _a = Killed(start_worker(&cfg, &dir.0, &url));
        let _b = Killed(start_worker(&cfg, &dir.0, &url));
        let done = wait_count(
            &store,
            "SELECT COUNT(*) AS n FROM jobs WHERE state = 'succeeded'",
            16,
            Duration::from_secs(90),
        )
        .await;
        assert_eq!(done, 16, "{backend:?}");
        // one attempt per job, one run per job: nobody claimed a job twice
        assert_eq!(
            count(&store, "SELECT COUNT(*) AS n FROM jobs WHERE attempts <> 1").await,
            0,
            "{backend:?}"
        );
        assert_eq!(
            count(&store, "SELECT COUNT(*) AS n FROM job_runs").await,
            16,
            "{backend:?}"
        );
        let workers = count(&store, "SELECT COUNT(DISTINCT worker) AS n FROM job_runs").await;
        assert!((1..=2).contains(&workers), "{backend:?}: {workers}");
        store.close().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mail_test_reaches_the_sink_in_the_language_asked_for() {
    let sink = zian_testkit::smtp::SmtpSink::start().await;
    let (url, dir, _db) = db(Backend::Sqlite).await;
    let cfg = config(
        &dir.0,
        &format!(
            "[mail]\nenabled = true\nhost = \"127.0.0.1\"\nport = {}\nsecurity = \"none\"\nfrom = \"Zian <zian@example.gov.tw>\"\n",
            sink.port
        ),
    );
    let run = |args: &[&str]| {
        let mut c = zian(&cfg, &dir.0, &url);
        c.args(args);
        c.output().expect("run zian")
    };
    let o = run(&[
        "org",
        "root",
        "--name-zh",
        "測試部",
        "--name-en",
        "Ministry of Tests",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    for (lang, to) in [
        ("zh-TW", "officer@example.gov.tw"),
        ("en", "ciso@example.gov.tw"),
    ] {
        let o = tokio::task::block_in_place(|| run(&["mail", "test", "--to", to, "--lang", lang]));
        assert!(
            o.status.success(),
            "{lang}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
    let got = sink.wait_for(2, Duration::from_secs(10)).await;
    assert_eq!(got.len(), 2);
    assert_eq!(got[0].to, vec!["officer@example.gov.tw".to_string()]);
    assert_eq!(got[0].from, "zian@example.gov.tw");
    assert!(
        got[0].subject().contains("郵件設定測試"),
        "{}",
        got[0].subject()
    );
    assert!(got[0].subject().contains("測試部"));
    assert!(got[0].text().contains("測試部"), "{}", got[0].text());
    assert!(
        got[0].html().contains("lang=\"zh-TW\""),
        "{}",
        got[0].html()
    );
    assert!(
        got[1].subject().contains("mail configuration test"),
        "{}",
        got[1].subject()
    );
    assert!(
        got[1].text().contains("Ministry of Tests"),
        "{}",
        got[1].text()
    );
    assert!(got[1].html().contains("lang=\"en\""));
    // recorded with the outcome
    let (store, _) = open(&url).await;
    assert_eq!(
        count(
            &store,
            "SELECT COUNT(*) AS n FROM mail_messages WHERE status = 'sent' AND sent_at IS NOT NULL"
        )
        .await,
        2
    );

    // a server that refuses: a clear failure, recorded
    sink.refuse_next(1);
    let o = tokio::task::block_in_place(|| run(&["mail", "test", "--to", "x@example.gov.tw"]));
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("refused"));
    assert_eq!(
        count(&store, "SELECT COUNT(*) AS n FROM mail_messages WHERE status = 'failed' AND last_error IS NOT NULL").await,
        1
    );
    // a bad address is refused before anything is sent
    let o = tokio::task::block_in_place(|| run(&["mail", "test", "--to", "not an address"]));
    assert!(!o.status.success());
}
