/*
 * test_opinion: the rules of the opinion loop (src/domain/opinion.c).
 *
 * The transition table is checked whole: every state against every action, so an action that
 * slips into a state where it has no business fails here before any user meets it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "domain/opinion.h"

enum { X = -1 }; /* not allowed */
enum { REG = OPINION_REGISTERED, TRI = OPINION_TRIAGED, PRO = OPINION_IN_PROGRESS, ANS = OPINION_ANSWERED,
       CLO = OPINION_CLOSED, MER = OPINION_MERGED, REJ = OPINION_REJECTED };

/* expected[state][action] with a satisfied rating and no reopens used */
static const int expected[OPINION_STATE_COUNT][OPINION_ACTION_COUNT] = {
    /*            register triage reject merge resolve refer to_sugg keep return answer rate auto_close */
    [REG] = {X, TRI, REJ, MER, X, X, X, X, X, X, X, X},
    [TRI] = {X, X, REJ, MER, PRO, PRO, PRO, PRO, X, X, X, X},
    [PRO] = {X, X, X, X, PRO, PRO, PRO, PRO, TRI, ANS, X, X},
    [ANS] = {X, X, X, X, X, X, X, X, X, X, CLO, CLO},
    [CLO] = {X, X, X, X, X, X, X, X, X, X, X, X},
    [MER] = {X, X, X, X, X, X, X, X, X, X, X, X},
    [REJ] = {X, X, X, X, X, X, X, X, X, X, X, X},
};

static void every_state_and_action_follows_the_table(void **state)
{
    (void)state;
    opinion_facts_t facts = {RATING_SATISFIED, 0, 1};
    for (int s = 0; s < OPINION_STATE_COUNT; s++)
        for (int a = 0; a < OPINION_ACTION_COUNT; a++) {
            int got = opinion_next((opinion_state_t)s, (opinion_action_t)a, &facts);
            if (got != expected[s][a])
                fail_msg("%s --%s--> %d, expected %d", opinion_state_name((opinion_state_t)s),
                         opinion_action_name((opinion_action_t)a), got, expected[s][a]);
        }
}

static void unsatisfied_rating_reopens_once_then_closes(void **state)
{
    (void)state;
    opinion_facts_t first = {RATING_UNSATISFIED, 0, 1};
    assert_int_equal(opinion_next(OPINION_ANSWERED, OPINION_RATE, &first), OPINION_IN_PROGRESS);
    opinion_facts_t second = {RATING_UNSATISFIED, 1, 1};
    assert_int_equal(opinion_next(OPINION_ANSWERED, OPINION_RATE, &second), OPINION_CLOSED);
}

static void reopen_limit_is_configurable(void **state)
{
    (void)state;
    for (int limit = 0; limit <= 3; limit++)
        for (int used = 0; used <= 4; used++) {
            opinion_facts_t f = {RATING_UNSATISFIED, used, limit};
            int want = used < limit ? OPINION_IN_PROGRESS : OPINION_CLOSED;
            assert_int_equal(opinion_next(OPINION_ANSWERED, OPINION_RATE, &f), want);
        }
}

static void satisfied_and_basic_ratings_close_at_once(void **state)
{
    (void)state;
    opinion_facts_t f = {RATING_BASIC, 0, 5};
    assert_int_equal(opinion_next(OPINION_ANSWERED, OPINION_RATE, &f), OPINION_CLOSED);
    f.rating = RATING_SATISFIED;
    assert_int_equal(opinion_next(OPINION_ANSWERED, OPINION_RATE, &f), OPINION_CLOSED);
}

static void rating_without_a_rating_is_refused(void **state)
{
    (void)state;
    opinion_facts_t f = {RATING_NONE, 0, 1};
    assert_int_equal(opinion_next(OPINION_ANSWERED, OPINION_RATE, &f), -1);
    assert_int_equal(opinion_next(OPINION_ANSWERED, OPINION_RATE, NULL), -1);
}

static void constituent_never_sees_a_units_return(void **state)
{
    (void)state;
    for (int a = 0; a < OPINION_ACTION_COUNT; a++)
        assert_int_equal(opinion_action_public((opinion_action_t)a), a != OPINION_RETURN);
}

static void names_read_back_to_the_same_values(void **state)
{
    (void)state;
    for (int s = 0; s < OPINION_STATE_COUNT; s++)
        assert_int_equal(opinion_state_from_name(opinion_state_name((opinion_state_t)s)), s);
    for (int a = 0; a < OPINION_ACTION_COUNT; a++)
        assert_int_equal(opinion_action_from_name(opinion_action_name((opinion_action_t)a)), a);
    for (int r = RATING_SATISFIED; r < RATING_COUNT; r++)
        assert_int_equal(opinion_rating_from_name(opinion_rating_name((opinion_rating_t)r)), r);
    assert_int_equal(opinion_rating_from_name(""), -1);
    assert_int_equal(opinion_state_from_name("open"), -1);
    assert_int_equal(opinion_action_from_name(NULL), -1);
}

static void only_waiting_states_are_open(void **state)
{
    (void)state;
    const bool open[OPINION_STATE_COUNT] = {[REG] = true, [TRI] = true, [PRO] = true};
    for (int s = 0; s < OPINION_STATE_COUNT; s++)
        assert_int_equal(opinion_state_open((opinion_state_t)s), open[s]);
}

/* ---- referrals ------------------------------------------------------------------------------ */

static void unit_accepts_then_replies_and_the_referral_is_done(void **state)
{
    (void)state;
    bool pending = false;
    assert_int_equal(referral_next(REFERRAL_SENT, &pending, REFERRAL_ACCEPT), REFERRAL_ACCEPTED);
    assert_int_equal(referral_next(REFERRAL_ACCEPTED, &pending, REFERRAL_ACCEPT), -1);
    assert_int_equal(referral_next(REFERRAL_ACCEPTED, &pending, REFERRAL_REPLY), REFERRAL_REPLIED);
    for (int a = 0; a < REFERRAL_ACTION_COUNT; a++)
        assert_int_equal(referral_next(REFERRAL_REPLIED, &pending, (referral_action_t)a), -1);
}

static void unit_may_reply_without_accepting_first(void **state)
{
    (void)state;
    bool pending = false;
    assert_int_equal(referral_next(REFERRAL_SENT, &pending, REFERRAL_REPLY), REFERRAL_REPLIED);
}

static void extension_is_asked_once_and_answered_once(void **state)
{
    (void)state;
    bool pending = false;
    assert_int_equal(referral_next(REFERRAL_SENT, &pending, REFERRAL_GRANT_EXTENSION), -1);
    assert_int_equal(referral_next(REFERRAL_ACCEPTED, &pending, REFERRAL_ASK_EXTENSION), REFERRAL_ACCEPTED);
    assert_true(pending);
    assert_int_equal(referral_next(REFERRAL_ACCEPTED, &pending, REFERRAL_ASK_EXTENSION), -1);
    assert_int_equal(referral_next(REFERRAL_ACCEPTED, &pending, REFERRAL_REFUSE_EXTENSION), REFERRAL_ACCEPTED);
    assert_false(pending);
    assert_int_equal(referral_next(REFERRAL_ACCEPTED, &pending, REFERRAL_REFUSE_EXTENSION), -1);
    assert_int_equal(referral_next(REFERRAL_ACCEPTED, &pending, REFERRAL_ASK_EXTENSION), REFERRAL_ACCEPTED);
    assert_int_equal(referral_next(REFERRAL_ACCEPTED, &pending, REFERRAL_GRANT_EXTENSION), REFERRAL_ACCEPTED);
    assert_false(pending);
}

static void returned_referral_takes_no_more_actions(void **state)
{
    (void)state;
    bool pending = true;
    assert_int_equal(referral_next(REFERRAL_SENT, &pending, REFERRAL_RETURN), REFERRAL_RETURNED);
    assert_false(pending);
    for (int a = 0; a < REFERRAL_ACTION_COUNT; a++)
        assert_int_equal(referral_next(REFERRAL_RETURNED, &pending, (referral_action_t)a), -1);
}

/* ---- tracking codes ------------------------------------------------------------------------- */

static void tracking_code_alphabet_has_no_look_alikes(void **state)
{
    (void)state;
    assert_int_equal(opinion_code_alphabet_size(), 23);
    for (const char *c = "0O1IL2Z5S8BUV"; *c; c++)
        assert_null(strchr(opinion_code_alphabet, *c));
}

static void tracking_code_is_eight_characters_of_the_alphabet(void **state)
{
    (void)state;
    const unsigned char bytes[] = {0, 1, 2, 3, 19, 20, 21, 22};
    char code[OPINION_CODE_LEN + 1];
    assert_true(opinion_code_from_bytes(bytes, sizeof(bytes), code, OPINION_CODE_LEN));
    assert_string_equal(code, "ACDE4679");
}

static void bytes_past_the_last_whole_alphabet_are_skipped_so_every_character_is_equally_likely(void **state)
{
    (void)state;
    /* 23 * 11 = 253: the bytes 253, 254 and 255 would favour the first three characters */
    const unsigned char bytes[] = {253, 254, 255, 23, 252};
    char code[3];
    assert_true(opinion_code_from_bytes(bytes, sizeof(bytes), code, 2));
    assert_string_equal(code, "A9"); /* 23 -> A, 252 -> the 23rd */
    assert_false(opinion_code_from_bytes(bytes, 4, code, 2)); /* only one usable byte */
    int seen[23] = {0};
    for (int b = 0; b < 253; b++) {
        unsigned char one = (unsigned char)b;
        char c[2];
        assert_true(opinion_code_from_bytes(&one, 1, c, 1));
        seen[strchr(opinion_code_alphabet, c[0]) - opinion_code_alphabet]++;
    }
    for (int i = 0; i < 23; i++)
        assert_int_equal(seen[i], 11);
}

static void typed_code_forgives_case_spaces_and_dashes(void **state)
{
    (void)state;
    char out[OPINION_CODE_LEN + 1];
    assert_true(opinion_code_normalize("acde-4679", out));
    assert_string_equal(out, "ACDE4679");
    assert_true(opinion_code_normalize(" ACDE 4679 ", out));
    assert_string_equal(out, "ACDE4679");
    const char *bad[] = {"ACDE467", "ACDE46799", "ACDE4670", "ACDEO679", "", "ACDE467\xe4", "ACDE_679"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
        if (opinion_code_normalize(bad[i], out))
            fail_msg("\"%s\" taken as a code", bad[i]);
}

/* ---- phones --------------------------------------------------------------------------------- */

static void phone_takes_mobiles_and_landlines_and_nothing_else(void **state)
{
    (void)state;
    const struct {
        const char *typed, *digits;
    } good[] = {
        {"13912345678", "13912345678"}, {"19912345678", "19912345678"}, {"0858-8123456", "08588123456"},
        {"010-12345678", "01012345678"}, {"051387654321", "051387654321"},
    };
    char out[16];
    for (size_t i = 0; i < sizeof(good) / sizeof(*good); i++) {
        assert_true(opinion_phone_valid(good[i].typed, out));
        assert_string_equal(out, good[i].digits);
    }
    const char *bad[] = {"12912345678", "1391234567", "139123456789", "23912345678", "0858-812345",
                         "08-81234567", "0858-8123-456", "1391234567a", "", "+8613912345678", "00000-1234567"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
        if (opinion_phone_valid(bad[i], out))
            fail_msg("\"%s\" taken as a phone", bad[i]);
}

/* ---- attachments -------------------------------------------------------------------------- */

static void attachment_type_comes_from_content_not_name(void **state)
{
    (void)state;
    const struct {
        const char *bytes;
        size_t len;
        const char *type;
    } cases[] = {
        {"\xFF\xD8\xFF\xE0\x00\x10JFIF", 10, "image/jpeg"},
        {"\x89PNG\r\n\x1a\n\x00\x00", 10, "image/png"},
        {"RIFF\x10\x00\x00\x00WEBPVP8 ", 16, "image/webp"},
        {"%PDF-1.7\n", 9, "application/pdf"},
        {"GIF89a", 6, NULL},
        {"<svg xmlns=", 11, NULL},             /* scripts can hide in SVG */
        {"MZ\x90\x00", 4, NULL},               /* a program named photo.jpg */
        {"\xFF\xD8", 2, NULL},                 /* too short to tell */
        {"RIFF\x10\x00\x00\x00WAVE", 12, NULL}, /* RIFF but a sound */
        {"", 0, NULL},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        const char *got = opinion_attachment_type((const unsigned char *)cases[i].bytes, cases[i].len);
        if (cases[i].type == NULL ? got != NULL : got == NULL || strcmp(got, cases[i].type) != 0)
            fail_msg("case %zu: %s, expected %s", i, got ? got : "NULL", cases[i].type ? cases[i].type : "NULL");
    }
}

/* ---- similarity ----------------------------------------------------------------------------- */

static void same_complaint_in_other_words_scores_high(void **state)
{
    (void)state;
    double same = opinion_similarity("人民路与青园路交叉口的路灯坏了，晚上很黑", "青园路交叉口路灯坏了好几天，晚上太黑");
    double other = opinion_similarity("人民路与青园路交叉口的路灯坏了，晚上很黑", "希望学校增加校车班次，孩子上学不方便");
    assert_true(same > 0.4);
    assert_true(other < 0.1);
    assert_true(same > other);
}

static void similarity_is_symmetric_and_one_for_identical_text(void **state)
{
    (void)state;
    const char *a = "小区垃圾清运不及时", *b = "垃圾清运太慢，小区门口堆满了";
    assert_true(opinion_similarity(a, b) == opinion_similarity(b, a));
    assert_true(opinion_similarity(a, a) == 1.0);
}

static void similarity_ignores_punctuation_width_and_case(void **state)
{
    (void)state;
    assert_true(opinion_similarity("ＷＩＦＩ信号差", "wifi信号差！") == 1.0);
    assert_true(opinion_similarity("路灯，坏了", "路灯坏了") < 1.0); /* the comma splits 灯坏 */
    assert_true(opinion_similarity("", "路灯") == 0.0);
    assert_true(opinion_similarity("灯", "灯") == 0.0); /* one character has no bigram */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_state_and_action_follows_the_table),
        cmocka_unit_test(unsatisfied_rating_reopens_once_then_closes),
        cmocka_unit_test(reopen_limit_is_configurable),
        cmocka_unit_test(satisfied_and_basic_ratings_close_at_once),
        cmocka_unit_test(rating_without_a_rating_is_refused),
        cmocka_unit_test(constituent_never_sees_a_units_return),
        cmocka_unit_test(names_read_back_to_the_same_values),
        cmocka_unit_test(only_waiting_states_are_open),
        cmocka_unit_test(unit_accepts_then_replies_and_the_referral_is_done),
        cmocka_unit_test(unit_may_reply_without_accepting_first),
        cmocka_unit_test(extension_is_asked_once_and_answered_once),
        cmocka_unit_test(returned_referral_takes_no_more_actions),
        cmocka_unit_test(tracking_code_alphabet_has_no_look_alikes),
        cmocka_unit_test(tracking_code_is_eight_characters_of_the_alphabet),
        cmocka_unit_test(bytes_past_the_last_whole_alphabet_are_skipped_so_every_character_is_equally_likely),
        cmocka_unit_test(typed_code_forgives_case_spaces_and_dashes),
        cmocka_unit_test(phone_takes_mobiles_and_landlines_and_nothing_else),
        cmocka_unit_test(attachment_type_comes_from_content_not_name),
        cmocka_unit_test(same_complaint_in_other_words_scores_high),
        cmocka_unit_test(similarity_is_symmetric_and_one_for_identical_text),
        cmocka_unit_test(similarity_ignores_punctuation_width_and_case),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
