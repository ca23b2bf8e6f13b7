-- The yearly implementation report of the maintenance plan (資通安全維護計畫
-- 實施情形): one per organisation and year, its rows and approvals in the
-- body (zian_domain::implementation_report::Body).
CREATE TABLE implementation_reports (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES orgs(id),
    year BIGINT NOT NULL,
    -- draft, approved, submitted
    status TEXT NOT NULL,
    submitted_on TEXT,
    body TEXT NOT NULL,
    created_by TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX implementation_reports_org_year ON implementation_reports(org_id, year);
CREATE INDEX implementation_reports_year ON implementation_reports(year, status);
