/* webapp: migsim's web application for the validation guest (issue 12), a static program.
 *
 * A single-threaded HTTP/1.0 server (one request per connection, answered in arrival order,
 * so requests queue in the listen backlog while it works or while the guest is paused):
 *   GET /                    a small page
 *   GET /work[?cpu_ms=C&write_kib=W]
 *                            C ms of CPU work (a fixed number of loop iterations calibrated at
 *                            start, so it takes longer when the vCPU is throttled), then W KiB
 *                            written (one word per 64 bytes) into a ring buffer, so serving
 *                            dirties pages; the answer says what it did.
 * Defaults from the kernel command line (/proc/cmdline), keys prefixed with "migweb." (the
 * dirtier rejects unknown "migsim." keys, so the web keys have their own prefix):
 *   migweb.port=80  migweb.cpu_ms=2  migweb.write_kib=64  migweb.buf_mib=16
 *   migweb.ip=A.B.C.D/LEN     read by /init (the NIC's address), ignored here
 * Console markers: "MIGSIM-WEB-READY port=P loops_per_ms=L cpu_ms=C write_kib=W buf_mib=B" once
 * it listens; "MIGSIM-WEB-ERROR <what>" on a bad key or a socket error (then it exits).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

struct config {
  int port;
  double cpu_ms;
  double write_kib;
  double buf_mib;
};

static void fail(const char* what, const char* value) {
  printf("MIGSIM-WEB-ERROR %s '%s'\n", what, value);
  exit(1);
}

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static double parse_num(const char* key, const char* val, double lo, double hi) {
  char* end = NULL;
  double v = strtod(val, &end);
  if (end == val || *end != '\0' || !(v >= lo) || !(v <= hi)) fail(key, val);
  return v;
}

static void read_config(struct config* c) {
  c->port = 80;
  c->cpu_ms = 2;
  c->write_kib = 64;
  c->buf_mib = 16;
  static char line[8192];
  FILE* f = fopen("/proc/cmdline", "r");
  if (f == NULL || fgets(line, sizeof line, f) == NULL) fail("cannot read", "/proc/cmdline");
  fclose(f);
  for (char* tok = strtok(line, " \n"); tok; tok = strtok(NULL, " \n")) {
    if (strncmp(tok, "migweb.", 7) != 0) continue;
    char* key = tok + 7;
    char* val = strchr(key, '=');
    if (val == NULL) fail("missing '=' in", tok);
    *val++ = '\0';
    if (strcmp(key, "port") == 0) {
      c->port = (int)parse_num("migweb.port", val, 1, 65535);
    } else if (strcmp(key, "cpu_ms") == 0) {
      c->cpu_ms = parse_num("migweb.cpu_ms", val, 0, 10000);
    } else if (strcmp(key, "write_kib") == 0) {
      c->write_kib = parse_num("migweb.write_kib", val, 0, 1048576);
    } else if (strcmp(key, "buf_mib") == 0) {
      c->buf_mib = parse_num("migweb.buf_mib", val, 1, 4096);
    } else if (strcmp(key, "ip") != 0) {
      fail("unknown kernel command line key migweb.", key);
    }
  }
}

/* The unit of CPU work: a dependent multiply-add chain the compiler cannot drop. */
static volatile uint64_t sink;
static void spin(uint64_t loops) {
  uint64_t x = sink | 1;
  for (uint64_t i = 0; i < loops; ++i) x = x * 6364136223846793005ULL + 1442695040888963407ULL;
  sink = x;
}

static double calibrate_loops_per_ms(void) {
  uint64_t loops = 1000;
  for (;;) {
    double t0 = now_s();
    spin(loops);
    double dt = now_s() - t0;
    if (dt >= 0.05) return (double)loops / (dt * 1000.0);
    loops *= 2;
  }
}

static unsigned char* ring;
static size_t ring_bytes, ring_pos;

static void write_memory(double kib) {
  size_t n = (size_t)(kib * 1024.0);
  for (size_t i = 0; i < n; i += 64) {
    ring[ring_pos] = (unsigned char)(ring[ring_pos] + 1);
    ring_pos += 64;
    if (ring_pos >= ring_bytes) ring_pos = 0;
  }
}

/* Value of `key` in a query string "a=1&b=2", or NULL. */
static const char* query_value(const char* query, const char* key, char* out, size_t out_size) {
  size_t klen = strlen(key);
  for (const char* p = query; p && *p;) {
    const char* amp = strchr(p, '&');
    size_t len = amp ? (size_t)(amp - p) : strlen(p);
    if (len > klen && strncmp(p, key, klen) == 0 && p[klen] == '=') {
      size_t vlen = len - klen - 1;
      if (vlen >= out_size) vlen = out_size - 1;
      memcpy(out, p + klen + 1, vlen);
      out[vlen] = '\0';
      return out;
    }
    p = amp ? amp + 1 : NULL;
  }
  return NULL;
}

static void send_all(int fd, const char* buf, size_t n) {
  while (n > 0) {
    ssize_t w = send(fd, buf, n, MSG_NOSIGNAL);
    if (w <= 0) return;
    buf += w;
    n -= (size_t)w;
  }
}

static void respond(int fd, int status, const char* reason, const char* body) {
  char head[256];
  int n = snprintf(head, sizeof head,
                   "HTTP/1.0 %d %s\r\nContent-Type: text/plain\r\nContent-Length: %zu\r\n"
                   "Connection: close\r\n\r\n",
                   status, reason, strlen(body));
  send_all(fd, head, (size_t)n);
  send_all(fd, body, strlen(body));
}

static void serve(int fd, const struct config* c, double loops_per_ms, unsigned long long* served) {
  char req[2048];
  size_t got = 0;
  /* Read until the end of the request head (or the buffer is full / the peer stops). */
  while (got < sizeof req - 1) {
    ssize_t r = recv(fd, req + got, sizeof req - 1 - got, 0);
    if (r <= 0) break;
    got += (size_t)r;
    req[got] = '\0';
    if (strstr(req, "\r\n\r\n") || strstr(req, "\n\n")) break;
  }
  req[got] = '\0';
  char method[8], target[1024];
  if (sscanf(req, "%7s %1023s", method, target) != 2 || strcmp(method, "GET") != 0) {
    respond(fd, 400, "Bad Request", "bad request\n");
    return;
  }
  char* query = strchr(target, '?');
  if (query) *query++ = '\0';
  char body[256];
  if (strcmp(target, "/") == 0) {
    snprintf(body, sizeof body, "migsim webapp: GET /work?cpu_ms=C&write_kib=W\nserved %llu\n", *served);
    respond(fd, 200, "OK", body);
  } else if (strcmp(target, "/work") == 0) {
    double cpu_ms = c->cpu_ms, write_kib = c->write_kib;
    char v[32];
    if (query_value(query, "cpu_ms", v, sizeof v)) cpu_ms = strtod(v, NULL);
    if (query_value(query, "write_kib", v, sizeof v)) write_kib = strtod(v, NULL);
    if (!(cpu_ms >= 0 && cpu_ms <= 10000 && write_kib >= 0 && write_kib <= 1048576)) {
      respond(fd, 400, "Bad Request", "cpu_ms or write_kib out of range\n");
      return;
    }
    spin((uint64_t)(cpu_ms * loops_per_ms));
    write_memory(write_kib);
    snprintf(body, sizeof body, "ok cpu_ms=%g write_kib=%g n=%llu\n", cpu_ms, write_kib, *served);
    respond(fd, 200, "OK", body);
  } else {
    respond(fd, 404, "Not Found", "not found\n");
  }
  ++*served;
}

int main(void) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  struct config c;
  read_config(&c);
  ring_bytes = (size_t)(c.buf_mib * 1048576.0);
  ring = mmap(NULL, ring_bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (ring == MAP_FAILED) fail("cannot map the write buffer of MiB", "buf_mib");
  memset(ring, 1, ring_bytes); /* resident and non-zero from the start */
  const double loops_per_ms = calibrate_loops_per_ms();

  int ls = socket(AF_INET, SOCK_STREAM, 0);
  if (ls < 0) fail("socket", strerror(errno));
  int one = 1;
  setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_ANY);
  a.sin_port = htons((uint16_t)c.port);
  if (bind(ls, (struct sockaddr*)&a, sizeof a) != 0) fail("bind", strerror(errno));
  if (listen(ls, 4096) != 0) fail("listen", strerror(errno));
  printf("MIGSIM-WEB-READY port=%d loops_per_ms=%.0f cpu_ms=%g write_kib=%g buf_mib=%g\n", c.port,
         loops_per_ms, c.cpu_ms, c.write_kib, c.buf_mib);
  unsigned long long served = 0;
  for (;;) {
    int fd = accept(ls, NULL, NULL);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      fail("accept", strerror(errno));
    }
    /* A client that stops sending cannot hold the server for more than 2 s. */
    struct timeval tv = {2, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    serve(fd, &c, loops_per_ms, &served);
    close(fd);
  }
}
