#include "data/psf.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "core/error.h"

namespace deepfield {

PsfType psfTypeFromString(const std::string& name) {
    if (name == "none") return PsfType::None;
    if (name == "gaussian") return PsfType::Gaussian;
    if (name == "moffat") return PsfType::Moffat;
    throw InputError("unknown PSF '" + name + "': use none, gaussian or moffat");
}

const char* toString(PsfType type) {
    switch (type) {
        case PsfType::None: return "none";
        case PsfType::Gaussian: return "gaussian";
        case PsfType::Moffat: return "moffat";
    }
    return "none";
}

namespace {
// Pixel-integrated 1-D Gaussian weights, radius r, normalised.
std::vector<float> gaussian1d(double sigma, int radius) {
    std::vector<float> w(std::size_t(2 * radius + 1));
    const double k = 1.0 / (sigma * std::sqrt(2.0));
    double sum = 0.0;
    for (int t = -radius; t <= radius; ++t) {
        const double v = 0.5 * (std::erf((t + 0.5) * k) - std::erf((t - 0.5) * k));
        w[std::size_t(t + radius)] = float(v);
        sum += v;
    }
    for (float& v : w) v = float(v / sum);
    return w;
}
}  // namespace

std::vector<float> psfKernel(const PsfSpec& psf, int& size) {
    if (psf.type == PsfType::None || psf.fwhm <= 0.0) {
        size = 1;
        return {1.0f};
    }
    if (psf.type == PsfType::Gaussian) {
        const double sigma = psf.fwhm / (2.0 * std::sqrt(2.0 * std::log(2.0)));
        const int radius = std::max(1, int(std::ceil(4.0 * sigma)));
        const std::vector<float> w = gaussian1d(sigma, radius);
        size = 2 * radius + 1;
        std::vector<float> k(std::size_t(size) * size);
        for (int i = 0; i < size; ++i)
            for (int j = 0; j < size; ++j) k[std::size_t(i) * size + j] = w[std::size_t(i)] * w[std::size_t(j)];
        return k;
    }
    const double beta = std::max(psf.beta, 1.01);
    const double alpha = psf.fwhm / (2.0 * std::sqrt(std::pow(2.0, 1.0 / beta) - 1.0));
    const int radius = std::max(1, int(std::ceil(4.0 * psf.fwhm)));
    size = 2 * radius + 1;
    std::vector<float> k(std::size_t(size) * size);
    const int sub = 5;
    double total = 0.0;
    for (int i = 0; i < size; ++i)
        for (int j = 0; j < size; ++j) {
            double sum = 0.0;
            for (int a = 0; a < sub; ++a)
                for (int e = 0; e < sub; ++e) {
                    const double y = i - radius + (a + 0.5) / sub - 0.5, x = j - radius + (e + 0.5) / sub - 0.5;
                    sum += std::pow(1.0 + (x * x + y * y) / (alpha * alpha), -beta);
                }
            k[std::size_t(i) * size + j] = float(sum);
            total += sum;
        }
    for (float& v : k) v = float(v / total);
    return k;
}

void convolve2d(float* plane, int height, int width, const float* kernel, int k, std::vector<float>& scratch) {
    const int r = k / 2;
    const int pw = width + 2 * r, ph = height + 2 * r;
    scratch.assign(std::size_t(pw) * ph + std::size_t(width), 0.0f);
    float* padded = scratch.data();
    for (int i = 0; i < height; ++i)
        std::memcpy(padded + std::size_t(i + r) * pw + r, plane + std::size_t(i) * width, sizeof(float) * width);
    for (int i = 0; i < height; ++i) {
        float* out = plane + std::size_t(i) * width;
        std::fill(out, out + width, 0.0f);
        for (int a = 0; a < k; ++a) {
            const float* row = padded + std::size_t(i + a) * pw;
            for (int e = 0; e < k; ++e) {
                const float w = kernel[std::size_t(a) * k + e];
                if (w == 0.0f) continue;
                const float* src = row + e;
                for (int j = 0; j < width; ++j) out[j] += w * src[j];
            }
        }
    }
}

void convolvePsf(float* plane, int height, int width, const PsfSpec& psf, std::vector<float>& scratch) {
    if (psf.type == PsfType::None || psf.fwhm <= 0.0) return;
    if (psf.type == PsfType::Moffat) {
        int k = 0;
        const std::vector<float> kernel = psfKernel(psf, k);
        convolve2d(plane, height, width, kernel.data(), k, scratch);
        return;
    }
    // Gaussian: separable, rows then columns.
    const double sigma = psf.fwhm / (2.0 * std::sqrt(2.0 * std::log(2.0)));
    const int r = std::max(1, int(std::ceil(4.0 * sigma)));
    const std::vector<float> w = gaussian1d(sigma, r);
    const int k = 2 * r + 1;
    const std::size_t n = std::size_t(height) * width;
    scratch.assign(n + std::size_t(std::max(height, width) + 2 * r), 0.0f);
    float* tmp = scratch.data();
    float* line = scratch.data() + n;
    for (int i = 0; i < height; ++i) {  // horizontal pass into tmp
        std::fill(line, line + width + 2 * r, 0.0f);
        std::memcpy(line + r, plane + std::size_t(i) * width, sizeof(float) * width);
        float* out = tmp + std::size_t(i) * width;
        for (int j = 0; j < width; ++j) {
            float acc = 0.0f;
            for (int t = 0; t < k; ++t) acc += w[std::size_t(t)] * line[j + t];
            out[j] = acc;
        }
    }
    std::fill(plane, plane + n, 0.0f);  // vertical pass back into the plane
    for (int i = 0; i < height; ++i) {
        float* out = plane + std::size_t(i) * width;
        for (int t = 0; t < k; ++t) {
            const int src = i + t - r;
            if (src < 0 || src >= height) continue;
            const float wt = w[std::size_t(t)];
            const float* in = tmp + std::size_t(src) * width;
            for (int j = 0; j < width; ++j) out[j] += wt * in[j];
        }
    }
}

}  // namespace deepfield
