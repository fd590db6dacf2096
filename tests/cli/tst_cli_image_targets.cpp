// deepfield-cli train / evaluate with image targets on folders from `simulate`: masks (clumps),
// bulge + disk images, the central galaxy of a blend, the sharp image; run files, metrics and errors.
#include <QtTest>

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>

#include "cli_runner.h"

using namespace cli_test;


class TestCliImageTargets : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;

    QString simulate(const QString& kind, const QString& bands = "r") {
        const QString out = tmp_.filePath(kind);
        if (QDir(out).exists()) return out;
        const Result r = runCli({"simulate", "--kind", kind, "--count", "24", "--size", "16", "--bands", bands,
                                 "--seed", "3", "--out", out});
        if (r.code != 0) qWarning("%s", qPrintable(r.err));
        return out;
    }

private slots:
    void trainsAndEvaluates_data() {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("target");
        QTest::addColumn<QString>("loss");
        QTest::addColumn<QString>("task");
        QTest::addColumn<QStringList>("keys");
        QTest::newRow("clumps → mask, dice") << "clumps" << "mask" << "dice" << "segmentation"
                                             << QStringList{"dice", "iou", "pixel_accuracy", "dice_per_image_mean"};
        QTest::newRow("clumps → mask, bce") << "clumps" << "mask" << "" << "segmentation"
                                            << QStringList{"dice", "iou", "pixel_accuracy"};
        QTest::newRow("bulge-disk") << "bulge-disk" << "bulge-disk" << "" << "image"
                                    << QStringList{"mse", "mae", "bt_pearson_r", "bt_mae"};
        QTest::newRow("blends → central") << "blends" << "central" << "" << "image"
                                          << QStringList{"mse", "mse_input", "mse_ratio"};
        QTest::newRow("deconvolution → sharp") << "deconvolution" << "sharp" << "mse" << "image"
                                               << QStringList{"mse", "mse_input", "mse_ratio"};
    }
    void trainsAndEvaluates() {
        QFETCH(QString, kind);
        QFETCH(QString, target);
        QFETCH(QString, loss);
        QFETCH(QString, task);
        QFETCH(QStringList, keys);
        const QString data = simulate(kind);
        const QString run = tmp_.filePath("run-" + kind + loss);
        QStringList args{"train", "--model", "unet-clumps", "--data", data, "--target", target, "--depth", "2",
                         "--base-filters", "4", "--epochs", "2", "--batch-size", "8", "--test-split", "0.25",
                         "--out", run};
        if (!loss.isEmpty()) args << "--loss" << loss;
        const Result r = runCli(args);
        QVERIFY2(r.code == 0, qPrintable(r.err + r.out));
        QVERIFY(r.out.contains(task == "segmentation" ? "segmentation: target 'mask' (1, 16, 16)" : "image regression"));
        const QJsonObject model = readJson(run + "/model.json");
        QCOMPARE(model["preprocessing"].toObject()["target"].toString(), target);
        QCOMPARE(model["preprocessing"].toObject()["task"].toString(), task);
        QCOMPARE(model["training"].toObject()["depth"].toInt(), 2);
        const QJsonObject metrics = readJson(run + "/metrics.json");
        QCOMPARE(metrics["task"].toString(), task);
        QCOMPARE(metrics["n"].toInt(), 6);
        for (const QString& k : keys) QVERIFY2(metrics.contains(k), qPrintable(k));
        // bulge-disk has two images per band: the output has 2 channels.
        const QString lastOutput = model["layers"].toArray().last().toObject()["name"].toString();
        QCOMPARE(lastOutput, QString("output"));

        // evaluate on the whole folder gives the same kind of report.
        const Result e = runCli({"evaluate", "--run", run, "--data", data});
        QVERIFY2(e.code == 0, qPrintable(e.err));
        const QJsonObject ev = QJsonDocument::fromJson(e.out.toUtf8()).object();
        QCOMPARE(ev["n"].toInt(), 24);
        QCOMPARE(ev["target"].toString(), target);
        for (const QString& k : keys) QVERIFY2(ev.contains(k), qPrintable(k));
        if (task == "segmentation") {
            QVERIFY(ev["dice"].toDouble() >= 0 && ev["dice"].toDouble() <= 1);
            QVERIFY(ev["pixel_accuracy"].toDouble() > 0 && ev["pixel_accuracy"].toDouble() <= 1);
            QVERIFY(ev["iou"].toDouble() <= ev["dice"].toDouble());
        } else {
            QVERIFY(ev["mse"].toDouble() > 0);
        }
    }

    void evaluatesImageClassifiers() {
        const QString data = simulate("clumps");
        const QString run = tmp_.filePath("run-classes");
        const Result r = runCli({"train", "--model", "cnn-morphology", "--data", data, "--image-size", "64",
                                 "--epochs", "1", "--out", run});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const Result e = runCli({"evaluate", "--run", run, "--data", data});
        QVERIFY2(e.code == 0, qPrintable(e.err));
        const QJsonObject ev = QJsonDocument::fromJson(e.out.toUtf8()).object();
        QCOMPARE(ev["task"].toString(), QString("classification"));
        QCOMPARE(ev["n"].toInt(), 24);
        QVERIFY(ev.contains("confusion_matrix"));
    }

    void adversarialVariant() {
        // pix2pix from the CLI: the run records the variant and its weights, the history has the
        // discriminator's columns, and evaluate reads the run like a plain one.
        const QString data = simulate("deconvolution");
        const QString run = tmp_.filePath("run-adv");
        const Result r = runCli({"train", "--model", "unet-clumps", "--data", data, "--target", "sharp", "--depth", "2",
                                 "--base-filters", "4", "--epochs", "2", "--batch-size", "8", "--test-split", "0.25",
                                 "--adversarial", "--adv-weight", "0.5", "--l1-weight", "50", "--out", run});
        QVERIFY2(r.code == 0, qPrintable(r.err + r.out));
        QVERIFY2(r.out.contains("adversarial (pix2pix): generator loss 50·L1 + 0.5·BCE"), qPrintable(r.out));
        const QJsonObject adv = readJson(run + "/model.json")["training"].toObject()["adversarial"].toObject();
        QCOMPARE(adv["variant"].toString(), QString("pix2pix"));
        QCOMPARE(adv["adversarial_weight"].toDouble(), 0.5);
        QCOMPARE(adv["l1_weight"].toDouble(), 50.0);
        QVERIFY(adv["discriminator_parameters"].toInt() > 0);
        QFile history(run + "/history.csv");
        QVERIFY(history.open(QIODevice::ReadOnly));
        const QString header = QString::fromUtf8(history.readLine());
        QVERIFY2(header.contains("d_loss") && header.contains("g_adv"), qPrintable(header));
        const QJsonObject metrics = readJson(run + "/metrics.json");
        QCOMPARE(metrics["n"].toInt(), 6);
        QVERIFY(metrics["mse"].toDouble() > 0 && metrics.contains("mse_ratio"));
        const Result e = runCli({"evaluate", "--run", run, "--data", data});
        QVERIFY2(e.code == 0, qPrintable(e.err));
        QCOMPARE(QJsonDocument::fromJson(e.out.toUtf8()).object()["n"].toInt(), 24);
    }

    void outputActivation_data() {
        QTest::addColumn<QString>("activation");
        QTest::addColumn<QString>("lastType");
        QTest::newRow("relu") << "relu" << "ReLU";
        QTest::newRow("sigmoid") << "sigmoid" << "Sigmoid";
        QTest::newRow("default: linear") << "" << "Conv2D";
    }
    void outputActivation() {
        QFETCH(QString, activation);
        QFETCH(QString, lastType);
        const QString run = tmp_.filePath("run-act-" + activation);
        QStringList args{"train", "--model", "unet-clumps", "--data", simulate("bulge-disk"), "--target", "bulge-disk",
                         "--depth", "2", "--base-filters", "4", "--epochs", "1", "--batch-size", "8", "--out", run};
        if (!activation.isEmpty()) args << "--output-activation" << activation;
        const Result r = runCli(args);
        QVERIFY2(r.code == 0, qPrintable(r.err + r.out));
        const QJsonObject model = readJson(run + "/model.json");
        QCOMPARE(model["layers"].toArray().last().toObject()["type"].toString(), lastType);
        QCOMPARE(model["training"].toObject()["output_activation"].toString(), activation);
    }

    void learningRateSchedule() {
        const QString run = tmp_.filePath("run-cosine");
        const Result r = runCli({"train", "--model", "unet-clumps", "--data", simulate("clumps"), "--target", "mask",
                                 "--depth", "2", "--base-filters", "4", "--epochs", "2", "--lr-schedule", "cosine",
                                 "--out", run});
        QVERIFY2(r.code == 0, qPrintable(r.err + r.out));
        const QJsonObject schedule = readJson(run + "/model.json")["training"].toObject()["schedule"].toObject();
        QCOMPARE(schedule["kind"].toString(), QString("cosine"));
        const Result bad = runCli({"train", "--model", "unet-clumps", "--data", simulate("clumps"), "--target", "mask",
                                   "--lr-schedule", "wave", "--out", tmp_.filePath("bad")});
        QCOMPARE(bad.code, 2);
        QVERIFY2(bad.err.contains("--lr-schedule must be constant, cosine, step or exponential"), qPrintable(bad.err));
    }

    void rejectsMismatches_data() {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QStringList>("extra");
        QTest::addColumn<QString>("message");
        QTest::newRow("mask from blends") << "blends" << QStringList{"--target", "mask"}
                                          << "has no 'mask' images for --target mask";
        QTest::newRow("classifier for images") << "blends" << QStringList{"--target", "central", "--model", "cnn-morphology"}
                                               << "needs an image-to-image network";
        QTest::newRow("stretch on a regression") << "blends" << QStringList{"--target", "central", "--stretch", "asinh"}
                                                 << "--stretch must be linear";
        QTest::newRow("image template without image target") << "clumps" << QStringList{}
                                                             << "maps images to images";
        QTest::newRow("depth too large for 16 px") << "clumps" << QStringList{"--target", "mask", "--depth", "5"}
                                                   << "multiples of 32";
        QTest::newRow("adversarial mask") << "clumps" << QStringList{"--target", "mask", "--adversarial"}
                                          << "--adversarial trains image regressions";
        QTest::newRow("adv-weight alone") << "blends" << QStringList{"--target", "central", "--adv-weight", "2"}
                                          << "need --adversarial";
        QTest::newRow("unknown output activation") << "blends" << QStringList{"--target", "central", "--output-activation", "softplus"}
                                                   << "--output-activation must be relu, sigmoid, linear or tanh";
        QTest::newRow("adversarial classifier") << "clumps" << QStringList{"--model", "cnn-morphology", "--adversarial"}
                                                << "apply to image targets";
    }
    void rejectsMismatches() {
        QFETCH(QString, kind);
        QFETCH(QStringList, extra);
        QFETCH(QString, message);
        QStringList args{"train", "--data", simulate(kind), "--epochs", "1", "--out", tmp_.filePath("bad")};
        if (!extra.contains("--model")) args << "--model" << "unet-clumps";
        args << extra;
        const Result r = runCli(args);
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains(message), qPrintable(r.err));
        QVERIFY(!QDir(tmp_.filePath("bad")).exists());
    }
};

QTEST_APPLESS_MAIN(TestCliImageTargets)
#include "tst_cli_image_targets.moc"
