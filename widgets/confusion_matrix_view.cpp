#include "confusion_matrix_view.h"

#include <QMouseEvent>
#include <QPainter>
#include <algorithm>
#include <numeric>

#include "data/colormap.h"

namespace deepfield::widgets {

namespace {
constexpr int kLeft = 90, kTop = 40, kMargin = 6;
}

ConfusionMatrixView::ConfusionMatrixView(QWidget* parent) : QWidget(parent) {
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
}

void ConfusionMatrixView::setMatrix(const std::vector<std::vector<int>>& counts, const QStringList& classNames) {
    counts_ = counts;
    names_ = classNames;
    selected_ = {-1, -1};
    updateGeometry();
    update();
}

int ConfusionMatrixView::total() const {
    int n = 0;
    for (const auto& row : counts_)
        for (int c : row) n += c;
    return n;
}

QSize ConfusionMatrixView::sizeHint() const {
    const int k = std::max<int>(1, int(counts_.size()));
    return {kLeft + k * 56 + kMargin, kTop + k * 40 + kMargin};
}

QRect ConfusionMatrixView::gridRect() const {
    const int k = std::max<int>(1, int(counts_.size()));
    const int side = std::min((width() - kLeft - kMargin) / k, (height() - kTop - kMargin) / k);
    return QRect(kLeft, kTop, side * k, side * k);
}

QRect ConfusionMatrixView::cellRect(int t, int p) const {
    const QRect g = gridRect();
    const int k = std::max<int>(1, int(counts_.size()));
    const int side = g.width() / k;
    return QRect(g.left() + p * side, g.top() + t * side, side, side);
}

QPoint ConfusionMatrixView::cellAt(QPoint pos) const {
    for (int t = 0; t < int(counts_.size()); ++t)
        for (int p = 0; p < int(counts_.size()); ++p)
            if (cellRect(t, p).contains(pos)) return {t, p};
    return {-1, -1};
}

void ConfusionMatrixView::setSelected(int t, int p) {
    selected_ = {t, p};
    update();
}

void ConfusionMatrixView::paintEvent(QPaintEvent*) {
    QPainter p(this);
    if (counts_.empty()) {
        p.drawText(rect(), Qt::AlignCenter, tr("No evaluation yet"));
        return;
    }
    const int k = int(counts_.size());
    const QRect g = gridRect();
    p.drawText(QRect(g.left(), 0, g.width(), kTop / 2), Qt::AlignCenter, tr("predicted"));
    for (int t = 0; t < k; ++t) {
        const int rowSum = std::max(1, int(std::accumulate(counts_[std::size_t(t)].begin(), counts_[std::size_t(t)].end(), 0)));
        for (int c = 0; c < k; ++c) {
            const QRect r = cellRect(t, c);
            const int n = counts_[std::size_t(t)][std::size_t(c)];
            const float frac = float(n) / float(rowSum);
            const Rgb8 rgb = colormapColor(Colormap::Viridis, frac);
            p.fillRect(r.adjusted(1, 1, -1, -1), QColor(rgb[0], rgb[1], rgb[2]));
            p.setPen(frac > 0.6f ? Qt::black : Qt::white);
            p.drawText(r, Qt::AlignCenter, QString::number(n));
            if (selected_ == QPoint(t, c)) {
                p.setPen(QPen(palette().color(QPalette::Highlight), 3));
                p.drawRect(r.adjusted(1, 1, -2, -2));
            }
        }
        p.setPen(palette().color(QPalette::WindowText));
        p.drawText(QRect(0, cellRect(t, 0).top(), kLeft - 4, cellRect(t, 0).height()), Qt::AlignRight | Qt::AlignVCenter,
                   names_.value(t, QString::number(t)));
    }
    for (int c = 0; c < k; ++c)
        p.drawText(QRect(cellRect(0, c).left(), kTop / 2, cellRect(0, c).width(), kTop / 2), Qt::AlignCenter,
                   names_.value(c, QString::number(c)));
}

void ConfusionMatrixView::mousePressEvent(QMouseEvent* e) {
    const QPoint tp = cellAt(e->position().toPoint());
    if (tp.x() < 0) return;
    setSelected(tp.x(), tp.y());
    emit cellClicked(tp.x(), tp.y());
}

}  // namespace deepfield::widgets
