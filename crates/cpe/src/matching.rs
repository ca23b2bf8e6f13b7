//! CPE name matching (NISTIR 7696 §6): attribute comparison (Table 6-2) and name
//! comparison (§6.2).

use serde::Serialize;

use crate::value::{Value, str_has_wildcard};
use crate::wfn::{Attribute, Wfn};

/// Set relation between a source and a target attribute value (NISTIR 7696 §6.1.1).
///
/// The specification's fifth result, UNDEFINED (the target holds a wildcard pattern), is
/// not a variant: [`compare_attr`] reports it as `Disjoint`, and [`compare_attr_defined`]
/// returns `None` for it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AttrRelation {
    /// The source denotes more values than the target (e.g. source ANY, target `"7"`).
    Superset,
    /// The source denotes fewer values than the target (e.g. source `"7"`, target ANY).
    Subset,
    /// Both denote the same values.
    Equal,
    /// No value in common.
    Disjoint,
}

/// Compares one source attribute value with one target attribute value following the
/// `compare` function and Table 6-2 of NISTIR 7696 (§6.1.2):
///
/// | source \ target | ANY | NA | string `i` | pattern `m` |
/// |---|---|---|---|---|
/// | ANY | EQUAL | SUPERSET | SUPERSET | undefined |
/// | NA | SUBSET | EQUAL | DISJOINT | undefined |
/// | string `i` | SUBSET | DISJOINT | EQUAL if same, else DISJOINT | undefined |
/// | pattern `m` | SUBSET | DISJOINT | SUPERSET if `m` matches, else DISJOINT | undefined |
///
/// Strings compare ASCII-case-insensitively. A pattern has a leading and/or trailing
/// `*` (zero or more characters) or run of `n` `?`; as in the specification's
/// `compare_strings` pseudo-code, a run of `n` `?` admits up to `n` characters. Quoted
/// characters (`\.`) count as one character.
///
/// **Undefined → Disjoint:** when the target holds a wildcard pattern the specification
/// leaves the relation undefined; this function then returns [`AttrRelation::Disjoint`],
/// so a target pattern never produces a match. Use [`compare_attr_defined`] to tell the
/// two apart.
pub fn compare_attr(source: &Value, target: &Value) -> AttrRelation {
    compare_attr_defined(source, target).unwrap_or(AttrRelation::Disjoint)
}

/// Like [`compare_attr`], but returns `None` where NISTIR 7696 leaves the relation
/// undefined (the target is a wildcard pattern).
pub fn compare_attr_defined(source: &Value, target: &Value) -> Option<AttrRelation> {
    use AttrRelation::{Disjoint, Equal, Subset, Superset};
    if let Value::Str(t) = target
        && str_has_wildcard(t)
    {
        return None;
    }
    Some(match (source, target) {
        (Value::Any, Value::Any) | (Value::Na, Value::Na) => Equal,
        (Value::Any, _) => Superset,
        (_, Value::Any) => Subset,
        (Value::Na, _) | (_, Value::Na) => Disjoint,
        (Value::Str(s), Value::Str(t)) => {
            if s.eq_ignore_ascii_case(t) {
                Equal
            } else if str_has_wildcard(s) && pattern_matches(s, t) {
                Superset
            } else {
                Disjoint
            }
        }
    })
}

/// The four name-level relations of NISTIR 7696 §6.2 for (source, target).
///
/// When any attribute comparison is UNDEFINED (the target holds a wildcard pattern, see
/// [`compare_attr_defined`]), all four are `false`; [`compare_defined`] tells that case
/// apart from a mixed SUBSET/SUPERSET result.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct NameRelation {
    /// CPE_DISJOINT: some attribute relation is DISJOINT and none is UNDEFINED.
    pub disjoint: bool,
    /// CPE_EQUAL: every attribute relation is EQUAL.
    pub equal: bool,
    /// CPE_SUBSET: every attribute relation is SUBSET or EQUAL.
    pub subset: bool,
    /// CPE_SUPERSET: every attribute relation is SUPERSET or EQUAL — the usual "source
    /// (e.g. an NVD criterion) matches target (an inventory name)" test.
    pub superset: bool,
}

/// Compares two names attribute by attribute with [`compare_attr_defined`] and combines
/// the results as NISTIR 7696 §6.2 defines CPE_DISJOINT, CPE_EQUAL, CPE_SUBSET and
/// CPE_SUPERSET. If any attribute relation is UNDEFINED (a target value with unquoted
/// wildcards), the name relation is undefined and all four are `false`. Does not allocate
/// unless a source value is a wildcard pattern.
pub fn compare(source: &Wfn, target: &Wfn) -> NameRelation {
    compare_defined(source, target).unwrap_or(NameRelation {
        disjoint: false,
        equal: false,
        subset: false,
        superset: false,
    })
}

/// Like [`compare`], but returns `None` where NISTIR 7696 leaves the name relation
/// undefined: some attribute comparison is UNDEFINED (the target value holds unquoted
/// wildcards).
pub fn compare_defined(source: &Wfn, target: &Wfn) -> Option<NameRelation> {
    let mut r = NameRelation {
        disjoint: false,
        equal: true,
        subset: true,
        superset: true,
    };
    for a in Attribute::ALL {
        match compare_attr_defined(source.get(a), target.get(a))? {
            AttrRelation::Equal => {}
            AttrRelation::Subset => {
                r.equal = false;
                r.superset = false;
            }
            AttrRelation::Superset => {
                r.equal = false;
                r.subset = false;
            }
            AttrRelation::Disjoint => {
                r.disjoint = true;
                r.equal = false;
                r.subset = false;
                r.superset = false;
            }
        }
    }
    Some(r)
}

/// Whether `source` matches `target` in the sense used for vulnerability matching:
/// CPE_SUPERSET (every attribute of the source is a superset of, or equal to, the
/// target's). Stops at the first attribute that rules a match out.
pub fn is_superset(source: &Wfn, target: &Wfn) -> bool {
    Attribute::ALL.into_iter().all(|a| {
        matches!(
            compare_attr(source.get(a), target.get(a)),
            AttrRelation::Superset | AttrRelation::Equal
        )
    })
}

/// How far a leading or trailing wildcard run reaches: `*` → unbounded, `n` × `?` → up to
/// `n` characters, no run → 0.
fn run_reach(run: &[u8]) -> usize {
    if run.contains(&b'*') {
        usize::MAX
    } else {
        run.len()
    }
}

/// The unquoted, lower-cased characters of a canonical WFN string without wildcards.
fn logical_lower(s: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        if s[i] == b'\\' {
            if let Some(&n) = s.get(i + 1) {
                out.push(n.to_ascii_lowercase());
            }
            i += 2;
        } else {
            out.push(s[i].to_ascii_lowercase());
            i += 1;
        }
    }
    out
}

/// `compare_strings` of NISTIR 7696 §6.1.2: does pattern `source` (a canonical WFN string
/// with leading and/or trailing wildcards) match the wildcard-free `target`?
fn pattern_matches(source: &str, target: &str) -> bool {
    let s = source.as_bytes();
    // Leading run: unquoted specials at the start.
    let lead_end = s.iter().take_while(|&&b| b == b'*' || b == b'?').count();
    // Body: up to the trailing run; walk tokens so a quoted `\*` is not taken for a
    // wildcard.
    let mut i = lead_end;
    let mut body_end = lead_end;
    while i < s.len() {
        match s[i] {
            b'*' | b'?' => i += 1,
            b'\\' => {
                i += 2;
                body_end = i.min(s.len());
            }
            _ => {
                i += 1;
                body_end = i;
            }
        }
    }
    let (lead, body, trail) = if body_end == lead_end {
        // Only wildcards: `??`, `*`, `??*`, `*??` — split after a leading `*` or before a
        // trailing one.
        let run = &s[..lead_end];
        match run.iter().position(|&b| b == b'*') {
            Some(0) => (&run[..1], &run[1..1], &run[1..]),
            Some(p) => (&run[..p], &run[p..p], &run[p..]),
            None => (run, &run[..0], &run[..0]),
        }
    } else {
        (&s[..lead_end], &s[lead_end..body_end], &s[body_end..])
    };
    let lead_reach = run_reach(lead);
    let trail_reach = run_reach(trail);
    let body = logical_lower(body);
    let t = logical_lower(target.as_bytes());
    if body.len() > t.len() {
        return false;
    }
    let last_start = (t.len() - body.len()).min(lead_reach);
    (0..=last_start).any(|start| {
        t.len() - start - body.len() <= trail_reach && t[start..start + body.len()] == body[..]
    })
}
