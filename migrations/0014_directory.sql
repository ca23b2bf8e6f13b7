-- Issue 11 (part): sign-in through the agency's directory (LDAP / Active
-- Directory). A directory-backed user has one external identity: the
-- provider's name and the subject the provider knows them by (for LDAP the
-- entry's DN, lower-cased). Roles granted from directory groups carry the
-- provider in `role_assignments.source`, so a login that re-maps the groups
-- touches only those and never a role an administrator granted by hand
-- (`source` NULL). `users.disabled_reason` says why an account was turned
-- off when the platform did it (`directory_removed`), so a returning entry
-- re-enables only what the directory disabled.
CREATE TABLE user_identities (
    user_id TEXT PRIMARY KEY REFERENCES users(id),
    provider TEXT NOT NULL,
    subject TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    last_login_at BIGINT
);
CREATE UNIQUE INDEX user_identities_subject ON user_identities(provider, subject);
ALTER TABLE role_assignments ADD COLUMN source TEXT;
ALTER TABLE users ADD COLUMN disabled_reason TEXT;
