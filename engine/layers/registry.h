#pragma once
// The one registry of layer types. It feeds JSON loading, the templates and the network
// editor's palette. To add a layer: implement it, then register it in its family's
// registerXxxLayers() function (called from registry.cpp).
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/json.h"
#include "layers/layer.h"

namespace deepfield {

struct LayerInfo {
    std::string type;         // "Conv2D"
    std::string category;     // palette group: Core, Convolution, Pooling, Normalisation, Activation, Merge
    std::string description;  // one line for tooltips
    Json defaults;            // hyper-parameters a new node starts with
    std::function<std::unique_ptr<Layer>(const Json& config)> create;
};

class LayerRegistry {
public:
    static const LayerRegistry& instance();

    void add(LayerInfo info);
    const LayerInfo* find(const std::string& type) const;
    const std::vector<LayerInfo>& all() const { return infos_; }
    // Builds a layer from its type and config (missing keys take the defaults).
    // Throws InputError naming the type and the bad field.
    std::unique_ptr<Layer> create(const std::string& type, const Json& config) const;

private:
    std::vector<LayerInfo> infos_;
};

// Reading hyper-parameters with errors that name the layer type and the field.
int configInt(const Json& c, const std::string& key, const std::string& layerType);
float configFloat(const Json& c, const std::string& key, const std::string& layerType);
bool configBool(const Json& c, const std::string& key, const std::string& layerType);
std::string configString(const Json& c, const std::string& key, const std::string& layerType);
// An int or a pair [h, w] (kernel_size, strides, pool_size).
std::pair<int, int> configPair(const Json& c, const std::string& key, const std::string& layerType);
std::vector<int> configInts(const Json& c, const std::string& key, const std::string& layerType);

// Family registration functions, one per file family.
void registerCoreLayers(LayerRegistry& r);
void registerActivationLayers(LayerRegistry& r);
void registerConvolutionLayers(LayerRegistry& r);
void registerPoolingLayers(LayerRegistry& r);
void registerNormalizationLayers(LayerRegistry& r);
void registerMergeLayers(LayerRegistry& r);
void registerUpsamplingLayers(LayerRegistry& r);  // Conv2DTranspose, UpSampling2D, ZeroPadding2D, Cropping2D
void registerGenerativeLayers(LayerRegistry& r);  // generative/sampling.cpp

}  // namespace deepfield
