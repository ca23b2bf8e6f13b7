//! The incident record: recorded by the agency with what it knows, the level
//! computed from the rule data (or overridden with a justification), the
//! clocks' anchors set by actions (notified, reviewed, recovered, report
//! sent, closed, reopened), the timeline, and the escalations.
//!
//! Readers who cannot write the incident's organisation (supervisors above
//! it) see the reporter and the actors masked.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use zian_domain::incidents::{
    EntryEvidence, EntryKind, Incident, IncidentFilter, IncidentMetrics, IncidentStatus,
    TimelineEntry, data_kinds, escalation_stage, facts_of, mask_contact, mask_name, metrics,
    parse_level,
};
use zian_domain::{
    AssetId, EvidenceId, FindingId, IncidentId, ListQuery, Memo, OrgId, OrgScope, Organisation,
    Page, Permission, Principal, Text,
};
use zian_i18n::{Msg, msg};
use zian_rules::incident::{IncidentRules, IncidentVersion, TAIPEI};
use zian_rules::playbooks::Playbooks;

use super::{moment, optional};
use crate::inbox::Raise;
use crate::jobs::{JobContext, JobHandler};
use crate::{App, AppError, Result};

/// The job that escalates the clocks (every five minutes by default).
pub const KIND_CLOCKS: &str = "incidents.clocks";

/// A later action may be dated at most this far ahead of the server's
/// clock (a few minutes of drift between the handler's watch and ours).
const AHEAD: i64 = 300;

/// An incident to record, or its new facts and report fields (the same
/// body). Times are RFC 3339, or `YYYY-MM-DDTHH:MM` in Asia/Taipei.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "IncidentIn")]
pub struct IncidentInput {
    /// A short title (事件名稱), at most 200 characters.
    pub title: String,
    /// What happened (事件說明), at most 4,000 characters.
    #[serde(default)]
    pub description: Option<String>,
    /// When it happened (發生時間), if known.
    #[serde(default)]
    pub occurred_at: Option<String>,
    /// When the agency became aware (知悉時間): every clock starts here.
    pub aware_at: String,
    /// Who reported it inside the agency, and how to reach them.
    pub reporter: String,
    #[serde(default)]
    pub reporter_contact: Option<String>,
    /// Affected assets of the organisation's register.
    #[serde(default)]
    pub asset_ids: Option<Vec<String>>,
    /// `non_core`, `core`, `core_ci`, `official_secret`, `sensitive`, `state_secret`.
    pub asset_class: String,
    /// `none`, `minor`, `serious`.
    pub confidentiality: String,
    /// `none`, `minor`, `serious`.
    pub integrity: String,
    /// `none`, `within_mtd`, `beyond_mtd`.
    pub availability: String,
    /// `state_secret`, `official_secret`, `sensitive`, `personal`.
    #[serde(default)]
    pub data_kinds: Option<Vec<String>>,
    /// 1–4 instead of the computed level; needs `override_reason`.
    #[serde(default)]
    pub level_override: Option<u8>,
    #[serde(default)]
    pub override_reason: Option<String>,
    /// The emergency handling principle to follow as a checklist:
    /// `internal_sabotage`, `malware`, `intrusion`, `building_emergency`
    /// (seed 002 §5.3.5); another one starts its checklist afresh.
    #[serde(default)]
    pub playbook: Option<String>,
    /// Art. 3: response measures (應變處置), external support needed, other.
    #[serde(default)]
    pub measures: Option<String>,
    #[serde(default)]
    pub support_needed: Option<String>,
    #[serde(default)]
    pub other_notes: Option<String>,
}

/// A step of the response that sets a clock's anchor.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "IncidentActionIn")]
pub struct ActionInput {
    /// `notified` (通報), `reviewed` (the supervising authority's review),
    /// `recovered` (damage control or recovery completed), `reported` (the
    /// investigation, handling and improvement report sent), `closed`,
    /// `reopened`.
    pub action: String,
    /// When it happened; default: now.
    #[serde(default)]
    pub at: Option<String>,
    /// What was done, in the handler's words.
    #[serde(default)]
    pub text: Option<String>,
    /// Closing: the root cause and the lessons learned (both required).
    #[serde(default)]
    pub root_cause: Option<String>,
    #[serde(default)]
    pub lessons: Option<String>,
    /// Closing: the improvements' schedule and how their effect is
    /// followed up (optional).
    #[serde(default)]
    pub follow_up: Option<String>,
}

/// The vulnerability findings an incident came through (the list replaces
/// the one recorded).
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "IncidentFindingsIn")]
pub struct FindingsInput {
    /// Findings of the incident's organisation, at most 200.
    pub finding_ids: Vec<String>,
}

/// A step of the incident's playbook ticked off (or back).
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "IncidentCheckIn")]
pub struct CheckInput {
    /// The step's number, from 0.
    pub step: u32,
    pub done: bool,
}

/// A step of the playbook with whether it is done.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct StepView {
    pub step: u32,
    pub text_zh: String,
    pub text_en: String,
    pub done: bool,
}

/// An action of the response for the timeline.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "IncidentNoteIn")]
pub struct NoteInput {
    /// When it happened; default: now.
    #[serde(default)]
    pub at: Option<String>,
    /// What was done (at most 4,000 characters).
    pub text: String,
    /// An evidence file of the incident's organisation: the entry keeps its
    /// SHA-256 and name.
    #[serde(default)]
    pub evidence_id: Option<String>,
}

/// One legal clock of an incident.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ClockView {
    /// `notify`, `review`, `recover`, `report`.
    pub clock: &'static str,
    /// Unix seconds; none until the clock starts (the review after the
    /// notification, the report after recovery) or without a level.
    pub deadline: Option<i64>,
    /// When it was done.
    pub done_at: Option<i64>,
    /// `waiting` (not started), `pending`, `overdue`, `met`, `late`.
    pub state: &'static str,
}

/// An incident as its reader may see it, with its clocks.
#[derive(Debug, Clone, Serialize)]
pub struct IncidentView {
    pub incident: Incident,
    pub org_name: String,
    pub level: Option<u8>,
    pub major: bool,
    /// A new report is due: the level changed after the notification.
    pub renotify: bool,
    pub clocks: Vec<ClockView>,
    /// The nearest deadline not yet met.
    pub next_deadline: Option<i64>,
    pub overdue: bool,
    /// Personal data masked (the reader is outside the organisation).
    pub masked: bool,
    pub can_write: bool,
    pub regulation: String,
    pub source: String,
    pub calendar_known: bool,
    pub timeline: Vec<TimelineEntry>,
    /// The playbook's names and steps (none without one).
    pub playbook_name: Option<(String, String)>,
    pub steps: Vec<StepView>,
}

/// A line of the incident list.
pub type IncidentRow = IncidentView;

/// The incidents of an organisation's subtree.
#[derive(Debug, Clone, Serialize)]
pub struct IncidentList {
    pub org: Organisation,
    pub page: Page<IncidentRow>,
    /// Not closed, nearest deadline first (at most the store's limit).
    pub open: Vec<IncidentRow>,
    /// The last twelve months (by awareness).
    pub metrics: IncidentMetrics,
    pub can_write: bool,
}

/// Filters of the list, from query pairs: `status`, `open` (`true`/`1`),
/// `level` (1–4); other pairs are ignored.
pub fn incident_filter(pairs: &[(String, String)]) -> Result<IncidentFilter> {
    let mut f = IncidentFilter::default();
    for (k, v) in pairs {
        let v = v.trim();
        if v.is_empty() {
            continue;
        }
        match k.as_str() {
            "status" => f.status = Some(IncidentStatus::parse(v)?),
            "open" => {
                f.open = match v {
                    "true" | "1" => true,
                    "false" | "0" => false,
                    _ => return Err(AppError::invalid("open", msg!("reason.bool"))),
                }
            }
            "level" => {
                let l: u8 = v
                    .parse()
                    .map_err(|_| AppError::invalid("level", msg!("reason.incidents.level")))?;
                f.level = Some(parse_level("level", l)?);
            }
            _ => {}
        }
    }
    Ok(f)
}

fn rules() -> Result<&'static IncidentRules> {
    IncidentRules::shipped().map_err(|e| AppError::Internal(e.to_string()))
}

fn version_for(rules: &IncidentRules, aware: i64) -> Result<&IncidentVersion> {
    let on = at(aware).to_offset(TAIPEI).date();
    rules
        .version_on(on)
        .ok_or_else(|| AppError::invalid("aware_at", msg!("reason.incidents.no_rules")))
}

fn at(t: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(t).unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

fn memo<const N: usize>(field: &'static str, v: &Option<String>) -> Result<Memo<N>> {
    Ok(Memo::parse(field, v.as_deref().unwrap_or(""))?)
}

/// The clocks of an incident at `now`.
fn clocks(x: &Incident, rules: &IncidentRules, now: i64) -> (Vec<ClockView>, bool) {
    let Ok(v) = version_for(rules, x.aware_at) else {
        return (Vec::new(), true);
    };
    let level = x.level();
    let c = v.clocks(
        level,
        at(x.aware_at),
        x.notified_at.map(at),
        x.recovered_at.map(at),
        &rules.calendar,
    );
    let ts = |t: Option<OffsetDateTime>| t.map(OffsetDateTime::unix_timestamp);
    let notify_by = level.map(|_| x.notify_anchor() + v.notify_hours * 3600);
    let state = |deadline: Option<i64>, done: Option<i64>| match (deadline, done) {
        (None, None) => "waiting",
        (None, Some(_)) => "met",
        (Some(d), Some(t)) => {
            if t <= d {
                "met"
            } else {
                "late"
            }
        }
        (Some(d), None) => {
            if now >= d {
                "overdue"
            } else {
                "pending"
            }
        }
    };
    let notify_done = if x.notification_due() {
        None
    } else {
        x.notified_at
    };
    let out = vec![
        ClockView {
            clock: "notify",
            deadline: notify_by,
            done_at: notify_done,
            state: if level.is_none() && x.notified_at.is_none() {
                "waiting"
            } else {
                state(notify_by, notify_done)
            },
        },
        ClockView {
            clock: "review",
            deadline: ts(c.review_by),
            done_at: x.reviewed_at,
            state: state(ts(c.review_by), x.reviewed_at),
        },
        ClockView {
            clock: "recover",
            deadline: ts(c.recover_by),
            done_at: x.recovered_at,
            state: state(ts(c.recover_by), x.recovered_at),
        },
        ClockView {
            clock: "report",
            deadline: ts(c.report_by),
            done_at: x.reported_at,
            state: state(ts(c.report_by), x.reported_at),
        },
    ];
    let known = c
        .report_by
        .is_none_or(|r| rules.calendar.knows(r.to_offset(TAIPEI).year()));
    (out, known)
}

impl App {
    fn incident_view(
        &self,
        p: &Principal,
        x: Incident,
        org: Option<&Organisation>,
        timeline: Vec<TimelineEntry>,
    ) -> Result<IncidentView> {
        let rules = rules()?;
        let now = self.now();
        let (clocks, calendar_known) = if x.status == IncidentStatus::Closed {
            (clocks(&x, rules, x.closed_at.unwrap_or(now)).0, true)
        } else {
            clocks(&x, rules, now)
        };
        let can_write = org.is_some_and(|o| p.can(Permission::RecordWrite, &o.path));
        let masked = !can_write;
        let (regulation, source) = version_for(rules, x.aware_at)
            .map(|v| (v.regulation.clone(), v.source.clone()))
            .unwrap_or_default();
        let open = x.status != IncidentStatus::Closed;
        let next_deadline = clocks
            .iter()
            .filter(|c| open && matches!(c.state, "pending" | "overdue"))
            .filter_map(|c| c.deadline)
            .min();
        let mut x = x;
        let mut timeline = timeline;
        if masked {
            x.reporter = Text::stored(mask_name(&x.reporter));
            x.reporter_contact = Memo::stored(mask_contact(&x.reporter_contact));
            for e in &mut timeline {
                e.actor_name = mask_name(&e.actor_name);
            }
        }
        let book = x
            .playbook
            .as_deref()
            .and_then(|id| Playbooks::shipped().ok().and_then(|b| b.get(id)));
        let steps = book
            .map(|b| {
                b.steps
                    .iter()
                    .zip(0u32..)
                    .map(|((zh, en), n)| StepView {
                        step: n,
                        text_zh: zh.clone(),
                        text_en: en.clone(),
                        done: x.checklist.contains(&n),
                    })
                    .collect()
            })
            .unwrap_or_default();
        Ok(IncidentView {
            playbook_name: book.map(|b| (b.name_zh.clone(), b.name_en.clone())),
            steps,
            level: x.level(),
            major: x.major(),
            renotify: x.renotify_pending(),
            overdue: clocks.iter().any(|c| open && c.state == "overdue"),
            next_deadline,
            clocks,
            org_name: org.map(|o| o.name_zh.clone()).unwrap_or_default(),
            incident: x,
            masked,
            can_write,
            regulation,
            source,
            calendar_known,
            timeline,
        })
    }

    /// A time typed into an action: not before awareness, not ahead of now.
    fn action_time(&self, field: &str, v: &Option<String>, aware: i64) -> Result<i64> {
        let now = self.now();
        let t = optional(field, v)?.map_or(now, OffsetDateTime::unix_timestamp);
        if t < aware {
            return Err(AppError::invalid(
                field,
                msg!("reason.incidents.before_aware"),
            ));
        }
        if t > now + AHEAD {
            return Err(AppError::invalid(field, msg!("reason.incidents.at_future")));
        }
        Ok(t)
    }

    fn entry(
        &self,
        p: Option<&Principal>,
        x: &Incident,
        at: i64,
        kind: EntryKind,
        text: String,
    ) -> TimelineEntry {
        TimelineEntry {
            id: self.ids.new_id(),
            incident_id: x.id.clone(),
            org_id: x.org_id.clone(),
            at,
            kind,
            text: Memo::stored(text),
            actor: p.map(|p| p.user.id.clone()),
            actor_name: p.map_or_else(String::new, |p| p.user.display_name.clone()),
            recorded_at: self.now(),
            evidence: None,
        }
    }

    /// Builds the record from an input (new, or over `old`).
    async fn incident_record(
        &self,
        p: &Principal,
        org: &Organisation,
        input: &IncidentInput,
        old: Option<&Incident>,
    ) -> Result<Incident> {
        let now = self.now();
        let facts = facts_of(
            &input.asset_class,
            &input.confidentiality,
            &input.integrity,
            &input.availability,
        )?;
        let aware = moment("aware_at", &input.aware_at)?.unix_timestamp();
        if aware > now + 3600 {
            return Err(AppError::invalid(
                "aware_at",
                msg!("reason.incidents.future"),
            ));
        }
        let occurred = optional("occurred_at", &input.occurred_at)?.map(|t| t.unix_timestamp());
        if occurred.is_some_and(|o| o > aware) {
            return Err(AppError::invalid(
                "occurred_at",
                msg!("reason.incidents.occurred_after_aware"),
            ));
        }
        if let Some(o) = old {
            // the anchors already set stay after awareness
            let first = [o.notified_at, o.reviewed_at, o.recovered_at, o.reported_at]
                .into_iter()
                .flatten()
                .min();
            if first.is_some_and(|t| t < aware) {
                return Err(AppError::invalid(
                    "aware_at",
                    msg!("reason.incidents.after_actions"),
                ));
            }
        }
        let rules = rules()?;
        let v = version_for(rules, aware)?;
        let computed = v.level(&facts);
        let level_override = input
            .level_override
            .map(|l| parse_level("level_override", l))
            .transpose()?;
        let override_reason: Memo<1000> = memo("override_reason", &input.override_reason)?;
        if level_override.is_some() && override_reason.is_empty() {
            return Err(AppError::invalid(
                "override_reason",
                msg!("reason.incidents.override_reason"),
            ));
        }
        let mut asset_ids: Vec<AssetId> = Vec::new();
        for a in input.asset_ids.iter().flatten() {
            let a = a.trim();
            if !a.is_empty() && !asset_ids.iter().any(|x| x.as_str() == a) {
                asset_ids.push(AssetId::from(a));
            }
        }
        if asset_ids.len() > 200 {
            return Err(AppError::invalid(
                "asset_ids",
                msg!("reason.incidents.too_many_assets"),
            ));
        }
        for a in &asset_ids {
            let owned = self
                .stores
                .assets
                .get(&p.scope(Permission::RecordRead), a)
                .await?
                .is_some_and(|x| x.org_id == org.id);
            if !owned {
                return Err(AppError::invalid(
                    "asset_ids",
                    msg!("reason.incidents.asset_unknown", id = a.as_str()),
                ));
            }
        }
        let mut x = match old {
            Some(o) => o.clone(),
            None => Incident {
                id: IncidentId::new(self.ids.new_id()),
                org_id: org.id.clone(),
                number: String::new(),
                title: Text::parse("title", &input.title)?,
                description: Memo::stored(String::new()),
                occurred_at: None,
                aware_at: aware,
                reporter: Text::parse("reporter", &input.reporter)?,
                reporter_contact: Memo::stored(String::new()),
                asset_ids: Vec::new(),
                facts,
                data_kinds: Vec::new(),
                rules_version: v.id.clone(),
                computed_level: computed,
                level_override,
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
                checklist: Vec::new(),
                measures: Memo::stored(String::new()),
                support_needed: Memo::stored(String::new()),
                other_notes: Memo::stored(String::new()),
                root_cause: Memo::stored(String::new()),
                lessons: Memo::stored(String::new()),
                follow_up: Memo::stored(String::new()),
                finding_ids: Vec::new(),
                created_by: Some(p.user.id.clone()),
                created_at: now,
                updated_at: now,
            },
        };
        x.title = Text::parse("title", &input.title)?;
        x.description = memo("description", &input.description)?;
        x.occurred_at = occurred;
        x.aware_at = aware;
        x.reporter = Text::parse("reporter", &input.reporter)?;
        x.reporter_contact = memo("reporter_contact", &input.reporter_contact)?;
        x.asset_ids = asset_ids;
        x.facts = facts;
        x.data_kinds = data_kinds(input.data_kinds.as_deref().unwrap_or(&[]))?;
        x.rules_version = v.id.clone();
        x.override_reason = override_reason;
        let playbook = match input.playbook.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(id) => Some(
                Playbooks::shipped()
                    .map_err(|e| AppError::Internal(e.to_string()))?
                    .get(id)
                    .map(|b| b.id.clone())
                    .ok_or_else(|| {
                        AppError::invalid(
                            "playbook",
                            msg!(
                                "reason.one_of",
                                values =
                                    "internal_sabotage, malware, intrusion, building_emergency"
                            ),
                        )
                    })?,
            ),
        };
        if playbook != x.playbook {
            x.checklist.clear();
        }
        x.playbook = playbook;
        x.measures = memo("measures", &input.measures)?;
        x.support_needed = memo("support_needed", &input.support_needed)?;
        x.other_notes = memo("other_notes", &input.other_notes)?;
        x.relevel(computed, level_override, now);
        x.updated_at = now;
        Ok(x)
    }

    async fn org_of_incident(
        &self,
        p: &Principal,
        id: &IncidentId,
    ) -> Result<(Incident, Organisation)> {
        let x = self
            .stores
            .incidents
            .get(&p.scope(Permission::RecordRead), id)
            .await?
            .ok_or(AppError::NotFound)?;
        let org = self.org_with(p, &x.org_id, Permission::RecordRead).await?;
        Ok((x, org))
    }

    /// Records an incident of an organisation.
    pub async fn record_incident(
        &self,
        p: &Principal,
        org_id: &OrgId,
        input: IncidentInput,
    ) -> Result<IncidentView> {
        let org = self.org_with(p, org_id, Permission::RecordWrite).await?;
        let mut x = self.incident_record(p, &org, &input, None).await?;
        let first = self.entry(Some(p), &x, x.aware_at, EntryKind::Recorded, String::new());
        let mut e = p.event("incident.recorded", Some(&org.id), Some(&x.id));
        e.details = serde_json::json!({"title": x.title, "level": x.level(), "aware_at": x.aware_at, "rules": x.rules_version});
        x.number = self
            .stores
            .incidents
            .insert(&p.scope(Permission::RecordWrite), &x, &first, e)
            .await?;
        self.get_incident(p, &x.id).await
    }

    /// Names the vulnerability findings the incident came through (at
    /// closure or any time): each must be the organisation's; the timeline
    /// records the CVEs.
    pub async fn link_incident_findings(
        &self,
        p: &Principal,
        id: &IncidentId,
        input: FindingsInput,
    ) -> Result<IncidentView> {
        let (mut x, _) = self.org_of_incident(p, id).await?;
        let org = self.org_with(p, &x.org_id, Permission::RecordWrite).await?;
        let mut ids: Vec<String> = input
            .finding_ids
            .iter()
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect();
        ids.sort();
        ids.dedup();
        if ids.len() > 200 {
            return Err(AppError::invalid(
                "finding_ids",
                msg!("reason.range", min = 0, max = 200),
            ));
        }
        let scope = p.scope(Permission::RecordRead);
        let mut cves = Vec::new();
        for f in &ids {
            let finding = self
                .stores
                .vulns
                .get(&scope, &FindingId::from(f.as_str()))
                .await?
                .filter(|v| v.org_id == org.id)
                .ok_or_else(|| {
                    AppError::invalid("finding_ids", msg!("reason.incidents.finding_of_org"))
                })?;
            cves.push(format!("{} {}", finding.cve_id, finding.asset_name));
        }
        x.finding_ids = ids.into_iter().map(FindingId::from).collect();
        x.updated_at = self.now();
        let entry = self.entry(
            Some(p),
            &x,
            x.updated_at,
            EntryKind::Edited,
            cves.join("、"),
        );
        let mut e = p.event("incident.findings_linked", Some(&org.id), Some(&x.id));
        e.details = serde_json::json!({"number": x.number, "findings": x.finding_ids});
        self.stores
            .incidents
            .update(&p.scope(Permission::RecordWrite), &x, &entry, e)
            .await?;
        self.get_incident(p, &x.id).await
    }

    /// The findings an incident names, and the open confirmed findings of
    /// its affected assets that it might (at most 50 an asset).
    pub async fn incident_findings(
        &self,
        p: &Principal,
        x: &Incident,
    ) -> Result<(
        Vec<zian_domain::vulns::Finding>,
        Vec<zian_domain::vulns::Finding>,
    )> {
        let scope = p.scope(Permission::RecordRead);
        let mut linked = Vec::new();
        for f in &x.finding_ids {
            if let Some(v) = self.stores.vulns.get(&scope, f).await? {
                linked.push(v);
            }
        }
        let mut open = Vec::new();
        for a in &x.asset_ids {
            let q = ListQuery::all(50).with("asset", a.as_str());
            for v in self
                .stores
                .vulns
                .list(&scope, &x.org_id, &q, self.today())
                .await?
                .items
            {
                if !x.finding_ids.contains(&v.id) {
                    open.push(v);
                }
            }
        }
        Ok((linked, open))
    }

    /// An incident with its clocks and timeline.
    pub async fn get_incident(&self, p: &Principal, id: &IncidentId) -> Result<IncidentView> {
        let (x, org) = self.org_of_incident(p, id).await?;
        let timeline = self
            .stores
            .incidents
            .timeline(&p.scope(Permission::RecordRead), &x.id)
            .await?;
        self.incident_view(p, x, Some(&org), timeline)
    }

    /// Replaces an incident's facts and report fields; a changed level after
    /// the notification starts a new report's clock.
    pub async fn update_incident(
        &self,
        p: &Principal,
        id: &IncidentId,
        input: IncidentInput,
    ) -> Result<IncidentView> {
        let (old, _) = self.org_of_incident(p, id).await?;
        let org = self
            .org_with(p, &old.org_id, Permission::RecordWrite)
            .await?;
        if old.status == IncidentStatus::Closed {
            return Err(AppError::Conflict("incident_closed"));
        }
        let x = self.incident_record(p, &org, &input, Some(&old)).await?;
        let text = if x.level() != old.level() {
            format!(
                "{} → {}",
                old.level().map_or("—".into(), |l| l.to_string()),
                x.level().map_or("—".into(), |l| l.to_string())
            )
        } else {
            String::new()
        };
        let entry = self.entry(Some(p), &x, self.now(), EntryKind::Edited, text);
        let mut e = p.event("incident.edited", Some(&org.id), Some(&x.id));
        e.details = serde_json::json!({"number": x.number, "level": [old.level(), x.level()], "renotify": x.renotify_pending()});
        self.stores
            .incidents
            .update(&p.scope(Permission::RecordWrite), &x, &entry, e)
            .await?;
        self.get_incident(p, &x.id).await
    }

    /// Records a step that sets a clock's anchor (see [`ActionInput`]).
    pub async fn incident_action(
        &self,
        p: &Principal,
        id: &IncidentId,
        input: ActionInput,
    ) -> Result<IncidentView> {
        let (old, _) = self.org_of_incident(p, id).await?;
        let org = self
            .org_with(p, &old.org_id, Permission::RecordWrite)
            .await?;
        let kind = EntryKind::parse(&input.action)
            .ok()
            .filter(|k| {
                matches!(
                    k,
                    EntryKind::Notified
                        | EntryKind::Reviewed
                        | EntryKind::Recovered
                        | EntryKind::Reported
                        | EntryKind::Closed
                        | EntryKind::Reopened
                )
            })
            .ok_or_else(|| {
                AppError::invalid(
                    "action",
                    msg!(
                        "reason.one_of",
                        values = "notified, reviewed, recovered, reported, closed, reopened"
                    ),
                )
            })?;
        let t = self.action_time("at", &input.at, old.aware_at)?;
        let text: Memo<4000> = memo("text", &input.text)?;
        let mut x = old.clone();
        let refuse = |why: &'static str| Err(AppError::Conflict(why));
        let closed = old.status == IncidentStatus::Closed;
        if closed && kind != EntryKind::Reopened {
            return refuse("incident_closed");
        }
        match kind {
            EntryKind::Notified => {
                if !old.notification_due() && old.notified_at.is_some() {
                    return refuse("incident_notified");
                }
                if x.notified_at.is_none() {
                    x.notified_at = Some(t);
                }
                x.notified_level = x.level();
                x.level_changed_at = None;
            }
            EntryKind::Reviewed => {
                if old.notified_at.is_none() {
                    return refuse("incident_not_notified");
                }
                x.reviewed_at = Some(t);
            }
            EntryKind::Recovered => {
                if old.recovered_at.is_some() {
                    return refuse("incident_recovered");
                }
                x.recovered_at = Some(t);
                x.status = IncidentStatus::Recovered;
            }
            EntryKind::Reported => {
                let Some(r) = old.recovered_at else {
                    return refuse("incident_not_recovered");
                };
                if t < r {
                    return Err(AppError::invalid(
                        "at",
                        msg!("reason.incidents.before_recovery"),
                    ));
                }
                x.reported_at = Some(t);
            }
            EntryKind::Closed => {
                if old.recovered_at.is_none() {
                    return refuse("incident_not_recovered");
                }
                if old.level().is_some() && old.reported_at.is_none() {
                    return refuse("incident_not_reported");
                }
                let root: Memo<4000> = memo("root_cause", &input.root_cause)?;
                let lessons: Memo<4000> = memo("lessons", &input.lessons)?;
                for (field, v) in [("root_cause", &root), ("lessons", &lessons)] {
                    if v.is_empty() {
                        return Err(AppError::invalid(field, msg!("reason.required")));
                    }
                }
                x.root_cause = root;
                x.lessons = lessons;
                x.follow_up = memo("follow_up", &input.follow_up)?;
                x.closed_at = Some(t);
                x.status = IncidentStatus::Closed;
            }
            _ => {
                if !closed {
                    return refuse("incident_open");
                }
                x.closed_at = None;
                x.status = if x.recovered_at.is_some() {
                    IncidentStatus::Recovered
                } else {
                    IncidentStatus::Open
                };
            }
        }
        x.updated_at = self.now();
        let entry = self.entry(Some(p), &x, t, kind, text.into_string());
        let action = format!("incident.{}", kind.as_str());
        let mut e = p.event(&action, Some(&org.id), Some(&x.id));
        e.details = serde_json::json!({"number": x.number, "at": t, "level": x.level()});
        self.stores
            .incidents
            .update(&p.scope(Permission::RecordWrite), &x, &entry, e)
            .await?;
        if kind == EntryKind::Notified {
            self.raise_notified(&x, &org).await;
        }
        self.get_incident(p, &x.id).await
    }

    /// The supervising organisations are told of a notification: their
    /// review is due within hours.
    async fn raise_notified(&self, x: &Incident, org: &Organisation) {
        let title = |name: &str| {
            msg!(
                "inbox.notice.incidents_notified",
                org = name,
                number = x.number.as_str(),
                level = x.level().unwrap_or(0)
            )
        };
        let r = Raise {
            event: "incidents.notified",
            org: Some(org.id.clone()),
            title: title(&org.name_zh),
            title_en: Some(title(english(org))),
            link: Some(format!("/incidents/{}", x.id)),
            dedupe_key: Some(format!(
                "incidents.notified:{}:{:?}",
                x.id, x.notified_level
            )),
        };
        self.raise_to_supervisors(&org.id, &r).await;
    }

    /// Ticks a step of the incident's playbook off (or back), on the
    /// timeline with the step's text.
    pub async fn check_incident_step(
        &self,
        p: &Principal,
        id: &IncidentId,
        input: CheckInput,
    ) -> Result<IncidentView> {
        let (old, _) = self.org_of_incident(p, id).await?;
        let org = self
            .org_with(p, &old.org_id, Permission::RecordWrite)
            .await?;
        if old.status == IncidentStatus::Closed {
            return Err(AppError::Conflict("incident_closed"));
        }
        let books = Playbooks::shipped().map_err(|e| AppError::Internal(e.to_string()))?;
        let Some(book) = old.playbook.as_deref().and_then(|b| books.get(b)) else {
            return Err(AppError::Conflict("incident_no_playbook"));
        };
        let Some((zh, _)) = usize::try_from(input.step)
            .ok()
            .and_then(|i| book.steps.get(i))
        else {
            return Err(AppError::invalid(
                "step",
                msg!("reason.incidents.step", max = book.steps.len()),
            ));
        };
        let mut x = old.clone();
        x.checklist.retain(|n| *n != input.step);
        if input.done {
            x.checklist.push(input.step);
            x.checklist.sort_unstable();
        }
        if x.checklist == old.checklist {
            return self.get_incident(p, id).await;
        }
        let now = self.now();
        x.updated_at = now;
        let mark = if input.done { "✓" } else { "✗" };
        let entry = self.entry(Some(p), &x, now, EntryKind::Checked, format!("{mark} {zh}"));
        let mut e = p.event("incident.checked", Some(&org.id), Some(&x.id));
        e.details = serde_json::json!({"number": x.number, "playbook": book.id, "step": input.step, "done": input.done});
        self.stores
            .incidents
            .update(&p.scope(Permission::RecordWrite), &x, &entry, e)
            .await?;
        self.get_incident(p, &x.id).await
    }

    /// Adds an action of the response to the timeline.
    pub async fn add_incident_note(
        &self,
        p: &Principal,
        id: &IncidentId,
        input: NoteInput,
    ) -> Result<IncidentView> {
        let (x, _) = self.org_of_incident(p, id).await?;
        let org = self.org_with(p, &x.org_id, Permission::RecordWrite).await?;
        let text: Text<4000> = Text::parse("text", &input.text)?;
        let t = self.action_time("at", &input.at, x.aware_at)?;
        let mut entry = self.entry(Some(p), &x, t, EntryKind::Note, text.into_string());
        if let Some(eid) = input
            .evidence_id
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            let file = self
                .stores
                .evidence
                .get(&p.scope(Permission::RecordRead), &EvidenceId::from(eid))
                .await?
                .map(|(f, _)| f)
                .filter(|f| f.org_id == x.org_id)
                .ok_or_else(|| {
                    AppError::invalid("evidence_id", msg!("reason.incidents.evidence_unknown"))
                })?;
            entry.evidence = Some(EntryEvidence {
                id: file.id.to_string(),
                sha256: file.sha256,
                name: file.filename,
            });
        }
        let mut e = p.event("incident.noted", Some(&org.id), Some(&x.id));
        e.details = serde_json::json!({"number": x.number, "at": t, "evidence": entry.evidence});
        self.stores
            .incidents
            .add_entry(&p.scope(Permission::RecordWrite), &entry, e)
            .await?;
        self.get_incident(p, &x.id).await
    }

    /// The incidents of an organisation and the organisations under it,
    /// with the open ones by deadline and the last twelve months' figures.
    pub async fn incident_list(
        &self,
        p: &Principal,
        org_id: &OrgId,
        f: &IncidentFilter,
        q: &ListQuery,
    ) -> Result<IncidentList> {
        let org = self.org_with(p, org_id, Permission::RecordRead).await?;
        let scope = p.scope(Permission::RecordRead);
        let page = self.stores.incidents.list(&scope, &org.path, f, q).await?;
        let active = self.stores.incidents.active(&scope, &org.path).await?;
        let now = self.now();
        let figures = self
            .stores
            .incidents
            .figures(&scope, &org.path, now - 365 * 86_400, now + 3600)
            .await?;
        let orgs = self
            .orgs_by_id(&scope, page.items.iter().chain(&active))
            .await?;
        let view = |x: Incident| {
            let o = orgs.iter().find(|o| o.id == x.org_id);
            self.incident_view(p, x, o, Vec::new())
        };
        let mut open = active.into_iter().map(view).collect::<Result<Vec<_>>>()?;
        open.sort_by_key(|v| {
            (
                v.next_deadline.unwrap_or(i64::MAX),
                std::cmp::Reverse(v.level),
            )
        });
        let items = page
            .items
            .into_iter()
            .map(view)
            .collect::<Result<Vec<_>>>()?;
        Ok(IncidentList {
            can_write: p.can(Permission::RecordWrite, &org.path),
            org,
            page: Page {
                items,
                total: page.total,
                total_exact: page.total_exact,
                limit: page.limit,
                offset: page.offset,
            },
            open,
            metrics: metrics(&figures),
        })
    }

    async fn orgs_by_id<'a>(
        &self,
        scope: &OrgScope,
        xs: impl Iterator<Item = &'a Incident>,
    ) -> Result<Vec<Organisation>> {
        let mut out: Vec<Organisation> = Vec::new();
        for x in xs {
            if out.iter().any(|o| o.id == x.org_id) {
                continue;
            }
            if let Some(o) = self.stores.orgs.get(scope, &x.org_id).await? {
                out.push(o);
            }
        }
        Ok(out)
    }

    /// Escalates every open incident's clocks: a quarter of a window before
    /// its deadline (at least 30 minutes) and at the deadline, the
    /// organisation's officers and CISO and its supervisors are told, once
    /// per deadline and stage (recorded on the timeline). Returns the
    /// notices raised.
    pub async fn incidents_clocks(&self) -> Result<usize> {
        let all = OrgScope::system_wide();
        let rules = rules()?;
        let now = self.now();
        let mut raised = 0;
        for x in self.stores.incidents.active(&all, "").await? {
            let (clocks, _) = clocks(&x, rules, now);
            for c in &clocks {
                let (Some(deadline), "pending" | "overdue") = (c.deadline, c.state) else {
                    continue;
                };
                let start = match c.clock {
                    "notify" => x.notify_anchor(),
                    "review" => x.notified_at.unwrap_or(x.aware_at),
                    "report" => x.recovered_at.unwrap_or(x.aware_at),
                    _ => x.aware_at,
                };
                let Some(stage) = escalation_stage(now, start, deadline) else {
                    continue;
                };
                let key = format!("{}.{stage}", c.clock);
                let entry = self.entry(None, &x, now, EntryKind::Escalated, key.clone());
                if !self
                    .stores
                    .incidents
                    .claim_escalation(&all, &entry, &key, deadline)
                    .await?
                {
                    continue;
                }
                let Some(org) = self.stores.orgs.get(&all, &x.org_id).await? else {
                    continue;
                };
                let event = if stage == "due" {
                    "incidents.overdue"
                } else {
                    "incidents.deadline"
                };
                let when = taipei_minute(deadline);
                let title = |name: &str| {
                    Msg::new(format!("inbox.notice.incidents_{stage}"))
                        .arg("org", name)
                        .arg("number", x.number.as_str())
                        .arg_msg(
                            "clock",
                            Msg::new(format!("incidents.clock_name.{}", c.clock)),
                        )
                        .arg("at", when.as_str())
                };
                let r = Raise {
                    event,
                    org: Some(org.id.clone()),
                    title: title(&org.name_zh),
                    title_en: Some(title(english(&org))),
                    link: Some(format!("/incidents/{}", x.id)),
                    dedupe_key: Some(format!("incidents:{}:{key}:{deadline}", x.id)),
                };
                raised += self
                    .raise_to_holders(&org.id, Permission::RecordWrite, &r)
                    .await;
                raised += self
                    .raise_to_holders(&org.id, Permission::PlanApprove, &r)
                    .await;
                raised += self.raise_to_supervisors(&org.id, &r).await;
            }
        }
        Ok(raised)
    }
}

/// `YYYY-MM-DD HH:MM` in Asia/Taipei.
fn taipei_minute(t: i64) -> String {
    let d = at(t).to_offset(TAIPEI);
    format!(
        "{}-{:02}-{:02} {:02}:{:02}",
        d.year(),
        u8::from(d.month()),
        d.day(),
        d.hour(),
        d.minute()
    )
}

fn english(o: &Organisation) -> &str {
    if o.name_en.is_empty() {
        &o.name_zh
    } else {
        &o.name_en
    }
}

/// `incidents.clocks`.
pub(crate) struct ClocksJob;

#[async_trait::async_trait]
impl JobHandler for ClocksJob {
    async fn run(&self, cx: &JobContext) -> std::result::Result<(), String> {
        let raised = cx.app.incidents_clocks().await.map_err(|e| e.to_string())?;
        cx.progress(100, &format!("{raised} escalations raised"))
            .await;
        Ok(())
    }
}

/// The shipped playbooks: id, Chinese and English name (none when the data
/// does not load, which the rules' tests prevent).
pub fn playbooks() -> Vec<(String, String, String)> {
    Playbooks::shipped()
        .map(|b| {
            b.playbooks
                .iter()
                .map(|p| (p.id.clone(), p.name_zh.clone(), p.name_en.clone()))
                .collect()
        })
        .unwrap_or_default()
}
