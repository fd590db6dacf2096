// PNG and JPEG reading against PIL (tests/reference/astropy_fits.py), PNG writing, bad files.
#include <QtTest>

#include <cstdio>
#include <filesystem>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/json.h"
#include "data/image_io.h"

using namespace deepfield;

namespace {

const Json& reference() {
    static const Json j = Json::parse(readFile(std::string(DEEPFIELD_TEST_DATA) + "/astropy_fits.json"));
    return j;
}
std::string small(const std::string& name) { return std::string(DEEPFIELD_TEST_DATA) + "/small_images/" + name; }
std::string badFile(const std::string& name) { return std::string(DEEPFIELD_TEST_DATA) + "/bad/" + name; }
std::string galaxy(const std::string& name) { return std::string(DEEPFIELD_SHARED_DATA) + "/gz1-sdss/images/" + name; }

// FNV-1a over the bytes in (H, W, C) order, as the reference script hashes PIL's array.
std::string fnv1aHwc(const Image& img) {
    std::uint64_t h = 0xcbf29ce484222325ull;
    const std::size_t plane = std::size_t(img.height()) * std::size_t(img.width());
    for (std::size_t i = 0; i < plane; ++i)
        for (int c = 0; c < img.channels(); ++c) {
            h ^= static_cast<std::uint8_t>(img.pixels[std::size_t(c) * plane + i]);
            h *= 0x100000001b3ull;
        }
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
    return buf;
}

}  // namespace

class TestImageIo : public QObject {
    Q_OBJECT
private slots:
    // Grey, RGB, RGBA (alpha dropped), palette PNGs and grey/RGB JPEGs: every value equals PIL's,
    // and the grey conversion equals PIL's convert("L").
    void smallImages_data() {
        QTest::addColumn<QString>("name");
        for (const auto& [name, _] : reference()["small_images"].items()) QTest::newRow(name.c_str()) << QString::fromStdString(name);
    }
    void smallImages() {
        QFETCH(QString, name);
        const Json& e = reference()["small_images"][name.toStdString()];
        const Image img = readImage(small(name.toStdString()));
        QCOMPARE(img.pixels.shape(), e["shape"].get<std::vector<int>>());
        QVERIFY(!img.bottomUp && !img.hasBlank());
        const auto values = e["values"].get<std::vector<int>>();
        for (std::size_t i = 0; i < values.size(); ++i) QCOMPARE(img.pixels[i], float(values[i]));
        ImageReadOptions grey;
        grey.channels = 1;
        const Image g = readImage(small(name.toStdString()), grey);
        const auto gv = e["grey"].get<std::vector<int>>();
        QCOMPARE(g.pixels.size(), gv.size());
        for (std::size_t i = 0; i < gv.size(); ++i) QCOMPARE(g.pixels[i], float(gv[i]));
        ImageReadOptions rgbUnit;
        rgbUnit.channels = 3;
        rgbUnit.range = PixelRange::Unit;
        const Image u = readImage(small(name.toStdString()), rgbUnit);
        QCOMPARE(u.channels(), 3);
        const std::size_t plane = std::size_t(u.height()) * std::size_t(u.width());
        for (std::size_t i = 0; i < plane; ++i) QCOMPARE(u.pixels[2 * plane + i], img.pixels[(img.channels() == 3 ? 2 : 0) * plane + i] / 255.0f);
    }

    // Galaxy Zoo JPEGs decode bit-identically to PIL (same libjpeg-turbo, ISLOW IDCT, fancy upsampling).
    void galaxyZooJpegs_data() {
        QTest::addColumn<int>("index");
        int i = 0;
        for (const Json& e : reference()["jpegs"]) QTest::newRow(e["file"].get<std::string>().c_str()) << i++;
        QCOMPARE(i, 3);
    }
    void galaxyZooJpegs() {
        QFETCH(int, index);
        const Json& e = reference()["jpegs"][std::size_t(index)];
        const Image img = readJpeg(galaxy(e["file"]));
        QCOMPARE(img.pixels.shape(), (std::vector<int>{3, 423, 423}));
        QCOMPARE(e["shape"].get<std::vector<int>>(), (std::vector<int>{423, 423, 3}));
        const std::size_t plane = 423 * 423;
        int maxDiff = 0;
        for (const Json& s : e["samples"]) {
            const float v = img.pixels[s[2].get<std::size_t>() * plane + s[0].get<std::size_t>() * 423 + s[1].get<std::size_t>()];
            maxDiff = std::max(maxDiff, std::abs(int(v) - s[3].get<int>()));
        }
        QCOMPARE(maxDiff, 0);
        QCOMPARE(fnv1aHwc(img), e["fnv1a64_hwc"].get<std::string>());
        for (int c = 0; c < 3; ++c) {
            const PixelStats s = channelStats(img, c);
            const Json& r = e["stats"][std::size_t(c)];
            QCOMPARE(s.min, r["min"].get<double>());
            QCOMPARE(s.max, r["max"].get<double>());
            QCOMPARE(s.median, r["median"].get<double>());
            QVERIFY(std::abs(s.mean - r["mean"].get<double>()) < 1e-9);
            QVERIFY(std::abs(s.std - r["std"].get<double>()) < 1e-9);
        }
    }

    void formatDetection() {
        QCOMPARE(detectImageFormat(small("rgb_5x7.png")), ImageFormat::Png);
        QCOMPARE(detectImageFormat(small("rgb_5x7.jpeg")), ImageFormat::Jpeg);
        QCOMPARE(detectImageFormat(std::string(DEEPFIELD_TEST_DATA) + "/fits/float32.fits"), ImageFormat::Fits);
        QCOMPARE(detectImageFormat(std::string(DEEPFIELD_TEST_DATA) + "/fits/bitpix16.fits.gz"), ImageFormat::Fits);
        QCOMPARE(detectImageFormat(std::string(DEEPFIELD_TEST_DATA) + "/fits/compressed.fits.fz"), ImageFormat::Fits);
        QCOMPARE(detectImageFormat(badFile("text.txt")), ImageFormat::Unknown);
        const Image fits = readImage(std::string(DEEPFIELD_TEST_DATA) + "/fits/float32.fits");
        QVERIFY(fits.bottomUp && fits.hasBlank());
        QCOMPARE(fits.blankCount(), std::size_t(2));
    }

    void badFiles_data() {
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("expected");
        QTest::newRow("truncated jpeg") << QString::fromStdString(badFile("truncated.jpeg")) << "JPEG file '";
        QTest::newRow("not a jpeg") << QString::fromStdString(badFile("not_jpeg.jpeg")) << "JPEG file '";
        QTest::newRow("jpeg header only") << QString::fromStdString(badFile("header_only.jpeg")) << "JPEG file '";
        QTest::newRow("truncated png") << QString::fromStdString(badFile("truncated.png")) << "PNG file '";
        QTest::newRow("not a png") << QString::fromStdString(badFile("not_png.png")) << "PNG file '";
        QTest::newRow("text") << QString::fromStdString(badFile("text.txt")) << "image file '";
        QTest::newRow("missing") << QString::fromStdString(badFile("nothing_here.png")) << "image file '";
        QTest::newRow("broken fits") << QString::fromStdString(badFile("truncated_data.fits")) << "FITS file '";
    }
    void badFiles() {
        QFETCH(QString, path);
        QFETCH(QString, expected);
        std::string message = "NO ERROR";
        try {
            readImage(path.toStdString());
        } catch (const InputError& e) {
            message = e.what();
        }
        QVERIFY2(message.find(expected.toStdString() + path.toStdString() + "'") == 0, message.c_str());
        QVERIFY2(message.size() > std::size_t(expected.size() + path.size() + 6), message.c_str());  // a reason follows
    }

    void truncatedJpegSaysSo() {
        std::string message;
        try {
            readJpeg(badFile("truncated.jpeg"));
        } catch (const InputError& e) {
            message = e.what();
        }
        QVERIFY2(message.find("Premature end of JPEG file") != std::string::npos, message.c_str());
    }

    void writePngRoundTrip() {
        const std::string path = (std::filesystem::temp_directory_path() / "deepfield_tst_image_io.png").string();
        Tensor rgb({3, 4, 6});
        for (std::size_t i = 0; i < rgb.size(); ++i) rgb[i] = float((i * 37) % 256);
        rgb[1] = 300.0f;   // clamped to 255
        rgb[2] = -4.0f;    // clamped to 0
        rgb[3] = 17.4f;    // rounded to 17
        writePng(path, rgb);
        QVERIFY(!std::filesystem::exists(path + ".tmp-write"));
        const Image back = readPng(path);
        QCOMPARE(back.pixels.shape(), rgb.shape());
        for (std::size_t i = 0; i < rgb.size(); ++i)
            QCOMPARE(back.pixels[i], std::round(std::clamp(rgb[i], 0.0f, 255.0f)));
        Tensor grey({1, 3, 2}, 200.0f);
        writePng(path, grey);
        const Image g = readPng(path);
        QCOMPARE(g.pixels.shape(), grey.shape());
        QCOMPARE(g.pixels[5], 200.0f);
        bool threw = false;
        try {
            writePng(path, Tensor({2, 3, 3}));
        } catch (const ShapeError& e) {
            threw = std::string(e.what()).find(path) != std::string::npos;
        }
        QVERIFY(threw);
        std::remove(path.c_str());
    }
};

QTEST_APPLESS_MAIN(TestImageIo)
#include "tst_image_io.moc"
