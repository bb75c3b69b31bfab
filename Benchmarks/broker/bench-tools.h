/*
 * What the broker benchmark's C tools share: clocks, argument checks and dying with a message. Each tool defines
 * TOOL_NAME before including this header, so its messages say which tool failed.
 */
#ifndef KERBSIDE_BENCH_TOOLS_H
#define KERBSIDE_BENCH_TOOLS_H

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double monotonic_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static inline long long epoch_milliseconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Sleeps until a CLOCK_MONOTONIC instant, so a paced loop never accumulates its sleeps' overshoot. */
static inline void sleep_until(double due)
{
	struct timespec ts = { .tv_sec = (time_t)due, .tv_nsec = (long)((due - (double)(time_t)due) * 1e9) };
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR) {
	}
}

static void die(const char *what, const char *detail)
{
	fprintf(stderr, "%s: %s: %s\n", TOOL_NAME, what, detail);
	exit(1);
}

static long parse_long(const char *text, const char *name, long min, long max)
{
	char *end;
	errno = 0;
	long value = strtol(text, &end, 10);
	if (errno || *end || end == text || value < min || value > max) die(name, "out of range or not an integer");
	return value;
}

/* The pattern goes to snprintf: anything but one %d-style conversion would read garbage off the stack. */
static inline bool pattern_is_safe(const char *pattern)
{
	int conversions = 0;
	for (const char *p = pattern; *p; p++) {
		if (*p != '%') continue;
		p++;
		while (*p >= '0' && *p <= '9') p++;
		if (*p != 'd') return false;
		conversions++;
	}
	return conversions == 1;
}

#endif
