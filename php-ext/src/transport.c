#include "transport.h"
#include "clock.h"
#include "../php_opa.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <lz4.h>
#include <lz4frame.h>
#include <openssl/ssl.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>

#ifndef MSG_NOSIGNAL
# define MSG_NOSIGNAL 0
#endif

void opa_conn_close(opa_conn *c)
{
	if (c->ssl) {
		SSL_free(c->ssl); /* no close_notify: the agent sees the connection end */
		c->ssl = NULL;
	}
	if (c->fd >= 0) {
		close(c->fd);
		c->fd = -1;
	}
}

void opa_transport_close(void)
{
	opa_conn_close(&OPA_G(conn));
}

void opa_transport_release(zend_opa_globals *g)
{
	opa_conn_close(&g->conn);
	if (g->tls_ctx) SSL_CTX_free(g->tls_ctx);
	g->tls_ctx = NULL;
}

/* Parses opa.socket_path into a socket address. Host names are not resolved (DNS could block):
 * only IP literals and "localhost". */
static bool parse_address(const char *spec, struct sockaddr_storage *ss, socklen_t *sl)
{
	memset(ss, 0, sizeof(*ss));
	if (!spec || !*spec) return false;
	if (spec[0] == '/') {
		struct sockaddr_un *un = (struct sockaddr_un *) ss;
		if (strlen(spec) >= sizeof(un->sun_path)) return false;
		un->sun_family = AF_UNIX;
		strcpy(un->sun_path, spec);
		*sl = sizeof(*un);
		return true;
	}
	char host[128];
	const char *port;
	if (spec[0] == '[') {
		const char *close_br = strchr(spec, ']');
		if (!close_br || close_br[1] != ':' || (size_t) (close_br - spec - 1) >= sizeof(host)) return false;
		memcpy(host, spec + 1, (size_t) (close_br - spec - 1));
		host[close_br - spec - 1] = 0;
		port = close_br + 2;
	} else {
		const char *colon = strrchr(spec, ':');
		if (!colon) { /* legacy: digits only = port on 127.0.0.1 */
			strcpy(host, "127.0.0.1");
			port = spec;
		} else {
			if ((size_t) (colon - spec) >= sizeof(host)) return false;
			memcpy(host, spec, (size_t) (colon - spec));
			host[colon - spec] = 0;
			port = colon + 1;
		}
	}
	char *end;
	long p = strtol(port, &end, 10);
	if (*port == 0 || *end != 0 || p <= 0 || p > 65535) return false;
	if (host[0] == 0 || strcmp(host, "localhost") == 0) strcpy(host, "127.0.0.1");
	struct sockaddr_in *in4 = (struct sockaddr_in *) ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *) ss;
	if (inet_pton(AF_INET, host, &in4->sin_addr) == 1) {
		in4->sin_family = AF_INET;
		in4->sin_port = htons((uint16_t) p);
		*sl = sizeof(*in4);
		return true;
	}
	if (inet_pton(AF_INET6, host, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t) p);
		*sl = sizeof(*in6);
		return true;
	}
	return false;
}

static int remaining_ms(uint64_t deadline_ns)
{
	uint64_t now = opa_mono_ns();
	if (now >= deadline_ns) return -1;
	uint64_t ms = (deadline_ns - now + 999999) / 1000000;
	return (int) ms;
}

/* A kept connection may have been closed by the agent: the agent never writes, so readable = EOF. */
static bool connection_alive(int fd)
{
	char c;
	ssize_t r = recv(fd, &c, 1, MSG_PEEK | MSG_DONTWAIT);
	if (r == 0) return false;
	if (r < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) return false;
	return true;
}

/* TLS (opa.tls=1, TCP only). The SSL object works on memory BIOs and the socket I/O stays ours:
 * non-blocking send(MSG_NOSIGNAL) and recv within the request's deadline, as for plain connections. */

static int write_all(int fd, opa_counters *k, const char *p, size_t len, uint64_t deadline_ns);

/* Sends what the SSL object has produced (handshake records, encrypted data). */
static int tls_flush(SSL *ssl, int fd, opa_counters *k, uint64_t deadline_ns)
{
	BIO *wbio = SSL_get_wbio(ssl);
	char *p;
	long n = BIO_get_mem_data(wbio, &p);
	if (n <= 0) return 0;
	int r = write_all(fd, k, p, (size_t) n, deadline_ns);
	(void) BIO_reset(wbio);
	return r;
}

/* Moves what has arrived on the socket into the SSL object. Returns bytes read, 0 = nothing
 * available yet, -1 = connection closed or failed. */
static ssize_t tls_fill(SSL *ssl, int fd)
{
	char buf[16384];
	ssize_t total = 0;
	for (;;) {
		ssize_t r = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (r > 0) {
			BIO_write(SSL_get_rbio(ssl), buf, (int) r);
			total += r;
			continue;
		}
		if (r < 0 && errno == EINTR) continue;
		if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return total;
		return -1;
	}
}

/* The SSL_CTX is built once per process from the opa.tls_* files (PHP_INI_SYSTEM), on the PHP thread; the
 * flusher thread (batch.c) gets it built before it starts and makes its own SSL objects from it. */
void *opa_transport_tls_context(void)
{
	if (OPA_G(tls_ctx)) return OPA_G(tls_ctx);
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
	if (!ctx) return NULL;
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	const char *ca = OPA_G(tls_ca_file), *cert = OPA_G(tls_cert_file), *key = OPA_G(tls_key_file);
	bool ok = (ca && *ca) ? SSL_CTX_load_verify_locations(ctx, ca, NULL) == 1 : SSL_CTX_set_default_verify_paths(ctx) == 1;
	if (ok && cert && *cert) {
		ok = SSL_CTX_use_certificate_chain_file(ctx, cert) == 1
			&& SSL_CTX_use_PrivateKey_file(ctx, (key && *key) ? key : cert, SSL_FILETYPE_PEM) == 1
			&& SSL_CTX_check_private_key(ctx) == 1;
	}
	if (!ok) {
		SSL_CTX_free(ctx);
		return NULL;
	}
	OPA_G(tls_ctx) = ctx;
	return ctx;
}

/* Handshake on a connected socket within the deadline. The peer must present a certificate signed
 * by opa.tls_ca_file and naming opa.tls_server_name (or, when that is empty, the address's IP). */
static SSL *tls_handshake(opa_conn *c, int fd, const struct sockaddr_storage *ss, uint64_t deadline_ns)
{
	SSL_CTX *ctx = c->tls_ctx;
	SSL *ssl = ctx ? SSL_new(ctx) : NULL;
	BIO *rbio = ssl ? BIO_new(BIO_s_mem()) : NULL, *wbio = rbio ? BIO_new(BIO_s_mem()) : NULL;
	if (!wbio) {
		BIO_free(rbio);
		goto refused;
	}
	SSL_set_bio(ssl, rbio, wbio);
	const char *name = c->tls_server_name;
	if (name && *name) {
		if (SSL_set1_host(ssl, name) != 1) goto refused;
		SSL_set_tlsext_host_name(ssl, name);
	} else {
		X509_VERIFY_PARAM *param = SSL_get0_param(ssl);
		const unsigned char *ip = ss->ss_family == AF_INET6
			? (const unsigned char *) &((const struct sockaddr_in6 *) ss)->sin6_addr
			: (const unsigned char *) &((const struct sockaddr_in *) ss)->sin_addr;
		if (X509_VERIFY_PARAM_set1_ip(param, ip, ss->ss_family == AF_INET6 ? 16 : 4) != 1) goto refused;
	}
	for (;;) {
		int r = SSL_connect(ssl);
		int err = r == 1 ? SSL_ERROR_NONE : SSL_get_error(ssl, r);
		if (tls_flush(ssl, fd, c->counters, deadline_ns) != 0) {
			if (remaining_ms(deadline_ns) < 0) goto timeout;
			goto refused;
		}
		if (r == 1) break;
		if (err != SSL_ERROR_WANT_READ) goto refused;
		struct pollfd pfd = {.fd = fd, .events = POLLIN};
		int ms = remaining_ms(deadline_ns);
		if (ms < 0 || poll(&pfd, 1, ms) != 1) goto timeout;
		if (tls_fill(ssl, fd) < 0) goto refused;
	}
	ERR_clear_error();
	c->counters->tls_handshakes++;
	return ssl;
timeout:
	c->counters->tls_handshake_timeouts++;
	goto out;
refused:
	c->counters->tls_handshake_failures++;
out:
	ERR_clear_error(); /* OpenSSL's error queue is per thread: leave nothing for PHP's openssl functions */
	SSL_free(ssl);
	return NULL;
}

/* A kept TLS connection: read what the agent sent (session tickets) and see whether it has closed. */
static bool tls_alive(SSL *ssl, int fd)
{
	if (tls_fill(ssl, fd) < 0) return false;
	char buf[4096];
	for (;;) {
		int r = SSL_read(ssl, buf, sizeof(buf));
		if (r > 0) continue; /* the agent sends no data: discard */
		int err = SSL_get_error(ssl, r);
		ERR_clear_error();
		return err == SSL_ERROR_WANT_READ;
	}
}

/* Encrypts the payload into the SSL object's memory BIO and sends the records. */
static int tls_write(SSL *ssl, int fd, opa_counters *k, const char *p, size_t len, uint64_t deadline_ns)
{
	while (len > 0) {
		int chunk = len > (1u << 20) ? (1 << 20) : (int) len;
		if (SSL_write(ssl, p, chunk) != chunk) {
			ERR_clear_error();
			k->send_failures++;
			return -1;
		}
		if (tls_flush(ssl, fd, k, deadline_ns) != 0) return -1;
		p += chunk;
		len -= (size_t) chunk;
	}
	return 0;
}

static int connect_socket(opa_conn *c, uint64_t deadline_ns)
{
	struct sockaddr_storage ss;
	socklen_t sl = 0;
	uint64_t now = opa_mono_ns();
	if (now < c->next_connect_ns) return -1; /* recent failure: do not pay a connect per request */
	if (!parse_address(c->address, &ss, &sl)) {
		c->next_connect_ns = now + (uint64_t) c->reconnect_delay_ms * 1000000ULL;
		return -1;
	}
	int fd = -1;
	if (c->tls && ss.ss_family != AF_UNIX && !c->tls_ctx && c->is_main) c->tls_ctx = opa_transport_tls_context();
	if (c->tls && ss.ss_family != AF_UNIX && !c->tls_ctx) { /* unreadable/invalid TLS files: do not connect */
		ERR_clear_error();
		c->counters->tls_handshake_failures++;
		goto fail;
	}
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) goto fail;
	c->counters->connects++;
	if (connect(fd, (struct sockaddr *) &ss, sl) != 0) {
		if (errno != EINPROGRESS) goto fail;
		struct pollfd pfd = {.fd = fd, .events = POLLOUT};
		int ms = remaining_ms(deadline_ns);
		if (ms < 0 || poll(&pfd, 1, ms) != 1) goto fail;
		int err = 0;
		socklen_t elen = sizeof(err);
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) != 0 || err != 0) goto fail;
	}
	if (ss.ss_family != AF_UNIX) {
		int one = 1;
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		if (c->tls) {
			SSL *ssl = tls_handshake(c, fd, &ss, deadline_ns);
			if (!ssl) goto fail;
			c->ssl = ssl;
		}
	}
	return fd;
fail:
	if (fd >= 0) close(fd);
	c->counters->connect_failures++;
	c->next_connect_ns = opa_mono_ns() + (uint64_t) c->reconnect_delay_ms * 1000000ULL;
	return -1;
}

static int get_connection(opa_conn *c, uint64_t deadline_ns)
{
	int fd = c->fd;
	if (fd >= 0 && c->pid != getpid()) {
		/* forked child: the descriptor is the parent's connection; closing our copy leaves it open */
		close(fd);
		fd = c->fd = -1;
		if (c->ssl) { /* the parent's session state: freed in this copy only, never used */
			SSL_free(c->ssl);
			c->ssl = NULL;
		}
	}
	if (fd >= 0 && !(c->ssl ? tls_alive(c->ssl, fd) : connection_alive(fd))) {
		opa_conn_close(c);
		fd = -1;
	}
	if (fd < 0) {
		fd = connect_socket(c, deadline_ns);
		if (fd >= 0) {
			c->fd = fd;
			c->pid = getpid();
		}
	}
	return fd;
}

/* Returns 0 when everything was written, -1 on error/timeout (the connection is then unusable:
 * a partial frame may be on the wire, so it is closed and the agent drops the partial frame). */
static int write_all(int fd, opa_counters *k, const char *p, size_t len, uint64_t deadline_ns)
{
	while (len > 0) {
		ssize_t w = send(fd, p, len, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (w > 0) {
			p += w;
			len -= (size_t) w;
			continue;
		}
		if (w < 0 && errno == EINTR) continue;
		if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			struct pollfd pfd = {.fd = fd, .events = POLLOUT};
			int ms = remaining_ms(deadline_ns);
			if (ms < 0 || poll(&pfd, 1, ms) != 1) {
				k->send_timeouts++;
				return -1;
			}
			continue;
		}
		k->send_failures++;
		return -1;
	}
	return 0;
}

static void put_le32(char *p, uint32_t v)
{
	p[0] = (char) v;
	p[1] = (char) (v >> 8);
	p[2] = (char) (v >> 16);
	p[3] = (char) (v >> 24);
}

#define ATTACHED_HEADER 12 /* "OPAS", u32 LE envelope length, u32 LE stack length */

/* The bytes to write for payload (and its attached stack), in one malloc'd buffer (*out, NULL when the payload
 * goes as it is); false when the stack could not be compressed (then nothing is sent). */
static bool build_frame(opa_conn *c, const char *payload, size_t len, const char *stack, size_t stack_len, char **out,
	size_t *out_len)
{
	bool compress = c->compress_threshold >= 0 && len >= (size_t) c->compress_threshold;
	LZ4F_preferences_t prefs;
	memset(&prefs, 0, sizeof(prefs));
	prefs.frameInfo.contentSize = len;
	/* Independent blocks, not liblz4's default linked ones: the agent reads them with lz4-java's
	 * LZ4FrameInputStream (agents before commit 3850e94 rejected linked blocks as "Dependent block stream
	 * is unsupported"; later ones read them through a slower Java decoder). */
	prefs.frameInfo.blockMode = LZ4F_blockIndependent;
	size_t env_bound = compress ? LZ4F_compressFrameBound(len, &prefs) : len;
	if (stack && stack_len > LZ4_MAX_INPUT_SIZE) return false;
	size_t stack_bound = stack ? 4 + (size_t) LZ4_compressBound((int) stack_len) : 0;
	size_t head = stack ? ATTACHED_HEADER : 0;
	*out = NULL;
	*out_len = len;
	if (!compress && !stack) return true;
	char *buf = malloc(head + env_bound + stack_bound);
	if (!buf) return !stack;
	size_t env_len = len;
	if (compress) {
		size_t n = LZ4F_compressFrame(buf + head, env_bound, payload, len, &prefs);
		if (!LZ4F_isError(n)) {
			env_len = n;
			c->counters->frames_compressed++;
		} else if (!stack) {
			free(buf); /* the payload goes as it is */
			return true;
		} else {
			memcpy(buf + head, payload, len); /* the envelope as JSON text (env_bound > len) */
		}
	} else {
		memcpy(buf + head, payload, len);
	}
	if (stack) {
		/* the agent's stored form: u32 LE text length + one LZ4 block (what lz4-java calls "with length") */
		char *s = buf + head + env_len;
		int n = LZ4_compress_default(stack, s + 4, (int) stack_len, (int) (stack_bound - 4));
		if (n <= 0) {
			free(buf);
			return false;
		}
		put_le32(s, (uint32_t) stack_len);
		memcpy(buf, "OPAS", 4);
		put_le32(buf + 4, (uint32_t) env_len);
		put_le32(buf + 8, (uint32_t) n + 4);
		env_len += 4 + (size_t) n;
		c->counters->stacks_attached++;
	}
	*out = buf;
	*out_len = head + env_len;
	return true;
}

void opa_conn_send(opa_conn *c, const char *payload, size_t len, const char *stack, size_t stack_len, uint32_t messages,
	uint64_t deadline_ns)
{
	char *compressed = NULL;
	size_t data_len;

	if (len == 0) return;
	if (!build_frame(c, payload, len, stack, stack_len, &compressed, &data_len)) {
		c->counters->messages_dropped += messages;
		return;
	}
	const char *data = compressed ? compressed : payload;

	int fd = get_connection(c, deadline_ns);
	SSL *ssl = fd >= 0 ? c->ssl : NULL;
	if (fd < 0 || (ssl ? tls_write(ssl, fd, c->counters, data, data_len, deadline_ns)
			: write_all(fd, c->counters, data, data_len, deadline_ns)) != 0) {
		if (fd >= 0) opa_conn_close(c);
		c->counters->messages_dropped += messages;
	} else {
		c->counters->messages_sent += messages;
		c->counters->bytes_sent += (zend_long) data_len;
	}
	free(compressed);
}

/* The PHP thread's connection takes its settings from the INI values of the request (opa.socket_path may be
 * set per directory). */
opa_conn *opa_transport_main(void)
{
	opa_conn *c = &OPA_G(conn);
	c->address = OPA_G(socket_path);
	c->tls = OPA_G(tls);
	c->tls_server_name = OPA_G(tls_server_name);
	c->reconnect_delay_ms = OPA_G(reconnect_delay_ms);
	c->compress_threshold = OPA_G(compress_threshold);
	c->counters = &OPA_G(counters);
	c->tls_ctx = OPA_G(tls_ctx); /* built at the first TLS connect */
	c->is_main = true;
	return c;
}

void opa_transport_send(const char *payload, size_t len, const char *stack, size_t stack_len, uint32_t messages,
	uint64_t deadline_ns)
{
	opa_conn_send(opa_transport_main(), payload, len, stack, stack_len, messages, deadline_ns);
}
