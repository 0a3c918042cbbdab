/* -netdump FILE: every frame the card sends or receives, in the classic
 * pcap format (LINKTYPE_ETHERNET, microsecond stamps), stamped with
 * machine time, so a dump of a -rtc clock=vm run is the same every run
 * for the same frames. Readable by tcpdump -r and Wireshark. */
#ifndef SHADOW86_CLI_NET_PCAP_H
#define SHADOW86_CLI_NET_PCAP_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct net_pcap {
    FILE *f;
    const char *path;
    int failed;               /* a write failed: reported once at close */
    uint64_t frames;
};

/* Create FILE and write the header. Returns 0, or -1 with a message. */
int net_pcap_open(struct net_pcap *p, const char *path, char *err, size_t errsz);
void net_pcap_frame(struct net_pcap *p, uint64_t time_ns, const uint8_t *frame, size_t len);
/* Flush and close. Returns 0, or -1 with a message (a write failed). */
int net_pcap_close(struct net_pcap *p, char *err, size_t errsz);

#endif
