-- Gatehouse schema, version 9 (both engines): how a member signed in (amr,
-- RFC 8176 method values separated by spaces; acr; idp, the platform of a
-- federated sign-in) is kept with the sign-in session and carried to the codes
-- and refresh tokens issued from it, so that their id_tokens can say it.
-- Rows made before this migration have none (NULL): their id_tokens say nothing.

ALTER TABLE sessions ADD COLUMN amr TEXT;
ALTER TABLE sessions ADD COLUMN acr TEXT;
ALTER TABLE sessions ADD COLUMN idp TEXT;
ALTER TABLE codes ADD COLUMN amr TEXT;
ALTER TABLE codes ADD COLUMN acr TEXT;
ALTER TABLE codes ADD COLUMN idp TEXT;
ALTER TABLE refresh_tokens ADD COLUMN amr TEXT;
ALTER TABLE refresh_tokens ADD COLUMN acr TEXT;
ALTER TABLE refresh_tokens ADD COLUMN idp TEXT;
