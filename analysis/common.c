/* The analysis context and the writers every analysis uses. */
#include "cs_analysis.h"
#include "analysis_writers.h"
#include "cs_export.h"
#include "cs_nb201_data.h"

#include <stdlib.h>
#include <string.h>

cs_status cs_analysis_ctx_init(cs_analysis_ctx *ctx, const cs_space *space,
                               const cs_store *store, cs_error *err)
{
    ctx->space = space;
    ctx->store = store;
    ctx->class_entry = NULL;
    ctx->entry_class = NULL;
    if (!ctx->data_name)
        ctx->data_name = store ? "dataset" : "none (structure only)";
    if (!store)
        return CS_OK;
    size_t nc = cs_space_num_classes(space), ne = cs_store_num_cells(store);
    ctx->class_entry = malloc(nc * sizeof *ctx->class_entry);
    ctx->entry_class = malloc((ne ? ne : 1) * sizeof *ctx->entry_class);
    if (!ctx->class_entry || !ctx->entry_class) {
        cs_analysis_ctx_destroy(ctx);
        return cs_error_set(err, CS_ERR_NOMEM, "out of memory");
    }
    for (size_t i = 0; i < nc; i++)
        ctx->class_entry[i] = -1;
    for (size_t e = 0; e < ne; e++) {
        int64_t c = cs_space_find_canon(space, &cs_store_entry_at(store, e)->canon);
        if (c < 0) {
            char hex[33];
            cs_hash_to_hex(cs_store_entry_at(store, e)->hash, hex);
            cs_analysis_ctx_destroy(ctx);
            return cs_error_set(err, CS_ERR_FORMAT,
                                "dataset cell %s is not in the space being analysed", hex);
        }
        ctx->entry_class[e] = c;
        ctx->class_entry[c] = (int64_t)e;
    }
    return CS_OK;
}

void cs_analysis_ctx_destroy(cs_analysis_ctx *ctx)
{
    free(ctx->class_entry);
    free(ctx->entry_class);
    ctx->class_entry = ctx->entry_class = NULL;
}

bool cs_analysis_synthetic(const cs_analysis_ctx *ctx)
{
    if (ctx->nb201)
        return ctx->synthetic || cs_nb201_data_synthetic(ctx->nb201);
    return ctx->store && (ctx->synthetic || cs_store_synthetic(ctx->store));
}

static cs_status join_path(char *buf, size_t size, const char *dir, const char *file,
                           cs_error *err)
{
    if ((size_t)snprintf(buf, size, "%s/%s", dir, file) >= size)
        return cs_error_set(err, CS_ERR_ARG, "output path too long: %s/%s", dir, file);
    return CS_OK;
}

cs_analysis_source cs_analysis_source_of(const cs_analysis_ctx *ctx)
{
    cs_analysis_source src = {ctx->data_name, NULL, cs_analysis_synthetic(ctx)};
    if (ctx->store || ctx->nb201)
        src.benchmark = ctx->nb201 ? "NAS-Bench-201" : "NAS-Bench-101";
    return src;
}

cs_status cs_analysis_tsv_open_as(const cs_analysis_source *src, uint64_t seed,
                                  const char *outdir, const char *file, const char *what,
                                  const char *columns, cs_outfile *out, cs_error *err)
{
    char path[4096];
    cs_status st = join_path(path, sizeof path, outdir, file, err);
    if (st || (st = cs_outfile_open(out, path, err)))
        return st;
    fprintf(out->f, "# %s\n", what);
    if (src->benchmark)
        fprintf(out->f, "# data: %s (%s%s results)\n", src->name,
                src->synthetic ? "SYNTHETIC data, not " : "", src->benchmark);
    else
        fprintf(out->f, "# data: none: the search space's structure, exact\n");
    fprintf(out->f, "# seed: %llu\n%s\n", (unsigned long long)seed, columns);
    return CS_OK;
}

cs_status cs_analysis_tsv_open(const cs_analysis_ctx *ctx, const char *outdir,
                               const char *file, const char *what, const char *columns,
                               cs_outfile *out, cs_error *err)
{
    cs_analysis_source src = cs_analysis_source_of(ctx);
    return cs_analysis_tsv_open_as(&src, ctx->seed, outdir, file, what, columns, out, err);
}

void cs_analysis_put_double(FILE *f, double d)
{
    char buf[40];
    cs_format_double(buf, sizeof buf, d);
    fputs(buf, f);
}

cs_status cs_analysis_close(cs_outfile *out, cs_error *err)
{
    if (ferror(out->f)) {
        cs_outfile_abort(out);
        return cs_error_set(err, CS_ERR_IO, "write failed");
    }
    return cs_outfile_commit(out, err);
}

cs_status cs_analysis_json_write_as(const cs_analysis_source *src, uint64_t seed,
                                    const char *outdir, const char *file,
                                    const char *analysis, const char *body, cs_error *err)
{
    char path[4096];
    cs_outfile out;
    cs_status st = join_path(path, sizeof path, outdir, file, err);
    if (st || (st = cs_outfile_open(&out, path, err)))
        return st;
    cs_jb j;
    cs_jb_start(&j, out.f);
    cs_jb_open(&j, '{');
    cs_jb_ks(&j, "analysis", analysis);
    cs_jb_ks(&j, "data", src->name);
    cs_jb_kb(&j, "synthetic", src->synthetic);
    cs_jb_ku(&j, "seed", seed);
    if (body)
        cs_jb_fields(&j, body);
    cs_jb_close(&j, '}');
    fputc('\n', out.f);
    return cs_analysis_close(&out, err);
}

cs_status cs_analysis_json_write(const cs_analysis_ctx *ctx, const char *outdir,
                                 const char *file, const char *analysis,
                                 const char *body, cs_error *err)
{
    cs_analysis_source src = cs_analysis_source_of(ctx);
    return cs_analysis_json_write_as(&src, ctx->seed, outdir, file, analysis, body, err);
}
