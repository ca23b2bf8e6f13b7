//! Sign-in through the agency's OpenID Connect provider: the authorization
//! code flow with PKCE (S256), by the `openidconnect` crate.
//!
//! [`App::oidc_start`] discovers the provider, makes a state, a nonce and a
//! PKCE verifier, keeps them on the server (`oidc_logins`, ten minutes, one
//! use) bound to a random cookie of the browser, and answers the provider's
//! authorization URL. [`App::oidc_finish`] takes the sign-in back by its
//! state (consuming it), checks the browser is the one that started it,
//! exchanges the code with the verifier, and has the crate validate the ID
//! token (signature against the provider's JWKS, `iss`, `aud`, `exp`,
//! `nonce`). What the token says then goes through the same account code as
//! LDAP ([`App::external_account`]): the identity is `(oidc, sub)`, the
//! groups claim maps to roles, the account is created on first sign-in.
//! The session starts as for a password; the TOTP step (and enrolment) is
//! waived only when the token asserts a second factor (`amr`/`acr` values
//! the configuration names).
//!
//! HTTP to the provider goes through hyper and rustls with the `ring`
//! provider ([`Http`]); no redirect is followed. The client secret is read
//! from the environment variable the configuration names and is never
//! logged.

use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Bytes;
use hyper_util::rt::TokioIo;
use openidconnect::core::{CoreAuthenticationFlow, CoreClient, CoreProviderMetadata};
use openidconnect::{
    AsyncHttpClient, AuthorizationCode, ClientId, ClientSecret, CsrfToken, HttpRequest,
    HttpResponse, IssuerUrl, Nonce, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl,
    RequestTokenError, Scope, TokenResponse,
};
use serde::{Deserialize, Serialize};
use tokio::io::{AsyncRead, AsyncWrite};
use zian_domain::RequestMeta;
use zian_storage::OidcPending;

use super::{External, GroupRole, Refused};
use crate::auth::LoginOutcome;
use crate::system::{random_token, sha256_hex};
use crate::{App, Result};

/// The provider name stored with OIDC identities and provider-granted roles.
pub const OIDC: &str = "oidc";

/// How long a started sign-in may take at the provider.
pub const PENDING_SECS: i64 = 600;

/// Largest answer read from the provider.
const MAX_BODY: usize = 1024 * 1024;

/// `[directory.oidc]`: the agency's OpenID Connect provider.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OidcConfig {
    /// The issuer, `https://sso.example.gov.tw/realms/agency` (discovery is
    /// read from `{issuer}/.well-known/openid-configuration`).
    pub issuer_url: String,
    pub client_id: String,
    /// The environment variable holding the client secret (never this
    /// file) — or the file holding it (`client_secret_file`, mode 0600,
    /// e.g. a systemd credential). Exactly one of the two.
    #[serde(default)]
    pub client_secret_env: Option<String>,
    #[serde(default)]
    pub client_secret_file: Option<PathBuf>,
    /// This platform's callback, registered at the provider:
    /// `https://zian.example.gov.tw/auth/oidc/callback`.
    pub redirect_url: String,
    /// Scopes besides `openid` (always asked).
    #[serde(default = "default_scopes")]
    pub scopes: Vec<String>,
    /// The claim listing the person's groups (a list of strings, or one).
    #[serde(default = "default_groups_claim")]
    pub groups_claim: String,
    /// The claim that becomes the user name on first sign-in (falls back
    /// to `email`).
    #[serde(default = "default_username_claim")]
    pub username_claim: String,
    /// `amr` values that mean the provider checked a second factor.
    #[serde(default = "default_mfa_amr")]
    pub mfa_amr: Vec<String>,
    /// `acr` values that mean the same.
    #[serde(default)]
    pub mfa_acr: Vec<String>,
    /// The CA certificate(s) of the provider's TLS certificate (PEM); the
    /// system's roots when absent.
    #[serde(default)]
    pub ca_file: Option<PathBuf>,
    /// Plain `http://` to the provider. Tests only.
    #[serde(default)]
    pub allow_insecure: bool,
    #[serde(default = "default_timeout")]
    pub timeout_secs: u64,
    /// The button on the login page; the catalogue's wording when unset.
    #[serde(default)]
    pub label_zh_tw: Option<String>,
    #[serde(default)]
    pub label_en: Option<String>,
    /// Group (a value of the groups claim, compared exactly) → role at an
    /// organisation (by code), as for LDAP.
    #[serde(default)]
    pub group_roles: Vec<GroupRole>,
}

fn default_scopes() -> Vec<String> {
    vec!["profile".into(), "email".into()]
}
fn default_groups_claim() -> String {
    "groups".into()
}
fn default_username_claim() -> String {
    "preferred_username".into()
}
fn default_mfa_amr() -> Vec<String> {
    vec!["mfa".into(), "otp".into()]
}
fn default_timeout() -> u64 {
    10
}

impl OidcConfig {
    pub(crate) fn validate(&self) -> std::result::Result<(), String> {
        let issuer = url::Url::parse(&self.issuer_url)
            .map_err(|e| format!("directory.oidc.issuer_url: {e}"))?;
        let redirect = url::Url::parse(&self.redirect_url)
            .map_err(|e| format!("directory.oidc.redirect_url: {e}"))?;
        if issuer.scheme() != "https" && !(self.allow_insecure && issuer.scheme() == "http") {
            return Err("directory.oidc.issuer_url must start with https://".into());
        }
        if !matches!(redirect.scheme(), "https" | "http")
            || !redirect.path().ends_with("/auth/oidc/callback")
        {
            return Err(
                "directory.oidc.redirect_url must be this server's …/auth/oidc/callback".into(),
            );
        }
        if self.client_id.trim().is_empty() {
            return Err("directory.oidc.client_id is empty".into());
        }
        match (&self.client_secret_env, &self.client_secret_file) {
            (Some(v), None) if !v.trim().is_empty() => {}
            (None, Some(_)) => {}
            _ => {
                return Err(
                    "directory.oidc needs one of client_secret_env or client_secret_file".into(),
                );
            }
        }
        if self.groups_claim.trim().is_empty() || self.username_claim.trim().is_empty() {
            return Err("directory.oidc.groups_claim and username_claim must name claims".into());
        }
        if !(1..=120).contains(&self.timeout_secs) {
            return Err("directory.oidc.timeout_secs must be 1 to 120".into());
        }
        if self.group_roles.is_empty() {
            return Err("directory.oidc.group_roles maps no group to a role".into());
        }
        Ok(())
    }
}

/// Why an OpenID Connect sign-in failed: each has a message on the login
/// page (`oidc.error.<code>`) and is audited as `login.failure`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OidcFailure {
    /// `[directory.oidc]` is not set.
    NotConfigured,
    /// The provider could not be reached, or answered nonsense.
    Unavailable,
    /// No sign-in in progress with this state for this browser.
    BadState,
    /// The sign-in took longer than ten minutes.
    Expired,
    /// The provider said no (the person cancelled, or is not allowed).
    Denied,
    /// The code exchange was refused or the ID token did not validate.
    TokenInvalid,
    /// The account is turned off or tied to another identity.
    Disabled,
    /// The account is locked after failed attempts.
    Locked,
    /// No group of the person maps to a role.
    NoRole,
    /// The user name is a local account's.
    UsernameTaken,
}

impl OidcFailure {
    pub const ALL: [OidcFailure; 10] = [
        OidcFailure::NotConfigured,
        OidcFailure::Unavailable,
        OidcFailure::BadState,
        OidcFailure::Expired,
        OidcFailure::Denied,
        OidcFailure::TokenInvalid,
        OidcFailure::Disabled,
        OidcFailure::Locked,
        OidcFailure::NoRole,
        OidcFailure::UsernameTaken,
    ];

    /// The short code (query parameter and catalogue key).
    pub fn code(self) -> &'static str {
        match self {
            OidcFailure::NotConfigured => "not_configured",
            OidcFailure::Unavailable => "unavailable",
            OidcFailure::BadState => "bad_state",
            OidcFailure::Expired => "expired",
            OidcFailure::Denied => "denied",
            OidcFailure::TokenInvalid => "token_invalid",
            OidcFailure::Disabled => "disabled",
            OidcFailure::Locked => "locked",
            OidcFailure::NoRole => "no_role",
            OidcFailure::UsernameTaken => "username_taken",
        }
    }

    pub fn from_code(code: &str) -> Option<OidcFailure> {
        Self::ALL.into_iter().find(|f| f.code() == code)
    }
}

/// A started sign-in: where to send the browser, and the value of the
/// cookie that binds the sign-in to it.
#[derive(Debug, Clone)]
pub struct OidcStart {
    pub authorize_url: String,
    pub browser_secret: String,
}

/// What the provider sent back to the callback.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct OidcCallback {
    pub code: Option<String>,
    pub state: Option<String>,
    pub error: Option<String>,
}

/// HTTP/1.1 to the provider over TCP, with TLS (rustls, ring) for
/// `https`; no redirect is followed; answers over 1 MiB are refused.
#[derive(Clone)]
pub(crate) struct Http {
    tls: Option<tokio_rustls::TlsConnector>,
    allow_http: bool,
    timeout: Duration,
}

/// The provider could not be asked (safe to log: no secret in it).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct HttpError(String);

impl Http {
    pub(crate) fn new(
        tls: Option<Arc<rustls::ClientConfig>>,
        allow_http: bool,
        timeout_secs: u64,
    ) -> Http {
        Http {
            tls: tls.map(tokio_rustls::TlsConnector::from),
            allow_http,
            timeout: Duration::from_secs(timeout_secs),
        }
    }

    async fn send(&self, req: HttpRequest) -> std::result::Result<HttpResponse, HttpError> {
        tokio::time::timeout(self.timeout, self.send_now(req))
            .await
            .map_err(|_| HttpError(format!("no answer within {} s", self.timeout.as_secs())))?
    }

    async fn send_now(&self, req: HttpRequest) -> std::result::Result<HttpResponse, HttpError> {
        let uri = req.uri().clone();
        let tls = match uri.scheme_str() {
            Some("https") => true,
            Some("http") if self.allow_http => false,
            _ => return Err(HttpError(format!("refused URL scheme: {uri}"))),
        };
        let host = uri
            .host()
            .ok_or_else(|| HttpError(format!("no host in {uri}")))?
            .to_string();
        let port = uri.port_u16().unwrap_or(if tls { 443 } else { 80 });
        let tcp = tokio::net::TcpStream::connect((host.trim_matches(['[', ']']), port))
            .await
            .map_err(|e| HttpError(format!("connect {host}:{port}: {e}")))?;
        if tls {
            let Some(connector) = &self.tls else {
                return Err(HttpError("TLS is not set up".into()));
            };
            let name = rustls::pki_types::ServerName::try_from(host.trim_matches(['[', ']']))
                .map_err(|e| HttpError(format!("TLS name {host:?}: {e}")))?
                .to_owned();
            let stream = connector
                .connect(name, tcp)
                .await
                .map_err(|e| HttpError(format!("TLS: {e}")))?;
            exchange(stream, req, &host, port, tls).await
        } else {
            exchange(tcp, req, &host, port, tls).await
        }
    }
}

async fn exchange<S>(
    io: S,
    req: HttpRequest,
    host: &str,
    port: u16,
    tls: bool,
) -> std::result::Result<HttpResponse, HttpError>
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(io))
        .await
        .map_err(|e| HttpError(format!("HTTP: {e}")))?;
    let driver = tokio::spawn(async move {
        let _ = conn.await;
    });
    let (mut parts, body) = req.into_parts();
    let path = parts
        .uri
        .path_and_query()
        .map_or("/", |p| p.as_str())
        .to_string();
    parts.uri = path
        .parse()
        .map_err(|e| HttpError(format!("request: {e}")))?;
    let default_port = if tls { 443 } else { 80 };
    let host_header = if port == default_port {
        host.to_string()
    } else {
        format!("{host}:{port}")
    };
    let host_value = hyper::header::HeaderValue::from_str(&host_header)
        .map_err(|e| HttpError(format!("request: {e}")))?;
    parts.headers.insert(hyper::header::HOST, host_value);
    let request = hyper::Request::from_parts(parts, Full::new(Bytes::from(body)));
    let result = async {
        let resp = sender
            .send_request(request)
            .await
            .map_err(|e| HttpError(format!("HTTP: {e}")))?;
        let (parts, body) = resp.into_parts();
        let bytes = Limited::new(body, MAX_BODY)
            .collect()
            .await
            .map_err(|e| HttpError(format!("HTTP body: {e}")))?
            .to_bytes();
        Ok(HttpResponse::from_parts(parts, bytes.to_vec()))
    }
    .await;
    driver.abort();
    result
}

impl<'c> AsyncHttpClient<'c> for Http {
    type Error = HttpError;
    type Future =
        Pin<Box<dyn Future<Output = std::result::Result<HttpResponse, HttpError>> + Send + 'c>>;

    fn call(&'c self, request: HttpRequest) -> Self::Future {
        Box::pin(self.send(request))
    }
}

/// The part of an ID token the platform reads, after the crate validated
/// it.
#[derive(Debug, Clone, Default)]
struct Asserted {
    subject: String,
    username: String,
    name: String,
    email: String,
    groups: Vec<String>,
    mfa: bool,
}

/// The payload of a compact JWS (its middle part), as JSON.
fn payload(jwt: &str) -> Option<serde_json::Value> {
    let middle = jwt.split('.').nth(1)?;
    let bytes = data_encoding::BASE64URL_NOPAD
        .decode(middle.trim_end_matches('=').as_bytes())
        .ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// A claim as a list of strings (a single string is a list of one).
fn strings(v: Option<&serde_json::Value>) -> Vec<String> {
    match v {
        Some(serde_json::Value::String(s)) => vec![s.clone()],
        Some(serde_json::Value::Array(a)) => a
            .iter()
            .filter_map(|x| x.as_str().map(str::to_string))
            .collect(),
        _ => Vec::new(),
    }
}

fn string(v: Option<&serde_json::Value>) -> String {
    v.and_then(serde_json::Value::as_str)
        .unwrap_or_default()
        .to_string()
}

fn read_claims(cfg: &OidcConfig, subject: &str, claims: &serde_json::Value) -> Asserted {
    let email = string(claims.get("email"));
    let mut username = string(claims.get(&cfg.username_claim));
    if username.trim().is_empty() {
        username.clone_from(&email);
    }
    let username: String = username.trim().to_lowercase().chars().take(64).collect();
    let amr = strings(claims.get("amr"));
    let acr = string(claims.get("acr"));
    let mfa = amr.iter().any(|a| cfg.mfa_amr.contains(a))
        || (!acr.is_empty() && cfg.mfa_acr.contains(&acr));
    Asserted {
        subject: subject.to_string(),
        username,
        name: string(claims.get("name")),
        email,
        groups: strings(claims.get(&cfg.groups_claim)),
        mfa,
    }
}

impl App {
    fn oidc_cfg(&self) -> Option<&OidcConfig> {
        self.directory.cfg.oidc.as_ref()
    }

    /// Whether sign-in through OpenID Connect is on, and the button's label
    /// in this language when the configuration sets one.
    pub fn oidc_button(&self, lang: &str) -> Option<Option<String>> {
        let c = self.oidc_cfg()?;
        Some(if lang == "en" {
            c.label_en.clone()
        } else {
            c.label_zh_tw.clone()
        })
    }

    fn oidc_http(&self) -> Option<(&OidcConfig, Http)> {
        let c = self.oidc_cfg()?;
        Some((
            c,
            Http::new(
                self.directory.oidc_tls.clone(),
                c.allow_insecure,
                c.timeout_secs,
            ),
        ))
    }

    /// The provider's metadata and a client for it. The secret comes from
    /// the environment at each use (a rotated secret needs no restart).
    async fn oidc_client(
        &self,
        c: &OidcConfig,
        http: &Http,
    ) -> std::result::Result<
        openidconnect::core::CoreClient<
            openidconnect::EndpointSet,
            openidconnect::EndpointNotSet,
            openidconnect::EndpointNotSet,
            openidconnect::EndpointNotSet,
            openidconnect::EndpointMaybeSet,
            openidconnect::EndpointMaybeSet,
        >,
        String,
    > {
        let issuer = IssuerUrl::new(c.issuer_url.clone()).map_err(|e| format!("issuer: {e}"))?;
        let meta = CoreProviderMetadata::discover_async(issuer, http)
            .await
            .map_err(|e| format!("discovery: {}", error_chain(&e)))?;
        let secret = match (&c.client_secret_env, &c.client_secret_file) {
            (Some(var), _) => std::env::var(var).unwrap_or_default(),
            (None, Some(path)) => std::fs::read_to_string(path)
                .map_err(|e| format!("directory.oidc.client_secret_file {}: {e}", path.display()))?
                .trim_end_matches(['\r', '\n'])
                .to_string(),
            (None, None) => String::new(),
        };
        if secret.is_empty() {
            return Err("directory.oidc: the client secret is empty or not set".into());
        }
        let redirect =
            RedirectUrl::new(c.redirect_url.clone()).map_err(|e| format!("redirect_url: {e}"))?;
        Ok(CoreClient::from_provider_metadata(
            meta,
            ClientId::new(c.client_id.clone()),
            Some(ClientSecret::new(secret)),
        )
        .set_redirect_uri(redirect))
    }

    async fn oidc_refused(
        &self,
        reason: &str,
        failure: OidcFailure,
        meta: &RequestMeta,
        now: i64,
    ) -> Result<std::result::Result<LoginOutcome, OidcFailure>> {
        let mut e = self.auth_event("login.failure", None, meta);
        e.details = serde_json::json!({"reason": reason, "via": OIDC});
        self.stores.audit.append(e, now).await?;
        Ok(Err(failure))
    }

    /// Starts a sign-in at the provider: `Err` when it is not configured or
    /// cannot be reached (audited).
    pub async fn oidc_start(
        &self,
        meta: &RequestMeta,
    ) -> Result<std::result::Result<OidcStart, OidcFailure>> {
        let now = self.now();
        let Some((c, http)) = self.oidc_http() else {
            return Ok(Err(OidcFailure::NotConfigured));
        };
        let client = match self.oidc_client(c, &http).await {
            Ok(client) => client,
            Err(err) => {
                tracing::warn!(error = %err, "OpenID Connect provider unavailable");
                let mut e = self.auth_event("login.failure", None, meta);
                e.details = serde_json::json!({"reason": "provider_unavailable", "via": OIDC});
                self.stores.audit.append(e, now).await?;
                return Ok(Err(OidcFailure::Unavailable));
            }
        };
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let mut req = client.authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        );
        for s in c.scopes.iter().filter(|s| s.as_str() != "openid") {
            req = req.add_scope(Scope::new(s.clone()));
        }
        let (url, state, nonce) = req.set_pkce_challenge(challenge).url();
        let browser_secret = random_token(32);
        self.directory
            .store
            .system_oidc_begin(
                &OidcPending {
                    state_hash: sha256_hex(state.secret()),
                    browser_hash: sha256_hex(&browser_secret),
                    nonce: nonce.secret().clone(),
                    pkce_verifier: verifier.secret().clone(),
                    created_at: now,
                    expires_at: now + PENDING_SECS,
                },
                now,
            )
            .await?;
        Ok(Ok(OidcStart {
            authorize_url: url.to_string(),
            browser_secret,
        }))
    }

    /// Finishes a sign-in the provider sent back: the state must be one
    /// this browser started less than ten minutes ago (it is used up here,
    /// whatever the outcome), the code is exchanged with its PKCE verifier,
    /// the ID token is validated, and the person gets their account and a
    /// session as after a password (the TOTP step pending unless the
    /// provider asserted a second factor). Every refusal is audited.
    pub async fn oidc_finish(
        &self,
        cb: &OidcCallback,
        browser_secret: Option<&str>,
        meta: &RequestMeta,
    ) -> Result<std::result::Result<LoginOutcome, OidcFailure>> {
        let now = self.now();
        let Some((c, http)) = self.oidc_http() else {
            return Ok(Err(OidcFailure::NotConfigured));
        };
        let pending = match cb
            .state
            .as_deref()
            .filter(|s| !s.is_empty() && s.len() <= 512)
        {
            Some(state) => {
                self.directory
                    .store
                    .system_oidc_take(&sha256_hex(state))
                    .await?
            }
            None => None,
        };
        let Some(pending) = pending else {
            return self
                .oidc_refused("unknown_state", OidcFailure::BadState, meta, now)
                .await;
        };
        // hashes of random values: comparing them leaks nothing useful
        let same_browser = browser_secret.is_some_and(|b| sha256_hex(b) == pending.browser_hash);
        if !same_browser {
            return self
                .oidc_refused("other_browser", OidcFailure::BadState, meta, now)
                .await;
        }
        if pending.expires_at <= now {
            return self
                .oidc_refused("state_expired", OidcFailure::Expired, meta, now)
                .await;
        }
        if let Some(err) = &cb.error {
            let mut e = self.auth_event("login.failure", None, meta);
            let err: String = err.chars().take(64).collect();
            e.details =
                serde_json::json!({"reason": "provider_refused", "error": err, "via": OIDC});
            self.stores.audit.append(e, now).await?;
            return Ok(Err(OidcFailure::Denied));
        }
        let Some(code) = cb.code.as_deref().filter(|c| !c.is_empty()) else {
            return self
                .oidc_refused("no_code", OidcFailure::BadState, meta, now)
                .await;
        };
        let client = match self.oidc_client(c, &http).await {
            Ok(client) => client,
            Err(err) => {
                tracing::warn!(error = %err, "OpenID Connect provider unavailable");
                return self
                    .oidc_refused("provider_unavailable", OidcFailure::Unavailable, meta, now)
                    .await;
            }
        };
        let request = match client.exchange_code(AuthorizationCode::new(code.to_string())) {
            Ok(r) => r,
            Err(err) => {
                tracing::warn!(error = %err, "OpenID Connect provider has no token endpoint");
                return self
                    .oidc_refused("provider_unavailable", OidcFailure::Unavailable, meta, now)
                    .await;
            }
        };
        let token = request
            .set_pkce_verifier(PkceCodeVerifier::new(pending.pkce_verifier.clone()))
            .request_async(&http)
            .await;
        let token = match token {
            Ok(t) => t,
            Err(RequestTokenError::ServerResponse(r)) => {
                let mut e = self.auth_event("login.failure", None, meta);
                e.details = serde_json::json!({"reason": "code_refused", "error": r.error().to_string(), "via": OIDC});
                self.stores.audit.append(e, now).await?;
                return Ok(Err(OidcFailure::TokenInvalid));
            }
            Err(err) => {
                tracing::warn!(error = %error_chain(&err), "OpenID Connect token request failed");
                return self
                    .oidc_refused("provider_unavailable", OidcFailure::Unavailable, meta, now)
                    .await;
            }
        };
        let Some(id_token) = token.id_token() else {
            return self
                .oidc_refused("no_id_token", OidcFailure::TokenInvalid, meta, now)
                .await;
        };
        let verifier = client.id_token_verifier();
        let subject = match id_token.claims(&verifier, &Nonce::new(pending.nonce.clone())) {
            Ok(claims) => claims.subject().to_string(),
            Err(err) => {
                let mut e = self.auth_event("login.failure", None, meta);
                e.details = serde_json::json!({"reason": "id_token_invalid", "error": err.to_string(), "via": OIDC});
                self.stores.audit.append(e, now).await?;
                return Ok(Err(OidcFailure::TokenInvalid));
            }
        };
        // the token validated: its payload is what the provider signed
        let Some(raw) = payload(&id_token.to_string()) else {
            return self
                .oidc_refused("id_token_invalid", OidcFailure::TokenInvalid, meta, now)
                .await;
        };
        let who = read_claims(c, &subject, &raw);
        self.oidc_account(c, who, meta, now).await
    }

    /// The account and session of a person the provider vouched for.
    async fn oidc_account(
        &self,
        c: &OidcConfig,
        who: Asserted,
        meta: &RequestMeta,
        now: i64,
    ) -> Result<std::result::Result<LoginOutcome, OidcFailure>> {
        let store = &self.directory.store;
        let local = match store.system_user_by_identity(OIDC, &who.subject).await? {
            Some(id) => self.auth.store.system_credentials(&id).await?,
            None => None,
        };
        if local.is_none() {
            if who.username.is_empty() {
                return self
                    .oidc_refused("no_username_claim", OidcFailure::TokenInvalid, meta, now)
                    .await;
            }
            // a local account (or another provider's) keeps its name: the
            // provider cannot take it over by asserting the same name
            if self
                .auth
                .store
                .system_credentials_by_username(&who.username)
                .await?
                .is_some()
            {
                let mut e = self.auth_event("login.failure", None, meta);
                e.details = serde_json::json!({"username": who.username, "reason": "username_taken", "via": OIDC});
                self.stores.audit.append(e, now).await?;
                return Ok(Err(OidcFailure::UsernameTaken));
            }
        }
        if let Some(cr) = &local
            && let Some(until) = cr.user.locked_until.filter(|u| *u > now)
        {
            let mut e = self.auth_event("login.locked", Some(cr), meta);
            e.details = serde_json::json!({"locked_until": until, "via": OIDC});
            self.stores.audit.append(e, now).await?;
            return Ok(Err(OidcFailure::Locked));
        }
        let grants = self
            .map_groups(&c.group_roles, |g| who.groups.iter().any(|x| x == g))
            .await?;
        let username = local
            .as_ref()
            .map_or_else(|| who.username.clone(), |l| l.user.username.clone());
        let external = External {
            provider: OIDC,
            subject: who.subject.clone(),
            username,
            display_name: who.name.clone(),
            email: who.email.clone(),
        };
        let creds = match self
            .external_account(&external, &grants, local, meta, now)
            .await?
        {
            Ok(creds) => creds,
            Err(Refused::NoMappedGroup) => return Ok(Err(OidcFailure::NoRole)),
            Err(Refused::Inactive | Refused::SubjectMismatch) => {
                return Ok(Err(OidcFailure::Disabled));
            }
        };
        Ok(Ok(self
            .start_session_with(&creds, meta, now, who.mfa)
            .await?))
    }
}

/// An error and its causes, on one line (no secret is in them: the crate's
/// errors carry URLs and messages, not the client secret).
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut cur = e.source();
    while let Some(c) = cur {
        out.push_str(": ");
        out.push_str(&c.to_string());
        cur = c.source();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg() -> OidcConfig {
        OidcConfig {
            issuer_url: "https://sso.example.gov.tw".into(),
            client_id: "zian".into(),
            client_secret_env: Some("ZIAN_OIDC_SECRET".into()),
            client_secret_file: None,
            redirect_url: "https://zian.example.gov.tw/auth/oidc/callback".into(),
            scopes: default_scopes(),
            groups_claim: "roles".into(),
            username_claim: default_username_claim(),
            mfa_amr: default_mfa_amr(),
            mfa_acr: vec!["urn:gov:tw:loa:3".into()],
            ca_file: None,
            allow_insecure: false,
            timeout_secs: 10,
            label_zh_tw: None,
            label_en: None,
            group_roles: vec![GroupRole {
                group: "g".into(),
                role: zian_domain::Role::Auditor,
                org: "ACS".into(),
            }],
        }
    }

    #[test]
    fn claims_are_read_from_the_configured_names() {
        let c = cfg();
        let a = read_claims(
            &c,
            "s1",
            &serde_json::json!({"preferred_username": "Chen", "email": "c@x.tw", "roles": "a", "amr": ["pwd"]}),
        );
        assert_eq!(
            (a.username.as_str(), a.groups.clone(), a.mfa),
            ("chen", vec!["a".to_string()], false)
        );
        let a = read_claims(
            &c,
            "s1",
            &serde_json::json!({"email": "c@x.tw", "acr": "urn:gov:tw:loa:3"}),
        );
        assert_eq!((a.username.as_str(), a.mfa), ("c@x.tw", true));
        let a = read_claims(&c, "s1", &serde_json::json!({"amr": ["pwd", "otp"]}));
        assert!(a.mfa);
    }

    #[test]
    fn settings_are_checked() {
        assert!(cfg().validate().is_ok());
        let mut c = cfg();
        c.issuer_url = "http://sso.example.gov.tw".into();
        assert!(c.validate().unwrap_err().contains("issuer_url"));
        c.allow_insecure = true;
        assert!(c.validate().is_ok());
        c.redirect_url = "https://zian.example.gov.tw/elsewhere".into();
        assert!(c.validate().unwrap_err().contains("redirect_url"));
        for f in OidcFailure::ALL {
            assert_eq!(OidcFailure::from_code(f.code()), Some(f));
        }
    }
}
