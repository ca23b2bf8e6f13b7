//! Benchmarks behind `zian bench vuln --nvd-dir DIR`. Each measurement is
//! printed next to a baseline measured in the same run, with the ratio.
//!
//! * (a) ingest of the NVD files (decompressed into memory first, so xz is
//!   not counted) vs. `serde_json::from_slice::<IgnoredAny>` over the same
//!   bytes (raw JSON read speed); peak memory from `/proc/self/status` VmHWM.
//! * (b) scan of a 10,000-asset inventory built from real CPEs of the data
//!   (index build + match) vs. the naive evaluation of every record on a
//!   sample of hosts, extrapolated.
//! * (c) one record against 1,000,000 indexed assets (asset index, binary
//!   search per range) vs. a linear scan of all assets for the same record.
//! * (d) a 300,000-record corpus made by replicating the real records under
//!   new ids: ingest time and peak memory.

use std::io::{Read, Write};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::VulnError;
use crate::feeds::{FeedKind, FeedReport, VulnStore, decompress, import_nvd_slice};
use crate::index::{AssetIndex, CriteriaIndex, triggers};
use crate::matching::{Asset, Inventory, match_entry_on_host};

/// Results of [`run_bench`].
#[derive(Debug, Clone, Default)]
pub struct BenchReport {
    /// Decompressed JSON bytes ingested.
    pub json_bytes: u64,
    /// Records ingested.
    pub records: u64,
    /// Baseline: raw JSON read (IgnoredAny).
    pub raw_json: Duration,
    /// Ingest into the store.
    pub ingest: Duration,
    /// Peak RSS after (a), bytes.
    pub peak_after_ingest: Option<u64>,
    /// Distinct assets in the scan inventory.
    pub scan_assets: usize,
    /// Criteria index build.
    pub index_build: Duration,
    /// Inventory match.
    pub scan: Duration,
    /// Naive baseline, extrapolated to the whole inventory.
    pub scan_naive_estimate: Duration,
    /// Findings of the scan.
    pub scan_findings: usize,
    /// Assets indexed for (c).
    pub indexed_assets: usize,
    /// Asset index build time.
    pub asset_index_build: Duration,
    /// Mean time to match one record against all indexed assets.
    pub one_cve_mean: Duration,
    /// Worst time among the records tried.
    pub one_cve_max: Duration,
    /// Linear-scan baseline for the worst record.
    pub one_cve_linear: Duration,
    /// Records in the replicated corpus.
    pub corpus_records: u64,
    /// Ingest time of the replicated corpus.
    pub corpus_ingest: Duration,
    /// Peak RSS after (d), bytes.
    pub peak_after_corpus: Option<u64>,
}

/// Peak resident set size (`VmHWM`) of this process, in bytes (Linux only).
pub fn peak_rss() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

fn mb(b: u64) -> f64 {
    b as f64 / 1_048_576.0
}

fn ratio(a: Duration, b: Duration) -> f64 {
    a.as_secs_f64() / b.as_secs_f64().max(1e-9)
}

/// Rewrite every `"id":"CVE-YYYY-N…"` to `"id":"CVE-YYYY-<k>N…"`.
fn replicate_ids(src: &[u8], k: usize) -> Vec<u8> {
    let pat = b"\"id\":\"CVE-";
    let prefix = k.to_string();
    let mut out = Vec::with_capacity(src.len() + 64 * 1024);
    let mut i = 0;
    while i < src.len() {
        if src[i..].starts_with(pat) && i + pat.len() + 5 <= src.len() {
            let j = i + pat.len() + 5;
            out.extend_from_slice(&src[i..j]);
            out.extend_from_slice(prefix.as_bytes());
            i = j;
        } else {
            out.push(src[i]);
            i += 1;
        }
    }
    out
}

/// Build an inventory of about `n` assets from criteria of the store with a
/// specific version (or, for ranges, a version just inside them), `per_host`
/// assets per host.
fn real_inventory(store: &VulnStore, n: usize, per_host: usize) -> Inventory {
    let mut inv = Inventory::new();
    let mut count = 0usize;
    // At most 3 versions per product, so the inventory spans many products
    // as an agency's does.
    let mut per_key: std::collections::HashMap<&str, u32> = std::collections::HashMap::new();
    for (_, c) in store.criteria.iter() {
        if count >= n {
            break;
        }
        let Some(w) = &c.wfn else { continue };
        let Some(k) = c.keys.first() else { continue };
        let seen = per_key.entry(k).or_insert(0);
        if *seen >= 3 {
            continue;
        }
        *seen += 1;
        let cpe = if c.has_range() {
            match (&c.end, &c.start) {
                (Some(e), _) if e.inclusive => replace_version(&c.fs, &e.raw),
                (_, Some(s)) => replace_version(&c.fs, &s.raw),
                _ => continue,
            }
        } else if matches!(w.version, zian_cpe::Value::Str(_)) {
            c.fs.to_string()
        } else {
            continue;
        };
        if let Ok(a) = Asset::from_cpe(&cpe) {
            inv.add(&format!("host-{:05}", count / per_host), a);
            count += 1;
        }
    }
    inv
}

fn replace_version(fs: &str, version: &str) -> String {
    let mut parts: Vec<String> = fs.split(':').map(str::to_owned).collect();
    if parts.len() == 13 && !version.contains(':') {
        parts[5] = crate::matching::fs_quote(version);
    }
    parts.join(":")
}

/// Run all benchmarks on the given NVD files (plain, gz or xz) and write a
/// human-readable report to `out`.
pub fn run_bench(nvd_files: &[PathBuf], mut out: impl Write) -> Result<BenchReport, VulnError> {
    let mut rep = BenchReport::default();
    let w = |out: &mut dyn Write, s: String| writeln!(out, "{s}").map_err(VulnError::Write);
    // ---------------------------------------------------------------- (a)
    let mut blobs = Vec::new();
    for f in nvd_files {
        let file = std::fs::File::open(f).map_err(|e| VulnError::io(f, e))?;
        let mut r = decompress(file).map_err(|e| VulnError::io(f, e))?;
        let mut buf = Vec::new();
        r.read_to_end(&mut buf).map_err(|e| VulnError::io(f, e))?;
        rep.json_bytes += buf.len() as u64;
        blobs.push(buf);
    }
    let t = Instant::now();
    for b in &blobs {
        serde_json::from_slice::<serde::de::IgnoredAny>(b).map_err(|e| VulnError::FeedSyntax {
            feed: "bench".into(),
            message: e.to_string(),
        })?;
    }
    rep.raw_json = t.elapsed();
    let mut store = VulnStore::new();
    let t = Instant::now();
    for b in &blobs {
        let mut r = FeedReport::new("bench", FeedKind::Nvd);
        import_nvd_slice(b, &mut store, &mut r);
        rep.records += r.read;
    }
    rep.ingest = t.elapsed();
    rep.peak_after_ingest = peak_rss();
    let secs = rep.ingest.as_secs_f64().max(1e-9);
    w(
        &mut out,
        format!(
            "(a) ingest {} records, {:.1} MB JSON: {:.2} s ({:.0} MB/s); baseline raw JSON read {:.2} s ({:.0} MB/s); ratio {:.2}x; peak RSS {:.0} MB (includes the {:.0} MB of decompressed input)",
            rep.records,
            mb(rep.json_bytes),
            secs,
            mb(rep.json_bytes) / secs,
            rep.raw_json.as_secs_f64(),
            mb(rep.json_bytes) / rep.raw_json.as_secs_f64().max(1e-9),
            ratio(rep.ingest, rep.raw_json),
            rep.peak_after_ingest.map(mb).unwrap_or(f64::NAN),
            mb(rep.json_bytes),
        ),
    )?;
    // ---------------------------------------------------------------- (d)
    {
        let target = 300_000u64;
        let mut big = VulnStore::new();
        let t = Instant::now();
        let mut k = 1usize;
        'outer: loop {
            for b in &blobs {
                if rep.corpus_records >= target {
                    break 'outer;
                }
                let copy = replicate_ids(b, k);
                let mut r = FeedReport::new("bench", FeedKind::Nvd);
                import_nvd_slice(&copy, &mut big, &mut r);
                rep.corpus_records += r.read;
                if r.read == 0 {
                    break 'outer;
                }
            }
            k += 1;
        }
        rep.corpus_ingest = t.elapsed();
        rep.peak_after_corpus = peak_rss();
        w(
            &mut out,
            format!(
                "(d) replicated corpus: {} records ({} distinct ids) ingested in {:.2} s; baseline raw JSON read of the same volume ≈ {:.2} s (ratio {:.2}x); peak RSS {:.0} MB",
                rep.corpus_records,
                big.len(),
                rep.corpus_ingest.as_secs_f64(),
                rep.raw_json.as_secs_f64() * rep.corpus_records as f64 / rep.records.max(1) as f64,
                rep.corpus_ingest.as_secs_f64()
                    / (rep.raw_json.as_secs_f64() * rep.corpus_records as f64
                        / rep.records.max(1) as f64)
                        .max(1e-9),
                rep.peak_after_corpus.map(mb).unwrap_or(f64::NAN),
            ),
        )?;
    }
    drop(blobs);
    // ---------------------------------------------------------------- (b)
    let inv = real_inventory(&store, 10_000, 10);
    rep.scan_assets = inv.assets().len();
    let t = Instant::now();
    let idx = CriteriaIndex::build(&store);
    rep.index_build = t.elapsed();
    let t = Instant::now();
    let findings = idx.match_inventory(&store, &inv);
    rep.scan = t.elapsed();
    rep.scan_findings = findings.len();
    let sample = inv.hosts().len().min(5);
    let t = Instant::now();
    for h in &inv.hosts()[..sample] {
        for e in store.entries() {
            let _ = match_entry_on_host(&store, &inv, h, e);
        }
    }
    rep.scan_naive_estimate = t
        .elapsed()
        .mul_f64(inv.hosts().len() as f64 / sample.max(1) as f64);
    w(
        &mut out,
        format!(
            "(b) scan {} assets on {} hosts: index build {:.3} s + match {:.3} s = {:.3} s, {} findings; baseline naive evaluation ≈ {:.1} s (extrapolated from {} hosts); speed-up {:.0}x",
            inv.pair_count(),
            inv.hosts().len(),
            rep.index_build.as_secs_f64(),
            rep.scan.as_secs_f64(),
            (rep.index_build + rep.scan).as_secs_f64(),
            rep.scan_findings,
            rep.scan_naive_estimate.as_secs_f64(),
            sample,
            ratio(rep.scan_naive_estimate, rep.index_build + rep.scan),
        ),
    )?;
    // ---------------------------------------------------------------- (c)
    let base: Vec<String> = inv.assets().iter().map(|a| a.cpe23.clone()).collect();
    let mut big_inv = Inventory::new();
    let per = 1_000_000usize.div_ceil(base.len().max(1));
    let mut n = 0usize;
    'fill: for i in 0..per {
        for (j, cpe) in base.iter().enumerate() {
            if n >= 1_000_000 {
                break 'fill;
            }
            // Variant i of each real name: a distinct version in the same family.
            let Ok(mut a) = Asset::from_cpe(cpe) else {
                continue;
            };
            if i > 0
                && let Some(v) = a.version_text()
            {
                let nv = format!("{v}.{i}");
                match Asset::from_cpe(&replace_version(cpe, &nv)) {
                    Ok(b) => a = b,
                    Err(_) => continue,
                }
            }
            big_inv.add(&format!("h{:06}", (j + i * base.len()) / 10), a);
            n += 1;
        }
    }
    rep.indexed_assets = big_inv.assets().len();
    let t = Instant::now();
    let ai = AssetIndex::build(big_inv);
    rep.asset_index_build = t.elapsed();
    let mut total = Duration::ZERO;
    let mut worst = (Duration::ZERO, 0u32);
    let mut tried = 0u32;
    for (pos, e) in store.entries().iter().enumerate() {
        if pos % 25 != 0 || triggers(e).is_empty() {
            continue;
        }
        let t = Instant::now();
        let _ = ai.match_entry(&store, e);
        let d = t.elapsed();
        total += d;
        tried += 1;
        if d > worst.0 {
            worst = (d, u32::try_from(pos).unwrap_or(0));
        }
    }
    rep.one_cve_mean = total / tried.max(1);
    rep.one_cve_max = worst.0;
    if let Some(e) = store.entry(worst.1) {
        let crit: Vec<_> = triggers(e)
            .into_iter()
            .filter_map(|(c, _)| store.criteria.get(c))
            .collect();
        let t = Instant::now();
        let mut hit = 0usize;
        for a in ai.inventory().assets() {
            if crit.iter().any(|c| c.matches(a).is_some()) {
                hit += 1;
            }
        }
        rep.one_cve_linear = t.elapsed();
        w(
            &mut out,
            format!(
                "(c) one record vs {} indexed assets (asset index built in {:.2} s): mean {:.3} ms over {} records, worst {:.3} ms ({}); baseline linear scan for the worst record {:.1} ms ({} assets hit); speed-up {:.0}x",
                rep.indexed_assets,
                rep.asset_index_build.as_secs_f64(),
                rep.one_cve_mean.as_secs_f64() * 1e3,
                tried,
                rep.one_cve_max.as_secs_f64() * 1e3,
                e.id,
                rep.one_cve_linear.as_secs_f64() * 1e3,
                hit,
                ratio(rep.one_cve_linear, rep.one_cve_max),
            ),
        )?;
    }
    Ok(rep)
}

/// Options of [`run_store_bench`].
#[derive(Debug, Clone)]
pub struct StoreBenchOptions {
    /// NVD files (the same ones cve-bin-tool's database was built from).
    pub nvd_files: Vec<PathBuf>,
    /// CSV inventory (the same one cve-bin-tool scans).
    pub inventory: PathBuf,
    /// The `zian` binary, run as a child process for each scan.
    pub zian_bin: PathBuf,
    /// Store directory (default: a fresh temporary one, removed afterwards).
    pub store_dir: Option<PathBuf>,
    /// cve-bin-tool's scan time measured in the same run.
    pub cve_bin_tool_seconds: Option<f64>,
    /// cve-bin-tool's finding count.
    pub cve_bin_tool_findings: Option<u64>,
}

/// Results of [`run_store_bench`].
#[derive(Debug, Clone, Default)]
pub struct StoreBenchReport {
    /// `zian vuln scan --feeds` wall time (median of 3 runs).
    pub raw_scan: Duration,
    /// `zian feeds import` wall time.
    pub import: Duration,
    /// In-process [`crate::store::Store::open_for_matching`] time.
    pub load: Duration,
    /// In-process [`crate::store::Store::open`] (with details) time.
    pub load_full: Duration,
    /// In-process [`crate::store::Store::open_for_keys`] time for the
    /// inventory's keys (what the store scan loads).
    pub load_keys: Duration,
    /// Records that load decoded.
    pub load_keys_records: usize,
    /// `zian vuln scan --store` wall time (median of 3 runs).
    pub store_scan: Duration,
    /// Peak RSS of a store scan child, bytes.
    pub store_scan_peak: Option<u64>,
    /// Snapshot size, bytes.
    pub snapshot_bytes: u64,
    /// Findings (JSON lines) of the raw scan.
    pub findings: usize,
    /// Whether the store scan wrote the same bytes as the raw scan.
    pub identical: bool,
}

struct ChildRun {
    wall: Duration,
    stdout: Vec<u8>,
    peak: Option<u64>,
}

/// Run the `zian` binary with `args`, under `/usr/bin/time -v` when present
/// (for the peak RSS of that child alone).
fn run_child(bin: &std::path::Path, args: &[std::ffi::OsString]) -> Result<ChildRun, VulnError> {
    let time_bin = std::path::Path::new("/usr/bin/time");
    let mut cmd = if time_bin.exists() {
        let mut c = std::process::Command::new(time_bin);
        c.arg("-v").arg(bin);
        c
    } else {
        std::process::Command::new(bin)
    };
    cmd.args(args);
    let t = Instant::now();
    let out = cmd.output().map_err(|e| VulnError::io(bin, e))?;
    let wall = t.elapsed();
    let stderr = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() {
        return Err(VulnError::io(
            bin,
            std::io::Error::other(format!("{:?} failed: {}", args, stderr.trim())),
        ));
    }
    let peak = stderr
        .lines()
        .find_map(|l| l.trim().strip_prefix("Maximum resident set size (kbytes):"))
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(|kb| kb * 1024);
    Ok(ChildRun {
        wall,
        stdout: out.stdout,
        peak,
    })
}

fn median3(mut runs: Vec<ChildRun>) -> Option<ChildRun> {
    runs.sort_by_key(|r| r.wall);
    let n = runs.len();
    if n == 0 {
        return None;
    }
    Some(runs.swap_remove(n / 2))
}

fn ratio_text(baseline: Option<f64>, ours: Duration) -> String {
    match baseline {
        Some(b) => format!(
            "cve-bin-tool {b:.2} s, ratio {:.1}×",
            b / ours.as_secs_f64().max(1e-9)
        ),
        None => "cve-bin-tool not measured: pass --cve-bin-tool-seconds".into(),
    }
}

/// Raw-feed scan, store import, store load and store scan of one inventory,
/// each scan a separate `zian` process (so an earlier ingest does not count
/// in the store scan's peak memory), with the ratios to cve-bin-tool's time
/// measured in the same run by `scripts/bench-cve-bin-tool.sh`.
pub fn run_store_bench(
    opts: &StoreBenchOptions,
    mut out: impl Write,
) -> Result<StoreBenchReport, VulnError> {
    use std::ffi::OsString;
    let mut rep = StoreBenchReport::default();
    let (dir, temporary) = match &opts.store_dir {
        Some(d) => (d.clone(), false),
        None => (
            std::env::temp_dir().join(format!("zian-bench-store-{}", std::process::id())),
            true,
        ),
    };
    if dir.join(crate::store::MANIFEST).exists() {
        return Err(VulnError::Store {
            path: dir,
            reason: "already holds a store; the benchmark needs an empty directory".into(),
        });
    }
    let inv: OsString = opts.inventory.clone().into();
    // Raw feeds.
    let mut raw_args: Vec<OsString> = vec!["vuln".into(), "scan".into(), "--feeds".into()];
    raw_args.extend(opts.nvd_files.iter().map(|p| p.clone().into_os_string()));
    raw_args.extend(["--inventory".into(), inv.clone()]);
    let mut runs = Vec::new();
    for _ in 0..3 {
        runs.push(run_child(&opts.zian_bin, &raw_args)?);
    }
    let raw = median3(runs).unwrap_or(ChildRun {
        wall: Duration::ZERO,
        stdout: Vec::new(),
        peak: None,
    });
    rep.raw_scan = raw.wall;
    rep.findings = raw.stdout.iter().filter(|b| **b == b'\n').count();
    // Import.
    let mut imp_args: Vec<OsString> = vec![
        "feeds".into(),
        "import".into(),
        "--store".into(),
        dir.clone().into_os_string(),
    ];
    imp_args.extend(opts.nvd_files.iter().map(|p| p.clone().into_os_string()));
    rep.import = run_child(&opts.zian_bin, &imp_args)?.wall;
    // Load (in process).
    let t = Instant::now();
    let s = crate::store::Store::open_for_matching(&dir)?;
    rep.load = t.elapsed();
    rep.snapshot_bytes = s.manifest.as_ref().map(|m| m.size).unwrap_or(0);
    drop(s);
    let t = Instant::now();
    drop(crate::store::Store::open(&dir)?);
    rep.load_full = t.elapsed();
    let (assets, _) = crate::cli::load_inventory(&opts.inventory)?;
    let keys: Vec<&str> = assets.assets().iter().map(|a| a.key.as_str()).collect();
    let t = Instant::now();
    let s = crate::store::Store::open_for_keys(&dir, &keys)?;
    rep.load_keys = t.elapsed();
    rep.load_keys_records = s.vulns().len();
    drop(s);
    // Store scan.
    let store_args: Vec<OsString> = vec![
        "vuln".into(),
        "scan".into(),
        "--store".into(),
        dir.clone().into_os_string(),
        "--inventory".into(),
        inv,
    ];
    let mut runs = Vec::new();
    for _ in 0..3 {
        runs.push(run_child(&opts.zian_bin, &store_args)?);
    }
    let peak = runs.iter().filter_map(|r| r.peak).max();
    if let Some(st) = median3(runs) {
        rep.store_scan = st.wall;
        rep.identical = st.stdout == raw.stdout;
    }
    rep.store_scan_peak = peak;
    if temporary {
        let _ = std::fs::remove_dir_all(&dir);
    }
    let theirs = opts
        .cve_bin_tool_findings
        .map(|n| format!("{n}"))
        .unwrap_or_else(|| "?".into());
    let w = |out: &mut dyn Write, s: String| writeln!(out, "{s}").map_err(VulnError::Write);
    w(
        &mut out,
        format!(
            "raw: {:.2} s ({}); {} findings (cve-bin-tool {theirs}); zian vuln scan --feeds, {} files, median of 3 runs",
            rep.raw_scan.as_secs_f64(),
            ratio_text(opts.cve_bin_tool_seconds, rep.raw_scan),
            rep.findings,
            opts.nvd_files.len(),
        ),
    )?;
    w(
        &mut out,
        format!(
            "store: {:.3} s ({}); peak RSS {:.0} MB; output identical to raw: {}; import {:.2} s, snapshot {:.1} MB, load {:.3} s (with descriptions {:.3} s; the inventory's {} records {:.3} s)",
            rep.store_scan.as_secs_f64(),
            ratio_text(opts.cve_bin_tool_seconds, rep.store_scan),
            rep.store_scan_peak.map(mb).unwrap_or(f64::NAN),
            if rep.identical { "yes" } else { "NO" },
            rep.import.as_secs_f64(),
            mb(rep.snapshot_bytes),
            rep.load.as_secs_f64(),
            rep.load_full.as_secs_f64(),
            rep.load_keys_records,
            rep.load_keys.as_secs_f64(),
        ),
    )?;
    Ok(rep)
}
