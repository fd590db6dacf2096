#pragma once
// Attribution view: an attribution heatmap (H, W) over the image it explains, with opacity and
// colour map, beside the heatmap alone. Signed maps in a diverging colour map are centred on
// zero (symmetric about the largest |value|); in a sequential map |value| runs from 0 to its
// maximum. The image is a QImage of the same H × W (the network input as shown to people).
#include <QImage>
#include <QWidget>

#include "core/tensor.h"
#include "data/colormap.h"

namespace deepfield::widgets {

class AttributionView : public QWidget {
    Q_OBJECT
public:
    explicit AttributionView(QWidget* parent = nullptr);
    void setImage(const QImage& image);
    void setMap(const Tensor& map);  // (H, W) or (1, H, W); empty clears
    void clearMap() { setMap(Tensor()); }
    const Tensor& map() const { return map_; }  // (H, W)
    bool hasMap() const { return !map_.empty(); }
    void setOpacity(double opacity);  // 0..1: how much of the heatmap covers the image
    double opacity() const { return opacity_; }
    void setColormap(Colormap map);
    Colormap colormap() const { return colormap_; }
    void setSideBySide(bool on);
    bool sideBySide() const { return sideBySide_; }

    const QImage& heatmapImage() const { return heat_; }  // H × W colours of the map alone
    QImage overlayImage() const;                           // the image with the heatmap blended
    QImage baseImage() const { return image_; }
    QSize sizeHint() const override { return {520, 280}; }

protected:
    void paintEvent(QPaintEvent*) override;

private:
    void renderHeat();

    QImage image_, heat_;
    Tensor map_;
    double opacity_ = 0.6;
    Colormap colormap_ = Colormap::CoolWarm;
    bool sideBySide_ = true;
};

}  // namespace deepfield::widgets
