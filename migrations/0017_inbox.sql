-- Issue 11 (last part): the in-app inbox and notification preferences.
-- A notice is one person's, rendered in both languages when it is raised
-- (so it reads the same later), with a link inside this site. `channel` is
-- the one it was raised on: `digest` notices wait for the daily digest job
-- (`digested_at` set when they went out). `dedupe_key`: raising the same
-- key again while one is unread adds nothing (a daily reminder of the same
-- item). Preferences: one row per person and event kind that differs from
-- the kind's default.
CREATE TABLE notifications (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id),
    org_id TEXT REFERENCES orgs(id),
    event TEXT NOT NULL,
    title_zh TEXT NOT NULL,
    title_en TEXT NOT NULL,
    link TEXT,
    channel TEXT NOT NULL,
    dedupe_key TEXT,
    created_at BIGINT NOT NULL,
    read_at BIGINT,
    digested_at BIGINT
);
CREATE INDEX notifications_user ON notifications(user_id, created_at);
CREATE INDEX notifications_unread ON notifications(user_id, read_at);
CREATE INDEX notifications_digest ON notifications(channel, digested_at);

CREATE TABLE notification_prefs (
    user_id TEXT NOT NULL REFERENCES users(id),
    event TEXT NOT NULL,
    channel TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, event)
);
