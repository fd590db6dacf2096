#pragma once
// Controls for an ImageView: display interval (min/max, percentiles, zscale), stretch (linear,
// log, sqrt, asinh, histogram equalisation), colour map, band or colour composite, and zoom
// buttons (fit, 1:1, +, -). They follow the view's settings and change them.
#include <QWidget>

class QComboBox;
class QToolButton;

namespace deepfield::widgets {

class ImageView;

class ImageControls : public QWidget {
    Q_OBJECT
public:
    explicit ImageControls(ImageView* view, QWidget* parent = nullptr);
    // Selects by engine names: interval "minmax", "zscale", "percentile:99.5"; stretch
    // "linear", "log", "sqrt", "asinh", "histeq"; colour map "grey", "magma", ...
    void setInterval(const QString& name);
    void setStretch(const QString& name);
    void setColormap(const QString& name);
    QString intervalName() const;
    QString stretchName() const;
    QString colormapName() const;
    QComboBox* bandBox() const { return band_; }

private:
    void syncFromView();
    void apply();
    ImageView* view_;
    QComboBox *interval_, *stretch_, *colormap_, *band_;
    bool syncing_ = false;
};

}  // namespace deepfield::widgets
