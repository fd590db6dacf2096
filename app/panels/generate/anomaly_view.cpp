#include "panels/generate/anomaly_view.h"

#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QScrollArea>
#include <QSlider>
#include <QSplitter>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>
#include <qcustomplot.h>

#include "generative/anomaly.h"
#include "histogram_view.h"
#include "image_tile_grid.h"

namespace deepfield::app {

AnomalyView::AnomalyView(QWidget* parent) : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    auto* top = new QHBoxLayout;
    source_ = new QComboBox;
    source_->setToolTip(tr("Which model scores the images"));
    scoreButton_ = new QPushButton(tr("Rank dataset"));
    scoreButton_->setToolTip(tr("Score every image of the Data panel's dataset (in the background)"));
    statistic_ = new QComboBox;
    statistic_->setToolTip(tr("How a VAE's residual x − decode(μ(x)) becomes one score (a critic scores directly)"));
    // Item data: the engine's name (residualStatisticFromString); tooltips say what each one sees.
    const std::pair<const char*, QString> statistics[] = {
        {"sum", tr("Summed squared residual: grows with everything the VAE cannot rebuild, noise included")},
        {"chi2", tr("Mean squared residual over the image's own noise (1.4826·MAD): fair between faint and bright "
                    "images")},
        {"peak", tr("Largest |residual| over the image's noise: single pixels (hot pixels, cosmic rays)")},
        {"matched", tr("Residual over a sky + Poisson noise model, smoothed to the PSF and summed over bands: faint "
                       "extended light (trails, arcs, rings)")},
        {"combined", tr("Max of the rank fractions of sum and matched within the ranked set: unusual if either "
                        "ranks it high")},
        {"annulus", tr("Residual power per radius against the 20 most similar images of the ranked set itself (in "
                       "the VAE's latent space): a clumpy galaxy is judged against clumpy ones, a ring or arc "
                       "stands out where similar galaxies are rebuilt cleanly (best on the simulated anomaly set)")},
    };
    for (const auto& [name, tip] : statistics) {
        statistic_->addItem(QString::fromLatin1(name), QString::fromLatin1(name));
        statistic_->setItemData(statistic_->count() - 1, tip, Qt::ToolTipRole);
    }
    statistic_->setCurrentIndex(statistic_->findData(QStringLiteral("combined")));
    top->addWidget(new QLabel(tr("Score by")));
    top->addWidget(source_, 1);
    top->addWidget(new QLabel(tr("Statistic")));
    top->addWidget(statistic_);
    top->addWidget(scoreButton_);
    layout->addLayout(top);
    status_ = new QLabel(tr("Train a WGAN here or open a run, then rank the dataset."));
    status_->setWordWrap(true);
    layout->addWidget(status_);

    auto* thresholdRow = new QHBoxLayout;
    slider_ = new QSlider(Qt::Horizontal);
    slider_->setRange(0, 1000);
    slider_->setEnabled(false);
    thresholdLabel_ = new QLabel(tr("threshold –"));
    thresholdLabel_->setMinimumWidth(170);
    onlyAbove_ = new QCheckBox(tr("Only above"));
    thresholdRow->addWidget(new QLabel(tr("Threshold")));
    thresholdRow->addWidget(slider_, 1);
    thresholdRow->addWidget(thresholdLabel_);
    thresholdRow->addWidget(onlyAbove_);
    layout->addLayout(thresholdRow);

    auto* split = new QSplitter(Qt::Vertical);
    gallery_ = new widgets::ImageTileGrid;
    gallery_->setMinimumTileSize(72);
    IntervalSpec interval;  // sky (median) to the brightest pixels: the galaxy fills the grey range
    interval.kind = IntervalKind::Percentile;
    interval.lowerPercent = 50.0;
    interval.upperPercent = 99.8;
    gallery_->setInterval(interval);
    gallery_->setStretch(StretchSpec{DisplayStretch::Sqrt, 0.0});
    auto* scroll = new QScrollArea;
    scroll->setWidgetResizable(true);
    scroll->setWidget(gallery_);
    split->addWidget(scroll);
    histogram_ = new widgets::HistogramView;
    histogram_->setLogCounts(false);
    histogram_->setMinimumHeight(120);
    split->addWidget(histogram_);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 1);
    layout->addWidget(split, 1);

    connect(scoreButton_, &QPushButton::clicked, this, &AnomalyView::scoreRequested);
    connect(slider_, &QSlider::valueChanged, this, &AnomalyView::onThresholdMoved);
    connect(onlyAbove_, &QCheckBox::toggled, this, &AnomalyView::rebuildGallery);
    connect(gallery_, &widgets::ImageTileGrid::tileClicked, this, [this](int tile) {
        if (tile >= 0 && tile < int(shown_.size())) emit imageClicked(shown_[std::size_t(tile)]);
    });
}

void AnomalyView::setStatus(const QString& text) { status_->setText(text); }

ResidualStatistic AnomalyView::statistic() const {
    return residualStatisticFromString(statistic_->currentData().toString().toStdString());
}

void AnomalyView::clear() {
    scores_.clear();
    order_.clear();
    images_.reset();
    slider_->setEnabled(false);
    rebuildGallery();
}

void AnomalyView::setScores(std::vector<double> scores, std::shared_ptr<const Dataset> images, const QString& what) {
    scores_ = std::move(scores);
    images_ = std::move(images);
    order_ = rankByScore(scores_);
    low_ = high_ = 0;
    bool first = true;
    for (double s : scores_)
        if (std::isfinite(s)) low_ = first ? s : std::min(low_, s), high_ = first ? s : std::max(high_, s), first = false;
    if (!(high_ > low_)) high_ = low_ + 1;
    std::vector<float> values(scores_.begin(), scores_.end());
    histogram_->setHistogram(widgets::computeHistogram(values.data(), values.size(), nullptr, 40), what);
    histogram_->plot()->yAxis->setLabel(tr("images"));
    slider_->setEnabled(!scores_.empty());
    const QSignalBlocker block(slider_);
    // Start at the mean + 2σ of the scores: a first guess at what "unusual" means.
    double mean = 0, sq = 0;
    for (double s : scores_) mean += s, sq += s * s;
    const double n = std::max<std::size_t>(1, scores_.size());
    mean /= n;
    const double sd = std::sqrt(std::max(0.0, sq / n - mean * mean));
    setThreshold(std::clamp(mean + 2 * sd, low_, high_));
    status_->setText(tr("%1 images ranked by %2 (higher = more unusual); the gallery shows the top %3.")
                         .arg(scores_.size())
                         .arg(what)
                         .arg(std::min<int>(kMaxShown, int(scores_.size()))));
    onThresholdMoved();
}

double AnomalyView::threshold() const { return low_ + (high_ - low_) * slider_->value() / 1000.0; }

void AnomalyView::setThreshold(double value) {
    slider_->setValue(int(std::lround(std::clamp((value - low_) / (high_ - low_), 0.0, 1.0) * 1000)));
}

int AnomalyView::aboveThreshold() const {
    const double t = threshold();
    return int(std::count_if(scores_.begin(), scores_.end(), [t](double s) { return s >= t; }));
}

void AnomalyView::setOnlyAbove(bool on) { onlyAbove_->setChecked(on); }

void AnomalyView::onThresholdMoved() {
    thresholdLabel_->setText(tr("%1 · %2 above").arg(threshold(), 0, 'g', 4).arg(aboveThreshold()));
    histogram_->setMarkers(scores_.empty() ? NAN : threshold(), NAN);
    rebuildGallery();
}

void AnomalyView::rebuildGallery() {
    shown_.clear();
    std::vector<widgets::ImageTile> tiles;
    if (!images_ || scores_.empty()) {
        gallery_->setTiles({});
        return;
    }
    const double t = threshold();
    Tensor x, y;
    for (int i : order_) {
        if (int(shown_.size()) >= kMaxShown) break;
        const double s = scores_[std::size_t(i)];
        if (onlyAbove_->isChecked() && !(s >= t)) break;  // ranked: nothing later is above either
        shown_.push_back(i);
    }
    if (!shown_.empty()) images_->batch(shown_, x, y);
    for (std::size_t k = 0; k < shown_.size(); ++k) {
        widgets::ImageTile tile;
        tile.image = Tensor::fromData(x.sampleShape(), std::vector<float>(x.sample(int(k)), x.sample(int(k)) + x.sampleSize()));
        const double s = scores_[std::size_t(shown_[k])];
        tile.caption = QString("#%1  %2").arg(shown_[k]).arg(s, 0, 'g', 3);
        tile.highlighted = s >= t;
        tiles.push_back(std::move(tile));
    }
    gallery_->setTiles(std::move(tiles));
}

}  // namespace deepfield::app
