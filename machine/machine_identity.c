#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/hash64.h"
#include "machine/build_id.h"
#include "machine/machine.h"
#include "machine/machine_identity.h"

const char *machine_build_id(void)
{
    /* The byte order and word size are part of it too: states are
     * endian-neutral by design, but a build is only tested where built. */
    static const char id[] = SHADOW86_BUILD_ID
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
        " be"
#else
        " le"
#endif
        ;
    return id;
}

int machine_file_identity(const char *path, unsigned long long *size, unsigned long long *hash,
                          char *err, size_t errsz)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errsz, "%s: %s", path, strerror(errno));
        return -1;
    }
    struct hash64 h;
    hash64_init(&h, 0);
    static const size_t chunk = 1 << 16;
    uint8_t *buf = malloc(chunk);
    if (!buf) {
        fclose(f);
        snprintf(err, errsz, "out of memory");
        return -1;
    }
    size_t n;
    while ((n = fread(buf, 1, chunk, f)) > 0)
        hash64_update(&h, buf, n);
    int bad = ferror(f);
    free(buf);
    fclose(f);
    if (bad) {
        snprintf(err, errsz, "%s: read error", path);
        return -1;
    }
    *size = h.total;
    *hash = hash64_final(&h);
    return 0;
}

struct text {
    char *s;
    size_t len, cap;
    int failed;
};

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void add(struct text *t, const char *fmt, ...)
{
    if (t->failed)
        return;
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(t->s + t->len, t->cap - t->len, fmt, ap);
        va_end(ap);
        if (n < 0) {
            t->failed = 1;
            return;
        }
        if ((size_t)n < t->cap - t->len) {
            t->len += (size_t)n;
            return;
        }
        size_t cap = t->cap * 2 + (size_t)n + 256;
        char *s = realloc(t->s, cap);
        if (!s) {
            t->failed = 1;
            return;
        }
        t->s = s;
        t->cap = cap;
    }
}

/* "KEY=path size=N hash=H": the path is for the reader; size and hash
 * decide (a copy of the same image elsewhere is the same machine). */
static int add_file(struct text *t, const char *key, const char *path, char *err, size_t errsz)
{
    if (!path)
        return 0;
    unsigned long long size, hash;
    if (machine_file_identity(path, &size, &hash, err, errsz) != 0)
        return -1;
    add(t, "%s=size %llu hash %016llx (%s)\n", key, size, hash, path);
    return 0;
}

char *machine_identity(const struct machine *m, char *err, size_t errsz)
{
    const struct machine_options *o = &m->opts;
    struct text t = { .s = malloc(1024), .cap = 1024 };
    if (!t.s) {
        snprintf(err, errsz, "out of memory");
        return NULL;
    }
    t.s[0] = 0;
    static const char *const hd[4] = { "hda", "hdb", "hdc", "hdd" };
    add(&t, "build=%s\n", machine_build_id());
    add(&t, "ram_mib=%u\n", o->ram_mib);
    if (add_file(&t, "bios", o->bios_path, err, errsz) != 0 ||
        add_file(&t, "kernel", o->kernel_path, err, errsz) != 0 ||
        add_file(&t, "initrd", o->initrd_path, err, errsz) != 0 ||
        add_file(&t, "vga_bios", o->vga_bios_path, err, errsz) != 0 ||
        add_file(&t, "cdrom", o->cdrom_path, err, errsz) != 0)
        goto fail;
    for (int i = 0; i < 4; i++)
        if (add_file(&t, hd[i], o->hd_paths[i], err, errsz) != 0)
            goto fail;
    if (o->cmdline)
        add(&t, "append=%s\n", o->cmdline);
    if (o->kernel_path)
        add(&t, "kernel_boot=%s\n",
            o->kernel_boot == MACHINE_KERNEL_BOOT_FIRMWARE ? "firmware" : "direct");
    add(&t, "snapshot=%d\n", o->snapshot);
    add(&t, "sercon=%d\n", o->sercon);
    add(&t, "no_reboot=%d\n", o->no_reboot);
    /* CPUID and IA32_APIC_BASE depend on it; only written when on, so
     * states from before the option still match a machine without it. */
    if (o->x2apic)
        add(&t, "x2apic=on\n");
    add(&t, "clock=%s\n", o->clock_mode == CLOCK_HOST ? "host" : "vm");
    add(&t, "boot=%s\n", o->boot_order ? o->boot_order : "cd");
    /* The epoch the RTC counts from: given, or fixed in virtual mode. In
     * host mode it is read at creation, so it cannot be compared. */
    if (o->clock_mode == CLOCK_VIRTUAL)
        add(&t, "epoch=%lld\n", (long long)m->clock.epoch);
    /* The timer table: a frontend's display timer is registered at its
     * first use, and a state holds one deadline per timer. */
    add(&t, "timers=");
    for (unsigned i = 0; i < m->clock.ntimers; i++)
        add(&t, "%s%s", i ? "," : "", m->clock.timers[i].name ? m->clock.timers[i].name : "?");
    add(&t, "\n");
    if (t.failed) {
        snprintf(err, errsz, "out of memory");
        goto fail;
    }
    return t.s;
fail:
    free(t.s);
    return NULL;
}

/* The line of `text` whose key is `key` (length klen), or NULL. */
static const char *find_line(const char *text, const char *key, size_t klen, size_t *len)
{
    for (const char *p = text; *p;) {
        const char *nl = strchr(p, '\n');
        size_t l = nl ? (size_t)(nl - p) : strlen(p);
        if (l > klen && p[klen] == '=' && strncmp(p, key, klen) == 0) {
            *len = l;
            return p;
        }
        p += l + (nl != NULL);
    }
    return NULL;
}

/* Every key of `a` must be in `b` with the same value. */
static int compare_one_way(const char *a, const char *b, int a_is_saved, char *err, size_t errsz)
{
    for (const char *p = a; *p;) {
        const char *nl = strchr(p, '\n');
        size_t l = nl ? (size_t)(nl - p) : strlen(p);
        const char *eq = memchr(p, '=', l);
        size_t klen = eq ? (size_t)(eq - p) : l;
        size_t ol;
        const char *o = find_line(b, p, klen, &ol);
        if (!o) {
            const char *val = p + klen + (eq != NULL);
            int vl = (int)(l - klen - (eq != NULL));
            if (a_is_saved)
                snprintf(err, errsz, "%.*s differs (saved: %.*s, now: none)", (int)klen, p, vl, val);
            else
                snprintf(err, errsz, "%.*s differs (saved: none, now: %.*s)", (int)klen, p, vl, val);
            return -1;
        }
        if (ol != l || memcmp(o, p, l) != 0) {
            const char *sv = a_is_saved ? p : o, *nw = a_is_saved ? o : p;
            size_t sl = a_is_saved ? l : ol, nl2 = a_is_saved ? ol : l;
            snprintf(err, errsz, "%.*s differs (saved: %.*s, now: %.*s)", (int)klen, p,
                     (int)(sl - klen - 1), sv + klen + 1, (int)(nl2 - klen - 1), nw + klen + 1);
            return -1;
        }
        p += l + (nl != NULL);
    }
    return 0;
}

/* A damaged identity can hold any byte: the message stays one line. */
static void printable(char *err)
{
    for (char *c = err; *c; c++)
        if ((unsigned char)*c < 0x20 || (unsigned char)*c == 0x7F)
            *c = '?';
}

int machine_identity_compare(const char *saved, const char *now, char *err, size_t errsz)
{
    if (compare_one_way(saved, now, 1, err, errsz) != 0 ||
        compare_one_way(now, saved, 0, err, errsz) != 0) {
        if (errsz)
            printable(err);
        return -1;
    }
    return 0;
}
