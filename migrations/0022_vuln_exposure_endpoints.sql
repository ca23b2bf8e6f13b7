-- Issue 13: what the prioritisation and the coverage KPI still lacked.
--
-- An asset reachable from the Internet (對外服務: a web site, a VPN
-- gateway, a mail relay …) and the findings on it, which carry it as they
-- carry `core`: exposure is shown beside KEV, EPSS, CVSS and core, can be
-- filtered on, and a critical finding on an exposed asset is notified at
-- once like one on a core system. 0/1.
ALTER TABLE assets ADD COLUMN exposed BIGINT NOT NULL DEFAULT 0;
ALTER TABLE vuln_findings ADD COLUMN exposed BIGINT NOT NULL DEFAULT 0;

-- The endpoints (PCs and servers) an agency declares it has: the
-- denominator of "endpoints inventoried over endpoints declared". Not
-- inherited: each agency or unit declares its own.
CREATE TABLE vuln_declared_endpoints (
    org_id TEXT PRIMARY KEY REFERENCES orgs(id),
    endpoints BIGINT NOT NULL,
    updated_by TEXT,
    updated_at BIGINT NOT NULL
);

-- The open findings' partial indexes (0021) serve the open lists; these
-- full indexes only served them before and cost every write of a finding.
DROP INDEX vuln_findings_org_due;
DROP INDEX vuln_findings_org_score;
