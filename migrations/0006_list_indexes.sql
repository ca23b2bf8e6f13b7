-- List indexes. Every paged list reads one organisation's rows in a
-- whitelisted order, 50 at a time; these indexes serve the default orders
-- so that a page reads the rows it shows, not every row in scope (the
-- figures are in `zian bench web`). The single-column organisation index of
-- information systems is superseded by the first one below.
DROP INDEX info_systems_org;
CREATE INDEX info_systems_org_name ON info_systems(org_id, name, id);
CREATE INDEX info_systems_org_updated ON info_systems(org_id, updated_at, id);
DROP INDEX risks_org;
CREATE INDEX risks_org_value ON risks(org_id, risk_value, created_at, id);
CREATE INDEX risks_org_due ON risks(org_id, due_on, id);
