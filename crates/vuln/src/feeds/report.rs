//! Import reports: what was read, imported, replaced, skipped and cleaned.

use std::fmt;

use serde::Serialize;

/// Maximum number of skipped records kept with their reason per feed (all
/// are counted).
pub const MAX_SKIPPED_KEPT: usize = 1000;

/// Outcome of inserting one record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Upsert {
    /// New record (or new section of a known id).
    Inserted,
    /// Replaced an older version.
    Replaced,
    /// Ignored: the stored version is as new or newer.
    Stale,
}

/// The kind of a feed file, detected from its content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FeedKind {
    /// NVD CVE API 2.0 page, yearly feed, or bare `cve` object.
    Nvd,
    /// CVE JSON 5.x record(s).
    Cve5,
    /// CISA KEV catalogue.
    Kev,
    /// FIRST EPSS CSV.
    Epss,
    /// A directory of mixed files.
    Directory,
}

impl fmt::Display for FeedKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            FeedKind::Nvd => "NVD 2.0",
            FeedKind::Cve5 => "CVE 5",
            FeedKind::Kev => "KEV",
            FeedKind::Epss => "EPSS",
            FeedKind::Directory => "directory",
        })
    }
}

/// A record that was skipped, with its reason.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SkippedRecord {
    /// 0-based index of the record in its file (line number − 1 for JSON lines / CSV).
    pub index: u64,
    /// File the record came from (for directories).
    pub file: Option<String>,
    /// The record's id when it could be read.
    pub id: Option<String>,
    /// Why it was skipped.
    pub reason: String,
}

/// Dirty values cleaned during import, by kind.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CleanCounts {
    /// Leading/trailing whitespace removed from a version value.
    pub whitespace_trimmed: u64,
    /// `n/a`, `unspecified`, `unknown`, `-` or empty version values dropped.
    pub placeholder_version: u64,
    /// `version` equal to `lessThan`/`lessThanOrEqual`: the lower bound dropped.
    pub version_equals_bound: u64,
    /// `version: "0"` or `"*"` with an upper bound: the lower bound dropped.
    pub zero_lower_bound: u64,
    /// `lessThan: "*"`: no upper bound.
    pub open_upper_bound: u64,
    /// `5.2.x` / `8.1.*` branch notation turned into a branch or range start.
    pub branch_wildcard: u64,
    /// CNA vendor/product mapped by the alias table.
    pub alias_applied: u64,
    /// CNA entries without usable vendor/product or CPE (ignored for matching).
    pub unmappable_product: u64,
    /// CPE names that do not parse (the entry never matches).
    pub invalid_cpe: u64,
}

impl CleanCounts {
    /// Sum of all counters.
    pub fn total(&self) -> u64 {
        self.whitespace_trimmed
            + self.placeholder_version
            + self.version_equals_bound
            + self.zero_lower_bound
            + self.open_upper_bound
            + self.branch_wildcard
            + self.alias_applied
            + self.unmappable_product
            + self.invalid_cpe
    }

    /// Add another set of counters.
    pub fn add(&mut self, o: &CleanCounts) {
        self.whitespace_trimmed += o.whitespace_trimmed;
        self.placeholder_version += o.placeholder_version;
        self.version_equals_bound += o.version_equals_bound;
        self.zero_lower_bound += o.zero_lower_bound;
        self.open_upper_bound += o.open_upper_bound;
        self.branch_wildcard += o.branch_wildcard;
        self.alias_applied += o.alias_applied;
        self.unmappable_product += o.unmappable_product;
        self.invalid_cpe += o.invalid_cpe;
    }
}

/// Report of importing one feed (file or directory).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FeedReport {
    /// File or directory name.
    pub name: String,
    /// Detected kind.
    pub kind: FeedKind,
    /// Records read (including skipped ones).
    pub read: u64,
    /// New records.
    pub inserted: u64,
    /// Records that replaced an older version.
    pub replaced: u64,
    /// The CVE ids whose record was inserted or replaced, or whose KEV
    /// entry or EPSS score is new or different (what a re-match of only the
    /// changed records reads).
    #[serde(skip)]
    pub changed: Vec<String>,
    /// Records ignored because a newer version was already stored.
    pub stale: u64,
    /// Rejected records (stored as rejected, never matched).
    pub rejected: u64,
    /// Records skipped because they could not be read.
    pub skipped: u64,
    /// The first [`MAX_SKIPPED_KEPT`] skipped records with their reasons.
    pub skipped_records: Vec<SkippedRecord>,
    /// Dirty values cleaned.
    pub cleaned: CleanCounts,
    /// An error that ended reading the file early (records before it are kept).
    pub fatal: Option<String>,
}

impl FeedReport {
    /// An empty report.
    pub fn new(name: impl Into<String>, kind: FeedKind) -> FeedReport {
        FeedReport {
            name: name.into(),
            kind,
            read: 0,
            inserted: 0,
            replaced: 0,
            changed: Vec::new(),
            stale: 0,
            rejected: 0,
            skipped: 0,
            skipped_records: Vec::new(),
            cleaned: CleanCounts::default(),
            fatal: None,
        }
    }

    /// Count a skipped record.
    pub fn skip(&mut self, index: u64, file: Option<&str>, id: Option<String>, reason: String) {
        self.skipped += 1;
        if self.skipped_records.len() < MAX_SKIPPED_KEPT {
            self.skipped_records.push(SkippedRecord {
                index,
                file: file.map(str::to_owned),
                id,
                reason,
            });
        }
    }

    /// Count an upsert outcome of the record `id`.
    pub fn count(&mut self, u: Upsert, id: &str) {
        match u {
            Upsert::Inserted => self.inserted += 1,
            Upsert::Replaced => self.replaced += 1,
            Upsert::Stale => {
                self.stale += 1;
                return;
            }
        }
        self.changed.push(id.to_owned());
    }

    /// Merge a sub-report (a file of a directory) into this one.
    pub fn absorb(&mut self, o: FeedReport) {
        self.read += o.read;
        self.inserted += o.inserted;
        self.replaced += o.replaced;
        self.changed.extend(o.changed);
        self.stale += o.stale;
        self.rejected += o.rejected;
        self.cleaned.add(&o.cleaned);
        for s in o.skipped_records {
            if self.skipped_records.len() < MAX_SKIPPED_KEPT {
                self.skipped_records.push(s);
            }
        }
        self.skipped += o.skipped;
        if let Some(f) = o.fatal {
            self.skip(0, Some(&o.name), None, f);
        }
    }
}

impl fmt::Display for FeedReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} [{}]: read {}, new {}, replaced {}, stale {}, rejected {}, skipped {}",
            self.name,
            self.kind,
            self.read,
            self.inserted,
            self.replaced,
            self.stale,
            self.rejected,
            self.skipped
        )?;
        if self.cleaned.total() > 0 {
            let c = &self.cleaned;
            write!(
                f,
                "; cleaned: trimmed {}, placeholder {}, version=bound {}, zero-start {}, open-end {}, branch {}, alias {}, unmappable {}, bad-cpe {}",
                c.whitespace_trimmed,
                c.placeholder_version,
                c.version_equals_bound,
                c.zero_lower_bound,
                c.open_upper_bound,
                c.branch_wildcard,
                c.alias_applied,
                c.unmappable_product,
                c.invalid_cpe
            )?;
        }
        if let Some(e) = &self.fatal {
            write!(f, "; stopped early: {e}")?;
        }
        for s in &self.skipped_records {
            write!(f, "\n  skipped #{}", s.index)?;
            if let Some(file) = &s.file {
                write!(f, " in {file}")?;
            }
            if let Some(id) = &s.id {
                write!(f, " ({id})")?;
            }
            write!(f, ": {}", s.reason)?;
        }
        if self.skipped > self.skipped_records.len() as u64 {
            write!(
                f,
                "\n  … and {} more",
                self.skipped - self.skipped_records.len() as u64
            )?;
        }
        Ok(())
    }
}
