-- Gatehouse schema, version 11 (both engines): logout everywhere (OpenID
-- Connect Back-Channel and Front-Channel Logout 1.0).
--
-- sid: a random identifier of the sign-in session (never its cookie nor the
-- cookie's digest), carried like the authn context (009) to the codes and
-- refresh tokens issued in it, so their id_tokens can name it.
-- clients: where each client hears of a logout, and whether it needs sid.
-- session_clients: which clients received a code in which session, until the
-- session ends or expires.
-- logout_outbox: logout tokens still to be delivered; a row is claimed by one
-- worker at a time (claimed_until) and deleted once delivered or given up.

ALTER TABLE sessions ADD COLUMN sid TEXT;
ALTER TABLE codes ADD COLUMN sid TEXT;
ALTER TABLE refresh_tokens ADD COLUMN sid TEXT;
CREATE INDEX refresh_tokens_sid ON refresh_tokens (sid);

ALTER TABLE clients ADD COLUMN backchannel_logout_uri TEXT;
ALTER TABLE clients ADD COLUMN backchannel_logout_session_required INTEGER NOT NULL DEFAULT 0;
ALTER TABLE clients ADD COLUMN frontchannel_logout_uri TEXT;
ALTER TABLE clients ADD COLUMN frontchannel_logout_session_required INTEGER NOT NULL DEFAULT 0;

CREATE TABLE session_clients (
    sid        TEXT NOT NULL,
    client_id  TEXT NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    sub        TEXT NOT NULL,
    expires_at BIGINT NOT NULL,
    PRIMARY KEY (sid, client_id)
);
CREATE INDEX session_clients_sub ON session_clients (sub);
CREATE INDEX session_clients_expires ON session_clients (expires_at);

CREATE TABLE logout_outbox (
    jti           TEXT NOT NULL PRIMARY KEY,
    client_id     TEXT NOT NULL,
    uri           TEXT NOT NULL,
    sub           TEXT NOT NULL,
    sid           TEXT,
    created_at    BIGINT NOT NULL,
    attempts      INTEGER NOT NULL DEFAULT 0,
    next_at       BIGINT NOT NULL,
    claimed_until BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX logout_outbox_next ON logout_outbox (next_at);
