#!/bin/sh
# make bench: every speed and memory figure BENCHMARKS.md records, with its
# command.  Usage: bench/run.sh BUILD_DIR [WORK_DIR]
# WORK_DIR (default: a temporary directory) receives the full-size synthetic
# files (about 3 GB); they are removed at the end.
set -eu
build=${1:-build}
bin="$build/cellscape"
work=${2:-$(mktemp -d "${TMPDIR:-/tmp}/cellscape-bench-XXXXXX")}
export CELLSCAPE_PROGRESS=0
trap 'rm -f "$work"/syn108.tfrecord "$work"/synfull.tfrecord "$work"/syn108.nb101 "$work"/synfull.nb101 "$work"/synstore.nb101; rm -rf "$work"/analysis "$work"/report' EXIT

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(uname -sr)"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "date: $(date -u +%Y-%m-%dT%H:%MZ)"

# best wall time of N runs, and the peak memory of the best one
measure() {
    runs=$1
    label=$2
    shift 2
    best=""
    bestrss="?"
    i=0
    while [ "$i" -lt "$runs" ]; do
        i=$((i + 1))
        if [ -x /usr/bin/time ]; then
            /usr/bin/time -f "%e %M" -o "$work/bench.time" "$@" > /dev/null
            read -r wall rss < "$work/bench.time"
        else
            start=$(date +%s.%N)
            "$@" > /dev/null
            wall=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
            rss="?"
        fi
        if [ -z "$best" ] || awk -v w="$wall" -v b="$best" 'BEGIN { exit !(w < b) }'; then
            best=$wall
            bestrss=$rss
        fi
    done
    echo "$label: best of $runs ${best} s wall, peak RSS ${bestrss} KiB  [$*]"
}

echo "== issue 2: the space"
measure 5 "enum --verify (423,624 classes)" "$bin" enum --verify
measure 5 "enum (no verification)" "$bin" enum
measure 3 "enum --verify --exhaustive (1,293,208 labelled graphs hashed)" "$bin" enum --verify --exhaustive
measure 3 "enum --verify, one thread" "$bin" enum --verify --threads 1

echo "== issue 3: the dataset (full-size SYNTHETIC files)"
measure 1 "synth --only108 (1,270,872 records)" "$bin" synth --seed 1 --only108 -q -o "$work/syn108.tfrecord"
measure 1 "synth (5,083,488 records)" "$bin" synth --seed 1 -q -o "$work/synfull.tfrecord"
measure 3 "import only108-size" "$bin" import -q "$work/syn108.tfrecord" -o "$work/syn108.nb101"
measure 2 "import full-size" "$bin" import -q "$work/synfull.tfrecord" -o "$work/synfull.nb101"
measure 2 "synth --store (the full-size store without the file)" "$bin" synth --seed 1 --store -q -o "$work/synstore.nb101"
if [ -x "$build/bench/query_bench" ]; then
    echo "store open and look-ups (one core):"
    "$build/bench/query_bench" "$work/synfull.nb101" 2000000
fi
measure 1 "export --csv (full store)" "$bin" export "$work/synfull.nb101" --csv -q -o /dev/null

echo "== issue 4: analyses"
measure 1 "analyze all (full store)" "$bin" analyze all -q --data "$work/synfull.nb101" -o "$work/analysis"

echo "== issue 5: the report"
measure 1 "report, the full default from nothing (synthetic store, 13 analyses, 23 figures x 2 formats)" "$bin" report -q --force -o "$work/report"
measure 1 "report, re-run (everything reused)" "$bin" report -q -o "$work/report"

if [ -x "$build/bench/md5_batch_bench" ]; then
    echo "== batch MD5"
    "$build/bench/md5_batch_bench"
fi

# The Python packages, with the interpreter configure chose (make bench
# passes PYTHON); skipped when the build has none.
if [ -n "${PYTHON:-}" ] && [ -d "$build/python/cellscape" ]; then
    echo "== issue 14: Python ($PYTHON)"
    PYTHONPATH="$build/python" "$PYTHON" "$(dirname "$0")/python_bench.py" \
        "$work/synfull.nb101" "$work/syn108.tfrecord" "$work/syn108.nb101"
fi
