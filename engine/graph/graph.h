#pragma once
// Graph: a DAG of named layers with several inputs and outputs (skip connections,
// concatenation). Shape inference runs before anything is allocated. The graph owns
// every activation, so layers may rely on their inputs living until backward.
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/json.h"
#include "graph/safetensors.h"
#include "layers/layer.h"

namespace deepfield {

struct Node {
    std::string name;
    std::string type;
    Json config;                      // hyper-parameters as given (registry defaults filled in)
    std::vector<std::string> inputs;  // names of the nodes feeding this one, in order
    std::unique_ptr<Layer> layer;
};

// Result of shape inference for the editor: a shape or a reason for every node.
struct ShapeReport {
    std::vector<std::optional<Shape>> shapes;  // per node, in insertion order
    std::vector<std::string> errors;           // per node: empty when it fits
    bool ok() const;
};

class Graph {
public:
    Graph() = default;
    Graph(Graph&&) noexcept = default;
    Graph& operator=(Graph&&) noexcept = default;

    // Adds a node through the layer registry. Throws InputError on a bad type or config.
    Node& add(const std::string& name, const std::string& type, const Json& config,
              const std::vector<std::string>& inputs = {});
    // Adds a node whose layer was made by hand (tests); the type comes from the layer.
    Node& add(const std::string& name, std::unique_ptr<Layer> layer, const std::vector<std::string>& inputs = {});
    // Output nodes; defaults to the last node added when never set.
    void setOutputs(std::vector<std::string> outputs) { outputs_ = std::move(outputs); built_ = false; }

    // Checks the DAG, infers shapes, allocates parameters. Throws ShapeError naming the node.
    // Rebuilding keeps the weights of every layer whose input shapes did not change.
    void build();
    // Never throws for a bad network: unknown inputs, cycles and shape errors are reported
    // per node (the editor shows them); nodes downstream of an error get no shape.
    ShapeReport inferShapes() const;
    bool isBuilt() const { return built_; }
    // Draws all weights from one seed; Dropout layers get seeds derived from it.
    void reset(std::uint64_t seed);

    // inputs: one tensor (N, ...) per Input node, in insertion order, all with the same N.
    // They must stay alive until backward. Returns the first output.
    const Tensor& forward(const std::vector<const Tensor*>& inputs, Mode mode);
    const Tensor& forward(const Tensor& input, Mode mode) { return forward(std::vector<const Tensor*>{&input}, mode); }
    // Accumulates parameter gradients from gradients of the outputs (one per output, each with
    // its output's shape). Needs a forward() first; throws Error otherwise. A node feeding
    // several consumers receives the sum of their gradients.
    // With wantInputGradients the gradients of the inputs are computed too (attribution, GANs).
    void backward(const std::vector<const Tensor*>& outputGradients, bool wantInputGradients = false);
    void backward(const Tensor& outputGradient, bool wantInputGradients = false) {
        backward(std::vector<const Tensor*>{&outputGradient}, wantInputGradients);
    }
    void zeroGrad();

    const Tensor& output(int i = 0) const;
    const Tensor& inputGradient(int i = 0) const;
    // Activation of any node after forward (feature maps).
    const Tensor& activation(const std::string& node) const;
    // Gradient of any node's output after backward(..., true) (Grad-CAM reads a convolution's).
    const Tensor& gradient(const std::string& node) const;

    std::vector<Param> parameters();  // names "node/kernel"
    std::vector<Param> buffers();     // names "node/moving_mean"
    std::size_t parameterCount();  // builds the graph first when needed
    std::size_t parameterCount(const std::string& node);

    const std::vector<Node>& nodes() const { return nodes_; }
    int indexOf(const std::string& name) const;  // -1 when absent
    Node& node(const std::string& name);
    std::vector<std::string> inputNames() const;
    std::vector<std::string> outputNames() const;
    std::vector<Shape> inputShapes() const;
    std::vector<Shape> outputShapes() const;
    Shape shapeOf(const std::string& node) const;

    // Architecture as readable JSON (see docs/formats.md); weights are saved apart.
    Json toJson() const;
    static Graph fromJson(const Json& j);
    // Safetensors file with every parameter and buffer; load checks names and shapes of every
    // tensor before changing anything, and names the first tensor that does not fit.
    void saveWeights(const std::string& path);
    void loadWeights(const std::string& path);
    // The same from tensors in memory; `origin` names them in messages (a file, a project).
    void loadWeights(const TensorFile& f, const std::string& origin = "weights");
    // An independent copy with the same architecture and weights.
    Graph clone();

private:
    void requireBuilt(const char* what) const;
    std::vector<int> topologicalOrder() const;

    std::vector<Node> nodes_;
    std::vector<std::string> outputs_;
    bool built_ = false;
    std::vector<int> order_;           // topological order of node indices
    std::vector<std::vector<int>> inputIdx_;  // per node, indices of its input nodes
    std::vector<Shape> shapes_;        // per node, per-sample output shape
    std::vector<bool> needsGrad_;      // per node: a parameter lies upstream
    std::vector<Tensor> act_;          // per node output (owned)
    std::vector<const Tensor*> out_;   // per node output as seen by consumers
    std::vector<Tensor> grad_;         // per node gradient of its output
    std::vector<bool> gradSet_;
    bool forwardDone_ = false;                 // activations are valid for backward
    std::map<const Layer*, std::vector<Shape>> builtFor_;  // input shapes each layer was built for
};

}  // namespace deepfield
