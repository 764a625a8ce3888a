/*
 * opinion: the transition tables of the opinion loop and of a referral, and the small text rules
 * around them. To read what may happen to an opinion, read opinion_next; the rest are names.
 */
#include "domain/opinion.h"

#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"

static const char *const state_names[OPINION_STATE_COUNT] = {
    "registered", "triaged", "in_progress", "answered", "closed", "merged", "rejected",
};
static const char *const action_names[OPINION_ACTION_COUNT] = {
    "register", "triage", "reject", "merge", "resolve", "refer",
    "to_suggestion", "keep", "return", "answer", "rate", "auto_close",
};
static const char *const rating_names[RATING_COUNT] = {"", "satisfied", "basic", "unsatisfied"};

const char *const opinion_channels[] = {"online", "qr", "walk_in", "visit", "phone", "letter", NULL};
const char *const opinion_public_channels[] = {"online", "qr", NULL};
const char *const opinion_urgencies[] = {"normal", "urgent", NULL};
const char *const opinion_tiers[] = {"station", "township", "county", "city", NULL};

static bool is_disposition(opinion_action_t a)
{
    return a == OPINION_RESOLVE || a == OPINION_REFER || a == OPINION_TO_SUGGESTION || a == OPINION_KEEP;
}

int opinion_next(opinion_state_t from, opinion_action_t action, const opinion_facts_t *facts)
{
    switch (from) {
    case OPINION_REGISTERED:
    case OPINION_TRIAGED:
        /* rejecting and merging need no triage first; handling does */
        if (action == OPINION_REJECT)
            return OPINION_REJECTED;
        if (action == OPINION_MERGE)
            return OPINION_MERGED;
        if (from == OPINION_REGISTERED)
            return action == OPINION_TRIAGE ? OPINION_TRIAGED : -1;
        return is_disposition(action) ? OPINION_IN_PROGRESS : -1;
    case OPINION_IN_PROGRESS:
        /* another disposition may follow one that did not work out (a second unit, say) */
        if (is_disposition(action))
            return OPINION_IN_PROGRESS;
        if (action == OPINION_RETURN)
            return OPINION_TRIAGED;
        if (action == OPINION_ANSWER)
            return OPINION_ANSWERED;
        return -1;
    case OPINION_ANSWERED:
        if (action == OPINION_AUTO_CLOSE)
            return OPINION_CLOSED;
        if (action != OPINION_RATE || facts == NULL || facts->rating == RATING_NONE || facts->rating >= RATING_COUNT)
            return -1;
        /* SPEC §3: 不满意 sends it back for another round (重办), as often as the limit allows */
        if (facts->rating == RATING_UNSATISFIED && facts->reopens < facts->reopen_limit)
            return OPINION_IN_PROGRESS;
        return OPINION_CLOSED;
    case OPINION_CLOSED:
    case OPINION_MERGED:
    case OPINION_REJECTED:
    case OPINION_STATE_COUNT:
        return -1;
    }
    return -1;
}

bool opinion_action_public(opinion_action_t action)
{
    return action != OPINION_RETURN && action < OPINION_ACTION_COUNT;
}

bool opinion_state_open(opinion_state_t state)
{
    return state == OPINION_REGISTERED || state == OPINION_TRIAGED || state == OPINION_IN_PROGRESS;
}

static int index_of(const char *const *names, int count, const char *name)
{
    for (int i = 0; name && i < count; i++)
        if (names[i][0] && strcmp(names[i], name) == 0)
            return i;
    return -1;
}

/* The name at i, or "" outside the table. */
static const char *name_at(const char *const *names, int count, int i)
{
    return i >= 0 && i < count ? names[i] : "";
}

const char *opinion_state_name(opinion_state_t s)
{
    return name_at(state_names, OPINION_STATE_COUNT, (int)s);
}

const char *opinion_action_name(opinion_action_t a)
{
    return name_at(action_names, OPINION_ACTION_COUNT, (int)a);
}

const char *opinion_rating_name(opinion_rating_t r)
{
    return name_at(rating_names, RATING_COUNT, (int)r);
}

int opinion_state_from_name(const char *name)
{
    return index_of(state_names, OPINION_STATE_COUNT, name);
}

int opinion_action_from_name(const char *name)
{
    return index_of(action_names, OPINION_ACTION_COUNT, name);
}

int opinion_rating_from_name(const char *name)
{
    return index_of(rating_names, RATING_COUNT, name);
}

bool opinion_word_in(const char *const *list, const char *word)
{
    for (; word && *list; list++)
        if (strcmp(*list, word) == 0)
            return true;
    return false;
}

/* ---- referrals (交办) ---------------------------------------------------------------------- */

static const char *const referral_state_names[REFERRAL_STATE_COUNT] = {"sent", "accepted", "replied", "returned"};
static const char *const referral_action_names[REFERRAL_ACTION_COUNT] = {
    "accept", "reply", "ask_extension", "grant_extension", "refuse_extension", "return",
};

int referral_next(referral_state_t from, bool *pending, referral_action_t action)
{
    if (!referral_open(from))
        return -1;
    switch (action) {
    case REFERRAL_ACCEPT:
        return from == REFERRAL_SENT ? REFERRAL_ACCEPTED : -1;
    case REFERRAL_REPLY:
        *pending = false;
        return REFERRAL_REPLIED;
    case REFERRAL_RETURN:
        *pending = false;
        return REFERRAL_RETURNED;
    case REFERRAL_ASK_EXTENSION:
        if (*pending)
            return -1;
        *pending = true;
        return (int)from;
    case REFERRAL_GRANT_EXTENSION:
    case REFERRAL_REFUSE_EXTENSION:
        if (!*pending)
            return -1;
        *pending = false;
        return (int)from;
    case REFERRAL_ACTION_COUNT:
        break;
    }
    return -1;
}

bool referral_open(referral_state_t state)
{
    return state == REFERRAL_SENT || state == REFERRAL_ACCEPTED;
}

const char *referral_state_name(referral_state_t s)
{
    return name_at(referral_state_names, REFERRAL_STATE_COUNT, (int)s);
}

const char *referral_action_name(referral_action_t a)
{
    return name_at(referral_action_names, REFERRAL_ACTION_COUNT, (int)a);
}

int referral_state_from_name(const char *name)
{
    return index_of(referral_state_names, REFERRAL_STATE_COUNT, name);
}

/* ---- tracking codes and phones ------------------------------------------------------------- */

const char opinion_code_alphabet[] = "ACDEFGHJKMNPQRTWXY34679";

size_t opinion_code_alphabet_size(void)
{
    return sizeof(opinion_code_alphabet) - 1;
}

bool opinion_code_from_bytes(const unsigned char *bytes, size_t nbytes, char *out, size_t n)
{
    size_t size = opinion_code_alphabet_size(), bound = 256 - 256 % size, have = 0;
    for (size_t i = 0; i < nbytes && have < n; i++)
        if (bytes[i] < bound)
            out[have++] = opinion_code_alphabet[bytes[i] % size];
    out[have] = '\0';
    return have == n;
}

bool opinion_code_normalize(const char *typed, char out[OPINION_CODE_LEN + 1])
{
    size_t n = 0;
    for (const char *p = typed; p && *p; p++) {
        if (*p == ' ' || *p == '-')
            continue;
        char c = *p >= 'a' && *p <= 'z' ? (char)(*p - 'a' + 'A') : *p;
        if (n == OPINION_CODE_LEN || strchr(opinion_code_alphabet, c) == NULL)
            return false;
        out[n++] = c;
    }
    out[n] = '\0';
    return n == OPINION_CODE_LEN;
}

static bool digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

bool opinion_phone_valid(const char *phone, char out[16])
{
    size_t len = strlen(phone);
    if (len == 11 && digits(phone, 11) && phone[0] == '1' && phone[1] >= '3') {
        memcpy(out, phone, 12);
        return true;
    }
    /* a landline: 0 + a 2-3 digit area code, then 7-8 digits, with or without a dash */
    if (len < 10 || len > 13 || phone[0] != '0')
        return false;
    const char *dash = strchr(phone, '-');
    size_t area = dash ? (size_t)(dash - phone) : 0, n = 0;
    if (dash && (area < 3 || area > 4 || len - area - 1 < 7 || len - area - 1 > 8 || strchr(dash + 1, '-')))
        return false;
    for (const char *p = phone; *p; p++) {
        if (*p == '-')
            continue;
        if (*p < '0' || *p > '9')
            return false;
        out[n++] = *p;
    }
    out[n] = '\0';
    return n >= 10 && n <= 12;
}

const char *opinion_attachment_type(const unsigned char *d, size_t len)
{
    if (len >= 3 && d[0] == 0xFF && d[1] == 0xD8 && d[2] == 0xFF)
        return "image/jpeg";
    if (len >= 8 && memcmp(d, "\x89PNG\r\n\x1a\n", 8) == 0)
        return "image/png";
    if (len >= 12 && memcmp(d, "RIFF", 4) == 0 && memcmp(d + 8, "WEBP", 4) == 0)
        return "image/webp";
    if (len >= 5 && memcmp(d, "%PDF-", 5) == 0)
        return "application/pdf";
    return NULL;
}

/* ---- similarity ---------------------------------------------------------------------------- */

/* The character as compared (letters folded to lower case, full-width forms to ASCII), or 0
 * for what splits words: spaces, punctuation, symbols. */
static unsigned fold(unsigned c)
{
    if (c >= 0xFF01 && c <= 0xFF5E) /* full-width ASCII */
        c -= 0xFEE0;
    if (c >= 'A' && c <= 'Z')
        return c + 32;
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
        return c;
    if ((c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x20000 && c <= 0x2FFFF))
        return c;
    return 0;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* The distinct bigrams of text, sorted; the caller frees *out. Returns the count, -1 on no memory. */
static long bigrams(const char *text, uint64_t **out)
{
    size_t cap = strlen(text) + 1, n = 0;
    uint64_t *set = malloc(cap * sizeof(*set));
    if (set == NULL)
        return -1;
    unsigned prev = 0;
    for (const char *p = text; *p;) {
        unsigned c = fold(utf8_next(&p));
        if (prev && c)
            set[n++] = (uint64_t)prev << 32 | c;
        prev = c;
    }
    qsort(set, n, sizeof(*set), cmp_u64);
    size_t distinct = 0;
    for (size_t i = 0; i < n; i++)
        if (distinct == 0 || set[distinct - 1] != set[i])
            set[distinct++] = set[i];
    *out = set;
    return (long)distinct;
}

double opinion_similarity(const char *a, const char *b)
{
    uint64_t *x = NULL, *y = NULL;
    long nx = bigrams(a, &x), ny = bigrams(b, &y);
    double dice = 0;
    if (nx > 0 && ny > 0) {
        long shared = 0;
        for (long i = 0, j = 0; i < nx && j < ny;) {
            if (x[i] == y[j])
                shared++, i++, j++;
            else if (x[i] < y[j])
                i++;
            else
                j++;
        }
        dice = 2.0 * (double)shared / (double)(nx + ny);
    }
    free(x);
    free(y);
    return dice;
}
