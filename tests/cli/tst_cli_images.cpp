// deepfield-cli simulate and train on the folder it writes, as a teacher would run them.
#include <QtTest>

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>

#include "cli_runner.h"

using namespace cli_test;


class TestCliImages : public QObject {
    Q_OBJECT
private slots:
    void simulateWritesFolder() {
        QTemporaryDir tmp;
        const QString out = tmp.filePath("clumps");
        const Result r = runCli({"simulate", "--kind", "clumps", "--count", "10", "--size", "32", "--bands", "g,r",
                                 "--seed", "4", "--out", out});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QCOMPARE(QDir(out + "/images").entryList(QDir::Files).size(), 10);
        QCOMPARE(QDir(out + "/mask").entryList(QDir::Files).size(), 10);
        const QStringList lines = QString::fromUtf8(readAll(out + "/labels.csv")).trimmed().split('\n');
        QCOMPARE(lines.size(), 11);
        QVERIFY(lines[0].startsWith("filename,mask,class,class_name,n,re,q,pa,bt,mag,flux,clumps"));
        QVERIFY(lines[1].startsWith("images/000000.fits,mask/000000.fits,"));
        // Same seed, same bytes of pixel data (the header holds the date, so compare the data block).
        const QString again = tmp.filePath("again");
        QCOMPARE(runCli({"simulate", "--kind", "clumps", "--count", "2", "--size", "32", "--bands", "g,r", "--seed",
                         "4", "--out", again}).code, 0);
        const QByteArray a = readAll(out + "/images/000001.fits"), b = readAll(again + "/images/000001.fits");
        QCOMPARE(a.size(), b.size());
        QCOMPARE(a.right(2 * 32 * 32 * 4), b.right(2 * 32 * 32 * 4));
        QVERIFY(a.contains("DF_KIND = 'clumps"));
        QVERIFY(a.contains("BANDS   = 'g,r"));
    }

    void simulateRejectsBadInput_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("message");
        QTest::newRow("kind") << QStringList{"--kind", "spirals", "--count", "2"} << "unknown simulation kind 'spirals'";
        QTest::newRow("band") << QStringList{"--kind", "morphology", "--count", "2", "--bands", "g,x"} << "unknown band 'x'";
        QTest::newRow("count") << QStringList{"--kind", "morphology", "--count", "0"} << "--count";
        QTest::newRow("clump S/N range") << QStringList{"--kind", "clumps", "--count", "2", "--clump-snr-min", "60"}
                                         << "--clump-snr-min and --clump-snr-max must satisfy 0 < min <= max";
        QTest::newRow("clump mask level") << QStringList{"--kind", "clumps", "--count", "2", "--clump-mask-level", "1"}
                                          << "--clump-mask-level must lie in [0, 1)";
    }
    void simulateRejectsBadInput() {
        QFETCH(QStringList, args);
        QFETCH(QString, message);
        QTemporaryDir tmp;
        const Result r = runCli(QStringList{"simulate"} + args + QStringList{"--out", tmp.filePath("x")});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains(message), qPrintable(r.err));
        QCOMPARE(r.err.trimmed().count('\n'), 0);
    }

    void trainCnnOnSimulatedMorphology() {
        QTemporaryDir tmp;
        const QString data = tmp.filePath("morph"), test = tmp.filePath("morph-test"), run = tmp.filePath("run");
        QCOMPARE(runCli({"simulate", "--kind", "morphology", "--count", "96", "--size", "48", "--seed", "1", "--out",
                         data}).code, 0);
        QCOMPARE(runCli({"simulate", "--kind", "morphology", "--count", "24", "--size", "48", "--seed", "2", "--out",
                         test}).code, 0);
        const Result r = runCli({"train", "--model", "cnn-morphology", "--data", data, "--test", test, "--grey",
                                 "--image-size", "32", "--crop", "40", "--stretch", "asinh", "--augment",
                                 "rot90,flip,noise=0.05", "--epochs", "2", "--batch-size", "16", "--seed", "3",
                                 "--out", run});
        QVERIFY2(r.code == 0, qPrintable(r.err + r.out));
        QVERIFY(r.out.contains("images of shape (1, 32, 32)"));
        QVERIFY(r.out.contains("classes elliptical spiral edge-on irregular"));
        QVERIFY(r.out.contains("epoch 2/2"));
        QCOMPARE(QDir(run).entryList(QDir::Files, QDir::Name),
                 (QStringList{"history.csv", "metrics.json", "model.json", "weights.safetensors"}));
        const QJsonObject metrics = QJsonDocument::fromJson(readAll(run + "/metrics.json")).object();
        QCOMPARE(metrics["n"].toInt(), 24);
        QCOMPARE(metrics["classes"].toArray().size(), 4);
        const double acc = metrics["accuracy"].toDouble(-1);
        QVERIFY(acc >= 0.0 && acc <= 1.0);
        const QJsonObject pre = QJsonDocument::fromJson(readAll(run + "/model.json")).object()["preprocessing"].toObject();
        QCOMPARE(pre["input"].toString(), QString("image_folder"));
        QCOMPARE(pre["stretch"].toString(), QString("asinh"));
        QCOMPARE(pre["image_size"].toInt(), 32);
        QCOMPARE(pre["augment"].toString(), QString("rot90,flip,noise=0.05"));
        QCOMPARE(QString::fromUtf8(readAll(run + "/history.csv")).trimmed().split('\n').size(), 3);
    }

    void imageOptionsNeedAnImageFolder() {
        QTemporaryDir tmp;
        QFile csv(tmp.filePath("t.csv"));
        QVERIFY(csv.open(QIODevice::WriteOnly));
        csv.write("a,b,class\n1,2,x\n3,4,y\n");
        csv.close();
        const Result r = runCli({"train", "--model", "mlp-colors", "--data", tmp.filePath("t.csv"), "--crop", "0.5",
                                 "--out", tmp.filePath("run")});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("apply to image folders"), qPrintable(r.err));
        QVERIFY(!QDir(tmp.filePath("run")).exists());
    }
};

QTEST_APPLESS_MAIN(TestCliImages)
#include "tst_cli_images.moc"
