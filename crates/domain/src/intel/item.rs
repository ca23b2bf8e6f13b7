//! A piece of threat intelligence as an agency keeps it (seed 003 拾壹):
//! received from somewhere, analysed by a designated officer who classifies
//! it into one or more of the four categories with its reliability and
//! timeliness (資通安全情資分享辦法 art. 6), and handled as each category
//! prescribes — 1 訊息情資: the committee's risk assessment and preventive
//! controls; 2 入侵攻擊情資: whether the danger is immediate and, if so, the
//! incident opened; 3 機敏性之情資: the personal data and secrets masked or
//! removed; 4 核心業務、核心資通系統: the impact on operations. Every
//! classification and handling is recorded with who made it.

use serde::{Deserialize, Serialize};
use time::Date;
use zian_i18n::msg;

use super::indicators::Indicator;
use super::mask::{self, Hit};
use crate::error::DomainError;
use crate::{IntelId, OrgId, UserId};

/// The four categories of seed 003 拾壹 一.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// 資通安全相關之訊息情資
    Message,
    /// 入侵攻擊情資 (with clear evidence)
    Intrusion,
    /// 機敏性之情資
    Sensitive,
    /// 涉及核心業務、核心資通系統之情資
    Core,
}

impl Category {
    pub const ALL: [Category; 4] = [
        Category::Message,
        Category::Intrusion,
        Category::Sensitive,
        Category::Core,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Message => "message",
            Category::Intrusion => "intrusion",
            Category::Sensitive => "sensitive",
            Category::Core => "core",
        }
    }
    /// The number the plan gives it (1–4).
    pub fn number(self) -> u8 {
        match self {
            Category::Message => 1,
            Category::Intrusion => 2,
            Category::Sensitive => 3,
            Category::Core => 4,
        }
    }
    pub fn parse(field: &'static str, s: &str) -> Result<Self, DomainError> {
        crate::error::parse_named(&Self::ALL, Self::as_str, field, s.trim())
    }
}

/// Where a piece of intelligence came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// Typed in.
    Manual,
    /// An advisory received by e-mail or letter, pasted in.
    Advisory,
    /// A STIX 2.1 bundle imported.
    Stix,
    /// A MISP event imported.
    Misp,
    /// A national or municipal ISAC feed file.
    Isac,
}

impl Source {
    pub const ALL: [Source; 5] = [
        Source::Manual,
        Source::Advisory,
        Source::Stix,
        Source::Misp,
        Source::Isac,
    ];
    /// Recorded only by an import.
    pub fn imported(self) -> bool {
        matches!(self, Source::Stix | Source::Misp)
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Manual => "manual",
            Source::Advisory => "advisory",
            Source::Stix => "stix",
            Source::Misp => "misp",
            Source::Isac => "isac",
        }
    }
    pub fn parse(field: &'static str, s: &str) -> Result<Self, DomainError> {
        crate::error::parse_named(&Self::ALL, Self::as_str, field, s.trim())
    }
}

/// How far the source is to be believed (art. 6's 可靠性).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reliability {
    /// Confirmed by other sources or by the agency's own records.
    Confirmed,
    Probable,
    Possible,
    Doubtful,
    /// Cannot be judged.
    Unknown,
}

impl Reliability {
    pub const ALL: [Reliability; 5] = [
        Reliability::Confirmed,
        Reliability::Probable,
        Reliability::Possible,
        Reliability::Doubtful,
        Reliability::Unknown,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Reliability::Confirmed => "confirmed",
            Reliability::Probable => "probable",
            Reliability::Possible => "possible",
            Reliability::Doubtful => "doubtful",
            Reliability::Unknown => "unknown",
        }
    }
    pub fn parse(field: &'static str, s: &str) -> Result<Self, DomainError> {
        crate::error::parse_named(&Self::ALL, Self::as_str, field, s.trim())
    }
}

/// Whether it still matters (art. 6's 時效性).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Timeliness {
    /// About a threat active now.
    Current,
    /// Old news, kept for correlation.
    Dated,
    /// No longer valid.
    Expired,
}

impl Timeliness {
    pub const ALL: [Timeliness; 3] = [Timeliness::Current, Timeliness::Dated, Timeliness::Expired];
    pub fn as_str(self) -> &'static str {
        match self {
            Timeliness::Current => "current",
            Timeliness::Dated => "dated",
            Timeliness::Expired => "expired",
        }
    }
    pub fn parse(field: &'static str, s: &str) -> Result<Self, DomainError> {
        crate::error::parse_named(&Self::ALL, Self::as_str, field, s.trim())
    }
}

/// Where a piece of intelligence is in its handling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Recorded, not yet analysed.
    Received,
    /// Classified; some category still without its handling.
    Classified,
    /// Every category it is in has been handled.
    Handled,
}

impl Status {
    pub const ALL: [Status; 3] = [Status::Received, Status::Classified, Status::Handled];
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Received => "received",
            Status::Classified => "classified",
            Status::Handled => "handled",
        }
    }
    pub fn parse(s: &str) -> Result<Self, DomainError> {
        crate::error::parse_named(&Self::ALL, Self::as_str, "status", s.trim())
    }
}

/// Who did something, and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signed {
    pub by: Option<UserId>,
    pub name: String,
    pub at: i64,
}

/// The officer's analysis.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Classification {
    pub categories: Vec<Category>,
    pub reliability: Reliability,
    pub timeliness: Timeliness,
    /// Why: what in it puts it in these categories.
    pub note: String,
    pub signed: Signed,
}

/// What was done for one category.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Handling {
    pub category: Category,
    /// The measures taken (the risk assessment and preventive controls, the
    /// protective measures and units told, how it was masked, the impact
    /// on operations).
    pub action: String,
    /// 入侵攻擊情資: whether the danger was judged immediate.
    #[serde(default)]
    pub imminent: Option<bool>,
    /// The incident opened for it (an immediate danger).
    #[serde(default)]
    pub incident_id: Option<String>,
    pub signed: Signed,
}

/// What a piece of intelligence keeps as its JSON body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct IntelBody {
    /// The text as received (stays in the agency).
    pub text: String,
    /// Person names marked in it, masked wherever they occur.
    #[serde(default)]
    pub names: Vec<String>,
    pub indicators: Vec<Indicator>,
    pub classification: Option<Classification>,
    #[serde(default)]
    pub handling: Vec<Handling>,
    /// The STIX object it was imported from (`report--…`, `indicator--…`).
    #[serde(default)]
    pub stix_id: Option<String>,
}

/// A piece of threat intelligence of an organisation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IntelItem {
    pub id: IntelId,
    pub org_id: OrgId,
    pub title: String,
    pub source: Source,
    /// Who sent it (NCCST, the municipal ISAC, a vendor…).
    pub sender: String,
    #[serde(with = "crate::day::serde_ymd")]
    pub received_on: Date,
    /// Valid until this day (none: until withdrawn).
    #[serde(with = "crate::day::serde_opt_ymd")]
    pub valid_until: Option<Date>,
    pub status: Status,
    pub body: IntelBody,
    pub created_by: Option<UserId>,
    pub created_at: i64,
    pub updated_at: i64,
}

impl IntelItem {
    /// The text as it may leave the agency, and what was masked in it.
    pub fn masked(&self) -> (String, Vec<Hit>) {
        let names: Vec<&str> = self.body.names.iter().map(String::as_str).collect();
        mask::mask(&self.body.text, &names)
    }

    /// Whether it is still in force on `today` (valid and not judged
    /// expired).
    pub fn active(&self, today: Date) -> bool {
        let expired = self
            .body
            .classification
            .as_ref()
            .is_some_and(|c| c.timeliness == Timeliness::Expired);
        !expired && self.valid_until.is_none_or(|d| d >= today)
    }

    /// The categories of the classification not handled yet.
    pub fn unhandled(&self) -> Vec<Category> {
        self.body
            .classification
            .as_ref()
            .map(|c| {
                c.categories
                    .iter()
                    .copied()
                    .filter(|k| !self.body.handling.iter().any(|h| h.category == *k))
                    .collect()
            })
            .unwrap_or_default()
    }

    fn settle(&mut self) {
        self.status = match &self.body.classification {
            None => Status::Received,
            Some(_) if self.unhandled().is_empty() => Status::Handled,
            Some(_) => Status::Classified,
        };
    }

    /// Records the officer's classification: at least one category, and a
    /// text with personal data in it is 機敏性之情資 whatever else it is.
    /// Classified again, the handling of the categories kept stays.
    pub fn classify(&mut self, mut c: Classification) -> Result<(), DomainError> {
        c.categories.sort();
        c.categories.dedup();
        if c.categories.is_empty() {
            return Err(DomainError::Invalid {
                field: "categories",
                reason: msg!("reason.intel.no_category"),
            });
        }
        if !c.categories.contains(&Category::Sensitive) && !self.masked().1.is_empty() {
            return Err(DomainError::Invalid {
                field: "categories",
                reason: msg!("reason.intel.personal_data"),
            });
        }
        self.body
            .handling
            .retain(|h| c.categories.contains(&h.category));
        self.body.classification = Some(c);
        self.settle();
        Ok(())
    }

    /// Records what was done for one of its categories (replacing what was
    /// recorded for it). An intrusion's handling says whether the danger is
    /// immediate, and an immediate one names the incident opened.
    pub fn handle(&mut self, h: Handling) -> Result<(), DomainError> {
        let Some(c) = &self.body.classification else {
            return Err(DomainError::Invalid {
                field: "status",
                reason: msg!("reason.intel.not_classified"),
            });
        };
        if !c.categories.contains(&h.category) {
            return Err(DomainError::Invalid {
                field: "category",
                reason: msg!("reason.intel.not_in_category"),
            });
        }
        if h.category == Category::Intrusion {
            match h.imminent {
                None => {
                    return Err(DomainError::Invalid {
                        field: "imminent",
                        reason: msg!("reason.intel.imminent"),
                    });
                }
                Some(true) if h.incident_id.is_none() => {
                    return Err(DomainError::Invalid {
                        field: "incident_id",
                        reason: msg!("reason.intel.incident"),
                    });
                }
                _ => {}
            }
        }
        self.body.handling.retain(|x| x.category != h.category);
        self.body.handling.push(h);
        self.body.handling.sort_by_key(|x| x.category);
        self.settle();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::intel::indicators::extract;

    fn item(text: &str) -> IntelItem {
        IntelItem {
            id: IntelId::from("i"),
            org_id: OrgId::from("o"),
            title: "勒索軟體攻擊情資".into(),
            source: Source::Advisory,
            sender: "N-ISAC".into(),
            received_on: Date::from_calendar_date(2026, time::Month::November, 20).unwrap(),
            valid_until: None,
            status: Status::Received,
            body: IntelBody {
                text: text.into(),
                indicators: extract(text),
                ..IntelBody::default()
            },
            created_by: None,
            created_at: 0,
            updated_at: 0,
        }
    }

    fn signed() -> Signed {
        Signed {
            by: None,
            name: "資安專責人員".into(),
            at: 1,
        }
    }

    fn classification(categories: &[Category]) -> Classification {
        Classification {
            categories: categories.to_vec(),
            reliability: Reliability::Probable,
            timeliness: Timeliness::Current,
            note: "來源可信".into(),
            signed: signed(),
        }
    }

    fn handling(category: Category, imminent: Option<bool>, incident: Option<&str>) -> Handling {
        Handling {
            category,
            action: "已阻擋來源 IP".into(),
            imminent,
            incident_id: incident.map(str::to_string),
            signed: signed(),
        }
    }

    fn field(r: Result<(), DomainError>) -> &'static str {
        match r {
            Err(DomainError::Invalid { field, .. }) => field,
            Err(_) => "other",
            Ok(()) => "ok",
        }
    }

    #[test]
    fn personal_data_makes_it_sensitive_and_is_masked_before_it_leaves() {
        let mut x = item("受害者王小明（A123456789）電話 0912-345-678，攻擊來源 203.0.113.5");
        x.body.names = vec!["王小明".into()];
        let (masked, hits) = x.masked();
        assert!(
            !masked.contains("A123456789") && !masked.contains("王小明"),
            "{masked}"
        );
        assert!(
            masked.contains("203.0.113.5"),
            "an indicator is not personal data"
        );
        assert_eq!(hits.len(), 3, "{hits:?}");
        assert_eq!(
            field(x.classify(classification(&[Category::Intrusion]))),
            "categories"
        );
        assert_eq!(x.status, Status::Received, "nothing kept of a refusal");
        assert_eq!(field(x.classify(classification(&[]))), "categories");
        x.classify(classification(&[
            Category::Sensitive,
            Category::Intrusion,
            Category::Sensitive,
        ]))
        .unwrap();
        assert_eq!(
            x.body.classification.as_ref().unwrap().categories,
            vec![Category::Intrusion, Category::Sensitive],
            "sorted, once each"
        );
        assert_eq!(x.status, Status::Classified);
        assert_eq!(
            x.unhandled(),
            vec![Category::Intrusion, Category::Sensitive]
        );
    }

    #[test]
    fn each_category_is_handled_as_the_plan_prescribes() {
        let mut x = item("特定系統遭入侵且證據明確，C2 為 evil.example.com");
        assert_eq!(
            field(x.handle(handling(Category::Message, None, None))),
            "status",
            "classified first"
        );
        x.classify(classification(&[Category::Intrusion, Category::Core]))
            .unwrap();
        assert_eq!(
            field(x.handle(handling(Category::Message, None, None))),
            "category"
        );
        assert_eq!(
            field(x.handle(handling(Category::Intrusion, None, None))),
            "imminent"
        );
        assert_eq!(
            field(x.handle(handling(Category::Intrusion, Some(true), None))),
            "incident_id"
        );
        x.handle(handling(Category::Intrusion, Some(true), Some("inc-1")))
            .unwrap();
        assert_eq!(x.status, Status::Classified);
        x.handle(handling(Category::Core, None, None)).unwrap();
        assert_eq!(x.status, Status::Handled);
        // classified again without the core category: its handling goes,
        // the intrusion's stays
        x.classify(classification(&[Category::Intrusion])).unwrap();
        assert_eq!(x.body.handling.len(), 1);
        assert_eq!(x.status, Status::Handled);
        x.classify(classification(&[Category::Intrusion, Category::Message]))
            .unwrap();
        assert_eq!(x.status, Status::Classified);
    }

    #[test]
    fn it_is_active_until_its_validity_ends_or_it_is_judged_expired() {
        let mut x = item("CVE-2024-3400");
        let day = |d| Date::from_calendar_date(2026, time::Month::November, d).unwrap();
        assert!(x.active(day(21)));
        x.valid_until = Some(day(20));
        assert!(!x.active(day(21)));
        assert!(x.active(day(20)));
        x.valid_until = None;
        let mut c = classification(&[Category::Message]);
        c.timeliness = Timeliness::Expired;
        x.classify(c).unwrap();
        assert!(!x.active(day(21)));
        assert_eq!(Category::parse("c", "core").unwrap().number(), 4);
        assert!(Source::parse("source", "fax").is_err());
    }
}
