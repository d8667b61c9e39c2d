-- Gatehouse schema, version 2 (PostgreSQL, as sqlite/002): the denylist of revoked access tokens
-- (RFC 7009). Access tokens are self-contained JWTs, so revoking one records
-- its jti until the token's own exp; after that the row is useless and is
-- pruned. Userinfo and introspection look a jti up by primary key.

CREATE TABLE revoked_tokens (
    jti        TEXT NOT NULL PRIMARY KEY,
    expires_at BIGINT NOT NULL
);
CREATE INDEX revoked_tokens_expires ON revoked_tokens (expires_at);
