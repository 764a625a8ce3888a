/* password: thin, careful wrappers over libsodium's argon2id. */
#include "auth/password.h"

#include <pthread.h>
#include <sodium.h>
#include <string.h>

#include "core/utf8.h"

_Static_assert(crypto_pwhash_STRBYTES <= PASSWORD_HASH_MAX, "hash buffer too small");

static char dummy_hash[crypto_pwhash_STRBYTES];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

int password_init(void)
{
    return sodium_init() < 0 ? -1 : 0;
}

int password_hash(const char *password, char out[PASSWORD_HASH_MAX])
{
    return crypto_pwhash_str_alg(out, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                 crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13);
}

bool password_verify(const char *hash, const char *password)
{
    return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
}

const char *password_problem(const char *password)
{
    size_t n = strlen(password);
    if (n > PASSWORD_MAX_BYTES)
        return "password is too long";
    if (!utf8_valid(password, n))
        return "password is not valid UTF-8 text";
    if (utf8_chars(password, n) < PASSWORD_MIN_CHARS)
        return "password must have at least 8 characters";
    return NULL;
}

static void make_dummy(void)
{
    unsigned char random[16];
    char pw[33];
    randombytes_buf(random, sizeof(random));
    sodium_bin2hex(pw, sizeof(pw), random, sizeof(random));
    password_hash(pw, dummy_hash);
}

void password_burn_time(const char *password)
{
    pthread_once(&dummy_once, make_dummy);
    (void)password_verify(dummy_hash, password);
}
