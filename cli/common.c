#include "cli.h"

#include <errno.h>
#include <signal.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

void cs_cli_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "cellscape %s: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

bool cs_cli_int(const char *cmd, const char *opt, const char *text, int lo, int hi,
                int *out)
{
    char *end;
    errno = 0;
    long v = strtol(text, &end, 10);
    if (errno || end == text || *end || v < lo || v > hi) {
        cs_cli_error(cmd, "%s takes a whole number from %d to %d, not '%s'", opt,
                     lo, hi, text);
        return false;
    }
    *out = (int)v;
    return true;
}

void cs_cli_jb_matrix(cs_jb *j, const cs_cell *c)
{
    cs_jb_open(j, '[');
    for (int a = 0; a < c->n; a++) {
        cs_jb_open(j, '[');
        for (int b = 0; b < c->n; b++)
            cs_jb_int(j, c->adj[a] >> b & 1);
        cs_jb_close(j, ']');
    }
    cs_jb_close(j, ']');
}

int cs_cli_exit_for(cs_status st)
{
    switch (st) {
    case CS_OK: return CS_EXIT_OK;
    case CS_ERR_ARG: return CS_EXIT_USAGE;
    case CS_ERR_VERIFY: return CS_EXIT_VERIFY;
    case CS_ERR_IO: return CS_EXIT_IO;
    case CS_ERR_CANCELLED: return CS_EXIT_IO; /* the signal's own status, once raised */
    case CS_ERR_NOMEM: return CS_EXIT_INTERNAL;
    default: return CS_EXIT_INPUT;
    }
}

int cs_cli_exit_for_input(cs_status st)
{
    return st == CS_ERR_IO ? CS_EXIT_INPUT : cs_cli_exit_for(st);
}

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

void cs_progress_init(cs_progress *p, const char *cmd, bool quiet)
{
    const char *env = getenv("CELLSCAPE_PROGRESS");
    p->cmd = cmd;
    p->enabled = !quiet && (env ? strcmp(env, "0") != 0 : isatty(STDERR_FILENO));
    p->start = now();
    p->last = 0;
}

void cs_progress_report(void *arg, const char *phase, double done)
{
    cs_progress *p = arg;
    if (!p->enabled)
        return;
    double t = now();
    /* Quiet for the first second: short runs print nothing. */
    if (t - p->start < 1.0 || t - p->last < 0.5)
        return;
    p->last = t;
    fprintf(stderr, "\rcellscape %s: %s %5.1f%% (%.1f s)   ", p->cmd, phase,
            100.0 * done, t - p->start);
    fflush(stderr);
}

void cs_progress_done(cs_progress *p)
{
    if (p->enabled && p->last > 0)
        fprintf(stderr, "\r%*s\r", 70, "");
}


void cs_inputs_init(cs_inputs *in, int argc, char **argv, int first)
{
    memset(in, 0, sizeof *in);
    in->argc = argc;
    in->argv = argv;
    in->next = first;
    in->from_args = first < argc;
}

int cs_inputs_next(cs_inputs *in, const char **text, size_t *len)
{
    if (in->from_args) {
        if (in->next >= in->argc)
            return 0;
        *text = in->argv[in->next++];
        *len = strlen(*text);
        in->lineno++;
        return 1;
    }
    for (;;) {
        errno = 0;
        ssize_t n = getline(&in->line, &in->cap, stdin);
        if (n < 0) {
            /* End of input, or a read error (standard input a directory,
             * an I/O error): the latter must not pass for the former. */
            if (ferror(stdin)) {
                in->read_errno = errno ? errno : EIO;
                return -1;
            }
            return 0;
        }
        in->lineno++;
        size_t i = 0;
        while (i < (size_t)n && (in->line[i] == ' ' || in->line[i] == '\t'))
            i++;
        if (i == (size_t)n || in->line[i] == '\n' || in->line[i] == '\r' || in->line[i] == '#')
            continue;
        *text = in->line;
        *len = (size_t)n;
        return 1;
    }
}

void cs_inputs_destroy(cs_inputs *in)
{
    free(in->line);
    in->line = NULL;
}

/* Process-wide by nature: a signal handler can only reach a global. */
static volatile sig_atomic_t interrupted_by;

static void on_signal(int sig)
{
    interrupted_by = sig;
}

static const int caught_signals[CS_INTERRUPT_SIGNALS] = {SIGINT, SIGTERM, SIGHUP};

void cs_interrupts_catch(cs_interrupts *in)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    interrupted_by = 0;
    for (int i = 0; i < CS_INTERRUPT_SIGNALS; i++) {
        sigaction(caught_signals[i], NULL, &in->old[i]);
        /* Signals ignored on entry (nohup, background jobs) stay ignored. */
        if (in->old[i].sa_handler != SIG_IGN)
            sigaction(caught_signals[i], &sa, NULL);
    }
}

bool cs_interrupted(void *user)
{
    (void)user;
    return interrupted_by != 0;
}

int cs_interrupts_release(cs_interrupts *in)
{
    int sig = interrupted_by;
    for (int i = 0; i < CS_INTERRUPT_SIGNALS; i++)
        sigaction(caught_signals[i], &in->old[i], NULL);
    return sig;
}
