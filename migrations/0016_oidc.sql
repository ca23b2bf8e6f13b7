-- Issue 11 (part): sign-in through the agency's OpenID Connect provider.
-- A sign-in started at /auth/oidc/start is kept here until the provider
-- sends the browser back: the state (stored as its SHA-256), the nonce and
-- the PKCE verifier stay on the server, bound to the browser that started
-- (the SHA-256 of a random cookie value). A row is used once (deleted when
-- the callback takes it) and is good for ten minutes. Not backed up: a
-- restore starts with no sign-in in progress, as with sessions.
CREATE TABLE oidc_logins (
    state_hash TEXT PRIMARY KEY,
    browser_hash TEXT NOT NULL,
    nonce TEXT NOT NULL,
    pkce_verifier TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX oidc_logins_expiry ON oidc_logins(expires_at);
-- The provider asserted a second factor (amr/acr) for this session, so the
-- TOTP step and TOTP enrolment are not asked of it.
ALTER TABLE sessions ADD COLUMN mfa_external BIGINT NOT NULL DEFAULT 0;
