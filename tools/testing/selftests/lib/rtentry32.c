// SPDX-License-Identifier: GPL-2.0
/*
 * rtentry32: the SIOCADDRT/SIOCDELRT cases of rtentry.py, sent by a 32-bit
 * program (built with -m32 -static), so that the ioctl takes the kernel's
 * compat path: struct rtentry has the 32-bit layout (compat_rtentry) and
 * rt_dev is a 32-bit pointer.
 *
 * usage: rtentry32 dev|sock
 *
 * "dev" sends to /dev/ferroute (ferroute's compat_ioctl), "sock" to an
 * AF_INET socket (Linux's inet_compat_routing_ioctl, the oracle). Prints
 * one line per case: NAME ERRNO-NAME (OK for success), as rtentry.py does.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/route.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

_Static_assert(sizeof(void *) == 4, "build with -m32");

struct rt_case {
	const char *name;
	unsigned long cmd;
	const char *dst, *mask, *gw;
	unsigned short flags;
	short metric;
	const char *dev;
	int mask_family;
};

#define GW (RTF_UP | RTF_GATEWAY)

static const struct rt_case cases[] = {
	{ "gateway-route", SIOCADDRT, "10.2.0.0", "255.255.0.0", "10.1.0.254", GW, 11, "d0", AF_INET },
	{ "duplicate", SIOCADDRT, "10.2.0.0", "255.255.0.0", "10.1.0.254", GW, 11, "d0", AF_INET },
	{ "second-gateway", SIOCADDRT, "10.2.0.0", "255.255.0.0", "10.1.0.253", GW, 11, NULL, AF_INET },
	{ "host-route", SIOCADDRT, "10.3.0.5", "0.0.0.0", NULL, RTF_UP | RTF_HOST, 0, "d0", AF_INET },
	{ "default-route", SIOCADDRT, "0.0.0.0", "0.0.0.0", "10.1.0.254", GW, 0, NULL, 0 },
	{ "unknown-dev", SIOCADDRT, "10.5.0.0", "255.255.0.0", NULL, RTF_UP, 0, "nosuch", AF_INET },
	{ "host-bits", SIOCADDRT, "10.5.0.1", "255.255.0.0", NULL, RTF_UP, 0, "d0", AF_INET },
	{ "delete-wrong-metric", SIOCDELRT, "10.2.0.0", "255.255.0.0", "10.1.0.253", GW, 12, NULL, AF_INET },
	{ "delete", SIOCDELRT, "10.2.0.0", "255.255.0.0", "10.1.0.253", GW, 11, NULL, AF_INET },
	{ "delete-again", SIOCDELRT, "10.2.0.0", "255.255.0.0", "10.1.0.253", GW, 11, NULL, AF_INET },
};

static void set_addr(struct sockaddr *sa, const char *addr, int family)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)sa;

	memset(sa, 0, sizeof(*sa));
	sin->sin_family = family;
	inet_pton(AF_INET, addr, &sin->sin_addr);
}

int main(int argc, char **argv)
{
	unsigned int i;
	int fd;

	if (argc != 2 || (strcmp(argv[1], "dev") && strcmp(argv[1], "sock"))) {
		fprintf(stderr, "usage: rtentry32 dev|sock\n");
		return 2;
	}
	if (!strcmp(argv[1], "dev"))
		fd = open("/dev/ferroute", O_RDONLY);
	else
		fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0) {
		perror(argv[1]);
		return 1;
	}
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct rt_case *c = &cases[i];
		char dev[16] = { 0 };
		struct rtentry rt;

		memset(&rt, 0, sizeof(rt));
		set_addr(&rt.rt_dst, c->dst, AF_INET);
		set_addr(&rt.rt_genmask, c->mask, c->mask_family);
		if (c->gw)
			set_addr(&rt.rt_gateway, c->gw, AF_INET);
		rt.rt_flags = c->flags;
		rt.rt_metric = c->metric;
		if (c->dev) {
			strncpy(dev, c->dev, sizeof(dev) - 1);
			rt.rt_dev = dev;
		}
		if (ioctl(fd, c->cmd, &rt) == 0)
			printf("%s OK\n", c->name);
		else
			printf("%s %s\n", c->name, strerrorname_np(errno));
	}
	close(fd);
	return 0;
}
