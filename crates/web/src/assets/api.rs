//! The asset register API.

use axum::extract::State;
use axum::http::StatusCode;
use schemars::JsonSchema;
use serde::Serialize;
use zian_app::assets::{
    AssetInput, AssetList, AssetView, Candidate, MapUnmappedInput, SoftwareInput,
};

use zian_domain::assets::{Asset, InstalledSoftware};
use zian_domain::{AssetId, OrgId, Permission};
use zian_i18n::Lang;

use crate::csv::{Csv, ascii_name};
use crate::error::ApiResult;
use crate::extract::{ApiCaller, ApiJson, ApiPath, ApiQuery};
use crate::list::PageOut;
use crate::state::AppState;
use crate::values::ymd as d;

#[derive(Debug, Serialize, JsonSchema)]
pub struct AssetOut {
    pub id: String,
    pub org_id: String,
    pub system_id: Option<String>,
    pub name: String,
    /// `information`, `software`, `hardware`, `communication`, `support_service`, `personnel`.
    pub category: String,
    pub owner: String,
    pub custodian: String,
    pub users: String,
    pub location: String,
    pub property_no: String,
    pub brand: String,
    pub model: String,
    pub quantity: i64,
    pub core: bool,
    /// Reachable from the Internet (對外服務).
    pub exposed: bool,
    /// `in_service`, `retired`, `disposed`.
    pub status: String,
    pub disposed_on: Option<String>,
    pub disposal_method: String,
    pub labels: Vec<String>,
    pub hostname: String,
    pub ip: Vec<String>,
    pub mac: Vec<String>,
    pub os: String,
    pub kbs: Vec<String>,
    pub notes: String,
    pub created_at: i64,
    pub updated_at: i64,
}

fn list_of(s: &str, sep: &str) -> Vec<String> {
    s.split(sep)
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(str::to_string)
        .collect()
}

impl From<Asset> for AssetOut {
    fn from(a: Asset) -> Self {
        AssetOut {
            id: a.id.into(),
            org_id: a.org_id.into(),
            system_id: a.system_id.map(String::from),
            name: a.name.into(),
            category: a.category.as_str().into(),
            owner: a.owner.into(),
            custodian: a.custodian.into(),
            users: a.users.into(),
            location: a.location.into(),
            property_no: a.property_no.into(),
            brand: a.brand.into(),
            model: a.model.into(),
            quantity: a.quantity,
            core: a.core,
            exposed: a.exposed,
            status: a.status.as_str().into(),
            disposed_on: d(a.disposed_on),
            disposal_method: a.disposal_method.into(),
            labels: list_of(&a.labels, ","),
            hostname: a.hostname.into(),
            ip: list_of(&a.ip, ","),
            mac: list_of(&a.mac, ","),
            os: a.os.into(),
            kbs: list_of(&a.kbs, " "),
            notes: a.notes.into(),
            created_at: a.created_at,
            updated_at: a.updated_at,
        }
    }
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct SoftwareOut {
    pub id: String,
    pub name: String,
    pub version: String,
    pub publisher: String,
    /// The CPE 2.3 formatted string; null while not mapped (尚未對應 CPE).
    pub cpe23: Option<String>,
    /// `manual`, or the import's format.
    pub source: String,
    pub updated_at: i64,
}

impl From<InstalledSoftware> for SoftwareOut {
    fn from(s: InstalledSoftware) -> Self {
        SoftwareOut {
            id: s.id,
            name: s.name.into(),
            version: s.version.into(),
            publisher: s.publisher.into(),
            cpe23: s.cpe23,
            source: s.source.into(),
            updated_at: s.updated_at,
        }
    }
}

/// A CPE candidate for installed software.
#[derive(Debug, Serialize, JsonSchema)]
pub struct CandidateOut {
    pub cpe23: String,
    pub vendor: String,
    pub product: String,
    pub version: String,
    /// 0..1; 1 for the organisation's confirmed mapping.
    pub confidence: f64,
}

impl From<Candidate> for CandidateOut {
    fn from(c: Candidate) -> Self {
        CandidateOut {
            cpe23: c.cpe23,
            vendor: c.vendor,
            product: c.product,
            version: c.version,
            confidence: c.confidence,
        }
    }
}

/// Installed software without a CPE name, as found.
#[derive(Debug, Serialize, JsonSchema)]
pub struct UnmappedOut {
    pub name: String,
    pub version: String,
    pub publisher: String,
    /// Installations.
    pub count: i64,
    /// Assets it is installed on.
    pub assets: i64,
    /// Best first.
    pub candidates: Vec<CandidateOut>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct MappedOut {
    /// Installations given the CPE name.
    pub updated: u64,
}

/// One entry of an asset's change history.
#[derive(Debug, Serialize, JsonSchema)]
pub struct ChangeOut {
    /// Unix seconds.
    pub at: i64,
    pub action: String,
    pub actor_user_id: Option<String>,
    pub actor_name: Option<String>,
    /// The audit entry's details: `changes` maps each changed field to `[before, after]`.
    pub details: serde_json::Value,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct AssetDetailOut {
    pub asset: AssetOut,
    pub system_name: Option<String>,
    /// The protection level (防護需求等級) of its system: `low`, `medium`, `high`.
    pub protection_level: Option<String>,
    pub software: Vec<SoftwareOut>,
    /// Newest first.
    pub history: Vec<ChangeOut>,
    /// CPE candidates for each installed program without a CPE name, by
    /// software id, best first.
    pub suggestions: std::collections::BTreeMap<String, Vec<CandidateOut>>,
}

impl From<AssetView> for AssetDetailOut {
    fn from(v: AssetView) -> Self {
        AssetDetailOut {
            system_name: v.system.as_ref().map(|s| s.name.to_string()),
            protection_level: v
                .system
                .as_ref()
                .and_then(|s| s.level)
                .map(|l| l.code().to_string()),
            asset: v.asset.into(),
            software: v.software.into_iter().map(SoftwareOut::from).collect(),
            suggestions: v
                .suggestions
                .into_iter()
                .map(|(k, c)| (k, c.into_iter().map(CandidateOut::from).collect()))
                .collect(),
            history: v
                .history
                .into_iter()
                .map(|r| ChangeOut {
                    at: r.entry.at,
                    details: serde_json::from_str(&r.entry.details)
                        .unwrap_or(serde_json::Value::Null),
                    action: r.entry.action,
                    actor_user_id: r.entry.actor_user_id,
                    actor_name: r.actor_name,
                })
                .collect(),
        }
    }
}

/// An organisation's register, paged. The list parameters are parsed after
/// the access check, so malformed ones tell outsiders nothing.
pub async fn list(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<OrgId>,
    ApiQuery(q): ApiQuery<Vec<(String, String)>>,
) -> ApiResult<ApiJson<PageOut<AssetOut>>> {
    let org = st.app.org_with(&c.p, &id, Permission::RecordRead).await?;
    let q = super::pages::list_query(&q)?;
    let l = st.app.list_assets(&c.p, &org.id, &q).await?;
    Ok(ApiJson(PageOut::of(l.page, AssetOut::from)))
}

pub async fn create(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<OrgId>,
    ApiJson(b): ApiJson<AssetInput>,
) -> ApiResult<(StatusCode, ApiJson<AssetOut>)> {
    let a = st.app.create_asset(&c.p, &id, b).await?;
    Ok((StatusCode::CREATED, ApiJson(a.into())))
}

pub async fn get(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<AssetId>,
) -> ApiResult<ApiJson<AssetDetailOut>> {
    Ok(ApiJson(st.app.asset_view(&c.p, &id).await?.into()))
}

pub async fn update(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<AssetId>,
    ApiJson(b): ApiJson<AssetInput>,
) -> ApiResult<ApiJson<AssetOut>> {
    Ok(ApiJson(st.app.update_asset(&c.p, &id, b).await?.into()))
}

pub async fn software_add(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<AssetId>,
    ApiJson(b): ApiJson<SoftwareInput>,
) -> ApiResult<(StatusCode, ApiJson<SoftwareOut>)> {
    let s = st.app.add_software(&c.p, &id, b).await?;
    Ok((StatusCode::CREATED, ApiJson(s.into())))
}

pub async fn software_update(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath((id, sw)): ApiPath<(AssetId, String)>,
    ApiJson(b): ApiJson<SoftwareInput>,
) -> ApiResult<ApiJson<SoftwareOut>> {
    Ok(ApiJson(
        st.app.update_software(&c.p, &id, &sw, b).await?.into(),
    ))
}

pub async fn software_remove(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath((id, sw)): ApiPath<(AssetId, String)>,
) -> ApiResult<StatusCode> {
    st.app.remove_software(&c.p, &id, &sw).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The register as CSV: the seed's columns first (資通系統及資訊名稱、資產名稱、
/// 資產類別、擁有者、管理者、使用者、存放位置、防護需求等級), then the label and
/// host fields.
/// The register as rows of text, the header first (the CSV and Excel
/// downloads).
pub fn register_rows(l: &AssetList, lang: Lang) -> Vec<Vec<String>> {
    let i = zian_i18n::catalogue();
    let t = |k: &str| i.t(lang, k).to_string();
    let mut rows = Vec::with_capacity(l.page.items.len() + 1);
    rows.push(
        [
            "assets.system",
            "assets.name",
            "assets.category",
            "assets.owner",
            "assets.custodian",
            "assets.users",
            "assets.location",
            "assets.level",
            "assets.property_no",
            "assets.brand",
            "assets.model",
            "assets.quantity",
            "assets.core",
            "assets.exposed",
            "assets.status",
            "assets.disposed_on",
            "assets.disposal_method",
            "assets.labels",
            "assets.hostname",
            "assets.ip",
            "assets.mac",
            "assets.os",
            "assets.kbs",
            "assets.notes",
        ]
        .map(t)
        .to_vec(),
    );
    for a in &l.page.items {
        let sys = a.system_id.as_ref().and_then(|s| l.systems.get(s.as_str()));
        rows.push(vec![
            sys.map(|s| s.name.to_string()).unwrap_or_default(),
            a.name.to_string(),
            t(&format!("assets.cat.{}", a.category.as_str())),
            a.owner.to_string(),
            a.custodian.to_string(),
            a.users.to_string(),
            a.location.to_string(),
            sys.and_then(|s| s.level)
                .map(|l| l.as_str().to_string())
                .unwrap_or_default(),
            a.property_no.to_string(),
            a.brand.to_string(),
            a.model.to_string(),
            a.quantity.to_string(),
            t(if a.core { "systems.yes" } else { "systems.no" }),
            t(if a.exposed {
                "systems.yes"
            } else {
                "systems.no"
            }),
            t(&format!("assets.st.{}", a.status.as_str())),
            d(a.disposed_on).unwrap_or_default(),
            a.disposal_method.to_string(),
            a.labels.to_string(),
            a.hostname.to_string(),
            a.ip.to_string(),
            a.mac.to_string(),
            a.os.to_string(),
            a.kbs.to_string(),
            a.notes.to_string(),
        ]);
    }
    rows
}

pub fn register_csv(l: &AssetList, lang: Lang) -> Csv {
    let mut c = Csv::new();
    for r in register_rows(l, lang) {
        c.row(r);
    }
    c
}

/// The register as an Excel workbook, with the list's filters.
pub async fn xlsx(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<OrgId>,
    ApiQuery(q): ApiQuery<Vec<(String, String)>>,
) -> ApiResult<axum::response::Response> {
    let org = st.app.org_with(&c.p, &id, Permission::RecordRead).await?;
    let q = super::pages::list_query(&q)?;
    let l = st.app.export_assets(&c.p, &org.id, &q).await?;
    let name = format!("assets-{}.xlsx", org.code.as_deref().unwrap_or("org"));
    let sheet = zian_i18n::catalogue().t(c.lang, "assets.sheet").to_string();
    let bytes = crate::xlsx::workbook(&sheet, &register_rows(&l, c.lang))?;
    Ok(crate::xlsx::download(bytes, &ascii_name(&name)))
}

/// The register as CSV (UTF-8 with BOM), with the list's filters.
pub async fn csv(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<OrgId>,
    ApiQuery(q): ApiQuery<Vec<(String, String)>>,
) -> ApiResult<axum::response::Response> {
    let org = st.app.org_with(&c.p, &id, Permission::RecordRead).await?;
    let q = super::pages::list_query(&q)?;
    let l = st.app.export_assets(&c.p, &org.id, &q).await?;
    let name = format!("assets-{}.csv", org.code.as_deref().unwrap_or("org"));
    Ok(register_csv(&l, c.lang).into_download(&ascii_name(&name)))
}

/// An organisation's installed software without a CPE name, with candidates.
pub async fn unmapped(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<OrgId>,
) -> ApiResult<ApiJson<Vec<UnmappedOut>>> {
    let (_, groups) = st.app.unmapped_software(&c.p, &id).await?;
    Ok(ApiJson(
        groups
            .into_iter()
            .map(|(g, cands)| UnmappedOut {
                name: g.name,
                version: g.version,
                publisher: g.publisher,
                count: g.count,
                assets: g.assets,
                candidates: cands.into_iter().map(CandidateOut::from).collect(),
            })
            .collect(),
    ))
}

/// Gives every unmapped installation of one program a CPE name.
pub async fn map_unmapped(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<OrgId>,
    ApiJson(b): ApiJson<MapUnmappedInput>,
) -> ApiResult<ApiJson<MappedOut>> {
    let updated = st.app.map_unmapped(&c.p, &id, b).await?;
    Ok(ApiJson(MappedOut { updated }))
}

/// The VANS upload: `host,cpe23`, one line per host and CPE name (UTF-8
/// with BOM, like every download).
pub async fn vans_csv(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<OrgId>,
) -> ApiResult<axum::response::Response> {
    let (org, hosts) = st.app.vans_cpe_list(&c.p, &id).await?;
    let mut out = Csv::new();
    out.row(["host", "cpe23"]);
    for (host, cpes) in &hosts {
        for cpe in cpes {
            out.row([host.as_str(), cpe.as_str()]);
        }
    }
    let name = format!("vans-cpe-{}.csv", org.code.as_deref().unwrap_or("org"));
    Ok(out.into_download(&ascii_name(&name)))
}
