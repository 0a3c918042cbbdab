# Bench: a CPU-bound busybox shell loop (see bench/run).
i=0; sum=0
while [ $i -lt 200000 ]; do sum=$((sum + i % 7)); i=$((i + 1)); done
echo "S86 loop $sum"
