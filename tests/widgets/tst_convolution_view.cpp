// Convolution view: the engine's output equals a direct 3×3 cross-correlation with zero
// padding; pooling takes block maxima; receptive fields have the right size.
#include <QtTest>

#include <cmath>

#include "convolution_view.h"
#include "core/rng.h"

using namespace deepfield;
using deepfield::widgets::ConvolutionView;

class TestConvolutionView : public QObject {
    Q_OBJECT
private slots:
    void matchesDirectConvolution() {
        Rng rng(4);
        const int h = 20, w = 24;
        Tensor img({h, w});
        for (std::size_t i = 0; i < img.size(); ++i) img[i] = rng.uniform(-1.0f, 1.0f);
        ConvolutionView v;
        v.setImage(img);
        std::array<float, 9> k{};
        for (float& x : k) x = rng.uniform(-2.0f, 2.0f);
        v.setKernel(k);
        // The kernel as shown (spin boxes keep 4 decimals) is the one applied.
        for (int i = 0; i < 9; ++i) QVERIFY(std::abs(v.kernel()[std::size_t(i)] - k[std::size_t(i)]) < 1e-4);
        k = v.kernel();
        QCOMPARE(v.convolved().shape(), std::vector<int>({1, 1, h, w}));
        for (int r = 0; r < h; ++r)
            for (int c = 0; c < w; ++c) {
                double s = 0;
                for (int i = -1; i <= 1; ++i)
                    for (int j = -1; j <= 1; ++j)
                        if (r + i >= 0 && r + i < h && c + j >= 0 && c + j < w)
                            s += k[std::size_t((i + 1) * 3 + j + 1)] * img[std::size_t((r + i) * w + c + j)];
                QVERIFY(std::abs(s - v.convolved()[std::size_t(r * w + c)]) < 1e-5);
            }
        v.setPoolSize(3);
        QCOMPARE(v.pooled().shape(), std::vector<int>({1, 1, h / 3, w / 3}));
        float m = -1e30f;
        for (int i = 3; i < 6; ++i)
            for (int j = 6; j < 9; ++j) m = std::max(m, v.convolved()[std::size_t(i * w + j)]);
        QCOMPARE(v.pooled()[std::size_t(1 * (w / 3) + 2)], m);
        QCOMPARE(v.selectPooled(1, 2), QRect(5, 2, 5, 5));
        QCOMPARE(v.selectConvolved(h - 1, w - 1), QRect(w - 2, h - 2, 2, 2));
        // Identity preset reproduces the input.
        v.setPreset("identity");
        for (std::size_t i = 0; i < img.size(); ++i) QCOMPARE(v.convolved()[i], img[i]);
        v.setPreset("blur");
        QVERIFY(std::abs(v.kernel()[0] - 1.0f / 9) < 1e-3);
    }
};

QTEST_MAIN(TestConvolutionView)
#include "tst_convolution_view.moc"
