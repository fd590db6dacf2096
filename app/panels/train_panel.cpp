#include "train_panel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>
#include <cmath>

#include "cli/image_target_kinds.h"
#include "learning_curve_plot.h"

namespace deepfield::app {

Json TrainSettings::toJson() const {
    return Json{{"loss", loss},
                {"optimizer", optimizer},
                {"optimizer_options", optimizerOptions.toJson()},
                {"options", options.toJson()},
                {"initializer", initializer}};
}

TrainSettings TrainSettings::fromJson(const Json& j) {
    TrainSettings s;
    s.loss = j.value("loss", s.loss);
    s.optimizer = j.value("optimizer", s.optimizer);
    if (j.contains("optimizer_options")) s.optimizerOptions = OptimizerOptions::fromJson(j["optimizer_options"]);
    if (j.contains("options")) s.options = TrainOptions::fromJson(j["options"]);
    s.initializer = j.value("initializer", s.initializer);
    return s;
}

TrainPanel::TrainPanel(QWidget* parent) : QWidget(parent) {
    loss_ = new QComboBox(this);
    setImageTarget({});
    optimizer_ = new QComboBox(this);
    for (const char* o : {"adam", "adamw", "sgd", "rmsprop", "adagrad"}) optimizer_->addItem(o);
    schedule_ = new QComboBox(this);
    for (const char* s : {"constant", "step", "exponential", "cosine"}) schedule_->addItem(s);
    initializer_ = new QComboBox(this);
    initializer_->addItem(tr("as in the network"), "network");
    for (const char* i : {"auto", "he_normal", "he_uniform", "glorot_normal", "glorot_uniform", "lecun_normal",
                          "lecun_uniform", "random_normal", "zeros"})
        initializer_->addItem(i, i);
    initializer_->setToolTip(tr("Starting weights of every Dense and convolution kernel. Try zeros or a tiny "
                                "random_normal to see why the choice matters."));
    lr_ = new QDoubleSpinBox(this);
    lr_->setDecimals(6);
    lr_->setRange(1e-6, 10);
    lr_->setSingleStep(1e-4);
    batchSize_ = new QSpinBox(this);
    batchSize_->setRange(0, 65536);
    batchSize_->setSpecialValueText(tr("full batch"));
    batchSize_->setToolTip(tr("Samples per gradient step: 1 = stochastic, 0 = the whole training set"));
    epochs_ = new QSpinBox(this);
    epochs_->setRange(1, 100000);
    validationSplit_ = new QDoubleSpinBox(this);
    validationSplit_->setRange(0, 0.9);
    validationSplit_->setSingleStep(0.05);
    seed_ = new QSpinBox(this);
    seed_->setRange(0, 1 << 30);
    patience_ = new QSpinBox(this);
    patience_->setRange(0, 1000);
    patience_->setSpecialValueText(tr("off"));
    patience_->setToolTip(tr("Early stopping: epochs without improvement of the validation loss"));

    auto* form = new QFormLayout;
    form->addRow(tr("Loss"), loss_);
    form->addRow(tr("Optimizer"), optimizer_);
    form->addRow(tr("Learning rate"), lr_);
    form->addRow(tr("Schedule"), schedule_);
    form->addRow(tr("Batch size"), batchSize_);
    form->addRow(tr("Epochs"), epochs_);
    form->addRow(tr("Validation split"), validationSplit_);
    form->addRow(tr("Seed"), seed_);
    form->addRow(tr("Early stopping"), patience_);
    form->addRow(tr("Initializer"), initializer_);
    auto* settingsBox = new QGroupBox(tr("Settings"), this);
    settingsBox->setLayout(form);

    start_ = new QPushButton(tr("Train"), this);
    start_->setToolTip(tr("Start training (F5)"));
    pause_ = new QPushButton(tr("Pause"), this);
    step_ = new QPushButton(tr("Step"), this);
    step_->setToolTip(tr("Run one batch, then pause"));
    stop_ = new QPushButton(tr("Stop"), this);
    stop_->setToolTip(tr("Stop after the current batch (Esc)"));
    connect(start_, &QPushButton::clicked, this, &TrainPanel::startRequested);
    connect(pause_, &QPushButton::clicked, this, [this] { emit(paused_ ? resumeRequested() : pauseRequested()); });
    connect(step_, &QPushButton::clicked, this, &TrainPanel::stepRequested);
    connect(stop_, &QPushButton::clicked, this, &TrainPanel::stopRequested);
    auto* buttons = new QHBoxLayout;
    for (QPushButton* b : {start_, pause_, step_, stop_}) buttons->addWidget(b);

    progress_ = new QProgressBar(this);
    status_ = new QLabel(tr("Ready"), this);
    status_->setWordWrap(true);
    message_ = new QLabel(this);
    message_->setWordWrap(true);
    message_->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto* leftWidget = new QWidget(this);
    leftWidget->setMaximumWidth(300);
    auto* left = new QVBoxLayout(leftWidget);
    left->setContentsMargins(0, 0, 0, 0);
    left->addWidget(settingsBox);
    left->addLayout(buttons);
    left->addWidget(progress_);
    left->addWidget(status_);
    left->addWidget(message_);
    left->addStretch(1);
    curves_ = new widgets::LearningCurvePlot(this);
    auto* layout = new QHBoxLayout(this);
    layout->addWidget(leftWidget, 0);
    layout->addWidget(curves_, 1);

    connect(loss_, &QComboBox::activated, this, [this] { preferredLoss_ = loss_->currentText().toStdString(); });
    for (QComboBox* c : {loss_, optimizer_, schedule_, initializer_})
        connect(c, &QComboBox::currentIndexChanged, this, &TrainPanel::settingsChanged);
    for (QSpinBox* s : {batchSize_, epochs_, seed_, patience_})
        connect(s, &QSpinBox::valueChanged, this, &TrainPanel::settingsChanged);
    for (QDoubleSpinBox* s : {lr_, validationSplit_})
        connect(s, &QDoubleSpinBox::valueChanged, this, &TrainPanel::settingsChanged);
    setSettings(TrainSettings{});
    setRunning(false);
}

TrainSettings TrainPanel::settings() const {
    TrainSettings s;
    s.loss = loss_->currentText().toStdString();
    s.optimizer = optimizer_->currentText().toStdString();
    s.optimizerOptions.learningRate = lr_->value();
    s.options.batchSize = batchSize_->value();
    s.options.epochs = epochs_->value();
    s.options.validationSplit = validationSplit_->value();
    s.options.seed = std::uint64_t(seed_->value());
    s.options.earlyStoppingPatience = patience_->value();
    s.options.schedule.kind = schedule_->currentText().toStdString();
    s.initializer = initializer_->currentData().toString().toStdString();
    if (const cli::ImageTargetKind* kind = cli::findImageTarget(imageTarget_)) {
        s.options.metrics = kind->metrics();  // as deepfield-cli train --target
        s.options.accuracyThreshold = 0.5f;
        return s;
    }
    const bool classification = s.loss.find("crossentropy") != std::string::npos;
    s.options.metrics = {classification ? "accuracy" : "mae"};
    if (s.loss == "binary_crossentropy_logits") s.options.accuracyThreshold = 0.0f;
    return s;
}

void TrainPanel::setSettings(const TrainSettings& s) {
    const QSignalBlocker b1(loss_), b2(optimizer_), b3(lr_), b4(batchSize_), b5(epochs_), b6(validationSplit_),
        b7(seed_), b8(patience_), b9(schedule_), b10(initializer_);
    preferredLoss_ = s.loss;
    loss_->setCurrentText(QString::fromStdString(s.loss));
    optimizer_->setCurrentText(QString::fromStdString(s.optimizer));
    lr_->setValue(s.optimizerOptions.learningRate);
    batchSize_->setValue(s.options.batchSize);
    epochs_->setValue(s.options.epochs);
    validationSplit_->setValue(s.options.validationSplit);
    seed_->setValue(int(s.options.seed));
    patience_->setValue(s.options.earlyStoppingPatience);
    schedule_->setCurrentText(QString::fromStdString(s.options.schedule.kind));
    const int init = initializer_->findData(QString::fromStdString(s.initializer));
    initializer_->setCurrentIndex(init < 0 ? 0 : init);
}

void TrainPanel::setImageTarget(const std::string& target) {
    imageTarget_ = target;
    const cli::ImageTargetKind* kind = cli::findImageTarget(target);
    const std::vector<std::string> losses =
        kind ? kind->losses()
             : std::vector<std::string>{"sparse_categorical_crossentropy", "binary_crossentropy",
                                        "binary_crossentropy_logits", "mse", "mae", "huber"};
    const QSignalBlocker block(loss_);
    loss_->clear();
    for (const std::string& l : losses) loss_->addItem(QString::fromStdString(l));
    const int keep = loss_->findText(QString::fromStdString(preferredLoss_));
    loss_->setCurrentIndex(keep >= 0 ? keep : 0);
    loss_->setToolTip(kind ? tr("Losses for the %1 target (%2)")
                                 .arg(QString::fromStdString(kind->description),
                                      kind->segmentation ? tr("per pixel") : tr("image regression"))
                           : tr("Loss for class labels or a numeric target"));
}

bool TrainPanel::canStart() const { return start_->isEnabled(); }
QString TrainPanel::statusText() const { return status_->text(); }

QStringList TrainPanel::lossChoices() const {
    QStringList out;
    for (int i = 0; i < loss_->count(); ++i) out << loss_->itemText(i);
    return out;
}

void TrainPanel::setRunning(bool running, bool paused) {
    paused_ = paused;
    start_->setEnabled(!running && start_->property("canTrain").toBool());
    pause_->setEnabled(running);
    pause_->setText(paused ? tr("Resume") : tr("Pause"));
    step_->setEnabled(running);
    stop_->setEnabled(running);
    for (QWidget* w : std::initializer_list<QWidget*>{loss_, optimizer_, schedule_, initializer_, lr_, batchSize_, epochs_,
                                                      validationSplit_, seed_, patience_})
        w->setEnabled(!running);
}

void TrainPanel::setCanTrain(bool ok, const QString& why) {
    start_->setProperty("canTrain", ok);
    start_->setEnabled(ok && !stop_->isEnabled());
    start_->setToolTip(ok ? tr("Start training (F5)") : why);
    // Say why in the panel too (e.g. a generative network trains in another panel).
    if (!stop_->isEnabled()) status_->setText(ok ? tr("Ready") : why);
}

void TrainPanel::resetProgress(int epochs) {
    totalEpochs_ = std::max(epochs, 1);
    progress_->setRange(0, 1000);
    progress_->setValue(0);
    message_->clear();
    status_->setText(tr("Starting…"));
    elapsed_.start();
}

void TrainPanel::showBatches(const QVector<double>& x, const QVector<double>& loss, const BatchStats& last) {
    curves_->appendBatchLosses(x, loss);
    const double done = (last.epoch - 1 + double(last.batch) / std::max(last.batchesPerEpoch, 1)) / totalEpochs_;
    progress_->setValue(int(1000 * done));
    QString eta;
    if (done > 0.01 && elapsed_.isValid()) {
        const double left = elapsed_.elapsed() / 1000.0 * (1.0 - done) / done;
        eta = left >= 60 ? tr(" · %1 min left").arg(left / 60, 0, 'f', 1) : tr(" · %1 s left").arg(left, 0, 'f', 0);
    }
    status_->setText(tr("Epoch %1/%2 · batch %3/%4 · loss %5 · %6 samples/s")
                         .arg(last.epoch)
                         .arg(totalEpochs_)
                         .arg(last.batch)
                         .arg(last.batchesPerEpoch)
                         .arg(last.loss, 0, 'g', 4)
                         .arg(last.samplesPerSecond, 0, 'f', 0) +
                     eta);
}

void TrainPanel::showEpoch(const EpochStats& e) {
    auto metric = [](const std::map<std::string, double>& m) {
        return m.empty() ? NAN : m.begin()->second;
    };
    if (!e.trainMetrics.empty()) curves_->setMetricName(QString::fromStdString(e.trainMetrics.begin()->first));
    curves_->appendEpoch(e.epoch, e.trainLoss, e.valLoss, metric(e.trainMetrics), metric(e.valMetrics));
    QString text = tr("Epoch %1: train loss %2").arg(e.epoch).arg(e.trainLoss, 0, 'g', 4);
    if (std::isfinite(e.valLoss)) text += tr(", validation loss %1").arg(e.valLoss, 0, 'g', 4);
    for (const auto& [name, value] : e.valMetrics) text += tr(", validation %1 %2").arg(QString::fromStdString(name)).arg(value, 0, 'g', 4);
    message_->setStyleSheet("");
    message_->setText(text + tr(" (%1 s)").arg(e.seconds, 0, 'f', 1));
}

void TrainPanel::showMessage(const QString& text, bool error) {
    message_->setStyleSheet(error ? "color: #c0392b; font-weight: bold;" : "");
    message_->setText(text);
}

}  // namespace deepfield::app
