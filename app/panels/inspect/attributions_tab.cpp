#include "attributions_tab.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPainter>
#include <QPushButton>
#include <QSlider>
#include <QSpinBox>
#include <QVBoxLayout>
#include <cmath>

#include "attribution_view.h"
#include "data/fits.h"
#include "explain/feature_maps.h"
#include "explain/attribution_cards.h"
#include "explain/gradcam.h"
#include "explain/guided.h"
#include "explain/integrated_gradients.h"
#include "explain/occlusion.h"
#include "explain/saliency.h"
#include "task_strip.h"
#include "tasks/background_task.h"

namespace deepfield::app::inspect {

namespace {
// The map shown for a (C, H, W) attribution: signed methods keep their sign (sum over channels,
// so completeness still reads off the picture); gradient magnitudes take the largest |value|.
Tensor displayMap(const AttributionMap& m) {
    const Tensor& a = m.map;
    if (a.rank() != 3 || a.dim(0) == 1) return a;
    const bool signedMethod = m.method == "integrated-gradients" || m.method == "gradient-x-input";
    if (!signedMethod) return maxAbsOverChannels(a);
    const int C = a.dim(0), H = a.dim(1), W = a.dim(2);
    Tensor out({1, H, W});
    for (int c = 0; c < C; ++c)
        for (std::size_t i = 0; i < std::size_t(H) * W; ++i) out[i] += a[std::size_t(c) * H * W + i];
    return out;
}
}  // namespace

AttributionsTab::AttributionsTab(QWidget* parent)
    : QWidget(parent), method_(new QComboBox(this)), target_(new QComboBox(this)), baseline_(new QComboBox(this)),
      gradcamLayer_(new QComboBox(this)), colormap_(new QComboBox(this)),
      probability_(new QCheckBox(tr("probability (softmax) instead of logit"), this)),
      sideBySide_(new QCheckBox(tr("Side by side"), this)), steps_(new QSpinBox(this)), samples_(new QSpinBox(this)),
      window_(new QSpinBox(this)), stride_(new QSpinBox(this)), noise_(new QDoubleSpinBox(this)),
      fill_(new QDoubleSpinBox(this)), opacity_(new QSlider(Qt::Horizontal, this)), run_(new QPushButton(tr("Compute"), this)),
      exportFits_(new QPushButton(tr("Export FITS…"), this)), exportPng_(new QPushButton(tr("Export PNG…"), this)),
      completeness_(new QLabel(this)), view_(new widgets::AttributionView(this)), task_(new BackgroundTask(this)),
      strip_(new TaskStrip(task_, this)) {
    // Pixel / region of an image output: channel, first row and column; the region's end (exclusive).
    channel_ = new QSpinBox(this);
    y0_ = new QSpinBox(this);
    x0_ = new QSpinBox(this);
    y1_ = new QSpinBox(this);
    x1_ = new QSpinBox(this);
    pixelRow_ = new QWidget(this);
    auto* pl = new QHBoxLayout(pixelRow_);
    pl->setContentsMargins(0, 0, 0, 0);
    for (auto [label, box] : {std::pair{tr("c"), channel_}, {tr("y"), y0_}, {tr("x"), x0_}}) {
        pl->addWidget(new QLabel(label, pixelRow_));
        pl->addWidget(box);
    }
    regionRow_ = new QWidget(this);
    auto* rl = new QHBoxLayout(regionRow_);
    rl->setContentsMargins(0, 0, 0, 0);
    for (auto [label, box] : {std::pair{tr("to y"), y1_}, {tr("x"), x1_}}) {
        rl->addWidget(new QLabel(label, regionRow_));
        rl->addWidget(box);
    }
    channel_->setToolTip(tr("Output channel (e.g. 0 bulge, 1 disk for a bulge/disk network)"));
    y1_->setToolTip(tr("The region ends before this row and column"));
    const std::pair<const char*, QString> methods[] = {
        {"saliency", tr("Saliency (gradient)")},
        {"gradient-x-input", tr("Gradient × input")},
        {"smoothgrad", tr("SmoothGrad")},
        {"integrated-gradients", tr("Integrated gradients")},
        {"occlusion", tr("Occlusion")},
        {"deconvnet", tr("Deconvnet")},
        {"guided-backprop", tr("Guided backprop")},
        {"gradcam", tr("Grad-CAM")}};
    for (const auto& [id, label] : methods) method_->addItem(label, QString(id));
    for (const char* b : {"zero", "blur", "sky", "noise"}) baseline_->addItem(b);
    steps_->setRange(1, 1000);
    steps_->setValue(50);
    samples_->setRange(1, 500);
    samples_->setValue(25);
    noise_->setRange(0, 1);
    noise_->setSingleStep(0.05);
    noise_->setValue(0.15);
    window_->setRange(1, 256);
    window_->setValue(8);
    stride_->setRange(1, 256);
    stride_->setValue(4);
    fill_->setRange(-1e6, 1e6);
    fill_->setValue(0);
    for (const ColormapInfo& c : colormaps()) colormap_->addItem(c.name, int(c.id));
    colormap_->setCurrentText("coolwarm");
    opacity_->setRange(0, 100);
    opacity_->setValue(60);
    sideBySide_->setChecked(true);

    form_ = new QFormLayout;
    form_->addRow(tr("Method"), method_);
    form_->addRow(tr("Target"), target_);
    form_->addRow(QString(), probability_);
    form_->addRow(tr("Output pixel"), pixelRow_);
    form_->addRow(tr("Region end"), regionRow_);
    form_->addRow(tr("Steps"), steps_);
    form_->addRow(tr("Baseline"), baseline_);
    form_->addRow(tr("Noise level"), noise_);
    form_->addRow(tr("Samples"), samples_);
    form_->addRow(tr("Window"), window_);
    form_->addRow(tr("Stride"), stride_);
    form_->addRow(tr("Fill value"), fill_);
    form_->addRow(tr("Layer"), gradcamLayer_);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(run_);
    buttons->addWidget(exportFits_);
    buttons->addWidget(exportPng_);
    auto* left = new QVBoxLayout;
    left->addLayout(form_);
    left->addLayout(buttons);
    left->addWidget(completeness_);
    left->addStretch(1);
    completeness_->setWordWrap(true);
    completeness_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* display = new QHBoxLayout;
    display->addWidget(new QLabel(tr("Opacity"), this));
    display->addWidget(opacity_, 1);
    display->addWidget(new QLabel(tr("Colour map"), this));
    display->addWidget(colormap_);
    display->addWidget(sideBySide_);
    auto* right = new QVBoxLayout;
    right->addWidget(view_, 1);
    right->addLayout(display);
    auto* body = new QHBoxLayout;
    body->addLayout(left, 0);
    body->addLayout(right, 1);
    auto* l = new QVBoxLayout(this);
    l->addLayout(body, 1);
    l->addWidget(strip_);

    connect(method_, &QComboBox::currentIndexChanged, this, &AttributionsTab::updateParameterRows);
    connect(target_, &QComboBox::currentIndexChanged, this, &AttributionsTab::updateParameterRows);
    connect(run_, &QPushButton::clicked, this, &AttributionsTab::run);
    connect(opacity_, &QSlider::valueChanged, this, [this](int v) { view_->setOpacity(v / 100.0); });
    connect(colormap_, &QComboBox::currentIndexChanged, this,
            [this] { view_->setColormap(Colormap(colormap_->currentData().toInt())); });
    connect(sideBySide_, &QCheckBox::toggled, view_, &widgets::AttributionView::setSideBySide);
    connect(task_, &BackgroundTask::finished, this, &AttributionsTab::onFinished);
    connect(exportFits_, &QPushButton::clicked, this, [this] {
        const QString p = QFileDialog::getSaveFileName(this, tr("Export attribution map"), method() + ".fits", tr("FITS (*.fits)"));
        QString why;
        if (!p.isEmpty() && !exportFits(p, &why)) strip_->setMessage(why, true);
    });
    connect(exportPng_, &QPushButton::clicked, this, [this] {
        const QString p = QFileDialog::getSaveFileName(this, tr("Export picture"), method() + ".png", tr("PNG (*.png)"));
        if (!p.isEmpty() && !exportPng(p)) strip_->setMessage(tr("Could not write '%1'.").arg(p), true);
    });
    view_->setOpacity(0.6);
    updateParameterRows();
    setClassNames({});
}

AttributionsTab::~AttributionsTab() = default;

void AttributionsTab::updateParameterRows() {
    const QString m = method();
    auto show = [this](QWidget* w, bool on) { form_->setRowVisible(w, on); };
    show(steps_, m == "integrated-gradients");
    show(baseline_, m == "integrated-gradients");
    show(noise_, m == "smoothgrad");
    show(samples_, m == "smoothgrad");
    show(window_, m == "occlusion");
    show(stride_, m == "occlusion");
    show(fill_, m == "occlusion");
    show(gradcamLayer_, m == "gradcam");
    const QString t = target_->currentData().toString();
    show(pixelRow_, t == "pixel" || t == "region");
    show(regionRow_, t == "region");
    show(probability_, !classNames_.isEmpty() && t != "pixel" && t != "region");
    // Signed maps read best in a diverging map, magnitudes in a sequential one.
    const bool signedMap = m == "integrated-gradients" || m == "gradient-x-input" || m == "occlusion";
    colormap_->setCurrentText(signedMap ? "coolwarm" : "inferno");
}

void AttributionsTab::setModel(std::shared_ptr<Graph> model) {
    model_ = std::move(model);
    gradcamLayer_->clear();
    if (model_) {
        for (const std::string& n : convolutionLayers(*model_)) gradcamLayer_->addItem(QString::fromStdString(n));
        try {
            gradcamLayer_->setCurrentText(QString::fromStdString(defaultGradCamLayer(*model_)));
        } catch (const std::exception&) {
        }
    }
    run_->setEnabled(model_ != nullptr);
    rebuildTargets();
}

void AttributionsTab::setInput(const InspectInput& input) {
    input_ = input;
    view_->setImage(input.preview);
    view_->clearMap();
    result_.reset();
    completeness_->clear();
}

void AttributionsTab::setClassNames(const QStringList& names) {
    classNames_ = names;
    rebuildTargets();
}

void AttributionsTab::rebuildTargets() {
    const QString keep = targetSpec();
    QSignalBlocker block(target_);
    target_->clear();
    const Shape out = model_ ? model_->outputShapes().at(0) : Shape{};
    if (out.size() == 3) {  // image to image: a pixel or the mean over a region of the output
        target_->addItem(tr("output pixel"), QString("pixel"));
        target_->addItem(tr("output region (mean)"), QString("region"));
        const int C = out[0], H = out[1], W = out[2];
        channel_->setRange(0, C - 1);
        y0_->setRange(0, H - 1);
        x0_->setRange(0, W - 1);
        y1_->setRange(1, H);
        x1_->setRange(1, W);
        if (keep.isEmpty() || !(keep.startsWith("pixel") || keep.startsWith("region"))) {  // the central quarter
            y0_->setValue(H / 4);
            x0_->setValue(W / 4);
            y1_->setValue(H - H / 4);
            x1_->setValue(W - W / 4);
        }
    } else {
        const int K = out.size() == 1 ? out[0] : int(classNames_.size());
        // Classes by name when the data set has them; otherwise regression outputs (or unnamed logits).
        if (!classNames_.isEmpty()) target_->addItem(tr("predicted class"), QString("predicted"));
        for (int k = 0; k < K; ++k)
            target_->addItem(k < classNames_.size() ? tr("%1 (class %2)").arg(classNames_[k]).arg(k) : tr("output %1").arg(k),
                             QString::number(k));
        if (classNames_.isEmpty() && K > 1) target_->addItem(tr("largest output"), QString("predicted"));
    }
    const int k = target_->findData(keep.section(':', 0, 0));
    target_->setCurrentIndex(std::max(0, k));
    updateParameterRows();
}

bool AttributionsTab::setTarget(const QString& spec) {
    Target t;
    try {
        t = Target::parse(spec.toStdString());
    } catch (const std::exception& e) {
        strip_->setMessage(QString::fromStdString(e.what()), true);
        return false;
    }
    QString key = t.kind == Target::Kind::Predicted ? "predicted"
                  : t.kind == Target::Kind::Class   ? QString::number(t.index)
                  : t.kind == Target::Kind::Pixel   ? "pixel"
                                                    : "region";
    const int k = target_->findData(key);
    if (k < 0) return false;
    if (t.kind == Target::Kind::Pixel || t.kind == Target::Kind::Region) {
        const bool region = t.kind == Target::Kind::Region;
        auto fits = [](QSpinBox* b, int v) { return v >= b->minimum() && v <= b->maximum(); };
        if (!fits(channel_, t.index) || !fits(y0_, t.y0) || !fits(x0_, t.x0) ||
            (region && (!fits(y1_, t.y1) || !fits(x1_, t.x1) || t.y1 <= t.y0 || t.x1 <= t.x0)))
            return false;
    }
    target_->setCurrentIndex(k);
    if (t.kind == Target::Kind::Pixel || t.kind == Target::Kind::Region) {
        channel_->setValue(t.index);
        y0_->setValue(t.y0);
        x0_->setValue(t.x0);
        y1_->setValue(t.y1);
        x1_->setValue(t.x1);
    }
    return true;
}

QString AttributionsTab::targetSpec() const {
    const QString t = target_->currentData().toString();
    if (t == "pixel") return QString("pixel:%1,%2,%3").arg(channel_->value()).arg(y0_->value()).arg(x0_->value());
    if (t == "region")
        return QString("region:%1,%2,%3,%4,%5").arg(channel_->value()).arg(y0_->value()).arg(x0_->value())
            .arg(y1_->value()).arg(x1_->value());
    return t;
}

QStringList AttributionsTab::targetChoices() const {
    QStringList out;
    for (int i = 0; i < target_->count(); ++i) out << target_->itemText(i);
    return out;
}

void AttributionsTab::setMethod(const QString& id) {
    const int k = method_->findData(id);
    if (k >= 0) method_->setCurrentIndex(k);
}
QString AttributionsTab::method() const { return method_->currentData().toString(); }
void AttributionsTab::setSteps(int steps) { steps_->setValue(steps); }
void AttributionsTab::setBaseline(const QString& name) { baseline_->setCurrentText(name); }
bool AttributionsTab::isRunning() const { return task_->isRunning(); }
QString AttributionsTab::completenessText() const { return completeness_->text(); }
QString AttributionsTab::message() const { return strip_->message(); }

bool AttributionsTab::run() {
    if (task_->isRunning()) return false;
    if (!model_ || input_.empty()) {
        strip_->setMessage(!model_ ? tr("Train a network first.") : tr("Choose an image first."), true);
        return false;
    }
    // The worker explains on its own copy: the UI keeps using the model meanwhile.
    auto graph = std::make_shared<Graph>(model_->clone());
    const Tensor x = input_.x;
    const QString m = method();
    Target target;
    try {
        target = Target::parse(targetSpec().toStdString(), !classNames_.isEmpty() && probability_->isChecked());
    } catch (const std::exception& e) {
        strip_->setMessage(QString::fromStdString(e.what()), true);
        return false;
    }
    IntegratedGradientsOptions ig;
    ig.steps = steps_->value();
    ig.baseline = baselineKindFromString(baseline_->currentText().toStdString());
    SmoothGradOptions sg;
    sg.samples = samples_->value();
    sg.noiseLevel = float(noise_->value());
    sg.batchSize = std::min(sg.batchSize, sg.samples);
    OcclusionOptions oc;
    oc.window = window_->value();
    oc.stride = stride_->value();
    oc.fill = float(fill_->value());
    GradCamOptions gc;
    gc.layer = gradcamLayer_->currentText().toStdString();
    pending_ = std::make_shared<AttributionMap>();
    auto out = pending_;
    resultTitle_ = input_.title;
    task_->start(method_->currentText(), [=](const BackgroundTask::Progress& progress, const std::atomic<bool>& cancel) -> QString {
        TaskControl control;
        control.progress = progress;
        control.cancel = &cancel;
        Graph& g = *graph;
        if (m == "saliency") *out = saliency(g, x, target, SaliencyKind::Gradient, control);
        else if (m == "gradient-x-input") *out = saliency(g, x, target, SaliencyKind::GradientTimesInput, control);
        else if (m == "smoothgrad") *out = smoothGrad(g, x, target, sg, control);
        else if (m == "integrated-gradients") *out = integratedGradients(g, x, target, ig, control);
        else if (m == "occlusion") *out = occlusion(g, x, target, oc, control);
        else if (m == "deconvnet") *out = deconvnet(g, x, target, control);
        else if (m == "guided-backprop") *out = guidedBackprop(g, x, target, control);
        else *out = gradCam(g, x, target, gc, control);
        return {};
    });
    strip_->started(tr("Computing %1 for %2…").arg(method_->currentText(), input_.title));
    run_->setEnabled(false);
    return true;
}

void AttributionsTab::onFinished(const QString& error, bool cancelled) {
    run_->setEnabled(model_ != nullptr);
    if (cancelled || !error.isEmpty() || !pending_) return;
    result_ = pending_;
    pending_.reset();
    showResult();
    emit mapReady();
}

void AttributionsTab::showResult() {
    const AttributionMap& m = *result_;
    view_->setMap(displayMap(m));
    QString target = QString::fromStdString(m.target);
    if (m.targetClass >= 0 && m.targetClass < classNames_.size()) target += QString(" (%1)").arg(classNames_[m.targetClass]);
    strip_->setMessage(tr("%1 of %2 for %3: f(x) = %4").arg(QString::fromStdString(m.method), target, resultTitle_)
                           .arg(m.targetValue, 0, 'g', 5));
    if (m.hasCompleteness) {
        completeness_->setText(tr("Completeness: Σ attributions = %1; f(x) − f(baseline) = %2 − %3 = %4; relative error %5%")
                                   .arg(m.attributionSum, 0, 'g', 6).arg(m.targetValue, 0, 'g', 6)
                                   .arg(m.baselineValue, 0, 'g', 6).arg(m.targetValue - m.baselineValue, 0, 'g', 6)
                                   .arg(100.0 * m.completenessError(), 0, 'g', 3));
    } else {
        completeness_->setText(tr("(The completeness check belongs to integrated gradients.)"));
    }
}

bool AttributionsTab::exportFits(const QString& path, QString* why) const {
    if (!result_) {
        if (why) *why = tr("Compute a map first.");
        return false;
    }
    const AttributionMap& m = *result_;
    const QString className = m.targetClass >= 0 && m.targetClass < classNames_.size() ? classNames_[m.targetClass] : QString();
    std::vector<FitsCard> cards = attributionCards(m, className.toStdString());
    addCard(cards, "DF_IMAGE", resultTitle_.toStdString(), "explained image");
    try {
        writeFits(path.toStdString(), m.map, cards);
    } catch (const std::exception& e) {
        if (why) *why = QString::fromStdString(e.what());
        return false;
    }
    return true;
}

bool AttributionsTab::exportPng(const QString& path) const {
    if (!view_->hasMap()) return false;
    // The overlay and the map side by side, each pixel enlarged to at least 256 pixels per side.
    const QImage overlay = view_->overlayImage(), heat = view_->heatmapImage();
    const int scale = std::max(1, 256 / std::max(1, std::max(heat.width(), heat.height())));
    QImage out(heat.width() * scale * 2 + 8, heat.height() * scale, QImage::Format_RGB32);
    out.fill(Qt::white);
    QPainter p(&out);
    p.drawImage(QRect(0, 0, heat.width() * scale, heat.height() * scale), overlay);
    p.drawImage(QRect(heat.width() * scale + 8, 0, heat.width() * scale, heat.height() * scale), heat);
    p.end();
    return out.save(path, "PNG");
}

}  // namespace deepfield::app::inspect
