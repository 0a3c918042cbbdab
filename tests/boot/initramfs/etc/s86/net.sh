# Boot test (tests/boot/linux_net.py): the network card with Debian's own
# driver. Load 8139too, take a DHCP lease from -nic user (slirp), fetch a
# file from the test's server on the host's 127.0.0.1 through the gateway
# 10.0.2.2, upload MB MiB of generated text to it (the throughput figure), then
# serve /www with busybox httpd for the host to fetch through a hostfwd
# rule, until the host asks for /cgi-bin/done. The port comes from
# s86.port=N on the kernel command line.
v=$(uname -r)
insmod "/lib/modules/$v/mii.ko" && insmod "/lib/modules/$v/8139too.ko" || echo "S86 net insmod failed"
# QEMU's card (docs/network.md, the comparison) is a C+ part: 8139cp's.
[ -e /sys/class/net/eth0 ] || insmod "/lib/modules/$v/8139cp.ko"
port=
for arg in $(cat /proc/cmdline); do
    case "$arg" in s86.port=*) port="${arg#s86.port=}" ;; s86.mb=*) mb="${arg#s86.mb=}" ;; esac
done
echo "S86 net driver $(readlink /sys/class/net/eth0/device/driver | sed 's,.*/,,')"
echo "S86 net mac $(cat /sys/class/net/eth0/address)"
ip link set eth0 up
udhcpc -i eth0 -n -q -t 5 -T 2 -s /etc/s86/udhcpc.sh >/dev/null 2>&1 || echo "S86 net dhcp failed"
echo "S86 net ip $(ip -4 addr show eth0 | sed -n 's/.*inet \([0-9.]*\/[0-9]*\).*/\1/p')"
echo "S86 net route $(ip route | sed -n 's/^default via \([0-9.]*\).*/\1/p')"
echo "S86 net irq $(grep -c eth0 /proc/interrupts)"
wget -q -O /tmp/fetched "http://10.0.2.2:$port/file" || echo "S86 net fetch failed"
echo "S86 net fetched $(md5sum < /tmp/fetched)"
# Text (busybox wget --post-file stops at a NUL byte): MB MiB of numbers.
seq 1 $(( ${mb:-1} * 200000 )) | head -c $(( ${mb:-1} * 1048576 )) > /tmp/upload
echo "S86 net upload md5 $(md5sum < /tmp/upload)"
echo "S86 net upload reply $(wget -q -O - --post-file /tmp/upload "http://10.0.2.2:$port/upload")"
cp /tmp/fetched /www/file
httpd -p 8080 -h /www
echo "S86 net httpd ready"
i=0
while [ ! -f /tmp/done ] && [ $i -lt 120 ]; do sleep 1; i=$((i + 1)); done
echo "S86 net served $([ -f /tmp/done ] && echo yes || echo no)"
