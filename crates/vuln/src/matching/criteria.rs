//! Interned, pre-parsed match criteria and inventory assets, and the
//! single-criterion test (NISTIR 7696 attribute relations plus NVD version
//! ranges).

use std::collections::HashMap;

use zian_cpe::{AttrRelation, Value, Wfn, compare_attr};
use zian_version::Version;

use crate::VulnError;

/// One bound of a version range.
#[derive(Debug, Clone)]
pub struct Bound {
    /// As written in the feed.
    pub raw: Box<str>,
    /// Parsed.
    pub version: Version,
    /// `…Including` (true) or `…Excluding` (false).
    pub inclusive: bool,
}

impl Bound {
    fn new(raw: &str, inclusive: bool) -> Bound {
        let raw = raw.trim();
        Bound {
            raw: raw.into(),
            version: Version::parse(raw),
            inclusive,
        }
    }
}

/// A parsed match criterion (a `cpeMatch` entry without its role, or a CPE
/// named by a CVE 5 `affected[]` entry).
#[derive(Debug, Clone)]
pub struct Criterion {
    /// The CPE as written (evidence).
    pub fs: Box<str>,
    /// Parsed name; `None` when the CPE is malformed (never matches).
    pub wfn: Option<Wfn>,
    /// NVD `matchCriteriaId`.
    pub match_id: Option<Box<str>>,
    /// Lower bound.
    pub start: Option<Bound>,
    /// Upper bound.
    pub end: Option<Bound>,
    /// Index keys (`part:vendor:product`); empty when vendor or product is
    /// not specific (such criteria are tested against every asset).
    pub keys: Vec<Box<str>>,
}

/// Result of testing one criterion against one asset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    /// The asset matched through the criterion's version range (its text is
    /// [`Criterion::range_text`]).
    pub ranged: bool,
    /// Attributes (bits indexed like [`ATTRIBUTES`]) where the asset is ANY
    /// and the criterion names a specific value: the match holds only if the
    /// asset turns out to have that value. Zero for a confirmed match.
    pub undecided: u16,
}

impl Hit {
    /// Whether the asset name is a subset of (or equal to) the criterion on
    /// every attribute (NISTIR 7696), i.e. nothing is left undecided.
    pub fn is_confirmed(&self) -> bool {
        self.undecided == 0
    }
}

/// Names of the WFN attributes in CPE order; bit `i` of
/// [`Hit::undecided`] refers to `ATTRIBUTES[i]`.
pub const ATTRIBUTES: [&str; 11] = [
    "part",
    "vendor",
    "product",
    "version",
    "update",
    "edition",
    "language",
    "sw_edition",
    "target_sw",
    "target_hw",
    "other",
];

/// Bit of the version attribute in [`Hit::undecided`].
pub const VERSION_BIT: u16 = 1 << 3;

impl Criterion {
    /// Whether the criterion carries a version range.
    pub fn has_range(&self) -> bool {
        self.start.is_some() || self.end.is_some()
    }

    /// Text of the range, e.g. `>=10.2.0 <10.2.9`.
    pub fn range_text(&self) -> Option<String> {
        if !self.has_range() {
            return None;
        }
        let mut parts = Vec::new();
        if let Some(s) = &self.start {
            parts.push(format!("{}{}", if s.inclusive { ">=" } else { ">" }, s.raw));
        }
        if let Some(e) = &self.end {
            parts.push(format!("{}{}", if e.inclusive { "<=" } else { "<" }, e.raw));
        }
        Some(parts.join(" "))
    }

    /// Whether a version lies inside the bounds.
    pub fn in_range(&self, v: &Version) -> bool {
        if let Some(s) = &self.start {
            let ok = if s.inclusive {
                *v >= s.version
            } else {
                *v > s.version
            };
            if !ok {
                return false;
            }
        }
        if let Some(e) = &self.end {
            let ok = if e.inclusive {
                *v <= e.version
            } else {
                *v < e.version
            };
            if !ok {
                return false;
            }
        }
        true
    }

    /// Test this criterion against an asset.
    ///
    /// * part, vendor and product: the NISTIR 7696 relation of (criterion,
    ///   asset) must be SUPERSET or EQUAL;
    /// * update, edition, language, sw_edition, target_sw, target_hw and
    ///   other: SUPERSET or EQUAL (decided), or the asset value is ANY where
    ///   the criterion is specific (SUBSET: undecided, see [`Hit::undecided`]);
    /// * version without a range: the 7696 test (SUPERSET or EQUAL), or the
    ///   asset's version is ANY where the criterion names one (undecided);
    /// * version with a range: the criterion's version must be ANY or cover
    ///   the asset's, and the asset's version a specific value inside the
    ///   range; an asset whose version is ANY (`*`) matches as undecided
    ///   ("version" is what would decide it). NA (`-`) never falls in a range.
    pub fn matches(&self, asset: &Asset) -> Option<Hit> {
        let mut undecided = self.attrs_mask(asset)?;
        let w = self.wfn.as_ref()?;
        let a = &asset.wfn;
        if self.has_range() {
            if a.version.is_any() {
                undecided |= VERSION_BIT;
                return Some(Hit {
                    ranged: true,
                    undecided,
                });
            }
            if !w.version.is_any() {
                // A specific version plus a range: both must hold.
                if !covers(&w.version, &a.version) {
                    return None;
                }
            }
            let v = asset.version.as_ref()?;
            if !self.in_range(v) {
                return None;
            }
            Some(Hit {
                ranged: true,
                undecided,
            })
        } else if covers(&w.version, &a.version) {
            Some(Hit {
                ranged: false,
                undecided,
            })
        } else if a.version.is_any() {
            // The criterion names a version (or NA) the asset does not state.
            Some(Hit {
                ranged: false,
                undecided: undecided | VERSION_BIT,
            })
        } else {
            None
        }
    }

    /// NISTIR 7696 test of every attribute except the version.
    pub fn attrs_cover(&self, asset: &Asset) -> bool {
        self.attrs_mask(asset).is_some()
    }

    /// Like [`Criterion::attrs_cover`], returning the undecided attributes
    /// (bits as in [`Hit::undecided`]) when the criterion applies. No
    /// allocation.
    pub fn attrs_mask(&self, asset: &Asset) -> Option<u16> {
        let w = self.wfn.as_ref()?;
        let a = &asset.wfn;
        if !(covers(&w.part, &a.part)
            && covers(&w.vendor, &a.vendor)
            && covers(&w.product, &a.product))
        {
            return None;
        }
        let rest = [
            (&w.update, &a.update),
            (&w.edition, &a.edition),
            (&w.language, &a.language),
            (&w.sw_edition, &a.sw_edition),
            (&w.target_sw, &a.target_sw),
            (&w.target_hw, &a.target_hw),
            (&w.other, &a.other),
        ];
        let mut mask = 0u16;
        for (i, (s, t)) in rest.iter().enumerate() {
            if covers(s, t) {
                continue;
            }
            if t.is_any() {
                mask |= 1 << (i + 4);
            } else {
                return None;
            }
        }
        Some(mask)
    }

    /// The criterion's value of an undecided attribute (index into
    /// [`ATTRIBUTES`]), for display: the range (and specific version, if
    /// any) for the version, the unquoted value otherwise.
    pub fn criterion_value(&self, attr: usize) -> String {
        let Some(w) = self.wfn.as_ref() else {
            return String::new();
        };
        let vals = [
            &w.part,
            &w.vendor,
            &w.product,
            &w.version,
            &w.update,
            &w.edition,
            &w.language,
            &w.sw_edition,
            &w.target_sw,
            &w.target_hw,
            &w.other,
        ];
        let Some(v) = vals.get(attr) else {
            return String::new();
        };
        let text = v.unquoted().unwrap_or_else(|| v.to_string());
        if attr == 3
            && let Some(r) = self.range_text()
        {
            return if v.is_any() { r } else { format!("{text} {r}") };
        }
        text
    }
}

/// NISTIR 7696 applicability of one attribute: SUPERSET or EQUAL.
pub fn covers(source: &Value, target: &Value) -> bool {
    matches!(
        compare_attr(source, target),
        AttrRelation::Superset | AttrRelation::Equal
    )
}

/// Like [`covers`], but an asset value ANY ("not stated" in an inventory)
/// is accepted too: used for update, edition, language, sw_edition,
/// target_sw, target_hw and other, where NISTIR 7696 would answer SUBSET.
/// An inventory that does not state its target hardware is not known to be
/// safe from an x64-only entry; a stated different value (DISJOINT) still
/// excludes it.
pub fn covers_unstated(source: &Value, target: &Value) -> bool {
    target.is_any() || covers(source, target)
}

/// The `part:vendor:product` key of a name when all three are specific
/// values (no ANY, NA or wildcard), as used by the indexes.
pub fn pvp_key(w: &Wfn) -> Option<String> {
    let lit = |v: &Value| match v {
        Value::Str(s) if !v.has_wildcard() => Some(s.clone()),
        _ => None,
    };
    Some(format!(
        "{}:{}:{}",
        lit(&w.part)?,
        lit(&w.vendor)?,
        lit(&w.product)?
    ))
}

/// The index keys a criterion is filed under: its own key, or one key per
/// part when the part is ANY (CVE 5 names built from vendor/product alone).
/// Empty when vendor or product is not a specific value: such criteria are
/// kept in a separate list and tested against every asset.
pub fn criterion_keys(w: &Wfn) -> Vec<String> {
    if let Some(k) = pvp_key(w) {
        return vec![k];
    }
    if w.part.is_any() {
        let mut out = Vec::new();
        for p in ["a", "o", "h"] {
            let mut c = w.clone();
            c.part = Value::Str(p.to_owned());
            if let Some(k) = pvp_key(&c) {
                out.push(k);
            }
        }
        return out;
    }
    Vec::new()
}

/// The table of interned criteria, shared by all records of a store.
#[derive(Debug, Default, Clone)]
pub struct CriteriaTable {
    items: Vec<Criterion>,
    /// `(criteria, bounds)` text → id; complete when `lookup_complete`,
    /// else built on the first [`CriteriaTable::intern`] (a table loaded
    /// from a compiled store for matching never needs it).
    lookup: HashMap<Box<str>, u32, foldhash::fast::RandomState>,
    lookup_complete: bool,
    invalid: u64,
}

fn lookup_key(
    criteria: &str,
    si: Option<&str>,
    se: Option<&str>,
    ei: Option<&str>,
    ee: Option<&str>,
) -> String {
    format!(
        "{}|{}|{}|{}|{}",
        criteria,
        si.unwrap_or(""),
        se.unwrap_or(""),
        ei.unwrap_or(""),
        ee.unwrap_or("")
    )
}

impl Criterion {
    /// A criterion from its already parsed parts (as saved in a compiled
    /// store): no CPE parsing; the bounds' versions are parsed from their
    /// text. `start`/`end` are `(text, inclusive)`.
    pub fn from_parts(
        fs: Box<str>,
        wfn: Option<Wfn>,
        match_id: Option<Box<str>>,
        start: Option<(Box<str>, bool)>,
        end: Option<(Box<str>, bool)>,
        keys: Vec<Box<str>>,
    ) -> Criterion {
        let bound = |(raw, inclusive): (Box<str>, bool)| Bound {
            version: Version::parse(&raw),
            raw,
            inclusive,
        };
        Criterion {
            fs,
            wfn,
            match_id,
            start: start.map(bound),
            end: end.map(bound),
            keys,
        }
    }

    fn lookup_key(&self) -> String {
        let (si, se) = match &self.start {
            Some(b) if b.inclusive => (Some(&*b.raw), None),
            Some(b) => (None, Some(&*b.raw)),
            None => (None, None),
        };
        let (ei, ee) = match &self.end {
            Some(b) if b.inclusive => (Some(&*b.raw), None),
            Some(b) => (None, Some(&*b.raw)),
            None => (None, None),
        };
        lookup_key(&self.fs, si, se, ei, ee)
    }
}

impl CriteriaTable {
    /// Intern a criterion; equal (criteria, bounds) pairs share one entry.
    /// Returns its id and whether the CPE parsed.
    pub fn intern(
        &mut self,
        criteria: &str,
        match_id: Option<&str>,
        start_incl: Option<&str>,
        start_excl: Option<&str>,
        end_incl: Option<&str>,
        end_excl: Option<&str>,
    ) -> (u32, bool) {
        fn norm(o: Option<&str>) -> Option<&str> {
            o.map(str::trim).filter(|s| !s.is_empty())
        }
        let (si, se, ei, ee) = (
            norm(start_incl),
            norm(start_excl),
            norm(end_incl),
            norm(end_excl),
        );
        if !self.lookup_complete {
            self.rebuild_lookup();
        }
        let key = lookup_key(criteria, si, se, ei, ee);
        if let Some(&id) = self.lookup.get(key.as_str()) {
            let ok = self.items[id as usize].wfn.is_some();
            return (id, ok);
        }
        let wfn = Wfn::parse(&criteria.to_ascii_lowercase()).ok();
        let ok = wfn.is_some();
        if !ok {
            self.invalid += 1;
        }
        let start = si
            .map(|s| Bound::new(s, true))
            .or_else(|| se.map(|s| Bound::new(s, false)));
        let end = ei
            .map(|s| Bound::new(s, true))
            .or_else(|| ee.map(|s| Bound::new(s, false)));
        let id = u32::try_from(self.items.len()).unwrap_or(u32::MAX);
        let keys = wfn
            .as_ref()
            .map(|w| {
                criterion_keys(w)
                    .into_iter()
                    .map(String::into_boxed_str)
                    .collect()
            })
            .unwrap_or_default();
        self.items.push(Criterion {
            fs: criteria.into(),
            keys,
            wfn,
            match_id: match_id.map(Into::into),
            start,
            end,
        });
        self.lookup.insert(key.into_boxed_str(), id);
        (id, ok)
    }

    /// A table of criteria already parsed (as saved in a compiled store),
    /// ids in order. The lookup used by [`CriteriaTable::intern`] is built
    /// on its first call.
    pub fn from_criteria(items: Vec<Criterion>) -> CriteriaTable {
        let invalid = items.iter().filter(|c| c.wfn.is_none()).count() as u64;
        CriteriaTable {
            items,
            lookup: HashMap::default(),
            lookup_complete: false,
            invalid,
        }
    }

    fn rebuild_lookup(&mut self) {
        self.lookup.clear();
        self.lookup.reserve(self.items.len());
        for (i, c) in self.items.iter().enumerate() {
            let id = u32::try_from(i).unwrap_or(u32::MAX);
            // The first of equal criteria keeps the key (a table from a
            // store never holds two, but a corrupt one must not panic).
            self.lookup
                .entry(c.lookup_key().into_boxed_str())
                .or_insert(id);
        }
        self.lookup_complete = true;
    }

    /// The criterion with this id.
    pub fn get(&self, id: u32) -> Option<&Criterion> {
        self.items.get(id as usize)
    }

    /// Number of distinct criteria.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether the table is empty.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Number of criteria whose CPE did not parse.
    pub fn invalid(&self) -> u64 {
        self.invalid
    }

    /// All criteria with their ids.
    pub fn iter(&self) -> impl Iterator<Item = (u32, &Criterion)> {
        self.items
            .iter()
            .enumerate()
            .map(|(i, c)| (u32::try_from(i).unwrap_or(u32::MAX), c))
    }
}

/// An inventory asset: a specific CPE name (never a wildcard vendor or product).
#[derive(Debug, Clone)]
pub struct Asset {
    /// The CPE 2.3 formatted string (as given, or built).
    pub cpe23: String,
    /// Parsed.
    pub wfn: Wfn,
    /// The version when it is a specific value without wildcards.
    pub version: Option<Version>,
    /// `part:vendor:product`.
    pub key: String,
}

impl Asset {
    /// Parse a CPE (formatted string or URI). Names with ANY, NA or
    /// wildcards in part, vendor or product are rejected: they would match
    /// everything (Dependency-Track #3178).
    pub fn from_cpe(cpe: &str) -> Result<Asset, VulnError> {
        let trimmed = cpe.trim();
        let wfn = Wfn::parse(&trimmed.to_ascii_lowercase()).map_err(|e| VulnError::BadAsset {
            name: trimmed.to_owned(),
            reason: e.to_string(),
        })?;
        wfn.is_specific_inventory_name()
            .map_err(|e| VulnError::BadAsset {
                name: trimmed.to_owned(),
                reason: e.to_string(),
            })?;
        let key = pvp_key(&wfn).ok_or_else(|| VulnError::BadAsset {
            name: trimmed.to_owned(),
            reason: "part, vendor and product must be specific values".into(),
        })?;
        let version = match &wfn.version {
            v @ Value::Str(_) if !v.has_wildcard() => v.unquoted().map(|s| Version::parse(&s)),
            _ => None,
        };
        Ok(Asset {
            cpe23: trimmed.to_owned(),
            wfn,
            version,
            key,
        })
    }

    /// Build `cpe:2.3:a:vendor:product:version:*:*:*:*:*:*:*` from names
    /// (lower-cased, spaces to `_`, other special characters quoted) and parse it.
    pub fn from_parts(vendor: &str, product: &str, version: &str) -> Result<Asset, VulnError> {
        Asset::from_cpe(&build_cpe23("a", vendor, product, version))
    }

    /// The version as unquoted text, if specific.
    pub fn version_text(&self) -> Option<String> {
        match &self.wfn.version {
            v @ Value::Str(_) => v.unquoted(),
            _ => None,
        }
    }

    /// The update as unquoted text, if specific.
    pub fn update_text(&self) -> Option<String> {
        match &self.wfn.update {
            v @ Value::Str(_) => v.unquoted(),
            _ => None,
        }
    }
}

/// Quote one attribute for the CPE 2.3 formatted-string binding (NISTIR 7695
/// §6.2): lower-case, whitespace to `_`, `\` before every character other than
/// letters, digits, `_`, `-` and `.`; empty → `*` (ANY).
pub fn fs_quote(s: &str) -> String {
    let t = s.trim();
    if t.is_empty() {
        return "*".into();
    }
    let mut out = String::with_capacity(t.len() + 4);
    for c in t.chars() {
        if c.is_whitespace() {
            out.push('_');
        } else if c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.') {
            out.push(c.to_ascii_lowercase());
        } else if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else {
            out.push('\\');
            out.push(c);
        }
    }
    out
}

/// Build a CPE 2.3 formatted string from names.
pub fn build_cpe23(part: &str, vendor: &str, product: &str, version: &str) -> String {
    format!(
        "cpe:2.3:{}:{}:{}:{}:*:*:*:*:*:*:*",
        part,
        fs_quote(vendor),
        fs_quote(product),
        fs_quote(version)
    )
}
