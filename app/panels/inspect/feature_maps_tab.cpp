#include "feature_maps_tab.h"

#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QScrollArea>
#include <QSpinBox>
#include <QSplitter>
#include <QVBoxLayout>

#include "explain/feature_maps.h"
#include "feature_map_grid.h"
#include "image_controls.h"
#include "image_view.h"

namespace deepfield::app::inspect {

FeatureMapsTab::FeatureMapsTab(QWidget* parent)
    : QWidget(parent), layer_(new QComboBox(this)), sort_(new QCheckBox(tr("Sort by mean activation"), this)),
      tile_(new QSpinBox(this)), grid_(new widgets::FeatureMapGrid(this)), view_(new widgets::ImageView(this)),
      controls_(new widgets::ImageControls(view_, this)), message_(new QLabel(this)), title_(new QLabel(this)) {
    auto* top = new QHBoxLayout;
    top->addWidget(new QLabel(tr("Layer"), this));
    top->addWidget(layer_, 1);
    top->addWidget(sort_);
    top->addWidget(new QLabel(tr("Tile"), this));
    top->addWidget(tile_);
    tile_->setRange(24, 256);
    tile_->setValue(72);
    tile_->setSuffix(tr(" px"));
    grid_->setTileSize(tile_->value());
    auto* scroll = new QScrollArea(this);
    scroll->setWidget(grid_);
    scroll->setWidgetResizable(true);
    auto* big = new QWidget(this);
    auto* bl = new QVBoxLayout(big);
    bl->setContentsMargins(0, 0, 0, 0);
    bl->addWidget(title_);
    bl->addWidget(view_, 1);
    bl->addWidget(controls_);
    auto* split = new QSplitter(Qt::Horizontal, this);
    split->addWidget(scroll);
    split->addWidget(big);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    auto* l = new QVBoxLayout(this);
    l->addLayout(top);
    l->addWidget(split, 1);
    l->addWidget(message_);
    message_->setWordWrap(true);
    title_->setText(tr("Click a map to enlarge it"));

    connect(layer_, &QComboBox::currentIndexChanged, this, [this] { refresh(); });
    connect(sort_, &QCheckBox::toggled, grid_, &widgets::FeatureMapGrid::setSortByMean);
    connect(tile_, &QSpinBox::valueChanged, grid_, &widgets::FeatureMapGrid::setTileSize);
    connect(grid_, &widgets::FeatureMapGrid::channelClicked, this, &FeatureMapsTab::enlarge);
}

void FeatureMapsTab::setModel(std::shared_ptr<Graph> model) {
    model_ = std::move(model);
    const QString keep = layer_->currentText();
    QSignalBlocker block(layer_);
    layer_->clear();
    if (model_)
        for (const std::string& n : featureMapLayers(*model_)) {
            if (model_->node(n).type == "Input") continue;
            layer_->addItem(QString("%1 (%2)").arg(QString::fromStdString(n), QString::fromStdString(model_->node(n).type)),
                            QString::fromStdString(n));
        }
    const int k = layer_->findData(keep.section(' ', 0, 0));
    if (k >= 0) layer_->setCurrentIndex(k);
    refresh();
}

void FeatureMapsTab::setInput(const InspectInput& input) {
    input_ = input;
    refresh();
}

void FeatureMapsTab::setLayer(const QString& name) {
    const int k = layer_->findData(name);
    if (k >= 0) layer_->setCurrentIndex(k);
}

QString FeatureMapsTab::layer() const { return layer_->currentData().toString(); }
QString FeatureMapsTab::message() {
    refreshIfStale();
    return message_->text();
}
widgets::FeatureMapGrid* FeatureMapsTab::grid() {
    refreshIfStale();
    return grid_;
}
widgets::ImageView* FeatureMapsTab::imageView() {
    refreshIfStale();
    return view_;
}

void FeatureMapsTab::showEvent(QShowEvent* event) {
    QWidget::showEvent(event);
    refreshIfStale();
}

void FeatureMapsTab::refreshIfStale() {
    if (stale_) refresh(true);
}

void FeatureMapsTab::refresh(bool evenIfHidden) {
    // A hidden tab (behind another tab or dock) does not keep the UI thread busy with forward passes.
    stale_ = !isVisible() && !evenIfHidden;
    if (stale_) return;
    message_->clear();
    if (!model_ || input_.empty() || layer_->currentIndex() < 0) {
        grid_->setMaps(Tensor());
        message_->setText(!model_ ? tr("Train a network to see its feature maps.")
                                  : input_.empty() ? tr("Choose an image (a sample number above, or drop a file).") : QString());
        return;
    }
    try {
        // One forward pass of one image: milliseconds, so it runs here.
        grid_->setMaps(featureMaps(*model_, input_.x, layer().toStdString()));
        const Tensor& m = grid_->maps();
        message_->setText(tr("%1: %2 channels of %3×%4 for %5").arg(layer()).arg(m.dim(0)).arg(m.dim(1)).arg(m.dim(2)).arg(input_.title));
        if (enlarged_ >= m.dim(0)) enlarged_ = -1;
        if (enlarged_ >= 0) enlarge(enlarged_);
    } catch (const std::exception& e) {
        grid_->setMaps(Tensor());
        message_->setText(QString::fromStdString(e.what()));
    }
}

void FeatureMapsTab::enlarge(int channel) {
    refreshIfStale();
    const Tensor& m = grid_->maps();
    if (m.empty() || channel < 0 || channel >= m.dim(0)) return;
    enlarged_ = channel;
    auto img = std::make_shared<Image>(1, m.dim(1), m.dim(2));
    std::copy_n(m.data() + std::size_t(channel) * m.dim(1) * m.dim(2), img->pixels.size(), img->pixels.data());
    view_->setImage(img);
    title_->setText(tr("%1, channel %2 (mean %3)").arg(layer()).arg(channel).arg(double(grid_->means()[std::size_t(channel)]), 0, 'g', 4));
}

}  // namespace deepfield::app::inspect
