// deepfield-cli simulate: a folder of simulated galaxies as FITS images (float32, header keywords
// recording the simulator parameters) with labels.csv beside them, usable as --data for train.
#include <cctype>
#include <cstdio>
#include <map>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <sstream>

#include "commands.h"
#include "core/atomic_file.h"
#include "core/error.h"
#include "data/fits.h"
#include "data/simulator.h"

namespace deepfield::cli {

namespace {

const char* kSimulateHelp = R"(usage: deepfield-cli simulate --kind KIND --count N --out DIR [options]

  --kind K            morphology (elliptical / spiral / edge-on / irregular, balanced),
                      clumps (+ clump masks), bulge-disk (+ bulge and disk images),
                      blends (+ central and neighbour alone), deconvolution (+ sharp image),
                      anomaly (normal galaxies and a few rings, arcs, trails, hot pixels)
  --count N           number of galaxies
  --size N            stamp size in pixels, default 64
  --bands g,r,i       bands (u g r i z), default g,r,i; one FITS cube per galaxy (NAXIS3 = bands)
  --seed S            default 0; galaxy i depends only on (seed, i)
  --psf gaussian|moffat|none   seeing of the observed images, default gaussian
  --fwhm F            PSF FWHM in pixels, default 2
  --snr-min A --snr-max B      signal-to-noise range (log-uniform), default 20..150
  --anomaly-fraction F         anomaly set: share of oddballs, default 0.05
  --clump-snr-min A --clump-snr-max B   clumps set: each clump's flux gives it a matched-filter S/N
                               drawn log-uniformly in A..B in its image, default 5..50; B = 0: fluxes
                               as a share of the galaxy's light instead (the sessions 1-2 set)
  --clump-mask-level F         clumps set: the mask marks where the PSF-blurred clump exceeds F of its
                               peak, default 0.5 (half maximum); 0: within max(2 sigma, 1 px) before the PSF
  --clump-min-snr S            clumps set: mask only clumps of matched-filter S/N >= S (default 0: all)
  --no-noise          noise-free images
  --out DIR           writes DIR/images/*.fits, DIR/<target>/*.fits and DIR/labels.csv
)";

// FITS keywords (8 characters at most) for the label columns.
std::string keywordFor(const std::string& label) {
    static const std::map<std::string, std::string> names = {
        {"class", "CLASS"},         {"class_name", "CLASSNAM"}, {"n", "SERSIC_N"},   {"re", "RE"},
        {"clumps", "NCLUMPS"},      {"clump_fraction", "CLUMPFRC"}, {"anomaly_type", "ANOMALY"},
        {"galaxy_class", "GALCLASS"}, {"bulge_re", "BULGE_RE"}, {"psf_fwhm", "PSF_FWHM"},
    };
    if (auto it = names.find(label); it != names.end()) return it->second;
    std::string k;
    for (char c : label) k += char(std::toupper(static_cast<unsigned char>(c)));
    return k.substr(0, 8);
}

std::string csvCell(const std::string& s) {
    if (s.find_first_of(",\"\n") == std::string::npos) return s;
    std::string q = "\"";
    for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
    return q + "\"";
}

}  // namespace

int runSimulate(Args& args) {
    namespace fs = std::filesystem;
    if (args.flag("help")) {
        std::cout << kSimulateHelp;
        return 0;
    }
    SimOptions o;
    o.kind = simKindFromString(args.get("kind"));
    const int count = args.getInt("count", 0, 1);
    if (count < 1) throw UsageError("missing required option --count");
    o.size = args.getInt("size", 64, 8);
    if (args.has("bands")) o.bands = args.getList("bands");
    o.seed = std::uint64_t(args.getInt("seed", 0, 0));
    o.psf.type = psfTypeFromString(args.get("psf", "gaussian"));
    o.psf.fwhm = args.getDouble("fwhm", 2.0);
    o.snrMin = args.getDouble("snr-min", 20.0);
    o.snrMax = args.getDouble("snr-max", 150.0);
    o.anomalyFraction = args.getDouble("anomaly-fraction", 0.05);
    o.clumpMinSnr = args.getDouble("clump-min-snr", 0.0);
    o.clumpSnrMin = args.getDouble("clump-snr-min", o.clumpSnrMin);
    o.clumpSnrMax = args.getDouble("clump-snr-max", o.clumpSnrMax);
    o.clumpMaskLevel = args.getDouble("clump-mask-level", o.clumpMaskLevel);
    o.noise = !args.flag("no-noise");
    const std::string out = args.get("out");
    args.finish();
    if (o.snrMin <= 0 || o.snrMax < o.snrMin) throw UsageError("--snr-min and --snr-max must satisfy 0 < min <= max");
    if (o.psf.fwhm < 0) throw UsageError("--fwhm must be ≥ 0");
    if (o.clumpSnrMax != 0 && !(o.clumpSnrMin > 0 && o.clumpSnrMin <= o.clumpSnrMax))
        throw UsageError("--clump-snr-min and --clump-snr-max must satisfy 0 < min <= max (or --clump-snr-max 0)");
    if (o.clumpMaskLevel < 0 || o.clumpMaskLevel >= 1)
        throw UsageError("--clump-mask-level must lie in [0, 1): a fraction of the clump's peak, 0 for the old disc");
    simulateGalaxy(o, 0);  // validates the bands before anything is written

    std::error_code ec;
    fs::create_directories(fs::path(out) / "images", ec);
    if (ec) throw InputError("cannot create output folder '" + out + "': " + ec.message());

    std::ostringstream csv;
    std::vector<std::string> header;
    const auto start = std::chrono::steady_clock::now();
    double simSeconds = 0.0;
    const int chunk = 256;
    char name[32];
    for (int first = 0; first < count; first += chunk) {
        const int n = std::min(chunk, count - first);
        const auto t0 = std::chrono::steady_clock::now();
        const std::vector<SimulatedGalaxy> set = simulateGalaxies(o, first, n);
        simSeconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        for (int k = 0; k < n; ++k) {
            const SimulatedGalaxy& g = set[std::size_t(k)];
            std::snprintf(name, sizeof name, "%06d.fits", first + k);
            if (header.empty()) {
                header.push_back("filename");
                for (const auto& t : g.targets) header.push_back(t.first);
                for (const auto& l : g.labels) header.push_back(l.first);
                for (std::size_t i = 0; i < header.size(); ++i) csv << (i ? "," : "") << header[i];
                csv << "\n";
                for (const auto& t : g.targets) fs::create_directories(fs::path(out) / t.first, ec);
            }
            std::vector<FitsCard> cards;
            auto card = [&](const std::string& key, const std::string& value, const std::string& comment) {
                FitsCard c;
                c.keyword = key;
                c.value = value;
                c.comment = comment;
                cards.push_back(c);
            };
            card("DF_METHD", "simulate", "made by deepfield-cli simulate");
            card("DF_KIND", toString(o.kind), "kind of simulated set");
            card("DF_SEED", std::to_string(o.seed), "set seed; galaxy i depends on (seed, i)");
            card("DF_INDEX", std::to_string(first + k), "galaxy index in the set");
            std::string bands;
            for (const auto& b : o.bands) bands += (bands.empty() ? "" : ",") + b;
            card("BANDS", bands, "one plane per band (NAXIS3)");
            card("ZP", "27", "magnitude zero point: mag = ZP - 2.5 log10(flux)");
            card("BUNIT", "count", "sky-subtracted counts");
            for (const auto& l : g.labels) card(keywordFor(l.first), l.second, l.first);
            const std::string rel = "images/" + std::string(name);
            writeFits((fs::path(out) / rel).string(), g.image, cards);
            csv << rel;
            for (const auto& t : g.targets) {
                const std::string trel = t.first + "/" + name;
                std::vector<FitsCard> tcards = cards;
                FitsCard c;
                c.keyword = "DF_TARGT";
                c.value = t.first;
                c.comment = "image target of the simulated galaxy";
                tcards.push_back(c);
                writeFits((fs::path(out) / trel).string(), t.second, tcards);
                csv << "," << trel;
            }
            for (const auto& l : g.labels) csv << "," << csvCell(l.second);
            csv << "\n";
        }
        std::cerr << "simulate: " << std::min(count, first + n) << " / " << count << " galaxies\r" << std::flush;
    }
    writeFileAtomically((fs::path(out) / "labels.csv").string(), csv.str());
    const double total = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::cerr << "\n";
    std::string bandList;
    for (const auto& b : o.bands) bandList += (bandList.empty() ? "" : ",") + b;
    std::printf("simulated %d %s galaxies (%dx%d, bands %s) in %.2f s (%.0f galaxies/s; %.2f s with writing) -> %s\n",
                count, toString(o.kind), o.size, o.size, bandList.c_str(),
                simSeconds, count / std::max(simSeconds, 1e-9), total, out.c_str());
    return 0;
}

}  // namespace deepfield::cli
