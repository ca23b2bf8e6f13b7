-- Vendors (委外廠商) of an organisation: contracts, selection criteria,
-- disclosed components, the security test certificate, the staff with
-- their confidentiality agreements and the device checks are the JSON body
-- (zian_domain::vendors::VendorBody).
CREATE TABLE vendors (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES orgs(id),
    name TEXT NOT NULL,
    -- 統一編號, empty when unknown
    tax_id TEXT NOT NULL,
    body TEXT NOT NULL,
    created_by TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX vendors_org_name ON vendors(org_id, name);

-- The shares an organisation gave (the vendor's own list has its index).
CREATE INDEX shares_org ON shares(org_id, created_at);
ALTER TABLE shares ADD COLUMN revoked_by TEXT;
