/*
 * vault: one 64-byte key file holds two keys, the secretbox key and the lookup-hash key, so
 * that a hash never reveals anything about the encryption key.
 */
#include "auth/vault.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define KEY_FILE "liaison.key"

struct vault {
    unsigned char box_key[crypto_secretbox_KEYBYTES];
    unsigned char hash_key[crypto_generichash_KEYBYTES];
};

static void key_path(const char *dir, char *out, size_t len)
{
    snprintf(out, len, "%s/%s", dir, KEY_FILE);
}

int vault_init(const char *data_dir, int *created, char *err, size_t errlen)
{
    char path[1024];
    key_path(data_dir, path, sizeof(path));
    *created = 0;
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0 && errno == EEXIST)
        return 0;
    if (fd < 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    struct vault keys;
    randombytes_buf(&keys, sizeof(keys));
    ssize_t n = write(fd, &keys, sizeof(keys));
    sodium_memzero(&keys, sizeof(keys));
    if (n != (ssize_t)sizeof(keys) || fsync(fd) != 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        close(fd);
        unlink(path);
        return -1;
    }
    close(fd);
    *created = 1;
    return 0;
}

vault_t *vault_load(const char *data_dir, char *err, size_t errlen)
{
    char path[1024];
    key_path(data_dir, path, sizeof(path));
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        snprintf(err, errlen, "%s: %s (run liaison init)", path, strerror(errno));
        if (fd >= 0)
            close(fd);
        return NULL;
    }
    if (st.st_mode & 077) {
        snprintf(err, errlen, "%s: readable by others; chmod 600 it", path);
        close(fd);
        return NULL;
    }
    vault_t *v = sodium_malloc(sizeof(*v));
    if (v == NULL)
        abort();
    ssize_t n = read(fd, v, sizeof(*v));
    close(fd);
    if (n != (ssize_t)sizeof(*v)) {
        snprintf(err, errlen, "%s: not a Liaison key file", path);
        sodium_free(v);
        return NULL;
    }
    return v;
}

void vault_free(vault_t *v)
{
    if (v)
        sodium_free(v);
}

char *vault_seal(const vault_t *v, const char *plain, size_t len)
{
    size_t raw_len = crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + len;
    unsigned char *raw = malloc(raw_len);
    size_t b64_len = sodium_base64_ENCODED_LEN(raw_len, sodium_base64_VARIANT_ORIGINAL);
    char *out = malloc(b64_len);
    if (raw == NULL || out == NULL)
        abort();
    randombytes_buf(raw, crypto_secretbox_NONCEBYTES);
    crypto_secretbox_easy(raw + crypto_secretbox_NONCEBYTES, (const unsigned char *)plain, len, raw, v->box_key);
    sodium_bin2base64(out, b64_len, raw, raw_len, sodium_base64_VARIANT_ORIGINAL);
    free(raw);
    return out;
}

char *vault_open(const vault_t *v, const char *sealed, size_t *len)
{
    size_t slen = strlen(sealed), raw_len;
    unsigned char *raw = malloc(slen + 1);
    if (raw == NULL)
        abort();
    if (sodium_base642bin(raw, slen + 1, sealed, slen, NULL, &raw_len, NULL, sodium_base64_VARIANT_ORIGINAL) != 0 ||
        raw_len < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES) {
        free(raw);
        return NULL;
    }
    size_t plain_len = raw_len - crypto_secretbox_NONCEBYTES - crypto_secretbox_MACBYTES;
    char *plain = malloc(plain_len + 1);
    if (plain == NULL)
        abort();
    if (crypto_secretbox_open_easy((unsigned char *)plain, raw + crypto_secretbox_NONCEBYTES,
                                   raw_len - crypto_secretbox_NONCEBYTES, raw, v->box_key) != 0) {
        free(raw);
        free(plain);
        return NULL;
    }
    free(raw);
    plain[plain_len] = '\0';
    if (len)
        *len = plain_len;
    return plain;
}

void vault_lookup_hash(const vault_t *v, const char *text, size_t len, char out[VAULT_HASH_HEX + 1])
{
    unsigned char h[32];
    crypto_generichash(h, sizeof(h), (const unsigned char *)text, len, v->hash_key, sizeof(v->hash_key));
    sodium_bin2hex(out, VAULT_HASH_HEX + 1, h, sizeof(h));
}
