#include "data/colormap.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/error.h"

namespace deepfield {

namespace {
#include "data/colormap_tables.inc"

const unsigned char (*table(Colormap map))[3] {
    switch (map) {
        case Colormap::Viridis: return k_viridis;
        case Colormap::Magma: return k_magma;
        case Colormap::Inferno: return k_inferno;
        case Colormap::Cividis: return k_cividis;
        case Colormap::CoolWarm: return k_coolwarm;
        case Colormap::Grey: return nullptr;
    }
    return nullptr;
}

int indexOf(float x) { return std::clamp(int(std::floor(double(x) * 256.0)), 0, 255); }
}  // namespace

const std::vector<ColormapInfo>& colormaps() {
    static const std::vector<ColormapInfo> all = {
        {Colormap::Grey, "grey", "linear grey ramp", false},
        {Colormap::Viridis, "viridis", "N. J. Smith, S. van der Walt, E. Firing (matplotlib), CC0", false},
        {Colormap::Magma, "magma", "N. J. Smith, S. van der Walt, E. Firing (matplotlib), CC0", false},
        {Colormap::Inferno, "inferno", "N. J. Smith, S. van der Walt, E. Firing (matplotlib), CC0", false},
        {Colormap::Cividis, "cividis", "J. R. Nunez, C. R. Anderton, R. S. Renslow (2018), CC0", false},
        {Colormap::CoolWarm, "coolwarm", "K. Moreland, Diverging Color Maps for Scientific Visualization (2009)", true},
    };
    return all;
}

const ColormapInfo& colormapInfo(Colormap map) {
    for (const ColormapInfo& c : colormaps())
        if (c.id == map) return c;
    return colormaps().front();
}

Colormap parseColormap(const std::string& name) {
    if (name == "gray") return Colormap::Grey;
    std::string choices;
    for (const ColormapInfo& c : colormaps()) {
        if (name == c.name) return c.id;
        choices += (choices.empty() ? "" : ", ") + std::string(c.name);
    }
    throw InputError("unknown colour map '" + name + "'; choose " + choices);
}

Rgb8 colormapEntry(Colormap map, int index) {
    index = std::clamp(index, 0, 255);
    const auto* t = table(map);
    if (!t) return {std::uint8_t(index), std::uint8_t(index), std::uint8_t(index)};
    return {t[index][0], t[index][1], t[index][2]};
}

Rgb8 colormapColor(Colormap map, float x) { return colormapEntry(map, indexOf(x)); }

void applyColormap(const float* unit, std::size_t n, Colormap map, std::uint8_t* rgb, Rgb8 nanColor) {
    const auto* t = table(map);
#pragma omp parallel for schedule(static) if (n > 200000)
    for (std::ptrdiff_t k = 0; k < std::ptrdiff_t(n); ++k) {
        const std::size_t i = std::size_t(k);
        std::uint8_t* p = rgb + 3 * i;
        if (std::isnan(unit[i])) {
            p[0] = nanColor[0], p[1] = nanColor[1], p[2] = nanColor[2];
            continue;
        }
        const int j = indexOf(unit[i]);
        if (t)
            p[0] = t[j][0], p[1] = t[j][1], p[2] = t[j][2];
        else
            p[0] = p[1] = p[2] = std::uint8_t(j);
    }
}

std::vector<std::uint8_t> applyColormap(const std::vector<float>& unit, Colormap map, Rgb8 nanColor) {
    std::vector<std::uint8_t> rgb(unit.size() * 3);
    applyColormap(unit.data(), unit.size(), map, rgb.data(), nanColor);
    return rgb;
}

std::vector<float> symmetricUnit(const float* data, std::size_t n, double limit, const std::uint8_t* blank) {
    if (limit <= 0) {
        limit = 0;
        for (std::size_t i = 0; i < n; ++i)
            if (!(blank && blank[i]) && std::isfinite(data[i])) limit = std::max(limit, std::abs(double(data[i])));
        if (limit == 0) limit = 1;
    }
    std::vector<float> out(n);
    for (std::size_t i = 0; i < n; ++i) {
        if ((blank && blank[i]) || !std::isfinite(data[i]))
            out[i] = std::numeric_limits<float>::quiet_NaN();
        else
            out[i] = float(std::clamp(0.5 + 0.5 * double(data[i]) / limit, 0.0, 1.0));
    }
    return out;
}

}  // namespace deepfield
