#include <QtTest>

#include "core/error.h"
#include "gradcheck.h"
#include "layers/conv2d.h"
#include "layers/direct_conv.h"
#include "layers/registry.h"

using namespace deepfield;
using namespace deepfield::test;

namespace {
// Direct definition of a convolution with TensorFlow "same" / explicit padding, for reference.
Tensor naiveConv(const Tensor& x, const Tensor& w, const Tensor* b, int sh, int sw, int padTop, int padLeft, int outH,
                 int outW) {
    const int N = x.dim(0), C = x.dim(1), H = x.dim(2), W = x.dim(3);
    const int F = w.dim(0), kh = w.dim(2), kw = w.dim(3);
    Tensor y({N, F, outH, outW});
    for (int n = 0; n < N; ++n)
        for (int f = 0; f < F; ++f)
            for (int oh = 0; oh < outH; ++oh)
                for (int ow = 0; ow < outW; ++ow) {
                    double s = b ? (*b)[f] : 0.0;
                    for (int c = 0; c < C; ++c)
                        for (int i = 0; i < kh; ++i)
                            for (int j = 0; j < kw; ++j) {
                                const int ih = oh * sh - padTop + i, iw = ow * sw - padLeft + j;
                                if (ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
                                s += double(x[((n * C + c) * H + ih) * W + iw]) * w[((f * C + c) * kh + i) * kw + j];
                            }
                    y[((n * F + f) * outH + oh) * outW + ow] = float(s);
                }
    return y;
}

// Gradients of L = Σ y·dy by the definition: dW[f,c,i,j] = Σ dy·x, dx[c,ih,iw] = Σ dy·W.
void naiveConvBackward(const Tensor& x, const Tensor& w, const Tensor& dy, int sh, int sw, int padTop, int padLeft,
                       Tensor& dw, Tensor& dx) {
    const int N = x.dim(0), C = x.dim(1), H = x.dim(2), W = x.dim(3);
    const int F = w.dim(0), kh = w.dim(2), kw = w.dim(3), outH = dy.dim(2), outW = dy.dim(3);
    std::vector<double> gw(w.size(), 0.0), gx(x.size(), 0.0);
    for (int n = 0; n < N; ++n)
        for (int f = 0; f < F; ++f)
            for (int oh = 0; oh < outH; ++oh)
                for (int ow = 0; ow < outW; ++ow) {
                    const double g = dy[((n * F + f) * outH + oh) * outW + ow];
                    for (int c = 0; c < C; ++c)
                        for (int i = 0; i < kh; ++i)
                            for (int j = 0; j < kw; ++j) {
                                const int ih = oh * sh - padTop + i, iw = ow * sw - padLeft + j;
                                if (ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
                                const std::size_t xi = ((n * C + c) * H + ih) * W + iw;
                                const std::size_t wi = ((f * C + c) * kh + i) * kw + j;
                                gw[wi] += g * x[xi];
                                gx[xi] += g * w[wi];
                            }
                }
    dw = Tensor(w.shape());
    dx = Tensor(x.shape());
    for (std::size_t i = 0; i < gw.size(); ++i) dw[i] = float(gw[i]);
    for (std::size_t i = 0; i < gx.size(); ++i) dx[i] = float(gx[i]);
}

std::unique_ptr<Layer> makeConv(const Json& config) { return LayerRegistry::instance().create("Conv2D", config); }

// Forward, kernel gradient and input gradient of `conv` (built for x, window g) equal the
// definition in training mode (column cache) and inference mode. Empty when they do, else what differs.
std::string differenceFromDefinition(Conv2D& conv, const Tensor& x, const WindowGeometry& g, Rng& rng) {
    const bool bias = conv.parameters().size() > 1;
    const Tensor ref =
        naiveConv(x, conv.kernel(), bias ? &conv.bias() : nullptr, g.sh, g.sw, g.padTop, g.padLeft, g.outH, g.outW);
    const Tensor dy = randomTensor(ref.shape(), rng);
    Tensor refDw, refDx;
    naiveConvBackward(x, conv.kernel(), dy, g.sh, g.sw, g.padTop, g.padLeft, refDw, refDx);
    for (Mode mode : {Mode::Training, Mode::Inference}) {
        const std::string where = mode == Mode::Training ? " (training)" : " (inference)";
        Tensor y, dx;
        conv.forward(x, y, mode);
        if (relativeError(y, ref) >= 1e-6) return "y " + std::to_string(relativeError(y, ref)) + where;
        conv.parameters()[0].grad->setZero();
        conv.backward(x, y, dy, &dx);
        const Tensor& dw = *conv.parameters()[0].grad;
        if (relativeError(dw, refDw) >= 1e-5) return "dW " + std::to_string(relativeError(dw, refDw)) + where;
        if (relativeError(dx, refDx) >= 1e-5) return "dx " + std::to_string(relativeError(dx, refDx)) + where;
    }
    return "";
}
}  // namespace

class TestConv2D : public QObject {
    Q_OBJECT
private slots:
    void geometry_data() {
        QTest::addColumn<QString>("config");
        QTest::addColumn<QList<int>>("input");      // C, H, W
        QTest::addColumn<QList<int>>("expected");   // F, Ho, Wo, padTop, padLeft
        // "same": out = ceil(in / s), total pad max((out-1)s + k - in, 0), the odd pixel at the end.
        QTest::newRow("3x3 s1 same") << R"({"filters":4,"kernel_size":3,"padding":"same"})" << QList<int>{2, 7, 6}
                                     << QList<int>{4, 7, 6, 1, 1};
        QTest::newRow("3x3 s2 same even") << R"({"filters":2,"kernel_size":3,"strides":2,"padding":"same"})"
                                          << QList<int>{1, 6, 8} << QList<int>{2, 3, 4, 0, 0};
        QTest::newRow("5x5 s2 same") << R"({"filters":2,"kernel_size":5,"strides":2,"padding":"same"})"
                                     << QList<int>{1, 10, 12} << QList<int>{2, 5, 6, 1, 1};
        QTest::newRow("5x5 s2 same odd") << R"({"filters":2,"kernel_size":5,"strides":2,"padding":"same"})"
                                         << QList<int>{1, 9, 11} << QList<int>{2, 5, 6, 2, 2};
        QTest::newRow("3x3 valid") << R"({"filters":3,"kernel_size":3,"padding":"valid"})" << QList<int>{1, 7, 5}
                                   << QList<int>{3, 5, 3, 0, 0};
        QTest::newRow("3x3 s2 valid") << R"({"filters":3,"kernel_size":3,"strides":2,"padding":"valid"})"
                                      << QList<int>{1, 8, 7} << QList<int>{3, 3, 3, 0, 0};
        QTest::newRow("4x4 s2 pad 1") << R"({"filters":3,"kernel_size":4,"strides":2,"padding":1})"
                                      << QList<int>{1, 8, 9} << QList<int>{3, 4, 4, 1, 1};
        QTest::newRow("3x5 pad [2,0]") << R"({"filters":1,"kernel_size":[3,5],"padding":[2,0]})"
                                       << QList<int>{1, 4, 6} << QList<int>{1, 6, 2, 2, 0};
    }
    void geometry() {
        QFETCH(QString, config);
        QFETCH(QList<int>, input);
        QFETCH(QList<int>, expected);
        auto layer = makeConv(Json::parse(config.toStdString()));
        const Shape in{input[0], input[1], input[2]};
        QCOMPARE(layer->outputShape({in}), (Shape{expected[0], expected[1], expected[2]}));
        auto* conv = dynamic_cast<Conv2D*>(layer.get());
        QVERIFY(conv);
        const auto c = layer->config();
        const WindowGeometry g = WindowGeometry::make(in[0], in[1], in[2], configPair(c, "kernel_size", "t").first,
                                                      configPair(c, "kernel_size", "t").second,
                                                      configPair(c, "strides", "t").first,
                                                      configPair(c, "strides", "t").second, conv->padding());
        QCOMPARE(g.padTop, expected[3]);
        QCOMPARE(g.padLeft, expected[4]);
    }

    void gradients_data() {
        QTest::addColumn<QString>("config");
        QTest::addColumn<QList<int>>("input");  // N, C, H, W
        QTest::newRow("3x3 s1 same") << R"({"filters":3,"kernel_size":3})" << QList<int>{2, 2, 5, 5};
        QTest::newRow("3x3 s1 valid odd/even") << R"({"filters":2,"kernel_size":3,"padding":"valid"})"
                                               << QList<int>{2, 2, 6, 5};
        QTest::newRow("3x3 s2 same asymmetric") << R"({"filters":2,"kernel_size":3,"strides":2})"
                                                << QList<int>{2, 2, 6, 6};
        QTest::newRow("3x3 s2 same odd") << R"({"filters":2,"kernel_size":3,"strides":2})" << QList<int>{2, 1, 7, 7};
        QTest::newRow("5x5 s2 same asymmetric") << R"({"filters":2,"kernel_size":5,"strides":2})"
                                                << QList<int>{2, 2, 8, 9};
        QTest::newRow("3x3 s2 valid") << R"({"filters":2,"kernel_size":3,"strides":2,"padding":"valid"})"
                                      << QList<int>{2, 2, 7, 8};
        QTest::newRow("4x4 s2 explicit 1") << R"({"filters":3,"kernel_size":4,"strides":2,"padding":1})"
                                           << QList<int>{2, 2, 8, 8};
        QTest::newRow("3x3 explicit 1") << R"({"filters":2,"kernel_size":3,"padding":1})" << QList<int>{2, 2, 5, 6};
        QTest::newRow("3x2 s(2,1) pad [1,0]")
            << R"({"filters":2,"kernel_size":[3,2],"strides":[2,1],"padding":[1,0]})" << QList<int>{2, 2, 6, 5};
        QTest::newRow("1x1 pointwise") << R"({"filters":2,"kernel_size":1})" << QList<int>{3, 3, 4, 4};
        QTest::newRow("1x1 s2") << R"({"filters":2,"kernel_size":1,"strides":2})" << QList<int>{2, 3, 5, 5};
        QTest::newRow("no bias") << R"({"filters":3,"kernel_size":3,"use_bias":false})" << QList<int>{2, 2, 4, 5};
        QTest::newRow("kernel wider than image") << R"({"filters":2,"kernel_size":5})" << QList<int>{2, 1, 3, 3};
        QTest::newRow("batch 5 (uneven thread chunks)") << R"({"filters":2,"kernel_size":3})"
                                                        << QList<int>{5, 2, 4, 4};
        // More channels in than filters at stride 1: the input gradient is a convolution of dy
        // with the flipped kernel instead of col2im.
        QTest::newRow("narrowing 3x3 same") << R"({"filters":2,"kernel_size":3})" << QList<int>{3, 5, 6, 5};
        QTest::newRow("narrowing 3x3 valid") << R"({"filters":1,"kernel_size":3,"padding":"valid"})"
                                             << QList<int>{2, 3, 6, 5};
        QTest::newRow("narrowing 4x4 same (pad 1 before, 2 after)") << R"({"filters":2,"kernel_size":4})"
                                                                    << QList<int>{2, 3, 7, 6};
        QTest::newRow("narrowing 3x5 pad [2,0]") << R"({"filters":1,"kernel_size":[3,5],"padding":[2,0]})"
                                                 << QList<int>{2, 2, 4, 6};
        QTest::newRow("narrowing pad 3 > kernel - 1") << R"({"filters":1,"kernel_size":3,"padding":3})"
                                                      << QList<int>{2, 2, 4, 4};
        QTest::newRow("5x5 same on 2x3 (taps beyond the image)") << R"({"filters":2,"kernel_size":5})"
                                                                << QList<int>{2, 2, 2, 3};
        QTest::newRow("narrowing no bias") << R"({"filters":2,"kernel_size":3,"use_bias":false})"
                                           << QList<int>{2, 4, 4, 5};
    }
    void gradients() {
        QFETCH(QString, config);
        QFETCH(QList<int>, input);
        auto layer = makeConv(Json::parse(config.toStdString()));
        Rng rng(11);
        std::vector<Tensor> in{randomTensor({input[0], input[1], input[2], input[3]}, rng)};
        buildLayer(*layer, in);
        for (Param& p : layer->parameters())  // non-zero bias so its gradient matters
            if (p.name == "bias") *p.value = randomTensor(p.value->shape(), rng);
        for (Mode mode : {Mode::Training, Mode::Inference}) {
            const auto r = checkLayerGradients(*layer, in, mode, 1e-2);
            QVERIFY2(r.worstError < 1e-3, (r.worst + " error " + std::to_string(r.worstError)).c_str());
        }
    }

    // Forward equals the textbook definition for paddings same/valid/explicit.
    void forwardMatchesDefinition_data() { gradients_data(); }
    void forwardMatchesDefinition() {
        QFETCH(QString, config);
        QFETCH(QList<int>, input);
        auto layer = makeConv(Json::parse(config.toStdString()));
        auto* conv = dynamic_cast<Conv2D*>(layer.get());
        Rng rng(5);
        const Tensor x = randomTensor({input[0], input[1], input[2], input[3]}, rng);
        buildLayer(*layer, {x});
        if (conv->parameters().size() > 1) conv->bias() = randomTensor(conv->bias().shape(), rng);
        Tensor y;
        layer->forward({&x}, y, Mode::Inference);
        const auto c = layer->config();
        const auto [kh, kw] = configPair(c, "kernel_size", "t");
        const auto [sh, sw] = configPair(c, "strides", "t");
        const WindowGeometry g = WindowGeometry::make(input[1], input[2], input[3], kh, kw, sh, sw, conv->padding());
        const Tensor ref = naiveConv(x, conv->kernel(), conv->parameters().size() > 1 ? &conv->bias() : nullptr, sh,
                                     sw, g.padTop, g.padLeft, g.outH, g.outW);
        QCOMPARE(y.shape(), ref.shape());
        QVERIFY2(relativeError(y, ref) < 1e-6, std::to_string(relativeError(y, ref)).c_str());
    }

    // Layers whose column matrix exceeds one im2col tile (512 KiB): forward, kernel and input
    // gradients still equal the definition, with the column cache (training) and without (inference).
    void tiledMatchesDefinition_data() {
        QTest::addColumn<QString>("config");
        QTest::addColumn<QList<int>>("input");  // N, C, H, W
        QTest::newRow("narrowing 24->16 same (flipped dx tiled too)") << R"({"filters":16,"kernel_size":3})"
                                                                      << QList<int>{2, 24, 34, 33};
        QTest::newRow("widening 16->24 same (col2im dx)") << R"({"filters":24,"kernel_size":3})"
                                                          << QList<int>{2, 16, 34, 33};
        QTest::newRow("32->8 stride 2 same") << R"({"filters":8,"kernel_size":3,"strides":2})"
                                             << QList<int>{2, 32, 70, 66};
        QTest::newRow("32->8 valid") << R"({"filters":8,"kernel_size":3,"padding":"valid"})"
                                     << QList<int>{1, 32, 36, 35};
    }
    void tiledMatchesDefinition() {
        QFETCH(QString, config);
        QFETCH(QList<int>, input);
        auto layer = makeConv(Json::parse(config.toStdString()));
        auto* conv = dynamic_cast<Conv2D*>(layer.get());
        Rng rng(8);
        const Tensor x = randomTensor({input[0], input[1], input[2], input[3]}, rng);
        buildLayer(*layer, {x});
        conv->bias() = randomTensor(conv->bias().shape(), rng);
        const auto c = layer->config();
        const auto [kh, kw] = configPair(c, "kernel_size", "t");
        const auto [sh, sw] = configPair(c, "strides", "t");
        const WindowGeometry g = WindowGeometry::make(input[1], input[2], input[3], kh, kw, sh, sw, conv->padding());
        QVERIFY(std::size_t(g.patchSize()) * g.outPixels() > 128 * 1024);  // more than one tile
        conv->setDirectConvolution(false);  // the tiles belong to the im2col path
        const std::string diff = differenceFromDefinition(*conv, x, g, rng);
        QVERIFY2(diff.empty(), diff.c_str());
    }

    // Widths that are whole SIMD vectors take the direct convolution (direct_conv.h) for y and dx:
    // register blocks of output vectors × filters with remainders on both, odd and even kernels,
    // explicit padding, narrowing (flipped dx) and widening layers. Each must equal the definition,
    // and the im2col path of the same layer.
    void directMatchesDefinition_data() {
        QTest::addColumn<QString>("config");
        QTest::addColumn<QList<int>>("input");  // N, C, H, W
        QTest::addColumn<bool>("directDw");     // kernel gradient by the direct path too (>= 32x32 pixels)
        QTest::newRow("3x3 same, 7 filters, 5 rows x 2 vectors") << R"({"filters":7,"kernel_size":3})"
                                                                 << QList<int>{2, 5, 5, 32} << false;
        QTest::newRow("3x3 same, 1 channel in, 16 out (first layer)") << R"({"filters":16,"kernel_size":3})"
                                                                     << QList<int>{3, 1, 6, 16} << false;
        QTest::newRow("narrowing 20->3") << R"({"filters":3,"kernel_size":3})" << QList<int>{2, 20, 3, 16} << false;
        QTest::newRow("13 filters, no bias") << R"({"filters":13,"kernel_size":3,"use_bias":false})"
                                             << QList<int>{2, 4, 7, 48} << false;
        QTest::newRow("5x5 same on 2 rows (taps beyond the image)") << R"({"filters":2,"kernel_size":5})"
                                                                   << QList<int>{2, 3, 2, 16} << false;
        QTest::newRow("4x4 same (pad 1 before, 2 after)") << R"({"filters":5,"kernel_size":4})"
                                                          << QList<int>{2, 3, 5, 16} << false;
        QTest::newRow("3x3 explicit 1") << R"({"filters":4,"kernel_size":3,"padding":1})" << QList<int>{2, 2, 4, 32}
                                        << false;
        QTest::newRow("1x3 same") << R"({"filters":3,"kernel_size":[1,3]})" << QList<int>{2, 2, 3, 16} << false;
        // Kernel gradient by the direct path: filter and tap blocks with remainders, rows wrapping.
        QTest::newRow("dW: 3x3 same, 7 filters, 32x32") << R"({"filters":7,"kernel_size":3})"
                                                        << QList<int>{2, 3, 32, 32} << true;
        QTest::newRow("dW: 5x5 same, 2 filters, 20x64, no bias")
            << R"({"filters":2,"kernel_size":5,"use_bias":false})" << QList<int>{1, 2, 20, 64} << true;
        QTest::newRow("dW: 4x4 same (pad 1 before, 2 after), 16x64") << R"({"filters":9,"kernel_size":4})"
                                                                     << QList<int>{2, 1, 16, 64} << true;
        QTest::newRow("dW: narrowing 6->5, 32x48") << R"({"filters":5,"kernel_size":3})"
                                                   << QList<int>{3, 6, 32, 48} << true;
    }
    void directMatchesDefinition() {
        QFETCH(QString, config);
        QFETCH(QList<int>, input);
        auto layer = makeConv(Json::parse(config.toStdString()));
        auto* conv = dynamic_cast<Conv2D*>(layer.get());
        Rng rng(21);
        const Tensor x = randomTensor({input[0], input[1], input[2], input[3]}, rng);
        buildLayer(*layer, {x});
        const bool bias = conv->parameters().size() > 1;
        if (bias) conv->bias() = randomTensor(conv->bias().shape(), rng);
        const auto c = layer->config();
        const auto [kh, kw] = configPair(c, "kernel_size", "t");
        const WindowGeometry g = WindowGeometry::make(input[1], input[2], input[3], kh, kw, 1, 1, conv->padding());
        QFETCH(bool, directDw);
        QVERIFY(directConvApplies(g));  // else this would test the im2col path twice
        QCOMPARE(directKernelGradientApplies(g), directDw);
        for (bool direct : {true, false}) {
            conv->setDirectConvolution(direct);
            const std::string diff = differenceFromDefinition(*conv, x, g, rng);
            QVERIFY2(diff.empty(), ((direct ? "direct: " : "im2col: ") + diff).c_str());
        }
    }
    void directGradients() {
        auto layer = makeConv(Json{{"filters", 7}, {"kernel_size", 3}});
        Rng rng(12);
        std::vector<Tensor> in{randomTensor({2, 3, 3, 16}, rng)};
        buildLayer(*layer, in);
        for (Param& p : layer->parameters())
            if (p.name == "bias") *p.value = randomTensor(p.value->shape(), rng);
        const auto r = checkLayerGradients(*layer, in, Mode::Training, 1e-2);
        QVERIFY2(r.worstError < 1e-3, (r.worst + " error " + std::to_string(r.worstError)).c_str());
    }

    // Same seed, same data: bit-identical gradients, whether or not forward cached its columns.
    void deterministicBackward() {
        auto layer = makeConv(Json{{"filters", 8}, {"kernel_size", 3}});
        Rng rng(2);
        const Tensor x = randomTensor({9, 4, 12, 12}, rng);
        buildLayer(*layer, {x});
        Tensor y, dy, dx1, dx2;
        layer->forward({&x}, y, Mode::Training);
        dy = randomTensor(y.shape(), rng);
        layer->backward({&x}, y, dy, {&dx1});
        const Tensor g1 = *layer->parameters()[0].grad;
        layer->parameters()[0].grad->setZero();
        layer->parameters()[1].grad->setZero();
        layer->forward({&x}, y, Mode::Inference);  // no column cache: backward recomputes im2col
        layer->backward({&x}, y, dy, {&dx2});
        const Tensor g2 = *layer->parameters()[0].grad;
        QCOMPARE(g1.values(), g2.values());
        QCOMPARE(dx1.values(), dx2.values());
        // backward without dx still accumulates parameter gradients (+=).
        layer->backward({&x}, y, dy, {nullptr});
        for (std::size_t i = 0; i < g1.size(); ++i) QCOMPARE((*layer->parameters()[0].grad)[i], 2 * g1[i]);
    }

    void shapeErrors_data() {
        QTest::addColumn<QString>("config");
        QTest::addColumn<QList<int>>("input");
        QTest::addColumn<QString>("message");
        QTest::newRow("flat input") << R"({"filters":4,"kernel_size":3})" << QList<int>{64}
                                    << "Conv2D expects (channels, height, width); got (64)";
        QTest::newRow("kernel too big") << R"({"filters":4,"kernel_size":5,"padding":"valid"})"
                                        << QList<int>{1, 3, 8} << "5x5 kernel does not fit a 3x8 image";
        QTest::newRow("zero filters") << R"({"filters":0,"kernel_size":3})" << QList<int>{1, 8, 8}
                                      << "filters must be at least 1";
    }
    void shapeErrors() {
        QFETCH(QString, config);
        QFETCH(QList<int>, input);
        QFETCH(QString, message);
        auto layer = makeConv(Json::parse(config.toStdString()));
        try {
            layer->outputShape({Shape(input.begin(), input.end())});
            QFAIL("no ShapeError");
        } catch (const ShapeError& e) {
            QVERIFY2(QString(e.what()).contains(message), e.what());
            QVERIFY2(QString(e.what()).startsWith("Conv2D"), e.what());
        }
    }

    void configErrors() {
        QVERIFY_THROWS_EXCEPTION(InputError, makeConv(Json{{"padding", "full"}}));
        QVERIFY_THROWS_EXCEPTION(InputError, makeConv(Json{{"padding", -1}}));
        QVERIFY_THROWS_EXCEPTION(InputError, makeConv(Json{{"kernel_size", "3"}}));
        try {
            makeConv(Json{{"padding", "full"}});
        } catch (const InputError& e) {
            QVERIFY2(QString(e.what()).contains("Conv2D") && QString(e.what()).contains("padding"), e.what());
        }
    }

    void configRoundTrip() {
        const Json c{{"filters", 5}, {"kernel_size", {3, 1}}, {"strides", 2}, {"padding", {1, 0}}, {"use_bias", false}};
        auto a = makeConv(c);
        auto b = makeConv(a->config());
        QCOMPARE(QString::fromStdString(a->config().dump()), QString::fromStdString(b->config().dump()));
        QCOMPARE(a->config()["padding"], (Json{1, 0}));
        QCOMPARE(a->outputShape(std::vector<Shape>{Shape{2, 9, 9}}), (Shape{5, 5, 5}));
        a->build(std::vector<Shape>{Shape{2, 9, 9}});
        QCOMPARE(a->parameterCount(), std::size_t(5 * 2 * 3 * 1));
        QCOMPARE(LayerRegistry::instance().find("Conv2D")->category, std::string("Convolution"));
    }
};

QTEST_APPLESS_MAIN(TestConv2D)
#include "tst_conv2d.moc"
