-- Zian foundation schema. One migration tree for SQLite and PostgreSQL:
-- only portable types (TEXT, BIGINT, DOUBLE PRECISION), application-generated
-- TEXT ids (UUIDv7), times as BIGINT unix seconds (UTC), dates as TEXT
-- YYYY-MM-DD, booleans as BIGINT 0/1.

CREATE TABLE orgs (
    id TEXT PRIMARY KEY,
    parent_id TEXT REFERENCES orgs(id),
    path TEXT NOT NULL UNIQUE,
    depth BIGINT NOT NULL,
    code TEXT UNIQUE,
    name_zh TEXT NOT NULL,
    name_en TEXT NOT NULL,
    tier TEXT NOT NULL,
    kind TEXT NOT NULL,
    level TEXT,
    level_assigned_on TEXT,
    level_review_due TEXT,
    fiscal_tier BIGINT,
    active BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX orgs_parent ON orgs(parent_id);

-- Every change to an organisation's place or attributes, kept forever.
CREATE TABLE org_history (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES orgs(id),
    at BIGINT NOT NULL,
    actor_user_id TEXT,
    change TEXT NOT NULL,
    old_value TEXT,
    new_value TEXT
);
CREATE INDEX org_history_org ON org_history(org_id, at);

CREATE TABLE users (
    id TEXT PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    email TEXT NOT NULL,
    home_org_id TEXT NOT NULL REFERENCES orgs(id),
    password_hash TEXT NOT NULL,
    password_changed_at BIGINT NOT NULL,
    must_change_password BIGINT NOT NULL,
    totp_secret TEXT,
    totp_enabled BIGINT NOT NULL,
    totp_last_step BIGINT,
    locale TEXT NOT NULL,
    failed_logins BIGINT NOT NULL,
    locked_until BIGINT,
    active BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX users_home_org ON users(home_org_id);

CREATE TABLE password_history (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id),
    password_hash TEXT NOT NULL,
    changed_at BIGINT NOT NULL
);
CREATE INDEX password_history_user ON password_history(user_id, changed_at);

CREATE TABLE recovery_codes (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id),
    code_hash TEXT NOT NULL,
    used_at BIGINT
);
CREATE INDEX recovery_codes_user ON recovery_codes(user_id);

CREATE TABLE role_assignments (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id),
    org_id TEXT NOT NULL REFERENCES orgs(id),
    role TEXT NOT NULL,
    granted_by TEXT,
    granted_at BIGINT NOT NULL,
    revoked_by TEXT,
    revoked_at BIGINT
);
CREATE INDEX role_assignments_user ON role_assignments(user_id);
CREATE INDEX role_assignments_org ON role_assignments(org_id);

-- 職務代理人: the deputy acts with the principal's role at the org for a period.
CREATE TABLE deputies (
    id TEXT PRIMARY KEY,
    principal_user_id TEXT NOT NULL REFERENCES users(id),
    deputy_user_id TEXT NOT NULL REFERENCES users(id),
    org_id TEXT NOT NULL REFERENCES orgs(id),
    role TEXT NOT NULL,
    starts_at BIGINT NOT NULL,
    ends_at BIGINT NOT NULL,
    reason TEXT NOT NULL,
    created_by TEXT,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT
);
CREATE INDEX deputies_deputy ON deputies(deputy_user_id);
CREATE INDEX deputies_org ON deputies(org_id);

CREATE TABLE sessions (
    id_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id),
    created_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    mfa_passed BIGINT NOT NULL,
    csrf_token TEXT NOT NULL,
    current_org_id TEXT,
    ip TEXT,
    user_agent TEXT
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE api_tokens (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id),
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    org_id TEXT NOT NULL REFERENCES orgs(id),
    permissions TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT,
    last_used_at BIGINT,
    revoked_at BIGINT
);
CREATE INDEX api_tokens_user ON api_tokens(user_id);

-- Records explicitly shared with a vendor user.
CREATE TABLE shares (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES orgs(id),
    record_type TEXT NOT NULL,
    record_id TEXT NOT NULL,
    title TEXT NOT NULL,
    vendor_user_id TEXT NOT NULL REFERENCES users(id),
    created_by TEXT,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT
);
CREATE INDEX shares_vendor ON shares(vendor_user_id);

-- Tamper-evident audit trail (hash chain); audit_head holds the chain's tip.
CREATE TABLE audit_log (
    seq BIGINT PRIMARY KEY,
    at BIGINT NOT NULL,
    actor_user_id TEXT,
    actor_token_id TEXT,
    org_id TEXT,
    action TEXT NOT NULL,
    target TEXT,
    details TEXT NOT NULL,
    ip TEXT,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX audit_log_org ON audit_log(org_id, seq);
CREATE INDEX audit_log_action ON audit_log(action);

CREATE TABLE audit_head (
    id BIGINT PRIMARY KEY,
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
