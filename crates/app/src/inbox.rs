//! The in-app inbox every module writes to, each person's preferences per
//! kind of event, and the daily digest.
//!
//! A module raises a notice with [`App::raise`] (to named people) or
//! [`App::raise_to_holders`] (to everyone holding a permission over an
//! organisation); each recipient's channel decides what happens: `inbox`
//! writes the notice, `email` also mails it at once, `digest` writes it and
//! the `inbox.digest` job mails the day's notices in one message, `off`
//! drops it. Raising never fails the module's own work: errors are logged.
//! Reading, counting and marking notices are the caller's own, always.

use std::collections::{BTreeMap, BTreeSet};

use async_trait::async_trait;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use zian_domain::inbox::{Channel, KINDS, Notice, kind, valid_link};
use zian_domain::{ListQuery, OrgId, OrgScope, Page, Permission, Principal, Role, UserId};
use zian_i18n::{Lang, Msg, msg};

use crate::jobs::{JobContext, JobHandler};
use crate::{App, AppError, Result};

/// The job that mails the digests.
pub const KIND_DIGEST: &str = "inbox.digest";

/// Notices one digest run handles at most (the rest wait for the next run).
const DIGEST_BATCH: i64 = 5_000;

/// A notice to raise.
#[derive(Debug, Clone)]
pub struct Raise {
    /// One of [`zian_domain::inbox::KINDS`].
    pub event: &'static str,
    pub org: Option<OrgId>,
    pub title: Msg,
    /// The English title when it needs other arguments (an organisation's
    /// English name); else `title` in English.
    pub title_en: Option<Msg>,
    /// A path of this site.
    pub link: Option<String>,
    /// See [`Notice::dedupe_key`].
    pub dedupe_key: Option<String>,
}

/// One kind of event with the caller's choice.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct PrefView {
    pub event: String,
    /// `inbox`, `email`, `digest` or `off`.
    pub channel: String,
    /// The kind's default.
    pub default: String,
}

/// Choices to record, all or none.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PrefsInput {
    pub preferences: Vec<PrefInput>,
}

/// A choice to record (`channel` `default` restores the default).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PrefInput {
    pub event: String,
    pub channel: String,
}

impl App {
    /// Raises a notice to each of `to` on the channel they chose; returns
    /// how many notices were written. Never fails: a recipient that cannot
    /// be served is logged and skipped.
    pub async fn raise(&self, to: &[UserId], r: &Raise) -> usize {
        let mut n = 0;
        for u in to.iter().collect::<BTreeSet<_>>() {
            match self.raise_one(u, r).await {
                Ok(true) => n += 1,
                Ok(false) => {}
                Err(e) => {
                    tracing::warn!(event = r.event, user = %u, error = %e, "notice not raised");
                }
            }
        }
        n
    }

    /// Raises a notice to every active person holding `perm` over `org`
    /// through a role on it or on an organisation above it — system
    /// administrators aside (they hear of system work: [`Self::raise_to_admins`]).
    pub async fn raise_to_holders(&self, org: &OrgId, perm: Permission, r: &Raise) -> usize {
        let roles: Vec<Role> = Role::ALL
            .into_iter()
            .filter(|x| *x != Role::SystemAdmin && x.grants(perm))
            .collect();
        self.raise_to_roles(Some(org), &roles, r).await
    }

    /// As [`Self::raise_to_holders`], to everyone but the person who did
    /// what the notice tells (they know).
    pub async fn raise_to_others(
        &self,
        org: &OrgId,
        perm: Permission,
        actor: &UserId,
        r: &Raise,
    ) -> usize {
        let roles: Vec<Role> = Role::ALL
            .into_iter()
            .filter(|x| *x != Role::SystemAdmin && x.grants(perm))
            .collect();
        match self.holders_of(Some(org), &roles).await {
            Ok(to) => {
                let to: Vec<UserId> = to.into_iter().filter(|u| u != actor).collect();
                self.raise(&to, r).await
            }
            Err(e) => {
                tracing::warn!(event = r.event, error = %e, "notice recipients not found");
                0
            }
        }
    }

    /// Raises a notice to the supervisors over `org` (a Supervisor role on
    /// it or above).
    pub async fn raise_to_supervisors(&self, org: &OrgId, r: &Raise) -> usize {
        self.raise_to_roles(Some(org), &[Role::Supervisor], r).await
    }

    /// Raises a notice to the system administrators over `org` (none: over
    /// the whole tree).
    pub async fn raise_to_admins(&self, org: Option<&OrgId>, r: &Raise) -> usize {
        self.raise_to_roles(org, &[Role::SystemAdmin], r).await
    }

    async fn raise_to_roles(&self, org: Option<&OrgId>, roles: &[Role], r: &Raise) -> usize {
        match self.holders_of(org, roles).await {
            Ok(to) => self.raise(&to, r).await,
            Err(e) => {
                tracing::warn!(event = r.event, error = %e, "notice recipients not found");
                0
            }
        }
    }

    async fn holders_of(&self, org: Option<&OrgId>, roles: &[Role]) -> Result<Vec<UserId>> {
        let all = OrgScope::system_wide();
        let o = match org {
            Some(id) => self.stores.orgs.get(&all, id).await?,
            None => self
                .stores
                .orgs
                .list(&all, &ListQuery::all(1))
                .await?
                .items
                .into_iter()
                .next()
                .filter(|o| o.parent_id.is_none()),
        };
        let Some(o) = o else {
            return Ok(Vec::new());
        };
        Ok(self
            .stores
            .people
            .role_holders(&all, roles)
            .await?
            .into_iter()
            .filter(|h| o.path.starts_with(h.org_path.as_str()))
            .map(|h| h.user_id)
            .collect())
    }

    async fn raise_one(&self, user: &UserId, r: &Raise) -> Result<bool> {
        let Some(k) = kind(r.event) else {
            return Err(AppError::invalid("event", msg!("reason.inbox.event")));
        };
        if r.link.as_deref().is_some_and(|l| !valid_link(l)) {
            return Err(AppError::invalid("link", msg!("reason.inbox.link")));
        }
        let channel = self
            .stores
            .inbox
            .prefs(user)
            .await?
            .into_iter()
            .find(|(e, _)| e == r.event)
            .map_or(k.default, |(_, c)| c);
        if channel == Channel::Off {
            return Ok(false);
        }
        let n = Notice {
            id: self.ids.new_id(),
            user_id: user.clone(),
            org_id: r.org.clone(),
            event: r.event.to_string(),
            title_zh: r.title.render(Lang::ZhTw),
            title_en: r.title_en.as_ref().unwrap_or(&r.title).render(Lang::En),
            link: r.link.clone(),
            channel,
            dedupe_key: r.dedupe_key.clone(),
            created_at: self.now(),
            read_at: None,
            digested_at: None,
        };
        if !self.stores.inbox.insert(&n).await? {
            return Ok(false);
        }
        if channel == Channel::Email {
            self.mail_notices(user, &[&n], false).await?;
        }
        Ok(true)
    }

    /// Mails notices to their person in the person's language: one notice
    /// as its own message, or several as the digest. False when the person
    /// has no address or mail is off.
    async fn mail_notices(&self, user: &UserId, items: &[&Notice], digest: bool) -> Result<bool> {
        if self.mailer.is_none() || items.is_empty() {
            return Ok(false);
        }
        let Some(u) = self
            .stores
            .people
            .get_user(&OrgScope::system_wide(), user)
            .await?
        else {
            return Ok(false);
        };
        if !u.active || u.email.trim().is_empty() {
            return Ok(false);
        }
        let lang = Lang::parse(&u.locale).unwrap_or(Lang::ZhTw);
        let org = crate::mail::org_name(self, lang).await?;
        let title = |n: &Notice| match lang {
            Lang::En => n.title_en.clone(),
            _ => n.title_zh.clone(),
        };
        let lines: Vec<String> = items
            .iter()
            .map(|n| match &n.link {
                Some(l) => format!("{}（{l}）", title(n)),
                None => title(n),
            })
            .collect();
        let (subject, template) = if digest {
            (
                msg!("mail.inbox.digest_subject", org = &org, n = items.len()),
                "inbox.digest",
            )
        } else {
            (
                msg!("mail.inbox.subject", org = &org, title = &title(items[0])),
                "inbox.notice",
            )
        };
        let mut m = crate::mail::compose(
            lang,
            &subject,
            &[
                msg!("mail.reminders.greeting", name = &u.display_name),
                if digest {
                    msg!("mail.inbox.digest_intro")
                } else {
                    msg!("mail.inbox.intro")
                },
            ],
            &lines,
        );
        m.to = u.email.clone();
        self.queue_mail(items[0].org_id.clone(), template, lang, &m)
            .await?;
        Ok(true)
    }

    /// Mails each person's pending digest notices in one message and marks
    /// them sent. Returns the number of messages queued; none when mail is
    /// off (the notices wait).
    pub async fn send_digests(&self) -> Result<usize> {
        if self.mailer.is_none() {
            tracing::info!("digest skipped: mail is not configured");
            return Ok(0);
        }
        let pending = self.stores.inbox.digest_pending(DIGEST_BATCH).await?;
        let mut per: BTreeMap<&UserId, Vec<&Notice>> = BTreeMap::new();
        for n in &pending {
            per.entry(&n.user_id).or_default().push(n);
        }
        let mut sent = 0;
        for (user, items) in per {
            if self.mail_notices(user, &items, true).await? {
                sent += 1;
            }
            let ids: Vec<String> = items.iter().map(|n| n.id.clone()).collect();
            self.stores.inbox.mark_digested(&ids, self.now()).await?;
        }
        Ok(sent)
    }

    /// The caller's notices, newest first (filter `unread=1`).
    pub async fn inbox(&self, p: &Principal, q: &ListQuery) -> Result<Page<Notice>> {
        if let Some(v) = q.filter_value("unread")
            && v != "1"
            && v != "0"
        {
            return Err(AppError::invalid("unread", msg!("reason.inbox.unread")));
        }
        Ok(self.stores.inbox.list(&p.user.id, q).await?)
    }

    pub async fn inbox_unread(&self, p: &Principal) -> Result<i64> {
        Ok(self.stores.inbox.unread_count(&p.user.id).await?)
    }

    /// Marks one of the caller's notices read and returns it (its link is
    /// where the reader goes next).
    pub async fn read_notice(&self, p: &Principal, id: &str) -> Result<Notice> {
        if !self
            .stores
            .inbox
            .mark_read(&p.user.id, id, self.now())
            .await?
        {
            return Err(AppError::NotFound);
        }
        self.stores
            .inbox
            .get(&p.user.id, id)
            .await?
            .ok_or(AppError::NotFound)
    }

    /// Marks all the caller's notices read; returns how many were unread.
    pub async fn read_all_notices(&self, p: &Principal) -> Result<u64> {
        Ok(self
            .stores
            .inbox
            .mark_all_read(&p.user.id, self.now())
            .await?)
    }

    /// Every kind of event with the caller's channel.
    pub async fn notification_prefs(&self, p: &Principal) -> Result<Vec<PrefView>> {
        let chosen = self.stores.inbox.prefs(&p.user.id).await?;
        Ok(KINDS
            .iter()
            .map(|k| PrefView {
                event: k.event.to_string(),
                channel: chosen
                    .iter()
                    .find(|(e, _)| e == k.event)
                    .map_or(k.default, |(_, c)| *c)
                    .as_str()
                    .to_string(),
                default: k.default.as_str().to_string(),
            })
            .collect())
    }

    /// Records the caller's choices (all checked before any is written) and
    /// returns every kind with its channel.
    pub async fn set_notification_prefs(
        &self,
        p: &Principal,
        input: &[PrefInput],
    ) -> Result<Vec<PrefView>> {
        let mut checked = Vec::new();
        for i in input {
            let Some(k) = kind(&i.event) else {
                return Err(AppError::invalid("event", msg!("reason.inbox.event")));
            };
            let c = if i.channel == "default" {
                None
            } else {
                match Channel::parse(&i.channel) {
                    Some(c) if c == k.default => None,
                    Some(c) => Some(c),
                    None => {
                        return Err(AppError::invalid("channel", msg!("reason.inbox.channel")));
                    }
                }
            };
            checked.push((k.event, c));
        }
        for (e, c) in checked {
            self.stores
                .inbox
                .set_pref(&p.user.id, e, c, self.now())
                .await?;
        }
        self.notification_prefs(p).await
    }
}

impl App {
    /// A plan version was submitted (to those who approve plans over the
    /// organisation), approved or returned (to its officers).
    pub(crate) async fn raise_plan_notice(
        &self,
        org: &zian_domain::Organisation,
        event: &'static str,
        plan: &str,
        version: impl std::fmt::Display,
    ) {
        let version = version.to_string();
        let title = |name: &str| match event {
            "plan.submitted" => msg!(
                "inbox.notice.plan_submitted",
                org = name,
                version = &version
            ),
            "plan.approved" => msg!("inbox.notice.plan_approved", org = name, version = &version),
            _ => msg!("inbox.notice.plan_returned", org = name, version = &version),
        };
        let en = if org.name_en.is_empty() {
            &org.name_zh
        } else {
            &org.name_en
        };
        let perm = if event == "plan.submitted" {
            Permission::PlanApprove
        } else {
            Permission::RecordWrite
        };
        let r = Raise {
            event,
            org: Some(org.id.clone()),
            title: title(&org.name_zh),
            title_en: Some(title(en)),
            link: Some(format!("/plans/{plan}")),
            dedupe_key: None,
        };
        self.raise_to_holders(&org.id, perm, &r).await;
    }

    /// Tells the administrators over a job's organisation that it is dead
    /// (every attempt failed).
    pub(crate) async fn raise_job_dead(&self, id: &str, kind: &str, org: Option<&OrgId>) {
        let r = Raise {
            event: "job.dead",
            org: org.cloned(),
            title: msg!("inbox.notice.job_dead", kind = kind),
            title_en: None,
            link: Some(format!("/admin/jobs/{id}")),
            dedupe_key: None,
        };
        self.raise_to_admins(org, &r).await;
    }
}

/// `inbox.digest`: the daily digest mail.
pub(crate) struct Digest;

#[async_trait]
impl JobHandler for Digest {
    async fn run(&self, cx: &JobContext) -> std::result::Result<(), String> {
        let n = cx.app.send_digests().await.map_err(|e| e.to_string())?;
        cx.progress(100, &format!("{n}")).await;
        Ok(())
    }
}
