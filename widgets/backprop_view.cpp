#include "backprop_view.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPainter>
#include <QPushButton>
#include <QVBoxLayout>
#include <cmath>

#include "layers/dense.h"
#include "train/loss.h"

namespace deepfield::widgets {

namespace {
QString num(double v, int digits = 6) { return std::isfinite(v) ? QString::number(v, 'f', digits) : QString("·"); }
}  // namespace

class BackpropCanvas : public QWidget {
public:
    explicit BackpropCanvas(BackpropView* view) : QWidget(view), v_(view) {
        setMinimumSize(560, 380);
        setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
    }

protected:
    void paintEvent(QPaintEvent*) override {
        QPainter p(this);
        p.setRenderHint(QPainter::Antialiasing);
        p.fillRect(rect(), Qt::white);
        const BackpropView& v = *v_;
        const bool fwd = v.stage_ != BackpropView::Stage::Ready && v.stage_ != BackpropView::Stage::Updated;
        const bool bwd = v.stage_ == BackpropView::Stage::Backwarded;
        const double w = width(), h = height();
        const double r = std::min(w, h) * 0.07;
        const QPointF in[2] = {{w * 0.09, h * 0.30}, {w * 0.09, h * 0.72}};
        const QPointF hid[2] = {{w * 0.42, h * 0.30}, {w * 0.42, h * 0.72}};
        const QPointF out[2] = {{w * 0.75, h * 0.30}, {w * 0.75, h * 0.72}};
        QFont small = font();
        small.setPointSizeF(font().pointSizeF() * 0.85);

        // Edges with their weight (black) and, after Backward, ∂E/∂w (red).
        auto edge = [&](QPointF a, QPointF b, int wi, double along) {
            p.setPen(QPen(QColor(150, 150, 150), 1.5));
            p.drawLine(a, b);
            const QPointF m = a + (b - a) * along;
            p.setFont(small);
            const QString s1 = QString("w%1 = %2").arg(wi).arg(num(v.weight(wi), 5));
            QRectF box(m.x() - 62, m.y() - 16, 124, bwd ? 32 : 17);
            p.setPen(Qt::NoPen);
            p.setBrush(QColor(255, 255, 255, 230));
            p.drawRect(box);
            p.setPen(Qt::black);
            p.drawText(QRectF(box.left(), box.top(), box.width(), 16), Qt::AlignCenter, s1);
            if (bwd) {
                p.setPen(QColor(200, 40, 40));
                p.drawText(QRectF(box.left(), box.top() + 15, box.width(), 16), Qt::AlignCenter,
                           QString("∂E/∂w%1 = %2").arg(wi).arg(num(v.weightGradient(wi), 5)));
            }
        };
        // Worked-example numbering: w1 i1→h1, w2 i2→h1, w3 i1→h2, w4 i2→h2; w5..w8 likewise.
        edge(in[0], hid[0], 1, 0.5);
        edge(in[1], hid[0], 2, 0.28);
        edge(in[0], hid[1], 3, 0.72);
        edge(in[1], hid[1], 4, 0.5);
        edge(hid[0], out[0], 5, 0.5);
        edge(hid[1], out[0], 6, 0.28);
        edge(hid[0], out[1], 7, 0.72);
        edge(hid[1], out[1], 8, 0.5);

        auto neuron = [&](QPointF c, const QString& name, const QString& value, const QColor& fill) {
            p.setPen(QPen(QColor(60, 60, 60), 1.5));
            p.setBrush(fill);
            p.drawEllipse(c, r, r);
            p.setFont(font());
            p.setPen(Qt::black);
            p.drawText(QRectF(c.x() - r, c.y() - r * 0.8, 2 * r, r * 0.8), Qt::AlignCenter, name);
            p.setFont(small);
            p.drawText(QRectF(c.x() - r, c.y(), 2 * r, r * 0.7), Qt::AlignCenter, value);
        };
        const double xIn[2] = {0.05, 0.10}, tOut[2] = {0.01, 0.99};
        for (int i = 0; i < 2; ++i) neuron(in[i], QString("i%1").arg(i + 1), num(xIn[i], 2), QColor(225, 236, 247));
        for (int j = 0; j < 2; ++j)
            neuron(hid[j], QString("h%1").arg(j + 1), fwd ? num(v.hiddenOutput(j), 5) : QString("?"),
                   QColor(235, 245, 225));
        for (int k = 0; k < 2; ++k)
            neuron(out[k], QString("o%1").arg(k + 1), fwd ? num(v.output(k), 5) : QString("?"), QColor(252, 236, 220));

        // Local derivatives under each neuron, after Backward.
        p.setFont(small);
        for (int j = 0; j < 2 && bwd; ++j) {
            const double o = v.hiddenOutput(j);
            p.setPen(QColor(200, 40, 40));
            p.drawText(QRectF(hid[j].x() - 90, hid[j].y() + r + 2, 180, 48), Qt::AlignHCenter,
                       QString("∂out/∂net = out(1−out) = %1\nδ = ∂E/∂net = %2").arg(num(o * (1 - o), 5)).arg(num(v.hiddenDelta(j), 6)));
        }
        for (int k = 0; k < 2; ++k) {
            const double o = v.output(k);
            QString text = QString("target %1").arg(num(tOut[k], 2));
            if (fwd) text += QString("\nE%1 = ½(t − out)² = %2").arg(k + 1).arg(num(0.5 * (tOut[k] - o) * (tOut[k] - o), 6));
            p.setPen(Qt::black);
            p.drawText(QRectF(out[k].x() + r + 6, out[k].y() - 22, w - out[k].x() - r - 8, 40), Qt::AlignLeft, text);
            if (bwd) {
                p.setPen(QColor(200, 40, 40));
                p.drawText(QRectF(out[k].x() - 100, out[k].y() + r + 2, 200, 64), Qt::AlignHCenter,
                           QString("∂E/∂out = out − t = %1\n∂out/∂net = %2\nδ = %3")
                               .arg(num(o - tOut[k], 5))
                               .arg(num(o * (1 - o), 5))
                               .arg(num(v.outputDelta(k), 6)));
            }
        }
        p.setFont(font());
        p.setPen(Qt::black);
        p.drawText(QRectF(8, 6, w - 16, 22), Qt::AlignLeft,
                   QString("biases b1 = %1 (hidden), b2 = %2 (output) · learning rate 0.5")
                       .arg(num(v.bias(true), 4))
                       .arg(num(v.bias(false), 4)));
        QFont big = font();
        big.setBold(true);
        p.setFont(big);
        p.drawText(QRectF(8, h - 28, w - 16, 24), Qt::AlignLeft,
                   fwd || v.stage_ == BackpropView::Stage::Updated
                       ? QString("E_total = %1").arg(num(v.loss_, 9))
                       : QString("E_total = ? (press Forward)"));
    }

private:
    BackpropView* v_;
};

BackpropView::BackpropView(QWidget* parent)
    : QWidget(parent),
      canvas_(new BackpropCanvas(this)),
      forwardButton_(new QPushButton(tr("1. Forward"), this)),
      backwardButton_(new QPushButton(tr("2. Backward"), this)),
      updateButton_(new QPushButton(tr("3. Update"), this)),
      resetButton_(new QPushButton(tr("Reset"), this)),
      hint_(new QLabel(this)) {
    setObjectName("BackpropView");
    auto* buttons = new QHBoxLayout;
    for (QPushButton* b : {forwardButton_, backwardButton_, updateButton_, resetButton_}) buttons->addWidget(b);
    buttons->addStretch();
    hint_->setWordWrap(true);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(buttons);
    layout->addWidget(canvas_, 1);
    layout->addWidget(hint_);
    connect(forwardButton_, &QPushButton::clicked, this, &BackpropView::forward);
    connect(backwardButton_, &QPushButton::clicked, this, &BackpropView::backward);
    connect(updateButton_, &QPushButton::clicked, this, &BackpropView::update);
    connect(resetButton_, &QPushButton::clicked, this, &BackpropView::reset);
    reset();
}

BackpropView::~BackpropView() = default;

Tensor& BackpropView::kernel(bool hidden) const {
    return dynamic_cast<Dense&>(*graph_->node(hidden ? "hidden" : "output").layer).kernel();
}

void BackpropView::reset() {
    graph_ = std::make_unique<Graph>();
    graph_->add("input", "Input", Json{{"shape", {2}}});
    graph_->add("hidden", "Dense", Json{{"units", 2}}, {"input"});
    graph_->add("hidden_sigmoid", "Sigmoid", Json::object(), {"hidden"});
    graph_->add("output", "Dense", Json{{"units", 2}}, {"hidden_sigmoid"});
    graph_->add("output_sigmoid", "Sigmoid", Json::object(), {"output"});
    graph_->build();
    graph_->reset(1);
    auto& h = dynamic_cast<Dense&>(*graph_->node("hidden").layer);
    auto& o = dynamic_cast<Dense&>(*graph_->node("output").layer);
    h.kernel() = Tensor::fromData({2, 2}, {0.15f, 0.20f, 0.25f, 0.30f});
    h.bias() = Tensor::fromData({2}, {0.35f, 0.35f});
    o.kernel() = Tensor::fromData({2, 2}, {0.40f, 0.45f, 0.50f, 0.55f});
    o.bias() = Tensor::fromData({2}, {0.60f, 0.60f});
    graph_->zeroGrad();
    OptimizerOptions opt;
    opt.learningRate = 0.5;
    sgd_ = makeOptimizer("sgd", opt);
    x_ = Tensor::fromData({1, 2}, {0.05f, 0.10f});
    t_ = Tensor::fromData({1, 2}, {0.01f, 0.99f});
    stage_ = Stage::Ready;
    loss_ = NAN;
    steps_ = 0;
    refresh();
}

bool BackpropView::forward() {
    if (stage_ == Stage::Forwarded || stage_ == Stage::Backwarded) return false;
    const Tensor& out = graph_->forward(x_, Mode::Training);
    MeanSquaredError mse;  // mean over the 2 outputs of (t − o)² = ½ Σ (t − o)², the example's E_total
    Tensor grad;
    loss_ = mse.compute(out, t_, grad);
    stage_ = Stage::Forwarded;
    refresh();
    return true;
}

bool BackpropView::backward() {
    if (stage_ != Stage::Forwarded) return false;
    MeanSquaredError mse;
    Tensor grad;
    mse.compute(graph_->output(), t_, grad);
    graph_->zeroGrad();
    graph_->backward(grad, true);
    stage_ = Stage::Backwarded;
    refresh();
    return true;
}

bool BackpropView::update() {
    if (stage_ != Stage::Backwarded) return false;
    sgd_->step(graph_->parameters());
    ++steps_;
    stage_ = Stage::Updated;
    refresh();
    return true;
}

double BackpropView::bias(bool hidden) const {
    return dynamic_cast<Dense&>(*graph_->node(hidden ? "hidden" : "output").layer).bias()[0];
}

double BackpropView::weight(int i) const {
    if (i < 1 || i > 8) return NAN;
    return kernel(i <= 4)[std::size_t((i - 1) % 4)];
}

double BackpropView::weightGradient(int i) const {
    if (i < 1 || i > 8 || stage_ != Stage::Backwarded) return NAN;
    for (const Param& p : graph_->parameters())
        if (p.name == (i <= 4 ? "hidden/kernel" : "output/kernel")) return (*p.grad)[std::size_t((i - 1) % 4)];
    return NAN;
}

double BackpropView::hiddenOutput(int j) const {
    if (stage_ == Stage::Ready || stage_ == Stage::Updated) return NAN;
    return graph_->activation("hidden_sigmoid")[std::size_t(j)];
}

double BackpropView::output(int k) const {
    if (stage_ == Stage::Ready || stage_ == Stage::Updated) return NAN;
    return graph_->activation("output_sigmoid")[std::size_t(k)];
}

double BackpropView::outputDelta(int k) const {
    if (stage_ != Stage::Backwarded) return NAN;
    return graph_->gradient("output")[std::size_t(k)];
}

double BackpropView::hiddenDelta(int j) const {
    if (stage_ != Stage::Backwarded) return NAN;
    return graph_->gradient("hidden")[std::size_t(j)];
}

QString BackpropView::hint() const { return hint_->text(); }

void BackpropView::refresh() {
    forwardButton_->setEnabled(stage_ == Stage::Ready || stage_ == Stage::Updated);
    backwardButton_->setEnabled(stage_ == Stage::Forwarded);
    updateButton_->setEnabled(stage_ == Stage::Backwarded);
    switch (stage_) {
        case Stage::Ready:
            hint_->setText(tr("The starting weights of the worked example. Press Forward: each neuron computes "
                              "net = Σ w·x + b and out = sigmoid(net)."));
            break;
        case Stage::Forwarded:
            hint_->setText(tr("Forward pass done: E_total = ½Σ(target − out)². Press Backward to send the error "
                              "back through the chain rule."));
            break;
        case Stage::Backwarded:
            hint_->setText(tr("Each weight's gradient is δ of the neuron it feeds times the activation it carries "
                              "(e.g. ∂E/∂w5 = δ_o1 · out_h1). Press Update: w ← w − 0.5 · ∂E/∂w."));
            break;
        case Stage::Updated:
            hint_->setText(tr("Step %1 done: every weight moved against its gradient. Press Forward to see the "
                              "error fall (the biases learn too here).")
                               .arg(steps_));
            break;
    }
    canvas_->update();
    emit changed();
}

}  // namespace deepfield::widgets
