// Image-to-image networks on simulated galaxies (issue #5): the unet-clumps and autoencoder
// templates, and four trained demonstrations on held-out images —
//   clumps        U-Net segmentation, Dice of the thresholded masks
//   bulge-disk    U-Net regression of bulge and disk images, Pearson r of predicted vs true B/T
//   blends        the central galaxy alone: MSE(output, truth) vs MSE(input, truth)
//   deconvolution the sharp image: the same comparison
// The suite runs a reduced version (the central 32×32 of 64×64 stamps, one band (clumps: g,r,i), a U-Net of depth 2
// and 8 base filters, 256 galaxies, 8 epochs) with lower bars for clumps (Dice 0.72) and B/T (r 0.75)
// that a broken layer, loss or target still misses by far; MSE must be halved in both versions.
// DEEPFIELD_FULL_RUN=1 runs the full-size version (64×64, bench U-Net) reported in the notes.
#include <QtTest>

#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "core/error.h"
#include "data/preprocess.h"
#include "data/simulator.h"
#include "graph/templates.h"
#include "train/metrics.h"
#include "train/optimizer.h"
#include "train/segmentation.h"
#include "train/trainer.h"

using namespace deepfield;

namespace {
bool fullRun() { return std::getenv("DEEPFIELD_FULL_RUN") && std::string(std::getenv("DEEPFIELD_FULL_RUN")) == "1"; }

// Galaxies are simulated on `size` pixels (clump and PSF sizes scale with the stamp) and the
// central `crop` pixels kept (0: all), so the reduced run sees full-resolution clumps.
struct Scale {
    int size, crop, train, test, epochs, depth, base;
};
// DEEPFIELD_I2I_SCALE="size,crop,train,test,epochs,depth,base" overrides both presets (experiments).
Scale scale() {
    Scale s = fullRun() ? Scale{64, 0, 1200, 300, 10, 3, 16} : Scale{64, 32, 256, 64, 8, 2, 8};
    if (const char* e = std::getenv("DEEPFIELD_I2I_SCALE"))
        std::sscanf(e, "%d,%d,%d,%d,%d,%d,%d", &s.size, &s.crop, &s.train, &s.test, &s.epochs, &s.depth, &s.base);
    return s;
}

// Inputs and targets of simulated galaxies [first, first + count): one band (r). Segmentation
// inputs are standardised per image; regression pairs share one per-image scale.
struct Pairs {
    Tensor x, y;
};
Pairs simulate(SimKind kind, int first, int count) {
    SimOptions o;
    o.kind = kind;
    o.size = scale().size;
    // Clumps in g, r, i as in docs/demonstrations.md (clumps are blue: g/i 2.0 against 0.73 for the
    // disk); the regression sets in r.
    o.bands = kind == SimKind::Clumps ? std::vector<std::string>{"g", "r", "i"} : std::vector<std::string>{"r"};
    o.seed = 42;
    const auto set = simulateGalaxies(o, first, count);
    Pairs p;
    for (int i = 0; i < count; ++i) {
        const SimulatedGalaxy& g = set[std::size_t(i)];
        const int crop = scale().crop;
        Tensor x = crop ? centerCrop(g.image, crop) : g.image, y;
        auto target = [&](const std::string& name) {
            for (const auto& [n, t] : g.targets)
                if (n == name) return crop ? centerCrop(t, crop) : t;
            throw Error("simulator gave no target " + name);
        };
        if (kind == SimKind::Clumps) {
            PreprocessSpec spec;
            spec.normalise = Normalisation::PerImage;
            x = preprocess(x, spec);
            y = target("mask");
        } else {
            if (kind == SimKind::BulgeDisk) {
                const Tensor b = target("bulge"), d = target("disk");
                y = Tensor({b.dim(0) * 2, b.dim(1), b.dim(2)});
                std::copy_n(b.data(), b.size(), y.data());
                std::copy_n(d.data(), d.size(), y.data() + b.size());
            } else {
                y = target(kind == SimKind::Blends ? "central" : "sharp");
            }
            scaleImagePair(x, &y);
        }
        if (i == 0) {
            p.x = Tensor::withBatch(count, x.shape());
            p.y = Tensor::withBatch(count, y.shape());
        }
        std::copy_n(x.data(), x.size(), p.x.sample(i));
        std::copy_n(y.data(), y.size(), p.y.sample(i));
    }
    return p;
}

// Trains a U-Net (sigmoid for masks, linear otherwise) and returns its predictions on `test`.
Tensor trainAndPredict(const Pairs& train, const Pairs& test, const std::string& loss, bool sigmoid, double lr) {
    TemplateOptions t;
    t.inputShape = train.x.sampleShape();
    t.outputs = train.y.dim(1);
    t.depth = scale().depth;
    t.baseFilters = scale().base;
    t.finalActivation = sigmoid ? "sigmoid" : "linear";
    Graph g = makeTemplate("unet-clumps", t);
    g.build();
    g.reset(7);
    const auto l = makeLoss(loss);
    OptimizerOptions oo;
    oo.learningRate = lr;
    const auto opt = makeOptimizer("adam", oo);
    TrainOptions to;
    to.epochs = scale().epochs;
    to.batchSize = 16;
    to.seed = 3;
    Trainer trainer(g, *l, *opt, to);
    const TensorDataset data(train.x, train.y);
    const History h = trainer.fit(data);
    if (h.diverged) throw Error(h.stopReason);
    qInfo("%s: first epoch loss %.4f, last %.4f", loss.c_str(), h.epochs.front().trainLoss, h.epochs.back().trainLoss);
    return trainer.evaluate(TensorDataset(test.x, test.y)).predictions;
}

double mse(const Tensor& a, const Tensor& b) {
    double s = 0;
    for (std::size_t i = 0; i < a.size(); ++i) s += double(a[i] - b[i]) * (a[i] - b[i]);
    return s / double(a.size());
}
}  // namespace

class TestImageToImage : public QObject {
    Q_OBJECT
private slots:
    // The bench U-Net exactly: 481,745 parameters, as PyTorch counts bench/torch_ref.py's UNet.
    void unetIsTheBenchNetwork() {
        Graph g = makeTemplate("unet-clumps");
        g.build();
        QCOMPARE(g.inputShapes()[0], (Shape{1, 64, 64}));
        QCOMPARE(g.outputShapes()[0], (Shape{1, 64, 64}));
        QCOMPARE(qlonglong(g.parameterCount()), qlonglong(481745));
        QCOMPARE(g.shapeOf("bottleneck_conv2"), (Shape{128, 8, 8}));
        QCOMPARE(g.shapeOf("dec3_concat"), (Shape{128, 16, 16}));
        QCOMPARE(g.node("dec1_concat").inputs, (std::vector<std::string>{"dec1_up", "enc1_conv2_relu"}));
        QCOMPARE(g.node("output").type, std::string("Sigmoid"));
        g.reset(1);
        const Tensor& y = g.forward(Tensor({2, 1, 64, 64}, 0.3f), Mode::Inference);
        for (std::size_t i = 0; i < y.size(); ++i) QVERIFY(y[i] > 0 && y[i] < 1);
    }

    void templatesAreAdjustable_data() {
        QTest::addColumn<QString>("name");
        QTest::addColumn<int>("depth");
        QTest::addColumn<int>("base");
        QTest::addColumn<int>("outputs");
        QTest::addColumn<QList<int>>("input");
        QTest::addColumn<QList<int>>("output");
        QTest::addColumn<QString>("bottleneck");  // node and its shape
        QTest::addColumn<QList<int>>("bottleneckShape");
        QTest::newRow("unet depth 2 base 8") << "unet-clumps" << 2 << 8 << 0 << QList<int>{1, 32, 32}
                                            << QList<int>{1, 32, 32} << "bottleneck_conv2" << QList<int>{32, 8, 8};
        QTest::newRow("unet 3 bands → 6") << "unet-clumps" << 1 << 4 << 6 << QList<int>{3, 16, 24}
                                         << QList<int>{6, 16, 24} << "bottleneck_conv1" << QList<int>{8, 8, 12};
        QTest::newRow("autoencoder default") << "autoencoder" << 0 << 0 << 0 << QList<int>{3, 64, 64}
                                             << QList<int>{3, 64, 64} << "bottleneck_conv1" << QList<int>{128, 8, 8};
        QTest::newRow("autoencoder depth 4") << "autoencoder" << 4 << 4 << 1 << QList<int>{2, 32, 16}
                                             << QList<int>{1, 32, 16} << "bottleneck_conv1" << QList<int>{64, 2, 1};
    }
    void templatesAreAdjustable() {
        QFETCH(QString, name);
        QFETCH(int, depth);
        QFETCH(int, base);
        QFETCH(int, outputs);
        QFETCH(QList<int>, input);
        QFETCH(QList<int>, output);
        QFETCH(QString, bottleneck);
        QFETCH(QList<int>, bottleneckShape);
        TemplateOptions o;
        o.inputShape.assign(input.begin(), input.end());
        o.depth = depth;
        o.baseFilters = base;
        o.outputs = outputs;
        Graph g = makeTemplate(name.toStdString(), o);
        g.build();
        QCOMPARE(g.outputShapes()[0], Shape(output.begin(), output.end()));
        QCOMPARE(g.shapeOf(bottleneck.toStdString()), Shape(bottleneckShape.begin(), bottleneckShape.end()));
        // No skip connections in the autoencoder: no Concatenate anywhere.
        bool concat = false;
        const Json j = g.toJson();
        for (const auto& n : j["layers"]) concat |= n["type"] == "Concatenate";
        QCOMPARE(concat, name == "unet-clumps");
        // A round trip through JSON keeps the architecture.
        QCOMPARE(Graph::fromJson(g.toJson()).toJson().dump(), g.toJson().dump());
    }

    void templatesRejectBadSizes() {
        QString what;
        try {
            TemplateOptions o;
            o.inputShape = {1, 36, 36};
            makeTemplate("unet-clumps", o);
        } catch (const InputError& e) {
            what = e.what();
        }
        QVERIFY2(what.contains("multiples of 8") && what.contains("depth"), qPrintable(what));
        what.clear();
        try {
            TemplateOptions o;
            o.finalActivation = "softmax";
            makeTemplate("autoencoder", o);
        } catch (const InputError& e) {
            what = e.what();
        }
        QVERIFY2(what.contains("final activation"), qPrintable(what));
        QVERIFY(isImageTemplate("autoencoder") && !isImageTemplate("cnn-morphology"));
    }

    // clumps: held-out Dice ≥ 0.8 (the untrained network, or one whose decoder is broken, stays far below).
    void unetSegmentsClumps() {
        const Scale s = scale();
        const Pairs train = simulate(SimKind::Clumps, 0, s.train), test = simulate(SimKind::Clumps, 100000, s.test);
        double foreground = 0;
        for (std::size_t i = 0; i < test.y.size(); ++i) foreground += test.y[i];
        foreground /= double(test.y.size());
        QVERIFY2(foreground > 0.01 && foreground < 0.3, qPrintable(QString::number(foreground)));
        const char* lossName = std::getenv("DEEPFIELD_I2I_LOSS");  // experiments: dice or binary_crossentropy
        const Tensor pred = trainAndPredict(train, test, lossName ? lossName : "dice", true, 3e-3);
        const auto m = computeMetrics({"dice", "iou", "pixel_accuracy"}, pred, test.y, 0.5f);
        qInfo("clumps: held-out dice %.3f, iou %.3f, pixel accuracy %.4f (foreground %.3f)", m.at("dice"), m.at("iou"),
              m.at("pixel_accuracy"), foreground);
        // Reduced run: 0.72 (measured 0.781 in g,r,i; an untrained or broken network scores below 0.2,
        // and the same run on the sessions 1-2 truth — clumps below the noise, mask before the PSF —
        // 0.683); full run: the 0.8.
        const double need = fullRun() ? 0.8 : 0.72;
        QVERIFY2(m.at("dice") >= need, qPrintable(QString::number(m.at("dice"))));
    }

    // bulge-disk: predicted B/T correlates with the truth, Pearson r ≥ 0.9.
    void unetSplitsBulgeAndDisk() {
        const Scale s = scale();
        const Pairs train = simulate(SimKind::BulgeDisk, 0, s.train),
                    test = simulate(SimKind::BulgeDisk, 100000, s.test);
        QCOMPARE(train.y.dim(1), 2);
        const Tensor pred = trainAndPredict(train, test, "mse", false, 2e-3);
        const double r = pearson(firstHalfFluxRatio(pred), firstHalfFluxRatio(test.y));
        qInfo("bulge-disk: held-out Pearson r of B/T %.3f", r);
        const double need = fullRun() ? 0.9 : 0.75;  // reduced run: 0.75 (a broken one is near 0)
        QVERIFY2(r >= need, qPrintable(QString::number(r)));
    }

    // blends and deconvolution: the output is closer to the truth than the input, MSE at least halved.
    void outputBeatsInput_data() {
        QTest::addColumn<int>("kind");
        QTest::newRow("blends → central") << int(SimKind::Blends);
        QTest::newRow("deconvolution → sharp") << int(SimKind::Deconvolution);
    }
    void outputBeatsInput() {
        QFETCH(int, kind);
        const Scale s = scale();
        const Pairs train = simulate(SimKind(kind), 0, s.train), test = simulate(SimKind(kind), 100000, s.test);
        const Tensor pred = trainAndPredict(train, test, "mse", false, 2e-3);
        const double before = mse(test.x, test.y), after = mse(pred, test.y);
        qInfo("%s: held-out MSE input→truth %.4f, output→truth %.4f (ratio %.3f)", toString(SimKind(kind)), before,
              after, after / before);
        QVERIFY2(after <= 0.5 * before, qPrintable(QString("%1 vs %2").arg(after).arg(before)));
    }
};

QTEST_APPLESS_MAIN(TestImageToImage)
#include "tst_image_to_image.moc"
