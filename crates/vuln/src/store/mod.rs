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
//!   (descriptions, references, weaknesses), which no finding uses.
//! * [`Store::status`]`(dir)`: the manifest (sources, counts, newest
//!   `lastModified`, size) without loading the records.
//!
//! ## Layout
//! * `DIR/store-v2-<first 16 hex digits of the SHA-256>.bin`: the snapshot.
//!   Header: magic `ZIANVST\0`, format version (u32 LE), section count
//!   (u32 LE), then per section its length (u64 LE) and SHA-256; then the
//!   sections. Section 0 (*core*): postcard encoding of the records without
//!   their descriptive fields, the criteria table in id order (each as
//!   written in the feeds plus its parsed name, attribute by attribute, and
//!   its index keys, so loading parses no CPE name and builds no lookup
//!   table; only the range bounds' version texts are parsed), KEV and EPSS.
//!   Section 1 (*details*): postcard encoding of the descriptive fields,
//!   record by record. Format 1 (criteria as text, re-parsed on load) is
//!   refused with a message asking for a re-import.
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
use crate::matching::{CriteriaTable, Criterion};
use crate::model::{CveEntry, Reference, Weakness};
use zian_cpe::{Value, Wfn};

/// Magic bytes at the start of a snapshot.
pub const MAGIC: &[u8; 8] = b"ZIANVST\0";
/// Format version written and accepted.
pub const FORMAT_VERSION: u32 = 2;
/// Name of the manifest.
pub const MANIFEST: &str = "CURRENT";
const HEADER_FIXED: usize = 16;
const SECTION_HEADER: usize = 40;
const SECTIONS: u32 = 2;
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

#[derive(Serialize, Deserialize)]
struct Core {
    criteria: Vec<CritRec>,
    entries: Vec<CveEntry>,
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
    let criteria = store
        .criteria
        .iter()
        .map(|(_, c)| CritRec::from_criterion(c))
        .collect();
    let kev = store
        .kev_entries()
        .into_iter()
        .map(|(k, e)| (Box::from(k), e.clone()))
        .collect();
    let epss = store
        .epss_entries()
        .into_iter()
        .map(|(k, e)| (Box::from(k), e))
        .collect();
    let core = Core {
        criteria,
        entries: store.entries().to_vec(),
        kev,
        epss,
    };
    let core = postcard::to_stdvec(&core).map_err(|e| format!("encoding: {e}"))?;
    let details = postcard::to_stdvec(&details).map_err(|e| format!("encoding: {e}"))?;
    Ok(frame(&core, &details))
}

/// Frame two section payloads as a snapshot with a valid header and
/// checksums (for fuzzing the decoder past the checksum check).
#[doc(hidden)]
pub fn frame(core: &[u8], details: &[u8]) -> Vec<u8> {
    let mut out =
        Vec::with_capacity(HEADER_FIXED + SECTION_HEADER * 2 + core.len() + details.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    out.extend_from_slice(&SECTIONS.to_le_bytes());
    for s in [core, details] {
        out.extend_from_slice(&(s.len() as u64).to_le_bytes());
        out.extend_from_slice(&Sha256::digest(s));
    }
    out.extend_from_slice(core);
    out.extend_from_slice(details);
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
    let need = HEADER_FIXED + SECTION_HEADER * SECTIONS as usize;
    if head.len() < need {
        return Err(store_err(path, "truncated header"));
    }
    let mut out = Vec::new();
    let mut total = need as u64;
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
    let sections = parse_header(path, bytes, bytes.len() as u64)?;
    let start = HEADER_FIXED + SECTION_HEADER * SECTIONS as usize;
    let (core_len, core_sha) = sections[0];
    let core_end = start + core_len as usize;
    let core_bytes = &bytes[start..core_end];
    check(path, "core", core_bytes, &core_sha)?;
    let details = if with_details {
        let d = &bytes[core_end..];
        check(path, "details", d, &sections[1].1)?;
        Some(d)
    } else {
        None
    };
    build(path, core_bytes, details)
}

fn build(path: &Path, core: &[u8], details: Option<&[u8]>) -> Result<VulnStore, VulnError> {
    let core: Core =
        postcard::from_bytes(core).map_err(|e| store_err(path, format!("core section: {e}")))?;
    let mut items = Vec::with_capacity(core.criteria.len());
    for c in core.criteria {
        items.push(c.into_criterion().ok_or_else(|| {
            store_err(
                path,
                "criterion with an invalid CPE value: corrupt snapshot",
            )
        })?);
    }
    let table = CriteriaTable::from_criteria(items);
    let n = table.len();
    for e in &core.entries {
        if !crate::feeds::valid_cve_id(&e.id) {
            return Err(store_err(
                path,
                format!("record id {:?} is not a CVE id", e.id),
            ));
        }
        let refs = e
            .nvd
            .iter()
            .flat_map(|s| s.configurations.iter())
            .chain(e.cve5.iter().flat_map(|s| s.configurations.iter()))
            .flat_map(|c| c.nodes.iter())
            .flat_map(|n| n.matches.iter().map(|m| m.criterion))
            .chain(
                e.cve5
                    .iter()
                    .flat_map(|s| s.affected.iter())
                    .flat_map(|a| a.targets.iter().copied()),
            );
        for r in refs {
            if r as usize >= n {
                return Err(store_err(
                    path,
                    format!(
                        "record {} refers to criterion {r} of {n}: corrupt snapshot",
                        e.id
                    ),
                ));
            }
        }
    }
    let mut entries = core.entries;
    let mut seen = std::collections::HashSet::with_capacity(entries.len());
    for e in &entries {
        if !seen.insert(&e.id) {
            return Err(store_err(path, format!("record {} appears twice", e.id)));
        }
    }
    if let Some(d) = details {
        let details: Vec<Detail> = postcard::from_bytes(d)
            .map_err(|e| store_err(path, format!("details section: {e}")))?;
        if details.len() != entries.len() {
            return Err(store_err(
                path,
                format!(
                    "{} detail records for {} records",
                    details.len(),
                    entries.len()
                ),
            ));
        }
        for (e, d) in entries.iter_mut().zip(details) {
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
    Ok(VulnStore::from_parts(entries, table, core.kev, core.epss))
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
        Store::open_with(dir, true)
    }

    /// Load what matching needs (no descriptions, references or weaknesses):
    /// faster and smaller; findings are identical.
    pub fn open_for_matching(dir: &Path) -> Result<Store, VulnError> {
        Store::open_with(dir, false)
    }

    fn open_with(dir: &Path, with_details: bool) -> Result<Store, VulnError> {
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
        let vulns = if with_details {
            let mut bytes = Vec::new();
            f.read_to_end(&mut bytes)
                .map_err(|e| VulnError::io(&path, e))?;
            decode(&path, &bytes, true)?
        } else {
            let hlen = HEADER_FIXED + SECTION_HEADER * SECTIONS as usize;
            let mut head = vec![0u8; hlen];
            f.read_exact(&mut head)
                .map_err(|_| store_err(&path, "truncated header"))?;
            let sections = parse_header(&path, &head, len)?;
            let (core_len, core_sha) = sections[0];
            let mut core = vec![0u8; usize::try_from(core_len).unwrap_or(usize::MAX)];
            f.read_exact(&mut core)
                .map_err(|_| store_err(&path, "truncated core section"))?;
            check(&path, "core", &core, &core_sha)?;
            build(&path, &core, None)?
        };
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
