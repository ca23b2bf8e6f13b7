//! The route registry: every route the server answers, with what the OpenAPI
//! document and the isolation tests need to know about it. The router is
//! built from this list, so nothing is served that is not listed.

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::Response;
use axum::routing::MethodRouter;
use schemars::{JsonSchema, Schema, SchemaGenerator};

use crate::error::{RequestLang, render_errors};
use crate::extract::anon_lang;
use crate::refill::{self, FormEcho, Refill};
use crate::state::AppState;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// No authentication (health, login form, static files, API docs).
    Public,
    /// JSON API; bearer token or session cookie.
    Api,
    /// HTML page; session cookie.
    Page,
}

pub type SchemaFn = fn(&mut SchemaGenerator) -> Schema;

pub struct Route {
    pub method: Method,
    pub path: &'static str,
    pub kind: Kind,
    pub tag: &'static str,
    pub summary: &'static str,
    pub request: Option<SchemaFn>,
    pub response: Option<SchemaFn>,
    /// Whether the route takes the common list parameters.
    pub list: bool,
    /// The list's own filters (query parameters besides the common ones).
    pub filters: &'static [&'static str],
    pub handler: MethodRouter<AppState>,
}

fn schema<T: JsonSchema>(g: &mut SchemaGenerator) -> Schema {
    g.subschema_for::<T>()
}

/// A route entry (see [`Route`]).
pub(crate) fn r(
    method: Method,
    path: &'static str,
    kind: Kind,
    tag: &'static str,
    summary: &'static str,
    handler: MethodRouter<AppState>,
) -> Route {
    Route {
        method,
        path,
        kind,
        tag,
        summary,
        request: None,
        response: None,
        list: false,
        filters: &[],
        handler,
    }
}

impl Route {
    pub(crate) fn req<T: JsonSchema>(mut self) -> Self {
        self.request = Some(schema::<T>);
        self
    }
    pub(crate) fn resp<T: JsonSchema>(mut self) -> Self {
        self.response = Some(schema::<T>);
        self
    }
    /// The route is a list taking the common list parameters and `filters`.
    pub(crate) fn listed(mut self, filters: &'static [&'static str]) -> Self {
        self.list = true;
        self.filters = filters;
        self
    }
}

/// Every route: each feature lists its own (API and pages), in the order
/// of the navigation.
pub fn routes() -> Vec<Route> {
    [
        crate::ops::routes(),
        crate::sessions::routes(),
        crate::account::routes(),
        crate::dashboard::routes(),
        crate::orgs::routes(),
        crate::users::routes(),
        crate::tokens::routes(),
        crate::audit::routes(),
        crate::compliance::routes(),
        crate::systems::routes(),
        crate::assets::routes(),
        crate::inventory::routes(),
        crate::vulns::routes(),
        crate::feeds::routes(),
        crate::risk::routes(),
        crate::plans::routes(),
        crate::evidence::routes(),
        crate::reminders::routes(),
        crate::webhooks::routes(),
        crate::jobs::routes(),
        crate::inbox::routes(),
        crate::incidents::routes(),
        crate::continuity::routes(),
        crate::corrective::routes(),
        crate::audits::routes(),
        crate::vendors::routes(),
        crate::training::routes(),
        crate::management_review::routes(),
        crate::implementation_report::routes(),
        crate::people_forms::routes(),
        crate::maturity::routes(),
        crate::intel::routes(),
        crate::threat_notices::routes(),
        crate::coverage::routes(),
        crate::documents::routes(),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// Body limit of the evidence upload routes: a 10 MiB file as base64 JSON
/// or as a multipart form.
pub const EVIDENCE_BODY_BYTES: usize = 15 * 1024 * 1024;

/// Body limit of the inventory and feed upload routes: a 64 MiB file as
/// base64 JSON or as a multipart form.
pub const INVENTORY_BODY_BYTES: usize = 88 * 1024 * 1024;

/// The application router with its middleware.
pub fn router(st: AppState) -> Router {
    let mut router: Router<AppState> = Router::new();
    for route in routes() {
        // evidence uploads take files (10 MiB, base64 in JSON); every other
        // route keeps the small configured limit
        let max = if route.path.ends_with("/evidence") {
            EVIDENCE_BODY_BYTES
        } else if route.path.ends_with("/inventory") || route.path.ends_with("/feeds/import") {
            INVENTORY_BODY_BYTES
        } else {
            st.web.max_body_bytes
        };
        let handler: MethodRouter<AppState> = route
            .handler
            .layer::<_, std::convert::Infallible>(tower_http::limit::RequestBodyLimitLayer::new(
                max,
            ))
            .layer(axum::extract::DefaultBodyLimit::max(max));
        router = router.route(route.path, handler);
    }
    router
        .fallback(crate::ops::not_found)
        .layer(axum::middleware::from_fn_with_state(st.clone(), common))
        .with_state(st)
}

/// Language, origin check, security headers and metrics for every request.
async fn common(State(st): State<AppState>, req: Request, next: Next) -> Response {
    let started = std::time::Instant::now();
    let kind = if req.uri().path().starts_with("/api/") {
        "api"
    } else {
        "page"
    };
    // unsafe cross-site requests are refused outright
    if !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS)
        && let Some(origin) = req
            .headers()
            .get(header::ORIGIN)
            .and_then(|v| v.to_str().ok())
    {
        let host = req
            .headers()
            .get(header::HOST)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let same = origin
            .split_once("://")
            .is_some_and(|(_, h)| h.trim_end_matches('/') == host);
        if !same {
            let resp = crate::error::ApiError(zian_app::AppError::Forbidden);
            let lang = anon_lang(&req.into_parts().0);
            return render_errors(axum::response::IntoResponse::into_response(resp), lang);
        }
    }
    let (mut parts, body) = req.into_parts();
    if let Some(addr) = crate::extract::ClientAddr::of(&parts, &st.app.cfg) {
        parts.extensions.insert(addr);
    }
    let lang = RequestLang::new(anon_lang(&parts));
    parts.extensions.insert(lang.clone());
    // a page form's fields are kept while it is handled, to be written back
    // into its page should it be refused (crate::refill)
    let echo = (kind == "page" && parts.method == Method::POST).then(FormEcho::default);
    if let Some(e) = &echo {
        parts.extensions.insert(e.clone());
    }
    let session =
        crate::cookies::cookie(&parts, crate::cookies::SESSION_COOKIE).map(str::to_string);
    let from_page = same_origin_referer(&parts);
    let action = parts.uri.path().to_string();
    let here = parts
        .uri
        .path_and_query()
        .map_or_else(|| action.clone(), |pq| pq.as_str().to_string());
    let page_get = kind == "page" && parts.method == Method::GET;
    let resp = next.run(Request::from_parts(parts, body)).await;
    let refused = match (&echo, &session, from_page) {
        (Some(echo), Some(token), Some(page)) => crate::error::page_error(&resp)
            .and_then(|e| refill::messages(&e, lang.get()))
            .filter(|errors| {
                refill::keep(
                    &st.refills,
                    token,
                    page.clone(),
                    action,
                    echo,
                    errors.clone(),
                    lang.get(),
                )
            })
            .map(|_| page),
        _ => None,
    };
    let mut resp = match refused {
        Some(page) => {
            axum::response::IntoResponse::into_response(axum::response::Redirect::to(&page))
        }
        None => render_errors(resp, lang.get()),
    };
    if page_get
        && resp.status() == axum::http::StatusCode::OK
        && let Some(token) = &session
        && is_html(&resp)
        && let Some(r) = refill::waiting(&st.refills, token, &here)
    {
        resp = write_back(resp, &r).await;
    }
    let h = resp.headers_mut();
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'"),
    );
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    st.metrics.observe(
        kind,
        resp.status().as_u16(),
        u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX),
    );
    resp
}

/// The path and query of the page a request came from, when it is one of
/// ours (same host); `None` otherwise.
fn same_origin_referer(parts: &axum::http::request::Parts) -> Option<String> {
    let referer = parts.headers.get(header::REFERER)?.to_str().ok()?;
    let host = parts.headers.get(header::HOST)?.to_str().ok()?;
    let (_, rest) = referer.split_once("://")?;
    let (h, path) = rest.split_at(rest.find('/')?);
    let path = path.split('#').next().unwrap_or(path);
    (h == host && path.starts_with('/') && !path.starts_with("//")).then(|| path.to_string())
}

fn is_html(resp: &Response) -> bool {
    resp.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"))
}

/// A page with a refused form written back into it.
async fn write_back(resp: Response, r: &Refill) -> Response {
    let (mut parts, body) = resp.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 16 * 1024 * 1024).await else {
        return Response::from_parts(parts, axum::body::Body::empty());
    };
    let html = match String::from_utf8(bytes.to_vec()) {
        Ok(html) => refill::apply(&html, r),
        Err(_) => return Response::from_parts(parts, axum::body::Body::from(bytes)),
    };
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, axum::body::Body::from(html))
}
