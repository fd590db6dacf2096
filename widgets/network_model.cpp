#include "network_model.h"

#include <QHash>
#include <algorithm>
#include <functional>

#include "core/error.h"
#include "graph/graph.h"
#include "layers/registry.h"

namespace deepfield::widgets {

NetworkModel::NetworkModel(QObject* parent) : QObject(parent) {}

int NetworkModel::indexOf(const QString& name) const {
    for (int i = 0; i < nodes_.size(); ++i)
        if (nodes_[i].name == name) return i;
    return -1;
}

const NetworkNode* NetworkModel::node(const QString& name) const {
    const int i = indexOf(name);
    return i < 0 ? nullptr : &nodes_[i];
}

const NodeStatus* NetworkModel::statusOf(const QString& name) const {
    const int i = indexOf(name);
    return i < 0 || i >= status_.size() ? nullptr : &status_[i];
}

QString NetworkModel::uniqueName(const QString& type) const {
    const QString base = type.toLower();
    for (int k = 1;; ++k) {
        const QString candidate = QString("%1_%2").arg(base).arg(k);
        if (indexOf(candidate) < 0) return candidate;
    }
}

QString NetworkModel::addNode(const QString& type, const Json& config, QPointF pos) {
    const LayerInfo* info = LayerRegistry::instance().find(type.toStdString());
    if (!info) return {};
    NetworkNode n;
    n.name = uniqueName(type);
    n.type = type;
    n.config = info->defaults;
    if (config.is_object())
        for (auto it = config.begin(); it != config.end(); ++it) n.config[it.key()] = it.value();
    n.pos = pos;
    nodes_.push_back(n);
    refresh();
    return n.name;
}

bool NetworkModel::removeNode(const QString& name) {
    const int i = indexOf(name);
    if (i < 0) return false;
    nodes_.remove(i);
    for (NetworkNode& n : nodes_) n.inputs.removeAll(name);
    outputs_.removeAll(name);
    refresh();
    return true;
}

bool NetworkModel::setConfig(const QString& name, const Json& config, QString* why) {
    const int i = indexOf(name);
    if (i < 0) return false;
    try {
        LayerRegistry::instance().create(nodes_[i].type.toStdString(), config);  // validates the values
    } catch (const std::exception& e) {
        if (why) *why = QString::fromStdString(e.what());
        return false;
    }
    nodes_[i].config = config;
    refresh();
    return true;
}

void NetworkModel::moveNode(const QString& name, QPointF pos) {
    const int i = indexOf(name);
    if (i < 0 || nodes_[i].pos == pos) return;
    nodes_[i].pos = pos;
    emit changed();
}

bool NetworkModel::connectNodes(const QString& from, const QString& to, QString* why) {
    auto refuse = [&](const QString& reason) {
        if (why) *why = reason;
        return false;
    };
    const int a = indexOf(from), b = indexOf(to);
    if (a < 0 || b < 0) return refuse(tr("no such layer"));
    if (a == b) return refuse(tr("a layer cannot feed itself"));
    NetworkNode& target = nodes_[b];
    const LayerInfo* info = LayerRegistry::instance().find(target.type.toStdString());
    const int want = info ? info->create(target.config)->inputCount() : 1;
    if (want == 0) return refuse(tr("an Input layer takes no inputs"));
    if (target.inputs.contains(from)) return refuse(tr("'%1' already feeds '%2'").arg(from, to));
    if (want > 0 && target.inputs.size() >= want)
        return refuse(tr("%1 takes %2 input(s); remove the existing connection first").arg(target.type).arg(want));
    // Refuse cycles: `to` must not already reach `from`.
    std::function<bool(const QString&)> reaches = [&](const QString& n) {
        if (n == to) return true;
        const NetworkNode* node = this->node(n);
        for (const QString& in : node->inputs)
            if (reaches(in)) return true;
        return false;
    };
    if (reaches(from)) return refuse(tr("this connection would make a loop"));
    target.inputs.push_back(from);
    refresh();
    return true;
}

bool NetworkModel::disconnectNodes(const QString& from, const QString& to) {
    const int b = indexOf(to);
    if (b < 0 || !nodes_[b].inputs.removeOne(from)) return false;
    refresh();
    return true;
}

bool NetworkModel::renameNode(const QString& name, const QString& newName, QString* why) {
    const int i = indexOf(name);
    if (i < 0) return false;
    if (newName.isEmpty() || indexOf(newName) >= 0) {
        if (why) *why = tr("the name '%1' is empty or taken").arg(newName);
        return false;
    }
    nodes_[i].name = newName;
    for (NetworkNode& n : nodes_)
        for (QString& in : n.inputs)
            if (in == name) in = newName;
    for (QString& o : outputs_)
        if (o == name) o = newName;
    refresh();
    return true;
}

void NetworkModel::setOutputs(const QStringList& outputs) {
    outputs_ = outputs;
    refresh();
}

void NetworkModel::tidyLayout() {
    placeByDepth();
    emit changed();
}

void NetworkModel::placeByDepth() {
    QHash<QString, int> depth;
    std::function<int(const NetworkNode&)> depthOf = [&](const NetworkNode& n) -> int {
        if (depth.contains(n.name)) return depth[n.name];
        depth[n.name] = 0;  // guards against cycles while recursing
        int d = 0;
        for (const QString& in : n.inputs)
            if (const NetworkNode* p = node(in)) d = std::max(d, depthOf(*p) + 1);
        return depth[n.name] = d;
    };
    QHash<int, int> rowsUsed;
    for (NetworkNode& n : nodes_) {
        const int d = depthOf(n);
        const int row = rowsUsed[d]++;
        n.pos = QPointF(40 + 200 * row, 40 + 110 * d);
    }
}

Json NetworkModel::toJson() const {
    Json layers = Json::array();
    Json positions = Json::object();
    for (const NetworkNode& n : nodes_) {
        Json inputs = Json::array();
        for (const QString& in : n.inputs) inputs.push_back(in.toStdString());
        layers.push_back(Json{{"name", n.name.toStdString()}, {"type", n.type.toStdString()}, {"config", n.config},
                              {"inputs", inputs}});
        positions[n.name.toStdString()] = {n.pos.x(), n.pos.y()};
    }
    Json outs = Json::array();
    for (const QString& o : outputs_) outs.push_back(o.toStdString());
    Json j{{"format", "deepfield-graph"}, {"version", 1}, {"layers", layers}};
    if (!outputs_.isEmpty()) j["outputs"] = outs;
    j["editor"] = Json{{"positions", positions}};
    return j;
}

void NetworkModel::fromJson(const Json& j) {
    Graph::fromJson(j);  // validates types and configs; throws InputError naming the layer
    QVector<NetworkNode> nodes;
    const Json positions = j.contains("editor") ? j["editor"].value("positions", Json::object()) : Json::object();
    bool placed = true;
    for (const Json& l : j["layers"]) {
        NetworkNode n;
        n.name = QString::fromStdString(l.value("name", std::string()));
        n.type = QString::fromStdString(l["type"].get<std::string>());
        const LayerInfo* info = LayerRegistry::instance().find(l["type"].get<std::string>());
        n.config = info ? info->defaults : Json::object();
        const Json config = l.value("config", Json::object());
        for (auto it = config.begin(); it != config.end(); ++it) n.config[it.key()] = it.value();
        for (const Json& in : l.value("inputs", Json::array())) n.inputs << QString::fromStdString(in.get<std::string>());
        if (positions.contains(n.name.toStdString())) {
            const Json& p = positions[n.name.toStdString()];
            n.pos = QPointF(p[0].get<double>(), p[1].get<double>());
        } else {
            placed = false;
        }
        nodes.push_back(n);
    }
    nodes_ = nodes;
    outputs_.clear();
    if (j.contains("outputs"))
        for (const Json& o : j["outputs"]) outputs_ << QString::fromStdString(o.get<std::string>());
    if (!placed) placeByDepth();
    refresh();
}

void NetworkModel::refresh() {
    status_ = QVector<NodeStatus>(nodes_.size());
    Graph g;
    bool built = true;
    for (int i = 0; i < nodes_.size(); ++i) {
        const NetworkNode& n = nodes_[i];
        std::vector<std::string> inputs;
        for (const QString& in : n.inputs) inputs.push_back(in.toStdString());
        try {
            g.add(n.name.toStdString(), n.type.toStdString(), n.config, inputs);
        } catch (const std::exception& e) {
            status_[i].error = QString::fromStdString(e.what());
            built = false;
        }
    }
    if (built && !nodes_.isEmpty()) {
        std::vector<std::string> outs;
        for (const QString& o : outputs_) outs.push_back(o.toStdString());
        if (!outs.empty()) g.setOutputs(outs);
        const ShapeReport report = g.inferShapes();
        for (int i = 0; i < nodes_.size(); ++i) {
            status_[i].shape = report.shapes[std::size_t(i)];
            status_[i].error = QString::fromStdString(report.errors[std::size_t(i)]);
        }
        if (report.ok()) {
            try {
                g.build();
                for (int i = 0; i < nodes_.size(); ++i)
                    status_[i].parameters = g.parameterCount(nodes_[i].name.toStdString());
            } catch (const std::exception& e) {
                if (status_.isEmpty() == false) status_[0].error = QString::fromStdString(e.what());
            }
        }
    }
    // A graph without an Input cannot run.
    const bool hasInput = std::any_of(nodes_.begin(), nodes_.end(), [](const NetworkNode& n) { return n.type == "Input"; });
    if (!nodes_.isEmpty() && !hasInput && status_[0].error.isEmpty()) status_[0].error = tr("the network needs an Input layer");
    emit changed();
}

bool NetworkModel::isValid() const {
    return !nodes_.isEmpty() && firstError().isEmpty();
}

QString NetworkModel::firstError() const {
    if (nodes_.isEmpty()) return tr("the network is empty; add an Input layer");
    for (int i = 0; i < nodes_.size() && i < status_.size(); ++i)
        if (!status_[i].error.isEmpty()) return tr("layer '%1': %2").arg(nodes_[i].name, status_[i].error);
    return {};
}

std::size_t NetworkModel::totalParameters() const {
    std::size_t n = 0;
    for (const NodeStatus& s : status_) n += s.parameters;
    return n;
}

}  // namespace deepfield::widgets
