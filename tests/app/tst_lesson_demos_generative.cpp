// The automatic demonstrations of lessons 7–9 (encoder–decoders, VAE, GAN): each opens its lesson in the studio, runs
// the demonstration to the end (under 60 s) and the phenomenon the lesson teaches is asserted on
// the numbers the panels show.
#include <QtTest>

#include <QComboBox>
#include <QElapsedTimer>
#include <cmath>

#include "lessons/lesson_catalog.h"
#include "lessons/lesson_demos.h"
#include "lessons/lessons_panel.h"
#include "lessons/photoz_view.h"
#include "main_window.h"
#include "panels/data_panel.h"

using namespace deepfield;
using namespace deepfield::app;

#include "lesson_fixture.h"
using namespace deepfield::app::testing;

class TestLessonDemosGenerative : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        QCoreApplication::setOrganizationName("DeepFieldTests");
        QVERIFY(!lessonDataDir().isEmpty());
    }

    void lesson7EncoderDecoders() {
        Studio s;
        DEMO_RAN(s, 7);
        const LessonDemo* d = s.lessons->demo();
        // Measured 0.655 against 0.044 for marking every pixel, B/T r 0.85: the bars sit well below
        // those and far above what an untrained network or a trivial mask gives.
        QVERIFY2(d->number("dice") > 0.55 && d->number("dice") > d->number("dice_trivial") + 0.4,
                 qPrintable(QString("%1 vs %2").arg(d->number("dice")).arg(d->number("dice_trivial"))));
        QVERIFY2(d->number("bt_r") > 0.75, qPrintable(QString::number(d->number("bt_r"))));
    }

    void lesson8LatentPlaneSeparatesClasses() {
        Studio s;
        DEMO_RAN(s, 8);
        const LessonDemo* d = s.lessons->demo();
        QCOMPARE(d->number("latent_dim"), 2.0);
        // Fitted on the μ of the 1,600 training galaxies' ellipticals and disks, tested on 400 more
        // galaxies of the same simulation that the VAE never trained on.
        QVERIFY(d->number("trained") > 1000);
        QVERIFY(d->number("tested") > 250);
        // #5's criterion: ellipticals vs disks (spirals, edge-on; irregulars left out) ≥ 90 % on
        // held-out galaxies. The recipe of docs/demonstrations.md: 1,600 galaxies g,r,i 32×32, β 0.5,
        // KL warm-up 3, lr 0.002, 15 epochs, base 16: measured 0.933 on 300 unseen (12 s; 0.940 when
        // it was measured on a quarter of the training images).
        QVERIFY2(d->number("accuracy") >= 0.9, qPrintable(QString::number(d->number("accuracy"))));
        QVERIFY(d->number("accuracy") > d->number("majority") + 0.1);
    }

    void lesson9GanSharpensAndFindsOddballs() {
        Studio s;
        DEMO_RAN(s, 9);
        const LessonDemo* d = s.lessons->demo();
        QVERIFY(d->number("snapshots") >= 3);
        // WGAN (clip 0.05, 5 critic steps, 20 epochs of 600 galaxies): measured 0.292 → 0.192 over 16 snapshots.
        QVERIFY2(d->number("profile_last") < 0.85 * d->number("profile_first"),
                 qPrintable(QString("%1 -> %2").arg(d->number("profile_first")).arg(d->number("profile_last"))));
        QVERIFY(d->number("oddballs") >= 10);
        // The WGAN critic: measured 0.707 with ring oddballs drawn as detached ring galaxies (0.705 before;
        // the same recipe in deepfield-cli --base-filters 16, seeds 1–3: 0.720, 0.678, 0.711, before
        // 0.705, 0.639, 0.693): the bar stays below the seeds' spread.
        // Random order gives 0.5 ± 0.055 with 29 oddballs in 600, and the DCGAN discriminator this
        // lesson used before reached 0.558: both fail this bar.
        QVERIFY2(d->number("auc") >= 0.62, qPrintable(QString::number(d->number("auc"))));
        // The Data panel's form shows the lesson's kind of galaxies, so pressing Load again keeps the oddballs.
        QComboBox* kind = nullptr;
        for (QComboBox* box : s.window.dataPanel()->findChildren<QComboBox*>())
            if (box->findText("deconvolution") >= 0) kind = box;
        QVERIFY(kind);
        QCOMPARE(kind->currentText(), QString("anomaly"));
    }
};

QTEST_MAIN(TestLessonDemosGenerative)
#include "tst_lesson_demos_generative.moc"
