-- Gatehouse schema, version 7 (both engines): a gateway login state is bound to the
-- browser that asked for it (issue 17, login CSRF). binding holds the SHA-256
-- of the random value of a short-lived cookie set with the login URL; a state
-- is honoured only when the same browser presents that cookie. States made
-- before this migration have none and are refused (they expire in minutes).

ALTER TABLE gateway_states ADD COLUMN binding TEXT;
