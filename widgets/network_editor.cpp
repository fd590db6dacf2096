#include "network_editor.h"

#include <QAction>
#include <QGraphicsView>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QPainter>
#include <QSplitter>
#include <QSvgGenerator>
#include <QToolButton>
#include <QUndoStack>
#include <QVBoxLayout>
#include <QWheelEvent>

#include "layer_palette.h"
#include "layer_properties.h"
#include "network_commands.h"
#include "network_scene.h"

namespace deepfield::widgets {

namespace {
// Wheel zooms around the cursor; the middle button pans.
class ZoomView : public QGraphicsView {
public:
    using QGraphicsView::QGraphicsView;

protected:
    void wheelEvent(QWheelEvent* e) override {
        const double f = e->angleDelta().y() > 0 ? 1.15 : 1 / 1.15;
        setTransformationAnchor(AnchorUnderMouse);
        scale(f, f);
    }
    void mousePressEvent(QMouseEvent* e) override {
        if (e->button() == Qt::MiddleButton) {
            setDragMode(ScrollHandDrag);
            QMouseEvent fake(e->type(), e->position(), e->globalPosition(), Qt::LeftButton, Qt::LeftButton, e->modifiers());
            QGraphicsView::mousePressEvent(&fake);
            return;
        }
        QGraphicsView::mousePressEvent(e);
    }
    void mouseReleaseEvent(QMouseEvent* e) override {
        QGraphicsView::mouseReleaseEvent(e);
        if (e->button() == Qt::MiddleButton) setDragMode(RubberBandDrag);
    }
};

QString formatBytes(double b) {
    if (b >= 1 << 20) return QString::number(b / (1 << 20), 'f', 1) + " MB";
    if (b >= 1 << 10) return QString::number(b / (1 << 10), 'f', 1) + " kB";
    return QString::number(b, 'f', 0) + " B";
}
}  // namespace

NetworkEditor::NetworkEditor(QWidget* parent)
    : QWidget(parent), model_(new NetworkModel(this)), scene_(new NetworkScene(model_, this)) {
    view_ = new ZoomView(scene_, this);
    view_->setRenderHint(QPainter::Antialiasing);
    view_->setDragMode(QGraphicsView::RubberBandDrag);
    view_->setAcceptDrops(true);
    palette_ = new LayerPalette(this);
    properties_ = new LayerProperties(this);
    summary_ = new QLabel(this);
    summary_->setWordWrap(true);

    auto button = [this](const QString& text, const QString& tip, auto slot) {
        auto* b = new QToolButton(this);
        b->setText(text);
        b->setToolTip(tip);
        connect(b, &QToolButton::clicked, this, slot);
        return b;
    };
    auto* tools = new QHBoxLayout;
    tools->addWidget(button(tr("Tidy"), tr("Arrange the layers automatically"), [this] { tidy(); }));
    tools->addWidget(button(tr("−"), tr("Zoom out"), [this] { zoom(1 / 1.2); }));
    tools->addWidget(button(tr("+"), tr("Zoom in"), [this] { zoom(1.2); }));
    tools->addWidget(button(tr("Fit"), tr("Show the whole network"), [this] {
        view_->fitInView(scene_->itemsBoundingRect().adjusted(-20, -20, 20, 20), Qt::KeepAspectRatio);
    }));
    tools->addStretch(1);

    auto* left = new QWidget(this);
    auto* leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->addWidget(palette_, 2);
    leftLayout->addWidget(properties_, 3);
    auto* centre = new QWidget(this);
    auto* centreLayout = new QVBoxLayout(centre);
    centreLayout->setContentsMargins(0, 0, 0, 0);
    centreLayout->addLayout(tools);
    centreLayout->addWidget(view_, 1);
    centreLayout->addWidget(summary_);
    auto* split = new QSplitter(this);
    split->addWidget(left);
    split->addWidget(centre);
    split->setStretchFactor(1, 1);
    split->setSizes({170, 330});
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->addWidget(split);

    // Keyboard: Delete, copy/paste, quick-add.
    auto shortcut = [this](const QKeySequence& k, auto slot) {
        auto* a = new QAction(this);
        a->setShortcut(k);
        a->setShortcutContext(Qt::WidgetWithChildrenShortcut);
        connect(a, &QAction::triggered, this, slot);
        view_->addAction(a);
    };
    shortcut(QKeySequence::Delete, [this] { deleteSelection(); });
    shortcut(QKeySequence(Qt::Key_Backspace), [this] { deleteSelection(); });
    shortcut(QKeySequence::Copy, [this] { copySelection(); });
    shortcut(QKeySequence::Paste, [this] { paste(); });
    shortcut(QKeySequence(Qt::CTRL | Qt::Key_Space), [this] { palette_->focusSearch(); });

    connect(palette_, &LayerPalette::addRequested, this, [this](const QString& t) { addLayer(t); });
    connect(scene_, &NetworkScene::dropRequested, this, [this](const QString& t, QPointF p) { addLayer(t, p); });
    connect(scene_, &NetworkScene::connectRequested, this, &NetworkEditor::connectLayers);
    connect(scene_, &NetworkScene::moveFinished, this, [this](const QString& name, QPointF p) {
        editWithUndo(undo_, model_, tr("Move %1").arg(name), [&] {
            model_->moveNode(name, p);
            return true;
        }, qHash(name) & 0x7fffffff);
    });
    connect(scene_, &QGraphicsScene::selectionChanged, this, &NetworkEditor::showSelection);
    connect(properties_, &LayerProperties::configEdited, this, [this](const QString& name, const Json& config) {
        QString why;
        if (!editWithUndo(undo_, model_, tr("Edit %1").arg(name), [&] { return model_->setConfig(name, config, &why); }))
            emit message(why);
    });
    connect(properties_, &LayerProperties::renameRequested, this, [this](const QString& name, const QString& newName) {
        QString why;
        if (!editWithUndo(undo_, model_, tr("Rename %1").arg(name), [&] { return model_->renameNode(name, newName, &why); }))
            emit message(why);
        else
            scene_->selectNodes({newName});
    });
    connect(model_, &NetworkModel::changed, this, &NetworkEditor::updateSummary);
    updateSummary();
}

QPointF NetworkEditor::freeSpotBelow(const QString& name) const {
    const NetworkNode* n = model_->node(name);
    QPointF p = n ? n->pos + QPointF(0, 110) : QPointF(40, 40);
    for (bool moved = true; moved;) {
        moved = false;
        for (const NetworkNode& o : model_->nodes())
            if (QLineF(o.pos, p).length() < 60) {
                p += QPointF(0, 110);
                moved = true;
            }
    }
    return p;
}

QString NetworkEditor::addLayer(const QString& type, QPointF pos) {
    const QStringList selected = scene_->selectedNodeNames();
    const QString after = selected.size() == 1 ? selected.first() : QString();
    QString added;
    editWithUndo(undo_, model_, tr("Add %1").arg(type), [&] {
        const QPointF at = pos.isNull() ? freeSpotBelow(after.isEmpty() && !model_->nodes().isEmpty()
                                                             ? model_->nodes().back().name
                                                             : after)
                                        : pos;
        added = model_->addNode(type, Json::object(), at);
        if (added.isEmpty()) return false;
        // Adding after the selected layer connects it, the way people build a stack.
        if (!after.isEmpty() && type != "Input") model_->connectNodes(after, added);
        return true;
    });
    if (!added.isEmpty()) scene_->selectNodes({added});
    return added;
}

bool NetworkEditor::connectLayers(const QString& from, const QString& to) {
    QString why;
    const bool ok = editWithUndo(undo_, model_, tr("Connect %1 → %2").arg(from, to),
                                 [&] { return model_->connectNodes(from, to, &why); });
    if (!ok) emit message(tr("Cannot connect %1 → %2: %3").arg(from, to, why));
    return ok;
}

void NetworkEditor::deleteSelection() {
    const QStringList nodes = scene_->selectedNodeNames();
    const auto edges = scene_->selectedEdges();
    if (nodes.isEmpty() && edges.isEmpty()) return;
    editWithUndo(undo_, model_, nodes.isEmpty() ? tr("Remove connection") : tr("Delete %1").arg(nodes.join(", ")), [&] {
        for (const auto& [a, b] : edges) model_->disconnectNodes(a, b);
        for (const QString& n : nodes) model_->removeNode(n);
        return true;
    });
}

void NetworkEditor::copySelection() {
    const QStringList names = scene_->selectedNodeNames();
    clipboard_ = Json::array();
    for (const NetworkNode& n : model_->nodes()) {
        if (!names.contains(n.name)) continue;
        Json inputs = Json::array();
        for (const QString& in : n.inputs)
            if (names.contains(in)) inputs.push_back(in.toStdString());  // keep edges inside the copy
        clipboard_.push_back(Json{{"name", n.name.toStdString()}, {"type", n.type.toStdString()}, {"config", n.config},
                                  {"inputs", inputs}, {"pos", {n.pos.x(), n.pos.y()}}});
    }
}

void NetworkEditor::paste() {
    if (!clipboard_.is_array() || clipboard_.empty()) return;
    QStringList pasted;
    editWithUndo(undo_, model_, tr("Paste"), [&] {
        QHash<QString, QString> renamed;
        for (const Json& c : clipboard_) {
            const QPointF p(c["pos"][0].get<double>() + 40, c["pos"][1].get<double>() + 40);
            const QString n = model_->addNode(QString::fromStdString(c["type"].get<std::string>()), c["config"], p);
            renamed[QString::fromStdString(c["name"].get<std::string>())] = n;
            pasted << n;
        }
        for (const Json& c : clipboard_)
            for (const Json& in : c["inputs"])
                model_->connectNodes(renamed[QString::fromStdString(in.get<std::string>())],
                                     renamed[QString::fromStdString(c["name"].get<std::string>())]);
        return true;
    });
    scene_->selectNodes(pasted);
}

void NetworkEditor::tidy() {
    editWithUndo(undo_, model_, tr("Tidy layout"), [&] {
        model_->tidyLayout();
        return true;
    });
    view_->fitInView(scene_->itemsBoundingRect().adjusted(-20, -20, 20, 20), Qt::KeepAspectRatio);
}

void NetworkEditor::setNetwork(const Json& graphJson) {
    model_->fromJson(graphJson);
    view_->resetTransform();
    view_->centerOn(scene_->itemsBoundingRect().center().x(), scene_->itemsBoundingRect().top() + 200);
}

void NetworkEditor::zoom(double factor) { view_->scale(factor, factor); }

bool NetworkEditor::exportDiagram(const QString& path) const {
    scene_->setPalette(QWidget::palette());  // off screen the items read the scene's palette
    const QRectF r = scene_->itemsBoundingRect().adjusted(-20, -20, 20, 20);
    if (path.endsWith(".svg", Qt::CaseInsensitive)) {
        QSvgGenerator svg;
        svg.setFileName(path);
        svg.setSize(r.size().toSize());
        svg.setViewBox(QRectF(QPointF(0, 0), r.size()));
        svg.setTitle(tr("DeepField network"));
        QPainter p(&svg);
        scene_->render(&p, QRectF(QPointF(0, 0), r.size()), r);
        return p.end();
    }
    QImage img((r.size() * 2).toSize(), QImage::Format_ARGB32);
    img.fill(QWidget::palette().color(QPalette::Base));  // the cards follow the palette too
    QPainter p(&img);
    p.setRenderHint(QPainter::Antialiasing);
    scene_->render(&p, QRectF(QPointF(0, 0), r.size() * 2), r);
    p.end();
    return img.save(path);
}

void NetworkEditor::showSelection() {
    const QStringList names = scene_->selectedNodeNames();
    if (names.size() != 1) {
        properties_->showLayer({}, {}, {});
        return;
    }
    const NetworkNode* n = model_->node(names.first());
    if (n) properties_->showLayer(n->name, n->type, n->config);
}

void NetworkEditor::updateSummary() {
    const std::size_t params = model_->totalParameters();
    double activations = 0;
    for (const NodeStatus& s : model_->status())
        if (s.shape) activations += double(product(*s.shape));
    QString text = tr("<b>%1</b> layers · <b>%2</b> parameters (%3) · activations %4 per image")
                       .arg(model_->nodes().size())
                       .arg(QLocale().toString(qulonglong(params)))
                       .arg(formatBytes(4.0 * params))
                       .arg(formatBytes(4.0 * activations));
    const QString err = model_->firstError();
    if (!err.isEmpty()) text += "<br><span style='color:#c0392b'>⚠ " + err.toHtmlEscaped() + "</span>";
    summary_->setText(text);
    // Keep the property editor in sync after undo/redo.
    const QStringList names = scene_->selectedNodeNames();
    if (names.size() == 1 && properties_->layerName() == names.first())
        if (const NetworkNode* n = model_->node(names.first())) {
            if (n->config != properties_->config()) properties_->showLayer(n->name, n->type, n->config);
        }
}

}  // namespace deepfield::widgets
