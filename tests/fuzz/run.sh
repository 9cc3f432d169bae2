#!/bin/sh
# Build cellscape's libFuzzer targets and run each for a while on a copy of
# its seed corpus.  See tests/fuzz/README.md.
#
#   tests/fuzz/run.sh [SECONDS] [TARGET...]
#
# SECONDS per target (default 60); TARGETs among tfrecord row metrics cell
# store import nb201csv (default: all; as many at once as there are cores).  Builds into $FUZZ_BUILD
# (kept, and reused: only changed sources are compiled again) or a temporary
# directory (removed unless something was found).  Needs clang with
# libclang-rt (Debian: clang, libclang-rt-dev), protoc-c and the -dev
# packages configure asks for; not build/.  Extra libFuzzer flags can come in
# $FUZZ_FLAGS (e.g. FUZZ_FLAGS='-seed=1 -only_ascii=1').
#
# Exit status: 0 nothing found, 1 a target found a crash, leak, timeout or
# out-of-memory (its input is saved and named), 2 bad usage or a failed build.
# -nt is not POSIX, but dash, bash and busybox sh all have it.
# shellcheck disable=SC3013,SC2016,SC2012
set -eu

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
all_targets="tfrecord row metrics cell store import nb201csv"

usage() {
    sed -n '2,16s/^# \{0,1\}//p' "$0"
    exit 0
}

seconds=60
if [ $# -gt 0 ]; then
    case $1 in
    -h | --help) usage ;;
    '' | *[!0-9]*) ;;
    *) seconds=$1; shift ;;
    esac
fi
targets=${*:-$all_targets}
for t in $targets; do
    case " $all_targets " in
    *" $t "*) ;;
    *) echo "run.sh: unknown target '$t' (targets: $all_targets)" >&2; exit 2 ;;
    esac
done

# Inputs past these sizes add time, not coverage: the largest seed of each
# corpus fits with room to grow.
max_len() {
    case $1 in
    tfrecord | import) echo 16384 ;;
    row | cell) echo 4096 ;;
    metrics) echo 2048 ;;
    store) echo 32768 ;;
    # past the 4096-byte line limit; a pair of names costs 312 KB, and
    # 8 KB of rows name at most ~800 pairs
    nb201csv) echo 8192 ;;
    esac
}

CC=${CC:-clang}
PKG_CONFIG=${PKG_CONFIG:-pkg-config}
PROTOC_C=${PROTOC_C:-protoc-c}
for tool in "$CC" "$PKG_CONFIG" "$PROTOC_C"; do
    command -v "$tool" >/dev/null 2>&1 ||
        { echo "run.sh: $tool not found (Debian: clang libclang-rt-dev pkg-config protobuf-c-compiler)" >&2; exit 2; }
done

if [ -n "${FUZZ_BUILD:-}" ]; then
    work=$FUZZ_BUILD
    keep=1
else
    work=$(mktemp -d "${TMPDIR:-/tmp}/cellscape-fuzz-XXXXXX")
    keep=0
fi
mkdir -p "$work/gen" "$work/obj" "$work/bin"
# Compilers and, later, the targets' runs: one per core.
jobs=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)

# --- build ---------------------------------------------------------------
# The library's sources compiled directly (not build/'s objects: those lack
# coverage instrumentation), flags as configure.ac takes them from
# pkg-config.  The reader's chunk is made tiny so that refilling and sliding
# a record across reads happen in nearly every record (production reads
# 1 MiB at a time, which a fuzz input never fills).
pkgs="nauty igraph libprotobuf-c jansson libcjson nettle libcrypto libisal sqlite3"
# shellcheck disable=SC2086
pkg_cflags=$($PKG_CONFIG --cflags $pkgs) ||
    { echo "run.sh: pkg-config lacks one of: $pkgs (install the -dev packages configure.ac names)" >&2; exit 2; }
# shellcheck disable=SC2086
pkg_libs=$($PKG_CONFIG --libs $pkgs | sed 's/-lnauty\b/-lnautyW1/')
san="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
cflags="-std=c11 -g -O1 -Wall -Wextra $san -D_POSIX_C_SOURCE=200809L -DCS_TFRECORD_CHUNK=64
  -I$top/iso -I$top/enum -I$top/data -I$top/analysis -I$work/gen $pkg_cflags"

if [ ! -f "$work/gen/nasbench.pb-c.c" ] || [ "$top/data/nasbench.proto" -nt "$work/gen/nasbench.pb-c.c" ]; then
    "$PROTOC_C" --proto_path="$top/data" --c_out="$work/gen" "$top/data/nasbench.proto" ||
        { echo "run.sh: protoc-c failed on data/nasbench.proto" >&2; exit 2; }
fi

# The library's C sources as Makefile.am lists them in the modules'
# convenience libraries (reports/ aside: no target reaches it); everything is compiled again when a header is newer
# than the archive.
srcs=$(awk '/\\$/ { sub(/\\$/, ""); buf = buf $0; next }
    { line = buf $0; buf = ""
      if (line ~ /^(iso|enum|data|analysis)_libcs_[a-z]+_la_SOURCES[ \t]*\+?=/) {
          sub(/^[^=]*=/, "", line); n = split(line, w, /[ \t]+/)
          for (i = 1; i <= n; i++) if (w[i] ~ /^(iso|enum|data|analysis)\/.*\.c$/) print w[i] } }' \
    "$top/Makefile.am")
[ -n "$srcs" ] || { echo "run.sh: no library sources found in $top/Makefile.am" >&2; exit 2; }
lib="$work/obj/libcellscape-fuzz.a"
newest_header=$(ls -t "$top"/iso/*.h "$top"/enum/*.h "$top"/data/*.h "$top"/analysis/*.h \
    "$work/gen/nasbench.pb-c.h" | head -n 1)
if [ -f "$lib" ] && [ "$newest_header" -nt "$lib" ]; then
    rm -f "$work"/obj/*.o
fi
objs=""
stale=""
for f in gen/nasbench.pb-c.c $srcs; do
    case $f in gen/*) s="$work/$f" ;; *) s="$top/$f" ;; esac
    o="$work/obj/$(basename "$(dirname "$s")")_$(basename "$s" .c).o"
    objs="$objs $o"
    if [ ! -f "$o" ] || [ "$s" -nt "$o" ]; then
        stale="$stale $s"
    fi
done
if [ -n "$stale" ]; then
    # shellcheck disable=SC2086
    echo "run.sh: compiling $(echo $stale | wc -w) library sources into $work/obj"
    # shellcheck disable=SC2086
    printf '%s\n' $stale | CC="$CC" CFLAGS="$cflags" OBJ="$work/obj" xargs -P "$jobs" -n 1 sh -c '
        o="$OBJ/$(basename "$(dirname "$1")")_$(basename "$1" .c).o"
        $CC $CFLAGS -fsanitize=fuzzer-no-link -c "$1" -o "$o" || { rm -f "$o"; exit 255; }' sh ||
        { echo "run.sh: compiling the library failed" >&2; exit 2; }
fi
# Made afresh each time: a source that left Makefile.am leaves the archive.
rm -f "$lib"
# shellcheck disable=SC2086
ar rcs "$lib" $objs
for t in $targets; do
    bin="$work/bin/fuzz_$t"
    if [ ! -f "$bin" ] || [ "$here/fuzz_$t.c" -nt "$bin" ] || [ "$here/fuzz_util.h" -nt "$bin" ] ||
        [ "$lib" -nt "$bin" ]; then
        # shellcheck disable=SC2086
        $CC $cflags -fsanitize=fuzzer "$here/fuzz_$t.c" "$lib" $pkg_libs -lpthread -lm -o "$bin" ||
            { echo "run.sh: building fuzz_$t failed" >&2; exit 2; }
    fi
done

# --- run -----------------------------------------------------------------
# One target's run; its line for the summary goes to $work/line_$t, the
# exit status 1 if it found something.
run_target() {
    t=$1
    corpus="$work/corpus/$t"
    artifacts="$work/artifacts/$t"
    log="$work/fuzz_$t.log"
    rm -rf "$corpus" "$artifacts"
    mkdir -p "$corpus" "$artifacts"
    cp "$here/corpus/$t"/* "$corpus"/
    # fuzz_import writes its stores here (tmpfs if there is one); a crashed
    # process leaves them behind, so the directory goes after the run.
    shm=/dev/shm
    [ -d "$shm" ] && [ -w "$shm" ] || shm=$work
    import_dir=$(mktemp -d "$shm/cellscape-fuzz-import-XXXXXX")
    rc=0
    # shellcheck disable=SC2086
    FUZZ_IMPORT_DIR=$import_dir "$work/bin/fuzz_$t" -max_total_time="$seconds" \
        -rss_limit_mb=2048 -timeout=10 -max_len="$(max_len "$t")" -print_final_stats=1 \
        -artifact_prefix="$artifacts/" ${FUZZ_FLAGS:-} "$corpus" >"$log" 2>&1 || rc=$?
    rm -rf "$import_dir"
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    done_line=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -n 1 || true)
    [ -n "$done_line" ] || done_line=$(grep -E '^#[0-9]+' "$log" | tail -n 1 || true)
    cov=$(echo "$done_line" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
    ft=$(echo "$done_line" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
    found=""
    for f in "$artifacts"/crash-* "$artifacts"/leak-* "$artifacts"/timeout-* "$artifacts"/oom-*; do
        [ -e "$f" ] && found="$found ${f##*/}"
    done
    if [ "$rc" -ne 0 ] || [ -n "$found" ]; then
        line="fuzz_$t: FOUND (exit $rc) after ${execs:-?} executions"
        for f in $found; do
            line="$line
  input: $artifacts/$f"
        done
        [ -n "$found" ] || line="$line (no input saved; see $log)"
        {
            echo "$line"
            grep -E 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error:|fuzz check failed' "$log" |
                head -n 5 | sed 's/^/  /'
        } >"$work/line_$t"
        return 1
    fi
    echo "fuzz_$t: ok, ${execs:-?} executions, cov: ${cov:-?} ft: ${ft:-?}" >"$work/line_$t"
}

# The targets run side by side, one per core: each is single-threaded, and
# the smoke run in .ci/run takes SECONDS per round instead of per target.
# A target's line says whether it found something (run_target's status
# says the same).
status=0
summary=""
# shellcheck disable=SC2086
set -- $targets
while [ $# -gt 0 ]; do
    round=""
    running=0
    while [ $# -gt 0 ] && [ "$running" -lt "$jobs" ]; do
        echo "run.sh: fuzz_$1 for ${seconds}s (log $work/fuzz_$1.log)"
        rm -f "$work/line_$1"
        run_target "$1" &
        round="$round $1"
        running=$((running + 1))
        shift
    done
    wait
    for t in $round; do
        [ -f "$work/line_$t" ] || echo "fuzz_$t: FOUND (its run ended without a result)" >"$work/line_$t"
        cat "$work/line_$t"
        summary="$summary$(sed -n 1p "$work/line_$t")
"
        if grep -q ': FOUND ' "$work/line_$t"; then status=1; fi
    done
done

echo "--- fuzzing summary (${seconds}s per target) ---"
printf '%s' "$summary"
# One line for CI's totals: a target is passed when it found nothing.
ok=$(printf '%s' "$summary" | grep -c ': ok, ' || true)
bad=$(printf '%s' "$summary" | grep -c ': FOUND ' || true)
echo "$ok passed, $bad failed"
if [ "$status" -ne 0 ]; then
    echo "run.sh: findings kept in $work (reproduce: $work/bin/fuzz_TARGET INPUT)"
elif [ "$keep" -eq 0 ]; then
    rm -rf "$work"
fi
exit "$status"
