# Boot test: the interrupt hardware as Linux sees it. Interrupt counts of
# the local APIC timer and of the I/O APIC lines in /proc/interrupts, taken
# two guest seconds apart, and the clock event devices; tagged lines the
# test checks (tests/boot/linux_apic.sh).
grep -E 'LOC|IO-APIC|XT-PIC|timer' /proc/interrupts | sed 's/^/S86 irq /'
cat /sys/devices/system/clockevents/clockevent0/current_device 2>/dev/null | sed 's/^/S86 clockevent /'
cat /sys/devices/system/clocksource/clocksource0/available_clocksource | sed 's/^/S86 clocksources /'
loc0=$(awk '/^ *LOC:/ {print $2}' /proc/interrupts)
sleep 2
loc1=$(awk '/^ *LOC:/ {print $2}' /proc/interrupts)
echo "S86 loc-per-2s $((loc1 - loc0))"
