-- Gatehouse schema, version 12 (SQLite): the admin API (issue 22). A member
-- may be disabled (disabled_at > 0: cannot sign in), and every admin action
-- and security event is a row of events: who (actor: a sub or a client_id),
-- what (action, target), when, from where (ip) and details (a JSON object as
-- text). The id orders the events and pages through them.

ALTER TABLE users ADD COLUMN disabled_at BIGINT NOT NULL DEFAULT 0;

CREATE TABLE events (
    id      INTEGER PRIMARY KEY AUTOINCREMENT,
    time    BIGINT NOT NULL,
    actor   TEXT,
    action  TEXT NOT NULL,
    target  TEXT,
    ip      TEXT,
    details TEXT NOT NULL
);
CREATE INDEX events_time ON events (time);
CREATE INDEX events_action ON events (action, id);
