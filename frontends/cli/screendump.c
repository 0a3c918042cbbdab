#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "frontends/cli/cp437.h"
#include "base/endian.h"
#include "frontends/cli/screendump.h"

static int write_text(FILE *f, const struct vga_text_screen *t)
{
    for (unsigned r = 0; r < t->rows; r++) {
        unsigned end = t->cols;
        while (end > 0 && (t->ch[r][end - 1] == ' ' || t->ch[r][end - 1] == 0))
            end--;
        for (unsigned c = 0; c < end; c++) {
            char u[4];
            size_t n = cp437_to_utf8(t->ch[r][c], u);
            fwrite(u, 1, n, f);
        }
        fputc('\n', f);
    }
    return ferror(f) ? -1 : 0;
}

/* One PNG chunk: length, type, data, CRC over type and data (PNG spec 5.3). */
static int png_chunk(FILE *f, const char *type, const uint8_t *data, uint32_t len)
{
    uint8_t hdr[8];
    be32_store(hdr, len);
    memcpy(hdr + 4, type, 4);
    uLong crc = crc32(0L, (const Bytef *)type, 4);
    if (len)
        crc = crc32(crc, data, len);
    uint8_t tail[4];
    be32_store(tail, (uint32_t)crc);
    return fwrite(hdr, 1, 8, f) == 8 && (len == 0 || fwrite(data, 1, len, f) == len) &&
                   fwrite(tail, 1, 4, f) == 4
               ? 0
               : -1;
}

/* 8-bit RGB, no interlace, filter type 0 on every row, one IDAT. */
static int write_png(FILE *f, const uint8_t *rgb, unsigned w, unsigned h)
{
    static const uint8_t sig[8] = { 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A };
    uint8_t ihdr[13];
    size_t row = (size_t)w * 3;
    size_t rawlen = (row + 1) * h;
    uint8_t *raw = malloc(rawlen);
    uLongf zlen = compressBound((uLong)rawlen);
    uint8_t *z = malloc(zlen);
    int rc = -1;
    if (!raw || !z)
        goto out;
    for (unsigned y = 0; y < h; y++) {
        raw[y * (row + 1)] = 0;
        memcpy(raw + y * (row + 1) + 1, rgb + y * row, row);
    }
    if (compress2(z, &zlen, raw, (uLong)rawlen, 6) != Z_OK)
        goto out;
    be32_store(ihdr, w);
    be32_store(ihdr + 4, h);
    ihdr[8] = 8;        /* bit depth */
    ihdr[9] = 2;        /* colour type: RGB */
    ihdr[10] = ihdr[11] = ihdr[12] = 0;
    if (fwrite(sig, 1, 8, f) == 8 && png_chunk(f, "IHDR", ihdr, 13) == 0 &&
        png_chunk(f, "IDAT", z, (uint32_t)zlen) == 0 && png_chunk(f, "IEND", NULL, 0) == 0)
        rc = 0;
out:
    free(raw);
    free(z);
    return rc;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && strcmp(s + a - b, suffix) == 0;
}

int screendump_write(const struct machine *m, const char *path, char *err, size_t errsz)
{
    struct vga_text_screen *t = NULL;
    uint8_t *rgb = NULL;
    unsigned w = 0, h = 0;
    enum vga_screen_kind kind = machine_screen_kind(m);

    if (kind == VGA_SCREEN_OFF) {
        snprintf(err, errsz, "--screendump %s: the screen is blanked; nothing dumped", path);
        return -1;
    }
    if (kind == VGA_SCREEN_TEXT) {
        t = malloc(sizeof *t);
        if (!t || machine_screen_text(m, t) != 0) {
            free(t);
            snprintf(err, errsz, "--screendump %s: cannot read the text screen", path);
            return -1;
        }
    } else if (machine_screen_rgb(m, &rgb, &w, &h) != 0) {
        snprintf(err, errsz, "--screendump %s: this graphics mode cannot be rendered", path);
        return -1;
    }

    size_t plen = strlen(path);
    char *tmp = malloc(plen + 5);
    if (!tmp) {
        free(t);
        free(rgb);
        snprintf(err, errsz, "--screendump %s: out of memory", path);
        return -1;
    }
    memcpy(tmp, path, plen);
    memcpy(tmp + plen, ".tmp", 5);
    FILE *f = fopen(tmp, "wb");
    int rc = -1;
    if (f) {
        if (t) {
            rc = write_text(f, t);
        } else if (ends_with(path, ".png") || ends_with(path, ".PNG")) {
            rc = write_png(f, rgb, w, h);
        } else {
            fprintf(f, "P6\n%u %u\n255\n", w, h);
            rc = fwrite(rgb, 3, (size_t)w * h, f) == (size_t)w * h ? 0 : -1;
        }
        if (fclose(f) != 0)
            rc = -1;
    }
    if (rc == 0 && rename(tmp, path) != 0)
        rc = -1;
    if (rc != 0) {
        snprintf(err, errsz, "--screendump %s: %s", path, strerror(errno ? errno : EIO));
        remove(tmp);
    }
    free(tmp);
    free(t);
    free(rgb);
    return rc;
}
