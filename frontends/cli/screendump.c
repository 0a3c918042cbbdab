#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frontends/cli/cp437.h"
#include "frontends/cli/png.h"
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
            rc = png_write_rgb(f, rgb, w, h);
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
