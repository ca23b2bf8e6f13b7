-- L1-L5 operations maturity (zian_domain::maturity): an organisation's
-- programme (layers, phases, key results, tasks as JSON) and its monthly
-- progress reports (the layers' scores, the key results' values, the
-- narrative and the two signatures as JSON), one per programme and month.
CREATE TABLE maturity_programmes (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES orgs(id),
    title TEXT NOT NULL,
    -- YYYY-MM
    starts TEXT NOT NULL,
    months BIGINT NOT NULL,
    body TEXT NOT NULL,
    created_by TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX maturity_programmes_start ON maturity_programmes(org_id, starts);

CREATE TABLE maturity_reports (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES orgs(id),
    programme_id TEXT NOT NULL REFERENCES maturity_programmes(id),
    -- YYYY-MM
    month TEXT NOT NULL,
    -- draft, submitted, published
    status TEXT NOT NULL,
    body TEXT NOT NULL,
    created_by TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX maturity_reports_month ON maturity_reports(programme_id, month);
CREATE INDEX maturity_reports_org ON maturity_reports(org_id, month);
