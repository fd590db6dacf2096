#include "network_scene.h"

#include <QGraphicsPathItem>
#include <QGuiApplication>
#include <QGraphicsSceneMouseEvent>
#include <QMimeData>
#include <QPainter>
#include <QStyleOptionGraphicsItem>

#include "layers/registry.h"

namespace deepfield::widgets {

namespace {
constexpr double kNodeW = 176, kNodeH = 66, kPort = 7;

QColor categoryColour(const QString& type) {
    const LayerInfo* info = LayerRegistry::instance().find(type.toStdString());
    const std::string c = info ? info->category : "";
    if (c == "Core") return QColor(66, 133, 244);
    if (c == "Convolution") return QColor(15, 157, 88);
    if (c == "Pooling") return QColor(0, 150, 170);
    if (c == "Normalisation") return QColor(171, 71, 188);
    if (c == "Activation") return QColor(244, 160, 0);
    if (c == "Merge") return QColor(219, 68, 55);
    return QColor(120, 120, 120);
}

QString shapeText(const std::optional<Shape>& s) {
    if (!s) return "?";
    QStringList parts;
    for (int d : *s) parts << QString::number(d);
    return "(" + parts.join("×") + ")";
}

QString humanCount(std::size_t n) {
    if (n >= 1000000) return QString::number(n / 1e6, 'f', 2) + "M";
    if (n >= 10000) return QString::number(n / 1e3, 'f', 1) + "k";
    return QString::number(n);
}
}  // namespace

// One layer: header with name and type, body with output shape and parameter count.
class NodeItem : public QGraphicsItem {
public:
    NodeItem(const NetworkNode& node, const NodeStatus& status) : node_(node), status_(status) {
        setFlags(ItemIsSelectable | ItemIsMovable | ItemSendsGeometryChanges);
        setPos(node.pos);
        setToolTip(status.error.isEmpty()
                       ? QString("%1 (%2)\noutput %3\n%4 parameters")
                             .arg(node.name, node.type, shapeText(status.shape))
                             .arg(status.parameters)
                       : QString("%1 (%2)\n%3").arg(node.name, node.type, status.error));
        setZValue(1);
    }
    QRectF boundingRect() const override { return QRectF(-kPort, -kPort, kNodeW + 2 * kPort, kNodeH + 2 * kPort); }
    QPointF inPort() const { return pos() + QPointF(kNodeW / 2, 0); }
    QPointF outPort() const { return pos() + QPointF(kNodeW / 2, kNodeH); }
    bool onOutPort(QPointF scenePos) const { return QLineF(scenePos, outPort()).length() <= kPort + 4; }
    const QString& name() const { return node_.name; }

    void paint(QPainter* p, const QStyleOptionGraphicsItem*, QWidget* widget) override {
        p->setRenderHint(QPainter::Antialiasing);
        const bool bad = !status_.error.isEmpty();
        const QColor head = categoryColour(node_.type);
        // Card colours from the view's palette: light cards on a light desktop, dark on a dark one.
        const QPalette pal = widget ? widget->palette() : scene() ? scene()->palette() : QGuiApplication::palette();
        const bool dark = pal.color(QPalette::Base).lightnessF() < 0.5;
        const QColor card = dark ? pal.color(QPalette::Base).lighter(160) : QColor(250, 250, 250);
        const QColor text = pal.color(QPalette::Text), faint = dark ? QColor(180, 180, 180) : QColor(90, 90, 90);
        const QColor warn = dark ? QColor(255, 120, 110) : QColor(180, 20, 20);
        QRectF r(0, 0, kNodeW, kNodeH);
        p->setPen(QPen(bad ? QColor(200, 30, 30) : (isSelected() ? text : faint), bad || isSelected() ? 2.5 : 1));
        p->setBrush(bad ? (dark ? QColor(90, 30, 30) : QColor(255, 235, 235)) : card);
        p->drawRoundedRect(r, 6, 6);
        QPainterPath header;
        header.addRoundedRect(QRectF(0, 0, kNodeW, 22), 6, 6);
        p->fillPath(header, head);
        p->setPen(Qt::white);
        QFont f = p->font();
        f.setBold(true);
        p->setFont(f);
        p->drawText(QRectF(8, 0, kNodeW - 16, 22), Qt::AlignVCenter | Qt::AlignLeft, node_.type);
        f.setBold(false);
        p->setFont(f);
        p->setPen(text);
        p->drawText(QRectF(8, 24, kNodeW - 16, 20), Qt::AlignVCenter | Qt::AlignLeft, node_.name);
        p->setPen(bad ? warn : faint);
        const QString info = bad ? QObject::tr("⚠ does not fit (hover)")
                                 : shapeText(status_.shape) +
                                       (status_.parameters ? QObject::tr("  ·  %1 params").arg(humanCount(status_.parameters)) : QString());
        p->drawText(QRectF(8, 44, kNodeW - 16, 20), Qt::AlignVCenter | Qt::AlignLeft, info);
        p->setPen(QPen(faint, 1));
        p->setBrush(card);
        if (node_.type != "Input") p->drawEllipse(QPointF(kNodeW / 2, 0), kPort, kPort);
        p->setBrush(head);
        p->drawEllipse(QPointF(kNodeW / 2, kNodeH), kPort, kPort);
    }

private:
    NetworkNode node_;
    NodeStatus status_;
};

// A connection, labelled with the tensor shape that flows along it.
class EdgeItem : public QGraphicsPathItem {
public:
    EdgeItem(const QString& from, const QString& to, QPointF a, QPointF b, const QString& label)
        : from_(from), to_(to), label_(label) {
        QPainterPath path(a);
        const double dy = std::max(40.0, (b.y() - a.y()) / 2);
        path.cubicTo(a + QPointF(0, dy), b - QPointF(0, dy), b);
        setPath(path);
        setPen(QPen(QColor(110, 110, 110), 2));
        setFlags(ItemIsSelectable);
        setZValue(0);
        setToolTip(QObject::tr("%1 → %2: %3 (select and press Delete to remove)").arg(from, to, label));
    }
    void paint(QPainter* p, const QStyleOptionGraphicsItem* o, QWidget* w) override {
        setPen(QPen(isSelected() ? QColor(219, 68, 55) : QColor(128, 128, 128), isSelected() ? 3 : 2));
        QStyleOptionGraphicsItem opt(*o);
        opt.state &= ~QStyle::State_Selected;
        QGraphicsPathItem::paint(p, &opt, w);
        const QPointF mid = path().pointAtPercent(0.5);
        QFont f = p->font();
        f.setPointSizeF(f.pointSizeF() * 0.85);
        p->setFont(f);
        const QRectF box(mid.x() + 6, mid.y() - 9, 110, 18);
        const QPalette pal = w ? w->palette() : scene() ? scene()->palette() : QGuiApplication::palette();
        p->setPen(pal.color(QPalette::Text));
        p->drawText(box, Qt::AlignLeft | Qt::AlignVCenter, label_);
    }
    QRectF boundingRect() const override { return QGraphicsPathItem::boundingRect().adjusted(-4, -12, 120, 12); }
    QPainterPath shape() const override {
        QPainterPathStroker s;
        s.setWidth(10);
        return s.createStroke(path());
    }
    QString from_, to_;

private:
    QString label_;
};

NetworkScene::NetworkScene(NetworkModel* model, QObject* parent) : QGraphicsScene(parent), model_(model) {
    connect(model_, &NetworkModel::changed, this, &NetworkScene::rebuild);
    rebuild();
}

void NetworkScene::rebuild() {
    if (!dragging_.isEmpty()) return;  // the user is moving a node; redraw when released
    const QStringList selected = selectedNodeNames();
    const auto selectedEdgeList = selectedEdges();
    rubberEdge_ = nullptr;
    clear();
    items_.clear();
    const auto& nodes = model_->nodes();
    for (int i = 0; i < nodes.size(); ++i) {
        const NodeStatus st = i < model_->status().size() ? model_->status()[i] : NodeStatus{};
        auto* item = new NodeItem(nodes[i], st);
        addItem(item);
        items_[nodes[i].name] = item;
        item->setSelected(selected.contains(nodes[i].name));
    }
    for (const NetworkNode& n : nodes)
        for (const QString& in : n.inputs) {
            NodeItem *a = items_.value(in), *b = items_.value(n.name);
            if (!a || !b) continue;
            const NodeStatus* st = model_->statusOf(in);
            QString label = "?";
            if (st && st->shape) {
                QStringList parts;
                for (int d : *st->shape) parts << QString::number(d);
                label = "(" + parts.join("×") + ")";
            }
            auto* e = new EdgeItem(in, n.name, a->outPort(), b->inPort(), label);
            addItem(e);
            e->setSelected(selectedEdgeList.contains({in, n.name}));
        }
    setSceneRect(itemsBoundingRect().adjusted(-200, -200, 400, 400));
}

QStringList NetworkScene::selectedNodeNames() const {
    QStringList names;
    for (QGraphicsItem* i : selectedItems())
        if (auto* n = dynamic_cast<NodeItem*>(i)) names << n->name();
    return names;
}

QVector<QPair<QString, QString>> NetworkScene::selectedEdges() const {
    QVector<QPair<QString, QString>> edges;
    for (QGraphicsItem* i : selectedItems())
        if (auto* e = dynamic_cast<EdgeItem*>(i)) edges.push_back({e->from_, e->to_});
    return edges;
}

void NetworkScene::selectNodes(const QStringList& names) {
    clearSelection();
    for (const QString& n : names)
        if (NodeItem* i = items_.value(n)) i->setSelected(true);
}

NodeItem* NetworkScene::nodeAt(QPointF scenePos) const {
    for (QGraphicsItem* i : items(scenePos))
        if (auto* n = dynamic_cast<NodeItem*>(i)) return n;
    return nullptr;
}

void NetworkScene::mousePressEvent(QGraphicsSceneMouseEvent* event) {
    if (event->button() == Qt::LeftButton) {
        for (NodeItem* n : items_)
            if (n->onOutPort(event->scenePos())) {
                connectFrom_ = n->name();
                rubberEdge_ = addPath(QPainterPath(), QPen(QColor(66, 133, 244), 2, Qt::DashLine));
                event->accept();
                return;
            }
        if (NodeItem* n = nodeAt(event->scenePos())) dragging_ = n->name();
    }
    QGraphicsScene::mousePressEvent(event);
}

void NetworkScene::mouseMoveEvent(QGraphicsSceneMouseEvent* event) {
    if (!connectFrom_.isEmpty() && rubberEdge_) {
        QPainterPath path(items_[connectFrom_]->outPort());
        path.lineTo(event->scenePos());
        rubberEdge_->setPath(path);
        return;
    }
    QGraphicsScene::mouseMoveEvent(event);
}

void NetworkScene::mouseReleaseEvent(QGraphicsSceneMouseEvent* event) {
    if (!connectFrom_.isEmpty()) {
        const QString from = connectFrom_;
        connectFrom_.clear();
        if (rubberEdge_) {
            removeItem(rubberEdge_);
            delete rubberEdge_;
            rubberEdge_ = nullptr;
        }
        if (NodeItem* target = nodeAt(event->scenePos()); target && target->name() != from)
            emit connectRequested(from, target->name());
        return;
    }
    QGraphicsScene::mouseReleaseEvent(event);
    if (!dragging_.isEmpty()) {
        const QString name = dragging_;
        dragging_.clear();
        // Every selected node may have moved with the dragged one.
        QVector<QPair<QString, QPointF>> moved;
        for (NodeItem* n : items_) {
            const NetworkNode* m = model_->node(n->name());
            if (m && m->pos != n->pos()) moved.push_back({n->name(), n->pos()});
        }
        if (moved.isEmpty()) rebuild();
        for (const auto& [n, p] : moved) emit moveFinished(n, p);
        Q_UNUSED(name);
    }
}

void NetworkScene::mouseDoubleClickEvent(QGraphicsSceneMouseEvent* event) {
    if (NodeItem* n = nodeAt(event->scenePos())) emit nodeDoubleClicked(n->name());
    QGraphicsScene::mouseDoubleClickEvent(event);
}

void NetworkScene::dragEnterEvent(QGraphicsSceneDragDropEvent* event) {
    if (event->mimeData()->hasFormat(kLayerMimeType)) event->acceptProposedAction();
}

void NetworkScene::dragMoveEvent(QGraphicsSceneDragDropEvent* event) {
    if (event->mimeData()->hasFormat(kLayerMimeType)) event->acceptProposedAction();
}

void NetworkScene::dropEvent(QGraphicsSceneDragDropEvent* event) {
    if (!event->mimeData()->hasFormat(kLayerMimeType)) return;
    emit dropRequested(QString::fromUtf8(event->mimeData()->data(kLayerMimeType)), event->scenePos());
    event->acceptProposedAction();
}

}  // namespace deepfield::widgets
