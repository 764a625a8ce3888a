/*
 * qr: QR codes (libqrencode) drawn as SVG, for the deputy contact card (代表连心卡) and the
 * station service card (联络站服务卡): crisp at any print size, a few hundred bytes.
 */
#ifndef LIAISON_CORE_QR_H
#define LIAISON_CORE_QR_H

#include "core/buf.h"

/* Appends an SVG of text's QR code (error correction M, a 4-module quiet zone) to out.
 * Returns 0, or -1 when the text cannot be encoded (too long). */
int qr_svg(const char *text, buf_t *out);

#endif
