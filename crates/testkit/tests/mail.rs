//! Outgoing mail through the queue into a local SMTP sink, on both
//! databases: a `mail.send` job delivers a recorded message, retries when
//! the server refuses, and the daily reminders job writes to each person in
//! that person's language with the organisation's name.

use std::sync::Arc;
use std::time::Duration;

use zian_app::App;
use zian_app::jobs::{Handlers, JobsConfig, Worker};
use zian_app::mail::{MailConfig, Security, SmtpMailer, compose};
use zian_domain::ListQuery;
use zian_domain::jobs::{JobState, MailStatus};
use zian_i18n::{Lang, msg};
use zian_storage::{JobStore, MailStore};
use zian_testkit::backend_tests;
use zian_testkit::smtp::SmtpSink;

fn mailer(sink: &SmtpSink) -> Arc<SmtpMailer> {
    let cfg = MailConfig {
        enabled: true,
        host: "127.0.0.1".into(),
        port: sink.port,
        security: Security::None,
        from: "資安通知 <noreply@demo.zian.example>".into(),
        timeout_secs: 10,
        ..MailConfig::default()
    };
    Arc::new(SmtpMailer::new(&cfg, None).expect("mailer"))
}

fn worker(app: &App) -> Worker {
    Worker::new(
        app.clone(),
        Handlers::standard(),
        JobsConfig {
            schedules: vec![],
            ..JobsConfig::default()
        },
    )
    .expect("worker")
}

/// Runs jobs until none is due.
async fn drain(w: &mut Worker) -> usize {
    let mut n = 0;
    while w.tick().await.expect("tick") {
        n += 1;
    }
    n
}

backend_tests! {
    async fn a_mail_job_delivers_and_retries(env: TestEnv) {
        let sink = SmtpSink::start().await;
        let app = env.app.clone().with_mailer(mailer(&sink));
        let mut w = worker(&app);
        let mut m = compose(Lang::ZhTw, &msg!("mail.test.subject", org = "屏東縣政府"), &[msg!("mail.test.body", org = "屏東縣政府")], &[]);
        m.to = "officer@demo.zian.example".into();
        sink.refuse_next(1);
        let id = app.queue_mail(None, "mail.test", Lang::ZhTw, &m).await.unwrap();
        assert_eq!(drain(&mut w).await, 1);
        // refused: recorded, the job waits for its retry
        let sys = zian_domain::OrgScope::system_wide();
        let rec = env.store.for_delivery(&id).await.unwrap().unwrap();
        assert_eq!(rec.status, MailStatus::Queued);
        assert_eq!(rec.attempts, 1);
        assert!(rec.last_error.as_deref().unwrap().contains("451") || rec.last_error.as_deref().unwrap().contains("try again"), "{:?}", rec.last_error);
        let job = JobStore::get(&env.store, &sys, rec.job_id.as_deref().unwrap()).await.unwrap().unwrap();
        assert_eq!(job.state, JobState::Failed);
        assert!(sink.messages().is_empty());
        env.clock.advance(30);
        assert_eq!(drain(&mut w).await, 1);
        let got = sink.wait_for(1, Duration::from_secs(5)).await;
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].to, vec!["officer@demo.zian.example".to_string()]);
        assert!(got[0].subject().contains("屏東縣政府"), "{}", got[0].subject());
        assert!(got[0].text().contains("測試郵件"), "{}", got[0].text());
        assert!(got[0].html().contains("<p>"), "{}", got[0].html());
        let rec = env.store.for_delivery(&id).await.unwrap().unwrap();
        assert_eq!(rec.status, MailStatus::Sent);
        assert_eq!(rec.attempts, 2);
        assert!(rec.sent_at.is_some());
        // listed for administrators
        let admin = env.principal("admin").await;
        let page = app.list_mail(&admin, &ListQuery::new().with("status", "sent")).await.unwrap();
        assert_eq!(page.items.len(), 1);
        // a job run again after the message went out sends nothing twice
        app.rerun_job(&admin, &job.id, 1).await.unwrap();
        assert_eq!(drain(&mut w).await, 1);
        tokio::time::sleep(Duration::from_millis(200)).await;
        assert_eq!(sink.messages().len(), 1);
    }

    async fn daily_reminders_write_to_each_person_in_their_language(env: TestEnv) {
        let sink = SmtpSink::start().await;
        let app = env.app.clone().with_mailer(mailer(&sink));
        // the police bureau's CISO reads English
        let ciso = env.principal("ciso.police").await;
        app.set_locale(&ciso, "en").await.unwrap();
        let (id, _) = app.enqueue_job(zian_domain::jobs::NewJob {
            kind: "reminders.daily".into(), payload: "{}".into(), org_id: None,
            run_at: env.clock.unix(), max_attempts: 3, idempotency_key: None,
        }).await.unwrap();
        let mut w = worker(&app);
        let ran = drain(&mut w).await;
        assert!(ran >= 3, "the reminders job and its mail jobs: {ran}");
        let sys = zian_domain::OrgScope::system_wide();
        assert_eq!(JobStore::get(&env.store, &sys, &id).await.unwrap().unwrap().state, JobState::Succeeded);
        let got = sink.wait_for(ran - 1, Duration::from_secs(5)).await;
        assert_eq!(got.len(), ran - 1, "one message per person");
        let to_ciso = got.iter().find(|m| m.to == vec!["ciso.police@demo.zian.example".to_string()]).expect("the CISO is reminded");
        assert!(to_ciso.subject().contains("Cyber-security reminders"), "{}", to_ciso.subject());
        assert!(to_ciso.text().contains("Dear "), "{}", to_ciso.text());
        let to_officer = got.iter().find(|m| m.to == vec!["officer.police@demo.zian.example".to_string()]).expect("the officer is reminded");
        assert!(to_officer.subject().contains("資通安全待辦提醒"), "{}", to_officer.subject());
        assert!(to_officer.text().contains("林怡君"), "{}", to_officer.text());
        assert!(to_officer.html().contains("lang=\"zh-TW\"") && to_officer.html().contains("<li>"));
        // the organisation's name is in the subject
        let root = app.operator().await.unwrap().unwrap().assignments[0].org_name_zh.clone();
        assert!(to_officer.subject().contains(&root), "{} / {root}", to_officer.subject());
        // every message recorded as sent, with its language
        let admin = env.principal("admin").await;
        let page = app.list_mail(&admin, &ListQuery::all(500)).await.unwrap();
        assert_eq!(page.items.len(), got.len());
        assert!(page.items.iter().all(|m| m.status == MailStatus::Sent));
        assert!(page.items.iter().any(|m| m.lang == "en") && page.items.iter().any(|m| m.lang == "zh-TW"));
    }
}
