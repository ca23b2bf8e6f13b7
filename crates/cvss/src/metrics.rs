//! Table-driven parsing and serialisation shared by all CVSS versions.
//!
//! Every version describes its metrics as a static table of [`MetricDef`]s in the canonical
//! (specification) order. A parsed vector is an array of value indices into that table: for a
//! mandatory metric the index selects one of its values; for an optional metric index 0 is the
//! "Not Defined" value (`X`, or `ND` in v2) and means "absent".

use crate::CvssError;

/// One metric of a CVSS version: its abbreviation and allowed values.
#[derive(Debug)]
pub(crate) struct MetricDef {
    /// Abbreviation as written in vectors, e.g. `AV`.
    pub name: &'static str,
    /// Allowed values; for optional metrics `values[0]` is the "Not Defined" value.
    pub values: &'static [&'static str],
    /// Whether the metric must be present.
    pub mandatory: bool,
}

impl MetricDef {
    pub(crate) const fn base(name: &'static str, values: &'static [&'static str]) -> Self {
        MetricDef {
            name,
            values,
            mandatory: true,
        }
    }

    pub(crate) const fn opt(name: &'static str, values: &'static [&'static str]) -> Self {
        MetricDef {
            name,
            values,
            mandatory: false,
        }
    }
}

/// Parses `METRIC:VALUE/METRIC:VALUE/...` (without prefix) against `defs`.
///
/// With `ordered` false (v2, v3.x) the order is free (those specifications list a preferred
/// order, common producers vary it); with `ordered` true (v4.0) every metric must come after the
/// metrics before it in `defs`, i.e. in specification order, else [`CvssError::OutOfOrder`]
/// names the first metric out of place. Strict on everything else: unknown metrics or values, duplicates, empty components and
/// missing mandatory metrics are errors. An explicit "Not Defined" value (`X`/`ND`) is accepted
/// for optional metrics and is equivalent to omitting the metric.
pub(crate) fn parse_components<const N: usize>(
    body: &str,
    defs: &'static [MetricDef; N],
    version: &'static str,
    ordered: bool,
) -> Result<[u8; N], CvssError> {
    let mut idx = [0u8; N];
    let mut seen = [false; N];
    // Table position of the metric written last, for the order check.
    let mut last: Option<usize> = None;
    if !body.is_empty() {
        for comp in body.split('/') {
            if comp.is_empty() {
                return Err(CvssError::EmptyComponent);
            }
            let (name, value) = comp
                .split_once(':')
                .ok_or_else(|| CvssError::MalformedComponent(comp.to_string()))?;
            let pos = defs.iter().position(|d| d.name == name).ok_or_else(|| {
                CvssError::UnknownMetric {
                    metric: name.to_string(),
                    version,
                }
            })?;
            let def = &defs[pos];
            if seen[pos] {
                return Err(CvssError::DuplicateMetric(def.name));
            }
            if let Some(prev) = last.filter(|&prev| ordered && prev > pos) {
                return Err(CvssError::OutOfOrder {
                    metric: def.name,
                    before: defs.get(prev).map_or("", |d| d.name),
                    version,
                });
            }
            last = Some(pos);
            let vpos = def.values.iter().position(|v| *v == value).ok_or_else(|| {
                CvssError::UnknownValue {
                    metric: def.name,
                    value: value.to_string(),
                }
            })?;
            seen[pos] = true;
            // Tables have at most a handful of values, far below u8::MAX.
            idx[pos] = u8::try_from(vpos).unwrap_or(u8::MAX);
        }
    }
    if let Some(missing) = defs.iter().zip(seen).find(|(d, s)| d.mandatory && !s) {
        return Err(CvssError::MissingMetric(missing.0.name));
    }
    Ok(idx)
}

/// Writes the defined metrics in canonical order, `/`-separated, omitting "Not Defined" ones.
pub(crate) fn write_components<const N: usize>(
    f: &mut std::fmt::Formatter<'_>,
    defs: &'static [MetricDef; N],
    idx: &[u8; N],
    mut first: bool,
) -> std::fmt::Result {
    for (def, &i) in defs.iter().zip(idx) {
        if !def.mandatory && i == 0 {
            continue;
        }
        if !first {
            f.write_str("/")?;
        }
        first = false;
        write!(f, "{}:{}", def.name, value_of(def, i))?;
    }
    Ok(())
}

/// The value string of index `i` (falls back to the first value for an impossible index).
pub(crate) fn value_of(def: &'static MetricDef, i: u8) -> &'static str {
    def.values
        .get(usize::from(i))
        .or_else(|| def.values.first())
        .copied()
        .unwrap_or("")
}

/// Whether any optional metric in `range` of the table is defined (not `X`/`ND`).
pub(crate) fn any_defined<const N: usize>(idx: &[u8; N], range: std::ops::Range<usize>) -> bool {
    idx.get(range).is_some_and(|s| s.iter().any(|&i| i != 0))
}

/// Round half up to one decimal (v4 final rounding; v2 computes in exact decimals, see `v2.rs`).
///
/// The v4 reference calculator adds a small epsilon so that a value a few ULPs below an `x.x5`
/// tie still rounds up; this does the same. A negative zero is normalised to `0.0`.
pub(crate) fn round1_half_up(x: f64) -> f64 {
    let r = ((x + 1e-6) * 10.0 + 0.5).floor() / 10.0;
    r + 0.0
}
