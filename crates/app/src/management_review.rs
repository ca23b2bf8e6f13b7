//! Management review (管理審查): a meeting scheduled with its agenda's facts
//! gathered from the organisation's records since the previous review held
//! (prior review actions, rule and plan changes, the plan's findings,
//! objectives against their measurements, staffing and training, controls
//! and obligations, audits reported, corrective actions, risks, incidents),
//! gathered again on request until the minutes are final; the minutes per
//! topic, the attendees and decisions; held (final) once every topic is
//! discussed. Action items are corrective actions raised from the review,
//! listed as prior actions by the next one.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use time::Date;
use zian_domain::corrective::{CorrectiveAction, Source};
use zian_domain::day::ymd;
use zian_domain::management_review::{self as mr, Fact, ManagementReview, Minutes, Topic};
use zian_domain::org::Organisation;
use zian_domain::text::Memo;
use zian_domain::{ListQuery, ManagementReviewId, OrgId, Permission, Principal, Text};
use zian_storage::ActionFilter;

use crate::compliance::Status;
use crate::{App, AppError, Result};

/// A management review to schedule.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "ManagementReviewIn")]
pub struct ReviewInput {
    /// e.g. 115年度第1次資通安全管理審查會議, at most 200 characters.
    pub title: String,
    /// `YYYY-MM-DD`.
    pub scheduled_on: String,
    #[serde(default)]
    pub place: String,
    /// 主席
    #[serde(default)]
    pub chair: String,
}

/// One topic's notes (prepared) and discussion (minutes).
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "ManagementReviewItemIn")]
pub struct ItemInput {
    /// `prior_actions`, `changes`, `plan_adequacy`, `objectives`,
    /// `resources`, `controls`, `audit_results`, `nonconformities`, `risk`,
    /// `incidents`, `stakeholders`, `improvement`.
    pub topic: String,
    #[serde(default)]
    pub notes: String,
    #[serde(default)]
    pub discussion: String,
}

/// The minutes as typed so far.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "ManagementReviewMinutesIn")]
pub struct MinutesInput {
    #[serde(default)]
    pub chair: Option<String>,
    #[serde(default)]
    pub place: Option<String>,
    /// 出席人員, one per line (none: as it was).
    #[serde(default)]
    pub attendees: Option<String>,
    /// 決議事項, one per line (none: as it was).
    #[serde(default)]
    pub decisions: Option<String>,
    /// The topics written; those not named keep what they had.
    #[serde(default)]
    pub items: Vec<ItemInput>,
}

/// The minutes made final.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "ManagementReviewHeldIn")]
pub struct HeldInput {
    /// `YYYY-MM-DD`; default the meeting's day.
    #[serde(default)]
    pub held_on: Option<String>,
}

/// A review with what its page shows.
#[derive(Debug, Clone)]
pub struct ReviewView {
    pub review: ManagementReview,
    pub org: Organisation,
    /// The action items raised from it.
    pub actions: Vec<CorrectiveAction>,
    pub can_write: bool,
}

/// An organisation's reviews and whether one is due.
#[derive(Debug, Clone)]
pub struct ReviewList {
    pub org: Organisation,
    pub reviews: Vec<ManagementReview>,
    /// The latest review held.
    pub last_held: Option<Date>,
    /// No review held in the past year (the template asks one at least
    /// yearly).
    pub due: bool,
    pub can_write: bool,
}

fn put(f: &mut BTreeMap<Topic, Vec<Fact>>, t: Topic, x: Fact) {
    f.entry(t).or_default().push(x);
}

/// Most facts listed one by one per topic (the rest counted).
const LISTED: usize = 12;

impl App {
    /// Schedules a review, its facts gathered at once.
    pub async fn create_management_review(
        &self,
        p: &Principal,
        org_id: &OrgId,
        input: ReviewInput,
    ) -> Result<ManagementReview> {
        let org = self.org_with(p, org_id, Permission::RecordWrite).await?;
        let title = Text::<200>::parse("title", &input.title)?;
        let scheduled_on = zian_domain::day::parse("scheduled_on", &input.scheduled_on)?;
        let place = Memo::<200>::parse("place", &input.place)?;
        let chair = Memo::<100>::parse("chair", &input.chair)?;
        let now = self.now();
        let mut r = ManagementReview {
            id: ManagementReviewId::from(self.ids.new_id()),
            org_id: org.id.clone(),
            title: title.into_string(),
            scheduled_on,
            held_on: None,
            body: mr::Body {
                place: place.into_string(),
                chair: chair.into_string(),
                ..mr::Body::default()
            },
            created_by: Some(p.user.id.clone()),
            created_at: now,
            updated_at: now,
        };
        let (since, facts) = self.review_facts(p, &org, &r).await?;
        r.gather(since, facts, now)?;
        let mut e = p.event("management_review.created", Some(&org.id), Some(&r.id));
        e.details = serde_json::json!({"title": r.title, "scheduled_on": ymd(r.scheduled_on), "since": ymd(since)});
        self.stores
            .management_review
            .save_review(&p.scope(Permission::RecordWrite), &r, None, e)
            .await?;
        Ok(r)
    }

    async fn review_row(&self, p: &Principal, id: &ManagementReviewId) -> Result<ManagementReview> {
        let r = self
            .stores
            .management_review
            .get_review(&p.scope(Permission::RecordRead), id)
            .await?
            .ok_or(AppError::NotFound)?;
        self.org_with(p, &r.org_id, Permission::RecordRead).await?;
        Ok(r)
    }

    /// A review with its action items.
    pub async fn management_review(
        &self,
        p: &Principal,
        id: &ManagementReviewId,
    ) -> Result<ReviewView> {
        let review = self.review_row(p, id).await?;
        let org = self
            .org_with(p, &review.org_id, Permission::RecordRead)
            .await?;
        let actions = self
            .actions_of(p, Source::Review, review.id.as_str())
            .await?;
        Ok(ReviewView {
            can_write: self.can(p, Permission::RecordWrite, &org),
            review,
            org,
            actions,
        })
    }

    /// An organisation's reviews, the latest first.
    pub async fn management_reviews(&self, p: &Principal, org_id: &OrgId) -> Result<ReviewList> {
        let org = self.org_with(p, org_id, Permission::RecordRead).await?;
        let reviews = self
            .stores
            .management_review
            .reviews(&p.scope(Permission::RecordRead), Some(&org.id))
            .await?;
        let last_held = reviews.iter().filter_map(|r| r.held_on).max();
        let today = self.today();
        let year_ago = mr::since(&[], today);
        Ok(ReviewList {
            can_write: self.can(p, Permission::RecordWrite, &org),
            due: last_held.is_none_or(|d| d <= year_ago),
            last_held,
            reviews,
            org,
        })
    }

    /// Gathers the facts again (while being prepared).
    pub async fn gather_management_review(
        &self,
        p: &Principal,
        id: &ManagementReviewId,
    ) -> Result<ManagementReview> {
        let mut r = self.review_row(p, id).await?;
        let org = self.org_with(p, &r.org_id, Permission::RecordWrite).await?;
        let previous = r.updated_at;
        let (since, facts) = self.review_facts(p, &org, &r).await?;
        let now = self.now();
        r.gather(since, facts, now)?;
        r.updated_at = now.max(previous + 1);
        let mut e = p.event("management_review.gathered", Some(&org.id), Some(&r.id));
        e.details = serde_json::json!({"since": ymd(since)});
        self.stores
            .management_review
            .save_review(&p.scope(Permission::RecordWrite), &r, Some(previous), e)
            .await?;
        Ok(r)
    }

    /// Records the minutes typed so far.
    pub async fn write_management_review_minutes(
        &self,
        p: &Principal,
        id: &ManagementReviewId,
        input: MinutesInput,
    ) -> Result<ManagementReview> {
        let mut r = self.review_row(p, id).await?;
        let org = self.org_with(p, &r.org_id, Permission::RecordWrite).await?;
        let mut items = Vec::new();
        for i in &input.items {
            let t = Topic::parse(&i.topic)?;
            items.push((
                t,
                Memo::<4000>::parse("notes", &i.notes)?.into_string(),
                Memo::<4000>::parse("discussion", &i.discussion)?.into_string(),
            ));
        }
        let line_list =
            |field: &'static str, v: Option<&str>, max: usize| -> Result<Option<Vec<String>>> {
                let Some(v) = v else {
                    return Ok(None);
                };
                Memo::<4000>::parse(field, v)?;
                let l = mr::lines(v);
                if l.len() > max {
                    return Err(AppError::invalid(
                        field,
                        zian_i18n::msg!("reason.management_review.too_many_lines", max = max),
                    ));
                }
                Ok(Some(l))
            };
        let minutes = Minutes {
            chair: input
                .chair
                .as_deref()
                .map(|c| Memo::<100>::parse("chair", c).map(Memo::into_string))
                .transpose()?,
            place: input
                .place
                .as_deref()
                .map(|c| Memo::<200>::parse("place", c).map(Memo::into_string))
                .transpose()?,
            attendees: line_list("attendees", input.attendees.as_deref(), 100)?,
            items,
            decisions: line_list("decisions", input.decisions.as_deref(), 100)?,
        };
        let previous = r.updated_at;
        r.write_minutes(minutes)?;
        r.updated_at = self.now().max(previous + 1);
        let mut e = p.event("management_review.minutes", Some(&org.id), Some(&r.id));
        e.details = serde_json::json!({"attendees": r.body.attendees.len(), "decisions": r.body.decisions, "topics": input.items.iter().map(|i| i.topic.as_str()).collect::<Vec<_>>()});
        self.stores
            .management_review
            .save_review(&p.scope(Permission::RecordWrite), &r, Some(previous), e)
            .await?;
        Ok(r)
    }

    /// Makes the minutes final: the meeting was held.
    pub async fn hold_management_review(
        &self,
        p: &Principal,
        id: &ManagementReviewId,
        input: HeldInput,
    ) -> Result<ManagementReview> {
        let mut r = self.review_row(p, id).await?;
        let org = self.org_with(p, &r.org_id, Permission::RecordWrite).await?;
        let on = zian_domain::day::parse_opt("held_on", input.held_on.as_deref())?
            .unwrap_or(r.scheduled_on);
        let previous = r.updated_at;
        r.hold(on, self.today())?;
        r.updated_at = self.now().max(previous + 1);
        let mut e = p.event("management_review.held", Some(&org.id), Some(&r.id));
        e.details = serde_json::json!({"held_on": ymd(on), "decisions": r.body.decisions.len()});
        self.stores
            .management_review
            .save_review(&p.scope(Permission::RecordWrite), &r, Some(previous), e)
            .await?;
        Ok(r)
    }

    /// The days the organisation's reviews were held (for the
    /// implementation report and the next review's period).
    pub(crate) async fn reviews_held(
        &self,
        p: &Principal,
        org: &Organisation,
    ) -> Result<Vec<Date>> {
        Ok(self
            .stores
            .management_review
            .reviews(&p.scope(Permission::RecordRead), Some(&org.id))
            .await?
            .iter()
            .filter_map(|r| r.held_on)
            .collect())
    }

    /// The agenda's facts for a review: the records of `(since, until]`,
    /// `since` the previous review held, `until` the meeting (or today,
    /// when it is later).
    async fn review_facts(
        &self,
        p: &Principal,
        org: &Organisation,
        r: &ManagementReview,
    ) -> Result<(Date, BTreeMap<Topic, Vec<Fact>>)> {
        let held = self.reviews_held(p, org).await?;
        let since = mr::since(&held, r.scheduled_on);
        let today = self.today();
        // a meeting being prepared: the records until today; one recorded
        // afterwards: until its day
        let until = r.scheduled_on.min(today);
        let scope = p.scope(Permission::RecordRead);
        let mut f: BTreeMap<Topic, Vec<Fact>> = BTreeMap::new();
        let within = |d: Date| d > since && d <= until;

        // (1) the action items of earlier reviews
        let review_actions = self
            .stores
            .corrective
            .actions(
                &scope,
                Some(&org.id),
                &ActionFilter {
                    source: Some(Source::Review),
                    ..ActionFilter::default()
                },
                &ListQuery::all(500),
            )
            .await?
            .items;
        let mut n = 0;
        for a in review_actions
            .iter()
            .filter(|a| a.source_id != r.id.as_str())
            // done since the previous review (on its day too: after the meeting)
            .filter(|a| a.is_open() || a.done_on.is_some_and(|d| d >= since))
        {
            n += 1;
            if n > LISTED {
                break;
            }
            let key = match a.done_on {
                Some(_) => "management_review.fact.action_done",
                None if a.overdue(today) => "management_review.fact.action_overdue",
                None => "management_review.fact.action_open",
            };
            put(
                &mut f,
                Topic::PriorActions,
                Fact::new(key)
                    .arg("title", &a.title)
                    .arg("owner", &a.owner)
                    .arg("date", ymd(a.done_on.unwrap_or(a.due_on)))
                    .link(a.source.link(&a.source_id)),
            );
        }
        if n == 0 {
            put(
                &mut f,
                Topic::PriorActions,
                Fact::new("management_review.fact.no_prior_actions"),
            );
        }

        // (2) changes: the level, the rules in force, the plan approved
        if let Some(d) = org.level_assigned_on.filter(|d| within(*d)) {
            put(
                &mut f,
                Topic::Changes,
                Fact::new("management_review.fact.level_assigned")
                    .arg("level", org.level.map(|l| l.as_str()).unwrap_or("-"))
                    .arg("date", ymd(d)),
            );
        }
        let compliance = self.org_compliance(p, &org.id).await?;
        for ob in &compliance.obligations {
            let o = &ob.obligation;
            if let Ok(d) = zian_domain::day::parse("version", &o.rules_version)
                && within(d)
            {
                put(
                    &mut f,
                    Topic::Changes,
                    Fact::new("management_review.fact.rule_changed")
                        .arg("title", &o.title_zh)
                        .arg("date", ymd(d))
                        .link(format!("/orgs/{}/compliance", org.id)),
                );
            }
        }
        let versions = self.stores.plans.list(&scope, Some(&org.id)).await?;
        for v in versions
            .iter()
            .filter(|v| v.approved_on.is_some_and(within))
        {
            put(
                &mut f,
                Topic::Changes,
                Fact::new("management_review.fact.plan_approved")
                    .arg("version", v.version)
                    .arg("date", v.approved_on.map(ymd).unwrap_or_default())
                    .link(format!("/plans/{}", v.id)),
            );
        }
        if f.get(&Topic::Changes).is_none_or(Vec::is_empty) {
            put(
                &mut f,
                Topic::Changes,
                Fact::new("management_review.fact.no_changes"),
            );
        }

        // (3) the plan in force and what the pre-submission check finds;
        // (4)A objectives; (4)C controls; (5) risks — the plan's live data
        let in_force = versions
            .iter()
            .find(|v| v.status == zian_domain::plan::PlanStatus::Approved)
            .or_else(|| versions.first());
        match in_force {
            None => put(
                &mut f,
                Topic::PlanAdequacy,
                Fact::new("management_review.fact.no_plan").link(format!("/orgs/{}/plans", org.id)),
            ),
            Some(v) => {
                let view = self.plan_view(p, &v.id).await?;
                let live = self.live_data(p, org, &view.content).await?;
                put(
                    &mut f,
                    Topic::PlanAdequacy,
                    Fact::new(match v.approved_on {
                        Some(_) => "management_review.fact.plan_in_force",
                        None => "management_review.fact.plan_draft",
                    })
                    .arg("version", v.version)
                    .arg("date", v.approved_on.map(ymd).unwrap_or_default())
                    .arg("n", view.findings.len())
                    .link(format!("/plans/{}", v.id)),
                );
                if let Some(d) = v.review_due {
                    put(
                        &mut f,
                        Topic::PlanAdequacy,
                        Fact::new("management_review.fact.plan_review_due").arg("date", ymd(d)),
                    );
                }
                for o in &live.objectives {
                    let key = match o.met {
                        Some(true) => "management_review.fact.objective_met",
                        Some(false) => "management_review.fact.objective_missed",
                        None => "management_review.fact.objective_unmeasured",
                    };
                    let num =
                        |x: Option<f64>| x.map(|v| format!("{v}{}", o.unit)).unwrap_or_default();
                    put(
                        &mut f,
                        Topic::Objectives,
                        Fact::new(key)
                            .arg("title", &o.name)
                            .arg("m", num(o.measured))
                            .arg("n", format!("{} {}", o.comparator, num(o.target)))
                            .arg("date", o.period_end.clone().unwrap_or_default()),
                    );
                }
                let c = &live.controls;
                put(
                    &mut f,
                    Topic::Controls,
                    Fact::new("management_review.fact.controls")
                        .arg("n", c.applicable)
                        .arg("done", c.implemented)
                        .arg("m", c.partial + c.planned)
                        .arg("open", c.missing)
                        .link(format!("/orgs/{}/systems", org.id)),
                );
                let rs = &live.risks;
                put(
                    &mut f,
                    Topic::Risk,
                    Fact::new("management_review.fact.risks")
                        .arg("n", rs.total)
                        .arg("high", rs.above_threshold)
                        .arg("open", rs.open)
                        .arg("overdue", rs.overdue_treatments)
                        .link(format!("/orgs/{}/risks", org.id)),
                );
                if let Some(s) = live.requirements.security_staff {
                    put(
                        &mut f,
                        Topic::Resources,
                        Fact::new("management_review.fact.staff_required").arg("n", s),
                    );
                }
            }
        }
        if f.get(&Topic::Objectives).is_none_or(Vec::is_empty) {
            put(
                &mut f,
                Topic::Objectives,
                Fact::new("management_review.fact.no_objectives"),
            );
        }

        // (4)B staffing: the year's training roster and its gaps
        let training = self.training_year(p, &org.id, until.year()).await?;
        put(
            &mut f,
            Topic::Resources,
            Fact::new("management_review.fact.training")
                .arg("n", training.people.len())
                .arg("m", training.gaps.len())
                .arg("open", training.sessions.len())
                .link(format!("/orgs/{}/training?year={}", org.id, until.year())),
        );

        // (4)C the obligations' status
        let counts = &compliance.counts;
        put(
            &mut f,
            Topic::Controls,
            Fact::new("management_review.fact.obligations")
                .arg("done", counts.met)
                .arg("overdue", counts.overdue)
                .arg("m", counts.due_soon)
                .link(format!("/orgs/{}/compliance", org.id)),
        );
        for ob in compliance
            .obligations
            .iter()
            .filter(|o| o.status == Status::Overdue)
            .take(LISTED)
        {
            put(
                &mut f,
                Topic::Controls,
                Fact::new("management_review.fact.obligation_overdue")
                    .arg("title", &ob.obligation.title_zh)
                    .arg("date", ob.due.map(ymd).unwrap_or_default()),
            );
        }

        // (4)D audits reported in the period
        let audits = self
            .stores
            .audits
            .reported_audits(&scope, Some(&org.id))
            .await?;
        for a in audits
            .iter()
            .filter(|a| a.reported_on.is_some_and(within))
            .take(LISTED)
        {
            put(
                &mut f,
                Topic::AuditResults,
                Fact::new("management_review.fact.audit")
                    .arg("title", &a.title)
                    .arg("date", a.reported_on.map(ymd).unwrap_or_default())
                    .arg("findings", a.findings().count())
                    .arg("status", a.status.as_str())
                    .link(format!("/audits/{}", a.id)),
            );
        }
        if f.get(&Topic::AuditResults).is_none_or(Vec::is_empty) {
            put(
                &mut f,
                Topic::AuditResults,
                Fact::new("management_review.fact.no_audits")
                    .link(format!("/orgs/{}/audits", org.id)),
            );
        }

        // (4)E every corrective action: open, overdue, done in the period
        let all = self
            .stores
            .corrective
            .actions(
                &scope,
                Some(&org.id),
                &ActionFilter::default(),
                &ListQuery::all(500),
            )
            .await?
            .items;
        put(
            &mut f,
            Topic::Nonconformities,
            Fact::new("management_review.fact.corrective")
                .arg("open", all.iter().filter(|a| a.is_open()).count())
                .arg("overdue", all.iter().filter(|a| a.overdue(today)).count())
                .arg(
                    "done",
                    all.iter().filter(|a| a.done_on.is_some_and(within)).count(),
                )
                .link(format!("/orgs/{}/corrective-actions", org.id)),
        );
        for a in all.iter().filter(|a| a.overdue(today)).take(LISTED) {
            put(
                &mut f,
                Topic::Nonconformities,
                Fact::new("management_review.fact.action_overdue")
                    .arg("title", &a.title)
                    .arg("owner", &a.owner)
                    .arg("date", ymd(a.due_on))
                    .link(a.source.link(&a.source_id)),
            );
        }

        // (6) incidents the organisation became aware of in the period
        let from = since.midnight().assume_utc().unix_timestamp();
        let to = until
            .next_day()
            .unwrap_or(until)
            .midnight()
            .assume_utc()
            .unix_timestamp();
        let incidents = self
            .stores
            .incidents
            .list(
                &scope,
                &org.path,
                &zian_domain::incidents::IncidentFilter {
                    aware_from: Some(from),
                    aware_to: Some(to),
                    ..Default::default()
                },
                &ListQuery::all(500),
            )
            .await?
            .items;
        let own: Vec<_> = incidents.iter().filter(|i| i.org_id == org.id).collect();
        let major = |i: &&&zian_domain::incidents::Incident| i.level().is_some_and(|l| l >= 3);
        put(
            &mut f,
            Topic::Incidents,
            Fact::new("management_review.fact.incidents")
                .arg("n", own.len())
                .arg("high", own.iter().filter(major).count())
                .link(format!("/orgs/{}/incidents", org.id)),
        );
        let mut listed: Vec<_> = own.iter().filter(major).collect();
        if listed.is_empty() {
            listed = own.iter().collect();
        }
        for i in listed.into_iter().take(LISTED) {
            put(
                &mut f,
                Topic::Incidents,
                Fact::new("management_review.fact.incident")
                    .arg("title", i.title.as_str())
                    .arg(
                        "level",
                        i.level().map(|l| l.to_string()).unwrap_or_default(),
                    )
                    .arg("status", i.status.as_str())
                    .link(format!("/incidents/{}", i.id)),
            );
        }
        Ok((since, f))
    }
}

/// A review as the API shows it.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ReviewOut {
    pub id: String,
    pub org_id: String,
    pub title: String,
    pub scheduled_on: String,
    /// `planned` (being prepared) or `held` (the minutes final).
    pub status: String,
    pub held_on: Option<String>,
    pub place: String,
    pub chair: String,
    pub attendees: Vec<String>,
    /// The facts cover the records after this day.
    pub since: Option<String>,
    pub items: Vec<ItemOut>,
    pub decisions: Vec<String>,
    /// What still keeps the minutes from being final (field names).
    pub missing: Vec<String>,
}

/// A topic of the agenda.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ItemOut {
    pub topic: String,
    /// The template's numbering, e.g. `(4)A`.
    pub number: String,
    /// The facts, as the catalogue's message keys with their arguments.
    pub facts: Vec<FactOut>,
    pub notes: String,
    pub discussion: String,
}

/// A fact gathered from the records.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct FactOut {
    pub key: String,
    pub args: BTreeMap<String, String>,
    pub link: Option<String>,
}

impl ReviewOut {
    pub fn of(r: &ManagementReview) -> ReviewOut {
        ReviewOut {
            id: r.id.to_string(),
            org_id: r.org_id.to_string(),
            title: r.title.clone(),
            scheduled_on: ymd(r.scheduled_on),
            status: r.status().into(),
            held_on: r.held_on.map(ymd),
            place: r.body.place.clone(),
            chair: r.body.chair.clone(),
            attendees: r.body.attendees.clone(),
            since: r.body.since.map(ymd),
            items: r
                .body
                .items
                .iter()
                .map(|i| ItemOut {
                    topic: i.topic.as_str().into(),
                    number: i.topic.number().into(),
                    facts: i
                        .facts
                        .iter()
                        .map(|f| FactOut {
                            key: f.key.clone(),
                            args: f.args.clone(),
                            link: f.link.clone(),
                        })
                        .collect(),
                    notes: i.notes.clone(),
                    discussion: i.discussion.clone(),
                })
                .collect(),
            decisions: r.body.decisions.clone(),
            missing: if r.is_held() {
                Vec::new()
            } else {
                r.missing()
                    .into_iter()
                    .map(|(f, _)| f.to_string())
                    .collect()
            },
        }
    }
}
