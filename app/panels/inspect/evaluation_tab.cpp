#include "evaluation_tab.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QSplitter>
#include <QTabWidget>
#include <QVBoxLayout>
#include <qcustomplot.h>

#include "confusion_matrix_view.h"
#include "explain/target.h"
#include "task_strip.h"
#include "tasks/background_task.h"

namespace deepfield::app::inspect {

namespace {
constexpr int kBatch = 64;
constexpr int kMaxListed = 400;  // thumbnails per list (made on the UI thread: keep it bounded)

int datasetIndex(const Dataset* set, int i) {
    if (auto* sub = dynamic_cast<const SubsetDataset*>(set)) return sub->indices()[std::size_t(i)];
    return i;
}
}  // namespace

EvaluationTab::EvaluationTab(QWidget* parent)
    : QWidget(parent), set_(new QComboBox(this)), run_(new QPushButton(tr("Evaluate"), this)),
      matrix_(new widgets::ConfusionMatrixView(this)), cellList_(new QListWidget(this)), misclassified_(new QListWidget(this)),
      cellTitle_(new QLabel(tr("Click a cell to list its images"), this)), summary_(new QLabel(this)), plot_(new QCustomPlot(this)),
      task_(new BackgroundTask(this)), strip_(new TaskStrip(task_, this)) {
    set_->addItem(tr("validation set"), true);
    set_->addItem(tr("whole set"), false);
    for (QListWidget* l : {cellList_, misclassified_}) {
        l->setViewMode(QListView::IconMode);
        l->setIconSize(QSize(64, 64));
        l->setResizeMode(QListView::Adjust);
        l->setMovement(QListView::Static);
        l->setSpacing(4);
        l->setWordWrap(true);
        connect(l, &QListWidget::itemClicked, this, [this](QListWidgetItem* item) {
            emit sampleChosen(item->data(Qt::UserRole + 1).toInt());
        });
    }
    bars_ = new QCPBars(plot_->xAxis, plot_->yAxis);
    plot_->yAxis->setRange(0, 1);
    plot_->yAxis->setLabel(tr("probability"));
    plot_->setMinimumHeight(150);
    auto* top = new QHBoxLayout;
    top->addWidget(new QLabel(tr("Set"), this));
    top->addWidget(set_);
    top->addWidget(run_);
    top->addWidget(summary_, 1);
    auto* left = new QWidget(this);
    auto* ll = new QVBoxLayout(left);
    ll->setContentsMargins(0, 0, 0, 0);
    ll->addWidget(matrix_, 2);
    ll->addWidget(new QLabel(tr("Class probabilities of the chosen image"), this));
    ll->addWidget(plot_, 1);
    auto* lists = new QTabWidget(this);
    auto* cellPage = new QWidget(this);
    auto* cl = new QVBoxLayout(cellPage);
    cl->addWidget(cellTitle_);
    cl->addWidget(cellList_, 1);
    lists->addTab(cellPage, tr("Cell"));
    lists->addTab(misclassified_, tr("Misclassified"));
    auto* split = new QSplitter(Qt::Horizontal, this);
    split->addWidget(left);
    split->addWidget(lists);
    auto* l = new QVBoxLayout(this);
    l->addLayout(top);
    l->addWidget(split, 1);
    l->addWidget(strip_);
    summary_->setWordWrap(true);
    connect(run_, &QPushButton::clicked, this, &EvaluationTab::evaluate);
    connect(set_, &QComboBox::currentIndexChanged, this, &EvaluationTab::evaluate);
    connect(matrix_, &widgets::ConfusionMatrixView::cellClicked, this, &EvaluationTab::showCell);
    connect(task_, &BackgroundTask::finished, this, &EvaluationTab::onFinished);
}

void EvaluationTab::setModel(std::shared_ptr<Graph> model) {
    model_ = std::move(model);
    evaluateOnShow_ = true;
    updateProbabilities();
}

void EvaluationTab::showEvent(QShowEvent* event) {
    QWidget::showEvent(event);
    bringUpToDate();
}

// A new model or image only costs UI time (a forward pass, a clone of the graph, the lists of
// thumbnails when the evaluation ends) once somebody looks at the tab.
void EvaluationTab::bringUpToDate() {
    if (probabilitiesOnShow_) updateProbabilities(true);
    if (evaluateOnShow_) {
        evaluateOnShow_ = false;
        evaluate();
    }
}

BackgroundTask* EvaluationTab::task() {
    bringUpToDate();
    return task_;
}
const SetEvaluation* EvaluationTab::evaluation() {
    bringUpToDate();
    return result_.get();
}
widgets::ConfusionMatrixView* EvaluationTab::matrix() {
    bringUpToDate();
    return matrix_;
}
QListWidget* EvaluationTab::cellList() {
    bringUpToDate();
    return cellList_;
}
QListWidget* EvaluationTab::misclassified() {
    bringUpToDate();
    return misclassified_;
}
const std::vector<float>& EvaluationTab::imageProbabilities() {
    bringUpToDate();
    return imageProbs_;
}
QCPBars* EvaluationTab::bars() {
    bringUpToDate();
    return bars_;
}

void EvaluationTab::setClassNames(const QStringList& names) { classNames_ = names; }

void EvaluationTab::setSets(std::shared_ptr<const Dataset> whole, std::shared_ptr<const Dataset> validation) {
    whole_ = std::move(whole);
    validation_ = std::move(validation);
}

void EvaluationTab::setUseValidation(bool on) { set_->setCurrentIndex(on ? 0 : 1); }

void EvaluationTab::setInput(const InspectInput& input) {
    input_ = input;
    updateProbabilities();
}

void EvaluationTab::updateProbabilities(bool evenIfHidden) {
    probabilitiesOnShow_ = !isVisible() && !evenIfHidden;
    if (probabilitiesOnShow_) return;
    imageProbs_.clear();
    if (model_ && !input_.empty() && model_->outputShapes().at(0).size() == 1) {
        try {
            const Tensor& out = model_->forward(asBatch(input_.x), Mode::Inference);  // one image: milliseconds
            imageProbs_ = probabilities(out.data(), int(out.sampleSize()), endsInSoftmax(*model_));
        } catch (const std::exception& e) {
            strip_->setMessage(QString::fromStdString(e.what()), true);
        }
    }
    QVector<double> keys, values;
    QSharedPointer<QCPAxisTickerText> ticker(new QCPAxisTickerText);
    for (int k = 0; k < int(imageProbs_.size()); ++k) {
        keys << k;
        values << imageProbs_[std::size_t(k)];
        ticker->addTick(k, classNames_.value(k, QString::number(k)));
    }
    bars_->setData(keys, values);
    plot_->xAxis->setTicker(ticker);
    plot_->xAxis->setRange(-0.6, std::max(1, int(keys.size())) - 0.4);
    plot_->replot(QCustomPlot::rpQueuedReplot);
}

bool EvaluationTab::evaluate() {
    evaluateOnShow_ = false;
    if (!model_) return false;
    if (task_->isRunning()) {
        stale_ = true;
        return false;
    }
    stale_ = false;
    const bool useValidation = set_->currentData().toBool();
    auto set = useValidation && validation_ ? validation_ : whole_;
    if (!set || set->size() == 0) {
        strip_->setMessage(tr("Load a data set in the Data panel to evaluate the model on it."));
        return false;
    }
    if (model_->outputShapes().at(0).size() != 1 || set->targetShape() != Shape{1}) {
        strip_->setMessage(tr("The confusion matrix is for classifiers (one class label per image)."));
        return false;
    }
    auto graph = std::make_shared<Graph>(model_->clone());
    const bool softmaxOut = endsInSoftmax(*model_);
    pending_ = std::make_shared<SetEvaluation>();
    pendingSet_ = set;
    auto out = pending_;
    task_->start(tr("Evaluating"), [=](const BackgroundTask::Progress& progress, const std::atomic<bool>& cancel) -> QString {
        const int n = set->size();
        const int K = graph->outputShapes().at(0)[0];
        out->confusion.assign(std::size_t(K), std::vector<int>(std::size_t(K), 0));
        Tensor x, y;
        for (int start = 0; start < n; start += kBatch) {
            if (cancel) return {};
            std::vector<int> idx;
            for (int i = start; i < std::min(n, start + kBatch); ++i) idx.push_back(i);
            set->batch(idx, x, y);
            const Tensor& logits = graph->forward(x, Mode::Inference);
            for (int b = 0; b < int(idx.size()); ++b) {
                auto p = probabilities(logits.sample(b), K, softmaxOut);
                const int pred = int(std::max_element(p.begin(), p.end()) - p.begin());
                const int truth = int(y[std::size_t(b)]);
                if (truth < 0 || truth >= K)
                    return QObject::tr("sample %1 has class %2, the network has %3 outputs").arg(start + b).arg(truth).arg(K);
                out->truth.push_back(truth);
                out->predicted.push_back(pred);
                out->probs.push_back(std::move(p));
                ++out->confusion[std::size_t(truth)][std::size_t(pred)];
            }
            progress(std::min(n, start + kBatch), n);
        }
        return {};
    });
    strip_->started(tr("Evaluating the model on the %1 (%2 images)…").arg(set_->currentText()).arg(set->size()));
    return true;
}

void EvaluationTab::onFinished(const QString& error, bool cancelled) {
    if (stale_) {
        evaluate();
        return;
    }
    if (cancelled || !error.isEmpty() || !pending_) return;
    result_ = pending_;
    evaluated_ = pendingSet_;
    pending_.reset();
    matrix_->setMatrix(result_->confusion, classNames_);
    int correct = 0;
    std::vector<int> wrong;
    for (std::size_t i = 0; i < result_->truth.size(); ++i) {
        if (result_->truth[i] == result_->predicted[i]) ++correct;
        else wrong.push_back(int(i));
    }
    const int n = int(result_->truth.size());
    summary_->setText(tr("%1 images · accuracy %2% · %3 misclassified").arg(n).arg(100.0 * correct / std::max(1, n), 0, 'f', 1).arg(wrong.size()));
    strip_->setMessage(tr("Evaluated on the %1.").arg(set_->currentText()));
    // Most confident mistakes first: the ones worth looking at.
    std::stable_sort(wrong.begin(), wrong.end(), [this](int a, int b) {
        return result_->probs[std::size_t(a)][std::size_t(result_->predicted[std::size_t(a)])] >
               result_->probs[std::size_t(b)][std::size_t(result_->predicted[std::size_t(b)])];
    });
    fillList(misclassified_, wrong);
    cellList_->clear();
    cellTitle_->setText(tr("Click a cell to list its images"));
}

void EvaluationTab::showCell(int t, int p) {
    if (!result_) return;
    std::vector<int> idx;
    for (std::size_t i = 0; i < result_->truth.size(); ++i)
        if (result_->truth[i] == t && result_->predicted[i] == p) idx.push_back(int(i));
    matrix_->setSelected(t, p);
    cellTitle_->setText(tr("%1 images of class %2 predicted as %3").arg(idx.size())
                            .arg(classNames_.value(t, QString::number(t)), classNames_.value(p, QString::number(p))));
    fillList(cellList_, idx);
}

void EvaluationTab::fillList(QListWidget* list, const std::vector<int>& indices) {
    list->clear();
    Tensor x, y;
    for (std::size_t j = 0; j < indices.size() && j < std::size_t(kMaxListed); ++j) {
        const int i = indices[j];
        evaluated_->batch({i}, x, y);
        Tensor sample(x.sampleShape());
        std::copy_n(x.data(), sample.size(), sample.data());
        const int t = result_->truth[std::size_t(i)], p = result_->predicted[std::size_t(i)];
        const float pp = result_->probs[std::size_t(i)][std::size_t(p)];
        auto* item = new QListWidgetItem(QIcon(QPixmap::fromImage(inputPreview(sample).scaled(64, 64))),
                                         tr("#%1 %2→%3\np=%4").arg(datasetIndex(evaluated_.get(), i))
                                             .arg(classNames_.value(t), classNames_.value(p)).arg(double(pp), 0, 'f', 2));
        item->setData(Qt::UserRole, i);  // index in the evaluated set
        item->setData(Qt::UserRole + 1, datasetIndex(evaluated_.get(), i));
        QStringList tip;
        for (int k = 0; k < int(result_->probs[std::size_t(i)].size()); ++k)
            tip << QString("%1: %2").arg(classNames_.value(k, QString::number(k))).arg(double(result_->probs[std::size_t(i)][std::size_t(k)]), 0, 'f', 3);
        item->setToolTip(tip.join("\n"));
        list->addItem(item);
    }
}

}  // namespace deepfield::app::inspect
