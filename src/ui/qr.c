/* The QR code of an otpauth:// URI, drawn as inline SVG (libqrencode): one
 * path of unit squares with a four-module quiet zone, scaled by the page's
 * CSS; no script, no image request. */
#include <qrencode.h>

#include "core/buf.h"
#include "ui/ui.h"

#define QUIET 4 /* modules of white around the code (ISO/IEC 18004 §6.3.8) */

const char *ui_qr_svg(arena_t *a, const char *text, const char *title_text)
{
    QRcode *qr = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    if (!qr)
        return NULL;
    int size = qr->width + 2 * QUIET;
    buf_t b;
    buf_init(&b, a);
    buf_printf(&b,
               "<svg class=\"qr\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
               "role=\"img\" aria-labelledby=\"qr-title\"><title id=\"qr-title\">",
               size, size);
    ui_html_escape(&b, title_text);
    buf_printf(&b,
               "</title><rect width=\"%d\" height=\"%d\" fill=\"#fff\"/><path fill=\"#000\" d=\"",
               size, size);
    for (int y = 0; y < qr->width; y++)
        for (int x = 0; x < qr->width; x++)
            if (qr->data[y * qr->width + x] & 1) /* bit 0: a dark module */
                buf_printf(&b, "M%d %dh1v1h-1z", x + QUIET, y + QUIET);
    buf_puts(&b, "\"/></svg>");
    QRcode_free(qr);
    return buf_cstr(&b);
}
