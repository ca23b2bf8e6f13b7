//! CPE names for free-text installed software: a Windows "DisplayName / DisplayVersion /
//! Publisher" triple in, up to five `cpe:2.3:a:…` candidates with a confidence out.
//!
//! * The [`Dictionary`] is NVD's list of vendor,product pairs (part `a`) with a title and a
//!   version-shape hint from the 2015 official dictionary, shipped in `data/products.tsv.gz`
//!   (see `data/SOURCE.md`). [`Dictionary::builtin`] decompresses it once per process.
//! * The [`Suggester`] holds the dictionary, a short built-in list of aliases for products
//!   whose NVD name cannot be read off the display name (`data/aliases.tsv`: "Java" is
//!   `oracle:jre`, "Microsoft Edge" is `microsoft:edge_chromium`), and the caller's
//!   overrides ([`Suggester::with_overrides`]: an organisation's confirmed mappings), which win
//!   over both.
//! * Matching: the display name is stripped of architecture, locale, installer and version
//!   noise ([`normalise_name`]); candidates share a word with it (or its compact form, so
//!   "7zip" meets "7-zip"); each is scored by an IDF-weighted Dice similarity of product
//!   words, by vendor evidence (the publisher, or the vendor's name inside the display
//!   name) and a weak prior (how many entries the pair has in the 2015 dictionary).
//! * The version is brought to the shape NVD uses for the product ([`normalise_version`]).
//!
//! Everything here is pure: no I/O, no clock, no randomness.

mod normalise;

use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::sync::OnceLock;

pub use normalise::{
    NameParts, Shape, compact, fs_quote, normalise_name, normalise_version, publisher_words,
    split_name,
};

/// The shipped dictionary (gzip TSV, see `data/SOURCE.md`).
const PRODUCTS_GZ: &[u8] = include_bytes!("../../data/products.tsv.gz");
/// The shipped aliases.
const ALIASES: &str = include_str!("../../data/aliases.tsv");

/// At most this many candidates per line.
pub const MAX_CANDIDATES: usize = 5;
/// Candidates scoring below this are not returned.
pub const MIN_CONFIDENCE: f64 = 0.45;
/// Confidence of a caller's override.
const OVERRIDE_CONFIDENCE: f64 = 1.0;
/// Confidence of a built-in alias.
const ALIAS_CONFIDENCE: f64 = 0.97;
/// Words in more product ids than this do not by themselves make an entry a candidate.
const MAX_POSTING: usize = 4000;
/// Entries scored in full per line.
const SHORTLIST: usize = 400;

/// A vendor and product as CPE 2.3 formatted-string components (`notepad\+\+`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct VendorProduct {
    pub vendor: String,
    pub product: String,
}

impl VendorProduct {
    /// Reads `vendor:product` (formatted-string quoting; a `:` inside a component is `\:`).
    pub fn parse(s: &str) -> Option<VendorProduct> {
        let mut split = None;
        let mut escaped = false;
        for (i, c) in s.char_indices() {
            match c {
                '\\' if !escaped => escaped = true,
                ':' if !escaped => {
                    if split.is_some() {
                        return None;
                    }
                    split = Some(i);
                }
                _ => escaped = false,
            }
        }
        let i = split?;
        let (v, p) = (s[..i].trim(), s[i + 1..].trim());
        let ok = |x: &str| !x.is_empty() && x.bytes().all(|b| b.is_ascii_graphic());
        (ok(v) && ok(p)).then(|| VendorProduct {
            vendor: v.to_owned(),
            product: p.to_owned(),
        })
    }
}

impl std::fmt::Display for VendorProduct {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.vendor, self.product)
    }
}

/// One suggestion.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Candidate {
    /// `cpe:2.3:a:vendor:product:version:update:*:*:*:*:*:*`.
    pub cpe23: String,
    /// Formatted-string component.
    pub vendor: String,
    /// Formatted-string component.
    pub product: String,
    /// Formatted-string component (`*` when unknown).
    pub version: String,
    /// Formatted-string component (`*` when none).
    #[serde(skip)]
    pub update: String,
    /// 0..1, rounded to three decimals.
    pub confidence: f64,
}

struct Entry {
    vendor: Box<str>,
    product: Box<str>,
    vendor_compact: Box<str>,
    vendor_words: Vec<String>,
    product_words: Vec<String>,
    product_compact: Box<str>,
    title_words: Vec<String>,
    shape: Shape,
    count: u32,
    /// Products of the same vendor in the dictionary.
    vendor_size: u32,
}

/// NVD vendor,product pairs with the words, titles and version shapes used for matching.
pub struct Dictionary {
    entries: Vec<Entry>,
    by_word: HashMap<String, Vec<u32>>,
    by_compact: HashMap<String, Vec<u32>>,
    by_key: HashMap<VendorProduct, u32>,
    vendors: HashSet<Box<str>>,
}

fn unquote(s: &str) -> String {
    s.replace('\\', "")
}

impl Dictionary {
    /// Reads the TSV form (`vendor<TAB>product<TAB>title<TAB>shape<TAB>count`, see
    /// `data/SOURCE.md`). Lines that do not have two non-empty first fields are skipped.
    pub fn from_tsv(tsv: &str) -> Dictionary {
        let mut d = Dictionary {
            entries: Vec::new(),
            by_word: HashMap::new(),
            by_compact: HashMap::new(),
            by_key: HashMap::new(),
            vendors: HashSet::new(),
        };
        for line in tsv.lines() {
            let mut f = line.split('\t');
            let (Some(vendor), Some(product)) = (f.next(), f.next()) else {
                continue;
            };
            if vendor.is_empty() || product.is_empty() {
                continue;
            }
            let title = f.next().unwrap_or("");
            let shape = Shape::parse(f.next().unwrap_or(""));
            let count = f.next().and_then(|c| c.parse().ok()).unwrap_or(0);
            let key = VendorProduct {
                vendor: vendor.to_owned(),
                product: product.to_owned(),
            };
            if d.by_key.contains_key(&key) {
                continue;
            }
            let Ok(id) = u32::try_from(d.entries.len()) else {
                break;
            };
            let (v, p) = (unquote(vendor), unquote(product));
            let entry = Entry {
                vendor: vendor.into(),
                product: product.into(),
                vendor_compact: compact(&v).into(),
                vendor_words: normalise::words(&v),
                product_words: normalise::words(&p),
                product_compact: compact(&p).into(),
                title_words: normalise::words(title),
                shape,
                count,
                vendor_size: 0,
            };
            let mut seen: HashSet<&str> = HashSet::new();
            for w in entry.product_words.iter().chain(&entry.title_words) {
                if seen.insert(w) {
                    d.by_word.entry(w.clone()).or_default().push(id);
                }
            }
            d.by_compact
                .entry(entry.product_compact.to_string())
                .or_default()
                .push(id);
            d.vendors.insert(entry.vendor_compact.clone());
            d.by_key.insert(key, id);
            d.entries.push(entry);
        }
        let mut sizes: HashMap<Box<str>, u32> = HashMap::new();
        for e in &d.entries {
            *sizes.entry(e.vendor.clone()).or_default() += 1;
        }
        for e in &mut d.entries {
            e.vendor_size = sizes.get(&e.vendor).copied().unwrap_or(0);
        }
        d
    }

    /// The dictionary shipped in the crate, decompressed on first use.
    pub fn builtin() -> &'static Dictionary {
        static DICT: OnceLock<Dictionary> = OnceLock::new();
        DICT.get_or_init(|| {
            let mut tsv = String::new();
            flate2::read::GzDecoder::new(PRODUCTS_GZ)
                .read_to_string(&mut tsv)
                .expect("the shipped products.tsv.gz is valid gzip UTF-8 (checked by tests)");
            Dictionary::from_tsv(&tsv)
        })
    }

    /// Number of vendor,product pairs.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the dictionary is empty.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Whether the dictionary holds this pair.
    pub fn contains(&self, vp: &VendorProduct) -> bool {
        self.by_key.contains_key(vp)
    }

    fn weight(&self, word: &str) -> f64 {
        match self.by_word.get(word) {
            Some(ids) => {
                let n = self.entries.len().max(1) as f64;
                1.0 + (n / (1.0 + ids.len() as f64)).ln()
            }
            None if word.is_ascii() => 1.0,
            None => 0.5,
        }
    }
}

/// Where a mapping comes from (overrides win over aliases).
#[derive(Debug, Clone)]
struct Target {
    vp: VendorProduct,
    shape: Option<Shape>,
}

/// The suggestion engine: a dictionary, the built-in aliases and the caller's overrides.
pub struct Suggester<'d> {
    dict: &'d Dictionary,
    overrides: HashMap<String, Target>,
    aliases: HashMap<String, Target>,
    publisher_aliases: HashMap<String, String>,
}

impl Suggester<'static> {
    /// The shipped dictionary and aliases.
    pub fn builtin() -> Suggester<'static> {
        Suggester::new(Dictionary::builtin())
    }
}

impl<'d> Suggester<'d> {
    /// A suggester over `dict` with the built-in aliases.
    pub fn new(dict: &'d Dictionary) -> Suggester<'d> {
        let mut s = Suggester {
            dict,
            overrides: HashMap::new(),
            aliases: HashMap::new(),
            publisher_aliases: HashMap::new(),
        };
        for line in ALIASES.lines() {
            let line = line.trim_end();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let f: Vec<&str> = line.split('\t').collect();
            match f.as_slice() {
                ["name", key, target, rest @ ..] => {
                    if let Some(vp) = VendorProduct::parse(target) {
                        let shape = rest.first().map(|x| Shape::parse(x));
                        s.aliases.insert(normalise_name(key), Target { vp, shape });
                    }
                }
                ["publisher", key, vendor] => {
                    s.publisher_aliases
                        .insert(publisher_words(key).join(" "), (*vendor).to_owned());
                }
                _ => {}
            }
        }
        s
    }

    /// Without the built-in aliases (dictionary matching only; for measuring).
    pub fn without_aliases(mut self) -> Suggester<'d> {
        self.aliases.clear();
        self.publisher_aliases.clear();
        self
    }

    /// Adds known mappings (display name → vendor:product), e.g. an organisation's confirmed
    /// ones. Names are compared after [`normalise_name`], so "Foo (x64) 1.2" and "foo"
    /// are the same key. An override wins over the aliases and the dictionary, and is
    /// returned with confidence 1.
    pub fn with_overrides<N: AsRef<str>>(
        mut self,
        overrides: impl IntoIterator<Item = (N, VendorProduct)>,
    ) -> Suggester<'d> {
        for (name, vp) in overrides {
            let key = normalise_name(name.as_ref());
            if !key.is_empty() {
                self.overrides.insert(key, Target { vp, shape: None });
            }
        }
        self
    }

    /// Up to [`MAX_CANDIDATES`] candidates, best first.
    pub fn suggest(&self, name: &str, version: &str, publisher: Option<&str>) -> Vec<Candidate> {
        let parts = split_name(name);
        let key = parts.tokens.join(" ");
        let mut out: Vec<Candidate> = Vec::new();
        let push = |out: &mut Vec<Candidate>, vp: &VendorProduct, shape: Shape, conf: f64| {
            if out
                .iter()
                .any(|c| c.vendor == vp.vendor && c.product == vp.product)
            {
                return;
            }
            out.push(self.candidate(vp, &parts, version, shape, conf));
        };
        if !key.is_empty() {
            for (map, conf) in [
                (&self.overrides, OVERRIDE_CONFIDENCE),
                (&self.aliases, ALIAS_CONFIDENCE),
            ] {
                if let Some(t) = map.get(&key) {
                    let shape = t.shape.unwrap_or_else(|| self.shape_of(&t.vp));
                    push(&mut out, &t.vp, shape, conf);
                }
            }
        }
        for (id, score) in self.rank(&parts, publisher) {
            if out.len() >= MAX_CANDIDATES {
                break;
            }
            let e = &self.dict.entries[id as usize];
            let vp = VendorProduct {
                vendor: e.vendor.to_string(),
                product: e.product.to_string(),
            };
            push(&mut out, &vp, e.shape, score);
        }
        out.truncate(MAX_CANDIDATES);
        out
    }

    fn shape_of(&self, vp: &VendorProduct) -> Shape {
        self.dict
            .by_key
            .get(vp)
            .map(|&id| self.dict.entries[id as usize].shape)
            .unwrap_or_default()
    }

    fn candidate(
        &self,
        vp: &VendorProduct,
        parts: &NameParts,
        version: &str,
        shape: Shape,
        confidence: f64,
    ) -> Candidate {
        let (v, u) = normalise_version(parts, version, shape);
        let (v, u) = (fs_quote(&v), fs_quote(&u));
        Candidate {
            cpe23: format!("cpe:2.3:a:{}:{}:{v}:{u}:*:*:*:*:*:*", vp.vendor, vp.product),
            vendor: vp.vendor.clone(),
            product: vp.product.clone(),
            version: v,
            update: u,
            confidence: (confidence.clamp(0.0, 1.0) * 1000.0).round() / 1000.0,
        }
    }

    /// Dictionary entries scoring at least [`MIN_CONFIDENCE`], best first.
    fn rank(&self, parts: &NameParts, publisher: Option<&str>) -> Vec<(u32, f64)> {
        let d = self.dict;
        let words = &parts.tokens;
        if words.is_empty() {
            return Vec::new();
        }
        let pub_words = publisher.map(publisher_words).unwrap_or_default();
        let pub_compact: String = pub_words.concat();
        let pub_alias = self.publisher_aliases.get(&pub_words.join(" "));

        // Vendor keys the line speaks of: publisher and name words, adjacent pairs.
        let mut vendor_keys: HashSet<String> = HashSet::new();
        for w in words.iter().chain(&pub_words) {
            vendor_keys.insert(compact(w));
        }
        for pair in words.windows(2).chain(pub_words.windows(2)) {
            vendor_keys.insert(compact(&pair.concat()));
        }
        vendor_keys.insert(pub_compact.clone());
        if let Some(v) = pub_alias {
            vendor_keys.insert(compact(&unquote(v)));
        }
        vendor_keys.retain(|k| !k.is_empty() && d.vendors.contains(k.as_str()));

        // Shortlist: shared words (IDF-weighted), compact forms, vendor keys.
        let mut acc: HashMap<u32, f64> = HashMap::new();
        let mut seen: HashSet<&str> = HashSet::new();
        for w in words {
            if !seen.insert(w) {
                continue;
            }
            if let Some(ids) = d.by_word.get(w)
                && ids.len() <= MAX_POSTING
            {
                let wt = d.weight(w);
                for &id in ids {
                    *acc.entry(id).or_default() += wt;
                }
            }
        }
        let mut compacts: Vec<String> = vec![compact(&words.concat())];
        for n in 2..=3 {
            for win in words.windows(n) {
                compacts.push(compact(&win.concat()));
            }
        }
        for c in &compacts {
            if let Some(ids) = d.by_compact.get(c) {
                for &id in ids {
                    *acc.entry(id).or_default() += 10.0;
                }
            }
        }
        let mut short: Vec<(u32, f64)> = acc
            .into_iter()
            .map(|(id, a)| {
                let e = &d.entries[id as usize];
                let bonus = if vendor_keys.contains(&*e.vendor_compact) {
                    5.0
                } else {
                    0.0
                };
                (id, a + bonus)
            })
            .collect();
        short.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        short.truncate(SHORTLIST);

        let ctx = Ctx {
            words,
            whole: compact(&words.concat()),
            pub_words: &pub_words,
            pub_compact: &pub_compact,
            pub_alias: pub_alias.map(String::as_str),
        };
        let mut scored: Vec<(u32, f64)> = short
            .into_iter()
            .map(|(id, _)| (id, self.score(&d.entries[id as usize], &ctx)))
            .filter(|&(_, s)| s >= MIN_CONFIDENCE)
            .collect();
        scored.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        scored
    }

    fn wdice(&self, a: &[&str], b: &[String]) -> f64 {
        if a.is_empty() || b.is_empty() {
            return 0.0;
        }
        let d = self.dict;
        let sa: HashSet<&str> = a.iter().copied().collect();
        let sb: HashSet<&str> = b.iter().map(String::as_str).collect();
        let wa: f64 = sa.iter().map(|w| d.weight(w)).sum();
        let wb: f64 = sb.iter().map(|w| d.weight(w)).sum();
        let common: f64 = sa.intersection(&sb).map(|w| d.weight(w)).sum();
        2.0 * common / (wa + wb)
    }

    fn score(&self, e: &Entry, ctx: &Ctx<'_>) -> f64 {
        let all: Vec<&str> = ctx.words.iter().map(String::as_str).collect();
        let (rest, vendor_in_name) = strip_vendor(&all, e);
        let title_rest: Vec<String> = e
            .title_words
            .iter()
            .filter(|w| !e.vendor_words.contains(w))
            .cloned()
            .collect();
        let mut prod = [
            self.wdice(&all, &e.product_words),
            self.wdice(&rest, &e.product_words),
            // A 2015 title is a weaker witness than the product id itself.
            0.9 * self.wdice(&all, &e.title_words),
            0.9 * self.wdice(&rest, &title_rest),
        ]
        .into_iter()
        .fold(0.0, f64::max);
        let rest_compact = compact(&rest.concat());
        if ctx.whole == *e.product_compact || rest_compact == *e.product_compact {
            prod = prod.max(1.0);
        } else if rest_compact.chars().count() >= 4 && e.product_compact.chars().count() >= 4 {
            let jw = strsim::jaro_winkler(&rest_compact, &e.product_compact);
            if jw >= 0.9 {
                prod = prod.max(jw * 0.85);
            }
        }

        let mut vendor = vendor_in_name;
        if !ctx.pub_words.is_empty() {
            let vc: &str = &e.vendor_compact;
            let pubv = if ctx.pub_alias == Some(&*e.vendor) || ctx.pub_compact == vc {
                1.0
            } else if !e.vendor_words.is_empty()
                && e.vendor_words.iter().all(|w| ctx.pub_words.contains(w))
            {
                0.9
            } else if vc.len() >= 4 && ctx.pub_compact.starts_with(vc)
                || ctx.pub_compact.len() >= 4 && vc.starts_with(ctx.pub_compact)
            {
                0.8
            } else if vc.len() >= 4 && strsim::jaro_winkler(ctx.pub_compact, vc) >= 0.93 {
                0.6
            } else {
                0.0
            };
            vendor = vendor.max(pubv);
        }
        // Weak priors: entries in the 2015 dictionary, and the vendor's size (a current
        // vendor name has more products than a deprecated spelling of it).
        let prior = ((f64::from(e.count) + 1.0).ln() / 1000f64.ln()).min(1.0);
        let size = ((f64::from(e.vendor_size) + 1.0).ln() / 1000f64.ln()).min(1.0);
        0.63 * prod + 0.30 * vendor + 0.03 * prior + 0.04 * size
    }
}

struct Ctx<'a> {
    words: &'a [String],
    whole: String,
    pub_words: &'a [String],
    pub_compact: &'a str,
    pub_alias: Option<&'a str>,
}

/// The name's words without the vendor's (as words, or a run of words spelling the vendor's
/// compact form), and how much of the vendor the name holds (0..1).
fn strip_vendor<'w>(words: &[&'w str], e: &Entry) -> (Vec<&'w str>, f64) {
    let mut rest = Vec::with_capacity(words.len());
    let mut matched = 0usize;
    let mut full = false;
    let mut i = 0;
    while i < words.len() {
        let mut run = String::new();
        let mut hit = None;
        for (j, w) in words.iter().enumerate().skip(i).take(4) {
            run.push_str(&compact(w));
            if run == *e.vendor_compact {
                hit = Some(j);
                break;
            }
            if run.len() >= e.vendor_compact.len() {
                break;
            }
        }
        if let Some(j) = hit {
            full = true;
            i = j + 1;
            continue;
        }
        if e.vendor_words.iter().any(|v| v == words[i]) {
            matched += 1;
        } else {
            rest.push(words[i]);
        }
        i += 1;
    }
    let share = if full {
        1.0
    } else if e.vendor_words.is_empty() {
        0.0
    } else {
        (matched as f64 / e.vendor_words.len() as f64).min(1.0) * 0.8
    };
    (rest, share)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn top(name: &str, version: &str, publisher: Option<&str>) -> Candidate {
        Suggester::builtin()
            .suggest(name, version, publisher)
            .into_iter()
            .next()
            .expect("a candidate")
    }

    #[test]
    fn brief_examples() {
        assert_eq!(
            top(
                "Java 8 Update 281",
                "8.0.2810.9",
                Some("Oracle Corporation")
            )
            .cpe23,
            "cpe:2.3:a:oracle:jre:1.8.0:update_281:*:*:*:*:*:*"
        );
        assert_eq!(
            top(
                "Adobe Acrobat Reader DC",
                "2015.023.20070",
                Some("Adobe Systems Incorporated")
            )
            .cpe23,
            "cpe:2.3:a:adobe:acrobat_reader_dc:2015.023.20070:*:*:*:*:*:*:*"
        );
        assert_eq!(
            top(
                "Mozilla Firefox (x64 zh-TW) 115.3.1",
                "115.3.1",
                Some("Mozilla")
            )
            .cpe23,
            "cpe:2.3:a:mozilla:firefox:115.3.1:*:*:*:*:*:*:*"
        );
        assert_eq!(
            top("7-Zip 19.00 (x64)", "19.00", Some("Igor Pavlov")).cpe23,
            "cpe:2.3:a:7-zip:7-zip:19.00:*:*:*:*:*:*:*"
        );
    }

    #[test]
    fn overrides_win() {
        let vp = VendorProduct::parse("example:widget").expect("valid");
        let s = Suggester::builtin().with_overrides([("Mozilla Firefox (x64)", vp.clone())]);
        let c = s.suggest("Mozilla Firefox (x64 zh-TW) 115.3.1", "115.3.1", None);
        assert_eq!(c[0].vendor, "example");
        assert_eq!(c[0].product, "widget");
        assert!((c[0].confidence - 1.0).abs() < 1e-9);
        assert_eq!(c[1].product, "firefox");
        assert!(c.len() <= MAX_CANDIDATES);
    }

    #[test]
    fn vendor_product_parse() {
        let vp = VendorProduct::parse("notepad-plus-plus:notepad\\+\\+").expect("valid");
        assert_eq!(vp.product, "notepad\\+\\+");
        assert_eq!(vp.to_string(), "notepad-plus-plus:notepad\\+\\+");
        assert!(VendorProduct::parse("a\\:b:c").is_some());
        assert!(VendorProduct::parse("abc").is_none());
        assert!(VendorProduct::parse("a:b:c").is_none());
        assert!(VendorProduct::parse(":b").is_none());
    }

    #[test]
    fn nothing_for_noise() {
        assert!(
            Suggester::builtin()
                .suggest("(x64) 1.0", "1.0", None)
                .is_empty()
        );
        assert!(Suggester::builtin().suggest("", "", None).is_empty());
    }

    #[test]
    fn builtin_dictionary_loads() {
        let d = Dictionary::builtin();
        assert!(d.len() > 70_000);
        assert!(d.contains(&VendorProduct::parse("oracle:jre").expect("valid")));
    }

    #[test]
    fn aliases_point_into_dictionary() {
        let s = Suggester::builtin();
        for (k, t) in &s.aliases {
            assert!(
                Dictionary::builtin().contains(&t.vp),
                "alias {k} → {} not in dictionary",
                t.vp
            );
        }
        for (k, v) in &s.publisher_aliases {
            assert!(
                Dictionary::builtin().vendors.contains(compact(v).as_str()),
                "publisher alias {k} → {v} not a vendor"
            );
        }
    }
}
