// The automatic demonstrations of lessons 4, 6 and 10 (7–9: tst_lesson_demos_generative): each opens its lesson in the studio, runs
// the demonstration to the end (under 60 s) and the phenomenon the lesson teaches is asserted on
// the numbers the panels show.
#include <QtTest>

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

class TestLessonDemos : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        QCoreApplication::setOrganizationName("DeepFieldTests");
        QVERIFY(!lessonDataDir().isEmpty());
    }

    void lesson4CnnClassifiesGalaxies() {
        Studio s;
        DEMO_RAN(s, 4);
        const LessonDemo* d = s.lessons->demo();
        QCOMPARE(d->number("classes"), 4.0);
        QCOMPARE(int(d->number("evaluated")), int(s.window.dataPanel()->split(0.25, 1).second->size()));
        QVERIFY(d->number("evaluated") > 140);  // the validation quarter of 600
        QVERIFY2(d->number("accuracy") > 0.6, qPrintable(QString::number(d->number("accuracy"))));
        QVERIFY(d->number("diagonal_dominant_rows") >= 3);
        QVERIFY(s.lessons->statusText().contains("accuracy"));
    }

    void lesson6OpensTheBlackBox() {
        Studio s;
        DEMO_RAN(s, 6);
        const LessonDemo* d = s.lessons->demo();
        QVERIFY(d->number("kernels") >= 8);
        QCOMPARE(d->number("feature_maps"), d->number("kernels"));
        QVERIFY2(d->number("completeness_error") < 0.01, qPrintable(QString::number(d->number("completeness_error"))));
        QVERIFY2(d->number("central_share") > 0.5, qPrintable(QString::number(d->number("central_share"))));
        QVERIFY(d->number("objective_last") > d->number("objective_first"));
    }

    void lesson10FeaturesOrPixels() {
        Studio s;
        DEMO_RAN(s, 10);
        PhotoZView* v = s.lessons->photoZView();
        QVERIFY(v);
        QVERIFY2(v->errorText().isEmpty(), qPrintable(v->errorText()));
        const PhotoZRun& c = v->colourRun();
        const PhotoZRun& i = v->imageRun();
        qInfo("photo-z NMAD: colours %.4f (mean %.4f, outliers %.3f), images %.4f (mean %.4f)", c.nmad, c.trivialNmad,
              c.outliers, i.nmad, i.trivialNmad);
        QCOMPARE(int(c.truth.size()), 500);
        QCOMPARE(int(i.truth.size()), 150);
        QVERIFY(c.nmad < 0.7 * c.trivialNmad);
        QVERIFY(i.nmad < 0.7 * i.trivialNmad);
        QVERIFY(c.nmad < 0.1);
    }
};

QTEST_MAIN(TestLessonDemos)
#include "tst_lesson_demos.moc"
