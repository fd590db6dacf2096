#pragma once
// Sky coordinates from a FITS header through wcslib (wcspih + wcsfix + wcsset): TAN, SIN, ...,
// with SIP and TPV distortions applied. Pixel coordinates are FITS 1-based: the centre of the
// first pixel is (1, 1), as astropy's all_pix2world(..., origin=1). Array index [y][x] (0-based)
// is pixel (x + 1, y + 1).
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace deepfield {

struct SkyCoord {
    double ra = 0, dec = 0;  // degrees (the celestial longitude/latitude of the header's frame)
};

class Wcs {
public:
    // The primary WCS of a header (80-char cards as from fits_hdr2str). Empty when the header
    // has no celestial WCS. Throws InputError naming `source` when the WCS cards are broken.
    static std::optional<Wcs> fromHeader(const std::string& headerText, const std::string& source = "header");
    // The WCS of one HDU of a FITS file (0-based HDU index).
    static std::optional<Wcs> fromFits(const std::string& path, int hdu = 0);

    Wcs(Wcs&&) noexcept;
    Wcs& operator=(Wcs&&) noexcept;
    Wcs(const Wcs&) = delete;
    Wcs& operator=(const Wcs&) = delete;
    ~Wcs();

    // (x, y) in FITS pixels (1-based) -> (RA, Dec) in degrees; distortions included.
    SkyCoord pixelToSky(double x, double y) const;
    std::vector<SkyCoord> pixelToSky(const std::vector<double>& xy) const;  // xy = x0, y0, x1, y1, ...
    // (RA, Dec) -> FITS pixel (x, y); throws InputError when the position does not project.
    std::pair<double, double> skyToPixel(double ra, double dec) const;

    // Linear pixel scale per axis in arcsec/pixel (|column j| of CDELT * PC, as astropy's
    // proj_plane_pixel_scales; distortions not included).
    std::pair<double, double> pixelScale() const;
    std::string ctype(int axis) const;   // e.g. "RA---TAN-SIP"
    bool hasDistortion() const;          // SIP, TPV or another prior/sequent distortion
    std::string describe() const;        // one line: projection, distortion, scale

private:
    struct Impl;
    explicit Wcs(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

// Angular distance between two sky positions in arcseconds (haversine; exact at small angles).
double angularSeparationArcsec(const SkyCoord& a, const SkyCoord& b);

}  // namespace deepfield
