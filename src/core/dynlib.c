/* Opening a library on first use and filling a table of its functions
 * (dynlib.h). One lock serializes all loads: they happen once per library
 * and process, never on a request's path after the first. */
#include "core/dynlib.h"

#include <dlfcn.h>
#include <pthread.h>
#include <string.h>

#include "core/log.h"

static pthread_mutex_t load_lock = PTHREAD_MUTEX_INITIALIZER;

static gh_status_t fail(const dynlib_t *lib, const char *why)
{
    log_event(LOG_ERROR, "load_library", "library", lib->soname, "package", lib->package, "error",
              why ? why : "unknown", NULL);
    return GH_ERR_UNAVAILABLE;
}

/* POSIX guarantees that dlsym's void * holds a function's address; memcpy
 * moves it into the typed pointer. */
static gh_status_t resolve(dynlib_t *lib, void *handle)
{
    for (size_t i = 0; i < lib->count; i++) {
        dlerror();
        void *addr = dlsym(handle, lib->symbols[i].name);
        if (!addr)
            return fail(lib, dlerror());
        memcpy((char *)lib->table + lib->symbols[i].offset, &addr, sizeof addr);
    }
    return GH_OK;
}

gh_status_t dynlib_load(dynlib_t *lib)
{
    gh_status_t st = GH_OK;
    pthread_mutex_lock(&load_lock);
    if (!lib->loaded) {
        void *handle = dlopen(lib->soname, RTLD_NOW | RTLD_LOCAL);
        st = handle ? resolve(lib, handle) : fail(lib, dlerror());
        if (st != GH_OK && handle)
            dlclose(handle);
        lib->loaded = st == GH_OK;
    }
    pthread_mutex_unlock(&load_lock);
    return st;
}
