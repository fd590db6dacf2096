#pragma once
// Latent-space tools for a trained VAE: encode a dataset to μ and σ, decode any point, a
// traversal grid over two latent axes, interpolation between two images, and projections of
// higher-dimensional codes to 2-D (PCA; exact t-SNE, van der Maaten & Hinton 2008, for a few
// thousand points). Plus a small logistic regression to measure how well classes separate.
#include <atomic>
#include <functional>
#include <vector>

#include "data/dataset.h"
#include "generative/vae.h"

namespace deepfield {

struct LatentCodes {
    Tensor mu;     // (N, D)
    Tensor sigma;  // (N, D) = exp(½ log σ²)
};
// Inputs of `data` (already scaled as in training) through the encoder in inference mode.
LatentCodes encodeDataset(VaeModel& model, const Dataset& data, int batchSize = 128);

// Decoder images (N, C, H, W) for latent points (N, D).
Tensor decodeLatent(VaeModel& model, const Tensor& z);

// steps × steps decoded images (steps², C, H, W), row-major: row r has axisB value
// +range − 2·range·r/(steps−1) (top = high), column c axisA value −range + 2·range·c/(steps−1);
// the other latent coordinates are taken from `base` (D values; empty = zeros).
Tensor traversalGrid(VaeModel& model, int axisA, int axisB, int steps, float range = 3.0f,
                     const std::vector<float>& base = {});

// Decoded images along the straight line between μ(a) and μ(b): (steps, C, H, W), steps ≥ 2;
// a and b are single images (C, H, W) or (1, C, H, W).
Tensor interpolate(VaeModel& model, const Tensor& a, const Tensor& b, int steps);

struct Pca {
    Eigen::VectorXd mean;        // (D)
    Eigen::MatrixXd components;  // (k, D), rows unit length, by decreasing variance
    Eigen::VectorXd variance;    // (k) explained variance per component
    Tensor project(const Tensor& x) const;  // (N, D) → (N, k)
};
Pca fitPca(const Tensor& x, int components = 2);

struct TsneOptions {
    int dimensions = 2;
    double perplexity = 30.0;
    int iterations = 1000;
    double learningRate = 200.0;
    double earlyExaggeration = 12.0;
    int exaggerationIterations = 250;
    std::uint64_t seed = 0;
};
// Exact t-SNE (O(N²) memory and time): (N, D) → (N, dimensions). progress(iteration, total).
Tensor tsne(const Tensor& x, const TsneOptions& options = {}, const std::function<void(int, int)>& progress = {},
            const std::atomic<bool>* cancel = nullptr);

// Binary logistic regression on standardised features, trained by full-batch gradient descent
// with a little L2; returns the accuracy on the test rows. Labels 0/1.
double logisticRegressionAccuracy(const Tensor& trainX, const std::vector<int>& trainY, const Tensor& testX,
                                  const std::vector<int>& testY, int iterations = 2000);

}  // namespace deepfield
