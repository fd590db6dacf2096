// FITS reading and writing against astropy (tests/reference/astropy_fits.py -> tests/data/astropy_fits.json).
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/json.h"
#include "data/fits.h"

using namespace deepfield;

namespace {

const Json& reference() {
    static const Json j = Json::parse(readFile(std::string(DEEPFIELD_TEST_DATA) + "/astropy_fits.json"));
    return j;
}
std::string testFits(const std::string& name) { return std::string(DEEPFIELD_TEST_DATA) + "/fits/" + name; }
std::string badFile(const std::string& name) { return std::string(DEEPFIELD_TEST_DATA) + "/bad/" + name; }
std::string realFits(const std::string& name) { return std::string(DEEPFIELD_SHARED_DATA) + "/fits/" + name; }

std::string errorOf(const std::function<void()>& f) {
    try {
        f();
    } catch (const InputError& e) {
        return e.what();
    } catch (const std::exception& e) {
        return std::string("WRONG TYPE: ") + e.what();
    }
    return "NO ERROR";
}

}  // namespace

class TestFits : public QObject {
    Q_OBJECT
private slots:
    // Every BITPIX, BSCALE/BZERO, BLANK, NaN, cubes, extensions, tile compression and gzip:
    // every pixel equals astropy's value narrowed to float32; blank pixels are exactly astropy's NaNs.
    void syntheticFiles_data() {
        QTest::addColumn<int>("index");
        int i = 0;
        for (const Json& e : reference()["synthetic"]) {
            const std::string tag = e["file"].get<std::string>() + " hdu " + std::to_string(e["hdu"].get<int>()) + " " +
                                    e.value("mode", std::string());
            QTest::newRow(tag.c_str()) << i++;
        }
        QVERIFY(i >= 14);
    }
    void syntheticFiles() {
        QFETCH(int, index);
        const Json& e = reference()["synthetic"][std::size_t(index)];
        FitsReadOptions opt;
        opt.hdu = e["hdu"];
        const std::string mode = e.value("mode", std::string());
        if (mode == "channels") opt.cube = FitsCubeMode::Channels;
        if (mode == "plane") {
            opt.cube = FitsCubeMode::Plane;
            opt.plane = e["plane"];
        }
        const FitsImage img = readFits(testFits(e["file"]), opt);
        QCOMPARE(img.image.pixels.shape(), e["shape"].get<std::vector<int>>());
        QCOMPARE(img.hdu.pixelType(), e["pixelType"].get<std::string>());
        QCOMPARE(img.blankCount, e["blank"].get<std::size_t>());
        QCOMPARE(img.image.blankCount(), e["blank"].get<std::size_t>());
        QVERIFY(img.image.bottomUp);
        const Json& values = e["values"];
        QCOMPARE(img.image.pixels.size(), values.size());
        for (std::size_t i = 0; i < values.size(); ++i) {
            const float got = img.image.pixels[i];
            if (values[i].is_null()) {
                QVERIFY2(img.image.isBlank(i) && std::isnan(got), ("pixel " + std::to_string(i) + " should be blank").c_str());
            } else {
                const float want = static_cast<float>(values[i].get<double>());
                QVERIFY2(!img.image.isBlank(i) && got == want,
                         ("pixel " + std::to_string(i) + ": " + std::to_string(got) + " vs astropy " + std::to_string(want)).c_str());
            }
        }
    }

    // The real files: pixel values at corners and inside, statistics over valid pixels, cards.
    void realFiles_data() {
        QTest::addColumn<int>("index");
        int i = 0;
        for (const Json& e : reference()["real"]) QTest::newRow(e["file"].get<std::string>().c_str()) << i++;
        QCOMPARE(i, 3);
    }
    void realFiles() {
        QFETCH(int, index);
        const Json& e = reference()["real"][std::size_t(index)];
        const FitsImage img = readFits(realFits(e["file"]));
        QCOMPARE(img.image.pixels.shape(), e["shape"].get<std::vector<int>>());
        QCOMPARE(img.blankCount, e["blank"].get<std::size_t>());
        const int w = img.image.width();
        for (const Json& p : e["pixels"]) {
            const std::size_t i = std::size_t(p[0].get<int>()) * std::size_t(w) + p[1].get<std::size_t>();
            if (p[2].is_null())
                QVERIFY(img.image.isBlank(i));
            else
                QCOMPARE(img.image.pixels[i], static_cast<float>(p[2].get<double>()));
        }
        const PixelStats s = pixelStats(img.image);
        const Json& r = e["stats"];
        QCOMPARE(s.count, r["count"].get<std::size_t>());
        QCOMPARE(s.min, r["min"].get<double>());
        QCOMPARE(s.max, r["max"].get<double>());
        QCOMPARE(s.median, r["median"].get<double>());
        QVERIFY(std::abs(s.mean - r["mean"].get<double>()) <= 1e-9 * std::abs(r["mean"].get<double>()));
        QVERIFY(std::abs(s.std - r["std"].get<double>()) <= 1e-9 * r["std"].get<double>());
        QCOMPARE(int(img.cards.size()), e["card_count"].get<int>());
        for (const auto& [key, value] : e["cards"].items()) {
            auto it = std::find_if(img.cards.begin(), img.cards.end(), [&](const FitsCard& c) { return c.keyword == key; });
            QVERIFY2(it != img.cards.end(), key.c_str());
            if (value.is_string()) {
                QCOMPARE(it->value, value.get<std::string>());
                QVERIFY(it->isString);
            } else {
                QCOMPARE(std::stod(it->value), value.get<double>());
            }
        }
    }

    void hduListing() {
        const auto hdus = listFitsHdus(testFits("mef.fits"));
        QCOMPARE(int(hdus.size()), 4);
        QCOMPARE(hdus[0].name, std::string("PRIMARY"));
        QVERIFY(hdus[0].axes.empty());
        QCOMPARE(hdus[1].name, std::string("SCI"));
        QCOMPARE(hdus[1].bitpix, 16);
        QCOMPARE(hdus[1].axes, (std::vector<long>{7, 5}));
        QCOMPARE(hdus[2].type, FitsHduType::BinaryTable);
        QCOMPARE(hdus[2].name, std::string("CAT"));
        QCOMPARE(hdus[2].rows, 2LL);
        QCOMPARE(hdus[3].pixelType(), std::string("float32"));
        const auto fz = listFitsHdus(testFits("compressed.fits.fz"));
        QCOMPARE(int(fz.size()), 3);
        QVERIFY(fz[1].compressed && fz[2].compressed);
        QCOMPARE(fz[1].type, FitsHduType::Image);
        QCOMPARE(fz[1].name, std::string("RICEINT"));
        QCOMPARE(fz[2].axes, (std::vector<long>{48, 40}));
        const auto u16 = listFitsHdus(realFits("sa110_cfht_megaprime_g_tan.fits"));
        QCOMPARE(u16[0].bitpix, 16);
        QCOMPARE(u16[0].pixelType(), std::string("uint16"));
        // The compressed HDU's cards are the image's (ZIMAGE bookkeeping is translated away).
        const auto cards = readFitsCards(testFits("compressed.fits.fz"), 2);
        QVERIFY(std::any_of(cards.begin(), cards.end(), [](const FitsCard& c) { return c.keyword == "BITPIX" && c.value == "-32"; }));
        QVERIFY(std::none_of(cards.begin(), cards.end(), [](const FitsCard& c) { return c.keyword == "ZIMAGE"; }));
    }

    void defaultHduIsFirstImage() {
        const FitsImage mef = readFits(testFits("mef.fits"));
        QCOMPARE(mef.hdu.index, 1);
        QCOMPARE(mef.hdu.name, std::string("SCI"));
        const FitsImage fz = readFits(testFits("compressed.fits.fz"));
        QCOMPARE(fz.hdu.index, 1);
    }

    void blankFill() {
        FitsReadOptions opt;
        opt.fillBlank = true;
        opt.blankFill = -7.0f;
        const FitsImage img = readFits(testFits("bitpix16.fits"), opt);
        QCOMPARE(img.blankCount, std::size_t(2));
        QCOMPARE(img.image.pixels[0], -7.0f);
        QVERIFY(img.image.isBlank(0) && !img.image.isBlank(1));
    }

    void headerCards() {
        const auto cards = readFitsCards(realFits("m51_spitzer_irac1_sipsample.fits"), 0);
        auto find = [&](const std::string& k) {
            return *std::find_if(cards.begin(), cards.end(), [&](const FitsCard& c) { return c.keyword == k; });
        };
        QCOMPARE(find("CTYPE1").value, std::string("RA---TAN-SIP"));
        QVERIFY(find("CTYPE1").isString);
        QCOMPARE(find("A_ORDER").value, std::string("3"));
        QVERIFY(!find("CRVAL1").comment.empty());
        QCOMPARE(find("SIMPLE").value, std::string("T"));
        const auto comment = std::find_if(cards.begin(), cards.end(), [](const FitsCard& c) { return c.keyword == "COMMENT"; });
        QVERIFY(comment != cards.end() && !comment->hasValue && !comment->comment.empty());
    }

    // Bad input: every error is an InputError naming the file and saying what is wrong.
    void badInput_data() {
        QTest::addColumn<QString>("path");
        QTest::addColumn<int>("hdu");
        QTest::addColumn<int>("cube");  // FitsCubeMode
        QTest::addColumn<int>("plane");
        QTest::addColumn<QString>("expected");
        auto row = [](const char* tag, const std::string& path, int hdu, int cube, int plane, const char* expected) {
            QTest::newRow(tag) << QString::fromStdString(path) << hdu << cube << plane << QString(expected);
        };
        row("not FITS", badFile("not_fits.fits"), -1, 0, 0, "not a readable FITS file");
        row("zero bytes", badFile("zero_bytes.fits"), -1, 0, 0, "not a readable FITS file");
        row("truncated data", badFile("truncated_data.fits"), 0, 0, 0, "HDU 0: cannot read the pixels (truncated file?)");
        row("truncated header", badFile("truncated_header.fits"), -1, 0, 0, "not a readable FITS file");
        row("broken header", badFile("broken_header.fits"), -1, 0, 0, "not a readable FITS file");
        row("empty image", badFile("empty.fits"), 0, 0, 0, "HDU 0: empty image (NAXIS=0)");
        row("no image at all", badFile("empty.fits"), -1, 0, 0, "no HDU holds an image");
        row("table as image", badFile("table_only.fits"), 1, 0, 0, "HDU 1: is a binary table, not an image");
        row("nonexistent HDU", testFits("mef.fits"), 7, 0, 0, "HDU 7: no such HDU; the file has 4 HDUs (0..3)");
        row("cube without choice", testFits("cube.fits"), 0, 0, 0,
            "HDU 0: NAXIS=3 cube with 3 planes; pick a plane or load it as 3 channels");
        row("plane out of range", testFits("cube.fits"), 0, 2, 3, "HDU 0: plane 3 does not exist; the cube has 3 planes (0..2)");
        row("missing file", testFits("no_such_file.fits"), -1, 0, 0, "cannot open the file (does it exist?)");
    }
    void badInput() {
        QFETCH(QString, path);
        QFETCH(int, hdu);
        QFETCH(int, cube);
        QFETCH(int, plane);
        QFETCH(QString, expected);
        FitsReadOptions opt;
        opt.hdu = hdu;
        opt.cube = FitsCubeMode(cube);
        opt.plane = plane;
        const std::string message = errorOf([&] { readFits(path.toStdString(), opt); });
        QVERIFY2(message.find("FITS file '" + path.toStdString() + "'") == 0, message.c_str());
        QVERIFY2(message.find(expected.toStdString()) != std::string::npos, message.c_str());
    }

    // Unscaled float32 files are read straight into the image: the same values as the double
    // path CFITSIO's null check gives (NaN and infinities blank, denormals and -0 read as +0),
    // and the same values when BSCALE/BZERO send the file through the general path.
    void float32SpecialValues_data() {
        QTest::addColumn<bool>("scaledCards");
        QTest::addColumn<bool>("fill");
        QTest::newRow("plain float32") << false << false;
        QTest::newRow("plain float32, blanks filled") << false << true;
        QTest::newRow("BSCALE 1 BZERO 0 cards") << true << false;
    }
    void float32SpecialValues() {
        QFETCH(bool, scaledCards);
        QFETCH(bool, fill);
        const std::string path = (std::filesystem::temp_directory_path() / "deepfield_tst_fits_special.fits").string();
        const float inf = std::numeric_limits<float>::infinity(), denormal = std::numeric_limits<float>::denorm_min();
        const float big = std::numeric_limits<float>::max();
        Tensor px({3, 4});
        const float values[12] = {1.5f, std::nanf(""), inf, -inf, denormal, -0.0f, big, -big, 1e-37f, -2.25f, 0.0f, 7.0f};
        std::copy(values, values + 12, px.data());
        std::vector<FitsCard> cards;
        if (scaledCards) cards = {{"BSCALE", "1.0", "", false, true}, {"BZERO", "0.0", "", false, true}};
        writeFits(path, px, cards);
        FitsReadOptions opt;
        opt.fillBlank = fill;
        opt.blankFill = -7.0f;
        const FitsImage img = readFits(path, opt);
        std::remove(path.c_str());
        QCOMPARE(img.blankCount, std::size_t(3));
        QCOMPARE(img.image.blankCount(), std::size_t(3));
        for (std::size_t i = 0; i < 12; ++i) {
            const float got = img.image.pixels[i];
            const bool blank = i >= 1 && i <= 3;
            QCOMPARE(img.image.isBlank(i), blank);
            if (blank) {
                QVERIFY2(fill ? got == -7.0f : std::isnan(got), std::to_string(i).c_str());
            } else {
                const float want = (i == 4 || i == 5) ? 0.0f : values[i];
                QCOMPARE(got, want);
                QVERIFY2(!std::signbit(got) || want < 0, std::to_string(i).c_str());
            }
        }
    }

    // Large float32 planes are read in chunks of 2^18 pixels: values and blanks on both sides of
    // chunk boundaries, in the second plane of a cube (the plane's offset in the file).
    void float32ChunkedPlanes() {
        const std::string path = (std::filesystem::temp_directory_path() / "deepfield_tst_fits_chunks.fits").string();
        const int h = 500, w = 700;  // 350,000 pixels a plane: two chunks
        Tensor cube({2, h, w});
        for (std::size_t i = 0; i < cube.size(); ++i) cube[i] = float(i % 100003) * 0.25f - 7.0f;
        const std::size_t plane = std::size_t(h) * w, chunk = std::size_t(1) << 18;
        const std::vector<std::size_t> nans = {plane + chunk - 1, plane + chunk, plane + plane - 1};
        for (std::size_t i : nans) cube[i] = std::nanf("");
        cube[plane + chunk + 1] = std::numeric_limits<float>::denorm_min();
        writeFits(path, cube);
        for (int p = 0; p < 2; ++p) {
            FitsReadOptions opt;
            opt.cube = FitsCubeMode::Plane;
            opt.plane = p;
            const FitsImage img = readFits(path, opt);
            QCOMPARE(img.image.pixels.shape(), (std::vector<int>{1, h, w}));
            QCOMPARE(img.blankCount, p == 0 ? std::size_t(0) : nans.size());
            for (std::size_t i = 0; i < plane; ++i) {
                const std::size_t j = std::size_t(p) * plane + i;
                if (p == 1 && std::find(nans.begin(), nans.end(), j) != nans.end()) {
                    QVERIFY(img.image.isBlank(i) && std::isnan(img.image.pixels[i]));
                } else {
                    const float want = j == plane + chunk + 1 ? 0.0f : cube[j];
                    if (img.image.pixels[i] != want || img.image.isBlank(i))
                        QFAIL(("plane " + std::to_string(p) + " pixel " + std::to_string(i)).c_str());
                }
            }
        }
        FitsReadOptions all;
        all.cube = FitsCubeMode::Channels;
        const FitsImage both = readFits(path, all);
        std::remove(path.c_str());
        QCOMPARE(both.blankCount, nans.size());
        QCOMPARE(both.image.pixels[plane + 5], cube[plane + 5]);
    }

    void writeRoundTrip() {
        const std::string path = (std::filesystem::temp_directory_path() / "deepfield_tst_fits_out.fits").string();
        std::remove(path.c_str());
        Tensor cube({2, 3, 4});
        for (std::size_t i = 0; i < cube.size(); ++i) cube[i] = float(i) * 0.5f - 3.0f;
        cube[5] = std::nanf("");
        const std::vector<FitsCard> cards = {{"DF_MODEL", "galaxy-cnn", "model that made this", true, true},
                                             {"DF_LAYER", "conv2d_1", "layer", true, true},
                                             {"DF_METHOD", "saliency", "attribution method", true, true},
                                             {"DF_EPOCH", "12", "", false, true},
                                             {"DF_SCALE", "0.25", "", false, true},
                                             {"DF_FLAG", "T", "", false, true},
                                             {"HISTORY", "", "made by tst_fits", false, false}};
        writeFits(path, cube, cards);
        writeFits(path, cube, cards);  // replaces an existing file
        QVERIFY(!std::filesystem::exists(path + ".tmp-write"));
        FitsReadOptions opt;
        opt.cube = FitsCubeMode::Channels;
        const FitsImage back = readFits(path, opt);
        QCOMPARE(back.image.pixels.shape(), cube.shape());
        QCOMPARE(back.hdu.bitpix, -32);
        QCOMPARE(back.blankCount, std::size_t(1));
        for (std::size_t i = 0; i < cube.size(); ++i)
            if (i != 5) QCOMPARE(back.image.pixels[i], cube[i]);
        auto find = [&](const std::string& k) -> const FitsCard* {
            for (const FitsCard& c : back.cards)
                if (c.keyword == k) return &c;
            return nullptr;
        };
        QVERIFY(find("DF_MODEL") && find("DF_MODEL")->value == "galaxy-cnn" && find("DF_MODEL")->isString);
        QCOMPARE(find("DF_MODEL")->comment, std::string("model that made this"));
        QCOMPARE(find("DF_METHOD")->value, std::string("saliency"));
        QVERIFY(find("DF_EPOCH") && !find("DF_EPOCH")->isString && find("DF_EPOCH")->value == "12");
        QCOMPARE(std::stod(find("DF_SCALE")->value), 0.25);
        QCOMPARE(find("DF_FLAG")->value, std::string("T"));
        QVERIFY(find("DATE") && find("DATE")->value.size() >= 10);
        QCOMPARE(find("ORIGIN")->value, std::string("DeepField"));
        QVERIFY(find("HISTORY") && find("HISTORY")->comment == "made by tst_fits");
        // A 2-D image and a bad shape.
        Tensor flat({3, 4}, 1.5f);
        writeFits(path, flat);
        const FitsImage img = readFits(path);
        QCOMPARE(img.image.pixels.shape(), (std::vector<int>{1, 3, 4}));
        QCOMPARE(img.image.pixels[11], 1.5f);
        bool threw = false;
        try {
            writeFits(path, Tensor({4}));
        } catch (const ShapeError& e) {
            threw = std::string(e.what()).find(path) != std::string::npos;
        }
        QVERIFY(threw);
        std::remove(path.c_str());
    }
};

QTEST_APPLESS_MAIN(TestFits)
#include "tst_fits.moc"
