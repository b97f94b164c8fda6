/* Clocks. Wall time uses the vDSO monotonic clock (~20 ns); the thread CPU clock is a real system
 * call (~0.5 us), so call nodes read it through a cache refreshed at most every cpu_refresh_ns of
 * wall time: a node's CPU start can be early by at most that interval. */
#ifndef OPA_CLOCK_H
#define OPA_CLOCK_H

#include <stdint.h>
#include <time.h>

static inline uint64_t opa_mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t) ts.tv_sec * 1000000000ULL + (uint64_t) ts.tv_nsec;
}

static inline uint64_t opa_cpu_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t) ts.tv_sec * 1000000000ULL + (uint64_t) ts.tv_nsec;
}

static inline double opa_epoch_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (double) ts.tv_sec * 1000.0 + (double) ts.tv_nsec / 1e6;
}

#endif
