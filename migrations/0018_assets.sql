-- Issue 12: the asset register (資通系統及資訊資產清冊, seed 003 柒). One row per
-- asset with the seed's fields; a host is an asset with a network identity,
-- an operating system, installed software and installed updates (KB).
-- Protection level (防護需求等級) is the level of the system it serves, read
-- through `system_id`, never copied. Booleans are 0/1.
CREATE TABLE assets (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES orgs(id),
    system_id TEXT REFERENCES info_systems(id),
    name TEXT NOT NULL,
    category TEXT NOT NULL,
    owner TEXT NOT NULL,
    custodian TEXT NOT NULL,
    users TEXT NOT NULL,
    location TEXT NOT NULL,
    property_no TEXT NOT NULL,
    brand TEXT NOT NULL,
    model TEXT NOT NULL,
    quantity BIGINT NOT NULL,
    core BIGINT NOT NULL,
    status TEXT NOT NULL,
    disposed_on TEXT,
    disposal_method TEXT NOT NULL,
    labels TEXT NOT NULL,
    hostname TEXT NOT NULL,
    ip TEXT NOT NULL,
    mac TEXT NOT NULL,
    os TEXT NOT NULL,
    kbs TEXT NOT NULL,
    notes TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX assets_org_name ON assets(org_id, name, id);
CREATE INDEX assets_org_updated ON assets(org_id, updated_at, id);
CREATE INDEX assets_org_category ON assets(org_id, category, name, id);
CREATE INDEX assets_system ON assets(system_id);

-- Software installed on an asset, as found and (once mapped) as a CPE 2.3
-- name; `cpe23` NULL is "尚未對應 CPE".
CREATE TABLE asset_software (
    id TEXT PRIMARY KEY,
    asset_id TEXT NOT NULL REFERENCES assets(id),
    org_id TEXT NOT NULL REFERENCES orgs(id),
    name TEXT NOT NULL,
    version TEXT NOT NULL,
    publisher TEXT NOT NULL,
    cpe23 TEXT,
    source TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX asset_software_asset ON asset_software(asset_id, name, id);
CREATE INDEX asset_software_org_cpe ON asset_software(org_id, cpe23);

-- A person's confirmation that installed software of this (normalised) name
-- is this product: suggested first and applied to the organisation's new
-- software of the same name.
CREATE TABLE cpe_mappings (
    org_id TEXT NOT NULL REFERENCES orgs(id),
    name_key TEXT NOT NULL,
    vendor TEXT NOT NULL,
    product TEXT NOT NULL,
    confirmed_by TEXT,
    confirmed_at BIGINT NOT NULL,
    PRIMARY KEY (org_id, name_key)
);

-- A record's change history is its audit entries (who, when, before/after).
CREATE INDEX audit_log_target ON audit_log(target, seq);
