#pragma once
// Latent space panel: a VAE trained here on the loaded images (latent dimension, β, epochs,
// learning rate; live reconstruction and β·KL; cancel) or a vae-latent / autoencoder run opened
// from disk encodes the dataset; the plane shows μ per image coloured by class or a numeric
// label. Hover a point for its galaxy, click anywhere (or drag the probe) to decode that latent
// point, pick two galaxies for the interpolation between them, see σ ellipses of the picked
// ones, tile decoded galaxies over the view, project wider codes (PCA, t-SNE), export.
#include <QImage>
#include <QWidget>
#include <memory>
#include <vector>

#include "core/tensor.h"
#include "generative/latent.h"
#include "latent/numeric_labels.h"
#include "latent/projection.h"
#include "latent/vae_training.h"

class QCheckBox;
class QComboBox;
class QCustomPlot;
class QDoubleSpinBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTimer;

namespace deepfield::widgets {
class LatentScatter;
}

namespace deepfield::app {

class BackgroundTask;
class DataPanel;
class LatentModel;
class LatestDecoder;

class LatentPanel : public QWidget {
    Q_OBJECT
public:
    explicit LatentPanel(DataPanel* data, QWidget* parent = nullptr);
    ~LatentPanel() override;

    // Model sources. Both encode the Data panel's dataset in the background afterwards.
    void trainVae(const VaeTrainSettings& settings);
    VaeTrainSettings trainSettings() const;  // from the form
    void setTrainSettings(const VaeTrainSettings& s);
    bool openRun(const QString& folder);  // false (message shown) when it is not a usable run
    void setModel(std::shared_ptr<LatentModel> model);
    void cancel();
    bool isBusy() const;
    void waitUntilIdle();  // tests and scripted runs: training, encoding, projection and decodes done

    std::shared_ptr<LatentModel> model() const { return model_; }
    const LatentCodes& codes() const { return codes_; }
    const Projection& projection() const { return projection_; }
    widgets::LatentScatter* scatter() const { return scatter_; }
    QString statusText() const;
    int lossPointCount() const;  // live (reconstruction, β·KL) points of the current training

    // View: 0 latent axes (axisX, axisY), 1 PCA, 2 t-SNE (background).
    void setProjection(int mode, int axisX = 0, int axisY = 1);
    void setColouring(const QString& name);  // "class" or a numeric label
    QStringList colourings() const;
    void setGridVisible(bool on);

    // What the user sees.
    int hoveredIndex() const { return hovered_; }
    QImage hoverImage() const { return hoverImage_; }
    Tensor probeLatent() const { return probeZ_; }       // (1, D) last decoded point
    Tensor probeDecoded() const { return probeImage_; }  // (1, C, H, W)
    QImage probeImage() const;
    Tensor interpolation() const { return interpolation_; }  // (steps, C, H, W)
    int gridTileCount() const;
    double lastDecodeMilliseconds() const;
    std::vector<float> latentAt(const QPointF& plane) const;  // empty for t-SNE

    // Interaction as the mouse does it (tests, scripts).
    void hoverPoint(int index);
    void clickAt(const QPointF& plane, int nearest = -1);

    bool exportPlot(const QString& path);  // .png or .svg
    bool exportGrid(const QString& path);  // .png or .svg: the traversal grid as one picture
    bool exportCsv(const QString& path);

signals:
    void modelReady();
    void encoded();

private:
    void buildUi();
    void startEncoding();
    void showCodes();
    void applyColouring();
    void updateSelection();
    void requestGrid();
    void showGrid(const Tensor& images, const Tensor& z);
    void decodeAt(const QPointF& plane, int nearest);
    void onDecoded(const Tensor& images, const Tensor& z, int tag);
    void setStatus(const QString& text);
    void appendLoss(const VaeTrainProgress& p);
    std::vector<std::string> labelTexts() const;
    std::vector<std::string> rowNames() const;

    DataPanel* data_;
    std::shared_ptr<LatentModel> model_;
    std::shared_ptr<const class Dataset> adapted_;
    LatentCodes codes_;
    Projection projection_;
    NumericLabels numeric_;
    std::vector<int> classes_;
    QVector<int> selection_;
    int hovered_ = -1;
    QImage hoverImage_;
    Tensor probeZ_, probeImage_, interpolation_, gridImages_, gridZ_;
    QRectF gridRegion_;
    int gridSteps_ = 0;

    BackgroundTask* trainTask_;
    BackgroundTask* encodeTask_;
    BackgroundTask* projectTask_;
    LatestDecoder* probeDecoder_;
    LatestDecoder* gridDecoder_;
    LatestDecoder* pathDecoder_;
    QTimer* gridTimer_;
    std::shared_ptr<VaeModel> trained_;  // hand-over from the training worker
    std::shared_ptr<LatentCodes> encodedCodes_;
    std::shared_ptr<NumericLabels> encodedNumeric_;
    std::shared_ptr<Projection> projected_;
    std::shared_ptr<std::vector<VaeTrainProgress>> lossQueue_;

    widgets::LatentScatter* scatter_;
    QSpinBox *latentDim_, *epochs_, *klWarmup_, *imageSize_, *baseFilters_, *gridStepsBox_, *pathSteps_;
    QDoubleSpinBox *beta_, *learningRate_;
    QCheckBox *grey_, *gridBox_;
    QPushButton *trainButton_, *openButton_, *cancelButton_;
    QComboBox *projectionBox_, *axisXBox_, *axisYBox_, *colourBox_;
    QProgressBar* progress_;
    QLabel *status_, *hoverLabel_, *hoverCaption_, *probeLabel_, *probeCaption_, *pathLabel_;
    QCustomPlot* lossPlot_;
};

}  // namespace deepfield::app
