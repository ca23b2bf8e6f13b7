//! The in-app inbox and how each person wants to hear of each kind of
//! event: the notice kinds the modules raise, the channels (inbox only, inbox
//! and e-mail at once, inbox and the daily digest, off), a stored notice, and
//! the rule for the link a notice may carry. Pure: who receives a notice and
//! how mail is sent are the application's (`zian_app::inbox`).

use serde::Serialize;

use crate::{OrgId, UserId};

/// How a person hears of one kind of event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// In the inbox only.
    Inbox,
    /// In the inbox and by e-mail at once.
    Email,
    /// In the inbox and in the next daily digest e-mail.
    Digest,
    /// Not at all.
    Off,
}

impl Channel {
    pub const ALL: [Channel; 4] = [
        Channel::Inbox,
        Channel::Email,
        Channel::Digest,
        Channel::Off,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Inbox => "inbox",
            Channel::Email => "email",
            Channel::Digest => "digest",
            Channel::Off => "off",
        }
    }

    pub fn parse(s: &str) -> Option<Channel> {
        Channel::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

/// A kind of notice and how people hear of it unless they chose otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NoticeKind {
    /// The event's name, as webhooks and the audit trail spell it.
    pub event: &'static str,
    pub default: Channel,
}

/// Every kind of notice the platform raises. A module that raises a new
/// kind adds it here (and its words under `inbox.events` in the catalogue).
pub const KINDS: &[NoticeKind] = &[
    // to those who approve plans above the organisation
    NoticeKind {
        event: "plan.submitted",
        default: Channel::Email,
    },
    // to the organisation's officers
    NoticeKind {
        event: "plan.approved",
        default: Channel::Inbox,
    },
    NoticeKind {
        event: "plan.returned",
        default: Channel::Email,
    },
    // to the administrators of the job's organisation
    NoticeKind {
        event: "job.dead",
        default: Channel::Email,
    },
    // vulnerabilities: to the organisation's officers; KEV or critical on a
    // core asset at once, the others in the daily digest
    NoticeKind {
        event: "vulns.urgent",
        default: Channel::Email,
    },
    NoticeKind {
        event: "vulns.found",
        default: Channel::Digest,
    },
    // overdue findings: to the CISO and the supervising organisations
    NoticeKind {
        event: "vulns.overdue",
        default: Channel::Email,
    },
    // incidents: a notification, to the supervising organisations (their
    // review is due within hours); a deadline near and a deadline passed,
    // to the organisation's officers and CISO and its supervisors
    NoticeKind {
        event: "incidents.notified",
        default: Channel::Email,
    },
    NoticeKind {
        event: "incidents.deadline",
        default: Channel::Email,
    },
    NoticeKind {
        event: "incidents.overdue",
        default: Channel::Email,
    },
    // business continuity: a plan activated (at once), a yearly review due
    // and a corrective action overdue (daily digest), to the officers
    NoticeKind {
        event: "continuity.activated",
        default: Channel::Email,
    },
    NoticeKind {
        event: "continuity.review_due",
        default: Channel::Digest,
    },
    NoticeKind {
        event: "corrective.overdue",
        default: Channel::Digest,
    },
    // audits: the auditees notified of an audit's schedule and items
    NoticeKind {
        event: "audits.notified",
        default: Channel::Email,
    },
    // implementation reports: a submission, to the approvers above; a
    // return, to the organisation's officers
    NoticeKind {
        event: "implementation_report.submitted",
        default: Channel::Inbox,
    },
    NoticeKind {
        event: "implementation_report.returned",
        default: Channel::Email,
    },
    // people forms: a request or an agreement awaiting the CISO's signature
    NoticeKind {
        event: "people_forms.awaiting",
        default: Channel::Inbox,
    },
    // maturity: a month's draft made (to the officers), a report submitted
    // (to the others who may review it), returned (to who compiled it),
    // published (to the CISO's office, by mail)
    NoticeKind {
        event: "maturity.draft",
        default: Channel::Inbox,
    },
    NoticeKind {
        event: "maturity.submitted",
        default: Channel::Inbox,
    },
    NoticeKind {
        event: "maturity.returned",
        default: Channel::Email,
    },
    NoticeKind {
        event: "maturity.published",
        default: Channel::Email,
    },
    // threat notices: issued and a reminder, to the officers of the
    // organisations addressed; an organisation affected or done, to the
    // issuer's side
    NoticeKind {
        event: "threat_notice.issued",
        default: Channel::Email,
    },
    NoticeKind {
        event: "threat_notice.reminder",
        default: Channel::Email,
    },
    NoticeKind {
        event: "threat_notice.reported",
        default: Channel::Inbox,
    },
    // to the administrators of the whole tree
    NoticeKind {
        event: "feeds.stale",
        default: Channel::Email,
    },
];

/// The kind named `event`.
pub fn kind(event: &str) -> Option<&'static NoticeKind> {
    KINDS.iter().find(|k| k.event == event)
}

/// Where a notice may point: a path of this site (`/…`, not `//…`, no
/// scheme, no backslash or control character), at most 500 bytes.
pub fn valid_link(link: &str) -> bool {
    link.len() <= 500
        && link.starts_with('/')
        && !link.starts_with("//")
        && !link.contains('\\')
        && !link.chars().any(char::is_control)
}

/// A notice as stored: one person's, in both languages (rendered when it
/// was raised, so it reads the same later).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Notice {
    pub id: String,
    pub user_id: UserId,
    pub org_id: Option<OrgId>,
    pub event: String,
    pub title_zh: String,
    pub title_en: String,
    /// A path of this site (see [`valid_link`]).
    pub link: Option<String>,
    /// The channel it was raised on (decides the digest).
    pub channel: Channel,
    /// Raising the same key again while a notice with it is unread adds
    /// nothing (a daily reminder of the same item).
    pub dedupe_key: Option<String>,
    pub created_at: i64,
    pub read_at: Option<i64>,
    /// When it went out in a digest.
    pub digested_at: Option<i64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn channels_round_trip() {
        for c in Channel::ALL {
            assert_eq!(Channel::parse(c.as_str()), Some(c));
        }
        assert_eq!(Channel::parse("sms"), None);
    }

    #[test]
    fn every_kind_is_named_once() {
        let mut seen = std::collections::BTreeSet::new();
        for k in KINDS {
            assert!(seen.insert(k.event), "{} twice", k.event);
            assert_eq!(kind(k.event), Some(k));
        }
        assert!(kind("nope").is_none());
    }

    #[test]
    fn links_stay_on_this_site() {
        assert!(valid_link("/plans/abc"));
        assert!(valid_link("/admin/jobs/1?x=y#z"));
        for bad in [
            "",
            "plans",
            "//evil.example/x",
            "https://evil.example",
            "/\\evil",
            "/a\nb",
            "javascript:alert(1)",
        ] {
            assert!(!valid_link(bad), "{bad:?}");
        }
        assert!(!valid_link(&format!("/{}", "a".repeat(500))));
    }
}
