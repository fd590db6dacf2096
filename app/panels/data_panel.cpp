#include "data_panel.h"

#include <QAbstractAxis>
#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QCheckBox>
#include <QComboBox>
#include <QCoreApplication>
#include <QDir>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMimeData>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QSpinBox>
#include <QSplitter>
#include <QStackedWidget>
#include <QTabWidget>
#include <QValueAxis>
#include <QVBoxLayout>
#include <atomic>
#include <cmath>
#include <filesystem>
#include <map>

#include "cli/image_target_kinds.h"
#include "core/error.h"
#include "core/rng.h"
#include "data/augment.h"
#include "data/image_io.h"
#include "data/preprocess.h"
#include "data/simulator.h"
#include "data/standardizer.h"
#include "data/table.h"
#include "header_table.h"
#include "histogram_view.h"
#include "image_controls.h"
#include "image_view.h"
#include "tasks/background_task.h"
#include "thumbnail_grid.h"
#include "train/segmentation.h"

namespace deepfield::app {

namespace fs = std::filesystem;

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

// Error messages always name the file: the engine's usually do; otherwise it is added.
QString namingFile(const QString& message, const QString& path) {
    const QString name = QFileInfo(path).fileName();
    if (name.isEmpty() || message.contains(name)) return message;
    return QObject::tr("Cannot open '%1': %2").arg(name, message);
}

bool isEightBit(const QString& path) {
    const ImageFormat f = detectImageFormat(path.toStdString());
    return f == ImageFormat::Png || f == ImageFormat::Jpeg;
}

// Band names of a FITS file (the BANDS card written by `deepfield-cli simulate`).
QStringList bandNames(const std::vector<FitsCard>& cards) {
    for (const FitsCard& c : cards)
        if (c.keyword == "BANDS") {
            QStringList out;
            for (const QString& b : QString::fromStdString(c.value).split(',', Qt::SkipEmptyParts)) out << b.trimmed();
            return out;
        }
    return {};
}

// Reads any FITS / PNG / JPEG file for viewing: FITS cubes as channels, the header's cards and WCS.
std::shared_ptr<OpenedImage> readForViewing(const QString& path) {
    auto out = std::make_shared<OpenedImage>();
    out->path = path;
    out->title = QFileInfo(path).fileName();
    const std::string p = path.toStdString();
    try {
        if (!QFileInfo(path).isFile()) throw InputError("'" + p + "' is not a file");
        if (detectImageFormat(p) == ImageFormat::Fits) {
            FitsReadOptions o;
            o.cube = FitsCubeMode::Channels;
            FitsImage f = readFits(p, o);
            auto img = std::make_shared<Image>(std::move(f.image));
            out->cards = std::move(f.cards);
            out->channelNames = bandNames(out->cards);
            out->blueFirst = out->channelNames.size() >= 3;  // simulated g, r, i cubes
            try {
                if (auto w = Wcs::fromHeader(f.headerText, p)) out->wcs = std::make_shared<const Wcs>(std::move(*w));
            } catch (const std::exception&) {
                // A broken WCS still leaves the pixels worth looking at; no sky coordinates.
            }
            out->image = img;
        } else {
            out->image = std::make_shared<Image>(readImage(p));
        }
    } catch (const std::exception& e) {
        throw InputError(namingFile(QString::fromUtf8(e.what()), path).toStdString());
    }
    if (!out->image || out->image->empty())
        throw InputError(QObject::tr("'%1' holds no image data").arg(QFileInfo(path).fileName()).toStdString());
    return out;
}

// Simulated galaxies as an in-memory dataset with their class labels or an image target (the
// CLI's --target, see cli/image_target_kinds.h). Class inputs and mask inputs are scaled by
// their own peak-free brightness (99th percentile) so the network sees comparable contrast;
// image-regression pairs share one per-image scale (scaleImagePair, as the CLI does) so input
// and target stay in the same units.
std::shared_ptr<LoadedData> loadSimulated(const Json& s, const BackgroundTask::Progress& progress,
                                          const std::atomic<bool>& cancel) {
    SimOptions o;
    o.kind = simKindFromString(s.value("sim_kind", "morphology"));
    o.size = s.value("size", 64);
    o.seed = s.value("seed", 1);
    o.bands = s.value("bands", std::vector<std::string>{"r"});
    const int count = s.value("count", 1000);
    if (count < 1 || o.size < 8) throw InputError("simulated data: count must be ≥ 1 and size ≥ 8");
    const std::string target = s.value("target", std::string("class"));
    const cli::ImageTargetKind* kind = cli::findImageTarget(target);
    if (!kind && target != "class")
        throw InputError("simulated data: target '" + target + "' is unknown; use class, mask, bulge-disk, central or sharp");
    if (kind && kind->simKind != toString(o.kind))
        throw InputError("simulated data: the " + kind->description + " target needs the '" + kind->simKind +
                         "' kind of galaxies, not '" + toString(o.kind) + "'; choose that kind");
    auto galaxies = simulateGalaxies(o, 0, count, progress, &cancel);
    if (cancel) return nullptr;
    const int c = int(o.bands.size()), n = int(galaxies.size());
    // Target channels: the named simulator targets stacked (bulge-disk: bulge then disk).
    int targetChannels = 0;
    if (kind)
        for (const std::string& column : kind->columns)
            for (const auto& [name, t] : galaxies.front().targets)
                if (name == column) targetChannels += t.dim(0);
    if (kind && targetChannels == 0)
        throw InputError("simulated data: the '" + kind->simKind + "' galaxies carry no '" + kind->columns.front() + "' target");
    Tensor x({n, c, o.size, o.size});
    Tensor y = kind ? Tensor({n, targetChannels, o.size, o.size}) : Tensor({n, 1});
    auto out = std::make_shared<LoadedData>();
    // The anomaly set's class is the simulator's own: normal or oddball (as in `simulate`'s labels.csv).
    const bool oddballClasses = o.kind == SimKind::Anomaly;
    out->classNames = kind ? QStringList{}
                    : oddballClasses ? QStringList{QObject::tr("normal"), QObject::tr("anomaly")}
                                     : toQStringList(galaxyClassNames());
    out->imageTarget = kind ? kind->name : std::string();
    for (int i = 0; i < n; ++i) {
        const SimulatedGalaxy& g = galaxies[std::size_t(i)];
        const Tensor& img = g.image;
        float* dst = x.sample(i);
        const int label = oddballClasses ? int(g.params.anomaly != "none") : int(g.params.galaxyClass);
        out->labels.push_back(label);
        if (kind) {
            float* t = y.sample(i);
            for (const std::string& column : kind->columns)
                for (const auto& [name, part] : g.targets)
                    if (name == column) t = std::copy_n(part.data(), part.size(), t);
        }
        if (kind && !kind->segmentation) {
            Tensor xs = img;
            Tensor ys = Tensor::fromData({targetChannels, o.size, o.size}, std::vector<float>(y.sample(i), y.sample(i) + y.sampleSize()));
            scaleImagePair(xs, &ys);
            std::copy_n(xs.data(), xs.size(), dst);
            std::copy_n(ys.data(), ys.size(), y.sample(i));
        } else {
            std::vector<float> sorted(img.data(), img.data() + img.size());
            const std::size_t k = sorted.size() * 99 / 100;
            std::nth_element(sorted.begin(), sorted.begin() + long(k), sorted.end());
            const float scale = 1.0f / std::max(sorted[k], 1e-6f);
            for (std::size_t j = 0; j < img.size(); ++j) dst[j] = img[j] * scale;
            if (!kind) y[std::size_t(i)] = float(label);
        }
        // The simulator's truths as label columns (class, class_name, n, re, q, pa, bt, ...).
        if (i == 0)
            for (const auto& [name, value] : g.labels) out->columnNames << QString::fromStdString(name);
        out->columnValues.resize(out->columnNames.size());
        for (std::size_t k = 0; k < g.labels.size() && int(k) < out->columnNames.size(); ++k)
            out->columnValues[int(k)] << QString::fromStdString(g.labels[k].second);
    }
    auto t = std::make_shared<TensorDataset>(std::move(x), std::move(y));
    out->data = t;
    out->tensors = t;
    out->origin = kind ? QObject::tr("simulated %1 galaxies, target %2")
                             .arg(QString::fromStdString(kind->simKind), QString::fromStdString(kind->description))
                       : QObject::tr("simulated galaxies");
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
    auto t = std::make_shared<TensorDataset>(std::move(d.inputs), std::move(d.targets));
    out->data = t;
    out->tensors = t;
    out->origin = QObject::tr("table '%1'").arg(QFileInfo(QString::fromStdString(path)).fileName());
    return out;
}

// The folder options of a source, as the CLI's --crop, --image-size, --grey, --bands, --stretch.
ImageFolderOptions folderOptions(const Json& s, const std::string& folder) {
    ImageFolderOptions o;
    o.labelColumn = s.value("target", std::string());
    o.skipBadFiles = true;
    o.preload = true;
    PreprocessSpec& p = o.preprocess;
    const Json crop = s.value("crop", Json());
    if (crop.is_number()) p.crop = crop.get<double>();
    else if (crop.is_string() && !crop.get<std::string>().empty()) {
        bool ok = false;
        p.crop = QString::fromStdString(crop.get<std::string>()).toDouble(&ok);
        if (!ok || !(p.crop > 0))
            throw InputError("crop must be a fraction in (0, 1] or a size in pixels, got '" + crop.get<std::string>() + "'");
    }
    p.imageSize = s.value("image_size", 0);
    p.grey = s.value("grey", false);
    p.stretch = stretchKindFromString(s.value("stretch", std::string("linear")));
    p.normalise = Normalisation::PerImage;
    const auto bands = s.value("bands", std::vector<std::string>{});
    if (!bands.empty()) {
        // Band names through the BANDS card of the first FITS image, else channel numbers.
        QStringList names;
        const Table labels = readCsv((fs::path(folder) / "labels.csv").string());
        const int fileCol = labels.requireColumn("filename");
        if (labels.rowCount() > 0) {
            const std::string first = (fs::path(folder) / labels.rows[0][std::size_t(fileCol)]).string();
            if (detectImageFormat(first) == ImageFormat::Fits) names = bandNames(readFitsCards(first, 0));
        }
        for (const std::string& b : bands) {
            bool isNumber = false;
            const int index = QString::fromStdString(b).toInt(&isNumber);
            if (names.contains(QString::fromStdString(b))) p.channels.push_back(int(names.indexOf(QString::fromStdString(b))));
            else if (isNumber && index >= 0) p.channels.push_back(index);
            else
                throw InputError("bands: '" + b + "' is neither a band of the images (" +
                                 (names.isEmpty() ? std::string("no BANDS card") : "BANDS " + names.join(",").toStdString()) +
                                 ") nor a channel number");
        }
    }
    return o;
}

std::shared_ptr<LoadedData> loadFolder(const Json& s, const BackgroundTask::Progress& progress,
                                       const std::atomic<bool>& cancel) {
    const std::string folder = s.value("path", "");
    if (folder.empty()) throw InputError("choose an image folder (with a labels.csv) first");
    auto ds = std::make_shared<ImageFolderDataset>(folder, folderOptions(s, folder), progress, &cancel);
    if (ds->task() != "classification")
        throw InputError("image folder '" + folder + "': the studio trains classifiers; labels.csv has " + ds->task() +
                         " targets");
    auto out = std::make_shared<LoadedData>();
    out->classNames = toQStringList(ds->classes());
    out->labels = ds->labels();
    out->files = ds->files();
    out->skipped = ds->skipped();
    out->blueFirst = false;
    if (!out->files.empty()) {
        const std::string& f = out->files.front();
        if (detectImageFormat(f) == ImageFormat::Fits) out->blueFirst = ds->inputShape().size() == 3 && ds->inputShape()[0] >= 3;
    }
    // Every column of labels.csv (but the file name) for sorting and filtering the grid.
    try {
        const Table table = readCsv((fs::path(folder) / "labels.csv").string());
        const int fileCol = table.requireColumn("filename");
        std::map<std::string, int> rowOf;
        for (int r = 0; r < table.rowCount(); ++r)
            rowOf[(fs::path(folder) / table.rows[std::size_t(r)][std::size_t(fileCol)]).string()] = r;
        for (int c = 0; c < int(table.columns.size()); ++c) {
            if (c == fileCol) continue;
            QStringList values;
            for (const std::string& f : out->files) {
                const auto it = rowOf.find(f);
                values << (it == rowOf.end() ? QString() : QString::fromStdString(table.rows[std::size_t(it->second)][std::size_t(c)]));
            }
            out->columnNames << QString::fromStdString(table.columns[std::size_t(c)]);
            out->columnValues << values;
        }
    } catch (const std::exception&) {
        // The dataset itself read labels.csv; without its columns the grid still sorts by class.
    }
    out->data = ds;
    out->origin = QObject::tr("folder '%1'").arg(QFileInfo(QString::fromStdString(folder)).fileName());
    return out;
}
}  // namespace

struct DataPanel::SampledHistogram {
    widgets::Histogram histogram;
    std::atomic<bool> done{false};  // set by the worker: a queued "finished" of an earlier run is ignored
};

DataPanel::DataPanel(QWidget* parent)
    : QWidget(parent),
      task_(new BackgroundTask(this)),
      imageTask_(new BackgroundTask(this)),
      histogramTask_(new BackgroundTask(this)) {
    setAcceptDrops(true);
    kind_ = new QComboBox(this);
    kind_->addItem(tr("Simulated galaxies"), "simulated");
    kind_->addItem(tr("Table (CSV)"), "table");
    kind_->addItem(tr("Image folder + labels.csv"), "folder");
    kind_->addItem(tr("Image file (FITS, PNG, JPEG)"), "image");

    auto* simForm = new QWidget(this);
    auto* sf = new QFormLayout(simForm);
    sf->setRowWrapPolicy(QFormLayout::WrapLongRows);
    simKind_ = new QComboBox(simForm);
    simKind_->addItems({"morphology", "clumps", "bulge-disk", "blends", "deconvolution", "anomaly"});
    simKind_->setToolTip(tr("What the galaxies show: classes (morphology), star-forming clumps, bulge + disk, "
                            "blended neighbours, a sharp image behind a broad PSF (deconvolution), or normal galaxies with "
                            "a few oddballs: rings, arcs, trails, hot pixels (anomaly)"));
    simTarget_ = new QComboBox(simForm);
    simTarget_->addItem(tr("class label"), "class");
    for (const cli::ImageTargetKind& k : cli::imageTargetKinds())
        simTarget_->addItem(QString::fromStdString(k.description), QString::fromStdString(k.name));
    simTarget_->setToolTip(tr("What the network learns: the class, or an image (as deepfield-cli train --target)"));
    // An image target exists only in its kind of galaxies: choosing it chooses the kind.
    connect(simTarget_, &QComboBox::currentIndexChanged, this, [this] {
        if (const cli::ImageTargetKind* k = cli::findImageTarget(simTarget_->currentData().toString().toStdString()))
            simKind_->setCurrentText(QString::fromStdString(k->simKind));
    });
    connect(simKind_, &QComboBox::currentTextChanged, this, [this](const QString& kind) {
        const cli::ImageTargetKind* k = cli::findImageTarget(simTarget_->currentData().toString().toStdString());
        if (k && QString::fromStdString(k->simKind) != kind) simTarget_->setCurrentIndex(0);
    });
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
    sf->addRow(tr("Target"), simTarget_);
    sf->addRow(tr("Galaxies"), simCount_);
    sf->addRow(tr("Size"), simSize_);
    sf->addRow(tr("Bands"), simBands_);
    sf->addRow(tr("Seed"), simSeed_);
    simSize_->setSuffix(tr(" px"));

    auto pathRow = [this](QWidget* form, QLineEdit*& edit, const QString& tip, auto browse) {
        edit = new QLineEdit(form);
        edit->setToolTip(tip);
        auto* b = new QPushButton(tr("…"), form);
        b->setMaximumWidth(32);
        connect(b, &QPushButton::clicked, this, browse);
        auto* row = new QHBoxLayout;
        row->addWidget(edit, 1);
        row->addWidget(b);
        return row;
    };

    auto* tableForm = new QWidget(this);
    auto* tf = new QFormLayout(tableForm);
    auto* tableRow = pathRow(tableForm, tablePath_, tr("A CSV table"), [this] {
        const QString p = QFileDialog::getOpenFileName(this, tr("Open table"), {}, tr("CSV tables (*.csv *.txt)"));
        if (!p.isEmpty()) tablePath_->setText(p);
    });
    tableFeatures_ = new QLineEdit(tableForm);
    tableFeatures_->setPlaceholderText("u-g,g-r,r-i,i-z");
    tableTarget_ = new QLineEdit(tableForm);
    tableTarget_->setPlaceholderText("class");
    tf->addRow(tr("File"), tableRow);
    tf->addRow(tr("Inputs"), tableFeatures_);
    tf->addRow(tr("Target"), tableTarget_);

    auto* folderForm = new QWidget(this);
    auto* ff = new QFormLayout(folderForm);
    ff->setRowWrapPolicy(QFormLayout::WrapLongRows);
    auto* folderRow = pathRow(folderForm, folderPath_, tr("A folder holding images and a labels.csv (filename, label)"), [this] {
        const QString p = QFileDialog::getExistingDirectory(this, tr("Open image folder"), folderPath_->text());
        if (!p.isEmpty()) folderPath_->setText(p);
    });
    folderCrop_ = new QLineEdit(folderForm);
    folderCrop_->setPlaceholderText(tr("none"));
    folderCrop_->setToolTip(tr("Centre crop: a fraction of the side (0.5) or a size in pixels (212)"));
    folderSize_ = new QSpinBox(folderForm);
    folderSize_->setRange(0, 1024);
    folderSize_->setSpecialValueText(tr("original"));
    folderSize_->setToolTip(tr("Resize every image to N × N pixels (area average)"));
    folderGrey_ = new QCheckBox(tr("mean of the channels"), folderForm);
    folderBands_ = new QLineEdit(folderForm);
    folderBands_->setPlaceholderText(tr("all"));
    folderBands_->setToolTip(tr("Channels to keep: band names from the FITS BANDS card (g,r) or numbers (0,2)"));
    folderStretch_ = new QComboBox(folderForm);
    folderStretch_->addItems({"linear", "asinh", "log", "sqrt"});
    folderTarget_ = new QLineEdit(folderForm);
    folderTarget_->setPlaceholderText(tr("label, class or *_class"));
    ff->addRow(tr("Folder"), folderRow);
    ff->addRow(tr("Crop"), folderCrop_);
    ff->addRow(tr("Image size"), folderSize_);
    ff->addRow(tr("Grey"), folderGrey_);
    ff->addRow(tr("Bands"), folderBands_);
    ff->addRow(tr("Stretch"), folderStretch_);
    ff->addRow(tr("Class column"), folderTarget_);

    auto* imageForm = new QWidget(this);
    auto* imf = new QFormLayout(imageForm);
    auto* imageRow = pathRow(imageForm, imagePath_, tr("A FITS, PNG or JPEG file (or drop one on the panel)"), [this] {
        const QString p = QFileDialog::getOpenFileName(this, tr("Open image"), imagePath_->text(),
                                                       tr("Images (*.fits *.fit *.fts *.fits.gz *.fits.fz *.png *.jpg *.jpeg);;All files (*)"));
        if (p.isEmpty()) return;
        imagePath_->setText(p);
        source_ = sourceFromForm();
        emit sourceChanged();
        load();
    });
    imf->addRow(tr("File"), imageRow);
    auto* imageNote = new QLabel(tr("A single image is for looking at; to train, use a folder or simulated galaxies."), imageForm);
    imageNote->setWordWrap(true);
    imf->addRow(imageNote);

    forms_ = new QStackedWidget(this);
    forms_->addWidget(simForm);
    forms_->addWidget(tableForm);
    forms_->addWidget(folderForm);
    forms_->addWidget(imageForm);
    connect(kind_, &QComboBox::currentIndexChanged, forms_, &QStackedWidget::setCurrentIndex);

    loadButton_ = new QPushButton(tr("Load"), this);
    cancelButton_ = new QPushButton(tr("Cancel"), this);
    cancelButton_->setEnabled(false);
    connect(loadButton_, &QPushButton::clicked, this, [this] {
        source_ = sourceFromForm();
        emit sourceChanged();
        load();
    });
    connect(cancelButton_, &QPushButton::clicked, this, [this] {
        task_->cancel();
        imageTask_->cancel();
    });
    progress_ = new QProgressBar(this);
    progress_->setVisible(false);
    summary_ = new QLabel(this);
    summary_->setWordWrap(true);
    summary_->setTextInteractionFlags(Qt::TextSelectableByMouse);

    // Images tab.
    grid_ = new widgets::ThumbnailGrid(this);
    connect(grid_, &widgets::ThumbnailGrid::imageActivated, this, &DataPanel::openSample);

    // Image tab: controls, the view, and below it the histogram and the FITS header.
    imagePage_ = new QWidget(this);
    imageView_ = new widgets::ImageView(imagePage_);
    imageControls_ = new widgets::ImageControls(imageView_, imagePage_);
    imageTitle_ = new QLabel(tr("Click a thumbnail or open a FITS, PNG or JPEG file."), imagePage_);
    imageTitle_->setWordWrap(true);
    header_ = new widgets::HeaderTable(imagePage_);
    imageHistogram_ = new widgets::HistogramView(imagePage_);
    imageSide_ = new QTabWidget(imagePage_);
    imageSide_->addTab(imageHistogram_, tr("Histogram"));
    imageSide_->addTab(header_, tr("FITS header"));
    auto* split = new QSplitter(Qt::Vertical, imagePage_);
    split->addWidget(imageView_);
    split->addWidget(imageSide_);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 1);
    auto* il = new QVBoxLayout(imagePage_);
    il->setContentsMargins(2, 2, 2, 2);
    il->addWidget(imageTitle_);
    il->addWidget(imageControls_);
    il->addWidget(split, 1);
    connect(imageView_, &widgets::ImageView::settingsChanged, this, [this] { updateImageHistogram(); });
    connect(imageView_, &widgets::ImageView::frameReady, this, [this] { updateImageHistogram(); });

    balance_ = new QChartView(this);
    balance_->setRenderHint(QPainter::Antialiasing);

    // Summary tab: split sizes, value histogram, augmentation preview.
    summaryPage_ = new QWidget(this);
    splitLabel_ = new QLabel(summaryPage_);
    splitLabel_->setWordWrap(true);
    datasetHistogram_ = new widgets::HistogramView(summaryPage_);
    augmentSpec_ = new QLineEdit("rot90,flip,rotate,shift,zoom", summaryPage_);
    augmentSpec_->setToolTip(tr("Augmentations as in deepfield-cli train --augment: rot90, flip, rotate[=deg], shift[=px], "
                                "zoom[=f], noise[=σ], poisson[=gain], blur[=fwhm]"));
    connect(augmentSpec_, &QLineEdit::editingFinished, this, [this] { updateAugmentationPreview(); });
    augmentNote_ = new QLabel(summaryPage_);
    augmentNote_->setWordWrap(true);
    auto* augmentBox = new QWidget(summaryPage_);
    augmentGrid_ = new QGridLayout(augmentBox);
    augmentGrid_->setContentsMargins(0, 0, 0, 0);
    augmentGrid_->setSpacing(4);
    auto* sl = new QVBoxLayout(summaryPage_);
    sl->addWidget(splitLabel_);
    auto* valuesTitle = new QLabel(tr("<b>Values the network sees</b> (inputs after preprocessing, up to 256 samples)"), summaryPage_);
    valuesTitle->setWordWrap(true);
    sl->addWidget(valuesTitle);
    sl->addWidget(datasetHistogram_, 1);
    auto* ar = new QHBoxLayout;
    ar->addWidget(new QLabel(tr("<b>Augmentation preview</b>"), summaryPage_));
    ar->addWidget(augmentSpec_, 1);
    sl->addLayout(ar);
    sl->addWidget(augmentNote_);
    sl->addWidget(augmentBox);

    views_ = new QTabWidget(this);
    views_->addTab(grid_, tr("Images"));
    views_->addTab(imagePage_, tr("Image"));
    views_->addTab(balance_, tr("Class balance"));
    views_->addTab(summaryPage_, tr("Summary"));

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

    auto onProgress = [this](const QString& title, int done, int total) {
        progress_->setVisible(true);
        progress_->setFormat(title + " %v/%m");
        progress_->setRange(0, total);
        progress_->setValue(done);
    };
    connect(task_, &BackgroundTask::progressed, this, onProgress);
    connect(task_, &BackgroundTask::finished, this, [this](const QString& error, bool cancelled) {
        progress_->setVisible(imageTask_->isRunning());
        loadButton_->setEnabled(true);
        cancelButton_->setEnabled(imageTask_->isRunning());
        if (cancelled) {
            summary_->setText(tr("Loading cancelled."));
        } else if (!error.isEmpty()) {
            showError(error);
        } else if (pending_) {
            loaded_ = pending_;
            showLoaded();
        }
        pending_.reset();
        emit datasetChanged();
    });
    connect(histogramTask_, &BackgroundTask::finished, this, [this](const QString&, bool cancelled) {
        // Shown only if the panel still shows the image and band it was sampled from.
        if (cancelled || !pendingHistogram_ || !pendingHistogram_->done || histogramImage_ != imageView_->image())
            return;
        imageHistogram_->setHistogram(pendingHistogram_->histogram, pendingHistogramLabel_);
        pendingHistogram_.reset();
        if (const std::optional<Interval> iv = imageView_->knownInterval()) imageHistogram_->setMarkers(iv->low, iv->high);
    });
    connect(imageTask_, &BackgroundTask::finished, this, [this](const QString& error, bool cancelled) {
        progress_->setVisible(task_->isRunning());
        cancelButton_->setEnabled(task_->isRunning());
        if (!task_->isRunning()) loadButton_->setEnabled(true);
        const auto opened = pendingImage_;
        pendingImage_.reset();
        if (cancelled) return;
        if (!error.isEmpty()) {
            showError(namingFile(error, imageTaskPath_));
            return;
        }
        if (opened) showImage(*opened);
    });
    showSourceInForm(builtInExampleSource());
}

DataPanel::~DataPanel() {
    // The workers write pending_ / pendingImage_: they must end before those members go.
    task_->cancel();
    imageTask_->cancel();
    histogramTask_->cancel();
    task_->waitForFinished();
    imageTask_->waitForFinished();
    histogramTask_->waitForFinished();
}

Json DataPanel::builtInExampleSource() {
    return Json{{"kind", "simulated"}, {"sim_kind", "morphology"}, {"count", 1200}, {"size", 64},
                {"bands", {"r"}},     {"seed", 1}};
}

Json DataPanel::source() const {
    Json s = source_;
    if (s.value("kind", "") == "image" && imageView_->image()) {
        // The display settings travel with the image in the project.
        const auto& d = imageView_->settings();
        s["interval"] = imageControls_->intervalName().toStdString();
        s["stretch"] = stretchName(d.stretch.kind);
        s["colormap"] = colormapInfo(d.colormap).name;
    }
    return s;
}

void DataPanel::setSource(const Json& source) {
    source_ = source;
    showSourceInForm(source);
    load();
}

Json DataPanel::sourceFromForm() const {
    const QString kind = kind_->currentData().toString();
    if (kind == "table")
        return Json{{"kind", "table"},
                    {"path", tablePath_->text().toStdString()},
                    {"features", splitList(tableFeatures_->text().isEmpty() ? tableFeatures_->placeholderText()
                                                                           : tableFeatures_->text())},
                    {"target", (tableTarget_->text().isEmpty() ? tableTarget_->placeholderText() : tableTarget_->text())
                                   .toStdString()}};
    if (kind == "folder")
        return Json{{"kind", "folder"},
                    {"path", folderPath_->text().toStdString()},
                    {"crop", folderCrop_->text().trimmed().toStdString()},
                    {"image_size", folderSize_->value()},
                    {"grey", folderGrey_->isChecked()},
                    {"bands", splitList(folderBands_->text())},
                    {"stretch", folderStretch_->currentText().toStdString()},
                    {"target", folderTarget_->text().trimmed().toStdString()}};
    if (kind == "image") return Json{{"kind", "image"}, {"path", imagePath_->text().toStdString()}};
    return Json{{"kind", "simulated"},
                {"sim_kind", simKind_->currentText().toStdString()},
                {"count", simCount_->value()},
                {"size", simSize_->value()},
                {"bands", splitList(simBands_->text().isEmpty() ? "r" : simBands_->text())},
                {"seed", simSeed_->value()},
                {"target", simTarget_->currentData().toString().toStdString()}};
}

void DataPanel::showSourceInForm(const Json& s) {
    const std::string kind = s.value("kind", "simulated");
    const int index = kind_->findData(QString::fromStdString(kind));
    kind_->setCurrentIndex(index >= 0 ? index : 0);
    if (kind == "table") {
        tablePath_->setText(QString::fromStdString(s.value("path", "")));
        QStringList f = toQStringList(s.value("features", std::vector<std::string>{}));
        tableFeatures_->setText(f.join(","));
        tableTarget_->setText(QString::fromStdString(s.value("target", "class")));
    } else if (kind == "folder") {
        folderPath_->setText(QString::fromStdString(s.value("path", "")));
        const Json crop = s.value("crop", Json());
        folderCrop_->setText(crop.is_number() ? QString::number(crop.get<double>())
                             : crop.is_string() ? QString::fromStdString(crop.get<std::string>())
                                                : QString());
        folderSize_->setValue(s.value("image_size", 0));
        folderGrey_->setChecked(s.value("grey", false));
        folderBands_->setText(toQStringList(s.value("bands", std::vector<std::string>{})).join(","));
        folderStretch_->setCurrentText(QString::fromStdString(s.value("stretch", "linear")));
        folderTarget_->setText(QString::fromStdString(s.value("target", "")));
    } else if (kind == "image") {
        imagePath_->setText(QString::fromStdString(s.value("path", "")));
    } else {
        const QSignalBlocker block(simTarget_);
        const int target = simTarget_->findData(QString::fromStdString(s.value("target", std::string("class"))));
        simTarget_->setCurrentIndex(std::max(0, target));
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
    const std::string kind = s.value("kind", "simulated");
    if (kind == "image") {
        // Nothing to train on: the image goes to the view.
        grid_->setImages(0, {}, {});
        const QString path = QString::fromStdString(s.value("path", ""));
        if (path.isEmpty()) {
            showError(tr("Choose an image file first."));
            return;
        }
        if (s.contains("interval")) imageControls_->setInterval(QString::fromStdString(s.value("interval", "zscale")));
        if (s.contains("stretch")) imageControls_->setStretch(QString::fromStdString(s.value("stretch", "linear")));
        if (s.contains("colormap")) imageControls_->setColormap(QString::fromStdString(s.value("colormap", "grey")));
        openImageFile(path);
        return;
    }
    loadButton_->setEnabled(false);
    cancelButton_->setEnabled(true);
    summary_->setText(tr("Loading…"));
    const QString title = kind == "table" ? tr("Reading table") : kind == "folder" ? tr("Reading images") : tr("Simulating galaxies");
    progress_->setVisible(true);
    progress_->setRange(0, 0);
    task_->start(title, [this, s, kind](const BackgroundTask::Progress& progress, const std::atomic<bool>& cancel) -> QString {
        std::shared_ptr<LoadedData> d = kind == "table"    ? loadTable(s)
                                        : kind == "folder" ? loadFolder(s, progress, cancel)
                                                           : loadSimulated(s, progress, cancel);
        pending_ = d;  // read on the UI thread only after `finished`
        return {};
    });
}

bool DataPanel::isLoading() const { return task_->isRunning() || imageTask_->isRunning(); }

void DataPanel::waitUntilLoaded() {
    task_->waitAndDeliver();
    imageTask_->waitAndDeliver();
    histogramTask_->waitAndDeliver();
}

bool DataPanel::hasDataset(QString* why) const {
    if (loaded_ && loaded_->data && loaded_->data->size() > 0) return true;
    if (why)
        *why = task_->isRunning()                     ? tr("The data are still loading.")
               : source_.value("kind", "") == "image" ? tr("A single image is for viewing: load an image folder with a "
                                                          "labels.csv or generate simulated galaxies to train.")
                                                      : tr("Load or generate a data set in the Data panel first.");
    return false;
}

Shape DataPanel::inputShape() const { return loaded_ ? loaded_->data->inputShape() : Shape{}; }
int DataPanel::classCount() const { return loaded_ ? int(loaded_->classNames.size()) : 0; }
std::string DataPanel::imageTarget() const { return loaded_ ? loaded_->imageTarget : std::string(); }
Shape DataPanel::targetShape() const { return loaded_ ? loaded_->data->targetShape() : Shape{}; }
QStringList DataPanel::classNames() const { return loaded_ ? loaded_->classNames : QStringList{}; }
int DataPanel::sampleCount() const { return loaded_ ? loaded_->data->size() : 0; }

std::shared_ptr<const Dataset> DataPanel::dataset() const { return loaded_ ? loaded_->data : nullptr; }

std::pair<std::shared_ptr<const Dataset>, std::shared_ptr<const Dataset>> DataPanel::split(double fraction,
                                                                                           std::uint64_t seed) const {
    if (!loaded_) return {};
    const auto [trainIdx, valIdx] = splitIndices(loaded_->data->size(), fraction, seed, loaded_->labels);
    if (!loaded_->standardize) {
        auto base = loaded_->data;
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

QString DataPanel::summaryText() const { return summary_->text(); }
QString DataPanel::splitText() const { return splitLabel_->text(); }
int DataPanel::augmentationPreviewCount() const { return augmentGrid_->count(); }

QStringList DataPanel::skippedFiles() const {
    QStringList out;
    if (loaded_)
        for (const SkippedFile& f : loaded_->skipped) out << QString::fromStdString(f.file);
    return out;
}

void DataPanel::setValidationSplit(double fraction) {
    validationSplit_ = fraction;
    updateSummaryTab();
}

void DataPanel::showError(const QString& message) {
    summary_->setText("<span style='color:#c0392b'>" + message.toHtmlEscaped() + "</span>");
}

void DataPanel::showLoaded() {
    const auto& d = *loaded_;
    const Shape s = d.data->inputShape();
    QString shape;
    for (int v : s) shape += (shape.isEmpty() ? "" : "×") + QString::number(v);
    QString text = tr("%1 samples of shape %2%3 from %4")
                       .arg(d.data->size())
                       .arg(shape)
                       .arg(!d.imageTarget.empty() ? tr(", targets %1").arg(QString::fromStdString(toString(d.data->targetShape())))
                            : d.classNames.isEmpty() ? tr(", regression target") : tr(", %1 classes").arg(d.classNames.size()))
                       .arg(d.origin);
    if (!d.skipped.empty()) {
        // Every broken file by name, so it can be fixed or removed.
        QStringList lines;
        for (const SkippedFile& f : d.skipped)
            lines << QString("%1: %2").arg(QFileInfo(QString::fromStdString(f.file)).fileName(), QString::fromStdString(f.reason));
        text = "<span>" + text.toHtmlEscaped() + "</span><br><span style='color:#c0392b'>" +
               tr("Skipped %n unreadable file(s):", nullptr, int(d.skipped.size())).toHtmlEscaped() + "<br>" +
               lines.join("\n").toHtmlEscaped().replace("\n", "<br>") + "</span>";
    }
    summary_->setText(text);
    // Thumbnails for images (made on worker threads); tables have none.
    QStringList labels, tips;
    const int classNameColumn = int(d.columnNames.indexOf("class_name"));
    if (!d.classNames.isEmpty() || classNameColumn < 0)
        for (int l : d.labels) labels << d.classNames.value(l);
    else
        labels = d.columnValues.value(classNameColumn);  // image targets: the galaxies' classes still label them
    if (!d.files.empty()) {
        auto files = std::make_shared<std::vector<std::string>>(d.files);
        const bool blueFirst = d.blueFirst;
        for (std::size_t i = 0; i < d.files.size(); ++i)
            tips << QString("%1\n%2").arg(QFileInfo(QString::fromStdString(d.files[i])).fileName(), labels.value(int(i)));
        grid_->setImages(int(files->size()), [files, blueFirst](int i) {
            // The original file, as stored (not the preprocessed network input).
            const std::string& f = (*files)[std::size_t(i)];
            ImageReadOptions o;
            o.fits.cube = FitsCubeMode::Channels;
            const Image img = readImage(f, o);
            const ImageFormat fmt = detectImageFormat(f);
            return widgets::thumbnailImage(img, 96, blueFirst, fmt == ImageFormat::Png || fmt == ImageFormat::Jpeg);
        }, labels, tips);
        grid_->setLabelColumns(d.columnNames, d.columnValues);
        views_->setTabEnabled(0, true);
    } else if (s.size() == 3 && d.tensors) {
        auto data = d.tensors;
        grid_->setImages(data->size(), [data, s](int i) {
            return widgets::previewImage(data->inputs().sample(i), s[0], s[1], s[2]);
        }, labels);
        grid_->setLabelColumns(d.columnNames, d.columnValues);
        views_->setTabEnabled(0, true);
    } else {
        grid_->setImages(0, {}, {});
        views_->setTabEnabled(0, false);
        views_->setCurrentWidget(balance_);
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
        chart->setTitle(d.imageTarget.empty() ? tr("Regression target: no classes")
                                              : tr("Image target (%1): no classes").arg(QString::fromStdString(d.imageTarget)));
    }
    chart->legend()->hide();
    themeChart(chart);
    QChart* old = balance_->chart();
    balance_->setChart(chart);
    delete old;
    previewSample_ = 0;
    updateSummaryTab();
}

void DataPanel::themeChart(QChart* chart) const {
    // Qt Charts ignore the palette: pick the light or dark theme, then the palette's colours.
    const QPalette pal = palette();
    const bool dark = pal.color(QPalette::Window).lightnessF() < 0.5;
    chart->setTheme(dark ? QChart::ChartThemeDark : QChart::ChartThemeLight);
    chart->setBackgroundBrush(pal.brush(QPalette::Base));
    chart->setTitleBrush(pal.brush(QPalette::Text));
    for (QAbstractAxis* a : chart->axes()) {
        a->setLabelsBrush(pal.brush(QPalette::Text));
        QColor grid = pal.color(QPalette::Text);
        grid.setAlpha(50);
        a->setGridLineColor(grid);
    }
    for (QAbstractSeries* series : chart->series())
        if (auto* bars = qobject_cast<QBarSeries*>(series))
            for (QBarSet* set : bars->barSets()) set->setColor(dark ? QColor(90, 150, 235) : QColor(40, 110, 200));
}

void DataPanel::changeEvent(QEvent* event) {
    QWidget::changeEvent(event);
    if ((event->type() == QEvent::PaletteChange || event->type() == QEvent::ApplicationPaletteChange) && balance_ &&
        balance_->chart())
        themeChart(balance_->chart());
}

void DataPanel::updateSummaryTab() {
    if (!loaded_) {
        splitLabel_->setText(tr("No data set loaded."));
        return;
    }
    const auto& d = *loaded_;
    const int n = d.data->size();
    // The same stratified split the Train panel will make (its seed only reorders).
    const auto [trainIdx, valIdx] = splitIndices(n, validationSplit_, 1, d.labels);
    QString text = tr("<b>Split</b> (validation split %1): training %2 · validation %3 samples")
                       .arg(validationSplit_, 0, 'f', 2)
                       .arg(trainIdx.size())
                       .arg(valIdx.size());
    if (!d.labels.empty() && !d.classNames.isEmpty()) {
        std::vector<int> tc(std::size_t(d.classNames.size()), 0), va(tc.size(), 0);
        for (int i : trainIdx) ++tc[std::size_t(d.labels[std::size_t(i)])];
        for (int i : valIdx) ++va[std::size_t(d.labels[std::size_t(i)])];
        QStringList per;
        for (std::size_t c = 0; c < tc.size(); ++c) per << QString("%1 %2/%3").arg(d.classNames.value(int(c))).arg(tc[c]).arg(va[c]);
        text += "<br><small>" + per.join(" · ").toHtmlEscaped() + "</small>";
    }
    splitLabel_->setText(text);
    // Value histogram over up to 256 samples spread through the set.
    try {
        std::vector<int> idx;
        const int m = std::min(n, 256);
        for (int k = 0; k < m; ++k) idx.push_back(int(std::int64_t(k) * n / m));
        Tensor x, y;
        d.data->batch(idx, x, y);
        datasetHistogram_->setValues(x.data(), x.size(), nullptr, tr("input value"));
    } catch (const std::exception& e) {
        datasetHistogram_->setHistogram({}, QString::fromUtf8(e.what()));
    }
    updateAugmentationPreview();
}

void DataPanel::updateAugmentationPreview() {
    while (QLayoutItem* item = augmentGrid_->takeAt(0)) {
        delete item->widget();
        delete item;
    }
    if (!loaded_ || loaded_->data->inputShape().size() != 3) {
        augmentNote_->setText(tr("Augmentation applies to image data sets."));
        return;
    }
    AugmentSpec spec;
    try {
        spec = parseAugmentations(splitList(augmentSpec_->text()));
    } catch (const std::exception& e) {
        augmentNote_->setText("<span style='color:#c0392b'>" + QString::fromUtf8(e.what()).toHtmlEscaped() + "</span>");
        return;
    }
    const int index = std::clamp(previewSample_, 0, loaded_->data->size() - 1);
    Tensor x, y;
    try {
        loaded_->data->batch({index}, x, y);
    } catch (const std::exception& e) {
        augmentNote_->setText(QString::fromUtf8(e.what()).toHtmlEscaped());
        return;
    }
    const Shape s = loaded_->data->inputShape();
    Tensor base(s);
    std::copy_n(x.data(), base.size(), base.data());
    augmentNote_->setText(tr("Sample %1 (%2) as the network sees it, then %3 random draws of: %4")
                              .arg(index)
                              .arg(loaded_->labels.empty() ? QString() : loaded_->classNames.value(loaded_->labels[std::size_t(index)]))
                              .arg(7)
                              .arg(QString::fromStdString(toString(spec))));
    auto show = [this, &s](const Tensor& t, int k, const QString& tip) {
        Image img(s[0], s[1], s[2]);
        std::copy_n(t.data(), t.size(), img.pixels.data());
        const QImage q = widgets::thumbnailImage(img, 0, loaded_->blueFirst, false)
                             .scaled(72, 72, Qt::KeepAspectRatio, Qt::SmoothTransformation);
        auto* l = new QLabel;
        l->setPixmap(QPixmap::fromImage(q));
        l->setToolTip(tip);
        l->setFrameShape(k == 0 ? QFrame::Box : QFrame::NoFrame);
        l->setFixedSize(q.size() + QSize(2, 2));
        augmentGrid_->addWidget(l, k / 4, k % 4);  // two rows of four: fits a narrow dock
    };
    show(base, 0, tr("original"));
    for (int k = 1; k < 8; ++k) {
        Tensor t = base;
        Rng rng(std::uint64_t(1000 + k));
        augment(t, spec, rng);
        show(t, k, tr("draw %1").arg(k));
    }
}

void DataPanel::openImageFile(const QString& path) {
    if (imageTask_->isRunning()) {
        imageTask_->cancel();
        imageTask_->waitAndDeliver();  // the cancelled end is handled before the new read starts
    }
    imageTaskPath_ = path;
    pendingImage_.reset();
    progress_->setVisible(true);
    progress_->setRange(0, 0);
    cancelButton_->setEnabled(true);
    imageTask_->start(tr("Reading %1").arg(QFileInfo(path).fileName()),
                      [this, path](const BackgroundTask::Progress&, const std::atomic<bool>&) -> QString {
                          pendingImage_ = readForViewing(path);  // read on the UI thread after `finished`
                          return {};
                      });
}

void DataPanel::openSample(int index) {
    if (!loaded_ || index < 0 || index >= loaded_->data->size()) return;
    previewSample_ = index;
    if (!loaded_->files.empty()) {
        openImageFile(QString::fromStdString(loaded_->files[std::size_t(index)]));
    } else if (loaded_->tensors && loaded_->data->inputShape().size() == 3) {
        const Shape s = loaded_->data->inputShape();
        auto img = std::make_shared<Image>(s[0], s[1], s[2]);
        std::copy_n(loaded_->tensors->inputs().sample(index), img->pixels.size(), img->pixels.data());
        OpenedImage o;
        o.title = tr("Sample %1 (%2)")
                      .arg(index)
                      .arg(loaded_->labels.empty() ? QString() : loaded_->classNames.value(loaded_->labels[std::size_t(index)]));
        o.image = img;
        o.blueFirst = loaded_->blueFirst;
        showImage(o);
    }
    updateAugmentationPreview();
}

void DataPanel::showImage(const OpenedImage& o) {
    histogramImage_ = nullptr;  // a new image may sit where the old one was freed
    imageView_->setImage(o.image, o.wcs);
    if (!o.channelNames.isEmpty()) imageView_->setChannelNames(o.channelNames);
    if (o.blueFirst && o.image->channels() >= 3) imageView_->setCompositeChannels(2, 1, 0);
    const bool rgb8 = !o.path.isEmpty() && isEightBit(o.path) && o.image->channels() == 3;
    if (!rgb8 && imageView_->settings().interval.kind == IntervalKind::Manual) {
        // A fixed 0..255 range was for the previous 8-bit image, not for physical units.
        IntervalSpec iv = imageView_->settings().interval;
        iv.kind = IntervalKind::ZScale;
        imageView_->setInterval(iv);
    }
    if (o.image->channels() >= 3) {
        // Colour images open in colour: 8-bit RGB as stored, FITS cubes as a Lupton composite.
        widgets::DisplaySettings d = imageView_->settings();
        d.band = -1;
        d.composite = rgb8 ? widgets::CompositeMode::PerBand : widgets::CompositeMode::Lupton;
        if (rgb8) {
            // As stored: every band 0..255, no stretch (the colours of the original file).
            d.interval.kind = IntervalKind::Manual;
            d.interval.manual = {0.0, 255.0};
            d.stretch.kind = DisplayStretch::Linear;
        }
        imageView_->setSettings(d);
    }
    header_->setCards(o.cards);
    imageSide_->setTabEnabled(1, !o.cards.empty());
    QString info = QString("<b>%1</b> — %2×%3").arg(o.title.toHtmlEscaped()).arg(o.image->width()).arg(o.image->height());
    if (o.image->channels() > 1) info += tr(", %1 channels").arg(o.image->channels());
    if (o.image->hasBlank()) info += tr(", %1 blank pixels").arg(o.image->blankCount());
    if (o.wcs) info += " — " + QString::fromStdString(o.wcs->describe()).toHtmlEscaped();
    imageTitle_->setText(info);
    if (source_.value("kind", "") == "image")
        summary_->setText(tr("%1: %2×%3 image%4").arg(o.title).arg(o.image->width()).arg(o.image->height())
                              .arg(o.wcs ? tr(" with a sky WCS") : QString()));
    updateImageHistogram();
    views_->setCurrentWidget(imagePage_);
    emit imageOpened(o.title);
}

void DataPanel::updateImageHistogram() {
    const Image* img = imageView_->image();
    if (!img || img->empty()) return;
    const int band = std::max(0, imageView_->settings().band);
    if (img != histogramImage_ || band != histogramBand_) {
        // Values only when the image or band changes (a stretch change moves the markers only).
        histogramImage_ = img;
        histogramBand_ = band;
        const std::size_t n = std::size_t(img->width()) * std::size_t(img->height());
        const QString name = imageView_->channelNames().value(band, img->channels() > 1 ? tr("band %1").arg(band + 1) : QString());
        QString label = name.isEmpty() ? tr("pixel value") : tr("pixel value (%1)").arg(name);
        constexpr std::size_t kMaxValues = std::size_t(1) << 20;
        if (n <= kMaxValues) {
            imageHistogram_->setValues(img->channel(band), n, img->channelBlank(band), label);
        } else {
            // Large images: every k-th pixel, counted on a worker thread (sampling a 4096² FITS
            // takes ~20 ms: on the UI thread it held the UI and delayed the view's first frame).
            const std::size_t step = (n + kMaxValues - 1) / kMaxValues;
            histogramTask_->cancel();  // an earlier image's sample, if still running, is not wanted
            histogramTask_->waitForFinished();
            pendingHistogramLabel_ = label + tr(", every %1th pixel").arg(step);
            auto result = std::make_shared<SampledHistogram>();
            pendingHistogram_ = result;
            std::shared_ptr<const Image> image = imageView_->sharedImage();
            histogramTask_->start(tr("Histogram"), [image, band, n, step, result](const BackgroundTask::Progress&,
                                                                                 const std::atomic<bool>&) {
                std::vector<float> values;
                std::vector<std::uint8_t> blank;
                values.reserve(n / step + 1);
                const float* d = image->channel(band);
                const std::uint8_t* m = image->channelBlank(band);
                for (std::size_t i = 0; i < n; i += step) {
                    values.push_back(d[i]);
                    if (m) blank.push_back(m[i]);
                }
                result->histogram =
                    widgets::computeHistogram(values.data(), values.size(), m ? blank.data() : nullptr, 128);
                result->done = true;
                return QString();
            });
        }
    }
    // The markers once the view knows the interval (large images: after the worker's frame).
    if (const std::optional<Interval> iv = imageView_->knownInterval()) imageHistogram_->setMarkers(iv->low, iv->high);
}

void DataPanel::openPath(const QString& path) {
    const QFileInfo info(path);
    Json s;
    if (info.isDir()) {
        s = sourceFromForm();
        s["kind"] = "folder";
        s["path"] = path.toStdString();
        if (kind_->currentData().toString() != "folder") {
            // Defaults for a new folder: small enough to train on quickly.
            s = Json{{"kind", "folder"}, {"path", path.toStdString()}, {"crop", ""}, {"image_size", 64},
                     {"grey", false}, {"bands", Json::array()}, {"stretch", "linear"}, {"target", ""}};
        }
    } else if (info.suffix().compare("csv", Qt::CaseInsensitive) == 0) {
        kind_->setCurrentIndex(kind_->findData("table"));
        tablePath_->setText(path);
        summary_->setText(tr("Name the input columns of '%1', then press Load.").arg(info.fileName()));
        return;
    } else {
        s = Json{{"kind", "image"}, {"path", path.toStdString()}};
    }
    source_ = s;
    showSourceInForm(s);
    emit sourceChanged();
    load();
}

void DataPanel::dragEnterEvent(QDragEnterEvent* event) {
    if (event->mimeData()->hasUrls() && !event->mimeData()->urls().isEmpty() && event->mimeData()->urls().first().isLocalFile())
        event->acceptProposedAction();
}

void DataPanel::dropEvent(QDropEvent* event) {
    const auto urls = event->mimeData()->urls();
    if (urls.isEmpty() || !urls.first().isLocalFile()) return;
    event->acceptProposedAction();
    openPath(urls.first().toLocalFile());
}

}  // namespace deepfield::app
