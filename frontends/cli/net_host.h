/* The card's host end as the command line asked for it: user-mode
 * networking (-nic user), nothing (-nic null), and the -netdump pcap
 * writer in front of either; given to the machine as its net_backend. */
#ifndef SHADOW86_CLI_NET_HOST_H
#define SHADOW86_CLI_NET_HOST_H

#include <stddef.h>
#include <stdio.h>

#include "frontends/cli/net_options.h"

struct machine;
struct net_host;

/* Open the host end and attach it to `m` (which has the card). Returns
 * 0 (*out NULL when there is nothing to attach), or -1 with a message.
 * `replaying`: -replay, whose frames come from the log: no slirp, only
 * the -netdump file. */
int net_host_open(struct net_host **out, struct machine *m, const struct cli_nic *nic,
                  const char *dump_path, int replaying, char *err, size_t errsz);
/* Detach and close. Returns 0, or -1 with a message (the dump failed). */
int net_host_close(struct net_host *h, char *err, size_t errsz);
/* --stats lines. */
void net_host_stats(const struct net_host *h, FILE *out);

#endif
