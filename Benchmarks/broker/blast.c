/*
 * blast: the broker benchmark's publisher. Sends N native parking readings of about 120 bytes over T sensor topics
 * through one libmosquitto connection, as fast as the broker takes them or at a fixed rate, and prints one JSON line.
 *
 *   blast HOST PORT COUNT TOPICS QOS [RATE [PREFIX [PATTERN [CHANGE_EVERY]]]]
 *
 * RATE is messages per second, 0 (the default) for unthrottled; PREFIX defaults to "kerbside"; PATTERN is the
 * printf pattern of sensor ids with one integer conversion, default "bench-%06d". Message i goes to
 * PREFIX/parking/sensor(i mod TOPICS)/state, so each round over the topics gives every sensor one reading; seq
 * counts the rounds from 1. Occupied flips every CHANGE_EVERY rounds (default 5): like a real sensor, which mostly
 * confirms its state (a heartbeat) and sometimes reports a change. CHANGE_EVERY 1 makes every reading a change, the
 * worst case for Kerbside, which then ends and stores a parking session for every other reading.
 *
 * With BLAST_KIND=lighting in the environment it plays streetlight controllers instead: PREFIX/lighting/id/state,
 * a level that changes every CHANGE_EVERY rounds, power and a cumulative meter (the memory benchmark's lights).
 *
 * Build: gcc -O2 -o blast blast.c -lmosquitto
 *
 * The loop is single-threaded on purpose: without mosquitto_loop_start, mosquitto_publish writes straight to the
 * socket, so a message costs one send() and no cross-thread wake-up, and this process stays far cheaper per message
 * than the broker it is measuring.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <mosquitto.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define TOOL_NAME "blast"
#include "bench-tools.h"

/* Messages handed to libmosquitto but not yet written (QoS 0) or acknowledged (QoS 1). Bounded so an unthrottled
 * run applies back-pressure instead of queueing the whole burst in this process's memory; large enough that the
 * broker never waits on us. */
#define WINDOW 20000
/* QoS 1 messages in flight towards the broker: the stock 20 would make the ack round trip the limit. */
#define SEND_MAXIMUM 1000
#define CONNECT_TIMEOUT_S 10.0
/* After the last publish: long enough for the broker to read a large backlog, short enough to fail a stuck run. */
#define DRAIN_TIMEOUT_S 300.0

struct options {
	const char *host;
	int port;
	long count;
	long topics;
	int qos;
	double rate;
	const char *prefix;
	const char *pattern;
	long change_every;
};

struct progress {
	int connect_rc;  /* -1 until CONNACK */
	long done;       /* QoS 0: written to the socket; QoS 1: PUBACKed */
	int marker_mid;  /* the closing QoS 1 message, -1 before it is sent */
	bool marker_acked;
};

static bool lighting(void)
{
	const char *kind = getenv("BLAST_KIND");
	return kind != NULL && strcmp(kind, "lighting") == 0;
}

static struct options parse_options(int argc, char **argv)
{
	if (argc < 6 || argc > 10) {
		fprintf(stderr, "usage: blast HOST PORT COUNT TOPICS QOS [RATE [PREFIX [PATTERN [CHANGE_EVERY]]]]\n");
		exit(2);
	}
	struct options o = {
		.host = argv[1],
		.port = (int)parse_long(argv[2], "port", 1, 65535),
		.count = parse_long(argv[3], "count", 1, 1000000000L),
		.topics = parse_long(argv[4], "topics", 1, 10000000L),
		.qos = (int)parse_long(argv[5], "qos", 0, 1),
		.rate = argc > 6 ? (double)parse_long(argv[6], "rate", 0, 100000000L) : 0,
		.prefix = argc > 7 ? argv[7] : "kerbside",
		.pattern = argc > 8 ? argv[8] : "bench-%06d",
		.change_every = argc > 9 ? parse_long(argv[9], "change_every", 1, 1000000L) : 5,
	};
	if (!pattern_is_safe(o.pattern)) die("pattern", "needs exactly one %d conversion (flags: 0 and a width)");
	return o;
}

/* Topics are made once: 100,000 of them take a few megabytes, and the send loop then only formats payloads. */
static char **make_topics(const struct options *o)
{
	char **topics = calloc((size_t)o->topics, sizeof *topics);
	if (!topics) die("topics", "out of memory");
	for (long i = 0; i < o->topics; i++) {
		char sensor[128];
		snprintf(sensor, sizeof sensor, o->pattern, (int)i);
		if (asprintf(&topics[i], "%s/%s/%s/state", o->prefix, lighting() ? "lighting" : "parking", sensor) < 0)
			die("topics", "out of memory");
	}
	return topics;
}

static void on_connect(struct mosquitto *mosq, void *obj, int rc)
{
	(void)mosq;
	((struct progress *)obj)->connect_rc = rc;
}

/* libmosquitto calls this when a QoS 0 message has been written and when a QoS 1 message is acknowledged. */
static void on_publish(struct mosquitto *mosq, void *obj, int mid)
{
	(void)mosq;
	struct progress *p = obj;
	if (mid == p->marker_mid) {
		p->marker_acked = true;
	} else {
		p->done++;
	}
}

/* One round of network work; a lost connection ends the run, since its figures would mean nothing. */
static void pump(struct mosquitto *mosq, int timeout_ms)
{
	int rc = mosquitto_loop(mosq, timeout_ms, 1);
	if (rc != MOSQ_ERR_SUCCESS) die("connection", mosquitto_strerror(rc));
}

static struct mosquitto *connect_to_broker(const struct options *o, struct progress *p)
{
	struct mosquitto *mosq = mosquitto_new(NULL, true, p);
	if (!mosq) die("mosquitto_new", strerror(errno));
	mosquitto_int_option(mosq, MOSQ_OPT_SEND_MAXIMUM, SEND_MAXIMUM);
	mosquitto_connect_callback_set(mosq, on_connect);
	mosquitto_publish_callback_set(mosq, on_publish);
	int rc = mosquitto_connect(mosq, o->host, o->port, 60);
	if (rc != MOSQ_ERR_SUCCESS) die("connect", mosquitto_strerror(rc));
	double deadline = monotonic_seconds() + CONNECT_TIMEOUT_S;
	while (p->connect_rc < 0) {
		if (monotonic_seconds() > deadline) die("connect", "no CONNACK");
		pump(mosq, 100);
	}
	if (p->connect_rc != 0) die("connect", mosquitto_connack_string(p->connect_rc));
	return mosq;
}

static void publish_reading(struct mosquitto *mosq, const struct options *o, char **topics, long i)
{
	long round = i / o->topics;
	char payload[256];
	int length;
	if (lighting()) {
		int level = (round / o->change_every) % 2 == 0 ? 100 : 40;
		length = snprintf(payload, sizeof payload,
			"{\"level\":%d,\"power_w\":%.1f,\"energy_wh\":%.1f,\"seq\":%ld,\"ts\":%lld}", level,
			level * 0.6, 1000.0 + (double)round * 15.0, round + 1, epoch_milliseconds());
	} else {
		length = snprintf(payload, sizeof payload,
			"{\"occupied\":%s,\"seq\":%ld,\"battery_v\":%.2f,\"rssi\":%ld,\"snr\":7.25,\"kind\":\"%s\","
			"\"fw\":\"nps-4.5.2\",\"ts\":%lld}",
			(round / o->change_every) % 2 == 0 ? "true" : "false", round + 1, 3.30 + (double)(i % 50) / 100.0,
			-60 - i % 40, round % o->change_every == 0 ? "change" : "heartbeat", epoch_milliseconds());
	}
	int rc = mosquitto_publish(mosq, NULL, topics[i % o->topics], length, payload, o->qos, false);
	if (rc != MOSQ_ERR_SUCCESS) die("publish", mosquitto_strerror(rc));
}

/* Batches of about a millisecond's worth, each due at an absolute time, so sleep overshoot never accumulates. */
static long batch_size(const struct options *o)
{
	if (o->rate <= 0) return 256;
	long batch = (long)(o->rate / 1000.0);
	return batch < 1 ? 1 : batch;
}

static void send_all(struct mosquitto *mosq, const struct options *o, char **topics, struct progress *p, double start)
{
	long batch = batch_size(o);
	for (long i = 0; i < o->count;) {
		if (o->rate > 0) sleep_until(start + (double)i / o->rate);
		long end = i + batch < o->count ? i + batch : o->count;
		for (; i < end; i++) publish_reading(mosq, o, topics, i);
		pump(mosq, 0);
		while (i - p->done > WINDOW) pump(mosq, 100);
	}
}

/*
 * Every reading is with the broker when this returns. QoS 1: all acknowledged. QoS 0: all written, then one QoS 1
 * message on a topic the subscribers do not match; the broker handles a connection's packets in order, so its
 * PUBACK means it has read every reading before it.
 */
static void wait_until_delivered(struct mosquitto *mosq, const struct options *o, struct progress *p)
{
	double deadline = monotonic_seconds() + DRAIN_TIMEOUT_S;
	while (p->done < o->count) {
		if (monotonic_seconds() > deadline) die("drain", "timed out");
		pump(mosq, 100);
	}
	if (o->qos == 1) return;
	char topic[512];
	snprintf(topic, sizeof topic, "%s/bench/done", o->prefix);
	int rc = mosquitto_publish(mosq, &p->marker_mid, topic, 4, "done", 1, false);
	if (rc != MOSQ_ERR_SUCCESS) die("publish marker", mosquitto_strerror(rc));
	while (!p->marker_acked) {
		if (monotonic_seconds() > deadline) die("drain", "marker not acknowledged");
		pump(mosq, 100);
	}
}

int main(int argc, char **argv)
{
	struct options o = parse_options(argc, argv);
	char **topics = make_topics(&o);
	mosquitto_lib_init();
	struct progress p = { .connect_rc = -1, .marker_mid = -1 };
	struct mosquitto *mosq = connect_to_broker(&o, &p);

	double start = monotonic_seconds();
	send_all(mosq, &o, topics, &p, start);
	wait_until_delivered(mosq, &o, &p);
	double end = monotonic_seconds();

	/* Nothing is left to write, so the DISCONNECT goes out at once and the broker drops the session cleanly. */
	mosquitto_disconnect(mosq);
	mosquitto_destroy(mosq);
	mosquitto_lib_cleanup();

	double seconds = end - start;
	printf("{\"sent\":%ld,\"qos\":%d,\"topics\":%ld,\"target_rate\":%.0f,\"seconds\":%.6f,\"rate\":%.1f,"
	       "\"start_monotonic\":%.6f,\"end_monotonic\":%.6f}\n",
	       o.count, o.qos, o.topics, o.rate, seconds, (double)o.count / seconds, start, end);
	return 0;
}
