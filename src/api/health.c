/* health: liveness for load balancers, metrics for Prometheus, and what this server is. */
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

int api_meta(http_req_t *r)
{
    http_reply_json(r, 200,
                    json_pack("{s:s, s:s, s:i, s:[s,s], s:s}", "name", "Liaison", "version", LIAISON_VERSION,
                              "schema", store_schema_latest(), "languages", "zh-CN", "en", "time_zone",
                              "Asia/Shanghai"));
    return 0;
}
