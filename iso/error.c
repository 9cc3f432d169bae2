#include "cs_error.h"

#include <stdio.h>
#include <string.h>

const char *cs_status_name(cs_status code)
{
    switch (code) {
    case CS_OK: return "OK";
    case CS_ERR_VALUE: return "ValueError";
    case CS_ERR_DOMAIN: return "OutOfDomainError";
    case CS_ERR_PARSE: return "ParseError";
    case CS_ERR_IO: return "IOError";
    case CS_ERR_NOMEM: return "MemoryError";
    case CS_ERR_FORMAT: return "FormatError";
    case CS_ERR_NOTFOUND: return "NotFound";
    case CS_ERR_VERIFY: return "VerificationError";
    case CS_ERR_ARG: return "ArgumentError";
    case CS_ERR_LIMIT: return "LimitError";
    case CS_ERR_KEY: return "KeyError";
    case CS_ERR_CANCELLED: return "Cancelled";
    }
    return "UnknownError";
}

cs_status cs_error_setv(cs_error *err, cs_status code, const char *fmt, va_list ap)
{
    if (err) {
        err->code = code;
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    }
    return code;
}

cs_status cs_error_set(cs_error *err, cs_status code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    cs_error_setv(err, code, fmt, ap);
    va_end(ap);
    return code;
}

cs_status cs_error_prefix(cs_error *err, const char *fmt, ...)
{
    if (!err)
        return CS_OK;
    char prefix[CS_ERROR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof prefix, fmt, ap);
    va_end(ap);
    /* Truncation keeps the prefix: it names the file and record at fault. */
    size_t plen = strlen(prefix);
    size_t mlen = strlen(err->msg);
    if (plen + mlen >= sizeof err->msg)
        mlen = sizeof err->msg - 1 - plen;
    memmove(err->msg + plen, err->msg, mlen);
    memcpy(err->msg, prefix, plen);
    err->msg[plen + mlen] = '\0';
    return err->code;
}

void cs_error_clear(cs_error *err)
{
    if (err) {
        err->code = CS_OK;
        err->msg[0] = '\0';
    }
}
