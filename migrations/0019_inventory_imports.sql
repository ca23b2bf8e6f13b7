-- Issue 12: software inventory imports. An upload is kept as it came (for
-- the preview, the commit, and as the evidence of what was imported: its
-- SHA-256 and bytes) with the preview's counts; the commit recomputes the
-- plan against the register as it is then and applies it in one
-- transaction. Previews left uncommitted are removed after a day.
CREATE TABLE inventory_imports (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES orgs(id),
    created_by TEXT,
    file_name TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    size BIGINT NOT NULL,
    default_host TEXT NOT NULL,
    content BYTEA NOT NULL,
    format TEXT NOT NULL,
    encoding TEXT NOT NULL,
    summary TEXT NOT NULL,
    status TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    committed_at BIGINT,
    committed_by TEXT,
    result TEXT
);
CREATE INDEX inventory_imports_org ON inventory_imports(org_id, created_at, id);
