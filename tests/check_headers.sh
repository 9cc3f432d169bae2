#!/bin/sh
# The installed API stands alone: every header `make install` puts under
# include/cellscape/ compiles on its own, as a user's program includes it,
# with only the other installed headers beside it (so none reaches for an
# internal header) and in C11 with warnings as errors.  TAP output.
# Run by make check, which passes CS_INSTALLED_HEADERS (the list in
# Makefile.am), CS_SRCDIR and CC.
set -u
srcdir=${CS_SRCDIR:-.}
cc=${CC:-cc}
work=$(mktemp -d "${TMPDIR:-/tmp}/cs-headers-XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/include/cellscape"
n=0
for h in $CS_INSTALLED_HEADERS; do
    cp "$srcdir/$h" "$work/include/cellscape/" || exit 1
    n=$((n + 1))
done
echo "1..$((n + 1))"
i=0
for h in $CS_INSTALLED_HEADERS; do
    i=$((i + 1))
    b=$(basename "$h")
    printf '#include <cellscape/%s>\n#include <cellscape/%s>\nint main(void) { return 0; }\n' "$b" "$b" > "$work/t.c"
    if $cc -std=c11 -Wall -Wextra -Werror -Wstrict-prototypes -I"$work/include" \
        -c "$work/t.c" -o "$work/t.o" > "$work/log" 2>&1; then
        echo "ok $i - $b compiles alone (twice included)"
    else
        echo "not ok $i - $b compiles alone (twice included)"
        sed 's/^/# /' "$work/log"
    fi
done
# Internal headers are never installed: a name with "internal" in it, or a
# header not starting with cs_.
i=$((i + 1))
bad=$(for h in $CS_INSTALLED_HEADERS; do basename "$h"; done | grep -v '^cs_' ; \
      for h in $CS_INSTALLED_HEADERS; do basename "$h"; done | grep internal)
if [ -z "$bad" ]; then
    echo "ok $i - no internal header is installed"
else
    echo "not ok $i - internal headers installed: $bad"
fi
