#pragma once
// The layer palette: every registered layer type grouped by kind, with a type-to-search
// box. Double-click or Enter asks to add a layer; dragging carries its type to the scene.
#include <QWidget>

class QLineEdit;
class QTreeWidget;

namespace deepfield::widgets {

class LayerPalette : public QWidget {
    Q_OBJECT
public:
    explicit LayerPalette(QWidget* parent = nullptr);
    void focusSearch();
    // The first visible layer type after filtering (what Enter adds).
    QString firstMatch() const;
    void setFilter(const QString& text);

signals:
    void addRequested(const QString& layerType);

private:
    QLineEdit* search_;
    QTreeWidget* tree_;
};

}  // namespace deepfield::widgets
