// Sampling layer (VAE reparameterisation + KL term) and the VAE reconstruction losses:
// finite differences, PyTorch agreement (tests/reference/torch_generative.py), statistics.
#include <QtTest>

#include <cmath>

#include "core/error.h"
#include "generative/sampling.h"
#include "generative/vae.h"
#include "graph/safetensors.h"
#include "gradcheck.h"
#include "layers/registry.h"

using namespace deepfield;
using namespace deepfield::test;

namespace {
const TensorFile& reference() {
    static const TensorFile f = readSafetensors(DEEPFIELD_TEST_DATA "/torch_generative.safetensors");
    return f;
}
const Tensor& ref(const std::string& c, const std::string& name) { return reference().tensors.at(c + "/" + name); }

// L = Σ z·r + β·w·KL with fixed ε: the quantity whose gradient backward must give.
double totalLoss(Sampling& s, const Tensor& mu, const Tensor& lv, const Tensor& r) {
    Tensor z;
    s.forward({&mu, &lv}, z, Mode::Training);
    return double(z.vec().dot(r.vec())) + double(s.beta()) * s.klWeight() * s.klLoss();
}
}  // namespace

class TestSampling : public QObject {
    Q_OBJECT
private slots:
    void gradientsWithoutKl() {
        Sampling s(0.0f);
        Rng rng(3);
        std::vector<Tensor> in{randomTensor({4, 3}, rng), randomTensor({4, 3}, rng)};
        buildLayer(s, in);
        const auto r = checkLayerGradients(s, in, Mode::Training, 1e-2, 77);
        QVERIFY2(r.worstError < 1e-3, (r.worst + " error " + std::to_string(r.worstError)).c_str());
        const auto ri = checkLayerGradients(s, in, Mode::Inference, 1e-2);
        QVERIFY2(ri.worstError < 1e-3, (ri.worst + " error " + std::to_string(ri.worstError)).c_str());
    }

    void gradientsWithKl_data() {
        QTest::addColumn<float>("beta");
        QTest::addColumn<float>("weight");
        QTest::newRow("beta 1") << 1.0f << 1.0f;
        QTest::newRow("beta 4, annealed 0.25") << 4.0f << 0.25f;
        QTest::newRow("beta 0.5") << 0.5f << 1.0f;
    }
    void gradientsWithKl() {
        QFETCH(float, beta);
        QFETCH(float, weight);
        Sampling s(beta);
        s.setKlWeight(weight);
        Rng rng(11);
        Tensor mu = randomTensor({5, 3}, rng), lv = randomTensor({5, 3}, rng), r = randomTensor({5, 3}, rng);
        s.setFixedNoise(randomTensor({5, 3}, rng, -2, 2));
        Tensor z, dmu, dlv;
        s.forward({&mu, &lv}, z, Mode::Training);
        s.backward({&mu, &lv}, z, r, {&dmu, &dlv});
        const double eps = 1e-3;
        for (Tensor* t : {&mu, &lv}) {
            Tensor numeric = *t;
            for (std::size_t i = 0; i < t->size(); ++i) {
                const float v = (*t)[i];
                (*t)[i] = v + float(eps);
                const double up = totalLoss(s, mu, lv, r);
                (*t)[i] = v - float(eps);
                const double down = totalLoss(s, mu, lv, r);
                (*t)[i] = v;
                numeric[i] = float((up - down) / (2 * eps));
            }
            const double err = relativeError(t == &mu ? dmu : dlv, numeric);
            QVERIFY2(err < 2e-3, (std::string(t == &mu ? "mu" : "logvar") + " error " + std::to_string(err)).c_str());
        }
        // The KL part is really there: without it the gradient differs.
        Sampling noKl(0.0f);
        noKl.setFixedNoise(s.noise());
        Tensor z0, dmu0, dlv0;
        noKl.forward({&mu, &lv}, z0, Mode::Training);
        noKl.backward({&mu, &lv}, z0, r, {&dmu0, &dlv0});
        QVERIFY(relativeError(dmu0, dmu) > 0.01);
    }

    void torchAgreement_data() {
        QTest::addColumn<QString>("name");
        for (const char* c : {"sampling_beta1", "sampling_beta4_anneal", "sampling_latent16"}) QTest::newRow(c) << c;
    }
    void torchAgreement() {
        QFETCH(QString, name);
        const std::string c = name.toStdString();
        const Tensor& mu = ref(c, "mu");
        const Tensor& lv = ref(c, "logvar");
        Sampling s(ref(c, "beta_w")[0]);
        s.setFixedNoise(ref(c, "eps"));
        Tensor z, dmu, dlv;
        s.forward({&mu, &lv}, z, Mode::Training);
        s.backward({&mu, &lv}, z, ref(c, "dy"), {&dmu, &dlv});
        QVERIFY2(relativeError(z, ref(c, "z")) <= 1e-4, "z");
        QVERIFY2(std::abs(s.klLoss() - ref(c, "kl")[0]) <= 1e-4 * std::abs(ref(c, "kl")[0]), "kl");
        QVERIFY2(relativeError(dmu, ref(c, "d_mu")) <= 1e-4, std::to_string(relativeError(dmu, ref(c, "d_mu"))).c_str());
        QVERIFY2(relativeError(dlv, ref(c, "d_logvar")) <= 1e-4,
                 std::to_string(relativeError(dlv, ref(c, "d_logvar"))).c_str());
    }

    void reconstructionTorch_data() {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("kind");
        QTest::newRow("summed mse") << "recon_mse" << "mse";
        QTest::newRow("summed bce") << "recon_bce" << "bce";
    }
    void reconstructionTorch() {
        QFETCH(QString, name);
        QFETCH(QString, kind);
        const std::string c = name.toStdString();
        Tensor grad;
        std::vector<double> per;
        const double loss = reconstructionLoss(reconstructionLossFromString(kind.toStdString()), ref(c, "pred"),
                                               ref(c, "target"), &grad, &per);
        QVERIFY2(std::abs(loss - ref(c, "loss")[0]) <= 1e-4 * std::abs(ref(c, "loss")[0]), std::to_string(loss).c_str());
        QVERIFY2(relativeError(grad, ref(c, "grad")) <= 1e-4, std::to_string(relativeError(grad, ref(c, "grad"))).c_str());
        double mean = 0;
        for (double p : per) mean += p / double(per.size());
        QCOMPARE(float(mean), float(loss));
    }

    void inferenceIsTheMean() {
        Sampling s;
        Rng rng(1);
        Tensor mu = randomTensor({3, 4}, rng), lv = randomTensor({3, 4}, rng), z;
        s.forward({&mu, &lv}, z, Mode::Inference);
        QCOMPARE(relativeError(z, mu), 0.0);
    }

    void trainingDrawsFromNormal() {
        // 20000 draws of z for μ = 1.5, log σ² = log 0.25: mean 1.5, variance 0.25.
        Sampling s;
        s.setSeed(42);
        Tensor mu({20000, 1}, 1.5f), lv({20000, 1}, std::log(0.25f)), z;
        s.forward({&mu, &lv}, z, Mode::Training);
        const double m = z.vec().mean();
        const double v = (z.vec().array() - float(m)).square().mean();
        QVERIFY2(std::abs(m - 1.5) < 0.015, std::to_string(m).c_str());
        QVERIFY2(std::abs(v - 0.25) < 0.01, std::to_string(v).c_str());
        // KL of N(1.5, 0.25) from N(0, 1): ½(σ² + μ² − 1 − log σ²).
        QVERIFY(std::abs(s.klLoss() - 0.5 * (0.25 + 2.25 - 1 - std::log(0.25))) < 1e-5);
        // Same seed, same draws; another seed, others.
        Sampling a, b;
        a.setSeed(7);
        b.setSeed(7);
        Tensor za, zb;
        a.forward({&mu, &lv}, za, Mode::Training);
        b.forward({&mu, &lv}, zb, Mode::Training);
        QCOMPARE(relativeError(za, zb), 0.0);
        b.setSeed(8);
        b.forward({&mu, &lv}, zb, Mode::Training);
        QVERIFY(relativeError(za, zb) > 0.1);
    }

    void registryAndShapes() {
        auto layer = LayerRegistry::instance().create("Sampling", Json{{"beta", 2.5}});
        QCOMPARE(layer->type(), std::string("Sampling"));
        QCOMPARE(layer->config()["beta"].get<float>(), 2.5f);
        QCOMPARE(layer->inputCount(), 2);
        QCOMPARE(layer->outputShape({{8}, {8}}), Shape{8});
        QVERIFY_THROWS_EXCEPTION(ShapeError, layer->outputShape({{8}, {4}}));
        QVERIFY_THROWS_EXCEPTION(ShapeError, layer->outputShape({{1, 8, 8}, {1, 8, 8}}));
        try {
            LayerRegistry::instance().create("Sampling", Json{{"beta", "big"}});
            QFAIL("no error for a text beta");
        } catch (const InputError& e) {
            QVERIFY(std::string(e.what()).find("beta") != std::string::npos);
        }
    }
};

QTEST_APPLESS_MAIN(TestSampling)
#include "tst_sampling.moc"
