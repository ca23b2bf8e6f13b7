//! The stateless offline scan behind `zian vuln scan` (for air-gapped agencies).

use std::fmt;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use serde::Deserialize;

use crate::VulnError;
use crate::feeds::{FeedReport, VulnStore, import_paths};
use crate::index::CriteriaIndex;
use crate::matching::{Asset, Certainty, Finding, Inventory};

/// Output format of findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScanFormat {
    /// One JSON object per line.
    Jsonl,
    /// CSV with header `host,cpe23,cve,source,score,severity,kev,evidence`.
    Csv,
}

/// An inventory line that could not be used.
#[derive(Debug, Clone, PartialEq)]
pub struct BadAsset {
    /// 1-based line (CSV) or component index (CycloneDX).
    pub line: u64,
    /// Why.
    pub reason: String,
}

/// What a scan did.
#[derive(Debug, Clone)]
pub struct ScanSummary {
    /// One report per feed argument (empty for a scan from a store).
    pub feeds: Vec<FeedReport>,
    /// The store directory scanned from (`zian vuln scan --store`).
    pub store: Option<PathBuf>,
    /// Hosts in the inventory.
    pub hosts: usize,
    /// (host, asset) pairs.
    pub assets: usize,
    /// Inventory entries skipped.
    pub bad_assets: Vec<BadAsset>,
    /// Findings written.
    pub findings: usize,
    /// Findings with a KEV flag.
    pub kev_findings: usize,
    /// Findings with score ≥ 7.0.
    pub high_or_critical: usize,
    /// Confirmed findings (the asset name is a subset of every criterion).
    pub confirmed: usize,
    /// Possible findings (an asset attribute ANY where a criterion is specific).
    pub possible: usize,
    /// Seconds spent importing feeds.
    pub import_seconds: f64,
    /// Seconds spent matching (index, match and formatting the findings).
    pub match_seconds: f64,
}

impl fmt::Display for ScanSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.store {
            Some(dir) => writeln!(f, "store: {}", dir.display())?,
            None => {
                writeln!(f, "feeds:")?;
                for r in &self.feeds {
                    writeln!(f, "  {r}")?;
                }
            }
        }
        writeln!(
            f,
            "inventory: {} hosts, {} assets, {} entries skipped",
            self.hosts,
            self.assets,
            self.bad_assets.len()
        )?;
        for b in self.bad_assets.iter().take(50) {
            writeln!(f, "  skipped line {}: {}", b.line, b.reason)?;
        }
        if self.bad_assets.len() > 50 {
            writeln!(f, "  … and {} more", self.bad_assets.len() - 50)?;
        }
        write!(
            f,
            "findings: {} ({} with score >= 7.0, {} known exploited; {} confirmed, {} possible); import {:.2} s, match {:.2} s",
            self.findings,
            self.high_or_critical,
            self.kev_findings,
            self.confirmed,
            self.possible,
            self.import_seconds,
            self.match_seconds
        )
    }
}

/// A minimal progress display on stderr (only when stderr is a terminal).
struct Progress {
    on: bool,
    last: Option<Instant>,
}

impl Progress {
    fn new(wanted: bool) -> Progress {
        Progress {
            on: wanted && std::io::stderr().is_terminal(),
            last: None,
        }
    }

    fn message(&mut self, msg: &str) {
        if self.on {
            let mut e = std::io::stderr();
            let _ = write!(e, "\r\x1b[2K{msg}");
            let _ = e.flush();
        }
    }

    fn bar(&mut self, label: &str, done: usize, total: usize) {
        if !self.on {
            return;
        }
        let now = Instant::now();
        if done != total
            && self
                .last
                .is_some_and(|l| now.duration_since(l).as_millis() < 100)
        {
            return;
        }
        self.last = Some(now);
        let width = 30usize;
        let filled = (done * width).checked_div(total).unwrap_or(width);
        let bar: String = "#".repeat(filled) + &"-".repeat(width - filled);
        self.message(&format!("{label} [{bar}] {done}/{total}"));
    }

    fn finish(&mut self) {
        if self.on {
            let mut e = std::io::stderr();
            let _ = write!(e, "\r\x1b[2K");
            let _ = e.flush();
        }
    }
}

#[derive(Deserialize)]
struct CsvRow {
    host: Option<String>,
    vendor: Option<String>,
    product: Option<String>,
    version: Option<String>,
    cpe23: Option<String>,
}

/// Load a CSV inventory (`host,vendor,product,version,cpe23`; `cpe23` may be
/// empty, then `cpe:2.3:a:vendor:product:version:*:*:*:*:*:*:*` is built).
pub fn load_inventory_csv(
    text: &str,
    path: &Path,
    inv: &mut Inventory,
    bad: &mut Vec<BadAsset>,
) -> Result<(), VulnError> {
    let mut rdr = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers = rdr.headers().map_err(|e| VulnError::Inventory {
        path: path.to_owned(),
        line: 1,
        message: e.to_string(),
    })?;
    for need in ["host", "cpe23"] {
        if !headers.iter().any(|h| h.eq_ignore_ascii_case(need)) {
            return Err(VulnError::Inventory {
                path: path.to_owned(),
                line: 1,
                message: format!(
                    "missing column {need:?}; expected header host,vendor,product,version,cpe23"
                ),
            });
        }
    }
    for (i, row) in rdr.deserialize::<CsvRow>().enumerate() {
        let line = i as u64 + 2;
        let row = match row {
            Ok(r) => r,
            Err(e) => {
                bad.push(BadAsset {
                    line,
                    reason: e.to_string(),
                });
                continue;
            }
        };
        let host = row.host.unwrap_or_default();
        if host.is_empty() {
            bad.push(BadAsset {
                line,
                reason: "empty host".into(),
            });
            continue;
        }
        let asset = match row.cpe23.filter(|c| !c.is_empty()) {
            Some(c) => Asset::from_cpe(&c),
            None => {
                let v = row.vendor.unwrap_or_default();
                let p = row.product.unwrap_or_default();
                if v.is_empty() || p.is_empty() {
                    Err(VulnError::BadAsset {
                        name: format!("{v}:{p}"),
                        reason: "cpe23 is empty and vendor or product is missing".into(),
                    })
                } else {
                    Asset::from_parts(&v, &p, &row.version.unwrap_or_default())
                }
            }
        };
        match asset {
            Ok(a) => {
                inv.add(&host, a);
            }
            Err(e) => bad.push(BadAsset {
                line,
                reason: e.to_string(),
            }),
        }
    }
    Ok(())
}

/// Load a CycloneDX JSON SBOM: the host is `metadata.component.name` (else the
/// file stem); each component (nested ones too) gives an asset from its `cpe`,
/// or from `publisher` (else `group`), `name` and `version`.
pub fn load_inventory_cyclonedx(
    text: &str,
    path: &Path,
    inv: &mut Inventory,
    bad: &mut Vec<BadAsset>,
) -> Result<(), VulnError> {
    let doc: serde_json::Value = serde_json::from_str(text).map_err(|e| VulnError::Inventory {
        path: path.to_owned(),
        line: e.line() as u64,
        message: format!("not valid JSON: {e}"),
    })?;
    if doc.get("bomFormat").and_then(|b| b.as_str()) != Some("CycloneDX")
        && doc.get("components").is_none()
    {
        return Err(VulnError::Inventory {
            path: path.to_owned(),
            line: 0,
            message: "not a CycloneDX SBOM (no bomFormat/components)".into(),
        });
    }
    let host = doc
        .pointer("/metadata/component/name")
        .and_then(|n| n.as_str())
        .map(str::to_owned)
        .unwrap_or_else(|| {
            path.file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_else(|| "sbom".into())
        });
    let mut stack: Vec<&serde_json::Value> = doc
        .get("components")
        .and_then(|c| c.as_array())
        .map(|a| a.iter().rev().collect())
        .unwrap_or_default();
    let mut n = 0u64;
    while let Some(c) = stack.pop() {
        n += 1;
        if let Some(children) = c.get("components").and_then(|c| c.as_array()) {
            stack.extend(children.iter().rev());
        }
        let s = |k: &str| {
            c.get(k)
                .and_then(|v| v.as_str())
                .map(str::trim)
                .filter(|s| !s.is_empty())
        };
        let asset = match s("cpe") {
            Some(cpe) => Asset::from_cpe(cpe),
            None => match (s("publisher").or(s("group")), s("name")) {
                (Some(v), Some(p)) => Asset::from_parts(v, p, s("version").unwrap_or("")),
                _ => Err(VulnError::BadAsset {
                    name: s("name").unwrap_or("?").to_owned(),
                    reason: "no cpe, and no publisher/group to name a vendor".into(),
                }),
            },
        };
        match asset {
            Ok(a) => {
                inv.add(&host, a);
            }
            Err(e) => bad.push(BadAsset {
                line: n,
                reason: e.to_string(),
            }),
        }
    }
    Ok(())
}

/// Load an inventory file (CSV or CycloneDX JSON, by content).
pub fn load_inventory(path: &Path) -> Result<(Inventory, Vec<BadAsset>), VulnError> {
    let bytes = std::fs::read(path).map_err(|e| VulnError::io(path, e))?;
    let text = String::from_utf8_lossy(&bytes);
    let text = text.trim_start_matches('\u{feff}');
    let mut inv = Inventory::new();
    let mut bad = Vec::new();
    if text.trim_start().starts_with('{') {
        load_inventory_cyclonedx(text, path, &mut inv, &mut bad)?;
    } else {
        load_inventory_csv(text, path, &mut inv, &mut bad)?;
    }
    Ok((inv, bad))
}

/// Write one finding as a JSON line.
pub fn write_jsonl(out: &mut impl Write, f: &Finding) -> Result<(), VulnError> {
    serde_json::to_writer(&mut *out, f).map_err(|e| VulnError::Write(e.into()))?;
    out.write_all(b"\n").map_err(VulnError::Write)
}

/// Offline scan: import `feeds` (NVD 2.0 files, CVE 5 JSON/JSON lines or
/// directories, KEV JSON, EPSS CSV — detected by content; files decompressed
/// and parsed in parallel, applied in argument order), load the inventory,
/// match, and write findings to `out`. The summary is returned for the
/// caller to print on stderr.
pub fn run_scan(
    feeds: &[PathBuf],
    inventory: &Path,
    format: ScanFormat,
    out: impl Write,
    progress: bool,
) -> Result<ScanSummary, VulnError> {
    let mut prog = Progress::new(progress);
    prog.message("loading inventory");
    let loaded = load_inventory(inventory)?;
    let t0 = Instant::now();
    let mut store = VulnStore::new();
    prog.message(&format!("reading {} feed(s)", feeds.len()));
    let reports = import_paths(feeds, &mut store)?;
    let import_seconds = t0.elapsed().as_secs_f64();
    let summary = scan_store(&store, reports, import_seconds, loaded, format, out, prog);
    drop_in_background(store);
    summary
}

/// Free a store (millions of small allocations) on another thread, so the
/// caller (typically a CLI about to exit) does not wait for it.
fn drop_in_background<T: Send + 'static>(value: T) {
    if std::thread::Builder::new()
        .name("zian-free".into())
        .spawn(move || drop(value))
        .is_err()
    {
        // No thread: the value was dropped with the failed closure.
    }
}

/// Offline scan from a compiled store directory (`zian feeds import`): the
/// same findings, byte for byte, as [`run_scan`] over the feeds imported
/// into it. The summary lists no feeds; `import_seconds` is the load time.
pub fn run_scan_store(
    store_dir: &Path,
    inventory: &Path,
    format: ScanFormat,
    out: impl Write,
    progress: bool,
) -> Result<ScanSummary, VulnError> {
    let mut prog = Progress::new(progress);
    prog.message("loading inventory");
    let loaded = load_inventory(inventory)?;
    let t0 = Instant::now();
    prog.message("loading store");
    let keys: Vec<&str> = loaded.0.assets().iter().map(|a| a.key.as_str()).collect();
    let store = crate::store::Store::open_for_keys(store_dir, &keys)?;
    drop(keys);
    let import_seconds = t0.elapsed().as_secs_f64();
    let summary = scan_store(
        store.vulns(),
        Vec::new(),
        import_seconds,
        loaded,
        format,
        out,
        prog,
    );
    drop_in_background(store);
    let mut summary = summary?;
    summary.store = Some(store_dir.to_owned());
    Ok(summary)
}

/// Findings of a run of hosts, formatted, with their counts.
#[derive(Default)]
struct Chunk {
    bytes: Vec<u8>,
    findings: usize,
    kev: usize,
    high: usize,
    possible: usize,
}

fn format_chunk(findings: &[Finding], format: ScanFormat) -> Result<Chunk, VulnError> {
    let mut c = Chunk {
        findings: findings.len(),
        kev: findings.iter().filter(|f| f.kev).count(),
        high: findings
            .iter()
            .filter(|f| f.score.is_some_and(|s| s >= 7.0))
            .count(),
        possible: findings
            .iter()
            .filter(|f| f.certainty == Certainty::Possible)
            .count(),
        bytes: Vec::with_capacity(findings.len() * 512),
    };
    match format {
        ScanFormat::Csv => {
            let mut w = csv::Writer::from_writer(&mut c.bytes);
            for f in findings {
                let ev =
                    serde_json::to_string(&f.evidence).map_err(|e| VulnError::Write(e.into()))?;
                w.write_record([
                    f.host.as_str(),
                    &f.cpe23,
                    &f.cve,
                    f.source.as_str(),
                    &f.score.map(|s| format!("{s:.1}")).unwrap_or_default(),
                    f.severity.as_deref().unwrap_or(""),
                    if f.kev { "true" } else { "false" },
                    &ev,
                ])
                .map_err(|e| VulnError::Write(e.into()))?;
            }
            w.flush().map_err(VulnError::Write)?;
        }
        ScanFormat::Jsonl => {
            for f in findings {
                write_jsonl(&mut c.bytes, f)?;
            }
        }
    }
    Ok(c)
}

/// Match an inventory and format the findings on every core: the hosts are
/// cut into runs taken by worker threads in turn; the output is the runs'
/// text in host order (the same bytes as matching on one thread).
fn scan_store(
    store: &VulnStore,
    reports: Vec<FeedReport>,
    import_seconds: f64,
    (inv, bad_assets): (Inventory, Vec<BadAsset>),
    format: ScanFormat,
    mut out: impl Write,
    mut prog: Progress,
) -> Result<ScanSummary, VulnError> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let t1 = Instant::now();
    prog.message("indexing");
    let index = CriteriaIndex::build(store);
    let total = inv.hosts().len();
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 16);
    let run = total.div_ceil(threads * 4).max(1);
    let runs = total.div_ceil(run);
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    let one = |i: usize| {
        let hosts = i * run..((i + 1) * run).min(total);
        let findings = index.match_hosts(store, &inv, hosts, || {
            done.fetch_add(1, Ordering::Relaxed);
        });
        format_chunk(&findings, format)
    };
    let work = || -> Vec<(usize, Result<Chunk, VulnError>)> {
        let mut mine = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            if i >= runs {
                return mine;
            }
            mine.push((i, one(i)));
        }
    };
    let mut chunks: Vec<Option<Result<Chunk, VulnError>>> = (0..runs).map(|_| None).collect();
    std::thread::scope(|s| {
        let helpers: Vec<_> = (1..threads.min(runs))
            .filter_map(|_| std::thread::Builder::new().spawn_scoped(s, work).ok())
            .collect();
        // This thread works too, and shows progress between its runs.
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            if i >= runs {
                break;
            }
            chunks[i] = Some(one(i));
            prog.bar("matching", done.load(Ordering::Relaxed), total);
        }
        for h in helpers {
            for (i, c) in h.join().unwrap_or_default() {
                chunks[i] = Some(c);
            }
        }
    });
    let match_seconds = t1.elapsed().as_secs_f64();
    prog.finish();
    if format == ScanFormat::Csv {
        let mut w = csv::Writer::from_writer(&mut out);
        w.write_record([
            "host", "cpe23", "cve", "source", "score", "severity", "kev", "evidence",
        ])
        .map_err(|e| VulnError::Write(e.into()))?;
        w.flush().map_err(VulnError::Write)?;
    }
    let mut sum = Chunk::default();
    for c in chunks {
        let c =
            c.ok_or_else(|| VulnError::Write(std::io::Error::other("a matching thread failed")))??;
        out.write_all(&c.bytes).map_err(VulnError::Write)?;
        sum.findings += c.findings;
        sum.kev += c.kev;
        sum.high += c.high;
        sum.possible += c.possible;
    }
    out.flush().map_err(VulnError::Write)?;
    Ok(ScanSummary {
        feeds: reports,
        store: None,
        hosts: inv.hosts().len(),
        assets: inv.pair_count(),
        bad_assets,
        findings: sum.findings,
        kev_findings: sum.kev,
        high_or_critical: sum.high,
        confirmed: sum.findings - sum.possible,
        possible: sum.possible,
        import_seconds,
        match_seconds,
    })
}
