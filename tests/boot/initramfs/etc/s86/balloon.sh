# The memory balloon (docs/overcommit.md): load Debian's virtio_pci and
# virtio_balloon, then watch MemTotal fall as the host's target inflates
# the balloon (the driver takes the pages out of the kernel's count: no
# deflate-on-oom) and rise again when the host's -balloon-script lets the
# guest have its memory back. Tagged lines for tests/boot/linux_balloon.sh.
v=$(uname -r)
mem() { awk '/^MemTotal:/ {print $2}' /proc/meminfo; }
start=$(mem)
echo "S86 balloon memtotal-start $start"
for m in virtio_ring virtio virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci virtio_balloon; do
    insmod "/lib/modules/$v/$m.ko" || echo "S86 balloon insmod $m failed"
done
for d in /sys/bus/virtio/devices/*; do
    [ "$(cat "$d/device" 2>/dev/null)" = "0x0005" ] &&
        echo "S86 balloon device $(basename "$d") features $(cat "$d/features")"
done
# Inflate: wait (at most 60 guest seconds) for MemTotal to fall by the
# s86.balloon=KB the host asked for, less 1 MiB of slack.
want=0
for arg in $(cat /proc/cmdline); do
    case "$arg" in s86.balloon=*) want="${arg#s86.balloon=}" ;; esac
done
i=0
while [ "$i" -lt 120 ] && [ "$(mem)" -gt $((start - want + 1024)) ]; do sleep 0.5; i=$((i + 1)); done
echo "S86 balloon memtotal-inflated $(mem)"
# The guest goes on working with less: dd fills a 32 MiB buffer.
dd if=/dev/zero of=/dev/null bs=32M count=1 2>/dev/null && echo "S86 balloon fill ok"
# Deflate: the host's script gives the memory back.
i=0
while [ "$i" -lt 120 ] && [ "$(mem)" -lt $((start - 1024)) ]; do sleep 0.5; i=$((i + 1)); done
echo "S86 balloon memtotal-deflated $(mem)"
