//! The threat intelligence API.

use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use zian_app::intel::{
    ClassifyInput, Correlation, HandlingInput, ImportInput, ImportRead, IntelInput, IntelOut,
};
use zian_domain::intel::item::IntelItem;
use zian_domain::{IntelId, OrgId};

use crate::error::ApiResult;
use crate::extract::{ApiCaller, ApiJson, ApiPath, ApiQuery};
use crate::state::AppState;

/// An organisation's intelligence.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "IntelListOut")]
pub struct ListOut {
    pub org_id: String,
    pub items: Vec<IntelOut>,
}

/// A piece with what would leave the agency and its correlations.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "IntelDetailOut")]
pub struct DetailOut {
    pub intel: IntelOut,
    /// The text as received (the organisation's own).
    pub text: String,
    /// The text with its personal data masked: what may be shared.
    pub masked: String,
    /// What was masked: kind and the masked form (never the original).
    pub masked_items: Vec<MaskedOut>,
    pub names: Vec<String>,
    pub classification: Option<serde_json::Value>,
    pub handling: Vec<serde_json::Value>,
    /// The categories still without their handling.
    pub unhandled: Vec<String>,
    pub correlations: Vec<Correlation>,
}

#[derive(Serialize, JsonSchema)]
#[schemars(rename = "IntelMaskedOut")]
pub struct MaskedOut {
    pub kind: String,
    pub masked: String,
}

/// Which blocklist.
#[derive(Deserialize, JsonSchema, Default)]
#[serde(default, deny_unknown_fields)]
pub struct BlocklistQuery {
    /// `txt` (one per line), `csv` or `stix`.
    pub format: Option<String>,
}

pub(crate) fn detail_out(st: &AppState, v: &zian_app::intel::IntelDetail) -> DetailOut {
    let x: &IntelItem = &v.item;
    DetailOut {
        intel: IntelOut::of(x, st.app.today()),
        text: x.body.text.clone(),
        masked: v.masked.clone(),
        masked_items: v
            .hits
            .iter()
            .map(|h| MaskedOut {
                kind: h.kind.as_str().into(),
                masked: h.masked.clone(),
            })
            .collect(),
        names: x.body.names.clone(),
        classification: x
            .body
            .classification
            .as_ref()
            .and_then(|c| serde_json::to_value(c).ok()),
        handling: x
            .body
            .handling
            .iter()
            .filter_map(|h| serde_json::to_value(h).ok())
            .collect(),
        unhandled: x
            .unhandled()
            .iter()
            .map(|c| c.as_str().to_string())
            .collect(),
        correlations: v.correlations.clone(),
    }
}

async fn detail(st: &AppState, c: &ApiCaller, id: &IntelId) -> ApiResult<ApiJson<DetailOut>> {
    let v = st.app.intel(&c.p, id).await?;
    Ok(ApiJson(detail_out(st, &v)))
}

pub async fn list(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<OrgId>,
) -> ApiResult<ApiJson<ListOut>> {
    let v = st.app.intel_list(&c.p, &id).await?;
    let today = st.app.today();
    Ok(ApiJson(ListOut {
        org_id: v.org.id.to_string(),
        items: v.items.iter().map(|x| IntelOut::of(x, today)).collect(),
    }))
}

pub async fn create(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<OrgId>,
    ApiJson(input): ApiJson<IntelInput>,
) -> ApiResult<(StatusCode, ApiJson<DetailOut>)> {
    let x = st.app.create_intel(&c.p, &id, input).await?;
    Ok((StatusCode::CREATED, detail(&st, &c, &x.id).await?))
}

pub async fn import(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<OrgId>,
    ApiJson(input): ApiJson<ImportInput>,
) -> ApiResult<(StatusCode, ApiJson<ImportRead>)> {
    let commit = input.commit;
    let r = st.app.import_intel(&c.p, &id, input, c.lang).await?;
    let code = if commit {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((code, ApiJson(r)))
}

pub async fn get(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<IntelId>,
) -> ApiResult<ApiJson<DetailOut>> {
    detail(&st, &c, &id).await
}

pub async fn classify(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<IntelId>,
    ApiJson(input): ApiJson<ClassifyInput>,
) -> ApiResult<ApiJson<DetailOut>> {
    st.app.classify_intel(&c.p, &id, input).await?;
    detail(&st, &c, &id).await
}

pub async fn handling(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<IntelId>,
    ApiJson(input): ApiJson<HandlingInput>,
) -> ApiResult<ApiJson<DetailOut>> {
    st.app.handle_intel(&c.p, &id, input).await?;
    detail(&st, &c, &id).await
}

fn download(body: String, content_type: &'static str, filename: &str) -> Response {
    let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{filename}\""))
        .unwrap_or_else(|_| HeaderValue::from_static("attachment"));
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response()
}

pub async fn stix(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<IntelId>,
) -> ApiResult<Response> {
    let b = st.app.intel_stix(&c.p, &id).await?;
    Ok(download(
        serde_json::to_string_pretty(&b).unwrap_or_default(),
        "application/stix+json;version=2.1",
        &format!("intel-{id}.json"),
    ))
}

pub async fn misp(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<IntelId>,
) -> ApiResult<Response> {
    let e = st.app.intel_misp(&c.p, &id).await?;
    Ok(download(
        serde_json::to_string_pretty(&e).unwrap_or_default(),
        "application/json",
        &format!("intel-{id}.misp.json"),
    ))
}

/// The blocklist of an organisation as `format` asks.
pub(crate) async fn blocklist_response(
    st: &AppState,
    p: &zian_domain::Principal,
    id: &OrgId,
    format: Option<&str>,
) -> Result<Response, zian_app::AppError> {
    let (org, rows) = st.app.intel_blocklist(p, id).await?;
    let day = zian_domain::day::ymd(st.app.today());
    Ok(match format.unwrap_or("txt") {
        "txt" => {
            let mut out = format!("# {} {day}\n", org.name_zh);
            for (i, _) in &rows {
                out.push_str(&i.value);
                out.push('\n');
            }
            download(
                out,
                "text/plain; charset=utf-8",
                &format!("blocklist-{day}.txt"),
            )
        }
        "csv" => {
            let mut csv = crate::csv::Csv::new();
            csv.row(["kind", "value", "intel", "received_on", "valid_until"]);
            for (i, from) in &rows {
                let titles: Vec<&str> = from.iter().map(|x| x.title.as_str()).collect();
                let received = from
                    .iter()
                    .map(|x| x.received_on)
                    .min()
                    .map(zian_domain::day::ymd)
                    .unwrap_or_default();
                let until = if from.iter().any(|x| x.valid_until.is_none()) {
                    String::new()
                } else {
                    from.iter()
                        .filter_map(|x| x.valid_until)
                        .max()
                        .map(zian_domain::day::ymd)
                        .unwrap_or_default()
                };
                csv.row([
                    i.kind.as_str(),
                    i.value.as_str(),
                    &titles.join("；"),
                    &received,
                    &until,
                ]);
            }
            csv.into_download(&format!("blocklist-{day}.csv"))
        }
        "stix" => {
            let mut objects = Vec::new();
            let mut seen = std::collections::BTreeSet::new();
            for (_, from) in &rows {
                for x in from {
                    if seen.insert(x.id.clone()) {
                        let (masked, _) = x.masked();
                        let b = zian_domain::intel::stix::bundle(x, &org.name_zh, &masked);
                        for o in b["objects"].as_array().into_iter().flatten() {
                            if !objects.contains(o) {
                                objects.push(o.clone());
                            }
                        }
                    }
                }
            }
            let b = serde_json::json!({
                "type": "bundle",
                "id": format!("bundle--{}", zian_domain::intel::stix::uuid_of(&format!("blocklist:{}:{day}", org.id))),
                "objects": objects,
            });
            download(
                serde_json::to_string_pretty(&b).unwrap_or_default(),
                "application/stix+json;version=2.1",
                &format!("blocklist-{day}.json"),
            )
        }
        _ => {
            return Err(zian_app::AppError::invalid(
                "format",
                zian_i18n::msg!("reason.intel.format"),
            ));
        }
    })
}

pub async fn blocklist(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<OrgId>,
    ApiQuery(q): ApiQuery<BlocklistQuery>,
) -> ApiResult<Response> {
    Ok(blocklist_response(&st, &c.p, &id, q.format.as_deref()).await?)
}
