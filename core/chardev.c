/* Character backends: see chardev.h. */
#include "core/chardev.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#define CHARDEV_INBUF 256

struct Chardev {
    ChardevKind kind;
    Log *log;
    int out_fd;         /* -1: discard */
    int in_fd;          /* -1: no input */
    int listen_fd;      /* tcp server */
    bool owns_out;
    bool raw_set;
    struct termios saved_tio;
    ChardevCanReceive *can;
    ChardevReceive *rx;
    void *opaque;
    uint8_t pending[CHARDEV_INBUF]; /* read but not yet taken */
    size_t npending;
    ChardevEscape *escape;
    void *escape_opaque;
    bool escape_seen;               /* the last byte was Ctrl-A */
};

#define CHARDEV_ESCAPE 0x01 /* Ctrl-A */

static void set_nonblock(int fd)
{
    int fl = fcntl(fd, F_GETFL);
    if (fl >= 0) {
        fcntl(fd, F_SETFL, fl | O_NONBLOCK);
    }
}

/* A connected or listening TCP socket for @spec, or -1 with @err set. */
static int tcp_socket(const ChardevSpec *spec, bool listening, char *err,
                      size_t errlen)
{
    struct addrinfo hints = {0}, *res;
    char port[16];
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = listening ? AI_PASSIVE : 0;
    snprintf(port, sizeof(port), "%d", spec->port);
    int rc = getaddrinfo(spec->host, port, &hints, &res);
    if (rc) {
        snprintf(err, errlen, "tcp:%s:%d: %s", spec->host, spec->port,
                 gai_strerror(rc));
        return -1;
    }
    int one = 1;
    int fd = socket(res->ai_family, SOCK_STREAM, 0);
    bool ok = fd >= 0;
    if (ok && listening) {
        ok = !setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) &&
             !bind(fd, res->ai_addr, res->ai_addrlen) && !listen(fd, 1);
    } else if (ok) {
        ok = !connect(fd, res->ai_addr, res->ai_addrlen);
    }
    freeaddrinfo(res);
    if (!ok) {
        snprintf(err, errlen, "tcp:%s:%d: %s", spec->host, spec->port,
                 strerror(errno));
        if (fd >= 0) {
            close(fd);
        }
        return -1;
    }
    return fd;
}

static int tcp_listen(Chardev *c, const ChardevSpec *spec, char *err,
                      size_t errlen)
{
    int fd = tcp_socket(spec, true, err, errlen);
    if (fd < 0) {
        return -1;
    }
    c->listen_fd = fd;
    if (spec->wait) {
        log_info(c->log, "waiting for a connection on tcp:%s:%d",
                 spec->host, spec->port);
        int cfd = accept(fd, NULL, NULL);
        if (cfd < 0) {
            snprintf(err, errlen, "tcp:%s:%d: accept: %s", spec->host,
                     spec->port, strerror(errno));
            return -1;
        }
        set_nonblock(cfd);
        c->in_fd = c->out_fd = cfd;
    }
    set_nonblock(fd);
    return 0;
}

static int tcp_connect(Chardev *c, const ChardevSpec *spec, char *err,
                       size_t errlen)
{
    int fd = tcp_socket(spec, false, err, errlen);
    if (fd < 0) {
        return -1;
    }
    set_nonblock(fd);
    c->in_fd = c->out_fd = fd;
    return 0;
}

Chardev *chardev_new(const ChardevSpec *spec, Log *log, char *err,
                     size_t errlen)
{
    Chardev *c = calloc(1, sizeof(*c));
    if (!c) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    c->kind = spec->kind;
    c->log = log;
    c->out_fd = c->in_fd = c->listen_fd = -1;
    switch (spec->kind) {
    case CHR_NONE:
    case CHR_NULL:
    case CHR_VC:
        break;
    case CHR_STDIO:
        c->out_fd = STDOUT_FILENO;
        c->in_fd = STDIN_FILENO;
        break;
    case CHR_FILE:
        c->out_fd = open(spec->path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
                         0644);
        if (c->out_fd < 0) {
            snprintf(err, errlen, "%s: %s", spec->path, strerror(errno));
            free(c);
            return NULL;
        }
        c->owns_out = true;
        break;
    case CHR_TCP:
        if ((spec->server ? tcp_listen(c, spec, err, errlen)
                          : tcp_connect(c, spec, err, errlen))) {
            chardev_free(c);
            return NULL;
        }
        c->owns_out = true;
        break;
    }
    return c;
}

static void restore_terminal(Chardev *c)
{
    if (c->raw_set) {
        tcsetattr(c->in_fd, TCSANOW, &c->saved_tio);
        c->raw_set = false;
    }
}

void chardev_free(Chardev *c)
{
    if (!c) {
        return;
    }
    restore_terminal(c);
    if (c->owns_out && c->out_fd >= 0) {
        close(c->out_fd);
    }
    if (c->listen_fd >= 0) {
        close(c->listen_fd);
    }
    free(c);
}

void chardev_write(Chardev *c, const void *buf, size_t len)
{
    const uint8_t *p = buf;
    if (!c || c->out_fd < 0) {
        return;
    }
    while (len) {
        ssize_t n = write(c->out_fd, p, len);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            if (errno == EAGAIN) {
                struct pollfd pfd = {c->out_fd, POLLOUT, 0};
                /* A slow reader: wait a little, then drop the rest. */
                if (poll(&pfd, 1, 100) > 0) {
                    continue;
                }
            }
            if (c->kind == CHR_TCP && c->listen_fd >= 0) {
                close(c->out_fd);
                c->out_fd = c->in_fd = -1;
            }
            return;
        }
        p += n;
        len -= n;
    }
}

void chardev_set_receiver(Chardev *c, ChardevCanReceive *can,
                          ChardevReceive *rx, void *opaque)
{
    c->can = can;
    c->rx = rx;
    c->opaque = opaque;
    if (c->kind == CHR_STDIO && isatty(c->in_fd) && !c->raw_set &&
        !tcgetattr(c->in_fd, &c->saved_tio)) {
        struct termios tio = c->saved_tio;
        /* Raw input so the guest sees every key; output stays cooked so
         * "\n" still returns the carriage. */
        tio.c_iflag &= ~(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR |
                         ICRNL | IXON);
        tio.c_lflag &= ~(ECHO | ECHONL | ICANON | ISIG | IEXTEN);
        tio.c_cflag &= ~(CSIZE | PARENB);
        tio.c_cflag |= CS8;
        tio.c_cc[VMIN] = 1;
        tio.c_cc[VTIME] = 0;
        if (!tcsetattr(c->in_fd, TCSANOW, &tio)) {
            c->raw_set = true;
        }
    }
}

int chardev_poll_fd(Chardev *c)
{
    if (!c || !c->rx) {
        return -1;
    }
    if (c->in_fd >= 0) {
        return c->npending ? -1 : c->in_fd;
    }
    return c->listen_fd; /* a tcp server waiting for its client */
}

void chardev_accept_input(Chardev *c)
{
    while (c->npending && c->rx) {
        size_t room = c->can ? c->can(c->opaque) : c->npending;
        if (!room) {
            return;
        }
        size_t n = room < c->npending ? room : c->npending;
        c->rx(c->opaque, c->pending, n);
        memmove(c->pending, c->pending + n, c->npending - n);
        c->npending -= n;
    }
}

void chardev_set_escape(Chardev *c, ChardevEscape *fn, void *opaque)
{
    c->escape = fn;
    c->escape_opaque = opaque;
    c->escape_seen = false;
}

/* Take the escape commands out of @buf; returns the bytes left. */
static size_t filter_escapes(Chardev *c, uint8_t *buf, size_t n)
{
    size_t out = 0;
    if (!c->escape) {
        return n;
    }
    for (size_t i = 0; i < n; i++) {
        uint8_t b = buf[i];
        if (!c->escape_seen) {
            if (b == CHARDEV_ESCAPE) {
                c->escape_seen = true;
            } else {
                buf[out++] = b;
            }
            continue;
        }
        c->escape_seen = false;
        if (b == CHARDEV_ESCAPE) {
            buf[out++] = b;
        } else if (b == 'h' || b == '?') {
            fprintf(stderr, "\r\nC-a h    print this help\r\n"
                            "C-a x    exit pcvm\r\n"
                            "C-a C-a  send C-a\r\n");
        } else {
            c->escape(c->escape_opaque, b);
        }
    }
    return out;
}

void chardev_feed(Chardev *c, const uint8_t *buf, size_t len)
{
    while (len) {
        uint8_t tmp[CHARDEV_INBUF];
        size_t n = len < sizeof(tmp) ? len : sizeof(tmp);
        memcpy(tmp, buf, n);
        buf += n;
        len -= n;
        n = filter_escapes(c, tmp, n);
        size_t room = sizeof(c->pending) - c->npending;
        if (n > room) {
            n = room;
        }
        memcpy(c->pending + c->npending, tmp, n);
        c->npending += n;
        chardev_accept_input(c);
    }
}

void chardev_poll_ready(Chardev *c)
{
    if (c->in_fd < 0 && c->listen_fd >= 0) {
        int cfd = accept(c->listen_fd, NULL, NULL);
        if (cfd >= 0) {
            set_nonblock(cfd);
            c->in_fd = c->out_fd = cfd;
        }
        return;
    }
    if (c->in_fd < 0 || c->npending) {
        return;
    }
    ssize_t n = read(c->in_fd, c->pending, sizeof(c->pending));
    if (n > 0) {
        c->npending = filter_escapes(c, c->pending, (size_t)n);
        chardev_accept_input(c);
    } else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
        /* End of input: a closed client may reconnect; stdin is done. */
        if (c->kind == CHR_TCP && c->listen_fd >= 0) {
            close(c->in_fd);
            c->in_fd = c->out_fd = -1;
        } else {
            c->in_fd = -1;
        }
    }
}
