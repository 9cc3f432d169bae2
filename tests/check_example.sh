#!/bin/sh
# The README's C example against the library as a user installs it:
# `make install` into a staging directory (DESTDIR), the example compiled
# with the flags the installed cellscape.pc gives (pointed at the staging
# directory by pkg-config's sysroot), then run with the installed shared
# library on a store of the real fixture.  The expected answer is the
# fixture's own (nb101-real30-only108.expected.json, probe 0: its module
# hash, and the mean of its three final test accuracies 0.9200721383094788,
# 0.9205729365348816, 0.9096554517745972 = 0.916767 to six places).  TAP.
# Run by make check, which passes CS_SRCDIR, CS_BUILDDIR, CS_LIBDIR,
# CS_SAN_CFLAGS (a sanitizer build's library needs its runtime), MAKE, CC.
set -u
srcdir=${CS_SRCDIR:-.}
builddir=${CS_BUILDDIR:-.}
cc=${CC:-cc}
make=${MAKE:-make}
work=$(mktemp -d "${TMPDIR:-/tmp}/cs-example-XXXXXX")
trap 'rm -rf "$work"' EXIT
echo "1..5"
fail() {
    echo "not ok $1 - $2"
    sed 's/^/# /' "$work/log"
    shift 2
    n=$1
    while [ "$n" -le 5 ]; do echo "not ok $n - skipped: an earlier step failed"; n=$((n + 1)); done
    exit 0
}
if $make -C "$builddir" install DESTDIR="$work/stage" > "$work/log" 2>&1 &&
    [ -f "$work/stage$CS_LIBDIR/pkgconfig/cellscape.pc" ]; then
    echo "ok 1 - make install DESTDIR=... installs the library, headers and cellscape.pc"
else
    fail 1 "make install DESTDIR=... installs the library, headers and cellscape.pc" 2
fi
export PKG_CONFIG_SYSROOT_DIR="$work/stage"
export PKG_CONFIG_LIBDIR="$work/stage$CS_LIBDIR/pkgconfig"
if flags=$(pkg-config --cflags --libs cellscape 2> "$work/log") &&
    $cc -std=c11 -Wall -Wextra -Werror ${CS_SAN_CFLAGS:-} "$srcdir/examples/query.c" $flags \
        -o "$work/query" >> "$work/log" 2>&1; then
    echo "ok 2 - examples/query.c compiles against the installed headers and library"
else
    fail 2 "examples/query.c compiles against the installed headers and library" 3
fi
fixture="$srcdir/../shared/fixtures/nb101-real30-only108.tfrecord"
if "$builddir/cellscape" import -q "$fixture" -o "$work/real30.nb101" > "$work/log" 2>&1; then
    echo "ok 3 - the fixture imported"
else
    fail 3 "the fixture imported" 4
fi
want="ff967a69c937a5e17d4c9b601b11dce8: mean test accuracy 0.916767 at 108 epochs"
got=$(LD_LIBRARY_PATH="$work/stage$CS_LIBDIR" "$work/query" "$work/real30.nb101" \
    IM3M13O:100100100001100100111 2> "$work/log")
if [ "$got" = "$want" ]; then
    echo "ok 4 - the example answers as the reference API"
else
    echo "# got:  $got"
    echo "# want: $want"
    fail 4 "the example answers as the reference API" 5
fi
# The README shows the example as it is: its C block is the file from the
# first #include on.
sed -n '/^```c$/,/^```$/p' "$srcdir/README.md" | sed '1d;$d' > "$work/readme.c"
sed -n '/^#include/,$p' "$srcdir/examples/query.c" > "$work/file.c"
if cmp -s "$work/readme.c" "$work/file.c"; then
    echo "ok 5 - the README's example is examples/query.c"
else
    echo "not ok 5 - the README's example is examples/query.c"
    diff "$work/readme.c" "$work/file.c" | sed 's/^/# /'
fi
