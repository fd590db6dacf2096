#include "data/image_io.h"

#include <jpeglib.h>
#include <jerror.h>
#include <png.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <csetjmp>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>
#include <vector>

#include "core/error.h"

namespace deepfield {

namespace {

struct FileCloser {
    void operator()(std::FILE* f) const {
        if (f) std::fclose(f);
    }
};
using FilePtr = std::unique_ptr<std::FILE, FileCloser>;

FilePtr openForReading(const std::string& kind, const std::string& path) {
    FilePtr f(std::fopen(path.c_str(), "rb"));
    if (!f) throw InputError(kind + " file '" + path + "': cannot open it: " + std::strerror(errno));
    return f;
}

// Decoded 8-bit pixels, interleaved (H, W, C), top row first.
struct Decoded {
    int width = 0, height = 0, channels = 0;
    std::vector<unsigned char> bytes;
    std::string error;
};

// ------------------------------------------------------------------ PNG
void pngError(png_structp png, png_const_charp message) {
    auto* out = static_cast<Decoded*>(png_get_error_ptr(png));
    if (out && out->error.empty()) out->error = message;
    png_longjmp(png, 1);
}
void pngWarning(png_structp, png_const_charp) {}

// Everything between setjmp and a possible longjmp lives behind pointers (no local C++ objects
// change after setjmp), so the jump leaves nothing indeterminate.
bool decodePng(std::FILE* file, Decoded* out, std::vector<png_bytep>* rows) {
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, out, pngError, pngWarning);
    if (!png) {
        out->error = "out of memory";
        return false;
    }
    png_infop info = png_create_info_struct(png);
    if (!info) {
        png_destroy_read_struct(&png, nullptr, nullptr);
        out->error = "out of memory";
        return false;
    }
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_read_struct(&png, &info, nullptr);
        if (out->error.empty()) out->error = "unreadable PNG data";
        return false;
    }
    png_init_io(png, file);
    png_read_info(png, info);
    const png_uint_32 width = png_get_image_width(png, info), height = png_get_image_height(png, info);
    const int colorType = png_get_color_type(png, info);
    const int bitDepth = png_get_bit_depth(png, info);
    // To 8-bit grey or RGB: palettes expanded, low bit depths widened, 16 bits scaled
    // (rounded, v * 255 / 65535), alpha dropped (as PIL's convert("RGB") / convert("L")).
    if (colorType == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
    if (colorType == PNG_COLOR_TYPE_GRAY && bitDepth < 8) png_set_expand_gray_1_2_4_to_8(png);
    if (bitDepth == 16) png_set_scale_16(png);
    if (colorType & PNG_COLOR_MASK_ALPHA) png_set_strip_alpha(png);
    png_set_interlace_handling(png);
    png_read_update_info(png, info);
    const int channels = png_get_channels(png, info);
    if ((channels != 1 && channels != 3) || png_get_rowbytes(png, info) != std::size_t(width) * std::size_t(channels)) {
        out->error = "unsupported PNG layout";
        png_destroy_read_struct(&png, &info, nullptr);
        return false;
    }
    out->width = int(width);
    out->height = int(height);
    out->channels = channels;
    out->bytes.resize(std::size_t(width) * height * std::size_t(channels));
    rows->resize(height);
    for (png_uint_32 y = 0; y < height; ++y) (*rows)[y] = out->bytes.data() + std::size_t(y) * width * std::size_t(channels);
    png_read_image(png, rows->data());
    png_read_end(png, nullptr);
    png_destroy_read_struct(&png, &info, nullptr);
    return true;
}

// ------------------------------------------------------------------ JPEG
struct JpegErrorManager {
    jpeg_error_mgr base;  // first member: libjpeg casts cinfo->err to this
    std::jmp_buf jump;
    Decoded* out;
};

void jpegErrorExit(j_common_ptr cinfo) {
    auto* err = reinterpret_cast<JpegErrorManager*>(cinfo->err);
    char message[JMSG_LENGTH_MAX] = {0};
    (*cinfo->err->format_message)(cinfo, message);
    if (err->out->error.empty()) err->out->error = message;
    std::longjmp(err->jump, 1);  // never let libjpeg call exit()
}

void jpegMessage(j_common_ptr cinfo, int level) {
    // Level -1 is a corrupt-data warning; a premature end of file (a truncated download) is an
    // error for us, as it is for PIL. Other warnings (stray bytes) are tolerated like PIL does.
    if (level == -1 && cinfo->err->msg_code == JWRN_JPEG_EOF) jpegErrorExit(cinfo);
}

bool decodeJpeg(std::FILE* file, Decoded* out, JpegErrorManager* err, jpeg_decompress_struct* cinfo) {
    cinfo->err = jpeg_std_error(&err->base);
    err->base.error_exit = jpegErrorExit;
    err->base.emit_message = jpegMessage;
    err->out = out;
    if (setjmp(err->jump)) {
        jpeg_destroy_decompress(cinfo);
        return false;
    }
    jpeg_create_decompress(cinfo);
    jpeg_stdio_src(cinfo, file);
    jpeg_read_header(cinfo, TRUE);
    if (cinfo->jpeg_color_space == JCS_CMYK || cinfo->jpeg_color_space == JCS_YCCK) {
        out->error = "CMYK JPEG; convert it to RGB first";
        jpeg_destroy_decompress(cinfo);
        return false;
    }
    // Defaults as PIL: integer slow IDCT (JDCT_ISLOW), fancy upsampling on.
    cinfo->out_color_space = cinfo->num_components == 1 ? JCS_GRAYSCALE : JCS_RGB;
    jpeg_start_decompress(cinfo);
    out->width = int(cinfo->output_width);
    out->height = int(cinfo->output_height);
    out->channels = cinfo->output_components;
    const std::size_t stride = std::size_t(out->width) * std::size_t(out->channels);
    out->bytes.resize(stride * std::size_t(out->height));
    while (cinfo->output_scanline < cinfo->output_height) {
        JSAMPROW row = out->bytes.data() + std::size_t(cinfo->output_scanline) * stride;
        jpeg_read_scanlines(cinfo, &row, 1);
    }
    jpeg_finish_decompress(cinfo);
    jpeg_destroy_decompress(cinfo);
    return true;
}

// PIL's "L" conversion: L = (19595 R + 38470 G + 7471 B + 0x8000) >> 16 (ITU-R 601 weights).
unsigned char luma(const unsigned char* rgb) {
    return static_cast<unsigned char>((rgb[0] * 19595u + rgb[1] * 38470u + rgb[2] * 7471u + 0x8000u) >> 16);
}

Image toImage(const Decoded& d, const ImageReadOptions& options, const std::string& kind, const std::string& path) {
    if (options.channels != 0 && options.channels != 1 && options.channels != 3)
        throw InputError(kind + " file '" + path + "': cannot make " + std::to_string(options.channels) +
                         " channels; ask for 1 (grey) or 3 (RGB)");
    const int channels = options.channels ? options.channels : d.channels;
    Image image(channels, d.height, d.width);
    const float scale = options.range == PixelRange::Unit ? 1.0f / 255.0f : 1.0f;
    const std::size_t plane = std::size_t(d.width) * std::size_t(d.height);
    for (std::size_t i = 0; i < plane; ++i) {
        const unsigned char* p = d.bytes.data() + i * std::size_t(d.channels);
        for (int c = 0; c < channels; ++c) {
            unsigned char v;
            if (d.channels == channels)
                v = p[c];
            else if (channels == 1)
                v = luma(p);
            else
                v = p[0];  // grey replicated into R, G, B
            image.pixels[std::size_t(c) * plane + i] = float(v) * scale;
        }
    }
    return image;
}

bool hasSuffix(std::string s, const std::string& suffix) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// ------------------------------------------------------------------ PNG writing
void pngWriteError(png_structp png, png_const_charp message) {
    auto* error = static_cast<std::string*>(png_get_error_ptr(png));
    if (error && error->empty()) *error = message;
    png_longjmp(png, 1);
}

bool encodePng(std::FILE* file, const unsigned char* bytes, int width, int height, int channels, std::string* error,
               std::vector<png_const_bytep>* rows) {
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, error, pngWriteError, pngWarning);
    if (!png) return false;
    png_infop info = png_create_info_struct(png);
    if (!info) {
        png_destroy_write_struct(&png, nullptr);
        return false;
    }
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        return false;
    }
    png_init_io(png, file);
    png_set_IHDR(png, info, png_uint_32(width), png_uint_32(height), 8,
                 channels == 1 ? PNG_COLOR_TYPE_GRAY : PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    rows->resize(std::size_t(height));
    for (int y = 0; y < height; ++y) (*rows)[std::size_t(y)] = bytes + std::size_t(y) * std::size_t(width) * std::size_t(channels);
    png_write_image(png, const_cast<png_bytepp>(rows->data()));
    png_write_end(png, nullptr);
    png_destroy_write_struct(&png, &info);
    return true;
}

}  // namespace

ImageFormat detectImageFormat(const std::string& path) {
    unsigned char magic[9] = {0};
    std::size_t n = 0;
    if (FilePtr f{std::fopen(path.c_str(), "rb")}) n = std::fread(magic, 1, sizeof magic, f.get());
    if (n >= 8 && std::memcmp(magic, "\x89PNG\r\n\x1a\n", 8) == 0) return ImageFormat::Png;
    if (n >= 3 && magic[0] == 0xFF && magic[1] == 0xD8 && magic[2] == 0xFF) return ImageFormat::Jpeg;
    if (n >= 9 && std::memcmp(magic, "SIMPLE  =", 9) == 0) return ImageFormat::Fits;
    const bool gz = n >= 2 && magic[0] == 0x1F && magic[1] == 0x8B;
    if (hasSuffix(path, ".fz") || (gz && (hasSuffix(path, ".fits.gz") || hasSuffix(path, ".fit.gz") ||
                                          hasSuffix(path, ".fts.gz"))))
        return ImageFormat::Fits;
    return ImageFormat::Unknown;
}

Image readPng(const std::string& path, const ImageReadOptions& options) {
    FilePtr file = openForReading("PNG", path);
    Decoded d;
    std::vector<png_bytep> rows;
    if (!decodePng(file.get(), &d, &rows)) {
        // libpng says only "Read Error" when the data stop early.
        if (d.error == "Read Error") d.error = "the file ends early or is damaged (truncated?)";
        throw InputError("PNG file '" + path + "': " + d.error);
    }
    return toImage(d, options, "PNG", path);
}

Image readJpeg(const std::string& path, const ImageReadOptions& options) {
    FilePtr file = openForReading("JPEG", path);
    Decoded d;
    JpegErrorManager err{};
    jpeg_decompress_struct cinfo{};
    if (!decodeJpeg(file.get(), &d, &err, &cinfo)) throw InputError("JPEG file '" + path + "': " + d.error);
    return toImage(d, options, "JPEG", path);
}

Image readImage(const std::string& path, const ImageReadOptions& options) {
    switch (detectImageFormat(path)) {
        case ImageFormat::Png: return readPng(path, options);
        case ImageFormat::Jpeg: return readJpeg(path, options);
        case ImageFormat::Fits: {
            Image image = readFits(path, options.fits).image;
            if (options.channels == 1 && image.channels() != 1)
                throw InputError("FITS file '" + path + "': " + std::to_string(image.channels()) +
                                 " channels cannot be made grey; choose a plane");
            if (options.channels == 3 && image.channels() == 1) {
                Image rgb(3, image.height(), image.width());
                rgb.bottomUp = image.bottomUp;
                const std::size_t plane = std::size_t(image.height()) * std::size_t(image.width());
                for (int c = 0; c < 3; ++c) std::copy(image.pixels.data(), image.pixels.data() + plane, rgb.channel(c));
                if (image.hasBlank())
                    for (int c = 0; c < 3; ++c) rgb.blank.insert(rgb.blank.end(), image.blank.begin(), image.blank.end());
                return rgb;
            }
            if (options.channels == 3 && image.channels() != 3)
                throw InputError("FITS file '" + path + "': " + std::to_string(image.channels()) +
                                 " channels cannot be made RGB; choose 3 planes");
            return image;
        }
        case ImageFormat::Unknown: break;
    }
    FilePtr probe(std::fopen(path.c_str(), "rb"));
    if (!probe) throw InputError("image file '" + path + "': cannot open it: " + std::strerror(errno));
    throw InputError("image file '" + path + "': not a PNG, JPEG or FITS file (unknown content)");
}

void writePng(const std::string& path, const unsigned char* bytes, int width, int height, int channels) {
    if (channels != 1 && channels != 3)
        throw ShapeError("writing PNG '" + path + "': " + std::to_string(channels) + " channels; PNG export takes 1 or 3");
    if (width <= 0 || height <= 0) throw ShapeError("writing PNG '" + path + "': empty image");
    const std::string tmp = path + ".tmp-write";
    std::string error;
    {
        FilePtr file(std::fopen(tmp.c_str(), "wb"));
        if (!file) throw Error("writing PNG '" + path + "': cannot create '" + tmp + "': " + std::strerror(errno));
        std::vector<png_const_bytep> rows;
        const bool ok = encodePng(file.get(), bytes, width, height, channels, &error, &rows);
        const bool flushed = std::fflush(file.get()) == 0;
        if (!ok || !flushed) {
            file.reset();
            std::remove(tmp.c_str());
            throw Error("writing PNG '" + path + "': " + (error.empty() ? "write failed (disk full?)" : error));
        }
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0) {
        std::remove(tmp.c_str());
        throw Error("writing PNG '" + path + "': cannot replace the file: " + std::strerror(errno));
    }
}

void writePng(const std::string& path, const Tensor& pixels) {
    if (pixels.rank() != 3 || (pixels.dim(0) != 1 && pixels.dim(0) != 3))
        throw ShapeError("writing PNG '" + path + "': pixels of shape " + toString(pixels.shape()) +
                         "; expected (1, H, W) or (3, H, W)");
    const int c = pixels.dim(0), h = pixels.dim(1), w = pixels.dim(2);
    const std::size_t plane = std::size_t(h) * std::size_t(w);
    std::vector<unsigned char> bytes(plane * std::size_t(c));
    for (std::size_t i = 0; i < plane; ++i)
        for (int k = 0; k < c; ++k) {
            const float v = pixels[std::size_t(k) * plane + i];
            bytes[i * std::size_t(c) + std::size_t(k)] =
                std::isfinite(v) ? static_cast<unsigned char>(std::lround(std::clamp(v, 0.0f, 255.0f))) : 0;
        }
    writePng(path, bytes.data(), w, h, c);
}

}  // namespace deepfield
