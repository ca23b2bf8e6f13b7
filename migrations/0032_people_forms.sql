-- The people forms of seed 001 (zian_domain::people_forms): resource
-- requests and staff confidentiality agreements with their approval chain
-- (the body and the sign-offs as JSON), and the restricted-area entry log.
CREATE TABLE people_forms (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES orgs(id),
    -- resource_request, confidentiality
    kind TEXT NOT NULL,
    number TEXT NOT NULL,
    -- pending, approved, rejected (kept for lists; the sign-offs decide)
    status TEXT NOT NULL,
    body TEXT NOT NULL,
    signoffs TEXT NOT NULL,
    created_by TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX people_forms_number ON people_forms(org_id, number);
CREATE INDEX people_forms_kind ON people_forms(org_id, kind, status);

CREATE TABLE area_entries (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES orgs(id),
    area TEXT NOT NULL,
    name TEXT NOT NULL,
    unit TEXT NOT NULL,
    escort TEXT NOT NULL,
    entered_at BIGINT NOT NULL,
    left_at BIGINT,
    reason TEXT NOT NULL,
    -- ordinary, special
    access TEXT NOT NULL,
    devices TEXT NOT NULL,
    items TEXT NOT NULL,
    recorded_by TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX area_entries_org ON area_entries(org_id, entered_at);
CREATE INDEX area_entries_inside ON area_entries(org_id, left_at);
