//! The asset register (資通系統及資訊資產清冊): assets with the seed's fields,
//! hosts with their network identity, installed software (as found and as
//! CPE 2.3 names) and installed updates, and every record's change history
//! (its audit entries: who, when, each changed field before and after).

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Deserialize;
pub use zian_cpe::suggest::Candidate;
use zian_cpe::suggest::{Suggester, VendorProduct, normalise_name};
use zian_domain::assets::{
    Asset, AssetCategory, AssetStatus, CpeMapping, InstalledSoftware, UnmappedSoftware, parse_cpe,
    parse_ips, parse_kbs, parse_labels, parse_macs, parse_quantity,
};
use zian_domain::audit::AuditRow;
use zian_domain::day::parse_opt;
use zian_domain::list::HARD_LIMIT;
use zian_domain::systems::InfoSystem;
use zian_domain::{
    AssetId, DomainError, ListQuery, Memo, OrgId, Organisation, Page, Permission, Principal,
    SystemId, Text,
};
use zian_i18n::msg;

use crate::{App, AppError, Result};

/// A quantity as a JSON number or as text (forms).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum QuantityIn {
    Number(i64),
    Text(String),
}

// An asset to register, or every field of an asset to save.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "AssetIn")]
pub struct AssetInput {
    /// 資產名稱.
    pub name: String,
    /// `information`, `software`, `hardware`, `communication`,
    /// `support_service`, `personnel`, or the seed's name (資訊、軟體、硬體/實體、通訊、支援服務、人員).
    pub category: String,
    /// 擁有者.
    pub owner: String,
    /// The information system it serves (of the same organisation); its
    /// level is the asset's protection level.
    pub system_id: Option<String>,
    /// 管理者.
    pub custodian: Option<String>,
    /// 使用者.
    pub users: Option<String>,
    /// 存放位置.
    pub location: Option<String>,
    /// 財產編號.
    pub property_no: Option<String>,
    /// 廠牌.
    pub brand: Option<String>,
    /// 型號.
    pub model: Option<String>,
    /// 1 to 1,000,000 (default 1).
    pub quantity: Option<QuantityIn>,
    /// Supports a core information system.
    pub core: Option<bool>,
    /// Reachable from the Internet (對外服務).
    pub exposed: Option<bool>,
    /// `in_service` (default), `retired` or `disposed` (with `disposed_on`
    /// and `disposal_method`).
    pub status: Option<String>,
    pub disposed_on: Option<String>,
    pub disposal_method: Option<String>,
    /// Comma separated.
    pub labels: Option<String>,
    pub hostname: Option<String>,
    /// IPv4/IPv6 addresses, separated by commas or blanks.
    pub ip: Option<String>,
    /// MAC addresses, separated by commas or blanks.
    pub mac: Option<String>,
    /// Operating system.
    pub os: Option<String>,
    /// Installed updates (`KB5034441 KB890830 …`).
    pub kbs: Option<String>,
    pub notes: Option<String>,
}

// A piece of installed software to add or save.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "SoftwareIn")]
pub struct SoftwareInput {
    /// DisplayName, or the product as listed.
    pub name: String,
    pub version: Option<String>,
    pub publisher: Option<String>,
    /// CPE 2.3 formatted string or 2.2 URI naming the product; blank while
    /// not mapped (尚未對應 CPE).
    pub cpe23: Option<String>,
}

// A CPE name for every unmapped installation of one program as found.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "UnmappedMapIn")]
pub struct MapUnmappedInput {
    /// The program as found (name, version, publisher: the group of the
    /// unmapped list).
    pub name: String,
    pub version: Option<String>,
    pub publisher: Option<String>,
    /// The CPE 2.3 name to give them.
    pub cpe23: String,
}

/// An asset with what its page shows.
#[derive(Debug, Clone)]
pub struct AssetView {
    pub asset: Asset,
    pub org: Organisation,
    /// The system it serves (its level is the asset's protection level).
    pub system: Option<InfoSystem>,
    pub software: Vec<InstalledSoftware>,
    /// The record's audit entries, newest first (at most 200).
    pub history: Vec<AuditRow>,
    /// CPE candidates for each installed program without a CPE name (by
    /// software id), best first.
    pub suggestions: BTreeMap<String, Vec<Candidate>>,
}

/// A page of the register with the organisation's systems (id → system)
/// for names and protection levels.
#[derive(Debug, Clone)]
pub struct AssetList {
    pub org: Organisation,
    pub page: Page<Asset>,
    pub systems: BTreeMap<String, InfoSystem>,
}

fn opt(v: &Option<String>) -> &str {
    v.as_deref().unwrap_or("")
}

fn invalid(field: &'static str, reason: zian_i18n::Msg) -> AppError {
    AppError::from(DomainError::Invalid { field, reason })
}

/// The vendor and product of a CPE formatted string.
fn vendor_product(cpe23: &str) -> Option<VendorProduct> {
    let w = zian_cpe::Wfn::parse(cpe23).ok()?;
    let fs = w.to_fs();
    let parts: Vec<&str> = fs.splitn(6, ':').collect();
    VendorProduct::parse(&format!("{}:{}", parts.get(3)?, parts.get(4)?))
}

impl App {
    /// The CPE suggester with an organisation's confirmed mappings.
    pub(crate) async fn suggester(&self, p: &Principal, org: &OrgId) -> Result<Suggester<'static>> {
        let maps = self
            .stores
            .assets
            .mappings(&p.scope(Permission::RecordRead), org)
            .await?;
        Ok(
            Suggester::builtin().with_normalised_overrides(maps.into_iter().filter_map(|m| {
                VendorProduct::parse(&format!("{}:{}", m.vendor, m.product))
                    .map(|vp| (m.name_key, vp))
            })),
        )
    }

    /// A mapping of `name` to the product of `cpe23`, confirmed by the caller.
    fn mapping(&self, p: &Principal, org: &OrgId, name: &str, cpe23: &str) -> Option<CpeMapping> {
        let vp = vendor_product(cpe23)?;
        let name_key = normalise_name(name);
        (!name_key.is_empty()).then(|| CpeMapping {
            org_id: org.clone(),
            name_key,
            vendor: vp.vendor,
            product: vp.product,
            confirmed_by: Some(p.user.id.clone()),
            confirmed_at: self.now(),
        })
    }

    /// Builds an asset from input, checked; `base` supplies id, organisation
    /// and times.
    async fn asset_from(&self, p: &Principal, base: Asset, input: &AssetInput) -> Result<Asset> {
        let system_id = match input.system_id.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(s) => {
                let id = SystemId::from(s);
                let sys = self
                    .stores
                    .systems
                    .get(&p.scope(Permission::RecordRead), &id)
                    .await?;
                if sys.is_none_or(|x| x.org_id != base.org_id) {
                    return Err(invalid("system_id", msg!("reason.assets.system")));
                }
                Some(id)
            }
        };
        let quantity = match &input.quantity {
            None => 1,
            Some(QuantityIn::Number(n)) => parse_quantity(&n.to_string())?,
            Some(QuantityIn::Text(t)) => parse_quantity(t)?,
        };
        let status = match input.status.as_deref().map(str::trim) {
            None | Some("") => AssetStatus::InService,
            Some(s) => AssetStatus::parse(s)?,
        };
        let disposed_on = parse_opt("disposed_on", input.disposed_on.as_deref())?;
        let disposal_method = Memo::parse("disposal_method", opt(&input.disposal_method))?;
        if status == AssetStatus::Disposed {
            match disposed_on {
                None => return Err(invalid("disposed_on", msg!("reason.required"))),
                Some(d) if d > self.today() => {
                    return Err(invalid("disposed_on", msg!("reason.assets.future")));
                }
                Some(_) => {}
            }
            if disposal_method.is_empty() {
                return Err(invalid("disposal_method", msg!("reason.required")));
            }
        } else if disposed_on.is_some() || !disposal_method.is_empty() {
            let field = if disposed_on.is_some() {
                "disposed_on"
            } else {
                "disposal_method"
            };
            return Err(invalid(field, msg!("reason.assets.disposed_only")));
        }
        Ok(Asset {
            system_id,
            name: Text::parse("name", &input.name)?,
            category: AssetCategory::parse(&input.category)?,
            owner: Text::parse("owner", &input.owner)?,
            custodian: Memo::parse("custodian", opt(&input.custodian))?,
            users: Memo::parse("users", opt(&input.users))?,
            location: Memo::parse("location", opt(&input.location))?,
            property_no: Memo::parse("property_no", opt(&input.property_no))?,
            brand: Memo::parse("brand", opt(&input.brand))?,
            model: Memo::parse("model", opt(&input.model))?,
            quantity,
            core: input.core.unwrap_or(false),
            exposed: input.exposed.unwrap_or(false),
            status,
            disposed_on,
            disposal_method,
            labels: parse_labels(opt(&input.labels))?,
            hostname: Memo::parse("hostname", opt(&input.hostname))?,
            ip: parse_ips(opt(&input.ip))?,
            mac: parse_macs(opt(&input.mac))?,
            os: Memo::parse("os", opt(&input.os))?,
            kbs: parse_kbs(opt(&input.kbs))?,
            notes: Memo::parse("notes", opt(&input.notes))?,
            ..base
        })
    }

    /// Registers an asset of an organisation.
    pub async fn create_asset(
        &self,
        p: &Principal,
        org_id: &OrgId,
        input: AssetInput,
    ) -> Result<Asset> {
        let org = self.org_with(p, org_id, Permission::RecordWrite).await?;
        let now = self.now();
        let base = Asset {
            id: AssetId::new(self.ids.new_id()),
            org_id: org.id.clone(),
            system_id: None,
            name: Text::default(),
            category: AssetCategory::Hardware,
            owner: Text::default(),
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
            hostname: Memo::default(),
            ip: Memo::default(),
            mac: Memo::default(),
            os: Memo::default(),
            kbs: Memo::default(),
            notes: Memo::default(),
            created_at: now,
            updated_at: now,
        };
        let row = self.asset_from(p, base, &input).await?;
        let mut e = p.event("asset.created", Some(&org.id), Some(&row.id));
        e.details = serde_json::json!({"name": row.name, "category": row.category.as_str()});
        self.stores
            .assets
            .insert(&p.scope(Permission::RecordWrite), &row, e)
            .await?;
        Ok(row)
    }

    /// An asset the caller may read (`NotFound` otherwise).
    pub async fn get_asset(&self, p: &Principal, id: &AssetId) -> Result<Asset> {
        self.stores
            .assets
            .get(&p.scope(Permission::RecordRead), id)
            .await?
            .ok_or(AppError::NotFound)
    }

    /// Saves every field of an asset; the audit entry lists each changed
    /// field before and after. Saving the same values writes nothing.
    pub async fn update_asset(
        &self,
        p: &Principal,
        id: &AssetId,
        input: AssetInput,
    ) -> Result<Asset> {
        let old = self.get_asset(p, id).await?;
        let org = self
            .org_with(p, &old.org_id, Permission::RecordWrite)
            .await?;
        let mut row = self.asset_from(p, old.clone(), &input).await?;
        let changes = row.changes_from(&old);
        if changes.is_empty() {
            return Ok(old);
        }
        row.updated_at = self.now();
        let mut e = p.event("asset.updated", Some(&org.id), Some(&row.id));
        e.details = serde_json::json!({"name": row.name, "changes": changes});
        self.stores
            .assets
            .update(&p.scope(Permission::RecordWrite), &row, e)
            .await?;
        Ok(row)
    }

    /// A page of an organisation's register (see `AssetStore::list` for the
    /// filters and sorts).
    pub async fn list_assets(
        &self,
        p: &Principal,
        org_id: &OrgId,
        q: &ListQuery,
    ) -> Result<AssetList> {
        let org = self.org_with(p, org_id, Permission::RecordRead).await?;
        let scope = p.scope(Permission::RecordRead);
        if let Some(c) = q.filter_value("category") {
            AssetCategory::parse(c)?;
        }
        if let Some(s) = q.filter_value("status").filter(|s| *s != "all") {
            AssetStatus::parse(s)?;
        }
        let mut q = q.clone();
        // Categories and statuses may be given by their Chinese names.
        for (k, v) in q.filter.iter_mut() {
            if k == "category" {
                *v = AssetCategory::parse(v)?.as_str().to_string();
            } else if k == "status" && v != "all" {
                *v = AssetStatus::parse(v)?.as_str().to_string();
            }
        }
        let page = self.stores.assets.list(&scope, &org.id, &q).await?;
        let systems = self
            .stores
            .systems
            .all(&scope, Some(&org.id), true)
            .await?
            .into_iter()
            .map(|s| (s.id.to_string(), s))
            .collect();
        Ok(AssetList { org, page, systems })
    }

    /// The whole register (with the list's filters) for export, up to
    /// [`HARD_LIMIT`] rows.
    pub async fn export_assets(
        &self,
        p: &Principal,
        org_id: &OrgId,
        q: &ListQuery,
    ) -> Result<AssetList> {
        let mut q = q.clone();
        q.limit = HARD_LIMIT;
        q.offset = 0;
        self.list_assets(p, org_id, &q).await
    }

    /// An asset with its system, software and change history.
    pub async fn asset_view(&self, p: &Principal, id: &AssetId) -> Result<AssetView> {
        let asset = self.get_asset(p, id).await?;
        let scope = p.scope(Permission::RecordRead);
        let org = self
            .org_with(p, &asset.org_id, Permission::RecordRead)
            .await?;
        let system = match &asset.system_id {
            Some(s) => self.stores.systems.get(&scope, s).await?,
            None => None,
        };
        let software = self.stores.assets.software(&scope, &asset.id).await?;
        let mut suggestions = BTreeMap::new();
        if software.iter().any(|s| s.cpe23.is_none()) {
            let sg = self.suggester(p, &org.id).await?;
            for s in software.iter().filter(|s| s.cpe23.is_none()) {
                let pubr = Some(s.publisher.as_str()).filter(|x| !x.is_empty());
                suggestions.insert(s.id.clone(), sg.suggest(&s.name, &s.version, pubr));
            }
        }
        let history = self
            .stores
            .audit
            .list(
                &scope,
                &ListQuery::all(200)
                    .with("target", asset.id.to_string())
                    .with("org", org.id.to_string()),
            )
            .await?
            .items;
        Ok(AssetView {
            asset,
            org,
            system,
            software,
            history,
            suggestions,
        })
    }

    fn software_from(
        &self,
        base: InstalledSoftware,
        input: &SoftwareInput,
    ) -> Result<InstalledSoftware> {
        Ok(InstalledSoftware {
            name: Text::parse("name", &input.name)?,
            version: Memo::parse("version", opt(&input.version))?,
            publisher: Memo::parse("publisher", opt(&input.publisher))?,
            cpe23: parse_cpe(opt(&input.cpe23))?,
            ..base
        })
    }

    /// Adds installed software to an asset.
    pub async fn add_software(
        &self,
        p: &Principal,
        asset_id: &AssetId,
        input: SoftwareInput,
    ) -> Result<InstalledSoftware> {
        let asset = self.get_asset(p, asset_id).await?;
        let org = self
            .org_with(p, &asset.org_id, Permission::RecordWrite)
            .await?;
        let now = self.now();
        let base = InstalledSoftware {
            id: self.ids.new_id(),
            asset_id: asset.id.clone(),
            org_id: org.id.clone(),
            name: Text::default(),
            version: Memo::default(),
            publisher: Memo::default(),
            cpe23: None,
            source: Text::stored("manual".into()),
            created_at: now,
            updated_at: now,
        };
        let mut row = self.software_from(base, &input)?;
        // a name the organisation has confirmed before gets its product
        let mut remembered = false;
        if row.cpe23.is_none() {
            let sg = self.suggester(p, &org.id).await?;
            let pubr = Some(row.publisher.as_str()).filter(|x| !x.is_empty());
            if let Some(c) = sg
                .suggest(&row.name, &row.version, pubr)
                .into_iter()
                .next()
                .filter(|c| c.confidence >= 1.0)
            {
                row.cpe23 = parse_cpe(&c.cpe23)?;
                remembered = row.cpe23.is_some();
            }
        }
        let mut e = p.event("asset.software_added", Some(&org.id), Some(&asset.id));
        e.details = serde_json::json!({
            "software": row.id, "name": row.name, "version": row.version, "cpe23": row.cpe23,
            "cpe_from_confirmed_mapping": remembered
        });
        self.stores
            .assets
            .insert_software(&p.scope(Permission::RecordWrite), &row, e)
            .await?;
        self.queue_vuln_match(&org.id).await;
        Ok(row)
    }

    async fn software_of(
        &self,
        p: &Principal,
        asset_id: &AssetId,
        software_id: &str,
    ) -> Result<(Organisation, InstalledSoftware)> {
        let asset = self.get_asset(p, asset_id).await?;
        let org = self
            .org_with(p, &asset.org_id, Permission::RecordWrite)
            .await?;
        let sw = self
            .stores
            .assets
            .software(&p.scope(Permission::RecordWrite), &asset.id)
            .await?
            .into_iter()
            .find(|s| s.id == software_id)
            .ok_or(AppError::NotFound)?;
        Ok((org, sw))
    }

    /// Saves a piece of installed software (name, version, publisher, CPE).
    pub async fn update_software(
        &self,
        p: &Principal,
        asset_id: &AssetId,
        software_id: &str,
        input: SoftwareInput,
    ) -> Result<InstalledSoftware> {
        let (org, old) = self.software_of(p, asset_id, software_id).await?;
        let mut row = self.software_from(old.clone(), &input)?;
        if row == old {
            return Ok(old);
        }
        row.updated_at = self.now();
        let mut changes = serde_json::Map::new();
        for (k, a, b) in [
            ("name", old.name.to_string(), row.name.to_string()),
            ("version", old.version.to_string(), row.version.to_string()),
            (
                "publisher",
                old.publisher.to_string(),
                row.publisher.to_string(),
            ),
            (
                "cpe23",
                old.cpe23.clone().unwrap_or_default(),
                row.cpe23.clone().unwrap_or_default(),
            ),
        ] {
            if a != b {
                changes.insert(k.into(), serde_json::json!([a, b]));
            }
        }
        // a CPE name given by a person is remembered for the name
        let mapping = match (&row.cpe23, &old.cpe23) {
            (Some(new), old_cpe) if old_cpe.as_ref() != Some(new) => {
                self.mapping(p, &org.id, &row.name, new)
            }
            _ => None,
        };
        let mut e = p.event("asset.software_updated", Some(&org.id), Some(asset_id));
        e.details = serde_json::json!({"software": row.id, "name": row.name, "changes": changes});
        self.stores
            .assets
            .update_software(&p.scope(Permission::RecordWrite), &row, mapping.as_ref(), e)
            .await?;
        self.queue_vuln_match(&org.id).await;
        Ok(row)
    }

    /// Removes a piece of installed software from its asset.
    pub async fn remove_software(
        &self,
        p: &Principal,
        asset_id: &AssetId,
        software_id: &str,
    ) -> Result<()> {
        let (org, mut sw) = self.software_of(p, asset_id, software_id).await?;
        sw.updated_at = self.now();
        let mut e = p.event("asset.software_removed", Some(&org.id), Some(asset_id));
        e.details = serde_json::json!({
            "software": sw.id, "name": sw.name, "version": sw.version, "cpe23": sw.cpe23
        });
        self.stores
            .assets
            .delete_software(&p.scope(Permission::RecordWrite), &sw, e)
            .await?;
        self.queue_vuln_match(&org.id).await;
        Ok(())
    }

    /// The organisation's hosts in service with their CPE names, for the
    /// national VANS upload: `(host identifier, CPE 2.3 names)` — the host
    /// name, else the property number, else the asset's name — in register
    /// order; hosts without a mapped program are left out.
    pub async fn vans_cpe_list(
        &self,
        p: &Principal,
        org_id: &OrgId,
    ) -> Result<(Organisation, Vec<(String, Vec<String>)>)> {
        let org = self.org_with(p, org_id, Permission::RecordRead).await?;
        let scope = p.scope(Permission::RecordRead);
        let assets = self
            .stores
            .assets
            .list(
                &scope,
                &org.id,
                &ListQuery::all(HARD_LIMIT).with("status", "in_service"),
            )
            .await?
            .items;
        let mut by_asset: std::collections::HashMap<String, Vec<String>> = Default::default();
        for s in self
            .stores
            .assets
            .mapped_software(&scope, &org.id, 1_000_000)
            .await?
        {
            if let Some(c) = s.cpe23 {
                let v = by_asset.entry(s.asset_id.to_string()).or_default();
                if !v.contains(&c) {
                    v.push(c);
                }
            }
        }
        let out = assets
            .into_iter()
            .filter_map(|a| {
                let cpes = by_asset.remove(a.id.as_str())?;
                let host = [a.hostname.as_str(), a.property_no.as_str(), a.name.as_str()]
                    .into_iter()
                    .find(|s| !s.trim().is_empty())
                    .unwrap_or("")
                    .to_string();
                Some((host, cpes))
            })
            .collect();
        Ok((org, out))
    }

    /// An organisation's installed software without a CPE name (尚未對應
    /// CPE), grouped as found, most installations first, each with its
    /// candidates.
    pub async fn unmapped_software(
        &self,
        p: &Principal,
        org_id: &OrgId,
    ) -> Result<(Organisation, Vec<(UnmappedSoftware, Vec<Candidate>)>)> {
        let org = self.org_with(p, org_id, Permission::RecordRead).await?;
        let groups = self
            .stores
            .assets
            .unmapped(&p.scope(Permission::RecordRead), &org.id, 500)
            .await?;
        let sg = self.suggester(p, &org.id).await?;
        let out = groups
            .into_iter()
            .map(|g| {
                let pubr = Some(g.publisher.as_str()).filter(|x| !x.is_empty());
                let c = sg.suggest(&g.name, &g.version, pubr);
                (g, c)
            })
            .collect();
        Ok((org, out))
    }

    /// Gives every unmapped installation of one program (as found) in an
    /// organisation a CPE name, and remembers the choice for its name; the
    /// number of installations changed.
    pub async fn map_unmapped(
        &self,
        p: &Principal,
        org_id: &OrgId,
        input: MapUnmappedInput,
    ) -> Result<u64> {
        let org = self.org_with(p, org_id, Permission::RecordWrite).await?;
        let cpe =
            parse_cpe(&input.cpe23)?.ok_or_else(|| invalid("cpe23", msg!("reason.required")))?;
        let group = UnmappedSoftware {
            name: input.name.trim().to_string(),
            version: opt(&input.version).trim().to_string(),
            publisher: opt(&input.publisher).trim().to_string(),
            count: 0,
            assets: 0,
        };
        let mapping = self
            .mapping(p, &org.id, &group.name, &cpe)
            .ok_or_else(|| invalid("name", msg!("reason.required")))?;
        let mut e = p.event("asset.software_mapped", Some(&org.id), None);
        e.details = serde_json::json!({
            "name": group.name, "version": group.version, "publisher": group.publisher, "cpe23": cpe
        });
        let n = self
            .stores
            .assets
            .map_unmapped(&p.scope(Permission::RecordWrite), &group, &cpe, &mapping, e)
            .await?;
        Ok(n)
    }
}
