#include "panels/generate_panel.h"

#include <algorithm>

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QScrollArea>
#include <QSlider>
#include <QSpinBox>
#include <QSplitter>
#include <QTabWidget>
#include <QVBoxLayout>
#include <cmath>

#include "core/error.h"
#include "generative/anomaly.h"
#include "generative/loop.h"
#include "image_tile_grid.h"
#include "panels/data_panel.h"
#include "panels/generate/anomaly_view.h"
#include "panels/generate/gan_curves.h"
#include "panels/generate/preprocessed_dataset.h"
#include "runs/run_files.h"
#include "tasks/background_task.h"

namespace deepfield::app {

// A model that can rank images by how unusual they are.
struct GeneratePanel::Scorer {
    QString name;
    std::shared_ptr<Graph> critic;  // −critic(x), images in [−1, 1]
    std::shared_ptr<VaeModel> vae;  // reconstruction error, images in [0, 1]
    bool fromSession = false;       // the critic being trained here: only while no training runs
};

namespace {

// Neighbours for the annulus statistic, as `deepfield-cli score --neighbours` defaults to.
constexpr int kAnnulusNeighbours = 20;

QSpinBox* spin(int low, int high, int value, const QString& tip) {
    auto* s = new QSpinBox;
    s->setRange(low, high);
    s->setValue(value);
    s->setToolTip(tip);
    return s;
}

QDoubleSpinBox* dspin(double low, double high, double value, int decimals, double step, const QString& tip) {
    auto* s = new QDoubleSpinBox;
    s->setDecimals(decimals);
    s->setRange(low, high);
    s->setSingleStep(step);
    s->setValue(value);
    s->setToolTip(tip);
    return s;
}

}  // namespace

GeneratePanel::GeneratePanel(DataPanel* data, QWidget* parent)
    : GeneratePanel(DatasetSource([data] { return data ? data->dataset() : nullptr; }), parent) {}

GeneratePanel::GeneratePanel(DatasetSource data, QWidget* parent)
    : QWidget(parent), data_(std::move(data)), session_(new GanSession(this)), rankTask_(new BackgroundTask(this)) {
    build();
    connect(session_, &GanSession::updated, this, &GeneratePanel::onUpdate);
    connect(session_, &GanSession::finished, this, &GeneratePanel::onFinished);
    connect(rankTask_, &BackgroundTask::progressed, this, [this](const QString&, int done, int total) {
        anomalies_->setStatus(tr("Scoring %1 / %2 images…").arg(done).arg(total));
    });
    connect(rankTask_, &BackgroundTask::finished, this, [this](const QString& error, bool cancelled) {
        anomalies_->scoreButton()->setEnabled(true);
        if (cancelled) return anomalies_->setStatus(tr("Ranking cancelled."));
        if (!error.isEmpty()) return anomalies_->setStatus(tr("Ranking failed: %1").arg(error));
        anomalies_->setScores(*rankResult_, rankImages_, rankWhat_);
    });
    connect(anomalies_, &AnomalyView::scoreRequested, this, &GeneratePanel::rankDataset);
    connect(anomalies_->sourceChoice(), &QComboBox::currentIndexChanged, this, &GeneratePanel::updateStatisticChoice);
    updateStatisticChoice();
}

void GeneratePanel::updateStatisticChoice() {
    // Residual statistics apply to a VAE; a critic's score is used as it is.
    const int i = anomalies_->sourceChoice()->currentIndex();
    anomalies_->statisticChoice()->setEnabled(i >= 0 && i < int(scorers_.size()) && scorers_[std::size_t(i)]->vae);
}

GeneratePanel::~GeneratePanel() {
    session_->stop();
    rankTask_->cancel();
    rankTask_->waitForFinished();
}

void GeneratePanel::build() {
    auto* layout = new QHBoxLayout(this);
    auto* split = new QSplitter(Qt::Horizontal);
    layout->addWidget(split);

    // Settings.
    auto* left = new QWidget;
    auto* leftLayout = new QVBoxLayout(left);
    auto* box = new QGroupBox(tr("GAN training"));
    auto* form = new QFormLayout(box);
    kind_ = new QComboBox;
    kind_->addItem("DCGAN", "dcgan");
    kind_->addItem("WGAN (weight clipping)", "wgan");
    kind_->setToolTip(tr("DCGAN: discriminator with cross-entropy (Radford et al. 2016). WGAN: critic estimating the "
                         "Wasserstein distance, weights clipped (Arjovsky et al. 2017)."));
    form->addRow(tr("Model"), kind_);
    criticSteps_ = spin(1, 20, 1, tr("Discriminator/critic updates per generator update (WGAN: n_critic, usually 5)"));
    form->addRow(tr("D steps per G step"), criticSteps_);
    generatorSteps_ = spin(1, 10, 1, tr("Generator updates after each round of critic updates"));
    form->addRow(tr("G steps"), generatorSteps_);
    lrG_ = dspin(1e-6, 1.0, 2e-4, 6, 1e-4, tr("Generator learning rate (Adam β1 0.5 for DCGAN, RMSprop for WGAN)"));
    form->addRow(tr("G learning rate"), lrG_);
    lrD_ = dspin(1e-6, 1.0, 2e-4, 6, 1e-4, tr("Discriminator/critic learning rate"));
    form->addRow(tr("D learning rate"), lrD_);
    smoothing_ = dspin(0.0, 0.5, 0.0, 2, 0.05, tr("DCGAN one-sided label smoothing: real targets 1 − s"));
    form->addRow(tr("Label smoothing"), smoothing_);
    clip_ = dspin(0.0001, 1.0, 0.01, 4, 0.005, tr("WGAN: every critic weight is clipped to [−c, c] after each step"));
    form->addRow(tr("Clipping c"), clip_);
    epochs_ = spin(1, 10000, 20, tr("Passes over the images (each critic step takes one real batch)"));
    form->addRow(tr("Epochs"), epochs_);
    batch_ = spin(1, 1024, 32, tr("Images per batch"));
    form->addRow(tr("Batch"), batch_);
    seed_ = spin(0, 1000000, 0, tr("Weights, shuffling and noise: the same seed gives the same run"));
    form->addRow(tr("Seed"), seed_);
    latent_ = spin(1, 512, 64, tr("Dimension of the noise z"));
    form->addRow(tr("Latent dimension"), latent_);
    filters_ = spin(2, 128, 16, tr("Filters of the first convolution (doubled per level); 32 is the bench architecture"));
    form->addRow(tr("Base filters"), filters_);
    imageSize_ = spin(0, 512, 32, tr("Resize the images to this side before training (0: keep; a multiple of 8)"));
    imageSize_->setSpecialValueText(tr("keep"));
    imageSize_->setSingleStep(8);
    form->addRow(tr("Image size"), imageSize_);
    grey_ = new QCheckBox(tr("Mean of the bands"));
    grey_->setToolTip(tr("Train on one grey channel (faster) instead of every band"));
    form->addRow(tr("Grey"), grey_);
    sampleEvery_ = spin(0, 100000, 0, tr("Generator steps between snapshots of the fixed noise (0: every epoch)"));
    sampleEvery_->setSpecialValueText(tr("each epoch"));
    form->addRow(tr("Snapshot every"), sampleEvery_);
    samples_ = spin(1, 64, 16, tr("Galaxies generated from the fixed noise"));
    form->addRow(tr("Galaxies shown"), samples_);
    leftLayout->addWidget(box);
    auto* buttons = new QHBoxLayout;
    start_ = new QPushButton(tr("Start"));
    pause_ = new QPushButton(tr("Pause"));
    pause_->setCheckable(true);
    stop_ = new QPushButton(tr("Stop"));
    buttons->addWidget(start_);
    buttons->addWidget(pause_);
    buttons->addWidget(stop_);
    leftLayout->addLayout(buttons);
    open_ = new QPushButton(tr("Open run…"));
    open_->setToolTip(tr("A run folder written by deepfield-cli train --model dcgan, wgan or vae-latent"));
    leftLayout->addWidget(open_);
    status_ = new QLabel(tr("Load images in the Data panel, then press Start."));
    status_->setWordWrap(true);
    leftLayout->addWidget(status_);
    leftLayout->addStretch(1);
    auto* leftScroll = new QScrollArea;
    leftScroll->setWidgetResizable(true);
    leftScroll->setWidget(left);
    leftScroll->setMinimumWidth(250);
    split->addWidget(leftScroll);

    // Training view: curves above, generated galaxies and the snapshot slider below.
    tabs_ = new QTabWidget;
    auto* training = new QWidget;
    auto* tl = new QVBoxLayout(training);
    auto* vsplit = new QSplitter(Qt::Vertical);
    curves_ = new GanCurves;
    vsplit->addWidget(curves_);
    auto* samplesBox = new QWidget;
    auto* sl = new QVBoxLayout(samplesBox);
    sl->setContentsMargins(0, 0, 0, 0);
    grid_ = new widgets::ImageTileGrid;
    grid_->setMinimumTileSize(84);
    IntervalSpec unit;
    unit.kind = IntervalKind::Manual;
    unit.manual = Interval{-1.0, 1.0};  // the generator's tanh range: comparable across snapshots
    grid_->setInterval(unit);
    grid_->setStretch(StretchSpec{DisplayStretch::Sqrt, 0.0});
    auto* gridScroll = new QScrollArea;
    gridScroll->setWidgetResizable(true);
    gridScroll->setWidget(grid_);
    sl->addWidget(gridScroll, 1);
    auto* sliderRow = new QHBoxLayout;
    slider_ = new QSlider(Qt::Horizontal);
    slider_->setRange(0, 0);
    slider_->setEnabled(false);
    slider_->setToolTip(tr("Go back through the saved snapshots of the generator"));
    snapshotLabel_ = new QLabel(tr("no snapshots yet"));
    snapshotLabel_->setMinimumWidth(220);
    sliderRow->addWidget(new QLabel(tr("Snapshot")));
    sliderRow->addWidget(slider_, 1);
    sliderRow->addWidget(snapshotLabel_);
    sl->addLayout(sliderRow);
    vsplit->addWidget(samplesBox);
    vsplit->setStretchFactor(0, 2);
    vsplit->setStretchFactor(1, 3);
    tl->addWidget(vsplit);
    tabs_->addTab(training, tr("Training"));
    anomalies_ = new AnomalyView;
    tabs_->addTab(anomalies_, tr("Anomalies"));
    split->addWidget(tabs_);
    split->setStretchFactor(1, 1);

    connect(kind_, &QComboBox::currentIndexChanged, this, &GeneratePanel::onKindChanged);
    connect(start_, &QPushButton::clicked, this, &GeneratePanel::startTraining);
    connect(pause_, &QPushButton::toggled, this, &GeneratePanel::pauseTraining);
    connect(stop_, &QPushButton::clicked, this, &GeneratePanel::stopTraining);
    connect(open_, &QPushButton::clicked, this, &GeneratePanel::openRunDialog);
    connect(slider_, &QSlider::valueChanged, this, &GeneratePanel::showSnapshot);
    onKindChanged();
    updateButtons();
}

void GeneratePanel::onKindChanged() {
    const bool wgan = kind_->currentData().toString() == "wgan";
    // The usual settings of each paper as the starting point.
    criticSteps_->setValue(wgan ? 5 : 1);
    lrG_->setValue(wgan ? 5e-5 : 2e-4);
    lrD_->setValue(wgan ? 5e-5 : 2e-4);
    smoothing_->setEnabled(!wgan);
    clip_->setEnabled(wgan);
}

GanSetup GeneratePanel::setup() const {
    GanSetup s;
    s.options.kind = kind_->currentData().toString() == "wgan" ? GanKind::WGAN : GanKind::DCGAN;
    s.options.criticSteps = criticSteps_->value();
    s.options.generatorSteps = generatorSteps_->value();
    s.options.labelSmoothing = float(smoothing_->value());
    s.options.clipValue = float(clip_->value());
    s.options.epochs = epochs_->value();
    s.options.batchSize = batch_->value();
    s.options.seed = std::uint64_t(seed_->value());
    s.options.sampleEvery = sampleEvery_->value();
    s.options.sampleCount = samples_->value();
    s.generatorLearningRate = lrG_->value();
    s.criticLearningRate = lrD_->value();
    s.latent = latent_->value();
    s.baseFilters = filters_->value();
    return s;
}

void GeneratePanel::setSetup(const GanSetup& s, int imageSize, bool grey) {
    kind_->setCurrentIndex(s.options.kind == GanKind::WGAN ? 1 : 0);
    criticSteps_->setValue(s.options.criticSteps);
    generatorSteps_->setValue(s.options.generatorSteps);
    smoothing_->setValue(s.options.labelSmoothing);
    clip_->setValue(s.options.clipValue);
    epochs_->setValue(s.options.epochs);
    batch_->setValue(s.options.batchSize);
    seed_->setValue(int(s.options.seed));
    sampleEvery_->setValue(s.options.sampleEvery);
    samples_->setValue(s.options.sampleCount);
    lrG_->setValue(s.generatorLearningRate);
    lrD_->setValue(s.criticLearningRate);
    latent_->setValue(s.latent);
    filters_->setValue(s.baseFilters);
    imageSize_->setValue(imageSize);
    grey_->setChecked(grey);
}

bool GeneratePanel::startTraining() {
    if (session_->isRunning()) return false;
    try {
        std::shared_ptr<const Dataset> data = data_ ? data_() : nullptr;
        if (!data || data->size() == 0)
            throw InputError("no images loaded: load simulated galaxies or an image folder in the Data panel");
        const Shape in = data->inputShape();
        if (in.size() != 3)
            throw InputError("the Data panel holds a table (samples of shape " + toString(in) +
                             "); a GAN needs images: load simulated galaxies or an image folder");
        Shape want = in;
        if (imageSize_->value() > 0) want[1] = want[2] = imageSize_->value();
        if (grey_->isChecked()) want[0] = 1;
        if (want[1] % 8 || want[2] % 8)
            throw InputError("the GAN templates need image sides divisible by 8, not " + toString(want) +
                             "; set Image size to 32 or 64");
        if (want != in) data = std::make_shared<PreprocessedDataset>(data, specForShape(in, want));
        const auto scaled = std::make_shared<ScaledDataset>(data, ScaleRange::Symmetric);
        const GanSetup s = setup();
        session_->start(scaled, s);
        wgan_ = s.options.kind == GanKind::WGAN;
    } catch (const std::exception& e) {
        status_->setText(tr("Cannot start: %1").arg(QString::fromUtf8(e.what())));
        return false;
    }
    snapshots_.clear();
    stepsDone_ = 0;
    curves_->clear();
    curves_->setWgan(wgan_);
    slider_->setRange(0, 0);
    slider_->setEnabled(false);
    grid_->clear();
    pause_->setChecked(false);
    status_->setText(tr("Training %1…").arg(wgan_ ? "WGAN" : "DCGAN"));
    updateButtons();
    return true;
}

void GeneratePanel::pauseTraining(bool on) {
    if (!session_->isRunning()) return;
    session_->setPaused(on);
    status_->setText(on ? tr("Pausing…") : tr("Training…"));
}

void GeneratePanel::stopTraining() {
    if (!session_->isRunning()) return;
    session_->stop();
    status_->setText(tr("Stopping…"));
}

void GeneratePanel::onUpdate() {
    GanUpdate u = session_->takeUpdate();
    curves_->appendSteps(u.steps);  // every step since the last update: the curves move within an epoch
    stepsDone_ = std::max(stepsDone_, u.generatorSteps);
    for (const EpochStats& e : u.epochs) {
        auto metric = [&](const char* name) {
            auto it = e.trainMetrics.find(name);
            return it == e.trainMetrics.end() ? NAN : it->second;
        };
        curves_->appendEpoch(e.epoch, metric("d_loss"), metric("g_loss"), metric("wasserstein"));
    }
    if (!u.samples.empty()) {
        const bool follow = snapshots_.empty() || slider_->value() == int(snapshots_.size()) - 1;
        for (GanSample& s : u.samples) snapshots_.push_back(std::move(s));
        const QSignalBlocker block(slider_);
        slider_->setRange(0, int(snapshots_.size()) - 1);
        slider_->setEnabled(snapshots_.size() > 1);
        if (follow) slider_->setValue(int(snapshots_.size()) - 1);
        showSnapshot(slider_->value());
    }
    if (session_->isRunning()) {
        if (u.waiting && session_->isPaused())
            status_->setText(tr("Paused at epoch %1, batch %2 of %3.").arg(u.epoch).arg(u.batch).arg(u.batchesPerEpoch));
        else if (u.batchesPerEpoch > 0)
            status_->setText(tr("Training: epoch %1 of %2, batch %3 of %4, %5 generator steps.")
                                 .arg(u.epoch)
                                 .arg(session_->setup().options.epochs)
                                 .arg(u.batch)
                                 .arg(u.batchesPerEpoch)
                                 .arg(stepsDone_));
    }
}

void GeneratePanel::onFinished(const QString& reason, bool failed) {
    pause_->setChecked(false);
    status_->setText(failed ? tr("Training failed: %1").arg(reason)
                            : tr("Training %1 after %2 generator steps.").arg(reason).arg(stepsDone_));
    if (!failed && session_->critic()) {
        auto s = std::make_shared<Scorer>();
        s->name = tr("critic of the %1 trained here").arg(wgan_ ? "WGAN" : "DCGAN");
        s->critic = session_->critic();
        s->fromSession = true;
        addScorer(s);
    }
    updateButtons();
}

void GeneratePanel::showSnapshot(int index) {
    if (index < 0 || index >= int(snapshots_.size())) return;
    const GanSample& s = snapshots_[std::size_t(index)];
    grid_->setImages(s.images);
    snapshotLabel_->setText(tr("%1 of %2 · epoch %3 · step %4")
                                .arg(index + 1)
                                .arg(snapshots_.size())
                                .arg(s.epoch)
                                .arg(s.generatorStep));
}

int GeneratePanel::shownSnapshot() const { return snapshots_.empty() ? -1 : slider_->value(); }

QString GeneratePanel::statusText() const { return status_->text(); }

void GeneratePanel::updateButtons() {
    const bool running = session_->isRunning();
    start_->setEnabled(!running);
    pause_->setEnabled(running);
    stop_->setEnabled(running);
    open_->setEnabled(!running);
    kind_->setEnabled(!running);
}

void GeneratePanel::addScorer(std::shared_ptr<Scorer> scorer) {
    // The newest model of the same origin replaces the older one.
    for (std::size_t i = 0; i < scorers_.size(); ++i)
        if (scorers_[i]->name == scorer->name) {
            scorers_.erase(scorers_.begin() + std::ptrdiff_t(i));
            anomalies_->sourceChoice()->removeItem(int(i));
            break;
        }
    scorers_.push_back(scorer);
    anomalies_->sourceChoice()->addItem(scorer->name);
    anomalies_->sourceChoice()->setCurrentIndex(int(scorers_.size()) - 1);
    updateStatisticChoice();
}

std::shared_ptr<Graph> GeneratePanel::scoringCritic() const {
    const int i = anomalies_->sourceChoice()->currentIndex();
    if (i < 0 || i >= int(scorers_.size()) || !scorers_[std::size_t(i)]->critic) return nullptr;
    return std::make_shared<Graph>(scorers_[std::size_t(i)]->critic->clone());
}

std::shared_ptr<const Dataset> GeneratePanel::imagesFor(const Shape& modelShape, QString* error) const {
    std::shared_ptr<const Dataset> data = data_ ? data_() : nullptr;
    try {
        if (!data || data->size() == 0) throw InputError("no images loaded: load a dataset in the Data panel");
        if (data->inputShape() == modelShape) return data;
        return std::make_shared<PreprocessedDataset>(data, specForShape(data->inputShape(), modelShape));
    } catch (const std::exception& e) {
        *error = QString::fromUtf8(e.what());
        return nullptr;
    }
}

bool GeneratePanel::rankDataset() {
    const int i = anomalies_->sourceChoice()->currentIndex();
    if (i < 0 || i >= int(scorers_.size())) {
        anomalies_->setStatus(tr("No model to score with: train a GAN here or open a run (WGAN critic or VAE)."));
        return false;
    }
    const Scorer& scorer = *scorers_[std::size_t(i)];
    if (scorer.fromSession && session_->isRunning()) {
        anomalies_->setStatus(tr("The critic is still training; stop or wait for the run to finish."));
        return false;
    }
    if (rankTask_->isRunning()) return false;
    // Fresh copies: the scoring thread owns them.
    std::shared_ptr<Graph> critic = scorer.critic ? std::make_shared<Graph>(scorer.critic->clone()) : nullptr;
    std::shared_ptr<VaeModel> vae;
    if (scorer.vae) {
        vae = std::make_shared<VaeModel>(scorer.vae->encoder.clone(), scorer.vae->decoder.clone());
        vae->build();
    }
    const Shape shape = critic ? critic->inputShapes()[0] : vae->encoder.inputShapes()[0];
    QString error;
    auto images = imagesFor(shape, &error);
    if (!images) {
        anomalies_->setStatus(tr("Cannot rank: %1").arg(error));
        return false;
    }
    rankImages_ = images;
    const ResidualStatistic statistic = anomalies_->statistic();
    rankWhat_ = critic ? tr("−critic score")
                       : tr("VAE reconstruction error (%1)").arg(QString::fromLatin1(toString(statistic)));
    rankResult_ = std::make_shared<std::vector<double>>();
    auto result = rankResult_;
    anomalies_->scoreButton()->setEnabled(false);
    rankTask_->start(tr("Ranking"), [critic, vae, images, result, statistic](const BackgroundTask::Progress& progress,
                                                                            const std::atomic<bool>& cancel) -> QString {
        const auto scaled =
            std::make_shared<ScaledDataset>(images, critic ? ScaleRange::Symmetric : ScaleRange::Unit);
        if (!critic && statistic == ResidualStatistic::Annulus) {
            // The ranked set is its own reference (oddballs are rare in it): one pass, no chunks.
            progress(0, scaled->size());
            *result = vaeNeighbourNormalisedScores(*vae, *scaled, *scaled, statistic, kAnnulusNeighbours);
            progress(scaled->size(), scaled->size());
            return QString();
        }
        const bool combined = !critic && statistic == ResidualStatistic::Combined;
        // Combined ranks within the whole set: its two statistics are gathered chunk by chunk first.
        std::vector<double> sums, matched;
        const int n = scaled->size(), chunk = 128;
        for (int start = 0; start < n; start += chunk) {
            if (cancel) return QString();
            std::vector<int> idx;
            for (int k = start; k < std::min(n, start + chunk); ++k) idx.push_back(k);
            SubsetDataset part(scaled, idx);
            if (combined) {
                const auto a = vaeResidualScores(*vae, part, ResidualStatistic::SummedSquared);
                const auto b = vaeResidualScores(*vae, part, ResidualStatistic::Matched);
                sums.insert(sums.end(), a.begin(), a.end());
                matched.insert(matched.end(), b.begin(), b.end());
                progress(int(sums.size()), n);
                continue;
            }
            // sum as `deepfield-cli score` computes it (the VAE's own reconstruction loss).
            const std::vector<double> s = critic ? criticScores(*critic, part)
                                          : statistic == ResidualStatistic::SummedSquared
                                              ? vaeReconstructionScores(*vae, part)
                                              : vaeResidualScores(*vae, part, statistic);
            result->insert(result->end(), s.begin(), s.end());
            progress(int(result->size()), n);
        }
        if (combined) *result = maxRankFraction({sums, matched});
        return QString();
    });
    return true;
}

void GeneratePanel::waitForRanking() { rankTask_->waitAndDeliver(); }

void GeneratePanel::openRunDialog() {
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Open a GAN or VAE run folder"));
    if (!dir.isEmpty()) openRun(dir);
}

bool GeneratePanel::openRun(const QString& path) {
    if (session_->isRunning()) return false;
    try {
        GenerativeRunFiles run = readGenerativeRun(path.toStdString());
        const QString name = QFileInfo(path).fileName();
        auto scorer = std::make_shared<Scorer>();
        if (run.kind == "vae-latent") {
            scorer->vae = std::make_shared<VaeModel>(std::move(run.first), std::move(run.second));
            scorer->vae->build();
            scorer->name = tr("VAE reconstruction error of run '%1'").arg(name);
            addScorer(scorer);
            tabs_->setCurrentWidget(anomalies_);
            status_->setText(tr("Opened the VAE run '%1': rank the dataset by reconstruction error in Anomalies.").arg(name));
            return true;
        }
        wgan_ = run.kind == "wgan";
        const int channels = run.first.outputShapes()[0][0];
        snapshots_ = readGanSamples(path.toStdString(), channels);
        curves_->clear();
        curves_->setWgan(wgan_);
        const RunHistoryColumns h = readRunHistory(path.toStdString());
        if (const auto* epochs = h.column("epoch")) {
            auto at = [&](const char* c, std::size_t i) { return h.column(c) ? (*h.column(c))[i] : NAN; };
            for (std::size_t i = 0; i < epochs->size(); ++i)
                curves_->appendEpoch(int((*epochs)[i]), at("train_d_loss", i), at("train_g_loss", i),
                                     at("train_wasserstein", i));
        }
        const QSignalBlocker block(slider_);
        slider_->setRange(0, std::max(0, int(snapshots_.size()) - 1));
        slider_->setEnabled(snapshots_.size() > 1);
        slider_->setValue(slider_->maximum());
        grid_->clear();
        showSnapshot(slider_->value());
        scorer->critic = std::make_shared<Graph>(std::move(run.second));
        scorer->name = tr("%1 critic of run '%2'").arg(wgan_ ? "WGAN" : "DCGAN").arg(name);
        addScorer(scorer);
        status_->setText(tr("Opened the %1 run '%2': %3 snapshots.").arg(QString::fromStdString(run.kind)).arg(name).arg(snapshots_.size()));
        return true;
    } catch (const std::exception& e) {
        status_->setText(tr("Cannot open the run: %1").arg(QString::fromUtf8(e.what())));
        return false;
    }
}

}  // namespace deepfield::app
