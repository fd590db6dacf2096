#pragma once
// The anomaly side of the Generate panel: images ranked by an anomaly score (WGAN critic or VAE
// reconstruction error; higher = more unusual), a threshold slider that highlights the images
// above it (or shows only them), and the histogram of the scores with the threshold marked.
#include <QWidget>
#include <memory>
#include <vector>

#include "data/dataset.h"
#include "generative/anomaly.h"

class QLabel;
class QSlider;
class QCheckBox;
class QPushButton;
class QComboBox;

namespace deepfield::widgets {
class ImageTileGrid;
class HistogramView;
}  // namespace deepfield::widgets

namespace deepfield::app {

class AnomalyView : public QWidget {
    Q_OBJECT
public:
    explicit AnomalyView(QWidget* parent = nullptr);

    // scores[i] belongs to image i of `images` (shown as stored); `what` names the score.
    void setScores(std::vector<double> scores, std::shared_ptr<const Dataset> images, const QString& what);
    void clear();
    void setStatus(const QString& text);

    const std::vector<double>& scores() const { return scores_; }
    const std::vector<int>& order() const { return order_; }  // image indices by decreasing score
    // Image index of each gallery tile, in gallery order.
    const std::vector<int>& shownImages() const { return shown_; }
    double threshold() const;
    void setThreshold(double value);
    int aboveThreshold() const;
    void setOnlyAbove(bool on);

    widgets::ImageTileGrid* gallery() const { return gallery_; }
    widgets::HistogramView* histogram() const { return histogram_; }
    QSlider* thresholdSlider() const { return slider_; }
    QPushButton* scoreButton() const { return scoreButton_; }
    QComboBox* sourceChoice() const { return source_; }
    // The residual statistic a VAE ranks by (sum, chi2, peak, matched, combined, annulus; default
    // combined; annulus, against the set's own most similar images, is the best on the anomaly
    // set); disabled for critics.
    QComboBox* statisticChoice() const { return statistic_; }
    ResidualStatistic statistic() const;
    static constexpr int kMaxShown = 60;

signals:
    void scoreRequested();
    void imageClicked(int imageIndex);

private:
    void rebuildGallery();
    void onThresholdMoved();

    QComboBox* source_;
    QComboBox* statistic_;
    QPushButton* scoreButton_;
    QLabel* status_;
    QSlider* slider_;
    QLabel* thresholdLabel_;
    QCheckBox* onlyAbove_;
    widgets::ImageTileGrid* gallery_;
    widgets::HistogramView* histogram_;
    std::vector<double> scores_;
    std::vector<int> order_, shown_;
    std::shared_ptr<const Dataset> images_;
    double low_ = 0, high_ = 1;
};

}  // namespace deepfield::app
