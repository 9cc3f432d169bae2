/* NAS-Bench-201 results from the CSV format of doc/nb201-csv.md. */
#include "cs_nb201_data.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <openssl/evp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cs_nb201.h"

/* One (dataset, metric) pair's accumulators, indexed by API index.  While
 * reading, mean and m2 are Welford's running mean and sum of squared
 * deviations (a sum of squares minus the squared sum loses every digit
 * when, as with accuracies near 94 %, the spread is small against the
 * mean); at the end m2 becomes the standard deviation in place. */
typedef struct nb201_pair {
    double mean[CS_NB201_CELLS];
    double sd[CS_NB201_CELLS];
    uint32_t count[CS_NB201_CELLS];
    size_t cells;
} nb201_pair;

struct cs_nb201_data {
    char *source;
    bool synthetic;
    size_t rows;
    int ndatasets, nmetrics;
    char datasets[CS_NB201_DATA_MAX_DATASETS][CS_NB201_DATA_MAX_NAME + 1];
    char metrics[CS_NB201_DATA_MAX_METRICS][CS_NB201_DATA_MAX_NAME + 1];
    nb201_pair *pairs[CS_NB201_DATA_MAX_DATASETS][CS_NB201_DATA_MAX_METRICS];
    char sha256[65];
};

/* --- parsing ---------------------------------------------------------------- */

typedef struct parser {
    const char *buf;
    size_t len;
    const char *name;
    size_t line;       /* 1-based */
    size_t line_start; /* byte offset */
    cs_error *err;
    cs_nb201_data *d;
    int last_dataset, last_metric; /* rows come in runs of one pair */
    char num[CS_NB201_DATA_MAX_LINE + 1];
} parser;

typedef struct field {
    const char *text;
    size_t len;
    size_t at; /* byte offset in the input */
} field;

#define NFIELDS 4

/* Every message starts "NAME: line N (byte B)[, field F]: ". */
static cs_status fail(const parser *p, cs_status code, size_t at, int fieldno, const char *fmt,
                      ...) __attribute__((format(printf, 5, 6)));

static cs_status fail(const parser *p, cs_status code, size_t at, int fieldno, const char *fmt,
                      ...)
{
    char what[CS_ERROR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    char fpart[32] = "";
    if (fieldno > 0)
        snprintf(fpart, sizeof fpart, ", field %d", fieldno);
    return cs_error_set(p->err, code, "%s: line %zu (byte %zu)%s: %s", p->name, p->line, at,
                        fpart, what);
}

/* A field's text for a message: at most 40 bytes, control and non-ASCII
 * bytes escaped so that the message stays one printable line. */
static void quote_text(const char *s, size_t n, char *out, size_t size)
{
    size_t o = 0;
    for (size_t i = 0; i < n && o + 5 < size; i++) {
        if (i == 40) {
            snprintf(out + o, size - o, "...");
            return;
        }
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c < 0x7f)
            out[o++] = (char)c;
        else
            o += (size_t)snprintf(out + o, size - o, "\\x%02x", c);
    }
    out[o < size ? o : size - 1] = '\0';
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

/* e - s, spelled so that the compiler sees it cannot be negative. */
static size_t span(const char *s, const char *e)
{
    return e > s ? (size_t)(e - s) : 0;
}

/* Split [s, e) at commas outside double quotes; trims blanks around each
 * field and strips its quotes.  *nf is the number of fields found (only
 * the first NFIELDS are kept). */
static cs_status split_fields(parser *p, const char *s, const char *e, field f[NFIELDS], int *nf)
{
    const char *pos = s;
    int k = 0;
    for (;;) {
        while (pos < e && is_blank(*pos))
            pos++;
        const char *start, *end;
        if (pos < e && *pos == '"') {
            start = pos + 1;
            const char *q = memchr(start, '"', span(start, e));
            if (!q)
                return fail(p, CS_ERR_FORMAT, (size_t)(pos - p->buf), k + 1,
                            "unterminated quote");
            end = q;
            pos = q + 1;
            while (pos < e && is_blank(*pos))
                pos++;
            if (pos < e && *pos != ',')
                return fail(p, CS_ERR_FORMAT, (size_t)(pos - p->buf), k + 1,
                            "text after the closing quote (quotes inside a field are not "
                            "allowed)");
        } else {
            start = pos;
            const char *c = memchr(pos, ',', span(pos, e));
            pos = c ? c : e;
            end = pos;
            while (end > start && is_blank(end[-1]))
                end--;
            if (memchr(start, '"', span(start, end)))
                return fail(p, CS_ERR_FORMAT, (size_t)(start - p->buf), k + 1,
                            "a quote inside an unquoted field");
        }
        if (k < NFIELDS) {
            f[k].text = start;
            f[k].len = (size_t)(end - start);
            f[k].at = (size_t)(start - p->buf);
        }
        k++;
        if (pos >= e)
            break;
        pos++; /* the comma */
    }
    *nf = k;
    return CS_OK;
}

static bool field_is(const field *f, const char *name)
{
    return f->len == strlen(name) && memcmp(f->text, name, f->len) == 0;
}

static cs_status check_header(parser *p, const field f[NFIELDS], int nf)
{
    static const char *const want[NFIELDS] = {"arch", "dataset", "metric", "value"};
    if (nf >= 1 && f[0].len > 0 &&
        (f[0].text[0] == '|' || (f[0].text[0] >= '0' && f[0].text[0] <= '9')))
        return fail(p, CS_ERR_FORMAT, p->line_start, 0,
                    "missing header: the first line that is not a comment must be "
                    "arch,dataset,metric,value");
    if (nf != NFIELDS)
        return fail(p, CS_ERR_FORMAT, p->line_start, 0,
                    "header has %d columns; expected arch,dataset,metric,value", nf);
    for (int k = 0; k < NFIELDS; k++) {
        if (field_is(&f[k], want[k]) || (k == 0 && field_is(&f[k], "index")))
            continue;
        char shown[200];
        quote_text(f[k].text, f[k].len, shown, sizeof shown);
        return fail(p, CS_ERR_FORMAT, f[k].at, k + 1, "unknown column name '%s' (expected '%s'%s)",
                    shown, want[k], k == 0 ? " or 'index'" : "");
    }
    return CS_OK;
}

static cs_status parse_cell(parser *p, const field *f, uint32_t *index)
{
    char shown[200];
    if (f->len == 0)
        return fail(p, CS_ERR_FORMAT, f->at, 1, "empty cell (an arch string or an API index)");
    if (f->text[0] == '|') {
        cs_nb201_cell c;
        cs_error sub;
        if (cs_nb201_parse(f->text, f->len, &c, &sub) != CS_OK) {
            /* cs_nb201_parse's messages start "arch string"; ours says so */
            const char *why = sub.msg;
            if (strncmp(why, "arch string", 11) == 0) {
                why += 11;
                if (why[0] == ':')
                    why++;
                while (*why == ' ')
                    why++;
            }
            return fail(p, CS_ERR_FORMAT, f->at, 1, "bad arch string: %s", why);
        }
        *index = cs_nb201_index(&c);
        return CS_OK;
    }
    uint32_t v = 0;
    bool digits = true, big = false;
    for (size_t i = 0; i < f->len && digits; i++) {
        char ch = f->text[i];
        if (ch < '0' || ch > '9')
            digits = false;
        else if (!big && (v = v * 10 + (uint32_t)(ch - '0')) >= CS_NB201_CELLS)
            big = true;
    }
    quote_text(f->text, f->len, shown, sizeof shown);
    if (!digits)
        return fail(p, CS_ERR_FORMAT, f->at, 1,
                    "'%s' is neither an arch string (|op~0|+|op~0|op~1|+|...|) nor an API index",
                    shown);
    if (big)
        return fail(p, CS_ERR_FORMAT, f->at, 1, "index %s out of range (0..%d)", shown,
                    CS_NB201_CELLS - 1);
    *index = v;
    return CS_OK;
}

static cs_status check_name(parser *p, const field *f, int fieldno, const char *what)
{
    if (f->len == 0)
        return fail(p, CS_ERR_FORMAT, f->at, fieldno, "empty %s name", what);
    if (f->len > CS_NB201_DATA_MAX_NAME)
        return fail(p, CS_ERR_FORMAT, f->at, fieldno, "%s name longer than %d characters", what,
                    CS_NB201_DATA_MAX_NAME);
    for (size_t i = 0; i < f->len; i++) {
        unsigned char c = (unsigned char)f->text[i];
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
            c == '_' || c == '.' || c == '+' || c == '-')
            continue;
        char shown[200];
        quote_text(f->text, f->len, shown, sizeof shown);
        return fail(p, CS_ERR_FORMAT, f->at, fieldno,
                    "bad %s name '%s': byte %zu is not one of A-Z a-z 0-9 _ . + -", what, shown,
                    i);
    }
    return CS_OK;
}

static cs_status parse_value(parser *p, const field *f, double *out)
{
    char shown[200];
    quote_text(f->text, f->len, shown, sizeof shown);
    if (f->len == 0)
        return fail(p, CS_ERR_FORMAT, f->at, 4, "empty value");
    /* Only decimal notation: strtod alone would also take "nan", "inf" and
     * hexadecimal floats. */
    for (size_t i = 0; i < f->len; i++) {
        char c = f->text[i];
        if (!((c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' ||
              c == '-'))
            return fail(p, CS_ERR_FORMAT, f->at, 4, "bad number '%s' (a finite decimal number)",
                        shown);
    }
    memcpy(p->num, f->text, f->len);
    p->num[f->len] = '\0';
    char *end;
    double v = strtod(p->num, &end);
    if (end != p->num + f->len)
        return fail(p, CS_ERR_FORMAT, f->at, 4, "bad number '%s' (a finite decimal number)",
                    shown);
    if (!isfinite(v))
        return fail(p, CS_ERR_FORMAT, f->at, 4, "number '%s' out of range (not finite)", shown);
    *out = v;
    return CS_OK;
}

/* The index of the name of len bytes among n names, or -1. */
static int find_name(const char names[][CS_NB201_DATA_MAX_NAME + 1], int n, const char *name,
                     size_t len)
{
    for (int i = 0; i < n; i++)
        if (strlen(names[i]) == len && memcmp(names[i], name, len) == 0)
            return i;
    return -1;
}

/* The index of a dataset or metric name, added if new; -1 past the limit. */
static int intern(char names[][CS_NB201_DATA_MAX_NAME + 1], int *n, int max, int *last,
                  const field *f)
{
    if (*last >= 0 && strlen(names[*last]) == f->len &&
        memcmp(names[*last], f->text, f->len) == 0)
        return *last;
    int i = find_name((const char(*)[CS_NB201_DATA_MAX_NAME + 1])names, *n, f->text, f->len);
    if (i >= 0)
        return *last = i;
    if (*n == max)
        return -1;
    memcpy(names[*n], f->text, f->len);
    names[*n][f->len] = '\0';
    return *last = (*n)++;
}

static cs_status add_row(parser *p, const field f[NFIELDS])
{
    cs_nb201_data *d = p->d;
    uint32_t cell = 0;
    double v = 0.0;
    cs_status st;
    if ((st = parse_cell(p, &f[0], &cell)) || (st = check_name(p, &f[1], 2, "dataset")) ||
        (st = check_name(p, &f[2], 3, "metric")) || (st = parse_value(p, &f[3], &v)))
        return st;
    if (d->rows == CS_NB201_DATA_MAX_ROWS)
        return fail(p, CS_ERR_LIMIT, p->line_start, 0, "more than %zu rows",
                    CS_NB201_DATA_MAX_ROWS);
    int ds = intern(d->datasets, &d->ndatasets, CS_NB201_DATA_MAX_DATASETS, &p->last_dataset,
                    &f[1]);
    if (ds < 0)
        return fail(p, CS_ERR_LIMIT, f[1].at, 2, "more than %d datasets",
                    CS_NB201_DATA_MAX_DATASETS);
    int m = intern(d->metrics, &d->nmetrics, CS_NB201_DATA_MAX_METRICS, &p->last_metric, &f[2]);
    if (m < 0)
        return fail(p, CS_ERR_LIMIT, f[2].at, 3, "more than %d metrics",
                    CS_NB201_DATA_MAX_METRICS);
    nb201_pair *pr = d->pairs[ds][m];
    if (!pr && !(pr = d->pairs[ds][m] = calloc(1, sizeof *pr)))
        return fail(p, CS_ERR_NOMEM, p->line_start, 0, "out of memory");
    uint32_t n = ++pr->count[cell];
    double delta = v - pr->mean[cell];
    pr->mean[cell] += delta / n;
    pr->sd[cell] += delta * (v - pr->mean[cell]);
    d->rows++;
    return CS_OK;
}

static void finish_pair(nb201_pair *pr)
{
    pr->cells = 0;
    for (size_t i = 0; i < CS_NB201_CELLS; i++) {
        uint32_t n = pr->count[i];
        if (n == 0) {
            pr->mean[i] = NAN;
            pr->sd[i] = NAN;
        } else {
            pr->cells++;
            pr->sd[i] = n == 1 ? 0.0 : sqrt(pr->sd[i] / (double)(n - 1));
        }
    }
}

static cs_status parse(parser *p)
{
    const char *buf = p->buf;
    size_t len = p->len;
    size_t pos = 0;
    bool have_header = false;
    size_t header_line = 0;
    /* Spreadsheets write a UTF-8 byte order mark; it is not part of "arch". */
    if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
        pos = 3;
    p->line = 0;
    while (pos < len) {
        p->line++;
        p->line_start = pos;
        const char *s = buf + pos;
        const char *nl = memchr(s, '\n', len - pos);
        const char *e = nl ? nl : buf + len;
        pos = nl ? (size_t)(nl - buf) + 1 : len;
        if (nl && e > s && e[-1] == '\r')
            e--;
        const char *nul = memchr(s, '\0', (size_t)(e - s));
        if (nul)
            return fail(p, CS_ERR_FORMAT, (size_t)(nul - buf), 0, "NUL byte (not a text file)");
        if ((size_t)(e - s) > CS_NB201_DATA_MAX_LINE)
            return fail(p, CS_ERR_LIMIT, p->line_start, 0, "line longer than %d bytes",
                        CS_NB201_DATA_MAX_LINE);
        const char *t = s;
        while (t < e && is_blank(*t))
            t++;
        if (t == e)
            continue;
        if (*t == '#') {
            const char *a = t + 1, *b = e;
            while (a < b && is_blank(*a))
                a++;
            while (b > a && is_blank(b[-1]))
                b--;
            if (b - a == 9 && strncasecmp(a, "synthetic", 9) == 0)
                p->d->synthetic = true;
            continue;
        }
        field f[NFIELDS];
        int nf = 0;
        cs_status st = split_fields(p, s, e, f, &nf);
        if (st)
            return st;
        if (!have_header) {
            if ((st = check_header(p, f, nf)))
                return st;
            have_header = true;
            header_line = p->line;
            continue;
        }
        if (nf != NFIELDS)
            return fail(p, CS_ERR_FORMAT, p->line_start, 0,
                        "%d fields; expected 4 (cell,dataset,metric,value)", nf);
        if ((st = add_row(p, f)))
            return st;
    }
    /* The position after the last line, for the messages below. */
    if (len > 0 && buf[len - 1] == '\n')
        p->line++;
    if (p->line == 0)
        p->line = 1;
    p->line_start = len;
    if (!have_header)
        return fail(p, CS_ERR_FORMAT, len, 0, "%s: no header (expected arch,dataset,metric,value)",
                    len == 0 ? "empty file" : "only comments and blank lines");
    if (p->d->rows == 0)
        return fail(p, CS_ERR_FORMAT, len, 0, "no data rows after the header on line %zu",
                    header_line);
    return CS_OK;
}

/* --- reading ------------------------------------------------------------------ */

cs_status cs_nb201_data_read_memory(const char *buf, size_t len, const char *name,
                                    cs_nb201_data **out, cs_error *err)
{
    *out = NULL;
    if (!name)
        name = "<memory>";
    if (!buf && len > 0)
        return cs_error_set(err, CS_ERR_ARG, "%s: no buffer", name);
    cs_nb201_data *d = calloc(1, sizeof *d);
    parser *p = malloc(sizeof *p);
    if (!d || !p || !(d->source = strdup(name))) {
        free(p);
        cs_nb201_data_destroy(d);
        return cs_error_set(err, CS_ERR_NOMEM, "%s: out of memory", name);
    }
    p->buf = buf ? buf : "";
    p->len = len;
    p->name = name;
    p->err = err;
    p->d = d;
    p->last_dataset = p->last_metric = -1;
    cs_status st = parse(p);
    free(p);
    if (st == CS_OK) {
        unsigned char md[EVP_MAX_MD_SIZE];
        unsigned mdlen = 0;
        if (!EVP_Digest(buf ? buf : "", len, md, &mdlen, EVP_sha256(), NULL) || mdlen != 32)
            st = cs_error_set(err, CS_ERR_NOMEM, "%s: SHA-256 failed", name);
        for (unsigned i = 0; i < mdlen && st == CS_OK; i++)
            snprintf(d->sha256 + 2 * i, 3, "%02x", md[i]);
    }
    if (st != CS_OK) {
        cs_nb201_data_destroy(d);
        return st;
    }
    for (int i = 0; i < d->ndatasets; i++)
        for (int m = 0; m < d->nmetrics; m++)
            if (d->pairs[i][m])
                finish_pair(d->pairs[i][m]);
    *out = d;
    return CS_OK;
}

/* The whole of fd (a file, a pipe or a terminal) in a malloc'd buffer. */
static cs_status slurp(int fd, const char *name, char **out, size_t *outlen, cs_error *err)
{
    struct stat sb;
    size_t cap = 1 << 16;
    if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_size >= 0 &&
        (uintmax_t)sb.st_size < SIZE_MAX / 2)
        cap = (size_t)sb.st_size + 1; /* +1: end of file is seen without a regrowth */
    char *buf = malloc(cap);
    if (!buf)
        return cs_error_set(err, CS_ERR_NOMEM, "%s: out of memory (%zu bytes)", name, cap);
    size_t n = 0;
    for (;;) {
        if (n == cap) {
            if (cap > SIZE_MAX / 2) {
                free(buf);
                return cs_error_set(err, CS_ERR_NOMEM, "%s: too large to hold in memory", name);
            }
            char *nb = realloc(buf, cap * 2);
            if (!nb) {
                free(buf);
                return cs_error_set(err, CS_ERR_NOMEM, "%s: out of memory (%zu bytes)", name,
                                    cap * 2);
            }
            buf = nb;
            cap *= 2;
        }
        ssize_t r = read(fd, buf + n, cap - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            int e = errno;
            free(buf);
            return cs_error_set(err, CS_ERR_IO, "%s: read failed at byte %zu: %s", name, n,
                                strerror(e));
        }
        if (r == 0)
            break;
        n += (size_t)r;
    }
    *out = buf;
    *outlen = n;
    return CS_OK;
}

cs_status cs_nb201_data_read(const char *path, cs_nb201_data **out, cs_error *err)
{
    *out = NULL;
    bool std_in = strcmp(path, "-") == 0;
    const char *name = std_in ? "<stdin>" : path;
    int fd = std_in ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return cs_error_set(err, CS_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    char *buf = NULL;
    size_t len = 0;
    cs_status st = slurp(fd, name, &buf, &len, err);
    if (!std_in)
        close(fd);
    if (st == CS_OK)
        st = cs_nb201_data_read_memory(buf, len, name, out, err);
    free(buf);
    return st;
}

void cs_nb201_data_destroy(cs_nb201_data *d)
{
    if (!d)
        return;
    for (int i = 0; i < CS_NB201_DATA_MAX_DATASETS; i++)
        for (int m = 0; m < CS_NB201_DATA_MAX_METRICS; m++)
            free(d->pairs[i][m]);
    free(d->source);
    free(d);
}

/* --- queries ------------------------------------------------------------------ */

const char *cs_nb201_data_source(const cs_nb201_data *d)
{
    return d->source;
}

bool cs_nb201_data_synthetic(const cs_nb201_data *d)
{
    return d->synthetic;
}

size_t cs_nb201_data_rows(const cs_nb201_data *d)
{
    return d->rows;
}

int cs_nb201_data_num_datasets(const cs_nb201_data *d)
{
    return d->ndatasets;
}

const char *cs_nb201_data_dataset(const cs_nb201_data *d, int i)
{
    return i >= 0 && i < d->ndatasets ? d->datasets[i] : NULL;
}

int cs_nb201_data_find_dataset(const cs_nb201_data *d, const char *name)
{
    return name ? find_name(d->datasets, d->ndatasets, name, strlen(name)) : -1;
}

int cs_nb201_data_num_metrics(const cs_nb201_data *d)
{
    return d->nmetrics;
}

const char *cs_nb201_data_metric(const cs_nb201_data *d, int i)
{
    return i >= 0 && i < d->nmetrics ? d->metrics[i] : NULL;
}

int cs_nb201_data_find_metric(const cs_nb201_data *d, const char *name)
{
    return name ? find_name(d->metrics, d->nmetrics, name, strlen(name)) : -1;
}

static const nb201_pair *pair_at(const cs_nb201_data *d, int dataset, int metric)
{
    if (dataset < 0 || dataset >= d->ndatasets || metric < 0 || metric >= d->nmetrics)
        return NULL;
    return d->pairs[dataset][metric];
}

const double *cs_nb201_data_means(const cs_nb201_data *d, int dataset, int metric)
{
    const nb201_pair *pr = pair_at(d, dataset, metric);
    return pr ? pr->mean : NULL;
}

const double *cs_nb201_data_stddevs(const cs_nb201_data *d, int dataset, int metric)
{
    const nb201_pair *pr = pair_at(d, dataset, metric);
    return pr ? pr->sd : NULL;
}

const uint32_t *cs_nb201_data_counts(const cs_nb201_data *d, int dataset, int metric)
{
    const nb201_pair *pr = pair_at(d, dataset, metric);
    return pr ? pr->count : NULL;
}

size_t cs_nb201_data_cells(const cs_nb201_data *d, int dataset, int metric)
{
    const nb201_pair *pr = pair_at(d, dataset, metric);
    return pr ? pr->cells : 0;
}

const char *cs_nb201_data_sha256(const cs_nb201_data *d)
{
    return d->sha256;
}

/* The metrics the data have for a dataset, for messages. */
void cs_nb201_data_list_metrics(const cs_nb201_data *d, int ds, char *buf, size_t size)
{
    size_t len = 0;
    buf[0] = '\0';
    for (int m = 0; m < cs_nb201_data_num_metrics(d) && len < size; m++)
        if (cs_nb201_data_means(d, ds, m))
            len += (size_t)snprintf(buf + len, size - len, "%s%s", len ? ", " : "",
                                    cs_nb201_data_metric(d, m));
}

/* The metric `name` of dataset ds, or -1 if the data lack it. */
int cs_nb201_data_metric_of(const cs_nb201_data *d, int ds, const char *name)
{
    int m = cs_nb201_data_find_metric(d, name);
    return m >= 0 && cs_nb201_data_means(d, ds, m) ? m : -1;
}
