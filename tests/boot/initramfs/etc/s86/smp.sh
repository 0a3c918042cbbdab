# Boot test: the CPUs Linux brought up (-smp N). The count and APIC IDs
# from /proc/cpuinfo, the online mask, and the per-CPU interrupt counts of
# the local timer and the IPIs, after a second of sleeping so that each
# CPU has ticked; tagged lines the test checks (tests/boot/linux_smp.sh).
echo "S86 cpus $(grep -c ^processor /proc/cpuinfo)"
echo "S86 online $(cat /sys/devices/system/cpu/online)"
grep -E '^(processor|apicid)' /proc/cpuinfo | tr -d '\t' | sed 's/^/S86 cpuinfo /'
sleep 1
grep -E '^ *(LOC|RES|CAL):' /proc/interrupts | sed 's/^/S86 irq /'
