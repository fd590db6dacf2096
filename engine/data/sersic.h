#pragma once
// Sérsic profiles I(r) = I_e exp(-b_n [(r / R_e)^(1/n) - 1]) rendered into pixel arrays with
// adaptive sub-pixel sampling, so the flux and half-light radius of small, cuspy profiles
// come out right. r is the elliptical radius sqrt(x'^2 + (y'/q)^2) along the major axis.
#include <functional>

namespace deepfield {

// b_n such that R_e encloses half the light, i.e. P(2n, b_n) = 1/2 (regularised incomplete
// gamma), solved by Newton steps from the Ciotti & Bertin (1999) asymptotic series.
double sersicB(double n);
// Total flux of the untruncated profile: 2 pi n q R_e^2 I_e e^b b^(-2n) Gamma(2n).
double sersicTotalFlux(double n, double re, double q, double ie);

struct SersicProfile {
    double n = 1.0;
    double re = 5.0;      // effective (half-light) radius along the major axis, pixels
    double q = 1.0;       // axis ratio b/a in (0, 1]
    double pa = 0.0;      // position angle of the major axis, radians, counter-clockwise from +x
    double x0 = 0.0;      // centre in pixel coordinates (pixel (i, j) has its centre at x = j, y = i)
    double y0 = 0.0;
    double flux = 1.0;    // total flux of the untruncated profile
};

// Optional multiplicative modulation of the profile, evaluated in the galaxy's own frame:
// (x' along the major axis, y' / q de-projected, so a face-on disk) -> factor (e.g. spiral arms).
using ProfileModulation = std::function<double(double xd, double yd)>;

// Adds the profile's pixel integrals (H, W), row-major, to `image`. Pixels far from the centre
// use one sample; pixels where the profile changes fast on the pixel scale are split into up
// to 48 x 48 sub-pixels. `modulation` may be empty.
void addSersic(float* image, int height, int width, const SersicProfile& profile,
               const ProfileModulation& modulation = {});

// Adds a circular Gaussian of total flux `flux` and standard deviation `sigma` (pixels),
// integrated exactly over each pixel (products of error-function differences).
void addGaussianBlob(float* image, int height, int width, double x0, double y0, double sigma, double flux);

}  // namespace deepfield
