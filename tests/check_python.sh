#!/bin/sh
# The Python tests (python/tests, pytest) against the packages staged in
# build/python, with the Python configure chose (never another), as TAP: one
# line per test (tests/tap_plugin.py), pytest's own output as comments.
# In a sanitizer build the extension and libcellscape carry ASan but the
# interpreter does not, so the runtime is preloaded; the interpreter's own
# allocations at exit are not ours to report, so leak checking is off here
# (the C tests keep it).  Run by make check, which passes CS_SRCDIR,
# CS_BUILDDIR, CS_SAN_CFLAGS, CC and PYTHON.
set -u
srcdir=${CS_SRCDIR:-.}
builddir=${CS_BUILDDIR:-.}
work=$(mktemp -d "${TMPDIR:-/tmp}/cs-python-XXXXXX")
trap 'rm -rf "$work"' EXIT
if [ -z "${PYTHON:-}" ]; then
    echo "1..1"
    echo "not ok 1 - PYTHON is not set (configure found no Python with headers and numpy)"
    exit 0
fi
preload=
case "${CS_SAN_CFLAGS:-}" in
*address*)
    preload=$(${CC:-cc} -print-file-name=libasan.so)
    ;;
esac
# pytest runs from a scratch directory: its caches and hypothesis's example
# database stay out of the source tree.
cd "$work" || exit 1
if [ -n "$preload" ]; then
    set -- env LD_PRELOAD="$preload" ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
else
    set -- env
fi
"$@" PYTHONPATH="$builddir/python:$srcdir/tests" PYTHONDONTWRITEBYTECODE=1 \
    CS_TAP_FILE="$work/tap" CELLSCAPE_CACHE="$work/cache" \
    "$PYTHON" -m pytest -p tap_plugin -p no:cacheprovider -q -rfE \
    "$srcdir/python/tests" > "$work/out" 2>&1
code=$?
sed 's/^/# /' "$work/out"
if [ -s "$work/tap" ]; then
    cat "$work/tap"
else
    echo "1..1"
    echo "not ok 1 - pytest gave no results (exit status $code)"
fi
