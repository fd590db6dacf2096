#include "data/fits.h"

#include <fitsio.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <cstdlib>
#include <limits>
#include <memory>

#include "core/error.h"

namespace deepfield {

namespace {

// CFITSIO's own words for a status code, plus the most specific message on its error stack.
std::string cfitsioReason(int status) {
    char text[FLEN_STATUS] = {0};
    fits_get_errstatus(status, text);
    std::string reason = text;
    char msg[FLEN_ERRMSG] = {0};
    std::string detail;
    while (fits_read_errmsg(msg)) {
        std::string m = msg;
        while (!m.empty() && (m.back() == ' ' || m.back() == '\n')) m.pop_back();
        if (!m.empty() && detail.empty()) detail = m;
    }
    if (!detail.empty() && detail != reason) reason += " (" + detail + ")";
    return reason;
}

std::string where(const std::string& path, int hdu) {
    std::string s = "FITS file '" + path + "'";
    if (hdu >= 0) s += ", HDU " + std::to_string(hdu);
    return s;
}

[[noreturn]] void fail(const std::string& path, int hdu, const std::string& reason) {
    throw InputError(where(path, hdu) + ": " + reason);
}

[[noreturn]] void failStatus(const std::string& path, int hdu, int status, const std::string& doing) {
    fail(path, hdu, doing + ": " + cfitsioReason(status));
}

// Owns an open fitsfile; closes it on every exit path.
class FitsFile {
public:
    FitsFile(const std::string& path, int mode) : path_(path) {
        int status = 0;
        if (fits_open_file(&f_, path.c_str(), mode, &status)) {
            f_ = nullptr;
            const std::string reason = cfitsioReason(status);
            FILE* probe = std::fopen(path.c_str(), "rb");
            if (!probe) fail(path, -1, "cannot open the file (does it exist?)");
            std::fclose(probe);
            fail(path, -1, "not a readable FITS file: " + reason);
        }
    }
    ~FitsFile() {
        int status = 0;
        if (f_) fits_close_file(f_, &status);
    }
    FitsFile(const FitsFile&) = delete;
    FitsFile& operator=(const FitsFile&) = delete;
    fitsfile* get() const { return f_; }

    int hduCount() const {
        int n = 0, status = 0;
        if (fits_get_num_hdus(f_, &n, &status)) failStatus(path_, -1, status, "cannot count HDUs");
        return n;
    }
    void moveTo(int hdu) const {  // 0-based
        const int n = hduCount();
        if (hdu < 0 || hdu >= n)
            fail(path_, hdu, "no such HDU; the file has " + std::to_string(n) + " HDU" + (n == 1 ? "" : "s") +
                                 " (0.." + std::to_string(n - 1) + ")");
        int status = 0, type = 0;
        if (fits_movabs_hdu(f_, hdu + 1, &type, &status)) failStatus(path_, hdu, status, "cannot read the header");
    }

private:
    std::string path_;
    fitsfile* f_ = nullptr;
};

std::string trimRight(std::string s) {
    while (!s.empty() && (s.back() == ' ' || s.back() == '\n' || s.back() == '\r')) s.pop_back();
    return s;
}

// Parses the 80-character cards of a header string (as from fits_hdr2str).
std::vector<FitsCard> parseCards(const std::string& header) {
    std::vector<FitsCard> cards;
    for (std::size_t pos = 0; pos + 8 <= header.size(); pos += 80) {
        const std::string card = header.substr(pos, 80);
        FitsCard c;
        char name[FLEN_KEYWORD] = {0};
        int len = 0, status = 0;
        fits_get_keyname(const_cast<char*>(card.c_str()), name, &len, &status);
        c.keyword = trimRight(status ? card.substr(0, 8) : std::string(name));
        if (c.keyword == "END") break;
        char value[FLEN_VALUE] = {0}, comment[FLEN_COMMENT] = {0};
        status = 0;
        fits_parse_value(const_cast<char*>(card.c_str()), value, comment, &status);
        const bool valueCard = card.size() >= 10 && card.compare(8, 2, "= ") == 0;
        const bool hierarch = card.compare(0, 8, "HIERARCH") == 0;
        c.hasValue = (valueCard || hierarch) && !status && c.keyword != "COMMENT" && c.keyword != "HISTORY";
        c.comment = trimRight(comment);
        if (c.hasValue) {
            std::string v = trimRight(value);
            if (!v.empty() && v.front() == '\'') {
                c.isString = true;
                std::string s;
                for (std::size_t i = 1; i < v.size(); ++i) {
                    if (v[i] == '\'') {
                        if (i + 1 < v.size() && v[i + 1] == '\'') {
                            s += '\'';
                            ++i;
                            continue;
                        }
                        break;
                    }
                    s += v[i];
                }
                v = trimRight(s);
            }
            c.value = v;
        } else if (c.comment.empty() && card.size() > 8) {
            c.comment = trimRight(card.substr(8));
        }
        cards.push_back(std::move(c));
    }
    return cards;
}

// The header as one string of 80-char cards. For a tile-compressed image this is the
// header of the uncompressed image (fits_convert_hdr2str), not that of its binary table.
std::string headerString(fitsfile* f, const std::string& path, int hdu) {
    int status = 0, compressed = fits_is_compressed_image(f, &status);
    char* text = nullptr;
    int nkeys = 0;
    status = 0;
    if (compressed)
        fits_convert_hdr2str(f, 0, nullptr, 0, &text, &nkeys, &status);
    else
        fits_hdr2str(f, 0, nullptr, 0, &text, &nkeys, &status);
    if (status) {
        if (text) fits_free_memory(text, &status);
        failStatus(path, hdu, status, "cannot read the header");
    }
    std::string s(text, std::size_t(nkeys) * 80);
    int st = 0;
    fits_free_memory(text, &st);
    return s;
}

FitsHduInfo hduInfo(fitsfile* f, const std::string& path, int hdu) {
    FitsHduInfo info;
    info.index = hdu;
    int status = 0, type = 0;
    if (fits_get_hdu_type(f, &type, &status)) failStatus(path, hdu, status, "cannot read the HDU type");
    info.type = type == IMAGE_HDU ? FitsHduType::Image
              : type == ASCII_TBL ? FitsHduType::AsciiTable
                                  : FitsHduType::BinaryTable;
    status = 0;
    info.compressed = fits_is_compressed_image(f, &status) != 0;
    char name[FLEN_VALUE] = {0};
    status = 0;
    if (fits_read_key(f, TSTRING, "EXTNAME", name, nullptr, &status) == 0)
        info.name = trimRight(name);
    else
        info.name = hdu == 0 ? "PRIMARY" : "";
    fits_clear_errmsg();
    if (info.type == FitsHduType::Image) {
        int naxis = 0;
        long axes[9] = {0};
        status = 0;
        if (fits_get_img_param(f, 9, &info.bitpix, &naxis, axes, &status))
            failStatus(path, hdu, status, "cannot read the image size (broken NAXIS/BITPIX cards?)");
        if (naxis > 9) fail(path, hdu, "NAXIS=" + std::to_string(naxis) + " is more than 9 axes");
        info.axes.assign(axes, axes + naxis);
        status = 0;
        if (fits_get_img_equivtype(f, &info.equivBitpix, &status))
            failStatus(path, hdu, status, "cannot read BSCALE/BZERO");
    } else {
        long long rows = 0;
        status = 0;
        if (fits_get_num_rowsll(f, &rows, &status) == 0) info.rows = rows;
        fits_clear_errmsg();
    }
    return info;
}

bool parseInteger(const std::string& s, long long& out) {
    if (s.empty()) return false;
    char* end = nullptr;
    errno = 0;
    out = std::strtoll(s.c_str(), &end, 10);
    return errno == 0 && end && *end == '\0';
}

bool parseReal(const std::string& s, double& out) {
    if (s.empty()) return false;
    std::string t = s;
    std::replace(t.begin(), t.end(), 'D', 'E');  // FITS allows D exponents
    char* end = nullptr;
    out = std::strtod(t.c_str(), &end);
    // FITS has no real value for inf or NaN (e.g. simulate --no-noise writes snr = inf): a string then.
    return end && *end == '\0' && std::isfinite(out);
}

// An uncompressed float32 HDU without BSCALE/BZERO scaling: its values are already the floats we keep.
bool unscaledFloat32(fitsfile* f, const FitsHduInfo& info) {
    if (info.bitpix != FLOAT_IMG || info.compressed) return false;
    for (const char* key : {"BSCALE", "BZERO"}) {
        double v = 0;
        int status = 0;
        const bool present = fits_read_key(f, TDOUBLE, key, &v, nullptr, &status) == 0;
        fits_clear_errmsg();
        if (!present && status != KEY_NO_EXIST) return false;  // unreadable card: the general path reports it
        if (present && v != (key[1] == 'S' ? 1.0 : 0.0)) return false;
    }
    return true;
}

// Float32 straight into the image: no double buffer, no null array, and CFITSIO only reads and
// byte-swaps. Its null check (as readConverted gets it: NaN and infinities are blank, zero and
// denormal values read as +0) is redone here on the exponent bits of each 1 MB chunk while it is
// still in the cache.
std::size_t readFloat32(fitsfile* f, const std::string& path, int hdu, long long firstElement,
                        const FitsReadOptions& options, Image& image) {
    float* px = image.pixels.data();
    const std::size_t count = image.pixels.size();
    constexpr std::uint32_t kExponent = 0x7F800000u;
    constexpr std::size_t kChunk = std::size_t(1) << 18;
    std::size_t blanks = 0;
    for (std::size_t first = 0; first < count; first += kChunk) {
        const std::size_t len = std::min(kChunk, count - first);
        int anynul = 0, status = 0;
        if (fits_read_img(f, TFLOAT, LONGLONG(firstElement) + LONGLONG(first), LONGLONG(len), nullptr, px + first,
                          &anynul, &status))
            failStatus(path, hdu, status, "cannot read the pixels (truncated file?)");
        float* chunk = px + first;
        for (std::size_t i = 0; i < len; ++i) {
            const std::uint32_t e = std::bit_cast<std::uint32_t>(chunk[i]) & kExponent;
            blanks += e == kExponent;
            if (e == 0) chunk[i] = 0.0f;
        }
    }
    if (blanks == 0) return 0;
    std::vector<std::uint8_t> blank(count, 0);
    const float fill = options.fillBlank ? options.blankFill : std::numeric_limits<float>::quiet_NaN();
    for (std::size_t i = 0; i < count; ++i)
        if ((std::bit_cast<std::uint32_t>(px[i]) & kExponent) == kExponent) {
            blank[i] = 1;
            px[i] = fill;
        }
    image.blank = std::move(blank);
    return blanks;
}

// Any other pixel type, read as double: exact for 32-bit integers with BSCALE/BZERO and for
// float64, then narrowed.
std::size_t readConverted(fitsfile* f, const std::string& path, int hdu, long* firstpix,
                          const FitsReadOptions& options, Image& image) {
    const std::size_t count = image.pixels.size();
    std::vector<double> values(count);
    std::vector<char> nulls(count);
    int anynul = 0, status = 0;
    if (fits_read_pixnull(f, TDOUBLE, firstpix, long(count), values.data(), nulls.data(), &anynul, &status))
        failStatus(path, hdu, status, "cannot read the pixels (truncated file?)");
    float* px = image.pixels.data();
    std::size_t blanks = 0;
    std::vector<std::uint8_t> blank(count, 0);
    const float nan = std::numeric_limits<float>::quiet_NaN();
    for (std::size_t i = 0; i < count; ++i) {
        if (nulls[i] || !std::isfinite(values[i])) {
            blank[i] = 1;
            ++blanks;
            px[i] = options.fillBlank ? options.blankFill : nan;
        } else {
            px[i] = static_cast<float>(values[i]);
        }
    }
    if (blanks) image.blank = std::move(blank);
    return blanks;
}

}  // namespace

const char* toString(FitsHduType type) {
    switch (type) {
        case FitsHduType::Image: return "image";
        case FitsHduType::AsciiTable: return "ascii-table";
        case FitsHduType::BinaryTable: return "binary-table";
    }
    return "?";
}

std::string FitsHduInfo::pixelType() const {
    if (type != FitsHduType::Image) return "table";
    // The stored integer type, read as unsigned/signed when BZERO only shifts it (uint16 via
    // BZERO = 32768); a real BSCALE keeps the stored type (the values are scaled on reading).
    const bool shifted = equivBitpix == USHORT_IMG || equivBitpix == ULONG_IMG || equivBitpix == SBYTE_IMG ||
                         equivBitpix == ULONGLONG_IMG;
    switch (shifted ? equivBitpix : bitpix) {
        case BYTE_IMG: return "uint8";
        case SBYTE_IMG: return "int8";
        case SHORT_IMG: return "int16";
        case USHORT_IMG: return "uint16";
        case LONG_IMG: return "int32";
        case ULONG_IMG: return "uint32";
        case LONGLONG_IMG: return "int64";
        case ULONGLONG_IMG: return "uint64";
        case FLOAT_IMG: return "float32";
        case DOUBLE_IMG: return "float64";
        default: return "bitpix" + std::to_string(bitpix);
    }
}

std::vector<FitsHduInfo> listFitsHdus(const std::string& path) {
    FitsFile file(path, READONLY);
    const int n = file.hduCount();
    std::vector<FitsHduInfo> out;
    for (int i = 0; i < n; ++i) {
        file.moveTo(i);
        out.push_back(hduInfo(file.get(), path, i));
    }
    return out;
}

std::vector<FitsCard> readFitsCards(const std::string& path, int hdu, std::string* headerText) {
    FitsFile file(path, READONLY);
    file.moveTo(hdu);
    std::string text = headerString(file.get(), path, hdu);
    if (headerText) *headerText = text;
    return parseCards(text);
}

FitsImage readFits(const std::string& path, const FitsReadOptions& options) {
    FitsFile file(path, READONLY);
    fitsfile* f = file.get();
    int hdu = options.hdu;
    if (hdu < 0) {
        // The first image HDU with pixels: the primary, or (as for .fits.fz) the first extension.
        const int n = file.hduCount();
        for (int i = 0; i < n && hdu < 0; ++i) {
            file.moveTo(i);
            const FitsHduInfo info = hduInfo(f, path, i);
            if (info.type == FitsHduType::Image && !info.axes.empty() && product(Shape(info.axes.begin(), info.axes.end())) > 0)
                hdu = i;
        }
        if (hdu < 0) fail(path, -1, "no HDU holds an image (" + std::to_string(n) + " HDU" + (n == 1 ? "" : "s") + " checked)");
    }
    file.moveTo(hdu);
    FitsImage out;
    out.hdu = hduInfo(f, path, hdu);
    const FitsHduInfo& info = out.hdu;
    if (info.type != FitsHduType::Image)
        fail(path, hdu, std::string("is a ") + (info.type == FitsHduType::AsciiTable ? "ASCII" : "binary") +
                            " table, not an image; choose an image HDU");
    // Trailing axes of length 1 (NAXIS3 = 1, common in radio data) do not make a cube.
    std::vector<long> axes = info.axes;
    while (axes.size() > 2 && axes.back() == 1) axes.pop_back();
    if (axes.empty() || std::any_of(axes.begin(), axes.end(), [](long a) { return a <= 0; }))
        fail(path, hdu, "empty image (NAXIS=" + std::to_string(info.axes.size()) +
                            (info.axes.empty() ? "" : ", an axis of length 0") + "); choose an HDU with pixels");
    if (axes.size() == 1) axes.push_back(1);  // a 1-D spectrum reads as one row
    if (axes.size() > 3)
        fail(path, hdu, "NAXIS=" + std::to_string(axes.size()) + " data; only 2-D images and 3-D cubes can be loaded");
    const long width = axes[0], height = axes[1];
    const long planes = axes.size() == 3 ? axes[2] : 1;
    long firstPlane = 0, planeCount = planes;
    if (planes > 1) {
        if (options.cube == FitsCubeMode::Reject)
            fail(path, hdu, "NAXIS=3 cube with " + std::to_string(planes) + " planes; pick a plane or load it as " +
                                std::to_string(planes) + " channels");
        if (options.cube == FitsCubeMode::Plane) {
            if (options.plane < 0 || options.plane >= planes)
                fail(path, hdu, "plane " + std::to_string(options.plane) + " does not exist; the cube has " +
                                    std::to_string(planes) + " planes (0.." + std::to_string(planes - 1) + ")");
            firstPlane = options.plane;
            planeCount = 1;
        }
    }
    const std::size_t planeSize = std::size_t(width) * std::size_t(height);
    const std::size_t count = planeSize * std::size_t(planeCount);
    if (width > std::numeric_limits<int>::max() || height > std::numeric_limits<int>::max() ||
        count > std::size_t(1) << 33)
        fail(path, hdu, "image of " + std::to_string(width) + " x " + std::to_string(height) + " x " +
                            std::to_string(planeCount) + " pixels is too large to load");

    out.image = Image(int(planeCount), int(height), int(width));
    out.image.bottomUp = true;
    long firstpix[3] = {1, 1, firstPlane + 1};
    const std::size_t blanks =
        unscaledFloat32(f, info)
            ? readFloat32(f, path, hdu, 1 + static_cast<long long>(firstPlane) * static_cast<long long>(planeSize), options, out.image)
            : readConverted(f, path, hdu, firstpix, options, out.image);
    out.blankCount = blanks;
    out.headerText = headerString(f, path, hdu);
    out.cards = parseCards(out.headerText);
    return out;
}

void writeFits(const std::string& path, const Tensor& pixels, const std::vector<FitsCard>& cards) {
    std::vector<long> axes;
    if (pixels.rank() == 2)
        axes = {pixels.dim(1), pixels.dim(0)};
    else if (pixels.rank() == 3)
        axes = {pixels.dim(2), pixels.dim(1), pixels.dim(0)};
    else
        throw ShapeError("writing FITS file '" + path + "': pixels of shape " + toString(pixels.shape()) +
                         " are neither an image (H, W) nor a cube (C, H, W)");
    if (pixels.empty()) throw ShapeError("writing FITS file '" + path + "': the image is empty");
    const std::string tmp = path + ".tmp-write";
    std::remove(tmp.c_str());
    fitsfile* f = nullptr;
    int status = 0;
    auto bail = [&](const std::string& doing) {
        const std::string reason = cfitsioReason(status);
        int st = 0;
        if (f) fits_close_file(f, &st);
        std::remove(tmp.c_str());
        throw Error("writing FITS file '" + path + "': " + doing + ": " + reason);
    };
    if (fits_create_file(&f, tmp.c_str(), &status)) {
        f = nullptr;
        bail("cannot create '" + tmp + "'");
    }
    if (fits_create_img(f, FLOAT_IMG, int(axes.size()), axes.data(), &status)) bail("cannot create the image");
    for (const FitsCard& c : cards) {
        if (c.keyword.empty()) continue;
        char* key = const_cast<char*>(c.keyword.c_str());
        char* comment = c.comment.empty() ? nullptr : const_cast<char*>(c.comment.c_str());
        long long i = 0;
        double d = 0;
        if (!c.hasValue) {
            if (c.keyword == "HISTORY")
                fits_write_history(f, c.comment.c_str(), &status);
            else
                fits_write_comment(f, c.comment.c_str(), &status);
        } else if (!c.isString && (c.value == "T" || c.value == "F")) {
            int b = c.value == "T";
            fits_update_key(f, TLOGICAL, key, &b, comment, &status);
        } else if (!c.isString && parseInteger(c.value, i)) {
            fits_update_key(f, TLONGLONG, key, &i, comment, &status);
        } else if (!c.isString && parseReal(c.value, d)) {
            fits_update_key(f, TDOUBLE, key, &d, comment, &status);
        } else {
            fits_update_key_longstr(f, key, c.value.c_str(), comment, &status);
        }
        if (status) bail("cannot write keyword " + c.keyword);
    }
    char origin[] = "DeepField";
    fits_update_key(f, TSTRING, "ORIGIN", origin, const_cast<char*>("software that wrote this file"), &status);
    fits_write_date(f, &status);
    if (status) bail("cannot write ORIGIN/DATE");
    if (fits_write_img(f, TFLOAT, 1, LONGLONG(pixels.size()), const_cast<float*>(pixels.data()), &status))
        bail("cannot write the pixels (disk full?)");
    if (fits_close_file(f, &status)) {
        f = nullptr;
        bail("cannot finish the file (disk full?)");
    }
    f = nullptr;
    if (std::rename(tmp.c_str(), path.c_str()) != 0) {
        std::remove(tmp.c_str());
        throw Error("writing FITS file '" + path + "': cannot replace the file");
    }
}

void writeFits(const std::string& path, const Image& image, const std::vector<FitsCard>& cards) {
    writeFits(path, image.pixels, cards);
}

}  // namespace deepfield
