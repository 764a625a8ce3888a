/*
 * router: one table of (method, path pattern) -> handler. Patterns are literal segments and
 * ":name" parameter segments; the first route whose pattern fits wins.
 */
#ifndef LIAISON_HTTP_ROUTER_H
#define LIAISON_HTTP_ROUTER_H

#include <stddef.h>

#include "http/http.h"

enum { ROUTER_NOT_FOUND = -1, ROUTER_BAD_METHOD = -2 };

/*
 * Matches path (without its query) against routes. Returns the route's index with its parameter
 * values in params (pointing into path), ROUTER_NOT_FOUND, or ROUTER_BAD_METHOD when the path
 * exists for other methods, which are then listed in allow ("GET, POST").
 */
int router_match(const http_route_t *routes, const char *method, size_t method_len, const char *path,
                 size_t path_len, h2o_iovec_t params[HTTP_MAX_PARAMS], int *nparams, char *allow,
                 size_t allow_len);
size_t router_count(const http_route_t *routes);

#endif
