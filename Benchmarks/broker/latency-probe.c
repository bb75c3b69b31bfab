/*
 * latency-probe: how long a parking reading takes to become visible in Kerbside, timed from the publisher's side
 * while other load runs. Prints one JSON line.
 *
 *   latency-probe HOST PORT HTTP_PORT TOKEN PREFIX SENSOR BAY SIGN FILL_PATTERN FILL_FIRST FILL_COUNT
 *                 HTTP_SAMPLES SIGN_SAMPLES TICK_MS
 *
 * 1. Fill: one reading for each of FILL_COUNT sensors (FILL_PATTERN with one %d, numbered from FILL_FIRST),
 *    alternately occupied and free, so the sign's zone has enough reporting bays to leave "unknown" and a free
 *    count that is neither 0 nor the capacity. SENSOR starts free.
 * 2. HTTP: HTTP_SAMPLES times, 20 ms apart, flips SENSOR and polls GET /api/v1/parking/bays/BAY (with TOKEN as the
 *    bearer) over one keep-alive connection until "state" shows the new value. The probe also subscribes to
 *    SENSOR's own topic: that copy's arrival is the broker's share of the delay, the floor for any subscriber.
 *    The round trip of the GET that saw the change is kept too ("get"): a change is seen at best one whole GET
 *    after it lands, so that is the share of the delay the HTTP answer itself takes.
 * 3. Sign: SIGN_SAMPLES times, flips SENSOR and waits for the retained PREFIX/signs/SIGN to carry the free count
 *    that flip makes. Each flip waits a random part of TICK_MS first: flipping right after a sign message would
 *    land just after a tick every time and measure the worst case only.
 *
 * Times are publish (just before mosquitto_publish) to seen, in milliseconds: p50, p99 (nearest rank) and max.
 * Samples that never show within their timeout are counted, not timed.
 *
 * Build: gcc -O2 -pthread -o latency-probe latency-probe.c -lmosquitto
 *
 * Unlike blast, the network loop runs on its own thread (mosquitto_loop_start): the main thread spends the HTTP
 * phase blocked on the HTTP socket, and the sign and echo messages must still be stamped the moment they arrive.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <mosquitto.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define TOOL_NAME "latency-probe"
#include "bench-tools.h"

#define CONNECT_TIMEOUT_S 10.0
#define HTTP_SPACING_S 0.020
#define HTTP_TIMEOUT_S 2.0
/* After the HTTP copy is visible the broker has long delivered the echo, unless the loop thread is starved. */
#define ECHO_GRACE_S 1.0
#define BODY_MAX 65536

struct options {
	const char *host;
	int port;
	int http_port;
	const char *token;
	const char *prefix;
	const char *sensor;
	const char *bay;
	const char *sign;
	const char *fill_pattern;
	long fill_first;
	long fill_count;
	long http_samples;
	long sign_samples;
	double tick;
};

/* Written by the network thread's callbacks, read by the main thread: all under `lock`. */
struct shared {
	pthread_mutex_t lock;
	pthread_cond_t changed;
	int connect_rc;    /* -1 until CONNACK */
	int subacks;
	long acked;        /* QoS 1 publishes acknowledged */
	char *sensor_topic;
	char *sign_topic;
	long echo_seq;     /* the seq whose echo is awaited */
	double echo_at;    /* 0 until it arrives */
	long sign_free;    /* the latest sign message's free count; -1 for null or none yet */
	long sign_messages;
	double sign_at;
};

static struct shared shared = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.changed = PTHREAD_COND_INITIALIZER,
	.connect_rc = -1,
	.sign_free = -1,
};

static struct options parse_options(int argc, char **argv)
{
	if (argc != 15) {
		fprintf(stderr, "usage: latency-probe HOST PORT HTTP_PORT TOKEN PREFIX SENSOR BAY SIGN FILL_PATTERN "
				"FILL_FIRST FILL_COUNT HTTP_SAMPLES SIGN_SAMPLES TICK_MS\n");
		exit(2);
	}
	struct options o = {
		.host = argv[1],
		.port = (int)parse_long(argv[2], "port", 1, 65535),
		.http_port = (int)parse_long(argv[3], "http port", 1, 65535),
		.token = argv[4],
		.prefix = argv[5],
		.sensor = argv[6],
		.bay = argv[7],
		.sign = argv[8],
		.fill_pattern = argv[9],
		.fill_first = parse_long(argv[10], "fill first", 0, 100000000),
		.fill_count = parse_long(argv[11], "fill count", 0, 1000000),
		.http_samples = parse_long(argv[12], "http samples", 1, 1000000),
		.sign_samples = parse_long(argv[13], "sign samples", 1, 100000),
		.tick = (double)parse_long(argv[14], "tick ms", 10, 3600000) / 1000.0,
	};
	if (!pattern_is_safe(o.fill_pattern)) die("fill pattern", "needs exactly one %d conversion");
	return o;
}

/* --- MQTT ------------------------------------------------------------------------------------------------------ */

static void on_connect(struct mosquitto *mosq, void *obj, int rc)
{
	(void)mosq;
	(void)obj;
	pthread_mutex_lock(&shared.lock);
	shared.connect_rc = rc;
	pthread_cond_broadcast(&shared.changed);
	pthread_mutex_unlock(&shared.lock);
}

static void on_subscribe(struct mosquitto *mosq, void *obj, int mid, int count, const int *granted)
{
	(void)mosq;
	(void)obj;
	(void)mid;
	for (int i = 0; i < count; i++) {
		if (granted[i] > 2) die("subscribe", "refused by the broker");
	}
	pthread_mutex_lock(&shared.lock);
	shared.subacks++;
	pthread_cond_broadcast(&shared.changed);
	pthread_mutex_unlock(&shared.lock);
}

static void on_publish(struct mosquitto *mosq, void *obj, int mid)
{
	(void)mosq;
	(void)obj;
	(void)mid;
	pthread_mutex_lock(&shared.lock);
	shared.acked++;
	pthread_cond_broadcast(&shared.changed);
	pthread_mutex_unlock(&shared.lock);
}

/* The integer after "key": in a flat JSON object, or -1 when it is null, absent or not an integer. */
static long json_integer(const char *json, int length, const char *key)
{
	char text[1024];
	if (length >= (int)sizeof text) return -1;
	memcpy(text, json, (size_t)length);
	text[length] = '\0';
	char needle[64];
	snprintf(needle, sizeof needle, "\"%s\"", key);
	const char *at = strstr(text, needle);
	if (!at) return -1;
	at += strlen(needle);
	while (*at == ' ' || *at == ':') at++;
	if (*at < '0' || *at > '9') return -1;
	return strtol(at, NULL, 10);
}

static void on_message(struct mosquitto *mosq, void *obj, const struct mosquitto_message *message)
{
	(void)mosq;
	(void)obj;
	double now = monotonic_seconds();
	pthread_mutex_lock(&shared.lock);
	if (strcmp(message->topic, shared.sign_topic) == 0) {
		shared.sign_free = json_integer(message->payload, message->payloadlen, "free");
		shared.sign_at = now;
		shared.sign_messages++;
		pthread_cond_broadcast(&shared.changed);
	} else if (strcmp(message->topic, shared.sensor_topic) == 0) {
		if (json_integer(message->payload, message->payloadlen, "seq") == shared.echo_seq && shared.echo_at == 0) {
			shared.echo_at = now;
			pthread_cond_broadcast(&shared.changed);
		}
	}
	pthread_mutex_unlock(&shared.lock);
}

/* Waits on the shared condition until `done` holds or `deadline` passes; call with the lock held. */
static bool wait_until(bool (*done)(void *), void *arg, double deadline)
{
	while (!done(arg)) {
		double now = monotonic_seconds();
		if (now >= deadline) return false;
		double due = now + 0.05 < deadline ? now + 0.05 : deadline;
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		double wall = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9 + (due - now);
		ts.tv_sec = (time_t)wall;
		ts.tv_nsec = (long)((wall - (double)ts.tv_sec) * 1e9);
		pthread_cond_timedwait(&shared.changed, &shared.lock, &ts);
	}
	return true;
}

static bool is_connected(void *arg)
{
	(void)arg;
	return shared.connect_rc >= 0;
}

static bool has_subacks(void *arg)
{
	return shared.subacks >= *(int *)arg;
}

static bool has_acks(void *arg)
{
	return shared.acked >= *(long *)arg;
}

static bool echo_arrived(void *arg)
{
	(void)arg;
	return shared.echo_at > 0;
}

struct sign_wait {
	long free;
	long messages_before;
};

static bool sign_shows(void *arg)
{
	struct sign_wait *wait = arg;
	return shared.sign_messages > wait->messages_before && shared.sign_free == wait->free;
}

static struct mosquitto *connect_to_broker(const struct options *o)
{
	struct mosquitto *mosq = mosquitto_new(NULL, true, NULL);
	if (!mosq) die("mosquitto_new", strerror(errno));
	mosquitto_connect_callback_set(mosq, on_connect);
	mosquitto_subscribe_callback_set(mosq, on_subscribe);
	mosquitto_publish_callback_set(mosq, on_publish);
	mosquitto_message_callback_set(mosq, on_message);
	int rc = mosquitto_connect(mosq, o->host, o->port, 60);
	if (rc != MOSQ_ERR_SUCCESS) die("connect", mosquitto_strerror(rc));
	rc = mosquitto_loop_start(mosq);
	if (rc != MOSQ_ERR_SUCCESS) die("loop_start", mosquitto_strerror(rc));
	pthread_mutex_lock(&shared.lock);
	bool connected = wait_until(is_connected, NULL, monotonic_seconds() + CONNECT_TIMEOUT_S);
	int connect_rc = shared.connect_rc;
	pthread_mutex_unlock(&shared.lock);
	if (!connected) die("connect", "no CONNACK");
	if (connect_rc != 0) die("connect", mosquitto_connack_string(connect_rc));

	rc = mosquitto_subscribe(mosq, NULL, shared.sensor_topic, 1);
	if (rc == MOSQ_ERR_SUCCESS) rc = mosquitto_subscribe(mosq, NULL, shared.sign_topic, 1);
	if (rc != MOSQ_ERR_SUCCESS) die("subscribe", mosquitto_strerror(rc));
	int wanted = 2;
	pthread_mutex_lock(&shared.lock);
	bool subscribed = wait_until(has_subacks, &wanted, monotonic_seconds() + CONNECT_TIMEOUT_S);
	pthread_mutex_unlock(&shared.lock);
	if (!subscribed) die("subscribe", "no SUBACK");
	return mosq;
}

static long published;

static void publish_reading(struct mosquitto *mosq, const char *topic, bool occupied, long seq)
{
	char payload[256];
	int length = snprintf(payload, sizeof payload, "{\"occupied\":%s,\"seq\":%ld,\"kind\":\"change\",\"ts\":%lld}",
			      occupied ? "true" : "false", seq, epoch_milliseconds());
	int rc = mosquitto_publish(mosq, NULL, topic, length, payload, 1, false);
	if (rc != MOSQ_ERR_SUCCESS) die("publish", mosquitto_strerror(rc));
	published++;
}

static void wait_for_acks(void)
{
	pthread_mutex_lock(&shared.lock);
	bool acked = wait_until(has_acks, &published, monotonic_seconds() + 60);
	pthread_mutex_unlock(&shared.lock);
	if (!acked) die("publish", "not acknowledged within 60 s");
}

/* --- HTTP: the least a keep-alive GET needs, so the poll loop costs a round trip and nothing more ------------- */

struct http {
	int port;
	int fd;
	char request[1024];
	size_t request_length;
	char buffer[BODY_MAX + 8192];
};

static void http_connect(struct http *h)
{
	h->fd = socket(AF_INET, SOCK_STREAM, 0);
	if (h->fd < 0) die("socket", strerror(errno));
	int one = 1;
	setsockopt(h->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	struct sockaddr_in address = { .sin_family = AF_INET, .sin_port = htons((uint16_t)h->port) };
	address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(h->fd, (struct sockaddr *)&address, sizeof address) != 0) die("http connect", strerror(errno));
}

/* One GET; returns the body (NUL-terminated, in h->buffer) or NULL when the server closed the connection first. */
static const char *http_try_get(struct http *h, int *status)
{
	for (size_t sent = 0; sent < h->request_length;) {
		ssize_t n = send(h->fd, h->request + sent, h->request_length - sent, MSG_NOSIGNAL);
		if (n <= 0) return NULL;
		sent += (size_t)n;
	}
	size_t have = 0;
	char *body = NULL;
	long content_length = -1;
	bool closing = false;
	for (;;) {
		if (have >= sizeof h->buffer - 1) die("http", "answer too large");
		ssize_t n = recv(h->fd, h->buffer + have, sizeof h->buffer - 1 - have, 0);
		if (n <= 0) return NULL;
		have += (size_t)n;
		h->buffer[have] = '\0';
		if (!body) {
			char *end = strstr(h->buffer, "\r\n\r\n");
			if (!end) continue;
			body = end + 4;
			*end = '\0';
			if (sscanf(h->buffer, "HTTP/1.%*d %d", status) != 1) die("http", "no status line");
			char *field = strcasestr(h->buffer, "\r\ncontent-length:");
			if (!field) die("http", "answer without Content-Length (chunked answers are not supported)");
			content_length = strtol(field + strlen("\r\ncontent-length:"), NULL, 10);
			if (content_length < 0 || content_length > BODY_MAX) die("http", "Content-Length out of range");
			closing = strcasestr(h->buffer, "\r\nconnection: close") != NULL;
			*end = '\r';
		}
		if ((long)(h->buffer + have - body) >= content_length) {
			body[content_length] = '\0';
			if (closing) {
				close(h->fd);
				http_connect(h);
			}
			return body;
		}
	}
}

static const char *http_get(struct http *h, int *status)
{
	const char *body = http_try_get(h, status);
	if (body) return body;
	/* A server may close an idle keep-alive connection; one reconnect is normal, a second failure is not. */
	close(h->fd);
	http_connect(h);
	body = http_try_get(h, status);
	if (!body) die("http", "connection closed twice in a row");
	return body;
}

/* 1 occupied, 0 free, -1 anything else (unknown, or no "state" field). */
static int bay_state(const char *body)
{
	const char *at = strstr(body, "\"state\"");
	if (!at) return -1;
	at += strlen("\"state\"");
	while (*at == ' ' || *at == ':') at++;
	if (strncmp(at, "\"occupied\"", 10) == 0) return 1;
	if (strncmp(at, "\"free\"", 6) == 0) return 0;
	return -1;
}

/* --- Figures ---------------------------------------------------------------------------------------------------- */

struct samples {
	double *ms;
	long count;
	long timeouts;
};

static int compare_doubles(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double nearest_rank(const double *sorted, long count, double quantile)
{
	double exact = quantile * (double)count;
	long rank = (long)exact;
	if ((double)rank < exact) rank++;
	if (rank < 1) rank = 1;
	return sorted[rank - 1];
}

static void print_samples(const char *name, struct samples *s, bool comma)
{
	qsort(s->ms, (size_t)s->count, sizeof *s->ms, compare_doubles);
	printf("\"%s\":{\"samples\":%ld,\"timeouts\":%ld", name, s->count, s->timeouts);
	if (s->count > 0) {
		printf(",\"p50_ms\":%.3f,\"p99_ms\":%.3f,\"max_ms\":%.3f", nearest_rank(s->ms, s->count, 0.5),
		       nearest_rank(s->ms, s->count, 0.99), s->ms[s->count - 1]);
	}
	printf("}%s", comma ? "," : "");
}

/* --- The phases ------------------------------------------------------------------------------------------------- */

static long fill(struct mosquitto *mosq, const struct options *o)
{
	long free_bays = 0;
	for (long i = 0; i < o->fill_count; i++) {
		char sensor[128], topic[512];
		snprintf(sensor, sizeof sensor, o->fill_pattern, (int)(o->fill_first + i));
		snprintf(topic, sizeof topic, "%s/parking/%s/state", o->prefix, sensor);
		bool occupied = i % 2 == 0;
		publish_reading(mosq, topic, occupied, 1);
		if (!occupied) free_bays++;
	}
	wait_for_acks();
	return free_bays;
}

int main(int argc, char **argv)
{
	struct options o = parse_options(argc, argv);
	if (asprintf(&shared.sensor_topic, "%s/parking/%s/state", o.prefix, o.sensor) < 0) die("topic", "no memory");
	if (asprintf(&shared.sign_topic, "%s/signs/%s", o.prefix, o.sign) < 0) die("topic", "no memory");
	mosquitto_lib_init();
	struct mosquitto *mosq = connect_to_broker(&o);

	long seq = 1;
	bool occupied = false;
	long fill_free = fill(mosq, &o);
	publish_reading(mosq, shared.sensor_topic, occupied, seq);
	wait_for_acks();

	struct http h = { .port = o.http_port };
	h.request_length = (size_t)snprintf(h.request, sizeof h.request,
					    "GET /api/v1/parking/bays/%s HTTP/1.1\r\nHost: 127.0.0.1\r\n"
					    "Authorization: Bearer %s\r\n\r\n",
					    o.bay, o.token);
	http_connect(&h);

	struct samples http = { .ms = calloc((size_t)o.http_samples, sizeof(double)) };
	struct samples echo = { .ms = calloc((size_t)o.http_samples, sizeof(double)) };
	struct samples get = { .ms = calloc((size_t)o.http_samples, sizeof(double)) };
	long polls = 0;
	double start = monotonic_seconds();
	for (long i = 0; i < o.http_samples; i++) {
		sleep_until(start + (double)i * HTTP_SPACING_S);
		occupied = !occupied;
		seq++;
		pthread_mutex_lock(&shared.lock);
		shared.echo_seq = seq;
		shared.echo_at = 0;
		pthread_mutex_unlock(&shared.lock);
		double sent = monotonic_seconds();
		publish_reading(mosq, shared.sensor_topic, occupied, seq);
		double seen = 0;
		for (;;) {
			int status = 0;
			double asked = monotonic_seconds();
			const char *body = http_get(&h, &status);
			polls++;
			double now = monotonic_seconds();
			if (status != 200) {
				fprintf(stderr, "latency-probe: GET bay answered %d: %.200s\n", status, body);
				exit(1);
			}
			if (bay_state(body) == (occupied ? 1 : 0)) {
				seen = now;
				get.ms[get.count++] = (now - asked) * 1000;
				break;
			}
			if (now - sent > HTTP_TIMEOUT_S) break;
		}
		if (seen > 0) {
			http.ms[http.count++] = (seen - sent) * 1000;
		} else {
			http.timeouts++;
		}
		pthread_mutex_lock(&shared.lock);
		bool echoed = wait_until(echo_arrived, NULL, monotonic_seconds() + ECHO_GRACE_S);
		double echo_at = shared.echo_at;
		pthread_mutex_unlock(&shared.lock);
		if (echoed) {
			echo.ms[echo.count++] = (echo_at - sent) * 1000;
		} else {
			echo.timeouts++;
		}
	}
	close(h.fd);
	wait_for_acks();

	/* The count the sign settles on once the fill and the HTTP phase are all in. */
	long expected = fill_free + (occupied ? 0 : 1);
	struct sign_wait settle = { .free = expected, .messages_before = -1 };
	pthread_mutex_lock(&shared.lock);
	bool settled = sign_shows(&settle) || wait_until(sign_shows, &settle, monotonic_seconds() + 10 * o.tick + 10);
	long showing = shared.sign_free;
	pthread_mutex_unlock(&shared.lock);
	if (!settled) {
		fprintf(stderr, "latency-probe: sign %s shows free %ld, expected %ld (coverage too low, or other "
				"readings reach its zones?)\n", o.sign, showing, expected);
		exit(1);
	}

	struct samples sign = { .ms = calloc((size_t)o.sign_samples, sizeof(double)) };
	unsigned int random_state = (unsigned int)getpid();
	for (long i = 0; i < o.sign_samples; i++) {
		sleep_until(monotonic_seconds() + o.tick * (double)rand_r(&random_state) / ((double)RAND_MAX + 1));
		occupied = !occupied;
		seq++;
		expected += occupied ? -1 : 1;
		pthread_mutex_lock(&shared.lock);
		struct sign_wait wait = { .free = expected, .messages_before = shared.sign_messages };
		pthread_mutex_unlock(&shared.lock);
		double sent = monotonic_seconds();
		publish_reading(mosq, shared.sensor_topic, occupied, seq);
		pthread_mutex_lock(&shared.lock);
		bool seen = wait_until(sign_shows, &wait, sent + 3 * o.tick + 2);
		double seen_at = shared.sign_at;
		pthread_mutex_unlock(&shared.lock);
		if (seen) {
			sign.ms[sign.count++] = (seen_at - sent) * 1000;
		} else {
			sign.timeouts++;
		}
	}

	mosquitto_disconnect(mosq);
	mosquitto_loop_stop(mosq, false);
	mosquitto_destroy(mosq);
	mosquitto_lib_cleanup();

	printf("{");
	print_samples("http", &http, true);
	print_samples("echo", &echo, true);
	print_samples("get", &get, true);
	print_samples("sign", &sign, true);
	printf("\"http_polls_per_sample\":%.2f,\"fill_free\":%ld,\"tick_ms\":%.0f}\n",
	       (double)polls / (double)o.http_samples, fill_free, o.tick * 1000);
	return 0;
}
