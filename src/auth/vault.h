/*
 * vault: personal data at rest. Constituents' names, phones and addresses are stored sealed
 * (XSalsa20-Poly1305, libsodium secretbox) with a key file that `liaison init` creates in the
 * data directory (mode 0600); a keyed BLAKE2b hash of a value allows exact lookup without
 * decrypting. Reading sealed data is an audited act: callers log every vault_open of personal
 * data to the audit log.
 *
 * Strings returned are malloc'd and owned by the caller (free them, after sodium_memzero for
 * plaintext).
 */
#ifndef LIAISON_AUTH_VAULT_H
#define LIAISON_AUTH_VAULT_H

#include <stddef.h>

typedef struct vault vault_t;

enum { VAULT_HASH_HEX = 64 };

/* Creates data_dir/liaison.key unless it exists; *created says which. 0 or -1 with err. */
int vault_init(const char *data_dir, int *created, char *err, size_t errlen);
/* Loads the key; refuses a key file readable by others. NULL with err on failure. */
vault_t *vault_load(const char *data_dir, char *err, size_t errlen);
void vault_free(vault_t *v);
/* base64(nonce || box) of the plaintext. */
char *vault_seal(const vault_t *v, const char *plain, size_t len);
/* The plaintext (NUL-terminated, *len bytes), or NULL if sealed was altered or not ours. */
char *vault_open(const vault_t *v, const char *sealed, size_t *len);
/* Hex keyed hash of text, for lookups by exact value. */
void vault_lookup_hash(const vault_t *v, const char *text, size_t len, char out[VAULT_HASH_HEX + 1]);

#endif
