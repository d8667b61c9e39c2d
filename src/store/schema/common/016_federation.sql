-- Gatehouse schema, version 16 (both engines): federated sign-in at the
-- authorization server (issue 19).
--
-- member_links: a platform identity (platform, subject) belongs to exactly one
-- member; a member may have several. tokens are the platform's tokens for that
-- identity, sealed by the server (for unlinking at the platform when the
-- member or the link goes). Removing a member removes its links.
--
-- federation_states: one sign-in through a platform, single use and bound to
-- the browser that started it (binding: the digest of a cookie's random
-- value), like the gateway's states. request is the pending authorization
-- request (its query string) the sign-in continues; identity, when set, is
-- the platform identity waiting on the "check your profile" page (a second
-- row, keyed by that page's own token). Stored by digest only.

CREATE TABLE member_links (
    platform   TEXT NOT NULL,
    subject    TEXT NOT NULL,
    sub        TEXT NOT NULL REFERENCES users (sub) ON DELETE CASCADE,
    email      TEXT,
    tokens     TEXT,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (platform, subject)
);
CREATE INDEX member_links_sub ON member_links (sub);

CREATE TABLE federation_states (
    digest     TEXT NOT NULL PRIMARY KEY,
    platform   TEXT NOT NULL,
    nonce      TEXT,
    binding    TEXT NOT NULL,
    request    TEXT NOT NULL,
    identity   TEXT,
    expires_at BIGINT NOT NULL,
    used_at    BIGINT
);
CREATE INDEX federation_states_expires ON federation_states (expires_at);
