/* cellscape: status codes and error reports shared by every module.
 *
 * Library functions never print and never exit: they return a cs_status and,
 * when given a cs_error, fill it with a message that names the input at fault.
 * The CLI prints the message. */
#ifndef CS_ERROR_H
#define CS_ERROR_H

#include <stdarg.h>
#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum cs_status {
    CS_OK = 0,
    CS_ERR_VALUE,   /* the reference API's ValueError: a malformed spec */
    CS_ERR_DOMAIN,  /* the reference API's OutOfDomainError */
    CS_ERR_PARSE,   /* text that is not a cell, a number, JSON, ... */
    CS_ERR_IO,      /* open, read, write, rename failed */
    CS_ERR_NOMEM,
    CS_ERR_FORMAT,  /* a file whose bytes break its format (CRC, framing, ...) */
    CS_ERR_NOTFOUND,
    CS_ERR_VERIFY,  /* a certification check failed */
    CS_ERR_ARG,     /* an argument out of range */
    CS_ERR_LIMIT,   /* an input larger than this build supports */
    CS_ERR_KEY,     /* the reference API's KeyError: a module hash the dataset lacks */
    CS_ERR_CANCELLED /* the caller's cancel callback asked to stop: nothing was
                        written (a command's interrupt, a script's timeout) */
} cs_status;

/* What a long call reports to its caller and asks of it, for every long
 * call alike (enumeration, import, export, synth, analyses, report): its
 * progress now and then (phase, fraction done 0..1), and whether to stop,
 * polled between steps; a call told to stop returns CS_ERR_CANCELLED
 * ("cancelled") and leaves nothing behind.  Both are called from the
 * calling thread; each may be NULL (a zeroed monitor watches nothing). */
typedef struct cs_monitor {
    void (*progress)(void *user, const char *phase, double done);
    void *progress_user;
    bool (*cancelled)(void *user);
    void *cancel_user;
} cs_monitor;

static inline void cs_monitor_progress(const cs_monitor *m, const char *phase, double done)
{
    if (m && m->progress)
        m->progress(m->progress_user, phase, done);
}

static inline bool cs_monitor_cancelled(const cs_monitor *m)
{
    return m && m->cancelled && m->cancelled(m->cancel_user);
}

#define CS_ERROR_MSG_MAX 512

typedef struct cs_error {
    cs_status code;
    char msg[CS_ERROR_MSG_MAX];
} cs_error;

/* The reference API's exception class for code (ValueError, OutOfDomainError),
 * or a short name for our own kinds (ParseError, IOError, ...). */
const char *cs_status_name(cs_status code);

/* Fill err (which may be NULL) and return code, so callers can write
 * `return cs_error_set(err, CS_ERR_IO, "cannot open %s", path);`. */
cs_status cs_error_set(cs_error *err, cs_status code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
cs_status cs_error_setv(cs_error *err, cs_status code, const char *fmt, va_list ap);

/* Prefix an existing message with more context ("line 3: ..."). */
cs_status cs_error_prefix(cs_error *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

void cs_error_clear(cs_error *err);

/* CS_ERR_CANCELLED ("cancelled") in err when m says stop, else CS_OK: how a
 * long call polls its monitor between steps. */
static inline cs_status cs_monitor_check(const cs_monitor *m, cs_error *err)
{
    return cs_monitor_cancelled(m) ? cs_error_set(err, CS_ERR_CANCELLED, "cancelled") : CS_OK;
}

#ifdef __cplusplus
}
#endif
#endif
