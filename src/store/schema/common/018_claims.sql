-- Gatehouse schema, version 18 (both engines): claims and scopes
-- (docs/claims.md). users.attributes: the member's custom attributes, a JSON
-- object (NULL: none); users.member_groups: the member's groups, a JSON array
-- of names (NULL: none). clients.id_token_claims: the claim names the client
-- wants in its id_token as well as at userinfo (space-separated, NULL: none);
-- clients.subject_type: public or pairwise (OpenID Connect Core §8).

ALTER TABLE users ADD COLUMN attributes TEXT;
ALTER TABLE users ADD COLUMN member_groups TEXT;
ALTER TABLE clients ADD COLUMN id_token_claims TEXT;
ALTER TABLE clients ADD COLUMN subject_type TEXT NOT NULL DEFAULT 'public';
