//! Software inventory import (資產清冊匯入): an agency's file (CSV, Excel,
//! a Windows export, an SBOM) read by `zian-inventory`, previewed against
//! the register (hosts and programs added, changed, removed, unchanged; rows
//! in error with line, column and reason), then committed in one
//! transaction. The upload is kept with its SHA-256 as the evidence of what
//! was imported; the commit recomputes the plan against the register as it
//! is then and, when the caller says what it saw (`expect`), refuses if that
//! changed. Confirmed CPE mappings of the organisation name new programs.

use std::collections::HashMap;

use schemars::JsonSchema;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use zian_domain::assets::{Asset, AssetCategory, AssetStatus, InstalledSoftware};
use zian_domain::inventory::{ImportStatus, ImportWrites, InventoryImport};
use zian_domain::{ImportId, Memo, OrgId, Organisation, Permission, Principal, Text};
use zian_i18n::msg;
use zian_inventory::plan::{ExistingHost, ImportPlan, Incoming, PlanCounts, plan};
use zian_inventory::{ParsedFile, RowError};

use crate::evidence::clean_filename;
use crate::{App, AppError, Result};

/// How to commit an import.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "InventoryCommitIn")]
pub struct CommitInput {
    /// Commit the rows that were read even though some rows are in error
    /// (those rows are left out, and nothing is removed from the register).
    #[serde(default)]
    pub accept_errors: bool,
    /// The preview's `fingerprint` as shown to the person: the commit is
    /// refused when the register changed since (the plan differs).
    pub expect: Option<String>,
}

/// An import with what its file does to the register now.
#[derive(Debug, Clone)]
pub struct ImportView {
    pub import: InventoryImport,
    pub org: Organisation,
    pub file: ParsedFile,
    pub plan: ImportPlan,
    pub counts: PlanCounts,
    /// A short hash of the plan (what a commit with `expect` checks).
    pub fingerprint: String,
}

impl ImportView {
    /// Whether committing needs `accept_errors`.
    pub fn has_errors(&self) -> bool {
        !self.file.errors.is_empty() || self.file.errors_omitted > 0
    }
    /// Rows in error (the first [`zian_inventory::MAX_ROW_ERRORS`]).
    pub fn errors(&self) -> &[RowError] {
        &self.file.errors
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn summary(file: &ParsedFile, counts: &PlanCounts) -> serde_json::Value {
    serde_json::json!({
        "rows": file.rows,
        "skipped": file.skipped,
        "errors": file.errors.len() + file.errors_omitted,
        "counts": counts,
    })
}

impl App {
    /// Reads an uploaded inventory file of an organisation, records it and
    /// returns its preview. `default_host` names the host of rows (or a
    /// whole file) that name none.
    pub async fn preview_inventory(
        &self,
        p: &Principal,
        org_id: &OrgId,
        file_name: &str,
        bytes: &[u8],
        default_host: Option<&str>,
    ) -> Result<ImportView> {
        let org = self.org_with(p, org_id, Permission::RecordWrite).await?;
        let default_host = default_host.map(str::trim).unwrap_or("");
        Memo::<100>::parse("default_host", default_host)?;
        let file_name = clean_filename(file_name);
        let file = zian_inventory::parse(&file_name, bytes, Some(default_host))
            .map_err(|e| AppError::invalid("file", e.reason()))?;
        let now = self.now();
        let mut import = InventoryImport {
            id: ImportId::new(self.ids.new_id()),
            org_id: org.id.clone(),
            created_by: Some(p.user.id.clone()),
            file_name,
            sha256: hex(&Sha256::digest(bytes)),
            size: i64::try_from(bytes.len()).unwrap_or(i64::MAX),
            default_host: default_host.to_string(),
            format: file.format.as_str().to_string(),
            encoding: file.encoding.as_str().to_string(),
            summary: serde_json::Value::Null,
            status: ImportStatus::Previewed,
            created_at: now,
            committed_at: None,
            committed_by: None,
            result: None,
        };
        let view = self.view_of(p, import.clone(), org, file).await?;
        import.summary = summary(&view.file, &view.counts);
        let mut e = p.event("inventory.previewed", Some(&view.org.id), Some(&import.id));
        e.details = serde_json::json!({
            "file": import.file_name, "sha256": import.sha256, "size": import.size,
            "format": import.format, "counts": view.counts,
        });
        self.stores
            .inventory
            .insert_import(&p.scope(Permission::RecordWrite), &import, bytes, e)
            .await?;
        Ok(ImportView { import, ..view })
    }

    /// [`App::preview_inventory`] for a file sent as base64 (the JSON API).
    pub async fn preview_inventory_base64(
        &self,
        p: &Principal,
        org_id: &OrgId,
        file_name: &str,
        content_base64: &str,
        default_host: Option<&str>,
    ) -> Result<ImportView> {
        // the access check comes first, so outsiders learn nothing from errors
        self.org_with(p, org_id, Permission::RecordWrite).await?;
        let bytes = crate::evidence::decode_base64(
            content_base64,
            zian_inventory::MAX_FILE_BYTES,
            "64 MB",
        )?;
        self.preview_inventory(p, org_id, file_name, &bytes, default_host)
            .await
    }

    /// Plans a read file against the organisation's register as it is now.
    async fn view_of(
        &self,
        p: &Principal,
        import: InventoryImport,
        org: Organisation,
        file: ParsedFile,
    ) -> Result<ImportView> {
        let scope = p.scope(Permission::RecordRead);
        let existing: Vec<ExistingHost> = self
            .stores
            .inventory
            .hosts(&scope, &org.id)
            .await?
            .into_iter()
            .map(|(asset, software)| ExistingHost { asset, software })
            .collect();
        let sg = self.suggester(p, &org.id).await?;
        // the same program on many hosts is looked up once
        let mut cache: HashMap<(String, String), Option<String>> = HashMap::new();
        let plan = plan(&file, &existing, &mut |s| {
            cache
                .entry((s.name.clone(), s.version.clone()))
                .or_insert_with(|| {
                    sg.confirmed(&s.name, &s.version)
                        .and_then(|c| zian_domain::assets::parse_cpe(&c.cpe23).ok().flatten())
                })
                .clone()
        });
        let counts = plan.counts();
        let fingerprint = hex(&Sha256::digest(
            serde_json::to_vec(&plan).unwrap_or_default(),
        ))[..16]
            .to_string();
        Ok(ImportView {
            import,
            org,
            file,
            plan,
            counts,
            fingerprint,
        })
    }

    /// An import of an organisation the caller may read, with what its file
    /// would do to the register now (a committed one: what is left to do,
    /// normally nothing).
    pub async fn inventory_import(&self, p: &Principal, id: &ImportId) -> Result<ImportView> {
        let scope = p.scope(Permission::RecordRead);
        let import = self
            .stores
            .inventory
            .get_import(&scope, id)
            .await?
            .ok_or(AppError::NotFound)?;
        let org = self
            .org_with(p, &import.org_id, Permission::RecordRead)
            .await?;
        let bytes = self
            .stores
            .inventory
            .import_content(&scope, id)
            .await?
            .ok_or(AppError::NotFound)?;
        let file = zian_inventory::parse(
            &import.file_name,
            &bytes,
            Some(import.default_host.as_str()),
        )
        .map_err(|e| AppError::invalid("file", e.reason()))?;
        self.view_of(p, import, org, file).await
    }

    /// The uploaded file of an import (name and bytes).
    pub async fn inventory_import_file(
        &self,
        p: &Principal,
        id: &ImportId,
    ) -> Result<(InventoryImport, Vec<u8>)> {
        let scope = p.scope(Permission::RecordRead);
        let import = self
            .stores
            .inventory
            .get_import(&scope, id)
            .await?
            .ok_or(AppError::NotFound)?;
        let bytes = self
            .stores
            .inventory
            .import_content(&scope, id)
            .await?
            .ok_or(AppError::NotFound)?;
        Ok((import, bytes))
    }

    /// An organisation's imports, newest first (at most 50).
    pub async fn inventory_imports(
        &self,
        p: &Principal,
        org_id: &OrgId,
    ) -> Result<(Organisation, Vec<InventoryImport>)> {
        let org = self.org_with(p, org_id, Permission::RecordRead).await?;
        let list = self
            .stores
            .inventory
            .imports(&p.scope(Permission::RecordRead), &org.id, 50)
            .await?;
        Ok((org, list))
    }

    /// Applies an import to the register in one transaction; the counts of
    /// what it did.
    pub async fn commit_inventory(
        &self,
        p: &Principal,
        id: &ImportId,
        input: CommitInput,
    ) -> Result<PlanCounts> {
        let view = self.inventory_import(p, id).await?;
        let org = self
            .org_with(p, &view.org.id, Permission::RecordWrite)
            .await?;
        if view.import.status == ImportStatus::Committed {
            return Err(AppError::Conflict("import_committed"));
        }
        if view.has_errors() && !input.accept_errors {
            return Err(AppError::invalid(
                "accept_errors",
                msg!(
                    "reason.inventory.import.has_errors",
                    n = view.file.errors.len() + view.file.errors_omitted
                ),
            ));
        }
        if input
            .expect
            .as_deref()
            .is_some_and(|e| !e.trim().is_empty() && e.trim() != view.fingerprint)
        {
            return Err(AppError::Conflict("import_changed"));
        }
        let now = self.now();
        let (writes, per_host) = self.writes_of(p, &org, &view, now);
        let mut import = view.import.clone();
        import.status = ImportStatus::Committed;
        import.committed_at = Some(now);
        import.committed_by = Some(p.user.id.clone());
        import.result = Some(serde_json::json!({ "counts": view.counts }));
        let mut e = p.event("inventory.committed", Some(&view.org.id), Some(&import.id));
        e.details = serde_json::json!({
            "file": import.file_name, "sha256": import.sha256, "counts": view.counts,
            "accept_errors": view.has_errors(),
        });
        self.stores
            .inventory
            .commit_import(
                &p.scope(Permission::RecordWrite),
                &import,
                &writes,
                per_host,
                e,
            )
            .await?;
        self.review_cache.touch();
        self.queue_vuln_match(&view.org.id).await;
        Ok(view.counts)
    }

    /// The rows a plan writes and one audit entry per host it touches.
    fn writes_of(
        &self,
        p: &Principal,
        org: &Organisation,
        view: &ImportView,
        now: i64,
    ) -> (ImportWrites, Vec<zian_domain::audit::AuditEvent>) {
        let source = format!("import:{}", view.import.format);
        let mut w = ImportWrites {
            at: now,
            ..ImportWrites::default()
        };
        let mut events = Vec::new();
        let installed = |asset: &zian_domain::AssetId, s: &Incoming| InstalledSoftware {
            id: self.ids.new_id(),
            asset_id: asset.clone(),
            org_id: org.id.clone(),
            name: Text::stored(s.name.clone()),
            version: Memo::stored(s.version.clone()),
            publisher: Memo::stored(s.publisher.clone()),
            cpe23: s.cpe23.clone(),
            source: Text::stored(source.clone()),
            created_at: now,
            updated_at: now,
        };
        for h in view.plan.hosts.iter().filter(|h| !h.is_noop()) {
            let asset_id = match &h.asset_id {
                Some(a) => a.clone(),
                None => {
                    let a = new_host(self.ids.new_id(), org, h, &view.import, now);
                    let mut e = p.event("asset.created", Some(&org.id), Some(&a.id));
                    e.details = serde_json::json!({
                        "name": a.name, "category": a.category.as_str(),
                        "import": view.import.id, "file": view.import.file_name,
                    });
                    events.push(e);
                    let id = a.id.clone();
                    w.new_assets.push(a);
                    id
                }
            };
            for s in &h.added {
                w.insert.push(installed(&asset_id, s));
            }
            for c in &h.changed {
                let mut row = c.old.clone();
                row.name = Text::stored(c.new.name.clone());
                row.version = Memo::stored(c.new.version.clone());
                row.publisher = Memo::stored(c.new.publisher.clone());
                row.cpe23.clone_from(&c.new.cpe23);
                if row.source.as_str() != zian_inventory::plan::MANUAL {
                    row.source = Text::stored(source.clone());
                }
                row.updated_at = now;
                w.update.push(row);
            }
            w.delete.extend(h.removed.iter().cloned());
            // a new host has its updates already
            if let (Some(k), Some(_)) = (&h.kbs, &h.asset_id) {
                w.kbs.push((asset_id.clone(), k.clone()));
            }
            let names = |v: Vec<String>| v.into_iter().take(20).collect::<Vec<_>>();
            let mut e = p.event("asset.inventory_imported", Some(&org.id), Some(&asset_id));
            e.details = serde_json::json!({
                "import": view.import.id, "file": view.import.file_name,
                "added": h.added.len(), "changed": h.changed.len(), "removed": h.removed.len(),
                "unchanged": h.unchanged,
                "added_names": names(h.added.iter().map(|s| format!("{} {}", s.name, s.version).trim().to_string()).collect()),
                "changed_names": names(h.changed.iter().map(|c| format!("{} {} → {}", c.old.name, c.old.version, c.new.version)).collect()),
                "removed_names": names(h.removed.iter().map(|s| format!("{} {}", s.name, s.version).trim().to_string()).collect()),
                "kbs_added": h.kbs_added, "kbs_removed": h.kbs_removed,
            });
            events.push(e);
        }
        (w, events)
    }
}

/// A host the register lacked, as a hardware asset in service owned by the
/// organisation.
fn new_host(
    id: String,
    org: &Organisation,
    h: &zian_inventory::plan::HostPlan,
    import: &InventoryImport,
    now: i64,
) -> Asset {
    let name: String = h.host.chars().take(200).collect();
    Asset {
        id: zian_domain::AssetId::new(id),
        org_id: org.id.clone(),
        system_id: None,
        name: Text::stored(name.clone()),
        category: AssetCategory::Hardware,
        owner: Text::stored(org.name_zh.chars().take(200).collect()),
        custodian: Memo::default(),
        users: Memo::default(),
        location: Memo::default(),
        property_no: Memo::default(),
        brand: Memo::default(),
        model: Memo::default(),
        quantity: 1,
        core: false,
        exposed: false,
        status: AssetStatus::InService,
        disposed_on: None,
        disposal_method: Memo::default(),
        labels: Memo::default(),
        hostname: Memo::stored(name.clone()),
        ip: Memo::default(),
        mac: Memo::default(),
        os: Memo::default(),
        kbs: Memo::stored(h.kbs.clone().unwrap_or_default()),
        notes: Memo::stored(
            format!("由軟體清單匯入（{}）", import.file_name)
                .chars()
                .take(2000)
                .collect(),
        ),
        created_at: now,
        updated_at: now,
    }
}
