#pragma once
// The network editor's model: layers (type, hyper-parameters, position) and connections,
// kept apart from any scene so it can be built, edited, undone and tested on its own.
// It speaks the engine's graph JSON and asks the engine for shapes and parameter counts.
#include <QObject>
#include <QPointF>
#include <QString>
#include <QStringList>
#include <QVector>
#include <optional>

#include "core/json.h"
#include "core/tensor.h"

namespace deepfield::widgets {

struct NetworkNode {
    QString name;
    QString type;
    Json config;
    QStringList inputs;  // names of the nodes feeding this one, in port order
    QPointF pos;         // scene position of the node's top-left corner
};

// What the engine says about one node after shape inference.
struct NodeStatus {
    std::optional<Shape> shape;  // per-sample output shape
    QString error;               // empty when the node fits
    std::size_t parameters = 0;
};

class NetworkModel : public QObject {
    Q_OBJECT
public:
    explicit NetworkModel(QObject* parent = nullptr);

    const QVector<NetworkNode>& nodes() const { return nodes_; }
    const NetworkNode* node(const QString& name) const;
    QStringList outputs() const { return outputs_; }

    // Editing. Each returns false (and sets *why) when the edit is refused.
    QString addNode(const QString& type, const Json& config = Json::object(), QPointF pos = {});
    bool removeNode(const QString& name);
    bool setConfig(const QString& name, const Json& config, QString* why = nullptr);
    void moveNode(const QString& name, QPointF pos);
    bool connectNodes(const QString& from, const QString& to, QString* why = nullptr);
    bool disconnectNodes(const QString& from, const QString& to);
    bool renameNode(const QString& name, const QString& newName, QString* why = nullptr);
    void setOutputs(const QStringList& outputs);
    // Places nodes in columns by depth (inputs left, outputs right).
    void tidyLayout();

    // Engine graph JSON; positions travel in an "editor" block the engine ignores.
    Json toJson() const;
    // Replaces the whole model; throws InputError on a malformed document.
    void fromJson(const Json& j);

    // Shape inference and parameter counts from the engine (recomputed after each change).
    const QVector<NodeStatus>& status() const { return status_; }
    const NodeStatus* statusOf(const QString& name) const;
    bool isValid() const;
    QString firstError() const;  // "layer 'dense_2': ..." or empty
    std::size_t totalParameters() const;

signals:
    void changed();

private:
    void refresh();  // recompute status and emit changed()
    void placeByDepth();
    QString uniqueName(const QString& type) const;
    int indexOf(const QString& name) const;

    QVector<NetworkNode> nodes_;
    QStringList outputs_;
    QVector<NodeStatus> status_;
};

}  // namespace deepfield::widgets
