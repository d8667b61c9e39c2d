-- Gatehouse schema, version 6 (PostgreSQL, as sqlite/006): one table of
-- failure counters for every throttle (src/oauth/throttle.c,
-- docs/security.md). login_attempts becomes attempts, and its keys take the
-- "login:" prefix that now names a counter's purpose, so sign-in counters (and
-- the addresses an account signed in from) carry over. The counters of wrong
-- user codes at /auth/device move here under "device:" keys and
-- device_attempts is dropped: counts in flight when upgrading are lost, which
-- at worst gives a guesser one fresh 10-minute window. Mirrors the sqlite/
-- migration, plus the primary key's name, which PostgreSQL keeps.

ALTER TABLE login_attempts RENAME TO attempts;
ALTER TABLE attempts RENAME CONSTRAINT login_attempts_pkey TO attempts_pkey;
DROP INDEX login_attempts_last_failure;
CREATE INDEX attempts_last_failure ON attempts (last_failure);
UPDATE attempts SET key = 'login:' || key;
DROP TABLE device_attempts;
