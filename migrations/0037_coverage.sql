-- Endpoint coverage and SOC figures (zian_domain::coverage): each export of
-- an EDR, anti-virus, GCB or VANS console (devices) or of the SOC (alerts)
-- an organisation received, its rows as JSON and, for devices, the
-- register's coverage computed when it came in.
CREATE TABLE coverage_reports (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES orgs(id),
    -- devices, alerts
    kind TEXT NOT NULL,
    -- the console or SOC it came from
    source TEXT NOT NULL,
    received_at BIGINT NOT NULL,
    body TEXT NOT NULL,
    skipped BIGINT NOT NULL,
    -- devices: the coverage when received (JSON)
    summary TEXT,
    created_by TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX coverage_reports_org ON coverage_reports(org_id, kind, received_at);
