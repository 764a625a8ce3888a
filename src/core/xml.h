/*
 * xml: the little XML that Liaison writes (Open311's text/xml answers), escaped properly.
 *
 * The answers are built as JSON values first and written out here, so both formats say the same
 * thing: an object's members become child elements in their order, a list repeats one element
 * per entry (named by the caller for each list), null is an empty element, true/false and
 * numbers are text. Element names come from the program (never from input); text is escaped and
 * characters XML 1.0 cannot carry (C0 controls but tab, newline and return) are left out.
 * No Debian XML library is linked for this: writing is all we need, and it takes a page.
 */
#ifndef LIAISON_CORE_XML_H
#define LIAISON_CORE_XML_H

#include <jansson.h>
#include <stddef.h>

#include "core/buf.h"

/* Appends the n bytes of UTF-8 text s as element text or attribute value. */
void xml_escape(buf_t *b, const char *s, size_t n);

/* The element name of an entry of the list called list ("services" -> "service"). */
typedef const char *(*xml_item_name_t)(const char *list);

/* Appends the XML declaration and value as element root. A list at the top (or under a member)
 * gives its entries the name item(that member's name, or root at the top). */
void xml_from_json(buf_t *b, const char *root, const json_t *value, xml_item_name_t item);

#endif
