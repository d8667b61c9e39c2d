-- The social-login gateway (seed 002): single-use login states, the
-- gateway's users with their upstream tokens, and the server-side records
-- behind the `refresh` cookies. States and refresh records are stored only by
-- digest; upstream tokens only sealed (AES-256-GCM) by the gateway. Deleting a
-- gateway user deletes its refresh records.

CREATE TABLE gateway_states (
    digest     TEXT NOT NULL PRIMARY KEY,
    platform   TEXT NOT NULL,
    nonce      TEXT,
    expires_at BIGINT NOT NULL,
    used_at    BIGINT
);
CREATE INDEX gateway_states_expires ON gateway_states (expires_at);

CREATE TABLE gateway_users (
    id               TEXT NOT NULL PRIMARY KEY,
    platform         TEXT NOT NULL,
    platform_user_id TEXT NOT NULL,
    email            TEXT,
    name             TEXT,
    profile          TEXT,
    tokens           TEXT,
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL,
    UNIQUE (platform, platform_user_id)
);

CREATE TABLE gateway_refresh (
    digest     TEXT NOT NULL PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES gateway_users (id) ON DELETE CASCADE,
    expires_at BIGINT NOT NULL,
    used_at    BIGINT
);
CREATE INDEX gateway_refresh_user ON gateway_refresh (user_id);
CREATE INDEX gateway_refresh_expires ON gateway_refresh (expires_at);
