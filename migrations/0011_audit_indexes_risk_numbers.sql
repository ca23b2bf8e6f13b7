-- Issue 9. The audit trail filtered by person and by date (newest first)
-- without scanning the whole chain.
CREATE INDEX audit_log_actor ON audit_log(actor_user_id, seq);
CREATE INDEX audit_log_at ON audit_log(at);

-- Risks get treatment measures (處理措施) and a human-readable number,
-- R-<year>-<sequence> per organisation and year of creation. Existing rows
-- are numbered in creation order by `SqlStore::migrate` right after this
-- (the year of a unix time in Taipei has no one spelling on both databases).
ALTER TABLE risks ADD COLUMN measures TEXT NOT NULL DEFAULT '';
ALTER TABLE risks ADD COLUMN number TEXT;
ALTER TABLE risks ADD COLUMN number_year BIGINT;
ALTER TABLE risks ADD COLUMN number_seq BIGINT;
CREATE UNIQUE INDEX risks_number ON risks(org_id, number_year, number_seq);
CREATE INDEX risks_org_number ON risks(org_id, number);
