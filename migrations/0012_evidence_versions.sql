-- Issue 9: evidence files are replaced and deleted, never lost. A
-- replacement is a new row that names the one it replaces (`replaces`); the
-- old row stays, downloadable, marked with `replaced_by` (a completion that
-- links it keeps proving what it proved, hash and all). A deletion is soft:
-- who, when and why are kept, and the file leaves the lists.
ALTER TABLE evidence_files ADD COLUMN replaces TEXT;
ALTER TABLE evidence_files ADD COLUMN replaced_by TEXT;
ALTER TABLE evidence_files ADD COLUMN deleted_at BIGINT;
ALTER TABLE evidence_files ADD COLUMN deleted_by TEXT;
ALTER TABLE evidence_files ADD COLUMN delete_reason TEXT;
CREATE INDEX evidence_files_replaces ON evidence_files(replaces);
CREATE INDEX obligation_completions_link ON obligation_completions(evidence_link);
