/*
 * xml: escaping and a walk from a JSON value to elements (see xml.h). Invalid UTF-8 never gets
 * here: every text comes from jansson, which holds only valid UTF-8.
 */
#include "core/xml.h"

#include <stdio.h>
#include <string.h>

void xml_escape(buf_t *b, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        switch (c) {
        case '&': buf_adds(b, "&amp;"); break;
        case '<': buf_adds(b, "&lt;"); break;
        case '>': buf_adds(b, "&gt;"); break;
        case '"': buf_adds(b, "&quot;"); break;
        case '\'': buf_adds(b, "&apos;"); break;
        default:
            if (c >= 0x20 || c == '\t' || c == '\n' || c == '\r')
                buf_addc(b, (char)c);
            break; /* not a character of XML 1.0 */
        }
    }
}

static void element(buf_t *b, const char *name, const json_t *value, xml_item_name_t item);

/* The entries of a list, each as an element named item(list). */
static void entries(buf_t *b, const char *list, const json_t *value, xml_item_name_t item)
{
    size_t i;
    const json_t *entry;
    json_array_foreach(value, i, entry) element(b, item(list), entry, item);
}

static void element(buf_t *b, const char *name, const json_t *value, xml_item_name_t item)
{
    buf_addf(b, "<%s>", name);
    switch (json_typeof(value)) {
    case JSON_OBJECT: {
        const char *key;
        const json_t *member;
        json_object_foreach((json_t *)value, key, member) element(b, key, member, item);
        break;
    }
    case JSON_ARRAY: entries(b, name, value, item); break;
    case JSON_STRING: xml_escape(b, json_string_value(value), json_string_length(value)); break;
    case JSON_INTEGER: buf_addf(b, "%" JSON_INTEGER_FORMAT, json_integer_value(value)); break;
    case JSON_REAL: buf_addf(b, "%.15g", json_real_value(value)); break;
    case JSON_TRUE: buf_adds(b, "true"); break;
    case JSON_FALSE: buf_adds(b, "false"); break;
    case JSON_NULL: break;
    }
    buf_addf(b, "</%s>", name);
}

void xml_from_json(buf_t *b, const char *root, const json_t *value, xml_item_name_t item)
{
    buf_adds(b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    element(b, root, value, item);
    buf_addc(b, '\n');
}
