#!/bin/sh
# ThreadSanitizer over the library's concurrent readers: the "threads" case
# of tests/check_faults (8 threads querying one store) built with
# -fsanitize=thread in its own build directory (TSan cannot share a build
# with ASan).  Prints the test's result and a closing "N passed, N failed"
# line; exits non-zero on a failed test or on any ThreadSanitizer report.
#
#   tests/tsan.sh [BUILD_DIR]     (default: build-tsan beside tests/)
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:-$top/build-tsan}
cd "$top" || exit 1
[ -x configure ] || ./autogen.sh >&2 || exit 1
mkdir -p "$dir" || exit 1
if [ ! -f "$dir/Makefile" ]; then
    echo "== configure ($dir, ThreadSanitizer)"
    (cd "$dir" && "$top/configure" --enable-werror \
        CFLAGS="-fsanitize=thread -g -O1" LDFLAGS="-fsanitize=thread" >/dev/null) || exit 1
fi
# Only the programs this run needs: the command (check_faults runs it in
# other cases) and the one test.
make -C "$dir" -j2 cellscape tests/check_faults >/dev/null || exit 1
rm -f "$dir/tests/check_faults.log" "$dir/tests/check_faults.trs"
echo "== make check TESTS=tests/check_faults CK_RUN_CASE=threads ($dir)"
# halt_on_error: the first report ends the test process, so the test fails;
# the log is searched as well, for a report from any other process.
CK_RUN_CASE=threads TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 ${TSAN_OPTIONS:-}" \
    make -C "$dir" check TESTS=tests/check_faults check_PROGRAMS=tests/check_faults
status=$?
log="$dir/tests/check_faults.log"
if grep -q "ThreadSanitizer" "$log" 2>/dev/null; then
    grep -B2 -A40 "WARNING: ThreadSanitizer\|ERROR: ThreadSanitizer\|FATAL: ThreadSanitizer" "$log" | head -200
    status=1
fi
passed=$(grep -c '^:test-result: PASS' "$dir/tests/check_faults.trs" 2>/dev/null)
failed=$(grep -Ec '^:test-result: (FAIL|ERROR|XPASS)' "$dir/tests/check_faults.trs" 2>/dev/null)
# No result at all (a build or start-up failure) is a failure too.
[ "${passed:-0}" -gt 0 ] || [ "${failed:-0}" -gt 0 ] || failed=1
[ "${failed:-0}" -eq 0 ] || status=1
echo "${passed:-0} passed, ${failed:-0} failed"
exit $status
