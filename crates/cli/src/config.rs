//! Configuration: defaults, then a TOML file, then `ZIAN_*` environment
//! variables, then command-line flags. Errors name the bad setting.

use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use serde::Deserialize;
use zian_app::AuthConfig;

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Where the SQLite database and backups live.
    pub data_dir: PathBuf,
    /// `sqlite://…` or `postgres://…`; default: SQLite in `data_dir`.
    pub database_url: Option<String>,
    /// Listen address.
    pub bind: String,
    /// Mark cookies `Secure` (set when users reach Zian over HTTPS).
    pub cookie_secure: bool,
    /// Log filter (tracing `EnvFilter` syntax).
    pub log: String,
    /// Evidence uploads read at once (each may hold a 10 MiB file in
    /// memory); more wait for a place before their body is read.
    pub max_concurrent_uploads: usize,
    pub auth: AuthConfig,
    pub audit: AuditConfig,
    pub nvd: NvdConfig,
    /// Background jobs (`[jobs]`).
    pub jobs: zian_app::jobs::JobsConfig,
    /// Outgoing mail (`[mail]`).
    pub mail: zian_app::mail::MailConfig,
    /// `[directory]`: sign-in through the agency's LDAP / Active Directory
    /// (`[directory.ldap]`) and OpenID Connect provider (`[directory.oidc]`:
    /// issuer, client id, the secret's environment variable or file, the
    /// redirect URL, scopes, the groups claim, the `amr`/`acr` values that
    /// count as a second factor, `group_roles`, the button's labels); each
    /// off unless set.
    pub directory: zian_app::directory::DirectoryConfig,
    /// Webhooks (`[webhooks]`): the SSRF guard's allowed blocks, the timeout.
    pub webhooks: zian_app::webhooks::WebhooksConfig,
    /// The vulnerability feed store (`[feeds]`).
    pub feeds: FeedsConfig,
    /// Official documents (`[documents]`).
    pub documents: DocumentsConfig,
}

/// `[documents]`: where PDF documents find their fonts.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DocumentsConfig {
    /// A directory of fonts (every face in it is used, searched three
    /// levels deep); default: Debian's `fonts-noto-cjk` collections.
    pub font_dir: Option<PathBuf>,
}

/// `[feeds]`: where the compiled vulnerability feed store lives (what
/// `zian feeds import --store` writes and findings are matched against).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FeedsConfig {
    /// Default: `<data_dir>/feeds`.
    pub store_dir: Option<PathBuf>,
    /// Days after which the store counts as stale (the feeds page warns and
    /// the administrators are told every morning). Default 8.
    pub stale_days: Option<i64>,
    /// Online deployments: the `feeds.sync` job fetches NVD's changes (the
    /// `[nvd]` section: URL, API key variable, CA file, proxy), the KEV
    /// catalogue and the EPSS scores every morning. Default off (air-gapped
    /// deployments import files on the feeds page or with `zian feeds
    /// import`).
    pub sync: bool,
    /// The KEV catalogue's URL (default CISA's); `""` skips it.
    pub kev_url: Option<String>,
    /// The EPSS scores' URL (default FIRST's current CSV); `""` skips it.
    pub epss_url: Option<String>,
    /// A first sync fetches the records modified in this many days (1–120,
    /// default 30); older ones come from an imported bundle.
    pub first_days: Option<i64>,
}

/// CISA's Known Exploited Vulnerabilities catalogue.
pub const KEV_URL: &str =
    "https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities.json";
/// FIRST's current EPSS scores.
pub const EPSS_URL: &str = "https://epss.cyentia.com/epss_scores-current.csv.gz";

impl FeedsConfig {
    /// A configured URL, the default when unset, none when set empty.
    pub fn url(set: Option<&String>, default: &str) -> Option<String> {
        match set.map(|s| s.trim()) {
            None => Some(default.to_string()),
            Some("") => None,
            Some(u) => Some(u.to_string()),
        }
    }
}

/// `zian feeds sync`: the NVD CVE API. The API key itself is never in the
/// file: `api_key_env` names the environment variable that holds it
/// (default `ZIAN_NVD_API_KEY`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NvdConfig {
    /// Environment variable holding the API key.
    pub api_key_env: Option<String>,
    /// The API's URL (default: NVD's production endpoint).
    pub base_url: Option<String>,
    /// Trust only the CA certificates of this PEM file (TLS-inspecting proxies).
    pub ca_file: Option<PathBuf>,
    /// Proxy URL (default: `HTTPS_PROXY` from the environment).
    pub proxy: Option<String>,
}

/// Anchoring the audit chain outside the database.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AuditConfig {
    /// The key that signs every audit entry: 64 hexadecimal digits in a file
    /// the database (and its administrators) cannot read. Default:
    /// `<data_dir>/audit.key`, created on first use. Back it up apart from
    /// the database: verification needs it.
    pub key_file: Option<PathBuf>,
    /// Where `zian serve` appends a signed checkpoint of the chain's head
    /// every `checkpoint_minutes` (one JSON line each); keep it on another
    /// disk or ship it elsewhere. `zian audit checkpoint` does the same on
    /// demand.
    pub checkpoint_file: Option<PathBuf>,
    pub checkpoint_minutes: u64,
}

impl Default for AuditConfig {
    fn default() -> Self {
        AuditConfig {
            key_file: None,
            checkpoint_file: None,
            checkpoint_minutes: 60,
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            data_dir: PathBuf::from("zian-data"),
            database_url: None,
            bind: "127.0.0.1:8080".into(),
            cookie_secure: false,
            log: "info".into(),
            max_concurrent_uploads: 4,
            auth: AuthConfig::default(),
            audit: AuditConfig::default(),
            nvd: NvdConfig::default(),
            jobs: zian_app::jobs::JobsConfig::default(),
            mail: zian_app::mail::MailConfig::default(),
            directory: zian_app::directory::DirectoryConfig::default(),
            webhooks: zian_app::webhooks::WebhooksConfig::default(),
            feeds: FeedsConfig::default(),
            documents: DocumentsConfig::default(),
        }
    }
}

impl Config {
    /// Loads the file (if any) and applies the environment.
    pub fn load(path: Option<&PathBuf>) -> Result<Config> {
        let file = path
            .cloned()
            .or_else(|| std::env::var_os("ZIAN_CONFIG").map(PathBuf::from))
            .or_else(|| {
                let p = PathBuf::from("zian.toml");
                p.exists().then_some(p)
            });
        let mut cfg = match &file {
            Some(p) => {
                let text = std::fs::read_to_string(p).with_context(|| {
                    format!("cannot read the configuration file {}", p.display())
                })?;
                toml::from_str::<Config>(&text)
                    .map_err(|e| anyhow::anyhow!("configuration file {}: {e}", p.display()))?
            }
            None => Config::default(),
        };
        if let Some(v) = env("ZIAN_DATA_DIR") {
            cfg.data_dir = PathBuf::from(v);
        }
        if let Some(v) = env("ZIAN_DATABASE_URL") {
            cfg.database_url = Some(v);
        }
        if let Some(v) = env("ZIAN_BIND") {
            cfg.bind = v;
        }
        if let Some(v) = env("ZIAN_COOKIE_SECURE") {
            cfg.cookie_secure = match v.as_str() {
                "1" | "true" | "yes" => true,
                "0" | "false" | "no" => false,
                _ => bail!("ZIAN_COOKIE_SECURE must be true or false, not {v:?}"),
            };
        }
        if let Some(v) = env("ZIAN_LOG") {
            cfg.log = v;
        }
        if let Some(v) = env("ZIAN_AUDIT_KEY_FILE") {
            cfg.audit.key_file = Some(PathBuf::from(v));
        }
        if let Some(v) = env("ZIAN_AUDIT_CHECKPOINT_FILE") {
            cfg.audit.checkpoint_file = Some(PathBuf::from(v));
        }
        if let Some(v) = env("ZIAN_TRUSTED_PROXIES") {
            cfg.auth.trusted_proxies = v
                .split(',')
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .map(str::to_string)
                .collect();
        }
        if let Some(v) = env("ZIAN_IDLE_TIMEOUT_SECS") {
            cfg.auth.idle_timeout_secs = v.parse().map_err(|_| {
                anyhow::anyhow!("ZIAN_IDLE_TIMEOUT_SECS must be a number of seconds, not {v:?}")
            })?;
        }
        Ok(cfg)
    }

    pub fn validate(&self) -> Result<()> {
        self.bind.parse::<std::net::SocketAddr>().map_err(|_| {
            anyhow::anyhow!(
                "bind: {:?} is not an address like 127.0.0.1:8080",
                self.bind
            )
        })?;
        if let Some(u) = &self.database_url
            && !(u.starts_with("sqlite:")
                || u.starts_with("postgres://")
                || u.starts_with("postgresql://"))
        {
            bail!("database_url must start with sqlite: or postgres://");
        }
        self.auth.validate().map_err(|e| anyhow::anyhow!(e))?;
        self.directory.validate().map_err(|e| anyhow::anyhow!(e))?;
        if !(1..=64).contains(&self.max_concurrent_uploads) {
            bail!("max_concurrent_uploads must be 1 to 64");
        }
        if self.audit.checkpoint_minutes == 0 {
            bail!("audit.checkpoint_minutes must be at least 1");
        }
        self.jobs.validate().map_err(|e| anyhow::anyhow!(e))?;
        self.mail.validate().map_err(|e| anyhow::anyhow!(e))?;
        self.webhooks.validate().map_err(|e| anyhow::anyhow!(e))?;
        if self
            .feeds
            .first_days
            .is_some_and(|d| !(1..=120).contains(&d))
        {
            bail!("feeds.first_days must be 1 to 120");
        }
        if self.feeds.stale_days.is_some_and(|d| d < 1) {
            bail!("feeds.stale_days must be at least 1");
        }
        for (name, url) in [
            ("feeds.kev_url", &self.feeds.kev_url),
            ("feeds.epss_url", &self.feeds.epss_url),
            ("nvd.base_url", &self.nvd.base_url),
        ] {
            if let Some(u) = url.as_deref().map(str::trim)
                && !u.is_empty()
                && !u.starts_with("https://")
            {
                bail!("{name} must be an https:// URL, not {u:?}");
            }
        }
        Ok(())
    }

    /// The feed store's directory: configured, else `<data_dir>/feeds`.
    pub fn feeds_store_dir(&self) -> PathBuf {
        self.feeds
            .store_dir
            .clone()
            .unwrap_or_else(|| self.data_dir.join("feeds"))
    }

    /// The audit key file: configured, else `<data_dir>/audit.key`.
    pub fn audit_key_file(&self) -> PathBuf {
        self.audit
            .key_file
            .clone()
            .unwrap_or_else(|| self.data_dir.join("audit.key"))
    }

    /// The database URL, creating the data directory for SQLite.
    pub fn database_url(&self) -> Result<String> {
        if let Some(u) = &self.database_url {
            return Ok(u.clone());
        }
        std::fs::create_dir_all(&self.data_dir)
            .with_context(|| format!("data_dir: cannot create {}", self.data_dir.display()))?;
        let abs = std::fs::canonicalize(&self.data_dir)
            .with_context(|| format!("data_dir: cannot resolve {}", self.data_dir.display()))?;
        Ok(format!(
            "sqlite://{}?mode=rwc",
            abs.join("zian.db").display()
        ))
    }
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_and_bad_settings_are_named() {
        let e = toml::from_str::<Config>("bnid = \"x\"")
            .unwrap_err()
            .to_string();
        assert!(e.contains("bnid"), "{e}");
        let e = toml::from_str::<Config>("[auth]\nidle_timeout_secs = \"x\"")
            .unwrap_err()
            .to_string();
        assert!(e.contains("idle_timeout_secs"), "{e}");
        let c = Config {
            bind: "nonsense".into(),
            ..Config::default()
        };
        assert!(c.validate().unwrap_err().to_string().contains("bind"));
        let mut c = Config::default();
        c.auth.password.min_length = 4;
        assert!(c.validate().unwrap_err().to_string().contains("min_length"));
        let c: Config = toml::from_str(
            "[auth]\ntrusted_proxies = [\"127.0.0.1/32\", \"10.0.0.0/8\"]\ntoken_default_days = 30",
        )
        .unwrap();
        assert!(c.validate().is_ok());
        assert_eq!(c.auth.token_default_days, 30);
        let c: Config = toml::from_str("[auth]\ntrusted_proxies = [\"proxy.local\"]").unwrap();
        let e = c.validate().unwrap_err().to_string();
        assert!(
            e.contains("trusted_proxies") && e.contains("proxy.local"),
            "{e}"
        );
    }

    #[test]
    fn directory_oidc_section() {
        let c: Config = toml::from_str(
            "[directory.oidc]\nissuer_url = \"https://sso.example.gov.tw/realms/agency\"\nclient_id = \"zian\"\nclient_secret_env = \"ZIAN_OIDC_SECRET\"\nredirect_url = \"https://zian.example.gov.tw/auth/oidc/callback\"\nmfa_acr = [\"urn:gov:tw:loa:3\"]\nlabel_zh_tw = \"使用本部單一登入\"\n\n[[directory.oidc.group_roles]]\ngroup = \"zian-officers\"\nrole = \"security_officer\"\norg = \"PIF-POL\"",
        )
        .unwrap();
        assert!(c.validate().is_ok(), "{:?}", c.validate());
        let o = c.directory.oidc.as_ref().unwrap();
        assert_eq!(o.groups_claim, "groups");
        assert_eq!(o.scopes, vec!["profile".to_string(), "email".into()]);
        // a secret in the file is not a setting
        let e = toml::from_str::<Config>(
            "[directory.oidc]\nissuer_url = \"https://x\"\nclient_id = \"z\"\nclient_secret = \"s\"\nredirect_url = \"https://z/auth/oidc/callback\"",
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("client_secret"), "{e}");
        let c: Config = toml::from_str(
            "[directory.oidc]\nissuer_url = \"http://sso.example.gov.tw\"\nclient_id = \"z\"\nclient_secret_env = \"S\"\nredirect_url = \"https://z/auth/oidc/callback\"\ngroup_roles = [{ group = \"g\", role = \"auditor\", org = \"ACS\" }]",
        )
        .unwrap();
        assert!(c.validate().unwrap_err().to_string().contains("issuer_url"));
    }

    #[test]
    fn jobs_and_mail_sections() {
        let c: Config = toml::from_str(
            "[jobs]\npoll_secs = 2\nschedules = [{ name = \"nightly\", cron = \"30 2 * * *\", kind = \"demo.sleep\", payload = { ms = 10 } }]\n\n[mail]\nenabled = true\nhost = \"smtp.example.gov.tw\"\nport = 465\nsecurity = \"tls\"\nusername_env = \"ZIAN_SMTP_USER\"\npassword_env = \"ZIAN_SMTP_PASSWORD\"\nfrom = \"資安通知 <noreply@example.gov.tw>\"",
        )
        .unwrap();
        assert!(c.validate().is_ok(), "{:?}", c.validate());
        assert_eq!(c.jobs.poll_secs, 2);
        assert_eq!(c.mail.security, zian_app::mail::Security::Tls);
        let e = toml::from_str::<Config>("[mail]\nsecurity = \"ssl\"")
            .unwrap_err()
            .to_string();
        assert!(e.contains("security") || e.contains("ssl"), "{e}");
        let c: Config = toml::from_str(
            "[jobs]\nschedules = [{ name = \"x\", cron = \"61 * * * *\", kind = \"demo.sleep\" }]",
        )
        .unwrap();
        assert!(c.validate().unwrap_err().to_string().contains("cron"));
        // the password is never in the file
        assert!(toml::from_str::<Config>("[mail]\npassword = \"x\"").is_err());
    }
}
