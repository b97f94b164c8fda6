/* Clocks.
 * Call timing uses "ticks": the CPU time-stamp counter when it is invariant and the kernel itself uses
 * it as clocksource (rdtsc ~7 ns; clock_gettime costs 25-60 ns, twice per call), else the monotonic
 * clock (ticks = ns). opa_clock_calibrate() measures ns per tick once at startup.
 * The thread CPU clock is a real system call (~0.5 us): a call's CPU start is extrapolated from a
 * reading at most cpu_refresh old at both ends (see refresh_cpu() in calltree.c). */
#ifndef OPA_CLOCK_H
#define OPA_CLOCK_H

#include <stdint.h>
#include <time.h>
#if defined(__x86_64__) || defined(__i386__)
# include <x86intrin.h>
#endif

extern double opa_ns_per_tick;
extern int opa_use_tsc;
void opa_clock_calibrate(void);

static inline uint64_t opa_mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t) ts.tv_sec * 1000000000ULL + (uint64_t) ts.tv_nsec;
}

static inline uint64_t opa_ticks(void)
{
#if defined(__x86_64__) || defined(__i386__)
	if (opa_use_tsc) return __rdtsc();
#endif
	return opa_mono_ns();
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
