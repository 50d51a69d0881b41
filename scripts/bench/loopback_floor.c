// The floor of a loopback fan-out on this machine: W writer processes each write a MSG-byte
// message to its share of N TCP connections at the same tick, R reader threads (one process)
// epoll all N and timestamp each message. No websocket, no runtime: what the kernel costs.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int N = 1000, W = 2, R = 1, ROUNDS = 200, MSG = 900, RATE = 20;
static int *cfd, *sfd;
static double *lat;
static int64_t start_ns;

static int64_t now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

struct rd { int id; long count; };

static void *reader(void *arg) {
  struct rd *r = arg;
  int ep = epoll_create1(0);
  for (int i = r->id; i < N; i += R) {
    struct epoll_event e = {.events = EPOLLIN, .data.u32 = (uint32_t)i};
    epoll_ctl(ep, EPOLL_CTL_ADD, cfd[i], &e);
  }
  int mine = (N + R - 1 - r->id) / R;
  long want = (long)mine * ROUNDS;
  struct epoll_event ev[256];
  char buf[4096];
  while (r->count < want) {
    int n = epoll_wait(ep, ev, 256, 5000);
    if (n <= 0) break;
    for (int k = 0; k < n; k++) {
      int i = ev[k].data.u32;
      ssize_t got = read(cfd[i], buf, sizeof buf);
      int64_t at = now_ns();
      // Messages are MSG bytes, each starting with the round's tick (ns) and round number.
      for (ssize_t off = 0; off + MSG <= got; off += MSG) {
        int64_t t0; int32_t round;
        memcpy(&t0, buf + off, 8);
        memcpy(&round, buf + off + 8, 4);
        lat[(long)round * N + i] = (at - t0) / 1e6;
        r->count++;
      }
    }
  }
  return NULL;
}

int main(int argc, char **argv) {
  if (argc > 1) N = atoi(argv[1]);
  if (argc > 2) W = atoi(argv[2]);
  if (argc > 3) R = atoi(argv[3]);
  if (argc > 4) MSG = atoi(argv[4]);
  int ls = socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(0x7f000001)};
  bind(ls, (struct sockaddr *)&a, sizeof a);
  socklen_t al = sizeof a;
  getsockname(ls, (struct sockaddr *)&a, &al);
  listen(ls, 4096);
  cfd = calloc(N, sizeof(int));
  sfd = calloc(N, sizeof(int));
  for (int i = 0; i < N; i++) {
    cfd[i] = socket(AF_INET, SOCK_STREAM, 0);
    if (connect(cfd[i], (struct sockaddr *)&a, sizeof a)) { perror("connect"); return 1; }
    sfd[i] = accept(ls, NULL, NULL);
    setsockopt(sfd[i], IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  }
  lat = calloc((size_t)N * ROUNDS, sizeof(double));
  start_ns = now_ns() + 300000000;
  int64_t period = 1000000000 / RATE;
  for (int w = 0; w < W; w++) {
    if (fork() == 0) {
      char *msg = calloc(1, MSG);
      memset(msg + 12, 'x', MSG - 12);
      for (int round = 0; round < ROUNDS; round++) {
        int64_t tick = start_ns + round * period;
        struct timespec ts = {tick / 1000000000, tick % 1000000000};
        clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
        memcpy(msg, &tick, 8);
        memcpy(msg + 8, &round, 4);
        for (int i = w; i < N; i += W) {
          if (write(sfd[i], msg, MSG) != MSG) { perror("write"); _exit(1); }
        }
      }
      struct rusage u;
      getrusage(RUSAGE_SELF, &u);
      double cpu = u.ru_utime.tv_sec * 1e6 + u.ru_utime.tv_usec + u.ru_stime.tv_sec * 1e6 + u.ru_stime.tv_usec;
      long sent = (long)((N - w + W - 1) / W) * ROUNDS;
      fprintf(stderr, "writer %d: %.2f us CPU per delivery (user %.2f, sys %.2f), context switches %ld voluntary, %ld not\n", w,
              cpu / sent, (u.ru_utime.tv_sec * 1e6 + u.ru_utime.tv_usec) / sent,
              (u.ru_stime.tv_sec * 1e6 + u.ru_stime.tv_usec) / sent, u.ru_nvcsw, u.ru_nivcsw);
      _exit(0);
    }
  }
  struct rusage u0;
  getrusage(RUSAGE_SELF, &u0);
  pthread_t th[16];
  struct rd rds[16];
  for (int r = 0; r < R; r++) {
    rds[r] = (struct rd){r, 0};
    pthread_create(&th[r], NULL, reader, &rds[r]);
  }
  long total = 0;
  for (int r = 0; r < R; r++) { pthread_join(th[r], NULL); total += rds[r].count; }
  for (int w = 0; w < W; w++) wait(NULL);
  struct rusage u;
  getrusage(RUSAGE_SELF, &u);
  double cpu = (u.ru_utime.tv_sec - u0.ru_utime.tv_sec) * 1e6 + (u.ru_utime.tv_usec - u0.ru_utime.tv_usec) +
               (u.ru_stime.tv_sec - u0.ru_stime.tv_sec) * 1e6 + (u.ru_stime.tv_usec - u0.ru_stime.tv_usec);
  fprintf(stderr, "reader: %.2f us CPU per delivery\n", cpu / total);
  int over15 = 0; double rmax_sum = 0; double *rmax = calloc(ROUNDS, sizeof(double));
  for (int r = 0; r < ROUNDS; r++) {
    double m = 0;
    for (int i = 0; i < N; i++) if (lat[(long)r * N + i] > m) m = lat[(long)r * N + i];
    rmax[r] = m; rmax_sum += m; if (m > 15) over15++;
  }
  qsort(rmax, ROUNDS, sizeof(double), cmp);
  fprintf(stderr, "per round, the last delivery ms: median %.2f, p90 %.2f; rounds over 15 ms: %d of %d\n",
          rmax[ROUNDS / 2], rmax[ROUNDS * 9 / 10], over15, ROUNDS);
  qsort(lat, (size_t)N * ROUNDS, sizeof(double), cmp);
  long n = (long)N * ROUNDS;
  printf("N=%d W=%d R=%d MSG=%d: received %ld of %ld; latency ms p50 %.2f p95 %.2f p99 %.2f max %.2f\n", N, W, R,
         MSG, total, n, lat[n / 2], lat[n * 95 / 100], lat[n * 99 / 100], lat[n - 1]);
  return 0;
}
