//! The LDAP / Active Directory client: finds the person's entry (with the
//! service account, or from a DN template), binds as them with the typed
//! password over StartTLS or LDAPS, and reads their groups (`memberOf`).
//! Plain LDAP is refused unless `allow_insecure` is set (never in
//! production: the password would cross the network in clear).

use std::sync::Arc;
use std::time::Duration;

use ldap3::{Ldap, LdapConnAsync, LdapConnSettings, LdapError, Scope, SearchEntry, ldap_escape};

use super::LdapConfig;

/// `invalidCredentials` (RFC 4511).
const RC_INVALID_CREDENTIALS: u32 = 49;
/// `noSuchObject`.
const RC_NO_SUCH_OBJECT: u32 = 32;

/// What the directory says about a person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirectoryPerson {
    /// The entry's DN, lower-cased (the stored subject).
    pub dn: String,
    pub display_name: String,
    pub email: String,
    /// Group DNs, lower-cased.
    pub groups: Vec<String>,
}

/// The answer to a sign-in attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Person(DirectoryPerson),
    /// The directory has no such person.
    NoSuchUser,
    /// The person exists and the password is wrong (or empty).
    BadPassword,
}

/// The directory could not be asked (down, TLS refused, misconfigured).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct Unavailable(pub String);

impl From<LdapError> for Unavailable {
    fn from(e: LdapError) -> Self {
        Unavailable(format!("LDAP: {e}"))
    }
}

/// A connection to the configured directory.
pub(crate) struct Client<'a> {
    cfg: &'a LdapConfig,
    tls: Option<Arc<rustls::ClientConfig>>,
}

impl<'a> Client<'a> {
    pub(crate) fn new(cfg: &'a LdapConfig, tls: Option<Arc<rustls::ClientConfig>>) -> Self {
        Client { cfg, tls }
    }

    async fn connect(&self) -> Result<Ldap, Unavailable> {
        let url = self.cfg.url.as_str();
        let ldaps = url.starts_with("ldaps://");
        if !ldaps && !url.starts_with("ldap://") {
            return Err(Unavailable(format!(
                "directory.ldap.url must start with ldap:// or ldaps://, not {url:?}"
            )));
        }
        let starttls = !ldaps && !self.cfg.allow_insecure;
        let mut settings = LdapConnSettings::new()
            .set_conn_timeout(Duration::from_secs(self.cfg.timeout_secs))
            .set_starttls(starttls);
        if let Some(tls) = &self.tls {
            settings = settings.set_config(tls.clone());
        }
        let (conn, mut ldap) = LdapConnAsync::with_settings(settings, url).await?;
        ldap3::drive!(conn);
        ldap.with_timeout(Duration::from_secs(self.cfg.timeout_secs));
        Ok(ldap)
    }

    fn attrs(&self) -> Vec<&str> {
        vec![
            self.cfg.name_attr.as_str(),
            self.cfg.mail_attr.as_str(),
            "memberOf",
        ]
    }

    fn person(&self, e: SearchEntry) -> DirectoryPerson {
        let first = |attr: &str| {
            e.attrs
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(attr))
                .and_then(|(_, v)| v.first().cloned())
                .unwrap_or_default()
        };
        let groups = e
            .attrs
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case("memberOf"))
            .flat_map(|(_, v)| v.iter().map(|g| normalise_dn(g)))
            .collect();
        DirectoryPerson {
            dn: normalise_dn(&e.dn),
            display_name: first(&self.cfg.name_attr),
            email: first(&self.cfg.mail_attr),
            groups,
        }
    }

    /// Binds with the service account named in the configuration (its
    /// password from the environment variable the configuration names).
    async fn service_bind(&self, ldap: &mut Ldap) -> Result<bool, Unavailable> {
        let Some(dn) = &self.cfg.bind_dn else {
            return Ok(false);
        };
        let password = match (&self.cfg.bind_password_env, &self.cfg.bind_password_file) {
            (Some(var), _) => std::env::var(var).unwrap_or_default(),
            (None, Some(path)) => std::fs::read_to_string(path)
                .map_err(|e| {
                    Unavailable(format!(
                        "directory.ldap.bind_password_file {}: {e}",
                        path.display()
                    ))
                })?
                .trim_end_matches(['\r', '\n'])
                .to_string(),
            (None, None) => String::new(),
        };
        if password.is_empty() {
            return Err(Unavailable(
                "directory.ldap: the service account's password is empty or not set".into(),
            ));
        }
        ldap.simple_bind(dn, &password)
            .await?
            .success()
            .map_err(|e| Unavailable(format!("service bind refused: {e}")))?;
        Ok(true)
    }

    /// Finds the entry for a user name with the service account.
    async fn find(
        &self,
        ldap: &mut Ldap,
        username: &str,
    ) -> Result<Option<SearchEntry>, Unavailable> {
        let filter = self
            .cfg
            .user_filter
            .replace("{username}", &ldap_escape(username));
        let (entries, _) = ldap
            .search(
                &self.cfg.user_base_dn,
                Scope::Subtree,
                &filter,
                self.attrs(),
            )
            .await?
            .success()?;
        if entries.len() > 1 {
            return Err(Unavailable(format!(
                "directory.ldap.user_filter matches {} entries for one user name",
                entries.len()
            )));
        }
        Ok(entries.into_iter().next().map(SearchEntry::construct))
    }

    /// Reads one entry by DN (`None` when it does not exist).
    async fn read(&self, ldap: &mut Ldap, dn: &str) -> Result<Option<SearchEntry>, Unavailable> {
        let r = ldap
            .search(dn, Scope::Base, "(objectClass=*)", self.attrs())
            .await?;
        if r.1.rc == RC_NO_SUCH_OBJECT {
            return Ok(None);
        }
        let (entries, _) = r.success()?;
        Ok(entries.into_iter().next().map(SearchEntry::construct))
    }

    /// Signs a person in: the entry is found, then bound to with the typed
    /// password; their groups are read as themselves.
    pub(crate) async fn authenticate(
        &self,
        username: &str,
        password: &str,
    ) -> Result<Verdict, Unavailable> {
        let mut ldap = self.connect().await?;
        let result = self.authenticate_on(&mut ldap, username, password).await;
        let _ = ldap.unbind().await;
        result
    }

    async fn authenticate_on(
        &self,
        ldap: &mut Ldap,
        username: &str,
        password: &str,
    ) -> Result<Verdict, Unavailable> {
        let dn = if self.service_bind(ldap).await? {
            match self.find(ldap, username).await? {
                Some(e) => e.dn,
                None => return Ok(Verdict::NoSuchUser),
            }
        } else if let Some(t) = &self.cfg.user_dn_template {
            t.replace("{username}", &ldap3::dn_escape(username))
        } else {
            return Err(Unavailable(
                "directory.ldap needs bind_dn or user_dn_template".into(),
            ));
        };
        // An empty password would be an unauthenticated bind, which the
        // server accepts whatever the account (RFC 4513 5.1.2).
        if password.is_empty() {
            return Ok(Verdict::BadPassword);
        }
        let r = ldap.simple_bind(&dn, password).await?;
        if r.rc == RC_INVALID_CREDENTIALS {
            // without a service account a missing entry looks the same
            return Ok(Verdict::BadPassword);
        }
        r.success()
            .map_err(|e| Unavailable(format!("user bind: {e}")))?;
        match self.read(ldap, &dn).await? {
            Some(e) => Ok(Verdict::Person(self.person(e))),
            None => Ok(Verdict::NoSuchUser),
        }
    }

    /// Whether each DN still names an entry (service account required).
    pub(crate) async fn exists(&self, dns: &[String]) -> Result<Vec<bool>, Unavailable> {
        let mut ldap = self.connect().await?;
        if !self.service_bind(&mut ldap).await? {
            let _ = ldap.unbind().await;
            return Err(Unavailable(
                "directory sync needs directory.ldap.bind_dn".into(),
            ));
        }
        let mut out = Vec::with_capacity(dns.len());
        for dn in dns {
            out.push(self.read(&mut ldap, dn).await?.is_some());
        }
        let _ = ldap.unbind().await;
        Ok(out)
    }
}

/// A DN as compared and stored: lower case, no spaces after separators.
pub fn normalise_dn(dn: &str) -> String {
    dn.split(',')
        .map(|rdn| {
            rdn.trim().split_once('=').map_or_else(
                || rdn.trim().to_string(),
                |(a, v)| format!("{}={}", a.trim(), v.trim()),
            )
        })
        .collect::<Vec<_>>()
        .join(",")
        .to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dns_compare_without_case_or_spaces() {
        assert_eq!(
            normalise_dn("CN=VANS-Officers, OU=Groups,DC=example, DC=tw"),
            "cn=vans-officers,ou=groups,dc=example,dc=tw"
        );
    }
}
