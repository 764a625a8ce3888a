/*
 * test_token_password_vault: the secrets (src/auth/token.c, password.c, vault.c). Session tokens
 * are unguessable, passwords are stored as argon2id and judged in characters, and personal data
 * sealed with the key file opens only with that key and only unaltered.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "auth/password.h"
#include "auth/token.h"
#include "auth/vault.h"

static int group_setup(void **state)
{
    (void)state;
    return password_init();
}

/* ---- tokens ---- */

static bool base64url(const char *s)
{
    for (; *s; s++)
        if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-' ||
              *s == '_'))
            return false;
    return true;
}

static void tokens_are_43_base64url_characters_and_never_repeat(void **state)
{
    (void)state;
    enum { N = 1000 };
    static char tokens[N][TOKEN_CHARS + 1];
    for (int i = 0; i < N; i++) {
        memset(tokens[i], '!', sizeof(tokens[i]));
        token_new(tokens[i]);
        assert_int_equal(strlen(tokens[i]), 43);
        if (!base64url(tokens[i]))
            fail_msg("token '%s' is not base64url", tokens[i]);
        for (int k = 0; k < i; k++)
            if (strcmp(tokens[i], tokens[k]) == 0)
                fail_msg("token %d repeats token %d", i, k);
    }
}

static void token_hashes_are_stable_and_differ_per_token(void **state)
{
    (void)state;
    char a[TOKEN_CHARS + 1], b[TOKEN_CHARS + 1];
    token_new(a);
    token_new(b);
    unsigned char ha[TOKEN_HASH_BYTES], ha2[TOKEN_HASH_BYTES], hb[TOKEN_HASH_BYTES];
    token_hash(a, strlen(a), ha);
    token_hash(a, strlen(a), ha2);
    token_hash(b, strlen(b), hb);
    assert_memory_equal(ha, ha2, TOKEN_HASH_BYTES);
    assert_memory_not_equal(ha, hb, TOKEN_HASH_BYTES);
}

static void token_equal_compares_whole_strings(void **state)
{
    (void)state;
    char a[TOKEN_CHARS + 1], b[TOKEN_CHARS + 1];
    token_new(a);
    memcpy(b, a, sizeof(b));
    assert_true(token_equal(a, b));
    b[42] = b[42] == 'A' ? 'B' : 'A';
    assert_false(token_equal(a, b));
    b[42] = a[42];
    b[0] = b[0] == 'A' ? 'B' : 'A';
    assert_false(token_equal(a, b));
    char prefix[TOKEN_CHARS + 1];
    memcpy(prefix, a, 20);
    prefix[20] = '\0';
    assert_false(token_equal(a, prefix));
    assert_false(token_equal(prefix, a));
    assert_false(token_equal(a, ""));
    assert_false(token_equal("", a));
    assert_true(token_equal("", ""));
}

/* ---- passwords ---- */

static void a_password_hash_is_argon2id_and_verifies_only_the_right_password(void **state)
{
    (void)state;
    char hash[PASSWORD_HASH_MAX], again[PASSWORD_HASH_MAX];
    assert_int_equal(password_hash("人大代表联络站 2024", hash), 0);
    assert_true(strncmp(hash, "$argon2id$", 10) == 0);
    assert_null(strstr(hash, "人大代表")); /* the password itself is nowhere in it */
    assert_true(password_verify(hash, "人大代表联络站 2024"));
    assert_false(password_verify(hash, "人大代表联络站 2025"));
    assert_false(password_verify(hash, "人大代表联络站 2024 "));
    assert_false(password_verify(hash, ""));
    /* salted: the same password hashes differently each time, and both verify */
    assert_int_equal(password_hash("人大代表联络站 2024", again), 0);
    assert_string_not_equal(hash, again);
    assert_true(password_verify(again, "人大代表联络站 2024"));
    /* a damaged hash verifies nothing */
    assert_false(password_verify("$argon2id$garbage", "人大代表联络站 2024"));
    assert_false(password_verify("", ""));
}

static void password_rules_count_characters_not_bytes(void **state)
{
    (void)state;
    char long_ok[PASSWORD_MAX_BYTES + 1], too_long[PASSWORD_MAX_BYTES + 2];
    memset(long_ok, 'p', PASSWORD_MAX_BYTES);
    long_ok[PASSWORD_MAX_BYTES] = '\0';
    memset(too_long, 'p', PASSWORD_MAX_BYTES + 1);
    too_long[PASSWORD_MAX_BYTES + 1] = '\0';
    static const struct {
        const char *password;
        const char *problem; /* a word of the message, or NULL when acceptable */
    } cases[] = {
        {"", "at least 8"},
        {"1234567", "at least 8"},
        {"12345678", NULL},
        {"abc defg", NULL},
        {"人大代表联络站", "at least 8"}, /* 7 characters in 21 bytes */
        {"人大代表联络站点", NULL},       /* 8 characters */
        {"人大代表ab", "at least 8"},     /* 6 characters, 14 bytes */
        {"人大代表abcd", NULL},
        {"\xF0\x9F\x98\x80\xF0\x9F\x98\x80\xF0\x9F\x98\x80\xF0\x9F\x98\x80", "at least 8"}, /* 4 emoji, 16 bytes */
        {"abcdefgh\xFF", "UTF-8"},
        {"abcdefgh\xC0\x80", "UTF-8"},
        {"abcdefgh\xED\xA0\x80", "UTF-8"},
        {"\xE4\xBA"
         "abcdefghij",
         "UTF-8"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *p = password_problem(cases[i].password);
        if (cases[i].problem == NULL && p != NULL)
            fail_msg("'%s' refused: %s", cases[i].password, p);
        if (cases[i].problem && (p == NULL || strstr(p, cases[i].problem) == NULL))
            fail_msg("'%s': got '%s', expected a message with '%s'", cases[i].password, p ? p : "(accepted)",
                     cases[i].problem);
    }
    assert_null(password_problem(long_ok));
    const char *p = password_problem(too_long);
    assert_non_null(p);
    assert_non_null(strstr(p, "too long"));
}

/* ---- the vault ---- */

typedef struct {
    char dir[64];
    char other[64];
} dirs_t;

static int vault_setup(void **state)
{
    dirs_t *d = calloc(1, sizeof(*d));
    snprintf(d->dir, sizeof(d->dir), "/tmp/liaison-test-vault-XXXXXX");
    snprintf(d->other, sizeof(d->other), "/tmp/liaison-test-vault-XXXXXX");
    if (mkdtemp(d->dir) == NULL || mkdtemp(d->other) == NULL)
        return -1;
    *state = d;
    return 0;
}

static void remove_dir(const char *dir)
{
    char path[128];
    snprintf(path, sizeof(path), "%s/liaison.key", dir);
    unlink(path);
    rmdir(dir);
}

static int vault_teardown(void **state)
{
    dirs_t *d = *state;
    remove_dir(d->dir);
    remove_dir(d->other);
    free(d);
    return 0;
}

static vault_t *load(const char *dir)
{
    char err[256] = "";
    vault_t *v = vault_load(dir, err, sizeof(err));
    if (v == NULL)
        fail_msg("vault_load %s: %s", dir, err);
    return v;
}

static void make_key(const char *dir)
{
    char err[256] = "";
    int created = -1;
    if (vault_init(dir, &created, err, sizeof(err)) != 0)
        fail_msg("vault_init %s: %s", dir, err);
    assert_int_equal(created, 1);
}

static void init_creates_a_private_key_file_and_keeps_an_existing_one(void **state)
{
    dirs_t *d = *state;
    char path[128], err[256] = "";
    snprintf(path, sizeof(path), "%s/liaison.key", d->dir);
    int created = -1;
    assert_int_equal(vault_init(d->dir, &created, err, sizeof(err)), 0);
    assert_int_equal(created, 1);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal(st.st_size, 64);

    unsigned char before[64], after[64];
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    assert_int_equal(fread(before, 1, sizeof(before), f), 64);
    fclose(f);

    created = -1;
    assert_int_equal(vault_init(d->dir, &created, err, sizeof(err)), 0);
    assert_int_equal(created, 0);
    f = fopen(path, "rb");
    assert_non_null(f);
    assert_int_equal(fread(after, 1, sizeof(after), f), 64);
    fclose(f);
    assert_memory_equal(before, after, 64); /* the existing key is kept, byte for byte */

    vault_t *v = load(d->dir);
    vault_free(v);
}

static void init_in_a_missing_directory_fails_with_the_path(void **state)
{
    (void)state;
    char err[256] = "";
    int created = -1;
    assert_int_equal(vault_init("/nonexistent/liaison-data", &created, err, sizeof(err)), -1);
    assert_int_equal(created, 0);
    assert_non_null(strstr(err, "/nonexistent/liaison-data"));
}

static void load_refuses_a_key_file_others_can_read(void **state)
{
    dirs_t *d = *state;
    make_key(d->dir);
    char path[128], err[256] = "";
    snprintf(path, sizeof(path), "%s/liaison.key", d->dir);
    static const mode_t modes[] = {0644, 0640, 0604, 0660, 0606};
    for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
        assert_int_equal(chmod(path, modes[i]), 0);
        err[0] = '\0';
        vault_t *v = vault_load(d->dir, err, sizeof(err));
        if (v != NULL)
            fail_msg("a key file of mode %03o was loaded", (unsigned)modes[i]);
        assert_non_null(strstr(err, path));
        assert_non_null(strstr(err, "chmod 600"));
    }
    assert_int_equal(chmod(path, 0600), 0);
    vault_free(load(d->dir));
    assert_int_equal(chmod(path, 0400), 0);
    vault_free(load(d->dir));
}

static void load_refuses_a_missing_or_short_key_file(void **state)
{
    dirs_t *d = *state;
    char err[256] = "";
    assert_null(vault_load(d->dir, err, sizeof(err)));
    assert_non_null(strstr(err, "liaison init"));

    char path[128];
    snprintf(path, sizeof(path), "%s/liaison.key", d->dir);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "short", 5), 5);
    close(fd);
    err[0] = '\0';
    assert_null(vault_load(d->dir, err, sizeof(err)));
    assert_non_null(strstr(err, "not a Liaison key file"));
}

static void sealed_personal_data_opens_to_the_same_text(void **state)
{
    dirs_t *d = *state;
    make_key(d->dir);
    vault_t *v = load(d->dir);
    static const char *const texts[] = {
        "张三", "13800138000", "贵州省六盘水市钟山区荷城街道 12 号 3 单元 401",
        "",     "a",           "line\nbreak\ttab \"quote\" \\",
    };
    for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
        char *sealed = vault_seal(v, texts[i], strlen(texts[i]));
        assert_non_null(sealed);
        if (strlen(texts[i]) >= 6) /* the text is nowhere in the sealed form */
            assert_null(strstr(sealed, texts[i]));
        size_t len = 999;
        char *plain = vault_open(v, sealed, &len);
        if (plain == NULL)
            fail_msg("'%s' did not open", texts[i]);
        assert_int_equal(len, strlen(texts[i]));
        assert_string_equal(plain, texts[i]);
        sodium_memzero(plain, len);
        free(plain);
        free(sealed);
    }
    /* binary with a NUL inside keeps its length */
    char *sealed = vault_seal(v, "a\0b", 3);
    size_t len = 0;
    char *plain = vault_open(v, sealed, &len);
    assert_non_null(plain);
    assert_int_equal(len, 3);
    assert_memory_equal(plain, "a\0b", 3);
    free(plain);
    free(sealed);
    vault_free(v);
}

static void two_seals_of_the_same_text_differ(void **state)
{
    dirs_t *d = *state;
    make_key(d->dir);
    vault_t *v = load(d->dir);
    char *a = vault_seal(v, "13800138000", 11), *b = vault_seal(v, "13800138000", 11);
    assert_string_not_equal(a, b);
    free(a);
    free(b);
    vault_free(v);
}

static void an_altered_or_foreign_sealed_string_does_not_open(void **state)
{
    dirs_t *d = *state;
    make_key(d->dir);
    make_key(d->other);
    vault_t *v = load(d->dir), *w = load(d->other);
    const char *text = "李四 13912345678";
    char *sealed = vault_seal(v, text, strlen(text));
    size_t n = strlen(sealed);

    /* every position, changed to another base64 character, breaks it */
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    int opened = 0;
    for (size_t i = 0; i < n; i++) {
        if (sealed[i] == '=')
            continue;
        char *copy = strdup(sealed);
        const char *at = strchr(alphabet, copy[i]);
        copy[i] = alphabet[(at - alphabet + 1) % 64];
        char *plain = vault_open(v, copy, NULL);
        if (plain) {
            /* the only harmless change is to the unused low bits of the last character */
            if (strcmp(plain, text) != 0)
                fail_msg("altered at %zu, it opened to different text", i);
            opened++;
            free(plain);
        }
        free(copy);
    }
    assert_true(opened <= 1);

    /* cut short, padded, emptied, not base64 */
    char *cut = strndup(sealed, n - 4);
    assert_null(vault_open(v, cut, NULL));
    free(cut);
    assert_null(vault_open(v, "", NULL));
    assert_null(vault_open(v, "not base64 at all!", NULL));
    assert_null(vault_open(v, "AAAA", NULL));
    char longer[4096];
    snprintf(longer, sizeof(longer), "%sAAAA", sealed);
    assert_null(vault_open(v, longer, NULL));

    /* another installation's key cannot open it */
    assert_null(vault_open(w, sealed, NULL));
    char *mine = vault_open(v, sealed, NULL);
    assert_non_null(mine);
    assert_string_equal(mine, text);
    free(mine);
    free(sealed);
    vault_free(v);
    vault_free(w);
}

static void the_lookup_hash_is_stable_per_key_and_differs_between_keys(void **state)
{
    dirs_t *d = *state;
    make_key(d->dir);
    make_key(d->other);
    vault_t *v = load(d->dir), *w = load(d->other);
    char h1[VAULT_HASH_HEX + 1], h2[VAULT_HASH_HEX + 1], h3[VAULT_HASH_HEX + 1], h4[VAULT_HASH_HEX + 1];
    vault_lookup_hash(v, "13800138000", 11, h1);
    vault_lookup_hash(v, "13800138000", 11, h2);
    vault_lookup_hash(v, "13800138001", 11, h3);
    vault_lookup_hash(w, "13800138000", 11, h4);
    assert_int_equal(strlen(h1), 64);
    for (const char *c = h1; *c; c++)
        assert_non_null(strchr("0123456789abcdef", *c));
    assert_string_equal(h1, h2);
    assert_string_not_equal(h1, h3);
    assert_string_not_equal(h1, h4);
    vault_free(v);
    /* the same key loaded again gives the same hash: lookups survive a restart */
    vault_t *again = load(d->dir);
    vault_lookup_hash(again, "13800138000", 11, h2);
    assert_string_equal(h1, h2);
    vault_free(again);
    vault_free(w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(tokens_are_43_base64url_characters_and_never_repeat),
        cmocka_unit_test(token_hashes_are_stable_and_differ_per_token),
        cmocka_unit_test(token_equal_compares_whole_strings),
        cmocka_unit_test(a_password_hash_is_argon2id_and_verifies_only_the_right_password),
        cmocka_unit_test(password_rules_count_characters_not_bytes),
        cmocka_unit_test_setup_teardown(init_creates_a_private_key_file_and_keeps_an_existing_one, vault_setup,
                                        vault_teardown),
        cmocka_unit_test(init_in_a_missing_directory_fails_with_the_path),
        cmocka_unit_test_setup_teardown(load_refuses_a_key_file_others_can_read, vault_setup, vault_teardown),
        cmocka_unit_test_setup_teardown(load_refuses_a_missing_or_short_key_file, vault_setup, vault_teardown),
        cmocka_unit_test_setup_teardown(sealed_personal_data_opens_to_the_same_text, vault_setup, vault_teardown),
        cmocka_unit_test_setup_teardown(two_seals_of_the_same_text_differ, vault_setup, vault_teardown),
        cmocka_unit_test_setup_teardown(an_altered_or_foreign_sealed_string_does_not_open, vault_setup, vault_teardown),
        cmocka_unit_test_setup_teardown(the_lookup_hash_is_stable_per_key_and_differs_between_keys, vault_setup,
                                        vault_teardown),
    };
    return cmocka_run_group_tests(tests, group_setup, NULL);
}
