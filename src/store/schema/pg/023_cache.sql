-- Gatehouse schema, version 23 (PostgreSQL only: SQLite runs in the process
-- and needs no memory kept apart). What lets each instance answer a resource
-- request (a token's member, its client, the denylist) from memory, exact
-- across instances (src/store/pg_listen.c, docs/scaling.md):
--
-- * every change to users, clients and the denylist notifies the channel
--   gatehouse_cache, numbered from gatehouse_cache_seq under one advisory
--   lock held to the commit, so the numbers arrive in commit order;
-- * gatehouse_cache_instances holds each instance's lease and the last
--   change it has applied;
-- * gatehouse_cache_wait() is what a writer calls after its commit: it
--   returns once every instance whose lease runs has applied the writer's
--   last change (true), or after four seconds (false).
--
-- The lock key 78483890193249 is PG_CACHE_LOCK_KEY (src/store/pg_int.h).
-- Single-use marks on the denylist (DPoP proofs, client assertions: keys
-- with a colon) are nobody's token and are not told.

CREATE SEQUENCE gatehouse_cache_seq;

CREATE TABLE gatehouse_cache_instances (
    id          TEXT PRIMARY KEY,
    lease_until TIMESTAMPTZ NOT NULL,
    seen        BIGINT NOT NULL
);

CREATE FUNCTION gatehouse_cache_tell(what TEXT) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(78483890193249);
    PERFORM pg_notify('gatehouse_cache', nextval('gatehouse_cache_seq') || ' ' || what);
END $$;

CREATE FUNCTION gatehouse_cache_user_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM gatehouse_cache_tell('u ' || OLD.sub);
    RETURN NULL;
END $$;

CREATE FUNCTION gatehouse_cache_client_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM gatehouse_cache_tell('c ' || OLD.id);
    RETURN NULL;
END $$;

CREATE FUNCTION gatehouse_cache_token_denied() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM gatehouse_cache_tell('r ' || NEW.expires_at || ' ' || NEW.jti);
    RETURN NULL;
END $$;

CREATE TRIGGER users_tell_cache AFTER UPDATE OR DELETE ON users
    FOR EACH ROW EXECUTE FUNCTION gatehouse_cache_user_changed();
CREATE TRIGGER clients_tell_cache AFTER UPDATE OR DELETE ON clients
    FOR EACH ROW EXECUTE FUNCTION gatehouse_cache_client_changed();
CREATE TRIGGER revoked_tokens_tell_cache AFTER INSERT OR UPDATE ON revoked_tokens
    FOR EACH ROW WHEN (position(':' in NEW.jti) = 0)
    EXECUTE FUNCTION gatehouse_cache_token_denied();

CREATE FUNCTION gatehouse_cache_wait() RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
    mine BIGINT;
    deadline TIMESTAMPTZ := clock_timestamp() + interval '4 seconds';
BEGIN
    BEGIN
        mine := currval('gatehouse_cache_seq');
    EXCEPTION WHEN object_not_in_prerequisite_state THEN
        RETURN true; -- this session changed nothing told
    END;
    WHILE EXISTS (SELECT 1 FROM gatehouse_cache_instances
                  WHERE seen < mine AND lease_until > clock_timestamp()) LOOP
        IF clock_timestamp() > deadline THEN
            RETURN false;
        END IF;
        PERFORM pg_sleep(0.0005);
    END LOOP;
    RETURN true;
END $$;
