#pragma once
// The 2-D view of a latent space: two chosen latent axes, the first two principal components,
// or t-SNE. Axes and PCA map any plane point back to a latent vector (so empty space decodes);
// t-SNE has no inverse.
#include <QPointF>
#include <atomic>
#include <functional>
#include <vector>

#include <Eigen/Dense>

#include "core/tensor.h"

namespace deepfield::app {

struct Projection {
    enum class Mode { Axes, Pca, Tsne };
    Mode mode = Mode::Axes;
    int axisX = 0, axisY = 1;    // Axes
    Eigen::VectorXd mean;        // Pca: (D)
    Eigen::MatrixXd components;  // Pca: (2, D), unit rows
    Tensor points;               // (N, 2) plane coordinates of the encoded images

    bool invertible() const { return mode != Mode::Tsne; }
    // Latent vector (D) of a plane point: Axes puts x, y on the two axes and 0 (the prior's mean)
    // elsewhere; Pca: mean + x·c₀ + y·c₁. Empty for t-SNE.
    std::vector<float> toLatent(const QPointF& p, int dim) const;
    // Half-axes of image i's σ in the plane (Axes: σ of the two axes; Pca: √Σ_j c_kj² σ_j²).
    QPointF sigmaInPlane(const Tensor& sigma, int i) const;
};

Projection projectAxes(const Tensor& mu, int axisX, int axisY);
// Engine PCA for small D; for wide codes (autoencoder bottlenecks) subspace iteration on the
// centred data, which never forms the D × D covariance.
Projection projectPca(const Tensor& mu);
Projection projectTsne(const Tensor& mu, const std::function<void(int, int)>& progress, const std::atomic<bool>* cancel);

}  // namespace deepfield::app
