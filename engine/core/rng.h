#pragma once
// Seeded random numbers with our own transforms, so the same seed gives the same
// numbers on every platform and standard library (std::normal_distribution does not).
#include <cstdint>
#include <random>
#include <vector>

namespace deepfield {

class Rng {
public:
    explicit Rng(std::uint64_t seed = 0) : engine_(seed) {}
    void seed(std::uint64_t s) { engine_.seed(s); hasSpare_ = false; }

    std::uint64_t nextU64() { return engine_(); }
    // Uniform in [0, 1).
    double uniform() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }
    float uniform(float lo, float hi) { return lo + static_cast<float>(uniform()) * (hi - lo); }
    // Standard normal (Box-Muller, polar form avoided so the count of draws is fixed).
    double normal();
    float normal(float mean, float stddev) { return mean + stddev * static_cast<float>(normal()); }
    // Uniform integer in [0, n).
    std::uint64_t below(std::uint64_t n) { return n ? nextU64() % n : 0; }
    // Fisher-Yates shuffle of 0..n-1.
    std::vector<int> permutation(int n);

private:
    std::mt19937_64 engine_;
    bool hasSpare_ = false;
    double spare_ = 0.0;
};

}  // namespace deepfield
