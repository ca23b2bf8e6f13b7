-- Threat notices (zian_domain::threat_notices): a supervising organisation's
-- notice to organisations of its subtree, and each addressed
-- organisation's response through the six steps.
CREATE TABLE threat_notices (
    id TEXT PRIMARY KEY,
    -- the issuer
    org_id TEXT NOT NULL REFERENCES orgs(id),
    title TEXT NOT NULL,
    -- critical, high, medium, low
    severity TEXT NOT NULL,
    due_on TEXT NOT NULL,
    -- open, closed
    status TEXT NOT NULL,
    body TEXT NOT NULL,
    -- who issued it, when (JSON)
    issued TEXT NOT NULL,
    created_by TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX threat_notices_org ON threat_notices(org_id, created_at);

CREATE TABLE threat_responses (
    id TEXT PRIMARY KEY,
    notice_id TEXT NOT NULL REFERENCES threat_notices(id),
    -- the addressed organisation
    org_id TEXT NOT NULL REFERENCES orgs(id),
    -- the last step reported: investigate … recover
    step TEXT,
    -- pending, in_progress, unaffected, recovered
    outcome TEXT NOT NULL,
    last_at BIGINT,
    -- every report (JSON)
    reports TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
-- (one response per organisation addressed: the addressed organisations
-- are checked distinct before the one transaction that writes them all)
CREATE INDEX threat_responses_notice ON threat_responses(notice_id);
CREATE INDEX threat_responses_org ON threat_responses(org_id, outcome);
