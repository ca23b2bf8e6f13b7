-- Risk settings per organisation (NICS risk assessment, seed 003 捌): the
-- scale maximum of each factor (asset value, likelihood, vulnerability; 3 to
-- 5, default 3), the acceptance threshold, and optional zh/en labels of the
-- ratings as a JSON object {"asset_value": {"zh": [...], "en": [...]}, ...}.
-- An organisation without a row inherits from its nearest ancestor that has
-- one, else the default 1–3 method. Portable SQL as in 0001.
CREATE TABLE risk_settings (
    org_id TEXT PRIMARY KEY REFERENCES orgs(id),
    asset_value_max BIGINT NOT NULL,
    likelihood_max BIGINT NOT NULL,
    vulnerability_max BIGINT NOT NULL,
    threshold BIGINT NOT NULL,
    labels TEXT NOT NULL,
    updated_by TEXT,
    updated_at BIGINT NOT NULL
);

-- Information systems are archived, never deleted (they keep gradings,
-- control status and risks): unix seconds of the archiving, NULL if active.
ALTER TABLE info_systems ADD COLUMN archived_at BIGINT;
