/*
 * alloc-counter: counts heap allocations of the process it is preloaded into, for kerbside-bench's "allocations per
 * reading" (issue 6). Every allocation entry point of glibc's malloc family is wrapped and passed on to glibc's own
 * implementation (__libc_*), so behaviour is unchanged but for one relaxed atomic increment per call.
 *
 *   gcc -O2 -shared -fPIC -o libkerbside-alloc-counter.so alloc-counter.c
 *   LD_PRELOAD=./libkerbside-alloc-counter.so kerbside-bench
 *
 * kerbside-bench finds kerbside_allocations() with dlsym; without the preload it reports no allocation figure.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdatomic.h>
#include <stddef.h>

extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t count, size_t size);
extern void *__libc_realloc(void *pointer, size_t size);
extern void *__libc_memalign(size_t alignment, size_t size);
extern void __libc_free(void *pointer);

static atomic_ulong allocations;

static void count(void) { atomic_fetch_add_explicit(&allocations, 1, memory_order_relaxed); }

unsigned long kerbside_allocations(void) { return atomic_load_explicit(&allocations, memory_order_relaxed); }

void *malloc(size_t size)
{
	count();
	return __libc_malloc(size);
}

void *calloc(size_t count_, size_t size)
{
	count();
	return __libc_calloc(count_, size);
}

void *realloc(void *pointer, size_t size)
{
	count();
	return __libc_realloc(pointer, size);
}

void *memalign(size_t alignment, size_t size)
{
	count();
	return __libc_memalign(alignment, size);
}

void *aligned_alloc(size_t alignment, size_t size)
{
	count();
	return __libc_memalign(alignment, size);
}

int posix_memalign(void **result, size_t alignment, size_t size)
{
	count();
	void *pointer = __libc_memalign(alignment, size);
	if (!pointer) return ENOMEM;
	*result = pointer;
	return 0;
}

void free(void *pointer) { __libc_free(pointer); }
