/*
 * qr: one SVG path of unit squares, one per dark module, in a viewBox measured in modules, so
 * the browser scales it without blurring.
 */
#include "core/qr.h"

#include <qrencode.h>

enum { QUIET = 4 };

int qr_svg(const char *text, buf_t *out)
{
    QRcode *qr = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    if (qr == NULL)
        return -1;
    int size = qr->width + 2 * QUIET;
    buf_addf(out,
             "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" shape-rendering=\"crispEdges\">"
             "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/><path fill=\"#000\" d=\"",
             size, size, size, size);
    for (int y = 0; y < qr->width; y++)
        for (int x = 0; x < qr->width; x++)
            if (qr->data[y * qr->width + x] & 1)
                buf_addf(out, "M%d %dh1v1h-1z", x + QUIET, y + QUIET);
    buf_adds(out, "\"/></svg>");
    QRcode_free(qr);
    return 0;
}
