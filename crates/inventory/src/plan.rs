//! Software inventory import: what a file read by [`crate::parse`] would
//! change in an organisation's register. Pure: the application loads the
//! register's hosts, calls [`plan`], shows the plan as the preview and
//! applies the same plan (recomputed at commit) in one transaction.
//!
//! The rules:
//! - a host of the file is the register's asset with the same host name
//!   (ASCII case ignored; an asset in service before a retired one, then the
//!   oldest); a host the register lacks becomes a new hardware asset;
//! - the file lists a host's whole software: a program with the same name,
//!   version and publisher is unchanged; one of the same product (its name
//!   without version, architecture and language, and its publisher) but
//!   another version is changed (upgraded); the rest are added,
//!   and what the register holds beyond the file is removed (never software
//!   entered by hand; nothing at all when the file has rows in error, its
//!   full list being unknown then; nor from a host the file lists with
//!   updates only, as a `Get-HotFix` export does);
//! - updates (KB) given for a host replace the host's list; a host with none
//!   in the file keeps its own;
//! - a CPE name given by the file wins; else one stored on the unchanged
//!   program stays; else the organisation's confirmed mapping (the
//!   `confirmed` callback) names it; else it is left unmapped;
//! - hosts of the register missing from the file are left alone.

use std::collections::HashMap;

use serde::Serialize;
use zian_domain::AssetId;
use zian_domain::assets::{Asset, AssetStatus, InstalledSoftware};

use crate::{HostInventory, ParsedFile, SoftwareItem};

/// A host of the register with what it has installed.
#[derive(Debug, Clone)]
pub struct ExistingHost {
    pub asset: Asset,
    pub software: Vec<InstalledSoftware>,
}

/// Where a new CPE name comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CpeFrom {
    /// The file gave it.
    File,
    /// The organisation's confirmed mapping for the name.
    Mapping,
    /// Kept from the register.
    Kept,
    /// None: 尚未對應 CPE.
    None,
}

/// A program as the file gives it, with the CPE name it will have.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Incoming {
    /// The file's line (row) where it was found.
    pub line: usize,
    pub name: String,
    pub version: String,
    pub publisher: String,
    pub cpe23: Option<String>,
    pub cpe_from: CpeFrom,
}

/// A program of the register the file changes: the stored row and what it
/// becomes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    pub old: InstalledSoftware,
    pub new: Incoming,
}

/// What the import does to one host.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HostPlan {
    /// As written in the file.
    pub host: String,
    /// The register's asset; `None`: a new hardware asset is registered.
    pub asset_id: Option<AssetId>,
    /// The asset's name in the register (the host name for a new one).
    pub asset_name: String,
    pub added: Vec<Incoming>,
    pub changed: Vec<Change>,
    pub removed: Vec<InstalledSoftware>,
    pub unchanged: usize,
    /// Software entered by hand that the file does not list (kept).
    pub kept_manual: usize,
    /// The host's new list of updates when it changes (`None`: unchanged).
    pub kbs: Option<String>,
    pub kbs_added: Vec<String>,
    pub kbs_removed: Vec<String>,
}

impl HostPlan {
    /// Whether the import changes nothing on this host.
    pub fn is_noop(&self) -> bool {
        self.asset_id.is_some()
            && self.added.is_empty()
            && self.changed.is_empty()
            && self.removed.is_empty()
            && self.kbs.is_none()
    }
}

/// What an import does, host by host in file order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportPlan {
    pub hosts: Vec<HostPlan>,
    /// Whether programs missing from the file are removed (not when the
    /// file has rows in error).
    pub removals: bool,
}

/// The counts of a plan (the preview's summary).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct PlanCounts {
    pub hosts: usize,
    pub new_hosts: usize,
    pub changed_hosts: usize,
    pub added: usize,
    pub changed: usize,
    pub removed: usize,
    pub unchanged: usize,
    pub kept_manual: usize,
    pub kbs_added: usize,
    pub kbs_removed: usize,
    /// Programs that will have no CPE name.
    pub unmapped: usize,
}

impl ImportPlan {
    pub fn counts(&self) -> PlanCounts {
        let mut c = PlanCounts {
            hosts: self.hosts.len(),
            ..PlanCounts::default()
        };
        for h in &self.hosts {
            if h.asset_id.is_none() {
                c.new_hosts += 1;
            } else if !h.is_noop() {
                c.changed_hosts += 1;
            }
            c.added += h.added.len();
            c.changed += h.changed.len();
            c.removed += h.removed.len();
            c.unchanged += h.unchanged;
            c.kept_manual += h.kept_manual;
            c.kbs_added += h.kbs_added.len();
            c.kbs_removed += h.kbs_removed.len();
            c.unmapped += h.added.iter().filter(|s| s.cpe23.is_none()).count()
                + h.changed.iter().filter(|s| s.new.cpe23.is_none()).count();
        }
        c
    }

    /// Whether committing would change nothing.
    pub fn is_noop(&self) -> bool {
        self.hosts.iter().all(HostPlan::is_noop)
    }
}

/// The source recorded for software entered by hand (never removed by an
/// import).
pub const MANUAL: &str = "manual";

fn host_key(h: &str) -> String {
    h.trim().to_ascii_lowercase()
}

/// Programs that are the same product: the name without its version,
/// architecture and language ("Mozilla Firefox 115.3.1 (x64 zh-TW)" and
/// "Mozilla Firefox 128.0 (x64 zh-TW)"), and the publisher.
fn same_key(name: &str, publisher: &str) -> (String, String) {
    let key = zian_cpe::suggest::normalise_name(name);
    let key = if key.is_empty() {
        name.trim().to_lowercase()
    } else {
        key
    };
    (key, publisher.trim().to_lowercase())
}

fn same_name(a: &str, b: &str) -> bool {
    a.trim().to_lowercase() == b.trim().to_lowercase()
}

/// What importing `file` does to the register's `existing` hosts.
/// `confirmed(item)` is the CPE name the organisation's confirmed mappings
/// give a program (or `None`).
pub fn plan(
    file: &ParsedFile,
    existing: &[ExistingHost],
    confirmed: &mut dyn FnMut(&SoftwareItem) -> Option<String>,
) -> ImportPlan {
    let removals = file.errors.is_empty() && file.errors_omitted == 0;
    // host name → the asset it is (in service first, then the oldest)
    let mut by_host: HashMap<String, &ExistingHost> = HashMap::new();
    for e in existing
        .iter()
        .filter(|e| e.asset.status != AssetStatus::Disposed)
    {
        let k = host_key(&e.asset.hostname);
        if k.is_empty() {
            continue;
        }
        let rank = |x: &ExistingHost| {
            (
                x.asset.status != AssetStatus::InService,
                x.asset.created_at,
                x.asset.id.to_string(),
            )
        };
        match by_host.get(&k) {
            Some(cur) if rank(cur) <= rank(e) => {}
            _ => {
                by_host.insert(k, e);
            }
        }
    }
    let hosts = file
        .hosts
        .iter()
        .map(|h| {
            plan_host(
                h,
                by_host.get(&host_key(&h.host)).copied(),
                removals,
                confirmed,
            )
        })
        .collect();
    ImportPlan { hosts, removals }
}

fn incoming(
    s: &SoftwareItem,
    kept: Option<&str>,
    confirmed: &mut dyn FnMut(&SoftwareItem) -> Option<String>,
) -> Incoming {
    let (cpe23, cpe_from) = match (&s.cpe23, kept) {
        (Some(c), _) => (Some(c.clone()), CpeFrom::File),
        (None, Some(k)) => (Some(k.to_string()), CpeFrom::Kept),
        (None, None) => match confirmed(s) {
            Some(c) => (Some(c), CpeFrom::Mapping),
            None => (None, CpeFrom::None),
        },
    };
    Incoming {
        line: s.line,
        name: s.name.clone(),
        version: s.version.clone(),
        publisher: s.publisher.clone(),
        cpe23,
        cpe_from,
    }
}

fn plan_host(
    h: &HostInventory,
    existing: Option<&ExistingHost>,
    removals: bool,
    confirmed: &mut dyn FnMut(&SoftwareItem) -> Option<String>,
) -> HostPlan {
    // a host listed with updates only (a Get-HotFix export) keeps its software
    let removals = removals && !h.software.is_empty();
    let stored: &[InstalledSoftware] = existing.map_or(&[], |e| &e.software);
    let mut used = vec![false; stored.len()];
    // (name, publisher) → stored rows; exact version matches first
    let mut by_name: HashMap<(String, String), Vec<usize>> = HashMap::new();
    for (i, s) in stored.iter().enumerate() {
        by_name
            .entry(same_key(&s.name, &s.publisher))
            .or_default()
            .push(i);
    }
    let mut p = HostPlan {
        host: h.host.clone(),
        asset_id: existing.map(|e| e.asset.id.clone()),
        asset_name: existing.map_or_else(|| h.host.clone(), |e| e.asset.name.to_string()),
        added: Vec::new(),
        changed: Vec::new(),
        removed: Vec::new(),
        unchanged: 0,
        kept_manual: 0,
        kbs: None,
        kbs_added: Vec::new(),
        kbs_removed: Vec::new(),
    };
    let mut pending = Vec::new();
    for item in &h.software {
        let rows = by_name.get(&same_key(&item.name, &item.publisher));
        let exact = rows.and_then(|rows| {
            rows.iter().copied().find(|&i| {
                !used[i]
                    && stored[i].version.as_str() == item.version
                    && same_name(&stored[i].name, &item.name)
            })
        });
        match exact {
            Some(i) => {
                used[i] = true;
                let old = &stored[i];
                let new = incoming(item, old.cpe23.as_deref(), confirmed);
                if new.cpe23 == old.cpe23 && old.name.as_str() == item.name {
                    p.unchanged += 1;
                } else {
                    p.changed.push(Change {
                        old: old.clone(),
                        new,
                    });
                }
            }
            None => pending.push(item),
        }
    }
    for item in pending {
        let other = by_name
            .get(&same_key(&item.name, &item.publisher))
            .and_then(|rows| rows.iter().copied().find(|&i| !used[i]));
        match other {
            Some(i) => {
                used[i] = true;
                p.changed.push(Change {
                    old: stored[i].clone(),
                    new: incoming(item, None, confirmed),
                });
            }
            None => p.added.push(incoming(item, None, confirmed)),
        }
    }
    for (_, s) in stored.iter().enumerate().filter(|(i, _)| !used[*i]) {
        if s.source.as_str() == MANUAL {
            p.kept_manual += 1;
        } else if removals {
            p.removed.push(s.clone());
        }
    }
    if !h.kbs.is_empty() {
        let old: Vec<String> = existing
            .map(|e| {
                e.asset
                    .kbs
                    .as_str()
                    .split_whitespace()
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default();
        p.kbs_added = h.kbs.iter().filter(|k| !old.contains(k)).cloned().collect();
        p.kbs_removed = old.iter().filter(|k| !h.kbs.contains(k)).cloned().collect();
        if !p.kbs_added.is_empty() || !p.kbs_removed.is_empty() || existing.is_none() {
            p.kbs = Some(h.kbs.join(" "));
        }
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;
    use zian_domain::assets::AssetCategory;
    use zian_domain::{Memo, Text};

    fn asset(id: &str, host: &str, status: AssetStatus, created: i64, kbs: &str) -> Asset {
        Asset {
            id: AssetId::new(id),
            org_id: "o".into(),
            system_id: None,
            name: Text::stored(format!("asset {id}")),
            category: AssetCategory::Hardware,
            owner: Text::stored("x".into()),
            custodian: Memo::default(),
            users: Memo::default(),
            location: Memo::default(),
            property_no: Memo::default(),
            brand: Memo::default(),
            model: Memo::default(),
            quantity: 1,
            core: false,
            exposed: false,
            status,
            disposed_on: None,
            disposal_method: Memo::default(),
            labels: Memo::default(),
            hostname: Memo::stored(host.into()),
            ip: Memo::default(),
            mac: Memo::default(),
            os: Memo::default(),
            kbs: Memo::stored(kbs.into()),
            notes: Memo::default(),
            created_at: created,
            updated_at: created,
        }
    }

    fn sw(
        id: &str,
        name: &str,
        version: &str,
        cpe: Option<&str>,
        source: &str,
    ) -> InstalledSoftware {
        InstalledSoftware {
            id: id.into(),
            asset_id: AssetId::new("a1"),
            org_id: "o".into(),
            name: Text::stored(name.into()),
            version: Memo::stored(version.into()),
            publisher: Memo::stored("Pub".into()),
            cpe23: cpe.map(str::to_string),
            source: Text::stored(source.into()),
            created_at: 0,
            updated_at: 0,
        }
    }

    fn item(line: usize, name: &str, version: &str) -> SoftwareItem {
        SoftwareItem {
            line,
            name: name.into(),
            version: version.into(),
            publisher: "Pub".into(),
            cpe23: None,
        }
    }

    fn file(hosts: Vec<HostInventory>, errors: usize) -> ParsedFile {
        ParsedFile {
            format: crate::Format::Csv,
            encoding: crate::Encoding::Utf8,
            columns: Vec::new(),
            hosts,
            errors: (0..errors)
                .map(|i| crate::RowError {
                    line: i + 2,
                    column: None,
                    reason: zian_i18n::msg!("reason.required"),
                })
                .collect(),
            errors_omitted: 0,
            rows: 0,
            skipped: 0,
        }
    }

    fn host(name: &str, software: Vec<SoftwareItem>, kbs: &[&str]) -> HostInventory {
        HostInventory {
            host: name.into(),
            software,
            kbs: kbs.iter().map(|k| k.to_string()).collect(),
        }
    }

    #[test]
    fn added_changed_removed_unchanged_and_kept() {
        let existing = vec![ExistingHost {
            asset: asset("a1", "PC-01", AssetStatus::InService, 1, "KB1 KB2"),
            software: vec![
                sw(
                    "s1",
                    "7-Zip",
                    "19.00",
                    Some("cpe:2.3:a:7-zip:7-zip:19.00:*:*:*:*:*:*:*"),
                    "csv",
                ),
                sw("s2", "Firefox", "115.0", None, "csv"),
                sw("s3", "Old Tool", "1", None, "csv"),
                sw("s4", "Firmware", "2", None, MANUAL),
            ],
        }];
        let f = file(
            vec![
                host(
                    "pc-01",
                    vec![
                        item(2, "7-Zip", "19.00"),
                        item(3, "Firefox", "128.0"),
                        item(4, "Notepad++", "8.6"),
                    ],
                    &["KB2", "KB3"],
                ),
                host("PC-02", vec![item(5, "Firefox", "128.0")], &[]),
            ],
            0,
        );
        let mut calls = 0;
        let p = plan(&f, &existing, &mut |s| {
            calls += 1;
            (s.name == "Notepad++")
                .then(|| "cpe:2.3:a:notepad-plus-plus:notepad\\+\\+:8.6:*:*:*:*:*:*:*".into())
        });
        let h = &p.hosts[0];
        assert_eq!(h.asset_id.as_ref().map(|a| a.as_str()), Some("a1"));
        assert_eq!(h.unchanged, 1);
        assert_eq!(h.changed.len(), 1);
        assert_eq!(h.changed[0].old.id, "s2");
        assert_eq!(h.changed[0].new.version, "128.0");
        assert_eq!(h.added.len(), 1);
        assert_eq!(h.added[0].cpe_from, CpeFrom::Mapping);
        assert_eq!(
            h.removed.iter().map(|s| s.id.as_str()).collect::<Vec<_>>(),
            ["s3"]
        );
        assert_eq!(h.kept_manual, 1);
        assert_eq!(h.kbs.as_deref(), Some("KB2 KB3"));
        assert_eq!(
            (h.kbs_added.clone(), h.kbs_removed.clone()),
            (vec!["KB3".to_string()], vec!["KB1".to_string()])
        );
        assert!(p.hosts[1].asset_id.is_none());
        let c = p.counts();
        assert_eq!((c.hosts, c.new_hosts, c.changed_hosts), (2, 1, 1));
        assert_eq!(
            (c.added, c.changed, c.removed, c.unchanged, c.unmapped),
            (2, 1, 1, 1, 2)
        );
        assert!(!p.is_noop());
        // the unchanged program with a CPE name never asks for a mapping
        assert_eq!(calls, 3);
    }

    #[test]
    fn a_version_in_the_name_is_still_an_upgrade() {
        let existing = vec![ExistingHost {
            asset: asset("a1", "PC-01", AssetStatus::InService, 1, ""),
            software: vec![sw(
                "s1",
                "Mozilla Firefox 115.3.1 (x64 zh-TW)",
                "115.3.1",
                None,
                "csv",
            )],
        }];
        let f = file(
            vec![host(
                "PC-01",
                vec![item(2, "Mozilla Firefox 128.0 (x64 zh-TW)", "128.0")],
                &[],
            )],
            0,
        );
        let p = plan(&f, &existing, &mut |_| None);
        assert_eq!(p.hosts[0].changed.len(), 1, "{p:?}");
        assert!(p.hosts[0].added.is_empty() && p.hosts[0].removed.is_empty());
        // the same name in another case, same version: unchanged
        let f = file(
            vec![host(
                "PC-01",
                vec![item(2, "MOZILLA Firefox 115.3.1 (x64 zh-TW)", "115.3.1")],
                &[],
            )],
            0,
        );
        let p = plan(&f, &existing, &mut |_| None);
        assert_eq!(p.hosts[0].changed.len(), 1, "the name as written changes");
    }

    #[test]
    fn a_file_with_errors_removes_nothing() {
        let existing = vec![ExistingHost {
            asset: asset("a1", "PC-01", AssetStatus::InService, 1, ""),
            software: vec![sw("s3", "Old Tool", "1", None, "csv")],
        }];
        let f = file(vec![host("PC-01", vec![item(2, "New", "1")], &[])], 1);
        let p = plan(&f, &existing, &mut |_| None);
        assert!(!p.removals);
        assert!(p.hosts[0].removed.is_empty());
        assert_eq!(p.hosts[0].added.len(), 1);
    }

    #[test]
    fn an_updates_only_file_keeps_the_software() {
        let existing = vec![ExistingHost {
            asset: asset("a1", "PC-01", AssetStatus::InService, 1, "KB1"),
            software: vec![sw("s3", "Old Tool", "1", None, "csv")],
        }];
        let f = file(vec![host("PC-01", vec![], &["KB1", "KB2"])], 0);
        let p = plan(&f, &existing, &mut |_| None);
        assert!(p.hosts[0].removed.is_empty());
        assert_eq!(p.hosts[0].kbs_added, ["KB2"]);
        assert_eq!(p.counts().changed_hosts, 1);
    }

    #[test]
    fn in_service_hosts_win_and_disposed_ones_are_ignored() {
        let existing = vec![
            ExistingHost {
                asset: asset("old", "PC-01", AssetStatus::Retired, 1, ""),
                software: vec![],
            },
            ExistingHost {
                asset: asset("new", "pc-01", AssetStatus::InService, 5, ""),
                software: vec![],
            },
            ExistingHost {
                asset: asset("gone", "PC-02", AssetStatus::Disposed, 1, ""),
                software: vec![],
            },
        ];
        let f = file(
            vec![
                host("PC-01", vec![], &["KB1"]),
                host("PC-02", vec![], &["KB1"]),
            ],
            0,
        );
        let p = plan(&f, &existing, &mut |_| None);
        assert_eq!(
            p.hosts[0].asset_id.as_ref().map(|a| a.as_str()),
            Some("new")
        );
        assert!(p.hosts[1].asset_id.is_none());
    }

    #[test]
    fn the_same_file_again_is_a_no_op() {
        let existing = vec![ExistingHost {
            asset: asset("a1", "PC-01", AssetStatus::InService, 1, "KB1"),
            software: vec![
                sw("s1", "A", "1", Some("cpe:2.3:a:x:a:1:*:*:*:*:*:*:*"), "csv"),
                sw("s2", "A", "2", None, "csv"),
            ],
        }];
        let f = file(
            vec![host(
                "PC-01",
                vec![item(2, "A", "2"), item(3, "A", "1")],
                &["KB1"],
            )],
            0,
        );
        let p = plan(&f, &existing, &mut |_| None);
        assert!(p.is_noop(), "{p:?}");
        assert_eq!(p.counts().unchanged, 2);
    }
}
