// The clumps set's optional visibility cut (SimOptions::clumpMinSnr): only clumps whose
// matched-filter S/N reaches the threshold are masked. Checks the S/N formula against a direct
// matched-filter sum, that the cut leaves the images unchanged, and which clumps it keeps. The cut
// is checked on the sessions 1-2 set (clump fluxes a share of the galaxy's light, clumpSnrMax = 0),
// which holds clumps on both sides of S/N 5; the default set's clumps all reach 5 (tst_clump_truth).
#include <QtTest>

#include <cmath>

#include "data/psf.h"
#include "data/simulator.h"

using namespace deepfield;

namespace {
std::string label(const SimulatedGalaxy& s, const std::string& key) {
    for (const auto& [k, v] : s.labels)
        if (k == key) return v;
    return "<missing>";
}
double maskSum(const Tensor& m) {
    double s = 0;
    for (std::size_t i = 0; i < m.size(); ++i) s += m[i];
    return s;
}
}  // namespace

class TestClumpVisibility : public QObject {
    Q_OBJECT
private slots:
    // One clump on an empty sky: the optimal S/N sqrt(Σ I² / var) of its PSF-blurred image.
    void snrIsTheMatchedFilterSnr() {
        const int size = 48;
        GalaxyParams g;
        g.flux = 0;
        g.clumps.push_back(Clump{23.3, 24.1, 1.2, 500.0});
        ComponentPlanes planes = renderComponents(g, size);
        const PsfSpec psf{PsfType::Gaussian, 2.0, 3.5};
        std::vector<float> scratch, plane = planes.clumps;
        convolvePsf(plane.data(), size, size, psf, scratch);
        const double variance = 40.0;
        double sumSq = 0;
        for (float v : plane) sumSq += double(v) * v;
        const double direct = std::sqrt(sumSq / variance);
        const std::vector<float> zero(plane.size(), 0.0f);
        const double formula = clumpSnr(g, zero.data(), size, 2.0 / 2.3548, variance).at(0);
        QVERIFY2(std::abs(formula / direct - 1) < 0.01, (std::to_string(formula) + " vs " + std::to_string(direct)).c_str());
        // The galaxy's own light under the clump adds Poisson noise and lowers the S/N.
        const std::vector<float> bright(plane.size(), 120.0f);
        const double onGalaxy = clumpSnr(g, bright.data(), size, 2.0 / 2.3548, variance).at(0);
        QVERIFY(std::abs(onGalaxy / formula - std::sqrt(40.0 / 160.0)) < 1e-6);
    }

    void cutKeepsImagesAndMasksOnlyVisibleClumps() {
        SimOptions all, cut;
        all.kind = cut.kind = SimKind::Clumps;
        all.seed = cut.seed = 6;
        all.clumpSnrMax = cut.clumpSnrMax = 0.0;
        cut.clumpMinSnr = 5.0;
        int kept = 0, dropped = 0;
        double areaAll = 0, areaCut = 0;
        for (int index = 0; index < 40; ++index) {
            const SimulatedGalaxy a = simulateGalaxy(all, index), c = simulateGalaxy(cut, index);
            QCOMPARE(c.image.values(), a.image.values());  // the cut draws no random numbers
            QCOMPARE(label(a, "clumps_visible"), std::string("<missing>"));
            const Tensor& ma = a.targets.at(0).second;
            const Tensor& mc = c.targets.at(0).second;
            for (std::size_t i = 0; i < ma.size(); ++i) QVERIFY(mc[i] <= ma[i]);  // a subset of the full mask
            areaAll += maskSum(ma), areaCut += maskSum(mc);
            // A clump whose centre is not masked was dropped: there are at most as many as the label says.
            const int visible = std::stoi(label(c, "clumps_visible"));
            int unmasked = 0;
            for (const Clump& cl : c.params.clumps) {
                const int i = int(std::lround(cl.y)), j = int(std::lround(cl.x));
                if (i >= 0 && i < 64 && j >= 0 && j < 64 && mc[std::size_t(i) * 64 + j] == 0.0f) ++unmasked;
            }
            QVERIFY(unmasked <= int(c.params.clumps.size()) - visible);
            QVERIFY(visible >= 0 && visible <= int(c.params.clumps.size()));
            kept += visible;
            dropped += int(c.params.clumps.size()) - visible;
            if (visible == 0) QCOMPARE(maskSum(mc), 0.0);
            if (visible == int(c.params.clumps.size())) QCOMPARE(mc.values(), ma.values());
        }
        // The default set holds both kinds: clumps lost in the noise and clearly visible ones.
        QVERIFY2(kept > 20 && dropped > 20, (std::to_string(kept) + " kept, " + std::to_string(dropped) + " dropped").c_str());
        QVERIFY(areaCut < areaAll);
    }

    void brighterClumpsSurviveTheCut() {
        // The same galaxies 10^4 times brighter and with almost no sky: every clump then passes S/N 5
        // (the galaxy's own Poisson noise remains, so brightness is needed as well as the sky SNR).
        SimOptions cut;
        cut.zeroPoint = 37.0;
        cut.kind = SimKind::Clumps;
        cut.seed = 6;
        cut.clumpSnrMax = 0.0;
        cut.clumpMinSnr = 5.0;
        cut.snrMin = cut.snrMax = 100000.0;  // tiny noise
        for (int index = 0; index < 10; ++index) {
            const SimulatedGalaxy c = simulateGalaxy(cut, index);
            QCOMPARE(std::stoi(label(c, "clumps_visible")), int(c.params.clumps.size()));
        }
    }
};

QTEST_APPLESS_MAIN(TestClumpVisibility)
#include "tst_clump_visibility.moc"
