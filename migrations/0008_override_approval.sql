-- Overrides need an approver (issue 8 item 4): an exemption (免辦) or a
-- changed value of an obligation is a request by the organisation until a
-- user holding override_approve strictly above it (its supervising
-- organisation or higher) approves it. The approver is a user (id and time),
-- no longer text typed by the requester. Life: pending -> approved | rejected
-- | withdrawn; approved -> revoked. Only approved overrides change the
-- calendar.
--
-- Existing overrides carried a free-text approver that nobody verified, so
-- they become PENDING (an auditor's reading: an approval nobody can attribute
-- to a user is no approval). The text they carried is kept as
-- claimed_approver / claimed_approved_on and shown to whoever decides.
--
-- The table is rebuilt (portable to SQLite and PostgreSQL) because the old
-- NOT NULL columns approver and approved_on no longer apply.
CREATE TABLE rule_overrides_v2 (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES orgs(id),
    rule_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    frequency TEXT,
    deadline_months BIGINT,
    count_value BIGINT,
    unit TEXT,
    reason TEXT NOT NULL,
    effective_from TEXT NOT NULL,
    effective_to TEXT,
    -- pending / approved / rejected / withdrawn / revoked
    status TEXT NOT NULL,
    requested_by TEXT,
    requested_at BIGINT NOT NULL,
    -- who approved, rejected or withdrew it, when, and why
    decided_by TEXT,
    decided_at BIGINT,
    decided_on TEXT,
    decision_reason TEXT,
    revoked_by TEXT,
    revoked_at BIGINT,
    revoke_reason TEXT,
    claimed_approver TEXT,
    claimed_approved_on TEXT
);
INSERT INTO rule_overrides_v2 (id, org_id, rule_id, kind, frequency, deadline_months, count_value,
    unit, reason, effective_from, effective_to, status, requested_by, requested_at,
    claimed_approver, claimed_approved_on)
SELECT id, org_id, rule_id, kind, frequency, deadline_months, count_value, unit, reason,
    effective_from, effective_to, 'pending', created_by, created_at, approver, approved_on
FROM rule_overrides;
DROP TABLE rule_overrides;
ALTER TABLE rule_overrides_v2 RENAME TO rule_overrides;
CREATE INDEX rule_overrides_org ON rule_overrides(org_id, rule_id);
CREATE INDEX rule_overrides_status ON rule_overrides(status, requested_at);
