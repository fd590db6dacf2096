#include "data/wcs.h"

#include <wcslib/wcs.h>
#include <wcslib/wcsfix.h>
#include <wcslib/wcshdr.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <mutex>
#include <numbers>

#include "core/error.h"
#include "data/fits.h"

namespace deepfield {

struct Wcs::Impl {
    int nwcs = 0;
    wcsprm* all = nullptr;  // everything wcspih found (freed together)
    wcsprm* wcs = nullptr;  // the primary description (alternate ' ')
    std::string source;
    // wcslib keeps scratch space inside the struct (distortions), so calls are serialised.
    mutable std::mutex mutex;
    ~Impl() {
        if (all) wcsvfree(&nwcs, &all);
    }
};

Wcs::Wcs(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Wcs::Wcs(Wcs&&) noexcept = default;
Wcs& Wcs::operator=(Wcs&&) noexcept = default;
Wcs::~Wcs() = default;

std::optional<Wcs> Wcs::fromHeader(const std::string& headerText, const std::string& source) {
    const int nkeyrec = int(headerText.size() / 80);
    if (nkeyrec == 0) return std::nullopt;
    std::string header = headerText.substr(0, std::size_t(nkeyrec) * 80);
    auto impl = std::make_unique<Impl>();
    impl->source = source;
    int nreject = 0;
    // WCSHDR_all: accept the informal but common conventions real files use (SIP's A_p_q, TPV,
    // CROTA, RADECSYS, ...). ctrl = 0: wcspih reports nothing on stderr.
    const int status = wcspih(header.data(), nkeyrec, WCSHDR_all, 0, &nreject, &impl->nwcs, &impl->all);
    if (status) throw InputError(source + ": the WCS cards cannot be parsed: " + wcs_errmsg[status]);
    for (int i = 0; i < impl->nwcs; ++i)
        if (impl->all[i].alt[0] == ' ' || impl->all[i].alt[0] == '\0') impl->wcs = &impl->all[i];
    if (!impl->wcs) return std::nullopt;
    wcsprm* w = impl->wcs;
    // A header with no CTYPE/CRVAL at all still yields a linear wcsprm; that is "no WCS".
    // wcsfix first (it repairs units, old date cards, CROTA...), then decide.
    int stat[NWCSFIX];
    wcsfix(7, nullptr, w, stat);  // 7: also translate non-standard spectral/celestial conventions
    const int setStatus = wcsset(w);
    if (setStatus) {
        const std::string msg = w->err && w->err->msg[0] ? w->err->msg : wcs_errmsg[setStatus];
        throw InputError(source + ": the WCS is inconsistent: " + msg);
    }
    if (w->lng < 0 || w->lat < 0) return std::nullopt;
    return Wcs(std::move(impl));
}

std::optional<Wcs> Wcs::fromFits(const std::string& path, int hdu) {
    std::string text;
    readFitsCards(path, hdu, &text);
    return fromHeader(text, "FITS file '" + path + "', HDU " + std::to_string(hdu));
}

std::vector<SkyCoord> Wcs::pixelToSky(const std::vector<double>& xy) const {
    wcsprm* w = impl_->wcs;
    const int n = int(xy.size() / 2), naxis = w->naxis;
    std::vector<double> pix(std::size_t(n) * naxis, 1.0), img(pix.size()), world(pix.size());
    const std::size_t count = static_cast<std::size_t>(n);
    std::vector<double> phi(count), theta(count);
    std::vector<int> stat(count);
    // Celestial pixel axes: for a cube the image plane is axes 0 and 1; other axes sit at pixel 1.
    for (int i = 0; i < n; ++i) {
        pix[std::size_t(i) * naxis + 0] = xy[2 * std::size_t(i)];
        pix[std::size_t(i) * naxis + 1] = xy[2 * std::size_t(i) + 1];
    }
    int status = 0;
    {
        std::lock_guard lock(impl_->mutex);
        status = wcsp2s(w, n, naxis, pix.data(), img.data(), phi.data(), theta.data(), world.data(), stat.data());
    }
    if (status && status != WCSERR_BAD_PIX)
        throw InputError(impl_->source + ": pixel to sky failed: " + wcs_errmsg[status]);
    std::vector<SkyCoord> out(count);
    for (int i = 0; i < n; ++i) {
        if (stat[std::size_t(i)]) {
            out[std::size_t(i)] = {std::nan(""), std::nan("")};
            continue;
        }
        out[std::size_t(i)] = {world[std::size_t(i) * naxis + w->lng], world[std::size_t(i) * naxis + w->lat]};
    }
    return out;
}

SkyCoord Wcs::pixelToSky(double x, double y) const { return pixelToSky(std::vector<double>{x, y})[0]; }

std::pair<double, double> Wcs::skyToPixel(double ra, double dec) const {
    wcsprm* w = impl_->wcs;
    const int naxis = w->naxis;
    std::vector<double> world(std::size_t(naxis), 0.0), img(world.size()), pix(world.size());
    for (int i = 0; i < naxis; ++i) world[std::size_t(i)] = w->crval[i];
    world[std::size_t(w->lng)] = ra;
    world[std::size_t(w->lat)] = dec;
    double phi = 0, theta = 0;
    int stat = 0, status = 0;
    {
        std::lock_guard lock(impl_->mutex);
        status = wcss2p(w, 1, naxis, world.data(), &phi, &theta, img.data(), pix.data(), &stat);
    }
    if (status)
        throw InputError(impl_->source + ": RA " + std::to_string(ra) + ", Dec " + std::to_string(dec) +
                         " does not project onto the image: " + wcs_errmsg[status]);
    return {pix[0], pix[1]};
}

std::pair<double, double> Wcs::pixelScale() const {
    const wcsprm* w = impl_->wcs;
    const int n = w->naxis;
    const double* m = w->lin.piximg;  // CDELT * PC (row i = world axis, column j = pixel axis)
    auto column = [&](int j) {
        double s = 0;
        for (int i : {w->lng, w->lat}) s += m[i * n + j] * m[i * n + j];
        return std::sqrt(s) * 3600.0;
    };
    return {column(0), column(1)};
}

std::string Wcs::ctype(int axis) const {
    const wcsprm* w = impl_->wcs;
    if (axis < 0 || axis >= w->naxis) return "";
    std::string s = w->ctype[axis];
    while (!s.empty() && s.back() == ' ') s.pop_back();
    return s;
}

bool Wcs::hasDistortion() const {
    const wcsprm* w = impl_->wcs;
    return w->lin.dispre != nullptr || w->lin.disseq != nullptr;
}

std::string Wcs::describe() const {
    const auto [sx, sy] = pixelScale();
    char buf[160];
    std::snprintf(buf, sizeof buf, "%s / %s%s, %.4g x %.4g arcsec/pixel", ctype(0).c_str(), ctype(1).c_str(),
                  hasDistortion() ? " with distortion" : "", sx, sy);
    return buf;
}

double angularSeparationArcsec(const SkyCoord& a, const SkyCoord& b) {
    constexpr double d2r = std::numbers::pi / 180.0;
    const double s1 = std::sin((b.dec - a.dec) * d2r / 2), s2 = std::sin((b.ra - a.ra) * d2r / 2);
    const double h = s1 * s1 + std::cos(a.dec * d2r) * std::cos(b.dec * d2r) * s2 * s2;
    return 2.0 * std::asin(std::min(1.0, std::sqrt(h))) / d2r * 3600.0;
}

}  // namespace deepfield
