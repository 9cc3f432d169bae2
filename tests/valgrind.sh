#!/bin/sh
# Valgrind memcheck over the command as users run it: tests/check_cli (the
# CLI integration tests on the fixtures) from the plain build, with every
# `cellscape` it starts run under memcheck.  Fails on any memory error and
# on any definite or indirect leak; prints each test, the reports, and a
# closing "N passed, N failed" line.
#
#   tests/valgrind.sh [BUILD_DIR]     (default: build beside tests/)
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:-$top/build}
command -v valgrind >/dev/null || { echo "valgrind is not installed" >&2; exit 1; }
[ -f "$dir/Makefile" ] || { echo "$dir is not configured (run scripts/run-tests)" >&2; exit 1; }
make -C "$dir" -j2 cellscape tests/check_cli >/dev/null || exit 1

logs=$(mktemp -d "${TMPDIR:-/tmp}/cellscape-valgrind.XXXXXX") || exit 1
trap 'rm -rf "$logs"' EXIT
# build/cellscape is libtool's wrapper script: libtool --mode=execute puts
# valgrind on the real binary, with the uninstalled library on its path.
# Reports go to files, one per process (-q: only when there is something to
# say), since the tests read the command's own stderr; --error-exitcode
# makes a report also change the exit code the test checks.
export CS_TEST_WRAPPER="$dir/libtool --mode=execute valgrind -q --tool=memcheck \
--leak-check=full --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect \
--error-exitcode=99 --log-file=$logs/vg.%p.log"
echo "== tests/check_cli under valgrind memcheck ($dir)"
# The command runs 20-50 times slower under memcheck, and memcheck runs a
# process's threads one at a time: the suite runs as two processes, one per
# core, split by check_cli's "valgrind-half" tag into halves of about the
# same CPU time.
run_half() { # TAG-VARIABLE LOG
    env "$1=valgrind-half" CK_TIMEOUT_MULTIPLIER=20 CK_VERBOSITY=silent CK_TAP_LOG_FILE_NAME=- \
        "$dir/tests/check_cli" > "$2" 2>&1
}
run_half CK_INCLUDE_TAGS "$logs/tap.1" &
pid=$!
run_half CK_EXCLUDE_TAGS "$logs/tap.2"
status=$?
wait "$pid" || status=1
cat "$logs/tap.1" "$logs/tap.2" > "$logs/tap"
cat "$logs/tap"
passed=$(grep -c '^ok ' "$logs/tap")
failed=$(grep -c '^not ok ' "$logs/tap")
[ "$passed" -gt 0 ] || [ "$failed" -gt 0 ] || failed=1
reports=0
runs=0
for f in "$logs"/vg.*.log; do
    [ -e "$f" ] || continue
    runs=$((runs + 1))
    [ -s "$f" ] || continue
    reports=$((reports + 1))
    echo "== valgrind report ($(basename "$f"))"
    cat "$f"
done
[ "$reports" -eq 0 ] || { failed=$((failed + 1)); status=1; }
# No process under valgrind: the wrapper did not take effect.
[ "$runs" -gt 0 ] || { echo "valgrind ran no command" >&2; failed=$((failed + 1)); }
[ "$failed" -eq 0 ] || status=1
echo "valgrind: $runs runs of cellscape checked, $reports with reports"
echo "$passed passed, $failed failed"
exit $status
