#include "latent_panel.h"

#include <qcustomplot.h>

#include <QCoreApplication>
#include <QFileInfo>
#include <QThread>
#include <QTimer>
#include <cmath>

#include "core/error.h"
#include "latent/latent_image.h"
#include "latent/latent_model.h"
#include "latent/latest_decoder.h"
#include "latent_scatter.h"
#include "panels/data_panel.h"
#include "tasks/background_task.h"

namespace deepfield::app {

namespace {
enum Tag { kProbe = 0, kGrid = 1, kPath = 2 };

Tensor rowsOf(const std::vector<std::vector<float>>& rows) {
    const int n = int(rows.size()), d = n ? int(rows[0].size()) : 0;
    Tensor z({n, d});
    for (int i = 0; i < n; ++i) std::copy(rows[std::size_t(i)].begin(), rows[std::size_t(i)].end(), z.sample(i));
    return z;
}
}  // namespace

LatentPanel::LatentPanel(DataPanel* data, QWidget* parent)
    : QWidget(parent),
      data_(data),
      trainTask_(new BackgroundTask(this)),
      encodeTask_(new BackgroundTask(this)),
      projectTask_(new BackgroundTask(this)),
      probeDecoder_(new LatestDecoder(this)),
      gridDecoder_(new LatestDecoder(this)),
      pathDecoder_(new LatestDecoder(this)),
      gridTimer_(new QTimer(this)),
      lossQueue_(std::make_shared<std::vector<VaeTrainProgress>>()) {
    buildUi();
    gridTimer_->setSingleShot(true);
    gridTimer_->setInterval(150);  // the view settles before the grid is decoded again
    connect(gridTimer_, &QTimer::timeout, this, &LatentPanel::requestGrid);
    for (LatestDecoder* d : {probeDecoder_, gridDecoder_, pathDecoder_})
        connect(d, &LatestDecoder::decoded, this, &LatentPanel::onDecoded);
    connect(scatter_, &widgets::LatentScatter::pointHovered, this, [this](int i, const QPoint&) { hoverPoint(i); });
    connect(scatter_, &widgets::LatentScatter::clicked, this, &LatentPanel::clickAt);
    connect(scatter_, &widgets::LatentScatter::probeDragged, this, [this](const QPointF& v) { decodeAt(v, -1); });
    connect(scatter_, &widgets::LatentScatter::viewChanged, this, [this] {
        if (gridBox_->isChecked()) gridTimer_->start();
    });

    // New images in the Data panel are encoded by the current model.
    connect(data_, &DataPanel::datasetChanged, this, [this] {
        if (model_ && data_->dataset()) {
            projectTask_->cancel();
            projectTask_->waitForFinished();
            projected_.reset();
            selection_.clear();
            codes_ = LatentCodes{};
            projection_ = Projection();
            startEncoding();
        }
    });
    connect(trainTask_, &BackgroundTask::progressed, this, [this](const QString&, int done, int total) {
        progress_->setRange(0, total);
        progress_->setValue(done);
    });
    connect(trainTask_, &BackgroundTask::finished, this, [this](const QString& error, bool cancelled) {
        trainButton_->setEnabled(true);
        openButton_->setEnabled(true);
        cancelButton_->setEnabled(false);
        if (!error.isEmpty() || !trained_) {
            setStatus(tr("Training failed: %1").arg(error.isEmpty() ? tr("no model") : error));
            return;
        }
        setModel(LatentModel::fromVae(std::move(*trained_), cancelled ? "VAE trained here (cancelled early)" : "VAE trained here"));
        trained_.reset();
    });
    connect(encodeTask_, &BackgroundTask::progressed, this, [this](const QString&, int done, int total) {
        progress_->setRange(0, total);
        progress_->setValue(done);
    });
    connect(encodeTask_, &BackgroundTask::finished, this, [this](const QString& error, bool cancelled) {
        // A newer encoding replaced this one, or its result was taken already.
        if (encodeTask_->isRunning() || !encodedCodes_) return;
        if (!error.isEmpty() || cancelled) {
            encodedCodes_.reset();
            setStatus(cancelled ? tr("Encoding cancelled.") : tr("Encoding failed: %1").arg(error));
            return;
        }
        codes_ = std::move(*encodedCodes_);
        numeric_ = std::move(*encodedNumeric_);
        encodedCodes_.reset();
        projection_ = Projection();  // computed afresh for these codes by showCodes()
        setStatus(tr("%1 images encoded to a %2-D latent space by %3.")
                      .arg(codes_.mu.batch())
                      .arg(model_->latentDim())
                      .arg(QString::fromStdString(model_->origin())));
        showCodes();
        emit encoded();
    });
    connect(projectTask_, &BackgroundTask::progressed, this, [this](const QString&, int done, int total) {
        progress_->setRange(0, total);
        progress_->setValue(done);
    });
    connect(projectTask_, &BackgroundTask::finished, this, [this](const QString& error, bool cancelled) {
        if (projectTask_->isRunning() || !projected_) return;  // replaced by a newer projection, or taken
        if (!error.isEmpty() || cancelled) {
            projected_.reset();
            setStatus(cancelled ? tr("Projection cancelled.") : tr("Projection failed: %1").arg(error));
            return;
        }
        projection_ = std::move(*projected_);
        projected_.reset();
        if (projection_.points.batch() != codes_.mu.batch()) return;  // codes changed meanwhile
        showCodes();
    });
}

LatentPanel::~LatentPanel() {
    for (BackgroundTask* t : {trainTask_, encodeTask_, projectTask_}) t->cancel();
    for (BackgroundTask* t : {trainTask_, encodeTask_, projectTask_}) t->waitForFinished();
}

VaeTrainSettings LatentPanel::trainSettings() const {
    VaeTrainSettings s;
    s.latent = latentDim_->value();
    s.beta = float(beta_->value());
    s.epochs = epochs_->value();
    s.klWarmupEpochs = klWarmup_->value();
    s.learningRate = learningRate_->value();
    s.imageSize = imageSize_->value();
    s.baseFilters = baseFilters_->value();
    s.grey = grey_->isChecked();
    return s;
}

void LatentPanel::setTrainSettings(const VaeTrainSettings& s) {
    latentDim_->setValue(s.latent);
    beta_->setValue(s.beta);
    epochs_->setValue(s.epochs);
    klWarmup_->setValue(s.klWarmupEpochs);
    learningRate_->setValue(s.learningRate);
    imageSize_->setValue(s.imageSize);
    baseFilters_->setValue(s.baseFilters);
    grey_->setChecked(s.grey);
}

void LatentPanel::trainVae(const VaeTrainSettings& s) {
    const auto data = data_->dataset();
    if (!data) return setStatus(tr("Load images in the Data panel first (simulated galaxies or an image folder)."));
    if (isBusy()) return setStatus(tr("Busy: wait for the current work or cancel it."));
    try {
        vaeInputShape(data->inputShape(), s);
    } catch (const std::exception& e) {
        return setStatus(QString::fromStdString(e.what()));
    }
    lossPlot_->graph(0)->data()->clear();
    lossPlot_->graph(1)->data()->clear();
    lossPlot_->replot();
    trained_ = std::make_shared<VaeModel>();
    auto out = trained_;
    auto last = std::make_shared<QElapsedTimer>();
    last->start();
    QPointer<LatentPanel> self(this);
    trainButton_->setEnabled(false);
    openButton_->setEnabled(false);
    cancelButton_->setEnabled(true);
    setStatus(tr("Training a %1-D VAE (β = %2) for %3 epochs…").arg(s.latent).arg(s.beta).arg(s.epochs));
    trainTask_->start(tr("Training VAE"), [data, s, out, last, self](const BackgroundTask::Progress& progress,
                                                                    const std::atomic<bool>& cancel) -> QString {
        auto report = [&](const VaeTrainProgress& p) {
            if (!p.epochEnd) progress((p.epoch - 1) * p.batchesPerEpoch + p.batch, p.epochs * p.batchesPerEpoch);
            // At most ~10 batch updates a second reach the UI, plus every epoch's mean.
            if (!p.epochEnd) {
                if (last->elapsed() < 100) return;
                last->restart();
            }
            QMetaObject::invokeMethod(self.data(), [self, p] { if (self) self->appendLoss(p); }, Qt::QueuedConnection);
        };
        try {
            *out = deepfield::app::trainVae(data, s, report, cancel);
        } catch (const std::exception& e) {
            return QString::fromStdString(e.what());
        }
        return QString();
    });
}

void LatentPanel::appendLoss(const VaeTrainProgress& p) {
    const double x = p.epochEnd ? p.epoch : p.epoch - 1 + double(p.batch) / std::max(1, p.batchesPerEpoch);
    // Batch values as they come (throttled) and every epoch's mean, so short epochs show too.
    lossPlot_->graph(0)->addData(x, p.reconstruction);
    lossPlot_->graph(1)->addData(x, p.betaKl);
    lossPlot_->rescaleAxes();
    lossPlot_->replot(QCustomPlot::rpQueuedReplot);
    if (p.epochEnd)
        setStatus(tr("Epoch %1/%2: reconstruction %3, β·KL %4").arg(p.epoch).arg(p.epochs).arg(p.reconstruction, 0, 'f', 2).arg(p.betaKl, 0, 'f', 2));
}

bool LatentPanel::openRun(const QString& folder) {
    if (isBusy()) {
        setStatus(tr("Busy: wait for the current work or cancel it."));
        return false;
    }
    try {
        setModel(LatentModel::openRun(folder.toStdString()));
        return true;
    } catch (const std::exception& e) {
        setStatus(tr("Cannot open the run: %1").arg(QString::fromStdString(e.what())));
        return false;
    }
}

void LatentPanel::setModel(std::shared_ptr<LatentModel> model) {
    model_ = std::move(model);
    // Codes and projections of the previous model must not be shown with this one.
    projectTask_->cancel();
    projectTask_->waitForFinished();
    projected_.reset();
    codes_ = LatentCodes{};
    projection_ = Projection();
    scatter_->setPoints({}, {});
    scatter_->setTiles({});
    selection_.clear();
    hovered_ = -1;
    for (LatestDecoder* d : {probeDecoder_, gridDecoder_, pathDecoder_}) d->setModel(model_);
    axisXBox_->clear();
    axisYBox_->clear();
    const int dim = model_ ? model_->latentDim() : 0;
    for (int j = 0; j < std::min(dim, 64); ++j) {
        axisXBox_->addItem(QString("z%1").arg(j));
        axisYBox_->addItem(QString("z%1").arg(j));
    }
    axisYBox_->setCurrentIndex(std::min(1, dim - 1));
    // Wide codes start in PCA; a 2-D latent shows its own axes.
    projectionBox_->setCurrentIndex(dim > 2 ? 1 : 0);
    emit modelReady();
    startEncoding();
}

void LatentPanel::startEncoding() {
    const auto data = data_->dataset();
    if (!model_ || !data) return setStatus(tr("Load images in the Data panel to encode them."));
    try {
        adapted_ = model_->adapt(data);
    } catch (const std::exception& e) {
        return setStatus(QString::fromStdString(e.what()));
    }
    encodeTask_->cancel();  // a new dataset or model replaces an encoding in progress
    encodeTask_->waitForFinished();
    auto worker = model_->clone();
    auto adapted = adapted_;
    const Json source = data_->source();
    encodedCodes_ = std::make_shared<LatentCodes>();
    encodedNumeric_ = std::make_shared<NumericLabels>();
    auto codes = encodedCodes_;
    auto numeric = encodedNumeric_;
    auto targets = std::make_shared<std::vector<float>>();
    setStatus(tr("Encoding %1 images…").arg(data->size()));
    encodeTask_->start(tr("Encoding"), [=](const BackgroundTask::Progress& progress, const std::atomic<bool>& cancel) -> QString {
        try {
            *codes = worker->encode(*adapted, progress, &cancel, targets.get());
            try {
                *numeric = numericLabels(source, *data, cancel);
            } catch (const std::exception&) {  // colouring by class still works
            }
            (*numeric)["class index"] = std::vector<double>(targets->begin(), targets->end());
        } catch (const std::exception& e) {
            return QString::fromStdString(e.what());
        }
        return QString();
    });
}

void LatentPanel::showCodes() {
    const int n = codes_.mu.batch();
    if (n == 0 || projection_.points.batch() != n) {
        setProjection(projectionBox_->currentIndex(), axisXBox_->currentIndex(), axisYBox_->currentIndex());
        return;
    }
    QVector<double> x(n), y(n);
    for (int i = 0; i < n; ++i) x[i] = projection_.points.sample(i)[0], y[i] = projection_.points.sample(i)[1];
    scatter_->setPoints(x, y);
    if (projection_.mode == Projection::Mode::Axes)
        scatter_->setAxisLabels(QString("μ z%1").arg(projection_.axisX), QString("μ z%1").arg(projection_.axisY));
    else if (projection_.mode == Projection::Mode::Pca)
        scatter_->setAxisLabels(tr("PC 1 of μ"), tr("PC 2 of μ"));
    else
        scatter_->setAxisLabels(tr("t-SNE 1"), tr("t-SNE 2"));
    const QString colour = colourBox_->currentText();
    colourBox_->blockSignals(true);
    colourBox_->clear();
    colourBox_->addItems(colourings());
    colourBox_->setCurrentIndex(std::max(0, colourBox_->findText(colour)));
    colourBox_->blockSignals(false);
    applyColouring();
    scatter_->rescaleToPoints();
    updateSelection();
    gridBox_->setEnabled(projection_.invertible());
    if (gridBox_->isChecked()) requestGrid();
}

void LatentPanel::setProjection(int mode, int axisX, int axisY) {
    projectionBox_->blockSignals(true);
    projectionBox_->setCurrentIndex(mode);
    projectionBox_->blockSignals(false);
    if (codes_.mu.batch() == 0) return;
    const int d = codes_.mu.dim(1);
    if (mode == 0 || d < 2) {
        projection_ = projectAxes(codes_.mu, std::clamp(axisX, 0, d - 1), std::clamp(d < 2 ? 0 : axisY, 0, d - 1));
        showCodes();
        return;
    }
    projectTask_->cancel();
    projectTask_->waitForFinished();
    projected_ = std::make_shared<Projection>();
    auto out = projected_;
    const Tensor mu = codes_.mu;
    setStatus(mode == 1 ? tr("Computing PCA…") : tr("Computing t-SNE of %1 points…").arg(mu.batch()));
    projectTask_->start(mode == 1 ? tr("PCA") : tr("t-SNE"),
                        [out, mu, mode](const BackgroundTask::Progress& progress, const std::atomic<bool>& cancel) -> QString {
                            try {
                                *out = mode == 1 ? projectPca(mu) : projectTsne(mu, progress, &cancel);
                            } catch (const std::exception& e) {
                                return QString::fromStdString(e.what());
                            }
                            return QString();
                        });
}

QStringList LatentPanel::colourings() const {
    QStringList names{"class"};
    for (const auto& [name, v] : numeric_)
        if (name != "class index") names << QString::fromStdString(name);
    if (model_ && model_->hasSigma()) names << "mean σ";
    return names;
}

void LatentPanel::setColouring(const QString& name) {
    colourBox_->setCurrentIndex(std::max(0, colourBox_->findText(name)));
    applyColouring();
}

void LatentPanel::applyColouring() {
    const QString name = colourBox_->currentText();
    const int n = codes_.mu.batch();
    if (name == "mean σ") {
        std::vector<double> v(std::size_t(n), 0.0);
        for (int i = 0; i < n; ++i) {
            for (int j = 0; j < codes_.sigma.dim(1); ++j) v[std::size_t(i)] += codes_.sigma.sample(i)[j];
            v[std::size_t(i)] /= codes_.sigma.dim(1);
        }
        scatter_->setValueColouring(v, name);
    } else if (name != "class" && numeric_.count(name.toStdString())) {
        scatter_->setValueColouring(numeric_.at(name.toStdString()), name);
    } else {
        classes_.assign(std::size_t(n), -1);
        const QStringList names = data_->classNames();
        if (numeric_.count("class index") && !names.isEmpty())
            for (int i = 0; i < n; ++i) classes_[std::size_t(i)] = int(numeric_.at("class index")[std::size_t(i)]);
        scatter_->setClassColouring(classes_, names);
    }
}

void LatentPanel::hoverPoint(int index) {
    hovered_ = index;
    if (index < 0 || !adapted_ || index >= adapted_->size()) {
        hoverLabel_->setText(tr("Hover a point"));
        hoverCaption_->clear();
        return;
    }
    Tensor x, y;
    adapted_->batch({index}, x, y);
    hoverImage_ = latentImage(x, 0);
    hoverLabel_->setPixmap(QPixmap::fromImage(hoverImage_.scaled(128, 128, Qt::KeepAspectRatio, Qt::SmoothTransformation)));
    const QStringList names = data_->classNames();
    const int c = std::size_t(index) < classes_.size() ? classes_[std::size_t(index)] : -1;
    hoverCaption_->setText(tr("galaxy %1%2  μ = (%3, %4)")
                               .arg(index)
                               .arg(c >= 0 && c < names.size() ? " · " + names[c] : QString())
                               .arg(projection_.points.sample(index)[0], 0, 'f', 2)
                               .arg(projection_.points.sample(index)[1], 0, 'f', 2));
}

std::vector<float> LatentPanel::latentAt(const QPointF& plane) const {
    if (!model_) return {};
    return projection_.toLatent(plane, model_->latentDim());
}

void LatentPanel::clickAt(const QPointF& plane, int nearest) {
    if (nearest >= 0) {
        selection_.removeAll(nearest);
        selection_.push_back(nearest);
        while (selection_.size() > 2) selection_.pop_front();
        updateSelection();
    }
    scatter_->setProbe(plane);
    decodeAt(plane, nearest);
}

void LatentPanel::decodeAt(const QPointF& plane, int nearest) {
    if (!model_) return;
    std::vector<float> z = latentAt(plane);
    if (z.empty() && nearest >= 0 && nearest < codes_.mu.batch())  // t-SNE: no inverse, the galaxy's own μ
        z.assign(codes_.mu.sample(nearest), codes_.mu.sample(nearest) + codes_.mu.dim(1));
    if (z.empty()) return setStatus(tr("t-SNE has no inverse: click a point to decode its μ, or switch to axes or PCA."));
    probeDecoder_->request(rowsOf({z}), kProbe);
}

void LatentPanel::updateSelection() {
    QVector<QPointF> sigmas;
    if (model_ && model_->hasSigma())
        for (int i : selection_) sigmas.push_back(projection_.sigmaInPlane(codes_.sigma, i));
    scatter_->setSelection(selection_, sigmas);
    if (selection_.size() == 2 && model_) {
        const int steps = pathSteps_->value(), d = codes_.mu.dim(1);
        std::vector<std::vector<float>> rows;
        for (int s = 0; s < steps; ++s) {
            const float t = float(s) / float(steps - 1);
            std::vector<float> z(static_cast<std::size_t>(d), 0.0f);
            for (int j = 0; j < d; ++j)
                z[std::size_t(j)] = (1 - t) * codes_.mu.sample(selection_[0])[j] + t * codes_.mu.sample(selection_[1])[j];
            rows.push_back(std::move(z));
        }
        pathDecoder_->request(rowsOf(rows), kPath);
    }
}

void LatentPanel::requestGrid() {
    if (!model_ || !gridBox_->isChecked() || !projection_.invertible() || codes_.mu.batch() == 0) {
        scatter_->setTiles({});
        return;
    }
    const QRectF r = scatter_->visibleRegion();
    const int steps = gridStepsBox_->value();
    std::vector<std::vector<float>> rows;
    for (int row = 0; row < steps; ++row)  // top row first (high y), as traversalGrid
        for (int c = 0; c < steps; ++c)
            rows.push_back(latentAt({r.left() + (c + 0.5) * r.width() / steps, r.top() + r.height() - (row + 0.5) * r.height() / steps}));
    gridRegion_ = r;
    gridSteps_ = steps;
    gridDecoder_->request(rowsOf(rows), kGrid);
}

void LatentPanel::showGrid(const Tensor& images, const Tensor& z) {
    gridImages_ = images;
    gridZ_ = z;
    std::vector<widgets::LatentTile> tiles;
    const int steps = gridSteps_;
    const double w = gridRegion_.width() / steps, h = gridRegion_.height() / steps;
    for (int row = 0; row < steps; ++row)
        for (int c = 0; c < steps; ++c) {
            const QRectF cell(gridRegion_.left() + c * w + 0.04 * w, gridRegion_.top() + gridRegion_.height() - (row + 1) * h + 0.04 * h,
                              0.92 * w, 0.92 * h);
            tiles.push_back({cell, QPixmap::fromImage(latentImage(images, row * steps + c))});
        }
    scatter_->setTiles(tiles);
}

void LatentPanel::onDecoded(const Tensor& images, const Tensor& z, int tag) {
    if (tag == kProbe) {
        probeZ_ = z;
        probeImage_ = images;
        probeLabel_->setPixmap(QPixmap::fromImage(probeImage().scaled(160, 160, Qt::KeepAspectRatio, Qt::SmoothTransformation)));
        QStringList coords;
        for (int j = 0; j < std::min(z.dim(1), 4); ++j) coords << QString::number(z.sample(0)[j], 'f', 2);
        probeCaption_->setText(tr("decoded at z = (%1%2)  %3 ms")
                                   .arg(coords.join(", "))
                                   .arg(z.dim(1) > 4 ? ", …" : "")
                                   .arg(probeDecoder_->lastMilliseconds(), 0, 'f', 1));
    } else if (tag == kGrid) {
        showGrid(images, z);
    } else {
        interpolation_ = images;
        pathLabel_->setPixmap(QPixmap::fromImage(imageStrip(images, 64)));
    }
}

QImage LatentPanel::probeImage() const { return probeImage_.batch() ? latentImage(probeImage_, 0) : QImage(); }
int LatentPanel::gridTileCount() const { return scatter_->tileCount(); }
double LatentPanel::lastDecodeMilliseconds() const { return probeDecoder_->lastMilliseconds(); }

void LatentPanel::setGridVisible(bool on) {
    gridBox_->setChecked(on);
    requestGrid();
}

void LatentPanel::cancel() {
    for (BackgroundTask* t : {trainTask_, encodeTask_, projectTask_}) t->cancel();
}

bool LatentPanel::isBusy() const {
    return trainTask_->isRunning() || encodeTask_->isRunning() || projectTask_->isRunning();
}

void LatentPanel::waitUntilIdle() {
    for (;;) {
        QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
        if (gridTimer_->isActive()) {
            gridTimer_->stop();
            requestGrid();
        }
        const bool decoding = probeDecoder_->isBusy() || gridDecoder_->isBusy() || pathDecoder_->isBusy();
        if (!isBusy() && !decoding) {
            QCoreApplication::processEvents();
            if (!isBusy() && !probeDecoder_->isBusy() && !gridDecoder_->isBusy() && !pathDecoder_->isBusy()) return;
        }
        QThread::msleep(5);
    }
}

void LatentPanel::setStatus(const QString& text) { status_->setText(text); }
QString LatentPanel::statusText() const { return status_->text(); }
int LatentPanel::lossPointCount() const { return lossPlot_->graph(0)->dataCount(); }

}  // namespace deepfield::app
