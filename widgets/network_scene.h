#pragma once
// The network editor's scene: draws a NetworkModel (nodes with ports, edges labelled with
// tensor shapes, errors in red with the reason on hover) and turns mouse gestures into
// requests. It never edits the model itself: the editor applies requests with undo.
#include <QGraphicsScene>
#include <QHash>

#include "network_model.h"

namespace deepfield::widgets {

class NodeItem;

class NetworkScene : public QGraphicsScene {
    Q_OBJECT
public:
    explicit NetworkScene(NetworkModel* model, QObject* parent = nullptr);

    QStringList selectedNodeNames() const;
    // Selected edges as (from, to) pairs.
    QVector<QPair<QString, QString>> selectedEdges() const;
    void selectNodes(const QStringList& names);
    NodeItem* itemFor(const QString& name) const { return items_.value(name); }

signals:
    void connectRequested(const QString& from, const QString& to);
    void moveFinished(const QString& name, QPointF pos);
    void nodeDoubleClicked(const QString& name);
    void dropRequested(const QString& layerType, QPointF pos);

protected:
    void mousePressEvent(QGraphicsSceneMouseEvent* event) override;
    void mouseMoveEvent(QGraphicsSceneMouseEvent* event) override;
    void mouseReleaseEvent(QGraphicsSceneMouseEvent* event) override;
    void mouseDoubleClickEvent(QGraphicsSceneMouseEvent* event) override;
    void dragEnterEvent(QGraphicsSceneDragDropEvent* event) override;
    void dragMoveEvent(QGraphicsSceneDragDropEvent* event) override;
    void dropEvent(QGraphicsSceneDragDropEvent* event) override;

private:
    void rebuild();
    NodeItem* nodeAt(QPointF scenePos) const;

    NetworkModel* model_;
    QHash<QString, NodeItem*> items_;
    QGraphicsPathItem* rubberEdge_ = nullptr;
    QString connectFrom_;
    QString dragging_;
};

// MIME type of a palette drag: the layer type name as UTF-8.
inline constexpr const char* kLayerMimeType = "application/x-deepfield-layer";

}  // namespace deepfield::widgets
