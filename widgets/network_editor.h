#pragma once
// The visual network designer: palette, graph view and property editor over a
// NetworkModel; every edit goes through the undo stack.
#include <QWidget>

#include "network_model.h"

class QGraphicsView;
class QLabel;
class QUndoStack;

namespace deepfield::widgets {

class NetworkScene;
class LayerPalette;
class LayerProperties;

class NetworkEditor : public QWidget {
    Q_OBJECT
public:
    explicit NetworkEditor(QWidget* parent = nullptr);

    NetworkModel* model() const { return model_; }
    NetworkScene* scene() const { return scene_; }
    LayerPalette* palette() const { return palette_; }
    LayerProperties* properties() const { return properties_; }
    void setUndoStack(QUndoStack* stack) { undo_ = stack; }
    QUndoStack* undoStack() const { return undo_; }

    // Edits with undo (also what the mouse and keyboard gestures call).
    QString addLayer(const QString& type, QPointF pos = {});  // connects it after the selected layer
    bool connectLayers(const QString& from, const QString& to);
    void deleteSelection();
    void copySelection();
    void paste();
    void tidy();
    // Replaces the network (no undo step: opening a document or a template).
    void setNetwork(const Json& graphJson);
    // Writes the diagram as .png or .svg; false on failure.
    bool exportDiagram(const QString& path) const;
    void zoom(double factor);

signals:
    void message(const QString& text);  // refused edits and other notes for the status line

private:
    void updateSummary();
    void showSelection();
    QPointF freeSpotBelow(const QString& name) const;

    NetworkModel* model_;
    NetworkScene* scene_;
    QGraphicsView* view_;
    LayerPalette* palette_;
    LayerProperties* properties_;
    QLabel* summary_;
    QUndoStack* undo_ = nullptr;
    Json clipboard_;
};

}  // namespace deepfield::widgets
