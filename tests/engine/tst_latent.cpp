// Latent tools: PCA against a known answer, exact t-SNE separating well-separated clusters,
// logistic-regression separability, and encode / decode / traversal / interpolation shapes.
#include <QtTest>

#include <cmath>

#include "core/error.h"
#include "generative/latent.h"
#include "gradcheck.h"

using namespace deepfield;
using namespace deepfield::test;

namespace {
VaeModel tinyVae() {
    VaeModel m;
    m.encoder.add("input", "Input", Json{{"shape", {1, 4, 4}}});
    m.encoder.add("flatten", "Flatten", Json::object(), {"input"});
    m.encoder.add("z_mean", "Dense", Json{{"units", 3}}, {"flatten"});
    m.encoder.add("z_log_var", "Dense", Json{{"units", 3}}, {"flatten"});
    m.encoder.add("z", "Sampling", Json::object(), {"z_mean", "z_log_var"});
    m.encoder.setOutputs({"z_mean", "z_log_var", "z"});
    m.decoder.add("latent", "Input", Json{{"shape", {3}}});
    m.decoder.add("dense", "Dense", Json{{"units", 16}}, {"latent"});
    m.decoder.add("sigmoid", "Sigmoid", Json::object(), {"dense"});
    m.decoder.add("output", "Reshape", Json{{"target_shape", {1, 4, 4}}}, {"sigmoid"});
    m.build();
    m.encoder.reset(1);
    m.decoder.reset(2);
    return m;
}
}  // namespace

class TestLatent : public QObject {
    Q_OBJECT
private slots:
    void pcaKnownAnswer() {
        // Points on the line (1, 2, 2)/3 · t plus small noise along (2, −2, 1)/3 · s (|s| ≪ |t|):
        // first component ±(1, 2, 2)/3, variances var(t) and var(s).
        const int n = 200;
        Tensor x({n, 3});
        std::vector<double> ts, ss;
        for (int i = 0; i < n; ++i) {
            // Every t with both signs of s: t and s exactly uncorrelated, so the answer is exact.
            const double t = 0.1 * (i / 2 - 49.5), s = (i % 2 ? 0.5 : -0.5);
            ts.push_back(t);
            ss.push_back(s);
            const double v[3] = {(t + 2 * s) / 3 + 1, (2 * t - 2 * s) / 3 - 2, (2 * t + s) / 3 + 0.5};
            for (int j = 0; j < 3; ++j) x.sample(i)[j] = float(v[j]);
        }
        const Pca p = fitPca(x, 2);
        QVERIFY(std::abs(p.components(0, 0) - 1.0 / 3) < 1e-3 && std::abs(p.components(0, 1) - 2.0 / 3) < 1e-3 &&
                std::abs(p.components(0, 2) - 2.0 / 3) < 1e-3);
        QVERIFY(std::abs(std::abs(p.components(1, 0)) - 2.0 / 3) < 1e-3);
        auto var = [](const std::vector<double>& v) {
            double m = 0, s = 0;
            for (double a : v) m += a / double(v.size());
            for (double a : v) s += (a - m) * (a - m);
            return s / double(v.size() - 1);
        };
        QVERIFY(std::abs(p.variance[0] / var(ts) - 1) < 1e-3);
        QVERIFY(std::abs(p.variance[1] / var(ss) - 1) < 1e-3);
        QVERIFY(std::abs(p.mean[1] - (-2.0)) < 1e-4);
        const Tensor y = p.project(x);
        QCOMPARE(y.shape(), (std::vector<int>{n, 2}));
        double m0 = 0;
        for (int i = 0; i < n; ++i) m0 += ts[std::size_t(i)] / n;
        QVERIFY(std::abs(y[0] - float(ts[0] - m0)) < 0.05);
        QVERIFY_THROWS_EXCEPTION(InputError, fitPca(x, 4));
    }

    void tsneSeparatesClusters() {
        // Three tight clusters in 10-D, far apart: in 2-D every point's nearest neighbour is in its cluster
        // and the clusters do not overlap.
        const int per = 40, k = 3, n = per * k;
        Tensor x({n, 10});
        Rng rng(2);
        std::vector<int> label;
        for (int i = 0; i < n; ++i) {
            label.push_back(i / per);
            for (int j = 0; j < 10; ++j) x.sample(i)[j] = float((j == label.back() ? 10.0 : 0.0) + rng.normal());
        }
        TsneOptions o;
        o.iterations = 500;
        o.perplexity = 15;
        o.seed = 3;
        int calls = 0;
        const Tensor y = tsne(x, o, [&](int, int) { ++calls; });
        QCOMPARE(y.shape(), (std::vector<int>{n, 2}));
        QVERIFY(calls > 0);
        QVERIFY(y.vec().allFinite());
        int good = 0;
        for (int i = 0; i < n; ++i) {
            int best = -1;
            float bd = INFINITY;
            for (int j = 0; j < n; ++j) {
                if (j == i) continue;
                const float d = std::hypot(y.sample(i)[0] - y.sample(j)[0], y.sample(i)[1] - y.sample(j)[1]);
                if (d < bd) bd = d, best = j;
            }
            good += label[std::size_t(best)] == label[std::size_t(i)];
        }
        QCOMPARE(good, n);
        // Between-cluster distances of the centroids exceed within-cluster spread several times.
        double c[3][2] = {}, spread = 0;
        for (int i = 0; i < n; ++i)
            for (int d = 0; d < 2; ++d) c[label[std::size_t(i)]][d] += y.sample(i)[d] / per;
        for (int i = 0; i < n; ++i)
            spread += std::hypot(y.sample(i)[0] - c[label[std::size_t(i)]][0], y.sample(i)[1] - c[label[std::size_t(i)]][1]) / n;
        for (int a = 0; a < 3; ++a)
            for (int b = a + 1; b < 3; ++b) QVERIFY(std::hypot(c[a][0] - c[b][0], c[a][1] - c[b][1]) > 3 * spread);
        // Same seed, same map.
        QCOMPARE(relativeError(tsne(x, o), y), 0.0);
    }

    void logisticRegression() {
        Tensor a({200, 2}), b({100, 2});
        std::vector<int> ya, yb;
        Rng rng(5);
        for (int i = 0; i < 300; ++i) {
            const int c = i % 2;
            float* r = i < 200 ? a.sample(i) : b.sample(i - 200);
            r[0] = float(rng.normal() + (c ? 3 : -3));
            r[1] = float(rng.normal() * 5);
            (i < 200 ? ya : yb).push_back(c);
        }
        QVERIFY(logisticRegressionAccuracy(a, ya, b, yb) > 0.97);
        std::vector<int> shuffled = ya;
        std::rotate(shuffled.begin(), shuffled.begin() + 1, shuffled.end());  // labels no longer match
        QVERIFY(logisticRegressionAccuracy(a, shuffled, b, yb) < 0.7);
    }

    void encodeDecodeTraverseInterpolate() {
        VaeModel m = tinyVae();
        Rng rng(6);
        Tensor x = randomTensor({10, 1, 4, 4}, rng, 0, 1);
        TensorDataset data(x, Tensor({10, 1}));
        const LatentCodes c = encodeDataset(m, data, 3);
        QCOMPARE(c.mu.shape(), (std::vector<int>{10, 3}));
        Tensor mu, lv;
        m.encode(x, mu, lv);
        QVERIFY(relativeError(c.mu, mu) < 1e-6);  // other batch sizes: other GEMM blocking
        QCOMPARE(c.sigma[4], std::exp(0.5f * lv[4]));
        const Tensor img = decodeLatent(m, mu);
        QCOMPARE(img.shape(), (std::vector<int>{10, 1, 4, 4}));
        QVERIFY_THROWS_EXCEPTION(ShapeError, decodeLatent(m, Tensor({2, 5})));
        const Tensor grid = traversalGrid(m, 0, 2, 4, 2.0f);
        QCOMPARE(grid.shape(), (std::vector<int>{16, 1, 4, 4}));
        // Grid cell (row 0, column 3) is z = (2, 0, 2).
        Tensor z = Tensor::fromData({1, 3}, {2, 0, 2});
        QCOMPARE(relativeError(Tensor::fromData({1, 1, 4, 4}, std::vector<float>(grid.sample(3), grid.sample(3) + 16)),
                               decodeLatent(m, z)), 0.0);
        Tensor a = Tensor::fromData({1, 1, 4, 4}, std::vector<float>(x.sample(0), x.sample(0) + 16));
        Tensor b = Tensor::fromData({1, 1, 4, 4}, std::vector<float>(x.sample(1), x.sample(1) + 16));
        const Tensor path = interpolate(m, a, b, 5);
        QCOMPARE(path.shape(), (std::vector<int>{5, 1, 4, 4}));
        const Tensor ends = decodeLatent(m, mu);
        QVERIFY(std::abs(path.sample(0)[7] - ends.sample(0)[7]) < 1e-6);
        QVERIFY(std::abs(path.sample(4)[7] - ends.sample(1)[7]) < 1e-6);
        QVERIFY_THROWS_EXCEPTION(InputError, traversalGrid(m, 0, 3, 4));
    }
};

QTEST_APPLESS_MAIN(TestLatent)
#include "tst_latent.moc"
