/* Writing cells in every text form (see cs_iso.h). */
#include "cs_iso.h"

#include <stdio.h>

/* snprintf that keeps counting once the buffer is full. */
#define EMIT(...)                                                              \
    do {                                                                       \
        int w_ = snprintf(buf + (off < size ? off : size),                     \
                          off < size ? size - off : 0, __VA_ARGS__);           \
        off += (size_t)w_;                                                     \
    } while (0)

int cs_cell_format_compact(const cs_cell *c, char *buf, size_t size)
{
    size_t off = 0;
    for (int i = 0; i < c->n; i++)
        EMIT("%c", cs_op_letter(c->op[i]));
    EMIT(":");
    for (int i = 0; i < c->n; i++)
        for (int j = i + 1; j < c->n; j++)
            EMIT("%c", (c->adj[i] >> j & 1) ? '1' : '0');
    return (int)off;
}

int cs_cell_format_row(const cs_cell *c, char *buf, size_t size)
{
    size_t off = 0;
    for (int i = 0; i < c->n; i++)
        for (int j = 0; j < c->n; j++)
            EMIT("%c", (c->adj[i] >> j & 1) ? '1' : '0');
    EMIT(" ");
    for (int i = 0; i < c->n; i++) {
        const char *name = cs_op_name(c->op[i]);
        EMIT("%s%s", i ? "," : "", name ? name : "?");
    }
    return (int)off;
}

int cs_cell_format_matrix_json(const cs_cell *c, char *buf, size_t size)
{
    size_t off = 0;
    EMIT("[");
    for (int i = 0; i < c->n; i++) {
        EMIT("%s[", i ? ", " : "");
        for (int j = 0; j < c->n; j++)
            EMIT("%s%d", j ? ", " : "", (int)(c->adj[i] >> j & 1));
        EMIT("]");
    }
    EMIT("]");
    return (int)off;
}

int cs_cell_format_ops_json(const cs_cell *c, char *buf, size_t size)
{
    size_t off = 0;
    EMIT("[");
    for (int i = 0; i < c->n; i++) {
        const char *name = cs_op_name(c->op[i]);
        EMIT("%s\"%s\"", i ? ", " : "", name ? name : "?");
    }
    EMIT("]");
    return (int)off;
}

int cs_cell_format_json(const cs_cell *c, char *buf, size_t size)
{
    size_t off = 0;
    EMIT("{\"matrix\": ");
    off += (size_t)cs_cell_format_matrix_json(c, buf + (off < size ? off : size),
                                              off < size ? size - off : 0);
    EMIT(", \"ops\": ");
    off += (size_t)cs_cell_format_ops_json(c, buf + (off < size ? off : size),
                                           off < size ? size - off : 0);
    EMIT("}");
    return (int)off;
}
