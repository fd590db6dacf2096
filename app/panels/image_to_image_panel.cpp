#include "panels/image_to_image_panel.h"

#include <QComboBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>
#include <numeric>
#include <qcustomplot.h>

#include "core/error.h"
#include "histogram_view.h"
#include "image_tile_grid.h"
#include "tasks/background_task.h"
#include "train/segmentation.h"

namespace deepfield::app {

namespace {

// Channels [first, first + count) of sample i: (count, H, W).
Tensor channels(const Tensor& batch, int i, int first, int count) {
    const int h = batch.dim(2), w = batch.dim(3);
    Tensor t({count, h, w});
    std::copy_n(batch.sample(i) + std::size_t(first) * h * w, t.size(), t.data());
    return t;
}

// Sum over channels of a − b: (1, H, W).
Tensor summedDifference(const Tensor& a, const Tensor& b) {
    const int c = a.dim(0), h = a.dim(1), w = a.dim(2);
    Tensor d({1, h, w});
    for (int k = 0; k < c; ++k)
        for (int p = 0; p < h * w; ++p) d[std::size_t(p)] += a[std::size_t(k) * h * w + p] - b[std::size_t(k) * h * w + p];
    return d;
}

widgets::ImageTile tile(Tensor image, const QString& caption) {
    widgets::ImageTile t;
    t.image = std::move(image);
    t.caption = caption;
    return t;
}

}  // namespace

ImageToImagePanel::ImageToImagePanel(ModelSource studioModel, DatasetSource data, QWidget* parent)
    : QWidget(parent), studioModel_(std::move(studioModel)), data_(std::move(data)), task_(new BackgroundTask(this)) {
    build();
    connect(task_, &BackgroundTask::progressed, this, [this](const QString& title, int done, int total) {
        status_->setText(tr("%1 %2 / %3…").arg(title).arg(done).arg(total));
    });
    connect(task_, &BackgroundTask::finished, this, [this](const QString& error, bool cancelled) {
        evaluate_->setEnabled(true);
        if (cancelled) return status_->setText(tr("Evaluation cancelled."));
        if (!error.isEmpty()) return status_->setText(tr("Evaluation failed: %1").arg(error));
        pairs_ = std::move(*pendingPairs_);
        scores_ = std::move(*pendingScores_);
        showScores();
    });
}

ImageToImagePanel::~ImageToImagePanel() {
    task_->cancel();
    task_->waitForFinished();
}

void ImageToImagePanel::build() {
    auto* layout = new QVBoxLayout(this);
    auto* modelRow = new QHBoxLayout;
    open_ = new QPushButton(tr("Open run…"));
    open_->setToolTip(tr("A run folder of deepfield-cli train --template unet-clumps --target mask (or bulge-disk)"));
    studio_ = new QPushButton(tr("Use studio model"));
    studio_->setToolTip(tr("The network trained in the studio (images in, images of the same size out)"));
    modelLabel_ = new QLabel(tr("No model: open a run or use the studio's model."));
    modelRow->addWidget(open_);
    modelRow->addWidget(studio_);
    modelRow->addWidget(modelLabel_, 1);
    layout->addLayout(modelRow);

    auto* dataRow = new QHBoxLayout;
    source_ = new QComboBox;
    source_->addItem(tr("Simulated (held out)"));
    source_->addItem(tr("Data panel (validation)"));
    source_->setToolTip(tr("Simulate galaxies with their true targets, or use the Data panel's set when its targets are images"));
    count_ = new QSpinBox;
    count_->setRange(1, 2000);
    count_->setValue(64);
    count_->setToolTip(tr("Galaxies to simulate"));
    seed_ = new QSpinBox;
    seed_->setRange(0, 1000000);
    seed_->setValue(9001);
    seed_->setToolTip(tr("Simulation seed: choose one the model did not train on"));
    evaluate_ = new QPushButton(tr("Evaluate"));
    sort_ = new QComboBox;
    sort_->addItem(tr("Worst first"));
    sort_->addItem(tr("Best first"));
    sort_->addItem(tr("By index"));
    dataRow->addWidget(new QLabel(tr("Images")));
    dataRow->addWidget(source_);
    dataRow->addWidget(new QLabel(tr("count")));
    dataRow->addWidget(count_);
    dataRow->addWidget(new QLabel(tr("seed")));
    dataRow->addWidget(seed_);
    dataRow->addWidget(evaluate_);
    dataRow->addStretch(1);
    dataRow->addWidget(new QLabel(tr("Sort")));
    dataRow->addWidget(sort_);
    layout->addLayout(dataRow);

    auto* split = new QSplitter(Qt::Horizontal);
    list_ = new QTableWidget;
    list_->setSelectionBehavior(QAbstractItemView::SelectRows);
    list_->setSelectionMode(QAbstractItemView::SingleSelection);
    list_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    list_->verticalHeader()->setVisible(false);
    list_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    list_->setMinimumWidth(190);
    split->addWidget(list_);
    auto* centre = new QWidget;
    auto* cl = new QVBoxLayout(centre);
    cl->setContentsMargins(0, 0, 0, 0);
    tiles_ = new widgets::ImageTileGrid;
    tiles_->setMinimumTileSize(140);
    // From the sky (median) to the brightest pixels: the galaxy, not the noise, fills the grey range.
    IntervalSpec interval;
    interval.kind = IntervalKind::Percentile;
    interval.lowerPercent = 50.0;
    interval.upperPercent = 99.8;
    tiles_->setInterval(interval);
    tiles_->setStretch(StretchSpec{DisplayStretch::Sqrt, 0.0});
    cl->addWidget(tiles_, 1);
    metrics_ = new QLabel;
    metrics_->setWordWrap(true);
    metrics_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    cl->addWidget(metrics_);
    split->addWidget(centre);
    auto* right = new QSplitter(Qt::Vertical);
    scatter_ = new QCustomPlot;
    scatter_->setMinimumSize(220, 200);
    scatter_->xAxis->setLabel(tr("true B/T"));
    scatter_->yAxis->setLabel(tr("predicted B/T"));
    scatter_->addGraph();  // all images
    scatter_->graph(0)->setLineStyle(QCPGraph::lsNone);
    scatter_->graph(0)->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, QColor(40, 100, 200), 5));
    scatter_->addGraph();  // the selected image
    scatter_->graph(1)->setLineStyle(QCPGraph::lsNone);
    scatter_->graph(1)->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, QPen(QColor(255, 140, 0), 2.5), QBrush(), 12));
    auto* diagonal = new QCPItemStraightLine(scatter_);
    diagonal->point1->setCoords(0, 0);
    diagonal->point2->setCoords(1, 1);
    diagonal->setPen(QPen(Qt::gray, 1, Qt::DashLine));
    scatter_->plotLayout()->insertRow(0);
    scatter_->plotLayout()->addElement(0, 0, new QCPTextElement(scatter_, tr("bulge-to-total ratio")));
    right->addWidget(scatter_);
    diceHistogram_ = new widgets::HistogramView;
    diceHistogram_->setLogCounts(false);
    diceHistogram_->setMinimumHeight(150);
    right->addWidget(diceHistogram_);
    split->addWidget(right);
    split->setStretchFactor(1, 1);
    split->setSizes({250, 690, 260});
    layout->addWidget(split, 1);
    status_ = new QLabel;
    status_->setWordWrap(true);
    layout->addWidget(status_);
    scatter_->setVisible(false);
    diceHistogram_->setVisible(false);

    connect(open_, &QPushButton::clicked, this, &ImageToImagePanel::openRunDialog);
    connect(studio_, &QPushButton::clicked, this, &ImageToImagePanel::useStudioModel);
    connect(evaluate_, &QPushButton::clicked, this, &ImageToImagePanel::evaluate);
    connect(sort_, &QComboBox::currentIndexChanged, this, [this](int i) {
        setSortOrder(i == 0 ? SortOrder::WorstFirst : i == 1 ? SortOrder::BestFirst : SortOrder::Index);
    });
    connect(list_, &QTableWidget::currentCellChanged, this, [this](int row, int, int, int) {
        if (row < 0) return;
        if (QTableWidgetItem* it = list_->item(row, 0)) {
            selected_ = it->data(Qt::UserRole).toInt();
            showSelected();
        }
    });
}

QString ImageToImagePanel::statusText() const { return status_->text(); }
QString ImageToImagePanel::metricsText() const { return metrics_->text(); }

void ImageToImagePanel::openRunDialog() {
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Open a U-Net or bulge/disk run folder"));
    if (!dir.isEmpty() && openRun(dir)) evaluate();
}

bool ImageToImagePanel::openRun(const QString& path) {
    try {
        ImageModel m = imageModelFromRun(path.toStdString());
        m.name = QFileInfo(path).fileName().toStdString();
        setModel(std::move(m));
        return true;
    } catch (const std::exception& e) {
        status_->setText(tr("Cannot open the run: %1").arg(QString::fromUtf8(e.what())));
        return false;
    }
}

bool ImageToImagePanel::useStudioModel() {
    try {
        auto g = studioModel_ ? studioModel_() : nullptr;
        if (!g) throw InputError("the studio has no trained model yet: train one in the Train panel, or open a run");
        setModel(imageModelFromGraph(g, "studio model"));
        return true;
    } catch (const std::exception& e) {
        status_->setText(tr("Cannot use the studio model: %1").arg(QString::fromUtf8(e.what())));
        return false;
    }
}

void ImageToImagePanel::setModel(ImageModel model) {
    model_ = std::move(model);
    pairs_ = ImagePairs{};
    scores_ = ImageScores{};
    selected_ = -1;
    const Shape in = model_.graph->inputShapes()[0], out = model_.graph->outputShapes()[0];
    modelLabel_->setText(tr("<b>%1</b> · target %2 · %3 → %4")
                             .arg(QString::fromStdString(model_.name))
                             .arg(QString::fromStdString(model_.target))
                             .arg(QString::fromStdString(toString(in)))
                             .arg(QString::fromStdString(toString(out))));
    status_->setText(tr("Model ready: press Evaluate."));
    showScores();
}

void ImageToImagePanel::setSimulation(int count, int seed) {
    count_->setValue(count);
    seed_->setValue(seed);
    source_->setCurrentIndex(0);
}

void ImageToImagePanel::setUseDataPanel(bool on) { source_->setCurrentIndex(on ? 1 : 0); }

bool ImageToImagePanel::evaluate() {
    if (!model_.graph) {
        status_->setText(tr("No model: open a run or use the studio's model."));
        return false;
    }
    if (task_->isRunning()) return false;
    std::shared_ptr<const Dataset> data;
    if (source_->currentIndex() == 1) {
        data = data_ ? data_() : nullptr;
        if (!data || data->targetShape().size() != 3) {
            status_->setText(tr("The Data panel has no images with image targets; simulate them here instead."));
            return false;
        }
    }
    auto graph = std::make_shared<Graph>(model_.graph->clone());  // the worker's own copy
    const ImageModel model = model_;
    const int count = count_->value();
    const std::uint64_t seed = std::uint64_t(seed_->value());
    pendingPairs_ = std::make_shared<ImagePairs>();
    pendingScores_ = std::make_shared<ImageScores>();
    auto pairs = pendingPairs_;
    auto scores = pendingScores_;
    evaluate_->setEnabled(false);
    task_->start(tr("Evaluating"), [=](const BackgroundTask::Progress& progress, const std::atomic<bool>& cancel) {
        try {
            progress(0, count);
            *pairs = data ? pairsFromDataset(*data, count) : simulatePairs(model, count, seed);
            if (cancel) return QString();
            *scores = scoreImagePairs(*graph, model, *pairs);
            progress(count, count);
        } catch (const std::exception& e) {
            return QString::fromUtf8(e.what());
        }
        return QString();
    });
    return true;
}

void ImageToImagePanel::waitForEvaluation() { task_->waitAndDeliver(); }

void ImageToImagePanel::setSortOrder(SortOrder order) {
    order_ = order;
    const QSignalBlocker block(sort_);
    sort_->setCurrentIndex(order == SortOrder::WorstFirst ? 0 : order == SortOrder::BestFirst ? 1 : 2);
    fillList();
}

std::vector<int> ImageToImagePanel::browseOrder() const {
    std::vector<int> idx(std::size_t(std::max(0, imageCount())));
    std::iota(idx.begin(), idx.end(), 0);
    if (order_ == SortOrder::Index || scores_.score.size() != idx.size()) return idx;
    // Worst first: lowest Dice, or largest error. NaN scores go last.
    const bool ascending = (order_ == SortOrder::WorstFirst) == scores_.higherIsBetter;
    const auto& s = scores_.score;
    std::stable_sort(idx.begin(), idx.end(), [&](int a, int b) {
        const double x = s[std::size_t(a)], y = s[std::size_t(b)];
        if (std::isnan(x) != std::isnan(y)) return std::isnan(y);
        return ascending ? x < y : x > y;
    });
    return idx;
}

void ImageToImagePanel::showScores() {
    const bool bt = model_.target == "bulge-disk" && !scores_.btTrue.empty();
    const bool seg = model_.segmentation() && !scores_.dice.empty();
    scatter_->setVisible(bt);
    diceHistogram_->setVisible(seg);
    scatter_->graph(0)->data()->clear();
    scatter_->graph(1)->data()->clear();
    if (bt) {
        QVector<double> x(scores_.btTrue.begin(), scores_.btTrue.end()), y(scores_.btPredicted.begin(), scores_.btPredicted.end());
        scatter_->graph(0)->setData(x, y);
        scatter_->xAxis->setRange(0, 1);
        scatter_->yAxis->setRange(-0.05, 1.05);
        if (auto* title = qobject_cast<QCPTextElement*>(scatter_->plotLayout()->element(0, 0)))
            title->setText(tr("bulge-to-total ratio, Pearson r = %1").arg(pearson(scores_.btPredicted, scores_.btTrue), 0, 'f', 3));
        scatter_->replot(QCustomPlot::rpQueuedReplot);
    }
    if (seg) {
        std::vector<float> d(scores_.dice.begin(), scores_.dice.end());
        diceHistogram_->setHistogram(widgets::computeHistogram(d.data(), d.size(), nullptr, 20), tr("Dice per image"));
        diceHistogram_->plot()->yAxis->setLabel(tr("images"));
        diceHistogram_->plot()->replot(QCustomPlot::rpQueuedReplot);
    }
    if (imageCount() > 0) {
        double mean = 0;
        for (double v : scores_.score) mean += std::isfinite(v) ? v : 0;
        mean /= std::max(1, imageCount());
        status_->setText(tr("%1 images · mean %2 %3").arg(imageCount()).arg(seg ? tr("Dice") : bt ? tr("|ΔB/T|") : tr("MSE")).arg(mean, 0, 'f', 4));
    }
    fillList();
}

void ImageToImagePanel::fillList() {
    const QSignalBlocker block(list_);
    list_->clear();
    const bool seg = model_.segmentation() && !scores_.dice.empty();
    const bool bt = model_.target == "bulge-disk" && !scores_.btTrue.empty();
    QStringList headers{tr("image")};
    if (seg) headers << tr("Dice") << tr("IoU");
    else if (bt) headers << tr("B/T true") << tr("B/T pred") << tr("|Δ|");
    else headers << tr("MSE");
    list_->setColumnCount(int(headers.size()));
    list_->setHorizontalHeaderLabels(headers);
    const std::vector<int> order = browseOrder();
    list_->setRowCount(int(order.size()));
    int currentRow = -1;
    for (int r = 0; r < int(order.size()); ++r) {
        const std::size_t i = std::size_t(order[std::size_t(r)]);
        auto* first = new QTableWidgetItem(QString("#%1").arg(i));
        first->setData(Qt::UserRole, int(i));
        list_->setItem(r, 0, first);
        auto num = [&](int col, double v) { list_->setItem(r, col, new QTableWidgetItem(QString::number(v, 'f', 3))); };
        if (seg) num(1, scores_.dice[i]), num(2, scores_.iou[i]);
        else if (bt) num(1, scores_.btTrue[i]), num(2, scores_.btPredicted[i]), num(3, scores_.score[i]);
        else if (i < scores_.mse.size()) num(1, scores_.mse[i]);
        if (int(i) == selected_) currentRow = r;
    }
    if (currentRow < 0 && !order.empty()) {
        currentRow = 0;
        selected_ = order.front();
    }
    if (currentRow >= 0) list_->setCurrentCell(currentRow, 0);
    showSelected();
}

void ImageToImagePanel::selectImage(int index) {
    if (index < 0 || index >= imageCount()) return;
    selected_ = index;
    fillList();
}

Tensor ImageToImagePanel::input(int i) const { return sampleAsBatch(pairs_.inputs, i); }
Tensor ImageToImagePanel::target(int i) const { return sampleAsBatch(pairs_.targets, i); }
Tensor ImageToImagePanel::prediction(int i) const { return sampleAsBatch(scores_.predictions, i); }

void ImageToImagePanel::showSelected() {
    const int i = selected_;
    if (i < 0 || i >= imageCount() || scores_.predictions.batch() != imageCount()) {
        tiles_->clear();
        metrics_->clear();
        return;
    }
    const int c = pairs_.inputs.dim(1), co = scores_.predictions.dim(1);
    const Tensor x = channels(pairs_.inputs, i, 0, c);
    std::vector<widgets::ImageTile> t;
    const std::size_t k = std::size_t(i);
    if (model_.segmentation()) {
        const Tensor pred = channels(scores_.predictions, i, 0, co), truth = channels(pairs_.targets, i, 0, co);
        widgets::ImageTile in = tile(x, tr("input + predicted mask"));
        in.mask = pred;
        t.push_back(std::move(in));
        widgets::ImageTile gt = tile(x, tr("input + true mask"));
        gt.mask = truth;
        t.push_back(std::move(gt));
        t.push_back(tile(truth, tr("ground truth")));
        t.push_back(tile(pred, tr("prediction")));
        widgets::ImageTile res = tile(summedDifference(pred, truth), tr("residual (prediction − truth)"));
        res.signedValues = true;
        res.signedLimit = 1.0f;
        t.push_back(std::move(res));
        tiles_->setColumns(3);
        metrics_->setText(tr("Image #%1: Dice %2 · IoU %3 (threshold 0.5) · true mask %4 px · predicted %5 px")
                              .arg(i)
                              .arg(scores_.dice[k], 0, 'f', 3)
                              .arg(scores_.iou[k], 0, 'f', 3)
                              .arg(std::count_if(truth.data(), truth.data() + truth.size(), [](float v) { return v > 0.5f; }))
                              .arg(std::count_if(pred.data(), pred.data() + pred.size(), [](float v) { return v > 0.5f; })));
    } else if (model_.target == "bulge-disk" && co % 2 == 0) {
        const int h = co / 2;
        const Tensor bulge = channels(scores_.predictions, i, 0, h), disk = channels(scores_.predictions, i, h, h);
        Tensor model = bulge;
        for (std::size_t p = 0; p < model.size(); ++p) model[p] += disk[p];
        t.push_back(tile(x, tr("input")));
        t.push_back(tile(bulge, tr("predicted bulge")));
        t.push_back(tile(disk, tr("predicted disk")));
        widgets::ImageTile res = tile(summedDifference(x.shape() == model.shape() ? x : model, model),
                                      tr("residual (input − bulge − disk)"));
        res.signedValues = true;
        t.push_back(std::move(res));
        t.push_back(tile(channels(pairs_.targets, i, 0, h), tr("true bulge")));
        t.push_back(tile(channels(pairs_.targets, i, h, h), tr("true disk")));
        tiles_->setColumns(3);
        metrics_->setText(tr("Image #%1: B/T true %2 · predicted %3 · MSE %4")
                              .arg(i)
                              .arg(scores_.btTrue[k], 0, 'f', 3)
                              .arg(scores_.btPredicted[k], 0, 'f', 3)
                              .arg(scores_.mse[k], 0, 'g', 4));
        scatter_->graph(1)->setData(QVector<double>{scores_.btTrue[k]}, QVector<double>{scores_.btPredicted[k]});
        scatter_->replot(QCustomPlot::rpQueuedReplot);
    } else {
        const Tensor pred = channels(scores_.predictions, i, 0, co), truth = channels(pairs_.targets, i, 0, co);
        t.push_back(tile(x, tr("input")));
        t.push_back(tile(truth, tr("ground truth")));
        t.push_back(tile(pred, tr("prediction")));
        widgets::ImageTile res = tile(summedDifference(pred, truth), tr("residual (prediction − truth)"));
        res.signedValues = true;
        t.push_back(std::move(res));
        tiles_->setColumns(4);
        metrics_->setText(tr("Image #%1: MSE %2").arg(i).arg(scores_.mse[k], 0, 'g', 4));
    }
    tiles_->setTiles(std::move(t));
}

}  // namespace deepfield::app
