/* cellscape: the command-line front of libcellscape. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cli.h"

typedef struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} command;

static const command commands[] = {
    {"cell", cs_cmd_cell, "prune, check, hash and canonicalise cells"},
    {"enum", cs_cmd_enum, "regenerate and certify the search space"},
    {"import", cs_cmd_import, "read a dataset .tfrecord into a store"},
    {"query", cs_cmd_query, "look cells up in a store or .tfrecord"},
    {"export", cs_cmd_export, "write a store as CSV, JSON lines or SQLite"},
    {"synth", cs_cmd_synth, "write a SYNTHETIC dataset file in the official format"},
    {"analyze", cs_cmd_analyze, "compute the analyses behind the paper's figures"},
    {"report", cs_cmd_report, "build the report: every figure, headline numbers, index.html"},
};

static void usage(FILE *f)
{
    fprintf(f,
            "Usage: cellscape COMMAND [OPTIONS]\n"
            "       cellscape COMMAND --help\n\n"
            "The NAS-Bench-101 search space: cells, module hashes, canonical forms\n"
            "and the certified enumeration.\n\nCommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  %-8s %s\n", commands[i].name, commands[i].summary);
    fprintf(f, "\nExit codes: 0 success, 1 malformed input, 2 bad usage, "
               "3 verification failed,\n4 output not written, 5 internal error.\n"
               "See cellscape(1).\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return CS_EXIT_USAGE;
    }
    if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") ||
        !strcmp(argv[1], "help")) {
        usage(stdout);
        return CS_EXIT_OK;
    }
    if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
        printf("cellscape %s\n", PACKAGE_VERSION);
        return CS_EXIT_OK;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (!strcmp(argv[1], commands[i].name))
            return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "cellscape: unknown command '%s'\n\n", argv[1]);
    usage(stderr);
    return CS_EXIT_USAGE;
}
