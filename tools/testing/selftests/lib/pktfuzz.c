// SPDX-License-Identifier: GPL-2.0
/*
 * pktfuzz: sends frames mutated from a seed corpus out of a network
 * device through a packet socket, as fast as the socket takes them.
 *
 *   pktfuzz IFNAME SEEDS COUNT SEED DST_MAC SRC_MAC
 *
 * SEEDS is tools/testing/fuzz/seeds.txt ("NAME HEX" lines, from
 * gen-seeds.py). Each frame is a random seed whose placeholder MAC
 * addresses (02:00:00:00:01:01 for the router, 02:00:00:00:01:02 for the
 * sender) are replaced by DST_MAC and SRC_MAC, then mutated one to four
 * times (bit flips, interesting bytes and 16-bit values, random bytes,
 * truncation, extension, splicing with another seed, the IPv4 header's
 * ihl, tot_len, fragment field, TTL, protocol and addresses); three times
 * in four the IPv4 header checksum (and sometimes the ICMP one) is made
 * right again, so that frames get past the header checks. One in eight
 * frames is sent unmutated.
 *
 * Prints at its end:
 *   pktfuzz: N frames fuzzed, S sent, E sent with an IPv4 or ARP
 *            EtherType, F refused by the socket, in T s
 * Exit status 0 unless the arguments or the socket fail.
 *
 * Built by `make selftest-bins` (out/pktfuzz); scapy's fuzz() takes
 * milliseconds per frame under TCG, this some microseconds.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_SEEDS 1024
#define MAX_FRAME 2048

struct seed {
	unsigned char *data;
	size_t len;
};

static struct seed seeds[MAX_SEEDS];
static size_t nseeds;
static uint64_t rng;

static uint64_t next(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545f4914f6cdd1dULL;
}

static size_t below(size_t n)
{
	return n ? next() % n : 0;
}

static int parse_mac(const char *s, unsigned char *mac)
{
	return sscanf(s, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &mac[0], &mac[1],
		      &mac[2], &mac[3], &mac[4], &mac[5]) == 6 ? 0 : -1;
}

static int load_seeds(const char *path)
{
	static char line[8192];
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	while (nseeds < MAX_SEEDS && fgets(line, sizeof(line), f)) {
		char *hex = strchr(line, ' ');
		size_t n, i;

		if (!hex)
			continue;
		hex++;
		n = strcspn(hex, "\r\n") / 2;
		if (n == 0 || n > MAX_FRAME)
			continue;
		seeds[nseeds].data = malloc(n);
		if (!seeds[nseeds].data)
			break;
		for (i = 0; i < n; i++)
			sscanf(hex + 2 * i, "%2hhx", &seeds[nseeds].data[i]);
		seeds[nseeds].len = n;
		nseeds++;
	}
	fclose(f);
	return nseeds ? 0 : -1;
}

static uint16_t csum(const unsigned char *p, size_t len)
{
	uint32_t s = 0;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		s += (p[i] << 8) | p[i + 1];
	if (len & 1)
		s += p[len - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return ~s & 0xffff;
}

static void fix_checksums(unsigned char *b, size_t len)
{
	size_t ihl, at;
	uint16_t c;

	if (len < 34 || b[12] != 0x08 || b[13] != 0x00)
		return;
	ihl = (b[14] & 0x0f) * 4;
	if (ihl < 20 || len < 14 + ihl)
		return;
	b[24] = b[25] = 0;
	c = csum(b + 14, ihl);
	b[24] = c >> 8;
	b[25] = c & 0xff;
	at = 14 + ihl;
	if (b[23] == 1 && below(2) && len >= at + 4) {
		b[at + 2] = b[at + 3] = 0;
		c = csum(b + at, len - at);
		b[at + 2] = c >> 8;
		b[at + 3] = c & 0xff;
	}
}

static const unsigned char int8[] = { 0, 1, 4, 5, 0x0f, 0x40, 0x7f, 0x80, 0xff };
static const uint16_t int16[] = { 0, 1, 7, 8, 20, 0x2000, 0x3fff, 0x7fff, 0xfff8, 0xffff };
static const unsigned char addrs[][4] = {
	{ 10, 1, 0, 1 }, { 10, 2, 0, 1 }, { 10, 1, 0, 255 }, { 255, 255, 255, 255 },
	{ 224, 0, 0, 1 }, { 127, 0, 0, 1 }, { 0, 0, 0, 0 }, { 10, 2, 0, 2 }, { 10, 50, 0, 9 },
};

static size_t mutate(unsigned char *b, size_t n)
{
	int k, rounds = 1 + below(4);

	for (k = 0; k < rounds; k++) {
		switch (below(10)) {
		case 0:
		case 1:
			if (n)
				b[below(n)] ^= 1 << below(8);
			break;
		case 2:
			if (n)
				b[below(n)] = int8[below(sizeof(int8))];
			break;
		case 3:
			if (n > 1) {
				size_t i = below(n - 1);
				uint16_t v = int16[below(sizeof(int16) / 2)];

				b[i] = v >> 8;
				b[i + 1] = v & 0xff;
			}
			break;
		case 4:
			if (n)
				b[below(n)] = next();
			break;
		case 5:
			if (n)
				n = below(n);
			break;
		case 6: {
			size_t m = 1 + below(64);

			while (m-- && n < MAX_FRAME)
				b[n++] = next();
			break;
		}
		case 7: {
			const struct seed *o = &seeds[below(nseeds)];
			size_t at = below(n + 1), from = below(o->len + 1);
			size_t m = o->len - from;

			if (at + m > MAX_FRAME)
				m = MAX_FRAME - at;
			memcpy(b + at, o->data + from, m);
			n = at + m;
			break;
		}
		case 8:
			if (n > 34) {
				unsigned char *ip = b + 14;

				switch (below(6)) {
				case 0:
					ip[0] = 0x40 | (next() & 0x0f);
					break;
				case 1: {
					uint16_t v = below(n);

					ip[2] = v >> 8;
					ip[3] = v & 0xff;
					break;
				}
				case 2: {
					uint16_t v = int16[below(sizeof(int16) / 2)];

					ip[6] = v >> 8;
					ip[7] = v & 0xff;
					break;
				}
				case 3:
					ip[8] = int8[below(sizeof(int8))];
					break;
				case 4:
					ip[9] = (unsigned char[]){ 1, 6, 17, 2, 253 }[below(5)];
					break;
				default:
					memcpy(ip + 12 + 4 * below(2),
					       addrs[below(sizeof(addrs) / 4)], 4);
				}
			}
			break;
		default:
			break;
		}
	}
	if (below(4))
		fix_checksums(b, n);
	return n;
}

int main(int argc, char **argv)
{
	static const unsigned char ph_router[6] = { 2, 0, 0, 0, 1, 1 };
	static const unsigned char ph_sender[6] = { 2, 0, 0, 0, 1, 2 };
	unsigned char dst[6], src[6], frame[MAX_FRAME];
	unsigned long long count, i, sent = 0, ipv4_arp = 0, refused = 0;
	struct sockaddr_ll sll = { 0 };
	struct timespec t0, t1;
	int fd;

	if (argc != 7 || parse_mac(argv[5], dst) || parse_mac(argv[6], src)) {
		fprintf(stderr, "usage: pktfuzz IFNAME SEEDS COUNT SEED DST_MAC SRC_MAC\n");
		return 2;
	}
	if (load_seeds(argv[2])) {
		fprintf(stderr, "pktfuzz: no seeds in %s\n", argv[2]);
		return 2;
	}
	count = strtoull(argv[3], NULL, 10);
	rng = strtoull(argv[4], NULL, 10) | 1;
	fd = socket(AF_PACKET, SOCK_RAW, 0);
	if (fd < 0) {
		perror("pktfuzz: socket");
		return 1;
	}
	sll.sll_family = AF_PACKET;
	sll.sll_ifindex = if_nametoindex(argv[1]);
	sll.sll_halen = 6;
	if (!sll.sll_ifindex) {
		perror("pktfuzz: if_nametoindex");
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < count; i++) {
		const struct seed *s = &seeds[below(nseeds)];
		size_t n = s->len;

		memcpy(frame, s->data, n);
		if (n >= 12) {
			if (!memcmp(frame, ph_router, 6))
				memcpy(frame, dst, 6);
			if (!memcmp(frame + 6, ph_sender, 6))
				memcpy(frame + 6, src, 6);
		}
		if (below(8))
			n = mutate(frame, n);
		if (sendto(fd, frame, n, 0, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
			if (errno == ENOBUFS) {
				/* The device queue is full: let it drain, retry. */
				usleep(100);
				if (sendto(fd, frame, n, 0, (struct sockaddr *)&sll,
					   sizeof(sll)) >= 0)
					goto ok;
			}
			refused++;
			continue;
		}
ok:
		sent++;
		if (n >= 14 && frame[12] == 0x08 && (frame[13] == 0x00 || frame[13] == 0x06))
			ipv4_arp++;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("pktfuzz: %llu frames fuzzed, %llu sent, %llu sent with an IPv4 or ARP EtherType, %llu refused by the socket, in %.1f s\n",
	       count, sent, ipv4_arp, refused,
	       (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
	close(fd);
	return 0;
}
