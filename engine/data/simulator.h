#pragma once
// Galaxy simulator: realistic multi-band galaxies with known truth, for every lesson offline.
// A galaxy is a Sérsic bulge plus an exponential disk (optionally with logarithmic spiral arms,
// a bar and star-forming clumps), rendered with sub-pixel accuracy, coloured per band (red
// bulge, bluer disk, blue clumps), convolved with a PSF and observed with sky, Poisson and read
// noise at a chosen signal-to-noise. Galaxy i of a set depends only on (options, i): each has
// its own Rng seeded from (seed, i), so results do not depend on the thread count.
#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "core/rng.h"
#include "core/tensor.h"
#include "data/psf.h"

namespace deepfield {

enum class SimKind { Morphology, Clumps, BulgeDisk, Blends, Deconvolution, Anomaly };
SimKind simKindFromString(const std::string& name);  // "morphology", "clumps", "bulge-disk", ...
const char* toString(SimKind kind);

// Morphological classes of the `morphology` set (label = enum value).
enum class GalaxyClass { Elliptical = 0, Spiral = 1, EdgeOn = 2, Irregular = 3 };
const std::vector<std::string>& galaxyClassNames();  // elliptical, spiral, edge-on, irregular

// Relative flux of a component in a band, r = 1 (u g r i z known; InputError otherwise).
enum class Component { Bulge, Disk, Clumps };
double bandColour(Component component, const std::string& band);

struct Clump {
    double x = 0, y = 0;  // centre, pixels
    double sigma = 1.0;   // Gaussian width, pixels
    double flux = 0.0;    // r-band flux
};

// Truth of one galaxy. Lengths in pixels, angles in radians, fluxes in counts (r band).
struct GalaxyParams {
    GalaxyClass galaxyClass = GalaxyClass::Spiral;
    double x0 = 0, y0 = 0;  // centre
    double mag = 20.0;      // r-band magnitude; flux = 10^(-0.4 (mag - zeroPoint))
    double flux = 0.0;
    double bt = 0.3;        // bulge-to-total ratio of the smooth light
    double bulgeN = 4.0, bulgeRe = 2.0, bulgeQ = 0.9;
    double diskRe = 6.0;
    double q = 0.7;         // disk axis ratio (inclination: cos i for a thin disk)
    double pa = 0.0;        // position angle of the major axis, counter-clockwise from +x
    int arms = 0;           // spiral arms (0: none)
    double pitch = 0.3;     // pitch angle of the logarithmic spiral
    double armStrength = 0.0;  // modulation amplitude in [0, 1]
    double armPhase = 0.0;
    int lopsided = 0;       // irregulars: m = 1 asymmetry of the disk (0/1)
    double lopsidedStrength = 0.0;
    double barFraction = 0.0;  // share of the disk light in the bar (0: no bar)
    double barRe = 3.0, barQ = 0.25, barPa = 0.0;
    double clumpFraction = 0.0;  // share of the total light in clumps
    std::vector<Clump> clumps;
    std::string anomaly = "none";  // anomaly set: none, ring, arc, trail, hot-pixels
    // The dominant component's Sérsic index and effective radius (what labels.csv reports as n, re).
    double dominantN() const { return bt >= 0.5 ? bulgeN : 1.0; }
    double dominantRe() const { return bt >= 0.5 ? bulgeRe : diskRe; }
};

// Draws the truth of a galaxy of the given class on a stamp of `size` pixels (centred).
GalaxyParams drawGalaxy(GalaxyClass galaxyClass, int size, double zeroPoint, Rng& rng);

// Noise-free r-band planes (H, W) of each component, before the PSF. The disk plane holds the
// disk, its arms and the bar; `extra` holds anomaly features (rings, arcs) with clump colours.
struct ComponentPlanes {
    int size = 0;
    std::vector<float> bulge, disk, clumps, extra;
};
ComponentPlanes renderComponents(const GalaxyParams& galaxy, int size);

enum ComponentMask { kBulge = 1, kDisk = 2, kClumps = 4, kExtra = 8, kAllComponents = 15 };
// Mixes the planes into bands with the components' colours: (C, H, W) with C = bands.size().
Tensor mixBands(const ComponentPlanes& planes, const std::vector<std::string>& bands, int components = kAllComponents);

// 1 where a pixel centre lies within max(2 sigma, 1 px) of a clump centre: (1, H, W).
// `visible` (optional, one flag per clump) leaves out the clumps flagged false.
Tensor clumpMask(const GalaxyParams& galaxy, int size, const std::vector<bool>& visible = {});

// The observed footprint: 1 where the PSF-blurred clump exceeds `level` (0..1) of its own peak,
// i.e. within s sqrt(2 ln(1/level)) of the centre, s^2 = sigma^2 + psfSigma^2 + 1/6 (at least 1 px).
// level 0.5 marks the clump's half-maximum disc, what one would outline by eye. (1, H, W).
double clumpFootprintRadius(const Clump& clump, double psfSigma, double level);
Tensor clumpFootprintMask(const GalaxyParams& galaxy, int size, double psfSigma, double level,
                          const std::vector<bool>& visible = {});

// Matched-filter signal-to-noise of each clump in the observed image: flux / sqrt(4 pi s^2 var),
// s^2 = sigma^2 + sigma_psf^2 + 1/6 (the PSF-convolved, pixel-integrated Gaussian), var = sky + read^2 + the noise-free
// galaxy's counts at the clump centre (its own Poisson noise). `blurred` is the noise-free,
// PSF-convolved reference-band plane (H, W); `skyVariance` = sky + read^2 per pixel.
std::vector<double> clumpSnr(const GalaxyParams& galaxy, const float* blurred, int size, double psfSigma,
                             double skyVariance);

struct ObservationSpec {
    PsfSpec psf;
    double snr = 50.0;        // sqrt(sum I^2 / (sky + read^2)) in the reference band
    double readNoise = 5.0;   // counts
    bool noise = true;
    int referenceBand = -1;   // band the SNR refers to (-1: the middle band)
};
// PSF convolution of every band, then sky + Poisson + read noise (sky subtracted afterwards).
// Returns the sky level used (counts per pixel). image: (C, H, W), modified in place.
double observe(Tensor& image, const ObservationSpec& observation, Rng& rng);

// Poisson deviate (inversion below 30, normal approximation above).
double poisson(double lambda, Rng& rng);

struct SimOptions {
    SimKind kind = SimKind::Morphology;
    int size = 64;
    std::vector<std::string> bands{"g", "r", "i"};
    std::uint64_t seed = 0;
    PsfSpec psf{PsfType::Gaussian, 2.0, 3.5};       // seeing of the observed images
    PsfSpec broadPsf{PsfType::Moffat, 5.0, 3.0};   // deconvolution set: the broad PSF
    double snrMin = 20.0, snrMax = 150.0;          // drawn log-uniformly per galaxy
    double readNoise = 5.0;
    double zeroPoint = 27.0;
    double anomalyFraction = 0.05;                 // anomaly set: share of oddballs
    // Clumps set: mask only clumps whose matched-filter S/N (clumpSnr) reaches this; 0 masks all.
    double clumpMinSnr = 0.0;
    // Clumps set, like a detection-limited clump catalogue: each clump's flux is set so that its
    // matched-filter S/N in this image (clumpSnr, with its own Poisson noise) is log-uniform in
    // [clumpSnrMin, clumpSnrMax]; the galaxy's smooth light and noise level stay as drawn.
    // clumpSnrMax = 0: clump fluxes are a share of the galaxy's light (sessions 1-2: 45 % of the
    // clumps then had S/N < 5, masked but not in the image).
    double clumpSnrMin = 5.0, clumpSnrMax = 50.0;
    // Clumps set: the mask is the observed footprint (clumpFootprintMask at this level of the
    // blurred clump's peak); 0: the intrinsic disc of clumpMask (max(2 sigma, 1 px) before the PSF).
    double clumpMaskLevel = 0.5;
    bool noise = true;
};

struct SimulatedGalaxy {
    GalaxyParams params;
    Tensor image;  // (C, H, W) observed
    // Image targets by name: mask (1, H, W) for clumps; bulge and disk (C, H, W) for bulge-disk;
    // central and neighbour (C, H, W) for blends; sharp (C, H, W) for deconvolution.
    std::vector<std::pair<std::string, Tensor>> targets;
    // Label columns in order: class, class_name, n, re, q, pa, bt, mag, flux, clumps, ... (text).
    std::vector<std::pair<std::string, std::string>> labels;
};

// Galaxy `index` of the set described by `options`.
SimulatedGalaxy simulateGalaxy(const SimOptions& options, int index);

// Galaxies first .. first + count - 1, in parallel (OpenMP over galaxies). `progress(done, total)`
// is called from the calling thread; `cancel` stops early (the result then holds fewer galaxies).
std::vector<SimulatedGalaxy> simulateGalaxies(const SimOptions& options, int first, int count,
                                              const std::function<void(int, int)>& progress = {},
                                              const std::atomic<bool>* cancel = nullptr);

// The random seed of galaxy `index`: a SplitMix64 mix of (seed, index).
std::uint64_t galaxySeed(std::uint64_t seed, int index);

}  // namespace deepfield
