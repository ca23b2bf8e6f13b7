//! Outgoing mail: the `Mailer` port and its SMTP implementation (lettre over
//! rustls with ring; the composition root injects it), the templates in
//! zh-TW and English (plain text and HTML, from the `mail` catalogue, with
//! the organisation's name), and the jobs that send mail. Every message is
//! recorded (`zian_storage::MailStore`) and delivered by its own `mail.send`
//! job, so it is retried with the queue's backoff and its outcome kept.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use lettre::message::header::{ContentTransferEncoding, ContentType};
use lettre::message::{Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use serde::{Deserialize, Serialize};
use zian_domain::jobs::{MailMessage, MailStatus, NewJob};
use zian_domain::{ListQuery, OrgScope, UserId};
use zian_i18n::{Lang, Msg, catalogue, msg};

use crate::jobs::{JobContext, JobHandler, KIND_MAIL};
use crate::{App, AppError, Result};

/// How the connection to the SMTP server is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Security {
    /// Plain connection upgraded with STARTTLS (required), usually port 587.
    Starttls,
    /// TLS from the first byte, usually port 465.
    Tls,
    /// No encryption: only for a relay on the same host or a test sink.
    None,
}

/// `[mail]` in the configuration. Credentials are never in the file: it
/// names the environment variables that hold them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MailConfig {
    /// Whether mail is sent at all (reminder jobs skip mail when off).
    pub enabled: bool,
    pub host: String,
    pub port: u16,
    pub security: Security,
    /// The environment variable holding the SMTP user name (none: no
    /// authentication).
    pub username_env: Option<String>,
    /// The environment variable holding the SMTP password.
    pub password_env: Option<String>,
    /// The sender, `Name <address>` or an address.
    pub from: String,
    /// Seconds allowed for one SMTP conversation.
    pub timeout_secs: u64,
}

impl Default for MailConfig {
    fn default() -> Self {
        MailConfig {
            enabled: false,
            host: "localhost".into(),
            port: 587,
            security: Security::Starttls,
            username_env: None,
            password_env: None,
            from: "Zian <zian@localhost>".into(),
            timeout_secs: 30,
        }
    }
}

impl MailConfig {
    /// Checks the values (when mail is enabled); names the bad setting.
    pub fn validate(&self) -> std::result::Result<(), String> {
        if !self.enabled {
            return Ok(());
        }
        if self.host.trim().is_empty() {
            return Err("mail.host must name the SMTP server".into());
        }
        if self.port == 0 {
            return Err("mail.port must be 1 to 65535".into());
        }
        self.from
            .parse::<Mailbox>()
            .map_err(|e| format!("mail.from: {:?} is not an address: {e}", self.from))?;
        if self.username_env.is_some() != self.password_env.is_some() {
            return Err("mail.username_env and mail.password_env go together".into());
        }
        if !(1..=600).contains(&self.timeout_secs) {
            return Err("mail.timeout_secs must be 1 to 600".into());
        }
        Ok(())
    }
}

/// SMTP credentials read from the environment; `Debug` shows the user name
/// only.
#[derive(Clone)]
pub struct SmtpSecret {
    pub username: String,
    password: String,
}

impl std::fmt::Debug for SmtpSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpSecret")
            .field("username", &self.username)
            .field("password", &"[redacted]")
            .finish()
    }
}

impl SmtpSecret {
    /// The credentials the configuration names, from `env` (the process
    /// environment in production); an unset variable is an error naming it.
    pub fn from_env(
        cfg: &MailConfig,
        env: impl Fn(&str) -> Option<String>,
    ) -> std::result::Result<Option<SmtpSecret>, String> {
        let (Some(u), Some(p)) = (&cfg.username_env, &cfg.password_env) else {
            return Ok(None);
        };
        let get = |name: &str| {
            env(name)
                .filter(|v| !v.is_empty())
                .ok_or_else(|| format!("mail: the environment variable {name} is not set"))
        };
        Ok(Some(SmtpSecret {
            username: get(u)?,
            password: get(p)?,
        }))
    }
}

/// A message ready to leave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outgoing {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// The port through which mail leaves.
#[async_trait]
pub trait Mailer: Send + Sync {
    /// Delivers one message to the server; `Err` is the reason, safe to
    /// keep (it never holds credentials).
    async fn send(&self, m: &Outgoing) -> std::result::Result<(), String>;
}

/// Mail over SMTP.
pub struct SmtpMailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl SmtpMailer {
    pub fn new(
        cfg: &MailConfig,
        secret: Option<SmtpSecret>,
    ) -> std::result::Result<SmtpMailer, String> {
        let from: Mailbox = cfg
            .from
            .parse()
            .map_err(|e| format!("mail.from: {:?} is not an address: {e}", cfg.from))?;
        let builder = match cfg.security {
            Security::Starttls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&cfg.host)
                .map_err(|e| format!("mail.host: {e}"))?,
            Security::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&cfg.host)
                .map_err(|e| format!("mail.host: {e}"))?,
            Security::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&cfg.host),
        };
        let mut builder = builder
            .port(cfg.port)
            .timeout(Some(Duration::from_secs(cfg.timeout_secs)));
        if let Some(s) = secret {
            builder = builder.credentials(Credentials::new(s.username, s.password));
        }
        Ok(SmtpMailer {
            transport: builder.build(),
            from,
        })
    }
}

fn part(kind: ContentType, body: &str) -> SinglePart {
    SinglePart::builder()
        .header(kind)
        .header(ContentTransferEncoding::Base64)
        .body(body.to_string())
}

#[async_trait]
impl Mailer for SmtpMailer {
    async fn send(&self, m: &Outgoing) -> std::result::Result<(), String> {
        let to: Mailbox =
            m.to.parse()
                .map_err(|e| format!("recipient {:?}: {e}", m.to))?;
        let msg = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(m.subject.clone())
            .multipart(
                MultiPart::alternative()
                    .singlepart(part(ContentType::TEXT_PLAIN, &m.text))
                    .singlepart(part(ContentType::TEXT_HTML, &m.html)),
            )
            .map_err(|e| format!("message: {e}"))?;
        self.transport
            .send(msg)
            .await
            .map(|_| ())
            .map_err(|e| format!("SMTP: {e}"))
    }
}

// ---- templates

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A message from a template: a subject, paragraphs and list items, in one
/// language, as plain text and HTML (the same words in both).
pub fn compose(lang: Lang, subject: &Msg, paragraphs: &[Msg], items: &[String]) -> Outgoing {
    let subject = subject.render(lang);
    let paras: Vec<String> = paragraphs.iter().map(|p| p.render(lang)).collect();
    let footer = catalogue().t(lang, "mail.footer").to_string();
    let mut text = String::new();
    let mut html = format!(
        "<!DOCTYPE html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\"><title>{}</title></head><body>\n",
        lang.code(),
        escape(&subject)
    );
    for p in &paras {
        text.push_str(p);
        text.push_str("\n\n");
        html.push_str(&format!("<p>{}</p>\n", escape(p)));
    }
    if !items.is_empty() {
        html.push_str("<ul>\n");
        for it in items {
            text.push_str("- ");
            text.push_str(it);
            text.push('\n');
            html.push_str(&format!("<li>{}</li>\n", escape(it)));
        }
        html.push_str("</ul>\n");
        text.push('\n');
    }
    text.push_str("-- \n");
    text.push_str(&footer);
    text.push('\n');
    html.push_str(&format!(
        "<hr><p><small>{}</small></p>\n</body></html>\n",
        escape(&footer)
    ));
    Outgoing {
        to: String::new(),
        subject,
        text,
        html,
    }
}

/// The deploying organisation's name (the tree's root) in a language.
pub(crate) async fn org_name(app: &App, lang: Lang) -> Result<String> {
    let root = app
        .stores
        .orgs
        .list(&OrgScope::system_wide(), &ListQuery::all(1))
        .await?
        .items
        .into_iter()
        .next();
    Ok(match root {
        Some(o) if lang == Lang::En && !o.name_en.is_empty() => o.name_en,
        Some(o) => o.name_zh,
        None => "Zian".into(),
    })
}

impl App {
    /// The mailer, when mail is configured.
    pub fn mailer(&self) -> Option<&Arc<dyn Mailer>> {
        self.mailer.as_ref()
    }

    /// Records a message and queues the job that delivers it. Returns the
    /// message's id.
    pub async fn queue_mail(
        &self,
        org_id: Option<zian_domain::OrgId>,
        template: &str,
        lang: Lang,
        m: &Outgoing,
    ) -> Result<String> {
        let id = self.ids.new_id();
        let now = self.now();
        self.stores
            .mail
            .insert(&MailMessage {
                id: id.clone(),
                org_id: org_id.clone(),
                recipient: m.to.clone(),
                subject: m.subject.clone(),
                lang: lang.code().to_string(),
                template: template.to_string(),
                body_text: m.text.clone(),
                body_html: m.html.clone(),
                status: MailStatus::Queued,
                attempts: 0,
                last_error: None,
                job_id: None,
                created_at: now,
                sent_at: None,
            })
            .await?;
        let (job, _) = self
            .enqueue_job(NewJob {
                kind: KIND_MAIL.into(),
                payload: serde_json::json!({ "message_id": id }).to_string(),
                org_id,
                run_at: now,
                max_attempts: 5,
                idempotency_key: Some(format!("mail:{id}")),
            })
            .await?;
        self.stores.mail.set_job(&id, &job).await?;
        Ok(id)
    }

    /// Sends the configuration test message now (`zian mail test --to`),
    /// records it with its outcome, and returns the outcome: the server's
    /// refusal is the inner `Err`.
    pub async fn send_test_mail(
        &self,
        to: &str,
        lang: Lang,
    ) -> Result<std::result::Result<(), String>> {
        if to.parse::<Mailbox>().is_err() {
            return Err(AppError::invalid("to", msg!("reason.mail.address")));
        }
        let Some(mailer) = self.mailer.clone() else {
            return Ok(Err("mail is not configured (mail.enabled)".into()));
        };
        let org = org_name(self, lang).await?;
        let mut m = compose(
            lang,
            &msg!("mail.test.subject", org = &org),
            &[msg!("mail.test.body", org = &org)],
            &[],
        );
        m.to = to.to_string();
        let id = self.ids.new_id();
        self.stores
            .mail
            .insert(&MailMessage {
                id: id.clone(),
                org_id: None,
                recipient: m.to.clone(),
                subject: m.subject.clone(),
                lang: lang.code().to_string(),
                template: "mail.test".into(),
                body_text: m.text.clone(),
                body_html: m.html.clone(),
                status: MailStatus::Queued,
                attempts: 0,
                last_error: None,
                job_id: None,
                created_at: self.now(),
                sent_at: None,
            })
            .await?;
        let r = mailer.send(&m).await;
        self.stores
            .mail
            .record_attempt(
                &id,
                r.as_ref().map(|_| ()).map_err(String::as_str),
                true,
                self.now(),
            )
            .await?;
        Ok(r)
    }

    /// Recorded messages (system administrators).
    pub async fn list_mail(
        &self,
        p: &zian_domain::Principal,
        q: &ListQuery,
    ) -> Result<zian_domain::Page<MailMessage>> {
        let scope = self.job_scope(p).await?;
        Ok(self.stores.mail.list(&scope, q).await?)
    }
}

/// `mail.send`: delivers one recorded message.
pub(crate) struct SendMail;

#[derive(Deserialize)]
struct SendInput {
    message_id: String,
}

#[async_trait]
impl JobHandler for SendMail {
    async fn run(&self, cx: &JobContext) -> std::result::Result<(), String> {
        let input: SendInput = cx.payload()?;
        let store = &cx.app.stores.mail;
        let m = store
            .for_delivery(&input.message_id)
            .await
            .map_err(|e| e.to_string())?
            .ok_or_else(|| format!("message {} not found", input.message_id))?;
        if m.status == MailStatus::Sent {
            // delivered by an attempt whose worker died before recording
            // the job's success
            return Ok(());
        }
        let Some(mailer) = cx.app.mailer() else {
            return Err("mail is not configured (mail.enabled)".into());
        };
        let out = Outgoing {
            to: m.recipient.clone(),
            subject: m.subject.clone(),
            text: m.body_text.clone(),
            html: m.body_html.clone(),
        };
        let r = mailer.send(&out).await;
        let now = cx.app.now();
        store
            .record_attempt(
                &m.id,
                r.as_ref().map(|_| ()).map_err(String::as_str),
                cx.last_attempt(),
                now,
            )
            .await
            .map_err(|e| e.to_string())?;
        r
    }
}

/// `reminders.daily`: one message per person to remind, in that person's
/// language, listing what is overdue or due within `days` (default 30).
pub(crate) struct DailyReminders;

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RemindersInput {
    #[serde(default)]
    days: Option<i64>,
}

#[async_trait]
impl JobHandler for DailyReminders {
    async fn run(&self, cx: &JobContext) -> std::result::Result<(), String> {
        let input: RemindersInput = cx.payload()?;
        let n = cx
            .app
            .send_reminder_mail(input.days.unwrap_or(30))
            .await
            .map_err(|e| e.to_string())?;
        cx.progress(100, &format!("{n}")).await;
        Ok(())
    }
}

impl App {
    /// Composes and queues the reminder mail of the whole tree: one message
    /// per recipient (by address), in the recipient's language. Returns the
    /// number of messages queued; none when mail is off.
    pub async fn send_reminder_mail(&self, days: i64) -> Result<usize> {
        if self.mailer.is_none() {
            tracing::info!("reminder mail skipped: mail is not configured");
            return Ok(0);
        }
        let Some(op) = self.operator().await? else {
            return Ok(0);
        };
        let reminders = self.reminders(&op, days).await?;
        let scope = OrgScope::system_wide();
        let holders = self
            .stores
            .people
            .role_holders(&scope, &crate::reminders::REMINDED_ROLES)
            .await?;
        let ids: BTreeMap<&str, &UserId> = holders
            .iter()
            .map(|h| (h.username.as_str(), &h.user_id))
            .collect();
        // recipient address → (name, username, lines)
        let mut per: BTreeMap<String, (String, String, Vec<&crate::reminders::Reminder>)> =
            BTreeMap::new();
        for r in &reminders {
            for x in &r.recipients {
                if x.email.trim().is_empty() {
                    continue;
                }
                per.entry(x.email.clone())
                    .or_insert_with(|| (x.display_name.clone(), x.username.clone(), Vec::new()))
                    .2
                    .push(r);
            }
        }
        let mut n = 0;
        for (email, (name, username, items)) in per {
            let lang = match ids.get(username.as_str()) {
                Some(id) => self
                    .stores
                    .people
                    .get_user(&scope, id)
                    .await?
                    .and_then(|u| Lang::parse(&u.locale))
                    .unwrap_or(Lang::ZhTw),
                None => Lang::ZhTw,
            };
            let org = org_name(self, lang).await?;
            let lines: Vec<String> = items
                .iter()
                .map(|r| {
                    let state = if r.overdue {
                        msg!("reminders.overdue")
                    } else {
                        msg!("reminders.due_soon")
                    };
                    format!(
                        "{} {}｜{}｜{}",
                        zian_domain::day::ymd(r.due),
                        state.render(lang),
                        r.org_name,
                        r.title.render(lang)
                    )
                })
                .collect();
            let mut m = compose(
                lang,
                &msg!("mail.reminders.subject", org = &org, n = items.len()),
                &[
                    msg!("mail.reminders.greeting", name = &name),
                    msg!("mail.reminders.intro", days = days),
                ],
                &lines,
            );
            m.to = email;
            self.queue_mail(None, "reminders.daily", lang, &m).await?;
            n += 1;
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_come_from_the_environment_and_stay_out_of_debug() {
        let cfg = MailConfig {
            enabled: true,
            username_env: Some("U".into()),
            password_env: Some("P".into()),
            ..MailConfig::default()
        };
        let env = |k: &str| match k {
            "U" => Some("mailer".to_string()),
            "P" => Some("s3cret-pw".to_string()),
            _ => None,
        };
        let s = SmtpSecret::from_env(&cfg, env).unwrap().unwrap();
        let shown = format!("{s:?}");
        assert!(
            shown.contains("mailer") && !shown.contains("s3cret-pw"),
            "{shown}"
        );
        let e = SmtpSecret::from_env(&cfg, |_| None).unwrap_err();
        assert!(e.contains("U"), "{e}");
        assert!(
            SmtpSecret::from_env(&MailConfig::default(), env)
                .unwrap()
                .is_none()
        );
    }

    #[test]
    fn bad_settings_are_named() {
        let mut c = MailConfig {
            enabled: true,
            ..MailConfig::default()
        };
        assert!(c.validate().is_ok());
        c.from = "not an address".into();
        assert!(c.validate().unwrap_err().contains("mail.from"));
        let c = MailConfig {
            enabled: true,
            username_env: Some("U".into()),
            ..MailConfig::default()
        };
        assert!(c.validate().unwrap_err().contains("password_env"));
    }

    #[test]
    fn templates_escape_html_and_follow_the_language() {
        let zh = compose(
            Lang::ZhTw,
            &msg!("mail.test.subject", org = "<機關>"),
            &[msg!("mail.test.body", org = "<機關>")],
            &["a & b".to_string()],
        );
        assert!(zh.subject.contains("<機關>"));
        assert!(zh.html.contains("&lt;機關&gt;") && !zh.html.contains("<機關>"));
        assert!(zh.html.contains("<li>a &amp; b</li>"));
        assert!(zh.text.contains("- a & b"));
        let en = compose(Lang::En, &msg!("mail.test.subject", org = "X"), &[], &[]);
        assert_ne!(zh.subject, en.subject);
        assert!(en.html.contains("lang=\"en\""));
    }
}
