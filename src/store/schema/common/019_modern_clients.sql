-- Gatehouse schema, version 19 (both engines): modern clients (issue 23).
-- Key-bound client authentication
-- (private_key_jwt: the client's inline JWKS or its jwks_uri), the resources
-- (RFC 8707) a client may ask tokens for, newline-joined like its redirect
-- URIs, and whether it must push its authorization requests (RFC 9126).
ALTER TABLE clients ADD COLUMN jwks TEXT;
ALTER TABLE clients ADD COLUMN jwks_uri TEXT;
ALTER TABLE clients ADD COLUMN resources TEXT NOT NULL DEFAULT '';
ALTER TABLE clients ADD COLUMN require_par INTEGER NOT NULL DEFAULT 0;

-- The resources a code or a refresh token was granted for (newline-joined;
-- '' for none), so the tokens they give stay audience-restricted.
ALTER TABLE codes ADD COLUMN resources TEXT NOT NULL DEFAULT '';
ALTER TABLE refresh_tokens ADD COLUMN resources TEXT NOT NULL DEFAULT '';

-- Pushed authorization requests (RFC 9126): the request_uri stored only as a
-- digest, bound to its client, single use, expiring; params is the request's
-- parameters as an application/x-www-form-urlencoded string.
CREATE TABLE pushed_requests (
    digest     TEXT NOT NULL PRIMARY KEY,
    client_id  TEXT NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    params     TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX pushed_requests_client ON pushed_requests (client_id);
CREATE INDEX pushed_requests_expires ON pushed_requests (expires_at);
