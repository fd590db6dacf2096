#include "lesson_data.h"

#include <QFileInfo>
#include <algorithm>
#include <cmath>

#include "core/error.h"
#include "core/rng.h"
#include "data/image_io.h"
#include "data/table.h"
#include "lesson_catalog.h"

namespace deepfield::app {

namespace {
const std::vector<std::string> kColours{"u-g", "g-r", "r-i", "i-z"};

// Rows of the table that pass `keep`, a seeded random `count` of them, as colours.
template <class Keep>
ColourSample sample(const QString& csv, int count, std::uint64_t seed, Keep keep, ColourSample out) {
    const Table t = readCsv(csv.toStdString());
    std::vector<Feature> f;
    for (const std::string& c : kColours) f.push_back(resolveFeature(t, c));
    std::vector<int> rows;
    for (int r = 0; r < t.rowCount(); ++r)
        if (keep(t, r)) rows.push_back(r);
    Rng rng(seed);
    const std::vector<int> order = rng.permutation(int(rows.size()));
    const int n = std::min<int>(count, int(rows.size()));
    out.features = Tensor({n, 4});
    auto value = [&](int r, const Feature& ft) {
        return t.number(r, ft.column) - (ft.minus >= 0 ? t.number(r, ft.minus) : 0.0);
    };
    std::vector<int> picked;
    for (int i = 0; i < n; ++i) picked.push_back(rows[std::size_t(order[std::size_t(i)])]);
    std::sort(picked.begin(), picked.end());  // file order: reproducible and easy to check
    for (int i = 0; i < n; ++i)
        for (int j = 0; j < 4; ++j) out.features.sample(i)[j] = float(value(picked[std::size_t(i)], f[std::size_t(j)]));
    out.featureNames = {"u − g", "g − r", "r − i", "i − z"};
    const int cls = t.columnIndex("class"), z = t.columnIndex("redshift");
    for (int r : picked) {
        if (!out.classNames.isEmpty() && cls >= 0)
            out.labels.push_back(int(out.classNames.indexOf(QString::fromStdString(t.rows[std::size_t(r)][std::size_t(cls)]))));
        if (z >= 0) out.redshift.push_back(float(t.number(r, z)));
    }
    return out;
}
}  // namespace

ColourSample loadColourClasses(const QString& csv, int count, std::uint64_t seed) {
    ColourSample s;
    s.classNames = {"GALAXY", "QSO", "STAR"};  // sorted, as the table reader numbers them
    return sample(csv, count, seed, [](const Table&, int) { return true; }, s);
}

ColourSample loadGalaxyRedshifts(const QString& csv, int count, std::uint64_t seed) {
    return sample(
        csv, count, seed,
        [](const Table& t, int r) {
            const int cls = t.requireColumn("class"), z = t.requireColumn("redshift");
            const double v = t.number(r, z);
            return t.rows[std::size_t(r)][std::size_t(cls)] == "GALAXY" && v > 0 && v < 1;
        },
        ColourSample{});
}

ColourSample loadBossRedshifts(const QString& csv, int count, std::uint64_t seed) {
    const Table t = readCsv(csv.toStdString());
    const std::vector<std::string> names{"MAG_U-MAG_G", "MAG_G-MAG_R", "MAG_R-MAG_I", "MAG_I-MAG_Z", "MAG_R"};
    std::vector<Feature> f;
    for (const std::string& c : names) f.push_back(resolveFeature(t, c));
    const int z = t.requireColumn("Z");
    Rng rng(seed);
    const std::vector<int> order = rng.permutation(t.rowCount());
    const int n = std::min(count, t.rowCount());
    ColourSample out;
    out.features = Tensor({n, int(names.size())});
    for (int i = 0; i < n; ++i) {
        const int r = order[std::size_t(i)];
        for (std::size_t j = 0; j < f.size(); ++j)
            out.features.sample(i)[j] = float(t.number(r, f[j].column) - (f[j].minus >= 0 ? t.number(r, f[j].minus) : 0.0));
        out.redshift.push_back(float(t.number(r, z)));
    }
    out.featureNames = {"u − g", "g − r", "r − i", "i − z", "r"};
    return out;
}

Tensor lessonGalaxyImage(int size) {
    Tensor out({size, size});
    const QString file = lessonDataDir() + "/gz1-sdss/images/587724233174941808.jpeg";
    try {
        if (!QFileInfo::exists(file)) throw InputError("missing");
        const Image img = readImage(file.toStdString());
        const int h = img.height(), w = img.width(), c = img.channels();
        // Centre 60 % of the cut-out, box-averaged down to size × size, bands averaged.
        const double x0 = w * 0.2, y0 = h * 0.2, step = (w * 0.6) / size;
        float lo = 1e30f, hi = -1e30f;
        for (int r = 0; r < size; ++r)
            for (int q = 0; q < size; ++q) {
                double sum = 0;
                int n = 0;
                for (int yy = int(y0 + r * step); yy < int(y0 + (r + 1) * step) && yy < h; ++yy)
                    for (int xx = int(x0 + q * step); xx < int(x0 + (q + 1) * step) && xx < w; ++xx)
                        for (int b = 0; b < c; ++b, ++n) sum += img.channel(b)[std::size_t(yy) * w + xx];
                const float v = n ? float(sum / n) : 0.0f;
                out[std::size_t(r) * size + q] = v;
                lo = std::min(lo, v);
                hi = std::max(hi, v);
            }
        // Sky at 0 (the median), galaxy peak at 1: zero padding then adds no false edges at the border.
        std::vector<float> sorted(out.data(), out.data() + out.size());
        std::nth_element(sorted.begin(), sorted.begin() + long(sorted.size() / 2), sorted.end());
        const float sky = sorted[sorted.size() / 2];
        lo = sky;
        for (std::size_t i = 0; i < out.size(); ++i) out[i] = hi > lo ? (out[i] - lo) / (hi - lo) : 0.0f;
    } catch (const std::exception&) {
        // No cut-out shipped: a smooth bulge with a two-armed pattern.
        for (int r = 0; r < size; ++r)
            for (int q = 0; q < size; ++q) {
                const double x = (q - size / 2.0) / size * 8, y = (r - size / 2.0) / size * 8;
                const double rad = std::hypot(x, y), phi = std::atan2(y, x);
                out[std::size_t(r) * size + q] =
                    float(std::exp(-rad * rad) + 0.4 * std::exp(-rad / 1.5) * (1 + std::cos(2 * phi - 3 * rad)) / 2);
            }
    }
    return out;
}

}  // namespace deepfield::app
