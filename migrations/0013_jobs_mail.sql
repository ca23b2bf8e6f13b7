-- Issue 11: durable background jobs and outgoing mail.
--
-- `jobs` is the queue: a worker claims the oldest due job (queued, or failed
-- and waiting for its retry) by setting `running` with a lease
-- (`locked_by`, `locked_until`); an expired lease (a worker killed) puts the
-- job back. `idempotency_key` makes enqueuing twice (two servers enqueuing
-- the same scheduled slot) yield one job.
CREATE TABLE jobs (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    state TEXT NOT NULL,
    idempotency_key TEXT UNIQUE,
    org_id TEXT REFERENCES orgs(id),
    run_at BIGINT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    max_attempts BIGINT NOT NULL,
    last_error TEXT,
    progress BIGINT NOT NULL DEFAULT 0,
    progress_message TEXT,
    locked_by TEXT,
    locked_until BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    finished_at BIGINT
);
CREATE INDEX jobs_due ON jobs(state, run_at);
CREATE INDEX jobs_kind ON jobs(kind, created_at);
CREATE INDEX jobs_created ON jobs(created_at);

-- One row per attempt: which worker, when, how it ended (none when the
-- worker died mid-way).
-- The key is `<job id>/<attempt, 5 digits>` (backups order rows by the
-- first column).
CREATE TABLE job_runs (
    id TEXT PRIMARY KEY,
    job_id TEXT NOT NULL REFERENCES jobs(id),
    attempt BIGINT NOT NULL,
    worker TEXT NOT NULL,
    started_at BIGINT NOT NULL,
    finished_at BIGINT,
    outcome TEXT,
    error TEXT,
    UNIQUE (job_id, attempt)
);

-- Outgoing mail, recorded whatever its outcome; each is delivered by one
-- `mail.send` job.
CREATE TABLE mail_messages (
    id TEXT PRIMARY KEY,
    org_id TEXT REFERENCES orgs(id),
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    lang TEXT NOT NULL,
    template TEXT NOT NULL,
    body_text TEXT NOT NULL,
    body_html TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    last_error TEXT,
    job_id TEXT,
    created_at BIGINT NOT NULL,
    sent_at BIGINT
);
CREATE INDEX mail_messages_created ON mail_messages(created_at);
