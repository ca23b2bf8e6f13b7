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
//!   words (edition words such as "Professional" weigh a quarter; a year of the name found
//!   in a product id counts half), by vendor evidence (the publisher, or the vendor's name
//!   inside the display name) and priors: how many CVEs name the pair and its vendor (of
//!   several NVD spellings of one product, the one CVE data uses), and how many entries the
//!   pair has in the 2015 dictionary. Words are interned at load with their IDF weights.
//!   Aliases stand back when the name carries a year ("Adobe Acrobat 2017").
//! * The version is brought to the shape NVD uses for the product ([`normalise_version`]).
//!
//! Everything here is pure: no I/O, no clock, no randomness.

mod normalise;

use std::collections::HashMap;
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
const SHORTLIST: usize = 200;

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

type Map<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

fn map<K, V>() -> Map<K, V> {
    HashMap::with_hasher(foldhash::fast::RandomState::default())
}

/// A vendor of the dictionary.
struct Vendor {
    name: Box<str>,
    compact: Box<str>,
    /// Word ids, without repeats.
    words: Box<[u32]>,
    /// Products of the vendor in the dictionary.
    size: u32,
    /// CVEs naming any product of the vendor (sum over its pairs).
    cves: u32,
}

struct Entry {
    vendor: u32,
    product: Box<str>,
    product_compact: Box<str>,
    /// Word ids of the product id, without repeats.
    product_words: Box<[u32]>,
    /// Word ids of the 2015 title, without repeats.
    title_words: Box<[u32]>,
    /// The title's word ids without the vendor's.
    title_rest: Box<[u32]>,
    shape: Shape,
    count: u32,
    cves: u32,
}

/// NVD vendor,product pairs with the words, titles and version shapes used for matching.
pub struct Dictionary {
    /// Sorted by vendor and product, without repeats.
    entries: Vec<Entry>,
    vendors: Vec<Vendor>,
    /// Vendor ids by compact form ("trend_micro" and "trendmicro" share one).
    vendor_by_compact: Map<Box<str>, Vec<u32>>,
    word_ids: Map<Box<str>, u32>,
    /// Per word id: entries whose product id or title has the word.
    postings: Vec<Vec<u32>>,
    /// Per word id: IDF weight, computed once at load.
    weights: Vec<f64>,
    by_compact: Map<Box<str>, Vec<u32>>,
}

fn unquote(s: &str) -> String {
    s.replace('\\', "")
}

/// Interns `words` (dropping repeats) into `ids`.
fn intern(
    word_ids: &mut Map<Box<str>, u32>,
    postings: &mut Vec<Vec<u32>>,
    words: Vec<String>,
) -> Box<[u32]> {
    let mut out: Vec<u32> = Vec::with_capacity(words.len());
    for w in words {
        let id = match word_ids.get(w.as_str()) {
            Some(&id) => id,
            None => {
                let id = u32::try_from(postings.len()).unwrap_or(u32::MAX);
                postings.push(Vec::new());
                word_ids.insert(w.into_boxed_str(), id);
                id
            }
        };
        if !out.contains(&id) {
            out.push(id);
        }
    }
    out.into_boxed_slice()
}

impl Dictionary {
    /// Reads the TSV form (`vendor<TAB>product<TAB>title<TAB>shape<TAB>count<TAB>cves`, see
    /// `data/SOURCE.md`). Lines that do not have two non-empty first fields are skipped; of
    /// repeated pairs the first line counts.
    pub fn from_tsv(tsv: &str) -> Dictionary {
        let mut rows: Vec<[&str; 6]> = tsv
            .lines()
            .filter_map(|line| {
                let mut f = line.split('\t');
                let mut row = [""; 6];
                for slot in &mut row {
                    *slot = f.next().unwrap_or("");
                }
                (!row[0].is_empty() && !row[1].is_empty()).then_some(row)
            })
            .collect();
        // Stable: of repeated pairs the first stays first. The shipped file is sorted.
        if !rows.is_sorted_by(|a, b| (a[0], a[1]) <= (b[0], b[1])) {
            rows.sort_by(|a, b| (a[0], a[1]).cmp(&(b[0], b[1])));
        }
        rows.dedup_by(|b, a| (a[0], a[1]) == (b[0], b[1]));
        rows.truncate(u32::MAX as usize);

        let mut word_ids: Map<Box<str>, u32> = map();
        let mut postings: Vec<Vec<u32>> = Vec::new();
        let mut vendors: Vec<Vendor> = Vec::new();
        let mut vendor_by_compact: Map<Box<str>, Vec<u32>> = map();
        let mut by_compact: Map<Box<str>, Vec<u32>> = map();
        let mut entries: Vec<Entry> = Vec::with_capacity(rows.len());
        for (id, [vendor, product, title, shape, count, cves]) in rows.into_iter().enumerate() {
            let id = id as u32;
            if vendors.last().is_none_or(|v| *v.name != *vendor) {
                let v = unquote(vendor);
                let compact: Box<str> = compact(&v).into();
                let vid = vendors.len() as u32;
                vendor_by_compact
                    .entry(compact.clone())
                    .or_default()
                    .push(vid);
                vendors.push(Vendor {
                    name: vendor.into(),
                    compact,
                    words: intern(&mut word_ids, &mut postings, normalise::words(&v)),
                    size: 0,
                    cves: 0,
                });
            }
            let vid = vendors.len() - 1;
            let p = unquote(product);
            let product_words = intern(&mut word_ids, &mut postings, normalise::words(&p));
            let title_words = if title.is_empty() {
                Box::default()
            } else {
                intern(&mut word_ids, &mut postings, normalise::words(title))
            };
            let v = &mut vendors[vid];
            let title_rest: Box<[u32]> = title_words
                .iter()
                .copied()
                .filter(|w| !v.words.contains(w))
                .collect();
            for &w in product_words.iter().chain(title_words.iter()) {
                let list = &mut postings[w as usize];
                if list.last() != Some(&id) {
                    list.push(id);
                }
            }
            let product_compact: Box<str> = compact(&p).into();
            by_compact
                .entry(product_compact.clone())
                .or_default()
                .push(id);
            let cves: u32 = cves.parse().unwrap_or(0);
            v.size += 1;
            v.cves = v.cves.saturating_add(cves);
            entries.push(Entry {
                vendor: vid as u32,
                product: product.into(),
                product_compact,
                product_words,
                title_words,
                title_rest,
                shape: Shape::parse(shape),
                count: count.parse().unwrap_or(0),
                cves,
            });
        }
        let n = entries.len().max(1) as f64;
        let mut weights: Vec<f64> = postings
            .iter()
            .map(|ids| {
                if ids.is_empty() {
                    1.0
                } else {
                    1.0 + (n / (1.0 + ids.len() as f64)).ln()
                }
            })
            .collect();
        for w in EDITION {
            if let Some(&id) = word_ids.get(*w) {
                weights[id as usize] *= EDITION_FACTOR;
            }
        }
        Dictionary {
            entries,
            vendors,
            vendor_by_compact,
            word_ids,
            postings,
            weights,
            by_compact,
        }
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

    fn find(&self, vp: &VendorProduct) -> Option<u32> {
        self.entries
            .binary_search_by(|e| {
                (&*self.vendors[e.vendor as usize].name, &*e.product)
                    .cmp(&(vp.vendor.as_str(), vp.product.as_str()))
            })
            .ok()
            .map(|i| i as u32)
    }

    /// Whether the dictionary holds this pair.
    pub fn contains(&self, vp: &VendorProduct) -> bool {
        self.find(vp).is_some()
    }

    #[cfg(test)]
    fn has_vendor_compact(&self, c: &str) -> bool {
        self.vendor_by_compact.contains_key(c)
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

    /// The candidate an override (a confirmed mapping) gives the name, with
    /// the version normalised; `None` when no override names it. Much
    /// cheaper than [`Suggester::suggest`] (no dictionary ranking), for
    /// applying confirmations to large imports.
    pub fn confirmed(&self, name: &str, version: &str) -> Option<Candidate> {
        let parts = split_name(name);
        let t = self.overrides.get(&parts.tokens.join(" "))?;
        let shape = t.shape.unwrap_or_else(|| self.shape_of(&t.vp));
        Some(self.candidate(&t.vp, &parts, version, shape, OVERRIDE_CONFIDENCE))
    }

    /// Adds known mappings keyed by names already normalised with
    /// [`normalise_name`] (as stored): normalising is not idempotent ("7 zip"
    /// would become "zip"), so stored keys are taken as they are.
    pub fn with_normalised_overrides(
        mut self,
        overrides: impl IntoIterator<Item = (String, VendorProduct)>,
    ) -> Suggester<'d> {
        for (key, vp) in overrides {
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
        // An alias is keyed on a name without numbers; a year in the name ("Adobe Acrobat
        // 2017", "Acrobat Reader 2020") names a product line of its own, so aliases then
        // stand back (overrides do not).
        let has_year = parts.numbers.iter().any(|n| is_year(n));
        if !key.is_empty() {
            for (map, conf) in [
                (&self.overrides, OVERRIDE_CONFIDENCE),
                (&self.aliases, ALIAS_CONFIDENCE),
            ] {
                if has_year && conf < OVERRIDE_CONFIDENCE {
                    continue;
                }
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
                vendor: self.dict.vendors[e.vendor as usize].name.to_string(),
                product: e.product.to_string(),
            };
            push(&mut out, &vp, e.shape, score);
        }
        out.truncate(MAX_CANDIDATES);
        out
    }

    fn shape_of(&self, vp: &VendorProduct) -> Shape {
        self.dict
            .find(vp)
            .map(|id| self.dict.entries[id as usize].shape)
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
        if parts.tokens.is_empty() {
            return Vec::new();
        }
        let toks = self.tokens(&parts.tokens);
        let pub_words = publisher.map(publisher_words).unwrap_or_default();
        let pub_compact: String = pub_words.concat();
        let pub_alias = self.publisher_aliases.get(&pub_words.join(" "));

        // Vendors the line speaks of: publisher and name words, adjacent pairs.
        let mut vendor_keys: Vec<u32> = Vec::new();
        let mut add_key = |k: &str| {
            if let Some(ids) = d.vendor_by_compact.get(k) {
                vendor_keys.extend(ids);
            }
        };
        for t in &toks {
            add_key(&t.compact);
        }
        for pair in toks.windows(2) {
            add_key(&format!("{}{}", pair[0].compact, pair[1].compact));
        }
        let pub_compacts: Vec<String> = pub_words.iter().map(|w| compact(w)).collect();
        for w in &pub_compacts {
            add_key(w);
        }
        for pair in pub_compacts.windows(2) {
            add_key(&pair.concat());
        }
        add_key(&pub_compact);
        if let Some(v) = pub_alias {
            add_key(&compact(&unquote(v)));
        }
        vendor_keys.sort_unstable();
        vendor_keys.dedup();

        // Shortlist: shared words (IDF-weighted), compact forms, vendor keys.
        let mut acc: Map<u32, f64> = map();
        for t in &toks {
            if let Some(id) = t.id {
                let ids = &d.postings[id as usize];
                if ids.len() <= MAX_POSTING {
                    for &e in ids {
                        *acc.entry(e).or_default() += t.weight;
                    }
                }
            }
        }
        let whole: String = toks.iter().map(|t| t.compact.as_str()).collect();
        let mut compacts: Vec<String> = vec![whole.clone()];
        for n in 2..=3 {
            for win in toks.windows(n) {
                compacts.push(win.iter().map(|t| t.compact.as_str()).collect());
            }
        }
        for c in &compacts {
            if let Some(ids) = d.by_compact.get(c.as_str()) {
                for &id in ids {
                    *acc.entry(id).or_default() += 10.0;
                }
            }
        }
        let mut short: Vec<(u32, f64)> = acc
            .into_iter()
            .map(|(id, a)| {
                let e = &d.entries[id as usize];
                let bonus = if vendor_keys.binary_search(&e.vendor).is_ok() {
                    5.0
                } else {
                    0.0
                };
                (id, a + bonus)
            })
            .collect();
        if short.len() > SHORTLIST {
            short.select_nth_unstable_by(SHORTLIST, |a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            short.truncate(SHORTLIST);
        }

        let numbers: Vec<u32> = parts
            .numbers
            .iter()
            .filter_map(|n| d.word_ids.get(n.as_str()).copied())
            .collect();
        let pub_ids: Vec<u32> = pub_words
            .iter()
            .filter_map(|w| d.word_ids.get(w.as_str()).copied())
            .collect();
        let ctx = Ctx {
            toks: &toks,
            whole,
            numbers: &numbers,
            pub_words: &pub_words,
            pub_ids: &pub_ids,
            pub_compact: &pub_compact,
            pub_alias: pub_alias.map(String::as_str),
        };
        let mut rest = Vec::with_capacity(toks.len());
        let mut scored: Vec<(u32, f64)> = short
            .into_iter()
            .map(|(id, _)| (id, self.score(&d.entries[id as usize], &ctx, &mut rest)))
            .filter(|&(_, s)| s >= MIN_CONFIDENCE)
            .collect();
        scored.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        scored
    }

    /// The line's words with their ids and weights (edition words weigh less), without
    /// repeats.
    fn tokens(&self, words: &[String]) -> Vec<Tok> {
        let d = self.dict;
        let mut out: Vec<Tok> = Vec::with_capacity(words.len());
        for w in words {
            if out.iter().any(|t| t.word == *w) {
                continue;
            }
            let id = d.word_ids.get(w.as_str()).copied();
            let weight = match id {
                Some(id) => d.weights[id as usize],
                None if EDITION.contains(&w.as_str()) => EDITION_FACTOR,
                None if w.is_ascii() => 1.0,
                None => 0.5,
            };
            out.push(Tok {
                word: w.clone(),
                id,
                weight,
                compact: compact(w),
            });
        }
        out
    }

    /// IDF-weighted Dice similarity of the line's tokens `a` (indices into `ctx.toks`) and
    /// an entry's words `b`; an entry word that is a number of the name (a year) counts as
    /// shared.
    fn wdice(&self, ctx: &Ctx<'_>, a: &[usize], b: &[u32]) -> f64 {
        if a.is_empty() || b.is_empty() {
            return 0.0;
        }
        let mut wa: f64 = a.iter().map(|&i| ctx.toks[i].weight).sum();
        let mut wb = 0.0;
        let mut common = 0.0;
        for &w in b {
            let x = self.dict.weights[w as usize];
            wb += x;
            if a.iter().any(|&i| ctx.toks[i].id == Some(w)) {
                common += x;
            } else if ctx.numbers.contains(&w) {
                // A year of the name in the product id ("visual_studio_2022") is weak
                // evidence: editions share the year with the product line.
                common += NUMBER_FACTOR * x;
                wa += NUMBER_FACTOR * x;
                wb -= (1.0 - NUMBER_FACTOR) * x;
            }
        }
        if common == 0.0 {
            return 0.0;
        }
        2.0 * common / (wa + wb)
    }

    fn score(&self, e: &Entry, ctx: &Ctx<'_>, rest: &mut Vec<usize>) -> f64 {
        let d = self.dict;
        let v = &d.vendors[e.vendor as usize];
        let all: Vec<usize> = (0..ctx.toks.len()).collect();
        let vendor_in_name = strip_vendor(ctx.toks, v, rest);
        let mut prod = [
            self.wdice(ctx, &all, &e.product_words),
            self.wdice(ctx, rest, &e.product_words),
            // A 2015 title is a weaker witness than the product id itself.
            0.9 * self.wdice(ctx, &all, &e.title_words),
            0.9 * self.wdice(ctx, rest, &e.title_rest),
        ]
        .into_iter()
        .fold(0.0, f64::max);
        let rest_compact: String = rest.iter().map(|&i| ctx.toks[i].compact.as_str()).collect();
        if ctx.whole == *e.product_compact
            || rest_compact == *e.product_compact
            || rest_plain_compact(ctx, rest) == *e.product_compact
        {
            prod = prod.max(1.0);
        } else if rest_compact.len() >= 4 && e.product_compact.len() >= 4 {
            let jw = strsim::jaro_winkler(&rest_compact, &e.product_compact);
            if jw >= 0.9 {
                prod = prod.max(jw * 0.85);
            }
        }

        let mut vendor = vendor_in_name;
        if !ctx.pub_words.is_empty() {
            let vc: &str = &v.compact;
            let pubv = if ctx.pub_alias == Some(&*v.name) || ctx.pub_compact == vc {
                1.0
            } else if !v.words.is_empty() && v.words.iter().all(|w| ctx.pub_ids.contains(w)) {
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
        // Priors: CVEs naming the pair and its vendor (of several spellings of one product,
        // the one NVD uses today carries the CVEs), entries in the 2015 dictionary, and the
        // vendor's size.
        let log = |x: u32, full: f64| ((f64::from(x) + 1.0).ln() / full.ln()).min(1.0);
        0.57 * prod
            + 0.28 * vendor
            + W_PAIR_CVES * log(e.cves, 100.0)
            + W_VENDOR_CVES * log(v.cves, 1000.0)
            + 0.02 * log(e.count, 1000.0)
            + 0.02 * log(v.size, 1000.0)
    }
}

const W_PAIR_CVES: f64 = 0.08;
const W_VENDOR_CVES: f64 = 0.03;

/// Edition and licence words: they tell editions of one product apart, not products.
const EDITION: &[&str] = &[
    "professional",
    "pro",
    "plus",
    "standard",
    "home",
    "business",
    "enterprise",
    "community",
    "ultimate",
    "premium",
    "basic",
    "ltsc",
    "lts",
    "edition",
    "free",
    "personal",
    "express",
    "starter",
    "student",
    "stable",
];
const EDITION_FACTOR: f64 = 0.25;
/// Weight of a number of the name found among an entry's words, relative to the word's.
const NUMBER_FACTOR: f64 = 0.5;

/// The compact form of the tokens `rest` without edition words ("Visio Professional" →
/// "visio").
fn rest_plain_compact(ctx: &Ctx<'_>, rest: &[usize]) -> String {
    rest.iter()
        .map(|&i| &ctx.toks[i])
        .filter(|t| !EDITION.contains(&t.word.as_str()))
        .map(|t| t.compact.as_str())
        .collect()
}

fn is_year(n: &str) -> bool {
    n.len() == 4 && (n.starts_with("19") || n.starts_with("20"))
}

/// A word of the display name.
struct Tok {
    word: String,
    id: Option<u32>,
    weight: f64,
    compact: String,
}

struct Ctx<'a> {
    toks: &'a [Tok],
    whole: String,
    numbers: &'a [u32],
    pub_words: &'a [String],
    /// Ids of the publisher's words.
    pub_ids: &'a [u32],
    pub_compact: &'a str,
    pub_alias: Option<&'a str>,
}

/// Fills `rest` with the name's tokens without the vendor's (as words, or a run of words
/// spelling the vendor's compact form), and returns how much of the vendor the name holds
/// (0..1).
fn strip_vendor(toks: &[Tok], v: &Vendor, rest: &mut Vec<usize>) -> f64 {
    rest.clear();
    let mut matched = 0usize;
    let mut full = false;
    let mut i = 0;
    while i < toks.len() {
        let mut left: &str = &v.compact;
        let mut hit = None;
        for (j, t) in toks.iter().enumerate().skip(i).take(4) {
            match left.strip_prefix(t.compact.as_str()) {
                Some(r) if !t.compact.is_empty() => {
                    left = r;
                    if left.is_empty() {
                        hit = Some(j);
                        break;
                    }
                }
                _ => break,
            }
        }
        if let Some(j) = hit {
            full = true;
            i = j + 1;
            continue;
        }
        if toks[i].id.is_some_and(|id| v.words.contains(&id)) {
            matched += 1;
        } else {
            rest.push(i);
        }
        i += 1;
    }
    if full {
        1.0
    } else if v.words.is_empty() {
        0.0
    } else {
        (matched as f64 / v.words.len() as f64).min(1.0) * 0.8
    }
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
        // the cheap path gives the same first candidate, and nothing for
        // names no override covers
        assert_eq!(
            s.confirmed("Mozilla Firefox (x64 zh-TW) 115.3.1", "115.3.1"),
            Some(c[0].clone())
        );
        assert_eq!(s.confirmed("7-Zip 19.00 (x64)", "19.00"), None);
        // stored keys are taken as they are: "7 zip" normalised again would
        // be "zip"
        let key = normalise_name("7-Zip 23.01 (x64)");
        let s = Suggester::builtin().with_normalised_overrides([(
            key,
            VendorProduct::parse("7-zip:7-zip").expect("valid"),
        )]);
        assert_eq!(
            s.confirmed("7-Zip 23.01 (x64)", "23.01").map(|c| c.cpe23),
            Some("cpe:2.3:a:7-zip:7-zip:23.01:*:*:*:*:*:*:*".to_string())
        );
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
    fn from_tsv_sorts_and_keeps_first_of_repeats() {
        let d = Dictionary::from_tsv("b\tx\t\t\t\t3\na\ty\t\t\t\t\nb\tx\t\t\t\t9\n\tz\n");
        assert_eq!(d.len(), 2);
        assert!(d.contains(&VendorProduct::parse("a:y").expect("valid")));
        let id = d
            .find(&VendorProduct::parse("b:x").expect("valid"))
            .expect("present");
        assert_eq!(d.entries[id as usize].cves, 3);
        assert_eq!(d.vendors[d.entries[id as usize].vendor as usize].cves, 3);
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
                Dictionary::builtin().has_vendor_compact(&compact(v)),
                "publisher alias {k} → {v} not a vendor"
            );
        }
    }
}
