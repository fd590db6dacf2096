// Attribution methods on constructed networks: saliency against finite differences, targets,
// feature maps and kernels, localisation on a network that only sees one region, activation
// maximisation, progress and cancellation.
#include <QtTest>

#include <chrono>
#include <filesystem>
#include <thread>

#include "explain/activation_max.h"
#include "explain/feature_maps.h"
#include "explain/gradcam.h"
#include "explain/guided.h"
#include "explain/integrated_gradients.h"
#include "explain/occlusion.h"
#include "explain/saliency.h"
#include "gradcheck.h"
#include "graph/safetensors.h"
#include "graph/templates.h"

using namespace deepfield;
using namespace deepfield::test;

namespace {
// Smooth (tanh) classifier: finite differences are exact up to rounding.
Graph smoothClassifier() {
    Graph g;
    g.add("input", "Input", Json{{"shape", {2, 12, 12}}});
    g.add("conv", "Conv2D", Json{{"filters", 4}, {"kernel_size", 3}, {"padding", "same"}}, {"input"});
    g.add("tanh", "Tanh", Json::object(), {"conv"});
    g.add("pool", "AveragePooling2D", Json{{"pool_size", 2}}, {"tanh"});
    g.add("flatten", "Flatten", Json::object(), {"pool"});
    g.add("output", "Dense", Json{{"units", 3}}, {"flatten"});
    g.build();
    g.reset(3);
    return g;
}
// Image-to-image network (per-pixel output).
Graph smoothImageNet() {
    Graph g;
    g.add("input", "Input", Json{{"shape", {1, 10, 10}}});
    g.add("conv1", "Conv2D", Json{{"filters", 3}, {"kernel_size", 3}, {"padding", "same"}}, {"input"});
    g.add("tanh", "Tanh", Json::object(), {"conv1"});
    g.add("conv2", "Conv2D", Json{{"filters", 2}, {"kernel_size", 3}, {"padding", "same"}}, {"tanh"});
    g.build();
    g.reset(5);
    return g;
}

// The output depends only on rows [8, 20), columns [16, 28) of a 32 x 32 image: they are cut out
// and padded back with zeros before anything else sees them. Non-negative weights make it a
// detector of bright light (all evidence positive, as for a trained network's winning class).
constexpr int kY0 = 8, kY1 = 20, kX0 = 16, kX1 = 28;
Graph regionNet() {
    Graph g;
    g.add("input", "Input", Json{{"shape", {1, 32, 32}}});
    const Json margins{Json{kY0, 32 - kY1}, Json{kX0, 32 - kX1}};
    g.add("crop", "Cropping2D", Json{{"cropping", margins}}, {"input"});
    g.add("pad", "ZeroPadding2D", Json{{"padding", margins}}, {"crop"});
    g.add("conv2d", "Conv2D", Json{{"filters", 8}, {"kernel_size", 3}, {"padding", "same"}}, {"pad"});
    g.add("relu", "ReLU", Json::object(), {"conv2d"});
    g.add("pool", "MaxPooling2D", Json{{"pool_size", 2}}, {"relu"});
    g.add("flatten", "Flatten", Json::object(), {"pool"});
    g.add("dense", "Dense", Json{{"units", 16}}, {"flatten"});
    g.add("relu_d", "ReLU", Json::object(), {"dense"});
    g.add("output", "Dense", Json{{"units", 2}}, {"relu_d"});
    g.build();
    g.reset(11);
    for (Param& p : g.parameters()) p.value->vec() = p.value->vec().cwiseAbs();
    return g;
}
Tensor galaxyImage(int C, int H, int W, std::uint64_t seed) {
    Rng rng(seed);
    Tensor x({C, H, W});
    for (int c = 0; c < C; ++c)
        for (int y = 0; y < H; ++y)
            for (int xx = 0; xx < W; ++xx) {
                const double r2 = std::pow(y - 0.45 * H, 2) + std::pow(xx - 0.55 * W, 2);
                x[std::size_t((c * H + y) * W + xx)] =
                    float(2.0 * std::exp(-r2 / (0.05 * H * W)) + 0.2 * rng.normal());
            }
    return x;
}
// Share of Σ|map| inside rows [y0, y1), columns [x0, x1) (every channel).
double shareInside(const Tensor& map, int y0, int y1, int x0, int x1) {
    const int C = map.dim(0), H = map.dim(1), W = map.dim(2);
    double in = 0, all = 0;
    for (int c = 0; c < C; ++c)
        for (int y = 0; y < H; ++y)
            for (int x = 0; x < W; ++x) {
                const double v = std::abs(map[std::size_t((c * H + y) * W + x)]);
                all += v;
                if (y >= y0 && y < y1 && x >= x0 && x < x1) in += v;
            }
    return all > 0 ? in / all : 0.0;
}
TemplateOptions smallTemplate() {
    TemplateOptions o;
    o.inputShape = {1, 32, 32};
    o.outputs = 3;
    return o;
}
// Small enough that no layer opens an OpenMP region for one sample (those stall on a busy machine).
Graph smallCnn(std::uint64_t seed) {
    Graph g;
    g.add("input", "Input", Json{{"shape", {1, 24, 24}}});
    g.add("conv2d_1", "Conv2D", Json{{"filters", 8}, {"kernel_size", 3}, {"padding", "same"}}, {"input"});
    g.add("relu_1", "ReLU", Json::object(), {"conv2d_1"});
    g.add("pool_1", "MaxPooling2D", Json{{"pool_size", 2}}, {"relu_1"});
    g.add("conv2d_2", "Conv2D", Json{{"filters", 16}, {"kernel_size", 3}, {"padding", "same"}}, {"pool_1"});
    g.add("relu_2", "ReLU", Json::object(), {"conv2d_2"});
    g.add("pool_2", "MaxPooling2D", Json{{"pool_size", 2}}, {"relu_2"});
    g.add("flatten", "Flatten", Json::object(), {"pool_2"});
    g.add("dense_1", "Dense", Json{{"units", 32}}, {"flatten"});
    g.add("relu_3", "ReLU", Json::object(), {"dense_1"});
    g.add("output", "Dense", Json{{"units", 3}}, {"relu_3"});
    g.build();
    g.reset(seed);
    return g;
}
float targetOf(Graph& g, const Tensor& x, const ResolvedTarget& t) {
    std::vector<float> v;
    targetValues(g, asBatch(x), t, v);
    return v[0];
}
}  // namespace

class TestExplainMethods : public QObject {
    Q_OBJECT
private slots:
    void saliencyEqualsFiniteDifferences_data() {
        QTest::addColumn<QString>("target");
        QTest::addColumn<bool>("probability");
        QTest::addColumn<bool>("imageNet");
        QTest::newRow("predicted logit") << "predicted" << false << false;
        QTest::newRow("class 2 probability") << "2" << true << false;
        QTest::newRow("pixel of image output") << "pixel:1,4,6" << false << true;
        QTest::newRow("region of image output") << "region:0,2,3,7,9" << false << true;
    }
    void saliencyEqualsFiniteDifferences() {
        QFETCH(QString, target);
        QFETCH(bool, probability);
        QFETCH(bool, imageNet);
        Graph g = imageNet ? smoothImageNet() : smoothClassifier();
        const Shape in = g.inputShapes()[0];
        const Tensor x = galaxyImage(in[0], in[1], in[2], 7);
        const Target tg = Target::parse(target.toStdString(), probability);
        const AttributionMap m = saliency(g, x, tg);
        QCOMPARE(m.map.shape(), x.shape());
        const ResolvedTarget t = ResolvedTarget::resolve(g, x, tg);
        QCOMPARE(double(targetOf(g, x, t)), m.targetValue);
        // Central differences of f in double-checked float: eps large enough for float rounding.
        const float eps = 1e-2f;
        Tensor fd(x.shape());
        for (std::size_t i = 0; i < x.size(); ++i) {
            Tensor xp = x, xm = x;
            xp[i] += eps;
            xm[i] -= eps;
            fd[i] = (targetOf(g, xp, t) - targetOf(g, xm, t)) / (2 * eps);
        }
        const double err = relativeError(m.map, fd);
        QVERIFY2(err < 2e-3, qPrintable(QString("saliency vs finite differences: %1").arg(err)));
        QVERIFY(m.map.vec().norm() > 0);
        // Gradient x input is the product.
        const AttributionMap gx = saliency(g, x, tg, SaliencyKind::GradientTimesInput);
        QVERIFY(relativeError(gx.map, Tensor(x.shape())) > 0);
        Tensor prod = x;
        prod.vec().array() *= m.map.vec().array();
        QCOMPARE(relativeError(gx.map, prod), 0.0);
    }

    void targetsAreChecked_data() {
        QTest::addColumn<QString>("target");
        QTest::addColumn<bool>("imageNet");
        QTest::addColumn<QString>("message");
        QTest::newRow("class too large") << "3" << false << "target class/output 3 does not exist; the network has 3 outputs (0..2)";
        QTest::newRow("pixel on a classifier") << "pixel:0,1,1" << false << "choose a class or output number";
        QTest::newRow("class on an image output") << "1" << true << "choose a pixel or a region";
        QTest::newRow("pixel outside") << "pixel:0,10,3" << true << "outside the output of 10 x 10";
        QTest::newRow("channel") << "region:2,0,0,2,2" << true << "target channel 2 does not exist";
        QTest::newRow("words") << "region:a,b" << false << "'a' is not an integer";
        QTest::newRow("negative") << "-1" << false << "is not understood";
    }
    void targetsAreChecked() {
        QFETCH(QString, target);
        QFETCH(bool, imageNet);
        QFETCH(QString, message);
        Graph g = imageNet ? smoothImageNet() : smoothClassifier();
        const Shape in = g.inputShapes()[0];
        const Tensor x = galaxyImage(in[0], in[1], in[2], 7);
        try {
            ResolvedTarget::resolve(g, x, Target::parse(target.toStdString()));
            QFAIL("no error");
        } catch (const InputError& e) {
            QVERIFY2(QString(e.what()).contains(message), e.what());
        }
        // A sample of the wrong shape is named.
        try {
            saliency(g, Tensor({1, 3, 3}), Target::predicted());
            QFAIL("no error");
        } catch (const InputError& e) {
            QVERIFY2(QString(e.what()).contains("got (1, 3, 3)"), e.what());
        }
    }

    void featureMapsAndKernels() {
        Graph g = makeTemplate("cnn-morphology", smallTemplate());
        g.build();
        g.reset(21);
        QCOMPARE(convolutionLayers(g), (std::vector<std::string>{"conv2d_1", "conv2d_2", "conv2d_3"}));
        const std::vector<std::string> spatial = featureMapLayers(g);
        QVERIFY(std::find(spatial.begin(), spatial.end(), "relu_2") != spatial.end());
        QVERIFY(std::find(spatial.begin(), spatial.end(), "flatten") == spatial.end());
        const Tensor x = galaxyImage(1, 32, 32, 3);
        const std::vector<Tensor> maps = featureMaps(g, x, std::vector<std::string>{"conv2d_1", "relu_2", "output"});
        QCOMPARE(maps[0].shape(), (Shape{16, 32, 32}));
        QCOMPARE(maps[1].shape(), (Shape{32, 16, 16}));
        QCOMPARE(maps[2].shape(), (Shape{3}));
        // The same numbers as the engine's own forward pass of a batch holding this image.
        Tensor batch = asBatch(galaxyImage(1, 32, 32, 9), 3);
        std::copy(x.data(), x.data() + x.size(), batch.sample(1));
        g.forward(batch, Mode::Inference);
        const Tensor& a = g.activation("relu_2");
        const Tensor sample1 = Tensor::fromData(maps[1].shape(), std::vector<float>(a.sample(1), a.sample(2)));
        QCOMPARE(relativeError(maps[1], sample1), 0.0);
        QCOMPARE(relativeError(featureMaps(g, x, "conv2d_1"), maps[0]), 0.0);
        const std::vector<float> means = channelMeans(maps[1]);
        QCOMPARE(int(means.size()), 32);
        QCOMPARE(means[5], float(ConstVectorMap(maps[1].data() + 5 * 256, 256).cast<double>().mean()));

        // Kernels equal the weights saved to disk.
        const std::string path = (std::filesystem::temp_directory_path() / "tst_explain_kernels.safetensors").string();
        g.saveWeights(path);
        const TensorFile saved = readSafetensors(path);
        std::filesystem::remove(path);
        for (const std::string& l : convolutionLayers(g)) {
            const Tensor k = convolutionKernels(g, l);
            QCOMPARE(k.shape(), saved.tensors.at(l + "/kernel").shape());
            QCOMPARE(relativeError(k, saved.tensors.at(l + "/kernel")), 0.0);
        }
        QCOMPARE(convolutionKernels(g, "conv2d_2").shape(), (Shape{32, 16, 3, 3}));
        try {
            convolutionKernels(g, "dense_1");
            QFAIL("no error");
        } catch (const InputError& e) {
            QVERIFY2(QString(e.what()).contains("'dense_1' is a Dense, not a convolution"), e.what());
        }
    }

    void weightStaysInTheRegion_data() {
        QTest::addColumn<QString>("method");
        QTest::addColumn<int>("margin");    // pixels around the region the method may reach
        QTest::addColumn<double>("inside");  // least share of Σ|map| in the region itself
        QTest::newRow("saliency") << "saliency" << 0 << 1.0;
        QTest::newRow("integrated gradients") << "ig" << 0 << 1.0;
        QTest::newRow("smoothgrad") << "smoothgrad" << 0 << 1.0;
        QTest::newRow("guided backprop") << "guided" << 0 << 1.0;
        QTest::newRow("grad-cam") << "gradcam" << 1 << 0.8;  // 3 x 3 convolution of the zero padding
        QTest::newRow("occlusion") << "occlusion" << 3 << 0.7;  // 4 x 4 windows overlapping the edge
    }
    void weightStaysInTheRegion() {
        QFETCH(QString, method);
        QFETCH(int, margin);
        QFETCH(double, inside);
        Graph g = regionNet();
        const Tensor x = galaxyImage(1, 32, 32, 5);
        AttributionMap m;
        if (method == "saliency") m = saliency(g, x, Target::predicted());
        if (method == "ig") m = integratedGradients(g, x, Target::predicted());
        if (method == "smoothgrad") m = smoothGrad(g, x, Target::predicted());
        if (method == "guided") m = guidedBackprop(g, x, Target::predicted());
        if (method == "gradcam") m = gradCam(g, x, Target::predicted(), GradCamOptions{"relu", true});
        if (method == "occlusion") m = occlusion(g, x, Target::predicted(), OcclusionOptions{4, 2, 0.0f, 64});
        QVERIFY(m.map.vec().cwiseAbs().sum() > 0);
        // Occlusion differences of windows off the region are rounding noise of batched products.
        const double reach = shareInside(m.map, kY0 - margin, kY1 + margin, kX0 - margin, kX1 + margin);
        QVERIFY2(reach >= 1.0 - 1e-5, qPrintable(QString("share within the reach %1").arg(reach)));
        const double share = shareInside(m.map, kY0, kY1, kX0, kX1);
        qInfo("%s: share in the region %.4f", qPrintable(method), share);
        QVERIFY2(share >= inside, qPrintable(QString("share inside the region %1").arg(share)));
        if (margin > 0) QVERIFY(share < 1.0);  // the margin is needed, so the check can fail
    }

    void gradCamDefaultLayer() {
        Graph g = makeTemplate("cnn-morphology-3band");
        g.build();
        QCOMPARE(defaultGradCamLayer(g), std::string("relu_3"));  // conv2d_3 → batch_normalization_3 → relu_3
        Graph r = regionNet();
        QCOMPARE(defaultGradCamLayer(r), std::string("relu"));
        try {
            gradCam(r, galaxyImage(1, 32, 32, 1), Target::predicted(), GradCamOptions{"dense", true});
            QFAIL("no error");
        } catch (const InputError& e) {
            QVERIFY2(QString(e.what()).contains("layer 'dense' has output shape (16)"), e.what());
        }
    }

    void baselines() {
        const Tensor x = galaxyImage(2, 16, 16, 4);
        IntegratedGradientsOptions o;
        o.baseline = BaselineKind::Sky;
        o.borderWidth = 1;
        const Tensor sky = makeBaseline(x, o);
        std::vector<float> border;  // channel 1: 60 border pixels, median = mean of the middle two
        for (int y = 0; y < 16; ++y)
            for (int xx = 0; xx < 16; ++xx)
                if (y == 0 || y == 15 || xx == 0 || xx == 15) border.push_back(x[std::size_t((16 + y) * 16 + xx)]);
        std::sort(border.begin(), border.end());
        QCOMPARE(int(border.size()), 60);
        QCOMPARE(sky[256 + 37], 0.5f * (border[29] + border[30]));
        o.baseline = BaselineKind::Noise;
        const Tensor noise = makeBaseline(x, o);
        const ConstVectorMap ch0(x.data(), 256), n0(noise.data(), 256);
        QVERIFY(n0.minCoeff() >= ch0.minCoeff() && n0.maxCoeff() <= ch0.maxCoeff());
        QVERIFY(n0.maxCoeff() - n0.minCoeff() > 0.8f * (ch0.maxCoeff() - ch0.minCoeff()));
        QCOMPARE(relativeError(makeBaseline(x, o), noise), 0.0);  // seeded
        o.baseline = BaselineKind::Blur;
        o.blurSigma = 3;
        const Tensor blur = makeBaseline(x, o);
        // A blur keeps the mean away from the edges and removes the noise.
        QVERIFY(std::abs(blur.vec().mean() - x.vec().mean()) < 0.05f);
        Tensor d = blur;
        d.vec() -= x.vec();
        QVERIFY(d.vec().norm() > 0.1f * x.vec().norm());
        QCOMPARE(baselineKindFromString("sky"), BaselineKind::Sky);
        QVERIFY_THROWS_EXCEPTION(InputError, baselineKindFromString("grey"));
    }

    void activationMaximisationClimbs_data() {
        QTest::addColumn<QString>("layer");
        QTest::addColumn<int>("index");
        QTest::newRow("filter of relu_2") << "relu_2" << 0;
        QTest::newRow("class 1") << "" << 1;
    }
    void activationMaximisationClimbs() {
        QFETCH(QString, layer);
        QFETCH(int, index);
        Graph g = smallCnn(8);
        const Json before = g.toJson();
        ActivationMaxOptions o;
        o.steps = 60;
        o.reportEvery = 20;
        std::vector<int> reported;
        const ActivationMaxResult r = maximiseActivation(
            g, ActivationMaxObjective{layer.toStdString(), index}, o,
            [&](int step, int steps, float, const Tensor& image) {
                QCOMPARE(steps, 60);
                QCOMPARE(image.shape(), (Shape{1, 24, 24}));
                reported.push_back(step);
            });
        QCOMPARE(reported, (std::vector<int>{20, 40, 60}));
        QCOMPARE(int(r.objective.size()), 61);
        const float first = r.objective.front(), last = r.objective.back();
        const float spread = std::max(std::abs(first), 1e-3f);
        QVERIFY2(last > first + 2 * spread, qPrintable(QString("objective %1 -> %2").arg(first).arg(last)));
        // Mostly climbing: later quarters above earlier ones.
        const auto quarter = [&](int q) {
            double s = 0;
            for (int i = q * 15; i < (q + 1) * 15; ++i) s += r.objective[std::size_t(i)];
            return s;
        };
        QVERIFY(quarter(1) > quarter(0) && quarter(2) > quarter(1) && quarter(3) > quarter(2));
        QCOMPARE(g.outputNames(), (std::vector<std::string>{"output"}));  // the caller's graph is untouched
        QCOMPARE(g.toJson(), before);
    }

    void cancelStopsPromptly() {
        Graph g = smallCnn(2);
        const Tensor x = galaxyImage(1, 24, 24, 1);
        std::atomic<bool> cancel{false};
        std::vector<int> done;
        TaskControl control;
        control.cancel = &cancel;
        control.progress = [&](int d, int total) {
            QCOMPARE(total, 40000);
            done.push_back(d);
        };
        IntegratedGradientsOptions o;
        o.steps = 2000000;  // minutes of work
        o.batchSize = 50;
        using Clock = std::chrono::steady_clock;
        Clock::time_point cancelledAt;
        std::thread stopper([&] {
            std::this_thread::sleep_for(std::chrono::milliseconds(300));
            cancelledAt = Clock::now();
            cancel = true;
        });
        bool threw = false;
        try {
            integratedGradients(g, x, Target::predicted(), o, control);
        } catch (const Cancelled& e) {
            threw = true;
            QVERIFY2(QString(e.what()).contains("integrated gradients cancelled"), e.what());
        }
        const auto stoppedAt = Clock::now();
        stopper.join();
        QVERIFY(threw);
        const double ms = std::chrono::duration<double, std::milli>(stoppedAt - cancelledAt).count();
        QVERIFY2(ms < 500, qPrintable(QString("stopped %1 ms after cancel").arg(ms)));
        QVERIFY(!done.empty() && done.size() < 40000);
        for (std::size_t i = 0; i < done.size(); ++i) QCOMPARE(done[i], int(i) + 1);

        // Every method checks the flag before it starts its work.
        Graph r = regionNet();
        const Tensor rx = galaxyImage(1, 32, 32, 2);
        QVERIFY_THROWS_EXCEPTION(Cancelled, occlusion(r, rx, Target::predicted(), {}, control));
        QVERIFY_THROWS_EXCEPTION(Cancelled, smoothGrad(r, rx, Target::predicted(), {}, control));
        QVERIFY_THROWS_EXCEPTION(Cancelled, saliency(r, rx, Target::predicted(), SaliencyKind::Gradient, control));
        QVERIFY_THROWS_EXCEPTION(Cancelled, gradCam(r, rx, Target::predicted(), {}, control));
        QVERIFY_THROWS_EXCEPTION(Cancelled, deconvnet(r, rx, Target::predicted(), control));
        QVERIFY_THROWS_EXCEPTION(Cancelled, maximiseActivation(r, {}, {}, {}, control));
    }

    void occlusionProgressAndParameters() {
        Graph r = regionNet();
        const Tensor x = galaxyImage(1, 32, 32, 2);
        int calls = 0, last = 0, total = 0;
        TaskControl control;
        control.progress = [&](int d, int t) {
            ++calls;
            last = d;
            total = t;
        };
        // 32 px, window 8, stride 5: positions 0,5,...,20 and the flush 24 → 6 x 6 = 36 windows.
        const AttributionMap m = occlusion(r, x, Target::classIndex(1), OcclusionOptions{8, 5, -1.0f, 10}, control);
        QCOMPARE(total, 4);
        QCOMPARE(calls, 4);
        QCOMPARE(last, 4);
        QCOMPARE(m.map.shape(), (Shape{1, 32, 32}));
        QCOMPARE(m.parameters.at(0), (std::pair<std::string, std::string>{"window", "8"}));
        QCOMPARE(m.parameters.at(2), (std::pair<std::string, std::string>{"fill", "-1"}));
        QCOMPARE(m.target, std::string("output 1 value"));
        // Far corner: covered (by the flush window), no effect beyond rounding.
        QVERIFY(std::abs(m.map[31 * 32 + 31]) < 1e-5f * m.map.vec().cwiseAbs().maxCoeff());
    }
};

QTEST_APPLESS_MAIN(TestExplainMethods)
#include "tst_explain_methods.moc"
