-- Evidence content as bytes (issue 8, item 9), no longer base64 text: a
-- third smaller, and no encoding on the way in or out. BYTEA is PostgreSQL's
-- binary type; SQLite accepts the declared name and stores the values as
-- blobs. Existing rows keep their base64 in `content` until
-- `SqlStore::migrate` decodes them into `content_bytes` and empties
-- `content` (SQLite has no base64 decoder, so no one statement can do it on
-- both databases); from then on `content` is always '' and never read.
ALTER TABLE evidence_files ADD COLUMN content_bytes BYTEA;
