//! Parallel import of several feed files: decompression and JSON parsing run
//! on `std::thread::available_parallelism` workers (one file at a time per
//! worker); the parsed records are applied to the store on the calling
//! thread (while the workers parse the next files) in argument order, file
//! by file (directories in name order), so the
//! resulting store and reports are exactly those of a sequential
//! [`super::import_path`] over the same arguments, whatever the thread timing.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{Cursor, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc;

use serde::de::DeserializeSeed;

use super::{
    FeedKind, FeedReport, Parsed, RawRecord, TopSeed, VulnStore, apply_cve5_record,
    apply_nvd_record, collect_files, cve5_texts, decompress, detect_kind, import_reader, nvd_fatal,
    parse_cve5_text, parse_nvd_record_raw, peek, raw,
};
use crate::VulnError;

/// Largest decompressed NVD document parsed from memory (larger ones are
/// streamed).
const IN_MEMORY: u64 = 512 * 1024 * 1024;

/// A reader that fails with the given error (once, then reports EOF).
struct Failing(Option<std::io::Error>);

impl Read for Failing {
    fn read(&mut self, _: &mut [u8]) -> std::io::Result<usize> {
        match self.0.take() {
            Some(e) => Err(e),
            None => Ok(0),
        }
    }
}

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
            // Up to IN_MEMORY bytes, the decompressed document is parsed
            // from memory (serde_json reads a slice several times faster
            // than an `io::Read`); a larger one is streamed, so memory
            // stays bounded whatever the file size.
            let mut buf = Vec::new();
            let read = r.by_ref().take(IN_MEMORY).read_to_end(&mut buf);
            let res = match read {
                Err(e) => {
                    // What was read before the error is still parsed (its
                    // records kept), then the error is reported, as when
                    // streaming.
                    let failing = Cursor::new(buf).chain(Failing(Some(e)));
                    let mut de = serde_json::Deserializer::from_reader(failing);
                    TopSeed { on_record: &mut cb }
                        .deserialize(&mut de)
                        .and_then(|f| de.end().map(|()| f))
                }
                Ok(n) if (n as u64) < IN_MEMORY => {
                    let mut de = serde_json::Deserializer::from_slice(&buf);
                    TopSeed { on_record: &mut cb }
                        .deserialize(&mut de)
                        .and_then(|f| de.end().map(|()| f))
                }
                Ok(_) => {
                    let mut de = serde_json::Deserializer::from_reader(Cursor::new(buf).chain(r));
                    TopSeed { on_record: &mut cb }
                        .deserialize(&mut de)
                        .and_then(|f| de.end().map(|()| f))
                }
            };
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
    let mut reports: Vec<FeedReport> = paths
        .iter()
        .map(|p| FeedReport::new(p.display().to_string(), FeedKind::Directory))
        .collect();
    let next = AtomicUsize::new(0);
    // Set when the calling thread stops early (an error), so that workers
    // do not parse files nobody will apply.
    let stop = AtomicBool::new(false);
    let (tx, rx) = mpsc::channel::<(usize, Result<Prepared, VulnError>)>();
    std::thread::scope(|s| {
        for _ in 0..workers_for(jobs.len()) {
            let tx = tx.clone();
            let (jobs, next, stop) = (&jobs, &next, &stop);
            s.spawn(move || {
                loop {
                    if stop.load(Ordering::Relaxed) {
                        break;
                    }
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(job) = jobs.get(i) else { break };
                    let name = job
                        .label
                        .clone()
                        .unwrap_or_else(|| job.path.display().to_string());
                    let r = prepare(&job.path, &name);
                    if tx.send((i, r)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(tx);
        // Apply in job order (argument order, then file name order) on this
        // thread, each file as soon as it and those before it are parsed,
        // while the workers parse the next ones.
        let mut ready: BTreeMap<usize, Result<Prepared, VulnError>> = BTreeMap::new();
        let mut want = 0usize;
        let result = (|| {
            while want < jobs.len() {
                let prepared = match ready.remove(&want) {
                    Some(p) => p,
                    None => match rx.recv() {
                        Ok((i, p)) => {
                            ready.insert(i, p);
                            continue;
                        }
                        Err(_) => Err(VulnError::io(
                            &jobs[want].path,
                            std::io::Error::other("worker failed"),
                        )),
                    },
                };
                let job = &jobs[want];
                want += 1;
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
            Ok(())
        })();
        if result.is_err() {
            stop.store(true, Ordering::Relaxed);
        }
        drop(rx);
        result
    })?;
    Ok(reports)
}
