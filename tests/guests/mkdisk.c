/* mkdisk OUT SIZE BOOT -- build a raw disk image for the boot-sector
 * guests: BOOT (a whole number of sectors) at sector 0, and in every later
 * sector N: "SECT", N as a little-endian dword, then bytes (N + i) & 0xFF
 * for i = 8..511, so a guest can check that it read the sector it asked
 * for. Written to OUT.tmp and renamed, so a failed run leaves nothing. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: mkdisk OUT SIZE BOOT\n");
        return 2;
    }
    char *end;
    unsigned long size = strtoul(argv[2], &end, 0);
    if (*end || size == 0 || size % 512) {
        fprintf(stderr, "mkdisk: size '%s' is not a positive multiple of 512\n", argv[2]);
        return 2;
    }
    FILE *in = fopen(argv[3], "rb");
    if (!in) {
        perror(argv[3]);
        return 2;
    }
    static uint8_t boot[1 << 20];
    size_t n = fread(boot, 1, sizeof boot, in);
    fclose(in);
    if (n == 0 || n % 512 || n > size) {
        fprintf(stderr, "mkdisk: %s: %zu bytes is not a whole number of sectors that fit\n",
                argv[3], n);
        return 2;
    }
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp", argv[1]);
    FILE *out = fopen(tmp, "wb");
    if (!out) {
        perror(tmp);
        return 2;
    }
    fwrite(boot, 1, n, out);
    uint8_t sec[512];
    for (unsigned long s = n / 512; s < size / 512; s++) {
        memcpy(sec, "SECT", 4);
        for (int i = 0; i < 4; i++)
            sec[4 + i] = (uint8_t)(s >> (8 * i));
        for (int i = 8; i < 512; i++)
            sec[i] = (uint8_t)(s + (unsigned long)i);
        fwrite(sec, 1, 512, out);
    }
    if (fclose(out) != 0 || rename(tmp, argv[1]) != 0) {
        perror(argv[1]);
        remove(tmp);
        return 2;
    }
    return 0;
}
