#include <QtTest>

#include <chrono>
#include <cmath>
#include <map>
#include <numeric>
#include <omp.h>

#include "core/error.h"
#include "data/psf.h"
#include "data/sersic.h"
#include "data/simulator.h"

using namespace deepfield;

namespace {
double sum(const std::vector<float>& v) { return std::accumulate(v.begin(), v.end(), 0.0); }

// Radius of the circle around (x0, y0) holding half of `total`, pixels split in 8 x 8 sub-pixels.
double halfLightRadius(const std::vector<float>& img, int size, double x0, double y0, double total) {
    const double step = 0.01;
    std::vector<double> bins(std::size_t(size / step) + 2, 0.0);
    const int sub = 8;
    for (int i = 0; i < size; ++i)
        for (int j = 0; j < size; ++j) {
            const double f = img[std::size_t(i) * size + j] / double(sub * sub);
            for (int a = 0; a < sub; ++a)
                for (int e = 0; e < sub; ++e) {
                    const double dx = j - x0 + (e + 0.5) / sub - 0.5, dy = i - y0 + (a + 0.5) / sub - 0.5;
                    const std::size_t b = std::min(bins.size() - 1, std::size_t(std::sqrt(dx * dx + dy * dy) / step));
                    bins[b] += f;
                }
        }
    double acc = 0.0;
    for (std::size_t b = 0; b < bins.size(); ++b) {
        if (acc + bins[b] >= 0.5 * total) return (double(b) + (0.5 * total - acc) / bins[b]) * step;
        acc += bins[b];
    }
    return -1.0;
}
}  // namespace

class TestSimulator : public QObject {
    Q_OBJECT
private slots:
    void sersicB_data() {
        QTest::addColumn<double>("n");
        QTest::addColumn<double>("expected");
        // Exact roots of Gamma(2n) = 2 gamma(2n, b) (Ciotti & Bertin 1999, table values).
        QTest::newRow("n=0.5") << 0.5 << 0.693147;
        QTest::newRow("n=1") << 1.0 << 1.678347;
        QTest::newRow("n=2") << 2.0 << 3.672061;
        QTest::newRow("n=4") << 4.0 << 7.669249;
        QTest::newRow("n=8") << 8.0 << 15.66687;
    }
    void sersicB() {
        QFETCH(double, n);
        QFETCH(double, expected);
        QVERIFY2(std::fabs(deepfield::sersicB(n) - expected) < 2e-4 * expected,
                 std::to_string(deepfield::sersicB(n)).c_str());
    }

    void fluxConserved_data() {
        QTest::addColumn<double>("n");
        QTest::addColumn<double>("re");
        QTest::addColumn<double>("q");
        QTest::addColumn<int>("psf");  // 0 none, 1 Gaussian, 2 Moffat
        QTest::newRow("exp Re=4 q=0.6") << 1.0 << 4.0 << 0.6 << 0;
        QTest::newRow("exp Re=1.2 small") << 1.0 << 1.2 << 1.0 << 0;
        QTest::newRow("deV Re=3") << 4.0 << 3.0 << 1.0 << 0;
        QTest::newRow("deV Re=1.5 q=0.5") << 4.0 << 1.5 << 0.5 << 0;
        QTest::newRow("n=2.5 Re=2 q=0.3") << 2.5 << 2.0 << 0.3 << 0;
        QTest::newRow("bar n=0.5 q=0.25") << 0.5 << 3.0 << 0.25 << 0;
        QTest::newRow("edge-on exp q=0.1") << 1.0 << 6.0 << 0.1 << 0;
        QTest::newRow("deV Re=3 + Gaussian PSF") << 4.0 << 3.0 << 1.0 << 1;
        QTest::newRow("exp Re=4 + Moffat PSF") << 1.0 << 4.0 << 0.7 << 2;
    }
    void fluxConserved() {
        QFETCH(double, n);
        QFETCH(double, re);
        QFETCH(double, q);
        QFETCH(int, psf);
        const int size = 200;
        std::vector<float> img(std::size_t(size) * size, 0.0f);
        SersicProfile p{n, re, q, 0.7, 99.3, 100.2, 1000.0};
        addSersic(img.data(), size, size, p);
        if (psf) {
            std::vector<float> scratch;
            PsfSpec spec{psf == 1 ? PsfType::Gaussian : PsfType::Moffat, 3.0, 3.0};
            convolvePsf(img.data(), size, size, spec, scratch);
        }
        const double total = sum(img);
        QVERIFY2(std::fabs(total / 1000.0 - 1.0) < 0.01, ("flux " + std::to_string(total)).c_str());
    }

    void halfLightRadius_data() {
        QTest::addColumn<double>("n");
        QTest::addColumn<double>("re");
        QTest::newRow("n=1 Re=3") << 1.0 << 3.0;
        QTest::newRow("n=1 Re=8") << 1.0 << 8.0;
        QTest::newRow("n=4 Re=3") << 4.0 << 3.0;
        QTest::newRow("n=4 Re=8") << 4.0 << 8.0;
        QTest::newRow("n=2 Re=5") << 2.0 << 5.0;
    }
    void halfLightRadius() {
        QFETCH(double, n);
        QFETCH(double, re);
        const int size = 256;
        std::vector<float> img(std::size_t(size) * size, 0.0f);
        const double x0 = 127.3, y0 = 128.1;
        addSersic(img.data(), size, size, SersicProfile{n, re, 1.0, 0.0, x0, y0, 500.0});
        const double r = ::halfLightRadius(img, size, x0, y0, 500.0);
        QVERIFY2(std::fabs(r / re - 1.0) < 0.02, ("half-light radius " + std::to_string(r)).c_str());
    }

    void gaussianBlobFluxAndCentre() {
        std::vector<float> img(32 * 32, 0.0f);
        addGaussianBlob(img.data(), 32, 32, 10.3, 20.6, 0.8, 50.0);
        double s = 0, sx = 0, sy = 0;
        for (int i = 0; i < 32; ++i)
            for (int j = 0; j < 32; ++j) {
                const double v = img[std::size_t(i) * 32 + j];
                s += v, sx += v * j, sy += v * i;
            }
        QVERIFY(std::fabs(s - 50.0) < 1e-3);
        QVERIFY(std::fabs(sx / s - 10.3) < 1e-3);
        QVERIFY(std::fabs(sy / s - 20.6) < 1e-3);
    }

    void galaxyFluxMatchesMagnitude() {
        // A whole galaxy (bulge + disk + arms + bar + clumps), noise-free on a big stamp.
        Rng rng(5);
        for (int k = 0; k < 8; ++k) {
            GalaxyParams g = drawGalaxy(GalaxyClass(k % 4), 64, 27.0, rng);
            for (Clump& c : g.clumps) c.x += 64, c.y += 64;
            g.x0 += 64, g.y0 += 64;
            const ComponentPlanes p = renderComponents(g, 192);
            const double total = sum(p.bulge) + sum(p.disk) + sum(p.clumps);
            QVERIFY2(std::fabs(total / g.flux - 1.0) < 0.01,
                     (galaxyClassNames()[std::size_t(k % 4)] + " flux " + std::to_string(total) + " vs " +
                      std::to_string(g.flux)).c_str());
        }
    }

    void clumpMaskMatchesClumps() {
        SimOptions o;
        o.kind = SimKind::Clumps;
        o.seed = 11;
        for (int index = 0; index < 20; ++index) {
            const SimulatedGalaxy s = simulateGalaxy(o, index);
            QCOMPARE(s.targets.size(), std::size_t(1));
            QCOMPARE(s.targets[0].first, std::string("mask"));
            const Tensor& mask = s.targets[0].second;
            QCOMPARE(mask.shape(), (std::vector<int>{1, 64, 64}));
            QVERIFY(s.params.clumps.size() >= 2);
            // Every clump centre inside the stamp is masked ...
            for (const Clump& c : s.params.clumps) {
                const int i = int(std::lround(c.y)), j = int(std::lround(c.x));
                if (i >= 0 && i < 64 && j >= 0 && j < 64) QCOMPARE(mask[std::size_t(i) * 64 + j], 1.0f);
            }
            // ... every masked pixel lies in a clump's observed footprint (the half maximum of the
            // PSF-blurred clump, tst_clump_truth), and most of the clump light lies in the mask.
            Tensor clumpOnly = mixBands(renderComponents(s.params, 64), {"r"}, kClumps);
            double inside = 0, all = 0;
            for (int i = 0; i < 64; ++i)
                for (int j = 0; j < 64; ++j) {
                    const float m = mask[std::size_t(i) * 64 + j];
                    QVERIFY(m == 0.0f || m == 1.0f);
                    double nearest = 1e9;
                    for (const Clump& c : s.params.clumps)
                        nearest = std::min(nearest, std::hypot(j - c.x, i - c.y) /
                                                        clumpFootprintRadius(c, 2.0 / 2.3548, 0.5));
                    if (m == 1.0f) QVERIFY(nearest <= 1.0 + 1e-9);
                    else QVERIFY(nearest > 1.0 - 1e-9);
                    all += clumpOnly[std::size_t(i) * 64 + j];
                    if (m == 1.0f) inside += clumpOnly[std::size_t(i) * 64 + j];
                }
            QVERIFY2(inside > 0.6 * all, std::to_string(inside / all).c_str());
        }
    }

    void sameSeedSamePixels() {
        SimOptions o;
        o.seed = 42;
        const SimulatedGalaxy a = simulateGalaxy(o, 7), b = simulateGalaxy(o, 7);
        QCOMPARE(a.image.values(), b.image.values());
        o.seed = 43;
        const SimulatedGalaxy c = simulateGalaxy(o, 7);
        QVERIFY(a.image.values() != c.image.values());
        o.seed = 42;
        const SimulatedGalaxy d = simulateGalaxy(o, 8);
        QVERIFY(a.image.values() != d.image.values());
    }

    void independentOfThreads() {
        SimOptions o;
        o.kind = SimKind::Blends;
        o.seed = 3;
        const int saved = omp_get_max_threads();
        omp_set_num_threads(1);
        const auto one = simulateGalaxies(o, 10, 12);
        omp_set_num_threads(2);
        const auto two = simulateGalaxies(o, 10, 12);
        omp_set_num_threads(saved);
        QCOMPARE(one.size(), std::size_t(12));
        for (std::size_t k = 0; k < one.size(); ++k) {
            QCOMPARE(one[k].image.values(), two[k].image.values());
            QCOMPARE(one[k].labels, two[k].labels);
        }
        QCOMPARE(one[3].image.values(), simulateGalaxy(o, 13).image.values());
    }

    void classesBalanced() {
        SimOptions o;
        o.size = 16;  // only the labels matter here
        const auto set = simulateGalaxies(o, 0, 200);
        std::map<std::string, int> counts;
        for (const auto& g : set) counts[g.labels.at(1).second]++;
        QCOMPARE(counts.size(), std::size_t(4));
        for (const auto& [name, count] : counts) QCOMPARE(count, 50);
        QCOMPARE(set[0].labels.at(0).first, std::string("class"));
    }

    void kindsHaveTheirTargets_data() {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("targets");
        QTest::newRow("morphology") << "morphology" << "";
        QTest::newRow("clumps") << "clumps" << "mask";
        QTest::newRow("bulge-disk") << "bulge-disk" << "bulge,disk";
        QTest::newRow("blends") << "blends" << "central,neighbour";
        QTest::newRow("deconvolution") << "deconvolution" << "sharp";
        QTest::newRow("anomaly") << "anomaly" << "";
    }
    void kindsHaveTheirTargets() {
        QFETCH(QString, kind);
        QFETCH(QString, targets);
        SimOptions o;
        o.kind = simKindFromString(kind.toStdString());
        o.bands = {"g", "r", "i", "z"};
        const SimulatedGalaxy s = simulateGalaxy(o, 1);
        QCOMPARE(s.image.shape(), (std::vector<int>{4, 64, 64}));
        QStringList names;
        for (const auto& t : s.targets) names << QString::fromStdString(t.first);
        QCOMPARE(names.join(","), targets);
        for (const auto& v : s.image.values()) QVERIFY(std::isfinite(v));
    }

    void bulgeDiskComponentsAddUp() {
        // Noise-free: image = bulge + disk exactly; bulge redder than disk.
        SimOptions o;
        o.kind = SimKind::BulgeDisk;
        o.noise = false;
        const SimulatedGalaxy s = simulateGalaxy(o, 4);
        const Tensor &b = s.targets[0].second, &d = s.targets[1].second;
        double maxDiff = 0, peak = 0;
        for (std::size_t i = 0; i < s.image.size(); ++i) {
            maxDiff = std::max(maxDiff, double(std::fabs(s.image[i] - b[i] - d[i])));
            peak = std::max(peak, double(s.image[i]));
        }
        QVERIFY(maxDiff < 1e-4 * peak);
        const std::size_t n = 64 * 64;
        const double bulgeColour = std::accumulate(b.data() + 2 * n, b.data() + 3 * n, 0.0) /
                                   std::accumulate(b.data(), b.data() + n, 0.0);
        const double diskColour = std::accumulate(d.data() + 2 * n, d.data() + 3 * n, 0.0) /
                                  std::accumulate(d.data(), d.data() + n, 0.0);
        QVERIFY2(bulgeColour > diskColour * 1.5, (std::to_string(bulgeColour) + " " + std::to_string(diskColour)).c_str());
    }

    void noiseMatchesSignalToNoise() {
        // A flat model: the pixel scatter must equal sqrt(sky + read^2 + I) with the SNR definition.
        Tensor img({1, 64, 64}, 0.0f);
        for (int i = 28; i < 36; ++i)
            for (int j = 28; j < 36; ++j) img[std::size_t(i) * 64 + j] = 100.0f;
        ObservationSpec obs;
        obs.psf.type = PsfType::None;
        obs.snr = 20.0;
        obs.readNoise = 3.0;
        Rng rng(9);
        const double sky = observe(img, obs, rng);
        // sum I^2 = 64 * 100^2; variance = sum / snr^2 = 1600 = sky + 9
        QVERIFY(std::fabs(sky - 1591.0) < 1e-6);
        double s = 0, s2 = 0;
        int count = 0;
        for (int i = 0; i < 20; ++i)
            for (int j = 0; j < 64; ++j) {
                const double v = img[std::size_t(i) * 64 + j];
                s += v, s2 += v * v, ++count;
            }
        const double mean = s / count, sd = std::sqrt(s2 / count - mean * mean);
        QVERIFY2(std::fabs(mean) < 3.0 * 40.0 / std::sqrt(count), std::to_string(mean).c_str());
        QVERIFY2(std::fabs(sd / 40.0 - 1.0) < 0.05, std::to_string(sd).c_str());
    }

    void poissonMoments_data() {
        QTest::addColumn<double>("lambda");
        QTest::newRow("0.7") << 0.7;
        QTest::newRow("12") << 12.0;
        QTest::newRow("400") << 400.0;
    }
    void poissonMoments() {
        QFETCH(double, lambda);
        Rng rng(1);
        const int n = 40000;
        double s = 0, s2 = 0;
        for (int k = 0; k < n; ++k) {
            const double v = poisson(lambda, rng);
            s += v, s2 += v * v;
        }
        const double mean = s / n, var = s2 / n - mean * mean;
        QVERIFY2(std::fabs(mean - lambda) < 4.0 * std::sqrt(lambda / n), std::to_string(mean).c_str());
        QVERIFY2(std::fabs(var / lambda - 1.0) < 0.05, std::to_string(var).c_str());
    }

    void anomalyShare() {
        SimOptions o;
        o.kind = SimKind::Anomaly;
        o.size = 32;
        o.anomalyFraction = 0.2;
        const auto set = simulateGalaxies(o, 0, 300);
        int odd = 0;
        for (const auto& g : set) {
            QCOMPARE(g.labels.at(2).first, std::string("anomaly_type"));
            odd += g.labels.at(0).second == "1";
            QCOMPARE(g.labels.at(0).second == "1", g.labels.at(2).second != "none");
        }
        QVERIFY2(odd > 40 && odd < 80, std::to_string(odd).c_str());
    }

    // Ring oddballs look like ring galaxies: the ring lies beyond most of the galaxy's light with a
    // darker gap inside it (rings drawn at 1.3-2 Re inside the light, as before, give 9 % dips and a
    // median 0.73 of the light inside; these give 63 % and 0.88), and adds 30-60 % of its flux.
    void ringIsDetached() {
        SimOptions o;
        o.kind = SimKind::Anomaly;
        o.size = 32;
        o.seed = 4;
        o.noise = false;
        o.bands = {"r"};
        SimOptions bare = o;
        bare.anomalyFraction = 0.0;
        o.anomalyFraction = 1.0;
        int rings = 0, dips = 0;
        std::vector<double> inside, added;
        for (int index = 0; index < 400; ++index) {
            const SimulatedGalaxy ring = simulateGalaxy(o, index);
            if (ring.params.anomaly != "ring") continue;
            const SimulatedGalaxy galaxy = simulateGalaxy(bare, index);
            const GalaxyParams& g = ring.params;
            // Mean light in 1-px elliptical annuli of the ring's axis ratio, with and without the ring.
            const int bins = 14;
            std::vector<double> all(bins, 0.0), extra(bins, 0.0), count(bins, 0.0), radius(std::size_t(32 * 32));
            const double q = std::max(0.5, g.q), c = std::cos(g.pa), s = std::sin(g.pa);
            double total = 0.0, ringFlux = 0.0;
            for (int i = 0; i < 32; ++i)
                for (int j = 0; j < 32; ++j) {
                    const std::size_t k = std::size_t(i) * 32 + j;
                    const double dx = j - g.x0, dy = i - g.y0, xp = dx * c + dy * s, yp = (-dx * s + dy * c) / q;
                    radius[k] = std::sqrt(xp * xp + yp * yp);
                    total += galaxy.image[k];
                    ringFlux += std::max(0.0f, ring.image[k] - galaxy.image[k]);
                    const int b = int(radius[k]);
                    if (b >= bins) continue;
                    all[b] += ring.image[k];
                    extra[b] += ring.image[k] - galaxy.image[k];
                    count[b] += 1.0;
                }
            for (int b = 0; b < bins; ++b)
                if (count[b] > 0) all[b] /= count[b], extra[b] /= count[b];
            const int peak = int(std::max_element(extra.begin(), extra.end()) - extra.begin());
            ++rings;
            if (peak > 1 && *std::min_element(all.begin() + 1, all.begin() + peak) < 0.9 * all[peak]) ++dips;
            double within = 0.0;
            for (std::size_t k = 0; k < radius.size(); ++k) within += radius[k] < peak ? galaxy.image[k] : 0.0f;
            inside.push_back(within / total);
            added.push_back(ringFlux / total);
        }
        QVERIFY2(rings > 80, std::to_string(rings).c_str());
        auto median = [](std::vector<double> v) {
            std::nth_element(v.begin(), v.begin() + std::ptrdiff_t(v.size() / 2), v.end());
            return v[v.size() / 2];
        };
        qInfo("%d rings: %d with a gap, median share of the light inside the ring %.3f, ring flux %.3f", rings, dips,
              median(inside), median(added));
        QVERIFY2(dips >= 0.45 * rings, (std::to_string(dips) + " of " + std::to_string(rings)).c_str());
        QVERIFY2(median(inside) >= 0.8, std::to_string(median(inside)).c_str());
        QVERIFY2(median(added) > 0.25 && median(added) < 0.65, std::to_string(median(added)).c_str());
    }

    void rejectsBadOptions() {
        QVERIFY_THROWS_EXCEPTION(deepfield::InputError, simKindFromString("spirals"));
        SimOptions o;
        o.bands = {"g", "x"};
        QVERIFY_THROWS_EXCEPTION(deepfield::InputError, simulateGalaxy(o, 0));
    }

    void speed() {
        // Reported, not asserted: timings depend on the machine and its load.
        SimOptions o;
        simulateGalaxies(o, 0, 50);
        const auto t0 = std::chrono::steady_clock::now();
        const int n = 1000;
        const auto set = simulateGalaxies(o, 0, n);
        const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        QCOMPARE(int(set.size()), n);
        qInfo("simulated %d morphology galaxies 64x64 g,r,i in %.3f s: %.0f galaxies/s (%d threads)", n, s, n / s,
              omp_get_max_threads());
    }
};

QTEST_APPLESS_MAIN(TestSimulator)
#include "tst_simulator.moc"
