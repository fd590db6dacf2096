#include "generative/latent.h"

#include <algorithm>
#include <cmath>

#include <Eigen/Eigenvalues>

#include "core/error.h"

namespace deepfield {

LatentCodes encodeDataset(VaeModel& model, const Dataset& data, int batchSize) {
    const int n = data.size();
    const int d = model.latentDim();
    LatentCodes c{Tensor({n, d}), Tensor({n, d})};
    Tensor x, y, mu, lv;
    for (int s = 0; s < n; s += batchSize) {
        std::vector<int> idx;
        for (int i = s; i < std::min(n, s + batchSize); ++i) idx.push_back(i);
        data.batch(idx, x, y);
        model.encode(x, mu, lv);
        std::copy_n(mu.data(), mu.size(), c.mu.sample(s));
        for (std::size_t i = 0; i < lv.size(); ++i) c.sigma.sample(s)[i] = std::exp(0.5f * lv[i]);
    }
    return c;
}

Tensor decodeLatent(VaeModel& model, const Tensor& z) {
    if (z.rank() != 2 || z.dim(1) != model.latentDim())
        throw ShapeError("decoding latent points: expected (N, " + std::to_string(model.latentDim()) + "), got " +
                         toString(z.shape()));
    return model.decode(z);
}

Tensor traversalGrid(VaeModel& model, int axisA, int axisB, int steps, float range, const std::vector<float>& base) {
    const int d = model.latentDim();
    if (axisA < 0 || axisA >= d || axisB < 0 || axisB >= d)
        throw InputError("latent traversal: axes must be in 0.." + std::to_string(d - 1));
    if (steps < 2) throw InputError("latent traversal: at least 2 steps per axis");
    if (!base.empty() && int(base.size()) != d)
        throw InputError("latent traversal: the base point needs " + std::to_string(d) + " values");
    Tensor z({steps * steps, d});
    for (int r = 0; r < steps; ++r)
        for (int c = 0; c < steps; ++c) {
            float* row = z.sample(r * steps + c);
            for (int j = 0; j < d; ++j) row[j] = base.empty() ? 0.0f : base[std::size_t(j)];
            row[axisA] = -range + 2 * range * float(c) / float(steps - 1);
            row[axisB] = range - 2 * range * float(r) / float(steps - 1);
        }
    return model.decode(z);
}

Tensor interpolate(VaeModel& model, const Tensor& a, const Tensor& b, int steps) {
    if (steps < 2) throw InputError("interpolation: at least 2 steps");
    const Shape in = model.encoder.inputShapes()[0];
    auto batchOf = [&](const Tensor& t) {
        if (t.sampleSize() * std::size_t(t.rank() == int(in.size()) ? 1 : t.batch()) != product(in) ||
            (t.rank() == int(in.size()) + 1 && t.batch() != 1))
            throw ShapeError("interpolation: images must be " + toString(in) + ", got " + toString(t.shape()));
        Tensor x = Tensor::withBatch(1, in);
        std::copy_n(t.data(), x.size(), x.data());
        return x;
    };
    Tensor mu, lv;
    model.encode(batchOf(a), mu, lv);
    const Tensor muA = mu;
    model.encode(batchOf(b), mu, lv);
    const int d = muA.dim(1);
    Tensor z({steps, d});
    for (int s = 0; s < steps; ++s) {
        const float t = float(s) / float(steps - 1);
        for (int j = 0; j < d; ++j) z.sample(s)[j] = (1 - t) * muA[std::size_t(j)] + t * mu[std::size_t(j)];
    }
    return model.decode(z);
}

Tensor Pca::project(const Tensor& x) const {
    const int n = x.batch();
    const int k = int(components.rows());
    Tensor out({n, k});
    for (int i = 0; i < n; ++i) {
        Eigen::VectorXd v = Eigen::Map<const Eigen::VectorXf>(x.sample(i), Eigen::Index(x.sampleSize())).cast<double>() - mean;
        Eigen::VectorXd p = components * v;
        for (int j = 0; j < k; ++j) out.sample(i)[j] = float(p[j]);
    }
    return out;
}

Pca fitPca(const Tensor& x, int k) {
    const int n = x.batch();
    const int d = int(x.sampleSize());
    if (n < 2) throw InputError("PCA needs at least 2 points");
    if (k < 1 || k > d) throw InputError("PCA: components must be in 1.." + std::to_string(d));
    Eigen::MatrixXd X = Eigen::Map<const MatrixRM>(x.data(), n, d).cast<double>();
    Pca p;
    p.mean = X.colwise().mean().transpose();
    X.rowwise() -= p.mean.transpose();
    const Eigen::MatrixXd cov = X.transpose() * X / double(n - 1);
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> es(cov);
    p.components.resize(k, d);
    p.variance.resize(k);
    for (int j = 0; j < k; ++j) {
        const int col = d - 1 - j;  // eigenvalues ascend
        Eigen::VectorXd v = es.eigenvectors().col(col);
        // Sign convention: the largest-magnitude loading is positive (stable across runs).
        Eigen::Index big;
        v.cwiseAbs().maxCoeff(&big);
        if (v[big] < 0) v = -v;
        p.components.row(j) = v.transpose();
        p.variance[j] = es.eigenvalues()[col];
    }
    return p;
}

Tensor tsne(const Tensor& x, const TsneOptions& o, const std::function<void(int, int)>& progress,
            const std::atomic<bool>* cancel) {
    const int n = x.batch();
    const int d = int(x.sampleSize());
    const int m = o.dimensions;
    if (n < 4) throw InputError("t-SNE needs at least 4 points");
    if (n > 10000) throw InputError("exact t-SNE is O(N²): " + std::to_string(n) + " points are too many; use PCA or a subset");
    const double perplexity = std::min(o.perplexity, double(n - 1) / 3.0);
    Eigen::MatrixXd X = Eigen::Map<const MatrixRM>(x.data(), n, d).cast<double>();
    // Squared distances.
    const Eigen::VectorXd sq = X.rowwise().squaredNorm();
    Eigen::MatrixXd D = (-2.0 * X * X.transpose()).colwise() + sq;
    D.rowwise() += sq.transpose();
    D = D.cwiseMax(0.0);
    // Conditional probabilities with a binary search on the precision per point.
    Eigen::MatrixXd P = Eigen::MatrixXd::Zero(n, n);
    const double logU = std::log(perplexity);
#pragma omp parallel for schedule(static)
    for (int i = 0; i < n; ++i) {
        double beta = 1.0, lo = -INFINITY, hi = INFINITY;
        Eigen::VectorXd row(n);
        for (int it = 0; it < 64; ++it) {
            double sum = 0, hsum = 0;
            for (int j = 0; j < n; ++j) {
                row[j] = j == i ? 0.0 : std::exp(-D(i, j) * beta);
                sum += row[j];
            }
            sum = std::max(sum, 1e-300);
            for (int j = 0; j < n; ++j) hsum += D(i, j) * row[j];
            const double H = std::log(sum) + beta * hsum / sum;
            row /= sum;
            if (std::abs(H - logU) < 1e-5) break;
            if (H > logU) {
                lo = beta;
                beta = std::isinf(hi) ? beta * 2 : (beta + hi) / 2;
            } else {
                hi = beta;
                beta = std::isinf(lo) ? beta / 2 : (beta + lo) / 2;
            }
        }
        P.row(i) = row.transpose();
    }
    P = (P + P.transpose()).eval() / (2.0 * n);
    P = P.cwiseMax(1e-12);
    Rng rng(o.seed);
    Eigen::MatrixXd Y(n, m);
    for (int i = 0; i < n; ++i)
        for (int j = 0; j < m; ++j) Y(i, j) = 1e-4 * rng.normal();
    Eigen::MatrixXd update = Eigen::MatrixXd::Zero(n, m), gains = Eigen::MatrixXd::Ones(n, m);
    Eigen::MatrixXd Q(n, n), G(n, m);
    for (int iter = 0; iter < o.iterations; ++iter) {
        if (cancel && *cancel) break;
        const double exag = iter < o.exaggerationIterations ? o.earlyExaggeration : 1.0;
        const double momentum = iter < 250 ? 0.5 : 0.8;
        const Eigen::VectorXd ysq = Y.rowwise().squaredNorm();
        Eigen::MatrixXd num = (-2.0 * Y * Y.transpose()).colwise() + ysq;
        num.rowwise() += ysq.transpose();
        num = (1.0 + num.array()).inverse().matrix();
        num.diagonal().setZero();
        const double qsum = std::max(num.sum(), 1e-300);
        Q = (num / qsum).cwiseMax(1e-12);
        const Eigen::MatrixXd W = ((exag * P - Q).array() * num.array()).matrix();
        // ∂C/∂y_i = 4 Σ_j (p_ij − q_ij)(y_i − y_j)/(1 + |y_i − y_j|²)
        G = 4.0 * (W.rowwise().sum().asDiagonal() * Y - W * Y);
        for (int i = 0; i < n; ++i)
            for (int j = 0; j < m; ++j) {
                const bool same = (G(i, j) > 0) == (update(i, j) > 0);
                gains(i, j) = std::max(0.01, same ? gains(i, j) * 0.8 : gains(i, j) + 0.2);
            }
        update = momentum * update - o.learningRate * gains.cwiseProduct(G);
        Y += update;
        Y.rowwise() -= Y.colwise().mean();
        if (progress && (iter % 50 == 0 || iter + 1 == o.iterations)) progress(iter + 1, o.iterations);
    }
    Tensor out({n, m});
    for (int i = 0; i < n; ++i)
        for (int j = 0; j < m; ++j) out.sample(i)[j] = float(Y(i, j));
    return out;
}

double logisticRegressionAccuracy(const Tensor& trainX, const std::vector<int>& trainY, const Tensor& testX,
                                  const std::vector<int>& testY, int iterations) {
    const int n = trainX.batch(), d = int(trainX.sampleSize());
    if (n == 0 || int(trainY.size()) != n || testX.batch() != int(testY.size()) || int(testX.sampleSize()) != d)
        throw InputError("logistic regression: features and labels do not match");
    Eigen::MatrixXd X = Eigen::Map<const MatrixRM>(trainX.data(), n, d).cast<double>();
    const Eigen::RowVectorXd mean = X.colwise().mean();
    Eigen::RowVectorXd sd = ((X.rowwise() - mean).array().square().colwise().sum() / std::max(1, n - 1)).sqrt();
    for (int j = 0; j < d; ++j) sd[j] = sd[j] > 0 ? sd[j] : 1.0;
    auto standardise = [&](Eigen::MatrixXd A) {
        A.rowwise() -= mean;
        return Eigen::MatrixXd(A.array().rowwise() / sd.array());
    };
    X = standardise(X);
    Eigen::VectorXd t(n);
    for (int i = 0; i < n; ++i) t[i] = trainY[std::size_t(i)] ? 1.0 : 0.0;
    Eigen::VectorXd w = Eigen::VectorXd::Zero(d);
    double b = 0;
    for (int it = 0; it < iterations; ++it) {
        const Eigen::VectorXd p = ((-((X * w).array() + b)).exp() + 1.0).inverse().matrix();
        const Eigen::VectorXd e = p - t;
        w -= 0.5 * (X.transpose() * e / n + 1e-4 * w);
        b -= 0.5 * e.mean();
    }
    const int m = testX.batch();
    const Eigen::MatrixXd T = standardise(Eigen::Map<const MatrixRM>(testX.data(), m, d).cast<double>());
    const Eigen::VectorXd s = (T * w).array() + b;
    int correct = 0;
    for (int i = 0; i < m; ++i) correct += (s[i] > 0) == (testY[std::size_t(i)] != 0);
    return m ? double(correct) / m : NAN;
}

}  // namespace deepfield
