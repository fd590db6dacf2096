// Conv2DTranspose: output sizes (PyTorch explicit padding, Keras same/valid), the textbook
// scatter definition, adjointness with Conv2D, finite-difference gradients, determinism and
// agreement with PyTorch's ConvTranspose2d (tests/reference/torch_decoder_layers.py).
#include <QtTest>

#include "core/error.h"
#include "decoder_reference.h"
#include "gradcheck.h"
#include "layers/conv2d.h"
#include "layers/conv2d_transpose.h"
#include "layers/registry.h"

using namespace deepfield;
using namespace deepfield::test;

namespace {
std::unique_ptr<Layer> makeConvT(const Json& config) {
    return LayerRegistry::instance().create("Conv2DTranspose", config);
}

// Direct definition: every input pixel scatters its kernel-weighted copy to
// (ih·sh − padTop + i, iw·sw − padLeft + j) of the output.
Tensor naiveConvTranspose(const Tensor& x, const Tensor& k, const Tensor* b, int sh, int sw, int padTop, int padLeft, int outH,
                          int outW) {
    const int N = x.dim(0), C = x.dim(1), H = x.dim(2), W = x.dim(3);
    const int F = k.dim(1), kh = k.dim(2), kw = k.dim(3);
    std::vector<double> acc(std::size_t(N) * F * outH * outW, 0.0);
    for (int n = 0; n < N; ++n)
        for (int c = 0; c < C; ++c)
            for (int ih = 0; ih < H; ++ih)
                for (int iw = 0; iw < W; ++iw)
                    for (int f = 0; f < F; ++f)
                        for (int i = 0; i < kh; ++i)
                            for (int j = 0; j < kw; ++j) {
                                const int oh = ih * sh - padTop + i, ow = iw * sw - padLeft + j;
                                if (oh < 0 || oh >= outH || ow < 0 || ow >= outW) continue;
                                acc[((std::size_t(n) * F + f) * outH + oh) * outW + ow] +=
                                    double(x[((std::size_t(n) * C + c) * H + ih) * W + iw]) *
                                    k[((std::size_t(c) * F + f) * kh + i) * kw + j];
                            }
    Tensor y({N, F, outH, outW});
    for (std::size_t i = 0; i < y.size(); ++i)
        y[i] = float(acc[i] + (b ? (*b)[int(i / (std::size_t(outH) * outW)) % F] : 0.0));
    return y;
}

double dot(const Tensor& a, const Tensor& b) {
    double s = 0;
    for (std::size_t i = 0; i < a.size(); ++i) s += double(a[i]) * b[i];
    return s;
}
}  // namespace

class TestConv2DTranspose : public QObject {
    Q_OBJECT
private slots:
    void outputShapes_data() {
        QTest::addColumn<QString>("config");
        QTest::addColumn<QList<int>>("input");     // C, H, W
        QTest::addColumn<QList<int>>("expected");  // F, Ho, Wo
        // explicit p: (H − 1)s − 2p + k + output_padding
        QTest::newRow("3x3 s2 p1 op1") << R"({"filters":4,"kernel_size":3,"strides":2,"padding":1,"output_padding":1})"
                                      << QList<int>{2, 8, 8} << QList<int>{4, 16, 16};
        QTest::newRow("4x4 s2 p1") << R"({"filters":3,"kernel_size":4,"strides":2,"padding":1})"
                                   << QList<int>{2, 8, 5} << QList<int>{3, 16, 10};
        QTest::newRow("3x3 s1 p1") << R"({"filters":1,"kernel_size":3,"strides":1,"padding":1})"
                                   << QList<int>{2, 7, 6} << QList<int>{1, 7, 6};
        QTest::newRow("5x5 s3 p2 op2") << R"({"filters":1,"kernel_size":5,"strides":3,"padding":2,"output_padding":2})"
                                       << QList<int>{1, 3, 4} << QList<int>{1, 9, 12};
        QTest::newRow("explicit [1,0]") << R"({"filters":2,"kernel_size":3,"strides":2,"padding":[1,0]})"
                                        << QList<int>{1, 4, 4} << QList<int>{2, 7, 9};
        // same: H·s
        QTest::newRow("2x2 s2 same") << R"({"filters":16,"kernel_size":2,"strides":2})" << QList<int>{32, 8, 8}
                                     << QList<int>{16, 16, 16};
        QTest::newRow("3x3 s2 same") << R"({"filters":2,"kernel_size":3,"strides":2})" << QList<int>{1, 5, 3}
                                     << QList<int>{2, 10, 6};
        QTest::newRow("3x3 s1 same") << R"({"filters":2,"kernel_size":3,"strides":1})" << QList<int>{1, 5, 3}
                                     << QList<int>{2, 5, 3};
        // valid: (H − 1)s + k
        QTest::newRow("3x3 s2 valid") << R"({"filters":2,"kernel_size":3,"strides":2,"padding":"valid"})"
                                      << QList<int>{1, 4, 3} << QList<int>{2, 9, 7};
        QTest::newRow("2x3 s(1,2) valid op(0,1)")
            << R"({"filters":2,"kernel_size":[2,3],"strides":[1,2],"padding":"valid","output_padding":[0,1]})"
            << QList<int>{1, 4, 3} << QList<int>{2, 5, 8};
    }
    void outputShapes() {
        QFETCH(QString, config);
        QFETCH(QList<int>, input);
        QFETCH(QList<int>, expected);
        auto layer = makeConvT(Json::parse(config.toStdString()));
        QCOMPARE(layer->outputShape({Shape{input[0], input[1], input[2]}}),
                 (Shape{expected[0], expected[1], expected[2]}));
        // The config survives a round trip through the registry.
        auto again = makeConvT(layer->config());
        QCOMPARE(again->config().dump(), layer->config().dump());
    }

    void rejectsBadSettings_data() {
        QTest::addColumn<QString>("config");
        QTest::addColumn<QList<int>>("input");
        QTest::addColumn<QString>("message");
        QTest::newRow("output_padding = stride") << R"({"filters":2,"kernel_size":3,"strides":2,"padding":1,"output_padding":2})"
                                                 << QList<int>{1, 4, 4} << "smaller than the stride";
        QTest::newRow("output_padding with same") << R"({"filters":2,"kernel_size":3,"strides":2,"output_padding":1})"
                                                  << QList<int>{1, 4, 4} << "output_padding needs padding";
        QTest::newRow("flat input") << R"({"filters":2})" << QList<int>{16} << "expects (channels, height, width)";
        QTest::newRow("padding eats everything") << R"({"filters":2,"kernel_size":1,"strides":1,"padding":1})"
                                                 << QList<int>{1, 2, 2} << "crops more than";
        QTest::newRow("zero filters") << R"({"filters":0})" << QList<int>{1, 2, 2} << "filters must be at least 1";
    }
    void rejectsBadSettings() {
        QFETCH(QString, config);
        QFETCH(QList<int>, input);
        QFETCH(QString, message);
        auto layer = makeConvT(Json::parse(config.toStdString()));
        Shape in(input.begin(), input.end());
        QString what;
        try {
            layer->outputShape({in});
        } catch (const ShapeError& e) {
            what = e.what();
        }
        QVERIFY2(what.contains("Conv2DTranspose") && what.contains(message), qPrintable(what));
    }

    void rejectsBadConfig() {
        QString what;
        try {
            makeConvT(Json{{"padding", "full"}});
        } catch (const InputError& e) {
            what = e.what();
        }
        QVERIFY2(what.contains("Conv2DTranspose") && what.contains("padding"), qPrintable(what));
    }

    void cases_data() {
        QTest::addColumn<QString>("config");
        QTest::addColumn<QList<int>>("input");  // N, C, H, W
        QTest::newRow("2x2 s2 same (U-Net)") << R"({"filters":3,"kernel_size":2,"strides":2})" << QList<int>{2, 2, 3, 4};
        QTest::newRow("3x3 s2 same") << R"({"filters":2,"kernel_size":3,"strides":2})" << QList<int>{2, 2, 3, 3};
        QTest::newRow("4x4 s2 same") << R"({"filters":2,"kernel_size":4,"strides":2})" << QList<int>{2, 1, 3, 2};
        QTest::newRow("3x3 s1 same") << R"({"filters":2,"kernel_size":3,"strides":1})" << QList<int>{2, 2, 4, 3};
        QTest::newRow("3x3 s2 valid") << R"({"filters":2,"kernel_size":3,"strides":2,"padding":"valid"})"
                                      << QList<int>{2, 2, 3, 3};
        QTest::newRow("3x3 s2 p1 op1 (VAE)")
            << R"({"filters":3,"kernel_size":3,"strides":2,"padding":1,"output_padding":1})" << QList<int>{2, 2, 3, 3};
        QTest::newRow("4x4 s2 p1 (GAN)") << R"({"filters":2,"kernel_size":4,"strides":2,"padding":1})"
                                         << QList<int>{2, 3, 3, 3};
        QTest::newRow("5x5 s3 p2 op2") << R"({"filters":2,"kernel_size":5,"strides":3,"padding":2,"output_padding":2})"
                                       << QList<int>{2, 1, 2, 3};
        QTest::newRow("3x2 s(2,1) p[1,0]") << R"({"filters":2,"kernel_size":[3,2],"strides":[2,1],"padding":[1,0]})"
                                           << QList<int>{2, 2, 3, 3};
        QTest::newRow("1x1 pointwise") << R"({"filters":3,"kernel_size":1,"strides":1})" << QList<int>{2, 4, 3, 3};
        QTest::newRow("1x1 s2") << R"({"filters":2,"kernel_size":1,"strides":2})" << QList<int>{2, 2, 3, 3};
        QTest::newRow("no bias") << R"({"filters":2,"kernel_size":2,"strides":2,"use_bias":false})"
                                 << QList<int>{2, 2, 3, 3};
        QTest::newRow("batch 5 (uneven chunks)") << R"({"filters":2,"kernel_size":3,"strides":2,"padding":1})"
                                                 << QList<int>{5, 2, 3, 3};
    }

    void gradients_data() { cases_data(); }
    void gradients() {
        QFETCH(QString, config);
        QFETCH(QList<int>, input);
        auto layer = makeConvT(Json::parse(config.toStdString()));
        Rng rng(11);
        std::vector<Tensor> in{randomTensor({input[0], input[1], input[2], input[3]}, rng)};
        buildLayer(*layer, in);
        for (Param& p : layer->parameters())
            if (p.name == "bias") *p.value = randomTensor(p.value->shape(), rng);
        for (Mode mode : {Mode::Training, Mode::Inference}) {
            const auto r = checkLayerGradients(*layer, in, mode, 1e-2);
            QVERIFY2(r.worstError < 1e-3, (r.worst + " error " + std::to_string(r.worstError)).c_str());
        }
    }

    void forwardMatchesDefinition_data() { cases_data(); }
    void forwardMatchesDefinition() {
        QFETCH(QString, config);
        QFETCH(QList<int>, input);
        auto layer = makeConvT(Json::parse(config.toStdString()));
        auto* ct = dynamic_cast<Conv2DTranspose*>(layer.get());
        QVERIFY(ct);
        Rng rng(5);
        const Tensor x = randomTensor({input[0], input[1], input[2], input[3]}, rng);
        buildLayer(*layer, {x});
        const bool bias = layer->parameters().size() > 1;
        if (bias) ct->bias() = randomTensor(ct->bias().shape(), rng);
        Tensor y;
        layer->forward({&x}, y, Mode::Inference);
        const Json c = layer->config();
        const auto [kh, kw] = configPair(c, "kernel_size", "t");
        const auto [sh, sw] = configPair(c, "strides", "t");
        // Leading crops: explicit p, Keras same ⌊max(k − s, 0)/2⌋, valid 0.
        auto lead = [&](int k, int s, const Json& p, int axis) {
            if (p.is_string()) return p == "same" ? std::max(k - s, 0) / 2 : 0;
            return p.is_array() ? p[axis].get<int>() : p.get<int>();
        };
        const int padTop = lead(kh, sh, c["padding"], 0), padLeft = lead(kw, sw, c["padding"], 1);
        const Tensor ref = naiveConvTranspose(x, ct->kernel(), bias ? &ct->bias() : nullptr, sh, sw, padTop, padLeft,
                                              y.dim(2), y.dim(3));
        QCOMPARE(y.shape(), ref.shape());
        QVERIFY2(relativeError(y, ref) < 1e-6, std::to_string(relativeError(y, ref)).c_str());
    }

    // ⟨ConvT_K(x), z⟩ = ⟨x, Conv2D_K(z)⟩: the transpose is the adjoint of the convolution with
    // the same kernel (Conv2D's (F, C) axes are the transpose's (C, F)), for explicit paddings.
    void adjointOfConv2D_data() {
        QTest::addColumn<int>("kernel");
        QTest::addColumn<int>("stride");
        QTest::addColumn<int>("pad");
        QTest::addColumn<int>("outPad");
        QTest::newRow("k3 s2 p1 op1") << 3 << 2 << 1 << 1;
        QTest::newRow("k4 s2 p1") << 4 << 2 << 1 << 0;
        QTest::newRow("k2 s2 p0") << 2 << 2 << 0 << 0;
        QTest::newRow("k3 s1 p0") << 3 << 1 << 0 << 0;
    }
    void adjointOfConv2D() {
        QFETCH(int, kernel);
        QFETCH(int, stride);
        QFETCH(int, pad);
        QFETCH(int, outPad);
        const int C = 3, F = 2, H = 4, W = 5;
        Conv2DTranspose ct(F, {kernel, kernel}, {stride, stride}, Padding{Padding::Kind::Explicit, pad, pad},
                           {outPad, outPad}, false);
        Rng rng(3);
        const Tensor x = randomTensor({2, C, H, W}, rng);
        buildLayer(ct, {x});
        Tensor y;
        ct.forward(x, y, Mode::Inference);
        Conv2D conv(C, {kernel, kernel}, {stride, stride}, Padding{Padding::Kind::Explicit, pad, pad}, false);
        const Tensor z = randomTensor(y.shape(), rng);
        buildLayer(conv, {z});
        // Conv2D kernel (C_out = C, C_in = F, k, k)[c, f] = transpose kernel (C, F, k, k)[c, f].
        conv.kernel() = ct.kernel();
        Tensor cz;
        conv.forward(z, cz, Mode::Inference);
        QCOMPARE(cz.shape(), x.shape());
        const double lhs = dot(y, z), rhs = dot(x, cz);
        QVERIFY2(std::abs(lhs - rhs) < 1e-4 * std::max(1.0, std::abs(lhs)),
                 qPrintable(QString("%1 vs %2").arg(lhs).arg(rhs)));
    }

    // Same data: bit-identical outputs and gradients from two fresh runs (fixed chunking).
    void deterministic() {
        auto run = [](Tensor& y, Tensor& dx, Tensor& dk) {
            auto layer = makeConvT(Json{{"filters", 8}, {"kernel_size", 3}, {"strides", 2}, {"padding", 1},
                                        {"output_padding", 1}});
            Rng rng(2);
            const Tensor x = randomTensor({9, 6, 10, 10}, rng);
            buildLayer(*layer, {x});
            layer->forward({&x}, y, Mode::Training);
            const Tensor dy = randomTensor(y.shape(), rng);
            for (Param& p : layer->parameters()) p.grad->setZero();
            layer->backward({&x}, y, dy, {&dx});
            dk = *layer->parameters()[0].grad;
        };
        Tensor y1, dx1, dk1, y2, dx2, dk2;
        run(y1, dx1, dk1);
        run(y2, dx2, dk2);
        QCOMPARE(y1.shape(), (std::vector<int>{9, 8, 20, 20}));
        QVERIFY(std::equal(y1.data(), y1.data() + y1.size(), y2.data()));
        QVERIFY(std::equal(dx1.data(), dx1.data() + dx1.size(), dx2.data()));
        QVERIFY(std::equal(dk1.data(), dk1.data() + dk1.size(), dk2.data()));
        QVERIFY(dk1.vec().norm() > 0);
    }

    void agreesWithTorch_data() { addDecoderCaseRows("Conv2DTranspose"); }
    void agreesWithTorch() {
        QFETCH(QString, name);
        checkLayerCase(name, 1e-4);
    }
    void torchCasesCoverTheSettings() { QVERIFY(decoderCases("Conv2DTranspose").size() >= 10); }
};

QTEST_APPLESS_MAIN(TestConv2DTranspose)
#include "tst_conv2d_transpose.moc"
