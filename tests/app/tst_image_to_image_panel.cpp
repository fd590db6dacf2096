// The Image-to-image view: a tiny U-Net and a tiny bulge/disk network (a few training steps: the
// test checks the mechanism, not the quality) evaluated on held-out simulated galaxies. The view
// must show the prediction of the selected image, the engine's Dice per image, and sort by score.
#include <QTableWidget>
#include <QtTest>
#include <qcustomplot.h>

#include "data/simulator.h"
#include "graph/templates.h"
#include "image_tile_grid.h"
#include "panels/image_to_image_panel.h"
#include "train/loss.h"
#include "train/optimizer.h"
#include "train/segmentation.h"
#include "train/trainer.h"

using namespace deepfield;
using namespace deepfield::app;

namespace {

// A few steps on simulated pairs prepared exactly as the view prepares them (another seed).
void trainBriefly(Graph& g, const ImageModel& m, const std::string& loss) {
    ImagePairs train = simulatePairs(m, 24, 1);
    TensorDataset data(train.inputs, train.targets);
    auto l = makeLoss(loss);
    auto opt = makeOptimizer("adam", OptimizerOptions{3e-3});
    TrainOptions o;
    o.epochs = 2;
    o.batchSize = 8;
    o.seed = 4;
    Trainer(g, *l, *opt, o).fit(data);
}

double maxAbsDiff(const Tensor& a, const Tensor& b) {
    if (a.shape() != b.shape()) return INFINITY;
    double d = 0;
    for (std::size_t i = 0; i < a.size(); ++i) d = std::max(d, double(std::abs(a[i] - b[i])));
    return d;
}

std::vector<float> values(const Tensor& t) { return std::vector<float>(t.data(), t.data() + t.size()); }

ImageToImagePanel* makePanel(std::shared_ptr<Graph> studio) {
    auto* p = new ImageToImagePanel([studio] { return studio; }, [] { return std::shared_ptr<const Dataset>(); });
    p->resize(1200, 700);
    p->show();
    return p;
}

}  // namespace

class TestImageToImagePanel : public QObject {
    Q_OBJECT
private slots:
    void segmentationShowsPredictionAndDice();
    void bulgeDiskShowsComponentsAndRatio();
    void errorsNameTheProblem();
};

void TestImageToImagePanel::segmentationShowsPredictionAndDice() {
    TemplateOptions to({1, 32, 32}, 1);
    to.depth = 2;
    to.baseFilters = 4;
    auto g = std::make_shared<Graph>(makeTemplate("unet-clumps", to));
    g->build();
    g->reset(3);
    const ImageModel m = imageModelFromGraph(g, "tiny unet");
    QCOMPARE(QString::fromStdString(m.target), QString("mask"));
    QVERIFY(!m.pairScale);
    trainBriefly(*g, m, "binary_crossentropy");

    std::unique_ptr<ImageToImagePanel> panel(makePanel(g));
    QVERIFY2(panel->useStudioModel(), qPrintable(panel->statusText()));
    panel->setSimulation(12, 777);
    QVERIFY(panel->evaluate());
    panel->waitForEvaluation();
    QCOMPARE(panel->imageCount(), 12);

    // Ground truth: the simulator's clump masks of that seed.
    SimOptions so;
    so.kind = SimKind::Clumps;
    so.size = 32;
    so.bands = {"r"};
    so.seed = 777;
    const SimulatedGalaxy g5 = simulateGalaxy(so, 5);
    QCOMPARE(values(panel->target(5)), values(g5.targets.at(0).second));

    panel->selectImage(5);
    QCOMPARE(panel->selectedImage(), 5);
    const Tensor p = panel->prediction(5);
    QCOMPARE(p.shape(), (Shape{1, 1, 32, 32}));
    Graph check = g->clone();
    const Tensor expected = check.forward(panel->input(5), Mode::Inference);
    QVERIFY2(maxAbsDiff(p, expected) < 1e-5, qPrintable(QString::number(maxAbsDiff(p, expected))));
    // Tiles: input with the predicted mask overlay, input with the true mask, truth, prediction, residual.
    QCOMPARE(panel->tiles()->count(), 5);
    QCOMPARE(values(panel->tiles()->tile(0).mask), values(p));
    QCOMPARE(values(panel->tiles()->tile(1).mask), values(panel->target(5)));
    QCOMPARE(values(panel->tiles()->tile(3).image), values(p));
    QCOMPARE(values(panel->tiles()->tile(0).image), values(panel->input(5)));
    QVERIFY(panel->tiles()->tile(4).signedValues);

    // Dice / IoU per image: the engine's metrics on that image.
    const double dice = dicePerImage(p, panel->target(5))[0];
    QCOMPARE(panel->scores().dice[5], dice);
    QCOMPARE(panel->scores().iou[5], segmentationCounts(p, panel->target(5)).iou());
    QVERIFY2(panel->metricsText().contains(QString::number(dice, 'f', 3)), qPrintable(panel->metricsText()));
    for (int i = 0; i < 12; ++i)
        QCOMPARE(panel->scores().dice[std::size_t(i)], dicePerImage(panel->prediction(i), panel->target(i))[0]);

    // Browsing by score: worst (lowest Dice) first, best first, by index; the list follows.
    panel->setSortOrder(ImageToImagePanel::SortOrder::WorstFirst);
    auto order = panel->browseOrder();
    QCOMPARE(int(order.size()), 12);
    for (std::size_t k = 1; k < order.size(); ++k)
        QVERIFY(panel->scores().dice[std::size_t(order[k - 1])] <= panel->scores().dice[std::size_t(order[k])]);
    QCOMPARE(panel->list()->rowCount(), 12);
    QCOMPARE(panel->list()->item(0, 0)->data(Qt::UserRole).toInt(), order[0]);
    QCOMPARE(panel->selectedImage(), 5);  // the selection stays on its image
    QCOMPARE(panel->list()->item(panel->list()->currentRow(), 0)->data(Qt::UserRole).toInt(), 5);
    panel->setSortOrder(ImageToImagePanel::SortOrder::BestFirst);
    order = panel->browseOrder();
    for (std::size_t k = 1; k < order.size(); ++k)
        QVERIFY(panel->scores().dice[std::size_t(order[k - 1])] >= panel->scores().dice[std::size_t(order[k])]);
    QCOMPARE(panel->list()->item(11, 0)->data(Qt::UserRole).toInt(), order[11]);
    panel->setSortOrder(ImageToImagePanel::SortOrder::Index);
    order = panel->browseOrder();
    for (int k = 0; k < 12; ++k) QCOMPARE(order[std::size_t(k)], k);
    // Clicking a row shows that image.
    panel->list()->setCurrentCell(2, 0);
    QCOMPARE(panel->selectedImage(), 2);
    QCOMPARE(values(panel->tiles()->tile(3).image), values(panel->prediction(2)));
}

void TestImageToImagePanel::bulgeDiskShowsComponentsAndRatio() {
    TemplateOptions to({1, 16, 16}, 2);
    to.depth = 1;
    to.baseFilters = 4;
    auto g = std::make_shared<Graph>(makeTemplate("autoencoder", to));
    g->build();
    g->reset(5);
    const ImageModel m = imageModelFromGraph(g, "tiny bulge/disk");
    QCOMPARE(QString::fromStdString(m.target), QString("bulge-disk"));
    QVERIFY(m.pairScale);
    trainBriefly(*g, m, "mse");

    std::unique_ptr<ImageToImagePanel> panel(makePanel(g));
    QVERIFY(panel->useStudioModel());
    panel->setSimulation(10, 4242);
    QVERIFY(panel->evaluate());
    panel->waitForEvaluation();
    QCOMPARE(panel->imageCount(), 10);
    QCOMPARE(panel->target(0).shape(), (Shape{1, 2, 16, 16}));
    panel->selectImage(3);
    const Tensor p = panel->prediction(3);
    Graph check = g->clone();
    QVERIFY(maxAbsDiff(p, check.forward(panel->input(3), Mode::Inference)) < 1e-5);
    // Input, predicted bulge, predicted disk, residual, true bulge, true disk.
    QCOMPARE(panel->tiles()->count(), 6);
    QCOMPARE(panel->tiles()->caption(1), QString("predicted bulge"));
    QCOMPARE(values(panel->tiles()->tile(1).image), std::vector<float>(p.data(), p.data() + 256));
    QCOMPARE(values(panel->tiles()->tile(2).image), std::vector<float>(p.data() + 256, p.data() + 512));
    const Tensor& residual = panel->tiles()->tile(3).image;
    const Tensor x = panel->input(3);
    QCOMPARE(double(residual[17]), double(x[17] - (p[17] + p[256 + 17])));
    // B/T: the engine's ratio of the predicted and true component images, one scatter point each.
    const auto predicted = firstHalfFluxRatio(p), truth = firstHalfFluxRatio(panel->target(3));
    QCOMPARE(panel->scores().btPredicted[3], predicted[0]);
    QCOMPARE(panel->scores().btTrue[3], truth[0]);
    QCOMPARE(panel->scatter()->graph(0)->dataCount(), 10);
    QCOMPARE(panel->scatter()->graph(1)->dataCount(), 1);
    QCOMPARE(panel->scatter()->graph(1)->data()->at(0)->key, truth[0]);
    // Sorted by |ΔB/T|, worst first.
    panel->setSortOrder(ImageToImagePanel::SortOrder::WorstFirst);
    const auto order = panel->browseOrder();
    for (std::size_t k = 1; k < order.size(); ++k)
        QVERIFY(panel->scores().score[std::size_t(order[k - 1])] >= panel->scores().score[std::size_t(order[k])]);
}

void TestImageToImagePanel::errorsNameTheProblem() {
    std::unique_ptr<ImageToImagePanel> panel(makePanel(nullptr));
    QVERIFY(!panel->useStudioModel());
    QVERIFY2(panel->statusText().contains("no trained model"), qPrintable(panel->statusText()));
    QVERIFY(!panel->evaluate());
    QVERIFY(!panel->openRun("/nonexistent/run"));
    QVERIFY2(panel->statusText().contains("is not a folder"), qPrintable(panel->statusText()));
    // A classifier is not an image-to-image model.
    auto cnn = std::make_shared<Graph>(makeTemplate("cnn-morphology", TemplateOptions({1, 32, 32}, 4)));
    cnn->build();
    std::unique_ptr<ImageToImagePanel> panel2(makePanel(cnn));
    QVERIFY(!panel2->useStudioModel());
    QVERIFY2(panel2->statusText().contains("images in and images of the same size out"), qPrintable(panel2->statusText()));
    panel2->setUseDataPanel(true);
}

QTEST_MAIN(TestImageToImagePanel)
#include "tst_image_to_image_panel.moc"
