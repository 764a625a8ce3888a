/*
 * test_config: the settings table (src/core/config.c). One name per setting everywhere:
 * defaults < file < environment < flags, each value checked against its bounds, and every error
 * says where it came from (file:line, the option's name).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/config.h"

/* Removes every LIAISON_* setting from the environment, so the tests see only their own. */
static void clear_env(void)
{
    for (const config_option_t *o = config_options(); o->name; o++)
        if (o->env)
            unsetenv(o->env);
}

static int setup(void **state)
{
    (void)state;
    clear_env();
    return 0;
}

/* Writes text to a fresh temporary file; returns its path (static storage, one at a time). */
static const char *temp_file(const char *text)
{
    static char path[64];
    snprintf(path, sizeof(path), "/tmp/liaison-test-config-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return path;
}

static void defaults_serve_loopback_with_limits_on_and_http2_off(void **state)
{
    (void)state;
    config_t c;
    char err[256];
    config_defaults(&c);
    assert_string_equal(c.db, "liaison.db");
    assert_string_equal(c.listen, "127.0.0.1:8080");
    assert_string_equal(c.data_dir, ".");
    assert_string_equal(c.web_dir, "web");
    assert_string_equal(c.tls_cert, "");
    assert_string_equal(c.tls_key, "");
    assert_false(c.http2);
    assert_true(c.rate_limits);
    assert_true(c.access_log);
    assert_int_equal(c.threads, 0);
    assert_int_equal(c.max_body, 1L << 20);
    assert_int_equal(c.login_max_failures, 5);
    assert_int_equal(c.login_window_s, 900);
    assert_true(c.session_idle_s <= c.session_max_s);
    assert_true(c.commit_batch >= 1);
    assert_int_equal(config_validate(&c, err, sizeof(err)), 0);
}

/* One table drives --help, the file and the environment: every row must be usable from all three. */
static void every_option_has_a_name_an_env_variable_and_help(void **state)
{
    (void)state;
    size_t n = 0;
    for (const config_option_t *o = config_options(); o->name; o++, n++) {
        assert_true(config_is_option(o->name));
        assert_non_null(o->help);
        assert_true(strlen(o->help) > 0);
        if (o->env == NULL || strncmp(o->env, "LIAISON_", 8) != 0)
            fail_msg("option %s has environment variable %s", o->name, o->env ? o->env : "(none)");
    }
    assert_true(n >= 20);
    assert_false(config_is_option("nope"));
    assert_false(config_is_option(""));
    assert_false(config_is_option("LISTEN"));
    assert_false(config_is_option("listen "));
}

static void text_options_take_any_value_that_fits(void **state)
{
    (void)state;
    config_t c;
    char err[256] = "";
    config_defaults(&c);
    assert_int_equal(config_set(&c, "listen", "0.0.0.0:443", err, sizeof(err)), 0);
    assert_string_equal(c.listen, "0.0.0.0:443");
    assert_int_equal(config_set(&c, "db", "/var/lib/liaison/人大.db", err, sizeof(err)), 0);
    assert_string_equal(c.db, "/var/lib/liaison/人大.db");
    assert_int_equal(config_set(&c, "tls-cert", "", err, sizeof(err)), 0);
    assert_string_equal(c.tls_cert, "");

    /* one byte short of the field fits; the field's size does not (room for the NUL) */
    char longest[sizeof(c.db)];
    memset(longest, 'd', sizeof(longest) - 1);
    longest[sizeof(longest) - 1] = '\0';
    assert_int_equal(config_set(&c, "db", longest, err, sizeof(err)), 0);
    assert_string_equal(c.db, longest);

    char too_long[sizeof(c.db) + 1];
    memset(too_long, 'e', sizeof(too_long) - 1);
    too_long[sizeof(too_long) - 1] = '\0';
    config_defaults(&c);
    assert_int_equal(config_set(&c, "db", too_long, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "db"));
    assert_non_null(strstr(err, "too long"));
    assert_string_equal(c.db, "liaison.db"); /* unchanged */
}

static void bool_options_take_on_off_and_their_synonyms(void **state)
{
    (void)state;
    static const struct {
        const char *value;
        int result; /* -1 refused, else the value */
    } cases[] = {
        {"on", 1},     {"ON", 1},  {"true", 1},  {"True", 1}, {"yes", 1}, {"1", 1},
        {"off", 0},    {"OFF", 0}, {"false", 0}, {"no", 0},   {"0", 0},   {"", -1},
        {"maybe", -1}, {"2", -1},  {"onn", -1},  {" on", -1}, {"y", -1},  {"开", -1},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        config_t c;
        char err[256] = "";
        config_defaults(&c);
        c.http2 = cases[i].result == 1 ? false : true; /* start from the opposite */
        int rc = config_set(&c, "http2", cases[i].value, err, sizeof(err));
        if (cases[i].result < 0) {
            if (rc != -1)
                fail_msg("http2 = '%s' was accepted", cases[i].value);
            assert_non_null(strstr(err, "http2"));
            assert_non_null(strstr(err, cases[i].value));
        } else {
            if (rc != 0)
                fail_msg("http2 = '%s' was refused: %s", cases[i].value, err);
            assert_int_equal(c.http2, cases[i].result);
        }
    }
}

static void number_options_are_held_to_their_bounds(void **state)
{
    (void)state;
    static const struct {
        const char *name, *value;
        bool ok;
    } cases[] = {
        {"threads", "0", true},
        {"threads", "256", true},
        {"threads", "257", false},
        {"threads", "-1", false},
        {"threads", "", false},
        {"threads", "4x", false},
        {"threads", "x4", false},
        {"threads", "4.0", false},
        {"threads", "99999999999999999999", false},
        {"threads", "4294967300", false}, /* would wrap to 4 in an int */
        {"max-body", "1024", true},
        {"max-body", "1023", false},
        {"max-body", "1073741824", true},
        {"max-body", "1073741825", false},
        {"login-max-failures", "1", true},
        {"login-max-failures", "0", false},
        {"login-max-failures", "1000", true},
        {"login-max-failures", "1001", false},
        {"login-window-s", "86400", true},
        {"login-window-s", "86401", false},
        {"commit-batch", "0", false},
        {"commit-batch", "1", true},
        {"session-idle-s", "59", false},
        {"session-idle-s", "60", true},
        {"req-timeout-ms", "99", false},
        {"req-timeout-ms", "100", true},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        config_t c;
        char err[256] = "";
        config_defaults(&c);
        int rc = config_set(&c, cases[i].name, cases[i].value, err, sizeof(err));
        if ((rc == 0) != cases[i].ok)
            fail_msg("%s = '%s': %s", cases[i].name, cases[i].value, rc == 0 ? "accepted" : err);
        if (!cases[i].ok) {
            assert_non_null(strstr(err, cases[i].name));
            assert_non_null(strstr(err, "expected a whole number"));
        }
    }
    config_t c;
    char err[256];
    config_defaults(&c);
    assert_int_equal(config_set(&c, "threads", "8", err, sizeof(err)), 0);
    assert_int_equal(c.threads, 8);
    assert_int_equal(config_set(&c, "max-body", "1073741824", err, sizeof(err)), 0);
    assert_int_equal(c.max_body, 1073741824L);
    assert_int_equal(config_set(&c, "threads", "300", err, sizeof(err)), -1);
    assert_int_equal(c.threads, 8); /* a refused value leaves the old one */
}

static void an_unknown_option_is_refused_by_name(void **state)
{
    (void)state;
    config_t c;
    char err[256] = "";
    config_defaults(&c);
    assert_int_equal(config_set(&c, "listne", "127.0.0.1:1", err, sizeof(err)), -1);
    assert_non_null(strstr(err, "unknown option"));
    assert_non_null(strstr(err, "listne"));
}

static void a_config_file_with_comments_and_blank_lines_sets_its_values(void **state)
{
    (void)state;
    const char *path = temp_file("# Liaison settings for 钟山区\n"
                                 "\n"
                                 "   \n"
                                 "listen = 127.0.0.1:9999\n"
                                 "  # an indented comment\n"
                                 "\tthreads=4\t\n"
                                 "rate-limits   =   off\n"
                                 "db = /var/lib/liaison/liaison.db\r\n"
                                 "web-dir = /srv/web # not a comment: part of the value\n"
                                 "max-body = 2048");
    config_t c;
    char err[512] = "";
    config_defaults(&c);
    int rc = config_load_file(&c, path, err, sizeof(err));
    unlink(path);
    if (rc != 0)
        fail_msg("%s", err);
    assert_string_equal(c.listen, "127.0.0.1:9999");
    assert_int_equal(c.threads, 4);
    assert_false(c.rate_limits);
    assert_string_equal(c.db, "/var/lib/liaison/liaison.db");
    assert_string_equal(c.web_dir, "/srv/web # not a comment: part of the value");
    assert_int_equal(c.max_body, 2048);
    /* what the file did not mention keeps its default */
    assert_int_equal(c.login_max_failures, 5);
    assert_string_equal(c.data_dir, ".");
}

static void a_bad_line_in_a_config_file_is_named_by_file_and_line(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        const char *where; /* ":N:" */
        const char *says;
    } cases[] = {
        {"# ok\nlisten = 127.0.0.1:1\nthis line has no equals sign\n", ":3:", "expected key = value"},
        {"\n\n\n\nlistne = 127.0.0.1:1\n", ":5:", "unknown option 'listne'"},
        {"threads = lots\n", ":1:", "threads"},
        {"# c\nhttp2 = maybe\n", ":2:", "http2"},
        {"listen = 127.0.0.1:1\n = value without a key\n", ":2:", "unknown option"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *path = temp_file(cases[i].text);
        char expect_where[128];
        snprintf(expect_where, sizeof(expect_where), "%s%s", path, cases[i].where);
        config_t c;
        char err[512] = "";
        config_defaults(&c);
        int rc = config_load_file(&c, path, err, sizeof(err));
        unlink(path);
        if (rc != -1)
            fail_msg("case %zu was accepted", i);
        if (strstr(err, expect_where) == NULL || strstr(err, cases[i].says) == NULL)
            fail_msg("case %zu: error '%s' should name '%s' and say '%s'", i, err, expect_where, cases[i].says);
    }
}

static void a_missing_config_file_is_an_error_naming_it(void **state)
{
    (void)state;
    config_t c;
    char err[512] = "";
    config_defaults(&c);
    assert_int_equal(config_load_file(&c, "/nonexistent/liaison.conf", err, sizeof(err)), -1);
    assert_non_null(strstr(err, "/nonexistent/liaison.conf"));
}

static void environment_variables_override_the_file(void **state)
{
    (void)state;
    const char *path = temp_file("listen = 127.0.0.1:9999\nthreads = 4\nrate-limits = on\n");
    config_t c;
    char err[512] = "";
    config_defaults(&c);
    assert_int_equal(config_load_file(&c, path, err, sizeof(err)), 0);
    unlink(path);
    setenv("LIAISON_LISTEN", "0.0.0.0:8443", 1);
    setenv("LIAISON_RATE_LIMITS", "off", 1);
    setenv("LIAISON_DB", "/data/人大.db", 1);
    setenv("LIAISON_LOGIN_MAX_FAILURES", "3", 1);
    int rc = config_load_env(&c, err, sizeof(err));
    clear_env();
    if (rc != 0)
        fail_msg("%s", err);
    assert_string_equal(c.listen, "0.0.0.0:8443");
    assert_false(c.rate_limits);
    assert_string_equal(c.db, "/data/人大.db");
    assert_int_equal(c.login_max_failures, 3);
    assert_int_equal(c.threads, 4); /* from the file, no variable set */
}

static void every_option_can_be_set_by_its_environment_variable(void **state)
{
    (void)state;
    for (const config_option_t *o = config_options(); o->name; o++) {
        config_t c, d;
        char err[512] = "";
        config_defaults(&c);
        config_defaults(&d);
        /* a value within every option's bounds */
        const char *value = "1";
        if (strcmp(o->name, "listen") == 0)
            value = "127.0.0.1:1";
        else if (strcmp(o->name, "max-body") == 0)
            value = "4096";
        else if (strncmp(o->name, "session-", 8) == 0 || strncmp(o->name, "req-", 4) == 0 ||
                 strncmp(o->name, "idle-", 5) == 0)
            value = "3600";
        assert_int_equal(config_set(&d, o->name, value, err, sizeof(err)), 0);
        setenv(o->env, value, 1);
        int rc = config_load_env(&c, err, sizeof(err));
        unsetenv(o->env);
        if (rc != 0)
            fail_msg("%s=%s: %s", o->env, value, err);
        if (memcmp(&c, &d, sizeof(c)) != 0)
            fail_msg("%s=%s did not set %s as config_set does", o->env, value, o->name);
    }
}

static void a_bad_environment_value_names_the_option(void **state)
{
    (void)state;
    config_t c;
    char err[512] = "";
    config_defaults(&c);
    setenv("LIAISON_THREADS", "lots", 1);
    int rc = config_load_env(&c, err, sizeof(err));
    clear_env();
    assert_int_equal(rc, -1);
    assert_non_null(strstr(err, "threads"));
    assert_non_null(strstr(err, "lots"));
}

static void validate_refuses_a_tls_key_without_a_certificate_and_the_reverse(void **state)
{
    (void)state;
    config_t c;
    char err[256] = "";
    config_defaults(&c);
    snprintf(c.tls_key, sizeof(c.tls_key), "/etc/liaison/key.pem");
    assert_int_equal(config_validate(&c, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "tls"));

    config_defaults(&c);
    snprintf(c.tls_cert, sizeof(c.tls_cert), "/etc/liaison/cert.pem");
    err[0] = '\0';
    assert_int_equal(config_validate(&c, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "tls"));

    snprintf(c.tls_key, sizeof(c.tls_key), "/etc/liaison/key.pem");
    assert_int_equal(config_validate(&c, err, sizeof(err)), 0);
}

static void validate_refuses_a_listen_address_that_is_not_host_and_port(void **state)
{
    (void)state;
    static const struct {
        const char *listen;
        bool ok;
    } cases[] = {
        {"127.0.0.1:8080", true},
        {"0.0.0.0:1", true},
        {"localhost:65535", true},
        {"[::1]:8080", true},
        {"127.0.0.1", false},
        {"localhost", false},
        {"", false},
        {":8080", false},
        {"127.0.0.1:http", false},
        {"127.0.0.1:80x", false},
        {"127.0.0.1:65536", false},
        {"127.0.0.1:-1", false},
        {"127.0.0.1:99999999999999999999", false},
        {"127.0.0.1:", false}, /* no port at all */
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        config_t c;
        char err[256] = "";
        config_defaults(&c);
        snprintf(c.listen, sizeof(c.listen), "%s", cases[i].listen);
        int rc = config_validate(&c, err, sizeof(err));
        if ((rc == 0) != cases[i].ok)
            fail_msg("listen '%s' was %s", cases[i].listen, rc == 0 ? "accepted" : "refused");
        if (!cases[i].ok && strstr(err, "listen") == NULL)
            fail_msg("listen '%s': error '%s' does not name the setting", cases[i].listen, err);
    }
}

static void validate_refuses_an_idle_expiry_longer_than_the_absolute_one(void **state)
{
    (void)state;
    config_t c;
    char err[256] = "";
    config_defaults(&c);
    c.session_idle_s = 7200;
    c.session_max_s = 3600;
    assert_int_equal(config_validate(&c, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "session-idle-s"));
    c.session_max_s = 7200;
    assert_int_equal(config_validate(&c, err, sizeof(err)), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(defaults_serve_loopback_with_limits_on_and_http2_off, setup),
        cmocka_unit_test_setup(every_option_has_a_name_an_env_variable_and_help, setup),
        cmocka_unit_test_setup(text_options_take_any_value_that_fits, setup),
        cmocka_unit_test_setup(bool_options_take_on_off_and_their_synonyms, setup),
        cmocka_unit_test_setup(number_options_are_held_to_their_bounds, setup),
        cmocka_unit_test_setup(an_unknown_option_is_refused_by_name, setup),
        cmocka_unit_test_setup(a_config_file_with_comments_and_blank_lines_sets_its_values, setup),
        cmocka_unit_test_setup(a_bad_line_in_a_config_file_is_named_by_file_and_line, setup),
        cmocka_unit_test_setup(a_missing_config_file_is_an_error_naming_it, setup),
        cmocka_unit_test_setup(environment_variables_override_the_file, setup),
        cmocka_unit_test_setup(every_option_can_be_set_by_its_environment_variable, setup),
        cmocka_unit_test_setup(a_bad_environment_value_names_the_option, setup),
        cmocka_unit_test_setup(validate_refuses_a_tls_key_without_a_certificate_and_the_reverse, setup),
        cmocka_unit_test_setup(validate_refuses_a_listen_address_that_is_not_host_and_port, setup),
        cmocka_unit_test_setup(validate_refuses_an_idle_expiry_longer_than_the_absolute_one, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
