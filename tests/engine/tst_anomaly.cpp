// Anomaly scores: ROC AUC against known answers, ranking, and the VAE / critic scores finding
// oddballs in a small set (a VAE trained on round blobs rebuilds a streak badly).
#include <QtTest>

#include <algorithm>
#include <cmath>

#include "core/error.h"
#include "generative/anomaly.h"
#include "generative/latent.h"
#include "generative/vae.h"
#include "gradcheck.h"
#include "train/optimizer.h"

using namespace deepfield;
using namespace deepfield::test;

class TestAnomaly : public QObject {
    Q_OBJECT
private slots:
    void rocAucKnownAnswers() {
        QCOMPARE(rocAuc({0.1, 0.2, 0.8, 0.9}, {0, 0, 1, 1}), 1.0);
        QCOMPARE(rocAuc({0.9, 0.8, 0.2, 0.1}, {0, 0, 1, 1}), 0.0);
        QCOMPARE(rocAuc({0.5, 0.5, 0.5, 0.5}, {0, 1, 0, 1}), 0.5);
        // positives 0.35, 0.8, 0.7 beat the negatives 0.1, 0.4, 0.7 in 1 + 3 + 2.5 (a tie) of 9 pairs
        QVERIFY(std::abs(rocAuc({0.1, 0.4, 0.35, 0.8, 0.7, 0.7}, {0, 0, 1, 1, 0, 1}) - 6.5 / 9) < 1e-12);
        QVERIFY(std::isnan(rocAuc({1, 2}, {1, 1})));
        const auto r = rankByScore({0.3, 0.9, 0.1, 0.9});
        QCOMPARE(r, (std::vector<int>{1, 3, 0, 2}));
    }

    void vaeAndCriticFindOddballs() {
        // 120 round blobs, 8 streaks (the oddballs) on 8×8 in [0, 1].
        const int n = 128;
        Tensor x({n, 1, 8, 8});
        std::vector<int> odd(std::size_t(n), 0);
        Rng rng(3);
        for (int i = 0; i < n; ++i) {
            odd[std::size_t(i)] = i % 16 == 5;
            const float cx = 3.5f + rng.uniform(-1, 1), cy = 3.5f + rng.uniform(-1, 1);
            for (int p = 0; p < 64; ++p) {
                const float dx = float(p % 8) - cx, dy = float(p / 8) - cy;
                const float r2 = odd[std::size_t(i)] ? (dx + dy) * (dx + dy) / 0.5f + (dx - dy) * (dx - dy) / 40.0f
                                                     : (dx * dx + dy * dy) / 2.0f;
                x.sample(i)[p] = std::exp(-r2 / 2) + 0.02f * float(rng.normal());
            }
        }
        TensorDataset data(x, Tensor({n, 1}));
        VaeModel m;
        m.encoder.add("input", "Input", Json{{"shape", {1, 8, 8}}});
        m.encoder.add("flatten", "Flatten", Json::object(), {"input"});
        m.encoder.add("hidden", "Dense", Json{{"units", 16}}, {"flatten"});
        m.encoder.add("relu", "ReLU", Json::object(), {"hidden"});
        m.encoder.add("z_mean", "Dense", Json{{"units", 2}}, {"relu"});
        m.encoder.add("z_log_var", "Dense", Json{{"units", 2}}, {"relu"});
        m.encoder.add("z", "Sampling", Json::object(), {"z_mean", "z_log_var"});
        m.encoder.setOutputs({"z_mean", "z_log_var", "z"});
        m.decoder.add("latent", "Input", Json{{"shape", {2}}});
        m.decoder.add("hidden", "Dense", Json{{"units", 16}}, {"latent"});
        m.decoder.add("relu", "ReLU", Json::object(), {"hidden"});
        m.decoder.add("dense", "Dense", Json{{"units", 64}}, {"relu"});
        m.decoder.add("sigmoid", "Sigmoid", Json::object(), {"dense"});
        m.decoder.add("output", "Reshape", Json{{"target_shape", {1, 8, 8}}}, {"sigmoid"});
        m.build();
        m.encoder.reset(1);
        m.decoder.reset(2);
        auto opt = makeOptimizer("adam", OptimizerOptions{5e-3});
        VaeOptions o;
        o.epochs = 60;
        o.batchSize = 16;
        VaeTrainer(m, *opt, o).fit(data);
        const std::vector<double> s = vaeReconstructionScores(m, data);
        QCOMPARE(int(s.size()), n);
        const double auc = rocAuc(s, odd);
        qInfo("VAE reconstruction ROC AUC %.3f", auc);
        QVERIFY2(auc >= 0.85, std::to_string(auc).c_str());
        const auto ranked = rankByScore(s);
        int top = 0;
        for (int i = 0; i < 8; ++i) top += odd[std::size_t(ranked[std::size_t(i)])];
        QVERIFY(top >= 6);
        // Against a reference set: each image's statistic over the mean of its k nearest
        // reference images' in μ (here the data itself, k = 4).
        const LatentCodes codes = encodeDataset(m, data);
        const std::vector<double> plain = vaeResidualScores(m, data, ResidualStatistic::Matched);
        QCOMPARE(vaeNeighbourNormalisedScores(m, data, data, ResidualStatistic::Matched, 4),
                 neighbourNormalisedScores(plain, codes.mu, codes.mu, plain, 4));
        // Critic scores are minus the critic's output.
        Graph critic;
        critic.add("input", "Input", Json{{"shape", {1, 8, 8}}});
        critic.add("flatten", "Flatten", Json::object(), {"input"});
        critic.add("output", "Dense", Json{{"units", 1}}, {"flatten"});
        critic.build();
        critic.reset(4);
        const std::vector<double> c = criticScores(critic, data);
        const Tensor& out = critic.forward(x, Mode::Inference);
        QCOMPARE(c[7], -double(out[7]));
    }

    void maxRankFractionKnownAnswers() {
        // ranks of {3, 1, 2, 2}: 4, 1, 2.5, 2.5; of {0, 5, 1, 0}: 1.5, 4, 3, 1.5 (n = 4)
        const std::vector<double> m = maxRankFraction({{3, 1, 2, 2}, {0, 5, 1, 0}});
        QCOMPARE(m, (std::vector<double>{1.0, 1.0, 0.75, 0.625}));
        QVERIFY_THROWS_EXCEPTION(deepfield::InputError, maxRankFraction({{1, 2}, {1}}));
        QCOMPARE(residualStatisticFromString("matched"), ResidualStatistic::Matched);
        QCOMPARE(std::string(toString(residualStatisticFromString("combined"))), std::string("combined"));
    }

    void neighbourNormalisationKnownAnswer() {
        // Reference latents 0, 1, 10, 11 (1-D) with scores 1, 3, 10, 30; the image at 0.4 has
        // neighbours 0 and 1 (k = 2, mean 2), the one at 10.6 has 11 and 10 (mean 20).
        Tensor ref({4, 1}), lat({2, 1});
        ref[0] = 0, ref[1] = 1, ref[2] = 10, ref[3] = 11, lat[0] = 0.4f, lat[1] = 10.6f;
        QCOMPARE(neighbourNormalisedScores({4, 4}, lat, ref, {1, 3, 10, 30}, 2), (std::vector<double>{2.0, 0.2}));
        // k beyond the reference: all of it (mean 11).
        QCOMPARE(neighbourNormalisedScores({22}, Tensor({1, 1}), ref, {1, 3, 10, 30}, 99), (std::vector<double>{2.0}));
        QVERIFY_THROWS_EXCEPTION(deepfield::InputError, neighbourNormalisedScores({1, 2}, lat, ref, {1, 3, 10}, 2));
        QVERIFY_THROWS_EXCEPTION(deepfield::InputError, neighbourNormalisedScores({1, 2}, lat, ref, {1, 3, 10, 30}, 0));
        QVERIFY_THROWS_EXCEPTION(deepfield::ShapeError, neighbourNormalisedScores({1, 2}, lat, Tensor({4, 2}), {1, 3, 10, 30}, 2));
    }

    // Two normal populations in a 2-D latent: "irregulars" near (3, 0) whose residual scores are
    // ~5 (the model cannot rebuild their clumps) and "ellipticals" near (−3, 0) with ~1; the
    // oddballs are ellipticals with 2.5× their population's score, still below most irregulars.
    // Ranked plainly the irregulars come first; normalised by the reference neighbours' mean
    // each oddball stands out against its own kind.
    void neighbourNormalisationFindsOddballsOfTheQuietPopulation() {
        const int m = 400, n = 200;
        Rng rng(5);
        auto draw = [&](Tensor& lat, std::vector<double>& score, int count, std::vector<int>* odd) {
            lat = Tensor({count, 2});
            for (int i = 0; i < count; ++i) {
                const bool irregular = i % 2 == 0, oddball = odd && i % 10 == 1;  // oddballs: odd i, ellipticals
                if (odd) odd->push_back(oddball);
                lat.sample(i)[0] = float((irregular ? 3.0 : -3.0) + 0.7 * rng.normal());
                lat.sample(i)[1] = float(0.7 * rng.normal());
                score.push_back((irregular ? 5.0 : 1.0) * (oddball ? 2.5 : 1.0) * std::exp(0.25 * rng.normal()));
            }
        };
        Tensor refLat, lat;
        std::vector<double> refScore, score;
        std::vector<int> odd;
        draw(refLat, refScore, m, nullptr);
        draw(lat, score, n, &odd);
        const double plain = rocAuc(score, odd);
        const double normalised = rocAuc(neighbourNormalisedScores(score, lat, refLat, refScore, 20), odd);
        qInfo("two populations: ROC AUC plain %.3f, neighbour-normalised %.3f", plain, normalised);
        QVERIFY2(plain <= 0.7, std::to_string(plain).c_str());
        QVERIFY2(normalised >= 0.95, std::to_string(normalised).c_str());
        // One reference mean for all (k = the whole reference) is a constant factor: no gain.
        const double global = rocAuc(neighbourNormalisedScores(score, lat, refLat, refScore, m), odd);
        QVERIFY2(std::abs(global - plain) < 1e-12, std::to_string(global).c_str());
    }

    // Residuals (x − fit) of 16×16 galaxies: white noise (σ 1), plus 3 clumps of random strength
    // (0–8 σ) within 2 px of the centre that the model cannot rebuild (as irregulars'), plus, on
    // one image in eight, a faint ring (1.2 σ at radius 6). The clumps' power varies far more than
    // the ring adds, so the summed residual — plain or over its neighbours' mean — misses the
    // rings; per annulus, against what the reference galaxies leave at that radius, the ring stands out.
    void annulusStatisticFindsFaintRingsAroundClumpyGalaxies() {
        const int h = 16, w = 16, m = 300, n = 240;
        Rng rng(7);
        auto draw = [&](int count, bool withRings, std::vector<std::vector<double>>& profiles,
                        std::vector<double>& sums, std::vector<int>& odd, Tensor& latents) {
            latents = Tensor({count, 2});
            for (int i = 0; i < count; ++i) {
                const bool ring = withRings && i % 8 == 3;
                odd.push_back(ring);
                Tensor x({1, h, w}), fit({1, h, w});
                double cx[3], cy[3], amp[3];
                for (int c = 0; c < 3; ++c) {
                    const double r = rng.uniform(0.0, 2.0), t = rng.uniform(0.0, 2 * M_PI);
                    cx[c] = 7.5 + r * std::cos(t), cy[c] = 7.5 + r * std::sin(t), amp[c] = rng.uniform(0.0, 8.0);
                }
                for (int y = 0; y < h; ++y)
                    for (int xx = 0; xx < w; ++xx) {
                        double v = rng.normal();
                        for (int c = 0; c < 3; ++c)
                            v += amp[c] * std::exp(-0.5 * ((xx - cx[c]) * (xx - cx[c]) + (y - cy[c]) * (y - cy[c])));
                        const double d = std::hypot(xx - 7.5, y - 7.5) - 6.0;
                        if (ring) v += 1.2 * std::exp(-0.5 * d * d / 0.64);
                        x[std::size_t(y * w + xx)] = float(v);
                    }
                profiles.push_back(residualAnnulusProfile(x, fit));
                sums.push_back(residualStatistic(x, fit, ResidualStatistic::SummedSquared));
                latents.sample(i)[0] = float(rng.normal()), latents.sample(i)[1] = float(rng.normal());
            }
        };
        std::vector<std::vector<double>> refProfiles, profiles;
        std::vector<double> refSums, sums;
        std::vector<int> unused, odd;
        Tensor refLatents, latents;
        draw(m, false, refProfiles, refSums, unused, refLatents);
        draw(n, true, profiles, sums, odd, latents);
        QCOMPARE(int(profiles[0].size()), 8);
        const double annulus = rocAuc(neighbourAnnulusScores(profiles, latents, refLatents, refProfiles, 20), odd);
        const double sum = rocAuc(neighbourNormalisedScores(sums, latents, refLatents, refSums, 20), odd);
        // Without the reference's profile (every annulus expected at 1): the largest raw annulus power.
        const std::vector<std::vector<double>> flat(std::size_t(m), std::vector<double>(8, 1.0));
        const double raw = rocAuc(neighbourAnnulusScores(profiles, latents, refLatents, flat, 20), odd);
        qInfo("faint rings: ROC AUC annulus %.3f, sum over neighbours %.3f, raw annulus power %.3f", annulus, sum, raw);
        QVERIFY2(annulus >= 0.95, std::to_string(annulus).c_str());
        QVERIFY2(sum <= 0.75, std::to_string(sum).c_str());
        QVERIFY2(raw <= 0.75, std::to_string(raw).c_str());
        QVERIFY_THROWS_EXCEPTION(deepfield::InputError, residualStatistic(Tensor({1, 4, 4}), Tensor({1, 4, 4}), ResidualStatistic::Annulus));
        QVERIFY_THROWS_EXCEPTION(deepfield::ShapeError, residualAnnulusProfile(Tensor({1, 4, 4}), Tensor({1, 4, 5})));
        QCOMPARE(residualStatisticFromString("annulus"), ResidualStatistic::Annulus);
    }

    // The matched statistic against the per-pixel ones, with a perfect fit (fit = the noise-free
    // galaxy): galaxies of very different brightness, whose own Poisson noise (variance ∝ counts)
    // dominates the centre, and faint trails (1.25 σ_sky at their crest, both bands) on one image in ten.
    // Per-pixel statistics rank the noisy bright centres first; the noise model and the PSF-wide
    // smoothing find the trails.
    void matchedStatisticFindsFaintTrails() {
        const int n = 200, c = 2, h = 32, w = 32;
        const double sky = 0.02;
        Rng rng(11);
        std::vector<double> matched, sum, chi2, peak;
        std::vector<int> odd;
        for (int i = 0; i < n; ++i) {
            Tensor fit({c, h, w}), x({c, h, w});
            const double k = std::exp(rng.uniform(std::log(3e-4), std::log(3e-2)));  // inverse peak counts
            const double re = rng.uniform(2.0, 5.0), angle = rng.uniform(0.0, M_PI), offset = rng.uniform(-6.0, 6.0);
            const bool trail = i % 10 == 3;
            odd.push_back(trail);
            for (int ch = 0; ch < c; ++ch)
                for (int y = 0; y < h; ++y)
                    for (int xx = 0; xx < w; ++xx) {
                        const double dx = xx - 15.5, dy = y - 15.5;
                        const double g = (ch ? 1.0 : 0.6) * std::exp(-std::sqrt(dx * dx + dy * dy) / re * 1.7);
                        const double d = -std::sin(angle) * dx + std::cos(angle) * dy - offset;
                        const double t = trail ? 1.25 * sky * std::exp(-0.5 * d * d / 0.64) : 0.0;
                        const std::size_t p = (std::size_t(ch) * h + y) * w + xx;
                        fit[p] = float(g);
                        x[p] = float(g + t + std::sqrt(sky * sky + k * g) * rng.normal());
                    }
            matched.push_back(residualStatistic(x, fit, ResidualStatistic::Matched));
            sum.push_back(residualStatistic(x, fit, ResidualStatistic::SummedSquared));
            chi2.push_back(residualStatistic(x, fit, ResidualStatistic::NoiseWeighted));
            peak.push_back(residualStatistic(x, fit, ResidualStatistic::Peak));
        }
        const double aMatched = rocAuc(matched, odd), aSum = rocAuc(sum, odd), aChi2 = rocAuc(chi2, odd),
                     aPeak = rocAuc(peak, odd);
        qInfo("trails: ROC AUC matched %.3f, sum %.3f, chi2 %.3f, peak %.3f", aMatched, aSum, aChi2, aPeak);
        QVERIFY2(aMatched >= 0.9, std::to_string(aMatched).c_str());
        QVERIFY2(std::max({aSum, aChi2, aPeak}) <= 0.75, std::to_string(std::max({aSum, aChi2, aPeak})).c_str());
        QVERIFY_THROWS_EXCEPTION(deepfield::ShapeError, residualStatistic(Tensor({1, 4, 4}), Tensor({1, 4, 5}), ResidualStatistic::Matched));
    }
};

QTEST_APPLESS_MAIN(TestAnomaly)
#include "tst_anomaly.moc"
