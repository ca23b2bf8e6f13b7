//! Shared state handed to every handler.

use std::sync::Arc;

use zian_app::App;

use crate::metrics::Metrics;

/// Web settings.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Send cookies with `Secure` (set when served over HTTPS, directly or
    /// behind a TLS-terminating reverse proxy).
    pub cookie_secure: bool,
    /// Largest request body accepted, bytes.
    pub max_body_bytes: usize,
    /// Evidence uploads read at once (each holds up to a 10 MiB file in
    /// memory); further uploads wait for a place before their body is read.
    pub max_concurrent_uploads: usize,
    /// Running as `zian demo`: the login page says that two-step
    /// verification is not required here.
    pub demo: bool,
}

impl Default for WebConfig {
    fn default() -> Self {
        WebConfig {
            cookie_secure: false,
            max_body_bytes: 1024 * 1024,
            max_concurrent_uploads: 4,
            demo: false,
        }
    }
}

#[derive(Clone)]
pub struct AppState {
    pub app: App,
    pub web: Arc<WebConfig>,
    pub metrics: Arc<Metrics>,
    /// The places of [`WebConfig::max_concurrent_uploads`].
    pub uploads: Arc<tokio::sync::Semaphore>,
    /// Refused page forms waiting to be written back into their page.
    pub refills: Arc<crate::refill::Refills>,
}

impl AppState {
    pub fn new(app: App, web: WebConfig) -> AppState {
        AppState {
            app,
            uploads: Arc::new(tokio::sync::Semaphore::new(
                web.max_concurrent_uploads.max(1),
            )),
            web: Arc::new(web),
            metrics: Arc::new(Metrics::default()),
            refills: Arc::default(),
        }
    }
}
