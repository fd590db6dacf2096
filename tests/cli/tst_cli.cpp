// deepfield-cli as scripts and teachers use it: train writes a run directory, evaluate prints
// JSON, and wrong input gives one line naming the problem, exit code 2 and no run left behind.
#include <QtTest>

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>

#include "cli_runner.h"

using namespace cli_test;

namespace {
const QString kData = QStringLiteral(DEEPFIELD_TEST_DATA "/cli/");




QStringList trainArgs(const QString& out) {
    return {"train", "--model", "mlp-colors", "--data", kData + "colors_train.csv", "--features", "u-g,g-r,r-i,i-z",
            "--target", "class", "--test", kData + "colors_test.csv", "--epochs", "5", "--batch-size", "16",
            "--seed", "3", "--out", out};
}
}  // namespace

class TestCli : public QObject {
    Q_OBJECT
private slots:
    void trainWritesClassificationRun() {
        QTemporaryDir tmp;
        const QString run = tmp.filePath("runs/colors");
        const Result r = runCli(trainArgs(run));
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QCOMPARE(QDir(run).entryList(QDir::Files, QDir::Name),
                 (QStringList{"history.csv", "metrics.json", "model.json", "weights.safetensors"}));
        QVERIFY(r.out.contains("epoch 1/5") && r.out.contains("epoch 5/5"));

        const QStringList history = QString::fromUtf8(readAll(run + "/history.csv")).trimmed().split('\n');
        QCOMPARE(history.size(), 6);
        QCOMPARE(history[0], QString("epoch,train_loss,val_loss,train_accuracy,val_accuracy"));
        QCOMPARE(history[5].split(',').size(), 5);
        QCOMPARE(history[5].split(',')[0], QString("5"));

        const QJsonObject model = readJson(run + "/model.json");
        QCOMPARE(model["format"].toString(), QString("deepfield-graph"));
        const QJsonObject pre = model["preprocessing"].toObject();
        QCOMPARE(pre["task"].toString(), QString("classification"));
        QCOMPARE(pre["target"].toString(), QString("class"));
        QCOMPARE(pre["classes"].toArray().toVariantList(), (QVariantList{"GALAXY", "QSO", "STAR"}));
        QCOMPARE(pre["features"].toArray().size(), 4);
        QCOMPARE(pre["standardization"].toObject()["mean"].toArray().size(), 4);
        QCOMPARE(pre["standardization"].toObject()["std"].toArray().size(), 4);
        const QJsonObject training = model["training"].toObject();
        QCOMPARE(training["epochs"].toInt(), 5);
        QCOMPARE(training["batch_size"].toInt(), 16);
        QCOMPARE(training["loss"].toString(), QString("sparse_categorical_crossentropy"));
        QCOMPARE(training["optimizer"].toObject()["name"].toString(), QString("adam"));

        const QJsonObject metrics = readJson(run + "/metrics.json");
        QCOMPARE(metrics["task"].toString(), QString("classification"));
        QCOMPARE(metrics["n"].toInt(), 60);
        QVERIFY2(metrics["accuracy"].toDouble() > 0.8, "three well separated colour clusters");

        // safetensors: 8-byte little-endian header length, then a JSON header naming the kernels
        const QByteArray w = readAll(run + "/weights.safetensors");
        QVERIFY(w.size() > 8);
        quint64 len = 0;
        for (int i = 7; i >= 0; --i) len = (len << 8) | quint8(w[i]);
        QVERIFY(QJsonDocument::fromJson(w.mid(8, int(len))).object().contains("dense_1/kernel"));
        // nothing else left beside the run (the temporary folder was renamed into place)
        QCOMPARE(QDir(tmp.filePath("runs")).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot),
                 QStringList{"colors"});

        // evaluate on the test table gives the same numbers as the run's metrics.json
        const Result e = runCli({"evaluate", "--run", run, "--data", kData + "colors_test.csv"});
        QVERIFY2(e.code == 0, qPrintable(e.err));
        QJsonParseError perr;
        const QJsonObject ev = QJsonDocument::fromJson(e.out.toUtf8(), &perr).object();
        QVERIFY2(perr.error == QJsonParseError::NoError, qPrintable(e.out));
        QCOMPARE(QStringList(ev.keys()), (QStringList{"accuracy", "classes", "confusion_matrix", "n", "task"}));
        QCOMPARE(ev["accuracy"].toDouble(), metrics["accuracy"].toDouble());
        const QJsonArray cm = ev["confusion_matrix"].toArray();
        QCOMPARE(cm.size(), 3);
        int total = 0, diagonal = 0;
        for (int i = 0; i < 3; ++i) {
            QCOMPARE(cm[i].toArray().size(), 3);
            for (int j = 0; j < 3; ++j) total += cm[i].toArray()[j].toInt();
            diagonal += cm[i].toArray()[i].toInt();
        }
        QCOMPARE(total, 60);
        QCOMPARE(double(diagonal) / total, ev["accuracy"].toDouble());
    }

    void regressionRun() {
        QTemporaryDir tmp;
        const QString run = tmp.filePath("z");
        Result r = runCli({"train", "--model", "mlp-photoz", "--data", kData + "colors_train.csv", "--features",
                           "r,u-g,g-r,r-i,i-z", "--target", "redshift", "--epochs", "3", "--out", run});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const QString header = QString::fromUtf8(readAll(run + "/history.csv")).split('\n')[0];
        QCOMPARE(header, QString("epoch,train_loss,val_loss,train_mae,val_mae,train_nmad,val_nmad,"
                                 "train_outlier_fraction,val_outlier_fraction,train_rmse,val_rmse"));
        QVERIFY(!QFile::exists(run + "/metrics.json"));  // no --test
        QCOMPARE(readJson(run + "/model.json")["preprocessing"].toObject()["task"].toString(), QString("regression"));
        r = runCli({"evaluate", "--run", run, "--data", kData + "colors_test.csv"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const QJsonObject ev = QJsonDocument::fromJson(r.out.toUtf8()).object();
        QCOMPARE(QStringList(ev.keys()), (QStringList{"mae", "n", "nmad", "outlier_fraction", "rmse", "task"}));
        QCOMPARE(ev["task"].toString(), QString("regression"));
        QCOMPARE(ev["n"].toInt(), 60);
        QVERIFY(ev["rmse"].toDouble() >= ev["mae"].toDouble());
    }

    void sameSeedSameRun() {
        QTemporaryDir tmp;
        QCOMPARE(runCli(trainArgs(tmp.filePath("a"))).code, 0);
        QCOMPARE(runCli(trainArgs(tmp.filePath("b"))).code, 0);
        QCOMPARE(readAll(tmp.filePath("a/history.csv")), readAll(tmp.filePath("b/history.csv")));
        QCOMPARE(readAll(tmp.filePath("a/weights.safetensors")), readAll(tmp.filePath("b/weights.safetensors")));
    }

    void replacesAnOldRunButNotForeignFolders() {
        QTemporaryDir tmp;
        const QString run = tmp.filePath("run");
        QCOMPARE(runCli(trainArgs(run)).code, 0);
        QStringList again = trainArgs(run);
        again[again.indexOf("5")] = "2";  // epochs
        QCOMPARE(runCli(again).code, 0);
        QCOMPARE(QString::fromUtf8(readAll(run + "/history.csv")).trimmed().split('\n').size(), 3);

        QDir(tmp.path()).mkdir("notes");
        QFile f(tmp.filePath("notes/todo.txt"));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("mine");
        f.close();
        const Result r = runCli(trainArgs(tmp.filePath("notes")));
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("not a DeepField run; refusing to overwrite"), qPrintable(r.err));
        QCOMPARE(QDir(tmp.filePath("notes")).entryList(QDir::Files), QStringList{"todo.txt"});
    }

    void badInput_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("expected");
        const QString train = kData + "colors_train.csv";
        QTest::newRow("unknown template") << QStringList{"train", "--model", "mlp-colour", "--data", train, "--out", "RUN"}
                                          << "unknown model template 'mlp-colour'; known templates: mlp-colors,";
        QTest::newRow("missing column")
            << QStringList{"train", "--model", "mlp-colors", "--data", train, "--features", "u-g,g-y", "--out", "RUN"}
            << "colors_train.csv' has no column 'g-y' (nor two columns whose difference it names); available "
               "columns: u, g, r, i, z, class, redshift";
        QTest::newRow("missing target")
            << QStringList{"train", "--model", "mlp-colors", "--data", train, "--target", "type", "--out", "RUN"}
            << "has no column 'type'; available columns: u, g, r, i, z, class, redshift";
        QTest::newRow("non-numeric cell")
            << QStringList{"train", "--model", "mlp-colors", "--data", kData + "bad_cell.csv", "--out", "RUN"}
            << "bad_cell.csv' row 18, column 'r': 'abc' is not a number";
        QTest::newRow("missing file")
            << QStringList{"train", "--model", "mlp-colors", "--data", kData + "nope.csv", "--out", "RUN"}
            << "--data '" + kData + "nope.csv' does not exist";
        QTest::newRow("missing test file")
            << QStringList{"train", "--model", "mlp-colors", "--data", train, "--test", "nope.csv", "--out", "RUN"}
            << "--test 'nope.csv' does not exist";
        QTest::newRow("bad number") << QStringList{"train", "--model", "mlp-colors", "--data", train, "--epochs", "ten", "--out", "RUN"}
                                    << "option --epochs must be an integer ≥ 1, got 'ten'";
        QTest::newRow("bad split") << QStringList{"train", "--model", "mlp-colors", "--data", train, "--validation-split", "1.5", "--out", "RUN"}
                                   << "option --validation-split must be in [0, 1)";
        QTest::newRow("unknown option") << QStringList{"train", "--model", "mlp-colors", "--data", train, "--epoch", "3", "--out", "RUN"}
                                        << "unknown option --epoch for this command";
        QTest::newRow("no --out") << QStringList{"train", "--model", "mlp-colors", "--data", train}
                                  << "missing required option --out";
        QTest::newRow("unknown optimizer")
            << QStringList{"train", "--model", "mlp-colors", "--data", train, "--optimizer", "adamx", "--out", "RUN"}
            << "unknown optimizer 'adamx'";
        QTest::newRow("image folder") << QStringList{"train", "--model", "mlp-colors", "--data", kData, "--out", "RUN"}
                                      << "is a folder: image folders need";
        QTest::newRow("evaluate no run") << QStringList{"evaluate", "--run", "nowhere", "--data", train}
                                         << "--run 'nowhere' is not a folder";
    }
    void badInput() {
        QFETCH(QStringList, args);
        QFETCH(QString, expected);
        QTemporaryDir tmp;
        args.replaceInStrings(QRegularExpression("^RUN$"), tmp.filePath("run"));
        const Result r = runCli(args, tmp.path());
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains(expected), qPrintable(r.err));
        QCOMPARE(r.err.count('\n'), 1);  // one line
        QVERIFY2(r.err.startsWith("deepfield-cli " + args[0] + ": "), qPrintable(r.err));
        // nothing half-written: no run folder and no temporary folder
        QCOMPARE(QDir(tmp.path()).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot), QStringList{});
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
