// Initializers: statistics of large tensors, determinism by seed, and "auto" choosing He
// when a ReLU follows (through Graph::reset).
#include <QtTest>

#include <cmath>

#include "core/error.h"
#include "graph/graph.h"
#include "layers/dense.h"
#include "layers/initializer.h"

using namespace deepfield;

namespace {
struct Stats {
    double mean = 0, var = 0, min = INFINITY, max = -INFINITY;
};
Stats stats(const Tensor& t) {
    Stats s;
    for (std::size_t i = 0; i < t.size(); ++i) {
        s.mean += t[i];
        s.min = std::min(s.min, double(t[i]));
        s.max = std::max(s.max, double(t[i]));
    }
    s.mean /= double(t.size());
    for (std::size_t i = 0; i < t.size(); ++i) s.var += (t[i] - s.mean) * (t[i] - s.mean);
    s.var /= double(t.size());
    return s;
}
}  // namespace

class TestInitializers : public QObject {
    Q_OBJECT
private slots:
    void statistics_data() {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<double>("std");    // expected standard deviation
        QTest::addColumn<double>("bound");  // uniform: the limit; 0 for normal
        const double in = 400, out = 100;
        QTest::newRow("he_normal") << "he_normal" << std::sqrt(2 / in) << 0.0;
        QTest::newRow("he_uniform") << "he_uniform" << std::sqrt(2 / in) << std::sqrt(6 / in);
        QTest::newRow("glorot_normal") << "glorot_normal" << std::sqrt(2 / (in + out)) << 0.0;
        QTest::newRow("glorot_uniform") << "glorot_uniform" << std::sqrt(2 / (in + out)) << std::sqrt(6 / (in + out));
        QTest::newRow("lecun_normal") << "lecun_normal" << std::sqrt(1 / in) << 0.0;
        QTest::newRow("lecun_uniform") << "lecun_uniform" << std::sqrt(1 / in) << std::sqrt(3 / in);
        QTest::newRow("random_normal") << "random_normal" << 0.05 << 0.0;
        QTest::newRow("random_uniform") << "random_uniform" << 0.05 / std::sqrt(3.0) << 0.05;
    }
    void statistics() {
        QFETCH(QString, kind);
        QFETCH(double, std);
        QFETCH(double, bound);
        Tensor w({400, 400});  // 160 000 draws: the std estimate is good to ~0.3 %
        Rng rng(5);
        Initializer::parse(Json(kind.toStdString())).apply(w, 400, 100, rng, false);
        const Stats s = stats(w);
        QVERIFY2(std::abs(std::sqrt(s.var) / std - 1) < 0.03,
                 (kind.toStdString() + " std " + std::to_string(std::sqrt(s.var)) + " want " + std::to_string(std)).c_str());
        QVERIFY(std::abs(s.mean) < 0.02 * std);
        if (bound > 0) {
            QVERIFY(s.min >= -bound && s.max <= bound);
            QVERIFY(s.max > 0.99 * bound && s.min < -0.99 * bound);  // fills the whole range
        } else {
            QVERIFY(s.max > 3.5 * std);  // a real normal has tails beyond a uniform's reach
        }
    }

    void constants() {
        Tensor w({10, 10}, 7.0f);
        Rng rng(1);
        Initializer::parse(Json("zeros")).apply(w, 10, 10, rng, true);
        QCOMPARE(stats(w).max, 0.0);
        QCOMPARE(stats(w).min, 0.0);
        Initializer::parse(Json("ones")).apply(w, 10, 10, rng, false);
        QCOMPARE(stats(w).min, 1.0);
        const Initializer c = Initializer::parse(Json{{"kind", "constant"}, {"value", 0.25}});
        c.apply(w, 10, 10, rng, false);
        QCOMPARE(stats(w).min, 0.25);
        QCOMPARE(stats(w).max, 0.25);
        QCOMPARE(Initializer::parse(c.toJson()).value, 0.25f);
    }

    void deterministicBySeed() {
        Tensor a({50, 50}), b({50, 50}), c({50, 50});
        Rng r1(42), r2(42), r3(43);
        const Initializer init = Initializer::parse(Json("he_normal"));
        init.apply(a, 50, 50, r1, false);
        init.apply(b, 50, 50, r2, false);
        init.apply(c, 50, 50, r3, false);
        QVERIFY(a.values() == b.values());
        QVERIFY(a.values() != c.values());
    }

    void autoPicksHeBeforeRelu_data() {
        QTest::addColumn<QString>("activation");
        QTest::addColumn<double>("variance");
        QTest::newRow("ReLU: He") << "ReLU" << 2.0 / 256;
        QTest::newRow("LeakyReLU: He") << "LeakyReLU" << 2.0 / 256;
        QTest::newRow("Sigmoid: Glorot") << "Sigmoid" << 2.0 / (256 + 256);
        QTest::newRow("Tanh: Glorot") << "Tanh" << 2.0 / (256 + 256);
    }
    void autoPicksHeBeforeRelu() {
        QFETCH(QString, activation);
        QFETCH(double, variance);
        Graph g;
        g.add("in", "Input", Json{{"shape", {256}}});
        g.add("dense", "Dense", Json{{"units", 256}}, {"in"});
        g.add("act", activation.toStdString(), Json::object(), {"dense"});
        g.reset(3);
        const Tensor& k = *g.parameters().at(0).value;
        QCOMPARE(k.shape(), (std::vector<int>{256, 256}));
        const double v = stats(k).var;
        QVERIFY2(std::abs(v / variance - 1) < 0.03, ("variance " + std::to_string(v)).c_str());
        QCOMPARE(stats(*g.parameters().at(1).value).max, 0.0);  // bias: zeros
    }

    void autoLooksThroughDropout() {
        Graph g;
        g.add("in", "Input", Json{{"shape", {256}}});
        g.add("dense", "Dense", Json{{"units", 256}}, {"in"});
        g.add("drop", "Dropout", Json{{"rate", 0.1}}, {"dense"});
        g.add("act", "ReLU", Json::object(), {"drop"});
        g.reset(3);
        QVERIFY(std::abs(stats(*g.parameters().at(0).value).var / (2.0 / 256) - 1) < 0.03);
    }

    void graphResetIsDeterministic() {
        auto make = [] {
            Graph g;
            g.add("in", "Input", Json{{"shape", {8}}});
            g.add("d1", "Dense", Json{{"units", 16}}, {"in"});
            g.add("r", "ReLU", Json::object(), {"d1"});
            g.add("d2", "Dense", Json{{"units", 2}, {"kernel_initializer", "glorot_normal"}}, {"r"});
            return g;
        };
        Graph a = make(), b = make(), c = make();
        a.reset(9);
        b.reset(9);
        c.reset(10);
        const auto pa = a.parameters(), pb = b.parameters(), pc = c.parameters();
        bool anyDifferent = false;
        for (std::size_t i = 0; i < pa.size(); ++i) {
            QVERIFY(pa[i].value->values() == pb[i].value->values());
            anyDifferent |= pa[i].value->values() != pc[i].value->values();
        }
        QVERIFY(anyDifferent);
    }

    void parseErrors() {
        try {
            Initializer::parse(Json("xavier"));
            QFAIL("no error");
        } catch (const InputError& e) {
            QVERIFY(QString(e.what()).contains("'xavier'"));
            QVERIFY(QString(e.what()).contains("glorot_uniform"));
        }
        QVERIFY_THROWS_EXCEPTION(InputError, Initializer::parse(Json(3)));
        try {
            Initializer::parse(Json{{"kind", "constant"}, {"value", "big"}});
            QFAIL("no error");
        } catch (const InputError& e) {
            QVERIFY2(QString(e.what()).contains("\"value\" must be a number"), e.what());
        }
    }
};

QTEST_APPLESS_MAIN(TestInitializers)
#include "tst_initializers.moc"
