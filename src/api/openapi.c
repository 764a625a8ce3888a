/*
 * openapi: GET /api/v1/openapi.json - the OpenAPI 3.1 description of every route under /api/v1
 * (docs/openapi.json), embedded in the binary at build time so an installed server carries the
 * description of exactly the routes it serves.
 */
#include <string.h>

#include "api/api.h"

extern const char api_openapi_document[]; /* NUL-terminated, generated from docs/openapi.json */

int api_openapi(http_req_t *r)
{
    http_reply_text(r, 200, "application/json; charset=utf-8", api_openapi_document, strlen(api_openapi_document));
    return 0;
}
