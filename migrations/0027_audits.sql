-- Security audits (資通安全稽核): internal, supervisory (a supervising
-- organisation audits a subordinate) and of a vendor. The plan's contents,
-- the team, recusals, the checklist items with their answers and the
-- conclusion are the JSON body (zian_domain::audits::AuditBody).
CREATE TABLE audits (
    id TEXT PRIMARY KEY,
    -- the organisation audited (a vendor audit: the one whose vendor it is)
    org_id TEXT NOT NULL REFERENCES orgs(id),
    -- the organisation that runs it: the audited one or its supervisor
    run_by TEXT NOT NULL REFERENCES orgs(id),
    -- internal, supervisory, vendor
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    starts_on TEXT NOT NULL,
    ends_on TEXT NOT NULL,
    notice_days BIGINT NOT NULL,
    -- planned, notified, reported, closed
    status TEXT NOT NULL,
    notified_on TEXT,
    reported_on TEXT,
    closed_on TEXT,
    body TEXT NOT NULL,
    created_by TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX audits_org ON audits(org_id, starts_on);
CREATE INDEX audits_run_by ON audits(run_by, starts_on);

-- A corrective action raised by an audit finding carries the finding, the
-- auditee's analysis (root cause, similar defects sought, the plan) and the
-- effectiveness review that closes it (seed 003 L789-793).
ALTER TABLE corrective_actions ADD COLUMN finding TEXT NOT NULL DEFAULT '';
ALTER TABLE corrective_actions ADD COLUMN root_cause TEXT NOT NULL DEFAULT '';
ALTER TABLE corrective_actions ADD COLUMN similar_defects TEXT NOT NULL DEFAULT '';
ALTER TABLE corrective_actions ADD COLUMN plan TEXT NOT NULL DEFAULT '';
ALTER TABLE corrective_actions ADD COLUMN reviewed_on TEXT;
ALTER TABLE corrective_actions ADD COLUMN review_note TEXT NOT NULL DEFAULT '';
