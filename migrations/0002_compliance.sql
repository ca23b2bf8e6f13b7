-- Compliance (issue 4): obligation completions with evidence, deployment
-- overrides of shipped rules, information systems with their protection
-- grading (附表九) and control implementation status (附表十), and the risk
-- register (NICS method). Portable SQL as in 0001: TEXT ids, BIGINT times
-- (unix seconds) and booleans, dates as TEXT YYYY-MM-DD.

-- One completion of one obligation for one due date (a once-off obligation
-- is completed by any record). Evidence: a note, an optional link to a
-- record elsewhere, and an optional SHA-256 of the evidence content.
CREATE TABLE obligation_completions (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES orgs(id),
    rule_id TEXT NOT NULL,
    due_date TEXT NOT NULL,
    completed_on TEXT NOT NULL,
    note TEXT NOT NULL,
    evidence_link TEXT,
    evidence_sha256 TEXT,
    recorded_by TEXT,
    recorded_at BIGINT NOT NULL
);
CREATE INDEX obligation_completions_org ON obligation_completions(org_id, rule_id);

-- A deployment's override of a shipped rule or control (exempt or replace),
-- recorded at an organisation and applying to its whole subtree.
CREATE TABLE rule_overrides (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES orgs(id),
    rule_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    frequency TEXT,
    deadline_months BIGINT,
    count_value BIGINT,
    unit TEXT,
    reason TEXT NOT NULL,
    approver TEXT NOT NULL,
    approved_on TEXT NOT NULL,
    effective_from TEXT NOT NULL,
    effective_to TEXT,
    created_by TEXT,
    created_at BIGINT NOT NULL
);
CREATE INDEX rule_overrides_org ON rule_overrides(org_id, rule_id);

-- 資通系統: the register of an organisation's information systems. `level`
-- is the protection level of the latest grading (low/medium/high = 普/中/高).
CREATE TABLE info_systems (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES orgs(id),
    name TEXT NOT NULL,
    owner TEXT NOT NULL,
    description TEXT NOT NULL,
    level TEXT,
    graded_on TEXT,
    review_due TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX info_systems_org ON info_systems(org_id);

-- Every grading of a system (附表九), kept: dimensions, answers, rationale,
-- who assessed and approved, when, and the yearly re-review date.
CREATE TABLE system_gradings (
    id TEXT PRIMARY KEY,
    system_id TEXT NOT NULL REFERENCES info_systems(id),
    org_id TEXT NOT NULL REFERENCES orgs(id),
    grade_c TEXT NOT NULL,
    grade_i TEXT NOT NULL,
    grade_a TEXT NOT NULL,
    grade_l TEXT NOT NULL,
    level TEXT NOT NULL,
    previous_level TEXT,
    answers TEXT NOT NULL,
    rationale TEXT NOT NULL,
    assessor TEXT NOT NULL,
    approver TEXT NOT NULL,
    assessed_on TEXT NOT NULL,
    review_due TEXT NOT NULL,
    created_by TEXT,
    created_at BIGINT NOT NULL
);
CREATE INDEX system_gradings_system ON system_gradings(system_id, created_at);

-- Implementation status of one 附表十 control for one system.
CREATE TABLE control_status (
    id TEXT PRIMARY KEY,
    system_id TEXT NOT NULL REFERENCES info_systems(id),
    org_id TEXT NOT NULL REFERENCES orgs(id),
    control_id TEXT NOT NULL,
    status TEXT NOT NULL,
    planned_on TEXT,
    na_reason TEXT,
    owner TEXT NOT NULL,
    evidence TEXT NOT NULL,
    updated_by TEXT,
    updated_at BIGINT NOT NULL,
    UNIQUE (system_id, control_id)
);

-- The risk register: risk = asset value x likelihood x vulnerability.
CREATE TABLE risks (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES orgs(id),
    system_id TEXT REFERENCES info_systems(id),
    asset TEXT NOT NULL,
    threat TEXT NOT NULL,
    weakness TEXT NOT NULL,
    asset_value BIGINT NOT NULL,
    likelihood BIGINT NOT NULL,
    vulnerability BIGINT NOT NULL,
    risk_value BIGINT NOT NULL,
    threshold BIGINT NOT NULL,
    treatment TEXT NOT NULL,
    owner TEXT NOT NULL,
    due_on TEXT,
    residual_likelihood BIGINT,
    residual_vulnerability BIGINT,
    residual_value BIGINT,
    status TEXT NOT NULL,
    created_by TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX risks_org ON risks(org_id);
