/* Liveness, and what a server that cannot listen tells the person who
 * started it.
 *
 * Both servers answer GET /healthz with http_health_handler, which names the
 * software in a `Server: Gatehouse` header. When the listening address is
 * taken, http_listen_problem asks whatever holds it for /healthz (one short
 * exchange on loopback or wherever the address points, bounded by
 * PROBE_TIMEOUT_MS) and says "another Gatehouse" when that header comes
 * back, "something that is not Gatehouse" when another answer (or a
 * non-HTTP one) comes back, and nothing about the holder when it does not
 * answer in time: it never guesses. */
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "core/clock.h"
#include "http/http_int.h"

#define PROBE_TIMEOUT_MS 1000
#define SERVER_NAME "Gatehouse"

void http_health_handler(http_request_t *req, http_response_t *res)
{
    static const char body[] = "{\"status\":\"ok\"}";
    http_response_json_raw(res, 200, body, sizeof body - 1);
    http_response_header(res, "Server", SERVER_NAME);
}

typedef enum { HOLDER_UNKNOWN, HOLDER_GATEHOUSE, HOLDER_OTHER } holder_t;

/* Waits until fd is ready for events or the deadline (monotonic µs) passes. */
static bool wait_for(int fd, short events, uint64_t deadline)
{
    uint64_t now = clock_mono_us();
    if (now >= deadline)
        return false;
    struct pollfd p = {.fd = fd, .events = events};
    return poll(&p, 1, (int)((deadline - now) / 1000) + 1) == 1;
}

/* Connects to ss within the deadline; the socket, or -1. */
static int connect_by(const struct sockaddr_storage *ss, uint64_t deadline)
{
    int fd = socket(ss->ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    socklen_t len =
        ss->ss_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
    if (fd < 0)
        return -1;
    int err = 0;
    socklen_t err_len = sizeof err;
    if (connect(fd, (const struct sockaddr *)ss, len) == 0 ||
        (errno == EINPROGRESS && wait_for(fd, POLLOUT, deadline) &&
         getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &err_len) == 0 && err == 0))
        return fd;
    close(fd);
    return -1;
}

/* Reads the head of the answer (up to n - 1 bytes, NUL-terminated); its length. */
static size_t read_head(int fd, char *out, size_t n, uint64_t deadline)
{
    size_t got = 0;
    while (got + 1 < n && !memmem(out, got, "\r\n\r\n", 4) && wait_for(fd, POLLIN, deadline)) {
        ssize_t r = read(fd, out + got, n - 1 - got);
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    out[got] = '\0';
    return got;
}

/* Whether the head holds `Server: Gatehouse` as a header line. */
static bool names_gatehouse(const char *head)
{
    for (const char *line = strstr(head, "\r\n"); line; line = strstr(line + 2, "\r\n")) {
        const char *v = line + 2;
        if (strncasecmp(v, "Server:", 7))
            continue;
        v += 7 + strspn(v + 7, " \t");
        if (!strncmp(v, SERVER_NAME "\r\n", sizeof SERVER_NAME + 1))
            return true;
    }
    return false;
}

static holder_t probe(const char *listen)
{
    struct sockaddr_storage ss = {0};
    uint64_t deadline = clock_mono_us() + PROBE_TIMEOUT_MS * 1000;
    int fd = http_resolve(listen, &ss) == GH_OK ? connect_by(&ss, deadline) : -1;
    if (fd < 0)
        return HOLDER_UNKNOWN;
    static const char ask[] = "GET /healthz HTTP/1.0\r\nHost: localhost\r\n\r\n";
    char head[2048];
    size_t got = 0;
    if (wait_for(fd, POLLOUT, deadline) && write(fd, ask, sizeof ask - 1) == sizeof ask - 1)
        got = read_head(fd, head, sizeof head, deadline);
    close(fd);
    if (got == 0)
        return HOLDER_UNKNOWN; /* silent, slow or closed at once: no guess */
    return !strncmp(head, "HTTP/1.", 7) && names_gatehouse(head) ? HOLDER_GATEHOUSE : HOLDER_OTHER;
}

const char *http_listen_problem(gh_status_t st, const char *listen, char *out, size_t n)
{
    if (st != GH_ERR_CONFLICT) {
        snprintf(out, n, "cannot listen on %s: %s", listen, gh_status_str(st));
        return out;
    }
    holder_t h = probe(listen);
    snprintf(out, n, "%s is already in use%s", listen,
             h == HOLDER_GATEHOUSE ? " by another Gatehouse"
             : h == HOLDER_OTHER   ? " by something that is not Gatehouse"
                                   : "");
    return out;
}
