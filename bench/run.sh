#!/bin/sh
# make bench: the speed and memory figures BENCHMARKS.md records.
# Usage: bench/run.sh BUILD_DIR
set -eu
build=${1:-build}
bin="$build/cellscape"
export CELLSCAPE_PROGRESS=0

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(uname -sr)"
echo "date: $(date -u +%Y-%m-%dT%H:%MZ)"

measure() {
    # best wall time of 5 runs, and the peak memory of the last
    label=$1
    shift
    best=""
    for i in 1 2 3 4 5; do
        if [ -x /usr/bin/time ]; then
            /usr/bin/time -f "%e %M" -o "$build/bench.time" "$@" > /dev/null
            read -r wall rss < "$build/bench.time"
        else
            start=$(date +%s.%N)
            "$@" > /dev/null
            wall=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
            rss="?"
        fi
        if [ -z "$best" ] || awk -v w="$wall" -v b="$best" 'BEGIN { exit !(w < b) }'; then
            best=$wall
        fi
    done
    echo "$label: best of 5 ${best} s wall, peak RSS ${rss} KiB  [$*]"
}

measure "enum --verify (NAS-Bench-101, 423,624 classes)" "$bin" enum --verify
measure "enum (no verification)" "$bin" enum
measure "enum --verify --exhaustive (all 1,293,208 labelled graphs hashed)" "$bin" enum --verify --exhaustive
measure "enum --verify, one thread" "$bin" enum --verify --threads 1
if [ -x "$build/bench/md5_batch_bench" ]; then
    echo "batch MD5:"
    "$build/bench/md5_batch_bench"
fi
