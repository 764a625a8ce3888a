/*
 * test_csv: the RFC 4180 reader of src/core/csv.c, as the region and registry imports rely on it.
 * Quoted fields with "" escapes, commas and line breaks inside quotes, LF and CRLF endings, a
 * UTF-8 byte-order mark skipped (but a file that merely starts with the same first byte, such as
 * a full-width comma, kept whole), malformed records refused with the line they began on, and
 * the line numbers of records that span several lines.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/csv.h"

/* A reader over the bytes of text (len bytes, so NULs and BOMs survive). */
typedef struct {
    FILE *in;
    csv_reader_t r;
} reader_t;

static void open_bytes(reader_t *rd, const char *text, size_t len)
{
    rd->in = tmpfile();
    assert_non_null(rd->in);
    if (len)
        assert_int_equal(fwrite(text, 1, len, rd->in), len);
    rewind(rd->in);
    csv_init(&rd->r, rd->in);
}

static void open_text(reader_t *rd, const char *text)
{
    open_bytes(rd, text, strlen(text));
}

static void close_reader(reader_t *rd)
{
    csv_free(&rd->r);
    fclose(rd->in);
}

/* Reads one record and checks its fields (NULL-terminated expected list) and starting line. */
static void expect_record(reader_t *rd, size_t line, const char *const *want)
{
    const char **f = NULL;
    int n = csv_next(&rd->r, &f);
    int wn = 0;
    while (want[wn])
        wn++;
    if (n != wn)
        fail_msg("expected a record of %d fields at line %zu, got %d (reader at line %zu)", wn, line, n, rd->r.line);
    for (int i = 0; i < n; i++)
        assert_string_equal(f[i], want[i]);
    assert_int_equal(rd->r.line, line);
}

static void expect_end(reader_t *rd)
{
    const char **f = NULL;
    assert_int_equal(csv_next(&rd->r, &f), 0);
    assert_int_equal(csv_next(&rd->r, &f), 0); /* and stays at the end */
}

#define FIELDS(...) ((const char *const[]){__VA_ARGS__, NULL})

static void plain_records_split_on_commas_and_line_feeds(void **state)
{
    (void)state;
    reader_t rd;
    open_text(&rd, "code,name\n11,北京市\n12,天津市\n");
    expect_record(&rd, 1, FIELDS("code", "name"));
    expect_record(&rd, 2, FIELDS("11", "北京市"));
    expect_record(&rd, 3, FIELDS("12", "天津市"));
    expect_end(&rd);
    close_reader(&rd);
}

static void the_last_record_needs_no_line_break(void **state)
{
    (void)state;
    reader_t rd;
    open_text(&rd, "a,b\nc,d");
    expect_record(&rd, 1, FIELDS("a", "b"));
    expect_record(&rd, 2, FIELDS("c", "d"));
    expect_end(&rd);
    close_reader(&rd);
}

static void an_empty_file_has_no_records(void **state)
{
    (void)state;
    reader_t rd;
    open_bytes(&rd, "", 0);
    expect_end(&rd);
    close_reader(&rd);
}

static void quoted_fields_lose_their_quotes_and_doubled_quotes_become_one(void **state)
{
    (void)state;
    reader_t rd;
    open_text(&rd, "110101,\"东城区\",1101\n\"他说\"\"你好\"\"\",\"\",\"\"\"\"\n");
    expect_record(&rd, 1, FIELDS("110101", "东城区", "1101"));
    expect_record(&rd, 2, FIELDS("他说\"你好\"", "", "\""));
    expect_end(&rd);
    close_reader(&rd);
}

static void commas_and_line_breaks_inside_quotes_stay_in_the_field(void **state)
{
    (void)state;
    reader_t rd;
    open_text(&rd, "\"钟山区,六盘水市\",\"第一行\n第二行\",x\nnext,row\n");
    expect_record(&rd, 1, FIELDS("钟山区,六盘水市", "第一行\n第二行", "x"));
    expect_record(&rd, 3, FIELDS("next", "row"));
    expect_end(&rd);
    close_reader(&rd);
}

static void crlf_line_endings_are_not_part_of_the_last_field(void **state)
{
    (void)state;
    reader_t rd;
    open_text(&rd, "code,name\r\n11,\"北京市\"\r\n12,天津市\r\n\"a\r\nb\",c\r\n");
    expect_record(&rd, 1, FIELDS("code", "name"));
    expect_record(&rd, 2, FIELDS("11", "北京市"));
    expect_record(&rd, 3, FIELDS("12", "天津市"));
    expect_record(&rd, 4, FIELDS("a\r\nb", "c")); /* a line break inside quotes is kept as written */
    expect_end(&rd);
    close_reader(&rd);
}

static void a_utf8_byte_order_mark_at_the_start_is_skipped(void **state)
{
    (void)state;
    reader_t rd;
    open_text(&rd, "\xEF\xBB\xBF"
                   "code,name\n11,北京市\n");
    expect_record(&rd, 1, FIELDS("code", "name")); /* not "\xEF\xBB\xBFcode" */
    expect_record(&rd, 2, FIELDS("11", "北京市"));
    expect_end(&rd);
    close_reader(&rd);
}

static void a_byte_order_mark_alone_is_an_empty_file(void **state)
{
    (void)state;
    reader_t rd;
    open_text(&rd, "\xEF\xBB\xBF");
    expect_end(&rd);
    close_reader(&rd);
}

static void a_byte_order_mark_before_a_quoted_field_is_skipped_too(void **state)
{
    (void)state;
    reader_t rd;
    open_text(&rd, "\xEF\xBB\xBF\"代码\",\"名称\"\n");
    expect_record(&rd, 1, FIELDS("代码", "名称"));
    expect_end(&rd);
    close_reader(&rd);
}

/* EF BC 8C is "，": it shares its first byte with the BOM but must be kept */
static void a_file_starting_with_a_full_width_comma_keeps_it(void **state)
{
    (void)state;
    reader_t rd;
    open_text(&rd, "，开头,b\nc,d\n");
    expect_record(&rd, 1, FIELDS("，开头", "b"));
    expect_record(&rd, 2, FIELDS("c", "d"));
    expect_end(&rd);
    close_reader(&rd);
}

static void a_file_starting_with_the_first_two_bom_bytes_only_keeps_them(void **state)
{
    (void)state;
    reader_t rd;
    /* EF BB followed by something other than BF: not a BOM, all three bytes stay */
    open_bytes(&rd, "\xEF\xBB\x41,b\n", 6);
    expect_record(&rd, 1, FIELDS("\xEF\xBB\x41", "b"));
    expect_end(&rd);
    close_reader(&rd);
}

static void a_bom_is_skipped_only_at_the_very_start(void **state)
{
    (void)state;
    reader_t rd;
    open_text(&rd, "a\n\xEF\xBB\xBF"
                   "b\n");
    expect_record(&rd, 1, FIELDS("a"));
    expect_record(&rd, 2,
                  FIELDS("\xEF\xBB\xBF"
                         "b"));
    expect_end(&rd);
    close_reader(&rd);
}

static void an_unterminated_quote_is_malformed_and_names_the_line_where_the_record_began(void **state)
{
    (void)state;
    reader_t rd;
    open_text(&rd, "code,name\n11,北京市\n12,\"天津市\n13,河北省\n");
    expect_record(&rd, 1, FIELDS("code", "name"));
    expect_record(&rd, 2, FIELDS("11", "北京市"));
    const char **f;
    assert_int_equal(csv_next(&rd.r, &f), -1);
    assert_int_equal(rd.r.line, 3);
    close_reader(&rd);
}

static void text_after_a_closing_quote_is_malformed(void **state)
{
    (void)state;
    reader_t rd;
    open_text(&rd, "ok,row\n\"东城\"区,1101\n");
    expect_record(&rd, 1, FIELDS("ok", "row"));
    const char **f;
    assert_int_equal(csv_next(&rd.r, &f), -1);
    assert_int_equal(rd.r.line, 2);
    close_reader(&rd);
}

static void sixty_four_fields_are_read_and_sixty_five_are_refused(void **state)
{
    (void)state;
    char line[512] = "";
    for (int i = 0; i < CSV_MAX_FIELDS; i++) {
        char cell[8];
        snprintf(cell, sizeof(cell), "%s%d", i ? "," : "", i);
        strcat(line, cell);
    }
    char text[1200];
    snprintf(text, sizeof(text), "%s\n%s,extra\n", line, line);
    reader_t rd;
    open_text(&rd, text);
    const char **f;
    assert_int_equal(csv_next(&rd.r, &f), CSV_MAX_FIELDS);
    assert_string_equal(f[0], "0");
    assert_string_equal(f[CSV_MAX_FIELDS - 1], "63");
    assert_int_equal(csv_next(&rd.r, &f), -1);
    assert_int_equal(rd.r.line, 2);
    close_reader(&rd);
}

static void an_empty_last_field_is_a_field(void **state)
{
    (void)state;
    reader_t rd;
    open_text(&rd, "a,b,\n,,\n\"x\",\r\n");
    expect_record(&rd, 1, FIELDS("a", "b", ""));
    expect_record(&rd, 2, FIELDS("", "", ""));
    expect_record(&rd, 3, FIELDS("x", ""));
    expect_end(&rd);
    close_reader(&rd);
}

static void records_spanning_lines_report_the_line_they_began_on(void **state)
{
    (void)state;
    reader_t rd;
    open_text(&rd, "h1,h2\n\"one\ntwo\nthree\",x\nplain,y\n\"four\r\nfive\",z\r\nlast,w\n");
    expect_record(&rd, 1, FIELDS("h1", "h2"));
    expect_record(&rd, 2, FIELDS("one\ntwo\nthree", "x"));
    expect_record(&rd, 5, FIELDS("plain", "y"));
    expect_record(&rd, 6, FIELDS("four\r\nfive", "z"));
    expect_record(&rd, 8, FIELDS("last", "w"));
    expect_end(&rd);
    close_reader(&rd);
}

static void fields_stay_valid_until_the_next_record_even_when_long(void **state)
{
    (void)state;
    /* a record long enough that the reader's buffer grows while it is read */
    size_t big = 100000;
    char *text = malloc(big + 32);
    assert_non_null(text);
    memcpy(text, "short,", 6);
    memset(text + 6, 'x', big);
    memcpy(text + 6 + big, ",tail\nnext\n", 12);
    reader_t rd;
    open_text(&rd, text);
    const char **f;
    assert_int_equal(csv_next(&rd.r, &f), 3);
    assert_string_equal(f[0], "short");
    assert_int_equal(strlen(f[1]), big);
    assert_string_equal(f[2], "tail");
    expect_record(&rd, 2, FIELDS("next"));
    expect_end(&rd);
    close_reader(&rd);
    free(text);
}

static void the_bytes_consumed_count_the_whole_file(void **state)
{
    (void)state;
    const char *text = "\xEF\xBB\xBF"
                       "a,b\n\"c\",d\n";
    reader_t rd;
    open_text(&rd, text);
    const char **f;
    while (csv_next(&rd.r, &f) > 0)
        ;
    assert_int_equal(rd.r.bytes, strlen(text));
    close_reader(&rd);
}

static void a_written_cell_is_quoted_when_needed_and_a_formula_is_guarded_only_when_asked(void **state)
{
    (void)state;
    const struct {
        const char *text;
        int guard;
        const char *cell;
    } cases[] = {
        {"掘港街道", 1, "掘港街道"},
        {"a,b", 1, "\"a,b\""},
        {"他说\"好\"", 0, "\"他说\"\"好\"\"\""},
        {"=SUM(A1)", 1, "'=SUM(A1)"},
        {"=SUM(A1),x", 1, "\"'=SUM(A1),x\""},
        {"-33.5", 0, "-33.5"}, /* a number, written by a caller that knows it is one */
        {"-33.5", 1, "'-33.5"},
        {"", 1, ""},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        buf_t b;
        buf_init(&b);
        csv_write_cell(&b, cases[i].text, cases[i].guard);
        assert_string_equal(b.data ? b.data : "", cases[i].cell);
        buf_free(&b);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(plain_records_split_on_commas_and_line_feeds),
        cmocka_unit_test(a_written_cell_is_quoted_when_needed_and_a_formula_is_guarded_only_when_asked),
        cmocka_unit_test(the_last_record_needs_no_line_break),
        cmocka_unit_test(an_empty_file_has_no_records),
        cmocka_unit_test(quoted_fields_lose_their_quotes_and_doubled_quotes_become_one),
        cmocka_unit_test(commas_and_line_breaks_inside_quotes_stay_in_the_field),
        cmocka_unit_test(crlf_line_endings_are_not_part_of_the_last_field),
        cmocka_unit_test(a_utf8_byte_order_mark_at_the_start_is_skipped),
        cmocka_unit_test(a_byte_order_mark_alone_is_an_empty_file),
        cmocka_unit_test(a_byte_order_mark_before_a_quoted_field_is_skipped_too),
        cmocka_unit_test(a_file_starting_with_a_full_width_comma_keeps_it),
        cmocka_unit_test(a_file_starting_with_the_first_two_bom_bytes_only_keeps_them),
        cmocka_unit_test(a_bom_is_skipped_only_at_the_very_start),
        cmocka_unit_test(an_unterminated_quote_is_malformed_and_names_the_line_where_the_record_began),
        cmocka_unit_test(text_after_a_closing_quote_is_malformed),
        cmocka_unit_test(sixty_four_fields_are_read_and_sixty_five_are_refused),
        cmocka_unit_test(an_empty_last_field_is_a_field),
        cmocka_unit_test(records_spanning_lines_report_the_line_they_began_on),
        cmocka_unit_test(fields_stay_valid_until_the_next_record_even_when_long),
        cmocka_unit_test(the_bytes_consumed_count_the_whole_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
