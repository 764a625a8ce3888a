/*
 * test_image: the photo pipeline of src/core/image.c. What a user sees: a phone photo is kept
 * upright, at most 2048 px on its long side, with a thumbnail at most 320 px wide, and without
 * the EXIF block that tells where it was taken; a file that is not a photo, or one whose header
 * claims a picture too large to decode, is refused before any pixel is decoded.
 *
 * Every picture is made here by libgd itself; the EXIF block with a GPS position is written by
 * hand into a JPEG's bytes, so the test knows exactly what it put in.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <gd.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/image.h"

/* ---- pictures made with gd ---- */

typedef struct {
    unsigned char *data;
    size_t len;
} bytes_t;

static void bytes_free(bytes_t *b)
{
    free(b->data);
    b->data = NULL;
}

static bytes_t bytes_from_gd(void *p, int size)
{
    assert_non_null(p);
    assert_true(size > 0);
    bytes_t b = {malloc((size_t)size), (size_t)size};
    memcpy(b.data, p, (size_t)size);
    gdFree(p);
    return b;
}

/* A true-colour picture w x h: its left half red, its right half blue. */
static gdImagePtr halves(int w, int h)
{
    gdImagePtr im = gdImageCreateTrueColor(w, h);
    assert_non_null(im);
    gdImageFilledRectangle(im, 0, 0, w / 2 - 1, h - 1, gdTrueColor(255, 0, 0));
    gdImageFilledRectangle(im, w / 2, 0, w - 1, h - 1, gdTrueColor(0, 0, 255));
    return im;
}

typedef enum { AS_JPEG, AS_PNG, AS_WEBP } format_t;

static bytes_t encoded(gdImagePtr im, format_t format)
{
    int size = 0;
    void *p = format == AS_JPEG  ? gdImageJpegPtr(im, &size, 90)
              : format == AS_PNG ? gdImagePngPtr(im, &size)
                                 : gdImageWebpPtr(im, &size);
    gdImageDestroy(im);
    return bytes_from_gd(p, size);
}

/* Whether needle occurs in the bytes. */
static bool contains(const unsigned char *data, size_t len, const void *needle, size_t n)
{
    for (size_t i = 0; i + n <= len; i++)
        if (memcmp(data + i, needle, n) == 0)
            return true;
    return false;
}

/* ---- an EXIF block written by hand ---- */

static void put16(unsigned char *p, unsigned v)
{
    p[0] = (unsigned char)(v & 0xff), p[1] = (unsigned char)(v >> 8);
}

static void put32(unsigned char *p, unsigned long v)
{
    put16(p, (unsigned)(v & 0xffff));
    put16(p + 2, (unsigned)(v >> 16));
}

static void ifd_entry(unsigned char *e, unsigned tag, unsigned type, unsigned long count, unsigned long value)
{
    put16(e, tag);
    put16(e + 2, type);
    put32(e + 4, count);
    put32(e + 8, value);
}

#define GPS_PLACE "GPS:32.31N,121.19E" /* an ASCII tag of the GPS IFD, to look for afterwards */

/*
 * The JPEG with an APP1 segment inserted after its SOI: "Exif\0\0", a little-endian TIFF block
 * whose first IFD holds the orientation and a pointer to a GPS IFD, which holds a latitude
 * reference, a latitude of three rationals (32°18'36") and a processing-method text.
 */
static bytes_t with_exif(bytes_t jpeg, int orientation)
{
    unsigned char tiff[160] = {0};
    memcpy(tiff, "II*\0", 4);
    put32(tiff + 4, 8);
    /* IFD0 at 8: two entries, then the next-IFD link (none) */
    put16(tiff + 8, 2);
    ifd_entry(tiff + 10, 0x0112, 3, 1, (unsigned long)orientation); /* Orientation, SHORT */
    ifd_entry(tiff + 22, 0x8825, 4, 1, 38);                         /* GPSInfo IFD pointer */
    put32(tiff + 34, 0);
    /* GPS IFD at 38: three entries, then no next IFD; its data from 80 */
    put16(tiff + 38, 3);
    ifd_entry(tiff + 40, 0x0001, 2, 2, 'N');  /* GPSLatitudeRef "N" */
    ifd_entry(tiff + 52, 0x0002, 5, 3, 80);   /* GPSLatitude at 80 */
    ifd_entry(tiff + 64, 0x001b, 7, 19, 104); /* GPSProcessingMethod at 104 */
    put32(tiff + 76, 0);
    unsigned long rationals[6] = {32, 1, 18, 1, 36, 1};
    for (int i = 0; i < 6; i++)
        put32(tiff + 80 + 4 * i, rationals[i]);
    memcpy(tiff + 104, GPS_PLACE, sizeof(GPS_PLACE));
    size_t tiff_len = 104 + sizeof(GPS_PLACE);

    size_t seg_len = 2 + 6 + tiff_len; /* the length field counts itself */
    bytes_t out = {malloc(jpeg.len + 2 + seg_len), jpeg.len + 2 + seg_len};
    unsigned char *p = out.data;
    memcpy(p, jpeg.data, 2); /* SOI */
    p += 2;
    *p++ = 0xff, *p++ = 0xe1;
    *p++ = (unsigned char)(seg_len >> 8), *p++ = (unsigned char)(seg_len & 0xff);
    memcpy(p, "Exif\0\0", 6);
    p += 6;
    memcpy(p, tiff, tiff_len);
    p += tiff_len;
    memcpy(p, jpeg.data + 2, jpeg.len - 2);
    bytes_free(&jpeg);
    return out;
}

/* Whether the JPEG has an APP1 segment before its scan (walking segments, not searching bytes). */
static bool has_app1(const unsigned char *p, size_t len)
{
    size_t at = 2;
    while (at + 4 <= len && p[at] == 0xff && p[at + 1] != 0xda) {
        if (p[at + 1] == 0xe1)
            return true;
        at += 2 + ((size_t)p[at + 2] << 8 | p[at + 3]);
    }
    return false;
}

/* The written photo decoded again by gd, checked to be w x h. */
static gdImagePtr decoded(const unsigned char *jpeg, size_t len, int w, int h)
{
    assert_true(len > 3 && jpeg[0] == 0xff && jpeg[1] == 0xd8 && jpeg[2] == 0xff);
    gdImagePtr im = gdImageCreateFromJpegPtr((int)len, (void *)jpeg);
    assert_non_null(im);
    assert_int_equal(gdImageSX(im), w);
    assert_int_equal(gdImageSY(im), h);
    return im;
}

/* Whether the pixel is mostly red (or else mostly blue), as JPEG keeps colours roughly. */
static bool reddish(gdImagePtr im, int x, int y)
{
    int c = gdImageGetTrueColorPixel(im, x, y);
    return gdTrueColorGetRed(c) > 150 && gdTrueColorGetBlue(c) < 100;
}

static bool bluish(gdImagePtr im, int x, int y)
{
    int c = gdImageGetTrueColorPixel(im, x, y);
    return gdTrueColorGetBlue(c) > 150 && gdTrueColorGetRed(c) < 100;
}

/* ---- the tests ---- */

static void a_photo_with_an_exif_gps_position_is_kept_without_any_exif(void **state)
{
    (void)state;
    bytes_t in = with_exif(encoded(halves(64, 48), AS_JPEG), 1);
    assert_true(has_app1(in.data, in.len));
    assert_true(contains(in.data, in.len, "Exif", 4));
    assert_true(contains(in.data, in.len, GPS_PLACE, strlen(GPS_PLACE)));
    image_info_t info;
    assert_int_equal(image_probe(in.data, in.len, &info), IMAGE_OK);
    assert_int_equal(info.type, IMAGE_JPEG);
    assert_int_equal(info.width, 64);
    assert_int_equal(info.height, 48);

    image_photo_t out;
    assert_int_equal(image_reencode(in.data, in.len, &out), IMAGE_OK);
    bytes_free(&in);
    assert_int_equal(out.width, 64);
    assert_int_equal(out.height, 48);
    assert_false(has_app1(out.jpeg, out.jpeg_len));
    assert_false(contains(out.jpeg, out.jpeg_len, "Exif", 4));
    assert_false(contains(out.jpeg, out.jpeg_len, GPS_PLACE, strlen(GPS_PLACE)));
    assert_false(contains(out.thumb, out.thumb_len, "Exif", 4));
    gdImageDestroy(decoded(out.jpeg, out.jpeg_len, 64, 48));
    gdImageDestroy(decoded(out.thumb, out.thumb_len, 64, 48));
    image_photo_free(&out);
}

static void a_photo_taken_with_the_phone_turned_is_kept_upright(void **state)
{
    (void)state;
    /* stored 60 x 40 with red left, blue right; orientation 6 says: turn a quarter clockwise, so
     * it stands 40 x 60 with red on top */
    bytes_t in = with_exif(encoded(halves(60, 40), AS_JPEG), 6);
    image_info_t info;
    assert_int_equal(image_probe(in.data, in.len, &info), IMAGE_OK);
    assert_int_equal(info.orientation, 6);
    image_photo_t out;
    assert_int_equal(image_reencode(in.data, in.len, &out), IMAGE_OK);
    bytes_free(&in);
    assert_int_equal(out.width, 40);
    assert_int_equal(out.height, 60);
    gdImagePtr im = decoded(out.jpeg, out.jpeg_len, 40, 60);
    assert_true(reddish(im, 20, 5));
    assert_true(bluish(im, 20, 55));
    gdImageDestroy(im);
    image_photo_free(&out);

    /* orientation 8: a quarter anticlockwise puts the right half (blue) on top */
    in = with_exif(encoded(halves(60, 40), AS_JPEG), 8);
    assert_int_equal(image_reencode(in.data, in.len, &out), IMAGE_OK);
    bytes_free(&in);
    im = decoded(out.jpeg, out.jpeg_len, 40, 60);
    assert_true(bluish(im, 20, 5));
    assert_true(reddish(im, 20, 55));
    gdImageDestroy(im);
    image_photo_free(&out);

    /* orientation 3: upside down, so blue comes left */
    in = with_exif(encoded(halves(60, 40), AS_JPEG), 3);
    assert_int_equal(image_reencode(in.data, in.len, &out), IMAGE_OK);
    bytes_free(&in);
    im = decoded(out.jpeg, out.jpeg_len, 60, 40);
    assert_true(bluish(im, 5, 20));
    assert_true(reddish(im, 55, 20));
    gdImageDestroy(im);
    image_photo_free(&out);
}

static void a_png_header_claiming_100000_by_100000_pixels_is_refused_before_decoding(void **state)
{
    (void)state;
    /* the signature and an IHDR for 100000 x 100000 RGBA, and no pixel data at all: decoding
     * would fail as broken, so IMAGE_EBOMB can only come from reading the header */
    /* clang-format off */
    unsigned char png[33] = {
        0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n',  /* signature */
        0, 0, 0, 13, 'I', 'H', 'D', 'R',              /* IHDR, 13 bytes: */
        0, 0x01, 0x86, 0xa0, 0, 0x01, 0x86, 0xa0,     /* 100000 x 100000 */
        8, 6, 0, 0, 0,                                /* 8-bit RGBA */
        0, 0, 0, 0,                                   /* CRC (never read) */
    };
    /* clang-format on */
    image_info_t info;
    assert_int_equal(image_probe(png, sizeof(png), &info), IMAGE_EBOMB);
    assert_int_equal(info.type, IMAGE_PNG);
    assert_int_equal(info.width, 100000);
    assert_int_equal(info.height, 100000);
    image_photo_t out;
    assert_int_equal(image_reencode(png, sizeof(png), &out), IMAGE_EBOMB);
    assert_null(out.jpeg);
    assert_null(out.thumb);
}

static void a_picture_over_40_megapixels_or_12000_px_a_side_is_a_bomb_and_just_under_is_not(void **state)
{
    (void)state;
    /* PNG headers only; the size is all that is read */
    static const struct {
        unsigned long w, h;
        int rc;
    } cases[] = {
        {12000, 3333, IMAGE_OK},        /* 39,996,000 pixels */
        {12000, 3334, IMAGE_EBOMB},     /* 40,008,000 */
        {12001, 1, IMAGE_EBOMB},        /* a side too long, few pixels */
        {1, 12001, IMAGE_EBOMB},        /* the same standing */
        {6325, 6324, IMAGE_OK},         /* 39,999,300 */
        {6325, 6325, IMAGE_EBOMB},      /* 40,005,625 */
        {0x80000000UL, 1, IMAGE_EBOMB}, /* past what an int holds */
        {0, 10, IMAGE_EBROKEN},         /* no picture at all */
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        unsigned char png[33] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R'};
        for (int k = 0; k < 4; k++) {
            png[16 + k] = (unsigned char)(cases[i].w >> (24 - 8 * k));
            png[20 + k] = (unsigned char)(cases[i].h >> (24 - 8 * k));
        }
        image_info_t info;
        int rc = image_probe(png, sizeof(png), &info);
        if (rc != cases[i].rc)
            fail_msg("%lu x %lu: expected %d, got %d", cases[i].w, cases[i].h, cases[i].rc, rc);
    }
    /* a JPEG frame header and a WebP canvas are read the same way */
    unsigned char jpeg[] = {0xff, 0xd8, 0xff, 0xe0, 0,    4,    0, 0, 0xff, 0xc2, 0,
                            11,   8,    0x2e, 0xe1, 0x2e, 0xe1, 1, 1, 0x11, 0};
    image_info_t info;
    assert_int_equal(image_probe(jpeg, sizeof(jpeg), &info), IMAGE_EBOMB); /* 12001 x 12001, progressive */
    assert_int_equal(info.width, 12001);
    unsigned char webp[30] = {'R', 'I', 'F', 'F', 22, 0, 0, 0, 'W', 'E',  'B',  'P', 'V',  'P',  '8',
                              'X', 10,  0,   0,   0,  0, 0, 0, 0,   0xff, 0x3f, 0,   0xff, 0x3f, 0};
    assert_int_equal(image_probe(webp, sizeof(webp), &info), IMAGE_EBOMB); /* 16384 x 16384 */
    assert_int_equal(info.type, IMAGE_WEBP);
    assert_int_equal(info.height, 16384);
}

static void what_is_not_a_jpeg_png_or_webp_is_refused_by_its_content(void **state)
{
    (void)state;
    image_info_t info;
    image_photo_t out;
    const char *texts[] = {"this is not a photo", "%PDF-1.4\n%walk\n", "GIF89a\x01\0\x01\0\0\0\0", "", "\xff\xd8"};
    for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
        size_t len = i == 2 ? 13 : strlen(texts[i]);
        assert_int_equal(image_probe(texts[i], len, &info), IMAGE_EUNSUPPORTED);
        assert_int_equal(image_reencode(texts[i], len, &out), IMAGE_EUNSUPPORTED);
    }
    /* a real picture of another kind is refused too: a GIF made by gd */
    int size = 0;
    gdImagePtr im = gdImageCreate(8, 8);
    gdImageColorAllocate(im, 255, 0, 0);
    void *p = gdImageGifPtr(im, &size);
    bytes_t gif = bytes_from_gd(p, size);
    gdImageDestroy(im);
    assert_int_equal(image_reencode(gif.data, gif.len, &out), IMAGE_EUNSUPPORTED);
    bytes_free(&gif);
}

static void an_image_header_with_broken_data_behind_it_is_refused_as_broken(void **state)
{
    (void)state;
    image_photo_t out;
    bytes_t png = encoded(halves(40, 30), AS_PNG);
    memset(png.data + 33, 0x5a, png.len - 33); /* the header stays; the pixels become noise */
    assert_int_equal(image_reencode(png.data, png.len, &out), IMAGE_EBROKEN);
    assert_null(out.jpeg);
    bytes_free(&png);
    bytes_t jpeg = encoded(halves(40, 30), AS_JPEG);
    assert_int_equal(image_reencode(jpeg.data, 40, &out), IMAGE_EBROKEN); /* cut short */
    bytes_free(&jpeg);
    /* a PNG cut before its size */
    assert_int_equal(image_reencode("\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR", 16, &out), IMAGE_EBROKEN);
}

static void a_large_photo_is_scaled_to_2048_px_and_its_thumbnail_to_320_px_wide(void **state)
{
    (void)state;
    bytes_t png = encoded(halves(3000, 1500), AS_PNG);
    image_photo_t out;
    assert_int_equal(image_reencode(png.data, png.len, &out), IMAGE_OK);
    bytes_free(&png);
    assert_int_equal(out.width, 2048);
    assert_int_equal(out.height, 1024);
    assert_int_equal(out.thumb_width, 320);
    assert_int_equal(out.thumb_height, 160);
    gdImagePtr im = decoded(out.jpeg, out.jpeg_len, 2048, 1024);
    assert_true(reddish(im, 100, 500));
    assert_true(bluish(im, 1900, 500));
    gdImageDestroy(im);
    gdImageDestroy(decoded(out.thumb, out.thumb_len, 320, 160));
    image_photo_free(&out);

    /* standing: the long side is the height */
    bytes_t jpeg = encoded(halves(1000, 4000), AS_JPEG);
    assert_int_equal(image_reencode(jpeg.data, jpeg.len, &out), IMAGE_OK);
    bytes_free(&jpeg);
    assert_int_equal(out.width, 512);
    assert_int_equal(out.height, 2048);
    assert_int_equal(out.thumb_width, 320);
    assert_int_equal(out.thumb_height, 1280);
    gdImageDestroy(decoded(out.thumb, out.thumb_len, 320, 1280));
    image_photo_free(&out);

    /* a small one keeps its size: nothing is scaled up */
    jpeg = encoded(halves(200, 100), AS_JPEG);
    assert_int_equal(image_reencode(jpeg.data, jpeg.len, &out), IMAGE_OK);
    bytes_free(&jpeg);
    assert_int_equal(out.width, 200);
    assert_int_equal(out.thumb_width, 200);
    image_photo_free(&out);
}

static void a_webp_and_a_transparent_png_become_jpegs_on_white(void **state)
{
    (void)state;
    bytes_t webp = encoded(halves(100, 50), AS_WEBP);
    image_info_t info;
    assert_int_equal(image_probe(webp.data, webp.len, &info), IMAGE_OK);
    assert_int_equal(info.type, IMAGE_WEBP);
    assert_int_equal(info.width, 100);
    assert_int_equal(info.height, 50);
    assert_string_equal(image_mime(info.type), "image/webp");
    image_photo_t out;
    assert_int_equal(image_reencode(webp.data, webp.len, &out), IMAGE_OK);
    bytes_free(&webp);
    gdImagePtr im = decoded(out.jpeg, out.jpeg_len, 100, 50);
    assert_true(reddish(im, 10, 25));
    gdImageDestroy(im);
    image_photo_free(&out);

    gdImagePtr clear = gdImageCreateTrueColor(20, 20);
    gdImageAlphaBlending(clear, 0);
    gdImageSaveAlpha(clear, 1);
    gdImageFilledRectangle(clear, 0, 0, 19, 19, gdTrueColorAlpha(0, 0, 0, gdAlphaTransparent));
    bytes_t png = encoded(clear, AS_PNG);
    assert_int_equal(image_reencode(png.data, png.len, &out), IMAGE_OK);
    bytes_free(&png);
    im = decoded(out.jpeg, out.jpeg_len, 20, 20);
    int c = gdImageGetTrueColorPixel(im, 10, 10);
    assert_true(gdTrueColorGetRed(c) > 240 && gdTrueColorGetGreen(c) > 240 && gdTrueColorGetBlue(c) > 240);
    gdImageDestroy(im);
    image_photo_free(&out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_photo_with_an_exif_gps_position_is_kept_without_any_exif),
        cmocka_unit_test(a_photo_taken_with_the_phone_turned_is_kept_upright),
        cmocka_unit_test(a_png_header_claiming_100000_by_100000_pixels_is_refused_before_decoding),
        cmocka_unit_test(a_picture_over_40_megapixels_or_12000_px_a_side_is_a_bomb_and_just_under_is_not),
        cmocka_unit_test(what_is_not_a_jpeg_png_or_webp_is_refused_by_its_content),
        cmocka_unit_test(an_image_header_with_broken_data_behind_it_is_refused_as_broken),
        cmocka_unit_test(a_large_photo_is_scaled_to_2048_px_and_its_thumbnail_to_320_px_wide),
        cmocka_unit_test(a_webp_and_a_transparent_png_become_jpegs_on_white),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
