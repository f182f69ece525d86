// SPDX-License-Identifier: MIT
/*
 * rawframe: the host end of the virtio-net test.  Reads or sends one
 * Ethernet frame of ethertype 0x88b5 on an interface (the TAP, inside
 * the test's network namespace) through an AF_PACKET socket.
 *
 *   rawframe recv IFNAME SECONDS   print "len=N src=MAC text=..." of the
 *                                  first such frame; exit 1 on timeout
 *   rawframe send IFNAME DSTMAC TEXT
 *                                  send one (padded to 60 bytes); print
 *                                  "crc=XXXXXXXX", zlib's CRC-32 of it
 */
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define ETH_P_DIRECTBOOT 0x88b5
#define FRAME_MIN 60

static uint32_t crc32(const uint8_t *p, size_t n)
{
	uint32_t c = ~0u;

	while (n--) {
		c ^= *p++;
		for (int k = 0; k < 8; k++)
			c = c >> 1 ^ (0xedb88320u & -(c & 1));
	}
	return ~c;
}

static int open_sock(const char *ifname, struct sockaddr_ll *sa)
{
	int fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_DIRECTBOOT));

	if (fd < 0) {
		perror("rawframe: socket");
		exit(2);
	}
	memset(sa, 0, sizeof(*sa));
	sa->sll_family = AF_PACKET;
	sa->sll_protocol = htons(ETH_P_DIRECTBOOT);
	sa->sll_ifindex = (int)if_nametoindex(ifname);
	if (!sa->sll_ifindex ||
	    bind(fd, (struct sockaddr *)sa, sizeof(*sa)) < 0) {
		perror("rawframe: bind");
		exit(2);
	}
	return fd;
}

static int do_recv(const char *ifname, int seconds)
{
	struct sockaddr_ll sa;
	int fd = open_sock(ifname, &sa);
	struct pollfd p = { .fd = fd, .events = POLLIN };
	uint8_t f[2048];
	ssize_t n;

	if (poll(&p, 1, seconds * 1000) <= 0) {
		fprintf(stderr, "rawframe: no frame in %d s\n", seconds);
		return 1;
	}
	n = recv(fd, f, sizeof(f), 0);
	if (n < 14)
		return 1;
	printf("len=%zd src=%02x:%02x:%02x:%02x:%02x:%02x text=", n, f[6],
	       f[7], f[8], f[9], f[10], f[11]);
	for (ssize_t i = 14; i < n && f[i]; i++)
		putchar(f[i] >= 0x20 && f[i] < 0x7f ? f[i] : '.');
	putchar('\n');
	return 0;
}

static int do_send(const char *ifname, const char *mac, const char *text)
{
	struct sockaddr_ll sa;
	int fd = open_sock(ifname, &sa);
	uint8_t f[FRAME_MIN + 256] = { 0 };
	unsigned m[6];
	size_t len = 14 + strlen(text) + 1;

	if (sscanf(mac, "%x:%x:%x:%x:%x:%x", &m[0], &m[1], &m[2], &m[3],
		   &m[4], &m[5]) != 6 || strlen(text) > 200) {
		fprintf(stderr, "rawframe: bad MAC or text too long\n");
		return 2;
	}
	for (int i = 0; i < 6; i++) {
		f[i] = (uint8_t)m[i];
		f[6 + i] = (uint8_t)(0x02 + i); /* locally administered */
	}
	f[12] = ETH_P_DIRECTBOOT >> 8;
	f[13] = ETH_P_DIRECTBOOT & 0xff;
	memcpy(f + 14, text, strlen(text));
	len = len < FRAME_MIN ? FRAME_MIN : len;
	if (sendto(fd, f, len, 0, (struct sockaddr *)&sa, sizeof(sa)) !=
	    (ssize_t)len) {
		perror("rawframe: send");
		return 2;
	}
	printf("crc=%08x\n", crc32(f, len));
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "recv"))
		return do_recv(argv[2], atoi(argv[3]));
	if (argc == 5 && !strcmp(argv[1], "send"))
		return do_send(argv[2], argv[3], argv[4]);
	fprintf(stderr, "usage: rawframe recv IFNAME SECONDS | "
			"rawframe send IFNAME DSTMAC TEXT\n");
	return 2;
}
