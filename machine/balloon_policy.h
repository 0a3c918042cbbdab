/* The balloon policy of a process running several guests (-vm,
 * --balloon-watermark MB): when the host memory the guests hold passes
 * the high watermark, the guest with the most free memory (by its own
 * figures from the balloon's stats queue) is asked to inflate its balloon
 * by a step (at most half its free memory); when the total falls below
 * the low watermark (7/8 of the high one), the guest with the largest
 * balloon is let to deflate by a step. One action a round at most; a
 * guest keeps BALLOON_POLICY_RESERVE_PAGES free; none on a guest whose
 * driver has not caught up with its last target, or whose figures are
 * not fresher than that step (they come once a second), so the guests'
 * own kernels choose the pages and the policy never piles requests up on
 * stale numbers. A driver that has not reached its target after
 * BALLOON_POLICY_PATIENCE rounds (its kernel found no more pages to give)
 * gets its target cut back to what it holds. Everything it reads is machine state, so runs stay
 * repeatable.
 *
 * "Host memory the guests hold" is the resident pages of the host page
 * pool they share (mmu/hostpool.h, --host-mem), or, when they do not
 * share one, the sum of their private pages.
 */
#ifndef SHADOW86_MACHINE_BALLOON_POLICY_H
#define SHADOW86_MACHINE_BALLOON_POLICY_H

#include <stdint.h>

#define BALLOON_POLICY_STEP_PAGES 8192u     /* 32 MiB a step */
#define BALLOON_POLICY_RESERVE_PAGES 12288u /* 48 MiB a guest keeps free */
#define BALLOON_POLICY_PATIENCE 200u        /* rounds a driver may take to catch up */
#define BALLOON_POLICY_GUESTS 16

struct machine;

struct balloon_policy {
    uint64_t high_pages;         /* 0: no policy */
    uint64_t low_pages;
    uint64_t inflations, deflations;   /* steps taken */
    uint64_t give_ups;           /* targets cut back to what a driver could give */
    uint64_t peak_pages;         /* the most the guests held at a round's end */
    /* Per guest: the stats report count at its last step (it is steered
     * again only on fresher figures), and rounds waited for its driver. */
    uint64_t reports_at_step[BALLOON_POLICY_GUESTS];
    uint32_t waiting[BALLOON_POLICY_GUESTS];
};

void balloon_policy_init(struct balloon_policy *p, uint64_t high_mib);
/* After a round: note the peak, look at the guests and act (at most one
 * step; none without a watermark). */
void balloon_policy_tick(struct balloon_policy *p, struct machine *const *vm, const int *running,
                         unsigned n);

#endif
