//! The OpenAPI 3.1 document, generated from the route registry and the DTO
//! schemas, and an offline HTML rendering of it.

use axum::response::{Html, IntoResponse};
use schemars::generate::SchemaSettings;
use serde_json::{Map, Value, json};

use crate::routes::{Kind, routes};

pub fn document() -> Value {
    let mut g = SchemaSettings::openapi3().into_generator();
    let mut paths = Map::new();
    for r in routes() {
        if !r.path.starts_with("/api/") && !matches!(r.path, "/healthz" | "/readyz" | "/metrics") {
            continue;
        }
        let mut op = Map::new();
        op.insert("summary".into(), json!(r.summary));
        op.insert("tags".into(), json!([r.tag]));
        op.insert(
            "operationId".into(),
            json!(format!(
                "{}_{}",
                r.method.as_str().to_lowercase(),
                r.path
                    .trim_start_matches('/')
                    .replace(['/', '{', '}', '.'], "_")
            )),
        );
        let mut params: Vec<Value> = Vec::new();
        for seg in r.path.split('/') {
            if let Some(name) = seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                params.push(json!({"name": name, "in": "path", "required": true, "schema": {"type": "string"}}));
            }
        }
        if r.list {
            for (name, ty, desc) in [
                ("q", "string", "free-text search"),
                ("sort", "string", "sort column"),
                ("desc", "boolean", "descending order"),
                ("limit", "integer", "page size (1–500, default 50)"),
                ("offset", "integer", "rows to skip"),
            ] {
                params.push(json!({"name": name, "in": "query", "required": false, "description": desc, "schema": {"type": ty}}));
            }
            for name in r.filters {
                params.push(json!({"name": name, "in": "query", "required": false, "description": "filter", "schema": {"type": "string"}}));
            }
        }
        if !params.is_empty() {
            op.insert("parameters".into(), Value::Array(params));
        }
        if let Some(f) = r.request {
            let s = f(&mut g);
            op.insert(
                "requestBody".into(),
                json!({"required": true, "content": {"application/json": {"schema": s}}}),
            );
        }
        let mut responses = Map::new();
        match r.response {
            Some(f) => {
                let s = f(&mut g);
                responses.insert(
                    "200".into(),
                    json!({"description": "OK", "content": {"application/json": {"schema": s}}}),
                );
            }
            None => {
                responses.insert("2XX".into(), json!({"description": "Done"}));
            }
        }
        responses.insert(
            "4XX".into(),
            json!({"description": "Error", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}),
        );
        op.insert("responses".into(), Value::Object(responses));
        if r.kind == Kind::Api {
            op.insert("security".into(), json!([{"bearer": []}, {"session": []}]));
        }
        let entry = paths.entry(r.path.to_string()).or_insert_with(|| json!({}));
        if let Value::Object(m) = entry {
            m.insert(r.method.as_str().to_lowercase(), Value::Object(op));
        }
    }
    let mut schemas: Map<String, Value> = g.take_definitions(true).into_iter().collect();
    schemas.insert(
        "Error".into(),
        json!({"type": "object", "required": ["error"], "properties": {"error": {"type": "object", "required": ["code", "message"], "properties": {
            "code": {"type": "string", "description": "stable machine-readable code, e.g. not_found, validation, auth.required"},
            "message": {"type": "string", "description": "localised message (zh-TW or en)"},
            "field": {"type": "string"},
            "violations": {"type": "array", "items": {"type": "string"}}
        }}}}),
    );
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Zian 資安 API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Cyber-security management under the Cyber Security Management Act. Every call is limited to the caller's organisation subtree. Errors carry a stable code and a localised message (Accept-Language or the user's preference)."
        },
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "description": "API token (zian_…), scoped to an organisation subtree and permissions"},
                "session": {"type": "apiKey", "in": "cookie", "name": "zian_session", "description": "Browser session; unsafe methods need X-CSRF-Token"}
            }
        }
    })
}

pub async fn openapi_json() -> impl IntoResponse {
    axum::Json(document())
}

/// A plain HTML page listing every operation with its schemas (no scripts,
/// nothing loaded from outside).
pub async fn docs_page() -> impl IntoResponse {
    let doc = document();
    let mut html = String::from(
        "<!doctype html><html lang=\"zh-TW\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>Zian API</title><link rel=\"stylesheet\" href=\"/static/app.css\"></head><body><main class=\"wide\"><h1>Zian 資安 API v1</h1><p>OpenAPI: <a href=\"/api/v1/openapi.json\">/api/v1/openapi.json</a></p>",
    );
    if let Some(paths) = doc["paths"].as_object() {
        html.push_str("<table class=\"data\"><thead><tr><th>Method</th><th>Path</th><th>Summary</th></tr></thead><tbody>");
        for (path, ops) in paths {
            if let Some(ops) = ops.as_object() {
                for (m, op) in ops {
                    html.push_str(&format!(
                        "<tr><td><code>{}</code></td><td><code>{}</code></td><td>{}</td></tr>",
                        m.to_uppercase(),
                        crate::layout::esc(path),
                        crate::layout::esc(op["summary"].as_str().unwrap_or(""))
                    ));
                }
            }
        }
        html.push_str("</tbody></table>");
    }
    html.push_str("<h2>Schemas</h2>");
    if let Some(s) = doc["components"]["schemas"].as_object() {
        for (name, schema) in s {
            html.push_str(&format!(
                "<details><summary>{}</summary><pre>{}</pre></details>",
                crate::layout::esc(name),
                crate::layout::esc(&serde_json::to_string_pretty(schema).unwrap_or_default())
            ));
        }
    }
    html.push_str("</main></body></html>");
    Html(html)
}
