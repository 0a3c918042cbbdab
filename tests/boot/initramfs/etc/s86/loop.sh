# Bench (bench/linux): a CPU-bound busybox shell loop between two lines
# the host times.
echo "S86 loop-start"
i=0; sum=0
while [ $i -lt 100000 ]; do sum=$((sum + i % 7)); i=$((i + 1)); done
echo "S86 loop $sum"
