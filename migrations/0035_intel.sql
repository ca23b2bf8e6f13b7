-- Threat intelligence (zian_domain::intel::item): a piece received by an
-- organisation, its text, indicators, classification into the four
-- categories and the handling of each as JSON.
CREATE TABLE intel_items (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES orgs(id),
    title TEXT NOT NULL,
    -- manual, advisory, stix, isac
    source TEXT NOT NULL,
    sender TEXT NOT NULL,
    received_on TEXT NOT NULL,
    valid_until TEXT,
    -- received, classified, handled
    status TEXT NOT NULL,
    body TEXT NOT NULL,
    created_by TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX intel_items_org ON intel_items(org_id, received_on);
