-- Management review (管理審查): the committee's meeting with the agenda's
-- facts gathered from the records, the minutes and the decisions
-- (zian_domain::management_review::Body). Its action items are
-- corrective_actions with source 'management_review'.
CREATE TABLE management_reviews (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES orgs(id),
    title TEXT NOT NULL,
    scheduled_on TEXT NOT NULL,
    -- the minutes final (NULL: being prepared)
    held_on TEXT,
    body TEXT NOT NULL,
    created_by TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX management_reviews_org ON management_reviews(org_id, scheduled_on);
