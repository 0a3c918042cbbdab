#!/bin/sh
# man_lint.sh PAGE: the page renders with groff's -man macros without a
# single warning (-ww: all of them) and names every section it should.
set -eu
page=$1
command -v groff >/dev/null || { echo "man_lint: groff is missing (apt-get install groff)" >&2; exit 1; }
warn=$(LC_ALL=C.UTF-8 groff -man -Tutf8 -ww -z "$page" 2>&1)
if [ -n "$warn" ]; then
    echo "man_lint: $page: groff warnings:" >&2
    echo "$warn" >&2
    exit 1
fi
text=$(LC_ALL=C.UTF-8 MANWIDTH=80 groff -man -Tutf8 "$page" 2>/dev/null | col -b)
for s in NAME SYNOPSIS DESCRIPTION OPTIONS EXAMPLES "EXIT STATUS" FILES; do
    echo "$text" | grep -q "^$s\$" || { echo "man_lint: $page: no section $s" >&2; exit 1; }
done
echo "man_lint: $page: clean"
