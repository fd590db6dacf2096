#include "activation_max_tab.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPointer>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>
#include <qcustomplot.h>

#include "explain/activation_max.h"
#include "explain/feature_maps.h"
#include "inspect_common.h"
#include "task_strip.h"
#include "tasks/background_task.h"

namespace deepfield::app::inspect {

ActivationMaxTab::ActivationMaxTab(QWidget* parent)
    : QWidget(parent), layer_(new QComboBox(this)), index_(new QSpinBox(this)), steps_(new QSpinBox(this)),
      jitter_(new QSpinBox(this)), seed_(new QSpinBox(this)), stepSize_(new QDoubleSpinBox(this)),
      blur_(new QDoubleSpinBox(this)), l2_(new QDoubleSpinBox(this)), run_(new QPushButton(tr("Start"), this)),
      picture_(new QLabel(this)), caption_(new QLabel(this)), curve_(new QCustomPlot(this)), task_(new BackgroundTask(this)),
      strip_(new TaskStrip(task_, this)) {
    const ActivationMaxOptions d;
    steps_->setRange(1, 5000);
    steps_->setValue(d.steps);
    jitter_->setRange(0, 16);
    jitter_->setValue(d.jitter);
    seed_->setRange(0, 1 << 30);
    stepSize_->setDecimals(3);
    stepSize_->setRange(0.001, 1);
    stepSize_->setSingleStep(0.01);
    stepSize_->setValue(d.stepSize);
    blur_->setRange(0, 5);
    blur_->setSingleStep(0.1);
    blur_->setValue(d.blurSigma);
    l2_->setDecimals(4);
    l2_->setRange(0, 0.1);
    l2_->setSingleStep(0.001);
    l2_->setValue(d.l2);
    auto* form = new QFormLayout;
    form->addRow(tr("Objective"), layer_);
    form->addRow(tr("Filter / class"), index_);
    form->addRow(tr("Steps"), steps_);
    form->addRow(tr("Step size"), stepSize_);
    form->addRow(tr("Jitter (px)"), jitter_);
    form->addRow(tr("Blur σ (px)"), blur_);
    form->addRow(tr("L2 decay"), l2_);
    form->addRow(tr("Seed"), seed_);
    form->addRow(run_);
    picture_->setMinimumSize(256, 256);
    picture_->setAlignment(Qt::AlignCenter);
    picture_->setFrameShape(QFrame::StyledPanel);
    curve_->addGraph();
    curve_->xAxis->setLabel(tr("step"));
    curve_->yAxis->setLabel(tr("objective"));
    curve_->setMinimumHeight(140);
    auto* right = new QVBoxLayout;
    right->addWidget(picture_, 2);
    right->addWidget(caption_);
    right->addWidget(curve_, 1);
    auto* body = new QHBoxLayout;
    body->addLayout(form);
    body->addLayout(right, 1);
    auto* l = new QVBoxLayout(this);
    l->addLayout(body, 1);
    l->addWidget(strip_);
    connect(layer_, &QComboBox::currentIndexChanged, this, &ActivationMaxTab::updateIndexRange);
    connect(run_, &QPushButton::clicked, this, &ActivationMaxTab::run);
    connect(task_, &BackgroundTask::finished, this, [this](const QString& error, bool cancelled) {
        run_->setEnabled(model_ != nullptr);
        if (error.isEmpty() && !cancelled) strip_->setMessage(tr("Done: %1 images shown.").arg(imagesShown_));
    });
}

void ActivationMaxTab::setModel(std::shared_ptr<Graph> model) {
    model_ = std::move(model);
    QSignalBlocker block(layer_);
    layer_->clear();
    if (model_) {
        layer_->addItem(tr("class (network output)"), QString());
        for (const std::string& n : featureMapLayers(*model_))
            if (model_->node(n).type != "Input") layer_->addItem(tr("filter of %1").arg(QString::fromStdString(n)), QString::fromStdString(n));
    }
    run_->setEnabled(model_ != nullptr);
    updateIndexRange();
}

void ActivationMaxTab::setClassNames(const QStringList& names) {
    classNames_ = names;
    updateIndexRange();
}

void ActivationMaxTab::updateIndexRange() {
    if (!model_) return;
    const QString layer = layer_->currentData().toString();
    const Shape s = layer.isEmpty() ? model_->outputShapes().at(0) : model_->shapeOf(layer.toStdString());
    index_->setRange(0, std::max(0, (s.empty() ? 1 : s[0]) - 1));
}

void ActivationMaxTab::setObjective(const QString& layer, int index) {
    const int k = layer_->findData(layer);
    if (k >= 0) layer_->setCurrentIndex(k);
    index_->setValue(index);
}

void ActivationMaxTab::setSteps(int steps) { steps_->setValue(steps); }
QString ActivationMaxTab::message() const { return strip_->message(); }

bool ActivationMaxTab::run() {
    if (!model_ || task_->isRunning()) return false;
    auto graph = std::make_shared<Graph>(model_->clone());
    ActivationMaxObjective objective;
    objective.layer = layer_->currentData().toString().toStdString();
    objective.index = index_->value();
    ActivationMaxOptions o;
    o.steps = steps_->value();
    o.stepSize = float(stepSize_->value());
    o.jitter = jitter_->value();
    o.blurSigma = blur_->value();
    o.l2 = float(l2_->value());
    o.seed = std::uint64_t(seed_->value());
    o.reportEvery = std::max(1, o.steps / 40);
    imagesShown_ = 0;
    curve_->graph(0)->data()->clear();
    QPointer<ActivationMaxTab> self(this);
    // Intermediate images cross to the UI thread as queued calls (a picture each few steps).
    auto onImage = [self](int step, int steps, float value, const Tensor& image) {
        const QImage q = inputPreview(image);
        QMetaObject::invokeMethod(self.data(), [self, step, steps, value, q] {
            if (self) self->showStep(step, steps, value, q);
        }, Qt::QueuedConnection);
    };
    task_->start(tr("Activation maximisation"), [=](const BackgroundTask::Progress& progress, const std::atomic<bool>& cancel) -> QString {
        TaskControl control;
        control.progress = progress;
        control.cancel = &cancel;
        maximiseActivation(*graph, objective, o, onImage, control);
        return {};
    });
    const QString what = objective.layer.empty()
                             ? tr("class %1 %2").arg(objective.index).arg(classNames_.value(objective.index))
                             : tr("filter %1 of %2").arg(objective.index).arg(QString::fromStdString(objective.layer));
    strip_->started(tr("Maximising %1…").arg(what));
    run_->setEnabled(false);
    return true;
}

void ActivationMaxTab::showStep(int step, int steps, float objective, const QImage& image) {
    ++imagesShown_;
    image_ = image;
    picture_->setPixmap(QPixmap::fromImage(image.scaled(picture_->size() - QSize(4, 4), Qt::KeepAspectRatio, Qt::FastTransformation)));
    caption_->setText(tr("step %1 of %2 · objective %3").arg(step).arg(steps).arg(double(objective), 0, 'g', 4));
    curve_->graph(0)->addData(step, objective);
    curve_->rescaleAxes();
    curve_->replot(QCustomPlot::rpQueuedReplot);
}

}  // namespace deepfield::app::inspect
