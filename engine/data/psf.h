#pragma once
// Point-spread functions and their convolution with image planes. Kernels are integrated over
// pixels and normalised to sum 1, so convolution keeps the flux of sources inside the stamp.
#include <string>
#include <vector>

namespace deepfield {

enum class PsfType { None, Gaussian, Moffat };
PsfType psfTypeFromString(const std::string& name);  // "none", "gaussian", "moffat"; InputError otherwise
const char* toString(PsfType type);

struct PsfSpec {
    PsfType type = PsfType::Gaussian;
    double fwhm = 2.0;   // pixels
    double beta = 3.5;   // Moffat: I ∝ (1 + (r/alpha)^2)^-beta, FWHM = 2 alpha sqrt(2^(1/beta) - 1)
};

// The kernel (size, size), size odd, row-major, sum 1. Gaussian: radius 4 sigma; Moffat: 4 FWHM.
std::vector<float> psfKernel(const PsfSpec& psf, int& size);

// Convolves one plane (H, W) in place ("same" size, zero outside the image).
// `scratch` is reused between calls.
void convolvePsf(float* plane, int height, int width, const PsfSpec& psf, std::vector<float>& scratch);

// Convolution of a plane with an arbitrary odd-sized kernel (k, k), in place, zero padding.
void convolve2d(float* plane, int height, int width, const float* kernel, int k, std::vector<float>& scratch);

}  // namespace deepfield
