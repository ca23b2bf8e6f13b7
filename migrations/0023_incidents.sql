-- Incidents (資通安全事件通報應變): the record an agency keeps from the
-- moment it becomes aware (知悉) to closure, the level computed from the
-- regulation's table (art. 2) for the version in force on the day of
-- awareness, the legal clocks' anchors (notified, reviewed by the
-- supervising authority, recovered, report sent) and the art. 3 report
-- fields. All times are Unix seconds (UTC); Asia/Taipei is applied on
-- display and by the rule data.
CREATE TABLE incidents (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES orgs(id),
    number TEXT NOT NULL,
    number_year BIGINT NOT NULL,
    number_seq BIGINT NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    occurred_at BIGINT,
    aware_at BIGINT NOT NULL,
    reporter TEXT NOT NULL,
    reporter_contact TEXT NOT NULL,
    -- JSON array of the affected assets' ids (the organisation's register)
    asset_ids TEXT NOT NULL,
    asset_class TEXT NOT NULL,
    confidentiality TEXT NOT NULL,
    integrity TEXT NOT NULL,
    availability TEXT NOT NULL,
    -- comma-separated: state_secret, official_secret, sensitive, personal
    data_kinds TEXT NOT NULL,
    rules_version TEXT NOT NULL,
    computed_level BIGINT,
    level_override BIGINT,
    override_reason TEXT NOT NULL,
    -- the level of the latest notification; a different effective level
    -- after that is a new report, due an hour after the change
    notified_level BIGINT,
    level_changed_at BIGINT,
    notified_at BIGINT,
    reviewed_at BIGINT,
    recovered_at BIGINT,
    reported_at BIGINT,
    closed_at BIGINT,
    status TEXT NOT NULL,
    -- the emergency handling principle followed (rules data) and the
    -- steps ticked off (JSON array of step numbers, from 0)
    playbook TEXT,
    checklist TEXT NOT NULL,
    measures TEXT NOT NULL,
    support_needed TEXT NOT NULL,
    other_notes TEXT NOT NULL,
    root_cause TEXT NOT NULL,
    lessons TEXT NOT NULL,
    -- the improvements' planned completion and how their effect is followed
    follow_up TEXT NOT NULL,
    created_by TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX incidents_number ON incidents(org_id, number_year, number_seq);
CREATE INDEX incidents_org_aware ON incidents(org_id, aware_at);
CREATE INDEX incidents_status ON incidents(status, aware_at);

-- The timeline: who did what, when (the time it happened, and when it was
-- written down).
CREATE TABLE incident_events (
    id TEXT PRIMARY KEY,
    incident_id TEXT NOT NULL REFERENCES incidents(id),
    org_id TEXT NOT NULL REFERENCES orgs(id),
    at BIGINT NOT NULL,
    kind TEXT NOT NULL,
    text TEXT NOT NULL,
    actor TEXT,
    actor_name TEXT NOT NULL,
    recorded_at BIGINT NOT NULL,
    -- an evidence file of the organisation, with its SHA-256 and name as
    -- they were when the entry was written
    evidence_id TEXT,
    evidence_sha256 TEXT,
    evidence_name TEXT
);
CREATE INDEX incident_events_incident ON incident_events(incident_id, at);

-- Each escalation raised once: (incident, clock, stage).
CREATE TABLE incident_escalations (
    incident_id TEXT NOT NULL REFERENCES incidents(id),
    stage TEXT NOT NULL,
    deadline BIGINT NOT NULL,
    raised_at BIGINT NOT NULL,
    recipients BIGINT NOT NULL,
    PRIMARY KEY (incident_id, stage, deadline)
);
