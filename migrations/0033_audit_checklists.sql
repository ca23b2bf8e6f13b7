-- Audit checklists an organisation keeps for its audits and those below it
-- (zian_domain::audits::SavedChecklist): the items one a line.
CREATE TABLE audit_checklists (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES orgs(id),
    name TEXT NOT NULL,
    lines TEXT NOT NULL,
    created_by TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX audit_checklists_org ON audit_checklists(org_id);
