-- Gatehouse schema, version 15 (both engines): passkeys (WebAuthn
-- credentials) and the challenges of their ceremonies.
--
-- passkeys: one row per credential, keyed by its id (base64url, at most 1023
-- bytes raw, WebAuthn §5.8.3); public_key is the COSE_Key as the
-- authenticator sent it (base64url), read again at every sign-in; sign_count
-- the last signature counter seen (a regression is refused); flags the
-- authenticator data flags at registration (backup eligibility: hwk or swk);
-- transports the browser's hints (space-separated), name the member's label.
CREATE TABLE passkeys (
    credential_id TEXT NOT NULL PRIMARY KEY,
    sub           TEXT NOT NULL REFERENCES users (sub) ON DELETE CASCADE,
    public_key    TEXT NOT NULL,
    alg           INTEGER NOT NULL,
    sign_count    BIGINT NOT NULL,
    flags         INTEGER NOT NULL,
    transports    TEXT,
    name          TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    last_used_at  BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX passkeys_sub ON passkeys (sub);

-- A ceremony's challenge, by the SHA-256 of its random bytes: single use (taken
-- by one DELETE), short-lived, for one kind (1 registration, 2 sign-in) and
-- bound to the browser that asked (binding: the digest of its CSRF token,
-- itself bound to its session or its CSRF cookie). sub: the member
-- registering (NULL for a sign-in).
CREATE TABLE passkey_challenges (
    digest     TEXT NOT NULL PRIMARY KEY,
    kind       INTEGER NOT NULL,
    binding    TEXT NOT NULL,
    sub        TEXT,
    expires_at BIGINT NOT NULL
);
CREATE INDEX passkey_challenges_expires ON passkey_challenges (expires_at);
