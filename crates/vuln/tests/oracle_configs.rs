//! Issue 10: the engine's findings against an INDEPENDENT evaluator of NVD
//! 2.0 `configurations`, on the real fixture records.
//!
//! The evaluator below is written from the NVD configuration semantics and
//! NISTIR 7696's attribute comparison alone; it uses nothing of
//! `zian_vuln::matching`, `index`, `zian_cpe` or `zian_version` (its CPE
//! formatted-string parser, wildcard matcher and version ordering are its
//! own, minimal, and only as general as the fixtures need). The engine is
//! driven through `zian_vuln::cli::run_scan`, the entry point of
//! `zian vuln scan`, with a CSV inventory.
//!
//! Semantics, three-valued (no < possible < confirmed):
//! * attribute of a criterion `c` against the asset's `a`: `c` ANY →
//!   confirmed; `c` NA → confirmed if `a` is NA, possible if `a` is ANY, else
//!   no; `c` a value (wildcards `*`/`?` allowed) → possible if `a` is ANY, no
//!   if `a` is NA, else confirmed when the value matches (case-insensitive);
//! * version range (`versionStart/End` `Including/Excluding`): possible if
//!   the asset's version is ANY, no if NA, else the bounds decide;
//! * a `cpeMatch` entry over a host (a set of assets): the best asset;
//!   a node: AND = min, OR = max over its entries, `negate` swaps confirmed
//!   and no; a configuration: the same over its nodes (default OR);
//! * a finding (host, asset, CVE): for some configuration, the configuration
//!   holds for the host AND the asset matches a `vulnerable: true` entry of
//!   a non-negated node; its certainty is the lower of the two, the best
//!   over configurations.
//!
//! Targets: precision and recall of the engine's confirmed findings against
//! the evaluator's confirmed ones ≥ 0.99, and every evaluator finding reported
//! (confirmed or possible).

mod common;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::Read;
use std::path::{Path, PathBuf};

use serde_json::Value;
use zian_vuln::cli::{ScanFormat, run_scan};

// ---------------------------------------------------------------- CPE names

/// One attribute value of a CPE 2.3 formatted string.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum V {
    Any,
    Na,
    /// Lower-cased, escapes kept as written.
    S(String),
}

type Name = [V; 11];
const VERSION: usize = 3;

/// Split `cpe:2.3:…` into its 11 attributes (`\:` does not split).
fn parse_fs(s: &str) -> Option<Name> {
    let rest = s.strip_prefix("cpe:2.3:")?;
    let mut parts = Vec::new();
    let mut cur = String::new();
    let mut chars = rest.chars();
    while let Some(ch) = chars.next() {
        match ch {
            '\\' => {
                cur.push('\\');
                cur.push(chars.next()?);
            }
            ':' => parts.push(std::mem::take(&mut cur)),
            c => cur.push(c),
        }
    }
    parts.push(cur);
    if parts.len() != 11 {
        return None;
    }
    let v: Vec<V> = parts
        .into_iter()
        .map(|p| match p.as_str() {
            "*" => V::Any,
            "-" => V::Na,
            _ => V::S(p.to_lowercase()),
        })
        .collect();
    v.try_into().ok()
}

fn to_fs(n: &Name) -> String {
    let mut s = String::from("cpe:2.3");
    for v in n {
        s.push(':');
        match v {
            V::Any => s.push('*'),
            V::Na => s.push('-'),
            V::S(x) => s.push_str(x),
        }
    }
    s
}

/// Pattern token of a criterion value.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Tok {
    Lit(char),
    Star,
    One,
}

fn pattern(s: &str) -> Vec<Tok> {
    let mut out = Vec::new();
    let mut it = s.chars();
    while let Some(c) = it.next() {
        out.push(match c {
            '\\' => Tok::Lit(it.next().unwrap_or('\\')),
            '*' => Tok::Star,
            '?' => Tok::One,
            c => Tok::Lit(c),
        });
    }
    out
}

fn has_wildcard(s: &str) -> bool {
    pattern(s).iter().any(|t| !matches!(t, Tok::Lit(_)))
}

fn unescape(s: &str) -> String {
    pattern(s)
        .into_iter()
        .map(|t| match t {
            Tok::Lit(c) => c,
            Tok::Star => '*',
            Tok::One => '?',
        })
        .collect()
}

fn glob(p: &[Tok], s: &[char]) -> bool {
    match p.first() {
        None => s.is_empty(),
        Some(Tok::Star) => (0..=s.len()).any(|i| glob(&p[1..], &s[i..])),
        Some(Tok::One) => !s.is_empty() && glob(&p[1..], &s[1..]),
        Some(Tok::Lit(c)) => s.first() == Some(c) && glob(&p[1..], &s[1..]),
    }
}

/// How an asset version ANY meets a criterion naming one exact version or
/// NA (`-`) without a range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Policy {
    /// As the issue words "possible": any ANY attribute where the criterion
    /// is specific, the version included. The engine follows this reading.
    Literal,
    /// A narrower reading, kept to count what the literal one adds: an asset
    /// version ANY does not match a criterion naming one exact version or NA.
    Narrow,
}

const NO: u8 = 0;
const POSSIBLE: u8 = 1;
const CONFIRMED: u8 = 2;

/// NISTIR 7696 relation of criterion value `c` (source) to asset value `a`
/// (target), as a certainty.
fn attr(c: &V, a: &V) -> u8 {
    match (c, a) {
        (V::Any, _) => CONFIRMED,
        (V::Na, V::Na) => CONFIRMED,
        (V::Na, V::Any) => POSSIBLE,
        (V::Na, V::S(_)) => NO,
        (V::S(_), V::Any) => POSSIBLE,
        (V::S(_), V::Na) => NO,
        (V::S(p), V::S(x)) => {
            let chars: Vec<char> = unescape(x).chars().collect();
            if glob(&pattern(p), &chars) {
                CONFIRMED
            } else {
                NO
            }
        }
    }
}

// ------------------------------------------------------- version ordering

#[derive(Debug, PartialEq, Eq)]
enum Part {
    Num(String),
    Alpha(String),
}

/// Runs of digits and of letters; anything else separates.
fn parts(v: &str) -> Vec<Part> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut digit = false;
    for c in v.to_lowercase().chars() {
        let kind = if c.is_ascii_digit() {
            Some(true)
        } else if c.is_alphanumeric() {
            Some(false)
        } else {
            None
        };
        match kind {
            Some(d) if !cur.is_empty() && d == digit => cur.push(c),
            Some(d) => {
                if !cur.is_empty() {
                    out.push(finish(std::mem::take(&mut cur), digit));
                }
                digit = d;
                cur.push(c);
            }
            None => {
                if !cur.is_empty() {
                    out.push(finish(std::mem::take(&mut cur), digit));
                }
            }
        }
    }
    if !cur.is_empty() {
        out.push(finish(cur, digit));
    }
    out
}

fn finish(s: String, digit: bool) -> Part {
    if digit {
        let t = s.trim_start_matches('0');
        Part::Num(if t.is_empty() { "0".into() } else { t.into() })
    } else {
        Part::Alpha(s)
    }
}

/// Words that mark a version before its release.
fn pre_release(w: &str) -> bool {
    matches!(
        w,
        "alpha" | "beta" | "rc" | "pre" | "preview" | "dev" | "snapshot"
    )
}

/// Numbers compare numerically, words alphabetically, a number is above a
/// word; past the end, trailing zeros are equal, a pre-release word (rc,
/// beta …) is below the release and any other word is a later release
/// (OpenSSL's `0.9.8za` after `0.9.8`, Siemens' `4.0e` after `4.0`).
fn vcmp(a: &str, b: &str) -> std::cmp::Ordering {
    use std::cmp::Ordering::*;
    let (pa, pb) = (parts(a), parts(b));
    let n = pa.len().max(pb.len());
    for i in 0..n {
        let o = match (pa.get(i), pb.get(i)) {
            (Some(Part::Num(x)), Some(Part::Num(y))) => x.len().cmp(&y.len()).then(x.cmp(y)),
            (Some(Part::Alpha(x)), Some(Part::Alpha(y))) => x.cmp(y),
            (Some(Part::Num(_)), Some(Part::Alpha(_))) => Greater,
            (Some(Part::Alpha(_)), Some(Part::Num(_))) => Less,
            (Some(Part::Num(x)), None) => {
                if x == "0" {
                    Equal
                } else {
                    Greater
                }
            }
            (None, Some(Part::Num(y))) => {
                if y == "0" {
                    Equal
                } else {
                    Less
                }
            }
            (Some(Part::Alpha(x)), None) => {
                if pre_release(x) {
                    Less
                } else {
                    Greater
                }
            }
            (None, Some(Part::Alpha(y))) => {
                if pre_release(y) {
                    Greater
                } else {
                    Less
                }
            }
            (None, None) => Equal,
        };
        if o != Equal {
            return o;
        }
    }
    Equal
}

// ------------------------------------------------------------ configurations

#[derive(Debug, Clone)]
struct Entry {
    vulnerable: bool,
    crit: Name,
    start_incl: Option<String>,
    start_excl: Option<String>,
    end_incl: Option<String>,
    end_excl: Option<String>,
}

impl Entry {
    fn has_range(&self) -> bool {
        self.start_incl.is_some()
            || self.start_excl.is_some()
            || self.end_incl.is_some()
            || self.end_excl.is_some()
    }

    fn bounds(&self) -> Vec<&str> {
        [
            &self.start_incl,
            &self.start_excl,
            &self.end_incl,
            &self.end_excl,
        ]
        .into_iter()
        .flatten()
        .map(String::as_str)
        .collect()
    }

    /// Certainty that this entry matches one asset.
    fn matches(&self, a: &Name, p: Policy) -> u8 {
        let mut r = CONFIRMED;
        for (i, (c, v)) in self.crit.iter().zip(a).enumerate() {
            let mut x = attr(c, v);
            // The narrower reading: an asset version ANY does not match a
            // criterion naming one exact version (NA included).
            if i == VERSION
                && p == Policy::Narrow
                && x == POSSIBLE
                && !self.has_range()
                && matches!(self.crit[VERSION], V::S(_) | V::Na)
            {
                x = NO;
            }
            r = r.min(x);
            if r == NO {
                return NO;
            }
        }
        if self.has_range() {
            r = r.min(match &a[VERSION] {
                V::Any => POSSIBLE,
                V::Na => NO,
                V::S(v) => {
                    use std::cmp::Ordering::*;
                    let v = unescape(v);
                    let ok = self.start_incl.as_ref().is_none_or(|b| vcmp(&v, b) != Less)
                        && self
                            .start_excl
                            .as_ref()
                            .is_none_or(|b| vcmp(&v, b) == Greater)
                        && self
                            .end_incl
                            .as_ref()
                            .is_none_or(|b| vcmp(&v, b) != Greater)
                        && self.end_excl.as_ref().is_none_or(|b| vcmp(&v, b) == Less);
                    if ok { CONFIRMED } else { NO }
                }
            });
        }
        r
    }

    fn best(&self, host: &[Name], p: Policy) -> u8 {
        host.iter().map(|a| self.matches(a, p)).max().unwrap_or(NO)
    }
}

#[derive(Debug, Clone)]
struct Node {
    and: bool,
    negate: bool,
    entries: Vec<Entry>,
}

fn combine(and: bool, negate: bool, vals: impl Iterator<Item = u8>) -> u8 {
    let v = if and {
        vals.fold(CONFIRMED, u8::min)
    } else {
        vals.fold(NO, u8::max)
    };
    if negate { CONFIRMED - v } else { v }
}

impl Node {
    fn value(&self, host: &[Name], p: Policy) -> u8 {
        combine(
            self.and,
            self.negate,
            self.entries.iter().map(|e| e.best(host, p)),
        )
    }
}

#[derive(Debug, Clone)]
struct Config {
    and: bool,
    negate: bool,
    nodes: Vec<Node>,
}

impl Config {
    fn value(&self, host: &[Name], p: Policy) -> u8 {
        combine(
            self.and,
            self.negate,
            self.nodes.iter().map(|n| n.value(host, p)),
        )
    }
}

#[derive(Debug, Clone)]
struct Record {
    id: String,
    configs: Vec<Config>,
}

impl Record {
    /// Certainty of the finding (this host, asset `a`, this record).
    fn finding(&self, host: &[Name], a: &Name, p: Policy) -> u8 {
        let mut best = NO;
        for c in &self.configs {
            let trigger = c
                .nodes
                .iter()
                .filter(|n| !n.negate)
                .flat_map(|n| &n.entries)
                .filter(|e| e.vulnerable)
                .map(|e| e.matches(a, p))
                .max()
                .unwrap_or(NO);
            if trigger == NO {
                continue;
            }
            best = best.max(trigger.min(c.value(host, p)));
        }
        best
    }

    /// `vendor:product` keys of its criteria (`None`: a wildcard there).
    fn keys(&self) -> Option<BTreeSet<(V, V)>> {
        let mut k = BTreeSet::new();
        for e in self
            .configs
            .iter()
            .flat_map(|c| &c.nodes)
            .flat_map(|n| &n.entries)
        {
            for v in [&e.crit[1], &e.crit[2]] {
                if let V::S(s) = v
                    && has_wildcard(s)
                {
                    return None;
                }
                if matches!(v, V::Any) {
                    return None;
                }
            }
            k.insert((e.crit[1].clone(), e.crit[2].clone()));
        }
        Some(k)
    }
}

fn is_and(v: &Value) -> bool {
    v.get("operator").and_then(Value::as_str) == Some("AND")
}

fn negate(v: &Value) -> bool {
    v.get("negate").and_then(Value::as_bool).unwrap_or(false)
}

fn s(v: &Value, k: &str) -> Option<String> {
    v.get(k).and_then(Value::as_str).map(str::to_owned)
}

/// A record from a `cve` object; `None` for rejected records, and entries
/// whose criteria do not parse are dropped.
fn record(cve: &Value) -> Option<Record> {
    let id = s(cve, "id")?;
    if s(cve, "vulnStatus").as_deref() == Some("Rejected") {
        return None;
    }
    let mut configs = Vec::new();
    for c in cve.get("configurations")?.as_array()? {
        let mut nodes = Vec::new();
        for n in c
            .get("nodes")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let entries = n
                .get("cpeMatch")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|m| {
                    Some(Entry {
                        vulnerable: m.get("vulnerable").and_then(Value::as_bool)?,
                        crit: parse_fs(m.get("criteria")?.as_str()?)?,
                        start_incl: s(m, "versionStartIncluding"),
                        start_excl: s(m, "versionStartExcluding"),
                        end_incl: s(m, "versionEndIncluding"),
                        end_excl: s(m, "versionEndExcluding"),
                    })
                })
                .collect();
            nodes.push(Node {
                and: is_and(n),
                negate: negate(n),
                entries,
            });
        }
        configs.push(Config {
            and: is_and(c),
            negate: negate(c),
            nodes,
        });
    }
    (!configs.is_empty()).then_some(Record { id, configs })
}

// ------------------------------------------------------------- inventory

/// xorshift64*: a fixed-seed generator (no crate needed).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn chance(&mut self, pct: u64) -> bool {
        self.next() % 100 < pct
    }
}

/// Versions next to a bound: itself, and its last number ±1 (when it ends
/// in a number), and one more component.
fn around(b: &str) -> Vec<String> {
    let mut out = vec![b.to_owned(), format!("{b}.1")];
    let digits = b.len() - b.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    if digits > 0 && digits <= 9 {
        let (head, tail) = b.split_at(b.len() - digits);
        if let Ok(n) = tail.parse::<u64>() {
            out.push(format!("{head}{}", n + 1));
            if n > 0 {
                out.push(format!("{head}{}", n - 1));
            }
        }
    }
    out
}

/// The FS value of a version string (quote what the formatted string
/// quotes: punctuation other than `.`, `-` and `_`).
fn esc(v: &str) -> V {
    let mut o = String::new();
    for c in v.chars() {
        if c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-') {
            o.push(c.to_ascii_lowercase());
        } else {
            o.push('\\');
            o.push(c);
        }
    }
    V::S(o)
}

/// Asset names for one entry: a matching one per version variant, then a
/// widened one (a specific attribute or the version made ANY), one with an
/// ANY attribute of the criterion given as NA, one with a specific
/// attribute given as NA.
fn variants(e: &Entry, rng: &mut Rng) -> Vec<Name> {
    if e.crit
        .iter()
        .any(|v| matches!(v, V::S(s) if has_wildcard(s)))
    {
        return Vec::new();
    }
    let mut base = e.crit.clone();
    let versions: Vec<V> = if e.has_range() {
        let mut all: Vec<String> = e.bounds().into_iter().flat_map(around).collect();
        all.sort();
        all.dedup();
        let mut pick = Vec::new();
        for _ in 0..3.min(all.len()) {
            let i = rng.below(all.len());
            pick.push(esc(&all.remove(i)));
        }
        pick
    } else {
        match &e.crit[VERSION] {
            V::Any => vec![esc(&format!("{}.{}", 1 + rng.below(9), rng.below(20)))],
            v => vec![v.clone()],
        }
    };
    // Inventories usually leave update … other ANY; sometimes NA.
    if base[4] == V::Any && rng.chance(15) {
        base[4] = V::Na;
    }
    let mut out = Vec::new();
    for v in &versions {
        let mut a = base.clone();
        a[VERSION] = v.clone();
        out.push(a);
    }
    let first = out.first().cloned().unwrap_or_else(|| base.clone());
    let specific: Vec<usize> = (4..11).filter(|&i| e.crit[i] != V::Any).collect();
    if !specific.is_empty() {
        let mut w = first.clone();
        w[specific[rng.below(specific.len())]] = V::Any;
        out.push(w);
        let mut n = first.clone();
        let i = specific[rng.below(specific.len())];
        if n[i] != V::Na {
            n[i] = V::Na;
            out.push(n);
        }
    }
    let mut any_version = first.clone();
    any_version[VERSION] = V::Any;
    out.push(any_version);
    let open: Vec<usize> = (4..11).filter(|&i| e.crit[i] == V::Any).collect();
    if !open.is_empty() {
        let mut n = first;
        n[open[rng.below(open.len())]] = V::Na;
        out.push(n);
    }
    out
}

type Host = (String, Vec<Name>);

/// Hosts from the records' own criteria: up to 5 vulnerable entries per
/// record, each with its variants; for configurations of several nodes the
/// host also gets a platform from each other node (exact, widened or left
/// out); every fifth host gets an asset of another record.
fn hosts(records: &[Record], seed: u64) -> Vec<Host> {
    let mut rng = Rng(seed);
    let mut out: Vec<Host> = Vec::new();
    let mut pool: Vec<Name> = Vec::new();
    for r in records {
        let mut triggers: Vec<(usize, usize, usize)> = Vec::new();
        for (ci, c) in r.configs.iter().enumerate() {
            for (ni, n) in c.nodes.iter().enumerate() {
                for (ei, e) in n.entries.iter().enumerate() {
                    if e.vulnerable && !n.negate {
                        triggers.push((ci, ni, ei));
                    }
                }
            }
        }
        for _ in 0..5.min(triggers.len()) {
            let (ci, ni, ei) = triggers.remove(rng.below(triggers.len()));
            let c = &r.configs[ci];
            for asset in variants(&c.nodes[ni].entries[ei], &mut rng) {
                let mut host = vec![asset.clone()];
                for (oj, other) in c.nodes.iter().enumerate() {
                    if oj == ni || other.entries.is_empty() {
                        continue;
                    }
                    let pe = &other.entries[rng.below(other.entries.len())];
                    let pv = variants(pe, &mut rng);
                    if pv.is_empty() || rng.chance(20) {
                        continue;
                    }
                    host.push(pv[rng.below(pv.len())].clone());
                }
                if out.len() % 5 == 4 && !pool.is_empty() {
                    host.push(pool[rng.below(pool.len())].clone());
                }
                pool.push(asset);
                host.sort();
                host.dedup();
                out.push((format!("h{}", out.len()), host));
            }
        }
    }
    out
}

// ------------------------------------------------------------------ the run

type Key = (String, String, String);

struct Tally {
    /// Possible findings of the literal reading that the narrower one
    /// excludes (asset version ANY against one exact version).
    only_literal: usize,
    records: usize,
    hosts: usize,
    assets: usize,
    oracle_confirmed: BTreeSet<Key>,
    oracle_possible: BTreeSet<Key>,
    engine_confirmed: BTreeSet<Key>,
    engine_possible: BTreeSet<Key>,
}

fn evaluate(records: &[Record], hosts: &[Host], p: Policy) -> BTreeMap<Key, u8> {
    let mut by_key: HashMap<(V, V), Vec<usize>> = HashMap::new();
    let mut always = Vec::new();
    for (i, r) in records.iter().enumerate() {
        match r.keys() {
            Some(ks) => ks
                .into_iter()
                .for_each(|k| by_key.entry(k).or_default().push(i)),
            None => always.push(i),
        }
    }
    let mut out = BTreeMap::new();
    for (h, assets) in hosts {
        let mut cand: BTreeSet<usize> = always.iter().copied().collect();
        for a in assets {
            if let Some(v) = by_key.get(&(a[1].clone(), a[2].clone())) {
                cand.extend(v);
            }
        }
        for &ri in &cand {
            let r = &records[ri];
            for a in assets {
                let c = r.finding(assets, a, p);
                if c != NO {
                    out.insert((h.clone(), to_fs(a), r.id.clone()), c);
                }
            }
        }
    }
    out
}

fn run_dataset(name: &str, feed: PathBuf, records: Vec<Record>, seed: u64) -> Tally {
    let mut hs = hosts(&records, seed);
    // Only assets the engine accepts as inventory (its input validation).
    for (_, assets) in &mut hs {
        assets.retain(|a| zian_vuln::Asset::from_cpe(&to_fs(a)).is_ok());
    }
    hs.retain(|(_, a)| !a.is_empty());
    let dir = std::env::temp_dir().join(format!("zian-oracle-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tmp");
    let inv = dir.join("inventory.csv");
    let mut w = csv::Writer::from_path(&inv).expect("csv");
    w.write_record(["host", "vendor", "product", "version", "cpe23"])
        .expect("row");
    let mut assets = 0;
    for (h, a) in &hs {
        for n in a {
            w.write_record([h.as_str(), "", "", "", &to_fs(n)])
                .expect("row");
            assets += 1;
        }
    }
    w.flush().expect("flush");
    drop(w);
    let mut out = Vec::new();
    let summary = run_scan(&[feed], &inv, ScanFormat::Jsonl, &mut out, false).expect("scan");
    assert!(summary.bad_assets.is_empty(), "{summary}");
    let oracle = evaluate(&records, &hs, Policy::Literal);
    let narrow = evaluate(&records, &hs, Policy::Narrow);
    let only_literal = oracle.keys().filter(|k| !narrow.contains_key(*k)).count();
    assert!(
        oracle
            .iter()
            .all(|(k, c)| narrow.get(k).is_some_and(|o| o == c) || *c == POSSIBLE),
        "the two readings differ only by possible findings"
    );
    let mut t = Tally {
        only_literal,
        records: records.len(),
        hosts: hs.len(),
        assets,
        oracle_confirmed: BTreeSet::new(),
        oracle_possible: BTreeSet::new(),
        engine_confirmed: BTreeSet::new(),
        engine_possible: BTreeSet::new(),
    };
    for (k, c) in oracle {
        if c == CONFIRMED {
            t.oracle_confirmed.insert(k);
        } else {
            t.oracle_possible.insert(k);
        }
    }
    for l in String::from_utf8(out).expect("utf8").lines() {
        let v: Value = serde_json::from_str(l).expect("json line");
        let k = (
            v["host"].as_str().expect("host").to_owned(),
            v["cpe23"].as_str().expect("cpe23").to_owned(),
            v["cve"].as_str().expect("cve").to_owned(),
        );
        if v["certainty"] == "confirmed" {
            t.engine_confirmed.insert(k);
        } else {
            t.engine_possible.insert(k);
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    let reported: BTreeSet<&Key> = t.engine_confirmed.union(&t.engine_possible).collect();
    let mut shown = BTreeSet::new();
    for k in t.oracle_confirmed.union(&t.oracle_possible) {
        if !reported.contains(k) && shown.len() < 12 && shown.insert(k.0.clone()) {
            let host = hs.iter().find(|(h, _)| *h == k.0).map(|(_, a)| a);
            eprintln!(
                "  unreported {} on host {}: {:?}",
                k.2,
                k.0,
                host.into_iter().flatten().map(to_fs).collect::<Vec<_>>()
            );
        }
    }
    t
}

fn sample_records() -> Vec<Record> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(common::fixture("nvd-sample"))
        .expect("dir")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("CVE-"))
        })
        .collect();
    paths.sort();
    paths
        .iter()
        .filter_map(|p| {
            let v: Value =
                serde_json::from_slice(&std::fs::read(p).expect("read")).expect("record json");
            record(&v)
        })
        .collect()
}

fn slice_records(path: &Path) -> Vec<Record> {
    let mut text = Vec::new();
    xz2::read::XzDecoder::new(std::fs::File::open(path).expect("open"))
        .read_to_end(&mut text)
        .expect("xz");
    let page: Value = serde_json::from_slice(&text).expect("page json");
    page["vulnerabilities"]
        .as_array()
        .expect("vulnerabilities")
        .iter()
        .filter_map(|v| record(&v["cve"]))
        .collect()
}

fn show(label: &str, keys: impl Iterator<Item = Key>) {
    let v: Vec<Key> = keys.collect();
    if !v.is_empty() {
        eprintln!("{label} ({}):", v.len());
        for k in v.iter().take(40) {
            eprintln!("  {} {} {}", k.0, k.2, k.1);
        }
    }
}

#[test]
fn evaluator_self_checks() {
    use std::cmp::Ordering::*;
    assert_eq!(vcmp("1.10", "1.9"), Greater);
    assert_eq!(vcmp("1.0", "1.0.0"), Equal);
    assert_eq!(vcmp("1.0rc1", "1.0"), Less);
    assert_eq!(vcmp("1.0-beta", "1.0"), Less);
    assert_eq!(vcmp("0.9.8za", "0.9.8"), Greater);
    assert_eq!(vcmp("0.9.8l", "0.9.8m"), Less);
    assert_eq!(vcmp("2.4.1", "2.4.10"), Less);
    assert_eq!(vcmp("10.0.19041.1", "10.0.19041.1415"), Less);
    let c = parse_fs("cpe:2.3:a:acme:app:*:*:*:*:*:*:x64:*").expect("fs");
    let a = parse_fs("cpe:2.3:a:acme:app:1.5:*:*:*:*:*:*:*").expect("fs");
    assert_eq!(attr(&c[9], &a[9]), POSSIBLE);
    assert_eq!(to_fs(&a), "cpe:2.3:a:acme:app:1.5:*:*:*:*:*:*:*");
    let p = parse_fs(r"cpe:2.3:a:foo:bar\:baz:1.\*:*:*:*:*:*:*:*").expect("escaped colon");
    assert_eq!(p[2], V::S(r"bar\:baz".into()));
    assert!(!has_wildcard(r"1.\*"));
    assert!(glob(&pattern("1.2*"), &"1.2.3".chars().collect::<Vec<_>>()));
    let e = Entry {
        vulnerable: true,
        crit: c,
        start_incl: None,
        start_excl: None,
        end_incl: None,
        end_excl: Some("2.0".into()),
    };
    let os_x64 = parse_fs("cpe:2.3:o:acme:os:10:*:*:*:*:*:x64:*").expect("fs");
    let app = parse_fs("cpe:2.3:a:acme:app:1.5:*:*:*:*:*:x64:*").expect("fs");
    assert_eq!(e.matches(&app, Policy::Narrow), CONFIRMED);
    let app2 = parse_fs("cpe:2.3:a:acme:app:2.0:*:*:*:*:*:x64:*").expect("fs");
    assert_eq!(e.matches(&app2, Policy::Narrow), NO);
    assert_eq!(e.best(&[app2, os_x64, app], Policy::Narrow), CONFIRMED);
    assert_eq!(
        combine(true, false, [CONFIRMED, POSSIBLE].into_iter()),
        POSSIBLE
    );
    assert_eq!(combine(false, true, [NO].into_iter()), CONFIRMED);
}

#[test]
fn engine_agrees_with_an_independent_evaluator_on_real_records() {
    let sets = [
        (
            "nvd-sample",
            common::fixture("nvd-sample"),
            sample_records(),
            0x5EED_0001_u64,
        ),
        (
            "modified-slice",
            common::fixture("nvdcve-api2-published-modified.json.xz"),
            slice_records(&common::fixture("nvdcve-api2-published-modified.json.xz")),
            0x5EED_0002_u64,
        ),
    ];
    let (mut tp, mut eng_c, mut ora_c, mut missing, mut extra) = (0, 0, 0, 0, 0);
    let (mut ora_p, mut assets) = (0, 0);
    for (name, feed, records, seed) in sets {
        let t = run_dataset(name, feed, records, seed);
        let both: BTreeSet<&Key> = t.engine_confirmed.union(&t.engine_possible).collect();
        let oracle_all: BTreeSet<&Key> = t.oracle_confirmed.union(&t.oracle_possible).collect();
        let agree = t.engine_confirmed.intersection(&t.oracle_confirmed).count();
        eprintln!(
            "{name}: {} records with configurations, {} hosts, {} assets; evaluator {} confirmed + {} possible (of which {} possible only by the literal reading: asset version ANY against one exact or NA version); engine {} confirmed + {} possible; confirmed in both {agree}",
            t.records,
            t.hosts,
            t.assets,
            t.oracle_confirmed.len(),
            t.oracle_possible.len(),
            t.only_literal,
            t.engine_confirmed.len(),
            t.engine_possible.len()
        );
        show(
            "engine confirmed, evaluator not confirmed",
            t.engine_confirmed.difference(&t.oracle_confirmed).cloned(),
        );
        show(
            "evaluator confirmed, engine not confirmed",
            t.oracle_confirmed.difference(&t.engine_confirmed).cloned(),
        );
        show(
            "evaluator finding the engine does not report",
            oracle_all
                .iter()
                .filter(|k| !both.contains(*k))
                .map(|k| (*k).clone()),
        );
        show(
            "engine finding the evaluator does not have",
            both.iter()
                .filter(|k| !oracle_all.contains(*k))
                .map(|k| (*k).clone()),
        );
        tp += agree;
        eng_c += t.engine_confirmed.len();
        ora_c += t.oracle_confirmed.len();
        ora_p += t.oracle_possible.len();
        missing += oracle_all.iter().filter(|k| !both.contains(*k)).count();
        extra += both.iter().filter(|k| !oracle_all.contains(*k)).count();
        assets += t.assets;
    }
    let precision = tp as f64 / eng_c.max(1) as f64;
    let recall = tp as f64 / ora_c.max(1) as f64;
    eprintln!(
        "confirmed findings: precision {precision:.4} ({tp}/{eng_c}), recall {recall:.4} ({tp}/{ora_c}); evaluator findings not reported: {missing}; engine findings outside the evaluator's: {extra}; evaluator possible: {ora_p}"
    );
    assert!(assets > 3000, "{assets} assets");
    assert!(
        ora_c > 1000 && ora_p > 500,
        "the inventory exercises both classes"
    );
    assert!(precision >= 0.99, "precision {precision}");
    assert!(recall >= 0.99, "recall {recall}");
    assert_eq!(missing, 0, "every true finding is confirmed or possible");
    assert!(
        extra * 100 <= eng_c + ora_p,
        "{extra} engine findings the evaluator does not have"
    );
}
