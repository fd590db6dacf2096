#include "generative/patch_discriminator.h"

#include "core/error.h"

namespace deepfield {

Graph makePatchDiscriminator(const Shape& pairShape, int baseFilters) {
    if (pairShape.size() != 3 || pairShape[1] % 4 != 0 || pairShape[2] % 4 != 0 || pairShape[1] < 8 || pairShape[2] < 8)
        throw InputError("the pix2pix discriminator reads (C, H, W) pairs with H and W multiples of 4 (at least 8), not " +
                         toString(pairShape));
    if (baseFilters < 1) throw InputError("the pix2pix discriminator needs at least one base filter");
    Graph d;
    d.add("input", "Input", Json{{"shape", pairShape}});
    d.add("conv2d_1", "Conv2D", Json{{"filters", baseFilters}, {"kernel_size", 4}, {"strides", 2}, {"padding", 1}},
          {"input"});
    d.add("leaky_relu_1", "LeakyReLU", Json{{"alpha", 0.2}}, {"conv2d_1"});
    d.add("conv2d_2", "Conv2D", Json{{"filters", 2 * baseFilters}, {"kernel_size", 4}, {"strides", 2}, {"padding", 1}},
          {"leaky_relu_1"});
    d.add("batch_normalization_2", "BatchNormalization", Json::object(), {"conv2d_2"});
    d.add("leaky_relu_2", "LeakyReLU", Json{{"alpha", 0.2}}, {"batch_normalization_2"});
    d.add("output", "Conv2D", Json{{"filters", 1}, {"kernel_size", 3}, {"padding", "same"}}, {"leaky_relu_2"});
    d.build();
    return d;
}

}  // namespace deepfield
