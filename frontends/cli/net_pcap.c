#include <errno.h>
#include <string.h>

#include "frontends/cli/net_pcap.h"

#define PCAP_MAGIC 0xA1B2C3D4u      /* microsecond timestamps */
#define PCAP_SNAPLEN 65535u
#define LINKTYPE_ETHERNET 1u

static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

int net_pcap_open(struct net_pcap *p, const char *path, char *err, size_t errsz)
{
    memset(p, 0, sizeof *p);
    p->path = path;
    p->f = fopen(path, "wb");
    if (!p->f) {
        snprintf(err, errsz, "-netdump %s: %s", path, strerror(errno));
        return -1;
    }
    /* The file is little-endian whatever the host: the magic tells readers. */
    uint8_t h[24];
    put32(h, PCAP_MAGIC);
    put16(h + 4, 2);
    put16(h + 6, 4);
    put32(h + 8, 0);                 /* GMT offset */
    put32(h + 12, 0);                /* timestamp accuracy */
    put32(h + 16, PCAP_SNAPLEN);
    put32(h + 20, LINKTYPE_ETHERNET);
    if (fwrite(h, sizeof h, 1, p->f) != 1)
        p->failed = 1;
    return 0;
}

void net_pcap_frame(struct net_pcap *p, uint64_t time_ns, const uint8_t *frame, size_t len)
{
    if (!p->f || p->failed)
        return;
    uint8_t h[16];
    put32(h, (uint32_t)(time_ns / 1000000000u));
    put32(h + 4, (uint32_t)(time_ns % 1000000000u / 1000u));
    put32(h + 8, (uint32_t)len);
    put32(h + 12, (uint32_t)len);
    if (fwrite(h, sizeof h, 1, p->f) != 1 || fwrite(frame, 1, len, p->f) != len)
        p->failed = 1;
    p->frames++;
}

int net_pcap_close(struct net_pcap *p, char *err, size_t errsz)
{
    if (!p->f)
        return 0;
    int bad = p->failed;
    if (fclose(p->f) != 0)
        bad = 1;
    p->f = NULL;
    if (bad) {
        snprintf(err, errsz, "-netdump %s: write failed (disk full?)", p->path);
        return -1;
    }
    return 0;
}
