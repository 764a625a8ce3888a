/*
 * image: photos checked by their header, then decoded and written anew as JPEG with libgd (see
 * image.h). The header readers below trust nothing: every offset is checked against the length
 * before it is read, since they run on bytes straight from the network.
 */
#include "core/image.h"

#include <gd.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---- reading headers ------------------------------------------------------------------------ */

static unsigned be16(const unsigned char *p)
{
    return (unsigned)p[0] << 8 | p[1];
}

static unsigned long be32(const unsigned char *p)
{
    return (unsigned long)p[0] << 24 | (unsigned long)p[1] << 16 | (unsigned long)p[2] << 8 | p[3];
}

static unsigned le16(const unsigned char *p)
{
    return (unsigned)p[1] << 8 | p[0];
}

static unsigned long le24(const unsigned char *p)
{
    return (unsigned long)p[2] << 16 | (unsigned long)p[1] << 8 | p[0];
}

/* A 16- or 32-bit number of a TIFF block in its byte order. */
static unsigned long tiff_num(const unsigned char *p, int bytes, int little)
{
    if (bytes == 2)
        return little ? le16(p) : be16(p);
    return little ? (unsigned long)le16(p + 2) << 16 | le16(p) : be32(p);
}

/* The orientation tag (0x0112) of the first IFD of an EXIF block ("Exif\0\0" and a TIFF
 * structure), or 1 when it has none or the block is not well formed. */
static int exif_orientation(const unsigned char *p, size_t len)
{
    if (len < 14 || memcmp(p, "Exif\0\0", 6) != 0)
        return 1;
    const unsigned char *tiff = p + 6;
    size_t n = len - 6;
    int little = memcmp(tiff, "II*\0", 4) == 0;
    if (!little && memcmp(tiff, "MM\0*", 4) != 0)
        return 1;
    unsigned long ifd = tiff_num(tiff + 4, 4, little);
    if (ifd > n || n - ifd < 2)
        return 1;
    unsigned long entries = tiff_num(tiff + ifd, 2, little);
    for (unsigned long i = 0; i < entries; i++) {
        unsigned long at = ifd + 2 + i * 12;
        if (at > n || n - at < 12)
            return 1;
        const unsigned char *e = tiff + at;
        if (tiff_num(e, 2, little) == 0x0112 && tiff_num(e + 2, 2, little) == 3) {
            unsigned long v = tiff_num(e + 8, 2, little);
            return v >= 1 && v <= 8 ? (int)v : 1;
        }
    }
    return 1;
}

/* The markers that start a frame and carry its size: SOF0..SOF15 but DHT, JPG and DAC. */
static int jpeg_is_sof(unsigned marker)
{
    return marker >= 0xc0 && marker <= 0xcf && marker != 0xc4 && marker != 0xc8 && marker != 0xcc;
}

/* Walks a JPEG's segments up to its frame header; the orientation from an APP1 EXIF before it. */
static int probe_jpeg(const unsigned char *p, size_t len, image_info_t *out)
{
    size_t at = 2;
    out->orientation = 1;
    for (;;) {
        while (at < len && p[at] == 0xff && at + 1 < len && p[at + 1] == 0xff)
            at++; /* fill bytes */
        if (at + 4 > len || p[at] != 0xff)
            return IMAGE_EBROKEN;
        unsigned marker = p[at + 1];
        if (marker == 0x01 || (marker >= 0xd0 && marker <= 0xd7)) { /* no length */
            at += 2;
            continue;
        }
        if (marker == 0xd9 || marker == 0xda) /* the end, or scan data, before any frame */
            return IMAGE_EBROKEN;
        size_t seg = be16(p + at + 2);
        if (seg < 2 || seg > len - at - 2)
            return IMAGE_EBROKEN;
        const unsigned char *body = p + at + 4;
        if (jpeg_is_sof(marker)) {
            if (seg < 7)
                return IMAGE_EBROKEN;
            out->height = (int)be16(body + 1);
            out->width = (int)be16(body + 3);
            return IMAGE_OK;
        }
        if (marker == 0xe1 && out->orientation == 1)
            out->orientation = exif_orientation(body, seg - 2);
        at += 2 + seg;
    }
}

static int probe_png(const unsigned char *p, size_t len, image_info_t *out)
{
    /* the signature, then IHDR first: length 13, type, width, height */
    if (len < 24 || memcmp(p + 12, "IHDR", 4) != 0)
        return IMAGE_EBROKEN;
    unsigned long w = be32(p + 16), h = be32(p + 20);
    out->width = w > INT_MAX ? INT_MAX : (int)w;
    out->height = h > INT_MAX ? INT_MAX : (int)h;
    return IMAGE_OK;
}

/* RIFF....WEBP, then the first chunk: VP8 (lossy), VP8L (lossless) or VP8X (extended). */
static int probe_webp(const unsigned char *p, size_t len, image_info_t *out)
{
    if (len >= 30 && memcmp(p + 12, "VP8 ", 4) == 0) {
        if (p[23] != 0x9d || p[24] != 0x01 || p[25] != 0x2a)
            return IMAGE_EBROKEN;
        out->width = (int)(le16(p + 26) & 0x3fff);
        out->height = (int)(le16(p + 28) & 0x3fff);
        return IMAGE_OK;
    }
    if (len >= 25 && memcmp(p + 12, "VP8L", 4) == 0) {
        if (p[20] != 0x2f)
            return IMAGE_EBROKEN;
        unsigned long bits =
            (unsigned long)p[21] | (unsigned long)p[22] << 8 | (unsigned long)p[23] << 16 | (unsigned long)p[24] << 24;
        out->width = (int)(bits & 0x3fff) + 1;
        out->height = (int)(bits >> 14 & 0x3fff) + 1;
        return IMAGE_OK;
    }
    if (len >= 30 && memcmp(p + 12, "VP8X", 4) == 0) {
        out->width = (int)le24(p + 24) + 1;
        out->height = (int)le24(p + 27) + 1;
        return IMAGE_OK;
    }
    return IMAGE_EBROKEN;
}

int image_probe(const void *data, size_t len, image_info_t *out)
{
    const unsigned char *p = data;
    memset(out, 0, sizeof(*out));
    out->orientation = 1;
    int rc;
    if (len >= 3 && p[0] == 0xff && p[1] == 0xd8 && p[2] == 0xff) {
        out->type = IMAGE_JPEG;
        rc = probe_jpeg(p, len, out);
    } else if (len >= 8 && memcmp(p, "\x89PNG\r\n\x1a\n", 8) == 0) {
        out->type = IMAGE_PNG;
        rc = probe_png(p, len, out);
    } else if (len >= 16 && memcmp(p, "RIFF", 4) == 0 && memcmp(p + 8, "WEBP", 4) == 0) {
        out->type = IMAGE_WEBP;
        rc = probe_webp(p, len, out);
    } else {
        return IMAGE_EUNSUPPORTED;
    }
    if (rc != IMAGE_OK)
        return rc;
    if (out->width <= 0 || out->height <= 0)
        return IMAGE_EBROKEN;
    if (out->width > IMAGE_MAX_SIDE || out->height > IMAGE_MAX_SIDE ||
        (long long)out->width * out->height > IMAGE_MAX_PIXELS)
        return IMAGE_EBOMB;
    return IMAGE_OK;
}

const char *image_mime(image_type_t type)
{
    switch (type) {
    case IMAGE_JPEG: return "image/jpeg";
    case IMAGE_PNG: return "image/png";
    case IMAGE_WEBP: return "image/webp";
    }
    return "application/octet-stream";
}

/* ---- pixels --------------------------------------------------------------------------------- */

static gdImagePtr decode(const image_info_t *info, const void *data, size_t len)
{
    int size = (int)len;
    switch (info->type) {
    case IMAGE_JPEG: return gdImageCreateFromJpegPtr(size, (void *)data);
    case IMAGE_PNG: return gdImageCreateFromPngPtr(size, (void *)data);
    case IMAGE_WEBP: return gdImageCreateFromWebpPtr(size, (void *)data);
    }
    return NULL;
}

/* A true-colour copy of src at w x h, its transparent parts laid on white (JPEG has no alpha). */
static gdImagePtr resample(gdImagePtr src, int w, int h)
{
    gdImagePtr dst = gdImageCreateTrueColor(w, h);
    if (dst == NULL)
        return NULL;
    gdImageAlphaBlending(dst, 0);
    gdImageCopyResampled(dst, src, 0, 0, 0, 0, w, h, gdImageSX(src), gdImageSY(src));
    for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
            int c = dst->tpixels[y][x], a = gdTrueColorGetAlpha(c); /* 0 opaque .. 127 clear */
            if (a == 0)
                continue;
            int r = (gdTrueColorGetRed(c) * (127 - a) + 255 * a) / 127;
            int g = (gdTrueColorGetGreen(c) * (127 - a) + 255 * a) / 127;
            int b = (gdTrueColorGetBlue(c) * (127 - a) + 255 * a) / 127;
            dst->tpixels[y][x] = gdTrueColor(r, g, b);
        }
    }
    return dst;
}

/* src turned upright by EXIF orientation 2..8: each destination pixel read from where the
 * orientation says it was stored (5..8 swap width and height). */
static gdImagePtr orient(gdImagePtr src, int orientation)
{
    int w = gdImageSX(src), h = gdImageSY(src);
    int swap = orientation >= 5;
    gdImagePtr dst = gdImageCreateTrueColor(swap ? h : w, swap ? w : h);
    if (dst == NULL)
        return NULL;
    int dw = gdImageSX(dst), dh = gdImageSY(dst);
    for (int y = 0; y < dh; y++) {
        for (int x = 0; x < dw; x++) {
            int sx, sy;
            switch (orientation) {
            case 2: sx = w - 1 - x, sy = y; break;         /* mirrored */
            case 3: sx = w - 1 - x, sy = h - 1 - y; break; /* upside down */
            case 4: sx = x, sy = h - 1 - y; break;         /* mirrored upside down */
            case 5: sx = y, sy = x; break;                 /* transposed */
            case 6: sx = y, sy = h - 1 - x; break;         /* needs a quarter turn clockwise */
            case 7: sx = w - 1 - y, sy = h - 1 - x; break; /* transversed */
            default: sx = w - 1 - y, sy = x; break;        /* 8: a quarter turn anticlockwise */
            }
            dst->tpixels[y][x] = src->tpixels[sy][sx];
        }
    }
    return dst;
}

/* Scales a side so that the longer of a and b becomes at most max; the shorter keeps the ratio. */
static int fit(int a, int b, int max)
{
    int longer = a > b ? a : b;
    if (longer <= max)
        return a;
    long long v = ((long long)a * max + longer / 2) / longer;
    return v < 1 ? 1 : (int)v;
}

/* The image as a JPEG into a malloc'd buffer. */
static int encode(gdImagePtr im, unsigned char **out, size_t *len)
{
    int size = 0;
    gdImageInterlace(im, 0);
    void *jpeg = gdImageJpegPtr(im, &size, IMAGE_QUALITY);
    if (jpeg == NULL || size <= 0) {
        gdFree(jpeg);
        return IMAGE_ENOMEM;
    }
    *out = malloc((size_t)size);
    if (*out)
        memcpy(*out, jpeg, (size_t)size);
    gdFree(jpeg);
    *len = (size_t)size;
    return *out ? IMAGE_OK : IMAGE_ENOMEM;
}

int image_reencode(const void *data, size_t len, image_photo_t *out)
{
    memset(out, 0, sizeof(*out));
    image_info_t info;
    int rc = image_probe(data, len, &info);
    if (rc != IMAGE_OK)
        return rc;
    if (len > INT_MAX)
        return IMAGE_EBROKEN;
    gdImagePtr src = decode(&info, data, len);
    if (src == NULL)
        return IMAGE_EBROKEN;
    /* the decoder must have made what the header said, and nothing larger */
    if (gdImageSX(src) != info.width || gdImageSY(src) != info.height) {
        gdImageDestroy(src);
        return IMAGE_EBROKEN;
    }
    int w = fit(info.width, info.height, IMAGE_LONG_SIDE), h = fit(info.height, info.width, IMAGE_LONG_SIDE);
    gdImagePtr photo = resample(src, w, h);
    gdImageDestroy(src);
    if (photo && info.orientation > 1) {
        gdImagePtr upright = orient(photo, info.orientation);
        gdImageDestroy(photo);
        photo = upright;
    }
    if (photo == NULL)
        return IMAGE_ENOMEM;
    out->width = gdImageSX(photo);
    out->height = gdImageSY(photo);
    out->thumb_width = out->width > IMAGE_THUMB_WIDTH ? IMAGE_THUMB_WIDTH : out->width;
    long long th = ((long long)out->height * out->thumb_width + out->width / 2) / out->width;
    out->thumb_height = th < 1 ? 1 : (int)th;
    gdImagePtr thumb = out->thumb_width == out->width ? photo : resample(photo, out->thumb_width, out->thumb_height);
    rc = thumb ? encode(photo, &out->jpeg, &out->jpeg_len) : IMAGE_ENOMEM;
    if (rc == IMAGE_OK)
        rc = encode(thumb, &out->thumb, &out->thumb_len);
    if (thumb && thumb != photo)
        gdImageDestroy(thumb);
    gdImageDestroy(photo);
    if (rc != IMAGE_OK)
        image_photo_free(out);
    return rc;
}

void image_photo_free(image_photo_t *p)
{
    free(p->jpeg);
    free(p->thumb);
    memset(p, 0, sizeof(*p));
}
