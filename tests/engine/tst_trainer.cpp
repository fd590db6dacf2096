// Trainer: determinism, batch modes, validation, metrics and history CSV, early stopping,
// divergence, cancel/pause/step control from other threads, schedules, and real learning.
#include <QtTest>

#include <atomic>
#include <chrono>
#include <cmath>
#include <thread>

#include "core/error.h"
#include "data/dataset.h"
#include "gradcheck.h"
#include "graph/graph.h"
#include "train/loss.h"
#include "train/optimizer.h"
#include "train/trainer.h"

using namespace deepfield;
using namespace deepfield::test;

namespace {
// Two interleaving half circles (scikit-learn's make_moons) with Gaussian noise; labels 0/1.
TensorDataset twoMoons(int n, float noise, std::uint64_t seed) {
    Rng rng(seed);
    Tensor x({n, 2}), y({n, 1});
    for (int i = 0; i < n; ++i) {
        const bool upper = i % 2 == 0;
        const double t = M_PI * rng.uniform();
        x[std::size_t(2 * i)] = float(upper ? std::cos(t) : 1 - std::cos(t)) + noise * float(rng.normal());
        x[std::size_t(2 * i + 1)] = float(upper ? std::sin(t) : 0.5 - std::sin(t)) + noise * float(rng.normal());
        y[std::size_t(i)] = upper ? 0.0f : 1.0f;
    }
    return TensorDataset(x, y);
}

// y = x·w + noise, 4 features.
TensorDataset regression(int n, std::uint64_t seed, float sign = 1.0f) {
    Rng rng(seed);
    Tensor x({n, 4}), y({n, 1});
    const float w[] = {0.5f, -1.0f, 2.0f, 0.25f};
    for (int i = 0; i < n; ++i) {
        float s = 0;
        for (int k = 0; k < 4; ++k) s += w[k] * (x[std::size_t(4 * i + k)] = float(rng.normal()));
        y[std::size_t(i)] = sign * s;
    }
    return TensorDataset(x, y);
}

Graph classifier(int features, int hidden, int classes, double dropout = 0.0) {
    Graph g;
    g.add("in", "Input", Json{{"shape", {features}}});
    g.add("d1", "Dense", Json{{"units", hidden}}, {"in"});
    g.add("r1", "ReLU", Json::object(), {"d1"});
    std::string last = "r1";
    if (dropout > 0) {
        g.add("drop", "Dropout", Json{{"rate", dropout}}, {"r1"});
        last = "drop";
    }
    g.add("d2", "Dense", Json{{"units", hidden}}, {last});
    g.add("r2", "ReLU", Json::object(), {"d2"});
    g.add("out", "Dense", Json{{"units", classes}}, {"r2"});
    return g;
}

Graph linear(const char* init = "zeros") {
    Graph g;
    g.add("in", "Input", Json{{"shape", {4}}});
    g.add("out", "Dense", Json{{"units", 1}, {"kernel_initializer", init}}, {"in"});
    return g;
}

std::vector<std::vector<float>> weights(Graph& g) {
    std::vector<std::vector<float>> w;
    for (const Param& p : g.parameters()) w.push_back(p.value->values());
    return w;
}

struct Recorder : TrainObserver {
    Graph* graph = nullptr;
    std::atomic<int> batches{0};
    std::vector<BatchStats> batchStats;
    std::vector<EpochStats> epochStats;
    std::vector<std::vector<std::vector<float>>> epochWeights;
    std::function<void(const BatchStats&)> onBatch;
    const Optimizer* optimizer = nullptr;
    std::vector<double> optimizerRates;
    void onBatchEnd(const BatchStats& s) override {
        batchStats.push_back(s);
        if (optimizer) optimizerRates.push_back(optimizer->learningRate());
        ++batches;
        if (onBatch) onBatch(s);
    }
    void onEpochEnd(const EpochStats& e) override {
        epochStats.push_back(e);
        if (graph) epochWeights.push_back(weights(*graph));
    }
};

struct Run {
    History history;
    std::string csv;
    std::vector<std::vector<float>> weights;
};

Run trainMoons(std::uint64_t seed, int batchSize, int epochs) {
    Graph g = classifier(2, 16, 2, 0.2);
    g.reset(seed);
    auto loss = makeLoss("sparse_categorical_crossentropy");
    OptimizerOptions o;
    o.learningRate = 0.01;
    auto opt = makeOptimizer("adam", o);
    TrainOptions t;
    t.epochs = epochs;
    t.batchSize = batchSize;
    t.seed = seed;
    t.validationSplit = 0.25;
    t.metrics = {"accuracy"};
    Trainer trainer(g, *loss, *opt, t);
    Run r;
    r.history = trainer.fit(twoMoons(200, 0.1f, 7));
    r.csv = r.history.toCsv();
    r.weights = weights(g);
    return r;
}
}  // namespace

class TestTrainer : public QObject {
    Q_OBJECT
private slots:
    void deterministic() {
        const Run a = trainMoons(3, 16, 4), b = trainMoons(3, 16, 4), c = trainMoons(4, 16, 4);
        QCOMPARE(QString::fromStdString(a.csv), QString::fromStdString(b.csv));
        QVERIFY(a.weights == b.weights);  // bit for bit, Dropout included
        QVERIFY(a.history.batchLosses == b.history.batchLosses);
        QVERIFY(a.csv != c.csv);
        QVERIFY(a.weights != c.weights);
    }

    void historyCsvAndMetrics() {
        const Run r = trainMoons(1, 32, 3);
        const QStringList lines = QString::fromStdString(r.csv).trimmed().split('\n');
        QCOMPARE(lines.size(), 4);
        QCOMPARE(lines[0], QString("epoch,train_loss,val_loss,train_accuracy,val_accuracy"));
        for (int e = 1; e <= 3; ++e) {
            const QStringList cells = lines[e].split(',');
            QCOMPARE(cells.size(), 5);
            QCOMPARE(cells[0].toInt(), e);
            const EpochStats& s = r.history.epochs[std::size_t(e - 1)];
            QVERIFY(std::abs(cells[1].toDouble() - s.trainLoss) <= 1e-8 * s.trainLoss);
            QVERIFY(std::abs(cells[2].toDouble() - s.valLoss) <= 1e-8 * s.valLoss);
            const double acc = cells[3].toDouble(), valAcc = cells[4].toDouble();
            QVERIFY(acc >= 0 && acc <= 1 && valAcc >= 0 && valAcc <= 1);
            QVERIFY(std::abs(acc - s.trainMetrics.at("accuracy")) < 1e-8);
            // 50 validation samples: accuracy is a multiple of 1/50.
            QVERIFY(std::abs(valAcc * 50 - std::round(valAcc * 50)) < 1e-9);
        }
        QCOMPARE(QString::fromStdString(r.history.stopReason), QString("completed"));
    }

    void batchModes_data() {
        QTest::addColumn<int>("batchSize");
        QTest::addColumn<int>("perEpoch");
        QTest::newRow("full batch") << 0 << 1;
        QTest::newRow("mini-batch 16") << 16 << 5;  // 75 training samples
        QTest::newRow("mini-batch larger than the set") << 500 << 1;
        QTest::newRow("batch 1") << 1 << 75;
    }
    void batchModes() {
        QFETCH(int, batchSize);
        QFETCH(int, perEpoch);
        Graph g = linear();
        g.reset(1);
        auto loss = makeLoss("mse");
        auto opt = makeOptimizer("sgd", OptimizerOptions{});
        TrainOptions t;
        t.epochs = 2;
        t.batchSize = batchSize;
        t.validationSplit = 0.25;
        Trainer trainer(g, *loss, *opt, t);
        Recorder rec;
        const History h = trainer.fit(regression(100, 2), nullptr, &rec);
        QCOMPARE(int(h.batchLosses.size()), 2 * perEpoch);
        QCOMPARE(rec.batches.load(), 2 * perEpoch);
        QCOMPARE(rec.batchStats.front().batchesPerEpoch, perEpoch);
        std::size_t seen = 0;
        for (const BatchStats& s : rec.batchStats) seen += s.epoch == 1 ? 1 : 0;
        QCOMPARE(int(seen), perEpoch);
        // The epoch loss is the sample-weighted mean of its batch losses.
        if (batchSize == 16) {
            double sum = 0;
            for (int b = 0; b < 5; ++b) sum += h.batchLosses[std::size_t(b)] * (b < 4 ? 16 : 11);
            QVERIFY(std::abs(h.epochs[0].trainLoss - sum / 75) < 1e-9 * sum);
        }
    }

    void validationSetAndSplit() {
        Graph g = linear("glorot_uniform");
        g.reset(2);
        auto loss = makeLoss("mse");
        OptimizerOptions o;
        o.learningRate = 0.05;
        auto opt = makeOptimizer("sgd", o);
        TrainOptions t;
        t.epochs = 3;
        t.batchSize = 10;
        t.metrics = {"mae", "rmse"};
        Trainer trainer(g, *loss, *opt, t);
        const TensorDataset val = regression(40, 9);
        const History h = trainer.fit(regression(100, 8), &val);
        const Evaluation ev = trainer.evaluate(val);
        QCOMPARE(h.epochs.back().valLoss, ev.loss);
        QCOMPARE(h.epochs.back().valMetrics.at("rmse"), ev.metrics.at("rmse"));
        QVERIFY(std::abs(ev.metrics.at("rmse") - std::sqrt(ev.loss)) < 1e-6);
        QVERIFY(h.epochs.back().trainLoss < h.epochs.front().trainLoss);
        QCOMPARE(ev.predictions.shape(), (std::vector<int>{40, 1}));
        // Without validation data the validation column stays empty.
        TrainOptions none = t;
        none.epochs = 1;
        Trainer plain(g, *loss, *opt, none);
        const History p = plain.fit(regression(30, 1));
        QVERIFY(std::isnan(p.epochs[0].valLoss));
        QVERIFY(QString::fromStdString(p.toCsv()).split('\n')[1].split(',')[2].isEmpty());
    }

    void earlyStoppingRestoresBest() {
        // Validation targets are the negated training targets: every improvement on the
        // training set makes validation worse, so the best epoch is the first.
        Graph g = linear();
        g.reset(1);
        auto loss = makeLoss("mse");
        OptimizerOptions o;
        o.learningRate = 0.02;
        auto opt = makeOptimizer("sgd", o);
        TrainOptions t;
        t.epochs = 20;
        t.batchSize = 10;
        t.earlyStoppingPatience = 2;
        Trainer trainer(g, *loss, *opt, t);
        Recorder rec;
        rec.graph = &g;
        const TensorDataset val = regression(50, 4, -1.0f);
        const History h = trainer.fit(regression(100, 3), &val, &rec);
        QCOMPARE(int(h.epochs.size()), 3);
        QVERIFY(h.epochs[1].valLoss > h.epochs[0].valLoss && h.epochs[2].valLoss > h.epochs[0].valLoss);
        QVERIFY2(QString::fromStdString(h.stopReason).startsWith("early stopping after epoch 3"), h.stopReason.c_str());
        QVERIFY(weights(g) == rec.epochWeights[0]);
        QVERIFY(weights(g) != rec.epochWeights[2]);
        QCOMPARE(trainer.evaluate(val).loss, h.epochs[0].valLoss);
    }

    void divergenceFromTheStart() {
        Graph g = linear("glorot_uniform");
        g.reset(5);
        const auto start = weights(g);
        auto loss = makeLoss("mse");
        OptimizerOptions o;
        o.learningRate = 1e6;
        auto opt = makeOptimizer("sgd", o);
        TrainOptions t;
        t.epochs = 5;
        t.batchSize = 10;
        Trainer trainer(g, *loss, *opt, t);
        const History h = trainer.fit(regression(100, 3));
        QVERIFY(h.diverged);
        QVERIFY(h.epochs.empty());
        const QString why = QString::fromStdString(h.stopReason);
        QVERIFY2(why.startsWith("diverged: ") && (why.contains("infinite") || why.contains("NaN")), qPrintable(why));
        QVERIFY2(why.contains("learning rate 1e+06") && why.contains("Try a smaller learning rate"), qPrintable(why));
        QVERIFY(why.contains("weights of the start were kept"));
        QVERIFY(weights(g) == start);
    }

    void divergenceKeepsLastGoodEpoch() {
        // lr 1e-3, then 1e1, 1e5 ...: the first epochs are fine, then it blows up.
        Graph g = linear("glorot_uniform");
        g.reset(5);
        auto loss = makeLoss("mse");
        OptimizerOptions o;
        o.learningRate = 1e-3;
        auto opt = makeOptimizer("sgd", o);
        TrainOptions t;
        t.epochs = 10;
        t.batchSize = 10;
        t.schedule = Schedule::fromJson(Json{{"kind", "exponential"}, {"gamma", 1e4}});
        Trainer trainer(g, *loss, *opt, t);
        Recorder rec;
        rec.graph = &g;
        const History h = trainer.fit(regression(100, 3), nullptr, &rec);
        QVERIFY(h.diverged);
        QVERIFY(!h.epochs.empty() && h.epochs.size() < 10);
        QCOMPARE(h.epochs.size(), rec.epochWeights.size());
        QVERIFY(weights(g) == rec.epochWeights.back());
        for (const auto& w : weights(g))
            for (float v : w) QVERIFY(std::isfinite(v));
        QVERIFY2(QString::fromStdString(h.stopReason).contains("last good epoch (" + QString::number(h.epochs.size()) + ")"),
                 h.stopReason.c_str());
        QCOMPARE(opt->learningRate(), 1e-3);  // the base rate is back
    }

    void cancelFromObserver() {
        Graph g = linear();
        g.reset(1);
        auto loss = makeLoss("mse");
        auto opt = makeOptimizer("sgd", OptimizerOptions{});
        TrainOptions t;
        t.epochs = 3;
        t.batchSize = 10;
        Trainer trainer(g, *loss, *opt, t);
        TrainControl control;
        Recorder rec;
        rec.onBatch = [&](const BatchStats& s) {
            if (s.batch == 3) control.cancel = true;
        };
        const History h = trainer.fit(regression(100, 3), nullptr, &rec, &control);
        QCOMPARE(rec.batches.load(), 3);
        QCOMPARE(int(h.batchLosses.size()), 3);
        QCOMPARE(QString::fromStdString(h.stopReason), QString("cancelled"));
    }

    void pauseAndStepFromAnotherThread() {
        Graph g = linear();
        g.reset(1);
        auto loss = makeLoss("mse");
        auto opt = makeOptimizer("sgd", OptimizerOptions{});
        TrainOptions t;
        t.epochs = 2;
        t.batchSize = 10;
        Trainer trainer(g, *loss, *opt, t);
        TrainControl control;
        control.pause = true;
        Recorder rec;
        const TensorDataset data = regression(100, 3);
        History h;
        std::thread worker([&] { h = trainer.fit(data, nullptr, &rec, &control); });
        auto waitFor = [&](int n) {
            const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
            while (rec.batches < n && std::chrono::steady_clock::now() < until)
                std::this_thread::sleep_for(std::chrono::milliseconds(1));
        };
        std::this_thread::sleep_for(std::chrono::milliseconds(60));
        QCOMPARE(rec.batches.load(), 0);  // paused before the first batch
        control.stepsAllowed = 3;
        waitFor(3);
        std::this_thread::sleep_for(std::chrono::milliseconds(80));
        QCOMPARE(rec.batches.load(), 3);  // exactly three, then it waits again
        QCOMPARE(control.stepsAllowed.load(), 0);
        control.stepsAllowed = 9;  // across the epoch boundary (10 batches per epoch)
        waitFor(12);
        std::this_thread::sleep_for(std::chrono::milliseconds(80));
        QCOMPARE(rec.batches.load(), 12);
        control.stepsAllowed = -1;
        control.pause = false;  // run to the end
        worker.join();
        QCOMPARE(rec.batches.load(), 20);
        QCOMPARE(QString::fromStdString(h.stopReason), QString("completed"));
    }

    void cancelWhilePaused() {
        Graph g = linear();
        g.reset(1);
        auto loss = makeLoss("mse");
        auto opt = makeOptimizer("sgd", OptimizerOptions{});
        Trainer trainer(g, *loss, *opt, TrainOptions{});
        TrainControl control;
        control.pause = true;
        History h;
        const TensorDataset data = regression(50, 3);
        std::thread worker([&] { h = trainer.fit(data, nullptr, nullptr, &control); });
        std::this_thread::sleep_for(std::chrono::milliseconds(30));
        control.cancel = true;
        worker.join();
        QCOMPARE(QString::fromStdString(h.stopReason), QString("cancelled"));
        QVERIFY(h.batchLosses.empty());
    }

    void scheduleChangesTheRatePerEpoch() {
        Graph g = linear();
        g.reset(1);
        auto loss = makeLoss("mse");
        OptimizerOptions o;
        o.learningRate = 0.1;
        auto opt = makeOptimizer("sgd", o);
        TrainOptions t;
        t.epochs = 5;
        t.batchSize = 50;
        t.schedule = Schedule::fromJson(Json{{"kind", "step"}, {"step_size", 2}, {"gamma", 0.5}});
        Trainer trainer(g, *loss, *opt, t);
        Recorder rec;
        rec.optimizer = opt.get();
        const History h = trainer.fit(regression(100, 3), nullptr, &rec);
        const double want[] = {0.1, 0.1, 0.05, 0.05, 0.025};
        for (int e = 0; e < 5; ++e) QCOMPARE(h.epochs[std::size_t(e)].learningRate, want[e]);
        QCOMPARE(int(rec.optimizerRates.size()), 10);
        for (int b = 0; b < 10; ++b) {
            QCOMPARE(rec.optimizerRates[std::size_t(b)], want[b / 2]);  // the optimizer really used it
            QCOMPARE(rec.batchStats[std::size_t(b)].learningRate, want[b / 2]);
        }
        QCOMPARE(opt->learningRate(), 0.1);
    }

    void learnsXor() {
        Tensor x = Tensor::fromData({4, 2}, {0, 0, 0, 1, 1, 0, 1, 1});
        Tensor y = Tensor::fromData({4, 1}, {0, 1, 1, 0});
        Graph g;
        g.add("in", "Input", Json{{"shape", {2}}});
        g.add("h", "Dense", Json{{"units", 8}}, {"in"});
        g.add("t", "Tanh", Json::object(), {"h"});
        g.add("out", "Dense", Json{{"units", 1}}, {"t"});
        g.reset(2);
        auto loss = makeLoss("binary_crossentropy_logits");
        OptimizerOptions o;
        o.learningRate = 0.05;
        auto opt = makeOptimizer("adam", o);
        TrainOptions t;
        t.epochs = 400;
        t.batchSize = 0;
        t.metrics = {"accuracy"};
        Trainer trainer(g, *loss, *opt, t);
        const TensorDataset data(x, y);
        const History h = trainer.fit(data);
        QVERIFY2(h.epochs.back().trainLoss < 0.05, std::to_string(h.epochs.back().trainLoss).c_str());
        const Evaluation ev = trainer.evaluate(data);
        QCOMPARE(ev.metrics.at("accuracy"), 1.0);  // threshold 0.5 on sigmoid = logit 0
        for (int i = 0; i < 4; ++i) QCOMPARE(ev.predictions[std::size_t(i)] > 0.0f, y[std::size_t(i)] > 0.5f);
    }

    void learnsTwoMoons() {
        Graph g = classifier(2, 32, 2);
        g.reset(11);
        auto loss = makeLoss("sparse_categorical_crossentropy");
        OptimizerOptions o;
        o.learningRate = 0.01;
        auto opt = makeOptimizer("adam", o);
        TrainOptions t;
        t.epochs = 60;
        t.batchSize = 32;
        t.seed = 5;
        t.metrics = {"accuracy"};
        Trainer trainer(g, *loss, *opt, t);
        const TensorDataset val = twoMoons(400, 0.1f, 77);  // unseen samples
        const History h = trainer.fit(twoMoons(400, 0.1f, 7), &val);
        QVERIFY2(h.epochs.back().valMetrics.at("accuracy") > 0.95,
                 std::to_string(h.epochs.back().valMetrics.at("accuracy")).c_str());
        QVERIFY(h.epochs.front().valMetrics.at("accuracy") < h.epochs.back().valMetrics.at("accuracy"));
    }

    void setupErrors() {
        Graph g = linear();
        auto loss = makeLoss("mse");
        auto opt = makeOptimizer("sgd", OptimizerOptions{});
        Trainer trainer(g, *loss, *opt, TrainOptions{});
        Tensor x({10, 3}), y({10, 1});
        try {
            trainer.fit(TensorDataset(x, y));
            QFAIL("no error");
        } catch (const ShapeError& e) {
            QVERIFY2(QString(e.what()).contains("expects inputs of shape (4) but the data has samples of shape (3)"),
                     e.what());
        }
        QVERIFY_THROWS_EXCEPTION(InputError, trainer.fit(TensorDataset(Tensor({0, 4}), Tensor({0, 1}))));
        TrainOptions split;
        split.validationSplit = 0.9;
        Trainer tiny(g, *loss, *opt, split);
        try {
            tiny.fit(TensorDataset(Tensor({1, 4}), Tensor({1, 1})));
            QFAIL("no error");
        } catch (const InputError& e) {
            QVERIFY2(QString(e.what()).contains("leaves no training samples out of 1"), e.what());
        }
        try {
            trainer.fit(TensorDataset(Tensor({5, 4}), Tensor({5, 2})));
            QFAIL("no error");
        } catch (const ShapeError& e) {
            QVERIFY2(QString(e.what()).contains("mse: prediction (5, 1) and target (5, 2)"), e.what());
        }
        const TrainOptions back = TrainOptions::fromJson(Json{{"epochs", 7}, {"batch_size", 0}, {"metrics", {"accuracy"}}});
        QCOMPARE(back.epochs, 7);
        QCOMPARE(back.batchSize, 0);
        QCOMPARE(TrainOptions::fromJson(back.toJson()).toJson().dump(), back.toJson().dump());
    }
};

QTEST_APPLESS_MAIN(TestTrainer)
#include "tst_trainer.moc"
