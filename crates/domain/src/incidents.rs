//! Security incidents (資通安全事件通報應變): the record an agency keeps from
//! awareness (知悉) to closure. The level comes from the regulation's table
//! (`zian_rules::incident`, the version in force on the day of awareness)
//! unless overridden with a justification; the legal clocks run from the
//! recorded anchors: awareness (notify, recover), the notification (the
//! supervising authority's review), the completed recovery (the report).
//! A change of the effective level after a notification is a new report,
//! due an hour after the change. The timeline records who did what, when.

use serde::Serialize;
use zian_i18n::msg;
use zian_rules::incident::{AssetClass, Availability, Facts, Severity};

use crate::text::{Memo, Text};
use crate::{AssetId, DomainError, IncidentId, OrgId, UserId};

/// Where an incident stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum IncidentStatus {
    /// Being handled: damage control or recovery not completed.
    Open,
    /// Damage control or recovery completed; the report is due.
    Recovered,
    /// Closed with root cause and lessons.
    Closed,
}

impl IncidentStatus {
    pub const ALL: [IncidentStatus; 3] = [
        IncidentStatus::Open,
        IncidentStatus::Recovered,
        IncidentStatus::Closed,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            IncidentStatus::Open => "open",
            IncidentStatus::Recovered => "recovered",
            IncidentStatus::Closed => "closed",
        }
    }
    pub fn parse(s: &str) -> Result<Self, DomainError> {
        Self::ALL
            .into_iter()
            .find(|x| x.as_str() == s.trim())
            .ok_or_else(|| DomainError::Invalid {
                field: "status",
                reason: msg!("reason.one_of", values = "open, recovered, closed"),
            })
    }
}

/// Kinds of data an incident involves (涉及資料).
pub const DATA_KINDS: [&str; 4] = ["state_secret", "official_secret", "sensitive", "personal"];

/// Checks and orders a list of data kinds (duplicates dropped).
pub fn data_kinds(values: &[String]) -> Result<Vec<String>, DomainError> {
    let mut out = Vec::new();
    for v in values {
        let v = v.trim();
        if v.is_empty() || v == "none" {
            continue;
        }
        if !DATA_KINDS.contains(&v) {
            return Err(DomainError::Invalid {
                field: "data_kinds",
                reason: msg!(
                    "reason.one_of",
                    values = "state_secret, official_secret, sensitive, personal"
                ),
            });
        }
        out.push(v.to_string());
    }
    out.sort_by_key(|k| DATA_KINDS.iter().position(|d| d == k));
    out.dedup();
    Ok(out)
}

/// One incident.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Incident {
    pub id: IncidentId,
    pub org_id: OrgId,
    /// `INC-2026-001`: per organisation and year of awareness (Taipei),
    /// assigned by the store (empty before).
    pub number: String,
    pub title: Text<200>,
    /// What happened (事件說明).
    pub description: Memo<4000>,
    pub occurred_at: Option<i64>,
    pub aware_at: i64,
    /// Who reported it inside the agency, and how to reach them (personal
    /// data: masked for readers outside the organisation).
    pub reporter: Text<100>,
    pub reporter_contact: Memo<200>,
    /// Affected assets of the organisation's register.
    pub asset_ids: Vec<AssetId>,
    #[serde(skip)]
    pub facts: Facts,
    pub data_kinds: Vec<String>,
    /// The rule version the level was computed with.
    pub rules_version: String,
    /// The level the table gives (none: below level 1).
    pub computed_level: Option<u8>,
    pub level_override: Option<u8>,
    pub override_reason: Memo<1000>,
    /// The effective level of the latest notification.
    pub notified_level: Option<u8>,
    /// When the effective level last changed after a notification.
    pub level_changed_at: Option<i64>,
    pub notified_at: Option<i64>,
    pub reviewed_at: Option<i64>,
    pub recovered_at: Option<i64>,
    pub reported_at: Option<i64>,
    pub closed_at: Option<i64>,
    pub status: IncidentStatus,
    /// The emergency handling principle followed (`zian_rules::playbooks`)
    /// and its steps ticked off (numbers from 0, ascending).
    pub playbook: Option<String>,
    pub checklist: Vec<u32>,
    /// Art. 3: the response measures (應變處置), external support needed,
    /// other matters.
    pub measures: Memo<4000>,
    pub support_needed: Memo<2000>,
    pub other_notes: Memo<2000>,
    /// Closure.
    pub root_cause: Memo<4000>,
    pub lessons: Memo<4000>,
    /// The improvements' schedule and how their effect is followed up
    /// (預定完成時程及成效追蹤機制).
    pub follow_up: Memo<4000>,
    /// The vulnerability findings of the organisation the incident came
    /// through (named at closure or later).
    pub finding_ids: Vec<crate::FindingId>,
    pub created_by: Option<UserId>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// An incident's number: `INC-<year>-<sequence, at least three digits>`.
pub fn incident_number(year: i32, seq: i64) -> String {
    format!("INC-{year}-{seq:03}")
}

impl Incident {
    /// The level in force: the override, else the table's.
    pub fn level(&self) -> Option<u8> {
        self.level_override.or(self.computed_level)
    }

    /// Levels 3 and 4 are major incidents (重大資通安全事件).
    pub fn major(&self) -> bool {
        self.level().is_some_and(|l| l >= 3)
    }

    /// A notification was made at another level than the one in force: a
    /// new report is due.
    pub fn renotify_pending(&self) -> bool {
        self.notified_at.is_some() && self.level().is_some() && self.notified_level != self.level()
    }

    /// The instant the notify clock runs from: awareness, or the level
    /// change that calls for a new report.
    pub fn notify_anchor(&self) -> i64 {
        if self.renotify_pending() {
            self.level_changed_at.unwrap_or(self.aware_at)
        } else {
            self.aware_at
        }
    }

    /// Whether a notification is still owed (the first one, or a new one
    /// after a level change). An incident below level 1 owes none.
    pub fn notification_due(&self) -> bool {
        self.level().is_some() && (self.notified_at.is_none() || self.renotify_pending())
    }

    /// Records a new effective level at `now`: after a notification a
    /// different level starts the new report's clock.
    pub fn relevel(&mut self, computed: Option<u8>, level_override: Option<u8>, now: i64) {
        let before = self.level();
        self.computed_level = computed;
        self.level_override = level_override;
        if self.notified_at.is_some() && self.level() != before {
            self.level_changed_at = Some(now);
        }
    }
}

/// A level typed by a person: 1 to 4.
pub fn parse_level(field: &'static str, v: u8) -> Result<u8, DomainError> {
    if (1..=4).contains(&v) {
        Ok(v)
    } else {
        Err(DomainError::Invalid {
            field,
            reason: msg!("reason.incidents.level"),
        })
    }
}

/// The facts' codes as stored.
pub fn facts_codes(f: &Facts) -> [&'static str; 4] {
    [
        f.asset.as_str(),
        f.confidentiality.as_str(),
        f.integrity.as_str(),
        f.availability.as_str(),
    ]
}

/// Facts from their codes (each checked; the field is named).
pub fn facts_of(
    asset: &str,
    confidentiality: &str,
    integrity: &str,
    availability: &str,
) -> Result<Facts, DomainError> {
    let bad = |field: &'static str, values: &'static str| DomainError::Invalid {
        field,
        reason: msg!("reason.one_of", values = values),
    };
    Ok(Facts {
        asset: AssetClass::parse(asset.trim()).ok_or_else(|| {
            bad(
                "asset_class",
                "non_core, core, core_ci, official_secret, sensitive, state_secret",
            )
        })?,
        confidentiality: Severity::parse(confidentiality.trim())
            .ok_or_else(|| bad("confidentiality", "none, minor, serious"))?,
        integrity: Severity::parse(integrity.trim())
            .ok_or_else(|| bad("integrity", "none, minor, serious"))?,
        availability: Availability::parse(availability.trim())
            .ok_or_else(|| bad("availability", "none, within_mtd, beyond_mtd"))?,
    })
}

/// What a timeline entry records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryKind {
    /// The incident was recorded.
    Recorded,
    /// Facts or report fields were edited (the level may have changed).
    Edited,
    /// Notified to the national reporting platform (通報).
    Notified,
    /// The supervising authority reviewed the notification (審核).
    Reviewed,
    /// Damage control or recovery completed (完成損害控制或復原).
    Recovered,
    /// The investigation, handling and improvement report was sent.
    Reported,
    Closed,
    Reopened,
    /// An action of the response, in the handler's words.
    Note,
    /// An escalation raised by the clocks.
    Escalated,
    /// A step of the playbook ticked off or back.
    Checked,
}

impl EntryKind {
    pub const ALL: [EntryKind; 11] = [
        EntryKind::Recorded,
        EntryKind::Edited,
        EntryKind::Notified,
        EntryKind::Reviewed,
        EntryKind::Recovered,
        EntryKind::Reported,
        EntryKind::Closed,
        EntryKind::Reopened,
        EntryKind::Note,
        EntryKind::Escalated,
        EntryKind::Checked,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            EntryKind::Recorded => "recorded",
            EntryKind::Edited => "edited",
            EntryKind::Notified => "notified",
            EntryKind::Reviewed => "reviewed",
            EntryKind::Recovered => "recovered",
            EntryKind::Reported => "reported",
            EntryKind::Closed => "closed",
            EntryKind::Reopened => "reopened",
            EntryKind::Note => "note",
            EntryKind::Escalated => "escalated",
            EntryKind::Checked => "checked",
        }
    }
    pub fn parse(s: &str) -> Result<Self, DomainError> {
        Self::ALL
            .into_iter()
            .find(|x| x.as_str() == s.trim())
            .ok_or_else(|| DomainError::Invalid {
                field: "kind",
                reason: msg!(
                    "reason.one_of",
                    values = "notified, reviewed, recovered, reported, closed, reopened, note"
                ),
            })
    }
}

/// One line of an incident's timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TimelineEntry {
    pub id: String,
    pub incident_id: IncidentId,
    pub org_id: OrgId,
    /// When it happened.
    pub at: i64,
    pub kind: EntryKind,
    pub text: Memo<4000>,
    pub actor: Option<UserId>,
    pub actor_name: String,
    /// When it was written down.
    pub recorded_at: i64,
    /// An evidence file of the organisation, its SHA-256 and name when the
    /// entry was written.
    pub evidence: Option<EntryEvidence>,
}

/// The evidence a timeline entry points at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct EntryEvidence {
    pub id: String,
    pub sha256: String,
    pub name: String,
}

/// Filters of the incident list (all optional).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IncidentFilter {
    pub status: Option<IncidentStatus>,
    /// Not closed.
    pub open: bool,
    pub level: Option<u8>,
    /// Aware on or after / before (Unix seconds).
    pub aware_from: Option<i64>,
    pub aware_to: Option<i64>,
}

/// Masks personal data for readers outside the incident's organisation:
/// a name keeps its first and last character (王小明 → 王○明, 李四 → 李○),
/// an e-mail address its first character and domain, any other contact its
/// last three digits.
pub fn mask_name(s: &str) -> String {
    let chars: Vec<char> = s.trim().chars().collect();
    match chars.len() {
        0 => String::new(),
        1 => "○".into(),
        2 => format!("{}○", chars[0]),
        n => {
            let mid = "○".repeat(n - 2);
            format!("{}{mid}{}", chars[0], chars[n - 1])
        }
    }
}

/// See [`mask_name`].
pub fn mask_contact(s: &str) -> String {
    s.split([',', ';', '，', '、', '/'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| {
            if let Some((user, domain)) = p.split_once('@') {
                let first: String = user.chars().take(1).collect();
                format!("{first}***@{domain}")
            } else {
                let digits: Vec<char> = p.chars().filter(char::is_ascii_digit).collect();
                let tail: String = digits[digits.len().saturating_sub(3)..].iter().collect();
                format!("***{tail}")
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The figures of a set of incidents (the seed's MTTR: mean time to
/// respond — awareness to notification — and to recover).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct IncidentMetrics {
    pub total: u64,
    /// Not closed.
    pub open: u64,
    /// Count by level 1–4 (index 0: level 1); incidents below level 1
    /// are in `total` only.
    pub by_level: [u64; 4],
    /// Seconds, over the incidents notified / recovered.
    pub mean_respond_secs: Option<i64>,
    pub mean_recover_secs: Option<i64>,
    pub notified_within_hour: u64,
    pub notified: u64,
}

/// One incident as the figures count it: level, aware, notified,
/// recovered, closed.
pub type Figures = (Option<u8>, i64, Option<i64>, Option<i64>, bool);

/// Computes [`IncidentMetrics`] over the incidents' [`Figures`].
pub fn metrics(rows: &[Figures]) -> IncidentMetrics {
    let mut m = IncidentMetrics::default();
    let (mut respond, mut recover) = (Vec::new(), Vec::new());
    for &(level, aware, notified, recovered, closed) in rows {
        m.total += 1;
        if !closed {
            m.open += 1;
        }
        if let Some(l) = level.filter(|l| (1..=4).contains(l)) {
            m.by_level[usize::from(l) - 1] += 1;
        }
        if let Some(n) = notified {
            let d = (n - aware).max(0);
            respond.push(d);
            m.notified += 1;
            if d <= 3600 {
                m.notified_within_hour += 1;
            }
        }
        if let Some(r) = recovered {
            recover.push((r - aware).max(0));
        }
    }
    let mean = |v: &[i64]| {
        (!v.is_empty()).then(|| v.iter().sum::<i64>() / i64::try_from(v.len()).unwrap_or(1))
    };
    m.mean_respond_secs = mean(&respond);
    m.mean_recover_secs = mean(&recover);
    m
}

/// How close a deadline is, for the escalations: `soon` from a quarter of
/// its window before it (at least 30 minutes), `due` from the deadline on.
pub fn escalation_stage(now: i64, start: i64, deadline: i64) -> Option<&'static str> {
    let lead = ((deadline - start) / 4).max(1800);
    if now >= deadline {
        Some("due")
    } else if now >= deadline - lead {
        Some("soon")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn incident() -> Incident {
        Incident {
            id: IncidentId::from("i"),
            org_id: OrgId::from("o"),
            number: String::new(),
            title: Text::stored("t".into()),
            description: Memo::stored(String::new()),
            occurred_at: None,
            aware_at: 1_000,
            reporter: Text::stored("王小明".into()),
            reporter_contact: Memo::stored(String::new()),
            asset_ids: vec![],
            facts: facts_of("core", "serious", "none", "none").unwrap(),
            data_kinds: vec![],
            rules_version: "2026-01-05".into(),
            computed_level: Some(2),
            level_override: None,
            override_reason: Memo::stored(String::new()),
            notified_level: None,
            level_changed_at: None,
            notified_at: None,
            reviewed_at: None,
            recovered_at: None,
            reported_at: None,
            closed_at: None,
            status: IncidentStatus::Open,
            playbook: None,
            checklist: vec![],
            measures: Memo::stored(String::new()),
            support_needed: Memo::stored(String::new()),
            other_notes: Memo::stored(String::new()),
            root_cause: Memo::stored(String::new()),
            lessons: Memo::stored(String::new()),
            follow_up: Memo::stored(String::new()),
            finding_ids: Vec::new(),
            created_by: None,
            created_at: 1_000,
            updated_at: 1_000,
        }
    }

    #[test]
    fn a_level_change_after_notification_is_a_new_report() {
        let mut i = incident();
        assert!(i.notification_due());
        assert_eq!(i.notify_anchor(), 1_000);
        i.notified_at = Some(2_000);
        i.notified_level = Some(2);
        assert!(!i.notification_due());
        // the same level again: nothing owed
        i.relevel(Some(2), None, 5_000);
        assert_eq!(i.level_changed_at, None);
        assert!(!i.notification_due());
        // raised by an override: a new report from the change
        i.relevel(Some(2), Some(3), 9_000);
        assert!(i.major());
        assert!(i.renotify_pending());
        assert!(i.notification_due());
        assert_eq!(i.notify_anchor(), 9_000);
        // notified at the new level
        i.notified_level = Some(3);
        assert!(!i.notification_due());
        assert_eq!(i.notify_anchor(), 1_000);
        // below level 1 owes nothing
        let mut j = incident();
        j.computed_level = None;
        assert!(!j.notification_due());
        // before any notification a change is no new report
        let mut k = incident();
        k.relevel(Some(4), None, 3_000);
        assert_eq!(k.level_changed_at, None);
        assert_eq!(k.notify_anchor(), 1_000);
    }

    #[test]
    fn escalation_stages() {
        // notify: one hour, warned 30 minutes before
        assert_eq!(escalation_stage(0, 0, 3600), None);
        assert_eq!(escalation_stage(1799, 0, 3600), None);
        assert_eq!(escalation_stage(1800, 0, 3600), Some("soon"));
        assert_eq!(escalation_stage(3600, 0, 3600), Some("due"));
        assert_eq!(escalation_stage(90_000, 0, 3600), Some("due"));
        // recovery in 72 h: warned 18 h before
        let h = 3600;
        assert_eq!(escalation_stage(54 * h - 1, 0, 72 * h), None);
        assert_eq!(escalation_stage(54 * h, 0, 72 * h), Some("soon"));
    }

    #[test]
    fn personal_data_is_masked() {
        assert_eq!(mask_name("王小明"), "王○明");
        assert_eq!(mask_name("李四"), "李○");
        assert_eq!(mask_name("歐陽大中正"), "歐○○○正");
        assert_eq!(mask_name("A"), "○");
        assert_eq!(mask_name(""), "");
        assert_eq!(
            mask_contact("wang@police.gov.tw, 07-2345678 分機 123"),
            "w***@police.gov.tw, ***123"
        );
        assert_eq!(mask_contact("12"), "***12");
    }

    #[test]
    fn data_kinds_are_checked_and_ordered() {
        let v = |s: &[&str]| s.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(
            data_kinds(&v(&["personal", "state_secret", "personal", "none", " "])).unwrap(),
            v(&["state_secret", "personal"])
        );
        assert!(data_kinds(&v(&["secret"])).is_err());
    }

    #[test]
    fn metrics_by_hand() {
        // level 1 notified after 30 min, recovered after 10 h; level 3
        // notified after 2 h, not recovered; below level 1, closed.
        let m = metrics(&[
            (Some(1), 0, Some(1_800), Some(36_000), false),
            (Some(3), 100, Some(7_300), None, false),
            (None, 0, None, None, true),
        ]);
        assert_eq!(m.total, 3);
        assert_eq!(m.open, 2);
        assert_eq!(m.by_level, [1, 0, 1, 0]);
        assert_eq!(m.mean_respond_secs, Some((1_800 + 7_200) / 2));
        assert_eq!(m.mean_recover_secs, Some(36_000));
        assert_eq!((m.notified, m.notified_within_hour), (2, 1));
        assert_eq!(metrics(&[]).mean_respond_secs, None);
        assert_eq!(incident_number(2026, 7), "INC-2026-007");
        assert!(parse_level("level", 5).is_err());
    }
}
