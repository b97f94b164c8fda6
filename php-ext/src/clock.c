#include "clock.h"
#include <stdio.h>
#include <string.h>

double opa_ns_per_tick = 1.0;
int opa_use_tsc = 0;

static int file_contains(const char *path, const char *needle)
{
	char buf[4096];
	FILE *f = fopen(path, "r");
	int found = 0;
	if (!f) return 0;
	while (!found && fgets(buf, sizeof(buf), f)) found = strstr(buf, needle) != NULL;
	fclose(f);
	return found;
}

void opa_clock_calibrate(void)
{
#if defined(__x86_64__) || defined(__i386__)
	if (!file_contains("/sys/devices/system/clocksource/clocksource0/current_clocksource", "tsc")
			|| !file_contains("/proc/cpuinfo", " constant_tsc") || !file_contains("/proc/cpuinfo", " nonstop_tsc")) {
		return;
	}
	/* ~200 us busy wait: clock jitter of ~100 ns gives a rate error well under 0.1% */
	uint64_t m0 = opa_mono_ns(), t0 = __rdtsc(), m1, t1;
	do {
		m1 = opa_mono_ns();
		t1 = __rdtsc();
	} while (m1 - m0 < 200000);
	if (t1 > t0) {
		opa_ns_per_tick = (double) (m1 - m0) / (double) (t1 - t0);
		opa_use_tsc = 1;
	}
#endif
}
