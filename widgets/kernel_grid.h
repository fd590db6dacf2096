#pragma once
// Kernel grid: every filter (row) × input channel (column) of a convolution's kernel
// (filters, in_channels, kh, kw) as a small image in a diverging colour map centred on zero
// (blue negative, white zero, red positive). The scale is shared by the whole layer (compare
// filters) or per filter (see each filter's pattern). Zoom sets the screen pixels per weight.
#include <QImage>
#include <QWidget>

#include "core/tensor.h"
#include "data/colormap.h"

namespace deepfield::widgets {

class KernelGrid : public QWidget {
    Q_OBJECT
public:
    explicit KernelGrid(QWidget* parent = nullptr);
    void setKernels(const Tensor& kernels);  // (F, C, kh, kw)
    const Tensor& kernels() const { return kernels_; }
    void setSharedScale(bool shared);
    bool sharedScale() const { return shared_; }
    void setZoom(int pixelsPerWeight);  // 1..64
    int zoom() const { return zoom_; }
    void setColormap(Colormap map);
    // Largest |w| that maps to the ends of the colour map for filter f.
    double limitFor(int filter) const;
    // One kernel (filter f, channel c) as rendered, kh × kw pixels (unzoomed).
    QImage kernelImage(int filter, int channel) const;
    // (filter, channel) under a widget position, (-1, -1) outside any kernel.
    QPoint kernelAt(QPoint pos) const;
    QSize sizeHint() const override;

signals:
    void kernelHovered(const QString& text);

protected:
    void paintEvent(QPaintEvent*) override;
    void mouseMoveEvent(QMouseEvent* e) override;

private:
    void rebuild();
    QRect cellRect(int filter, int channel) const;

    Tensor kernels_;
    bool shared_ = true;
    int zoom_ = 8;
    Colormap map_ = Colormap::CoolWarm;
    std::vector<double> limits_;  // per filter
    QImage atlas_;                // all kernels, one pixel per weight, 1-pixel gaps
};

}  // namespace deepfield::widgets
