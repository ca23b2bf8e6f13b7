//! The real HTTP transport of the NVD API client: `ureq` over rustls (ring
//! provider; no C TLS library), injected into `zian_vuln::nvd_api`, which
//! stays free of network crates.
//!
//! * Trust: the Mozilla root store bundled with webpki-roots, or — for
//!   agencies behind a TLS-inspecting proxy — only the certificates of a CA
//!   file (`--ca-file`, PEM).
//! * Proxy: `--proxy URL`, else `HTTPS_PROXY`/`ALL_PROXY`/`HTTP_PROXY` from
//!   the environment (with `NO_PROXY`).
//! * Timeouts: connect and whole-request.
//! * Error statuses come back as responses (the client decides about
//!   retries); transport failures become `VulnError::Http` with the URL, never
//!   the headers (the API key travels in a header).

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use zian_vuln::VulnError;
use zian_vuln::nvd_api::{HttpGet, HttpResponse};

/// Largest response body accepted (an NVD page of 2,000 records is ~30 MB).
const BODY_LIMIT: u64 = 512 * 1024 * 1024;

/// Settings of the transport.
#[derive(Debug, Clone)]
pub struct HttpsOptions<'a> {
    /// Trust only the certificates in this PEM file.
    pub ca_file: Option<&'a Path>,
    /// Proxy URL; `None`: from the environment.
    pub proxy: Option<&'a str>,
    /// Connect timeout.
    pub connect_timeout: Duration,
    /// Whole-request timeout (headers and body).
    pub timeout: Duration,
}

impl Default for HttpsOptions<'_> {
    fn default() -> Self {
        HttpsOptions {
            ca_file: None,
            proxy: None,
            connect_timeout: Duration::from_secs(30),
            timeout: Duration::from_secs(300),
        }
    }
}

/// Blocking HTTPS GET with rustls.
pub struct Https {
    agent: ureq::Agent,
}

impl std::fmt::Debug for Https {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Https")
    }
}

impl Https {
    /// Build the agent; a bad CA file or proxy URL is a clear error.
    pub fn new(o: &HttpsOptions<'_>) -> anyhow::Result<Https> {
        let mut tls = ureq::tls::TlsConfig::builder();
        if let Some(ca) = o.ca_file {
            let pem = std::fs::read(ca)
                .map_err(|e| anyhow::anyhow!("--ca-file {}: {e}", ca.display()))?;
            let mut certs = Vec::new();
            for item in ureq::tls::parse_pem(&pem) {
                match item {
                    Ok(ureq::tls::PemItem::Certificate(c)) => certs.push(c),
                    Ok(_) => {}
                    Err(e) => anyhow::bail!("--ca-file {}: not valid PEM: {e}", ca.display()),
                }
            }
            if certs.is_empty() {
                anyhow::bail!(
                    "--ca-file {}: no CERTIFICATE block found (a PEM file is expected)",
                    ca.display()
                );
            }
            tls = tls.root_certs(ureq::tls::RootCerts::Specific(Arc::new(certs)));
        }
        let proxy = match o.proxy {
            Some(p) => {
                Some(ureq::Proxy::new(p).map_err(|e| anyhow::anyhow!("--proxy {p:?}: {e}"))?)
            }
            None => ureq::Proxy::try_from_env(),
        };
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_connect(Some(o.connect_timeout))
            .timeout_global(Some(o.timeout))
            .proxy(proxy)
            .tls_config(tls.build())
            .user_agent(concat!("zian/", env!("CARGO_PKG_VERSION")))
            .build()
            .into();
        Ok(Https { agent })
    }
}

/// The rustls error behind a transport error, if any (a failed handshake
/// comes back as an I/O error wrapping it).
fn tls_error(e: &ureq::Error) -> Option<&rustls::Error> {
    match e {
        ureq::Error::Rustls(r) => Some(r),
        ureq::Error::Io(io) => io.get_ref().and_then(|i| i.downcast_ref::<rustls::Error>()),
        _ => None,
    }
}

/// A transport error in words an operator can act on.
fn describe(e: &ureq::Error) -> String {
    match (tls_error(e), e) {
        (Some(rustls::Error::InvalidCertificate(c)), _) => format!(
            "TLS: the server's certificate is not trusted ({c:?}); if a proxy of the \
             agency inspects TLS, give its CA certificate with --ca-file"
        ),
        (Some(other), _) => format!("TLS: {other}"),
        (None, ureq::Error::Timeout(t)) => format!("timed out ({t})"),
        (None, other) => other.to_string(),
    }
}

impl HttpGet for Https {
    fn get(&self, url: &str, headers: &[(&str, &str)]) -> Result<HttpResponse, VulnError> {
        let err = |m: String| VulnError::Http {
            url: url.to_owned(),
            message: m,
        };
        let mut req = self.agent.get(url).header("Accept", "application/json");
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let mut resp = req.call().map_err(|e| err(describe(&e)))?;
        let status = resp.status().as_u16();
        let headers = resp
            .headers()
            .iter()
            .filter_map(|(k, v)| {
                Some((k.as_str().to_ascii_lowercase(), v.to_str().ok()?.to_owned()))
            })
            .collect();
        let body = resp
            .body_mut()
            .with_config()
            .limit(BODY_LIMIT)
            .read_to_vec()
            .map_err(|e| err(describe(&e)))?;
        Ok(HttpResponse {
            status,
            headers,
            body,
        })
    }
}
