#pragma once
// Image view: shows a deepfield::Image (FITS, PNG, JPEG, a dataset sample) with zoom (wheel,
// +/-, fit, 1:1) and pan (drag), a display interval + stretch + colour map from the engine
// (data/stretch.h, data/colormap.h), one band or a colour composite (data/composite.h, Lupton),
// FITS orientation (bottomUp: north up) and a read-out of the pixel under the cursor
// (x, y, value(s), RA/Dec when there is a WCS). Blank pixels get a colour no map uses.
//
// Rendering is one vectorised pass per pixel: the engine's stretch and colour map are
// evaluated on a 65,536-level table of the interval, then every pixel is quantised into it
// (|error| <= 1/131070 of the interval, far below one colour-map step of 1/256).
// Large images (from 1024 × 1024 pixels) render on a worker thread: the view keeps showing the
// previous frame until the new one arrives, so a 4096² FITS never stalls the window. rendered()
// renders on the calling thread; both paths run the same code and give identical images.
#include <QImage>
#include <QWidget>
#include <memory>
#include <optional>
#include <vector>

#include "data/colormap.h"
#include "data/image.h"
#include "data/stretch.h"
#include "data/wcs.h"

namespace deepfield::widgets {

// How the image is shown. band >= 0: that channel through interval + stretch + colour map;
// band < 0 (3-channel images): a colour composite of compositeChannels as red, green, blue.
enum class CompositeMode { Lupton, PerBand };
struct DisplaySettings {
    IntervalSpec interval;  // computed per band (diverging maps: made symmetric about 0)
    StretchSpec stretch;
    Colormap colormap = Colormap::Grey;
    int band = 0;
    CompositeMode composite = CompositeMode::PerBand;
    double luptonQ = 8.0;  // Lupton asinh softening; its `stretch` is the widest band interval
};

// What lies under a widget position.
struct PixelReadout {
    bool inside = false;
    int column = 0, row = 0;     // array indices (row 0 = first row stored)
    double x = 0, y = 0;         // shown coordinates: FITS 1-based (x = column + 1, y = row + 1)
                                 // for FITS images, else 0-based from the top-left
    std::vector<float> values;   // one per channel, NaN when blank
    bool blank = false;          // any channel blank
    bool hasSky = false;
    SkyCoord sky;
    QString text;                // one line, as shown in the view
};

// Sexagesimal sky coordinates: RA "hh:mm:ss.sss" (0 <= RA < 360), Dec "+dd:mm:ss.ss".
QString formatRa(double degrees);
QString formatDec(double degrees);

class ImageView : public QWidget {
    Q_OBJECT
public:
    explicit ImageView(QWidget* parent = nullptr);
    ~ImageView() override;

    // wcs may be null. fitsCoordinates: show 1-based FITS pixel numbers (default: image->bottomUp).
    void setImage(std::shared_ptr<const Image> image, std::shared_ptr<const Wcs> wcs = {}, int fitsCoordinates = -1);
    void clear();
    const Image* image() const { return image_.get(); }
    std::shared_ptr<const Image> sharedImage() const { return image_; }  // for work on other threads
    const Wcs* wcs() const { return wcs_.get(); }
    void setChannelNames(const QStringList& names) { channelNames_ = names; }
    const QStringList& channelNames() const { return channelNames_; }
    // Channels used as red, green, blue in composites (default 0, 1, 2).
    void setCompositeChannels(int r, int g, int b);

    const DisplaySettings& settings() const { return settings_; }
    void setSettings(const DisplaySettings& s);
    void setInterval(const IntervalSpec& s);
    void setStretch(const StretchSpec& s);
    void setColormap(Colormap map);
    void setBand(int band);  // < 0: composite (3+ channels only)
    void setCompositeMode(CompositeMode mode);
    // The interval of the shown band (after symmetrisation for diverging maps).
    Interval currentInterval();

    // Zoom = screen pixels per image pixel; the image's top-left display corner sits at offset().
    double zoom() const { return zoom_; }
    QPointF offset() const { return offset_; }
    void setZoom(double zoom, QPointF anchor);  // keeps the image point under `anchor` fixed
    void setOffset(QPointF offset);
    void zoomIn();
    void zoomOut();
    void fitToWindow();  // and keep fitting when the widget is resized, until the next zoom
    void actualSize();   // 1:1 about the centre
    bool fitting() const { return fit_; }

    // Widget position -> continuous array coordinates (column, row), row 0 = first stored row;
    // pixel (c, r) covers [c, c+1) x [r, r+1). And back (to the pixel's centre for integers + 0.5).
    QPointF widgetToImage(QPointF widgetPos) const;
    QPointF imageToWidget(QPointF imagePos) const;
    PixelReadout readoutAt(QPointF widgetPos) const;
    const PixelReadout& lastReadout() const { return readout_; }

    // The image as displayed (display orientation: north up for FITS), rendered on demand.
    const QImage& rendered();
    double lastRenderMilliseconds() const { return renderMs_; }
    // Whether a frame is being rendered off the UI thread, and whether the shown frame is current.
    bool isRendering() const { return rendering_; }
    bool isFrameCurrent() const { return !dirty_ && !rendered_.isNull(); }
    // Pixel count from which paint events render in the worker (default 1024²; 0: always sync).
    void setBackgroundRenderPixels(std::size_t pixels) { asyncPixels_ = pixels; }
    // The shown band's interval if already known (no computation on the UI thread).
    std::optional<Interval> knownInterval() const;
    static QRgb blankColor(Colormap map);

signals:
    void settingsChanged();
    void frameReady();                   // a frame for the current settings is shown
    void viewChanged();                  // zoom or pan
    void pixelHovered(const QString& text);

protected:
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    void leaveEvent(QEvent* event) override;

private:
    struct BandState;
    void invalidate(bool intervals);
    void render();
    void startBackgroundRender();
    BandState& band(int c);
    // The whole rendering, free of widget state so a worker can run it on copies.
    static QImage renderFrame(const Image& image, const DisplaySettings& settings, const int composite[3],
                              std::vector<std::unique_ptr<BandState>>& bands, QImage reuse);
    static BandState& bandOf(std::vector<std::unique_ptr<BandState>>& bands, const Image& image,
                             const IntervalSpec& spec, int c);
    void applyFit();

    std::shared_ptr<const Image> image_;
    std::shared_ptr<const Wcs> wcs_;
    bool fitsCoords_ = false;
    QStringList channelNames_;
    int composite_[3] = {0, 1, 2};
    DisplaySettings settings_;
    std::vector<std::unique_ptr<BandState>> bands_;
    QImage rendered_, scaled_;
    double scaledZoom_ = 0;
    bool dirty_ = true;
    double renderMs_ = 0;
    int generation_ = 0;       // bumped by every change that needs a new frame
    bool rendering_ = false;   // a worker is rendering
    std::size_t asyncPixels_ = std::size_t(1) << 20;
    double zoom_ = 1.0;
    QPointF offset_;
    bool fit_ = true;
    bool dragging_ = false;
    QPoint dragStart_;
    QPointF offsetAtDrag_;
    PixelReadout readout_;
};

}  // namespace deepfield::widgets
