//! The asset register (資通系統及資訊資產清冊, seed 003 柒): every asset of an
//! organisation with the fields the seed lists (information system it
//! serves, name, category, owner, custodian, users, location, property
//! number, brand, model, protection level through its system, core flag),
//! its lifecycle (in service, retired, disposed with date and method), and
//! for hosts their network identity, operating system, installed software as
//! CPE 2.3 names with the raw text they came from, and installed KB numbers.

use serde::Serialize;
use time::Date;
use zian_i18n::msg;

use crate::text::{Memo, Text};
use crate::{AssetId, DomainError, OrgId, SystemId};

/// 資產類別 (seed 003 柒一: 資訊、軟體、實體、支援服務; people optional;
/// communication equipment often listed apart).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AssetCategory {
    /// 資訊資產: databases, files, documents, manuals, records.
    Information,
    /// 軟體資產: applications, system software, tools, operating systems.
    Software,
    /// 實體資產 (硬體): computers, servers, portable devices.
    Hardware,
    /// 通訊資產: network and communication equipment.
    Communication,
    /// 支援服務資產: power, air conditioning, fire protection, outsourced services.
    SupportService,
    /// 人員.
    Personnel,
}

impl AssetCategory {
    pub const ALL: [AssetCategory; 6] = [
        AssetCategory::Information,
        AssetCategory::Software,
        AssetCategory::Hardware,
        AssetCategory::Communication,
        AssetCategory::SupportService,
        AssetCategory::Personnel,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            AssetCategory::Information => "information",
            AssetCategory::Software => "software",
            AssetCategory::Hardware => "hardware",
            AssetCategory::Communication => "communication",
            AssetCategory::SupportService => "support_service",
            AssetCategory::Personnel => "personnel",
        }
    }
    /// The seed's name.
    pub fn zh(self) -> &'static str {
        match self {
            AssetCategory::Information => "資訊",
            AssetCategory::Software => "軟體",
            AssetCategory::Hardware => "硬體/實體",
            AssetCategory::Communication => "通訊",
            AssetCategory::SupportService => "支援服務",
            AssetCategory::Personnel => "人員",
        }
    }
    /// The code, or the Chinese name as written in registers (資訊資產, 實體,
    /// 硬體 …).
    pub fn parse(s: &str) -> Result<Self, DomainError> {
        let t = s.trim();
        let t = t.strip_suffix("資產").unwrap_or(t);
        let by_zh = match t {
            "資訊" => Some(AssetCategory::Information),
            "軟體" => Some(AssetCategory::Software),
            "硬體" | "實體" | "硬體/實體" => Some(AssetCategory::Hardware),
            "通訊" => Some(AssetCategory::Communication),
            "支援服務" => Some(AssetCategory::SupportService),
            "人員" => Some(AssetCategory::Personnel),
            _ => None,
        };
        by_zh
            .or_else(|| Self::ALL.into_iter().find(|c| c.as_str() == t))
            .ok_or_else(|| DomainError::Invalid {
                field: "category",
                reason: msg!(
                    "reason.one_of",
                    values = "information, software, hardware, communication, support_service, personnel（資訊、軟體、硬體/實體、通訊、支援服務、人員）"
                ),
            })
    }
}

/// Where an asset is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AssetStatus {
    /// 使用中.
    InService,
    /// 停用 (kept, not in use).
    Retired,
    /// 已報廢 / 移轉 (with a date and a method).
    Disposed,
}

impl AssetStatus {
    pub const ALL: [AssetStatus; 3] = [
        AssetStatus::InService,
        AssetStatus::Retired,
        AssetStatus::Disposed,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            AssetStatus::InService => "in_service",
            AssetStatus::Retired => "retired",
            AssetStatus::Disposed => "disposed",
        }
    }
    pub fn parse(s: &str) -> Result<Self, DomainError> {
        let t = s.trim();
        let by_zh = match t {
            "使用中" => Some(AssetStatus::InService),
            "停用" => Some(AssetStatus::Retired),
            "報廢" | "已報廢" => Some(AssetStatus::Disposed),
            _ => None,
        };
        by_zh
            .or_else(|| Self::ALL.into_iter().find(|x| x.as_str() == t))
            .ok_or_else(|| DomainError::Invalid {
                field: "status",
                reason: msg!(
                    "reason.one_of",
                    values = "in_service, retired, disposed（使用中、停用、已報廢）"
                ),
            })
    }
}

/// One asset of the register.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Asset {
    pub id: AssetId,
    pub org_id: OrgId,
    /// The information system it serves (資通系統及資訊名稱); its level is
    /// the asset's protection level (防護需求等級).
    pub system_id: Option<SystemId>,
    /// 資產名稱.
    pub name: Text<200>,
    pub category: AssetCategory,
    /// 擁有者 (the unit that owns it).
    pub owner: Text<200>,
    /// 管理者 (保管人).
    pub custodian: Memo<200>,
    /// 使用者.
    pub users: Memo<200>,
    /// 存放位置.
    pub location: Memo<200>,
    /// 財產編號.
    pub property_no: Memo<100>,
    /// 廠牌.
    pub brand: Memo<100>,
    /// 型號.
    pub model: Memo<100>,
    /// 數量.
    pub quantity: i64,
    /// Supports a core information system (核心資通系統及相關資產, labelled).
    pub core: bool,
    /// Reachable from the Internet (對外服務: web site, VPN gateway, mail
    /// relay …): a finding on it is prioritised.
    pub exposed: bool,
    pub status: AssetStatus,
    #[serde(with = "crate::day::serde_opt_ymd")]
    pub disposed_on: Option<Date>,
    /// How it was disposed of (報廢、移撥、銷毀 …).
    pub disposal_method: Memo<200>,
    /// Free labels, comma separated, normalised (trimmed, unique, in order).
    pub labels: Memo<500>,
    /// Host name (for hosts).
    pub hostname: Memo<200>,
    /// IP addresses, normalised, comma separated.
    pub ip: Memo<500>,
    /// MAC addresses, normalised (`AA:BB:CC:DD:EE:FF`), comma separated.
    pub mac: Memo<500>,
    /// Operating system as written.
    pub os: Memo<200>,
    /// Installed Windows updates (`KB5034441`), sorted, unique, space separated.
    pub kbs: Memo<20000>,
    pub notes: Memo<2000>,
    pub created_at: i64,
    pub updated_at: i64,
}

impl Asset {
    /// The fields people edit, by name, as text: what a change record
    /// compares (before/after).
    pub fn fields(&self) -> Vec<(&'static str, String)> {
        vec![
            (
                "system_id",
                self.system_id.as_deref().unwrap_or("").to_string(),
            ),
            ("name", self.name.to_string()),
            ("category", self.category.as_str().to_string()),
            ("owner", self.owner.to_string()),
            ("custodian", self.custodian.to_string()),
            ("users", self.users.to_string()),
            ("location", self.location.to_string()),
            ("property_no", self.property_no.to_string()),
            ("brand", self.brand.to_string()),
            ("model", self.model.to_string()),
            ("quantity", self.quantity.to_string()),
            ("core", self.core.to_string()),
            ("exposed", self.exposed.to_string()),
            ("status", self.status.as_str().to_string()),
            (
                "disposed_on",
                self.disposed_on.map(crate::day::ymd).unwrap_or_default(),
            ),
            ("disposal_method", self.disposal_method.to_string()),
            ("labels", self.labels.to_string()),
            ("hostname", self.hostname.to_string()),
            ("ip", self.ip.to_string()),
            ("mac", self.mac.to_string()),
            ("os", self.os.to_string()),
            ("kbs", self.kbs.to_string()),
            ("notes", self.notes.to_string()),
        ]
    }

    /// Fields whose value differs from `old`: `{field: [before, after]}`.
    pub fn changes_from(&self, old: &Asset) -> serde_json::Map<String, serde_json::Value> {
        let mut m = serde_json::Map::new();
        for ((k, a), (_, b)) in old.fields().into_iter().zip(self.fields()) {
            if a != b {
                m.insert(k.to_string(), serde_json::json!([a, b]));
            }
        }
        m
    }
}

/// A piece of software installed on an asset (a host), as found (name,
/// version, publisher) and as a CPE 2.3 name once mapped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InstalledSoftware {
    pub id: String,
    pub asset_id: AssetId,
    pub org_id: OrgId,
    /// DisplayName (or the product as listed).
    pub name: Text<300>,
    pub version: Memo<100>,
    pub publisher: Memo<200>,
    /// The CPE 2.3 formatted string; `None` while not mapped (尚未對應 CPE).
    pub cpe23: Option<String>,
    /// Where it came from: `manual`, or the import's format.
    pub source: Text<40>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// A confirmed mapping of an organisation: software whose name normalises
/// to `name_key` is `vendor:product` (CPE formatted-string components).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CpeMapping {
    pub org_id: OrgId,
    pub name_key: String,
    pub vendor: String,
    pub product: String,
    pub confirmed_by: Option<crate::UserId>,
    pub confirmed_at: i64,
}

/// Installed software without a CPE name, grouped as found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnmappedSoftware {
    pub name: String,
    pub version: String,
    pub publisher: String,
    /// Installations (rows) of it.
    pub count: i64,
    /// Assets it is installed on.
    pub assets: i64,
}

/// Quantity: a whole number from 1 to 1,000,000.
pub fn parse_quantity(s: &str) -> Result<i64, DomainError> {
    let t = s.trim();
    if t.is_empty() {
        return Ok(1);
    }
    match t.parse::<i64>() {
        Ok(n) if (1..=1_000_000).contains(&n) => Ok(n),
        _ => Err(DomainError::Invalid {
            field: "quantity",
            reason: msg!("reason.assets.quantity"),
        }),
    }
}

/// Labels: split on commas (either width) or 、, trimmed, blanks and
/// repeats dropped, joined with `, `.
pub fn parse_labels(s: &str) -> Result<Memo<500>, DomainError> {
    let mut out: Vec<&str> = Vec::new();
    for l in s.split([',', '，', '、']).map(str::trim) {
        if !l.is_empty() && !out.contains(&l) {
            out.push(l);
        }
    }
    Memo::parse("labels", &out.join(", "))
}

/// IP addresses (v4 or v6), separated by commas, blanks or semicolons;
/// each must parse; written back in canonical form.
pub fn parse_ips(s: &str) -> Result<Memo<500>, DomainError> {
    let mut out: Vec<String> = Vec::new();
    for part in s.split([',', ';', ' ', '，', '\n', '\t']).map(str::trim) {
        if part.is_empty() {
            continue;
        }
        let ip: std::net::IpAddr = part.parse().map_err(|_| DomainError::Invalid {
            field: "ip",
            reason: msg!("reason.assets.ip", value = part),
        })?;
        let t = ip.to_string();
        if !out.contains(&t) {
            out.push(t);
        }
    }
    Memo::parse("ip", &out.join(", "))
}

/// MAC addresses (`aa-bb-cc-dd-ee-ff`, `aa:bb:…`, `aabb.ccdd.eeff` or 12
/// hex digits), separated by commas, blanks or semicolons; written as
/// `AA:BB:CC:DD:EE:FF`.
pub fn parse_macs(s: &str) -> Result<Memo<500>, DomainError> {
    let mut out: Vec<String> = Vec::new();
    for part in s.split([',', ';', ' ', '，', '\n', '\t']).map(str::trim) {
        if part.is_empty() {
            continue;
        }
        let hex: String = part
            .chars()
            .filter(|c| !matches!(c, ':' | '-' | '.'))
            .collect();
        if hex.len() != 12 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(DomainError::Invalid {
                field: "mac",
                reason: msg!("reason.assets.mac", value = part),
            });
        }
        let up = hex.to_ascii_uppercase();
        let t = (0..6)
            .map(|i| &up[i * 2..i * 2 + 2])
            .collect::<Vec<_>>()
            .join(":");
        if !out.contains(&t) {
            out.push(t);
        }
    }
    Memo::parse("mac", &out.join(", "))
}

/// Installed updates: `KB` followed by 6–8 digits (the prefix optional,
/// any case), separated by commas, blanks or semicolons; written `KB…`,
/// sorted and unique.
pub fn parse_kbs(s: &str) -> Result<Memo<20000>, DomainError> {
    let mut out: Vec<String> = Vec::new();
    for part in s.split([',', ';', ' ', '，', '\n', '\t']).map(str::trim) {
        if part.is_empty() {
            continue;
        }
        // `get`: the second byte may fall inside a multi-byte character
        let digits = match part.get(..2) {
            Some(p) if part.len() > 2 && p.eq_ignore_ascii_case("kb") => &part[2..],
            _ => part,
        };
        if !(6..=8).contains(&digits.len()) || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(DomainError::Invalid {
                field: "kbs",
                reason: msg!("reason.assets.kb", value = part),
            });
        }
        out.push(format!("KB{digits}"));
    }
    out.sort_by(|a, b| a.len().cmp(&b.len()).then_with(|| a.cmp(b)));
    out.dedup();
    Memo::parse("kbs", &out.join(" "))
}

/// A CPE name for installed software: a CPE 2.3 formatted string or a 2.2
/// URI naming a concrete product (part, vendor and product specific);
/// written back as a formatted string. Blank is `None` (not mapped yet).
pub fn parse_cpe(s: &str) -> Result<Option<String>, DomainError> {
    let t = s.trim();
    if t.is_empty() {
        return Ok(None);
    }
    let bad = |e: zian_cpe::CpeError| DomainError::Invalid {
        field: "cpe23",
        reason: msg!("reason.assets.cpe", error = e.to_string()),
    };
    let w = zian_cpe::Wfn::parse(t).map_err(bad)?;
    w.is_specific_inventory_name().map_err(bad)?;
    Ok(Some(w.to_fs()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn categories_by_code_and_by_the_seeds_names() {
        assert_eq!(
            AssetCategory::parse("資訊資產").ok(),
            Some(AssetCategory::Information)
        );
        assert_eq!(
            AssetCategory::parse("實體").ok(),
            Some(AssetCategory::Hardware)
        );
        assert_eq!(
            AssetCategory::parse("硬體資產").ok(),
            Some(AssetCategory::Hardware)
        );
        assert_eq!(
            AssetCategory::parse(" support_service ").ok(),
            Some(AssetCategory::SupportService)
        );
        assert!(AssetCategory::parse("雲端").is_err());
        for c in AssetCategory::ALL {
            assert_eq!(AssetCategory::parse(c.as_str()).ok(), Some(c));
            assert_eq!(AssetCategory::parse(c.zh()).ok(), Some(c));
        }
        assert_eq!(
            AssetStatus::parse("已報廢").ok(),
            Some(AssetStatus::Disposed)
        );
        assert!(AssetStatus::parse("lost").is_err());
    }

    #[test]
    fn network_identities_are_checked_and_normalised() {
        assert_eq!(
            parse_ips("10.0.0.1, 10.0.0.1;2001:DB8::1")
                .map(|m| m.to_string())
                .ok(),
            Some("10.0.0.1, 2001:db8::1".to_string())
        );
        assert!(parse_ips("10.0.0.256").is_err());
        assert_eq!(
            parse_macs("00-1a-2B-3c-4d-5e 001a.2b3c.4d5f")
                .map(|m| m.to_string())
                .ok(),
            Some("00:1A:2B:3C:4D:5E, 00:1A:2B:3C:4D:5F".to_string())
        );
        assert!(parse_macs("00:1a:2b:3c:4d").is_err());
        assert!(parse_macs("00:1a:2b:3c:4d:zz").is_err());
        assert_eq!(
            parse_kbs("kb5034441, KB890830 5034441\nKB5034441")
                .map(|m| m.to_string())
                .ok(),
            Some("KB890830 KB5034441".to_string())
        );
        assert!(parse_kbs("KB12").is_err());
        assert!(parse_kbs("Security Update").is_err());
        assert!(parse_kbs("R专").is_err(), "not a panic");
        assert_eq!(
            parse_labels("機房, 核心，機房、 ")
                .map(|m| m.to_string())
                .ok(),
            Some("機房, 核心".to_string())
        );
        assert_eq!(parse_quantity("").ok(), Some(1));
        assert_eq!(parse_quantity("12").ok(), Some(12));
        assert!(parse_quantity("0").is_err());
        assert!(parse_quantity("1.5").is_err());
        assert_eq!(
            parse_cpe(" cpe:/a:mozilla:firefox:115.3.1 ")
                .ok()
                .flatten()
                .as_deref(),
            Some("cpe:2.3:a:mozilla:firefox:115.3.1:*:*:*:*:*:*:*")
        );
        assert_eq!(parse_cpe("").ok(), Some(None));
        assert!(parse_cpe("cpe:2.3:a:*:firefox:1:*:*:*:*:*:*:*").is_err());
        assert!(parse_cpe("firefox 115").is_err());
    }

    #[test]
    fn changes_list_only_the_fields_that_differ() {
        let a = Asset {
            id: AssetId::from("a1"),
            org_id: OrgId::from("o1"),
            system_id: None,
            name: Text::stored("檔案伺服器".into()),
            category: AssetCategory::Hardware,
            owner: Text::stored("資訊室".into()),
            custodian: Memo::default(),
            users: Memo::default(),
            location: Memo::stored("B1 機房".into()),
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
            created_at: 0,
            updated_at: 0,
        };
        let b = Asset {
            location: Memo::stored("3F 機房".into()),
            core: true,
            updated_at: 5,
            ..a.clone()
        };
        let c = b.changes_from(&a);
        assert_eq!(c.len(), 2);
        assert_eq!(c["location"], serde_json::json!(["B1 機房", "3F 機房"]));
        assert_eq!(c["core"], serde_json::json!(["false", "true"]));
    }
}
