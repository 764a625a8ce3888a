/*
 * password: argon2id hashes (libsodium's crypto_pwhash_str, interactive limits) and the rules a
 * new password must meet. Hashing takes tens of milliseconds on purpose: call it from a worker
 * thread, never from an event loop.
 */
#ifndef LIAISON_AUTH_PASSWORD_H
#define LIAISON_AUTH_PASSWORD_H

#include <stdbool.h>
#include <stddef.h>

enum { PASSWORD_HASH_MAX = 128, PASSWORD_MIN_CHARS = 8, PASSWORD_MAX_BYTES = 256 };

/* Initialises libsodium; call once at start. Returns 0, or -1 if the library can't start. */
int password_init(void);
/* Writes a self-describing argon2id string into out. Returns 0 or -1 (out of memory). */
int password_hash(const char *password, char out[PASSWORD_HASH_MAX]);
bool password_verify(const char *hash, const char *password);
/* NULL when acceptable, or a message saying what is wrong (static English text). */
const char *password_problem(const char *password);
/* Verifies against a fixed dummy hash, so a login for an unknown user costs the same time. */
void password_burn_time(const char *password);

#endif
