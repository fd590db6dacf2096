// Adversarial training: DCGAN and WGAN loops (step ratio, label smoothing, weight clipping,
// histories, fixed-noise samples, determinism, cancel, divergence) and pix2pix (plain and
// adversarial) on small problems that fail when the mechanism is broken.
#include <QtTest>

#include <cmath>

#include "core/error.h"
#include "generative/gan.h"
#include "generative/loop.h"
#include "gradcheck.h"
#include "train/optimizer.h"

using namespace deepfield;
using namespace deepfield::test;

namespace {
// Blobs on 8×8 in [−1, 1]: a Gaussian of width 1.5 at a jittered centre.
std::shared_ptr<TensorDataset> blobs(int n, std::uint64_t seed) {
    Rng rng(seed);
    Tensor x({n, 1, 8, 8}), y({n, 1});
    for (int i = 0; i < n; ++i) {
        const float cx = 3.5f + rng.uniform(-1, 1), cy = 3.5f + rng.uniform(-1, 1);
        for (int p = 0; p < 64; ++p) {
            const float dx = float(p % 8) - cx, dy = float(p / 8) - cy;
            x.sample(i)[p] = 2.0f * std::exp(-(dx * dx + dy * dy) / (2 * 1.5f * 1.5f)) - 1.0f;
        }
    }
    return std::make_shared<TensorDataset>(x, y);
}

struct DenoisingPairs {
    std::shared_ptr<Dataset> train, test;
};
// Noisy blobs (σ = 0.3) → clean blobs; 160 training pairs, 32 held out.
DenoisingPairs denoisingPairs() {
    auto clean = blobs(192, 7);
    Rng rng(8);
    Tensor noisy = clean->inputs();
    for (std::size_t i = 0; i < noisy.size(); ++i) noisy[i] += 0.3f * float(rng.normal());
    auto pairs = std::make_shared<TensorDataset>(noisy, clean->inputs());
    std::vector<int> tr, te;
    for (int i = 0; i < 192; ++i) (i < 160 ? tr : te).push_back(i);
    return {std::make_shared<SubsetDataset>(pairs, tr), std::make_shared<SubsetDataset>(pairs, te)};
}

// A same-size 3-layer convolutional generator and a patch discriminator on (noisy, clean) pairs,
// always initialised with the same seeds.
struct Pix2PixRun {
    Graph g, d;
    std::unique_ptr<Optimizer> go, dopt;
    std::unique_ptr<Pix2PixTrainer> trainer;
    explicit Pix2PixRun(const Pix2PixOptions& o) {
        g.add("input", "Input", Json{{"shape", {1, 8, 8}}});
        g.add("conv_1", "Conv2D", Json{{"filters", 8}, {"kernel_size", 3}, {"padding", "same"}}, {"input"});
        g.add("relu_1", "ReLU", Json::object(), {"conv_1"});
        g.add("conv_2", "Conv2D", Json{{"filters", 8}, {"kernel_size", 3}, {"padding", "same"}}, {"relu_1"});
        g.add("relu_2", "ReLU", Json::object(), {"conv_2"});
        g.add("output", "Conv2D", Json{{"filters", 1}, {"kernel_size", 3}, {"padding", "same"}}, {"relu_2"});
        g.build();
        g.reset(1);
        d.add("input", "Input", Json{{"shape", {2, 8, 8}}});
        d.add("conv", "Conv2D", Json{{"filters", 8}, {"kernel_size", 3}, {"strides", 2}, {"padding", 1}}, {"input"});
        d.add("leaky", "LeakyReLU", Json{{"alpha", 0.2}}, {"conv"});
        d.add("output", "Conv2D", Json{{"filters", 1}, {"kernel_size", 3}, {"padding", "same"}}, {"leaky"});  // patch logits
        d.build();
        d.reset(2);
        OptimizerOptions oo;
        oo.learningRate = 3e-3;
        oo.beta1 = 0.5;
        go = makeOptimizer("adam", oo);
        dopt = makeOptimizer("adam", oo);
        trainer = std::make_unique<Pix2PixTrainer>(g, o.adversarial ? &d : nullptr, *go,
                                                   o.adversarial ? dopt.get() : nullptr, o);
    }
};

// All trainable parameters of a graph in one flat tensor.
Tensor flatWeights(Graph& g) {
    std::vector<float> v;
    for (const Param& p : g.parameters()) v.insert(v.end(), p.value->data(), p.value->data() + p.value->size());
    Tensor t({int(v.size())});
    std::copy(v.begin(), v.end(), t.data());
    return t;
}

Graph generator(std::uint64_t seed) {
    Graph g;
    g.add("latent", "Input", Json{{"shape", {4}}});
    g.add("dense_1", "Dense", Json{{"units", 32}}, {"latent"});
    g.add("relu", "ReLU", Json::object(), {"dense_1"});
    g.add("dense_2", "Dense", Json{{"units", 64}}, {"relu"});
    g.add("tanh", "Tanh", Json::object(), {"dense_2"});
    g.add("output", "Reshape", Json{{"target_shape", {1, 8, 8}}}, {"tanh"});
    g.build();
    g.reset(seed);
    return g;
}

Graph critic(std::uint64_t seed) {
    Graph d;
    d.add("input", "Input", Json{{"shape", {1, 8, 8}}});
    d.add("flatten", "Flatten", Json::object(), {"input"});
    d.add("dense_1", "Dense", Json{{"units", 32}}, {"flatten"});
    d.add("leaky", "LeakyReLU", Json{{"alpha", 0.2}}, {"dense_1"});
    d.add("output", "Dense", Json{{"units", 1}}, {"leaky"});
    d.build();
    d.reset(seed);
    return d;
}

// Mean image of a batch of generated samples vs the data's: relative L2 distance.
double meanImageError(GanTrainer& t, const Tensor& real) {
    Tensor z = t.noise(512);
    const Tensor& fake = t.generate(z);
    Eigen::VectorXf mf = fake.matrix().colwise().mean().transpose(), mr = real.matrix().colwise().mean().transpose();
    return double((mf - mr).norm() / mr.norm());
}

struct SampleCounter : GanObserver {
    int samples = 0, batches = 0, epochs = 0;
    void onSamples(int, int, const Tensor& images) override {
        ++samples;
        QCOMPARE(images.batch(), 6);
    }
    void onBatchEnd(const BatchStats&) override { ++batches; }
    void onEpochEnd(const EpochStats&) override { ++epochs; }
};

// Every per-step report, to compare with the run's history.
struct StepRecorder : GanObserver {
    std::vector<GanStep> steps;
    void onStep(const GanStep& s) override { steps.push_back(s); }
};

// The per-step reports come in order, one per critic step (batches × epochs), and carry the same
// losses the history keeps; the generator loss only on steps a generator round followed.
void checkSteps(const std::vector<GanStep>& steps, const GanHistory& h, int batchesPerEpoch, int epochs,
                int criticSteps, bool wgan) {
    QCOMPARE(int(steps.size()), batchesPerEpoch * epochs);
    QCOMPARE(steps.size(), h.criticLosses.size());
    std::size_t g = 0;
    for (std::size_t i = 0; i < steps.size(); ++i) {
        const GanStep& s = steps[i];
        QCOMPARE(s.step, int(i) + 1);
        QCOMPARE(s.epoch, int(i) / batchesPerEpoch + 1);
        QCOMPARE(s.batch, int(i) % batchesPerEpoch + 1);
        QCOMPARE(s.batchesPerEpoch, batchesPerEpoch);
        QCOMPARE(s.dLoss, h.criticLosses[i]);
        if (wgan) QCOMPARE(s.wasserstein, h.wassersteinEstimates[i]);
        else QVERIFY(std::isnan(s.wasserstein));
        if ((i + 1) % std::size_t(criticSteps) == 0) {
            QCOMPARE(s.gLoss, h.batchLosses.at(g++));
        } else {
            QVERIFY(std::isnan(s.gLoss));
        }
        QCOMPARE(s.generatorSteps, int(g));
    }
    QCOMPARE(g, h.batchLosses.size());
}
}  // namespace

class TestGan : public QObject {
    Q_OBJECT
private slots:
    void dcganLearnsTheData() {
        auto data = blobs(256, 1);
        Graph g = generator(1), d = critic(2);
        OptimizerOptions oo;
        oo.learningRate = 2e-3;
        oo.beta1 = 0.5;
        auto go = makeOptimizer("adam", oo), dopt = makeOptimizer("adam", oo);
        GanOptions o;
        o.epochs = 40;
        o.batchSize = 32;
        o.labelSmoothing = 0.1f;
        o.sampleCount = 6;
        o.sampleEvery = 40;
        GanTrainer t(g, d, *go, *dopt, o);
        const double before = meanImageError(t, data->inputs());
        struct Both : SampleCounter {
            StepRecorder r;
            void onStep(const GanStep& s) override { r.onStep(s); }
        } c;
        const GanHistory h = t.fit(*data, &c);
        QCOMPARE(h.stopReason, std::string("completed"));
        checkSteps(c.r.steps, h, 8, 40, 1, false);
        const double after = meanImageError(t, data->inputs());
        qInfo("mean-image error %.3f → %.3f", before, after);
        QVERIFY2(after < 0.35 && after < 0.3 * before, (std::to_string(before) + " → " + std::to_string(after)).c_str());
        // 8 batches per epoch, one D and one G step each; a sample every 40 generator steps plus the start.
        QCOMPARE(int(h.batchLosses.size()), 320);
        QCOMPARE(int(h.criticLosses.size()), 320);
        QCOMPARE(c.batches, 320);
        QCOMPARE(c.epochs, 40);
        QCOMPARE(c.samples, 1 + 320 / 40);
        QCOMPARE(int(h.samples.size()), c.samples);
        QCOMPARE(h.samples.back().generatorStep, 320);
        const EpochStats& e = h.epochs.back();
        QVERIFY(e.trainMetrics.count("g_loss") && e.trainMetrics.count("d_real") && e.trainMetrics.count("d_fake"));
        QVERIFY(h.toCsv().find("train_g_loss") != std::string::npos);
    }

    void wganClipsAndCountsCriticSteps() {
        auto data = blobs(256, 3);
        Graph g = generator(3), d = critic(4);
        OptimizerOptions oo;
        oo.learningRate = 5e-3;
        auto go = makeOptimizer("rmsprop", oo), dopt = makeOptimizer("rmsprop", oo);
        GanOptions o;
        o.kind = GanKind::WGAN;
        o.epochs = 40;
        o.batchSize = 32;
        o.criticSteps = 4;
        o.clipValue = 0.05f;
        GanTrainer t(g, d, *go, *dopt, o);
        const double before = meanImageError(t, data->inputs());
        StepRecorder steps;
        const GanHistory h = t.fit(*data, &steps);
        QCOMPARE(h.stopReason, std::string("completed"));
        checkSteps(steps.steps, h, 8, 40, 4, true);
        QCOMPARE(int(h.criticLosses.size()), 320);
        QCOMPARE(int(h.wassersteinEstimates.size()), 320);
        QCOMPARE(int(h.batchLosses.size()), 320 / 4);  // n_critic = 4
        for (const Param& p : d.parameters()) QVERIFY(p.value->vec().cwiseAbs().maxCoeff() <= 0.05f);
        const double after = meanImageError(t, data->inputs());
        qInfo("WGAN mean-image error %.3f → %.3f; Wasserstein estimate %.4f → %.4f", before, after,
              h.epochs.front().trainMetrics.at("wasserstein"), h.epochs.back().trainMetrics.at("wasserstein"));
        QVERIFY2(after < 0.5 * before, (std::to_string(before) + " → " + std::to_string(after)).c_str());
        // The estimate falls as the generator catches up.
        QVERIFY(h.epochs.back().trainMetrics.at("wasserstein") < h.epochs.front().trainMetrics.at("wasserstein"));
        // Weight clipping really happens: without it the critic's weights leave [−c, c].
        Graph g2 = generator(3), d2 = critic(4);
        auto go2 = makeOptimizer("rmsprop", oo), do2 = makeOptimizer("rmsprop", oo);
        o.clipValue = 1e6f;
        o.epochs = 3;
        GanTrainer(g2, d2, *go2, *do2, o).fit(*data);
        float biggest = 0;
        for (const Param& p : d2.parameters()) biggest = std::max(biggest, p.value->vec().cwiseAbs().maxCoeff());
        QVERIFY(biggest > 0.05f);
    }

    void deterministicAndCancel() {
        auto data = blobs(64, 5);
        std::vector<double> losses[2];
        for (int k = 0; k < 2; ++k) {
            Graph g = generator(9), d = critic(10);
            auto go = makeOptimizer("adam", OptimizerOptions{}), dopt = makeOptimizer("adam", OptimizerOptions{});
            GanOptions o;
            o.epochs = 2;
            o.batchSize = 16;
            o.seed = 4;
            losses[k] = GanTrainer(g, d, *go, *dopt, o).fit(*data).batchLosses;
        }
        QCOMPARE(losses[0], losses[1]);
        Graph g = generator(9), d = critic(10);
        auto go = makeOptimizer("adam", OptimizerOptions{}), dopt = makeOptimizer("adam", OptimizerOptions{});
        TrainControl c;
        c.cancel = true;
        QCOMPARE(GanTrainer(g, d, *go, *dopt, GanOptions{}).fit(*data, nullptr, &c).stopReason, std::string("cancelled"));
        // A NaN image: divergence is reported and the weights are those of the start.
        Tensor bad = data->inputs();
        bad[3] = NAN;
        TensorDataset nanData(bad, Tensor({64, 1}));
        const Tensor before = *d.parameters()[0].value;
        const GanHistory h = GanTrainer(g, d, *go, *dopt, GanOptions{}).fit(nanData);
        QVERIFY(h.diverged);
        QCOMPARE(relativeError(*d.parameters()[0].value, before), 0.0);
        // Shapes that do not fit are named.
        Graph small;
        small.add("input", "Input", Json{{"shape", {1, 4, 4}}});
        small.add("flatten", "Flatten", Json::object(), {"input"});
        small.add("output", "Dense", Json{{"units", 1}}, {"flatten"});
        QVERIFY_THROWS_EXCEPTION(ShapeError, GanTrainer(g, small, *go, *dopt, GanOptions{}));
    }

    void pix2pixDenoises_data() {
        QTest::addColumn<bool>("adversarial");
        QTest::newRow("plain") << false;
        QTest::newRow("adversarial") << true;
    }
    void pix2pixDenoises() {
        // Image-to-image: noisy blobs → clean blobs, a 3-layer same-size convolutional generator.
        QFETCH(bool, adversarial);
        const DenoisingPairs p = denoisingPairs();
        Pix2PixOptions o;
        o.epochs = 40;
        o.adversarial = adversarial;
        o.l1Weight = 100.0f;
        Pix2PixRun r(o);
        const History h = r.trainer->fit(*p.train, p.test.get());
        QCOMPARE(h.stopReason, std::string("completed"));
        const auto [out, in] = r.trainer->meanSquaredErrors(*p.test);
        qInfo("held-out MSE: input %.5f, output %.6f", in, out);
        QVERIFY2(out <= 0.5 * in, (std::to_string(out) + " vs " + std::to_string(in)).c_str());
        QCOMPARE(h.epochs.back().valMetrics.at("input_mse"), in);
        QCOMPARE(bool(h.epochs.back().trainMetrics.count("d_loss")), adversarial);
    }

    void pix2pixAdversarialGradientReachesGenerator() {
        // The same steps with and without the adversarial term: with weight w = 0 the generator must
        // end bit-identical to the plain run (D is trained but silent); with w > 0 it must differ, and
        // with λ = 0 (adversarial term alone) it must still move, towards fooling D.
        const DenoisingPairs p = denoisingPairs();
        auto run = [&](bool adversarial, float l1Weight, float advWeight) {
            Pix2PixOptions o;
            o.epochs = 2;
            o.adversarial = adversarial;
            o.l1Weight = l1Weight;
            o.adversarialWeight = advWeight;
            Pix2PixRun r(o);
            const History h = r.trainer->fit(*p.train);
            return std::make_pair(flatWeights(r.g), h);
        };
        const auto plain = run(false, 100.0f, 1.0f);
        const auto silent = run(true, 100.0f, 0.0f);
        const auto adv = run(true, 100.0f, 1.0f);
        const auto advOnly = run(true, 0.0f, 1.0f);
        const Tensor start = [] { Pix2PixRun r(Pix2PixOptions{}); return flatWeights(r.g); }();
        QCOMPARE(relativeError(silent.first, plain.first), 0.0);
        const double dAdv = relativeError(adv.first, plain.first);
        const double dOnly = relativeError(advOnly.first, start);
        qInfo("generator weights vs plain: w=1 %.3g; λ=0 vs start %.3g", dAdv, dOnly);
        QVERIFY2(dAdv > 1e-4, std::to_string(dAdv).c_str());
        QVERIFY2(dOnly > 1e-2, std::to_string(dOnly).c_str());
        // The adversarial loss the generator minimises alone must fall below its first-epoch value.
        QVERIFY(advOnly.second.epochs[1].trainMetrics.at("g_adv") < advOnly.second.epochs[0].trainMetrics.at("g_adv"));
        QCOMPARE(advOnly.second.epochs[0].trainMetrics.count("d_loss"), std::size_t(1));
        Pix2PixOptions bad;
        bad.adversarialWeight = -1;
        QVERIFY_THROWS_EXCEPTION(InputError, Pix2PixRun{bad});
    }
};

QTEST_APPLESS_MAIN(TestGan)
#include "tst_gan.moc"
