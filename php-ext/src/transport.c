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
#include <lz4frame.h>

#ifndef MSG_NOSIGNAL
# define MSG_NOSIGNAL 0
#endif

void opa_transport_close(void)
{
	if (OPA_G(sock_fd) >= 0) {
		close(OPA_G(sock_fd));
		OPA_G(sock_fd) = -1;
	}
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

static int connect_socket(uint64_t deadline_ns)
{
	struct sockaddr_storage ss;
	socklen_t sl = 0;
	uint64_t now = opa_mono_ns();
	if (now < OPA_G(next_connect_ns)) return -1; /* recent failure: do not pay a connect per request */
	if (!parse_address(OPA_G(socket_path), &ss, &sl)) {
		OPA_G(next_connect_ns) = now + (uint64_t) OPA_G(reconnect_delay_ms) * 1000000ULL;
		return -1;
	}
	int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) goto fail;
	OPA_G(counters).connects++;
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
	}
	return fd;
fail:
	if (fd >= 0) close(fd);
	OPA_G(counters).connect_failures++;
	OPA_G(next_connect_ns) = opa_mono_ns() + (uint64_t) OPA_G(reconnect_delay_ms) * 1000000ULL;
	return -1;
}

static int get_connection(uint64_t deadline_ns)
{
	int fd = OPA_G(sock_fd);
	if (fd >= 0 && OPA_G(sock_pid) != getpid()) {
		/* forked child: the descriptor is the parent's connection; closing our copy leaves it open */
		close(fd);
		fd = OPA_G(sock_fd) = -1;
	}
	if (fd >= 0 && !connection_alive(fd)) {
		opa_transport_close();
		fd = -1;
	}
	if (fd < 0) {
		fd = connect_socket(deadline_ns);
		if (fd >= 0) {
			OPA_G(sock_fd) = fd;
			OPA_G(sock_pid) = getpid();
		}
	}
	return fd;
}

/* Returns 0 when everything was written, -1 on error/timeout (the connection is then unusable:
 * a partial frame may be on the wire, so it is closed and the agent drops the partial frame). */
static int write_all(int fd, const char *p, size_t len, uint64_t deadline_ns)
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
				OPA_G(counters).send_timeouts++;
				return -1;
			}
			continue;
		}
		OPA_G(counters).send_failures++;
		return -1;
	}
	return 0;
}

void opa_transport_send(const char *payload, size_t len, uint32_t messages, uint64_t deadline_ns)
{
	char *compressed = NULL;
	const char *data = payload;
	size_t data_len = len;

	if (len == 0) return;
	if (OPA_G(compress_threshold) >= 0 && len >= (size_t) OPA_G(compress_threshold)) {
		LZ4F_preferences_t prefs;
		memset(&prefs, 0, sizeof(prefs));
		prefs.frameInfo.contentSize = len;
		/* Independent blocks, not liblz4's default linked ones: the agent reads them with lz4-java's
		 * LZ4FrameInputStream (agents before commit 3850e94 rejected linked blocks as "Dependent block stream
		 * is unsupported"; later ones read them through a slower Java decoder). */
		prefs.frameInfo.blockMode = LZ4F_blockIndependent;
		size_t bound = LZ4F_compressFrameBound(len, &prefs);
		compressed = malloc(bound);
		if (compressed) {
			size_t n = LZ4F_compressFrame(compressed, bound, payload, len, &prefs);
			if (!LZ4F_isError(n)) {
				data = compressed;
				data_len = n;
				OPA_G(counters).frames_compressed++;
			}
		}
	}

	int fd = get_connection(deadline_ns);
	if (fd < 0 || write_all(fd, data, data_len, deadline_ns) != 0) {
		if (fd >= 0) opa_transport_close();
		OPA_G(counters).messages_dropped += messages;
	} else {
		OPA_G(counters).messages_sent += messages;
		OPA_G(counters).bytes_sent += (zend_long) data_len;
	}
	free(compressed);
}
