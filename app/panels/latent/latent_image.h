#pragma once
// Decoded or model-input images (C, H, W) as QImages: one channel grey, three channels colour
// (stored blue to red, as the simulated g, r, i bands). Values in [0, 1] are shown as they are
// (VAE outputs, so tiles compare); other ranges are stretched from their minimum to maximum.
#include <QImage>
#include <QPixmap>

#include "core/tensor.h"

namespace deepfield::app {

QImage latentImage(const float* data, int channels, int height, int width);
QImage latentImage(const Tensor& batch, int index);  // sample `index` of (N, C, H, W)
// Images side by side in one strip, each scaled to `side` pixels.
QImage imageStrip(const Tensor& batch, int side);

}  // namespace deepfield::app
