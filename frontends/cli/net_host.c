#include <stdlib.h>
#include <string.h>

#include "frontends/cli/net_host.h"
#include "frontends/cli/net_pcap.h"
#include "frontends/cli/net_user.h"
#include "machine/frontend_api.h"

struct net_host {
    struct machine *m;
    struct net_user *user;           /* NULL: -nic null */
    struct net_pcap dump;
    int dumping;
    uint64_t sent, received;
};

static void host_send(void *opaque, const uint8_t *frame, size_t len)
{
    struct net_host *h = opaque;
    h->sent++;
    if (h->dumping)
        net_pcap_frame(&h->dump, machine_time_ns(h->m), frame, len);
    if (h->user)
        net_user_send(h->user, frame, len);
}

static size_t host_poll(void *opaque, uint8_t *buf, size_t cap)
{
    struct net_host *h = opaque;
    return h->user ? net_user_poll(h->user, buf, cap) : 0;
}

static void host_received(void *opaque, const uint8_t *frame, size_t len)
{
    struct net_host *h = opaque;
    h->received++;
    if (h->dumping)
        net_pcap_frame(&h->dump, machine_time_ns(h->m), frame, len);
}

static void host_wait(void *opaque, uint64_t ns)
{
    struct net_host *h = opaque;
    net_user_wait(h->user, ns);
}

int net_host_open(struct net_host **out, struct machine *m, const struct cli_nic *nic,
                  const char *dump_path, int replaying, char *err, size_t errsz)
{
    *out = NULL;
    if (nic->backend == CLI_NET_NONE)
        return 0;
    struct net_host *h = calloc(1, sizeof *h);
    if (!h) {
        snprintf(err, errsz, "out of memory for the network backend");
        return -1;
    }
    h->m = m;
    /* A replay's frames come from its log: no host sockets. */
    if (nic->backend == CLI_NET_USER && !replaying &&
        !(h->user = net_user_open(nic, err, errsz))) {
        free(h);
        return -1;
    }
    if (dump_path) {
        if (net_pcap_open(&h->dump, dump_path, err, errsz) != 0) {
            net_user_close(h->user);
            free(h);
            return -1;
        }
        h->dumping = 1;
    }
    struct net_backend b = { h, host_send, h->user ? host_poll : NULL, host_received,
                             h->user ? host_wait : NULL };
    machine_net_attach(m, &b);
    *out = h;
    return 0;
}

int net_host_close(struct net_host *h, char *err, size_t errsz)
{
    if (!h)
        return 0;
    struct net_backend none = { NULL, NULL, NULL, NULL, NULL };
    machine_net_attach(h->m, &none);
    int rc = h->dumping ? net_pcap_close(&h->dump, err, errsz) : 0;
    net_user_close(h->user);
    free(h);
    return rc;
}

void net_host_stats(const struct net_host *h, FILE *out)
{
    if (!h)
        return;
    fprintf(out, "network: %llu frames from the guest, %llu to it",
            (unsigned long long)h->sent, (unsigned long long)h->received);
    if (h->user)
        fprintf(out, ", %llu dropped waiting for it", (unsigned long long)net_user_dropped(h->user));
    fputc('\n', out);
}
