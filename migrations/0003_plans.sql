-- The maintenance plan (資通安全維護計畫, issue 4): one row per version of an
-- organisation's plan. `content` is the JSON document checked against the
-- chapter schema in crates/domain/src/plan/schema.rs; `live_snapshot` is
-- the JSON of the live register summaries frozen when the version was
-- submitted. Statuses: draft, submitted, approved, superseded.
CREATE TABLE plan_versions (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES orgs(id),
    version BIGINT NOT NULL,
    status TEXT NOT NULL,
    content TEXT NOT NULL,
    live_snapshot TEXT,
    change_note TEXT NOT NULL,
    based_on TEXT,
    created_by TEXT,
    created_at BIGINT NOT NULL,
    updated_by TEXT,
    updated_at BIGINT NOT NULL,
    submitted_by TEXT,
    submitted_at BIGINT,
    decided_by TEXT,
    decided_at BIGINT,
    approved_on TEXT,
    approver_name TEXT,
    return_reason TEXT,
    review_due TEXT,
    UNIQUE (org_id, version)
);
CREATE INDEX plan_versions_org ON plan_versions(org_id, status);

-- Measured key performance indicators a plan's quantitative objectives link
-- to (core-system availability, phishing-drill rates, VANS handling rate…).
-- `value_milli` is the value times 1000 (99.99 % is 99990), exact on both
-- databases.
CREATE TABLE kpi_measurements (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES orgs(id),
    kpi TEXT NOT NULL,
    period_end TEXT NOT NULL,
    value_milli BIGINT NOT NULL,
    source TEXT NOT NULL,
    note TEXT NOT NULL,
    recorded_by TEXT,
    recorded_at BIGINT NOT NULL
);
CREATE INDEX kpi_measurements_org ON kpi_measurements(org_id, kpi, period_end);
