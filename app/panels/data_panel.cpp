#include "data_panel.h"

#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QCoreApplication>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QStackedWidget>
#include <QTabWidget>
#include <QValueAxis>
#include <QVBoxLayout>

#include "core/error.h"
#include "data/simulator.h"
#include "data/standardizer.h"
#include "data/table.h"
#include "tasks/background_task.h"
#include "thumbnail_grid.h"

namespace deepfield::app {

namespace {
QStringList toQStringList(const std::vector<std::string>& v) {
    QStringList out;
    for (const auto& s : v) out << QString::fromStdString(s);
    return out;
}

std::vector<std::string> splitList(const QString& text) {
    std::vector<std::string> out;
    for (const QString& p : text.split(',', Qt::SkipEmptyParts)) out.push_back(p.trimmed().toStdString());
    return out;
}

// Simulated galaxies as an in-memory dataset with their class labels. Each image is scaled
// by its own peak-free brightness (99th percentile) so the network sees comparable contrast.
std::shared_ptr<LoadedData> loadSimulated(const Json& s, const BackgroundTask::Progress& progress,
                                          const std::atomic<bool>& cancel) {
    SimOptions o;
    o.kind = simKindFromString(s.value("sim_kind", "morphology"));
    o.size = s.value("size", 64);
    o.seed = s.value("seed", 1);
    o.bands = s.value("bands", std::vector<std::string>{"r"});
    const int count = s.value("count", 1000);
    if (count < 1 || o.size < 8) throw InputError("simulated data: count must be ≥ 1 and size ≥ 8");
    auto galaxies = simulateGalaxies(o, 0, count, progress, &cancel);
    if (cancel) return nullptr;
    const int c = int(o.bands.size());
    Tensor x({int(galaxies.size()), c, o.size, o.size}), y({int(galaxies.size()), 1});
    auto out = std::make_shared<LoadedData>();
    out->classNames = toQStringList(galaxyClassNames());
    for (std::size_t i = 0; i < galaxies.size(); ++i) {
        const Tensor& img = galaxies[i].image;
        std::vector<float> sorted(img.data(), img.data() + img.size());
        const std::size_t k = sorted.size() * 99 / 100;
        std::nth_element(sorted.begin(), sorted.begin() + long(k), sorted.end());
        const float scale = 1.0f / std::max(sorted[k], 1e-6f);
        float* dst = x.sample(int(i));
        for (std::size_t j = 0; j < img.size(); ++j) dst[j] = img[j] * scale;
        const int label = int(galaxies[i].params.galaxyClass);
        y[i] = float(label);
        out->labels.push_back(label);
    }
    out->data = std::make_shared<TensorDataset>(std::move(x), std::move(y));
    return out;
}

std::shared_ptr<LoadedData> loadTable(const Json& s) {
    const std::string path = s.value("path", "");
    if (path.empty()) throw InputError("choose a CSV file first");
    const Table table = readCsv(path);
    const auto features = s.value("features", std::vector<std::string>{});
    if (features.empty()) throw InputError("name the input columns (features), e.g. u-g,g-r,r-i,i-z");
    const TableSpec spec = inferSpec(table, features, s.value("target", std::string("class")));
    TableData d = extract(table, spec, true);
    auto out = std::make_shared<LoadedData>();
    out->classNames = toQStringList(spec.classes);
    if (spec.task == "classification")
        for (int i = 0; i < d.targets.batch(); ++i) out->labels.push_back(int(d.targets[std::size_t(i)]));
    out->standardize = true;
    out->data = std::make_shared<TensorDataset>(std::move(d.inputs), std::move(d.targets));
    return out;
}
}  // namespace

DataPanel::DataPanel(QWidget* parent) : QWidget(parent), task_(new BackgroundTask(this)) {
    kind_ = new QComboBox(this);
    kind_->addItem(tr("Simulated galaxies"), "simulated");
    kind_->addItem(tr("Table (CSV)"), "table");

    auto* simForm = new QWidget(this);
    auto* sf = new QFormLayout(simForm);
    simKind_ = new QComboBox(simForm);
    simKind_->addItems({"morphology"});
    simCount_ = new QSpinBox(simForm);
    simCount_->setRange(10, 200000);
    simCount_->setSingleStep(100);
    simSize_ = new QSpinBox(simForm);
    simSize_->setRange(16, 256);
    simSize_->setSingleStep(16);
    simSeed_ = new QSpinBox(simForm);
    simSeed_->setRange(0, 1 << 30);
    simBands_ = new QLineEdit(simForm);
    simBands_->setToolTip(tr("Bands, e.g. r (one channel) or g,r,i (three channels)"));
    sf->addRow(tr("Kind"), simKind_);
    sf->addRow(tr("Galaxies"), simCount_);
    sf->addRow(tr("Size (pixels)"), simSize_);
    sf->addRow(tr("Bands"), simBands_);
    sf->addRow(tr("Seed"), simSeed_);

    auto* tableForm = new QWidget(this);
    auto* tf = new QFormLayout(tableForm);
    tablePath_ = new QLineEdit(tableForm);
    auto* browse = new QPushButton(tr("…"), tableForm);
    browse->setMaximumWidth(32);
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString p = QFileDialog::getOpenFileName(this, tr("Open table"), {}, tr("CSV tables (*.csv *.txt)"));
        if (!p.isEmpty()) tablePath_->setText(p);
    });
    auto* pathRow = new QHBoxLayout;
    pathRow->addWidget(tablePath_, 1);
    pathRow->addWidget(browse);
    tableFeatures_ = new QLineEdit(tableForm);
    tableFeatures_->setPlaceholderText("u-g,g-r,r-i,i-z");
    tableTarget_ = new QLineEdit(tableForm);
    tableTarget_->setPlaceholderText("class");
    tf->addRow(tr("File"), pathRow);
    tf->addRow(tr("Inputs"), tableFeatures_);
    tf->addRow(tr("Target"), tableTarget_);

    forms_ = new QStackedWidget(this);
    forms_->addWidget(simForm);
    forms_->addWidget(tableForm);
    connect(kind_, &QComboBox::currentIndexChanged, forms_, &QStackedWidget::setCurrentIndex);

    loadButton_ = new QPushButton(tr("Load"), this);
    cancelButton_ = new QPushButton(tr("Cancel"), this);
    cancelButton_->setEnabled(false);
    connect(loadButton_, &QPushButton::clicked, this, [this] {
        source_ = sourceFromForm();
        emit sourceChanged();
        load();
    });
    connect(cancelButton_, &QPushButton::clicked, task_, &BackgroundTask::cancel);
    progress_ = new QProgressBar(this);
    progress_->setVisible(false);
    summary_ = new QLabel(this);
    summary_->setWordWrap(true);

    grid_ = new widgets::ThumbnailGrid(this);
    balance_ = new QChartView(this);
    balance_->setRenderHint(QPainter::Antialiasing);
    views_ = new QTabWidget(this);
    views_->addTab(grid_, tr("Images"));
    views_->addTab(balance_, tr("Class balance"));

    auto* buttons = new QHBoxLayout;
    buttons->addWidget(loadButton_);
    buttons->addWidget(cancelButton_);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(kind_);
    layout->addWidget(forms_);
    layout->addLayout(buttons);
    layout->addWidget(progress_);
    layout->addWidget(summary_);
    layout->addWidget(views_, 1);

    connect(task_, &BackgroundTask::progressed, this, [this](const QString& title, int done, int total) {
        progress_->setVisible(true);
        progress_->setFormat(title + " %v/%m");
        progress_->setRange(0, total);
        progress_->setValue(done);
    });
    connect(task_, &BackgroundTask::finished, this, [this](const QString& error, bool cancelled) {
        progress_->setVisible(false);
        loadButton_->setEnabled(true);
        cancelButton_->setEnabled(false);
        if (cancelled) {
            summary_->setText(tr("Loading cancelled."));
        } else if (!error.isEmpty()) {
            summary_->setText("<span style='color:#c0392b'>" + error.toHtmlEscaped() + "</span>");
        } else {
            loaded_ = pending_;
            showLoaded();
        }
        pending_.reset();
        emit datasetChanged();
    });
    showSourceInForm(builtInExampleSource());
}

DataPanel::~DataPanel() = default;

Json DataPanel::builtInExampleSource() {
    return Json{{"kind", "simulated"}, {"sim_kind", "morphology"}, {"count", 1200}, {"size", 64},
                {"bands", {"r"}},     {"seed", 1}};
}

Json DataPanel::source() const { return source_; }

void DataPanel::setSource(const Json& source) {
    source_ = source;
    showSourceInForm(source);
    load();
}

Json DataPanel::sourceFromForm() const {
    if (kind_->currentData().toString() == "table")
        return Json{{"kind", "table"},
                    {"path", tablePath_->text().toStdString()},
                    {"features", splitList(tableFeatures_->text().isEmpty() ? tableFeatures_->placeholderText()
                                                                           : tableFeatures_->text())},
                    {"target", (tableTarget_->text().isEmpty() ? tableTarget_->placeholderText() : tableTarget_->text())
                                   .toStdString()}};
    return Json{{"kind", "simulated"},
                {"sim_kind", simKind_->currentText().toStdString()},
                {"count", simCount_->value()},
                {"size", simSize_->value()},
                {"bands", splitList(simBands_->text().isEmpty() ? "r" : simBands_->text())},
                {"seed", simSeed_->value()}};
}

void DataPanel::showSourceInForm(const Json& s) {
    const std::string kind = s.value("kind", "simulated");
    kind_->setCurrentIndex(kind == "table" ? 1 : 0);
    if (kind == "table") {
        tablePath_->setText(QString::fromStdString(s.value("path", "")));
        QStringList f = toQStringList(s.value("features", std::vector<std::string>{}));
        tableFeatures_->setText(f.join(","));
        tableTarget_->setText(QString::fromStdString(s.value("target", "class")));
    } else {
        simKind_->setCurrentText(QString::fromStdString(s.value("sim_kind", "morphology")));
        simCount_->setValue(s.value("count", 1200));
        simSize_->setValue(s.value("size", 64));
        simSeed_->setValue(s.value("seed", 1));
        simBands_->setText(toQStringList(s.value("bands", std::vector<std::string>{"r"})).join(","));
    }
}

void DataPanel::load() {
    if (task_->isRunning()) {
        task_->cancel();
        task_->waitForFinished();
    }
    loaded_.reset();
    emit datasetChanged();
    const Json s = source_;
    if (s.empty()) return;
    loadButton_->setEnabled(false);
    cancelButton_->setEnabled(true);
    summary_->setText(tr("Loading…"));
    task_->start(s.value("kind", "") == "table" ? tr("Reading table") : tr("Simulating galaxies"),
                 [this, s](const BackgroundTask::Progress& progress, const std::atomic<bool>& cancel) -> QString {
                     std::shared_ptr<LoadedData> d =
                         s.value("kind", "") == "table" ? loadTable(s) : loadSimulated(s, progress, cancel);
                     pending_ = d;  // read on the UI thread only after `finished`
                     return {};
                 });
}

bool DataPanel::isLoading() const { return task_->isRunning(); }

void DataPanel::waitUntilLoaded() {
    task_->waitForFinished();
    QCoreApplication::processEvents();
}

bool DataPanel::hasDataset(QString* why) const {
    if (loaded_ && loaded_->data && loaded_->data->size() > 0) return true;
    if (why) *why = isLoading() ? tr("The data are still loading.") : tr("Load or generate a data set in the Data panel first.");
    return false;
}

Shape DataPanel::inputShape() const { return loaded_ ? loaded_->data->inputShape() : Shape{}; }
int DataPanel::classCount() const { return loaded_ ? int(loaded_->classNames.size()) : 0; }
QStringList DataPanel::classNames() const { return loaded_ ? loaded_->classNames : QStringList{}; }
int DataPanel::sampleCount() const { return loaded_ ? loaded_->data->size() : 0; }

std::pair<std::shared_ptr<const Dataset>, std::shared_ptr<const Dataset>> DataPanel::split(double fraction,
                                                                                           std::uint64_t seed) const {
    if (!loaded_) return {};
    const auto [trainIdx, valIdx] = splitIndices(loaded_->data->size(), fraction, seed, loaded_->labels);
    if (!loaded_->standardize) {
        auto base = std::shared_ptr<const Dataset>(loaded_->data);
        return {std::make_shared<SubsetDataset>(base, trainIdx),
                valIdx.empty() ? nullptr : std::make_shared<SubsetDataset>(base, valIdx)};
    }
    // Tables: standardise with the training rows' statistics only.
    Tensor x, y, vx, vy;
    loaded_->data->batch(trainIdx, x, y);
    const Standardizer st = Standardizer::fit(x);
    st.apply(x);
    std::shared_ptr<const Dataset> val;
    if (!valIdx.empty()) {
        loaded_->data->batch(valIdx, vx, vy);
        st.apply(vx);
        val = std::make_shared<TensorDataset>(std::move(vx), std::move(vy));
    }
    return {std::make_shared<TensorDataset>(std::move(x), std::move(y)), val};
}

void DataPanel::showLoaded() {
    const auto& d = *loaded_;
    const Shape s = d.data->inputShape();
    QString shape;
    for (int v : s) shape += (shape.isEmpty() ? "" : "×") + QString::number(v);
    summary_->setText(tr("%1 samples of shape %2%3")
                          .arg(d.data->size())
                          .arg(shape)
                          .arg(d.classNames.isEmpty() ? tr(", regression target")
                                                      : tr(", %1 classes").arg(d.classNames.size())));
    // Thumbnails for images; tables have none.
    QStringList labels;
    for (int l : d.labels) labels << d.classNames.value(l);
    if (s.size() == 3) {
        auto data = d.data;
        grid_->setImages(data->size(), [data, s](int i) {
            return widgets::previewImage(data->inputs().sample(i), s[0], s[1], s[2]);
        }, labels);
        views_->setTabEnabled(0, true);
    } else {
        grid_->setImages(0, {}, {});
        views_->setTabEnabled(0, false);
        views_->setCurrentIndex(1);
    }
    // Class balance chart.
    auto* chart = new QChart;
    if (!d.classNames.isEmpty()) {
        std::vector<int> counts(std::size_t(d.classNames.size()), 0);
        for (int l : d.labels) ++counts[std::size_t(l)];
        auto* set = new QBarSet(tr("images"));
        for (int c : counts) *set << c;
        auto* series = new QBarSeries;
        series->append(set);
        chart->addSeries(series);
        auto* ax = new QBarCategoryAxis;
        ax->append(d.classNames);
        chart->addAxis(ax, Qt::AlignBottom);
        series->attachAxis(ax);
        auto* ay = new QValueAxis;
        ay->setRange(0, *std::max_element(counts.begin(), counts.end()) * 1.1);
        ay->setLabelFormat("%d");
        chart->addAxis(ay, Qt::AlignLeft);
        series->attachAxis(ay);
        chart->setTitle(tr("Class balance"));
    } else {
        chart->setTitle(tr("Regression target: no classes"));
    }
    chart->legend()->hide();
    QChart* old = balance_->chart();
    balance_->setChart(chart);
    delete old;
}

}  // namespace deepfield::app
