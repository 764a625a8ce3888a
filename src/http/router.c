/* router: byte-by-byte matching over a small table; no allocation. */
#include "http/router.h"

#include <string.h>

/* Matches one pattern in a single pass, failing at the first byte that differs; a ":name"
 * segment takes one non-empty path segment as a parameter. */
static int fits(const char *p, const char *path, size_t len, h2o_iovec_t *params, int *nparams)
{
    const char *s = path, *end = path + len;
    int n = 0;
    while (*p) {
        if (*p == ':') {
            while (*p && *p != '/')
                p++;
            const char *segment = s;
            while (s < end && *s != '/')
                s++;
            if (s == segment || n == HTTP_MAX_PARAMS)
                return 0;
            params[n++] = h2o_iovec_init(segment, (size_t)(s - segment));
        } else if (s == end || *s++ != *p++)
            return 0;
    }
    if (s != end)
        return 0;
    *nparams = n;
    return 1;
}

int router_match(const http_route_t *routes, const char *method, size_t method_len, const char *path,
                 size_t path_len, h2o_iovec_t params[HTTP_MAX_PARAMS], int *nparams, char *allow,
                 size_t allow_len)
{
    int found_path = 0;
    size_t used = 0;
    if (allow_len)
        allow[0] = '\0';
    for (int i = 0; routes[i].method; i++) {
        h2o_iovec_t tmp[HTTP_MAX_PARAMS];
        int ntmp;
        if (!fits(routes[i].pattern, path, path_len, tmp, &ntmp))
            continue;
        if (strlen(routes[i].method) == method_len && memcmp(routes[i].method, method, method_len) == 0) {
            memcpy(params, tmp, sizeof(tmp[0]) * (size_t)ntmp);
            *nparams = ntmp;
            return i;
        }
        found_path = 1;
        size_t m = strlen(routes[i].method);
        if (allow_len && strstr(allow, routes[i].method) == NULL && used + m + 3 < allow_len) {
            if (used) {
                memcpy(allow + used, ", ", 2);
                used += 2;
            }
            memcpy(allow + used, routes[i].method, m + 1);
            used += m;
        }
    }
    return found_path ? ROUTER_BAD_METHOD : ROUTER_NOT_FOUND;
}

size_t router_count(const http_route_t *routes)
{
    size_t n = 0;
    while (routes[n].method)
        n++;
    return n;
}
