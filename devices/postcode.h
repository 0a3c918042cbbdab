/* POST-code port 0x80: firmware writes a progress byte here at each boot
 * stage. A real POST card shows the last one; we remember it (and how many
 * were written) so the end-of-run line can say how far the guest got.
 */
#ifndef SHADOW86_DEVICES_POSTCODE_H
#define SHADOW86_DEVICES_POSTCODE_H

#include <stdint.h>

#include "devices/iobus.h"

#define POSTCODE_PORT 0x80u

struct postcode {
    uint8_t last;       /* valid only when writes > 0 */
    uint64_t writes;
};

int postcode_init(struct postcode *pc, struct iobus *bus);

#endif
