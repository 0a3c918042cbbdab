/* The PNG encoder of screen dumps and window screenshots (PNG spec, 2nd
 * edition: signature, IHDR, one zlib IDAT, IEND). */
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "base/endian.h"
#include "frontends/cli/png.h"

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
int png_write_rgb(FILE *f, const uint8_t *rgb, unsigned w, unsigned h)
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

