-- Evidence files (issue 4): documents uploaded as proof of an obligation's
-- completion (or any record), kept in the database so that backups,
-- restores and the organisation scope cover them. `content` is base64 (one
-- portable type for SQLite and PostgreSQL); `sha256` is of the raw bytes.
CREATE TABLE evidence_files (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES orgs(id),
    sha256 TEXT NOT NULL,
    filename TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    content TEXT NOT NULL,
    uploaded_by TEXT,
    uploaded_at BIGINT NOT NULL
);
CREATE INDEX evidence_files_org ON evidence_files(org_id, uploaded_at);
