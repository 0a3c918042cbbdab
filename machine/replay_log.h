/* The record/replay log: what crossed into the machine from outside, and
 * when, plus state hashes to check a replay against.
 *
 * File layout (integers little-endian):
 *   "SHADOW86REPLAY\r\n"   16-byte magic
 *   u32 format version     REPLAY_LOG_VERSION; others are refused
 *   u32 flags              bit 0: the body is zlib-compressed
 *   u32 identity length, identity text   (machine/machine_identity.h)
 *   u32 metadata length, metadata text   ("key=value" lines: the command
 *                          line, the checkpoint interval, the serial ports
 *                          that had input)
 *   u64 body length (uncompressed), u64 stored length
 *   the body
 * The body is a sequence of events, each a kind byte, the retired-
 * instruction count as a varint delta from the previous event's, and the
 * kind's fields (varints; zigzag for signed values; hashes as 8 raw
 * bytes). Input events (serial bytes, keys, mouse, power button, quit,
 * gdb writes) also carry the virtual time as a varint delta, because several passes
 * of the run loop share one instruction count while a halted CPU idles
 * (the UART polls its backend every millisecond of that idle time). The body ends with an END event
 * (final count, final state hash, how the run ended) and the hash64 of
 * every body byte before it (seeded with hashes of the header texts, so
 * they are covered too): a replay reads and checks the whole log
 * before it runs, so a truncated or damaged log is refused up front,
 * never replayed in part. Host times (-rtc clock=host) are logged as a
 * zigzag varint delta from the previous one: one per read, a few bytes.
 * Network frames from the host (-nic user under -record) carry the
 * virtual time like the other inputs, then the frame's length (varint)
 * and its bytes; in memory the bytes live in the log's arena (`data`),
 * the event holding their length (a) and offset (hash).
 */
#ifndef SHADOW86_MACHINE_REPLAY_LOG_H
#define SHADOW86_MACHINE_REPLAY_LOG_H

#include <stddef.h>
#include <stdint.h>

#define REPLAY_LOG_VERSION 3u     /* 3: network frames */
#define REPLAY_FRAME_MAX 1514u    /* the longest frame a log holds */

enum replay_kind {
    REPLAY_SERIAL = 1,   /* a: port, b: byte */
    REPLAY_KEY,          /* a: PS/2 code, b: down */
    REPLAY_MOUSE,        /* a, b, c: dx, dy, dz; d: buttons */
    REPLAY_POWER,        /* the ACPI power button */
    REPLAY_QUIT,         /* the user ended the run */
    REPLAY_CHECK,        /* hash: the machine state hash at `icount` */
    REPLAY_END,          /* hash: the final state; a: enum machine_stop */
    REPLAY_HOSTTIME,     /* hash: a host time base/clock handed out (-rtc clock=host) */
    REPLAY_DEBUG_REG,    /* a gdb register write: a: enum replay_debug_reg, d: value */
    REPLAY_DEBUG_MEM,    /* a gdb memory write: d: physical address, b: the byte */
    REPLAY_NETFRAME,     /* a frame from the host: a: length, hash: offset in `data` */
};

/* Registers a gdb write may change (REPLAY_DEBUG_REG's a): 0-7 the
 * general registers in encoding order, then EIP, EFLAGS, and the six
 * segment registers (real mode only) in enum seg_reg order. */
enum replay_debug_reg {
    REPLAY_DREG_EIP = 8,
    REPLAY_DREG_EFLAGS = 9,
    REPLAY_DREG_SEG0 = 10,
    REPLAY_DEBUG_REGS = 16
};

struct replay_event {
    uint64_t icount;
    uint64_t time_ns;    /* input events: the virtual time it arrived */
    uint64_t hash;       /* CHECK, END */
    int32_t a, b, c;
    uint32_t d;
    uint8_t kind;
};

struct replay_log {
    char *identity, *meta;
    struct replay_event *ev;
    size_t n, cap;
    uint8_t *data;       /* NETFRAME payloads */
    size_t data_len, data_cap;
};

/* Append an event (recording). Returns 0, or -1 when memory ran out. */
int replay_log_add(struct replay_log *l, const struct replay_event *e);
/* Append a NETFRAME event carrying `len` bytes of `frame` (its a and hash
 * are filled in here). Returns 0, or -1 when memory ran out. */
int replay_log_add_frame(struct replay_log *l, struct replay_event e, const uint8_t *frame,
                         size_t len);
/* A NETFRAME event's bytes. */
const uint8_t *replay_log_frame(const struct replay_log *l, const struct replay_event *e);
/* Encode and write `l` (which must end with an END event) to `path`
 * atomically. Returns 0, or -1 with a one-line message. */
int replay_log_write(const struct replay_log *l, const char *path, int compress, char *err,
                     size_t errsz);
/* Read and check a whole log. Returns 0, or -1 with a one-line message
 * naming the file (and l left empty). */
int replay_log_read(struct replay_log *l, const char *path, char *err, size_t errsz);
void replay_log_free(struct replay_log *l);
/* The value of metadata key `key`, copied into buf; 0, or -1 if absent. */
int replay_log_meta(const struct replay_log *l, const char *key, char *buf, size_t bufsz);

#endif
