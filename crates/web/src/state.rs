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
}

impl Default for WebConfig {
    fn default() -> Self {
        WebConfig {
            cookie_secure: false,
            max_body_bytes: 1024 * 1024,
        }
    }
}

#[derive(Clone)]
pub struct AppState {
    pub app: App,
    pub web: Arc<WebConfig>,
    pub metrics: Arc<Metrics>,
}

impl AppState {
    pub fn new(app: App, web: WebConfig) -> AppState {
        AppState {
            app,
            web: Arc::new(web),
            metrics: Arc::new(Metrics::default()),
        }
    }
}
