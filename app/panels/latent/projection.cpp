#include "projection.h"

#include <cmath>

#include "core/error.h"
#include "generative/latent.h"

namespace deepfield::app {

std::vector<float> Projection::toLatent(const QPointF& p, int dim) const {
    std::vector<float> z(std::size_t(dim), 0.0f);
    if (mode == Mode::Axes) {
        z[std::size_t(axisX)] = float(p.x());
        z[std::size_t(axisY)] = float(p.y());
    } else if (mode == Mode::Pca) {
        const Eigen::VectorXd v = mean + p.x() * components.row(0).transpose() + p.y() * components.row(1).transpose();
        for (int j = 0; j < dim; ++j) z[std::size_t(j)] = float(v[j]);
    } else {
        return {};
    }
    return z;
}

QPointF Projection::sigmaInPlane(const Tensor& sigma, int i) const {
    const float* s = sigma.sample(i);
    if (mode == Mode::Axes) return {s[axisX], s[axisY]};
    if (mode == Mode::Pca) {
        double a = 0, b = 0;
        for (int j = 0; j < components.cols(); ++j) {
            const double v = double(s[j]) * double(s[j]);
            a += components(0, j) * components(0, j) * v;
            b += components(1, j) * components(1, j) * v;
        }
        return {std::sqrt(a), std::sqrt(b)};
    }
    return {0, 0};
}

Projection projectAxes(const Tensor& mu, int axisX, int axisY) {
    Projection p;
    p.axisX = axisX;
    p.axisY = axisY;
    const int n = mu.batch();
    p.points = Tensor({n, 2});
    for (int i = 0; i < n; ++i) {
        p.points.sample(i)[0] = mu.sample(i)[axisX];
        p.points.sample(i)[1] = mu.sample(i)[axisY];
    }
    return p;
}

Projection projectPca(const Tensor& mu) {
    const int n = mu.batch(), d = mu.dim(1);
    if (n < 2 || d < 2) throw InputError("PCA needs at least 2 images and 2 latent dimensions");
    Projection p;
    p.mode = Projection::Mode::Pca;
    if (d <= 256) {
        const Pca pca = fitPca(mu, 2);
        p.mean = pca.mean;
        p.components = pca.components;
    } else {
        using RM = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
        Eigen::MatrixXd x = Eigen::Map<const RM>(mu.data(), n, d).cast<double>();
        p.mean = x.colwise().mean().transpose();
        x.rowwise() -= p.mean.transpose();
        Eigen::MatrixXd q = Eigen::MatrixXd::Zero(d, 2);
        for (int j = 0; j < d; ++j) q(j, 0) = 1.0 + 0.01 * (j % 7), q(j, 1) = (j % 2 ? 1.0 : -1.0) + 0.01 * (j % 5);
        for (int it = 0; it < 60; ++it) {  // subspace iteration on XᵀX
            const Eigen::MatrixXd y = x.transpose() * (x * q);
            Eigen::HouseholderQR<Eigen::MatrixXd> qr(y);
            q = qr.householderQ() * Eigen::MatrixXd::Identity(d, 2);
        }
        // Order the two directions by variance (Rayleigh–Ritz in the 2-D subspace).
        const Eigen::MatrixXd xq = x * q;
        Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> es(xq.transpose() * xq);
        const Eigen::MatrixXd rot = es.eigenvectors().rowwise().reverse();
        p.components = (q * rot).transpose();
    }
    const Tensor proj = [&] {
        Tensor t({n, 2});
        for (int i = 0; i < n; ++i)
            for (int k = 0; k < 2; ++k) {
                double v = 0;
                for (int j = 0; j < d; ++j) v += (double(mu.sample(i)[j]) - p.mean[j]) * p.components(k, j);
                t.sample(i)[k] = float(v);
            }
        return t;
    }();
    p.points = proj;
    return p;
}

Projection projectTsne(const Tensor& mu, const std::function<void(int, int)>& progress, const std::atomic<bool>* cancel) {
    Projection p;
    p.mode = Projection::Mode::Tsne;
    TsneOptions o;
    o.perplexity = std::min(30.0, std::max(2.0, (mu.batch() - 1) / 3.0));
    o.iterations = 500;
    o.exaggerationIterations = 150;
    p.points = tsne(mu, o, progress, cancel);
    return p;
}

}  // namespace deepfield::app
