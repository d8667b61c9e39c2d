-- Gatehouse schema, version 14 (both engines): second factors (docs/mfa.md).
-- mfa_totp: a member's TOTP secret, sealed (AES-256-GCM under the MFA key,
-- never in the clear); confirmed 0 while enrolment waits for a first code,
-- 1 once it counts; last_step, the last 30-second step a code was accepted
-- for (a code is good once). mfa_recovery: digests of single-use recovery
-- codes. mfa_pending: sign-ins past the password, waiting for the second
-- factor, by the digest of the browser's cookie (single use, minutes long).
-- clients.require_mfa: the client asks every member for a second factor.
-- device_codes.amr/acr/idp/sid: how the person who approved a device signed in
-- (migration 9's authn context), for the device's id_token.

CREATE TABLE mfa_totp (
    sub        TEXT NOT NULL PRIMARY KEY REFERENCES users (sub) ON DELETE CASCADE,
    secret     TEXT NOT NULL,
    confirmed  INTEGER NOT NULL DEFAULT 0,
    last_step  BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
);

CREATE TABLE mfa_recovery (
    sub        TEXT NOT NULL REFERENCES users (sub) ON DELETE CASCADE,
    digest     TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (sub, digest)
);

CREATE TABLE mfa_pending (
    digest     TEXT NOT NULL PRIMARY KEY,
    sub        TEXT NOT NULL REFERENCES users (sub) ON DELETE CASCADE,
    amr        TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX mfa_pending_sub ON mfa_pending (sub);
CREATE INDEX mfa_pending_expires ON mfa_pending (expires_at);

ALTER TABLE clients ADD COLUMN require_mfa INTEGER NOT NULL DEFAULT 0;
ALTER TABLE device_codes ADD COLUMN amr TEXT;
ALTER TABLE device_codes ADD COLUMN acr TEXT;
ALTER TABLE device_codes ADD COLUMN idp TEXT;
ALTER TABLE device_codes ADD COLUMN sid TEXT;
