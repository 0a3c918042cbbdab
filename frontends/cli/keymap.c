#include <string.h>

#include "frontends/cli/keymap.h"

/* Set-2 make codes of the US layout, for printable ASCII: the unshifted
 * character of each key, then the shifted one. */
static const struct { char plain, shifted; uint8_t code; } keys[] = {
    { 'a', 'A', 0x1C }, { 'b', 'B', 0x32 }, { 'c', 'C', 0x21 }, { 'd', 'D', 0x23 },
    { 'e', 'E', 0x24 }, { 'f', 'F', 0x2B }, { 'g', 'G', 0x34 }, { 'h', 'H', 0x33 },
    { 'i', 'I', 0x43 }, { 'j', 'J', 0x3B }, { 'k', 'K', 0x42 }, { 'l', 'L', 0x4B },
    { 'm', 'M', 0x3A }, { 'n', 'N', 0x31 }, { 'o', 'O', 0x44 }, { 'p', 'P', 0x4D },
    { 'q', 'Q', 0x15 }, { 'r', 'R', 0x2D }, { 's', 'S', 0x1B }, { 't', 'T', 0x2C },
    { 'u', 'U', 0x3C }, { 'v', 'V', 0x2A }, { 'w', 'W', 0x1D }, { 'x', 'X', 0x22 },
    { 'y', 'Y', 0x35 }, { 'z', 'Z', 0x1A },
    { '1', '!', 0x16 }, { '2', '@', 0x1E }, { '3', '#', 0x26 }, { '4', '$', 0x25 },
    { '5', '%', 0x2E }, { '6', '^', 0x36 }, { '7', '&', 0x3D }, { '8', '*', 0x3E },
    { '9', '(', 0x46 }, { '0', ')', 0x45 },
    { '-', '_', 0x4E }, { '=', '+', 0x55 }, { '[', '{', 0x54 }, { ']', '}', 0x5B },
    { '\\', '|', 0x5D }, { ';', ':', 0x4C }, { '\'', '"', 0x52 }, { '`', '~', 0x0E },
    { ',', '<', 0x41 }, { '.', '>', 0x49 }, { '/', '?', 0x4A }, { ' ', 0, 0x29 },
};

/* Escape sequences (xterm/VT220) for the keys without characters. */
static const struct { const char *seq; uint16_t code; } seqs[] = {
    { "\x1b[A", KEYMAP_E0 | 0x75 }, { "\x1b[B", KEYMAP_E0 | 0x72 },
    { "\x1b[C", KEYMAP_E0 | 0x74 }, { "\x1b[D", KEYMAP_E0 | 0x6B },
    { "\x1bOA", KEYMAP_E0 | 0x75 }, { "\x1bOB", KEYMAP_E0 | 0x72 },
    { "\x1bOC", KEYMAP_E0 | 0x74 }, { "\x1bOD", KEYMAP_E0 | 0x6B },
    { "\x1b[H", KEYMAP_E0 | 0x6C }, { "\x1b[F", KEYMAP_E0 | 0x69 },
    { "\x1b[1~", KEYMAP_E0 | 0x6C }, { "\x1b[4~", KEYMAP_E0 | 0x69 },
    { "\x1b[2~", KEYMAP_E0 | 0x70 }, { "\x1b[3~", KEYMAP_E0 | 0x71 },
    { "\x1b[5~", KEYMAP_E0 | 0x7D }, { "\x1b[6~", KEYMAP_E0 | 0x7A },
    { "\x1bOP", 0x05 }, { "\x1bOQ", 0x06 }, { "\x1bOR", 0x04 }, { "\x1bOS", 0x0C },
    { "\x1b[11~", 0x05 }, { "\x1b[12~", 0x06 }, { "\x1b[13~", 0x04 }, { "\x1b[14~", 0x0C },
    { "\x1b[15~", 0x03 }, { "\x1b[17~", 0x0B }, { "\x1b[18~", 0x83 }, { "\x1b[19~", 0x0A },
    { "\x1b[20~", 0x01 }, { "\x1b[21~", 0x09 }, { "\x1b[23~", 0x78 }, { "\x1b[24~", 0x07 },
};

int keymap_decode(const uint8_t *buf, size_t len, int more_may_follow, struct keymap_key *key)
{
    memset(key, 0, sizeof *key);
    if (len == 0)
        return 0;
    uint8_t c = buf[0];
    if (c == 0x1B) {
        int prefix = 0;
        for (size_t i = 0; i < sizeof seqs / sizeof seqs[0]; i++) {
            size_t n = strlen(seqs[i].seq);
            if (len >= n && memcmp(buf, seqs[i].seq, n) == 0) {
                key->code = seqs[i].code;
                return (int)n;
            }
            if (len < n && memcmp(buf, seqs[i].seq, len) == 0)
                prefix = 1;
        }
        if (prefix && more_may_follow && len > 1)
            return -1;
        if (len == 1 && more_may_follow)
            return -1;
        key->code = 0x76;                /* Esc */
        return 1;
    }
    switch (c) {
    case '\r': case '\n': key->code = 0x5A; return 1;   /* Enter */
    case '\t': key->code = 0x0D; return 1;
    case 0x7F: case 0x08: key->code = 0x66; return 1;   /* Backspace */
    default: break;
    }
    if (c >= 1 && c <= 26) {                            /* Ctrl-A .. Ctrl-Z */
        key->code = keys[c - 1].code;
        key->ctrl = 1;
        return 1;
    }
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        if (c == (uint8_t)keys[i].plain) {
            key->code = keys[i].code;
            return 1;
        }
        if (keys[i].shifted && c == (uint8_t)keys[i].shifted) {
            key->code = keys[i].code;
            key->shift = 1;
            return 1;
        }
    }
    return 0;
}
