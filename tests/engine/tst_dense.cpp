#include <QtTest>

#include "gradcheck.h"
#include "layers/dense.h"

using namespace deepfield;
using namespace deepfield::test;

class TestDense : public QObject {
    Q_OBJECT
private slots:
    void gradients() {
        Dense d(5);
        Rng rng(3);
        std::vector<Tensor> in{randomTensor({4, 7}, rng)};
        buildLayer(d, in);
        const auto r = checkLayerGradients(d, in, Mode::Training, 1e-2);
        QVERIFY2(r.worstError < 1e-3, (r.worst + " error " + std::to_string(r.worstError)).c_str());
    }
};

QTEST_APPLESS_MAIN(TestDense)
#include "tst_dense.moc"
