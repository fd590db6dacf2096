#include "image_controls.h"

#include <QComboBox>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QToolButton>

#include "image_view.h"

namespace deepfield::widgets {

ImageControls::ImageControls(ImageView* view, QWidget* parent) : QWidget(parent), view_(view) {
    interval_ = new QComboBox(this);
    interval_->setToolTip(tr("Display interval: the data range mapped from black to white"));
    interval_->addItem(tr("min/max"), "minmax");
    for (const char* p : {"99.9", "99.5", "99", "98", "95", "90"})
        interval_->addItem(tr("%1 %").arg(p), QString("percentile:") + p);
    interval_->addItem(tr("zscale"), "zscale");
    interval_->addItem(tr("fixed"), "manual");  // the settings' manual range, e.g. 0..255 for 8-bit images
    stretch_ = new QComboBox(this);
    stretch_->setToolTip(tr("Stretch applied within the interval"));
    for (DisplayStretch k : {DisplayStretch::Linear, DisplayStretch::Log, DisplayStretch::Sqrt, DisplayStretch::Asinh,
                             DisplayStretch::Power, DisplayStretch::HistEq}) {
        const QString name = deepfield::stretchName(k);
        stretch_->addItem(k == DisplayStretch::HistEq ? tr("hist. equal.") : k == DisplayStretch::Power ? tr("square") : name,
                          name);
    }
    colormap_ = new QComboBox(this);
    colormap_->setToolTip(tr("Colour map (blank pixels get a colour the map never uses)"));
    for (const ColormapInfo& c : colormaps()) {
        colormap_->addItem(c.diverging ? tr("%1 (diverging)").arg(c.name) : QString(c.name), QString(c.name));
        colormap_->setItemData(colormap_->count() - 1, QString(c.attribution), Qt::ToolTipRole);
    }
    band_ = new QComboBox(this);
    band_->setToolTip(tr("One band through the colour map, or a colour composite of three bands"));

    auto button = [this](const QString& text, const QString& tip, auto slot) {
        auto* b = new QToolButton(this);
        b->setText(text);
        b->setToolTip(tip);
        b->setAutoRaise(true);
        connect(b, &QToolButton::clicked, view_, slot);
        return b;
    };
    // Two rows: the controls fit a narrow dock (about 360 pixels).
    for (QComboBox* box : {interval_, stretch_, colormap_, band_}) {
        box->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
        box->setMinimumContentsLength(8);
    }
    auto* layout = new QGridLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setHorizontalSpacing(4);
    layout->setVerticalSpacing(2);
    layout->addWidget(interval_, 0, 0);
    layout->addWidget(stretch_, 0, 1);
    layout->addWidget(colormap_, 1, 0);
    layout->addWidget(band_, 1, 1);
    auto* zoom = new QHBoxLayout;
    zoom->setSpacing(0);
    zoom->addWidget(button(tr("Fit"), tr("Fit the image to the window (F)"), &ImageView::fitToWindow));
    zoom->addWidget(button(tr("1:1"), tr("One image pixel per screen pixel (1)"), &ImageView::actualSize));
    auto* zoom2 = new QHBoxLayout;
    zoom2->setSpacing(0);
    zoom2->addWidget(button(tr("+"), tr("Zoom in (+, wheel)"), &ImageView::zoomIn));
    zoom2->addWidget(button(tr("−"), tr("Zoom out (−, wheel)"), &ImageView::zoomOut));
    layout->addLayout(zoom, 0, 2);
    layout->addLayout(zoom2, 1, 2);
    layout->setColumnStretch(0, 1);
    layout->setColumnStretch(1, 1);

    for (QComboBox* box : {interval_, stretch_, colormap_, band_})
        connect(box, &QComboBox::currentIndexChanged, this, [this] { apply(); });
    connect(view_, &ImageView::settingsChanged, this, [this] { syncFromView(); });
    syncFromView();
}

void ImageControls::syncFromView() {
    syncing_ = true;
    const DisplaySettings& s = view_->settings();
    QString iv = deepfield::intervalName(s.interval.kind);
    if (s.interval.kind == IntervalKind::Percentile)
        iv = QString("percentile:%1").arg(s.interval.upperPercent - s.interval.lowerPercent);
    if (int m = interval_->findData("manual"); m >= 0)
        interval_->setItemText(m, tr("fixed %1 … %2").arg(s.interval.manual.low).arg(s.interval.manual.high));
    if (int i = interval_->findData(iv); i >= 0) interval_->setCurrentIndex(i);
    if (int i = stretch_->findData(QString(deepfield::stretchName(s.stretch.kind))); i >= 0) stretch_->setCurrentIndex(i);
    if (int i = colormap_->findData(QString(colormapInfo(s.colormap).name)); i >= 0) colormap_->setCurrentIndex(i);
    band_->clear();
    const Image* img = view_->image();
    const int c = img ? img->channels() : 0;
    for (int b = 0; b < c; ++b)
        band_->addItem(view_->channelNames().value(b, c == 3 && !img->bottomUp ? QStringList{tr("red"), tr("green"), tr("blue")}[b]
                                                                               : tr("band %1").arg(b + 1)),
                       b);
    if (c >= 3) {
        band_->addItem(tr("colour (per band)"), -1);
        band_->addItem(tr("colour (Lupton)"), -2);
    }
    const int want = s.band >= 0 ? s.band : (s.composite == CompositeMode::PerBand ? -1 : -2);
    if (int i = band_->findData(want); i >= 0) band_->setCurrentIndex(i);
    band_->setEnabled(c > 1);
    syncing_ = false;
}

void ImageControls::apply() {
    if (syncing_) return;
    DisplaySettings s = view_->settings();
    const QString iv = interval_->currentData().toString();
    if (iv.startsWith("percentile:")) {
        const double keep = iv.mid(11).toDouble();
        s.interval.kind = IntervalKind::Percentile;
        s.interval.lowerPercent = (100.0 - keep) / 2.0;
        s.interval.upperPercent = 100.0 - s.interval.lowerPercent;
    } else {
        s.interval.kind = parseIntervalKind(iv.toStdString());
    }
    s.stretch.kind = parseDisplayStretch(stretch_->currentData().toString().toStdString());
    s.stretch.a = 0;
    s.colormap = parseColormap(colormap_->currentData().toString().toStdString());
    if (band_->count() > 0) {
        const int b = band_->currentData().toInt();
        s.band = b >= 0 ? b : -1;
        if (b < 0) s.composite = b == -1 ? CompositeMode::PerBand : CompositeMode::Lupton;
    }
    view_->setSettings(s);
}

void ImageControls::setInterval(const QString& name) {
    const QString key = name == "percentile" ? QString("percentile:99") : name;
    if (int i = interval_->findData(key); i >= 0) interval_->setCurrentIndex(i);
}
void ImageControls::setStretch(const QString& name) {
    if (int i = stretch_->findData(name); i >= 0) stretch_->setCurrentIndex(i);
}
void ImageControls::setColormap(const QString& name) {
    if (int i = colormap_->findData(name == "gray" ? QString("grey") : name); i >= 0) colormap_->setCurrentIndex(i);
}
QString ImageControls::intervalName() const { return interval_->currentData().toString(); }
QString ImageControls::stretchName() const { return stretch_->currentData().toString(); }
QString ImageControls::colormapName() const { return colormap_->currentData().toString(); }

}  // namespace deepfield::widgets
