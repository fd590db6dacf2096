#include <QtTest>

#include "core/error.h"
#include "gradcheck.h"
#include "graph/graph.h"
#include "layers/merge.h"
#include "layers/registry.h"

using namespace deepfield;
using namespace deepfield::test;

class TestMerge : public QObject {
    Q_OBJECT
private slots:
    void gradients_data() {
        QTest::addColumn<QString>("type");
        QTest::addColumn<int>("axis");
        QTest::addColumn<QList<QList<int>>>("inputs");  // per-sample shapes
        QTest::addColumn<QList<int>>("output");
        QTest::newRow("Add 2") << "Add" << 0 << QList<QList<int>>{{2, 3, 4}, {2, 3, 4}} << QList<int>{2, 3, 4};
        QTest::newRow("Add 3 flat") << "Add" << 0 << QList<QList<int>>{{5}, {5}, {5}} << QList<int>{5};
        QTest::newRow("Concatenate channels") << "Concatenate" << 0 << QList<QList<int>>{{2, 3, 4}, {3, 3, 4}}
                                              << QList<int>{5, 3, 4};
        QTest::newRow("Concatenate 3 channels") << "Concatenate" << 0
                                                << QList<QList<int>>{{1, 2, 2}, {3, 2, 2}, {2, 2, 2}}
                                                << QList<int>{6, 2, 2};
        QTest::newRow("Concatenate axis 1") << "Concatenate" << 1 << QList<QList<int>>{{2, 3, 4}, {2, 1, 4}}
                                            << QList<int>{2, 4, 4};
        QTest::newRow("Concatenate axis -1") << "Concatenate" << -1 << QList<QList<int>>{{2, 3, 4}, {2, 3, 2}}
                                             << QList<int>{2, 3, 6};
        QTest::newRow("Concatenate features") << "Concatenate" << 0 << QList<QList<int>>{{4}, {3}} << QList<int>{7};
    }
    void gradients() {
        QFETCH(QString, type);
        QFETCH(int, axis);
        QFETCH(QList<QList<int>>, inputs);
        QFETCH(QList<int>, output);
        auto layer = LayerRegistry::instance().create(type.toStdString(),
                                                      type == "Add" ? Json::object() : Json{{"axis", axis}});
        QCOMPARE(layer->inputCount(), -1);
        Rng rng(6);
        std::vector<Tensor> in;
        std::vector<Shape> shapes;
        for (const auto& s : inputs) {
            std::vector<int> full{3};
            full.insert(full.end(), s.begin(), s.end());
            in.push_back(randomTensor(full, rng));
            shapes.push_back(Shape(s.begin(), s.end()));
        }
        QCOMPARE(layer->outputShape(shapes), Shape(output.begin(), output.end()));
        buildLayer(*layer, in);
        const auto r = checkLayerGradients(*layer, in, Mode::Training, 1e-2);
        QVERIFY2(r.worstError < 1e-4, (r.worst + " error " + std::to_string(r.worstError)).c_str());
    }

    void concatenateLayout() {
        Concatenate cat(0);
        const Tensor a = Tensor::fromData({2, 1}, {1, 3});
        const Tensor b = Tensor::fromData({2, 2}, {5, 6, 7, 8});
        Tensor y;
        cat.forward({&a, &b}, y, Mode::Inference);
        QCOMPARE(y.shape(), (std::vector<int>{2, 3}));
        QCOMPARE(y.values(), (std::vector<float>{1, 5, 6, 3, 7, 8}));
        Tensor a2 = Tensor::fromData({1, 2, 2}, {1, 2, 3, 4}), b2 = Tensor::fromData({1, 2, 1}, {5, 6});
        Concatenate last(-1);
        last.forward({&a2, &b2}, y, Mode::Inference);
        QCOMPARE(y.values(), (std::vector<float>{1, 2, 5, 3, 4, 6}));
    }

    void errors_data() {
        QTest::addColumn<QString>("type");
        QTest::addColumn<QList<QList<int>>>("inputs");
        QTest::addColumn<QString>("message");
        QTest::newRow("Add shapes") << "Add" << QList<QList<int>>{{2, 4, 4}, {3, 4, 4}}
                                    << "input 0 is (2, 4, 4) but input 1 is (3, 4, 4)";
        QTest::newRow("Add one") << "Add" << QList<QList<int>>{{2}} << "two or more inputs, got 1";
        QTest::newRow("Concatenate sizes") << "Concatenate" << QList<QList<int>>{{2, 4, 4}, {3, 4, 5}}
                                           << "input 0 is (2, 4, 4) but input 1 is (3, 4, 5)";
        QTest::newRow("Concatenate ranks") << "Concatenate" << QList<QList<int>>{{2, 4, 4}, {8}}
                                           << "input 0 is (2, 4, 4) but input 1 is (8)";
    }
    void errors() {
        QFETCH(QString, type);
        QFETCH(QList<QList<int>>, inputs);
        QFETCH(QString, message);
        auto layer = LayerRegistry::instance().create(type.toStdString(), Json::object());
        std::vector<Shape> shapes;
        for (const auto& s : inputs) shapes.push_back(Shape(s.begin(), s.end()));
        try {
            layer->outputShape(shapes);
            QFAIL("no ShapeError");
        } catch (const ShapeError& e) {
            QVERIFY2(QString(e.what()).contains(message), e.what());
            QVERIFY2(QString(e.what()).startsWith(type), e.what());
        }
        auto bad = LayerRegistry::instance().create("Concatenate", Json{{"axis", 3}});
        QVERIFY_THROWS_EXCEPTION(ShapeError, bad->outputShape({Shape{2, 4, 4}, Shape{2, 4, 4}}));
    }

    // A residual block with a concatenated side branch, checked end to end against finite
    // differences of L = Σ y·r: Conv2D → ReLU → Conv2D, Add with the block input, Concatenate.
    void graphSkipConnection() {
        Graph g;
        g.add("in", "Input", Json{{"shape", {2, 6, 5}}});
        g.add("conv1", "Conv2D", Json{{"filters", 3}, {"kernel_size", 3}}, {"in"});
        g.add("relu", "ReLU", Json::object(), {"conv1"});
        g.add("conv2", "Conv2D", Json{{"filters", 2}, {"kernel_size", 3}}, {"relu"});
        g.add("add", "Add", Json::object(), {"conv2", "in"});
        g.add("cat", "Concatenate", Json::object(), {"add", "relu", "in"});
        g.build();
        g.reset(17);
        Rng rng(5);
        for (Param& p : g.parameters())
            if (p.name.find("bias") != std::string::npos) *p.value = randomTensor(p.value->shape(), rng, -0.2f, 0.2f);
        QCOMPARE(g.shapeOf("cat"), (Shape{7, 6, 5}));

        Tensor x = randomTensor({2, 2, 6, 5}, rng);
        const Tensor& y0 = g.forward(x, Mode::Training);
        const Tensor r = randomTensor(y0.shape(), rng);
        g.zeroGrad();
        g.backward(r, true);
        const Tensor dx = g.inputGradient(0);
        QCOMPARE(dx.shape(), x.shape());

        auto objective = [&]() {
            const Tensor& y = g.forward(x, Mode::Training);
            double s = 0;
            for (std::size_t i = 0; i < y.size(); ++i) s += double(y[i]) * r[i];
            return s;
        };
        const float eps = 1e-3f;
        auto numeric = [&](Tensor& v) {
            Tensor n(v.shape());
            for (std::size_t i = 0; i < v.size(); ++i) {
                const float keep = v[i];
                v[i] = keep + eps;
                const double up = objective();
                v[i] = keep - eps;
                const double down = objective();
                v[i] = keep;
                n[i] = float((up - down) / (2 * eps));
            }
            return n;
        };
        const Tensor ndx = numeric(x);
        QVERIFY2(relativeError(dx, ndx) < 1e-2, std::to_string(relativeError(dx, ndx)).c_str());
        int checked = 0;
        for (Param& p : g.parameters()) {
            const Tensor analytic = *p.grad;
            const Tensor n = numeric(*p.value);
            const double err = relativeError(analytic, n);
            QVERIFY2(err < 1e-2, (p.name + " error " + std::to_string(err)).c_str());
            ++checked;
        }
        QCOMPARE(checked, 4);
    }
};

QTEST_APPLESS_MAIN(TestMerge)
#include "tst_merge.moc"
