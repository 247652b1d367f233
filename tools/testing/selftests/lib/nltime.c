// SPDX-License-Identifier: GPL-2.0
/*
 * nltime.so: LD_PRELOAD shim that logs when a program sends and receives
 * on its sockets, for the route churn check (lib/churn.sh, churncheck.py).
 *
 *   NLTIME_LOG=FILE LD_PRELOAD=out/nltime.so ferctl -batch ...
 *
 * Every send, sendto and sendmsg writes "S <entry> <return>" and every
 * recv, recvfrom and recvmsg "R <entry> <return>" to FILE, times in
 * seconds of CLOCK_REALTIME (the clock of tcpdump's packet time stamps
 * and of time.time()), nanosecond digits. The kernel runs a generic
 * netlink request inside the send, so a route update is published
 * between that send's entry and its return. strace would time the same
 * calls, but stops the program twice a call: under TCG that made 2,000
 * updates take 40 s longer.
 *
 * Lines are buffered and written at exit (and whenever the buffer is
 * full), so that the log costs no system call per request.
 *
 * With NLTIME_COUNT=FILE (8 bytes, made by the caller), each send also
 * adds one to the native-endian 64-bit counter in FILE, shared by every
 * program run with it: churnflow.py reads it to aim at the route being
 * changed.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static char buf[1 << 16];
static size_t used;
static int fd = -1;
static unsigned long long *count;

static void flush_log(void)
{
	size_t off = 0;

	while (fd >= 0 && off < used) {
		ssize_t n = write(fd, buf + off, used - off);

		if (n <= 0)
			break;
		off += (size_t)n;
	}
	used = 0;
}

__attribute__((constructor)) static void open_log(void)
{
	const char *path = getenv("NLTIME_LOG");

	if (path)
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	atexit(flush_log);
	path = getenv("NLTIME_COUNT");
	if (path) {
		int c = open(path, O_RDWR | O_CLOEXEC);
		void *p;

		if (c < 0)
			return;
		p = mmap(NULL, sizeof(*count), PROT_READ | PROT_WRITE, MAP_SHARED, c, 0);
		close(c);
		if (p != MAP_FAILED)
			count = p;
	}
}

static void now(struct timespec *t)
{
	clock_gettime(CLOCK_REALTIME, t);
}

static void log_call(char kind, const struct timespec *a, const struct timespec *b)
{
	int n;

	if (kind == 'S' && count)
		__atomic_add_fetch(count, 1, __ATOMIC_RELAXED);
	if (fd < 0)
		return;
	if (used + 64 > sizeof(buf))
		flush_log();
	n = snprintf(buf + used, sizeof(buf) - used, "%c %lld.%09ld %lld.%09ld\n", kind,
		     (long long)a->tv_sec, a->tv_nsec, (long long)b->tv_sec, b->tv_nsec);
	if (n > 0)
		used += (size_t)n;
}

#define REAL(name) \
	static __typeof__(name) *real_##name; \
	if (!real_##name) \
		real_##name = (__typeof__(name) *)dlsym(RTLD_NEXT, #name)

ssize_t send(int s, const void *p, size_t n, int flags)
{
	struct timespec a, b;
	ssize_t r;

	REAL(send);
	now(&a);
	r = real_send(s, p, n, flags);
	now(&b);
	log_call('S', &a, &b);
	return r;
}

ssize_t sendto(int s, const void *p, size_t n, int flags, const struct sockaddr *to,
	       socklen_t tolen)
{
	struct timespec a, b;
	ssize_t r;

	REAL(sendto);
	now(&a);
	r = real_sendto(s, p, n, flags, to, tolen);
	now(&b);
	log_call('S', &a, &b);
	return r;
}

ssize_t sendmsg(int s, const struct msghdr *m, int flags)
{
	struct timespec a, b;
	ssize_t r;

	REAL(sendmsg);
	now(&a);
	r = real_sendmsg(s, m, flags);
	now(&b);
	log_call('S', &a, &b);
	return r;
}

ssize_t recv(int s, void *p, size_t n, int flags)
{
	struct timespec a, b;
	ssize_t r;

	REAL(recv);
	now(&a);
	r = real_recv(s, p, n, flags);
	now(&b);
	log_call('R', &a, &b);
	return r;
}

ssize_t recvfrom(int s, void *p, size_t n, int flags, struct sockaddr *from, socklen_t *fromlen)
{
	struct timespec a, b;
	ssize_t r;

	REAL(recvfrom);
	now(&a);
	r = real_recvfrom(s, p, n, flags, from, fromlen);
	now(&b);
	log_call('R', &a, &b);
	return r;
}

ssize_t recvmsg(int s, struct msghdr *m, int flags)
{
	struct timespec a, b;
	ssize_t r;

	REAL(recvmsg);
	now(&a);
	r = real_recvmsg(s, m, flags);
	now(&b);
	log_call('R', &a, &b);
	return r;
}
