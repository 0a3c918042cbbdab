/* -nic and -netdump (docs/network.md): which card, which host end.
 *
 *   -nic none                          no card (the default)
 *   -nic user[,OPTS]                   the card, user-mode networking (libslirp)
 *   -nic null[,OPTS]                   the card, no host end: frames sent go
 *                                      nowhere (but -netdump), none arrive
 * OPTS: model=rtl8139 (the default; model=help lists the models),
 * mac=52:54:00:12:34:56, romfile=FILE (the card's option ROM; with -boot n
 * the default is Debian's iPXE ROM for the card), and for user:
 * hostfwd=tcp|udp:[HOSTADDR]:HOSTPORT-[GUESTADDR]:GUESTPORT (repeatable).
 */
#ifndef SHADOW86_CLI_NET_OPTIONS_H
#define SHADOW86_CLI_NET_OPTIONS_H

#include <stddef.h>
#include <stdint.h>

#include "machine/board_nic.h"

#define CLI_NIC_MAX_FWD 8
#define CLI_NIC_DEFAULT_MAC { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 }
#define CLI_NIC_IPXE_DIR "/usr/lib/ipxe/qemu"   /* Debian's ipxe-qemu */

enum cli_net_backend { CLI_NET_NONE, CLI_NET_USER, CLI_NET_NULL };

struct cli_hostfwd {
    int udp;
    uint32_t host_addr;       /* IPv4, host byte order; 0: any (listen on all) */
    uint16_t host_port;
    uint32_t guest_addr;      /* 0: the address the DHCP server gives first */
    uint16_t guest_port;
};

struct cli_nic {
    enum cli_net_backend backend;
    enum board_nic_model model;
    uint8_t mac[6];
    const char *romfile;
    char tftp[256];           /* user: tftp=DIR served by slirp's TFTP server */
    char bootfile[128];       /* user: bootfile=NAME named in DHCP replies */
    struct cli_hostfwd fwd[CLI_NIC_MAX_FWD];
    int nfwd;
    int list_models;          /* model=help */
};

/* Parse a -nic value into *n. Returns 0, or -1 with a one-line message. */
int cli_parse_nic(const char *spec, struct cli_nic *n, char *err, size_t errsz);
/* The default option ROM for `model` (Debian's iPXE image), or NULL. */
const char *cli_nic_default_rom(enum board_nic_model model);

#endif
