//! A small OpenID Connect provider for the sign-in tests: a real HTTP
//! server on 127.0.0.1 with a discovery document, a JWKS holding an RSA key
//! generated when the process first needs one, an authorize endpoint that
//! approves the configured test person at once (it records the PKCE
//! challenge and the nonce) and a token endpoint that checks the client's
//! secret, the redirect URI and the PKCE verifier before it signs an ID
//! token (RS256) with the person's claims. Codes are single use.
//!
//! Knobs for the refusal tests: [`Provider::set_person`] changes who signs
//! in next (groups, `amr`), [`Provider::tamper_nonce`] makes the next ID
//! tokens carry another nonce, [`Provider::deny`] answers
//! `error=access_denied`.
//!
//! [`get`] is the test's browser: one HTTP/1.1 GET with the cookies given,
//! no redirect followed (the tests follow them by hand).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use axum::Form;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get as get_route, post};
use data_encoding::{BASE64, BASE64URL_NOPAD};
use http_body_util::{BodyExt, Empty};
use hyper::body::Bytes;
use hyper_util::rt::TokioIo;
use rsa::pkcs1v15::SigningKey;
use rsa::sha2::{Digest, Sha256};
use rsa::signature::{SignatureEncoding, Signer};
use rsa::traits::PublicKeyParts;
use rsa::{RsaPrivateKey, RsaPublicKey};
use serde::Deserialize;
use serde_json::{Value, json};

/// The client the platform is registered as.
pub const CLIENT_ID: &str = "zian-test";
pub const CLIENT_SECRET: &str = "oidc-client-secret-2026";
const KID: &str = "zian-test-key-1";

/// Who the provider signs in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub sub: String,
    pub preferred_username: String,
    pub name: String,
    pub email: String,
    pub groups: Vec<String>,
    pub amr: Vec<String>,
}

impl Person {
    pub fn new(sub: &str, username: &str, name: &str, groups: &[&str]) -> Person {
        Person {
            sub: sub.into(),
            preferred_username: username.into(),
            name: name.into(),
            email: format!("{username}@example.gov.tw"),
            groups: groups.iter().map(|g| (*g).to_string()).collect(),
            amr: vec!["pwd".into()],
        }
    }
}

struct Grant {
    redirect_uri: String,
    nonce: String,
    challenge: String,
    person: Person,
}

#[derive(Default)]
struct Inner {
    person: Option<Person>,
    codes: HashMap<String, Grant>,
    tamper_nonce: bool,
    deny: bool,
    /// How many codes were exchanged (for tests that check the platform
    /// got as far as the token endpoint).
    exchanged: usize,
}

struct Shared {
    issuer: String,
    inner: Mutex<Inner>,
}

impl Shared {
    fn with<T>(&self, f: impl FnOnce(&mut Inner) -> T) -> T {
        let mut g = match self.inner.lock() {
            Ok(g) => g,
            Err(p) => p.into_inner(),
        };
        f(&mut g)
    }
}

/// A running provider; stopped on drop.
pub struct Provider {
    /// `http://127.0.0.1:PORT` (the issuer).
    pub issuer: String,
    shared: Arc<Shared>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Provider {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// The signing key, made once per test process (RSA generation is slow).
fn key() -> &'static RsaPrivateKey {
    static KEY: OnceLock<RsaPrivateKey> = OnceLock::new();
    KEY.get_or_init(|| {
        let mut rng = rand_core::OsRng;
        RsaPrivateKey::new(&mut rng, 2048).expect("RSA key")
    })
}

fn random() -> String {
    let mut b = [0u8; 24];
    rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, &mut b);
    BASE64URL_NOPAD.encode(&b)
}

impl Provider {
    /// Starts the provider on a free loopback port.
    pub async fn start() -> Provider {
        let _ = key();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let issuer = format!("http://{}", listener.local_addr().expect("addr"));
        let shared = Arc::new(Shared {
            issuer: issuer.clone(),
            inner: Mutex::new(Inner::default()),
        });
        let app = Router::new()
            .route("/.well-known/openid-configuration", get_route(discovery))
            .route("/jwks", get_route(jwks))
            .route("/authorize", get_route(authorize))
            .route("/token", post(token))
            .with_state(shared.clone());
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Provider {
            issuer,
            shared,
            task,
        }
    }

    /// The person the next authorizations sign in.
    pub fn set_person(&self, p: Person) {
        self.shared.with(|i| i.person = Some(p));
    }

    /// ID tokens carry another nonce than the one asked for.
    pub fn tamper_nonce(&self, on: bool) {
        self.shared.with(|i| i.tamper_nonce = on);
    }

    /// The authorize endpoint refuses (`error=access_denied`).
    pub fn deny(&self, on: bool) {
        self.shared.with(|i| i.deny = on);
    }

    /// How many codes the token endpoint exchanged.
    pub fn exchanged(&self) -> usize {
        self.shared.with(|i| i.exchanged)
    }
}

async fn discovery(State(s): State<Arc<Shared>>) -> Response {
    let i = &s.issuer;
    axum::Json(json!({
        "issuer": i,
        "authorization_endpoint": format!("{i}/authorize"),
        "token_endpoint": format!("{i}/token"),
        "jwks_uri": format!("{i}/jwks"),
        "response_types_supported": ["code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "scopes_supported": ["openid", "profile", "email"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic"],
        "code_challenge_methods_supported": ["S256"],
        "claims_supported": ["sub", "name", "preferred_username", "email", "groups", "amr"],
    }))
    .into_response()
}

async fn jwks() -> Response {
    let public = RsaPublicKey::from(key());
    axum::Json(json!({"keys": [{
        "kty": "RSA",
        "use": "sig",
        "alg": "RS256",
        "kid": KID,
        "n": BASE64URL_NOPAD.encode(&public.n().to_bytes_be()),
        "e": BASE64URL_NOPAD.encode(&public.e().to_bytes_be()),
    }]}))
    .into_response()
}

fn bad(status: StatusCode, error: &str) -> Response {
    (status, axum::Json(json!({"error": error}))).into_response()
}

fn redirect(to: &str) -> Response {
    (StatusCode::FOUND, [(header::LOCATION, to.to_string())]).into_response()
}

fn with_query(base: &str, pairs: &[(&str, &str)]) -> String {
    let q = pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", crate::http::pct(v)))
        .collect::<Vec<_>>()
        .join("&");
    let sep = if base.contains('?') { '&' } else { '?' };
    format!("{base}{sep}{q}")
}

async fn authorize(
    State(s): State<Arc<Shared>>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let get = |k: &str| q.get(k).cloned().unwrap_or_default();
    if get("client_id") != CLIENT_ID {
        return bad(StatusCode::BAD_REQUEST, "unauthorized_client");
    }
    let redirect_uri = get("redirect_uri");
    if redirect_uri.is_empty() || get("response_type") != "code" {
        return bad(StatusCode::BAD_REQUEST, "invalid_request");
    }
    if !get("scope").split(' ').any(|x| x == "openid") {
        return bad(StatusCode::BAD_REQUEST, "invalid_scope");
    }
    let state = get("state");
    if s.with(|i| i.deny) {
        return redirect(&with_query(
            &redirect_uri,
            &[("error", "access_denied"), ("state", &state)],
        ));
    }
    if get("code_challenge_method") != "S256" || get("code_challenge").is_empty() {
        return bad(StatusCode::BAD_REQUEST, "invalid_request");
    }
    let Some(person) = s.with(|i| i.person.clone()) else {
        return bad(StatusCode::BAD_REQUEST, "login_required");
    };
    let code = random();
    s.with(|i| {
        i.codes.insert(
            code.clone(),
            Grant {
                redirect_uri: redirect_uri.clone(),
                nonce: get("nonce"),
                challenge: get("code_challenge"),
                person,
            },
        );
    });
    redirect(&with_query(
        &redirect_uri,
        &[("code", &code), ("state", &state)],
    ))
}

#[derive(Deserialize)]
struct TokenForm {
    grant_type: String,
    code: String,
    redirect_uri: String,
    code_verifier: Option<String>,
}

/// `Authorization: Basic` with the registered client (RFC 6749 2.3.1:
/// the id and secret are form-encoded before base64; ours need none).
fn client_ok(headers: &HeaderMap) -> bool {
    let Some(v) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let Some(b64) = v.strip_prefix("Basic ") else {
        return false;
    };
    BASE64
        .decode(b64.trim().as_bytes())
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .is_some_and(|pair| pair == format!("{CLIENT_ID}:{CLIENT_SECRET}"))
}

async fn token(
    State(s): State<Arc<Shared>>,
    headers: HeaderMap,
    form: Form<TokenForm>,
) -> Response {
    let f = form.0;
    if !client_ok(&headers) {
        return bad(StatusCode::UNAUTHORIZED, "invalid_client");
    }
    if f.grant_type != "authorization_code" {
        return bad(StatusCode::BAD_REQUEST, "unsupported_grant_type");
    }
    // a code is used once, whatever happens next
    let Some(g) = s.with(|i| i.codes.remove(&f.code)) else {
        return bad(StatusCode::BAD_REQUEST, "invalid_grant");
    };
    if g.redirect_uri != f.redirect_uri {
        return bad(StatusCode::BAD_REQUEST, "invalid_grant");
    }
    let verifier = f.code_verifier.unwrap_or_default();
    let computed = BASE64URL_NOPAD.encode(&Sha256::digest(verifier.as_bytes()));
    if verifier.is_empty() || computed != g.challenge {
        return bad(StatusCode::BAD_REQUEST, "invalid_grant");
    }
    let tamper = s.with(|i| {
        i.exchanged += 1;
        i.tamper_nonce
    });
    // the real time: the platform's token validation uses it too
    let now = zian_domain::ports::Clock::now(&zian_app::system::SystemClock).unix_timestamp();
    let p = &g.person;
    let claims = json!({
        "iss": s.issuer,
        "sub": p.sub,
        "aud": CLIENT_ID,
        "iat": now,
        "exp": now + 300,
        "nonce": if tamper { random() } else { g.nonce.clone() },
        "preferred_username": p.preferred_username,
        "name": p.name,
        "email": p.email,
        "groups": p.groups,
        "amr": p.amr,
    });
    axum::Json(json!({
        "access_token": random(),
        "token_type": "Bearer",
        "expires_in": 300,
        "id_token": sign(&claims),
    }))
    .into_response()
}

/// A compact JWS (RS256) of the claims.
pub fn sign(claims: &Value) -> String {
    let header = json!({"alg": "RS256", "typ": "JWT", "kid": KID});
    let input = format!(
        "{}.{}",
        BASE64URL_NOPAD.encode(header.to_string().as_bytes()),
        BASE64URL_NOPAD.encode(claims.to_string().as_bytes())
    );
    let signer = SigningKey::<Sha256>::new(key().clone());
    let sig = signer.sign(input.as_bytes()).to_bytes();
    format!("{input}.{}", BASE64URL_NOPAD.encode(&sig))
}

/// An answer to [`get`].
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: String,
}

impl Reply {
    pub fn location(&self) -> Option<&str> {
        self.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
    }

    /// The value of a cookie this answer sets (`None` when it sets none;
    /// `Some("")` when it clears it).
    pub fn set_cookie(&self, name: &str) -> Option<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(|c| {
                let (k, v) = c.split(';').next()?.split_once('=')?;
                (k == name).then(|| v.to_string())
            })
    }
}

/// One GET over real HTTP/1.1 (`http://host:port/path?query`) with these
/// cookies; redirects are not followed.
pub async fn get(url: &str, cookies: &[(&str, &str)]) -> Reply {
    let rest = url.strip_prefix("http://").expect("an http:// URL");
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let path = if path.is_empty() { "/" } else { path };
    let tcp = tokio::net::TcpStream::connect(authority)
        .await
        .expect("connect");
    let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(tcp))
        .await
        .expect("handshake");
    let driver = tokio::spawn(async move {
        let _ = conn.await;
    });
    let mut b = hyper::Request::get(path).header(header::HOST, authority);
    if !cookies.is_empty() {
        let c = cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ");
        b = b.header(header::COOKIE, c);
    }
    let resp = sender
        .send_request(b.body(Empty::<Bytes>::new()).expect("request"))
        .await
        .expect("response");
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let body = resp.into_body().collect().await.expect("body").to_bytes();
    driver.abort();
    Reply {
        status,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    }
}
