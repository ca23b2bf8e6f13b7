//! The risk register page: filters, list, an inline SVG heat map (server
//! generated, no script; the CSP allows no external images) and the form to
//! record a risk.

use askama::Template;
use axum::Form;
use axum::extract::rejection::{FormRejection, QueryRejection};
use axum::extract::{Query, State};
use serde::Deserialize;
use zian_app::risk::{HeatMap, RiskRegister, TREATMENTS};
use zian_domain::Permission;
use zian_storage::SystemRow;

use super::dashboard::FlashQuery;
use super::{PageCtx, PagePath, PageResult, ctx, esc, render, see_other};
use crate::api::risk::{RiskIn, risk_filter};
use crate::error::i18n;
use crate::extract::PageCaller;
use crate::i18n::Lang;
use crate::state::AppState;

const CELL: u32 = 56;
const LEFT: u32 = 34;
const TOP: u32 = 28;
const GAP: u32 = 36;

fn fill(band_en: &str) -> &'static str {
    match band_en {
        "low" => "#dff3e4",
        "medium" => "#fff1c2",
        "high" => "#fbd0cc",
        _ => "#e5e9ee",
    }
}

/// The heat maps as one inline SVG element: one 3×3 grid per asset value,
/// rows = likelihood (high at the top), columns = vulnerability; each cell
/// shows the number of risks and, small, the risk value.
pub fn heat_svg(maps: &[HeatMap], lang: Lang) -> String {
    let t = |k: &str| esc(i18n().t(lang, k));
    let grid_w = LEFT + 3 * CELL;
    let n = u32::try_from(maps.len()).unwrap_or(0);
    let width = n * grid_w + n.saturating_sub(1) * GAP + 4;
    let height = TOP + 3 * CELL + 34;
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"heatmap\" role=\"img\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" font-family=\"sans-serif\" font-size=\"12\"><title>{}</title>",
        t("risk.heatmap")
    );
    for (gi, m) in maps.iter().enumerate() {
        let x0 = u32::try_from(gi).unwrap_or(0) * (grid_w + GAP);
        s.push_str(&format!(
            "<text x=\"{}\" y=\"16\" font-weight=\"bold\">{} {}</text>",
            x0 + LEFT,
            t("risk.asset_value"),
            m.asset_value
        ));
        let rows = m.cells.len();
        for (ri, row) in m.cells.iter().enumerate() {
            // highest likelihood on top
            let y = TOP + u32::try_from(rows - 1 - ri).unwrap_or(0) * CELL;
            s.push_str(&format!(
                "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
                x0 + LEFT / 2,
                y + CELL / 2 + 4,
                ri + 1
            ));
            for (ci, c) in row.iter().enumerate() {
                let x = x0 + LEFT + u32::try_from(ci).unwrap_or(0) * CELL;
                s.push_str(&format!(
                    "<g class=\"cell\" data-av=\"{}\" data-l=\"{}\" data-v=\"{}\" data-count=\"{}\"><rect x=\"{x}\" y=\"{y}\" width=\"{CELL}\" height=\"{CELL}\" fill=\"{}\" stroke=\"#ffffff\" stroke-width=\"2\"/><text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"18\" font-weight=\"bold\">{}</text><text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"10\" fill=\"#555555\">{}={}</text></g>",
                    m.asset_value,
                    c.likelihood,
                    c.vulnerability,
                    c.count,
                    fill(&c.score.band_en),
                    x + CELL / 2,
                    y + CELL / 2 + 2,
                    c.count,
                    x + CELL / 2,
                    y + CELL - 6,
                    esc(if lang == Lang::En { &c.score.band_en } else { &c.score.band_zh }),
                    c.score.value
                ));
            }
        }
        for ci in 0..3u32 {
            s.push_str(&format!(
                "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
                x0 + LEFT + ci * CELL + CELL / 2,
                TOP + 3 * CELL + 14,
                ci + 1
            ));
        }
        s.push_str(&format!(
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"#555555\">{} → · {} ↑</text>",
            x0 + LEFT + 3 * CELL / 2,
            TOP + 3 * CELL + 30,
            t("risk.vulnerability"),
            t("risk.likelihood")
        ));
    }
    s.push_str("</svg>");
    s
}

#[derive(Template)]
#[template(path = "risks.html")]
pub struct RisksPage {
    pub ctx: PageCtx,
    pub reg: RiskRegister,
    pub systems: Vec<SystemRow>,
    pub svg: String,
    pub can_write: bool,
    pub f_treatment: String,
    pub f_status: String,
    pub f_above: bool,
}

impl RisksPage {
    pub fn treatments(&self) -> [&'static str; 4] {
        TREATMENTS
    }
    pub fn statuses(&self) -> [&'static str; 3] {
        zian_app::risk::RISK_STATUSES
    }
    pub fn band(&self, zh: &str, en: &str) -> String {
        if self.ctx.lang == Lang::En {
            en.to_string()
        } else {
            zh.to_string()
        }
    }
}

pub async fn register(
    State(st): State<AppState>,
    pc: PageCaller,
    PagePath(id): PagePath<String>,
    q: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> PageResult {
    let Query(q) = q?;
    let org = st.app.org_with(&pc.p, &id, Permission::RecordRead).await?;
    let filter = risk_filter(&q)?;
    let get = |k: &str| q.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    let fq = FlashQuery {
        ok: get("ok"),
        err: get("err"),
    };
    let reg = st.app.risk_register(&pc.p, &org.id, filter.clone()).await?;
    let (_, systems) = st.app.list_systems(&pc.p, &reg.org.id).await?;
    let cx = ctx(
        &st.app,
        &pc,
        "risk.title",
        "compliance",
        fq.flash().as_deref(),
    )
    .await?;
    let can_write = pc.p.scope(Permission::RecordWrite).contains(&reg.org.path);
    let svg = heat_svg(&reg.heat_maps, pc.lang);
    render(&RisksPage {
        ctx: cx,
        systems,
        svg,
        can_write,
        f_treatment: filter.treatment.unwrap_or_default(),
        f_status: filter.status.unwrap_or_default(),
        f_above: filter.above_threshold,
        reg,
    })
}

/// Every field defaults, so a malformed form is judged after the access check.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct RiskForm {
    #[serde(rename = "_csrf")]
    csrf: String,
    system_id: Option<String>,
    asset: String,
    threat: String,
    weakness: String,
    asset_value: Option<String>,
    likelihood: String,
    vulnerability: String,
    threshold: Option<String>,
    treatment: String,
    owner: String,
    due_on: Option<String>,
    residual_likelihood: Option<String>,
    residual_vulnerability: Option<String>,
}

fn num(field: &str, s: Option<&str>) -> Result<Option<u32>, zian_app::AppError> {
    match s.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(v) => v
            .parse()
            .map(Some)
            .map_err(|_| zian_app::AppError::invalid(field, "a whole number")),
    }
}

pub async fn create(
    State(st): State<AppState>,
    pc: PageCaller,
    PagePath(id): PagePath<String>,
    form: Result<Form<RiskForm>, FormRejection>,
) -> PageResult {
    let Form(f) = form?;
    pc.check_csrf(&f.csrf)?;
    // access first: nothing about the form's validity is told to outsiders
    st.app.org_with(&pc.p, &id, Permission::RecordWrite).await?;
    let need = |field: &str, s: &str| {
        num(field, Some(s))?.ok_or_else(|| zian_app::AppError::invalid(field, "required"))
    };
    let input = RiskIn {
        system_id: f.system_id.filter(|s| !s.is_empty()),
        asset: f.asset,
        threat: f.threat,
        weakness: f.weakness,
        asset_value: num("asset_value", f.asset_value.as_deref())?,
        likelihood: need("likelihood", &f.likelihood)?,
        vulnerability: need("vulnerability", &f.vulnerability)?,
        threshold: num("threshold", f.threshold.as_deref())?,
        treatment: f.treatment,
        owner: f.owner,
        due_on: f.due_on.filter(|s| !s.trim().is_empty()),
        residual_likelihood: num("residual_likelihood", f.residual_likelihood.as_deref())?,
        residual_vulnerability: num(
            "residual_vulnerability",
            f.residual_vulnerability.as_deref(),
        )?,
        status: None,
    }
    .input();
    st.app.create_risk(&pc.p, &id, input).await?;
    Ok(see_other(&format!("/orgs/{id}/risks?ok=risk.created")))
}
