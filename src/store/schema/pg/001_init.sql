-- Gatehouse schema, version 1 (PostgreSQL): the same tables, columns and
-- meaning as sqlite/001_init.sql, so both engines answer alike. Timestamps
-- are BIGINT unix seconds; flags are INTEGER 0/1 as in SQLite. Secrets
-- (codes, refresh tokens, session ids, client secrets) are stored only as
-- digests. Removing a user or a client cascades to what hangs off it.

CREATE TABLE users (
    sub           TEXT NOT NULL PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    email         TEXT,
    nickname      TEXT,
    name          TEXT,
    created_at    BIGINT NOT NULL
);

-- Redirect URIs are newline-joined: a URI never holds a raw newline.
CREATE TABLE clients (
    id                        TEXT NOT NULL PRIMARY KEY,
    secret_digest             TEXT,
    name                      TEXT,
    redirect_uris             TEXT NOT NULL,
    post_logout_redirect_uris TEXT NOT NULL,
    scope                     TEXT NOT NULL,
    grants                    INTEGER NOT NULL,
    is_public                 INTEGER NOT NULL,
    created_at                BIGINT NOT NULL
);

CREATE TABLE consents (
    sub        TEXT NOT NULL REFERENCES users (sub) ON DELETE CASCADE,
    client_id  TEXT NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    scope      TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (sub, client_id)
);
CREATE INDEX consents_client ON consents (client_id);

CREATE TABLE sessions (
    digest     TEXT NOT NULL PRIMARY KEY,
    sub        TEXT NOT NULL REFERENCES users (sub) ON DELETE CASCADE,
    auth_time  BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_sub ON sessions (sub);
CREATE INDEX sessions_expires ON sessions (expires_at);

CREATE TABLE codes (
    digest         TEXT NOT NULL PRIMARY KEY,
    client_id      TEXT NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    redirect_uri   TEXT NOT NULL,
    scope          TEXT NOT NULL,
    sub            TEXT NOT NULL REFERENCES users (sub) ON DELETE CASCADE,
    nonce          TEXT,
    code_challenge TEXT,
    session_digest TEXT,
    family         TEXT,
    auth_time      BIGINT NOT NULL,
    expires_at     BIGINT NOT NULL,
    used_at        BIGINT
);
CREATE INDEX codes_client ON codes (client_id);
CREATE INDEX codes_sub ON codes (sub);
CREATE INDEX codes_expires ON codes (expires_at);

CREATE TABLE refresh_tokens (
    digest     TEXT NOT NULL PRIMARY KEY,
    family     TEXT NOT NULL,
    client_id  TEXT NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    sub        TEXT REFERENCES users (sub) ON DELETE CASCADE,
    scope      TEXT NOT NULL,
    auth_time  BIGINT NOT NULL,
    issued_at  BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at    BIGINT,
    revoked    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX refresh_tokens_family ON refresh_tokens (family);
CREATE INDEX refresh_tokens_client ON refresh_tokens (client_id);
CREATE INDEX refresh_tokens_sub ON refresh_tokens (sub);
CREATE INDEX refresh_tokens_expires ON refresh_tokens (expires_at);

-- retire_at is 0 while the key signs.
CREATE TABLE signing_keys (
    kid         TEXT NOT NULL PRIMARY KEY,
    alg         TEXT NOT NULL,
    private_jwk TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    retire_at   BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX signing_keys_created ON signing_keys (created_at);

CREATE TABLE settings (
    name  TEXT NOT NULL PRIMARY KEY,
    value TEXT NOT NULL
);
