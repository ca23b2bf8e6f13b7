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
