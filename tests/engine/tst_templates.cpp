#include <QtTest>

#include "core/error.h"
#include "graph/templates.h"

using namespace deepfield;

class TestTemplates : public QObject {
    Q_OBJECT
private slots:
    void list() {
        const auto all = templateList();
        QCOMPARE(int(all.size()), 4);
        QStringList names;
        for (const auto& t : all) names << QString::fromStdString(t.name);
        QCOMPARE(names, (QStringList{"mlp-colors", "mlp-photoz", "cnn-morphology", "cnn-morphology-3band"}));
        QCOMPARE(all[1].task, std::string("regression"));
    }

    void shapesAndParameters_data() {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QList<int>>("input");
        QTest::addColumn<int>("outputs");
        QTest::addColumn<qlonglong>("params");
        // (in·out + out) per Dense
        QTest::newRow("mlp-colors 4→3") << "mlp-colors" << QList<int>{4} << 3 << qlonglong(4 * 32 + 32 + 32 * 32 + 32 + 32 * 3 + 3);
        QTest::newRow("mlp-colors 3→3") << "mlp-colors" << QList<int>{3} << 3 << qlonglong(1283);
        QTest::newRow("mlp-colors 4→3 total") << "mlp-colors" << QList<int>{4} << 3 << qlonglong(1315);
        QTest::newRow("mlp-photoz 5→1") << "mlp-photoz" << QList<int>{5} << 1 << qlonglong(5 * 64 + 64 + 64 * 64 + 64 + 64 + 1);
        // conv: filters·C_in·9 + filters; 64×64 → 8×8 after three poolings: 64·8·8 = 4096
        QTest::newRow("cnn-morphology 1×64×64→3")
            << "cnn-morphology" << QList<int>{1, 64, 64} << 3
            << qlonglong(16 * 9 + 16 + 32 * 16 * 9 + 32 + 64 * 32 * 9 + 64 + 4096 * 128 + 128 + 128 * 3 + 3);
        // plus γ and β per BatchNormalization channel (running statistics are buffers, not parameters)
        QTest::newRow("cnn-morphology-3band 3×64×64→3")
            << "cnn-morphology-3band" << QList<int>{3, 64, 64} << 3
            << qlonglong(16 * 3 * 9 + 16 + 32 * 16 * 9 + 32 + 64 * 32 * 9 + 64 + 4096 * 128 + 128 + 128 * 3 + 3 +
                         2 * (16 + 32 + 64));
        QTest::newRow("cnn-morphology 1×32×32→5")
            << "cnn-morphology" << QList<int>{1, 32, 32} << 5
            << qlonglong(16 * 9 + 16 + 32 * 16 * 9 + 32 + 64 * 32 * 9 + 64 + 1024 * 128 + 128 + 128 * 5 + 5);
    }
    void shapesAndParameters() {
        QFETCH(QString, name);
        QFETCH(QList<int>, input);
        QFETCH(int, outputs);
        QFETCH(qlonglong, params);
        TemplateOptions o;
        o.inputShape.assign(input.begin(), input.end());
        o.outputs = outputs;
        Graph g = makeTemplate(name.toStdString(), o);
        g.build();
        QCOMPARE(g.inputShapes()[0], o.inputShape);
        QCOMPARE(g.outputShapes()[0], (Shape{outputs}));
        QCOMPARE(qlonglong(g.parameterCount()), params);
        // a forward pass gives one row of K scores per sample
        g.reset(1);
        std::vector<int> shape{2};
        shape.insert(shape.end(), input.begin(), input.end());
        Tensor x(shape, 0.5f);
        const Tensor& y = g.forward(x, Mode::Inference);
        QCOMPARE(y.shape(), (std::vector<int>{2, outputs}));
    }

    void cnnLayout() {
        Graph g = makeTemplate("cnn-morphology-3band");
        g.build();
        QCOMPARE(g.shapeOf("max_pooling2d_1"), (Shape{16, 32, 32}));
        QCOMPARE(g.shapeOf("max_pooling2d_3"), (Shape{64, 8, 8}));
        QCOMPARE(g.shapeOf("flatten"), (Shape{4096}));
        QCOMPARE(g.node("batch_normalization_2").inputs, (std::vector<std::string>{"conv2d_2"}));
        QCOMPARE(g.node("relu_2").inputs, (std::vector<std::string>{"batch_normalization_2"}));
        QCOMPARE(g.node("dropout").config.at("rate").get<double>(), 0.5);
    }

    void jsonRoundTrip() {
        Graph g = makeTemplate("mlp-colors");
        Graph h = Graph::fromJson(g.toJson());
        QCOMPARE(h.toJson().dump(), g.toJson().dump());
        QCOMPARE(h.parameterCount(), g.parameterCount());
    }

    void unknownNameListsKnown() {
        QString msg;
        try {
            makeTemplate("mlp-colours");
        } catch (const InputError& e) {
            msg = e.what();
        }
        QVERIFY2(msg.contains("unknown model template 'mlp-colours'") &&
                     msg.contains("mlp-colors, mlp-photoz, cnn-morphology, cnn-morphology-3band"),
                 qPrintable(msg));
        msg.clear();
        try {
            makeTemplate("cnn-morphology", TemplateOptions{{4}, 3});
        } catch (const InputError& e) {
            msg = e.what();
        }
        QVERIFY2(msg.contains("(C, H, W)"), qPrintable(msg));
    }
};

QTEST_APPLESS_MAIN(TestTemplates)
#include "tst_templates.moc"
