/* Guest symbols: address → "name+0xoff" for traces and reports, and
 * name → address for the gdb stub and trace filters.
 *
 * Sources: ELF symbol tables (through libelf; a -kernel ELF is loaded
 * automatically, --symbols FILE adds any ELF) and text maps in the
 * System.map / /proc/kallsyms format ("ADDR TYPE NAME [module]" a line).
 * Several files can be loaded into one table. Lookups are binary searches
 * over a sorted array; the table is frozen by symbols_finish().
 */
#ifndef SHADOW86_DEBUG_SYMBOLS_H
#define SHADOW86_DEBUG_SYMBOLS_H

#include <stddef.h>
#include <stdint.h>

struct symbol {
    uint32_t addr;
    uint32_t size;          /* 0 when unknown (text maps) */
    char *name;             /* owned */
};

struct symbols {
    struct symbol *v;
    size_t n, cap;
    int sorted;
};

void symbols_init(struct symbols *s);
void symbols_free(struct symbols *s);

/* Load a file: an ELF (recognised by its magic) or a System.map/kallsyms
 * text map. Returns the number of symbols added (>= 0), or -1 with a
 * one-line message naming the file and the problem. A file with no usable
 * symbol is an error: a user who asked for symbols wants to know. */
int symbols_load_file(struct symbols *s, const char *path, char *err, size_t errsz);
/* The same from memory (`what` names the source in messages). */
int symbols_load_elf_mem(struct symbols *s, const void *data, size_t size, const char *what,
                         char *err, size_t errsz);
int symbols_load_map_text(struct symbols *s, const char *text, size_t len, const char *what,
                          char *err, size_t errsz);

int symbols_add(struct symbols *s, uint32_t addr, uint32_t size, const char *name);
/* Sort and drop duplicates; lookups call it when needed. */
void symbols_finish(struct symbols *s);

/* The symbol covering `addr`: the closest at or below it, within its size
 * when the size is known (text maps: within 1 MiB). NULL when none. */
const struct symbol *symbols_lookup(struct symbols *s, uint32_t addr);
/* Format "name+0xoff" (or "name") into buf; returns 0, or -1 when no
 * symbol covers the address (buf is then empty). */
int symbols_format(struct symbols *s, uint32_t addr, char *buf, size_t bufsz);
/* The extent [*lo, *hi] of symbol `name`: its size when known, else up to
 * the next symbol's address (text maps have no sizes). Returns 0, or -1
 * when unknown. */
int symbols_extent(struct symbols *s, const char *name, uint32_t *lo, uint32_t *hi);
/* Address of `name`; returns 0, or -1 when unknown. */
int symbols_find(struct symbols *s, const char *name, uint32_t *addr);

#endif
