-- Gatehouse schema, version 7 (SQLite): a signing key may be stored ahead of
-- the time it starts signing (`gatehouse keys rotate`, docs/scaling.md), so
-- that every instance publishes it in its JWKS before any instance signs with
-- it. activate_at 0: it signs as soon as it is stored (every key so far).
-- Portable SQL: the pg/ migration is the same.

ALTER TABLE signing_keys ADD COLUMN activate_at BIGINT NOT NULL DEFAULT 0;
