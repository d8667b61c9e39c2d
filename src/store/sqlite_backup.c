/* SQLite engine: `gatehouse backup FILE`, a copy of the live database through
 * SQLite's online backup API (https://sqlite.org/backup.html).
 *
 * The copy is made in one backup step, which reads the source inside one read
 * transaction: in WAL mode writers go on meanwhile and the copy is the
 * database as of the moment that transaction began, whatever commits after.
 * It is written to FILE.partial (owner-only), switched to a rollback journal
 * so that it is one self-contained file, synced, and only then linked to FILE
 * (link(2) never replaces an existing file): FILE either does not exist or is
 * a whole copy. */
#include "store/sqlite_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/log.h"

#define BACKUP_RETRY_MS 50
#define BACKUP_RETRIES 200 /* about 10 s of a source locked by another process */

static void log_failure(const char *path, const char *error)
{
    log_event(LOG_ERROR, "store", "op", "backup", "path", path, "error", error, NULL);
}

/* Copies src into the new database file at tmp. */
static gh_status_t copy_to(sqlite3 *src, const char *tmp)
{
    sqlite3 *dst = NULL;
    int rc = sqlite3_open_v2(tmp, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_backup *b = sqlite3_backup_init(dst, "main", src, "main");
        rc = b ? sqlite3_backup_step(b, -1) : sqlite3_errcode(dst);
        for (int i = 0; b && (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) && i < BACKUP_RETRIES;
             i++) {
            sqlite3_sleep(BACKUP_RETRY_MS);
            rc = sqlite3_backup_step(b, -1);
        }
        if (b && sqlite3_backup_finish(b) != SQLITE_OK && rc == SQLITE_DONE)
            rc = sqlite3_errcode(dst);
    }
    if (rc == SQLITE_DONE)
        rc = sqlite3_exec(dst, "PRAGMA journal_mode = DELETE", NULL, NULL, NULL);
    if (rc != SQLITE_OK)
        log_failure(tmp, dst ? sqlite3_errmsg(dst) : sqlite3_errstr(rc));
    sqlite3_close(dst);
    return rc == SQLITE_OK ? GH_OK : GH_ERR_IO;
}

/* Creates tmp empty and owner-only (SQLite keeps an existing file's mode),
 * or flushes it to disk once written (sync). */
static gh_status_t prepare_file(const char *tmp, bool sync)
{
    int fd = sync ? open(tmp, O_RDONLY | O_CLOEXEC)
                  : open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0 || (sync && fsync(fd) != 0)) {
        log_failure(tmp, strerror(errno));
        if (fd >= 0)
            close(fd);
        return GH_ERR_IO;
    }
    close(fd);
    return GH_OK;
}

gh_status_t sq_backup(store_t *base, const char *path)
{
    sqlite3 *src = NULL;
    if (access(path, F_OK) == 0)
        return GH_ERR_CONFLICT;
    char *tmp = NULL;
    if (asprintf(&tmp, "%s.partial", path) < 0)
        return GH_ERR_NOMEM;
    gh_status_t st = sq_connection((sqlite_store_t *)base, &src);
    if (st == GH_OK)
        st = prepare_file(tmp, false);
    if (st == GH_OK)
        st = copy_to(src, tmp);
    if (st == GH_OK)
        st = prepare_file(tmp, true);
    if (st == GH_OK && link(tmp, path) != 0) {
        st = errno == EEXIST ? GH_ERR_CONFLICT : GH_ERR_IO;
        if (st == GH_ERR_IO)
            log_failure(path, strerror(errno));
    }
    unlink(tmp);
    free(tmp);
    return st;
}
