/*
 * test_ratelimit: fixed-window counters (src/auth/ratelimit.c) behind login's 429 and the public
 * forms' limits. Time is passed in, so windows pass without waiting.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>

#include "auth/ratelimit.h"

#define T0 1700000000 /* an arbitrary start, in seconds */

static void the_fifth_failure_is_allowed_and_the_sixth_told_how_long_to_wait(void **state)
{
    (void)state;
    ratelimit_t *rl = ratelimit_new();
    for (int i = 1; i <= 5; i++)
        if (ratelimit_hit(rl, "login-ip:192.0.2.1", 5, 900, T0 + i) != 0)
            fail_msg("hit %d of 5 was refused", i);
    /* the window began at T0 + 1 with the first hit */
    assert_int_equal(ratelimit_hit(rl, "login-ip:192.0.2.1", 5, 900, T0 + 5), 900 - 4);
    assert_int_equal(ratelimit_hit(rl, "login-ip:192.0.2.1", 5, 900, T0 + 600), 900 - 599);
    assert_int_equal(ratelimit_hit(rl, "login-ip:192.0.2.1", 5, 900, T0 + 900), 1);
    ratelimit_free(rl);
}

static void a_limit_of_one_allows_one(void **state)
{
    (void)state;
    ratelimit_t *rl = ratelimit_new();
    assert_int_equal(ratelimit_hit(rl, "form:192.0.2.9", 1, 60, T0), 0);
    assert_int_equal(ratelimit_hit(rl, "form:192.0.2.9", 1, 60, T0), 60);
    ratelimit_free(rl);
}

static void keys_are_counted_apart(void **state)
{
    (void)state;
    ratelimit_t *rl = ratelimit_new();
    for (int i = 0; i < 3; i++)
        assert_int_equal(ratelimit_hit(rl, "login-user:admin", 3, 60, T0), 0);
    assert_true(ratelimit_hit(rl, "login-user:admin", 3, 60, T0) > 0);
    /* same text under another prefix, and a name that differs by case, are other keys */
    assert_int_equal(ratelimit_hit(rl, "login-ip:admin", 3, 60, T0), 0);
    assert_int_equal(ratelimit_hit(rl, "login-user:Admin", 3, 60, T0), 0);
    assert_int_equal(ratelimit_hit(rl, "login-user:代表", 3, 60, T0), 0);
    ratelimit_free(rl);
}

static void the_window_resets_after_it_ends(void **state)
{
    (void)state;
    ratelimit_t *rl = ratelimit_new();
    for (int i = 0; i < 5; i++)
        assert_int_equal(ratelimit_hit(rl, "k", 5, 60, T0), 0);
    assert_int_equal(ratelimit_hit(rl, "k", 5, 60, T0 + 59), 1);
    /* at T0 + 60 a new window starts, with the full allowance again */
    for (int i = 0; i < 5; i++)
        if (ratelimit_hit(rl, "k", 5, 60, T0 + 60) != 0)
            fail_msg("hit %d of the new window was refused", i + 1);
    assert_int_equal(ratelimit_hit(rl, "k", 5, 60, T0 + 60), 60);
    ratelimit_free(rl);
}

static void refused_hits_do_not_extend_the_wait(void **state)
{
    (void)state;
    ratelimit_t *rl = ratelimit_new();
    assert_int_equal(ratelimit_hit(rl, "k", 2, 100, T0), 0);
    assert_int_equal(ratelimit_hit(rl, "k", 2, 100, T0), 0);
    for (int i = 0; i < 1000; i++)
        assert_int_equal(ratelimit_hit(rl, "k", 2, 100, T0 + 50), 50);
    assert_int_equal(ratelimit_hit(rl, "k", 2, 100, T0 + 100), 0);
    assert_int_equal(ratelimit_hit(rl, "k", 2, 100, T0 + 100), 0);
    assert_int_equal(ratelimit_hit(rl, "k", 2, 100, T0 + 100), 100);
    ratelimit_free(rl);
}

static void peek_counts_nothing(void **state)
{
    (void)state;
    ratelimit_t *rl = ratelimit_new();
    /* peeking at an unknown key, any number of times, uses none of its allowance */
    for (int i = 0; i < 100; i++)
        assert_int_equal(ratelimit_peek(rl, "login-user:staff", 3, 60, T0), 0);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(ratelimit_hit(rl, "login-user:staff", 3, 60, T0), 0);
        assert_int_equal(ratelimit_peek(rl, "login-user:staff", 3, 60, T0), i < 2 ? 0 : 60);
    }
    /* at the limit, peek reports the wait without using a hit */
    assert_int_equal(ratelimit_peek(rl, "login-user:staff", 3, 60, T0 + 10), 50);
    assert_int_equal(ratelimit_hit(rl, "login-user:staff", 3, 60, T0 + 10), 50);
    /* and sees a window end like hit does */
    assert_int_equal(ratelimit_peek(rl, "login-user:staff", 3, 60, T0 + 60), 0);
    ratelimit_free(rl);
}

static void clear_forgets_a_key_and_only_that_key(void **state)
{
    (void)state;
    ratelimit_t *rl = ratelimit_new();
    for (int i = 0; i < 5; i++) {
        ratelimit_hit(rl, "login-user:admin", 5, 900, T0);
        ratelimit_hit(rl, "login-user:staff", 5, 900, T0);
    }
    assert_true(ratelimit_hit(rl, "login-user:admin", 5, 900, T0) > 0);
    ratelimit_clear(rl, "login-user:admin"); /* a successful login */
    assert_int_equal(ratelimit_peek(rl, "login-user:admin", 5, 900, T0), 0);
    for (int i = 0; i < 5; i++)
        assert_int_equal(ratelimit_hit(rl, "login-user:admin", 5, 900, T0 + 1), 0);
    assert_true(ratelimit_hit(rl, "login-user:admin", 5, 900, T0 + 1) > 0);
    assert_true(ratelimit_hit(rl, "login-user:staff", 5, 900, T0 + 1) > 0);
    ratelimit_clear(rl, "never-seen"); /* harmless */
    ratelimit_free(rl);
}

/* A flood of distinct keys (more than the table holds) must not crash, and the keys used most
 * recently must still be counted: an attacker rotating source addresses can cost precision for
 * old keys, but not disable the limit for the ones in use. */
static void a_flood_of_keys_larger_than_the_table_keeps_recent_keys_counted(void **state)
{
    (void)state;
    enum { KEYS = 100000, RECENT = 200 };
    ratelimit_t *rl = ratelimit_new();
    char key[64];
    for (int i = 0; i < KEYS; i++) {
        snprintf(key, sizeof(key), "form:10.%d.%d.%d", (i >> 16) & 255, (i >> 8) & 255, i & 255);
        if (ratelimit_hit(rl, key, 1, 3600, T0 + i / 100) != 0)
            fail_msg("first hit of fresh key %s was refused", key);
    }
    int forgotten = 0;
    for (int i = KEYS - RECENT; i < KEYS; i++) {
        snprintf(key, sizeof(key), "form:10.%d.%d.%d", (i >> 16) & 255, (i >> 8) & 255, i & 255);
        if (ratelimit_peek(rl, key, 1, 3600, T0 + KEYS / 100) == 0)
            forgotten++;
    }
    if (forgotten > 0)
        fail_msg("%d of the %d most recent keys were forgotten after %d keys", forgotten, RECENT, KEYS);
    /* a new key still works, and its limit holds */
    assert_int_equal(ratelimit_hit(rl, "login-user:admin", 2, 60, T0 + KEYS / 100), 0);
    assert_int_equal(ratelimit_hit(rl, "login-user:admin", 2, 60, T0 + KEYS / 100), 0);
    assert_int_equal(ratelimit_hit(rl, "login-user:admin", 2, 60, T0 + KEYS / 100), 60);
    ratelimit_free(rl);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_fifth_failure_is_allowed_and_the_sixth_told_how_long_to_wait),
        cmocka_unit_test(a_limit_of_one_allows_one),
        cmocka_unit_test(keys_are_counted_apart),
        cmocka_unit_test(the_window_resets_after_it_ends),
        cmocka_unit_test(refused_hits_do_not_extend_the_wait),
        cmocka_unit_test(peek_counts_nothing),
        cmocka_unit_test(clear_forgets_a_key_and_only_that_key),
        cmocka_unit_test(a_flood_of_keys_larger_than_the_table_keeps_recent_keys_counted),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
