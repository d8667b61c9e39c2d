-- The device authorization grant (RFC 8628). Both codes are stored only as
-- digests: the device_code's (256-bit) and the normalised user code's. state:
-- 0 pending, 1 approved, 2 denied, 3 redeemed (tokens issued). sub and
-- auth_time are set when the person approves. poll_interval grows on every
-- slow_down; last_poll is 0 before the first poll.
CREATE TABLE device_codes (
    digest           TEXT NOT NULL PRIMARY KEY,
    user_code_digest TEXT NOT NULL UNIQUE,
    client_id        TEXT NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    scope            TEXT NOT NULL,
    state            INTEGER NOT NULL DEFAULT 0,
    sub              TEXT REFERENCES users (sub) ON DELETE CASCADE,
    auth_time        BIGINT NOT NULL DEFAULT 0,
    poll_interval    BIGINT NOT NULL,
    last_poll        BIGINT NOT NULL DEFAULT 0,
    expires_at       BIGINT NOT NULL
);
CREATE INDEX device_codes_client ON device_codes (client_id);
CREATE INDEX device_codes_sub ON device_codes (sub);
CREATE INDEX device_codes_expires ON device_codes (expires_at);

-- Wrong user codes typed at /auth/device, counted per throttle key (a session
-- or an address digest) in a window that starts at the first failure.
CREATE TABLE device_attempts (
    throttle_key TEXT NOT NULL PRIMARY KEY,
    window_start BIGINT NOT NULL,
    failures     INTEGER NOT NULL
);
CREATE INDEX device_attempts_window ON device_attempts (window_start);
