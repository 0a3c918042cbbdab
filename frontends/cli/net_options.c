#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frontends/cli/net_options.h"

static int parse_port(const char *s, const char *end, uint16_t *port)
{
    unsigned long v = 0;
    if (s == end)
        return -1;
    for (const char *p = s; p < end; p++) {
        if (*p < '0' || *p > '9')
            return -1;
        v = v * 10 + (unsigned long)(*p - '0');
        if (v > 65535)
            return -1;
    }
    if (v == 0)
        return -1;
    *port = (uint16_t)v;
    return 0;
}

/* Dotted IPv4 in [s, end), or empty for 0. */
static int parse_addr(const char *s, const char *end, uint32_t *addr)
{
    uint32_t a = 0;
    int parts = 0;
    if (s == end) {
        *addr = 0;
        return 0;
    }
    while (s < end) {
        unsigned v = 0;
        int digits = 0;
        while (s < end && *s >= '0' && *s <= '9' && digits < 4) {
            v = v * 10 + (unsigned)(*s++ - '0');
            digits++;
        }
        if (!digits || v > 255)
            return -1;
        a = (a << 8) | v;
        parts++;
        if (s < end && *s++ != '.')
            return -1;
    }
    if (parts != 4)
        return -1;
    *addr = a;
    return 0;
}

/* tcp:[HOSTADDR]:HOSTPORT-[GUESTADDR]:GUESTPORT (QEMU's form). */
static int parse_hostfwd(const char *s, struct cli_hostfwd *f)
{
    memset(f, 0, sizeof *f);
    if (!strncmp(s, "tcp:", 4)) {
        s += 4;
    } else if (!strncmp(s, "udp:", 4)) {
        f->udp = 1;
        s += 4;
    } else if (*s == ':') {
        s++;                                   /* QEMU allows an empty protocol: tcp */
    }
    const char *dash = strchr(s, '-');
    if (!dash)
        return -1;
    const char *c1 = memchr(s, ':', (size_t)(dash - s));
    const char *c2 = strchr(dash + 1, ':');
    if (!c1 || !c2)
        return -1;
    return parse_addr(s, c1, &f->host_addr) | parse_port(c1 + 1, dash, &f->host_port) |
           parse_addr(dash + 1, c2, &f->guest_addr) | parse_port(c2 + 1, c2 + strlen(c2), &f->guest_port);
}

static int parse_mac(const char *s, uint8_t mac[6])
{
    unsigned v[6];
    char tail;
    if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &tail) != 6 ||
        strlen(s) != 17)
        return -1;
    if (v[0] & 1)
        return -1;                             /* a multicast address cannot be a station's */
    for (int i = 0; i < 6; i++)
        mac[i] = (uint8_t)v[i];
    return 0;
}

int cli_parse_nic(const char *spec, struct cli_nic *n, char *err, size_t errsz)
{
    static const uint8_t default_mac[6] = CLI_NIC_DEFAULT_MAC;
    char buf[512];
    memset(n, 0, sizeof *n);
    n->model = BOARD_NIC_RTL8139;
    memcpy(n->mac, default_mac, 6);
    if (strlen(spec) >= sizeof buf) {
        snprintf(err, errsz, "-nic: the value is too long");
        return -1;
    }
    strcpy(buf, spec);
    char *save = NULL;
    char *tok = strtok_r(buf, ",", &save);
    if (!tok) {
        snprintf(err, errsz, "-nic: empty value (none, user or null)");
        return -1;
    }
    if (!strcmp(tok, "none")) {
        n->backend = CLI_NET_NONE;
    } else if (!strcmp(tok, "user")) {
        n->backend = CLI_NET_USER;
    } else if (!strcmp(tok, "null")) {
        n->backend = CLI_NET_NULL;
    } else {
        snprintf(err, errsz, "-nic: '%s' is not a network backend (none, user or null)", tok);
        return -1;
    }
    while ((tok = strtok_r(NULL, ",", &save)) != NULL) {
        if (n->backend == CLI_NET_NONE) {
            snprintf(err, errsz, "-nic none takes no options (got '%s')", tok);
            return -1;
        }
        if (!strcmp(tok, "model=help")) {
            n->list_models = 1;
        } else if (!strncmp(tok, "model=", 6)) {
            if (board_nic_parse_model(tok + 6, &n->model) != 0) {
                snprintf(err, errsz, "-nic: unknown model '%s' (model=help lists them)", tok + 6);
                return -1;
            }
        } else if (!strncmp(tok, "mac=", 4)) {
            if (parse_mac(tok + 4, n->mac) != 0) {
                snprintf(err, errsz, "-nic: '%s' is not a unicast MAC address (xx:xx:xx:xx:xx:xx)", tok + 4);
                return -1;
            }
        } else if (!strncmp(tok, "romfile=", 8)) {
            /* Point into the caller's string: spec outlives the options. */
            n->romfile = spec + (tok + 8 - buf);
            if (!*n->romfile) {
                snprintf(err, errsz, "-nic: romfile= needs a file name");
                return -1;
            }
            const char *comma = strchr(n->romfile, ',');
            if (comma) {
                snprintf(err, errsz, "-nic: romfile= must be the last option (file names may hold commas)");
                return -1;
            }
        } else if ((!strncmp(tok, "tftp=", 5) || !strncmp(tok, "bootfile=", 9)) &&
                   n->backend == CLI_NET_USER) {
            int is_tftp = tok[0] == 't';
            const char *v = tok + (is_tftp ? 5 : 9);
            char *dst = is_tftp ? n->tftp : n->bootfile;
            size_t cap = is_tftp ? sizeof n->tftp : sizeof n->bootfile;
            if (!*v || strlen(v) >= cap) {
                snprintf(err, errsz, "-nic: %s= needs a name of 1 to %zu characters",
                         is_tftp ? "tftp" : "bootfile", cap - 1);
                return -1;
            }
            strcpy(dst, v);
        } else if (!strncmp(tok, "hostfwd=", 8) && n->backend == CLI_NET_USER) {
            if (n->nfwd >= CLI_NIC_MAX_FWD) {
                snprintf(err, errsz, "-nic: at most %d hostfwd= rules", CLI_NIC_MAX_FWD);
                return -1;
            }
            if (parse_hostfwd(tok + 8, &n->fwd[n->nfwd]) != 0) {
                snprintf(err, errsz, "-nic: hostfwd=%s is not tcp|udp:[HOSTADDR]:HOSTPORT-[GUESTADDR]:GUESTPORT",
                         tok + 8);
                return -1;
            }
            n->nfwd++;
        } else {
            snprintf(err, errsz, "-nic %s: unknown option '%s'",
                     n->backend == CLI_NET_USER ? "user" : "null", tok);
            return -1;
        }
    }
    return 0;
}

const char *cli_nic_default_rom(enum board_nic_model model)
{
    switch (model) {
    case BOARD_NIC_RTL8139: return CLI_NIC_IPXE_DIR "/pxe-rtl8139.rom";
    default: return NULL;
    }
}
