/* The sound stream's clock and the WAV writer: frame k's time and the
 * first frame at or after a time are inverse (also days into a run, where
 * k * 10^9 would overflow), a source's buffer keeps its frames in order
 * across growth, and the WAV writer's file is the canonical 44-byte
 * header with the final sizes followed by the frames little-endian. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "devices/audio_src.h"
#include "frontends/cli/wav_writer.h"
#include "check_run.h"

START_TEST(frame_times_invert)
{
    const uint64_t starts[] = { 0, 44100, 1000000007ull, 44100ull * 86400 * 3 + 17 };
    for (unsigned s = 0; s < sizeof starts / sizeof starts[0]; s++) {
        for (uint64_t k = starts[s]; k < starts[s] + 5000; k++) {
            uint64_t t = audio_frame_ns(k);
            ck_assert_uint_eq(audio_frame_at(t), k);          /* k is the first at t */
            ck_assert_uint_eq(audio_frame_at(t + 1), k + 1);  /* and due just after */
            ck_assert_uint_gt(audio_frame_ns(k + 1), t);
        }
    }
    /* One second is exactly 44100 frames. */
    ck_assert_uint_eq(audio_frame_ns(44100), 1000000000ull);
    ck_assert_uint_eq(audio_frame_at(1000000000ull), 44100);
    ck_assert_uint_eq(audio_frame_ns(1), 22675);   /* 10^9 / 44100 rounded down */
}
END_TEST

START_TEST(source_buffer_grows_in_order)
{
    struct audio_src s;
    memset(&s, 0, sizeof s);
    audio_src_start(&s, 1, 1000);
    for (int i = 0; i < 10000; i++)
        ck_assert_int_eq(audio_src_put(&s, (int16_t)i, (int16_t)-i), 0);
    ck_assert_uint_eq(s.next, 11000);
    ck_assert_uint_eq(s.len, 10000);
    for (int i = 0; i < 10000; i++) {
        ck_assert_int_eq(s.buf[2 * i], (int16_t)i);
        ck_assert_int_eq(s.buf[2 * i + 1], (int16_t)-i);
    }
    audio_src_taken(&s);
    ck_assert_uint_eq(s.len, 0);
    ck_assert_uint_eq(s.next, 11000);
    audio_src_free(&s);
}
END_TEST

START_TEST(wav_file_layout)
{
    char path[] = "/tmp/shadow86-test-audio-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    struct wav_writer w;
    ck_assert_int_eq(wav_writer_open(&w, path, 44100), 0);
    const int16_t frames[6] = { 1, -1, 0x1234, -0x1234, 32767, -32768 };
    wav_writer_put(&w, frames, 2);
    wav_writer_put(&w, frames + 4, 1);
    ck_assert_int_eq(wav_writer_close(&w), 0);
    uint8_t buf[128];
    FILE *f = fopen(path, "rb");
    ck_assert_ptr_nonnull(f);
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    unlink(path);
    close(fd);
    static const uint8_t want[56] = {
        'R', 'I', 'F', 'F', 48, 0, 0, 0, 'W', 'A', 'V', 'E', 'f', 'm', 't', ' ',
        16, 0, 0, 0, 1, 0, 2, 0, 0x44, 0xAC, 0, 0, 0x10, 0xB1, 0x02, 0,
        4, 0, 16, 0, 'd', 'a', 't', 'a', 12, 0, 0, 0,
        1, 0, 0xFF, 0xFF, 0x34, 0x12, 0xCC, 0xED, 0xFF, 0x7F, 0x00, 0x80,
    };
    ck_assert_uint_eq(n, sizeof want);
    ck_assert_mem_eq(buf, want, sizeof want);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("audio");
    TCase *tc = tcase_create("stream");
    tcase_add_test(tc, frame_times_invert);
    tcase_add_test(tc, source_buffer_grows_in_order);
    tcase_add_test(tc, wav_file_layout);
    suite_add_tcase(s, tc);
    return check_run(s);
}
