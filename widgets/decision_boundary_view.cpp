#include "decision_boundary_view.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPainter>
#include <QPainterPath>
#include <QPushButton>
#include <QToolButton>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>

namespace deepfield::widgets {

namespace {
const QColor kClassColours[] = {QColor(232, 137, 28), QColor(142, 68, 173), QColor(47, 127, 208),
                                QColor(39, 174, 96), QColor(192, 57, 43)};
QColor classColour(int c) { return kClassColours[std::size_t(c) % std::size(kClassColours)]; }

// Diverging colours for one neuron's output: blue for negative, orange for positive.
QRgb divergingColour(float v) {
    v = std::clamp(v, -1.0f, 1.0f);
    const QColor neg(33, 102, 172), pos(230, 115, 0), mid(247, 247, 247);
    const QColor& end = v < 0 ? neg : pos;
    const float t = std::abs(v);
    return qRgb(int(mid.red() + t * (end.red() - mid.red())), int(mid.green() + t * (end.green() - mid.green())),
                int(mid.blue() + t * (end.blue() - mid.blue())));
}

double percentile(std::vector<float> v, double q) {
    if (v.empty()) return 0;
    const std::size_t k = std::min(v.size() - 1, std::size_t(q * double(v.size() - 1)));
    std::nth_element(v.begin(), v.begin() + long(k), v.end());
    return v[k];
}
}  // namespace

// The scatter with the probability map behind it (classification) or predicted against true
// values (regression).
class BoundaryCanvas : public QWidget {
public:
    explicit BoundaryCanvas(DecisionBoundaryView* view) : QWidget(view), view_(view) {
        setMinimumSize(320, 300);
        setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
    }

protected:
    void paintEvent(QPaintEvent*) override {
        QPainter p(this);
        p.setRenderHint(QPainter::Antialiasing);
        p.fillRect(rect(), palette().base());
        const int side = std::min(width() - 60, height() - 50);
        if (side < 50) return;
        const QRectF plot(48, 10, side, side);
        if (view_->mode_ == "regression") paintRegression(p, plot);
        else paintClassification(p, plot);
    }

private:
    static void axisTicks(QPainter& p, const QRectF& plot, double lo, double hi, bool horizontal, double shift = 0,
                          double scale = 1) {
        const int ticks = 5;
        p.setPen(QColor(90, 90, 90));
        for (int i = 0; i <= ticks; ++i) {
            const double f = double(i) / ticks;
            const double value = (lo + f * (hi - lo)) * scale + shift;
            const QString s = QString::number(value, 'f', 2);
            if (horizontal) {
                const double x = plot.left() + f * plot.width();
                p.drawLine(QPointF(x, plot.bottom()), QPointF(x, plot.bottom() + 4));
                p.drawText(QRectF(x - 30, plot.bottom() + 4, 60, 16), Qt::AlignHCenter | Qt::AlignTop, s);
            } else {
                const double y = plot.bottom() - f * plot.height();
                p.drawLine(QPointF(plot.left() - 4, y), QPointF(plot.left(), y));
                p.drawText(QRectF(0, y - 8, plot.left() - 6, 16), Qt::AlignRight | Qt::AlignVCenter, s);
            }
        }
    }

    void paintClassification(QPainter& p, const QRectF& plot) {
        const DecisionBoundaryView& v = *view_;
        if (!v.boundary_.isNull()) p.drawImage(plot, v.boundary_);
        auto toScreen = [&](float x, float y) {
            return QPointF(plot.left() + (x - v.xMin_) / (v.xMax_ - v.xMin_) * plot.width(),
                           plot.bottom() - (y - v.yMin_) / (v.yMax_ - v.yMin_) * plot.height());
        };
        p.save();
        p.setClipRect(plot);
        auto drawSet = [&](const Tensor& x, const std::vector<float>& y, const QColor& edge) {
            p.setPen(QPen(edge, 1.0));
            for (int i = 0; i < x.batch(); ++i) {
                p.setBrush(classColour(int(y[std::size_t(i)])));
                p.drawEllipse(toScreen(x.sample(i)[0], x.sample(i)[1]), 3.0, 3.0);
            }
        };
        drawSet(v.model_.trainInputs(), v.model_.trainTargets(), Qt::white);
        drawSet(v.model_.testInputs(), v.model_.testTargets(), QColor(30, 30, 30));
        p.restore();
        p.setPen(QColor(120, 120, 120));
        p.setBrush(Qt::NoBrush);
        p.drawRect(plot);
        if (v.mean_.size() == 2) {
            axisTicks(p, plot, v.xMin_, v.xMax_, true, v.mean_[0], v.std_[0]);
            axisTicks(p, plot, v.yMin_, v.yMax_, false, v.mean_[1], v.std_[1]);
        }
        p.setPen(palette().text().color());
        p.drawText(QRectF(plot.left(), plot.bottom() + 20, plot.width(), 18), Qt::AlignHCenter,
                   v.classFeatureNames_.value(v.fx_));
        p.save();
        p.translate(12, plot.center().y());
        p.rotate(-90);
        p.drawText(QRectF(-80, -10, 160, 18), Qt::AlignHCenter, v.classFeatureNames_.value(v.fy_));
        p.restore();
        // Legend: classes, and which points are held out.
        double lx = plot.right() - 6, ly = plot.top() + 6;
        QFontMetrics fm(font());
        for (int c = int(v.classNames_.size()) - 1; c >= -1; --c) {
            const QString text = c >= 0 ? v.classNames_[c] : QObject::tr("dark edge: test");
            const double w = fm.horizontalAdvance(text) + 18;
            lx -= w;
            p.setPen(Qt::NoPen);
            p.setBrush(QColor(255, 255, 255, 200));
            p.drawRect(QRectF(lx - 2, ly - 1, w, 16));
            if (c >= 0) {
                p.setBrush(classColour(c));
                p.setPen(Qt::white);
                p.drawEllipse(QPointF(lx + 6, ly + 7), 4, 4);
            }
            p.setPen(QColor(40, 40, 40));
            p.drawText(QPointF(lx + (c >= 0 ? 13 : 2), ly + 12), text);
        }
    }

    void paintRegression(QPainter& p, const QRectF& plot) {
        DecisionBoundaryView& v = *view_;
        const Tensor pred = v.model_.testPredictions();
        const auto& truth = v.model_.testTargets();
        double zMax = 0;
        for (float z : truth) zMax = std::max<double>(zMax, z);
        zMax = std::max(0.1, zMax * 1.05);
        auto toScreen = [&](double x, double y) {
            return QPointF(plot.left() + x / zMax * plot.width(), plot.bottom() - y / zMax * plot.height());
        };
        p.fillRect(plot, QColor(250, 250, 250));
        // Outlier limits |Δz| = 0.15 (1 + z) around the line of perfect predictions.
        p.setPen(QPen(QColor(200, 80, 80), 1, Qt::DashLine));
        p.drawLine(toScreen(0, 0.15), toScreen(zMax, zMax + 0.15 * (1 + zMax)));
        p.drawLine(toScreen(0, -0.15), toScreen(zMax, zMax - 0.15 * (1 + zMax)));
        p.setPen(QPen(QColor(60, 60, 60), 1));
        p.drawLine(toScreen(0, 0), toScreen(zMax, zMax));
        p.save();
        p.setClipRect(plot);
        p.setPen(Qt::NoPen);
        p.setBrush(QColor(47, 127, 208, 120));
        for (int i = 0; i < pred.batch() && i < int(truth.size()); ++i)
            p.drawEllipse(toScreen(truth[std::size_t(i)], pred[std::size_t(i)]), 2.2, 2.2);
        p.restore();
        p.setPen(QColor(120, 120, 120));
        p.setBrush(Qt::NoBrush);
        p.drawRect(plot);
        axisTicks(p, plot, 0, zMax, true);
        axisTicks(p, plot, 0, zMax, false);
        p.setPen(palette().text().color());
        p.drawText(QRectF(plot.left(), plot.bottom() + 20, plot.width(), 18), Qt::AlignHCenter,
                   QObject::tr("spectroscopic redshift"));
        p.save();
        p.translate(12, plot.center().y());
        p.rotate(-90);
        p.drawText(QRectF(-80, -10, 160, 18), Qt::AlignHCenter, QObject::tr("predicted redshift"));
        p.restore();
    }

    DecisionBoundaryView* view_;
};

DecisionBoundaryView::DecisionBoundaryView(QWidget* parent)
    : QWidget(parent),
      canvas_(new BoundaryCanvas(this)),
      strip_(new QWidget(this)),
      stripLayout_(new QHBoxLayout(strip_)),
      modeBox_(new QComboBox(this)),
      xBox_(new QComboBox(this)),
      yBox_(new QComboBox(this)),
      activationBox_(new QComboBox(this)),
      rateBox_(new QComboBox(this)),
      playButton_(new QPushButton(tr("▶ Train"), this)),
      stepButton_(new QPushButton(tr("Step"), this)),
      resetButton_(new QPushButton(tr("Reset"), this)),
      addLayerButton_(new QPushButton(tr("+ layer"), this)),
      removeLayerButton_(new QPushButton(tr("− layer"), this)),
      stats_(new QLabel(this)) {
    setObjectName("DecisionBoundaryView");
    modeBox_->addItem(tr("Classes: star / galaxy / quasar"), "classification");
    modeBox_->addItem(tr("Photometric redshift"), "regression");
    for (const char* a : {"Tanh", "ReLU", "Sigmoid", "Linear"}) activationBox_->addItem(a);
    for (double r : {0.003, 0.01, 0.03, 0.1, 0.3}) rateBox_->addItem(QString::number(r), r);
    rateBox_->setCurrentIndex(2);
    rateBox_->setToolTip(tr("Learning rate (Adam)"));
    activationBox_->setToolTip(tr("Activation of every hidden neuron"));

    auto* controls = new QHBoxLayout;
    controls->addWidget(playButton_);
    controls->addWidget(stepButton_);
    controls->addWidget(resetButton_);
    controls->addSpacing(8);
    controls->addWidget(modeBox_);
    controls->addWidget(new QLabel(tr("x"), this));
    controls->addWidget(xBox_);
    controls->addWidget(new QLabel(tr("y"), this));
    controls->addWidget(yBox_);
    controls->addStretch();
    auto* netControls = new QHBoxLayout;
    netControls->addWidget(new QLabel(tr("Hidden layers:"), this));
    netControls->addWidget(addLayerButton_);
    netControls->addWidget(removeLayerButton_);
    netControls->addWidget(new QLabel(tr("activation"), this));
    netControls->addWidget(activationBox_);
    netControls->addWidget(new QLabel(tr("learning rate"), this));
    netControls->addWidget(rateBox_);
    netControls->addStretch();

    stripLayout_->setContentsMargins(0, 0, 0, 0);
    stripLayout_->setSpacing(6);
    auto* body = new QHBoxLayout;
    body->addWidget(strip_, 0);
    body->addWidget(canvas_, 1);
    stats_->setTextFormat(Qt::RichText);
    stats_->setWordWrap(true);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(controls);
    layout->addLayout(netControls);
    layout->addLayout(body, 1);
    layout->addWidget(stats_);

    timer_.setInterval(40);
    connect(&timer_, &QTimer::timeout, this, &DecisionBoundaryView::tick);
    connect(playButton_, &QPushButton::clicked, this, [this] { isRunning() ? stop() : start(); });
    connect(stepButton_, &QPushButton::clicked, this, [this] { trainEpochs(1); });
    connect(resetButton_, &QPushButton::clicked, this, &DecisionBoundaryView::resetWeights);
    connect(addLayerButton_, &QPushButton::clicked, this, &DecisionBoundaryView::addLayer);
    connect(removeLayerButton_, &QPushButton::clicked, this, &DecisionBoundaryView::removeLayer);
    connect(modeBox_, &QComboBox::activated, this, [this] { setMode(modeBox_->currentData().toString()); });
    connect(xBox_, &QComboBox::activated, this, [this] { setFeatures(xBox_->currentIndex(), fy_); });
    connect(yBox_, &QComboBox::activated, this, [this] { setFeatures(fx_, yBox_->currentIndex()); });
    connect(activationBox_, &QComboBox::activated, this, [this] { setActivation(activationBox_->currentText()); });
    connect(rateBox_, &QComboBox::activated, this, [this] { model_.setLearningRate(rateBox_->currentData().toDouble()); });
    model_.setLearningRate(0.03);
}

void DecisionBoundaryView::setClassificationData(const Tensor& features, const QStringList& featureNames,
                                                 const std::vector<int>& labels, const QStringList& classNames) {
    classFeatures_ = features;
    classFeatureNames_ = featureNames;
    labels_ = labels;
    classNames_ = classNames;
    xBox_->clear();
    yBox_->clear();
    xBox_->addItems(featureNames);
    yBox_->addItems(featureNames);
    fx_ = 0;
    fy_ = std::min(2, int(featureNames.size()) - 1);  // u − g against r − i: the classes part clearly
    xBox_->setCurrentIndex(fx_);
    yBox_->setCurrentIndex(fy_);
    if (mode_ == "classification") rebuildModel();
}

void DecisionBoundaryView::setRegressionData(const Tensor& features, const QStringList& featureNames,
                                             const std::vector<float>& values) {
    regFeatures_ = features;
    regFeatureNames_ = featureNames;
    values_ = values;
    if (mode_ == "regression") rebuildModel();
}

void DecisionBoundaryView::setMode(const QString& mode) {
    mode_ = mode == "regression" ? "regression" : "classification";
    modeBox_->setCurrentIndex(mode_ == "regression" ? 1 : 0);
    xBox_->setEnabled(mode_ == "classification");
    yBox_->setEnabled(mode_ == "classification");
    rebuildModel();
}

void DecisionBoundaryView::setFeatures(int xFeature, int yFeature) {
    fx_ = xFeature;
    fy_ = yFeature;
    xBox_->setCurrentIndex(fx_);
    yBox_->setCurrentIndex(fy_);
    rebuildModel();
}

// Standardises the chosen columns and hands them to the model with a fixed 30 % test split.
void DecisionBoundaryView::rebuildModel() {
    const bool reg = mode_ == "regression";
    const Tensor& src = reg ? regFeatures_ : classFeatures_;
    if (src.empty()) return;
    const int n = src.batch(), f = int(src.sampleSize());
    std::vector<int> cols;
    if (reg)
        for (int c = 0; c < f; ++c) cols.push_back(c);
    else
        cols = {std::clamp(fx_, 0, f - 1), std::clamp(fy_, 0, f - 1)};
    Tensor x({n, int(cols.size())});
    mean_.assign(cols.size(), 0);
    std_.assign(cols.size(), 1);
    std::vector<double> lo(cols.size()), hi(cols.size());
    for (std::size_t j = 0; j < cols.size(); ++j) {
        std::vector<float> v(static_cast<std::size_t>(n));
        for (int i = 0; i < n; ++i) v[std::size_t(i)] = src.sample(i)[cols[j]];
        double m = 0, s = 0;
        for (float a : v) m += a;
        m /= n;
        for (float a : v) s += (a - m) * (a - m);
        s = std::sqrt(s / std::max(1, n - 1));
        if (!(s > 0)) s = 1;
        mean_[j] = m;
        std_[j] = s;
        lo[j] = (percentile(v, 0.01) - m) / s;
        hi[j] = (percentile(v, 0.99) - m) / s;
        for (int i = 0; i < n; ++i) x.sample(i)[j] = float((v[std::size_t(i)] - m) / s);
    }
    if (!reg) {
        const double px = 0.08 * (hi[0] - lo[0]), py = 0.08 * (hi[1] - lo[1]);
        xMin_ = lo[0] - px, xMax_ = hi[0] + px, yMin_ = lo[1] - py, yMax_ = hi[1] + py;
    }
    std::vector<float> y;
    if (reg) y = values_;
    else
        for (int l : labels_) y.push_back(float(l));
    model_.setData(std::move(x), std::move(y), reg ? 1 : int(classNames_.size()), 0.3, 7);
    rebuildStrip();
    refresh();
}

void DecisionBoundaryView::setHiddenLayers(const std::vector<int>& units) {
    model_.setHiddenLayers(units);
    rebuildStrip();
    refresh();
}

void DecisionBoundaryView::setActivation(const QString& activation) {
    activationBox_->setCurrentText(activation);
    model_.setActivation(activation.toStdString());
    refresh();
}

void DecisionBoundaryView::addLayer() {
    auto h = model_.hiddenLayers();
    if (h.size() >= 5) return;
    h.push_back(h.empty() ? 2 : h.back());
    setHiddenLayers(h);
}

void DecisionBoundaryView::removeLayer() {
    auto h = model_.hiddenLayers();
    if (h.empty()) return;
    h.pop_back();
    setHiddenLayers(h);
}

void DecisionBoundaryView::addNeuron(int layer) {
    auto h = model_.hiddenLayers();
    if (layer < 0 || layer >= int(h.size()) || h[std::size_t(layer)] >= 8) return;
    ++h[std::size_t(layer)];
    setHiddenLayers(h);
}

void DecisionBoundaryView::removeNeuron(int layer) {
    auto h = model_.hiddenLayers();
    if (layer < 0 || layer >= int(h.size()) || h[std::size_t(layer)] <= 1) return;
    --h[std::size_t(layer)];
    setHiddenLayers(h);
}

// One column per hidden layer: its +/− buttons above a small map per neuron.
void DecisionBoundaryView::rebuildStrip() {
    while (QLayoutItem* item = stripLayout_->takeAt(0)) {
        if (item->widget()) item->widget()->deleteLater();
        delete item;
    }
    const bool reg = mode_ == "regression";
    const auto& h = model_.hiddenLayers();
    for (int l = 0; l < int(h.size()); ++l) {
        auto* col = new QWidget(strip_);
        auto* v = new QVBoxLayout(col);
        v->setContentsMargins(0, 0, 0, 0);
        v->setSpacing(3);
        auto* buttons = new QHBoxLayout;
        auto* plus = new QToolButton(col);
        plus->setText("+");
        plus->setObjectName(QString("addNeuron%1").arg(l));
        auto* minus = new QToolButton(col);
        minus->setText("−");
        minus->setObjectName(QString("removeNeuron%1").arg(l));
        connect(plus, &QToolButton::clicked, this, [this, l] { addNeuron(l); });
        connect(minus, &QToolButton::clicked, this, [this, l] { removeNeuron(l); });
        buttons->addWidget(plus);
        buttons->addWidget(minus);
        v->addLayout(buttons);
        auto* title = new QLabel(tr("%1 neurons").arg(h[std::size_t(l)]), col);
        title->setAlignment(Qt::AlignHCenter);
        v->addWidget(title);
        for (int k = 0; k < h[std::size_t(l)] && !reg; ++k) {
            auto* label = new QLabel(col);
            label->setObjectName(QString("neuron_%1_%2").arg(l).arg(k));
            label->setFixedSize(56, 56);
            label->setFrameShape(QFrame::Box);
            v->addWidget(label, 0, Qt::AlignHCenter);
        }
        v->addStretch();
        stripLayout_->addWidget(col);
    }
    strip_->setVisible(!h.empty());
}

QImage DecisionBoundaryView::neuronImage(int layer, int neuron) const {
    if (layer < 0 || layer >= int(neurons_.size()) || neuron < 0 || neuron >= int(neurons_[std::size_t(layer)].size()))
        return {};
    return neurons_[std::size_t(layer)][std::size_t(neuron)];
}

// Evaluates the model over the grid: class-coloured map, each neuron's own map, statistics.
void DecisionBoundaryView::refresh() {
    neurons_.clear();
    if (mode_ == "classification" && model_.featureCount() == 2) {
        Tensor grid({kGrid * kGrid, 2});
        for (int r = 0; r < kGrid; ++r)
            for (int c = 0; c < kGrid; ++c) {
                float* g = grid.sample(r * kGrid + c);
                g[0] = float(xMin_ + (c + 0.5) / kGrid * (xMax_ - xMin_));
                g[1] = float(yMax_ - (r + 0.5) / kGrid * (yMax_ - yMin_));
            }
        std::vector<Tensor> hidden;
        const Tensor prob = model_.probabilities(grid, &hidden);
        const int k = model_.classCount();
        boundary_ = QImage(kGrid, kGrid, QImage::Format_RGB32);
        for (int i = 0; i < kGrid * kGrid; ++i) {
            const float* p = prob.sample(i);
            double rr = 0, gg = 0, bb = 0, top = 0;
            for (int c = 0; c < k; ++c) {
                const QColor col = classColour(c);
                rr += p[c] * col.red();
                gg += p[c] * col.green();
                bb += p[c] * col.blue();
                top = std::max<double>(top, p[c]);
            }
            // Pale where the network hesitates, saturated where it is sure.
            const double s = 0.25 + 0.45 * std::clamp((top - 1.0 / k) / (1 - 1.0 / k), 0.0, 1.0);
            boundary_.setPixel(i % kGrid, i / kGrid,
                               qRgb(int(255 + s * (rr - 255)), int(255 + s * (gg - 255)), int(255 + s * (bb - 255))));
        }
        for (const Tensor& h : hidden) {
            const int units = int(h.sampleSize());
            std::vector<QImage> maps;
            for (int u = 0; u < units; ++u) {
                float m = 1e-6f;
                for (int i = 0; i < h.batch(); ++i) m = std::max(m, std::abs(h.sample(i)[u]));
                QImage img(kGrid, kGrid, QImage::Format_RGB32);
                for (int i = 0; i < h.batch(); ++i) img.setPixel(i % kGrid, i / kGrid, divergingColour(h.sample(i)[u] / m));
                maps.push_back(img);
            }
            neurons_.push_back(std::move(maps));
        }
        for (int l = 0; l < int(neurons_.size()); ++l)
            for (int u = 0; u < int(neurons_[std::size_t(l)].size()); ++u)
                if (auto* label = strip_->findChild<QLabel*>(QString("neuron_%1_%2").arg(l).arg(u)))
                    label->setPixmap(QPixmap::fromImage(neurons_[std::size_t(l)][std::size_t(u)].scaled(
                        54, 54, Qt::IgnoreAspectRatio, Qt::SmoothTransformation)));
    } else {
        boundary_ = QImage();
    }
    stats_->setText(statsText());
    canvas_->update();
    emit updated();
}

QString DecisionBoundaryView::statsText() const {
    auto& m = const_cast<PlaygroundModel&>(model_);
    if (m.featureCount() == 0) return tr("No data yet.");
    QString arch;
    for (int u : m.hiddenLayers()) arch += QString::number(u) + " → ";
    const QString head = tr("Epoch <b>%1</b> · network %2 → %3%4 · ")
                             .arg(m.epoch())
                             .arg(m.featureCount())
                             .arg(arch)
                             .arg(m.isRegression() ? 1 : m.classCount());
    if (m.isRegression())
        return head + tr("training loss %1 · test loss %2 · test NMAD <b>%3</b> · outliers (|Δz| &gt; 0.15(1+z)) <b>%4 %</b>")
                          .arg(m.trainLoss(), 0, 'f', 4)
                          .arg(m.testLoss(), 0, 'f', 4)
                          .arg(m.testNmad(), 0, 'f', 4)
                          .arg(100 * m.testOutlierFraction(), 0, 'f', 1);
    return head + tr("training loss %1 · test loss <b>%2</b> · test accuracy <b>%3 %</b>")
                      .arg(m.trainLoss(), 0, 'f', 3)
                      .arg(m.testLoss(), 0, 'f', 3)
                      .arg(100 * m.testAccuracy(), 0, 'f', 1);
}

void DecisionBoundaryView::start() {
    timer_.start();
    playButton_->setText(tr("❚❚ Pause"));
}

void DecisionBoundaryView::stop() {
    timer_.stop();
    playButton_->setText(tr("▶ Train"));
}

// One epoch per tick (25 a second): slow enough to watch the boundary form, and each tick
// takes a few milliseconds, so the window stays responsive.
void DecisionBoundaryView::tick() {
    model_.trainEpochs(1);
    refresh();
}

void DecisionBoundaryView::trainEpochs(int epochs) {
    model_.trainEpochs(epochs);
    refresh();
}

void DecisionBoundaryView::resetWeights() {
    model_.reset(model_.epoch() + 11);
    refresh();
}

}  // namespace deepfield::widgets
