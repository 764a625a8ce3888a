/*
 * image: photos people upload, made safe to keep and to show (libgd).
 *
 * The one idea: nothing is decoded before the header has been read by hand. image_probe tells
 * the type by the bytes themselves (JPEG, PNG or WebP; the Content-Type a client sends proves
 * nothing) and reads the pixel size from the header, so a small file claiming a huge picture (a
 * decompression bomb) is refused before any memory is spent on its pixels. image_reencode then
 * decodes with gd and writes a new JPEG: nothing of the original file survives but its pixels, so
 * EXIF (and the GPS location in it) is gone. A JPEG's EXIF orientation is applied first, so a
 * photo taken with the phone held upright still stands upright.
 *
 * Functions return 0 (IMAGE_OK) or a negative IMAGE_E* code. Thread-safe: no state is shared.
 */
#ifndef LIAISON_CORE_IMAGE_H
#define LIAISON_CORE_IMAGE_H

#include <stddef.h>

enum {
    IMAGE_MAX_PIXELS = 40 * 1000 * 1000, /* more is refused as a decompression bomb */
    IMAGE_MAX_SIDE = 12000,              /* and so is a longer side */
    IMAGE_LONG_SIDE = 2048,              /* a kept photo's longest side at most */
    IMAGE_THUMB_WIDTH = 320,             /* a thumbnail's width at most */
    IMAGE_QUALITY = 85,                  /* JPEG quality of what is written */
};

enum {
    IMAGE_OK = 0,
    IMAGE_EUNSUPPORTED = -1, /* not a JPEG, PNG or WebP by its content */
    IMAGE_EBOMB = -2,        /* the header claims more pixels than IMAGE_MAX_PIXELS or IMAGE_MAX_SIDE */
    IMAGE_EBROKEN = -3,      /* the header is an image's but the picture cannot be read */
    IMAGE_ENOMEM = -4,
};

typedef enum { IMAGE_JPEG = 1, IMAGE_PNG, IMAGE_WEBP } image_type_t;

/* What the header says, read without decoding. */
typedef struct {
    image_type_t type;
    int width, height; /* as stored, before the orientation is applied */
    int orientation;   /* EXIF orientation 1..8 of a JPEG; 1 when absent or not a JPEG */
} image_info_t;

/*
 * Reads the type, the pixel size and (for a JPEG) the EXIF orientation from the first bytes.
 * Returns IMAGE_OK; IMAGE_EUNSUPPORTED for anything not a JPEG, PNG or WebP; IMAGE_EBROKEN for
 * one whose header is cut short or names a size of 0; IMAGE_EBOMB for one too large to decode
 * (out is filled then, to say how large).
 */
int image_probe(const void *data, size_t len, image_info_t *out);

/* "image/jpeg", "image/png", "image/webp". */
const char *image_mime(image_type_t type);

/* A photo written anew. Both buffers are malloc'd and owned by the struct: image_photo_free. */
typedef struct {
    unsigned char *jpeg; /* at most IMAGE_LONG_SIDE on the long side, upright */
    size_t jpeg_len;
    int width, height;
    unsigned char *thumb; /* at most IMAGE_THUMB_WIDTH wide */
    size_t thumb_len;
    int thumb_width, thumb_height;
} image_photo_t;

/*
 * Probes data (refusing as image_probe does), decodes it, applies a JPEG's EXIF orientation,
 * scales it to at most IMAGE_LONG_SIDE px on its long side (never up), lays transparent parts
 * on white, and writes it and a thumbnail as baseline JPEGs of IMAGE_QUALITY with no EXIF.
 * Returns IMAGE_OK with out filled, or an error with out zeroed.
 */
int image_reencode(const void *data, size_t len, image_photo_t *out);
void image_photo_free(image_photo_t *p);

#endif
