/* The project's own firmware pieces (roms/NAME.asm), assembled with nasm at
 * build time and finished by scripts/mkrom.py (padding, size byte,
 * checksums). No third-party binaries live here: SeaBIOS and the VGA BIOS
 * come from the distribution's packages.
 *
 * linuxboot: the option ROM behind `-kernel-boot firmware`
 * (roms/linuxboot.asm, docs/platform.md "Booting -kernel through the
 * firmware"): loads a Linux bzImage from fw_cfg and starts its real-mode
 * setup under SeaBIOS.
 */
#ifndef SHADOW86_ROMS_ROMS_H
#define SHADOW86_ROMS_ROMS_H

#include <stddef.h>

extern const unsigned char roms_linuxboot[];
extern const size_t roms_linuxboot_size;

#endif
