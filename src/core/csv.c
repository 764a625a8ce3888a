/*
 * csv: a small state machine over getc. Field bytes are appended to one buffer with a NUL after
 * each field; the field pointers are fixed up once the record is complete (the buffer may move
 * while it grows).
 */
#include "core/csv.h"

#include <string.h>

void csv_init(csv_reader_t *r, FILE *in)
{
    memset(r, 0, sizeof(*r));
    r->in = in;
    buf_init(&r->record);
    r->next_line = 1;
    r->at_start = 1;
}

void csv_free(csv_reader_t *r)
{
    buf_free(&r->record);
}

static int get(csv_reader_t *r)
{
    int c;
    if (r->npending) {
        c = r->pending[0];
        memmove(r->pending, r->pending + 1, sizeof(int) * (size_t)--r->npending);
    } else
        c = getc_unlocked(r->in); /* one thread reads a file: skip stdio locking */
    if (c != EOF)
        r->bytes++;
    if (c == '\n')
        r->next_line++;
    return c;
}

/* Drops a UTF-8 byte-order mark; anything else read ahead is replayed by get. */
static void skip_bom(csv_reader_t *r)
{
    static const int bom[3] = {0xEF, 0xBB, 0xBF};
    for (int i = 0; i < 3; i++) {
        int c = getc(r->in);
        if (c == EOF)
            break;
        r->pending[r->npending++] = c;
        if (c != bom[i])
            return;
    }
    if (r->npending == 3) {
        r->npending = 0;
        r->bytes += 3;
    }
}

int csv_next(csv_reader_t *r, const char ***fields)
{
    if (r->at_start) {
        skip_bom(r);
        r->at_start = 0;
    }
    buf_reset(&r->record);
    r->line = r->next_line;
    int n = 0, c = get(r);
    if (c == EOF)
        return 0;
    for (;;) {
        if (n == CSV_MAX_FIELDS)
            return -1;
        r->starts[n++] = r->record.len;
        if (c == '"') {
            for (;;) {
                c = get(r);
                if (c == EOF)
                    return -1;
                if (c == '"') {
                    c = get(r);
                    if (c != '"')
                        break;
                }
                buf_addc(&r->record, (char)c);
            }
            if (c == '\r')
                c = get(r);
            if (c != ',' && c != '\n' && c != EOF)
                return -1;
        } else {
            while (c != ',' && c != '\n' && c != EOF) {
                if (c != '\r')
                    buf_addc(&r->record, (char)c);
                c = get(r);
            }
        }
        buf_addc(&r->record, '\0');
        if (c != ',')
            break;
        c = get(r);
    }
    for (int i = 0; i < n; i++)
        r->fields[i] = r->record.data + r->starts[i];
    *fields = r->fields;
    return n;
}

int csv_looks_like_formula(const char *text)
{
    return *text && strchr("=+-@\t\r", *text) != NULL;
}

void csv_write_cell(buf_t *out, const char *text, int guard)
{
    int quote = strpbrk(text, ",\"\r\n") != NULL;
    if (quote)
        buf_addc(out, '"');
    if (guard && csv_looks_like_formula(text))
        buf_addc(out, '\'');
    for (; *text; text++) {
        if (*text == '"')
            buf_addc(out, '"');
        buf_addc(out, *text);
    }
    if (quote)
        buf_addc(out, '"');
}
