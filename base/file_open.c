#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "base/file_open.h"

int file_open_input(const char *path, int flags, unsigned accept, struct stat *st,
                    const char **why)
{
    int fd = open(path, flags | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) {
        *why = strerror(errno);
        return -1;
    }
    if (fstat(fd, st) != 0) {
        int e = errno;
        close(fd);
        errno = e;
        *why = strerror(e);
        return -1;
    }
    if (!S_ISREG(st->st_mode) && !((accept & FILE_OPEN_BLOCK_DEVICE) && S_ISBLK(st->st_mode))) {
        *why = S_ISDIR(st->st_mode) ? "is a directory" : "not a regular file";
        close(fd);
        errno = S_ISDIR(st->st_mode) ? EISDIR : EINVAL;
        return -1;
    }
    /* A regular file never blocks anyway; clear the flag so reads are the
     * ordinary kind everywhere. */
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) != 0) {
        int e = errno;
        close(fd);
        errno = e;
        *why = strerror(e);
        return -1;
    }
    return fd;
}
