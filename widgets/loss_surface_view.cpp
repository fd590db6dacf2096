#include "loss_surface_view.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <QPushButton>
#include <QVBoxLayout>
#include <cmath>

#include "core/rng.h"
#include "train/optimizer.h"

namespace deepfield::widgets {

LossSurfaceView::LossSurfaceView(QWidget* parent)
    : QWidget(parent), modeBox_(new QComboBox(this)), playButton_(new QPushButton(tr("▶ Descend"), this)),
      resetButton_(new QPushButton(tr("Reset"), this)) {
    setObjectName("LossSurfaceView");
    setMinimumSize(420, 380);
    // 64 points along y = 1.5 x − 0.5 with noise; x from 0 to 3 (not centred: a long, tilted valley).
    Rng rng(5);
    for (int i = 0; i < 64; ++i) {
        const float x = rng.uniform(0.0f, 3.0f);
        x_.push_back(x);
        y_.push_back(1.5f * x - 0.5f + rng.normal(0.0f, 0.3f));
    }
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    const double n = double(x_.size());
    for (std::size_t i = 0; i < x_.size(); ++i) {
        sx += x_[i];
        sy += y_[i];
        sxx += double(x_[i]) * x_[i];
        sxy += double(x_[i]) * y_[i];
    }
    const double a = (n * sxy - sx * sy) / (n * sxx - sx * sx);
    minimum_ = QPointF(a, (sy - a * sx) / n);

    modeBox_->addItem(tr("Race: SGD, momentum, RMSprop, Adagrad, Adam"), "optimizers");
    modeBox_->addItem(tr("Batch vs mini-batch vs stochastic"), "batch");
    auto* bar = new QHBoxLayout;
    bar->addWidget(modeBox_);
    bar->addWidget(playButton_);
    bar->addWidget(resetButton_);
    bar->addStretch();
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(bar);
    layout->addStretch();
    timer_.setInterval(30);
    connect(&timer_, &QTimer::timeout, this, [this] {
        shown_ = std::min(shown_ + 1, steps_);
        if (shown_ >= steps_) timer_.stop();
        update();
    });
    connect(modeBox_, &QComboBox::activated, this, [this] { setMode(modeBox_->currentData().toString()); });
    connect(playButton_, &QPushButton::clicked, this, &LossSurfaceView::play);
    connect(resetButton_, &QPushButton::clicked, this, &LossSurfaceView::reset);
    renderMap();
    compute();
}

double LossSurfaceView::loss(double a, double b) const {
    double s = 0;
    for (std::size_t i = 0; i < x_.size(); ++i) {
        const double d = a * x_[i] + b - y_[i];
        s += d * d;
    }
    return s / double(x_.size());
}

void LossSurfaceView::setMode(const QString& mode) {
    mode_ = mode == "batch" ? "batch" : "optimizers";
    modeBox_->setCurrentIndex(mode_ == "batch" ? 1 : 0);
    compute();
}

void LossSurfaceView::setStart(double a, double b) {
    start_ = QPointF(a, b);
    compute();
}

void LossSurfaceView::setSteps(int steps) {
    steps_ = std::max(1, steps);
    compute();
}

void LossSurfaceView::reset() {
    timer_.stop();
    start_ = QPointF(-1.5, 2.6);
    compute();
}

void LossSurfaceView::play() {
    shown_ = 0;
    timer_.start();
}

// Every path is a real optimisation: the engine's optimizer updates a 2-element parameter
// from the analytic gradient of the mean squared error over the chosen points.
void LossSurfaceView::compute() {
    struct Run {
        QString name;
        QColor colour;
        std::string optimizer;
        OptimizerOptions options;
        int batch;
    };
    std::vector<Run> runs;
    auto opt = [](double lr, double momentum = 0) {
        OptimizerOptions o;
        o.learningRate = lr;
        o.momentum = momentum;
        return o;
    };
    const int n = int(x_.size());
    if (mode_ == "optimizers") {
        runs = {{tr("SGD"), QColor(40, 40, 40), "sgd", opt(0.05), n},
                {tr("momentum 0.9"), QColor(214, 60, 50), "sgd", opt(0.01, 0.9), n},
                {tr("RMSprop"), QColor(39, 150, 80), "rmsprop", opt(0.05), n},
                {tr("Adagrad"), QColor(142, 68, 173), "adagrad", opt(0.5), n},
                {tr("Adam"), QColor(230, 126, 34), "adam", opt(0.1), n}};
    } else {
        runs = {{tr("full batch (64)"), QColor(40, 40, 40), "sgd", opt(0.05), n},
                {tr("mini-batch (8)"), QColor(47, 127, 208), "sgd", opt(0.05), 8},
                {tr("stochastic (1)"), QColor(214, 60, 50), "sgd", opt(0.05), 1}};
    }
    paths_.clear();
    for (const Run& r : runs) {
        Tensor value = Tensor::fromData({2}, {float(start_.x()), float(start_.y())});
        Tensor grad({2});
        Param p{"line", &value, &grad};
        auto optimizer = makeOptimizer(r.optimizer, r.options);
        Rng rng(11);
        Path path{r.name, r.colour, {start_}};
        std::vector<int> order;
        std::size_t next = 0;
        for (int s = 0; s < steps_; ++s) {
            double ga = 0, gb = 0;
            for (int k = 0; k < r.batch; ++k) {
                if (next >= order.size()) {
                    order = rng.permutation(n);
                    next = 0;
                }
                const int i = r.batch == n ? k : order[next++];
                const double d = value[0] * x_[std::size_t(i)] + value[1] - y_[std::size_t(i)];
                ga += 2 * d * x_[std::size_t(i)] / r.batch;
                gb += 2 * d / r.batch;
            }
            grad[0] = float(ga);
            grad[1] = float(gb);
            optimizer->step({p});
            path.points.emplace_back(value[0], value[1]);
        }
        paths_.push_back(std::move(path));
    }
    shown_ = steps_;
    update();
    emit changed();
}

// log(loss) in bands, light at the bottom of the valley.
void LossSurfaceView::renderMap() {
    const int w = 200, h = 200;
    map_ = QImage(w, h, QImage::Format_RGB32);
    const double lo = std::log(loss(minimum_.x(), minimum_.y()));
    double hi = lo;
    std::vector<double> v(std::size_t(w) * h);
    for (int r = 0; r < h; ++r)
        for (int c = 0; c < w; ++c) {
            const double a = aMin_ + (c + 0.5) / w * (aMax_ - aMin_), b = bMax_ - (r + 0.5) / h * (bMax_ - bMin_);
            hi = std::max(hi, v[std::size_t(r) * w + c] = std::log(loss(a, b)));
        }
    for (int i = 0; i < w * h; ++i) {
        const double t = (v[std::size_t(i)] - lo) / (hi - lo);
        const double band = std::floor(t * 14) / 14;  // contour-like steps
        const QColor c = QColor::fromHsvF(0.6 - 0.55 * band, 0.25 + 0.5 * band, 1.0 - 0.25 * band);
        map_.setPixel(i % w, i / w, c.rgb());
    }
}

QRectF LossSurfaceView::plotRect() const {
    const double side = std::min(width() - 70.0, height() - 80.0);
    return QRectF(50, 44, side, side);
}

QPointF LossSurfaceView::toScreen(QPointF ab) const {
    const QRectF r = plotRect();
    return QPointF(r.left() + (ab.x() - aMin_) / (aMax_ - aMin_) * r.width(),
                   r.bottom() - (ab.y() - bMin_) / (bMax_ - bMin_) * r.height());
}

void LossSurfaceView::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const QRectF r = plotRect();
    if (r.width() < 50) return;
    p.drawImage(r, map_);
    p.setClipRect(r);
    for (const Path& path : paths_) {
        QPainterPath line;
        const int last = std::min<int>(shown_, int(path.points.size()) - 1);
        line.moveTo(toScreen(path.points[0]));
        for (int i = 1; i <= last; ++i) line.lineTo(toScreen(path.points[std::size_t(i)]));
        p.setPen(QPen(path.colour, 2));
        p.setBrush(Qt::NoBrush);
        p.drawPath(line);
        p.setBrush(path.colour);
        p.drawEllipse(toScreen(path.points[std::size_t(last)]), 4, 4);
    }
    p.setClipping(false);
    p.setPen(QPen(Qt::black, 2));
    const QPointF m = toScreen(minimum_);
    p.drawLine(m + QPointF(-6, -6), m + QPointF(6, 6));
    p.drawLine(m + QPointF(-6, 6), m + QPointF(6, -6));
    p.setPen(QColor(80, 80, 80));
    p.setBrush(Qt::NoBrush);
    p.drawRect(r);
    p.drawText(QRectF(r.left(), r.bottom() + 4, r.width(), 18), Qt::AlignHCenter, tr("slope a"));
    p.save();
    p.translate(r.left() - 30, r.center().y());
    p.rotate(-90);
    p.drawText(QRectF(-80, -10, 160, 18), Qt::AlignHCenter, tr("intercept b"));
    p.restore();
    for (int i = 0; i <= 6; ++i) {
        const double a = aMin_ + i * (aMax_ - aMin_) / 6, b = bMin_ + i * (bMax_ - bMin_) / 6;
        p.drawText(QRectF(toScreen({a, bMin_}).x() - 20, r.bottom() + 18, 40, 14), Qt::AlignHCenter, QString::number(a, 'f', 1));
        p.drawText(QRectF(r.left() - 48, toScreen({aMin_, b}).y() - 7, 20, 14), Qt::AlignRight, QString::number(b, 'f', 1));
    }
    // Legend: the final loss of each path.
    double y = r.top() + 4;
    for (const Path& path : paths_) {
        const QPointF e = path.points[std::size_t(std::min<int>(shown_, int(path.points.size()) - 1))];
        const QString s = QString("%1  loss %2").arg(path.name).arg(loss(e.x(), e.y()), 0, 'f', 4);
        p.fillRect(QRectF(r.right() - 190, y, 186, 16), QColor(255, 255, 255, 210));
        p.setPen(path.colour);
        p.drawText(QRectF(r.right() - 186, y, 182, 16), Qt::AlignLeft | Qt::AlignVCenter, s);
        y += 17;
    }
    p.setPen(QColor(60, 60, 60));
    p.drawText(QRectF(r.left(), r.bottom() + 34, r.width() + 20, 16), Qt::AlignLeft,
               tr("step %1 / %2 · ✕ = least-squares minimum · click to move the start").arg(shown_).arg(steps_));
}

void LossSurfaceView::mousePressEvent(QMouseEvent* e) {
    const QRectF r = plotRect();
    if (!r.contains(e->position())) return;
    const double a = aMin_ + (e->position().x() - r.left()) / r.width() * (aMax_ - aMin_);
    const double b = bMax_ - (e->position().y() - r.top()) / r.height() * (bMax_ - bMin_);
    setStart(a, b);
    play();
}

}  // namespace deepfield::widgets
