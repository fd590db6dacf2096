// Losses: value and gradient against PyTorch (tests/reference/torch_training.py) and
// against central finite differences; error messages name the loss and the shapes.
#include <QtTest>

#include <cmath>

#include "core/error.h"
#include "gradcheck.h"
#include "graph/safetensors.h"
#include "train/loss.h"

using namespace deepfield;
using namespace deepfield::test;

namespace {
const TensorFile& reference() {
    static const TensorFile f = readSafetensors(DEEPFIELD_TEST_DATA "/torch_training.safetensors");
    return f;
}
const Tensor& refTensor(const std::string& name) {
    auto it = reference().tensors.find(name);
    if (it == reference().tensors.end()) throw Error("reference tensor '" + name + "' is missing");
    return it->second;
}
// Central differences of the loss value with respect to every prediction entry.
Tensor numericGradient(const Loss& loss, Tensor pred, const Tensor& target, float eps) {
    Tensor numeric(pred.shape()), g;
    for (std::size_t i = 0; i < pred.size(); ++i) {
        const float keep = pred[i];
        pred[i] = keep + eps;
        const double up = loss.compute(pred, target, g);
        pred[i] = keep - eps;
        const double down = loss.compute(pred, target, g);
        pred[i] = keep;
        numeric[i] = float((up - down) / (double(pred[i] + eps) - double(pred[i] - eps)));
    }
    return numeric;
}
}  // namespace

class TestLosses : public QObject {
    Q_OBJECT
private slots:
    void matchesTorch_data() {
        QTest::addColumn<QString>("refCase");
        QTest::addColumn<QString>("loss");
        QTest::addColumn<double>("delta");
        QTest::newRow("mse") << "mse" << "mse" << 0.0;
        QTest::newRow("mae") << "mae" << "mae" << 0.0;
        QTest::newRow("huber") << "huber" << "huber" << 1.0;
        QTest::newRow("huber delta 0.5") << "huber_delta_0.5" << "huber" << 0.5;
        QTest::newRow("bce") << "binary_crossentropy" << "binary_crossentropy" << 0.0;
        QTest::newRow("bce soft targets") << "binary_crossentropy_soft" << "binary_crossentropy" << 0.0;
        QTest::newRow("bce logits") << "binary_crossentropy_logits" << "binary_crossentropy_logits" << 0.0;
        QTest::newRow("scce") << "sparse_categorical_crossentropy" << "sparse_categorical_crossentropy" << 0.0;
        QTest::newRow("scce per pixel") << "sparse_categorical_crossentropy_pixels"
                                        << "sparse_categorical_crossentropy" << 0.0;
    }
    void matchesTorch() {
        QFETCH(QString, refCase);
        QFETCH(QString, loss);
        QFETCH(double, delta);
        const std::string base = "loss/" + refCase.toStdString() + "/";
        const auto l = makeLoss(loss.toStdString(), delta > 0 ? Json{{"delta", delta}} : Json::object());
        Tensor grad;
        const double value = l->compute(refTensor(base + "pred"), refTensor(base + "target"), grad);
        const double want = refTensor(base + "value")[0];
        QVERIFY2(std::abs(value - want) <= 1e-4 * std::abs(want),
                 (std::to_string(value) + " vs torch " + std::to_string(want)).c_str());
        QCOMPARE(grad.shape(), refTensor(base + "pred").shape());
        const double err = relativeError(grad, refTensor(base + "grad"));
        QVERIFY2(err <= 1e-4, ("gradient relative error " + std::to_string(err)).c_str());
    }

    void finiteDifferences_data() {
        QTest::addColumn<QString>("loss");
        QTest::addColumn<int>("kind");  // 0 regression, 1 probabilities, 2 logits+01, 3 class labels, 4 per pixel
        QTest::newRow("mse") << "mse" << 0;
        QTest::newRow("mae") << "mae" << 0;
        QTest::newRow("huber") << "huber" << 0;
        QTest::newRow("bce") << "binary_crossentropy" << 1;
        QTest::newRow("bce logits") << "binary_crossentropy_logits" << 2;
        QTest::newRow("scce") << "sparse_categorical_crossentropy" << 3;
        QTest::newRow("scce per pixel") << "sparse_categorical_crossentropy" << 4;
    }
    void finiteDifferences() {
        QFETCH(QString, loss);
        QFETCH(int, kind);
        Rng rng(11);
        Tensor pred, target;
        if (kind == 0) {
            pred = randomTensor({5, 3}, rng, -2, 2);
            target = randomTensor({5, 3}, rng, -2, 2);
            // Stay away from the kinks of |d| and of Huber at |d| = 1.
            for (std::size_t i = 0; i < pred.size(); ++i) {
                const float d = pred[i] - target[i];
                if (std::abs(d) < 0.05f || std::abs(std::abs(d) - 1.0f) < 0.05f) pred[i] += 0.2f;
            }
        } else if (kind == 1 || kind == 2) {
            pred = kind == 1 ? randomTensor({6, 2}, rng, 0.1f, 0.9f) : randomTensor({6, 2}, rng, -3, 3);
            target = randomTensor({6, 2}, rng, 0, 1);
            if (kind == 2)
                for (std::size_t i = 0; i < target.size(); ++i) target[i] = target[i] > 0.5f ? 1.0f : 0.0f;
        } else {
            pred = kind == 3 ? randomTensor({6, 4}, rng, -2, 2) : randomTensor({2, 3, 2, 3}, rng, -2, 2);
            target = kind == 3 ? Tensor({6}) : Tensor({2, 1, 2, 3});
            for (std::size_t i = 0; i < target.size(); ++i) target[i] = float(rng.below(kind == 3 ? 4 : 3));
        }
        const auto l = makeLoss(loss.toStdString());
        Tensor grad;
        l->compute(pred, target, grad);
        const Tensor numeric = numericGradient(*l, pred, target, 1e-2f);
        const double err = relativeError(grad, numeric);
        QVERIFY2(err < 2e-3, ("relative error " + std::to_string(err)).c_str());
    }

    void bceClipsProbabilities() {
        // p = 0 and 1 would give log(0): the clip keeps the value finite and the gradient zero.
        auto l = makeLoss("binary_crossentropy");
        Tensor grad;
        const double v = l->compute(Tensor::fromData({2, 1}, {0.0f, 1.0f}), Tensor::fromData({2, 1}, {1.0f, 0.0f}), grad);
        QVERIFY(std::isfinite(v));
        QVERIFY(std::abs(v + std::log(1e-7)) < 1e-3);
        QCOMPARE(grad[0], 0.0f);
    }

    void errors_data() {
        QTest::addColumn<QString>("loss");
        QTest::addColumn<QVector<int>>("predShape");
        QTest::addColumn<QVector<int>>("targetShape");
        QTest::addColumn<float>("label");
        QTest::addColumn<QString>("expected");
        QTest::newRow("mse sizes") << "mse" << QVector<int>{4, 3} << QVector<int>{4, 2} << 0.0f
                                   << "mse: prediction (4, 3) and target (4, 2)";
        QTest::newRow("mae batch") << "mae" << QVector<int>{4, 1} << QVector<int>{2, 2} << 0.0f
                                   << "mae: prediction (4, 1) and target (2, 2)";
        QTest::newRow("bce") << "binary_crossentropy" << QVector<int>{3, 1} << QVector<int>{3, 2} << 0.0f
                             << "binary_crossentropy: prediction (3, 1) and target (3, 2)";
        QTest::newRow("scce one-hot") << "sparse_categorical_crossentropy" << QVector<int>{3, 4} << QVector<int>{3, 4}
                                      << 0.0f << "got prediction (3, 4) and target (3, 4)";
        QTest::newRow("scce label range") << "sparse_categorical_crossentropy" << QVector<int>{3, 4}
                                          << QVector<int>{3} << 4.0f << "label 4.000000 of sample 0 is not a class index in 0..3";
        QTest::newRow("scce fractional label") << "sparse_categorical_crossentropy" << QVector<int>{3, 4}
                                               << QVector<int>{3, 1} << 1.5f << "not a class index";
        QTest::newRow("scce NaN label") << "sparse_categorical_crossentropy" << QVector<int>{3, 4}
                                        << QVector<int>{3, 1} << float(NAN) << "not a class index";
        QTest::newRow("scce pixel labels") << "sparse_categorical_crossentropy" << QVector<int>{2, 3, 4, 4}
                                           << QVector<int>{2, 1, 4, 3} << 0.0f << "target (2, 1, 4, 3)";
        QTest::newRow("scce pixel label value") << "sparse_categorical_crossentropy" << QVector<int>{2, 3, 2, 2}
                                                << QVector<int>{2, 1, 2, 2} << -1.0f << "(pixel 0)";
    }
    void errors() {
        QFETCH(QString, loss);
        QFETCH(QVector<int>, predShape);
        QFETCH(QVector<int>, targetShape);
        QFETCH(float, label);
        QFETCH(QString, expected);
        const auto l = makeLoss(loss.toStdString());
        Tensor pred(std::vector<int>(predShape.begin(), predShape.end()), 0.3f);
        Tensor target(std::vector<int>(targetShape.begin(), targetShape.end()), label);
        Tensor grad;
        try {
            l->compute(pred, target, grad);
            QFAIL("no error");
        } catch (const Error& e) {
            const QString what = e.what();
            QVERIFY2(what.contains(loss), qPrintable(what));
            QVERIFY2(what.contains(expected), qPrintable(what));
        }
    }

    void unknownNames() {
        try {
            makeLoss("crossentropy");
            QFAIL("no error");
        } catch (const InputError& e) {
            QVERIFY(QString(e.what()).contains("'crossentropy'"));
            QVERIFY(QString(e.what()).contains("sparse_categorical_crossentropy"));
        }
        QVERIFY_THROWS_EXCEPTION(InputError, makeLoss("huber", Json{{"delta", -1}}));
        QCOMPARE(makeLoss("mean_squared_error")->name(), std::string("mse"));
        QVERIFY(makeLoss("sparse_categorical_crossentropy")->isClassification());
        QVERIFY(!makeLoss("huber")->isClassification());
    }
};

QTEST_APPLESS_MAIN(TestLosses)
#include "tst_losses.moc"
