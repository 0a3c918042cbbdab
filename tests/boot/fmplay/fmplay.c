/* fmplay -- one note through Linux's OPL3 driver (the FM hwdep device
 * snd-opl3-lib creates, /dev/snd/hwC0D0, and its SNDRV_DM_FM ioctls), for
 * tests/boot/linux_sound.sh. Built there as a static i386 program and put
 * into the test's initramfs. Prints "S86 fm ..." lines and the note as
 * "NOTE fnum block ms outputs" (what tests/guests/opl3/wavcheck.py reads).
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <sound/asound.h>
#include <sound/asound_fm.h>

#define FNUM 580
#define BLOCK 4
#define MS 300

/* Set a stereo mixer control of card 0 to `level` on both sides (the
 * driver starts the SB16 mixer at level 0). */
static int set_control(const char *name, long level)
{
    int fd = open("/dev/snd/controlC0", O_RDWR);
    if (fd < 0)
        return -1;
    struct snd_ctl_elem_value e;
    memset(&e, 0, sizeof e);
    e.id.iface = SNDRV_CTL_ELEM_IFACE_MIXER;
    strncpy((char *)e.id.name, name, sizeof e.id.name - 1);
    e.value.integer.value[0] = e.value.integer.value[1] = level;
    int r = ioctl(fd, SNDRV_CTL_IOCTL_ELEM_WRITE, &e);
    close(fd);
    return r;
}

int main(void)
{
    if (set_control("Master Playback Volume", 31) < 0 || set_control("Synth Playback Volume", 31) < 0) {
        perror("S86 fm mixer");
        return 1;
    }

    int fd = open("/dev/snd/hwC0D0", O_RDWR);
    if (fd < 0) {
        perror("S86 fm open /dev/snd/hwC0D0");
        return 1;
    }
    struct snd_dm_fm_info info;
    memset(&info, 0, sizeof info);
    if (ioctl(fd, SNDRV_DM_FM_IOCTL_RESET, 0) < 0 ||
        ioctl(fd, SNDRV_DM_FM_IOCTL_SET_MODE, SNDRV_DM_FM_MODE_OPL3) < 0 ||
        ioctl(fd, SNDRV_DM_FM_IOCTL_INFO, &info) < 0) {
        perror("S86 fm ioctl");
        return 1;
    }
    printf("S86 fm mode %s\n", info.fm_mode == SNDRV_DM_FM_MODE_OPL3 ? "OPL3" : "OPL2");

    /* Voice 0: the modulator silent (attack rate 0), the carrier a plain
     * sine at full level, sustained, on both outputs. */
    struct snd_dm_fm_voice v;
    memset(&v, 0, sizeof v);
    v.voice = 0;
    v.left = v.right = 1;
    v.harmonic = 1;
    v.op = 0;
    v.volume = 0;
    v.attack = 0;
    if (ioctl(fd, SNDRV_DM_FM_IOCTL_SET_VOICE, &v) < 0) {
        perror("S86 fm set voice (modulator)");
        return 1;
    }
    v.op = 1;
    v.volume = 63;
    v.attack = 15;
    v.release = 15;
    v.do_sustain = 1;
    if (ioctl(fd, SNDRV_DM_FM_IOCTL_SET_VOICE, &v) < 0) {
        perror("S86 fm set voice (carrier)");
        return 1;
    }
    struct snd_dm_fm_note n = { .voice = 0, .octave = BLOCK, .fnum = FNUM, .key_on = 1 };
    printf("NOTE %d %d %d LR\n", FNUM, BLOCK, MS);
    fflush(stdout);
    if (ioctl(fd, SNDRV_DM_FM_IOCTL_PLAY_NOTE, &n) < 0) {
        perror("S86 fm play note");
        return 1;
    }
    usleep(MS * 1000);
    n.key_on = 0;
    ioctl(fd, SNDRV_DM_FM_IOCTL_PLAY_NOTE, &n);
    usleep(50000);
    close(fd);
    printf("S86 fm played\n");
    return 0;
}
