//! The L1–L5 operations maturity framework an organisation's programme
//! starts from (`data/maturity.toml`): the layers with their default
//! starting and target maturity and scoring rubric, the programme's length
//! and phases, and the key results with the figure each may be bound to.

use serde::Deserialize;
use time::Date;

use crate::RulesError;

const TOML: &str = include_str!("../data/maturity.toml");

/// The figures a key result may be bound to (what
/// `zian_app::maturity::live_metric` computes).
pub const METRICS: &[&str] = &[
    "incident_mttr_hours",
    "dr_drills_year",
    "restore_tests_month",
    "audit_defect_rate",
    "obligations_met",
    "vans_handled_week",
    "training_hours",
    "phishing_click_rate",
    "edr_coverage",
    "soc_response_minutes",
];

/// One layer's defaults.
#[derive(Debug, Clone, PartialEq)]
pub struct LayerDefault {
    /// `l1` … `l5`
    pub code: String,
    pub name: String,
    pub start: f64,
    pub target: f64,
    /// Levels 1–5, the rubric's descriptions.
    pub rubric: [String; 5],
}

/// A phase: months `first..=last` of the programme (1-based).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhaseDefault {
    pub number: u8,
    pub first: u8,
    pub last: u8,
    pub title: String,
}

/// A key result's defaults.
#[derive(Debug, Clone, PartialEq)]
pub struct KeyResultDefault {
    pub code: String,
    pub layer: String,
    pub title: String,
    pub unit: String,
    pub baseline: Option<f64>,
    pub target: f64,
    /// At most the target (`lower`) rather than at least.
    pub lower_is_better: bool,
    /// One of [`METRICS`], or none (typed in).
    pub metric: Option<String>,
}

/// The framework as shipped.
#[derive(Debug, Clone, PartialEq)]
pub struct Framework {
    pub source: String,
    pub effective_from: Date,
    pub months: u8,
    pub phases: Vec<PhaseDefault>,
    pub layers: Vec<LayerDefault>,
    pub key_results: Vec<KeyResultDefault>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    source: String,
    effective_from: String,
    months: u8,
    phases: Vec<(u8, u8, u8, String)>,
    layer: Vec<RawLayer>,
    key_results: Vec<[String; 8]>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLayer {
    code: String,
    name: String,
    start: f64,
    target: f64,
    rubric: [String; 5],
}

fn score(x: f64) -> bool {
    (1.0..=5.0).contains(&x)
}

impl Framework {
    /// Parses and checks: the five layers in order with scores 1.0–5.0 and
    /// a target above the start, phases covering every month once in
    /// order, key results of known layers and metrics with unique codes.
    pub fn parse(src: &str) -> Result<Framework, RulesError> {
        let bad = |message: String| RulesError::Parse {
            file: "maturity.toml".to_string(),
            message,
        };
        let raw: RawFile = toml::from_str(src).map_err(|e| bad(e.to_string()))?;
        let fmt = time::macros::format_description!("[year]-[month]-[day]");
        let effective_from = Date::parse(&raw.effective_from, &fmt)
            .map_err(|e| bad(format!("effective_from: {e}")))?;
        if !(1..=60).contains(&raw.months) {
            return Err(bad(format!("months {}", raw.months)));
        }
        let codes = ["l1", "l2", "l3", "l4", "l5"];
        if raw.layer.len() != codes.len() || raw.layer.iter().zip(codes).any(|(l, c)| l.code != c) {
            return Err(bad("the layers are l1 to l5 in order".into()));
        }
        let mut layers = Vec::new();
        for l in raw.layer {
            if !score(l.start) || !score(l.target) || l.target <= l.start {
                return Err(bad(format!(
                    "layer {}: start {} target {}",
                    l.code, l.start, l.target
                )));
            }
            if l.name.trim().is_empty() || l.rubric.iter().any(|r| r.trim().is_empty()) {
                return Err(bad(format!("layer {}: name or rubric empty", l.code)));
            }
            layers.push(LayerDefault {
                code: l.code,
                name: l.name,
                start: l.start,
                target: l.target,
                rubric: l.rubric,
            });
        }
        let mut phases = Vec::new();
        let mut next = 1u8;
        for (i, (number, first, last, title)) in raw.phases.into_iter().enumerate() {
            if usize::from(number) != i + 1 || first != next || last < first {
                return Err(bad(format!("phase {number}: months {first}-{last}")));
            }
            next = last.saturating_add(1);
            phases.push(PhaseDefault {
                number,
                first,
                last,
                title,
            });
        }
        if next != raw.months.saturating_add(1) {
            return Err(bad("the phases do not cover the programme".into()));
        }
        let mut key_results: Vec<KeyResultDefault> = Vec::new();
        for [
            code,
            layer,
            title,
            unit,
            baseline,
            target,
            direction,
            metric,
        ] in raw.key_results
        {
            let num = |s: &str| {
                s.parse::<f64>()
                    .ok()
                    .filter(|x| x.is_finite())
                    .ok_or_else(|| bad(format!("{code}: number {s}")))
            };
            if key_results.iter().any(|k| k.code == code) {
                return Err(bad(format!("{code} defined twice")));
            }
            if !codes.contains(&layer.as_str()) || title.trim().is_empty() {
                return Err(bad(format!("{code}: layer {layer} or title")));
            }
            let lower_is_better = match direction.as_str() {
                "higher" => false,
                "lower" => true,
                d => return Err(bad(format!("{code}: direction {d}"))),
            };
            if !metric.is_empty() && !METRICS.contains(&metric.as_str()) {
                return Err(bad(format!("{code}: metric {metric}")));
            }
            key_results.push(KeyResultDefault {
                baseline: if baseline.is_empty() {
                    None
                } else {
                    Some(num(&baseline)?)
                },
                target: num(&target)?,
                code,
                layer,
                title,
                unit,
                lower_is_better,
                metric: (!metric.is_empty()).then_some(metric),
            });
        }
        Ok(Framework {
            source: raw.source,
            effective_from,
            months: raw.months,
            phases,
            layers,
            key_results,
        })
    }

    /// The shipped framework.
    ///
    /// # Panics
    /// Never in a build whose tests pass: the shipped file is checked.
    pub fn shipped() -> Framework {
        #[allow(clippy::expect_used)]
        Framework::parse(TOML).expect("the shipped maturity.toml parses")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_framework_has_the_seed_layers_phases_and_key_results() {
        let f = Framework::parse(TOML).unwrap();
        assert_eq!(f.months, 18);
        assert_eq!(f.layers[0].name, "可靠性與容災");
        assert_eq!((f.layers[1].start, f.layers[1].target), (1.5, 3.0));
        assert_eq!(
            f.phases
                .iter()
                .map(|p| (p.first, p.last))
                .collect::<Vec<_>>(),
            vec![(1, 3), (4, 6), (7, 12), (13, 18)]
        );
        let mttr = f.key_results.iter().find(|k| k.code == "KR2.1").unwrap();
        assert!(mttr.lower_is_better);
        assert_eq!(mttr.metric.as_deref(), Some("incident_mttr_hours"));
        assert_eq!(mttr.target, 4.0);
        for l in ["l1", "l2", "l3", "l4", "l5"] {
            assert!(
                f.key_results.iter().filter(|k| k.layer == l).count() >= 4,
                "{l}"
            );
        }
    }

    #[test]
    fn a_broken_framework_is_refused_with_the_reason() {
        let gap = TOML.replace("[2, 4, 6, \"保護與簡化\"]", "[2, 5, 6, \"保護與簡化\"]");
        assert!(
            Framework::parse(&gap)
                .unwrap_err()
                .to_string()
                .contains("phase 2")
        );
        let metric = TOML.replace("\"incident_mttr_hours\"]", "\"uptime\"]");
        assert!(
            Framework::parse(&metric)
                .unwrap_err()
                .to_string()
                .contains("metric uptime")
        );
        let target = TOML.replace("start = 2.0\ntarget = 3.0", "start = 2.0\ntarget = 1.0");
        assert!(
            Framework::parse(&target)
                .unwrap_err()
                .to_string()
                .contains("layer l1")
        );
        let twice = TOML.replace("\"KR1.2\"", "\"KR1.1\"");
        assert!(
            Framework::parse(&twice)
                .unwrap_err()
                .to_string()
                .contains("twice")
        );
    }
}
