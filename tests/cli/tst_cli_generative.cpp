// deepfield-cli train for generative templates (no labels needed), encode, generate and score,
// through QProcess as a script would run them.
#include <QtTest>
#include <cmath>

#include <QDir>
#include <QProcess>
#include <QTemporaryDir>

#include "cli_runner.h"

using namespace cli_test;


class TestCliGenerative : public QObject {
    Q_OBJECT
private:
    QTemporaryDir tmp_;
    QString data_;

private slots:
    void initTestCase() {
        data_ = tmp_.filePath("anomaly");
        const Result r = runCli({"simulate", "--kind", "anomaly", "--count", "48", "--size", "16", "--bands", "r",
                                 "--anomaly-fraction", "0.25", "--seed", "2", "--out", data_});
        QVERIFY2(r.code == 0, qPrintable(r.err));
    }

    void vaeTrainEncodeGenerateScore() {
        const QString run = tmp_.filePath("vae");
        Result r = runCli({"train", "--model", "vae-latent", "--data", data_, "--out", run, "--epochs", "2",
                           "--base-filters", "4", "--latent", "3", "--kl-warmup", "1", "--seed", "1"});
        QVERIFY2(r.code == 0, qPrintable(r.err + r.out));
        QVERIFY(r.out.contains("reconstruction"));
        for (const char* f : {"model.json", "first.safetensors", "second.safetensors", "history.csv"})
            QVERIFY2(QFile::exists(run + "/" + f), f);
        const QString history = QString::fromUtf8(readAll(run + "/history.csv"));
        QVERIFY(history.startsWith("epoch,train_loss,val_loss,train_kl,val_kl,train_kl_weight,val_kl_weight,"
                                   "train_reconstruction,val_reconstruction"));
        QCOMPARE(history.trimmed().split('\n').size(), 3);

        const QString latent = tmp_.filePath("latent.csv");
        r = runCli({"encode", "--run", run, "--data", data_, "--out", latent});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const QStringList rows = QString::fromUtf8(readAll(latent)).trimmed().split('\n');
        QCOMPARE(rows.size(), 49);
        QCOMPARE(rows[0], QString("filename,label,mu_0,mu_1,mu_2,sigma_0,sigma_1,sigma_2"));
        QCOMPARE(rows[1].split(',').size(), 8);
        QVERIFY(rows[1].split(',')[1] == "normal" || rows[1].split(',')[1] == "anomaly");
        QVERIFY(rows[1].split(',')[5].toDouble() > 0);  // σ

        const QString gen = tmp_.filePath("generated");
        r = runCli({"generate", "--run", run, "--count", "3", "--seed", "5", "--out", gen});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QCOMPARE(QDir(gen).entryList({"*.fits"}, QDir::Files).size(), 3);
        const QByteArray fits = readAll(gen + "/generated_000002.fits");
        QVERIFY(fits.contains("DF_KIND = 'vae-latent"));
        QVERIFY(fits.contains("DF_SEED = "));
        // Same seed, same pixels.
        const QString again = tmp_.filePath("again");
        QCOMPARE(runCli({"generate", "--run", run, "--count", "3", "--seed", "5", "--out", again}).code, 0);
        QCOMPARE(readAll(again + "/generated_000002.fits").right(16 * 16 * 4), fits.right(16 * 16 * 4));

        const QString scores = tmp_.filePath("scores.csv");
        r = runCli({"score", "--run", run, "--data", data_, "--out", scores});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY(r.out.contains("ROC AUC"));
        const QStringList s = QString::fromUtf8(readAll(scores)).trimmed().split('\n');
        QCOMPARE(s.size(), 49);
        QCOMPARE(s[0], QString("rank,filename,label,score"));
        QVERIFY(s[1].startsWith("1,") && s[48].startsWith("48,"));
        QVERIFY(s[1].split(',')[3].toDouble() >= s[48].split(',')[3].toDouble());

        // Noise-weighted, peak, matched-filter and combined statistics: the same images, other scores, still ranked.
        for (const char* statistic : {"chi2", "peak", "matched", "combined"}) {
            const QString other = tmp_.filePath(QString("scores-%1.csv").arg(statistic));
            r = runCli({"score", "--run", run, "--data", data_, "--out", other, "--statistic", statistic});
            QVERIFY2(r.code == 0, qPrintable(r.err));
            QVERIFY(r.out.contains(QString("(%1)").arg(statistic)));
            const QStringList o = QString::fromUtf8(readAll(other)).trimmed().split('\n');
            QCOMPARE(o.size(), 49);
            QVERIFY(o[1].split(',')[3].toDouble() > 0 && o[1].split(',')[3].toDouble() >= o[48].split(',')[3].toDouble());
            QVERIFY(o != s);
        }
        r = runCli({"score", "--run", run, "--data", data_, "--out", scores, "--statistic", "max"});
        QVERIFY(r.code != 0 && r.err.contains("sum, chi2, peak, matched, combined or annulus"));

        // Against a reference folder (here the same images): every statistic over its k nearest
        // reference images' mean in μ. k = the whole folder divides by one constant (the same ranking
        // as plain matched, scores smaller by that mean); k = 3 gives another ranking.
        const QString refAll = tmp_.filePath("ref-all.csv"), ref3 = tmp_.filePath("ref-3.csv");
        r = runCli({"score", "--run", run, "--data", data_, "--out", refAll, "--statistic", "matched", "--reference", data_,
                    "--neighbours", "48"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY2(r.out.contains("(matched) over its 48 nearest in '" + data_ + "'"), qPrintable(r.out));
        QVERIFY(r.out.contains("ROC AUC"));
        const QStringList plainMatched = QString::fromUtf8(readAll(tmp_.filePath("scores-matched.csv"))).trimmed().split('\n');
        const QStringList all = QString::fromUtf8(readAll(refAll)).trimmed().split('\n');
        QCOMPARE(all.size(), 49);
        double meanMatched = 0;
        for (int i = 1; i <= 48; ++i) meanMatched += plainMatched[i].split(',')[3].toDouble() / 48;
        for (int i = 1; i <= 48; ++i) {
            QCOMPARE(all[i].split(',')[1], plainMatched[i].split(',')[1]);  // same order
            QVERIFY(std::abs(all[i].split(',')[3].toDouble() * meanMatched / plainMatched[i].split(',')[3].toDouble() - 1) < 1e-4);
        }
        r = runCli({"score", "--run", run, "--data", data_, "--out", ref3, "--statistic", "combined", "--reference", data_,
                    "--neighbours", "3"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const QStringList three = QString::fromUtf8(readAll(ref3)).trimmed().split('\n');
        QCOMPARE(three.size(), 49);
        QVERIFY(three[1].split(',')[3].toDouble() <= 1.0 && three[1].split(',')[3].toDouble() >= three[48].split(',')[3].toDouble());
        QVERIFY(three != QString::fromUtf8(readAll(tmp_.filePath("scores-combined.csv"))).trimmed().split('\n'));
        // annulus: per-radius residual power over the reference neighbours' (only with a reference).
        const QString ann = tmp_.filePath("annulus.csv");
        r = runCli({"score", "--run", run, "--data", data_, "--out", ann, "--statistic", "annulus", "--reference", data_});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY2(r.out.contains("(annulus) over its 20 nearest"), qPrintable(r.out));
        const QStringList a = QString::fromUtf8(readAll(ann)).trimmed().split('\n');
        QCOMPARE(a.size(), 49);
        QVERIFY(a[48].split(',')[3].toDouble() > 0 && a[1].split(',')[3].toDouble() > a[48].split(',')[3].toDouble());
        r = runCli({"score", "--run", run, "--data", data_, "--out", ann, "--statistic", "annulus"});
        QVERIFY(r.code != 0 && r.err.contains("--reference"));
        r = runCli({"score", "--run", run, "--data", data_, "--out", ref3, "--neighbours", "3"});
        QVERIFY(r.code != 0 && r.err.contains("--reference"));
        r = runCli({"score", "--run", run, "--data", data_, "--out", ref3, "--reference", tmp_.filePath("missing")});
        QVERIFY(r.code != 0 && r.err.contains("missing"));

        // An ensemble: --run a,b gives the mean of each run's rank fractions; the same run twice
        // gives its own rank fractions ((rank from the bottom) / n), in its own order.
        const QString ens = tmp_.filePath("ensemble.csv");
        r = runCli({"score", "--run", run + "," + run, "--data", data_, "--out", ens});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY2(r.out.contains("mean rank fraction of 2 runs"), qPrintable(r.out));
        const QStringList e = QString::fromUtf8(readAll(ens)).trimmed().split('\n');
        QCOMPARE(e.size(), 49);
        for (int i = 1; i <= 48; ++i) {
            QCOMPARE(e[i].split(',')[1], s[i].split(',')[1]);
            QVERIFY(std::abs(e[i].split(',')[3].toDouble() - double(49 - i) / 48) < 1e-6);
        }

        // Radial profile of the generated images against the training folder.
        const QString profile = tmp_.filePath("profile.csv");
        r = runCli({"generate", "--run", run, "--count", "8", "--seed", "5", "--out", tmp_.filePath("gen-profile"),
                    "--compare", data_, "--profile-out", profile});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY2(r.out.contains("radial profile: folder Re ") && r.out.contains("inside 2 Re"), qPrintable(r.out));
        const QStringList annuli = QString::fromUtf8(readAll(profile)).trimmed().split('\n');
        QCOMPARE(annuli[0], QString("radius,folder,generated,ratio"));
        QCOMPARE(annuli.size(), 1 + 8);  // 16×16 stamps: 8 one-pixel annuli
        QVERIFY(annuli[1].split(',')[1].toDouble() > annuli[8].split(',')[1].toDouble());  // light falls off outward
        r = runCli({"generate", "--run", run, "--count", "2", "--out", tmp_.filePath("g2"), "--profile-out", profile});
        QVERIFY(r.code != 0 && r.err.contains("--compare"));
    }

    void wganTrainSamplesAndScore() {
        const QString run = tmp_.filePath("wgan");
        Result r = runCli({"train", "--model", "wgan", "--data", data_, "--out", run, "--epochs", "2", "--batch-size",
                           "8", "--base-filters", "4", "--latent", "8", "--critic-steps", "2", "--sample-every", "2"});
        QVERIFY2(r.code == 0, qPrintable(r.err + r.out));
        QVERIFY(r.out.contains("wasserstein"));
        // 6 critic steps per epoch → 3 generator steps per epoch, a sample every 2 plus the start: steps 0, 2, 4, 6.
        QCOMPARE(QDir(run + "/samples").entryList({"*.fits"}, QDir::Files).size(), 4);
        QVERIFY(QFile::exists(run + "/samples/step_000006.fits"));
        r = runCli({"score", "--run", run, "--data", data_, "--out", tmp_.filePath("critic.csv")});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY(r.out.contains("the critic"));
        r = runCli({"encode", "--run", run, "--data", data_, "--out", tmp_.filePath("x.csv")});
        QVERIFY(r.code != 0);
        QVERIFY2(r.err.contains("encode needs a VAE"), qPrintable(r.err));
    }

    void badInput() {
        Result r = runCli({"encode", "--run", tmp_.filePath("nothing"), "--data", data_, "--out", tmp_.filePath("y.csv")});
        QVERIFY(r.code != 0);
        QVERIFY2(r.err.contains("--run '" + tmp_.filePath("nothing") + "' is not a folder"), qPrintable(r.err));
        QDir().mkpath(tmp_.filePath("empty"));  // a folder, but not a run
        r = runCli({"encode", "--run", tmp_.filePath("empty"), "--data", data_, "--out", tmp_.filePath("y.csv")});
        QVERIFY(r.code != 0);
        QVERIFY2(r.err.contains("no model.json"), qPrintable(r.err));
        r = runCli({"train", "--model", "dcgan", "--data", data_, "--out", tmp_.filePath("odd"), "--image-size", "12"});
        QVERIFY(r.code != 0);
        QVERIFY2(r.err.contains("multiples of 8"), qPrintable(r.err));
        QVERIFY(!QDir(tmp_.filePath("odd")).exists());
    }
};

QTEST_APPLESS_MAIN(TestCliGenerative)
#include "tst_cli_generative.moc"
