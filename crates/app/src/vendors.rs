//! Vendors (委外廠商): the register with its contracts, selection criteria,
//! disclosed components and test certificate; the staff's confidentiality
//! agreements (re-signed yearly, reminded) and device checks; the gaps an
//! officer follows up; and the records an organisation shares with vendor
//! accounts — the only records a vendor reaches.
//!
//! Who writes: the organisation's officers (`RecordWrite` there). Who reads
//! a share: the vendor account it went to, in the scope
//! `Principal::share_scope` gives for that one record.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use zian_domain::audits::{Audit, AuditKind};
use zian_domain::corrective::CorrectiveAction;
use zian_domain::day::ymd;
use zian_domain::org::Organisation;
use zian_domain::user::{OrgShare, RoleHolder, Share};
use zian_domain::vendors::{
    Component, Contract, Criteria, DeviceCheck, Gap, StaffMember, TestCertificate, Vendor,
    VendorBody,
};
use zian_domain::{
    ActionId, AuditId, ListQuery, OrgId, OrgScope, Page, Permission, Principal, Role, ShareId,
    VendorId,
};
use zian_i18n::msg;

use crate::{App, AppError, Result};

/// A disclosed component as typed.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
#[schemars(rename = "VendorComponentIn")]
pub struct ComponentInput {
    pub name: String,
    pub version: String,
    pub licence: String,
}

/// A vendor's register entry (contracts, staff and device checks have
/// their own requests).
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
#[schemars(rename = "VendorIn")]
pub struct VendorInput {
    pub name: String,
    /// 統一編號: eight digits with their check digit, or empty.
    pub tax_id: String,
    pub contact_name: String,
    pub contact_phone: String,
    pub contact_email: String,
    /// The third-party certification held (empty: none).
    pub certification: String,
    pub qualified_staff: bool,
    /// What is sub-contracted and to whom (empty: nothing).
    pub subcontracting: String,
    pub subcontracting_approved: bool,
    pub background_checks: bool,
    /// The components the vendor did not develop, with their licences.
    pub components: Vec<ComponentInput>,
    /// The third-party security test certificate of custom development.
    pub certificate_issuer: String,
    pub certificate_number: String,
    /// `YYYY-MM-DD`.
    pub certificate_issued_on: Option<String>,
}

/// A contract as typed: added, or replacing the one at `index`.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
#[schemars(rename = "VendorContractIn")]
pub struct ContractInput {
    /// The contract's position to replace (0-based); none adds one.
    pub index: Option<usize>,
    /// 案號
    pub no: String,
    /// 專案名稱
    pub title: String,
    /// `YYYY-MM-DD`.
    pub starts_on: Option<String>,
    pub ends_on: Option<String>,
    pub custom_development: bool,
    pub classified: bool,
    /// Ids of the organisation's systems the vendor works on.
    pub system_ids: Vec<String>,
    /// The information the vendor touches.
    pub data: String,
    /// The contract's security requirements.
    pub security_requirements: String,
    pub incident_notice: bool,
    pub data_return: bool,
    pub data_returned_on: Option<String>,
}

/// A staff member as typed: added, or updated when the name is on the
/// list.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
#[schemars(rename = "VendorStaffIn")]
pub struct StaffInput {
    pub name: String,
    pub title: String,
    pub on_site: bool,
    /// The person's vendor account on the platform (a username), if any.
    pub account: String,
    /// `YYYY-MM-DD`: 保密切結書 signed.
    pub nda_signed_on: Option<String>,
    /// `YYYY-MM-DD`: 保密同意書 signed.
    pub agreement_signed_on: Option<String>,
    /// `YYYY-MM-DD`: no longer works for the organisation.
    pub left_on: Option<String>,
}

/// A device check as typed.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
#[schemars(rename = "VendorDeviceCheckIn")]
pub struct DeviceCheckInput {
    /// The staff member (a name on the list).
    pub staff: String,
    pub device: String,
    pub serial: String,
    /// `YYYY-MM-DD` (default today).
    pub checked_on: Option<String>,
    pub passed: bool,
    pub checker: String,
    pub note: String,
}

/// A record to share with a vendor account.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
#[schemars(rename = "ShareIn")]
pub struct ShareInput {
    /// `vendor` (a vendor's register entry), `audit` (a vendor audit) or
    /// `corrective_action`.
    pub record_type: String,
    pub record_id: String,
    /// The vendor account: its username or id. It must hold the vendor
    /// role at the organisation or above it, within the caller's reach.
    pub vendor_user: String,
}

/// The kinds of record that can be shared.
pub const SHARE_KINDS: [&str; 3] = ["vendor", "audit", "corrective_action"];

/// A vendor as the API gives it.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct VendorOut {
    pub id: String,
    pub org_id: String,
    pub name: String,
    pub tax_id: String,
    /// Whether a contract runs today.
    pub active: bool,
    /// Contracts, criteria, components, certificate, staff, device checks.
    #[schemars(with = "serde_json::Value")]
    pub body: VendorBody,
    pub updated_at: i64,
}

impl VendorOut {
    pub fn of(v: &Vendor, today: time::Date) -> VendorOut {
        VendorOut {
            id: v.id.to_string(),
            org_id: v.org_id.to_string(),
            name: v.name.clone(),
            tax_id: v.tax_id.clone(),
            active: v.active_on(today),
            body: v.body.clone(),
            updated_at: v.updated_at,
        }
    }
}

/// A share as the API gives it.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct OrgShareOut {
    pub id: String,
    pub org_id: String,
    pub record_type: String,
    pub record_id: String,
    pub title: String,
    pub created_at: i64,
    pub vendor_username: String,
    pub vendor_name: String,
}

impl From<&OrgShare> for OrgShareOut {
    fn from(s: &OrgShare) -> Self {
        OrgShareOut {
            id: s.share.id.clone(),
            org_id: s.share.org_id.to_string(),
            record_type: s.share.record_type.clone(),
            record_id: s.share.record_id.clone(),
            title: s.share.title.clone(),
            created_at: s.share.created_at,
            vendor_username: s.vendor_username.clone(),
            vendor_name: s.vendor_name.clone(),
        }
    }
}

/// A vendor with what its page shows.
#[derive(Debug, Clone)]
pub struct VendorView {
    pub vendor: Vendor,
    pub org: Organisation,
    /// What is missing today, for the officer to follow up.
    pub gaps: Vec<Gap>,
    /// The organisation's audits of this vendor, latest first.
    pub audits: Vec<Audit>,
    /// The active shares of this vendor's records.
    pub shares: Vec<OrgShare>,
    /// The vendor accounts a record may be shared with.
    pub accounts: Vec<RoleHolder>,
    /// The organisation's systems (id, name) a contract may name.
    pub systems: Vec<(String, String)>,
    pub can_write: bool,
}

/// A record shared with the calling vendor.
#[derive(Debug, Clone)]
pub enum SharedRecord {
    Vendor(Box<Vendor>, Vec<Gap>),
    Audit(Box<Audit>),
    Action(Box<CorrectiveAction>),
}

/// A share opened by its vendor.
#[derive(Debug, Clone)]
pub struct SharedView {
    pub share: Share,
    pub org_name: String,
    pub record: SharedRecord,
}

use crate::typed::{day_opt, memo, opt_text, text};

impl App {
    fn vendor_scope(&self, p: &Principal, org: &Organisation) -> Result<OrgScope> {
        if self.can(p, Permission::RecordWrite, org) {
            Ok(p.scope(Permission::RecordWrite))
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// Records a vendor of organisation `org_id`.
    pub async fn create_vendor(
        &self,
        p: &Principal,
        org_id: &OrgId,
        input: VendorInput,
    ) -> Result<VendorView> {
        let org = self.org_with(p, org_id, Permission::RecordRead).await?;
        let scope = self.vendor_scope(p, &org)?;
        let now = self.now();
        let mut v = Vendor {
            id: VendorId::from(self.ids.new_id()),
            org_id: org.id.clone(),
            name: String::new(),
            tax_id: String::new(),
            body: VendorBody::default(),
            created_by: Some(p.user.id.clone()),
            created_at: now,
            updated_at: now,
        };
        apply_vendor(&mut v, &input)?;
        v.check(self.today())?;
        let mut e = p.event("vendors.created", Some(&org.id), Some(&v.id));
        e.details = serde_json::json!({"name": v.name, "tax_id": v.tax_id});
        self.stores.vendors.save_vendor(&scope, &v, None, e).await?;
        self.vendor_view(p, &v.id).await
    }

    /// Changes a vendor's register entry.
    pub async fn edit_vendor(
        &self,
        p: &Principal,
        id: &VendorId,
        input: VendorInput,
    ) -> Result<VendorView> {
        self.change_vendor(p, id, "vendors.edited", |v| {
            apply_vendor(v, &input)?;
            Ok(serde_json::json!({"name": v.name, "tax_id": v.tax_id}))
        })
        .await
    }

    /// Adds a contract, or replaces the one at `index`.
    pub async fn save_vendor_contract(
        &self,
        p: &Principal,
        id: &VendorId,
        input: ContractInput,
    ) -> Result<VendorView> {
        let systems: Vec<String> = {
            let v = self.get_vendor(p, id).await?;
            self.stores
                .systems
                .all(&p.scope(Permission::RecordRead), Some(&v.org_id), false)
                .await?
                .into_iter()
                .map(|s| s.id.to_string())
                .collect()
        };
        self.change_vendor(p, id, "vendors.contract_saved", |v| {
            for s in &input.system_ids {
                if !systems.contains(s) {
                    return Err(AppError::invalid(
                        "system_ids",
                        msg!("reason.unknown_value", value = s.as_str()),
                    ));
                }
            }
            let c = Contract {
                no: text::<50>("no", &input.no)?,
                title: text::<200>("title", &input.title)?,
                starts_on: day_opt("starts_on", &input.starts_on)?,
                ends_on: day_opt("ends_on", &input.ends_on)?,
                custom_development: input.custom_development,
                classified: input.classified,
                systems: input.system_ids.clone(),
                data: memo::<1000>("data", &input.data)?,
                security_requirements: memo::<4000>(
                    "security_requirements",
                    &input.security_requirements,
                )?,
                incident_notice: input.incident_notice,
                data_return: input.data_return,
                data_returned_on: day_opt("data_returned_on", &input.data_returned_on)?,
            };
            let details = serde_json::json!({"no": c.no, "title": c.title, "index": input.index});
            match input.index {
                Some(i) if i < v.body.contracts.len() => v.body.contracts[i] = c,
                Some(_) => {
                    return Err(AppError::invalid(
                        "index",
                        msg!("reason.vendors.no_such_contract"),
                    ));
                }
                None => v.body.contracts.push(c),
            }
            Ok(details)
        })
        .await
    }

    /// Adds a staff member, or updates the one of that name.
    pub async fn save_vendor_staff(
        &self,
        p: &Principal,
        id: &VendorId,
        input: StaffInput,
    ) -> Result<VendorView> {
        self.change_vendor(p, id, "vendors.staff_saved", |v| {
            let s = StaffMember {
                name: text::<50>("name", &input.name)?,
                title: opt_text::<50>("title", &input.title)?,
                on_site: input.on_site,
                account: opt_text::<100>("account", &input.account)?,
                nda_signed_on: day_opt("nda_signed_on", &input.nda_signed_on)?,
                agreement_signed_on: day_opt("agreement_signed_on", &input.agreement_signed_on)?,
                left_on: day_opt("left_on", &input.left_on)?,
            };
            let details = serde_json::json!({
                "staff": s.name,
                "nda_signed_on": s.nda_signed_on.map(ymd),
                "agreement_signed_on": s.agreement_signed_on.map(ymd),
                "left_on": s.left_on.map(ymd),
            });
            match v.body.staff.iter_mut().find(|x| x.name == s.name) {
                Some(x) => *x = s,
                None => v.body.staff.push(s),
            }
            Ok(details)
        })
        .await
    }

    /// Records a check of a staff member's device.
    pub async fn add_device_check(
        &self,
        p: &Principal,
        id: &VendorId,
        input: DeviceCheckInput,
    ) -> Result<VendorView> {
        let today = self.today();
        self.change_vendor(p, id, "vendors.device_checked", |v| {
            let d = DeviceCheck {
                staff: text::<50>("staff", &input.staff)?,
                device: text::<100>("device", &input.device)?,
                serial: opt_text::<100>("serial", &input.serial)?,
                checked_on: day_opt("checked_on", &input.checked_on)?.unwrap_or(today),
                passed: input.passed,
                checker: text::<50>("checker", &input.checker)?,
                note: memo::<500>("note", &input.note)?,
            };
            if !d.passed && d.note.trim().is_empty() {
                return Err(AppError::invalid(
                    "note",
                    msg!("reason.vendors.failed_check_note"),
                ));
            }
            let details =
                serde_json::json!({"staff": d.staff, "device": d.device, "passed": d.passed});
            v.body.device_checks.push(d);
            Ok(details)
        })
        .await
    }

    /// Reads a vendor for writing, applies `change`, checks and saves it.
    async fn change_vendor(
        &self,
        p: &Principal,
        id: &VendorId,
        action: &str,
        change: impl FnOnce(&mut Vendor) -> Result<serde_json::Value>,
    ) -> Result<VendorView> {
        let mut v = self.get_vendor(p, id).await?;
        let org = self.org_with(p, &v.org_id, Permission::RecordRead).await?;
        let scope = self.vendor_scope(p, &org)?;
        let before = v.updated_at;
        let today = self.today();
        let details = change(&mut v)?;
        v.check(today)?;
        v.updated_at = self.now().max(before + 1);
        let mut e = p.event(action, Some(&v.org_id), Some(&v.id));
        e.details = details;
        self.stores
            .vendors
            .save_vendor(&scope, &v, Some(before), e)
            .await?;
        self.vendor_view(p, id).await
    }

    pub async fn get_vendor(&self, p: &Principal, id: &VendorId) -> Result<Vendor> {
        self.stores
            .vendors
            .get_vendor(&p.scope(Permission::RecordRead), id)
            .await?
            .ok_or(AppError::NotFound)
    }

    /// The day of a vendor's latest reported audit and its audits.
    async fn vendor_audits(&self, p: &Principal, v: &Vendor) -> Result<Vec<Audit>> {
        let mut audits: Vec<Audit> = self
            .stores
            .audits
            .audits(
                &p.scope(Permission::RecordRead),
                Some(&v.org_id),
                &zian_storage::AuditFilter {
                    kind: Some(AuditKind::Vendor),
                    ..Default::default()
                },
                &ListQuery {
                    limit: zian_domain::list::HARD_LIMIT,
                    ..ListQuery::default()
                },
            )
            .await?
            .items;
        audits.retain(|a| same_vendor(&a.body.vendor, &v.name));
        Ok(audits)
    }

    /// A vendor with its gaps, audits, shares and what its forms offer.
    pub async fn vendor_view(&self, p: &Principal, id: &VendorId) -> Result<VendorView> {
        let vendor = self.get_vendor(p, id).await?;
        let org = self
            .org_with(p, &vendor.org_id, Permission::RecordRead)
            .await?;
        let audits = self.vendor_audits(p, &vendor).await?;
        let gaps = vendor.gaps(self.today(), last_reported(&audits));
        let can_write = self.can(p, Permission::RecordWrite, &org);
        let (shares, accounts) = if can_write {
            let scope = p.scope(Permission::RecordWrite);
            let mut shares = Vec::new();
            // this vendor's record, and its audits
            shares.extend(
                self.stores
                    .vendors
                    .shares(&scope, &org.id, Some(("vendor", vendor.id.as_str())))
                    .await?,
            );
            for a in &audits {
                shares.extend(
                    self.stores
                        .vendors
                        .shares(&scope, &org.id, Some(("audit", a.id.as_str())))
                        .await?,
                );
            }
            (shares, self.vendor_accounts(p, &org).await?)
        } else {
            (Vec::new(), Vec::new())
        };
        let systems = self
            .stores
            .systems
            .all(&p.scope(Permission::RecordRead), Some(&org.id), false)
            .await?
            .into_iter()
            .map(|s| (s.id.to_string(), s.name.into_string()))
            .collect();
        Ok(VendorView {
            vendor,
            org,
            gaps,
            audits,
            shares,
            accounts,
            systems,
            can_write,
        })
    }

    /// An organisation's vendors, paged.
    pub async fn list_vendors(
        &self,
        p: &Principal,
        org_id: &OrgId,
        q: &ListQuery,
    ) -> Result<Page<Vendor>> {
        let org = self.org_with(p, org_id, Permission::RecordRead).await?;
        Ok(self
            .stores
            .vendors
            .vendors(&p.scope(Permission::RecordRead), &org.id, q)
            .await?)
    }

    /// Every vendor in the caller's record scope (reminders).
    pub(crate) async fn all_vendors(&self, p: &Principal) -> Result<Vec<Vendor>> {
        Ok(self
            .stores
            .vendors
            .all_vendors(&p.scope(Permission::RecordRead))
            .await?)
    }

    /// The vendor accounts a record of `org` may be shared with: active
    /// holders of the vendor role at the organisation or above it, within
    /// the caller's write scope.
    pub async fn vendor_accounts(
        &self,
        p: &Principal,
        org: &Organisation,
    ) -> Result<Vec<RoleHolder>> {
        let mut v: Vec<RoleHolder> = self
            .stores
            .people
            .role_holders(&p.scope(Permission::RecordWrite), &[Role::Vendor])
            .await?
            .into_iter()
            .filter(|h| org.path.starts_with(h.org_path.as_str()))
            .collect();
        v.sort_by(|a, b| a.username.cmp(&b.username));
        v.dedup_by(|a, b| a.user_id == b.user_id);
        Ok(v)
    }

    /// Shares a record of organisation `org_id` with a vendor account
    /// (again: the share that exists).
    pub async fn share_with_vendor(
        &self,
        p: &Principal,
        org_id: &OrgId,
        input: ShareInput,
    ) -> Result<OrgShare> {
        let org = self.org_with(p, org_id, Permission::RecordRead).await?;
        let scope = self.vendor_scope(p, &org)?;
        let kind = input.record_type.trim();
        if !SHARE_KINDS.contains(&kind) {
            return Err(AppError::invalid(
                "record_type",
                msg!("reason.unknown_value", value = kind),
            ));
        }
        let rid = input.record_id.trim();
        let read = p.scope(Permission::RecordRead);
        let not_found = || AppError::invalid("record_id", msg!("reason.vendors.no_such_record"));
        let title = match kind {
            "vendor" => {
                let v = self
                    .stores
                    .vendors
                    .get_vendor(&read, &VendorId::from(rid))
                    .await?
                    .filter(|v| v.org_id == org.id)
                    .ok_or_else(not_found)?;
                v.name
            }
            "audit" => {
                let a = self
                    .stores
                    .audits
                    .get_audit(&read, &AuditId::from(rid))
                    .await?
                    .filter(|a| a.org_id == org.id)
                    .ok_or_else(not_found)?;
                if a.kind != AuditKind::Vendor {
                    return Err(AppError::invalid(
                        "record_id",
                        msg!("reason.vendors.share_vendor_audits"),
                    ));
                }
                a.title
            }
            _ => {
                self.stores
                    .corrective
                    .get_action(&read, &ActionId::from(rid))
                    .await?
                    .filter(|a| a.org_id == org.id)
                    .ok_or_else(not_found)?
                    .title
            }
        };
        let who = input.vendor_user.trim();
        let account = self
            .vendor_accounts(p, &org)
            .await?
            .into_iter()
            .find(|h| h.username == who || h.user_id.as_str() == who)
            .ok_or_else(|| {
                AppError::invalid("vendor_user", msg!("reason.vendors.no_such_account"))
            })?;
        let existing = self
            .stores
            .vendors
            .shares(&scope, &org.id, Some((kind, rid)))
            .await?
            .into_iter()
            .find(|s| s.vendor_user_id == account.user_id);
        if let Some(s) = existing {
            return Ok(s);
        }
        let share = Share {
            id: self.ids.new_id(),
            org_id: org.id.clone(),
            record_type: kind.to_string(),
            record_id: rid.to_string(),
            title,
            created_at: self.now(),
        };
        let mut e = p.event("shares.created", Some(&org.id), Some(&share.id));
        e.details =
            serde_json::json!({"record_type": kind, "record_id": rid, "vendor": account.username});
        self.stores
            .vendors
            .create_share(&scope, &share, &account.user_id, &p.user.id, e)
            .await?;
        self.stores
            .vendors
            .get_share(&scope, &ShareId::from(share.id.as_str()))
            .await?
            .ok_or(AppError::NotFound)
    }

    /// Revokes a share; returns it as it was.
    pub async fn revoke_share(&self, p: &Principal, id: &ShareId) -> Result<OrgShare> {
        let s = self
            .stores
            .vendors
            .get_share(&p.scope(Permission::RecordRead), id)
            .await?
            .ok_or(AppError::NotFound)?;
        let org = self
            .org_with(p, &s.share.org_id, Permission::RecordRead)
            .await?;
        let scope = self.vendor_scope(p, &org)?;
        let mut e = p.event("shares.revoked", Some(&org.id), Some(id));
        e.details = serde_json::json!({"record_type": s.share.record_type, "record_id": s.share.record_id, "vendor": s.vendor_username});
        if !self
            .stores
            .vendors
            .revoke_share(&scope, id, &p.user.id, self.now(), e)
            .await?
        {
            return Err(AppError::NotFound);
        }
        Ok(s)
    }

    /// An organisation's active shares.
    pub async fn org_shares(&self, p: &Principal, org_id: &OrgId) -> Result<Vec<OrgShare>> {
        let org = self.org_with(p, org_id, Permission::RecordRead).await?;
        Ok(self
            .stores
            .vendors
            .shares(&p.scope(Permission::RecordRead), &org.id, None)
            .await?)
    }

    /// A record shared with the calling vendor, by the share's id; any
    /// other share, or a revoked one, is not found.
    pub async fn shared_record(&self, p: &Principal, id: &str) -> Result<SharedView> {
        let (share, path) = self
            .auth
            .store
            .system_share_for_vendor(&p.user.id, id)
            .await?
            .ok_or(AppError::NotFound)?;
        let scope = p.share_scope(&path);
        if scope.is_empty() {
            return Err(AppError::NotFound);
        }
        let org = self
            .stores
            .orgs
            .get(&scope, &share.org_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let rid = share.record_id.as_str();
        let record = match share.record_type.as_str() {
            "vendor" => {
                let v = self
                    .stores
                    .vendors
                    .get_vendor(&scope, &VendorId::from(rid))
                    .await?
                    .filter(|v| v.org_id == share.org_id)
                    .ok_or(AppError::NotFound)?;
                // the vendor sees what it is to bring: its own gaps
                let audits = self.shared_vendor_audits(&scope, &v).await?;
                let gaps = v.gaps(self.today(), last_reported(&audits));
                SharedRecord::Vendor(Box::new(v), gaps)
            }
            "audit" => SharedRecord::Audit(Box::new(
                self.stores
                    .audits
                    .get_audit(&scope, &AuditId::from(rid))
                    .await?
                    .filter(|a| a.org_id == share.org_id)
                    .ok_or(AppError::NotFound)?,
            )),
            "corrective_action" => SharedRecord::Action(Box::new(
                self.stores
                    .corrective
                    .get_action(&scope, &ActionId::from(rid))
                    .await?
                    .filter(|a| a.org_id == share.org_id)
                    .ok_or(AppError::NotFound)?,
            )),
            _ => return Err(AppError::NotFound),
        };
        Ok(SharedView {
            share,
            org_name: org.name_zh,
            record,
        })
    }

    async fn shared_vendor_audits(&self, scope: &OrgScope, v: &Vendor) -> Result<Vec<Audit>> {
        let mut audits = self
            .stores
            .audits
            .reported_audits(scope, Some(&v.org_id))
            .await?;
        audits.retain(|a| a.kind == AuditKind::Vendor && same_vendor(&a.body.vendor, &v.name));
        Ok(audits)
    }
}

/// Whether an audit's vendor names this vendor.
fn same_vendor(audited: &str, name: &str) -> bool {
    let (a, n) = (audited.trim(), name.trim());
    !a.is_empty() && (a == n || a.contains(n) || n.contains(a))
}

/// The day of the latest reported audit.
fn last_reported(audits: &[Audit]) -> Option<time::Date> {
    audits.iter().filter_map(|a| a.reported_on).max()
}

/// Applies the typed register entry.
fn apply_vendor(v: &mut Vendor, input: &VendorInput) -> Result<()> {
    v.name = text::<100>("name", &input.name)?;
    v.tax_id = input.tax_id.trim().to_string();
    let b = &mut v.body;
    b.contact_name = opt_text::<50>("contact_name", &input.contact_name)?;
    b.contact_phone = opt_text::<30>("contact_phone", &input.contact_phone)?;
    b.contact_email = opt_text::<100>("contact_email", &input.contact_email)?;
    if !b.contact_email.is_empty() && !b.contact_email.contains('@') {
        return Err(AppError::invalid(
            "contact_email",
            msg!("reason.vendors.email"),
        ));
    }
    b.criteria = Criteria {
        certification: opt_text::<200>("certification", &input.certification)?,
        qualified_staff: input.qualified_staff,
        subcontracting: memo::<500>("subcontracting", &input.subcontracting)?,
        subcontracting_approved: input.subcontracting_approved,
        background_checks: input.background_checks,
    };
    b.components = input
        .components
        .iter()
        .map(|c| {
            Ok(Component {
                name: text::<100>("components", &c.name)?,
                version: opt_text::<50>("components", &c.version)?,
                licence: opt_text::<100>("components", &c.licence)?,
            })
        })
        .collect::<Result<_>>()?;
    b.test_certificate = TestCertificate {
        issuer: opt_text::<100>("certificate_issuer", &input.certificate_issuer)?,
        number: opt_text::<100>("certificate_number", &input.certificate_number)?,
        issued_on: day_opt("certificate_issued_on", &input.certificate_issued_on)?,
    };
    Ok(())
}

impl VendorInput {
    /// The entry as a page form sends it: the components one a line,
    /// `名稱 | 版本 | 授權`; check boxes send `true`.
    pub fn from_form(get: impl Fn(&str) -> String) -> VendorInput {
        let on = |k: &str| matches!(get(k).trim(), "true" | "on" | "1");
        let components = get("components")
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(|l| {
                let c: Vec<&str> = l.split('|').map(str::trim).collect();
                let cell = |i: usize| c.get(i).copied().unwrap_or_default().to_string();
                ComponentInput {
                    name: cell(0),
                    version: cell(1),
                    licence: cell(2),
                }
            })
            .collect();
        let opt = |k: &str| Some(get(k)).filter(|s| !s.trim().is_empty());
        VendorInput {
            name: get("name"),
            tax_id: get("tax_id"),
            contact_name: get("contact_name"),
            contact_phone: get("contact_phone"),
            contact_email: get("contact_email"),
            certification: get("certification"),
            qualified_staff: on("qualified_staff"),
            subcontracting: get("subcontracting"),
            subcontracting_approved: on("subcontracting_approved"),
            background_checks: on("background_checks"),
            components,
            certificate_issuer: get("certificate_issuer"),
            certificate_number: get("certificate_number"),
            certificate_issued_on: opt("certificate_issued_on"),
        }
    }
}

impl ContractInput {
    /// A contract as a page form sends it (`system_ids` repeated).
    pub fn from_form(get: impl Fn(&str) -> String, all: impl Fn(&str) -> Vec<String>) -> Self {
        let on = |k: &str| matches!(get(k).trim(), "true" | "on" | "1");
        let opt = |k: &str| Some(get(k)).filter(|s| !s.trim().is_empty());
        ContractInput {
            index: get("index").trim().parse().ok(),
            no: get("no"),
            title: get("title"),
            starts_on: opt("starts_on"),
            ends_on: opt("ends_on"),
            custom_development: on("custom_development"),
            classified: on("classified"),
            system_ids: all("system_ids")
                .into_iter()
                .filter(|s| !s.trim().is_empty())
                .collect(),
            data: get("data"),
            security_requirements: get("security_requirements"),
            incident_notice: on("incident_notice"),
            data_return: on("data_return"),
            data_returned_on: opt("data_returned_on"),
        }
    }
}

impl StaffInput {
    pub fn from_form(get: impl Fn(&str) -> String) -> Self {
        let opt = |k: &str| Some(get(k)).filter(|s| !s.trim().is_empty());
        StaffInput {
            name: get("name"),
            title: get("title"),
            on_site: matches!(get("on_site").trim(), "true" | "on" | "1"),
            account: get("account"),
            nda_signed_on: opt("nda_signed_on"),
            agreement_signed_on: opt("agreement_signed_on"),
            left_on: opt("left_on"),
        }
    }
}

impl DeviceCheckInput {
    pub fn from_form(get: impl Fn(&str) -> String) -> Self {
        DeviceCheckInput {
            staff: get("staff"),
            device: get("device"),
            serial: get("serial"),
            checked_on: Some(get("checked_on")).filter(|s| !s.trim().is_empty()),
            passed: matches!(get("passed").trim(), "true" | "on" | "1"),
            checker: get("checker"),
            note: get("note"),
        }
    }
}

impl ShareInput {
    pub fn from_form(get: impl Fn(&str) -> String) -> Self {
        ShareInput {
            record_type: get("record_type"),
            record_id: get("record_id"),
            vendor_user: get("vendor_user"),
        }
    }
}
