#include <ctype.h>
#include <errno.h>
#include <gelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "debug/symbols.h"
#include "machine/image_file.h"

/* Text maps carry no sizes: a lookup more than this far past the closest
 * symbol is not credited to it (it is likely data after the kernel's end). */
#define SYMBOLS_UNSIZED_REACH (1u << 20)
/* Larger symbol files than this are refused: a real System.map is a few
 * MiB, a vmlinux with debug info a few hundred. */
#define SYMBOLS_MAX_FILE (1024u * 1024u * 1024u)

void symbols_init(struct symbols *s)
{
    memset(s, 0, sizeof(*s));
}

void symbols_free(struct symbols *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->v[i].name);
    free(s->v);
    memset(s, 0, sizeof(*s));
}

int symbols_add(struct symbols *s, uint32_t addr, uint32_t size, const char *name)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 256;
        struct symbol *v = realloc(s->v, cap * sizeof(*v));
        if (!v)
            return -1;
        s->v = v;
        s->cap = cap;
    }
    char *copy = malloc(strlen(name) + 1);
    if (!copy)
        return -1;
    strcpy(copy, name);
    s->v[s->n].addr = addr;
    s->v[s->n].size = size;
    s->v[s->n].name = copy;
    s->n++;
    s->sorted = 0;
    return 0;
}

static int compare_symbols(const void *a, const void *b)
{
    const struct symbol *x = a, *y = b;
    if (x->addr != y->addr)
        return x->addr < y->addr ? -1 : 1;
    /* At one address prefer the sized symbol, then global-looking names
     * (no leading '.' or '_'), then the name, so the choice is stable. */
    if ((x->size != 0) != (y->size != 0))
        return x->size ? -1 : 1;
    int xu = x->name[0] == '_' || x->name[0] == '.', yu = y->name[0] == '_' || y->name[0] == '.';
    if (xu != yu)
        return xu - yu;
    return strcmp(x->name, y->name);
}

void symbols_finish(struct symbols *s)
{
    if (s->sorted)
        return;
    if (s->n)
        qsort(s->v, s->n, sizeof(s->v[0]), compare_symbols);
    /* Keep the first (preferred) name per address for address lookups;
     * the others stay findable by name, so nothing is dropped. */
    s->sorted = 1;
}

const struct symbol *symbols_lookup(struct symbols *s, uint32_t addr)
{
    symbols_finish(s);
    size_t lo = 0, hi = s->n;
    while (lo < hi) {           /* first index with v[i].addr > addr */
        size_t mid = lo + (hi - lo) / 2;
        if (s->v[mid].addr <= addr)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0)
        return NULL;
    uint32_t at = s->v[lo - 1].addr;
    /* Back to the first (preferred) entry of that address. */
    size_t i = lo - 1;
    while (i > 0 && s->v[i - 1].addr == at)
        i--;
    const struct symbol *best = &s->v[i];
    uint32_t off = addr - at;
    if (best->size ? off >= best->size : off >= SYMBOLS_UNSIZED_REACH)
        return NULL;
    return best;
}

int symbols_format(struct symbols *s, uint32_t addr, char *buf, size_t bufsz)
{
    const struct symbol *sym = symbols_lookup(s, addr);
    if (bufsz)
        buf[0] = 0;
    if (!sym)
        return -1;
    if (addr == sym->addr)
        snprintf(buf, bufsz, "%s", sym->name);
    else
        snprintf(buf, bufsz, "%s+0x%x", sym->name, addr - sym->addr);
    return 0;
}

int symbols_extent(struct symbols *s, const char *name, uint32_t *lo, uint32_t *hi)
{
    symbols_finish(s);
    for (size_t i = 0; i < s->n; i++) {
        if (strcmp(s->v[i].name, name) != 0)
            continue;
        uint32_t a = s->v[i].addr;
        *lo = a;
        if (s->v[i].size) {
            *hi = a + s->v[i].size - 1;
            return 0;
        }
        size_t j = i + 1;
        while (j < s->n && s->v[j].addr == a)
            j++;
        *hi = j < s->n ? s->v[j].addr - 1 : (a > UINT32_MAX - SYMBOLS_UNSIZED_REACH
                                                  ? UINT32_MAX : a + SYMBOLS_UNSIZED_REACH - 1);
        return 0;
    }
    return -1;
}

int symbols_find(struct symbols *s, const char *name, uint32_t *addr)
{
    for (size_t i = 0; i < s->n; i++) {
        if (strcmp(s->v[i].name, name) == 0) {
            *addr = s->v[i].addr;
            return 0;
        }
    }
    return -1;
}

int symbols_load_elf_mem(struct symbols *s, const void *data, size_t size, const char *what,
                         char *err, size_t errsz)
{
    if (elf_version(EV_CURRENT) == EV_NONE) {
        snprintf(err, errsz, "%s: libelf initialisation failed", what);
        return -1;
    }
    Elf *elf = elf_memory((char *)data, size);
    if (!elf || elf_kind(elf) != ELF_K_ELF) {
        snprintf(err, errsz, "%s: not an ELF file", what);
        if (elf)
            elf_end(elf);
        return -1;
    }
    GElf_Ehdr eh;
    if (!gelf_getehdr(elf, &eh)) {
        snprintf(err, errsz, "%s: bad ELF header: %s", what, elf_errmsg(-1));
        elf_end(elf);
        return -1;
    }
    int added = 0, have_table = 0;
    Elf_Scn *scn = NULL;
    while ((scn = elf_nextscn(elf, scn)) != NULL) {
        GElf_Shdr sh;
        if (!gelf_getshdr(scn, &sh)) {
            snprintf(err, errsz, "%s: bad section header: %s", what, elf_errmsg(-1));
            elf_end(elf);
            return -1;
        }
        if (sh.sh_type != SHT_SYMTAB)
            continue;
        have_table = 1;
        Elf_Data *d = elf_getdata(scn, NULL);
        if (!d || !sh.sh_entsize) {
            snprintf(err, errsz, "%s: unreadable symbol table", what);
            elf_end(elf);
            return -1;
        }
        size_t count = sh.sh_size / sh.sh_entsize;
        for (size_t i = 1; i < count; i++) {
            GElf_Sym sym;
            if (!gelf_getsym(d, (int)i, &sym))
                break;
            int type = GELF_ST_TYPE(sym.st_info);
            if (sym.st_shndx == SHN_UNDEF || type == STT_SECTION || type == STT_FILE)
                continue;
            if (type != STT_FUNC && type != STT_OBJECT && type != STT_NOTYPE)
                continue;
            const char *name = elf_strptr(elf, sh.sh_link, sym.st_name);
            if (!name || !*name || sym.st_value > 0xFFFFFFFFu)
                continue;
            if (symbols_add(s, (uint32_t)sym.st_value, (uint32_t)sym.st_size, name) != 0) {
                snprintf(err, errsz, "%s: out of memory", what);
                elf_end(elf);
                return -1;
            }
            added++;
        }
    }
    elf_end(elf);
    if (!have_table) {
        snprintf(err, errsz, "%s: no symbol table (stripped ELF?)", what);
        return -1;
    }
    if (!added) {
        snprintf(err, errsz, "%s: symbol table holds no function or object", what);
        return -1;
    }
    return added;
}

/* "c0100000 T startup_32" or kallsyms' "c0100000 t name\t[module]". */
int symbols_load_map_text(struct symbols *s, const char *text, size_t len, const char *what,
                          char *err, size_t errsz)
{
    size_t pos = 0;
    unsigned lineno = 0;
    int added = 0;
    while (pos < len) {
        size_t end = pos;
        while (end < len && text[end] != '\n')
            end++;
        lineno++;
        char line[512];
        size_t n = end - pos;
        if (n >= sizeof line) {
            snprintf(err, errsz, "%s:%u: line too long for a symbol map", what, lineno);
            return -1;
        }
        memcpy(line, text + pos, n);
        line[n] = 0;
        pos = end + 1;
        if (n && line[n - 1] == '\r')
            line[--n] = 0;
        const char *p = line;
        while (*p == ' ' || *p == '\t')
            p++;
        if (!*p)
            continue;
        char *e;
        errno = 0;
        unsigned long long addr = strtoull(p, &e, 16);
        char type = 0;
        char name[400];
        if (e == p || errno || (*e != ' ' && *e != '\t') ||
            sscanf(e, " %c %399s", &type, name) != 2 || !isalpha((unsigned char)type)) {
            snprintf(err, errsz, "%s:%u: not a System.map/kallsyms line ('ADDR TYPE NAME')",
                     what, lineno);
            return -1;
        }
        if (addr > 0xFFFFFFFFull) {
            snprintf(err, errsz, "%s:%u: address %llx beyond 32 bits", what, lineno, addr);
            return -1;
        }
        /* Absolute symbols ('a'/'A') are constants, not places; undefined
         * ones ('U', 'w') have no address. */
        if (type == 'a' || type == 'A' || type == 'U' || type == 'w' || type == 'v')
            continue;
        if (symbols_add(s, (uint32_t)addr, 0, name) != 0) {
            snprintf(err, errsz, "%s: out of memory", what);
            return -1;
        }
        added++;
    }
    if (!added) {
        snprintf(err, errsz, "%s: no symbols in the map", what);
        return -1;
    }
    return added;
}

int symbols_load_file(struct symbols *s, const char *path, char *err, size_t errsz)
{
    uint8_t *buf;
    size_t len;
    if (image_file_read(path, SYMBOLS_MAX_FILE, &buf, &len, err, errsz) != 0)
        return -1;
    int rc;
    if (len == 0) {
        snprintf(err, errsz, "%s: empty file", path);
        rc = -1;
    } else if (len >= 4 && memcmp(buf, "\177ELF", 4) == 0) {
        rc = symbols_load_elf_mem(s, buf, len, path, err, errsz);
    } else {
        rc = symbols_load_map_text(s, (const char *)buf, len, path, err, errsz);
    }
    free(buf);
    return rc;
}
