#include "inspect_panel.h"

#include <QDragEnterEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QMimeData>
#include <QPushButton>
#include <QSpinBox>
#include <QTabWidget>
#include <QVBoxLayout>

#include "main_window.h"
#include "panels/data_panel.h"
#include "panels/inspect/activation_max_tab.h"
#include "panels/inspect/attributions_tab.h"
#include "panels/inspect/evaluation_tab.h"
#include "panels/inspect/feature_maps_tab.h"
#include "panels/inspect/image_input.h"
#include "panels/inspect/kernels_tab.h"
#include "panels/train_panel.h"
#include "thumbnail_grid.h"
#include "training/training_controller.h"

namespace deepfield::app {

using namespace inspect;

InspectPanel::InspectPanel(MainWindow* window, QWidget* parent)
    : QWidget(parent), window_(window), modelLabel_(new QLabel(this)), imageLabel_(new QLabel(this)),
      message_(new QLabel(this)), sample_(new QSpinBox(this)), open_(new QPushButton(tr("Open image…"), this)),
      tabs_(new QTabWidget(this)), kernels_(new KernelsTab(this)), featureMaps_(new FeatureMapsTab(this)),
      attributions_(new AttributionsTab(this)), activationMax_(new ActivationMaxTab(this)),
      evaluation_(new EvaluationTab(this)) {
    setObjectName("InspectPanel");
    setAcceptDrops(true);
    auto* top = new QHBoxLayout;
    top->addWidget(modelLabel_, 1);
    top->addWidget(new QLabel(tr("Sample"), this));
    top->addWidget(sample_);
    top->addWidget(open_);
    sample_->setToolTip(tr("The data set sample to inspect (clicking a thumbnail in the Data panel chooses it too). "
                           "Or drop a FITS, PNG or JPEG file on this panel."));
    tabs_->addTab(kernels_, tr("Kernels"));
    tabs_->addTab(featureMaps_, tr("Feature maps"));
    tabs_->addTab(attributions_, tr("Attributions"));
    tabs_->addTab(activationMax_, tr("Activation maximisation"));
    tabs_->addTab(evaluation_, tr("Evaluation"));
    auto* l = new QVBoxLayout(this);
    l->addLayout(top);
    l->addWidget(imageLabel_);
    l->addWidget(tabs_, 1);
    l->addWidget(message_);
    message_->setWordWrap(true);
    imageLabel_->setText(tr("No image chosen"));

    connect(sample_, &QSpinBox::valueChanged, this, &InspectPanel::setSample);
    connect(open_, &QPushButton::clicked, this, [this] {
        const QString p = QFileDialog::getOpenFileName(this, tr("Open an image to inspect"), {},
                                                       tr("Images (*.fits *.fit *.fts *.png *.jpg *.jpeg)"));
        if (!p.isEmpty()) openImageFile(p);
    });
    connect(evaluation_, &EvaluationTab::sampleChosen, this, [this](int i) {
        if (i >= 0) sample_->setValue(i);
    });

    if (window_) {
        // A hidden panel (a tab behind another dock) only notes the change: building the model,
        // the feature maps' forward pass and the evaluation wait until it is shown or asked for,
        // so the end of a training run does not stall the UI for panels nobody is looking at.
        connect(window_, &MainWindow::modelChanged, this, [this] {
            staleModel_ = staleDataset_ = true;  // the validation split of the run that made the model
            if (isVisible()) bringUpToDate();
        });
        connect(window_->dataPanel(), &DataPanel::datasetChanged, this, [this] {
            staleDataset_ = true;
            if (isVisible()) bringUpToDate();
        });
        connect(window_->dataPanel()->thumbnails(), &widgets::ThumbnailGrid::imageActivated, this,
                [this](int i) { sample_->setValue(i); });
        connect(kernels_, &KernelsTab::followChanged, window_->training(), &TrainingController::setWeightSnapshots);
        connect(window_->training(), &TrainingController::weightsReady, kernels_, &KernelsTab::showSnapshot);
        pullDataset();
        setModel(window_->trainedModel());
    } else {
        setModel(nullptr);
    }
}

InspectPanel::~InspectPanel() = default;

void InspectPanel::bringUpToDate() {
    if (!window_ || (!staleModel_ && !staleDataset_)) return;
    const bool model = staleModel_;
    staleModel_ = staleDataset_ = false;
    pullDataset();
    if (model) setModel(window_->trainedModel());
}

void InspectPanel::showEvent(QShowEvent* event) {
    QWidget::showEvent(event);
    bringUpToDate();
}

std::shared_ptr<Graph> InspectPanel::model() {
    bringUpToDate();
    return model_;
}
inspect::KernelsTab* InspectPanel::kernels() {
    bringUpToDate();
    return kernels_;
}
inspect::FeatureMapsTab* InspectPanel::featureMaps() {
    bringUpToDate();
    return featureMaps_;
}
inspect::AttributionsTab* InspectPanel::attributions() {
    bringUpToDate();
    return attributions_;
}
inspect::ActivationMaxTab* InspectPanel::activationMax() {
    bringUpToDate();
    return activationMax_;
}
inspect::EvaluationTab* InspectPanel::evaluation() {
    bringUpToDate();
    return evaluation_;
}
const inspect::InspectInput& InspectPanel::input() {
    bringUpToDate();
    return input_;
}

void InspectPanel::pullDataset() {
    DataPanel* d = window_->dataPanel();
    std::shared_ptr<const Dataset> validation;
    try {
        const TrainOptions o = window_->trainPanel()->settings().options;
        if (d->dataset()) validation = d->split(o.validationSplit, o.seed).second;
    } catch (const std::exception&) {
        // No split (e.g. a regression table): evaluate on the whole set.
    }
    setDataset(d->dataset(), validation, d->classNames());
}

void InspectPanel::setDataset(std::shared_ptr<const Dataset> whole, std::shared_ptr<const Dataset> validation,
                              const QStringList& classNames) {
    dataset_ = std::move(whole);
    classNames_ = classNames;
    attributions_->setClassNames(classNames);
    activationMax_->setClassNames(classNames);
    evaluation_->setClassNames(classNames);
    evaluation_->setSets(dataset_, validation);
    {
        QSignalBlocker block(sample_);
        sample_->setRange(0, std::max(0, (dataset_ ? dataset_->size() : 0) - 1));
    }
    sample_->setEnabled(dataset_ && dataset_->size() > 0);
    if (dataset_ && dataset_->size() > 0) setSample(std::min(sample_->value(), dataset_->size() - 1));
}

void InspectPanel::setModel(std::shared_ptr<Graph> model) {
    model_ = std::move(model);
    if (model_) {
        modelLabel_->setText(tr("Model: %1 layers, %2 parameters, input %3")
                                 .arg(model_->nodes().size())
                                 .arg(model_->parameterCount())
                                 .arg(QString::fromStdString(toString(model_->inputShapes().at(0)))));
    } else {
        modelLabel_->setText(tr("No trained model yet: train one (F5) or open a project with trained weights."));
    }
    kernels_->setModel(model_);
    featureMaps_->setModel(model_);
    attributions_->setModel(model_);
    activationMax_->setModel(model_);
    evaluation_->setModel(model_);
}

void InspectPanel::setSample(int index) {
    if (!dataset_ || index < 0 || index >= dataset_->size()) return;
    if (sample_->value() != index) {
        sample_->setValue(index);  // comes back here through valueChanged
        return;
    }
    Tensor x, y;
    try {
        dataset_->batch({index}, x, y);
    } catch (const std::exception& e) {
        message_->setText(QString::fromStdString(e.what()));
        return;
    }
    InspectInput in;
    in.x = Tensor(x.sampleShape());
    std::copy_n(x.data(), in.x.size(), in.x.data());
    in.sample = index;
    const int label = y.size() == 1 ? int(y[0]) : -1;
    in.title = label >= 0 && label < classNames_.size() ? tr("sample %1 (%2)").arg(index).arg(classNames_[label])
                                                        : tr("sample %1").arg(index);
    setInput(in);
}

bool InspectPanel::openImageFile(const QString& path, QString* why) {
    try {
        if (!model_) throw InputError("train a model first: the image is prepared as the network's input");
        InspectInput in;
        in.x = networkInputFromFile(path, dataset_.get(), model_->inputShapes().at(0));
        in.title = QFileInfo(path).fileName();
        setInput(in);
        return true;
    } catch (const std::exception& e) {
        message_->setText(QString::fromStdString(e.what()));
        if (why) *why = message_->text();
        return false;
    }
}

void InspectPanel::setInput(const InspectInput& input) {
    input_ = input;
    if (input_.preview.isNull()) input_.preview = inputPreview(input_.x);
    imageLabel_->setText(tr("Image: %1, %2").arg(input_.title, QString::fromStdString(toString(input_.x.shape()))));
    message_->clear();
    featureMaps_->setInput(input_);
    attributions_->setInput(input_);
    evaluation_->setInput(input_);
}

QString InspectPanel::message() const { return message_->text(); }

void InspectPanel::dragEnterEvent(QDragEnterEvent* event) {
    if (event->mimeData()->hasUrls()) event->acceptProposedAction();
}

void InspectPanel::dropEvent(QDropEvent* event) {
    const QList<QUrl> urls = event->mimeData()->urls();
    if (!urls.isEmpty() && urls.first().isLocalFile()) openImageFile(urls.first().toLocalFile());
}

}  // namespace deepfield::app
