// The Latent space panel's widgets and their wiring (the behaviour is in latent_panel.cpp).
#include <qcustomplot.h>

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QSpinBox>
#include <QSplitter>
#include <QVBoxLayout>

#include "latent_scatter.h"
#include "panels/latent_panel.h"

namespace deepfield::app {

void LatentPanel::buildUi() {
    auto* controls = new QWidget;
    auto* cl = new QVBoxLayout(controls);

    auto* model = new QGroupBox(tr("Model"));
    auto* mf = new QFormLayout(model);
    latentDim_ = new QSpinBox;
    latentDim_->setRange(1, 64);
    latentDim_->setValue(2);
    beta_ = new QDoubleSpinBox;
    beta_->setRange(0.0, 100.0);
    beta_->setSingleStep(0.1);
    beta_->setValue(1.0);
    epochs_ = new QSpinBox;
    epochs_->setRange(1, 1000);
    epochs_->setValue(10);
    klWarmup_ = new QSpinBox;
    klWarmup_->setRange(0, 100);
    klWarmup_->setToolTip(tr("KL annealing: the KL term's weight rises from 0 to 1 over these epochs"));
    learningRate_ = new QDoubleSpinBox;
    learningRate_->setDecimals(5);
    learningRate_->setRange(1e-5, 1.0);
    learningRate_->setSingleStep(1e-4);
    learningRate_->setValue(1e-3);
    imageSize_ = new QSpinBox;
    imageSize_->setRange(0, 256);
    imageSize_->setSingleStep(8);
    imageSize_->setSpecialValueText(tr("as data"));
    imageSize_->setValue(32);
    baseFilters_ = new QSpinBox;
    baseFilters_->setRange(2, 128);
    baseFilters_->setValue(16);
    grey_ = new QCheckBox(tr("Average bands to grey"));
    grey_->setChecked(true);
    mf->addRow(tr("Latent dimension"), latentDim_);
    mf->addRow(tr("β (KL weight)"), beta_);
    mf->addRow(tr("Epochs"), epochs_);
    mf->addRow(tr("KL warm-up epochs"), klWarmup_);
    mf->addRow(tr("Learning rate"), learningRate_);
    mf->addRow(tr("Image size"), imageSize_);
    mf->addRow(tr("Base filters"), baseFilters_);
    mf->addRow(grey_);
    trainButton_ = new QPushButton(tr("Train VAE on current data"));
    openButton_ = new QPushButton(tr("Open run…"));
    openButton_->setToolTip(tr("A folder written by deepfield-cli train --model vae-latent or autoencoder"));
    cancelButton_ = new QPushButton(tr("Cancel"));
    cancelButton_->setEnabled(false);
    mf->addRow(trainButton_);
    auto* row = new QHBoxLayout;
    row->addWidget(openButton_);
    row->addWidget(cancelButton_);
    mf->addRow(row);
    progress_ = new QProgressBar;
    progress_->setRange(0, 1);
    mf->addRow(progress_);
    lossPlot_ = new QCustomPlot;
    lossPlot_->setMinimumHeight(130);
    lossPlot_->addGraph()->setPen(QPen(QColor(30, 90, 200), 1.5));
    lossPlot_->graph(0)->setName(tr("reconstruction"));
    lossPlot_->addGraph()->setPen(QPen(QColor(230, 110, 20), 1.5));
    lossPlot_->graph(1)->setName(tr("β·KL"));
    lossPlot_->legend->setVisible(true);
    lossPlot_->legend->setFont(QFont(font().family(), 7));
    lossPlot_->legend->setBrush(QColor(255, 255, 255, 180));
    lossPlot_->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignRight);
    lossPlot_->yAxis->setScaleType(QCPAxis::stLogarithmic);  // reconstruction and β·KL differ by orders
    lossPlot_->yAxis->setTicker(QSharedPointer<QCPAxisTickerLog>(new QCPAxisTickerLog));
    lossPlot_->xAxis->setLabel(tr("epoch"));
    mf->addRow(lossPlot_);
    cl->addWidget(model);

    auto* view = new QGroupBox(tr("View"));
    auto* vf = new QFormLayout(view);
    projectionBox_ = new QComboBox;
    projectionBox_->addItems({tr("Latent axes"), tr("PCA"), tr("t-SNE")});
    axisXBox_ = new QComboBox;
    axisYBox_ = new QComboBox;
    colourBox_ = new QComboBox;
    colourBox_->addItem("class");
    vf->addRow(tr("Projection"), projectionBox_);
    vf->addRow(tr("Horizontal"), axisXBox_);
    vf->addRow(tr("Vertical"), axisYBox_);
    vf->addRow(tr("Colour by"), colourBox_);
    gridBox_ = new QCheckBox(tr("Traversal grid"));
    gridStepsBox_ = new QSpinBox;
    gridStepsBox_->setRange(2, 20);
    gridStepsBox_->setValue(8);
    auto* gridRow = new QHBoxLayout;
    gridRow->addWidget(gridBox_);
    gridRow->addWidget(gridStepsBox_);
    vf->addRow(gridRow);
    pathSteps_ = new QSpinBox;
    pathSteps_->setRange(2, 24);
    pathSteps_->setValue(10);
    vf->addRow(tr("Interpolation steps"), pathSteps_);
    auto* clear = new QPushButton(tr("Clear selection"));
    vf->addRow(clear);
    cl->addWidget(view);

    auto* exportBox = new QGroupBox(tr("Export"));
    auto* el = new QVBoxLayout(exportBox);
    auto* plotButton = new QPushButton(tr("Plot as PNG/SVG…"));
    auto* gridButton = new QPushButton(tr("Grid as PNG/SVG…"));
    auto* csvButton = new QPushButton(tr("Latent coordinates as CSV…"));
    for (QPushButton* b : {plotButton, gridButton, csvButton}) el->addWidget(b);
    cl->addWidget(exportBox);
    cl->addStretch(1);
    auto* scroll = new QScrollArea;
    scroll->setWidget(controls);
    scroll->setWidgetResizable(true);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    scroll->setMinimumWidth(controls->sizeHint().width() + 20);

    scatter_ = new widgets::LatentScatter;
    status_ = new QLabel(tr("Train a VAE on the loaded images, or open a run."));
    status_->setWordWrap(true);
    pathLabel_ = new QLabel(tr("Click two galaxies: the interpolation between them appears here."));
    pathLabel_->setMinimumHeight(70);
    auto* centre = new QWidget;
    auto* cv = new QVBoxLayout(centre);
    cv->setContentsMargins(0, 0, 0, 0);
    cv->addWidget(status_);
    cv->addWidget(scatter_, 1);
    cv->addWidget(pathLabel_);

    auto* side = new QWidget;
    auto* sv = new QVBoxLayout(side);
    sv->addWidget(new QLabel(tr("<b>Galaxy under the mouse</b>")));
    hoverLabel_ = new QLabel(tr("Hover a point"));
    hoverLabel_->setFixedSize(132, 132);
    hoverLabel_->setAlignment(Qt::AlignCenter);
    hoverCaption_ = new QLabel;
    hoverCaption_->setWordWrap(true);
    sv->addWidget(hoverLabel_);
    sv->addWidget(hoverCaption_);
    sv->addSpacing(12);
    sv->addWidget(new QLabel(tr("<b>Decoded at the probe</b>")));
    probeLabel_ = new QLabel(tr("Click anywhere in the plane"));
    probeLabel_->setFixedSize(164, 164);
    probeLabel_->setAlignment(Qt::AlignCenter);
    probeCaption_ = new QLabel;
    probeCaption_->setWordWrap(true);
    sv->addWidget(probeLabel_);
    sv->addWidget(probeCaption_);
    sv->addStretch(1);
    side->setFixedWidth(190);

    auto* layout = new QHBoxLayout(this);
    layout->addWidget(scroll);
    layout->addWidget(centre, 1);
    layout->addWidget(side);

    connect(trainButton_, &QPushButton::clicked, this, [this] { trainVae(trainSettings()); });
    connect(openButton_, &QPushButton::clicked, this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Open a vae-latent or autoencoder run"));
        if (!dir.isEmpty()) openRun(dir);
    });
    connect(cancelButton_, &QPushButton::clicked, this, &LatentPanel::cancel);
    connect(projectionBox_, &QComboBox::currentIndexChanged, this,
            [this](int m) { setProjection(m, axisXBox_->currentIndex(), axisYBox_->currentIndex()); });
    for (QComboBox* axis : {axisXBox_, axisYBox_})
        connect(axis, &QComboBox::activated, this,
                [this] { setProjection(0, axisXBox_->currentIndex(), axisYBox_->currentIndex()); });
    connect(colourBox_, &QComboBox::currentIndexChanged, this, [this] { applyColouring(); });
    connect(gridBox_, &QCheckBox::toggled, this, [this] { requestGrid(); });
    connect(gridStepsBox_, &QSpinBox::valueChanged, this, [this] { requestGrid(); });
    connect(pathSteps_, &QSpinBox::valueChanged, this, [this] { updateSelection(); });
    connect(clear, &QPushButton::clicked, this, [this] {
        selection_.clear();
        updateSelection();
    });
    auto ask = [this](const QString& title, const QString& filter) { return QFileDialog::getSaveFileName(this, title, {}, filter); };
    connect(plotButton, &QPushButton::clicked, this, [this, ask] {
        const QString p = ask(tr("Export the plot"), tr("PNG (*.png);;SVG (*.svg)"));
        if (!p.isEmpty()) exportPlot(p);
    });
    connect(gridButton, &QPushButton::clicked, this, [this, ask] {
        const QString p = ask(tr("Export the grid"), tr("PNG (*.png);;SVG (*.svg)"));
        if (!p.isEmpty()) exportGrid(p);
    });
    connect(csvButton, &QPushButton::clicked, this, [this, ask] {
        const QString p = ask(tr("Export latent coordinates"), tr("CSV (*.csv)"));
        if (!p.isEmpty()) exportCsv(p);
    });
}

}  // namespace deepfield::app
