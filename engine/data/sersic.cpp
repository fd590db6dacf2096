#include "data/sersic.h"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cmath>
#include <vector>

namespace deepfield {

namespace {
// Regularised lower incomplete gamma P(a, x) (series below a + 1, continued fraction above).
double gammaP(double a, double x) {
    if (x <= 0.0) return 0.0;
    const double lnPrefix = a * std::log(x) - x - std::lgamma(a);
    if (x < a + 1.0) {
        double term = 1.0 / a, sum = term;
        for (int k = 1; k < 500 && std::fabs(term) > 1e-16 * std::fabs(sum); ++k) {
            term *= x / (a + k);
            sum += term;
        }
        return sum * std::exp(lnPrefix);
    }
    // Lentz's continued fraction for Q(a, x).
    double b = x + 1.0 - a, c = 1e300, d = 1.0 / b, h = d;
    for (int k = 1; k < 500; ++k) {
        const double an = -k * (k - a);
        b += 2.0;
        d = an * d + b;
        if (std::fabs(d) < 1e-300) d = 1e-300;
        c = b + an / c;
        if (std::fabs(c) < 1e-300) c = 1e-300;
        d = 1.0 / d;
        const double delta = d * c;
        h *= delta;
        if (std::fabs(delta - 1.0) < 1e-16) break;
    }
    return 1.0 - std::exp(lnPrefix) * h;
}

double sersicBApprox(double n) {
    if (n > 0.36) {
        const double n2 = n * n, n3 = n2 * n, n4 = n3 * n;
        return 2.0 * n - 1.0 / 3.0 + 4.0 / (405.0 * n) + 46.0 / (25515.0 * n2) + 131.0 / (1148175.0 * n3) -
               2194697.0 / (30690717750.0 * n4);
    }
    return 0.01945 - 0.8902 * n + 10.95 * n * n - 19.67 * n * n * n + 13.43 * n * n * n * n;
}
}  // namespace

double sersicB(double n) {
    // Exact: P(2n, b) = 1/2, by Newton steps from the asymptotic series (dP/db = b^(2n-1) e^-b / Gamma(2n)).
    const double a = 2.0 * n;
    double b = std::max(1e-3, sersicBApprox(n));
    for (int it = 0; it < 30; ++it) {
        const double f = gammaP(a, b) - 0.5;
        const double df = std::exp((a - 1.0) * std::log(b) - b - std::lgamma(a));
        const double step = f / df;
        b = std::max(0.5 * b, b - step);
        if (std::fabs(step) < 1e-12 * b) break;
    }
    return b;
}

double sersicTotalFlux(double n, double re, double q, double ie) {
    const double b = sersicB(n);
    return 2.0 * M_PI * n * q * re * re * ie * std::exp(b) * std::pow(b, -2.0 * n) * std::tgamma(2.0 * n);
}

namespace {
// exp and log as branch-free polynomials the compiler can vectorise (relative error < 1e-8):
// the sub-pixel loops spend their time here, and libm's calls do not vectorise.
inline double fastExp(double x) {
    x = std::clamp(x, -700.0, 700.0);
    const double k = std::nearbyint(x * 1.4426950408889634);  // x = k ln2 + y, |y| <= ln2 / 2
    const double y = x - k * 0.6931471805599453;
    double p = 1.0 / 5040.0;
    p = p * y + 1.0 / 720.0;
    p = p * y + 1.0 / 120.0;
    p = p * y + 1.0 / 24.0;
    p = p * y + 1.0 / 6.0;
    p = p * y + 0.5;
    p = p * y + 1.0;
    p = p * y + 1.0;
    const std::uint64_t bits = std::uint64_t(std::int64_t(k) + 1023) << 52;
    return p * std::bit_cast<double>(bits);
}

inline double fastLog(double x) {  // x > 0, normal
    const std::uint64_t bits = std::bit_cast<std::uint64_t>(x);
    double e = double(std::int64_t(bits >> 52) - 1023);
    double m = std::bit_cast<double>((bits & 0x000FFFFFFFFFFFFFULL) | 0x3FF0000000000000ULL);  // [1, 2)
    const bool high = m > 1.4142135623730951;
    m = high ? 0.5 * m : m;
    e = high ? e + 1.0 : e;
    const double z = (m - 1.0) / (m + 1.0), z2 = z * z;  // log m = 2 atanh z, |z| < 0.172
    const double series = 2.0 * z * (1.0 + z2 * (1.0 / 3 + z2 * (1.0 / 5 + z2 * (1.0 / 7 + z2 * (1.0 / 9 + z2 / 11)))));
    return e * 0.6931471805599453 + series;
}
// Sum of exp(-b (r/Re)^(1/n)) over one row of sub-pixels starting at (sx0, sy), step h.
template <int Kind>
double subRowSum(double sx0, double sy, double h, int count, double c, double s, double invQ, double invRe2,
                 double expo, double b) {
    double sum = 0.0;
#pragma omp simd reduction(+ : sum)
    for (int e = 0; e < count; ++e) {
        const double sx = sx0 + e * h;
        const double xq = sx * c + sy * s, yq = (-sx * s + sy * c) * invQ;
        const double u = (xq * xq + yq * yq) * invRe2;
        double t;
        if constexpr (Kind == 1) t = std::sqrt(u);
        else if constexpr (Kind == 2) t = u;
        else t = fastExp(expo * fastLog(std::max(u, 1e-300)));
        sum += fastExp(-b * t);
    }
    return sum;
}
}  // namespace

void addSersic(float* image, int height, int width, const SersicProfile& p, const ProfileModulation& modulation) {
    const double n = p.n, q = std::clamp(p.q, 1e-3, 1.0), re = std::max(p.re, 1e-3);
    const double b = sersicB(n);
    const double ie = p.flux / sersicTotalFlux(n, re, q, 1.0);
    const double amp = ie * std::exp(b);  // I(0)
    const double c = std::cos(p.pa), s = std::sin(p.pa);
    const double invRe2 = 1.0 / (re * re), expo = 0.5 / n, invQ = 1.0 / q;
    const int kind = std::fabs(n - 1.0) < 1e-12 ? 1 : (std::fabs(n - 0.5) < 1e-12 ? 2 : 0);
    // Intensity at (dx, dy) from the centre, without modulation: exp(-b (r/Re)^(1/n)).
    // (r / Re)^(1/n) from r^2, with the common indices spared a pow().
    auto power = [&](double r2) {
        const double u = r2 * invRe2;
        if (kind == 1) return std::sqrt(u);
        if (kind == 2) return u;
        return fastExp(expo * fastLog(std::max(u, 1e-300)));
    };
    const double negligible = 1e-7 * std::fabs(p.flux);
    const int maxSub = 48;
    // Cuspy profiles (n > 1) bend ever faster towards the centre, where the errors of coarse
    // sampling no longer cancel: they get denser sub-pixel grids than disks and bars.
    const double minSlope = n > 1.2 ? 0.3 : 0.5, perSlope = n > 1.2 ? 5.0 : 3.0;
    for (int i = 0; i < height; ++i) {
        for (int j = 0; j < width; ++j) {
            const double dx = j - p.x0, dy = i - p.y0;
            const double xp = dx * c + dy * s, yd = (-dx * s + dy * c) * invQ;
            const double r2 = xp * xp + yd * yd, r = std::sqrt(r2);
            // Logarithmic slope of the profile per pixel, worst direction (minor axis: / q),
            // and its curvature d2 ln I / dr2 (which matters at the centre of a flat, n < 1 profile).
            const double u = power(r2);
            double slope;
            if (r < 1e-9) {
                slope = n > 0.5 + 1e-9 ? 1e9 : std::sqrt(2.0 * b * invRe2) * invQ;
            } else {
                const double bend = std::fabs((b / n) * (1.0 / n - 1.0) * u / r2) * invQ * invQ;
                slope = std::max((b / n) * u / r * invQ, std::sqrt(bend));
            }
            const double centre = amp * std::exp(-b * u);
            // Midpoint sampling errors cancel over a smooth profile (the Laplacian integrates to
            // zero), so only pixels where the profile bends within the pixel need sub-samples.
            int sub = 1;
            if (slope > minSlope) {
                // Bound on the pixel's flux: its centre value grown over half a diagonal.
                const double bound = centre * std::exp(std::min(0.75 * slope, 50.0));
                if (bound > negligible) sub = int(std::min<double>(maxSub, std::ceil(perSlope * slope)));
            }
            // Pixels touching the centre of a cusp get a fine grid.
            if (std::fabs(dx) < 1.0 && std::fabs(dy) < 1.0 && n > 0.9) sub = 32;
            double sum;
            if (sub == 1) {
                sum = centre;
            } else {
                sum = 0.0;
                const double h = 1.0 / sub;
                for (int a = 0; a < sub; ++a) {
                    const double sy = dy + (a + 0.5) * h - 0.5, sx0 = dx + 0.5 * h - 0.5;
                    if (kind == 1) sum += subRowSum<1>(sx0, sy, h, sub, c, s, invQ, invRe2, expo, b);
                    else if (kind == 2) sum += subRowSum<2>(sx0, sy, h, sub, c, s, invQ, invRe2, expo, b);
                    else sum += subRowSum<0>(sx0, sy, h, sub, c, s, invQ, invRe2, expo, b);
                }
                sum *= amp * h * h;
            }
            // The modulation (arms) varies slowly on the pixel scale: evaluated at the pixel centre.
            if (modulation) sum *= modulation(xp, yd);
            image[std::size_t(i) * width + j] += float(sum);
        }
    }
}

void addGaussianBlob(float* image, int height, int width, double x0, double y0, double sigma, double flux) {
    if (sigma <= 0.0 || flux == 0.0) return;
    const double k = 1.0 / (sigma * std::sqrt(2.0));
    const int reach = int(std::ceil(5.0 * sigma)) + 1;
    const int j0 = std::max(0, int(std::floor(x0)) - reach), j1 = std::min(width - 1, int(std::ceil(x0)) + reach);
    const int i0 = std::max(0, int(std::floor(y0)) - reach), i1 = std::min(height - 1, int(std::ceil(y0)) + reach);
    if (j0 > j1 || i0 > i1) return;
    std::vector<double> wx(std::size_t(j1 - j0 + 1)), wy(std::size_t(i1 - i0 + 1));
    for (int j = j0; j <= j1; ++j)
        wx[std::size_t(j - j0)] = 0.5 * (std::erf((j + 0.5 - x0) * k) - std::erf((j - 0.5 - x0) * k));
    for (int i = i0; i <= i1; ++i)
        wy[std::size_t(i - i0)] = 0.5 * (std::erf((i + 0.5 - y0) * k) - std::erf((i - 0.5 - y0) * k));
    for (int i = i0; i <= i1; ++i)
        for (int j = j0; j <= j1; ++j)
            image[std::size_t(i) * width + j] += float(flux * wy[std::size_t(i - i0)] * wx[std::size_t(j - j0)]);
}

}  // namespace deepfield
