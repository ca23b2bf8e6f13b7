//! Typed identifiers. Ids are opaque text (UUIDv7 from the id generator, or
//! whatever an older deployment stored); the types keep an organisation's id
//! from being passed where a user's is expected. Each dereferences to `str`
//! and serialises as a plain string.

macro_rules! id_type {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default, serde::Serialize, serde::Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            pub fn new(s: impl Into<String>) -> Self {
                $name(s.into())
            }
            pub fn as_str(&self) -> &str {
                &self.0
            }
            pub fn into_string(self) -> String {
                self.0
            }
        }
        impl std::ops::Deref for $name {
            type Target = str;
            fn deref(&self) -> &str {
                &self.0
            }
        }
        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
        impl std::borrow::Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }
        impl From<String> for $name {
            fn from(s: String) -> Self {
                $name(s)
            }
        }
        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                $name(s.to_string())
            }
        }
        impl From<$name> for String {
            fn from(s: $name) -> String {
                s.0
            }
        }
        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }
        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }
        impl PartialEq<String> for $name {
            fn eq(&self, other: &String) -> bool {
                &self.0 == other
            }
        }
        impl PartialEq<$name> for String {
            fn eq(&self, other: &$name) -> bool {
                self == &other.0
            }
        }
        impl PartialEq<$name> for str {
            fn eq(&self, other: &$name) -> bool {
                self == other.0
            }
        }
        impl PartialEq<$name> for &str {
            fn eq(&self, other: &$name) -> bool {
                *self == other.0
            }
        }
    )*};
}

id_type!(
    /// An organisation (機關, 單位, or a level of the supervision tree).
    OrgId,
    /// A person who signs in.
    UserId,
    /// An information system (資通系統).
    SystemId,
    /// A risk of the register.
    RiskId,
    /// A version of a maintenance plan.
    PlanId,
    /// An evidence file.
    EvidenceId,
    /// An asset of the register (資產).
    AssetId,
    /// A software inventory import (an uploaded file, previewed, then
    /// committed).
    ImportId,
    /// A vulnerability finding (an asset × a CVE).
    FindingId,
    /// A security incident (資通安全事件).
    IncidentId,
    /// A business process of the business impact analysis (營運衝擊分析).
    ProcessId,
    /// An activation of a business continuity plan.
    ActivationId,
    /// A drill (演練) of business continuity or incident notification.
    DrillId,
    /// A social-engineering drill's results of one round.
    CampaignId,
    /// A corrective action (矯正措施).
    ActionId,
    /// A security audit (資通安全稽核): internal, supervisory or of a vendor.
    AuditId,
    /// A vendor of the register (委外廠商).
    VendorId,
    /// A record shared with a vendor account.
    ShareId,
    /// A training plan or session (教育訓練).
    TrainingId,
    /// A management review meeting (管理審查).
    ManagementReviewId,
    /// A yearly implementation report (資通安全維護計畫實施情形).
    ImplementationReportId,
    /// A people form (需求申請單, 保密同意書) with its approval chain.
    PeopleFormId,
    /// A row of the restricted-area entry log (管制區域人員進出登記表).
    AreaEntryId,
    /// An audit checklist an organisation keeps (查核項目表).
    ChecklistId,
    /// An organisation's L1–L5 maturity programme.
    MaturityProgrammeId,
    /// A month's progress report of a maturity programme.
    MaturityReportId,
    /// A piece of threat intelligence (資通安全情資).
    IntelId,
    /// A threat notice a supervising organisation issues (威脅通報).
    ThreatNoticeId,
    /// An addressed organisation's response to a threat notice.
    ThreatResponseId,
    /// A console's export of devices or SOC alerts an organisation received.
    CoverageReportId,
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_strings_with_a_type() {
        let o = OrgId::from("org-1");
        assert_eq!(o, "org-1");
        assert_eq!(o.len(), 5);
        assert_eq!(serde_json::to_string(&o).unwrap(), "\"org-1\"");
        let back: OrgId = serde_json::from_str("\"org-1\"").unwrap();
        assert_eq!(back, o);
        assert_eq!(format!("/orgs/{o}"), "/orgs/org-1");
    }
}
