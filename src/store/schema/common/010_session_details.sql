-- Gatehouse schema, version 10 (both engines): what the account page shows of
-- a sign-in session (issue 21): when it started, when it was last seen (moved
-- at most once a minute), and the browser and address it started from
-- (user_agent truncated). Sessions started before this migration read 0 and
-- NULL.

ALTER TABLE sessions ADD COLUMN created_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN last_seen_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN user_agent TEXT;
ALTER TABLE sessions ADD COLUMN ip TEXT;
