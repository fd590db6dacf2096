#include "data/sersic.h"

#include <algorithm>
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

void addSersic(float* image, int height, int width, const SersicProfile& p, const ProfileModulation& modulation) {
    const double n = p.n, q = std::clamp(p.q, 1e-3, 1.0), re = std::max(p.re, 1e-3);
    const double b = sersicB(n);
    const double ie = p.flux / sersicTotalFlux(n, re, q, 1.0);
    const double amp = ie * std::exp(b);  // I(0)
    const double c = std::cos(p.pa), s = std::sin(p.pa);
    const double invRe2 = 1.0 / (re * re), expo = 0.5 / n, invQ = 1.0 / q;
    const int kind = std::fabs(n - 1.0) < 1e-12 ? 1 : (std::fabs(n - 0.5) < 1e-12 ? 2 : 0);
    // Intensity at (dx, dy) from the centre, without modulation: exp(-b (r/Re)^(1/n)).
    auto shape = [&](double r2) {
        const double u = r2 * invRe2;
        if (kind == 1) return std::exp(-b * std::sqrt(u));
        if (kind == 2) return std::exp(-b * u);
        return std::exp(-b * std::pow(u, expo));
    };
    const double negligible = 1e-7 * std::fabs(p.flux);
    const int maxSub = 48;
    for (int i = 0; i < height; ++i) {
        for (int j = 0; j < width; ++j) {
            const double dx = j - p.x0, dy = i - p.y0;
            const double xp = dx * c + dy * s, yd = (-dx * s + dy * c) * invQ;
            const double r2 = xp * xp + yd * yd, r = std::sqrt(r2);
            // Logarithmic slope of the profile per pixel, worst direction (minor axis: / q),
            // and its curvature d2 ln I / dr2 (which matters at the centre of a flat, n < 1 profile).
            double slope;
            if (r < 1e-9) {
                slope = n > 0.5 + 1e-9 ? 1e9 : std::sqrt(2.0 * b * invRe2) * invQ;
            } else {
                const double u = std::pow(r2 * invRe2, expo);
                const double bend = std::fabs((b / n) * (1.0 / n - 1.0) * u / r2) * invQ * invQ;
                slope = std::max((b / n) * u / r * invQ, std::sqrt(bend));
            }
            const double centre = amp * shape(r2);
            // Midpoint sampling errors cancel over a smooth profile (the Laplacian integrates to
            // zero), so only pixels where the profile bends within the pixel need sub-samples.
            int sub = 1;
            if (slope > 0.3) {
                // Bound on the pixel's flux: its centre value grown over half a diagonal.
                const double bound = centre * std::exp(std::min(0.75 * slope, 50.0));
                if (bound > negligible) sub = int(std::min<double>(maxSub, std::ceil(5.0 * slope)));
            }
            // Pixels touching the centre of a cusp always get the finest grid.
            if (std::fabs(dx) < 1.0 && std::fabs(dy) < 1.0 && n > 0.9) sub = maxSub;
            double sum;
            if (sub == 1) {
                sum = centre;
            } else {
                sum = 0.0;
                const double h = 1.0 / sub;
                for (int a = 0; a < sub; ++a) {
                    const double sy = dy + (a + 0.5) * h - 0.5;
                    for (int e = 0; e < sub; ++e) {
                        const double sx = dx + (e + 0.5) * h - 0.5;
                        const double xq = sx * c + sy * s, yq = (-sx * s + sy * c) * invQ;
                        sum += shape(xq * xq + yq * yq);
                    }
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
