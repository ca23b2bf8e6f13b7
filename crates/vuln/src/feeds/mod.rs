//! Feed importers: NVD CVE API 2.0 (pages, yearly feeds, bare `cve`
//! objects), CVE JSON 5.x (single records, JSON lines, directories), CISA KEV
//! and FIRST EPSS — plain, gzip or xz (detected by magic bytes).
//!
//! NVD files are streamed record by record: a serde visitor walks the
//! top-level object and hands each element of `vulnerabilities[]` to the store
//! as soon as it is read, so memory stays bounded whatever the file size.
//! Each element is first captured as raw JSON and then parsed on its own, so
//! a malformed record is skipped and reported (index, id, message) without
//! aborting the import.

pub mod aliases;
pub mod parallel;
pub mod raw;
pub mod report;
pub mod store;

use std::fmt;
use std::fs::File;
use std::io::{BufRead, BufReader, Cursor, Read};
use std::path::Path;

use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;

pub use aliases::AliasTable;
pub use parallel::import_paths;
pub use report::{CleanCounts, FeedKind, FeedReport, SkippedRecord, Upsert};
pub use store::{Epss, KevEntry, VulnStore};

use crate::VulnError;

const PEEK: usize = 64 * 1024;

/// Compression detected from magic bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    /// None.
    Plain,
    /// gzip (`1f 8b`).
    Gzip,
    /// xz (`fd 37 7a 58 5a 00`).
    Xz,
}

/// Detect compression from the first bytes.
pub fn detect_compression(head: &[u8]) -> Compression {
    if head.starts_with(&[0x1f, 0x8b]) {
        Compression::Gzip
    } else if head.starts_with(&[0xfd, b'7', b'z', b'X', b'Z', 0x00]) {
        Compression::Xz
    } else {
        Compression::Plain
    }
}

/// Wrap a reader with the decompressor its magic bytes call for.
pub fn decompress<'a, R: Read + 'a>(reader: R) -> std::io::Result<Box<dyn Read + 'a>> {
    let mut br = BufReader::with_capacity(256 * 1024, reader);
    let head = br.fill_buf()?;
    Ok(match detect_compression(head) {
        Compression::Plain => Box::new(br),
        Compression::Gzip => Box::new(BufReader::with_capacity(
            256 * 1024,
            flate2::read::MultiGzDecoder::new(br),
        )),
        Compression::Xz => Box::new(BufReader::with_capacity(
            256 * 1024,
            xz2::read::XzDecoder::new_multi_decoder(br),
        )),
    })
}

/// Read up to [`PEEK`] bytes and give back a reader that replays them.
fn peek<'a>(mut r: Box<dyn Read + 'a>) -> std::io::Result<(Vec<u8>, Box<dyn Read + 'a>)> {
    let mut buf = vec![0u8; PEEK];
    let mut n = 0;
    while n < PEEK {
        let k = r.read(&mut buf[n..])?;
        if k == 0 {
            break;
        }
        n += k;
    }
    buf.truncate(n);
    let replay = Cursor::new(buf.clone()).chain(r);
    Ok((buf, Box::new(replay)))
}

fn contains(hay: &[u8], needle: &str) -> bool {
    hay.windows(needle.len()).any(|w| w == needle.as_bytes())
}

/// Detect the kind of a (decompressed) feed from its first bytes.
pub fn detect_kind(head: &[u8]) -> Option<FeedKind> {
    let start = head
        .iter()
        .position(|b| !b.is_ascii_whitespace() && *b != 0xef && *b != 0xbb && *b != 0xbf)?;
    let body = &head[start..];
    if body.starts_with(b"#") || body.starts_with(b"cve,epss") {
        return Some(FeedKind::Epss);
    }
    if !body.starts_with(b"{") {
        return None;
    }
    if contains(body, "\"catalogVersion\"") || contains(body, "\"knownRansomwareCampaignUse\"") {
        return Some(FeedKind::Kev);
    }
    if contains(body, "\"cveMetadata\"") || contains(body, "\"CVE_RECORD\"") {
        return Some(FeedKind::Cve5);
    }
    if contains(body, "\"NVD_CVE\"")
        || contains(body, "\"vulnStatus\"")
        || contains(body, "\"sourceIdentifier\"")
        || contains(body, "\"vulnerabilities\"")
        || contains(body, "\"lastModified\"")
    {
        return Some(FeedKind::Nvd);
    }
    None
}

// ------------------------------------------------------------------ NVD stream

/// What the streaming visitor hands over for each record.
enum RawRecord<'r> {
    /// An element of `vulnerabilities[]` (`{"cve":{…}}`), or a file holding one.
    Wrapped(&'r RawValue),
    /// A bare `cve` object (fkie-cad mirror layout), rebuilt as JSON text.
    Bare(&'r str),
}

struct TopSeed<'f, F> {
    on_record: &'f mut F,
}

struct ArraySeed<'f, F> {
    on_record: &'f mut F,
}

impl<'de, F: FnMut(RawRecord<'_>)> DeserializeSeed<'de> for ArraySeed<'_, F> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de, F: FnMut(RawRecord<'_>)> Visitor<'de> for ArraySeed<'_, F> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of vulnerabilities")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(raw) = seq.next_element::<Box<RawValue>>()? {
            (self.on_record)(RawRecord::Wrapped(&raw));
        }
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
}

impl<'de, F: FnMut(RawRecord<'_>)> DeserializeSeed<'de> for TopSeed<'_, F> {
    type Value = bool;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<bool, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de, F: FnMut(RawRecord<'_>)> Visitor<'de> for TopSeed<'_, F> {
    /// Whether any record was found.
    type Value = bool;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an NVD API 2.0 page or cve object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<bool, A::Error> {
        let mut found = false;
        let mut bare: Vec<(String, Box<RawValue>)> = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            if key == "vulnerabilities" {
                map.next_value_seed(ArraySeed {
                    on_record: &mut *self.on_record,
                })?;
                found = true;
            } else {
                let v: Box<RawValue> = map.next_value()?;
                bare.push((key, v));
            }
        }
        if !found {
            if let Some((_, cve)) = bare.iter().find(|(k, _)| k == "cve") {
                // A file holding one `{"cve":{…}}` element.
                let text = format!("{{\"cve\":{}}}", cve.get());
                if let Ok(raw) = serde_json::from_str::<Box<RawValue>>(&text) {
                    (self.on_record)(RawRecord::Wrapped(&raw));
                    found = true;
                }
            } else if bare.iter().any(|(k, _)| k == "id") {
                let mut text = String::from("{");
                for (i, (k, v)) in bare.iter().enumerate() {
                    if i > 0 {
                        text.push(',');
                    }
                    text.push_str(&serde_json::to_string(k).unwrap_or_default());
                    text.push(':');
                    text.push_str(v.get());
                }
                text.push('}');
                (self.on_record)(RawRecord::Bare(&text));
                found = true;
            }
        }
        Ok(found)
    }
}

/// A record parsed from its raw JSON, or why it could not be: `(id, reason)`.
type Parsed<T> = Result<T, (Option<String>, String)>;

fn parse_nvd_record_raw(rec: RawRecord<'_>) -> Parsed<raw::NvdCve> {
    let parsed = match rec {
        RawRecord::Wrapped(raw) => serde_json::from_str::<raw::NvdItem>(raw.get())
            .map(|i| i.cve)
            .map_err(|e| (e, raw.get())),
        RawRecord::Bare(text) => serde_json::from_str::<raw::NvdCve>(text).map_err(|e| (e, text)),
    };
    parsed.map_err(|(e, text)| {
        (
            raw::IdProbe::id_of(text),
            format!("invalid NVD record: {e}"),
        )
    })
}

fn apply_nvd_record(
    store: &mut VulnStore,
    report: &mut FeedReport,
    file: Option<&str>,
    parsed: Parsed<raw::NvdCve>,
) {
    let index = report.read;
    report.read += 1;
    match parsed {
        Ok(cve) => {
            if !valid_cve_id(&cve.id) {
                let id = cve.id.clone();
                report.skip(index, file, Some(id), "id is not a CVE identifier".into());
                return;
            }
            let id = cve.id.trim().to_owned();
            let u = store.upsert_nvd(cve, report);
            report.count(u, &id);
        }
        Err((id, reason)) => report.skip(index, file, id, reason),
    }
}

fn handle_nvd_record(
    store: &mut VulnStore,
    report: &mut FeedReport,
    file: Option<&str>,
    rec: RawRecord<'_>,
) {
    apply_nvd_record(store, report, file, parse_nvd_record_raw(rec));
}

/// `CVE-YYYY-NNNN…`.
pub fn valid_cve_id(id: &str) -> bool {
    let b = id.trim().as_bytes();
    b.len() >= 13
        && b.starts_with(b"CVE-")
        && b[4..8].iter().all(u8::is_ascii_digit)
        && b[8] == b'-'
        && b[9..].iter().all(u8::is_ascii_digit)
}

fn run_nvd<'de, D>(
    de: D,
    store: &mut VulnStore,
    report: &mut FeedReport,
    file: Option<&str>,
) -> Result<bool, D::Error>
where
    D: Deserializer<'de>,
{
    let mut cb = |r: RawRecord<'_>| handle_nvd_record(store, report, file, r);
    TopSeed { on_record: &mut cb }.deserialize(de)
}

/// Stream an NVD 2.0 document from a reader (already decompressed) into the
/// store. Records before a fatal syntax error are kept; the error is put in
/// `report.fatal`.
pub fn import_nvd_reader<R: Read>(reader: R, store: &mut VulnStore, report: &mut FeedReport) {
    import_nvd_reader_in(reader, store, report, None);
}

fn import_nvd_reader_in<R: Read>(
    reader: R,
    store: &mut VulnStore,
    report: &mut FeedReport,
    file: Option<&str>,
) {
    let mut de = serde_json::Deserializer::from_reader(reader);
    finish_nvd(
        run_nvd(&mut de, store, report, file).and_then(|f| de.end().map(|()| f)),
        report,
    );
}

/// Parse an NVD 2.0 document held in memory (the fastest path).
pub fn import_nvd_slice(bytes: &[u8], store: &mut VulnStore, report: &mut FeedReport) {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    finish_nvd(
        run_nvd(&mut de, store, report, None).and_then(|f| de.end().map(|()| f)),
        report,
    );
}

fn finish_nvd(r: Result<bool, serde_json::Error>, report: &mut FeedReport) {
    if let Some(f) = nvd_fatal(r) {
        report.fatal = Some(f);
    }
}

fn nvd_fatal(r: Result<bool, serde_json::Error>) -> Option<String> {
    match r {
        Ok(true) => None,
        Ok(false) => Some("no `vulnerabilities` array and no `id`: not an NVD 2.0 document".into()),
        Err(e) => Some(format!("malformed JSON: {e}")),
    }
}

// ------------------------------------------------------------------ CVE 5

fn parse_cve5_text(text: &str) -> Parsed<raw::Cve5Record> {
    serde_json::from_str::<raw::Cve5Record>(text).map_err(|e| {
        (
            raw::IdProbe::id_of(text),
            format!("invalid CVE 5 record: {e}"),
        )
    })
}

fn apply_cve5_record(
    store: &mut VulnStore,
    report: &mut FeedReport,
    file: Option<&str>,
    parsed: Parsed<raw::Cve5Record>,
) {
    let index = report.read;
    report.read += 1;
    match parsed {
        Ok(rec) => {
            if !valid_cve_id(&rec.cve_metadata.cve_id) {
                let id = rec.cve_metadata.cve_id.clone();
                report.skip(
                    index,
                    file,
                    Some(id),
                    "cveId is not a CVE identifier".into(),
                );
                return;
            }
            let id = rec.cve_metadata.cve_id.trim().to_owned();
            let u = store.upsert_cve5(rec, report);
            report.count(u, &id);
        }
        Err((id, reason)) => report.skip(index, file, id, reason),
    }
}

/// Import CVE 5 records: one JSON document, or JSON lines (one record per
/// line; a bad line is skipped and the rest still read).
pub fn import_cve5_reader<R: Read>(reader: R, store: &mut VulnStore, report: &mut FeedReport) {
    import_cve5_reader_in(reader, store, report, None);
}

fn import_cve5_reader_in<R: Read>(
    reader: R,
    store: &mut VulnStore,
    report: &mut FeedReport,
    file: Option<&str>,
) {
    if let Some(f) = cve5_texts(reader, |t| {
        apply_cve5_record(store, report, file, parse_cve5_text(t))
    }) {
        report.fatal = Some(f);
    }
}

/// Hand each CVE 5 record text of a stream (one document or JSON lines) to
/// `on_text`; returns the fatal read error, if any.
fn cve5_texts<R: Read>(reader: R, mut on_text: impl FnMut(&str)) -> Option<String> {
    let mut br = BufReader::with_capacity(256 * 1024, reader);
    let mut first = String::new();
    if let Err(e) = br.read_line(&mut first) {
        return Some(format!("read error: {e}"));
    }
    let t = first.trim();
    let jsonl = t.starts_with('{') && t.ends_with('}');
    if jsonl {
        on_text(t);
        let mut line = String::new();
        loop {
            line.clear();
            match br.read_line(&mut line) {
                Ok(0) => break,
                Ok(_) => {
                    let l = line.trim();
                    if !l.is_empty() {
                        on_text(l);
                    }
                }
                Err(e) => return Some(format!("read error: {e}")),
            }
        }
    } else {
        let mut text = first;
        if let Err(e) = br.read_to_string(&mut text) {
            return Some(format!("read error: {e}"));
        }
        if !text.trim().is_empty() {
            on_text(&text);
        }
    }
    None
}

/// Parse one CVE 5 record (for tests and fuzzing).
pub fn parse_cve5_record(text: &str) -> Result<raw::Cve5Record, serde_json::Error> {
    serde_json::from_str(text)
}

/// Parse one NVD `cve` object, bare or wrapped (for tests and fuzzing).
pub fn parse_nvd_record(text: &str) -> Result<raw::NvdCve, serde_json::Error> {
    let mut store = VulnStore::new();
    let mut report = FeedReport::new("-", FeedKind::Nvd);
    import_nvd_slice(text.as_bytes(), &mut store, &mut report);
    if let Some(s) = report.skipped_records.first() {
        return Err(serde::de::Error::custom(s.reason.clone()));
    }
    if let Some(f) = report.fatal {
        return Err(serde::de::Error::custom(f));
    }
    serde_json::from_str::<raw::NvdItem>(text)
        .map(|i| i.cve)
        .or_else(|_| serde_json::from_str::<raw::NvdCve>(text))
}

// ------------------------------------------------------------------ KEV, EPSS

/// Import the CISA KEV catalogue JSON.
pub fn import_kev_reader<R: Read>(reader: R, store: &mut VulnStore, report: &mut FeedReport) {
    let cat: raw::KevCatalog = match serde_json::from_reader(BufReader::new(reader)) {
        Ok(c) => c,
        Err(e) => {
            report.fatal = Some(format!("malformed KEV catalogue: {e}"));
            return;
        }
    };
    for (i, v) in cat.vulnerabilities.into_iter().enumerate() {
        report.read += 1;
        let id = v.get("cveID").and_then(|x| x.as_str()).map(str::to_owned);
        match serde_json::from_value::<raw::KevItem>(v) {
            Ok(item) if valid_cve_id(&item.cve_id) => {
                let id = item.cve_id.trim().to_owned();
                let before = store.kev(&id).cloned();
                store.insert_kev(item);
                if store.kev(&id) != before.as_ref() {
                    report.changed.push(id);
                }
                report.inserted += 1;
            }
            Ok(_) => report.skip(i as u64, None, id, "cveID is not a CVE identifier".into()),
            Err(e) => report.skip(i as u64, None, id, format!("invalid KEV entry: {e}")),
        }
    }
}

/// Import a FIRST EPSS CSV (`#model_version…` comment, `cve,epss,percentile`).
pub fn import_epss_reader<R: Read>(reader: R, store: &mut VulnStore, report: &mut FeedReport) {
    let br = BufReader::new(reader);
    for (i, line) in br.lines().enumerate() {
        let line = match line {
            Ok(l) => l,
            Err(e) => {
                report.fatal = Some(format!("read error: {e}"));
                return;
            }
        };
        let l = line.trim();
        if l.is_empty() || l.starts_with('#') || l.starts_with("cve,") {
            continue;
        }
        report.read += 1;
        let mut it = l.split(',');
        let (cve, epss, pct) = (it.next(), it.next(), it.next());
        let parsed = match (cve, epss, pct) {
            (Some(c), Some(e), Some(p)) if valid_cve_id(c) => e
                .trim()
                .parse::<f32>()
                .ok()
                .zip(p.trim().parse::<f32>().ok())
                .filter(|(e, p)| (0.0..=1.0).contains(e) && (0.0..=1.0).contains(p))
                .map(|(e, p)| (c, e, p)),
            _ => None,
        };
        match parsed {
            Some((c, e, p)) => {
                let value = Epss {
                    score: e,
                    percentile: p,
                };
                if store.epss(c.trim()) != Some(value) {
                    report.changed.push(c.trim().to_owned());
                }
                store.insert_epss(c, value);
                report.inserted += 1;
            }
            None => report.skip(
                i as u64,
                None,
                cve.map(str::to_owned),
                "expected `CVE-id,epss,percentile` with scores in [0,1]".into(),
            ),
        }
    }
}

// ------------------------------------------------------------------ paths

/// Import a decompressed stream of a known kind.
pub fn import_reader<R: Read>(
    kind: FeedKind,
    reader: R,
    store: &mut VulnStore,
    report: &mut FeedReport,
) {
    match kind {
        FeedKind::Nvd => import_nvd_reader(reader, store, report),
        FeedKind::Cve5 => import_cve5_reader(reader, store, report),
        FeedKind::Kev => import_kev_reader(reader, store, report),
        FeedKind::Epss => import_epss_reader(reader, store, report),
        FeedKind::Directory => report.fatal = Some("a stream cannot be a directory".into()),
    }
}

fn import_file_in(
    path: &Path,
    store: &mut VulnStore,
    report_name: &str,
    file_label: Option<&str>,
) -> Result<FeedReport, VulnError> {
    let f = File::open(path).map_err(|e| VulnError::io(path, e))?;
    let r = decompress(f).map_err(|e| VulnError::io(path, e))?;
    let (head, r) = peek(r).map_err(|e| VulnError::io(path, e))?;
    let kind = detect_kind(&head).ok_or_else(|| VulnError::UnknownFeed {
        feed: report_name.to_owned(),
        reason: "not NVD 2.0 JSON, CVE 5 JSON, a KEV catalogue or an EPSS CSV".into(),
    })?;
    let mut report = FeedReport::new(report_name, kind);
    match kind {
        FeedKind::Nvd => import_nvd_reader_in(r, store, &mut report, file_label),
        FeedKind::Cve5 => import_cve5_reader_in(r, store, &mut report, file_label),
        _ => import_reader(kind, r, store, &mut report),
    }
    Ok(report)
}

/// Import one feed file (any supported kind and compression, detected from
/// content) or a directory (every file below it, recursively, in name order).
pub fn import_path(path: &Path, store: &mut VulnStore) -> Result<FeedReport, VulnError> {
    let name = path.display().to_string();
    if path.is_dir() {
        let mut report = FeedReport::new(&name, FeedKind::Directory);
        let mut files = Vec::new();
        collect_files(path, &mut files).map_err(|e| VulnError::io(path, e))?;
        files.sort();
        for f in files {
            let label = f.strip_prefix(path).unwrap_or(&f).display().to_string();
            match import_file_in(&f, store, &label, Some(&label)) {
                Ok(r) => report.absorb(r),
                Err(e) => report.skip(0, Some(&label), None, e.to_string()),
            }
        }
        Ok(report)
    } else {
        import_file_in(path, store, &name, None)
    }
}

fn collect_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) -> std::io::Result<()> {
    for e in std::fs::read_dir(dir)? {
        let e = e?;
        let p = e.path();
        let ft = e.file_type()?;
        if ft.is_dir() {
            collect_files(&p, out)?;
        } else if ft.is_file() {
            let n = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if n.starts_with('.') || n.eq_ignore_ascii_case("MANIFEST.json") || n.ends_with(".md") {
                continue;
            }
            out.push(p);
        }
    }
    Ok(())
}
