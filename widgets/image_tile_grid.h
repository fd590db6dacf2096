#pragma once
// A grid of small float images (generated galaxies, a ranked gallery, input / truth / prediction
// side by side), each with an optional caption, shown through the engine's display interval,
// stretch and colour map (data/stretch.h, data/colormap.h). A tile may carry a mask drawn on it
// as a translucent fill and its contour (segmentation), and may be highlighted (a frame) or
// dimmed (filtered out). Clicking a tile emits its index.
#include <QColor>
#include <QImage>
#include <QString>
#include <QWidget>
#include <vector>

#include "core/tensor.h"
#include "data/colormap.h"
#include "data/stretch.h"

namespace deepfield::widgets {

struct ImageTile {
    Tensor image;       // (C, H, W); 3 channels show as colour (blue to red when blueFirst), else channel 0
    QString caption;    // drawn under the tile; empty: none
    Tensor mask;        // optional (1, H, W) or (H, W): > 0.5 is drawn as overlay + contour
    bool highlighted = false;
    bool dimmed = false;
    // Signed data (residuals): channel 0 through the diverging coolwarm map, symmetric about 0
    // (limit: the largest |value| when 0).
    bool signedValues = false;
    float signedLimit = 0.0f;
};

class ImageTileGrid : public QWidget {
    Q_OBJECT
public:
    explicit ImageTileGrid(QWidget* parent = nullptr);

    void setTiles(std::vector<ImageTile> tiles);
    // Every sample of a batch (N, C, H, W) as a tile; captions optional (one per sample).
    void setImages(const Tensor& batch, const QStringList& captions = {});
    void clear() { setTiles({}); }
    int count() const { return int(tiles_.size()); }
    const ImageTile& tile(int i) const { return tiles_.at(std::size_t(i)); }
    QString caption(int i) const { return tiles_.at(std::size_t(i)).caption; }
    void setHighlighted(int i, bool on);
    void setDimmed(int i, bool on);

    void setColumns(int columns);  // 0: as many as fit at the minimum tile size (square-ish otherwise)
    int columns() const;           // the columns in use
    void setMinimumTileSize(int pixels);
    void setInterval(const IntervalSpec& interval);
    void setStretch(const StretchSpec& stretch);
    void setColormap(Colormap map);
    // One interval over all tiles (so brightness compares across tiles), or one per tile.
    void setSharedInterval(bool on);
    void setBlueFirst(bool on);  // 3-channel images run blue to red (simulated g, r, i)
    void setMaskColor(const QColor& color);

    // The tile as rendered (image pixels, before scaling to the widget); null when i is out of range.
    QImage renderedTile(int i) const;
    // Tile under a widget position, or −1.
    int tileAt(const QPoint& pos) const;
    QRect tileRect(int i) const;  // image area of tile i in widget coordinates

    QSize sizeHint() const override;
    int heightForWidth(int width) const override;
    bool hasHeightForWidth() const override { return true; }

signals:
    void tileClicked(int index);

protected:
    void paintEvent(QPaintEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

private:
    struct Layout {
        int columns = 1, rows = 0, side = 0, captionHeight = 0;
    };
    Layout layoutFor(int width) const;
    void render();

    std::vector<ImageTile> tiles_;
    std::vector<QImage> rendered_;
    IntervalSpec interval_;
    StretchSpec stretch_;
    Colormap colormap_ = Colormap::Grey;
    bool shared_ = false, blueFirst_ = true;
    int columns_ = 0, minSide_ = 64;
    QColor maskColor_{255, 60, 60};
};

// A (C, H, W) image as an 8-bit QImage: per channel (or over `shared` when given) interval → stretch;
// one channel through the colour map, three as RGB.
QImage renderFloatImage(const Tensor& image, const IntervalSpec& interval, const StretchSpec& stretch, Colormap map,
                        bool blueFirst, const Interval* shared = nullptr);

}  // namespace deepfield::widgets
