-- Gatehouse schema, version 22 (both engines): dynamic client registration
-- (RFC 7591, RFC 7592; docs/clients.md). A client registered at
-- /oauth2/v1/register is marked dynamic (operators' clients are 0 and never
-- expire); its registration access token is kept only as a digest; a dynamic
-- client whose last use (or registration) is older than
-- registration_unused_ttl is deleted. application_type (OpenID Connect
-- Dynamic Client Registration §2: web or native; NULL: not said) and
-- contacts (newline-joined e-mail addresses) are client metadata.
ALTER TABLE clients ADD COLUMN dynamic INTEGER NOT NULL DEFAULT 0;
ALTER TABLE clients ADD COLUMN registration_token_digest TEXT;
ALTER TABLE clients ADD COLUMN last_used_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE clients ADD COLUMN application_type TEXT;
ALTER TABLE clients ADD COLUMN contacts TEXT NOT NULL DEFAULT '';
CREATE INDEX clients_dynamic_used ON clients (dynamic, last_used_at);

-- Initial access tokens (RFC 7591 §3: registration_policy =
-- initial_access_token), from `gatehouse client initial-token`: stored only
-- as a digest, each good for uses_left registrations until expires_at.
CREATE TABLE initial_access_tokens (
    digest     TEXT NOT NULL PRIMARY KEY,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    uses_left  INTEGER NOT NULL
);
CREATE INDEX initial_access_tokens_expires ON initial_access_tokens (expires_at);
