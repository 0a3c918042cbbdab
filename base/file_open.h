/* Opening an input file named by the user without hanging on it.
 *
 * open() on a FIFO waits for a writer (a reader, for O_WRONLY), and a
 * character device may block or never end; checking with stat() first
 * leaves a window in which the name can be swapped for one. So every input
 * is opened with O_NONBLOCK, which never waits, checked with fstat() on the
 * descriptor actually opened, and only then switched back to blocking I/O.
 */
#ifndef SHADOW86_BASE_FILE_OPEN_H
#define SHADOW86_BASE_FILE_OPEN_H

#include <sys/stat.h>

/* What file_open_input() accepts besides regular files. */
#define FILE_OPEN_BLOCK_DEVICE 1u

/* Open `path` with `flags` (O_RDONLY or O_RDWR), refusing anything but a
 * regular file (and a block device with FILE_OPEN_BLOCK_DEVICE). Returns
 * the descriptor (blocking, close-on-exec) with *st filled, or -1 with
 * *why pointing to a static reason ("not a regular file", "is a
 * directory", or strerror's text) and errno set. */
int file_open_input(const char *path, int flags, unsigned accept, struct stat *st,
                    const char **why);

#endif
