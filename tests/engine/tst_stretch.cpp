// Intervals, stretches, colour maps and the Lupton composite against astropy
// (tests/reference/astropy_fits.py -> tests/data/astropy_fits.json).
#include <QtTest>

#include <cmath>
#include <limits>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/json.h"
#include "data/colormap.h"
#include "data/composite.h"
#include "data/fits.h"
#include "data/stretch.h"

using namespace deepfield;

namespace {

const Json& reference() {
    static const Json j = Json::parse(readFile(std::string(DEEPFIELD_TEST_DATA) + "/astropy_fits.json"));
    return j;
}
std::string realFits(const std::string& name) { return std::string(DEEPFIELD_SHARED_DATA) + "/fits/" + name; }

std::vector<float> floats(const Json& a) {
    std::vector<float> v;
    for (const Json& x : a) v.push_back(float(x.get<double>()));
    return v;
}

}  // namespace

class TestStretch : public QObject {
    Q_OBJECT
private slots:
    void stretches_data() {
        QTest::addColumn<QString>("key");
        QTest::addColumn<int>("kind");
        QTest::addColumn<double>("a");
        QTest::newRow("linear") << "linear" << int(DisplayStretch::Linear) << 0.0;
        QTest::newRow("log a=1000") << "log1000" << int(DisplayStretch::Log) << 0.0;
        QTest::newRow("sqrt") << "sqrt" << int(DisplayStretch::Sqrt) << 0.0;
        QTest::newRow("power 2") << "power2" << int(DisplayStretch::Power) << 2.0;
        QTest::newRow("asinh 0.1") << "asinh0.1" << int(DisplayStretch::Asinh) << 0.0;
        QTest::newRow("asinh 0.02") << "asinh0.02" << int(DisplayStretch::Asinh) << 0.02;
    }
    // Values below 0 and above 1 are clipped first (Interval 0..1), as astropy with clip=True.
    void stretches() {
        QFETCH(QString, key);
        QFETCH(int, kind);
        QFETCH(double, a);
        const Json& s = reference()["stretch"];
        const std::vector<float> x = floats(s["x"]);
        const std::vector<float> y = applyStretch(x.data(), x.size(), nullptr, Interval{0.0, 1.0}, {DisplayStretch(kind), a});
        const Json& want = s[key.toStdString()];
        QCOMPARE(y.size(), want.size());
        for (std::size_t i = 0; i < y.size(); ++i)
            QVERIFY2(std::abs(y[i] - want[i].get<double>()) < 2e-6,
                     (std::to_string(i) + ": " + std::to_string(y[i]) + " vs " + std::to_string(want[i].get<double>())).c_str());
    }

    void histogramEqualisation() {
        const Json& s = reference()["stretch"];
        const std::vector<float> data = floats(s["histeq_data"]);
        const Interval mm = minMaxInterval(data.data(), data.size());
        const std::vector<float> y = applyStretch(data.data(), data.size(), nullptr, mm, {DisplayStretch::HistEq, 0});
        const Json& want = s["histeq"];
        double worst = 0;
        for (std::size_t i = 0; i < y.size(); ++i) worst = std::max(worst, std::abs(y[i] - want[i].get<double>()));
        QVERIFY2(worst < 1e-5, std::to_string(worst).c_str());
        // Equalised: the output is spread evenly, median maps to ~0.5.
        std::vector<float> sorted = y;
        std::sort(sorted.begin(), sorted.end());
        QVERIFY(std::abs(sorted[sorted.size() / 2] - 0.5f) < 0.01f);
    }

    // IRAF zscale and percentile clip on the real images against astropy.
    void realIntervals_data() {
        QTest::addColumn<int>("index");
        int i = 0;
        for (const Json& e : reference()["real"]) QTest::newRow(e["file"].get<std::string>().c_str()) << i++;
    }
    void realIntervals() {
        QFETCH(int, index);
        const Json& e = reference()["real"][std::size_t(index)];
        const FitsImage img = readFits(realFits(e["file"]));
        const float* d = img.image.pixels.data();
        const std::size_t n = img.image.pixels.size();
        const std::uint8_t* blank = img.image.hasBlank() ? img.image.blank.data() : nullptr;
        const Interval z = zscaleInterval(d, n, blank);
        const double zlo = e["zscale"][0], zhi = e["zscale"][1];
        qInfo("zscale %.6g %.6g (astropy %.6g %.6g)", z.low, z.high, zlo, zhi);
        QVERIFY2(std::abs(z.low - zlo) <= 0.02 * (zhi - zlo) && std::abs(z.high - zhi) <= 0.02 * (zhi - zlo),
                 (std::to_string(z.low) + " " + std::to_string(z.high)).c_str());
        const Interval p = percentileInterval(d, n, blank, 98.0);
        QVERIFY(std::abs(p.low - e["percentile98"][0].get<double>()) < 1e-6 * (1 + std::abs(p.low)));
        QVERIFY(std::abs(p.high - e["percentile98"][1].get<double>()) < 1e-6 * (1 + std::abs(p.high)));
        const Interval mm = minMaxInterval(d, n, blank);
        QCOMPARE(mm.low, e["stats"]["min"].get<double>());
        QCOMPARE(mm.high, e["stats"]["max"].get<double>());
        // The whole pipeline on a real image: values in [0, 1], blanks NaN.
        IntervalSpec spec;
        spec.kind = IntervalKind::ZScale;
        const Image shown = stretchImage(img.image, spec, {DisplayStretch::Asinh, 0});
        std::size_t nans = 0;
        for (std::size_t i = 0; i < n; ++i) {
            const float v = shown.pixels[i];
            if (std::isnan(v))
                ++nans;
            else
                QVERIFY(v >= 0.0f && v <= 1.0f);
        }
        QCOMPARE(nans, e["blank"].get<std::size_t>());
    }

    // zscale samples every stride-th VALID value: with blanks and NaNs scattered through the
    // image it must give exactly what it gives on the valid values alone (the sample is taken
    // without copying them out).
    void zscaleSkipsInvalidValues_data() {
        QTest::addColumn<int>("n");
        QTest::addColumn<int>("samples");
        QTest::newRow("fewer values than samples") << 700 << 1000;
        QTest::newRow("stride 3") << 3100 << 1000;
        QTest::newRow("large, stride 97") << 100003 << 1000;
        QTest::newRow("large, 600 samples") << 250000 << 600;
    }
    void zscaleSkipsInvalidValues() {
        QFETCH(int, n);
        QFETCH(int, samples);
        std::vector<float> data(static_cast<std::size_t>(n));
        std::vector<std::uint8_t> blank(static_cast<std::size_t>(n), 0);
        std::vector<float> valid;
        std::uint32_t state = 12345;
        auto next = [&] { return state = state * 1664525u + 1013904223u; };
        for (std::size_t i = 0; i < data.size(); ++i) {
            // A sloped sky with noise, a few bright outliers, and ~8% invalid pixels.
            data[i] = 100.0f + 0.001f * float(i % 997) + float(next() % 1000) * 0.01f + (next() % 211 == 0 ? 500.0f : 0.0f);
            const std::uint32_t r = next() % 100;
            if (r < 4) blank[i] = 1;
            else if (r < 6) data[i] = std::nanf("");
            else if (r < 8) data[i] = (r == 6 ? 1.0f : -1.0f) * std::numeric_limits<float>::infinity();
            else valid.push_back(data[i]);
        }
        ZScaleOptions o;
        o.samples = samples;
        const Interval masked = zscaleInterval(data.data(), data.size(), blank.data(), o);
        const Interval direct = zscaleInterval(valid.data(), valid.size(), nullptr, o);
        QCOMPARE(masked.low, direct.low);
        QCOMPARE(masked.high, direct.high);
        QVERIFY(masked.high > masked.low);
        // All valid: the strided fast path, same result as through a mask of zeros.
        std::vector<std::uint8_t> none(valid.size(), 0);
        const Interval plain = zscaleInterval(valid.data(), valid.size(), none.data(), o);
        QCOMPARE(plain.low, direct.low);
        QCOMPARE(plain.high, direct.high);
    }

    // Masked pixels never enter statistics.
    void maskIgnored() {
        std::vector<float> v = {1, 2, 3, 4, 1e9f, -1e9f, std::nanf(""), 5};
        std::vector<std::uint8_t> blank = {0, 0, 0, 0, 1, 1, 0, 0};
        const Interval mm = minMaxInterval(v.data(), v.size(), blank.data());
        QCOMPARE(mm.low, 1.0);
        QCOMPARE(mm.high, 5.0);
        const Interval p = percentileInterval(v.data(), v.size(), blank.data(), 0.0, 50.0);
        QCOMPARE(p.high, 3.0);
        const std::vector<float> y = applyStretch(v.data(), v.size(), blank.data(), mm, {DisplayStretch::Linear, 0});
        QVERIFY(std::isnan(y[4]) && std::isnan(y[5]) && std::isnan(y[6]));
        QCOMPARE(y[0], 0.0f);
        QCOMPARE(y[7], 1.0f);
        QCOMPARE(y[1], 0.25f);
    }

    void names() {
        QCOMPARE(parseDisplayStretch("asinh"), DisplayStretch::Asinh);
        QCOMPARE(parseIntervalKind("zscale"), IntervalKind::ZScale);
        QCOMPARE(parseColormap("gray"), Colormap::Grey);
        QCOMPARE(parseColormap("coolwarm"), Colormap::CoolWarm);
        bool threw = false;
        try {
            parseDisplayStretch("loud");
        } catch (const InputError& e) {
            threw = std::string(e.what()).find("'loud'") != std::string::npos;
        }
        QVERIFY(threw);
    }

    // Table entries as matplotlib 3.6 gives them (generated; checked here at fixed points).
    void colormapTables() {
        QCOMPARE(colormapEntry(Colormap::Viridis, 0), (Rgb8{68, 1, 84}));
        QCOMPARE(colormapEntry(Colormap::Viridis, 255), (Rgb8{253, 231, 37}));
        QCOMPARE(colormapEntry(Colormap::Magma, 0), (Rgb8{0, 0, 4}));
        QCOMPARE(colormapEntry(Colormap::Inferno, 255), (Rgb8{252, 255, 164}));
        QCOMPARE(colormapEntry(Colormap::Cividis, 0), (Rgb8{0, 34, 78}));
        QCOMPARE(colormapEntry(Colormap::CoolWarm, 0), (Rgb8{59, 76, 192}));
        QCOMPARE(colormapEntry(Colormap::CoolWarm, 255), (Rgb8{180, 4, 38}));
        QCOMPARE(colormapEntry(Colormap::Grey, 77), (Rgb8{77, 77, 77}));
        QCOMPARE(colormapColor(Colormap::Grey, 1.0f), (Rgb8{255, 255, 255}));
        QCOMPARE(colormapColor(Colormap::Grey, 0.5f), (Rgb8{128, 128, 128}));  // floor(0.5 * 256), as matplotlib
        // Sequential maps get brighter monotonically (perceptual ordering survives the tables).
        for (Colormap m : {Colormap::Viridis, Colormap::Magma, Colormap::Inferno, Colormap::Cividis}) {
            double last = -1;
            for (int i = 0; i < 256; i += 15) {
                const Rgb8 c = colormapEntry(m, i);
                const double luma = 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
                QVERIFY(luma > last);
                last = luma;
            }
        }
        // Diverging: light in the middle, 0 maps to the centre.
        const float signedValues[3] = {-2.0f, 0.0f, 4.0f};
        const std::vector<float> u = symmetricUnit(signedValues, 3);
        QCOMPARE(u[0], 0.25f);
        QCOMPARE(u[1], 0.5f);
        QCOMPARE(u[2], 1.0f);
        const Rgb8 mid = colormapColor(Colormap::CoolWarm, 0.5f);
        QVERIFY(mid[0] > 200 && mid[1] > 200 && mid[2] > 200);
        const std::vector<std::uint8_t> rgb = applyColormap({0.0f, std::nanf("")}, Colormap::Viridis, Rgb8{255, 0, 255});
        QCOMPARE(int(rgb[0]), 68);
        QCOMPARE(int(rgb[3]), 255);
        QCOMPARE(int(rgb[4]), 0);
    }

    void lupton_data() {
        QTest::addColumn<int>("index");
        for (int i = 0; i < int(reference()["lupton"]["cases"].size()); ++i) QTest::newRow(std::to_string(i).c_str()) << i;
    }
    void lupton() {
        QFETCH(int, index);
        const Json& L = reference()["lupton"];
        const Json& c = L["cases"][std::size_t(index)];
        const std::vector<float> r = floats(L["r"]), g = floats(L["g"]), b = floats(L["b"]);
        LuptonParams p;
        p.minimum[0] = p.minimum[1] = p.minimum[2] = c["minimum"].get<double>();
        p.stretch = c["stretch"];
        p.Q = c["Q"];
        const std::vector<std::uint8_t> got = luptonRgb(r.data(), g.data(), b.data(), L["shape"][0], L["shape"][1], p);
        const auto want = c["rgb_hwc"].get<std::vector<int>>();
        QCOMPARE(got.size(), want.size());
        int differ = 0;
        for (std::size_t i = 0; i < got.size(); ++i) differ += int(got[i]) != want[i];
        QCOMPARE(differ, 0);
        // Mid-range values exist, and over all cases some pixels saturate (both branches exercised).
        int saturated = 0;
        for (const Json& k : L["cases"])
            for (const Json& v : k["rgb_hwc"]) saturated += v.get<int>() == 255;
        QVERIFY(saturated > 0);
        QVERIFY(std::count_if(want.begin(), want.end(), [](int v) { return v > 0 && v < 255; }) > 10);
    }
};

QTEST_APPLESS_MAIN(TestStretch)
#include "tst_stretch.moc"
