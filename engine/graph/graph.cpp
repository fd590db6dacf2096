#include "graph/graph.h"

#include <algorithm>
#include <functional>

#include "core/error.h"
#include "graph/safetensors.h"
#include "layers/activations.h"
#include "layers/registry.h"
#include "layers/reshaping.h"

namespace deepfield {

bool ShapeReport::ok() const {
    return std::all_of(errors.begin(), errors.end(), [](const std::string& e) { return e.empty(); });
}

Node& Graph::add(const std::string& name, const std::string& type, const Json& config,
                 const std::vector<std::string>& inputs) {
    auto layer = LayerRegistry::instance().create(type, config);
    Node& n = add(name, std::move(layer), inputs);
    return n;
}

Node& Graph::add(const std::string& name, std::unique_ptr<Layer> layer, const std::vector<std::string>& inputs) {
    if (name.empty()) throw InputError("a layer needs a name");
    if (indexOf(name) >= 0) throw InputError("two layers are named '" + name + "'; names must be unique");
    Node n;
    n.name = name;
    n.type = layer->type();
    n.config = layer->config();
    n.inputs = inputs;
    n.layer = std::move(layer);
    nodes_.push_back(std::move(n));
    built_ = false;
    return nodes_.back();
}

int Graph::indexOf(const std::string& name) const {
    for (std::size_t i = 0; i < nodes_.size(); ++i)
        if (nodes_[i].name == name) return static_cast<int>(i);
    return -1;
}

Node& Graph::node(const std::string& name) {
    const int i = indexOf(name);
    if (i < 0) throw InputError("no layer named '" + name + "'");
    return nodes_[static_cast<std::size_t>(i)];
}

std::vector<int> Graph::topologicalOrder() const {
    const int n = static_cast<int>(nodes_.size());
    std::vector<int> state(static_cast<std::size_t>(n), 0), order;  // 0 new, 1 visiting, 2 done
    std::function<void(int)> visit = [&](int i) {
        if (state[i] == 2) return;
        if (state[i] == 1) throw ShapeError("layer '" + nodes_[i].name + "' is part of a cycle; a network must not loop back");
        state[i] = 1;
        for (const std::string& in : nodes_[i].inputs) {
            const int j = indexOf(in);
            if (j < 0) throw ShapeError("layer '" + nodes_[i].name + "' takes input from '" + in + "', which does not exist");
            visit(j);
        }
        state[i] = 2;
        order.push_back(i);
    };
    for (int i = 0; i < n; ++i) visit(i);
    return order;
}

ShapeReport Graph::inferShapes() const {
    const std::size_t count = nodes_.size();
    ShapeReport r;
    r.shapes.resize(count);
    r.errors.resize(count);
    // Depth-first over inputs with per-node outcomes: an unknown input or a cycle is an
    // error of the nodes concerned only; the rest of the network still gets its shapes.
    // Members of a loop: nodes that reach themselves through their inputs.
    std::vector<bool> inCycle(count, false);
    for (std::size_t start = 0; start < count; ++start) {
        std::vector<bool> seen(count, false);
        std::vector<int> stack{static_cast<int>(start)};
        while (!stack.empty() && !inCycle[start]) {
            const int k = stack.back();
            stack.pop_back();
            for (const std::string& name : nodes_[k].inputs) {
                const int j = indexOf(name);
                if (j < 0 || seen[j]) continue;
                if (j == static_cast<int>(start)) inCycle[start] = true;
                seen[j] = true;
                stack.push_back(j);
            }
        }
    }
    std::vector<int> state(count, 0);  // 0 new, 1 visiting, 2 done
    std::function<void(int)> visit = [&](int i) {
        if (state[i] != 0) return;
        state[i] = 1;
        const Node& n = nodes_[i];
        std::vector<Shape> in;
        std::string error;
        if (inCycle[i]) error = "is part of a cycle; a network must not loop back (remove one of the connections)";
        for (const std::string& name : n.inputs) {
            const int j = indexOf(name);
            if (j < 0) {
                if (error.empty()) error = "takes input from '" + name + "', which is not a layer of this network";
                continue;
            }
            if (state[j] == 1) {
                if (error.empty())
                    error = "is part of a cycle through '" + name + "'; a network must not loop back";
                continue;
            }
            visit(j);
            if (!r.shapes[j]) {
                if (error.empty()) error = "input '" + name + "' has no valid shape (see the error there)";
                continue;
            }
            in.push_back(*r.shapes[j]);
        }
        const int want = n.layer->inputCount();
        if (error.empty()) {
            if (want >= 0 && static_cast<int>(n.inputs.size()) != want)
                error = n.type + " takes " + std::to_string(want) + " input" + (want == 1 ? "" : "s") + ", got " +
                        std::to_string(n.inputs.size());
            else if (want < 0 && n.inputs.size() < 2)
                error = n.type + " merges two or more inputs, got " + std::to_string(n.inputs.size());
        }
        if (error.empty()) {
            try {
                r.shapes[i] = n.layer->outputShape(in);
            } catch (const std::exception& e) {
                error = e.what();
            }
        }
        r.errors[i] = error;
        state[i] = 2;
    };
    for (std::size_t i = 0; i < count; ++i) visit(static_cast<int>(i));
    return r;
}

void Graph::build() {
    if (nodes_.empty()) throw ShapeError("the network is empty; add an Input layer");
    const ShapeReport report = inferShapes();
    for (std::size_t i = 0; i < nodes_.size(); ++i)
        if (!report.errors[i].empty()) throw ShapeError("layer '" + nodes_[i].name + "': " + report.errors[i]);
    order_ = topologicalOrder();
    const std::vector<std::string> outs = outputNames();
    if (outs.empty()) throw ShapeError("the network has no output layer");
    for (const std::string& o : outs)
        if (indexOf(o) < 0) throw ShapeError("output '" + o + "' is not a layer of this network");

    const std::size_t n = nodes_.size();
    shapes_.assign(n, {});
    inputIdx_.assign(n, {});
    needsGrad_.assign(n, false);
    std::map<const Layer*, std::vector<Shape>> builtFor;
    for (int i : order_) {
        Node& node = nodes_[i];
        shapes_[i] = *report.shapes[i];
        std::vector<Shape> in;
        for (const std::string& name : node.inputs) {
            const int j = indexOf(name);
            inputIdx_[i].push_back(j);
            in.push_back(shapes_[j]);
            if (needsGrad_[j]) needsGrad_[i] = true;
        }
        // Rebuilding (after setOutputs or adding a node) must not wipe trained weights.
        const auto before = builtFor_.find(node.layer.get());
        if (before == builtFor_.end() || before->second != in) node.layer->build(in);
        builtFor[node.layer.get()] = in;
        if (!node.layer->parameters().empty()) needsGrad_[i] = true;
    }
    builtFor_ = std::move(builtFor);
    act_.assign(n, Tensor());
    out_.assign(n, nullptr);
    grad_.assign(n, Tensor());
    gradSet_.assign(n, false);
    forwardDone_ = false;
    built_ = true;
}

void Graph::requireBuilt(const char* what) const {
    if (!built_) throw Error(std::string("Graph::") + what + ": call build() first");
}

void Graph::reset(std::uint64_t seed) {
    if (!built_) build();
    Rng rng(seed);
    for (std::size_t i = 0; i < nodes_.size(); ++i) {
        InitHint hint;
        // Look through normalisation and dropout for the activation that consumes this layer.
        std::function<bool(const std::string&, int)> reluAfter = [&](const std::string& name, int depth) {
            for (const Node& c : nodes_) {
                if (std::find(c.inputs.begin(), c.inputs.end(), name) == c.inputs.end()) continue;
                if (auto* a = dynamic_cast<const Activation*>(c.layer.get()); a && a->isReluFamily()) return true;
                if (depth < 2 && (c.type == "BatchNormalization" || c.type == "Dropout") && reluAfter(c.name, depth + 1))
                    return true;
            }
            return false;
        };
        hint.reluFollows = reluAfter(nodes_[i].name, 0);
        nodes_[i].layer->reset(rng, hint);
        nodes_[i].layer->setSeed(seed * 0x9E3779B97F4A7C15ull + i + 1);
    }
}

std::vector<std::string> Graph::inputNames() const {
    std::vector<std::string> names;
    for (const Node& n : nodes_)
        if (n.layer->inputCount() == 0) names.push_back(n.name);
    return names;
}

std::vector<std::string> Graph::outputNames() const {
    return outputs_.empty() && !nodes_.empty() ? std::vector<std::string>{nodes_.back().name} : outputs_;
}

Shape Graph::shapeOf(const std::string& name) const {
    requireBuilt("shapeOf");
    const int i = indexOf(name);
    if (i < 0) throw InputError("no layer named '" + name + "'");
    return shapes_[static_cast<std::size_t>(i)];
}

std::vector<Shape> Graph::inputShapes() const {
    std::vector<Shape> s;
    for (const std::string& n : inputNames()) s.push_back(shapeOf(n));
    return s;
}

std::vector<Shape> Graph::outputShapes() const {
    std::vector<Shape> s;
    for (const std::string& n : outputNames()) s.push_back(shapeOf(n));
    return s;
}

const Tensor& Graph::forward(const std::vector<const Tensor*>& inputs, Mode mode) {
    if (!built_) build();
    forwardDone_ = false;
    const std::vector<std::string> names = inputNames();
    if (inputs.size() != names.size())
        throw InputError("the network has " + std::to_string(names.size()) + " Input layer" +
                         (names.size() == 1 ? "" : "s") + " but " + std::to_string(inputs.size()) +
                         " tensor" + (inputs.size() == 1 ? " was" : "s were") + " given");
    for (std::size_t k = 0; k < inputs.size(); ++k) {
        if (!inputs[k]) throw InputError("Graph::forward: the tensor for input '" + names[k] + "' is missing (null)");
        if (inputs[k]->rank() < 1 || inputs[k]->batch() != inputs[0]->batch())
            throw ShapeError("input '" + names[k] + "' has " + std::to_string(inputs[k]->batch()) +
                             " samples but input '" + names[0] + "' has " + std::to_string(inputs[0]->batch()) +
                             "; every input needs the same batch size");
    }
    std::size_t k = 0;
    for (std::size_t i = 0; i < nodes_.size(); ++i)
        if (nodes_[i].layer->inputCount() == 0) {
            const Tensor* x = inputs[k++];
            if (x->sampleShape() != shapes_[i])
                throw ShapeError("input '" + nodes_[i].name + "' expects samples of shape " + toString(shapes_[i]) +
                                 ", got " + toString(x->sampleShape()));
            out_[i] = x;
        }
    std::vector<const Tensor*> xs;
    for (int i : order_) {
        Node& n = nodes_[i];
        if (n.layer->inputCount() == 0) continue;
        xs.clear();
        for (int j : inputIdx_[i]) xs.push_back(out_[j]);
        n.layer->forward(xs, act_[i], mode);
        out_[i] = &act_[i];
    }
    forwardDone_ = true;
    return output(0);
}

void Graph::backward(const std::vector<const Tensor*>& outputGradients, bool wantInputGradients) {
    requireBuilt("backward");
    if (!forwardDone_)
        throw Error("Graph::backward: call forward() first (the network was changed, rebuilt or never run since)");
    const auto outs = outputNames();
    if (outputGradients.size() != outs.size())
        throw Error("Graph::backward: " + std::to_string(outputGradients.size()) + " gradients for " +
                    std::to_string(outs.size()) + " outputs");
    for (std::size_t o = 0; o < outs.size(); ++o) {
        const Tensor* g = outputGradients[o];
        const Tensor& y = *out_[static_cast<std::size_t>(indexOf(outs[o]))];
        if (!g || g->shape() != y.shape())
            throw ShapeError("Graph::backward: the gradient for output '" + outs[o] + "' has shape " +
                             (g ? toString(g->shape()) : std::string("(missing)")) + " but the output has shape " +
                             toString(y.shape()));
    }
    std::fill(gradSet_.begin(), gradSet_.end(), false);
    auto accumulate = [&](int j, const Tensor& g) {
        if (!gradSet_[j]) {
            grad_[j].resizeLike(g);
            grad_[j].vec() = g.vec();
            gradSet_[j] = true;
        } else {
            grad_[j].vec() += g.vec();
        }
    };
    for (std::size_t o = 0; o < outs.size(); ++o) accumulate(indexOf(outs[o]), *outputGradients[o]);

    std::vector<const Tensor*> xs;
    std::vector<Tensor*> dxs;
    std::vector<bool> viaScratch;
    for (auto it = order_.rbegin(); it != order_.rend(); ++it) {
        const int i = *it;
        Node& n = nodes_[i];
        if (!gradSet_[i] || n.layer->inputCount() == 0) continue;
        xs.clear();
        dxs.clear();
        viaScratch.clear();
        for (std::size_t k = 0; k < inputIdx_[i].size(); ++k) {
            const int j = inputIdx_[i][k];
            xs.push_back(out_[j]);
            // With input gradients wanted, every node between an input and an output needs one.
            const bool want = wantInputGradients || needsGrad_[j];
            // The same node twice among this layer's inputs (Add(x, x)): the second one
            // must be added, not written over the first.
            const bool repeated = std::find(inputIdx_[i].begin(), inputIdx_[i].begin() + long(k), j) !=
                                  inputIdx_[i].begin() + long(k);
            if (!want) {
                dxs.push_back(nullptr);
                viaScratch.push_back(false);
            } else if (!gradSet_[j] && !repeated) {
                dxs.push_back(&grad_[j]);
                viaScratch.push_back(false);
            } else {
                dxs.push_back(nullptr);  // filled below through a temporary
                viaScratch.push_back(true);
            }
        }
        const bool anyScratch = std::find(viaScratch.begin(), viaScratch.end(), true) != viaScratch.end();
        if (!anyScratch) {
            n.layer->backward(xs, *out_[i], grad_[i], dxs);
            for (std::size_t k = 0; k < dxs.size(); ++k)
                if (dxs[k]) gradSet_[inputIdx_[i][k]] = true;
        } else {
            // An input already holds a gradient from another consumer: compute into
            // separate tensors and add.
            std::vector<Tensor> tmp(dxs.size());
            std::vector<Tensor*> ptrs(dxs.size(), nullptr);
            for (std::size_t k = 0; k < dxs.size(); ++k)
                if (dxs[k] || viaScratch[k]) ptrs[k] = &tmp[k];
            n.layer->backward(xs, *out_[i], grad_[i], ptrs);
            for (std::size_t k = 0; k < dxs.size(); ++k)
                if (ptrs[k]) accumulate(inputIdx_[i][k], tmp[k]);
        }
    }
}

void Graph::zeroGrad() {
    for (Param& p : parameters()) p.grad->setZero();
}

const Tensor& Graph::output(int i) const {
    requireBuilt("output");
    const auto outs = outputNames();
    if (i < 0 || i >= static_cast<int>(outs.size()))
        throw Error("Graph::output: no output " + std::to_string(i) + "; the network has " +
                    std::to_string(outs.size()));
    const int j = indexOf(outs[static_cast<std::size_t>(i)]);
    if (!forwardDone_ || !out_[j]) throw Error("Graph::output: run forward() first");
    return *out_[j];
}

const Tensor& Graph::inputGradient(int i) const {
    requireBuilt("inputGradient");
    const auto ins = inputNames();
    if (i < 0 || i >= static_cast<int>(ins.size()))
        throw Error("Graph::inputGradient: no input " + std::to_string(i) + "; the network has " +
                    std::to_string(ins.size()));
    const int j = indexOf(ins[static_cast<std::size_t>(i)]);
    if (!gradSet_[j]) throw Error("Graph::inputGradient: call backward(..., true) first");
    return grad_[j];
}

const Tensor& Graph::activation(const std::string& name) const {
    requireBuilt("activation");
    const int j = indexOf(name);
    if (j < 0) throw InputError("no layer named '" + name + "'");
    if (!forwardDone_ || !out_[j]) throw Error("Graph::activation: run forward() first");
    return *out_[j];
}

const Tensor& Graph::gradient(const std::string& name) const {
    requireBuilt("gradient");
    const int j = indexOf(name);
    if (j < 0) throw InputError("no layer named '" + name + "'");
    if (!gradSet_[j]) throw Error("Graph::gradient: layer '" + name + "' has no gradient; call backward(..., true) first");
    return grad_[j];
}

std::vector<Param> Graph::parameters() {
    std::vector<Param> all;
    for (Node& n : nodes_)
        for (Param p : n.layer->parameters()) {
            p.name = n.name + "/" + p.name;
            all.push_back(p);
        }
    return all;
}

std::vector<Param> Graph::buffers() {
    std::vector<Param> all;
    for (Node& n : nodes_)
        for (Param p : n.layer->buffers()) {
            p.name = n.name + "/" + p.name;
            all.push_back(p);
        }
    return all;
}

std::size_t Graph::parameterCount() {
    if (!built_) build();
    std::size_t total = 0;
    for (Node& n : nodes_) total += n.layer->parameterCount();
    return total;
}

std::size_t Graph::parameterCount(const std::string& name) {
    if (!built_) build();
    return node(name).layer->parameterCount();
}

Json Graph::toJson() const {
    Json layers = Json::array();
    for (const Node& n : nodes_)
        layers.push_back(Json{{"name", n.name}, {"type", n.type}, {"config", n.layer->config()}, {"inputs", n.inputs}});
    return Json{{"format", "deepfield-graph"}, {"version", 1}, {"layers", layers}, {"outputs", outputNames()}};
}

Graph Graph::fromJson(const Json& j) {
    if (!j.is_object() || !j.contains("format") || j["format"] != "deepfield-graph")
        throw InputError("not a DeepField network: expected \"format\": \"deepfield-graph\"");
    if (!j.contains("version") || j["version"] != 1)
        throw InputError("network format version " + (j.contains("version") ? j["version"].dump() : "(missing)") +
                         " is not supported; this DeepField reads version 1");
    if (!j.contains("layers") || !j["layers"].is_array()) throw InputError("network JSON: missing \"layers\" list");
    Graph g;
    int index = 0;
    for (const Json& l : j["layers"]) {
        const std::string where = "network JSON, layer " + std::to_string(index++);
        if (!l.is_object() || !l.contains("type") || !l["type"].is_string())
            throw InputError(where + ": needs a \"type\"");
        if (l.contains("name") && !l["name"].is_string()) throw InputError(where + ": \"name\" must be a string");
        const std::string name =
            l.contains("name") ? l["name"].get<std::string>() : l["type"].get<std::string>() + "_" + std::to_string(index);
        std::vector<std::string> inputs;
        if (l.contains("inputs")) {
            if (!l["inputs"].is_array()) throw InputError(where + " ('" + name + "'): \"inputs\" must be a list of names");
            for (const Json& in : l["inputs"]) {
                if (!in.is_string())
                    throw InputError(where + " ('" + name + "'): \"inputs\" must be a list of names, got " + in.dump());
                inputs.push_back(in.get<std::string>());
            }
        }
        const Json config = l.contains("config") ? l["config"] : Json::object();
        try {
            g.add(name, l["type"].get<std::string>(), config, inputs);
        } catch (const Error& e) {
            throw InputError(where + " ('" + name + "'): " + e.what());
        } catch (const std::exception& e) {  // a hyper-parameter of the wrong JSON type
            throw InputError(where + " ('" + name + "'): bad config: " + e.what());
        }
    }
    if (j.contains("outputs")) {
        const Json& o = j["outputs"];
        if (!o.is_array() || !std::all_of(o.begin(), o.end(), [](const Json& e) { return e.is_string(); }))
            throw InputError("network JSON: \"outputs\" must be a list of layer names");
        g.setOutputs(o.get<std::vector<std::string>>());
    }
    return g;
}

void Graph::saveWeights(const std::string& path) {
    if (!built_) build();
    TensorFile f;
    for (const Param& p : parameters()) f.tensors[p.name] = *p.value;
    for (const Param& p : buffers()) f.tensors[p.name] = *p.value;
    f.metadata = Json{{"format", "deepfield-weights"}, {"layout", "Dense kernel (units, in); Conv2D kernel (filters, in, kh, kw)"}};
    writeSafetensors(path, f);
}

void Graph::loadWeights(const std::string& path) { loadWeights(readSafetensors(path), "weights file '" + path + "'"); }

void Graph::loadWeights(const TensorFile& f, const std::string& origin) {
    if (!built_) build();
    std::vector<Param> all = parameters();
    for (const Param& p : buffers()) all.push_back(p);
    // Check everything first: weights that do not fit leave the network unchanged.
    for (const Param& p : all) {
        auto it = f.tensors.find(p.name);
        if (it == f.tensors.end())
            throw InputError(origin + " has no tensor '" + p.name + "'; was it saved from another network?");
        if (it->second.shape() != p.value->shape())
            throw InputError(origin + ": tensor '" + p.name + "' has shape " + toString(it->second.shape()) +
                             ", the network expects " + toString(p.value->shape()) +
                             "; was it saved from another network?");
    }
    for (const auto& [name, t] : f.tensors)
        if (std::none_of(all.begin(), all.end(), [&](const Param& p) { return p.name == name; }))
            throw InputError(origin + " has a tensor '" + name +
                             "' that this network does not have; was it saved from another network?");
    for (const Param& p : all) *p.value = f.tensors.at(p.name);
}

Graph Graph::clone() {
    if (!built_) build();
    Graph g = fromJson(toJson());
    g.build();
    auto src = parameters(), dst = g.parameters();
    for (std::size_t i = 0; i < src.size(); ++i) *dst[i].value = *src[i].value;
    auto sb = buffers(), db = g.buffers();
    for (std::size_t i = 0; i < sb.size(); ++i) *db[i].value = *sb[i].value;
    return g;
}

}  // namespace deepfield
