-- Issue 13 (scale): the findings page lists an organisation's open,
-- confirmed findings by due date or score. These partial indexes hold only
-- those findings in that order, so a page reads its 50 rows (plus the
-- offset) instead of sorting every open finding of the organisation.
CREATE INDEX vuln_findings_open_due ON vuln_findings(org_id, due_on, id)
    WHERE status IN ('new', 'needs_fix', 'planned') AND certainty = 'confirmed';
CREATE INDEX vuln_findings_open_score ON vuln_findings(org_id, score, id)
    WHERE status IN ('new', 'needs_fix', 'planned') AND certainty = 'confirmed';
-- The KPIs read the CVSS >= 7 confirmed findings notified in a range of
-- months, and the findings fixed in one month.
CREATE INDEX vuln_findings_notified ON vuln_findings(notified_at, org_id)
    WHERE certainty = 'confirmed' AND score >= 70;
CREATE INDEX vuln_findings_fixed ON vuln_findings(fixed_at)
    WHERE fixed_at IS NOT NULL;
