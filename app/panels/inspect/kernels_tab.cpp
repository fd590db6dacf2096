#include "kernels_tab.h"

#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QScrollArea>
#include <QSpinBox>
#include <QSplitter>
#include <QVBoxLayout>

#include "data/image.h"
#include "explain/feature_maps.h"
#include "histogram_view.h"
#include "kernel_grid.h"

namespace deepfield::app::inspect {

KernelsTab::KernelsTab(QWidget* parent)
    : QWidget(parent), layer_(new QComboBox(this)), shared_(new QCheckBox(tr("Shared scale"), this)),
      follow_(new QCheckBox(tr("Follow training live"), this)), zoom_(new QSpinBox(this)),
      grid_(new widgets::KernelGrid(this)), histogram_(new widgets::HistogramView(this)), stats_(new QLabel(this)),
      hover_(new QLabel(this)) {
    auto* top = new QHBoxLayout;
    top->addWidget(new QLabel(tr("Layer"), this));
    top->addWidget(layer_, 1);
    top->addWidget(shared_);
    top->addWidget(new QLabel(tr("Zoom"), this));
    top->addWidget(zoom_);
    top->addWidget(follow_);
    shared_->setChecked(true);
    shared_->setToolTip(tr("On: one colour scale for the whole layer (compare filters). Off: each filter (row) "
                           "scaled to its own largest |weight|."));
    follow_->setToolTip(tr("While training runs, the grid shows the current weights (updated twice a second)."));
    zoom_->setRange(1, 48);
    zoom_->setValue(12);
    zoom_->setSuffix(tr(" px"));
    zoom_->setToolTip(tr("Screen pixels per weight"));
    auto* scroll = new QScrollArea(this);
    scroll->setWidget(grid_);
    scroll->setAlignment(Qt::AlignCenter);
    auto* side = new QWidget(this);
    auto* sl = new QVBoxLayout(side);
    sl->setContentsMargins(0, 0, 0, 0);
    sl->addWidget(histogram_, 1);
    sl->addWidget(stats_);
    auto* split = new QSplitter(Qt::Vertical, this);
    split->addWidget(scroll);
    split->addWidget(side);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 1);
    auto* l = new QVBoxLayout(this);
    l->addLayout(top);
    l->addWidget(new QLabel(tr("Rows: filters · columns: input channels · blue negative, white 0, red positive"), this));
    l->addWidget(split, 1);
    l->addWidget(hover_);
    stats_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    grid_->setZoom(zoom_->value());

    connect(layer_, &QComboBox::currentIndexChanged, this, &KernelsTab::refresh);
    connect(shared_, &QCheckBox::toggled, grid_, &widgets::KernelGrid::setSharedScale);
    connect(zoom_, &QSpinBox::valueChanged, grid_, &widgets::KernelGrid::setZoom);
    connect(follow_, &QCheckBox::toggled, this, &KernelsTab::followChanged);
    connect(grid_, &widgets::KernelGrid::kernelHovered, hover_, &QLabel::setText);
}

void KernelsTab::setModel(std::shared_ptr<Graph> model) {
    model_ = std::move(model);
    const QString keep = layer_->currentText();
    QSignalBlocker block(layer_);
    layer_->clear();
    if (model_)
        for (const std::string& n : convolutionLayers(*model_)) layer_->addItem(QString::fromStdString(n));
    if (layer_->findText(keep) >= 0) layer_->setCurrentText(keep);
    refresh();
}

void KernelsTab::setLayer(const QString& name) { layer_->setCurrentText(name); }
QString KernelsTab::layer() const { return layer_->currentText(); }
bool KernelsTab::following() const { return follow_->isChecked(); }
void KernelsTab::setFollowing(bool on) { follow_->setChecked(on); }
QString KernelsTab::statisticsText() const { return stats_->text(); }

void KernelsTab::refresh() {
    if (!model_ || layer_->currentIndex() < 0) {
        grid_->setKernels(Tensor());
        histogram_->setValues(nullptr, 0, nullptr);
        stats_->setText(model_ ? tr("This network has no convolution layer.") : tr("Train a network to see its kernels."));
        return;
    }
    try {
        showKernels(convolutionKernels(*model_, layer_->currentText().toStdString()));
    } catch (const std::exception& e) {
        stats_->setText(QString::fromStdString(e.what()));
    }
}

void KernelsTab::showSnapshot(std::shared_ptr<const TensorFile> weights) {
    if (!following() || !weights) return;
    if (layer_->currentIndex() < 0) {
        // No trained model yet (the first run): take the layers from the snapshot itself.
        QSignalBlocker block(layer_);
        for (const auto& [name, t] : weights->tensors)
            if (t.rank() == 4 && name.size() > 7 && name.compare(name.size() - 7, 7, "/kernel") == 0)
                layer_->addItem(QString::fromStdString(name.substr(0, name.size() - 7)));
    }
    const auto it = weights->tensors.find(layer_->currentText().toStdString() + "/kernel");
    if (it == weights->tensors.end() || it->second.rank() != 4) return;
    ++snapshots_;
    showKernels(it->second);
}

void KernelsTab::showKernels(const Tensor& k) {
    grid_->setKernels(k);
    histogram_->setValues(k.data(), k.size(), nullptr, tr("weights"));
    const PixelStats s = pixelStats(k.data(), k.size());
    stats_->setText(tr("%1 filters × %2 channels × %3×%4 · mean %5 · std %6 · min %7 · max %8")
                        .arg(k.dim(0)).arg(k.dim(1)).arg(k.dim(2)).arg(k.dim(3))
                        .arg(s.mean, 0, 'g', 4).arg(s.std, 0, 'g', 4).arg(s.min, 0, 'g', 4).arg(s.max, 0, 'g', 4));
}

}  // namespace deepfield::app::inspect
