//! The inbox and notification preferences on both databases: a notice on
//! each channel (inbox only, e-mail at once into the SMTP sink, the daily
//! digest, off), repeated reminders kept to one unread notice, a dead job
//! told to the administrators, the API and the pages (the header's unread
//! count, opening a notice goes to its record), and nobody reading or
//! marking another person's notices.

use std::sync::Arc;
use std::time::Duration;

use axum::http::{Method, StatusCode};
use serde_json::json;
use zian_app::App;
use zian_app::inbox::Raise;
use zian_app::jobs::{Handlers, JobsConfig, Worker};
use zian_app::mail::{MailConfig, Security, SmtpMailer};
use zian_domain::ListQuery;
use zian_domain::jobs::NewJob;
use zian_i18n::msg;
use zian_testkit::http::form;
use zian_testkit::smtp::SmtpSink;
use zian_testkit::{PASSWORD, backend_tests};

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
            max_attempts: 1,
            ..JobsConfig::default()
        },
    )
    .expect("worker")
}

async fn drain(w: &mut Worker) -> usize {
    let mut n = 0;
    while w.tick().await.expect("tick") {
        n += 1;
    }
    n
}

fn notice(org: &zian_domain::OrgId, key: Option<&str>) -> Raise {
    Raise {
        event: "plan.returned",
        org: Some(org.clone()),
        title: msg!(
            "inbox.notice.plan_returned",
            org = "屏東縣政府警察局",
            version = "3"
        ),
        title_en: Some(msg!(
            "inbox.notice.plan_returned",
            org = "Pingtung County Police Bureau",
            version = "3"
        )),
        link: Some("/plans/p-1".into()),
        dedupe_key: key.map(str::to_string),
    }
}

backend_tests! {
    async fn each_channel_does_what_it_says(env: TestEnv) {
        let sink = SmtpSink::start().await;
        let app = env.app.clone().with_mailer(mailer(&sink));
        let mut w = worker(&app);
        let pol = env.org("PIF-POL").await;
        let officer = env.principal("officer.police").await;
        let me = officer.user.id.clone();

        // the default of plan.returned is e-mail: in the inbox and mailed at once
        assert_eq!(app.raise(std::slice::from_ref(&me), &notice(&pol, None)).await, 1);
        assert_eq!(drain(&mut w).await, 1);
        let got = sink.wait_for(1, Duration::from_secs(5)).await;
        assert_eq!(got.len(), 1);
        assert!(got[0].subject().contains("退回修正"), "{}", got[0].subject());
        assert!(got[0].text().contains("/plans/p-1"), "{}", got[0].text());
        assert_eq!(app.inbox_unread(&officer).await.unwrap(), 1);

        // inbox only: no mail
        app.set_notification_prefs(&officer, &[zian_app::inbox::PrefInput { event: "plan.returned".into(), channel: "inbox".into() }]).await.unwrap();
        assert_eq!(app.raise(std::slice::from_ref(&me), &notice(&pol, None)).await, 1);
        assert_eq!(drain(&mut w).await, 0);
        assert_eq!(app.inbox_unread(&officer).await.unwrap(), 2);

        // off: nothing at all
        app.set_notification_prefs(&officer, &[zian_app::inbox::PrefInput { event: "plan.returned".into(), channel: "off".into() }]).await.unwrap();
        assert_eq!(app.raise(std::slice::from_ref(&me), &notice(&pol, None)).await, 0);
        assert_eq!(app.inbox_unread(&officer).await.unwrap(), 2);

        // digest: two notices, one message from the digest job, in English for
        // an English reader; a second run sends nothing more
        app.set_notification_prefs(&officer, &[zian_app::inbox::PrefInput { event: "plan.returned".into(), channel: "digest".into() }]).await.unwrap();
        app.set_locale(&officer, "en").await.unwrap();
        app.raise(std::slice::from_ref(&me), &notice(&pol, None)).await;
        app.raise(std::slice::from_ref(&me), &notice(&pol, None)).await;
        assert_eq!(drain(&mut w).await, 0, "digests wait for their job");
        app.enqueue_job(NewJob { kind: "inbox.digest".into(), payload: "{}".into(), org_id: None, run_at: env.clock.unix(), max_attempts: 1, idempotency_key: None }).await.unwrap();
        assert_eq!(drain(&mut w).await, 2, "the digest job and its one mail");
        let got = sink.wait_for(2, Duration::from_secs(5)).await;
        assert_eq!(got.len(), 2);
        assert!(got[1].subject().contains("Daily digest (2 notifications)"), "{}", got[1].subject());
        assert_eq!(got[1].text().matches("Pingtung County Police Bureau").count(), 2, "{}", got[1].text());
        app.enqueue_job(NewJob { kind: "inbox.digest".into(), payload: "{}".into(), org_id: None, run_at: env.clock.unix(), max_attempts: 1, idempotency_key: None }).await.unwrap();
        assert_eq!(drain(&mut w).await, 1, "nothing left to digest");

        // back to the default; unknown kinds and channels are refused whole
        let v = app.set_notification_prefs(&officer, &[zian_app::inbox::PrefInput { event: "plan.returned".into(), channel: "default".into() }]).await.unwrap();
        assert!(v.iter().any(|p| p.event == "plan.returned" && p.channel == "email"));
        let e = app.set_notification_prefs(&officer, &[
            zian_app::inbox::PrefInput { event: "plan.approved".into(), channel: "off".into() },
            zian_app::inbox::PrefInput { event: "plan.returned".into(), channel: "sms".into() },
        ]).await.unwrap_err();
        assert!(matches!(e, zian_app::AppError::Validation { ref field, .. } if field == "channel"), "{e:?}");
        let v = app.notification_prefs(&officer).await.unwrap();
        assert!(v.iter().any(|p| p.event == "plan.approved" && p.channel == "inbox"), "nothing written: {v:?}");
    }

    async fn a_repeated_reminder_stays_one_unread_notice(env: TestEnv) {
        let pol = env.org("PIF-POL").await;
        let officer = env.principal("officer.police").await;
        let me = officer.user.id.clone();
        assert_eq!(env.app.raise(std::slice::from_ref(&me), &notice(&pol, Some("k1"))).await, 1);
        assert_eq!(env.app.raise(std::slice::from_ref(&me), &notice(&pol, Some("k1"))).await, 0);
        let page = env.app.inbox(&officer, &ListQuery::new()).await.unwrap();
        assert_eq!(page.total, 1);
        // once read, the next reminder is new again
        env.app.read_notice(&officer, &page.items[0].id).await.unwrap();
        assert_eq!(env.app.raise(std::slice::from_ref(&me), &notice(&pol, Some("k1"))).await, 1);
        assert_eq!(env.app.inbox_unread(&officer).await.unwrap(), 1);
    }

    async fn a_dead_job_is_told_to_the_administrators(env: TestEnv) {
        let pol = env.org("PIF-POL").await;
        let mut w = worker(&env.app);
        env.app.enqueue_job(NewJob { kind: "demo.sleep".into(), payload: r#"{"fail": true}"#.into(), org_id: Some(pol), run_at: env.clock.unix(), max_attempts: 1, idempotency_key: None }).await.unwrap();
        assert_eq!(drain(&mut w).await, 1);
        let admin = env.principal("admin").await;
        let got = env.app.inbox(&admin, &ListQuery::new()).await.unwrap();
        assert_eq!(got.total, 1, "{got:?}");
        assert_eq!(got.items[0].event, "job.dead");
        assert!(got.items[0].title_zh.contains("demo.sleep"));
        assert!(got.items[0].link.as_deref().unwrap().starts_with("/admin/jobs/"));
        // not the agency's own people
        let officer = env.principal("officer.police").await;
        assert_eq!(env.app.inbox_unread(&officer).await.unwrap(), 0);
    }

    async fn the_api_and_pages_serve_the_callers_own_notices(env: TestEnv) {
        let pol = env.org("PIF-POL").await;
        let me = env.user_id("officer.police").await;
        env.app.raise(std::slice::from_ref(&me), &notice(&pol, None)).await;
        env.app.raise(std::slice::from_ref(&me), &notice(&pol, None)).await;
        let token = env.token_for("officer.police").await;
        let r = env.api(Method::GET, "/api/v1/inbox/unread", &token, None).await;
        assert_eq!(r.json()["unread"], 2);
        let r = env.api(Method::GET, "/api/v1/inbox?unread=1", &token, None).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let first = r.json()["items"][0]["id"].as_str().unwrap().to_string();
        assert!(r.json()["items"][0]["title"].as_str().unwrap().contains("退回修正"));
        let r = env.api(Method::GET, "/api/v1/inbox?unread=maybe", &token, None).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);

        // someone else can neither read nor mark it
        let other = env.token_for("officer.health").await;
        let r = env.api(Method::GET, "/api/v1/inbox", &other, None).await;
        assert_eq!(r.json()["total"], 0);
        let r = env.api(Method::POST, &format!("/api/v1/inbox/{first}/read"), &other, None).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        let admin = env.token_for("admin").await;
        let r = env.api(Method::POST, &format!("/api/v1/inbox/{first}/read"), &admin, None).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "not even the administrator");

        // preferences over the API
        let r = env.api(Method::PUT, "/api/v1/notification-preferences", &token, Some(json!({"preferences": [{"event": "plan.approved", "channel": "digest"}]}))).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let r = env.api(Method::GET, "/api/v1/notification-preferences", &token, None).await;
        let p = r.json();
        let approved = p.as_array().unwrap().iter().find(|x| x["event"] == "plan.approved").unwrap().clone();
        assert_eq!(approved["channel"], "digest");
        assert_eq!(approved["default"], "inbox");
        let r = env.api(Method::PUT, "/api/v1/notification-preferences", &token, Some(json!({"preferences": [{"event": "plan.deleted", "channel": "off"}]}))).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);

        // the pages: the badge, opening a notice goes to its record
        let s = env.login("officer.police", PASSWORD).await;
        let r = env.request(Method::GET, "/", &s.headers(), None).await;
        assert!(r.text().contains("id=\"unread-count\""), "{}", r.text());
        assert!(r.text().contains(">2</span>"));
        let r = env.request(Method::GET, "/inbox", &s.headers(), None).await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(r.text().contains(&format!("data-id=\"{first}\"")));
        let mut h = s.headers();
        h.push(("content-type", "application/x-www-form-urlencoded"));
        let r = env.request(Method::POST, &format!("/inbox/{first}/read"), &h, Some(form(&[("_csrf", s.csrf.as_str())]))).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert_eq!(r.headers.get("location").unwrap(), "/plans/p-1");
        let r = env.request(Method::GET, "/inbox", &s.headers(), None).await;
        assert!(r.text().contains(">1</span>"), "one unread left");
        let r = env.request(Method::POST, "/inbox/read-all", &h, Some(form(&[("_csrf", s.csrf.as_str())]))).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let r = env.request(Method::GET, "/inbox?ok=inbox_read_all", &s.headers(), None).await;
        assert!(r.text().contains("已將全部通知標示為已讀"));
        assert!(!r.text().contains("id=\"unread-count\""));
        // the settings form
        let r = env.request(Method::POST, "/account/notifications", &h, Some(form(&[("_csrf", s.csrf.as_str()), ("ch.plan.submitted", "off"), ("ch.job.dead", "email")]))).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        let r = env.request(Method::GET, "/account/notifications", &s.headers(), None).await;
        let html = r.text();
        assert!(html.contains("維護計畫送核"), "{html}");
        let row = html.split("data-event=\"plan.submitted\"").nth(1).unwrap().split("</tr>").next().unwrap();
        assert!(row.contains("value=\"off\" selected"), "{row}");
        // a POST without the token is refused
        let r = env.request(Method::POST, "/inbox/read-all", &h, Some(form(&[("x", "y")]))).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
    }
}
