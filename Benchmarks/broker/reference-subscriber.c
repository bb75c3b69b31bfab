/*
 * reference-subscriber: the broker benchmark's yardstick, a libmosquitto subscriber that does nothing with its
 * messages but count them. Whatever a real subscriber achieves is compared with this one on the same broker.
 *
 *   reference-subscriber HOST PORT QOS EXPECTED [PREFIX [IDLE_SECONDS [CLIENT_ID]]]
 *
 * Subscribes PREFIX/parking/+/state (PREFIX defaults to "kerbside"). At QoS 1 it connects with a fixed client id
 * (default "kerbside-bench-reference") and clean session off, as kerbsided does, so the broker treats it as a
 * persistent session and applies the same queue limits. Standard output, one line each:
 *   ready                after the SUBACK, so a driver starts publishing only once nothing can be missed
 *   count N              every 100 ms while running
 *   {...}                at the end: received, first/last message times (CLOCK_MONOTONIC seconds, the clock of
 *                        Python's time.monotonic), elapsed between them, own CPU seconds and CPU µs per message
 * It ends after EXPECTED messages, after IDLE_SECONDS (default 3) without a message once one has arrived, or on
 * SIGTERM/SIGINT; every way out prints the final line.
 *
 * Build: gcc -O2 -o reference-subscriber reference-subscriber.c -lmosquitto
 *
 * The network loop runs on the main thread (no mosquitto_loop_start): on_message is called from mosquitto_loop on
 * this same thread, so the counters need no atomics and the per-message cost is libmosquitto's and nothing else.
 *
 * REFERENCE_WORK_US=N in the environment makes it busy for N µs inside each on_message, as a subscriber doing real
 * work on libmosquitto's thread would: `REFERENCE_WORK_US=3 scripts/bench-broker --self-compare --only
 * qos1-burst-stock` shows what that costs against the stock broker (the README's performance section).
 *
 * REFERENCE_READ_AHEAD=N makes it read up to N waiting packets after each mosquitto_loop round without a select()
 * before each, as kerbsided's network thread does (Sources/MQTT/ReadAhead.swift), to compare like with like.
 *
 * REFERENCE_RECEIVE_MAXIMUM=N makes it connect with MQTT 5 and that receive maximum (kerbsided's default is MQTT 5
 * with 65535): the broker may then have N messages unacknowledged instead of its max_inflight_messages (stock: 20).
 * Its session still ends with the connection (no session expiry is asked for); a benchmark run does not mind.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <mosquitto.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#define TOOL_NAME "reference-subscriber"
#include "bench-tools.h"

#define REPORT_INTERVAL_S 0.1
#define CONNECT_TIMEOUT_S 10.0

struct options {
	const char *host;
	int port;
	int qos;
	long expected;
	const char *prefix;
	double idle_seconds;
	const char *client_id;
};

struct tally {
	int connect_rc;  /* -1 until CONNACK */
	bool subscribed;
	int granted_qos;
	long received;
	double first;
	double last;
};

static volatile sig_atomic_t stop_requested;

static struct options parse_options(int argc, char **argv)
{
	if (argc < 5 || argc > 8) {
		fprintf(stderr, "usage: reference-subscriber HOST PORT QOS EXPECTED [PREFIX [IDLE_SECONDS [CLIENT_ID]]]\n");
		exit(2);
	}
	return (struct options){
		.host = argv[1],
		.port = (int)parse_long(argv[2], "port", 1, 65535),
		.qos = (int)parse_long(argv[3], "qos", 0, 1),
		.expected = parse_long(argv[4], "expected", 1, 1000000000L),
		.prefix = argc > 5 ? argv[5] : "kerbside",
		.idle_seconds = argc > 6 ? (double)parse_long(argv[6], "idle seconds", 1, 3600) : 3.0,
		.client_id = argc > 7 ? argv[7] : "kerbside-bench-reference",
	};
}

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

/* No SA_RESTART: the signal must interrupt the poll inside mosquitto_loop so the loop sees the flag at once. */
static void handle_stop_signals(void)
{
	struct sigaction action = { .sa_handler = on_signal };
	sigemptyset(&action.sa_mask);
	sigaction(SIGTERM, &action, NULL);
	sigaction(SIGINT, &action, NULL);
}

static void on_connect(struct mosquitto *mosq, void *obj, int rc)
{
	(void)mosq;
	((struct tally *)obj)->connect_rc = rc;
}

static void on_subscribe(struct mosquitto *mosq, void *obj, int mid, int count, const int *granted)
{
	(void)mosq;
	(void)mid;
	struct tally *t = obj;
	t->granted_qos = count > 0 ? granted[0] : 0x80;
	t->subscribed = true;
}

static double work_seconds = -1;

static void on_message(struct mosquitto *mosq, void *obj, const struct mosquitto_message *message)
{
	(void)mosq;
	(void)message;
	struct tally *t = obj;
	double now = monotonic_seconds();
	if (work_seconds > 0) {
		while (monotonic_seconds() - now < work_seconds) {
		}
	}
	if (t->received == 0) t->first = now;
	t->last = now;
	t->received++;
}

static long read_ahead = 0;

static void pump(struct mosquitto *mosq, int timeout_ms)
{
	int rc = mosquitto_loop(mosq, timeout_ms, 1);
	if (rc != MOSQ_ERR_SUCCESS) die("connection", mosquitto_strerror(rc));
	/* libmosquitto tells a read that would block by errno after a successful return. */
	for (long i = 0; i < read_ahead; i++) {
		errno = 0;
		rc = mosquitto_loop_read(mosq, 1);
		if (rc != MOSQ_ERR_SUCCESS) die("connection", mosquitto_strerror(rc));
		if (errno == EAGAIN || errno == EWOULDBLOCK) break;
	}
}

/* Blocks until the broker has granted the subscription, then says "ready" on stdout. */
static struct mosquitto *connect_and_subscribe(const struct options *o, struct tally *t)
{
	bool persistent = o->qos == 1;
	struct mosquitto *mosq = mosquitto_new(persistent ? o->client_id : NULL, !persistent, t);
	if (!mosq) die("mosquitto_new", strerror(errno));
	mosquitto_connect_callback_set(mosq, on_connect);
	mosquitto_subscribe_callback_set(mosq, on_subscribe);
	mosquitto_message_callback_set(mosq, on_message);
	const char *receive_maximum = getenv("REFERENCE_RECEIVE_MAXIMUM");
	if (receive_maximum) {
		if (mosquitto_int_option(mosq, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V5) != MOSQ_ERR_SUCCESS ||
		    mosquitto_int_option(mosq, MOSQ_OPT_RECEIVE_MAXIMUM, atoi(receive_maximum)) != MOSQ_ERR_SUCCESS)
			die("REFERENCE_RECEIVE_MAXIMUM", "expected 1...65535");
	}
	int rc = mosquitto_connect(mosq, o->host, o->port, 60);
	if (rc != MOSQ_ERR_SUCCESS) die("connect", mosquitto_strerror(rc));
	double deadline = monotonic_seconds() + CONNECT_TIMEOUT_S;
	while (t->connect_rc < 0) {
		if (monotonic_seconds() > deadline || stop_requested) die("connect", "no CONNACK");
		pump(mosq, 100);
	}
	if (t->connect_rc != 0) die("connect", mosquitto_connack_string(t->connect_rc));

	char filter[512];
	snprintf(filter, sizeof filter, "%s/parking/+/state", o->prefix);
	rc = mosquitto_subscribe(mosq, NULL, filter, o->qos);
	if (rc != MOSQ_ERR_SUCCESS) die("subscribe", mosquitto_strerror(rc));
	while (!t->subscribed) {
		if (monotonic_seconds() > deadline || stop_requested) die("subscribe", "no SUBACK");
		pump(mosq, 100);
	}
	if (t->granted_qos != o->qos) die("subscribe", "the broker refused or downgraded the subscription");
	printf("ready\n");
	fflush(stdout);
	return mosq;
}

static bool finished(const struct options *o, const struct tally *t, double now)
{
	if (stop_requested || t->received >= o->expected) return true;
	return t->received > 0 && now - t->last > o->idle_seconds;
}

static void receive_until_finished(struct mosquitto *mosq, const struct options *o, struct tally *t)
{
	double next_report = monotonic_seconds() + REPORT_INTERVAL_S;
	for (;;) {
		pump(mosq, 100);
		double now = monotonic_seconds();
		if (finished(o, t, now)) return;
		if (now >= next_report) {
			printf("count %ld\n", t->received);
			fflush(stdout);
			next_report = now + REPORT_INTERVAL_S;
		}
	}
}

static double own_cpu_seconds(void)
{
	struct rusage usage;
	getrusage(RUSAGE_SELF, &usage);
	return (double)usage.ru_utime.tv_sec + (double)usage.ru_utime.tv_usec / 1e6 + (double)usage.ru_stime.tv_sec +
	       (double)usage.ru_stime.tv_usec / 1e6;
}

static void print_report(const struct tally *t)
{
	double elapsed = t->received > 1 ? t->last - t->first : 0;
	double cpu = own_cpu_seconds();
	printf("count %ld\n", t->received);
	printf("{\"received\":%ld,\"first_monotonic\":%.6f,\"last_monotonic\":%.6f,\"elapsed\":%.6f,"
	       "\"rate\":%.1f,\"cpu_seconds\":%.6f,\"cpu_us_per_message\":%.3f}\n",
	       t->received, t->first, t->last, elapsed, elapsed > 0 ? (double)t->received / elapsed : 0.0, cpu,
	       t->received > 0 ? cpu * 1e6 / (double)t->received : 0.0);
	fflush(stdout);
}

int main(int argc, char **argv)
{
	struct options o = parse_options(argc, argv);
	handle_stop_signals();
	const char *work = getenv("REFERENCE_WORK_US");
	work_seconds = work ? atof(work) / 1e6 : 0;
	const char *ahead = getenv("REFERENCE_READ_AHEAD");
	read_ahead = ahead ? atol(ahead) : 0;
	mosquitto_lib_init();
	struct tally t = { .connect_rc = -1 };
	struct mosquitto *mosq = connect_and_subscribe(&o, &t);
	receive_until_finished(mosq, &o, &t);
	print_report(&t);
	mosquitto_disconnect(mosq);
	mosquitto_destroy(mosq);
	mosquitto_lib_cleanup();
	return 0;
}
