//! Webhooks end to end on both databases: deliveries queued by events and
//! pings, sent by the `webhooks.deliver` job to a real local HTTP server,
//! retried after a failure, every attempt logged; the signature checked
//! with the exact Python recipe of `docs/webhooks.md` (run with python3):
//! genuine verifies, a changed body, a wrong secret or an old timestamp do
//! not; the SSRF guard refuses internal addresses when the webhook is added
//! and again when it is delivered; the secret is shown once.

use std::sync::{Arc, Mutex};

use axum::http::{Method, StatusCode};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use zian_app::App;
use zian_app::jobs::{Handlers, JobsConfig, Worker};
use zian_app::webhooks::{HttpTransport, WebhookInput, WebhookRuntime, WebhooksConfig};
use zian_domain::ListQuery;
use zian_domain::webhooks::DeliveryStatus;
use zian_testkit::{TestEnv, backend_tests};

/// The recipe as documented, between its markers.
fn recipe() -> String {
    let doc = include_str!("../../../docs/webhooks.md");
    let start = doc.find("<!-- recipe:python -->").expect("recipe start");
    let end = doc.find("<!-- /recipe:python -->").expect("recipe end");
    let block = &doc[start..end];
    let code = block
        .split_once("```python\n")
        .expect("python block")
        .1
        .rsplit_once("```")
        .expect("block end")
        .0;
    assert!(code.contains("def verify("), "{code}");
    code.to_string()
}

/// Runs the documented `verify` with python3; the receiver's clock reads
/// `now` (the test clock), the rest is the recipe unchanged.
fn python_verify(secret: &str, header: &str, body: &[u8], now: i64) -> bool {
    let program = format!(
        "{}\n\nimport os, sys\ntime.time = lambda: float(os.environ['ZIAN_NOW'])\n\
         ok = verify(os.environ['ZIAN_SECRET'], os.environ['ZIAN_SIG'], sys.stdin.buffer.read())\n\
         sys.exit(0 if ok else 1)\n",
        recipe()
    );
    let mut child = std::process::Command::new("python3")
        .arg("-c")
        .arg(program)
        .env("ZIAN_NOW", now.to_string())
        .env("ZIAN_SECRET", secret)
        .env("ZIAN_SIG", header)
        .stdin(std::process::Stdio::piped())
        .stderr(std::process::Stdio::inherit())
        .spawn()
        .expect("python3 is installed");
    std::io::Write::write_all(child.stdin.as_mut().expect("stdin"), body).expect("write");
    drop(child.stdin.take());
    let st = child.wait().expect("python3 ran");
    assert!(st.code().is_some_and(|c| c <= 1), "python3 failed: {st}");
    st.success()
}

/// A request as the local receiver saw it.
#[derive(Debug, Clone)]
struct Received {
    path: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Received {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// A minimal HTTP/1.1 receiver on 127.0.0.1 answering the queued status
/// codes first, then 200.
#[derive(Clone)]
struct Receiver {
    port: u16,
    got: Arc<Mutex<Vec<Received>>>,
    answers: Arc<Mutex<Vec<u16>>>,
}

impl Receiver {
    async fn start() -> Receiver {
        let l = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let r = Receiver {
            port: l.local_addr().expect("addr").port(),
            got: Arc::default(),
            answers: Arc::default(),
        };
        let me = r.clone();
        tokio::spawn(async move {
            while let Ok((mut s, _)) = l.accept().await {
                let me = me.clone();
                tokio::spawn(async move {
                    let mut buf = Vec::new();
                    let mut chunk = [0u8; 4096];
                    let head_end = loop {
                        let n = s.read(&mut chunk).await.unwrap_or(0);
                        if n == 0 {
                            return;
                        }
                        buf.extend_from_slice(&chunk[..n]);
                        if let Some(p) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                            break p + 4;
                        }
                    };
                    let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
                    let mut lines = head.split("\r\n");
                    let path = lines
                        .next()
                        .unwrap_or("")
                        .split(' ')
                        .nth(1)
                        .unwrap_or("")
                        .to_string();
                    let headers: Vec<(String, String)> = lines
                        .filter_map(|l| l.split_once(':'))
                        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
                        .collect();
                    let len: usize = headers
                        .iter()
                        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
                        .and_then(|(_, v)| v.parse().ok())
                        .unwrap_or(0);
                    while buf.len() < head_end + len {
                        let n = s.read(&mut chunk).await.unwrap_or(0);
                        if n == 0 {
                            break;
                        }
                        buf.extend_from_slice(&chunk[..n]);
                    }
                    let body = buf[head_end..(head_end + len).min(buf.len())].to_vec();
                    me.got.lock().expect("lock").push(Received {
                        path,
                        headers,
                        body,
                    });
                    let code = {
                        let mut a = me.answers.lock().expect("lock");
                        if a.is_empty() { 200 } else { a.remove(0) }
                    };
                    let extra = if code == 302 {
                        "location: http://169.254.169.254/\r\n"
                    } else {
                        ""
                    };
                    let resp = format!(
                        "HTTP/1.1 {code} X\r\n{extra}content-length: 0\r\nconnection: close\r\n\r\n"
                    );
                    let _ = s.write_all(resp.as_bytes()).await;
                    let _ = s.shutdown().await;
                });
            }
        });
        r
    }

    fn answer_next(&self, codes: &[u16]) {
        self.answers.lock().expect("lock").extend_from_slice(codes);
    }

    fn received(&self) -> Vec<Received> {
        self.got.lock().expect("lock").clone()
    }
}

/// The application allowed to reach loopback (as `[webhooks] allow_private
/// = ["127.0.0.0/8"]` configures it).
fn loopback_app(env: &TestEnv) -> App {
    let rt = WebhookRuntime::new(
        &WebhooksConfig {
            allow_private: vec!["127.0.0.0/8".into()],
            timeout_secs: 5,
        },
        Arc::new(HttpTransport::default()),
    )
    .expect("webhook runtime");
    env.app.clone().with_webhooks(rt)
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

async fn drain(w: &mut Worker) -> usize {
    let mut n = 0;
    while w.tick().await.expect("tick") {
        n += 1;
    }
    n
}

backend_tests! {
    async fn a_signed_delivery_verifies_with_the_documented_recipe(env: TestEnv) {
        let rx = Receiver::start().await;
        let app = loopback_app(&env);
        let admin = env.principal("admin").await;
        let org = env.org("PIF-HLT").await;
        let made = app
            .create_webhook(&admin, &org, WebhookInput {
                url: format!("http://127.0.0.1:{}/hooks/zian?src=test", rx.port),
                events: vec!["plan.approved".into(), "plan.submitted".into()],
            })
            .await
            .unwrap();
        let secret = made.secret.expose().to_string();
        assert!(secret.starts_with("whsec_") && secret.len() > 40);
        assert!(!format!("{made:?}").contains(&secret), "Debug shows the secret");
        // an event the webhook wants is queued; one it does not want is not
        app.emit_webhooks(&org, "plan.returned", json!({"plan_id": "p"})).await;
        app.emit_webhooks(&org, "plan.approved", json!({"plan_id": "p1", "version": 2})).await;
        let mut w = worker(&app);
        // the receiver fails the first attempt: retried after the backoff
        rx.answer_next(&[500]);
        assert_eq!(drain(&mut w).await, 1);
        let q = ListQuery::new();
        let d = app.webhook_deliveries(&admin, &made.webhook.id, &q).await.unwrap().items;
        assert_eq!(d.len(), 1, "only the wanted event: {d:?}");
        assert_eq!(d[0].event, "plan.approved");
        assert_eq!(d[0].status, DeliveryStatus::Queued);
        assert_eq!(d[0].last_status_code, Some(500));
        env.clock.advance(30);
        assert_eq!(drain(&mut w).await, 1);
        let d = app.webhook_deliveries(&admin, &made.webhook.id, &q).await.unwrap().items;
        assert_eq!(d[0].status, DeliveryStatus::Delivered);
        assert_eq!(d[0].attempts, 2);
        let attempts = app.webhook_attempts(&admin, &d[0].id).await.unwrap();
        assert_eq!(attempts.len(), 2);
        assert_eq!((attempts[0].status_code, attempts[0].error.as_deref()), (Some(500), Some("HTTP 500")));
        assert_eq!((attempts[1].status_code, attempts[1].error.as_deref()), (Some(200), None));
        assert!(attempts.iter().all(|a| a.duration_ms >= 0));
        // delivered once: running its job again sends nothing
        let got = rx.received();
        assert_eq!(got.len(), 2);
        let last = &got[1];
        assert_eq!(last.path, "/hooks/zian?src=test");
        assert_eq!(last.header("zian-event"), Some("plan.approved"));
        assert_eq!(last.header("zian-delivery"), Some(d[0].id.as_str()));
        assert_eq!(last.header("content-type"), Some("application/json"));
        let body: serde_json::Value = serde_json::from_slice(&last.body).unwrap();
        assert_eq!(body["event"], "plan.approved");
        assert_eq!(body["data"]["version"], 2);
        assert_eq!(body["org_id"], org.to_string());
        // the documented recipe
        let sig = last.header("zian-signature").expect("signed").to_string();
        let t: i64 = sig.strip_prefix("t=").unwrap().split(',').next().unwrap().parse().unwrap();
        assert_eq!(t, env.clock.unix(), "signed with the attempt's time");
        assert!(python_verify(&secret, &sig, &last.body, t + 10), "genuine delivery refused: {sig}");
        assert!(zian_domain::webhooks::verify(&secret, &sig, &last.body, t).is_ok());
        let mut tampered = last.body.clone();
        let i = tampered.iter().position(|b| *b == b'2').unwrap();
        tampered[i] = b'3';
        assert!(!python_verify(&secret, &sig, &tampered, t), "tampered body accepted");
        assert!(!python_verify("whsec_wrong", &sig, &last.body, t), "wrong secret accepted");
        assert!(!python_verify(&secret, &sig, &last.body, t + 301), "old timestamp accepted");
        assert!(!python_verify(&secret, &sig.replace(&format!("t={t}"), &format!("t={}", t + 5)), &last.body, t), "changed timestamp accepted");
        // the secret never reaches the delivery log or the request beyond the tag
        assert!(!String::from_utf8_lossy(&last.body).contains(&secret));
        assert!(last.headers.iter().all(|(_, v)| !v.contains(&secret)));
        // each retry is signed afresh: the first attempt carried an older time
        let first_t = got[0].header("zian-signature").unwrap().to_string();
        assert_ne!(first_t, sig);
    }

    async fn redirects_are_not_followed_and_the_guard_holds_at_delivery(env: TestEnv) {
        let rx = Receiver::start().await;
        let app = loopback_app(&env);
        let admin = env.principal("admin").await;
        let org = env.org("PIF-HLT").await;
        let made = app
            .create_webhook(&admin, &org, WebhookInput {
                url: format!("http://127.0.0.1:{}/h", rx.port),
                events: vec!["plan.approved".into()],
            })
            .await
            .unwrap();
        rx.answer_next(&[302]);
        let id = app.ping_webhook(&admin, &made.webhook.id).await.unwrap();
        let mut w = worker(&app);
        assert_eq!(drain(&mut w).await, 1);
        let a = app.webhook_attempts(&admin, &id).await.unwrap();
        assert_eq!((a[0].status_code, a[0].error.as_deref()), (Some(302), Some("HTTP 302")));
        assert_eq!(rx.received().len(), 1, "the redirect was followed");
        // the same delivery from a server whose configuration does not allow
        // loopback: refused before connecting, logged
        env.clock.advance(30);
        let mut strict = worker(&env.app);
        assert_eq!(drain(&mut strict).await, 1);
        let a = app.webhook_attempts(&admin, &id).await.unwrap();
        assert_eq!(a.len(), 2);
        assert_eq!(a[1].status_code, None);
        assert!(a[1].error.as_deref().unwrap().contains("address refused"), "{:?}", a[1].error);
        assert_eq!(rx.received().len(), 1);
        // disabled: no ping; the queued retry is dropped as failed
        app.disable_webhook(&admin, &made.webhook.id).await.unwrap();
        let e = app.ping_webhook(&admin, &made.webhook.id).await.unwrap_err();
        assert!(matches!(e, zian_app::AppError::Conflict("webhook_disabled")), "{e:?}");
        env.clock.advance(120);
        drain(&mut w).await;
        let d = app.webhook_deliveries(&admin, &made.webhook.id, &ListQuery::new()).await.unwrap().items;
        assert_eq!(d[0].status, DeliveryStatus::Failed);
        assert_eq!(rx.received().len(), 1);
    }

    async fn the_api_refuses_internal_urls_and_shows_the_secret_once(env: TestEnv) {
        let token = env.token_for("admin").await;
        let org = env.org("PIF-HLT").await;
        let auth = token.clone();
        let uri = format!("/api/v1/orgs/{org}/webhooks");
        for (url, field) in [
            ("http://127.0.0.1:9/h", "url"),
            ("https://169.254.169.254/latest/meta-data", "url"),
            ("https://10.0.0.5/h", "url"),
            ("https://[::ffff:192.168.1.1]/h", "url"),
            ("ftp://example.gov.tw/", "url"),
            ("https://user:pw@example.gov.tw/", "url"),
        ] {
            let r = env.api(Method::POST, &uri, &auth, Some(json!({"url": url, "events": ["plan.approved"]}))).await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{url}: {}", r.text());
            assert_eq!(r.json()["error"]["field"], field, "{url}");
        }
        let r = env.api(Method::POST, &uri, &auth, Some(json!({"url": "https://93.184.215.14/h", "events": ["nope"]}))).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.json()["error"]["field"], "events");
        let r = env.api(Method::POST, &uri, &auth, Some(json!({"url": "https://93.184.215.14/h", "events": ["plan.approved", "plan.approved"]}))).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let made = r.json();
        let secret = made["secret"].as_str().unwrap().to_string();
        assert_eq!(made["events"], json!(["plan.approved"]));
        let id = made["id"].as_str().unwrap().to_string();
        let list = env.api(Method::GET, &uri, &auth, None).await;
        assert_eq!(list.status, StatusCode::OK);
        assert_eq!(list.json()["items"][0]["id"], id.as_str());
        assert!(!list.text().contains(&secret), "the secret is listed");
        assert!(list.json()["items"][0].get("secret").is_none());
        // audited without the secret
        let actions = zian_testkit::http::audit_actions(&env, "webhook.created").await;
        assert_eq!(actions, vec!["webhook.created".to_string()]);
        let r = env.api(Method::POST, &format!("/api/v1/webhooks/{id}/ping"), &auth, None).await;
        assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.text());
        let r = env.api(Method::GET, &format!("/api/v1/webhooks/{id}/deliveries?status=queued"), &auth, None).await;
        assert_eq!(r.status, StatusCode::OK);
        assert_eq!(r.json()["items"][0]["event"], "webhook.ping");
        let r = env.api(Method::GET, &format!("/api/v1/webhooks/{id}/deliveries?status=lost"), &auth, None).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        // an officer of another organisation does not see it
        let other = env.token_for("officer.police").await;
        let r = env.api(Method::GET, &format!("/api/v1/webhooks/{id}/deliveries"), &other, None).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        let r = env.api(Method::POST, &format!("/api/v1/webhooks/{id}/disable"), &auth, None).await;
        assert_eq!(r.status, StatusCode::OK);
        assert_eq!(r.json()["active"], false);
    }
}
