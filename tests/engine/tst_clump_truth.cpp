// The clumps set's truth (session 3): every clump is drawn at a detectable matched-filter S/N
// (SimOptions::clumpSnrMin..clumpSnrMax, like a detection-limited clump catalogue) and the mask is
// the clump's observed footprint (half maximum of the PSF-blurred clump, clumpFootprintMask).
// The old truth (fluxes as a share of the galaxy's light, mask max(2 sigma, 1 px) before the PSF)
// stays available with clumpSnrMax = 0 and clumpMaskLevel = 0.
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <string>

#include "core/error.h"
#include "data/psf.h"
#include "data/simulator.h"

using namespace deepfield;

namespace {
std::string label(const SimulatedGalaxy& g, const std::string& name) {
    for (const auto& [k, v] : g.labels)
        if (k == name) return v;
    return "<missing>";
}
const double kPsfSigma = 2.0 / 2.3548;
}  // namespace

class TestClumpTruth : public QObject {
    Q_OBJECT
private slots:
    // Every clump of the default set reaches S/N 5 in its image (clumpSnr, the same measure the
    // --clump-min-snr cut uses, on the final noise-free image with all clumps and the galaxy's light),
    // and the S/N spread spans the drawn range. The old set has 45 % of its clumps below 5.
    void everyClumpIsDetectable() {
        SimOptions o;
        o.kind = SimKind::Clumps;
        o.seed = 6;
        o.clumpMinSnr = 4.75;  // 5 % below the floor: neighbouring clumps' light is only approximated
        SimOptions faint = o;
        faint.clumpSnrMax = 0.0;  // the sessions 1-2 set
        faint.clumpMinSnr = 5.0;
        int clumps = 0, visible = 0, faintClumps = 0, faintVisible = 0;
        double minFraction = 1, maxFraction = 0;
        for (int index = 0; index < 40; ++index) {
            const SimulatedGalaxy g = simulateGalaxy(o, index), f = simulateGalaxy(faint, index);
            clumps += int(g.params.clumps.size());
            visible += std::stoi(label(g, "clumps_visible"));
            faintClumps += int(f.params.clumps.size());
            faintVisible += std::stoi(label(f, "clumps_visible"));
            minFraction = std::min(minFraction, g.params.clumpFraction);
            maxFraction = std::max(maxFraction, g.params.clumpFraction);
            // The labels follow the new clump fluxes: flux and magnitude include them.
            QVERIFY(std::abs(std::stod(label(g, "clump_fraction")) - g.params.clumpFraction) < 1e-3);
            QVERIFY(std::abs(g.params.mag - (o.zeroPoint - 2.5 * std::log10(g.params.flux))) < 1e-9);
        }
        QVERIFY2(clumps > 150 && visible >= clumps - 1,
                 (std::to_string(visible) + " of " + std::to_string(clumps) + " at S/N >= 4.75").c_str());
        QVERIFY2(faintVisible < 0.7 * faintClumps,
                 (std::to_string(faintVisible) + " of " + std::to_string(faintClumps) + " (old set)").c_str());
        QVERIFY(minFraction > 0.0 && maxFraction < 1.0);
    }

    // The S/N is the drawn one, not a floor: a high cut keeps only part of the clumps (log-uniform
    // 5..50: about 30 % above 20).
    void snrSpansTheDrawnRange() {
        SimOptions o;
        o.kind = SimKind::Clumps;
        o.seed = 8;
        o.clumpMinSnr = 20.0;
        int clumps = 0, bright = 0;
        for (int index = 0; index < 40; ++index) {
            const SimulatedGalaxy g = simulateGalaxy(o, index);
            clumps += int(g.params.clumps.size());
            bright += std::stoi(label(g, "clumps_visible"));
        }
        const double share = double(bright) / clumps;
        QVERIFY2(share > 0.2 && share < 0.5, std::to_string(share).c_str());
    }

    // The footprint is where the blurred clump exceeds half its peak: a clump alone, rendered,
    // convolved with the 2 px PSF, thresholded — agrees with the mask away from the boundary.
    void footprintIsTheHalfMaximumOfTheBlurredClump_data() {
        QTest::addColumn<double>("x");
        QTest::addColumn<double>("y");
        QTest::addColumn<double>("sigma");
        QTest::newRow("small, on a pixel") << 20.0 << 17.0 << 0.6;
        QTest::newRow("medium, off-grid") << 23.3 << 24.6 << 1.0;
        QTest::newRow("large, off-grid") << 15.7 << 30.2 << 1.5;
    }
    void footprintIsTheHalfMaximumOfTheBlurredClump() {
        QFETCH(double, x);
        QFETCH(double, y);
        QFETCH(double, sigma);
        const int size = 48;
        GalaxyParams g;
        g.flux = 0;
        g.clumps.push_back(Clump{x, y, sigma, 1000.0});
        std::vector<float> plane = renderComponents(g, size).clumps, scratch;
        convolvePsf(plane.data(), size, size, PsfSpec{PsfType::Gaussian, 2.0, 3.5}, scratch);
        const double s2 = sigma * sigma + kPsfSigma * kPsfSigma + 1.0 / 6.0;
        const double peak = 1000.0 / (2 * M_PI * s2);
        const Tensor mask = clumpFootprintMask(g, size, kPsfSigma, 0.5);
        int inside = 0, checked = 0;
        for (int i = 0; i < size; ++i)
            for (int j = 0; j < size; ++j) {
                const double v = plane[std::size_t(i) * size + j] / peak;
                const float m = mask[std::size_t(i) * size + j];
                if (v > 0.56) {
                    QCOMPARE(m, 1.0f);
                    ++checked;
                }
                if (v < 0.44) QCOMPARE(m, 0.0f);
                inside += m == 1.0f;
            }
        QVERIFY(checked >= 1);
        // Area of the half-maximum disc: pi * 2 ln 2 * s^2.
        const double area = M_PI * 2 * std::log(2.0) * s2;
        QVERIFY2(std::abs(inside - area) < 0.35 * area + 2, (std::to_string(inside) + " vs " + std::to_string(area)).c_str());
        // The old disc ignores the PSF: for a small clump it is smaller than what one sees (and for a
        // large one larger: 2 sigma reaches into the clump's faint wings).
        const double oldRadius = std::max(2 * sigma, 1.0), radius = clumpFootprintRadius(g.clumps[0], kPsfSigma, 0.5);
        QVERIFY(sigma < 1.0 ? radius > oldRadius : radius < oldRadius);
    }

    // The set's mask is the footprint of its clumps; the old options give the old disc.
    void setMaskIsTheFootprint() {
        SimOptions o;
        o.kind = SimKind::Clumps;
        o.seed = 11;
        SimOptions old = o;
        old.clumpSnrMax = 0.0;
        old.clumpMaskLevel = 0.0;
        for (int index = 0; index < 10; ++index) {
            const SimulatedGalaxy g = simulateGalaxy(o, index), h = simulateGalaxy(old, index);
            QCOMPARE(g.targets.at(0).second.values(), clumpFootprintMask(g.params, 64, kPsfSigma, 0.5).values());
            QCOMPARE(h.targets.at(0).second.values(), clumpMask(h.params, 64).values());
            // Same galaxies (positions, sizes), different clump fluxes.
            QCOMPARE(g.params.clumps.size(), h.params.clumps.size());
            for (std::size_t k = 0; k < g.params.clumps.size(); ++k) {
                QCOMPARE(g.params.clumps[k].x, h.params.clumps[k].x);
                QCOMPARE(g.params.clumps[k].sigma, h.params.clumps[k].sigma);
            }
        }
    }

    void badOptionsAreRefused() {
        SimOptions o;
        o.kind = SimKind::Clumps;
        o.clumpSnrMin = 0.0;
        QVERIFY_THROWS_EXCEPTION(InputError, simulateGalaxy(o, 0));
        o.clumpSnrMin = 60.0;  // above the maximum 50
        QVERIFY_THROWS_EXCEPTION(InputError, simulateGalaxy(o, 0));
        QVERIFY_THROWS_EXCEPTION(InputError, clumpFootprintMask(GalaxyParams{}, 16, 1.0, 1.5));
    }
};

QTEST_APPLESS_MAIN(TestClumpTruth)
#include "tst_clump_truth.moc"
