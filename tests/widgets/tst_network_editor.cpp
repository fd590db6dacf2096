#include <QSignalSpy>
#include <QTemporaryDir>
#include <QUndoStack>
#include <QtTest>

#include <qcustomplot.h>

#include "layer_palette.h"
#include "learning_curve_plot.h"
#include "layer_properties.h"
#include "network_commands.h"
#include "network_editor.h"
#include "network_model.h"
#include "network_scene.h"

using namespace deepfield;
using namespace deepfield::widgets;

namespace {
Shape shapeOf(const NetworkModel& m, const QString& name) {
    const NodeStatus* s = m.statusOf(name);
    return s && s->shape ? *s->shape : Shape{};
}
}  // namespace

class TestNetworkEditor : public QObject {
    Q_OBJECT
private slots:
    // Build Input → Flatten → Dense through the editor, then undo and redo every step.
    void buildUndoRedo() {
        NetworkEditor editor;
        QUndoStack undo;
        editor.setUndoStack(&undo);
        NetworkModel* m = editor.model();

        const QString in = editor.addLayer("Input");
        QVERIFY(m->setConfig(in, Json{{"shape", {1, 8, 8}}}));  // direct model edit, no undo step
        QCOMPARE(undo.count(), 1);
        editor.scene()->selectNodes({in});
        const QString flat = editor.addLayer("Flatten");  // added after the selection, connected
        const QString dense = editor.addLayer("Dense");
        QCOMPARE(undo.count(), 3);
        QCOMPARE(m->node(dense)->inputs, QStringList{flat});
        QCOMPARE(shapeOf(*m, flat), (Shape{64}));
        QCOMPARE(shapeOf(*m, dense), (Shape{32}));
        QCOMPARE(m->statusOf(dense)->parameters, std::size_t(64 * 32 + 32));
        QVERIFY(m->isValid());

        // Property editor: units 10, validated through the engine.
        editor.scene()->selectNodes({dense});
        QVERIFY(editor.properties()->editField("units", "10"));
        QCOMPARE(shapeOf(*m, dense), (Shape{10}));
        QVERIFY(!editor.properties()->editField("units", "ten"));  // refused, model unchanged
        QCOMPARE(shapeOf(*m, dense), (Shape{10}));
        QCOMPARE(undo.count(), 4);

        const Json full = m->toJson();
        undo.undo();  // units back to 32
        QCOMPARE(shapeOf(*m, dense), (Shape{32}));
        undo.undo();  // Dense gone
        QVERIFY(!m->node(dense));
        undo.undo();  // Flatten gone
        QCOMPARE(m->nodes().size(), 1);
        undo.undo();  // Input gone
        QCOMPARE(m->nodes().size(), 0);
        QVERIFY(!m->isValid());
        for (int i = 0; i < 4; ++i) undo.redo();
        QCOMPARE(m->toJson(), full);
        QCOMPARE(shapeOf(*m, dense), (Shape{10}));
    }

    void invalidConnectionsAreRefusedOrMarked() {
        NetworkEditor editor;
        QUndoStack undo;
        editor.setUndoStack(&undo);
        NetworkModel* m = editor.model();
        const QString in = m->addNode("Input", Json{{"shape", {3, 16, 16}}});
        const QString dense = m->addNode("Dense");
        const QString relu = m->addNode("ReLU");
        QSignalSpy messages(&editor, &NetworkEditor::message);

        QVERIFY(!editor.connectLayers(dense, in));  // an Input takes no inputs
        QVERIFY(messages.last().first().toString().contains("Input"));
        QVERIFY(editor.connectLayers(in, dense));
        QVERIFY(editor.connectLayers(dense, relu));
        QVERIFY(!editor.connectLayers(relu, dense));  // Dense already has its one input
        QVERIFY(!m->connectNodes(relu, in));
        // Loops are refused.
        const QString add = m->addNode("Add");
        QVERIFY(m->connectNodes(relu, add));
        QString why;
        QVERIFY(!m->connectNodes(add, dense, &why));

        // Dense on an image is allowed as a connection but marked with the engine's reason.
        const NodeStatus* s = m->statusOf(dense);
        QVERIFY(s->error.contains("Flatten"));
        QVERIFY(!m->isValid());
        QVERIFY(m->firstError().contains(dense));
        // The node downstream has no shape and says why.
        QVERIFY(!m->statusOf(relu)->shape);
        QVERIFY(!m->statusOf(relu)->error.isEmpty());
    }

    void deleteCopyPasteAndJsonRoundTrip() {
        NetworkEditor editor;
        QUndoStack undo;
        editor.setUndoStack(&undo);
        NetworkModel* m = editor.model();
        const QString in = editor.addLayer("Input");
        editor.scene()->selectNodes({in});
        const QString d1 = editor.addLayer("Dense");
        const QString r1 = editor.addLayer("ReLU");
        editor.scene()->selectNodes({d1, r1});
        editor.copySelection();
        editor.paste();
        QCOMPARE(m->nodes().size(), 5);
        const QStringList pasted = editor.scene()->selectedNodeNames();
        QCOMPARE(pasted.size(), 2);
        // The edge between the copied layers is kept; nothing connects to the outside.
        int internal = 0;
        for (const QString& p : pasted)
            for (const QString& src : m->node(p)->inputs) internal += pasted.contains(src);
        QCOMPARE(internal, 1);

        editor.scene()->selectNodes(pasted);
        editor.deleteSelection();
        QCOMPARE(m->nodes().size(), 3);
        undo.undo();
        QCOMPARE(m->nodes().size(), 5);

        // JSON round trip keeps positions and structure; the engine can load it.
        const Json j = m->toJson();
        NetworkModel copy;
        copy.fromJson(j);
        QCOMPARE(copy.toJson(), j);
        // The pasted Dense has no input: both say so in the same words.
        QVERIFY(!m->isValid());
        QCOMPARE(copy.firstError(), m->firstError());
    }

    void paletteSearchAddsLayers() {
        NetworkEditor editor;
        QSignalSpy added(editor.palette(), &LayerPalette::addRequested);
        editor.palette()->setFilter("relu");
        QCOMPARE(editor.palette()->firstMatch(), QString("ReLU"));  // prefix match beats LeakyReLU
        editor.palette()->setFilter("dens");
        QCOMPARE(editor.palette()->firstMatch(), QString("Dense"));
        editor.palette()->setFilter("zzz");
        QVERIFY(editor.palette()->firstMatch().isEmpty());
    }

    void exportsDiagram() {
        NetworkEditor editor;
        editor.addLayer("Input");
        editor.addLayer("Dense");
        QTemporaryDir dir;
        QVERIFY(editor.exportDiagram(dir.filePath("net.png")));
        QVERIFY(editor.exportDiagram(dir.filePath("net.svg")));
        QImage img(dir.filePath("net.png"));
        QVERIFY(img.width() > 100 && img.height() > 100);
        QFile svg(dir.filePath("net.svg"));
        QVERIFY(svg.open(QIODevice::ReadOnly));
        QVERIFY(svg.readAll().contains("<svg"));
    }

    void plotAndDiagramFollowThePalette() {
        // A dark desktop palette: the learning-curve plot and the network diagram turn dark with
        // readable text, and back to light (no white plot in a dark window).
        QPalette dark;
        dark.setColor(QPalette::Window, QColor(45, 47, 50));
        dark.setColor(QPalette::Base, QColor(30, 31, 34));
        dark.setColor(QPalette::Text, QColor(225, 225, 225));
        dark.setColor(QPalette::WindowText, QColor(225, 225, 225));
        QPalette light;
        light.setColor(QPalette::Window, QColor(239, 239, 239));
        light.setColor(QPalette::Base, Qt::white);
        light.setColor(QPalette::Text, Qt::black);
        light.setColor(QPalette::WindowText, Qt::black);

        LearningCurvePlot plot;
        plot.resize(500, 350);
        plot.appendEpoch(1, 1.0, 1.2, NAN, NAN);
        plot.appendEpoch(2, 0.5, 0.7, NAN, NAN);
        for (const QPalette& pal : {dark, light}) {
            plot.setPalette(pal);
            QCOMPARE(plot.plot()->axisRect()->backgroundBrush().color(), pal.color(QPalette::Base));
            QCOMPARE(plot.plot()->xAxis->tickLabelColor(), pal.color(QPalette::Text));
            QCOMPARE(plot.plot()->yAxis->labelColor(), pal.color(QPalette::Text));
            plot.plot()->replot();
            const QImage shot = plot.plot()->toPixmap(500, 300).toImage();
            // Inside the axis rectangle, away from the curves: the palette's base colour.
            const QRect r = plot.plot()->axisRect()->rect();
            const QColor inside = shot.pixelColor(r.left() + 6, r.bottom() - 6);
            QCOMPARE(inside.rgb(), pal.color(QPalette::Base).rgb());
            QCOMPARE(QColor(shot.pixel(2, 2)).rgb(), pal.color(QPalette::Window).rgb());
        }

        NetworkEditor editor;
        editor.addLayer("Input");
        editor.addLayer("Dense");
        editor.setPalette(dark);
        QTemporaryDir dir;
        QVERIFY(editor.exportDiagram(dir.filePath("dark.png")));
        const QImage img(dir.filePath("dark.png"));
        QCOMPARE(QColor(img.pixel(1, 1)).rgb(), dark.color(QPalette::Base).rgb());
        // The cards are dark too (no white card with dark text on the dark scene).
        int bright = 0, total = 0;
        for (int y = 0; y < img.height(); y += 3)
            for (int x = 0; x < img.width(); x += 3, ++total) bright += QColor(img.pixel(x, y)).lightness() > 235 ? 1 : 0;
        QVERIFY2(bright < total / 50, qPrintable(QString("%1 of %2 samples near white").arg(bright).arg(total)));
    }
};

QTEST_MAIN(TestNetworkEditor)
#include "tst_network_editor.moc"
