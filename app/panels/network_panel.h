#pragma once
// Network panel: the visual designer plus the model templates and diagram export.
#include <QWidget>

#include "core/json.h"
#include "core/tensor.h"

class QComboBox;
class QUndoStack;

namespace deepfield::widgets {
class NetworkEditor;
}

namespace deepfield::app {

class NetworkPanel : public QWidget {
    Q_OBJECT
public:
    explicit NetworkPanel(QWidget* parent = nullptr);

    static Json builtInExampleNetwork();
    // A template as editable graph JSON for the given data (input shape, classes or 1 output).
    static Json templateNetwork(const std::string& name, const Shape& input, int outputs);

    void setUndoStack(QUndoStack* stack);
    Json network() const;
    void setNetwork(const Json& graph);
    // The network as the engine's JSON file (atomic save); loading is one undoable step.
    bool saveNetworkFile(const QString& path, QString* why = nullptr) const;
    bool loadNetworkFile(const QString& path, QString* why = nullptr);
    // The data changed: a single Input layer follows the data's sample shape.
    void setDataShape(const Shape& input, int classes);
    bool isTrainable(const Shape& dataShape, QString* why) const;
    widgets::NetworkEditor* editor() const { return editor_; }

signals:
    void networkChanged();
    void message(const QString& text);

private:
    widgets::NetworkEditor* editor_;
    QComboBox* templates_;
    Shape dataShape_;
    int classes_ = 0;
};

}  // namespace deepfield::app
