# Writes OUT: the file IN (docs/openapi.json) as the NUL-terminated C string api_openapi_document.
file(READ ${IN} hex HEX)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
file(WRITE ${OUT} "/* Generated from docs/openapi.json; do not edit. */\nconst char api_openapi_document[] = {${bytes}0};\n")
