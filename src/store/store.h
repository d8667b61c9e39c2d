/* Storage: the handle, and the stores per feature (included at the end:
 * accounts, clients, sessions, grants, keys, settings, attempts, devices,
 * second factors (mfa),
 * the gateway's), each written once over both engines (SQLite and
 * PostgreSQL; docs/architecture.md).
 *
 * store_open() picks the engine from the URL ("sqlite:PATH", or a libpq URI
 * "postgres://…" / "postgresql://…"), applies the
 * numbered migrations and returns a handle shared by all threads; each engine
 * keeps one connection per thread internally, so callers never lock.
 *
 * Secrets are never stored in the clear: codes, refresh tokens, session ids
 * and client secrets arrive here already digested (core/secret.h); passwords as
 * argon2id strings. Every string a getter returns is allocated in the arena the
 * caller passes and lives as long as it. Single-use operations (store_code_take,
 * store_refresh_rotate) are atomic: of two concurrent callers exactly one wins.
 *
 * Status results: GH_OK; GH_ERR_NOT_FOUND (no such record, or expired; also
 * when a record names a user or client that does not exist);
 * GH_ERR_CONFLICT (already exists, or already used); GH_ERR_UNAVAILABLE (the
 * database cannot be reached or is locked past the busy timeout);
 * GH_ERR_INVALID (a required field is NULL, or a redirect URI is empty or
 * holds a newline); GH_ERR_NOMEM (the arena is full);
 * GH_ERR_INTERNAL otherwise (logged by the engine). */
#ifndef GH_STORE_STORE_H
#define GH_STORE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/status.h"

typedef struct store store_t;

/* Opens (creating when needed) the database named by url and migrates it:
 * store_open_with(url, STORE_OPEN_CREATE | STORE_OPEN_MIGRATE, out). */
gh_status_t store_open(const char *url, store_t **out);

/* store_open_with's flags: create a SQLite file (and its directories) that
 * does not exist yet; apply the pending migrations. */
enum { STORE_OPEN_CREATE = 1u << 0, STORE_OPEN_MIGRATE = 1u << 1 };

/* Opens the database named by url as flags say. Without STORE_OPEN_CREATE a
 * SQLite file that does not exist is GH_ERR_NOT_FOUND, nothing created and
 * nothing logged (a PostgreSQL database is never created). */
gh_status_t store_open_with(const char *url, unsigned flags, store_t **out);

/* ---- migrations and backups (migrations.c, the engines) ---- */

/* One migration: the number and name of its file (NNN_name.sql), and whether
 * the database has it. A version the database has but this binary does not
 * know (a newer binary applied it) comes last, its name NULL. */
typedef struct {
    long version;
    const char *name;
    bool applied;
} store_migration_t;

/* Every migration of the engine, in order, into an arena array. Reads only:
 * a database no migration ever touched lists them all as pending. */
gh_status_t store_migrations(store_t *s, arena_t *a, store_migration_t **out, size_t *count);

/* Applies the pending migrations, each once (several processes may migrate
 * one database together). */
gh_status_t store_migrate(store_t *s);

/* Copies the whole database, consistent as of one moment, into a new file at
 * path while other processes go on writing (SQLite's online backup API); the
 * copy appears under its name only once complete, readable by its owner
 * only. GH_ERR_CONFLICT when path exists; GH_ERR_INVALID for an engine that
 * has its own tools (PostgreSQL: pg_dump); GH_ERR_IO when it cannot be written. */
gh_status_t store_backup(store_t *s, const char *path);

/* Closes every per-thread connection and frees. NULL does nothing. */
void store_close(store_t *s);

/* Lets this process answer the reads of resource requests (a token's
 * member and client, the denylist) from memory, kept exact while any
 * number of instances write (docs/scaling.md): a server calls it once
 * before it serves. No effect on SQLite, whose reads cost no round trip. */
gh_status_t store_cache_start(store_t *s);

/* The engine's name ("sqlite" or "postgresql"). */
const char *store_engine(const store_t *s);

/* ---- read snapshots ---- */
/* The reads between store_read_begin and store_read_end, on this thread, see
 * one state of the store: a read-only request's lookups (a token's revocation,
 * then its user) agree with each other. No write may come in between. On
 * SQLite they share one read transaction, so one WAL read lock rather than one
 * per statement; on PostgreSQL every statement stays its own snapshot. A begin
 * that fails is logged and the reads run one by one. */
void store_read_begin(store_t *s);
void store_read_end(store_t *s);

/* ---- readiness ---- */
/* Runs a trivial read of the schema: GH_OK when the database answers,
 * GH_ERR_UNAVAILABLE when it cannot be reached or stays locked. */
gh_status_t store_ping(store_t *s);

/* How a member signed in, carried from the sign-in session to the codes and
 * refresh tokens it leads to and into their id_tokens: amr, the RFC 8176
 * method values separated by spaces ("pwd", "otp mfa", ...); acr, the
 * authentication context class (OpenID Connect Core §2); idp, the platform a
 * federated sign-in came through; sid, the random id of the sign-in session
 * (OpenID Connect Back-Channel Logout 1.0 §2.1), never its cookie or the
 * cookie's digest. Each NULL when it does not apply. */
typedef struct {
    const char *amr;
    const char *acr;
    const char *idp;
    const char *sid;
} store_authn_t;

/* The stores per feature. */
#include "store/accounts.h"
#include "store/attempts.h"
#include "store/clients.h"
#include "store/devices.h"
#include "store/events.h"
#include "store/federation.h"
#include "store/gateway.h"
#include "store/grants.h"
#include "store/keys.h"
#include "store/pushed.h"
#include "store/registrations.h"
#include "store/logout.h"
#include "store/mail_links.h"
#include "store/outbox.h"
#include "store/mfa.h"
#include "store/passkeys.h"
#include "store/sessions.h"
#include "store/settings.h"

#endif
