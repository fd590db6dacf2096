// VAE training: the loss terms, KL annealing, determinism, cancel, divergence, and the
// morphology demonstration in small (a 2-D latent of simulated galaxies separates
// ellipticals from disk galaxies for a logistic regression on μ).
#include <QtTest>

#include "core/error.h"
#include "generative/latent.h"
#include "generative/loop.h"
#include "generative/vae.h"
#include "graph/templates.h"
#include "gradcheck.h"

using namespace deepfield;
using namespace deepfield::test;

namespace {
// Dense VAE for (1, 8, 8) images: 64 → 16 ReLU → μ, log σ² (2) → z → 16 ReLU → 64 sigmoid.
VaeModel denseVae(std::uint64_t seed, float beta = 1.0f) {
    VaeModel m;
    m.encoder.add("input", "Input", Json{{"shape", {1, 8, 8}}});
    m.encoder.add("flatten", "Flatten", Json::object(), {"input"});
    m.encoder.add("hidden", "Dense", Json{{"units", 16}}, {"flatten"});
    m.encoder.add("relu", "ReLU", Json::object(), {"hidden"});
    m.encoder.add("z_mean", "Dense", Json{{"units", 2}}, {"relu"});
    m.encoder.add("z_log_var", "Dense", Json{{"units", 2}}, {"relu"});
    m.encoder.add("z", "Sampling", Json{{"beta", beta}}, {"z_mean", "z_log_var"});
    m.encoder.setOutputs({"z_mean", "z_log_var", "z"});
    m.decoder.add("latent", "Input", Json{{"shape", {2}}});
    m.decoder.add("hidden", "Dense", Json{{"units", 16}}, {"latent"});
    m.decoder.add("relu", "ReLU", Json::object(), {"hidden"});
    m.decoder.add("dense", "Dense", Json{{"units", 64}}, {"relu"});
    m.decoder.add("sigmoid", "Sigmoid", Json::object(), {"dense"});
    m.decoder.add("output", "Reshape", Json{{"target_shape", {1, 8, 8}}}, {"sigmoid"});
    m.build();
    m.encoder.reset(seed);
    m.decoder.reset(seed + 1);
    return m;
}

// Blobs of two sizes on 8×8: a latent direction should carry the size.
std::shared_ptr<TensorDataset> blobs(int n, std::uint64_t seed, float small = 1.0f, float large = 2.5f, float jitter = 1.0f,
                                     bool randomAmplitude = false) {
    Rng rng(seed);
    Tensor x({n, 1, 8, 8}), y({n, 1});
    for (int i = 0; i < n; ++i) {
        const float r = (i % 2) ? small : large;
        const float cx = 3.5f + rng.uniform(-jitter, jitter), cy = 3.5f + rng.uniform(-jitter, jitter);
        for (int p = 0; p < 64; ++p) {
            const float dx = float(p % 8) - cx, dy = float(p / 8) - cy;
            x.sample(i)[p] = std::exp(-(dx * dx + dy * dy) / (2 * r * r));
        }
        // A random brightness, so that the summed light (a linear feature) does not give the size away.
        if (randomAmplitude) x.matrix().row(i) *= rng.uniform(0.3f, 1.0f);
        y[std::size_t(i)] = float(i % 2);
    }
    return std::make_shared<TensorDataset>(x, y);
}

struct Counter : TrainObserver {
    int batches = 0, epochs = 0;
    void onBatchEnd(const BatchStats&) override { ++batches; }
    void onEpochEnd(const EpochStats&) override { ++epochs; }
};
}  // namespace

class TestVae : public QObject {
    Q_OBJECT
private slots:
    void lossTermsAndAnnealing() {
        VaeModel m = denseVae(1, 2.0f);
        auto opt = makeOptimizer("adam", OptimizerOptions{1e-2});
        VaeOptions o;
        o.epochs = 4;
        o.batchSize = 16;
        o.beta = 2.0f;
        o.klWarmupEpochs = 2;
        auto data = blobs(64, 3);
        Counter c;
        VaeTrainer t(m, *opt, o);
        const History h = t.fit(*data, data.get(), &c);
        QCOMPARE(h.stopReason, std::string("completed"));
        QCOMPARE(c.epochs, 4);
        QCOMPARE(c.batches, 16);
        QCOMPARE(int(h.batchLosses.size()), 16);
        for (const EpochStats& e : h.epochs) {
            const double rec = e.trainMetrics.at("reconstruction"), kl = e.trainMetrics.at("kl");
            const double w = e.trainMetrics.at("kl_weight");
            QVERIFY(kl > 0);
            // The reported loss is reconstruction + β·w·KL (w varies per batch: compare loosely for warm-up).
            if (e.epoch > 2) QVERIFY(std::abs(e.trainLoss - (rec + 2.0 * kl)) < 1e-6 * e.trainLoss);
            QVERIFY(std::abs(e.valLoss - (e.valMetrics.at("reconstruction") + 2.0 * e.valMetrics.at("kl"))) < 1e-6 * e.valLoss);
            if (e.epoch == 1) QVERIFY2(w > 0.1 && w < 0.4, std::to_string(w).c_str());  // mean of 0, 1/8, 2/8, 3/8
            if (e.epoch > 2) QCOMPARE(w, 1.0);
        }
        QVERIFY(h.toCsv().find("train_reconstruction") != std::string::npos);
        QVERIFY(h.toCsv().find("val_kl") != std::string::npos);
        // Training helps: the validation reconstruction falls.
        VaeModel fresh = denseVae(1, 2.0f);
        VaeTrainer t0(fresh, *opt, o);
        QVERIFY(t.evaluate(*data)[1] < 0.7 * t0.evaluate(*data)[1]);
    }

    void betaWeighsTheKl() {
        // A large β pulls the codes to the prior: smaller KL than with β = 0.
        auto data = blobs(64, 4);
        double kl[2];
        for (int k = 0; k < 2; ++k) {
            VaeModel m = denseVae(2);
            auto opt = makeOptimizer("adam", OptimizerOptions{0.01});
            VaeOptions o;
            o.epochs = 30;
            o.batchSize = 16;
            o.beta = k == 0 ? 0.0f : 20.0f;
            VaeTrainer(m, *opt, o).fit(*data);
            kl[k] = VaeTrainer(m, *opt, o).evaluate(*data)[2];
        }
        QVERIFY2(kl[1] < 0.2 * kl[0], (std::to_string(kl[0]) + " vs " + std::to_string(kl[1])).c_str());
    }

    void deterministic() {
        auto data = blobs(48, 5);
        std::vector<double> losses[2];
        for (int k = 0; k < 2; ++k) {
            VaeModel m = denseVae(7);
            auto opt = makeOptimizer("adam", OptimizerOptions{});
            VaeOptions o;
            o.epochs = 2;
            o.batchSize = 8;
            o.seed = 3;
            losses[k] = VaeTrainer(m, *opt, o).fit(*data).batchLosses;
        }
        QCOMPARE(losses[0], losses[1]);
    }

    void cancelAndDivergence() {
        auto data = blobs(48, 6);
        VaeModel m = denseVae(8);
        auto opt = makeOptimizer("adam", OptimizerOptions{});
        VaeOptions o;
        o.epochs = 3;
        TrainControl control;
        control.cancel = true;
        QCOMPARE(VaeTrainer(m, *opt, o).fit(*data, nullptr, nullptr, &control).stopReason, std::string("cancelled"));
        // Paused with two granted steps: exactly two batches, then cancel from the observer.
        struct Stopper : TrainObserver {
            TrainControl* c;
            int batches = 0;
            void onBatchEnd(const BatchStats&) override { ++batches; }
            void onWaiting() override { c->cancel = true; }
        } stopper;
        TrainControl paused;
        paused.pause = true;
        paused.stepsAllowed = 2;
        stopper.c = &paused;
        QCOMPARE(VaeTrainer(m, *opt, o).fit(*data, nullptr, &stopper, &paused).stopReason, std::string("cancelled"));
        QCOMPARE(stopper.batches, 2);

        Tensor bad = blobs(16, 1)->inputs();
        bad[5] = NAN;
        TensorDataset nanData(bad, Tensor({16, 1}));
        const Tensor before = *m.encoder.parameters()[0].value;
        const History h = VaeTrainer(m, *opt, o).fit(nanData);
        QVERIFY(h.diverged);
        QVERIFY(h.stopReason.rfind("diverged: ", 0) == 0);
        QCOMPARE(relativeError(*m.encoder.parameters()[0].value, before), 0.0);
    }

    void latentSeparatesSizes() {
        // The measurement behind the morphology demonstration, in small: blobs of two sizes at jittered
        // positions; a logistic regression on the 2-D μ of held-out images tells the sizes apart. (With a
        // random brightness or a large position jitter the two latent axes go to those instead: a 2-D
        // latent keeps the largest variations.)
        auto train = blobs(256, 21, 1.2f, 1.8f, 0.5f), test = blobs(128, 22, 1.2f, 1.8f, 0.5f);
        VaeModel m = denseVae(3);
        auto opt = makeOptimizer("adam", OptimizerOptions{5e-3});
        VaeOptions o;
        o.epochs = 40;
        o.batchSize = 16;
        QCOMPARE(VaeTrainer(m, *opt, o).fit(*train).stopReason, std::string("completed"));
        const LatentCodes ctr = encodeDataset(m, *train), cte = encodeDataset(m, *test);
        auto labels = [](const TensorDataset& d) {
            std::vector<int> y;
            for (int i = 0; i < d.size(); ++i) y.push_back(int(d.targets()[std::size_t(i)]));
            return y;
        };
        const double acc = logisticRegressionAccuracy(ctr.mu, labels(*train), cte.mu, labels(*test));
        qInfo("held-out accuracy on μ: %.3f", acc);
        QVERIFY2(acc >= 0.9, std::to_string(acc).c_str());
    }

    void templateShapes() {
        // vae-latent at 32×32 with base filters 8: the decoder rebuilds the input's shape, sigmoid range.
        GenerativeTemplateOptions to;
        to.imageShape = {1, 32, 32};
        to.baseFilters = 8;
        GraphPair p = makeGenerativeTemplate("vae-latent", to);
        VaeModel m(std::move(p.first), std::move(p.second));
        m.build();
        m.encoder.reset(1);
        m.decoder.reset(2);
        QCOMPARE(m.latentDim(), 2);
        QCOMPARE(m.encoder.shapeOf("flatten"), Shape{32 * 4 * 4});
        const Tensor grid = traversalGrid(m, 0, 1, 3);
        QCOMPARE(grid.shape(), (std::vector<int>{9, 1, 32, 32}));
        QVERIFY(grid.vec().minCoeff() >= 0.0f && grid.vec().maxCoeff() <= 1.0f);
        // The bench architecture at the defaults: 64×64, latent 2.
        GraphPair full = makeGenerativeTemplate("vae-latent");
        full.second.build();
        QCOMPARE(full.second.shapeOf("reshape"), (Shape{128, 8, 8}));
        QCOMPARE(full.second.outputShapes()[0], (Shape{1, 64, 64}));
        GraphPair gan = makeGenerativeTemplate("dcgan");
        gan.first.build();
        gan.second.build();
        QCOMPARE(gan.first.inputShapes()[0], Shape{64});
        QCOMPARE(gan.first.outputShapes()[0], (Shape{1, 64, 64}));
        QCOMPARE(gan.second.outputShapes()[0], Shape{1});
        QVERIFY_THROWS_EXCEPTION(InputError, makeGenerativeTemplate("vae-latent", GenerativeTemplateOptions{{1, 30, 30}}));
    }
};

QTEST_APPLESS_MAIN(TestVae)
#include "tst_vae.moc"
