/* health: liveness for load balancers, metrics for Prometheus, and what this server is. */
#include <pthread.h>
#include <string.h>

#include "api/api.h"
#include "store/migrations.h"

int api_healthz(http_req_t *r)
{
    if (store_ping(http_reader(r)) != STORE_OK) {
        http_reply_error(r, 503, "database_unavailable", "the database does not answer", NULL);
        return 0;
    }
    http_reply_json(r, 200, json_pack("{s:s, s:s}", "status", "ok", "database", "ok"));
    return 0;
}

int api_metrics(http_req_t *r)
{
    buf_t out;
    buf_init(&out);
    http_render_metrics(r, &out);
    http_reply_text(r, 200, "text/plain; version=0.0.4; charset=utf-8", out.data, out.len);
    buf_free(&out);
    return 0;
}

/* What this server is does not change while it runs: the body is made once. */
static char *meta_body;
static pthread_once_t meta_once = PTHREAD_ONCE_INIT;

static void make_meta(void)
{
    json_t *meta = json_pack("{s:s, s:s, s:i, s:[s,s], s:s}", "name", "Liaison", "version", LIAISON_VERSION, "schema",
                             store_schema_latest(), "languages", "zh-CN", "en", "time_zone", "Asia/Shanghai");
    meta_body = json_dumps(meta, JSON_COMPACT);
    json_decref(meta);
}

int api_meta(http_req_t *r)
{
    pthread_once(&meta_once, make_meta);
    if (meta_body == NULL)
        http_reply_internal(r, "cannot describe the server");
    else
        http_reply_text(r, 200, "application/json; charset=utf-8", meta_body, strlen(meta_body));
    return 0;
}
