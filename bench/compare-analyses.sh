#!/bin/sh
# Every NAS-Bench-101 analysis timed with two builds in the same run, runs
# alternating so that the machine's drift falls on both alike.
# Usage: bench/compare-analyses.sh OLD_CELLSCAPE NEW_CELLSCAPE [RUNS] [ANALYSIS...]
# The data: the full-size SYNTHETIC store (`synth --seed 1 --store`), made
# by the new build in a temporary directory and removed at the end.
set -eu
old=$1
new=$2
runs=${3:-3}
shift 2
[ $# -gt 0 ] && shift
work=$(mktemp -d "${TMPDIR:-/tmp}/cellscape-compare-XXXXXX")
trap 'rm -rf "$work"' EXIT
export CELLSCAPE_PROGRESS=0

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(uname -sr)"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "date: $(date -u +%Y-%m-%dT%H:%MZ)"
echo "old: $old"
echo "new: $new"
"$new" synth --seed 1 --store -q -o "$work/store.nb101"

analyses=${*:-$("$new" analyze --list | cut -f1)}
# wall seconds of one run
one() {
    /usr/bin/time -f "%e" -o "$work/t" "$@" > /dev/null 2>&1
    cat "$work/t"
}
min() { awk -v a="$1" -v b="$2" 'BEGIN { print (a == "" || b < a) ? b : a }'; }

printf 'analysis\told_best_s\tnew_best_s\tnew/old\n'
for a in $analyses; do
    bo="" bn=""
    i=0
    while [ "$i" -lt "$runs" ]; do
        i=$((i + 1))
        rm -rf "$work/o" "$work/n"
        bo=$(min "$bo" "$(one "$old" analyze "$a" -q --data "$work/store.nb101" -o "$work/o")")
        bn=$(min "$bn" "$(one "$new" analyze "$a" -q --data "$work/store.nb101" -o "$work/n")")
    done
    printf '%s\t%s\t%s\t%s\n' "$a" "$bo" "$bn" "$(awk -v o="$bo" -v n="$bn" 'BEGIN { printf "%.2f", (o > 0 ? n / o : 1) }')"
done
