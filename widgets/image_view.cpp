#include "image_view.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QPointer>
#include <QThreadPool>
#include <QWheelEvent>
#include <algorithm>
#include <cmath>
#include <cstdint>
#ifdef __linux__
#include <sys/mman.h>
#endif

#include "data/composite.h"

namespace deepfield::widgets {

namespace {
constexpr int kLevels = 65536;  // table entries over the interval
constexpr double kZoomStep = 1.25;
constexpr double kMinZoom = 1.0 / 64, kMaxZoom = 64.0;

// Percentiles of very large images from a strided sample of about 2^20 valid values: sorting
// 16 million values would take seconds, and the display cannot tell the difference.
Interval fastInterval(const float* data, std::size_t n, const std::uint8_t* blank, const IntervalSpec& spec) {
    constexpr std::size_t kSample = std::size_t(1) << 20;
    if (spec.kind != IntervalKind::Percentile || n <= kSample) return computeInterval(data, n, blank, spec);
    const std::size_t stride = (n + kSample - 1) / kSample;
    std::vector<float> sample;
    sample.reserve(n / stride + 1);
    for (std::size_t i = 0; i < n; i += stride)
        if (!(blank && blank[i]) && std::isfinite(data[i])) sample.push_back(data[i]);
    return computeInterval(sample.data(), sample.size(), nullptr, spec);
}
}  // namespace

// Per band: the interval of the current spec and, for histogram equalisation, the histogram
// of the band's values over the interval's 65,536 levels.
struct ImageView::BandState {
    bool hasInterval = false;
    Interval interval;
    std::vector<std::uint32_t> histogram;  // empty until needed
};

QString formatRa(double degrees) {
    double h = std::fmod(degrees, 360.0);
    if (h < 0) h += 360.0;
    h /= 15.0;
    // Round to milliseconds of time first so 59.9996 s carries into the minutes.
    long long ms = std::llround(h * 3600.0 * 1000.0);
    ms %= 24LL * 3600 * 1000;
    const int hh = int(ms / 3600000), mm = int(ms / 60000 % 60);
    const double ss = double(ms % 60000) / 1000.0;
    return QString("%1:%2:%3").arg(hh, 2, 10, QChar('0')).arg(mm, 2, 10, QChar('0')).arg(ss, 6, 'f', 3, QChar('0'));
}

QString formatDec(double degrees) {
    const QChar sign = degrees < 0 ? '-' : '+';
    long long cs = std::llround(std::abs(degrees) * 3600.0 * 100.0);  // centi-arcseconds
    const int dd = int(cs / 360000), mm = int(cs / 6000 % 60);
    const double ss = double(cs % 6000) / 100.0;
    return QString("%1%2:%3:%4").arg(sign).arg(dd, 2, 10, QChar('0')).arg(mm, 2, 10, QChar('0')).arg(ss, 5, 'f', 2, QChar('0'));
}

ImageView::ImageView(QWidget* parent) : QWidget(parent) {
    setMouseTracking(true);
    setFocusPolicy(Qt::StrongFocus);
    setMinimumSize(120, 120);
    setAttribute(Qt::WA_OpaquePaintEvent);
    settings_.interval.kind = IntervalKind::ZScale;
}

ImageView::~ImageView() = default;

void ImageView::setImage(std::shared_ptr<const Image> image, std::shared_ptr<const Wcs> wcs, int fitsCoordinates) {
    image_ = std::move(image);
    wcs_ = std::move(wcs);
    fitsCoords_ = fitsCoordinates < 0 ? (image_ && image_->bottomUp) : fitsCoordinates != 0;
    channelNames_.clear();
    composite_[0] = 0, composite_[1] = 1, composite_[2] = 2;
    const int c = image_ ? image_->channels() : 0;
    if (settings_.band >= c || (settings_.band < 0 && c < 3)) settings_.band = 0;
    readout_ = {};
    fit_ = true;
    invalidate(true);
    applyFit();
    emit settingsChanged();
}

void ImageView::clear() { setImage(nullptr); }

void ImageView::setCompositeChannels(int r, int g, int b) {
    composite_[0] = r, composite_[1] = g, composite_[2] = b;
    invalidate(false);
}

void ImageView::setSettings(const DisplaySettings& s) {
    const bool intervals = s.interval.kind != settings_.interval.kind ||
                           s.interval.lowerPercent != settings_.interval.lowerPercent ||
                           s.interval.upperPercent != settings_.interval.upperPercent ||
                           s.interval.manual.low != settings_.interval.manual.low ||
                           s.interval.manual.high != settings_.interval.manual.high;
    settings_ = s;
    const int c = image_ ? image_->channels() : 0;
    if (settings_.band >= c || (settings_.band < 0 && c < 3)) settings_.band = 0;
    invalidate(intervals);
    emit settingsChanged();
}

void ImageView::setInterval(const IntervalSpec& s) {
    DisplaySettings d = settings_;
    d.interval = s;
    setSettings(d);
}
void ImageView::setStretch(const StretchSpec& s) {
    DisplaySettings d = settings_;
    d.stretch = s;
    setSettings(d);
}
void ImageView::setColormap(Colormap map) {
    DisplaySettings d = settings_;
    d.colormap = map;
    setSettings(d);
}
void ImageView::setBand(int b) {
    DisplaySettings d = settings_;
    d.band = b;
    setSettings(d);
}
void ImageView::setCompositeMode(CompositeMode mode) {
    DisplaySettings d = settings_;
    d.composite = mode;
    setSettings(d);
}

void ImageView::invalidate(bool intervals) {
    if (intervals || !image_) bands_.clear();
    dirty_ = true;
    ++generation_;
    // The old frame stays on screen (scaled_ too) until the new one is ready.
    update();
}

ImageView::BandState& ImageView::bandOf(std::vector<std::unique_ptr<BandState>>& bands, const Image& image,
                                        const IntervalSpec& spec, int c) {
    if (bands.size() != std::size_t(image.channels())) {
        bands.clear();
        for (int i = 0; i < image.channels(); ++i) bands.push_back(std::make_unique<BandState>());
    }
    BandState& b = *bands[std::size_t(c)];
    if (!b.hasInterval) {
        const std::size_t n = std::size_t(image.height()) * std::size_t(image.width());
        b.interval = fastInterval(image.channel(c), n, image.channelBlank(c), spec);
        b.hasInterval = true;
    }
    return b;
}

ImageView::BandState& ImageView::band(int c) { return bandOf(bands_, *image_, settings_.interval, c); }

std::optional<Interval> ImageView::knownInterval() const {
    if (!image_ || image_->empty()) return std::nullopt;
    const std::size_t c = std::size_t(std::max(0, settings_.band));
    if (c >= bands_.size() || !bands_[c]->hasInterval) return std::nullopt;
    Interval iv = bands_[c]->interval;
    if (colormapInfo(settings_.colormap).diverging) {
        const double l = std::max(std::abs(iv.low), std::abs(iv.high));
        iv = {-l, l};
    }
    return iv;
}

Interval ImageView::currentInterval() {
    if (!image_ || image_->empty()) return {};
    Interval iv = band(std::max(0, settings_.band)).interval;
    if (colormapInfo(settings_.colormap).diverging) {
        const double l = std::max(std::abs(iv.low), std::abs(iv.high));
        iv = {-l, l};
    }
    return iv;
}

QRgb ImageView::blankColor(Colormap map) {
    // A colour the map never produces: cyan-green on the dark maps, red on viridis/cividis.
    switch (map) {
        case Colormap::Viridis:
        case Colormap::Cividis: return qRgb(255, 0, 64);
        case Colormap::CoolWarm: return qRgb(0, 200, 0);
        default: return qRgb(0, 200, 255);
    }
}

namespace {
// 65,536-entry table: level k (x = k / 65535 of the interval) -> stretched value in [0, 1],
// through the engine's applyStretch (histogram equalisation: from the band's histogram).
std::vector<float> stretchTable(const StretchSpec& stretch, const std::vector<std::uint32_t>* histogram) {
    std::vector<float> y(kLevels);
    if (stretch.kind == DisplayStretch::HistEq && histogram) {
        // The empirical CDF at each level (mid-rank of the level's values), as astropy's
        // interp(x, sorted, linspace(0, 1, m)) evaluated on the quantised data.
        double total = 0;
        for (std::uint32_t h : *histogram) total += h;
        double below = 0;
        const double denom = std::max(1.0, total - 1.0);
        for (int k = 0; k < kLevels; ++k) {
            const double h = (*histogram)[std::size_t(k)];
            y[std::size_t(k)] = float(std::clamp((below + std::max(0.0, (h - 1.0) / 2.0)) / denom, 0.0, 1.0));
            below += h;
        }
        return y;
    }
    std::vector<float> x(kLevels);
    for (int k = 0; k < kLevels; ++k) x[std::size_t(k)] = float(k) / float(kLevels - 1);
    StretchSpec s = stretch;
    if (s.kind == DisplayStretch::HistEq) s.kind = DisplayStretch::Linear;
    applyStretch(x.data(), x.size(), nullptr, Interval{0.0, 1.0}, s, y.data());
    return y;
}

// A large frame is written for the first time by the render loop: asked for transparent huge
// pages before that, its 64 MB (4096²) fault in with 2 MB pages instead of 16,000 4 kB ones
// (tens of ms less on Linux with THP in "madvise" mode; a no-op elsewhere).
void adviseHugePages(QImage& fresh) {
#ifdef __linux__
    constexpr std::uintptr_t kHuge = std::uintptr_t(2) << 20;
    if (fresh.sizeInBytes() < qsizetype(4 * kHuge)) return;
    const auto start = reinterpret_cast<std::uintptr_t>(fresh.bits());
    const std::uintptr_t begin = (start + kHuge - 1) & ~(kHuge - 1);
    const std::uintptr_t end = (start + std::uintptr_t(fresh.sizeInBytes())) & ~(kHuge - 1);
    if (end > begin) madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
#else
    (void)fresh;
#endif
}

// Quantises a plane into levels 0..65535 of `iv`; -1 for blank or non-finite pixels.
// The per-pixel work of every mode: a multiply-add, a clamp and a table look-up.
inline int levelOf(float v, float low, float scale) {
    const float t = std::min(std::max((v - low) * scale, 0.0f), float(kLevels - 1));
    return int(t + 0.5f);
}
}  // namespace

void ImageView::render() {
    QElapsedTimer timer;
    timer.start();
    dirty_ = false;
    ++generation_;  // a frame still coming from the worker is older than this one
    scaled_ = QImage();
    if (!image_ || image_->empty()) {
        rendered_ = QImage();
        return;
    }
    rendered_ = renderFrame(*image_, settings_, composite_, bands_, std::move(rendered_));
    renderMs_ = double(timer.nsecsElapsed()) / 1e6;
    emit frameReady();
}

void ImageView::startBackgroundRender() {
    if (rendering_) return;  // the frame in flight comes back first, then the latest settings render
    rendering_ = true;
    // The worker gets copies: the image is shared read-only, band states are cloned.
    auto bands = std::make_shared<std::vector<std::unique_ptr<BandState>>>();
    for (const auto& b : bands_) bands->push_back(std::make_unique<BandState>(*b));
    struct Job {
        std::shared_ptr<const Image> image;
        DisplaySettings settings;
        int composite[3];
        int generation;
        double zoom;
    };
    auto job = std::make_shared<Job>(Job{image_, settings_, {composite_[0], composite_[1], composite_[2]}, generation_, zoom_});
    QPointer<ImageView> self(this);
    QThreadPool::globalInstance()->start([self, job, bands] {
        QElapsedTimer timer;
        timer.start();
        QImage frame = renderFrame(*job->image, job->settings, job->composite, *bands, QImage());
        // The shrunk copy for the current zoom too: a smooth downscale of 16 Mpixels is slow.
        QImage scaled;
        if (job->zoom < 1.0) {
            const QSize size(std::max(1, int(std::lround(frame.width() * job->zoom))),
                             std::max(1, int(std::lround(frame.height() * job->zoom))));
            scaled = frame.scaled(size, Qt::IgnoreAspectRatio, Qt::SmoothTransformation);
        }
        const double ms = double(timer.nsecsElapsed()) / 1e6;
        QMetaObject::invokeMethod(
            self.data() ? static_cast<QObject*>(self.data()) : QCoreApplication::instance(),
            [self, job, bands, frame, scaled, ms] {
                if (!self) return;
                ImageView* v = self.data();
                v->rendering_ = false;
                if (job->generation == v->generation_ && job->image == v->image_) {
                    v->rendered_ = frame;
                    v->bands_ = std::move(*bands);
                    v->dirty_ = false;
                    v->scaled_ = scaled;
                    v->scaledZoom_ = job->zoom;
                    v->renderMs_ = ms;
                    v->update();
                    emit v->frameReady();
                } else if (v->dirty_) {
                    v->update();  // settings changed meanwhile: render again from the latest
                }
            },
            Qt::QueuedConnection);
    });
}

QImage ImageView::renderFrame(const Image& image, const DisplaySettings& settings, const int channelsRgb[3],
                              std::vector<std::unique_ptr<BandState>>& bands, QImage rendered) {
    const int w = image.width(), h = image.height(), channels = image.channels();
    const bool flip = image.bottomUp;
    if (rendered.size() != QSize(w, h) || rendered.format() != QImage::Format_RGB32) {
        rendered = QImage(w, h, QImage::Format_RGB32);
        adviseHugePages(rendered);
    }
    auto band = [&](int c) -> BandState& { return bandOf(bands, image, settings.interval, c); };
    const Image* image_ = &image;
    const DisplaySettings& settings_ = settings;
    const int* composite_ = channelsRgb;
    const std::size_t plane = std::size_t(w) * std::size_t(h);
    const QRgb blankRgb = blankColor(settings_.colormap);
    // Detach once here: scanLine() on a shared QImage from several threads would race.
    uchar* const bits = rendered.bits();
    const qsizetype stride = rendered.bytesPerLine();
    auto line = [bits, stride](int r) { return reinterpret_cast<QRgb*>(bits + stride * r); };

    auto histogramFor = [&](int c, const Interval& iv) -> const std::vector<std::uint32_t>* {
        BandState& b = band(c);
        if (settings_.stretch.kind != DisplayStretch::HistEq) return nullptr;
        if (b.histogram.empty()) {
            b.histogram.assign(kLevels, 0);
            const float* d = image_->channel(c);
            const std::uint8_t* m = image_->channelBlank(c);
            const float low = float(iv.low), scale = iv.high > iv.low ? float((kLevels - 1) / (iv.high - iv.low)) : 0.0f;
            for (std::size_t i = 0; i < plane; ++i)
                if (!(m && m[i]) && std::isfinite(d[i])) ++b.histogram[std::size_t(levelOf(d[i], low, scale))];
        }
        return &b.histogram;
    };

    const bool composite = settings_.band < 0 && channels >= 3;
    if (!composite) {
        const int c = std::clamp(settings_.band, 0, channels - 1);
        Interval iv = band(c).interval;
        if (colormapInfo(settings_.colormap).diverging) {
            const double l = std::max(std::abs(iv.low), std::abs(iv.high));
            iv = {-l, l};
        }
        const std::vector<float> y = stretchTable(settings_.stretch, histogramFor(c, iv));
        std::vector<std::uint8_t> rgb(std::size_t(kLevels) * 3);
        applyColormap(y.data(), y.size(), settings_.colormap, rgb.data());
        std::vector<QRgb> lut(kLevels);
        for (int k = 0; k < kLevels; ++k)
            lut[std::size_t(k)] = qRgb(rgb[3 * std::size_t(k)], rgb[3 * std::size_t(k) + 1], rgb[3 * std::size_t(k) + 2]);
        const float* data = image_->channel(c);
        const std::uint8_t* mask = image_->channelBlank(c);
        const float low = float(iv.low);
        const float scale = iv.high > iv.low ? float((kLevels - 1) / (iv.high - iv.low)) : 0.0f;
        const QRgb* table = lut.data();
#pragma omp parallel for schedule(static) if (plane > 100000)
        for (int r = 0; r < h; ++r) {
            const int srcRow = flip ? h - 1 - r : r;
            const float* src = data + std::size_t(srcRow) * w;
            const std::uint8_t* m = mask ? mask + std::size_t(srcRow) * w : nullptr;
            auto* dst = line(r);
            for (int x = 0; x < w; ++x) {
                const float v = src[x];
                const bool bad = !(v - v == 0.0f);  // NaN or infinite
                dst[x] = bad ? blankRgb : table[levelOf(v, low, scale)];
            }
            if (m)
                for (int x = 0; x < w; ++x)
                    if (m[x]) dst[x] = blankRgb;
        }
    } else if (settings_.composite == CompositeMode::PerBand) {
        // Every band through its own interval and the shared stretch, as red, green, blue.
        std::vector<std::uint8_t> lut[3];
        const float* data[3];
        const std::uint8_t* mask[3];
        float low[3], scale[3];
        for (int k = 0; k < 3; ++k) {
            const int c = std::clamp(composite_[k], 0, channels - 1);
            const Interval iv = band(c).interval;
            const std::vector<float> y = stretchTable(settings_.stretch, histogramFor(c, iv));
            lut[k].resize(kLevels);
            for (int i = 0; i < kLevels; ++i)
                lut[k][std::size_t(i)] = std::uint8_t(std::min(255, int(y[std::size_t(i)] * 256.0f)));
            data[k] = image_->channel(c);
            mask[k] = image_->channelBlank(c);
            low[k] = float(iv.low);
            scale[k] = iv.high > iv.low ? float((kLevels - 1) / (iv.high - iv.low)) : 0.0f;
        }
#pragma omp parallel for schedule(static) if (plane > 100000)
        for (int r = 0; r < h; ++r) {
            const std::size_t o = std::size_t(flip ? h - 1 - r : r) * w;
            auto* dst = line(r);
            for (int x = 0; x < w; ++x) {
                const float a = data[0][o + x], b = data[1][o + x], c = data[2][o + x];
                const bool bad = !(a - a == 0.0f) || !(b - b == 0.0f) || !(c - c == 0.0f);
                dst[x] = bad ? blankRgb
                             : qRgb(lut[0][std::size_t(levelOf(a, low[0], scale[0]))],
                                    lut[1][std::size_t(levelOf(b, low[1], scale[1]))],
                                    lut[2][std::size_t(levelOf(c, low[2], scale[2]))]);
            }
            for (int k = 0; k < 3; ++k)
                if (mask[k])
                    for (int x = 0; x < w; ++x)
                        if (mask[k][o + x]) dst[x] = blankRgb;
        }
    } else {
        // Lupton et al. (2004): black level = each band's interval low; the linear range is the
        // widest band interval; Q from the settings.
        LuptonParams p;
        double span = 0;
        const float* data[3];
        for (int k = 0; k < 3; ++k) {
            const int c = std::clamp(composite_[k], 0, channels - 1);
            const Interval iv = band(c).interval;
            p.minimum[k] = iv.low;
            span = std::max(span, iv.high - iv.low);
            data[k] = image_->channel(c);
        }
        p.stretch = span > 0 ? span : 1.0;
        p.Q = std::max(1e-3, settings_.luptonQ);
        const std::vector<std::uint8_t> rgb = luptonRgb(data[0], data[1], data[2], h, w, p);
#pragma omp parallel for schedule(static) if (plane > 100000)
        for (int r = 0; r < h; ++r) {
            const std::size_t o = std::size_t(flip ? h - 1 - r : r) * w;
            auto* dst = line(r);
            for (int x = 0; x < w; ++x) {
                const std::uint8_t* px = rgb.data() + 3 * (o + x);
                const float a = data[0][o + x], b = data[1][o + x], c = data[2][o + x];
                const bool bad = !(a - a == 0.0f) || !(b - b == 0.0f) || !(c - c == 0.0f);
                dst[x] = bad ? blankRgb : qRgb(px[0], px[1], px[2]);
            }
            for (int k = 0; k < 3; ++k)
                if (const std::uint8_t* m = image_->channelBlank(std::clamp(composite_[k], 0, channels - 1)))
                    for (int x = 0; x < w; ++x)
                        if (m[o + x]) dst[x] = blankRgb;
        }
    }
    return rendered;
}

const QImage& ImageView::rendered() {
    if (dirty_) render();
    return rendered_;
}

// ---- geometry ------------------------------------------------------------------------------

QPointF ImageView::widgetToImage(QPointF p) const {
    if (!image_) return {};
    const double u = (p.x() - offset_.x()) / zoom_, v = (p.y() - offset_.y()) / zoom_;
    return {u, image_->bottomUp ? double(image_->height()) - v : v};
}

QPointF ImageView::imageToWidget(QPointF q) const {
    if (!image_) return {};
    const double v = image_->bottomUp ? double(image_->height()) - q.y() : q.y();
    return {offset_.x() + q.x() * zoom_, offset_.y() + v * zoom_};
}

PixelReadout ImageView::readoutAt(QPointF widgetPos) const {
    PixelReadout out;
    if (!image_ || image_->empty()) return out;
    const QPointF q = widgetToImage(widgetPos);
    const int col = int(std::floor(q.x())), row = int(std::floor(q.y()));
    if (col < 0 || row < 0 || col >= image_->width() || row >= image_->height()) return out;
    out.inside = true;
    out.column = col;
    out.row = row;
    out.x = fitsCoords_ ? col + 1 : col;
    out.y = fitsCoords_ ? row + 1 : row;
    const std::size_t plane = std::size_t(image_->width()) * std::size_t(image_->height());
    const std::size_t i = std::size_t(row) * std::size_t(image_->width()) + std::size_t(col);
    QStringList vals;
    for (int c = 0; c < image_->channels(); ++c) {
        float v = image_->pixels[std::size_t(c) * plane + i];
        if (image_->isBlank(std::size_t(c) * plane + i) || !std::isfinite(v)) {
            v = std::numeric_limits<float>::quiet_NaN();
            out.blank = true;
            vals << QStringLiteral("blank");
        } else {
            vals << QString::number(v, 'g', 6);
        }
        out.values.push_back(v);
    }
    out.text = QString("x %1  y %2  %3 %4")
                   .arg(out.x)
                   .arg(out.y)
                   .arg(vals.size() > 1 ? QStringLiteral("values") : QStringLiteral("value"))
                   .arg(vals.join(", "));
    if (wcs_) {
        try {
            // The pixel's centre: FITS pixel (col + 1, row + 1).
            out.sky = wcs_->pixelToSky(col + 1.0, row + 1.0);
            out.hasSky = std::isfinite(out.sky.ra) && std::isfinite(out.sky.dec);
        } catch (const std::exception&) {
            out.hasSky = false;
        }
        if (out.hasSky)
            out.text += QString("  RA %1  Dec %2  (%3°, %4°)")
                            .arg(formatRa(out.sky.ra), formatDec(out.sky.dec))
                            .arg(out.sky.ra, 0, 'f', 6)
                            .arg(out.sky.dec, 0, 'f', 6);
    }
    return out;
}

void ImageView::setZoom(double zoom, QPointF anchor) {
    zoom = std::clamp(zoom, kMinZoom, kMaxZoom);
    if (!image_) {
        zoom_ = zoom;
        return;
    }
    // The display point under the anchor stays there: anchor = offset + u * zoom.
    const QPointF u = (anchor - offset_) / zoom_;
    zoom_ = zoom;
    offset_ = anchor - u * zoom_;
    fit_ = false;
    scaled_ = QImage();
    update();
    emit viewChanged();
}

void ImageView::setOffset(QPointF offset) {
    offset_ = offset;
    fit_ = false;
    update();
    emit viewChanged();
}

void ImageView::zoomIn() { setZoom(zoom_ * kZoomStep, QPointF(width() / 2.0, height() / 2.0)); }
void ImageView::zoomOut() { setZoom(zoom_ / kZoomStep, QPointF(width() / 2.0, height() / 2.0)); }

void ImageView::fitToWindow() {
    fit_ = true;
    applyFit();
}

void ImageView::applyFit() {
    if (!image_ || image_->empty()) return;
    const double zw = double(width()) / image_->width(), zh = double(height()) / image_->height();
    zoom_ = std::clamp(std::min(zw, zh), kMinZoom, kMaxZoom);
    offset_ = QPointF((width() - image_->width() * zoom_) / 2.0, (height() - image_->height() * zoom_) / 2.0);
    scaled_ = QImage();
    update();
    emit viewChanged();
}

void ImageView::actualSize() {
    if (!image_) return;
    const QPointF centre(width() / 2.0, height() / 2.0);
    setZoom(1.0, centre);
}

// ---- events --------------------------------------------------------------------------------

void ImageView::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.fillRect(rect(), palette().color(QPalette::Dark).darker(150));
    if (!image_ || image_->empty()) {
        p.setPen(palette().color(QPalette::BrightText));
        p.drawText(rect(), Qt::AlignCenter, tr("No image"));
        return;
    }
    const std::size_t pixels = std::size_t(image_->width()) * std::size_t(image_->height());
    const bool large = asyncPixels_ > 0 && pixels >= asyncPixels_;
    if (dirty_ && large) {
        startBackgroundRender();
        if (rendered_.isNull() || rendered_.size() != QSize(image_->width(), image_->height())) {
            // Nothing of this image yet: say so rather than freeze.
            p.setPen(palette().color(QPalette::BrightText));
            p.drawText(rect(), Qt::AlignCenter, tr("Rendering %1 × %2…").arg(image_->width()).arg(image_->height()));
            return;
        }
    }
    const QImage& img = dirty_ && large ? rendered_ : rendered();
    const QRectF target(offset_, QSizeF(img.width() * zoom_, img.height() * zoom_));
    if (zoom_ < 1.0) {
        // Shrunk: one smooth downscale per zoom level, then panning only blits it (large images:
        // a fast one here, the smooth one comes with the next frame from the worker).
        const QSize size(std::max(1, int(std::lround(img.width() * zoom_))), std::max(1, int(std::lround(img.height() * zoom_))));
        if (scaled_.isNull() || scaledZoom_ != zoom_ || scaled_.size() != size) {
            scaled_ = img.scaled(size, Qt::IgnoreAspectRatio, large ? Qt::FastTransformation : Qt::SmoothTransformation);
            scaledZoom_ = zoom_;
        }
        p.drawImage(QPointF(std::round(offset_.x()), std::round(offset_.y())), scaled_);
    } else {
        // Magnified: nearest neighbour (pixels stay visible), drawing only the visible part.
        const QRectF visible = target.intersected(QRectF(rect()));
        if (!visible.isEmpty()) {
            const QRectF src((visible.left() - offset_.x()) / zoom_, (visible.top() - offset_.y()) / zoom_,
                             visible.width() / zoom_, visible.height() / zoom_);
            const QRect srcPx = src.toAlignedRect().intersected(img.rect());
            const QRectF dst(offset_.x() + srcPx.left() * zoom_, offset_.y() + srcPx.top() * zoom_,
                             srcPx.width() * zoom_, srcPx.height() * zoom_);
            p.drawImage(dst, img, srcPx);
        }
    }
    if (readout_.inside) {
        const QString text = readout_.text;
        QFont f = font();
        p.setFont(f);
        const QFontMetrics fm(f);
        const QRect box(4, height() - fm.height() - 8, std::min(width() - 8, fm.horizontalAdvance(text) + 12), fm.height() + 4);
        p.fillRect(box, QColor(0, 0, 0, 170));
        p.setPen(Qt::white);
        p.drawText(box.adjusted(6, 0, -2, 0), Qt::AlignVCenter | Qt::AlignLeft, text);
    }
}

void ImageView::resizeEvent(QResizeEvent*) {
    if (fit_) applyFit();
}

void ImageView::wheelEvent(QWheelEvent* e) {
    const double steps = e->angleDelta().y() / 120.0;
    if (steps == 0) return;
    setZoom(zoom_ * std::pow(kZoomStep, steps), e->position());
    e->accept();
}

void ImageView::mousePressEvent(QMouseEvent* e) {
    if (e->button() == Qt::LeftButton || e->button() == Qt::MiddleButton) {
        dragging_ = true;
        dragStart_ = e->position().toPoint();
        offsetAtDrag_ = offset_;
        setCursor(Qt::ClosedHandCursor);
    }
}

void ImageView::mouseMoveEvent(QMouseEvent* e) {
    if (dragging_) {
        setOffset(offsetAtDrag_ + (e->position() - QPointF(dragStart_)));
    }
    readout_ = readoutAt(e->position());
    emit pixelHovered(readout_.text);
    update();
}

void ImageView::mouseReleaseEvent(QMouseEvent*) {
    dragging_ = false;
    unsetCursor();
}

void ImageView::leaveEvent(QEvent*) {
    readout_ = {};
    emit pixelHovered({});
    update();
}

void ImageView::keyPressEvent(QKeyEvent* e) {
    switch (e->key()) {
        case Qt::Key_Plus:
        case Qt::Key_Equal: zoomIn(); break;
        case Qt::Key_Minus: zoomOut(); break;
        case Qt::Key_F: fitToWindow(); break;
        case Qt::Key_1: actualSize(); break;
        default: QWidget::keyPressEvent(e); return;
    }
    e->accept();
}

}  // namespace deepfield::widgets
