#!/bin/sh
# compare.sh -- compare a peer guest's output with Bochs' recording.
#
#   compare.sh EXPECTED ACTUAL [KNOWN]
#
# Lines are "<case> <name> <config...> <state...>"; they are compared line
# for line.  KNOWN lists case numbers (first field, one a line, # comments)
# where shadow86 is known to differ from Bochs: a listed case may differ,
# but a listed case that now agrees fails too (so the list stays exact).
# Prints the first unexpected difference with both sides, and the counts.
set -u
exp=$1
act=$2
known=${3:-/dev/null}
if [ ! -r "$exp" ] || [ ! -r "$act" ]; then
    echo "compare: cannot read '$exp' or '$act'" >&2
    exit 2
fi
awk -v known="$known" '
BEGIN {
    while ((getline l < known) > 0) {
        sub(/#.*/, "", l); gsub(/[ \t]/, "", l)
        if (l != "") k[l] = 1
    }
}
FNR == NR { e[FNR] = $0; ne = FNR; next }
{ a[FNR] = $0; na = FNR }
END {
    n = ne > na ? ne : na; diff = 0; bad = 0; stale = 0
    for (i = 1; i <= n; i++) {
        split(e[i], f, " "); id = f[1]
        if (e[i] == a[i]) {
            if (id in k) { stale++; if (!firststale) firststale = id }
            continue
        }
        diff++
        if (id in k) continue
        bad++
        if (bad == 1) {
            print "compare: first unexpected difference, line " i ":"
            print "  bochs:    " e[i]
            print "  shadow86: " a[i]
            # Name the fields that differ.
            split(a[i], g, " "); m = ""
            for (j = 1; j in f || j in g; j++)
                if (f[j] != g[j]) m = m " " f[j] "|" g[j]
            print "  fields (bochs|shadow86):" m
        }
    }
    printf "compare: %d cases, %d differ (%d listed as known), %d unexpected, %d known-but-agreeing\n", \
        ne, diff, diff - bad, bad, stale
    if (stale) print "compare: case " firststale " is listed as known but agrees: update the list"
    exit (bad || stale || ne != na) ? 1 : 0
}' "$exp" "$act"
