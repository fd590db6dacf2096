#include "thumbnail_grid.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QRegularExpression>
#include <QPainter>
#include <QSortFilterProxyModel>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>
#include <vector>

#include "data/colormap.h"
#include "data/preprocess.h"
#include "data/stretch.h"

namespace deepfield::widgets {

namespace {
constexpr std::size_t kMaxPending = 600;  // older requests (scrolled past) are forgotten
constexpr int kBatch = 6;                 // thumbnails per job

QImage makePlaceholder(int size, bool failed) {
    QImage img(size, size, QImage::Format_ARGB32_Premultiplied);
    img.fill(Qt::transparent);
    QPainter p(&img);
    p.setRenderHint(QPainter::Antialiasing);
    p.setPen(Qt::NoPen);
    p.setBrush(QColor(128, 128, 128, 60));
    p.drawRoundedRect(QRectF(2, 2, size - 4, size - 4), 6, 6);
    if (failed) {
        p.setPen(QPen(QColor(200, 50, 40), 3));
        p.drawLine(QPointF(size * 0.3, size * 0.3), QPointF(size * 0.7, size * 0.7));
        p.drawLine(QPointF(size * 0.7, size * 0.3), QPointF(size * 0.3, size * 0.7));
    }
    return img;
}
}  // namespace

ThumbnailModel::ThumbnailModel(QObject* parent) : QAbstractListModel(parent) {
    // One core for the UI, the other for thumbnails: the machine may have only two.
    pool_.setMaxThreadCount(std::max(1, QThread::idealThreadCount() - 1));
    placeholder_ = makePlaceholder(size_, false);
}

ThumbnailModel::~ThumbnailModel() {
    pending_.clear();
    pool_.clear();
    pool_.waitForDone();
}

void ThumbnailModel::setThumbnailSize(int pixels) {
    beginResetModel();
    size_ = std::max(16, pixels);
    placeholder_ = makePlaceholder(size_, false);
    cache_.clear();
    pending_.clear();
    queued_.clear();
    ++generation_;
    endResetModel();
}

void ThumbnailModel::setImages(int count, Renderer renderer, QStringList labels, QStringList tooltips) {
    beginResetModel();
    count_ = count;
    renderer_ = std::make_shared<Renderer>(std::move(renderer));
    labels_ = std::move(labels);
    tooltips_ = std::move(tooltips);
    cache_.clear();
    pending_.clear();
    queued_.clear();
    ++generation_;  // results of jobs still running are dropped on arrival
    endResetModel();
}

int ThumbnailModel::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : count_; }

void ThumbnailModel::setLabelColumns(const QStringList& names, const QVector<QStringList>& values) {
    columnNames_ = names;
    columnText_ = values;
    columnText_.resize(names.size());
    numeric_.clear();
    columnNumbers_.clear();
    for (const QStringList& column : columnText_) {
        // Numbers once here: sorting 10,000 rows compares ~130,000 times.
        std::vector<double> numbers(std::size_t(count_), NAN);
        bool allNumbers = !column.isEmpty();
        for (int i = 0; i < count_; ++i) {
            bool ok = false;
            const double v = column.value(i).toDouble(&ok);
            if (ok) numbers[std::size_t(i)] = v;
            else if (!column.value(i).isEmpty()) allNumbers = false;
        }
        numeric_ << allNumbers;
        columnNumbers_.push_back(std::move(numbers));
    }
}

double ThumbnailModel::columnNumber(int column, int row) const {
    if (column < 0 || std::size_t(column) >= columnNumbers_.size() || row < 0 || row >= count_) return NAN;
    return columnNumbers_[std::size_t(column)][std::size_t(row)];
}

QVariant ThumbnailModel::data(const QModelIndex& index, int role) const {
    const int i = index.row();
    if (i < 0 || i >= count_) return {};
    switch (role) {
        case Qt::DecorationRole:
            if (const QImage* img = cache_.object(i)) return *img;
            request(i);
            return placeholder_;
        case ReadyRole: return cache_.contains(i);
        case Qt::DisplayRole:
        case LabelRole: return labels_.value(i);
        case Qt::ToolTipRole: return tooltips_.value(i, labels_.value(i));
        default: return {};
    }
}

void ThumbnailModel::request(int index) const {
    if (queued_.contains(index) || !renderer_ || !*renderer_) return;
    queued_.insert(index);
    pending_.push_back(index);
    while (pending_.size() > kMaxPending) {
        queued_.remove(pending_.front());
        pending_.pop_front();
    }
    schedule();
}

void ThumbnailModel::schedule() const {
    while (running_ < pool_.maxThreadCount() && !pending_.empty()) {
        QList<int> batch;
        while (batch.size() < kBatch && !pending_.empty()) {
            batch << pending_.back();  // newest first: what is on screen now
            pending_.pop_back();
        }
        ++running_;
        auto renderer = renderer_;
        const int generation = generation_, size = size_;
        auto* self = const_cast<ThumbnailModel*>(this);
        pool_.start([self, renderer, batch, generation, size] {
            QList<QPair<int, QImage>> out;
            for (int i : batch) {
                QImage img;
                try {
                    img = (*renderer)(i);
                } catch (const std::exception&) {
                    img = QImage();
                }
                if (img.isNull())
                    img = makePlaceholder(size, true);
                else if (img.width() > size || img.height() > size)
                    img = img.scaled(size, size, Qt::KeepAspectRatio, Qt::SmoothTransformation);
                out.append({i, img});
            }
            QMetaObject::invokeMethod(self, [self, generation, out] { self->deliver(generation, out); },
                                      Qt::QueuedConnection);
        });
    }
}

void ThumbnailModel::deliver(int generation, const QList<QPair<int, QImage>>& images) {
    --running_;
    if (generation == generation_) {
        int lo = count_, hi = -1;
        for (const auto& [i, img] : images) {
            cache_.insert(i, new QImage(img));
            queued_.remove(i);
            lo = std::min(lo, i);
            hi = std::max(hi, i);
        }
        if (hi >= lo) emit dataChanged(index(lo), index(hi), {Qt::DecorationRole, ReadyRole});
    }
    schedule();
}

// Filters by the class label and by conditions on label columns; sorts by the label or a column
// (numbers numerically, blanks last, ties in file order so the order is reproducible).
class LabelFilterProxy : public QSortFilterProxyModel {
public:
    struct Condition {
        int column;
        QString op;
        QString text;
        double number;
        bool isNumber;
    };
    explicit LabelFilterProxy(ThumbnailModel* model, QObject* parent) : QSortFilterProxyModel(parent), model_(model) {
        setSourceModel(model);
        setDynamicSortFilter(false);  // thumbnails arriving must not re-sort the list
    }
    void setLabel(const QString& label) {
        label_ = label;
        invalidateFilter();
    }
    void setConditions(std::vector<Condition> conditions) {
        conditions_ = std::move(conditions);
        invalidateFilter();
    }
    void sortByColumn(int column, Qt::SortOrder order) {  // -2 file order, -1 label, else a label column
        column_ = column;
        if (column == -2) sort(-1);
        else {
            invalidate();
            sort(0, order);
        }
    }

protected:
    bool filterAcceptsRow(int row, const QModelIndex&) const override {
        if (!label_.isEmpty() && model_->label(row) != label_) return false;
        for (const Condition& c : conditions_)
            if (!accepts(c, row)) return false;
        return true;
    }
    bool lessThan(const QModelIndex& a, const QModelIndex& b) const override {
        const int i = a.row(), j = b.row();
        if (column_ >= 0 && model_->isNumericColumn(column_)) {
            const double x = model_->columnNumber(column_, i), y = model_->columnNumber(column_, j);
            const bool xn = std::isnan(x), yn = std::isnan(y);
            if (xn != yn) return yn;  // blanks last
            if (!xn && x != y) return x < y;
            return i < j;
        }
        const QString x = column_ >= 0 ? model_->columnText(column_, i) : model_->label(i);
        const QString y = column_ >= 0 ? model_->columnText(column_, j) : model_->label(j);
        const int c = QString::localeAwareCompare(x, y);
        return c != 0 ? c < 0 : i < j;
    }

private:
    bool accepts(const Condition& c, int row) const {
        if (c.isNumber && model_->isNumericColumn(c.column)) {
            const double v = model_->columnNumber(c.column, row);
            if (std::isnan(v)) return false;
            if (c.op == "=") return v == c.number;
            if (c.op == "!=") return v != c.number;
            if (c.op == "<") return v < c.number;
            if (c.op == "<=") return v <= c.number;
            if (c.op == ">") return v > c.number;
            return v >= c.number;
        }
        const QString v = model_->columnText(c.column, row);
        if (c.op == "=") return v == c.text;
        if (c.op == "!=") return v != c.text;
        const int k = QString::localeAwareCompare(v, c.text);
        if (c.op == "<") return k < 0;
        if (c.op == "<=") return k <= 0;
        if (c.op == ">") return k > 0;
        return k >= 0;
    }
    ThumbnailModel* model_;
    QString label_;
    std::vector<Condition> conditions_;
    int column_ = -2;
};

ThumbnailGrid::ThumbnailGrid(QWidget* parent)
    : QWidget(parent), model_(new ThumbnailModel(this)), proxy_(new LabelFilterProxy(model_, this)) {
    view_ = new QListView(this);
    view_->setModel(proxy_);
    view_->setViewMode(QListView::IconMode);
    view_->setIconSize(QSize(72, 72));
    view_->setGridSize(QSize(90, 100));
    view_->setUniformItemSizes(true);  // layout without asking every item for its size
    view_->setResizeMode(QListView::Adjust);
    view_->setMovement(QListView::Static);
    view_->setLayoutMode(QListView::Batched);
    view_->setBatchSize(200);
    filter_ = new QComboBox(this);
    filter_->setToolTip(tr("Show only images with this label"));
    sort_ = new QComboBox(this);
    sort_->setToolTip(tr("Sort by the label or by any label column"));
    order_ = new QComboBox(this);
    order_->addItems({QStringLiteral("↑"), QStringLiteral("↓")});
    order_->setToolTip(tr("Ascending or descending"));
    condition_ = new QLineEdit(this);
    condition_->setPlaceholderText(tr("where… e.g. bt > 0.5 and n < 2"));
    condition_->setClearButtonEnabled(true);
    for (QComboBox* box : {filter_, sort_}) {
        box->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);  // long names don't widen the dock
        box->setMinimumContentsLength(6);
    }
    sort_->addItem(tr("File order"), QString());
    sort_->addItem(tr("Label"), QStringLiteral("label"));
    connect(filter_, &QComboBox::currentIndexChanged, this, [this](int i) { setLabelFilter(i <= 0 ? QString() : filter_->itemText(i)); });
    auto resort = [this] {
        sortBy(sort_->currentData().toString(), order_->currentIndex() == 1 ? Qt::DescendingOrder : Qt::AscendingOrder);
    };
    connect(sort_, &QComboBox::currentIndexChanged, this, resort);
    connect(order_, &QComboBox::currentIndexChanged, this, resort);
    connect(condition_, &QLineEdit::editingFinished, this, [this] {
        const QString error = setCondition(condition_->text());
        condition_->setStyleSheet(error.isEmpty() ? QString() : QStringLiteral("color: #c0392b"));
        condition_->setToolTip(error.isEmpty() ? tr("Conditions on label columns: column op value, joined by 'and'")
                                               : error);
    });
    connect(view_, &QListView::clicked, this, [this](const QModelIndex& idx) { emit imageActivated(proxy_->mapToSource(idx).row()); });
    connect(view_, &QListView::activated, this, [this](const QModelIndex& idx) { emit imageActivated(proxy_->mapToSource(idx).row()); });
    // Two short rows rather than one wide one: the grid lives in a narrow dock.
    auto* bar = new QHBoxLayout;
    bar->addWidget(filter_, 1);
    bar->addWidget(new QLabel(tr("Sort"), this));
    bar->addWidget(sort_, 1);
    bar->addWidget(order_);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(bar);
    layout->addWidget(condition_);
    layout->addWidget(view_, 1);
}

void ThumbnailGrid::setImages(int count, ThumbnailModel::Renderer renderer, const QStringList& labels,
                              const QStringList& tooltips) {
    model_->setImages(count, std::move(renderer), labels, tooltips);
    QStringList distinct = labels;
    distinct.removeDuplicates();
    distinct.removeAll(QString());
    distinct.sort();
    const QSignalBlocker block(filter_);
    filter_->clear();
    filter_->addItem(tr("All labels"));
    filter_->addItems(distinct);
    proxy_->setLabel({});
    model_->setLabelColumns({}, {});
    const QSignalBlocker blockSort(sort_);
    while (sort_->count() > 2) sort_->removeItem(2);
    if (sort_->currentIndex() < 0) sort_->setCurrentIndex(0);
    const QSignalBlocker blockCondition(condition_);
    condition_->clear();
    proxy_->setConditions({});
    proxy_->sortByColumn(sort_->currentIndex() == 1 ? -1 : -2, order_->currentIndex() == 1 ? Qt::DescendingOrder : Qt::AscendingOrder);
}

void ThumbnailGrid::setLabelFilter(const QString& label) {
    proxy_->setLabel(label);
    const int i = label.isEmpty() ? 0 : filter_->findText(label);
    if (i >= 0 && i != filter_->currentIndex()) {
        const QSignalBlocker block(filter_);
        filter_->setCurrentIndex(i);
    }
}

void ThumbnailGrid::setLabelColumns(const QStringList& names, const QVector<QStringList>& values) {
    const QString current = sort_->currentData().toString();
    model_->setLabelColumns(names, values);
    {
        const QSignalBlocker block(sort_);
        while (sort_->count() > 2) sort_->removeItem(2);
        for (const QString& n : names) sort_->addItem(n, n);
        const int keep = sort_->findData(current);
        sort_->setCurrentIndex(keep < 0 ? 0 : keep);
    }
    condition_->setEnabled(!names.isEmpty());
    condition_->setToolTip(names.isEmpty() ? tr("No label columns to filter on")
                                           : tr("Columns: %1").arg(names.join(", ")));
    const QString error = setCondition(condition_->text());
    if (!error.isEmpty()) setCondition({});
    sortBy(sort_->currentData().toString(), order_->currentIndex() == 1 ? Qt::DescendingOrder : Qt::AscendingOrder);
}

void ThumbnailGrid::sortBy(const QString& column, Qt::SortOrder order) {
    const int index = column.isEmpty() ? -2 : column == "label" ? -1 : model_->columnIndex(column);
    if (index == -1 && column != "label") return;  // not a column of this data set
    const int i = sort_->findData(column);
    if (i >= 0 && i != sort_->currentIndex()) {
        const QSignalBlocker block(sort_);
        sort_->setCurrentIndex(i);
    }
    const QSignalBlocker block(order_);
    order_->setCurrentIndex(order == Qt::DescendingOrder ? 1 : 0);
    proxy_->sortByColumn(index, order);
}

QStringList ThumbnailGrid::sortChoices() const {
    QStringList out;
    for (int i = 0; i < sort_->count(); ++i) out << sort_->itemData(i).toString();
    return out;
}

QString ThumbnailGrid::setCondition(const QString& expression) {
    std::vector<LabelFilterProxy::Condition> conditions;
    static const QRegularExpression join(QStringLiteral("\\s+and\\s+|,"), QRegularExpression::CaseInsensitiveOption);
    static const QRegularExpression term(QStringLiteral("^\\s*([^<>=!]+?)\\s*(<=|>=|!=|=|<|>)\\s*(.+?)\\s*$"));
    for (const QString& part : expression.split(join, Qt::SkipEmptyParts)) {
        if (part.trimmed().isEmpty()) continue;
        const QRegularExpressionMatch m = term.match(part);
        if (!m.hasMatch())
            return tr("'%1' is not a condition: write column op value, e.g. bt > 0.5").arg(part.trimmed());
        const int column = model_->columnIndex(m.captured(1));
        if (column < 0)
            return tr("no label column '%1'; the columns are %2")
                .arg(m.captured(1), model_->columnNames().isEmpty() ? tr("(none)") : model_->columnNames().join(", "));
        LabelFilterProxy::Condition c{column, m.captured(2), m.captured(3), 0.0, false};
        c.number = c.text.toDouble(&c.isNumber);
        conditions.push_back(c);
    }
    if (condition_->text() != expression) {
        const QSignalBlocker block(condition_);
        condition_->setText(expression);
    }
    proxy_->setConditions(std::move(conditions));
    return {};
}

int ThumbnailGrid::visibleCount() const { return proxy_->rowCount(); }

int ThumbnailGrid::sourceRow(int visibleRow) const { return proxy_->mapToSource(proxy_->index(visibleRow, 0)).row(); }

QStringList ThumbnailGrid::labelChoices() const {
    QStringList out;
    for (int i = 1; i < filter_->count(); ++i) out << filter_->itemText(i);
    return out;
}

QImage thumbnailImage(const Image& image, int maxSide, bool channelsBlueFirst, bool eightBit) {
    const int c = image.channels(), h = image.height(), w = image.width();
    if (image.empty()) return {};
    // Shrink first (area average keeps the flux): the stretch then runs on few pixels.
    Tensor pixels = image.pixels;
    const bool hasBlank = image.hasBlank();
    if (maxSide > 0 && std::max(h, w) > maxSide && !hasBlank) {
        const double s = double(maxSide) / std::max(h, w);
        pixels = resizeImage(pixels, std::max(1, int(std::lround(h * s))), std::max(1, int(std::lround(w * s))));
    }
    const int ph = pixels.dim(1), pw = pixels.dim(2);
    const std::size_t plane = std::size_t(ph) * std::size_t(pw);
    IntervalSpec interval;
    StretchSpec stretch;
    if (eightBit) {
        interval.kind = IntervalKind::Manual;
        interval.manual = {0.0, 255.0};
    } else {
        // Black a little above the sky (70th percentile: median + ~0.5 sigma of the noise), white at
        // the brightest 0.2 %, a mild asinh between: the galaxy, not the noise.
        interval.kind = IntervalKind::Percentile;
        interval.lowerPercent = 70.0;
        interval.upperPercent = 99.8;
        stretch.kind = DisplayStretch::Asinh;
        stretch.a = 0.3;
    }
    const int shown = c >= 3 ? 3 : 1;
    std::vector<std::vector<float>> unit(static_cast<std::size_t>(shown));
    for (int k = 0; k < shown; ++k) {
        const int ch = c >= 3 && channelsBlueFirst ? 2 - k : k;  // k: red, green, blue
        const float* d = pixels.data() + std::size_t(ch) * plane;
        const std::uint8_t* m = hasBlank && pixels.size() == image.pixels.size() ? image.channelBlank(ch) : nullptr;
        const Interval iv = computeInterval(d, plane, m, interval);
        unit[std::size_t(k)] = applyStretch(d, plane, m, iv, stretch);
    }
    std::vector<std::uint8_t> rgb[3];
    for (int k = 0; k < shown; ++k) rgb[k] = applyColormap(unit[std::size_t(k)], Colormap::Grey, {0, 200, 255});
    QImage img(pw, ph, QImage::Format_RGB32);
    const bool flip = image.bottomUp;
    for (int y = 0; y < ph; ++y) {
        auto* line = reinterpret_cast<QRgb*>(img.scanLine(flip ? ph - 1 - y : y));
        for (int x = 0; x < pw; ++x) {
            const std::size_t i = 3 * (std::size_t(y) * pw + x);
            line[x] = shown == 3 ? qRgb(rgb[0][i], rgb[1][i], rgb[2][i]) : qRgb(rgb[0][i], rgb[0][i + 1], rgb[0][i + 2]);
        }
    }
    return img;
}

QImage previewImage(const float* data, int channels, int height, int width) {
    Image img(channels, height, width);
    std::copy_n(data, img.pixels.size(), img.pixels.data());
    return thumbnailImage(img, 0, true, false);
}

}  // namespace deepfield::widgets
