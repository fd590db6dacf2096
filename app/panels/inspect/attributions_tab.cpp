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
    target_->clear();
    target_->addItem(tr("predicted class"), -1);
    for (int k = 0; k < names.size(); ++k) target_->addItem(tr("%1 (class %2)").arg(names[k]).arg(k), k);
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
    const int cls = target_->currentData().toInt();
    const Target target = cls < 0 ? Target::predicted(probability_->isChecked()) : Target::classIndex(cls, probability_->isChecked());
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
