-- Training (教育訓練): the yearly plan with the staff roster by job
-- category, and the sessions held with their sign-in sheets
-- (zian_domain::training::PlanBody, SessionBody).
CREATE TABLE training_plans (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES orgs(id),
    year BIGINT NOT NULL,
    body TEXT NOT NULL,
    created_by TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX training_plans_org_year ON training_plans(org_id, year);

CREATE TABLE training_sessions (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES orgs(id),
    title TEXT NOT NULL,
    -- professional, general, functional
    category TEXT NOT NULL,
    minutes BIGINT NOT NULL,
    held_on TEXT NOT NULL,
    body TEXT NOT NULL,
    created_by TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX training_sessions_org ON training_sessions(org_id, held_on);
