# Boot test: kernel and CPU as the guest sees them, a checksum of a
# generated file, and a small shell loop; each result on a tagged line the
# test checks.
echo "S86 uname $(uname -s -r -m)"
grep -E '^(vendor_id|cpu family|flags|fpu)' /proc/cpuinfo | sed 's/^/S86 cpuinfo /'
seq 1 20000 > /tmp/numbers
echo "S86 md5 $(md5sum < /tmp/numbers)"
i=0; sum=0
while [ $i -lt 2000 ]; do sum=$((sum + i * i)); i=$((i + 1)); done
echo "S86 loop $sum"
