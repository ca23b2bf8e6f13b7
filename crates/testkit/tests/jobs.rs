//! The job queue on both databases: retries with backoff then the dead
//! letter, idempotency keys, expired leases reclaimed (and a stale worker
//! unable to finish), scheduled slots enqueued once by several servers,
//! and what administrators see and do. Killing a real worker process is
//! tested in `crates/cli/tests/jobs.rs`.

use axum::http::{Method, StatusCode};
use zian_app::AppError;
use zian_app::jobs::{Handlers, JobsConfig, ScheduleConfig, Worker};
use zian_domain::ListQuery;
use zian_domain::jobs::{JobState, NewJob};
use zian_storage::JobStore;
use zian_testkit::http::form;
use zian_testkit::{PASSWORD, TestEnv, backend_tests, test_config};

fn cfg() -> JobsConfig {
    JobsConfig {
        schedules: vec![],
        lease_secs: 60,
        ..JobsConfig::default()
    }
}

fn sleep_job(payload: &str, max: u32, key: Option<&str>, now: i64) -> NewJob {
    NewJob {
        kind: "demo.sleep".into(),
        payload: payload.into(),
        org_id: None,
        run_at: now,
        max_attempts: max,
        idempotency_key: key.map(str::to_string),
    }
}

async fn job(env: &TestEnv, id: &str) -> zian_domain::jobs::Job {
    env.store
        .get(&zian_domain::OrgScope::system_wide(), id)
        .await
        .expect("read job")
        .expect("job exists")
}

backend_tests! {
    async fn failures_back_off_then_go_dead(backend: Backend) {
        let env = TestEnv::empty(backend, test_config()).await;
        let mut w = Worker::new(env.app.clone(), Handlers::standard(), cfg()).unwrap();
        let t0 = env.clock.unix();
        let (id, _) = env.app.enqueue_job(sleep_job(r#"{"fail": true}"#, 2, None, t0)).await.unwrap();
        assert!(w.tick().await.unwrap());
        let j = job(&env, &id).await;
        assert_eq!(j.state, JobState::Failed);
        assert_eq!(j.attempts, 1);
        assert_eq!(j.run_at, t0 + 30, "first backoff is 30 s");
        assert!(j.last_error.as_deref().unwrap().contains("asked to fail"));
        assert!(j.locked_by.is_none());
        // not due yet
        assert!(!w.tick().await.unwrap());
        env.clock.advance(30);
        assert!(w.tick().await.unwrap());
        let j = job(&env, &id).await;
        assert_eq!(j.state, JobState::Dead);
        assert_eq!(j.attempts, 2);
        assert!(j.finished_at.is_some());
        env.clock.advance(3600);
        assert!(!w.tick().await.unwrap(), "a dead job stays dead");
        let runs = env.store.runs(&zian_domain::OrgScope::system_wide(), &id).await.unwrap();
        assert_eq!(runs.len(), 2);
        assert!(runs.iter().all(|r| r.outcome.as_deref() == Some("failed")));
        // a bad payload fails the attempt with its reason, no panic
        let (bad, _) = env.app.enqueue_job(sleep_job(r#"{"ms": "soon"}"#, 1, None, env.clock.unix())).await.unwrap();
        assert!(w.tick().await.unwrap());
        let j = job(&env, &bad).await;
        assert_eq!(j.state, JobState::Dead);
        assert!(j.last_error.unwrap().contains("payload"));
        // a payload that is not JSON is refused at the door
        let e = env.app.enqueue_job(sleep_job("not json", 1, None, 0)).await.unwrap_err();
        assert!(matches!(e, AppError::Validation { ref field, .. } if field == "payload"), "{e:?}");
    }

    async fn idempotency_keys_enqueue_once(backend: Backend) {
        let env = TestEnv::empty(backend, test_config()).await;
        let now = env.clock.unix();
        let (a, new_a) = env.app.enqueue_job(sleep_job("{}", 3, Some("k-1"), now)).await.unwrap();
        let (b, new_b) = env.app.enqueue_job(sleep_job("{}", 3, Some("k-1"), now)).await.unwrap();
        assert!(new_a && !new_b);
        assert_eq!(a, b);
        let (c, new_c) = env.app.enqueue_job(sleep_job("{}", 3, None, now)).await.unwrap();
        let (d, new_d) = env.app.enqueue_job(sleep_job("{}", 3, None, now)).await.unwrap();
        assert!(new_c && new_d && c != d, "no key: two jobs");
    }

    async fn expired_leases_are_reclaimed_and_stale_workers_cannot_finish(backend: Backend) {
        let env = TestEnv::empty(backend, test_config()).await;
        let now = env.clock.unix();
        let (id, _) = env.app.enqueue_job(sleep_job("{}", 5, None, now)).await.unwrap();
        let claimed = env.store.claim("dead-worker", now, 10).await.unwrap().unwrap();
        assert_eq!(claimed.id, id);
        assert_eq!(claimed.attempts, 1);
        // nobody else can claim it while the lease holds
        assert!(env.store.claim("other", now, 10).await.unwrap().is_none());
        let mut w = Worker::new(env.app.clone(), Handlers::standard(), cfg()).unwrap();
        assert!(!w.tick().await.unwrap());
        env.clock.advance(11);
        assert!(w.tick().await.unwrap(), "the expired job runs again");
        let j = job(&env, &id).await;
        assert_eq!(j.state, JobState::Succeeded);
        assert_eq!(j.attempts, 2);
        assert_eq!(j.progress, 100);
        // the worker that lost its lease cannot record an outcome
        assert!(!env.store.succeed(&id, "dead-worker", env.clock.unix()).await.unwrap());
        assert!(env.store.fail(&id, "dead-worker", "late", env.clock.unix()).await.unwrap().is_none());
        let runs = env.store.runs(&zian_domain::OrgScope::system_wide(), &id).await.unwrap();
        let outcomes: Vec<_> = runs.iter().map(|r| r.outcome.clone().unwrap_or_default()).collect();
        assert_eq!(outcomes, vec!["lost", "succeeded"]);
        assert_eq!(runs[0].worker, "dead-worker");
        // a job that had no attempt left goes dead instead
        let (last, _) = env.app.enqueue_job(sleep_job("{}", 1, None, env.clock.unix())).await.unwrap();
        env.store.claim("dead-worker", env.clock.unix(), 10).await.unwrap().unwrap();
        env.clock.advance(11);
        assert_eq!(env.store.reclaim_expired(env.clock.unix()).await.unwrap(), 1);
        let j = job(&env, &last).await;
        assert_eq!(j.state, JobState::Dead);
        assert!(j.last_error.unwrap().contains("lease expired"));
    }

    async fn a_scheduled_slot_is_enqueued_once_by_several_servers(backend: Backend) {
        let env = TestEnv::empty(backend, test_config()).await;
        let c = JobsConfig {
            schedules: vec![ScheduleConfig {
                name: "nightly".into(),
                cron: "0 7 * * *".into(),
                kind: "demo.sleep".into(),
                payload: Some(serde_json::json!({"ms": 0})),
            }],
            ..cfg()
        };
        // the clock reads 2026-11-21 09:00 Taipei: the next slot is 11-22 07:00
        let mut a = Worker::new(env.app.clone(), Handlers::standard(), c.clone()).unwrap();
        let mut b = Worker::new(env.app.clone(), Handlers::standard(), c).unwrap();
        assert_eq!(a.enqueue_due_slots().await.unwrap(), 0);
        env.clock.advance(22 * 3600 + 60);
        let n = a.enqueue_due_slots().await.unwrap() + b.enqueue_due_slots().await.unwrap();
        assert_eq!(n, 1);
        let sys = zian_domain::OrgScope::system_wide();
        let page = env.store.list(&sys, &ListQuery::new()).await.unwrap();
        assert_eq!(page.items.len(), 1);
        assert_eq!(page.items[0].idempotency_key.as_deref(), Some("nightly@2026-11-22T07:00+08:00"));
        assert_eq!(page.items[0].run_at, 1_795_222_800 + 22 * 3600);
        // the slot is not enqueued again; the next day's is
        assert_eq!(a.enqueue_due_slots().await.unwrap() + b.enqueue_due_slots().await.unwrap(), 0);
        env.clock.advance(86_400);
        assert_eq!(a.enqueue_due_slots().await.unwrap() + b.enqueue_due_slots().await.unwrap(), 1);
        assert!(a.tick().await.unwrap());
        assert!(b.tick().await.unwrap());
        assert!(!a.tick().await.unwrap());
    }

    async fn administrators_list_inspect_and_rerun_jobs(env: TestEnv) {
        let admin = env.principal("admin").await;
        let officer = env.principal("officer.police").await;
        let now = env.clock.unix();
        let (dead, _) = env.app.enqueue_job(sleep_job(r#"{"fail": true}"#, 1, None, now)).await.unwrap();
        let (waiting, _) = env.app.enqueue_job(sleep_job("{}", 1, None, now + 3600)).await.unwrap();
        let mut w = Worker::new(env.app.clone(), Handlers::standard(), cfg()).unwrap();
        assert!(w.tick().await.unwrap());

        let all = env.app.list_jobs(&admin, &ListQuery::new()).await.unwrap();
        assert_eq!(all.total, 2);
        let dead_only = env.app.list_jobs(&admin, &ListQuery::new().with("state", "dead")).await.unwrap();
        assert_eq!(dead_only.items.len(), 1);
        assert_eq!(dead_only.items[0].id, dead);
        let by_kind = env.app.list_jobs(&admin, &ListQuery::new().with("kind", "mail.send")).await.unwrap();
        assert_eq!(by_kind.total, 0);
        let e = env.app.list_jobs(&admin, &ListQuery::new().with("state", "sleeping")).await.unwrap_err();
        assert!(matches!(e, AppError::Validation { ref field, .. } if field == "state"), "{e:?}");
        let v = env.app.job_view(&admin, &dead).await.unwrap();
        assert_eq!(v.runs.len(), 1);
        assert!(v.job.last_error.is_some());

        // others see no job at all
        assert!(matches!(env.app.list_jobs(&officer, &ListQuery::new()).await, Err(AppError::Forbidden)));
        assert!(matches!(env.app.rerun_job(&officer, &dead, 3).await, Err(AppError::Forbidden)));

        // only a finished job is run again
        let e = env.app.rerun_job(&admin, &waiting, 3).await.unwrap_err();
        assert!(matches!(e, AppError::Conflict("job_state")), "{e:?}");
        assert!(matches!(env.app.rerun_job(&admin, "no-such-job", 3).await, Err(AppError::NotFound)));
        env.app.rerun_job(&admin, &dead, 2).await.unwrap();
        let j = job(&env, &dead).await;
        assert_eq!(j.state, JobState::Queued);
        assert_eq!((j.attempts, j.max_attempts), (1, 3));
        // audited
        let chain = zian_storage::AuditStore::chain(&env.store, &zian_domain::OrgScope::system_wide(), 0, 10_000).await.unwrap();
        assert!(chain.iter().any(|e| e.action == "job.rerun" && e.target.as_deref() == Some(dead.as_str())));
        // and it runs again, as attempt 2
        assert!(w.tick().await.unwrap());
        let v = env.app.job_view(&admin, &dead).await.unwrap();
        assert_eq!(v.runs.len(), 2);
        assert_eq!(v.runs[1].attempt, 2);
    }

    async fn the_jobs_page_and_api_show_the_queue_and_rerun_a_dead_job(env: TestEnv) {
        let now = env.clock.unix();
        let pol = env.org("PIF-POL").await;
        let mut dead_job = sleep_job(r#"{"fail": true}"#, 1, None, now);
        dead_job.org_id = Some(pol.clone());
        let (dead, _) = env.app.enqueue_job(dead_job).await.unwrap();
        let (waiting, _) = env.app.enqueue_job(sleep_job("{}", 1, None, now + 3600)).await.unwrap();
        let mut w = Worker::new(env.app.clone(), Handlers::standard(), cfg()).unwrap();
        assert!(w.tick().await.unwrap());

        // the API: filters, the detail with its attempt, the refusals
        let token = env.token_for("admin").await;
        let r = env.api(Method::GET, "/api/v1/jobs?state=dead", &token, None).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let items = r.json()["items"].as_array().unwrap().clone();
        assert_eq!(items.len(), 1);
        assert_eq!(items[0]["id"], dead.as_str());
        assert_eq!(items[0]["org_id"], pol.as_str());
        // the organisation's name finds its jobs
        let r = env.api(Method::GET, &format!("/api/v1/jobs?q={}", zian_testkit::http::pct("警察局")), &token, None).await;
        assert_eq!(r.json()["total"], 1, "{}", r.text());
        let r = env.api(Method::GET, "/api/v1/jobs?state=sleeping", &token, None).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
        let r = env.api(Method::GET, &format!("/api/v1/jobs/{dead}"), &token, None).await;
        assert_eq!(r.status, StatusCode::OK);
        assert_eq!(r.json()["state"], "dead");
        assert_eq!(r.json()["runs"].as_array().unwrap().len(), 1);
        assert_eq!(r.json()["runs"][0]["outcome"], "failed");
        let r = env.api(Method::POST, &format!("/api/v1/jobs/{waiting}/rerun"), &token, None).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text());
        let officer = env.token_for("officer.police").await;
        let r = env.api(Method::GET, "/api/v1/jobs", &officer, None).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        let r = env.api(Method::POST, &format!("/api/v1/jobs/{dead}/rerun"), &officer, None).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);

        // the pages: the list in words, the detail, re-run through the form
        let s = env.login("admin", PASSWORD).await;
        let r = env.request(Method::GET, "/admin/jobs?state=dead", &s.headers(), None).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let html = r.text();
        assert!(html.contains(&format!("data-id=\"{dead}\"")), "{html}");
        assert!(!html.contains(&format!("data-id=\"{waiting}\"")));
        assert!(html.contains("已停止（重試用盡）"));
        assert!(html.contains("屏東縣政府警察局"), "{html}");
        let r = env.request(Method::GET, &format!("/admin/jobs/{dead}"), &s.headers(), None).await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(r.text().contains("id=\"job-rerun\""));
        let r = env.request(Method::GET, &format!("/admin/jobs/{waiting}"), &s.headers(), None).await;
        assert!(!r.text().contains("id=\"job-rerun\""), "only finished jobs offer a re-run");
        let mut h = s.headers();
        h.push(("content-type", "application/x-www-form-urlencoded"));
        let body = form(&[("_csrf", s.csrf.as_str())]);
        let r = env.request(Method::POST, &format!("/admin/jobs/{dead}/rerun"), &h, Some(body)).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        let loc = r.headers.get("location").unwrap().to_str().unwrap().to_string();
        assert_eq!(loc, format!("/admin/jobs/{dead}?ok=job_rerun"));
        let r = env.request(Method::GET, &loc, &s.headers(), None).await;
        assert!(r.text().contains("已將作業重新排入佇列"), "{}", r.text());
        assert!(r.text().contains("data-state=\"queued\""));
        assert_eq!(job(&env, &dead).await.state, JobState::Queued);
        // the nav shows the page to administrators only
        let o = env.login("officer.police", PASSWORD).await;
        let r = env.request(Method::GET, "/", &o.headers(), None).await;
        assert!(!r.text().contains("id=\"nav-jobs\""));
        let r = env.request(Method::GET, "/admin/jobs", &o.headers(), None).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
    }
}
