-- An organisation's adjustments of its official documents, made by an
-- administrator or the CISO without a rebuild: per report, or for every
-- document of the organisation (report = '').
CREATE TABLE document_settings (
    org_id TEXT NOT NULL REFERENCES orgs(id),
    report TEXT NOT NULL,
    -- the marking printed in the footer (限閱, 密, …); '' for none
    classification TEXT NOT NULL,
    -- JSON array of the approval chain's signature boxes, left to right;
    -- NULL keeps the form's own chain
    signatures TEXT,
    -- the title printed instead of the official one; '' keeps it
    title TEXT NOT NULL,
    -- a paragraph printed under the title
    preface TEXT NOT NULL,
    -- JSON array of the labels of fields added to the form, filled in by hand
    extra_fields TEXT NOT NULL,
    updated_by TEXT,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (org_id, report)
);

-- A document produced in the background (a large register, a long plan):
-- the job that made it names it; kept seven days.
CREATE TABLE document_files (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES orgs(id),
    report TEXT NOT NULL,
    format TEXT NOT NULL,
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    size BIGINT NOT NULL,
    content BYTEA NOT NULL,
    requested_by TEXT,
    created_at BIGINT NOT NULL
);
CREATE INDEX document_files_org ON document_files(org_id, created_at);
