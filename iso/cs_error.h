/* cellscape: status codes and error reports shared by every module.
 *
 * Library functions never print and never exit: they return a cs_status and,
 * when given a cs_error, fill it with a message that names the input at fault.
 * The CLI prints the message. */
#ifndef CS_ERROR_H
#define CS_ERROR_H

#include <stdarg.h>

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

#ifdef __cplusplus
}
#endif
#endif
