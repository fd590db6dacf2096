#include "panels/generate/preprocessed_dataset.h"

#include "core/error.h"

namespace deepfield::app {

PreprocessedDataset::PreprocessedDataset(std::shared_ptr<const Dataset> base, PreprocessSpec spec)
    : base_(std::move(base)), spec_(std::move(spec)) {
    shape_ = preprocessedShape(base_->inputShape(), spec_);
}

void PreprocessedDataset::batch(const std::vector<int>& indices, Tensor& x, Tensor& y) const {
    Tensor raw;
    base_->batch(indices, raw, y);
    const int n = int(indices.size());
    x.resize(Tensor::withBatch(n, shape_).shape());
    const Shape in = base_->inputShape();
    for (int i = 0; i < n; ++i) {
        const Tensor one = Tensor::fromData(in, std::vector<float>(raw.sample(i), raw.sample(i) + raw.sampleSize()));
        const Tensor out = preprocess(one, spec_);
        std::copy_n(out.data(), out.size(), x.sample(i));
    }
}

PreprocessSpec specForShape(const Shape& from, const Shape& to) {
    if (from.size() != 3 || to.size() != 3)
        throw InputError("images of shape " + toString(from) + " cannot feed a model for images " + toString(to));
    PreprocessSpec s;
    s.normalise = Normalisation::None;
    s.stretch = StretchKind::Linear;
    if (to[1] != from[1] || to[2] != from[2]) {
        if (to[1] != to[2])
            throw InputError("the model takes " + toString(to) + " images; only square sizes can be resized to");
        s.imageSize = to[1];
    }
    if (to[0] != from[0]) {
        if (to[0] == 1)
            s.grey = true;
        else
            throw InputError("the model takes images with " + std::to_string(to[0]) + " channels but the data has " +
                             std::to_string(from[0]) + "; load a dataset with matching bands");
    }
    return s;
}

}  // namespace deepfield::app
