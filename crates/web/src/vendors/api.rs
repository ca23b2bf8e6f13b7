//! The vendors API.

use axum::extract::State;
use axum::http::StatusCode;
use schemars::JsonSchema;
use serde::Serialize;
use zian_app::audits::AuditOut;
use zian_app::corrective::ActionOut;
use zian_app::vendors::{
    ContractInput, DeviceCheckInput, OrgShareOut, ShareInput, SharedRecord, StaffInput,
    VendorInput, VendorOut, VendorView,
};
use zian_domain::vendors::Gap;
use zian_domain::{OrgId, ShareId, VendorId};

use crate::error::ApiResult;
use crate::extract::{ApiCaller, ApiJson, ApiPath, ApiQuery};
use crate::list::OrgPageOut;
use crate::state::AppState;

/// A page of vendors.
pub type VendorListOut = OrgPageOut<VendorOut>;

/// A gap to follow up.
#[derive(Serialize, JsonSchema)]
pub struct GapOut {
    /// `certification`, `qualified_staff`, `subcontracting`,
    /// `background_checks`, `requirements`, `incident_notice`,
    /// `data_return`, `data_returned`, `test_certificate`, `components`,
    /// `audit`, `agreements`, `device_check`.
    pub code: String,
    pub message: String,
}

fn gaps(c: &ApiCaller, gaps: &[Gap]) -> Vec<GapOut> {
    gaps.iter()
        .map(|g| GapOut {
            code: g.code.to_string(),
            message: g.msg.render(c.lang),
        })
        .collect()
}

/// A vendor with its gaps, audits and shares.
#[derive(Serialize, JsonSchema)]
pub struct VendorDetailOut {
    #[serde(flatten)]
    pub vendor: VendorOut,
    pub org_name: String,
    pub gaps: Vec<GapOut>,
    pub audits: Vec<AuditOut>,
    pub shares: Vec<OrgShareOut>,
    /// Whether the caller may change it.
    pub can_write: bool,
}

fn out(st: &AppState, v: &VendorView) -> VendorOut {
    VendorOut::of(&v.vendor, st.app.today())
}

pub async fn list(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<OrgId>,
    ApiQuery(q): ApiQuery<Vec<(String, String)>>,
) -> ApiResult<ApiJson<VendorListOut>> {
    let list = crate::list::query(&q, super::FILTERS)?;
    let page = st.app.list_vendors(&c.p, &id, &list).await?;
    let today = st.app.today();
    Ok(ApiJson(OrgPageOut::of(&id, page, |v| {
        VendorOut::of(&v, today)
    })))
}

pub async fn create(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<OrgId>,
    ApiJson(b): ApiJson<VendorInput>,
) -> ApiResult<(StatusCode, ApiJson<VendorOut>)> {
    let v = st.app.create_vendor(&c.p, &id, b).await?;
    Ok((StatusCode::CREATED, ApiJson(out(&st, &v))))
}

pub async fn get(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<VendorId>,
) -> ApiResult<ApiJson<VendorDetailOut>> {
    let v = st.app.vendor_view(&c.p, &id).await?;
    Ok(ApiJson(VendorDetailOut {
        vendor: out(&st, &v),
        org_name: v.org.name_zh.clone(),
        gaps: gaps(&c, &v.gaps),
        audits: v.audits.iter().map(AuditOut::from).collect(),
        shares: v.shares.iter().map(OrgShareOut::from).collect(),
        can_write: v.can_write,
    }))
}

pub async fn edit(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<VendorId>,
    ApiJson(b): ApiJson<VendorInput>,
) -> ApiResult<ApiJson<VendorOut>> {
    let v = st.app.edit_vendor(&c.p, &id, b).await?;
    Ok(ApiJson(out(&st, &v)))
}

pub async fn contract(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<VendorId>,
    ApiJson(b): ApiJson<ContractInput>,
) -> ApiResult<ApiJson<VendorOut>> {
    let v = st.app.save_vendor_contract(&c.p, &id, b).await?;
    Ok(ApiJson(out(&st, &v)))
}

pub async fn staff(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<VendorId>,
    ApiJson(b): ApiJson<StaffInput>,
) -> ApiResult<ApiJson<VendorOut>> {
    let v = st.app.save_vendor_staff(&c.p, &id, b).await?;
    Ok(ApiJson(out(&st, &v)))
}

pub async fn device_check(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<VendorId>,
    ApiJson(b): ApiJson<DeviceCheckInput>,
) -> ApiResult<(StatusCode, ApiJson<VendorOut>)> {
    let v = st.app.add_device_check(&c.p, &id, b).await?;
    Ok((StatusCode::CREATED, ApiJson(out(&st, &v))))
}

pub async fn shares(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<OrgId>,
) -> ApiResult<ApiJson<Vec<OrgShareOut>>> {
    let v = st.app.org_shares(&c.p, &id).await?;
    Ok(ApiJson(v.iter().map(OrgShareOut::from).collect()))
}

pub async fn share(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<OrgId>,
    ApiJson(b): ApiJson<ShareInput>,
) -> ApiResult<(StatusCode, ApiJson<OrgShareOut>)> {
    let s = st.app.share_with_vendor(&c.p, &id, b).await?;
    Ok((StatusCode::CREATED, ApiJson(OrgShareOut::from(&s))))
}

pub async fn revoke(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<ShareId>,
) -> ApiResult<StatusCode> {
    st.app.revoke_share(&c.p, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A record shared with the calling vendor.
#[derive(Serialize, JsonSchema)]
pub struct SharedOut {
    pub id: String,
    pub record_type: String,
    pub record_id: String,
    pub title: String,
    /// The organisation that shared it.
    pub org_name: String,
    /// The record: a vendor (with `gaps`), an audit or a corrective action.
    pub record: serde_json::Value,
}

pub async fn shared(
    State(st): State<AppState>,
    c: ApiCaller,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<ApiJson<SharedOut>> {
    let v = st.app.shared_record(&c.p, &id).await?;
    let today = st.app.today();
    let record = match &v.record {
        SharedRecord::Vendor(x, g) => {
            let mut j = serde_json::to_value(VendorOut::of(x, today)).unwrap_or_default();
            j["gaps"] = serde_json::to_value(gaps(&c, g)).unwrap_or_default();
            j
        }
        SharedRecord::Audit(a) => {
            serde_json::to_value(AuditOut::from(a.as_ref())).unwrap_or_default()
        }
        SharedRecord::Action(a) => {
            serde_json::to_value(ActionOut::of(a, today)).unwrap_or_default()
        }
    };
    Ok(ApiJson(SharedOut {
        id: v.share.id.clone(),
        record_type: v.share.record_type.clone(),
        record_id: v.share.record_id.clone(),
        title: v.share.title.clone(),
        org_name: v.org_name.clone(),
        record,
    }))
}
