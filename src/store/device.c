/* Device authorizations (RFC 8628), the rule both engines share: how a poll
 * of the token endpoint changes the record. */
#include "store/store_int.h"

bool store_device_polled(store_device_t *d, int64_t now)
{
    bool slow =
        d->state == STORE_DEVICE_PENDING && d->last_poll && now - d->last_poll < d->interval;
    if (slow)
        d->interval += STORE_DEVICE_SLOW_DOWN; /* RFC 8628 §3.5 slow_down */
    d->last_poll = now;
    return slow;
}
