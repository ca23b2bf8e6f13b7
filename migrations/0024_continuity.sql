-- Business continuity (seed 002 §5.2–5.3): the business impact analysis of
-- each business process (營運衝擊分析表) with the continuity plan of a
-- critical one, the plan's activations as tracked runs, the drills with
-- their report (業務持續計畫演練暨處理報告單), the social-engineering drills'
-- results, and the corrective actions that drills, activations and
-- incidents raise. Columns are what lists filter and sort on; the rest of a
-- record (impact table, plan, steps) is its JSON `body`, checked by the
-- application on every write. Times are Unix seconds (UTC); dates
-- `YYYY-MM-DD`.
CREATE TABLE bia_processes (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES orgs(id),
    name TEXT NOT NULL,
    -- high (關鍵營運流程), medium, low
    grade TEXT NOT NULL,
    mtd_hours BIGINT,
    rto_hours BIGINT,
    rpo_hours BIGINT,
    -- the last yearly review of the analysis and its plan
    reviewed_on TEXT,
    body TEXT NOT NULL,
    created_by TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX bia_processes_name ON bia_processes(org_id, name);

CREATE TABLE continuity_activations (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES orgs(id),
    process_id TEXT NOT NULL REFERENCES bia_processes(id),
    incident_id TEXT REFERENCES incidents(id),
    decided_at BIGINT NOT NULL,
    terminated_at BIGINT,
    body TEXT NOT NULL,
    created_by TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX continuity_activations_org ON continuity_activations(org_id, decided_at);
CREATE INDEX continuity_activations_incident ON continuity_activations(incident_id);

CREATE TABLE drills (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES orgs(id),
    title TEXT NOT NULL,
    -- tabletop (書面流程演練), notification (通報演練), recovery (復原演練)
    kind TEXT NOT NULL,
    planned_on TEXT NOT NULL,
    -- planned, completed
    status TEXT NOT NULL,
    completed_on TEXT,
    body TEXT NOT NULL,
    created_by TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX drills_org ON drills(org_id, planned_on);

CREATE TABLE social_campaigns (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES orgs(id),
    round TEXT NOT NULL,
    held_on TEXT NOT NULL,
    participants BIGINT NOT NULL,
    opened BIGINT NOT NULL,
    clicked BIGINT NOT NULL,
    -- the organisation's own targets in hundredths of a percent (500 = 5 %);
    -- none: the plan template's (seed 003: opened < 5 %, clicked < 2 %)
    open_target BIGINT,
    click_target BIGINT,
    note TEXT NOT NULL,
    created_by TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX social_campaigns_round ON social_campaigns(org_id, round);

CREATE TABLE corrective_actions (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES orgs(id),
    -- what raised it: drill, activation, incident
    source TEXT NOT NULL,
    source_id TEXT NOT NULL,
    title TEXT NOT NULL,
    owner TEXT NOT NULL,
    due_on TEXT NOT NULL,
    -- open, done
    status TEXT NOT NULL,
    done_on TEXT,
    result TEXT NOT NULL,
    created_by TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX corrective_actions_org ON corrective_actions(org_id, status, due_on);
CREATE INDEX corrective_actions_source ON corrective_actions(source, source_id);

-- An incident's closure names the vulnerability findings it came through
-- (JSON array of finding ids of the organisation).
ALTER TABLE incidents ADD COLUMN finding_ids TEXT NOT NULL DEFAULT '[]';
