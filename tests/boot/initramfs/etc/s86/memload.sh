# The overcommit scenario's load (docs/overcommit.md, scripts/overcommit.sh):
# load the balloon's drivers, then allocate and free memory in rounds.
# Each round writes s86.mb MiB of a known pattern (1 MiB of "seq" output
# repeated) into the RAM file system, prints its md5 (the host checks it
# against its own) and deletes the file: the guest's kernel gets the
# memory back as free pages, which the host's balloon policy may then ask
# for. Then the guest idles s86.idle seconds so the policy can act, and
# reports its memory.
v=$(uname -r)
for m in virtio_ring virtio virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci virtio_balloon; do
    insmod "/lib/modules/$v/$m.ko" || echo "S86 memload insmod $m failed"
done
mb=64
rounds=2
idle=10
for arg in $(cat /proc/cmdline); do
    case "$arg" in
    s86.mb=*) mb="${arg#s86.mb=}" ;;
    s86.rounds=*) rounds="${arg#s86.rounds=}" ;;
    s86.idle=*) idle="${arg#s86.idle=}" ;;
    esac
done
seq 1 1000000 | head -c 1048576 >/pattern
r=1
while [ "$r" -le "$rounds" ]; do
    i=0
    while [ "$i" -lt "$mb" ]; do cat /pattern; i=$((i + 1)); done >/fill
    echo "S86 memload round $r md5 $(md5sum </fill | cut -d' ' -f1) free-kb $(awk '/^MemFree:/ {print $2}' /proc/meminfo)"
    rm -f /fill
    r=$((r + 1))
done
sleep "$idle"
echo "S86 memload done memfree-kb $(awk '/^MemFree:/ {print $2}' /proc/meminfo) memtotal-kb $(awk '/^MemTotal:/ {print $2}' /proc/meminfo)"
