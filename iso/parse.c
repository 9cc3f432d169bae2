/* Reading cells from text: JSON objects (jansson), the dataset's row form
 * and our compact form.  Every error names the field at fault. */
#include "cs_iso.h"

#include <ctype.h>
#include <jansson.h>
#include <string.h>

static const char *skip_space(const char *p, const char *end)
{
    while (p < end && isspace((unsigned char)*p))
        p++;
    return p;
}

static const char *trim_end(const char *p, const char *end)
{
    while (end > p && isspace((unsigned char)end[-1]))
        end--;
    return end;
}

/* Matrix entries are kept as ints so that cs_spec_init can give the
 * reference's construction errors in the reference's order. */
typedef struct matrix_buf {
    int nrows;
    int row_len[CS_CELL_MAXV + 1];
    int cells[(CS_CELL_MAXV + 1) * (CS_CELL_MAXV + 1)];
    const int *rows[CS_CELL_MAXV + 1];
} matrix_buf;

static cs_status json_matrix(const json_t *m, const char *key, matrix_buf *mb,
                             cs_error *err)
{
    if (!json_is_array(m))
        return cs_error_set(err, CS_ERR_PARSE, "\"%s\" must be a list of rows",
                            key);
    size_t nrows = json_array_size(m);
    if (nrows > CS_CELL_MAXV)
        return cs_error_set(err, CS_ERR_LIMIT,
                            "\"%s\" has %zu rows; cellscape holds at most %d",
                            key, nrows, CS_CELL_MAXV);
    mb->nrows = (int)nrows;
    for (size_t i = 0; i < nrows; i++) {
        const json_t *row = json_array_get(m, i);
        if (!json_is_array(row))
            return cs_error_set(err, CS_ERR_PARSE,
                                "\"%s\" row %zu must be a list of 0/1", key, i);
        size_t len = json_array_size(row);
        if (len > CS_CELL_MAXV + 1)
            return cs_error_set(err, CS_ERR_VALUE, "matrix must be square");
        mb->row_len[i] = (int)len;
        mb->rows[i] = &mb->cells[i * (CS_CELL_MAXV + 1)];
        for (size_t j = 0; j < len; j++) {
            const json_t *x = json_array_get(row, j);
            int v;
            if (json_is_integer(x)) {
                json_int_t iv = json_integer_value(x);
                /* Out-of-range values only need to stay "not 0 or 1". */
                v = iv > 2 ? 2 : iv < -1 ? -1 : (int)iv;
            } else if (json_is_real(x) &&
                       (json_real_value(x) == 0.0 || json_real_value(x) == 1.0)) {
                v = (int)json_real_value(x);
            } else if (json_is_boolean(x)) {
                v = json_is_true(x);
            } else {
                return cs_error_set(err, CS_ERR_PARSE,
                                    "\"%s\" row %zu, column %zu: not 0 or 1",
                                    key, i, j);
            }
            mb->cells[i * (CS_CELL_MAXV + 1) + j] = v;
        }
    }
    return CS_OK;
}

cs_status cs_spec_parse_json(cs_spec *s, const char *text, size_t len, cs_error *err)
{
    json_error_t jerr;
    json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!root)
        return cs_error_set(err, CS_ERR_PARSE, "invalid JSON at column %d: %s",
                            jerr.column, jerr.text);
    cs_status st;
    if (!json_is_object(root)) {
        st = cs_error_set(err, CS_ERR_PARSE,
                          "expected a JSON object {\"matrix\": ..., \"ops\": ...}");
        goto done;
    }
    const char *mkey = "matrix", *okey = "ops";
    json_t *m = json_object_get(root, mkey);
    json_t *o = json_object_get(root, okey);
    if (!m && !o) {
        /* The dataset's own names, as the reference's query returns them. */
        mkey = "module_adjacency";
        okey = "module_operations";
        m = json_object_get(root, mkey);
        o = json_object_get(root, okey);
    }
    if (!m || !o) {
        st = cs_error_set(err, CS_ERR_PARSE, "missing key \"%s\"", m ? okey : mkey);
        goto done;
    }
    matrix_buf mb;
    if ((st = json_matrix(m, mkey, &mb, err)) != CS_OK)
        goto done;
    if (!json_is_array(o)) {
        st = cs_error_set(err, CS_ERR_PARSE, "\"%s\" must be a list of op names",
                          okey);
        goto done;
    }
    size_t nops = json_array_size(o);
    if (nops > CS_CELL_MAXV + 1) {
        st = cs_error_set(err, CS_ERR_VALUE,
                          "length of ops must match matrix dimensions");
        goto done;
    }
    const char *names[CS_CELL_MAXV + 1];
    size_t lens[CS_CELL_MAXV + 1];
    for (size_t i = 0; i < nops; i++) {
        const json_t *x = json_array_get(o, i);
        if (!json_is_string(x)) {
            st = cs_error_set(err, CS_ERR_PARSE, "\"%s\" item %zu must be a string",
                              okey, i);
            goto done;
        }
        names[i] = json_string_value(x);
        lens[i] = json_string_length(x);
    }
    st = cs_spec_init(s, mb.nrows, mb.row_len, mb.rows, (int)nops, names, lens, err);
done:
    json_decref(root);
    return st;
}

cs_status cs_spec_parse_row(cs_spec *s, const char *adjacency, size_t adj_len,
                            const char *ops, size_t ops_len, cs_error *err)
{
    for (size_t i = 0; i < adj_len; i++)
        if (adjacency[i] != '0' && adjacency[i] != '1')
            return cs_error_set(err, CS_ERR_PARSE,
                                "adjacency character %zu is '%c', not 0 or 1", i,
                                adjacency[i]);
    int n = 0;
    while ((size_t)(n + 1) * (size_t)(n + 1) <= adj_len)
        n++;
    if ((size_t)n * (size_t)n != adj_len)
        return cs_error_set(err, CS_ERR_VALUE,
                            "matrix must be square (adjacency has %zu characters, "
                            "not a square number)", adj_len);
    if (n > CS_CELL_MAXV)
        return cs_error_set(err, CS_ERR_LIMIT,
                            "adjacency has %d vertices; cellscape holds at most %d",
                            n, CS_CELL_MAXV);
    matrix_buf mb;
    mb.nrows = n;
    for (int i = 0; i < n; i++) {
        mb.row_len[i] = n;
        mb.rows[i] = &mb.cells[i * (CS_CELL_MAXV + 1)];
        for (int j = 0; j < n; j++)
            mb.cells[i * (CS_CELL_MAXV + 1) + j] = adjacency[i * n + j] - '0';
    }
    const char *names[CS_CELL_MAXV + 1];
    size_t lens[CS_CELL_MAXV + 1];
    int nops = 0;
    const char *p = ops, *end = ops + ops_len;
    while (p <= end) {
        const char *comma = memchr(p, ',', (size_t)(end - p));
        const char *stop = comma ? comma : end;
        if (nops > CS_CELL_MAXV)
            return cs_error_set(err, CS_ERR_VALUE,
                                "length of ops must match matrix dimensions");
        names[nops] = p;
        lens[nops] = (size_t)(stop - p);
        if (lens[nops] == 0)
            return cs_error_set(err, CS_ERR_PARSE, "op %d is empty", nops);
        nops++;
        if (!comma)
            break;
        p = comma + 1;
    }
    return cs_spec_init(s, n, mb.row_len, mb.rows, nops, names, lens, err);
}

cs_status cs_spec_parse_compact(cs_spec *s, const char *text, size_t len, cs_error *err)
{
    const char *colon = memchr(text, ':', len);
    if (!colon)
        return cs_error_set(err, CS_ERR_PARSE,
                            "compact form needs OPS:EDGES, e.g. I3O:111");
    int n = (int)(colon - text);
    if (n > CS_CELL_MAXV)
        return cs_error_set(err, CS_ERR_LIMIT,
                            "compact form has %d ops; cellscape holds at most %d",
                            n, CS_CELL_MAXV);
    size_t nbits = len - (size_t)(colon - text) - 1;
    if (nbits != (size_t)(n * (n - 1) / 2))
        return cs_error_set(err, CS_ERR_PARSE,
                            "compact form with %d ops needs %d edge bits, got %zu",
                            n, n * (n - 1) / 2, nbits);
    matrix_buf mb;
    const char *names[CS_CELL_MAXV];
    mb.nrows = n;
    const char *bits = colon + 1;
    for (int i = 0; i < n; i++) {
        int op = cs_op_from_letter(text[i]);
        if (op == CS_OP_UNKNOWN)
            return cs_error_set(err, CS_ERR_PARSE,
                                "compact op %d is '%c'; use I, O, 3, 1 or M", i,
                                text[i]);
        names[i] = cs_op_name(op);
        mb.row_len[i] = n;
        mb.rows[i] = &mb.cells[i * (CS_CELL_MAXV + 1)];
        for (int j = 0; j < n; j++)
            mb.cells[i * (CS_CELL_MAXV + 1) + j] = 0;
    }
    for (int i = 0, k = 0; i < n; i++)
        for (int j = i + 1; j < n; j++, k++) {
            if (bits[k] != '0' && bits[k] != '1')
                return cs_error_set(err, CS_ERR_PARSE,
                                    "compact edge bit %d is '%c', not 0 or 1", k,
                                    bits[k]);
            mb.cells[i * (CS_CELL_MAXV + 1) + j] = bits[k] - '0';
        }
    return cs_spec_init(s, n, mb.row_len, mb.rows, n, names, NULL, err);
}

cs_status cs_spec_parse(cs_spec *s, const char *text, size_t len, cs_error *err)
{
    const char *end = text + len;
    const char *p = skip_space(text, end);
    end = trim_end(p, end);
    if (p == end)
        return cs_error_set(err, CS_ERR_PARSE, "empty cell");
    if (*p == '{')
        return cs_spec_parse_json(s, p, (size_t)(end - p), err);
    if (*p == '[' || *p == '"')
        return cs_error_set(err, CS_ERR_PARSE,
                            "not a cell: JSON cells are objects "
                            "{\"matrix\": ..., \"ops\": ...}");
    const char *q = p;
    while (q < end && !isspace((unsigned char)*q))
        q++;
    if (q == end) {
        if (memchr(p, ':', (size_t)(end - p)))
            return cs_spec_parse_compact(s, p, (size_t)(end - p), err);
        return cs_error_set(err, CS_ERR_PARSE,
                            "not a cell: expected JSON {\"matrix\":..., \"ops\":...}, "
                            "'ADJACENCY OPS' or compact OPS:EDGES");
    }
    const char *ops = skip_space(q, end);
    const char *r = ops;
    while (r < end && !isspace((unsigned char)*r))
        r++;
    if (r != end)
        return cs_error_set(err, CS_ERR_PARSE,
                            "row form is 'ADJACENCY OPS' (two fields); found more");
    return cs_spec_parse_row(s, p, (size_t)(q - p), ops, (size_t)(end - ops), err);
}
