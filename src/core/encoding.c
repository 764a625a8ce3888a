/*
 * encoding: valid UTF-8 is taken as UTF-8 (a GB18030 file of Chinese text is almost never valid
 * UTF-8 by chance); otherwise glibc's iconv converts from GB18030, which covers GBK and GB2312.
 */
#include "core/encoding.h"

#include <errno.h>
#include <iconv.h>
#include <string.h>

#include "core/utf8.h"

static int from_gb18030(const char *text, size_t len, buf_t *out)
{
    iconv_t cd = iconv_open("UTF-8", "GB18030");
    if (cd == (iconv_t)-1)
        return -1;
    size_t start = out->len;
    char *in = (char *)text;
    size_t left = len;
    int rc = 0;
    while (left > 0) {
        buf_grow(out, left * 2 + 16);
        char *dst = out->data + out->len;
        size_t room = out->cap - out->len - 1;
        size_t r = iconv(cd, &in, &left, &dst, &room);
        out->len = (size_t)(dst - out->data);
        if (r == (size_t)-1 && errno != E2BIG) {
            rc = -1;
            break;
        }
    }
    out->data[out->len] = '\0';
    iconv_close(cd);
    if (rc != 0 || !utf8_valid(out->data + start, out->len - start)) {
        out->len = start;
        out->data[start] = '\0';
        return -1;
    }
    return 0;
}

int encoding_to_utf8(const char *text, size_t len, buf_t *out, const char **name)
{
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) {
        text += 3;
        len -= 3;
        if (!utf8_valid(text, len))
            return -1;
    }
    if (utf8_valid(text, len)) {
        buf_add(out, text, len);
        *name = "UTF-8";
        return 0;
    }
    if (from_gb18030(text, len, out) != 0)
        return -1;
    *name = "GB18030";
    return 0;
}
