/*
 * deliver: hands one notification (a JSON text) to whatever the office plugged in - an HTTP
 * webhook (POST, signed with HMAC-SHA256 when a secret is set), a command (the JSON on its
 * standard input), or, when neither is configured, the log, which is what development wants.
 * It blocks for at most the timeout; the caller retries on failure.
 */
#ifndef LIAISON_CORE_DELIVER_H
#define LIAISON_CORE_DELIVER_H

#include <stddef.h>

typedef struct {
    const char *webhook; /* URL, or "" */
    const char *secret;  /* HMAC key for the webhook's X-Liaison-Signature header, or "" */
    const char *command; /* run by /bin/sh -c, or "" */
    int timeout_s;
} deliver_config_t;

/* 0 when delivered (a 2xx answer, exit status 0, or logged), else -1 with the reason in err. */
int deliver_message(const deliver_config_t *c, const char *json, char *err, size_t errlen);

#endif
