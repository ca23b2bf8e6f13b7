//! Sign-in through the agency's directory (LDAP / Active Directory).
//!
//! A directory-backed account has an identity (`user_identities`: provider
//! `ldap`, subject = the entry's DN) and no usable local password. Its login
//! runs through [`App::login`] like any other — the same throttles, lockout,
//! audit entries, session and TOTP rules — except that the password is
//! checked by binding to the directory as the person ([`ldap`]), over
//! StartTLS or LDAPS. On each sign-in the person's groups are mapped to roles
//! by configuration (`[[directory.ldap.group_roles]]`); roles granted that way
//! are marked with the provider, so the mapping never touches a role an
//! administrator granted by hand. A person seen for the first time is
//! created; one the directory no longer has is turned off, at sign-in and by
//! [`App::directory_sync_users`] (which a scheduled job calls).
//!
//! Local passwords keep working for accounts without an identity (the
//! break-glass administrator). TOTP stays required for the roles in
//! `auth.mfa_required_roles` whatever the sign-in method.

pub mod ldap;
pub mod oidc;

use std::path::PathBuf;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use zian_domain::Role;
use zian_domain::audit::AuditEvent;
use zian_domain::user::{Credentials, NewUser};
use zian_domain::{OrgId, RequestMeta, UserId};
use zian_storage::{DISABLED_DIRECTORY_REMOVED, DirectoryGrant, DirectoryStore, SqlStore};

use crate::{App, AppError, Result};

/// The provider name stored with LDAP identities and directory-granted roles.
pub const LDAP: &str = "ldap";

/// A password hash no password verifies against: directory accounts cannot
/// sign in with a local password.
const NO_LOCAL_PASSWORD: &str = "!directory";

/// `[directory]` in the configuration file. Off unless a provider is set.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DirectoryConfig {
    pub ldap: Option<LdapConfig>,
    /// `[directory.oidc]`: the agency's OpenID Connect provider.
    pub oidc: Option<oidc::OidcConfig>,
}

/// `[directory.ldap]`: the agency's LDAP server or Active Directory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LdapConfig {
    /// `ldap://host:389` (StartTLS is required) or `ldaps://host:636`.
    pub url: String,
    /// The CA certificate(s) that signed the server's certificate (PEM);
    /// the system's roots when absent.
    #[serde(default)]
    pub ca_file: Option<PathBuf>,
    /// Plain LDAP without TLS: passwords in clear. Tests only.
    #[serde(default)]
    pub allow_insecure: bool,
    /// The service account that finds people's entries
    /// (`cn=zian,ou=services,dc=example,dc=tw`); its password is read from
    /// the environment variable named by `bind_password_env`, never from
    /// this file — or from the file named by `bind_password_file` (mode
    /// 0600, e.g. a systemd credential). Needed for the periodic sync.
    #[serde(default)]
    pub bind_dn: Option<String>,
    #[serde(default)]
    pub bind_password_env: Option<String>,
    #[serde(default)]
    pub bind_password_file: Option<PathBuf>,
    /// Where people's entries are searched.
    #[serde(default)]
    pub user_base_dn: String,
    /// `{username}` is replaced by the escaped user name; Active Directory:
    /// `(sAMAccountName={username})`.
    #[serde(default = "default_user_filter")]
    pub user_filter: String,
    /// Without a service account: the DN to bind to,
    /// `uid={username},ou=people,dc=example,dc=tw`.
    #[serde(default)]
    pub user_dn_template: Option<String>,
    #[serde(default = "default_name_attr")]
    pub name_attr: String,
    #[serde(default = "default_mail_attr")]
    pub mail_attr: String,
    #[serde(default = "default_timeout")]
    pub timeout_secs: u64,
    /// Groups → roles at organisations (by code), e.g. `group =
    /// "cn=vans-officers,ou=groups,dc=example,dc=tw", role =
    /// "security_officer", org = "PIF-POL"`.
    #[serde(default)]
    pub group_roles: Vec<GroupRole>,
}

fn default_user_filter() -> String {
    "(uid={username})".into()
}
fn default_name_attr() -> String {
    "cn".into()
}
fn default_mail_attr() -> String {
    "mail".into()
}
fn default_timeout() -> u64 {
    10
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupRole {
    pub group: String,
    pub role: Role,
    pub org: String,
}

impl DirectoryConfig {
    /// Checks that the values make sense; names the bad setting.
    pub fn validate(&self) -> std::result::Result<(), String> {
        if let Some(o) = &self.oidc {
            o.validate()?;
        }
        let Some(l) = &self.ldap else {
            return Ok(());
        };
        if !(l.url.starts_with("ldap://") || l.url.starts_with("ldaps://")) {
            return Err("directory.ldap.url must start with ldap:// or ldaps://".into());
        }
        let secrets = usize::from(l.bind_password_env.is_some())
            + usize::from(l.bind_password_file.is_some());
        if l.bind_dn.is_some() && secrets != 1 {
            return Err(
                "directory.ldap.bind_dn needs one of bind_password_env or bind_password_file"
                    .into(),
            );
        }
        if l.bind_dn.is_none() && secrets != 0 {
            return Err(
                "directory.ldap.bind_password_env or bind_password_file without bind_dn".into(),
            );
        }
        if l.bind_dn.is_some() && !l.user_filter.contains("{username}") {
            return Err("directory.ldap.user_filter must contain {username}".into());
        }
        if l.bind_dn.is_some() && l.user_base_dn.is_empty() {
            return Err("directory.ldap.user_base_dn is needed with bind_dn".into());
        }
        if l.bind_dn.is_none()
            && !l
                .user_dn_template
                .as_deref()
                .is_some_and(|t| t.contains("{username}"))
        {
            return Err(
                "directory.ldap needs bind_dn or a user_dn_template containing {username}".into(),
            );
        }
        if !(1..=120).contains(&l.timeout_secs) {
            return Err("directory.ldap.timeout_secs must be 1 to 120".into());
        }
        if l.group_roles.is_empty() {
            return Err("directory.ldap.group_roles maps no group to a role".into());
        }
        Ok(())
    }
}

/// The directory as the application holds it.
#[derive(Clone)]
pub(crate) struct Directory {
    pub(crate) cfg: DirectoryConfig,
    pub(crate) store: Arc<dyn DirectoryStore>,
    tls: Option<Arc<rustls::ClientConfig>>,
    pub(crate) oidc_tls: Option<Arc<rustls::ClientConfig>>,
}

impl Directory {
    pub(crate) fn new(store: &SqlStore) -> Directory {
        Directory {
            cfg: DirectoryConfig::default(),
            store: Arc::new(store.clone()),
            tls: None,
            oidc_tls: None,
        }
    }

    fn ldap(&self) -> Option<(&LdapConfig, ldap::Client<'_>)> {
        let l = self.cfg.ldap.as_ref()?;
        Some((l, ldap::Client::new(l, self.tls.clone())))
    }
}

/// The TLS settings for the directory: the configured CA, or the system's
/// roots; the `ring` provider.
fn tls_config(
    ca_file: Option<&std::path::Path>,
    what: &str,
) -> std::result::Result<Arc<rustls::ClientConfig>, String> {
    use rustls::pki_types::CertificateDer;
    use rustls::pki_types::pem::PemObject;
    let mut roots = rustls::RootCertStore::empty();
    match ca_file {
        Some(path) => {
            let certs = CertificateDer::pem_file_iter(path)
                .map_err(|e| format!("{what}.ca_file {}: {e}", path.display()))?;
            for c in certs {
                let c = c.map_err(|e| format!("{what}.ca_file {}: {e}", path.display()))?;
                roots
                    .add(c)
                    .map_err(|e| format!("{what}.ca_file {}: {e}", path.display()))?;
            }
        }
        None => {
            let found = rustls_native_roots();
            for c in found {
                let _ = roots.add(c);
            }
        }
    }
    if roots.is_empty() {
        return Err(format!(
            "{what}: no CA certificate to verify the server with"
        ));
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let cfg = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("{what} TLS: {e}"))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(Arc::new(cfg))
}

/// The system's CA certificates (Debian's bundle), when present.
fn rustls_native_roots() -> Vec<rustls::pki_types::CertificateDer<'static>> {
    use rustls::pki_types::CertificateDer;
    use rustls::pki_types::pem::PemObject;
    CertificateDer::pem_file_iter("/etc/ssl/certs/ca-certificates.crt")
        .map(|it| it.filter_map(std::result::Result::ok).collect())
        .unwrap_or_default()
}

/// A person a provider vouched for, as [`App::external_account`] takes
/// them.
#[derive(Debug, Clone)]
pub(crate) struct External {
    pub provider: &'static str,
    /// The provider's name for the person (LDAP: the DN; OIDC: `sub`).
    pub subject: String,
    /// The user name on the platform (lower case).
    pub username: String,
    pub display_name: String,
    pub email: String,
}

/// Why [`App::external_account`] gave no account (already audited).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refused {
    /// The account is tied to another identity.
    SubjectMismatch,
    /// Turned off by an administrator (or gone).
    Inactive,
    /// No group of the person maps to a role.
    NoMappedGroup,
}

/// What [`App::directory_sync_users`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SyncReport {
    pub checked: usize,
    pub disabled: Vec<String>,
}

impl App {
    /// Turns sign-in through the directory on (the configuration's
    /// `[directory]`); fails with the bad setting named.
    pub fn with_directory(mut self, cfg: DirectoryConfig) -> std::result::Result<App, String> {
        cfg.validate()?;
        let tls = match &cfg.ldap {
            Some(l) if !l.allow_insecure || l.url.starts_with("ldaps://") => {
                Some(tls_config(l.ca_file.as_deref(), "directory.ldap")?)
            }
            _ => None,
        };
        let oidc_tls = match &cfg.oidc {
            Some(o) if o.issuer_url.starts_with("https://") => {
                Some(tls_config(o.ca_file.as_deref(), "directory.oidc")?)
            }
            _ => None,
        };
        let mut d = (*self.directory).clone();
        d.cfg = cfg;
        d.tls = tls;
        d.oidc_tls = oidc_tls;
        self.directory = Arc::new(d);
        Ok(self)
    }

    /// Whether the login of `local` (or of an unknown name) goes to the
    /// directory: LDAP is configured, and the account is directory-backed
    /// or does not exist locally.
    pub(crate) async fn goes_to_directory(&self, local: Option<&Credentials>) -> Result<bool> {
        if self.directory.cfg.ldap.is_none() {
            return Ok(false);
        }
        Ok(match local {
            None => true,
            Some(c) => self
                .directory
                .store
                .system_directory_account(&c.user.id)
                .await?
                .is_some(),
        })
    }

    /// The password step for a directory account: the directory checks the
    /// password, the groups become roles, the account is created, re-enabled
    /// or disabled as the directory says. Returns the credentials to start
    /// the session with; every refusal is `InvalidCredentials` (counted and
    /// audited as for local accounts).
    pub(crate) async fn directory_login(
        &self,
        username: &str,
        password: &str,
        local: Option<Credentials>,
        meta: &RequestMeta,
        now: i64,
        account_key: &str,
    ) -> Result<Credentials> {
        let window = self.cfg.throttle_window_secs;
        let Some((lcfg, client)) = self.directory.ldap() else {
            return Err(AppError::InvalidCredentials);
        };
        let refuse = |app: &App| {
            app.auth.throttle.count(account_key, now, window);
            AppError::InvalidCredentials
        };
        // A locked account is refused before the directory is asked, so
        // guessing here cannot lock the person out of the directory too.
        if let Some(c) = &local
            && let Some(until) = c.user.locked_until.filter(|u| *u > now)
        {
            let mut e = self.auth_event("login.locked", Some(c), meta);
            e.details = serde_json::json!({"locked_until": until, "via": LDAP});
            self.stores.audit.append(e, now).await?;
            return Err(refuse(self));
        }
        let verdict = match client.authenticate(username, password).await {
            Ok(v) => v,
            Err(err) => {
                tracing::warn!(error = %err, "directory unavailable at sign-in");
                let mut e = self.auth_event("login.failure", local.as_ref(), meta);
                e.details = serde_json::json!({"username": username, "reason": "directory_unavailable", "via": LDAP});
                self.stores.audit.append(e, now).await?;
                return Err(AppError::Internal(format!("directory unavailable: {err}")));
            }
        };
        let person = match verdict {
            ldap::Verdict::Person(p) => p,
            ldap::Verdict::NoSuchUser => {
                match &local {
                    Some(c) => {
                        if c.user.active {
                            self.disable_directory_user(
                                &c.user.id,
                                &c.user.username,
                                &c.user.home_org_id,
                                now,
                            )
                            .await?;
                        }
                        self.record_failure(c, now, meta, "not_in_directory")
                            .await?;
                    }
                    None => self.unknown_user(username, meta, now).await?,
                }
                return Err(refuse(self));
            }
            ldap::Verdict::BadPassword => {
                match &local {
                    Some(c) => self.record_failure(c, now, meta, "bad_password").await?,
                    None => self.unknown_user(username, meta, now).await?,
                }
                return Err(refuse(self));
            }
        };
        let grants = self
            .map_groups(&lcfg.group_roles, |g| {
                person.groups.contains(&ldap::normalise_dn(g))
            })
            .await?;
        let who = External {
            provider: LDAP,
            subject: person.dn.clone(),
            username: username.to_string(),
            display_name: person.display_name.clone(),
            email: person.email.clone(),
        };
        match self
            .external_account(&who, &grants, local, meta, now)
            .await?
        {
            Ok(c) => Ok(c),
            Err(_) => Err(refuse(self)),
        }
    }

    /// The account of a person a provider vouched for (the directory
    /// checked the password, or the OpenID Connect provider signed an ID
    /// token): shared by every provider. `local` is the account already tied
    /// to the person (LDAP: by user name, OIDC: by subject). Checks the
    /// account is the provider's and on, creates it on first sign-in, makes
    /// the provider-granted roles exactly `grants` (hand-granted roles stay),
    /// and restarts the local password clock. Every refusal is audited
    /// (`login.failure` with the reason and the provider); none counts
    /// toward the throttle, which is the caller's business.
    pub(crate) async fn external_account(
        &self,
        who: &External,
        grants: &[DirectoryGrant],
        local: Option<Credentials>,
        meta: &RequestMeta,
        now: i64,
    ) -> Result<std::result::Result<Credentials, Refused>> {
        let provider = who.provider;
        let username = who.username.as_str();
        let user_id = match &local {
            Some(c) => {
                let account = self
                    .directory
                    .store
                    .system_directory_account(&c.user.id)
                    .await?;
                if account
                    .as_ref()
                    .is_some_and(|a| a.subject != who.subject || a.provider != provider)
                {
                    self.record_failure(c, now, meta, "directory_subject_mismatch")
                        .await?;
                    return Ok(Err(Refused::SubjectMismatch));
                }
                if !c.user.active {
                    let ours = account.as_ref().and_then(|a| a.disabled_reason.as_deref())
                        == Some(DISABLED_DIRECTORY_REMOVED);
                    if !ours || grants.is_empty() {
                        self.record_failure(c, now, meta, "inactive").await?;
                        return Ok(Err(Refused::Inactive));
                    }
                    let mut e = self.auth_event("directory.user_enabled", Some(c), meta);
                    e.details = serde_json::json!({"provider": provider});
                    self.directory
                        .store
                        .system_set_directory_active(&c.user.id, true, e, now)
                        .await?;
                }
                c.user.id.clone()
            }
            None => {
                let Some(first) = grants.first() else {
                    // nobody without a mapped group gets an account
                    let mut e = self.auth_event("login.failure", None, meta);
                    e.details = serde_json::json!({"username": username, "reason": "no_mapped_group", "via": provider});
                    self.stores.audit.append(e, now).await?;
                    return Ok(Err(Refused::NoMappedGroup));
                };
                let id = UserId::from(self.ids.new_id());
                let display = if who.display_name.trim().is_empty() {
                    username.to_string()
                } else {
                    who.display_name.clone()
                };
                let u = NewUser {
                    id: id.clone(),
                    username: username.to_string(),
                    display_name: display,
                    email: who.email.clone(),
                    home_org_id: first.org_id.clone(),
                    password_hash: NO_LOCAL_PASSWORD.into(),
                    must_change_password: false,
                    locale: "zh-TW".into(),
                    now,
                };
                let mut e = AuditEvent::new("directory.user_created");
                e.actor_user_id = Some(id.to_string());
                e.org_id = Some(first.org_id.to_string());
                e.ip.clone_from(&meta.ip);
                e.details = serde_json::json!({"provider": provider, "username": username, "subject": who.subject});
                self.directory
                    .store
                    .system_create_directory_user(&u, provider, &who.subject, e)
                    .await?;
                id
            }
        };
        let mut e = AuditEvent::new("directory.roles_synced");
        e.actor_user_id = Some(user_id.to_string());
        e.org_id = local
            .as_ref()
            .map(|c| c.user.home_org_id.to_string())
            .or_else(|| grants.first().map(|g| g.org_id.to_string()));
        e.ip.clone_from(&meta.ip);
        self.directory
            .store
            .system_sync_directory_roles(&user_id, provider, grants, e, now)
            .await?;
        if grants.is_empty() {
            // the provider grants nothing any more: no session
            if let Some(c) = &local {
                self.record_failure(c, now, meta, "no_mapped_group").await?;
            }
            return Ok(Err(Refused::NoMappedGroup));
        }
        let name = if who.display_name.trim().is_empty() {
            username
        } else {
            who.display_name.as_str()
        };
        self.directory
            .store
            .system_directory_login(&user_id, name, &who.email, now)
            .await?;
        Ok(self
            .auth
            .store
            .system_credentials(&user_id)
            .await?
            .ok_or(Refused::Inactive))
    }

    async fn unknown_user(&self, username: &str, meta: &RequestMeta, now: i64) -> Result<()> {
        let mut e = self.auth_event("login.failure", None, meta);
        e.details =
            serde_json::json!({"username": username, "reason": "unknown_user", "via": LDAP});
        self.stores.audit.append(e, now).await?;
        Ok(())
    }

    /// The roles the configuration gives for the groups the person is in
    /// (`member` says whether a configured group is one of them); a mapping
    /// whose organisation code is unknown is skipped with a warning. The
    /// same for every provider.
    pub(crate) async fn map_groups(
        &self,
        mapping: &[GroupRole],
        member: impl Fn(&str) -> bool,
    ) -> Result<Vec<DirectoryGrant>> {
        let mut out: Vec<DirectoryGrant> = Vec::new();
        for m in mapping {
            if !member(&m.group) {
                continue;
            }
            let Some(org_id) = self.directory.store.system_org_by_code(&m.org).await? else {
                tracing::warn!(org = %m.org, "directory group_roles names an unknown organisation code");
                continue;
            };
            if !out.iter().any(|g| g.org_id == org_id && g.role == m.role) {
                out.push(DirectoryGrant {
                    id: self.ids.new_id(),
                    org_id,
                    role: m.role,
                });
            }
        }
        Ok(out)
    }

    async fn disable_directory_user(
        &self,
        id: &UserId,
        username: &str,
        org: &OrgId,
        now: i64,
    ) -> Result<()> {
        let mut e = AuditEvent::new("directory.user_disabled");
        e.actor_user_id = Some(id.to_string());
        e.org_id = Some(org.to_string());
        e.details = serde_json::json!({"provider": LDAP, "username": username, "reason": DISABLED_DIRECTORY_REMOVED});
        self.directory
            .store
            .system_set_directory_active(id, false, e, now)
            .await?;
        Ok(())
    }

    /// Turns off every active LDAP account whose entry the directory no
    /// longer has (sessions end, tokens are revoked); a scheduled job calls
    /// it. Needs the service account. Does nothing when LDAP is off.
    pub async fn directory_sync_users(&self) -> Result<SyncReport> {
        let Some((_, client)) = self.directory.ldap() else {
            return Ok(SyncReport::default());
        };
        let now = self.now();
        let accounts: Vec<_> = self
            .directory
            .store
            .system_directory_accounts(LDAP)
            .await?
            .into_iter()
            .filter(|a| a.active)
            .collect();
        let dns: Vec<String> = accounts.iter().map(|a| a.subject.clone()).collect();
        let exists = client
            .exists(&dns)
            .await
            .map_err(|e| AppError::Internal(format!("directory unavailable: {e}")))?;
        let mut report = SyncReport {
            checked: accounts.len(),
            disabled: Vec::new(),
        };
        for (a, there) in accounts.iter().zip(exists) {
            if !there {
                self.disable_directory_user(&a.user_id, &a.username, &a.home_org_id, now)
                    .await?;
                report.disabled.push(a.username.clone());
            }
        }
        Ok(report)
    }
}

/// `directory.sync`: turns off the accounts whose directory entries are gone
/// (scheduled nightly; nothing to do when LDAP is off).
pub const KIND_SYNC: &str = "directory.sync";

pub(crate) struct SyncJob;

#[async_trait::async_trait]
impl crate::jobs::JobHandler for SyncJob {
    async fn run(&self, cx: &crate::jobs::JobContext) -> std::result::Result<(), String> {
        let r = cx
            .app
            .directory_sync_users()
            .await
            .map_err(|e| e.to_string())?;
        cx.progress(
            100,
            &format!("checked {}, disabled {}", r.checked, r.disabled.len()),
        )
        .await;
        Ok(())
    }
}
