#pragma once
// A dataset whose input images go through crop / resize / channel choice / grey (and optionally a
// stretch and normalisation) of a PreprocessSpec on the fly, so a run trained on 32×32 grey images
// can score the Data panel's 64×64 g, r, i galaxies. Targets pass through.
#include <memory>

#include "data/dataset.h"
#include "data/preprocess.h"

namespace deepfield::app {

class PreprocessedDataset : public Dataset {
public:
    PreprocessedDataset(std::shared_ptr<const Dataset> base, PreprocessSpec spec);
    int size() const override { return base_->size(); }
    Shape inputShape() const override { return shape_; }
    Shape targetShape() const override { return base_->targetShape(); }
    void batch(const std::vector<int>& indices, Tensor& x, Tensor& y) const override;

private:
    std::shared_ptr<const Dataset> base_;
    PreprocessSpec spec_;
    Shape shape_;
};

// The geometry-only spec turning images of shape `from` into `to` ({C, H, W}): resize, and the mean
// of the channels when `to` has one channel and `from` several. InputError when no such spec exists.
PreprocessSpec specForShape(const Shape& from, const Shape& to);

}  // namespace deepfield::app
