#include "convolution_view.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QMouseEvent>
#include <QPainter>
#include <QSpinBox>
#include <QVBoxLayout>
#include <algorithm>
#include <functional>
#include <vector>

#include "layers/conv2d.h"

namespace deepfield::widgets {

namespace {
// Grey image of one (H, W) plane, min..max mapped to black..white; signed data (edges) use a
// symmetric range around zero so that zero stays mid-grey.
QImage toImage(const float* data, int h, int w, bool symmetric) {
    float lo = *std::min_element(data, data + std::size_t(h) * w), hi = *std::max_element(data, data + std::size_t(h) * w);
    if (symmetric && lo < 0) {
        // 99th percentile of |value|: a few extreme pixels must not grey out the rest.
        std::vector<float> a(data, data + std::size_t(h) * w);
        for (float& v : a) v = std::abs(v);
        const std::size_t k = a.size() * 99 / 100;
        std::nth_element(a.begin(), a.begin() + long(k), a.end());
        const float m = std::max(a[k], 1e-12f);
        lo = -m;
        hi = m;
    }
    const float scale = hi > lo ? 255.0f / (hi - lo) : 0.0f;
    QImage img(w, h, QImage::Format_Grayscale8);
    for (int r = 0; r < h; ++r) {
        uchar* line = img.scanLine(r);
        for (int c = 0; c < w; ++c) line[c] = uchar(std::clamp((data[r * w + c] - lo) * scale, 0.0f, 255.0f));
    }
    return img;
}
}  // namespace

// One image with a title; a click reports the pixel; the highlight is drawn on top.
class ConvolutionPane : public QWidget {
public:
    ConvolutionPane(const QString& title, QWidget* parent) : QWidget(parent), title_(title) {
        setMinimumSize(180, 230);
        setMaximumHeight(520);
        setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
    }
    void setImage(const QImage& img) {
        image_ = img;
        update();
    }
    void setHighlight(const QRect& r, const QColor& colour) {
        highlight_ = r;
        colour_ = colour;
        update();
    }
    std::function<void(int, int)> clicked;

protected:
    QRectF target() const {
        const double side = std::min(width() - 8.0, height() - 28.0);
        return QRectF((width() - side) / 2, 24, side, side);
    }
    void paintEvent(QPaintEvent*) override {
        QPainter p(this);
        p.drawText(QRectF(0, 2, width(), 20), Qt::AlignHCenter, title_);
        if (image_.isNull()) return;
        const QRectF t = target();
        p.drawImage(t, image_);
        if (highlight_.isValid()) {
            const double sx = t.width() / image_.width(), sy = t.height() / image_.height();
            p.setPen(QPen(colour_, 2));
            p.drawRect(QRectF(t.left() + highlight_.x() * sx, t.top() + highlight_.y() * sy, highlight_.width() * sx,
                              highlight_.height() * sy));
        }
    }
    void mousePressEvent(QMouseEvent* e) override {
        const QRectF t = target();
        if (image_.isNull() || !t.contains(e->position()) || !clicked) return;
        clicked(int((e->position().y() - t.top()) / t.height() * image_.height()),
                int((e->position().x() - t.left()) / t.width() * image_.width()));
    }

private:
    QString title_;
    QImage image_;
    QRect highlight_;
    QColor colour_;
};

ConvolutionView::ConvolutionView(QWidget* parent)
    : QWidget(parent),
      presets_(new QComboBox(this)),
      poolBox_(new QSpinBox(this)),
      inPane_(new ConvolutionPane(tr("Input"), this)),
      convPane_(new ConvolutionPane(tr("Convolved (3×3, same padding)"), this)),
      poolPane_(new ConvolutionPane(tr("Max-pooled"), this)),
      info_(new QLabel(this)) {
    setObjectName("ConvolutionView");
    auto* kernelGrid = new QGridLayout;
    for (int i = 0; i < 9; ++i) {
        auto* cell = new QDoubleSpinBox(this);
        cell->setRange(-9, 9);
        cell->setDecimals(4);
        cell->setSingleStep(0.25);
        cell->setObjectName(QString("kernel%1").arg(i));
        kernelGrid->addWidget(cell, i / 3, i % 3);
        connect(cell, &QDoubleSpinBox::valueChanged, this, [this] {
            if (!updating_) recompute();
        });
        cells_[std::size_t(i)] = cell;
    }
    presets_->addItems(presetNames());
    poolBox_->setRange(2, 4);
    poolBox_->setValue(2);
    poolBox_->setPrefix(tr("pool "));
    auto* side = new QVBoxLayout;
    side->addWidget(new QLabel(tr("<b>Kernel</b> (edit any weight)"), this));
    side->addLayout(kernelGrid);
    side->addWidget(presets_);
    side->addWidget(poolBox_);
    side->addStretch();
    auto* panes = new QHBoxLayout;
    panes->addWidget(inPane_, 1);
    panes->addWidget(convPane_, 1);
    panes->addWidget(poolPane_, 1);
    auto* top = new QHBoxLayout;
    top->addLayout(side);
    top->addLayout(panes, 1);
    info_->setWordWrap(true);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(info_);
    layout->addStretch(1);

    connect(presets_, &QComboBox::activated, this, [this] { setPreset(presets_->currentText()); });
    connect(poolBox_, &QSpinBox::valueChanged, this, [this](int v) { setPoolSize(v); });
    convPane_->clicked = [this](int r, int c) { selectConvolved(r, c); };
    poolPane_->clicked = [this](int r, int c) { selectPooled(r, c); };
    setPreset("edge-x");
}

ConvolutionView::~ConvolutionView() = default;

QStringList ConvolutionView::presetNames() { return {"blur", "sharpen", "edge-x", "edge-y", "laplacian", "identity"}; }

void ConvolutionView::setPreset(const QString& name) {
    std::array<float, 9> k{};
    if (name == "blur") k = {1 / 9.f, 1 / 9.f, 1 / 9.f, 1 / 9.f, 1 / 9.f, 1 / 9.f, 1 / 9.f, 1 / 9.f, 1 / 9.f};
    else if (name == "sharpen") k = {0, -1, 0, -1, 5, -1, 0, -1, 0};
    else if (name == "edge-x") k = {-1, 0, 1, -2, 0, 2, -1, 0, 1};  // Sobel: responds to left-right changes
    else if (name == "edge-y") k = {-1, -2, -1, 0, 0, 0, 1, 2, 1};
    else if (name == "laplacian") k = {0, 1, 0, 1, -4, 1, 0, 1, 0};
    else k = {0, 0, 0, 0, 1, 0, 0, 0, 0};
    presets_->setCurrentText(name);
    setKernel(k);
}

void ConvolutionView::setKernel(const std::array<float, 9>& k) {
    updating_ = true;
    for (int i = 0; i < 9; ++i) cells_[std::size_t(i)]->setValue(k[std::size_t(i)]);
    updating_ = false;
    recompute();
}

std::array<float, 9> ConvolutionView::kernel() const {
    std::array<float, 9> k{};
    for (int i = 0; i < 9; ++i) k[std::size_t(i)] = float(cells_[std::size_t(i)]->value());
    return k;
}

void ConvolutionView::setPoolSize(int size) {
    pool_ = std::clamp(size, 2, 4);
    if (poolBox_->value() != pool_) poolBox_->setValue(pool_);
    graph_.reset();  // the pooling layer changes
    recompute();
}

void ConvolutionView::setImage(const Tensor& image) {
    const Shape s = image.shape();
    const int h = s[s.size() - 2], w = s[s.size() - 1];
    input_ = Tensor({1, 1, h, w});
    std::copy_n(image.data(), std::size_t(h) * w, input_.data());
    graph_.reset();
    field_ = {};
    recompute();
}

// The engine computes both stages: Conv2D (no bias) then MaxPooling2D.
void ConvolutionView::recompute() {
    if (input_.empty()) return;
    const int h = input_.dim(2), w = input_.dim(3);
    if (!graph_) {
        graph_ = std::make_unique<Graph>();
        graph_->add("input", "Input", Json{{"shape", {1, h, w}}});
        graph_->add("conv", "Conv2D", Json{{"filters", 1}, {"kernel_size", 3}, {"padding", "same"}, {"use_bias", false}},
                    {"input"});
        graph_->add("pool", "MaxPooling2D", Json{{"pool_size", pool_}}, {"conv"});
        graph_->build();
        graph_->reset(1);
    }
    Tensor& k = dynamic_cast<Conv2D&>(*graph_->node("conv").layer).kernel();  // (1, 1, 3, 3)
    const auto values = kernel();
    std::copy(values.begin(), values.end(), k.data());
    graph_->forward(input_, Mode::Inference);
    conv_ = graph_->activation("conv");
    pooled_ = graph_->activation("pool");
    inPane_->setImage(toImage(input_.data(), h, w, false));
    convPane_->setImage(toImage(conv_.data(), h, w, true));
    poolPane_->setImage(toImage(pooled_.data(), pooled_.dim(2), pooled_.dim(3), true));
    info_->setText(tr("Input %1×%2 → convolved %1×%2 → pooled %3×%4. Each output pixel is Σ kernel × the 3×3 patch "
                      "under it (no flip, as in every deep-learning library). Click an output pixel to see which "
                      "input pixels it sees.")
                       .arg(w)
                       .arg(h)
                       .arg(pooled_.dim(3))
                       .arg(pooled_.dim(2)));
    emit changed();
}

QRect ConvolutionView::selectConvolved(int row, int col) {
    if (input_.empty()) return {};
    field_ = QRect(col - 1, row - 1, 3, 3).intersected(QRect(0, 0, input_.dim(3), input_.dim(2)));
    inPane_->setHighlight(field_, QColor(255, 60, 60));
    convPane_->setHighlight(QRect(col, row, 1, 1), QColor(255, 60, 60));
    poolPane_->setHighlight({}, Qt::red);
    return field_;
}

// A pooled pixel covers p×p convolved pixels, each of which sees 3×3 inputs: (p + 2)².
QRect ConvolutionView::selectPooled(int row, int col) {
    if (input_.empty()) return {};
    field_ = QRect(col * pool_ - 1, row * pool_ - 1, pool_ + 2, pool_ + 2)
                 .intersected(QRect(0, 0, input_.dim(3), input_.dim(2)));
    inPane_->setHighlight(field_, QColor(255, 60, 60));
    convPane_->setHighlight(QRect(col * pool_, row * pool_, pool_, pool_), QColor(255, 60, 60));
    poolPane_->setHighlight(QRect(col, row, 1, 1), QColor(255, 60, 60));
    return field_;
}

}  // namespace deepfield::widgets
