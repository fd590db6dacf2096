#pragma once
// Feature-map grid: every channel of a layer's activations (K, h, w) as a tile, each scaled
// from its own minimum to maximum through a sequential colour map, labelled with its channel
// number and mean activation. Tiles can be sorted by mean activation (largest first); a click
// on a tile emits its channel so a bigger view can show it.
#include <QImage>
#include <QWidget>
#include <vector>

#include "core/tensor.h"
#include "data/colormap.h"

namespace deepfield::widgets {

class FeatureMapGrid : public QWidget {
    Q_OBJECT
public:
    explicit FeatureMapGrid(QWidget* parent = nullptr);
    void setMaps(const Tensor& maps);  // (K, h, w)
    const Tensor& maps() const { return maps_; }
    void setSortByMean(bool on);
    bool sortByMean() const { return sorted_; }
    void setTileSize(int pixels);  // longest side of a tile on screen
    void setColormap(Colormap map);
    // Channels in display order (sorted or 0..K-1) and their means.
    const std::vector<int>& order() const { return order_; }
    const std::vector<float>& means() const { return means_; }
    int channelAt(QPoint pos) const;  // -1 outside any tile
    QRect tileRect(int position) const;  // position in display order
    QImage tileImage(int channel) const { return channel >= 0 && channel < int(tiles_.size()) ? tiles_[std::size_t(channel)] : QImage(); }

    bool hasHeightForWidth() const override { return true; }
    int heightForWidth(int width) const override;
    QSize sizeHint() const override;

signals:
    void channelClicked(int channel);

protected:
    void paintEvent(QPaintEvent*) override;
    void mousePressEvent(QMouseEvent* e) override;
    void resizeEvent(QResizeEvent*) override;

private:
    void rebuild();
    void reorder();
    int columns(int width) const;
    QSize tileSize() const;

    Tensor maps_;
    std::vector<QImage> tiles_;
    std::vector<float> means_;
    std::vector<int> order_;
    bool sorted_ = false;
    int tileSide_ = 72;
    Colormap map_ = Colormap::Viridis;
};

}  // namespace deepfield::widgets
