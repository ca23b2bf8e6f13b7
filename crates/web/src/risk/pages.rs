//! The risk register page: filters, the detailed register or the simple
//! list (seed 000 style), an inline SVG heat map (server generated, no
//! script; the CSP allows no external images), the form to record a risk and
//! the organisation's risk settings form; and the page of one risk with its
//! edit and delete forms.

use askama::Template;
use axum::extract::{Query, State};
use serde::Deserialize;
use zian_app::risk::{
    HeatMap, RiskInput, RiskRegister, RiskSettings, RiskSettingsInput, RiskView, risk_filter,
};
use zian_domain::list::HARD_LIMIT;
use zian_domain::risk::{FACTORS, RiskStatus, Treatment};
use zian_domain::systems::InfoSystem;
use zian_domain::{ListQuery, OrgId, Page, Permission, RiskId};
use zian_i18n::msg;

use crate::error::PageResult;
use crate::extract::{NoFields, PageCaller, PageForm, PagePath, PageQuery};
use crate::layout::{FlashQuery, PageCtx, ctx, esc, render, see_other};
use crate::list::Pager;
use crate::state::AppState;
use zian_i18n::{Lang, catalogue};

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

/// The heat maps as one inline SVG element: one grid per asset value
/// (sized by the organisation's scale), rows = likelihood (high at the top),
/// columns = vulnerability; each cell shows the number of risks and, small,
/// the risk value.
pub fn heat_svg(maps: &[HeatMap], lang: Lang) -> String {
    let t = |k: &str| esc(catalogue().t(lang, k));
    let rows = u32::try_from(maps.first().map_or(0, |m| m.cells.len())).unwrap_or(0);
    let cols = u32::try_from(
        maps.first()
            .and_then(|m| m.cells.first())
            .map_or(0, Vec::len),
    )
    .unwrap_or(0);
    let grid_w = LEFT + cols * CELL;
    let n = u32::try_from(maps.len()).unwrap_or(0);
    let width = n * grid_w + n.saturating_sub(1) * GAP + 4;
    let height = TOP + rows * CELL + 34;
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
        let nrows = m.cells.len();
        for (ri, row) in m.cells.iter().enumerate() {
            // highest likelihood on top
            let y = TOP + u32::try_from(nrows - 1 - ri).unwrap_or(0) * CELL;
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
        for ci in 0..cols {
            s.push_str(&format!(
                "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
                x0 + LEFT + ci * CELL + CELL / 2,
                TOP + rows * CELL + 14,
                ci + 1
            ));
        }
        s.push_str(&format!(
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"#555555\">{} → · {} ↑</text>",
            x0 + LEFT + cols * CELL / 2,
            TOP + rows * CELL + 30,
            t("risk.vulnerability"),
            t("risk.likelihood")
        ));
    }
    s.push_str("</svg>");
    s
}

/// Helpers shared by the risk templates.
pub trait ScaleHelpers {
    fn settings(&self) -> &RiskSettings;
    fn lang(&self) -> Lang;

    /// Ratings of a factor with their label, e.g. `(2, "中")`.
    fn options(&self, factor: &str) -> Vec<(u32, String)> {
        self.settings().options(factor, self.lang() == Lang::En)
    }
    /// A stored rating with its label, e.g. `2 中`.
    fn rating(&self, factor: &str, n: &u32) -> String {
        let label = self
            .options(factor)
            .into_iter()
            .find(|(v, _)| v == n)
            .map(|(_, l)| l)
            .unwrap_or_default();
        if label.is_empty() {
            n.to_string()
        } else {
            format!("{n} {label}")
        }
    }
    fn band(&self, zh: &str, en: &str) -> String {
        if self.lang() == Lang::En {
            en.to_string()
        } else {
            zh.to_string()
        }
    }
}

#[derive(Template)]
#[template(path = "risks.html")]
pub struct RisksPage {
    pub ctx: PageCtx,
    pub reg: RiskRegister,
    pub pager: Pager,
    pub systems: Page<InfoSystem>,
    pub svg: String,
    pub can_write: bool,
    pub f_treatment: String,
    pub f_status: String,
    pub f_above: bool,
    /// The search text (number, asset, threat, weakness, owner).
    pub f_q: String,
    /// The simple list (seed 000 style) instead of the detailed register.
    pub simple: bool,
    /// The filters as a query string (`&`-joined, escaped), for the view
    /// switch and the CSV link.
    pub filter_query: String,
    /// The name of the organisation whose settings apply, when inherited and
    /// readable by the caller.
    pub source_name: Option<String>,
}

impl ScaleHelpers for RisksPage {
    fn settings(&self) -> &RiskSettings {
        &self.reg.settings
    }
    fn lang(&self) -> Lang {
        self.ctx.lang
    }
}

impl RisksPage {
    pub fn treatments(&self) -> [&'static str; 4] {
        Treatment::ALL.map(Treatment::as_str)
    }
    pub fn statuses(&self) -> [&'static str; 3] {
        RiskStatus::ALL.map(RiskStatus::as_str)
    }
    pub fn scales(&self) -> [u32; 3] {
        [3, 4, 5]
    }
    /// Whether `n` is the common maximum (for the settings form).
    pub fn common_is(&self, n: &u32) -> bool {
        self.reg.settings.common_max() == Some(*n)
    }
    /// Whether `n` is a factor's own maximum (when there is no common one).
    pub fn max_is(&self, factor: &str, n: &u32) -> bool {
        self.reg.settings.common_max().is_none() && self.reg.settings.max_of(factor) == *n
    }
    /// The labels of a factor as the settings form shows them.
    pub fn labels_text(&self, factor: &str, lang: &str) -> String {
        self.reg
            .settings
            .labels
            .get(factor)
            .map(|l| if lang == "en" { &l.en } else { &l.zh })
            .map_or_else(String::new, |v| v.join(", "))
    }
    /// A short reference of a risk for the simple list (the end of its id).
    pub fn short_id(&self, id: &str) -> String {
        let tail: String = id
            .chars()
            .rev()
            .take(6)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        format!("R-{}", tail.to_uppercase())
    }
    pub fn factors(&self) -> [&'static str; 3] {
        FACTORS
    }
    /// A date for display (ROC in Chinese).
    pub fn date(&self, d: &Option<time::Date>) -> String {
        self.ctx.date(d)
    }
}

/// Keeps only the filter parameters, escaped, for links.
fn filter_query(q: &[(String, String)]) -> String {
    q.iter()
        .filter(|(k, v)| {
            matches!(
                k.as_str(),
                "q" | "system_id" | "treatment" | "status" | "above_threshold" | "min_value"
            ) && !v.is_empty()
        })
        .map(|(k, v)| {
            let enc: String = v
                .bytes()
                .map(|b| {
                    if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                        (b as char).to_string()
                    } else {
                        format!("%{b:02X}")
                    }
                })
                .collect();
            format!("{k}={enc}")
        })
        .collect::<Vec<_>>()
        .join("&")
}

pub async fn register(
    State(st): State<AppState>,
    pc: PageCaller,
    PagePath(id): PagePath<OrgId>,
    PageQuery(q): PageQuery<Vec<(String, String)>>,
) -> PageResult {
    let org = st.app.org_with(&pc.p, &id, Permission::RecordRead).await?;
    let list = crate::list::query(&q, &[super::FILTERS, &["view"]].concat())?;
    let filter = risk_filter(&q)?;
    let fq = FlashQuery::from_pairs(&q);
    let simple = list.filter_value("view") == Some("simple");
    let reg = st.app.risk_register(&pc.p, &org.id, &filter, &list).await?;
    let pager = Pager::new(&reg.risks, &format!("/orgs/{}/risks", org.id), &q);
    let (_, systems) = st
        .app
        .list_systems(&pc.p, &reg.org.id, &ListQuery::all(HARD_LIMIT))
        .await?;
    let cx = ctx(&st.app, &pc, "risk.title", "risk", fq.flash().as_deref()).await?;
    let can_write = pc.p.scope(Permission::RecordWrite).contains(&reg.org.path);
    let source_name = match reg.settings.source_org_id.as_ref() {
        Some(src) if reg.settings.inherited => st
            .app
            .get_org(&pc.p, src)
            .await
            .ok()
            .map(|o| cx.org_name(&o).to_string()),
        _ => None,
    };
    let svg = heat_svg(&reg.heat_maps, pc.lang);
    render(&RisksPage {
        ctx: cx,
        systems,
        pager,
        svg,
        can_write,
        f_treatment: filter
            .treatment
            .map(|t| t.as_str().to_string())
            .unwrap_or_default(),
        f_status: filter
            .status
            .map(|s| s.as_str().to_string())
            .unwrap_or_default(),
        f_above: filter.above_threshold,
        f_q: list.q.clone().unwrap_or_default(),
        simple,
        filter_query: filter_query(&q),
        source_name,
        reg,
    })
}

/// Every field defaults, so a malformed form is judged after the access check.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct RiskForm {
    system_id: Option<String>,
    asset: String,
    threat: String,
    weakness: String,
    asset_value: Option<String>,
    likelihood: String,
    vulnerability: String,
    threshold: Option<String>,
    treatment: String,
    measures: Option<String>,
    owner: String,
    due_on: Option<String>,
    residual_likelihood: Option<String>,
    residual_vulnerability: Option<String>,
    status: Option<String>,
}

use crate::values::number as num;

impl RiskForm {
    fn input(self) -> Result<RiskInput, zian_app::AppError> {
        let need = |field: &str, s: &str| {
            num(field, Some(s))?
                .ok_or_else(|| zian_app::AppError::invalid(field, msg!("reason.required")))
        };
        Ok(RiskInput {
            system_id: self.system_id.filter(|s| !s.is_empty()),
            asset: self.asset,
            threat: self.threat,
            weakness: self.weakness,
            asset_value: num("asset_value", self.asset_value.as_deref())?,
            likelihood: need("likelihood", &self.likelihood)?,
            vulnerability: need("vulnerability", &self.vulnerability)?,
            threshold: num("threshold", self.threshold.as_deref())?,
            treatment: self.treatment,
            measures: self.measures,
            owner: self.owner,
            due_on: self.due_on.filter(|s| !s.trim().is_empty()),
            residual_likelihood: num("residual_likelihood", self.residual_likelihood.as_deref())?,
            residual_vulnerability: num(
                "residual_vulnerability",
                self.residual_vulnerability.as_deref(),
            )?,
            status: self.status.filter(|s| !s.trim().is_empty()),
        })
    }
}

pub async fn create(
    State(st): State<AppState>,
    PagePath(id): PagePath<OrgId>,
    form: PageForm<RiskForm>,
) -> PageResult {
    let (pc, f) = (form.pc, form.form);
    // access first: nothing about the form's validity is told to outsiders
    st.app.org_with(&pc.p, &id, Permission::RecordWrite).await?;
    let mut f = f;
    f.status = None;
    st.app.create_risk(&pc.p, &id, f.input()?).await?;
    Ok(see_other(&format!("/orgs/{id}/risks?ok=risk.created")))
}

#[derive(Template)]
#[template(path = "risk_edit.html")]
pub struct RiskPage {
    pub ctx: PageCtx,
    pub v: RiskView,
    pub st: RiskSettings,
    pub systems: Vec<InfoSystem>,
    pub can_write: bool,
}

impl ScaleHelpers for RiskPage {
    fn settings(&self) -> &RiskSettings {
        &self.st
    }
    fn lang(&self) -> Lang {
        self.ctx.lang
    }
}

impl RiskPage {
    pub fn treatments(&self) -> [&'static str; 4] {
        Treatment::ALL.map(Treatment::as_str)
    }
    pub fn statuses(&self) -> [&'static str; 3] {
        RiskStatus::ALL.map(RiskStatus::as_str)
    }
    /// Whether the risk's rating `field` is `n` (for the edit form).
    pub fn sel(&self, field: &str, n: &u32) -> bool {
        let r = &self.v.risk;
        let v = match field {
            "asset_value" => Some(r.asset_value),
            "likelihood" => Some(r.likelihood),
            "vulnerability" => Some(r.vulnerability),
            "residual_likelihood" => r.residual_likelihood,
            _ => r.residual_vulnerability,
        };
        v == Some(*n)
    }
    pub fn treatment_label(&self) -> String {
        self.ctx.t(&format!("risk.treat.{}", self.v.risk.treatment))
    }
    pub fn status_label(&self) -> String {
        self.ctx.t(&format!("risk.st.{}", self.v.risk.status))
    }
    pub fn due(&self) -> String {
        self.v
            .risk
            .due_on
            .map(zian_domain::day::ymd)
            .unwrap_or_default()
    }
    pub fn due_roc(&self) -> String {
        self.ctx.date(&self.v.risk.due_on)
    }
}

/// The page of one risk: its values and the edit and delete forms.
pub async fn show(
    State(st): State<AppState>,
    pc: PageCaller,
    PagePath(id): PagePath<RiskId>,
    Query(fq): Query<FlashQuery>,
) -> PageResult {
    let (v, settings) = st.app.get_risk(&pc.p, &id).await?;
    let org = st
        .app
        .org_with(&pc.p, &v.risk.org_id, Permission::RecordRead)
        .await?;
    let (_, systems) = st
        .app
        .list_systems(
            &pc.p,
            &org.id,
            &ListQuery::all(HARD_LIMIT).with("archived", "1"),
        )
        .await?;
    // archived systems only when the risk links one
    let systems: Vec<InfoSystem> = systems
        .items
        .into_iter()
        .filter(|s| s.archived_at.is_none() || v.risk.system_id.as_ref() == Some(&s.id))
        .collect();
    let cx = ctx(
        &st.app,
        &pc,
        "risk.edit.title",
        "risk",
        fq.flash().as_deref(),
    )
    .await?;
    let can_write = pc.p.scope(Permission::RecordWrite).contains(&org.path);
    render(&RiskPage {
        ctx: cx,
        v,
        st: settings,
        systems,
        can_write,
    })
}

/// Saves the edit form.
pub async fn update(
    State(st): State<AppState>,
    PagePath(id): PagePath<RiskId>,
    form: PageForm<RiskForm>,
) -> PageResult {
    let (pc, f) = (form.pc, form.form);
    // access first: nothing about the form's validity is told to outsiders
    let (old, _) = st.app.get_risk(&pc.p, &id).await?;
    st.app
        .org_with(&pc.p, &old.risk.org_id, Permission::RecordWrite)
        .await?;
    let v = st.app.update_risk(&pc.p, &id, f.input()?).await?;
    Ok(see_other(&format!(
        "/risks/{}?ok=risk_edit.saved",
        v.risk.id
    )))
}

/// Deletes a risk.
pub async fn delete(
    State(st): State<AppState>,
    PagePath(id): PagePath<RiskId>,
    form: PageForm<NoFields>,
) -> PageResult {
    let pc = form.pc;
    let old = st.app.delete_risk(&pc.p, &id).await?;
    Ok(see_other(&format!(
        "/orgs/{}/risks?ok=risk_edit.deleted",
        old.org_id
    )))
}

/// The settings form: maxima (a common one or per factor), threshold,
/// labels as comma-separated lists. Blank fields take the defaults.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SettingsForm {
    scale_max: Option<String>,
    asset_value_max: Option<String>,
    likelihood_max: Option<String>,
    vulnerability_max: Option<String>,
    threshold: Option<String>,
    asset_value_labels_zh: Option<String>,
    asset_value_labels_en: Option<String>,
    likelihood_labels_zh: Option<String>,
    likelihood_labels_en: Option<String>,
    vulnerability_labels_zh: Option<String>,
    vulnerability_labels_en: Option<String>,
}

fn split_labels(s: Option<String>) -> Vec<String> {
    let s = s.unwrap_or_default();
    if s.trim().is_empty() {
        return Vec::new();
    }
    s.split([',', '，', '、'])
        .map(|x| x.trim().to_string())
        .collect()
}

pub async fn settings_save(
    State(st): State<AppState>,
    PagePath(id): PagePath<OrgId>,
    form: PageForm<SettingsForm>,
) -> PageResult {
    let (pc, f) = (form.pc, form.form);
    // access first: nothing about the form's validity is told to outsiders
    st.app.org_with(&pc.p, &id, Permission::RecordWrite).await?;
    let input = RiskSettingsInput {
        scale_max: num("scale_max", f.scale_max.as_deref())?,
        asset_value_max: num("asset_value_max", f.asset_value_max.as_deref())?,
        likelihood_max: num("likelihood_max", f.likelihood_max.as_deref())?,
        vulnerability_max: num("vulnerability_max", f.vulnerability_max.as_deref())?,
        threshold: num("threshold", f.threshold.as_deref())?,
        asset_value_labels_zh: split_labels(f.asset_value_labels_zh),
        asset_value_labels_en: split_labels(f.asset_value_labels_en),
        likelihood_labels_zh: split_labels(f.likelihood_labels_zh),
        likelihood_labels_en: split_labels(f.likelihood_labels_en),
        vulnerability_labels_zh: split_labels(f.vulnerability_labels_zh),
        vulnerability_labels_en: split_labels(f.vulnerability_labels_en),
    };
    st.app.set_risk_settings(&pc.p, &id, input).await?;
    Ok(see_other(&format!(
        "/orgs/{id}/risks?ok=risk_edit.settings_saved#settings-h"
    )))
}
