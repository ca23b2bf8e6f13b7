//! Incidents, their timelines and the escalations their clocks raised.

use async_trait::async_trait;
use sqlx::any::AnyRow;
use zian_domain::audit::AuditEvent;
use zian_domain::incidents::{
    EntryEvidence, EntryKind, Figures, Incident, IncidentFilter, IncidentStatus, TimelineEntry,
    facts_codes, facts_of, incident_number,
};
use zian_domain::text::Memo;
use zian_domain::{AssetId, IncidentId, ListQuery, OrgScope, Page, Text, UserId};

use crate::db::{Cols, Sql, fetch_page, i, json, oi, order_by, os, s};
use crate::tx::AuditedTx;
use crate::{Result, SqlStore, StoreError};

/// At most this many incidents are read at once for the clocks and the
/// supervisors' open list.
pub const ACTIVE_LIMIT: i64 = 2_000;

#[async_trait]
pub trait IncidentStore: Send + Sync {
    /// Records an incident of an organisation in scope (each affected asset
    /// must be the organisation's) with its first timeline entry. Assigns
    /// and returns its number, the next of the organisation in the year of
    /// awareness (Taipei).
    async fn insert(
        &self,
        scope: &OrgScope,
        x: &Incident,
        first: &TimelineEntry,
        audit: AuditEvent,
    ) -> Result<String>;
    async fn get(&self, scope: &OrgScope, id: &IncidentId) -> Result<Option<Incident>>;
    /// The incidents of the organisations under `root_path` (itself
    /// included), filtered and paged; sort: `aware` (latest first,
    /// default), `number`, `level`, `updated`.
    async fn list(
        &self,
        scope: &OrgScope,
        root_path: &str,
        f: &IncidentFilter,
        q: &ListQuery,
    ) -> Result<Page<Incident>>;
    /// Incidents not closed under `root_path`, at most [`ACTIVE_LIMIT`],
    /// earliest awareness first.
    async fn active(&self, scope: &OrgScope, root_path: &str) -> Result<Vec<Incident>>;
    /// `(level, aware, notified, recovered, closed)` of the incidents under
    /// `root_path` the agency became aware of in `[from, to)`.
    async fn figures(
        &self,
        scope: &OrgScope,
        root_path: &str,
        from: i64,
        to: i64,
    ) -> Result<Vec<Figures>>;
    /// Replaces the incident's changing fields and appends `entry` to its
    /// timeline, in one audited write.
    async fn update(
        &self,
        scope: &OrgScope,
        x: &Incident,
        entry: &TimelineEntry,
        audit: AuditEvent,
    ) -> Result<()>;
    /// Appends a timeline entry (a note of the response).
    async fn add_entry(&self, scope: &OrgScope, e: &TimelineEntry, audit: AuditEvent)
    -> Result<()>;
    /// The timeline, in the order things happened.
    async fn timeline(&self, scope: &OrgScope, id: &IncidentId) -> Result<Vec<TimelineEntry>>;
    /// Claims the escalation `stage` of a deadline of an incident: true the
    /// first time (the entry is written on the timeline), false after.
    async fn claim_escalation(
        &self,
        scope: &OrgScope,
        entry: &TimelineEntry,
        stage: &str,
        deadline: i64,
    ) -> Result<bool>;
}

const COLS: &str = "x.id, x.org_id, x.number, x.title, x.description, x.occurred_at, x.aware_at, x.reporter, x.reporter_contact, x.asset_ids, x.asset_class, x.confidentiality, x.integrity, x.availability, x.data_kinds, x.rules_version, x.computed_level, x.level_override, x.override_reason, x.notified_level, x.level_changed_at, x.notified_at, x.reviewed_at, x.recovered_at, x.reported_at, x.closed_at, x.status, x.playbook, x.checklist, x.measures, x.support_needed, x.other_notes, x.root_cause, x.lessons, x.follow_up, x.finding_ids, x.created_by, x.created_at, x.updated_at";

fn level(r: &AnyRow, col: &str) -> Result<Option<u8>> {
    Ok(oi(r, col)?.and_then(|v| u8::try_from(v).ok()))
}

fn incident(r: &AnyRow) -> Result<Incident> {
    let ids: Vec<String> = json(r, "asset_ids")?;
    Ok(Incident {
        id: s(r, "id")?.into(),
        org_id: s(r, "org_id")?.into(),
        number: s(r, "number")?,
        title: Text::stored(s(r, "title")?),
        description: Memo::stored(s(r, "description")?),
        occurred_at: oi(r, "occurred_at")?,
        aware_at: i(r, "aware_at")?,
        reporter: Text::stored(s(r, "reporter")?),
        reporter_contact: Memo::stored(s(r, "reporter_contact")?),
        asset_ids: ids.into_iter().map(AssetId::from).collect(),
        facts: facts_of(
            &s(r, "asset_class")?,
            &s(r, "confidentiality")?,
            &s(r, "integrity")?,
            &s(r, "availability")?,
        )?,
        data_kinds: s(r, "data_kinds")?
            .split(',')
            .filter(|k| !k.is_empty())
            .map(str::to_string)
            .collect(),
        rules_version: s(r, "rules_version")?,
        computed_level: level(r, "computed_level")?,
        level_override: level(r, "level_override")?,
        override_reason: Memo::stored(s(r, "override_reason")?),
        notified_level: level(r, "notified_level")?,
        level_changed_at: oi(r, "level_changed_at")?,
        notified_at: oi(r, "notified_at")?,
        reviewed_at: oi(r, "reviewed_at")?,
        recovered_at: oi(r, "recovered_at")?,
        reported_at: oi(r, "reported_at")?,
        closed_at: oi(r, "closed_at")?,
        status: IncidentStatus::parse(&s(r, "status")?)?,
        playbook: os(r, "playbook")?,
        checklist: json(r, "checklist")?,
        measures: Memo::stored(s(r, "measures")?),
        support_needed: Memo::stored(s(r, "support_needed")?),
        other_notes: Memo::stored(s(r, "other_notes")?),
        root_cause: Memo::stored(s(r, "root_cause")?),
        lessons: Memo::stored(s(r, "lessons")?),
        follow_up: Memo::stored(s(r, "follow_up")?),
        finding_ids: json(r, "finding_ids")?,
        created_by: os(r, "created_by")?.map(UserId::from),
        created_at: i(r, "created_at")?,
        updated_at: i(r, "updated_at")?,
    })
}

fn entry(r: &AnyRow) -> Result<TimelineEntry> {
    Ok(TimelineEntry {
        id: s(r, "id")?,
        incident_id: s(r, "incident_id")?.into(),
        org_id: s(r, "org_id")?.into(),
        at: i(r, "at")?,
        kind: EntryKind::parse(&s(r, "kind")?)?,
        text: Memo::stored(s(r, "text")?),
        actor: os(r, "actor")?.map(UserId::from),
        actor_name: s(r, "actor_name")?,
        recorded_at: i(r, "recorded_at")?,
        evidence: match (
            os(r, "evidence_id")?,
            os(r, "evidence_sha256")?,
            os(r, "evidence_name")?,
        ) {
            (Some(id), Some(sha256), name) => Some(EntryEvidence {
                id,
                sha256,
                name: name.unwrap_or_default(),
            }),
            _ => None,
        },
    })
}

/// The columns that change over an incident's life.
fn cols(x: &Incident) -> Result<Cols> {
    let ids: Vec<&str> = x.asset_ids.iter().map(AssetId::as_str).collect();
    let ids =
        serde_json::to_string(&ids).map_err(|e| StoreError::Corrupt(format!("asset_ids: {e}")))?;
    let checklist = serde_json::to_string(&x.checklist)
        .map_err(|e| StoreError::Corrupt(format!("checklist: {e}")))?;
    let findings = serde_json::to_string(&x.finding_ids)
        .map_err(|e| StoreError::Corrupt(format!("finding_ids: {e}")))?;
    let [asset, c, ig, av] = facts_codes(&x.facts);
    let lvl = |v: Option<u8>| v.map(i64::from);
    Ok(Cols::new()
        .set("title", &x.title)
        .set("description", &x.description)
        .set("occurred_at", x.occurred_at)
        .set("aware_at", x.aware_at)
        .set("reporter", &x.reporter)
        .set("reporter_contact", &x.reporter_contact)
        .set("asset_ids", ids)
        .set("asset_class", asset)
        .set("confidentiality", c)
        .set("integrity", ig)
        .set("availability", av)
        .set("data_kinds", x.data_kinds.join(","))
        .set("rules_version", x.rules_version.as_str())
        .set("computed_level", lvl(x.computed_level))
        .set("level_override", lvl(x.level_override))
        .set("override_reason", &x.override_reason)
        .set("notified_level", lvl(x.notified_level))
        .set("level_changed_at", x.level_changed_at)
        .set("notified_at", x.notified_at)
        .set("reviewed_at", x.reviewed_at)
        .set("recovered_at", x.recovered_at)
        .set("reported_at", x.reported_at)
        .set("closed_at", x.closed_at)
        .set("status", x.status.as_str())
        .set("playbook", x.playbook.as_deref())
        .set("checklist", checklist)
        .set("measures", &x.measures)
        .set("support_needed", &x.support_needed)
        .set("other_notes", &x.other_notes)
        .set("root_cause", &x.root_cause)
        .set("lessons", &x.lessons)
        .set("follow_up", &x.follow_up)
        .set("finding_ids", findings)
        .set("updated_at", x.updated_at))
}

fn entry_insert(e: &TimelineEntry) -> Sql {
    Cols::new()
        .set("id", e.id.as_str())
        .set("incident_id", &e.incident_id)
        .set("org_id", &e.org_id)
        .set("at", e.at)
        .set("kind", e.kind.as_str())
        .set("text", &e.text)
        .set("actor", e.actor.as_ref())
        .set("actor_name", e.actor_name.as_str())
        .set("recorded_at", e.recorded_at)
        .set("evidence_id", e.evidence.as_ref().map(|x| x.id.as_str()))
        .set(
            "evidence_sha256",
            e.evidence.as_ref().map(|x| x.sha256.as_str()),
        )
        .set(
            "evidence_name",
            e.evidence.as_ref().map(|x| x.name.as_str()),
        )
        .insert("incident_events")
}

/// `FROM … WHERE` of the incidents under a root with the filters.
fn listed(scope: &OrgScope, root_path: &str, f: &IncidentFilter) -> Sql {
    let mut w = Sql::new("FROM incidents x JOIN orgs o ON o.id = x.org_id WHERE o.path LIKE ");
    w.bind(format!("{root_path}%"))
        .push(" AND ")
        .scope(scope, "o.path");
    if let Some(v) = f.status {
        w.and(" AND x.status = ", v.as_str());
    }
    if f.open {
        w.push(" AND x.status <> 'closed'");
    }
    if let Some(l) = f.level {
        w.and(
            " AND COALESCE(x.level_override, x.computed_level) = ",
            i64::from(l),
        );
    }
    if let Some(t) = f.aware_from {
        w.and(" AND x.aware_at >= ", t);
    }
    if let Some(t) = f.aware_to {
        w.and(" AND x.aware_at < ", t);
    }
    w
}

/// Fails with `NotFound` unless every asset is the organisation's.
async fn require_assets(tx: &mut AuditedTx, x: &Incident) -> Result<()> {
    for a in &x.asset_ids {
        let mut q = Sql::new("SELECT 1 AS one FROM assets WHERE id = ");
        q.bind(a).and(" AND org_id = ", &x.org_id);
        tx.require(&q).await?;
    }
    for f in &x.finding_ids {
        let mut q = Sql::new("SELECT 1 AS one FROM vuln_findings WHERE id = ");
        q.bind(f.as_str()).and(" AND org_id = ", &x.org_id);
        tx.require(&q).await?;
    }
    Ok(())
}

#[async_trait]
impl IncidentStore for SqlStore {
    async fn insert(
        &self,
        scope: &OrgScope,
        x: &Incident,
        first: &TimelineEntry,
        audit: AuditEvent,
    ) -> Result<String> {
        let (mut tx, _) = AuditedTx::begin_in(self, scope, &x.org_id, audit, x.created_at).await?;
        require_assets(&mut tx, x).await?;
        // writers queue on the audit head, so the next number is free; the
        // unique index (org, year, sequence) guards it anyway
        let year = zian_domain::day::of_unix(x.aware_at).year();
        let mut n = Sql::new(
            "SELECT CAST(COALESCE(MAX(number_seq), 0) AS BIGINT) AS n FROM incidents WHERE org_id = ",
        );
        n.bind(&x.org_id)
            .and(" AND number_year = ", i64::from(year));
        let seq = i(&tx.require(&n).await?, "n")? + 1;
        let number = incident_number(year, seq);
        tx.event().details["number"] = serde_json::Value::String(number.clone());
        let q = cols(x)?
            .set("id", &x.id)
            .set("org_id", &x.org_id)
            .set("number", number.as_str())
            .set("number_year", i64::from(year))
            .set("number_seq", seq)
            .set("created_by", x.created_by.as_ref())
            .set("created_at", x.created_at)
            .insert("incidents");
        tx.insert(&q, "incident").await?;
        tx.insert(&entry_insert(first), "incident_event").await?;
        tx.commit().await?;
        Ok(number)
    }

    async fn get(&self, scope: &OrgScope, id: &IncidentId) -> Result<Option<Incident>> {
        let mut q = Sql::new(format!(
            "SELECT {COLS} FROM incidents x JOIN orgs o ON o.id = x.org_id WHERE x.id = "
        ));
        q.bind(id).push(" AND ").scope(scope, "o.path");
        q.fetch_optional(&self.pool, incident).await
    }

    async fn list(
        &self,
        scope: &OrgScope,
        root_path: &str,
        f: &IncidentFilter,
        q: &ListQuery,
    ) -> Result<Page<Incident>> {
        let mut w = listed(scope, root_path, f);
        if let Some(t) = q.text() {
            w.search(&["x.number", "x.title", "x.description"], t);
        }
        let order = match q.sort.as_deref() {
            None => "x.aware_at DESC, x.id".to_string(),
            _ => order_by(
                q,
                &[
                    ("aware", "x.aware_at"),
                    ("number", "x.number"),
                    ("level", "COALESCE(x.level_override, x.computed_level, 0)"),
                    ("updated", "x.updated_at"),
                ],
                "x.id",
            ),
        };
        fetch_page(&self.pool, COLS, &w, &order, q, incident).await
    }

    async fn active(&self, scope: &OrgScope, root_path: &str) -> Result<Vec<Incident>> {
        let f = IncidentFilter {
            open: true,
            ..IncidentFilter::default()
        };
        let mut q = listed(scope, root_path, &f);
        q.prepend(&format!("SELECT {COLS} "))
            .push(&format!(" ORDER BY x.aware_at, x.id LIMIT {ACTIVE_LIMIT}"));
        q.fetch_all(&self.pool, incident).await
    }

    async fn figures(
        &self,
        scope: &OrgScope,
        root_path: &str,
        from: i64,
        to: i64,
    ) -> Result<Vec<Figures>> {
        let f = IncidentFilter {
            aware_from: Some(from),
            aware_to: Some(to),
            ..IncidentFilter::default()
        };
        let mut q = listed(scope, root_path, &f);
        q.prepend(
            "SELECT COALESCE(x.level_override, x.computed_level) AS lvl, x.aware_at, x.notified_at, x.recovered_at, x.status ",
        );
        q.fetch_all(&self.pool, |r| {
            Ok((
                level(r, "lvl")?,
                i(r, "aware_at")?,
                oi(r, "notified_at")?,
                oi(r, "recovered_at")?,
                s(r, "status")? == "closed",
            ))
        })
        .await
    }

    async fn update(
        &self,
        scope: &OrgScope,
        x: &Incident,
        e: &TimelineEntry,
        audit: AuditEvent,
    ) -> Result<()> {
        let (mut tx, _) = AuditedTx::begin_in(self, scope, &x.org_id, audit, x.updated_at).await?;
        require_assets(&mut tx, x).await?;
        let mut q = cols(x)?.update("incidents");
        q.push("id = ").bind(&x.id).and(" AND org_id = ", &x.org_id);
        tx.exec_one(&q).await?;
        tx.insert(&entry_insert(e), "incident_event").await?;
        tx.commit().await?;
        Ok(())
    }

    async fn add_entry(
        &self,
        scope: &OrgScope,
        e: &TimelineEntry,
        audit: AuditEvent,
    ) -> Result<()> {
        let (mut tx, _) = AuditedTx::begin_in(self, scope, &e.org_id, audit, e.recorded_at).await?;
        let mut own = Sql::new("SELECT 1 AS one FROM incidents WHERE id = ");
        own.bind(&e.incident_id).and(" AND org_id = ", &e.org_id);
        tx.require(&own).await?;
        tx.insert(&entry_insert(e), "incident_event").await?;
        tx.commit().await?;
        Ok(())
    }

    async fn timeline(&self, scope: &OrgScope, id: &IncidentId) -> Result<Vec<TimelineEntry>> {
        let mut q = Sql::new(
            "SELECT e.id, e.incident_id, e.org_id, e.at, e.kind, e.text, e.actor, e.actor_name, e.recorded_at, e.evidence_id, e.evidence_sha256, e.evidence_name FROM incident_events e JOIN orgs o ON o.id = e.org_id WHERE e.incident_id = ",
        );
        q.bind(id)
            .push(" AND ")
            .scope(scope, "o.path")
            .push(" ORDER BY e.at, e.recorded_at, e.id");
        q.fetch_all(&self.pool, entry).await
    }

    async fn claim_escalation(
        &self,
        scope: &OrgScope,
        e: &TimelineEntry,
        stage: &str,
        deadline: i64,
    ) -> Result<bool> {
        let mut tx = self.pool.begin().await?;
        let mut own = Sql::new(
            "SELECT 1 AS one FROM incidents x JOIN orgs o ON o.id = x.org_id WHERE x.id = ",
        );
        own.bind(&e.incident_id)
            .push(" AND ")
            .scope(scope, "o.path");
        if own.query().fetch_optional(&mut *tx).await?.is_none() {
            return Err(StoreError::NotFound);
        }
        let mut q = Cols::new()
            .set("incident_id", &e.incident_id)
            .set("stage", stage)
            .set("deadline", deadline)
            .set("raised_at", e.recorded_at)
            .set("recipients", 0i64)
            .insert("incident_escalations");
        q.push(" ON CONFLICT (incident_id, stage, deadline) DO NOTHING");
        if q.execute(&mut *tx).await? == 0 {
            return Ok(false);
        }
        entry_insert(e).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(true)
    }
}
