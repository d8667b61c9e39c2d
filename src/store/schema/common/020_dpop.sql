-- Gatehouse schema, version 20 (both engines): DPoP (RFC 9449, issue 23).
-- A client that always uses DPoP (RFC 9449 §5.2 dpop_bound_access_tokens);
-- the key (its RFC 7638 thumbprint) an authorization code is bound to
-- (dpop_jkt at the authorization request, §10), and the key a public
-- client's refresh token is bound to (§5); NULL for none.
ALTER TABLE clients ADD COLUMN dpop_bound_access_tokens INTEGER NOT NULL DEFAULT 0;
ALTER TABLE codes ADD COLUMN dpop_jkt TEXT;
ALTER TABLE refresh_tokens ADD COLUMN dpop_jkt TEXT;
