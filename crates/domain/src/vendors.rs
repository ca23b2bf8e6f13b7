//! Vendors (委外廠商): the register of the organisation's contractors with
//! what seed 003 asks of their selection and supervision (003:L694-717),
//! their staff's confidentiality agreements re-signed every year and the
//! checks of the devices they bring on site (seed 001 L110-177).
//!
//! What the register holds is what happened, so gaps are not refused: a
//! vendor without a third-party certification or a contract without
//! security requirements is recorded, and [`Vendor::gaps`] lists what is
//! missing for the officer to follow up. Only inconsistent data is refused
//! (a contract that ends before it starts, a device check of someone not on
//! the staff list, a signature in the future).

use serde::{Deserialize, Serialize};
use time::Date;
use zian_i18n::{Msg, msg};

use crate::error::DomainError;
use crate::{OrgId, UserId, VendorId};

/// A contract (委外契約) with the vendor.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Contract {
    /// The contract or tender number (案號).
    pub no: String,
    /// The project's name (專案名稱).
    pub title: String,
    #[serde(with = "crate::day::serde_opt_ymd")]
    pub starts_on: Option<Date>,
    #[serde(with = "crate::day::serde_opt_ymd")]
    pub ends_on: Option<Date>,
    /// Custom development (客製化資通系統開發): needs a third-party security
    /// test certificate before acceptance.
    pub custom_development: bool,
    /// Work involving classified information (涉及國家機密): the staff's
    /// background checks are required.
    pub classified: bool,
    /// The systems of the register the vendor works on (ids).
    pub systems: Vec<String>,
    /// The information the vendor touches (資料範圍).
    pub data: String,
    /// The contract's security requirements (契約資安要求): confidentiality,
    /// integrity and availability by the systems' level.
    pub security_requirements: String,
    /// The contract obliges the vendor to notify incidents at once.
    pub incident_notice: bool,
    /// The contract obliges the vendor to return or destroy the data at
    /// its end.
    pub data_return: bool,
    /// When the data was returned or destroyed (after the contract ended).
    #[serde(with = "crate::day::serde_opt_ymd")]
    pub data_returned_on: Option<Date>,
}

impl Contract {
    /// Whether the contract runs on `day`.
    pub fn active_on(&self, day: Date) -> bool {
        self.starts_on.is_none_or(|s| s <= day) && self.ends_on.is_none_or(|e| e >= day)
    }
}

/// The selection criteria the vendor meets (廠商選任條件, 003:L694-709).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Criteria {
    /// The third-party certification held (e.g. ISO/IEC 27001 and its
    /// certificate number); empty when none.
    pub certification: String,
    /// The vendor's staff are qualified for the work (專業資格).
    pub qualified_staff: bool,
    /// What is sub-contracted and to whom; empty when nothing is.
    pub subcontracting: String,
    /// The sub-contracting was approved by the organisation.
    pub subcontracting_approved: bool,
    /// The staff on classified work passed background checks (適任性查核).
    pub background_checks: bool,
}

/// A component the vendor did not develop itself, disclosed with its
/// licence (非自行開發之系統或資源組件).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Component {
    pub name: String,
    pub version: String,
    pub licence: String,
}

/// The third-party security test certificate of custom development.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct TestCertificate {
    pub issuer: String,
    pub number: String,
    #[serde(with = "crate::day::serde_opt_ymd")]
    pub issued_on: Option<Date>,
}

/// A member of the vendor's staff who works for the organisation, with the
/// confidentiality agreements seed 001 asks of on-site and maintenance
/// staff, re-signed every year.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct StaffMember {
    pub name: String,
    pub title: String,
    /// Works on site (or stays more than three days, or needs the network).
    pub on_site: bool,
    /// The vendor account of the platform this person uses (a username).
    pub account: String,
    /// 保密切結書 signed on.
    #[serde(with = "crate::day::serde_opt_ymd")]
    pub nda_signed_on: Option<Date>,
    /// 保密同意書 signed on.
    #[serde(with = "crate::day::serde_opt_ymd")]
    pub agreement_signed_on: Option<Date>,
    /// Left the organisation's work (no more re-signing).
    #[serde(with = "crate::day::serde_opt_ymd")]
    pub left_on: Option<Date>,
}

impl StaffMember {
    /// When the agreements are to be (re-)signed: a year after the older
    /// signature, at once when one is missing, never once the person left.
    pub fn agreements_due(&self) -> Signing {
        if self.left_on.is_some() {
            return Signing::NotNeeded;
        }
        match (self.nda_signed_on, self.agreement_signed_on) {
            (Some(a), Some(b)) => Signing::Due(crate::day::add_years(a.min(b), 1)),
            _ => Signing::Unsigned,
        }
    }
}

/// When a staff member's agreements are to be signed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signing {
    /// The person left.
    NotNeeded,
    /// An agreement was never signed: due at once.
    Unsigned,
    /// Re-signing due on this day.
    Due(Date),
}

/// A check of a device a vendor's staff member brings before it connects
/// (seed 001 L118: scanned and labelled).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceCheck {
    /// The staff member (a name on the staff list).
    pub staff: String,
    /// The device (type, brand, model).
    pub device: String,
    /// Its serial number or asset label.
    pub serial: String,
    #[serde(with = "crate::day::serde_ymd")]
    pub checked_on: Date,
    /// Malware scan clean, patches current, nothing unauthorised installed.
    pub passed: bool,
    /// Who checked it.
    pub checker: String,
    #[serde(default)]
    pub note: String,
}

/// A vendor's register entry, kept as its JSON body.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct VendorBody {
    pub contact_name: String,
    pub contact_phone: String,
    pub contact_email: String,
    pub contracts: Vec<Contract>,
    pub criteria: Criteria,
    pub components: Vec<Component>,
    pub test_certificate: TestCertificate,
    pub staff: Vec<StaffMember>,
    pub device_checks: Vec<DeviceCheck>,
}

/// A vendor of an organisation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Vendor {
    pub id: VendorId,
    pub org_id: OrgId,
    pub name: String,
    /// 統一編號 (eight digits) when known.
    pub tax_id: String,
    pub body: VendorBody,
    pub created_by: Option<UserId>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// One thing missing from a vendor's record, for the officer to follow up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gap {
    /// A stable code (`certification`, `requirements`, …).
    pub code: &'static str,
    pub msg: Msg,
}

fn invalid(field: &'static str, reason: Msg) -> DomainError {
    DomainError::Invalid { field, reason }
}

/// Checks a 統一編號: empty, or eight digits whose weighted digit sum
/// (weights 1,2,1,2,1,2,4,1, products' digits added) is a multiple of 5 —
/// or, when the seventh digit is 7, one more than one (財政部 rule of 2023).
pub fn check_tax_id(v: &str) -> Result<(), DomainError> {
    if v.is_empty() {
        return Ok(());
    }
    let digits: Vec<u32> = v.chars().filter_map(|c| c.to_digit(10)).collect();
    if digits.len() != 8 || v.len() != 8 {
        return Err(invalid("tax_id", msg!("reason.vendors.tax_id")));
    }
    const W: [u32; 8] = [1, 2, 1, 2, 1, 2, 4, 1];
    let sum: u32 = digits
        .iter()
        .zip(W)
        .map(|(d, w)| {
            let p = d * w;
            p / 10 + p % 10
        })
        .sum();
    let ok = sum.is_multiple_of(5) || (digits[6] == 7 && (sum + 1).is_multiple_of(5));
    if ok {
        Ok(())
    } else {
        Err(invalid("tax_id", msg!("reason.vendors.tax_id")))
    }
}

impl Vendor {
    /// Checks the record's consistency on `today`.
    pub fn check(&self, today: Date) -> Result<(), DomainError> {
        check_tax_id(&self.tax_id)?;
        for c in &self.body.contracts {
            if let (Some(s), Some(e)) = (c.starts_on, c.ends_on)
                && e < s
            {
                return Err(invalid(
                    "contracts",
                    msg!("reason.vendors.contract_dates", no = c.no.as_str()),
                ));
            }
            if c.data_returned_on.is_some() && !c.data_return {
                return Err(invalid(
                    "contracts",
                    msg!("reason.vendors.returned_without_clause", no = c.no.as_str()),
                ));
            }
        }
        let mut names = std::collections::BTreeSet::new();
        for s in &self.body.staff {
            if !names.insert(s.name.as_str()) {
                return Err(invalid(
                    "staff",
                    msg!("reason.vendors.staff_twice", name = s.name.as_str()),
                ));
            }
            for d in [s.nda_signed_on, s.agreement_signed_on, s.left_on]
                .into_iter()
                .flatten()
            {
                if d > today {
                    return Err(invalid(
                        "staff",
                        msg!("reason.vendors.future_date", name = s.name.as_str()),
                    ));
                }
            }
        }
        for d in &self.body.device_checks {
            if !names.contains(d.staff.as_str()) {
                return Err(invalid(
                    "device_checks",
                    msg!("reason.vendors.unknown_staff", name = d.staff.as_str()),
                ));
            }
            if d.checked_on > today {
                return Err(invalid(
                    "device_checks",
                    msg!("reason.vendors.future_check", device = d.device.as_str()),
                ));
            }
        }
        Ok(())
    }

    /// The contracts running on `day`.
    pub fn active_contracts(&self, day: Date) -> impl Iterator<Item = &Contract> {
        self.body.contracts.iter().filter(move |c| c.active_on(day))
    }

    /// Whether the vendor has a contract running on `day`.
    pub fn active_on(&self, day: Date) -> bool {
        self.active_contracts(day).next().is_some()
    }

    /// The staff still working for the organisation.
    pub fn current_staff(&self) -> impl Iterator<Item = &StaffMember> {
        self.body.staff.iter().filter(|s| s.left_on.is_none())
    }

    /// The latest passed check of a staff member's devices, if any.
    pub fn last_passed_check(&self, staff: &str) -> Option<&DeviceCheck> {
        self.body
            .device_checks
            .iter()
            .filter(|d| d.staff == staff && d.passed)
            .max_by_key(|d| d.checked_on)
    }

    /// What is missing on `today`, in the order an officer follows up:
    /// selection, the running contracts, the certificate, disclosures, then
    /// each current staff member's agreements and device check. `last_audit`
    /// is the day of the vendor's latest reported audit.
    pub fn gaps(&self, today: Date, last_audit: Option<Date>) -> Vec<Gap> {
        let mut out = Vec::new();
        let mut gap = |code, msg| out.push(Gap { code, msg });
        let active: Vec<&Contract> = self.active_contracts(today).collect();
        let crit = &self.body.criteria;
        if crit.certification.trim().is_empty() {
            gap("certification", msg!("vendors.gap.certification"));
        }
        if !crit.qualified_staff {
            gap("qualified_staff", msg!("vendors.gap.qualified_staff"));
        }
        if !crit.subcontracting.trim().is_empty() && !crit.subcontracting_approved {
            gap("subcontracting", msg!("vendors.gap.subcontracting"));
        }
        if active.iter().any(|c| c.classified) && !crit.background_checks {
            gap("background_checks", msg!("vendors.gap.background_checks"));
        }
        for c in &active {
            let no = c.no.as_str();
            if c.security_requirements.trim().is_empty() {
                gap("requirements", msg!("vendors.gap.requirements", no = no));
            }
            if !c.incident_notice {
                gap(
                    "incident_notice",
                    msg!("vendors.gap.incident_notice", no = no),
                );
            }
            if !c.data_return {
                gap("data_return", msg!("vendors.gap.data_return", no = no));
            }
        }
        for c in self.body.contracts.iter().filter(|c| {
            c.data_return && c.data_returned_on.is_none() && c.ends_on.is_some_and(|e| e < today)
        }) {
            gap(
                "data_returned",
                msg!("vendors.gap.data_returned", no = c.no.as_str()),
            );
        }
        let cert = &self.body.test_certificate;
        if self.body.contracts.iter().any(|c| c.custom_development)
            && (cert.issuer.trim().is_empty() || cert.number.trim().is_empty())
        {
            gap("test_certificate", msg!("vendors.gap.test_certificate"));
        }
        if active.iter().any(|c| c.custom_development) && self.body.components.is_empty() {
            gap("components", msg!("vendors.gap.components"));
        }
        if !active.is_empty() && last_audit.is_none_or(|d| crate::day::add_years(d, 1) < today) {
            gap("audit", msg!("vendors.gap.audit"));
        }
        for s in self.current_staff() {
            let name = s.name.as_str();
            match s.agreements_due() {
                Signing::Unsigned => {
                    gap("agreements", msg!("vendors.gap.unsigned", name = name));
                }
                Signing::Due(d) if d < today => gap(
                    "agreements",
                    msg!("vendors.gap.resign", name = name, due = crate::day::ymd(d)),
                ),
                _ => {}
            }
            if s.on_site && self.last_passed_check(name).is_none() {
                gap(
                    "device_check",
                    msg!("vendors.gap.device_check", name = name),
                );
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn vendor() -> Vendor {
        Vendor {
            id: "v1".into(),
            org_id: "o1".into(),
            name: "艾克米資訊".into(),
            tax_id: "04595257".into(),
            body: VendorBody {
                contracts: vec![Contract {
                    no: "115-001".into(),
                    title: "維運".into(),
                    starts_on: Some(date!(2026 - 01 - 01)),
                    ends_on: Some(date!(2026 - 12 - 31)),
                    security_requirements: "依附表十普級".into(),
                    incident_notice: true,
                    data_return: true,
                    ..Contract::default()
                }],
                criteria: Criteria {
                    certification: "ISO/IEC 27001".into(),
                    qualified_staff: true,
                    ..Criteria::default()
                },
                staff: vec![StaffMember {
                    name: "王小明".into(),
                    on_site: true,
                    nda_signed_on: Some(date!(2026 - 02 - 01)),
                    agreement_signed_on: Some(date!(2026 - 03 - 01)),
                    ..StaffMember::default()
                }],
                device_checks: vec![DeviceCheck {
                    staff: "王小明".into(),
                    device: "筆電".into(),
                    serial: "SN1".into(),
                    checked_on: date!(2026 - 02 - 01),
                    passed: true,
                    checker: "陳組長".into(),
                    note: String::new(),
                }],
                ..VendorBody::default()
            },
            created_by: None,
            created_at: 0,
            updated_at: 0,
        }
    }

    fn codes(v: &Vendor, today: Date, audit: Option<Date>) -> Vec<&'static str> {
        v.gaps(today, audit).into_iter().map(|g| g.code).collect()
    }

    #[test]
    fn a_complete_record_has_no_gaps_until_its_agreements_age() {
        let v = vendor();
        v.check(date!(2026 - 06 - 01)).expect("consistent");
        assert!(codes(&v, date!(2026 - 06 - 01), Some(date!(2026 - 05 - 01))).is_empty());
        // a year after the older signature both are to be re-signed
        let due = v.body.staff[0].agreements_due();
        assert_eq!(due, Signing::Due(date!(2027 - 02 - 01)));
        assert_eq!(
            codes(&v, date!(2026 - 12 - 31), Some(date!(2026 - 05 - 01))),
            Vec::<&str>::new()
        );
        let mut late = v.clone();
        late.body.contracts[0].ends_on = Some(date!(2027 - 12 - 31));
        assert_eq!(
            codes(&late, date!(2027 - 02 - 02), Some(date!(2026 - 05 - 01))),
            vec!["agreements"]
        );
    }

    #[test]
    fn gaps_follow_the_seeds_supervision_duties() {
        let mut v = vendor();
        v.body.criteria.certification.clear();
        v.body.criteria.subcontracting = "機房清潔：某公司".into();
        v.body.contracts[0].classified = true;
        v.body.contracts[0].custom_development = true;
        v.body.contracts[0].security_requirements.clear();
        v.body.staff.push(StaffMember {
            name: "李大華".into(),
            on_site: true,
            ..StaffMember::default()
        });
        let got = codes(&v, date!(2026 - 06 - 01), None);
        assert_eq!(
            got,
            vec![
                "certification",
                "subcontracting",
                "background_checks",
                "requirements",
                "test_certificate",
                "components",
                "audit",
                "agreements",
                "device_check"
            ]
        );
        // an ended contract whose data was not returned is followed up
        let mut ended = vendor();
        ended.body.contracts[0].ends_on = Some(date!(2026 - 03 - 31));
        assert_eq!(
            codes(&ended, date!(2026 - 06 - 01), None),
            vec!["data_returned"]
        );
        ended.body.contracts[0].data_returned_on = Some(date!(2026 - 04 - 10));
        assert!(codes(&ended, date!(2026 - 06 - 01), None).is_empty());
        // someone who left is no longer followed
        let mut left = vendor();
        left.body.staff[0].nda_signed_on = None;
        assert_eq!(left.body.staff[0].agreements_due(), Signing::Unsigned);
        left.body.staff[0].left_on = Some(date!(2026 - 05 - 01));
        assert!(codes(&left, date!(2026 - 06 - 01), Some(date!(2026 - 05 - 01))).is_empty());
    }

    #[test]
    fn inconsistent_records_are_refused() {
        let today = date!(2026 - 06 - 01);
        let mut v = vendor();
        v.body.contracts[0].ends_on = Some(date!(2025 - 01 - 01));
        assert!(v.check(today).is_err());
        let mut v = vendor();
        v.body.device_checks[0].staff = "陌生人".into();
        assert!(v.check(today).is_err());
        let mut v = vendor();
        v.body.staff[0].nda_signed_on = Some(date!(2026 - 07 - 01));
        assert!(v.check(today).is_err());
        let mut v = vendor();
        v.body.staff.push(v.body.staff[0].clone());
        assert!(v.check(today).is_err());
        let mut v = vendor();
        v.body.contracts[0].data_return = false;
        v.body.contracts[0].data_returned_on = Some(date!(2026 - 01 - 05));
        assert!(v.check(today).is_err());
    }

    #[test]
    fn tax_ids_carry_their_check_digit() {
        for ok in ["", "04595257", "22099131", "10458575"] {
            assert!(check_tax_id(ok).is_ok(), "{ok}");
        }
        for bad in [
            "04595258",
            "22661201",
            "1234567",
            "123456789",
            "0459525a",
            "０４５９５２５７",
        ] {
            assert!(check_tax_id(bad).is_err(), "{bad}");
        }
    }
}
