// Optimizers: three consecutive steps on two parameters with given gradients agree with
// torch.optim (tests/reference/torch_training.py), including global-norm clipping
// (torch.nn.utils.clip_grad_norm_ before the step).
#include <QtTest>

#include <cmath>

#include "core/error.h"
#include "gradcheck.h"
#include "graph/safetensors.h"
#include "train/optimizer.h"

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
}  // namespace

class TestOptimizers : public QObject {
    Q_OBJECT
private slots:
    void matchesTorch_data() {
        QTest::addColumn<QString>("refCase");
        for (const char* c : {"sgd", "sgd_momentum", "sgd_nesterov", "sgd_weight_decay", "rmsprop", "rmsprop_momentum",
                              "adagrad", "adam", "adam_weight_decay", "adamw", "sgd_clipnorm", "adam_clipnorm"})
            QTest::newRow(c) << c;
    }
    void matchesTorch() {
        QFETCH(QString, refCase);
        const std::string name = refCase.toStdString();
        const Json cases = Json::parse(reference().metadata.at("optimizers").get<std::string>());
        const Json& c = cases.at(name);
        auto opt = makeOptimizer(c.at("name").get<std::string>(), OptimizerOptions::fromJson(c.at("options")));
        const std::string base = "opt/" + name + "/";
        Tensor values[2] = {refTensor(base + "p0_init"), refTensor(base + "p1_init")};
        Tensor grads[2] = {Tensor(values[0].shape()), Tensor(values[1].shape())};
        std::vector<Param> params{{"w", &values[0], &grads[0]}, {"b", &values[1], &grads[1]}};
        for (int step = 1; step <= 3; ++step) {
            const std::string s = std::to_string(step);
            double sq = 0;
            for (int k = 0; k < 2; ++k) {
                grads[k] = refTensor(base + "g" + std::to_string(k) + "_step" + s);
                sq += double(grads[k].vec().squaredNorm());
            }
            const double norm = opt->step(params);
            QVERIFY(std::abs(norm - std::sqrt(sq)) <= 1e-5 * std::sqrt(sq));  // norm before clipping
            for (int k = 0; k < 2; ++k) {
                const Tensor& want = refTensor(base + "p" + std::to_string(k) + "_step" + s);
                const double err = relativeError(values[k], want);
                QVERIFY2(err <= 1e-4, (name + " step " + s + " param " + std::to_string(k) + ": relative error " +
                                       std::to_string(err)).c_str());
                // The change itself must agree too (a wrong update can hide in a large weight).
                Tensor moved = values[k], wantMoved = want;
                const Tensor& before = step == 1 ? refTensor(base + "p" + std::to_string(k) + "_init")
                                                 : refTensor(base + "p" + std::to_string(k) + "_step" + std::to_string(step - 1));
                moved.vec() -= before.vec();
                wantMoved.vec() -= before.vec();
                QVERIFY2(relativeError(moved, wantMoved) <= 2e-3,
                         (name + " update of step " + s + ": relative error " +
                          std::to_string(relativeError(moved, wantMoved))).c_str());
            }
        }
        QCOMPARE(opt->steps(), 3);
    }

    void clippingScalesTheGlobalNorm() {
        OptimizerOptions o;
        o.learningRate = 1.0;
        o.clipNorm = 1.0;
        auto opt = makeOptimizer("sgd", o);
        Tensor w({2}), g = Tensor::fromData({2}, {3.0f, 4.0f});  // norm 5
        std::vector<Param> p{{"w", &w, &g}};
        QCOMPARE(opt->step(p), 5.0);
        QVERIFY(std::abs(w[0] + 0.6f) < 1e-6f && std::abs(w[1] + 0.8f) < 1e-6f);
        // Below the limit nothing is scaled.
        w.setZero();
        g = Tensor::fromData({2}, {0.3f, 0.4f});
        opt->step(p);
        QVERIFY(std::abs(w[0] + 0.3f) < 1e-6f && std::abs(w[1] + 0.4f) < 1e-6f);
    }

    void nonFiniteGradientLeavesWeights() {
        auto opt = makeOptimizer("adam", OptimizerOptions{});
        Tensor w = Tensor::fromData({2}, {1.0f, 2.0f}), g = Tensor::fromData({2}, {NAN, 1.0f});
        std::vector<Param> p{{"w", &w, &g}};
        QVERIFY(std::isnan(opt->step(p)));
        QCOMPARE(w[0], 1.0f);
        QCOMPARE(w[1], 2.0f);
        QCOMPARE(opt->steps(), 0);
    }

    void options() {
        const OptimizerOptions o = OptimizerOptions::fromJson(
            Json{{"learning_rate", 0.5}, {"momentum", 0.9}, {"nesterov", true}, {"clipnorm", 2}});
        QCOMPARE(o.learningRate, 0.5);
        QCOMPARE(o.momentum, 0.9);
        QVERIFY(o.nesterov);
        QCOMPARE(o.clipNorm, 2.0);
        const OptimizerOptions back = OptimizerOptions::fromJson(o.toJson());
        QCOMPARE(back.toJson().dump(), o.toJson().dump());
        try {
            OptimizerOptions::fromJson(Json{{"learning_rate", "fast"}});
            QFAIL("no error");
        } catch (const InputError& e) {
            QVERIFY2(QString(e.what()).contains("'learning_rate' must be a number"), e.what());
        }
        QVERIFY_THROWS_EXCEPTION(InputError, OptimizerOptions::fromJson(Json{{"momentum", -1}}));
        try {
            makeOptimizer("lbfgs", OptimizerOptions{});
            QFAIL("no error");
        } catch (const InputError& e) {
            QVERIFY(QString(e.what()).contains("'lbfgs'"));
            QVERIFY(QString(e.what()).contains("adamw"));
        }
    }
};

QTEST_APPLESS_MAIN(TestOptimizers)
#include "tst_optimizers.moc"
