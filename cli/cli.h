/* The cellscape command: shared declarations of its subcommands. */
#ifndef CS_CLI_H
#define CS_CLI_H

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>

#include "cs_error.h"
#include "cs_iso.h"
#include "cs_json.h"

/* Exit codes (documented in cellscape(1) and README). */
enum {
    CS_EXIT_OK = 0,
    CS_EXIT_INPUT = 1,    /* some input was malformed or could not be read */
    CS_EXIT_USAGE = 2,    /* bad command line */
    CS_EXIT_VERIFY = 3,   /* a certification check failed */
    CS_EXIT_IO = 4,       /* an output could not be written */
    CS_EXIT_INTERNAL = 5, /* out of memory and the like */
    CS_EXIT_PARTIAL = 6   /* done, but part of the input was lost (import
                             --keep-going: bad records skipped or a cut file) */
};

int cs_cmd_cell(int argc, char **argv);
int cs_cmd_enum(int argc, char **argv);

/* "cellscape CMD: message" on stderr. */
void cs_cli_error(const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Parse a whole decimal int in [lo, hi]; names the option on error. */
bool cs_cli_int(const char *cmd, const char *opt, const char *text, int lo, int hi,
                int *out);
/* c's adjacency matrix as JSON rows of 0 and 1 (the reference's
 * module_adjacency). */
void cs_cli_jb_matrix(cs_jb *j, const cs_cell *c);
/* Map a library status to an exit code. */
int cs_cli_exit_for(cs_status st);
/* The same for reading an input: a file that cannot be read is bad input
 * (1), not an output that could not be written (4). */
int cs_cli_exit_for_input(cs_status st);

/* Progress lines on stderr, throttled, only when stderr is a terminal or
 * CELLSCAPE_PROGRESS=1 (so logs of scripts stay clean). */
typedef struct cs_progress {
    const char *cmd;
    bool enabled;
    double start, last;
} cs_progress;
void cs_progress_init(cs_progress *p, const char *cmd, bool quiet);
void cs_progress_report(void *p, const char *phase, double done);
void cs_progress_done(cs_progress *p);

/* Long writes catch SIGINT, SIGTERM and SIGHUP so that the library can stop
 * between blocks (cs_interrupted is its cancel callback) and the temporary
 * file can go; release returns the signal caught (0: none), which the
 * command raises again once its handlers are restored. */
#define CS_INTERRUPT_SIGNALS 3
typedef struct cs_interrupts {
    struct sigaction old[CS_INTERRUPT_SIGNALS];
} cs_interrupts;
void cs_interrupts_catch(cs_interrupts *in);
bool cs_interrupted(void *user);
int cs_interrupts_release(cs_interrupts *in);


int cs_cmd_import(int argc, char **argv);
int cs_cmd_query(int argc, char **argv);
int cs_cmd_analyze(int argc, char **argv);
int cs_cmd_synth(int argc, char **argv);
int cs_cmd_export(int argc, char **argv);
int cs_cmd_report(int argc, char **argv);


/* Input of cell-reading commands: the arguments from index `first`, or, when
 * there are none, standard input line by line (blank and # lines skipped).
 * Returns 1 with the next text, 0 at the end, -1 when standard input
 * cannot be read (read_errno says why; the command fails with it). */
typedef struct cs_inputs {
    bool from_args;
    int argc, next;
    char **argv;
    char *line;
    size_t cap;
    long lineno;
    int read_errno;
} cs_inputs;
void cs_inputs_init(cs_inputs *in, int argc, char **argv, int first);
int cs_inputs_next(cs_inputs *in, const char **text, size_t *len);
void cs_inputs_destroy(cs_inputs *in);
#endif
