/* Time. Wall-clock seconds for token lifetimes; a monotonic clock for durations. */
#ifndef GH_CORE_CLOCK_H
#define GH_CORE_CLOCK_H

#include <stdint.h>

/* Seconds since the Unix epoch. */
int64_t clock_now(void);

/* Milliseconds since the Unix epoch (where a second is too coarse: the
 * device flow's polling interval). */
int64_t clock_now_ms(void);

/* A monotonic time in microseconds, for measuring durations only. */
uint64_t clock_mono_us(void);

#endif
