-- Issue 13: vulnerability findings in the platform (VANS, seed 004). One
-- row per asset × CVE, found by matching the asset's installed software
-- (CPE 2.3) against the feed store; the row carries the match (software,
-- CPE names, certainty, score, KEV, EPSS), the clock (first seen, notified,
-- due date by the organisation's policy) and the life of the finding
-- (status and each decision's fields). Scores are in tenths (9.8 → 98),
-- EPSS percentiles in hundredths of a per cent; booleans are 0/1; dates
-- `YYYY-MM-DD` in Asia/Taipei.
CREATE TABLE vuln_findings (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES orgs(id),
    asset_id TEXT NOT NULL REFERENCES assets(id),
    cve_id TEXT NOT NULL,
    software TEXT NOT NULL,
    cpes TEXT NOT NULL,
    certainty TEXT NOT NULL,
    undecided TEXT NOT NULL,
    source TEXT NOT NULL,
    score BIGINT,
    severity TEXT NOT NULL,
    kev BIGINT NOT NULL,
    kev_due TEXT,
    epss BIGINT,
    core BIGINT NOT NULL,
    present BIGINT NOT NULL,
    first_seen_at BIGINT NOT NULL,
    notified_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    due_on TEXT NOT NULL,
    status TEXT NOT NULL,
    reason TEXT NOT NULL,
    accepted_until TEXT,
    approver TEXT NOT NULL,
    action TEXT NOT NULL,
    owner TEXT NOT NULL,
    plan_due TEXT,
    evidence TEXT NOT NULL,
    decided_by TEXT,
    decided_at BIGINT,
    fixed_at BIGINT,
    verified_by TEXT,
    verified_at BIGINT,
    handled_at BIGINT,
    reopened BIGINT NOT NULL,
    match_evidence TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX vuln_findings_asset_cve ON vuln_findings(asset_id, cve_id);
CREATE INDEX vuln_findings_org_due ON vuln_findings(org_id, status, due_on, id);
CREATE INDEX vuln_findings_org_score ON vuln_findings(org_id, score, id);
CREATE INDEX vuln_findings_org_cve ON vuln_findings(org_id, cve_id);
CREATE INDEX vuln_findings_cve ON vuln_findings(cve_id);

-- Days from notification to handling by severity (seed 004: CVSS >= 7.0
-- within 7 days). An organisation without a row uses its nearest
-- ancestor's, else the default.
CREATE TABLE vuln_policies (
    org_id TEXT PRIMARY KEY REFERENCES orgs(id),
    critical_days BIGINT NOT NULL,
    high_days BIGINT NOT NULL,
    medium_days BIGINT NOT NULL,
    low_days BIGINT NOT NULL,
    updated_by TEXT,
    updated_at BIGINT NOT NULL
);

-- The latest match of an organisation: when, against which feed snapshot,
-- and what it changed.
CREATE TABLE vuln_match_runs (
    org_id TEXT PRIMARY KEY REFERENCES orgs(id),
    matched_at BIGINT NOT NULL,
    feed TEXT NOT NULL,
    counts TEXT NOT NULL
);
