/* -nic user: user-mode networking through libslirp, the host end of the
 * card. The guest's network is QEMU's: 10.0.2.0/24, the gateway (and the
 * host, by way of it: 10.0.2.2 is the host's 127.0.0.1) at 10.0.2.2, DNS
 * at 10.0.2.3 (forwarded to the host's resolver), DHCP handing out
 * 10.0.2.15 first. Outbound TCP and UDP become host sockets; hostfwd
 * rules listen on the host and connect into the guest.
 *
 * This is host I/O: slirp reads sockets and host time. It never touches
 * the machine; the machine polls net_user_poll() from its clock timer
 * (machine/board_nic.h), which is where host packets become inputs.
 */
#ifndef SHADOW86_CLI_NET_USER_H
#define SHADOW86_CLI_NET_USER_H

#include <stddef.h>
#include <stdint.h>

#include "frontends/cli/net_options.h"

#define NET_USER_QUEUE 512           /* frames waiting for the guest */
#define NET_USER_MAX_TIMERS 16
#define NET_USER_MAX_FDS 256

struct net_user;

/* Start slirp with the rules in `nic`. Returns NULL with a message. */
struct net_user *net_user_open(const struct cli_nic *nic, char *err, size_t errsz);
void net_user_close(struct net_user *u);
/* A frame from the guest. */
void net_user_send(struct net_user *u, const uint8_t *frame, size_t len);
/* Service the host sockets and timers (no waiting), then hand out the
 * next frame for the guest: its length, or 0. */
size_t net_user_poll(struct net_user *u, uint8_t *buf, size_t cap);
/* Wait up to `ns` of host time for something for the guest (a socket
 * ready, a slirp timer due); at once when a frame is already queued. */
void net_user_wait(struct net_user *u, uint64_t ns);
/* Frames dropped because the guest let the queue fill. */
uint64_t net_user_dropped(const struct net_user *u);

#endif
