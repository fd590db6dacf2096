#pragma once
// Preprocessing of one image (C, H, W) for training: centre crop, resize with antialiasing,
// channel selection, a stretch and a normalisation, applied in that order.
#include <string>
#include <vector>

#include "core/tensor.h"

namespace deepfield {

// Centre crop to `size` x `size` pixels (InputError if larger than the image).
Tensor centerCrop(const Tensor& image, int size);
// Centre crop keeping `fraction` (0, 1] of each side (at least 1 pixel).
Tensor centerCropFraction(const Tensor& image, double fraction);

// Resize to (C, outH, outW). Downsampling averages the exact area of every output pixel (box
// filter with fractional overlaps), so nothing aliases and the mean is kept; upsampling is
// bilinear with pixel centres aligned (as align_corners = false).
Tensor resizeImage(const Tensor& image, int outHeight, int outWidth);

// Channels by index, in the given order (InputError naming the bad index).
Tensor selectChannels(const Tensor& image, const std::vector<int>& channels);
// Mean of the channels: (1, H, W).
Tensor toGrey(const Tensor& image);

enum class StretchKind { Linear, Asinh, Log, Sqrt };
StretchKind stretchKindFromString(const std::string& name);  // linear, asinh, log, sqrt
const char* toString(StretchKind kind);

enum class Normalisation { None, PerImage, PerDataset };
Normalisation normalisationFromString(const std::string& name);  // none, image, dataset
const char* toString(Normalisation n);

struct PreprocessSpec {
    double crop = 0.0;            // 0: none; (0, 1]: fraction of the side; > 1: pixels
    int imageSize = 0;            // 0: keep; else resize to imageSize x imageSize
    std::vector<int> channels;    // empty: all, else these channels in this order
    bool grey = false;            // mean of the (selected) channels
    StretchKind stretch = StretchKind::Linear;
    // asinh(x / softening) and log(1 + x / softening); 0: per image and channel, the robust
    // noise (1.4826 x median absolute deviation), so faint outskirts and bright cores both show.
    double softening = 0.0;
    Normalisation normalise = Normalisation::PerImage;
    std::vector<float> mean, std;  // PerDataset: per output channel (fitted on training images)

    bool geometricOnly() const;  // no stretch, no normalisation
};

// Output shape for an input (C, H, W).
Shape preprocessedShape(const Shape& input, const PreprocessSpec& spec);
// Crop and resize only (for image targets such as masks: kept in register with the input).
Tensor preprocessGeometry(const Tensor& image, const PreprocessSpec& spec);
// The whole chain. PerDataset needs spec.mean/std (else InputError).
Tensor preprocess(const Tensor& image, const PreprocessSpec& spec);
// Everything but the normalisation (what PerDataset statistics are computed on).
Tensor preprocessBeforeNormalisation(const Tensor& image, const PreprocessSpec& spec);

// Per-channel mean and standard deviation over images (C, H, W), accumulated in double.
void channelMeanStd(const std::vector<Tensor>& images, std::vector<float>& mean, std::vector<float>& std);

}  // namespace deepfield
