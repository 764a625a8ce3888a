/* abuse: what a determined or careless caller tries, and what the server must still hold. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static server_t srv;
static client_t admin;

static int start(void **state)
{
    server_up(&srv, (const char *const[]){"--login-max-failures=3", NULL});
    return client_login(&admin, &srv, "admin", DEMO_PASSWORD) ? 0 : -1;
}

static int stop(void **state)
{
    server_down(&srv);
    return 0;
}

static size_t discard(char *p, size_t size, size_t n, void *arg)
{
    return size * n;
}

static void wrong_passwords_sent_all_at_once_get_no_more_tries_than_the_limit(void **state)
{
    enum { N = 24 };
    CURLM *multi = curl_multi_init();
    CURL *easy[N];
    struct curl_slist *headers = curl_slist_append(NULL, "Content-Type: application/json");
    char url[128];
    snprintf(url, sizeof(url), "%s/api/v1/session", srv.base);
    for (int i = 0; i < N; i++) {
        easy[i] = curl_easy_init();
        curl_easy_setopt(easy[i], CURLOPT_URL, url);
        curl_easy_setopt(easy[i], CURLOPT_HTTPHEADER, headers);
        curl_easy_setopt(easy[i], CURLOPT_POSTFIELDS, "{\"username\":\"unit\",\"password\":\"not-the-password\"}");
        curl_easy_setopt(easy[i], CURLOPT_WRITEFUNCTION, discard);
        curl_easy_setopt(easy[i], CURLOPT_TIMEOUT, 60L);
        curl_multi_add_handle(multi, easy[i]);
    }
    int running = N;
    while (running > 0) {
        curl_multi_perform(multi, &running);
        if (running > 0)
            curl_multi_poll(multi, NULL, 0, 100, NULL);
    }
    int unauthorized = 0, limited = 0;
    for (int i = 0; i < N; i++) {
        long status = 0;
        curl_easy_getinfo(easy[i], CURLINFO_RESPONSE_CODE, &status);
        unauthorized += status == 401;
        limited += status == 429;
        curl_multi_remove_handle(multi, easy[i]);
        curl_easy_cleanup(easy[i]);
    }
    curl_multi_cleanup(multi);
    curl_slist_free_all(headers);
    assert_int_equal(unauthorized, 3); /* the password was tried three times, however the requests raced */
    assert_int_equal(limited, N - 3);
}

static void an_exported_text_that_looks_like_a_formula_stays_text_and_imports_back_unchanged(void **state)
{
    char body[256];
    snprintf(body, sizeof(body), "{\"name\":\"=HYPERLINK(\\\"x\\\")站\",\"kind\":\"hub\",\"region\":\"%s\"}", HOME_REGION);
    api_res_t *r = client_request(&admin, "POST", "/api/v1/stations", body);
    assert_int_equal(r->status, 201);
    api_res_free(r);
    r = client_request(&admin, "GET", "/api/v1/stations/export.csv", NULL);
    assert_int_equal(r->status, 200);
    assert_non_null(strstr(r->body, "\"'=HYPERLINK(\"\"x\"\")站\""));
    char *sheet = strdup(r->body);
    api_res_free(r);
    char cookie[600], csrf[200];
    snprintf(cookie, sizeof(cookie), "Cookie: %s", admin.cookies);
    snprintf(csrf, sizeof(csrf), "X-CSRF-Token: %s", admin.csrf);
    const char *headers[] = {cookie, csrf, NULL};
    r = api_request(&srv, "POST", "/api/v1/stations/import", sheet, strlen(sheet), "text/csv", headers);
    free(sheet);
    assert_int_equal(r->status, 200);
    api_res_free(r);
    char out[128];
    assert_int_equal(db_query(&srv, "SELECT count(*) FROM stations WHERE name = '=HYPERLINK(\"x\")站'", out, sizeof(out)), 0);
    assert_string_equal(out, "1");
}

static void a_display_name_of_forty_wide_characters_is_kept_whole(void **state)
{
    char name[200] = "";
    for (int i = 0; i < 40; i++)
        strcat(name, "\xF0\xA0\x80\x80"); /* U+20000, four bytes each */
    char body[512];
    snprintf(body, sizeof(body),
             "{\"username\":\"wide-name\",\"display_name\":\"%s\",\"password\":\"a-long-enough-password\","
             "\"role\":\"staff\",\"region\":\"%s\"}",
             name, HOME_REGION);
    api_res_t *r = client_request(&admin, "POST", "/api/v1/users", body);
    assert_int_equal(r->status, 201);
    assert_string_equal(json_string_value(json_object_get(r->json, "display_name")), name);
    api_res_free(r);
    client_t wide;
    assert_true(client_login(&wide, &srv, "wide-name", "a-long-enough-password"));
}

static void an_account_cannot_be_linked_to_a_deputy_of_another_county(void **state)
{
    char path[96];
    snprintf(path, sizeof(path), "/api/v1/deputies?region=%s&limit=1", FOREIGN_REGION);
    api_res_t *r = api_get(&srv, path);
    json_t *first = json_array_get(json_object_get(r->json, "items"), 0);
    long long foreign = first ? json_integer_value(json_object_get(first, "id")) : 0;
    api_res_free(r);
    char body[512];
    snprintf(body, sizeof(body),
             "{\"username\":\"borrowed-deputy\",\"display_name\":\"借用\",\"password\":\"a-long-enough-password\","
             "\"role\":\"deputy\",\"region\":\"%s\",\"deputy_id\":%lld}",
             HOME_REGION, foreign ? foreign : 999999LL);
    r = client_request(&admin, "POST", "/api/v1/users", body);
    assert_int_equal(r->status, 422);
    assert_string_equal(json_string_value(json_object_get(json_object_get(r->json, "error"), "field")), "deputy_id");
    api_res_free(r);
}

/* Sends both requests at once as the admin; returns their statuses. */
static void race(const char *method_a, const char *path_a, const char *body_a, const char *method_b,
                 const char *path_b, const char *body_b, long *status_a, long *status_b)
{
    char cookie[600], csrf[200], url_a[256], url_b[256];
    snprintf(cookie, sizeof(cookie), "Cookie: %s", admin.cookies);
    snprintf(csrf, sizeof(csrf), "X-CSRF-Token: %s", admin.csrf);
    snprintf(url_a, sizeof(url_a), "%s%s", srv.base, path_a);
    snprintf(url_b, sizeof(url_b), "%s%s", srv.base, path_b);
    struct curl_slist *headers = curl_slist_append(NULL, cookie);
    headers = curl_slist_append(headers, csrf);
    headers = curl_slist_append(headers, "Content-Type: application/json");
    CURLM *multi = curl_multi_init();
    CURL *a = curl_easy_init(), *b = curl_easy_init();
    const char *methods[] = {method_a, method_b}, *urls[] = {url_a, url_b}, *bodies[] = {body_a, body_b};
    CURL *easy[] = {a, b};
    for (int i = 0; i < 2; i++) {
        curl_easy_setopt(easy[i], CURLOPT_URL, urls[i]);
        curl_easy_setopt(easy[i], CURLOPT_CUSTOMREQUEST, methods[i]);
        curl_easy_setopt(easy[i], CURLOPT_HTTPHEADER, headers);
        if (bodies[i])
            curl_easy_setopt(easy[i], CURLOPT_POSTFIELDS, bodies[i]);
        curl_easy_setopt(easy[i], CURLOPT_WRITEFUNCTION, discard);
        curl_multi_add_handle(multi, easy[i]);
    }
    int running = 2;
    while (running > 0) {
        curl_multi_perform(multi, &running);
        if (running > 0)
            curl_multi_poll(multi, NULL, 0, 100, NULL);
    }
    curl_easy_getinfo(a, CURLINFO_RESPONSE_CODE, status_a);
    curl_easy_getinfo(b, CURLINFO_RESPONSE_CODE, status_b);
    for (int i = 0; i < 2; i++) {
        curl_multi_remove_handle(multi, easy[i]);
        curl_easy_cleanup(easy[i]);
    }
    curl_multi_cleanup(multi);
    curl_slist_free_all(headers);
}

static void a_spoke_never_hangs_from_a_hub_deleted_at_the_same_moment(void **state)
{
    for (int round = 0; round < 10; round++) {
        char body[256], path[64];
        snprintf(body, sizeof(body), "{\"name\":\"竞速站%d\",\"kind\":\"hub\",\"region\":\"%s\"}", round,
                 HOME_REGION);
        api_res_t *r = client_request(&admin, "POST", "/api/v1/stations", body);
        assert_int_equal(r->status, 201);
        long long hub = json_integer_value(json_object_get(r->json, "id"));
        api_res_free(r);
        snprintf(path, sizeof(path), "/api/v1/stations/%lld", hub);
        snprintf(body, sizeof(body), "{\"name\":\"竞速点%d\",\"kind\":\"spoke\",\"region\":\"%s\",\"hub_id\":%lld}",
                 round, HOME_REGION, hub);
        long deleted, created;
        race("DELETE", path, NULL, "POST", "/api/v1/stations", body, &deleted, &created);
        if (!((deleted == 204 && created == 422) || (deleted == 409 && created == 201)))
            fail_msg("round %d: delete answered %ld and the spoke %ld", round, deleted, created);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(an_exported_text_that_looks_like_a_formula_stays_text_and_imports_back_unchanged),
        cmocka_unit_test(a_display_name_of_forty_wide_characters_is_kept_whole),
        cmocka_unit_test(an_account_cannot_be_linked_to_a_deputy_of_another_county),
        cmocka_unit_test(a_spoke_never_hangs_from_a_hub_deleted_at_the_same_moment),
        /* last: it spends this address's sign-in attempts */
        cmocka_unit_test(wrong_passwords_sent_all_at_once_get_no_more_tries_than_the_limit),
    };
    return cmocka_run_group_tests(tests, start, stop);
}
