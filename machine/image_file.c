#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/file_open.h"
#include "machine/image_file.h"

int image_file_read(const char *path, size_t max_size, uint8_t **data, size_t *size,
                    char *err, size_t errsz)
{
    struct stat st;
    const char *why;
    *data = NULL;
    *size = 0;
    /* Never fopen() the name: a FIFO would block in open() for ever. */
    int fd = file_open_input(path, O_RDONLY, 0, &st, &why);
    if (fd < 0) {
        snprintf(err, errsz, "%s: %s", path, why);
        return -1;
    }
    FILE *f = fdopen(fd, "rb");
    if (!f) {
        snprintf(err, errsz, "%s: %s", path, strerror(errno));
        close(fd);
        return -1;
    }
    if ((uintmax_t)st.st_size > max_size) {
        snprintf(err, errsz, "%s: too large (%jd bytes, at most %zu)", path,
                 (intmax_t)st.st_size, max_size);
        fclose(f);
        return -1;
    }

    size_t len = (size_t)st.st_size;
    uint8_t *buf = malloc(len ? len : 1);
    if (!buf) {
        snprintf(err, errsz, "%s: out of memory reading %zu bytes", path, len);
        fclose(f);
        return -1;
    }
    size_t got = fread(buf, 1, len, f);
    if (got != len || ferror(f)) {
        snprintf(err, errsz, "%s: read error: %s", path,
                 ferror(f) ? strerror(errno) : "file shrank while reading");
        free(buf);
        fclose(f);
        return -1;
    }
    fclose(f);
    *data = buf;
    *size = len;
    return 0;
}

void image_error(char *err, size_t errsz, const char *name, const char *fmt, ...)
{
    char msg[IMAGE_ERR_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    snprintf(err, errsz, "%s: %s", name, msg);
}
