// deepfield-cli explain: attribution maps of a trained run as FITS files, as a student would make them.
#include <QtTest>

#include <QDir>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>

#include "cli_runner.h"

using namespace cli_test;

namespace {

// The primary header's cards as keyword -> value text (strings without quotes).
QMap<QString, QString> fitsHeader(const QString& path) {
    QFile f(path);
    QMap<QString, QString> cards;
    if (!f.open(QIODevice::ReadOnly)) return cards;
    const QByteArray all = f.readAll();
    for (int at = 0; at + 80 <= all.size(); at += 80) {
        QString card = QString::fromLatin1(all.mid(at, 80));
        if (card.startsWith("END ")) break;
        if (card.startsWith("HIERARCH ")) card = card.mid(9);
        const int eq = card.indexOf('=');
        if (eq < 0) continue;
        QString value = card.mid(eq + 1).trimmed();
        if (value.startsWith('\'')) value = value.mid(1, value.indexOf('\'', 1) - 1).trimmed();
        else value = value.section('/', 0, 0).trimmed();
        cards[card.left(eq).trimmed()] = value;
    }
    return cards;
}

struct Fixture {
    QTemporaryDir tmp;
    QString data, run, image;
};
Fixture* fixture() {
    static Fixture* f = [] {
        auto* x = new Fixture;
        x->data = x->tmp.filePath("morph");
        x->run = x->tmp.filePath("run");
        runCli({"simulate", "--kind", "morphology", "--count", "48", "--size", "32", "--bands", "r", "--seed", "5",
                "--out", x->data});
        const Result r = runCli({"train", "--model", "cnn-morphology", "--data", x->data, "--stretch", "asinh",
                                 "--epochs", "1", "--batch-size", "16", "--seed", "2", "--out", x->run});
        if (r.code != 0) qWarning("train failed: %s", qPrintable(r.err));
        x->image = x->data + "/images/000003.fits";
        return x;
    }();
    return f;
}
}  // namespace

class TestCliExplain : public QObject {
    Q_OBJECT
private slots:
    void writesMaps_data() {
        QTest::addColumn<QStringList>("options");
        QTest::addColumn<QString>("method");
        QTest::addColumn<int>("planes");
        QTest::addColumn<QStringList>("cards");  // KEY=value expected in the header
        QTest::newRow("integrated gradients")
            << QStringList{"--method", "integrated-gradients", "--steps", "20", "--baseline", "sky", "--target", "2"}
            << "integrated-gradients" << 1
            << QStringList{"DF_STEPS=20", "DF_BASELINE=sky", "DF_TARGET=output 2 value", "DF_CLASS=edge-on"};
        QTest::newRow("saliency") << QStringList{"--method", "saliency"} << "saliency" << 1
                                  << QStringList{"DF_IMAGE=000003.fits"};
        QTest::newRow("smoothgrad") << QStringList{"--method", "smoothgrad", "--samples", "8", "--noise", "0.2"}
                                    << "smoothgrad" << 1 << QStringList{"DF_SAMPLES=8", "DF_NOISE_LEVEL=0.2"};
        QTest::newRow("occlusion") << QStringList{"--method", "occlusion", "--window", "6", "--stride", "3"}
                                   << "occlusion" << 1 << QStringList{"DF_WINDOW=6", "DF_STRIDE=3", "DF_FILL=0"};
        QTest::newRow("guided") << QStringList{"--method", "guided-backprop", "--probability"} << "guided-backprop"
                                << 1 << QStringList{};
        QTest::newRow("deconvnet") << QStringList{"--method", "deconvnet"} << "deconvnet" << 1 << QStringList{};
        QTest::newRow("gradcam") << QStringList{"--method", "gradcam", "--layer", "relu_2"} << "gradcam" << 1
                                 << QStringList{"DF_LAYER=relu_2"};
    }
    void writesMaps() {
        QFETCH(QStringList, options);
        QFETCH(QString, method);
        QFETCH(int, planes);
        QFETCH(QStringList, cards);
        Fixture* f = fixture();
        QVERIFY(QFile::exists(f->run + "/model.json"));
        const QString out = f->tmp.filePath(method + ".fits");
        const Result r = runCli(QStringList{"explain", "--run", f->run, "--image", f->image, "--out", out} + options);
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY2(r.out.contains(method + " of "), qPrintable(r.out));
        const auto h = fitsHeader(out);
        QCOMPARE(h.value("DF_METHOD"), method);
        QCOMPARE(h.value("NAXIS1"), QString("32"));
        QCOMPARE(h.value("NAXIS2"), QString("32"));
        QCOMPARE(h.value("BITPIX"), QString("-32"));
        if (planes > 1) QCOMPARE(h.value("NAXIS3"), QString::number(planes));
        for (const QString& c : cards) QVERIFY2(h.value(c.section('=', 0, 0)) == c.section('=', 1), qPrintable(c + " vs " + h.value(c.section('=', 0, 0))));
        QFile file(out);
        QCOMPARE(file.size() % 2880, 0);
        if (method == "integrated-gradients") {
            // The completeness check is printed and stored.
            const QRegularExpression re("completeness: sum of attributions (\\S+), f\\(x\\) - f\\(baseline\\) = \\S+ - \\S+ = (\\S+), relative error (\\S+)%");
            const auto m = re.match(r.out);
            QVERIFY2(m.hasMatch(), qPrintable(r.out));
            const double sum = m.captured(1).toDouble(), delta = m.captured(2).toDouble();
            QVERIFY(std::abs(sum - delta) <= 0.2 * std::abs(delta) + 1e-6);
            QCOMPARE(h.value("DF_SUMATT").toDouble(), sum);
            QVERIFY(h.contains("DF_FBASE") && h.contains("DF_COMPL"));
        } else {
            QVERIFY(!r.out.contains("completeness"));
        }
    }

    void rejectsBadInput_data() {
        QTest::addColumn<QStringList>("options");
        QTest::addColumn<QString>("message");
        QTest::newRow("method") << QStringList{"--method", "lime"} << "unknown --method 'lime'";
        QTest::newRow("baseline") << QStringList{"--method", "integrated-gradients", "--baseline", "grey"}
                                  << "unknown baseline 'grey'; use zero, blur, sky or noise";
        QTest::newRow("target") << QStringList{"--method", "saliency", "--target", "7"}
                                << "target class/output 7 does not exist; the network has 4 outputs";
        QTest::newRow("layer") << QStringList{"--method", "gradcam", "--layer", "dense_1"}
                               << "layer 'dense_1' has output shape (128)";
        QTest::newRow("steps") << QStringList{"--method", "integrated-gradients", "--steps", "0"} << "--steps";
        QTest::newRow("typo") << QStringList{"--method", "saliency", "--stepz", "3"} << "stepz";
    }
    void rejectsBadInput() {
        QFETCH(QStringList, options);
        QFETCH(QString, message);
        Fixture* f = fixture();
        const QString out = f->tmp.filePath("bad.fits");
        const Result r = runCli(QStringList{"explain", "--run", f->run, "--image", f->image, "--out", out} + options);
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains(message), qPrintable(r.err));
        QCOMPARE(r.err.trimmed().count('\n'), 0);
        QVERIFY(!QFile::exists(out));
    }

    void needsAnImageRun() {
        QTemporaryDir tmp;
        const Result r = runCli({"explain", "--run", tmp.path(), "--image", fixture()->image, "--method", "saliency",
                                 "--out", tmp.filePath("m.fits")});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("has no model.json"), qPrintable(r.err));
    }
};

QTEST_APPLESS_MAIN(TestCliExplain)
#include "tst_cli_explain.moc"
