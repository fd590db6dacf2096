// Learning-rate schedules against torch's StepLR, ExponentialLR and CosineAnnealingLR.
#include <QtTest>

#include <cmath>

#include "core/error.h"
#include "graph/safetensors.h"
#include "train/schedule.h"

using namespace deepfield;

class TestSchedules : public QObject {
    Q_OBJECT
private slots:
    void matchesTorch_data() {
        QTest::addColumn<QString>("kind");
        QTest::newRow("step") << "step";
        QTest::newRow("exponential") << "exponential";
        QTest::newRow("cosine") << "cosine";
    }
    void matchesTorch() {
        QFETCH(QString, kind);
        const TensorFile f = readSafetensors(DEEPFIELD_TEST_DATA "/torch_training.safetensors");
        const Json settings = Json::parse(f.metadata.at("schedules").get<std::string>());
        const Schedule s = Schedule::fromJson(settings.at(kind.toStdString()));
        const double base = settings.at("base_lr").get<double>();
        const Tensor& want = f.tensors.at("schedule/" + kind.toStdString());
        QVERIFY(want.size() >= 10);
        for (int epoch = 0; epoch < int(want.size()); ++epoch) {
            const double lr = s.learningRate(base, epoch, 100);
            QVERIFY2(std::abs(lr - want[std::size_t(epoch)]) <= 1e-4 * want[std::size_t(epoch)],
                     (kind.toStdString() + " epoch " + std::to_string(epoch) + ": " + std::to_string(lr) +
                      " vs torch " + std::to_string(want[std::size_t(epoch)]))
                         .c_str());
        }
    }

    void constantAndDefaults() {
        const Schedule c;
        for (int e : {0, 5, 50}) QCOMPARE(c.learningRate(0.01, e, 10), 0.01);
        // Cosine without a period spans the run and stays at the floor afterwards.
        const Schedule cos = Schedule::fromJson(Json{{"kind", "cosine"}, {"min_lr", 0.0}});
        QCOMPARE(cos.learningRate(1.0, 0, 10), 1.0);
        QVERIFY(std::abs(cos.learningRate(1.0, 5, 10) - 0.5) < 1e-12);
        QVERIFY(std::abs(cos.learningRate(1.0, 12, 10)) < 1e-12);
        const Schedule back = Schedule::fromJson(Schedule::fromJson(Json{{"kind", "step"}, {"step_size", 4}}).toJson());
        QCOMPARE(back.kind, std::string("step"));
        QCOMPARE(back.stepSize, 4);
        try {
            Schedule::fromJson(Json("linear"));
            QFAIL("no error");
        } catch (const InputError& e) {
            QVERIFY(QString(e.what()).contains("'linear'"));
        }
    }
};

QTEST_APPLESS_MAIN(TestSchedules)
#include "tst_schedules.moc"
