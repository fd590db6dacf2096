#include <QtTest>

#include <QTemporaryDir>
#include <fstream>
#include <map>

#include "core/error.h"
#include "data/fits.h"
#include "data/image_folder.h"
#include "data/simulator.h"

using namespace deepfield;

namespace {
// A small simulated clumps set on disk: images/, mask/ and labels.csv as `simulate` writes them.
void writeSet(const QString& dir, int count, SimKind kind = SimKind::Clumps) {
    SimOptions o;
    o.kind = kind;
    o.size = 32;
    QDir(dir).mkpath("images");
    QDir(dir).mkpath("mask");
    std::ofstream csv((dir + "/labels.csv").toStdString());
    csv << "filename,mask,class,class_name,mag\n";
    for (int i = 0; i < count; ++i) {
        const SimulatedGalaxy g = simulateGalaxy(o, i);
        const std::string name = std::to_string(i) + ".fits";
        writeFits((dir + "/images/").toStdString() + name, g.image);
        if (!g.targets.empty()) writeFits((dir + "/mask/").toStdString() + name, g.targets[0].second);
        csv << "images/" << name << ",mask/" << name << "," << g.labels[0].second << "," << g.labels[1].second << ","
            << g.params.mag << "\n";
    }
}
}  // namespace

class TestImageFolder : public QObject {
    Q_OBJECT
private slots:
    void classesFromIntegerLabelsWithNames() {
        QTemporaryDir dir;
        writeSet(dir.path(), 12, SimKind::Morphology);
        ImageFolderOptions o;
        o.preprocess.imageSize = 16;
        std::vector<int> seen;
        ImageFolderDataset d(dir.path().toStdString(), o, [&](int done, int total) { seen = {done, total}; });
        QCOMPARE(d.size(), 12);
        QCOMPARE(d.task(), std::string("classification"));
        QCOMPARE(d.labelColumn(), std::string("class"));
        QCOMPARE(d.classes(), (std::vector<std::string>{"elliptical", "spiral", "edge-on", "irregular"}));
        QCOMPARE(d.inputShape(), (Shape{3, 16, 16}));
        QCOMPARE(d.targetShape(), (Shape{1}));
        QCOMPARE(seen, (std::vector<int>{12, 12}));
        Tensor x, y;
        d.batch({5, 2}, x, y);
        QCOMPARE(x.shape(), (std::vector<int>{2, 3, 16, 16}));
        QCOMPARE(y[0], 1.0f);  // galaxy 5: 5 % 4 = spiral
        QCOMPARE(y[1], 2.0f);
        // Per-image normalisation (the default): zero mean, unit variance per channel.
        double s = 0;
        for (int i = 0; i < 256; ++i) s += x[std::size_t(i)];
        QVERIFY(std::fabs(s / 256) < 1e-4);
    }

    void galaxyZooJpegFolder() {
        ImageFolderOptions o;
        o.preprocess.crop = 0.5;
        o.preprocess.imageSize = 32;
        o.preload = false;  // lazy: files are read when batches ask for them
        ImageFolderDataset d(std::string(DEEPFIELD_SHARED_DATA) + "/gz1-sdss", o);
        QCOMPARE(d.size(), 1271);
        QCOMPARE(d.labelColumn(), std::string("gz1_class"));
        QCOMPARE(d.classes().size(), std::size_t(6));
        QCOMPARE(d.classes()[0], std::string("elliptical"));
        QCOMPARE(d.inputShape(), (Shape{3, 32, 32}));
        Tensor x, y;
        d.batch({0, 1270}, x, y);
        QCOMPARE(y[0], 0.0f);
        QVERIFY(std::isfinite(x[100]));
        std::map<int, int> counts;
        for (int l : d.labels()) counts[l]++;
        QCOMPARE(counts[0], 300);
        // Stratified split: every class keeps its share.
        const auto [train, test] = splitIndices(d.size(), 0.2, 7, d.labels());
        std::map<int, int> inTest;
        for (int i : test) inTest[d.labels()[std::size_t(i)]]++;
        QCOMPARE(inTest[0], 60);
        QCOMPARE(int(train.size() + test.size()), 1271);
        QCOMPARE(splitIndices(d.size(), 0.2, 7, d.labels()).second, test);
    }

    void imageTargets() {
        QTemporaryDir dir;
        writeSet(dir.path(), 4);
        ImageFolderOptions o;
        o.imageTargetColumn = "mask";
        o.preprocess.crop = 24;
        ImageFolderDataset d(dir.path().toStdString(), o);
        QCOMPARE(d.task(), std::string("image"));
        QCOMPARE(d.targetShape(), (Shape{1, 24, 24}));
        Tensor x, y;
        d.batch({1}, x, y);
        double sum = 0;
        for (std::size_t i = 0; i < y.size(); ++i) {
            QVERIFY(y[i] == 0.0f || y[i] == 1.0f);
            sum += y[i];
        }
        QVERIFY(sum > 0);
    }

    void numericTargets() {
        QTemporaryDir dir;
        writeSet(dir.path(), 3);
        ImageFolderOptions o;
        o.targetColumns = {"mag"};
        ImageFolderDataset d(dir.path().toStdString(), o);
        QCOMPARE(d.task(), std::string("regression"));
        Tensor x, y;
        d.batch({0, 1, 2}, x, y);
        for (int i = 0; i < 3; ++i) QVERIFY(y[std::size_t(i)] > 15.0f && y[std::size_t(i)] < 21.0f);
    }

    void badFileNamedOrSkipped() {
        QTemporaryDir dir;
        writeSet(dir.path(), 3);
        {
            std::ofstream bad((dir.path() + "/images/broken.fits").toStdString());
            bad << "SIMPLE  =                    T / truncated";
            std::ofstream csv((dir.path() + "/labels.csv").toStdString(), std::ios::app);
            csv << "images/broken.fits,mask/0.fits,1,spiral,18\n";
        }
        ImageFolderOptions o;
        try {
            ImageFolderDataset d(dir.path().toStdString(), o);
            QFAIL("a broken file must stop loading");
        } catch (const InputError& e) {
            QVERIFY2(QString(e.what()).contains("broken.fits"), e.what());
        }
        o.skipBadFiles = true;
        ImageFolderDataset d(dir.path().toStdString(), o);
        QCOMPARE(d.size(), 3);
        QCOMPARE(d.skipped().size(), std::size_t(1));
        QVERIFY(QString::fromStdString(d.skipped()[0].file).endsWith("broken.fits"));
    }

    void cancelStopsLoading() {
        QTemporaryDir dir;
        writeSet(dir.path(), 3);
        std::atomic<bool> cancel{true};
        QVERIFY_THROWS_EXCEPTION(Error, ImageFolderDataset(dir.path().toStdString(), ImageFolderOptions{}, {}, &cancel));
    }

    void missingLabelsAndUnknownClass() {
        QTemporaryDir dir;
        QVERIFY_THROWS_EXCEPTION(InputError, ImageFolderDataset(dir.path().toStdString(), ImageFolderOptions{}));
        writeSet(dir.path(), 3);
        ImageFolderOptions o;
        o.classes = {"elliptical"};  // the training classes of some other set
        QVERIFY_THROWS_EXCEPTION(InputError, ImageFolderDataset(dir.path().toStdString(), o));
    }

    void fitsCubeAsSamples() {
        QTemporaryDir dir;
        Tensor cube({3, 8, 8});
        for (std::size_t i = 0; i < cube.size(); ++i) cube[i] = float(i / 64);
        const std::string path = (dir.path() + "/cube.fits").toStdString();
        writeFits(path, cube);
        PreprocessSpec spec;
        spec.normalise = Normalisation::None;
        const auto d = fitsSamplesDataset(path, spec, {0, 1, 1});
        QCOMPARE(d->size(), 3);
        QCOMPARE(d->inputShape(), (Shape{1, 8, 8}));
        QCOMPARE(d->inputs().sample(2)[5], 2.0f);
        QCOMPARE(d->targets()[1], 1.0f);
        QVERIFY_THROWS_EXCEPTION(InputError, fitsSamplesDataset(path, spec, {0, 1}));
    }
};

QTEST_APPLESS_MAIN(TestImageFolder)
#include "tst_image_folder.moc"
