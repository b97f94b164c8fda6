/* Test-only LD_PRELOAD shim: PHP loads extensions with dlopen(RTLD_DEEPBIND), which AddressSanitizer
 * refuses. This strips the flag so an ASan-built opa.so can be tested inside a stock PHP binary. */
#define _GNU_SOURCE
#include <dlfcn.h>

void *dlopen(const char *file, int mode)
{
	static void *(*real_dlopen)(const char *, int);
	if (!real_dlopen) real_dlopen = (void *(*)(const char *, int)) dlsym(RTLD_NEXT, "dlopen");
	return real_dlopen(file, mode & ~RTLD_DEEPBIND);
}
