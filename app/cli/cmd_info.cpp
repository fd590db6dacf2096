// deepfield-cli info <file> [--json]: what is in a FITS, PNG or JPEG file: HDUs, shapes, pixel
// types, blank counts, statistics over valid pixels, and for FITS with a WCS the sky position of
// the central pixel and the pixel scale.
#include <cmath>
#include <cstdio>
#include <iostream>
#include <optional>
#include <sstream>

#include "commands.h"
#include "core/error.h"
#include "core/json.h"
#include "data/fits.h"
#include "data/image_io.h"
#include "data/wcs.h"

namespace deepfield::cli {

namespace {

Json statsJson(const PixelStats& s) {
    Json j;
    j["valid"] = s.count;
    j["blank"] = s.blank;
    if (s.count) {
        j["min"] = s.min;
        j["max"] = s.max;
        j["mean"] = s.mean;
        j["median"] = s.median;
        j["std"] = s.std;
    }
    return j;
}

std::string statsLine(const PixelStats& s) {
    if (!s.count) return "no valid pixels";
    char buf[256];
    std::snprintf(buf, sizeof buf, "min %.6g  max %.6g  mean %.6g  median %.6g  std %.6g", s.min, s.max, s.mean,
                  s.median, s.std);
    return buf;
}

std::string shapeText(const std::vector<int>& shape) {
    std::string s;
    for (std::size_t i = 0; i < shape.size(); ++i) s += (i ? " x " : "") + std::to_string(shape[i]);
    return s;
}

// Sexagesimal RA (hours) and Dec for people; degrees stay in the JSON.
std::string sexagesimal(double ra, double dec) {
    ra = std::fmod(std::fmod(ra, 360.0) + 360.0, 360.0) / 15.0;
    const int rh = int(ra), rm = int((ra - rh) * 60);
    const double rs = ((ra - rh) * 60 - rm) * 60;
    const char sign = dec < 0 ? '-' : '+';
    const double ad = std::abs(dec);
    const int dd = int(ad), dm = int((ad - dd) * 60);
    const double ds = ((ad - dd) * 60 - dm) * 60;
    char buf[64];
    std::snprintf(buf, sizeof buf, "%02dh%02dm%06.3fs %c%02dd%02dm%05.2fs", rh, rm, rs, sign, dd, dm, ds);
    return buf;
}

Json fitsInfo(const std::string& path, std::ostream& text) {
    Json out;
    out["file"] = path;
    out["format"] = "fits";
    Json hdus = Json::array();
    const std::vector<FitsHduInfo> list = listFitsHdus(path);
    text << path << ": FITS, " << list.size() << " HDU" << (list.size() == 1 ? "" : "s") << "\n";
    for (const FitsHduInfo& h : list) {
        Json j;
        j["index"] = h.index;
        j["type"] = toString(h.type);
        j["name"] = h.name;
        text << "  HDU " << h.index << " " << (h.name.empty() ? "(no name)" : h.name) << ": " << toString(h.type);
        if (h.type != FitsHduType::Image) {
            j["rows"] = h.rows;
            text << ", " << h.rows << " rows\n";
            hdus.push_back(j);
            continue;
        }
        j["bitpix"] = h.bitpix;
        j["pixel_type"] = h.pixelType();
        j["axes"] = h.axes;  // NAXIS1, NAXIS2, ... as in the header
        if (h.compressed) j["compressed"] = true;
        std::size_t count = h.axes.empty() ? 0 : 1;
        for (long a : h.axes) count *= std::size_t(std::max(0L, a));
        if (count == 0) {
            text << ", no data\n";
            j["shape"] = Json::array();
            hdus.push_back(j);
            continue;
        }
        FitsReadOptions opt;
        opt.hdu = h.index;
        opt.cube = FitsCubeMode::Channels;
        const FitsImage img = readFits(path, opt);
        const PixelStats s = pixelStats(img.image);
        std::vector<int> shape = img.image.pixels.shape();  // (C, H, W)
        if (shape[0] == 1) shape.erase(shape.begin());
        j["shape"] = shape;
        j["blank"] = img.blankCount;
        j["stats"] = statsJson(s);
        text << " " << h.pixelType() << " (BITPIX " << h.bitpix << ")" << (h.compressed ? ", tile-compressed" : "")
             << ", " << shapeText(shape) << " (numpy order), " << img.blankCount << " blank\n";
        text << "    " << statsLine(s) << "\n";
        const std::optional<Wcs> wcs = Wcs::fromHeader(img.headerText, "FITS file '" + path + "', HDU " + std::to_string(h.index));
        if (!wcs) {
            j["wcs"] = nullptr;
            text << "    no WCS\n";
        } else {
            // The central pixel in FITS 1-based coordinates: ((NAXIS1 + 1) / 2, (NAXIS2 + 1) / 2).
            const double cx = (double(h.axes[0]) + 1.0) / 2.0, cy = (double(h.axes.size() > 1 ? h.axes[1] : 1) + 1.0) / 2.0;
            const SkyCoord c = wcs->pixelToSky(cx, cy);
            const auto [sx, sy] = wcs->pixelScale();
            Json w;
            w["ctype"] = {wcs->ctype(0), wcs->ctype(1)};
            w["distortion"] = wcs->hasDistortion();
            w["centre_pixel"] = {cx, cy};
            w["centre"] = {{"ra", c.ra}, {"dec", c.dec}};
            w["pixel_scale_arcsec"] = {sx, sy};
            j["wcs"] = w;
            char buf[256];
            std::snprintf(buf, sizeof buf, "    WCS %s/%s%s: centre pixel (%.1f, %.1f) at RA %.6f, Dec %+.6f deg (%s)\n",
                          wcs->ctype(0).c_str(), wcs->ctype(1).c_str(), wcs->hasDistortion() ? " with distortion" : "",
                          cx, cy, c.ra, c.dec, sexagesimal(c.ra, c.dec).c_str());
            text << buf;
            std::snprintf(buf, sizeof buf, "    pixel scale %.4f x %.4f arcsec/pixel\n", sx, sy);
            text << buf;
        }
        hdus.push_back(j);
    }
    out["hdus"] = hdus;
    return out;
}

Json pictureInfo(const std::string& path, ImageFormat format, std::ostream& text) {
    const Image img = format == ImageFormat::Png ? readPng(path) : readJpeg(path);
    const char* name = format == ImageFormat::Png ? "png" : "jpeg";
    Json out;
    out["file"] = path;
    out["format"] = name;
    out["width"] = img.width();
    out["height"] = img.height();
    out["channels"] = img.channels();
    out["value_range"] = "0..255";
    const PixelStats all = pixelStats(img);
    out["stats"] = statsJson(all);
    Json per = Json::array();
    text << path << ": " << (format == ImageFormat::Png ? "PNG" : "JPEG") << ", " << img.width() << " x " << img.height()
         << ", " << img.channels() << " channel" << (img.channels() == 1 ? " (grey)" : "s (RGB)") << ", 8-bit (0..255)\n";
    text << "  all   " << statsLine(all) << "\n";
    const char* names[3] = {"red", "green", "blue"};
    if (img.channels() > 1)
        for (int c = 0; c < img.channels(); ++c) {
            const PixelStats s = channelStats(img, c);
            per.push_back(statsJson(s));
            text << "  " << names[c] << std::string(6 - std::string(names[c]).size(), ' ') << statsLine(s) << "\n";
        }
    out["channel_stats"] = per;
    return out;
}

}  // namespace

int runInfo(Args& args) {
    if (args.flag("help")) {
        std::cout << "usage: deepfield-cli info <file> [--json]\n"
                     "  FITS (.fits, .fits.fz, .fits.gz), PNG or JPEG: HDUs, shapes, pixel types, blank counts,\n"
                     "  statistics over valid pixels, WCS centre (RA/Dec of the central pixel) and pixel scale.\n";
        return 0;
    }
    const bool json = args.flag("json");
    if (args.positional().size() != 1)
        throw UsageError(args.positional().empty() ? "which file? usage: deepfield-cli info <file> [--json]"
                                                   : "info takes one file, got " + std::to_string(args.positional().size()));
    args.finish();
    const std::string path = args.positional()[0];
    std::ostringstream text;
    Json out;
    switch (detectImageFormat(path)) {
        case ImageFormat::Fits: out = fitsInfo(path, text); break;
        case ImageFormat::Png: out = pictureInfo(path, ImageFormat::Png, text); break;
        case ImageFormat::Jpeg: out = pictureInfo(path, ImageFormat::Jpeg, text); break;
        case ImageFormat::Unknown: readImage(path); break;  // throws the InputError naming the file
    }
    if (json)
        std::cout << out.dump(2) << "\n";
    else
        std::cout << text.str();
    return 0;
}

}  // namespace deepfield::cli
