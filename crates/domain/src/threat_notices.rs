//! One channel for a threat (the Taipei 資安管考 model of seed 004): a
//! county, a municipal hub or the national authority issues a threat notice
//! (威脅通報) to some or all organisations of its subtree, and each reports
//! its progress through six steps — investigate (調查), confirm (確認), plan
//! (規劃), isolate (隔離), handle (處理), recover (復原) — with a note and
//! evidence. Confirming that it is not affected ends an organisation's
//! response; so does recovering. The issuer sees who is where and who lags;
//! the notice's CVEs link it to the VANS findings of the subtree.

use serde::{Deserialize, Serialize};
use time::Date;
use zian_i18n::msg;

use crate::error::DomainError;
use crate::incidents::EntryEvidence;
use crate::intel::item::Signed;
use crate::{OrgId, ThreatNoticeId, ThreatResponseId, UserId};

/// Days without a report after which an unfinished response lags.
pub const STALE_DAYS: i64 = 2;

/// The six steps, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// 調查: are we exposed (inventory, logs, the VANS findings)?
    Investigate,
    /// 確認: affected or not.
    Confirm,
    /// 規劃: the response planned.
    Plan,
    /// 隔離: affected hosts isolated.
    Isolate,
    /// 處理: patched, rebuilt, indicators blocked.
    Handle,
    /// 復原: back in service, watched.
    Recover,
}

impl Step {
    pub const ALL: [Step; 6] = [
        Step::Investigate,
        Step::Confirm,
        Step::Plan,
        Step::Isolate,
        Step::Handle,
        Step::Recover,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Step::Investigate => "investigate",
            Step::Confirm => "confirm",
            Step::Plan => "plan",
            Step::Isolate => "isolate",
            Step::Handle => "handle",
            Step::Recover => "recover",
        }
    }
    /// 1–6.
    pub fn number(self) -> u8 {
        Self::ALL.iter().position(|s| *s == self).unwrap_or(0) as u8 + 1
    }
    pub fn next(self) -> Option<Step> {
        Self::ALL.get(usize::from(self.number())).copied()
    }
    pub fn parse(s: &str) -> Result<Self, DomainError> {
        crate::error::parse_named(&Self::ALL, Self::as_str, "step", s.trim())
    }
}

/// How urgent the issuer judges the threat.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Critical,
    High,
    Medium,
    Low,
}

impl Severity {
    pub const ALL: [Severity; 4] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Critical => "critical",
            Severity::High => "high",
            Severity::Medium => "medium",
            Severity::Low => "low",
        }
    }
    pub fn parse(s: &str) -> Result<Self, DomainError> {
        crate::error::parse_named(&Self::ALL, Self::as_str, "severity", s.trim())
    }
}

/// Whether the issuer still takes reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoticeStatus {
    Open,
    Closed,
}

impl NoticeStatus {
    pub const ALL: [NoticeStatus; 2] = [NoticeStatus::Open, NoticeStatus::Closed];
    pub fn as_str(self) -> &'static str {
        match self {
            NoticeStatus::Open => "open",
            NoticeStatus::Closed => "closed",
        }
    }
    pub fn parse(s: &str) -> Result<Self, DomainError> {
        crate::error::parse_named(&Self::ALL, Self::as_str, "status", s.trim())
    }
}

/// Where an organisation's response stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Nothing reported yet (未回報).
    Pending,
    /// Between investigating and recovering.
    InProgress,
    /// Confirmed not affected (未受影響): done.
    Unaffected,
    /// Recovered (已復原): done.
    Recovered,
}

impl Outcome {
    pub const ALL: [Outcome; 4] = [
        Outcome::Pending,
        Outcome::InProgress,
        Outcome::Unaffected,
        Outcome::Recovered,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Pending => "pending",
            Outcome::InProgress => "in_progress",
            Outcome::Unaffected => "unaffected",
            Outcome::Recovered => "recovered",
        }
    }
    pub fn parse(s: &str) -> Result<Self, DomainError> {
        crate::error::parse_named(&Self::ALL, Self::as_str, "outcome", s.trim())
    }
    pub fn done(self) -> bool {
        matches!(self, Outcome::Unaffected | Outcome::Recovered)
    }
}

/// The issuer's reminder to the organisations that lagged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reminded {
    pub orgs: Vec<OrgId>,
    pub signed: Signed,
}

/// What a notice keeps as its JSON body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct NoticeBody {
    /// The issuer's name when it was issued (an organisation addressed
    /// does not reach the issuer's record).
    #[serde(default)]
    pub issuer: String,
    /// What is happening and what the organisations are to do.
    pub text: String,
    /// The CVEs it concerns (upper case, each once).
    #[serde(default)]
    pub cves: Vec<String>,
    /// The issuer's piece of threat intelligence it rests on.
    #[serde(default)]
    pub intel_id: Option<String>,
    #[serde(default)]
    pub reminders: Vec<Reminded>,
    /// Why it was closed.
    #[serde(default)]
    pub closing: Option<String>,
}

/// A threat notice of an issuing organisation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ThreatNotice {
    pub id: ThreatNoticeId,
    /// The issuer.
    pub org_id: OrgId,
    pub title: String,
    pub severity: Severity,
    /// When every organisation is to have finished.
    #[serde(with = "crate::day::serde_ymd")]
    pub due_on: Date,
    pub status: NoticeStatus,
    pub body: NoticeBody,
    pub issued: Signed,
    pub created_by: Option<UserId>,
    pub created_at: i64,
    pub updated_at: i64,
}

impl ThreatNotice {
    /// Checks a new notice: its CVEs well formed, its deadline not past,
    /// at least one organisation addressed (each once, none the issuer).
    pub fn check(&self, today: Date, targets: &[OrgId]) -> Result<(), DomainError> {
        if self.due_on < today {
            return Err(DomainError::Invalid {
                field: "due_on",
                reason: msg!("reason.threat_notices.due_past"),
            });
        }
        if targets.is_empty() {
            return Err(DomainError::Invalid {
                field: "targets",
                reason: msg!("reason.threat_notices.no_target"),
            });
        }
        if targets.contains(&self.org_id) {
            return Err(DomainError::Invalid {
                field: "targets",
                reason: msg!("reason.threat_notices.self_target"),
            });
        }
        let mut seen = std::collections::BTreeSet::new();
        if let Some(t) = targets.iter().find(|t| !seen.insert(t.as_str())) {
            return Err(DomainError::Invalid {
                field: "targets",
                reason: msg!("reason.threat_notices.duplicate_target", id = t.as_str()),
            });
        }
        Ok(())
    }

    /// Stops taking reports.
    pub fn close(&mut self, note: String) -> Result<(), DomainError> {
        if self.status == NoticeStatus::Closed {
            return Err(DomainError::Invalid {
                field: "status",
                reason: msg!("reason.threat_notices.closed"),
            });
        }
        self.status = NoticeStatus::Closed;
        self.body.closing = Some(note);
        Ok(())
    }
}

/// Reads the CVE ids of a notice (one per line, comma or space
/// separated): upper case, sorted, each once; the first that is not a CVE
/// id is refused with its position.
pub fn parse_cves(raw: &str) -> Result<Vec<String>, DomainError> {
    let mut out = Vec::new();
    for (i, w) in raw
        .split(|c: char| c == ',' || c == '、' || c.is_whitespace())
        .filter(|w| !w.is_empty())
        .enumerate()
    {
        match crate::intel::indicators::classify(w) {
            Some(x) if x.kind == crate::intel::indicators::IndicatorKind::Cve => out.push(x.value),
            _ => {
                return Err(DomainError::Invalid {
                    field: "cves",
                    reason: msg!("reason.threat_notices.cve", n = i + 1, value = w),
                });
            }
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// One report of an organisation's progress.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepReport {
    pub step: Step,
    /// What was found or done.
    pub note: String,
    /// 確認: whether the organisation is affected.
    #[serde(default)]
    pub affected: Option<bool>,
    /// The organisation's incident opened for it.
    #[serde(default)]
    pub incident_id: Option<String>,
    #[serde(default)]
    pub evidence: Option<EntryEvidence>,
    pub signed: Signed,
}

/// An addressed organisation's response to a notice.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ThreatResponse {
    pub id: ThreatResponseId,
    pub notice_id: ThreatNoticeId,
    pub org_id: OrgId,
    /// The last step reported.
    pub step: Option<Step>,
    pub outcome: Outcome,
    /// Every report, oldest first.
    pub reports: Vec<StepReport>,
    /// When the last report was made (none: not yet).
    pub last_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

impl ThreatResponse {
    /// A response waiting for its first report.
    pub fn new(
        id: ThreatResponseId,
        notice: &ThreatNotice,
        org_id: OrgId,
        now: i64,
    ) -> ThreatResponse {
        ThreatResponse {
            id,
            notice_id: notice.id.clone(),
            org_id,
            step: None,
            outcome: Outcome::Pending,
            reports: Vec::new(),
            last_at: None,
            created_at: now,
            updated_at: now,
        }
    }

    /// The steps that may be reported now: the current one again (more
    /// news) and the next; none once done.
    pub fn reportable(&self) -> Vec<Step> {
        if self.outcome.done() {
            return Vec::new();
        }
        match self.step {
            None => vec![Step::Investigate],
            Some(s) => std::iter::once(s).chain(s.next()).collect(),
        }
    }

    /// Whether the incident id was named in one of its reports.
    pub fn incidents(&self) -> Vec<String> {
        let mut v: Vec<String> = self
            .reports
            .iter()
            .filter_map(|r| r.incident_id.clone())
            .collect();
        v.dedup();
        v
    }

    /// Records a report: the notice open, the response not done, the step
    /// the current one or the next (no step skipped), 確認 saying whether
    /// the organisation is affected. Not affected ends it; so does 復原.
    pub fn report(&mut self, notice: &ThreatNotice, r: StepReport) -> Result<(), DomainError> {
        if notice.status == NoticeStatus::Closed {
            return Err(DomainError::Invalid {
                field: "status",
                reason: msg!("reason.threat_notices.closed"),
            });
        }
        if self.outcome.done() {
            return Err(DomainError::Invalid {
                field: "step",
                reason: msg!("reason.threat_notices.done"),
            });
        }
        if !self.reportable().contains(&r.step) {
            return Err(DomainError::Invalid {
                field: "step",
                reason: msg!("reason.threat_notices.order"),
            });
        }
        if r.step == Step::Confirm && r.affected.is_none() {
            return Err(DomainError::Invalid {
                field: "affected",
                reason: msg!("reason.threat_notices.affected"),
            });
        }
        if r.step != Step::Confirm && r.affected.is_some() {
            return Err(DomainError::Invalid {
                field: "affected",
                reason: msg!("reason.threat_notices.affected_only_confirm"),
            });
        }
        self.outcome = match (r.step, r.affected) {
            (Step::Confirm, Some(false)) => Outcome::Unaffected,
            (Step::Recover, _) => Outcome::Recovered,
            _ => Outcome::InProgress,
        };
        self.step = Some(r.step);
        self.last_at = Some(r.signed.at);
        self.reports.push(r);
        Ok(())
    }

    /// Whether it lags on `now`: not done, and past the notice's deadline
    /// or without a report for [`STALE_DAYS`] (counted from the notice
    /// when nothing was reported).
    pub fn lagging(&self, notice: &ThreatNotice, now: i64) -> bool {
        if self.outcome.done() || notice.status == NoticeStatus::Closed {
            return false;
        }
        let today = crate::day::of_unix(now);
        let since = self.last_at.unwrap_or(notice.created_at);
        today > notice.due_on || now - since >= STALE_DAYS * 86_400
    }
}

/// The issuer's board: how many organisations stand where.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Board {
    pub targets: u32,
    pub pending: u32,
    /// Organisations whose last report is each step (index `number - 1`),
    /// done ones included.
    pub at_step: [u32; 6],
    pub unaffected: u32,
    pub recovered: u32,
    pub lagging: u32,
}

impl Board {
    pub fn of(notice: &ThreatNotice, responses: &[ThreatResponse], now: i64) -> Board {
        let mut b = Board {
            targets: responses.len() as u32,
            ..Board::default()
        };
        for r in responses {
            match r.step {
                None => b.pending += 1,
                Some(s) => b.at_step[usize::from(s.number() - 1)] += 1,
            }
            match r.outcome {
                Outcome::Unaffected => b.unaffected += 1,
                Outcome::Recovered => b.recovered += 1,
                _ => {}
            }
            if r.lagging(notice, now) {
                b.lagging += 1;
            }
        }
        b
    }
    /// Organisations done (not affected or recovered).
    pub fn done(&self) -> u32 {
        self.unaffected + self.recovered
    }
    /// Done, in per cent of those addressed (rounded down).
    pub fn done_percent(&self) -> u32 {
        (self.done() * 100).checked_div(self.targets).unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: i64 = 86_400;
    /// 2026-11-21 01:00 UTC.
    const NOW: i64 = 1_795_222_800;

    fn notice() -> ThreatNotice {
        ThreatNotice {
            id: ThreatNoticeId::from("n"),
            org_id: OrgId::from("county"),
            title: "Shellshock 攻擊活動".into(),
            severity: Severity::Critical,
            due_on: Date::from_calendar_date(2026, time::Month::November, 27).unwrap(),
            status: NoticeStatus::Open,
            body: NoticeBody::default(),
            issued: signed(NOW),
            created_by: None,
            created_at: NOW,
            updated_at: NOW,
        }
    }

    fn signed(at: i64) -> Signed {
        Signed {
            by: None,
            name: "資安專責人員".into(),
            at,
        }
    }

    fn report(step: Step, affected: Option<bool>, at: i64) -> StepReport {
        StepReport {
            step,
            note: "已清查".into(),
            affected,
            incident_id: None,
            evidence: None,
            signed: signed(at),
        }
    }

    fn field(e: DomainError) -> &'static str {
        match e {
            DomainError::Invalid { field, .. } => field,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn steps_come_in_order_and_none_is_skipped() {
        let n = notice();
        let mut r = ThreatResponse::new("r".into(), &n, "agency".into(), NOW);
        assert_eq!(r.reportable(), vec![Step::Investigate]);
        assert_eq!(
            field(
                r.report(&n, report(Step::Confirm, Some(true), NOW))
                    .unwrap_err()
            ),
            "step"
        );
        r.report(&n, report(Step::Investigate, None, NOW + 10))
            .unwrap();
        // the same step again is more news
        r.report(&n, report(Step::Investigate, None, NOW + 20))
            .unwrap();
        assert_eq!(r.reportable(), vec![Step::Investigate, Step::Confirm]);
        assert_eq!(
            field(r.report(&n, report(Step::Plan, None, NOW)).unwrap_err()),
            "step"
        );
        // 確認 must say whether affected; only 確認 may
        assert_eq!(
            field(r.report(&n, report(Step::Confirm, None, NOW)).unwrap_err()),
            "affected"
        );
        r.report(&n, report(Step::Confirm, Some(true), NOW + 30))
            .unwrap();
        assert_eq!(
            field(
                r.report(&n, report(Step::Plan, Some(true), NOW))
                    .unwrap_err()
            ),
            "affected"
        );
        for (i, s) in [Step::Plan, Step::Isolate, Step::Handle]
            .into_iter()
            .enumerate()
        {
            r.report(&n, report(s, None, NOW + 40 + i as i64)).unwrap();
            assert_eq!(r.outcome, Outcome::InProgress);
        }
        r.report(&n, report(Step::Recover, None, NOW + 50)).unwrap();
        assert_eq!(r.outcome, Outcome::Recovered);
        assert_eq!(r.step, Some(Step::Recover));
        assert_eq!(r.reports.len(), 7);
        assert_eq!(r.last_at, Some(NOW + 50));
        assert!(r.reportable().is_empty());
        assert_eq!(
            field(r.report(&n, report(Step::Recover, None, NOW)).unwrap_err()),
            "step"
        );
    }

    #[test]
    fn not_affected_ends_the_response_and_a_closed_notice_takes_nothing() {
        let mut n = notice();
        let mut r = ThreatResponse::new("r".into(), &n, "agency".into(), NOW);
        r.report(&n, report(Step::Investigate, None, NOW)).unwrap();
        r.report(&n, report(Step::Confirm, Some(false), NOW + 1))
            .unwrap();
        assert_eq!(r.outcome, Outcome::Unaffected);
        assert!(r.outcome.done());
        assert_eq!(
            field(r.report(&n, report(Step::Plan, None, NOW)).unwrap_err()),
            "step"
        );
        let mut other = ThreatResponse::new("r2".into(), &n, "b".into(), NOW);
        n.close("已全數完成".into()).unwrap();
        assert_eq!(field(n.close("again".into()).unwrap_err()), "status");
        let before = other.clone();
        assert_eq!(
            field(
                other
                    .report(&n, report(Step::Investigate, None, NOW))
                    .unwrap_err()
            ),
            "status"
        );
        assert_eq!(other, before, "a refusal keeps nothing");
    }

    #[test]
    fn lagging_is_past_the_deadline_or_silent_for_two_days() {
        let n = notice();
        let mut r = ThreatResponse::new("r".into(), &n, "a".into(), NOW);
        assert!(!r.lagging(&n, NOW));
        assert!(!r.lagging(&n, NOW + STALE_DAYS * DAY - 1));
        assert!(r.lagging(&n, NOW + STALE_DAYS * DAY));
        r.report(&n, report(Step::Investigate, None, NOW + DAY))
            .unwrap();
        assert!(!r.lagging(&n, NOW + 2 * DAY));
        assert!(r.lagging(&n, NOW + 3 * DAY));
        // past the deadline (27 November) lags even right after a report
        r.report(&n, report(Step::Confirm, Some(true), NOW + 7 * DAY))
            .unwrap();
        assert!(r.lagging(&n, NOW + 7 * DAY));
        // done never lags
        let mut d = ThreatResponse::new("d".into(), &n, "b".into(), NOW);
        d.report(&n, report(Step::Investigate, None, NOW)).unwrap();
        d.report(&n, report(Step::Confirm, Some(false), NOW))
            .unwrap();
        assert!(!d.lagging(&n, NOW + 30 * DAY));
    }

    #[test]
    fn the_board_counts_who_is_where() {
        let n = notice();
        let mut rs: Vec<ThreatResponse> = (0..4)
            .map(|i| ThreatResponse::new(format!("r{i}").into(), &n, format!("o{i}").into(), NOW))
            .collect();
        rs[0]
            .report(&n, report(Step::Investigate, None, NOW))
            .unwrap();
        rs[0]
            .report(&n, report(Step::Confirm, Some(false), NOW))
            .unwrap();
        for s in Step::ALL {
            let affected = (s == Step::Confirm).then_some(true);
            rs[1].report(&n, report(s, affected, NOW + DAY)).unwrap();
        }
        rs[2]
            .report(&n, report(Step::Investigate, None, NOW + 2 * DAY))
            .unwrap();
        let b = Board::of(&n, &rs, NOW + 3 * DAY);
        assert_eq!(b.targets, 4);
        assert_eq!(b.pending, 1);
        assert_eq!(b.at_step, [1, 1, 0, 0, 0, 1]);
        assert_eq!((b.unaffected, b.recovered, b.done()), (1, 1, 2));
        assert_eq!(b.done_percent(), 50);
        // the silent one (three days) lags; the one that reported yesterday does not
        assert_eq!(b.lagging, 1);
        assert_eq!(Board::of(&n, &[], NOW).done_percent(), 0);
    }

    #[test]
    fn a_new_notice_is_checked() {
        let n = notice();
        let today = Date::from_calendar_date(2026, time::Month::November, 21).unwrap();
        let a = OrgId::from("a");
        assert!(n.check(today, std::slice::from_ref(&a)).is_ok());
        assert_eq!(field(n.check(today, &[]).unwrap_err()), "targets");
        assert_eq!(
            field(n.check(today, &[a.clone(), a.clone()]).unwrap_err()),
            "targets"
        );
        assert_eq!(
            field(n.check(today, &[OrgId::from("county")]).unwrap_err()),
            "targets"
        );
        let late = today.saturating_add(time::Duration::days(7));
        assert_eq!(field(n.check(late, &[a]).unwrap_err()), "due_on");
    }

    #[test]
    fn cves_are_read_one_by_one() {
        assert_eq!(
            parse_cves("cve-2014-6271, CVE-2021-44228\nCVE-2014-6271、CVE-2024-3400").unwrap(),
            vec!["CVE-2014-6271", "CVE-2021-44228", "CVE-2024-3400"]
        );
        assert!(parse_cves("  ").unwrap().is_empty());
        let e = parse_cves("CVE-2014-6271 10.0.0.1").unwrap_err();
        match e {
            DomainError::Invalid { field, reason } => {
                assert_eq!(field, "cves");
                assert_eq!(reason.key(), "reason.threat_notices.cve");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn steps_number_and_follow() {
        assert_eq!(Step::Investigate.number(), 1);
        assert_eq!(Step::Recover.number(), 6);
        assert_eq!(Step::Handle.next(), Some(Step::Recover));
        assert_eq!(Step::Recover.next(), None);
        for s in Step::ALL {
            assert_eq!(Step::parse(s.as_str()).unwrap(), s);
        }
    }
}
