-- Gatehouse schema, version 13 (both engines): mail and self-service (issue 21,
-- docs/account.md).
--
-- users.email_verified: 1 once the member followed a verification link (or
-- `user add --email-verified`, or an invitation by mail).
--
-- outbox: every message the server sends, written by the request that asks
-- for it and sent by the mail worker (src/mail/outbox.c). A worker claims a
-- row by moving claimed_until into the future in one UPDATE, so of several
-- instances on one database exactly one holds it; a worker that dies lets its
-- claim run out and another sends the message. A sent message is deleted.
--
-- mail_links: the single-use links sent by mail (password reset, e-mail
-- verification, invitations), by the SHA-256 of their token. email is the
-- address a verification link confirms or an invitation is for; sub the
-- member a reset or verification is for (NULL for an invitation).

ALTER TABLE users ADD COLUMN email_verified INTEGER NOT NULL DEFAULT 0;

CREATE TABLE outbox (
    id            TEXT NOT NULL PRIMARY KEY,
    recipient     TEXT NOT NULL,
    message       TEXT NOT NULL,
    attempts      INTEGER NOT NULL,
    next_at       BIGINT NOT NULL,
    claimed_until BIGINT NOT NULL,
    last_error    TEXT,
    created_at    BIGINT NOT NULL
);
CREATE INDEX outbox_next ON outbox (next_at);

CREATE TABLE mail_links (
    digest     TEXT NOT NULL PRIMARY KEY,
    purpose    TEXT NOT NULL,
    sub        TEXT REFERENCES users (sub) ON DELETE CASCADE,
    email      TEXT,
    expires_at BIGINT NOT NULL,
    used_at    BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX mail_links_sub ON mail_links (sub);
CREATE INDEX mail_links_expires ON mail_links (expires_at);
