//! The compiled vulnerability feed store: a directory holding one compact,
//! versioned, checksummed binary snapshot of a [`VulnStore`] (records and
//! interned match criteria, KEV, EPSS) and a small manifest naming it.
//!
//! ## API (used by `zian feeds import|status`, `zian vuln scan --store` and
//! the NVD sync)
//! * [`Store::import`]`(dir, paths)`: read feed files (NVD 2.0 files and API
//!   pages, CVE 5 files and directories, KEV JSON, EPSS CSV; parsed in
//!   parallel, see [`crate::feeds::parallel`]) into the store at `dir`,
//!   merging with the snapshot already there (per CVE id and section, the
//!   newer `lastModified` / `dateUpdated` wins; KEV and EPSS entries are
//!   replaced), and write a new snapshot atomically. Creates `dir` if needed.
//! * [`Store::open`]`(dir)`: load the whole snapshot;
//!   [`Store::open_for_matching`] skips the descriptive section
//!   (descriptions, references, weaknesses), which no finding uses;
//!   [`Store::open_for_keys`]`(dir, keys)` decodes only the records an
//!   inventory with those `part:vendor:product` keys can match and the
//!   criteria they use (what `zian vuln scan --store` does).
//! * [`Store::status`]`(dir)`: the manifest (sources, counts, newest
//!   `lastModified`, size) without loading the records.
//!
//! ## Layout
//! * `DIR/store-v3-<first 16 hex digits of the SHA-256>.bin`: the snapshot.
//!   Header: magic `ZIANVST\0`, format version (u32 LE), section count
//!   (u32 LE), then per section its length (u64 LE) and SHA-256; then the
//!   sections, each in postcard encoding:
//!
//!   - section 0, *directory*: the encoded length of every record and criterion (so
//!     any one can be decoded alone), the trigger index (each
//!     `part:vendor:product` key → the positions of the records with a
//!     triggering criterion under it; records with an unkeyed trigger
//!     apart), KEV and EPSS;
//!   - section 1, *records*: each record without its descriptive fields, in position
//!     order, referring to criteria by id;
//!   - section 2, *criteria*: each criterion as written in the feeds plus its parsed
//!     name, attribute by attribute, and its index keys (loading parses no
//!     CPE name; only the range bounds' version texts are parsed);
//!   - section 3, *details*: the descriptive fields, record by record.
//!
//!   Older formats are refused with a message asking for a re-import.
//! * `DIR/CURRENT`: JSON manifest (format, snapshot file name, its SHA-256
//!   and size, sources imported, counts, newest `lastModified`).
//!
//! ## Atomicity
//! The snapshot is written to a temporary file in `DIR`, `fsync`ed and
//! renamed to its final name; then the manifest is written the same way and
//! renamed over `CURRENT` (the switch); the directory is `fsync`ed after each
//! rename; older snapshots are removed last. A process killed at any point
//! leaves `CURRENT` naming a complete, verified snapshot (the previous one
//! until the rename of `CURRENT`). Concurrent imports into one directory are
//! not coordinated: the last switch wins.
//!
//! ## Loading
//! The loader checks the manifest, the file name, magic, format version,
//! section lengths and the SHA-256 of every section it reads before
//! deserialising; a corrupt or truncated store is refused with
//! [`VulnError::Store`], never a panic.

use std::fmt;
use std::fs::{self, File};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::VulnError;
use crate::feeds::{Epss, FeedKind, FeedReport, KevEntry, VulnStore, import_paths};
use crate::index::triggers;
use crate::matching::{CriteriaTable, Criterion};
use crate::model::{CveEntry, Reference, Weakness};
use zian_cpe::{Value, Wfn};

/// Magic bytes at the start of a snapshot.
pub const MAGIC: &[u8; 8] = b"ZIANVST\0";
/// Format version written and accepted.
pub const FORMAT_VERSION: u32 = 3;
/// Name of the manifest.
pub const MANIFEST: &str = "CURRENT";
const HEADER_FIXED: usize = 16;
const SECTION_HEADER: usize = 40;
const SECTIONS: u32 = 4;
const HEADER_LEN: usize = HEADER_FIXED + SECTION_HEADER * SECTIONS as usize;
/// What to do about a store of another format version.
const REIMPORT: &str = "rebuild the store: run `zian feeds import --store DIR FEED…` into a new (or emptied) directory";

/// One import recorded in the manifest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SourceInfo {
    /// Path as given.
    pub path: String,
    /// `nvd`, `cve5`, `kev`, `epss` or `directory`.
    pub kind: String,
    /// Records read.
    pub read: u64,
    /// New records.
    pub inserted: u64,
    /// Records replaced by a newer version.
    pub replaced: u64,
    /// Records skipped (invalid, or not newer than the stored one).
    pub skipped: u64,
    /// Import time (file modification time of the snapshot written, unix seconds).
    pub imported_at: i64,
}

/// The manifest `CURRENT`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// Format version of the snapshot.
    pub format: u32,
    /// File name of the snapshot in the directory.
    pub file: String,
    /// SHA-256 of the whole snapshot file (hex).
    pub sha256: String,
    /// Size of the snapshot in bytes.
    pub size: u64,
    /// When the snapshot was written (its modification time, unix seconds).
    pub created: i64,
    /// CVE ids.
    pub records: u64,
    /// Records with an NVD section.
    pub nvd_records: u64,
    /// Records with a CVE 5 section.
    pub cve5_records: u64,
    /// Interned match criteria.
    pub criteria: u64,
    /// KEV entries.
    pub kev: u64,
    /// EPSS scores.
    pub epss: u64,
    /// Newest NVD `lastModified`.
    pub newest_last_modified: Option<String>,
    /// Newest CVE 5 `dateUpdated`.
    pub newest_date_updated: Option<String>,
    /// Every import into this store, oldest first.
    pub sources: Vec<SourceInfo>,
}

/// What [`Store::status`] reports.
#[derive(Debug, Clone, PartialEq)]
pub struct StoreStatus {
    /// The store directory.
    pub dir: PathBuf,
    /// Its manifest.
    pub manifest: Manifest,
}

impl fmt::Display for StoreStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let m = &self.manifest;
        writeln!(f, "store: {}", self.dir.display())?;
        writeln!(
            f,
            "snapshot: {} (format {}, {:.1} MB, sha256 {})",
            m.file,
            m.format,
            m.size as f64 / 1_048_576.0,
            m.sha256
        )?;
        writeln!(
            f,
            "records: {} ({} NVD, {} CVE 5), criteria {}, KEV {}, EPSS {}",
            m.records, m.nvd_records, m.cve5_records, m.criteria, m.kev, m.epss
        )?;
        writeln!(
            f,
            "newest lastModified: {}; newest dateUpdated: {}",
            m.newest_last_modified.as_deref().unwrap_or("-"),
            m.newest_date_updated.as_deref().unwrap_or("-")
        )?;
        write!(f, "sources:")?;
        for s in &m.sources {
            write!(
                f,
                "\n  {} ({}): read {}, inserted {}, replaced {}, skipped {}",
                s.path, s.kind, s.read, s.inserted, s.replaced, s.skipped
            )?;
        }
        Ok(())
    }
}

/// What [`Store::import`] did.
#[derive(Debug, Clone)]
pub struct ImportReport {
    /// One report per path.
    pub feeds: Vec<FeedReport>,
    /// Records before the import.
    pub records_before: u64,
    /// The new manifest.
    pub manifest: Manifest,
    /// Seconds spent reading and parsing feeds.
    pub parse_seconds: f64,
    /// Seconds spent writing the snapshot.
    pub write_seconds: f64,
}

impl fmt::Display for ImportReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for r in &self.feeds {
            writeln!(f, "  {r}")?;
        }
        write!(
            f,
            "store: {} records (was {}), snapshot {} ({:.1} MB); parse {:.2} s, write {:.2} s",
            self.manifest.records,
            self.records_before,
            self.manifest.file,
            self.manifest.size as f64 / 1_048_576.0,
            self.parse_seconds,
            self.write_seconds
        )
    }
}

/// A loaded store.
#[derive(Debug, Clone)]
pub struct Store {
    /// The manifest it was loaded from (`None` for a directory without one).
    pub manifest: Option<Manifest>,
    vulns: VulnStore,
}

/// A stage of the snapshot write, for failure injection in tests.
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// The temporary snapshot is written and synced, not yet renamed.
    SnapshotWritten,
    /// The snapshot is in place, the manifest not yet switched.
    BeforeSwitch,
}

/// One attribute of a parsed CPE name as saved: ANY, NA or the canonical
/// WFN-quoted string.
#[derive(Serialize, Deserialize)]
enum Attr {
    Any,
    Na,
    Str(String),
}

impl Attr {
    fn from_value(v: &Value) -> Attr {
        match v {
            Value::Any => Attr::Any,
            Value::Na => Attr::Na,
            Value::Str(s) => Attr::Str(s.clone()),
        }
    }

    /// The value; `None` for a string no parser could have produced
    /// (empty, or not printable non-blank ASCII): a corrupt snapshot.
    fn into_value(self) -> Option<Value> {
        match self {
            Attr::Any => Some(Value::Any),
            Attr::Na => Some(Value::Na),
            Attr::Str(s) => (!s.is_empty() && s.bytes().all(|b| (0x21..=0x7e).contains(&b)))
                .then_some(Value::Str(s)),
        }
    }
}

/// A criterion as saved: the text as written in the feeds plus what
/// parsing it gave (the WFN in attribute order, the index keys), so that
/// loading parses no CPE name (only the bounds' version texts).
#[derive(Serialize, Deserialize)]
struct CritRec {
    fs: Box<str>,
    match_id: Option<Box<str>>,
    start: Option<(Box<str>, bool)>,
    end: Option<(Box<str>, bool)>,
    wfn: Option<[Attr; 11]>,
    keys: Vec<Box<str>>,
}

impl CritRec {
    fn from_criterion(c: &Criterion) -> CritRec {
        CritRec {
            fs: c.fs.clone(),
            match_id: c.match_id.clone(),
            start: c.start.as_ref().map(|b| (b.raw.clone(), b.inclusive)),
            end: c.end.as_ref().map(|b| (b.raw.clone(), b.inclusive)),
            wfn: c.wfn.as_ref().map(|w| {
                [
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
                ]
                .map(Attr::from_value)
            }),
            keys: c.keys.clone(),
        }
    }

    fn into_criterion(self) -> Option<Criterion> {
        let wfn = match self.wfn {
            None => None,
            Some(a) => {
                let [
                    part,
                    vendor,
                    product,
                    version,
                    update,
                    edition,
                    language,
                    sw_edition,
                    target_sw,
                    target_hw,
                    other,
                ] = a.map(Attr::into_value);
                Some(Wfn {
                    part: part?,
                    vendor: vendor?,
                    product: product?,
                    version: version?,
                    update: update?,
                    edition: edition?,
                    language: language?,
                    sw_edition: sw_edition?,
                    target_sw: target_sw?,
                    target_hw: target_hw?,
                    other: other?,
                })
            }
        };
        Some(Criterion::from_parts(
            self.fs,
            wfn,
            self.match_id,
            self.start,
            self.end,
            self.keys,
        ))
    }
}

/// Section 0 (*directory*): how to find each record and criterion in
/// sections 1 and 2, which records an inventory key can trigger, KEV and
/// EPSS.
#[derive(Serialize, Deserialize, Default)]
struct Directory {
    /// Encoded length of each record in section 1, in position order.
    record_lens: Vec<u32>,
    /// Encoded length of each criterion in section 2, in id order.
    criterion_lens: Vec<u32>,
    /// Index key (`part:vendor:product`) → positions of the records with a
    /// triggering criterion filed under it (ascending).
    keys: Vec<(Box<str>, Vec<u32>)>,
    /// Records with a triggering criterion that has no key (vendor or
    /// product not specific): candidates for every asset.
    wildcard: Vec<u32>,
    kev: Vec<(Box<str>, KevEntry)>,
    epss: Vec<(Box<str>, Epss)>,
}

#[derive(Serialize, Deserialize, Default)]
struct Detail {
    descriptions: Vec<(Box<str>, Box<str>)>,
    weaknesses: Vec<Weakness>,
    references: Vec<Reference>,
    cve5_description: Option<Box<str>>,
}

fn store_err(path: &Path, reason: impl Into<String>) -> VulnError {
    VulnError::Store {
        path: path.to_owned(),
        reason: reason.into(),
    }
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

fn kind_name(k: FeedKind) -> &'static str {
    match k {
        FeedKind::Nvd => "nvd",
        FeedKind::Cve5 => "cve5",
        FeedKind::Kev => "kev",
        FeedKind::Epss => "epss",
        FeedKind::Directory => "directory",
    }
}

/// Append `value`'s postcard encoding to `buf`; its length.
fn put<T: Serialize>(buf: &mut Vec<u8>, value: &T) -> Result<u32, String> {
    let before = buf.len();
    let taken = std::mem::take(buf);
    *buf = postcard::to_extend(value, taken).map_err(|e| format!("encoding: {e}"))?;
    u32::try_from(buf.len() - before).map_err(|_| "a record over 4 GiB".to_owned())
}

/// Encode a store as snapshot bytes (consumes it: the descriptive fields are
/// moved out, not copied).
fn encode(mut store: VulnStore) -> Result<Vec<u8>, String> {
    let details: Vec<Detail> = store
        .entries_mut()
        .iter_mut()
        .map(|e| {
            let mut d = Detail::default();
            if let Some(n) = e.nvd.as_mut() {
                d.descriptions = std::mem::take(&mut n.descriptions);
                d.weaknesses = std::mem::take(&mut n.weaknesses);
                d.references = std::mem::take(&mut n.references);
            }
            if let Some(c) = e.cve5.as_mut() {
                d.cve5_description = c.description.take();
            }
            d
        })
        .collect();
    let mut dir = Directory::default();
    let mut records = Vec::new();
    let mut keys: std::collections::BTreeMap<&str, Vec<u32>> = Default::default();
    for (pos, e) in store.entries().iter().enumerate() {
        dir.record_lens.push(put(&mut records, e)?);
        let pos = u32::try_from(pos).map_err(|_| "over 4 billion records".to_owned())?;
        for (cid, _) in triggers(e) {
            let Some(c) = store.criteria.get(cid).filter(|c| c.wfn.is_some()) else {
                continue;
            };
            if c.keys.is_empty() && dir.wildcard.last() != Some(&pos) {
                dir.wildcard.push(pos);
            }
            for k in &c.keys {
                let list = keys.entry(k).or_default();
                if list.last() != Some(&pos) {
                    list.push(pos);
                }
            }
        }
    }
    dir.keys = keys.into_iter().map(|(k, v)| (Box::from(k), v)).collect();
    let mut criteria = Vec::new();
    for (_, c) in store.criteria.iter() {
        dir.criterion_lens
            .push(put(&mut criteria, &CritRec::from_criterion(c))?);
    }
    dir.kev = store
        .kev_entries()
        .into_iter()
        .map(|(k, e)| (Box::from(k), e.clone()))
        .collect();
    dir.epss = store
        .epss_entries()
        .into_iter()
        .map(|(k, e)| (Box::from(k), e))
        .collect();
    let dir = postcard::to_stdvec(&dir).map_err(|e| format!("encoding: {e}"))?;
    let details = postcard::to_stdvec(&details).map_err(|e| format!("encoding: {e}"))?;
    Ok(frame(&[&dir, &records, &criteria, &details]))
}

/// Frame the four section payloads (directory, records, criteria, details)
/// as a snapshot with a valid header and checksums (also for fuzzing the
/// decoder past the checksum check). Missing sections are empty.
#[doc(hidden)]
pub fn frame(sections: &[&[u8]]) -> Vec<u8> {
    let parts: Vec<&[u8]> = (0..SECTIONS as usize)
        .map(|i| sections.get(i).copied().unwrap_or(&[]))
        .collect();
    let total: usize = parts.iter().map(|p| p.len()).sum();
    let mut out = Vec::with_capacity(HEADER_FIXED + SECTION_HEADER * parts.len() + total);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    out.extend_from_slice(&SECTIONS.to_le_bytes());
    for s in &parts {
        out.extend_from_slice(&(s.len() as u64).to_le_bytes());
        out.extend_from_slice(&Sha256::digest(s));
    }
    for s in &parts {
        out.extend_from_slice(s);
    }
    out
}

/// Section lengths and digests from a header.
fn parse_header(
    path: &Path,
    head: &[u8],
    file_len: u64,
) -> Result<Vec<(u64, [u8; 32])>, VulnError> {
    if head.len() < HEADER_FIXED || &head[..8] != MAGIC {
        return Err(store_err(
            path,
            "not a Zian store snapshot (bad magic bytes)",
        ));
    }
    let u32_at = |i: usize| {
        let mut b = [0u8; 4];
        b.copy_from_slice(&head[i..i + 4]);
        u32::from_le_bytes(b)
    };
    let version = u32_at(8);
    if version != FORMAT_VERSION {
        return Err(store_err(
            path,
            format!(
                "format version {version} is not supported (this build reads {FORMAT_VERSION}); {REIMPORT}"
            ),
        ));
    }
    let n = u32_at(12);
    if n != SECTIONS {
        return Err(store_err(
            path,
            format!("{n} sections, expected {SECTIONS}"),
        ));
    }
    if head.len() < HEADER_LEN {
        return Err(store_err(path, "truncated header"));
    }
    let mut out = Vec::new();
    let mut total = HEADER_LEN as u64;
    for i in 0..SECTIONS as usize {
        let at = HEADER_FIXED + i * SECTION_HEADER;
        let mut l = [0u8; 8];
        l.copy_from_slice(&head[at..at + 8]);
        let len = u64::from_le_bytes(l);
        let mut d = [0u8; 32];
        d.copy_from_slice(&head[at + 8..at + 40]);
        total = total.saturating_add(len);
        out.push((len, d));
    }
    if total != file_len {
        return Err(store_err(
            path,
            format!(
                "size {file_len} bytes does not match the header ({total} bytes): truncated or corrupt"
            ),
        ));
    }
    Ok(out)
}

fn check(path: &Path, what: &str, bytes: &[u8], digest: &[u8; 32]) -> Result<(), VulnError> {
    if Sha256::digest(bytes).as_slice() != digest {
        return Err(store_err(
            path,
            format!("{what} section checksum mismatch: corrupt snapshot"),
        ));
    }
    Ok(())
}

/// Decode snapshot bytes (a whole file) into a store. `with_details`:
/// also decode the descriptive section.
pub fn decode(path: &Path, bytes: &[u8], with_details: bool) -> Result<VulnStore, VulnError> {
    decode_select(path, bytes, None, with_details)
}

/// Decode from snapshot bytes only the records an inventory with these
/// index keys (`part:vendor:product`, [`crate::matching::Asset::key`]) can
/// match, and the criteria they use (without the descriptive section):
/// matching that inventory against the result gives exactly the findings
/// it gives against the whole store.
pub fn decode_for_keys(path: &Path, bytes: &[u8], keys: &[&str]) -> Result<VulnStore, VulnError> {
    decode_select(path, bytes, Some(keys), false)
}

fn decode_select(
    path: &Path,
    bytes: &[u8],
    keys: Option<&[&str]>,
    with_details: bool,
) -> Result<VulnStore, VulnError> {
    let sections = parse_header(path, bytes, bytes.len() as u64)?;
    let mut parts = Vec::with_capacity(sections.len());
    let mut at = HEADER_LEN;
    for (len, _) in &sections {
        let end = at + usize::try_from(*len).unwrap_or(usize::MAX);
        parts.push(&bytes[at..end]);
        at = end;
    }
    let want = if with_details { 4 } else { 3 };
    build(path, &parts[..want], &sections, keys)
}

/// Byte ranges of consecutive items of the given lengths in a section.
fn offsets(path: &Path, what: &str, lens: &[u32], section: &[u8]) -> Result<Vec<usize>, VulnError> {
    let mut out = Vec::with_capacity(lens.len() + 1);
    let mut at = 0usize;
    out.push(0);
    for &l in lens {
        at = at.saturating_add(l as usize);
        out.push(at);
    }
    if at != section.len() {
        return Err(store_err(
            path,
            format!(
                "{what} section holds {} bytes, the directory {at}: corrupt snapshot",
                section.len()
            ),
        ));
    }
    Ok(out)
}

/// One item of a section, which must use all its bytes.
fn item<'de, T: Deserialize<'de>>(
    path: &Path,
    what: &str,
    bytes: &'de [u8],
) -> Result<T, VulnError> {
    match postcard::take_from_bytes::<T>(bytes) {
        Ok((v, [])) => Ok(v),
        Ok(_) => Err(store_err(
            path,
            format!("{what}: trailing bytes: corrupt snapshot"),
        )),
        Err(e) => Err(store_err(path, format!("{what}: {e}"))),
    }
}

/// Every criterion id a record refers to.
fn refs_mut(e: &mut CveEntry, f: &mut impl FnMut(&mut u32)) {
    for s in e.nvd.iter_mut().flat_map(|s| s.configurations.iter_mut()) {
        for n in &mut s.nodes {
            for m in &mut n.matches {
                f(&mut m.criterion);
            }
        }
    }
    if let Some(c) = e.cve5.as_mut() {
        for s in &mut c.configurations {
            for n in &mut s.nodes {
                for m in &mut n.matches {
                    f(&mut m.criterion);
                }
            }
        }
        for a in &mut c.affected {
            for t in &mut a.targets {
                f(t);
            }
        }
    }
}

fn decode_criteria(
    path: &Path,
    section: &[u8],
    at: &[usize],
    ids: impl Iterator<Item = usize>,
) -> Result<Vec<Criterion>, VulnError> {
    let mut items = Vec::new();
    for id in ids {
        let c: CritRec = item(path, "criterion", &section[at[id]..at[id + 1]])?;
        items.push(c.into_criterion().ok_or_else(|| {
            store_err(
                path,
                "criterion with an invalid CPE value: corrupt snapshot",
            )
        })?);
    }
    Ok(items)
}

/// `parts`: directory, records, criteria and optionally details.
fn build(
    path: &Path,
    parts: &[&[u8]],
    sections: &[(u64, [u8; 32])],
    keys: Option<&[&str]>,
) -> Result<VulnStore, VulnError> {
    const NAMES: [&str; 4] = ["directory", "records", "criteria", "details"];
    // Checksums: the large sections on two threads.
    let (a, b) = std::thread::scope(|s| {
        let other = s.spawn(|| {
            parts
                .iter()
                .enumerate()
                .skip(2)
                .try_for_each(|(i, p)| check(path, NAMES[i], p, &sections[i].1))
        });
        let mine = parts
            .iter()
            .enumerate()
            .take(2)
            .try_for_each(|(i, p)| check(path, NAMES[i], p, &sections[i].1));
        (mine, other.join())
    });
    a?;
    b.map_err(|_| store_err(path, "checksum thread failed"))??;
    let dir: Directory = item(path, "directory section", parts[0])?;
    let (records, criteria) = (parts[1], parts[2]);
    let rat = offsets(path, "records", &dir.record_lens, records)?;
    let cat = offsets(path, "criteria", &dir.criterion_lens, criteria)?;
    let n_records = dir.record_lens.len();
    let n_crit = dir.criterion_lens.len();
    let out_of_range = || store_err(path, "record position out of range: corrupt snapshot");
    let positions: Option<Vec<usize>> = match keys {
        None => None,
        Some(keys) => {
            let wanted: std::collections::HashSet<&str> = keys.iter().copied().collect();
            let mut pos: Vec<u32> = dir.wildcard.clone();
            for (k, list) in &dir.keys {
                if wanted.contains(&**k) {
                    pos.extend_from_slice(list);
                }
            }
            pos.sort_unstable();
            pos.dedup();
            if pos.last().is_some_and(|&p| p as usize >= n_records) {
                return Err(out_of_range());
            }
            Some(pos.into_iter().map(|p| p as usize).collect())
        }
    };
    let decode_records =
        |sel: &mut dyn Iterator<Item = usize>| -> Result<Vec<CveEntry>, VulnError> {
            let mut out = Vec::new();
            for p in sel {
                let mut e: CveEntry = item(path, "record", &records[rat[p]..rat[p + 1]])?;
                if !crate::feeds::valid_cve_id(&e.id) {
                    return Err(store_err(
                        path,
                        format!("record id {:?} is not a CVE id", e.id),
                    ));
                }
                let mut bad = None;
                refs_mut(&mut e, &mut |r| {
                    if *r as usize >= n_crit {
                        bad = Some(*r);
                    }
                });
                if let Some(r) = bad {
                    return Err(store_err(
                        path,
                        format!(
                            "record {} refers to criterion {r} of {n_crit}: corrupt snapshot",
                            e.id
                        ),
                    ));
                }
                out.push(e);
            }
            Ok(out)
        };
    let (mut entries, items) = match &positions {
        // Everything: records and criteria on two threads.
        None => {
            let (e, c) = std::thread::scope(|s| {
                let crit = s.spawn(|| decode_criteria(path, criteria, &cat, 0..n_crit));
                let e = decode_records(&mut (0..n_records));
                (e, crit.join())
            });
            let c = c.map_err(|_| store_err(path, "decoding thread failed"))??;
            (e?, c)
        }
        // The records the keys can trigger, then the criteria they use,
        // renumbered densely.
        Some(pos) => {
            let mut entries = decode_records(&mut pos.iter().copied())?;
            let mut new_id = vec![u32::MAX; n_crit];
            for e in &mut entries {
                refs_mut(e, &mut |r| new_id[*r as usize] = 0);
            }
            let mut used = Vec::new();
            for (old, slot) in new_id.iter_mut().enumerate() {
                if *slot == 0 {
                    *slot = u32::try_from(used.len()).unwrap_or(u32::MAX);
                    used.push(old);
                }
            }
            for e in &mut entries {
                refs_mut(e, &mut |r| *r = new_id[*r as usize]);
            }
            let items = decode_criteria(path, criteria, &cat, used.into_iter())?;
            (entries, items)
        }
    };
    let table = CriteriaTable::from_criteria(items);
    let mut seen = std::collections::HashSet::with_capacity(entries.len());
    for e in &entries {
        if !seen.insert(&e.id) {
            return Err(store_err(path, format!("record {} appears twice", e.id)));
        }
    }
    if let Some(d) = parts.get(3) {
        let details: Vec<Detail> = postcard::from_bytes(d)
            .map_err(|e| store_err(path, format!("details section: {e}")))?;
        if details.len() != n_records {
            return Err(store_err(
                path,
                format!("{} detail records for {n_records} records", details.len()),
            ));
        }
        let mut details: Vec<Option<Detail>> = details.into_iter().map(Some).collect();
        let picked = match &positions {
            None => (0..n_records).collect::<Vec<_>>(),
            Some(p) => p.clone(),
        };
        for (e, p) in entries.iter_mut().zip(picked) {
            let Some(d) = details[p].take() else { continue };
            if let Some(n) = e.nvd.as_mut() {
                n.descriptions = d.descriptions;
                n.weaknesses = d.weaknesses;
                n.references = d.references;
            }
            if let Some(c) = e.cve5.as_mut() {
                c.description = d.cve5_description;
            }
        }
    }
    Ok(VulnStore::from_parts(entries, table, dir.kev, dir.epss))
}

fn valid_snapshot_name(name: &str) -> bool {
    name.strip_prefix(&format!("store-v{FORMAT_VERSION}-"))
        .and_then(|r| r.strip_suffix(".bin"))
        .is_some_and(|h| h.len() == 16 && h.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// A snapshot of any format version (`store-vN-<16 hex>.bin`): what an
/// import removes once the new one is in place.
fn any_snapshot_name(name: &str) -> bool {
    name.strip_prefix("store-v")
        .and_then(|r| r.split_once('-'))
        .is_some_and(|(v, r)| {
            !v.is_empty()
                && v.bytes().all(|b| b.is_ascii_digit())
                && r.strip_suffix(".bin")
                    .is_some_and(|h| h.len() == 16 && h.bytes().all(|b| b.is_ascii_hexdigit()))
        })
}

fn read_manifest(dir: &Path) -> Result<Option<Manifest>, VulnError> {
    let p = dir.join(MANIFEST);
    let text = match fs::read(&p) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(VulnError::io(&p, e)),
    };
    let m: Manifest = serde_json::from_slice(&text)
        .map_err(|e| store_err(&p, format!("manifest is not valid: {e}")))?;
    if m.format != FORMAT_VERSION {
        return Err(store_err(
            &p,
            format!(
                "format version {} is not supported (this build reads {FORMAT_VERSION}); {REIMPORT}",
                m.format
            ),
        ));
    }
    if !valid_snapshot_name(&m.file) {
        return Err(store_err(
            &p,
            format!("snapshot name {:?} is not valid", m.file),
        ));
    }
    Ok(Some(m))
}

fn sync_dir(dir: &Path) -> Result<(), VulnError> {
    // Directory fsync makes the renames durable (Linux); elsewhere it may
    // not be supported, which is not an error.
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

fn write_synced(path: &Path, bytes: &[u8]) -> Result<(), VulnError> {
    let mut f = File::create(path).map_err(|e| VulnError::io(path, e))?;
    f.write_all(bytes).map_err(|e| VulnError::io(path, e))?;
    f.sync_all().map_err(|e| VulnError::io(path, e))
}

fn unix_mtime(path: &Path) -> i64 {
    fs::metadata(path)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

impl Store {
    /// Load the whole store at `dir` (records with their descriptions,
    /// references and weaknesses). A directory without a manifest is an
    /// error.
    pub fn open(dir: &Path) -> Result<Store, VulnError> {
        Store::open_with(dir, true, None)
    }

    /// Load what matching needs (no descriptions, references or weaknesses):
    /// faster and smaller; findings are identical.
    pub fn open_for_matching(dir: &Path) -> Result<Store, VulnError> {
        Store::open_with(dir, false, None)
    }

    /// Load only what matching an inventory with these index keys
    /// (`part:vendor:product`, [`crate::matching::Asset::key`]) needs: the
    /// records those keys (or a criterion without a key) can trigger and
    /// the criteria they use. Findings for that inventory are identical to
    /// those from [`Store::open_for_matching`]; other lookups see only the
    /// loaded records.
    pub fn open_for_keys(dir: &Path, keys: &[&str]) -> Result<Store, VulnError> {
        Store::open_with(dir, false, Some(keys))
    }

    fn open_with(
        dir: &Path,
        with_details: bool,
        keys: Option<&[&str]>,
    ) -> Result<Store, VulnError> {
        let m = read_manifest(dir)?.ok_or_else(|| {
            store_err(
                dir,
                "no store here (no CURRENT manifest); run `zian feeds import` first",
            )
        })?;
        let path = dir.join(&m.file);
        let mut f = File::open(&path).map_err(|e| VulnError::io(&path, e))?;
        let len = f.metadata().map_err(|e| VulnError::io(&path, e))?.len();
        if len != m.size {
            return Err(store_err(
                &path,
                format!(
                    "size {len} bytes, the manifest says {}: truncated or corrupt",
                    m.size
                ),
            ));
        }
        let mut head = vec![0u8; HEADER_LEN];
        f.read_exact(&mut head)
            .map_err(|_| store_err(&path, "truncated header"))?;
        let sections = parse_header(&path, &head, len)?;
        // Read the sections needed (the details last, only when asked for).
        let want = if with_details { 4 } else { 3 };
        let mut parts = Vec::with_capacity(want);
        for (i, (slen, _)) in sections.iter().enumerate().take(want) {
            let mut b = vec![0u8; usize::try_from(*slen).unwrap_or(usize::MAX)];
            f.read_exact(&mut b)
                .map_err(|_| store_err(&path, format!("truncated section {i}")))?;
            parts.push(b);
        }
        let parts: Vec<&[u8]> = parts.iter().map(Vec::as_slice).collect();
        let vulns = build(&path, &parts, &sections, keys)?;
        Ok(Store {
            manifest: Some(m),
            vulns,
        })
    }

    /// The records.
    pub fn vulns(&self) -> &VulnStore {
        &self.vulns
    }

    /// The records, owned.
    pub fn into_vulns(self) -> VulnStore {
        self.vulns
    }

    /// The manifest of the store at `dir`, without loading the records.
    pub fn status(dir: &Path) -> Result<StoreStatus, VulnError> {
        let manifest = read_manifest(dir)?.ok_or_else(|| {
            store_err(
                dir,
                "no store here (no CURRENT manifest); run `zian feeds import` first",
            )
        })?;
        Ok(StoreStatus {
            dir: dir.to_owned(),
            manifest,
        })
    }

    /// Import feed files into the store at `dir` (created if missing),
    /// merging with its current snapshot, and switch to a new snapshot
    /// atomically. See the module documentation.
    pub fn import(dir: &Path, paths: &[PathBuf]) -> Result<ImportReport, VulnError> {
        Store::import_with_hook(dir, paths, &mut |_| Ok(()))
    }

    /// [`Store::import`] with a hook called at each write stage; an error
    /// from the hook aborts the import there (failure injection for tests).
    #[doc(hidden)]
    pub fn import_with_hook(
        dir: &Path,
        paths: &[PathBuf],
        hook: &mut dyn FnMut(Stage) -> std::io::Result<()>,
    ) -> Result<ImportReport, VulnError> {
        fs::create_dir_all(dir).map_err(|e| VulnError::io(dir, e))?;
        let t0 = Instant::now();
        let (mut vulns, old) = match read_manifest(dir)? {
            Some(m) => {
                let s = Store::open(dir)?;
                (s.vulns, Some(m))
            }
            None => (VulnStore::new(), None),
        };
        let records_before = vulns.len() as u64;
        let feeds = import_paths(paths, &mut vulns)?;
        let parse_seconds = t0.elapsed().as_secs_f64();
        let t1 = Instant::now();
        let mut manifest = summarise(&vulns);
        let bytes = encode(vulns).map_err(|r| store_err(dir, r))?;
        let sha = hex(&Sha256::digest(&bytes));
        let name = format!("store-v{FORMAT_VERSION}-{}.bin", &sha[..16]);
        let final_path = dir.join(&name);
        let tmp = dir.join(format!(".{name}.tmp"));
        write_synced(&tmp, &bytes)?;
        hook(Stage::SnapshotWritten).map_err(|e| VulnError::io(&tmp, e))?;
        fs::rename(&tmp, &final_path).map_err(|e| VulnError::io(&final_path, e))?;
        sync_dir(dir)?;
        let created = unix_mtime(&final_path);
        manifest.file = name.clone();
        manifest.sha256 = sha;
        manifest.size = bytes.len() as u64;
        manifest.created = created;
        manifest.sources = old.map(|m| m.sources).unwrap_or_default();
        for (p, r) in paths.iter().zip(&feeds) {
            manifest.sources.push(SourceInfo {
                path: p.display().to_string(),
                kind: kind_name(r.kind).into(),
                read: r.read,
                inserted: r.inserted,
                replaced: r.replaced,
                skipped: r.skipped + r.stale,
                imported_at: created,
            });
        }
        hook(Stage::BeforeSwitch).map_err(|e| VulnError::io(&final_path, e))?;
        let mtext = serde_json::to_vec_pretty(&manifest)
            .map_err(|e| store_err(dir, format!("manifest: {e}")))?;
        let mtmp = dir.join(".CURRENT.tmp");
        write_synced(&mtmp, &mtext)?;
        let cur = dir.join(MANIFEST);
        fs::rename(&mtmp, &cur).map_err(|e| VulnError::io(&cur, e))?;
        sync_dir(dir)?;
        // Old snapshots and leftovers of interrupted imports.
        if let Ok(rd) = fs::read_dir(dir) {
            for e in rd.flatten() {
                let n = e.file_name().to_string_lossy().into_owned();
                let stale_snapshot = any_snapshot_name(&n) && n != name;
                let leftover = n.starts_with(".store-v") && n.ends_with(".tmp");
                if stale_snapshot || leftover {
                    let _ = fs::remove_file(e.path());
                }
            }
        }
        Ok(ImportReport {
            feeds,
            records_before,
            manifest,
            parse_seconds,
            write_seconds: t1.elapsed().as_secs_f64(),
        })
    }
}

fn summarise(v: &VulnStore) -> Manifest {
    let mut nvd = 0u64;
    let mut cve5 = 0u64;
    let mut newest_lm: Option<&str> = None;
    let mut newest_du: Option<&str> = None;
    for e in v.entries() {
        if let Some(n) = &e.nvd {
            nvd += 1;
            if let Some(lm) = n.last_modified.as_deref()
                && newest_lm.is_none_or(|x| lm > x)
            {
                newest_lm = Some(lm);
            }
        }
        if let Some(c) = &e.cve5 {
            cve5 += 1;
            if let Some(du) = c.date_updated.as_deref()
                && newest_du.is_none_or(|x| du > x)
            {
                newest_du = Some(du);
            }
        }
    }
    Manifest {
        format: FORMAT_VERSION,
        file: String::new(),
        sha256: String::new(),
        size: 0,
        created: 0,
        records: v.len() as u64,
        nvd_records: nvd,
        cve5_records: cve5,
        criteria: v.criteria.len() as u64,
        kev: v.kev_len() as u64,
        epss: v.epss_len() as u64,
        newest_last_modified: newest_lm.map(str::to_owned),
        newest_date_updated: newest_du.map(str::to_owned),
        sources: Vec::new(),
    }
}
