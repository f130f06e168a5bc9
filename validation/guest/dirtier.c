/* dirtier: migsim's guest workload. Runs as PID 1's child in the validation
 * guest (validation/guest/build-image), fills memory with non-zero data, then
 * writes pages of a working set (WSS) at a chosen rate and pattern, and burns
 * a scheduled share of the vCPU. All parameters come from the kernel command
 * line (/proc/cmdline), keys prefixed with "migsim." -- see README.md:
 *
 *   migsim.pattern=sequential|uniform|hotcold   default sequential
 *   migsim.rate=P  or  P0@T0,P1@T1,...          page writes/s (from second T after READY)
 *   migsim.wss_mib=W                            writable working set, MiB (default 0)
 *   migsim.fill_mib=F                           non-zero memory written at boot, MiB
 *                                               (the WSS is its first W MiB; F<W => F=W)
 *   migsim.pacing=wall|cpu                      wall: paced on the guest clock (sleeps,
 *                                               catches up after throttled slices);
 *                                               cpu: fixed busy work per write, never
 *                                               sleeps (rate falls with vCPU throttling)
 *   migsim.cpuload=PCT@T,PCT@T,...              % of one vCPU burned from second T
 *   migsim.hot_fraction=0.1 migsim.hot_share=0.9  hotcold: hot share of WSS / of writes
 *   migsim.seed=N                               PRNG seed (default 1)
 *   migsim.corrupt_on_verify=1                  test hook: flip one word of one page
 *                                               before verifying (the check must fail)
 *
 * Memory is self-checking: every page of the fill carries a header (word 0: tag and
 * page index, word 1: sequence = 1-based number of the last write to it, 0 = only
 * filled, word 2: checksum = XOR of the body words 3..511 mixed with words 0 and 1).
 * A write changes one body word and updates the sequence and the checksum in place,
 * all in the same page: still one page dirtied per write. "VERIFY" on the second
 * serial port (/dev/ttyS1, read once per heartbeat) makes the dirtier check every
 * page: header, checksum, and that its sequence is the one of the last write to it
 * (recomputed by replaying the page choices from READY: a stale page, one whose last
 * writes a migration lost, has a valid checksum but an old sequence). Then it goes on.
 *
 * Serial console lines (stdout):
 *   MIGSIM-CONFIG ...        the parsed parameters
 *   MIGSIM-READY wss_pages=N fill_pages=N    fill done, dirtying starts now
 *   MIGSIM-HB t=S writes=N rate=R load=L      once per second (guest clock)
 *   MIGSIM-VERIFY pages=N bad=K stale=S first_bad=I writes=W ms=T   after VERIFY
 *   MIGSIM-ERROR ...         bad parameter; the workload then idles
 * Build: gcc -O2 -static -o dirtier dirtier.c
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#define PAGE 4096UL
#define MAX_STEPS 32

struct step {
  double t_s;
  double value;
};

struct config {
  char pattern[16];
  char pacing[8];
  struct step rate[MAX_STEPS];
  int n_rate;
  struct step load[MAX_STEPS];
  int n_load;
  double wss_mib, fill_mib, hot_fraction, hot_share;
  unsigned long long seed;
  int corrupt_on_verify;
};

static double now_s(clockid_t c) {
  struct timespec ts;
  clock_gettime(c, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void sleep_s(double s) {
  if (s <= 0) return;
  struct timespec ts;
  ts.tv_sec = (time_t)s;
  ts.tv_nsec = (long)((s - (double)ts.tv_sec) * 1e9);
  while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
  }
}

static void fail_idle(const char* msg, const char* val) {
  printf("MIGSIM-ERROR %s '%s'\n", msg, val);
  fflush(stdout);
  for (;;) pause();
}

static double parse_num(const char* key, const char* s) {
  char* end = NULL;
  double v = strtod(s, &end);
  if (end == s || (*end != '\0' && *end != ',' && *end != '@') || v < 0) fail_idle(key, s);
  return v;
}

/* "P" or "P@T,P@T,..." -> steps sorted as given (must be increasing in T). */
static int parse_steps(const char* key, const char* s, struct step* out) {
  int n = 0;
  const char* p = s;
  while (*p) {
    if (n == MAX_STEPS) fail_idle(key, s);
    char* end = NULL;
    out[n].value = strtod(p, &end);
    if (end == p || out[n].value < 0) fail_idle(key, s);
    out[n].t_s = 0;
    p = end;
    if (*p == '@') {
      ++p;
      out[n].t_s = strtod(p, &end);
      if (end == p || out[n].t_s < 0) fail_idle(key, s);
      p = end;
    }
    if (n > 0 && out[n].t_s <= out[n - 1].t_s) fail_idle(key, s);
    ++n;
    if (*p == ',') ++p;
    else if (*p) fail_idle(key, s);
  }
  return n;
}

static double step_at(const struct step* s, int n, double t) {
  double v = 0;
  for (int i = 0; i < n; ++i)
    if (t >= s[i].t_s) v = s[i].value;
  return v;
}

static void read_config(struct config* c) {
  memset(c, 0, sizeof *c);
  strcpy(c->pattern, "sequential");
  strcpy(c->pacing, "wall");
  c->hot_fraction = 0.1;
  c->hot_share = 0.9;
  c->seed = 1;
  static char line[8192];
  FILE* f = fopen("/proc/cmdline", "r");
  if (f == NULL || fgets(line, sizeof line, f) == NULL) fail_idle("cannot read", "/proc/cmdline");
  fclose(f);
  for (char* tok = strtok(line, " \n"); tok; tok = strtok(NULL, " \n")) {
    if (strncmp(tok, "migsim.", 7) != 0) continue;
    char* key = tok + 7;
    char* val = strchr(key, '=');
    if (val == NULL) fail_idle("missing '=' in", tok);
    *val++ = '\0';
    if (strcmp(key, "pattern") == 0) {
      if (strcmp(val, "sequential") && strcmp(val, "uniform") && strcmp(val, "hotcold"))
        fail_idle("migsim.pattern: expected sequential|uniform|hotcold, got", val);
      snprintf(c->pattern, sizeof c->pattern, "%s", val);
    } else if (strcmp(key, "pacing") == 0) {
      if (strcmp(val, "wall") && strcmp(val, "cpu"))
        fail_idle("migsim.pacing: expected wall|cpu, got", val);
      snprintf(c->pacing, sizeof c->pacing, "%s", val);
    } else if (strcmp(key, "rate") == 0) {
      c->n_rate = parse_steps("migsim.rate", val, c->rate);
    } else if (strcmp(key, "cpuload") == 0) {
      c->n_load = parse_steps("migsim.cpuload", val, c->load);
      for (int i = 0; i < c->n_load; ++i)
        if (c->load[i].value > 100) fail_idle("migsim.cpuload: percent > 100 in", val);
    } else if (strcmp(key, "wss_mib") == 0) {
      c->wss_mib = parse_num("migsim.wss_mib", val);
    } else if (strcmp(key, "fill_mib") == 0) {
      c->fill_mib = parse_num("migsim.fill_mib", val);
    } else if (strcmp(key, "hot_fraction") == 0) {
      c->hot_fraction = parse_num("migsim.hot_fraction", val);
      if (c->hot_fraction <= 0 || c->hot_fraction > 1) fail_idle("migsim.hot_fraction", val);
    } else if (strcmp(key, "hot_share") == 0) {
      c->hot_share = parse_num("migsim.hot_share", val);
      if (c->hot_share > 1) fail_idle("migsim.hot_share", val);
    } else if (strcmp(key, "corrupt_on_verify") == 0) {
      if (strcmp(val, "0") && strcmp(val, "1")) fail_idle("migsim.corrupt_on_verify: expected 0|1, got", val);
      c->corrupt_on_verify = val[0] == '1';
    } else if (strcmp(key, "seed") == 0) {
      c->seed = (unsigned long long)parse_num("migsim.seed", val);
    } else {
      fail_idle("unknown kernel command line key migsim.", key);
    }
  }
  if (c->fill_mib < c->wss_mib) c->fill_mib = c->wss_mib;
}

static uint64_t rng_state;
static inline uint64_t rng_next(void) { /* xorshift64* */
  rng_state ^= rng_state >> 12;
  rng_state ^= rng_state << 25;
  rng_state ^= rng_state >> 27;
  return rng_state * 0x2545F4914F6CDD1DULL;
}

/* The self-checking page layout (see the top of the file). */
#define WORDS (PAGE / 8)
#define BODY0 3
#define BODY_WORDS (WORDS - BODY0)
#define PAGE_TAG 0x4D53000000000000ULL /* "MS" in the top 16 bits, the page index below */

static inline uint64_t mix(uint64_t x) { /* splitmix64's finalizer */
  x ^= x >> 30;
  x *= 0xBF58476D1CE4E5B9ULL;
  x ^= x >> 27;
  x *= 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

/* The page written by the next write: sequential cycle, hot/cold or uniform. Uses only
 * *cursor and the PRNG, so replaying it from READY's state gives the same pages. */
struct chooser {
  size_t wss_pages, hot;
  int seq, hotcold;
  double hot_share;
};
static inline size_t choose_page(const struct chooser* ch, size_t* cursor) {
  size_t page;
  if (ch->seq) {
    page = (*cursor)++;
    if (*cursor == ch->wss_pages) *cursor = 0;
  } else if (ch->hotcold && ch->wss_pages > ch->hot) {
    const uint64_t r = rng_next();
    if ((double)(r >> 11) * 0x1.0p-53 < ch->hot_share) page = (size_t)(rng_next() % ch->hot);
    else page = ch->hot + (size_t)(rng_next() % (ch->wss_pages - ch->hot));
  } else {
    page = (size_t)(rng_next() % ch->wss_pages);
  }
  return page;
}

/* Checks every filled page; prints MIGSIM-VERIFY. `rng_ready` is the PRNG state at READY. */
static void verify_memory(unsigned char* mem, size_t fill_pages, const struct chooser* ch,
                          uint64_t rng_ready, uint64_t writes, int corrupt) {
  const double a = now_s(CLOCK_MONOTONIC);
  if (corrupt && fill_pages > 0) ((volatile uint64_t*)(mem + fill_pages / 2 * PAGE))[BODY0 + 7] ^= 0x10;
  uint64_t* expect = NULL;
  if (ch->wss_pages > 0) {
    expect = calloc(ch->wss_pages, sizeof *expect);
    if (expect == NULL) {
      printf("MIGSIM-VERIFY pages=%zu bad=-1 error=no-memory-for-the-expected-sequences\n", fill_pages);
      return;
    }
    const uint64_t saved = rng_state;
    rng_state = rng_ready;
    size_t cursor = 0;
    for (uint64_t w = 0; w < writes; ++w) expect[choose_page(ch, &cursor)] = w + 1;
    rng_state = saved;
  }
  size_t bad = 0, stale = 0, first_bad = (size_t)-1;
  for (size_t p = 0; p < fill_pages; ++p) {
    const volatile uint64_t* pg = (const volatile uint64_t*)(mem + p * PAGE);
    uint64_t x = mix(pg[0]) ^ mix(pg[1]);
    for (size_t k = BODY0; k < WORDS; ++k) x ^= pg[k];
    const uint64_t want_seq = p < ch->wss_pages ? expect[p] : 0;
    const int intact = pg[0] == (PAGE_TAG | p) && x == pg[2];
    if (intact && pg[1] == want_seq) continue;
    if (intact) ++stale;
    if (first_bad == (size_t)-1) first_bad = p;
    ++bad;
  }
  free(expect);
  printf("MIGSIM-VERIFY pages=%zu bad=%zu stale=%zu first_bad=%lld writes=%llu ms=%.0f\n", fill_pages,
         bad, stale, first_bad == (size_t)-1 ? -1LL : (long long)first_bad,
         (unsigned long long)writes, (now_s(CLOCK_MONOTONIC) - a) * 1000.0);
}

/* The harness's commands on the second serial port (raw, non-blocking; -1 if absent). */
static int open_control(void) {
  const int fd = open("/dev/ttyS1", O_RDONLY | O_NONBLOCK | O_NOCTTY);
  if (fd < 0) return -1;
  struct termios t;
  if (tcgetattr(fd, &t) == 0) {
    cfmakeraw(&t);
    tcsetattr(fd, TCSANOW, &t);
  }
  return fd;
}

/* True when a complete "VERIFY" line arrived since the last call. */
static int verify_requested(int fd) {
  static char buf[64];
  static size_t n = 0;
  if (fd < 0) return 0;
  int asked = 0;
  char c;
  while (read(fd, &c, 1) == 1) {
    if (c == '\n' || c == '\r') {
      buf[n] = '\0';
      if (strcmp(buf, "VERIFY") == 0) asked = 1;
      n = 0;
    } else if (n + 1 < sizeof buf) {
      buf[n++] = c;
    }
  }
  return asked;
}

/* The CPU burner: a child process burning `pct`% of each 100 ms slice. */
static void burner(const struct config* c, double t0) {
  for (;;) {
    double t = now_s(CLOCK_MONOTONIC) - t0;
    double pct = step_at(c->load, c->n_load, t);
    double slice_start = now_s(CLOCK_MONOTONIC);
    double busy = 0.1 * pct / 100.0;
    volatile uint64_t x = 0;
    while (now_s(CLOCK_MONOTONIC) - slice_start < busy) x += 1;
    sleep_s(0.1 - (now_s(CLOCK_MONOTONIC) - slice_start));
  }
}

int main(void) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  struct config c;
  read_config(&c);
  printf("MIGSIM-CONFIG pattern=%s pacing=%s wss_mib=%.1f fill_mib=%.1f hot_fraction=%.3f "
         "hot_share=%.3f seed=%llu rate_steps=%d cpuload_steps=%d\n",
         c.pattern, c.pacing, c.wss_mib, c.fill_mib, c.hot_fraction, c.hot_share, c.seed,
         c.n_rate, c.n_load);
  rng_state = c.seed * 0x9E3779B97F4A7C15ULL + 1;

  const size_t fill_pages = (size_t)(c.fill_mib * 256.0 + 0.5);
  const size_t wss_pages = (size_t)(c.wss_mib * 256.0 + 0.5);
  unsigned char* mem = NULL;
  if (fill_pages > 0) {
    mem = mmap(NULL, fill_pages * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (mem == MAP_FAILED) fail_idle("mmap failed for fill_mib", "");
    /* Non-zero random body words (no page is a zero page) under a self-checking header. */
    for (size_t p = 0; p < fill_pages; ++p) {
      uint64_t* pg = (uint64_t*)(mem + p * PAGE);
      uint64_t x = 0;
      for (size_t k = BODY0; k < WORDS; ++k) x ^= (pg[k] = rng_next() | 1);
      pg[0] = PAGE_TAG | p;
      pg[1] = 0;
      pg[2] = x ^ mix(pg[0]) ^ mix(pg[1]);
    }
  }
  const int control = open_control();
  const double t0 = now_s(CLOCK_MONOTONIC);
  if (c.n_load > 0) {
    pid_t pid = fork();
    if (pid == 0) burner(&c, t0);
  }
  printf("MIGSIM-READY wss_pages=%zu fill_pages=%zu\n", wss_pages, fill_pages);

  const size_t hot = (size_t)((double)wss_pages * c.hot_fraction) > 0
                         ? (size_t)((double)wss_pages * c.hot_fraction)
                         : 1;
  const int cpu_pacing = strcmp(c.pacing, "cpu") == 0;
  const struct chooser ch = {wss_pages, hot, strcmp(c.pattern, "sequential") == 0,
                             strcmp(c.pattern, "hotcold") == 0, c.hot_share};
  const uint64_t rng_ready = rng_state;
  uint64_t writes = 0, writes_at_hb = 0;
  double due = 0;        /* writes owed so far (wall pacing) */
  double last = t0, next_hb = t0 + 1.0;
  size_t cursor = 0;
  /* cpu pacing: busy-work units per write, calibrated to the target rate. */
  double spin_per_write = 0, spin_rate = 0;
  if (cpu_pacing) {
    volatile uint64_t x = 0;
    const double a = now_s(CLOCK_MONOTONIC);
    uint64_t n = 0;
    while (now_s(CLOCK_MONOTONIC) - a < 0.2) {
      for (int k = 0; k < 1000; ++k) x += (uint64_t)k;
      n += 1000;
    }
    spin_rate = (double)n / (now_s(CLOCK_MONOTONIC) - a);
  }
  for (;;) {
    const double t = now_s(CLOCK_MONOTONIC);
    const double rate = step_at(c.rate, c.n_rate, t - t0);
    if (t >= next_hb) {
      printf("MIGSIM-HB t=%.0f writes=%llu rate=%.0f load=%.0f\n", t - t0,
             (unsigned long long)writes, (double)(writes - writes_at_hb) / (t - next_hb + 1.0),
             step_at(c.load, c.n_load, t - t0));
      writes_at_hb = writes;
      next_hb += 1.0;
      if (next_hb < t) next_hb = t + 1.0;
      if (verify_requested(control)) {
        verify_memory(mem, fill_pages, &ch, rng_ready, writes, c.corrupt_on_verify);
        last = now_s(CLOCK_MONOTONIC); /* no catch-up burst for the time spent verifying */
        due = 0;
        continue;
      }
    }
    if (rate <= 0 || wss_pages == 0) {
      sleep_s(next_hb - now_s(CLOCK_MONOTONIC));
      last = now_s(CLOCK_MONOTONIC);
      due = 0;
      continue;
    }
    size_t batch;
    if (cpu_pacing) {
      spin_per_write = spin_rate / rate * 0.8; /* the page write itself costs ~20% */
      batch = 64;
    } else {
      due += rate * (t - last);
      if (due > rate) due = rate; /* never more than 1 s of backlog */
      last = t;
      if (due < 1.0) {
        sleep_s((1.0 - due) / rate < 0.01 ? (1.0 - due) / rate : 0.01);
        continue;
      }
      batch = (size_t)due;
      if (batch > 4096) batch = 4096;
      due -= (double)batch;
    }
    for (size_t i = 0; i < batch; ++i) {
      const size_t page = choose_page(&ch, &cursor);
      /* A 64-bit store of the write counter into one body word, with the page's
       * sequence and checksum updated in place: the page's content really changes on
       * every pass (content-based dirty-rate sampling, QEMU's calc-dirty-rate
       * page-sampling, sees it) and the page stays self-checking. */
      volatile uint64_t* pg = (volatile uint64_t*)(mem + page * PAGE);
      const size_t o = BODY0 + (size_t)(writes % BODY_WORDS);
      const uint64_t v = writes | 1, sq = writes + 1;
      pg[2] = pg[2] ^ pg[o] ^ v ^ mix(pg[1]) ^ mix(sq);
      pg[o] = v;
      pg[1] = sq;
      ++writes;
      if (cpu_pacing) {
        volatile uint64_t x = 0;
        for (uint64_t k = 0; k < (uint64_t)spin_per_write; ++k) x += k;
      }
    }
  }
}
