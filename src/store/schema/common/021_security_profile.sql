-- Gatehouse schema, version 21 (both engines): a client's security profile
-- (issue 23): 'fapi2' for the FAPI 2.0 Security Profile, which requires PAR,
-- PKCE, private_key_jwt and DPoP together (docs/clients.md); NULL for none.
ALTER TABLE clients ADD COLUMN security_profile TEXT;
