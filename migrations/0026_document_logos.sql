-- An organisation's logo, printed before its name in the running header of
-- its documents (PDF, ODT, DOCX). Kept as the PNG the documents engine made
-- of the upload (at most 120 pixels high), with its size and SHA-256.
CREATE TABLE document_logos (
    org_id TEXT PRIMARY KEY REFERENCES orgs(id),
    width BIGINT NOT NULL,
    height BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    size BIGINT NOT NULL,
    content BYTEA NOT NULL,
    updated_by TEXT,
    updated_at BIGINT NOT NULL
);
