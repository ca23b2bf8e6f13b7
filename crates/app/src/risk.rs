//! The risk register (NICS 資通系統風險評鑑參考指引, seed 003 捌): risk =
//! asset value × threat likelihood × vulnerability on 1–3 scales
//! ([`zian_rules::risk::RiskMethod::nics_default`]), the organisation's
//! acceptance threshold, treatment (accept / mitigate / transfer / avoid) with
//! owner and due date, and the residual risk after treatment. The heat map
//! counts risks per (likelihood, vulnerability) cell for each asset value.

use serde::Serialize;
use zian_domain::{Organisation, Permission};
use zian_rules::risk::{RiskMethod, RiskScore};
use zian_storage::{RiskFilter, RiskRow};

use crate::compliance::ymd;
use crate::systems::parse_impact;
use crate::{App, AppError, Principal, Result};

/// Treatments (風險處理).
pub const TREATMENTS: [&str; 4] = ["accept", "mitigate", "transfer", "avoid"];
/// Register statuses.
pub const RISK_STATUSES: [&str; 3] = ["open", "treating", "closed"];

/// A risk to record.
#[derive(Debug, Clone, Default)]
pub struct RiskInput {
    pub system_id: Option<String>,
    pub asset: String,
    pub threat: String,
    pub weakness: String,
    /// 1–3; default: from the linked system's protection level (普 1, 中 2, 高 3).
    pub asset_value: Option<u32>,
    pub likelihood: u32,
    pub vulnerability: u32,
    /// Default: the method's default threshold.
    pub threshold: Option<u32>,
    pub treatment: String,
    pub owner: String,
    /// YYYY-MM-DD (parsed after the access check).
    pub due_on: Option<String>,
    pub residual_likelihood: Option<u32>,
    pub residual_vulnerability: Option<u32>,
    /// Default `open`.
    pub status: Option<String>,
}

/// A risk with its band.
#[derive(Debug, Clone, Serialize)]
pub struct RiskView {
    pub risk: RiskRow,
    pub score: RiskScore,
    pub residual: Option<RiskScore>,
}

/// One heat-map cell.
#[derive(Debug, Clone, Serialize)]
pub struct HeatCell {
    pub likelihood: u32,
    pub vulnerability: u32,
    pub score: RiskScore,
    pub count: usize,
}

/// The heat map for one asset value: rows = likelihood 1..=3, columns =
/// vulnerability 1..=3.
#[derive(Debug, Clone, Serialize)]
pub struct HeatMap {
    pub asset_value: u32,
    pub cells: Vec<Vec<HeatCell>>,
}

/// The register of an organisation.
#[derive(Debug, Clone, Serialize)]
pub struct RiskRegister {
    pub org: Organisation,
    pub risks: Vec<RiskView>,
    pub heat_maps: Vec<HeatMap>,
    pub threshold: u32,
}

fn method(threshold: Option<u32>) -> Result<RiskMethod> {
    let mut m = RiskMethod::nics_default();
    if let Some(t) = threshold {
        m.acceptance_threshold = t;
    }
    m.validate()
        .map_err(|e| AppError::invalid("threshold", e.to_string()))?;
    Ok(m)
}

fn u(v: i64) -> u32 {
    u32::try_from(v).unwrap_or(0)
}

fn view(r: RiskRow) -> Result<RiskView> {
    let m = method(Some(u(r.threshold)))?;
    let bad = |e: zian_rules::RulesError| AppError::Internal(format!("stored risk {}: {e}", r.id));
    let score = m
        .score(&[u(r.asset_value), u(r.likelihood), u(r.vulnerability)])
        .map_err(bad)?;
    let residual = match (r.residual_likelihood, r.residual_vulnerability) {
        (Some(l), Some(v)) => Some(m.score(&[u(r.asset_value), u(l), u(v)]).map_err(bad)?),
        _ => None,
    };
    Ok(RiskView {
        risk: r,
        score,
        residual,
    })
}

fn text(field: &str, v: &str, max: usize) -> Result<String> {
    let t = v.trim();
    if t.is_empty() {
        return Err(AppError::invalid(field, "required"));
    }
    if t.chars().count() > max {
        return Err(AppError::invalid(
            field,
            format!("at most {max} characters"),
        ));
    }
    Ok(t.to_string())
}

impl App {
    /// The register of an organisation, filtered, with heat maps.
    pub async fn risk_register(
        &self,
        p: &Principal,
        org_id: &str,
        mut f: RiskFilter,
    ) -> Result<RiskRegister> {
        let org = self.org_with(p, org_id, Permission::RecordRead).await?;
        f.org_id = Some(org.id.clone());
        if let Some(t) = &f.treatment
            && !TREATMENTS.contains(&t.as_str())
        {
            return Err(AppError::invalid(
                "treatment",
                "accept, mitigate, transfer or avoid",
            ));
        }
        if let Some(s) = &f.status
            && !RISK_STATUSES.contains(&s.as_str())
        {
            return Err(AppError::invalid("status", "open, treating or closed"));
        }
        let rows = self
            .store
            .list_risks(&p.scope(Permission::RecordRead), &f)
            .await?;
        let risks: Vec<RiskView> = rows.into_iter().map(view).collect::<Result<_>>()?;
        let m = method(None)?;
        let mut heat_maps = Vec::new();
        for av in 1..=3u32 {
            let grid = m
                .heat_map(&[av])
                .map_err(|e| AppError::Internal(format!("heat map: {e}")))?;
            let mut cells = Vec::new();
            for (li, row) in grid.into_iter().enumerate() {
                let l = u32::try_from(li).unwrap_or(0) + 1;
                let mut out = Vec::new();
                for (vi, score) in row.into_iter().enumerate() {
                    let v = u32::try_from(vi).unwrap_or(0) + 1;
                    let count = risks
                        .iter()
                        .filter(|r| {
                            u(r.risk.asset_value) == av
                                && u(r.risk.likelihood) == l
                                && u(r.risk.vulnerability) == v
                        })
                        .count();
                    out.push(HeatCell {
                        likelihood: l,
                        vulnerability: v,
                        score,
                        count,
                    });
                }
                cells.push(out);
            }
            heat_maps.push(HeatMap {
                asset_value: av,
                cells,
            });
        }
        Ok(RiskRegister {
            org,
            risks,
            heat_maps,
            threshold: m.acceptance_threshold,
        })
    }

    /// Records a risk.
    pub async fn create_risk(
        &self,
        p: &Principal,
        org_id: &str,
        input: RiskInput,
    ) -> Result<RiskView> {
        let org = self.org_with(p, org_id, Permission::RecordWrite).await?;
        let due_on = crate::systems::opt_date("due_on", input.due_on.as_deref())?;
        let system = match input
            .system_id
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            Some(id) => {
                let s = self.get_system(p, id).await?;
                if s.org_id != org.id {
                    return Err(AppError::invalid(
                        "system_id",
                        "a system of this organisation",
                    ));
                }
                Some(s)
            }
            None => None,
        };
        let asset_value = match (
            input.asset_value,
            system.as_ref().and_then(|s| s.level.clone()),
        ) {
            (Some(v), _) => v,
            (None, Some(l)) => parse_impact("level", &l)?.score(),
            (None, None) => {
                return Err(AppError::invalid(
                    "asset_value",
                    "required (1 to 3) when no graded system is linked",
                ));
            }
        };
        let m = method(input.threshold)?;
        let score = m
            .score(&[asset_value, input.likelihood, input.vulnerability])
            .map_err(|e| AppError::invalid("rating", e.to_string()))?;
        let residual = match (input.residual_likelihood, input.residual_vulnerability) {
            (Some(l), Some(v)) => Some(
                m.score(&[asset_value, l, v])
                    .map_err(|e| AppError::invalid("residual", e.to_string()))?,
            ),
            (None, None) => None,
            _ => {
                return Err(AppError::invalid(
                    "residual",
                    "give both residual likelihood and vulnerability",
                ));
            }
        };
        if !TREATMENTS.contains(&input.treatment.as_str()) {
            return Err(AppError::invalid(
                "treatment",
                "accept, mitigate, transfer or avoid",
            ));
        }
        if input.treatment != "accept" && due_on.is_none() {
            return Err(AppError::invalid(
                "due_on",
                "required for a treatment other than accept",
            ));
        }
        let status = input.status.clone().unwrap_or_else(|| "open".to_string());
        if !RISK_STATUSES.contains(&status.as_str()) {
            return Err(AppError::invalid("status", "open, treating or closed"));
        }
        let now = self.now();
        let row = RiskRow {
            id: self.ids.new_id(),
            org_id: org.id.clone(),
            system_id: system.map(|s| s.id),
            asset: text("asset", &input.asset, 200)?,
            threat: text("threat", &input.threat, 500)?,
            weakness: text("weakness", &input.weakness, 500)?,
            asset_value: i64::from(asset_value),
            likelihood: i64::from(input.likelihood),
            vulnerability: i64::from(input.vulnerability),
            risk_value: i64::from(score.value),
            threshold: i64::from(m.acceptance_threshold),
            treatment: input.treatment.clone(),
            owner: text("owner", &input.owner, 200)?,
            due_on: due_on.map(ymd),
            residual_likelihood: input.residual_likelihood.map(i64::from),
            residual_vulnerability: input.residual_vulnerability.map(i64::from),
            residual_value: residual.as_ref().map(|r| i64::from(r.value)),
            status,
            created_by: Some(p.user.id.clone()),
            created_at: now,
            updated_at: now,
        };
        let mut e = p.event("risk.created", Some(&org.id), Some(&row.id));
        e.details = serde_json::json!({"asset": row.asset, "risk_value": row.risk_value, "treatment": row.treatment});
        self.store
            .insert_risk(&p.scope(Permission::RecordWrite), &row, e)
            .await?;
        view(row)
    }
}
