//! Parallel import of several feed files: decompression and JSON parsing run
//! on `std::thread::available_parallelism` workers (one file at a time per
//! worker); the parsed records are then applied to the store on the calling
//! thread in argument order, file by file (directories in name order), so the
//! resulting store and reports are exactly those of a sequential
//! [`super::import_path`] over the same arguments, whatever the thread timing.

use std::fs::File;
use std::io::{Cursor, Read};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde::de::DeserializeSeed;

use super::{
    FeedKind, FeedReport, Parsed, RawRecord, TopSeed, VulnStore, apply_cve5_record,
    apply_nvd_record, collect_files, cve5_texts, decompress, detect_kind, import_reader, nvd_fatal,
    parse_cve5_text, parse_nvd_record_raw, peek, raw,
};
use crate::VulnError;

/// One file decompressed and parsed, not yet applied.
enum Body {
    Nvd(Vec<Parsed<raw::NvdCve>>),
    Cve5(Vec<Parsed<raw::Cve5Record>>),
    /// KEV and EPSS: small; kept decompressed and read when applied.
    Bytes(Vec<u8>),
}

struct Prepared {
    kind: FeedKind,
    body: Body,
    fatal: Option<String>,
}

/// A unit of work: one file.
struct Job {
    /// Index of the argument it came from.
    arg: usize,
    path: PathBuf,
    /// Path relative to the directory argument (`None` for a file argument).
    label: Option<String>,
}

fn prepare(path: &Path, report_name: &str) -> Result<Prepared, VulnError> {
    let f = File::open(path).map_err(|e| VulnError::io(path, e))?;
    let r = decompress(f).map_err(|e| VulnError::io(path, e))?;
    let (head, mut r) = peek(r).map_err(|e| VulnError::io(path, e))?;
    let kind = detect_kind(&head).ok_or_else(|| VulnError::UnknownFeed {
        feed: report_name.to_owned(),
        reason: "not NVD 2.0 JSON, CVE 5 JSON, a KEV catalogue or an EPSS CSV".into(),
    })?;
    Ok(match kind {
        FeedKind::Nvd => {
            let mut items = Vec::new();
            let mut cb = |rec: RawRecord<'_>| items.push(parse_nvd_record_raw(rec));
            let mut de = serde_json::Deserializer::from_reader(r);
            let res = TopSeed { on_record: &mut cb }
                .deserialize(&mut de)
                .and_then(|f| de.end().map(|()| f));
            let fatal = nvd_fatal(res);
            Prepared {
                kind,
                body: Body::Nvd(items),
                fatal,
            }
        }
        FeedKind::Cve5 => {
            let mut items = Vec::new();
            let fatal = cve5_texts(r, |t| items.push(parse_cve5_text(t)));
            Prepared {
                kind,
                body: Body::Cve5(items),
                fatal,
            }
        }
        _ => {
            let mut bytes = Vec::new();
            let fatal = r
                .read_to_end(&mut bytes)
                .err()
                .map(|e| format!("read error: {e}"));
            Prepared {
                kind,
                body: Body::Bytes(bytes),
                fatal,
            }
        }
    })
}

fn apply(p: Prepared, store: &mut VulnStore, report_name: &str, file: Option<&str>) -> FeedReport {
    let mut report = FeedReport::new(report_name, p.kind);
    match p.body {
        Body::Nvd(items) => {
            for it in items {
                apply_nvd_record(store, &mut report, file, it);
            }
        }
        Body::Cve5(items) => {
            for it in items {
                apply_cve5_record(store, &mut report, file, it);
            }
        }
        Body::Bytes(b) => import_reader(p.kind, Cursor::new(b), store, &mut report),
    }
    if p.fatal.is_some() {
        report.fatal = p.fatal;
    }
    report
}

/// Number of worker threads used for `jobs` files.
pub fn workers_for(jobs: usize) -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(jobs)
        .max(1)
}

/// Import several feed arguments (files or directories, any supported kind
/// and compression) into `store`, parsing files in parallel. Returns one
/// report per argument, as [`super::import_path`] would. A file argument
/// that cannot be read or recognised is an error (as in the sequential
/// path); a bad file inside a directory is reported and skipped.
pub fn import_paths(
    paths: &[PathBuf],
    store: &mut VulnStore,
) -> Result<Vec<FeedReport>, VulnError> {
    let mut jobs = Vec::new();
    for (arg, p) in paths.iter().enumerate() {
        if p.is_dir() {
            let mut files = Vec::new();
            collect_files(p, &mut files).map_err(|e| VulnError::io(p, e))?;
            files.sort();
            for f in files {
                let label = f.strip_prefix(p).unwrap_or(&f).display().to_string();
                jobs.push(Job {
                    arg,
                    path: f,
                    label: Some(label),
                });
            }
        } else {
            jobs.push(Job {
                arg,
                path: p.clone(),
                label: None,
            });
        }
    }
    let slots: Vec<Mutex<Option<Result<Prepared, VulnError>>>> =
        jobs.iter().map(|_| Mutex::new(None)).collect();
    let next = AtomicUsize::new(0);
    std::thread::scope(|s| {
        for _ in 0..workers_for(jobs.len()) {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(job) = jobs.get(i) else { break };
                    let name = job
                        .label
                        .clone()
                        .unwrap_or_else(|| job.path.display().to_string());
                    let r = prepare(&job.path, &name);
                    if let Ok(mut slot) = slots[i].lock() {
                        *slot = Some(r);
                    }
                }
            });
        }
    });
    // Apply in job order: argument order, then file name order.
    let mut reports: Vec<FeedReport> = paths
        .iter()
        .map(|p| FeedReport::new(p.display().to_string(), FeedKind::Directory))
        .collect();
    for (job, slot) in jobs.iter().zip(slots) {
        let prepared = slot.into_inner().ok().flatten().unwrap_or_else(|| {
            Err(VulnError::io(
                &job.path,
                std::io::Error::other("worker failed"),
            ))
        });
        match &job.label {
            Some(label) => match prepared {
                Ok(p) => {
                    let r = apply(p, store, label, Some(label));
                    reports[job.arg].absorb(r);
                }
                Err(e) => reports[job.arg].skip(0, Some(label), None, e.to_string()),
            },
            None => {
                let name = job.path.display().to_string();
                reports[job.arg] = apply(prepared?, store, &name, None);
            }
        }
    }
    Ok(reports)
}
