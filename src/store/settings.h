/* The settings store (settings.c): small named values the instances sharing
 * a database agree on (generated secrets, schema facts). */
#ifndef GH_STORE_SETTINGS_H
#define GH_STORE_SETTINGS_H

#include "store/store.h"

/* ---- settings: small named values (generated secrets, schema facts) ---- */
gh_status_t store_setting_get(store_t *s, arena_t *a, const char *name, const char **value);
/* Inserts name = value unless name exists; *value_out gets the stored value
 * either way (so concurrent first starts agree on one generated secret). */
gh_status_t store_setting_init(store_t *s, arena_t *a, const char *name, const char *value,
                               const char **value_out);

/* A 256-bit random secret (64 hex digits) stored under name when none is,
 * into *value: every instance sharing the store gets the same one. */
gh_status_t store_setting_secret(store_t *s, arena_t *a, const char *name, const char **value);

/* Sets name to value only while it is still old: NOT_FOUND when it is not
 * (another instance changed it first), which leaves it as it is. */
gh_status_t store_setting_replace(store_t *s, const char *name, const char *old, const char *value);

/* Removes name (a generated secret no longer used); GH_OK also when absent. */
gh_status_t store_setting_delete(store_t *s, const char *name);

#endif
