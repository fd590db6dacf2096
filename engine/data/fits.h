#pragma once
// FITS reading and writing through CFITSIO. HDU indices are 0-based as in astropy
// (0 = primary); pixel rows keep FITS order: row 0 of the image is FITS row y = 1 (bottom).
// Tile-compressed (.fits.fz) and gzipped (.fits.gz) files read like plain ones.
#include <cstdint>
#include <string>
#include <vector>

#include "core/tensor.h"
#include "data/image.h"

namespace deepfield {

enum class FitsHduType { Image, AsciiTable, BinaryTable };
const char* toString(FitsHduType type);

// One header card. Strings come without their quotes; other values as written (e.g. "T", "1.5E3").
struct FitsCard {
    std::string keyword;
    std::string value;
    std::string comment;
    bool isString = false;
    bool hasValue = true;  // false for COMMENT, HISTORY and blank cards (text in comment)
};

struct FitsHduInfo {
    int index = 0;                       // 0 = primary
    FitsHduType type = FitsHduType::Image;
    std::string name;                    // EXTNAME, "PRIMARY" for HDU 0 without one
    int bitpix = 0;                      // as stored in the file (image HDUs; 0 for tables)
    int equivBitpix = 0;                 // after BSCALE/BZERO, e.g. 20 (USHORT_IMG) for uint16 via BZERO
    std::vector<long> axes;              // NAXIS1, NAXIS2, ... (width first, as in the header)
    bool compressed = false;             // tile-compressed image stored in a binary table
    long long rows = 0;                  // table rows (tables only)
    std::string pixelType() const;       // stored type: "int16", "uint16" (BZERO 32768), "float32", ... or "table"
};

// Every HDU of a file. Throws InputError naming the file when it is not a readable FITS file.
std::vector<FitsHduInfo> listFitsHdus(const std::string& path);

// How a 3-D image HDU becomes an Image.
enum class FitsCubeMode {
    Reject,    // 3-D data is an error that names the plane count (the default: no silent choice)
    Channels,  // every plane becomes a channel: (NAXIS3, NAXIS2, NAXIS1)
    Plane,     // only plane `plane` (0-based): (1, NAXIS2, NAXIS1)
};

struct FitsReadOptions {
    int hdu = -1;  // -1: the first image HDU with data (primary, else the first image extension)
    FitsCubeMode cube = FitsCubeMode::Reject;
    int plane = 0;
    bool fillBlank = false;    // false: blank pixels hold NaN; true: they hold blankFill
    float blankFill = 0.0f;
};

struct FitsImage {
    Image image;                      // (C, H, W) in physical units (BSCALE/BZERO applied)
    FitsHduInfo hdu;
    std::vector<FitsCard> cards;      // every card of the HDU in order
    std::string headerText;           // the raw header (80-char cards, no END), for wcspih
    std::size_t blankCount = 0;       // BLANK-valued or NaN pixels (now in image.blank)
};

// Reads one image HDU as float. Throws InputError naming the file, the HDU and the reason
// ("FITS file 'm51.fits', HDU 1: NAXIS=3 cube with 5 planes; pick a plane or load it as 5 channels").
FitsImage readFits(const std::string& path, const FitsReadOptions& options = {});

// The cards and raw header of one HDU (any type) without reading pixels.
std::vector<FitsCard> readFitsCards(const std::string& path, int hdu, std::string* headerText = nullptr);

// Writes a float32 image (H, W) or (C, H, W) as the primary HDU; a cube gets NAXIS3 = C.
// `cards` are extra keywords recording what made the image (DF_MODEL, DF_LAYER, DF_METHOD ...);
// values that parse as integers, reals or T/F are written typed, others as strings; keywords longer
// than 8 characters (DF_METHOD) use the HIERARCH convention, which astropy and DS9 read. DATE and
// ORIGIN are added. Atomic: written to a temporary file in the same folder and renamed.
void writeFits(const std::string& path, const Tensor& pixels, const std::vector<FitsCard>& cards = {});
void writeFits(const std::string& path, const Image& image, const std::vector<FitsCard>& cards = {});

}  // namespace deepfield
