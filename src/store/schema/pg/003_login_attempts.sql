-- Gatehouse schema, version 3 (PostgreSQL, as sqlite/003): counters of failed sign-ins, for
-- throttling (docs/security.md). One row per counter key: a SHA-256 digest of
-- what is counted (an account, a client address, or the pair), so neither
-- usernames nor addresses are kept here in the clear. Mirrors the sqlite/
-- migration.

CREATE TABLE login_attempts (
    key          TEXT NOT NULL PRIMARY KEY,
    failures     INTEGER NOT NULL,   -- failures counted in the current window
    window_start BIGINT NOT NULL,    -- first failure of the window; 0 after a success
    last_failure BIGINT NOT NULL,    -- 0 when none
    last_success BIGINT NOT NULL     -- 0 when none
);
CREATE INDEX login_attempts_last_failure ON login_attempts (last_failure);
