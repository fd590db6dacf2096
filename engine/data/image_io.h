#pragma once
// PNG (libpng) and JPEG (libjpeg) reading and PNG writing, plus one entry point that also
// opens FITS files. 8-bit samples become floats 0..255 by default (value = byte), or 0..1
// (value = byte / 255) with PixelRange::Unit.
#include <string>

#include "data/fits.h"
#include "data/image.h"

namespace deepfield {

enum class PixelRange { Byte, Unit };

struct ImageReadOptions {
    int channels = 0;  // 0: as stored (1 grey or 3 RGB); 1: grey (ITU-R 601 luma, as PIL "L"); 3: RGB
    PixelRange range = PixelRange::Byte;
    FitsReadOptions fits;  // used for FITS files
};

enum class ImageFormat { Unknown, Png, Jpeg, Fits };
// By content (magic bytes), falling back to the extension for compressed FITS (.fz, .gz).
ImageFormat detectImageFormat(const std::string& path);

// PNG: grey, grey+alpha, RGB, RGBA, palette, 1..16 bits; alpha dropped, 16-bit scaled to 8.
Image readPng(const std::string& path, const ImageReadOptions& options = {});
// JPEG: grey or colour (YCbCr/RGB) baseline or progressive, decoded by libjpeg.
Image readJpeg(const std::string& path, const ImageReadOptions& options = {});
// Any of PNG, JPEG, FITS (FITS values are left in physical units; `range` does not apply).
Image readImage(const std::string& path, const ImageReadOptions& options = {});

// Writes an 8-bit grey (C = 1) or RGB (C = 3) PNG from (C, H, W) values 0..255 (rounded, clamped;
// NaN -> 0). Row 0 is the top row of the PNG. Atomic (temporary file + rename).
void writePng(const std::string& path, const Tensor& pixels);
// Same from interleaved bytes (H*W*C, row-major, top row first).
void writePng(const std::string& path, const unsigned char* bytes, int width, int height, int channels);

}  // namespace deepfield
