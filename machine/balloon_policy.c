/* The process's balloon policy (balloon_policy.h). */
#include <string.h>

#include "machine/balloon_policy.h"
#include "machine/machine.h"

void balloon_policy_init(struct balloon_policy *p, uint64_t high_mib)
{
    memset(p, 0, sizeof *p);
    p->high_pages = high_mib << 8;
    p->low_pages = p->high_pages / 8 * 7;
}

/* A guest whose balloon the policy may steer now. */
static struct virtio_balloon *steerable(struct machine *m)
{
    struct virtio_balloon *b = &m->balloon.dev;
    if (!m->balloon.present || !virtio_pci_live(&b->vp) || b->actual != b->target)
        return NULL;
    return b;
}

void balloon_policy_tick(struct balloon_policy *p, struct machine *const *vm, const int *running,
                         unsigned n)
{
    uint64_t used = 0;
    for (unsigned i = 0; i < n; i++)
        used += physmem_pages_resident(&vm[i]->mem);
    if (used > p->peak_pages)
        p->peak_pages = used;
    if (!p->high_pages)
        return;
    if (used > p->high_pages) {
        struct virtio_balloon *best = NULL;
        uint64_t best_free = 0;
        for (unsigned i = 0; i < n; i++) {
            struct virtio_balloon *b = running[i] ? steerable(vm[i]) : NULL;
            if (b && b->stats_valid && b->stats[VIRTIO_BALLOON_S_MEMFREE] > best_free) {
                best = b;
                best_free = b->stats[VIRTIO_BALLOON_S_MEMFREE];
            }
        }
        uint64_t step = best_free / 2 >> 12;
        if (step > BALLOON_POLICY_STEP_PAGES)
            step = BALLOON_POLICY_STEP_PAGES;
        if (best && step) {
            virtio_balloon_set_target(best, best->target + (uint32_t)step);
            p->inflations++;
        }
    } else if (used < p->low_pages) {
        struct virtio_balloon *big = NULL;
        for (unsigned i = 0; i < n; i++) {
            struct virtio_balloon *b = running[i] ? steerable(vm[i]) : NULL;
            if (b && b->target && (!big || b->target > big->target))
                big = b;
        }
        if (big) {
            uint32_t step = big->target < BALLOON_POLICY_STEP_PAGES ? big->target
                                                                    : BALLOON_POLICY_STEP_PAGES;
            virtio_balloon_set_target(big, big->target - step);
            p->deflations++;
        }
    }
}
