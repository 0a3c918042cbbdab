# Boot test (tests/boot/linux_sound.sh): the Sound Blaster 16 and its OPL3
# with Debian's own ALSA drivers (the test's initramfs carries the
# modules): snd-sb16 as a legacy ISA card at 0x220, IRQ 5, DMA 1/5, its
# FM at 0x388 (its MPU-401 at 0x330: nothing answers there, and the
# driver does not probe it), then /usr/bin/fmplay plays a note through the OPL3's
# hwdep device.
v=$(uname -r)
for m in soundcore snd snd-timer snd-pcm snd-hwdep snd-seq-device snd-rawmidi snd-opl3-lib \
         snd-mpu401-uart snd-sb-common snd-sb16-dsp snd-sb16-csp; do
    insmod "/lib/modules/$v/$m.ko" || echo "S86 sound insmod $m failed"
done
insmod "/lib/modules/$v/snd-sb16.ko" isapnp=0 port=0x220 irq=5 dma8=1 dma16=5 fm_port=0x388 \
    mpu_port=0x330 || echo "S86 sound insmod snd-sb16 failed"
sed -n 's/^ *\(Sound Blaster.*\)/S86 sound card \1/p' /proc/asound/cards
sed -n 's/^/S86 sound hwdep /p' /proc/asound/hwdep
dmesg | grep -iE 'opl|sb16' | sed 's/^/S86 sound dmesg /'
/usr/bin/fmplay
