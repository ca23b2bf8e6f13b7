-- The audit chain anchored outside the database: a MAC of each entry's hash
-- and of the head under a key kept in a file the database never sees
-- (NULL for entries written before a key was configured, until anchored).
ALTER TABLE audit_log ADD COLUMN mac TEXT;
ALTER TABLE audit_head ADD COLUMN mac TEXT;
