//! `zian feeds sync`: NVD CVE API 2.0 changes since the last run, over
//! HTTPS (rustls), into a directory of page files with a resumable state
//! (`zian_vuln::nvd_api::sync`).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use zian_vuln::nvd_api::sync::{SyncState, parse_since, sync_dir};
use zian_vuln::nvd_api::{NVD_CVE_API, NvdClient, SystemClock};

use crate::config::{Config, NvdConfig};
use crate::https::{Https, HttpsOptions};

/// The default environment variable of the API key.
pub const API_KEY_ENV: &str = "ZIAN_NVD_API_KEY";

/// Sub-directory of a feed store that receives the fetched pages.
pub const STORE_SPOOL: &str = "nvd-api";

#[derive(clap::Args, Debug)]
pub struct SyncArgs {
    /// Directory for the fetched pages and the sync state
    /// (`nvd-sync-state.json`).
    #[arg(long, conflicts_with = "store", required_unless_present = "store")]
    out: Option<PathBuf>,
    /// Feed store directory: the pages go to its `nvd-api/` sub-directory.
    #[arg(long)]
    store: Option<PathBuf>,
    /// First run only: fetch records modified since this date (YYYY-MM-DD,
    /// UTC) or date-time (RFC 3339). Later runs continue from the state.
    #[arg(long)]
    since: Option<String>,
    /// End of the sync (default: now); RFC 3339 or YYYY-MM-DD.
    #[arg(long)]
    until: Option<String>,
    /// The API's URL (default: the configuration's `[nvd] base_url`, else
    /// NVD's production endpoint).
    #[arg(long)]
    base_url: Option<String>,
    /// Trust only the CA certificate(s) of this PEM file (for a
    /// TLS-inspecting proxy).
    #[arg(long)]
    ca_file: Option<PathBuf>,
    /// Proxy URL (default: HTTPS_PROXY from the environment).
    #[arg(long)]
    proxy: Option<String>,
    /// Records per page (1–2000).
    #[arg(long, default_value_t = zian_vuln::nvd_api::MAX_PAGE)]
    page_size: u32,
    /// Attempts per request (retries on 403, 429, 5xx and transport errors).
    #[arg(long, default_value_t = 6)]
    attempts: u32,
    /// Whole-request timeout in seconds.
    #[arg(long, default_value_t = 300)]
    timeout_secs: u64,
}

/// The API key: shown as `***` by `Debug`, never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

impl ApiKey {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ApiKey(***)")
    }
}

/// The settings of one sync, resolved from flags, file and environment.
#[derive(Debug, Clone)]
pub struct SyncSettings {
    pub base_url: String,
    pub ca_file: Option<PathBuf>,
    pub proxy: Option<String>,
    pub api_key: Option<ApiKey>,
    /// The variable the key was read from (for messages).
    pub api_key_env: String,
}

impl SyncSettings {
    /// Flags first, then the `[nvd]` section, then defaults; the key from the
    /// environment variable the section names (default `ZIAN_NVD_API_KEY`).
    pub fn resolve(
        nvd: &NvdConfig,
        base_url: Option<&str>,
        ca_file: Option<&PathBuf>,
        proxy: Option<&str>,
        env: impl Fn(&str) -> Option<String>,
    ) -> SyncSettings {
        let api_key_env = nvd
            .api_key_env
            .clone()
            .unwrap_or_else(|| API_KEY_ENV.to_owned());
        SyncSettings {
            base_url: base_url
                .map(str::to_owned)
                .or_else(|| nvd.base_url.clone())
                .unwrap_or_else(|| NVD_CVE_API.to_owned()),
            ca_file: ca_file.cloned().or_else(|| nvd.ca_file.clone()),
            proxy: proxy.map(str::to_owned).or_else(|| nvd.proxy.clone()),
            api_key: env(&api_key_env)
                .map(|k| k.trim().to_owned())
                .filter(|k| !k.is_empty())
                .map(ApiKey),
            api_key_env,
        }
    }
}

pub fn run(a: SyncArgs, config: Option<&PathBuf>) -> anyhow::Result<ExitCode> {
    let cfg = Config::load(config)?;
    let s = SyncSettings::resolve(
        &cfg.nvd,
        a.base_url.as_deref(),
        a.ca_file.as_ref(),
        a.proxy.as_deref(),
        |name| std::env::var(name).ok(),
    );
    if !(s.base_url.starts_with("https://") || s.base_url.starts_with("http://")) {
        eprintln!(
            "zian feeds sync: --base-url must be an https:// URL, not {:?}",
            s.base_url
        );
        return Ok(ExitCode::from(2));
    }
    let dir = match (&a.out, &a.store) {
        (Some(o), _) => o.clone(),
        (None, Some(st)) => st.join(STORE_SPOOL),
        (None, None) => anyhow::bail!("give --out DIR or --store DIR"),
    };
    let since = match a.since.as_deref().map(parse_since).transpose() {
        Ok(v) => v,
        Err(e) => {
            eprintln!("zian feeds sync: --since: {e}");
            return Ok(ExitCode::from(2));
        }
    };
    let now = match a.until.as_deref().map(parse_since).transpose() {
        Ok(Some(t)) => t,
        Ok(None) => {
            use zian_domain::ports::Clock;
            zian_app::system::SystemClock.now()
        }
        Err(e) => {
            eprintln!("zian feeds sync: --until: {e}");
            return Ok(ExitCode::from(2));
        }
    };
    let previous = SyncState::load(&dir)?;
    if previous.is_none() && since.is_none() {
        eprintln!(
            "zian feeds sync: {} has no sync state yet: give --since YYYY-MM-DD for the first run",
            dir.display()
        );
        return Ok(ExitCode::from(2));
    }
    if previous.is_some() && since.is_some() {
        eprintln!(
            "zian feeds sync: --since ignored: {} continues from its state",
            dir.display()
        );
    }
    let http = Https::new(&HttpsOptions {
        ca_file: s.ca_file.as_deref(),
        proxy: s.proxy.as_deref(),
        timeout: std::time::Duration::from_secs(a.timeout_secs.max(1)),
        ..HttpsOptions::default()
    })?;
    let with_key = s.api_key.is_some();
    let mut client = NvdClient::new(
        http,
        SystemClock::default(),
        &s.base_url,
        s.api_key.as_ref().map(|k| k.expose().to_owned()),
    )
    .with_page_size(a.page_size)
    .with_max_attempts(a.attempts);
    eprintln!(
        "zian feeds sync: {} ({}; at most {} requests per 30 s)",
        s.base_url,
        if with_key {
            format!("API key from {}", s.api_key_env)
        } else {
            format!("no API key: set {} for higher limits", s.api_key_env)
        },
        client.rate_limit()
    );
    let out = sync_dir(&mut client, &dir, since, now)
        .with_context(|| format!("sync into {}", dir.display()))?;
    // With --store, the fetched pages go into the compiled store (newer
    // lastModified wins, so importing a page twice changes nothing). If the
    // import fails, the pages stay in the spool for `zian feeds import`.
    let mut imported = serde_json::Value::Null;
    if let (Some(store), false) = (&a.store, out.files.is_empty()) {
        let r = zian_vuln::store::Store::import(store, &out.files).with_context(|| {
            format!(
                "import into the store {} (the pages are kept in {}; retry with `zian feeds import --store {} {}`)",
                store.display(),
                dir.display(),
                store.display(),
                dir.display()
            )
        })?;
        imported = serde_json::json!({
            "store": store.display().to_string(),
            "records": r.manifest.records,
            "newest_last_modified": r.manifest.newest_last_modified,
        });
    }
    println!(
        "{}",
        serde_json::json!({
            "imported": imported,
            "dir": dir.display().to_string(),
            "from": out.from,
            "to": out.to,
            "resumed": out.resumed,
            "windows": out.windows,
            "pages": out.files.len(),
            "records": out.records,
            "retries": client.stats.retries,
            "files": out.files.iter().map(|f| f.display().to_string()).collect::<Vec<_>>(),
        })
    );
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_debug_redacts_the_api_key() {
        let nvd: NvdConfig = toml::from_str("api_key_env = \"AGENCY_NVD_KEY\"").expect("toml");
        let s = SyncSettings::resolve(&nvd, None, None, None, |n| {
            (n == "AGENCY_NVD_KEY").then(|| "s3cr3t-key-0123".to_owned())
        });
        assert_eq!(
            s.api_key.as_ref().map(ApiKey::expose),
            Some("s3cr3t-key-0123")
        );
        let shown = format!("{s:?} {s:#?}");
        assert!(!shown.contains("s3cr3t"), "{shown}");
        assert!(shown.contains("ApiKey(***)"), "{shown}");
        assert!(shown.contains("AGENCY_NVD_KEY"), "{shown}");
        assert_eq!(s.base_url, NVD_CVE_API);
        // Default variable; flags beat the file; an empty key is no key.
        let nvd: NvdConfig =
            toml::from_str("base_url = \"https://mirror.example/cves\"").expect("toml");
        let s = SyncSettings::resolve(&nvd, None, None, None, |n| {
            (n == API_KEY_ENV).then(|| "  ".to_owned())
        });
        assert!(s.api_key.is_none());
        assert_eq!(s.base_url, "https://mirror.example/cves");
        let s = SyncSettings::resolve(&nvd, Some("https://x/y"), None, None, |_| None);
        assert_eq!(s.base_url, "https://x/y");
        // The key is not a setting of the file.
        assert!(toml::from_str::<NvdConfig>("api_key = \"k\"").is_err());
    }
}
