#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "machine/image_file.h"
#include "machine/rom_loader.h"

int rom_load_image(struct physmem *pm, const char *name, const uint8_t *image, size_t size,
                   char *err, size_t errsz)
{
    /* The image is mapped whole below 4 GiB, so it must fill whole pages
     * and stay clear of RAM; 16 MiB is the largest flash a PC decodes. */
    if (size == 0) {
        snprintf(err, errsz, "%s: firmware image is empty", name);
        return -1;
    }
    if (size > ROM_MAX_SIZE) {
        snprintf(err, errsz, "%s: firmware image too large (%zu bytes, at most 16 MiB)", name,
                 size);
        return -1;
    }
    if (size % ROM_GRANULE) {
        snprintf(err, errsz, "%s: firmware image size %zu is not a multiple of 4 KiB", name,
                 size);
        return -1;
    }
    if (physmem_set_rom(pm, image, (uint32_t)size) != 0) {
        snprintf(err, errsz, "%s: cannot install firmware image: %s", name, strerror(errno));
        return -1;
    }
    return 0;
}

int rom_load_file(struct physmem *pm, const char *path, char *err, size_t errsz)
{
    uint8_t *data;
    size_t size;
    if (image_file_read(path, ROM_MAX_SIZE, &data, &size, err, errsz) != 0)
        return -1;
    int rc = rom_load_image(pm, path, data, size, err, errsz);
    free(data);
    return rc;
}
