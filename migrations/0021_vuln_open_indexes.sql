-- Issue 13 (scale): what the findings page, the agency's figures and the
-- supervisors' review read, as partial indexes small enough to scan
-- instead of the findings themselves (whose rows carry the evidence).
--
-- An organisation's open, confirmed findings by due date or score: a page
-- of 50 walks the index instead of sorting every open finding.
CREATE INDEX vuln_findings_open_due ON vuln_findings(org_id, due_on, id)
    WHERE status IN ('new', 'needs_fix', 'planned') AND certainty = 'confirmed';
CREATE INDEX vuln_findings_open_score ON vuln_findings(org_id, score, id)
    WHERE status IN ('new', 'needs_fix', 'planned') AND certainty = 'confirmed';
-- Open findings by organisation and severity, with KEV and the due date:
-- the review's per-agency counts, read from the index alone.
CREATE INDEX vuln_findings_open_counts ON vuln_findings(org_id, severity, kev, due_on)
    WHERE status IN ('new', 'needs_fix', 'planned') AND certainty = 'confirmed';
-- The KPIs: CVSS >= 7 confirmed findings by notification time with what
-- the KPIs ask of them, and fixes by the time they were fixed.
CREATE INDEX vuln_findings_kpi ON vuln_findings(notified_at, org_id, handled_at, fixed_at, status, decided_at, verified_by)
    WHERE certainty = 'confirmed' AND score >= 70;
CREATE INDEX vuln_findings_fixes ON vuln_findings(fixed_at, org_id, score, notified_at)
    WHERE certainty = 'confirmed' AND fixed_at IS NOT NULL;
