/* libFuzzer target: every cell text form (iso/cs_iso.h) and what
 * `cellscape cell` does with a cell that parses.
 *
 * The input goes to cs_spec_parse (form detected), and to each form's own
 * parser: cs_spec_parse_json, cs_spec_parse_compact, and cs_spec_parse_row
 * on the input split at its first whitespace.  A spec that parses is
 * checked against NAS-Bench-101's limits and against the largest cells the
 * library holds; what passes is hashed, canonicalised (nauty), keyed, put
 * in the reference's form and counted (trainable parameters).  Checks of
 * the library's promises:
 *  - a pruned cell written in each text form parses back to itself;
 *  - the module hash, the canonical form and the automorphism count do not
 *    change under relabelling (canonical cell and reference form are
 *    relabellings of the pruned cell);
 *  - a key gives back its cell. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* memfd_create, F_SETPIPE_SZ (fuzz_util.h) */
#endif
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cs_iso.h"
#include "cs_params.h"
#include "fuzz_util.h"

/* The most the library's cells hold: any op list, up to CS_CELL_MAXV
 * vertices, every upper-triangular edge. */
static const cs_limits big = {CS_CELL_MAXV, CS_CELL_MAXV * (CS_CELL_MAXV - 1) / 2, CS_NUM_OPS};

static void check_reparse(const cs_cell *p, const char *form, int len, const char *text)
{
    cs_spec again;
    cs_error err;
    cs_status st = cs_spec_parse(&again, text, (size_t)len, &err);
    if (st != CS_OK)
        fuzz_fail("%s form '%s' of a pruned cell does not parse: %s", form, text, err.msg);
    if (!again.valid_spec || !cs_cell_equal(&again.original, p) || !cs_cell_equal(&again.pruned, p))
        fuzz_fail("%s form '%s' parses to another cell", form, text);
}

static void check_forms(const cs_cell *p)
{
    char buf[8192];
    int n = cs_cell_format_compact(p, buf, sizeof buf);
    if (n < 0 || (size_t)n >= sizeof buf)
        fuzz_fail("compact form of %d vertices needs %d bytes", p->n, n);
    check_reparse(p, "compact", n, buf);
    n = cs_cell_format_row(p, buf, sizeof buf);
    if (n < 0 || (size_t)n >= sizeof buf)
        fuzz_fail("row form of %d vertices needs %d bytes", p->n, n);
    check_reparse(p, "row", n, buf);
    n = cs_cell_format_json(p, buf, sizeof buf);
    if (n < 0 || (size_t)n >= sizeof buf)
        fuzz_fail("JSON form of %d vertices needs %d bytes", p->n, n);
    check_reparse(p, "JSON", n, buf);
    /* The counting contract: a short buffer gets the same length back. */
    char small[8];
    if (cs_cell_format_json(p, small, sizeof small) != n)
        fuzz_fail("cs_cell_format_json counts differently with a short buffer");
}

/* Everything `cellscape cell` computes for a spec that passed the check. */
static void check_cell(const cs_spec *s)
{
    const cs_cell *p = &s->pruned;
    cs_error err;
    check_forms(p);

    char hex[33], hex2[33];
    if (cs_cell_hash(p, hex, &err) != CS_OK)
        fuzz_fail("hash of a checked cell failed: %s", err.msg);
    cs_canon cn, cn2;
    if (cs_cell_canon(p, &cn, &err) != CS_OK)
        fuzz_fail("canonical form of a checked cell failed: %s", err.msg);
    /* The canonical cell is the pruned cell relabelled by lab. */
    int perm[CS_CELL_MAXV];
    for (int i = 0; i < p->n; i++)
        perm[cn.lab[i]] = i;
    cs_cell relabelled;
    cs_cell_permute(p, perm, &relabelled);
    if (!cs_cell_equal(&relabelled, &cn.cell))
        fuzz_fail("canonical labelling does not give the canonical cell");
    if (cs_cell_hash(&cn.cell, hex2, &err) != CS_OK || strcmp(hex, hex2) != 0)
        fuzz_fail("module hash changes under relabelling (canonical form)");
    if (cs_cell_canon(&cn.cell, &cn2, &err) != CS_OK || !cs_cell_equal(&cn.cell, &cn2.cell) ||
        cn.automorphisms != cn2.automorphisms)
        fuzz_fail("canonical form of the canonical form differs");

    if (p->n <= CS_KEY_MAXV) {
        cs_key key;
        cs_cell back;
        if (cs_cell_key(&cn.cell, &key, &err) != CS_OK)
            fuzz_fail("key of a checked canonical cell failed: %s", err.msg);
        cs_key_cell(&key, &back);
        if (!cs_cell_equal(&back, &cn.cell))
            fuzz_fail("key does not give back its cell");
        (void)cs_key_hash(&key);

        cs_cell ref;
        if (cs_cell_reference_form(p, &ref, &err) != CS_OK)
            fuzz_fail("reference form of a checked cell failed: %s", err.msg);
        if (cs_cell_hash(&ref, hex2, &err) != CS_OK || strcmp(hex, hex2) != 0)
            fuzz_fail("module hash changes under relabelling (reference form)");
        if (cs_cell_canon(&ref, &cn2, &err) != CS_OK || !cs_cell_equal(&cn.cell, &cn2.cell) ||
            cn.automorphisms != cn2.automorphisms)
            fuzz_fail("reference form has another canonical form");
        int64_t params;
        if (cs_cell_trainable_parameters(&ref, &params, &err) != CS_OK)
            fuzz_fail("trainable parameters of a reference form failed: %s", err.msg);
        if (params <= 0)
            fuzz_fail("trainable parameters %lld", (long long)params);
    }
    cs_spec from;
    cs_spec_from_cell(&from, p);
    if (!from.valid_spec || !cs_cell_equal(&from.pruned, p))
        fuzz_fail("a pruned cell prunes to another cell");
}

static void evaluate(const cs_spec *s, cs_status st, const cs_error *perr)
{
    if (st != CS_OK) {
        if (st != CS_ERR_PARSE && st != CS_ERR_VALUE && st != CS_ERR_LIMIT)
            fuzz_fail("parse failed with status %d: %s", (int)st, perr->msg);
        if (perr->msg[0] == '\0')
            fuzz_fail("parse failed without a message");
        return;
    }
    /* What every reader of a spec relies on. */
    if (s->original.n < 1 || s->original.n > CS_CELL_MAXV ||
        (s->valid_spec && (s->pruned.n < 2 || s->pruned.n > s->original.n)))
        fuzz_fail("spec of %d vertices pruned to %d", s->original.n, s->pruned.n);
    for (int v = 0; s->valid_spec && v < s->pruned.n; v++)
        (void)cs_spec_pruned_opname(s, v);
    cs_error err;
    cs_status nb = cs_spec_check(s, &CS_NB101_LIMITS, &err);
    cs_status any = cs_spec_check(s, &big, &err);
    if (nb != CS_OK && nb != CS_ERR_DOMAIN)
        fuzz_fail("check failed with status %d: %s", (int)nb, err.msg);
    if (nb == CS_OK && any != CS_OK)
        fuzz_fail("a cell within NAS-Bench-101's limits fails the larger ones");
    if (any == CS_OK)
        check_cell(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    cs_spec *s = malloc(sizeof *s);
    if (!s)
        return 0;
    cs_error err;
    cs_status st = cs_spec_parse(s, text, size, &err);
    evaluate(s, st, &err);

    st = cs_spec_parse_json(s, text, size, &err);
    evaluate(s, st, &err);
    st = cs_spec_parse_compact(s, text, size, &err);
    evaluate(s, st, &err);
    size_t sp = 0;
    while (sp < size && !isspace((unsigned char)text[sp]))
        sp++;
    size_t ops = sp < size ? sp + 1 : size;
    st = cs_spec_parse_row(s, text, sp, text + ops, size - ops, &err);
    evaluate(s, st, &err);
    free(s);
    return 0;
}
