/*
 * deliver: hands one notification to a gateway the office plugged in - an HTTP webhook (POST,
 * signed), a command (the JSON on its standard input) or a mail server (SMTP through libcurl) -
 * and holds the pure parts of it: the signature, the placeholders of a template, the text of an
 * e-mail, the pause before the next try. Each call blocks for at most timeout_s; the caller
 * retries on failure. Functions that can fail return 0, or -1 with the reason in err.
 *
 * The signature (docs/OPERATIONS.md, Notifications): for a body B sent at UNIX time T with key K,
 *   X-Liaison-Timestamp: T
 *   X-Liaison-Signature: sha256=hex(HMAC-SHA256(K, T "." B))
 * so a receiver that checks the signature and refuses a T far from its clock refuses a replay.
 */
#ifndef LIAISON_CORE_DELIVER_H
#define LIAISON_CORE_DELIVER_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

enum { DELIVER_SIGNATURE_LEN = 7 + 64 }; /* "sha256=" and 64 hex digits */

/* The X-Liaison-Signature value of body sent at ts, keyed with secret. */
void deliver_signature(const char *secret, int64_t ts, const char *body, char out[DELIVER_SIGNATURE_LEN + 1]);

/* POSTs body (application/json) to url, with X-Liaison-Event and X-Liaison-Delivery (the
 * message's id) and, when secret is not empty, the timestamp and signature. A 2xx answer is
 * delivered. */
int deliver_webhook(const char *url, const char *secret, const char *event, int64_t id, const char *body,
                    int timeout_s, char *err, size_t errlen);

/* Runs command with /bin/sh -c, body on its standard input; exit status 0 is delivered. */
int deliver_command(const char *command, const char *body, int timeout_s, char *err, size_t errlen);

/* One e-mail. Addresses are bare (a@b.c); subject and text are UTF-8. */
typedef struct {
    const char *from, *to, *subject, *text;
    int64_t id;   /* the message's id, in its Message-ID */
    int64_t date; /* UNIX time of the Date header */
} deliver_mail_t;

/* True for an address a mail header may carry: local@domain, printable ASCII, no spaces, no
 * angle brackets, at most 254 bytes. */
int deliver_address_valid(const char *address);
/* The RFC 5322 text of m (CRLF lines; subject as an RFC 2047 word, text in base64), malloc'd;
 * NULL when an address is not valid. */
char *deliver_mail_text(const deliver_mail_t *m);
/* Sends m through the SMTP server at url (smtp:// with STARTTLS when offered, or smtps://). */
int deliver_mail(const char *url, const deliver_mail_t *m, int timeout_s, char *err, size_t errlen);

/* The template with every {key} replaced by the payload's member key (a string or a number);
 * an unknown key becomes "". malloc'd; NULL only when memory runs out. */
char *deliver_fill(const char *template_text, const json_t *payload);

/* Seconds to wait after the attempts-th failure (1 = the first): first doubled each time, at
 * most max_s. */
long deliver_backoff(int attempts, long first_s, long max_s);

#endif
