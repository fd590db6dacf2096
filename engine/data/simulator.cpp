#include "data/simulator.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/error.h"
#include "data/sersic.h"

namespace deepfield {

SimKind simKindFromString(const std::string& name) {
    if (name == "morphology") return SimKind::Morphology;
    if (name == "clumps") return SimKind::Clumps;
    if (name == "bulge-disk") return SimKind::BulgeDisk;
    if (name == "blends") return SimKind::Blends;
    if (name == "deconvolution") return SimKind::Deconvolution;
    if (name == "anomaly") return SimKind::Anomaly;
    throw InputError("unknown simulation kind '" + name +
                     "': use morphology, clumps, bulge-disk, blends, deconvolution or anomaly");
}

const char* toString(SimKind kind) {
    switch (kind) {
        case SimKind::Morphology: return "morphology";
        case SimKind::Clumps: return "clumps";
        case SimKind::BulgeDisk: return "bulge-disk";
        case SimKind::Blends: return "blends";
        case SimKind::Deconvolution: return "deconvolution";
        case SimKind::Anomaly: return "anomaly";
    }
    return "morphology";
}

const std::vector<std::string>& galaxyClassNames() {
    static const std::vector<std::string> names{"elliptical", "spiral", "edge-on", "irregular"};
    return names;
}

double bandColour(Component component, const std::string& band) {
    // Flux relative to r: an old red bulge, a younger disk, blue star-forming clumps.
    static const char* bands = "ugriz";
    static const double bulge[] = {0.12, 0.45, 1.0, 1.35, 1.6};
    static const double disk[] = {0.45, 0.8, 1.0, 1.1, 1.15};
    static const double clumps[] = {1.3, 1.5, 1.0, 0.75, 0.6};
    const std::size_t b = band.size() == 1 ? std::string(bands).find(band[0]) : std::string::npos;
    if (b == std::string::npos) throw InputError("unknown band '" + band + "': use u, g, r, i or z");
    switch (component) {
        case Component::Bulge: return bulge[b];
        case Component::Disk: return disk[b];
        case Component::Clumps: return clumps[b];
    }
    return 1.0;
}

std::uint64_t galaxySeed(std::uint64_t seed, int index) {
    auto mix = [](std::uint64_t z) {
        z += 0x9E3779B97F4A7C15ULL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        return z ^ (z >> 31);
    };
    return mix(mix(seed) ^ std::uint64_t(std::uint32_t(index)));
}

double poisson(double lambda, Rng& rng) {
    if (lambda <= 0.0) return 0.0;
    if (lambda > 30.0) return std::max(0.0, lambda + std::sqrt(lambda) * rng.normal());
    const double limit = std::exp(-lambda);
    double p = rng.uniform();
    int k = 0;
    while (p > limit) {
        p *= rng.uniform();
        ++k;
    }
    return k;
}

namespace {
double uniform(Rng& rng, double lo, double hi) { return lo + (hi - lo) * rng.uniform(); }

// Places clumps in the disk plane with the radial distribution of an exponential disk.
void drawClumps(GalaxyParams& g, int count, double fraction, double sigmaLo, double sigmaHi, double scale, Rng& rng) {
    g.clumpFraction = count > 0 ? fraction : 0.0;
    g.clumps.clear();
    if (count <= 0) return;
    const double h = g.diskRe / 1.678;
    std::vector<double> weights(static_cast<std::size_t>(count));
    double total = 0.0;
    for (double& w : weights) total += (w = uniform(rng, 0.5, 1.5));
    const double c = std::cos(g.pa), s = std::sin(g.pa);
    for (int k = 0; k < count; ++k) {
        // r ~ Gamma(2, h), kept inside 2.5 Re so clumps stay on the galaxy.
        double r = 0.0;
        do r = -h * std::log(std::max(1e-12, rng.uniform() * rng.uniform()));
        while (r > 2.5 * g.diskRe);
        const double theta = uniform(rng, 0.0, 2.0 * M_PI);
        const double xd = r * std::cos(theta), yd = r * std::sin(theta) * g.q;
        Clump cl;
        cl.x = g.x0 + xd * c - yd * s;
        cl.y = g.y0 + xd * s + yd * c;
        cl.sigma = uniform(rng, sigmaLo, sigmaHi) * scale;
        cl.flux = g.flux * fraction * weights[std::size_t(k)] / total;
        g.clumps.push_back(cl);
    }
}
}  // namespace

GalaxyParams drawGalaxy(GalaxyClass cls, int size, double zeroPoint, Rng& rng) {
    const double scale = size / 64.0;
    GalaxyParams g;
    g.galaxyClass = cls;
    g.x0 = (size - 1) / 2.0 + uniform(rng, -1.0, 1.0) * scale;
    g.y0 = (size - 1) / 2.0 + uniform(rng, -1.0, 1.0) * scale;
    g.mag = uniform(rng, 16.5, 19.5);
    g.flux = std::pow(10.0, -0.4 * (g.mag - zeroPoint));
    g.pa = uniform(rng, 0.0, M_PI);
    switch (cls) {
        case GalaxyClass::Elliptical:
            g.bt = 1.0;
            g.bulgeN = uniform(rng, 3.0, 5.5);
            g.bulgeRe = uniform(rng, 2.5, 7.0) * scale;
            g.bulgeQ = uniform(rng, 0.5, 1.0);
            g.q = g.bulgeQ;
            g.diskRe = g.bulgeRe;
            break;
        case GalaxyClass::Spiral:
            g.bt = uniform(rng, 0.05, 0.45);
            g.bulgeN = uniform(rng, 2.0, 4.5);
            g.bulgeRe = uniform(rng, 1.0, 2.5) * scale;
            g.diskRe = uniform(rng, 5.0, 11.0) * scale;
            g.q = uniform(rng, 0.45, 1.0);
            g.bulgeQ = std::max(g.q, uniform(rng, 0.7, 1.0));
            g.arms = rng.uniform() < 0.7 ? 2 : int(3 + rng.below(2));
            g.pitch = uniform(rng, 10.0, 30.0) * M_PI / 180.0;
            g.armStrength = uniform(rng, 0.5, 0.95);
            g.armPhase = uniform(rng, 0.0, 2.0 * M_PI);
            if (rng.uniform() < 0.35) {
                g.barFraction = uniform(rng, 0.1, 0.25);
                g.barRe = g.diskRe * uniform(rng, 0.4, 0.7);
                g.barQ = uniform(rng, 0.2, 0.35);
                g.barPa = g.pa + uniform(rng, -1.2, 1.2);
            }
            drawClumps(g, int(rng.below(6)), uniform(rng, 0.02, 0.08), 0.6, 1.2, scale, rng);
            break;
        case GalaxyClass::EdgeOn:
            g.bt = uniform(rng, 0.0, 0.3);
            g.bulgeN = uniform(rng, 1.5, 4.0);
            g.bulgeRe = uniform(rng, 1.0, 3.0) * scale;
            g.diskRe = uniform(rng, 6.0, 12.0) * scale;
            g.q = uniform(rng, 0.08, 0.2);
            g.bulgeQ = uniform(rng, 0.5, 0.85);
            break;
        case GalaxyClass::Irregular:
            g.bt = uniform(rng, 0.0, 0.1);
            g.bulgeN = 1.5;
            g.bulgeRe = uniform(rng, 1.0, 2.0) * scale;
            g.bulgeQ = uniform(rng, 0.6, 1.0);
            g.diskRe = uniform(rng, 4.0, 9.0) * scale;
            g.q = uniform(rng, 0.4, 1.0);
            g.lopsided = 1;
            g.lopsidedStrength = uniform(rng, 0.3, 0.7);
            g.armPhase = uniform(rng, 0.0, 2.0 * M_PI);
            drawClumps(g, int(4 + rng.below(9)), uniform(rng, 0.25, 0.55), 0.7, 2.0, scale, rng);
            break;
    }
    return g;
}

ComponentPlanes renderComponents(const GalaxyParams& g, int size) {
    ComponentPlanes p;
    p.size = size;
    const std::size_t n = std::size_t(size) * size;
    p.bulge.assign(n, 0.0f);
    p.disk.assign(n, 0.0f);
    p.clumps.assign(n, 0.0f);
    p.extra.assign(n, 0.0f);
    const double smooth = g.flux * (1.0 - g.clumpFraction);
    if (g.bt > 0.0) {
        SersicProfile b{g.bulgeN, g.bulgeRe, g.bulgeQ, g.pa, g.x0, g.y0, smooth * g.bt};
        addSersic(p.bulge.data(), size, size, b);
    }
    if (g.bt < 1.0) {
        const double diskFlux = smooth * (1.0 - g.bt);
        SersicProfile d{1.0, g.diskRe, g.q, g.pa, g.x0, g.y0, diskFlux * (1.0 - g.barFraction)};
        ProfileModulation mod;
        if (g.arms > 0 && g.armStrength > 0.0) {
            // Logarithmic spiral: phase m (theta - ln(r) / tan(pitch)); zero mean in theta keeps the flux.
            const int m = g.arms;
            const double cotPitch = 1.0 / std::tan(g.pitch), strength = g.armStrength, phase = g.armPhase;
            const double core = 0.35 * g.diskRe;
            mod = [=](double x, double y) {
                const double r2 = x * x + y * y;
                if (r2 < 1e-12) return 1.0;
                const double theta = std::atan2(y, x), lr = 0.5 * std::log(r2);
                const double fade = 1.0 - std::exp(-r2 / (core * core));
                return 1.0 + strength * fade * std::cos(m * (theta - lr * cotPitch) + phase);
            };
        } else if (g.lopsided && g.lopsidedStrength > 0.0) {
            const double strength = g.lopsidedStrength, phase = g.armPhase, core = 0.5 * g.diskRe;
            mod = [=](double x, double y) {
                const double r2 = x * x + y * y;
                if (r2 < 1e-12) return 1.0;
                const double fade = 1.0 - std::exp(-r2 / (core * core));
                return 1.0 + strength * fade * std::cos(std::atan2(y, x) + phase);
            };
        }
        addSersic(p.disk.data(), size, size, d, mod);
        if (g.barFraction > 0.0) {
            SersicProfile bar{0.5, g.barRe, g.barQ, g.barPa, g.x0, g.y0, diskFlux * g.barFraction};
            addSersic(p.disk.data(), size, size, bar);
        }
    }
    for (const Clump& c : g.clumps) addGaussianBlob(p.clumps.data(), size, size, c.x, c.y, c.sigma, c.flux);
    return p;
}

Tensor mixBands(const ComponentPlanes& p, const std::vector<std::string>& bands, int components) {
    const int size = p.size;
    const std::size_t n = std::size_t(size) * size;
    Tensor out({int(bands.size()), size, size});
    for (std::size_t c = 0; c < bands.size(); ++c) {
        const float wb = (components & kBulge) ? float(bandColour(Component::Bulge, bands[c])) : 0.0f;
        const float wd = (components & kDisk) ? float(bandColour(Component::Disk, bands[c])) : 0.0f;
        const float wc = (components & kClumps) ? float(bandColour(Component::Clumps, bands[c])) : 0.0f;
        const float we = (components & kExtra) ? float(bandColour(Component::Clumps, bands[c])) : 0.0f;
        float* dst = out.data() + c * n;
        for (std::size_t i = 0; i < n; ++i)
            dst[i] = wb * p.bulge[i] + wd * p.disk[i] + wc * p.clumps[i] + we * p.extra[i];
    }
    return out;
}

namespace {
// Marks the pixel centres within radiusOf(clump) of each clump centre (clumps flagged false in
// `visible` left out).
template <class Radius>
Tensor discMask(const GalaxyParams& g, int size, const std::vector<bool>& visible, Radius radiusOf) {
    Tensor mask({1, size, size});
    for (std::size_t k = 0; k < g.clumps.size(); ++k) {
        if (k < visible.size() && !visible[k]) continue;
        const Clump& c = g.clumps[k];
        const double radius = radiusOf(c);
        const int i0 = std::max(0, int(std::floor(c.y - radius))), i1 = std::min(size - 1, int(std::ceil(c.y + radius)));
        const int j0 = std::max(0, int(std::floor(c.x - radius))), j1 = std::min(size - 1, int(std::ceil(c.x + radius)));
        for (int i = i0; i <= i1; ++i)
            for (int j = j0; j <= j1; ++j)
                if ((i - c.y) * (i - c.y) + (j - c.x) * (j - c.x) <= radius * radius)
                    mask[std::size_t(i) * size + j] = 1.0f;
    }
    return mask;
}
}  // namespace

Tensor clumpMask(const GalaxyParams& g, int size, const std::vector<bool>& visible) {
    return discMask(g, size, visible, [](const Clump& c) { return std::max(2.0 * c.sigma, 1.0); });
}

double clumpFootprintRadius(const Clump& c, double psfSigma, double level) {
    if (!(level > 0.0 && level < 1.0))
        throw InputError("clump mask level must lie between 0 and 1 (a fraction of the clump's peak), got " +
                         std::to_string(level));
    // The blurred clump is a Gaussian of variance s^2: it falls to `level` of its peak at s sqrt(2 ln(1/level)).
    const double s = std::sqrt(c.sigma * c.sigma + psfSigma * psfSigma + 1.0 / 6.0);
    return std::max(1.0, s * std::sqrt(2.0 * std::log(1.0 / level)));
}

Tensor clumpFootprintMask(const GalaxyParams& g, int size, double psfSigma, double level,
                          const std::vector<bool>& visible) {
    clumpFootprintRadius(Clump{}, psfSigma, level);  // validates the level even without clumps
    return discMask(g, size, visible, [&](const Clump& c) { return clumpFootprintRadius(c, psfSigma, level); });
}

std::vector<double> clumpSnr(const GalaxyParams& g, const float* blurred, int size, double psfSigma,
                             double skyVariance) {
    std::vector<double> snr;
    for (const Clump& c : g.clumps) {
        // + 1/6 px²: the clump and the PSF kernel are both integrated over pixels (1/12 each).
        const double s2 = c.sigma * c.sigma + psfSigma * psfSigma + 1.0 / 6.0;
        const int i = std::clamp(int(std::lround(c.y)), 0, size - 1), j = std::clamp(int(std::lround(c.x)), 0, size - 1);
        const double variance = skyVariance + std::max(0.0, double(blurred[std::size_t(i) * size + j]));
        snr.push_back(c.flux / std::sqrt(4.0 * M_PI * s2 * std::max(variance, 1e-12)));
    }
    return snr;
}

double observe(Tensor& image, const ObservationSpec& obs, Rng& rng) {
    const int channels = image.dim(0), h = image.dim(1), w = image.dim(2);
    const std::size_t n = std::size_t(h) * w;
    std::vector<float> scratch;
    for (int c = 0; c < channels; ++c) convolvePsf(image.data() + c * n, h, w, obs.psf, scratch);
    if (!obs.noise) return 0.0;
    const int ref = obs.referenceBand >= 0 && obs.referenceBand < channels ? obs.referenceBand : channels / 2;
    double sumSq = 0.0;
    const float* r = image.data() + std::size_t(ref) * n;
    for (std::size_t i = 0; i < n; ++i) sumSq += double(r[i]) * r[i];
    // SNR = sqrt(sum I^2 / (sky + read^2)): the optimal (matched-filter) signal-to-noise.
    const double variance = sumSq / (obs.snr * obs.snr);
    const double read = std::min(obs.readNoise, std::sqrt(variance));
    const double sky = std::max(0.0, variance - read * read);
    float* data = image.data();
    const double read2 = read * read;
    for (std::size_t i = 0; i < image.size(); ++i) {
        const double lambda = std::max(0.0, double(data[i])) + sky;
        // Above 30 counts Poisson is Gaussian, and the sum of two Gaussians is one: one draw.
        if (lambda > 30.0) data[i] = float(lambda - sky + std::sqrt(lambda + read2) * rng.normal());
        else data[i] = float(poisson(lambda, rng) - sky + read * rng.normal());
    }
    return sky;
}

namespace {
std::string num(double v, int digits = 4) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*g", digits, v);
    return buf;
}

void describe(const GalaxyParams& g, std::vector<std::pair<std::string, std::string>>& out, const std::string& prefix = "") {
    out.emplace_back(prefix + "n", num(g.dominantN()));
    out.emplace_back(prefix + "re", num(g.dominantRe()));
    out.emplace_back(prefix + "q", num(g.q));
    out.emplace_back(prefix + "pa", num(g.pa * 180.0 / M_PI));
    out.emplace_back(prefix + "bt", num(g.bt));
    out.emplace_back(prefix + "mag", num(g.mag, 5));
    out.emplace_back(prefix + "flux", num(g.flux, 6));
    out.emplace_back(prefix + "clumps", std::to_string(g.clumps.size()));
    out.emplace_back(prefix + "bulge_n", num(g.bulgeN));
    out.emplace_back(prefix + "bulge_re", num(g.bulgeRe));
    out.emplace_back(prefix + "disk_re", num(g.diskRe));
    out.emplace_back(prefix + "arms", std::to_string(g.arms));
    out.emplace_back(prefix + "pitch", num(g.pitch * 180.0 / M_PI));
    out.emplace_back(prefix + "bar", g.barFraction > 0.0 ? "1" : "0");
    out.emplace_back(prefix + "clump_fraction", num(g.clumpFraction));
    out.emplace_back(prefix + "x0", num(g.x0));
    out.emplace_back(prefix + "y0", num(g.y0));
}

// Oddballs of the anomaly set: features added to the galaxy's planes or its observed image.
//
// A ring galaxy. Real ones (collisional rings like the Cartwheel, Hoag-type objects, outer resonance
// rings) show the ring detached from the body by a darker gap: a collision's expanding density wave
// sweeps the disk's gas and stars outwards into a ring at ~2.5-4 disk scale lengths (several Re around
// an elliptical core), leaving the disk inside it depleted. So the ring is drawn beyond most of the
// galaxy's light, and the disk (with its clumps) between the core and the ring is dimmed by 60-90 %.
// It is star-forming, hence blue: the extra plane is mixed with the clumps' colours. Its flux (30-60 %
// of the galaxy's) is what it was when rings sat inside the light at 1.3-2 Re, where they read as an
// ordinary change of the light profile.
void addRing(GalaxyParams& g, ComponentPlanes& p, Rng& rng) {
    const int size = p.size;
    const bool hasDisk = g.bt < 1.0;
    const double width = uniform(rng, 0.8, 1.6);
    double radius = hasDisk ? g.diskRe * uniform(rng, 1.5, 2.4) : g.bulgeRe * uniform(rng, 3.0, 4.5);
    // Clear of the core by a few ring widths, and inside the stamp.
    radius = std::min(std::max(radius, 3.0 * width + 1.0), 0.42 * size - 1.5 * width);
    const double flux = g.flux * uniform(rng, 0.3, 0.6), q = std::max(0.5, g.q);
    const double depth = uniform(rng, 0.6, 0.9), core = std::max(0.3 * radius, 1.5 * g.bulgeRe);
    const double c = std::cos(g.pa), s = std::sin(g.pa);
    double total = 0.0;
    std::vector<float> ring(p.extra.size(), 0.0f);
    for (int i = 0; i < size; ++i)
        for (int j = 0; j < size; ++j) {
            const double dx = j - g.x0, dy = i - g.y0;
            const double xp = dx * c + dy * s, yp = -dx * s + dy * c;
            const double d = std::sqrt(xp * xp + yp * yp / (q * q)) - radius;
            const double v = std::exp(-0.5 * d * d / (width * width));
            ring[std::size_t(i) * size + j] = float(v);
            total += v;
            if (hasDisk) {
                // The swept disk: depleted from just outside the core to the ring's inner edge.
                const double rd = std::sqrt(xp * xp + yp * yp / (g.q * g.q));
                const double inside = 1.0 / (1.0 + std::exp(-(rd - core) / 0.5)) *
                                      1.0 / (1.0 + std::exp(-(radius - width - rd) / 0.5));
                const std::size_t k = std::size_t(i) * size + j;
                p.disk[k] *= float(1.0 - depth * inside);
                p.clumps[k] *= float(1.0 - depth * inside);  // its star-forming knots were swept too
            }
        }
    for (std::size_t k = 0; k < ring.size(); ++k) p.extra[k] += float(ring[k] * flux / std::max(total, 1e-12));
}

void addArc(GalaxyParams& g, ComponentPlanes& p, Rng& rng) {
    // A gravitationally lensed background galaxy: a thin blue arc around the centre.
    const int size = p.size;
    const double radius = uniform(rng, 1.2, 2.2) * std::max(g.diskRe, g.bulgeRe), width = uniform(rng, 0.6, 1.2);
    const double centre = uniform(rng, 0.0, 2.0 * M_PI), halfLength = uniform(rng, 0.4, 1.0);
    const double flux = g.flux * uniform(rng, 0.15, 0.35);
    std::vector<float> arc(p.extra.size(), 0.0f);
    double total = 0.0;
    for (int i = 0; i < size; ++i)
        for (int j = 0; j < size; ++j) {
            const double dx = j - g.x0, dy = i - g.y0;
            const double d = std::sqrt(dx * dx + dy * dy) - radius;
            double dt = std::remainder(std::atan2(dy, dx) - centre, 2.0 * M_PI);
            const double along = std::exp(-0.5 * std::pow(dt / halfLength, 4.0));
            const double v = along * std::exp(-0.5 * d * d / (width * width));
            arc[std::size_t(i) * size + j] = float(v);
            total += v;
        }
    for (std::size_t k = 0; k < arc.size(); ++k) p.extra[k] += float(arc[k] * flux / std::max(total, 1e-12));
}

void addTrail(Tensor& image, double peak, Rng& rng) {
    // A satellite trail: a straight line across the stamp, the same in every band.
    const int channels = image.dim(0), size = image.dim(1), w = image.dim(2);
    const double angle = uniform(rng, 0.0, M_PI), offset = uniform(rng, -0.3, 0.3) * size, width = uniform(rng, 0.7, 1.3);
    const double nx = -std::sin(angle), ny = std::cos(angle);
    for (int i = 0; i < size; ++i)
        for (int j = 0; j < w; ++j) {
            const double d = (j - (w - 1) / 2.0) * nx + (i - (size - 1) / 2.0) * ny - offset;
            const float v = float(peak * std::exp(-0.5 * d * d / (width * width)));
            for (int c = 0; c < channels; ++c) image[(std::size_t(c) * size + i) * w + j] += v;
        }
}

void addHotPixels(Tensor& image, double peak, Rng& rng) {
    const int channels = image.dim(0), h = image.dim(1), w = image.dim(2);
    const int count = int(3 + rng.below(8));
    for (int k = 0; k < count; ++k) {
        const int c = int(rng.below(std::uint64_t(channels))), i = int(rng.below(std::uint64_t(h))),
                  j = int(rng.below(std::uint64_t(w)));
        image[(std::size_t(c) * h + i) * w + j] += float(peak * uniform(rng, 0.5, 1.5));
    }
}

double psfSigmaOf(const PsfSpec& psf) {
    return psf.type == PsfType::None ? 0.0 : psf.fwhm / (2.0 * std::sqrt(2.0 * std::log(2.0)));
}

// The noise-free, PSF-convolved image of `g` and the sum of squares of its reference band.
double blurredReference(const GalaxyParams& g, int size, const std::vector<std::string>& bands,
                        const ObservationSpec& obs, Tensor& blurred) {
    blurred = mixBands(renderComponents(g, size), bands);
    ObservationSpec clean = obs;
    clean.noise = false;
    Rng unused(0);
    observe(blurred, clean, unused);
    const int channels = blurred.dim(0);
    const int ref = obs.referenceBand >= 0 && obs.referenceBand < channels ? obs.referenceBand : channels / 2;
    const float* plane = blurred.data() + std::size_t(ref) * size * size;
    double sumSq = 0.0;
    for (int k = 0; k < size * size; ++k) sumSq += double(plane[k]) * plane[k];
    return sumSq;
}

// Clumps set: gives each clump the flux at which its matched-filter S/N (clumpSnr's formula) is a
// log-uniform draw in [snrMin, snrMax]. The noise level is the one the galaxy's smooth light and
// obs.snr give; obs.snr is then raised so that observe() keeps exactly that noise with the clumps added.
void setClumpFluxesBySnr(GalaxyParams& g, int size, const std::vector<std::string>& bands, ObservationSpec& obs,
                         double snrMin, double snrMax, double zeroPoint, Rng& rng) {
    if (g.clumps.empty()) return;
    GalaxyParams bare = g;
    bare.flux = g.flux * (1.0 - g.clumpFraction);
    bare.clumpFraction = 0.0;
    bare.clumps.clear();
    Tensor blurred;
    const double variance = blurredReference(bare, size, bands, obs, blurred) / (obs.snr * obs.snr);
    const int channels = blurred.dim(0);
    const int ref = obs.referenceBand >= 0 && obs.referenceBand < channels ? obs.referenceBand : channels / 2;
    const float* plane = blurred.data() + std::size_t(ref) * size * size;
    const double colour = bandColour(Component::Clumps, bands[std::size_t(ref)]), psfSigma = psfSigmaOf(obs.psf);
    std::vector<double> snr, s2, smoothAt;
    for (const Clump& c : g.clumps) {
        snr.push_back(std::exp(uniform(rng, std::log(snrMin), std::log(snrMax))));
        s2.push_back(c.sigma * c.sigma + psfSigma * psfSigma + 1.0 / 6.0);
        const int i = std::clamp(int(std::lround(c.y)), 0, size - 1), j = std::clamp(int(std::lround(c.x)), 0, size - 1);
        smoothAt.push_back(std::max(0.0, double(plane[std::size_t(i) * size + j])));
    }
    // S = F / sqrt(4 pi s^2 (v0 + F / (2 pi s^2))): the clump's own peak adds Poisson noise; solved for F.
    // v0 = sky + the smooth light + the other clumps' light at the centre, which depends on their
    // fluxes: a few fixed-point passes (overlapping clumps of the irregulars) settle it.
    std::vector<double> others(g.clumps.size(), 0.0);
    double total = 0.0;
    for (int pass = 0; pass < 4; ++pass) {
        total = 0.0;
        for (std::size_t k = 0; k < g.clumps.size(); ++k) {
            const double v0 = variance + smoothAt[k] + others[k], S = snr[k];
            const double f = S * S + std::sqrt(std::pow(S, 4) + 4.0 * M_PI * s2[k] * S * S * v0);
            g.clumps[k].flux = f / colour;
            total += g.clumps[k].flux;
        }
        // The other clumps' blurred light at each centre (Gaussians of variance s^2, reference band).
        for (std::size_t k = 0; k < g.clumps.size(); ++k) {
            others[k] = 0.0;
            for (std::size_t m = 0; m < g.clumps.size(); ++m) {
                if (m == k) continue;
                const double dx = g.clumps[m].x - g.clumps[k].x, dy = g.clumps[m].y - g.clumps[k].y;
                others[k] += g.clumps[m].flux * colour / (2.0 * M_PI * s2[m]) * std::exp(-0.5 * (dx * dx + dy * dy) / s2[m]);
            }
        }
    }
    g.flux = bare.flux + total;
    g.clumpFraction = total / g.flux;
    g.mag = zeroPoint - 2.5 * std::log10(g.flux);
    obs.snr = std::sqrt(blurredReference(g, size, bands, obs, blurred) / variance);
}

// Which clumps reach `minSnr` in the observed image (clumpSnr on the noise-free, PSF-convolved
// reference band; the sky variance as observe() derives it from the galaxy's SNR). Adds the count
// of visible clumps to the labels. Draws no random numbers, so the images do not change.
std::vector<bool> visibleClumps(const GalaxyParams& g, const Tensor& image, const std::vector<std::string>& bands,
                                const ObservationSpec& obs, double minSnr,
                                std::vector<std::pair<std::string, std::string>>& labels) {
    Tensor blurred = image;
    ObservationSpec clean = obs;
    clean.noise = false;
    Rng unused(0);
    observe(blurred, clean, unused);
    const int channels = blurred.dim(0), size = blurred.dim(1);
    const int ref = obs.referenceBand >= 0 && obs.referenceBand < channels ? obs.referenceBand : channels / 2;
    const float* plane = blurred.data() + std::size_t(ref) * size * size;
    double sumSq = 0.0;
    for (int k = 0; k < size * size; ++k) sumSq += double(plane[k]) * plane[k];
    const double psfSigma = psfSigmaOf(obs.psf);
    // Clump fluxes are r-band; the reference plane carries the clumps' colour in its band.
    GalaxyParams scaled = g;
    for (Clump& c : scaled.clumps) c.flux *= bandColour(Component::Clumps, bands[std::size_t(ref)]);
    const std::vector<double> snr = clumpSnr(scaled, plane, size, psfSigma, sumSq / (obs.snr * obs.snr));
    std::vector<bool> visible;
    int count = 0;
    for (double v : snr) count += (visible.emplace_back(v >= minSnr), v >= minSnr);
    labels.emplace_back("clumps_visible", std::to_string(count));
    return visible;
}

float maxValue(const Tensor& t) { return t.empty() ? 0.0f : *std::max_element(t.data(), t.data() + t.size()); }
}  // namespace

SimulatedGalaxy simulateGalaxy(const SimOptions& o, int index) {
    if (o.size < 8) throw InputError("simulate: --size must be at least 8 pixels, got " + std::to_string(o.size));
    if (o.bands.empty()) throw InputError("simulate: at least one band is needed");
    for (const std::string& b : o.bands) bandColour(Component::Disk, b);  // validates the band names
    Rng rng(galaxySeed(o.seed, index));
    SimulatedGalaxy out;
    ObservationSpec obs;
    obs.psf = o.psf;
    obs.readNoise = o.readNoise;
    obs.noise = o.noise;
    obs.snr = std::exp(uniform(rng, std::log(std::max(1.0, o.snrMin)), std::log(std::max(o.snrMin, o.snrMax))));
    for (std::size_t b = 0; b < o.bands.size(); ++b)
        if (o.bands[b] == "r") obs.referenceBand = int(b);
    const int size = o.size;
    const auto& names = galaxyClassNames();

    GalaxyClass cls = GalaxyClass(index % 4);  // balanced classes
    if (o.kind == SimKind::Clumps) cls = index % 2 ? GalaxyClass::Irregular : GalaxyClass::Spiral;
    if (o.kind == SimKind::BulgeDisk) cls = GalaxyClass::Spiral;
    if (o.kind == SimKind::Anomaly) cls = GalaxyClass(rng.below(4));
    GalaxyParams& g = out.params;
    g = drawGalaxy(cls, size, o.zeroPoint, rng);
    if (o.kind == SimKind::Clumps && g.clumps.size() < 2)
        drawClumps(g, int(2 + rng.below(5)), uniform(rng, 0.08, 0.2), 0.6, 1.5, size / 64.0, rng);
    if (o.kind == SimKind::Clumps && o.clumpSnrMax > 0.0) {
        if (!(o.clumpSnrMin > 0.0 && o.clumpSnrMin <= o.clumpSnrMax))
            throw InputError("simulate: the clump S/N range must satisfy 0 < min <= max (or max 0 for fluxes as a "
                             "share of the galaxy's light), got " + num(o.clumpSnrMin) + ".." + num(o.clumpSnrMax));
        setClumpFluxesBySnr(g, size, o.bands, obs, o.clumpSnrMin, o.clumpSnrMax, o.zeroPoint, rng);
    }
    if (o.kind == SimKind::BulgeDisk) {
        g.bt = uniform(rng, 0.05, 0.95);
        g.bulgeRe = uniform(rng, 1.2, 4.0) * size / 64.0;
        if (rng.uniform() < 0.5) g.armStrength = 0.0, g.arms = 0;
    }
    std::string anomaly = "none";
    if (o.kind == SimKind::Anomaly && rng.uniform() < o.anomalyFraction) {
        static const char* kinds[] = {"ring", "arc", "trail", "hot-pixels"};
        anomaly = kinds[rng.below(4)];
    }
    g.anomaly = anomaly;

    ComponentPlanes planes = renderComponents(g, size);
    if (anomaly == "ring") addRing(g, planes, rng);
    if (anomaly == "arc") addArc(g, planes, rng);
    out.image = mixBands(planes, o.bands);

    auto& labels = out.labels;
    if (o.kind == SimKind::Anomaly) {
        labels.emplace_back("class", anomaly == "none" ? "0" : "1");
        labels.emplace_back("class_name", anomaly == "none" ? "normal" : "anomaly");
        labels.emplace_back("anomaly_type", anomaly);
        labels.emplace_back("galaxy_class", names[std::size_t(cls)]);
    } else {
        labels.emplace_back("class", std::to_string(int(cls)));
        labels.emplace_back("class_name", names[std::size_t(cls)]);
    }
    describe(g, labels);

    switch (o.kind) {
        case SimKind::Morphology:
            observe(out.image, obs, rng);
            break;
        case SimKind::Anomaly: {
            const ObservationSpec noNoise{obs.psf, obs.snr, obs.readNoise, false, obs.referenceBand};
            observe(out.image, noNoise, rng);  // PSF first, so trails are sharp lines of the same seeing
            if (anomaly == "trail") addTrail(out.image, uniform(rng, 0.05, 0.2) * maxValue(out.image), rng);
            ObservationSpec noiseOnly = obs;
            noiseOnly.psf.type = PsfType::None;
            observe(out.image, noiseOnly, rng);
            if (anomaly == "hot-pixels") addHotPixels(out.image, maxValue(out.image), rng);
            break;
        }
        case SimKind::Clumps: {
            std::vector<bool> visible;
            if (o.clumpMinSnr > 0) visible = visibleClumps(g, out.image, o.bands, obs, o.clumpMinSnr, labels);
            out.targets.emplace_back("mask", o.clumpMaskLevel > 0.0
                                                 ? clumpFootprintMask(g, size, psfSigmaOf(o.psf), o.clumpMaskLevel, visible)
                                                 : clumpMask(g, size, visible));
            observe(out.image, obs, rng);
            break;
        }
        case SimKind::BulgeDisk: {
            Tensor bulge = mixBands(planes, o.bands, kBulge), disk = mixBands(planes, o.bands, kDisk | kClumps);
            ObservationSpec clean = obs;
            clean.noise = false;
            observe(bulge, clean, rng);
            observe(disk, clean, rng);
            out.targets.emplace_back("bulge", std::move(bulge));
            out.targets.emplace_back("disk", std::move(disk));
            observe(out.image, obs, rng);
            break;
        }
        case SimKind::Blends: {
            GalaxyClass ncls = GalaxyClass(rng.below(4));
            GalaxyParams nb = drawGalaxy(ncls, size, o.zeroPoint, rng);
            const double dist = uniform(rng, 0.12, 0.3) * size, angle = uniform(rng, 0.0, 2.0 * M_PI);
            const double dx = dist * std::cos(angle), dy = dist * std::sin(angle);
            nb.x0 += dx;
            nb.y0 += dy;
            for (Clump& c : nb.clumps) c.x += dx, c.y += dy;
            nb.mag = g.mag + uniform(rng, -0.5, 1.5);
            const double ratio = std::pow(10.0, -0.4 * (nb.mag - o.zeroPoint)) / nb.flux;
            nb.flux *= ratio;
            for (Clump& c : nb.clumps) c.flux *= ratio;
            Tensor central = out.image;
            Tensor neighbour = mixBands(renderComponents(nb, size), o.bands);
            ObservationSpec clean = obs;
            clean.noise = false;
            observe(central, clean, rng);
            observe(neighbour, clean, rng);
            for (std::size_t i = 0; i < out.image.size(); ++i) out.image[i] = central[i] + neighbour[i];
            ObservationSpec noiseOnly = obs;
            noiseOnly.psf.type = PsfType::None;
            observe(out.image, noiseOnly, rng);
            out.targets.emplace_back("central", std::move(central));
            out.targets.emplace_back("neighbour", std::move(neighbour));
            labels.emplace_back("nb_class", names[std::size_t(ncls)]);
            labels.emplace_back("nb_dx", num(dx));
            labels.emplace_back("nb_dy", num(dy));
            labels.emplace_back("nb_mag", num(nb.mag, 5));
            labels.emplace_back("nb_flux", num(nb.flux, 6));
            break;
        }
        case SimKind::Deconvolution: {
            out.targets.emplace_back("sharp", out.image);
            ObservationSpec broad = obs;
            broad.psf = o.broadPsf;
            observe(out.image, broad, rng);
            break;
        }
    }
    const PsfSpec& seen = o.kind == SimKind::Deconvolution ? o.broadPsf : o.psf;
    labels.emplace_back("snr", o.noise ? num(obs.snr) : "inf");
    labels.emplace_back("psf", toString(seen.type));
    labels.emplace_back("psf_fwhm", num(seen.fwhm));
    return out;
}

std::vector<SimulatedGalaxy> simulateGalaxies(const SimOptions& options, int first, int count,
                                              const std::function<void(int, int)>& progress,
                                              const std::atomic<bool>* cancel) {
    std::vector<SimulatedGalaxy> out(std::size_t(std::max(0, count)));
    // Chunks let the calling thread report progress and check for cancellation between them.
    const int chunk = 64;
    int done = 0;
    for (int start = 0; start < count; start += chunk) {
        if (cancel && cancel->load()) {
            out.resize(std::size_t(done));
            return out;
        }
        const int end = std::min(count, start + chunk);
        std::string error;
#pragma omp parallel for schedule(dynamic, 4)
        for (int k = start; k < end; ++k) {
            try {
                out[std::size_t(k)] = simulateGalaxy(options, first + k);
            } catch (const std::exception& e) {
#pragma omp critical
                error = e.what();
            }
        }
        if (!error.empty()) throw InputError(error);
        done = end;
        if (progress) progress(done, count);
    }
    return out;
}

}  // namespace deepfield
