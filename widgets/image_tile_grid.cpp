#include "image_tile_grid.h"

#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <algorithm>
#include <cmath>

namespace deepfield::widgets {

namespace {

constexpr int kGap = 4;

int planeSize(const Tensor& t) { return t.rank() >= 2 ? t.dim(-1) * t.dim(-2) : 0; }

// Row r, column c of a mask (1, H, W) or (H, W): foreground?
bool maskAt(const Tensor& mask, int r, int c) {
    const int w = mask.dim(-1), h = mask.dim(-2);
    if (r < 0 || c < 0 || r >= h || c >= w) return false;
    return mask[std::size_t(r) * w + c] > 0.5f;
}

}  // namespace

QImage renderFloatImage(const Tensor& image, const IntervalSpec& interval, const StretchSpec& stretch, Colormap map,
                        bool blueFirst, const Interval* shared) {
    if (image.rank() < 2 || image.empty()) return {};
    const int h = image.dim(-2), w = image.dim(-1);
    const int channels = image.rank() == 3 ? image.dim(0) : 1;
    const std::size_t n = std::size_t(h) * w;
    QImage out(w, h, QImage::Format_RGB888);
    auto unitOf = [&](int c) {
        const float* p = image.data() + std::size_t(c) * n;
        const Interval iv = shared ? *shared : computeInterval(p, n, nullptr, interval);
        return applyStretch(p, n, nullptr, iv, stretch);
    };
    if (channels == 3) {
        std::vector<float> rgb[3];
        for (int c = 0; c < 3; ++c) rgb[blueFirst ? 2 - c : c] = unitOf(c);
        for (int r = 0; r < h; ++r) {
            uchar* line = out.scanLine(r);
            for (int x = 0; x < w; ++x)
                for (int c = 0; c < 3; ++c) {
                    const float v = rgb[c][std::size_t(r) * w + x];
                    line[3 * x + c] = std::isfinite(v) ? uchar(std::clamp(v, 0.0f, 1.0f) * 255.0f + 0.5f) : 0;
                }
        }
        return out;
    }
    const std::vector<std::uint8_t> rgb = applyColormap(unitOf(0), map);
    for (int r = 0; r < h; ++r) std::copy_n(rgb.data() + std::size_t(r) * w * 3, w * 3, out.scanLine(r));
    return out;
}

ImageTileGrid::ImageTileGrid(QWidget* parent) : QWidget(parent) {
    interval_.kind = IntervalKind::Percentile;
    interval_.lowerPercent = 0.5;
    interval_.upperPercent = 99.8;
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    setMinimumHeight(80);
}

void ImageTileGrid::setTiles(std::vector<ImageTile> tiles) {
    tiles_ = std::move(tiles);
    render();
    updateGeometry();
    update();
}

void ImageTileGrid::setImages(const Tensor& batch, const QStringList& captions) {
    std::vector<ImageTile> tiles;
    if (batch.rank() == 4) {
        const Shape s = batch.sampleShape();
        for (int i = 0; i < batch.batch(); ++i) {
            ImageTile t;
            t.image = Tensor::fromData(s, std::vector<float>(batch.sample(i), batch.sample(i) + batch.sampleSize()));
            if (i < captions.size()) t.caption = captions[i];
            tiles.push_back(std::move(t));
        }
    }
    setTiles(std::move(tiles));
}

void ImageTileGrid::setHighlighted(int i, bool on) {
    if (i < 0 || i >= count()) return;
    tiles_[std::size_t(i)].highlighted = on;
    update();
}

void ImageTileGrid::setDimmed(int i, bool on) {
    if (i < 0 || i >= count()) return;
    tiles_[std::size_t(i)].dimmed = on;
    update();
}

void ImageTileGrid::setColumns(int columns) {
    columns_ = std::max(0, columns);
    updateGeometry();
    update();
}

int ImageTileGrid::columns() const { return layoutFor(width()).columns; }

void ImageTileGrid::setMinimumTileSize(int pixels) {
    minSide_ = std::max(16, pixels);
    updateGeometry();
    update();
}

void ImageTileGrid::setInterval(const IntervalSpec& interval) {
    interval_ = interval;
    render();
    update();
}

void ImageTileGrid::setStretch(const StretchSpec& stretch) {
    stretch_ = stretch;
    render();
    update();
}

void ImageTileGrid::setColormap(Colormap map) {
    colormap_ = map;
    render();
    update();
}

void ImageTileGrid::setSharedInterval(bool on) {
    shared_ = on;
    render();
    update();
}

void ImageTileGrid::setBlueFirst(bool on) {
    blueFirst_ = on;
    render();
    update();
}

void ImageTileGrid::setMaskColor(const QColor& color) {
    maskColor_ = color;
    update();
}

void ImageTileGrid::render() {
    rendered_.clear();
    Interval shared;
    bool haveShared = false;
    if (shared_ && !tiles_.empty()) {
        std::vector<float> all;
        for (const ImageTile& t : tiles_) all.insert(all.end(), t.image.data(), t.image.data() + t.image.size());
        if (!all.empty()) {
            shared = computeInterval(all.data(), all.size(), nullptr, interval_);
            haveShared = true;
        }
    }
    for (const ImageTile& t : tiles_) {
        if (t.signedValues && t.image.rank() >= 2 && !t.image.empty()) {
            const int h = t.image.dim(-2), w = t.image.dim(-1);
            const std::vector<std::uint8_t> rgb = applyColormap(
                symmetricUnit(t.image.data(), std::size_t(h) * w, t.signedLimit), Colormap::CoolWarm);
            QImage img(w, h, QImage::Format_RGB888);
            for (int r = 0; r < h; ++r) std::copy_n(rgb.data() + std::size_t(r) * w * 3, w * 3, img.scanLine(r));
            rendered_.push_back(img);
            continue;
        }
        rendered_.push_back(renderFloatImage(t.image, interval_, stretch_, colormap_, blueFirst_,
                                             haveShared ? &shared : nullptr));
    }
}

QImage ImageTileGrid::renderedTile(int i) const {
    if (i < 0 || i >= int(rendered_.size())) return {};
    return rendered_[std::size_t(i)];
}

ImageTileGrid::Layout ImageTileGrid::layoutFor(int width) const {
    Layout l;
    const int n = count();
    bool captions = false;
    for (const ImageTile& t : tiles_) captions = captions || !t.caption.isEmpty();
    l.captionHeight = captions ? fontMetrics().height() + 2 : 0;
    const int usable = std::max(1, width - kGap);
    if (columns_ > 0) {
        l.columns = columns_;
    } else {
        l.columns = std::max(1, usable / (minSide_ + kGap));
        if (n > 0) l.columns = std::min(l.columns, n);
    }
    l.side = std::max(8, usable / l.columns - kGap);
    l.rows = n == 0 ? 0 : (n + l.columns - 1) / l.columns;
    return l;
}

int ImageTileGrid::heightForWidth(int width) const {
    const Layout l = layoutFor(width);
    return std::max(minimumHeight(), kGap + l.rows * (l.side + l.captionHeight + kGap));
}

QSize ImageTileGrid::sizeHint() const {
    const int w = std::max(320, width());
    return {w, heightForWidth(w)};
}

void ImageTileGrid::resizeEvent(QResizeEvent* event) {
    QWidget::resizeEvent(event);
    updateGeometry();
}

QRect ImageTileGrid::tileRect(int i) const {
    const Layout l = layoutFor(width());
    const int r = i / l.columns, c = i % l.columns;
    return QRect(kGap + c * (l.side + kGap), kGap + r * (l.side + l.captionHeight + kGap), l.side, l.side);
}

int ImageTileGrid::tileAt(const QPoint& pos) const {
    for (int i = 0; i < count(); ++i)
        if (tileRect(i).contains(pos)) return i;
    return -1;
}

void ImageTileGrid::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.fillRect(rect(), palette().window());
    if (tiles_.empty()) {
        p.setPen(palette().color(QPalette::PlaceholderText));
        p.drawText(rect(), Qt::AlignCenter, tr("No images"));
        return;
    }
    const Layout l = layoutFor(width());
    for (int i = 0; i < count(); ++i) {
        const ImageTile& t = tiles_[std::size_t(i)];
        const QRect r = tileRect(i);
        const QImage& img = rendered_[std::size_t(i)];
        if (img.isNull()) continue;
        // Keep the aspect ratio inside the square cell; nearest-neighbour so pixels stay pixels.
        const QSize s = img.size().scaled(r.size(), Qt::KeepAspectRatio);
        const QRect target(r.left() + (r.width() - s.width()) / 2, r.top() + (r.height() - s.height()) / 2, s.width(),
                           s.height());
        p.drawImage(target, img);
        if (!t.mask.empty() && planeSize(t.mask) == img.width() * img.height()) {
            const int h = img.height(), w = img.width();
            const double sx = double(target.width()) / w, sy = double(target.height()) / h;
            QColor fill = maskColor_;
            fill.setAlpha(70);
            QPainterPath contour;
            for (int y = 0; y < h; ++y)
                for (int x = 0; x < w; ++x) {
                    if (!maskAt(t.mask, y, x)) continue;
                    const double x0 = target.left() + x * sx, y0 = target.top() + y * sy;
                    p.fillRect(QRectF(x0, y0, sx, sy), fill);
                    // Contour: pixel edges between foreground and background.
                    if (!maskAt(t.mask, y - 1, x)) contour.moveTo(x0, y0), contour.lineTo(x0 + sx, y0);
                    if (!maskAt(t.mask, y + 1, x)) contour.moveTo(x0, y0 + sy), contour.lineTo(x0 + sx, y0 + sy);
                    if (!maskAt(t.mask, y, x - 1)) contour.moveTo(x0, y0), contour.lineTo(x0, y0 + sy);
                    if (!maskAt(t.mask, y, x + 1)) contour.moveTo(x0 + sx, y0), contour.lineTo(x0 + sx, y0 + sy);
                }
            p.setPen(QPen(maskColor_, 1.5));
            p.setBrush(Qt::NoBrush);
            p.drawPath(contour);
        }
        if (t.dimmed) p.fillRect(target, QColor(0, 0, 0, 150));
        if (t.highlighted) {
            p.setPen(QPen(QColor(255, 170, 0), 3));
            p.setBrush(Qt::NoBrush);
            p.drawRect(target.adjusted(1, 1, -2, -2));
        }
        if (!t.caption.isEmpty()) {
            p.setPen(palette().color(t.dimmed ? QPalette::PlaceholderText : QPalette::WindowText));
            const QRect cap(r.left() - kGap / 2, r.bottom() + 1, r.width() + kGap, l.captionHeight);
            p.drawText(cap, Qt::AlignHCenter | Qt::AlignTop,
                       fontMetrics().elidedText(t.caption, Qt::ElideRight, cap.width()));
        }
    }
}

void ImageTileGrid::mousePressEvent(QMouseEvent* event) {
    const int i = tileAt(event->position().toPoint());
    if (i >= 0) emit tileClicked(i);
    QWidget::mousePressEvent(event);
}

}  // namespace deepfield::widgets
