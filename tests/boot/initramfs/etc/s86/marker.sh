# Bench: nothing beyond reaching init.
true
